//! Geometry shaders (see [`crate::interface::Geometry`]): the properties,
//! and `EMIT`/`ENDPRIM` as calls to the two marker functions that the
//! SPIR-V step turns into `OpEmitVertex` and `OpEndPrimitive`; `EMIT`
//! writes the output variables first. Inputs (`IN[v][r]`, private arrays)
//! and outputs (private variables) are `stage_vars`'.

use super::Lowerer;
use crate::ast::{File, Index, Instruction, Primitive, PropertyName, PropertyValue};
use crate::error::Error;
use crate::interface::{vertices_in, Geometry};
use crate::limits;
use naga::{Function, Handle, Statement};

/// Name of the function whose calls become `OpEmitVertex`.
pub const EMIT_VERTEX: &str = "pv3d_emit_vertex";
/// Name of the function whose calls become `OpEndPrimitive`.
pub const END_PRIMITIVE: &str = "pv3d_end_primitive";

/// A geometry shader's state during lowering.
pub(crate) struct Gs {
    input: Primitive,
    output: Primitive,
    max_vertices: u32,
    emit: Handle<Function>,
    end_primitive: Handle<Function>,
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
            emit,
            end_primitive,
        });
        self.staged.vertices_in = vertices_in(input);
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
        let (emit, end) = (gs.emit, gs.end_primitive);
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
            self.store_stage_outputs();
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
            variables: core::mem::take(&mut self.staged.variables),
        })
    }
}
