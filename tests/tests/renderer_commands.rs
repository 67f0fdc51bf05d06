//! The renderer executing hand-built command streams on the real device:
//! clears, a flat-shaded draw (GL's last provoking vertex), culling with
//! Gallium's winding, instance divisors, caps, and error isolation between
//! contexts.

mod draw_setup;

use draw_setup::*;
use guest_protocol::le::Le32;
use guest_protocol::virgl::caps::{bset, cap};
use guest_protocol::virgl::enums::{clear_bits, CullFace, PrimMode, ShaderStage, TextureTarget};
use guest_protocol::virgl::{
    Box3, Clear, Command, CopyRegion, CreateObject, DrawIndirect, DrawVbo, Encoder, Format,
    ObjectType, Surface, VertexBuffer, VertexElement, Viewport,
};
use host_renderer::{CtxId, Gpu, GpuOptions, Renderer, ResId, TransferBox, VecBacking};
use std::sync::Arc;

#[test]
fn flat_shading_uses_the_last_vertex() {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    let stats = r
        .submit(ctx, &triangle_stream(true, true, CullFace::NONE))
        .unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    // BGRA: the last vertex is blue.
    for (x, y) in [(1, 1), (8, 8), (14, 14), (1, 14)] {
        assert_eq!(pixel(&mut r, x, y), [255, 0, 0, 255], "pixel {x},{y}");
    }
}

/// GLSL `flat` inputs (`CONSTANT` interpolation) take GL's last provoking
/// vertex under smooth shading too, not only colours under `flatshade`.
#[test]
fn flat_varyings_use_the_last_vertex_without_flatshade() {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    let mut stream = triangle_stream(false, true, CullFace::NONE);
    let mut e = Encoder::new();
    shader(
        &mut e,
        31,
        ShaderStage::FRAGMENT,
        "FRAG\nDCL IN[0], COLOR, CONSTANT\nDCL OUT[0], COLOR\n  0: MOV OUT[0], IN[0]\n  1: END\n",
    );
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    stream.extend_from_slice(e.as_bytes());
    let stats = r.submit(ctx, &stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    // BGRA: the last vertex is blue.
    for (x, y) in [(1, 1), (8, 8), (14, 14), (1, 14)] {
        assert_eq!(pixel(&mut r, x, y), [255, 0, 0, 255], "pixel {x},{y}");
    }
}

/// The colour of the last of `instances` full-target instances drawn from
/// `start`, the colour an instance attribute of `divisor` from a buffer of
/// red, green, blue, white (BGRA read back).
fn last_instance_color(divisor: u32, start: u32, instances: u32) -> [u8; 4] {
    last_instance_color_with(None, divisor, start, instances)
}

/// [`last_instance_color`] with vertex shader `vs` bound (else the default).
fn last_instance_color_with(vs: Option<&str>, divisor: u32, start: u32, instances: u32) -> [u8; 4] {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    let colors: [f32; 16] = [
        1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0,
    ];
    let bytes: Vec<u8> = colors.iter().flat_map(|v| v.to_le_bytes()).collect();
    buffer_with(&mut r, ctx, ResId(3), bytes);
    let mut stream = triangle_stream(true, true, CullFace::NONE);
    let mut e = Encoder::new();
    let elements = [
        VertexElement {
            src_offset: Le32::new(0),
            instance_divisor: Le32::new(0),
            vertex_buffer_index: Le32::new(0),
            src_format: Le32::new(Format::R32G32B32A32_FLOAT.0),
        },
        VertexElement {
            src_offset: Le32::new(0),
            instance_divisor: Le32::new(divisor),
            vertex_buffer_index: Le32::new(1),
            src_format: Le32::new(Format::R32G32B32A32_FLOAT.0),
        },
    ];
    e.push(&Command::CreateObject(CreateObject::VertexElements {
        handle: 20,
        elements: &elements,
    }))
    .unwrap();
    e.push(&Command::BindObject {
        object_type: ObjectType::VERTEX_ELEMENTS,
        handle: 20,
    })
    .unwrap();
    let vbs = [
        VertexBuffer {
            stride: Le32::new(32),
            offset: Le32::new(0),
            res: Le32::new(2),
        },
        VertexBuffer {
            stride: Le32::new(16),
            offset: Le32::new(0),
            res: Le32::new(3),
        },
    ];
    e.push(&Command::SetVertexBuffers(&vbs)).unwrap();
    if let Some(vs) = vs {
        shader(&mut e, 21, ShaderStage::VERTEX, vs);
    }
    e.push(&Command::DrawVbo(DrawVbo {
        instance_count: instances,
        start_instance: start,
        ..full_draw()
    }))
    .unwrap();
    stream.extend_from_slice(e.as_bytes());
    let stats = r.submit(ctx, &stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    pixel(&mut r, 8, 8)
}

#[test]
fn instance_divisors_repeat_attributes() {
    let (red, green, blue, white) = (
        [0, 0, 255, 255],
        [0, 255, 0, 255],
        [255, 0, 0, 255],
        [255, 255, 255, 255],
    );
    // Divisor 1 (stepped by wgpu): instance 3 reads element 3.
    assert_eq!(last_instance_color(1, 0, 4), white);
    // Divisor 2: instance k reads element k / 2.
    assert_eq!(last_instance_color(2, 0, 4), green);
    assert_eq!(last_instance_color(2, 0, 1), red);
    // From start instance 1: element 1 + k / 2, k = 3 → 2.
    assert_eq!(last_instance_color(2, 1, 4), blue);
    // Divisor 3, 4 instances: element 3 / 3 = 1.
    assert_eq!(last_instance_color(3, 0, 4), green);
}

/// GL's base instance (ARB_base_instance) moves where instance-rate
/// elements start, not `gl_InstanceID`, which counts from 0.
#[test]
fn base_instances_move_instance_elements_not_instance_ids() {
    let bits = Renderer::new(gpu()).caps_v2().v1.bset.get();
    assert_ne!(bits & bset::START_INSTANCE, 0);
    let (green, blue, white) = ([0, 255, 0, 255], [255, 0, 0, 255], [255, 255, 255, 255]);
    // Divisor 1 (bound from the base instance's element): 2 + 0, 1 + 2.
    assert_eq!(last_instance_color(1, 2, 1), blue);
    assert_eq!(last_instance_color(1, 1, 3), white);
    // Decoded on the CPU (divisor 2): 1 + 2 / 2.
    assert_eq!(last_instance_color(2, 1, 3), blue);
    // The instance ID of the only instance of a draw from base instance 3
    // is 0: green (red for any other ID).
    let vs = "VERT\nDCL IN[0]\nDCL SV[0], INSTANCEID\nDCL OUT[0], POSITION\nDCL OUT[1], COLOR\n\
              DCL TEMP[0]\nIMM[0] FLT32 {0.0, 1.0, 0.0, 1.0}\nIMM[1] FLT32 {1.0, 0.0, 0.0, 1.0}\n\
              0: MOV OUT[0], IN[0]\n1: USEQ TEMP[0].x, SV[0].xxxx, IMM[1].yyyy\n\
              2: UCMP OUT[1], TEMP[0].xxxx, IMM[0], IMM[1]\n3: END\n";
    assert_eq!(last_instance_color_with(Some(vs), 1, 3, 1), green);
}

/// The centre pixel of the full-target triangle drawn at clip-space depth
/// `z` (w = 1), with depth clipping on or off.
fn center_at_depth(z: f32, depth_clip: bool) -> [u8; 4] {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    let mut vertices = TRIANGLE;
    for v in vertices.chunks_mut(8) {
        v[2] = z;
    }
    setup(&mut r, ctx, &vertices);
    let stream = draw_stream(&DrawSetup {
        depth_clip,
        ..DrawSetup::default()
    });
    let stats = r.submit(ctx, &stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    pixel(&mut r, 8, 8)
}

#[test]
fn depth_clamp_keeps_what_depth_clipping_drops() {
    let bits = Renderer::new(gpu()).caps_v2().v1.bset.get();
    assert_ne!(
        bits & bset::DEPTH_CLIP_DISABLE,
        0,
        "lavapipe can clamp depth"
    );
    let cleared = [0, 0, 0, 255];
    // Inside the depth range: drawn either way.
    assert_ne!(center_at_depth(0.5, true), cleared);
    // Beyond the far plane: clipped, unless clipping is off (clamped).
    assert_eq!(center_at_depth(2.0, true), cleared);
    assert_ne!(center_at_depth(2.0, false), cleared);
    assert_ne!(center_at_depth(-2.0, false), cleared);
}

/// Two quads of four vertices each (vertices 0–3 at x in −1..−0.5 red,
/// 4–7 at 0.5..1 green) in vertex buffer 2, index buffer 3 holding `indices`
/// (`index_size` bytes each) bound: the stream that sets up the draw, with
/// flat shading when `flat`.
fn two_quads(
    r: &mut Renderer,
    ctx: CtxId,
    indices: &[u32],
    index_size: u32,
    flat: bool,
) -> Vec<u8> {
    let quad = |x0: f32, x1: f32, c: [f32; 3]| {
        [[x0, -1.0], [x1, -1.0], [x0, 1.0], [x1, 1.0]]
            .into_iter()
            .flat_map(move |[x, y]| [x, y, 0.0, 1.0, c[0], c[1], c[2], 1.0])
    };
    let vertices: Vec<f32> = quad(-1.0, -0.5, [1.0, 0.0, 0.0])
        .chain(quad(0.5, 1.0, [0.0, 1.0, 0.0]))
        .collect();
    setup(r, ctx, &vertices);
    let bytes: Vec<u8> = indices
        .iter()
        .flat_map(|&i| i.to_le_bytes()[..index_size as usize].to_vec())
        .collect();
    buffer_with(r, ctx, ResId(3), bytes);
    let mut stream = draw_stream(&DrawSetup {
        count: 0,
        flat,
        ..DrawSetup::default()
    });
    let mut e = Encoder::new();
    e.push(&Command::SetIndexBuffer(
        guest_protocol::virgl::IndexBuffer {
            res: 3,
            layout: Some((index_size, 0)),
        },
    ))
    .unwrap();
    stream.extend_from_slice(e.as_bytes());
    stream
}

/// Row 8 of the red quad and the green one: red, black between, green.
fn two_quads_row() -> Vec<[u8; 4]> {
    let (red, green, black) = ([0, 0, 255, 255], [0, 255, 0, 255], [0, 0, 0, 255]);
    (0..W)
        .map(|x| match x {
            0..=3 => red,
            12.. => green,
            _ => black,
        })
        .collect()
}

/// Row 8 of [`two_quads`] drawn as one indexed strip of `index_size`-byte
/// indices, `restart` between them, with primitive restart on at
/// `restart`; `mode` TRIANGLE_STRIP or TRIANGLES, flat-shaded when `flat`.
fn restarted_strips(index_size: u32, restart: u32, mode: PrimMode, flat: bool) -> Vec<[u8; 4]> {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    let list: Vec<u32> = match mode {
        PrimMode::TRIANGLE_STRIP => vec![0, 1, 2, 3, restart, 4, 5, 6, 7],
        _ => vec![0, 1, 2, 4, restart, 1, 2, 3, 4, 5, 6, 5, 6, 7],
    };
    let mut stream = two_quads(&mut r, ctx, &list, index_size, flat);
    let mut e = Encoder::new();
    e.push(&Command::DrawVbo(DrawVbo {
        mode,
        indexed: true,
        count: list.len() as u32,
        primitive_restart: true,
        restart_index: restart,
        max_index: 7,
        ..full_draw()
    }))
    .unwrap();
    stream.extend_from_slice(e.as_bytes());
    let stats = r.submit(ctx, &stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    (0..W).map(|x| pixel(&mut r, x, 8)).collect()
}

#[test]
fn primitive_restart_splits_strips_at_any_index() {
    let want = two_quads_row();
    for (size, restart) in [
        (2, 0xffff),
        (2, 9),
        (4, u32::MAX),
        (4, 1000),
        (1, 0xff),
        (1, 8),
    ] {
        assert_eq!(
            restarted_strips(size, restart, PrimMode::TRIANGLE_STRIP, true),
            want,
            "{size}-byte indices, restart at {restart}"
        );
    }
    // In a list, a restart drops the unfinished triangle (vertex 4 before
    // it), and the triangles after it start afresh: with flat shading
    // (assembled on the CPU anyway) and smooth (Vulkan restarts strips
    // only: assembled on the CPU for the restart).
    for (size, restart) in [(2, 0xffff), (2, 9), (4, 1000), (4, u32::MAX)] {
        for flat in [true, false] {
            assert_eq!(
                restarted_strips(size, restart, PrimMode::TRIANGLES, flat),
                want,
                "triangle list, {size}-byte indices, restart at {restart}, flat {flat}"
            );
        }
    }
}

/// Row 8 of [`two_quads`] drawn by an indirect draw (`indexed` or not)
/// whose arguments are `args` (little-endian words at offset 4 of buffer
/// 4), `draws` of them, the count from buffer 5's word 1 when `counted`;
/// the context errors it raised.
fn indirect_quads(
    indexed: bool,
    args: &[u32],
    draws: u32,
    counted: Option<u32>,
) -> (Vec<[u8; 4]>, u64) {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    let mut stream = two_quads(&mut r, ctx, &[0, 1, 2, 3, 4, 5, 6, 7], 2, false);
    let words = |w: &[u32]| w.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>();
    buffer_with(
        &mut r,
        ctx,
        ResId(4),
        words(&[[0xdead].as_slice(), args].concat()),
    );
    buffer_with(&mut r, ctx, ResId(5), words(&[0, counted.unwrap_or(0)]));
    let mut e = Encoder::new();
    e.push(&Command::DrawVbo(DrawVbo {
        mode: PrimMode::TRIANGLE_STRIP,
        indexed,
        count: 0,
        indirect: Some(DrawIndirect {
            handle: 4,
            offset: 4,
            stride: 0,
            draw_count: draws,
            draw_count_offset: 4,
            draw_count_handle: if counted.is_some() { 5 } else { 0 },
        }),
        ..full_draw()
    }))
    .unwrap();
    stream.extend_from_slice(e.as_bytes());
    let errors = r.submit(ctx, &stream).unwrap().errors;
    ((0..W).map(|x| pixel(&mut r, x, 8)).collect(), errors)
}

/// Indirect draws (ARB_draw_indirect, ARB_multi_draw_indirect,
/// ARB_indirect_parameters): each argument set is drawn as the direct draw
/// it describes, first index and base vertex included, as many as the
/// count buffer says up to the maximum; arguments past the buffer are a
/// context error.
#[test]
fn indirect_draws_draw_what_their_arguments_say() {
    let caps = Renderer::new(gpu()).caps_v2();
    assert_ne!(caps.v1.bset.get() & bset::HAS_INDIRECT_DRAW, 0);
    let multi = cap::MULTI_DRAW_INDIRECT | cap::INDIRECT_PARAMS;
    assert_eq!(caps.capability_bits.get() & multi, multi);
    let both = two_quads_row();
    let red_only: Vec<[u8; 4]> = both
        .iter()
        .enumerate()
        .map(|(x, &p)| if x >= 12 { [0, 0, 0, 255] } else { p })
        .collect();
    // Elements: count, instances, first index, base vertex, base instance.
    let elements = [4, 1, 0, 0, 0, 4, 1, 4, 0, 0];
    assert_eq!(indirect_quads(true, &elements, 2, None), (both.clone(), 0));
    // The second quad drawn from the first's indices moved by a base vertex.
    let based = [4, 1, 0, 0, 0, 4, 1, 0, 4, 0];
    assert_eq!(indirect_quads(true, &based, 2, None), (both.clone(), 0));
    // A count buffer holding 1 of at most 2 draws.
    assert_eq!(indirect_quads(true, &elements, 2, Some(1)), (red_only, 0));
    // Arrays: count, instances, first vertex, base instance.
    let arrays = [4, 1, 0, 0, 4, 1, 4, 0];
    assert_eq!(indirect_quads(false, &arrays, 2, Some(7)), (both, 0));
    // A third argument set past the buffer's end, and more draws than one
    // indirect draw may make: context errors.
    assert_eq!(indirect_quads(false, &arrays, 3, None).1, 1);
    assert_eq!(indirect_quads(false, &arrays, u32::MAX, None).1, 1);
}

#[test]
fn smooth_shading_interpolates() {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    r.submit(ctx, &triangle_stream(false, true, CullFace::NONE))
        .unwrap();
    let [b, g, red, a] = pixel(&mut r, 8, 8);
    assert_eq!(a, 255);
    assert!(red > 0 && g > 0 && b > 0, "{red} {g} {b}");
}

#[test]
fn culling_follows_gallium_winding() {
    // The triangle is CCW in clip space: front when front_ccw is set.
    for (front_ccw, visible) in [(true, true), (false, false)] {
        let mut r = Renderer::new(gpu());
        let ctx = CtxId(1);
        setup(&mut r, ctx, &TRIANGLE);
        r.submit(ctx, &triangle_stream(true, front_ccw, CullFace::BACK))
            .unwrap();
        let p = pixel(&mut r, 8, 8);
        assert_eq!(
            p == [255, 0, 0, 255],
            visible,
            "front_ccw {front_ccw}: {p:?}"
        );
    }
}

/// Destination (cleared) and source (flat triangle) bytes for the logic op
/// tests, B, G, R, A as stored: every pair of bits occurs in some channel.
const LOGIC_DST: [u8; 4] = [0x0f, 0x33, 0x55, 0xcc];
const LOGIC_SRC: [u8; 4] = [0x55, 0x0f, 0xcc, 0x33];

/// `PIPE_LOGICOP_*` is the op's truth table: bit (2·s + d) is the result.
fn logic_op_reference(func: u8, src: u8, dst: u8) -> u8 {
    (0..8).fold(0, |out, bit| {
        let s = (src >> bit) & 1;
        let d = (dst >> bit) & 1;
        out | (((func >> (2 * s + d)) & 1) << bit)
    })
}

/// Renders the flat LOGIC_SRC triangle with `func` over LOGIC_DST on `gpu`;
/// returns the centre pixel and the context's error count.
fn logic_op_pixel(gpu: Arc<Gpu>, func: u8) -> ([u8; 4], u64, Vec<String>) {
    let unorm = |b: u8| f32::from(b) / 255.0;
    // BGRA storage: the colour's RGBA is (byte 2, 1, 0, 3).
    let [sb, sg, sr, sa] = LOGIC_SRC.map(unorm);
    let [db, dg, dr, da] = LOGIC_DST.map(unorm);
    let mut tri = TRIANGLE;
    for v in tri.chunks_mut(8) {
        v[4..8].copy_from_slice(&[sr, sg, sb, sa]);
    }
    let mut r = Renderer::new(gpu);
    let ctx = CtxId(1);
    setup(&mut r, ctx, &tri);
    let stats = r
        .submit(
            ctx,
            &draw_stream(&DrawSetup {
                clear: [dr, dg, db, da],
                logic_op: Some(func),
                ..DrawSetup::default()
            }),
        )
        .unwrap();
    let errors = r
        .context_errors(ctx)
        .map(|(list, _)| list.iter().map(|e| e.error.to_string()).collect())
        .unwrap_or_default();
    (pixel(&mut r, 8, 8), stats.errors, errors)
}

#[test]
fn all_sixteen_logic_ops_match_a_cpu_reference() {
    let gpu = gpu();
    for func in 0..16u8 {
        let expected: Vec<u8> = LOGIC_SRC
            .iter()
            .zip(LOGIC_DST)
            .map(|(&s, d)| logic_op_reference(func, s, d))
            .collect();
        let (got, errors, list) = logic_op_pixel(Arc::clone(&gpu), func);
        assert_eq!(errors, 0, "op {func}: {list:?}");
        assert_eq!(got.to_vec(), expected, "op {func}");
    }
    assert!(gpu.take_uncaptured().is_empty());
}

#[test]
fn logic_op_draws_past_their_vertex_buffer_are_refused() {
    let gpu = gpu();
    let mut r = Renderer::new(Arc::clone(&gpu));
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    let stats = r
        .submit(
            ctx,
            &draw_stream(&DrawSetup {
                flat: false,
                logic_op: Some(6),
                ..DrawSetup::default()
            }),
        )
        .unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    // The same XOR draw reading 1000 vertices past the 3 the buffer holds
    // (smooth shading: drawn straight from the vertex buffer, no indices).
    let mut e = Encoder::new();
    e.push(&Command::DrawVbo(DrawVbo {
        start: 1000,
        ..full_draw()
    }))
    .unwrap();
    let stats = r.submit(ctx, &e.finish()).unwrap();
    assert_eq!(stats.errors, 1);
    let last = last_error(&r, ctx);
    assert!(last.contains("past its buffer"), "{last}");
    assert!(gpu.take_uncaptured().is_empty());
}

/// The text of `ctx`'s latest context error ("" when it has none).
fn last_error(r: &Renderer, ctx: CtxId) -> String {
    r.context_errors(ctx)
        .and_then(|(errors, _)| errors.last().map(|e| e.error.to_string()))
        .unwrap_or_default()
}

/// Rows of column 8 covered by a blue horizontal line through the centre of
/// row 8, drawn `width` wide on `gpu`.
fn line_rows(gpu: Arc<Gpu>, width: f32) -> Vec<u32> {
    let (mut r, errors) = draw_line(gpu, width, None, false);
    assert_eq!(errors, 0);
    (0..W)
        .filter(|&y| pixel(&mut r, 8, y) == [255, 0, 0, 255])
        .collect()
}

/// A blue horizontal line through the centre of row 8 from window x 0.25 to
/// 15.75 (inside the diamonds of pixels 0 and 15: GL's diamond-exit rule
/// draws pixels 0 to 14), `width` wide, with `line_stipple` (factor − 1,
/// pattern), `flat` shaded; returns the renderer and the draw's error count.
fn draw_line(
    gpu: Arc<Gpu>,
    width: f32,
    line_stipple: Option<(u8, u16)>,
    flat: bool,
) -> (Renderer, u64) {
    // Window y 8.5 (row 8's centre) is NDC y 1 - 8.5 / 8.
    let y = 1.0 - 8.5 / 8.0;
    let (x0, x1) = (0.25 / 8.0 - 1.0, 15.75 / 8.0 - 1.0);
    let line = [
        x0, y, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, //
        x1, y, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0,
    ];
    let mut r = Renderer::new(gpu);
    let ctx = CtxId(1);
    setup(&mut r, ctx, &line);
    let stream = draw_stream(&DrawSetup {
        line_width: width,
        mode: PrimMode::LINES,
        count: 2,
        line_stipple,
        flat,
        ..DrawSetup::default()
    });
    let stats = r.submit(ctx, &stream).unwrap();
    (r, stats.errors)
}

#[test]
fn line_stipple_follows_gl_pattern_and_factor() {
    let gpu = gpu();
    // GL: pixel s of a line is drawn when bit (s / factor) mod 16 is set.
    for (factor, pattern) in [(1u32, 0x5555u16), (2, 0x5555), (3, 0x0f0f)] {
        let stipple = Some(((factor - 1) as u8, pattern));
        let (mut r, errors) = draw_line(Arc::clone(&gpu), 1.0, stipple, false);
        assert_eq!(errors, 0);
        let drawn: Vec<bool> = (0..W)
            .map(|x| pixel(&mut r, x, 8) == [255, 0, 0, 255])
            .collect();
        let expected: Vec<bool> = (0..W)
            .map(|s| s < W - 1 && pattern >> ((s / factor) % 16) & 1 == 1)
            .collect();
        assert_eq!(drawn, expected, "factor {factor}, pattern {pattern:#06x}");
    }
    // Flat-shaded lines reach Vulkan reversed (GL's provoking vertex): the
    // pattern would run backwards, so the draw is refused.
    let (_, errors) = draw_line(gpu, 1.0, Some((0, 0x5555)), true);
    assert_eq!(errors, 1);
}

#[test]
fn wide_lines_are_as_wide_as_gl_draws_them() {
    let gpu = gpu();
    let caps = Renderer::new(Arc::clone(&gpu)).caps_v2();
    let widest = f32::from_bits(caps.max_aliased_line_width.get());
    assert!(widest >= 3.0, "lavapipe draws wide lines: {widest}");
    // GL: an x-major aliased line covers round(width) rows around it.
    assert_eq!(line_rows(Arc::clone(&gpu), 1.0), [8]);
    assert_eq!(line_rows(Arc::clone(&gpu), 3.0), [7, 8, 9]);
    assert_eq!(line_rows(Arc::clone(&gpu), 2.6), [7, 8, 9]);
    // Without the raw path the caps say 1 and wider lines are drawn at 1.
    let narrow = Gpu::with_options(GpuOptions { raw_vulkan: false })
        .expect("a Vulkan adapter (lavapipe) is needed for GPU tests");
    let caps = Renderer::new(Arc::clone(&narrow)).caps_v2();
    assert_eq!(f32::from_bits(caps.max_aliased_line_width.get()), 1.0);
    assert_eq!(line_rows(narrow, 3.0), [8]);
}

/// A point at the centre of pixel (8, 8) (window x and y 8.5), drawn with
/// `s` on `gpu`: the renderer, and the draw's error count.
fn draw_point(gpu: Arc<Gpu>, s: DrawSetup) -> (Renderer, u64) {
    let c = 1.0 - 8.5 / 8.0;
    let point = [-c, c, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0];
    let mut r = Renderer::new(gpu);
    let ctx = CtxId(1);
    setup(&mut r, ctx, &point);
    let stream = draw_stream(&DrawSetup {
        mode: PrimMode::POINTS,
        count: 1,
        ..s
    });
    let stats = r.submit(ctx, &stream).unwrap();
    (r, stats.errors)
}

/// The columns of row 8 a point drawn with `s` covers.
fn point_columns(gpu: Arc<Gpu>, s: DrawSetup) -> Vec<u32> {
    let (mut r, errors) = draw_point(gpu, s);
    assert_eq!(errors, 0);
    (0..W)
        .filter(|&x| pixel(&mut r, x, 8) != [0, 0, 0, 255])
        .collect()
}

/// A vertex shader writing point size 3 (`PSIZE`).
const PSIZE_VS: &str = "VERT\nDCL IN[0]\nDCL IN[1]\nDCL OUT[0], POSITION\nDCL OUT[1], COLOR\nDCL OUT[2], PSIZE\nIMM[0] FLT32 {3.0, 0.0, 0.0, 0.0}\n  0: MOV OUT[0], IN[0]\n  1: MOV OUT[1], IN[1]\n  2: MOV OUT[2].x, IMM[0].xxxx\n  3: END\n";

#[test]
fn points_are_as_large_as_gl_draws_them() {
    let gpu = gpu();
    let caps = Renderer::new(Arc::clone(&gpu)).caps_v2();
    let largest = f32::from_bits(caps.max_aliased_point_size.get());
    assert!(largest >= 64.0, "lavapipe draws large points: {largest}");
    assert_eq!(f32::from_bits(caps.max_smooth_point_size.get()), 1.0);
    let sized = |size: f32| DrawSetup {
        point_size: size,
        ..DrawSetup::default()
    };
    // A square of `size` pixels centred on the vertex: the pixels whose
    // centres it holds (the left edge in, the right one out, as llvmpipe
    // draws GL's point sprites).
    assert_eq!(point_columns(Arc::clone(&gpu), sized(1.0)), [8]);
    assert_eq!(
        point_columns(Arc::clone(&gpu), sized(5.0)),
        [6, 7, 8, 9, 10]
    );
    assert_eq!(point_columns(Arc::clone(&gpu), sized(4.0)), [6, 7, 8, 9]);
    // Sizes from the vertex shader when the rasterizer says so, not
    // otherwise.
    let per_vertex = DrawSetup {
        vs: PSIZE_VS,
        point_size_per_vertex: true,
        ..sized(9.0)
    };
    assert_eq!(point_columns(Arc::clone(&gpu), per_vertex), [7, 8, 9]);
    let fixed = DrawSetup {
        vs: PSIZE_VS,
        ..sized(1.0)
    };
    assert_eq!(point_columns(Arc::clone(&gpu), fixed), [8]);
    // Guest sizes out of range draw within it.
    assert_eq!(point_columns(Arc::clone(&gpu), sized(f32::NAN)), [8]);
    assert_eq!(point_columns(Arc::clone(&gpu), sized(-3.0)), [8]);
    assert_eq!(
        point_columns(Arc::clone(&gpu), sized(1e30)).len(),
        W as usize
    );
    // Without Vulkan's large points the caps say 1 and points are 1 pixel.
    let small = Gpu::with_options(GpuOptions { raw_vulkan: false })
        .expect("a Vulkan adapter (lavapipe) is needed for GPU tests");
    let caps = Renderer::new(Arc::clone(&small)).caps_v2();
    assert_eq!(f32::from_bits(caps.max_aliased_point_size.get()), 1.0);
    assert_eq!(point_columns(small, sized(5.0)), [8]);
}

#[test]
fn sprite_coordinates_run_across_the_point() {
    // GENERIC[0] read as the colour: (s, t, 0, 1) under sprite coordinates.
    const FS: &str = "FRAG\nDCL IN[0], GENERIC[0], PERSPECTIVE\nDCL OUT[0], COLOR\n  0: MOV OUT[0], IN[0]\n  1: END\n";
    let gpu = gpu();
    // A 5-pixel point covers pixels 6 to 10: s and t are 0.1, 0.3 … 0.9 at
    // their centres. BGRA: t is byte 1 (green), s byte 2 (red).
    let sprite = |lower_left: bool| {
        let (mut r, errors) = draw_point(
            Arc::clone(&gpu),
            DrawSetup {
                point_size: 5.0,
                sprite_coords: Some((1, lower_left)),
                fs: FS,
                ..DrawSetup::default()
            },
        );
        assert_eq!(errors, 0, "{:?}", r.context_errors(CtxId(1)));
        // 0.1 and 0.9 as 8-bit values: 0 (25 or 26) and 1 (229 or 230).
        [(6, 6), (10, 6), (6, 10), (10, 10)].map(|(x, y)| {
            let p = pixel(&mut r, x, y);
            [p[2], p[1]].map(|v| match v {
                25 | 26 => 0,
                229 | 230 => 1,
                _ => panic!("({x}, {y}): {p:?}"),
            })
        })
    };
    // UPPER_LEFT: t grows down the rows (Gallium's row order).
    assert_eq!(sprite(false), [[0, 0], [1, 0], [0, 1], [1, 1]]);
    // LOWER_LEFT: t grows up.
    assert_eq!(sprite(true), [[0, 1], [1, 1], [0, 0], [1, 0]]);
}

#[test]
fn polygon_stipple_masks_pixels_by_window_position() {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    // A different bit pattern in every row.
    let rows: [u32; 32] = std::array::from_fn(|y| (y as u32 + 1).wrapping_mul(0x9e37_79b9));
    let stream = draw_stream(&DrawSetup {
        stipple: Some(rows),
        ..DrawSetup::default()
    });
    let stats = r.submit(ctx, &stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    let caps = r.caps_v2();
    assert_ne!(caps.v1.bset.get() & bset::POLY_STIPPLE, 0);
    // Gallium's rule: pixel (x, y) is drawn when bit 31 − x of row y is set
    // (rows in memory order, as read back).
    for y in 0..W {
        for x in 0..W {
            let on = rows[y as usize] >> (31 - x) & 1 == 1;
            let expected = if on { [255, 0, 0, 255] } else { [0, 0, 0, 255] };
            assert_eq!(pixel(&mut r, x, y), expected, "pixel {x},{y}");
        }
    }
}

#[test]
fn without_vulkan_logic_ops_draws_are_refused_not_drawn_wrong() {
    let gpu = Gpu::with_options(GpuOptions { raw_vulkan: false })
        .expect("a Vulkan adapter (lavapipe) is needed for GPU tests");
    // XOR is refused with an Unsupported error; the target keeps its clear.
    let (got, errors, list) = logic_op_pixel(Arc::clone(&gpu), 6);
    assert_eq!(errors, 1, "{list:?}");
    assert!(list.iter().any(|e| e.contains("logic ops")), "{list:?}");
    assert_eq!(got, LOGIC_DST);
    // COPY needs no logic op: drawn as a plain write.
    let (got, errors, list) = logic_op_pixel(gpu, 12);
    assert_eq!(errors, 0, "{list:?}");
    assert_eq!(got, LOGIC_SRC);
}

#[test]
fn multisampled_targets_resolve_in_blits() {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    // The bottom-left half of the target (up to the diagonal from the top-left
    // to the bottom-right corner, through pixel centres), blue.
    let mut tri = TRIANGLE;
    tri[8] = 1.0;
    tri[17] = 1.0;
    setup(&mut r, ctx, &tri);
    let mut msaa = info(TextureTarget::TEXTURE_2D, Format::B8G8R8A8_UNORM, W, W);
    msaa.nr_samples = 4;
    r.create_resource(ResId(3), &msaa, None).unwrap();
    r.attach_resource(ctx, ResId(3)).unwrap();
    // Up to 4×: more samples are refused at creation.
    msaa.nr_samples = 5;
    assert!(r.create_resource(ResId(4), &msaa, None).is_err());
    let draw = draw_stream(&DrawSetup {
        target: 3,
        ..DrawSetup::default()
    });
    let whole = guest_protocol::virgl::Box3 {
        x: 0,
        y: 0,
        z: 0,
        w: W as i32,
        h: W as i32,
        d: 1,
    };
    let surface = |res| guest_protocol::virgl::BlitSurface {
        res,
        level: 0,
        format: Format::B8G8R8A8_UNORM,
        region: whole,
    };
    let mut e = Encoder::new();
    e.push(&Command::Blit(guest_protocol::virgl::Blit {
        flags: guest_protocol::virgl::bits::BlitFlags::new().with_mask(0xf),
        scissor_min: Default::default(),
        scissor_max: Default::default(),
        dst: surface(1),
        src: surface(3),
    }))
    .unwrap();
    for stream in [draw, e.finish()] {
        let stats = r.submit(ctx, &stream).unwrap();
        assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    }
    // Row 0 is the top: the bottom-left half is blue, the top-right black,
    // and pixels the diagonal cuts hold the average of their samples.
    assert_eq!(pixel(&mut r, 1, 14), [255, 0, 0, 255]);
    assert_eq!(pixel(&mut r, 14, 1), [0, 0, 0, 255]);
    let blues: Vec<u8> = (0..W).map(|i| pixel(&mut r, i, i)[0]).collect();
    assert!(
        blues.iter().all(|&b| b > 0 && b < 255),
        "diagonal pixels are partly covered: {blues:?}"
    );
}

#[test]
fn caps_are_the_gl21_level() {
    let r = Renderer::new(gpu());
    let caps = r.caps_v2();
    assert_eq!(caps.v1.max_version.get(), 2);
    // Geometry shaders (renderer_geometry.rs) on lavapipe: GLSL 3.30, up to
    // GL's minimum maximum output.
    assert_eq!(caps.v1.glsl_level.get(), 330);
    assert_eq!(caps.max_geom_output_vertices.get(), 256);
    assert_eq!(caps.max_geom_total_output_components.get(), 1024);
    // Texture buffers (renderer_tbo.rs): GL 3.1's minimum size.
    assert_eq!(caps.v1.max_tbo_size.get(), 65536);
    assert_eq!(caps.texture_buffer_offset_alignment.get(), 16);
    // Adjacency modes (bits 10 to 13) with the geometry shaders, patches
    // (bit 14) with the tessellation stages (renderer_tessellation.rs).
    assert_eq!(caps.v1.prim_mask.get(), 0x3b | 0xf << 10 | 1 << 14);
    assert_ne!(caps.v1.bset.get() & bset::HAS_TESSELLATION_SHADERS, 0);
    assert_eq!(caps.max_shader_patch_varyings.get(), 30);
    assert_eq!(caps.v1.max_render_targets.get(), 8);
    // ARB_clip_control, textureSamples, sample shading, indirect draws,
    // ARB_clear_texture (not COPY_IMAGE: see caps.rs), compute shaders,
    // texture views and query buffer objects (renderer_gl, renderer_msaa,
    // renderer_compute, renderer_texture_view, and this file's copies_*,
    // indirect_draws_*, clear_texture_* and query_buffer_objects_* tests).
    assert_eq!(
        caps.capability_bits.get(),
        cap::TRANSFER
            | cap::COMPUTE_SHADER
            | cap::FB_NO_ATTACH
            | cap::SRGB_WRITE_CONTROL
            | cap::CLIP_HALFZ
            | cap::TXQS
            | cap::SET_MIN_SAMPLES
            | cap::MULTI_DRAW_INDIRECT
            | cap::INDIRECT_PARAMS
            | cap::CLEAR_TEXTURE
            | cap::TEXTURE_VIEW
            | cap::QBO
    );
    // textureGather with WebGPU's constant offsets (shader_exec).
    assert_eq!(caps.v1.max_texture_gather_components.get(), 4);
    assert_eq!(caps.min_texture_gather_offset.get() as i32, -8);
    assert_eq!(caps.max_texture_gather_offset.get(), 7);
    assert_ne!(caps.v1.bset.get() & bset::DERIVATIVE_CONTROL, 0);
    // textureQueryLOD (shader_exec's gpu_lod_queries_*).
    assert_ne!(caps.v1.bset.get() & bset::TEXTURE_QUERY_LOD, 0);
    assert!(caps.host_feature_check_version.get() >= 5);
    assert!(caps.renderer.starts_with(b"pv3d wgpu "));
    for f in [
        Format::B8G8R8A8_UNORM,
        Format::B8G8R8X8_UNORM,
        Format::R8G8B8A8_UNORM,
        Format::A8_UNORM,
        Format::R8_UNORM,
    ] {
        assert!(caps.v1.sampler.contains(f.0), "{f:?} sampleable");
    }
    for f in [
        Format::B8G8R8A8_UNORM,
        Format::B8G8R8X8_UNORM,
        Format::R8G8B8A8_UNORM,
        Format::R8G8B8X8_UNORM,
        // Stored as R8/RG8, written through an output swizzle.
        Format::A8_UNORM,
        Format::L8_UNORM,
        Format::I8_UNORM,
        // Single-channel luminance, alpha and intensity of other sizes:
        // one channel, written through the render swizzle.
        Format::L8_SNORM,
        Format::A16_FLOAT,
        Format::I32_FLOAT,
        // Stored as RGBA8.
        Format::L8A8_UNORM,
        // X formats for GL_RGB10 (and GL_RGB12/16 on 16-bit-norm devices):
        // without them Mesa picks a format with alpha and DST_ALPHA reads it.
        Format::R10G10B10X2_UNORM,
    ] {
        assert!(caps.v1.render.contains(f.0), "{f:?} renderable");
    }
    // Cube map arrays (lavapipe binds cube array views).
    assert_ne!(caps.v1.bset.get() & bset::CUBE_MAP_ARRAY, 0);
    // Integer formats, sampled and rendered: Mesa's EXT_texture_integer
    // (RGBA32 UINT and SINT) and ARB_texture_rgb10_a2ui.
    for f in [
        Format::R32G32B32A32_UINT,
        Format::R32G32B32A32_SINT,
        Format::R8G8B8A8_UINT,
        Format::R16_SINT,
        Format::R10G10B10A2_UINT,
    ] {
        assert!(caps.v1.sampler.contains(f.0), "{f:?} sampleable");
        assert!(caps.v1.render.contains(f.0), "{f:?} renderable");
    }
    // The seam transports use serves the same bytes.
    use host_renderer::RendererBackend;
    let v2 = RendererBackend::capset(&r, 2).unwrap();
    assert_eq!(v2.len(), 1376);
    // glsl_level at byte 264, host_feature_check_version at 556.
    assert_eq!(&v2[264..268], &330u32.to_le_bytes());
    assert_eq!(
        &v2[556..560],
        &caps.host_feature_check_version.get().to_le_bytes()
    );
    assert_eq!(RendererBackend::capset(&r, 1).unwrap().len(), 308);
    assert!(RendererBackend::capset(&r, 3).is_none());
    // Not implemented as render targets: 16/32-bit luminance-alpha pairs
    // (stored in two channels, where blending would read green as the
    // destination's alpha), and unknown values.
    assert!(!caps.v1.render.contains(Format::L16A16_UNORM.0));
    assert!(!caps.v1.render.contains(Format::L32A32_FLOAT.0));
    assert!(!caps.v1.sampler.contains(73));
    assert_eq!(r.caps_v1().max_version.get(), 1);
}

#[test]
fn errors_stay_in_their_context() {
    let mut r = Renderer::new(gpu());
    let good = CtxId(1);
    setup(&mut r, good, &TRIANGLE);
    let bad = CtxId(2);
    r.create_context(bad, "hostile").unwrap();
    r.attach_resource(bad, ResId(1)).unwrap();

    // Undecodable bytes: the buffer stops, the error is returned.
    assert!(r.submit(bad, &[0xff, 0xff, 0xff, 0xff, 1, 2, 3]).is_err());
    // Well-formed commands with hostile values: each fails on its own.
    let mut e = Encoder::new();
    e.push(&Command::BindObject {
        object_type: ObjectType::BLEND,
        handle: 999,
    })
    .unwrap();
    e.push(&Command::CreateObject(CreateObject::Surface(Surface {
        handle: 5,
        res: 2, // not attached to this context
        format: Format::B8G8R8A8_UNORM,
        range0: 0,
        range1: 0,
    })))
    .unwrap();
    e.push(&Command::CreateObject(CreateObject::Surface(Surface {
        handle: 6,
        res: 1,
        format: Format::B8G8R8A8_UNORM,
        range0: 7, // no such level
        range1: 0,
    })))
    .unwrap();
    e.push(&Command::DrawVbo(DrawVbo {
        start: u32::MAX,
        count: u32::MAX,
        mode: PrimMode(77),
        indexed: true,
        instance_count: u32::MAX,
        index_bias: i32::MIN,
        start_instance: u32::MAX,
        primitive_restart: true,
        restart_index: 0,
        min_index: 0,
        max_index: u32::MAX,
        count_from_so: 0,
        tess: None,
        indirect: None,
    }))
    .unwrap();
    e.push(&Command::Transfer3d(guest_protocol::virgl::Transfer3d {
        res: 1,
        level: 0,
        usage: 0,
        stride: 0,
        layer_stride: 0,
        region: guest_protocol::virgl::Box3 {
            x: -5,
            y: 0,
            z: 0,
            w: i32::MAX,
            h: 1,
            d: 1,
        },
        offset: u32::MAX,
        direction: guest_protocol::virgl::enums::TransferDirection::TO_HOST,
    }))
    .unwrap();
    e.push(&Command::SetSubCtx(12345)).unwrap();
    e.push(&Command::DestroySubCtx(0)).unwrap();
    let stats = r.submit(bad, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 5, "{:?}", r.context_errors(bad));
    let (errors, count) = r.context_errors(bad).unwrap();
    assert_eq!(count, 5);
    assert!(errors.iter().any(|e| e.opcode == "DRAW_VBO"));
    assert!(errors.iter().any(|e| e.opcode == "TRANSFER3D"));

    // A full pipeline, then draws with hostile ranges: indices past the
    // buffer, an index buffer that is a texture, vertex buffers unbound.
    r.attach_resource(bad, ResId(2)).unwrap();
    let stats = r
        .submit(bad, &triangle_stream(true, true, CullFace::NONE))
        .unwrap();
    assert_eq!(stats.errors, 0);
    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    let hostile = DrawVbo {
        start: 0,
        count: 1 << 30,
        mode: PrimMode::TRIANGLES,
        indexed: true,
        instance_count: 1,
        index_bias: 0,
        start_instance: 0,
        primitive_restart: false,
        restart_index: 0,
        min_index: 0,
        max_index: u32::MAX,
        count_from_so: 0,
        tess: None,
        indirect: None,
    };
    e.push(&Command::SetIndexBuffer(
        guest_protocol::virgl::IndexBuffer {
            res: 2,
            layout: Some((4, 0)),
        },
    ))
    .unwrap();
    e.push(&Command::DrawVbo(hostile)).unwrap();
    e.push(&Command::SetIndexBuffer(
        guest_protocol::virgl::IndexBuffer {
            res: 1,
            layout: Some((2, 0)),
        },
    ))
    .unwrap();
    e.push(&Command::DrawVbo(DrawVbo {
        count: 3,
        ..hostile
    }))
    .unwrap();
    e.push(&Command::SetIndexBuffer(
        guest_protocol::virgl::IndexBuffer {
            res: 2,
            layout: Some((4, 1 << 20)),
        },
    ))
    .unwrap();
    e.push(&Command::DrawVbo(DrawVbo {
        count: 3,
        ..hostile
    }))
    .unwrap();
    e.push(&Command::SetVertexBuffers(&[])).unwrap();
    e.push(&Command::DrawVbo(DrawVbo {
        indexed: false,
        count: 3,
        ..hostile
    }))
    .unwrap();
    let stats = r.submit(bad, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 4, "{:?}", r.context_errors(bad));

    // The good context renders as if nothing happened.
    let stats = r
        .submit(good, &triangle_stream(true, true, CullFace::NONE))
        .unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(good));
    assert_eq!(pixel(&mut r, 8, 8), [255, 0, 0, 255]);
    assert_eq!(r.context_errors(good).unwrap().1, 0);
    assert!(r.gpu().take_uncaptured().is_empty());

    // Unknown contexts and resources are errors, not panics.
    assert!(r.submit(CtxId(99), &[]).is_err());
    assert!(r.attach_resource(CtxId(99), ResId(1)).is_err());
    assert!(r.unref_resource(ResId(99)).is_err());
    r.destroy_context(bad).unwrap();
    assert!(r.submit(bad, &[]).is_err());
}

#[test]
fn fences_signal() {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    r.submit(ctx, &triangle_stream(true, true, CullFace::NONE))
        .unwrap();
    r.create_fence(7);
    r.wait_idle();
    assert_eq!(r.poll_fences(), vec![7]);
    assert!(!r.is_busy());
}

/// Creates query `handle` of type `ty` writing its state at `offset` of
/// buffer 3, and wraps one full-target draw (when `draw`) in it.
fn query_around_draw(
    e: &mut Encoder,
    (handle, ty, offset): (u32, guest_protocol::virgl::enums::QueryType, u32),
    draw: bool,
) {
    e.push(&Command::CreateObject(CreateObject::Query(
        guest_protocol::virgl::Query {
            handle,
            kind: guest_protocol::virgl::bits::QueryKind::new().with_query_type(ty),
            offset,
            res: 3,
        },
    )))
    .unwrap();
    e.push(&Command::BeginQuery { handle }).unwrap();
    if draw {
        e.push(&Command::DrawVbo(full_draw())).unwrap();
    }
    e.push(&Command::EndQuery { handle }).unwrap();
}

#[test]
fn occlusion_queries_count_samples() {
    use guest_protocol::virgl::enums::QueryType;
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    r.create_resource(
        ResId(3),
        &info(TextureTarget::BUFFER, Format::R8_UNORM, 32, 1),
        None,
    )
    .unwrap();
    r.attach_resource(ctx, ResId(3)).unwrap();
    r.submit(ctx, &triangle_stream(true, true, CullFace::NONE))
        .unwrap();
    for (ty, handle, scissored, want) in [
        (QueryType::OCCLUSION_COUNTER, 20, false, 256),
        (QueryType::OCCLUSION_PREDICATE, 21, false, 1),
        (QueryType::OCCLUSION_COUNTER, 22, true, 0),
    ] {
        let mut e = Encoder::new();
        e.push(&Command::SetSubCtx(1)).unwrap();
        // (The third query wraps no draw at all.)
        query_around_draw(&mut e, (handle, ty, 16), !scissored);
        e.push(&Command::GetQueryResult { handle, wait: 1 })
            .unwrap();
        let stats = r.submit(ctx, e.as_bytes()).unwrap();
        assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
        let out = VecBacking::zeroed(32);
        let t = TransferBox {
            level: 0,
            region: guest_protocol::virgl::Box3 {
                x: 16,
                y: 0,
                z: 0,
                w: 16,
                h: 1,
                d: 1,
            },
            stride: 0,
            layer_stride: 0,
            offset: 16,
        };
        r.read_into(ResId(3), &t, out.as_ref()).unwrap();
        let b = out.snapshot();
        let state = u32::from_le_bytes(b[16..20].try_into().unwrap());
        let size = u32::from_le_bytes(b[20..24].try_into().unwrap());
        let result = u64::from_le_bytes(b[24..32].try_into().unwrap());
        assert_eq!(
            (state, size, result),
            (1, 8, want),
            "{ty:?} scissored {scissored}"
        );
    }
    assert!(r.gpu().take_uncaptured().is_empty());
}

#[test]
fn query_buffer_objects_receive_results_and_availability() {
    use guest_protocol::virgl::enums::QueryType;
    use guest_protocol::virgl::QueryResultQbo;
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    for (id, len) in [(3, 32), (4, 64)] {
        r.create_resource(
            ResId(id),
            &info(TextureTarget::BUFFER, Format::R8_UNORM, len, 1),
            None,
        )
        .unwrap();
        r.attach_resource(ctx, ResId(id)).unwrap();
    }
    r.submit(ctx, &triangle_stream(true, true, CullFace::NONE))
        .unwrap();
    let store = |result_type: u32, offset: u32, index: i32| {
        Command::GetQueryResultQbo(QueryResultQbo {
            handle: 20,
            qbo: 4,
            wait: 0,
            result_type,
            offset,
            index,
        })
    };
    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    query_around_draw(&mut e, (20, QueryType::OCCLUSION_COUNTER, 0), true);
    // Availability (U32) at 0, the result as U32 at 4, U64 at 8, I32 at 16.
    e.push(&store(1, 0, -1)).unwrap();
    e.push(&store(1, 4, 0)).unwrap();
    e.push(&store(3, 8, 0)).unwrap();
    e.push(&store(0, 16, 0)).unwrap();
    let stats = r.submit(ctx, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    let b = buffer_bytes(&mut r, ResId(4), 64);
    let word = |at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    // 16×16 samples drawn.
    assert_eq!((word(0), word(4)), (1, 256));
    assert_eq!(u64::from_le_bytes(b[8..16].try_into().unwrap()), 256);
    assert_eq!(word(16), 256);
    // Past the buffer, an unknown result type and an index above 0 are
    // context errors; nothing is written.
    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    e.push(&store(3, 60, 0)).unwrap();
    e.push(&store(9, 0, 0)).unwrap();
    e.push(&store(1, 0, 1)).unwrap();
    let stats = r.submit(ctx, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 3);
    assert_eq!(buffer_bytes(&mut r, ResId(4), 64), b);
    let bits = r.caps_v2().capability_bits.get();
    assert_ne!(bits & cap::QBO, 0);
}

#[test]
fn conditional_rendering_follows_the_query_result() {
    use guest_protocol::virgl::bits::QueryKind;
    use guest_protocol::virgl::enums::{QueryType, RenderCondMode};
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    r.create_resource(
        ResId(3),
        &info(TextureTarget::BUFFER, Format::R8_UNORM, 64, 1),
        None,
    )
    .unwrap();
    r.attach_resource(ctx, ResId(3)).unwrap();
    r.submit(ctx, &triangle_stream(true, true, CullFace::NONE))
        .unwrap();
    // Query 20 counts no samples, query 21 the full-target triangle's.
    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    for (handle, draws) in [(20, false), (21, true)] {
        e.push(&Command::CreateObject(CreateObject::Query(
            guest_protocol::virgl::Query {
                handle,
                kind: QueryKind::new().with_query_type(QueryType::OCCLUSION_COUNTER),
                offset: 32 * (handle - 20),
                res: 3,
            },
        )))
        .unwrap();
        e.push(&Command::BeginQuery { handle }).unwrap();
        if draws {
            e.push(&Command::DrawVbo(full_draw())).unwrap();
        }
        e.push(&Command::EndQuery { handle }).unwrap();
    }
    let stats = r.submit(ctx, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    let black = [0, 0, 0, 255];
    let blue = [255, 0, 0, 255];
    let green = [0, 255, 0, 255];
    for (handle, inverted, renders) in [
        (21, false, true),
        (20, false, false),
        (20, true, true),
        (21, true, false),
    ] {
        let mut e = Encoder::new();
        e.push(&Command::SetSubCtx(1)).unwrap();
        e.push(&Command::Clear(Clear {
            buffers: clear_bits::color(0),
            color: [0.0, 0.0, 0.0, 1.0].map(f32::to_bits),
            depth: guest_protocol::wire::F64Bits(1.0f64.to_bits()),
            stencil: 0,
        }))
        .unwrap();
        e.push(&Command::SetRenderCondition {
            handle,
            condition: u32::from(inverted),
            mode: RenderCondMode::WAIT,
        })
        .unwrap();
        e.push(&Command::DrawVbo(full_draw())).unwrap();
        let stats = r.submit(ctx, e.as_bytes()).unwrap();
        assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
        let want = if renders { blue } else { black };
        assert_eq!(
            pixel(&mut r, 8, 8),
            want,
            "draw, query {handle}, inverted {inverted}"
        );
        // A clear honours the condition too.
        let mut e = Encoder::new();
        e.push(&Command::SetSubCtx(1)).unwrap();
        e.push(&Command::Clear(Clear {
            buffers: clear_bits::color(0),
            color: [0.0, 1.0, 0.0, 1.0].map(f32::to_bits),
            depth: guest_protocol::wire::F64Bits(1.0f64.to_bits()),
            stencil: 0,
        }))
        .unwrap();
        r.submit(ctx, e.as_bytes()).unwrap();
        let want = if renders { green } else { want };
        assert_eq!(
            pixel(&mut r, 8, 8),
            want,
            "clear, query {handle}, inverted {inverted}"
        );
        // Without a condition, everything renders again.
        let mut e = Encoder::new();
        e.push(&Command::SetSubCtx(1)).unwrap();
        e.push(&Command::SetRenderCondition {
            handle: 0,
            condition: 0,
            mode: RenderCondMode::WAIT,
        })
        .unwrap();
        e.push(&Command::DrawVbo(full_draw())).unwrap();
        r.submit(ctx, e.as_bytes()).unwrap();
        assert_eq!(pixel(&mut r, 8, 8), blue);
    }
    // A condition on a handle that is no query is an error.
    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    e.push(&Command::SetRenderCondition {
        handle: 999,
        condition: 0,
        mode: RenderCondMode::WAIT,
    })
    .unwrap();
    let stats = r.submit(ctx, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 1);
    assert!(r.gpu().take_uncaptured().is_empty());
}

#[test]
fn time_elapsed_queries_when_the_device_has_timestamps() {
    use guest_protocol::virgl::enums::QueryType;
    let mut r = Renderer::new(gpu());
    let has = r
        .gpu()
        .features
        .contains(wgpu::Features::TIMESTAMP_QUERY_INSIDE_ENCODERS);
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    r.create_resource(
        ResId(3),
        &info(TextureTarget::BUFFER, Format::R8_UNORM, 16, 1),
        None,
    )
    .unwrap();
    r.attach_resource(ctx, ResId(3)).unwrap();
    r.submit(ctx, &triangle_stream(true, true, CullFace::NONE))
        .unwrap();
    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    query_around_draw(&mut e, (30, QueryType::TIME_ELAPSED, 0), true);
    e.push(&Command::GetQueryResult {
        handle: 30,
        wait: 1,
    })
    .unwrap();
    let stats = r.submit(ctx, e.as_bytes()).unwrap();
    if !has {
        // Honestly refused, never faked.
        assert_eq!(stats.errors, 3, "{:?}", r.context_errors(ctx));
        return;
    }
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    let out = VecBacking::zeroed(16);
    let t = TransferBox {
        level: 0,
        region: guest_protocol::virgl::Box3 {
            x: 0,
            y: 0,
            z: 0,
            w: 16,
            h: 1,
            d: 1,
        },
        stride: 0,
        layer_stride: 0,
        offset: 0,
    };
    r.read_into(ResId(3), &t, out.as_ref()).unwrap();
    let b = out.snapshot();
    assert_eq!(u32::from_le_bytes(b[0..4].try_into().unwrap()), 1);
    let ns = u64::from_le_bytes(b[8..16].try_into().unwrap());
    assert!(ns < 10_000_000_000, "{ns} ns");
}

/// Clears a depth/stencil surface of `format` and reads the first texel back
/// in the guest's packed layout.
/// Clears one 4×4 colour target of `format` to `color`; its first texel's
/// `bytes` bytes.
fn cleared_color_texel(format: Format, color: [f32; 4], bytes: usize) -> Vec<u8> {
    cleared_color_bits(format, color.map(f32::to_bits), bytes)
}

/// As [`cleared_color_texel`] with the clear colour's raw bits (integer
/// targets take integers).
fn cleared_color_bits(format: Format, color: [u32; 4], bytes: usize) -> Vec<u8> {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    r.create_context(ctx, "color").unwrap();
    r.create_resource(
        ResId(1),
        &info(TextureTarget::TEXTURE_2D, format, 4, 4),
        None,
    )
    .unwrap();
    r.attach_resource(ctx, ResId(1)).unwrap();
    let mut e = Encoder::new();
    e.push(&Command::CreateObject(CreateObject::Surface(Surface {
        handle: 1,
        res: 1,
        format,
        range0: 0,
        range1: 0,
    })))
    .unwrap();
    e.push(&Command::SetFramebufferState {
        zsurf: 0,
        cbufs: &[Le32::new(1)],
    })
    .unwrap();
    e.push(&Command::Clear(Clear {
        buffers: clear_bits::color(0),
        color,
        depth: guest_protocol::wire::F64Bits(1.0f64.to_bits()),
        stencil: 0,
    }))
    .unwrap();
    let stats = r.submit(ctx, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    let img = r.read_resource(ResId(1), 0, 0).unwrap();
    img.data[..bytes].to_vec()
}

/// Alpha/luminance targets are stored as R8/RG8: clears write GL's alpha
/// where the format keeps it.
#[test]
fn alpha_and_luminance_clears_write_the_stored_channels() {
    let color = [0.2, 0.4, 0.6, 0.8];
    assert_eq!(cleared_color_texel(Format::A8_UNORM, color, 1), [204]);
    assert_eq!(cleared_color_texel(Format::L8_UNORM, color, 1), [51]);
    assert_eq!(cleared_color_texel(Format::I8_UNORM, color, 1), [51]);
    assert_eq!(cleared_color_texel(Format::L8A8_UNORM, color, 2), [51, 204]);
}

/// Integer targets (EXT_texture_integer) clear to the colour's integer
/// bits, unsigned and signed, at every channel width.
#[test]
fn integer_clears_write_the_colour_bits() {
    let u = [1, 4_000_000_000, 7, u32::MAX];
    let bytes = |w: &[u32]| w.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>();
    assert_eq!(
        cleared_color_bits(Format::R32G32B32A32_UINT, u, 16),
        bytes(&u)
    );
    let s = [-3i32, 300, -32768, 5].map(|v| v as u32);
    let got = cleared_color_bits(Format::R16G16B16A16_SINT, s, 8);
    let want: Vec<u8> = [-3i16, 300, -32768, 5]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    assert_eq!(got, want);
    assert_eq!(
        cleared_color_bits(Format::R8_UINT, [200, 0, 0, 0], 1),
        [200]
    );
}

fn cleared_depth_texel(format: Format, depth: f64, stencil: u32, bytes: usize) -> Vec<u8> {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    r.create_context(ctx, "depth").unwrap();
    r.create_resource(
        ResId(1),
        &info(TextureTarget::TEXTURE_2D, format, 4, 4),
        None,
    )
    .unwrap();
    r.attach_resource(ctx, ResId(1)).unwrap();
    let mut e = Encoder::new();
    e.push(&Command::CreateObject(CreateObject::Surface(Surface {
        handle: 1,
        res: 1,
        format,
        range0: 0,
        range1: 0,
    })))
    .unwrap();
    e.push(&Command::SetFramebufferState {
        zsurf: 1,
        cbufs: &[],
    })
    .unwrap();
    e.push(&Command::Clear(Clear {
        buffers: clear_bits::DEPTH | clear_bits::STENCIL,
        color: [0; 4],
        depth: guest_protocol::wire::F64Bits(depth.to_bits()),
        stencil,
    }))
    .unwrap();
    let stats = r.submit(ctx, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    let img = r.read_resource(ResId(1), 0, 0).unwrap();
    img.data[..bytes].to_vec()
}

#[test]
fn depth_read_back_is_packed_like_gl() {
    let z32 = |d| {
        u32::from_le_bytes(
            cleared_depth_texel(Format::Z32_UNORM, d, 0, 4)
                .try_into()
                .unwrap(),
        )
    };
    assert_eq!(z32(1.0), u32::MAX);
    assert_eq!(z32(0.0), 0);
    assert!(z32(0.5).abs_diff(0x8000_0000) < 0x100, "{:#x}", z32(0.5));
    let z24s8 = u32::from_le_bytes(
        cleared_depth_texel(Format::Z24_UNORM_S8_UINT, 1.0, 0xab, 4)
            .try_into()
            .unwrap(),
    );
    assert_eq!(z24s8, 0xab_ff_ff_ff);
    let s8z24 = u32::from_le_bytes(
        cleared_depth_texel(Format::S8_UINT_Z24_UNORM, 0.0, 0x12, 4)
            .try_into()
            .unwrap(),
    );
    assert_eq!(s8z24, 0x12);
    let z16 = u16::from_le_bytes(
        cleared_depth_texel(Format::Z16_UNORM, 1.0, 0, 2)
            .try_into()
            .unwrap(),
    );
    assert_eq!(z16, u16::MAX);
    let zf = f32::from_le_bytes(
        cleared_depth_texel(Format::Z32_FLOAT, 0.25, 0, 4)
            .try_into()
            .unwrap(),
    );
    assert_eq!(zf, 0.25);
    let zfs = cleared_depth_texel(Format::Z32_FLOAT_S8X24_UINT, 0.75, 7, 8);
    assert_eq!(f32::from_le_bytes(zfs[..4].try_into().unwrap()), 0.75);
    assert_eq!(&zfs[4..], &[7, 0, 0, 0]);
}

/// GL viewports may be larger than the framebuffer: the mapping must stay
/// the guest's, not be squeezed into the attachment.
#[test]
fn viewports_larger_than_the_framebuffer_keep_their_mapping() {
    // Left half of NDC (x ≤ 0): with a 32-wide viewport on a 16-wide target
    // it covers the whole target; the right half would fall outside it.
    const LEFT: [f32; 24] = [
        -1.0, -1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, //
        0.0, -1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, //
        -1.0, 3.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0,
    ];
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &LEFT);
    r.submit(ctx, &triangle_stream(true, true, CullFace::NONE))
        .unwrap();
    // With the 16-wide viewport, the triangle covers only the left half.
    assert_eq!(pixel(&mut r, 2, 14), [255, 0, 0, 255]);
    assert_eq!(pixel(&mut r, 10, 15), [0, 0, 0, 255]);
    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    let s = W as f32;
    let vp = [Viewport {
        scale: [f(s), f(-s), f(0.5)],
        translate: [f(s), f(s), f(0.5)],
    }];
    e.push(&Command::SetViewportState {
        start_slot: 0,
        viewports: &vp,
    })
    .unwrap();
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    let stats = r.submit(ctx, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    // Pixel (10, 15) is NDC (-0.34, 0.03) now, inside the triangle; squeezing
    // the viewport into the target would have left it at (0.31, -0.94).
    assert_eq!(pixel(&mut r, 10, 15), [255, 0, 0, 255]);
}

/// `L8A8` targets keep a real alpha channel: blending with `DST_ALPHA`
/// reads the destination's alpha (it read 1 while they were stored as
/// `RG8`), and the read-back is the guest's two bytes.
#[test]
fn luminance_alpha_blending_reads_the_destination_alpha() {
    use guest_protocol::virgl::bits::RtBlend;
    use guest_protocol::virgl::enums::{BlendFactor, BlendFunc};
    let gpu = gpu();
    let mut r = Renderer::new(Arc::clone(&gpu));
    let ctx = CtxId(1);
    // A white triangle covering the target.
    let mut white = TRIANGLE;
    for v in white.chunks_mut(8) {
        v[4..].copy_from_slice(&[1.0; 4]);
    }
    setup(&mut r, ctx, &white);
    r.create_resource(
        ResId(3),
        &info(TextureTarget::TEXTURE_2D, Format::L8A8_UNORM, W, W),
        None,
    )
    .unwrap();
    r.attach_resource(ctx, ResId(3)).unwrap();
    let blend = RtBlend::new()
        .with_blend_enable(true)
        .with_rgb_func(BlendFunc::ADD)
        .with_rgb_src_factor(BlendFactor::DST_ALPHA)
        .with_rgb_dst_factor(BlendFactor::ZERO)
        .with_alpha_func(BlendFunc::ADD)
        .with_alpha_src_factor(BlendFactor::DST_ALPHA)
        .with_alpha_dst_factor(BlendFactor::ZERO);
    let stream = draw_stream(&DrawSetup {
        target: 3,
        format: Format::L8A8_UNORM,
        clear: [0.8, 0.0, 0.0, 0.4],
        blend,
        ..DrawSetup::default()
    });
    let stats = r.submit(ctx, &stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    let img = r.read_resource(ResId(3), 0, 0).unwrap();
    // L = 1 · 0.4, A = 1 · 0.4.
    assert_eq!(img.data[..2], [102, 102]);
    assert!(gpu.take_uncaptured().is_empty());
}

/// Dual-source blending: colour 1 is the second blend source of buffer 0
/// when the blend reads it; otherwise, beside `FS_COLOR0_WRITES_ALL_CBUFS`
/// (EXT_blend_func_extended's secondary colour), it is not written.
#[test]
fn second_colours_are_the_second_blend_source() {
    use guest_protocol::virgl::bits::RtBlend;
    use guest_protocol::virgl::enums::{BlendFactor, BlendFunc};
    const FS: &str = "FRAG\nPROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\nDCL OUT[0], COLOR\nDCL OUT[1], COLOR[1]\nIMM[0] FLT32 {1.0, 0.0, 0.0, 1.0}\nIMM[1] FLT32 {0.25, 0.5, 1.0, 0.0}\n  0: MOV OUT[0], IMM[0]\n  1: MOV OUT[1], IMM[1]\n  2: END\n";
    let gpu = gpu();
    let caps = Renderer::new(Arc::clone(&gpu)).caps_v2();
    assert_eq!(caps.v1.max_dual_source_render_targets.get(), 1);
    let draw = |rgb_src: BlendFactor, rgb_dst: BlendFactor| {
        let mut r = Renderer::new(Arc::clone(&gpu));
        let ctx = CtxId(1);
        setup(&mut r, ctx, &TRIANGLE);
        let blend = RtBlend::new()
            .with_blend_enable(true)
            .with_rgb_func(BlendFunc::ADD)
            .with_rgb_src_factor(rgb_src)
            .with_rgb_dst_factor(rgb_dst)
            .with_alpha_func(BlendFunc::ADD)
            .with_alpha_src_factor(BlendFactor::ONE)
            .with_alpha_dst_factor(BlendFactor::ZERO);
        let stream = draw_stream(&DrawSetup {
            clear: [0.5, 0.5, 0.5, 1.0],
            blend,
            fs: FS,
            ..DrawSetup::default()
        });
        let stats = r.submit(ctx, &stream).unwrap();
        assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
        pixel(&mut r, 8, 8)
    };
    // src · src1 + dst · (1 − src1), dst 128 / 255: r = 1 · 0.25 + dst · 0.75,
    // g = dst · 0.5,
    // b = dst · 0 (BGRA bytes).
    assert_eq!(
        draw(BlendFactor::SRC1_COLOR, BlendFactor::INV_SRC1_COLOR),
        [0, 64, 160, 255]
    );
    // A blend that reads no second source: colour 0 alone.
    assert_eq!(draw(BlendFactor::ONE, BlendFactor::ZERO), [0, 0, 255, 255]);
    assert!(gpu.take_uncaptured().is_empty());
}

/// GL attaches textures of any format; a surface of one the host cannot
/// render to (RGB9E5) is made, and refused only when bound for rendering.
#[test]
fn surfaces_of_unrenderable_formats_are_refused_only_when_bound() {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    r.create_resource(
        ResId(3),
        &info(TextureTarget::TEXTURE_2D, Format::R9G9B9E5_FLOAT, W, W),
        None,
    )
    .unwrap();
    r.attach_resource(ctx, ResId(3)).unwrap();
    let mut e = Encoder::new();
    e.push(&Command::CreateSubCtx(1)).unwrap();
    e.push(&Command::SetSubCtx(1)).unwrap();
    e.push(&Command::CreateObject(CreateObject::Surface(Surface {
        handle: 10,
        res: 3,
        format: Format::R9G9B9E5_FLOAT,
        range0: 0,
        range1: 0,
    })))
    .unwrap();
    let stats = r.submit(ctx, &e.finish()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    let mut e = Encoder::new();
    let cbufs = [Le32::new(10)];
    e.push(&Command::SetFramebufferState {
        zsurf: 0,
        cbufs: &cbufs,
    })
    .unwrap();
    let stats = r.submit(ctx, &e.finish()).unwrap();
    assert_eq!(stats.errors, 1);
    let last = last_error(&r, ctx);
    assert!(last.contains("render target"), "{last}");
}

/// RESOURCE_COPY_REGION as ARB_copy_image would use it: between formats of
/// one block size the bytes carry over (RGBA8 into R32_UINT), and within
/// one level of a texture (glCopyPixels) the copy lands; wgpu copies
/// neither directly. Formats of other sizes stay refused.
#[test]
fn copies_between_formats_of_one_block_size_and_within_a_texture() {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    r.create_context(ctx, "test").unwrap();
    let bytes: Vec<u8> = (0..16 * 16 * 4u32).map(|i| (i * 7 + 3) as u8).collect();
    for (id, format) in [
        (10, Format::R8G8B8A8_UNORM),
        (11, Format::R32_UINT),
        (12, Format::R16G16_UNORM),
        (13, Format::R16_UNORM),
    ] {
        r.create_resource(
            ResId(id),
            &info(TextureTarget::TEXTURE_2D, format, 16, 16),
            None,
        )
        .unwrap();
        r.attach_resource(ctx, ResId(id)).unwrap();
    }
    let whole = TransferBox {
        level: 0,
        region: Box3 {
            x: 0,
            y: 0,
            z: 0,
            w: 16,
            h: 16,
            d: 1,
        },
        stride: 0,
        layer_stride: 0,
        offset: 0,
    };
    r.write_from(
        ResId(10),
        &whole,
        VecBacking::from_vec(bytes.clone()).as_ref(),
    )
    .unwrap();
    let copy = |src_res: u32, dst_res: u32, from: [i32; 2], to: [u32; 2]| {
        Command::ResourceCopyRegion(CopyRegion {
            dst_res,
            dst_level: 0,
            dst: [to[0], to[1], 0],
            src_res,
            src_level: 0,
            src: Box3 {
                x: from[0],
                y: from[1],
                z: 0,
                w: 4,
                h: 3,
                d: 1,
            },
        })
    };
    let mut e = Encoder::new();
    e.push(&copy(10, 11, [2, 3], [5, 6])).unwrap();
    e.push(&copy(11, 12, [5, 6], [0, 0])).unwrap();
    e.push(&copy(10, 10, [0, 0], [8, 8])).unwrap();
    let stats = r.submit(ctx, &e.finish()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    // Texel (x, y) of `id` against texel (sx, sy) of the uploaded bytes.
    let check = |r: &mut Renderer, id: u32, at: [u32; 2], from: [u32; 2]| {
        let img = r.read_resource(ResId(id), 0, 0).unwrap();
        for y in 0..3 {
            for x in 0..4 {
                let got = (at[1] + y) * img.stride + (at[0] + x) * 4;
                let want = ((from[1] + y) * 16 + from[0] + x) * 4;
                assert_eq!(
                    img.data[got as usize..got as usize + 4],
                    bytes[want as usize..want as usize + 4],
                    "resource {id}, texel ({x}, {y})"
                );
            }
        }
    };
    check(&mut r, 11, [5, 6], [2, 3]);
    check(&mut r, 12, [0, 0], [2, 3]);
    check(&mut r, 10, [8, 8], [0, 0]);
    // Two bytes a texel against four: refused, nothing written.
    let mut e = Encoder::new();
    e.push(&copy(10, 13, [0, 0], [0, 0])).unwrap();
    assert_eq!(r.submit(ctx, &e.finish()).unwrap().errors, 1);
}

/// CLEAR_TEXTURE (ARB_clear_texture): the box's texels take the guest's
/// packed texel, converted where the host stores the format otherwise
/// (RGB8, stored with an alpha); the rest keep theirs. Boxes of negative
/// size are context errors.
#[test]
fn clear_texture_fills_its_box_with_the_packed_texel() {
    let caps = Renderer::new(gpu()).caps_v2();
    assert_ne!(caps.capability_bits.get() & cap::CLEAR_TEXTURE, 0);
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    r.create_context(ctx, "test").unwrap();
    for (id, format) in [(10, Format::R8G8B8A8_UNORM), (11, Format::R8G8B8_UNORM)] {
        r.create_resource(
            ResId(id),
            &info(TextureTarget::TEXTURE_2D, format, 8, 8),
            None,
        )
        .unwrap();
        r.attach_resource(ctx, ResId(id)).unwrap();
    }
    let clear = |res: u32, region: Box3| Command::ClearTexture {
        res,
        level: 0,
        region,
        texel: [0x0403_0201, 0, 0, 0],
    };
    let region = Box3 {
        x: 2,
        y: 3,
        z: 0,
        w: 3,
        h: 2,
        d: 1,
    };
    let mut e = Encoder::new();
    e.push(&clear(10, region)).unwrap();
    e.push(&clear(11, region)).unwrap();
    let stats = r.submit(ctx, &e.finish()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    // Read back in the guest's layout: RGB8 is three bytes a texel.
    for (id, texel) in [(10, &[1u8, 2, 3, 4][..]), (11, &[1, 2, 3][..])] {
        let img = r.read_resource(ResId(id), 0, 0).unwrap();
        let n = texel.len();
        for y in 0..8usize {
            for x in 0..8usize {
                let at = y * img.stride as usize + x * n;
                let inside = (2..5).contains(&x) && (3..5).contains(&y);
                let want = if inside { texel } else { &[0; 4][..n] };
                assert_eq!(
                    &img.data[at..at + n],
                    want,
                    "resource {id}, texel ({x}, {y})"
                );
            }
        }
    }
    let mut e = Encoder::new();
    e.push(&clear(10, Box3 { w: -3, ..region })).unwrap();
    assert_eq!(r.submit(ctx, &e.finish()).unwrap().errors, 1);
}
