//! Textures that views may reinterpret (ARB_texture_view, OES_texture_view):
//! a view in another format of the texture's view class reads and writes
//! the same bits ([`format::view_compatible`]).
//!
//! wgpu-core lets a texture it creates be viewed only in its own format and
//! its sRGB twin, so such a texture is created through wgpu-hal, with every
//! format of its class as a view format (Vulkan's `MUTABLE_FORMAT` and
//! format list), and handed to wgpu-core, whose views then take any of
//! them. wgpu-core neither clears nor tracks the initialisation of a texture
//! it did not create: every level is written with zeros here before the
//! guest sees it, so no texel of earlier memory reaches the guest.

use crate::core::base::error::{CreateResourceError, WgpuOp};
use crate::core::base::format::{self, FormatDesc};
use crate::core::gpu::device::Gpu;
use wgpu::hal::api::Vulkan;
use wgpu::hal::Device as _;

/// The formats besides its own that a texture stored as `desc` may be
/// viewed in: its sRGB twin and every format of its view class the device
/// samples.
pub fn view_class(gpu: &Gpu, desc: &FormatDesc) -> Vec<wgpu::TextureFormat> {
    let mut formats: Vec<wgpu::TextureFormat> = Vec::new();
    let twin = format::srgb_twin(desc.host);
    let class = format::TABLE
        .iter()
        .filter(|d| gpu.format_support(d.virgl).sample && format::view_compatible(desc, d))
        .map(|d| d.host);
    for f in twin.into_iter().chain(class) {
        if f != desc.host && !formats.contains(&f) {
            formats.push(f);
        }
    }
    formats
}

/// Creates `desc` (its `view_formats` a view class) through wgpu-hal,
/// zeroed; `None` where the device is not a Vulkan one or refuses the
/// image, and the texture is made the usual way.
pub fn create(
    gpu: &Gpu,
    desc: &wgpu::TextureDescriptor<'_>,
) -> Result<Option<wgpu::Texture>, CreateResourceError> {
    let hal_desc = wgpu::hal::TextureDescriptor {
        label: desc.label,
        size: desc.size,
        mip_level_count: desc.mip_level_count,
        sample_count: desc.sample_count,
        dimension: desc.dimension,
        format: desc.format,
        usage: hal_uses(desc.usage),
        memory_flags: wgpu::hal::MemoryFlags::empty(),
        view_formats: desc.view_formats.to_vec(),
    };
    // SAFETY: the hal device outlives this call, and `hal_desc` was checked
    // against the device's limits and the format's features by the caller
    // (sizes, levels, layers, usages), as wgpu-core would have.
    let created = unsafe {
        gpu.device
            .as_hal::<Vulkan>()
            .map(|d| d.create_texture(&hal_desc))
    };
    let hal_texture = match created {
        Some(Ok(t)) => t,
        Some(Err(e)) => {
            tracing::debug!(
                "reinterpretable texture refused by the device ({e}); made the usual way"
            );
            return Ok(None);
        }
        None => return Ok(None),
    };
    let texture = gpu.checked(WgpuOp::CreateTexture, || {
        // SAFETY: the hal texture was created on this device from `desc`'s
        // own sizes, format, usages and view formats, is not yet in use, and
        // its layout is undefined (`UNINITIALIZED`).
        unsafe {
            gpu.device.create_texture_from_hal::<Vulkan>(
                hal_texture,
                desc,
                wgpu::TextureUses::UNINITIALIZED,
            )
        }
    })?;
    zero(gpu, &texture)?;
    Ok(Some(texture))
}

/// The hal uses of a texture with wgpu `usage` (what wgpu-core would derive
/// for a colour format).
fn hal_uses(usage: wgpu::TextureUsages) -> wgpu::TextureUses {
    let mut uses = wgpu::TextureUses::empty();
    for (from, to) in [
        (wgpu::TextureUsages::COPY_SRC, wgpu::TextureUses::COPY_SRC),
        (wgpu::TextureUsages::COPY_DST, wgpu::TextureUses::COPY_DST),
        (
            wgpu::TextureUsages::TEXTURE_BINDING,
            wgpu::TextureUses::RESOURCE,
        ),
        (
            wgpu::TextureUsages::RENDER_ATTACHMENT,
            wgpu::TextureUses::COLOR_TARGET,
        ),
        (
            wgpu::TextureUsages::STORAGE_BINDING,
            wgpu::TextureUses::STORAGE_READ_ONLY
                | wgpu::TextureUses::STORAGE_WRITE_ONLY
                | wgpu::TextureUses::STORAGE_READ_WRITE,
        ),
    ] {
        if usage.contains(from) {
            uses |= to;
        }
    }
    uses
}

/// Most bytes of zeros written at once: a band of block rows of one layer
/// (or slice), so a large texture's zeroing takes no more host memory than
/// this and the staging copy of it.
const ZERO_CHUNK: u32 = 4 << 20;

/// Writes zeros to every level, layer (or slice) and row of `texture`, in
/// bands of at most [`ZERO_CHUNK`] bytes.
fn zero(gpu: &Gpu, texture: &wgpu::Texture) -> Result<(), CreateResourceError> {
    let format = texture.format();
    let (bw, bh) = format.block_dimensions();
    let block_bytes = format.block_copy_size(None).unwrap_or(4);
    let dimension = texture.dimension();
    gpu.checked(WgpuOp::WriteTexture, || {
        let mut zeros = Vec::new();
        for level in 0..texture.mip_level_count() {
            let size = texture
                .size()
                .mip_level_size(level, dimension)
                .physical_size(format);
            let row = size.width / bw * block_bytes;
            let rows = size.height / bh;
            let band = (ZERO_CHUNK / row.max(1)).clamp(1, rows.max(1));
            zeros.resize((row * band) as usize, 0u8);
            for z in 0..size.depth_or_array_layers {
                for first in (0..rows).step_by(band as usize) {
                    let count = band.min(rows - first);
                    let bytes = (row * count) as usize;
                    gpu.queue.write_texture(
                        wgpu::TexelCopyTextureInfo {
                            texture,
                            mip_level: level,
                            origin: wgpu::Origin3d {
                                x: 0,
                                y: first * bh,
                                z,
                            },
                            aspect: wgpu::TextureAspect::All,
                        },
                        zeros.get(..bytes).unwrap_or(&zeros),
                        wgpu::TexelCopyBufferLayout {
                            offset: 0,
                            bytes_per_row: Some(row),
                            rows_per_image: Some(count),
                        },
                        wgpu::Extent3d {
                            width: size.width,
                            height: count * bh,
                            depth_or_array_layers: 1,
                        },
                    );
                }
            }
        }
    })?;
    Ok(())
}
