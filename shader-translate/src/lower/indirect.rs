//! Memory instructions whose `BUFFER` or `IMAGE` operand is indexed by an
//! address register (`BUFFER[ADDR[0].x+1]`: GLSL arrays of storage blocks,
//! atomic counter buffers or images indexed by a variable). WGSL has no
//! arrays of these bindings, so the instruction is lowered once for each
//! declared register the index may name, under `if index == i`; the index
//! is clamped into the declared registers as other indirect registers are
//! (an out-of-range index is undefined in GL), and `dst` is zeroed first
//! for registers that are not declared.

use super::expr::Kind;
use super::{Frame, FrameKind, Lowerer, Value};
use crate::ast::{File, Index, Instruction, Opcode, Register};
use crate::error::Error;
use naga::{BinaryOperator, Block, Statement};

impl Lowerer<'_> {
    /// Lowers `inst`, whose resource operand `reg` is indexed by a
    /// register, with `lower` once per declared register of its file.
    pub(super) fn indirect_resource(
        &mut self,
        inst: &Instruction,
        reg: &Register,
        lower: fn(&mut Self, &Instruction) -> Result<(), Error>,
    ) -> Result<(), Error> {
        if reg.dimension.is_some() {
            return Err(Error::unsupported(
                format!("two-dimensional {} indexing", reg.file),
                reg.span,
            ));
        }
        let declared: Vec<u32> = match reg.file {
            File::Buffer => declared(self.memory.buffers.iter().map(Option::is_some)),
            File::Image => declared(self.images.iter().map(Option::is_some)),
            file => {
                return Err(Error::invalid(
                    format!("indirect {file} in a memory instruction"),
                    reg.span,
                ))
            }
        };
        if declared.is_empty() {
            return Err(Error::invalid(
                format!("indirect {} with none declared", reg.file),
                reg.span,
            ));
        }
        if inst.opcode != Opcode::Store && !inst.dst.is_empty() {
            let zero = self.u32c(0);
            let zeros = self.splat(zero);
            self.write(inst, Value::new(zeros, Kind::Uint))?;
        }
        self.per_register(inst, reg, &declared, |l, i| {
            lower(l, &with_direct_resource(inst, i))
        })
    }

    /// Lowers `inst` with `lower` once for each of the `declared`
    /// registers (in increasing order) that `reg`'s address register may
    /// name, under `if index == i`; the index is clamped into them.
    fn per_register(
        &mut self,
        inst: &Instruction,
        reg: &Register,
        declared: &[u32],
        mut lower: impl FnMut(&mut Self, u32) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let (Some(&first), Some(&last)) = (declared.first(), declared.last()) else {
            return Err(Error::invalid(
                format!("indirect {} with none declared", reg.file),
                reg.span,
            ));
        };
        let index = self.index(reg, first, last - first + 1)?;
        for &i in declared {
            let relative = i32::try_from(i - first).unwrap_or(i32::MAX);
            let k = self.i32c(relative);
            let condition = self.binary(BinaryOperator::Equal, index, k);
            self.flush();
            self.frames.push(Frame::new(FrameKind::If {
                condition,
                accept: None,
                span: inst.span,
            }));
            lower(self, i)?;
            self.flush();
            let accept = self.frames.pop().map(|f| f.block).unwrap_or_default();
            self.stmt(Statement::If {
                condition,
                accept,
                reject: Block::new(),
            });
        }
        Ok(())
    }
}

/// The indices whose registers are declared.
pub(super) fn declared(slots: impl Iterator<Item = bool>) -> Vec<u32> {
    (0u32..)
        .zip(slots)
        .filter_map(|(i, used)| used.then_some(i))
        .collect()
}

/// `inst` with its resource operand naming register `index` directly.
fn with_direct_resource(inst: &Instruction, index: u32) -> Instruction {
    let mut direct = inst.clone();
    let reg = match inst.opcode {
        Opcode::Store => direct.dst.first_mut().map(|d| &mut d.reg),
        _ => direct.src.first_mut().map(|s| &mut s.reg),
    };
    if let Some(r) = reg {
        r.index = Index::Direct(index);
    }
    direct
}

/// Which operand of an instruction: a destination or a source, by place.
#[derive(Clone, Copy)]
pub(super) enum Operand {
    Dst(usize),
    Src(usize),
}

/// The first `IN` or `OUT` operand of `inst` whose register (not vertex)
/// index comes from an address register.
pub(super) fn indirect_io_operand(inst: &Instruction) -> Option<Operand> {
    let io = |r: &Register| {
        matches!(r.file, File::Input | File::Output) && matches!(r.index, Index::Indirect { .. })
    };
    let dst = inst.dst.iter().position(|d| io(&d.reg)).map(Operand::Dst);
    dst.or_else(|| inst.src.iter().position(|s| io(&s.reg)).map(Operand::Src))
}

impl Lowerer<'_> {
    /// Lowers `inst`, whose operand `at` names a tessellation stage's
    /// `IN` or `OUT` register through an address register (GLSL arrays of
    /// varyings indexed by a variable; each register is a variable of its
    /// own here), once per declared register of the same kind under
    /// `if index == i`, the index clamped into them as other indirect
    /// registers are.
    pub(super) fn indirect_io(&mut self, inst: &Instruction, at: Operand) -> Result<(), Error> {
        let reg = match at {
            Operand::Dst(i) => inst.dst.get(i).map(|d| d.reg),
            Operand::Src(i) => inst.src.get(i).map(|s| s.reg),
        }
        .ok_or_else(|| Error::invalid("missing operand", inst.span))?;
        let declared = self.io_registers(&reg);
        self.per_register(inst, &reg, &declared, |l, i| {
            let mut direct = inst.clone();
            let slot = match at {
                Operand::Dst(n) => direct.dst.get_mut(n).map(|d| &mut d.reg),
                Operand::Src(n) => direct.src.get_mut(n).map(|s| &mut s.reg),
            };
            if let Some(r) = slot {
                r.index = Index::Direct(i);
            }
            // Another indirect operand is split inside this branch.
            l.instruction(&direct)
        })
    }
}
