//! Encoders: the exact bytes of every request and reply.
//!
//! [`Request::encode`] writes the `len` Mesa writes ([`Request::canonical_len`]);
//! [`Request::encode_with_len`] writes a given `len` for the commands whose size
//! does not depend on it, so a decoded [`RequestFrame`](super::RequestFrame)
//! re-encodes to the bytes it came from.

use super::msg::*;
use crate::wire::push_dword;
use alloc::vec::Vec;
use bytemuck::{bytes_of, cast_slice, Pod};

/// Why a message could not be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A variable part is too long for a `u32` length field.
    #[error("{cmd}: {what} of {len} bytes does not fit the length field")]
    TooLong {
        /// The command.
        cmd: VCmd,
        /// The part.
        what: &'static str,
        /// Its length in bytes.
        len: usize,
    },
    /// TRANSFER_PUT's data is not `data_size` bytes.
    #[error("{cmd}: data_size = {data_size} but {len} data bytes given")]
    DataSizeMismatch {
        /// The command.
        cmd: VCmd,
        /// The header's `data_size`.
        data_size: u32,
        /// Bytes given.
        len: usize,
    },
    /// A `len` was given that contradicts the body of a length-carrying command.
    #[error("{cmd}: len = {len} but the body needs {expected}")]
    LenMismatch {
        /// The command.
        cmd: VCmd,
        /// The `len` given.
        len: u32,
        /// The `len` the body needs.
        expected: u32,
    },
    /// [`Reply::Fd`] is not a byte stream message: send it with the fd.
    #[error("the fd message is sent with its fd, not encoded into a stream")]
    FdMessage,
}

/// `len` of a body of `bytes` bytes in dwords, rounding up.
fn dwords_ceil(bytes: u32) -> u32 {
    bytes / 4 + u32::from(!bytes.is_multiple_of(4))
}

fn u32_len(cmd: VCmd, what: &'static str, len: usize) -> Result<u32, EncodeError> {
    u32::try_from(len).map_err(|_| EncodeError::TooLong { cmd, what, len })
}

impl Request<'_> {
    /// The `len` Mesa writes for this request (§2.1): bytes for CREATE_RENDERER,
    /// header plus data dwords for TRANSFER_PUT / TRANSFER_PUT2, the payload
    /// dwords otherwise. Saturates where the body is too long for a `u32`.
    pub fn canonical_len(&self) -> u32 {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let dwords = |bytes: usize| count(bytes / 4);
        match self {
            Self::GetCaps | Self::GetCaps2 | Self::PingProtocolVersion => 0,
            Self::ResourceCreate(_) => dwords(ResourceCreate::BYTES),
            Self::ResourceUnref(_) => dwords(ResourceUnref::BYTES),
            Self::TransferGet(_) => dwords(Transfer::BYTES),
            Self::TransferPut { transfer, .. } => {
                dwords(Transfer::BYTES) + dwords_ceil(transfer.data_size.get())
            }
            Self::SubmitCmd(cmds) => count(cmds.len()),
            Self::ResourceBusyWait(_) => dwords(ResourceBusyWait::BYTES),
            Self::CreateRenderer(cr) => count(cr.name.len()),
            Self::ProtocolVersion(_) => dwords(ProtocolVersion::BYTES),
            Self::ResourceCreate2(_) => dwords(ResourceCreate2::BYTES),
            Self::TransferGet2(_) => dwords(Transfer2::BYTES),
            Self::TransferPut2(t) => dwords(Transfer2::BYTES) + dwords_ceil(t.data_size.get()),
            Self::GetParam(_) => dwords(GetParam::BYTES),
            Self::GetCapset(_) => dwords(GetCapset::BYTES),
            Self::ContextInit(_) => dwords(ContextInit::BYTES),
            Self::ResourceCreateBlob(_) => dwords(ResourceCreateBlob::BYTES),
            Self::SyncCreate(_) => dwords(SyncCreate::BYTES),
            Self::SyncUnref(_) | Self::SyncRead(_) => dwords(SyncId::BYTES),
            Self::SyncWrite(_) => dwords(SyncWrite::BYTES),
            Self::SyncWait { syncs, .. } => {
                dwords(SyncWaitHeader::BYTES).saturating_add(dwords(core::mem::size_of_val(*syncs)))
            }
            Self::SubmitCmd2(s) => count(s.payload.len()),
        }
    }

    /// True for the commands whose wire size follows from `len` (so any other
    /// `len` would frame a different message).
    pub const fn len_is_size(&self) -> bool {
        matches!(
            self,
            Self::SubmitCmd(_)
                | Self::CreateRenderer(_)
                | Self::SyncWait { .. }
                | Self::SubmitCmd2(_)
        )
    }

    /// Bytes on the wire, header included.
    pub fn encoded_size(&self) -> usize {
        HEADER_BYTES
            + match self {
                Self::GetCaps | Self::GetCaps2 | Self::PingProtocolVersion => 0,
                Self::ResourceCreate(_) => ResourceCreate::BYTES,
                Self::ResourceUnref(_) => ResourceUnref::BYTES,
                Self::TransferGet(_) => Transfer::BYTES,
                Self::TransferPut { data, .. } => Transfer::BYTES + data.len(),
                Self::SubmitCmd(cmds) => cmds.as_bytes().len(),
                Self::ResourceBusyWait(_) => ResourceBusyWait::BYTES,
                Self::CreateRenderer(cr) => cr.name.len(),
                Self::ProtocolVersion(_) => ProtocolVersion::BYTES,
                Self::ResourceCreate2(_) => ResourceCreate2::BYTES,
                Self::TransferGet2(_) | Self::TransferPut2(_) => Transfer2::BYTES,
                Self::GetParam(_) => GetParam::BYTES,
                Self::GetCapset(_) => GetCapset::BYTES,
                Self::ContextInit(_) => ContextInit::BYTES,
                Self::ResourceCreateBlob(_) => ResourceCreateBlob::BYTES,
                Self::SyncCreate(_) => SyncCreate::BYTES,
                Self::SyncUnref(_) | Self::SyncRead(_) => SyncId::BYTES,
                Self::SyncWrite(_) => SyncWrite::BYTES,
                Self::SyncWait { syncs, .. } => {
                    SyncWaitHeader::BYTES + core::mem::size_of_val(*syncs)
                }
                Self::SubmitCmd2(s) => s.payload.as_bytes().len(),
            }
    }

    /// Appends the message with its canonical `len`.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.check()?;
        self.write(self.canonical_len(), out);
        Ok(())
    }

    /// Appends the message with header `len` = `len`. For the commands where
    /// `len` is the size ([`Request::len_is_size`]) it must be the canonical one.
    pub fn encode_with_len(&self, len: u32, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.check()?;
        let expected = self.canonical_len();
        if self.len_is_size() && len != expected {
            return Err(EncodeError::LenMismatch {
                cmd: self.cmd(),
                len,
                expected,
            });
        }
        self.write(len, out);
        Ok(())
    }

    /// Rejects what no `len` can describe.
    fn check(&self) -> Result<(), EncodeError> {
        let cmd = self.cmd();
        match self {
            Self::TransferPut { transfer, data }
                if data.len() != transfer.data_size.get() as usize =>
            {
                return Err(EncodeError::DataSizeMismatch {
                    cmd,
                    data_size: transfer.data_size.get(),
                    len: data.len(),
                });
            }
            Self::CreateRenderer(cr) => {
                u32_len(cmd, "name", cr.name.len())?;
            }
            Self::SubmitCmd(cmds) => {
                u32_len(cmd, "command buffer", cmds.len())?;
            }
            Self::SubmitCmd2(s) => {
                u32_len(cmd, "payload", s.payload.len())?;
            }
            Self::SyncWait { syncs, .. } => {
                u32_len(
                    cmd,
                    "sync entries",
                    syncs.len().saturating_mul(3).saturating_add(2),
                )?;
            }
            _ => {}
        }
        Ok(())
    }

    fn write(&self, len: u32, out: &mut Vec<u8>) {
        out.reserve(self.encoded_size());
        out.extend_from_slice(bytes_of(&Header::new(len, self.cmd())));
        match self {
            Self::GetCaps | Self::GetCaps2 | Self::PingProtocolVersion => {}
            Self::ResourceCreate(b) => put(out, b),
            Self::ResourceUnref(b) => put(out, b),
            Self::TransferGet(b) => put(out, b),
            Self::TransferPut { transfer, data } => {
                put(out, transfer);
                out.extend_from_slice(data);
            }
            Self::SubmitCmd(cmds) => out.extend_from_slice(cmds.as_bytes()),
            Self::ResourceBusyWait(b) => put(out, b),
            Self::CreateRenderer(cr) => out.extend_from_slice(cr.name),
            Self::ProtocolVersion(b) => put(out, b),
            Self::ResourceCreate2(b) => put(out, b),
            Self::TransferGet2(b) | Self::TransferPut2(b) => put(out, b),
            Self::GetParam(b) => put(out, b),
            Self::GetCapset(b) => put(out, b),
            Self::ContextInit(b) => put(out, b),
            Self::ResourceCreateBlob(b) => put(out, b),
            Self::SyncCreate(b) => put(out, b),
            Self::SyncUnref(b) | Self::SyncRead(b) => put(out, b),
            Self::SyncWrite(b) => put(out, b),
            Self::SyncWait { wait, syncs } => {
                put(out, wait);
                out.extend_from_slice(cast_slice(syncs));
            }
            Self::SubmitCmd2(s) => out.extend_from_slice(s.payload.as_bytes()),
        }
    }
}

fn put<T: Pod>(out: &mut Vec<u8>, value: &T) {
    out.extend_from_slice(bytes_of(value));
}

impl Reply<'_> {
    /// Bytes on the wire (header included; 1 for the fd message).
    pub fn encoded_size(&self) -> usize {
        let body = match self {
            Self::TransferGetData(data) => return data.len(),
            Self::Fd => return 1,
            Self::Caps { caps, .. } => caps.len(),
            Self::PingProtocolVersion | Self::SyncWait => 0,
            Self::ResourceCreate(_)
            | Self::ResourceCreate2(_)
            | Self::ResourceCreateBlob(_)
            | Self::SyncCreate(_) => IdReply::BYTES,
            Self::ResourceBusyWait(_) => BusyWaitReply::BYTES,
            Self::ProtocolVersion(_) => ProtocolVersion::BYTES,
            Self::GetParam(_) => GetParamReply::BYTES,
            Self::GetCapset { capset, .. } => 4 + capset.as_bytes().len(),
            Self::SyncRead(_) => SyncReadReply::BYTES,
        };
        HEADER_BYTES + body
    }

    /// Appends the reply's bytes. [`Reply::Fd`] is refused: it must go out as
    /// its own `sendmsg` with the fd attached (the std adapter does that).
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let (len, cmd): (u32, VCmd) = match self {
            Self::Fd => return Err(EncodeError::FdMessage),
            Self::TransferGetData(data) => {
                out.extend_from_slice(data);
                return Ok(());
            }
            Self::Caps { version, caps } => {
                let len = u32_len(VCmd::GET_CAPS, "caps", caps.len())?;
                let len = len.checked_add(1).ok_or(EncodeError::TooLong {
                    cmd: VCmd::GET_CAPS,
                    what: "caps",
                    len: caps.len(),
                })?;
                let id = match version {
                    CapsVersion::V1 => VCmd::GET_CAPS,
                    CapsVersion::V2 => VCmd(CAPS_V2_REPLY_ID),
                };
                (len, id)
            }
            Self::GetCapset { capset, .. } => {
                let n = u32_len(VCmd::GET_CAPSET, "capset", capset.as_bytes().len())? / 4;
                let len = n.checked_add(1).ok_or(EncodeError::TooLong {
                    cmd: VCmd::GET_CAPSET,
                    what: "capset",
                    len: capset.as_bytes().len(),
                })?;
                (len, VCmd::GET_CAPSET)
            }
            Self::PingProtocolVersion => (0, VCmd::PING_PROTOCOL_VERSION),
            Self::SyncWait => (0, VCmd::SYNC_WAIT),
            Self::ResourceCreate(_) => (1, VCmd::RESOURCE_CREATE),
            Self::ResourceCreate2(_) => (1, VCmd::RESOURCE_CREATE2),
            Self::ResourceCreateBlob(_) => (1, VCmd::RESOURCE_CREATE_BLOB),
            Self::SyncCreate(_) => (1, VCmd::SYNC_CREATE),
            Self::ResourceBusyWait(_) => (1, VCmd::RESOURCE_BUSY_WAIT),
            Self::ProtocolVersion(_) => (1, VCmd::PROTOCOL_VERSION),
            Self::GetParam(_) => (2, VCmd::GET_PARAM),
            Self::SyncRead(_) => (2, VCmd::SYNC_READ),
        };
        out.reserve(self.encoded_size());
        out.extend_from_slice(bytes_of(&Header::new(len, cmd)));
        match self {
            Self::Caps { caps, .. } => out.extend_from_slice(caps),
            Self::GetCapset { valid, capset } => {
                push_dword(out, *valid);
                out.extend_from_slice(capset.as_bytes());
            }
            Self::ResourceCreate(b)
            | Self::ResourceCreate2(b)
            | Self::ResourceCreateBlob(b)
            | Self::SyncCreate(b) => put(out, b),
            Self::ResourceBusyWait(b) => put(out, b),
            Self::ProtocolVersion(b) => put(out, b),
            Self::GetParam(b) => put(out, b),
            Self::SyncRead(b) => put(out, b),
            Self::PingProtocolVersion | Self::SyncWait | Self::Fd | Self::TransferGetData(_) => {}
        }
        Ok(())
    }
}
