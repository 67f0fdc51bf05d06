//! The entry point's inputs and outputs: arguments for vertex attributes,
//! varyings and built-ins (with the values instructions read), the result
//! struct and where each member's value comes from, interpolation and the
//! VS/FS link, and the interface entries for all of them.

use super::decl::{claim, grow, nth_semantic};
use super::expr::Kind;
use super::{Lowerer, Value};
use crate::ast::{
    DeclKind, Declaration, File, Interpolation, SampleLocation, Semantic, SemanticId, Stage,
};
use crate::error::Error;
use crate::interface::{
    builtin_name, fragment_varying_locations, is_varying, varying_location, SystemValue, Usage,
    Varying,
};
use crate::limits;
use crate::options::{Channel, ColorKind, Options, PointSize};
use naga::{
    Binding, BuiltIn, Expression, FunctionArgument, FunctionResult, GlobalVariable, Handle,
    LocalVariable, StructMember, Type, TypeInner, VectorSize,
};

/// The range a float output is clamped to before it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Clamp {
    /// Written as it is.
    None,
    /// [0, 1]: GL's vertex and fragment colour clamping.
    Unit,
    /// [−1, 1]: what a signed normalized target stores.
    Signed,
}

impl Clamp {
    /// The clamp of a colour written to colour buffer `location` of `kind`
    /// under `options` (integer colours are never clamped).
    fn color(options: &Options, location: u32, kind: Kind) -> Self {
        let signed = options
            .signed_color_buffers
            .checked_shr(location)
            .is_some_and(|bits| bits & 1 != 0);
        match kind {
            Kind::Float if options.clamp_fragment_color => Self::Unit,
            Kind::Float if signed => Self::Signed,
            _ => Self::None,
        }
    }
}

/// How a result member gets its value in the epilogue.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Source {
    /// The VS position output (GL → WebGPU clip space).
    Position(Option<Handle<LocalVariable>>),
    /// An output register, clamped as `clamp` says, then swizzled
    /// (`Options::output_swizzles`), its bits as a `vec4` of `kind`.
    Reg {
        var: Handle<LocalVariable>,
        clamp: Clamp,
        swizzle: [Channel; 4],
        kind: Kind,
    },
    /// FS depth: `.z` of the output register.
    Depth(Handle<LocalVariable>),
    /// The bits of `.x` as a `u32`: FS sample mask, GS primitive ID.
    UintX(Handle<LocalVariable>),
    /// A varying the next stage reads but this one does not write.
    Zero,
    /// VS clip distances: the `CLIPDIST[0..2]` registers' lanes when the
    /// shader writes any (GLSL `gl_ClipDistance`), else the enabled user
    /// clip planes against `vertex` (`CLIPVERTEX`, else `POSITION`).
    ClipDistances {
        vertex: Option<Handle<LocalVariable>>,
        written: [Option<Handle<LocalVariable>>; 2],
    },
    /// FS depth: the fragment's own, moved by the polygon offset
    /// (`Options::polygon_offset`, shaders that write no depth).
    OffsetDepth,
    /// VS point size: `.x` of the `PSIZE` output, else the driver
    /// uniforms' (`Options::point_size`).
    PointSize(Option<Handle<LocalVariable>>),
    /// VS stream output: `count` components from `first` of an output
    /// register as written (clamped when `clamp`).
    Capture {
        var: Handle<LocalVariable>,
        first: u8,
        count: u8,
        clamp: bool,
    },
}

/// One member of the entry point's result.
#[derive(Clone, Debug)]
pub(crate) struct Member {
    pub(crate) binding: Binding,
    pub(crate) source: Source,
}

/// Entry-point inputs and outputs.
#[derive(Default)]
pub(crate) struct Io {
    pub(crate) props: super::decl::Props,
    /// `FS_COLOR0_WRITES_ALL_CBUFS`.
    pub(crate) color0_writes_all: bool,
    /// Built-in arguments created so far.
    builtins: Vec<(BuiltIn, Handle<Expression>)>,
    /// Result members, in order.
    pub(crate) members: Vec<Member>,
    /// The result struct type.
    pub(crate) result: Option<Handle<Type>>,
    /// The `COLOR[0]` output register of a fragment shader (alpha test).
    pub(crate) color0: Option<Handle<LocalVariable>>,
    /// The driver-uniform buffer, once used.
    pub(crate) driver: Option<Handle<GlobalVariable>>,
    /// FS and GS: the location of each varying input, chosen before any is
    /// declared.
    pub(crate) planned_locations: Vec<(SemanticId, u32)>,
    /// GS: the `LAYER` output register.
    pub(crate) layer: Option<Handle<LocalVariable>>,
}

/// A declared output register.
pub(crate) struct OutputDecl {
    span: naga::Span,
    register: u32,
    semantic: SemanticId,
    invariant: bool,
    var: Handle<LocalVariable>,
}

impl Lowerer<'_> {
    /// A built-in argument (created once).
    pub(crate) fn builtin_arg(
        &mut self,
        builtin: BuiltIn,
        ty: Handle<Type>,
        name: &str,
    ) -> Handle<Expression> {
        if let Some(&(_, h)) = self.io.builtins.iter().find(|(b, _)| *b == builtin) {
            return h;
        }
        let h = self.argument(name.to_owned(), ty, Binding::BuiltIn(builtin));
        self.io.builtins.push((builtin, h));
        h
    }

    /// A new entry-point argument, as an expression.
    fn argument(&mut self, name: String, ty: Handle<Type>, binding: Binding) -> Handle<Expression> {
        let index = u32::try_from(self.fun.arguments.len()).unwrap_or(u32::MAX);
        self.fun.arguments.push(FunctionArgument {
            name: Some(name),
            ty,
            binding: Some(binding),
        });
        self.expr(Expression::FunctionArgument(index))
    }

    /// A user-location argument or result binding.
    fn location(
        location: u32,
        interpolation: Option<naga::Interpolation>,
        sampling: Option<naga::Sampling>,
    ) -> Binding {
        Binding::Location {
            location,
            interpolation,
            sampling,
            blend_src: None,
            per_primitive: false,
        }
    }

    /// Interpolation and sampling of a varying.
    fn interpolation(
        &self,
        semantic: Semantic,
        declared: Option<Interpolation>,
        location: Option<SampleLocation>,
    ) -> (naga::Interpolation, Option<naga::Sampling>) {
        let interp = match declared {
            Some(Interpolation::Constant) => naga::Interpolation::Flat,
            Some(Interpolation::Linear) => naga::Interpolation::Linear,
            Some(Interpolation::Color) if self.options.flatshade => naga::Interpolation::Flat,
            None if matches!(semantic, Semantic::Color | Semantic::BColor)
                && self.options.flatshade =>
            {
                naga::Interpolation::Flat
            }
            _ => naga::Interpolation::Perspective,
        };
        let sampling = match (interp, location) {
            (naga::Interpolation::Flat, _) => None,
            _ if self.options.per_sample_shading => Some(naga::Sampling::Sample),
            (_, Some(SampleLocation::Centroid)) => Some(naga::Sampling::Centroid),
            (_, Some(SampleLocation::Sample)) => Some(naga::Sampling::Sample),
            _ => Some(naga::Sampling::Center),
        };
        (interp, sampling)
    }

    /// FS: chooses the locations of all varying inputs
    /// ([`fragment_varying_locations`]), before any is declared. Declarations
    /// with registers beyond the limit are left to `declare_inputs` to reject.
    pub(crate) fn plan_fragment_varyings(&mut self) {
        let mut ids: Vec<SemanticId> = Vec::new();
        for decl in &self.program.declarations {
            let (
                File::Input,
                DeclKind::Input {
                    semantic: Some(base),
                    ..
                },
            ) = (decl.file, decl.kind)
            else {
                continue;
            };
            if decl.range.last >= limits::MAX_IO_REGS {
                continue;
            }
            for register in decl.range.first..=decl.range.last {
                let id = nth_semantic(base, decl, register);
                // `gl_ClipDistance` read in a fragment shader: the previous
                // stage's clip distances, interpolated, at a location.
                let read = is_varying(id.name) || id.name == Semantic::ClipDist;
                if read && !ids.contains(&id) && !self.options.sprite_coords.replaces(id) {
                    ids.push(id);
                }
            }
        }
        if self.options.two_sided_color {
            // Each colour's back-face value, from the VS's BCOLOR.
            let backs: Vec<SemanticId> = ids
                .iter()
                .filter(|id| id.name == Semantic::Color)
                .map(|&id| SemanticId {
                    name: Semantic::BColor,
                    ..id
                })
                .filter(|back| !ids.contains(back))
                .collect();
            ids.extend(backs);
        }
        let locations = fragment_varying_locations(&ids);
        self.io.planned_locations = ids.into_iter().zip(locations).collect();
    }

    /// `DCL IN`: vertex attributes (VS) or varyings and built-ins (FS),
    /// with the value each register reads.
    pub(crate) fn declare_inputs(&mut self, decl: &Declaration) -> Result<(), Error> {
        if matches!(
            self.stage,
            Stage::Geometry | Stage::TessCtrl | Stage::TessEval
        ) {
            return self.declare_vertex_inputs(decl);
        }
        let max = match self.stage {
            Stage::Vertex => limits::MAX_VERTEX_ATTRIBUTES,
            _ => limits::MAX_IO_REGS,
        };
        grow(
            &mut self.regs.inputs,
            decl.range.last,
            max,
            "IN registers",
            decl.span,
        )?;
        let DeclKind::Input {
            semantic,
            interpolation,
            location: sample_location,
        } = decl.kind
        else {
            return Err(Error::invalid("malformed IN declaration", decl.span));
        };
        for register in decl.range.first..=decl.range.last {
            if self.stage == Stage::Vertex {
                let binding = Self::location(register, None, None);
                let kind = match self.options.input_kinds.get(register as usize) {
                    Some(ColorKind::Sint) => Kind::Sint,
                    Some(ColorKind::Uint) => Kind::Uint,
                    _ => Kind::Float,
                };
                let ty = self.vec4_ty(kind);
                let expr = self.argument(format!("in{register}"), ty, binding);
                claim(
                    &mut self.regs.inputs,
                    register,
                    Value::new(expr, kind),
                    decl.file,
                    decl.span,
                )?;
                self.interface.inputs.push(Varying {
                    register,
                    semantic: None,
                    usage: Usage::Location {
                        location: register,
                        interpolation: None,
                        sampling: None,
                    },
                });
                continue;
            }
            let base = semantic.ok_or_else(|| {
                Error::invalid("a fragment shader input needs a semantic", decl.span)
            })?;
            let id = nth_semantic(base, decl, register);
            if self.interface.inputs.iter().any(|v| v.semantic == Some(id)) {
                return Err(Error::invalid(
                    format!("two inputs with semantic {}[{}]", id.name, id.index),
                    decl.span,
                ));
            }
            let mut back_input = None;
            let (value, usage) = match id.name {
                Semantic::Position => (
                    self.frag_coord_value(),
                    Usage::BuiltIn(BuiltIn::Position { invariant: false }),
                ),
                Semantic::Face => (
                    self.front_facing_value(),
                    Usage::BuiltIn(BuiltIn::FrontFacing),
                ),
                // GL's gl_PrimitiveID: the primitive's index in the draw, or
                // what a geometry shader wrote to its own.
                Semantic::PrimId => (
                    self.builtin_u32(BuiltIn::PrimitiveIndex, "primitive_index"),
                    Usage::BuiltIn(BuiltIn::PrimitiveIndex),
                ),
                _ if self.options.sprite_coords.replaces(id) => (
                    self.sprite_coord_value(),
                    Usage::BuiltIn(BuiltIn::PointCoord),
                ),
                Semantic::Color if self.options.two_sided_color => {
                    let (front, usage) =
                        self.varying_argument(id, interpolation, sample_location, decl.span)?;
                    let back_id = SemanticId {
                        name: Semantic::BColor,
                        ..id
                    };
                    let (back, back_usage) =
                        self.varying_argument(back_id, interpolation, sample_location, decl.span)?;
                    back_input = Some(Varying {
                        register,
                        semantic: Some(back_id),
                        usage: back_usage,
                    });
                    let bool_ty = self.ty(TypeInner::Scalar(naga::Scalar::BOOL));
                    let facing = self.builtin_arg(BuiltIn::FrontFacing, bool_ty, "front_facing");
                    let color = self.select(facing, front, back);
                    (Value::new(color, Kind::Float), usage)
                }
                _ => {
                    let (expr, usage) =
                        self.varying_argument(id, interpolation, sample_location, decl.span)?;
                    (Value::new(expr, Kind::Float), usage)
                }
            };
            claim(&mut self.regs.inputs, register, value, decl.file, decl.span)?;
            self.interface.inputs.push(Varying {
                register,
                semantic: Some(id),
                usage,
            });
            self.interface.inputs.extend(back_input);
        }
        Ok(())
    }

    /// The argument of FS varying `id` at its planned location, with the
    /// declared interpolation.
    fn varying_argument(
        &mut self,
        id: SemanticId,
        interpolation: Option<Interpolation>,
        sample_location: Option<SampleLocation>,
        span: naga::Span,
    ) -> Result<(Handle<Expression>, Usage), Error> {
        let location = self
            .io
            .planned_locations
            .iter()
            .find_map(|&(planned, location)| (planned == id).then_some(location))
            .ok_or_else(|| {
                Error::unsupported(
                    format!("fragment shader input {}[{}]", id.name, id.index),
                    span,
                )
            })?;
        let (interp, sampling) = self.interpolation(id.name, interpolation, sample_location);
        let vec4 = self.vec4_ty(Kind::Float);
        let expr = self.argument(
            format!("in_{}{}", id.name.name().to_lowercase(), id.index),
            vec4,
            Self::location(location, Some(interp), sampling),
        );
        let usage = Usage::Location {
            location,
            interpolation: Some(interp),
            sampling,
        };
        Ok((expr, usage))
    }

    /// `DCL OUT`: one `vec4<f32>` variable per register, collected for the
    /// result.
    pub(crate) fn declare_outputs(
        &mut self,
        decl: &Declaration,
        outputs: &mut Vec<OutputDecl>,
    ) -> Result<(), Error> {
        grow(
            &mut self.regs.outputs,
            decl.range.last,
            limits::MAX_IO_REGS,
            "OUT registers",
            decl.span,
        )?;
        let DeclKind::Output {
            semantic,
            invariant,
        } = decl.kind
        else {
            return Err(Error::invalid("malformed OUT declaration", decl.span));
        };
        let base =
            semantic.ok_or_else(|| Error::invalid("an output needs a semantic", decl.span))?;
        let vec4 = self.vec4_ty(Kind::Float);
        for register in decl.range.first..=decl.range.last {
            let id = nth_semantic(base, decl, register);
            if outputs.iter().any(|o: &OutputDecl| o.semantic == id) {
                return Err(Error::invalid(
                    format!("two outputs with semantic {}[{}]", id.name, id.index),
                    decl.span,
                ));
            }
            let var = self.local(format!("out{register}"), vec4);
            claim(&mut self.regs.outputs, register, var, decl.file, decl.span)?;
            outputs.push(OutputDecl {
                span: decl.span,
                register,
                semantic: id,
                invariant,
                var,
            });
        }
        Ok(())
    }

    /// `DCL SV`: built-in arguments and the values the registers read.
    pub(crate) fn declare_system_values(&mut self, decl: &Declaration) -> Result<(), Error> {
        grow(
            &mut self.regs.system_values,
            decl.range.last,
            limits::MAX_SYSTEM_VALUES,
            "SV registers",
            decl.span,
        )?;
        let DeclKind::SystemValue { semantic } = decl.kind else {
            return Err(Error::invalid("malformed SV declaration", decl.span));
        };
        for register in decl.range.first..=decl.range.last {
            let staged = match (self.stage, semantic.name) {
                (Stage::Geometry, Semantic::PrimId) => Some(self.primitive_id_value(register)),
                (Stage::TessCtrl | Stage::TessEval, name) => {
                    Some(self.tessellation_system_value(register, name, decl.span)?)
                }
                _ => None,
            };
            if let Some(value) = staged {
                claim(
                    &mut self.regs.system_values,
                    register,
                    value,
                    decl.file,
                    decl.span,
                )?;
                continue;
            }
            let (value, builtin) = match (self.stage, semantic.name) {
                (Stage::Vertex, Semantic::InstanceId) => (
                    self.builtin_u32(BuiltIn::InstanceIndex, "instance_index"),
                    BuiltIn::InstanceIndex,
                ),
                (Stage::Vertex, Semantic::VertexId) => (
                    self.builtin_u32(BuiltIn::VertexIndex, "vertex_index"),
                    BuiltIn::VertexIndex,
                ),
                (Stage::Fragment, Semantic::Face) => {
                    (self.front_facing_value(), BuiltIn::FrontFacing)
                }
                (Stage::Fragment, Semantic::Position) => (
                    self.frag_coord_value(),
                    BuiltIn::Position { invariant: false },
                ),
                (Stage::Fragment, Semantic::SampleId) => (
                    self.builtin_u32(BuiltIn::SampleIndex, "sample_index"),
                    BuiltIn::SampleIndex,
                ),
                // gl_SamplePosition reads the sample index too, which
                // makes each sample an invocation of its own.
                (Stage::Fragment, Semantic::SamplePos) => {
                    (self.sample_position_value(), BuiltIn::SampleIndex)
                }
                (Stage::Fragment, Semantic::SampleMask) => (
                    self.builtin_u32(BuiltIn::SampleMask, "sample_mask"),
                    BuiltIn::SampleMask,
                ),
                (Stage::Compute, Semantic::ThreadId) => (
                    self.builtin_uvec3(BuiltIn::LocalInvocationId, "local_invocation_id"),
                    BuiltIn::LocalInvocationId,
                ),
                (Stage::Compute, Semantic::BlockId) => (
                    self.builtin_uvec3(BuiltIn::WorkGroupId, "workgroup_id"),
                    BuiltIn::WorkGroupId,
                ),
                (Stage::Compute, Semantic::GridSize) => (
                    self.builtin_uvec3(BuiltIn::NumWorkGroups, "num_workgroups"),
                    BuiltIn::NumWorkGroups,
                ),
                // The workgroup size is a constant of the module.
                (Stage::Compute, Semantic::BlockSize) => {
                    (self.block_size_value(), BuiltIn::WorkGroupSize)
                }
                (stage, name) => {
                    return Err(Error::unsupported(
                        format!("system value {name} in a {stage} shader"),
                        decl.span,
                    ))
                }
            };
            claim(
                &mut self.regs.system_values,
                register,
                value,
                decl.file,
                decl.span,
            )?;
            self.interface.system_values.push(SystemValue {
                register,
                semantic: semantic.name,
                builtin,
            });
        }
        Ok(())
    }

    /// A `u32` built-in, splatted to all lanes.
    fn builtin_u32(&mut self, builtin: BuiltIn, name: &str) -> Value {
        let ty = self.scalar_ty(Kind::Uint);
        let arg = self.builtin_arg(builtin, ty, name);
        Value::new(self.splat(arg), Kind::Uint)
    }

    /// `SAMPLEPOS` (GL's `gl_SamplePosition`): the sample's place in its
    /// pixel, (x, y, 0, 0) with y up. Each sample is shaded by an
    /// invocation of its own (the sample index is an input), whose position
    /// is the sample's (Vulkan's `FragCoord` under sample shading): its
    /// fraction, y turned round where rows run down (window framebuffers,
    /// `flip_y > 0`).
    fn sample_position_value(&mut self) -> Value {
        self.builtin_u32(BuiltIn::SampleIndex, "sample_index");
        let vec4 = self.vec4_ty(Kind::Float);
        let pos = self.builtin_arg(BuiltIn::Position { invariant: false }, vec4, "frag_coord");
        let [x, y] = [0, 1].map(|i| {
            let v = self.lane(pos, i);
            self.math(naga::MathFunction::Fract, &[v])
        });
        let (zero, one) = (self.f32c(0.0), self.f32c(1.0));
        let flip = self.driver_uniform(super::gl::DriverField::FlipY);
        let rows_down = self.binary(naga::BinaryOperator::Greater, flip, zero);
        let up = self.binary(naga::BinaryOperator::Subtract, one, y);
        let y = self.select(rows_down, up, y);
        Value::new(self.compose4(Kind::Float, [x, y, zero, zero]), Kind::Float)
    }

    /// `FACE`: x = +1 front-facing, −1 back-facing; (x, 0, 0, 1).
    fn front_facing_value(&mut self) -> Value {
        let ty = self.ty(TypeInner::Scalar(naga::Scalar::BOOL));
        let front = self.builtin_arg(BuiltIn::FrontFacing, ty, "front_facing");
        let (plus, minus, zero, one) = (
            self.f32c(1.0),
            self.f32c(-1.0),
            self.f32c(0.0),
            self.f32c(1.0),
        );
        let x = self.select(front, plus, minus);
        Value::new(
            self.compose4(Kind::Float, [x, zero, zero, one]),
            Kind::Float,
        )
    }

    /// Builds the result struct from the output declarations.
    pub(crate) fn build_result(&mut self, outputs: &[OutputDecl]) -> Result<(), Error> {
        match self.stage {
            Stage::Vertex => self.vertex_members(outputs)?,
            // A vertex shader's outputs, written at each EMIT.
            Stage::Geometry | Stage::TessEval => {
                self.vertex_members(outputs)?;
                return self.stage_outputs();
            }
            // TCS outputs are variables of their own (`tessellation`).
            Stage::Compute | Stage::TessCtrl => return Ok(()),
            _ => self.fragment_members(outputs)?,
        }
        if self.io.members.is_empty() {
            return Ok(());
        }
        let members_in = self.io.members.clone();
        let mut members = Vec::with_capacity(members_in.len());
        let mut offset = 0u32;
        for m in &members_in {
            let ty = self.member_type(m);
            let size = match m.binding {
                Binding::BuiltIn(BuiltIn::ClipDistances) => 32,
                _ => 16,
            };
            let name = match m.binding {
                Binding::BuiltIn(BuiltIn::Position { .. }) => "position".to_owned(),
                Binding::BuiltIn(b) => builtin_name(b).to_owned(),
                Binding::Location { location, .. } => format!("location{location}"),
            };
            members.push(StructMember {
                name: Some(name),
                ty,
                binding: Some(m.binding.clone()),
                offset,
            });
            offset = offset.saturating_add(size);
        }
        let span = offset;
        let ty = self.module.types.insert(
            Type {
                name: Some("Output".to_owned()),
                inner: TypeInner::Struct { members, span },
            },
            naga::Span::UNDEFINED,
        );
        self.io.result = Some(ty);
        self.fun.result = Some(FunctionResult { ty, binding: None });
        Ok(())
    }

    /// The type of result member `m`'s value.
    pub(crate) fn member_type(&mut self, m: &Member) -> Handle<Type> {
        let vec4 = self.vec4_ty(Kind::Float);
        let (ivec4, uvec4) = (self.vec4_ty(Kind::Sint), self.vec4_ty(Kind::Uint));
        let (f32_ty, u32_ty) = (self.scalar_ty(Kind::Float), self.scalar_ty(Kind::Uint));
        let clip_ty = self.clip_distances_ty();
        // Only shaders with stream output get the extra types.
        let (vec2, vec3) = if self.options.captures.is_empty() {
            (vec4, vec4)
        } else {
            (
                self.vec_ty(VectorSize::Bi, Kind::Float),
                self.vec_ty(VectorSize::Tri, Kind::Float),
            )
        };
        match m.binding {
            Binding::BuiltIn(BuiltIn::FragDepth | BuiltIn::PointSize) => f32_ty,
            Binding::BuiltIn(BuiltIn::SampleMask | BuiltIn::PrimitiveIndex) => u32_ty,
            Binding::BuiltIn(BuiltIn::ClipDistances) => clip_ty,
            _ => match m.source {
                Source::Capture { count, .. } => match count {
                    1 => f32_ty,
                    2 => vec2,
                    3 => vec3,
                    _ => vec4,
                },
                Source::Reg {
                    kind: Kind::Sint, ..
                } => ivec4,
                Source::Reg {
                    kind: Kind::Uint, ..
                } => uvec4,
                _ => vec4,
            },
        }
    }

    /// FS under `Options::dual_source_blend`: `COLOR[0]` and `COLOR[1]` (zero
    /// where undeclared) as blend sources 0 and 1 of location 0, typed by
    /// colour buffer 0.
    fn dual_source_members(&mut self, outputs: &[OutputDecl]) {
        let kind = match self.options.color_kinds.first() {
            Some(ColorKind::Sint) => Kind::Sint,
            Some(ColorKind::Uint) => Kind::Uint,
            _ => Kind::Float,
        };
        let clamp = Clamp::color(self.options, 0, kind);
        let swizzle = self
            .options
            .output_swizzles
            .first()
            .copied()
            .unwrap_or(Channel::RGBA);
        for source in 0..2u32 {
            let var = outputs
                .iter()
                .find(|o| o.semantic.name == Semantic::Color && o.semantic.index == source);
            if source == 0 {
                self.io.color0 = var.map(|o| o.var);
            }
            self.io.members.push(Member {
                binding: Binding::Location {
                    location: 0,
                    interpolation: None,
                    sampling: None,
                    blend_src: Some(source),
                    per_primitive: false,
                },
                source: match var {
                    Some(o) => Source::Reg {
                        var: o.var,
                        clamp,
                        swizzle,
                        kind,
                    },
                    None => Source::Zero,
                },
            });
        }
    }

    /// VS result: position first, then varyings, then zero outputs for the
    /// linked FS inputs this VS does not write.
    fn vertex_members(&mut self, outputs: &[OutputDecl]) -> Result<(), Error> {
        let position = outputs
            .iter()
            .find(|o| o.semantic.name == Semantic::Position);
        let invariant = position.is_some_and(|o| o.invariant);
        self.io.members.push(Member {
            binding: Binding::BuiltIn(BuiltIn::Position { invariant }),
            source: Source::Position(position.map(|o| o.var)),
        });
        for o in outputs {
            let usage = match o.semantic.name {
                Semantic::Position => Usage::BuiltIn(BuiltIn::Position { invariant }),
                Semantic::PSize if self.options.point_size == PointSize::PerVertex => {
                    Usage::BuiltIn(BuiltIn::PointSize)
                }
                Semantic::PSize | Semantic::EdgeFlag | Semantic::ClipVertex => Usage::Dropped,
                Semantic::ClipDist if o.semantic.index >= 2 => {
                    return Err(Error::invalid(
                        format!("CLIPDIST[{}] (two registers hold 8)", o.semantic.index),
                        o.span,
                    ))
                }
                Semantic::ClipDist if self.options.clip_planes == 0 => Usage::Dropped,
                Semantic::ClipDist => Usage::BuiltIn(BuiltIn::ClipDistances),
                // A geometry shader's gl_PrimitiveID: what the fragment
                // shader's reads.
                Semantic::Layer if self.stage == Stage::Geometry => {
                    self.io.layer = Some(o.var);
                    Usage::Layer
                }
                Semantic::PrimId if self.stage == Stage::Geometry => {
                    self.io.members.push(Member {
                        binding: Binding::BuiltIn(BuiltIn::PrimitiveIndex),
                        source: Source::UintX(o.var),
                    });
                    Usage::BuiltIn(BuiltIn::PrimitiveIndex)
                }
                name if !is_varying(name) => {
                    return Err(Error::unsupported(
                        format!("vertex shader output {name}[{}]", o.semantic.index),
                        o.span,
                    ))
                }
                name => match self.output_location(o.semantic) {
                    // No fragment shader input reads it.
                    None => Usage::Dropped,
                    Some(location) => {
                        let (interp, sampling) = self.linked_interpolation(o.semantic);
                        let clamp = if self.options.clamp_vertex_color
                            && matches!(name, Semantic::Color | Semantic::BColor)
                        {
                            Clamp::Unit
                        } else {
                            Clamp::None
                        };
                        self.io.members.push(Member {
                            binding: Self::location(location, Some(interp), sampling),
                            source: Source::Reg {
                                var: o.var,
                                clamp,
                                swizzle: Channel::RGBA,
                                kind: Kind::Float,
                            },
                        });
                        Usage::Location {
                            location,
                            interpolation: Some(interp),
                            sampling,
                        }
                    }
                },
            };
            self.interface.outputs.push(Varying {
                register: o.register,
                semantic: Some(o.semantic),
                usage,
            });
        }
        let psize = outputs.iter().find(|o| o.semantic.name == Semantic::PSize);
        let point_size = match self.options.point_size {
            PointSize::Unwritten => None,
            PointSize::Fixed => Some(None),
            PointSize::PerVertex => Some(psize.map(|o| o.var)),
        };
        if let Some(var) = point_size {
            self.io.members.push(Member {
                binding: Binding::BuiltIn(BuiltIn::PointSize),
                source: Source::PointSize(var),
            });
        }
        if self.options.clip_planes != 0 {
            let vertex = outputs
                .iter()
                .find(|o| o.semantic.name == Semantic::ClipVertex)
                .or(position)
                .map(|o| o.var);
            let written = [0, 1].map(|index| {
                outputs
                    .iter()
                    .find(|o| {
                        o.semantic
                            == SemanticId {
                                name: Semantic::ClipDist,
                                index,
                            }
                    })
                    .map(|o| o.var)
            });
            self.io.members.push(Member {
                binding: Binding::BuiltIn(BuiltIn::ClipDistances),
                source: Source::ClipDistances { vertex, written },
            });
        }
        // A linked geometry shader reads built-in outputs (position, point
        // size, clip distances) at locations: each as written.
        for o in outputs.iter().filter(|o| !is_varying(o.semantic.name)) {
            if let Some(location) = self.linked_location(o.semantic) {
                let (interp, sampling) = self.linked_interpolation(o.semantic);
                self.io.members.push(Member {
                    binding: Self::location(location, Some(interp), sampling),
                    source: Source::Reg {
                        var: o.var,
                        clamp: Clamp::None,
                        swizzle: Channel::RGBA,
                        kind: Kind::Float,
                    },
                });
            }
        }
        // Varyings the linked next stage reads that this one never writes.
        for input in &self.options.next_stage_inputs {
            let (
                Some(id),
                Usage::Location {
                    location,
                    interpolation,
                    sampling,
                },
            ) = (input.semantic, input.usage)
            else {
                continue;
            };
            if outputs.iter().any(|o| o.semantic == id) {
                continue;
            }
            self.io.members.push(Member {
                binding: Self::location(location, interpolation, sampling),
                source: Source::Zero,
            });
        }
        self.capture_members(outputs)
    }

    /// VS stream output: one member per [`crate::Options::captures`] range,
    /// at locations above every other member's.
    fn capture_members(&mut self, outputs: &[OutputDecl]) -> Result<(), Error> {
        let captures = &self.options.captures;
        if captures.len() > limits::MAX_CAPTURES {
            return Err(Error::too_large(
                "stream-output ranges",
                captures.len() as u64,
                limits::MAX_CAPTURES as u64,
                naga::Span::UNDEFINED,
            ));
        }
        let first_location = self
            .io
            .members
            .iter()
            .filter_map(|m| match m.binding {
                Binding::Location { location, .. } => Some(location + 1),
                Binding::BuiltIn(_) => None,
            })
            .max()
            .unwrap_or(0);
        for (location, c) in (first_location..).zip(captures) {
            if c.count == 0 || u32::from(c.first) + u32::from(c.count) > 4 {
                return Err(Error::invalid(
                    format!(
                        "stream output of components {}..{} of OUT[{}]",
                        c.first,
                        u32::from(c.first) + u32::from(c.count),
                        c.register
                    ),
                    naga::Span::UNDEFINED,
                ));
            }
            let Some(o) = outputs.iter().find(|o| o.register == c.register) else {
                return Err(Error::invalid(
                    format!("stream output of undeclared OUT[{}]", c.register),
                    naga::Span::UNDEFINED,
                ));
            };
            let clamp = self.options.clamp_vertex_color
                && matches!(o.semantic.name, Semantic::Color | Semantic::BColor);
            self.io.members.push(Member {
                binding: Self::location(
                    location,
                    Some(naga::Interpolation::Perspective),
                    Some(naga::Sampling::Center),
                ),
                source: Source::Capture {
                    var: o.var,
                    first: c.first,
                    count: c.count,
                    clamp,
                },
            });
            self.interface.captures.push(location);
        }
        Ok(())
    }

    /// VS output location: where the linked FS reads the varying; without a
    /// linked FS, its [`varying_location`]. `None`: nothing reads it.
    pub(crate) fn output_location(&self, id: SemanticId) -> Option<u32> {
        if self.options.next_stage_inputs.is_empty() {
            return varying_location(id);
        }
        self.linked_location(id)
    }

    /// Where the linked next stage reads `id` through a location, if it does.
    pub(crate) fn linked_location(&self, id: SemanticId) -> Option<u32> {
        self.options
            .next_stage_inputs
            .iter()
            .find_map(|v| match v.usage {
                Usage::Location { location, .. } if v.semantic == Some(id) => Some(location),
                _ => None,
            })
    }

    /// VS output interpolation: the linked FS input's, else the default.
    fn linked_interpolation(
        &self,
        id: SemanticId,
    ) -> (naga::Interpolation, Option<naga::Sampling>) {
        let linked = self
            .options
            .next_stage_inputs
            .iter()
            .find_map(|v| match v.usage {
                Usage::Location {
                    interpolation: Some(i),
                    sampling,
                    ..
                } if v.semantic == Some(id) => Some((i, sampling)),
                _ => None,
            });
        linked.unwrap_or_else(|| self.interpolation(id.name, None, None))
    }

    /// FS result: colours (colour 0 broadcast when asked), depth, sample
    /// mask.
    fn fragment_members(&mut self, outputs: &[OutputDecl]) -> Result<(), Error> {
        if self.options.dual_source_blend {
            self.dual_source_members(outputs);
        }
        for o in outputs {
            let usage = match o.semantic.name {
                Semantic::Color if self.options.dual_source_blend => match o.semantic.index {
                    0 | 1 => Usage::Location {
                        location: 0,
                        interpolation: None,
                        sampling: None,
                    },
                    _ => Usage::Dropped,
                },
                // With colour 0 written to every buffer, a second colour is
                // only ever a second blend source (EXT_blend_func_extended's
                // gl_SecondaryFragColorEXT beside gl_FragColor).
                Semantic::Color if self.io.color0_writes_all && o.semantic.index > 0 => {
                    Usage::Dropped
                }
                Semantic::Color if o.semantic.index < limits::MAX_COLOR_BUFFERS => {
                    if o.semantic.index == 0 {
                        self.io.color0 = Some(o.var);
                    }
                    let copies = if self.io.color0_writes_all {
                        self.options
                            .color_buffers
                            .clamp(1, limits::MAX_COLOR_BUFFERS)
                    } else {
                        1
                    };
                    // Every copy but the last is listed here, the last below.
                    let last = o.semantic.index + copies - 1;
                    for location in o.semantic.index..=last {
                        let kind = match self.options.color_kinds.get(location as usize) {
                            Some(ColorKind::Sint) => Kind::Sint,
                            Some(ColorKind::Uint) => Kind::Uint,
                            _ => Kind::Float,
                        };
                        self.io.members.push(Member {
                            binding: Self::location(location, None, None),
                            source: Source::Reg {
                                var: o.var,
                                clamp: Clamp::color(self.options, location, kind),
                                kind,
                                swizzle: self
                                    .options
                                    .output_swizzles
                                    .get(location as usize)
                                    .copied()
                                    .unwrap_or(Channel::RGBA),
                            },
                        });
                        if location != last {
                            self.interface.outputs.push(Varying {
                                register: o.register,
                                semantic: Some(o.semantic),
                                usage: Usage::Location {
                                    location,
                                    interpolation: None,
                                    sampling: None,
                                },
                            });
                        }
                    }
                    Usage::Location {
                        location: last,
                        interpolation: None,
                        sampling: None,
                    }
                }
                Semantic::Position => {
                    self.io.members.push(Member {
                        binding: Binding::BuiltIn(BuiltIn::FragDepth),
                        source: Source::Depth(o.var),
                    });
                    Usage::BuiltIn(BuiltIn::FragDepth)
                }
                Semantic::SampleMask => {
                    self.io.members.push(Member {
                        binding: Binding::BuiltIn(BuiltIn::SampleMask),
                        source: Source::UintX(o.var),
                    });
                    Usage::BuiltIn(BuiltIn::SampleMask)
                }
                name => {
                    return Err(Error::unsupported(
                        format!("fragment shader output {name}[{}]", o.semantic.index),
                        o.span,
                    ))
                }
            };
            self.interface.outputs.push(Varying {
                register: o.register,
                semantic: Some(o.semantic),
                usage,
            });
        }
        let writes_depth = outputs
            .iter()
            .any(|o| o.semantic.name == Semantic::Position);
        if self.options.polygon_offset && !writes_depth {
            self.io.members.push(Member {
                binding: Binding::BuiltIn(BuiltIn::FragDepth),
                source: Source::OffsetDepth,
            });
        }
        Ok(())
    }
}
