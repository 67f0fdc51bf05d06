//! `TG4`: GLSL's `textureGather` and `textureGatherOffset`
//! (`ARB_texture_gather`). The result is one channel of each of the four
//! texels bilinear filtering of level 0 reads at the coordinate, in GL's
//! order: (i0, j1), (i1, j1), (i1, j0), (i0, j0).
//!
//! The channel is the instruction's component operand (`src1.x`, an
//! immediate) taken through the view's swizzle, so a swizzle to 0 or 1
//! gathers that constant and a depth view gathers (depth, 0, 0, 1). Float
//! and depth views gather through WebGPU's `textureGather`; integer views,
//! which WebGPU samples with no sampler, load the four texels, each axis
//! wrapped by the sampler's mode as `tex_int` wraps nearest lookups (the
//! border colour where a clamp-to-border axis leaves the texture). A
//! constant texel offset moves the footprint. Not translated: shadow
//! gathers (GL 4.0), gathers of integer cube maps and several offsets.

use super::expr::Kind;
use super::tex::{Bound, Shape};
use super::{Lowerer, Value};
use crate::ast::{File, Index, Instruction, TextureTarget};
use crate::error::Error;
use crate::interface::TextureClass;
use crate::options::{Channel, Wrap};
use naga::{
    BinaryOperator as B, Expression, Handle, ImageDimension, ImageQuery, MathFunction as M,
    SampleLevel, SwizzleComponent, VectorSize,
};

impl Lowerer<'_> {
    /// `TG4` on `unit`.
    pub(super) fn gather(
        &mut self,
        inst: &Instruction,
        unit: u32,
        target: TextureTarget,
        shape: Shape,
    ) -> Result<Value, Error> {
        let gatherable = matches!(shape.dim, ImageDimension::D2 | ImageDimension::Cube)
            && shape.coords > 1
            && !shape.multisampled;
        if !gatherable {
            return Err(Error::invalid(
                format!("TG4 on a {target} target"),
                inst.span,
            ));
        }
        if shape.shadow {
            return Err(Error::unsupported(
                "a shadow gather (textureGather with a reference, GL 4.0)",
                inst.span,
            ));
        }
        let component = self.gather_component(inst)?;
        let bound = self.bind(inst, unit, target, shape, true)?;
        let opts = self
            .options
            .samplers
            .get(unit as usize)
            .copied()
            .unwrap_or_default();
        let channel = match opts.swizzle.get(component).copied() {
            Some(Channel::A) if opts.alpha_one => Channel::One,
            Some(c) => c,
            None => Channel::R,
        };
        let channel = match (bound.class, channel) {
            (TextureClass::Depth, Channel::G | Channel::B) => Channel::Zero,
            (TextureClass::Depth, Channel::A) => Channel::One,
            (_, c) => c,
        };
        let kind = match bound.class {
            TextureClass::Sint => Kind::Sint,
            TextureClass::Uint => Kind::Uint,
            _ => Kind::Float,
        };
        let lane = match channel {
            Channel::R => 0,
            Channel::G => 1,
            Channel::B => 2,
            Channel::A => 3,
            Channel::Zero | Channel::One => {
                let one = if kind == Kind::Float {
                    1.0f32.to_bits()
                } else {
                    1
                };
                let bits = if channel == Channel::One { one } else { 0 };
                let constant = self.lane_literal(bits, kind);
                return Ok(Value::new(self.splat(constant), kind));
            }
        };
        let texels = if kind == Kind::Float {
            self.gather_filtered(inst, shape, bound, lane)?
        } else {
            self.gather_loaded(inst, unit, shape, bound, lane, kind)?
        };
        Ok(Value::new(texels, kind))
    }

    /// The component operand of `TG4` (`src1.x`, an immediate 0–3).
    fn gather_component(&self, inst: &Instruction) -> Result<usize, Error> {
        let src = inst
            .src
            .get(1)
            .ok_or_else(|| Error::invalid("TG4 without a component operand", inst.span))?;
        let (File::Immediate, Index::Direct(index), None) =
            (src.reg.file, src.reg.index, src.reg.dimension)
        else {
            return Err(Error::unsupported(
                "a gather component that is not an immediate",
                src.span,
            ));
        };
        let lanes = self.immediate_lanes(&src.reg, index)?;
        let lane = src.swizzle.first().map_or(0, |c| c.lane() as usize);
        match lanes.get(lane).copied() {
            Some(c @ 0..=3) => Ok(c as usize),
            Some(c) => Err(Error::invalid(
                format!("gather component {c} (0 to 3)"),
                src.span,
            )),
            None => Err(Error::invalid("gather component lane", src.span)),
        }
    }

    /// WebGPU's `textureGather` of channel `lane` on a float or depth view.
    fn gather_filtered(
        &mut self,
        inst: &Instruction,
        shape: Shape,
        bound: Bound,
        lane: u32,
    ) -> Result<Handle<Expression>, Error> {
        let coord = self.src(inst, 0, Kind::Float)?;
        let image = self.global_ptr(bound.image);
        let mut lanes: Vec<_> = (0..shape.coords).map(|i| self.lane(coord, i)).collect();
        if shape.rect {
            lanes = self.normalise(image, lanes);
        }
        let coordinate = self.coordinate(shape, lanes, Kind::Float);
        let array_index = self.array_layer(shape, coord);
        let sampler = match bound.sampler {
            Some(s) => self.global_ptr(s),
            None => return Err(Error::invalid("sampler not bound", inst.span)),
        };
        let offset = self.sample_offset(inst, shape)?;
        let gather = match lane {
            0 => SwizzleComponent::X,
            1 => SwizzleComponent::Y,
            2 => SwizzleComponent::Z,
            _ => SwizzleComponent::W,
        };
        Ok(self.expr(Expression::ImageSample {
            image,
            sampler,
            gather: Some(gather),
            coordinate,
            array_index,
            offset,
            level: SampleLevel::Zero,
            depth_ref: None,
            clamp_to_edge: false,
        }))
    }

    /// The gather of channel `lane` on an integer view: the footprint's
    /// four texels of level 0 loaded, each axis wrapped by the sampler.
    fn gather_loaded(
        &mut self,
        inst: &Instruction,
        unit: u32,
        shape: Shape,
        bound: Bound,
        lane: u32,
        kind: Kind,
    ) -> Result<Handle<Expression>, Error> {
        if shape.dim == ImageDimension::Cube {
            return Err(Error::unsupported(
                "TG4 on an integer cube texture",
                inst.span,
            ));
        }
        let opts = self.integer_sampling(unit);
        let coord = self.src(inst, 0, Kind::Float)?;
        let image = self.global_ptr(bound.image);
        let offset = self.texel_offset(inst, shape)?;
        let zero = self.i32c(0);
        let size = self.expr(Expression::ImageQuery {
            image,
            query: ImageQuery::Size { level: Some(zero) },
        });
        let offset = offset.unwrap_or_default();
        let [wrap_x, wrap_y, _] = opts.wrap;
        let x = self.footprint_axis(coord, size, 0, wrap_x, shape.rect, offset.first().copied());
        let y = self.footprint_axis(coord, size, 1, wrap_y, shape.rect, offset.get(1).copied());
        let array_index = self.loaded_layer(shape, coord, image);
        let border = opts.border.get(lane as usize).copied().unwrap_or(0);
        let border = self.lane_literal(border, kind);
        // GL's order: (i0, j1), (i1, j1), (i1, j0), (i0, j0).
        let ([x0, x1], [y0, y1]) = (x, y);
        let lanes = [(x0, y1), (x1, y1), (x1, y0), (x0, y0)].map(|((xi, x_out), (yj, y_out))| {
            let coordinate = self.compose(VectorSize::Bi, Kind::Sint, vec![xi, yj]);
            let texel = self.expr(Expression::ImageLoad {
                image,
                coordinate,
                array_index,
                sample: None,
                level: Some(zero),
            });
            let value = self.lane(texel, lane);
            let outside = match (x_out, y_out) {
                (Some(p), Some(q)) => Some(self.binary(B::LogicalOr, p, q)),
                (p, q) => p.or(q),
            };
            match outside {
                Some(out) => self.select(out, border, value),
                None => value,
            }
        });
        Ok(self.compose4(kind, lanes))
    }

    /// The footprint's two texels along axis `axis` of a `size`d level
    /// (`(index, outside)` each, see `wrap_index`): the first at
    /// `floor(t · n − 1/2)`, moved by the texel offset.
    fn footprint_axis(
        &mut self,
        coord: Handle<Expression>,
        size: Handle<Expression>,
        axis: u32,
        wrap: Wrap,
        rect: bool,
        offset: Option<Handle<Expression>>,
    ) -> [(Handle<Expression>, Option<Handle<Expression>>); 2] {
        let n = self.lane(size, axis);
        let n = self.convert(n, Kind::Float);
        let t = self.lane(coord, axis);
        let t = if rect {
            self.binary(B::Divide, t, n)
        } else {
            t
        };
        let half = self.f32c(0.5);
        let scaled = self.binary(B::Multiply, t, n);
        let scaled = self.binary(B::Subtract, scaled, half);
        let first = self.math(M::Floor, &[scaled]);
        let first = match offset {
            Some(o) => {
                let o = self.convert(o, Kind::Float);
                self.binary(B::Add, first, o)
            }
            None => first,
        };
        // Each texel's centre, normalised, wrapped as nearest filtering
        // wraps it.
        [0.5f32, 1.5].map(|step| {
            let step = self.f32c(step);
            let centre = self.binary(B::Add, first, step);
            let centre = self.binary(B::Divide, centre, n);
            self.wrap_index(centre, n, wrap)
        })
    }
}
