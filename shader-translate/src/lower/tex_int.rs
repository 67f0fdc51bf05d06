//! Lookups on integer views. WebGPU cannot sample integer textures, so
//! `TEX`, `TXP`, `TXB`, `TXL`, `TXD` and `TEX_LZ` there load the texel GL's
//! nearest filtering selects (GL makes an integer texture with any other
//! filter incomplete): each axis wrapped by the sampler's mode, the border
//! colour where a clamp-to-border axis leaves [0, 1], and with a
//! `NEAREST_MIPMAP_NEAREST` sampler the level nearest the LOD, as
//! [`IntegerSampling`] in `Options::samplers[i].integer` describes; a
//! texel offset moves the position before it is wrapped. Shadow lookups
//! under a nearest-filtering comparison sampler load the same texel and
//! compare it in the shader (`compare_nearest`), at any LOD.

use super::expr::Kind;
use super::tex::{Bound, Shape};
use super::{Lowerer, Value};
use crate::ast::{Instruction, Opcode as O, Stage};
use crate::error::Error;
use crate::interface::TextureClass;
use crate::options::{CompareFunction, IntegerSampling, Wrap};
use naga::{
    BinaryOperator as B, DerivativeAxis, Expression, Handle, ImageDimension, ImageQuery,
    MathFunction as M,
};

impl Lowerer<'_> {
    /// A `TEX`-family lookup on the integer view `bound` of `unit`.
    pub(super) fn sample_integer(
        &mut self,
        inst: &Instruction,
        unit: u32,
        shape: Shape,
        bound: Bound,
    ) -> Result<Value, Error> {
        let kind = if bound.class == TextureClass::Sint {
            Kind::Sint
        } else {
            Kind::Uint
        };
        let texel = self.nearest_texel(inst, unit, shape, bound, kind)?;
        Ok(Value::new(self.texture_swizzle(unit, texel, kind), kind))
    }

    /// A shadow lookup under a nearest-filtering comparison sampler
    /// (`SamplerOptions::nearest_compare`): the texel nearest filtering
    /// picks, compared with the reference (divided by `w` for `TXP`), 1 or
    /// 0 in every lane.
    pub(super) fn compare_nearest(
        &mut self,
        inst: &Instruction,
        unit: u32,
        shape: Shape,
        bound: Bound,
        func: CompareFunction,
    ) -> Result<Value, Error> {
        let depth = self.nearest_texel(inst, unit, shape, bound, Kind::Float)?;
        let coord = self.src(inst, 0, Kind::Float)?;
        let reference = match shape.reference {
            Some(4) => self.src_scalar(inst, 1, Kind::Float, 0)?,
            Some(r) => self.lane(coord, r),
            None => {
                return Err(Error::invalid(
                    "shadow target without a reference",
                    inst.span,
                ))
            }
        };
        let reference = if inst.opcode == O::Txp {
            let w = self.lane(coord, 3);
            self.binary(B::Divide, reference, w)
        } else {
            reference
        };
        let pass = self.compare_with(func, reference, depth);
        let (one, zero) = (self.f32c(1.0), self.f32c(0.0));
        let result = self.select(pass, one, zero);
        let texel = self.splat(result);
        Ok(Value::new(
            self.texture_swizzle(unit, texel, Kind::Float),
            Kind::Float,
        ))
    }

    /// The texel GL's nearest filtering picks for a `TEX`-family lookup on
    /// `bound` (a `vec4` of `kind`, or the depth for depth views), the
    /// border colour where a clamp-to-border axis leaves the texture.
    fn nearest_texel(
        &mut self,
        inst: &Instruction,
        unit: u32,
        shape: Shape,
        bound: Bound,
        kind: Kind,
    ) -> Result<Handle<Expression>, Error> {
        if shape.dim == ImageDimension::Cube {
            return Err(Error::unsupported(
                format!("{} with nearest-texel loads on a cube texture", inst.opcode),
                inst.span,
            ));
        }
        let opts = self.integer_sampling(unit);
        let coord = self.src(inst, 0, Kind::Float)?;
        let w = (inst.opcode == O::Txp).then(|| self.lane(coord, 3));
        let lanes: Vec<_> = (0..shape.coords)
            .map(|i| {
                let x = self.lane(coord, i);
                match w {
                    Some(w) => self.binary(B::Divide, x, w),
                    None => x,
                }
            })
            .collect();
        let image = self.global_ptr(bound.image);
        let level = self.integer_level(inst, unit, shape, image, &lanes, &opts)?;
        let offset = self.texel_offset(inst, shape)?;
        // The level's size from level 0's: lavapipe answers a size query
        // for every pixel of a group with the first pixel's level.
        let zero = self.i32c(0);
        let size = self.expr(Expression::ImageQuery {
            image,
            query: ImageQuery::Size { level: Some(zero) },
        });
        let shift = self.bitcast(level, Kind::Uint);
        let one = self.u32c(1);
        let mut indices = Vec::with_capacity(lanes.len());
        let mut outside = None;
        for ((i, t), wrap) in (0u32..).zip(lanes).zip(opts.wrap) {
            let n = self.lane(size, i);
            let n = self.binary(B::ShiftRight, n, shift);
            let n = self.math(M::Max, &[n, one]);
            let n = self.convert(n, Kind::Float);
            let t = if shape.rect {
                self.binary(B::Divide, t, n)
            } else {
                t
            };
            // A texel offset moves the position before wrapping.
            let t = match offset.as_ref().and_then(|o| o.get(i as usize)) {
                Some(&o) => {
                    let o = self.convert(o, Kind::Float);
                    let o = self.binary(B::Divide, o, n);
                    self.binary(B::Add, t, o)
                }
                None => t,
            };
            let (index, out) = self.wrap_index(t, n, wrap);
            indices.push(index);
            outside = match (outside, out) {
                (Some(a), Some(b)) => Some(self.binary(B::LogicalOr, a, b)),
                (a, b) => a.or(b),
            };
        }
        let coordinate = self.coordinate(shape, indices, Kind::Sint);
        let array_index = self.loaded_layer(shape, coord, image);
        let mut texel = self.expr(Expression::ImageLoad {
            image,
            coordinate,
            array_index,
            sample: None,
            level: Some(level),
        });
        if let Some(out) = outside {
            let border = if bound.class == TextureClass::Depth {
                self.lane_literal(opts.border[0], Kind::Float)
            } else {
                let border = opts.border.map(|bits| self.lane_literal(bits, kind));
                self.compose4(kind, border)
            };
            texel = self.select(out, border, texel);
        }
        Ok(texel)
    }

    /// How unit `unit`'s integer view addresses its texels (the defaults
    /// where the options give none).
    pub(super) fn integer_sampling(&self, unit: u32) -> IntegerSampling {
        self.options
            .samplers
            .get(unit as usize)
            .map(|o| o.integer)
            .unwrap_or_default()
    }

    /// The array layer a texel load reads (`i32`): the coordinate's layer
    /// lane rounded to the nearest integer and clamped to the layers.
    pub(super) fn loaded_layer(
        &mut self,
        shape: Shape,
        coord: Handle<Expression>,
        image: Handle<Expression>,
    ) -> Option<Handle<Expression>> {
        shape.layer.map(|l| {
            let layers = self.expr(Expression::ImageQuery {
                image,
                query: ImageQuery::NumLayers,
            });
            let last = self.convert(layers, Kind::Float);
            let one = self.f32c(1.0);
            let last = self.binary(B::Subtract, last, one);
            let layer = self.lane(coord, l);
            let half = self.f32c(0.5);
            let layer = self.binary(B::Add, layer, half);
            let layer = self.math(M::Floor, &[layer]);
            let zero = self.f32c(0.0);
            let layer = self.math(M::Clamp, &[layer, zero, last]);
            self.convert(layer, Kind::Sint)
        })
    }

    /// The texel index along one axis of `n` texels for the normalised
    /// coordinate `t`, and whether it is outside (border colour).
    pub(super) fn wrap_index(
        &mut self,
        t: Handle<Expression>,
        n: Handle<Expression>,
        wrap: Wrap,
    ) -> (Handle<Expression>, Option<Handle<Expression>>) {
        let zero = self.f32c(0.0);
        let one = self.f32c(1.0);
        let last = self.binary(B::Subtract, n, one);
        let f = match wrap {
            Wrap::Repeat => {
                let whole = self.math(M::Floor, &[t]);
                self.binary(B::Subtract, t, whole)
            }
            Wrap::MirrorRepeat => {
                // m = t mod 2 in [0, 2); the second half runs backwards.
                let two = self.f32c(2.0);
                let half = self.binary(B::Divide, t, two);
                let half = self.math(M::Floor, &[half]);
                let period = self.binary(B::Multiply, half, two);
                let m = self.binary(B::Subtract, t, period);
                let back = self.binary(B::Subtract, two, m);
                let first = self.binary(B::Less, m, one);
                self.select(first, m, back)
            }
            Wrap::MirrorClampToEdge => {
                let a = self.math(M::Abs, &[t]);
                self.math(M::Min, &[a, one])
            }
            Wrap::MirrorClampToBorder => self.math(M::Abs, &[t]),
            Wrap::ClampToEdge | Wrap::ClampToBorder => t,
        };
        let scaled = self.binary(B::Multiply, f, n);
        let i = self.math(M::Floor, &[scaled]);
        let out = matches!(wrap, Wrap::ClampToBorder | Wrap::MirrorClampToBorder).then(|| {
            let below = self.binary(B::Less, i, zero);
            let above = self.binary(B::Greater, i, last);
            self.binary(B::LogicalOr, below, above)
        });
        let i = self.math(M::Clamp, &[i, zero, last]);
        (self.convert(i, Kind::Sint), out)
    }

    /// The level a lookup reads (`i32`): the nearest to its LOD under a
    /// mipmapping sampler, else 0.
    fn integer_level(
        &mut self,
        inst: &Instruction,
        unit: u32,
        shape: Shape,
        image: Handle<Expression>,
        lanes: &[Handle<Expression>],
        opts: &IntegerSampling,
    ) -> Result<Handle<Expression>, Error> {
        if !opts.mipmap {
            return Ok(self.i32c(0));
        }
        let fragment = self.stage == Stage::Fragment;
        let lod = match inst.opcode {
            O::Txl => self.src_lane(inst, 0, 3)?,
            O::Txl2 => self.src_lane(inst, 1, 0)?,
            O::Txd => {
                let dx = self.src(inst, 1, Kind::Float)?;
                let dy = self.src(inst, 2, Kind::Float)?;
                let dx: Vec<_> = (0..shape.coords).map(|i| self.lane(dx, i)).collect();
                let dy: Vec<_> = (0..shape.coords).map(|i| self.lane(dy, i)).collect();
                self.lod_of(shape, image, &dx, &dy)
            }
            O::Tex | O::Txp | O::Txb | O::Txb2 if fragment => {
                let dx = self.derivatives(lanes, DerivativeAxis::X);
                let dy = self.derivatives(lanes, DerivativeAxis::Y);
                let lod = self.lod_of(shape, image, &dx, &dy);
                match inst.opcode {
                    O::Txb => {
                        let bias = self.src_lane(inst, 0, 3)?;
                        self.binary(B::Add, lod, bias)
                    }
                    O::Txb2 => {
                        let bias = self.src_lane(inst, 1, 0)?;
                        self.binary(B::Add, lod, bias)
                    }
                    _ => lod,
                }
            }
            _ => self.f32c(0.0),
        };
        // The sampler's bias and clamps are driver uniforms.
        let state = self.sampler_lod(unit);
        let [bias, min, max] = [0, 1, 2].map(|i| self.lane(state, i));
        let lod = self.binary(B::Add, lod, bias);
        let lod = self.math(M::Clamp, &[lod, min, max]);
        // NEAREST_MIPMAP_NEAREST: level ceil(lod + 1/2) - 1, at least 0.
        let half = self.f32c(0.5);
        let one = self.f32c(1.0);
        let level = self.binary(B::Add, lod, half);
        let level = self.math(M::Ceil, &[level]);
        let level = self.binary(B::Subtract, level, one);
        let levels = self.expr(Expression::ImageQuery {
            image,
            query: ImageQuery::NumLevels,
        });
        let last = self.convert(levels, Kind::Float);
        let last = self.binary(B::Subtract, last, one);
        let zero = self.f32c(0.0);
        let level = self.math(M::Clamp, &[level, zero, last]);
        Ok(self.convert(level, Kind::Sint))
    }

    /// GL's LOD from coordinate derivatives `dx`, `dy` (one per lane):
    /// `log2` of the longer of the two scaled by the level-0 size.
    pub(super) fn lod_of(
        &mut self,
        shape: Shape,
        image: Handle<Expression>,
        dx: &[Handle<Expression>],
        dy: &[Handle<Expression>],
    ) -> Handle<Expression> {
        let zero = self.i32c(0);
        let size = self.expr(Expression::ImageQuery {
            image,
            query: ImageQuery::Size { level: Some(zero) },
        });
        let size = self.convert(size, Kind::Float);
        let length = |l: &mut Self, d: &[Handle<Expression>]| {
            let scaled: Vec<_> = (0u32..)
                .zip(d)
                .map(|(i, &v)| {
                    let n = l.lane(size, i);
                    let v = if shape.rect {
                        v
                    } else {
                        l.binary(B::Multiply, v, n)
                    };
                    l.binary(B::Multiply, v, v)
                })
                .collect();
            let sum = scaled
                .into_iter()
                .reduce(|a, b| l.binary(B::Add, a, b))
                .unwrap_or_else(|| l.f32c(0.0));
            l.math(M::Sqrt, &[sum])
        };
        let x = length(self, dx);
        let y = length(self, dy);
        let rho = self.math(M::Max, &[x, y]);
        self.math(M::Log2, &[rho])
    }

    /// Lane `lane` of source operand `i` as a float.
    fn src_lane(
        &mut self,
        inst: &Instruction,
        i: usize,
        lane: u32,
    ) -> Result<Handle<Expression>, Error> {
        let v = self.src(inst, i, Kind::Float)?;
        Ok(self.lane(v, lane))
    }
}
