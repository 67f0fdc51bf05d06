//! Recording a prepared draw: the generated index buffer, the viewport and
//! scissor checks, the occlusion slot, then the draw in the framebuffer's
//! open render pass, or, for the raw Vulkan path, the binds that put every
//! resource into the states the raw commands expect followed by the raw draw
//! in an encoder of its own.

use super::bindings::Bindings;
use super::capture;
use super::fixed::Fixed;
use super::indices::{IndexSetup, Indices};
use super::pipelines::Pipelines;
use super::shaders::Shaders;
use super::vertices::VertexSetup;
use super::viewport::{scissor, Viewport};
use crate::core::base::error::{CommandError, DrawError, WgpuOp};
use crate::core::base::format::{render_swizzled, swz};
use crate::core::record::clear::other_layer_passes;
use crate::core::record::pass::{begin_pass, pass_key, Loads};
use crate::core::record::pass_state::PassState;
use crate::core::record::pipeline::PipelineKey;
use crate::core::record::query;
use crate::core::record::raw::draw::{
    Binding, Call, RawCapture, RawDraw, RawGeometry, RawTessellation,
};
use crate::core::record::raw::record::record as record_raw;
use crate::core::record::recorder::Recorder;
use crate::core::record::uniforms::UniformSlice;
use crate::core::state::objects::{CompiledShader, SurfaceObj};
use crate::core::state::sub_context::Framebuffer;
use crate::core::validate::draw::BoundDraw;
use guest_protocol::virgl::DrawVbo;
use shader_translate::ast::Primitive;

/// A draw with everything it binds prepared.
pub(super) struct Prepared<'a> {
    /// The bound state.
    pub bound: &'a BoundDraw<'a>,
    /// The command.
    pub d: &'a DrawVbo,
    /// Its shaders.
    pub shaders: &'a Shaders,
    /// Its indices.
    pub index: &'a IndexSetup,
    /// Its vertex buffers.
    pub vertex: &'a VertexSetup,
    /// Its fixed-function state.
    pub fixed: &'a Fixed,
    /// Its pipelines.
    pub pipelines: &'a Pipelines,
    /// Its bind groups.
    pub bindings: &'a Bindings,
    /// Its viewport.
    pub viewport: &'a Viewport,
    /// Primitives are rotated for the provoking vertex (for the trace).
    pub rotate: bool,
}

/// The index buffer bound (buffer, offset, format), if any.
type IndexBuffer<'b> = Option<(&'b wgpu::Buffer, u64, wgpu::IndexFormat)>;

/// Records the draw `p`.
pub(super) fn record(rec: &mut Recorder<'_>, p: &Prepared<'_>) -> Result<(), CommandError> {
    let (bound, d) = (p.bound, p.d);
    let gpu = rec.gpu;
    // Generated indices go in the draw arena with the uniforms (one upload
    // per submission, no buffer of their own).
    let generated = match &p.index.indices {
        Indices::Generated(list) => {
            if list.is_empty() {
                return Ok(());
            }
            let bytes: &[u8] = bytemuck::cast_slice(list);
            let submissions = rec.work.submissions;
            let slice = rec
                .work
                .uniforms
                .alloc(gpu, submissions, bytes, bytes.len() as u64)
                .ok_or(CommandError::Draw(DrawError::UniformArena))?;
            Some(slice)
        }
        _ => None,
    };
    let vp = p.viewport.rect;
    let stages = [p.bound.vs, p.bound.fs];
    tracing::trace!(
        "draw mode {:?} start {} count {} indexed {} bias {} ib {:?} vbufs {:?} {:?} vp {:?} consts vs {} fs {} rotate {}",
        d.mode, d.start, d.count, d.indexed, d.index_bias, bound.sub.index_buffer, p.vertex.key,
        p.vertex.bind.iter().map(|v| v.1).collect::<Vec<_>>(), (vp, p.viewport.flip_y),
        stages[0].constants.len(), stages[1].constants.len(), p.rotate
    );
    if p.viewport.is_empty() {
        return Ok(());
    }
    if !p.viewport.in_bounds(gpu.limits.max_texture_dimension_2d) {
        return Err(CommandError::OutOfRange {
            what: "viewport",
            value: vp[2].max(vp[3]) as u64,
        });
    }
    let scissor = scissor(bound);
    if scissor[2] == 0 || scissor[3] == 0 {
        return Ok(());
    }
    let (index, call) = index_and_call(p.index, generated.as_ref(), d);
    record_in_pass(rec, p, scissor, index, &call)?;
    let captured = if p.fixed.raw_needed {
        draw_raw(rec, p, scissor, index, call)?
    } else {
        None
    };
    // A capture counts the primitives drawn (a capturing geometry
    // shader's on the GPU; restarts already split on the CPU).
    let generated = match captured {
        Some((_, total)) => total,
        None => capture::gl_primitives(d.mode, d.count).saturating_mul(u64::from(d.instance_count)),
    };
    query::count_primitives(bound.sub, generated, captured);
    Ok(())
}

/// Where the draw's indices come from, and what it draws.
fn index_and_call<'b>(
    index: &'b IndexSetup,
    generated: Option<&'b UniformSlice>,
    d: &DrawVbo,
) -> (IndexBuffer<'b>, Call) {
    // Instances count from 0, so `gl_InstanceID` (the instance index)
    // leaves out GL's base instance; the instance-rate vertex buffers start
    // at the base instance's element instead (vertices.rs).
    let instances = 0..d.instance_count;
    let base_vertex = index.base_vertex;
    match (&index.indices, generated) {
        (
            Indices::Guest {
                buffer,
                format,
                offset,
                first,
            },
            _,
        ) => (
            Some((buffer, *offset, *format)),
            Call::Indexed {
                indices: *first..first.saturating_add(d.count),
                base_vertex,
                instances,
            },
        ),
        (Indices::Generated(list), Some(slice)) => (
            Some((&slice.buffer, slice.offset, wgpu::IndexFormat::Uint32)),
            Call::Indexed {
                indices: 0..list.len() as u32,
                base_vertex,
                instances,
            },
        ),
        _ => (
            None,
            Call::Plain {
                vertices: d.start..d.start.saturating_add(d.count),
                instances,
            },
        ),
    }
}

/// The blend constant: one per pass, swizzled for the first colour buffer;
/// clamped to [−1, 1] as GL does for signed normalized buffers when the draw
/// blends through a `blend_stand_in` (the device clamps for its own
/// fixed-point formats).
fn blend_constant(bound: &BoundDraw<'_>, signed_stand_in: bool) -> [f64; 4] {
    let constant_swizzle = bound
        .sub
        .fb
        .cbufs
        .iter()
        .flatten()
        .next()
        .map_or(swz::RGBA, |s| s.render_swizzle);
    let constant = bound.sub.blend_color.map(f64::from);
    let constant = if signed_stand_in {
        constant.map(|c| c.clamp(-1.0, 1.0))
    } else {
        constant
    };
    render_swizzled(constant_swizzle, constant)
}

/// Records into the framebuffer's render pass (beginning one if needed):
/// the wgpu draws, or for a raw draw only the binds that make wgpu put the
/// bound resources into the states the raw commands expect (see `raw`).
fn record_in_pass(
    rec: &mut Recorder<'_>,
    p: &Prepared<'_>,
    [sx, sy, sw, sh]: [u32; 4],
    index: IndexBuffer<'_>,
    call: &Call,
) -> Result<(), CommandError> {
    let fb = &p.bound.sub.fb;
    let occlusion_slot = match &p.bound.sub.active_occlusion {
        Some(q) => {
            let slot = rec.caches.queries.occlusion(&rec.gpu.device).alloc()?;
            q.lock().slots.push(slot);
            Some(slot)
        }
        None => None,
    };
    let stand_ins = p.fixed.blend_stand_ins;
    let key = pass_key(fb, stand_ins);
    if rec.work.pass_for(&key).is_none() {
        begin_pass(rec, fb, &Loads::load(fb), stand_ins)?;
    }
    let Some(open) = rec.work.pass_for(&key) else {
        return Err(CommandError::Draw(DrawError::RenderPass));
    };
    let (pass, state) = (&mut open.pass, &mut open.state);
    // One occlusion slot spans every variant of the draw.
    if let Some(slot) = occlusion_slot {
        pass.begin_occlusion_query(slot);
    }
    // Only what differs from the pass's previous draw is set (PassState).
    let bind = |pass: &mut wgpu::RenderPass<'static>, state: &mut PassState| {
        for (i, (g, offsets)) in p.bindings.groups.iter().enumerate() {
            state.bind_group(pass, i as u32, g, offsets);
        }
        for (i, (buf, off)) in p.vertex.bind.iter().enumerate() {
            state.vertex_buffer(pass, i as u32, buf, *off);
        }
        if let Some((buffer, offset, format)) = index {
            state.index_buffer(pass, buffer, offset, format);
        }
    };
    if p.fixed.raw_needed {
        bind(pass, state);
    }
    let blend = blend_constant(p.bound, stand_ins != 0);
    for pipeline in &p.pipelines.wgpu {
        state.pipeline(pass, pipeline);
        bind(pass, state);
        state.viewport(pass, p.viewport.rect);
        state.scissor(pass, [sx, sy, sw, sh]);
        state.stencil_ref(pass, u32::from(p.bound.sub.stencil_ref.0));
        state.blend_constant(pass, blend);
        match call {
            Call::Indexed {
                indices,
                base_vertex,
                instances,
            } => pass.draw_indexed(indices.clone(), *base_vertex, instances.clone()),
            Call::Plain {
                vertices,
                instances,
            } => pass.draw(vertices.clone(), instances.clone()),
        }
    }
    if occlusion_slot.is_some() {
        pass.end_occlusion_query();
    }
    Ok(())
}

/// Records the raw draw, one per pipeline variant, in an encoder of its
/// own; returns the primitives captured and those the capture was for, if
/// the draw captures.
fn draw_raw(
    rec: &mut Recorder<'_>,
    p: &Prepared<'_>,
    scissor: [u32; 4],
    index: IndexBuffer<'_>,
    call: Call,
) -> Result<Option<(u64, u64)>, CommandError> {
    let gpu = rec.gpu;
    let Some(raw) = gpu.raw.as_ref() else {
        return Err(CommandError::Unsupported(
            "logic ops, GL lines or geometry shaders without the raw Vulkan path",
        ));
    };
    let fb = &p.bound.sub.fb;
    if fb.cbufs.iter().flatten().any(|s| s.depth_slice.is_some()) {
        // The raw path renders to the surfaces' own views; a slice of a 3D
        // texture would need a 2D view of that slice.
        return Err(CommandError::Unsupported(
            "logic ops or GL lines into a 3D texture slice",
        ));
    }
    let [r, g, b, a] = blend_constant(p.bound, p.fixed.blend_stand_ins != 0);
    let border = gpu
        .features
        .contains(wgpu::Features::ADDRESS_MODE_CLAMP_TO_BORDER);
    let bindings = p.bindings.raw.iter().map(|st| {
        let mut list = Vec::new();
        list.extend(st.buffers.iter().map(|(n, b)| (*n, Binding::Buffer(b))));
        list.extend(st.views.iter().map(|(n, v)| (*n, Binding::View(v))));
        list.extend(
            st.samplers
                .iter()
                .map(|(n, s)| (*n, Binding::Sampler(*s, border))),
        );
        list
    });
    let bindings = bindings.collect();
    let (vs, fs) = (&p.shaders.vs, &p.shaders.fs);
    let keys = &p.pipelines.raw_keys;
    let first_key = keys
        .first()
        .ok_or(CommandError::Draw(DrawError::NoPipeline))?;
    let capture = plan_capture(rec, p, first_key, &call)?;
    let layers = layers_drawn(p);
    if layers > 1 {
        mark_layers_written(rec, fb)?;
    }
    let mut raw_draw = RawDraw {
        key: first_key,
        logic_op: p.fixed.logic_op,
        line_width: p.fixed.line_width,
        line_stipple: p.fixed.line_stipple,
        alpha_to_one: p.fixed.alpha_to_one,
        shaders: [(vs.id, &vs.naga), (fs.id, &fs.naga)],
        geometry: match &p.shaders.gs {
            Some(gs) => Some(RawGeometry {
                id: gs.id,
                layered: layers > 1,
                module: &gs.naga,
                stage: gs
                    .interface
                    .geometry
                    .as_ref()
                    .ok_or(CommandError::Draw(DrawError::NoPipeline))?,
            }),
            None => None,
        },
        tessellation: raw_tessellation(p.shaders)?,
        bindings,
        vertex: &p.vertex.bind,
        index,
        call,
        viewport: p.viewport.rect,
        scissor,
        stencil_ref: u32::from(p.bound.sub.stencil_ref.0),
        blend_constant: [r as f32, g as f32, b as f32, a as f32],
        colors: fb
            .cbufs
            .iter()
            .map(|c| c.as_deref().map(|s| attachment_view(s, layers)))
            .collect(),
        depth: fb.zsurf.as_deref().map(|s| attachment_view(s, layers)),
        layers,
        size: p.bound.fb_size,
        capture: capture.as_ref().map(|c| RawCapture {
            outputs: &c.outputs,
            buffer: c.buffer.as_ref(),
            regions: &c.regions,
            counters: c.counters,
        }),
        rasterizer_discard: p.bound.rast.flags.rasterizer_discard(),
        // Neither a geometry shader's output nor captured vertices are
        // rotated for GL's last provoking vertex (`primitive`).
        last_vertex: (p.bound.gs.is_some() || p.bound.stream_output.is_some())
            && !p.bound.rast.flags.flatshade_first()
            && raw.features().provoking_last,
    };
    let caches = &mut *rec.caches;
    let result = gpu.checked(WgpuOp::RawDraw, || {
        rec.work.record_separately(gpu, |encoder| {
            keys.iter().try_for_each(|key| {
                raw_draw.key = key;
                record_raw(raw, &mut caches.raw, &gpu.device, encoder, &raw_draw)?;
                // Only the first fill-mode variant captures.
                raw_draw.capture = None;
                Ok(())
            })
        })
    })?;
    result.map_err(CommandError::Vulkan)?;
    match &capture {
        Some(c) => {
            let (written, total) = capture::finish(rec, c)?;
            tracing::trace!("captured {written} of {total} primitives");
            Ok(Some((written, total)))
        }
        None => Ok(None),
    }
}

/// The tessellation stages of a raw draw of `shaders`, if it has them.
fn raw_tessellation(shaders: &Shaders) -> Result<Option<[RawTessellation<'_>; 2]>, CommandError> {
    let Some(t) = &shaders.tess else {
        return Ok(None);
    };
    Ok(Some([raw_stage(&t.tcs)?, raw_stage(&t.tes)?]))
}

/// Tessellation shader `s` for the raw path.
fn raw_stage(s: &CompiledShader) -> Result<RawTessellation<'_>, CommandError> {
    Ok(RawTessellation {
        id: s.id,
        module: &s.naga,
        stage: s
            .interface
            .tessellation
            .as_ref()
            .ok_or(CommandError::Draw(DrawError::NoPipeline))?,
    })
}

/// The view a raw draw renders to `s` through: the array view of its layers
/// when the draw renders `layers` (> 1) of them.
fn attachment_view(s: &SurfaceObj, layers: u32) -> &wgpu::TextureView {
    match &s.layers_view {
        Some(layered) if layers > 1 => layered,
        _ => &s.view,
    }
}

/// The capture a raw draw of `call` makes, if it captures: planned for the
/// last stage before the rasterizer (a geometry shader's output counted on
/// the GPU).
fn plan_capture(
    rec: &Recorder<'_>,
    p: &Prepared<'_>,
    first_key: &PipelineKey,
    call: &Call,
) -> Result<Option<capture::Capture>, CommandError> {
    Ok(match p.bound.stream_output {
        Some(info) => {
            let limits = rec
                .gpu
                .raw
                .as_ref()
                .and_then(|r| r.features().xfb)
                .ok_or(CommandError::Unsupported("stream output"))?;
            // The last stage before the rasterizer captures.
            let last = p.shaders.last();
            let outputs = capture::outputs(info, &last.interface.captures, &limits)?;
            let gs = last.interface.geometry.as_ref().map(|g| {
                let instances = u64::from(p.d.instance_count);
                capture::GeometryCapture {
                    inputs: capture::gl_primitives(p.d.mode, p.d.count).saturating_mul(instances),
                    max_vertices: u64::from(g.max_vertices),
                    per: match g.output {
                        Primitive::Points => 1,
                        Primitive::LineStrip => 2,
                        _ => 3,
                    },
                }
            });
            Some(capture::plan(
                rec,
                &p.bound.sub.so_targets,
                info,
                outputs,
                (first_key.topology, first_key.strip_index.is_some()),
                call,
                gs.as_ref(),
            )?)
        }
        None => None,
    })
}

/// Layers a raw draw renders: a geometry shader writing `LAYER` renders to
/// every layer of a layered framebuffer (the attachments' array views,
/// the fewest any has); elsewhere GL ignores `LAYER` and it is 1.
fn layers_drawn(p: &Prepared<'_>) -> u32 {
    let fb = &p.bound.sub.fb;
    let writes_layer = p
        .shaders
        .gs
        .as_ref()
        .and_then(|gs| gs.interface.geometry.as_ref())
        .is_some_and(|g| g.writes_layer());
    let attached = || fb.cbufs.iter().flatten().chain(&fb.zsurf);
    if writes_layer && attached().all(|s| s.layers_view.is_some()) {
        attached()
            .map(|s| 1 + s.other_layers.len() as u32)
            .min()
            .unwrap_or(1)
    } else {
        1
    }
}

/// Before the raw path draws to every layer of `fb`: each attachment's
/// other layers go through a wgpu pass once (loaded, so nothing changes),
/// so that wgpu, which never sees the raw draws, counts them as written.
fn mark_layers_written(rec: &mut Recorder<'_>, fb: &Framebuffer) -> Result<(), CommandError> {
    use std::sync::atomic::Ordering;
    let unmarked = fb
        .cbufs
        .iter()
        .flatten()
        .chain(&fb.zsurf)
        .any(|s| !s.layers_written.load(Ordering::Relaxed));
    if unmarked {
        other_layer_passes(rec, fb, &Loads::load(fb), true)?;
        for s in fb.cbufs.iter().flatten().chain(&fb.zsurf) {
            s.layers_written.store(true, Ordering::Relaxed);
        }
    }
    Ok(())
}
