//! Blits and copies that a sample copy draws (see [`super::sample_copy`]):
//! between multisampled resources (every sample as it is), and from a
//! multisampled integer or depth resource into a single-sampled one (sample
//! 0, GL's "a single sample's value"). Both need rectangles of one size and
//! orientation and the same storage format; a multisampled stencil cannot
//! be written by a shader and is refused.

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
const MASK_Z: u8 = 0x10;
const MASK_S: u8 = 0x20;

/// One sample copy: a rectangle of a multisampled texture's level 0 into a
/// level and layer of another texture of the same storage format.
pub(crate) struct SampleJob {
    /// Source resource and texture.
    pub src: (ResId, wgpu::Texture),
    /// Destination resource, texture, level and layer.
    pub dst: (ResId, wgpu::Texture, u32, u32),
    /// Their format.
    pub desc: &'static FormatDesc,
    /// Source origin `x, y`.
    pub from: [u32; 2],
    /// Destination rectangle written, `x, y, width, height` (not empty).
    pub to: [u32; 4],
    /// Colour write mask in host channels (colour formats).
    pub mask: u8,
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

/// Executes a BLIT whose source is multisampled and that a resolve by
/// averaging cannot do (see the module documentation).
pub(crate) fn blit_samples(rec: &mut Recorder<'_>, b: &Blit) -> Result<(), CommandError> {
    let src_r = rec.resource(b.src.res)?;
    let dst_r = rec.resource(b.dst.res)?;
    let (src_t, dst_t) = (texture(src_r, b.src.res)?, texture(dst_r, b.dst.res)?);
    let region = blit_region(b, &src_r.info, &dst_r.info)?;
    if !region.same_size() {
        return Err(CommandError::Unsupported(
            "scaled or flipped blit between multisampled resources, or of a multisampled \
             integer or depth resource",
        ));
    }
    if src_t.desc.host.remove_srgb_suffix() != dst_t.desc.host.remove_srgb_suffix()
        || b.src.format != b.dst.format
    {
        return Err(CommandError::Unsupported(
            "converting blit between multisampled resources, or of a multisampled integer \
             or depth resource",
        ));
    }
    let desc = src_t.desc;
    let mask = b.flags.mask();
    let mask = if desc.is_depth_stencil() {
        if mask & MASK_S != 0 && desc.has_stencil() {
            return Err(CommandError::Unsupported(
                "blits of multisampled stencil (a shader cannot write stencil)",
            ));
        }
        mask & MASK_Z
    } else {
        render_mask(
            rec.gpu.view_desc(b.dst.format, desc).render_swizzle(),
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
        src: (ResId(b.src.res), src_t.texture.clone()),
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
    };
    copy_samples(rec, &job)
}

/// Draws `job`.
pub(crate) fn copy_samples(rec: &mut Recorder<'_>, job: &SampleJob) -> Result<(), CommandError> {
    let kind = kind(job.desc);
    let (src_id, src) = (&job.src.0, &job.src.1);
    let (dst_id, dst, level, layer) = (job.dst.0, &job.dst.1, job.dst.2, job.dst.3);
    let [dx, dy, dw, dh] = job.to;
    let offset = [
        job.from[0] as i32 - dx as i32,
        job.from[1] as i32 - dy as i32,
        0,
        0,
    ];
    let gpu = rec.gpu;
    let device = &gpu.device;
    let depth = kind == SampleKind::Depth;
    rec.work.mark(*src_id);
    rec.work.mark(dst_id);
    gpu.checked(WgpuOp::Blit, || {
        let key = (kind, dst.format(), dst.sample_count(), job.mask);
        let pipeline = rec.caches.sample_copy.pipeline(device, key);
        let src_view = src.create_view(&wgpu::TextureViewDescriptor {
            dimension: Some(wgpu::TextureViewDimension::D2),
            aspect: if depth {
                wgpu::TextureAspect::DepthOnly
            } else {
                wgpu::TextureAspect::All
            },
            usage: Some(wgpu::TextureUsages::TEXTURE_BINDING),
            ..Default::default()
        });
        let dst_view = dst.create_view(&wgpu::TextureViewDescriptor {
            dimension: Some(wgpu::TextureViewDimension::D2),
            usage: Some(wgpu::TextureUsages::RENDER_ATTACHMENT),
            base_mip_level: level,
            mip_level_count: Some(1),
            base_array_layer: layer,
            array_layer_count: Some(1),
            ..Default::default()
        });
        let params = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("sample copy params"),
            contents: bytemuck::cast_slice(&offset),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let bind = rec
            .caches
            .sample_copy
            .bind_group(device, kind, &src_view, &params);
        let encoder = rec.work.encoder(gpu);
        let mut pass = if depth {
            let has_stencil = job.desc.has_stencil();
            encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
                label: Some("sample copy"),
                color_attachments: &[],
                depth_stencil_attachment: Some(wgpu::RenderPassDepthStencilAttachment {
                    view: &dst_view,
                    depth_ops: Some(keep()),
                    stencil_ops: has_stencil.then(keep),
                }),
                timestamp_writes: None,
                occlusion_query_set: None,
                multiview_mask: None,
            })
        } else {
            color_pass(encoder, "sample copy", (&dst_view, None), None)
        };
        pass.set_pipeline(&pipeline);
        pass.set_bind_group(0, &bind, &[]);
        pass.set_viewport(dx as f32, dy as f32, dw as f32, dh as f32, 0.0, 1.0);
        pass.draw(0..4, 0..1);
    })
    .map_err(CommandError::from)
}
