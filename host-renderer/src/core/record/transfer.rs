//! Transfers between a resource and guest memory (backing or inline data),
//! in Mesa's linear layout, converting formats where the host stores them
//! differently. Read-backs are byte-for-byte what a GL host returns for the
//! formats stored with identical bytes.

use super::readback::{map, Mapped};
use crate::core::base::backing::{check_range, Backing};
use crate::core::base::error::{BackingError, ErrorChain, Shared, TransferError, WgpuOp};
use crate::core::base::format::{self, FormatDesc};
use crate::core::base::ids::ResId;
use crate::core::base::layout::{self, Region, ResourceInfo};
use crate::core::gpu::device::Gpu;
use crate::core::record::depth::DepthWriter;
use crate::core::record::work::Work;
use crate::core::resources::table::{BufferRes, Resource, ResourceKind, TextureRes};
use guest_protocol::virgl::Box3;

/// Guest bytes held by the renderer (inline data of RESOURCE_INLINE_WRITE).
pub struct SliceSource<'a>(pub &'a [u8]);

impl Backing for SliceSource<'_> {
    fn len(&self) -> u64 {
        self.0.len() as u64
    }

    fn read_at(&self, offset: u64, dst: &mut [u8]) -> Result<(), BackingError> {
        let (start, end) = check_range(offset, dst.len() as u64, self.len())?;
        if let Some(src) = self.0.get(start..end) {
            dst.copy_from_slice(src);
        }
        Ok(())
    }

    fn write_at(&self, offset: u64, src: &[u8]) -> Result<(), BackingError> {
        Err(BackingError::OutOfRange {
            offset,
            len: src.len() as u64,
            size: 0,
        })
    }
}

/// A transfer request in guest terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransferBox {
    /// Mip level.
    pub level: u32,
    /// Region (buffers: x and w in bytes).
    pub region: Box3,
    /// Guest row pitch (0 = the level's natural pitch).
    pub stride: u32,
    /// Guest layer pitch (0 = natural).
    pub layer_stride: u32,
    /// Byte offset of the region's first texel in guest memory.
    pub offset: u64,
}

/// Copies guest memory `src` into the resource.
pub fn upload(
    gpu: &Gpu,
    work: &mut Work,
    depth: &mut DepthWriter,
    id: ResId,
    res: &mut Resource,
    t: &TransferBox,
    src: &dyn Backing,
) -> Result<(), TransferError> {
    let info = res.info;
    match &mut res.kind {
        ResourceKind::Buffer(b) => {
            let (x, w) = buffer_range(b, t)?;
            let (start, end) = check_range(t.offset, w, src.len())?;
            let dst = b
                .shadow
                .get_mut(x as usize..(x + w) as usize)
                .ok_or(TransferError::BadLevel { level: 0, last: 0 })?;
            src.read_at(start as u64, dst)?;
            let _ = end;
            mark_dirty(b, x, w);
            Ok(())
        }
        ResourceKind::Texture(tex) => {
            let r = guest_region(&info, tex, t, src.len())?;
            check_upload(tex.desc, &r)?;
            let texels = read_texels(tex.desc, &r, t.offset, src)?;
            upload_texture(gpu, work, depth, id, tex, &r, &texels)
        }
    }
}

/// Copies the resource's contents into guest memory `dst`.
pub fn download(
    gpu: &Gpu,
    work: &mut Work,
    id: ResId,
    res: &Resource,
    t: &TransferBox,
    dst: &dyn Backing,
) -> Result<(), TransferError> {
    match &res.kind {
        ResourceKind::Buffer(b) => {
            let (x, w) = buffer_range(b, t)?;
            check_range(t.offset, w, dst.len())?;
            let bytes = b
                .shadow
                .get(x as usize..(x + w) as usize)
                .unwrap_or_default();
            dst.write_at(t.offset, bytes)?;
            Ok(())
        }
        ResourceKind::Texture(tex) => {
            let r = guest_region(&res.info, tex, t, dst.len())?;
            download_texture(gpu, work, id, tex, &r, t.offset, dst)
        }
    }
}

/// The texture region `t` names, checked against guest memory of `len` bytes.
fn guest_region(
    info: &ResourceInfo,
    tex: &TextureRes,
    t: &TransferBox,
    len: u64,
) -> Result<Region, TransferError> {
    if tex.texture.sample_count() > 1 {
        // As the reference's guest does: it resolves into a single-sampled
        // resource by a blit and transfers that (and blits writes back).
        return Err(unsupported(
            tex.desc,
            "a transfer of a multisampled resource (blit it to a single-sampled one)",
        ));
    }
    let r = layout::texture_region(info, tex.desc, t.level, &t.region, t.stride, t.layer_stride)?;
    check_range(t.offset, r.guest_span(), len)?;
    Ok(r)
}

/// Checks a buffer transfer box: returns `(x, w)` in bytes.
fn buffer_range(b: &BufferRes, t: &TransferBox) -> Result<(u64, u64), TransferError> {
    let r = &t.region;
    let bad = || TransferError::BadBox {
        x: r.x,
        y: r.y,
        z: r.z,
        w: r.w,
        h: r.h,
        d: r.d,
        ew: b.size as u32,
        eh: 1,
        ed: 1,
    };
    if t.level != 0 {
        return Err(TransferError::BadLevel {
            level: t.level,
            last: 0,
        });
    }
    let x = u64::try_from(r.x).map_err(|_| bad())?;
    let w = u64::try_from(r.w).map_err(|_| bad())?;
    if w == 0 || x + w > b.size || r.y != 0 || r.z != 0 || r.h > 1 || r.d > 1 {
        return Err(bad());
    }
    Ok((x, w))
}

/// Notes that bytes `x..x+w` of the shadow changed: [`sync_buffer`] sends
/// them to the GPU copy before a command reads it.
pub fn mark_dirty(b: &BufferRes, x: u64, w: u64) {
    let (start, end) = match b.dirty.get() {
        Some((s, e)) => (s.min(x), e.max(x + w)),
        None => (x, x + w),
    };
    b.dirty.set(Some((start, end)));
}

/// Sends the shadow's dirty bytes (4-byte aligned) to the GPU buffer: call
/// before recording a command that reads the GPU copy of `b`. Pending
/// commands that use the buffer are submitted first, so they still read what
/// they were recorded with.
pub fn sync_buffer(
    gpu: &Gpu,
    work: &mut Work,
    id: ResId,
    b: &BufferRes,
) -> Result<(), TransferError> {
    let Some((x, x_end)) = b.dirty.take() else {
        return Ok(());
    };
    let start = x & !3;
    let end = (x_end.div_ceil(4) * 4).min(b.shadow.len() as u64);
    let bytes = b
        .shadow
        .get(start as usize..end as usize)
        .unwrap_or_default();
    if bytes.is_empty() {
        return Ok(());
    }
    if let Some(e) = work.before_write(gpu, id) {
        tracing::warn!("flush before write to {id}: {}", ErrorChain(&e));
    }
    gpu.checked(WgpuOp::WriteBuffer, || {
        gpu.queue.write_buffer(&b.gpu, start, bytes)
    })?;
    match work.queued_write(gpu, bytes.len() as u64) {
        Some(e) => Err(TransferError::Wgpu(e)),
        None => Ok(()),
    }
}

fn unsupported(desc: &FormatDesc, what: &'static str) -> TransferError {
    TransferError::Unsupported {
        what,
        format: desc.virgl,
    }
}

fn covers_level(r: &Region) -> bool {
    r.origin.x == 0 && r.origin.y == 0 && (r.width, r.height) == r.level_size
}

/// Refuses texture uploads wgpu cannot make: partial depth/stencil copies
/// (except the depths written by a pass) and partial packed-stencil uploads.
fn check_upload(desc: &FormatDesc, r: &Region) -> Result<(), TransferError> {
    if desc.is_depth_stencil() && !depth_via_shader(desc) && !covers_level(r) {
        // wgpu copies into depth/stencil must cover the whole subresource.
        return Err(unsupported(desc, "partial depth/stencil copy"));
    }
    if format::is_packed_depth_stencil(desc) && !covers_level(r) {
        return Err(unsupported(desc, "partial stencil upload"));
    }
    Ok(())
}

/// Depth formats wgpu cannot copy into: written by a pass instead.
fn depth_via_shader(desc: &FormatDesc) -> bool {
    matches!(
        desc.host,
        wgpu::TextureFormat::Depth32Float | wgpu::TextureFormat::Depth32FloatStencil8
    )
}

/// A region's texels in host bytes (packed depth/stencil formats: the
/// depth, with the stencil bytes apart).
struct Texels {
    host: Vec<u8>,
    stencil: Vec<u8>,
}

/// Reads region `r` of guest memory `src` (from `offset`) row by row and
/// converts it to host bytes.
fn read_texels(
    desc: &FormatDesc,
    r: &Region,
    offset: u64,
    src: &dyn Backing,
) -> Result<Texels, TransferError> {
    let packed_ds = format::is_packed_depth_stencil(desc);
    let rows = u64::from(r.block_rows);
    let host_len = r.host_row_bytes * rows * u64::from(r.layers);
    let mut host = vec![0u8; host_len as usize];
    let mut row = vec![0u8; r.guest_row_bytes as usize];
    let mut stencil = vec![
        0u8;
        if packed_ds {
            (u64::from(r.width) * rows * u64::from(r.layers)) as usize
        } else {
            0
        }
    ];
    let mut host_rows = host.chunks_exact_mut(r.host_row_bytes as usize);
    let mut stencil_rows = stencil.chunks_exact_mut(r.width as usize);
    for layer in 0..u64::from(r.layers) {
        for y in 0..rows {
            let at = offset + layer * r.guest_layer_stride + y * r.guest_stride;
            src.read_at(at, &mut row)?;
            if let Some(dst) = host_rows.next() {
                format::guest_row_to_host(desc, &row, dst);
            }
            if packed_ds {
                if let Some(dst) = stencil_rows.next() {
                    format::guest_row_to_stencil(desc, &row, dst);
                }
            }
        }
    }
    Ok(Texels { host, stencil })
}

/// Writes `texels` into region `r` of `tex`: a queue write, or for depth
/// formats wgpu cannot copy into, the depth writer's pass (and a queue write
/// of the stencil aspect).
fn upload_texture(
    gpu: &Gpu,
    work: &mut Work,
    depth: &mut DepthWriter,
    id: ResId,
    tex: &TextureRes,
    r: &Region,
    texels: &Texels,
) -> Result<(), TransferError> {
    let desc = tex.desc;
    if let Some(e) = work.before_write(gpu, id) {
        tracing::warn!("flush before write to {id}: {}", ErrorChain(&e));
    }
    let write = |aspect, data: &[u8], bytes_per_row, rows_per_image| {
        gpu.queue.write_texture(
            wgpu::TexelCopyTextureInfo {
                texture: &tex.texture,
                mip_level: r.level,
                origin: r.origin,
                aspect,
            },
            data,
            wgpu::TexelCopyBufferLayout {
                offset: 0,
                bytes_per_row: Some(bytes_per_row),
                rows_per_image: Some(rows_per_image),
            },
            r.copy_extent(desc),
        );
    };
    gpu.checked(WgpuOp::WriteTexture, || {
        if !depth_via_shader(desc) {
            let bytes_per_row = r.host_row_bytes as u32;
            write(
                wgpu::TextureAspect::All,
                &texels.host,
                bytes_per_row,
                r.block_rows,
            );
            return;
        }
        if format::is_packed_depth_stencil(desc) {
            let stencil = wgpu::TextureAspect::StencilOnly;
            write(stencil, &texels.stencil, r.width, r.height);
        }
        work.mark(id);
        let encoder = work.encoder(gpu);
        depth.write(gpu, encoder, &tex.texture, desc.host, r, &texels.host);
    })?;
    let bytes = (texels.host.len() + texels.stencil.len()) as u64;
    match work.queued_write(gpu, bytes) {
        Some(e) => Err(TransferError::Wgpu(e)),
        None => Ok(()),
    }
}

/// One aspect read back from the GPU, mapped: rows of `padded` bytes.
struct Readback {
    mapped: Mapped,
    padded: u64,
    rows_per_layer: u64,
}

/// A region read back: the main aspect (depth, stencil or colour) and, for
/// packed depth/stencil formats, the stencil; where the region starts in
/// them (whole levels are read for depth/stencil formats).
struct Readbacks {
    aspects: Vec<Readback>,
    x0: u32,
    y0: u32,
    /// Bytes per texel (block) of the main aspect.
    main_bpp: u32,
    /// The main aspect is a stencil.
    stencil_only: bool,
}

fn download_texture(
    gpu: &Gpu,
    work: &mut Work,
    id: ResId,
    tex: &TextureRes,
    r: &Region,
    offset: u64,
    dst: &dyn Backing,
) -> Result<(), TransferError> {
    let read = read_back(gpu, work, id, tex, r)?;
    let written = write_rows(tex.desc, r, &read, offset, dst);
    for aspect in read.aspects {
        aspect.mapped.release(&mut work.readbacks);
    }
    written
}

/// Copies region `r` of `tex` (each aspect) into read-back buffers, submits,
/// waits and maps them.
fn read_back(
    gpu: &Gpu,
    work: &mut Work,
    id: ResId,
    tex: &TextureRes,
    r: &Region,
) -> Result<Readbacks, TransferError> {
    let desc = tex.desc;
    // Depth/stencil copies must cover whole subresources: read the level, crop.
    let whole = desc.is_depth_stencil();
    let (bw, bh) = desc.block_dims();
    let (x0, y0, extent) = if whole {
        let (w, h) = r.level_size;
        (
            r.origin.x,
            r.origin.y,
            wgpu::Extent3d {
                width: w,
                height: h,
                depth_or_array_layers: r.layers,
            },
        )
    } else {
        (0, 0, r.copy_extent(desc))
    };
    let origin = if whole {
        wgpu::Origin3d {
            x: 0,
            y: 0,
            z: r.origin.z,
        }
    } else {
        r.origin
    };
    let depth_aspect = if desc.is_depth_stencil() && desc.has_depth() {
        wgpu::TextureAspect::DepthOnly
    } else if desc.is_depth_stencil() {
        wgpu::TextureAspect::StencilOnly
    } else {
        wgpu::TextureAspect::All
    };
    let stencil_only = depth_aspect == wgpu::TextureAspect::StencilOnly;
    let main_bpp = if stencil_only {
        1
    } else {
        desc.host_block_bytes()
    };
    let mut aspects = vec![(depth_aspect, main_bpp)];
    if format::is_packed_depth_stencil(desc) {
        aspects.push((wgpu::TextureAspect::StencilOnly, 1));
    }
    work.mark(id);
    let mut copies = Vec::new();
    for &(aspect, bpp) in &aspects {
        let row = u64::from(extent.width.div_ceil(bw)) * u64::from(bpp);
        let padded = row.div_ceil(256) * 256;
        let rows_per_layer = u64::from(extent.height.div_ceil(bh));
        let size = padded * rows_per_layer * u64::from(extent.depth_or_array_layers);
        let buffer = work.readbacks.take(gpu, size);
        gpu.checked(WgpuOp::Readback, || {
            work.encoder(gpu).copy_texture_to_buffer(
                wgpu::TexelCopyTextureInfo {
                    texture: &tex.texture,
                    mip_level: r.level,
                    origin,
                    aspect,
                },
                wgpu::TexelCopyBufferInfo {
                    buffer: &buffer,
                    layout: wgpu::TexelCopyBufferLayout {
                        offset: 0,
                        bytes_per_row: Some(padded as u32),
                        rows_per_image: Some(rows_per_layer as u32),
                    },
                },
                extent,
            );
        })?;
        copies.push((buffer, size, padded, rows_per_layer));
    }
    if let Some(e) = work.flush(gpu) {
        return Err(TransferError::Wgpu(e));
    }
    let mut reads = Vec::new();
    for (buffer, size, padded, rows_per_layer) in copies {
        reads.push(Readback {
            mapped: Mapped::new(gpu, buffer, size)?,
            padded,
            rows_per_layer,
        });
    }
    Ok(Readbacks {
        aspects: reads,
        x0,
        y0,
        main_bpp,
        stencil_only,
    })
}

/// Writes the rows of region `r` from `read` into guest memory `dst` (from
/// `offset`), in the guest's layout.
fn write_rows(
    desc: &FormatDesc,
    r: &Region,
    read: &Readbacks,
    offset: u64,
    dst: &dyn Backing,
) -> Result<(), TransferError> {
    let (bw, bh) = desc.block_dims();
    let (x0, y0) = (read.x0, read.y0);
    let views = read
        .aspects
        .iter()
        .map(|a| Ok((a.mapped.view()?, a.padded, a.rows_per_layer)))
        .collect::<Result<Vec<_>, TransferError>>()?;
    let mut guest_row = vec![0u8; r.guest_row_bytes as usize];
    let main_skip = u64::from(x0 / bw) * u64::from(read.main_bpp);
    // Rows the guest stores as the host does go from the mapping straight
    // into guest memory.
    let same_bytes = desc.stores_guest_bytes() && !desc.is_depth_stencil() && views.len() == 1;
    for layer in 0..u64::from(r.layers) {
        for y in 0..u64::from(r.block_rows) {
            let at = offset + layer * r.guest_layer_stride + y * r.guest_stride;
            if let (true, Some(main)) = (same_bytes, views.first()) {
                let row = layer * main.2 + y + u64::from(y0 / bh);
                let s = row_bytes(main, row, main_skip, r.guest_row_bytes);
                if s.len() as u64 == r.guest_row_bytes {
                    dst.write_at(at, s)?;
                    continue;
                }
            }
            guest_row.fill(0);
            if let Some(main) = views.first() {
                let bytes = u64::from(r.width.div_ceil(bw)) * u64::from(read.main_bpp);
                let row = layer * main.2 + y + u64::from(y0 / bh);
                let s = row_bytes(main, row, main_skip, bytes);
                if read.stencil_only {
                    if let Some(d) = guest_row.get_mut(..s.len()) {
                        d.copy_from_slice(s);
                    }
                } else {
                    format::host_row_to_guest(desc, s, &mut guest_row);
                }
            }
            if let Some(stencil) = views.get(1) {
                let row = layer * stencil.2 + y + u64::from(y0 / bh);
                let s = row_bytes(stencil, row, u64::from(x0), u64::from(r.width));
                format::stencil_row_to_guest(desc, s, &mut guest_row);
            }
            dst.write_at(at, &guest_row)?;
        }
    }
    Ok(())
}

/// `bytes` bytes of row `row` of a mapped aspect (`view`, rows of `padded`
/// bytes), from byte `skip` (empty if outside).
fn row_bytes(
    (view, padded, _): &(wgpu::BufferView, u64, u64),
    row: u64,
    skip: u64,
    bytes: u64,
) -> &[u8] {
    let start = row * padded + skip;
    view.get(start as usize..(start + bytes) as usize)
        .unwrap_or_default()
}

/// Maps `buffer` for reading, waits, and copies its contents out.
pub fn map_read(gpu: &Gpu, buffer: &wgpu::Buffer) -> Result<Vec<u8>, TransferError> {
    let slice = buffer.slice(..);
    map(gpu, &slice)?;
    let data = slice
        .get_mapped_range()
        .map_err(|e| TransferError::MapRange(Shared::new(e)))?
        .to_vec();
    buffer.unmap();
    Ok(data)
}
