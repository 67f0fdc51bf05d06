//! Responses: [`GpuResponse`], its encoder and its decoder.

use alloc::vec::Vec;
use core::mem::size_of;

use super::command::{header, put_as, view};
use super::error::Error;
use super::protocol::*;
use crate::le::Le32;

/// One response, without its header: the device builds it and
/// [`encode`](Self::encode)s it behind a header made from [`HdrFields`].
///
/// Large payloads borrow: the display modes, the capset bytes, the EDID.
/// Decoding (the guest side) drops the payload structs' padding fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GpuResponse<'a> {
    /// `RESP_OK_NODATA`: success, header only.
    OkNoData,
    /// `RESP_OK_DISPLAY_INFO`: one entry per possible scanout.
    OkDisplayInfo(&'a [DisplayOne; MAX_SCANOUTS]),
    /// `RESP_OK_CAPSET_INFO`.
    OkCapsetInfo {
        /// The capset at the asked index.
        capset_id: CapsetId,
        /// Its highest version.
        max_version: u32,
        /// Its size in bytes.
        max_size: u32,
    },
    /// `RESP_OK_CAPSET`: the capset bytes (everything after the header).
    OkCapset(&'a [u8]),
    /// `RESP_OK_EDID`: the EDID bytes (at most 1024; the encoder cuts there).
    OkEdid(&'a [u8]),
    /// `RESP_OK_RESOURCE_UUID`.
    OkResourceUuid([u8; 16]),
    /// `RESP_OK_MAP_INFO`: `map_info`, a [`MapCache`] in bits 0..3.
    OkMapInfo(u32),
    /// `RESP_ERR_UNSPEC`.
    ErrUnspec,
    /// `RESP_ERR_OUT_OF_MEMORY`.
    ErrOutOfMemory,
    /// `RESP_ERR_INVALID_SCANOUT_ID`.
    ErrInvalidScanoutId,
    /// `RESP_ERR_INVALID_RESOURCE_ID`.
    ErrInvalidResourceId,
    /// `RESP_ERR_INVALID_CONTEXT_ID`.
    ErrInvalidContextId,
    /// `RESP_ERR_INVALID_PARAMETER`.
    ErrInvalidParameter,
}

impl<'a> GpuResponse<'a> {
    /// The `RESP_*` type this variant is encoded with.
    pub const fn response_type(&self) -> CtrlType {
        match self {
            Self::OkNoData => CtrlType::RESP_OK_NODATA,
            Self::OkDisplayInfo(_) => CtrlType::RESP_OK_DISPLAY_INFO,
            Self::OkCapsetInfo { .. } => CtrlType::RESP_OK_CAPSET_INFO,
            Self::OkCapset(_) => CtrlType::RESP_OK_CAPSET,
            Self::OkEdid(_) => CtrlType::RESP_OK_EDID,
            Self::OkResourceUuid(_) => CtrlType::RESP_OK_RESOURCE_UUID,
            Self::OkMapInfo(_) => CtrlType::RESP_OK_MAP_INFO,
            Self::ErrUnspec => CtrlType::RESP_ERR_UNSPEC,
            Self::ErrOutOfMemory => CtrlType::RESP_ERR_OUT_OF_MEMORY,
            Self::ErrInvalidScanoutId => CtrlType::RESP_ERR_INVALID_SCANOUT_ID,
            Self::ErrInvalidResourceId => CtrlType::RESP_ERR_INVALID_RESOURCE_ID,
            Self::ErrInvalidContextId => CtrlType::RESP_ERR_INVALID_CONTEXT_ID,
            Self::ErrInvalidParameter => CtrlType::RESP_ERR_INVALID_PARAMETER,
        }
    }

    /// The protocol name of the response, for logs.
    pub const fn name(&self) -> &'static str {
        self.response_type().log_name()
    }

    /// True for the `RESP_OK_*` variants.
    pub const fn is_ok(&self) -> bool {
        !self.response_type().is_error()
    }

    /// Bytes [`encode`](Self::encode) writes.
    pub fn encoded_len(&self) -> usize {
        match self {
            Self::OkDisplayInfo(_) => size_of::<RespDisplayInfo>(),
            Self::OkCapsetInfo { .. } => size_of::<RespCapsetInfo>(),
            Self::OkCapset(data) => size_of::<RespCapset>() + data.len(),
            Self::OkEdid(_) => size_of::<RespEdid>(),
            Self::OkResourceUuid(_) => size_of::<RespResourceUuid>(),
            Self::OkMapInfo(_) => size_of::<RespMapInfo>(),
            Self::OkNoData
            | Self::ErrUnspec
            | Self::ErrOutOfMemory
            | Self::ErrInvalidScanoutId
            | Self::ErrInvalidResourceId
            | Self::ErrInvalidContextId
            | Self::ErrInvalidParameter => size_of::<CtrlHdr>(),
        }
    }

    /// Appends the response's wire bytes to `out`: a header of
    /// [`response_type`](Self::response_type) with `fields` (use
    /// [`HdrFields::reply_to`] for the request's fence), then the payload.
    /// Padding is written as zero.
    pub fn encode(&self, fields: HdrFields, out: &mut Vec<u8>) {
        let ty = self.response_type();
        let hdr = CtrlHdr::new(ty, fields);
        out.reserve(self.encoded_len());
        match *self {
            Self::OkDisplayInfo(pmodes) => put_as(
                out,
                &RespDisplayInfo {
                    hdr,
                    pmodes: *pmodes,
                },
                ty,
            ),
            Self::OkCapsetInfo {
                capset_id,
                max_version,
                max_size,
            } => put_as(
                out,
                &RespCapsetInfo {
                    hdr,
                    capset_id: Le32::new(capset_id.0),
                    capset_max_version: Le32::new(max_version),
                    capset_max_size: Le32::new(max_size),
                    padding: Le32::new(0),
                },
                ty,
            ),
            Self::OkCapset(data) => {
                put_as(out, &RespCapset { hdr }, ty);
                out.extend_from_slice(data);
            }
            Self::OkEdid(edid) => {
                let mut resp = RespEdid {
                    hdr,
                    ..RespEdid::default()
                };
                let len = edid.len().min(EDID_LEN);
                // `len` is at most 1024.
                resp.size = Le32::new(len as u32);
                for (dst, src) in resp.edid.iter_mut().zip(edid) {
                    *dst = *src;
                }
                put_as(out, &resp, ty);
            }
            Self::OkResourceUuid(uuid) => put_as(out, &RespResourceUuid { hdr, uuid }, ty),
            Self::OkMapInfo(map_info) => put_as(
                out,
                &RespMapInfo {
                    hdr,
                    map_info: Le32::new(map_info),
                    padding: Le32::new(0),
                },
                ty,
            ),
            Self::OkNoData
            | Self::ErrUnspec
            | Self::ErrOutOfMemory
            | Self::ErrInvalidScanoutId
            | Self::ErrInvalidResourceId
            | Self::ErrInvalidContextId
            | Self::ErrInvalidParameter => put_as(out, &hdr, ty),
        }
    }

    /// Decodes the response at the start of `bytes` (the used part of the
    /// device-writable buffers). For `RESP_OK_CAPSET` every byte after the
    /// header is capset data; for the others, bytes after the response are
    /// ignored. Returns a copy of the header and the response.
    pub fn decode(bytes: &'a [u8]) -> Result<(CtrlHdr, Self), Error> {
        let hdr = header(bytes)?;
        let ty = hdr.ctrl_type();
        let resp = match ty {
            CtrlType::RESP_OK_NODATA => Self::OkNoData,
            CtrlType::RESP_OK_DISPLAY_INFO => {
                let resp: &RespDisplayInfo = view(bytes, ty)?;
                Self::OkDisplayInfo(&resp.pmodes)
            }
            CtrlType::RESP_OK_CAPSET_INFO => {
                let resp: &RespCapsetInfo = view(bytes, ty)?;
                Self::OkCapsetInfo {
                    capset_id: CapsetId(resp.capset_id.get()),
                    max_version: resp.capset_max_version.get(),
                    max_size: resp.capset_max_size.get(),
                }
            }
            CtrlType::RESP_OK_CAPSET => {
                Self::OkCapset(bytes.get(size_of::<RespCapset>()..).unwrap_or_default())
            }
            CtrlType::RESP_OK_EDID => {
                let resp: &RespEdid = view(bytes, ty)?;
                let size = resp.size.get();
                if size > EDID_LEN as u32 {
                    return Err(Error::LengthTooLarge {
                        cmd: ty,
                        field: "size",
                        value: size,
                        max: EDID_LEN as u32,
                    });
                }
                Self::OkEdid(resp.edid())
            }
            CtrlType::RESP_OK_RESOURCE_UUID => {
                let resp: &RespResourceUuid = view(bytes, ty)?;
                Self::OkResourceUuid(resp.uuid)
            }
            CtrlType::RESP_OK_MAP_INFO => {
                let resp: &RespMapInfo = view(bytes, ty)?;
                Self::OkMapInfo(resp.map_info.get())
            }
            CtrlType::RESP_ERR_UNSPEC => Self::ErrUnspec,
            CtrlType::RESP_ERR_OUT_OF_MEMORY => Self::ErrOutOfMemory,
            CtrlType::RESP_ERR_INVALID_SCANOUT_ID => Self::ErrInvalidScanoutId,
            CtrlType::RESP_ERR_INVALID_RESOURCE_ID => Self::ErrInvalidResourceId,
            CtrlType::RESP_ERR_INVALID_CONTEXT_ID => Self::ErrInvalidContextId,
            CtrlType::RESP_ERR_INVALID_PARAMETER => Self::ErrInvalidParameter,
            _ => return Err(Error::UnknownType(ty.0)),
        };
        Ok((*hdr, resp))
    }
}
