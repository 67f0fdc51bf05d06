//! CLEAR: clears whole bound surfaces, ignoring scissor and write masks
//! (Gallium `clear` semantics), as a render pass with clear load ops (the
//! colour in the host format's channels: `A8`'s alpha clears red). The pass
//! stays open so the draws that follow render into it.

use super::pass::{begin_pass, Loads};
use super::recorder::Recorder;
use crate::core::base::error::CommandError;
use crate::core::base::format::render_swizzled;
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
            // Integer targets clear to the integers the words hold.
            let color = match surface.host_format.sample_type(None, None) {
                Some(wgpu::TextureSampleType::Sint) => c.color.map(|v| f64::from(v as i32)),
                Some(wgpu::TextureSampleType::Uint) => c.color.map(f64::from),
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
    begin_pass(rec, fb, &loads)
}
