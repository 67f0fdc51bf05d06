//! Creating a resource's host object from the guest's creation info, every
//! field checked first, and the host memory it will take.

use super::reinterpret;
use super::table::{BufferRes, ResourceKind, TextureRes, Unfolded};
use crate::core::base::error::{CreateResourceError, WgpuOp};
use crate::core::base::format::{srgb_twin, FormatDesc};
use crate::core::base::ids::ResId;
use crate::core::base::layout::ResourceInfo;
use crate::core::gpu::device::{Gpu, MSAA_SAMPLES};
use crate::core::gpu::dmabuf::{drm_fourcc, ScanoutMemory};
use guest_protocol::virgl::enums::{bind, TextureTarget};
use std::sync::Arc;

/// Largest buffer accepted.
pub const MAX_BUFFER_BYTES: u64 = 256 << 20;

/// Host bytes a resource will take (buffers twice: GPU copy and shadow),
/// computed with saturating arithmetic from the guest's sizes.
pub fn host_bytes(gpu: &Gpu, info: &ResourceInfo) -> u64 {
    if info.target == TextureTarget::BUFFER {
        return u64::from(info.width).saturating_mul(2);
    }
    match gpu.format_desc(info.format) {
        Some(desc) => {
            let mut total = 0u64;
            let (bw, bh) = desc.block_dims();
            for level in 0..=info.last_level.min(31) {
                let (w, h, _) = info.level_extent(level);
                let blocks = u64::from(w.div_ceil(bw)) * u64::from(h.div_ceil(bh));
                let bytes = blocks
                    .saturating_mul(
                        u64::from(desc.host_block_bytes()) + u64::from(desc.has_stencil()),
                    )
                    .saturating_mul(u64::from(info.slices(level)));
                total = total.saturating_add(bytes);
            }
            let samples = sample_count(info).unwrap_or(1);
            let total = total.saturating_mul(u64::from(samples));
            // A multisampled array has an unfolded copy as large.
            if samples > 1 && info.target == TextureTarget::TEXTURE_2D_ARRAY {
                total.saturating_mul(2)
            } else {
                total
            }
        }
        None => 0,
    }
}

/// The samples per pixel the host creates for `info`: 1 for 0 and 1, and
/// [`MSAA_SAMPLES`] for any count up to it. GL lets an implementation give
/// more samples than asked for, up to its next supported count, and Mesa
/// asks for 2 or 3 whenever `max_samples` is 4 (the reference host's GL
/// rounds them up the same way); more than [`MSAA_SAMPLES`] is refused.
pub fn sample_count(info: &ResourceInfo) -> Result<u32, CreateResourceError> {
    host_samples(info.nr_samples).ok_or(CreateResourceError::Multisample(info.nr_samples))
}

/// The samples per pixel the host gives a guest count of `n` (see
/// [`sample_count`]); `None` above [`MSAA_SAMPLES`].
pub fn host_samples(n: u32) -> Option<u32> {
    match n {
        0 | 1 => Some(1),
        n if n <= MSAA_SAMPLES => Some(MSAA_SAMPLES),
        _ => None,
    }
}

/// Creates the host object for `info` after checking every field.
pub fn create(
    gpu: &Gpu,
    id: ResId,
    info: &ResourceInfo,
) -> Result<ResourceKind, CreateResourceError> {
    let samples = sample_count(info)?;
    if info.target == TextureTarget::BUFFER {
        if samples > 1 {
            return Err(CreateResourceError::Multisample(info.nr_samples));
        }
        create_buffer(gpu, id, info).map(ResourceKind::Buffer)
    } else {
        create_texture(gpu, id, info, samples).map(ResourceKind::Texture)
    }
}

/// `value` if it lies in `1..=max`.
fn check(what: &'static str, value: u32, max: u32) -> Result<(), CreateResourceError> {
    if value == 0 || value > max {
        Err(CreateResourceError::BadSize { what, value, max })
    } else {
        Ok(())
    }
}

fn create_buffer(
    gpu: &Gpu,
    id: ResId,
    info: &ResourceInfo,
) -> Result<BufferRes, CreateResourceError> {
    let max = MAX_BUFFER_BYTES.min(gpu.limits.max_buffer_size) as u32;
    check("buffer size", info.width, max)?;
    let size = u64::from(info.width);
    let gpu_size = size.div_ceil(4) * 4;
    let buffer = gpu.checked(WgpuOp::CreateBuffer, || {
        gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(&format!("res{}", id.0)),
            size: gpu_size,
            usage: wgpu::BufferUsages::COPY_DST
                | wgpu::BufferUsages::COPY_SRC
                | wgpu::BufferUsages::VERTEX
                | wgpu::BufferUsages::INDEX
                | wgpu::BufferUsages::UNIFORM
                | wgpu::BufferUsages::STORAGE,
            mapped_at_creation: false,
        })
    })?;
    Ok(BufferRes {
        gpu: buffer,
        shadow: vec![0; gpu_size as usize],
        size,
        dirty: std::cell::Cell::new(None),
    })
}

fn create_texture(
    gpu: &Gpu,
    id: ResId,
    info: &ResourceInfo,
    samples: u32,
) -> Result<TextureRes, CreateResourceError> {
    let limits = &gpu.limits;
    let desc = gpu
        .format_desc(info.format)
        .ok_or(CreateResourceError::UnsupportedFormat(info.format))?;
    let support = gpu.format_support(info.format);
    let (dimension, max_dim) = match info.target {
        TextureTarget::TEXTURE_1D | TextureTarget::TEXTURE_1D_ARRAY => {
            (wgpu::TextureDimension::D2, limits.max_texture_dimension_1d)
        }
        TextureTarget::TEXTURE_2D
        | TextureTarget::RECT
        | TextureTarget::TEXTURE_2D_ARRAY
        | TextureTarget::CUBE
        | TextureTarget::CUBE_ARRAY => {
            (wgpu::TextureDimension::D2, limits.max_texture_dimension_2d)
        }
        TextureTarget::TEXTURE_3D => (wgpu::TextureDimension::D3, limits.max_texture_dimension_3d),
        t => return Err(CreateResourceError::BadTarget(t.0)),
    };
    check("width", info.width, max_dim)?;
    // 1D targets ignore the height; every other target needs a real one
    // (a zero height is refused, not silently made 1).
    let is_1d = matches!(
        info.target,
        TextureTarget::TEXTURE_1D | TextureTarget::TEXTURE_1D_ARRAY
    );
    if !is_1d {
        check("height", info.height, max_dim)?;
    }
    let (_, h, _) = info.level_extent(0);
    if info.target == TextureTarget::TEXTURE_3D {
        check("depth", info.depth, max_dim)?;
    }
    let layers = info.host_layers();
    check("array size", layers, limits.max_texture_array_layers)?;
    if matches!(info.target, TextureTarget::CUBE | TextureTarget::CUBE_ARRAY)
        && !layers.is_multiple_of(6)
    {
        return Err(CreateResourceError::BadSize {
            what: "cube layers",
            value: layers,
            max: limits.max_texture_array_layers,
        });
    }
    let size = wgpu::Extent3d {
        width: info.width,
        height: h,
        depth_or_array_layers: if dimension == wgpu::TextureDimension::D3 {
            info.depth
        } else {
            layers
        },
    };
    let max_levels = size.max_mips(dimension);
    check("mip levels", info.last_level.saturating_add(1), max_levels)?;
    let (bw, bh) = desc.block_dims();
    if !info.width.is_multiple_of(bw) || !h.is_multiple_of(bh) {
        // wgpu wants level 0 of block-compressed textures in whole blocks.
        return Err(CreateResourceError::PartialBlocks {
            width: info.width,
            height: h,
            block_width: bw,
            block_height: bh,
        });
    }
    // 3D textures render one slice at a time (a colour attachment's
    // `depth_slice`); WebGPU has no depth attachments of 3D textures.
    let renderable = match dimension {
        wgpu::TextureDimension::D3 => support.render && !desc.is_depth_stencil(),
        _ => support.render || support.depth,
    };
    let mut usage = wgpu::TextureUsages::COPY_DST
        | wgpu::TextureUsages::COPY_SRC
        | wgpu::TextureUsages::TEXTURE_BINDING;
    if renderable {
        usage |= wgpu::TextureUsages::RENDER_ATTACHMENT;
    }
    // GL may bind any level of a texture as an image (SET_SHADER_IMAGES).
    if support.storage {
        usage |= wgpu::TextureUsages::STORAGE_BINDING;
    }
    if samples > 1 {
        // Single-level 2D colour and depth/stencil targets: drawn to,
        // cleared, sampled (texelFetch), copied whole and blitted; and, where
        // the device has multisampled arrays, single-level colour arrays
        // (sampled unfolded: `record::unfold`).
        let plain_2d =
            matches!(info.target, TextureTarget::TEXTURE_2D | TextureTarget::RECT) && layers == 1;
        let array = info.target == TextureTarget::TEXTURE_2D_ARRAY
            && !desc.is_depth_stencil()
            && gpu.features.contains(wgpu::Features::MULTISAMPLE_ARRAY);
        if !(plain_2d || array) || info.last_level != 0 || !support.multisample {
            return Err(CreateResourceError::Multisample(info.nr_samples));
        }
        usage = wgpu::TextureUsages::RENDER_ATTACHMENT
            | wgpu::TextureUsages::TEXTURE_BINDING
            | wgpu::TextureUsages::COPY_SRC
            | wgpu::TextureUsages::COPY_DST;
    }
    let label = format!("res{}", id.0);
    let texture_desc = wgpu::TextureDescriptor {
        label: Some(&label),
        size,
        mip_level_count: info.last_level + 1,
        sample_count: samples,
        dimension,
        format: desc.host,
        usage,
        view_formats: &[],
    };
    let (texture, reinterpretable, scanout) =
        host_texture(gpu, info, desc, &texture_desc, renderable)?;
    let unfolded = if samples > 1 && info.target == TextureTarget::TEXTURE_2D_ARRAY {
        Some(Arc::new(unfolded(gpu, &texture, desc, info)?))
    } else {
        None
    };
    Ok(TextureRes {
        texture,
        desc,
        dimension,
        renderable,
        reinterpretable,
        scanout,
        unfolded,
    })
}

/// The unfolded copy of multisampled array `source` (`info`, format `desc`):
/// a single-sampled 2D array of its layers × samples layers, which must be
/// within the device's array layers.
fn unfolded(
    gpu: &Gpu,
    source: &wgpu::Texture,
    desc: &'static FormatDesc,
    info: &ResourceInfo,
) -> Result<Unfolded, CreateResourceError> {
    let layers = source
        .depth_or_array_layers()
        .saturating_mul(source.sample_count());
    if layers > gpu.limits.max_texture_array_layers {
        return Err(CreateResourceError::Multisample(info.nr_samples));
    }
    let twin = srgb_twin(source.format());
    let target = gpu.checked(WgpuOp::CreateTexture, || {
        gpu.device.create_texture(&wgpu::TextureDescriptor {
            label: Some("unfolded multisampled array"),
            size: wgpu::Extent3d {
                width: source.width(),
                height: source.height(),
                depth_or_array_layers: layers,
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: source.format(),
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::TEXTURE_BINDING,
            view_formats: twin.as_slice(),
        })
    })?;
    Ok(Unfolded {
        source: source.clone(),
        desc,
        target,
        refreshed: Default::default(),
    })
}

/// The host texture for `texture_desc` (its view formats filled in here):
/// on exportable memory for a renderable scanout where the device can
/// export it, reinterpretable by every format of its view class where that
/// class has formats besides the sRGB twin, else the usual wgpu texture.
/// Also whether it is reinterpretable, and its exported memory.
fn host_texture(
    gpu: &Gpu,
    info: &ResourceInfo,
    desc: &'static FormatDesc,
    base: &wgpu::TextureDescriptor<'_>,
    renderable: bool,
) -> Result<(wgpu::Texture, bool, Option<ScanoutMemory>), CreateResourceError> {
    let twin = srgb_twin(desc.host);
    let twin_desc = wgpu::TextureDescriptor {
        view_formats: twin.as_slice(),
        ..base.clone()
    };
    if info.bind & bind::SCANOUT != 0 && renderable {
        if let Some((texture, memory)) = create_exportable(gpu, info, &twin_desc)? {
            return Ok((texture, false, Some(memory)));
        }
    }
    // Single-sampled colour textures whose view class has other formats
    // than the sRGB twin can be viewed in any of them (texture views).
    let class = if base.sample_count == 1 {
        reinterpret::view_class(gpu, desc)
    } else {
        Vec::new()
    };
    if class.iter().any(|f| Some(*f) != twin) {
        let class_desc = wgpu::TextureDescriptor {
            view_formats: &class,
            ..base.clone()
        };
        if let Some(texture) = reinterpret::create(gpu, &class_desc)? {
            return Ok((texture, true, None));
        }
    }
    let texture = gpu.checked(WgpuOp::CreateTexture, || {
        gpu.device.create_texture(&twin_desc)
    })?;
    Ok((texture, false, None))
}

/// A scanout texture on memory the device can export as a dmabuf, cleared
/// to zero (exported memory is not cleared by wgpu); `None` where the
/// device or the format cannot, and the texture is made the usual way.
fn create_exportable(
    gpu: &Gpu,
    info: &ResourceInfo,
    texture_desc: &wgpu::TextureDescriptor<'_>,
) -> Result<Option<(wgpu::Texture, ScanoutMemory)>, CreateResourceError> {
    let (Some(exporter), Some(fourcc)) = (gpu.dmabuf.as_ref(), drm_fourcc(info.format)) else {
        return Ok(None);
    };
    let created = gpu.checked(WgpuOp::CreateTexture, || {
        exporter.create_texture(&gpu.device, texture_desc, fourcc)
    })?;
    let (texture, memory) = match created {
        Ok(Some(made)) => made,
        Ok(None) => return Ok(None),
        Err(e) => {
            tracing::debug!("exportable scanout texture refused by Vulkan ({e}); not exported");
            return Ok(None);
        }
    };
    let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
    let mut encoder = gpu
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor::default());
    encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
        label: Some("clear exported scanout"),
        color_attachments: &[Some(wgpu::RenderPassColorAttachment {
            view: &view,
            depth_slice: None,
            resolve_target: None,
            ops: wgpu::Operations {
                load: wgpu::LoadOp::Clear(wgpu::Color::TRANSPARENT),
                store: wgpu::StoreOp::Store,
            },
        })],
        ..Default::default()
    });
    gpu.submit([encoder.finish()]);
    Ok(Some((texture, memory)))
}
