//! Which buffer shadows a command reads on the CPU, so that the buffers
//! shaders wrote among them are copied back first (`record::storage`):
//! a draw reads its vertex, index, uniform, texture and indirect buffers
//! there; a launch its uniform, texture and indirect buffers; a read-back,
//! copy or staged transfer its source. Commands that only write shadows
//! need no refresh: the guest's bytes reach the GPU copy before a later
//! refresh reads it back.

use super::Exec;
use crate::core::base::error::CommandError;
use crate::core::base::ids::ResId;
use crate::core::record::storage;
use crate::core::state::objects::SamplerViewObj;
use crate::core::state::sub_context::StageState;
use guest_protocol::virgl::enums::{ShaderStage, TransferDirection};
use guest_protocol::virgl::Command;

impl Exec<'_> {
    /// Refreshes the shadows of the buffers shaders wrote when `cmd` reads
    /// one of them.
    pub(super) fn refresh_shadows_for(&mut self, cmd: &Command<'_>) -> Result<(), CommandError> {
        if !self.work.has_stale() {
            return Ok(());
        }
        let reads = self.shadow_reads(cmd);
        if reads.iter().any(|&r| self.work.is_stale(ResId(r))) {
            storage::refresh_stale(self.gpu, self.work, self.resources)?;
        }
        Ok(())
    }

    /// The buffers whose shadows `cmd` may read.
    fn shadow_reads(&self, cmd: &Command<'_>) -> Vec<u32> {
        let Some(sub) = self.ctx.subs.get(&self.ctx.current) else {
            return Vec::new();
        };
        match cmd {
            Command::DrawVbo(d) => {
                let mut reads: Vec<u32> = sub.vertex_buffers.iter().map(|v| v.res.get()).collect();
                reads.extend(sub.index_buffer.map(|i| i.res));
                reads.extend(sub.stages.iter().flat_map(stage_reads));
                if let Some(i) = &d.indirect {
                    reads.extend([i.handle, i.draw_count_handle]);
                }
                reads
            }
            Command::LaunchGrid(g) => {
                let stage = sub.stages.get(ShaderStage::COMPUTE.0 as usize);
                let mut reads: Vec<u32> = stage.into_iter().flat_map(stage_reads).collect();
                reads.push(g.indirect_res);
                reads
            }
            Command::Transfer3d(t) if t.direction == TransferDirection::FROM_HOST => vec![t.res],
            Command::CopyTransfer3d(t) => vec![t.src_res],
            Command::ResourceCopyRegion(c) => vec![c.src_res],
            _ => Vec::new(),
        }
    }
}

/// The buffers a stage reads through their shadows: its uniform buffers
/// and texture buffer views.
fn stage_reads(s: &StageState) -> impl Iterator<Item = u32> + '_ {
    let ubos = s.uniform_buffers.iter().flatten().map(|b| b.res);
    let views = s.views.iter().flatten().filter_map(|v| match &**v {
        SamplerViewObj::Buffer(b) => Some(b.res.0),
        SamplerViewObj::Texture(_) => None,
    });
    ubos.chain(views)
}
