//! DRAW_VBO: translate the bound shaders for the bound state, build (or find)
//! the pipeline, bind everything in shader-translate's binding scheme, and
//! draw into the open render pass of the framebuffer.
//!
//! GL conventions handled here: the viewport (negative y scale for window
//! framebuffers, flip through the driver uniforms otherwise), depth range,
//! front face, flat shading with GL's *last* provoking vertex (emulated by
//! rotating each primitive's indices so the last vertex comes first, which
//! keeps the winding), 8-bit indices (widened), restart indices other than
//! all-ones (rewritten), per-vertex-element buffers (no offset/stride limits).

use super::bind_groups::BindGroupKey;
use super::clear::{begin_pass, fb_size, pass_key, Loads};
use super::context::{SamplerViewObj, SurfaceObj};
use super::error::CommandError;
use super::exec::Exec;
use super::format::{render_mask, render_swizzled, swz};
use super::ids::ResId;
use super::pipeline::{EntryKind, PipelineKey};
use super::state;
use super::uniforms::UniformSlice;
use super::vk;
use guest_protocol::virgl::enums::{CullFace, PolygonMode, PrimMode};
use guest_protocol::virgl::{DrawVbo, Format, Rasterizer};
use shader_translate::interface::{DriverUniforms, Usage};
use shader_translate::limits::{MAX_COLOR_BUFFERS, MAX_SAMPLERS};
use shader_translate::{Channel, CompareFunction, Options, SamplerOptions};
use std::sync::Arc;
use wgpu::util::DeviceExt;

/// Indices generated on the CPU at most per draw.
const MAX_CPU_INDICES: u64 = 16 << 20;
/// Vertex invocations (count × instances) one draw may ask for: a quota, so
/// one guest cannot occupy a software rasterizer for minutes with one command
/// (Mesa's draws in the corpus stay below 2^17).
pub const MAX_DRAW_VERTICES: u64 = 1 << 26;

fn unsupported(what: &'static str) -> CommandError {
    CommandError::Unsupported(what)
}

fn vertex_format(f: Format) -> Option<wgpu::VertexFormat> {
    use wgpu::VertexFormat as V;
    Some(match f {
        Format::R32_FLOAT => V::Float32,
        Format::R32G32_FLOAT => V::Float32x2,
        Format::R32G32B32_FLOAT => V::Float32x3,
        Format::R32G32B32A32_FLOAT => V::Float32x4,
        Format::R16G16_FLOAT => V::Float16x2,
        Format::R16G16B16A16_FLOAT => V::Float16x4,
        Format::R8G8_UNORM => V::Unorm8x2,
        Format::R8G8B8A8_UNORM => V::Unorm8x4,
        Format::B8G8R8A8_UNORM => V::Unorm8x4Bgra,
        Format::R8G8_SNORM => V::Snorm8x2,
        Format::R8G8B8A8_SNORM => V::Snorm8x4,
        Format::R16G16_UNORM => V::Unorm16x2,
        Format::R16G16B16A16_UNORM => V::Unorm16x4,
        Format::R16G16_SNORM => V::Snorm16x2,
        Format::R16G16B16A16_SNORM => V::Snorm16x4,
        Format::R10G10B10A2_UNORM => V::Unorm10_10_10_2,
        Format::R8_UNORM => V::Unorm8,
        Format::R8_SNORM => V::Snorm8,
        Format::R16_UNORM => V::Unorm16,
        Format::R16_SNORM => V::Snorm16,
        Format::R16_FLOAT => V::Float16,
        _ => return None,
    })
}

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

/// Index data prepared for a draw.
enum Indices {
    /// Draw straight from the guest's buffer.
    Guest {
        buffer: wgpu::Buffer,
        format: wgpu::IndexFormat,
        offset: u64,
        first: u32,
    },
    /// CPU-generated u32 indices.
    Generated(Vec<u32>),
    /// Non-indexed.
    None,
}

/// Executes DRAW_VBO with the current sub-context's state.
pub fn draw(ex: &mut Exec<'_>, d: &DrawVbo) -> Result<(), CommandError> {
    if d.count == 0 || d.instance_count == 0 {
        return Ok(());
    }
    let invocations = u64::from(d.count) * u64::from(d.instance_count);
    if invocations > MAX_DRAW_VERTICES {
        return Err(CommandError::OutOfRange {
            what: "vertices × instances of one draw",
            value: invocations,
        });
    }
    if d.indirect.is_some() || d.count_from_so != 0 {
        return Err(unsupported("indirect / stream-output draws"));
    }
    let gpu = ex.gpu;
    if ex.work.uniforms.is_full() {
        if let Some(e) = ex.work.flush_writes(gpu) {
            return Err(CommandError::Wgpu(e));
        }
    }
    let sub = ex.sub();
    let rast = sub
        .rasterizer
        .ok_or(CommandError::Draw("no rasterizer bound".into()))?;
    if rast.flags.rasterizer_discard() {
        return Ok(());
    }
    let vs = sub
        .stages
        .first()
        .and_then(|s| s.shader.clone())
        .ok_or(CommandError::Draw("no vertex shader bound".into()))?;
    let fs = sub
        .stages
        .get(1)
        .and_then(|s| s.shader.clone())
        .ok_or(CommandError::Draw("no fragment shader bound".into()))?;
    let fb = sub.fb.clone();
    if fb.cbufs.iter().all(Option::is_none) && fb.zsurf.is_none() {
        return Err(CommandError::Draw("no framebuffer attachment".into()));
    }
    let (fbw, fbh) = fb_size(&fb);
    let mut attachment_samples = fb
        .cbufs
        .iter()
        .flatten()
        .chain(&fb.zsurf)
        .map(|s| s.samples);
    let samples = attachment_samples.next().unwrap_or(1);
    if attachment_samples.any(|n| n != samples) {
        return Err(CommandError::Draw(
            "framebuffer attachments differ in sample count".into(),
        ));
    }
    let dsa = sub.dsa;
    let blend = sub.blend;
    let flat_last = rast.flags.flatshade() && !rast.flags.flatshade_first();
    // Polygon stipple applies to filled polygons only (GL); the all-ones
    // pattern changes nothing and needs no shader variant.
    let stipple_rows = sub.polygon_stipple;
    let polygons = !matches!(
        d.mode,
        PrimMode::POINTS | PrimMode::LINES | PrimMode::LINE_STRIP | PrimMode::LINE_LOOP
    );
    let filled = [rast.flags.fill_front(), rast.flags.fill_back()].map(|m| m == PolygonMode::FILL);
    let stipple = rast.flags.poly_stipple_enable()
        && polygons
        && stipple_rows != [u32::MAX; 32]
        && filled.contains(&true);
    if stipple && filled.contains(&false) {
        return Err(unsupported(
            "polygon stipple with one face filled and one not",
        ));
    }
    let alpha_test = dsa
        .filter(|d| d.depth_alpha.alpha_enabled())
        .and_then(|d| CompareFunction::from_pipe(u32::from(d.depth_alpha.alpha_func().0)));
    let mut fs_opts = Options {
        flatshade: rast.flags.flatshade(),
        clip_halfz: rast.flags.clip_halfz(),
        two_sided_color: rast.flags.light_twoside(),
        clamp_vertex_color: rast.flags.clamp_vertex_color(),
        clamp_fragment_color: rast.flags.clamp_fragment_color(),
        alpha_test,
        polygon_stipple: stipple,
        color_buffers: (fb.cbufs.len() as u32).max(1),
        samplers: [SamplerOptions::IDENTITY; MAX_SAMPLERS as usize],
        output_swizzles: [Channel::RGBA; MAX_COLOR_BUFFERS as usize],
        next_stage_inputs: Vec::new(),
    };
    fs_opts.samplers = sampler_options(sub.stages.get(1).map_or(&[][..], |s| &s.views));
    for (o, c) in fs_opts.output_swizzles.iter_mut().zip(&fb.cbufs) {
        if let Some(s) = c {
            *o = s.render_swizzle.map(channel);
        }
    }
    let vs_views = sub
        .stages
        .first()
        .map(|s| s.views.clone())
        .unwrap_or_default();
    let fs_views = sub
        .stages
        .get(1)
        .map(|s| s.views.clone())
        .unwrap_or_default();
    let vs_samplers = sub
        .stages
        .first()
        .map(|s| s.samplers.clone())
        .unwrap_or_default();
    let fs_samplers = sub
        .stages
        .get(1)
        .map(|s| s.samplers.clone())
        .unwrap_or_default();
    let vs_consts = sub
        .stages
        .first()
        .map(|s| s.constants.clone())
        .unwrap_or_default();
    let fs_consts = sub
        .stages
        .get(1)
        .map(|s| s.constants.clone())
        .unwrap_or_default();
    let elements = sub
        .vertex_elements
        .clone()
        .unwrap_or_else(|| Arc::from(Vec::new()));
    let vbufs = sub.vertex_buffers.clone();
    let ib = sub.index_buffer;
    let viewport = sub.viewport;
    let scissor = sub.scissor;
    let blend_color = sub.blend_color;
    let constant_swizzle = fb
        .cbufs
        .iter()
        .flatten()
        .next()
        .map_or(swz::RGBA, |s| s.render_swizzle);
    let stencil_ref = sub.stencil_ref;
    let sample_mask = sub.sample_mask;
    let occlusion = sub.active_occlusion.clone();

    let fs_c = ex
        .caches
        .shader_of(&gpu.device, &fs, &fs_opts)
        .map_err(|message| CommandError::Shader {
            handle: 0,
            message: format!("FS: {message}"),
        })?;
    let vs_opts = Options {
        samplers: sampler_options(&vs_views),
        output_swizzles: Options::default().output_swizzles,
        next_stage_inputs: fs_c.interface.inputs.clone(),
        ..fs_opts.clone()
    };
    let vs_c = ex
        .caches
        .shader_of(&gpu.device, &vs, &vs_opts)
        .map_err(|message| CommandError::Shader {
            handle: 0,
            message: format!("VS: {message}"),
        })?;
    let fs_has_flat = fs_c.interface.inputs.iter().any(|v| {
        matches!(
            v.usage,
            Usage::Location {
                interpolation: Some(naga::Interpolation::Flat),
                ..
            }
        )
    });

    // Topology, and whether indices are rewritten on the CPU.
    let mode = d.mode;
    let native = match mode {
        PrimMode::POINTS => Some((wgpu::PrimitiveTopology::PointList, false)),
        PrimMode::LINES => Some((wgpu::PrimitiveTopology::LineList, false)),
        PrimMode::LINE_STRIP => Some((wgpu::PrimitiveTopology::LineStrip, true)),
        PrimMode::TRIANGLES => Some((wgpu::PrimitiveTopology::TriangleList, false)),
        PrimMode::TRIANGLE_STRIP => Some((wgpu::PrimitiveTopology::TriangleStrip, true)),
        _ => None,
    };
    let is_tri = !matches!(
        mode,
        PrimMode::POINTS | PrimMode::LINES | PrimMode::LINE_STRIP | PrimMode::LINE_LOOP
    );
    if is_tri && rast.flags.cull_face() == CullFace::FRONT_AND_BACK {
        return Ok(());
    }
    let rotate = flat_last && fs_has_flat && mode != PrimMode::POINTS;
    let cpu = rotate || native.is_none();
    let (mut topology, is_strip) = native.unwrap_or((wgpu::PrimitiveTopology::TriangleList, false));

    // Vertex inputs, and whether any needs decoding on the CPU (then all are).
    let inputs_used: Vec<u32> = vs_c
        .interface
        .inputs
        .iter()
        .filter_map(|v| match v.usage {
            Usage::Location { location, .. } => Some(location),
            _ => None,
        })
        .collect();
    let cpu_vertices = elements.iter().enumerate().any(|(i, e)| {
        let vb = vbufs.get(e.vertex_buffer_index.get() as usize);
        inputs_used.contains(&(i as u32))
            && (vertex_format(Format(e.src_format.get())).is_none()
                || vb.is_some_and(|vb| {
                    vb.stride.get() % 4 != 0
                        || (vb.offset.get().wrapping_add(e.src_offset.get())) % 4 != 0
                }))
    });
    let cpu = cpu || cpu_vertices;

    // Index data.
    let mut indices = Indices::None;
    let mut base_vertex = 0i32;
    let mut strip_index = None;
    if d.indexed {
        let ib = ib.ok_or(CommandError::Draw(
            "indexed draw without index buffer".into(),
        ))?;
        let r = ex.resource(ib.res)?;
        let b = r.buffer().ok_or(CommandError::WrongResource {
            res: ib.res,
            what: "index buffer",
        })?;
        let size = u64::from(ib.index_size);
        // The reference host fetches indexed draws from the index buffer
        // offset alone: Mesa folds `start` into SET_INDEX_BUFFER's offset and
        // `start` is informational (verified byte-exact on glxgears).
        let start = u64::from(ib.offset);
        let end = start + u64::from(d.count) * size;
        if end > b.size {
            return Err(CommandError::OutOfRange {
                what: "index range",
                value: end,
            });
        }
        base_vertex = d.index_bias;
        let max = if size == 4 { u32::MAX } else { 0xffff };
        let custom_restart = d.primitive_restart && d.restart_index != max;
        if cpu || size == 1 || custom_restart || ib.offset % 4 != 0 {
            let raw = b
                .shadow
                .get(start as usize..end as usize)
                .unwrap_or_default();
            let mut list: Vec<u32> = match size {
                1 => raw.iter().map(|&i| u32::from(i)).collect(),
                2 => raw
                    .chunks_exact(2)
                    .map(|c| u32::from(u16::from_le_bytes([le(c, 0), le(c, 1)])))
                    .collect(),
                _ => raw
                    .chunks_exact(4)
                    .map(|c| u32::from_le_bytes([le(c, 0), le(c, 1), le(c, 2), le(c, 3)]))
                    .collect(),
            };
            if d.primitive_restart {
                for i in &mut list {
                    if *i == d.restart_index {
                        *i = u32::MAX;
                    }
                }
            }
            indices = Indices::Generated(list);
        } else {
            indices = Indices::Guest {
                buffer: b.gpu.clone(),
                format: if size == 2 {
                    wgpu::IndexFormat::Uint16
                } else {
                    wgpu::IndexFormat::Uint32
                },
                offset: u64::from(ib.offset),
                first: 0,
            };
        }
        ex.work.mark(ResId(ib.res));
    } else if cpu {
        if u64::from(d.count) > MAX_CPU_INDICES {
            return Err(CommandError::OutOfRange {
                what: "vertex count",
                value: u64::from(d.count),
            });
        }
        indices = Indices::Generated((0..d.count).map(|i| d.start.wrapping_add(i)).collect());
    }
    if let Indices::Generated(list) = &mut indices {
        if cpu {
            let (l, t) = assemble(list, mode, rotate, d.indexed && d.primitive_restart)
                .ok_or(unsupported("primitive mode"))?;
            *list = l;
            topology = t;
        }
    }
    // CPU-decoded vertices: indices are rebased onto the converted range.
    let mut vertex_range = (0u64, 0u64);
    if cpu_vertices {
        if let Indices::Generated(list) = &mut indices {
            let live = list
                .iter()
                .filter(|&&i| i != u32::MAX)
                .map(|&i| i64::from(i) + i64::from(base_vertex));
            let (lo, hi) = live.fold((i64::MAX, i64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
            if lo > hi {
                return Ok(());
            }
            if lo < 0 || (hi - lo) as u64 >= MAX_CPU_INDICES {
                return Err(CommandError::OutOfRange {
                    what: "vertex range",
                    value: (hi - lo) as u64,
                });
            }
            for i in list.iter_mut().filter(|i| **i != u32::MAX) {
                *i = (i64::from(*i) + i64::from(base_vertex) - lo) as u32;
            }
            base_vertex = 0;
            vertex_range = (lo as u64, (hi - lo + 1) as u64);
        }
    }
    let strip_now = matches!(
        topology,
        wgpu::PrimitiveTopology::LineStrip | wgpu::PrimitiveTopology::TriangleStrip
    );
    if strip_now && is_strip {
        strip_index = match &indices {
            Indices::Guest { format, .. } => Some(*format),
            Indices::Generated(_) => Some(wgpu::IndexFormat::Uint32),
            Indices::None => None,
        };
    }

    // Vertex buffers: one wgpu buffer per element.
    let mut vertex_key = Vec::new();
    let mut vertex_bind = Vec::new();
    for (i, e) in elements.iter().enumerate() {
        let loc = i as u32;
        if !inputs_used.contains(&loc) {
            continue;
        }
        let fmt = Format(e.src_format.get());
        let vf = if cpu_vertices {
            wgpu::VertexFormat::Float32x4
        } else {
            vertex_format(fmt).ok_or(unsupported("vertex element format"))?
        };
        let divisor = e.instance_divisor.get();
        if divisor > 1 {
            return Err(unsupported("instance divisor above 1"));
        }
        let slot = e.vertex_buffer_index.get() as usize;
        let vb = vbufs
            .get(slot)
            .copied()
            .ok_or(CommandError::Draw(format!("vertex buffer {slot} unbound")))?;
        let res = vb.res.get();
        let r = ex.resource(res)?;
        let b = r.buffer().ok_or(CommandError::WrongResource {
            res,
            what: "vertex buffer",
        })?;
        let stride = u64::from(vb.stride.get());
        let offset = u64::from(vb.offset.get()) + u64::from(e.src_offset.get());
        if cpu_vertices {
            let l = super::vertex::layout(fmt).ok_or(unsupported("vertex element format"))?;
            let (first, count) = if divisor == 0 {
                vertex_range
            } else {
                (0, u64::from(d.start_instance) + u64::from(d.instance_count))
            };
            if count > MAX_CPU_INDICES {
                return Err(CommandError::OutOfRange {
                    what: "instance range",
                    value: count,
                });
            }
            let data = super::vertex::convert(&l, &b.shadow, offset, stride, first, count.max(1));
            let buf = gpu
                .device
                .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                    label: Some("converted vertices"),
                    contents: &data,
                    usage: wgpu::BufferUsages::VERTEX,
                });
            let step = if divisor == 0 {
                wgpu::VertexStepMode::Vertex
            } else {
                wgpu::VertexStepMode::Instance
            };
            vertex_key.push((16, step, vf, loc));
            vertex_bind.push((buf, 0));
            continue;
        }
        if stride % 4 != 0
            || offset % 4 != 0
            || stride > u64::from(gpu.limits.max_vertex_buffer_array_stride)
        {
            return Err(unsupported("unaligned vertex buffer stride or offset"));
        }
        if offset >= b.size.div_ceil(4) * 4 {
            return Err(CommandError::OutOfRange {
                what: "vertex buffer offset",
                value: offset,
            });
        }
        vertex_key.push((
            stride,
            if divisor == 0 {
                wgpu::VertexStepMode::Vertex
            } else {
                wgpu::VertexStepMode::Instance
            },
            vf,
            loc,
        ));
        vertex_bind.push((b.gpu.clone(), offset));
        ex.work.mark(ResId(res));
    }
    if vertex_key.len() > gpu.limits.max_vertex_buffers as usize {
        return Err(unsupported("more vertex elements than vertex buffers"));
    }
    for loc in &inputs_used {
        if !vertex_key.iter().any(|k| k.3 == *loc) {
            return Err(CommandError::Draw(format!(
                "vertex input {loc} has no element"
            )));
        }
    }

    // Fixed-function state.
    // `front_ccw` is the winding in the guest's clip space as wgpu sees it:
    // Mesa already inverts it for FBOs (whose y we flip in the shader), so it
    // maps straight through (verified on window and FBO captures).
    let front_face = if rast.flags.front_ccw() {
        wgpu::FrontFace::Ccw
    } else {
        wgpu::FrontFace::Cw
    };
    let cull = match rast.flags.cull_face() {
        CullFace::FRONT if is_tri => Some(wgpu::Face::Front),
        CullFace::BACK if is_tri => Some(wgpu::Face::Back),
        _ => None,
    };
    let depth_stencil = fb
        .zsurf
        .as_ref()
        .map(|z| depth_state(z, dsa.as_ref(), &rast));
    let targets: Vec<Option<wgpu::ColorTargetState>> = fb
        .cbufs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            c.as_ref().map(|s| {
                let rt = blend.map(|b| {
                    if b.flags.independent_blend_enable() {
                        b.rt.get(i).copied().unwrap_or(b.rt[0])
                    } else {
                        b.rt[0]
                    }
                });
                color_target(s, rt)
            })
        })
        .collect();
    // A logic op other than COPY (plain writes) goes through the raw Vulkan
    // path; without it the draw is refused rather than drawn wrong.
    let logic_op = blend
        .filter(|b| b.flags.logicop_enable())
        .map(|b| b.logicop.logicop_func().0)
        .filter(|&f| f != LOGICOP_COPY);
    if logic_op.is_some() && !gpu.raw.as_ref().is_some_and(|r| r.features().logic_op) {
        return Err(unsupported("logic ops (the device has no Vulkan logicOp)"));
    }
    // Lines wider than a pixel go through the raw path too where the device
    // draws them; elsewhere the caps advertise width 1 and the guest clamps.
    let draws_lines = matches!(
        topology,
        wgpu::PrimitiveTopology::LineList | wgpu::PrimitiveTopology::LineStrip
    ) || (is_tri
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
    // GL line stipple (the factor is sent minus one), exact where the guest's
    // lines reach Vulkan unsplit: stipple restarts with every line of a list.
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
        let unsplit = !cpu
            && (d.mode == PrimMode::LINES
                || (d.mode == PrimMode::LINE_STRIP
                    && topology == wgpu::PrimitiveTopology::LineStrip));
        if !unsplit {
            return Err(unsupported(
                "line stipple on loops, polygon edges, or flat-shaded or split lines",
            ));
        }
        if !gpu.raw.as_ref().is_some_and(|r| r.features().line_stipple) {
            return Err(unsupported(
                "line stipple (the device has no stippled Bresenham lines)",
            ));
        }
    }
    let raw_needed = logic_op.is_some() || line_width > 1 || line_stipple.is_some();
    if raw_needed && occlusion.is_some() {
        return Err(unsupported(
            "logic ops or GL lines inside an occlusion query",
        ));
    }

    // Bind groups: layouts from the interfaces.
    let mut layouts: [Vec<(u32, EntryKind)>; 2] = [Vec::new(), Vec::new()];
    for (l, c) in layouts.iter_mut().zip([&vs_c, &fs_c]) {
        for cb in &c.interface.constant_buffers {
            l.push((cb.binding.binding, EntryKind::Uniform));
        }
        if let Some(du) = c.interface.driver_uniforms {
            l.push((du.binding, EntryKind::Uniform));
        }
        for t in &c.interface.textures {
            let dim = view_dimension(t.dimension, t.arrayed);
            l.push((
                t.texture.binding,
                EntryKind::Texture(dim, t.class, t.multisampled),
            ));
            if let Some(s) = t.sampler {
                l.push((s.binding, EntryKind::Sampler(t.comparison)));
            }
        }
        l.sort_by_key(|e| e.0);
    }
    let device = &gpu.device;
    let bgl = [
        ex.caches
            .layout(device, wgpu::ShaderStages::VERTEX, &layouts[0]),
        ex.caches
            .layout(device, wgpu::ShaderStages::FRAGMENT, &layouts[1]),
    ];
    let mut pipelines = Vec::new();
    let mut keys = Vec::new();
    for (polygon_mode, cull) in fill_variants(&rast, is_tri, cull, gpu.features)? {
        let key = PipelineKey {
            vs: vs_c.id,
            fs: fs_c.id,
            vertex: vertex_key.clone(),
            topology,
            strip_index,
            front_face,
            cull,
            polygon_mode,
            unclipped_depth: !rast.flags.depth_clip()
                && gpu.features.contains(wgpu::Features::DEPTH_CLIP_CONTROL),
            depth_stencil: depth_stencil.clone(),
            targets: targets.clone(),
            samples,
            sample_mask: u64::from(sample_mask),
            layouts: layouts.clone(),
        };
        // Raw draws use raw pipelines (cached in `vk`), built from the key.
        if raw_needed {
            keys.push(key);
            continue;
        }
        let pipeline = ex.caches.pipelines.get_or_build(key, |key| {
            let (p, err) =
                gpu.scoped(|| build_pipeline(device, key, &bgl, &vs_c.module, &fs_c.module));
            err.map_or(Ok(p), |e| Err(CommandError::Wgpu(e)))
        })?;
        pipelines.push(pipeline);
    }

    // Per-draw uniforms.
    let (vx, vy, vw, vh, near, far, flip_y) = viewport_rect(viewport.as_ref(), &rast, (fbw, fbh));
    let alpha_ref = dsa.map_or(0.0, |d| d.alpha_ref.get());
    let driver = DriverUniforms {
        flip_y,
        fb_height: fbh as f32,
        alpha_ref,
        polygon_stipple: stipple_rows,
    }
    .to_bytes();
    let mut groups = Vec::new();
    let mut raw_bindings: [RawStage; 2] = Default::default();
    for (g, (c, consts, views, samplers)) in [
        (&vs_c, &vs_consts, &vs_views, &vs_samplers),
        (&fs_c, &fs_consts, &fs_views, &fs_samplers),
    ]
    .into_iter()
    .enumerate()
    {
        let mut buffers = Vec::new();
        let mut uniform = |binding: u32, data: &[u8], size: u64| {
            let slice = ex
                .work
                .uniforms
                .alloc(gpu, ex.work.submissions, data, size)
                .ok_or(CommandError::Draw("uniform arena".into()))?;
            buffers.push((binding, slice));
            Ok::<_, CommandError>(())
        };
        for cb in &c.interface.constant_buffers {
            let data: &[u8] = if cb.index == 0 { consts } else { &[] };
            uniform(cb.binding.binding, data, cb.size)?;
        }
        if let Some(du) = c.interface.driver_uniforms {
            uniform(du.binding, &driver, driver.len() as u64)?;
        }
        let mut tex_views = Vec::new();
        let mut samps = Vec::new();
        for t in &c.interface.textures {
            let unit = t.unit as usize;
            let dim = view_dimension(t.dimension, t.arrayed);
            let view = match views.get(unit).cloned().flatten() {
                Some(v) if v.dimension == dim => {
                    ex.work.mark(v.res);
                    v.view.clone()
                }
                Some(_) => {
                    return Err(CommandError::Draw(format!(
                        "sampler view {unit} has the wrong dimension"
                    )))
                }
                None => ex.caches.dummy(gpu, dim),
            };
            tex_views.push((t.texture.binding, view));
            if let Some(s) = t.sampler {
                let state = samplers.get(unit).cloned().flatten();
                let sampler = match &state {
                    Some(st) if st.desc.flags.compare_mode() == t.comparison => st.sampler.clone(),
                    Some(_) => {
                        return Err(CommandError::Draw(format!(
                            "sampler {unit} compare mode mismatch"
                        )))
                    }
                    None => ex.caches.default_sampler(device),
                };
                samps.push((s.binding, sampler));
                if let Some(r) = raw_bindings.get_mut(g) {
                    r.samplers.push((s.binding, state.map(|st| st.desc)));
                }
            }
        }
        if let Some(r) = raw_bindings.get_mut(g) {
            r.buffers.clone_from(&buffers);
            r.views.clone_from(&tex_views);
        }
        // Dynamic offsets go in binding order.
        buffers.sort_by_key(|b| b.0);
        let offsets = buffers
            .iter()
            .map(|(_, s)| u32::try_from(s.offset))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| CommandError::Draw("uniform offset".into()))?;
        let key = BindGroupKey {
            layout: bgl
                .get(g)
                .ok_or(CommandError::Draw("layout".into()))?
                .clone(),
            buffers: buffers
                .iter()
                .map(|(b, s)| (*b, s.buffer.clone(), s.size))
                .collect(),
            views: tex_views,
            samplers: samps,
        };
        let group = ex
            .caches
            .bind_groups
            .get(gpu, &key)
            .map_err(CommandError::Wgpu)?;
        groups.push((group, offsets));
    }
    let generated = match &indices {
        Indices::Generated(list) => {
            if list.is_empty() {
                return Ok(());
            }
            Some(
                device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                    label: None,
                    contents: bytemuck::cast_slice(list),
                    usage: wgpu::BufferUsages::INDEX,
                }),
            )
        }
        _ => None,
    };

    tracing::trace!(
        "draw mode {:?} start {} count {} indexed {} bias {} ib {:?} vbufs {:?} {:?} vp {:?} consts vs {} fs {} rotate {}",
        d.mode, d.start, d.count, d.indexed, d.index_bias, ib, vertex_key, vertex_bind.iter().map(|v| v.1).collect::<Vec<_>>(), (vx, vy, vw, vh, near, far, flip_y),
        vs_consts.len(), fs_consts.len(), rotate
    );
    if vw <= 0.0 || vh <= 0.0 {
        return Ok(());
    }
    if !viewport_ok((vx, vy, vw, vh), gpu.limits.max_texture_dimension_2d) {
        return Err(CommandError::OutOfRange {
            what: "viewport",
            value: vw.max(vh) as u64,
        });
    }
    let (sx, sy, sw, sh) = if rast.flags.scissor() {
        let (x0, y0, x1, y1) = scissor.unwrap_or((0, 0, fbw, fbh));
        let (x1, y1) = (x1.min(fbw), y1.min(fbh));
        (
            x0.min(x1),
            y0.min(y1),
            x1.saturating_sub(x0),
            y1.saturating_sub(y0),
        )
    } else {
        (0, 0, fbw, fbh)
    };
    if sw == 0 || sh == 0 {
        return Ok(());
    }
    let occlusion_slot = match &occlusion {
        Some(q) => {
            let slot = ex.caches.queries.occlusion(device).alloc()?;
            q.lock().slots.push(slot);
            Some(slot)
        }
        None => None,
    };
    // Record into the framebuffer's pass.
    let key = pass_key(&fb);
    if ex.work.pass_for(&key).is_none() {
        begin_pass(ex, &fb, &Loads::load(&fb))?;
    }
    let Some(open) = ex.work.pass_for(&key) else {
        return Err(CommandError::Draw("render pass".into()));
    };
    let pass = &mut open.pass;
    // One occlusion slot spans every variant of the draw.
    if let Some(slot) = occlusion_slot {
        pass.begin_occlusion_query(slot);
    }
    // For a raw draw this pass only puts the bound resources into the states
    // the raw commands expect (see `vk`), with no draw.
    if raw_needed {
        bind_for_raw(pass, &groups, &vertex_bind, &indices, generated.as_ref());
    }
    for pipeline in &pipelines {
        pass.set_pipeline(pipeline);
        for (i, (g, offsets)) in groups.iter().enumerate() {
            pass.set_bind_group(i as u32, g, offsets);
        }
        for (i, (buf, off)) in vertex_bind.iter().enumerate() {
            pass.set_vertex_buffer(i as u32, buf.slice(*off..));
        }
        pass.set_viewport(vx, vy, vw, vh, near, far);
        pass.set_scissor_rect(sx, sy, sw, sh);
        pass.set_stencil_reference(u32::from(stencil_ref.0));
        // One constant per pass: swizzled for the first colour buffer.
        let [r, g, b, a] = render_swizzled(constant_swizzle, blend_color.map(f64::from));
        pass.set_blend_constant(wgpu::Color { r, g, b, a });
        let instances = d.start_instance..d.start_instance.saturating_add(d.instance_count);
        match (&indices, &generated) {
            (
                Indices::Guest {
                    buffer,
                    format,
                    offset,
                    first,
                },
                _,
            ) => {
                pass.set_index_buffer(buffer.slice(*offset..), *format);
                pass.draw_indexed(
                    *first..first.saturating_add(d.count),
                    base_vertex,
                    instances,
                );
            }
            (Indices::Generated(list), Some(buf)) => {
                pass.set_index_buffer(buf.slice(..), wgpu::IndexFormat::Uint32);
                pass.draw_indexed(0..list.len() as u32, base_vertex, instances);
            }
            _ => pass.draw(d.start..d.start.saturating_add(d.count), instances),
        }
    }
    if occlusion_slot.is_some() {
        pass.end_occlusion_query();
    }
    if !raw_needed {
        return Ok(());
    }
    let Some(raw) = gpu.raw.as_ref() else {
        return Err(unsupported(
            "logic ops or GL lines without the raw Vulkan path",
        ));
    };
    let instances = d.start_instance..d.start_instance.saturating_add(d.instance_count);
    let (index, call) = match (&indices, &generated) {
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
            vk::Call::Indexed {
                indices: *first..first.saturating_add(d.count),
                base_vertex,
                instances,
            },
        ),
        (Indices::Generated(list), Some(buf)) => (
            Some((buf, 0, wgpu::IndexFormat::Uint32)),
            vk::Call::Indexed {
                indices: 0..list.len() as u32,
                base_vertex,
                instances,
            },
        ),
        _ => (
            None,
            vk::Call::Plain {
                vertices: d.start..d.start.saturating_add(d.count),
                instances,
            },
        ),
    };
    let [r, g, b, a] = render_swizzled(constant_swizzle, blend_color.map(f64::from));
    let border = gpu
        .features
        .contains(wgpu::Features::ADDRESS_MODE_CLAMP_TO_BORDER);
    let bindings = raw_bindings.each_ref().map(|st| {
        let mut list = Vec::new();
        list.extend(st.buffers.iter().map(|(n, b)| (*n, vk::Binding::Buffer(b))));
        list.extend(st.views.iter().map(|(n, v)| (*n, vk::Binding::View(v))));
        list.extend(
            st.samplers
                .iter()
                .map(|(n, s)| (*n, vk::Binding::Sampler(*s, border))),
        );
        list
    });
    let mut raw_draw = vk::RawDraw {
        key: keys
            .first()
            .ok_or(CommandError::Draw("no pipeline".into()))?,
        logic_op,
        line_width,
        line_stipple,
        shaders: [(vs_c.id, &vs_c.naga), (fs_c.id, &fs_c.naga)],
        bindings,
        vertex: &vertex_bind,
        index,
        call,
        viewport: [vx, vy, vw, vh, near, far],
        scissor: [sx, sy, sw, sh],
        stencil_ref: u32::from(stencil_ref.0),
        blend_constant: [r as f32, g as f32, b as f32, a as f32],
        colors: fb
            .cbufs
            .iter()
            .map(|c| c.as_ref().map(|s| &s.view))
            .collect(),
        depth: fb.zsurf.as_ref().map(|s| &s.view),
        size: (fbw, fbh),
    };
    let caches = &mut *ex.caches;
    let (result, err) = gpu.scoped(|| {
        ex.work.record_separately(gpu, |encoder| {
            keys.iter().try_for_each(|key| {
                raw_draw.key = key;
                vk::record(raw, &mut caches.raw, &gpu.device, encoder, &raw_draw)
            })
        })
    });
    if let Some(e) = err {
        return Err(CommandError::Wgpu(e));
    }
    result.map_err(CommandError::Vulkan)
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

/// `PIPE_LOGICOP_COPY`: writes the source unchanged (no logic op needed).
const LOGICOP_COPY: u8 = 12;

/// The resources of one stage bound by a draw, kept for the raw path.
#[derive(Default)]
struct RawStage {
    buffers: Vec<(u32, UniformSlice)>,
    views: Vec<(u32, wgpu::TextureView)>,
    samplers: Vec<(u32, Option<guest_protocol::virgl::SamplerState>)>,
}

/// Binds a draw's resources in `pass` without drawing, so that wgpu tracks
/// them for the raw draw recorded after the pass.
fn bind_for_raw(
    pass: &mut wgpu::RenderPass<'static>,
    groups: &[(wgpu::BindGroup, Vec<u32>)],
    vertex_bind: &[(wgpu::Buffer, u64)],
    indices: &Indices,
    generated: Option<&wgpu::Buffer>,
) {
    for (i, (g, offsets)) in groups.iter().enumerate() {
        pass.set_bind_group(i as u32, g, offsets);
    }
    for (i, (buf, off)) in vertex_bind.iter().enumerate() {
        pass.set_vertex_buffer(i as u32, buf.slice(*off..));
    }
    match (indices, generated) {
        (
            Indices::Guest {
                buffer,
                format,
                offset,
                ..
            },
            _,
        ) => pass.set_index_buffer(buffer.slice(*offset..), *format),
        (Indices::Generated(_), Some(buf)) => {
            pass.set_index_buffer(buf.slice(..), wgpu::IndexFormat::Uint32)
        }
        _ => {}
    }
}

/// Byte `i` of `c` (0 past the end).
fn le(c: &[u8], i: usize) -> u8 {
    c.get(i).copied().unwrap_or(0)
}

fn view_dimension(dim: naga::ImageDimension, arrayed: bool) -> wgpu::TextureViewDimension {
    use wgpu::TextureViewDimension as V;
    match (dim, arrayed) {
        (naga::ImageDimension::D1, false) | (naga::ImageDimension::D2, false) => V::D2,
        (naga::ImageDimension::D1, true) | (naga::ImageDimension::D2, true) => V::D2Array,
        (naga::ImageDimension::D3, _) => V::D3,
        (naga::ImageDimension::Cube, false) => V::Cube,
        (naga::ImageDimension::Cube, true) => V::CubeArray,
    }
}

/// Turns `list` (vertex indices of one draw in `mode`) into an index list
/// for a wgpu list topology. Modes wgpu lacks (loops, fans, quads, polygons)
/// are decomposed; with `flat_last`, each primitive is rotated so GL's
/// provoking vertex comes first (wgpu's flat inputs take the first vertex),
/// which keeps the winding. `u32::MAX` separates restarted runs when
/// `restart` is set. Returns `None` for modes that cannot be assembled.
pub fn assemble(
    list: &[u32],
    mode: PrimMode,
    flat_last: bool,
    restart: bool,
) -> Option<(Vec<u32>, wgpu::PrimitiveTopology)> {
    use wgpu::PrimitiveTopology as T;
    let topology = match mode {
        PrimMode::POINTS => T::PointList,
        PrimMode::LINES | PrimMode::LINE_STRIP | PrimMode::LINE_LOOP => T::LineList,
        PrimMode::TRIANGLES
        | PrimMode::TRIANGLE_STRIP
        | PrimMode::TRIANGLE_FAN
        | PrimMode::QUADS
        | PrimMode::QUAD_STRIP
        | PrimMode::POLYGON => T::TriangleList,
        _ => return None,
    };
    let mut out = Vec::with_capacity(list.len().saturating_mul(3));
    let runs: Vec<&[u32]> = if restart {
        list.split(|&i| i == u32::MAX).collect()
    } else {
        vec![list]
    };
    // Emits a triangle whose GL provoking vertex is `p` (0, 1 or 2).
    let tri = |out: &mut Vec<u32>, t: [u32; 3], p: usize| {
        let t = if flat_last {
            match p {
                1 => {
                    let [a, b, c] = t;
                    [b, c, a]
                }
                2 => {
                    let [a, b, c] = t;
                    [c, a, b]
                }
                _ => t,
            }
        } else {
            t
        };
        out.extend_from_slice(&t);
    };
    for run in runs {
        let n = run.len();
        let v = |i: usize| run.get(i).copied().unwrap_or(0);
        match mode {
            PrimMode::POINTS => out.extend_from_slice(run),
            PrimMode::LINES => {
                for i in (0..n / 2 * 2).step_by(2) {
                    let (a, b) = (v(i), v(i + 1));
                    out.extend_from_slice(&if flat_last { [b, a] } else { [a, b] });
                }
            }
            PrimMode::LINE_STRIP | PrimMode::LINE_LOOP => {
                let mut segs: Vec<(u32, u32)> = (1..n).map(|i| (v(i - 1), v(i))).collect();
                if mode == PrimMode::LINE_LOOP && n > 1 {
                    segs.push((v(n - 1), v(0)));
                }
                for (a, b) in segs {
                    out.extend_from_slice(&if flat_last { [b, a] } else { [a, b] });
                }
            }
            PrimMode::TRIANGLES => {
                for i in (0..n / 3 * 3).step_by(3) {
                    tri(&mut out, [v(i), v(i + 1), v(i + 2)], 2);
                }
            }
            PrimMode::TRIANGLE_STRIP => {
                for i in 0..n.saturating_sub(2) {
                    let t = if i % 2 == 0 {
                        [v(i), v(i + 1), v(i + 2)]
                    } else {
                        [v(i + 1), v(i), v(i + 2)]
                    };
                    tri(&mut out, t, 2);
                }
            }
            PrimMode::TRIANGLE_FAN => {
                for i in 1..n.saturating_sub(1) {
                    tri(&mut out, [v(0), v(i), v(i + 1)], 2);
                }
            }
            PrimMode::POLYGON => {
                // GL: a polygon's provoking vertex is its first.
                for i in 1..n.saturating_sub(1) {
                    tri(&mut out, [v(0), v(i), v(i + 1)], 0);
                }
            }
            PrimMode::QUADS => {
                for i in (0..n / 4 * 4).step_by(4) {
                    tri(&mut out, [v(i), v(i + 1), v(i + 3)], 2);
                    tri(&mut out, [v(i + 1), v(i + 2), v(i + 3)], 2);
                }
            }
            PrimMode::QUAD_STRIP => {
                for i in (0..n.saturating_sub(2) / 2 * 2).step_by(2) {
                    tri(&mut out, [v(i), v(i + 1), v(i + 3)], 2);
                    tri(&mut out, [v(i), v(i + 3), v(i + 2)], 1);
                }
            }
            _ => return None,
        }
    }
    Some((out, topology))
}

/// wgpu viewport `(x, y, w, h, near, far)` and the driver `flip_y`. GL
/// viewports may extend past the framebuffer; wgpu accepts that within
/// ±2 × its largest texture size, which [`viewport_ok`] checks.
fn viewport_rect(
    vp: Option<&guest_protocol::virgl::Viewport>,
    rast: &Rasterizer,
    fb: (u32, u32),
) -> (f32, f32, f32, f32, f32, f32, f32) {
    let Some(vp) = vp else {
        return (0.0, 0.0, fb.0 as f32, fb.1 as f32, 0.0, 1.0, 1.0);
    };
    let [sx, sy, sz] = vp.scale();
    let [tx, ty, tz] = vp.translate();
    let flip_y = if sy < 0.0 { 1.0 } else { -1.0 };
    let (ax, ay) = (sx.abs(), sy.abs());
    let (x, y, w, h) = (tx - ax, ty - ay, 2.0 * ax, 2.0 * ay);
    let (near, far) = if rast.flags.clip_halfz() {
        (tz, tz + sz)
    } else {
        (tz - sz, tz + sz)
    };
    let (near, far) = (near.clamp(0.0, 1.0), far.clamp(0.0, 1.0));
    (x, y, w, h, near.min(far), far.max(near), flip_y)
}

/// Pipeline variants `(fill mode, cull)` a draw needs: wgpu has one fill
/// mode for both faces, so when GL's front and back modes differ (and
/// neither face is culled) the draw is recorded twice, once per face.
fn fill_variants(
    rast: &Rasterizer,
    is_tri: bool,
    cull: Option<wgpu::Face>,
    features: wgpu::Features,
) -> Result<Vec<(wgpu::PolygonMode, Option<wgpu::Face>)>, CommandError> {
    use guest_protocol::virgl::enums::PolygonMode as P;
    let f = rast.flags;
    let mode = |m: P| -> Result<wgpu::PolygonMode, CommandError> {
        let (wanted, feature) = match m {
            P::LINE => (wgpu::PolygonMode::Line, wgpu::Features::POLYGON_MODE_LINE),
            P::POINT => (wgpu::PolygonMode::Point, wgpu::Features::POLYGON_MODE_POINT),
            _ => return Ok(wgpu::PolygonMode::Fill),
        };
        if features.contains(feature) {
            Ok(wanted)
        } else {
            Err(unsupported("polygon mode"))
        }
    };
    if !is_tri {
        return Ok(vec![(wgpu::PolygonMode::Fill, cull)]);
    }
    Ok(match cull {
        Some(wgpu::Face::Front) => vec![(mode(f.fill_back())?, cull)],
        Some(wgpu::Face::Back) => vec![(mode(f.fill_front())?, cull)],
        None if f.fill_front() == f.fill_back() => vec![(mode(f.fill_front())?, None)],
        None => vec![
            (mode(f.fill_front())?, Some(wgpu::Face::Back)),
            (mode(f.fill_back())?, Some(wgpu::Face::Front)),
        ],
    })
}

/// The viewport bounds wgpu enforces (wgpu-core `set_viewport`).
fn viewport_ok((x, y, w, h): (f32, f32, f32, f32), max_dim: u32) -> bool {
    let max = max_dim as f32;
    let range = max * 2.0;
    [x, y, w, h].iter().all(|v| v.is_finite())
        && w <= max
        && h <= max
        && x >= -range
        && y >= -range
        && x + w <= range - 1.0
        && y + h <= range - 1.0
}

fn depth_state(
    z: &SurfaceObj,
    dsa: Option<&guest_protocol::virgl::Dsa>,
    rast: &Rasterizer,
) -> wgpu::DepthStencilState {
    let has_depth = z.host_format.has_depth_aspect();
    let has_stencil = z.host_format.has_stencil_aspect();
    let (write, compare) = match dsa {
        Some(d) if d.depth_alpha.depth_enabled() && has_depth => (
            d.depth_alpha.depth_writemask(),
            state::compare(d.depth_alpha.depth_func()),
        ),
        _ => (false, wgpu::CompareFunction::Always),
    };
    let face = |f: &guest_protocol::virgl::bits::StencilFace| wgpu::StencilFaceState {
        compare: state::compare(f.func()),
        fail_op: state::stencil_op(f.fail_op()),
        depth_fail_op: state::stencil_op(f.zfail_op()),
        pass_op: state::stencil_op(f.zpass_op()),
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
    let offset = rast.flags.offset_tri();
    let bias = if offset {
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
/// equation is the guest's alpha equation.
fn color_target(
    s: &SurfaceObj,
    rt: Option<guest_protocol::virgl::bits::RtBlend>,
) -> wgpu::ColorTargetState {
    let one = s.alpha_is_one;
    let (blend, mask) = match rt {
        Some(rt) => {
            let alpha = wgpu::BlendComponent {
                src_factor: state::blend_factor(rt.alpha_src_factor(), one),
                dst_factor: state::blend_factor(rt.alpha_dst_factor(), one),
                operation: state::blend_op(rt.alpha_func()),
            };
            let color = if s.render_swizzle[0] == swz::A {
                // Factors for the alpha channel, applied to host red.
                let f = |f| state::blend_factor(state::alpha_channel_factor(f), one);
                wgpu::BlendComponent {
                    src_factor: f(rt.alpha_src_factor()),
                    dst_factor: f(rt.alpha_dst_factor()),
                    operation: alpha.operation,
                }
            } else {
                wgpu::BlendComponent {
                    src_factor: state::blend_factor(rt.rgb_src_factor(), one),
                    dst_factor: state::blend_factor(rt.rgb_dst_factor(), one),
                    operation: state::blend_op(rt.rgb_func()),
                }
            };
            let blend = rt
                .blend_enable()
                .then_some(wgpu::BlendState { color, alpha });
            (blend, rt.colormask())
        }
        None => (None, 0xf),
    };
    let mask = render_mask(s.render_swizzle, mask);
    wgpu::ColorTargetState {
        format: s.host_format,
        blend,
        write_mask: wgpu::ColorWrites::from_bits_truncate(u32::from(mask)),
    }
}

fn build_pipeline(
    device: &wgpu::Device,
    key: &PipelineKey,
    bgl: &[wgpu::BindGroupLayout; 2],
    vs: &wgpu::ShaderModule,
    fs: &wgpu::ShaderModule,
) -> wgpu::RenderPipeline {
    let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
        label: None,
        bind_group_layouts: &[Some(&bgl[0]), Some(&bgl[1])],
        immediate_size: 0,
    });
    let attrs: Vec<[wgpu::VertexAttribute; 1]> = key
        .vertex
        .iter()
        .map(|&(_, _, format, loc)| {
            [wgpu::VertexAttribute {
                format,
                offset: 0,
                shader_location: loc,
            }]
        })
        .collect();
    let buffers: Vec<Option<wgpu::VertexBufferLayout<'_>>> = key
        .vertex
        .iter()
        .zip(&attrs)
        .map(|(&(stride, step, _, _), a)| {
            Some(wgpu::VertexBufferLayout {
                array_stride: stride,
                step_mode: step,
                attributes: a,
            })
        })
        .collect();
    device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
        label: None,
        layout: Some(&layout),
        vertex: wgpu::VertexState {
            module: vs,
            entry_point: Some("main"),
            compilation_options: Default::default(),
            buffers: &buffers,
        },
        primitive: wgpu::PrimitiveState {
            topology: key.topology,
            strip_index_format: key.strip_index,
            front_face: key.front_face,
            cull_mode: key.cull,
            unclipped_depth: key.unclipped_depth,
            polygon_mode: key.polygon_mode,
            conservative: false,
        },
        depth_stencil: key.depth_stencil.clone(),
        multisample: wgpu::MultisampleState {
            count: key.samples,
            mask: key.sample_mask,
            alpha_to_coverage_enabled: false,
        },
        fragment: Some(wgpu::FragmentState {
            module: fs,
            entry_point: Some("main"),
            compilation_options: Default::default(),
            targets: &key.targets,
        }),
        multiview_mask: None,
        cache: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wgpu::PrimitiveTopology as T;

    #[test]
    fn provoking_vertex_rotation_keeps_winding() {
        let (l, t) = assemble(&[0, 1, 2, 3, 4, 5], PrimMode::TRIANGLES, true, false).unwrap();
        assert_eq!((l, t), (vec![2, 0, 1, 5, 3, 4], T::TriangleList));
        // Strip: odd triangles swap their first two vertices (GL order).
        let (l, _) = assemble(&[0, 1, 2, 3], PrimMode::TRIANGLE_STRIP, false, false).unwrap();
        assert_eq!(l, vec![0, 1, 2, 2, 1, 3]);
        let (l, _) = assemble(&[0, 1, 2, 3], PrimMode::TRIANGLE_STRIP, true, false).unwrap();
        assert_eq!(l, vec![2, 0, 1, 3, 2, 1]);
        let (l, t) = assemble(&[0, 1, 2], PrimMode::LINE_LOOP, false, false).unwrap();
        assert_eq!((l, t), (vec![0, 1, 1, 2, 2, 0], T::LineList));
    }

    #[test]
    fn fans_quads_polygons() {
        let (l, _) = assemble(&[0, 1, 2, 3], PrimMode::TRIANGLE_FAN, false, false).unwrap();
        assert_eq!(l, vec![0, 1, 2, 0, 2, 3]);
        let (l, _) = assemble(&[0, 1, 2, 3], PrimMode::QUADS, false, false).unwrap();
        assert_eq!(l, vec![0, 1, 3, 1, 2, 3]);
        // Flat quads: both triangles lead with the quad's last vertex.
        let (l, _) = assemble(&[0, 1, 2, 3], PrimMode::QUADS, true, false).unwrap();
        assert_eq!(l, vec![3, 0, 1, 3, 1, 2]);
        let (l, _) = assemble(&[0, 1, 2, 3], PrimMode::QUAD_STRIP, true, false).unwrap();
        assert_eq!(l, vec![3, 0, 1, 3, 2, 0]);
        // Polygons provoke with their first vertex.
        let (l, _) = assemble(&[0, 1, 2, 3], PrimMode::POLYGON, true, false).unwrap();
        assert_eq!(l, vec![0, 1, 2, 0, 2, 3]);
        assert!(assemble(&[0, 1, 2], PrimMode::PATCHES, false, false).is_none());
    }

    #[test]
    fn restart_splits_runs_and_short_runs_vanish() {
        let (l, _) = assemble(
            &[0, 1, 2, u32::MAX, 3, 4, 5, 6],
            PrimMode::TRIANGLE_FAN,
            false,
            true,
        )
        .unwrap();
        assert_eq!(l, vec![0, 1, 2, 3, 4, 5, 3, 5, 6]);
        let (l, _) = assemble(&[0, 1], PrimMode::TRIANGLES, true, false).unwrap();
        assert!(l.is_empty());
        let (l, _) = assemble(&[], PrimMode::QUAD_STRIP, true, true).unwrap();
        assert!(l.is_empty());
    }
}
