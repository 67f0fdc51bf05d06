//! Texture buffers (`SVIEW[i], BUFFER`): `TXF` and `TXQ` on the `BUFFER`
//! target. The view's texels are a read-only storage buffer `array<u32>`
//! at the unit's texture binding, starting at the view's first element;
//! each fetch decodes one texel from its words in the unit's
//! [`TexelFormat`] ([`SamplerOptions::buffer`](crate::SamplerOptions::buffer)).
//! The element count is a driver uniform: `TXQ` returns it, and fetches
//! outside `0..count` return 0 (GL leaves them undefined; no word outside
//! the view is read).

use super::expr::Kind;
use super::{Lowerer, Value};
use crate::ast::{Instruction, Opcode as O, ReturnType};
use crate::error::Error;
use crate::interface::{texture_binding, TexelBufferBinding};
use crate::options::{TexelFormat, TexelKind};
use naga::{
    AddressSpace, BinaryOperator, Expression, GlobalVariable, Handle, MathFunction,
    ResourceBinding, TypeInner,
};

impl Lowerer<'_> {
    /// Lowers `TXF`/`TXQ` on a `BUFFER` target of `unit`.
    pub(crate) fn texel_buffer(&mut self, inst: &Instruction, unit: u32) -> Result<Value, Error> {
        match inst.opcode {
            O::Txf | O::TxfLz => self.texel_buffer_fetch(inst, unit),
            O::Txq => {
                self.texel_buffer_var(inst, unit)?;
                let size = self.texel_buffer_size(unit);
                let zero = self.u32c(0);
                Ok(Value::new(
                    self.compose4(Kind::Uint, [size, zero, zero, zero]),
                    Kind::Uint,
                ))
            }
            op => Err(Error::invalid(
                format!("{op} on a BUFFER target (only TXF and TXQ read texture buffers)"),
                inst.span,
            )),
        }
    }

    /// The texels of `unit` (`array<u32>`, created on first use).
    fn texel_buffer_var(
        &mut self,
        inst: &Instruction,
        unit: u32,
    ) -> Result<Handle<GlobalVariable>, Error> {
        if let Some(Some(var)) = self.units.buffers.get(unit as usize) {
            return Ok(*var);
        }
        if self.units.is_texture(unit) {
            return Err(Error::unsupported(
                format!("SAMP[{unit}] used as both a texture and BUFFER"),
                inst.span,
            ));
        }
        let word = self.scalar_ty(Kind::Uint);
        let ty = self.ty(TypeInner::Array {
            base: word,
            size: naga::ArraySize::Dynamic,
            stride: 4,
        });
        let var = self.module.global_variables.append(
            GlobalVariable {
                name: Some(format!("texels{unit}")),
                space: AddressSpace::Storage {
                    access: naga::StorageAccess::LOAD,
                },
                binding: Some(ResourceBinding {
                    group: self.group,
                    binding: texture_binding(unit),
                }),
                ty,
                init: None,
                memory_decorations: naga::MemoryDecorations::empty(),
            },
            self.span,
        );
        if let Some(slot) = self.units.buffers.get_mut(unit as usize) {
            *slot = Some(var);
        }
        Ok(var)
    }

    /// `TXF`: texel `src0.x` decoded, 0 outside the view.
    fn texel_buffer_fetch(&mut self, inst: &Instruction, unit: u32) -> Result<Value, Error> {
        let format = self
            .options
            .samplers
            .get(unit as usize)
            .and_then(|o| o.buffer)
            .unwrap_or(TexelFormat::RGBA32_FLOAT);
        let kind = match self.units.view_return_type(unit) {
            ReturnType::Sint => Kind::Sint,
            ReturnType::Uint => Kind::Uint,
            _ => Kind::Float,
        };
        let var = self.texel_buffer_var(inst, unit)?;
        let index = self.src_scalar(inst, 0, Kind::Sint, 0)?;
        let index = self.bitcast(index, Kind::Uint);
        let size = self.texel_buffer_size(unit);
        // A negative index is a large unsigned one: both are outside.
        let inside = self.binary(BinaryOperator::Less, index, size);
        let zero = self.u32c(0);
        let index = self.select(inside, index, zero);
        // Channels of 8 or 16 bits; any other size reads as 32.
        let channel_bytes = match format.bits {
            8 => 1,
            16 => 2,
            _ => 4,
        };
        let bytes = self.u32c(u32::from(format.channels.min(4)) * channel_bytes);
        let first = self.binary(BinaryOperator::Multiply, index, bytes);
        let array = self.global_ptr(var);
        let mut lanes = Vec::with_capacity(4);
        for c in 0..u32::from(format.channels.min(4)) {
            let offset = self.u32c(c * channel_bytes);
            let byte = self.binary(BinaryOperator::Add, first, offset);
            lanes.push(self.texel_channel(array, byte, format, kind));
        }
        for c in lanes.len()..4 {
            let fill = if c == 3 { 1 } else { 0 };
            lanes.push(match kind {
                Kind::Float => self.f32c(fill as f32),
                Kind::Sint => self.i32c(fill),
                Kind::Uint => self.u32c(fill as u32),
            });
        }
        let texel = self.compose(naga::VectorSize::Quad, kind, lanes);
        let zero = self.lane_literal(0, kind);
        let zero = self.splat(zero);
        Ok(Value::new(self.select(inside, texel, zero), kind))
    }

    /// The channel at byte `byte` of the texels, read as `kind`.
    fn texel_channel(
        &mut self,
        array: Handle<Expression>,
        byte: Handle<Expression>,
        format: TexelFormat,
        kind: Kind,
    ) -> Handle<Expression> {
        let two = self.u32c(2);
        let word_index = self.binary(BinaryOperator::ShiftRight, byte, two);
        let ptr = self.access(array, word_index);
        let word = self.load(ptr);
        // Channels of 8 or 16 bits; any other size reads as 32.
        let bits = match format.bits {
            8 => 8,
            16 => 16,
            _ => 32,
        };
        let raw = if bits >= 32 {
            word
        } else {
            let three = self.u32c(3);
            let lanes = self.binary(BinaryOperator::And, byte, three);
            let eight = self.u32c(8);
            let shift = self.binary(BinaryOperator::Multiply, lanes, eight);
            let shifted = self.binary(BinaryOperator::ShiftRight, word, shift);
            let mask = self.u32c((1u32 << bits) - 1);
            self.binary(BinaryOperator::And, shifted, mask)
        };
        // The channel as a signed value: its sign bit extended.
        let signed = |l: &mut Self| {
            let s = l.bitcast(raw, Kind::Sint);
            if bits >= 32 {
                return s;
            }
            let by = l.u32c(32 - bits);
            let up = l.binary(BinaryOperator::ShiftLeft, s, by);
            l.binary(BinaryOperator::ShiftRight, up, by)
        };
        let value = match format.kind {
            TexelKind::Uint => raw,
            TexelKind::Sint => signed(self),
            TexelKind::Float if bits >= 32 => self.bitcast(raw, Kind::Float),
            TexelKind::Float => {
                let halves = self.math(MathFunction::Unpack2x16float, &[raw]);
                self.lane(halves, 0)
            }
            TexelKind::Unorm => {
                let f = self.convert(raw, Kind::Float);
                let max = self.f32c(((1u64 << bits) - 1) as f32);
                self.binary(BinaryOperator::Divide, f, max)
            }
            TexelKind::Snorm => {
                let s = signed(self);
                let f = self.convert(s, Kind::Float);
                let max = self.f32c(((1u64 << (bits - 1)) - 1) as f32);
                let q = self.binary(BinaryOperator::Divide, f, max);
                let lowest = self.f32c(-1.0);
                self.math(MathFunction::Max, &[q, lowest])
            }
        };
        let value_kind = match format.kind {
            TexelKind::Uint => Kind::Uint,
            TexelKind::Sint => Kind::Sint,
            _ => Kind::Float,
        };
        if value_kind == kind {
            value
        } else {
            // A view whose declared return type differs from its format's:
            // the bits pass through, as GL leaves the results undefined.
            self.bitcast(value, kind)
        }
    }

    /// The texture buffer units the module reads.
    pub(crate) fn texel_buffer_bindings(&self) -> Vec<TexelBufferBinding> {
        (0u32..)
            .zip(self.units.buffers.iter())
            .filter(|(_, v)| v.is_some())
            .map(|(unit, _)| TexelBufferBinding {
                unit,
                binding: ResourceBinding {
                    group: self.group,
                    binding: texture_binding(unit),
                },
            })
            .collect()
    }
}
