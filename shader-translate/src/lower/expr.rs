//! Expression helpers: types, literals, and one small method per naga
//! expression kind, all using the span of the item being lowered.

use super::Lowerer;
use crate::options::Channel;
use naga::{
    BinaryOperator, Expression, Handle, Literal, LocalVariable, MathFunction, Scalar, ScalarKind,
    SwizzleComponent, Type, TypeInner, UnaryOperator, VectorSize,
};

/// How the 32 bits of a lane are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    /// IEEE float.
    Float,
    /// Two's complement signed integer.
    Sint,
    /// Unsigned integer.
    Uint,
}

impl Kind {
    pub(crate) const fn scalar(self) -> Scalar {
        match self {
            Self::Float => Scalar::F32,
            Self::Sint => Scalar::I32,
            Self::Uint => Scalar::U32,
        }
    }

    const fn scalar_kind(self) -> ScalarKind {
        self.scalar().kind
    }
}

/// A `vec4` expression and how its lanes are typed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Value {
    pub(crate) expr: Handle<Expression>,
    pub(crate) kind: Kind,
}

impl Value {
    pub(crate) const fn new(expr: Handle<Expression>, kind: Kind) -> Self {
        Self { expr, kind }
    }
}

/// Swizzle pattern of the first `n` lanes `x, y, z, w`.
pub(crate) const XYZW: [SwizzleComponent; 4] = [
    SwizzleComponent::X,
    SwizzleComponent::Y,
    SwizzleComponent::Z,
    SwizzleComponent::W,
];

impl Lowerer<'_> {
    /// The type `inner` (interned).
    pub(crate) fn ty(&mut self, inner: TypeInner) -> Handle<Type> {
        self.module
            .types
            .insert(Type { name: None, inner }, naga::Span::UNDEFINED)
    }

    pub(crate) fn scalar_ty(&mut self, kind: Kind) -> Handle<Type> {
        self.ty(TypeInner::Scalar(kind.scalar()))
    }

    pub(crate) fn vec_ty(&mut self, size: VectorSize, kind: Kind) -> Handle<Type> {
        self.ty(TypeInner::Vector {
            size,
            scalar: kind.scalar(),
        })
    }

    pub(crate) fn vec4_ty(&mut self, kind: Kind) -> Handle<Type> {
        self.vec_ty(VectorSize::Quad, kind)
    }

    /// Appends an expression. Expressions naga evaluates on entry (literals,
    /// variables, arguments) must not be inside an `Emit`, so the running
    /// emit range is cut around them.
    pub(crate) fn expr(&mut self, expr: Expression) -> Handle<Expression> {
        if expr.needs_pre_emit() {
            self.unemitted(expr)
        } else {
            self.fun.expressions.append(expr, self.span)
        }
    }

    /// Appends an expression outside any `Emit`: one naga evaluates on
    /// entry, or one a statement defines (`AtomicResult`).
    pub(crate) fn unemitted(&mut self, expr: Expression) -> Handle<Expression> {
        if let Some((emit, span)) = self.emitter.finish(&self.fun.expressions) {
            self.push_raw(emit, span);
        }
        let handle = self.fun.expressions.append(expr, self.span);
        self.emitter.start(&self.fun.expressions);
        handle
    }

    fn literal(&mut self, kind: Kind, bits: u32, literal: Literal) -> Handle<Expression> {
        if let Some(&h) = self.literals.get(&(kind, bits)) {
            return h;
        }
        let h = self.expr(Expression::Literal(literal));
        self.literals.insert((kind, bits), h);
        h
    }

    /// A finite `f32` literal (callers pass constants; guest bits go
    /// through [`Self::lane_literal`]).
    pub(crate) fn f32c(&mut self, v: f32) -> Handle<Expression> {
        self.literal(Kind::Float, v.to_bits(), Literal::F32(v))
    }

    pub(crate) fn u32c(&mut self, v: u32) -> Handle<Expression> {
        self.literal(Kind::Uint, v, Literal::U32(v))
    }

    pub(crate) fn i32c(&mut self, v: i32) -> Handle<Expression> {
        self.literal(Kind::Sint, v as u32, Literal::I32(v))
    }

    /// Raw lane bits as a scalar of `kind`; float bits that are not a finite
    /// number (which naga literals cannot hold) become a bitcast `u32`.
    pub(crate) fn lane_literal(&mut self, bits: u32, kind: Kind) -> Handle<Expression> {
        match kind {
            Kind::Uint => self.u32c(bits),
            Kind::Sint => self.i32c(bits as i32),
            Kind::Float => {
                let v = f32::from_bits(bits);
                if v.is_finite() {
                    self.f32c(v)
                } else {
                    let u = self.u32c(bits);
                    self.bitcast(u, Kind::Float)
                }
            }
        }
    }

    /// `vec4<kind>(s, s, s, s)`.
    pub(crate) fn splat(&mut self, value: Handle<Expression>) -> Handle<Expression> {
        self.expr(Expression::Splat {
            size: VectorSize::Quad,
            value,
        })
    }

    pub(crate) fn splat_f32(&mut self, v: f32) -> Handle<Expression> {
        let s = self.f32c(v);
        self.splat(s)
    }

    /// A vector of `kind` from its lanes.
    pub(crate) fn compose(
        &mut self,
        size: VectorSize,
        kind: Kind,
        components: Vec<Handle<Expression>>,
    ) -> Handle<Expression> {
        let ty = self.vec_ty(size, kind);
        self.expr(Expression::Compose { ty, components })
    }

    pub(crate) fn compose4(
        &mut self,
        kind: Kind,
        lanes: [Handle<Expression>; 4],
    ) -> Handle<Expression> {
        self.compose(VectorSize::Quad, kind, lanes.to_vec())
    }

    /// A `vec4` of `kind` whose lane `i` is `channels[i]` of `vector` (a
    /// `vec4` of `kind`), `A` reading as one when `alpha_one`: the sampler
    /// swizzle and the colour output swizzle.
    pub(crate) fn select_channels(
        &mut self,
        vector: Handle<Expression>,
        channels: [Channel; 4],
        kind: Kind,
        alpha_one: bool,
    ) -> Handle<Expression> {
        let one = match kind {
            Kind::Float => self.f32c(1.0),
            Kind::Sint => self.i32c(1),
            Kind::Uint => self.u32c(1),
        };
        let zero = match kind {
            Kind::Float => self.f32c(0.0),
            Kind::Sint => self.i32c(0),
            Kind::Uint => self.u32c(0),
        };
        let lanes = channels.map(|channel| match channel {
            Channel::A if alpha_one => one,
            Channel::R => self.lane(vector, 0),
            Channel::G => self.lane(vector, 1),
            Channel::B => self.lane(vector, 2),
            Channel::A => self.lane(vector, 3),
            Channel::Zero => zero,
            Channel::One => one,
        });
        self.compose4(kind, lanes)
    }

    /// Lane `index` of a vector (or element of a pointer to one).
    pub(crate) fn lane(&mut self, base: Handle<Expression>, index: u32) -> Handle<Expression> {
        self.expr(Expression::AccessIndex { base, index })
    }

    pub(crate) fn access(
        &mut self,
        base: Handle<Expression>,
        index: Handle<Expression>,
    ) -> Handle<Expression> {
        self.expr(Expression::Access { base, index })
    }

    /// The first `size` lanes of `vector`, permuted by `pattern`.
    pub(crate) fn swizzle(
        &mut self,
        size: VectorSize,
        vector: Handle<Expression>,
        pattern: [SwizzleComponent; 4],
    ) -> Handle<Expression> {
        self.expr(Expression::Swizzle {
            size,
            vector,
            pattern,
        })
    }

    /// The first `size` lanes of `vector`.
    pub(crate) fn prefix(
        &mut self,
        size: VectorSize,
        vector: Handle<Expression>,
    ) -> Handle<Expression> {
        self.swizzle(size, vector, XYZW)
    }

    pub(crate) fn binary(
        &mut self,
        op: BinaryOperator,
        left: Handle<Expression>,
        right: Handle<Expression>,
    ) -> Handle<Expression> {
        self.expr(Expression::Binary { op, left, right })
    }

    pub(crate) fn unary(
        &mut self,
        op: UnaryOperator,
        expr: Handle<Expression>,
    ) -> Handle<Expression> {
        self.expr(Expression::Unary { op, expr })
    }

    /// A math function of one to four arguments.
    pub(crate) fn math(
        &mut self,
        fun: MathFunction,
        args: &[Handle<Expression>],
    ) -> Handle<Expression> {
        let mut it = args.iter().copied();
        let arg = it.next();
        let (arg1, arg2, arg3) = (it.next(), it.next(), it.next());
        match arg {
            Some(arg) => self.expr(Expression::Math {
                fun,
                arg,
                arg1,
                arg2,
                arg3,
            }),
            // Callers always pass arguments; an empty call is a zero.
            None => self.f32c(0.0),
        }
    }

    /// `condition ? accept : reject` (per lane for vector conditions).
    pub(crate) fn select(
        &mut self,
        condition: Handle<Expression>,
        accept: Handle<Expression>,
        reject: Handle<Expression>,
    ) -> Handle<Expression> {
        self.expr(Expression::Select {
            condition,
            accept,
            reject,
        })
    }

    /// Reinterprets the bits as `kind`.
    pub(crate) fn bitcast(&mut self, expr: Handle<Expression>, kind: Kind) -> Handle<Expression> {
        self.expr(Expression::As {
            expr,
            kind: kind.scalar_kind(),
            convert: None,
        })
    }

    /// Converts the value to `kind` (float ↔ integer conversion).
    pub(crate) fn convert(&mut self, expr: Handle<Expression>, kind: Kind) -> Handle<Expression> {
        self.expr(Expression::As {
            expr,
            kind: kind.scalar_kind(),
            convert: Some(4),
        })
    }

    /// The value's bits as `kind` (no-op when already so).
    pub(crate) fn coerce(&mut self, value: Value, kind: Kind) -> Handle<Expression> {
        if value.kind == kind {
            value.expr
        } else {
            self.bitcast(value.expr, kind)
        }
    }

    pub(crate) fn load(&mut self, pointer: Handle<Expression>) -> Handle<Expression> {
        self.expr(Expression::Load { pointer })
    }

    /// A new function-local variable (zero-initialised).
    pub(crate) fn local(&mut self, name: String, ty: Handle<Type>) -> Handle<LocalVariable> {
        self.fun.local_variables.append(
            LocalVariable {
                name: Some(name),
                ty,
                init: None,
            },
            self.span,
        )
    }

    /// A module-scope `var<private>` of type `ty`, initialised from the
    /// global expression `init` (zero without). Indirectly indexed arrays
    /// live there rather than in function-local variables: lavapipe turns
    /// every dynamic index into a function-local array into a compare-and-
    /// select ladder over all its elements (a 512-element array took
    /// minutes to draw a single triangle), while private arrays are indexed
    /// in memory. Each invocation has its own copy, zeroed (or initialised)
    /// when it starts, like a local of the single entry point.
    pub(crate) fn private(
        &mut self,
        name: String,
        ty: Handle<Type>,
        init: Option<Handle<Expression>>,
    ) -> Handle<naga::GlobalVariable> {
        self.module.global_variables.append(
            naga::GlobalVariable {
                name: Some(name),
                space: naga::AddressSpace::Private,
                binding: None,
                ty,
                init,
                memory_decorations: naga::MemoryDecorations::empty(),
            },
            self.span,
        )
    }

    pub(crate) fn local_ptr(&mut self, var: Handle<LocalVariable>) -> Handle<Expression> {
        self.expr(Expression::LocalVariable(var))
    }

    pub(crate) fn global_ptr(&mut self, var: Handle<naga::GlobalVariable>) -> Handle<Expression> {
        self.expr(Expression::GlobalVariable(var))
    }

    /// `naga::Statement::Store`.
    pub(crate) fn store(&mut self, pointer: Handle<Expression>, value: Handle<Expression>) {
        self.stmt(naga::Statement::Store { pointer, value });
    }
}
