//! Blits and copies that a sample copy draws (see [`super::sample_copy`]):
//! between multisampled resources (every sample as it is), from a
//! multisampled integer or depth/stencil resource into a single-sampled one
//! (sample 0, GL's "a single sample's value"), and from a single-sampled
//! one into a multisampled one (every sample the texel). All need
//! rectangles of one size and orientation and the same storage format.

use super::recorder::Recorder;
use super::sample_copy::SampleKind;
use super::shader_pass::{color_pass, keep};
use crate::core::base::error::{CommandError, WgpuOp};
use crate::core::base::format::{render_mask, FormatDesc};
use crate::core::base::ids::ResId;
use crate::core::validate::blit::blit_region;
use crate::core::validate::resource::texture;
use guest_protocol::virgl::Blit;
use wgpu::util::DeviceExt;

/// Gallium's `PIPE_MASK_Z` and `PIPE_MASK_S` in a blit's mask.
pub(crate) const MASK_Z: u8 = 0x10;
/// See [`MASK_Z`].
pub(crate) const MASK_S: u8 = 0x20;

/// One sample copy: a rectangle of a layer of a multisampled texture's
/// level 0 into a level and layer of another texture of the same storage
/// format.
pub(crate) struct SampleJob {
    /// Source resource, texture and layer.
    pub src: (ResId, wgpu::Texture, u32),
    /// Destination resource, texture, level and layer.
    pub dst: (ResId, wgpu::Texture, u32, u32),
    /// Their format.
    pub desc: &'static FormatDesc,
    /// Source origin `x, y`.
    pub from: [u32; 2],
    /// Destination rectangle written, `x, y, width, height` (not empty).
    pub to: [u32; 4],
    /// Colour write mask in host channels (colour formats), or
    /// [`MASK_Z`] and [`MASK_S`] (depth/stencil formats).
    pub mask: u8,
    /// The source sample every destination sample reads (a single-sampled
    /// destination otherwise gets sample 0).
    pub sample: u32,
}

/// The variant reading `desc`'s texels.
fn kind(desc: &FormatDesc) -> SampleKind {
    if desc.is_depth_stencil() {
        return SampleKind::Depth;
    }
    match desc.host.sample_type(None, None) {
        Some(wgpu::TextureSampleType::Sint) => SampleKind::Sint,
        Some(wgpu::TextureSampleType::Uint) => SampleKind::Uint,
        _ => SampleKind::Float,
    }
}

/// Executes a BLIT of integer or depth/stencil texels into or out of a
/// multisampled resource, or between multisampled resources (see the
/// module documentation).
pub(crate) fn blit_samples(rec: &mut Recorder<'_>, b: &Blit) -> Result<(), CommandError> {
    let src_r = rec.resource(b.src.res)?;
    let dst_r = rec.resource(b.dst.res)?;
    let (src_t, dst_t) = (texture(src_r, b.src.res)?, texture(dst_r, b.dst.res)?);
    let region = blit_region(b, &src_r.info, &dst_r.info)?;
    if !region.same_size() {
        return Err(CommandError::Unsupported(
            "scaled or flipped blit between multisampled resources, or of integer or \
             depth/stencil texels into or out of one",
        ));
    }
    if src_t.desc.host.remove_srgb_suffix() != dst_t.desc.host.remove_srgb_suffix()
        || b.src.format != b.dst.format
    {
        return Err(CommandError::Unsupported(
            "converting blit between multisampled resources, or of integer or \
             depth/stencil texels into or out of one",
        ));
    }
    let desc = src_t.desc;
    let mask = b.flags.mask();
    let mask = if desc.is_depth_stencil() {
        mask & (MASK_Z | MASK_S)
    } else {
        render_mask(
            rec.gpu
                .view_desc(b.dst.format, desc, false)
                .render_swizzle(),
            mask & 0xf,
        )
    };
    if mask == 0 {
        return Ok(());
    }
    let Some([x0, y0, x1, y1]) = region.scissored(b) else {
        return Ok(());
    };
    let job = SampleJob {
        src: (ResId(b.src.res), src_t.texture.clone(), region.src_z),
        dst: (
            ResId(b.dst.res),
            dst_t.texture.clone(),
            b.dst.level,
            region.dst_z,
        ),
        desc,
        from: region.src_of(x0, y0),
        to: [x0, y0, x1 - x0, y1 - y0],
        mask,
        sample: 0,
    };
    copy_samples(rec, &job)
}

/// One draw of a sample copy.
struct Draw {
    kind: SampleKind,
    /// Colour or stencil write mask.
    mask: u8,
    /// Stencil bit (8: all bits, to zero).
    instance: u32,
    /// Stencil reference.
    reference: u32,
}

/// The draws that copy `job`: one for colour or depth, nine for stencil.
fn draws(job: &SampleJob) -> Vec<Draw> {
    let desc = job.desc;
    if !desc.is_depth_stencil() {
        let (kind, mask) = (kind(desc), job.mask);
        return vec![Draw {
            kind,
            mask,
            instance: 0,
            reference: 0,
        }];
    }
    let mut out = Vec::new();
    if job.mask & MASK_Z != 0 && desc.has_depth() {
        out.push(Draw {
            kind: SampleKind::Depth,
            mask: 0,
            instance: 0,
            reference: 0,
        });
    }
    if job.mask & MASK_S != 0 && desc.has_stencil() {
        out.push(Draw {
            kind: SampleKind::Stencil,
            mask: 0xff,
            instance: 8,
            reference: 0,
        });
        out.extend((0..8).map(|bit| Draw {
            kind: SampleKind::Stencil,
            mask: 1 << bit,
            instance: bit,
            reference: 0xff,
        }));
    }
    out
}

/// Draws `job`.
pub(crate) fn copy_samples(rec: &mut Recorder<'_>, job: &SampleJob) -> Result<(), CommandError> {
    let draws = draws(job);
    if draws.is_empty() {
        return Ok(());
    }
    let (src_id, src, src_layer) = (&job.src.0, &job.src.1, job.src.2);
    let (dst_id, dst, level, layer) = (job.dst.0, &job.dst.1, job.dst.2, job.dst.3);
    let [dx, dy, dw, dh] = job.to;
    let sample = i32::try_from(job.sample).unwrap_or(i32::MAX);
    let offset = [
        job.from[0] as i32 - dx as i32,
        job.from[1] as i32 - dy as i32,
        sample,
        0,
    ];
    let gpu = rec.gpu;
    let device = &gpu.device;
    rec.work.mark(*src_id);
    rec.work.mark(dst_id);
    if dst.sample_count() > 1 {
        rec.work.multisampled_writes.wrote(dst_id);
    }
    gpu.checked(WgpuOp::Blit, || {
        let params = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("sample copy params"),
            contents: bytemuck::cast_slice(&offset),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let copier = &mut rec.caches.sample_copy;
        let mut prepared = Vec::with_capacity(draws.len());
        for d in &draws {
            let src_ms = src.sample_count() > 1;
            let key = (d.kind, src_ms, dst.format(), dst.sample_count(), d.mask);
            let src_view = src.create_view(&wgpu::TextureViewDescriptor {
                dimension: Some(wgpu::TextureViewDimension::D2),
                aspect: match d.kind {
                    SampleKind::Depth => wgpu::TextureAspect::DepthOnly,
                    SampleKind::Stencil => wgpu::TextureAspect::StencilOnly,
                    _ => wgpu::TextureAspect::All,
                },
                usage: Some(wgpu::TextureUsages::TEXTURE_BINDING),
                base_array_layer: src_layer,
                array_layer_count: Some(1),
                ..Default::default()
            });
            let bind = copier.bind_group(device, (d.kind, src_ms), &src_view, &params);
            prepared.push((copier.pipeline(device, key), bind));
        }
        let dst_view = dst.create_view(&wgpu::TextureViewDescriptor {
            dimension: Some(wgpu::TextureViewDimension::D2),
            usage: Some(wgpu::TextureUsages::RENDER_ATTACHMENT),
            base_mip_level: level,
            mip_level_count: Some(1),
            base_array_layer: layer,
            array_layer_count: Some(1),
            ..Default::default()
        });
        let encoder = rec.work.encoder(gpu);
        let mut pass = if job.desc.is_depth_stencil() {
            encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
                label: Some("sample copy"),
                color_attachments: &[],
                depth_stencil_attachment: Some(wgpu::RenderPassDepthStencilAttachment {
                    view: &dst_view,
                    depth_ops: job.desc.has_depth().then(keep),
                    stencil_ops: job.desc.has_stencil().then(keep),
                }),
                timestamp_writes: None,
                occlusion_query_set: None,
                multiview_mask: None,
            })
        } else {
            color_pass(encoder, "sample copy", (&dst_view, None), None)
        };
        pass.set_viewport(dx as f32, dy as f32, dw as f32, dh as f32, 0.0, 1.0);
        for (d, (pipeline, bind)) in draws.iter().zip(&prepared) {
            pass.set_pipeline(pipeline);
            pass.set_bind_group(0, bind, &[]);
            pass.set_stencil_reference(d.reference);
            pass.draw(0..4, d.instance..d.instance + 1);
        }
    })
    .map_err(CommandError::from)
}
