//! The vtest protocol: Mesa's `virpipe` winsys talking to a vtest server over a
//! Unix stream socket (vtest-protocol.md).
//!
//! * [`msg`]: command ids ([`VCmd`]), the [`Header`], one `Pod` struct per
//!   fixed-size body, and the borrowed [`Request`] / [`Reply`] enums.
//! * [`decode`]: one message at the start of a slice — [`decode_request`],
//!   [`decode_reply`] against an [`Expect`] — checked against [`Limits`].
//! * [`ReplyTracker`]: the FIFO of answers owed, which frames replies.
//! * encode: [`Request::encode`], [`Request::encode_with_len`], [`Reply::encode`].
//! * [`codec`]: no-I/O stream decoders ([`RequestDecoder`], [`ReplyDecoder`]).
//! * `socket` (std): [`ServerConnection`] / [`ClientConnection`] over a
//!   `UnixStream` with `recvmsg`/`sendmsg` and `SCM_RIGHTS`.
//!
//! Framing quirks handled here (§2.1): requests are framed by id, not `len`;
//! CREATE_RENDERER's `len` is in bytes; TRANSFER_PUT carries `data_size` bytes
//! after its 44-byte header; TRANSFER_PUT2's `len` counts data that is not
//! sent; caps replies are `{bytes + 1, 1 | 2}` + bytes; protocol-0 TRANSFER_GET
//! data comes back without a header; an fd travels as its own 1-byte message.
//!
//! A server loop:
//!
//! ```no_run
//! # #[cfg(feature = "std")] {
//! use guest_protocol::vtest::{Limits, Reply, Request, ServerConnection, BusyWaitReply};
//! # fn serve(stream: std::os::unix::net::UnixStream) -> Result<(), Box<dyn std::error::Error>> {
//! let mut conn = ServerConnection::new(stream, Limits::default());
//! while let Some(frame) = conn.read_request()? {
//!     let reply = match frame.request {
//!         Request::PingProtocolVersion => Some(Reply::PingProtocolVersion),
//!         Request::ResourceBusyWait(_) => Some(Reply::ResourceBusyWait(BusyWaitReply::default())),
//!         _ => None, // ... hand the request to the renderer
//!     };
//!     if let Some(reply) = reply {
//!         conn.send_reply(&reply)?;
//!     }
//! }
//! # Ok(()) }
//! # }
//! ```

pub mod codec;
pub mod decode;
mod encode;
mod error;
pub mod msg;
#[cfg(feature = "std")]
mod socket;
mod track;

pub use codec::{ReplyDecoder, ReplyMessage, RequestDecoder};
pub use decode::{
    decode_reply, decode_request, expected_replies, peek_header, reply_size, request_size, Expect,
    Progress, Size,
};
pub use encode::EncodeError;
pub use error::{DecodeError, DecodeErrorKind, Limits};
pub use msg::*;
#[cfg(feature = "std")]
pub use socket::{ClientConnection, ConnectionError, ServerConnection, VtestSocket, SCM_MAX_FD};
pub use track::ReplyTracker;

#[cfg(test)]
mod tests;
