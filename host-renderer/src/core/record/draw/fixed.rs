//! The draw's fixed-function state: winding, culling, depth/stencil and
//! blending per colour target (in the host format's channels), and the GL
//! rules that need the raw Vulkan path (logic ops, wide and stippled lines).

use super::primitive::Primitive;
use super::shaders::Shaders;
use crate::core::base::error::CommandError;
use crate::core::base::format::{is_integer, render_mask, swz};
use crate::core::base::gallium;
use crate::core::gpu::device::Gpu;
use crate::core::record::blend_stand_in::stand_in_format;
use crate::core::state::objects::SurfaceObj;
use crate::core::validate::draw::BoundDraw;
use guest_protocol::virgl::enums::{PolygonMode, PrimMode};
use guest_protocol::virgl::{DrawVbo, Rasterizer};

/// The draw's fixed-function state.
pub(super) struct Fixed {
    /// Front face winding.
    pub front_face: wgpu::FrontFace,
    /// Face culled.
    pub cull: Option<wgpu::Face>,
    /// Depth/stencil state (with a depth/stencil attachment).
    pub depth_stencil: Option<wgpu::DepthStencilState>,
    /// Colour target states by slot.
    pub targets: Vec<Option<wgpu::ColorTargetState>>,
    /// `PIPE_LOGICOP_*` other than COPY (raw path).
    pub logic_op: Option<u8>,
    /// Aliased line width in whole pixels (raw path above 1).
    pub line_width: u32,
    /// GL line stipple: factor and pattern (raw path).
    pub line_stipple: Option<(u32, u16)>,
    /// The draw goes through the raw Vulkan path.
    pub raw_needed: bool,
    /// Alpha to coverage (multisampled framebuffers).
    pub alpha_to_coverage: bool,
    /// Alpha to one (multisampled framebuffers; raw path).
    pub alpha_to_one: bool,
    /// The samples a fragment may write (GL's sample mask; every sample
    /// with multisampling off).
    pub sample_mask: u64,
    /// Colour slots blended through blend stand-ins (their targets are in
    /// the stand-in's format; `record::blend_stand_in`).
    pub blend_stand_ins: u8,
}

impl Fixed {
    /// The fixed-function state of `d` with `bound` state, drawn as `prim`;
    /// refuses what neither wgpu nor the raw path can draw exactly.
    pub(super) fn new(
        gpu: &Gpu,
        bound: &BoundDraw<'_>,
        d: &DrawVbo,
        prim: &Primitive,
        shaders: &Shaders,
    ) -> Result<Self, CommandError> {
        let rast = &bound.rast;
        let (fb, blend) = (&bound.sub.fb, bound.sub.blend);
        // `front_ccw` is the winding in the guest's clip space as wgpu sees
        // it: Mesa already inverts it for FBOs (whose y we flip in the
        // shader), so it maps straight through (verified on window and FBO
        // captures).
        let front_face = if rast.flags.front_ccw() {
            wgpu::FrontFace::Ccw
        } else {
            wgpu::FrontFace::Cw
        };
        let depth_stencil = fb.zsurf.as_ref().map(|z| depth_state(z, bound, rast));
        let mut targets = Vec::with_capacity(fb.cbufs.len());
        let mut blend_stand_ins = 0u8;
        for (i, c) in fb.cbufs.iter().enumerate() {
            let Some(s) = c else {
                targets.push(None);
                continue;
            };
            let rt = blend.map(|b| {
                if b.flags.independent_blend_enable() {
                    b.rt.get(i).copied().unwrap_or(b.rt[0])
                } else {
                    b.rt[0]
                }
            });
            let (target, stand_in) = color_target(s, rt)?;
            if stand_in {
                blend_stand_ins |= 1 << i;
            }
            targets.push(Some(target));
        }
        // A logic op other than COPY (plain writes) goes through the raw
        // Vulkan path; without it the draw is refused rather than drawn wrong.
        let logic_op = blend
            .filter(|b| b.flags.logicop_enable())
            .map(|b| b.logicop.logicop_func().0)
            .filter(|&f| f != LOGICOP_COPY);
        if logic_op.is_some() && !gpu.raw.as_ref().is_some_and(|r| r.features().logic_op) {
            return Err(CommandError::Unsupported(
                "logic ops (the device has no Vulkan logicOp)",
            ));
        }
        let Multisample {
            alpha_to_coverage,
            alpha_to_one,
            sample_mask,
        } = multisample_state(gpu, bound)?;
        let (line_width, line_stipple) = lines(gpu, rast, d, prim)?;
        // Vulkan discards rasterization for draws kept for their captures
        // or memory writes; WebGPU cannot.
        let raw_needed = logic_op.is_some()
            || rast.flags.rasterizer_discard()
            || line_width > 1
            || line_stipple.is_some()
            || bound.stream_output.is_some()
            || alpha_to_one
            || bound.gs.is_some()
            || bound.tess.is_some()
            || shaders.beyond_wgpu
            || prim.adjacency;
        let geometry = gpu.raw.as_ref().and_then(|r| r.features().geometry);
        if prim.adjacency && geometry.is_none() {
            return Err(CommandError::Unsupported(
                "adjacency primitives (the device has no Vulkan geometryShader)",
            ));
        }
        // Without a geometry shader the primitives captured are counted on
        // the CPU, which does not count adjacency primitives.
        if prim.adjacency && bound.stream_output.is_some() && bound.gs.is_none() {
            return Err(CommandError::Unsupported(
                "stream output of adjacency primitives without a geometry shader",
            ));
        }
        if bound.tess.is_some() {
            if gpu.raw.as_ref().is_none_or(|r| !r.features().tessellation) {
                return Err(CommandError::Unsupported(
                    "tessellation (the device has no Vulkan tessellationShader)",
                ));
            }
            // How many primitives the tessellator makes is known only on
            // the GPU, where nothing counts them for the capture.
            if bound.stream_output.is_some() {
                return Err(CommandError::Unsupported(
                    "stream output of tessellated primitives",
                ));
            }
        }
        if raw_needed && blend_stand_ins != 0 {
            return Err(CommandError::Unsupported(
                "blending into a colour buffer whose format the device cannot blend, on the raw path",
            ));
        }
        if raw_needed && bound.sub.active_occlusion.is_some() {
            return Err(CommandError::Unsupported(
                "logic ops, GL lines, stream output, alpha to one, geometry or tessellation shaders, adjacency or over 30 varyings inside an occlusion query",
            ));
        }
        Ok(Self {
            front_face,
            cull: prim.cull(rast),
            depth_stencil,
            targets,
            logic_op,
            line_width,
            line_stipple,
            raw_needed,
            alpha_to_coverage,
            alpha_to_one,
            sample_mask,
            blend_stand_ins,
        })
    }
}

/// The coverage state of a draw into a multisampled framebuffer.
struct Multisample {
    /// Alpha to coverage.
    alpha_to_coverage: bool,
    /// Alpha to one (the raw path's `alphaToOne`).
    alpha_to_one: bool,
    /// The samples a fragment may write.
    sample_mask: u64,
}

/// The draw's coverage state; refuses alpha to one without the raw path's
/// feature. Single-sampled framebuffers ignore it all, as GL does. With
/// multisampling off (GL_MULTISAMPLE disabled) GL ignores alpha to coverage,
/// alpha to one and the sample mask, and writes all of a pixel's samples
/// when its centre is covered. The draw is rasterized with the
/// framebuffer's samples but no mask: what lies inside a primitive is
/// exactly GL's, and its edges are covered per sample (pixel-centre
/// coverage would need `VK_EXT_sample_locations`).
fn multisample_state(gpu: &Gpu, bound: &BoundDraw<'_>) -> Result<Multisample, CommandError> {
    let no_coverage_ops = Multisample {
        alpha_to_coverage: false,
        alpha_to_one: false,
        sample_mask: u64::MAX,
    };
    if bound.samples <= 1 || !bound.rast.flags.multisample() {
        return Ok(no_coverage_ops);
    }
    let flags = bound.sub.blend.map(|b| b.flags);
    let alpha_to_one = flags.is_some_and(|f| f.alpha_to_one());
    if alpha_to_one && !gpu.raw.as_ref().is_some_and(|r| r.features().alpha_to_one) {
        return Err(CommandError::Unsupported(
            "alpha to one (the device has no Vulkan alphaToOne)",
        ));
    }
    Ok(Multisample {
        alpha_to_coverage: flags.is_some_and(|f| f.alpha_to_coverage()),
        alpha_to_one,
        sample_mask: u64::from(bound.sub.sample_mask),
    })
}

/// `PIPE_LOGICOP_COPY`: writes the source unchanged (no logic op needed).
const LOGICOP_COPY: u8 = 12;

/// Line width and stipple. Lines wider than a pixel go through the raw
/// path where the device draws them; elsewhere the caps advertise width 1
/// and the guest clamps. GL line stipple (the factor is sent minus one) is
/// exact where the guest's lines reach Vulkan unsplit: stipple restarts with
/// every line of a list.
fn lines(
    gpu: &Gpu,
    rast: &Rasterizer,
    d: &DrawVbo,
    prim: &Primitive,
) -> Result<(u32, Option<(u32, u16)>), CommandError> {
    let draws_lines = matches!(
        prim.topology,
        wgpu::PrimitiveTopology::LineList | wgpu::PrimitiveTopology::LineStrip
    ) || (prim.is_tri
        && [rast.flags.fill_front(), rast.flags.fill_back()].contains(&PolygonMode::LINE));
    let max_line_width = gpu
        .raw
        .as_ref()
        .map_or(1, |r| r.features().max_line_width.max(1));
    let line_width = if draws_lines && !rast.flags.line_smooth() {
        aliased_line_width(rast.line_width.get(), max_line_width)
    } else {
        1
    };
    let line_stipple = (draws_lines
        && rast.flags.line_stipple_enable()
        && rast.stipple.line_stipple_pattern() != u16::MAX)
        .then(|| {
            (
                u32::from(rast.stipple.line_stipple_factor()) + 1,
                rast.stipple.line_stipple_pattern(),
            )
        });
    if line_stipple.is_some() {
        // Also in the guest's vertex order: the provoking-vertex rotation of
        // flat-shaded lines would run the pattern backwards.
        let unsplit = !prim.cpu
            && (d.mode == PrimMode::LINES
                || (d.mode == PrimMode::LINE_STRIP
                    && prim.topology == wgpu::PrimitiveTopology::LineStrip));
        if !unsplit {
            return Err(CommandError::Unsupported(
                "line stipple on loops, polygon edges, or flat-shaded or split lines",
            ));
        }
        if !gpu.raw.as_ref().is_some_and(|r| r.features().line_stipple) {
            return Err(CommandError::Unsupported(
                "line stipple (the device has no stippled Bresenham lines)",
            ));
        }
    }
    Ok((line_width, line_stipple))
}

/// GL's width of an aliased line: `width` rounded, at least 1, at most `max`.
fn aliased_line_width(width: f32, max: u32) -> u32 {
    let rounded = if width.is_finite() {
        width.round()
    } else {
        1.0
    };
    (rounded.clamp(1.0, 255.0) as u32).min(max)
}

/// The depth/stencil state of attachment `z` under the bound DSA, with the
/// rasterizer's polygon offset as depth bias on float depth (fixed-point
/// depth is offset in the fragment shader, `Options::polygon_offset`).
fn depth_state(
    z: &SurfaceObj,
    bound: &BoundDraw<'_>,
    rast: &Rasterizer,
) -> wgpu::DepthStencilState {
    let dsa = bound.sub.dsa.as_ref();
    let has_depth = z.host_format.has_depth_aspect();
    let has_stencil = z.host_format.has_stencil_aspect();
    let (write, compare) = match dsa {
        Some(d) if d.depth_alpha.depth_enabled() && has_depth => (
            d.depth_alpha.depth_writemask(),
            gallium::compare(d.depth_alpha.depth_func()),
        ),
        _ => (false, wgpu::CompareFunction::Always),
    };
    let face = |f: &guest_protocol::virgl::bits::StencilFace| wgpu::StencilFaceState {
        compare: gallium::compare(f.func()),
        fail_op: gallium::stencil_op(f.fail_op()),
        depth_fail_op: gallium::stencil_op(f.zfail_op()),
        pass_op: gallium::stencil_op(f.zpass_op()),
    };
    let stencil = match dsa {
        Some(d) if d.front.enabled() && has_stencil => {
            let front = face(&d.front);
            let back = if d.back.enabled() {
                face(&d.back)
            } else {
                front
            };
            wgpu::StencilState {
                front,
                back,
                read_mask: u32::from(d.front.valuemask()),
                write_mask: u32::from(d.front.writemask()),
            }
        }
        _ => wgpu::StencilState::default(),
    };
    let bias = if bound.polygon_offset && z.polygon_offset_unit.is_none() {
        wgpu::DepthBiasState {
            constant: rast.offset_units.get().round() as i32,
            slope_scale: rast.offset_scale.get(),
            clamp: rast.offset_clamp.get(),
        }
    } else {
        wgpu::DepthBiasState::default()
    };
    wgpu::DepthStencilState {
        format: z.host_format,
        depth_write_enabled: Some(write),
        depth_compare: Some(compare),
        stencil,
        bias,
    }
}

/// The colour target of surface `s` under blend state `rt`, in the host
/// format's channels: the colour mask follows the surface's render swizzle,
/// and when host red stores the guest's alpha (`A8`) the host colour
/// equation is the guest's alpha equation. Blending into a format the
/// device cannot blend (signed normalized ones on lavapipe) targets the
/// surface's blend stand-in (`true` with the state), or is refused where it
/// has none, unless the blend writes the source as it is.
fn color_target(
    s: &SurfaceObj,
    rt: Option<guest_protocol::virgl::bits::RtBlend>,
) -> Result<(wgpu::ColorTargetState, bool), CommandError> {
    let one = s.alpha_is_one;
    let (blend, mask) = match rt {
        Some(rt) => {
            let alpha = wgpu::BlendComponent {
                src_factor: gallium::blend_factor(rt.alpha_src_factor(), one),
                dst_factor: gallium::blend_factor(rt.alpha_dst_factor(), one),
                operation: gallium::blend_op(rt.alpha_func()),
            };
            let color = if s.render_swizzle[0] == swz::A {
                // Factors for the alpha channel, applied to host red.
                let f = |f| gallium::blend_factor(gallium::alpha_channel_factor(f), one);
                wgpu::BlendComponent {
                    src_factor: f(rt.alpha_src_factor()),
                    dst_factor: f(rt.alpha_dst_factor()),
                    operation: alpha.operation,
                }
            } else {
                wgpu::BlendComponent {
                    src_factor: gallium::blend_factor(rt.rgb_src_factor(), one),
                    dst_factor: gallium::blend_factor(rt.rgb_dst_factor(), one),
                    operation: gallium::blend_op(rt.rgb_func()),
                }
            };
            let blend = rt
                .blend_enable()
                .then_some(wgpu::BlendState { color, alpha });
            (blend, rt.colormask())
        }
        None => (None, 0xf),
    };
    // A framebuffer without attachments writes nowhere (its scratch).
    let mask = if s.scratch {
        0
    } else {
        render_mask(s.render_swizzle, mask)
    };
    // GL never blends integer colour buffers (and WebGPU refuses to);
    // nothing blends where nothing is written, and a blend that writes
    // the source as it is (ONE, ZERO, ADD) is no blend (so it draws into
    // formats the device cannot blend).
    let blend = blend
        .filter(|b| !is_integer(s.host_format) && mask != 0 && *b != wgpu::BlendState::REPLACE);
    let mut format = s.host_format;
    let stand_in = blend.is_some() && !s.blendable;
    if stand_in {
        format = stand_in_format(s).ok_or(CommandError::Unsupported(
            "blending into a colour buffer whose format the device cannot blend",
        ))?;
    }
    let target = wgpu::ColorTargetState {
        format,
        blend,
        write_mask: wgpu::ColorWrites::from_bits_truncate(u32::from(mask)),
    };
    Ok((target, stand_in))
}
