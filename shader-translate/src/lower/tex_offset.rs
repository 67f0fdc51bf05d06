//! Texel offsets (`textureOffset`, `texelFetchOffset`, … in GLSL): the
//! operand after a texture instruction's target, three integer lanes
//! (`IMM[0].xyz`) added to the texel coordinates of the lookup.
//!
//! Filtered lookups pass them to WebGPU as the sample's constant offset,
//! so the operand must be an immediate (GLSL requires a constant
//! expression; WebGPU's range is [-8, 7], the range the caps advertise).
//! Texel loads (`TXF`) add them to the integer coordinates, and lookups on
//! integer views (nearest-texel loads) to the texel position before wrapping,
//! so any register serves there.

use super::expr::Kind;
use super::tex::Shape;
use super::Lowerer;
use crate::ast::{File, Index, Instruction, Opcode as O, Src};
use crate::error::Error;
use naga::{Expression, Handle, ImageDimension, VectorSize};

impl Lowerer<'_> {
    /// The instruction's texel offset operand, if any; rejected where GL
    /// has none (cube targets) or TGSI gives several (`TG4`).
    fn offset_operand<'i>(
        &self,
        inst: &'i Instruction,
        shape: Shape,
    ) -> Result<Option<&'i Src>, Error> {
        let Some(first) = inst.tex_offsets.first() else {
            return Ok(None);
        };
        if inst.tex_offsets.len() > 1 {
            return Err(Error::unsupported("several texel offsets", first.span));
        }
        if shape.dim == ImageDimension::Cube || inst.opcode == O::Txq {
            return Err(Error::invalid(
                format!("texel offset on {} of a cube or size query", inst.opcode),
                first.span,
            ));
        }
        Ok(Some(first))
    }

    /// The offset's lanes for the coordinate lanes of `shape`, as `i32`
    /// scalars: literals for an immediate, else lanes of the register.
    pub(super) fn texel_offset(
        &mut self,
        inst: &Instruction,
        shape: Shape,
    ) -> Result<Option<Vec<Handle<Expression>>>, Error> {
        let Some(src) = self.offset_operand(inst, shape)? else {
            return Ok(None);
        };
        let lanes = src.swizzle.iter().take(shape.coords as usize);
        if let (File::Immediate, Index::Direct(index), None) =
            (src.reg.file, src.reg.index, src.reg.dimension)
        {
            let bits = self.immediate_lanes(&src.reg, index)?;
            let lanes: Vec<_> = lanes
                .map(|c| bits.get(c.lane() as usize).copied())
                .collect();
            return Ok(Some(
                lanes
                    .into_iter()
                    .map(|b| self.i32c(b.unwrap_or(0) as i32))
                    .collect(),
            ));
        }
        let (value, _) = self.read(&src.reg, Kind::Sint, None)?;
        let value = self.coerce(value, Kind::Sint);
        Ok(Some(lanes.map(|c| self.lane(value, c.lane())).collect()))
    }

    /// The offset of a filtered lookup as WebGPU's constant sample offset
    /// (`vec2<i32>`/`vec3<i32>`; 1D targets get y = 0).
    pub(super) fn sample_offset(
        &mut self,
        inst: &Instruction,
        shape: Shape,
    ) -> Result<Option<Handle<Expression>>, Error> {
        let Some(src) = self.offset_operand(inst, shape)? else {
            return Ok(None);
        };
        if src.reg.file != File::Immediate || !matches!(src.reg.index, Index::Direct(_)) {
            return Err(Error::unsupported(
                "a texel offset of a filtered lookup that is not an immediate",
                src.span,
            ));
        }
        let Some(mut lanes) = self.texel_offset(inst, shape)? else {
            return Ok(None);
        };
        if shape.coords == 1 {
            lanes.push(self.i32c(0));
        }
        let size = if lanes.len() == 3 {
            VectorSize::Tri
        } else {
            VectorSize::Bi
        };
        Ok(Some(self.compose(size, Kind::Sint, lanes)))
    }
}
