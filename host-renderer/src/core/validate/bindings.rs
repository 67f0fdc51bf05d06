//! Slot-based state commands: the shader stage named, and the slot range a
//! SET_SAMPLER_VIEWS or BIND_SAMPLER_STATES writes.

use crate::core::base::error::CommandError;
use crate::core::state::sub_context::MAX_SAMPLER_UNITS;
use guest_protocol::virgl::enums::ShaderStage;

/// The per-stage index of `stage`.
pub fn stage_index(stage: ShaderStage) -> Result<usize, CommandError> {
    stage.index().ok_or(CommandError::OutOfRange {
        what: "shader stage",
        value: u64::from(stage.0),
    })
}

/// Writes `values` into `slots[start..]`, growing the table up to the unit limit.
pub fn write_slots<T>(
    slots: &mut Vec<Option<T>>,
    start: usize,
    values: Vec<Option<T>>,
) -> Result<(), CommandError> {
    let end = start.saturating_add(values.len());
    if end > MAX_SAMPLER_UNITS {
        // Mesa re-emits 32 zero slots; ignore what lies beyond our units if empty.
        if values
            .iter()
            .skip(MAX_SAMPLER_UNITS.saturating_sub(start))
            .any(Option::is_some)
        {
            return Err(CommandError::OutOfRange {
                what: "sampler slot",
                value: end as u64,
            });
        }
    }
    let end = end.min(MAX_SAMPLER_UNITS);
    if slots.len() < end {
        slots.resize_with(end, || None);
    }
    for (slot, v) in slots.iter_mut().skip(start).zip(values) {
        *slot = v;
    }
    Ok(())
}
