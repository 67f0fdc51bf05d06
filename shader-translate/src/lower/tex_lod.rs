//! `LODQ` (ARB_texture_query_lod's `textureQueryLOD`): the level of detail a
//! filtered lookup at the coordinate would use. WGSL has no LOD query, so
//! the LOD is GL's own formula on the coordinate's screen derivatives, the
//! same one integer views select levels with: `log2` of the longer
//! derivative scaled by the level-0 size (for cube maps, of the direction
//! over its major axis, one face's half size). The sampler's bias, LOD
//! range and mip filter are driver uniforms.

use super::expr::Kind;
use super::tex::Shape;
use super::{Lowerer, Value};
use crate::ast::{Instruction, Stage, TextureTarget};
use crate::error::Error;
use naga::{
    BinaryOperator as B, DerivativeAxis, Expression, Handle, ImageDimension, ImageQuery,
    MathFunction as M, VectorSize,
};

/// The driver uniform lane holding the sampler's `PIPE_TEX_MIPFILTER_*`
/// (0 nearest, 1 linear, 2 none).
const MIP_FILTER_LANE: u32 = 3;

impl Lowerer<'_> {
    /// `LODQ`: `.y` is the computed LOD after the sampler's bias and before
    /// any clamp; `.x` the level the lookup accesses, relative to the view's
    /// base level: the LOD clamped to the sampler's range and the view's
    /// levels, the nearest level (halves rounded down) under a `NEAREST`
    /// mip filter, 0 without mipmapping. Outside fragment shaders (no
    /// derivatives) both are 0.
    pub(super) fn query_lod(
        &mut self,
        inst: &Instruction,
        unit: u32,
        target: TextureTarget,
        shape: Shape,
    ) -> Result<Value, Error> {
        if shape.multisampled {
            return Err(Error::invalid("LODQ on a multisampled target", inst.span));
        }
        let bound = self.bind(inst, unit, target, shape, false)?;
        let image = self.global_ptr(bound.image);
        let zero = self.f32c(0.0);
        if self.stage != Stage::Fragment {
            let lanes = vec![zero; 4];
            return Ok(Value::new(
                self.compose(VectorSize::Quad, Kind::Float, lanes),
                Kind::Float,
            ));
        }
        let coord = self.src(inst, 0, Kind::Float)?;
        let lanes: Vec<_> = (0..shape.coords).map(|i| self.lane(coord, i)).collect();
        let lod = if shape.dim == ImageDimension::Cube {
            self.cube_lod(image, &lanes)
        } else {
            let dx = self.derivatives(&lanes, DerivativeAxis::X);
            let dy = self.derivatives(&lanes, DerivativeAxis::Y);
            self.lod_of(shape, image, &dx, &dy)
        };
        let state = self.sampler_lod(unit);
        let [bias, min, max, filter] = [0, 1, 2, MIP_FILTER_LANE].map(|i| self.lane(state, i));
        let computed = self.binary(B::Add, lod, bias);
        let clamped = self.math(M::Clamp, &[computed, min, max]);
        let levels = self.expr(Expression::ImageQuery {
            image,
            query: ImageQuery::NumLevels,
        });
        let levels = self.convert(levels, Kind::Float);
        let one = self.f32c(1.0);
        let last = self.binary(B::Subtract, levels, one);
        let linear = self.math(M::Clamp, &[clamped, zero, last]);
        // NEAREST: ceil(lod + 1/2) - 1, the rule GL's lookups use.
        let half = self.f32c(0.5);
        let nearest = self.binary(B::Add, linear, half);
        let nearest = self.math(M::Ceil, &[nearest]);
        let nearest = self.binary(B::Subtract, nearest, one);
        let nearest = self.math(M::Max, &[nearest, zero]);
        let is_nearest = self.binary(B::Less, filter, half);
        let none = self.f32c(1.5);
        let mipmapped = self.binary(B::Less, filter, none);
        let accessed = self.select(is_nearest, nearest, linear);
        let accessed = self.select(mipmapped, accessed, zero);
        Ok(Value::new(
            self.compose(
                VectorSize::Quad,
                Kind::Float,
                vec![accessed, computed, zero, zero],
            ),
            Kind::Float,
        ))
    }

    /// The screen derivative of each lane along `axis`.
    pub(super) fn derivatives(
        &mut self,
        lanes: &[Handle<Expression>],
        axis: DerivativeAxis,
    ) -> Vec<Handle<Expression>> {
        lanes
            .iter()
            .map(|&expr| {
                self.expr(Expression::Derivative {
                    axis,
                    ctrl: naga::DerivativeControl::None,
                    expr,
                })
            })
            .collect()
    }

    /// The LOD of a cube map lookup in direction `lanes`: the derivatives
    /// of the direction over its major axis (the face coordinates' span is
    /// 2 across a face) scaled by half the face size.
    fn cube_lod(
        &mut self,
        image: Handle<Expression>,
        lanes: &[Handle<Expression>],
    ) -> Handle<Expression> {
        let abs: Vec<_> = lanes.iter().map(|&l| self.math(M::Abs, &[l])).collect();
        let major = abs
            .into_iter()
            .reduce(|a, b| self.math(M::Max, &[a, b]))
            .unwrap_or_else(|| self.f32c(1.0));
        let on_face: Vec<_> = lanes
            .iter()
            .map(|&l| self.binary(B::Divide, l, major))
            .collect();
        let level0 = self.i32c(0);
        let size = self.expr(Expression::ImageQuery {
            image,
            query: ImageQuery::Size {
                level: Some(level0),
            },
        });
        let width = self.lane(size, 0);
        let width = self.convert(width, Kind::Float);
        let half = self.f32c(0.5);
        let half_width = self.binary(B::Multiply, width, half);
        let mut rho = Vec::with_capacity(2);
        for axis in [DerivativeAxis::X, DerivativeAxis::Y] {
            let d = self.derivatives(&on_face, axis);
            let squares: Vec<_> = d
                .into_iter()
                .map(|v| self.binary(B::Multiply, v, v))
                .collect();
            let squares = squares
                .into_iter()
                .reduce(|a, b| self.binary(B::Add, a, b))
                .unwrap_or_else(|| self.f32c(0.0));
            let length = self.math(M::Sqrt, &[squares]);
            rho.push(self.binary(B::Multiply, length, half_width));
        }
        let rho = self.math(M::Max, &rho);
        self.math(M::Log2, &[rho])
    }
}
