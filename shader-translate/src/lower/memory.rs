//! Shader storage buffers (`BUFFER[i]`) and workgroup-shared memory
//! (`MEMORY[…], SHARED`): their declarations, and `LOAD`, `STORE` and
//! `RESQ` on them. Both are arrays of 32-bit words addressed in bytes
//! (word `addr >> 2`); lane `k` of a `LOAD` or `STORE` is word
//! `(addr >> 2) + k`, as Mesa packs a vector. A space any atomic opcode uses
//! holds `atomic<u32>` words (`LOAD`/`STORE` are then atomic loads and
//! stores); the atomics themselves are `atomic`'s. The same opcodes on an
//! `IMAGE` go to `image`.
//!
//! Indices are not clamped here: a storage buffer is bound to the guest's
//! range and wgpu's bounds checks keep every access inside the binding,
//! as they keep those to the workgroup array inside it.

use super::decl::{claim, grow};
use super::expr::Kind;
use super::{Lowerer, Value};
use crate::ast::{
    DeclKind, Declaration, File, Index, Instruction, MemoryType, Opcode, Register, Stage,
};
use crate::error::Error;
use crate::interface::{storage_buffer_binding, StorageBuffer};
use crate::limits;
use naga::{
    AddressSpace, ArraySize, BinaryOperator, Expression, GlobalVariable, Handle, ResourceBinding,
    StorageAccess, TypeInner,
};

/// The declared memory spaces.
#[derive(Default)]
pub(crate) struct Memory {
    /// `BUFFER[i]`, by index.
    pub(super) buffers: Vec<Option<Handle<GlobalVariable>>>,
    /// The workgroup-shared words: every `MEMORY` register names them
    /// (Mesa numbers the register by memory type, and a compute shader has
    /// one shared space).
    shared: Option<Handle<GlobalVariable>>,
    /// The variable a signed atomic minimum or maximum, or an image
    /// atomic, leaves the old value in, once made.
    pub(super) atomic_old: Option<Handle<naga::LocalVariable>>,
}

/// How the program uses one memory space or image.
#[derive(Clone, Copy, Default)]
pub(super) struct Use {
    /// `LOAD` reads it.
    pub(super) loaded: bool,
    /// `STORE` or an atomic writes it.
    pub(super) written: bool,
    /// An atomic opcode uses it.
    pub(super) atomic: bool,
}

/// The opcodes that read-modify-write a word (`ATOMFADD` is refused in
/// `atomic`).
pub(crate) const fn is_atomic(op: Opcode) -> bool {
    matches!(
        op,
        Opcode::Atomuadd
            | Opcode::Atomxchg
            | Opcode::Atomcas
            | Opcode::Atomand
            | Opcode::Atomor
            | Opcode::Atomxor
            | Opcode::Atomumin
            | Opcode::Atomumax
            | Opcode::Atomimin
            | Opcode::Atomimax
            | Opcode::Atomfadd
    )
}

/// The memory resource an instruction operates on: `STORE`'s destination,
/// the first source of `LOAD`, `RESQ` and the atomics.
/// Whether a `BUFFER` or `IMAGE` operand is indexed by a register (it may
/// name any declared register of its file: `lower::indirect`).
pub(crate) fn is_indirect(reg: &Register) -> bool {
    matches!(reg.file, File::Buffer | File::Image) && matches!(reg.index, Index::Indirect { .. })
}

pub(crate) fn resource(inst: &Instruction) -> Option<&Register> {
    match inst.opcode {
        Opcode::Store => inst.dst.first().map(|d| &d.reg),
        Opcode::Load | Opcode::Resq => inst.src.first().map(|s| &s.reg),
        op if is_atomic(op) => inst.src.first().map(|s| &s.reg),
        _ => None,
    }
}

impl Lowerer<'_> {
    /// How the program uses the space of registers `matches` accepts.
    pub(super) fn usage(&self, matches: impl Fn(&Register) -> bool) -> Use {
        let mut u = Use::default();
        for inst in &self.program.instructions {
            if resource(inst).is_some_and(&matches) {
                let atomic = is_atomic(inst.opcode);
                u.atomic |= atomic;
                u.loaded |= inst.opcode == Opcode::Load;
                u.written |= atomic || inst.opcode == Opcode::Store;
            }
        }
        u
    }

    /// `array<u32>` or `array<atomic<u32>>`, of `len` words (runtime-sized
    /// without).
    fn words_ty(&mut self, atomic: bool, len: Option<u32>) -> Handle<naga::Type> {
        let base = if atomic {
            self.ty(TypeInner::Atomic(naga::Scalar::U32))
        } else {
            self.scalar_ty(Kind::Uint)
        };
        let size = len
            .and_then(core::num::NonZeroU32::new)
            .map_or(ArraySize::Dynamic, ArraySize::Constant);
        self.ty(TypeInner::Array {
            base,
            size,
            stride: 4,
        })
    }

    /// `DCL BUFFER[i]`: a runtime-sized storage buffer of words per
    /// register (any stage; vertex and geometry shaders need the
    /// device to allow stores there, which the renderer checks).
    pub(crate) fn declare_buffers(&mut self, decl: &Declaration) -> Result<(), Error> {
        grow(
            &mut self.memory.buffers,
            decl.range.last,
            limits::MAX_SHADER_BUFFERS,
            "BUFFER registers",
            decl.span,
        )?;
        for index in decl.range.first..=decl.range.last {
            let u = self.usage(|r| {
                r.file == File::Buffer
                    && r.dimension.is_none()
                    && (r.index == Index::Direct(index) || is_indirect(r))
            });
            let ty = self.words_ty(u.atomic, None);
            // Read-write even when only read: the renderer binds every
            // storage buffer read-write (one usage for a buffer that one
            // draw of a render pass reads and the next writes), and wgpu
            // wants the shader's access to be the binding's.
            let access = StorageAccess::LOAD | StorageAccess::STORE;
            let binding = ResourceBinding {
                group: self.group,
                binding: storage_buffer_binding(index),
            };
            let var = self.module.global_variables.append(
                GlobalVariable {
                    name: Some(format!("buffer{index}")),
                    space: AddressSpace::Storage { access },
                    binding: Some(binding),
                    ty,
                    init: None,
                    memory_decorations: naga::MemoryDecorations::empty(),
                },
                decl.span,
            );
            claim(&mut self.memory.buffers, index, var, decl.file, decl.span)?;
            self.interface.storage_buffers.push(StorageBuffer {
                index,
                binding,
                writable: u.written,
            });
        }
        Ok(())
    }

    /// `DCL MEMORY[n], SHARED`: the workgroup's
    /// [`Options::shared_memory_bytes`](crate::Options::shared_memory_bytes),
    /// as words.
    pub(crate) fn declare_memory(&mut self, decl: &Declaration) -> Result<(), Error> {
        let DeclKind::Memory(ty) = decl.kind else {
            return Err(Error::invalid("malformed MEMORY declaration", decl.span));
        };
        if ty != MemoryType::Shared || self.stage != Stage::Compute {
            return Err(Error::unsupported(
                format!("MEMORY registers of type {ty} in a {} shader", self.stage),
                decl.span,
            ));
        }
        if self.memory.shared.is_some() {
            return Err(Error::invalid("shared MEMORY declared twice", decl.span));
        }
        let bytes = self.options.shared_memory_bytes;
        if bytes == 0 {
            return Err(Error::invalid(
                "MEMORY, SHARED in a shader created without shared memory (REQ_LOCAL_MEM 0)",
                decl.span,
            ));
        }
        if bytes > limits::MAX_SHARED_BYTES {
            return Err(Error::too_large(
                "shared memory bytes",
                u64::from(bytes),
                u64::from(limits::MAX_SHARED_BYTES),
                decl.span,
            ));
        }
        let words = bytes.div_ceil(4);
        let u = self.usage(|r| r.file == File::Memory);
        let ty = self.words_ty(u.atomic, Some(words));
        let var = self.module.global_variables.append(
            GlobalVariable {
                name: Some("shared".to_owned()),
                space: AddressSpace::WorkGroup,
                binding: None,
                ty,
                init: None,
                memory_decorations: naga::MemoryDecorations::empty(),
            },
            decl.span,
        );
        self.memory.shared = Some(var);
        if let Some(c) = self.interface.compute.as_mut() {
            c.shared_bytes = words * 4;
        }
        Ok(())
    }

    /// The words a `BUFFER` or `MEMORY` operand names.
    pub(super) fn space(&self, reg: &Register) -> Result<Handle<GlobalVariable>, Error> {
        let found = match (reg.file, reg.index, reg.dimension) {
            (File::Buffer, Index::Direct(i), None) => {
                self.memory.buffers.get(i as usize).copied().flatten()
            }
            (File::Buffer, _, _) => {
                return Err(Error::unsupported(
                    "indirect or two-dimensional BUFFER indexing",
                    reg.span,
                ))
            }
            (File::Memory, _, _) => self.memory.shared,
            (file, _, _) => {
                return Err(Error::invalid(
                    format!("{file} is not a memory resource"),
                    reg.span,
                ))
            }
        };
        found.ok_or_else(|| Error::invalid(format!("{} is not declared", reg.file), reg.span))
    }

    /// Pointer to word `(addr >> 2) + lane` of `space` (`addr` a `u32`).
    pub(super) fn word(
        &mut self,
        space: Handle<GlobalVariable>,
        addr: Handle<Expression>,
        lane: u32,
    ) -> Handle<Expression> {
        let base = self.global_ptr(space);
        let two = self.u32c(2);
        let mut index = self.binary(BinaryOperator::ShiftRight, addr, two);
        if lane > 0 {
            let k = self.u32c(lane);
            index = self.binary(BinaryOperator::Add, index, k);
        }
        self.access(base, index)
    }

    /// `LOAD`, `STORE` or `RESQ` on a buffer, shared memory or an image
    /// (`image`).
    pub(crate) fn memory_access(&mut self, inst: &Instruction) -> Result<(), Error> {
        let reg =
            resource(inst).ok_or_else(|| Error::invalid("missing resource operand", inst.span))?;
        if is_indirect(reg) {
            return self.indirect_resource(inst, reg, Self::memory_access);
        }
        if reg.file == File::Image {
            return self.image_access(inst, reg);
        }
        let space = self.space(reg)?;
        match inst.opcode {
            Opcode::Load => {
                let addr = self.src_scalar(inst, 1, Kind::Uint, 0)?;
                let mask = inst
                    .dst
                    .first()
                    .map_or(crate::ast::WriteMask::ALL, |d| d.mask);
                let zero = self.u32c(0);
                let mut lanes = [zero; 4];
                for (k, lane) in (0u32..).zip(lanes.iter_mut()) {
                    if mask.contains(k) {
                        let p = self.word(space, addr, k);
                        *lane = self.load(p);
                    }
                }
                let v = self.compose4(Kind::Uint, lanes);
                self.write(inst, Value::new(v, Kind::Uint))
            }
            Opcode::Store => {
                let mask = inst
                    .dst
                    .first()
                    .map_or(crate::ast::WriteMask::ALL, |d| d.mask);
                let addr = self.src_scalar(inst, 0, Kind::Uint, 0)?;
                for k in 0..4 {
                    if mask.contains(k) {
                        let x = self.src_scalar(inst, 1, Kind::Uint, k as usize)?;
                        let p = self.word(space, addr, k);
                        self.store(p, x);
                    }
                }
                Ok(())
            }
            _ if reg.file == File::Buffer => {
                // RESQ: the bound size in bytes.
                let base = self.global_ptr(space);
                let words = self.expr(Expression::ArrayLength(base));
                let four = self.u32c(4);
                let bytes = self.binary(BinaryOperator::Multiply, words, four);
                let v = self.splat(bytes);
                self.write(inst, Value::new(v, Kind::Uint))
            }
            _ => Err(Error::invalid(
                format!("{} on {}", inst.opcode, reg.file),
                inst.opcode_span,
            )),
        }
    }
}
