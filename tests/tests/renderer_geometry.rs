//! Geometry shaders on hand-built command streams (raw Vulkan path): a
//! point expanded to a quad from its input position and colour, one
//! triangle per input primitive chosen by `gl_PrimitiveIDIn` and ended with
//! `ENDPRIM`, flat shading by the last vertex with the primitive ID a
//! geometry shader wrote, the primitive ID read without one, and bad
//! geometry shaders and draws as context errors.

mod draw_setup;

use draw_setup::*;
use guest_protocol::virgl::enums::PrimMode;
use host_renderer::{CtxId, Renderer};

const CTX: CtxId = CtxId(1);

/// A quad from x = −1 to the point's x, over the whole height, in the
/// point's colour.
const POINT_TO_QUAD: &str = "GEOM
PROPERTY GS_INPUT_PRIMITIVE POINTS
PROPERTY GS_OUTPUT_PRIMITIVE TRIANGLE_STRIP
PROPERTY GS_MAX_OUTPUT_VERTICES 4
PROPERTY GS_INVOCATIONS 1
DCL IN[][0], POSITION
DCL IN[][1], COLOR
DCL OUT[0], POSITION
DCL OUT[1], COLOR
DCL TEMP[0]
IMM[0] FLT32 {-1.0, 1.0, 0.0, 1.0}
IMM[1] UINT32 {0, 0, 0, 0}
  0: MOV OUT[1], IN[0][1]
  1: MOV OUT[0], IMM[0].xxzw
  2: EMIT IMM[1].xxxx
  3: MOV OUT[0], IMM[0].xyzw
  4: EMIT IMM[1].xxxx
  5: MOV TEMP[0], IN[0][0]
  6: MOV TEMP[0].y, IMM[0].xxxx
  7: MOV OUT[0], TEMP[0]
  8: EMIT IMM[1].xxxx
  9: MOV TEMP[0].y, IMM[0].yyyy
 10: MOV OUT[0], TEMP[0]
 11: EMIT IMM[1].xxxx
 12: ENDPRIM IMM[1].xxxx
 13: END
";

/// Primitive 0: the half above the diagonal, primitive 1 the half below;
/// colour: the third vertex's, green = the primitive id.
const HALF_PER_PRIMITIVE: &str = "GEOM
PROPERTY GS_INPUT_PRIMITIVE TRIANGLES
PROPERTY GS_OUTPUT_PRIMITIVE TRIANGLE_STRIP
PROPERTY GS_MAX_OUTPUT_VERTICES 3
PROPERTY GS_INVOCATIONS 1
DCL IN[][0], POSITION
DCL IN[][1], COLOR
DCL IN[][2], PRIM_ID
DCL OUT[0], POSITION
DCL OUT[1], COLOR
IMM[0] FLT32 {-1.0, 1.0, 0.0, 1.0}
IMM[1] UINT32 {0, 0, 0, 0}
  0: MOV OUT[1], IN[2][1]
  1: U2F OUT[1].y, IN[2].xxxx
  2: MOV OUT[0], IMM[0].xxzw
  3: EMIT IMM[1].xxxx
  4: UIF IN[2].xxxx
  5:   MOV OUT[0], IMM[0].yxzw
  6: ELSE
  7:   MOV OUT[0], IMM[0].xyzw
  8: ENDIF
  9: EMIT IMM[1].xxxx
 10: MOV OUT[0], IMM[0].yyzw
 11: EMIT IMM[1].xxxx
 12: ENDPRIM IMM[1].xxxx
 13: END
";

/// Draws `setup` on a fresh renderer whose vertex buffer holds `vertices`;
/// returns it and the context errors of the draw.
fn drawn(vertices: &[f32], setup: &DrawSetup) -> (Renderer, u64) {
    let mut r = Renderer::new(gpu());
    draw_setup::setup(&mut r, CTX, vertices);
    let stats = r.submit(CTX, &draw_stream(setup)).unwrap();
    (r, stats.errors)
}

fn last_error(r: &Renderer) -> String {
    r.context_errors(CTX)
        .and_then(|(errors, _)| errors.last().map(|e| e.error.to_string()))
        .unwrap_or_default()
}

const BLACK: [u8; 4] = [0, 0, 0, 255];

#[test]
fn a_point_becomes_a_quad() {
    // A green point at the centre.
    let point = [0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0];
    let (mut r, errors) = drawn(
        &point,
        &DrawSetup {
            mode: PrimMode::POINTS,
            count: 1,
            gs: Some(POINT_TO_QUAD),
            ..DrawSetup::default()
        },
    );
    assert_eq!(errors, 0, "{:?}", r.context_errors(CTX));
    for y in [0, 8, 15] {
        assert_eq!(pixel(&mut r, 2, y), [0, 255, 0, 255], "left half, row {y}");
        assert_eq!(pixel(&mut r, 13, y), BLACK, "right half, row {y}");
    }
}

#[test]
fn each_primitive_emits_its_own_triangle() {
    let two: Vec<f32> = TRIANGLE.iter().chain(&TRIANGLE).copied().collect();
    let (mut r, errors) = drawn(
        &two,
        &DrawSetup {
            count: 6,
            gs: Some(HALF_PER_PRIMITIVE),
            ..DrawSetup::default()
        },
    );
    assert_eq!(errors, 0, "{:?}", r.context_errors(CTX));
    // BGRA: primitive 0 blue, primitive 1 blue + green.
    assert_eq!(pixel(&mut r, 2, 2), [255, 0, 0, 255], "above the diagonal");
    assert_eq!(pixel(&mut r, 13, 13), [255, 255, 0, 255], "below it");
}

#[test]
fn bad_geometry_shaders_and_draws_are_context_errors() {
    let lines_in = POINT_TO_QUAD.replace("INPUT_PRIMITIVE POINTS", "INPUT_PRIMITIVE LINES");
    let stream_1 = HALF_PER_PRIMITIVE.replace("IMM[1] UINT32 {0,", "IMM[1] UINT32 {1,");
    let too_many = HALF_PER_PRIMITIVE.replace("VERTICES 3", "VERTICES 100000");
    let invocations = HALF_PER_PRIMITIVE.replace("INVOCATIONS 1", "INVOCATIONS 4");
    let no_input = HALF_PER_PRIMITIVE.replace("PROPERTY GS_INPUT_PRIMITIVE TRIANGLES\n", "");
    let vertex_out_of_range = POINT_TO_QUAD.replace("MOV OUT[1], IN[0][1]", "MOV OUT[1], IN[3][1]");
    let cases = [
        (lines_in, "input primitive"),
        (stream_1, "streams"),
        (too_many, "GS_MAX_OUTPUT_VERTICES"),
        (invocations, "invocations"),
        (no_input, "GS_INPUT_PRIMITIVE"),
        (vertex_out_of_range, "vertex index 3"),
    ];
    for (text, want) in cases {
        let text: &'static str = Box::leak(text.into_boxed_str());
        let mode = if text.contains("INPUT_PRIMITIVE POINTS") {
            PrimMode::POINTS
        } else {
            PrimMode::TRIANGLES
        };
        let (r, errors) = drawn(
            &TRIANGLE,
            &DrawSetup {
                mode,
                gs: Some(text),
                ..DrawSetup::default()
            },
        );
        assert!(errors > 0, "{want}: no context error");
        let error = last_error(&r);
        assert!(
            format!("{error:?} {:?}", r.context_errors(CTX)).contains(want),
            "{want}: got {error}: {:?}",
            r.context_errors(CTX)
        );
    }
}

/// One triangle over the whole target from a point: its last vertex blue
/// with primitive ID 5, the others red with 1000.
const FLAT_LAST: &str = "GEOM
PROPERTY GS_INPUT_PRIMITIVE POINTS
PROPERTY GS_OUTPUT_PRIMITIVE TRIANGLE_STRIP
PROPERTY GS_MAX_OUTPUT_VERTICES 3
PROPERTY GS_INVOCATIONS 1
DCL IN[][0], POSITION
DCL OUT[0], POSITION
DCL OUT[1], COLOR
DCL OUT[2], PRIM_ID
IMM[0] FLT32 {-1.0, 3.0, 0.0, 1.0}
IMM[1] UINT32 {0, 1000, 5, 0}
IMM[2] FLT32 {1.0, 0.0, 0.0, 1.0}
IMM[3] FLT32 {0.0, 0.0, 1.0, 1.0}
  0: MOV OUT[0], IMM[0].xxzw
  1: MOV OUT[1], IMM[2]
  2: MOV OUT[2].x, IMM[1].yyyy
  3: EMIT IMM[1].xxxx
  4: MOV OUT[0], IMM[0].yxzw
  5: EMIT IMM[1].xxxx
  6: MOV OUT[0], IMM[0].xyzw
  7: MOV OUT[1], IMM[3]
  8: MOV OUT[2].x, IMM[1].zzzz
  9: EMIT IMM[1].xxxx
 10: END
";

/// The flat colour, its green set where the primitive ID is 5.
const FLAT_AND_PRIMITIVE_ID: &str = "FRAG
DCL IN[0], COLOR, CONSTANT
DCL IN[1], PRIM_ID, CONSTANT
DCL OUT[0], COLOR
DCL TEMP[0]
IMM[0] UINT32 {5, 0, 0, 0}
IMM[1] FLT32 {0.0, 1.0, 0.0, 0.0}
  0: MOV OUT[0], IN[0]
  1: USEQ TEMP[0].x, IN[1].xxxx, IMM[0].xxxx
  2: UCMP OUT[0].y, TEMP[0].xxxx, IMM[1].yyyy, IMM[1].xxxx
  3: END
";

#[test]
fn geometry_shader_primitives_are_flat_shaded_by_their_last_vertex() {
    let point = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0];
    let (mut r, errors) = drawn(
        &point,
        &DrawSetup {
            mode: PrimMode::POINTS,
            count: 1,
            gs: Some(FLAT_LAST),
            fs: FLAT_AND_PRIMITIVE_ID,
            ..DrawSetup::default()
        },
    );
    assert_eq!(errors, 0, "{:?}", r.context_errors(CTX));
    // BGRA: blue from the last vertex, green from its primitive ID (the
    // first vertex would give red and 1000).
    assert_eq!(pixel(&mut r, 8, 8), [255, 255, 0, 255]);
}

/// Green scaled by the primitive ID over 2 (0 or 0.5).
const PRIMITIVE_ID_GREEN: &str = "FRAG
DCL IN[0], PRIM_ID, CONSTANT
DCL OUT[0], COLOR
DCL TEMP[0]
IMM[0] FLT32 {0.0, 0.5, 0.0, 1.0}
  0: U2F TEMP[0].x, IN[0].xxxx
  1: MUL TEMP[0].y, TEMP[0].xxxx, IMM[0].yyyy
  2: MOV OUT[0], IMM[0].xxxw
  3: MOV OUT[0].y, TEMP[0].yyyy
  4: END
";

#[test]
fn fragment_shaders_read_the_primitive_id_without_a_geometry_shader() {
    // Two triangles: above the diagonal (primitive 0), below it (1).
    let triangles: [f32; 48] = [
        -1.0, -1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, //
        -1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, //
        1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, //
        -1.0, -1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, //
        1.0, -1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, //
        1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0,
    ];
    let (mut r, errors) = drawn(
        &triangles,
        &DrawSetup {
            count: 6,
            fs: PRIMITIVE_ID_GREEN,
            ..DrawSetup::default()
        },
    );
    assert_eq!(errors, 0, "{:?}", r.context_errors(CTX));
    assert_eq!(pixel(&mut r, 2, 2), [0, 0, 0, 255], "primitive 0");
    let below = pixel(&mut r, 13, 13);
    assert!((127..=128).contains(&below[1]), "primitive 1: {below:?}");
}

/// Each triangle of a `TRIANGLES_ADJACENCY` draw (vertices 0, 2, 4) in the
/// colour of its first adjacent vertex (1).
const ADJACENT_COLOUR: &str = "GEOM
PROPERTY GS_INPUT_PRIMITIVE TRIANGLES_ADJACENCY
PROPERTY GS_OUTPUT_PRIMITIVE TRIANGLE_STRIP
PROPERTY GS_MAX_OUTPUT_VERTICES 3
PROPERTY GS_INVOCATIONS 1
DCL IN[][0], POSITION
DCL IN[][1], COLOR
DCL OUT[0], POSITION
DCL OUT[1], COLOR
IMM[0] UINT32 {0, 0, 0, 0}
  0: MOV OUT[1], IN[1][1]
  1: MOV OUT[0], IN[0][0]
  2: EMIT IMM[0].xxxx
  3: MOV OUT[0], IN[2][0]
  4: EMIT IMM[0].xxxx
  5: MOV OUT[0], IN[4][0]
  6: EMIT IMM[0].xxxx
  7: END
";

#[test]
fn adjacency_primitives_reach_the_geometry_shader() {
    // The whole-target triangle, a green vertex after each corner.
    let mut vertices = Vec::new();
    for corner in TRIANGLE.chunks(8) {
        vertices.extend_from_slice(corner);
        vertices.extend_from_slice(&[0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0]);
    }
    let (mut r, errors) = drawn(
        &vertices,
        &DrawSetup {
            mode: PrimMode::TRIANGLES_ADJACENCY,
            count: 6,
            gs: Some(ADJACENT_COLOUR),
            ..DrawSetup::default()
        },
    );
    assert_eq!(errors, 0, "{:?}", r.context_errors(CTX));
    for (x, y) in [(1, 1), (8, 8), (14, 14)] {
        assert_eq!(pixel(&mut r, x, y), [0, 255, 0, 255], "({x}, {y})");
    }
    // A triangle-list geometry shader does not take them.
    let (r, errors) = drawn(
        &vertices,
        &DrawSetup {
            mode: PrimMode::TRIANGLES_ADJACENCY,
            count: 6,
            gs: Some(HALF_PER_PRIMITIVE),
            ..DrawSetup::default()
        },
    );
    assert_eq!(errors, 1);
    assert!(
        last_error(&r).contains("input primitive"),
        "{}",
        last_error(&r)
    );
}

/// Each input triangle over the whole target in green, to the layer its
/// primitive ID names.
const LAYER_PER_PRIMITIVE: &str = "GEOM
PROPERTY GS_INPUT_PRIMITIVE TRIANGLES
PROPERTY GS_OUTPUT_PRIMITIVE TRIANGLE_STRIP
PROPERTY GS_MAX_OUTPUT_VERTICES 3
PROPERTY GS_INVOCATIONS 1
DCL IN[][0], POSITION
DCL IN[][1], PRIM_ID
DCL OUT[0], POSITION
DCL OUT[1], COLOR
DCL OUT[2].x, LAYER
IMM[0] FLT32 {0.0, 1.0, 0.0, 1.0}
IMM[1] UINT32 {0, 0, 0, 0}
  0: MOV OUT[1], IMM[0]
  1: MOV OUT[2].x, IN[1].xxxx
  2: MOV OUT[0], IN[0][0]
  3: EMIT IMM[1].xxxx
  4: MOV OUT[0], IN[1][0]
  5: EMIT IMM[1].xxxx
  6: MOV OUT[0], IN[2][0]
  7: EMIT IMM[1].xxxx
  8: END
";

/// Layer `z` of resource 5 (W×W BGRA), read back.
fn layer_texels(r: &mut Renderer, z: i32) -> Vec<u8> {
    let t = host_renderer::TransferBox {
        level: 0,
        region: guest_protocol::virgl::Box3 {
            x: 0,
            y: 0,
            z,
            w: W as i32,
            h: W as i32,
            d: 1,
        },
        stride: W * 4,
        layer_stride: 0,
        offset: 0,
    };
    let out = host_renderer::VecBacking::zeroed((W * W * 4) as usize);
    r.read_into(host_renderer::ResId(5), &t, out.as_ref())
        .unwrap();
    out.snapshot()
}

#[test]
fn geometry_shaders_pick_the_layer_of_a_layered_framebuffer() {
    let two: Vec<f32> = TRIANGLE.iter().chain(&TRIANGLE).copied().collect();
    let mut r = Renderer::new(gpu());
    draw_setup::setup(&mut r, CTX, &two);
    let array = host_renderer::ResourceInfo {
        array_size: 2,
        ..info(
            guest_protocol::virgl::enums::TextureTarget::TEXTURE_2D_ARRAY,
            guest_protocol::virgl::Format::B8G8R8A8_UNORM,
            W,
            W,
        )
    };
    r.create_resource(host_renderer::ResId(5), &array, None)
        .unwrap();
    r.attach_resource(CTX, host_renderer::ResId(5)).unwrap();
    // A surface of layer 0 alone is not layered: GL ignores LAYER there,
    // both triangles land on layer 0 (cleared first); layer 1 stays
    // unwritten (not even read).
    let mut stream = draw_stream(&DrawSetup {
        count: 6,
        target: 5,
        gs: Some(LAYER_PER_PRIMITIVE),
        ..DrawSetup::default()
    });
    let stats = r.submit(CTX, &stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    let green = [0, 255, 0, 255];
    assert!(layer_texels(&mut r, 0).chunks(4).all(|p| p == green));
    // Both layers, never cleared: primitive 1 draws layer 1, which must
    // survive the read-back (wgpu, which does not see raw draws, would
    // zero-fill a layer it thinks unwritten).
    stream.clear();
    let mut e = guest_protocol::virgl::Encoder::new();
    e.push(&guest_protocol::virgl::Command::CreateObject(
        guest_protocol::virgl::CreateObject::Surface(guest_protocol::virgl::Surface {
            handle: 41,
            res: 5,
            format: guest_protocol::virgl::Format::B8G8R8A8_UNORM,
            range0: 0,
            range1: 1 << 16,
        }),
    ))
    .unwrap();
    e.push(&guest_protocol::virgl::Command::SetFramebufferState {
        zsurf: 0,
        cbufs: &[guest_protocol::le::Le32::new(41)],
    })
    .unwrap();
    e.push(&guest_protocol::virgl::Command::DrawVbo(
        guest_protocol::virgl::DrawVbo {
            count: 6,
            ..full_draw()
        },
    ))
    .unwrap();
    let stats = r.submit(CTX, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    for z in [0, 1] {
        let texels = layer_texels(&mut r, z);
        assert!(
            texels.chunks(4).all(|p| p == green),
            "layer {z}: {:?}",
            &texels[..4]
        );
    }
}
