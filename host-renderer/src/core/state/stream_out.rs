//! Stream output (transform feedback) state: a vertex shader's capture
//! layout as the guest described it, and stream-output target objects with
//! their write positions (GL's pause/resume keeps them across binds).

use crate::core::base::error::CommandError;
use crate::core::base::ids::ResId;
use guest_protocol::virgl::StreamOutput;
use parking_lot::Mutex;

/// Most stream-output buffers a shader writes (Gallium's
/// `PIPE_MAX_SO_BUFFERS`).
pub const MAX_SO_BUFFERS: usize = 4;

/// One captured range: `count` components from `first` of output register
/// `register`, written at dword `offset` of each vertex in `buffer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SoRange {
    /// `OUT[register]`.
    pub register: u32,
    /// First component (0–3).
    pub first: u8,
    /// Components (1–4).
    pub count: u8,
    /// Buffer slot (0–3).
    pub buffer: u8,
    /// Dword offset in the vertex.
    pub offset: u32,
}

/// A vertex shader's stream-output layout, structurally checked: every
/// range lies inside its buffer's vertex stride.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StreamOutInfo {
    /// Dwords per vertex in each buffer slot.
    pub strides: [u32; MAX_SO_BUFFERS],
    /// The captured ranges, in the guest's order.
    pub ranges: Vec<SoRange>,
}

impl StreamOutInfo {
    /// The layout the guest sent with a shader; `None` when it captures
    /// nothing.
    pub fn new(so: &StreamOutput<'_>) -> Result<Option<Self>, CommandError> {
        let mut ranges = Vec::with_capacity(so.outputs.len());
        for o in so.outputs {
            let l = o.layout();
            let range = SoRange {
                register: u32::from(l.register_index()),
                first: l.start_component(),
                count: l.num_components(),
                buffer: l.output_buffer(),
                offset: u32::from(l.dst_offset()),
            };
            let stride = so.strides.get(usize::from(range.buffer)).copied().ok_or(
                CommandError::OutOfRange {
                    what: "stream-output buffer",
                    value: u64::from(range.buffer),
                },
            )?;
            if range.count == 0 || range.first + range.count > 4 {
                return Err(CommandError::OutOfRange {
                    what: "stream-output components",
                    value: u64::from(range.first) + u64::from(range.count),
                });
            }
            if u64::from(range.offset) + u64::from(range.count) > u64::from(stride) {
                return Err(CommandError::OutOfRange {
                    what: "stream-output offset past the vertex stride",
                    value: u64::from(range.offset),
                });
            }
            ranges.push(range);
        }
        if ranges.is_empty() {
            return Ok(None);
        }
        Ok(Some(Self {
            strides: so.strides,
            ranges,
        }))
    }

    /// Bytes per vertex in buffer `slot` (0 when nothing is captured there).
    pub fn stride_bytes(&self, slot: usize) -> u64 {
        if self.ranges.iter().any(|r| usize::from(r.buffer) == slot) {
            self.strides.get(slot).map_or(0, |&s| u64::from(s) * 4)
        } else {
            0
        }
    }
}

/// How far captures filled a target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Filled {
    /// Bytes written from the target's offset (the next write position).
    pub bytes: u64,
    /// Bytes per vertex of the last capture into it (for draws that take
    /// their vertex count from the target).
    pub stride: u64,
}

/// A STREAMOUT_TARGET object: a range of a buffer resource.
#[derive(Debug)]
pub struct StreamoutTargetObj {
    /// The buffer.
    pub res: ResId,
    /// Byte offset of the range.
    pub offset: u64,
    /// Byte size of the range (whole dwords).
    pub size: u64,
    /// The size the guest gave (draws counted from the target name it).
    pub guest_size: u32,
    /// The write position.
    pub filled: Mutex<Filled>,
}
