//! Tessellation control and evaluation shaders: the real shaders Mesa
//! 22.3's virgl driver sent (`tests/in/tess-*.tgsi`, with a few written
//! here) translate, link (VS → TCS → TES through `next_stage_inputs`), and
//! their SPIR-V, written by naga as the renderer writes it and rewritten
//! by `tessellation_spirv`, is a tessellation stage with the right modes,
//! decorations and storage classes. Malformed shaders are errors.

use shader_translate::ast::{Semantic, SemanticId};
use shader_translate::interface::{
    StageLink, TessDomain, TessSpacing, TessellationKind, Usage, Varying,
};
use shader_translate::{translate, ErrorKind, Options, Translation};
use std::collections::HashMap;
use std::path::Path;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/in")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

/// Every `tests/in/tess-*.tgsi`, by name.
fn fixtures() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/in");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("tess-") && name.ends_with(".tgsi")
        })
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// naga's SPIR-V of the module as the renderer writes it (SPIR-V 1.3,
/// names kept, bindings in set 0), made a tessellation stage.
fn stage_spirv(t: &Translation) -> Vec<u32> {
    use naga::back::spv;
    let mut binding_map = spv::BindingMap::default();
    let bindings = t
        .module
        .global_variables
        .iter()
        .filter_map(|(_, v)| v.binding);
    for (rank, rb) in (0u32..).zip(bindings) {
        let info = spv::BindingInfo {
            descriptor_set: 0,
            binding: rank,
            binding_array_size: None,
        };
        binding_map.insert(rb, info);
    }
    let restrict = naga::proc::BoundsCheckPolicy::Restrict;
    let options = spv::Options {
        lang_version: (1, 3),
        flags: spv::WriterFlags::DEBUG,
        binding_map,
        bounds_check_policies: naga::proc::BoundsCheckPolicies {
            index: restrict,
            buffer: restrict,
            image_load: restrict,
            binding_array: naga::proc::BoundsCheckPolicy::Unchecked,
        },
        ..spv::Options::default()
    };
    let pipeline = spv::PipelineOptions {
        shader_stage: naga::ShaderStage::Compute,
        entry_point: "main".into(),
    };
    let words = spv::write_vec(&t.module, &t.info, &options, Some(&pipeline)).unwrap();
    let tess = t
        .interface
        .tessellation
        .as_ref()
        .expect("a tessellation stage");
    shader_translate::tessellation_spirv(&words, tess).unwrap()
}

/// What the tests read back from SPIR-V words.
#[derive(Default, Debug)]
struct Spirv {
    capabilities: Vec<u32>,
    model: u32,
    interface: Vec<u32>,
    /// Execution modes with their operands.
    modes: Vec<Vec<u32>>,
    names: HashMap<String, u32>,
    /// Decorations by id: (decoration, operand).
    decorations: HashMap<u32, Vec<(u32, Option<u32>)>>,
    /// Storage class of each variable.
    classes: HashMap<u32, u32>,
    /// `OpConstant` values by id.
    constants: HashMap<u32, u32>,
    /// Operands of each `OpControlBarrier`.
    barriers: Vec<[u32; 3]>,
}

fn read(words: &[u32]) -> Spirv {
    let mut s = Spirv::default();
    let mut at = 5;
    while at < words.len() {
        let count = (words[at] >> 16) as usize;
        let inst = &words[at..at + count];
        match words[at] & 0xffff {
            17 => s.capabilities.push(inst[1]),
            15 => {
                s.model = inst[1];
                // Model, id, name (a NUL-terminated string), interface.
                let name_words = inst[3..].iter().position(|w| w >> 24 == 0).unwrap() + 1;
                s.interface = inst[3 + name_words..].to_vec();
            }
            16 => s.modes.push(inst[2..].to_vec()),
            5 => {
                let bytes: Vec<u8> = inst[2..].iter().flat_map(|w| w.to_le_bytes()).collect();
                let name = bytes.split(|&b| b == 0).next().unwrap();
                s.names
                    .insert(String::from_utf8(name.to_vec()).unwrap(), inst[1]);
            }
            71 => s
                .decorations
                .entry(inst[1])
                .or_default()
                .push((inst[2], inst.get(3).copied())),
            59 => {
                s.classes.insert(inst[2], inst[3]);
            }
            43 => {
                s.constants.insert(inst[2], inst[3]);
            }
            224 => s.barriers.push([inst[1], inst[2], inst[3]]),
            _ => {}
        }
        at += count;
    }
    s
}

const INPUT: u32 = 1;
const OUTPUT: u32 = 3;
const LOCATION: u32 = 30;
const BUILT_IN: u32 = 11;
const PATCH: u32 = 15;

impl Spirv {
    fn id(&self, name: &str) -> u32 {
        *self.names.get(name).unwrap_or_else(|| panic!("no {name}"))
    }

    /// Checks that variable `name` is a stage variable of `class` linked
    /// as `link`.
    fn check(&self, name: &str, class: u32, link: StageLink) {
        let id = self.id(name);
        assert_eq!(self.classes.get(&id), Some(&class), "{name}'s class");
        assert!(self.interface.contains(&id), "{name} is in the interface");
        let decorations = self.decorations.get(&id).cloned().unwrap_or_default();
        let expected = match link {
            StageLink::Location(l) => vec![(LOCATION, Some(l))],
            // The levels are per patch: Mesa's SPIR-V reader takes them
            // for per-vertex arrays without `Patch` (and nothing is drawn).
            StageLink::BuiltIn(b @ (11 | 12)) => vec![(BUILT_IN, Some(b)), (PATCH, None)],
            StageLink::BuiltIn(b) => vec![(BUILT_IN, Some(b))],
            StageLink::PatchLocation(l) => vec![(LOCATION, Some(l)), (PATCH, None)],
        };
        assert_eq!(decorations, expected, "{name}'s decorations");
    }
}

fn location_of(varyings: &[Varying], name: Semantic, index: u32) -> Option<u32> {
    varyings.iter().find_map(|v| match v.usage {
        Usage::Location { location, .. } if v.semantic == Some(SemanticId { name, index }) => {
            Some(location)
        }
        _ => None,
    })
}

#[test]
fn every_captured_shader_becomes_a_tessellation_stage() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 11);
    for (name, text) in fixtures {
        let t = translate(&text, &Options::default())
            .unwrap_or_else(|e| panic!("{name}: {}", e.render(&text)));
        let tess = t.interface.tessellation.clone().expect("tessellation");
        let s = read(&stage_spirv(&t));
        assert!(s.capabilities.contains(&3), "{name}: Tessellation");
        let control = text.starts_with("TESS_CTRL");
        match tess.kind {
            TessellationKind::Control { vertices_out } => {
                assert!(control);
                assert_eq!(s.model, 1, "{name}");
                assert_eq!(s.modes, vec![vec![26, vertices_out]], "{name}");
            }
            TessellationKind::Evaluation { .. } => {
                assert!(!control);
                assert_eq!(s.model, 2, "{name}");
                assert!(s.modes.len() >= 3, "{name}: {:?}", s.modes);
            }
        }
        for v in &tess.variables {
            if s.names.contains_key(&v.name) {
                let class = if v.output { OUTPUT } else { INPUT };
                s.check(&v.name, class, v.link);
            }
        }
    }
}

#[test]
fn tcs_outputs_link_to_the_tes_inputs_and_the_vs_to_the_tcs() {
    let tes = translate(&fixture("tess-patch-input-tes.tgsi"), &Options::default()).unwrap();
    let tes_inputs = &tes.interface.inputs;
    // GENERIC[0] per vertex at its table location, PATCH[0] at 0 of the
    // per-patch locations (a space of their own).
    assert_eq!(location_of(tes_inputs, Semantic::Generic, 0), Some(2));
    assert_eq!(location_of(tes_inputs, Semantic::Patch, 0), Some(0));
    let kind = tes.interface.tessellation.as_ref().unwrap().kind;
    assert_eq!(
        kind,
        TessellationKind::Evaluation {
            domain: TessDomain::Quads,
            spacing: TessSpacing::Equal,
            clockwise: false,
            point_mode: false
        }
    );
    let s = read(&stage_spirv(&tes));
    // Quads, equal spacing, counter-clockwise.
    assert_eq!(s.modes, vec![vec![24], vec![1], vec![5]]);
    s.check("pv3d_in0", INPUT, StageLink::Location(2));
    s.check("pv3d_patch_in1", INPUT, StageLink::PatchLocation(0));
    s.check("pv3d_tess_coord", INPUT, StageLink::BuiltIn(13));
    s.check("pv3d_out0", OUTPUT, StageLink::BuiltIn(0));

    let linked = Options {
        next_stage_inputs: tes_inputs.clone(),
        ..Options::default()
    };
    let tcs = translate(&fixture("tess-patch-output-tcs.tgsi"), &linked).unwrap();
    let s = read(&stage_spirv(&tcs));
    s.check("pv3d_in0", INPUT, StageLink::Location(2));
    s.check("pv3d_invocation_id", INPUT, StageLink::BuiltIn(8));
    s.check("pv3d_out2", OUTPUT, StageLink::Location(2));
    s.check("pv3d_patch_out3", OUTPUT, StageLink::PatchLocation(0));
    s.check("pv3d_tess_level_outer", OUTPUT, StageLink::BuiltIn(11));
    s.check("pv3d_tess_level_inner", OUTPUT, StageLink::BuiltIn(12));
    let outputs = &tcs.interface.outputs;
    assert_eq!(location_of(outputs, Semantic::Patch, 0), Some(0));

    // A vertex shader linked to the TCS writes GENERIC[0] where it reads it.
    let vs_text = "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL OUT[1], GENERIC[0]\n  0: MOV OUT[0], IN[0]\n  1: MOV OUT[1], IN[0]\n  2: END\n";
    let vs_options = Options {
        next_stage_inputs: tcs.interface.inputs.clone(),
        ..Options::default()
    };
    let vs = translate(vs_text, &vs_options).unwrap();
    assert_eq!(
        location_of(&vs.interface.outputs, Semantic::Generic, 0),
        Some(2)
    );
}

#[test]
fn tcs_outputs_the_tes_does_not_read_get_locations_past_its_own() {
    // The TES reads GENERIC[1] only (at its table location, 3).
    let tes_text = "TESS_EVAL\nPROPERTY TES_PRIM_MODE 4\nDCL IN[][0], GENERIC[1]\nDCL OUT[0], POSITION\n  0: MOV OUT[0], IN[2][0]\n  1: END\n";
    let tes = translate(tes_text, &Options::default()).unwrap();
    let linked = Options {
        next_stage_inputs: tes.interface.inputs.clone(),
        ..Options::default()
    };
    let tcs = translate(&fixture("tess-primitive-id-tcs.tgsi"), &linked).unwrap();
    let tess = tcs.interface.tessellation.as_ref().unwrap();
    let linked: Vec<_> = tess
        .variables
        .iter()
        .map(|v| (&v.name[..], v.link))
        .collect();
    assert!(linked.contains(&("pv3d_out3", StageLink::Location(3))));
    // GENERIC[0] is no input of the TES, but other invocations of the
    // patch may read it: it is an output, past the TES's locations.
    assert!(linked.contains(&("pv3d_out2", StageLink::Location(4))));
    let s = read(&stage_spirv(&tcs));
    s.check("pv3d_out2", OUTPUT, StageLink::Location(4));
    s.check("pv3d_primitive_id", INPUT, StageLink::BuiltIn(7));

    // Mesa's TGSI of piglit's `barrier` test (through pv3d's caps): each
    // invocation writes its own `val[]` and reads the others' after the
    // barrier; the TES reads neither `val` nor the position.
    let tcs = translate(&fixture("tess-barrier-loop-tcs.tgsi"), &linked_to(&tes)).unwrap();
    let s = read(&stage_spirv(&tcs));
    s.check("pv3d_out0", OUTPUT, StageLink::Location(4));
    s.check("pv3d_out3", OUTPUT, StageLink::Location(5));
}

fn linked_to(next: &Translation) -> Options {
    Options {
        next_stage_inputs: next.interface.inputs.clone(),
        ..Options::default()
    }
}

#[test]
fn tcs_barrier_has_the_scopes_of_a_tcs_barrier() {
    let t = translate(&fixture("tess-barrier-ret-tcs.tgsi"), &Options::default()).unwrap();
    let s = read(&stage_spirv(&t));
    assert_eq!(s.barriers.len(), 1);
    let values = s.barriers[0].map(|id| s.constants[&id]);
    // Execution Workgroup, memory Invocation, no semantics (glslang's).
    assert_eq!(values, [2, 4, 0]);
    s.check("pv3d_patch_vertices", INPUT, StageLink::BuiltIn(14));
}

#[test]
fn tes_modes_and_built_in_inputs() {
    let t = translate(&fixture("tess-system-values-tes.tgsi"), &Options::default()).unwrap();
    let s = read(&stage_spirv(&t));
    // Triangles, fractional odd, clockwise, point mode.
    assert_eq!(s.modes, vec![vec![22], vec![3], vec![4], vec![10]]);
    s.check("pv3d_tess_level_outer", INPUT, StageLink::BuiltIn(11));
    s.check("pv3d_tess_level_inner", INPUT, StageLink::BuiltIn(12));
    s.check("pv3d_patch_vertices", INPUT, StageLink::BuiltIn(14));
    s.check("pv3d_primitive_id", INPUT, StageLink::BuiltIn(7));
    // Per-vertex COLOR and POSITION, then the patch input.
    let inputs = &t.interface.inputs;
    assert_eq!(location_of(inputs, Semantic::Color, 0), Some(0));
    assert_eq!(location_of(inputs, Semantic::Position, 0), Some(1));
    assert_eq!(location_of(inputs, Semantic::Patch, 0), Some(0));
    s.check("pv3d_patch_in1", INPUT, StageLink::PatchLocation(0));
}

#[test]
fn a_last_tes_clips_and_sizes_points_like_a_vertex_shader() {
    let options = Options {
        clip_planes: 0b11,
        point_size: shader_translate::PointSize::Fixed,
        ..Options::default()
    };
    let t = translate(&fixture("tess-txq-cube-tes.tgsi"), &options).unwrap();
    let tess = t.interface.tessellation.as_ref().unwrap();
    let links: Vec<StageLink> = tess.variables.iter().map(|v| v.link).collect();
    for builtin in [0, 1, 3] {
        assert!(links.contains(&StageLink::BuiltIn(builtin)), "{links:?}");
    }
    let s = read(&stage_spirv(&t));
    assert!(s.classes.values().filter(|&&c| c == OUTPUT).count() >= 3);
}

#[test]
fn malformed_tessellation_shaders_are_errors() {
    let tcs = |props: &str| format!("TESS_CTRL\n{props}DCL OUT[0], TESSOUTER\n  0: END\n");
    let tes = |props: &str| format!("TESS_EVAL\n{props}DCL OUT[0], POSITION\n  0: END\n");
    let cases = [
        tcs(""),
        tcs("PROPERTY TCS_VERTICES_OUT 0\n"),
        tcs("PROPERTY TCS_VERTICES_OUT 33\n"),
        tcs("PROPERTY TCS_VERTICES_OUT 4294967295\n"),
        tes(""),
        tes("PROPERTY TES_PRIM_MODE 5\n"),
        tes("PROPERTY TES_PRIM_MODE TRIANGLES\n"),
        tes("PROPERTY TES_PRIM_MODE 4\nPROPERTY TES_SPACING 3\n"),
        tes("PROPERTY TES_PRIM_MODE 4\nPROPERTY TES_POINT_MODE 2\n"),
        // A second TESSOUTER, an indexed TESSINNER.
        "TESS_CTRL\nPROPERTY TCS_VERTICES_OUT 1\nDCL OUT[0], TESSOUTER\nDCL OUT[1], TESSOUTER\n  0: END\n".into(),
        "TESS_CTRL\nPROPERTY TCS_VERTICES_OUT 1\nDCL OUT[0], TESSINNER[1]\n  0: END\n".into(),
        // Per-vertex output without a vertex index; patch output with one.
        "TESS_CTRL\nPROPERTY TCS_VERTICES_OUT 1\nDCL OUT[][0], GENERIC[0]\n  0: MOV OUT[0], OUT[0][0]\n  1: END\n".into(),
        "TESS_CTRL\nPROPERTY TCS_VERTICES_OUT 1\nDCL OUT[0], PATCH\n  0: MOV OUT[0][0], OUT[0]\n  1: END\n".into(),
        // Undeclared input, a TESSCOORD in a TCS, BARRIER in a TES.
        "TESS_CTRL\nPROPERTY TCS_VERTICES_OUT 1\nDCL OUT[0], PATCH\n  0: MOV OUT[0], IN[0][0]\n  1: END\n".into(),
        "TESS_CTRL\nPROPERTY TCS_VERTICES_OUT 1\nDCL SV[0], TESSCOORD\n  0: END\n".into(),
        "TESS_EVAL\nPROPERTY TES_PRIM_MODE 4\n  0: BARRIER\n  1: END\n".into(),
    ];
    // Forty per-vertex inputs: locations past the 32 a stage has (drivers
    // index fixed slot tables by them).
    let forty = "TESS_EVAL\nPROPERTY TES_PRIM_MODE 4\nDCL IN[][0..39], GENERIC[0]\nDCL OUT[0], POSITION\n  0: MOV OUT[0], IN[0][39]\n  1: END\n";
    let Err(e) = translate(forty, &Options::default()) else {
        panic!("translated forty inputs");
    };
    assert!(
        matches!(
            e.kind(),
            ErrorKind::TooLarge {
                what: "varying location",
                ..
            }
        ),
        "{e:?}"
    );
    for text in cases {
        let Err(e) = translate(&text, &Options::default()) else {
            panic!("translated:\n{text}");
        };
        assert!(
            matches!(
                e.kind(),
                ErrorKind::Invalid(_) | ErrorKind::TooLarge { .. } | ErrorKind::Unsupported(_)
            ),
            "{text}: {e:?}"
        );
    }
}

#[test]
fn the_geometry_rewrite_still_makes_a_geometry_stage() {
    let text = fixture("geometry-primitive-id-gs.tgsi");
    let t = translate(&text, &Options::default()).unwrap();
    let g = t.interface.geometry.as_ref().unwrap();
    let words = naga::back::spv::write_vec(
        &t.module,
        &t.info,
        &naga::back::spv::Options {
            flags: naga::back::spv::WriterFlags::DEBUG,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let s = read(&shader_translate::geometry_spirv(&words, g).unwrap());
    assert!(s.capabilities.contains(&2));
    assert_eq!(s.model, 3);
    assert!(s.modes.contains(&vec![26, g.max_vertices]));
    s.check("pv3d_primitive_id", INPUT, StageLink::BuiltIn(7));
}

#[test]
fn the_passthrough_control_shader_links_the_draws_patch_to_the_tes() {
    let tes = translate(&fixture("tess-patch-input-tes.tgsi"), &Options::default()).unwrap();
    let text = shader_translate::passthrough_control_text(
        &tes.interface,
        3,
        [2.0, 3.0, 4.0, 5.0],
        [6.0, 7.0],
    );
    // The levels are the given floats' bits.
    assert!(
        text.contains(&format!("{{{}, ", 2.0f32.to_bits())),
        "{text}"
    );
    assert!(text.contains(&format!(
        "{{{}, {}, 0, 0}}",
        6.0f32.to_bits(),
        7.0f32.to_bits()
    )));
    let linked = Options {
        next_stage_inputs: tes.interface.inputs.clone(),
        ..Options::default()
    };
    let tcs = translate(&text, &linked).unwrap();
    let kind = tcs.interface.tessellation.as_ref().unwrap().kind;
    assert_eq!(kind, TessellationKind::Control { vertices_out: 3 });
    // GENERIC[0] is passed on where the TES reads it; the TES's patch
    // input is no input of the control shader.
    assert_eq!(
        location_of(&tcs.interface.inputs, Semantic::Generic, 0),
        Some(2)
    );
    assert_eq!(tcs.interface.inputs.len(), 1);
    let s = read(&stage_spirv(&tcs));
    s.check("pv3d_in0", INPUT, StageLink::Location(2));
    s.check("pv3d_out0", OUTPUT, StageLink::Location(2));
    s.check("pv3d_tess_level_outer", OUTPUT, StageLink::BuiltIn(11));
    s.check("pv3d_tess_level_inner", OUTPUT, StageLink::BuiltIn(12));
}
