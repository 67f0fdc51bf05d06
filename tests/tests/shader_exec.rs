//! Translated shaders executed on the real Vulkan device (lavapipe in CI),
//! their results compared with values computed in Rust.
//!
//! Each opcode case is one line (or a few) of TGSI working on `TEMP[0..3]`
//! = operands a, b, c and writing `TEMP[3]`, which starts as a sentinel so
//! write masks are checked too. In the fragment shader, pixel `i` of a
//! one-row `Rgba32Float` target reads its operands from `CONST[i]`,
//! `CONST[i+8]`, `CONST[i+16]` (through `ARL` and indirect addressing); the
//! same case then runs in a vertex shader on its first row, the result
//! reaching the fragment shader through a flat varying. Resources are bound
//! with layouts built from the translation's [`Interface`] alone, as the
//! renderer will.
//!
//! GPU tests: they need a Vulkan adapter (`mesa-vulkan-drivers` gives
//! lavapipe) and fail with a clear message, rather than skip, without one.
//! Every test here is named `gpu_*` (`cargo test gpu_` runs only them).

mod shader_gpu;

use shader_gpu::{gpu, tr, Draw, Gpu, CLEAR, V};
use shader_translate::{Channel, ColorKind, CompareFunction, Options, Wrap};

const SENTINEL: [f32; 4] = [1234.5, -99.25, 7.75, 0.125];

// ---------------------------------------------------------------------------
// Opcode cases

/// How results are compared.
#[derive(Clone, Copy)]
enum Cmp {
    /// Bit for bit.
    Exact,
    /// As floats, within `tol` relative (absolute below 1).
    Float(f32),
}

/// The expected `TEMP[3]` for operands (a, b, c); `None` = discarded.
type Expect = dyn Fn(&[V; 3]) -> Option<V>;

struct Case {
    name: &'static str,
    /// TGSI lines between the operand loads and the final `MOV OUT[0], TEMP[3]`.
    op: &'static str,
    /// Operands a, b, c per row.
    rows: Vec<[V; 3]>,
    /// Expected `TEMP[3]` (starting at the sentinel), `None` = discarded.
    expect: Box<Expect>,
    cmp: Cmp,
    fs_only: bool,
}

fn f(v: [f32; 4]) -> V {
    v.map(f32::to_bits)
}
fn fl(v: V) -> [f32; 4] {
    v.map(f32::from_bits)
}
fn i(v: [i32; 4]) -> V {
    v.map(|x| x as u32)
}
fn sentinel() -> V {
    f(SENTINEL)
}
/// Float rows from (a, b, c) lane arrays.
fn frows(rows: &[[[f32; 4]; 3]]) -> Vec<[V; 3]> {
    rows.iter().map(|r| r.map(f)).collect()
}
fn lanes(g: impl Fn(usize) -> u32) -> V {
    [g(0), g(1), g(2), g(3)]
}

fn case(
    name: &'static str,
    op: &'static str,
    rows: Vec<[V; 3]>,
    cmp: Cmp,
    expect: impl Fn(&[V; 3]) -> Option<V> + 'static,
) -> Case {
    Case {
        name,
        op,
        rows,
        expect: Box::new(expect),
        cmp,
        fs_only: false,
    }
}

/// Component-wise float op of (a, b, c).
fn fcw(
    name: &'static str,
    op: &'static str,
    rows: &[[[f32; 4]; 3]],
    tol: f32,
    g: impl Fn(f32, f32, f32) -> f32 + 'static,
) -> Case {
    case(name, op, frows(rows), Cmp::Float(tol), move |r| {
        let (a, b, c) = (fl(r[0]), fl(r[1]), fl(r[2]));
        Some(lanes(|k| g(a[k], b[k], c[k]).to_bits()))
    })
}

/// Replicating float op of (a.x, b.x).
fn frep(
    name: &'static str,
    op: &'static str,
    rows: &[[[f32; 4]; 3]],
    tol: f32,
    g: impl Fn(f32, f32) -> f32 + 'static,
) -> Case {
    case(name, op, frows(rows), Cmp::Float(tol), move |r| {
        let v = g(fl(r[0])[0], fl(r[1])[0]).to_bits();
        Some([v; 4])
    })
}

/// Component-wise op on raw lanes of (a, b, c).
fn icw(
    name: &'static str,
    op: &'static str,
    rows: Vec<[V; 3]>,
    g: impl Fn(u32, u32, u32) -> u32 + 'static,
) -> Case {
    case(name, op, rows, Cmp::Exact, move |r| {
        Some(lanes(|k| g(r[0][k], r[1][k], r[2][k])))
    })
}

fn b2f(b: bool) -> f32 {
    if b {
        1.0
    } else {
        0.0
    }
}
fn mask(b: bool) -> u32 {
    if b {
        u32::MAX
    } else {
        0
    }
}

/// Float rows used by most float cases.
fn frows_std() -> Vec<[[f32; 4]; 3]> {
    vec![
        [
            [1.5, -2.25, 0.0, 3.0],
            [0.5, 4.0, -1.0, 3.0],
            [2.0, 0.125, 8.0, -0.5],
        ],
        [
            [-0.75, 10.0, 2.5, -3.5],
            [0.25, -0.5, 2.5, 1.0],
            [-1.0, 1.0, 0.5, 0.0],
        ],
        [
            [100.0, 0.001, -7.5, 1.0],
            [-100.0, 0.5, -7.5, 2.0],
            [3.0, -3.0, 3.0, -3.0],
        ],
    ]
}

fn positive_rows() -> Vec<[[f32; 4]; 3]> {
    vec![
        [[0.25, 4.0, 1.0, 9.0], [2.0, 0.5, 3.0, 1.5], [0.0; 4]],
        [[16.0, 0.75, 100.0, 2.5], [0.5, 3.0, 0.25, 2.0], [0.0; 4]],
    ]
}

fn int_rows() -> Vec<[V; 3]> {
    vec![
        [i([5, -3, 0, i32::MAX]), i([3, 7, -8, 2]), i([1, 2, 3, 4])],
        [
            [0xffff_ffff, 0x8000_0000, 12345, 1],
            [2, 31, 33, 0],
            [7, 0, 0xf0f0_f0f0, 9],
        ],
        [i([-100, 100, 64, -1]), i([-7, 6, 5, 1]), i([0, -1, 2, -2])],
    ]
}

fn dot(a: [f32; 4], b: [f32; 4], n: usize) -> f32 {
    (0..n).map(|k| a[k] * b[k]).sum()
}

fn round_even(x: f32) -> f32 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 && r % 2.0 != 0.0 {
        r - x.signum()
    } else {
        r
    }
}

/// Every opcode case.
fn cases() -> Vec<Case> {
    let std = frows_std();
    // Comparisons also see NaN: only "not equal" is true for it (GLSL's
    // `!=` and `isnan(x)` as `x != x`).
    let mut cmp = std.clone();
    cmp.push([
        [f32::NAN, 1.0, f32::NAN, 0.0],
        [f32::NAN, f32::NAN, 1.0, 0.0],
        [0.0; 4],
    ]);
    let pos = positive_rows();
    let mut v = vec![
        fcw("MOV", "MOV TEMP[3], TEMP[0]", &std, 0.0, |a, _, _| a),
        fcw("ADD", "ADD TEMP[3], TEMP[0], TEMP[1]", &std, 1e-6, |a, b, _| a + b),
        fcw("SUB", "SUB TEMP[3], TEMP[0], TEMP[1]", &std, 1e-6, |a, b, _| a - b),
        fcw("MUL", "MUL TEMP[3], TEMP[0], TEMP[1]", &std, 1e-6, |a, b, _| a * b),
        fcw("DIV", "DIV TEMP[3], TEMP[0], TEMP[1]", &std, 1e-5, |a, b, _| a / b),
        fcw("MAD", "MAD TEMP[3], TEMP[0], TEMP[1], TEMP[2]", &std, 1e-5, |a, b, c| a * b + c),
        fcw("FMA", "FMA TEMP[3], TEMP[0], TEMP[1], TEMP[2]", &std, 1e-5, |a, b, c| a.mul_add(b, c)),
        fcw("MIN", "MIN TEMP[3], TEMP[0], TEMP[1]", &std, 0.0, |a, b, _| a.min(b)),
        fcw("MAX", "MAX TEMP[3], TEMP[0], TEMP[1]", &std, 0.0, |a, b, _| a.max(b)),
        fcw("ABS", "ABS TEMP[3], TEMP[0]", &std, 0.0, |a, _, _| a.abs()),
        fcw("FLR", "FLR TEMP[3], TEMP[0]", &std, 0.0, |a, _, _| a.floor()),
        fcw("CEIL", "CEIL TEMP[3], TEMP[0]", &std, 0.0, |a, _, _| a.ceil()),
        fcw("TRUNC", "TRUNC TEMP[3], TEMP[0]", &std, 0.0, |a, _, _| a.trunc()),
        fcw("FRC", "FRC TEMP[3], TEMP[0]", &std, 1e-6, |a, _, _| a - a.floor()),
        fcw("SSG", "SSG TEMP[3], TEMP[0]", &std, 0.0, |a, _, _| if a > 0.0 { 1.0 } else if a < 0.0 { -1.0 } else { 0.0 }),
        fcw(
            "ROUND",
            "ROUND TEMP[3], TEMP[0]",
            &[[[2.5, -1.5, 0.5, 3.7], [0.0; 4], [0.0; 4]], [[-2.5, 1.5, -0.4, 7.5], [0.0; 4], [0.0; 4]]],
            0.0,
            |a, _, _| round_even(a),
        ),
        fcw("LRP", "LRP TEMP[3], TEMP[0], TEMP[1], TEMP[2]", &std, 1e-5, |a, b, c| a * b + (1.0 - a) * c),
        fcw("CMP", "CMP TEMP[3], TEMP[0], TEMP[1], TEMP[2]", &std, 0.0, |a, b, c| if a < 0.0 { b } else { c }),
        fcw("SLT", "SLT TEMP[3], TEMP[0], TEMP[1]", &cmp, 0.0, |a, b, _| b2f(a < b)),
        fcw("SGE", "SGE TEMP[3], TEMP[0], TEMP[1]", &cmp, 0.0, |a, b, _| b2f(a >= b)),
        fcw("SEQ", "SEQ TEMP[3], TEMP[0], TEMP[1]", &cmp, 0.0, |a, b, _| b2f(a == b)),
        fcw("SNE", "SNE TEMP[3], TEMP[0], TEMP[1]", &cmp, 0.0, |a, b, _| b2f(a != b)),
        fcw("SGT", "SGT TEMP[3], TEMP[0], TEMP[1]", &cmp, 0.0, |a, b, _| b2f(a > b)),
        fcw("SLE", "SLE TEMP[3], TEMP[0], TEMP[1]", &cmp, 0.0, |a, b, _| b2f(a <= b)),
        frep("RCP", "RCP TEMP[3], TEMP[0].xxxx", &std, 1e-5, |a, _| 1.0 / a),
        frep("RSQ", "RSQ TEMP[3], TEMP[0].xxxx", &pos, 1e-5, |a, _| 1.0 / a.sqrt()),
        frep("SQRT", "SQRT TEMP[3], TEMP[0].xxxx", &pos, 1e-5, |a, _| a.sqrt()),
        frep("EX2", "EX2 TEMP[3], TEMP[0].xxxx", &std, 1e-5, |a, _| a.exp2()),
        frep("LG2", "LG2 TEMP[3], TEMP[0].xxxx", &pos, 1e-5, |a, _| a.log2()),
        frep("SIN", "SIN TEMP[3], TEMP[0].xxxx", &std, 2e-4, |a, _| a.sin()),
        frep("COS", "COS TEMP[3], TEMP[0].xxxx", &std, 2e-4, |a, _| a.cos()),
        frep("POW", "POW TEMP[3], TEMP[0].xxxx, TEMP[1].xxxx", &pos, 1e-4, |a, b| a.powf(b)),
        case("DP2", "DP2 TEMP[3], TEMP[0], TEMP[1]", frows(&std), Cmp::Float(1e-5), |r| {
            Some([dot(fl(r[0]), fl(r[1]), 2).to_bits(); 4])
        }),
        case("DP3", "DP3 TEMP[3], TEMP[0], TEMP[1]", frows(&std), Cmp::Float(1e-5), |r| {
            Some([dot(fl(r[0]), fl(r[1]), 3).to_bits(); 4])
        }),
        case("DP4", "DP4 TEMP[3], TEMP[0], TEMP[1]", frows(&std), Cmp::Float(1e-5), |r| {
            Some([dot(fl(r[0]), fl(r[1]), 4).to_bits(); 4])
        }),
        case("DPH", "DPH TEMP[3], TEMP[0], TEMP[1]", frows(&std), Cmp::Float(1e-5), |r| {
            Some([(dot(fl(r[0]), fl(r[1]), 3) + fl(r[1])[3]).to_bits(); 4])
        }),
        case("XPD", "XPD TEMP[3], TEMP[0], TEMP[1]", frows(&std), Cmp::Float(1e-5), |r| {
            let (a, b) = (fl(r[0]), fl(r[1]));
            Some(f([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0], 1.0]))
        }),
        case("DST", "DST TEMP[3], TEMP[0], TEMP[1]", frows(&std), Cmp::Float(1e-6), |r| {
            let (a, b) = (fl(r[0]), fl(r[1]));
            Some(f([1.0, a[1] * b[1], a[2], b[3]]))
        }),
        case(
            "LIT",
            "LIT TEMP[3], TEMP[0]",
            frows(&[[[0.5, 0.25, 0.0, 2.0], [0.0; 4], [0.0; 4]], [[-1.0, 0.5, 0.0, 2.0], [0.0; 4], [0.0; 4]]]),
            Cmp::Float(1e-5),
            |r| {
                let a = fl(r[0]);
                let spec = if a[0] > 0.0 { a[1].max(0.0).powf(a[3].clamp(-128.0, 128.0)) } else { 0.0 };
                Some(f([1.0, a[0].max(0.0), spec, 1.0]))
            },
        ),
        case("EXP", "EXP TEMP[3], TEMP[0].xxxx", frows(&std), Cmp::Float(1e-5), |r| {
            let x = fl(r[0])[0];
            Some(f([x.floor().exp2(), x - x.floor(), x.exp2(), 1.0]))
        }),
        case("LOG", "LOG TEMP[3], TEMP[0].xxxx", frows(&pos), Cmp::Float(1e-5), |r| {
            let x = fl(r[0])[0].abs();
            let fl2 = x.log2().floor();
            Some(f([fl2, x / fl2.exp2(), x.log2(), 1.0]))
        }),
        case("SCS", "SCS TEMP[3], TEMP[0].xxxx", frows(&std), Cmp::Float(2e-4), |r| {
            let x = fl(r[0])[0];
            Some(f([x.cos(), x.sin(), 0.0, 1.0]))
        }),
        fcw("neg-abs modifiers", "MOV TEMP[3], -|TEMP[0]|", &std, 0.0, |a, _, _| -a.abs()),
        case("swizzle and modifiers", "ADD TEMP[3], -TEMP[0].wzyx, |TEMP[1].xxyy|", frows(&std), Cmp::Float(1e-6), |r| {
            let (a, b) = (fl(r[0]), fl(r[1]));
            Some(f([-a[3] + b[0].abs(), -a[2] + b[0].abs(), -a[1] + b[1].abs(), -a[0] + b[1].abs()]))
        }),
        case("write mask", "MUL TEMP[3].xz, TEMP[0], TEMP[1]", frows(&std), Cmp::Float(1e-6), |r| {
            let (a, b, s) = (fl(r[0]), fl(r[1]), SENTINEL);
            Some(f([a[0] * b[0], s[1], a[2] * b[2], s[3]]))
        }),
        fcw("MOV_SAT", "MOV_SAT TEMP[3], TEMP[0]", &std, 0.0, |a, _, _| a.clamp(0.0, 1.0)),
        fcw("MAD_SAT", "MAD_SAT TEMP[3], TEMP[0], TEMP[1], TEMP[2]", &std, 1e-5, |a, b, c| (a * b + c).clamp(0.0, 1.0)),
        fcw("DIV_SAT", "DIV_SAT TEMP[3], TEMP[0], TEMP[1]", &std, 1e-5, |a, b, _| (a / b).clamp(0.0, 1.0)),
        case("FSEQ", "FSEQ TEMP[3], TEMP[0], TEMP[1]", frows(&cmp), Cmp::Exact, |r| {
            let (a, b) = (fl(r[0]), fl(r[1]));
            Some(lanes(|k| mask(a[k] == b[k])))
        }),
        case("FSNE", "FSNE TEMP[3], TEMP[0], TEMP[1]", frows(&cmp), Cmp::Exact, |r| {
            let (a, b) = (fl(r[0]), fl(r[1]));
            Some(lanes(|k| mask(a[k] != b[k])))
        }),
        case("FSLT", "FSLT TEMP[3], TEMP[0], TEMP[1]", frows(&cmp), Cmp::Exact, |r| {
            let (a, b) = (fl(r[0]), fl(r[1]));
            Some(lanes(|k| mask(a[k] < b[k])))
        }),
        case("FSGE", "FSGE TEMP[3], TEMP[0], TEMP[1]", frows(&cmp), Cmp::Exact, |r| {
            let (a, b) = (fl(r[0]), fl(r[1]));
            Some(lanes(|k| mask(a[k] >= b[k])))
        }),
        icw("UADD", "UADD TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| a.wrapping_add(b)),
        icw("UADD negated operand", "UADD TEMP[3], -TEMP[0], TEMP[1]", int_rows(), |a, b, _| b.wrapping_sub(a)),
        icw("UMUL", "UMUL TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| a.wrapping_mul(b)),
        icw("UMAD", "UMAD TEMP[3], TEMP[0], TEMP[1], TEMP[2]", int_rows(), |a, b, c| a.wrapping_mul(b).wrapping_add(c)),
        icw("UDIV", "UDIV TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| a.checked_div(b).unwrap_or(u32::MAX)),
        icw("UMOD", "UMOD TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| a.checked_rem(b).unwrap_or(u32::MAX)),
        icw("IDIV", "IDIV TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| {
            let (a, b) = (a as i32, b as i32);
            (if b == 0 { a } else { a.wrapping_div(b) }) as u32
        }),
        icw("MOD", "MOD TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| {
            let (a, b) = (a as i32, b as i32);
            (if b == 0 { 0 } else { a.wrapping_rem(b) }) as u32
        }),
        icw("AND", "AND TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| a & b),
        icw("OR", "OR TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| a | b),
        icw("XOR", "XOR TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| a ^ b),
        icw("NOT", "NOT TEMP[3], TEMP[0]", int_rows(), |a, _, _| !a),
        icw("SHL", "SHL TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| a << (b & 31)),
        icw("ISHR", "ISHR TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| ((a as i32) >> (b & 31)) as u32),
        icw("USHR", "USHR TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| a >> (b & 31)),
        icw("IMAX", "IMAX TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| (a as i32).max(b as i32) as u32),
        icw("IMIN", "IMIN TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| (a as i32).min(b as i32) as u32),
        icw("UMAX", "UMAX TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| a.max(b)),
        icw("UMIN", "UMIN TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| a.min(b)),
        icw("INEG", "INEG TEMP[3], TEMP[0]", int_rows(), |a, _, _| (a as i32).wrapping_neg() as u32),
        icw("IABS", "IABS TEMP[3], TEMP[0]", int_rows(), |a, _, _| (a as i32).wrapping_abs() as u32),
        icw("ISSG", "ISSG TEMP[3], TEMP[0]", int_rows(), |a, _, _| (a as i32).signum() as u32),
        icw("ISGE", "ISGE TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| mask(a as i32 >= b as i32)),
        icw("ISLT", "ISLT TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| mask((a as i32) < b as i32)),
        icw("USEQ", "USEQ TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| mask(a == b)),
        icw("USNE", "USNE TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| mask(a != b)),
        icw("USGE", "USGE TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| mask(a >= b)),
        icw("USLT", "USLT TEMP[3], TEMP[0], TEMP[1]", int_rows(), |a, b, _| mask(a < b)),
        icw("UCMP", "UCMP TEMP[3], TEMP[0], TEMP[1], TEMP[2]", int_rows(), |a, b, c| if a != 0 { b } else { c }),
        icw("I2F", "I2F TEMP[3], TEMP[0]", int_rows(), |a, _, _| (a as i32 as f32).to_bits()),
        icw("U2F", "U2F TEMP[3], TEMP[0]", int_rows(), |a, _, _| (a as f32).to_bits()),
        case("F2I", "F2I TEMP[3], TEMP[0]", frows(&std), Cmp::Exact, |r| Some(fl(r[0]).map(|x| x as i32 as u32))),
        case("F2U", "F2U TEMP[3], |TEMP[0]|", frows(&std), Cmp::Exact, |r| Some(fl(r[0]).map(|x| x.abs() as u32))),
        icw("BREV", "BREV TEMP[3], TEMP[0]", int_rows(), |a, _, _| a.reverse_bits()),
        icw("POPC", "POPC TEMP[3], TEMP[0]", int_rows(), |a, _, _| a.count_ones()),
        icw("LSB", "LSB TEMP[3], TEMP[0]", int_rows(), |a, _, _| if a == 0 { u32::MAX } else { a.trailing_zeros() }),
        icw("UMSB", "UMSB TEMP[3], TEMP[0]", int_rows(), |a, _, _| if a == 0 { u32::MAX } else { 31 - a.leading_zeros() }),
        icw("IMSB", "IMSB TEMP[3], TEMP[0]", int_rows(), |a, _, _| {
            let x = if (a as i32) < 0 { !a } else { a };
            if x == 0 { u32::MAX } else { 31 - x.leading_zeros() }
        }),
        case(
            "PK2H/UP2H",
            "PK2H TEMP[4].x, TEMP[0]\n  UP2H TEMP[3], TEMP[4].xxxx",
            frows(&[[[1.5, -0.25, 0.0, 0.0], [0.0; 4], [0.0; 4]]]),
            Cmp::Exact,
            |_| Some(f([1.5, -0.25, 1.5, -0.25])),
        ),
        case(
            "PK4UB/UP4UB",
            "PK4UB TEMP[4].x, TEMP[0]\n  UP4UB TEMP[3], TEMP[4].xxxx",
            frows(&[[[0.0, 1.0, 0.2, 2.0], [0.0; 4], [0.0; 4]]]),
            Cmp::Float(1e-6),
            |_| Some(f([0.0, 1.0, 51.0 / 255.0, 1.0])),
        ),
        case(
            "UARL indirect CONST",
            "UARL ADDR[0].x, TEMP[0].xxxx\n  MOV TEMP[3], CONST[ADDR[0].x+16]",
            vec![[[0, 0, 0, 0], [0; 4], f([4.0, 3.0, 2.0, 1.0])]],
            Cmp::Exact,
            |r| Some(r[2]),
        ),
        case(
            "IF/ELSE",
            "IF TEMP[0].xxxx\n  MOV TEMP[3], TEMP[1]\n  ELSE\n  MOV TEMP[3], TEMP[2]\n  ENDIF",
            frows(&[[[1.0; 4], [2.0; 4], [3.0; 4]], [[0.0; 4], [2.0; 4], [3.0; 4]], [[-0.5; 4], [4.0; 4], [5.0; 4]]]),
            Cmp::Exact,
            |r| Some(if fl(r[0])[0] != 0.0 { r[1] } else { r[2] }),
        ),
        case(
            "UIF",
            "UIF TEMP[0].yyyy\n  MOV TEMP[3].x, TEMP[1].xxxx\n  ENDIF",
            vec![[[0, 1, 0, 0], [5, 5, 5, 5], [0; 4]], [[1, 0, 1, 1], [5, 5, 5, 5], [0; 4]]],
            Cmp::Exact,
            |r| {
                let mut s = sentinel();
                if r[0][1] != 0 {
                    s[0] = r[1][0];
                }
                Some(s)
            },
        ),
        case(
            "BGNLOOP/BRK/CONT/ENDLOOP",
            // acc = 0; i = 0; loop { if i >= a.x break; i += 1; if i == b.x continue; acc += i }
            "MOV TEMP[3], TEMP[2]\n  MOV TEMP[4].x, TEMP[2].xxxx\n  BGNLOOP\n  SGE TEMP[5].x, TEMP[4].xxxx, TEMP[0].xxxx\n  IF TEMP[5].xxxx\n  BRK\n  ENDIF\n  ADD TEMP[4].x, TEMP[4].xxxx, TEMP[1].yyyy\n  SEQ TEMP[5].x, TEMP[4].xxxx, TEMP[1].xxxx\n  IF TEMP[5].xxxx\n  CONT\n  ENDIF\n  ADD TEMP[3].x, TEMP[3].xxxx, TEMP[4].xxxx\n  ENDLOOP",
            frows(&[[[5.0; 4], [3.0, 1.0, 0.0, 0.0], [0.0; 4]], [[0.0; 4], [3.0, 1.0, 0.0, 0.0], [0.0; 4]]]),
            Cmp::Exact,
            |r| {
                let (n, skip) = (fl(r[0])[0], fl(r[1])[0]);
                let mut acc = 0.0;
                let mut i = 0.0;
                while i < n {
                    i += 1.0;
                    if i != skip {
                        acc += i;
                    }
                }
                Some(f([acc, 0.0, 0.0, 0.0]))
            },
        ),
        Case {
            fs_only: true,
            ..case("KILL_IF", "KILL_IF TEMP[0]\n  MOV TEMP[3], TEMP[1]", frows(&std), Cmp::Exact, |r| {
                (!fl(r[0]).iter().any(|&x| x < 0.0)).then_some(r[1])
            })
        },
        Case {
            fs_only: true,
            ..case(
                "KILL",
                "IF TEMP[0].xxxx\n  KILL\n  ENDIF\n  MOV TEMP[3], TEMP[1]",
                frows(&[[[1.0; 4], [2.0; 4], [0.0; 4]], [[0.0; 4], [3.0; 4], [0.0; 4]]]),
                Cmp::Exact,
                |r| (fl(r[0])[0] == 0.0).then_some(r[1]),
            )
        },
    ];
    // Bitfield ops with explicit offsets and counts.
    v.push(icw(
        "IBFE",
        "IBFE TEMP[3], TEMP[0], TEMP[1], TEMP[2]",
        vec![[
            [0xf0f0_f0f0, 0x8000_0000, 0x1234_5678, 0xffff_ffff],
            [4, 28, 8, 0],
            [8, 4, 12, 32],
        ]],
        |a, o, c| {
            if c == 0 {
                0
            } else if o + c >= 32 {
                ((a as i32) >> o) as u32
            } else {
                (((a << (32 - o - c)) as i32) >> (32 - c)) as u32
            }
        },
    ));
    v.push(icw(
        "UBFE",
        "UBFE TEMP[3], TEMP[0], TEMP[1], TEMP[2]",
        vec![[
            [0xf0f0_f0f0, 0x8000_0000, 0x1234_5678, 0xffff_ffff],
            [4, 28, 8, 0],
            [8, 4, 12, 32],
        ]],
        |a, o, c| match c {
            0 => 0,
            32 => a >> o,
            _ => (a >> o) & ((1 << c) - 1),
        },
    ));
    v.push(icw(
        "BFI",
        "BFI TEMP[3], TEMP[0], TEMP[1], TEMP[2].xxxx, TEMP[2].yyyy",
        vec![[
            [0xffff_ffff, 0, 0x1234_5678, 7],
            [0, 0xff, 0xabcd, 1],
            [8, 8, 0, 0],
        ]],
        |a, b, _| {
            let m = 0xffu32 << 8;
            (a & !m) | ((b << 8) & m)
        },
    ));
    v
}

/// The fragment shader running case `c`.
fn fs_text(c: &Case) -> String {
    format!(
        "FRAG\nDCL IN[0], POSITION, LINEAR\nDCL OUT[0], COLOR\nDCL CONST[0..23]\nDCL TEMP[0..5]\nDCL ADDR[0]\n\
         IMM[0] FLT32 {{{}, {}, {}, {}}}\n\
         ARL ADDR[0].x, IN[0].xxxx\nMOV TEMP[0], CONST[ADDR[0].x]\nMOV TEMP[1], CONST[ADDR[0].x+8]\n\
         MOV TEMP[2], CONST[ADDR[0].x+16]\nMOV TEMP[3], IMM[0]\n  {}\nMOV OUT[0], TEMP[3]\nEND\n",
        SENTINEL[0], SENTINEL[1], SENTINEL[2], SENTINEL[3], c.op
    )
}

/// The vertex shader running case `c` (operands from `CONST[0..3]`).
fn vs_text(c: &Case) -> String {
    format!(
        "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL OUT[1], GENERIC[0]\nDCL CONST[0..23]\nDCL TEMP[0..5]\nDCL ADDR[0]\n\
         IMM[0] FLT32 {{{}, {}, {}, {}}}\n\
         MOV OUT[0], IN[0]\nMOV TEMP[0], CONST[0]\nMOV TEMP[1], CONST[8]\nMOV TEMP[2], CONST[16]\nMOV TEMP[3], IMM[0]\n  {}\n\
         MOV OUT[1], TEMP[3]\nEND\n",
        SENTINEL[0], SENTINEL[1], SENTINEL[2], SENTINEL[3], c.op
    )
}

const PASS_VS: &str = "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\n  0: MOV OUT[0], IN[0]\n  1: END\n";
const FLAT_FS: &str =
    "FRAG\nDCL IN[0], GENERIC[0], CONSTANT\nDCL OUT[0], COLOR\n  0: MOV OUT[0], IN[0]\n  1: END\n";

fn constants(rows: &[[V; 3]]) -> Vec<V> {
    let mut out = vec![[0; 4]; 24];
    for (k, r) in rows.iter().enumerate() {
        out[k] = r[0];
        out[k + 8] = r[1];
        out[k + 16] = r[2];
    }
    out
}

fn matches(cmp: Cmp, got: V, want: V) -> bool {
    match cmp {
        Cmp::Exact => got == want,
        Cmp::Float(tol) => fl(got).iter().zip(fl(want)).all(|(&g, w)| {
            g == w || (g.is_nan() && w.is_nan()) || (g - w).abs() <= tol * w.abs().max(1.0)
        }),
    }
}

fn show(v: V) -> String {
    format!("{:?} / {:08x?}", fl(v), v)
}

#[test]
fn gpu_opcodes_compute_what_rust_computes() {
    let cases = cases();
    let mut failures = Vec::new();
    let opts = Options::default();
    let vs = tr(PASS_VS, &opts);
    let flat_fs = tr(FLAT_FS, &opts);
    let linked = Options {
        next_stage_inputs: flat_fs.interface.inputs.clone(),
        ..Options::default()
    };
    for c in &cases {
        // Fragment shader: one pixel per row.
        let fs = tr(&fs_text(c), &opts);
        let mut draw = Draw::new(&vs, &fs, c.rows.len() as u32, 1);
        draw.fs_res.constants.insert(0, constants(&c.rows));
        let got = draw.run().remove(0);
        for (row, (r, g)) in c.rows.iter().zip(got).enumerate() {
            let want = (c.expect)(r).unwrap_or([CLEAR as f32; 4].map(f32::to_bits));
            if !matches(c.cmp, g, want) {
                failures.push(format!(
                    "{} (FS, row {row}): got {}, want {}",
                    c.name,
                    show(g),
                    show(want)
                ));
            }
        }
        if c.fs_only {
            continue;
        }
        // Vertex shader: first row, through a flat varying.
        let vs_case = tr(&vs_text(c), &linked);
        let mut draw = Draw::new(&vs_case, &flat_fs, 1, 1);
        draw.vs_res.constants.insert(0, constants(&c.rows[..1]));
        let got = draw.run().remove(0)[0];
        let want = (c.expect)(&c.rows[0]).expect("VS cases are not discarded");
        if !matches(c.cmp, got, want) {
            failures.push(format!(
                "{} (VS): got {}, want {}",
                c.name,
                show(got),
                show(want)
            ));
        }
    }
    eprintln!("shader_exec: {} opcode cases", cases.len());
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------
// GL conventions

/// Fragment coordinates follow FS_COORD_ORIGIN / FS_COORD_PIXEL_CENTER, with
/// WebGPU's upper-left, half-integer position underneath; z is GL window depth.
#[test]
fn gpu_fragment_coordinates_follow_the_properties() {
    let vs = tr(PASS_VS, &Options::default());
    for (origin, center) in [("LOWER_LEFT", "HALF_INTEGER"), ("UPPER_LEFT", "INTEGER")] {
        let text = format!(
            "FRAG\nPROPERTY FS_COORD_ORIGIN {origin}\nPROPERTY FS_COORD_PIXEL_CENTER {center}\n\
             DCL IN[0], POSITION, LINEAR\nDCL OUT[0], COLOR\n  0: MOV OUT[0], IN[0]\n  1: END\n"
        );
        let fs = tr(&text, &Options::default());
        let mut draw = Draw::new(&vs, &fs, 2, 4);
        draw.fs_res.driver.fb_height = 4.0;
        let got = draw.run().remove(0);
        for row in 0..4u32 {
            for x in 0..2u32 {
                let p = fl(got[(row * 2 + x) as usize]);
                let (wx, wy) = match origin {
                    "LOWER_LEFT" => (x as f32 + 0.5, 4.0 - row as f32 - 0.5),
                    _ => (x as f32, row as f32),
                };
                assert_eq!(
                    (p[0], p[1]),
                    (wx, wy),
                    "{origin} {center} pixel ({x}, {row})"
                );
                assert_eq!(p[2], 0.5, "GL z = 0 maps to window depth 0.5");
                assert_eq!(p[3], 1.0);
            }
        }
    }
}

/// `DDY` is the derivative along the framebuffer's rows in memory whatever
/// the coordinate origin (Mesa scales its argument by the framebuffer's y
/// direction itself): of the fragment y it is −1 under `LOWER_LEFT` (y grows
/// upward, against the rows) and +1 under `UPPER_LEFT`; `DDX` of x is +1.
/// (Negating it under `LOWER_LEFT` failed piglit's fs-dfdy-accuracy once the
/// caps said the origin is honoured.)
#[test]
fn gpu_ddy_runs_along_the_rows() {
    let vs = tr(PASS_VS, &Options::default());
    for origin in ["LOWER_LEFT", "UPPER_LEFT"] {
        for opcode in ["DDY", "DDY_FINE"] {
            let text = format!(
                "FRAG\nPROPERTY FS_COORD_ORIGIN {origin}\nDCL IN[0], POSITION, LINEAR\nDCL OUT[0], COLOR\n\
                   0: DDX OUT[0].xzw, IN[0].xxxx\n  1: {opcode} OUT[0].y, IN[0].yyyy\n  2: END\n"
            );
            let fs = tr(&text, &Options::default());
            let mut draw = Draw::new(&vs, &fs, 4, 4);
            draw.fs_res.driver.fb_height = 4.0;
            let dy = if origin == "LOWER_LEFT" { -1.0 } else { 1.0 };
            for (i, p) in draw.run().remove(0).iter().enumerate() {
                assert_eq!(fl(*p), [1.0, dy, 1.0, 1.0], "{origin} {opcode} pixel {i}");
            }
        }
    }
}

/// `flip_y` = +1 keeps GL's NDC +y at memory row 0 (window framebuffers,
/// negative viewport scale); −1 puts it at the last row (FBOs).
#[test]
fn gpu_flip_y_chooses_the_row_order() {
    let vs = tr(PASS_VS, &Options::default());
    let fs = tr("FRAG\nDCL OUT[0], COLOR\nIMM[0] FLT32 {1.0, 1.0, 1.0, 1.0}\n  0: MOV OUT[0], IMM[0]\n  1: END\n", &Options::default());
    for flip in [1.0f32, -1.0] {
        let mut draw = Draw::new(&vs, &fs, 1, 4);
        // A triangle covering only NDC y > 0 (the upper half in GL terms).
        draw.vertices = vec![
            [-3.0, 0.0, 0.0, 1.0],
            [3.0, 0.0, 0.0, 1.0],
            [0.0, 3.0, 0.0, 1.0],
        ];
        draw.vs_res.driver.flip_y = flip;
        let rows: Vec<bool> = draw
            .run()
            .remove(0)
            .iter()
            .map(|p| fl(*p)[0] == 1.0)
            .collect();
        let expected = if flip > 0.0 {
            [true, true, false, false]
        } else {
            [false, false, true, true]
        };
        assert_eq!(rows, expected, "flip_y = {flip}");
    }
}

/// Clip-space z in [-w, w] lands in [0, 1] (or is kept with `clip_halfz`),
/// mirrored within it under `depth_range_reversed` (a far-to-near range).
#[test]
fn gpu_depth_range_is_converted() {
    let fs = tr(
        "FRAG\nDCL IN[0], POSITION, LINEAR\nDCL OUT[0], COLOR\n  0: MOV OUT[0], IN[0].zzzz\n  1: END\n",
        &Options::default(),
    );
    for (halfz, reversed, z, want) in [
        (false, false, -0.5f32, 0.25f32),
        (false, false, 0.5, 0.75),
        (true, false, 0.5, 0.5),
        (false, true, -0.5, 0.75),
        (false, true, 0.5, 0.25),
        (true, true, 0.25, 0.75),
    ] {
        let vs = tr(
            PASS_VS,
            &Options {
                clip_halfz: halfz,
                depth_range_reversed: reversed,
                ..Options::default()
            },
        );
        let mut draw = Draw::new(&vs, &fs, 1, 1);
        draw.vertices.iter_mut().for_each(|v| v[2] = z);
        let got = fl(draw.run().remove(0)[0])[0];
        assert!(
            (got - want).abs() < 1e-6,
            "halfz {halfz}, reversed {reversed}, z {z}: got {got}, want {want}"
        );
    }
}

/// FACE is +1 for front-facing and −1 for back-facing triangles. Winding is
/// judged in framebuffer (memory) coordinates, which the Y scheme keeps equal
/// to Gallium's: a triangle counter-clockwise in GL NDC is front-facing under
/// `FrontFace::Ccw` without a flip and back-facing with `flip_y = −1` (where
/// Mesa clears `front_ccw` to match; see docs/gl-conventions.md).
#[test]
fn gpu_face_reports_the_winding() {
    let vs = tr(PASS_VS, &Options::default());
    let fs = tr(
        "FRAG\nDCL IN[0], FACE, CONSTANT\nDCL OUT[0], COLOR\n  0: MOV OUT[0], IN[0]\n  1: END\n",
        &Options::default(),
    );
    let ccw = vec![
        [-1.0, -1.0, 0.0, 1.0],
        [3.0, -1.0, 0.0, 1.0],
        [-1.0, 3.0, 0.0, 1.0],
    ];
    let cw: Vec<_> = ccw.iter().rev().copied().collect();
    for (vertices, flip, want) in [
        (&ccw, 1.0, 1.0f32),
        (&cw, 1.0, -1.0),
        (&ccw, -1.0, -1.0),
        (&cw, -1.0, 1.0),
    ] {
        let mut draw = Draw::new(&vs, &fs, 1, 1);
        draw.vertices = vertices.clone();
        draw.vs_res.driver.flip_y = flip;
        assert_eq!(
            fl(draw.run().remove(0)[0]),
            [want, 0.0, 0.0, 1.0],
            "flip_y {flip}"
        );
    }
}

/// With `two_sided_color` (rasterizer `light_twoside`), `COLOR[i]` reads the
/// VS's `BCOLOR[i]` on back faces; without it, `COLOR[i]` on both; a VS
/// without `BCOLOR[1]` gives 0 there.
#[test]
fn gpu_two_sided_color_picks_the_back_colour_on_back_faces() {
    let ccw = vec![
        [-1.0, -1.0, 0.0, 1.0],
        [3.0, -1.0, 0.0, 1.0],
        [-1.0, 3.0, 0.0, 1.0],
    ];
    let cw: Vec<_> = ccw.iter().rev().copied().collect();
    let fs_text = "FRAG\nDCL IN[0], COLOR, COLOR\nDCL IN[1], COLOR[1], COLOR\nDCL OUT[0], COLOR\n\
                   0: ADD OUT[0], IN[0], IN[1]\n  1: END\n";
    let vs_text = "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL OUT[1], COLOR\nDCL OUT[2], COLOR[1]\n\
                   DCL OUT[3], BCOLOR\nIMM[0] FLT32 {1.0, 2.0, 4.0, 8.0}\nIMM[1] FLT32 {16.0, 32.0, 64.0, 128.0}\n\
                   0: MOV OUT[0], IN[0]\n  1: MOV OUT[1], IMM[0].xxxx\n  2: MOV OUT[2], IMM[0].yyyy\n\
                   3: MOV OUT[3], IMM[1]\n  4: END\n";
    for two_sided in [false, true] {
        let opts = Options {
            two_sided_color: two_sided,
            ..Options::default()
        };
        let fs = tr(fs_text, &opts);
        let vs = tr(
            vs_text,
            &Options {
                next_stage_inputs: fs.interface.inputs.clone(),
                ..opts.clone()
            },
        );
        for (vertices, front) in [(&ccw, true), (&cw, false)] {
            let mut draw = Draw::new(&vs, &fs, 1, 1);
            draw.vertices = vertices.clone();
            let want = if two_sided && !front {
                [16.0, 32.0, 64.0, 128.0]
            } else {
                [3.0; 4]
            };
            assert_eq!(
                fl(draw.run().remove(0)[0]),
                want,
                "two-sided {two_sided}, front {front}"
            );
        }
    }
}

/// Colour 0 broadcast, fragment colour clamping and the alpha test.
#[test]
fn gpu_fragment_output_options() {
    let vs = tr(PASS_VS, &Options::default());
    let text = "FRAG\nPROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\nDCL OUT[0], COLOR\nDCL CONST[0]\n  0: MOV OUT[0], CONST[0]\n  1: END\n";
    let color = f([2.0, -1.0, 0.5, 0.25]);
    let opts = Options {
        color_buffers: 2,
        clamp_fragment_color: true,
        ..Options::default()
    };
    let fs = tr(text, &opts);
    let mut draw = Draw::new(&vs, &fs, 1, 1);
    draw.targets = 2;
    draw.fs_res.constants.insert(0, vec![color]);
    for target in draw.run() {
        assert_eq!(fl(target[0]), [1.0, 0.0, 0.5, 0.25]);
    }
    for (func, reference, passes) in [
        (CompareFunction::Greater, 0.5, false),
        (CompareFunction::Less, 0.5, true),
        (CompareFunction::Equal, 0.25, true),
        (CompareFunction::Never, 0.0, false),
        (CompareFunction::Always, 0.0, true),
    ] {
        let fs = tr(
            text,
            &Options {
                alpha_test: Some(func),
                ..Options::default()
            },
        );
        let mut draw = Draw::new(&vs, &fs, 1, 1);
        draw.fs_res.constants.insert(0, vec![color]);
        draw.fs_res.driver.alpha_ref = reference;
        let got = fl(draw.run().remove(0)[0]);
        let want = if passes { fl(color) } else { [CLEAR as f32; 4] };
        assert_eq!(got, want, "alpha test {func:?} {reference}");
    }
}

/// Output swizzles per colour buffer, applied after clamping: buffer 0 as
/// for `A8` (alpha to red), buffer 1 as for `L8A8` (alpha to green, with
/// constants), buffer 2 unchanged.
#[test]
fn gpu_output_swizzles_rearrange_each_buffer() {
    let vs = tr(PASS_VS, &Options::default());
    let text = "FRAG\nPROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\nDCL OUT[0], COLOR\nDCL CONST[0]\n  0: MOV OUT[0], CONST[0]\n  1: END\n";
    let mut opts = Options {
        color_buffers: 3,
        clamp_fragment_color: true,
        ..Options::default()
    };
    opts.output_swizzles[0] = [Channel::A, Channel::G, Channel::B, Channel::A];
    opts.output_swizzles[1] = [Channel::R, Channel::A, Channel::Zero, Channel::One];
    let fs = tr(text, &opts);
    let mut draw = Draw::new(&vs, &fs, 1, 1);
    draw.targets = 3;
    draw.fs_res
        .constants
        .insert(0, vec![f([0.25, 2.0, -1.0, 0.75])]);
    let got: Vec<[f32; 4]> = draw.run().iter().map(|t| fl(t[0])).collect();
    assert_eq!(
        got,
        [
            [0.75, 1.0, 0.0, 0.75],
            [0.25, 0.75, 0.0, 1.0],
            [0.25, 1.0, 0.0, 0.75]
        ]
    );
}

/// Flat shading: `COLOR` inputs take the provoking vertex's value.
#[test]
fn gpu_flatshade_makes_colors_flat() {
    let opts = Options {
        flatshade: true,
        ..Options::default()
    };
    let fs = tr(
        "FRAG\nDCL IN[0], COLOR, COLOR\nDCL OUT[0], COLOR\n  0: MOV OUT[0], IN[0]\n  1: END\n",
        &opts,
    );
    let vs = tr(
        "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL OUT[1], COLOR\n  0: MOV OUT[0], IN[0]\n  1: MOV OUT[1], IN[0].xxxx\n  2: END\n",
        &Options { next_stage_inputs: fs.interface.inputs.clone(), ..opts.clone() },
    );
    let got = Draw::new(&vs, &fs, 4, 1).run().remove(0);
    // WebGPU's flat interpolation takes the first vertex (x = -1).
    assert!(
        got.iter().all(|p| fl(*p) == [-1.0; 4]),
        "{:?}",
        got.iter().map(|p| fl(*p)).collect::<Vec<_>>()
    );
}

// ---------------------------------------------------------------------------
// Textures

fn texture(gpu: &Gpu, format: wgpu::TextureFormat, size: u32, levels: &[Vec<u8>]) -> wgpu::Texture {
    let texture = gpu.device.create_texture(&wgpu::TextureDescriptor {
        label: None,
        size: wgpu::Extent3d {
            width: size,
            height: size,
            depth_or_array_layers: 1,
        },
        mip_level_count: levels.len() as u32,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format,
        usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
        view_formats: &[],
    });
    let bpp = format.block_copy_size(None).unwrap();
    for (level, data) in levels.iter().enumerate() {
        let s = size >> level;
        gpu.queue.write_texture(
            wgpu::TexelCopyTextureInfo {
                texture: &texture,
                mip_level: level as u32,
                origin: wgpu::Origin3d::ZERO,
                aspect: wgpu::TextureAspect::All,
            },
            data,
            wgpu::TexelCopyBufferLayout {
                offset: 0,
                bytes_per_row: Some(s * bpp),
                rows_per_image: None,
            },
            wgpu::Extent3d {
                width: s,
                height: s,
                depth_or_array_layers: 1,
            },
        );
    }
    texture
}

/// A nearest-filtering sampler; `base_only` clamps the LOD to level 0 (the
/// per-pixel coordinates of these tests make implicit derivatives huge).
fn nearest(gpu: &Gpu, compare: Option<wgpu::CompareFunction>, base_only: bool) -> wgpu::Sampler {
    let lod_max_clamp = if base_only { 0.0 } else { 32.0 };
    gpu.device.create_sampler(&wgpu::SamplerDescriptor {
        compare,
        lod_max_clamp,
        ..Default::default()
    })
}

/// A 4×4 RGBA8 texture: texel (x, y) = (x·16, y·16, 200, 100); level 1 (2×2)
/// all (255, 0, 0, 255).
fn test_texture(gpu: &Gpu) -> wgpu::Texture {
    let mut l0 = Vec::new();
    for y in 0..4u8 {
        for x in 0..4u8 {
            l0.extend([x * 16, y * 16, 200, 100]);
        }
    }
    let l1 = [255u8, 0, 0, 255].repeat(4);
    texture(gpu, wgpu::TextureFormat::Rgba8Unorm, 4, &[l0, l1])
}

/// A 4×4 `Rgba32Uint` texture: texel (x, y) = (x, y, 100, 7).
fn integer_test_texture(gpu: &Gpu) -> wgpu::Texture {
    let mut l0 = Vec::new();
    for y in 0..4u32 {
        for x in 0..4u32 {
            l0.extend([x, y, 100, 7].iter().flat_map(|v| v.to_le_bytes()));
        }
    }
    texture(gpu, wgpu::TextureFormat::Rgba32Uint, 4, &[l0])
}

fn texel(x: u8, y: u8) -> [f32; 4] {
    [x * 16, y * 16, 200, 100].map(|c| c as f32 / 255.0)
}

/// Runs `op` (reading coordinates from `TEMP[0]` = CONST[i] per pixel) with
/// the test texture as unit 0; returns one result per row of `coords`.
fn sample(
    op: &str,
    target: &str,
    ret: &str,
    coords: &[V],
    options: &Options,
    view: &wgpu::TextureView,
    sampler: &wgpu::Sampler,
) -> Vec<[f32; 4]> {
    sample_lod(
        op,
        target,
        ret,
        coords,
        options,
        (view, sampler, NO_LOD_STATE),
    )
}

/// A sampler state's LOD bias, min and max LOD (driver uniforms) that
/// change nothing.
const NO_LOD_STATE: [f32; 4] = [0.0, -1000.0, 1000.0, 2.0];

/// [`sample`] with unit 0's view, sampler and LOD state (bias, min, max)
/// given.
fn sample_lod(
    op: &str,
    target: &str,
    ret: &str,
    coords: &[V],
    options: &Options,
    (view, sampler, lod): (&wgpu::TextureView, &wgpu::Sampler, [f32; 4]),
) -> Vec<[f32; 4]> {
    let vs = tr(PASS_VS, &Options::default());
    let text = format!(
        "FRAG\nDCL IN[0], POSITION, LINEAR\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], {target}, {ret}\nDCL CONST[0..7]\n\
         DCL TEMP[0..3]\nDCL ADDR[0]\nARL ADDR[0].x, IN[0].xxxx\nMOV TEMP[0], CONST[ADDR[0].x]\n{op}\nMOV OUT[0], TEMP[3]\nEND\n"
    );
    let fs = tr(&text, options);
    let mut draw = Draw::new(&vs, &fs, coords.len() as u32, 1);
    draw.fs_res.constants.insert(0, coords.to_vec());
    draw.fs_res.textures.insert(0, (view, sampler));
    draw.fs_res.driver.sampler_lod[0] = lod;
    draw.run().remove(0).into_iter().map(fl).collect()
}

fn close(got: &[[f32; 4]], want: &[[f32; 4]], what: &str) {
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            g.iter().zip(w).all(|(a, b)| (a - b).abs() < 2e-3),
            "{what} row {k}: got {g:?}, want {w:?}"
        );
    }
}

#[test]
fn gpu_texture_opcodes() {
    let gpu = gpu();
    let tex = test_texture(gpu);
    let view = tex.create_view(&Default::default());
    let smp = nearest(gpu, None, true);
    let mip = nearest(gpu, None, false);
    let centre = |x: u8, y: u8| f([(x as f32 + 0.5) / 4.0, (y as f32 + 0.5) / 4.0, 0.0, 0.0]);
    let coords = [centre(0, 0), centre(3, 1), centre(2, 3)];
    let want = [texel(0, 0), texel(3, 1), texel(2, 3)];
    let tex_op = "TEX TEMP[3], TEMP[0], SAMP[0], 2D";
    close(
        &sample(
            tex_op,
            "2D",
            "FLOAT",
            &coords,
            &Options::default(),
            &view,
            &smp,
        ),
        &want,
        "TEX",
    );

    // TXP divides by w.
    let proj: Vec<V> = coords
        .iter()
        .map(|c| {
            let v = fl(*c);
            f([v[0] * 2.0, v[1] * 2.0, 0.0, 2.0])
        })
        .collect();
    close(
        &sample(
            "TXP TEMP[3], TEMP[0], SAMP[0], 2D",
            "2D",
            "FLOAT",
            &proj,
            &Options::default(),
            &view,
            &smp,
        ),
        &want,
        "TXP",
    );

    // TXL level 1 is red; TXB with a large bias too (mip filter nearest).
    let lod1: Vec<V> = coords
        .iter()
        .map(|c| {
            let mut v = fl(*c);
            v[3] = 1.0;
            f(v)
        })
        .collect();
    let red = [[1.0, 0.0, 0.0, 1.0]; 3];
    close(
        &sample(
            "TXL TEMP[3], TEMP[0], SAMP[0], 2D",
            "2D",
            "FLOAT",
            &lod1,
            &Options::default(),
            &view,
            &mip,
        ),
        &red,
        "TXL",
    );
    let bias: Vec<V> = coords
        .iter()
        .map(|c| {
            let mut v = fl(*c);
            v[3] = 4.0;
            f(v)
        })
        .collect();
    close(
        &sample(
            "TXB TEMP[3], TEMP[0], SAMP[0], 2D",
            "2D",
            "FLOAT",
            &bias,
            &Options::default(),
            &view,
            &mip,
        ),
        &red,
        "TXB",
    );

    // TXD with zero gradients samples level 0.
    close(
        &sample(
            "MOV TEMP[1], TEMP[0].wwww\nTXD TEMP[3], TEMP[0], TEMP[1], TEMP[1], SAMP[0], 2D",
            "2D",
            "FLOAT",
            &coords,
            &Options::default(),
            &view,
            &mip,
        ),
        &want,
        "TXD",
    );

    // TXF with integer coordinates and level.
    let fetch = [i([0, 0, 0, 0]), i([3, 1, 0, 0]), i([1, 0, 0, 1])];
    close(
        &sample(
            "TXF TEMP[3], TEMP[0], SAMP[0], 2D",
            "2D",
            "FLOAT",
            &fetch,
            &Options::default(),
            &view,
            &smp,
        ),
        &[texel(0, 0), texel(3, 1), [1.0, 0.0, 0.0, 1.0]],
        "TXF",
    );

    // TXQ: size at level 0 and 1, and the level count, as integers.
    // (One level per draw: llvmpipe answers a size query with the level of
    // the first pixel of the SIMD group.)
    for (level, want) in [(0, [4.0, 4.0, 0.0, 2.0]), (1, [2.0, 2.0, 0.0, 2.0])] {
        let got = sample(
            "TXQ TEMP[2], TEMP[0], SAMP[0], 2D\nU2F TEMP[3], TEMP[2]",
            "2D",
            "FLOAT",
            &[i([level; 4])],
            &Options::default(),
            &view,
            &smp,
        );
        close(&got, &[want], "TXQ");
    }

    // RECT: unnormalised coordinates.
    let rect = [f([0.5, 0.5, 0.0, 0.0]), f([3.5, 1.5, 0.0, 0.0])];
    close(
        &sample(
            "TEX TEMP[3], TEMP[0], SAMP[0], RECT",
            "RECT",
            "FLOAT",
            &rect,
            &Options::default(),
            &view,
            &smp,
        ),
        &want[..2],
        "RECT",
    );

    // 1D targets read row 0 of a 2D texture... at y = 0.5 of the texture height.
    let one_d = [f([0.125, 0.0, 0.0, 0.0]), f([0.875, 0.0, 0.0, 0.0])];
    let got = sample(
        "TEX TEMP[3], TEMP[0], SAMP[0], 1D",
        "1D",
        "FLOAT",
        &one_d,
        &Options::default(),
        &view,
        &smp,
    );
    close(&got, &[texel(0, 2), texel(3, 2)], "1D");

    // Sampler swizzle (B, G, R, A) with alpha forced to 1 (an X format).
    let mut opts = Options::default();
    opts.samplers[0].swizzle = [Channel::B, Channel::G, Channel::R, Channel::A];
    opts.samplers[0].alpha_one = true;
    let swizzled: Vec<[f32; 4]> = want.iter().map(|t| [t[2], t[1], t[0], 1.0]).collect();
    close(
        &sample(tex_op, "2D", "FLOAT", &coords, &opts, &view, &smp),
        &swizzled,
        "swizzle",
    );
    opts.samplers[0].swizzle = [Channel::Zero, Channel::One, Channel::A, Channel::R];
    opts.samplers[0].alpha_one = false;
    let swizzled: Vec<[f32; 4]> = want.iter().map(|t| [0.0, 1.0, t[3], t[0]]).collect();
    close(
        &sample(tex_op, "2D", "FLOAT", &coords, &opts, &view, &smp),
        &swizzled,
        "swizzle 0/1",
    );
}

/// The sampler state's LOD bias (which WebGPU samplers lack) is added to
/// explicit LODs and biases, and scales gradients.
#[test]
fn gpu_sampler_lod_bias_moves_the_level() {
    let gpu = gpu();
    let tex = test_texture(gpu);
    let view = tex.create_view(&Default::default());
    let mip = nearest(gpu, None, false);
    let at = |x: u8, y: u8, w: f32| f([(x as f32 + 0.5) / 4.0, (y as f32 + 0.5) / 4.0, 0.0, w]);
    let biased = |bias: f32| [bias, -1000.0, 1000.0, 0.0];
    let red = [1.0, 0.0, 0.0, 1.0];
    let mut biased_sampler = Options::default();
    biased_sampler.samplers[0].lod_bias = true;
    let run = |op: &str, coords: &[V], lod: [f32; 4]| {
        sample_lod(
            op,
            "2D",
            "FLOAT",
            coords,
            &biased_sampler,
            (&view, &mip, lod),
        )
    };
    let txl = "TXL TEMP[3], TEMP[0], SAMP[0], 2D";
    let coords = [at(1, 2, 0.0), at(3, 0, 0.0)];
    close(
        &run(txl, &coords, biased(0.0)),
        &[texel(1, 2), texel(3, 0)],
        "TXL, no bias",
    );
    close(&run(txl, &coords, biased(1.0)), &[red; 2], "TXL, bias 1");
    // A negative bias takes the explicit LOD 1 back to level 0.
    let lod1 = [at(1, 2, 1.0)];
    close(
        &run(txl, &lod1, biased(-1.0)),
        &[texel(1, 2)],
        "TXL 1, bias -1",
    );
    // Gradients of one texel: LOD 0, with bias 1 level 1.
    let txd = "MOV TEMP[1], IMM[0].xyyy\nMOV TEMP[2], IMM[0].yxyy\n\
               TXD TEMP[3], TEMP[0], TEMP[1], TEMP[2], SAMP[0], 2D";
    let txd = format!("IMM[0] FLT32 {{0.25, 0.0, 0.0, 0.0}}\n{txd}");
    close(
        &run(&txd, &coords, biased(0.0)),
        &[texel(1, 2), texel(3, 0)],
        "TXD, no bias",
    );
    close(&run(&txd, &coords, biased(1.0)), &[red; 2], "TXD, bias 1");
}

/// `LODQ` (textureQueryLOD): `.y` is GL's LOD from the coordinate's
/// derivatives after the sampler's bias, `.x` the level a lookup accesses
/// under the sampler's mip filter, LOD range and the view's levels.
#[test]
fn gpu_lod_queries_follow_the_derivatives_and_the_sampler() {
    let gpu = gpu();
    // 4×4 with two levels.
    let tex = test_texture(gpu);
    let view = tex.create_view(&Default::default());
    let smp = nearest(gpu, None, false);
    // Coordinates stepping `step` per pixel: LOD log2(4 · step).
    let ramp = |step: f32| -> Vec<V> {
        (0..4)
            .map(|i| f([i as f32 * step, 0.0, 0.0, 0.0]))
            .collect()
    };
    let run = |step: f32, state: [f32; 4]| {
        sample_lod(
            "LODQ TEMP[3], TEMP[0], SAMP[0], 2D",
            "2D",
            "FLOAT",
            &ramp(step),
            &Options::default(),
            (&view, &smp, state),
        )
    };
    let (nearest_mips, linear_mips, no_mips) = (0.0, 1.0, 2.0);
    let filter = |bias: f32, max: f32, mips: f32| [bias, -1000.0, max, mips];
    let want = |x: f32, y: f32| [[x, y, 0.0, 0.0]; 4];
    let linear = filter(0.0, 1000.0, linear_mips);
    close(&run(0.25, linear), &want(0.0, 0.0), "linear, LOD 0");
    close(&run(0.5, linear), &want(1.0, 1.0), "linear, LOD 1");
    // Past the last level: .x stops at it, .y does not.
    close(
        &run(1.0, linear),
        &want(1.0, 2.0),
        "linear, LOD 2 of two levels",
    );
    // Bias 0.4: .y 1.4; NEAREST accesses level 1, LINEAR 1 as well (the last).
    let biased = filter(0.4, 1000.0, nearest_mips);
    close(&run(0.5, biased), &want(1.0, 1.4), "nearest, bias 0.4");
    close(&run(0.25, biased), &want(0.0, 0.4), "nearest, LOD 0.4");
    // The sampler's max LOD clamps .x only.
    let clamped = filter(0.0, 0.5, linear_mips);
    close(&run(0.5, clamped), &want(0.5, 1.0), "max LOD 0.5");
    // Without mipmapping the base level is accessed.
    let base = filter(0.0, 1000.0, no_mips);
    close(&run(0.5, base), &want(0.0, 1.0), "no mipmapping");
}

/// A 2×2 `Depth32Float` texture whose level `i` is cleared to `depths[i]`.
fn depth_levels(gpu: &Gpu, depths: &[f32]) -> wgpu::Texture {
    let tex = gpu.device.create_texture(&wgpu::TextureDescriptor {
        label: None,
        size: wgpu::Extent3d {
            width: 2,
            height: 2,
            depth_or_array_layers: 1,
        },
        mip_level_count: depths.len() as u32,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format: wgpu::TextureFormat::Depth32Float,
        usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::RENDER_ATTACHMENT,
        view_formats: &[],
    });
    let mut encoder = gpu.device.create_command_encoder(&Default::default());
    for (level, &depth) in depths.iter().enumerate() {
        let view = tex.create_view(&wgpu::TextureViewDescriptor {
            base_mip_level: level as u32,
            mip_level_count: Some(1),
            ..Default::default()
        });
        encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: None,
            color_attachments: &[],
            depth_stencil_attachment: Some(wgpu::RenderPassDepthStencilAttachment {
                view: &view,
                depth_ops: Some(wgpu::Operations {
                    load: wgpu::LoadOp::Clear(depth),
                    store: wgpu::StoreOp::Store,
                }),
                stencil_ops: None,
            }),
            timestamp_writes: None,
            occlusion_query_set: None,
            multiview_mask: None,
        });
    }
    gpu.queue.submit([encoder.finish()]);
    tex
}

/// Shadow lookups at any LOD under a nearest-filtering comparison sampler
/// that selects levels (`nearest_compare`): the nearest texel of the level
/// GL picks, compared in the shader.
#[test]
fn gpu_shadow_lookups_with_lod_compare_the_nearest_texel() {
    let gpu = gpu();
    // Level 0 at depth 0.25, level 1 at 0.75; reference 0.5, LEQUAL:
    // level 0 fails (0), level 1 passes (1).
    let view = depth_levels(gpu, &[0.25, 0.75]).create_view(&Default::default());
    let smp = nearest(gpu, Some(wgpu::CompareFunction::LessEqual), false);
    let mut o = Options::default();
    o.samplers[0].depth = true;
    o.samplers[0].integer.mipmap = true;
    o.samplers[0].nearest_compare = Some(CompareFunction::LessEqual);
    let run_lod = |op: &str, coords: &[V], o: &Options, lod: [f32; 4]| {
        sample_lod(op, "SHADOW2D", "FLOAT", coords, o, (&view, &smp, lod))
    };
    let run = |op: &str, coords: &[V], o: &Options| run_lod(op, coords, o, NO_LOD_STATE);
    let lod = |l: f32| f([0.25, 0.75, 0.5, l]);
    let txl = "TXL TEMP[3], TEMP[0], SAMP[0], SHADOW2D";
    close(
        &run(txl, &[lod(0.0), lod(1.0)], &o),
        &[[0.0; 4], [1.0; 4]],
        "TXL",
    );
    // Gradients of one texel (LOD 0) and of two (LOD 1).
    let txd = |g: f32| {
        format!(
            "IMM[0] FLT32 {{{g}, 0.0, 0.0, 0.0}}\nMOV TEMP[1], IMM[0].xyyy\n\
             MOV TEMP[2], IMM[0].yxyy\nTXD TEMP[3], TEMP[0], TEMP[1], TEMP[2], SAMP[0], SHADOW2D"
        )
    };
    close(&run(&txd(0.5), &[lod(0.0)], &o), &[[0.0; 4]], "TXD LOD 0");
    close(&run(&txd(1.0), &[lod(0.0)], &o), &[[1.0; 4]], "TXD LOD 1");
    // GREATER flips the results; TXP divides the coordinates and the
    // reference by w (the sampler's LOD range pins level 1: 0.5 > 0.75
    // fails, the undivided 1.0 would pass).
    let mut greater = o.clone();
    greater.samplers[0].nearest_compare = Some(CompareFunction::Greater);
    close(
        &run(txl, &[lod(0.0), lod(1.0)], &greater),
        &[[1.0; 4], [0.0; 4]],
        "TXL, GREATER",
    );
    close(
        &run_lod(
            "TXP TEMP[3], TEMP[0], SAMP[0], SHADOW2D",
            &[f([0.5, 1.5, 1.0, 2.0])],
            &greater,
            [0.0, 1.0, 1.0, 0.0],
        ),
        &[[0.0; 4]],
        "TXP, GREATER at level 1",
    );
}

/// Texel offsets: the constant offset of a filtered lookup, added to the
/// coordinates of a texel load (from any register), and to the position of
/// an integer view's nearest-texel load before it wraps.
#[test]
fn gpu_texel_offsets_move_lookups_and_loads() {
    let gpu = gpu();
    let tex = test_texture(gpu);
    let view = tex.create_view(&Default::default());
    let smp = nearest(gpu, None, true);
    let mip = nearest(gpu, None, false);
    let centre = |x: u8, y: u8| f([(x as f32 + 0.5) / 4.0, (y as f32 + 0.5) / 4.0, 0.0, 0.0]);
    // IMM[0].zxy = (2, 1, -1).
    let imm = "IMM[0] INT32 {1, -1, 2, 0}";
    let run = |op: &str, coords: &[V], sampler: &wgpu::Sampler| {
        let op = format!("{imm}\n{op}");
        sample(
            &op,
            "2D",
            "FLOAT",
            coords,
            &Options::default(),
            &view,
            sampler,
        )
    };
    let got = run(
        "TEX TEMP[3], TEMP[0], SAMP[0], 2D, IMM[0].zxy",
        &[centre(0, 0), centre(1, 2)],
        &smp,
    );
    close(&got, &[texel(2, 1), texel(3, 3)], "TEX offset");
    // TXL at level 0 with the offset (-1, 2) picked by another swizzle.
    let got = run(
        "TXL TEMP[3], TEMP[0], SAMP[0], 2D, IMM[0].yzw",
        &[centre(2, 0), centre(1, 1)],
        &mip,
    );
    close(&got, &[texel(1, 2), texel(0, 3)], "TXL offset");
    // TXF: immediate and register offsets; level 1 is all red.
    let fetch = [i([0, 0, 0, 0]), i([1, 1, 0, 0]), i([-1, -1, 0, 1])];
    let want = [texel(2, 1), texel(3, 2), [1.0, 0.0, 0.0, 1.0]];
    let got = run(
        "TXF TEMP[3], TEMP[0], SAMP[0], 2D, IMM[0].zxy",
        &fetch,
        &smp,
    );
    close(&got, &want, "TXF offset");
    let got = run(
        "MOV TEMP[1], IMM[0]\nTXF TEMP[3], TEMP[0], SAMP[0], 2D, TEMP[1].zxy",
        &fetch,
        &smp,
    );
    close(&got, &want, "TXF register offset");
    // A filtered lookup takes only constant offsets.
    let text = format!(
        "FRAG\nDCL IN[0], GENERIC[0], PERSPECTIVE\nDCL OUT[0], COLOR\nDCL SAMP[0]\n\
         DCL SVIEW[0], 2D, FLOAT\nDCL TEMP[0]\n{imm}\nMOV TEMP[0], IMM[0]\n\
         TEX OUT[0], IN[0], SAMP[0], 2D, TEMP[0].xyz\nEND\n"
    );
    let err = shader_translate::translate(&text, &Options::default()).unwrap_err();
    assert!(
        matches!(err.kind(), shader_translate::ErrorKind::Unsupported(_)),
        "{err}"
    );

    // Integer view: REPEAT wraps the moved position.
    let itex = integer_test_texture(gpu);
    let iview = itex.create_view(&Default::default());
    let op = format!("{imm}\nTEX TEMP[2], TEMP[0], SAMP[0], 2D, IMM[0].zxy\nU2F TEMP[3], TEMP[2]");
    let got = sample(
        &op,
        "2D",
        "UINT",
        &[centre(1, 2), centre(3, 3)],
        &Options::default(),
        &iview,
        &smp,
    );
    close(
        &got,
        &[[3.0, 3.0, 100.0, 7.0], [1.0, 0.0, 100.0, 7.0]],
        "integer view offset",
    );
}

/// `TG4` (textureGather): one channel of the four texels bilinear
/// filtering reads, in GL's order (i0, j1), (i1, j1), (i1, j0), (i0, j0);
/// the channel through the view's swizzle (constants gather constants), a
/// constant offset moving the footprint; integer views load the four
/// texels, wrapped by the sampler's mode.
#[test]
fn gpu_gather_reads_one_channel_of_the_footprint() {
    let gpu = gpu();
    let tex = test_texture(gpu);
    let view = tex.create_view(&Default::default());
    let smp = nearest(gpu, None, true);
    // IMM[0]: components; IMM[1].xy: offset (1, 0).
    let imm = "IMM[0] UINT32 {0, 1, 2, 3}\nIMM[1] INT32 {1, 0, 0, 0}";
    let run = |op: &str, options: &Options| {
        let op = format!("{imm}\n{op}");
        // The corner between texels (1, 1) and (2, 2).
        sample(
            &op,
            "2D",
            "FLOAT",
            &[f([0.5, 0.5, 0.0, 0.0])],
            options,
            &view,
            &smp,
        )
    };
    let unorm = |v: [u8; 4]| [v.map(|c| f32::from(c) * 16.0 / 255.0)];
    let red = run(
        "TG4 TEMP[3], TEMP[0], IMM[0].xxxx, SAMP[0], 2D",
        &Options::default(),
    );
    close(&red, &unorm([1, 2, 2, 1]), "TG4 red");
    let green = run(
        "TG4 TEMP[3], TEMP[0], IMM[0].yyyy, SAMP[0], 2D",
        &Options::default(),
    );
    close(&green, &unorm([2, 2, 1, 1]), "TG4 green");
    let offset = run(
        "TG4 TEMP[3], TEMP[0], IMM[0].xxxx, SAMP[0], 2D, IMM[1].xyx",
        &Options::default(),
    );
    close(&offset, &unorm([2, 3, 3, 2]), "TG4 offset");
    // Component 0 through a swizzle that makes red blue (200), then one.
    let mut swizzled = Options::default();
    swizzled.samplers[0].swizzle = [Channel::B, Channel::G, Channel::R, Channel::A];
    let blue = run("TG4 TEMP[3], TEMP[0], IMM[0].xxxx, SAMP[0], 2D", &swizzled);
    close(&blue, &[[200.0 / 255.0; 4]], "TG4 swizzled");
    swizzled.samplers[0].swizzle = [Channel::One, Channel::G, Channel::B, Channel::A];
    let one = run("TG4 TEMP[3], TEMP[0], IMM[0].xxxx, SAMP[0], 2D", &swizzled);
    close(&one, &[[1.0; 4]], "TG4 one");

    // Integer view, at the bottom-right corner: REPEAT wraps i1 to 0,
    // CLAMP_TO_EDGE keeps 3.
    let itex = integer_test_texture(gpu);
    let iview = itex.create_view(&Default::default());
    let op = format!("{imm}\nTG4 TEMP[2], TEMP[0], IMM[0].xxxx, SAMP[0], 2D\nU2F TEMP[3], TEMP[2]");
    let corner = [f([1.0, 1.0, 0.0, 0.0])];
    for (wrap, want) in [
        (Wrap::Repeat, [3.0, 0.0, 0.0, 3.0]),
        (Wrap::ClampToEdge, [3.0; 4]),
    ] {
        let mut options = Options::default();
        options.samplers[0].integer.wrap = [wrap; 3];
        let got = sample(&op, "2D", "UINT", &corner, &options, &iview, &smp);
        close(&got, &[want], &format!("integer TG4 {wrap:?}"));
    }
    // Not translated: shadow gathers, components from a register.
    for text in [
        "TG4 TEMP[3], TEMP[0], IMM[0].xxxx, SAMP[0], SHADOW2D",
        "TG4 TEMP[3], TEMP[0], TEMP[0].xxxx, SAMP[0], 2D",
    ] {
        let target = if text.contains("SHADOW") {
            "SHADOW2D"
        } else {
            "2D"
        };
        let fs = format!(
            "FRAG\nDCL IN[0], GENERIC[0], PERSPECTIVE\nDCL OUT[0], COLOR\nDCL SAMP[0]\n\
             DCL SVIEW[0], {target}, FLOAT\nDCL TEMP[0], LOCAL\nDCL TEMP[3], LOCAL\n{imm}\n\
             MOV TEMP[0], IN[0]\n{text}\nMOV OUT[0], TEMP[3]\nEND\n"
        );
        let err = shader_translate::translate(&fs, &Options::default()).unwrap_err();
        assert!(
            matches!(err.kind(), shader_translate::ErrorKind::Unsupported(_)),
            "{text}: {err}"
        );
    }
}

#[test]
fn gpu_shadow_and_integer_textures() {
    let gpu = gpu();
    let view = depth_texture(gpu, 0.5).create_view(&Default::default());
    let smp = nearest(gpu, Some(wgpu::CompareFunction::LessEqual), true);
    // LEQUAL: passes when the reference (z) is <= the stored depth.
    let coords = [
        f([0.25, 0.25, 0.3, 0.0]),
        f([0.75, 0.75, 0.7, 0.0]),
        f([0.75, 0.25, 0.5, 0.0]),
    ];
    let got = sample(
        "TEX TEMP[3], TEMP[0], SAMP[0], SHADOW2D",
        "SHADOW2D",
        "FLOAT",
        &coords,
        &Options::default(),
        &view,
        &smp,
    );
    close(&got, &[[1.0; 4], [0.0; 4], [1.0; 4]], "SHADOW2D");
    let proj = [f([0.5, 0.5, 0.6, 2.0]), f([0.5, 0.5, 1.2, 2.0])];
    let got = sample(
        "TXP TEMP[3], TEMP[0], SAMP[0], SHADOW2D",
        "SHADOW2D",
        "FLOAT",
        &proj,
        &Options::default(),
        &view,
        &smp,
    );
    close(&got, &[[1.0; 4], [0.0; 4]], "TXP SHADOW2D");

    // An unsigned integer texture, fetched.
    let data: Vec<u8> = [
        7u32,
        0,
        0,
        1,
        4_000_000_000,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        9,
        10,
        11,
        12,
    ]
    .iter()
    .flat_map(|v| v.to_le_bytes())
    .collect();
    let tex = texture(gpu, wgpu::TextureFormat::Rgba32Uint, 2, &[data]);
    let view = tex.create_view(&Default::default());
    let got = sample(
        "TXF TEMP[2], TEMP[0], SAMP[0], 2D\nUSHR TEMP[3], TEMP[2], TEMP[0].zzzz\nU2F TEMP[3], TEMP[3]",
        "2D",
        "UINT",
        &[[0, 0, 0, 0], [1, 0, 1, 0]],
        &Options::default(),
        &view,
        &nearest(gpu, None, true),
    );
    close(
        &got,
        &[[7.0, 0.0, 0.0, 1.0], [2_000_000_000.0, 1.0, 1.0, 2.0]],
        "TXF UINT",
    );
}

/// `TXB`, `TXL` and `TXD` on shadow and depth views: under a sampler that
/// reads one level with one filter (`SamplerOptions::fixed_level`) they
/// compare (or read) level 0 like `TEX` (piglit `glsl-fs-shadow2D-bias`);
/// under any other sampler WebGPU cannot express them and the translation
/// refuses them.
#[test]
fn gpu_depth_lookups_with_lod_under_a_fixed_level_sampler() {
    let gpu = gpu();
    let view = depth_texture(gpu, 0.5).create_view(&Default::default());
    let smp = nearest(gpu, Some(wgpu::CompareFunction::LessEqual), true);
    let coords = [f([0.25, 0.25, 0.3, 2.0]), f([0.75, 0.75, 0.7, -1.0])];
    let mut fixed = Options::default();
    fixed.samplers[0].fixed_level = true;
    fixed.samplers[0].depth = true;
    for op in [
        "TXB TEMP[3], TEMP[0], SAMP[0], SHADOW2D",
        "TXL TEMP[3], TEMP[0], SAMP[0], SHADOW2D",
        "TXD TEMP[3], TEMP[0], TEMP[1], TEMP[2], SAMP[0], SHADOW2D",
    ] {
        let got = sample(op, "SHADOW2D", "FLOAT", &coords, &fixed, &view, &smp);
        close(&got, &[[1.0; 4], [0.0; 4]], op);
        let text = format!(
            "FRAG\nDCL IN[0], GENERIC[0], PERSPECTIVE\nDCL OUT[0], COLOR\nDCL SAMP[0]\n\
             DCL SVIEW[0], SHADOW2D, FLOAT\nDCL TEMP[0..3]\nMOV TEMP[0], IN[0]\n{op}\n\
             MOV OUT[0], TEMP[3]\nEND\n"
        );
        let mut mipmapped = fixed.clone();
        mipmapped.samplers[0].fixed_level = false;
        let err = shader_translate::translate(&text, &mipmapped)
            .err()
            .unwrap_or_else(|| panic!("{op} translated under a mipmapping sampler"));
        assert!(
            matches!(err.kind(), shader_translate::ErrorKind::Unsupported(_)),
            "{op}: {}",
            err.render(&text)
        );
    }
    // A depth view read without comparison, at an explicit LOD.
    let plain = nearest(gpu, None, true);
    let got = sample(
        "TXL TEMP[3], TEMP[0], SAMP[0], 2D",
        "2D",
        "FLOAT",
        &coords,
        &fixed,
        &view,
        &plain,
    );
    close(&got, &[[0.5, 0.0, 0.0, 1.0]; 2], "TXL on a depth view");
}

/// `TEX`-family lookups on an integer view load the texel nearest
/// filtering picks (`SamplerOptions::integer`): wrap modes per axis, the
/// border colour, and the nearest mip level under a mipmapping sampler.
#[test]
fn gpu_integer_views_are_sampled_by_nearest_texel_loads() {
    let gpu = gpu();
    let words = |w: [u32; 4]| w.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>();
    let mut l0 = Vec::new();
    for y in 0..4u32 {
        for x in 0..4u32 {
            l0.extend(words([x, y, 100, 7]));
        }
    }
    let l1 = words([9; 4]).repeat(4);
    let tex = texture(gpu, wgpu::TextureFormat::Rgba32Uint, 4, &[l0, l1]);
    let view = tex.create_view(&Default::default());
    let smp = nearest(gpu, None, false);
    let run = |op: &str, coords: &[V], options: &Options| -> Vec<[f32; 4]> {
        let op = format!("{op}\nU2F TEMP[3], TEMP[2]");
        sample(&op, "2D", "UINT", coords, options, &view, &smp)
    };
    let tex_op = "TEX TEMP[2], TEMP[0], SAMP[0], 2D";
    let mut options = Options::default();
    // REPEAT (the default): fractions of the coordinates.
    let got = run(
        tex_op,
        &[f([0.375, 0.625, 0.0, 0.0]), f([1.125, -0.125, 0.0, 0.0])],
        &options,
    );
    close(
        &got,
        &[[1.0, 2.0, 100.0, 7.0], [0.0, 3.0, 100.0, 7.0]],
        "REPEAT",
    );
    // Border on s, edge on t; mirrored repeat on s.
    options.samplers[0].integer.wrap = [Wrap::ClampToBorder, Wrap::ClampToEdge, Wrap::Repeat];
    options.samplers[0].integer.border = [11, 12, 13, 14];
    let got = run(
        tex_op,
        &[f([1.5, 0.1, 0.0, 0.0]), f([0.9, 5.0, 0.0, 0.0])],
        &options,
    );
    close(
        &got,
        &[[11.0, 12.0, 13.0, 14.0], [3.0, 3.0, 100.0, 7.0]],
        "BORDER/EDGE",
    );
    options.samplers[0].integer.wrap[0] = Wrap::MirrorRepeat;
    let got = run(tex_op, &[f([1.125, 0.125, 0.0, 0.0])], &options);
    close(&got, &[[3.0, 0.0, 100.0, 7.0]], "MIRROR_REPEAT");
    // NEAREST_MIPMAP_NEAREST: level ceil(lod + 1/2) - 1; without a mip
    // filter always level 0.
    let lod = |l: f32| f([0.375, 0.625, 0.0, l]);
    let txl = "TXL TEMP[2], TEMP[0], SAMP[0], 2D";
    let got = run(txl, &[lod(1.0), lod(0.4)], &options);
    close(&got, &[[1.0, 2.0, 100.0, 7.0]; 2], "TXL, no mip filter");
    options.samplers[0].integer.mipmap = true;
    let got = run(txl, &[lod(1.0), lod(0.4)], &options);
    close(
        &got,
        &[[9.0; 4], [1.0, 2.0, 100.0, 7.0]],
        "TXL, nearest mip",
    );
    // The sampler's LOD state (driver uniforms): a bias of 1 takes LOD 0.4
    // to level 1, a maximum LOD of 0 keeps LOD 1 at level 0.
    let with_lod = |lod_state: [f32; 4]| {
        let op = format!("{txl}\nU2F TEMP[3], TEMP[2]");
        sample_lod(
            &op,
            "2D",
            "UINT",
            &[lod(1.0), lod(0.4)],
            &options,
            (&view, &smp, lod_state),
        )
    };
    close(
        &with_lod([1.0, -1000.0, 1000.0, 0.0]),
        &[[9.0; 4]; 2],
        "TXL, bias 1",
    );
    close(
        &with_lod([0.0, -1000.0, 0.0, 0.0]),
        &[[1.0, 2.0, 100.0, 7.0]; 2],
        "TXL, max LOD 0",
    );
}

/// Integer colour buffers (`Options::color_kinds`) get the output
/// register's bits as integers, neither clamped nor alpha-tested.
#[test]
fn gpu_integer_color_buffers_get_the_register_bits() {
    let vs = tr(PASS_VS, &Options::default());
    let mut opts = Options {
        clamp_fragment_color: true,
        alpha_test: Some(CompareFunction::Never),
        ..Options::default()
    };
    opts.color_kinds[0] = ColorKind::Uint;
    opts.color_kinds[1] = ColorKind::Sint;
    let fs = tr(
        "FRAG\nDCL OUT[0], COLOR\nDCL OUT[1], COLOR[1]\nDCL CONST[0..1]\n\
         MOV OUT[0], CONST[0]\nMOV OUT[1], CONST[1]\nEND\n",
        &opts,
    );
    let mut draw = Draw::new(&vs, &fs, 1, 1);
    draw.targets = 2;
    draw.formats = vec![
        wgpu::TextureFormat::Rgba32Uint,
        wgpu::TextureFormat::Rgba32Sint,
    ];
    let (u, s) = (
        [1, 2, 4_000_000_000, u32::MAX],
        i([-5, 0, 70_000, i32::MIN]),
    );
    draw.fs_res.constants.insert(0, vec![u, s]);
    let got = draw.run();
    assert_eq!(got[0][0], u, "Rgba32Uint");
    assert_eq!(got[1][0], s, "Rgba32Sint");
}

/// A 2×2 cube array of two cubes (12 layers) with two levels: layer `k` is
/// `(20k, 0, 0, 255)` at level 0 and `(20k, 255, 0, 255)` at level 1.
fn cube_array(gpu: &Gpu) -> wgpu::TextureView {
    let tex = gpu.device.create_texture(&wgpu::TextureDescriptor {
        label: None,
        size: wgpu::Extent3d {
            width: 2,
            height: 2,
            depth_or_array_layers: 12,
        },
        mip_level_count: 2,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format: wgpu::TextureFormat::Rgba8Unorm,
        usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
        view_formats: &[],
    });
    for level in 0..2u32 {
        let side = 2 >> level;
        let data: Vec<u8> = (0..12u8)
            .flat_map(|k| [k * 20, if level == 1 { 255 } else { 0 }, 0, 255].repeat(side * side))
            .collect();
        gpu.queue.write_texture(
            wgpu::TexelCopyTextureInfo {
                texture: &tex,
                mip_level: level,
                origin: wgpu::Origin3d::ZERO,
                aspect: wgpu::TextureAspect::All,
            },
            &data,
            wgpu::TexelCopyBufferLayout {
                offset: 0,
                bytes_per_row: Some(4 * side as u32),
                rows_per_image: Some(side as u32),
            },
            wgpu::Extent3d {
                width: side as u32,
                height: side as u32,
                depth_or_array_layers: 12,
            },
        );
    }
    tex.create_view(&wgpu::TextureViewDescriptor {
        dimension: Some(wgpu::TextureViewDimension::CubeArray),
        ..Default::default()
    })
}

/// Cube arrays: `TEX` picks the face and the cube (layer lane w), `TXL2`
/// takes its LOD from the second operand, and `TEX2` on a shadow cube
/// array compares against the second operand's x.
#[test]
fn gpu_cube_arrays_sample_with_tex_txl2_and_tex2() {
    let gpu = gpu();
    let view = cube_array(gpu);
    let red = |k: u8, g: f32| [f32::from(k * 20) / 255.0, g, 0.0, 1.0];
    // +X of cube 0 (layer 0), -Y of cube 1 (layer 6 + 3), +Z of cube 1.
    let coords = [
        f([1.0, 0.1, 0.2, 0.0]),
        f([0.1, -1.0, 0.2, 1.0]),
        f([0.1, 0.2, 1.0, 1.0]),
    ];
    let got = sample(
        "TEX TEMP[3], TEMP[0], SAMP[0], CUBEARRAY",
        "CUBEARRAY",
        "FLOAT",
        &coords,
        &Options::default(),
        &view,
        &nearest(gpu, None, true),
    );
    close(
        &got,
        &[red(0, 0.0), red(9, 0.0), red(10, 0.0)],
        "TEX CUBE_ARRAY",
    );
    // LODs for pixels 0..3 in CONST[4..7].
    let mut with_lods = coords.to_vec();
    with_lods.push(f([0.0; 4]));
    with_lods.extend([f([1.0; 4]), f([0.0; 4]), f([1.0; 4])]);
    let got = sample(
        "MOV TEMP[1], CONST[ADDR[0].x+4]\nTXL2 TEMP[3], TEMP[0], TEMP[1], SAMP[0], CUBEARRAY",
        "CUBEARRAY",
        "FLOAT",
        &with_lods,
        &Options::default(),
        &view,
        &nearest(gpu, None, false),
    );
    close(
        &got[..3],
        &[red(0, 1.0), red(9, 0.0), red(10, 1.0)],
        "TXL2 CUBE_ARRAY",
    );

    // Shadow: every layer of a depth cube array holds 0.5; LEQUAL passes
    // when the reference is <= 0.5.
    let depth = gpu.device.create_texture(&wgpu::TextureDescriptor {
        label: None,
        size: wgpu::Extent3d {
            width: 2,
            height: 2,
            depth_or_array_layers: 12,
        },
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format: wgpu::TextureFormat::Depth32Float,
        usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::RENDER_ATTACHMENT,
        view_formats: &[],
    });
    let mut encoder = gpu.device.create_command_encoder(&Default::default());
    for layer in 0..12 {
        let target = depth.create_view(&wgpu::TextureViewDescriptor {
            dimension: Some(wgpu::TextureViewDimension::D2),
            base_array_layer: layer,
            array_layer_count: Some(1),
            ..Default::default()
        });
        encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: None,
            color_attachments: &[],
            depth_stencil_attachment: Some(wgpu::RenderPassDepthStencilAttachment {
                view: &target,
                depth_ops: Some(wgpu::Operations {
                    load: wgpu::LoadOp::Clear(0.5),
                    store: wgpu::StoreOp::Store,
                }),
                stencil_ops: None,
            }),
            timestamp_writes: None,
            occlusion_query_set: None,
            multiview_mask: None,
        });
    }
    gpu.queue.submit([encoder.finish()]);
    let depth_view = depth.create_view(&wgpu::TextureViewDescriptor {
        dimension: Some(wgpu::TextureViewDimension::CubeArray),
        ..Default::default()
    });
    let mut refs = coords[..2].to_vec();
    refs.extend([f([0.0; 4]), f([0.0; 4])]);
    refs.extend([f([0.3; 4]), f([0.7; 4])]);
    let got = sample(
        "MOV TEMP[1], CONST[ADDR[0].x+4]\nTEX2 TEMP[3], TEMP[0], TEMP[1], SAMP[0], SHADOWCUBEARRAY",
        "SHADOWCUBEARRAY",
        "FLOAT",
        &refs,
        &Options::default(),
        &depth_view,
        &nearest(gpu, Some(wgpu::CompareFunction::LessEqual), true),
    );
    close(&got[..2], &[[1.0; 4], [0.0; 4]], "TEX2 SHADOWCUBE_ARRAY");
}

/// A 2×2 `Depth32Float` texture cleared to `depth` (depth formats cannot be
/// written by copies).
fn depth_texture(gpu: &Gpu, depth: f32) -> wgpu::Texture {
    let tex = gpu.device.create_texture(&wgpu::TextureDescriptor {
        label: None,
        size: wgpu::Extent3d {
            width: 2,
            height: 2,
            depth_or_array_layers: 1,
        },
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format: wgpu::TextureFormat::Depth32Float,
        usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::RENDER_ATTACHMENT,
        view_formats: &[],
    });
    let view = tex.create_view(&Default::default());
    let mut encoder = gpu.device.create_command_encoder(&Default::default());
    encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
        label: None,
        color_attachments: &[],
        depth_stencil_attachment: Some(wgpu::RenderPassDepthStencilAttachment {
            view: &view,
            depth_ops: Some(wgpu::Operations {
                load: wgpu::LoadOp::Clear(depth),
                store: wgpu::StoreOp::Store,
            }),
            stencil_ops: None,
        }),
        timestamp_writes: None,
        occlusion_query_set: None,
        multiview_mask: None,
    });
    gpu.queue.submit([encoder.finish()]);
    tex
}

/// A depth view sampled without comparison (`SamplerOptions::depth`): bound
/// as a depth texture, `TEX` and `TXF` read (d, 0, 0, 1) before the view's
/// swizzle (here GL_LUMINANCE's XXX1), on 2D and 1D targets.
#[test]
fn gpu_depth_views_sample_as_depth_texels() {
    let gpu = gpu();
    let view = depth_texture(gpu, 0.25).create_view(&Default::default());
    let smp = nearest(gpu, None, true);
    let mut options = Options::default();
    options.samplers[0].depth = true;
    let coords = [f([0.25, 0.25, 0.0, 0.0]), f([0.75, 0.75, 0.0, 0.0])];
    for (op, target) in [
        ("TEX TEMP[3], TEMP[0], SAMP[0], 2D", "2D"),
        ("TEX TEMP[3], TEMP[0], SAMP[0], 1D", "1D"),
    ] {
        let got = sample(op, target, "FLOAT", &coords, &options, &view, &smp);
        close(&got, &[[0.25, 0.0, 0.0, 1.0]; 2], target);
    }
    options.samplers[0].swizzle = [Channel::R, Channel::R, Channel::R, Channel::One];
    let got = sample(
        "TXF TEMP[3], TEMP[1], SAMP[0], 2D",
        "2D",
        "FLOAT",
        &coords,
        &options,
        &view,
        &smp,
    );
    close(&got, &[[0.25, 0.25, 0.25, 1.0]; 2], "TXF 2D, XXX1");
}

/// Indirect addressing of a `TEMP` array (read and write) and of immediates,
/// indexed by the pixel: `ARL` from the fragment x.
#[test]
fn gpu_indirect_temp_arrays_and_immediates() {
    let vs = tr(PASS_VS, &Options::default());
    let fs = tr(
        "FRAG\nDCL IN[0], POSITION, LINEAR\nDCL OUT[0], COLOR\nDCL CONST[0..2]\n\
         DCL TEMP[0..2], ARRAY(1), LOCAL\nDCL TEMP[3..5], ARRAY(2), LOCAL\nDCL TEMP[6]\nDCL ADDR[0]\n\
         IMM[0] FLT32 {10.0, 20.0, 30.0, 40.0}\nIMM[1] FLT32 {1.0, 2.0, 3.0, 4.0}\nIMM[2] FLT32 {0.5, 0.25, 0.125, 0.0625}\n\
         ARL ADDR[0].x, IN[0].xxxx\nMOV TEMP[0], CONST[0]\nMOV TEMP[1], CONST[1]\nMOV TEMP[2], CONST[2]\n\
         MOV TEMP[ADDR[0].x+3](2), TEMP[ADDR[0].x](1)\nMOV TEMP[6], TEMP[ADDR[0].x+3](2)\n\
         ADD OUT[0], TEMP[6], IMM[ADDR[0].x]\nEND\n",
        &Options::default(),
    );
    let rows = [
        [1.0f32, 2.0, 3.0, 4.0],
        [5.0, 6.0, 7.0, 8.0],
        [9.0, 10.0, 11.0, 12.0],
    ];
    let imms = [
        [10.0f32, 20.0, 30.0, 40.0],
        [1.0, 2.0, 3.0, 4.0],
        [0.5, 0.25, 0.125, 0.0625],
    ];
    let mut draw = Draw::new(&vs, &fs, 3, 1);
    draw.fs_res
        .constants
        .insert(0, rows.iter().map(|r| f(*r)).collect());
    let got = draw.run().remove(0);
    for (k, g) in got.iter().enumerate() {
        let want: Vec<f32> = (0..4).map(|c| rows[k][c] + imms[k][c]).collect();
        assert_eq!(fl(*g).to_vec(), want, "pixel {k}");
    }
}

/// A 512-register `TEMP` array (piglit's `glsl-fs-giant-temp-array`):
/// written and read back at indices from the pixel. Arrays are private
/// variables; as function locals lavapipe compiled every dynamic index into
/// a select ladder over all 512 elements and this draw took minutes.
#[test]
fn gpu_giant_indirect_temp_array() {
    let vs = tr(PASS_VS, &Options::default());
    let fs = tr(
        "FRAG\nDCL IN[0], POSITION, LINEAR\nDCL OUT[0], COLOR\nDCL TEMP[0..511], ARRAY(1), LOCAL\n\
         DCL TEMP[512]\nDCL ADDR[0]\nIMM[0] FLT32 {100.0, 1.0, 0.0, 0.0}\n\
         MUL TEMP[512], IN[0].xxxx, IMM[0].xxxx\nARL ADDR[0].x, TEMP[512].xxxx\n\
         MOV TEMP[ADDR[0].x](1), IN[0]\nMOV TEMP[0], IMM[0].yyyy\n\
         MOV OUT[0], TEMP[ADDR[0].x](1)\nEND\n",
        &Options::default(),
    );
    let draw = Draw::new(&vs, &fs, 6, 1);
    let got = draw.run().remove(0);
    for (k, g) in got.iter().enumerate() {
        let x = k as f32 + 0.5;
        // Pixel 0 writes index 50 then TEMP[0]; the others write 150, 250, ….
        assert_eq!(fl(*g)[0], x, "pixel {k}");
    }
}

/// Sixteen user varyings numbered as Mesa numbers them (`GENERIC[9..=24]`,
/// beyond the fixed table) reach the fragment shader at the locations it
/// chose, with unread outputs dropped and an unwritten input reading 0.
#[test]
fn gpu_varyings_beyond_the_fixed_table_link() {
    let fs = tr(
        "FRAG\nDCL IN[0], GENERIC[24], PERSPECTIVE\nDCL IN[1], GENERIC[9], PERSPECTIVE\n\
         DCL IN[2], GENERIC[16], PERSPECTIVE\nDCL IN[3], GENERIC[30], PERSPECTIVE\nDCL OUT[0], COLOR\n\
         MOV OUT[0].x, IN[0].xxxx\nMOV OUT[0].y, IN[1].xxxx\nMOV OUT[0].z, IN[2].xxxx\n\
         MOV OUT[0].w, IN[3].xxxx\nEND\n",
        &Options::default(),
    );
    let mut vs_text =
        "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL OUT[1], COLOR\nDCL CONST[0..15]\n".to_owned();
    for k in 0..16 {
        vs_text += &format!("DCL OUT[{}], GENERIC[{}]\n", k + 2, k + 9);
    }
    vs_text += "MOV OUT[0], IN[0]\nMOV OUT[1], CONST[0]\n";
    for k in 0..16 {
        vs_text += &format!("MOV OUT[{}], CONST[{k}]\n", k + 2);
    }
    vs_text += "END\n";
    let vs = tr(
        &vs_text,
        &Options {
            next_stage_inputs: fs.interface.inputs.clone(),
            ..Options::default()
        },
    );
    let mut draw = Draw::new(&vs, &fs, 2, 2);
    draw.vs_res
        .constants
        .insert(0, (1..=16).map(|k| f([k as f32; 4])).collect());
    for p in draw.run().remove(0) {
        // GENERIC[9 + k] carries k + 1.
        assert_eq!(fl(p), [16.0, 1.0, 8.0, 0.0]);
    }
}

/// `TEX` in a vertex shader samples level 0 (no implicit derivatives there),
/// whatever the sampler's LOD range.
#[test]
fn gpu_vertex_shader_texture_reads_level_0() {
    let gpu = gpu();
    let tex = test_texture(gpu);
    let view = tex.create_view(&Default::default());
    let smp = nearest(gpu, None, false);
    let fs = tr(FLAT_FS, &Options::default());
    let vs = tr(
        "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL OUT[1], GENERIC[0]\nDCL CONST[0]\nDCL SAMP[0]\n\
         DCL SVIEW[0], 2D, FLOAT\nDCL TEMP[0]\n  0: MOV OUT[0], IN[0]\n  1: TEX TEMP[0], CONST[0], SAMP[0], 2D\n\
           2: MOV OUT[1], TEMP[0]\n  3: END\n",
        &Options {
            next_stage_inputs: fs.interface.inputs.clone(),
            ..Options::default()
        },
    );
    let mut draw = Draw::new(&vs, &fs, 1, 1);
    draw.vs_res
        .constants
        .insert(0, vec![f([3.5 / 4.0, 1.5 / 4.0, 0.0, 0.0])]);
    draw.vs_res.textures.insert(0, (&view, &smp));
    close(&[fl(draw.run().remove(0)[0])], &[texel(3, 1)], "VS TEX");
}

/// Mesa's native-integer TGSI (what it sends once the caps' GLSL level is
/// 130) for `m[index][1][row]` of a `uniform mat4 m[3]`, from piglit's
/// `vs-uniform-array-mat4-index-row-rd`: the byte offset of the column is
/// computed with `SHL`/`UADD`/`USHR` on the integer uniform, `UARL` loads
/// it, and `ISLT` masks select the row with `UCMP`. Every index and row
/// reads the right element (at GLSL 1.20 Mesa applied the same integer
/// opcodes to float-valued uniforms).
#[test]
fn gpu_native_integer_matrix_row_indexing() {
    let vs = tr(PASS_VS, &Options::default());
    let fs = tr(
        "FRAG\nDCL OUT[0], COLOR\nDCL CONST[0..14]\nDCL TEMP[0..11]\nDCL ADDR[0]\n\
         IMM[0] UINT32 {6, 64, 4, 1065353216}\nIMM[1] UINT32 {3, 1, 2, 1065353216}\n\
         IMM[2] UINT32 {0, 1065353216, 0, 0}\n\
           0: SHL TEMP[3].x, CONST[0].xxxx, IMM[0].xxxx\n\
           1: UADD TEMP[4].x, IMM[0].yyyy, TEMP[3].xxxx\n\
           2: USHR TEMP[5].x, TEMP[4].xxxx, IMM[0].zzzz\n\
           3: ISLT TEMP[6].xyz, CONST[1].xxxx, IMM[1].xyzx\n\
           4: UARL ADDR[0].x, TEMP[5].xxxx\n\
           5: MOV TEMP[7], CONST[ADDR[0].x]\n\
           6: UCMP TEMP[8].xy, TEMP[6].xyzx, TEMP[7].zxzw, TEMP[7].wyzw\n\
           7: UCMP TEMP[9].x, TEMP[6].zxxx, TEMP[8].yxxx, TEMP[8].xxxx\n\
           8: FSEQ TEMP[10].x, TEMP[9].xxxx, CONST[2].xxxx\n\
           9: UCMP TEMP[11], TEMP[10].xxxx, IMM[2].xyxy, IMM[2].yxxy\n\
          10: MOV OUT[0], TEMP[11]\n\
          11: MOV OUT[0].z, TEMP[9].xxxx\n\
          12: END\n",
        &Options::default(),
    );
    for index in 0..3i32 {
        for row in 0..4i32 {
            let want = (16 * index + 5 + row) as f32;
            // index, row, expect, then the three matrices (1..=48) column by column.
            let mut consts = vec![
                i([index, 0, 0, 0]),
                i([row, 0, 0, 0]),
                f([want, 0.0, 0.0, 0.0]),
            ];
            consts.extend((0..12).map(|c| f([1.0, 2.0, 3.0, 4.0].map(|x| x + 4.0 * c as f32))));
            let mut draw = Draw::new(&vs, &fs, 1, 1);
            draw.fs_res.constants.insert(0, consts);
            let got = fl(draw.run().remove(0).remove(0));
            assert_eq!(got, [0.0, 1.0, want, 1.0], "m[{index}][1][{row}]");
        }
    }
}

/// User clip planes (`Options::clip_planes`): enabled planes clip against
/// the `CLIPVERTEX` output when the VS writes one (here `POSITION.yxzw`),
/// else against `POSITION`; disabled planes never clip, whatever their
/// value; without enabled planes nothing is clipped.
#[test]
fn gpu_user_clip_planes_use_the_clip_vertex() {
    let fs = tr(
        "FRAG\nDCL OUT[0], COLOR\nIMM[0] FLT32 {1.0, 2.0, 3.0, 4.0}\nMOV OUT[0], IMM[0]\nEND\n",
        &Options::default(),
    );
    let with_cv = "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL OUT[1], CLIPVERTEX\n\
                   MOV OUT[0], IN[0]\nMOV OUT[1], IN[0].yxzw\nEND\n";
    // Plane 0 keeps x ≥ 0 of the clip vertex; plane 1 (disabled) would
    // reject everything.
    let mut planes = [[0.0f32; 4]; 8];
    planes[0] = [1.0, 0.0, 0.0, 0.0];
    planes[1] = [0.0, 0.0, 0.0, -1.0];
    let drawn = |vs_text: &str, enabled: u8| -> Vec<Vec<bool>> {
        let opts = Options {
            clip_planes: enabled,
            ..Options::default()
        };
        let vs = tr(vs_text, &opts);
        let mut draw = Draw::new(&vs, &fs, 4, 4);
        draw.vs_res.driver.clip_planes = planes;
        let pixels = draw.run().remove(0);
        pixels
            .chunks(4)
            .map(|row| row.iter().map(|p| fl(*p) == [1.0, 2.0, 3.0, 4.0]).collect())
            .collect()
    };
    // flip_y = +1: NDC +y is row 0, so the clip vertex's x (position y)
    // ≥ 0 keeps the top two rows.
    let top = vec![vec![true; 4], vec![true; 4], vec![false; 4], vec![false; 4]];
    assert_eq!(drawn(with_cv, 0b01), top, "clip vertex");
    // Without a clip vertex the position's x ≥ 0 keeps the right half.
    let no_cv = "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nMOV OUT[0], IN[0]\nEND\n";
    let right = vec![vec![false, false, true, true]; 4];
    assert_eq!(drawn(no_cv, 0b01), right, "position");
    assert_eq!(
        drawn(with_cv, 0),
        vec![vec![true; 4]; 4],
        "no plane enabled"
    );
}

/// Stream-output captures: each range's components of its output register
/// as the shader wrote them (z before the GL → WebGPU depth mapping), at
/// the locations the interface reports, above the varyings; ranges naming
/// no declared register or no components are refused.
#[test]
fn gpu_stream_output_captures() {
    let vs_text = "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL OUT[1], GENERIC[0]\n\
                   IMM[0] FLT32 {1.0, 2.0, 3.0, 4.0}\n\
                   0: MOV OUT[0], IN[0]\n  1: MOV OUT[1], IMM[0]\n  2: END\n";
    let capture = |register, first, count| shader_translate::Capture {
        register,
        first,
        count,
    };
    let opts = Options {
        captures: vec![capture(0, 0, 4), capture(1, 1, 2), capture(1, 3, 1)],
        ..Options::default()
    };
    let vs = tr(vs_text, &opts);
    let [l0, l1, l2] = vs.interface.captures[..] else {
        panic!("three capture locations, got {:?}", vs.interface.captures);
    };
    let generic =
        shader_translate::interface::varying_location(shader_translate::ast::SemanticId {
            name: shader_translate::ast::Semantic::Generic,
            index: 0,
        });
    assert!(
        generic.is_some_and(|g| l0 > g),
        "captures above the varyings"
    );
    // A fragment shader that writes the three captures to three targets.
    let wgsl = format!(
        "struct Out {{ @location(0) a: vec4<f32>, @location(1) b: vec4<f32>, @location(2) c: vec4<f32> }}\n\
         @fragment fn main(@location({l0}) p: vec4<f32>, @location({l1}) g: vec2<f32>, @location({l2}) w: f32) -> Out {{\n\
         return Out(p, vec4<f32>(g, 0.0, 0.0), vec4<f32>(w, 0.0, 0.0, 0.0));\n}}\n"
    );
    let mut fs = tr(
        "FRAG\nDCL OUT[0], COLOR\nDCL OUT[1], COLOR[1]\nDCL OUT[2], COLOR[2]\n  0: END\n",
        &Options::default(),
    );
    fs.module = naga::front::wgsl::parse_str(&wgsl).expect("test FS");
    let mut draw = Draw::new(&vs, &fs, 1, 1);
    draw.targets = 3;
    draw.vertices = vec![
        [-1.0, -1.0, 0.5, 1.0],
        [3.0, -1.0, 0.5, 1.0],
        [-1.0, 3.0, 0.5, 1.0],
    ];
    let out = draw.run();
    assert_eq!(fl(out[0][0]), [0.0, 0.0, 0.5, 1.0], "position as written");
    assert_eq!(fl(out[1][0]), [2.0, 3.0, 0.0, 0.0], "components 1..3");
    assert_eq!(fl(out[2][0]), [4.0, 0.0, 0.0, 0.0], "component 3");
    for (bad, what) in [
        (capture(2, 0, 4), "undeclared register"),
        (capture(1, 0, 0), "no components"),
        (capture(1, 3, 2), "past component 3"),
    ] {
        let opts = Options {
            captures: vec![bad],
            ..Options::default()
        };
        assert!(
            shader_translate::translate(vs_text, &opts).is_err(),
            "{what} accepted"
        );
    }
}

/// `CLIPDIST` outputs (GLSL `gl_ClipDistance`) are the clip distances of
/// the enabled planes, lane `i % 4` of register `i / 4`, instead of the
/// user planes; disabled ones do not clip.
#[test]
fn gpu_clip_distance_outputs_clip_where_enabled() {
    let fs = tr(
        "FRAG\nDCL OUT[0], COLOR\nIMM[0] FLT32 {1.0, 2.0, 3.0, 4.0}\nMOV OUT[0], IMM[0]\nEND\n",
        &Options::default(),
    );
    // Distance 0 = x, distance 1 = -1 (rejects all), distance 5 = y.
    let vs_text = "VERT\nPROPERTY NUM_CLIPDIST_ENABLED 6\nDCL IN[0]\nDCL OUT[0], POSITION\n\
                   DCL OUT[1], CLIPDIST[0]\nDCL OUT[2].xy, CLIPDIST[1]\n\
                   IMM[0] FLT32 {-1.0, 0.0, 0.0, 0.0}\nMOV OUT[0], IN[0]\n\
                   MOV OUT[1], IN[0].xxxx\nMOV OUT[1].y, IMM[0].xxxx\nMOV OUT[2].xy, IN[0].yyyy\nEND\n";
    // A plane that would reject everything is ignored: the shader's
    // distances replace the user planes.
    let planes = [[0.0, 0.0, 0.0, -1.0f32]; 8];
    let drawn = |enabled: u8| -> Vec<Vec<bool>> {
        let opts = Options {
            clip_planes: enabled,
            ..Options::default()
        };
        let vs = tr(vs_text, &opts);
        let mut draw = Draw::new(&vs, &fs, 4, 4);
        draw.vs_res.driver.clip_planes = planes;
        let pixels = draw.run().remove(0);
        pixels
            .chunks(4)
            .map(|row| row.iter().map(|p| fl(*p) == [1.0, 2.0, 3.0, 4.0]).collect())
            .collect()
    };
    let right = vec![vec![false, false, true, true]; 4];
    assert_eq!(drawn(0b1), right, "distance 0");
    // flip_y = +1: y ≥ 0 is the top half.
    let top_right = vec![
        vec![false, false, true, true],
        vec![false, false, true, true],
        vec![false; 4],
        vec![false; 4],
    ];
    assert_eq!(drawn(0b10_0001), top_right, "distances 0 and 5");
    assert_eq!(drawn(0b10), vec![vec![false; 4]; 4], "distance 1");
    assert_eq!(drawn(0), vec![vec![true; 4]; 4], "none enabled");
}

/// A fragment shader reading `CLIPDIST` (GLSL `gl_ClipDistance`) gets the
/// vertex shader's distances, interpolated, through a location of their own.
#[test]
fn gpu_fragment_shaders_read_clip_distances() {
    let fs = tr(
        "FRAG\nDCL IN[0], CLIPDIST[0], PERSPECTIVE\nDCL OUT[0], COLOR\nMOV OUT[0], IN[0]\nEND\n",
        &Options::default(),
    );
    let vs_text = "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL OUT[1], CLIPDIST[0]\n\
                   IMM[0] FLT32 {0.25, 0.5, 0.75, 1.0}\nMOV OUT[0], IN[0]\nMOV OUT[1], IMM[0]\nEND\n";
    let opts = Options {
        clip_planes: 0b1,
        next_stage_inputs: fs.interface.inputs.clone(),
        ..Options::default()
    };
    let vs = tr(vs_text, &opts);
    let pixels = Draw::new(&vs, &fs, 4, 4).run().remove(0);
    assert!(
        pixels.iter().all(|p| fl(*p) == [0.25, 0.5, 0.75, 1.0]),
        "{:?}",
        fl(pixels[0])
    );
}

/// Sample shading (`per_sample_shading`, SET_MIN_SAMPLES above 1): every
/// interpolated varying is read at the sample, centroid ones included,
/// which makes each sample an invocation of its own; flat ones stay flat.
#[test]
fn per_sample_shading_interpolates_at_each_sample() {
    let fs =
        "FRAG\nDCL IN[0], GENERIC[0], PERSPECTIVE, CENTROID\nDCL IN[1], GENERIC[1], CONSTANT\n\
              DCL OUT[0], COLOR\n  0: ADD OUT[0], IN[0], IN[1]\n  1: END\n";
    let wgsl = |per_sample_shading: bool| {
        let options = Options {
            per_sample_shading,
            ..Options::default()
        };
        shader_translate::translate(fs, &options)
            .unwrap()
            .to_wgsl()
            .unwrap()
    };
    let per_sample = wgsl(true);
    assert!(
        per_sample.contains("@interpolate(perspective, sample)"),
        "{per_sample}"
    );
    assert!(!per_sample.contains("centroid"), "{per_sample}");
    assert!(per_sample.contains("@interpolate(flat"), "{per_sample}");
    assert!(wgsl(false).contains("@interpolate(perspective, centroid)"));
}
