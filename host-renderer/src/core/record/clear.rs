//! CLEAR: clears whole bound surfaces, ignoring scissor and write masks
//! (Gallium `clear` semantics), as a render pass with clear load ops (the
//! colour in the host format's channels: `A8`'s alpha clears red). The pass
//! stays open so the draws that follow render into it. Layered attachments
//! (a whole array, cube or 3D level) have their other layers cleared first,
//! each in a pass of its own, as GL clears every layer of one. A
//! depth/stencil buffer larger than the framebuffer (`mixed_sizes`) is
//! cleared in the framebuffer's area only, by a pass of its own
//! (`depth_clear`).

use super::depth_clear::DepthStencilClear;
use super::mixed_sizes;
use super::pass::{begin_pass, depth_stencil_attachment, Loads};
use super::recorder::Recorder;
use crate::core::base::error::{CommandError, WgpuOp};
use crate::core::base::format::render_swizzled;
use crate::core::state::objects::SurfaceObj;
use crate::core::state::sub_context::Framebuffer;
use guest_protocol::virgl::enums::clear_bits;
use guest_protocol::virgl::Clear;

/// Executes CLEAR on the current sub-context's framebuffer.
pub(crate) fn clear(
    rec: &mut Recorder<'_>,
    fb: &Framebuffer,
    c: &Clear,
) -> Result<(), CommandError> {
    let mut loads = Loads::load(fb);
    let mut any = false;
    for (i, (slot, cbuf)) in loads.colors.iter_mut().zip(&fb.cbufs).enumerate() {
        let Some(surface) = cbuf else { continue };
        if c.buffers & clear_bits::color(i as u32) != 0 {
            // The colour's bits are floats, or integers for integer targets.
            let color = match surface.host_format.sample_type(None, None) {
                Some(wgpu::TextureSampleType::Uint) => c.color.map(f64::from),
                Some(wgpu::TextureSampleType::Sint) => c.color.map(|v| f64::from(v as i32)),
                _ => c.color.map(|v| f64::from(f32::from_bits(v))),
            };
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
    clear_other_layers(rec, fb, &loads)?;
    match &fb.zsurf {
        Some(z)
            if mixed_sizes::depth_beyond(fb)
                && (loads.depth.is_some() || loads.stencil.is_some()) =>
        {
            // A pass would clear the whole level: the framebuffer's area only.
            let c = DepthStencilClear {
                depth: loads.depth.take(),
                stencil: loads.stencil.take(),
            };
            if loads.colors.iter().any(Option::is_some) {
                begin_pass(rec, fb, &loads, 0)?;
            }
            rec.work.mark(z.res);
            let gpu = rec.gpu;
            let encoder = rec.work.encoder(gpu);
            rec.caches.depth_clear.clear(gpu, encoder, z, fb.size(), c);
            Ok(())
        }
        _ => begin_pass(rec, fb, &loads, 0),
    }
}

/// Clears the layers after the first of `fb`'s layered attachments that
/// `loads` clears.
fn clear_other_layers(
    rec: &mut Recorder<'_>,
    fb: &Framebuffer,
    loads: &Loads,
) -> Result<(), CommandError> {
    let cleared_colors = fb.cbufs.iter().zip(&loads.colors);
    let cleared_zs = fb
        .zsurf
        .iter()
        .filter(|_| loads.depth.is_some() || loads.stencil.is_some());
    let cleared: Vec<&SurfaceObj> = cleared_colors
        .filter_map(|(c, load)| c.as_deref().filter(|_| load.is_some()))
        .chain(cleared_zs.map(|s| &**s))
        .collect();
    let layered = cleared.iter().any(|s| !s.other_layers.is_empty());
    if layered && cleared.iter().any(|s| s.size != fb.size()) {
        // GL would clear each layer's intersection (`mixed_sizes`).
        return Err(CommandError::Unsupported(
            "clearing layered attachments of other sizes than the framebuffer's",
        ));
    }
    other_layer_passes(rec, fb, loads, false)
}

/// One pass per layer after the first of `fb`'s layered attachments: pass
/// `k` attaches each surface's `k`-th other layer, cleared where `loads`
/// clears it; with `keep`, the attachments `loads` does not clear are
/// attached too, loaded. (A kept pass makes wgpu count those layers as
/// written, so that it never zero-fills them after the raw path drew
/// there.)
pub(crate) fn other_layer_passes(
    rec: &mut Recorder<'_>,
    fb: &Framebuffer,
    loads: &Loads,
    keep: bool,
) -> Result<(), CommandError> {
    let attached: Vec<Option<(&SurfaceObj, wgpu::LoadOp<wgpu::Color>)>> = fb
        .cbufs
        .iter()
        .zip(&loads.colors)
        .map(|(c, load)| {
            let s = c.as_deref()?;
            match load {
                Some(color) => Some((s, wgpu::LoadOp::Clear(*color))),
                None if keep => Some((s, wgpu::LoadOp::Load)),
                None => None,
            }
        })
        .collect();
    let zs = fb
        .zsurf
        .as_deref()
        .filter(|_| keep || loads.depth.is_some() || loads.stencil.is_some());
    let layers = attached
        .iter()
        .flatten()
        .map(|(s, _)| *s)
        .chain(zs)
        .map(|s| s.other_layers.len())
        .max()
        .unwrap_or(0);
    let written = attached.iter().flatten().map(|(s, _)| *s).chain(zs);
    for s in written.filter(|s| s.samples > 1 && !s.other_layers.is_empty()) {
        rec.work.multisampled_writes.wrote(s.res);
    }
    for k in 0..layers {
        let colors: Vec<Option<wgpu::RenderPassColorAttachment<'_>>> = attached
            .iter()
            .map(|c| {
                let (s, load) = (*c)?;
                let target = s.other_layers.get(k)?;
                Some(wgpu::RenderPassColorAttachment {
                    view: &target.view,
                    depth_slice: target.depth_slice,
                    resolve_target: None,
                    ops: wgpu::Operations {
                        load,
                        store: wgpu::StoreOp::Store,
                    },
                })
            })
            .collect();
        let depth = zs.and_then(|s| {
            let target = s.other_layers.get(k)?;
            Some(depth_stencil_attachment(&target.view, s.host_format, loads))
        });
        let gpu = rec.gpu;
        let encoder = rec.work.encoder(gpu);
        gpu.checked(WgpuOp::BeginPass, || {
            drop(encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
                label: None,
                color_attachments: &colors,
                depth_stencil_attachment: depth,
                timestamp_writes: None,
                occlusion_query_set: None,
                multiview_mask: None,
            }));
        })?;
    }
    Ok(())
}
