//! A vertex shader translated with the fragment shader's inputs
//! (`Options::next_stage_inputs`) writes each varying where the fragment
//! shader reads it, whichever location scheme the fragment shader got.

use shader_translate::ast::{Semantic, SemanticId};
use shader_translate::interface::{Usage, Varying};
use shader_translate::{translate, Interface, Options};

fn interface(text: &str, options: &Options) -> Interface {
    translate(text, options)
        .unwrap_or_else(|e| panic!("{}", e.render(text)))
        .interface
}

fn location(varyings: &[Varying], name: Semantic, index: u32) -> Option<u32> {
    let id = SemanticId { name, index };
    varyings
        .iter()
        .find(|v| v.semantic == Some(id))
        .and_then(|v| match v.usage {
            Usage::Location { location, .. } => Some(location),
            _ => None,
        })
}

fn usage(varyings: &[Varying], name: Semantic, index: u32) -> Option<Usage> {
    let id = SemanticId { name, index };
    varyings
        .iter()
        .find(|v| v.semantic == Some(id))
        .map(|v| v.usage)
}

/// A VS writing `COLOR[0]` and `GENERIC[9..=24]` (16 user varyings, as
/// Mesa numbers them when a program uses that many).
fn many_varyings_vs() -> String {
    let mut text = "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL OUT[1], COLOR\n".to_owned();
    for i in 0..16 {
        text += &format!("DCL OUT[{}], GENERIC[{}]\n", i + 2, i + 9);
    }
    text += "MOV OUT[0], IN[0]\nMOV OUT[1], IN[0]\n";
    for i in 0..16 {
        text += &format!("MOV OUT[{}], IN[0]\n", i + 2);
    }
    text + "END\n"
}

/// An FS reading the given `GENERIC` indices (in this order).
fn generic_fs(indices: &[u32]) -> String {
    let mut text = "FRAG\nDCL OUT[0], COLOR\n".to_owned();
    for (register, index) in indices.iter().enumerate() {
        text += &format!("DCL IN[{register}], GENERIC[{index}], PERSPECTIVE\n");
    }
    text += "MOV OUT[0], IN[0]\n";
    for register in 1..indices.len() {
        text += &format!("ADD OUT[0], OUT[0], IN[{register}]\n");
    }
    text + "END\n"
}

#[test]
fn varyings_beyond_the_table_get_consecutive_locations() {
    let fs = interface(&generic_fs(&[24, 9, 16]), &Options::default());
    assert_eq!(location(&fs.inputs, Semantic::Generic, 24), Some(0));
    assert_eq!(location(&fs.inputs, Semantic::Generic, 9), Some(1));
    assert_eq!(location(&fs.inputs, Semantic::Generic, 16), Some(2));

    let vs = interface(
        &many_varyings_vs(),
        &Options {
            next_stage_inputs: fs.inputs.clone(),
            ..Options::default()
        },
    );
    for index in [24, 9, 16] {
        assert_eq!(
            location(&vs.outputs, Semantic::Generic, index),
            location(&fs.inputs, Semantic::Generic, index),
            "GENERIC[{index}]"
        );
    }
    // What the FS does not read is not written (it would collide).
    assert_eq!(usage(&vs.outputs, Semantic::Color, 0), Some(Usage::Dropped));
    assert_eq!(
        usage(&vs.outputs, Semantic::Generic, 10),
        Some(Usage::Dropped)
    );
}

#[test]
fn varyings_in_the_table_keep_their_fixed_locations() {
    let fs = interface(&generic_fs(&[9, 15]), &Options::default());
    assert_eq!(location(&fs.inputs, Semantic::Generic, 9), Some(11));
    assert_eq!(location(&fs.inputs, Semantic::Generic, 15), Some(17));
    let vs = interface(
        &many_varyings_vs(),
        &Options {
            next_stage_inputs: fs.inputs.clone(),
            ..Options::default()
        },
    );
    assert_eq!(location(&vs.outputs, Semantic::Generic, 9), Some(11));
    assert_eq!(location(&vs.outputs, Semantic::Generic, 15), Some(17));
}

#[test]
fn an_unlinked_vertex_shader_uses_the_table_and_drops_the_rest() {
    let vs = interface(&many_varyings_vs(), &Options::default());
    assert_eq!(location(&vs.outputs, Semantic::Color, 0), Some(0));
    assert_eq!(location(&vs.outputs, Semantic::Generic, 15), Some(17));
    assert_eq!(
        usage(&vs.outputs, Semantic::Generic, 16),
        Some(Usage::Dropped)
    );
}

#[test]
fn inputs_the_vertex_shader_lacks_are_zero_at_the_fragment_locations() {
    let fs = interface(&generic_fs(&[30, 9]), &Options::default());
    let vs = translate(
        "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\nDCL OUT[1], GENERIC[9]\nMOV OUT[0], IN[0]\nMOV OUT[1], IN[0]\nEND\n",
        &Options {
            next_stage_inputs: fs.inputs.clone(),
            ..Options::default()
        },
    )
    .unwrap();
    let wgsl = vs.to_wgsl().unwrap();
    assert_eq!(
        location(&vs.interface.outputs, Semantic::Generic, 9),
        Some(1)
    );
    // GENERIC[30] (location 0) is a zero output of the result struct.
    assert!(wgsl.contains("@location(0) "), "{wgsl}");
    assert!(wgsl.contains("@location(1) "), "{wgsl}");
}
