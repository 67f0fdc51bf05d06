//! The atomic opcodes (`ATOMUADD` … `ATOMIMAX`) on a word of a buffer or
//! of shared memory (see `memory`): `dst` gets the word's old value in
//! every lane. On an `IMAGE` they are `image`'s; `ATOMFADD` is refused
//! everywhere.
//!
//! Words are `atomic<u32>`, and naga's atomic minimum and maximum on them
//! are unsigned: `ATOMIMIN`/`ATOMIMAX` are a compare-exchange loop (load,
//! take the signed minimum or maximum, swap it in if the word did not
//! change meanwhile, else retry).

use super::expr::Kind;
use super::{Lowerer, Value};
use crate::ast::{File, Instruction, Opcode as O};
use crate::error::Error;
use naga::{
    AtomicFunction, Block, Expression, Handle, LocalVariable, MathFunction, PredeclaredType,
    Scalar, Statement,
};

impl Lowerer<'_> {
    /// Lowers an atomic opcode.
    pub(crate) fn atomic(&mut self, inst: &Instruction) -> Result<(), Error> {
        let reg = super::memory::resource(inst)
            .ok_or_else(|| Error::invalid("missing resource operand", inst.span))?;
        if super::memory::is_indirect(reg) {
            return self.indirect_resource(inst, reg, Self::atomic);
        }
        if reg.file == File::Image {
            return self.image_atomic(inst, reg);
        }
        let space = self.space(reg)?;
        let addr = self.src_scalar(inst, 1, Kind::Uint, 0)?;
        let value = self.src_scalar(inst, 2, Kind::Uint, 0)?;
        let pointer = self.word(space, addr, 0);
        let fun = match inst.opcode {
            O::Atomuadd => AtomicFunction::Add,
            O::Atomxchg => AtomicFunction::Exchange { compare: None },
            O::Atomand => AtomicFunction::And,
            O::Atomor => AtomicFunction::InclusiveOr,
            O::Atomxor => AtomicFunction::ExclusiveOr,
            O::Atomumin => AtomicFunction::Min,
            O::Atomumax => AtomicFunction::Max,
            O::Atomcas => {
                // ATOMCAS dst, resource, offset, cmp, src.
                let new = self.src_scalar(inst, 3, Kind::Uint, 0)?;
                let result = self.compare_exchange(pointer, value, new);
                let old = self.lane(result, 0);
                return self.write_old(inst, old);
            }
            O::Atomimin => return self.signed_extreme(inst, pointer, value, MathFunction::Min),
            O::Atomimax => return self.signed_extreme(inst, pointer, value, MathFunction::Max),
            other => {
                return Err(Error::unsupported(
                    format!("opcode {other}"),
                    inst.opcode_span,
                ))
            }
        };
        let ty = self.scalar_ty(Kind::Uint);
        let old = self.unemitted(Expression::AtomicResult {
            ty,
            comparison: false,
        });
        self.stmt(Statement::Atomic {
            pointer,
            fun,
            value,
            result: Some(old),
        });
        self.write_old(inst, old)
    }

    /// Writes the old value of the word to every lane of `dst`.
    pub(super) fn write_old(
        &mut self,
        inst: &Instruction,
        old: Handle<Expression>,
    ) -> Result<(), Error> {
        let v = self.splat(old);
        self.write(inst, Value::new(v, Kind::Uint))
    }

    /// `atomicCompareExchangeWeak(pointer, compare, value)`: its result
    /// (old value, exchanged).
    fn compare_exchange(
        &mut self,
        pointer: Handle<Expression>,
        compare: Handle<Expression>,
        value: Handle<Expression>,
    ) -> Handle<Expression> {
        let ty = self.module.generate_predeclared_type(
            PredeclaredType::AtomicCompareExchangeWeakResult(Scalar::U32),
        );
        let result = self.unemitted(Expression::AtomicResult {
            ty,
            comparison: true,
        });
        self.stmt(Statement::Atomic {
            pointer,
            fun: AtomicFunction::Exchange {
                compare: Some(compare),
            },
            value,
            result: Some(result),
        });
        result
    }

    /// The `u32` local an atomic whose statement cannot give its result
    /// directly leaves the old value in (made once).
    pub(super) fn atomic_old(&mut self) -> Handle<LocalVariable> {
        match self.memory.atomic_old {
            Some(var) => var,
            None => {
                let ty = self.scalar_ty(Kind::Uint);
                let var = self.local("atomic_old".to_owned(), ty);
                self.memory.atomic_old = Some(var);
                var
            }
        }
    }

    /// `ATOMIMIN`/`ATOMIMAX`: a compare-exchange loop storing the signed
    /// `fun` of the word and `value`, the old value left in a local.
    fn signed_extreme(
        &mut self,
        inst: &Instruction,
        pointer: Handle<Expression>,
        value: Handle<Expression>,
        fun: MathFunction,
    ) -> Result<(), Error> {
        let var = self.atomic_old();
        let (body, ()) = self.nested(|l| {
            let old = l.load(pointer);
            let (a, b) = (l.bitcast(old, Kind::Sint), l.bitcast(value, Kind::Sint));
            let extreme = l.math(fun, &[a, b]);
            let new = l.bitcast(extreme, Kind::Uint);
            let result = l.compare_exchange(pointer, old, new);
            let exchanged = l.lane(result, 1);
            let local = l.local_ptr(var);
            let mut accept = Block::new();
            accept.push(
                Statement::Store {
                    pointer: local,
                    value: old,
                },
                l.span,
            );
            accept.push(Statement::Break, l.span);
            l.stmt(Statement::If {
                condition: exchanged,
                accept,
                reject: Block::new(),
            });
        });
        self.stmt(Statement::Loop {
            body,
            continuing: Block::new(),
            break_if: None,
        });
        let local = self.local_ptr(var);
        let old = self.load(local);
        self.write_old(inst, old)
    }
}
