//! Multisampled arrays read by shaders. WebGPU binds no multisampled
//! arrays, so such a view is bound as a single-sampled 2D array that holds
//! sample `s` of layer `l` in layer `l · samples + s` ([`Unfold`]; the
//! shader reads it that way, `SamplerOptions::unfolded_samples`). Before
//! a draw or dispatch that binds the view, every sample of every viewed
//! layer is copied there by the sample copier, each into its own layer,
//! unless nothing wrote the multisampled texture since the last copy
//! (`Work::multisampled_writes`: its render passes, clears, blits and
//! copies into it are noted).

use super::blit_ms::{copy_samples, SampleJob};
use super::recorder::Recorder;
use crate::core::base::error::CommandError;
use crate::core::base::ids::ResId;
use crate::core::state::objects::{SamplerViewObj, Unfold};
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

/// Records the copy of every sample of `u`'s layers of resource `res` into
/// its single-sampled array (outside any render pass), unless nothing
/// wrote `res` since the last copy.
pub fn unfold(rec: &mut Recorder<'_>, res: ResId, u: &Unfold) -> Result<(), CommandError> {
    let writes = &rec.work.multisampled_writes;
    // The copy holds every write of an epoch before `refreshed` (0: none).
    let refreshed = u.refreshed.load(Ordering::Relaxed);
    if refreshed != 0 && writes.written(res) < refreshed {
        return Ok(());
    }
    u.refreshed.store(writes.now() + 1, Ordering::Relaxed);
    let (width, height) = (u.source.width(), u.source.height());
    for layer in 0..u.layers {
        for sample in 0..u.samples {
            let job = SampleJob {
                src: (res, u.source.clone(), u.first_layer.saturating_add(layer)),
                dst: (res, u.target.clone(), 0, layer * u.samples + sample),
                desc: u.desc,
                from: [0, 0],
                to: [0, 0, width, height],
                mask: 0xf,
                sample,
            };
            copy_samples(rec, &job)?;
        }
    }
    Ok(())
}
