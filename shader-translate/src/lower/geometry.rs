//! Geometry shaders (see [`crate::interface::Geometry`]): the properties,
//! per-vertex inputs (`IN[v][r]`) as private arrays, outputs as private
//! variables written at each `EMIT`, and `EMIT`/`ENDPRIM` as calls to the
//! two marker functions that the SPIR-V step turns into `OpEmitVertex` and
//! `OpEndPrimitive`.

use super::decl::{claim, grow, nth_semantic};
use super::expr::Kind;
use super::io::Source;
use super::{Lowerer, Value};
use crate::ast::{
    DeclKind, Declaration, File, Index, Instruction, Primitive, PropertyName, PropertyValue,
    Register, Semantic,
};
use crate::error::Error;
use crate::interface::{
    fragment_varying_locations, spirv_builtin, vertices_in, Geometry, StageLink, StageVariable,
    SystemValue, Usage, Varying,
};
use crate::limits;
use naga::{ArraySize, Binding, BuiltIn, Function, GlobalVariable, Handle, Statement, TypeInner};

/// Name of the function whose calls become `OpEmitVertex`.
pub const EMIT_VERTEX: &str = "pv3d_emit_vertex";
/// Name of the function whose calls become `OpEndPrimitive`.
pub const END_PRIMITIVE: &str = "pv3d_end_primitive";

/// A geometry shader's state during lowering.
pub(crate) struct Gs {
    input: Primitive,
    output: Primitive,
    max_vertices: u32,
    /// Per-vertex input arrays by `IN` register.
    inputs: Vec<Option<Handle<GlobalVariable>>>,
    /// Output variables and what `EMIT` writes to each: the result
    /// members in order, then the layer.
    outputs: Vec<(Source, Handle<GlobalVariable>)>,
    emit: Handle<Function>,
    end_primitive: Handle<Function>,
    variables: Vec<StageVariable>,
}

impl Lowerer<'_> {
    /// Reads the `GS_*` properties and makes the marker functions.
    pub(crate) fn geometry_properties(&mut self) -> Result<(), Error> {
        let (mut input, mut output, mut max_vertices) = (None, None, None);
        for p in &self.program.properties {
            match (p.name, p.value) {
                (PropertyName::GsInputPrimitive, PropertyValue::Primitive(v)) => input = Some(v),
                (PropertyName::GsOutputPrimitive, PropertyValue::Primitive(v)) => output = Some(v),
                (PropertyName::GsMaxOutputVertices, PropertyValue::Uint(v)) => {
                    max_vertices = Some(v)
                }
                (PropertyName::GsInvocations, PropertyValue::Uint(v)) if v > 1 => {
                    return Err(Error::unsupported(
                        "geometry shader invocations (GS_INVOCATIONS above 1)",
                        p.span,
                    ))
                }
                (
                    PropertyName::GsInputPrimitive
                    | PropertyName::GsOutputPrimitive
                    | PropertyName::GsMaxOutputVertices,
                    _,
                ) => return Err(Error::invalid("malformed geometry shader property", p.span)),
                _ => {}
            }
        }
        let span = self.program.header_span;
        let input = input.filter(|&p| vertices_in(p) > 0).ok_or_else(|| {
            Error::invalid("GS_INPUT_PRIMITIVE missing or not an input kind", span)
        })?;
        let output = output
            .filter(|p| {
                matches!(
                    p,
                    Primitive::Points | Primitive::LineStrip | Primitive::TriangleStrip
                )
            })
            .ok_or_else(|| {
                Error::invalid("GS_OUTPUT_PRIMITIVE missing or not an output kind", span)
            })?;
        let max_vertices = max_vertices.unwrap_or(0);
        if max_vertices == 0 || max_vertices > limits::MAX_GEOMETRY_VERTICES {
            return Err(Error::too_large(
                "GS_MAX_OUTPUT_VERTICES",
                u64::from(max_vertices),
                u64::from(limits::MAX_GEOMETRY_VERTICES),
                span,
            ));
        }
        let mut marker = |name: &str| {
            self.module.functions.append(
                Function {
                    name: Some(name.to_owned()),
                    ..Function::default()
                },
                span,
            )
        };
        let (emit, end_primitive) = (marker(EMIT_VERTEX), marker(END_PRIMITIVE));
        self.gs = Some(Gs {
            input,
            output,
            max_vertices,
            inputs: Vec::new(),
            outputs: Vec::new(),
            emit,
            end_primitive,
            variables: Vec::new(),
        });
        Ok(())
    }

    /// GS: chooses the locations of all inputs, before any is declared
    /// (as for a fragment shader's varyings; a vertex shader linked to
    /// this one writes each where it is read).
    pub(crate) fn plan_geometry_inputs(&mut self) {
        let mut ids = Vec::new();
        for decl in &self.program.declarations {
            let (
                File::Input,
                DeclKind::Input {
                    semantic: Some(base),
                    ..
                },
            ) = (decl.file, decl.kind)
            else {
                continue;
            };
            if decl.range.last >= limits::MAX_IO_REGS {
                continue;
            }
            for register in decl.range.first..=decl.range.last {
                let id = nth_semantic(base, decl, register);
                if id.name != Semantic::PrimId && !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        let locations = fragment_varying_locations(&ids);
        self.io.planned_locations = ids.into_iter().zip(locations).collect();
    }

    /// GS `DCL IN[][r]`: one private array per register, a value per input
    /// vertex.
    pub(crate) fn declare_geometry_inputs(&mut self, decl: &Declaration) -> Result<(), Error> {
        let DeclKind::Input {
            semantic: Some(base),
            ..
        } = decl.kind
        else {
            return Err(Error::invalid(
                "a geometry shader input needs a semantic",
                decl.span,
            ));
        };
        let Some(gs) = self.gs.as_mut() else {
            return Err(Error::invalid("geometry input outside a GS", decl.span));
        };
        grow(
            &mut gs.inputs,
            decl.range.last,
            limits::MAX_IO_REGS,
            "IN registers",
            decl.span,
        )?;
        let count =
            core::num::NonZeroU32::new(vertices_in(gs.input)).unwrap_or(core::num::NonZeroU32::MIN);
        let vec4 = self.vec4_ty(Kind::Float);
        let ty = self.ty(TypeInner::Array {
            base: vec4,
            size: ArraySize::Constant(count),
            stride: 16,
        });
        for register in decl.range.first..=decl.range.last {
            let id = nth_semantic(base, decl, register);
            if id.name == Semantic::PrimId {
                // `gl_PrimitiveIDIn`: one per primitive, read as `IN[r]`.
                grow(
                    &mut self.regs.inputs,
                    register,
                    limits::MAX_IO_REGS,
                    "IN registers",
                    decl.span,
                )?;
                let value = self.geometry_primitive_id()?;
                claim(&mut self.regs.inputs, register, value, decl.file, decl.span)?;
                self.interface.system_values.push(SystemValue {
                    register,
                    semantic: Semantic::PrimId,
                    builtin: BuiltIn::PrimitiveIndex,
                });
                continue;
            }
            let location = self
                .io
                .planned_locations
                .iter()
                .find_map(|&(planned, location)| (planned == id).then_some(location))
                .ok_or_else(|| Error::invalid("geometry shader input not planned", decl.span))?;
            let name = format!("pv3d_in{register}");
            let var = self.private(name.clone(), ty, None);
            let gs = self
                .gs
                .as_mut()
                .ok_or_else(|| Error::invalid("geometry input outside a GS", decl.span))?;
            claim(&mut gs.inputs, register, var, decl.file, decl.span)?;
            gs.variables.push(StageVariable {
                name,
                output: false,
                link: StageLink::Location(location),
            });
            self.interface.inputs.push(Varying {
                register,
                semantic: Some(id),
                usage: Usage::Location {
                    location,
                    interpolation: None,
                    sampling: None,
                },
            });
        }
        Ok(())
    }

    /// `IN[v][r]` of a geometry shader: register `r` of input vertex `v`
    /// (indirect vertex indices are clamped to the primitive's vertices).
    pub(crate) fn geometry_input(&mut self, reg: &Register) -> Result<Value, Error> {
        let (Some(vertex), Index::Direct(register)) = (reg.dimension, reg.index) else {
            if let (None, Index::Direct(register)) = (reg.dimension, reg.index) {
                // A per-primitive input (`gl_PrimitiveIDIn`).
                return self
                    .regs
                    .inputs
                    .get(register as usize)
                    .copied()
                    .flatten()
                    .ok_or_else(|| {
                        Error::invalid(format!("IN[{register}] is not declared"), reg.span)
                    });
            }
            return Err(Error::unsupported(
                "geometry shader inputs without a vertex index, or with an indirect register",
                reg.span,
            ));
        };
        let (var, count) = match &self.gs {
            Some(gs) => (
                gs.inputs.get(register as usize).copied().flatten(),
                vertices_in(gs.input),
            ),
            None => (None, 0),
        };
        let var = var
            .ok_or_else(|| Error::invalid(format!("IN[][{register}] is not declared"), reg.span))?;
        let base = self.global_ptr(var);
        let ptr = match vertex {
            Index::Direct(v) if v < count => {
                self.expr(naga::Expression::AccessIndex { base, index: v })
            }
            Index::Direct(v) => {
                return Err(Error::invalid(
                    format!("input vertex {v} of a primitive of {count}"),
                    reg.span,
                ))
            }
            indirect @ Index::Indirect { .. } => {
                let index = self.index(
                    &Register {
                        index: indirect,
                        ..*reg
                    },
                    0,
                    count,
                )?;
                self.access(base, index)
            }
        };
        Ok(Value::new(self.load(ptr), Kind::Float))
    }

    /// A geometry shader's scalar built-in input (`SV` `PRIM_ID`), as a
    /// private `u32` splatted to all lanes.
    pub(crate) fn geometry_primitive_id(&mut self) -> Result<Value, Error> {
        let name = "pv3d_primitive_id".to_owned();
        let u32_ty = self.scalar_ty(Kind::Uint);
        let var = self.private(name.clone(), u32_ty, None);
        let gs = self
            .gs
            .as_mut()
            .ok_or_else(|| Error::invalid("geometry input outside a GS", self.span))?;
        gs.variables.push(StageVariable {
            name,
            output: false,
            link: StageLink::BuiltIn(spirv_builtin::PRIMITIVE_ID),
        });
        let ptr = self.global_ptr(var);
        let id = self.load(ptr);
        Ok(Value::new(self.splat(id), Kind::Uint))
    }

    /// GS result members → one private output variable each.
    pub(crate) fn geometry_outputs(&mut self) -> Result<(), Error> {
        let members = self.io.members.clone();
        let mut outputs = Vec::with_capacity(members.len());
        let mut variables = Vec::with_capacity(members.len());
        for (i, m) in members.into_iter().enumerate() {
            let ty = self.member_type(&m);
            let link = match m.binding {
                Binding::BuiltIn(BuiltIn::Position { .. }) => {
                    StageLink::BuiltIn(spirv_builtin::POSITION)
                }
                Binding::BuiltIn(BuiltIn::PointSize) => {
                    StageLink::BuiltIn(spirv_builtin::POINT_SIZE)
                }
                Binding::BuiltIn(BuiltIn::ClipDistances) => {
                    StageLink::BuiltIn(spirv_builtin::CLIP_DISTANCE)
                }
                Binding::BuiltIn(BuiltIn::PrimitiveIndex) => {
                    StageLink::BuiltIn(spirv_builtin::PRIMITIVE_ID)
                }
                Binding::Location { location, .. } => StageLink::Location(location),
                Binding::BuiltIn(_) => {
                    return Err(Error::unsupported(
                        "a geometry shader built-in output",
                        self.program.header_span,
                    ))
                }
            };
            let name = format!("pv3d_out{i}");
            let var = self.private(name.clone(), ty, None);
            variables.push(StageVariable {
                name,
                output: true,
                link,
            });
            outputs.push((m.source, var));
        }
        if let Some(register) = self.io.layer {
            let name = "pv3d_layer".to_owned();
            let ty = self.scalar_ty(Kind::Uint);
            let var = self.private(name.clone(), ty, None);
            variables.push(StageVariable {
                name,
                output: true,
                link: StageLink::BuiltIn(spirv_builtin::LAYER),
            });
            outputs.push((Source::UintX(register), var));
        }
        let gs = self.gs.as_mut().ok_or_else(|| {
            Error::invalid("geometry output outside a GS", self.program.header_span)
        })?;
        gs.outputs = outputs;
        gs.variables.extend(variables);
        Ok(())
    }

    /// `EMIT` (writes every output, then emits the vertex) and `ENDPRIM`,
    /// on stream 0.
    pub(crate) fn geometry_instruction(&mut self, inst: &Instruction) -> Result<(), Error> {
        let Some(gs) = &self.gs else {
            return Err(Error::invalid(
                format!("{} outside a geometry shader", inst.opcode),
                inst.opcode_span,
            ));
        };
        let (outputs, emit, end) = (gs.outputs.clone(), gs.emit, gs.end_primitive);
        let stream = inst
            .src
            .first()
            .map(|s| (s.reg.file, s.reg.index, s.swizzle));
        let stream_zero = match stream {
            Some((File::Immediate, Index::Direct(i), swizzle)) => {
                let lanes = self.program.immediates.get(i as usize).map(|m| m.lanes);
                lanes.and_then(|l| l.get(swizzle[0].lane() as usize).copied()) == Some(0)
            }
            _ => false,
        };
        if !stream_zero {
            return Err(Error::unsupported(
                "vertex streams other than 0 (GL 4.0)",
                inst.span,
            ));
        }
        let function = if inst.opcode == crate::ast::Opcode::Emit {
            for (source, var) in outputs {
                let value = self.member_value(source);
                let ptr = self.global_ptr(var);
                self.store(ptr, value);
            }
            emit
        } else {
            end
        };
        self.stmt(Statement::Call {
            function,
            arguments: Vec::new(),
            result: None,
        });
        Ok(())
    }

    /// What the SPIR-V step needs, once lowering is done.
    pub(crate) fn geometry_interface(&mut self) -> Option<Geometry> {
        self.gs.take().map(|gs| Geometry {
            input: gs.input,
            output: gs.output,
            max_vertices: gs.max_vertices,
            variables: gs.variables,
        })
    }
}
