//! Tessellation shaders on hand-built command streams (raw Vulkan path),
//! in the TGSI Mesa's virgl driver sends: a quad patch whose evaluation
//! shader places each generated vertex between the patch's four corners
//! (control outputs per vertex and per patch, the tessellation levels),
//! isolines in point mode whose points land where the levels put them, an
//! evaluation shader alone (GL's implied control shader: the draw's
//! patches, SET_TESS_STATE's levels), a geometry shader fed the
//! tessellated triangles, and bad tessellation draws as context errors.

mod draw_setup;

use draw_setup::*;
use guest_protocol::virgl::enums::PrimMode;
use host_renderer::{CtxId, Renderer};

const CTX: CtxId = CtxId(1);

/// Passes each vertex's position on, gives the patch the first vertex's
/// colour, and tessellates with every level 1.
const QUAD_CONTROL: &str = "TESS_CTRL
PROPERTY TCS_VERTICES_OUT 4
DCL IN[][0], POSITION
DCL IN[][1], COLOR
DCL SV[0], INVOCATIONID
DCL OUT[0], TESSOUTER
DCL OUT[1].xy, TESSINNER
DCL OUT[][2], POSITION
DCL OUT[3], PATCH
DCL ADDR[0..1]
IMM[0] UINT32 {0, 1065353216, 0, 0}
  0: UARL ADDR[1].x, SV[0].xxxx
  1: MOV OUT[ADDR[1].x][2], IN[ADDR[1].x][0]
  2: MOV OUT[3], IN[0][1]
  3: MOV OUT[0], IMM[0].yyyy
  4: MOV OUT[1].xy, IMM[0].yyyy
  5: END
";

/// Quads, equal spacing: each vertex between the four corners by its
/// domain coordinate, in the patch's colour.
const QUAD_EVALUATION: &str = "TESS_EVAL
PROPERTY TES_PRIM_MODE 7
PROPERTY TES_SPACING 2
PROPERTY TES_VERTEX_ORDER_CW 0
PROPERTY TES_POINT_MODE 0
DCL IN[][0], POSITION
DCL IN[1], PATCH
DCL SV[0], TESSCOORD
DCL OUT[0], POSITION
DCL OUT[1], COLOR
DCL TEMP[0..2]
  0: LRP TEMP[0], SV[0].xxxx, IN[1][0], IN[0][0]
  1: LRP TEMP[1], SV[0].xxxx, IN[3][0], IN[2][0]
  2: LRP TEMP[2], SV[0].yyyy, TEMP[1], TEMP[0]
  3: MOV OUT[0], TEMP[2]
  4: MOV OUT[1], IN[1]
  5: END
";

/// One isoline cut into four segments (outer levels 1 and 4).
const ISOLINE_CONTROL: &str = "TESS_CTRL
PROPERTY TCS_VERTICES_OUT 1
DCL OUT[0], TESSOUTER
DCL OUT[1].xy, TESSINNER
IMM[0] FLT32 {1.0, 4.0, 0.0, 0.0}
  0: MOV OUT[0], IMM[0].xyzz
  1: MOV OUT[1].xy, IMM[0].zzzz
  2: END
";

/// Isolines in point mode: each point at row 8, column 1 + 12·u (pixel
/// centres of the 16-pixel target), green.
const ISOLINE_POINTS: &str = "TESS_EVAL
PROPERTY TES_PRIM_MODE 1
PROPERTY TES_SPACING 2
PROPERTY TES_VERTEX_ORDER_CW 0
PROPERTY TES_POINT_MODE 1
DCL SV[0], TESSCOORD
DCL OUT[0], POSITION
DCL OUT[1], COLOR
DCL TEMP[0]
IMM[0] FLT32 {1.5, -0.8125, -0.0625, 1.0}
IMM[1] FLT32 {0.0, 1.0, 0.0, 0.0}
  0: MAD TEMP[0].x, SV[0].xxxx, IMM[0].xxxx, IMM[0].yyyy
  1: MOV TEMP[0].y, IMM[0].zzzz
  2: MOV TEMP[0].z, IMM[1].xxxx
  3: MOV TEMP[0].w, IMM[0].wwww
  4: MOV OUT[0], TEMP[0]
  5: MOV OUT[1], IMM[1].xyxy
  6: END
";

/// Corners of the target, bottom left, bottom right, top left, top right;
/// the first green, the others red.
const CORNERS: [f32; 32] = [
    -1.0, -1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, //
    1.0, -1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, //
    -1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, //
    1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0,
];

/// Control and evaluation shader texts and vertices per patch.
type Stages = (&'static str, &'static str, u32);

const GREEN: [u8; 4] = [0, 255, 0, 255];
const BLACK: [u8; 4] = [0, 0, 0, 255];

/// Draws `setup` on a fresh renderer whose vertex buffer holds `vertices`;
/// returns it and the context errors of the draw.
fn drawn(vertices: &[f32], setup: &DrawSetup) -> (Renderer, u64) {
    let mut r = Renderer::new(gpu());
    draw_setup::setup(&mut r, CTX, vertices);
    let stats = r.submit(CTX, &draw_stream(setup)).unwrap();
    (r, stats.errors)
}

fn errors_text(r: &Renderer) -> String {
    format!("{:?}", r.context_errors(CTX))
}

#[test]
fn a_quad_patch_covers_its_corners_in_the_patch_colour() {
    let (mut r, errors) = drawn(
        &CORNERS,
        &DrawSetup {
            mode: PrimMode::PATCHES,
            count: 4,
            tess: Some((QUAD_CONTROL, QUAD_EVALUATION, 4)),
            ..DrawSetup::default()
        },
    );
    assert_eq!(errors, 0, "{}", errors_text(&r));
    for (x, y) in [(0, 0), (15, 0), (0, 15), (15, 15), (8, 8), (3, 12)] {
        assert_eq!(pixel(&mut r, x, y), GREEN, "pixel ({x}, {y})");
    }
}

#[test]
fn isoline_points_land_where_the_levels_put_them() {
    // One patch of one vertex (the evaluation shader reads no input).
    let one = &CORNERS[..8];
    let (mut r, errors) = drawn(
        one,
        &DrawSetup {
            mode: PrimMode::PATCHES,
            count: 1,
            point_size: 1.0,
            tess: Some((ISOLINE_CONTROL, ISOLINE_POINTS, 1)),
            ..DrawSetup::default()
        },
    );
    assert_eq!(errors, 0, "{}", errors_text(&r));
    // u = 0, 1/4, 1/2, 3/4, 1: columns 1, 4, 7, 10, 13 of row 8.
    for x in 0..16 {
        let want = if [1, 4, 7, 10, 13].contains(&x) {
            GREEN
        } else {
            BLACK
        };
        assert_eq!(pixel(&mut r, x, 8), want, "column {x} of row 8");
    }
    assert_eq!(pixel(&mut r, 4, 7), BLACK, "row 7");
}

#[test]
fn an_evaluation_shader_alone_takes_the_draws_patches_and_default_levels() {
    // Quads from the corners' positions and the first corner's colour.
    let evaluation = QUAD_EVALUATION
        .replace("DCL IN[1], PATCH", "DCL IN[][1], COLOR")
        .replace("MOV OUT[1], IN[1]", "MOV OUT[1], IN[0][1]");
    let evaluation: &'static str = Box::leak(evaluation.into_boxed_str());
    let (mut r, errors) = drawn(
        &CORNERS,
        &DrawSetup {
            mode: PrimMode::PATCHES,
            count: 4,
            tess: Some(("", evaluation, 4)),
            ..DrawSetup::default()
        },
    );
    assert_eq!(errors, 0, "{}", errors_text(&r));
    for (x, y) in [(0, 0), (15, 15), (8, 8)] {
        assert_eq!(pixel(&mut r, x, y), GREEN, "pixel ({x}, {y})");
    }
    // One isoline in two segments (SET_TESS_STATE's outer levels 1, 2):
    // points at u = 0, 1/2, 1.
    let (mut r, errors) = drawn(
        &CORNERS[..8],
        &DrawSetup {
            mode: PrimMode::PATCHES,
            count: 1,
            point_size: 1.0,
            tess: Some(("", ISOLINE_POINTS, 1)),
            tess_levels: Some(([1.0, 2.0, 1.0, 1.0], [1.0, 1.0])),
            ..DrawSetup::default()
        },
    );
    assert_eq!(errors, 0, "{}", errors_text(&r));
    for x in 0..16 {
        let want = if [1, 7, 13].contains(&x) {
            GREEN
        } else {
            BLACK
        };
        assert_eq!(pixel(&mut r, x, 8), want, "column {x} of row 8");
    }
}

/// Passes each triangle on.
const TRIANGLE_GEOMETRY: &str = "GEOM
PROPERTY GS_INPUT_PRIMITIVE TRIANGLES
PROPERTY GS_OUTPUT_PRIMITIVE TRIANGLE_STRIP
PROPERTY GS_MAX_OUTPUT_VERTICES 3
PROPERTY GS_INVOCATIONS 1
DCL IN[][0], POSITION
DCL IN[][1], COLOR
DCL OUT[0], POSITION
DCL OUT[1], COLOR
IMM[0] UINT32 {0, 0, 0, 0}
  0: MOV OUT[0], IN[0][0]
  1: MOV OUT[1], IN[0][1]
  2: EMIT IMM[0].xxxx
  3: MOV OUT[0], IN[1][0]
  4: MOV OUT[1], IN[1][1]
  5: EMIT IMM[0].xxxx
  6: MOV OUT[0], IN[2][0]
  7: MOV OUT[1], IN[2][1]
  8: EMIT IMM[0].xxxx
  9: END
";

#[test]
fn a_geometry_shader_takes_the_tessellated_triangles() {
    let (mut r, errors) = drawn(
        &CORNERS,
        &DrawSetup {
            mode: PrimMode::PATCHES,
            count: 4,
            gs: Some(TRIANGLE_GEOMETRY),
            tess: Some((QUAD_CONTROL, QUAD_EVALUATION, 4)),
            ..DrawSetup::default()
        },
    );
    assert_eq!(errors, 0, "{}", errors_text(&r));
    for (x, y) in [(0, 0), (15, 15), (8, 8)] {
        assert_eq!(pixel(&mut r, x, y), GREEN, "pixel ({x}, {y})");
    }
}

#[test]
fn bad_tessellation_draws_are_context_errors() {
    let no_vertices_out = QUAD_CONTROL.replace("PROPERTY TCS_VERTICES_OUT 4\n", "");
    let no_vertices_out: &'static str = Box::leak(no_vertices_out.into_boxed_str());
    let cases: [(PrimMode, Option<Stages>, &str); 5] = [
        // Patches without an evaluation shader.
        (PrimMode::PATCHES, None, "TessellationMode(14)"),
        // An evaluation shader meeting triangles.
        (
            PrimMode::TRIANGLES,
            Some((QUAD_CONTROL, QUAD_EVALUATION, 4)),
            "TessellationMode(4)",
        ),
        (
            PrimMode::PATCHES,
            Some((QUAD_CONTROL, QUAD_EVALUATION, 0)),
            "PatchVertices(0)",
        ),
        (
            PrimMode::PATCHES,
            Some((QUAD_CONTROL, QUAD_EVALUATION, 33)),
            "PatchVertices(33)",
        ),
        (
            PrimMode::PATCHES,
            Some((no_vertices_out, QUAD_EVALUATION, 4)),
            "TCS_VERTICES_OUT",
        ),
    ];
    for (mode, tess, want) in cases {
        let (r, errors) = drawn(
            &CORNERS,
            &DrawSetup {
                mode,
                count: 4,
                tess,
                ..DrawSetup::default()
            },
        );
        assert!(errors > 0, "{want}: no context error");
        assert!(
            errors_text(&r).contains(want),
            "{want}: {}",
            errors_text(&r)
        );
    }
}
