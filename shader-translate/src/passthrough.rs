//! The tessellation control shader GL implies when a program has an
//! evaluation shader and none of its own: each vertex of the draw's patch
//! passed on unchanged, and the levels `glPatchParameterfv` set (virgl's
//! SET_TESS_STATE). Vulkan has no such default, so the renderer draws with
//! this one, written as TGSI text and translated like any other.

use crate::ast::Semantic;
use crate::interface::Interface;
use std::fmt::Write as _;

/// TGSI text of the control shader that passes the per-vertex inputs
/// `evaluation` (a TES's interface) reads through, for patches of
/// `vertices` vertices, with outer levels `outer` and inner levels
/// `inner`. Inputs the TES reads per patch get no value (GL leaves them
/// undefined without a control shader).
pub fn passthrough_control_text(
    evaluation: &Interface,
    vertices: u32,
    outer: [f32; 4],
    inner: [f32; 2],
) -> String {
    let mut per_vertex: Vec<_> = evaluation
        .inputs
        .iter()
        .filter_map(|v| v.semantic)
        .filter(|s| s.name != Semantic::Patch)
        .collect();
    per_vertex.dedup();
    let n = per_vertex.len();
    let mut t = format!("TESS_CTRL\nPROPERTY TCS_VERTICES_OUT {vertices}\n");
    for (i, s) in per_vertex.iter().enumerate() {
        let _ = writeln!(t, "DCL IN[][{i}], {}[{}]", s.name, s.index);
    }
    t.push_str("DCL SV[0], INVOCATIONID\n");
    for (i, s) in per_vertex.iter().enumerate() {
        let _ = writeln!(t, "DCL OUT[][{i}], {}[{}]", s.name, s.index);
    }
    let _ = writeln!(t, "DCL OUT[{n}], TESSOUTER");
    let _ = writeln!(t, "DCL OUT[{}], TESSINNER", n + 1);
    t.push_str("DCL ADDR[0]\n");
    let bits = |v: &[f32]| {
        let mut words = [0u32; 4];
        for (w, v) in words.iter_mut().zip(v) {
            *w = v.to_bits();
        }
        let [a, b, c, d] = words;
        format!("{a}, {b}, {c}, {d}")
    };
    let _ = writeln!(t, "IMM[0] UINT32 {{{}}}", bits(&outer));
    let _ = writeln!(t, "IMM[1] UINT32 {{{}}}", bits(&inner));
    t.push_str("  0: UARL ADDR[0].x, SV[0].xxxx\n");
    let mut line = 1;
    for i in 0..n {
        let _ = writeln!(t, "{line:3}: MOV OUT[ADDR[0].x][{i}], IN[ADDR[0].x][{i}]");
        line += 1;
    }
    let _ = writeln!(t, "{line:3}: MOV OUT[{n}], IMM[0]");
    let _ = writeln!(t, "{:3}: MOV OUT[{}], IMM[1]", line + 1, n + 1);
    let _ = writeln!(t, "{:3}: END", line + 2);
    t
}
