//! Tessellation control and evaluation shaders (see
//! [`crate::interface::Tessellation`]): the properties, the system values,
//! a TES's per-patch inputs, and a TCS's outputs.
//!
//! A TCS's outputs are private variables its instructions read and write
//! directly (one invocation's writes are visible to the others, as GL's
//! are): per-vertex ones (`OUT[v][r]`) arrays of `TCS_VERTICES_OUT`
//! elements, per-patch ones (`PATCH`) `vec4`s, the tessellation levels
//! arrays of 4 (`TESSOUTER`) and 2 (`TESSINNER`) floats. A TES's outputs
//! are a vertex shader's, written at the end of the shader.

use super::decl::{claim, grow};
use super::expr::Kind;
use super::indirect::declared;
use super::stage_vars::stage_semantic;
use super::{Lowerer, Value};
use crate::ast::{
    DeclKind, Declaration, Dst, File, Index, PropertyName, PropertyValue, Register, Semantic,
    SemanticId, Stage,
};
use crate::error::Error;
use crate::interface::{
    spirv_builtin, StageLink, StageVariable, TessDomain, TessSpacing, Tessellation,
    TessellationKind, Usage, Varying,
};
use crate::limits;
use naga::{ArraySize, Expression, GlobalVariable, Handle, TypeInner, VectorSize};

/// A tessellation shader's state during lowering.
pub(crate) struct Tess {
    kind: TessellationKind,
    /// TCS: the output registers.
    outputs: Vec<Option<TcsOutput>>,
    /// TCS: the location the next per-vertex output the linked
    /// evaluation shader does not read gets (past every one it reads).
    spare_location: Option<u32>,
    /// TCS: the same for per-patch outputs.
    spare_patch_location: Option<u32>,
}

/// Where a TCS output register lives.
#[derive(Clone, Copy, Debug)]
enum TcsOutput {
    /// One `vec4` per output vertex: `OUT[v][r]`.
    PerVertex(Handle<GlobalVariable>),
    /// One `vec4` per patch.
    Patch(Handle<GlobalVariable>),
    /// A tessellation level array of `len` floats, the register's first
    /// `len` lanes.
    Level {
        var: Handle<GlobalVariable>,
        len: u32,
    },
}

/// What a TCS output register reference points to.
enum TcsTarget {
    /// A `vec4`.
    Vec4(Handle<Expression>),
    /// A tessellation level array of `len` floats.
    Level { base: Handle<Expression>, len: u32 },
}

/// The number a property gives, or an error naming it.
fn uint_property(value: PropertyValue, name: PropertyName, span: naga::Span) -> Result<u32, Error> {
    match value {
        PropertyValue::Uint(v) => Ok(v),
        _ => Err(Error::invalid(
            format!("malformed {} property", name.name()),
            span,
        )),
    }
}

/// A 0/1 property as a flag.
fn flag_property(
    value: PropertyValue,
    name: PropertyName,
    span: naga::Span,
) -> Result<bool, Error> {
    match uint_property(value, name, span)? {
        0 => Ok(false),
        1 => Ok(true),
        v => Err(Error::invalid(format!("{} {v}", name.name()), span)),
    }
}

impl Lowerer<'_> {
    /// Reads the `TCS_*` or `TES_*` properties.
    pub(crate) fn tessellation_properties(&mut self) -> Result<(), Error> {
        let span = self.program.header_span;
        let (mut vertices_out, mut domain) = (None, None);
        let (mut spacing, mut clockwise, mut point_mode) = (TessSpacing::Equal, false, false);
        for p in &self.program.properties {
            match p.name {
                PropertyName::TcsVerticesOut => {
                    vertices_out = Some(uint_property(p.value, p.name, p.span)?);
                }
                PropertyName::TesPrimMode => {
                    domain = Some(match uint_property(p.value, p.name, p.span)? {
                        4 => TessDomain::Triangles,
                        7 => TessDomain::Quads,
                        1 => TessDomain::Isolines,
                        v => {
                            return Err(Error::invalid(
                                format!("TES_PRIM_MODE {v} (not triangles, quads or isolines)"),
                                p.span,
                            ))
                        }
                    });
                }
                PropertyName::TesSpacing => {
                    spacing = match uint_property(p.value, p.name, p.span)? {
                        0 => TessSpacing::FractionalOdd,
                        1 => TessSpacing::FractionalEven,
                        2 => TessSpacing::Equal,
                        v => return Err(Error::invalid(format!("TES_SPACING {v}"), p.span)),
                    };
                }
                PropertyName::TesVertexOrderCw => {
                    clockwise = flag_property(p.value, p.name, p.span)?;
                }
                PropertyName::TesPointMode => {
                    point_mode = flag_property(p.value, p.name, p.span)?;
                }
                _ => {}
            }
        }
        let kind = if self.stage == Stage::TessCtrl {
            let vertices_out = vertices_out
                .filter(|&v| v > 0)
                .ok_or_else(|| Error::invalid("TCS_VERTICES_OUT missing or 0", span))?;
            if vertices_out > limits::MAX_PATCH_VERTICES {
                return Err(Error::too_large(
                    "TCS_VERTICES_OUT",
                    u64::from(vertices_out),
                    u64::from(limits::MAX_PATCH_VERTICES),
                    span,
                ));
            }
            TessellationKind::Control { vertices_out }
        } else {
            let domain = domain.ok_or_else(|| Error::invalid("TES_PRIM_MODE is missing", span))?;
            TessellationKind::Evaluation {
                domain,
                spacing,
                clockwise,
                point_mode,
            }
        };
        self.staged.vertices_in = limits::MAX_PATCH_VERTICES;
        self.tess = Some(Tess {
            kind,
            outputs: Vec::new(),
            spare_location: None,
            spare_patch_location: None,
        });
        Ok(())
    }

    /// A TES's per-patch input `IN[r]`: `PATCH[k]`, a private `vec4` at
    /// its planned per-patch location; or a tessellation level.
    pub(crate) fn patch_input(
        &mut self,
        register: u32,
        id: SemanticId,
        span: naga::Span,
    ) -> Result<Value, Error> {
        if self.stage != Stage::TessEval {
            return Err(Error::invalid(
                format!("{}[{}] input in a {} shader", id.name, id.index, self.stage),
                span,
            ));
        }
        if id.name != Semantic::Patch {
            return self.tess_level_value(id.name, span);
        }
        if self.interface.inputs.iter().any(|v| v.semantic == Some(id)) {
            return Err(Error::invalid(
                format!("two inputs with semantic PATCH[{}]", id.index),
                span,
            ));
        }
        let location = self
            .io
            .planned_locations
            .iter()
            .find_map(|&(planned, location)| (planned == id).then_some(location))
            .ok_or_else(|| Error::invalid("input not planned", span))?;
        let vec4 = self.vec4_ty(Kind::Float);
        let name = format!("pv3d_patch_in{register}");
        let var = self.private(name.clone(), vec4, None);
        self.list_input(name, register, id, location, true);
        let ptr = self.global_ptr(var);
        Ok(Value::new(self.load(ptr), Kind::Float))
    }

    /// `DCL SV` of a tessellation shader.
    pub(crate) fn tessellation_system_value(
        &mut self,
        register: u32,
        name: Semantic,
        span: naga::Span,
    ) -> Result<Value, Error> {
        let tcs = self.stage == Stage::TessCtrl;
        let id = match name {
            Semantic::PrimId => return Ok(self.primitive_id_value(register)),
            Semantic::InvocationId if tcs => spirv_builtin::INVOCATION_ID,
            Semantic::VerticesIn => spirv_builtin::PATCH_VERTICES,
            Semantic::TessCoord if !tcs => {
                let vec3 = self.vec_ty(VectorSize::Tri, Kind::Float);
                let var = self.builtin_var(spirv_builtin::TESS_COORD, vec3, false);
                let ptr = self.global_ptr(var);
                let coord = self.load(ptr);
                let [x, y, z] = [0, 1, 2].map(|i| self.lane(coord, i));
                let zero = self.f32c(0.0);
                return Ok(Value::new(
                    self.compose4(Kind::Float, [x, y, z, zero]),
                    Kind::Float,
                ));
            }
            Semantic::TessOuter | Semantic::TessInner if !tcs => {
                return self.tess_level_value(name, span)
            }
            _ => {
                return Err(Error::unsupported(
                    format!("system value {name} in a {} shader", self.stage),
                    span,
                ))
            }
        };
        let value = self.builtin_input(id, Kind::Uint);
        Ok(Value::new(self.splat(value), Kind::Uint))
    }

    /// The private array of tessellation level `name` (`TESSOUTER`: 4
    /// floats, `TESSINNER`: 2), an input or (TCS) an output: the variable
    /// and its length. An output is declared once.
    fn tess_level_var(
        &mut self,
        name: Semantic,
        output: bool,
        span: naga::Span,
    ) -> Result<(Handle<GlobalVariable>, u32), Error> {
        let (builtin, len) = if name == Semantic::TessOuter {
            (spirv_builtin::TESS_LEVEL_OUTER, 4)
        } else {
            (spirv_builtin::TESS_LEVEL_INNER, 2)
        };
        let f32_ty = self.scalar_ty(Kind::Float);
        let ty = self.ty(TypeInner::Array {
            base: f32_ty,
            size: ArraySize::Constant(
                core::num::NonZeroU32::new(len).unwrap_or(core::num::NonZeroU32::MIN),
            ),
            stride: 4,
        });
        if output && self.has_builtin(builtin) {
            return Err(Error::invalid(
                format!("two outputs with semantic {name}"),
                span,
            ));
        }
        let var = self.builtin_var(builtin, ty, output);
        Ok((var, len))
    }

    /// A TES's tessellation level input, as `vec4` (lanes past the
    /// array's 0).
    fn tess_level_value(&mut self, name: Semantic, span: naga::Span) -> Result<Value, Error> {
        if !matches!(name, Semantic::TessOuter | Semantic::TessInner) {
            return Err(Error::invalid(format!("{name} is not a level"), span));
        }
        let (var, len) = self.tess_level_var(name, false, span)?;
        let base = self.global_ptr(var);
        Ok(self.level_value(base, len))
    }

    /// The `vec4` of the `len` floats `base` points to, 0 past them.
    fn level_value(&mut self, base: Handle<Expression>, len: u32) -> Value {
        let lanes = [0u32, 1, 2, 3].map(|i| {
            if i < len {
                let p = self.lane(base, i);
                self.load(p)
            } else {
                self.f32c(0.0)
            }
        });
        Value::new(self.compose4(Kind::Float, lanes), Kind::Float)
    }

    /// `DCL OUT` of a TCS: per-vertex outputs linked by the next stage's
    /// inputs (private when it does not read them), per-patch ones and the
    /// tessellation levels.
    pub(crate) fn declare_tcs_outputs(&mut self, decl: &Declaration) -> Result<(), Error> {
        let DeclKind::Output {
            semantic: Some(base),
            ..
        } = decl.kind
        else {
            return Err(Error::invalid("an output needs a semantic", decl.span));
        };
        let Some(TessellationKind::Control { vertices_out }) = self.tess.as_ref().map(|t| t.kind)
        else {
            return Err(Error::invalid("TCS output outside a TCS", decl.span));
        };
        let mut outputs = self.tess.as_mut().map(|t| core::mem::take(&mut t.outputs));
        let outputs = outputs.get_or_insert_with(Vec::new);
        grow(
            outputs,
            decl.range.last,
            limits::MAX_IO_REGS,
            "OUT registers",
            decl.span,
        )?;
        let vec4 = self.vec4_ty(Kind::Float);
        for register in decl.range.first..=decl.range.last {
            let id = stage_semantic(self.stage, base, decl, register);
            if self
                .interface
                .outputs
                .iter()
                .any(|v| v.semantic == Some(id))
            {
                return Err(Error::invalid(
                    format!("two outputs with semantic {}[{}]", id.name, id.index),
                    decl.span,
                ));
            }
            let (output, name, link) = match id.name {
                Semantic::TessOuter | Semantic::TessInner if id.index == 0 => {
                    let (var, len) = self.tess_level_var(id.name, true, decl.span)?;
                    claim(
                        outputs,
                        register,
                        TcsOutput::Level { var, len },
                        decl.file,
                        decl.span,
                    )?;
                    continue;
                }
                Semantic::TessOuter | Semantic::TessInner => {
                    return Err(Error::invalid(
                        format!("{}[{}]", id.name, id.index),
                        decl.span,
                    ))
                }
                Semantic::Patch => {
                    // Unlinked: the patch index (patch locations are a
                    // space of their own).
                    let link = if self.options.next_stage_inputs.is_empty() {
                        Some(id.index)
                    } else {
                        self.linked_location(id)
                            .or_else(|| self.spare_location(true))
                    };
                    let name = format!("pv3d_patch_out{register}");
                    let var = self.private(name.clone(), vec4, None);
                    (
                        TcsOutput::Patch(var),
                        name,
                        link.map(StageLink::PatchLocation),
                    )
                }
                _ => {
                    let size = core::num::NonZeroU32::new(vertices_out)
                        .unwrap_or(core::num::NonZeroU32::MIN);
                    let ty = self.ty(TypeInner::Array {
                        base: vec4,
                        size: ArraySize::Constant(size),
                        stride: 16,
                    });
                    let name = format!("pv3d_out{register}");
                    let var = self.private(name.clone(), ty, None);
                    let link = self
                        .output_location(id)
                        .or_else(|| self.spare_location(false))
                        .map(StageLink::Location);
                    (TcsOutput::PerVertex(var), name, link)
                }
            };
            claim(outputs, register, output, decl.file, decl.span)?;
            let usage = match link {
                Some(StageLink::Location(location) | StageLink::PatchLocation(location)) => {
                    Usage::Location {
                        location,
                        interpolation: None,
                        sampling: None,
                    }
                }
                _ => Usage::Dropped,
            };
            if let Some(link) = link {
                self.staged.variables.push(StageVariable {
                    name,
                    output: true,
                    link,
                });
            }
            self.interface.outputs.push(Varying {
                register,
                semantic: Some(id),
                usage,
            });
        }
        if let Some(t) = self.tess.as_mut() {
            t.outputs = core::mem::take(outputs);
        }
        Ok(())
    }

    /// A location for a TCS output the linked evaluation shader does not
    /// read (per patch when `patch`): it must still be a stage output, as
    /// other invocations of the patch may read it (after a barrier). Past
    /// every location of its kind the evaluation shader reads (per-patch
    /// and per-vertex locations are two spaces); `None` past the 32
    /// locations of a space.
    fn spare_location(&mut self, patch: bool) -> Option<u32> {
        let first = self
            .options
            .next_stage_inputs
            .iter()
            .filter(|v| v.semantic.is_some_and(|s| s.name == Semantic::Patch) == patch)
            .filter_map(|v| match v.usage {
                Usage::Location { location, .. } => Some(location + 1),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        let tess = self.tess.as_mut()?;
        let next = if patch {
            &mut tess.spare_patch_location
        } else {
            &mut tess.spare_location
        };
        let location = *next.get_or_insert(first);
        if location >= limits::MAX_LOCATIONS {
            return None;
        }
        *next = Some(location + 1);
        Some(location)
    }

    /// The declared registers an indirectly indexed `IN` or `OUT` register
    /// `reg` of a tessellation stage may name: per-vertex ones when it has
    /// a vertex index, per-patch ones when not (levels are never indexed).
    pub(crate) fn io_registers(&self, reg: &Register) -> Vec<u32> {
        let per_vertex = reg.dimension.is_some();
        match reg.file {
            File::Input if per_vertex => declared(self.staged.inputs.iter().map(Option::is_some)),
            File::Input => declared(self.regs.inputs.iter().map(Option::is_some)),
            File::Output => {
                let outputs = self.tess.as_ref().map_or(&[][..], |t| &t.outputs[..]);
                declared(outputs.iter().map(|o| match o {
                    Some(TcsOutput::PerVertex(_)) => per_vertex,
                    Some(TcsOutput::Patch(_)) => !per_vertex,
                    _ => false,
                }))
            }
            _ => Vec::new(),
        }
    }

    /// The TCS output `reg` names.
    fn tcs_output(&self, reg: &Register) -> Result<TcsOutput, Error> {
        let Index::Direct(register) = reg.index else {
            return Err(Error::unsupported(
                "indirect addressing of TCS output registers",
                reg.span,
            ));
        };
        self.tess
            .as_ref()
            .and_then(|t| t.outputs.get(register as usize).copied().flatten())
            .ok_or_else(|| Error::invalid(format!("OUT[{register}] is not declared"), reg.span))
    }

    /// What TCS output register `reg` (`OUT[v][r]` or `OUT[r]`) is.
    fn tcs_target(&mut self, reg: &Register) -> Result<TcsTarget, Error> {
        let output = self.tcs_output(reg)?;
        match (output, reg.dimension) {
            (TcsOutput::PerVertex(var), Some(vertex)) => {
                let count = match self.tess.as_ref().map(|t| t.kind) {
                    Some(TessellationKind::Control { vertices_out }) => vertices_out,
                    _ => 0,
                };
                let base = self.global_ptr(var);
                Ok(TcsTarget::Vec4(
                    self.vertex_pointer(base, vertex, count, reg)?,
                ))
            }
            (TcsOutput::PerVertex(_), None) => Err(Error::invalid(
                "a per-vertex TCS output without a vertex index",
                reg.span,
            )),
            (TcsOutput::Patch(var), None) => Ok(TcsTarget::Vec4(self.global_ptr(var))),
            (TcsOutput::Level { var, len }, None) => Ok(TcsTarget::Level {
                base: self.global_ptr(var),
                len,
            }),
            (_, Some(_)) => Err(Error::invalid(
                "a per-patch TCS output with a vertex index",
                reg.span,
            )),
        }
    }

    /// Reads TCS output register `reg` (`OUT[v][r]` or `OUT[r]`).
    pub(crate) fn read_tcs_output(&mut self, reg: &Register) -> Result<Value, Error> {
        match self.tcs_target(reg)? {
            TcsTarget::Vec4(ptr) => Ok(Value::new(self.load(ptr), Kind::Float)),
            TcsTarget::Level { base, len } => Ok(self.level_value(base, len)),
        }
    }

    /// Writes the lanes of `value` that `dst`'s mask selects to TCS output
    /// register `dst` (lanes past a tessellation level array are dropped).
    pub(crate) fn write_tcs_output(&mut self, dst: &Dst, value: Value) -> Result<(), Error> {
        let v = self.coerce(value, Kind::Float);
        match self.tcs_target(&dst.reg)? {
            TcsTarget::Vec4(ptr) => self.store_lanes(ptr, v, dst.mask, None),
            TcsTarget::Level { base, len } => self.store_lanes(base, v, dst.mask, Some(len)),
        }
        Ok(())
    }

    /// What the SPIR-V step needs, once lowering is done.
    pub(crate) fn tessellation_interface(&mut self) -> Option<Tessellation> {
        self.tess.take().map(|t| Tessellation {
            kind: t.kind,
            variables: core::mem::take(&mut self.staged.variables),
        })
    }
}

/// Whether a TCS register is an output (they are lowered here).
pub(crate) fn is_tcs_output(stage: Stage, reg: &Register) -> bool {
    stage == Stage::TessCtrl && reg.file == File::Output
}
