//! RESOURCE_COPY_REGION (a raw copy between buffers, or between textures of
//! the same block size and layout), and the texture copy blits share.

use super::blit_ms::{copy_samples, SampleJob, MASK_S, MASK_Z};
use super::recorder::Recorder;
use super::transfer;
use crate::core::base::error::{CommandError, WgpuOp};
use crate::core::base::format::FormatDesc;
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

impl CopySide<'_> {
    /// Whether `extent` from this side's origin is its whole level (a
    /// layer of it).
    pub(crate) fn covers_level(&self, extent: wgpu::Extent3d) -> bool {
        let size = self
            .texture
            .size()
            .mip_level_size(self.level, self.texture.dimension());
        self.origin.x == 0
            && self.origin.y == 0
            && extent.width == size.width
            && extent.height == size.height
    }
}

/// Records a copy of `extent` texels from `src` to `dst` (of one format).
/// wgpu copies within one level of a texture only between layers that do
/// not overlap: such copies go through a buffer.
pub(crate) fn copy_texture(
    rec: &mut Recorder<'_>,
    src: &CopySide<'_>,
    dst: &CopySide<'_>,
    extent: wgpu::Extent3d,
) -> Result<(), CommandError> {
    if src.texture == dst.texture && src.level == dst.level {
        return copy_through_buffer(rec, (src, extent), (dst, extent));
    }
    // WebGPU copies depth/stencil texels by whole subresources only, and
    // reports a partial copy when the encoder finishes, which would lose
    // the guest's whole submit: refused here, alone.
    if src.texture.format().is_depth_stencil_format()
        && !(src.covers_level(extent) && dst.covers_level(extent))
    {
        return Err(CommandError::Unsupported(
            "a copy of part of a depth/stencil level",
        ));
    }
    let gpu = rec.gpu;
    rec.work.mark(src.id);
    rec.work.mark(dst.id);
    if dst.texture.sample_count() > 1 {
        rec.work.multisampled_writes.wrote(dst.id);
    }
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
    let same_format = st.desc.host.remove_srgb_suffix() == dt.desc.host.remove_srgb_suffix();
    if !same_format && !reinterpretable(st.desc, dt.desc) {
        return Err(CommandError::Unsupported(
            "copy between incompatible formats",
        ));
    }
    let region = texture_region(&src_r.info, st.desc, c.src_level, &c.src, 0, 0)?;
    let extent = region.copy_extent(st.desc);
    // The destination covers the same blocks, in its own texels (a block
    // of a compressed format is one texel of an uncompressed one).
    let ((sbw, sbh), (dbw, dbh)) = (st.desc.block_dims(), dt.desc.block_dims());
    let blocks = (extent.width / sbw, extent.height / sbh);
    let same_blocks = (sbw, sbh) == (dbw, dbh);
    let (w, h) = if same_blocks {
        (c.src.w, c.src.h)
    } else {
        ((blocks.0 * dbw) as i32, (blocks.1 * dbh) as i32)
    };
    let dst_box = Box3 {
        x: c.dst[0] as i32,
        y: c.dst[1] as i32,
        z: c.dst[2] as i32,
        w,
        h,
        d: c.src.d,
    };
    let dregion = texture_region(&dst_r.info, dt.desc, c.dst_level, &dst_box, 0, 0)?;
    let (src_tex, dst_tex) = (st.texture.clone(), dt.texture.clone());
    let dextent = if same_blocks {
        extent
    } else {
        dregion.copy_extent(dt.desc)
    };
    if src_tex.sample_count() != dst_tex.sample_count() {
        return Err(CommandError::Unsupported(
            "copy between resources of different sample counts",
        ));
    }
    if src_tex.sample_count() > 1 && (extent.width, extent.height) != region.level_size {
        // wgpu copies multisampled textures whole: parts are sample copies.
        if !same_format {
            return Err(CommandError::Unsupported(
                "partial copy of a multisampled resource into another format",
            ));
        }
        if extent.depth_or_array_layers != 1 {
            return Err(CommandError::Unsupported(
                "partial copy of several layers of a multisampled array",
            ));
        }
        let job = SampleJob {
            src: (ResId(c.src_res), src_tex, region.origin.z),
            dst: (ResId(c.dst_res), dst_tex, 0, dregion.origin.z),
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
            sample: 0,
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
    if same_format {
        return copy_texture(rec, &src, &dst, extent);
    }
    // wgpu copies between textures of one format only.
    copy_through_buffer(rec, (&src, extent), (&dst, dextent))
}

/// Whether a copy between `src` and `dst` of different host formats may
/// carry the bytes over unchanged (ARB_copy_image's compatible formats:
/// the same block size, e.g. `R32_UINT` and `RGBA8`, or a compressed
/// block and a texel of its size): both stored as the guest stores them,
/// neither depth nor stencil.
fn reinterpretable(src: &FormatDesc, dst: &FormatDesc) -> bool {
    let plain = |d: &FormatDesc| d.stores_guest_bytes() && !d.is_depth_stencil();
    plain(src) && plain(dst) && src.guest_block_bytes() == dst.guest_block_bytes()
}

/// Bytes a copy through a buffer may stage.
const MAX_STAGED_COPY_BYTES: u64 = 256 << 20;

/// Copies the blocks of `extent` texels of `src` to `dextent` texels of
/// `dst` (as many blocks) through a staging buffer: the bytes between
/// formats wgpu will not copy directly, or within one level of a texture.
fn copy_through_buffer(
    rec: &mut Recorder<'_>,
    (src, extent): (&CopySide<'_>, wgpu::Extent3d),
    (dst, dextent): (&CopySide<'_>, wgpu::Extent3d),
) -> Result<(), CommandError> {
    if src.texture.sample_count() > 1 {
        return Err(CommandError::Unsupported(
            "copy of a multisampled texture into another format or itself",
        ));
    }
    let format = src.texture.format();
    let Some(block_bytes) = format.block_copy_size(None) else {
        return Err(CommandError::Unsupported(
            "copy within one level of a depth/stencil texture",
        ));
    };
    let (bw, bh) = format.block_dimensions();
    let blocks = (extent.width.div_ceil(bw), extent.height.div_ceil(bh));
    let row = u64::from(blocks.0) * u64::from(block_bytes);
    let bytes_per_row = row.next_multiple_of(u64::from(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT));
    let size = bytes_per_row
        .saturating_mul(u64::from(blocks.1))
        .saturating_mul(u64::from(extent.depth_or_array_layers));
    if size > MAX_STAGED_COPY_BYTES {
        return Err(CommandError::OutOfRange {
            what: "bytes of a staged texture copy",
            value: size,
        });
    }
    if size == 0 {
        return Ok(());
    }
    let gpu = rec.gpu;
    let staging = gpu.checked(WgpuOp::CreateBuffer, || {
        gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("staged texture copy"),
            size,
            usage: wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    })?;
    let layout = wgpu::TexelCopyBufferLayout {
        offset: 0,
        bytes_per_row: u32::try_from(bytes_per_row).ok(),
        rows_per_image: Some(blocks.1),
    };
    rec.work.mark(src.id);
    rec.work.mark(dst.id);
    let enc = rec.work.encoder(gpu);
    gpu.checked(WgpuOp::Copy, || {
        enc.copy_texture_to_buffer(
            src.info(),
            wgpu::TexelCopyBufferInfo {
                buffer: &staging,
                layout,
            },
            extent,
        );
        enc.copy_buffer_to_texture(
            wgpu::TexelCopyBufferInfo {
                buffer: &staging,
                layout,
            },
            dst.info(),
            dextent,
        );
    })
    .map_err(CommandError::from)
}
