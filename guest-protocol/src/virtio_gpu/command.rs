//! Requests: [`GpuCommand`], its decoder and its encoder.

use alloc::vec::Vec;
use bytemuck::Pod;
use core::mem::size_of;

use super::error::Error;
use super::protocol::*;
use crate::le::Le32;

/// One decoded request: a typed view borrowing the request bytes.
///
/// Fixed-size structs are `&'a` references into the buffer (every wire struct
/// has alignment 1); variable tails are borrowed slices bounded by the bytes
/// actually present. Nothing is allocated, whatever the counts say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GpuCommand<'a> {
    /// `CMD_GET_DISPLAY_INFO` (header only).
    GetDisplayInfo(&'a CtrlHdr),
    /// `CMD_RESOURCE_CREATE_2D`.
    ResourceCreate2d(&'a ResourceCreate2d),
    /// `CMD_RESOURCE_UNREF`.
    ResourceUnref(&'a ResourceUnref),
    /// `CMD_SET_SCANOUT`.
    SetScanout(&'a SetScanout),
    /// `CMD_RESOURCE_FLUSH`.
    ResourceFlush(&'a ResourceFlush),
    /// `CMD_TRANSFER_TO_HOST_2D`.
    TransferToHost2d(&'a TransferToHost2d),
    /// `CMD_RESOURCE_ATTACH_BACKING` and its memory entries.
    ResourceAttachBacking {
        /// The fixed part.
        cmd: &'a ResourceAttachBacking,
        /// The `nr_entries` entries that follow it.
        entries: &'a [MemEntry],
    },
    /// `CMD_RESOURCE_DETACH_BACKING`.
    ResourceDetachBacking(&'a ResourceDetachBacking),
    /// `CMD_GET_CAPSET_INFO`.
    GetCapsetInfo(&'a GetCapsetInfo),
    /// `CMD_GET_CAPSET`.
    GetCapset(&'a GetCapset),
    /// `CMD_GET_EDID`.
    GetEdid(&'a GetEdid),
    /// `CMD_RESOURCE_ASSIGN_UUID`.
    ResourceAssignUuid(&'a ResourceAssignUuid),
    /// `CMD_RESOURCE_CREATE_BLOB` and its memory entries.
    ResourceCreateBlob {
        /// The fixed part.
        cmd: &'a ResourceCreateBlob,
        /// The `nr_entries` entries that follow it.
        entries: &'a [MemEntry],
    },
    /// `CMD_SET_SCANOUT_BLOB`.
    SetScanoutBlob(&'a SetScanoutBlob),
    /// `CMD_CTX_CREATE`; `nlen` is checked, so
    /// [`CtxCreate::debug_name`] is exactly the name sent.
    CtxCreate(&'a CtxCreate),
    /// `CMD_CTX_DESTROY` (header only).
    CtxDestroy(&'a CtrlHdr),
    /// `CMD_CTX_ATTACH_RESOURCE`.
    CtxAttachResource(&'a CtxResource),
    /// `CMD_CTX_DETACH_RESOURCE`.
    CtxDetachResource(&'a CtxResource),
    /// `CMD_RESOURCE_CREATE_3D`.
    ResourceCreate3d(&'a ResourceCreate3d),
    /// `CMD_TRANSFER_TO_HOST_3D`.
    TransferToHost3d(&'a TransferHost3d),
    /// `CMD_TRANSFER_FROM_HOST_3D`.
    TransferFromHost3d(&'a TransferHost3d),
    /// `CMD_SUBMIT_3D` and its command stream.
    Submit3d {
        /// The fixed part.
        cmd: &'a CmdSubmit,
        /// The `size` bytes of virgl command stream that follow it (not
        /// checked to be whole dwords: the virgl decoder reports that).
        commands: &'a [u8],
    },
    /// `CMD_RESOURCE_MAP_BLOB`.
    ResourceMapBlob(&'a ResourceMapBlob),
    /// `CMD_RESOURCE_UNMAP_BLOB`.
    ResourceUnmapBlob(&'a ResourceUnmapBlob),
    /// `CMD_UPDATE_CURSOR` (cursor queue).
    UpdateCursor(&'a UpdateCursor),
    /// `CMD_MOVE_CURSOR` (cursor queue).
    MoveCursor(&'a UpdateCursor),
}

/// Views the first `size_of::<T>()` bytes as a `T`.
pub(super) fn view<T: Pod>(bytes: &[u8], cmd: CtrlType) -> Result<&T, Error> {
    let need = size_of::<T>();
    bytes
        .get(..need)
        // Cannot fail: alignment 1 and exactly the size.
        .and_then(|raw| bytemuck::try_from_bytes(raw).ok())
        .ok_or(Error::Truncated {
            cmd,
            need,
            have: bytes.len(),
        })
}

/// Views `count` records of `T` starting at byte `start`.
pub(super) fn tail<T: Pod>(
    bytes: &[u8],
    start: usize,
    count: usize,
    cmd: CtrlType,
) -> Result<&[T], Error> {
    let need = count
        .checked_mul(size_of::<T>())
        .and_then(|len| len.checked_add(start))
        .unwrap_or(usize::MAX);
    bytes
        .get(start..need)
        // Cannot fail: alignment 1 and the length is a multiple of the size.
        .and_then(|records| bytemuck::try_cast_slice(records).ok())
        .ok_or(Error::Truncated {
            cmd,
            need,
            have: bytes.len(),
        })
}

/// Views the header, naming the type in the error when at least that is present.
pub(super) fn header(bytes: &[u8]) -> Result<&CtrlHdr, Error> {
    let raw_type = bytes
        .get(..4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, u32::from_le_bytes);
    view(bytes, CtrlType(raw_type))
}

/// `count` as a `usize`, saturating (a count that large is truncated anyway).
fn to_usize(count: u32) -> usize {
    usize::try_from(count).unwrap_or(usize::MAX)
}

/// The memory entries after a struct of `start` bytes.
fn entries(bytes: &[u8], start: usize, count: u32, cmd: CtrlType) -> Result<&[MemEntry], Error> {
    if count > MAX_MEM_ENTRIES {
        return Err(Error::TooManyEntries {
            cmd,
            count,
            max: MAX_MEM_ENTRIES,
        });
    }
    tail(bytes, start, to_usize(count), cmd)
}

impl<'a> GpuCommand<'a> {
    /// Decodes the request at the start of `bytes` (the device-readable part
    /// of a descriptor chain, as one byte stream). Bytes after the request are
    /// ignored. Returns a copy of the header and the typed view.
    pub fn decode(bytes: &'a [u8]) -> Result<(CtrlHdr, Self), Error> {
        let hdr = header(bytes)?;
        let ty = hdr.ctrl_type();
        let cmd = match ty {
            CtrlType::CMD_GET_DISPLAY_INFO => Self::GetDisplayInfo(hdr),
            CtrlType::CMD_RESOURCE_CREATE_2D => Self::ResourceCreate2d(view(bytes, ty)?),
            CtrlType::CMD_RESOURCE_UNREF => Self::ResourceUnref(view(bytes, ty)?),
            CtrlType::CMD_SET_SCANOUT => Self::SetScanout(view(bytes, ty)?),
            CtrlType::CMD_RESOURCE_FLUSH => Self::ResourceFlush(view(bytes, ty)?),
            CtrlType::CMD_TRANSFER_TO_HOST_2D => Self::TransferToHost2d(view(bytes, ty)?),
            CtrlType::CMD_RESOURCE_ATTACH_BACKING => {
                let cmd: &ResourceAttachBacking = view(bytes, ty)?;
                let start = size_of::<ResourceAttachBacking>();
                let entries = entries(bytes, start, cmd.nr_entries.get(), ty)?;
                Self::ResourceAttachBacking { cmd, entries }
            }
            CtrlType::CMD_RESOURCE_DETACH_BACKING => Self::ResourceDetachBacking(view(bytes, ty)?),
            CtrlType::CMD_GET_CAPSET_INFO => Self::GetCapsetInfo(view(bytes, ty)?),
            CtrlType::CMD_GET_CAPSET => Self::GetCapset(view(bytes, ty)?),
            CtrlType::CMD_GET_EDID => Self::GetEdid(view(bytes, ty)?),
            CtrlType::CMD_RESOURCE_ASSIGN_UUID => Self::ResourceAssignUuid(view(bytes, ty)?),
            CtrlType::CMD_RESOURCE_CREATE_BLOB => {
                let cmd: &ResourceCreateBlob = view(bytes, ty)?;
                let start = size_of::<ResourceCreateBlob>();
                let entries = entries(bytes, start, cmd.nr_entries.get(), ty)?;
                Self::ResourceCreateBlob { cmd, entries }
            }
            CtrlType::CMD_SET_SCANOUT_BLOB => Self::SetScanoutBlob(view(bytes, ty)?),
            CtrlType::CMD_CTX_CREATE => {
                let cmd: &CtxCreate = view(bytes, ty)?;
                let nlen = cmd.nlen.get();
                if to_usize(nlen) > DEBUG_NAME_LEN {
                    return Err(Error::LengthTooLarge {
                        cmd: ty,
                        field: "nlen",
                        value: nlen,
                        max: DEBUG_NAME_LEN as u32,
                    });
                }
                Self::CtxCreate(cmd)
            }
            CtrlType::CMD_CTX_DESTROY => Self::CtxDestroy(hdr),
            CtrlType::CMD_CTX_ATTACH_RESOURCE => Self::CtxAttachResource(view(bytes, ty)?),
            CtrlType::CMD_CTX_DETACH_RESOURCE => Self::CtxDetachResource(view(bytes, ty)?),
            CtrlType::CMD_RESOURCE_CREATE_3D => Self::ResourceCreate3d(view(bytes, ty)?),
            CtrlType::CMD_TRANSFER_TO_HOST_3D => Self::TransferToHost3d(view(bytes, ty)?),
            CtrlType::CMD_TRANSFER_FROM_HOST_3D => Self::TransferFromHost3d(view(bytes, ty)?),
            CtrlType::CMD_SUBMIT_3D => {
                let cmd: &CmdSubmit = view(bytes, ty)?;
                let start = size_of::<CmdSubmit>();
                let commands = tail(bytes, start, to_usize(cmd.size.get()), ty)?;
                Self::Submit3d { cmd, commands }
            }
            CtrlType::CMD_RESOURCE_MAP_BLOB => Self::ResourceMapBlob(view(bytes, ty)?),
            CtrlType::CMD_RESOURCE_UNMAP_BLOB => Self::ResourceUnmapBlob(view(bytes, ty)?),
            CtrlType::CMD_UPDATE_CURSOR => Self::UpdateCursor(view(bytes, ty)?),
            CtrlType::CMD_MOVE_CURSOR => Self::MoveCursor(view(bytes, ty)?),
            _ => return Err(Error::UnknownType(ty.0)),
        };
        Ok((*hdr, cmd))
    }

    /// The type this variant is encoded with.
    pub const fn ctrl_type(&self) -> CtrlType {
        match self {
            Self::GetDisplayInfo(_) => CtrlType::CMD_GET_DISPLAY_INFO,
            Self::ResourceCreate2d(_) => CtrlType::CMD_RESOURCE_CREATE_2D,
            Self::ResourceUnref(_) => CtrlType::CMD_RESOURCE_UNREF,
            Self::SetScanout(_) => CtrlType::CMD_SET_SCANOUT,
            Self::ResourceFlush(_) => CtrlType::CMD_RESOURCE_FLUSH,
            Self::TransferToHost2d(_) => CtrlType::CMD_TRANSFER_TO_HOST_2D,
            Self::ResourceAttachBacking { .. } => CtrlType::CMD_RESOURCE_ATTACH_BACKING,
            Self::ResourceDetachBacking(_) => CtrlType::CMD_RESOURCE_DETACH_BACKING,
            Self::GetCapsetInfo(_) => CtrlType::CMD_GET_CAPSET_INFO,
            Self::GetCapset(_) => CtrlType::CMD_GET_CAPSET,
            Self::GetEdid(_) => CtrlType::CMD_GET_EDID,
            Self::ResourceAssignUuid(_) => CtrlType::CMD_RESOURCE_ASSIGN_UUID,
            Self::ResourceCreateBlob { .. } => CtrlType::CMD_RESOURCE_CREATE_BLOB,
            Self::SetScanoutBlob(_) => CtrlType::CMD_SET_SCANOUT_BLOB,
            Self::CtxCreate(_) => CtrlType::CMD_CTX_CREATE,
            Self::CtxDestroy(_) => CtrlType::CMD_CTX_DESTROY,
            Self::CtxAttachResource(_) => CtrlType::CMD_CTX_ATTACH_RESOURCE,
            Self::CtxDetachResource(_) => CtrlType::CMD_CTX_DETACH_RESOURCE,
            Self::ResourceCreate3d(_) => CtrlType::CMD_RESOURCE_CREATE_3D,
            Self::TransferToHost3d(_) => CtrlType::CMD_TRANSFER_TO_HOST_3D,
            Self::TransferFromHost3d(_) => CtrlType::CMD_TRANSFER_FROM_HOST_3D,
            Self::Submit3d { .. } => CtrlType::CMD_SUBMIT_3D,
            Self::ResourceMapBlob(_) => CtrlType::CMD_RESOURCE_MAP_BLOB,
            Self::ResourceUnmapBlob(_) => CtrlType::CMD_RESOURCE_UNMAP_BLOB,
            Self::UpdateCursor(_) => CtrlType::CMD_UPDATE_CURSOR,
            Self::MoveCursor(_) => CtrlType::CMD_MOVE_CURSOR,
        }
    }

    /// The protocol name of the command, for logs.
    pub const fn name(&self) -> &'static str {
        self.ctrl_type().log_name()
    }

    /// The request's header.
    pub const fn hdr(&self) -> &'a CtrlHdr {
        match *self {
            Self::GetDisplayInfo(hdr) | Self::CtxDestroy(hdr) => hdr,
            Self::ResourceCreate2d(c) => &c.hdr,
            Self::ResourceUnref(c) => &c.hdr,
            Self::SetScanout(c) => &c.hdr,
            Self::ResourceFlush(c) => &c.hdr,
            Self::TransferToHost2d(c) => &c.hdr,
            Self::ResourceAttachBacking { cmd, .. } => &cmd.hdr,
            Self::ResourceDetachBacking(c) => &c.hdr,
            Self::GetCapsetInfo(c) => &c.hdr,
            Self::GetCapset(c) => &c.hdr,
            Self::GetEdid(c) => &c.hdr,
            Self::ResourceAssignUuid(c) => &c.hdr,
            Self::ResourceCreateBlob { cmd, .. } => &cmd.hdr,
            Self::SetScanoutBlob(c) => &c.hdr,
            Self::CtxCreate(c) => &c.hdr,
            Self::CtxAttachResource(c) | Self::CtxDetachResource(c) => &c.hdr,
            Self::ResourceCreate3d(c) => &c.hdr,
            Self::TransferToHost3d(c) | Self::TransferFromHost3d(c) => &c.hdr,
            Self::Submit3d { cmd, .. } => &cmd.hdr,
            Self::ResourceMapBlob(c) => &c.hdr,
            Self::ResourceUnmapBlob(c) => &c.hdr,
            Self::UpdateCursor(c) | Self::MoveCursor(c) => &c.hdr,
        }
    }

    /// Bytes [`encode`](Self::encode) writes.
    pub fn encoded_len(&self) -> usize {
        match *self {
            Self::GetDisplayInfo(_) | Self::CtxDestroy(_) => size_of::<CtrlHdr>(),
            Self::ResourceCreate2d(_) => size_of::<ResourceCreate2d>(),
            Self::ResourceUnref(_) => size_of::<ResourceUnref>(),
            Self::SetScanout(_) => size_of::<SetScanout>(),
            Self::ResourceFlush(_) => size_of::<ResourceFlush>(),
            Self::TransferToHost2d(_) => size_of::<TransferToHost2d>(),
            Self::ResourceAttachBacking { entries, .. } => {
                size_of::<ResourceAttachBacking>() + core::mem::size_of_val(counted(entries).1)
            }
            Self::ResourceDetachBacking(_) => size_of::<ResourceDetachBacking>(),
            Self::GetCapsetInfo(_) => size_of::<GetCapsetInfo>(),
            Self::GetCapset(_) => size_of::<GetCapset>(),
            Self::GetEdid(_) => size_of::<GetEdid>(),
            Self::ResourceAssignUuid(_) => size_of::<ResourceAssignUuid>(),
            Self::ResourceCreateBlob { entries, .. } => {
                size_of::<ResourceCreateBlob>() + core::mem::size_of_val(counted(entries).1)
            }
            Self::SetScanoutBlob(_) => size_of::<SetScanoutBlob>(),
            Self::CtxCreate(_) => size_of::<CtxCreate>(),
            Self::CtxAttachResource(_) | Self::CtxDetachResource(_) => size_of::<CtxResource>(),
            Self::ResourceCreate3d(_) => size_of::<ResourceCreate3d>(),
            Self::TransferToHost3d(_) | Self::TransferFromHost3d(_) => size_of::<TransferHost3d>(),
            Self::Submit3d { commands, .. } => size_of::<CmdSubmit>() + counted(commands).1.len(),
            Self::ResourceMapBlob(_) => size_of::<ResourceMapBlob>(),
            Self::ResourceUnmapBlob(_) => size_of::<ResourceUnmapBlob>(),
            Self::UpdateCursor(_) | Self::MoveCursor(_) => size_of::<UpdateCursor>(),
        }
    }

    /// Appends the request's wire bytes to `out`.
    ///
    /// Fields are written as given, except the header's type, which comes from
    /// the variant, and the tail counts (`nr_entries`, `size`), which come from
    /// the tail slices (a tail past `u32::MAX` elements is cut there). For
    /// every value [`decode`](Self::decode) returns, this writes back exactly
    /// the bytes it was decoded from.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let ty = self.ctrl_type();
        out.reserve(self.encoded_len());
        match *self {
            Self::GetDisplayInfo(hdr) | Self::CtxDestroy(hdr) => put_as(out, hdr, ty),
            Self::ResourceCreate2d(c) => put_as(out, c, ty),
            Self::ResourceUnref(c) => put_as(out, c, ty),
            Self::SetScanout(c) => put_as(out, c, ty),
            Self::ResourceFlush(c) => put_as(out, c, ty),
            Self::TransferToHost2d(c) => put_as(out, c, ty),
            Self::ResourceAttachBacking { cmd, entries } => {
                let (count, entries) = counted(entries);
                let cmd = ResourceAttachBacking {
                    nr_entries: Le32::new(count),
                    ..*cmd
                };
                put_as(out, &cmd, ty);
                out.extend_from_slice(bytemuck::cast_slice(entries));
            }
            Self::ResourceDetachBacking(c) => put_as(out, c, ty),
            Self::GetCapsetInfo(c) => put_as(out, c, ty),
            Self::GetCapset(c) => put_as(out, c, ty),
            Self::GetEdid(c) => put_as(out, c, ty),
            Self::ResourceAssignUuid(c) => put_as(out, c, ty),
            Self::ResourceCreateBlob { cmd, entries } => {
                let (count, entries) = counted(entries);
                let cmd = ResourceCreateBlob {
                    nr_entries: Le32::new(count),
                    ..*cmd
                };
                put_as(out, &cmd, ty);
                out.extend_from_slice(bytemuck::cast_slice(entries));
            }
            Self::SetScanoutBlob(c) => put_as(out, c, ty),
            Self::CtxCreate(c) => put_as(out, c, ty),
            Self::CtxAttachResource(c) | Self::CtxDetachResource(c) => put_as(out, c, ty),
            Self::ResourceCreate3d(c) => put_as(out, c, ty),
            Self::TransferToHost3d(c) | Self::TransferFromHost3d(c) => put_as(out, c, ty),
            Self::Submit3d { cmd, commands } => {
                let (size, commands) = counted(commands);
                let cmd = CmdSubmit {
                    size: Le32::new(size),
                    ..*cmd
                };
                put_as(out, &cmd, ty);
                out.extend_from_slice(commands);
            }
            Self::ResourceMapBlob(c) => put_as(out, c, ty),
            Self::ResourceUnmapBlob(c) => put_as(out, c, ty),
            Self::UpdateCursor(c) | Self::MoveCursor(c) => put_as(out, c, ty),
        }
    }
}

/// A tail cut to what a `u32` count can describe, with that count.
fn counted<T>(tail: &[T]) -> (u32, &[T]) {
    let count = u32::try_from(tail.len()).unwrap_or(u32::MAX);
    (count, tail.get(..to_usize(count)).unwrap_or(tail))
}

/// Appends `value`, a message struct, with its header's type set to `ty`.
pub(super) fn put_as<T: Pod>(out: &mut Vec<u8>, value: &T, ty: CtrlType) {
    let start = out.len();
    out.extend_from_slice(bytemuck::bytes_of(value));
    // Every message struct starts with its `CtrlHdr`, whose first field is the type.
    if let Some(type_field) = out.get_mut(start..start + 4) {
        type_field.copy_from_slice(&ty.0.to_le_bytes());
    }
}
