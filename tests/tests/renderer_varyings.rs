//! GLSL 1.50's 32 varyings (Mesa numbers those beyond `GENERIC[31]` as
//! `PATCH[i]` in the vertex shader, `GENERIC[32 + i]` in the fragment
//! shader): more than wgpu validates between two stages, so the draw takes
//! the raw path, where Vulkan's limit holds them; every one arrives.

mod draw_setup;

use draw_setup::*;
use host_renderer::{CtxId, Renderer};

const CTX: CtxId = CtxId(1);
/// Varyings of the program: 23 generics and 9 past `GENERIC[31]`.
const VARYINGS: u32 = 32;

/// The semantic of varying `k` in the vertex shader.
fn output_semantic(k: u32) -> String {
    if k < 23 {
        format!("GENERIC[{}]", k + 9)
    } else {
        format!("PATCH[{}]", k - 23)
    }
}

/// A VS writing 1.0 to every varying's x.
fn vertex_shader() -> &'static str {
    let mut t = String::from("VERT\nDCL IN[0]\nDCL OUT[0], POSITION\n");
    for k in 0..VARYINGS {
        t += &format!("DCL OUT[{}], {}\n", k + 1, output_semantic(k));
    }
    t += "IMM[0] FLT32 {1.0, 0.0, 0.0, 0.0}\n  0: MOV OUT[0], IN[0]\n";
    for k in 0..VARYINGS {
        t += &format!("  {}: MOV OUT[{}], IMM[0].xxxx\n", k + 1, k + 1);
    }
    t += "  33: END\n";
    Box::leak(t.into_boxed_str())
}

/// An FS writing grey (the mean of every varying's x) with alpha 1.
fn fragment_shader() -> &'static str {
    let mut t = String::from("FRAG\n");
    for k in 0..VARYINGS {
        t += &format!("DCL IN[{k}], GENERIC[{}], PERSPECTIVE\n", k + 9);
    }
    t += "DCL OUT[0], COLOR\nDCL TEMP[0]\nIMM[0] FLT32 {0.03125, 0.0, 0.0, 1.0}\n";
    t += "  0: MOV TEMP[0].x, IN[0].xxxx\n";
    for k in 1..VARYINGS {
        t += &format!("  {k}: ADD TEMP[0].x, TEMP[0].xxxx, IN[{k}].xxxx\n");
    }
    t += "  32: MUL TEMP[0].x, TEMP[0].xxxx, IMM[0].xxxx\n";
    t += "  33: MOV TEMP[0].w, IMM[0].wwww\n  34: MOV OUT[0], TEMP[0].xxxw\n  35: END\n";
    Box::leak(t.into_boxed_str())
}

#[test]
fn thirty_two_varyings_all_arrive() {
    let mut r = Renderer::new(gpu());
    setup(&mut r, CTX, &TRIANGLE);
    let stream = draw_stream(&DrawSetup {
        flat: false,
        vs: vertex_shader(),
        fs: fragment_shader(),
        ..DrawSetup::default()
    });
    let stats = r.submit(CTX, &stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    assert_eq!(pixel(&mut r, 8, 8), [255, 255, 255, 255]);
}
