//! Texture opcodes: `TEX`, `TXP`, `TXB`, `TXL`, `TXD`, `TEX_LZ` (sampling),
//! `TEX2`, `TXB2`, `TXL2` (the same with the reference, bias or LOD in the
//! second operand, for cube arrays and shadow cubes), `TXF`, `TXF_LZ`
//! (texel loads) and `TXQ` (size queries), with texel offsets
//! (`tex_offset`).
//!
//! `SAMP[i]` and `SVIEW[i]` form unit `i`: one texture and one sampler
//! binding. The instruction's target decides the texture type; 1D targets
//! use 2D textures sampled at y = 0.5 (WebGPU 1D textures cannot have mip
//! levels), RECT targets divide by the texture size. Per-unit swizzles from
//! [`Options::samplers`](crate::Options::samplers) apply to every result.
//! Integer views are read by loads (`tex_int`).

use super::expr::Kind;
use super::{Lowerer, Value};
use crate::ast::{
    Declaration, File, Index, Instruction, Opcode as O, ReturnType, Stage, TextureTarget,
};
use crate::error::Error;
use crate::interface::{sampler_binding, texture_binding, TextureBinding, TextureClass};
use crate::limits::MAX_SAMPLERS;
use crate::options::ColorKind;
use naga::{
    AddressSpace, BinaryOperator, Expression, GlobalVariable, Handle, ImageClass, ImageDimension,
    ImageQuery, MathFunction, ResourceBinding, SampleLevel, TypeInner, VectorSize,
};

const UNITS: usize = MAX_SAMPLERS as usize;

/// How a target maps onto a WebGPU texture and its coordinate lanes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Shape {
    pub(super) dim: ImageDimension,
    arrayed: bool,
    pub(super) multisampled: bool,
    pub(super) shadow: bool,
    /// Coordinate lanes the target uses (1 for 1D).
    pub(super) coords: u32,
    /// Unnormalised coordinates.
    pub(super) rect: bool,
    /// Lane holding the array layer.
    pub(super) layer: Option<u32>,
    /// Lane holding the depth reference.
    pub(super) reference: Option<u32>,
}

impl Shape {
    fn of(target: TextureTarget, span: naga::Span) -> Result<Self, Error> {
        use ImageDimension::{Cube, D2, D3};
        use TextureTarget as T;
        let (dim, coords, arrayed, layer, reference) = match target {
            T::D1 | T::Shadow1D => (D2, 1, false, None, Some(2)),
            T::D2 | T::Rect | T::Shadow2D | T::ShadowRect | T::D2Msaa => {
                (D2, 2, false, None, Some(2))
            }
            T::D3 => (D3, 3, false, None, None),
            T::Cube | T::ShadowCube => (Cube, 3, false, None, Some(3)),
            T::D1Array | T::Shadow1DArray => (D2, 1, true, Some(1), Some(2)),
            T::D2Array | T::Shadow2DArray | T::D2ArrayMsaa => (D2, 2, true, Some(2), Some(3)),
            // The reference of a shadow cube array is the second operand's
            // x (`TEX2`), lane 4 of the coordinate lanes.
            T::CubeArray | T::ShadowCubeArray => (Cube, 3, true, Some(3), Some(4)),
            T::Buffer => return Err(Error::invalid("a BUFFER target read as a texture", span)),
        };
        let shadow = matches!(
            target,
            T::Shadow1D
                | T::Shadow2D
                | T::ShadowRect
                | T::Shadow1DArray
                | T::Shadow2DArray
                | T::ShadowCube
                | T::ShadowCubeArray
        );
        Ok(Self {
            dim,
            arrayed,
            multisampled: matches!(target, T::D2Msaa | T::D2ArrayMsaa),
            shadow,
            coords,
            rect: matches!(target, T::Rect | T::ShadowRect),
            layer,
            reference: if shadow { reference } else { None },
        })
    }

    /// Whether lane `w` is taken by the layer or reference (so `TXB`/`TXL`
    /// have nowhere to put the bias or level).
    fn uses_w(&self) -> bool {
        self.layer == Some(3) || self.reference == Some(3)
    }
}

/// The globals bound for one unit.
#[derive(Clone, Copy, Debug)]
pub(super) struct Bound {
    target: TextureTarget,
    shape: Shape,
    pub(super) class: TextureClass,
    pub(super) image: Handle<GlobalVariable>,
    pub(super) sampler: Option<Handle<GlobalVariable>>,
    /// A multisampled array bound unfolded, with this many samples
    /// (`SamplerOptions::unfolded_samples`).
    pub(super) unfolded: Option<u32>,
}

impl Bound {
    /// Whether the bound texture is multisampled (not an unfolded array).
    fn multi(&self) -> bool {
        self.shape.multisampled && self.unfolded.is_none()
    }
}

/// Declared and used sampler units.
#[derive(Default)]
pub(crate) struct Units {
    /// `SAMP[i]` declared, bit `i`.
    samplers: u32,
    /// `SVIEW[i]` declarations.
    views: [Option<ReturnType>; UNITS],
    bound: [Option<Bound>; UNITS],
    /// Texture buffer units' texels (`tex_buffer`).
    pub(super) buffers: [Option<Handle<GlobalVariable>>; UNITS],
}

impl Units {
    pub(crate) fn declare_samplers(&mut self, decl: &Declaration) -> Result<(), Error> {
        check_unit(decl.range.last, decl.span)?;
        for i in decl.range.first..=decl.range.last {
            self.samplers |= 1 << i;
        }
        Ok(())
    }

    pub(crate) fn declare_views(&mut self, decl: &Declaration) -> Result<(), Error> {
        check_unit(decl.range.last, decl.span)?;
        if let crate::ast::DeclKind::SamplerView { return_type, .. } = decl.kind {
            for i in decl.range.first..=decl.range.last {
                if let Some(v) = self.views.get_mut(i as usize) {
                    *v = Some(return_type);
                }
            }
        }
        Ok(())
    }

    /// The `SVIEW[unit]` declaration's return type (`FLOAT` when undeclared).
    pub(super) fn view_return_type(&self, unit: u32) -> ReturnType {
        self.views
            .get(unit as usize)
            .copied()
            .flatten()
            .unwrap_or(ReturnType::Float)
    }

    /// Whether `unit` is bound as a texture buffer.
    pub(super) fn is_buffer(&self, unit: u32) -> bool {
        self.buffers.get(unit as usize).is_some_and(Option::is_some)
    }

    /// Whether `unit` is bound as a texture.
    pub(super) fn is_texture(&self, unit: u32) -> bool {
        self.bound.get(unit as usize).is_some_and(Option::is_some)
    }
}

fn check_unit(last: u32, span: naga::Span) -> Result<(), Error> {
    if last >= MAX_SAMPLERS {
        return Err(Error::too_large(
            "sampler units",
            u64::from(last) + 1,
            u64::from(MAX_SAMPLERS),
            span,
        ));
    }
    Ok(())
}

impl Lowerer<'_> {
    /// Lowers a texture instruction.
    pub(crate) fn texture(&mut self, inst: &Instruction) -> Result<(), Error> {
        let target = inst
            .target
            .ok_or_else(|| Error::invalid("texture instruction without a target", inst.span))?;
        let unit = self.unit_operand(inst)?;
        if target == TextureTarget::Buffer {
            let value = self.texel_buffer(inst, unit)?;
            return self.write(inst, value);
        }
        let shape = Shape::of(target, inst.span)?;
        let value = match inst.opcode {
            O::Txf | O::TxfLz => self.texel_fetch(inst, unit, target, shape)?,
            O::Txq => self.texture_size(inst, unit, target, shape)?,
            O::Txqs => self.texture_samples(inst, unit, target, shape)?,
            O::Tg4 => self.gather(inst, unit, target, shape)?,
            O::Lodq => self.query_lod(inst, unit, target, shape)?,
            _ => self.sample(inst, unit, target, shape)?,
        };
        self.write(inst, value)
    }

    /// The unit named by the last source operand (`SAMP[i]`).
    fn unit_operand(&self, inst: &Instruction) -> Result<u32, Error> {
        let src = inst
            .src
            .last()
            .ok_or_else(|| Error::invalid("texture instruction without a sampler", inst.span))?;
        match (src.reg.file, src.reg.index) {
            (File::Sampler, Index::Direct(i))
                if i < MAX_SAMPLERS && self.units.samplers & (1 << i) != 0 =>
            {
                Ok(i)
            }
            (File::Sampler, Index::Direct(i)) => Err(Error::invalid(
                format!("SAMP[{i}] is not declared"),
                src.span,
            )),
            (File::Sampler, Index::Indirect { .. }) => {
                Err(Error::unsupported("indirect sampler indexing", src.span))
            }
            (file, _) => Err(Error::invalid(
                format!("expected a SAMP operand, found {file}"),
                src.span,
            )),
        }
    }

    /// The texture (and, for sampling, sampler) globals of `unit`.
    pub(super) fn bind(
        &mut self,
        inst: &Instruction,
        unit: u32,
        target: TextureTarget,
        shape: Shape,
        sampled: bool,
    ) -> Result<Bound, Error> {
        if self.units.is_buffer(unit) {
            return Err(Error::unsupported(
                format!("SAMP[{unit}] used as both BUFFER and {target}"),
                inst.span,
            ));
        }
        let unit_options = self.options.samplers.get(unit as usize);
        let depth_view = unit_options.is_some_and(|o| o.depth);
        // The bound view's channel type, else the declaration's.
        let kind = unit_options.and_then(|o| o.view_kind).unwrap_or(
            match self.units.view_return_type(unit) {
                ReturnType::Sint => ColorKind::Sint,
                ReturnType::Uint => ColorKind::Uint,
                _ => ColorKind::Float,
            },
        );
        let class = match (shape.shadow, kind) {
            (true, _) => TextureClass::Depth,
            (false, ColorKind::Sint) => TextureClass::Sint,
            (false, ColorKind::Uint) => TextureClass::Uint,
            _ if depth_view => TextureClass::Depth,
            _ => TextureClass::Float,
        };
        let unfolded = unit_options
            .map(|o| u32::from(o.unfolded_samples))
            .filter(|&n| n > 0 && shape.multisampled && shape.arrayed);
        let multi = shape.multisampled && unfolded.is_none();
        let existing = self.units.bound.get(unit as usize).copied().flatten();
        let mut bound = match existing {
            Some(b)
                if b.shape.dim == shape.dim
                    && b.shape.arrayed == shape.arrayed
                    && b.shape.multisampled == shape.multisampled
                    && b.class == class =>
            {
                b
            }
            Some(b) => {
                return Err(Error::unsupported(
                    format!("SAMP[{unit}] used as both {} and {target}", b.target),
                    inst.span,
                ))
            }
            None => {
                let image_class = match class {
                    TextureClass::Depth => ImageClass::Depth { multi },
                    TextureClass::Sint => ImageClass::Sampled {
                        kind: naga::ScalarKind::Sint,
                        multi,
                    },
                    TextureClass::Uint => ImageClass::Sampled {
                        kind: naga::ScalarKind::Uint,
                        multi,
                    },
                    TextureClass::Float => ImageClass::Sampled {
                        kind: naga::ScalarKind::Float,
                        multi,
                    },
                };
                let ty = self.ty(TypeInner::Image {
                    dim: shape.dim,
                    arrayed: shape.arrayed,
                    class: image_class,
                });
                let image = self.handle_global(format!("tex{unit}"), ty, texture_binding(unit));
                Bound {
                    target,
                    shape,
                    class,
                    image,
                    sampler: None,
                    unfolded,
                }
            }
        };
        if sampled && bound.sampler.is_none() {
            let ty = self.ty(TypeInner::Sampler {
                comparison: shape.shadow,
            });
            bound.sampler =
                Some(self.handle_global(format!("samp{unit}"), ty, sampler_binding(unit)));
        }
        if let Some(slot) = self.units.bound.get_mut(unit as usize) {
            *slot = Some(bound);
        }
        Ok(bound)
    }

    fn handle_global(
        &mut self,
        name: String,
        ty: naga::Handle<naga::Type>,
        binding: u32,
    ) -> Handle<GlobalVariable> {
        self.module.global_variables.append(
            GlobalVariable {
                name: Some(name),
                space: AddressSpace::Handle,
                binding: Some(ResourceBinding {
                    group: self.group,
                    binding,
                }),
                ty,
                init: None,
                memory_decorations: naga::MemoryDecorations::empty(),
            },
            self.span,
        )
    }

    /// `TEX`, `TXP`, `TXB`, `TXL`, `TXD`, `TEX_LZ`.
    fn sample(
        &mut self,
        inst: &Instruction,
        unit: u32,
        target: TextureTarget,
        shape: Shape,
    ) -> Result<Value, Error> {
        let unsupported = |what: &str| {
            Err(Error::unsupported(
                format!("{} on a {target} target: {what}", inst.opcode),
                inst.span,
            ))
        };
        if shape.multisampled {
            return Err(Error::invalid(
                format!("{} on a multisampled target", inst.opcode),
                inst.span,
            ));
        }
        let fragment = self.stage == Stage::Fragment;
        let lod_op = matches!(inst.opcode, O::Txb | O::Txl | O::Txd | O::Txb2 | O::Txl2);
        // Under a sampler that reads one level with one filter, a lookup
        // with a bias, an explicit LOD or gradients is the level-0 lookup.
        let fixed_level = lod_op
            && self
                .options
                .samplers
                .get(unit as usize)
                .is_some_and(|o| o.fixed_level);
        // Shadow lookups compared in the shader: every one but cubes' under
        // a nearest-filtering comparison sampler that selects levels.
        let compare_in_shader = self
            .options
            .samplers
            .get(unit as usize)
            .filter(|o| o.integer.mipmap && shape.shadow && shape.dim != ImageDimension::Cube)
            .and_then(|o| o.nearest_compare);
        match inst.opcode {
            O::Txb | O::Txl if shape.uses_w() => {
                return unsupported("lane w holds the layer or reference (TXB2/TXL2)")
            }
            O::Txb | O::Txb2 if !fragment => return unsupported("bias outside a fragment shader"),
            O::Tex2 | O::Txb2 | O::Txl2 if !shape.uses_w() => {
                return unsupported("TEX2/TXB2/TXL2 are for targets with a fourth coordinate")
            }
            _ if shape.reference == Some(4) && inst.opcode != O::Tex2 => {
                return unsupported("a shadow cube array is compared with TEX2")
            }
            _ if lod_op && shape.shadow && !fixed_level && compare_in_shader.is_none() => {
                return unsupported(
                    "WebGPU compares depth only with implicit or zero LOD, and the sampler \
                     selects levels or filters by LOD",
                )
            }
            O::Txp if shape.arrayed => return unsupported("projection of an array target"),
            _ => {}
        }
        let bound = self.bind(inst, unit, target, shape, true)?;
        if matches!(bound.class, TextureClass::Sint | TextureClass::Uint) {
            return self.sample_integer(inst, unit, shape, bound);
        }
        if let Some(func) = compare_in_shader {
            return self.compare_nearest(inst, unit, shape, bound, func);
        }
        let depth_texels = bound.class == TextureClass::Depth && !shape.shadow;
        if depth_texels && lod_op && !fixed_level {
            return unsupported(
                "WebGPU samples a depth texture only with implicit or zero LOD, and the \
                 sampler selects levels or filters by LOD",
            );
        }
        let depth_class = bound.class == TextureClass::Depth;
        let coord = self.src(inst, 0, Kind::Float)?;
        let lane = |l: &mut Self, i: u32| -> Handle<Expression> {
            let x = l.lane(coord, i);
            if inst.opcode == O::Txp {
                let w = l.lane(coord, 3);
                l.binary(BinaryOperator::Divide, x, w)
            } else {
                x
            }
        };
        let mut lanes: Vec<_> = (0..shape.coords).map(|i| lane(self, i)).collect();
        let image = self.global_ptr(bound.image);
        if shape.rect {
            lanes = self.normalise(image, lanes);
        }
        let coordinate = self.coordinate(shape, lanes, Kind::Float);
        let depth_ref = match shape.reference {
            Some(4) => Some(self.src_scalar(inst, 1, Kind::Float, 0)?),
            Some(r) => Some(lane(self, r)),
            None => None,
        };
        let array_index = self.array_layer(shape, coord);
        let level = match inst.opcode {
            _ if fixed_level && depth_class => SampleLevel::Zero,
            O::Tex | O::Txp | O::Tex2 if fragment => SampleLevel::Auto,
            O::Tex | O::Txp | O::Tex2 | O::TexLz => SampleLevel::Zero,
            O::Txb => SampleLevel::Bias(self.lane(coord, 3)),
            O::Txl => SampleLevel::Exact(self.lane(coord, 3)),
            O::Txb2 => SampleLevel::Bias(self.src_scalar(inst, 1, Kind::Float, 0)?),
            O::Txl2 => SampleLevel::Exact(self.src_scalar(inst, 1, Kind::Float, 0)?),
            _ => {
                let x = self.gradient(inst, 1, shape, image)?;
                let y = self.gradient(inst, 2, shape, image)?;
                SampleLevel::Gradient { x, y }
            }
        };
        let level = if bound.class == TextureClass::Float {
            self.sampler_bias(unit, level)
        } else {
            level
        };
        let sampler = match bound.sampler {
            Some(s) => self.global_ptr(s),
            None => return Err(Error::invalid("sampler not bound", inst.span)),
        };
        let offset = self.sample_offset(inst, shape)?;
        let sample = self.expr(Expression::ImageSample {
            image,
            sampler,
            gather: None,
            coordinate,
            array_index,
            offset,
            level,
            depth_ref,
            clamp_to_edge: false,
        });
        let texel = if shape.shadow {
            self.splat(sample)
        } else if depth_texels {
            self.depth_texel(sample)
        } else {
            sample
        };
        Ok(Value::new(
            self.texture_swizzle(unit, texel, Kind::Float),
            Kind::Float,
        ))
    }

    /// `level` with the unit's sampler LOD bias added when it has one
    /// (WebGPU samplers have none; the bias is a driver uniform, so one
    /// variant serves every nonzero bias): implicit LOD becomes a
    /// bias (fragment shaders) and zero LOD an explicit one, gradients are
    /// scaled by `2^bias`.
    fn sampler_bias(&mut self, unit: u32, level: SampleLevel) -> SampleLevel {
        let biased = self
            .options
            .samplers
            .get(unit as usize)
            .is_some_and(|o| o.lod_bias);
        if !biased {
            return level;
        }
        let lod = self.sampler_lod(unit);
        let b = self.lane(lod, 0);
        match level {
            SampleLevel::Auto => SampleLevel::Bias(b),
            SampleLevel::Zero => SampleLevel::Exact(b),
            SampleLevel::Exact(l) => SampleLevel::Exact(self.binary(BinaryOperator::Add, l, b)),
            SampleLevel::Bias(l) => SampleLevel::Bias(self.binary(BinaryOperator::Add, l, b)),
            SampleLevel::Gradient { x, y } => {
                let scale = self.math(MathFunction::Exp2, &[b]);
                SampleLevel::Gradient {
                    x: self.binary(BinaryOperator::Multiply, x, scale),
                    y: self.binary(BinaryOperator::Multiply, y, scale),
                }
            }
        }
    }

    /// The array layer of a filtered lookup (`i32`): the coordinate's layer
    /// lane rounded to the nearest integer (WebGPU clamps it to the layers).
    pub(super) fn array_layer(
        &mut self,
        shape: Shape,
        coord: Handle<Expression>,
    ) -> Option<Handle<Expression>> {
        shape.layer.map(|l| {
            let layer = self.lane(coord, l);
            let half = self.f32c(0.5);
            let rounded = self.binary(BinaryOperator::Add, layer, half);
            let rounded = self.math(MathFunction::Floor, &[rounded]);
            self.convert(rounded, Kind::Sint)
        })
    }

    /// Divides RECT coordinates by the level-0 size.
    pub(super) fn normalise(
        &mut self,
        image: Handle<Expression>,
        lanes: Vec<Handle<Expression>>,
    ) -> Vec<Handle<Expression>> {
        let zero = self.i32c(0);
        let size = self.expr(Expression::ImageQuery {
            image,
            query: ImageQuery::Size { level: Some(zero) },
        });
        let size = self.convert(size, Kind::Float);
        (0u32..)
            .zip(lanes)
            .map(|(i, x)| {
                let s = self.lane(size, i);
                self.binary(BinaryOperator::Divide, x, s)
            })
            .collect()
    }

    /// The coordinate expression for `shape` from its lanes (1D padded to
    /// 2D with y = 0.5, or y = 0 for integer coordinates).
    pub(super) fn coordinate(
        &mut self,
        shape: Shape,
        mut lanes: Vec<Handle<Expression>>,
        kind: Kind,
    ) -> Handle<Expression> {
        if shape.coords == 1 {
            let pad = match kind {
                Kind::Float => self.f32c(0.5),
                _ => self.i32c(0),
            };
            lanes.push(pad);
        }
        let size = if lanes.len() == 2 {
            VectorSize::Bi
        } else {
            VectorSize::Tri
        };
        self.compose(size, kind, lanes)
    }

    /// `TXD` gradient operand `i`, shaped like the coordinate.
    fn gradient(
        &mut self,
        inst: &Instruction,
        i: usize,
        shape: Shape,
        image: Handle<Expression>,
    ) -> Result<Handle<Expression>, Error> {
        let g = self.src(inst, i, Kind::Float)?;
        let mut lanes: Vec<_> = (0..shape.coords).map(|l| self.lane(g, l)).collect();
        if shape.rect {
            lanes = self.normalise(image, lanes);
        }
        if shape.coords == 1 {
            lanes.push(self.f32c(0.0));
            let size = VectorSize::Bi;
            return Ok(self.compose(size, Kind::Float, lanes));
        }
        Ok(self.coordinate(shape, lanes, Kind::Float))
    }

    /// `TXF`/`TXF_LZ`: integer coordinates in xyz, level (or sample) in w.
    fn texel_fetch(
        &mut self,
        inst: &Instruction,
        unit: u32,
        target: TextureTarget,
        shape: Shape,
    ) -> Result<Value, Error> {
        if shape.shadow || shape.dim == ImageDimension::Cube {
            return Err(Error::invalid(
                format!("TXF on a {target} target"),
                inst.span,
            ));
        }
        let bound = self.bind(inst, unit, target, shape, false)?;
        let coord = self.src(inst, 0, Kind::Sint)?;
        let mut lanes: Vec<_> = (0..shape.coords).map(|i| self.lane(coord, i)).collect();
        if let Some(offset) = self.texel_offset(inst, shape)? {
            for (lane, o) in lanes.iter_mut().zip(offset) {
                *lane = self.binary(BinaryOperator::Add, *lane, o);
            }
        }
        let coordinate = self.coordinate(shape, lanes, Kind::Sint);
        let mut array_index = shape.layer.map(|l| self.lane(coord, l));
        let w = if inst.opcode == O::TxfLz || shape.rect {
            self.i32c(0)
        } else {
            self.lane(coord, 3)
        };
        let (level, sample) = match bound.unfolded {
            // Sample `w` of layer `l` is layer `l · samples + w`.
            Some(samples) => {
                let samples = self.i32c(samples as i32);
                array_index = array_index.map(|layer| {
                    let first = self.binary(BinaryOperator::Multiply, layer, samples);
                    self.binary(BinaryOperator::Add, first, w)
                });
                (Some(self.i32c(0)), None)
            }
            None if shape.multisampled => (None, Some(w)),
            None => (Some(w), None),
        };
        let image = self.global_ptr(bound.image);
        let load = self.expr(Expression::ImageLoad {
            image,
            coordinate,
            array_index,
            sample,
            level,
        });
        let (kind, texel) = match bound.class {
            TextureClass::Sint => (Kind::Sint, load),
            TextureClass::Uint => (Kind::Uint, load),
            TextureClass::Depth => (Kind::Float, self.depth_texel(load)),
            TextureClass::Float => (Kind::Float, load),
        };
        Ok(Value::new(self.texture_swizzle(unit, texel, kind), kind))
    }

    /// `TXQ`: (width, height, depth or layers, levels) at the level in `.x`.
    fn texture_size(
        &mut self,
        inst: &Instruction,
        unit: u32,
        target: TextureTarget,
        shape: Shape,
    ) -> Result<Value, Error> {
        let bound = self.bind(inst, unit, target, shape, false)?;
        let image = self.global_ptr(bound.image);
        let level = if shape.multisampled {
            None
        } else {
            Some(self.src_scalar(inst, 0, Kind::Sint, 0)?)
        };
        let size = self.expr(Expression::ImageQuery {
            image,
            query: ImageQuery::Size { level },
        });
        let zero = self.u32c(0);
        let mut lanes = Vec::with_capacity(4);
        let dims = match (shape.coords, shape.dim) {
            (1, _) => 1,
            (_, ImageDimension::D3) => 3,
            _ => 2,
        };
        for i in 0..dims {
            lanes.push(self.lane(size, i));
        }
        if shape.arrayed {
            let layers = self.expr(Expression::ImageQuery {
                image,
                query: ImageQuery::NumLayers,
            });
            lanes.push(match bound.unfolded {
                Some(samples) => {
                    let samples = self.u32c(samples);
                    self.binary(BinaryOperator::Divide, layers, samples)
                }
                None => layers,
            });
        }
        while lanes.len() < 3 {
            lanes.push(zero);
        }
        let levels = if shape.multisampled {
            self.u32c(1)
        } else {
            self.expr(Expression::ImageQuery {
                image,
                query: ImageQuery::NumLevels,
            })
        };
        lanes.push(levels);
        Ok(Value::new(
            self.compose(VectorSize::Quad, Kind::Uint, lanes),
            Kind::Uint,
        ))
    }

    /// `TXQS`: the samples per texel of a multisampled texture in `.x`.
    fn texture_samples(
        &mut self,
        inst: &Instruction,
        unit: u32,
        target: TextureTarget,
        shape: Shape,
    ) -> Result<Value, Error> {
        if !shape.multisampled {
            return Err(Error::invalid(
                format!("{} on a single-sampled target", inst.opcode),
                inst.span,
            ));
        }
        let bound = self.bind(inst, unit, target, shape, false)?;
        let samples = match bound.unfolded {
            Some(samples) => self.u32c(samples),
            None => {
                let image = self.global_ptr(bound.image);
                self.expr(Expression::ImageQuery {
                    image,
                    query: ImageQuery::NumSamples,
                })
            }
        };
        let zero = self.u32c(0);
        Ok(Value::new(
            self.compose(
                VectorSize::Quad,
                Kind::Uint,
                vec![samples, zero, zero, zero],
            ),
            Kind::Uint,
        ))
    }

    /// A depth texture's scalar result as Gallium's texel: (d, 0, 0, 1).
    fn depth_texel(&mut self, depth: Handle<Expression>) -> Handle<Expression> {
        let (zero, one) = (self.f32c(0.0), self.f32c(1.0));
        self.compose4(Kind::Float, [depth, zero, zero, one])
    }

    /// Applies the unit's swizzle options to a `vec4` texel of `kind`.
    pub(super) fn texture_swizzle(
        &mut self,
        unit: u32,
        texel: Handle<Expression>,
        kind: Kind,
    ) -> Handle<Expression> {
        let Some(opts) = self.options.samplers.get(unit as usize).copied() else {
            return texel;
        };
        if opts.is_identity() {
            return texel;
        }
        self.select_channels(texel, opts.swizzle, kind, opts.alpha_one)
    }

    /// The interface entries of the units used.
    pub(crate) fn texture_bindings(&self) -> Vec<TextureBinding> {
        (0u32..)
            .zip(self.units.bound.iter())
            .filter_map(|(unit, b)| {
                let b = (*b)?;
                Some(TextureBinding {
                    unit,
                    texture: ResourceBinding {
                        group: self.group,
                        binding: texture_binding(unit),
                    },
                    sampler: b.sampler.map(|_| ResourceBinding {
                        group: self.group,
                        binding: sampler_binding(unit),
                    }),
                    target: b.target,
                    return_type: self.units.view_return_type(unit),
                    dimension: b.shape.dim,
                    arrayed: b.shape.arrayed,
                    multisampled: b.multi(),
                    class: b.class,
                    comparison: b.shape.shadow,
                })
            })
            .collect()
    }
}
