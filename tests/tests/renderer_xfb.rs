//! Stream output (transform feedback) on hand-built command streams: the
//! captured words read back from the target buffers — positions as GL
//! wrote them, interleaved and separate buffers, whole primitives only
//! when a buffer fills, pause/resume through the append mask, draws that
//! take their count from a target, a geometry shader's output counted on
//! the GPU — and bad input as context errors.

mod draw_setup;

use draw_setup::*;
use guest_protocol::le::Le32;
use guest_protocol::virgl::bits::SoOutputLayout;
use guest_protocol::virgl::enums::{PrimMode, ShaderStage, TextureTarget};
use guest_protocol::virgl::{
    shader_text, Command, CreateObject, DrawVbo, Encoder, Format, ShaderChunk, ShaderExtra,
    SoOutput, StreamOutput,
};
use host_renderer::{CtxId, Renderer, ResId, TransferBox, VecBacking};

const CTX: CtxId = CtxId(1);
const VS: &str = "VERT\nDCL IN[0]\nDCL IN[1]\nDCL OUT[0], POSITION\nDCL OUT[1], COLOR\n  0: MOV OUT[0], IN[0]\n  1: MOV OUT[1], IN[1]\n  2: END\n";

/// A geometry shader emitting each triangle's first two vertices as points
/// (room for four).
const GS: &str =
    "GEOM\nPROPERTY GS_INPUT_PRIMITIVE TRIANGLES\nPROPERTY GS_OUTPUT_PRIMITIVE POINTS\n\
                  PROPERTY GS_MAX_OUTPUT_VERTICES 4\nPROPERTY GS_INVOCATIONS 1\n\
                  DCL IN[][0], POSITION\nDCL OUT[0], POSITION\nIMM[0] UINT32 {0, 0, 0, 0}\n\
                  0: MOV OUT[0], IN[0][0]\n1: EMIT IMM[0].xxxx\n\
                  2: MOV OUT[0], IN[1][0]\n3: EMIT IMM[0].xxxx\n4: END\n";

/// One stream-output record.
fn so(register: u8, first: u8, count: u8, buffer: u8, offset: u16) -> SoOutput {
    SoOutput {
        layout: Le32::new(
            SoOutputLayout::new()
                .with_register_index(register)
                .with_start_component(first)
                .with_num_components(count)
                .with_output_buffer(buffer)
                .with_dst_offset(offset)
                .into_bits(),
        ),
        stream: Le32::new(0),
    }
}

/// Creates and binds vertex shader `handle` capturing `outputs`.
fn capturing_vs(e: &mut Encoder, handle: u32, text: &str, strides: [u32; 4], outputs: &[SoOutput]) {
    capturing(e, ShaderStage::VERTEX, handle, text, strides, outputs);
}

/// Creates and binds shader `handle` of `stage` capturing `outputs`.
fn capturing(
    e: &mut Encoder,
    stage: ShaderStage,
    handle: u32,
    text: &str,
    strides: [u32; 4],
    outputs: &[SoOutput],
) {
    let (offlen, bytes) = shader_text(text);
    e.push(&Command::CreateObject(CreateObject::Shader(ShaderChunk {
        handle,
        stage,
        offlen,
        num_tokens: 0,
        extra: ShaderExtra::StreamOutput(Some(StreamOutput { strides, outputs })),
        text: &bytes,
    })))
    .unwrap();
    e.push(&Command::BindShader { handle, stage }).unwrap();
}

fn target(e: &mut Encoder, handle: u32, res: u32, offset: u32, size: u32) {
    e.push(&Command::CreateObject(CreateObject::StreamoutTarget {
        handle,
        res,
        buffer_offset: offset,
        buffer_size: size,
    }))
    .unwrap();
}

fn bind_targets(e: &mut Encoder, append: u32, handles: &[u32]) {
    let t: Vec<Le32> = handles.iter().map(|&h| Le32::new(h)).collect();
    e.push(&Command::SetStreamoutTargets {
        append_bitmask: append,
        targets: &t,
    })
    .unwrap();
}

fn draw(e: &mut Encoder, instances: u32) {
    e.push(&Command::DrawVbo(DrawVbo {
        instance_count: instances,
        ..full_draw()
    }))
    .unwrap();
}

/// The render target, the triangle, the state of one draw (drawn once
/// without capture) and two capture buffers: res 3 (256 bytes), res 4
/// (64 bytes).
fn renderer() -> Renderer {
    renderer_shaded(false)
}

/// [`renderer`], its draw flat-shaded when `flat`.
fn renderer_shaded(flat: bool) -> Renderer {
    let mut r = Renderer::new(gpu());
    setup(&mut r, CTX, &TRIANGLE);
    for (id, len) in [(3, 256), (4, 64)] {
        r.create_resource(
            ResId(id),
            &info(TextureTarget::BUFFER, Format::R8_UNORM, len, 1),
            None,
        )
        .unwrap();
        r.attach_resource(CTX, ResId(id)).unwrap();
    }
    let stats = r
        .submit(CTX, &triangle_stream(flat, true, Default::default()))
        .unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    r
}

/// Buffer `id`'s `len` bytes as f32s.
fn floats(r: &mut Renderer, id: u32, len: u32) -> Vec<f32> {
    buffer_bytes(r, ResId(id), len)
        .chunks(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn submit(r: &mut Renderer, e: Encoder) {
    let stats = r.submit(CTX, &e.finish()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
}

/// Position and colour.xyz interleaved in res 3, colour.w alone in res 4
/// from byte 8: two instances of the triangle, but res 4 holds four
/// vertices, so one whole triangle is written to both; a resumed target
/// with no room writes nothing, a restarted one writes from its start.
#[test]
fn captures_interleaved_and_separate_buffers() {
    let mut r = renderer();
    let mut e = Encoder::new();
    capturing_vs(
        &mut e,
        20,
        VS,
        [7, 1, 0, 0],
        &[so(0, 0, 4, 0, 0), so(1, 0, 3, 0, 4), so(1, 3, 1, 1, 0)],
    );
    target(&mut e, 30, 3, 0, 256);
    target(&mut e, 31, 4, 8, 16);
    bind_targets(&mut e, 0, &[30, 31]);
    draw(&mut e, 2);
    submit(&mut r, e);
    let mut want = Vec::new();
    for v in TRIANGLE.chunks(8) {
        want.extend_from_slice(&v[..7]);
    }
    let got = floats(&mut r, 3, 256);
    assert_eq!(&got[..21], &want[..], "one triangle, positions as written");
    assert!(got[21..].iter().all(|&x| x == 0.0), "{got:?}");
    assert_eq!(floats(&mut r, 4, 64)[..6], [0.0, 0.0, 1.0, 1.0, 1.0, 0.0]);

    // Resumed: res 4 has room for one vertex, so nothing is written.
    let mut e = Encoder::new();
    bind_targets(&mut e, 0b11, &[30, 31]);
    draw(&mut e, 1);
    submit(&mut r, e);
    assert!(floats(&mut r, 3, 256)[21..].iter().all(|&x| x == 0.0));

    // Without an append mask (as Mesa sends it) a target bound again
    // resumes: target 30 alone writes two triangles after the first.
    let mut e = Encoder::new();
    bind_targets(&mut e, 0, &[30]);
    draw(&mut e, 2);
    submit(&mut r, e);
    let got = floats(&mut r, 3, 256);
    assert_eq!(&got[..21], &want[..]);
    assert_eq!(&got[21..42], &want[..], "resumed");
    assert_eq!(&got[42..63], &want[..], "the second instance follows");

    // With a mask, a clear bit restarts its target: 30 writes from its
    // start again while 31 stays full.
    let mut e = Encoder::new();
    capturing_vs(
        &mut e,
        21,
        VS,
        [4, 1, 0, 0],
        &[so(0, 0, 4, 0, 0), so(1, 3, 1, 1, 0)],
    );
    bind_targets(&mut e, 0b10, &[30, 31]);
    draw(&mut e, 1);
    submit(&mut r, e);
    let got = floats(&mut r, 3, 256);
    assert_eq!(&got[..4], &TRIANGLE[..4], "restarted: 4-dword vertices now");
    assert_eq!(&got[21..42], &want[..], "the rest is untouched");
}

/// A draw that takes its count from a target draws the vertices captured
/// into it: captured again into a fresh target, they come out the same.
/// Mesa names the target by its size (256 here, 64 for the other).
#[test]
fn draws_count_from_a_target() {
    let mut r = renderer();
    let mut e = Encoder::new();
    capturing_vs(&mut e, 20, VS, [4, 0, 0, 0], &[so(0, 0, 4, 0, 0)]);
    target(&mut e, 30, 3, 0, 256);
    target(&mut e, 31, 4, 0, 64);
    bind_targets(&mut e, 0, &[30]);
    draw(&mut e, 1);
    bind_targets(&mut e, 0, &[31]);
    e.push(&Command::DrawVbo(DrawVbo {
        count: 0,
        count_from_so: 256,
        ..full_draw()
    }))
    .unwrap();
    submit(&mut r, e);
    let got = floats(&mut r, 4, 64);
    let pos: Vec<f32> = TRIANGLE.chunks(8).flat_map(|v| v[..4].to_vec()).collect();
    assert_eq!(&got[..12], &pos[..]);
    assert!(got[12..].iter().all(|&x| x == 0.0));
}

/// Builds a command stream.
type Build = Box<dyn Fn(&mut Encoder)>;

/// Bad input is a context error, never a panic: a target on a texture,
/// ranges past the buffer or unaligned, unknown target handles, strides
/// past the device's limits, ranges past their stride, a range of a
/// register the shader does not declare.
#[test]
fn bad_stream_output_is_a_context_error() {
    let cases: Vec<(&str, Build)> = vec![
        ("texture target", Box::new(|e| target(e, 30, 1, 0, 16))),
        ("past the buffer", Box::new(|e| target(e, 30, 3, 200, 100))),
        ("unaligned", Box::new(|e| target(e, 30, 3, 2, 16))),
        (
            "huge offset",
            Box::new(|e| target(e, 30, 3, u32::MAX, u32::MAX)),
        ),
        ("unknown target", Box::new(|e| bind_targets(e, 0, &[99]))),
        (
            "range past its stride",
            Box::new(|e| capturing_vs(e, 20, VS, [2, 0, 0, 0], &[so(0, 0, 4, 0, 0)])),
        ),
        (
            "buffer without a stride",
            Box::new(|e| capturing_vs(e, 20, VS, [4, 0, 0, 0], &[so(0, 0, 4, 3, 0)])),
        ),
        (
            "stride past the limits",
            Box::new(|e| {
                capturing_vs(e, 20, VS, [u32::MAX, 0, 0, 0], &[so(0, 0, 4, 0, 0)]);
                target(e, 30, 3, 0, 256);
                bind_targets(e, 0, &[30]);
                draw(e, 1);
            }),
        ),
        (
            "undeclared register",
            Box::new(|e| {
                capturing_vs(e, 20, VS, [4, 0, 0, 0], &[so(7, 0, 4, 0, 0)]);
                target(e, 30, 3, 0, 256);
                bind_targets(e, 0, &[30]);
                draw(e, 1);
            }),
        ),
    ];
    for (what, build) in cases {
        let mut r = renderer();
        let mut e = Encoder::new();
        build(&mut e);
        let stats = r.submit(CTX, &e.finish()).unwrap();
        assert!(stats.errors > 0, "{what}: accepted");
    }
}

/// The geometry shader is the stage that captures when one is bound: what
/// it emits, counted on the GPU (it may emit fewer vertices than its
/// maximum), lands in two buffers, and a second draw appends after it.
#[test]
fn geometry_shaders_capture_what_they_emit() {
    let mut r = renderer();
    let mut e = Encoder::new();
    let outputs = [so(0, 0, 2, 0, 0), so(0, 2, 2, 1, 0)];
    capturing(
        &mut e,
        ShaderStage::GEOMETRY,
        21,
        GS,
        [2, 2, 0, 0],
        &outputs,
    );
    target(&mut e, 30, 3, 0, 256);
    target(&mut e, 31, 4, 0, 64);
    bind_targets(&mut e, 0, &[30, 31]);
    draw(&mut e, 1);
    draw(&mut e, 1);
    submit(&mut r, e);
    let xy = floats(&mut r, 3, 256);
    let (v0, v1) = ([-1.0, -1.0], [3.0, -1.0]);
    assert_eq!(xy[..8], [v0, v1, v0, v1].concat(), "{xy:?}");
    assert!(xy[8..].iter().all(|&f| f == 0.0), "{xy:?}");
    let zw = floats(&mut r, 4, 64);
    assert_eq!(zw[..8], [0.0, 1.0].repeat(4), "{zw:?}");
    assert!(zw[8..].iter().all(|&f| f == 0.0), "{zw:?}");
}

/// Captures pv3d cannot bound or count are context errors: a geometry
/// shader that may emit more than the capture limit (its output is held
/// whole before it is counted), and adjacency primitives captured without
/// a geometry shader.
#[test]
fn uncountable_captures_are_context_errors() {
    let outputs = [so(0, 0, 2, 0, 0), so(0, 2, 2, 1, 0)];
    let mut r = renderer();
    let mut e = Encoder::new();
    capturing(
        &mut e,
        ShaderStage::GEOMETRY,
        21,
        GS,
        [2, 2, 0, 0],
        &outputs,
    );
    target(&mut e, 30, 3, 0, 256);
    bind_targets(&mut e, 0, &[30]);
    draw(&mut e, 1 << 24);
    let stats = r.submit(CTX, &e.finish()).unwrap();
    assert_eq!(stats.errors, 1);
    let errors = format!("{:?}", r.context_errors(CTX));
    assert!(errors.contains("bytes captured by one draw"), "{errors}");

    let mut r = renderer();
    let mut e = Encoder::new();
    capturing_vs(&mut e, 20, VS, [4, 0, 0, 0], &[so(0, 0, 4, 0, 0)]);
    target(&mut e, 30, 3, 0, 256);
    bind_targets(&mut e, 0, &[30]);
    e.push(&Command::DrawVbo(DrawVbo {
        mode: PrimMode::TRIANGLES_ADJACENCY,
        count: 6,
        ..full_draw()
    }))
    .unwrap();
    let stats = r.submit(CTX, &e.finish()).unwrap();
    assert_eq!(stats.errors, 1);
    let errors = format!("{:?}", r.context_errors(CTX));
    assert!(errors.contains("adjacency"), "{errors}");
}

/// While capturing, flat shading still takes GL's last vertex (through the
/// raw path's provoking-vertex mode: captured vertices are not rotated),
/// and the captured vertices keep the order they were drawn in.
#[test]
fn capturing_draws_flat_shade_with_the_last_vertex() {
    let mut r = renderer_shaded(true);
    let mut e = Encoder::new();
    capturing_vs(&mut e, 20, VS, [4, 0, 0, 0], &[so(0, 0, 4, 0, 0)]);
    target(&mut e, 30, 3, 0, 256);
    bind_targets(&mut e, 0, &[30]);
    draw(&mut e, 1);
    submit(&mut r, e);
    // BGRA: the last vertex's blue.
    assert_eq!(pixel(&mut r, 8, 8), [255, 0, 0, 255]);
    let positions: Vec<f32> = TRIANGLE.chunks(8).flat_map(|v| v[..4].to_vec()).collect();
    assert_eq!(floats(&mut r, 3, 256)[..12], positions[..]);
}

/// Primitives generated and written, and the overflow predicate, counted
/// over two draws: two instances with room for one triangle, then one
/// instance with no room left.
#[test]
fn stream_output_queries_count_primitives() {
    use guest_protocol::virgl::bits::QueryKind;
    use guest_protocol::virgl::enums::QueryType;
    use guest_protocol::virgl::Query;
    let mut r = renderer();
    // The overflow predicates are advertised (ARB_transform_feedback_overflow_query).
    let bits = r.caps_v2().v1.bset.get();
    assert_ne!(
        bits & guest_protocol::virgl::caps::bset::TRANSFORM_FEEDBACK_OVERFLOW_QUERY,
        0
    );
    buffer_with(&mut r, CTX, ResId(5), vec![0; 64]);
    let mut e = Encoder::new();
    capturing_vs(&mut e, 20, VS, [4, 0, 0, 0], &[so(0, 0, 4, 0, 0)]);
    target(&mut e, 30, 3, 0, 48);
    let types = [
        QueryType::PRIMITIVES_GENERATED,
        QueryType::PRIMITIVES_EMITTED,
        QueryType::SO_OVERFLOW_PREDICATE,
        QueryType::SO_STATISTICS,
    ];
    for (i, ty) in types.into_iter().enumerate() {
        let handle = 40 + i as u32;
        e.push(&Command::CreateObject(CreateObject::Query(Query {
            handle,
            kind: QueryKind::new().with_query_type(ty),
            offset: 16 * i as u32,
            res: 5,
        })))
        .unwrap();
        e.push(&Command::BeginQuery { handle }).unwrap();
    }
    bind_targets(&mut e, 0, &[30]);
    draw(&mut e, 2);
    bind_targets(&mut e, 1, &[30]);
    draw(&mut e, 1);
    for handle in 40..44 {
        e.push(&Command::EndQuery { handle }).unwrap();
        e.push(&Command::GetQueryResult { handle, wait: 1 })
            .unwrap();
    }
    submit(&mut r, e);
    let t = TransferBox {
        level: 0,
        region: guest_protocol::virgl::Box3 {
            x: 0,
            y: 0,
            z: 0,
            w: 64,
            h: 1,
            d: 1,
        },
        stride: 0,
        layer_stride: 0,
        offset: 0,
    };
    let out = VecBacking::zeroed(64);
    r.read_into(ResId(5), &t, out.as_ref()).unwrap();
    let bytes = out.snapshot();
    let results: Vec<u64> = bytes
        .chunks(16)
        .map(|c| u64::from_le_bytes(c[8..16].try_into().unwrap()))
        .collect();
    assert_eq!(
        results,
        [3, 1, 1, 1],
        "generated, emitted, overflow, written"
    );
}

/// Components the layout skips (GL's `gl_SkipComponents`) keep the
/// buffer's bytes.
#[test]
fn skipped_components_keep_the_buffer() {
    let mut r = renderer();
    let fill = f32::from_bits(0x7f7f_7f7f);
    buffer_with(&mut r, CTX, ResId(6), vec![0x7f; 64]);
    let mut e = Encoder::new();
    capturing_vs(
        &mut e,
        20,
        VS,
        [4, 0, 0, 0],
        &[so(0, 0, 2, 0, 0), so(0, 3, 1, 0, 3)],
    );
    target(&mut e, 30, 6, 0, 64);
    bind_targets(&mut e, 0, &[30]);
    draw(&mut e, 1);
    submit(&mut r, e);
    let got = floats(&mut r, 6, 64);
    let want: Vec<f32> = TRIANGLE
        .chunks(8)
        .flat_map(|v| [v[0], v[1], fill, v[3]])
        .chain([fill; 4])
        .collect();
    assert_eq!(got, want);
}
