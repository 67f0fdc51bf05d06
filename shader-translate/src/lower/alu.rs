//! Arithmetic, logic, comparison and conversion opcodes (tgsi-text.md §6).
//! Component-wise opcodes compute a `vec4`; replicating ones compute one
//! scalar from `.x` of their (swizzled) sources and write it to every lane.

use super::expr::Kind::{self, Float as F, Sint as I, Uint as U};
use super::{Lowerer, Value};
use crate::ast::{Instruction, Opcode as O, Stage};
use crate::error::Error;
use naga::{
    BinaryOperator as B, DerivativeAxis, DerivativeControl, Expression, MathFunction as M,
    UnaryOperator, VectorSize,
};

/// What a comparison writes for true / false.
#[derive(Clone, Copy)]
enum Truth {
    /// 1.0 / 0.0 (`SLT` …).
    One,
    /// `~0` / 0 (`FSLT`, `USLT`, …).
    Mask,
}

impl Lowerer<'_> {
    /// Lowers an ALU instruction (anything not control flow or texture).
    pub(crate) fn alu(&mut self, inst: &Instruction) -> Result<(), Error> {
        let value = match inst.opcode {
            O::Mov => Value::new(self.src(inst, 0, F)?, F),
            O::Add => self.binary_op(inst, F, B::Add)?,
            O::Sub => self.binary_op(inst, F, B::Subtract)?,
            O::Mul => self.binary_op(inst, F, B::Multiply)?,
            O::Div => self.binary_op(inst, F, B::Divide)?,
            O::Mad => self.mad(inst, F)?,
            O::Umad => self.mad(inst, U)?,
            O::Fma => self.math_op::<3>(inst, F, M::Fma)?,
            O::Min => self.math_op::<2>(inst, F, M::Min)?,
            O::Max => self.math_op::<2>(inst, F, M::Max)?,
            O::Abs => self.math_op::<1>(inst, F, M::Abs)?,
            O::Flr => self.math_op::<1>(inst, F, M::Floor)?,
            O::Ceil => self.math_op::<1>(inst, F, M::Ceil)?,
            O::Trunc => self.math_op::<1>(inst, F, M::Trunc)?,
            O::Round => self.math_op::<1>(inst, F, M::Round)?,
            O::Frc => self.math_op::<1>(inst, F, M::Fract)?,
            O::Ssg => self.math_op::<1>(inst, F, M::Sign)?,
            O::Lrp => self.lrp(inst)?,
            O::Cmp => {
                let [a, b, c] = self.srcs::<3>(inst, F)?;
                let zero = self.splat_f32(0.0);
                let negative = self.binary(B::Less, a, zero);
                Value::new(self.select(negative, b, c), F)
            }
            O::Ucmp => {
                let [a, b, c] = self.srcs::<3>(inst, U)?;
                let zero = self.u32c(0);
                let zero = self.splat(zero);
                let set = self.binary(B::NotEqual, a, zero);
                Value::new(self.select(set, b, c), U)
            }
            O::Rcp => {
                let [x] = self.src_scalars::<1>(inst, F)?;
                let one = self.f32c(1.0);
                let r = self.binary(B::Divide, one, x);
                Value::new(self.splat(r), F)
            }
            O::Rsq => self.replicate::<1>(inst, M::InverseSqrt)?,
            O::Sqrt => self.replicate::<1>(inst, M::Sqrt)?,
            O::Ex2 => self.replicate::<1>(inst, M::Exp2)?,
            O::Lg2 => self.replicate::<1>(inst, M::Log2)?,
            O::Sin => self.replicate::<1>(inst, M::Sin)?,
            O::Cos => self.replicate::<1>(inst, M::Cos)?,
            O::Pow => self.replicate::<2>(inst, M::Pow)?,
            O::Dp2 => self.dot(inst, VectorSize::Bi)?,
            O::Dp3 => self.dot(inst, VectorSize::Tri)?,
            O::Dp4 => self.dot(inst, VectorSize::Quad)?,
            O::Dph => self.dph(inst)?,
            O::Xpd => self.xpd(inst)?,
            O::Dst => self.dst(inst)?,
            O::Lit => self.lit(inst)?,
            O::Exp => self.exp(inst)?,
            O::Log => self.log(inst)?,
            O::Scs => {
                let [x] = self.src_scalars::<1>(inst, F)?;
                let (c, s) = (self.math(M::Cos, &[x]), self.math(M::Sin, &[x]));
                let (zero, one) = (self.f32c(0.0), self.f32c(1.0));
                Value::new(self.compose4(F, [c, s, zero, one]), F)
            }
            O::Slt => self.compare(inst, F, B::Less, Truth::One)?,
            O::Sge => self.compare(inst, F, B::GreaterEqual, Truth::One)?,
            O::Seq => self.compare(inst, F, B::Equal, Truth::One)?,
            O::Sne => self.compare(inst, F, B::NotEqual, Truth::One)?,
            O::Sgt => self.compare(inst, F, B::Greater, Truth::One)?,
            O::Sle => self.compare(inst, F, B::LessEqual, Truth::One)?,
            O::Fseq => self.compare(inst, F, B::Equal, Truth::Mask)?,
            O::Fsge => self.compare(inst, F, B::GreaterEqual, Truth::Mask)?,
            O::Fslt => self.compare(inst, F, B::Less, Truth::Mask)?,
            O::Fsne => self.compare(inst, F, B::NotEqual, Truth::Mask)?,
            O::Isge => self.compare(inst, I, B::GreaterEqual, Truth::Mask)?,
            O::Islt => self.compare(inst, I, B::Less, Truth::Mask)?,
            O::Useq => self.compare(inst, U, B::Equal, Truth::Mask)?,
            O::Usge => self.compare(inst, U, B::GreaterEqual, Truth::Mask)?,
            O::Uslt => self.compare(inst, U, B::Less, Truth::Mask)?,
            O::Usne => self.compare(inst, U, B::NotEqual, Truth::Mask)?,
            O::And => self.binary_op(inst, U, B::And)?,
            O::Or => self.binary_op(inst, U, B::InclusiveOr)?,
            O::Xor => self.binary_op(inst, U, B::ExclusiveOr)?,
            O::Not => {
                let a = self.src(inst, 0, U)?;
                Value::new(self.unary(UnaryOperator::BitwiseNot, a), U)
            }
            O::Shl => self.shift(inst, U, B::ShiftLeft)?,
            O::Ishr => self.shift(inst, I, B::ShiftRight)?,
            O::Ushr => self.shift(inst, U, B::ShiftRight)?,
            O::Uadd => self.binary_op(inst, U, B::Add)?,
            O::Umul => self.binary_op(inst, U, B::Multiply)?,
            O::Idiv => self.division(inst, I, B::Divide)?,
            O::Mod => self.division(inst, I, B::Modulo)?,
            O::Udiv => self.division(inst, U, B::Divide)?,
            O::Umod => self.division(inst, U, B::Modulo)?,
            O::Imax => self.math_op::<2>(inst, I, M::Max)?,
            O::Imin => self.math_op::<2>(inst, I, M::Min)?,
            O::Umax => self.math_op::<2>(inst, U, M::Max)?,
            O::Umin => self.math_op::<2>(inst, U, M::Min)?,
            O::Iabs => self.math_op::<1>(inst, I, M::Abs)?,
            O::Issg => self.math_op::<1>(inst, I, M::Sign)?,
            O::Ineg => {
                let a = self.src(inst, 0, I)?;
                Value::new(self.unary(UnaryOperator::Negate, a), I)
            }
            O::I2f => self.conversion(inst, I, F)?,
            O::U2f => self.conversion(inst, U, F)?,
            O::F2i => self.conversion(inst, F, I)?,
            O::F2u => self.conversion(inst, F, U)?,
            O::Arl => self.address(inst, Some(M::Floor))?,
            O::Arr => self.address(inst, Some(M::Round))?,
            O::Uarl => self.address(inst, None)?,
            O::Ibfe => self.per_lane(inst, [I, U, U], I, M::ExtractBits)?,
            O::Ubfe => self.per_lane(inst, [U, U, U], U, M::ExtractBits)?,
            O::Bfi => self.per_lane(inst, [U, U, U, U], U, M::InsertBits)?,
            O::Brev => self.math_op::<1>(inst, U, M::ReverseBits)?,
            O::Popc => self.math_op::<1>(inst, U, M::CountOneBits)?,
            O::Lsb => self.math_op::<1>(inst, U, M::FirstTrailingBit)?,
            O::Imsb => self.math_op::<1>(inst, I, M::FirstLeadingBit)?,
            O::Umsb => self.math_op::<1>(inst, U, M::FirstLeadingBit)?,
            O::Pk2h => self.pack(inst, VectorSize::Bi, M::Pack2x16float)?,
            O::Pk2us => self.pack(inst, VectorSize::Bi, M::Pack2x16unorm)?,
            O::Pk4b => self.pack(inst, VectorSize::Quad, M::Pack4x8snorm)?,
            O::Pk4ub => self.pack(inst, VectorSize::Quad, M::Pack4x8unorm)?,
            O::Up2h => self.unpack(inst, M::Unpack2x16float)?,
            O::Up2us => self.unpack(inst, M::Unpack2x16unorm)?,
            O::Up4b => self.unpack(inst, M::Unpack4x8snorm)?,
            O::Up4ub => self.unpack(inst, M::Unpack4x8unorm)?,
            O::Ddx => self.derivative(inst, DerivativeAxis::X, DerivativeControl::None)?,
            O::Ddy => self.derivative(inst, DerivativeAxis::Y, DerivativeControl::None)?,
            O::DdxFine => self.derivative(inst, DerivativeAxis::X, DerivativeControl::Fine)?,
            O::DdyFine => self.derivative(inst, DerivativeAxis::Y, DerivativeControl::Fine)?,
            other => {
                return Err(Error::unsupported(
                    format!("opcode {other}"),
                    inst.opcode_span,
                ))
            }
        };
        self.write(inst, value)
    }

    fn binary_op(&mut self, inst: &Instruction, kind: Kind, op: B) -> Result<Value, Error> {
        let [a, b] = self.srcs::<2>(inst, kind)?;
        Ok(Value::new(self.binary(op, a, b), kind))
    }

    fn math_op<const N: usize>(
        &mut self,
        inst: &Instruction,
        kind: Kind,
        fun: M,
    ) -> Result<Value, Error> {
        let args = self.srcs::<N>(inst, kind)?;
        Ok(Value::new(self.math(fun, &args), kind))
    }

    /// A float function of `.x` of the sources, on every lane.
    fn replicate<const N: usize>(&mut self, inst: &Instruction, fun: M) -> Result<Value, Error> {
        let args = self.src_scalars::<N>(inst, F)?;
        let r = self.math(fun, &args);
        Ok(Value::new(self.splat(r), F))
    }

    fn mad(&mut self, inst: &Instruction, kind: Kind) -> Result<Value, Error> {
        let [a, b, c] = self.srcs::<3>(inst, kind)?;
        let ab = self.binary(B::Multiply, a, b);
        Ok(Value::new(self.binary(B::Add, ab, c), kind))
    }

    /// `a·b + (1 − a)·c`.
    fn lrp(&mut self, inst: &Instruction) -> Result<Value, Error> {
        let [a, b, c] = self.srcs::<3>(inst, F)?;
        let one = self.splat_f32(1.0);
        let ab = self.binary(B::Multiply, a, b);
        let inv = self.binary(B::Subtract, one, a);
        let ic = self.binary(B::Multiply, inv, c);
        Ok(Value::new(self.binary(B::Add, ab, ic), F))
    }

    fn dot(&mut self, inst: &Instruction, size: VectorSize) -> Result<Value, Error> {
        let [a, b] = self.srcs::<2>(inst, F)?;
        let (a, b) = if size == VectorSize::Quad {
            (a, b)
        } else {
            (self.prefix(size, a), self.prefix(size, b))
        };
        let d = self.math(M::Dot, &[a, b]);
        Ok(Value::new(self.splat(d), F))
    }

    /// `a.xyz · b.xyz + b.w`.
    fn dph(&mut self, inst: &Instruction) -> Result<Value, Error> {
        let [a, b] = self.srcs::<2>(inst, F)?;
        let (a3, b3) = (
            self.prefix(VectorSize::Tri, a),
            self.prefix(VectorSize::Tri, b),
        );
        let d = self.math(M::Dot, &[a3, b3]);
        let bw = self.lane(b, 3);
        let r = self.binary(B::Add, d, bw);
        Ok(Value::new(self.splat(r), F))
    }

    /// `(cross(a.xyz, b.xyz), 1)`.
    fn xpd(&mut self, inst: &Instruction) -> Result<Value, Error> {
        let [a, b] = self.srcs::<2>(inst, F)?;
        let (a3, b3) = (
            self.prefix(VectorSize::Tri, a),
            self.prefix(VectorSize::Tri, b),
        );
        let c = self.math(M::Cross, &[a3, b3]);
        let lanes = [
            self.lane(c, 0),
            self.lane(c, 1),
            self.lane(c, 2),
            self.f32c(1.0),
        ];
        Ok(Value::new(self.compose4(F, lanes), F))
    }

    /// `(1, a.y·b.y, a.z, b.w)`.
    fn dst(&mut self, inst: &Instruction) -> Result<Value, Error> {
        let [a, b] = self.srcs::<2>(inst, F)?;
        let (ay, by) = (self.lane(a, 1), self.lane(b, 1));
        let lanes = [
            self.f32c(1.0),
            self.binary(B::Multiply, ay, by),
            self.lane(a, 2),
            self.lane(b, 3),
        ];
        Ok(Value::new(self.compose4(F, lanes), F))
    }

    /// `(1, max(x, 0), x > 0 ? max(y, 0)^clamp(w, −128, 128) : 0, 1)`.
    fn lit(&mut self, inst: &Instruction) -> Result<Value, Error> {
        let a = self.src(inst, 0, F)?;
        let (x, y, w) = (self.lane(a, 0), self.lane(a, 1), self.lane(a, 3));
        let (zero, one, lo, hi) = (
            self.f32c(0.0),
            self.f32c(1.0),
            self.f32c(-128.0),
            self.f32c(128.0),
        );
        let diffuse = self.math(M::Max, &[x, zero]);
        let base = self.math(M::Max, &[y, zero]);
        let exponent = self.math(M::Clamp, &[w, lo, hi]);
        let power = self.math(M::Pow, &[base, exponent]);
        let lit = self.binary(B::Greater, x, zero);
        let specular = self.select(lit, power, zero);
        Ok(Value::new(
            self.compose4(F, [one, diffuse, specular, one]),
            F,
        ))
    }

    /// `(2^floor(x), x − floor(x), 2^x, 1)`.
    fn exp(&mut self, inst: &Instruction) -> Result<Value, Error> {
        let [x] = self.src_scalars::<1>(inst, F)?;
        let fl = self.math(M::Floor, &[x]);
        let lanes = [
            self.math(M::Exp2, &[fl]),
            self.binary(B::Subtract, x, fl),
            self.math(M::Exp2, &[x]),
            self.f32c(1.0),
        ];
        Ok(Value::new(self.compose4(F, lanes), F))
    }

    /// `(floor(log2|x|), |x| / 2^floor(log2|x|), log2|x|, 1)`.
    fn log(&mut self, inst: &Instruction) -> Result<Value, Error> {
        let [x] = self.src_scalars::<1>(inst, F)?;
        let ax = self.math(M::Abs, &[x]);
        let l = self.math(M::Log2, &[ax]);
        let fl = self.math(M::Floor, &[l]);
        let p = self.math(M::Exp2, &[fl]);
        let lanes = [fl, self.binary(B::Divide, ax, p), l, self.f32c(1.0)];
        Ok(Value::new(self.compose4(F, lanes), F))
    }

    fn compare(
        &mut self,
        inst: &Instruction,
        kind: Kind,
        op: B,
        truth: Truth,
    ) -> Result<Value, Error> {
        let [a, b] = self.srcs::<2>(inst, kind)?;
        // Float "not equal" is unordered in TGSI (and GLSL): true when
        // either side is NaN, so `isnan(x)` (`x != x`) works. WGSL's `!=`
        // is ordered on some backends, `!(a == b)` never is.
        let cond = if op == B::NotEqual && kind == F {
            let equal = self.binary(B::Equal, a, b);
            self.unary(naga::UnaryOperator::LogicalNot, equal)
        } else {
            self.binary(op, a, b)
        };
        let (yes, no, out) = match truth {
            Truth::One => (self.splat_f32(1.0), self.splat_f32(0.0), F),
            Truth::Mask => {
                let (t, f) = (self.u32c(u32::MAX), self.u32c(0));
                (self.splat(t), self.splat(f), U)
            }
        };
        Ok(Value::new(self.select(cond, yes, no), out))
    }

    /// `a << (b & 31)` / `a >> (b & 31)` (arithmetic for signed `kind`).
    fn shift(&mut self, inst: &Instruction, kind: Kind, op: B) -> Result<Value, Error> {
        let a = self.src(inst, 0, kind)?;
        let b = self.src(inst, 1, U)?;
        let mask = self.u32c(31);
        let mask = self.splat(mask);
        let amount = self.binary(B::And, b, mask);
        Ok(Value::new(self.binary(op, a, amount), kind))
    }

    /// Integer division and remainder. A zero divisor is replaced by 1
    /// (naga rejects constant zero divisors; WGSL defines `x / 0 = x`,
    /// `x % 0 = 0`, which this reproduces for `IDIV`/`MOD`), and `UDIV`/`UMOD`
    /// by zero give `~0` as TGSI (and D3D10) define.
    fn division(&mut self, inst: &Instruction, kind: Kind, op: B) -> Result<Value, Error> {
        let [a, b] = self.srcs::<2>(inst, kind)?;
        let (zero, one) = match kind {
            U => (self.u32c(0), self.u32c(1)),
            _ => (self.i32c(0), self.i32c(1)),
        };
        let (zero, one) = (self.splat(zero), self.splat(one));
        let by_zero = self.binary(B::Equal, b, zero);
        let divisor = self.select(by_zero, one, b);
        let q = self.binary(op, a, divisor);
        if kind != U {
            return Ok(Value::new(q, kind));
        }
        let ones = self.u32c(u32::MAX);
        let ones = self.splat(ones);
        Ok(Value::new(self.select(by_zero, ones, q), U))
    }

    fn conversion(&mut self, inst: &Instruction, from: Kind, to: Kind) -> Result<Value, Error> {
        let a = self.src(inst, 0, from)?;
        Ok(Value::new(self.convert(a, to), to))
    }

    /// `ARL`/`ARR` (float rounded then converted) and `UARL` (bits).
    fn address(&mut self, inst: &Instruction, round: Option<M>) -> Result<Value, Error> {
        Ok(match round {
            Some(fun) => {
                let a = self.src(inst, 0, F)?;
                let r = self.math(fun, &[a]);
                Value::new(self.convert(r, I), I)
            }
            None => Value::new(self.src(inst, 0, U)?, U),
        })
    }

    /// A scalar function applied lane by lane (bitfield opcodes, whose WGSL
    /// counterparts take scalar offsets and counts).
    fn per_lane<const N: usize>(
        &mut self,
        inst: &Instruction,
        kinds: [Kind; N],
        out: Kind,
        fun: M,
    ) -> Result<Value, Error> {
        let mut lanes = Vec::with_capacity(4);
        for lane in 0..4 {
            let mut args = Vec::with_capacity(N);
            for (i, kind) in kinds.iter().enumerate() {
                args.push(self.src_scalar(inst, i, *kind, lane)?);
            }
            lanes.push(self.math(fun, &args));
        }
        Ok(Value::new(self.compose(VectorSize::Quad, out, lanes), out))
    }

    fn pack(&mut self, inst: &Instruction, size: VectorSize, fun: M) -> Result<Value, Error> {
        let a = self.src(inst, 0, F)?;
        let v = if size == VectorSize::Quad {
            a
        } else {
            self.prefix(size, a)
        };
        let p = self.math(fun, &[v]);
        Ok(Value::new(self.splat(p), U))
    }

    /// Unpacks `.x`; two-lane results repeat as `(x, y, x, y)`.
    fn unpack(&mut self, inst: &Instruction, fun: M) -> Result<Value, Error> {
        let [x] = self.src_scalars::<1>(inst, U)?;
        let v = self.math(fun, &[x]);
        let value = if matches!(fun, M::Unpack2x16float | M::Unpack2x16unorm) {
            let pattern = [
                naga::SwizzleComponent::X,
                naga::SwizzleComponent::Y,
                naga::SwizzleComponent::X,
                naga::SwizzleComponent::Y,
            ];
            self.swizzle(VectorSize::Quad, v, pattern)
        } else {
            v
        };
        Ok(Value::new(value, F))
    }

    fn derivative(
        &mut self,
        inst: &Instruction,
        axis: DerivativeAxis,
        ctrl: DerivativeControl,
    ) -> Result<Value, Error> {
        if self.stage != Stage::Fragment {
            return Err(Error::invalid(
                format!("{} outside a fragment shader", inst.opcode),
                inst.opcode_span,
            ));
        }
        let a = self.src(inst, 0, F)?;
        // `DDY` is along the rows of the framebuffer in memory, as WebGPU's
        // is, whatever `FS_COORD_ORIGIN` says: the guest's compiler scales
        // its argument by the framebuffer's y direction itself (Mesa's wpos
        // lowering multiplies it by the y-transform's sign).
        let d = self.expr(Expression::Derivative {
            axis,
            ctrl,
            expr: a,
        });
        Ok(Value::new(d, F))
    }
}
