//! The SPIR-V of stages WebGPU lacks: naga writes the translated module (a
//! compute entry point, see [`Geometry`] and [`Tessellation`]) and
//! [`geometry_stage`] or [`tessellation_stage`] rewrites its words into a
//! geometry, tessellation control or tessellation evaluation stage (one
//! rewrite, [`rewrite`], parametrized by [`Stage`]):
//!
//! - the stage's `OpCapability`; the entry point's execution model, its
//!   `LocalSize` replaced by the stage's execution modes (geometry: input
//!   and output primitive and `OutputVertices`; tessellation control:
//!   `OutputVertices`; tessellation evaluation: domain, spacing, vertex
//!   order and point mode);
//! - each [`StageVariable`] the shader uses (found by its `OpName`, so
//!   naga must write names: `WriterFlags::DEBUG`) moved from the `Private` to the `Input` or
//!   `Output` storage class, with its `Location` (and `Patch`) or `BuiltIn`
//!   decoration and a place in the entry point's interface; access chains
//!   into it take pointer types of the new class (declared beside the
//!   private ones);
//! - geometry: calls of the two marker functions replaced by
//!   `OpEmitVertex` and `OpEndPrimitive`;
//! - tessellation control: each `OpControlBarrier` given the memory scope
//!   and semantics a TCS barrier has (`Invocation`, none), as glslang
//!   writes `barrier()`.

use crate::ast::Primitive;
use crate::error::Error;
use crate::interface::{
    spirv_builtin, Geometry, StageLink, StageVariable, TessDomain, TessSpacing, Tessellation,
    TessellationKind,
};
use crate::spirv_words::{id_bound, instructions, literal_string, op, push_inst, HEADER};
use std::collections::{BTreeMap, HashMap, HashSet};

const CAPABILITY_GEOMETRY: u32 = 2;
const CAPABILITY_TESSELLATION: u32 = 3;
const MODEL_TESS_CONTROL: u32 = 1;
const MODEL_TESS_EVALUATION: u32 = 2;
const MODEL_GEOMETRY: u32 = 3;
const MODE_LOCAL_SIZE: u32 = 17;
const MODE_OUTPUT_VERTICES: u32 = 26;
const SCOPE_INVOCATION: u32 = 4;
const CLASS_INPUT: u32 = 1;
const CLASS_OUTPUT: u32 = 3;
const CLASS_PRIVATE: u32 = 6;
const DECORATION_BUILT_IN: u32 = 11;
const DECORATION_LOCATION: u32 = 30;
const DECORATION_PATCH: u32 = 15;
/// What errors name.
const PASS: &str = "stage";

fn malformed(what: &str) -> Error {
    crate::spirv_words::malformed(PASS, what)
}

/// What the rewrite makes of the compute entry point.
struct Stage<'a> {
    /// The capability the stage needs.
    capability: u32,
    /// Its execution model.
    model: u32,
    /// The execution modes replacing `LocalSize`: each the mode and its
    /// literal operands.
    modes: Vec<Vec<u32>>,
    /// The stage variables.
    variables: &'a [StageVariable],
    /// Marker functions (by name) whose calls become an operand-less
    /// instruction (by opcode).
    markers: &'a [(&'a str, u32)],
    /// The memory scope and semantics every `OpControlBarrier` gets.
    barrier: Option<[u32; 2]>,
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
    let [input, output] = primitive_modes(geometry)?;
    rewrite(
        words,
        &Stage {
            capability: CAPABILITY_GEOMETRY,
            model: MODEL_GEOMETRY,
            modes: vec![
                vec![input],
                vec![output],
                vec![MODE_OUTPUT_VERTICES, geometry.max_vertices],
            ],
            variables: &geometry.variables,
            markers: &[
                (crate::lower::EMIT_VERTEX, op::EMIT_VERTEX),
                (crate::lower::END_PRIMITIVE, op::END_PRIMITIVE),
            ],
            barrier: None,
        },
    )
}

/// `words` (naga's SPIR-V of a tessellation control or evaluation
/// shader's module, with names) rewritten into that stage (see the module
/// documentation).
pub fn tessellation_stage(words: &[u32], t: &Tessellation) -> Result<Vec<u32>, Error> {
    let (model, modes, barrier) = match t.kind {
        TessellationKind::Control { vertices_out } => (
            MODEL_TESS_CONTROL,
            vec![vec![MODE_OUTPUT_VERTICES, vertices_out]],
            Some([SCOPE_INVOCATION, 0]),
        ),
        TessellationKind::Evaluation {
            domain,
            spacing,
            clockwise,
            point_mode,
        } => {
            let domain = match domain {
                TessDomain::Triangles => 22,
                TessDomain::Quads => 24,
                TessDomain::Isolines => 25,
            };
            let spacing = match spacing {
                TessSpacing::Equal => 1,
                TessSpacing::FractionalEven => 2,
                TessSpacing::FractionalOdd => 3,
            };
            let order = if clockwise { 4 } else { 5 };
            let mut modes = vec![vec![domain], vec![spacing], vec![order]];
            if point_mode {
                modes.push(vec![10]);
            }
            (MODEL_TESS_EVALUATION, modes, None)
        }
    };
    rewrite(
        words,
        &Stage {
            capability: CAPABILITY_TESSELLATION,
            model,
            modes,
            variables: &t.variables,
            markers: &[],
            barrier,
        },
    )
}

/// The stage variables by id: (storage class, link).
type StageVars = BTreeMap<u32, (u32, StageLink)>;

/// Every pointer into a stage variable (the variables and the access
/// chains based on them), with its new class; and the pointer types
/// (class, pointee) those need, with the ids they get (from `bound` on).
#[allow(clippy::type_complexity)]
fn plan_moves(
    list: &[crate::spirv_words::Inst<'_>],
    stage_vars: &StageVars,
    pointers: &HashMap<u32, (u32, u32)>,
    bound: &mut u32,
) -> Result<(HashMap<u32, u32>, HashMap<(u32, u32), u32>), Error> {
    let mut moved: HashMap<u32, u32> = HashMap::new();
    let mut needed: HashMap<(u32, u32), u32> = HashMap::new();
    for i in list {
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
        if let std::collections::hash_map::Entry::Vacant(e) = needed.entry((class, pointee)) {
            e.insert(*bound);
            *bound = bound
                .checked_add(1)
                .ok_or_else(|| malformed("an id bound at its maximum"))?;
        }
    }
    if stage_vars.keys().any(|id| !moved.contains_key(id)) {
        return Err(malformed("a stage variable without its OpVariable"));
    }
    Ok((moved, needed))
}

/// The `Location` (and `Patch`) or `BuiltIn` decoration of each stage
/// variable.
fn push_decorations(out: &mut Vec<u32>, stage_vars: &StageVars) {
    for (&id, &(_, link)) in stage_vars {
        match link {
            StageLink::Location(l) => push_inst(out, op::DECORATE, &[id, DECORATION_LOCATION, l]),
            StageLink::BuiltIn(b) => {
                push_inst(out, op::DECORATE, &[id, DECORATION_BUILT_IN, b]);
                // The tessellation levels are per patch: without the
                // decoration Mesa's SPIR-V reader takes the arrays for
                // per-vertex ones (and the levels for 0).
                if [
                    spirv_builtin::TESS_LEVEL_OUTER,
                    spirv_builtin::TESS_LEVEL_INNER,
                ]
                .contains(&b)
                {
                    push_inst(out, op::DECORATE, &[id, DECORATION_PATCH]);
                }
            }
            StageLink::PatchLocation(l) => {
                push_inst(out, op::DECORATE, &[id, DECORATION_LOCATION, l]);
                push_inst(out, op::DECORATE, &[id, DECORATION_PATCH]);
            }
        }
    }
}

/// `words` rewritten into `stage` (see the module documentation).
fn rewrite(words: &[u32], stage: &Stage<'_>) -> Result<Vec<u32>, Error> {
    let list = instructions(words, PASS)?;
    let mut bound = id_bound(words, PASS)?;
    let names: HashMap<String, u32> = list
        .iter()
        .filter(|i| i.op == op::NAME)
        .map(|i| (literal_string(i.words, 2), i.word(1)))
        .collect();
    let id_of = |name: &str| names.get(name).copied();
    // The stage variables by id: (storage class, link).
    let mut stage_vars: StageVars = BTreeMap::new();
    for StageVariable { name, output, link } in stage.variables {
        // naga writes no variable the entry point never uses.
        let Some(id) = id_of(name) else {
            continue;
        };
        let class = if *output { CLASS_OUTPUT } else { CLASS_INPUT };
        stage_vars.insert(id, (class, *link));
    }
    // Marker functions by id: the instruction their calls become.
    let markers: HashMap<u32, u32> = stage
        .markers
        .iter()
        .filter_map(|&(name, opcode)| Some((id_of(name)?, opcode)))
        .collect();
    // Pointer types: id → (class, pointee).
    let pointers: HashMap<u32, (u32, u32)> = list
        .iter()
        .filter(|i| i.op == op::TYPE_POINTER)
        .map(|i| (i.word(1), (i.word(2), i.word(3))))
        .collect();
    let (moved, needed) = plan_moves(&list, &stage_vars, &pointers, &mut bound)?;
    let barrier = barrier_constants(&list, stage.barrier, &mut bound)?;
    let mut out = Vec::with_capacity(words.len() + 64);
    out.extend_from_slice(words.get(..HEADER).unwrap_or_default());
    let mut declared = HashSet::new();
    let mut capability_added = false;
    let mut decorations_added = false;
    let mut barrier_declared = false;
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
            push_decorations(&mut out, &stage_vars);
        }
        match i.op {
            op::CAPABILITY if !capability_added => {
                capability_added = true;
                out.extend_from_slice(i.words);
                push_inst(&mut out, op::CAPABILITY, &[stage.capability]);
            }
            op::ENTRY_POINT => {
                let mut operands = i.operands().to_vec();
                if let Some(model) = operands.first_mut() {
                    *model = stage.model;
                }
                operands.extend(stage_vars.keys().copied());
                push_inst(&mut out, op::ENTRY_POINT, &operands);
            }
            op::EXECUTION_MODE if i.word(2) == MODE_LOCAL_SIZE => {
                for mode in &stage.modes {
                    let mut operands = vec![i.word(1)];
                    operands.extend_from_slice(mode);
                    push_inst(&mut out, op::EXECUTION_MODE, &operands);
                }
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
            op::FUNCTION_CALL if markers.contains_key(&i.word(3)) => {
                let opcode = markers.get(&i.word(3)).copied().unwrap_or(op::NOP);
                push_inst(&mut out, opcode, &[]);
            }
            op::TYPE_INT if i.word(2) == 32 && i.word(3) == 0 => {
                out.extend_from_slice(i.words);
                // The barrier's operands, declared once after their type.
                if let (Some(b), false) = (&barrier, barrier_declared) {
                    barrier_declared = true;
                    for (id, value) in b.constants {
                        push_inst(&mut out, op::CONSTANT, &[i.word(1), id, value]);
                    }
                }
            }
            op::CONTROL_BARRIER if barrier.is_some() => {
                let mut operands = i.operands().to_vec();
                if let (Some(b), Some(ops)) = (&barrier, operands.get_mut(1..3)) {
                    ops.copy_from_slice(&b.constants.map(|(id, _)| id));
                }
                push_inst(&mut out, i.op, &operands);
            }
            _ => out.extend_from_slice(i.words),
        }
    }
    if declared.len() != needed.len() {
        return Err(malformed("a pointee without a private pointer type"));
    }
    if barrier.is_some() && !barrier_declared {
        return Err(malformed(
            "a barrier without a 32-bit unsigned integer type",
        ));
    }
    if let Some(b) = out.get_mut(3) {
        *b = bound;
    }
    Ok(out)
}

/// New `u32` constants for the memory scope and semantics of the module's
/// control barriers.
struct BarrierConstants {
    /// (id, value) of the memory scope and of the semantics.
    constants: [(u32, u32); 2],
}

/// Ids for the barrier constants of `values` (`None` when the module has
/// no control barrier or `values` is `None`).
fn barrier_constants(
    list: &[crate::spirv_words::Inst<'_>],
    values: Option<[u32; 2]>,
    bound: &mut u32,
) -> Result<Option<BarrierConstants>, Error> {
    let Some([scope, semantics]) = values else {
        return Ok(None);
    };
    if !list.iter().any(|i| i.op == op::CONTROL_BARRIER) {
        return Ok(None);
    }
    let first = *bound;
    *bound = bound
        .checked_add(2)
        .ok_or_else(|| malformed("an id bound at its maximum"))?;
    Ok(Some(BarrierConstants {
        constants: [(first, scope), (first + 1, semantics)],
    }))
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
