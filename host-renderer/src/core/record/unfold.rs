//! Multisampled arrays read by shaders. WebGPU binds no multisampled
//! arrays, so a view of one is bound on the resource's unfolded copy, a
//! single-sampled 2D array that holds sample `s` of layer `l` in layer
//! `l · samples + s` ([`Unfolded`]; the shader reads it that way,
//! `SamplerOptions::unfolded_samples`). Before a draw or dispatch that
//! binds such a view, every sample of every layer is copied there by the
//! sample copier, each into its own layer, unless nothing wrote the
//! multisampled texture since the last copy (`Work::multisampled_writes`:
//! its render passes, clears, blits and copies into it are noted).

use super::blit_ms::{copy_samples, SampleJob};
use super::recorder::Recorder;
use crate::core::base::error::CommandError;
use crate::core::base::ids::ResId;
use crate::core::resources::table::Unfolded;
use crate::core::state::objects::SamplerViewObj;
use crate::core::state::sub_context::StageState;
use std::sync::atomic::Ordering;

/// Whether a view bound to `stage` is unfolded (its bind group must be
/// made, and the copy recorded, for each draw).
pub fn binds_unfolded(stage: &StageState) -> bool {
    stage
        .views
        .iter()
        .any(|v| matches!(v.as_deref(), Some(SamplerViewObj::Texture(t)) if t.unfold.is_some()))
}

/// Records the copy of every sample of every layer of resource `res` into
/// its unfolded copy `u` (outside any render pass), unless nothing wrote
/// `res` since the last copy.
pub fn unfold(rec: &mut Recorder<'_>, res: ResId, u: &Unfolded) -> Result<(), CommandError> {
    let writes = &rec.work.multisampled_writes;
    // The copy holds every write of an epoch before `refreshed` (0: none).
    let refreshed = u.refreshed.load(Ordering::Relaxed);
    if refreshed != 0 && writes.written(res) < refreshed {
        return Ok(());
    }
    u.refreshed.store(writes.now() + 1, Ordering::Relaxed);
    let source = &u.source;
    let samples = source.sample_count();
    for layer in 0..source.depth_or_array_layers() {
        for sample in 0..samples {
            let job = SampleJob {
                src: (res, source.clone(), layer),
                dst: (res, u.target.clone(), 0, layer * samples + sample),
                desc: u.desc,
                from: [0, 0],
                to: [0, 0, source.width(), source.height()],
                mask: 0xf,
                sample,
            };
            copy_samples(rec, &job)?;
        }
    }
    Ok(())
}
