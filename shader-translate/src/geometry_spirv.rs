//! A geometry shader's SPIR-V: naga writes the translated module (a compute
//! entry point, see [`Geometry`]) and [`geometry_stage`] rewrites its words
//! into a geometry stage:
//!
//! - `OpCapability Geometry`; the entry point's execution model `Geometry`,
//!   its `LocalSize` replaced by the input and output primitive and
//!   `OutputVertices` execution modes;
//! - each [`StageVariable`] the shader uses (found by its `OpName`, so
//!   naga must write names: `WriterFlags::DEBUG`) moved from the `Private` to the `Input` or
//!   `Output` storage class, with its `Location` or `BuiltIn` decoration and
//!   a place in the entry point's interface; access chains into it take
//!   pointer types of the new class (declared beside the private ones);
//! - calls of the two marker functions replaced by `OpEmitVertex` and
//!   `OpEndPrimitive`.

use crate::ast::Primitive;
use crate::error::Error;
use crate::interface::{Geometry, StageLink, StageVariable};
use crate::spirv_words::{id_bound, instructions, literal_string, op, push_inst, HEADER};
use std::collections::{HashMap, HashSet};

const CAPABILITY_GEOMETRY: u32 = 2;
const MODEL_GEOMETRY: u32 = 3;
const MODE_LOCAL_SIZE: u32 = 17;
const MODE_OUTPUT_VERTICES: u32 = 26;
const CLASS_INPUT: u32 = 1;
const CLASS_OUTPUT: u32 = 3;
const CLASS_PRIVATE: u32 = 6;
const DECORATION_BUILT_IN: u32 = 11;
const DECORATION_LOCATION: u32 = 30;
const DECORATION_PATCH: u32 = 15;
/// What errors name.
const PASS: &str = "geometry stage";

fn malformed(what: &str) -> Error {
    crate::spirv_words::malformed(PASS, what)
}

/// Execution modes of the input and output primitive.
fn primitive_modes(g: &Geometry) -> Result<[u32; 2], Error> {
    let input = match g.input {
        Primitive::Points => 19,
        Primitive::Lines => 20,
        Primitive::LinesAdjacency => 21,
        Primitive::Triangles => 22,
        Primitive::TrianglesAdjacency => 23,
        _ => return Err(malformed("input primitive")),
    };
    let output = match g.output {
        Primitive::Points => 27,
        Primitive::LineStrip => 28,
        Primitive::TriangleStrip => 29,
        _ => return Err(malformed("output primitive")),
    };
    Ok([input, output])
}

/// `words` (naga's SPIR-V of a geometry shader's module, with names)
/// rewritten into a geometry stage (see the module documentation).
pub fn geometry_stage(words: &[u32], geometry: &Geometry) -> Result<Vec<u32>, Error> {
    let list = instructions(words, PASS)?;
    let mut bound = id_bound(words, PASS)?;
    let names: HashMap<String, u32> = list
        .iter()
        .filter(|i| i.op == op::NAME)
        .map(|i| (literal_string(i.words, 2), i.word(1)))
        .collect();
    let id_of = |name: &str| names.get(name).copied();
    // The stage variables by id: (storage class, link).
    let mut stage_vars: HashMap<u32, (u32, StageLink)> = HashMap::new();
    for StageVariable { name, output, link } in &geometry.variables {
        // naga writes no variable the entry point never uses.
        let Some(id) = id_of(name) else {
            continue;
        };
        let class = if *output { CLASS_OUTPUT } else { CLASS_INPUT };
        stage_vars.insert(id, (class, *link));
    }
    let emit = id_of(crate::lower::EMIT_VERTEX);
    let end = id_of(crate::lower::END_PRIMITIVE);
    // Pointer types: id → (class, pointee).
    let pointers: HashMap<u32, (u32, u32)> = list
        .iter()
        .filter(|i| i.op == op::TYPE_POINTER)
        .map(|i| (i.word(1), (i.word(2), i.word(3))))
        .collect();
    // Every pointer into a stage variable (the variables and the access
    // chains based on them), with its new class; and the pointer types
    // (class, pointee) those need.
    let mut moved: HashMap<u32, u32> = HashMap::new();
    let mut needed: HashMap<(u32, u32), u32> = HashMap::new();
    for i in &list {
        let (result_type, result, class) = match i.op {
            op::VARIABLE => match stage_vars.get(&i.word(2)) {
                Some(&(class, _)) => (i.word(1), i.word(2), class),
                None => continue,
            },
            op::ACCESS_CHAIN | op::IN_BOUNDS_ACCESS_CHAIN => match moved.get(&i.word(3)) {
                Some(&class) => (i.word(1), i.word(2), class),
                None => continue,
            },
            _ => continue,
        };
        let &(old_class, pointee) = pointers
            .get(&result_type)
            .ok_or_else(|| malformed("a pointer without its type"))?;
        if old_class != CLASS_PRIVATE {
            return Err(malformed("a stage variable that is not private"));
        }
        moved.insert(result, class);
        needed.entry((class, pointee)).or_insert_with(|| {
            bound += 1;
            bound - 1
        });
    }
    if stage_vars.keys().any(|id| !moved.contains_key(id)) {
        return Err(malformed("a stage variable without its OpVariable"));
    }
    let [input_mode, output_mode] = primitive_modes(geometry)?;
    let mut out = Vec::with_capacity(words.len() + 64);
    out.extend_from_slice(words.get(..HEADER).unwrap_or_default());
    let mut declared = HashSet::new();
    let mut capability_added = false;
    let mut decorations_added = false;
    for i in &list {
        let before_annotations = matches!(
            i.op,
            op::CAPABILITY
                | op::EXTENSION
                | op::EXT_INST_IMPORT
                | op::MEMORY_MODEL
                | op::ENTRY_POINT
                | op::EXECUTION_MODE
                | op::STRING
                | op::SOURCE
                | op::SOURCE_CONTINUED
                | op::SOURCE_EXTENSION
                | op::NAME
                | op::MEMBER_NAME
                | op::MODULE_PROCESSED
        );
        if !before_annotations && !decorations_added {
            decorations_added = true;
            for (&id, &(_, link)) in &stage_vars {
                match link {
                    StageLink::Location(l) => {
                        push_inst(&mut out, op::DECORATE, &[id, DECORATION_LOCATION, l])
                    }
                    StageLink::BuiltIn(b) => {
                        push_inst(&mut out, op::DECORATE, &[id, DECORATION_BUILT_IN, b])
                    }
                    StageLink::PatchLocation(l) => {
                        push_inst(&mut out, op::DECORATE, &[id, DECORATION_LOCATION, l]);
                        push_inst(&mut out, op::DECORATE, &[id, DECORATION_PATCH]);
                    }
                }
            }
        }
        match i.op {
            op::CAPABILITY if !capability_added => {
                capability_added = true;
                out.extend_from_slice(i.words);
                push_inst(&mut out, op::CAPABILITY, &[CAPABILITY_GEOMETRY]);
            }
            op::ENTRY_POINT => {
                let mut operands = i.operands().to_vec();
                if let Some(model) = operands.first_mut() {
                    *model = MODEL_GEOMETRY;
                }
                operands.extend(stage_vars.keys().copied());
                push_inst(&mut out, op::ENTRY_POINT, &operands);
            }
            op::EXECUTION_MODE if i.word(2) == MODE_LOCAL_SIZE => {
                let entry = i.word(1);
                push_inst(&mut out, op::EXECUTION_MODE, &[entry, input_mode]);
                push_inst(&mut out, op::EXECUTION_MODE, &[entry, output_mode]);
                push_inst(
                    &mut out,
                    op::EXECUTION_MODE,
                    &[entry, MODE_OUTPUT_VERTICES, geometry.max_vertices],
                );
            }
            op::TYPE_POINTER => {
                out.extend_from_slice(i.words);
                if i.word(2) == CLASS_PRIVATE {
                    for class in [CLASS_INPUT, CLASS_OUTPUT] {
                        let key = (class, i.word(3));
                        // Declared once, beside the first private one.
                        if let (Some(&id), false) = (needed.get(&key), declared.contains(&key)) {
                            push_inst(&mut out, op::TYPE_POINTER, &[id, class, i.word(3)]);
                            declared.insert(key);
                        }
                    }
                }
            }
            op::VARIABLE if moved.contains_key(&i.word(2)) => {
                let class = moved.get(&i.word(2)).copied().unwrap_or(CLASS_INPUT);
                let ty = moved_pointer(&pointers, &needed, &declared, i.word(1), class)?;
                push_inst(&mut out, op::VARIABLE, &[ty, i.word(2), class]);
            }
            op::ACCESS_CHAIN | op::IN_BOUNDS_ACCESS_CHAIN if moved.contains_key(&i.word(2)) => {
                let class = moved.get(&i.word(2)).copied().unwrap_or(CLASS_INPUT);
                let mut operands = i.operands().to_vec();
                if let Some(ty) = operands.first_mut() {
                    *ty = moved_pointer(&pointers, &needed, &declared, *ty, class)?;
                }
                push_inst(&mut out, i.op, &operands);
            }
            op::FUNCTION_CALL if Some(i.word(3)) == emit => {
                push_inst(&mut out, op::EMIT_VERTEX, &[]);
            }
            op::FUNCTION_CALL if Some(i.word(3)) == end => {
                push_inst(&mut out, op::END_PRIMITIVE, &[]);
            }
            _ => out.extend_from_slice(i.words),
        }
    }
    if declared.len() != needed.len() {
        return Err(malformed("a pointee without a private pointer type"));
    }
    if let Some(b) = out.get_mut(3) {
        *b = bound;
    }
    Ok(out)
}

/// The pointer type of class `class` to what private pointer type `ty`
/// points to.
fn moved_pointer(
    pointers: &HashMap<u32, (u32, u32)>,
    needed: &HashMap<(u32, u32), u32>,
    declared: &HashSet<(u32, u32)>,
    ty: u32,
    class: u32,
) -> Result<u32, Error> {
    let &(_, pointee) = pointers
        .get(&ty)
        .ok_or_else(|| malformed("a pointer without its type"))?;
    let key = (class, pointee);
    match needed.get(&key) {
        Some(&id) if declared.contains(&key) => Ok(id),
        _ => Err(malformed("a moved pointer type declared late")),
    }
}
