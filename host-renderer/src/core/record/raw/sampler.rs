//! Raw samplers from the descriptors the wgpu path uses (wgpu gives no raw
//! handle of its samplers).

use super::pipeline;
use ash::vk;

/// The Vulkan sampler for `d`.
pub fn info(d: &wgpu::SamplerDescriptor<'_>) -> vk::SamplerCreateInfo<'static> {
    let address = |m: wgpu::AddressMode| match m {
        wgpu::AddressMode::ClampToEdge => vk::SamplerAddressMode::CLAMP_TO_EDGE,
        wgpu::AddressMode::Repeat => vk::SamplerAddressMode::REPEAT,
        wgpu::AddressMode::MirrorRepeat => vk::SamplerAddressMode::MIRRORED_REPEAT,
        wgpu::AddressMode::ClampToBorder => vk::SamplerAddressMode::CLAMP_TO_BORDER,
    };
    let filter = |f: wgpu::FilterMode| match f {
        wgpu::FilterMode::Nearest => vk::Filter::NEAREST,
        wgpu::FilterMode::Linear => vk::Filter::LINEAR,
    };
    let mut info = vk::SamplerCreateInfo::default()
        .address_mode_u(address(d.address_mode_u))
        .address_mode_v(address(d.address_mode_v))
        .address_mode_w(address(d.address_mode_w))
        .mag_filter(filter(d.mag_filter))
        .min_filter(filter(d.min_filter))
        .mipmap_mode(match d.mipmap_filter {
            wgpu::MipmapFilterMode::Nearest => vk::SamplerMipmapMode::NEAREST,
            wgpu::MipmapFilterMode::Linear => vk::SamplerMipmapMode::LINEAR,
        })
        .min_lod(d.lod_min_clamp)
        .max_lod(d.lod_max_clamp)
        .border_color(match d.border_color {
            Some(wgpu::SamplerBorderColor::OpaqueBlack) => vk::BorderColor::FLOAT_OPAQUE_BLACK,
            Some(wgpu::SamplerBorderColor::OpaqueWhite) => vk::BorderColor::FLOAT_OPAQUE_WHITE,
            _ => vk::BorderColor::FLOAT_TRANSPARENT_BLACK,
        });
    if let Some(c) = d.compare {
        info = info.compare_enable(true).compare_op(pipeline::compare(c));
    }
    info
}
