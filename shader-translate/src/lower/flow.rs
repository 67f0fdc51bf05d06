//! Control flow: `IF`/`UIF`/`ELSE`/`ENDIF`, `BGNLOOP`/`BRK`/`CONT`/`ENDLOOP`,
//! `KILL`/`KILL_IF`, `RET`/`END`. Structure comes from nesting; labels are
//! ignored (tgsi-text.md §3).

use super::expr::Kind;
use super::{Frame, FrameKind, Lowerer};
use crate::ast::{Instruction, Opcode as O, Stage};
use crate::error::Error;
use crate::limits;
use naga::{BinaryOperator, Block, Expression, RelationalFunction, Statement};

impl Lowerer<'_> {
    /// Lowers a control-flow instruction.
    pub(crate) fn flow(&mut self, inst: &Instruction) -> Result<(), Error> {
        match inst.opcode {
            O::If | O::Uif => {
                let kind = if inst.opcode == O::If {
                    Kind::Float
                } else {
                    Kind::Uint
                };
                let x = self.src_scalar(inst, 0, kind, 0)?;
                let zero = match kind {
                    Kind::Float => self.f32c(0.0),
                    _ => self.u32c(0),
                };
                let condition = self.binary(BinaryOperator::NotEqual, x, zero);
                self.open(
                    inst,
                    FrameKind::If {
                        condition,
                        accept: None,
                        span: inst.span,
                    },
                )
            }
            O::Else => {
                self.flush();
                match self.frames.last_mut() {
                    Some(
                        frame @ Frame {
                            kind: FrameKind::If { accept: None, .. },
                            ..
                        },
                    ) => {
                        let block = core::mem::take(&mut frame.block);
                        if let FrameKind::If { accept, .. } = &mut frame.kind {
                            *accept = Some(block);
                        }
                        frame.dead = false;
                        Ok(())
                    }
                    _ => Err(Error::invalid("ELSE without an open IF", inst.opcode_span)),
                }
            }
            O::Endif => {
                let frame = self.close(inst)?;
                let FrameKind::If {
                    condition, accept, ..
                } = frame.kind
                else {
                    return Err(Error::invalid("ENDIF closes a loop", inst.opcode_span));
                };
                let (accept, reject) = match accept {
                    Some(accept) => (accept, frame.block),
                    None => (frame.block, Block::new()),
                };
                self.stmt(Statement::If {
                    condition,
                    accept,
                    reject,
                });
                Ok(())
            }
            O::Bgnloop => self.open(inst, FrameKind::Loop { span: inst.span }),
            O::Endloop => {
                let frame = self.close(inst)?;
                let FrameKind::Loop { .. } = frame.kind else {
                    return Err(Error::invalid("ENDLOOP closes an IF", inst.opcode_span));
                };
                self.stmt(Statement::Loop {
                    body: frame.block,
                    continuing: Block::new(),
                    break_if: None,
                });
                Ok(())
            }
            O::Brk | O::Cont => {
                if !self
                    .frames
                    .iter()
                    .any(|f| matches!(f.kind, FrameKind::Loop { .. }))
                {
                    return Err(Error::invalid(
                        format!("{} outside a loop", inst.opcode),
                        inst.opcode_span,
                    ));
                }
                self.stmt(if inst.opcode == O::Brk {
                    Statement::Break
                } else {
                    Statement::Continue
                });
                Ok(())
            }
            O::Kill => {
                self.fragment_only(inst)?;
                self.stmt(Statement::Kill);
                Ok(())
            }
            O::KillIf => {
                self.fragment_only(inst)?;
                let v = self.src(inst, 0, Kind::Float)?;
                let zero = self.splat_f32(0.0);
                let negative = self.binary(BinaryOperator::Less, v, zero);
                let any = self.expr(Expression::Relational {
                    fun: RelationalFunction::Any,
                    argument: negative,
                });
                let mut accept = Block::new();
                accept.push(Statement::Kill, inst.span);
                self.stmt(Statement::If {
                    condition: any,
                    accept,
                    reject: Block::new(),
                });
                Ok(())
            }
            O::Ret => self.epilogue(),
            O::End => {
                if self.frames.len() > 1 {
                    return Err(Error::invalid("END inside a block", inst.opcode_span));
                }
                self.epilogue()?;
                self.ended = true;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn fragment_only(&self, inst: &Instruction) -> Result<(), Error> {
        if self.stage == Stage::Fragment {
            Ok(())
        } else {
            Err(Error::invalid(
                format!("{} outside a fragment shader", inst.opcode),
                inst.opcode_span,
            ))
        }
    }

    /// Opens a block (after emitting what the current one computed).
    fn open(&mut self, inst: &Instruction, kind: FrameKind) -> Result<(), Error> {
        if self.frames.len() > limits::MAX_NESTING {
            return Err(Error::too_large(
                "nesting depth",
                self.frames.len() as u64,
                limits::MAX_NESTING as u64,
                inst.opcode_span,
            ));
        }
        self.flush();
        self.frames.push(Frame::new(kind));
        Ok(())
    }

    /// Closes the innermost block.
    fn close(&mut self, inst: &Instruction) -> Result<Frame, Error> {
        self.flush();
        if self.frames.len() < 2 {
            return Err(Error::invalid(
                format!("{} without an open block", inst.opcode),
                inst.opcode_span,
            ));
        }
        self.frames.pop().ok_or_else(|| {
            Error::invalid(
                format!("{} without an open block", inst.opcode),
                inst.opcode_span,
            )
        })
    }
}
