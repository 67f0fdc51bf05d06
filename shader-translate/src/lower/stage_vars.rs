//! Stage inputs and outputs as private variables, shared by the stages
//! WebGPU lacks (geometry, tessellation control and evaluation), whose
//! modules are compute entry points until their SPIR-V is rewritten
//! ([`crate::geometry_spirv`], [`crate::tessellation_spirv`]): per-vertex
//! input arrays (`IN[v][r]`, the vertex index clamped), built-in inputs,
//! the result members as output variables, and the list of
//! [`StageVariable`]s.

use super::decl::{claim, grow, nth_semantic};
use super::expr::Kind;
use super::io::Source;
use super::{Lowerer, Value};
use crate::ast::{DeclKind, Declaration, File, Index, Register, Semantic, SemanticId, Stage};
use crate::error::Error;
use crate::interface::{
    fragment_varying_locations, spirv_builtin, StageLink, StageVariable, SystemValue, Usage,
    Varying,
};
use crate::limits;
use naga::{ArraySize, Binding, BuiltIn, Expression, GlobalVariable, Handle, Type, TypeInner};

/// The stage variables of a module.
#[derive(Default)]
pub(crate) struct StageVars {
    /// Length of the per-vertex input arrays (0: the stage has none, its
    /// inputs are read the way `io` declares them).
    pub(crate) vertices_in: u32,
    /// Per-vertex input arrays by `IN` register.
    pub(crate) inputs: Vec<Option<Handle<GlobalVariable>>>,
    /// Output variables and what each is given: the result members in
    /// order, then (GS) the layer.
    pub(crate) outputs: Vec<(Source, Handle<GlobalVariable>)>,
    /// Built-in input variables made so far, by SPIR-V built-in.
    builtins: Vec<(u32, Handle<GlobalVariable>)>,
    /// Every stage variable.
    pub(crate) variables: Vec<StageVariable>,
}

/// The register's semantic as a stage with vertex arrays sees it: `PATCH[k]`
/// stays itself in tessellation stages (elsewhere it stands for a
/// `GENERIC`, see [`nth_semantic`]).
pub(crate) fn stage_semantic(
    stage: Stage,
    base: SemanticId,
    decl: &Declaration,
    register: u32,
) -> SemanticId {
    if base.name == Semantic::Patch && matches!(stage, Stage::TessCtrl | Stage::TessEval) {
        SemanticId {
            name: Semantic::Patch,
            index: base.index.saturating_add(register - decl.range.first),
        }
    } else {
        nth_semantic(base, decl, register)
    }
}

/// Whether an input of this semantic is one per primitive or patch, not
/// one per vertex.
pub(crate) const fn per_primitive(name: Semantic) -> bool {
    matches!(
        name,
        Semantic::PrimId | Semantic::Patch | Semantic::TessOuter | Semantic::TessInner
    )
}

impl Lowerer<'_> {
    /// GS, TCS, TES: chooses the locations of all per-vertex inputs before
    /// any is declared (as for a fragment shader's varyings; the previous
    /// stage, linked to this one, writes each where it is read). A TES's
    /// per-patch inputs (`PATCH[k]`) take locations 0, 1, 2, … in
    /// increasing `k`: Vulkan's per-patch variables have a location space
    /// of their own (Mesa reads location `l` as patch slot `l`, of 32).
    pub(crate) fn plan_vertex_inputs(&mut self) {
        let mut ids = Vec::new();
        let mut patches = Vec::new();
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
                let id = stage_semantic(self.stage, base, decl, register);
                if !per_primitive(id.name) && !ids.contains(&id) {
                    ids.push(id);
                }
                if id.name == Semantic::Patch && !patches.contains(&id) {
                    patches.push(id);
                }
            }
        }
        let locations = fragment_varying_locations(&ids);
        patches.sort_by_key(|id| id.index);
        self.io.planned_locations = ids.into_iter().zip(locations).collect();
        self.io
            .planned_locations
            .extend(patches.into_iter().zip(0..));
    }

    /// `DCL IN[][r]` (GS, TCS, TES): one private array per register, a
    /// value per input vertex; per-primitive inputs (`PRIM_ID`, and a
    /// TES's patch inputs and tessellation levels) read as `IN[r]`.
    pub(crate) fn declare_vertex_inputs(&mut self, decl: &Declaration) -> Result<(), Error> {
        let DeclKind::Input {
            semantic: Some(base),
            ..
        } = decl.kind
        else {
            return Err(Error::invalid(
                format!("a {} shader input needs a semantic", self.stage),
                decl.span,
            ));
        };
        grow(
            &mut self.staged.inputs,
            decl.range.last,
            limits::MAX_IO_REGS,
            "IN registers",
            decl.span,
        )?;
        let count = core::num::NonZeroU32::new(self.staged.vertices_in)
            .unwrap_or(core::num::NonZeroU32::MIN);
        let vec4 = self.vec4_ty(Kind::Float);
        let ty = self.ty(TypeInner::Array {
            base: vec4,
            size: ArraySize::Constant(count),
            stride: 16,
        });
        for register in decl.range.first..=decl.range.last {
            let id = stage_semantic(self.stage, base, decl, register);
            if per_primitive(id.name) {
                grow(
                    &mut self.regs.inputs,
                    register,
                    limits::MAX_IO_REGS,
                    "IN registers",
                    decl.span,
                )?;
                let value = match id.name {
                    // `gl_PrimitiveIDIn`: one per primitive, read as `IN[r]`.
                    Semantic::PrimId => self.primitive_id_value(register),
                    _ => self.patch_input(register, id, decl.span)?,
                };
                claim(&mut self.regs.inputs, register, value, decl.file, decl.span)?;
                continue;
            }
            let location = self
                .io
                .planned_locations
                .iter()
                .find_map(|&(planned, location)| (planned == id).then_some(location))
                .ok_or_else(|| Error::invalid("input not planned", decl.span))?;
            let name = format!("pv3d_in{register}");
            let var = self.private(name.clone(), ty, None);
            claim(&mut self.staged.inputs, register, var, decl.file, decl.span)?;
            self.list_input(name, register, id, location, false);
        }
        Ok(())
    }

    /// `PRIM_ID` (an `IN` or `SV` register): the primitive's index, listed
    /// as a system value.
    pub(crate) fn primitive_id_value(&mut self, register: u32) -> Value {
        self.interface.system_values.push(SystemValue {
            register,
            semantic: Semantic::PrimId,
            builtin: BuiltIn::PrimitiveIndex,
        });
        let value = self.builtin_input(spirv_builtin::PRIMITIVE_ID, Kind::Uint);
        Value::new(self.splat(value), Kind::Uint)
    }

    /// A built-in input (SPIR-V built-in `builtin`) of a scalar type:
    /// a private variable (made once) loaded where the function starts.
    pub(crate) fn builtin_input(&mut self, builtin: u32, kind: Kind) -> Handle<Expression> {
        let ty = self.scalar_ty(kind);
        let var = self.builtin_var(builtin, ty, false);
        let ptr = self.global_ptr(var);
        self.load(ptr)
    }

    /// Whether the variable of built-in `builtin` was made.
    pub(crate) fn has_builtin(&self, builtin: u32) -> bool {
        self.staged.builtins.iter().any(|(b, _)| *b == builtin)
    }

    /// The private variable standing for built-in `builtin` (an input, or
    /// an output when `output`), of type `ty` (made once).
    pub(crate) fn builtin_var(
        &mut self,
        builtin: u32,
        ty: Handle<Type>,
        output: bool,
    ) -> Handle<GlobalVariable> {
        if let Some(&(_, var)) = self.staged.builtins.iter().find(|(b, _)| *b == builtin) {
            return var;
        }
        let name = match builtin {
            spirv_builtin::PRIMITIVE_ID => "pv3d_primitive_id".to_owned(),
            spirv_builtin::INVOCATION_ID => "pv3d_invocation_id".to_owned(),
            spirv_builtin::TESS_LEVEL_OUTER => "pv3d_tess_level_outer".to_owned(),
            spirv_builtin::TESS_LEVEL_INNER => "pv3d_tess_level_inner".to_owned(),
            spirv_builtin::TESS_COORD => "pv3d_tess_coord".to_owned(),
            spirv_builtin::PATCH_VERTICES => "pv3d_patch_vertices".to_owned(),
            other => format!("pv3d_builtin{other}"),
        };
        let var = self.private(name.clone(), ty, None);
        self.staged.builtins.push((builtin, var));
        self.staged.variables.push(StageVariable {
            name,
            output,
            link: StageLink::BuiltIn(builtin),
        });
        var
    }

    /// `IN[v][r]`: register `r` of input vertex `v` (indirect vertex
    /// indices are clamped to the array), or `IN[r]`, a per-primitive
    /// input.
    pub(crate) fn vertex_input(&mut self, reg: &Register) -> Result<Value, Error> {
        let (Some(vertex), Index::Direct(register)) = (reg.dimension, reg.index) else {
            if let (None, Index::Direct(register)) = (reg.dimension, reg.index) {
                return self
                    .regs
                    .inputs
                    .get(register as usize)
                    .copied()
                    .flatten()
                    .ok_or_else(|| {
                        Error::invalid(format!("IN[{register}] is not declared"), reg.span)
                    });
            }
            return Err(Error::unsupported(
                format!(
                    "{} shader inputs without a vertex index, or with an indirect register",
                    self.stage
                ),
                reg.span,
            ));
        };
        let var = self.staged.inputs.get(register as usize).copied().flatten();
        let var = var
            .ok_or_else(|| Error::invalid(format!("IN[][{register}] is not declared"), reg.span))?;
        let base = self.global_ptr(var);
        let ptr = self.vertex_pointer(base, vertex, self.staged.vertices_in, reg)?;
        Ok(Value::new(self.load(ptr), Kind::Float))
    }

    /// Pointer to element `vertex` of the array `base` points to, of
    /// `count` elements: a direct index must be below `count`, an indirect
    /// one is clamped.
    pub(crate) fn vertex_pointer(
        &mut self,
        base: Handle<Expression>,
        vertex: Index,
        count: u32,
        reg: &Register,
    ) -> Result<Handle<Expression>, Error> {
        match vertex {
            Index::Direct(v) if v < count => {
                Ok(self.expr(Expression::AccessIndex { base, index: v }))
            }
            Index::Direct(v) => Err(Error::invalid(
                format!("vertex index {v} out of range (the array has {count})"),
                reg.span,
            )),
            indirect @ Index::Indirect { .. } => {
                let index = self.index(
                    &Register {
                        index: indirect,
                        ..*reg
                    },
                    0,
                    count,
                )?;
                Ok(self.access(base, index))
            }
        }
    }

    /// Lists private variable `name`, input register `register` of
    /// semantic `id`, as a stage input at `location` (a per-patch one when
    /// `patch`) and as an input of the interface there.
    pub(crate) fn list_input(
        &mut self,
        name: String,
        register: u32,
        id: SemanticId,
        location: u32,
        patch: bool,
    ) {
        let link = if patch {
            StageLink::PatchLocation(location)
        } else {
            StageLink::Location(location)
        };
        self.staged.variables.push(StageVariable {
            name,
            output: false,
            link,
        });
        self.interface.inputs.push(Varying {
            register,
            semantic: Some(id),
            usage: Usage::Location {
                location,
                interpolation: None,
                sampling: None,
            },
        });
    }

    /// The result members → one private output variable each (GS, TES).
    pub(crate) fn stage_outputs(&mut self) -> Result<(), Error> {
        let members = self.io.members.clone();
        let mut outputs = Vec::with_capacity(members.len());
        let mut variables = Vec::with_capacity(members.len());
        for (i, m) in members.into_iter().enumerate() {
            let ty = self.member_type(&m);
            let link = match m.binding {
                Binding::BuiltIn(BuiltIn::Position { .. }) => {
                    StageLink::BuiltIn(spirv_builtin::POSITION)
                }
                Binding::BuiltIn(BuiltIn::PointSize) => {
                    StageLink::BuiltIn(spirv_builtin::POINT_SIZE)
                }
                Binding::BuiltIn(BuiltIn::ClipDistances) => {
                    StageLink::BuiltIn(spirv_builtin::CLIP_DISTANCE)
                }
                Binding::BuiltIn(BuiltIn::PrimitiveIndex) => {
                    StageLink::BuiltIn(spirv_builtin::PRIMITIVE_ID)
                }
                Binding::Location { location, .. } => StageLink::Location(location),
                Binding::BuiltIn(_) => {
                    return Err(Error::unsupported(
                        format!("a {} shader built-in output", self.stage),
                        self.program.header_span,
                    ))
                }
            };
            let name = format!("pv3d_out{i}");
            let var = self.private(name.clone(), ty, None);
            variables.push(StageVariable {
                name,
                output: true,
                link,
            });
            outputs.push((m.source, var));
        }
        if let Some(register) = self.io.layer {
            let name = "pv3d_layer".to_owned();
            let ty = self.scalar_ty(Kind::Uint);
            let var = self.private(name.clone(), ty, None);
            variables.push(StageVariable {
                name,
                output: true,
                link: StageLink::BuiltIn(spirv_builtin::LAYER),
            });
            outputs.push((Source::UintX(register), var));
        }
        self.staged.outputs = outputs;
        self.staged.variables.extend(variables);
        Ok(())
    }

    /// Writes every output variable (GS `EMIT`, the end of a TES).
    pub(crate) fn store_stage_outputs(&mut self) {
        for (source, var) in self.staged.outputs.clone() {
            let value = self.member_value(source);
            let ptr = self.global_ptr(var);
            self.store(ptr, value);
        }
    }
}
