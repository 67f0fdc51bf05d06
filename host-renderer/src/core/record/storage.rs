//! Shader storage buffers and images (SET_SHADER_BUFFERS,
//! SET_SHADER_IMAGES) as the bind group entries a stage's interface asks
//! for, and the buffer shadows GPU writes make stale.
//!
//! Buffers keep a host shadow that every CPU path reads
//! (`resources::table`); a shader that writes a storage buffer makes the
//! GPU copy newer. Such buffers are noted in [`Work`] and
//! [`refresh_stale`] copies them back into their shadows, in one
//! submission, before the next command that reads a shadow.

use super::bind_groups::BindGroupKey;
use super::pipeline::EntryKind;
use super::recorder::Recorder;
use super::transfer;
use super::work::Work;
use crate::core::base::error::{CommandError, ComputeError, TransferError, WgpuOp};
use crate::core::base::format;
use crate::core::base::ids::ResId;
use crate::core::gpu::device::Gpu;
use crate::core::resources::table::ResourceTable;
use crate::core::state::sub_context::StageState;
use crate::core::validate::resource::attached;
use shader_translate::ast::ImageFormat;
use shader_translate::interface::Interface;
use shader_translate::limits::MAX_SHADER_IMAGES;

/// Per image slot of `stage`: the bound image's format, which images
/// declared without one (`PIPE_FORMAT_NONE`) take.
pub fn image_formats(stage: &StageState) -> [Option<ImageFormat>; MAX_SHADER_IMAGES as usize] {
    let mut out = [None; MAX_SHADER_IMAGES as usize];
    for (o, b) in out.iter_mut().zip(&stage.images) {
        *o = b
            .and_then(|b| b.format.name())
            .and_then(|name| ImageFormat::from_name(&format!("PIPE_FORMAT_{name}")));
    }
    out
}

/// The layout entries of the storage buffers and images `interface` uses.
pub fn entries(interface: &Interface, out: &mut Vec<(u32, EntryKind)>) {
    for b in &interface.storage_buffers {
        out.push((b.binding.binding, EntryKind::StorageBuffer));
    }
    for i in &interface.images {
        let dim = super::pipeline::view_dimension(i.dimension, i.arrayed);
        out.push((
            i.binding.binding,
            EntryKind::StorageImage(dim, storage_format(i.format), i.access),
        ));
    }
}

/// Adds the storage buffers and images `interface` uses, as `stage` binds
/// them, to `key`; sends their shadows' dirty bytes to the GPU first and
/// notes the buffers the shader writes as stale.
pub fn bind(
    rec: &mut Recorder<'_>,
    interface: &Interface,
    stage: &StageState,
    key: &mut BindGroupKey,
) -> Result<(), CommandError> {
    let gpu = rec.gpu;
    for b in &interface.storage_buffers {
        let range = stage
            .shader_buffers
            .get(b.index as usize)
            .copied()
            .flatten();
        let bound = match range {
            Some(r) => {
                let res = attached(rec.resources, rec.attached, r.res)?;
                let buf = res.buffer().ok_or(CommandError::WrongResource {
                    res: r.res,
                    what: "shader storage buffer",
                })?;
                let id = ResId(r.res);
                transfer::sync_buffer(gpu, rec.work, id, buf)?;
                rec.work.mark(id);
                if b.writable {
                    rec.work.mark_stale(id);
                }
                // The GPU copy is a multiple of 4 bytes long and the offset
                // is aligned: the range is cut to whole words inside it.
                let len = buf.gpu.size();
                let offset = u64::from(r.offset).min(len);
                let size = (u64::from(r.length).div_ceil(4) * 4).min(len - offset);
                (size > 0).then(|| (buf.gpu.clone(), offset, size))
            }
            None => None,
        };
        // Nothing bound (or nothing left of the range): a zeroed buffer of
        // the draw's own, so that reads give 0 and writes go nowhere shared.
        let (buffer, offset, size) = bound.unwrap_or_else(|| (empty_buffer(gpu), 0, 16));
        key.buffers.push((b.binding.binding, buffer, size, offset));
    }
    for i in &interface.images {
        let view = image_view(rec, stage, i)?;
        key.views.push((i.binding.binding, view));
    }
    Ok(())
}

/// A 16-byte zeroed storage buffer for an unbound slot.
fn empty_buffer(gpu: &Gpu) -> wgpu::Buffer {
    gpu.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("unbound storage"),
        size: 16,
        usage: wgpu::BufferUsages::STORAGE,
        mapped_at_creation: false,
    })
}

/// The storage view of image slot `i.index` as `stage` binds it: one level
/// and the bound layers of the texture, in the declared format (which must
/// be the texture's).
fn image_view(
    rec: &mut Recorder<'_>,
    stage: &StageState,
    i: &shader_translate::interface::StorageImage,
) -> Result<wgpu::TextureView, CommandError> {
    let bad = || CommandError::Compute(ComputeError::ImageView(i.index as usize));
    let Some(b) = stage.images.get(i.index as usize).copied().flatten() else {
        return Err(CommandError::Unsupported(
            "an image load or store on an empty slot",
        ));
    };
    let res = attached(rec.resources, rec.attached, b.res)?;
    let tex = res.texture().ok_or(CommandError::WrongResource {
        res: b.res,
        what: "shader image",
    })?;
    let format = storage_format(i.format);
    // Another format of the texture's view class where the texture was
    // created reinterpretable (texture views, GL's image format
    // compatibility by size).
    let viewable = tex.desc.host == format
        || (tex.reinterpretable
            && tex.desc.stores_guest_bytes()
            && format::host_view_compatible(tex.desc.host, format));
    if !viewable
        || !tex
            .texture
            .usage()
            .contains(wgpu::TextureUsages::STORAGE_BINDING)
    {
        return Err(CommandError::Unsupported(
            "an image in a format other than its texture's or not storable",
        ));
    }
    let dim = super::pipeline::view_dimension(i.dimension, i.arrayed);
    let (first, last) = b.layers;
    let layers = tex.texture.depth_or_array_layers();
    let level_ok = b.level < tex.texture.mip_level_count();
    let count = match dim {
        wgpu::TextureViewDimension::D2 => Some(1),
        wgpu::TextureViewDimension::D3 => None,
        wgpu::TextureViewDimension::Cube => Some(6),
        _ => Some(last.checked_sub(first).ok_or_else(bad)? + 1),
    };
    let fits = match count {
        Some(n) => first.checked_add(n).is_some_and(|end| end <= layers),
        None => first == 0,
    };
    if !level_ok
        || !fits
        || (dim == wgpu::TextureViewDimension::D3) != (tex.dimension == wgpu::TextureDimension::D3)
    {
        return Err(bad());
    }
    rec.work.mark(ResId(b.res));
    let view = rec.gpu.checked(WgpuOp::CreateView, || {
        tex.texture.create_view(&wgpu::TextureViewDescriptor {
            label: Some("image"),
            format: Some(format),
            dimension: Some(dim),
            usage: Some(wgpu::TextureUsages::STORAGE_BINDING),
            aspect: wgpu::TextureAspect::All,
            base_mip_level: b.level,
            mip_level_count: Some(1),
            base_array_layer: if count.is_some() { first } else { 0 },
            array_layer_count: count,
        })
    })?;
    Ok(view)
}

/// The texture format of a shader image format.
pub fn storage_format(f: naga::StorageFormat) -> wgpu::TextureFormat {
    use naga::StorageFormat as S;
    use wgpu::TextureFormat as T;
    match f {
        S::R8Unorm => T::R8Unorm,
        S::R8Snorm => T::R8Snorm,
        S::R8Uint => T::R8Uint,
        S::R8Sint => T::R8Sint,
        S::R16Uint => T::R16Uint,
        S::R16Sint => T::R16Sint,
        S::R16Float => T::R16Float,
        S::Rg8Unorm => T::Rg8Unorm,
        S::Rg8Snorm => T::Rg8Snorm,
        S::Rg8Uint => T::Rg8Uint,
        S::Rg8Sint => T::Rg8Sint,
        S::R32Uint => T::R32Uint,
        S::R32Sint => T::R32Sint,
        S::R32Float => T::R32Float,
        S::Rg16Uint => T::Rg16Uint,
        S::Rg16Sint => T::Rg16Sint,
        S::Rg16Float => T::Rg16Float,
        S::Rgba8Unorm => T::Rgba8Unorm,
        S::Rgba8Snorm => T::Rgba8Snorm,
        S::Rgba8Uint => T::Rgba8Uint,
        S::Rgba8Sint => T::Rgba8Sint,
        S::Bgra8Unorm => T::Bgra8Unorm,
        S::Rgb10a2Uint => T::Rgb10a2Uint,
        S::Rgb10a2Unorm => T::Rgb10a2Unorm,
        S::Rg11b10Ufloat => T::Rg11b10Ufloat,
        S::R64Uint => T::R64Uint,
        S::Rg32Uint => T::Rg32Uint,
        S::Rg32Sint => T::Rg32Sint,
        S::Rg32Float => T::Rg32Float,
        S::Rgba16Uint => T::Rgba16Uint,
        S::Rgba16Sint => T::Rgba16Sint,
        S::Rgba16Float => T::Rgba16Float,
        S::Rgba32Uint => T::Rgba32Uint,
        S::Rgba32Sint => T::Rgba32Sint,
        S::Rgba32Float => T::Rgba32Float,
        S::R16Unorm => T::R16Unorm,
        S::R16Snorm => T::R16Snorm,
        S::Rg16Unorm => T::Rg16Unorm,
        S::Rg16Snorm => T::Rg16Snorm,
        S::Rgba16Unorm => T::Rgba16Unorm,
        S::Rgba16Snorm => T::Rgba16Snorm,
    }
}

/// Copies the GPU copies of the buffers shaders wrote since the last call
/// back into their shadows: one submission, then one mapping per buffer.
/// Resources destroyed meanwhile are skipped.
pub fn refresh_stale(
    gpu: &Gpu,
    work: &mut Work,
    resources: &mut ResourceTable,
) -> Result<(), TransferError> {
    let stale = work.take_stale();
    if stale.is_empty() {
        return Ok(());
    }
    let mut copies = Vec::new();
    for id in stale {
        let Some(b) = resources.get(&id).and_then(|r| r.buffer()) else {
            continue;
        };
        // The guest's writes since the shader ran reach the GPU copy
        // first, so the read-back holds both.
        transfer::sync_buffer(gpu, work, id, b)?;
        let size = b.gpu.size();
        let readback = gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("storage readback"),
            size,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        gpu.checked(WgpuOp::Readback, || {
            work.encoder(gpu)
                .copy_buffer_to_buffer(&b.gpu, 0, &readback, 0, size);
        })?;
        copies.push((id, readback));
    }
    if let Some(e) = work.flush(gpu) {
        return Err(TransferError::Wgpu(e));
    }
    for (id, readback) in copies {
        let data = transfer::map_read(gpu, &readback)?;
        if let Some(b) = resources.get_mut(&id).and_then(|r| r.buffer_mut()) {
            let n = data.len().min(b.shadow.len());
            if let (Some(dst), Some(src)) = (b.shadow.get_mut(..n), data.get(..n)) {
                dst.copy_from_slice(src);
            }
        }
    }
    Ok(())
}
