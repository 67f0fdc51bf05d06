//! CLEAR: clears whole bound surfaces, ignoring scissor and write masks
//! (Gallium `clear` semantics), as a render pass with clear load ops (the
//! colour in the host format's channels: `A8`'s alpha clears red). The pass
//! stays open so the draws that follow render into it.

use crate::core::base::error::CommandError;
use crate::core::base::format::render_swizzled;
use crate::core::exec::Exec;
use crate::core::record::work::{OpenPass, PassKey};
use crate::core::state::{Framebuffer, SurfaceObj};
use guest_protocol::virgl::enums::clear_bits;
use guest_protocol::virgl::Clear;
use std::sync::Arc;

/// The attachment identity of a framebuffer.
pub fn pass_key(fb: &Framebuffer) -> PassKey {
    let id = |s: &Arc<SurfaceObj>| (s.res, s.level, s.layer);
    PassKey {
        colors: fb.cbufs.iter().map(|c| c.as_ref().map(id)).collect(),
        depth: fb.zsurf.as_ref().map(id),
    }
}

/// The framebuffer's size: the smallest attachment, else the NO_ATTACH size.
pub fn fb_size(fb: &Framebuffer) -> (u32, u32) {
    let sizes = fb
        .cbufs
        .iter()
        .flatten()
        .chain(fb.zsurf.iter())
        .map(|s| s.size);
    sizes
        .reduce(|a, b| (a.0.min(b.0), a.1.min(b.1)))
        .unwrap_or(fb.no_attach)
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

/// Ends any open pass and begins one on `fb` with `loads`, leaving it open.
pub fn begin_pass(ex: &mut Exec<'_>, fb: &Framebuffer, loads: &Loads) -> Result<(), CommandError> {
    let key = pass_key(fb);
    for s in fb.cbufs.iter().flatten().chain(fb.zsurf.iter()) {
        ex.work.mark(s.res);
    }
    let colors: Vec<Option<wgpu::RenderPassColorAttachment<'_>>> = fb
        .cbufs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            c.as_ref().map(|s| wgpu::RenderPassColorAttachment {
                view: &s.view,
                depth_slice: None,
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
    let depth = fb.zsurf.as_ref().map(|s| {
        let has_depth = s.host_format.has_depth_aspect();
        let has_stencil = s.host_format.has_stencil_aspect();
        wgpu::RenderPassDepthStencilAttachment {
            view: &s.view,
            depth_ops: has_depth.then(|| wgpu::Operations {
                load: loads.depth.map_or(wgpu::LoadOp::Load, wgpu::LoadOp::Clear),
                store: wgpu::StoreOp::Store,
            }),
            stencil_ops: has_stencil.then(|| wgpu::Operations {
                load: loads
                    .stencil
                    .map_or(wgpu::LoadOp::Load, wgpu::LoadOp::Clear),
                store: wgpu::StoreOp::Store,
            }),
        }
    });
    let size = fb_size(fb);
    let gpu = ex.gpu;
    let occlusion = ex.caches.queries.occlusion_set().cloned();
    let encoder = ex.work.encoder(gpu);
    let (pass, err) = gpu.scoped(|| {
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
    });
    if let Some(e) = err {
        return Err(CommandError::Wgpu(e));
    }
    ex.work.set_pass(OpenPass { key, pass, size });
    Ok(())
}

/// Executes CLEAR on the current sub-context's framebuffer.
pub fn clear(ex: &mut Exec<'_>, c: &Clear) -> Result<(), CommandError> {
    let fb = ex.sub().fb.clone();
    let mut loads = Loads::load(&fb);
    let mut any = false;
    for (i, (slot, cbuf)) in loads.colors.iter_mut().zip(&fb.cbufs).enumerate() {
        let Some(surface) = cbuf else { continue };
        if c.buffers & clear_bits::color(i as u32) != 0 {
            let color = c.color.map(|v| f64::from(f32::from_bits(v)));
            let [r, g, b, a] = render_swizzled(surface.render_swizzle, color);
            *slot = Some(wgpu::Color { r, g, b, a });
            any = true;
        }
    }
    if let Some(z) = &fb.zsurf {
        if c.buffers & clear_bits::DEPTH != 0 && z.host_format.has_depth_aspect() {
            loads.depth = Some(c.depth.get().clamp(0.0, 1.0) as f32);
            any = true;
        }
        if c.buffers & clear_bits::STENCIL != 0 && z.host_format.has_stencil_aspect() {
            loads.stencil = Some(c.stencil & 0xff);
            any = true;
        }
    }
    if !any {
        return Ok(());
    }
    begin_pass(ex, &fb, &loads)
}
