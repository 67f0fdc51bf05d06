//! Properties and register declarations → variables and globals; the
//! entry point's inputs and outputs are `io`'s.

use super::expr::Kind;
use super::reg::{Slot, TempArray};
use super::Lowerer;
use crate::ast::{
    CoordOrigin, Declaration, File, PixelCenter, PropertyName, PropertyValue, Semantic, SemanticId,
    Stage,
};
use crate::error::Error;
use crate::interface::{constant_buffer_binding, ConstantBuffer};
use crate::limits;
use naga::{AddressSpace, ArraySize, GlobalVariable, ResourceBinding, TypeInner};

/// Fragment-coordinate conventions from the properties.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Props {
    pub(crate) origin: CoordOrigin,
    pub(crate) center: PixelCenter,
}

impl Default for Props {
    fn default() -> Self {
        Self {
            origin: CoordOrigin::UpperLeft,
            center: PixelCenter::HalfInteger,
        }
    }
}

/// Grows `slots` to hold `last`, checking it against `max` first.
pub(crate) fn grow<T: Clone>(
    slots: &mut Vec<Option<T>>,
    last: u32,
    max: u32,
    what: &'static str,
    span: naga::Span,
) -> Result<(), Error> {
    if last >= max {
        return Err(Error::too_large(
            what,
            u64::from(last) + 1,
            u64::from(max),
            span,
        ));
    }
    let need = last as usize + 1;
    if slots.len() < need {
        slots.resize(need, None);
    }
    Ok(())
}

/// Stores `value` in `slots[index]`, rejecting a second declaration.
pub(crate) fn claim<T>(
    slots: &mut [Option<T>],
    index: u32,
    value: T,
    what: File,
    span: naga::Span,
) -> Result<(), Error> {
    match slots.get_mut(index as usize) {
        Some(slot @ None) => {
            *slot = Some(value);
            Ok(())
        }
        _ => Err(Error::invalid(
            format!("{what}[{index}] declared twice"),
            span,
        )),
    }
}

/// The register's semantic: the declared one, its index advanced by the
/// register's position in a range declaration. `PATCH[i]` is
/// `GENERIC[32 + i]`: without tessellation Mesa names a program's user
/// varyings past `GENERIC[31]` so in the shaders that write them (vertex,
/// geometry) but `GENERIC[32]` upwards in those that read them, so the
/// stages link by one name.
pub(crate) fn nth_semantic(base: SemanticId, decl: &Declaration, register: u32) -> SemanticId {
    let index = base.index.saturating_add(register - decl.range.first);
    match base.name {
        Semantic::Patch => SemanticId {
            name: Semantic::Generic,
            index: index.saturating_add(PATCH_GENERIC_BASE),
        },
        name => SemanticId { name, index },
    }
}

/// The `GENERIC` index `PATCH[0]` stands for.
const PATCH_GENERIC_BASE: u32 = 32;

impl Lowerer<'_> {
    /// Lowers the properties and declarations; builds arguments, result and
    /// the input values read by instructions.
    pub(crate) fn declare(&mut self) -> Result<(), Error> {
        self.properties()?;
        match self.stage {
            Stage::Fragment => self.plan_fragment_varyings(),
            Stage::Geometry => {
                self.geometry_properties()?;
                self.plan_vertex_inputs();
            }
            Stage::TessCtrl | Stage::TessEval => {
                self.tessellation_properties()?;
                self.plan_vertex_inputs();
            }
            Stage::Compute => self.compute_properties()?,
            _ => {}
        }
        let mut extents = [0u32; limits::MAX_CONSTANT_BUFFERS as usize];
        let mut outputs = Vec::new();
        for decl in &self.program.declarations {
            self.span = decl.span;
            if self.stage == Stage::Compute && matches!(decl.file, File::Input | File::Output) {
                return Err(Error::unsupported(
                    format!("{} registers in a COMP shader", decl.file),
                    decl.span,
                ));
            }
            match decl.file {
                File::Temporary => self.declare_temps(decl)?,
                File::Address => {
                    grow(
                        &mut self.regs.addrs,
                        decl.range.last,
                        limits::MAX_ADDRESS_REGS,
                        "ADDR registers",
                        decl.span,
                    )?;
                    for i in decl.range.first..=decl.range.last {
                        let ty = self.vec4_ty(Kind::Sint);
                        let var = self.local(format!("addr{i}"), ty);
                        claim(&mut self.regs.addrs, i, var, decl.file, decl.span)?;
                    }
                }
                File::Constant => {
                    let buffer = decl.dimension.unwrap_or(0);
                    if buffer >= limits::MAX_CONSTANT_BUFFERS {
                        return Err(Error::too_large(
                            "constant buffer index",
                            u64::from(buffer),
                            u64::from(limits::MAX_CONSTANT_BUFFERS - 1),
                            decl.span,
                        ));
                    }
                    if decl.range.last >= limits::MAX_CONSTANTS {
                        return Err(Error::too_large(
                            "CONST registers",
                            u64::from(decl.range.last) + 1,
                            u64::from(limits::MAX_CONSTANTS),
                            decl.span,
                        ));
                    }
                    if let Some(extent) = extents.get_mut(buffer as usize) {
                        *extent = (*extent).max(decl.range.last + 1);
                    }
                }
                File::Input => self.declare_inputs(decl)?,
                File::Output if self.stage == Stage::TessCtrl => self.declare_tcs_outputs(decl)?,
                File::Output => self.declare_outputs(decl, &mut outputs)?,
                File::Sampler => self.units.declare_samplers(decl)?,
                File::SamplerView => self.units.declare_views(decl)?,
                File::SystemValue => self.declare_system_values(decl)?,
                File::Buffer => self.declare_buffers(decl)?,
                File::Memory => self.declare_memory(decl)?,
                File::Image => self.declare_images(decl)?,
                other => return Err(Error::unsupported(format!("{other} registers"), decl.span)),
            }
        }
        self.declare_constant_buffers(&extents);
        self.span = self.program.header_span;
        self.build_result(&outputs)
    }

    /// Fragment-coordinate conventions and colour-0 broadcast from the
    /// properties; rejects those that change results WebGPU cannot match.
    fn properties(&mut self) -> Result<(), Error> {
        for p in &self.program.properties {
            let reject = |what: &str| Err(Error::unsupported(format!("PROPERTY {what}"), p.span));
            match (p.name, p.value) {
                (PropertyName::FsCoordOrigin, PropertyValue::Origin(o)) => self.io.props.origin = o,
                (PropertyName::FsCoordPixelCenter, PropertyValue::Center(c)) => {
                    self.io.props.center = c
                }
                (PropertyName::FsColor0WritesAllCbufs, PropertyValue::Uint(v)) => {
                    self.io.color0_writes_all = v != 0;
                }
                (
                    name @ (PropertyName::VsWindowSpacePosition
                    | PropertyName::MulZeroWins
                    | PropertyName::FsPostDepthCoverage
                    | PropertyName::FsBlendEquationAdvanced
                    | PropertyName::NumCulldistEnabled),
                    PropertyValue::Uint(v),
                ) if v != 0 => return reject(name.name()),
                // Hints with no effect on results (early depth, depth
                // layout, separable, UCP prohibition, the number of clip
                // distances: `clip_planes` says which ones clip) and other
                // stages' properties are ignored.
                _ => {}
            }
        }
        self.interface.color0_writes_all = self.io.color0_writes_all;
        Ok(())
    }

    /// `DCL TEMP`: one variable per register, or one array per `ARRAY(id)`.
    fn declare_temps(&mut self, decl: &Declaration) -> Result<(), Error> {
        grow(
            &mut self.regs.temps,
            decl.range.last,
            limits::MAX_TEMPS,
            "TEMP registers",
            decl.span,
        )?;
        let vec4 = self.vec4_ty(Kind::Float);
        match decl.array {
            Some(id) => {
                let len = u32::try_from(decl.range.len()).unwrap_or(u32::MAX);
                let size = core::num::NonZeroU32::new(len).unwrap_or(core::num::NonZeroU32::MIN);
                let ty = self.ty(TypeInner::Array {
                    base: vec4,
                    size: ArraySize::Constant(size),
                    stride: 16,
                });
                let var = self.private(format!("array{id}"), ty, None);
                let array = self.regs.arrays.len();
                self.regs.arrays.push(TempArray {
                    id,
                    range: decl.range,
                    var,
                });
                for i in decl.range.first..=decl.range.last {
                    let offset = i - decl.range.first;
                    claim(
                        &mut self.regs.temps,
                        i,
                        Slot::InArray { array, offset },
                        decl.file,
                        decl.span,
                    )?;
                }
            }
            None => {
                for i in decl.range.first..=decl.range.last {
                    let var = self.local(format!("temp{i}"), vec4);
                    claim(
                        &mut self.regs.temps,
                        i,
                        Slot::Single(var),
                        decl.file,
                        decl.span,
                    )?;
                }
            }
        }
        Ok(())
    }

    /// One uniform array per declared constant buffer, sized to its highest
    /// declared register; a read-only storage array when that is more than a
    /// uniform binding is sure to hold.
    fn declare_constant_buffers(&mut self, extents: &[u32]) {
        let vec4 = self.vec4_ty(Kind::Float);
        for (index, &extent) in (0u32..).zip(extents) {
            let Some(size) = core::num::NonZeroU32::new(extent) else {
                continue;
            };
            let ty = self.ty(TypeInner::Array {
                base: vec4,
                size: ArraySize::Constant(size),
                stride: 16,
            });
            let binding = ResourceBinding {
                group: self.group,
                binding: constant_buffer_binding(index),
            };
            let storage = extent > limits::MAX_UNIFORM_CONSTANTS;
            let space = if storage {
                AddressSpace::Storage {
                    access: naga::StorageAccess::LOAD,
                }
            } else {
                AddressSpace::Uniform
            };
            let var = self.module.global_variables.append(
                GlobalVariable {
                    name: Some(format!("const{index}")),
                    space,
                    binding: Some(binding),
                    ty,
                    init: None,
                    memory_decorations: naga::MemoryDecorations::empty(),
                },
                self.span,
            );
            self.regs.set_constant_buffer(index, var, extent);
            self.interface.constant_buffers.push(ConstantBuffer {
                index,
                binding,
                size: u64::from(extent) * 16,
                storage,
            });
        }
    }
}
