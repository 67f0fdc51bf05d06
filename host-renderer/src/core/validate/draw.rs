//! DRAW_VBO at the edge: the draw's own counts, then the bound state it
//! needs (rasterizer, both shaders, an attachment, one sample count, a
//! polygon stipple that can be drawn), gathered into a [`BoundDraw`] that
//! borrows the sub-context (nothing is copied per draw).

use crate::core::base::error::{CommandError, DrawError};
use crate::core::state::objects::{Object, ShaderObj};
use crate::core::state::stream_out::StreamOutInfo;
use crate::core::state::sub_context::{StageState, SubContext};
use guest_protocol::virgl::enums::{PolygonMode, PrimMode, ShaderStage};
use guest_protocol::virgl::{DrawVbo, Rasterizer};

/// Vertex invocations (count × instances) one draw may ask for: a quota, so
/// one guest cannot occupy a software rasterizer for minutes with one command
/// (Mesa's draws in the corpus stay below 2^17).
pub const MAX_DRAW_VERTICES: u64 = 1 << 26;

/// Checks the draw's counts and kind: `false` when it draws nothing.
pub fn draw_counts(d: &DrawVbo) -> Result<bool, CommandError> {
    if d.count == 0 || d.instance_count == 0 {
        return Ok(false);
    }
    let invocations = u64::from(d.count) * u64::from(d.instance_count);
    if invocations > MAX_DRAW_VERTICES {
        return Err(CommandError::OutOfRange {
            what: "vertices × instances of one draw",
            value: invocations,
        });
    }
    if d.indirect.is_some() || d.count_from_so != 0 {
        return Err(CommandError::Unsupported(
            "an indirect or stream-output draw not resolved to a direct one",
        ));
    }
    Ok(true)
}

/// A draw whose vertex count comes from a stream-output target (GL's
/// DrawTransformFeedback): as many vertices as its captures wrote, with
/// the stride of the last one. Mesa's virgl driver sends the target's
/// size (not its handle): the target is the one of that size among those
/// bound last, else the newest target of that size that was captured
/// into, else the first of those bound last.
pub fn count_from_so(sub: &SubContext, d: &DrawVbo) -> Result<DrawVbo, CommandError> {
    let size = d.count_from_so;
    let captured = sub
        .objects
        .iter()
        .filter_map(|(&h, o)| match o {
            Object::StreamoutTarget(t) if t.guest_size == size && t.filled.lock().stride > 0 => {
                Some((h, t))
            }
            _ => None,
        })
        .max_by_key(|(h, _)| *h)
        .map(|(_, t)| t);
    let t = sub
        .so_last
        .iter()
        .find(|t| t.guest_size == size)
        .or(captured)
        .or_else(|| sub.so_last.first())
        .ok_or(CommandError::NoObject {
            what: "stream-output target (draw counted from one)",
            handle: size,
        })?;
    let filled = *t.filled.lock();
    let count = filled
        .bytes
        .checked_div(filled.stride)
        .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX));
    Ok(DrawVbo {
        count,
        count_from_so: 0,
        ..*d
    })
}

/// The bound state a draw reads, checked.
pub struct BoundDraw<'a> {
    /// The sub-context (the state not checked here).
    pub sub: &'a SubContext,
    /// The rasterizer state.
    pub rast: Rasterizer,
    /// Vertex stage: its shader is bound.
    pub vs: &'a StageState,
    /// Fragment stage: its shader is bound.
    pub fs: &'a StageState,
    /// The vertex shader.
    pub vs_shader: &'a ShaderObj,
    /// The fragment shader.
    pub fs_shader: &'a ShaderObj,
    /// Geometry stage and shader, when one is bound.
    pub gs: Option<(&'a StageState, &'a ShaderObj)>,
    /// The tessellation stages, when a draw of patches has them.
    pub tess: Option<BoundTessellation<'a>>,
    /// Framebuffer size.
    pub fb_size: (u32, u32),
    /// Samples per pixel of every attachment.
    pub samples: u32,
    /// Polygon stipple applies (filled polygons, a pattern that is not all ones).
    pub stipple: bool,
    /// GL's polygon offset applies to the draw's primitives.
    pub polygon_offset: bool,
    /// The draw rasterizes points (point primitives, or polygons whose
    /// drawn face is filled as points).
    pub points: bool,
    /// The stream-output layout of the last stage before the rasterizer
    /// (the geometry shader if one is bound, else the vertex shader), when
    /// it captures and a stream-output target is bound.
    pub stream_output: Option<&'a StreamOutInfo>,
    /// Indices to skip past the bound index buffer's offset: an indirect
    /// draw's first index (Mesa folds a direct draw's into the offset).
    pub first_index: u32,
}

impl BoundDraw<'_> {
    /// The stage states in the raw path's order: vertex, fragment,
    /// geometry, tessellation control and evaluation (`None` where the draw
    /// has no such shader bound).
    pub fn stage_states(&self) -> [Option<&StageState>; 5] {
        let tess = self.tess.as_ref();
        [
            Some(self.vs),
            Some(self.fs),
            self.gs.map(|(s, _)| s),
            tess.and_then(|t| t.tcs).map(|(s, _)| s),
            tess.map(|t| t.tes.0),
        ]
    }
}

/// The tessellation stages of a draw of patches.
pub struct BoundTessellation<'a> {
    /// Control stage and shader; `None` when only an evaluation shader is
    /// bound (the levels are then SET_TESS_STATE's defaults).
    pub tcs: Option<(&'a StageState, &'a ShaderObj)>,
    /// Evaluation stage and shader.
    pub tes: (&'a StageState, &'a ShaderObj),
    /// Vertices of each input patch (1 to [`MAX_PATCH_VERTICES`]).
    pub patch_vertices: u32,
}

/// Most vertices in a patch (GL's `GL_MAX_PATCH_VERTICES` minimum, what
/// every Vulkan device with tessellation offers).
pub const MAX_PATCH_VERTICES: u32 = 32;

/// The tessellation stages of `d`: a draw of patches needs an evaluation
/// shader and a patch size, and other primitives must not meet one (GL
/// refuses both in the guest; a guest that sends them anyway gets a
/// context error).
fn tessellation<'a>(
    sub: &'a SubContext,
    d: &DrawVbo,
) -> Result<Option<BoundTessellation<'a>>, CommandError> {
    let stage = |s: ShaderStage| {
        sub.stages
            .get(s.0 as usize)
            .and_then(|st| Some((st, st.shader.as_deref()?)))
    };
    let tes = stage(ShaderStage::TESS_EVAL);
    match (tes, d.mode == PrimMode::PATCHES) {
        (None, false) => Ok(None),
        (Some(tes), true) => {
            let patch_vertices = d.tess.map_or(0, |t| t.vertices_per_patch);
            if !(1..=MAX_PATCH_VERTICES).contains(&patch_vertices) {
                return Err(CommandError::Draw(DrawError::PatchVertices(patch_vertices)));
            }
            Ok(Some(BoundTessellation {
                tcs: stage(ShaderStage::TESS_CTRL),
                tes,
                patch_vertices,
            }))
        }
        _ => Err(CommandError::Draw(DrawError::TessellationMode(
            d.mode.0 as u8,
        ))),
    }
}

/// The draw's bound state, checked; `None` when the rasterizer discards
/// everything, nothing is captured and no stage before the rasterizer
/// writes memory (storage buffers, atomic counters, images).
pub fn bound_draw<'a>(
    sub: &'a SubContext,
    d: &DrawVbo,
) -> Result<Option<BoundDraw<'a>>, CommandError> {
    let rast = sub
        .rasterizer
        .ok_or(CommandError::Draw(DrawError::NoRasterizer))?;
    let stage = |i: usize, missing: DrawError| {
        sub.stages
            .get(i)
            .and_then(|s| Some((s, s.shader.as_deref()?)))
            .ok_or(CommandError::Draw(missing))
    };
    let gs = stage(ShaderStage::GEOMETRY.0 as usize, DrawError::NoVertexShader).ok();
    let tess = tessellation(sub, d)?;
    // The last stage before the rasterizer is the one that captures.
    let last = match (gs, &tess) {
        (Some(gs), _) => Ok(gs),
        (None, Some(t)) => Ok(t.tes),
        (None, None) => stage(0, DrawError::NoVertexShader),
    };
    let stream_output = match last {
        Ok((_, shader)) if sub.so_targets.iter().any(Option::is_some) => {
            shader.stream_output.as_deref()
        }
        _ => None,
    };
    let tess_stages = tess.as_ref().map_or([None, None], |t| [t.tcs, Some(t.tes)]);
    let stores_memory = [stage(0, DrawError::NoVertexShader).ok(), gs]
        .into_iter()
        .chain(tess_stages)
        .flatten()
        .any(|(_, shader)| shader.stores_memory);
    if rast.flags.rasterizer_discard() && stream_output.is_none() && !stores_memory {
        return Ok(None);
    }
    let (vs, vs_shader) = stage(0, DrawError::NoVertexShader)?;
    let (fs, fs_shader) = stage(1, DrawError::NoFragmentShader)?;
    let fb = &sub.fb;
    if fb.cbufs.iter().all(Option::is_none) && fb.zsurf.is_none() {
        return Err(CommandError::Draw(DrawError::NoAttachment));
    }
    let fb_size = fb.size();
    let mut attachment_samples = fb
        .cbufs
        .iter()
        .flatten()
        .chain(&fb.zsurf)
        .map(|s| s.samples);
    let samples = attachment_samples.next().unwrap_or(1);
    if attachment_samples.any(|n| n != samples) {
        return Err(CommandError::Draw(DrawError::SampleCounts));
    }
    let stipple = polygon_stipple(&rast, sub, d.mode)?;
    let fill = rasterized_as(&rast, d.mode);
    let polygon_offset = match fill {
        PolygonMode::POINT => rast.flags.offset_point(),
        PolygonMode::LINE => rast.flags.offset_line(),
        _ => rast.flags.offset_tri(),
    };
    Ok(Some(BoundDraw {
        sub,
        rast,
        vs,
        fs,
        vs_shader,
        fs_shader,
        gs,
        tess,
        fb_size,
        samples,
        stipple,
        polygon_offset,
        points: fill == PolygonMode::POINT,
        stream_output,
        first_index: 0,
    }))
}

/// How `mode`'s primitives are rasterized: points and lines as such,
/// polygons by the fill mode of the face drawn (the front one unless it is
/// culled).
fn rasterized_as(rast: &Rasterizer, mode: PrimMode) -> PolygonMode {
    let f = rast.flags;
    match mode {
        PrimMode::POINTS => PolygonMode::POINT,
        PrimMode::LINES | PrimMode::LINE_STRIP | PrimMode::LINE_LOOP => PolygonMode::LINE,
        _ if f.cull_face() == guest_protocol::virgl::enums::CullFace::FRONT => f.fill_back(),
        _ => f.fill_front(),
    }
}

/// Whether polygon stipple applies: to filled polygons only (GL), and the
/// all-ones pattern changes nothing and needs no shader variant.
fn polygon_stipple(
    rast: &Rasterizer,
    sub: &SubContext,
    mode: PrimMode,
) -> Result<bool, CommandError> {
    let polygons = !matches!(
        mode,
        PrimMode::POINTS | PrimMode::LINES | PrimMode::LINE_STRIP | PrimMode::LINE_LOOP
    );
    let filled = [rast.flags.fill_front(), rast.flags.fill_back()].map(|m| m == PolygonMode::FILL);
    let stipple = rast.flags.poly_stipple_enable()
        && polygons
        && sub.polygon_stipple != [u32::MAX; 32]
        && filled.contains(&true);
    if stipple && filled.contains(&false) {
        return Err(CommandError::Unsupported(
            "polygon stipple with one face filled and one not",
        ));
    }
    Ok(stipple)
}
