//! The render pass open on the bound framebuffer: its attachment identity,
//! and beginning one with per-attachment load operations. Draws record into
//! the open pass while it renders to their framebuffer.

use super::blend_stand_in::stand_in_format;
use super::mixed_sizes;
use super::pass_state::PassState;
use super::recorder::Recorder;
use super::work::{OpenPass, PassKey};
use crate::core::base::error::{CommandError, WgpuOp};
use crate::core::state::objects::SurfaceObj;
use crate::core::state::sub_context::Framebuffer;
use std::sync::Arc;

/// The attachment identity of a pass on a framebuffer whose colour slots
/// in the mask `blend_stand_ins` are drawn through blend stand-ins.
pub fn pass_key(fb: &Framebuffer, blend_stand_ins: u8) -> PassKey {
    let id = |s: &Arc<SurfaceObj>| (s.res, s.level, s.layer, s.host_format, s.size, s.samples);
    PassKey {
        colors: fb.cbufs.iter().map(|c| c.as_ref().map(id)).collect(),
        depth: fb.zsurf.as_ref().map(id),
        blend_stand_ins,
    }
}

/// Per-attachment load operations for a new pass.
pub struct Loads {
    /// Colour clears by slot (`None` = load).
    pub colors: Vec<Option<wgpu::Color>>,
    /// Depth clear value.
    pub depth: Option<f32>,
    /// Stencil clear value.
    pub stencil: Option<u32>,
}

impl Loads {
    /// Load everything.
    pub fn load(fb: &Framebuffer) -> Self {
        Self {
            colors: vec![None; fb.cbufs.len()],
            depth: None,
            stencil: None,
        }
    }
}

/// `view` as a pass's depth/stencil attachment: the aspects `format` has,
/// cleared where `loads` says, else loaded; always stored.
pub(crate) fn depth_stencil_attachment<'a>(
    view: &'a wgpu::TextureView,
    format: wgpu::TextureFormat,
    loads: &Loads,
) -> wgpu::RenderPassDepthStencilAttachment<'a> {
    wgpu::RenderPassDepthStencilAttachment {
        view,
        depth_ops: format.has_depth_aspect().then(|| wgpu::Operations {
            load: loads.depth.map_or(wgpu::LoadOp::Load, wgpu::LoadOp::Clear),
            store: wgpu::StoreOp::Store,
        }),
        stencil_ops: format.has_stencil_aspect().then(|| wgpu::Operations {
            load: loads
                .stencil
                .map_or(wgpu::LoadOp::Load, wgpu::LoadOp::Clear),
            store: wgpu::StoreOp::Store,
        }),
    }
}

/// Ends any open pass and begins one on `fb` with `loads`, leaving it open;
/// the colour slots in the mask `blend_stand_ins` are drawn through blend
/// stand-ins (`blend_stand_in`), other colour buffers of other sizes than
/// the pass's through stand-ins of their format (`mixed_sizes`).
pub(crate) fn begin_pass(
    rec: &mut Recorder<'_>,
    fb: &Framebuffer,
    loads: &Loads,
    blend_stand_ins: u8,
) -> Result<(), CommandError> {
    let key = pass_key(fb, blend_stand_ins);
    for s in fb.cbufs.iter().flatten().chain(fb.zsurf.iter()) {
        rec.work.mark(s.res);
        if s.samples > 1 {
            rec.work.multisampled_writes.wrote(s.res);
        }
    }
    let gpu = rec.gpu;
    let mut copy_backs = Vec::new();
    let mut views = Vec::with_capacity(fb.cbufs.len());
    rec.caches.stand_ins.begin();
    for (slot, c) in fb.cbufs.iter().enumerate() {
        let Some(s) = c else {
            views.push(None);
            continue;
        };
        let blended = blend_stand_ins.checked_shr(slot as u32).unwrap_or(0) & 1 != 0;
        let stand_in = if let Some(format) = stand_in_format(s).filter(|_| blended) {
            let pool = (rec.work.submissions, &mut rec.caches.blitter);
            Some(
                rec.caches
                    .stand_ins
                    .blend_stand_in(gpu, pool, fb, s, format)?,
            )
        } else if mixed_sizes::needs_stand_in(fb, s) {
            let submissions = rec.work.submissions;
            Some(rec.caches.stand_ins.stand_in(gpu, submissions, fb, s)?)
        } else {
            None
        };
        views.push(Some(match stand_in {
            Some((view, back)) => {
                copy_backs.push(back);
                (view, None)
            }
            None => (s.view.clone(), s.depth_slice),
        }));
    }
    let encoder = rec.work.encoder(gpu);
    for back in &copy_backs {
        mixed_sizes::copy_in(encoder, back);
    }
    let colors: Vec<Option<wgpu::RenderPassColorAttachment<'_>>> = views
        .iter()
        .enumerate()
        .map(|(i, c)| {
            c.as_ref()
                .map(|(view, depth_slice)| wgpu::RenderPassColorAttachment {
                    view,
                    depth_slice: *depth_slice,
                    resolve_target: None,
                    ops: wgpu::Operations {
                        load: match loads.colors.get(i).copied().flatten() {
                            Some(color) => wgpu::LoadOp::Clear(color),
                            None => wgpu::LoadOp::Load,
                        },
                        store: wgpu::StoreOp::Store,
                    },
                })
        })
        .collect();
    let depth = fb
        .zsurf
        .as_ref()
        .map(|s| depth_stencil_attachment(&s.view, s.host_format, loads));
    let occlusion = rec.caches.queries.occlusion_set().cloned();
    let pass = gpu.checked(WgpuOp::BeginPass, || {
        encoder
            .begin_render_pass(&wgpu::RenderPassDescriptor {
                label: None,
                color_attachments: &colors,
                depth_stencil_attachment: depth,
                timestamp_writes: None,
                occlusion_query_set: occlusion.as_ref(),
                multiview_mask: None,
            })
            .forget_lifetime()
    })?;
    rec.work.set_pass(
        OpenPass {
            key,
            pass,
            state: PassState::default(),
        },
        copy_backs,
    );
    Ok(())
}
