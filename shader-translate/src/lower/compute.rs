//! Compute shaders: the workgroup size from the `CS_FIXED_BLOCK_*`
//! properties, the compute system values, and `BARRIER` and `MEMBAR`.

use super::expr::Kind;
use super::{Lowerer, Value};
use crate::ast::{File, Index, Instruction, Opcode, PropertyName, PropertyValue, Stage};
use crate::error::Error;
use crate::interface::Compute;
use crate::limits;
use naga::{Barrier, BuiltIn, Statement, VectorSize};

impl Lowerer<'_> {
    /// Reads `CS_FIXED_BLOCK_WIDTH`, `_HEIGHT` and `_DEPTH` (1 where
    /// absent) into [`Interface::compute`](crate::Interface::compute).
    pub(crate) fn compute_properties(&mut self) -> Result<(), Error> {
        let mut size = [1u32; 3];
        let mut span = self.program.header_span;
        for p in &self.program.properties {
            let axis = match p.name {
                PropertyName::CsFixedBlockWidth => 0,
                PropertyName::CsFixedBlockHeight => 1,
                PropertyName::CsFixedBlockDepth => 2,
                _ => continue,
            };
            let PropertyValue::Uint(v) = p.value else {
                return Err(Error::invalid("malformed compute block size", p.span));
            };
            if v == 0 {
                return Err(Error::invalid(format!("{} is 0", p.name.name()), p.span));
            }
            if let Some(slot) = size.get_mut(axis) {
                *slot = v;
            }
            span = p.span;
        }
        let invocations = size.iter().map(|&v| u64::from(v)).product::<u64>();
        if invocations > u64::from(limits::MAX_WORKGROUP_INVOCATIONS) {
            return Err(Error::too_large(
                "workgroup invocations (CS_FIXED_BLOCK_WIDTH × HEIGHT × DEPTH)",
                invocations,
                u64::from(limits::MAX_WORKGROUP_INVOCATIONS),
                span,
            ));
        }
        self.interface.compute = Some(Compute {
            workgroup_size: size,
            shared_bytes: 0,
        });
        Ok(())
    }

    /// The workgroup size the entry point declares.
    pub(crate) fn workgroup_size(&self) -> [u32; 3] {
        self.interface.compute.map_or([1; 3], |c| c.workgroup_size)
    }

    /// A `vec3<u32>` built-in (`THREAD_ID`, `BLOCK_ID`, `GRID_SIZE`) as
    /// `(x, y, z, 0)`.
    pub(crate) fn builtin_uvec3(&mut self, builtin: BuiltIn, name: &str) -> Value {
        let ty = self.vec_ty(VectorSize::Tri, Kind::Uint);
        let arg = self.builtin_arg(builtin, ty, name);
        let [x, y, z] = [0, 1, 2].map(|i| self.lane(arg, i));
        let zero = self.u32c(0);
        Value::new(self.compose4(Kind::Uint, [x, y, z, zero]), Kind::Uint)
    }

    /// `BLOCK_SIZE`: the constant workgroup size, `(x, y, z, 0)`.
    pub(crate) fn block_size_value(&mut self) -> Value {
        let [x, y, z] = self.workgroup_size().map(|v| self.u32c(v));
        let zero = self.u32c(0);
        Value::new(self.compose4(Kind::Uint, [x, y, z, zero]), Kind::Uint)
    }

    /// `BARRIER`: a workgroup control barrier (compute shaders, and
    /// tessellation control shaders, whose SPIR-V step gives it a TCS
    /// barrier's scopes).
    /// `MEMBAR flags`: a memory barrier for the `TGSI_MEMBAR_*` kinds of
    /// memory `flags` names (all of them when it is not an immediate);
    /// dropped outside compute shaders, which WebGPU gives no memory
    /// barrier (see `docs/gl-conventions.md`).
    pub(crate) fn barrier(&mut self, inst: &Instruction) -> Result<(), Error> {
        if self.stage == Stage::TessCtrl && inst.opcode == Opcode::Barrier {
            self.stmt(Statement::ControlBarrier(Barrier::WORK_GROUP));
            return Ok(());
        }
        if self.stage != Stage::Compute {
            if inst.opcode == Opcode::Barrier {
                return Err(Error::invalid(
                    "BARRIER outside a compute or tessellation control shader",
                    inst.opcode_span,
                ));
            }
            return Ok(());
        }
        if inst.opcode == Opcode::Barrier {
            self.stmt(Statement::ControlBarrier(Barrier::WORK_GROUP));
            return Ok(());
        }
        let flags = match inst.src.first() {
            Some(src) => match (src.reg.file, src.reg.index, src.reg.dimension) {
                (File::Immediate, Index::Direct(i), None) => {
                    let lanes = self.immediate_lanes(&src.reg, i)?;
                    let lane = src.swizzle.first().map_or(0, |c| c.lane());
                    lanes.get(lane as usize).copied().unwrap_or(u32::MAX)
                }
                _ => u32::MAX,
            },
            None => u32::MAX,
        };
        let mut barrier = Barrier::empty();
        // TGSI_MEMBAR_SHADER_BUFFER, _ATOMIC_BUFFER, _SHADER_IMAGE, _SHARED.
        for (bit, kind) in [
            (1, Barrier::STORAGE),
            (2, Barrier::STORAGE),
            (4, Barrier::TEXTURE),
            (8, Barrier::WORK_GROUP),
        ] {
            if flags & bit != 0 {
                barrier |= kind;
            }
        }
        if !barrier.is_empty() {
            self.stmt(Statement::MemoryBarrier(barrier));
        }
        Ok(())
    }
}
