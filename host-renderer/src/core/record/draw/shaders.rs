//! The draw's shaders: translation options from the bound state (flat
//! shading, clip range, colour clamps, alpha test, polygon stipple and
//! offset, view and
//! render-target swizzles), then the fragment shader and the vertex shader
//! that feeds its inputs, compiled (or found) in the shader cache.

use crate::core::base::error::{CommandError, ShaderError, Shared};
use crate::core::record::recorder::Recorder;
use crate::core::state::objects::{CompiledShader, SamplerViewObj, ShaderObj};
use crate::core::validate::draw::BoundDraw;
use shader_translate::interface::Usage;
use shader_translate::limits::{MAX_COLOR_BUFFERS, MAX_SAMPLERS};
use shader_translate::{Channel, CompareFunction, Options, OutputKind, SamplerOptions};
use std::sync::Arc;

/// The compiled shaders of a draw.
pub(super) struct Shaders {
    /// Vertex shader.
    pub vs: Arc<CompiledShader>,
    /// Fragment shader.
    pub fs: Arc<CompiledShader>,
    /// The fragment shader has a flat-interpolated input.
    pub fs_has_flat: bool,
}

/// Compiles (or finds) the fragment, then the vertex shader of `bound`.
pub(super) fn compile(
    rec: &mut Recorder<'_>,
    bound: &BoundDraw<'_>,
) -> Result<Shaders, CommandError> {
    let fs_opts = fragment_options(bound);
    let fs = compiled(rec, bound.fs_shader, &fs_opts)?;
    let vs_opts = Options {
        samplers: sampler_options(&bound.vs.views),
        output_swizzles: Options::default().output_swizzles,
        output_kinds: Options::default().output_kinds,
        next_stage_inputs: fs.interface.inputs.clone(),
        clip_planes: bound.rast.stipple.clip_plane_enable(),
        polygon_offset: false,
        ..fs_opts.clone()
    };
    let vs = compiled(rec, bound.vs_shader, &vs_opts)?;
    let fs_has_flat = fs.interface.inputs.iter().any(|v| {
        matches!(
            v.usage,
            Usage::Location {
                interpolation: Some(naga::Interpolation::Flat),
                ..
            }
        )
    });
    Ok(Shaders {
        vs,
        fs,
        fs_has_flat,
    })
}

/// Shader object `obj` compiled under `options` (or found in the cache).
fn compiled(
    rec: &mut Recorder<'_>,
    obj: &ShaderObj,
    options: &Options,
) -> Result<Arc<CompiledShader>, CommandError> {
    rec.caches
        .shaders
        .shader_of(&rec.gpu.device, obj, options)
        .map_err(|e| CommandError::Shader {
            handle: obj.handle,
            stage: obj.stage,
            source: ShaderError::Translate(Shared::new(e)),
        })
}

/// The fragment shader's translation options (the vertex shader's start
/// from them).
fn fragment_options(bound: &BoundDraw<'_>) -> Options {
    let rast = &bound.rast;
    let fb = &bound.sub.fb;
    let alpha_test = bound
        .sub
        .dsa
        .filter(|d| d.depth_alpha.alpha_enabled())
        .and_then(|d| CompareFunction::from_pipe(u32::from(d.depth_alpha.alpha_func().0)));
    let mut options = Options {
        flatshade: rast.flags.flatshade(),
        clip_halfz: rast.flags.clip_halfz(),
        two_sided_color: rast.flags.light_twoside(),
        clamp_vertex_color: rast.flags.clamp_vertex_color(),
        clamp_fragment_color: rast.flags.clamp_fragment_color(),
        alpha_test,
        polygon_stipple: bound.stipple,
        polygon_offset: bound.polygon_offset
            && fb
                .zsurf
                .as_ref()
                .is_some_and(|z| z.polygon_offset_unit.is_some()),
        clip_planes: 0,
        color_buffers: (fb.cbufs.len() as u32).max(1),
        samplers: sampler_options(&bound.fs.views),
        output_swizzles: [Channel::RGBA; MAX_COLOR_BUFFERS as usize],
        output_kinds: [OutputKind::Float; MAX_COLOR_BUFFERS as usize],
        next_stage_inputs: Vec::new(),
    };
    let targets = options
        .output_swizzles
        .iter_mut()
        .zip(&mut options.output_kinds);
    for ((o, kind), c) in targets.zip(&fb.cbufs) {
        if let Some(s) = c {
            *o = s.render_swizzle.map(channel);
            *kind = match s.host_format.sample_type(None, None) {
                Some(wgpu::TextureSampleType::Sint) => OutputKind::Sint,
                Some(wgpu::TextureSampleType::Uint) => OutputKind::Uint,
                _ => OutputKind::Float,
            };
        }
    }
    options
}

/// A `format::swz` value as a shader channel.
fn channel(s: u8) -> Channel {
    match s {
        0 => Channel::R,
        1 => Channel::G,
        2 => Channel::B,
        3 => Channel::A,
        4 => Channel::Zero,
        _ => Channel::One,
    }
}

/// Per-unit sampler options: each bound view's swizzle.
fn sampler_options(
    views: &[Option<Arc<SamplerViewObj>>],
) -> [SamplerOptions; MAX_SAMPLERS as usize] {
    let mut out = [SamplerOptions::IDENTITY; MAX_SAMPLERS as usize];
    for (o, v) in out.iter_mut().zip(views) {
        if let Some(v) = v {
            o.swizzle = v.swizzle.map(channel);
            o.depth = v.is_depth;
        }
    }
    out
}
