//! The draw's shaders: translation options from the bound state (flat
//! shading, clip range, colour clamps, alpha test, polygon stipple and
//! offset, view and
//! render-target swizzles), then the fragment shader and the vertex shader
//! that feeds its inputs, compiled (or found) in the shader cache.

use super::vertex_convert;
use super::viewport;
use crate::core::base::error::{CommandError, DrawError, ShaderError, Shared};
use crate::core::base::format;
use crate::core::record::recorder::Recorder;
use crate::core::record::storage;
use crate::core::state::objects::{CompiledShader, SamplerStateObj, SamplerViewObj, ShaderObj};
use crate::core::validate::draw::BoundDraw;
use guest_protocol::virgl::bits::RtBlend;
use guest_protocol::virgl::enums::{PrimMode, ShaderStage};
use guest_protocol::virgl::Format;
use shader_translate::ast::Primitive;
use shader_translate::interface::{TessDomain, TessellationKind, Usage};
use shader_translate::limits::{MAX_COLOR_BUFFERS, MAX_SAMPLERS, MAX_VERTEX_ATTRIBUTES};
use shader_translate::{
    Capture, Channel, ColorKind, CompareFunction, IntegerSampling, Options, PointSize,
    SamplerOptions, SpriteCoords, Wrap,
};
use std::sync::Arc;

/// The compiled shaders of a draw.
pub(super) struct Shaders {
    /// Vertex shader.
    pub vs: Arc<CompiledShader>,
    /// Fragment shader.
    pub fs: Arc<CompiledShader>,
    /// Geometry shader, if one is bound.
    pub gs: Option<Arc<CompiledShader>>,
    /// Tessellation shaders, for a draw of patches.
    pub tess: Option<Tessellation>,
    /// The fragment shader has a flat-interpolated input.
    pub fs_has_flat: bool,
    /// More varyings than wgpu validates pass from the vertex to the
    /// fragment shader (see [`beyond_wgpu_varyings`]): the raw path draws.
    pub beyond_wgpu: bool,
}

/// A draw's compiled tessellation shaders.
pub(super) struct Tessellation {
    /// Control shader.
    pub tcs: Arc<CompiledShader>,
    /// Evaluation shader.
    pub tes: Arc<CompiledShader>,
}

impl Shaders {
    /// The stages in the raw path's order (vertex, fragment, geometry,
    /// tessellation control and evaluation), as many as the draw needs:
    /// the geometry slot stays empty when only tessellation stages follow.
    pub(super) fn stages(&self) -> Vec<Option<&Arc<CompiledShader>>> {
        let mut stages = vec![Some(&self.vs), Some(&self.fs)];
        if self.gs.is_some() || self.tess.is_some() {
            stages.push(self.gs.as_ref());
        }
        if let Some(t) = &self.tess {
            stages.extend([Some(&t.tcs), Some(&t.tes)]);
        }
        stages
    }

    /// The last stage before the rasterizer: the geometry shader, else the
    /// tessellation evaluation shader, else the vertex shader.
    pub(super) fn last(&self) -> &Arc<CompiledShader> {
        match (&self.gs, &self.tess) {
            (Some(gs), _) => gs,
            (None, Some(t)) => &t.tes,
            (None, None) => &self.vs,
        }
    }
}

/// Compiles (or finds) the fragment, then the vertex shader of `bound`.
pub(super) fn compile(
    rec: &mut Recorder<'_>,
    bound: &BoundDraw<'_>,
) -> Result<Shaders, CommandError> {
    let fs_opts = fragment_options(bound);
    let fs = compiled(rec, bound.fs_shader, &fs_opts)?;
    // The last stage before the rasterizer (the geometry shader when one is
    // bound) writes what the rasterizer and the fragment shader read.
    let last_opts = Options {
        output_swizzles: Options::default().output_swizzles,
        color_kinds: Options::default().color_kinds,
        signed_color_buffers: 0,
        image_formats: Options::default().image_formats,
        next_stage_inputs: fs.interface.inputs.clone(),
        clip_planes: bound.rast.stipple.clip_plane_enable(),
        depth_range_reversed: viewport::depth_range_reversed(bound),
        polygon_offset: false,
        sprite_coords: SpriteCoords::default(),
        point_size: point_size(bound, rec.gpu.max_point_size),
        captures: bound.stream_output.map_or_else(Vec::new, |so| {
            so.ranges
                .iter()
                .map(|r| Capture {
                    register: r.register,
                    first: r.first,
                    count: r.count,
                })
                .collect()
        }),
        ..fs_opts.clone()
    };
    // Each stage before the last writes its outputs where the next one
    // reads them, and applies none of the rasterizer's conventions.
    let upstream = |last: &Options, next: &CompiledShader| Options {
        next_stage_inputs: next.interface.inputs.clone(),
        clip_planes: 0,
        point_size: PointSize::Unwritten,
        captures: Vec::new(),
        ..last.clone()
    };
    let (gs, before_gs) = match bound.gs {
        Some((stage, shader)) => {
            let gs_opts = Options {
                samplers: sampler_options(&stage.views, &stage.samplers),
                ..last_opts.clone()
            };
            let gs = compiled(rec, shader, &gs_opts)?;
            let before = upstream(&last_opts, &gs);
            (Some(gs), before)
        }
        None => (None, last_opts),
    };
    let (tess, vs_opts) = match &bound.tess {
        Some(t) => {
            let (tes_stage, tes_shader) = t.tes;
            let tes_opts = Options {
                samplers: sampler_options(&tes_stage.views, &tes_stage.samplers),
                ..before_gs.clone()
            };
            let tes = compiled(rec, tes_shader, &tes_opts)?;
            let linked = upstream(&before_gs, &tes);
            let tcs = match t.tcs {
                Some((tcs_stage, tcs_shader)) => {
                    let tcs_opts = Options {
                        samplers: sampler_options(&tcs_stage.views, &tcs_stage.samplers),
                        ..linked
                    };
                    compiled(rec, tcs_shader, &tcs_opts)?
                }
                None => passthrough_control(rec, bound, &tes, t.patch_vertices, &linked)?,
            };
            let before = upstream(&before_gs, &tcs);
            (Some(Tessellation { tcs, tes }), before)
        }
        None => (None, before_gs),
    };
    let vs_opts = Options {
        samplers: sampler_options(&bound.vs.views, &bound.vs.samplers),
        input_kinds: input_kinds(bound),
        ..vs_opts
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
    let beyond_wgpu = beyond_wgpu_varyings(
        rec.gpu.limits.max_inter_stage_shader_variables,
        &vs,
        &fs,
        bound.points,
    );
    Ok(Shaders {
        vs,
        fs,
        gs,
        tess,
        fs_has_flat,
        beyond_wgpu,
    })
}

/// The control shader GL implies for evaluation shader `tes` alone: the
/// draw's patches of `vertices` vertices passed on with the levels of
/// SET_TESS_STATE (`shader_translate::passthrough_control_text`),
/// translated under `options` (linked to `tes`).
fn passthrough_control(
    rec: &mut Recorder<'_>,
    bound: &BoundDraw<'_>,
    tes: &CompiledShader,
    vertices: u32,
    options: &Options,
) -> Result<Arc<CompiledShader>, CommandError> {
    let (outer, inner) = bound.sub.tess_levels;
    let text = shader_translate::passthrough_control_text(&tes.interface, vertices, outer, inner);
    rec.caches
        .shaders
        .shader(&rec.gpu.device, &Arc::from(text), options)
        .map_err(|e| CommandError::Shader {
            handle: 0,
            stage: ShaderStage::TESS_CTRL,
            source: ShaderError::Translate(Shared::new(e)),
        })
}

/// Whether the vertex and fragment shader pass more varyings than wgpu
/// validates: its `max_inter_stage_shader_variables` (one below Vulkan's,
/// for the position) less what WebGPU deducts for point lists, clip
/// distances and fragment built-ins. Mesa gives GLSL 1.50 programs 32
/// varyings whatever the caps say; Vulkan's own limit holds them.
fn beyond_wgpu_varyings(
    limit: u32,
    vs: &CompiledShader,
    fs: &CompiledShader,
    points: bool,
) -> bool {
    use naga::BuiltIn as B;
    let locations: std::collections::BTreeSet<u32> = vs
        .interface
        .outputs
        .iter()
        .chain(&fs.interface.inputs)
        .filter_map(|v| match v.usage {
            Usage::Location { location, .. } => Some(location),
            _ => None,
        })
        .collect();
    let (Some(&last), count) = (locations.last(), locations.len() as u32) else {
        return false;
    };
    let clip = vs
        .interface
        .outputs
        .iter()
        .any(|v| v.usage == Usage::BuiltIn(B::ClipDistances));
    let clip_slots = if clip { 2 } else { 0 };
    let fs_builtins: std::collections::BTreeSet<B> = fs
        .interface
        .inputs
        .iter()
        .filter_map(|v| match v.usage {
            Usage::BuiltIn(b) => Some(b),
            _ => None,
        })
        .chain(fs.interface.system_values.iter().map(|v| v.builtin))
        .filter(|b| {
            matches!(
                b,
                B::FrontFacing | B::SampleIndex | B::SampleMask | B::PrimitiveIndex | B::PointCoord
            )
        })
        .collect();
    let vs_variables = limit.saturating_sub(u32::from(points) + clip_slots);
    let vs_last = limit.saturating_sub(1 + clip_slots);
    let fs_variables = limit.saturating_sub(fs_builtins.len() as u32);
    count > vs_variables.min(fs_variables) || last > vs_last || last >= limit
}

/// Refuses a draw whose primitives are not its geometry shader's input
/// kind (GL's rule; Mesa converts the modes the host does not list in
/// `prim_mask` to lists before they get here). After tessellation the
/// primitives are the tessellator's: points in point mode, lines of
/// isolines, else triangles.
pub(super) fn check_geometry_input(shaders: &Shaders, mode: PrimMode) -> Result<(), CommandError> {
    let Some(g) = shaders
        .gs
        .as_ref()
        .and_then(|gs| gs.interface.geometry.as_ref())
    else {
        return Ok(());
    };
    let tessellated = shaders
        .tess
        .as_ref()
        .and_then(|t| t.tes.interface.tessellation.as_ref())
        .map(|t| match t.kind {
            TessellationKind::Evaluation {
                point_mode: true, ..
            } => PrimMode::POINTS,
            TessellationKind::Evaluation {
                domain: TessDomain::Isolines,
                ..
            } => PrimMode::LINES,
            _ => PrimMode::TRIANGLES,
        });
    let mode = tessellated.unwrap_or(mode);
    let fits = match g.input {
        Primitive::Points => mode == PrimMode::POINTS,
        Primitive::Lines => matches!(mode, PrimMode::LINES | PrimMode::LINE_STRIP),
        Primitive::Triangles => matches!(mode, PrimMode::TRIANGLES | PrimMode::TRIANGLE_STRIP),
        Primitive::LinesAdjacency => matches!(
            mode,
            PrimMode::LINES_ADJACENCY | PrimMode::LINE_STRIP_ADJACENCY
        ),
        Primitive::TrianglesAdjacency => matches!(
            mode,
            PrimMode::TRIANGLES_ADJACENCY | PrimMode::TRIANGLE_STRIP_ADJACENCY
        ),
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        Err(CommandError::Draw(DrawError::GeometryInput(mode.0 as u8)))
    }
}

/// The channel type each bound vertex element fetches (the VS's inputs).
fn input_kinds(bound: &BoundDraw<'_>) -> [ColorKind; MAX_VERTEX_ATTRIBUTES as usize] {
    let mut kinds = [ColorKind::Float; MAX_VERTEX_ATTRIBUTES as usize];
    let elements = bound.sub.vertex_elements.as_deref().unwrap_or(&[]);
    for (k, e) in kinds.iter_mut().zip(elements) {
        *k = vertex_convert::shader_kind(Format(e.src_format.get()));
    }
    kinds
}

/// Shader object `obj` compiled under `options` (or found in the cache).
pub(crate) fn compiled(
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
        depth_range_reversed: false,
        per_sample_shading: bound.sub.min_samples > 1 && bound.samples > 1,
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
        samplers: sampler_options(&bound.fs.views, &bound.fs.samplers),
        output_swizzles: [Channel::RGBA; MAX_COLOR_BUFFERS as usize],
        color_kinds: [ColorKind::Float; MAX_COLOR_BUFFERS as usize],
        signed_color_buffers: 0,
        next_stage_inputs: Vec::new(),
        sprite_coords: sprite_coords(bound),
        point_size: PointSize::Unwritten,
        dual_source_blend: bound
            .sub
            .blend
            .is_some_and(|b| reads_second_source(&b.rt[0])),
        captures: Vec::new(),
        input_kinds: [ColorKind::Float; MAX_VERTEX_ATTRIBUTES as usize],
        shared_memory_bytes: 0,
        image_formats: storage::image_formats(bound.fs),
    };
    for ((o, k), c) in options
        .output_swizzles
        .iter_mut()
        .zip(options.color_kinds.iter_mut())
        .zip(&fb.cbufs)
    {
        if let Some(s) = c {
            *o = s.render_swizzle.map(channel);
            *k = color_kind(s.host_format);
        }
    }
    for (i, c) in fb.cbufs.iter().enumerate() {
        if c.as_ref().is_some_and(|s| format::is_snorm(s.host_format)) {
            options.signed_color_buffers |= 1 << i;
        }
    }
    options
}

/// Where the VS takes the size of the draw's points from: nowhere for
/// one-pixel points (wgpu writes 1) or draws of other primitives. Smooth
/// points are one pixel: the caps' smooth point size range.
fn point_size(bound: &BoundDraw<'_>, max: u32) -> PointSize {
    let rast = &bound.rast;
    if !bound.points || max <= 1 || rast.flags.point_smooth() {
        PointSize::Unwritten
    } else if rast.flags.point_size_per_vertex() {
        PointSize::PerVertex
    } else if rast.point_size.get() == 1.0 {
        PointSize::Unwritten
    } else {
        PointSize::Fixed
    }
}

/// Whether colour buffer 0's blending reads the fragment's second colour
/// (`SRC1` factors: dual-source blending).
fn reads_second_source(rt: &RtBlend) -> bool {
    use guest_protocol::virgl::enums::BlendFactor as F;
    let second = |f: F| {
        matches!(
            f,
            F::SRC1_COLOR | F::SRC1_ALPHA | F::INV_SRC1_COLOR | F::INV_SRC1_ALPHA
        )
    };
    rt.blend_enable()
        && [
            rt.rgb_src_factor(),
            rt.rgb_dst_factor(),
            rt.alpha_src_factor(),
            rt.alpha_dst_factor(),
        ]
        .into_iter()
        .any(second)
}

/// Which inputs read the point sprite coordinate: those the rasterizer
/// enables, when it draws points as squares.
fn sprite_coords(bound: &BoundDraw<'_>) -> SpriteCoords {
    let rast = &bound.rast;
    if !bound.points || !rast.flags.point_quad_rasterization() {
        return SpriteCoords::default();
    }
    SpriteCoords {
        enable: rast.sprite_coord_enable,
        lower_left: rast.flags.sprite_coord_mode(),
    }
}

/// The channel type of a host texture format.
fn color_kind(format: wgpu::TextureFormat) -> ColorKind {
    match format.sample_type(None, None) {
        Some(wgpu::TextureSampleType::Uint) => ColorKind::Uint,
        Some(wgpu::TextureSampleType::Sint) => ColorKind::Sint,
        _ => ColorKind::Float,
    }
}

/// How the shader reads an integer view under sampler state `s`: wraps,
/// border colour, nearest mip level or level 0 (the LOD bias and clamps
/// are driver uniforms).
fn integer_sampling(s: &SamplerStateObj) -> IntegerSampling {
    const MIPFILTER_NONE: u8 = 2;
    let f = s.desc.flags;
    let wrap = |w: guest_protocol::virgl::enums::TexWrap| {
        Wrap::from_pipe(u32::from(w.0)).unwrap_or(Wrap::Repeat)
    };
    IntegerSampling {
        wrap: [wrap(f.wrap_s()), wrap(f.wrap_t()), wrap(f.wrap_r())],
        border: s.desc.border_color,
        mipmap: f.min_mip_filter() != MIPFILTER_NONE,
    }
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

/// Per-unit sampler options: each bound view's swizzle and depth-ness (a
/// texture buffer's texel format); for
/// depth views whether the unit's sampler state reads one level with one
/// filter at any LOD (mip filter `NONE`, equal minification and
/// magnification filters) and, under a nearest-filtering comparison
/// sampler, its comparison and texel addressing; for integer views how the
/// sampler addresses texels. Only those lookups depend on the sampler state, so other views
/// leave it unset and share their shader variants.
pub(crate) fn sampler_options(
    views: &[Option<Arc<SamplerViewObj>>],
    samplers: &[Option<Arc<SamplerStateObj>>],
) -> [SamplerOptions; MAX_SAMPLERS as usize] {
    const MIPFILTER_NONE: u8 = 2;
    const MIPFILTER_LINEAR: u8 = 1;
    const FILTER_NEAREST: u8 = 0;
    let mut out = [SamplerOptions::IDENTITY; MAX_SAMPLERS as usize];
    let mut integer = [false; MAX_SAMPLERS as usize];
    for ((o, int), v) in out.iter_mut().zip(integer.iter_mut()).zip(views) {
        match v.as_deref() {
            Some(SamplerViewObj::Texture(v)) => {
                o.swizzle = v.swizzle.map(channel);
                o.depth = v.is_depth;
                let kind = color_kind(v.format);
                o.view_kind = Some(kind);
                *int = kind != ColorKind::Float;
                // Any other view under a multisampled array fetch is of
                // another kind (GL leaves that undefined): read as an
                // unfolded array of one sample.
                o.unfolded_samples = v.unfold.as_ref().map_or(1, |u| {
                    u8::try_from(u.source.sample_count()).unwrap_or(u8::MAX)
                });
            }
            Some(SamplerViewObj::Buffer(b)) => o.buffer = Some(b.format),
            // A multisampled array fetch from an empty unit reads the zeros
            // of a single-sampled dummy (WebGPU binds no multisampled array).
            None => o.unfolded_samples = 1,
        }
    }
    for ((o, int), s) in out.iter_mut().zip(integer).zip(samplers) {
        let Some(s) = s else { continue };
        let bias = s.desc.lod_bias.get();
        o.lod_bias = bias != 0.0 && bias.is_finite();
        if o.depth {
            let f = s.desc.flags;
            o.fixed_level =
                f.min_mip_filter() == MIPFILTER_NONE && f.min_img_filter() == f.mag_img_filter();
            // Nearest filtering everywhere: shadow lookups compare the
            // nearest texel in the shader, at any LOD.
            let nearest = f.min_img_filter() == FILTER_NEAREST
                && f.mag_img_filter() == FILTER_NEAREST
                && f.min_mip_filter() != MIPFILTER_LINEAR;
            if f.compare_mode() && nearest {
                o.integer = integer_sampling(s);
                o.nearest_compare = CompareFunction::from_pipe(u32::from(f.compare_func().0));
            }
        } else if int {
            o.integer = integer_sampling(s);
        }
    }
    out
}
