//! RESOURCE_COPY_REGION (a raw copy between buffers, or between textures of
//! the same block size and layout), and the texture copy blits share.

use super::blit_ms::{copy_samples, SampleJob, MASK_S, MASK_Z};
use super::recorder::Recorder;
use super::transfer;
use crate::core::base::error::{CommandError, WgpuOp};
use crate::core::base::ids::ResId;
use crate::core::base::layout::texture_region;
use crate::core::resources::table::{Resource, ResourceKind};
use guest_protocol::virgl::{Box3, CopyRegion};

/// One side of a texture copy.
pub(crate) struct CopySide<'a> {
    /// The resource.
    pub id: ResId,
    /// Its texture.
    pub texture: &'a wgpu::Texture,
    /// Mip level.
    pub level: u32,
    /// First texel (z: layer or slice).
    pub origin: wgpu::Origin3d,
}

impl CopySide<'_> {
    /// The side as wgpu describes it (all aspects).
    fn info(&self) -> wgpu::TexelCopyTextureInfo<'_> {
        wgpu::TexelCopyTextureInfo {
            texture: self.texture,
            mip_level: self.level,
            origin: self.origin,
            aspect: wgpu::TextureAspect::All,
        }
    }
}

/// Records a copy of `extent` texels from `src` to `dst`.
pub(crate) fn copy_texture(
    rec: &mut Recorder<'_>,
    src: &CopySide<'_>,
    dst: &CopySide<'_>,
    extent: wgpu::Extent3d,
) -> Result<(), CommandError> {
    let gpu = rec.gpu;
    rec.work.mark(src.id);
    rec.work.mark(dst.id);
    let enc = rec.work.encoder(gpu);
    gpu.checked(WgpuOp::Copy, || {
        enc.copy_texture_to_texture(src.info(), dst.info(), extent)
    })
    .map_err(CommandError::from)
}

/// Executes RESOURCE_COPY_REGION.
pub(crate) fn copy_region(rec: &mut Recorder<'_>, c: &CopyRegion) -> Result<(), CommandError> {
    rec.resource(c.src_res)?;
    rec.resource(c.dst_res)?;
    let is_buffers = rec
        .resources
        .get(&ResId(c.src_res))
        .is_some_and(|r| r.info.is_buffer());
    if is_buffers {
        copy_buffer(rec, c)
    } else {
        copy_textures(rec, c)
    }
}

fn bad(what: &'static str) -> CommandError {
    CommandError::OutOfRange { what, value: 0 }
}

fn copy_buffer(rec: &mut Recorder<'_>, c: &CopyRegion) -> Result<(), CommandError> {
    let (src_id, dst_id) = (ResId(c.src_res), ResId(c.dst_res));
    let sx = u64::try_from(c.src.x).map_err(|_| bad("copy src x"))?;
    let w = u64::try_from(c.src.w).map_err(|_| bad("copy width"))?;
    let dx = u64::from(c.dst[0]);
    let bytes = {
        let src = rec
            .resources
            .get(&src_id)
            .and_then(Resource::buffer)
            .ok_or(CommandError::WrongResource {
                res: c.src_res,
                what: "buffer",
            })?;
        if sx + w > src.size {
            return Err(bad("copy src range"));
        }
        src.shadow
            .get(sx as usize..(sx + w) as usize)
            .unwrap_or_default()
            .to_vec()
    };
    let dst = rec
        .resources
        .get_mut(&dst_id)
        .and_then(Resource::buffer_mut)
        .ok_or(CommandError::WrongResource {
            res: c.dst_res,
            what: "buffer",
        })?;
    if dx + w > dst.size {
        return Err(bad("copy dst range"));
    }
    if let Some(d) = dst.shadow.get_mut(dx as usize..(dx + w) as usize) {
        d.copy_from_slice(&bytes);
    }
    transfer::mark_dirty(dst, dx, w);
    Ok(())
}

fn copy_textures(rec: &mut Recorder<'_>, c: &CopyRegion) -> Result<(), CommandError> {
    let src_r = rec.resource(c.src_res)?;
    let dst_r = rec.resource(c.dst_res)?;
    let (ResourceKind::Texture(st), ResourceKind::Texture(dt)) = (&src_r.kind, &dst_r.kind) else {
        return Err(CommandError::Unsupported("buffer/texture copy"));
    };
    if st.desc.host_block_bytes() != dt.desc.host_block_bytes()
        || st.desc.block_dims() != dt.desc.block_dims()
        || st.desc.host.remove_srgb_suffix() != dt.desc.host.remove_srgb_suffix()
    {
        return Err(CommandError::Unsupported(
            "copy between incompatible formats",
        ));
    }
    let region = texture_region(&src_r.info, st.desc, c.src_level, &c.src, 0, 0)?;
    let dst_box = Box3 {
        x: c.dst[0] as i32,
        y: c.dst[1] as i32,
        z: c.dst[2] as i32,
        ..c.src
    };
    let dregion = texture_region(&dst_r.info, dt.desc, c.dst_level, &dst_box, 0, 0)?;
    let (src_tex, dst_tex) = (st.texture.clone(), dt.texture.clone());
    let extent = region.copy_extent(st.desc);
    if src_tex.sample_count() != dst_tex.sample_count() {
        return Err(CommandError::Unsupported(
            "copy between resources of different sample counts",
        ));
    }
    if src_tex.sample_count() > 1 && (extent.width, extent.height) != region.level_size {
        // wgpu copies multisampled textures whole: parts are sample copies.
        if st.desc.host.remove_srgb_suffix() != dt.desc.host.remove_srgb_suffix() {
            return Err(CommandError::Unsupported(
                "partial copy of a multisampled resource into another format",
            ));
        }
        let job = SampleJob {
            src: (ResId(c.src_res), src_tex),
            dst: (ResId(c.dst_res), dst_tex, 0, 0),
            desc: dt.desc,
            from: [region.origin.x, region.origin.y],
            to: [
                dregion.origin.x,
                dregion.origin.y,
                extent.width,
                extent.height,
            ],
            mask: if dt.desc.is_depth_stencil() {
                MASK_Z | MASK_S
            } else {
                0xf
            },
        };
        return copy_samples(rec, &job);
    }
    let src = CopySide {
        id: ResId(c.src_res),
        texture: &src_tex,
        level: c.src_level,
        origin: region.origin,
    };
    let dst = CopySide {
        id: ResId(c.dst_res),
        texture: &dst_tex,
        level: c.dst_level,
        origin: dregion.origin,
    };
    copy_texture(rec, &src, &dst, extent)
}
