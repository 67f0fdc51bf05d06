//! Decoding errors.

use super::protocol::CtrlType;

/// Why a request or response could not be decoded. Each variant names the
/// message type; byte counts are from the start of the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The message ends before its struct or its tail does. `cmd` is
    /// `UNDEFINED` when even the 4-byte type is cut off.
    #[error("{cmd}: needs {need} bytes but only {have} are present")]
    Truncated {
        /// The message type.
        cmd: CtrlType,
        /// Bytes the message needs (struct plus tail), saturating.
        need: usize,
        /// Bytes present.
        have: usize,
    },
    /// The type is not a known request (for
    /// [`GpuCommand::decode`](super::GpuCommand::decode)) or response (for
    /// [`GpuResponse::decode`](super::GpuResponse::decode)).
    #[error("unknown control type {0:#x}")]
    UnknownType(u32),
    /// `nr_entries` exceeds [`MAX_MEM_ENTRIES`](super::MAX_MEM_ENTRIES).
    #[error("{cmd}: {count} memory entries exceed the maximum of {max}")]
    TooManyEntries {
        /// The message type.
        cmd: CtrlType,
        /// `nr_entries` as sent.
        count: u32,
        /// The maximum.
        max: u32,
    },
    /// A length field exceeds the fixed array it describes (`nlen` of
    /// `CTX_CREATE`, `size` of `RESP_OK_EDID`).
    #[error("{cmd}: {field} = {value} exceeds the maximum of {max}")]
    LengthTooLarge {
        /// The message type.
        cmd: CtrlType,
        /// The field.
        field: &'static str,
        /// Its value.
        value: u32,
        /// The maximum.
        max: u32,
    },
}
