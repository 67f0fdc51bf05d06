//! Decoding errors and the size limits they enforce.

use super::msg::{VCmd, MAX_CMDBUF_DWORDS};

/// Caps on the sizes a peer may ask for. Every length field is checked against
/// these before a byte of its body is buffered, so a hostile `len` can never
/// make a decoder hold more than [`Limits::max_message_bytes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    /// CREATE_RENDERER name bytes. Mesa sends at most 64; the reference accepts
    /// up to 1 MiB. Default 4096.
    pub max_name_bytes: u32,
    /// Payload dwords of SUBMIT_CMD, SUBMIT_CMD2 and SYNC_WAIT. Default
    /// [`MAX_CMDBUF_DWORDS`] (`65536 + 1024`), the most Mesa sends.
    pub max_cmd_dwords: u32,
    /// Inline data bytes of a protocol-0 TRANSFER_PUT and of a TRANSFER_GET
    /// answer. Default 256 MiB.
    pub max_transfer_bytes: u32,
    /// Caps blob bytes (caps replies) and GET_CAPSET reply bytes. Default 64 KiB
    /// (the reference sends 1376).
    pub max_caps_bytes: u32,
}

impl Limits {
    /// The defaults documented on each field.
    pub const DEFAULT: Self = Self {
        max_name_bytes: 4096,
        max_cmd_dwords: MAX_CMDBUF_DWORDS,
        max_transfer_bytes: 256 << 20,
        max_caps_bytes: 64 << 10,
    };

    /// The largest message (header included) these limits let through.
    pub fn max_message_bytes(&self) -> u64 {
        let header = super::msg::HEADER_BYTES as u64;
        let transfer = super::msg::Transfer::BYTES as u64 + u64::from(self.max_transfer_bytes);
        let largest = [
            u64::from(self.max_name_bytes),
            u64::from(self.max_cmd_dwords) * 4,
            transfer,
            u64::from(self.max_caps_bytes) + 4,
        ]
        .into_iter()
        .max()
        .unwrap_or(0);
        header + largest
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// What was wrong with a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The stream ended inside the message.
    #[error("{what} truncated: needs {need} bytes, stream has {have}")]
    Truncated {
        /// The part that is cut short (`"header"`, `"body"`, …).
        what: &'static str,
        /// Bytes the message needs from its start.
        need: u64,
        /// Bytes present from its start.
        have: u64,
    },
    /// A length or size field asks for more than the [`Limits`] allow.
    #[error("{field} = {value} exceeds the limit of {max}")]
    TooLarge {
        /// The field.
        field: &'static str,
        /// Its value, in the field's unit.
        value: u64,
        /// The limit, in the same unit.
        max: u64,
    },
    /// The header's `len` does not fit the command's layout.
    #[error("len = {len}, expected {expected}")]
    BadLength {
        /// The `len` field.
        len: u32,
        /// The layout's rule, e.g. `"1"` or `"2 + 3n"`.
        expected: &'static str,
    },
    /// The id is not a vtest command (0 or ≥ 25).
    #[error("unknown command id")]
    UnknownCommand,
    /// The server answered with an id that does not answer the pending request
    /// (the error's `cmd`).
    #[error("reply id {id} does not answer it")]
    UnexpectedReply {
        /// The id in the reply's header.
        id: u32,
    },
    /// The server sent bytes while no request awaited an answer.
    #[error("server sent data while no reply was pending")]
    NoReplyPending,
    /// An fd message arrived without fds attached.
    #[error("fd message carries no fd")]
    MissingFd,
    /// fds arrived attached to bytes that are not an fd message.
    #[error("{count} fd(s) attached to a message that carries none")]
    UnexpectedFds {
        /// How many.
        count: usize,
    },
    /// A field holds a value the protocol forbids.
    #[error("{field} has invalid value {value:#x}")]
    InvalidValue {
        /// The field.
        field: &'static str,
        /// The value found.
        value: u32,
    },
}

/// A message that could not be decoded: where it starts, which command, what.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("vtest {cmd} at stream byte {offset}: {kind}")]
pub struct DecodeError {
    /// Byte offset of the message's first byte in its stream.
    pub offset: u64,
    /// For a request, the id in its header; for a reply, the request it answers
    /// (`VCmd(0)` when none is pending).
    pub cmd: VCmd,
    /// What was wrong.
    pub kind: DecodeErrorKind,
}

impl DecodeError {
    /// An error at `offset` for `cmd`.
    pub const fn new(offset: u64, cmd: VCmd, kind: DecodeErrorKind) -> Self {
        Self { offset, cmd, kind }
    }
}
