//! Indirect draws (`glDraw*Indirect`, `glMultiDraw*Indirect` and their
//! `*Count` forms: ARB_draw_indirect, ARB_multi_draw_indirect and
//! ARB_indirect_parameters). Each argument set is read from the buffer's
//! host copy, which is always current (guest uploads, copies and captured
//! stream output all land there), and drawn as a direct draw, so every
//! draw path (index rewriting, flat-shading rotation, the raw path) serves
//! indirect draws too. The draw count is the guest's maximum, or with a
//! count buffer the smaller of it and the count the buffer holds.

use crate::core::base::error::CommandError;
use crate::core::record::recorder::Recorder;
use crate::core::validate::resource::attached;
use guest_protocol::virgl::{DrawIndirect, DrawVbo};

/// Draws one indirect draw may expand to.
pub const MAX_INDIRECT_DRAWS: u32 = 1 << 16;

/// The direct draws indirect draw `d` makes, from its argument buffer,
/// each with its first index (the indices it skips in the bound index
/// buffer; 0 for non-indexed draws).
pub(super) fn direct_draws(
    rec: &Recorder<'_>,
    d: &DrawVbo,
    indirect: &DrawIndirect,
) -> Result<Vec<(DrawVbo, u32)>, CommandError> {
    let count = match indirect.draw_count_handle {
        0 => indirect.draw_count,
        handle => {
            word(rec, handle, u64::from(indirect.draw_count_offset))?.min(indirect.draw_count)
        }
    };
    if count > MAX_INDIRECT_DRAWS {
        return Err(CommandError::OutOfRange {
            what: "draws of an indirect draw",
            value: u64::from(count),
        });
    }
    // DrawElementsIndirectCommand: count, instances, first index, base
    // vertex, base instance; DrawArraysIndirectCommand: count, instances,
    // first vertex, base instance.
    let words: u64 = if d.indexed { 5 } else { 4 };
    let stride = match indirect.stride {
        0 => words * 4,
        s => u64::from(s),
    };
    (0..u64::from(count))
        .map(|i| {
            let at = u64::from(indirect.offset) + i * stride;
            let arg = |k: u64| word(rec, indirect.handle, at + k * 4);
            let (start, index_bias, start_instance) = if d.indexed {
                (arg(2)?, arg(3)? as i32, arg(4)?)
            } else {
                (arg(2)?, 0, arg(3)?)
            };
            let direct = DrawVbo {
                start,
                count: arg(0)?,
                instance_count: arg(1)?,
                index_bias,
                start_instance,
                indirect: None,
                ..*d
            };
            Ok((direct, if d.indexed { start } else { 0 }))
        })
        .collect()
}

/// The little-endian `u32` at byte `at` of buffer `handle`.
fn word(rec: &Recorder<'_>, handle: u32, at: u64) -> Result<u32, CommandError> {
    let r = attached(rec.resources, rec.attached, handle)?;
    let b = r.buffer().ok_or(CommandError::WrongResource {
        res: handle,
        what: "indirect draw buffer",
    })?;
    let end = at.checked_add(4).filter(|&end| end <= b.size);
    end.and_then(|end| b.shadow.get(at as usize..end as usize))
        .and_then(|bytes| <[u8; 4]>::try_from(bytes).ok())
        .map(u32::from_le_bytes)
        .ok_or(CommandError::OutOfRange {
            what: "indirect draw argument offset",
            value: at,
        })
}
