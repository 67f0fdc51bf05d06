//! Reading source operands (swizzle, type, `|abs|`, negation) and writing
//! destination operands (saturation, write mask), including indirect
//! addressing of `TEMP` arrays, `CONST` and `IMM`.

use super::expr::{Kind, XYZW};
use super::tessellation::is_tcs_output;
use super::{Lowerer, Value};
use crate::ast::{Component, Dst, File, Index, Instruction, RegRange, Register, Src, WriteMask};
use crate::error::Error;
use naga::{
    ArraySize, Expression, GlobalVariable, Handle, LocalVariable, MathFunction, SwizzleComponent,
    TypeInner, UnaryOperator, VectorSize,
};

/// Where a `TEMP` register lives.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Slot {
    /// Its own variable.
    Single(Handle<LocalVariable>),
    /// Element `offset` of `Registers::arrays[array]`.
    InArray { array: usize, offset: u32 },
}

/// A `DCL TEMP[a..b], ARRAY(id)` range, one private array variable
/// (see [`Lowerer::private`](super::Lowerer::private)).
#[derive(Clone, Copy, Debug)]
pub(crate) struct TempArray {
    pub(crate) id: u32,
    pub(crate) range: RegRange,
    pub(crate) var: Handle<GlobalVariable>,
}

/// A constant buffer's variable and declared extent (vec4 registers).
#[derive(Clone, Copy, Debug)]
struct ConstBuffer {
    var: Handle<GlobalVariable>,
    extent: u32,
}

/// Declared registers, by file and index.
#[derive(Default)]
pub(crate) struct Registers {
    pub(crate) temps: Vec<Option<Slot>>,
    pub(crate) arrays: Vec<TempArray>,
    pub(crate) addrs: Vec<Option<Handle<LocalVariable>>>,
    pub(crate) inputs: Vec<Option<Value>>,
    pub(crate) outputs: Vec<Option<Handle<LocalVariable>>>,
    pub(crate) system_values: Vec<Option<Value>>,
    constants: Vec<Option<ConstBuffer>>,
    /// All immediates as one private array variable, made on first
    /// indirect use.
    immediates: Option<Handle<GlobalVariable>>,
}

impl Registers {
    pub(crate) fn set_constant_buffer(
        &mut self,
        index: u32,
        var: Handle<GlobalVariable>,
        extent: u32,
    ) {
        let i = index as usize;
        if self.constants.len() <= i {
            self.constants.resize(i + 1, None);
        }
        if let Some(slot) = self.constants.get_mut(i) {
            *slot = Some(ConstBuffer { var, extent });
        }
    }
}

const fn swizzle_component(c: Component) -> SwizzleComponent {
    match c {
        Component::X => SwizzleComponent::X,
        Component::Y => SwizzleComponent::Y,
        Component::Z => SwizzleComponent::Z,
        Component::W => SwizzleComponent::W,
    }
}

fn undeclared(reg: &Register, index: impl core::fmt::Display) -> Error {
    Error::invalid(format!("{}[{index}] is not declared", reg.file), reg.span)
}

impl Lowerer<'_> {
    /// Source operand `i` of `inst` as a `vec4` of `kind`.
    pub(crate) fn src(
        &mut self,
        inst: &Instruction,
        i: usize,
        kind: Kind,
    ) -> Result<Handle<Expression>, Error> {
        let src = operand(&inst.src, i, inst)?;
        let (value, swizzled) = self.read(&src.reg, kind, Some(src.swizzle))?;
        let mut expr = value.expr;
        if !swizzled && src.swizzle != [Component::X, Component::Y, Component::Z, Component::W] {
            expr = self.swizzle(VectorSize::Quad, expr, src.swizzle.map(swizzle_component));
        }
        let expr = self.coerce(Value::new(expr, value.kind), kind);
        Ok(self.modifiers(expr, kind, src))
    }

    /// Lane `lane` (after swizzle) of source operand `i` as a `kind` scalar.
    pub(crate) fn src_scalar(
        &mut self,
        inst: &Instruction,
        i: usize,
        kind: Kind,
        lane: usize,
    ) -> Result<Handle<Expression>, Error> {
        let src = operand(&inst.src, i, inst)?;
        let component = src.swizzle.get(lane).copied().unwrap_or(Component::X);
        let expr = if let (File::Immediate, Index::Direct(index), None) =
            (src.reg.file, src.reg.index, src.reg.dimension)
        {
            let bits = self.immediate_lanes(&src.reg, index)?;
            let bits = bits.get(component.lane() as usize).copied().unwrap_or(0);
            self.lane_literal(bits, kind)
        } else {
            let (value, _) = self.read(&src.reg, kind, None)?;
            let lane = self.lane(value.expr, component.lane());
            self.coerce(Value::new(lane, value.kind), kind)
        };
        Ok(self.modifiers(expr, kind, src))
    }

    /// `.x` of each of the first `N` sources, as `kind` scalars.
    pub(crate) fn src_scalars<const N: usize>(
        &mut self,
        inst: &Instruction,
        kind: Kind,
    ) -> Result<[Handle<Expression>; N], Error> {
        let mut out = Vec::with_capacity(N);
        for i in 0..N {
            out.push(self.src_scalar(inst, i, kind, 0)?);
        }
        out.try_into()
            .map_err(|_| Error::invalid("operand count", inst.span))
    }

    /// The first `N` sources as `vec4`s of `kind`.
    pub(crate) fn srcs<const N: usize>(
        &mut self,
        inst: &Instruction,
        kind: Kind,
    ) -> Result<[Handle<Expression>; N], Error> {
        let mut out = Vec::with_capacity(N);
        for i in 0..N {
            out.push(self.src(inst, i, kind)?);
        }
        out.try_into()
            .map_err(|_| Error::invalid("operand count", inst.span))
    }

    /// `|x|` then `-x`; integer modifiers on unsigned operands go through
    /// signed.
    fn modifiers(&mut self, expr: Handle<Expression>, kind: Kind, src: &Src) -> Handle<Expression> {
        if !src.abs && !src.negate {
            return expr;
        }
        let signed = if kind == Kind::Uint {
            self.bitcast(expr, Kind::Sint)
        } else {
            expr
        };
        let mut out = signed;
        if src.abs {
            out = self.math(MathFunction::Abs, &[out]);
        }
        if src.negate {
            out = self.unary(UnaryOperator::Negate, out);
        }
        if kind == Kind::Uint {
            self.bitcast(out, Kind::Uint)
        } else {
            out
        }
    }

    /// The `vec4` value of a register. Immediates come out as literals of
    /// `kind`, already swizzled by `swizzle` when given (the flag returned).
    pub(super) fn read(
        &mut self,
        reg: &Register,
        kind: Kind,
        swizzle: Option<[Component; 4]>,
    ) -> Result<(Value, bool), Error> {
        if reg.file == File::Input
            && matches!(
                self.stage,
                crate::ast::Stage::Geometry
                    | crate::ast::Stage::TessCtrl
                    | crate::ast::Stage::TessEval
            )
        {
            return Ok((self.vertex_input(reg)?, false));
        }
        if is_tcs_output(self.stage, reg) {
            return Ok((self.read_tcs_output(reg)?, false));
        }
        if let Some(dim) = reg.dimension {
            if reg.file != File::Constant {
                return Err(Error::unsupported(
                    format!("two-dimensional {} registers", reg.file),
                    reg.span,
                ));
            }
            let Index::Direct(_) = dim else {
                return Err(Error::unsupported(
                    "indirect constant buffer selection",
                    reg.span,
                ));
            };
        }
        let value = match (reg.file, reg.index) {
            (File::Immediate, Index::Direct(index)) => {
                let lanes = self.immediate_lanes(reg, index)?;
                let pick =
                    swizzle.unwrap_or([Component::X, Component::Y, Component::Z, Component::W]);
                let lanes = pick.map(|c| lanes.get(c.lane() as usize).copied().unwrap_or(0));
                let exprs = lanes.map(|bits| self.lane_literal(bits, kind));
                return Ok((
                    Value::new(self.compose4(kind, exprs), kind),
                    swizzle.is_some(),
                ));
            }
            (File::Immediate, Index::Indirect { .. }) => {
                let ptr = self.immediate_pointer(reg)?;
                Value::new(self.load(ptr), Kind::Uint)
            }
            (File::Input, Index::Direct(i)) => self
                .regs
                .inputs
                .get(i as usize)
                .copied()
                .flatten()
                .ok_or_else(|| undeclared(reg, i))?,
            (File::SystemValue, Index::Direct(i)) => self
                .regs
                .system_values
                .get(i as usize)
                .copied()
                .flatten()
                .ok_or_else(|| undeclared(reg, i))?,
            (File::Constant, _) => {
                let ptr = self.constant_pointer(reg)?;
                Value::new(self.load(ptr), Kind::Float)
            }
            (File::Temporary | File::Output | File::Address, _) => {
                let (ptr, kind) = self.pointer(reg)?;
                Value::new(self.load(ptr), kind)
            }
            (File::Input | File::SystemValue, Index::Indirect { .. }) => {
                return Err(Error::unsupported(
                    format!("indirect addressing of {}", reg.file),
                    reg.span,
                ))
            }
            (file, _) => {
                return Err(Error::invalid(
                    format!("{file} registers cannot be read as values"),
                    reg.span,
                ))
            }
        };
        Ok((value, false))
    }

    pub(super) fn immediate_lanes(&self, reg: &Register, index: u32) -> Result<[u32; 4], Error> {
        self.program
            .immediates
            .get(index as usize)
            .map(|imm| imm.lanes)
            .ok_or_else(|| undeclared(reg, index))
    }

    /// Pointer to an indirectly addressed immediate.
    fn immediate_pointer(&mut self, reg: &Register) -> Result<Handle<Expression>, Error> {
        let var = match self.regs.immediates {
            Some(var) => var,
            None => {
                let len = u32::try_from(self.program.immediates.len()).unwrap_or(0);
                let size = core::num::NonZeroU32::new(len)
                    .ok_or_else(|| Error::invalid("no immediates are declared", reg.span))?;
                let vec4 = self.vec4_ty(Kind::Uint);
                let ty = self.ty(TypeInner::Array {
                    base: vec4,
                    size: ArraySize::Constant(size),
                    stride: 16,
                });
                let init = Some(self.immediates_init(ty));
                let var = self.private("immediates".to_owned(), ty, init);
                self.regs.immediates = Some(var);
                var
            }
        };
        let base = self.global_ptr(var);
        let len = u32::try_from(self.program.immediates.len()).unwrap_or(u32::MAX);
        let index = self.index(reg, 0, len)?;
        Ok(self.access(base, index))
    }

    /// All immediates as a global expression of type `ty`, the initialiser
    /// of their array (filled whichever block first reads it).
    fn immediates_init(&mut self, ty: naga::Handle<naga::Type>) -> Handle<Expression> {
        let vec4 = self.vec4_ty(Kind::Uint);
        let mut rows = Vec::with_capacity(self.program.immediates.len());
        for imm in &self.program.immediates {
            let lanes = imm.lanes.map(|bits| {
                self.module
                    .global_expressions
                    .append(Expression::Literal(naga::Literal::U32(bits)), imm.span)
            });
            rows.push(self.module.global_expressions.append(
                Expression::Compose {
                    ty: vec4,
                    components: lanes.to_vec(),
                },
                imm.span,
            ));
        }
        self.module.global_expressions.append(
            Expression::Compose {
                ty,
                components: rows,
            },
            self.span,
        )
    }

    /// Pointer to a `CONST` register.
    fn constant_pointer(&mut self, reg: &Register) -> Result<Handle<Expression>, Error> {
        let buffer = match reg.dimension {
            Some(Index::Direct(b)) => b,
            _ => 0,
        };
        let cb = self
            .regs
            .constants
            .get(buffer as usize)
            .copied()
            .flatten()
            .ok_or_else(|| {
                Error::invalid(
                    format!("constant buffer {buffer} is not declared"),
                    reg.span,
                )
            })?;
        let base = self.global_ptr(cb.var);
        match reg.index {
            Index::Direct(i) if i < cb.extent => Ok(self.lane(base, i)),
            Index::Direct(i) => Err(undeclared(reg, i)),
            Index::Indirect { .. } => {
                let index = self.index(reg, 0, cb.extent)?;
                Ok(self.access(base, index))
            }
        }
    }

    /// Pointer to a writable register and the kind it stores.
    fn pointer(&mut self, reg: &Register) -> Result<(Handle<Expression>, Kind), Error> {
        if reg.dimension.is_some() {
            return Err(Error::unsupported(
                format!("two-dimensional {} registers", reg.file),
                reg.span,
            ));
        }
        match (reg.file, reg.index) {
            (File::Temporary, Index::Direct(i)) => {
                let slot = self
                    .regs
                    .temps
                    .get(i as usize)
                    .copied()
                    .flatten()
                    .ok_or_else(|| undeclared(reg, i))?;
                let ptr = match slot {
                    Slot::Single(var) => self.local_ptr(var),
                    Slot::InArray { array, offset } => {
                        let var = self
                            .regs
                            .arrays
                            .get(array)
                            .map(|a| a.var)
                            .ok_or_else(|| undeclared(reg, i))?;
                        let base = self.global_ptr(var);
                        self.lane(base, offset)
                    }
                };
                Ok((ptr, Kind::Float))
            }
            (File::Temporary, Index::Indirect { offset, .. }) => {
                let array = self.array_of(reg, offset)?;
                let base = self.global_ptr(array.var);
                let len = u32::try_from(array.range.len()).unwrap_or(u32::MAX);
                let index = self.index(reg, array.range.first, len)?;
                Ok((self.access(base, index), Kind::Float))
            }
            (File::Output, Index::Direct(i)) => {
                let var = self
                    .regs
                    .outputs
                    .get(i as usize)
                    .copied()
                    .flatten()
                    .ok_or_else(|| undeclared(reg, i))?;
                Ok((self.local_ptr(var), Kind::Float))
            }
            (File::Address, Index::Direct(i)) => {
                let var = self
                    .regs
                    .addrs
                    .get(i as usize)
                    .copied()
                    .flatten()
                    .ok_or_else(|| undeclared(reg, i))?;
                Ok((self.local_ptr(var), Kind::Sint))
            }
            (File::Output | File::Address, Index::Indirect { .. }) => Err(Error::unsupported(
                format!("indirect addressing of {}", reg.file),
                reg.span,
            )),
            (file, _) => Err(Error::invalid(
                format!("{file} registers cannot be written"),
                reg.span,
            )),
        }
    }

    /// The `TEMP` array an indirect access goes to: by array id, else the
    /// one containing the base register.
    fn array_of(&self, reg: &Register, base: i32) -> Result<TempArray, Error> {
        let found = match reg.array_id {
            Some(id) => self.regs.arrays.iter().find(|a| a.id == id),
            None => u32::try_from(base)
                .ok()
                .and_then(|b| self.regs.arrays.iter().find(|a| a.range.contains(b))),
        };
        found.copied().ok_or_else(|| {
            Error::unsupported("indirect TEMP access outside a declared ARRAY", reg.span)
        })
    }

    /// The `i32` index of an indirect reference into `len` registers
    /// starting at `first`: `ADDR[n].c + offset - first`, clamped to the
    /// range (out of range is undefined in GL; the module stays in bounds
    /// whatever bounds checks the device applies).
    pub(super) fn index(
        &mut self,
        reg: &Register,
        first: u32,
        len: u32,
    ) -> Result<Handle<Expression>, Error> {
        let Index::Indirect {
            file,
            index,
            component,
            offset,
        } = reg.index
        else {
            return Err(Error::invalid("expected an indirect index", reg.span));
        };
        if file != File::Address {
            return Err(Error::unsupported(
                format!("indirect addressing through {file}"),
                reg.span,
            ));
        }
        let var = self
            .regs
            .addrs
            .get(index as usize)
            .copied()
            .flatten()
            .ok_or_else(|| Error::invalid(format!("ADDR[{index}] is not declared"), reg.span))?;
        let ptr = self.local_ptr(var);
        let lane = self.lane(ptr, component.lane());
        let addr = self.load(lane);
        let relative = i64::from(offset) - i64::from(first);
        let index = if relative == 0 {
            addr
        } else {
            let relative = i32::try_from(relative).map_err(|_| {
                Error::too_large(
                    "index offset",
                    relative.unsigned_abs(),
                    i32::MAX as u64,
                    reg.span,
                )
            })?;
            let k = self.i32c(relative);
            self.binary(naga::BinaryOperator::Add, addr, k)
        };
        let last = i32::try_from(len.saturating_sub(1)).unwrap_or(i32::MAX);
        let (lo, hi) = (self.i32c(0), self.i32c(last));
        Ok(self.math(MathFunction::Clamp, &[index, lo, hi]))
    }

    /// Writes `value` to destination 0 of `inst`, saturating if asked.
    pub(crate) fn write(&mut self, inst: &Instruction, value: Value) -> Result<(), Error> {
        let dst = operand(&inst.dst, 0, inst)?;
        let mut value = value;
        if inst.saturate {
            if value.kind != Kind::Float {
                return Err(Error::invalid(
                    format!("{}_SAT on an integer result", inst.opcode),
                    inst.opcode_span,
                ));
            }
            value.expr = self.math(MathFunction::Saturate, &[value.expr]);
        }
        self.store_masked(dst, value)
    }

    /// Stores the lanes of `value` selected by the destination's mask.
    fn store_masked(&mut self, dst: &Dst, value: Value) -> Result<(), Error> {
        if is_tcs_output(self.stage, &dst.reg) {
            return self.write_tcs_output(dst, value);
        }
        let (ptr, storage) = self.pointer(&dst.reg)?;
        let v = self.coerce(value, storage);
        self.store_lanes(ptr, v, dst.mask, None);
        Ok(())
    }

    /// Stores the lanes of `vec4` `v` that `mask` selects through `ptr`:
    /// a pointer to a `vec4`, or (`Some(len)`) to an array of `len`
    /// scalars, which takes the first `len` lanes.
    pub(super) fn store_lanes(
        &mut self,
        ptr: Handle<Expression>,
        v: Handle<Expression>,
        mask: WriteMask,
        array: Option<u32>,
    ) {
        if mask.is_all() && array.is_none() {
            self.store(ptr, v);
            return;
        }
        let len = array.unwrap_or(4);
        for (lane, _) in (0u32..).zip(XYZW) {
            if mask.contains(lane) && lane < len {
                let p = self.lane(ptr, lane);
                let x = self.lane(v, lane);
                self.store(p, x);
            }
        }
    }
}

/// Operand `i` of a list, or an error naming the instruction (the parser
/// guarantees the counts, so this only guards against table mistakes).
fn operand<'i, T>(list: &'i [T], i: usize, inst: &Instruction) -> Result<&'i T, Error> {
    list.get(i).ok_or_else(|| {
        Error::invalid(
            format!("{} is missing operand {}", inst.opcode, i + 1),
            inst.span,
        )
    })
}
