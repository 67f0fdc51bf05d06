//! A 16×16 render target, a vertex buffer and the stream of one full-target
//! triangle draw: shared by renderer_commands.rs and the hostile_* tests.

#![allow(dead_code)]

use guest_protocol::le::Le32;
use guest_protocol::virgl::bits::{
    BlendFlags, BlendLogicOp, RasterizerFlags, RasterizerStipple, RtBlend,
};
use guest_protocol::virgl::enums::{
    clear_bits, CullFace, LogicOp, PrimMode, ShaderStage, TextureTarget,
};
use guest_protocol::virgl::{
    shader_text, Blend, Clear, Command, CreateObject, DrawTess, DrawVbo, Encoder, Format,
    ObjectType, Rasterizer, ShaderChunk, ShaderExtra, Surface, VertexBuffer, VertexElement,
    Viewport,
};
use guest_protocol::wire::F32Bits;
use host_renderer::{CtxId, Gpu, Renderer, ResId, ResourceInfo, TransferBox, VecBacking};
use std::sync::Arc;

pub const W: u32 = 16;

pub fn gpu() -> Arc<Gpu> {
    Gpu::new().expect("a Vulkan adapter (lavapipe) is needed for GPU tests")
}

pub fn info(target: TextureTarget, format: Format, w: u32, h: u32) -> ResourceInfo {
    ResourceInfo {
        target,
        format,
        bind: 0,
        width: w,
        height: h,
        depth: 1,
        array_size: 1,
        last_level: 0,
        nr_samples: 0,
    }
}

pub fn f(v: f32) -> Le32 {
    Le32::new(v.to_bits())
}

/// Creates a 16×16 BGRA render target (res 1) and a vertex buffer (res 2).
pub fn setup(r: &mut Renderer, ctx: CtxId, vertices: &[f32]) {
    r.create_context(ctx, "test").unwrap();
    r.create_resource(
        ResId(1),
        &info(TextureTarget::TEXTURE_2D, Format::B8G8R8A8_UNORM, W, W),
        None,
    )
    .unwrap();
    r.attach_resource(ctx, ResId(1)).unwrap();
    let bytes: Vec<u8> = vertices.iter().flat_map(|v| v.to_le_bytes()).collect();
    buffer_with(r, ctx, ResId(2), bytes);
}

/// Creates buffer `id` holding `bytes` and attaches it to `ctx`.
pub fn buffer_with(r: &mut Renderer, ctx: CtxId, id: ResId, bytes: Vec<u8>) {
    let len = bytes.len() as u32;
    r.create_resource(
        id,
        &info(TextureTarget::BUFFER, Format::R8_UNORM, len, 1),
        None,
    )
    .unwrap();
    let whole = whole_buffer(len);
    r.write_from(id, &whole, VecBacking::from_vec(bytes).as_ref())
        .unwrap();
    r.attach_resource(ctx, id).unwrap();
}

/// Creates sampler view `handle` of resource `res` in `format`, levels or
/// layers `range0`/`range1` (buffers: first and last element), identity
/// swizzle.
pub fn sampler_view(e: &mut Encoder, handle: u32, res: u32, format: Format, range: (u32, u32)) {
    e.push(&Command::CreateObject(CreateObject::SamplerView(
        guest_protocol::virgl::SamplerView {
            handle,
            res,
            format: guest_protocol::virgl::bits::ViewFormat::new().with_format(format.0),
            range0: range.0,
            range1: range.1,
            swizzle: guest_protocol::virgl::bits::ViewSwizzle::from_bits(0o3210),
        },
    )))
    .unwrap();
}

/// Binds sampler view `handle` at unit 0 of the fragment shader.
pub fn bind_fragment_view(e: &mut Encoder, handle: u32) {
    e.push(&Command::SetSamplerViews(
        guest_protocol::virgl::StageSlots {
            stage: ShaderStage::FRAGMENT,
            start_slot: 0,
            handles: &[Le32::new(handle)],
        },
    ))
    .unwrap();
}

pub fn shader(enc: &mut Encoder, handle: u32, stage: ShaderStage, text: &str) {
    let (offlen, bytes) = shader_text(text);
    enc.push(&Command::CreateObject(CreateObject::Shader(ShaderChunk {
        handle,
        stage,
        offlen,
        num_tokens: 0,
        extra: ShaderExtra::StreamOutput(None),
        text: &bytes,
    })))
    .unwrap();
    enc.push(&Command::BindShader { handle, stage }).unwrap();
}

/// Instances of the full-target triangle in [`heavy_stream`]'s draw: on an
/// idle 2-core machine lavapipe sometimes finished 2^19 of them before the
/// vhost-user watchdog test's answer came (about 0.4 s), so four times that.
pub const HEAVY: u32 = 1 << 21;

/// The triangle set-up, then the triangle drawn [`HEAVY`] times: finite
/// GPU work that runs far longer than a watchdog limit set for a test.
pub fn heavy_stream() -> Vec<u8> {
    let mut bytes = triangle_stream(true, true, CullFace::NONE);
    let mut e = Encoder::new();
    e.push(&Command::DrawVbo(DrawVbo {
        instance_count: HEAVY,
        ..full_draw()
    }))
    .unwrap();
    bytes.extend_from_slice(e.as_bytes());
    bytes
}

/// State for one draw of a triangle covering the whole target.
pub fn triangle_stream(flat: bool, front_ccw: bool, cull: CullFace) -> Vec<u8> {
    draw_stream(&DrawSetup {
        flat,
        front_ccw,
        cull,
        ..DrawSetup::default()
    })
}

/// The state [`draw_stream`] sets up.
pub struct DrawSetup {
    pub flat: bool,
    pub front_ccw: bool,
    pub cull: CullFace,
    /// Clear colour of the target.
    pub clear: [f32; 4],
    /// `PIPE_LOGICOP_*` when a logic op is enabled.
    pub logic_op: Option<u8>,
    /// Resource drawn to.
    pub target: u32,
    /// Its layer (or 3D slice) drawn to.
    pub layer: u32,
    /// Rasterizer line width.
    pub line_width: f32,
    /// Primitive and vertex count.
    pub mode: PrimMode,
    pub count: u32,
    /// Polygon stipple pattern, enabled when given.
    pub stipple: Option<[u32; 32]>,
    /// Line stipple (factor − 1, pattern), enabled when given.
    pub line_stipple: Option<(u8, u16)>,
    /// Rasterizer depth clipping (off: GL's depth clamp).
    pub depth_clip: bool,
    /// The rasterizer discards everything (GL_RASTERIZER_DISCARD).
    pub discard: bool,
    /// Format of the target's surface.
    pub format: Format,
    /// Blend state of colour buffer 0 (its colour mask is forced to all).
    pub blend: RtBlend,
    /// Blend constant colour.
    pub blend_color: [f32; 4],
    /// Rasterizer point size, and whether the VS's `PSIZE` gives it.
    pub point_size: f32,
    pub point_size_per_vertex: bool,
    /// Point sprite coordinates: `sprite_coord_enable` and LOWER_LEFT.
    pub sprite_coords: Option<(u32, bool)>,
    /// Shader texts replacing [`VS`] and [`FS`].
    pub vs: &'static str,
    pub fs: &'static str,
    /// A geometry shader's text, bound when given.
    pub gs: Option<&'static str>,
    /// Tessellation control and evaluation shader texts, bound when given
    /// (the control shader when not empty), and the vertices per patch
    /// of the draw (of `mode` PATCHES).
    pub tess: Option<(&'static str, &'static str, u32)>,
    /// Default tessellation levels (outer, inner) sent before the draw.
    pub tess_levels: Option<([f32; 4], [f32; 2])>,
}

/// The default vertex shader: position and colour from the two attributes.
pub const VS: &str = "VERT\nDCL IN[0]\nDCL IN[1]\nDCL OUT[0], POSITION\nDCL OUT[1], COLOR\n  0: MOV OUT[0], IN[0]\n  1: MOV OUT[1], IN[1]\n  2: END\n";
/// The default fragment shader: the interpolated colour.
pub const FS: &str =
    "FRAG\nDCL IN[0], COLOR, COLOR\nDCL OUT[0], COLOR\n  0: MOV OUT[0], IN[0]\n  1: END\n";

impl Default for DrawSetup {
    fn default() -> Self {
        Self {
            flat: true,
            front_ccw: true,
            cull: CullFace::NONE,
            clear: [0.0, 0.0, 0.0, 1.0],
            logic_op: None,
            target: 1,
            layer: 0,
            line_width: 1.0,
            mode: PrimMode::TRIANGLES,
            count: 3,
            stipple: None,
            line_stipple: None,
            depth_clip: true,
            discard: false,
            format: Format::B8G8R8A8_UNORM,
            blend: RtBlend::new(),
            blend_color: [0.0; 4],
            point_size: 1.0,
            point_size_per_vertex: false,
            sprite_coords: None,
            vs: VS,
            fs: FS,
            gs: None,
            tess: None,
            tess_levels: None,
        }
    }
}

/// Makes layer `layer` of resource `target`, in `format`, colour buffer 0
/// (surface 10) and clears it to the colour whose bits are `color`.
pub fn clear_target(e: &mut Encoder, target: u32, format: Format, layer: u32, color: [u32; 4]) {
    e.push(&Command::CreateObject(CreateObject::Surface(Surface {
        handle: 10,
        res: target,
        format,
        range0: 0,
        range1: layer,
    })))
    .unwrap();
    let cbufs = [Le32::new(10)];
    e.push(&Command::SetFramebufferState {
        zsurf: 0,
        cbufs: &cbufs,
    })
    .unwrap();
    e.push(&Command::Clear(Clear {
        buffers: clear_bits::color(0),
        color,
        depth: guest_protocol::wire::F64Bits(1.0f64.to_bits()),
        stencil: 0,
    }))
    .unwrap();
}

/// The transfer of the first `len` bytes of a buffer.
pub fn whole_buffer(len: u32) -> TransferBox {
    TransferBox {
        level: 0,
        region: guest_protocol::virgl::Box3 {
            x: 0,
            y: 0,
            z: 0,
            w: len as i32,
            h: 1,
            d: 1,
        },
        stride: 0,
        layer_stride: 0,
        offset: 0,
    }
}

/// The first `len` bytes of buffer `id`, read back as the guest would.
pub fn buffer_bytes(r: &mut Renderer, id: ResId, len: u32) -> Vec<u8> {
    let out = VecBacking::zeroed(len as usize);
    r.read_into(id, &whole_buffer(len), out.as_ref()).unwrap();
    out.snapshot()
}

/// One draw (by default of a triangle covering the whole target) with the
/// state `s` describes.
pub fn draw_stream(s: &DrawSetup) -> Vec<u8> {
    let DrawSetup {
        flat,
        front_ccw,
        cull,
        clear,
        logic_op,
        target,
        layer,
        line_width,
        mode,
        count,
        stipple,
        line_stipple,
        depth_clip,
        discard,
        format,
        blend,
        blend_color,
        point_size,
        point_size_per_vertex,
        sprite_coords,
        vs,
        fs,
        gs,
        tess,
        tess_levels,
    } = *s;
    let mut e = Encoder::new();
    e.push(&Command::CreateSubCtx(1)).unwrap();
    e.push(&Command::SetSubCtx(1)).unwrap();
    clear_target(&mut e, target, format, layer, clear.map(f32::to_bits));
    let mut rt = [RtBlend::new(); 8];
    rt[0] = blend.with_colormask(0xf);
    e.push(&Command::CreateObject(CreateObject::Blend(Blend {
        handle: 11,
        flags: BlendFlags::new().with_logicop_enable(logic_op.is_some()),
        logicop: BlendLogicOp::new().with_logicop_func(LogicOp(logic_op.unwrap_or(0))),
        rt,
    })))
    .unwrap();
    e.push(&Command::BindObject {
        object_type: ObjectType::BLEND,
        handle: 11,
    })
    .unwrap();
    e.push(&Command::SetBlendColor(blend_color.map(F32Bits::new)))
        .unwrap();
    let flags = RasterizerFlags::new()
        .with_flatshade(flat)
        .with_multisample(true)
        .with_depth_clip(depth_clip)
        .with_rasterizer_discard(discard)
        .with_front_ccw(front_ccw)
        .with_cull_face(cull)
        .with_half_pixel_center(true)
        .with_bottom_edge_rule(true)
        .with_poly_stipple_enable(stipple.is_some())
        .with_point_size_per_vertex(point_size_per_vertex)
        .with_point_quad_rasterization(sprite_coords.is_some())
        .with_sprite_coord_mode(sprite_coords.is_some_and(|(_, lower_left)| lower_left))
        .with_line_stipple_enable(line_stipple.is_some());
    let (factor, pattern) = line_stipple.unwrap_or((0, u16::MAX));
    if let Some(rows) = stipple {
        e.push(&Command::SetPolygonStipple(&rows.map(Le32::new)))
            .unwrap();
    }
    e.push(&Command::CreateObject(CreateObject::Rasterizer(
        Rasterizer {
            handle: 12,
            flags,
            point_size: F32Bits::new(point_size),
            sprite_coord_enable: sprite_coords.map_or(0, |(enable, _)| enable),
            stipple: RasterizerStipple::new()
                .with_line_stipple_factor(factor)
                .with_line_stipple_pattern(pattern),
            line_width: F32Bits::new(line_width),
            offset_units: F32Bits::new(0.0),
            offset_scale: F32Bits::new(0.0),
            offset_clamp: F32Bits::new(0.0),
        },
    )))
    .unwrap();
    e.push(&Command::BindObject {
        object_type: ObjectType::RASTERIZER,
        handle: 12,
    })
    .unwrap();
    let elements = [
        VertexElement {
            src_offset: Le32::new(0),
            instance_divisor: Le32::new(0),
            vertex_buffer_index: Le32::new(0),
            src_format: Le32::new(Format::R32G32B32A32_FLOAT.0),
        },
        VertexElement {
            src_offset: Le32::new(16),
            instance_divisor: Le32::new(0),
            vertex_buffer_index: Le32::new(0),
            src_format: Le32::new(Format::R32G32B32A32_FLOAT.0),
        },
    ];
    e.push(&Command::CreateObject(CreateObject::VertexElements {
        handle: 13,
        elements: &elements,
    }))
    .unwrap();
    e.push(&Command::BindObject {
        object_type: ObjectType::VERTEX_ELEMENTS,
        handle: 13,
    })
    .unwrap();
    shader(&mut e, 14, ShaderStage::VERTEX, vs);
    shader(&mut e, 15, ShaderStage::FRAGMENT, fs);
    if let Some(gs) = gs {
        shader(&mut e, 16, ShaderStage::GEOMETRY, gs);
    }
    if let Some((tcs, tes, _)) = tess {
        if !tcs.is_empty() {
            shader(&mut e, 17, ShaderStage::TESS_CTRL, tcs);
        }
        shader(&mut e, 18, ShaderStage::TESS_EVAL, tes);
    }
    // Window framebuffer: negative y scale, row 0 = top.
    let h = W as f32 / 2.0;
    let vp = [Viewport {
        scale: [f(h), f(-h), f(0.5)],
        translate: [f(h), f(h), f(0.5)],
    }];
    e.push(&Command::SetViewportState {
        start_slot: 0,
        viewports: &vp,
    })
    .unwrap();
    let vbs = [VertexBuffer {
        stride: Le32::new(32),
        offset: Le32::new(0),
        res: Le32::new(2),
    }];
    e.push(&Command::SetVertexBuffers(&vbs)).unwrap();
    if let Some((outer, inner)) = tess_levels {
        e.push(&Command::SetTessState {
            outer: outer.map(F32Bits::new),
            inner: inner.map(F32Bits::new),
        })
        .unwrap();
    }
    e.push(&Command::DrawVbo(DrawVbo {
        count,
        mode,
        max_index: count.saturating_sub(1),
        tess: tess.map(|(_, _, vertices_per_patch)| DrawTess {
            vertices_per_patch,
            drawid: 0,
        }),
        ..full_draw()
    }))
    .unwrap();
    e.finish()
}

/// A counter-clockwise (in NDC) triangle covering the target; red, green, blue.
pub const TRIANGLE: [f32; 24] = [
    -1.0, -1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, //
    3.0, -1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, //
    -1.0, 3.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0,
];

pub fn pixel(r: &mut Renderer, x: u32, y: u32) -> [u8; 4] {
    let img = r.read_resource(ResId(1), 0, 0).unwrap();
    let at = (y * img.stride + x * 4) as usize;
    [
        img.data[at],
        img.data[at + 1],
        img.data[at + 2],
        img.data[at + 3],
    ]
}

pub fn full_draw() -> DrawVbo {
    DrawVbo {
        start: 0,
        count: 3,
        mode: PrimMode::TRIANGLES,
        indexed: false,
        instance_count: 1,
        index_bias: 0,
        start_instance: 0,
        primitive_restart: false,
        restart_index: 0,
        min_index: 0,
        max_index: 2,
        count_from_so: 0,
        tess: None,
        indirect: None,
    }
}
