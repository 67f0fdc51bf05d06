//! GL conventions (docs/gl-conventions.md), applied where values enter and
//! leave the shader: the fragment coordinate on entry; clip-space Y and
//! depth, colour clamping, polygon stipple, alpha test, colour-0 broadcast
//! and output swizzles on exit. Also the driver uniforms they read and the final
//! module assembly.

use super::expr::{Kind, XYZW};
use super::io::{Clamp, Source};
use super::Lowerer;
use crate::ast::{CoordOrigin, PixelCenter, Stage};
use crate::error::Error;
use crate::interface::{DriverUniforms, Interface, DRIVER_UNIFORMS_BINDING};
use crate::options::{Channel, CompareFunction};
use naga::diagnostic_filter::{
    DiagnosticFilter, DiagnosticFilterNode, FilterableTriggeringRule, Severity,
    StandardFilterableTriggeringRule,
};
use naga::{
    AddressSpace, BinaryOperator, Block, BuiltIn, DerivativeAxis, DerivativeControl, EntryPoint,
    Expression, GlobalVariable, Handle, Literal, MathFunction, Module, ResourceBinding,
    ShaderStage, Statement, StructMember, Type, TypeInner, UnaryOperator,
};

/// `vec4<u32>`s holding the 32 stipple rows.
const STIPPLE_VECTORS: std::num::NonZeroU32 = std::num::NonZeroU32::MIN.saturating_add(7);
/// User clip planes (`vec4<f32>` each), and clip distances a VS writes.
pub(crate) const CLIP_PLANES: std::num::NonZeroU32 = std::num::NonZeroU32::MIN.saturating_add(7);

/// A field of [`DriverUniforms`], by member index.
#[derive(Clone, Copy)]
pub(crate) enum DriverField {
    FlipY = 0,
    FbHeight = 1,
    AlphaRef = 2,
    PointSize = 3,
    /// `array<vec4<u32>, 8>`: the 32 polygon stipple rows.
    PolygonStipple = 4,
    /// `array<vec4<f32>, 8>`: the user clip planes.
    ClipPlanes = 5,
    /// `vec4<f32>`: the polygon offset (units · r, factor, clamp).
    PolygonOffset = 6,
    /// `array<vec4<f32>, 16>`: per unit, the sampler's LOD bias, min, max.
    SamplerLod = 7,
    /// `array<vec4<u32>, 4>`: per unit, the texel buffer's element count.
    TexelBufferSizes = 8,
}

/// `vec4<u32>`s holding the 16 units' texel buffer sizes.
const TEXEL_BUFFER_VECTORS: std::num::NonZeroU32 = std::num::NonZeroU32::MIN.saturating_add(3);

/// Sampler units with a LOD state in the driver uniforms.
const SAMPLER_UNITS: std::num::NonZeroU32 = std::num::NonZeroU32::MIN.saturating_add(15);

impl Lowerer<'_> {
    /// The LOD state of sampler unit `unit`: `vec4<f32>` (bias, min LOD,
    /// max LOD, unused) from the driver uniforms.
    pub(crate) fn sampler_lod(&mut self, unit: u32) -> Handle<Expression> {
        let var = self.driver_var();
        let base = self.global_ptr(var);
        let units = self.lane(base, DriverField::SamplerLod as u32);
        let ptr = self.lane(units, unit);
        self.load(ptr)
    }

    /// The element count of texture buffer unit `unit` (`u32`) from the
    /// driver uniforms.
    pub(crate) fn texel_buffer_size(&mut self, unit: u32) -> Handle<Expression> {
        let var = self.driver_var();
        let base = self.global_ptr(var);
        let sizes = self.lane(base, DriverField::TexelBufferSizes as u32);
        let vector = self.lane(sizes, unit / 4);
        let ptr = self.lane(vector, unit % 4);
        self.load(ptr)
    }

    /// Loads a driver-uniform f32 field.
    pub(crate) fn driver_uniform(&mut self, field: DriverField) -> Handle<Expression> {
        let var = self.driver_var();
        let base = self.global_ptr(var);
        let ptr = self.lane(base, field as u32);
        self.load(ptr)
    }

    /// The driver-uniform buffer (its binding created on first use).
    fn driver_var(&mut self) -> Handle<GlobalVariable> {
        match self.io.driver {
            Some(var) => var,
            None => {
                let f32_ty = self.scalar_ty(Kind::Float);
                let mut members: Vec<StructMember> =
                    ["flip_y", "fb_height", "alpha_ref", "point_size"]
                        .iter()
                        .zip((0u32..).step_by(4))
                        .map(|(name, offset)| StructMember {
                            name: Some((*name).to_owned()),
                            ty: f32_ty,
                            binding: None,
                            offset,
                        })
                        .collect();
                let rows_ty = self.vec4_ty(Kind::Uint);
                let stipple_ty = self.ty(TypeInner::Array {
                    base: rows_ty,
                    size: naga::ArraySize::Constant(STIPPLE_VECTORS),
                    stride: 16,
                });
                members.push(StructMember {
                    name: Some("polygon_stipple".to_owned()),
                    ty: stipple_ty,
                    binding: None,
                    offset: 16,
                });
                let plane_ty = self.vec4_ty(Kind::Float);
                let planes_ty = self.ty(TypeInner::Array {
                    base: plane_ty,
                    size: naga::ArraySize::Constant(CLIP_PLANES),
                    stride: 16,
                });
                members.push(StructMember {
                    name: Some("clip_planes".to_owned()),
                    ty: planes_ty,
                    binding: None,
                    offset: 144,
                });
                members.push(StructMember {
                    name: Some("polygon_offset".to_owned()),
                    ty: plane_ty,
                    binding: None,
                    offset: 272,
                });
                let lod_ty = self.ty(TypeInner::Array {
                    base: plane_ty,
                    size: naga::ArraySize::Constant(SAMPLER_UNITS),
                    stride: 16,
                });
                members.push(StructMember {
                    name: Some("sampler_lod".to_owned()),
                    ty: lod_ty,
                    binding: None,
                    offset: 288,
                });
                let sizes_ty = self.ty(TypeInner::Array {
                    base: rows_ty,
                    size: naga::ArraySize::Constant(TEXEL_BUFFER_VECTORS),
                    stride: 16,
                });
                members.push(StructMember {
                    name: Some("texel_buffer_sizes".to_owned()),
                    ty: sizes_ty,
                    binding: None,
                    offset: 544,
                });
                let span = u32::try_from(DriverUniforms::SIZE).unwrap_or(16);
                let ty = self.module.types.insert(
                    Type {
                        name: Some("DriverUniforms".to_owned()),
                        inner: TypeInner::Struct { members, span },
                    },
                    naga::Span::UNDEFINED,
                );
                let binding = ResourceBinding {
                    group: self.group,
                    binding: DRIVER_UNIFORMS_BINDING,
                };
                let var = self.module.global_variables.append(
                    GlobalVariable {
                        name: Some("driver".to_owned()),
                        space: AddressSpace::Uniform,
                        binding: Some(binding),
                        ty,
                        init: None,
                        memory_decorations: naga::MemoryDecorations::empty(),
                    },
                    self.span,
                );
                self.io.driver = Some(var);
                self.interface.driver_uniforms = Some(binding);
                var
            }
        }
    }

    /// The TGSI fragment coordinate from WebGPU's (origin at the first row
    /// in memory, centres at .5): flipped for `LOWER_LEFT`, shifted for
    /// `INTEGER` centres.
    pub(crate) fn frag_coord_value(&mut self) -> super::Value {
        let vec4 = self.vec4_ty(Kind::Float);
        let pos = self.builtin_arg(BuiltIn::Position { invariant: false }, vec4, "frag_coord");
        let [mut x, mut y, z, w] = [0, 1, 2, 3].map(|i| self.lane(pos, i));
        if self.io.props.origin == CoordOrigin::LowerLeft {
            let height = self.driver_uniform(DriverField::FbHeight);
            y = self.binary(BinaryOperator::Subtract, height, y);
        }
        if self.io.props.center == PixelCenter::Integer {
            let half = self.f32c(0.5);
            x = self.binary(BinaryOperator::Subtract, x, half);
            y = self.binary(BinaryOperator::Subtract, y, half);
        }
        super::Value::new(self.compose4(Kind::Float, [x, y, z, w]), Kind::Float)
    }

    /// The point sprite coordinate `(s, t, 0, 1)` (`Options::sprite_coords`):
    /// Vulkan's point coordinate runs down the rows in memory, which is
    /// Gallium's UPPER_LEFT; LOWER_LEFT turns `t` round.
    pub(crate) fn sprite_coord_value(&mut self) -> super::Value {
        let vec2 = self.ty(TypeInner::Vector {
            size: naga::VectorSize::Bi,
            scalar: naga::Scalar::F32,
        });
        let coord = self.builtin_arg(BuiltIn::PointCoord, vec2, "point_coord");
        let (s, mut t) = (self.lane(coord, 0), self.lane(coord, 1));
        let (zero, one) = (self.f32c(0.0), self.f32c(1.0));
        if self.options.sprite_coords.lower_left {
            t = self.binary(BinaryOperator::Subtract, one, t);
        }
        super::Value::new(self.compose4(Kind::Float, [s, t, zero, one]), Kind::Float)
    }

    /// Writes the outputs and returns (at `END` or `RET`).
    pub(crate) fn epilogue(&mut self) -> Result<(), Error> {
        if self.stage == Stage::Fragment {
            self.polygon_stipple();
            self.alpha_test();
        }
        if self.stage == Stage::TessEval {
            self.store_stage_outputs();
        }
        let members = self.io.members.clone();
        let Some(ty) = self.io.result else {
            self.stmt(Statement::Return { value: None });
            return Ok(());
        };
        let components = members
            .iter()
            .map(|m| self.member_value(m.source))
            .collect();
        let value = self.expr(Expression::Compose { ty, components });
        self.stmt(Statement::Return { value: Some(value) });
        Ok(())
    }

    pub(crate) fn member_value(&mut self, source: Source) -> Handle<Expression> {
        match source {
            Source::Position(var) => self.clip_position(var),
            Source::Reg {
                var,
                clamp,
                swizzle,
                kind,
            } => {
                let ptr = self.local_ptr(var);
                let mut v = self.load(ptr);
                match clamp {
                    Clamp::None => {}
                    Clamp::Unit => v = self.math(MathFunction::Saturate, &[v]),
                    Clamp::Signed => {
                        let (low, high) = (self.splat_f32(-1.0), self.splat_f32(1.0));
                        v = self.math(MathFunction::Clamp, &[v, low, high]);
                    }
                }
                if kind != Kind::Float {
                    v = self.bitcast(v, kind);
                }
                if swizzle != Channel::RGBA {
                    v = self.select_channels(v, swizzle, kind, false);
                }
                if kind != Kind::Float {
                    v = self.bitcast(v, kind);
                }
                v
            }
            Source::Depth(var) => {
                let ptr = self.local_ptr(var);
                let z = self.lane(ptr, 2);
                self.load(z)
            }
            Source::UintX(var) => {
                let ptr = self.local_ptr(var);
                let x = self.lane(ptr, 0);
                let x = self.load(x);
                self.bitcast(x, Kind::Uint)
            }
            Source::Zero => self.splat_f32(0.0),
            Source::PointSize(Some(var)) => {
                let ptr = self.local_ptr(var);
                let x = self.lane(ptr, 0);
                self.load(x)
            }
            Source::PointSize(None) => self.driver_uniform(DriverField::PointSize),
            Source::ClipDistances { vertex, written } => self.clip_distances(vertex, written),
            Source::OffsetDepth => self.offset_depth(),
            Source::Capture {
                var,
                first,
                count,
                clamp,
            } => {
                let ptr = self.local_ptr(var);
                let mut v = self.load(ptr);
                if clamp {
                    v = self.math(MathFunction::Saturate, &[v]);
                }
                let mut lanes = XYZW;
                lanes.rotate_left(usize::from(first) & 3);
                match count {
                    1 => self.lane(v, u32::from(first)),
                    2 => self.swizzle(naga::VectorSize::Bi, v, lanes),
                    3 => self.swizzle(naga::VectorSize::Tri, v, lanes),
                    _ => v,
                }
            }
        }
    }

    /// The fragment's depth moved by GL's polygon offset
    /// ([`crate::Options::polygon_offset`]): `z + o`, `o = units · r +
    /// factor · max(|∂z/∂x|, |∂z/∂y|)`, limited by a positive clamp from
    /// above or a negative one from below, the sum clamped to [0, 1].
    fn offset_depth(&mut self) -> Handle<Expression> {
        let vec4 = self.vec4_ty(Kind::Float);
        let pos = self.builtin_arg(BuiltIn::Position { invariant: false }, vec4, "frag_coord");
        let z = self.lane(pos, 2);
        let params = self.driver_uniform(DriverField::PolygonOffset);
        let [units, factor, clamp] = [0, 1, 2].map(|i| self.lane(params, i));
        let slope = [DerivativeAxis::X, DerivativeAxis::Y].map(|axis| {
            let d = self.expr(Expression::Derivative {
                axis,
                ctrl: DerivativeControl::Fine,
                expr: z,
            });
            self.math(MathFunction::Abs, &[d])
        });
        let slope = self.math(MathFunction::Max, &slope);
        let scaled = self.binary(BinaryOperator::Multiply, factor, slope);
        let offset = self.binary(BinaryOperator::Add, units, scaled);
        let zero = self.f32c(0.0);
        let (below, above) = (
            self.math(MathFunction::Min, &[offset, clamp]),
            self.math(MathFunction::Max, &[offset, clamp]),
        );
        let positive = self.binary(BinaryOperator::Greater, clamp, zero);
        let negative = self.binary(BinaryOperator::Less, clamp, zero);
        let offset = self.select(negative, above, offset);
        let offset = self.select(positive, below, offset);
        let depth = self.binary(BinaryOperator::Add, z, offset);
        self.math(MathFunction::Saturate, &[depth])
    }

    /// The eight clip distances of [`crate::Options::clip_planes`], 1 for
    /// the planes not enabled. A shader that writes `CLIPDIST` registers
    /// gives enabled distance `i` as lane `i % 4` of `CLIPDIST[i / 4]` (1
    /// where it does not write that register), as Gallium uses them instead
    /// of the user planes; otherwise distance `i` is `dot(v,
    /// clip_planes[i])`, `v` the `CLIPVERTEX` or `POSITION` register as
    /// written.
    fn clip_distances(
        &mut self,
        vertex: Option<Handle<naga::LocalVariable>>,
        written: [Option<Handle<naga::LocalVariable>>; 2],
    ) -> Handle<Expression> {
        let from_shader = written.iter().any(Option::is_some);
        let v = match vertex {
            Some(var) if !from_shader => {
                let ptr = self.local_ptr(var);
                self.load(ptr)
            }
            _ => self.splat_f32(0.0),
        };
        let driver = self.driver_var();
        let base = self.global_ptr(driver);
        let planes = self.lane(base, DriverField::ClipPlanes as u32);
        let components = (0..CLIP_PLANES.get())
            .map(|i| {
                if self.options.clip_planes & (1 << i) == 0 {
                    return self.f32c(1.0);
                }
                if from_shader {
                    return match written.get((i / 4) as usize).copied().flatten() {
                        Some(var) => {
                            let ptr = self.local_ptr(var);
                            let lane = self.lane(ptr, i % 4);
                            self.load(lane)
                        }
                        None => self.f32c(1.0),
                    };
                }
                let plane = self.lane(planes, i);
                let plane = self.load(plane);
                self.math(MathFunction::Dot, &[v, plane])
            })
            .collect();
        let ty = self.clip_distances_ty();
        self.expr(Expression::Compose { ty, components })
    }

    /// `array<f32, 8>`, the type of the clip distances output.
    pub(crate) fn clip_distances_ty(&mut self) -> Handle<Type> {
        let f32_ty = self.scalar_ty(Kind::Float);
        self.ty(TypeInner::Array {
            base: f32_ty,
            size: naga::ArraySize::Constant(CLIP_PLANES),
            stride: 4,
        })
    }

    /// GL clip space → WebGPU: `y *= flip_y`; `z = (z + w) / 2` unless
    /// `clip_halfz`; then `z = w − z` under `depth_range_reversed`.
    fn clip_position(
        &mut self,
        var: Option<naga::Handle<naga::LocalVariable>>,
    ) -> Handle<Expression> {
        let Some(var) = var else {
            return self.splat_f32(0.0);
        };
        let ptr = self.local_ptr(var);
        let p = self.load(ptr);
        let [x, y, mut z, w] = [0, 1, 2, 3].map(|i| self.lane(p, i));
        let flip = self.driver_uniform(DriverField::FlipY);
        let y = self.binary(BinaryOperator::Multiply, y, flip);
        if !self.options.clip_halfz {
            let sum = self.binary(BinaryOperator::Add, z, w);
            let half = self.f32c(0.5);
            z = self.binary(BinaryOperator::Multiply, sum, half);
        }
        if self.options.depth_range_reversed {
            z = self.binary(BinaryOperator::Subtract, w, z);
        }
        self.compose4(Kind::Float, [x, y, z, w])
    }

    /// Discards the fragment when its bit of the stipple pattern is 0: row
    /// `y mod 32` (Gallium's row order, as WebGPU's), bit `31 − (x mod 32)`.
    fn polygon_stipple(&mut self) {
        if !self.options.polygon_stipple {
            return;
        }
        let vec4 = self.vec4_ty(Kind::Float);
        let pos = self.builtin_arg(BuiltIn::Position { invariant: false }, vec4, "frag_coord");
        let [x, y] = [0, 1].map(|i| {
            let v = self.lane(pos, i);
            // Window positions are positive: the conversion floors.
            let v = self.convert(v, Kind::Uint);
            let mask = self.u32c(31);
            self.binary(BinaryOperator::And, v, mask)
        });
        let var = self.driver_var();
        let base = self.global_ptr(var);
        let rows = self.lane(base, DriverField::PolygonStipple as u32);
        let (two, three) = (self.u32c(2), self.u32c(3));
        let vector = self.binary(BinaryOperator::ShiftRight, y, two);
        let lane = self.binary(BinaryOperator::And, y, three);
        let vector = self.expr(Expression::Access {
            base: rows,
            index: vector,
        });
        let row = self.expr(Expression::Access {
            base: vector,
            index: lane,
        });
        let row = self.load(row);
        let c31 = self.u32c(31);
        let shift = self.binary(BinaryOperator::Subtract, c31, x);
        let bit = self.binary(BinaryOperator::ShiftRight, row, shift);
        let one = self.u32c(1);
        let bit = self.binary(BinaryOperator::And, bit, one);
        let zero = self.u32c(0);
        let off = self.binary(BinaryOperator::Equal, bit, zero);
        let mut accept = Block::new();
        accept.push(Statement::Kill, self.span);
        self.stmt(Statement::If {
            condition: off,
            accept,
            reject: Block::new(),
        });
    }

    /// Discards the fragment unless `color0.a <func> alpha_ref`.
    fn alpha_test(&mut self) {
        let (Some(func), Some(color0)) = (self.options.alpha_test, self.io.color0) else {
            return;
        };
        if matches!(
            self.options.color_kinds.first(),
            Some(crate::ColorKind::Sint | crate::ColorKind::Uint)
        ) {
            return;
        }
        if func == CompareFunction::Always {
            return;
        }
        let ptr = self.local_ptr(color0);
        let a = self.lane(ptr, 3);
        let a = self.load(a);
        let reference = self.driver_uniform(DriverField::AlphaRef);
        let pass = self.compare_with(func, a, reference);
        let fail = self.unary(UnaryOperator::LogicalNot, pass);
        let mut accept = Block::new();
        accept.push(Statement::Kill, self.span);
        self.stmt(Statement::If {
            condition: fail,
            accept,
            reject: Block::new(),
        });
    }

    /// `a <func> b` as a `bool` (scalars).
    pub(crate) fn compare_with(
        &mut self,
        func: CompareFunction,
        a: Handle<Expression>,
        b: Handle<Expression>,
    ) -> Handle<Expression> {
        let op = match func {
            CompareFunction::Always => return self.expr(Expression::Literal(Literal::Bool(true))),
            CompareFunction::Never => return self.expr(Expression::Literal(Literal::Bool(false))),
            CompareFunction::Less => BinaryOperator::Less,
            CompareFunction::Equal => BinaryOperator::Equal,
            CompareFunction::LessEqual => BinaryOperator::LessEqual,
            CompareFunction::Greater => BinaryOperator::Greater,
            CompareFunction::NotEqual => BinaryOperator::NotEqual,
            CompareFunction::GreaterEqual => BinaryOperator::GreaterEqual,
        };
        self.binary(op, a, b)
    }

    /// Wraps the function into the module's entry point.
    pub(crate) fn assemble(mut self) -> Result<(Module, Interface), Error> {
        self.interface.textures = self.texture_bindings();
        self.interface.texel_buffers = self.texel_buffer_bindings();
        // Geometry and tessellation shaders are compute entry points until
        // their SPIR-V is made such a stage (`crate::geometry_spirv`,
        // `crate::tessellation_spirv`).
        let (stage, workgroup_size) = match self.stage {
            Stage::Vertex => (ShaderStage::Vertex, [0; 3]),
            Stage::Geometry | Stage::TessCtrl | Stage::TessEval => (ShaderStage::Compute, [1; 3]),
            Stage::Compute => (ShaderStage::Compute, self.workgroup_size()),
            _ => (ShaderStage::Fragment, [0; 3]),
        };
        self.interface.geometry = self.geometry_interface();
        self.interface.tessellation = self.tessellation_interface();
        if stage == ShaderStage::Fragment {
            // GL allows implicit-LOD sampling in non-uniform control flow
            // (results there are undefined, not errors): so does this module.
            let node = self.module.diagnostic_filters.append(
                DiagnosticFilterNode {
                    inner: DiagnosticFilter {
                        new_severity: Severity::Off,
                        triggering_rule: FilterableTriggeringRule::Standard(
                            StandardFilterableTriggeringRule::DerivativeUniformity,
                        ),
                    },
                    parent: None,
                },
                naga::Span::UNDEFINED,
            );
            self.module.diagnostic_filter_leaf = Some(node);
        }
        self.module.entry_points.push(EntryPoint {
            name: "main".to_owned(),
            stage,
            early_depth_test: None,
            workgroup_size,
            workgroup_size_overrides: None,
            function: self.fun,
            mesh_info: None,
            task_payload: None,
            incoming_ray_payload: None,
        });
        Ok((self.module, self.interface))
    }
}
