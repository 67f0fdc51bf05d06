//! Image atomics end to end: fixture shaders are translated, written as
//! SPIR-V by naga (names on, as the renderer writes them) and rewritten by
//! `image_atomic_spirv`. The output is checked instruction by instruction
//! (every marker call became an `OpImageTexelPointer` on the right image and
//! the right atomic, with Device scope and no semantics; new declarations
//! come before the functions, types are not duplicated, ids are defined once
//! and below the bound) and, where `spirv-val` is on `PATH`, validated for
//! Vulkan 1.1. The pass must also never panic on broken words.

use shader_translate::{image_atomic_spirv, translate, Options};
use std::collections::{HashMap, HashSet};
use std::path::Path;

const IMAGE_TEXEL_POINTER: u32 = 60;
const FUNCTION: u32 = 54;
const FUNCTION_CALL: u32 = 57;
const EXCHANGE: u32 = 229;
const COMPARE_EXCHANGE: u32 = 230;
const I_ADD: u32 = 234;
const S_MIN: u32 = 236;
const S_MAX: u32 = 238;
const OR: u32 = 241;

/// naga's SPIR-V of fixture `name`, as the renderer writes it (SPIR-V 1.3,
/// one entry point, restricted bounds), with names.
fn naga_spirv(name: &str) -> Vec<u32> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/in/{name}.tgsi"));
    let text = std::fs::read_to_string(path).unwrap();
    let t = translate(&text, &Options::default()).unwrap();
    assert!(t.interface.image_atomics, "{name}: no image atomics");
    let policy = naga::proc::BoundsCheckPolicy::Restrict;
    let options = naga::back::spv::Options {
        lang_version: (1, 3),
        flags: naga::back::spv::WriterFlags::DEBUG,
        bounds_check_policies: naga::proc::BoundsCheckPolicies {
            index: policy,
            buffer: policy,
            image_load: policy,
            binding_array: naga::proc::BoundsCheckPolicy::Unchecked,
        },
        ..Default::default()
    };
    let entry = &t.module.entry_points[0];
    let pipeline = naga::back::spv::PipelineOptions {
        shader_stage: entry.stage,
        entry_point: entry.name.clone(),
    };
    naga::back::spv::write_vec(&t.module, &t.info, &options, Some(&pipeline)).unwrap()
}

/// The instructions after the header.
fn parse(words: &[u32]) -> Vec<&[u32]> {
    let mut out = Vec::new();
    let mut rest = &words[5..];
    while !rest.is_empty() {
        let count = (rest[0] >> 16) as usize;
        out.push(&rest[..count]);
        rest = &rest[count..];
    }
    out
}

fn op(i: &[u32]) -> u32 {
    i[0] & 0xffff
}

fn string(words: &[u32]) -> String {
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    let end = bytes.iter().position(|&b| b == 0).unwrap();
    String::from_utf8(bytes[..end].to_vec()).unwrap()
}

/// The result id of `i` and whether it has a result type before it.
fn result(i: &[u32]) -> Option<(u32, bool)> {
    match op(i) {
        19..=38 | 248 => Some((i[1], false)),
        // Undef, extended instructions, constants, variables, functions and
        // their parameters and calls, loads, access chains, composite,
        // image (but OpImageWrite), conversion, arithmetic and atomic (but
        // OpAtomicStore) instructions, phis.
        1
        | 12
        | 41..=46
        | 54
        | 55
        | 57
        | 59..=61
        | 65..=67
        | 77..=98
        | 100..=202
        | 227
        | 229..=242
        | 245 => Some((i[2], true)),
        _ => None,
    }
}

/// One module's facts, by id.
struct Module<'a> {
    list: Vec<&'a [u32]>,
    defs: HashMap<u32, &'a [u32]>,
    names: HashMap<u32, String>,
}

impl<'a> Module<'a> {
    fn new(words: &'a [u32]) -> Self {
        let list = parse(words);
        let mut defs = HashMap::new();
        let mut names = HashMap::new();
        for i in &list {
            if op(i) == 5 {
                names.insert(i[1], string(&i[2..]));
            }
            if let Some((id, _)) = result(i) {
                assert!(id < words[3], "id {id} not below the bound {}", words[3]);
                assert!(defs.insert(id, *i).is_none(), "id {id} defined twice");
            }
        }
        Self { list, defs, names }
    }

    fn def(&self, id: u32) -> &'a [u32] {
        self.defs
            .get(&id)
            .unwrap_or_else(|| panic!("id {id} undefined"))
    }

    /// The type of value `id`.
    fn type_of(&self, id: u32) -> &'a [u32] {
        let d = self.def(id);
        assert!(result(d).unwrap().1, "id {id} has no type");
        self.def(d[1])
    }

    /// The value of `OpConstant` `id` of type `uint`.
    fn uint_constant(&self, id: u32) -> u32 {
        let d = self.def(id);
        assert_eq!(op(d), 43);
        assert_eq!(self.def(d[1])[1..], [d[1], 32, 0]);
        d[3]
    }

    fn position(&self, id: u32) -> usize {
        let d = self.def(id);
        self.list.iter().position(|i| std::ptr::eq(*i, d)).unwrap()
    }
}

/// What an atomic must be: opcode, image variable, signed texels,
/// coordinate lanes.
type Expected = (u32, &'static str, bool, u32);

/// Rewrites fixture `name`'s SPIR-V and checks it against `expected` (the
/// atomics in order).
fn check(name: &str, expected: &[Expected]) -> Vec<u32> {
    let input = naga_spirv(name);
    let words = image_atomic_spirv(&input).unwrap();
    assert_eq!(words[..3], input[..3]);
    let m = Module::new(&words);
    let first_function = m.list.iter().position(|i| op(i) == FUNCTION).unwrap();
    // No type declared twice.
    let mut types = HashSet::new();
    for i in m.list.iter().filter(|i| (19..=38).contains(&op(i))) {
        assert!(
            types.insert((op(i), i[2..].to_vec())),
            "{name}: duplicate type {i:?}"
        );
    }
    // No marker called any more.
    for i in m.list.iter().filter(|i| op(i) == FUNCTION_CALL) {
        let callee = m.names.get(&i[3]).cloned().unwrap_or_default();
        assert!(
            !callee.starts_with("pv3d_image_atomic_"),
            "{name}: {callee} still called"
        );
    }
    let atomics: Vec<_> = m
        .list
        .iter()
        .filter(|i| (227..=242).contains(&op(i)))
        .collect();
    assert_eq!(atomics.len(), expected.len(), "{name}: atomics");
    for (a, &(opcode, image, signed, lanes)) in atomics.iter().zip(expected) {
        assert_eq!(op(a), opcode, "{name}");
        let ty = m.def(a[1]);
        assert_eq!(ty[1..], [a[1], 32, u32::from(signed)], "{name}: texel type");
        // The pointer: a texel of the image, sample 0.
        let p = m.def(a[3]);
        assert_eq!(op(p), IMAGE_TEXEL_POINTER, "{name}");
        let pointer_ty = m.def(p[1]);
        assert_eq!(
            pointer_ty[1..],
            [p[1], 11, a[1]],
            "{name}: Image pointer to the texel"
        );
        assert!(m.position(p[1]) < first_function);
        assert_eq!(
            m.names.get(&p[3]).map(String::as_str),
            Some(image),
            "{name}"
        );
        let var = m.def(p[3]);
        assert_eq!(var[3], 0, "{name}: image variable UniformConstant");
        let image_ty = m.def(m.def(var[1])[3]);
        assert_eq!(op(image_ty), 25, "{name}: OpTypeImage");
        assert_eq!(image_ty[2], a[1], "{name}: sampled type is the texel type");
        let coordinate = m.type_of(p[4]);
        assert_eq!(op(coordinate), 23, "{name}: vector coordinate");
        assert_eq!(coordinate[3], lanes, "{name}: coordinate lanes");
        assert_eq!(
            m.def(coordinate[2])[1..],
            [coordinate[2], 32, 1],
            "{name}: i32 lanes"
        );
        assert_eq!(m.uint_constant(p[5]), 0, "{name}: sample");
        assert!(m.position(p[5]) < first_function);
        // Device scope, no semantics, the value (and comparator) texels.
        assert_eq!(m.uint_constant(a[4]), 1, "{name}: scope");
        let values = if opcode == COMPARE_EXCHANGE {
            assert_eq!(m.uint_constant(a[5]), 0, "{name}: semantics");
            assert_eq!(m.uint_constant(a[6]), 0, "{name}: semantics");
            &a[7..]
        } else {
            assert_eq!(m.uint_constant(a[5]), 0, "{name}: semantics");
            &a[6..]
        };
        assert_eq!(values.len(), if opcode == COMPARE_EXCHANGE { 2 } else { 1 });
        for &v in values {
            assert_eq!(m.type_of(v)[1], a[1], "{name}: operand type");
        }
    }
    // The images atomics use are read_write: no NonReadable/NonWritable.
    for i in m.list.iter().filter(|i| op(i) == 71) {
        let restricted = matches!(i[2], 24 | 25);
        let image = m.names.get(&i[1]).is_some_and(|n| n.starts_with("image"));
        assert!(!(restricted && image), "{name}: {i:?}");
    }
    spirv_val(name, &words);
    words
}

/// Runs `spirv-val` on the words where it is installed.
fn spirv_val(name: &str, words: &[u32]) {
    let path = std::env::temp_dir().join(format!(
        "pv3d-image-atomic-{name}-{}.spv",
        std::process::id()
    ));
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    std::fs::write(&path, bytes).unwrap();
    let run = std::process::Command::new("spirv-val")
        .args(["--target-env", "vulkan1.1"])
        .arg(&path)
        .output();
    let _ = std::fs::remove_file(&path);
    match run {
        Ok(out) => assert!(
            out.status.success(),
            "{name}: spirv-val: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => eprintln!("{name}: spirv-val not run ({e})"),
    }
}

#[test]
fn r32ui_add_in_2d_and_cube_images() {
    check(
        "compute-image-atomic-add",
        &[
            (I_ADD, "image0", false, 2),
            (I_ADD, "image0", false, 2),
            (OR, "image3", false, 3),
        ],
    );
}

#[test]
fn r32i_signed_extremes_in_a_2d_array() {
    check(
        "compute-image-atomic-imax-array",
        &[
            (S_MAX, "image2", true, 3),
            (S_MIN, "image2", true, 3),
            (S_MAX, "image2", true, 3),
        ],
    );
}

#[test]
fn r32ui_compare_exchange_takes_value_then_comparator() {
    let words = check(
        "compute-image-atomic-cas",
        &[(COMPARE_EXCHANGE, "image0", false, 2)],
    );
    // ATOMCAS dst, IMAGE[0], coord, IMM.x (1, compare), IMM.z (2, new).
    let m = Module::new(&words);
    let cas = m.list.iter().find(|i| op(i) == COMPARE_EXCHANGE).unwrap();
    assert_eq!((m.def(cas[7])[3], m.def(cas[8])[3]), (2, 1));
}

#[test]
fn r32i_exchange_in_2d_and_3d_images() {
    check(
        "compute-image-atomic-xchg",
        &[(EXCHANGE, "image1", true, 2)],
    );
    check(
        "compute-image-atomic-xchg-3d",
        &[(EXCHANGE, "image0", true, 3)],
    );
}

#[test]
fn fragment_shader_image_atomic() {
    check("fragment-image-atomic", &[(S_MAX, "image0", true, 2)]);
}

#[test]
fn modules_without_markers_come_back_unchanged() {
    let text = "COMP\nDCL IMAGE[0], 2D, PIPE_FORMAT_R32_UINT, WR\nDCL TEMP[0]\n\
                IMM[0] UINT32 {1, 0, 0, 0}\n  0: STORE IMAGE[0], IMM[0].xyyy, IMM[0].xxxx, 2D, PIPE_FORMAT_R32_UINT\n  1: END\n";
    let t = translate(text, &Options::default()).unwrap();
    assert!(!t.interface.image_atomics);
    let options = naga::back::spv::Options {
        flags: naga::back::spv::WriterFlags::DEBUG,
        ..Default::default()
    };
    let words = naga::back::spv::write_vec(&t.module, &t.info, &options, None).unwrap();
    assert_eq!(image_atomic_spirv(&words).unwrap(), words);
}

#[test]
fn broken_words_are_errors_not_panics() {
    let words = naga_spirv("compute-image-atomic-cas");
    assert!(image_atomic_spirv(&[]).is_err());
    for len in 0..words.len() {
        let _ = image_atomic_spirv(&words[..len]);
    }
    // Every word replaced by values that break counts, ids and the bound.
    for i in 0..words.len() {
        for v in [0, 1, u32::MAX, 0x0003_0039, words[i] ^ 0x0001_0000] {
            let mut w = words.clone();
            w[i] = v;
            let _ = image_atomic_spirv(&w);
        }
    }
    // Without the image's name the marker cannot be rewritten.
    let m = Module::new(&words);
    let name = m
        .list
        .iter()
        .find(|i| op(i) == 5 && string(&i[2..]) == "image0")
        .unwrap();
    let at = name.as_ptr() as usize - words.as_ptr() as usize;
    let mut w = words.clone();
    w[at / 4 + 2] ^= 0xff;
    assert!(image_atomic_spirv(&w).is_err());
}
