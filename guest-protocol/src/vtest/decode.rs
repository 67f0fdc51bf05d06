//! Framing and decoding of single messages at the start of a byte slice.
//!
//! Requests are framed by command id, never by trusting `len` (§2.1): fixed-size
//! bodies are read at their fixed size, and the four length-carrying commands
//! (CREATE_RENDERER, SUBMIT_CMD, SYNC_WAIT, SUBMIT_CMD2) plus TRANSFER_PUT's
//! `data_size` are checked against [`Limits`] before their size is believed.
//! Replies cannot be framed without knowing the request they answer, so they
//! are decoded against an [`Expect`]; [`ReplyTracker`](super::ReplyTracker)
//! keeps that queue.

use super::error::{DecodeError, DecodeErrorKind, Limits};
use super::msg::*;
use crate::wire::Dwords;
use bytemuck::Pod;

/// How much of a message a buffer holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Progress<T> {
    /// A whole message.
    Done(T),
    /// The message needs at least `need` bytes from its start (more may be
    /// asked for once those are present).
    NeedMore {
        /// Bytes needed from the message's start.
        need: usize,
    },
}

/// The size of the message at the start of a buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Size {
    /// The message occupies exactly this many bytes (which may not all be present).
    Known(usize),
    /// At least this many bytes must be present before the size is known.
    AtLeast(usize),
}

impl Size {
    /// Bytes still missing from a buffer of `have` bytes (0: complete).
    pub fn missing(self, have: usize) -> usize {
        match self {
            Self::Known(n) | Self::AtLeast(n) => n.saturating_sub(have),
        }
    }
}

/// What answer the server owes next (see [`expected_replies`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Expect {
    /// A reply with a header answering this command (GET_CAPS and GET_CAPS2
    /// accept either caps reply).
    Reply(VCmd),
    /// The RESOURCE_CREATE / RESOURCE_CREATE2 id reply that only protocol ≥ 3 sends.
    ReplyIfV3(VCmd),
    /// The ping answer `{0, 10}`; a server older than protocol 1 skips it.
    Ping,
    /// Protocol-0 TRANSFER_GET data: `len` raw bytes, no header.
    Data {
        /// `data_size` of the request.
        len: u32,
    },
    /// The 1-byte message carrying an fd.
    Fd,
}

impl Expect {
    /// The request this answer belongs to.
    pub const fn cmd(self) -> VCmd {
        match self {
            Self::Reply(cmd) | Self::ReplyIfV3(cmd) => cmd,
            Self::Ping => VCmd::PING_PROTOCOL_VERSION,
            Self::Data { .. } => VCmd::TRANSFER_GET,
            // Every fd in vtest follows a resource-creating or waiting request;
            // the message itself has no id.
            Self::Fd => VCmd(0),
        }
    }
}

/// The answers a request gets, in order (at most two: a header, then an fd).
pub fn expected_replies(request: &Request<'_>) -> impl Iterator<Item = Expect> {
    let pair = match request {
        Request::GetCaps => [Some(Expect::Reply(VCmd::GET_CAPS)), None],
        Request::GetCaps2 => [Some(Expect::Reply(VCmd::GET_CAPS2)), None],
        Request::ResourceCreate(_) => [Some(Expect::ReplyIfV3(VCmd::RESOURCE_CREATE)), None],
        Request::TransferGet(t) => [
            Some(Expect::Data {
                len: t.data_size.get(),
            }),
            None,
        ],
        Request::ResourceBusyWait(_) => [Some(Expect::Reply(VCmd::RESOURCE_BUSY_WAIT)), None],
        Request::PingProtocolVersion => [Some(Expect::Ping), None],
        Request::ProtocolVersion(_) => [Some(Expect::Reply(VCmd::PROTOCOL_VERSION)), None],
        Request::ResourceCreate2(rc) => [
            Some(Expect::ReplyIfV3(VCmd::RESOURCE_CREATE2)),
            (rc.data_size.get() > 0).then_some(Expect::Fd),
        ],
        Request::GetParam(_) => [Some(Expect::Reply(VCmd::GET_PARAM)), None],
        Request::GetCapset(_) => [Some(Expect::Reply(VCmd::GET_CAPSET)), None],
        Request::ResourceCreateBlob(_) => [
            Some(Expect::Reply(VCmd::RESOURCE_CREATE_BLOB)),
            Some(Expect::Fd),
        ],
        Request::SyncCreate(_) => [Some(Expect::Reply(VCmd::SYNC_CREATE)), None],
        Request::SyncRead(_) => [Some(Expect::Reply(VCmd::SYNC_READ)), None],
        Request::SyncWait { .. } => [Some(Expect::Reply(VCmd::SYNC_WAIT)), Some(Expect::Fd)],
        Request::ResourceUnref(_)
        | Request::TransferPut { .. }
        | Request::SubmitCmd(_)
        | Request::CreateRenderer(_)
        | Request::TransferGet2(_)
        | Request::TransferPut2(_)
        | Request::ContextInit(_)
        | Request::SyncUnref(_)
        | Request::SyncWrite(_)
        | Request::SubmitCmd2(_) => [None, None],
    };
    pair.into_iter().flatten()
}

/// The header at the start of `buf`, if 8 bytes are present.
pub fn peek_header(buf: &[u8]) -> Option<Header> {
    pod(buf)
}

/// Reads a `T` from the start of `bytes` (alignment 1, so only the length matters).
fn pod<T: Pod>(bytes: &[u8]) -> Option<T> {
    let size = core::mem::size_of::<T>();
    bytemuck::try_pod_read_unaligned(bytes.get(..size)?).ok()
}

fn err(offset: u64, cmd: VCmd, kind: DecodeErrorKind) -> DecodeError {
    DecodeError::new(offset, cmd, kind)
}

fn too_large(offset: u64, cmd: VCmd, field: &'static str, value: u64, max: u64) -> DecodeError {
    err(offset, cmd, DecodeErrorKind::TooLarge { field, value, max })
}

fn bad_len(offset: u64, cmd: VCmd, len: u32, expected: &'static str) -> DecodeError {
    err(offset, cmd, DecodeErrorKind::BadLength { len, expected })
}

/// Payload bytes of `len` dwords after checking `len <= max`.
fn dwords_bytes(
    offset: u64,
    cmd: VCmd,
    len: u32,
    max: u32,
    field: &'static str,
) -> Result<usize, DecodeError> {
    if len > max {
        return Err(too_large(offset, cmd, field, len.into(), max.into()));
    }
    Ok((len as usize).saturating_mul(4))
}

/// The wire size of the request at the start of `buf` (`offset` is its
/// position in the stream, for errors).
pub fn request_size(buf: &[u8], offset: u64, limits: &Limits) -> Result<Size, DecodeError> {
    let Some(header) = peek_header(buf) else {
        return Ok(Size::AtLeast(HEADER_BYTES));
    };
    let cmd = header.cmd();
    let len = header.len.get();
    let body = match cmd {
        VCmd::GET_CAPS | VCmd::GET_CAPS2 | VCmd::PING_PROTOCOL_VERSION => 0,
        VCmd::RESOURCE_CREATE => ResourceCreate::BYTES,
        VCmd::RESOURCE_UNREF => ResourceUnref::BYTES,
        VCmd::TRANSFER_GET => Transfer::BYTES,
        VCmd::RESOURCE_BUSY_WAIT => ResourceBusyWait::BYTES,
        VCmd::PROTOCOL_VERSION => ProtocolVersion::BYTES,
        VCmd::RESOURCE_CREATE2 => ResourceCreate2::BYTES,
        VCmd::TRANSFER_GET2 | VCmd::TRANSFER_PUT2 => Transfer2::BYTES,
        VCmd::GET_PARAM => GetParam::BYTES,
        VCmd::GET_CAPSET => GetCapset::BYTES,
        VCmd::CONTEXT_INIT => ContextInit::BYTES,
        VCmd::RESOURCE_CREATE_BLOB => ResourceCreateBlob::BYTES,
        VCmd::SYNC_CREATE => SyncCreate::BYTES,
        VCmd::SYNC_UNREF | VCmd::SYNC_READ => SyncId::BYTES,
        VCmd::SYNC_WRITE => SyncWrite::BYTES,
        VCmd::CREATE_RENDERER => {
            if len > limits.max_name_bytes {
                return Err(too_large(
                    offset,
                    cmd,
                    "len (name bytes)",
                    len.into(),
                    limits.max_name_bytes.into(),
                ));
            }
            len as usize
        }
        VCmd::SUBMIT_CMD => dwords_bytes(offset, cmd, len, limits.max_cmd_dwords, "len")?,
        VCmd::SUBMIT_CMD2 => {
            if len == 0 {
                return Err(bad_len(offset, cmd, len, ">= 1"));
            }
            dwords_bytes(offset, cmd, len, limits.max_cmd_dwords, "len")?
        }
        VCmd::SYNC_WAIT => {
            if len < 2 || (len - 2) % 3 != 0 {
                return Err(bad_len(offset, cmd, len, "2 + 3n"));
            }
            dwords_bytes(offset, cmd, len, limits.max_cmd_dwords, "len")?
        }
        VCmd::TRANSFER_PUT => {
            let Some(transfer) = buf.get(HEADER_BYTES..).and_then(pod::<Transfer>) else {
                return Ok(Size::AtLeast(HEADER_BYTES + Transfer::BYTES));
            };
            let data_size = transfer.data_size.get();
            if data_size > limits.max_transfer_bytes {
                return Err(too_large(
                    offset,
                    cmd,
                    "data_size",
                    data_size.into(),
                    limits.max_transfer_bytes.into(),
                ));
            }
            Transfer::BYTES.saturating_add(data_size as usize)
        }
        _ => return Err(err(offset, cmd, DecodeErrorKind::UnknownCommand)),
    };
    Ok(Size::Known(HEADER_BYTES.saturating_add(body)))
}

/// Decodes the request at the start of `buf`, borrowing it.
pub fn decode_request<'a>(
    buf: &'a [u8],
    offset: u64,
    limits: &Limits,
) -> Result<Progress<RequestFrame<'a>>, DecodeError> {
    let size = match request_size(buf, offset, limits)? {
        Size::AtLeast(need) => return Ok(Progress::NeedMore { need }),
        Size::Known(size) => size,
    };
    let (Some(header), Some(msg)) = (peek_header(buf), buf.get(..size)) else {
        return Ok(Progress::NeedMore { need: size });
    };
    let cmd = header.cmd();
    let body = msg.get(HEADER_BYTES..).unwrap_or_default();
    // Framing made `body` exactly the command's size; a failed read here would
    // be a framing bug, reported rather than panicking.
    let short = || {
        err(
            offset,
            cmd,
            DecodeErrorKind::Truncated {
                what: "body",
                need: size as u64,
                have: msg.len() as u64,
            },
        )
    };
    let request = match cmd {
        VCmd::GET_CAPS => Request::GetCaps,
        VCmd::GET_CAPS2 => Request::GetCaps2,
        VCmd::PING_PROTOCOL_VERSION => Request::PingProtocolVersion,
        VCmd::RESOURCE_CREATE => Request::ResourceCreate(pod(body).ok_or_else(short)?),
        VCmd::RESOURCE_UNREF => Request::ResourceUnref(pod(body).ok_or_else(short)?),
        VCmd::TRANSFER_GET => Request::TransferGet(pod(body).ok_or_else(short)?),
        VCmd::TRANSFER_PUT => Request::TransferPut {
            transfer: pod(body).ok_or_else(short)?,
            data: body.get(Transfer::BYTES..).ok_or_else(short)?,
        },
        VCmd::SUBMIT_CMD => Request::SubmitCmd(Dwords::new(body).ok_or_else(short)?),
        VCmd::RESOURCE_BUSY_WAIT => Request::ResourceBusyWait(pod(body).ok_or_else(short)?),
        VCmd::CREATE_RENDERER => Request::CreateRenderer(CreateRenderer { name: body }),
        VCmd::PROTOCOL_VERSION => Request::ProtocolVersion(pod(body).ok_or_else(short)?),
        VCmd::RESOURCE_CREATE2 => Request::ResourceCreate2(pod(body).ok_or_else(short)?),
        VCmd::TRANSFER_GET2 => Request::TransferGet2(pod(body).ok_or_else(short)?),
        VCmd::TRANSFER_PUT2 => Request::TransferPut2(pod(body).ok_or_else(short)?),
        VCmd::GET_PARAM => Request::GetParam(pod(body).ok_or_else(short)?),
        VCmd::GET_CAPSET => Request::GetCapset(pod(body).ok_or_else(short)?),
        VCmd::CONTEXT_INIT => Request::ContextInit(pod(body).ok_or_else(short)?),
        VCmd::RESOURCE_CREATE_BLOB => Request::ResourceCreateBlob(pod(body).ok_or_else(short)?),
        VCmd::SYNC_CREATE => Request::SyncCreate(pod(body).ok_or_else(short)?),
        VCmd::SYNC_UNREF => Request::SyncUnref(pod(body).ok_or_else(short)?),
        VCmd::SYNC_READ => Request::SyncRead(pod(body).ok_or_else(short)?),
        VCmd::SYNC_WRITE => Request::SyncWrite(pod(body).ok_or_else(short)?),
        VCmd::SYNC_WAIT => Request::SyncWait {
            wait: pod(body).ok_or_else(short)?,
            syncs: body
                .get(SyncWaitHeader::BYTES..)
                .and_then(|b| bytemuck::try_cast_slice(b).ok())
                .ok_or_else(short)?,
        },
        VCmd::SUBMIT_CMD2 => {
            let payload = Dwords::new(body).ok_or_else(short)?;
            let count = u64::from(payload.get(0).unwrap_or(0));
            // The reference's own bound (6 dwords per batch, see §5.11).
            let room = (payload.len() as u64).saturating_sub(1) / SUBMIT_CMD2_BATCH_FIELDS as u64;
            if count > room {
                return Err(too_large(offset, cmd, "batch_count", count, room));
            }
            Request::SubmitCmd2(SubmitCmd2 { payload })
        }
        _ => return Err(err(offset, cmd, DecodeErrorKind::UnknownCommand)),
    };
    Ok(Progress::Done(RequestFrame {
        offset,
        size,
        header,
        request,
    }))
}

/// Checks a reply header's `len` against `rule` (`len == want`).
fn exact_len(
    offset: u64,
    cmd: VCmd,
    len: u32,
    want: u32,
    expected: &'static str,
) -> Result<(), DecodeError> {
    if len == want {
        Ok(())
    } else {
        Err(bad_len(offset, cmd, len, expected))
    }
}

/// The wire size of the reply at the start of `buf`, which answers `expect`.
///
/// `Expect::Ping` and `Expect::ReplyIfV3` are resolved by the caller
/// ([`ReplyTracker`](super::ReplyTracker)); here they are taken as present.
pub fn reply_size(
    buf: &[u8],
    offset: u64,
    expect: Expect,
    limits: &Limits,
) -> Result<Size, DecodeError> {
    let cmd = expect.cmd();
    match expect {
        Expect::Fd => return Ok(Size::Known(1)),
        Expect::Data { len } => {
            if len > limits.max_transfer_bytes {
                return Err(too_large(
                    offset,
                    cmd,
                    "data_size",
                    len.into(),
                    limits.max_transfer_bytes.into(),
                ));
            }
            return Ok(Size::Known(len as usize));
        }
        Expect::Reply(_) | Expect::ReplyIfV3(_) | Expect::Ping => {}
    }
    let Some(header) = peek_header(buf) else {
        return Ok(Size::AtLeast(HEADER_BYTES));
    };
    let id = header.id.get();
    let len = header.len.get();
    let caps = cmd == VCmd::GET_CAPS || cmd == VCmd::GET_CAPS2;
    let id_ok = if caps {
        id == VCmd::GET_CAPS.0 || id == CAPS_V2_REPLY_ID
    } else {
        id == cmd.0
    };
    if !id_ok {
        return Err(err(offset, cmd, DecodeErrorKind::UnexpectedReply { id }));
    }
    let body = match cmd {
        VCmd::GET_CAPS | VCmd::GET_CAPS2 => {
            let bytes = len
                .checked_sub(1)
                .ok_or_else(|| bad_len(offset, cmd, len, "caps bytes + 1"))?;
            if bytes > limits.max_caps_bytes {
                return Err(too_large(
                    offset,
                    cmd,
                    "len - 1 (caps bytes)",
                    bytes.into(),
                    limits.max_caps_bytes.into(),
                ));
            }
            bytes as usize
        }
        VCmd::GET_CAPSET => {
            let n = len
                .checked_sub(1)
                .ok_or_else(|| bad_len(offset, cmd, len, "1 + N"))?;
            let max = limits.max_caps_bytes / 4;
            if n > max {
                return Err(too_large(
                    offset,
                    cmd,
                    "len - 1 (capset dwords)",
                    n.into(),
                    max.into(),
                ));
            }
            (n as usize).saturating_mul(4).saturating_add(4)
        }
        VCmd::PING_PROTOCOL_VERSION | VCmd::SYNC_WAIT => {
            exact_len(offset, cmd, len, 0, "0")?;
            0
        }
        VCmd::RESOURCE_BUSY_WAIT
        | VCmd::PROTOCOL_VERSION
        | VCmd::RESOURCE_CREATE
        | VCmd::RESOURCE_CREATE2
        | VCmd::RESOURCE_CREATE_BLOB
        | VCmd::SYNC_CREATE => {
            exact_len(offset, cmd, len, 1, "1")?;
            4
        }
        VCmd::GET_PARAM | VCmd::SYNC_READ => {
            exact_len(offset, cmd, len, 2, "2")?;
            8
        }
        _ => return Err(err(offset, cmd, DecodeErrorKind::UnexpectedReply { id })),
    };
    Ok(Size::Known(HEADER_BYTES.saturating_add(body)))
}

/// Decodes the reply at the start of `buf`, which answers `expect`.
pub fn decode_reply<'a>(
    buf: &'a [u8],
    offset: u64,
    expect: Expect,
    limits: &Limits,
) -> Result<Progress<ReplyFrame<'a>>, DecodeError> {
    let size = match reply_size(buf, offset, expect, limits)? {
        Size::AtLeast(need) => return Ok(Progress::NeedMore { need }),
        Size::Known(size) => size,
    };
    let Some(msg) = buf.get(..size) else {
        return Ok(Progress::NeedMore { need: size });
    };
    let cmd = expect.cmd();
    let short = || {
        err(
            offset,
            cmd,
            DecodeErrorKind::Truncated {
                what: "reply",
                need: size as u64,
                have: msg.len() as u64,
            },
        )
    };
    let reply = match expect {
        Expect::Fd => match msg.first() {
            Some(&FD_MESSAGE_BYTE) => Reply::Fd,
            Some(&other) => {
                return Err(err(
                    offset,
                    cmd,
                    DecodeErrorKind::InvalidValue {
                        field: "fd message byte",
                        value: other.into(),
                    },
                ))
            }
            None => return Err(short()),
        },
        Expect::Data { .. } => Reply::TransferGetData(msg),
        Expect::Reply(_) | Expect::ReplyIfV3(_) | Expect::Ping => {
            let header = peek_header(msg).ok_or_else(short)?;
            let body = msg.get(HEADER_BYTES..).ok_or_else(short)?;
            match cmd {
                VCmd::GET_CAPS | VCmd::GET_CAPS2 => Reply::Caps {
                    version: if header.id.get() == CAPS_V2_REPLY_ID {
                        CapsVersion::V2
                    } else {
                        CapsVersion::V1
                    },
                    caps: body,
                },
                VCmd::GET_CAPSET => {
                    let dwords = Dwords::new(body).ok_or_else(short)?;
                    Reply::GetCapset {
                        valid: dwords.get(0).ok_or_else(short)?,
                        capset: dwords.tail(1).ok_or_else(short)?,
                    }
                }
                VCmd::PING_PROTOCOL_VERSION => Reply::PingProtocolVersion,
                VCmd::SYNC_WAIT => Reply::SyncWait,
                VCmd::RESOURCE_BUSY_WAIT => Reply::ResourceBusyWait(pod(body).ok_or_else(short)?),
                VCmd::PROTOCOL_VERSION => Reply::ProtocolVersion(pod(body).ok_or_else(short)?),
                VCmd::RESOURCE_CREATE => Reply::ResourceCreate(pod(body).ok_or_else(short)?),
                VCmd::RESOURCE_CREATE2 => Reply::ResourceCreate2(pod(body).ok_or_else(short)?),
                VCmd::RESOURCE_CREATE_BLOB => {
                    Reply::ResourceCreateBlob(pod(body).ok_or_else(short)?)
                }
                VCmd::SYNC_CREATE => Reply::SyncCreate(pod(body).ok_or_else(short)?),
                VCmd::GET_PARAM => Reply::GetParam(pod(body).ok_or_else(short)?),
                VCmd::SYNC_READ => Reply::SyncRead(pod(body).ok_or_else(short)?),
                _ => {
                    return Err(err(
                        offset,
                        cmd,
                        DecodeErrorKind::UnexpectedReply {
                            id: header.id.get(),
                        },
                    ))
                }
            }
        }
    };
    Ok(Progress::Done(ReplyFrame {
        offset,
        size,
        reply,
    }))
}
