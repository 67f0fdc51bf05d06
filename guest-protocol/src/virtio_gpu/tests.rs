#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)]

use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;
use core::mem::{offset_of, size_of};

use bytemuck::Pod;
use proptest::collection::vec as pvec;
use proptest::prelude::*;

use super::*;
use crate::le::{Le32, Le64};

// ---------------------------------------------------------------------------
// Layout.

#[test]
fn sizes_and_offsets_match_the_spec() {
    // The sizes are const-asserted in protocol.rs; these are the doc's offsets.
    assert_eq!(size_of::<CtrlHdr>(), 24);
    assert_eq!(offset_of!(CtrlHdr, fence_id), 8);
    assert_eq!(offset_of!(CtrlHdr, ctx_id), 16);
    assert_eq!(offset_of!(CtrlHdr, ring_idx), 20);
    assert_eq!(offset_of!(ResourceCreate3d, flags), 64);
    assert_eq!(offset_of!(TransferHost3d, offset), 48);
    assert_eq!(offset_of!(TransferHost3d, resource_id), 56);
    assert_eq!(offset_of!(TransferHost3d, layer_stride), 68);
    assert_eq!(offset_of!(TransferToHost2d, offset), 40);
    assert_eq!(offset_of!(TransferToHost2d, resource_id), 48);
    assert_eq!(offset_of!(CtxCreate, context_init), 28);
    assert_eq!(offset_of!(CtxCreate, debug_name), 32);
    assert_eq!(offset_of!(SetScanout, scanout_id), 40);
    assert_eq!(offset_of!(SetScanoutBlob, strides), 64);
    assert_eq!(offset_of!(SetScanoutBlob, offsets), 80);
    assert_eq!(offset_of!(ResourceCreateBlob, nr_entries), 36);
    assert_eq!(offset_of!(ResourceCreateBlob, blob_id), 40);
    assert_eq!(offset_of!(ResourceCreateBlob, size), 48);
    assert_eq!(offset_of!(ResourceMapBlob, offset), 32);
    assert_eq!(offset_of!(RespEdid, edid), 32);
    assert_eq!(offset_of!(RespDisplayInfo, pmodes), 24);
    assert_eq!(offset_of!(UpdateCursor, resource_id), 40);
    assert_eq!(offset_of!(UpdateCursor, hot_y), 48);
    assert_eq!(size_of::<RespDisplayInfo>(), 408);
    assert_eq!(size_of::<RespEdid>(), 1056);
    assert_eq!(size_of::<SetScanoutBlob>(), 96);
}

#[test]
fn codes_and_names() {
    assert_eq!(CtrlType::CMD_SUBMIT_3D.0, 0x0207);
    assert_eq!(CtrlType::RESP_OK_MAP_INFO.0, 0x1106);
    assert_eq!(CtrlType::RESP_ERR_INVALID_PARAMETER.0, 0x1205);
    assert_eq!(CtrlType::CMD_SUBMIT_3D.log_name(), "CMD_SUBMIT_3D");
    assert_eq!(CtrlType(0x1234).log_name(), "UNKNOWN");
    assert_eq!(CtrlType(0x1234).to_string(), "CtrlType(4660)");
    assert!(CtrlType::CMD_MOVE_CURSOR.is_request());
    assert!(CtrlType::RESP_OK_NODATA.is_response() && !CtrlType::RESP_OK_NODATA.is_error());
    assert!(CtrlType::RESP_ERR_UNSPEC.is_error());
    assert_eq!(CapsetId::VIRGL.0, 1);
    assert_eq!(CapsetId::VIRGL2.0, 2);
    assert_eq!(CapsetId::DRM.0, 6);
    assert_eq!(Format::R8G8B8X8_UNORM.0, 134);
    assert_eq!(BlobMem::HOST3D_GUEST.0, 3);
    assert_eq!(MapCache::WC.0, 3);
}

#[test]
fn header_helpers() {
    let req = CtrlHdr {
        type_: Le32::new(CtrlType::CMD_SUBMIT_3D.0),
        flags: Le32::new(FLAG_FENCE | FLAG_INFO_RING_IDX | 0x80),
        fence_id: Le64::new(77),
        ctx_id: Le32::new(3),
        ring_idx: 5,
        padding: [9, 9, 9],
    };
    assert_eq!(req.fence(), Some(77));
    assert_eq!(req.ring(), Some(5));
    let reply = HdrFields::reply_to(&req);
    assert_eq!(
        reply,
        HdrFields {
            flags: FLAG_FENCE | FLAG_INFO_RING_IDX,
            fence_id: 77,
            ctx_id: 3,
            ring_idx: 5
        }
    );
    let hdr = CtrlHdr::new(CtrlType::RESP_OK_NODATA, reply);
    assert_eq!(hdr.padding, [0; 3]);
    assert_eq!(hdr.fields(), reply);
    let plain = CtrlHdr::new(CtrlType::CMD_GET_DISPLAY_INFO, HdrFields::default());
    assert_eq!((plain.fence(), plain.ring()), (None, None));
}

// ---------------------------------------------------------------------------
// Known bytes.

/// A CTX_CREATE as the Linux driver sends it for glxgears with CONTEXT_INIT.
#[test]
fn ctx_create_from_bytes() {
    let mut bytes = vec![0u8; 96];
    bytes[0..4].copy_from_slice(&0x0200u32.to_le_bytes());
    bytes[16..20].copy_from_slice(&4u32.to_le_bytes()); // ctx_id
    bytes[24..28].copy_from_slice(&8u32.to_le_bytes()); // nlen
    bytes[28..32].copy_from_slice(&2u32.to_le_bytes()); // context_init = VIRGL2
    bytes[32..40].copy_from_slice(b"glxgears");
    let (hdr, cmd) = GpuCommand::decode(&bytes).unwrap();
    assert_eq!(hdr.ctx_id.get(), 4);
    let GpuCommand::CtxCreate(c) = cmd else {
        panic!("{cmd:?}")
    };
    assert_eq!(c.debug_name(), b"glxgears");
    assert_eq!(c.capset_id(), CapsetId::VIRGL2);
    assert_eq!(cmd.name(), "CMD_CTX_CREATE");

    let built = CtxCreate::new(hdr, 2, b"glxgears");
    assert_eq!(&built, c);
    let mut out = Vec::new();
    GpuCommand::CtxCreate(&built).encode(&mut out);
    assert_eq!(out, bytes);
}

#[test]
fn attach_backing_borrows_entries() {
    let entries = [
        MemEntry {
            addr: Le64::new(0x1000),
            length: Le32::new(4096),
            padding: Le32::new(0),
        },
        MemEntry {
            addr: Le64::new(0x8000),
            length: Le32::new(100),
            padding: Le32::new(0),
        },
    ];
    let cmd = ResourceAttachBacking {
        resource_id: Le32::new(7),
        // Wrong on purpose: the encoder writes the real count.
        nr_entries: Le32::new(99),
        ..Default::default()
    };
    let mut out = Vec::new();
    GpuCommand::ResourceAttachBacking {
        cmd: &cmd,
        entries: &entries,
    }
    .encode(&mut out);
    assert_eq!(out.len(), 32 + 2 * 16);
    assert_eq!(&out[0..4], &0x0106u32.to_le_bytes());
    assert_eq!(&out[28..32], &2u32.to_le_bytes());
    let (_, decoded) = GpuCommand::decode(&out).unwrap();
    let GpuCommand::ResourceAttachBacking { cmd: c, entries: e } = decoded else {
        panic!("{decoded:?}")
    };
    assert_eq!(c.resource_id.get(), 7);
    assert_eq!(e, &entries);
    // Zero-copy: the entries point into `out`.
    assert_eq!(e.as_ptr().cast::<u8>(), out[32..].as_ptr());
}

#[test]
fn responses_known_bytes() {
    let fields = HdrFields {
        flags: FLAG_FENCE,
        fence_id: 0x1122_3344_5566_7788,
        ctx_id: 2,
        ring_idx: 0,
    };
    let mut out = Vec::new();
    GpuResponse::OkNoData.encode(fields, &mut out);
    assert_eq!(
        out,
        [
            0x00, 0x11, 0, 0, 1, 0, 0, 0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 2, 0, 0,
            0, 0, 0, 0, 0
        ]
    );

    out.clear();
    let capset = [0xabu8; 308];
    GpuResponse::OkCapset(&capset).encode(fields, &mut out);
    assert_eq!(out.len(), 24 + 308);
    let (hdr, resp) = GpuResponse::decode(&out).unwrap();
    assert_eq!(hdr.ctrl_type(), CtrlType::RESP_OK_CAPSET);
    assert_eq!(resp, GpuResponse::OkCapset(&capset));

    out.clear();
    let edid = [0x5au8; 1100];
    GpuResponse::OkEdid(&edid).encode(fields, &mut out);
    assert_eq!(out.len(), 1056);
    assert_eq!(&out[24..28], &1024u32.to_le_bytes());
    assert_eq!(
        GpuResponse::decode(&out).unwrap().1,
        GpuResponse::OkEdid(&edid[..1024])
    );
    assert!(!GpuResponse::ErrInvalidParameter.is_ok());
    assert!(GpuResponse::OkMapInfo(3).is_ok());
}

// ---------------------------------------------------------------------------
// Hostile inputs.

fn cmd_bytes(ty: CtrlType, len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    bytes[0..4].copy_from_slice(&ty.0.to_le_bytes());
    bytes
}

/// The struct size of each request type (without tails).
fn request_size(ty: CtrlType) -> usize {
    match ty {
        CtrlType::CMD_GET_DISPLAY_INFO | CtrlType::CMD_CTX_DESTROY => 24,
        CtrlType::CMD_RESOURCE_CREATE_2D | CtrlType::CMD_RESOURCE_MAP_BLOB => 40,
        CtrlType::CMD_SET_SCANOUT | CtrlType::CMD_RESOURCE_FLUSH => 48,
        CtrlType::CMD_TRANSFER_TO_HOST_2D
        | CtrlType::CMD_RESOURCE_CREATE_BLOB
        | CtrlType::CMD_UPDATE_CURSOR
        | CtrlType::CMD_MOVE_CURSOR => 56,
        CtrlType::CMD_CTX_CREATE | CtrlType::CMD_SET_SCANOUT_BLOB => 96,
        CtrlType::CMD_RESOURCE_CREATE_3D
        | CtrlType::CMD_TRANSFER_TO_HOST_3D
        | CtrlType::CMD_TRANSFER_FROM_HOST_3D => 72,
        _ => 32,
    }
}

#[test]
fn every_short_request_is_truncated() {
    let requests = CtrlType::ALL.iter().filter(|t| t.is_request());
    let mut count = 0;
    for &ty in requests {
        count += 1;
        let size = request_size(ty);
        let full = cmd_bytes(ty, size);
        let (hdr, cmd) = GpuCommand::decode(&full).unwrap();
        assert_eq!(cmd.ctrl_type(), ty);
        assert_eq!(hdr.ctrl_type(), ty);
        assert_eq!(cmd.encoded_len(), size, "{ty}");
        for len in 0..size {
            let err = GpuCommand::decode(&full[..len]).unwrap_err();
            let expected = Error::Truncated {
                cmd: if len < 4 { CtrlType::UNDEFINED } else { ty },
                need: if len < 24 { 24 } else { size },
                have: len,
            };
            assert_eq!(err, expected, "{ty} cut to {len}");
        }
    }
    assert_eq!(count, 26);
}

#[test]
fn every_short_response_is_truncated() {
    for (ty, size) in [
        (CtrlType::RESP_OK_DISPLAY_INFO, 408),
        (CtrlType::RESP_OK_CAPSET_INFO, 40),
        (CtrlType::RESP_OK_EDID, 1056),
        (CtrlType::RESP_OK_RESOURCE_UUID, 40),
        (CtrlType::RESP_OK_MAP_INFO, 32),
        (CtrlType::RESP_OK_CAPSET, 24),
        (CtrlType::RESP_ERR_UNSPEC, 24),
    ] {
        let full = cmd_bytes(ty, size);
        GpuResponse::decode(&full).unwrap();
        for len in 0..size {
            assert_eq!(
                GpuResponse::decode(&full[..len]).unwrap_err(),
                Error::Truncated {
                    cmd: if len < 4 { CtrlType::UNDEFINED } else { ty },
                    need: if len < 24 { 24 } else { size },
                    have: len,
                },
                "{ty} cut to {len}"
            );
        }
    }
}

#[test]
fn entries_beyond_the_buffer() {
    for (ty, at, size) in [
        (CtrlType::CMD_RESOURCE_ATTACH_BACKING, 28, 32),
        (CtrlType::CMD_RESOURCE_CREATE_BLOB, 36, 56),
    ] {
        // Three entries claimed, two present.
        let mut bytes = cmd_bytes(ty, size + 2 * 16);
        bytes[at..at + 4].copy_from_slice(&3u32.to_le_bytes());
        assert_eq!(
            GpuCommand::decode(&bytes).unwrap_err(),
            Error::Truncated {
                cmd: ty,
                need: size + 3 * 16,
                have: size + 32
            }
        );
        // The maximum is accepted by count, then bounded by the bytes.
        bytes[at..at + 4].copy_from_slice(&MAX_MEM_ENTRIES.to_le_bytes());
        assert_eq!(
            GpuCommand::decode(&bytes).unwrap_err(),
            Error::Truncated {
                cmd: ty,
                need: size + 16384 * 16,
                have: size + 32
            }
        );
        for count in [MAX_MEM_ENTRIES + 1, u32::MAX] {
            bytes[at..at + 4].copy_from_slice(&count.to_le_bytes());
            let err = GpuCommand::decode(&bytes).unwrap_err();
            assert_eq!(
                err,
                Error::TooManyEntries {
                    cmd: ty,
                    count,
                    max: 16384
                }
            );
            assert!(err.to_string().contains("exceed the maximum of 16384"));
        }
        // Extra bytes after the entries are ignored.
        bytes[at..at + 4].copy_from_slice(&1u32.to_le_bytes());
        let (_, cmd) = GpuCommand::decode(&bytes).unwrap();
        assert_eq!(cmd.encoded_len(), size + 16);
    }
}

#[test]
fn submit_size_beyond_the_buffer() {
    let mut bytes = cmd_bytes(CtrlType::CMD_SUBMIT_3D, 40);
    for size in [9u32, 0x8000_0000, u32::MAX] {
        bytes[24..28].copy_from_slice(&size.to_le_bytes());
        let err = GpuCommand::decode(&bytes).unwrap_err();
        assert_eq!(
            err,
            Error::Truncated {
                cmd: CtrlType::CMD_SUBMIT_3D,
                need: 32 + size as usize,
                have: 40
            }
        );
        assert!(err.to_string().starts_with("CMD_SUBMIT_3D: needs"));
    }
    bytes[24..28].copy_from_slice(&8u32.to_le_bytes());
    let (_, cmd) = GpuCommand::decode(&bytes).unwrap();
    let GpuCommand::Submit3d { commands, .. } = cmd else {
        panic!("{cmd:?}")
    };
    assert_eq!(commands.len(), 8);
}

#[test]
fn unknown_and_misdirected_types() {
    for raw in [0u32, 0x010e, 0x020a, 0x0302, 0x1100, 0x1205, 0xffff_ffff] {
        let bytes = cmd_bytes(CtrlType(raw), 200);
        assert_eq!(
            GpuCommand::decode(&bytes).unwrap_err(),
            Error::UnknownType(raw)
        );
    }
    for raw in [0u32, 0x0100, 0x0207, 0x1107, 0x1206] {
        let bytes = cmd_bytes(CtrlType(raw), 2000);
        assert_eq!(
            GpuResponse::decode(&bytes).unwrap_err(),
            Error::UnknownType(raw)
        );
    }
    assert_eq!(
        Error::UnknownType(0x10e).to_string(),
        "unknown control type 0x10e"
    );
}

#[test]
fn length_fields_beyond_their_arrays() {
    let mut bytes = cmd_bytes(CtrlType::CMD_CTX_CREATE, 96);
    bytes[24..28].copy_from_slice(&64u32.to_le_bytes());
    let (_, cmd) = GpuCommand::decode(&bytes).unwrap();
    let GpuCommand::CtxCreate(c) = cmd else {
        panic!()
    };
    assert_eq!(c.debug_name().len(), 64);
    for nlen in [65u32, u32::MAX] {
        bytes[24..28].copy_from_slice(&nlen.to_le_bytes());
        assert_eq!(
            GpuCommand::decode(&bytes).unwrap_err(),
            Error::LengthTooLarge {
                cmd: CtrlType::CMD_CTX_CREATE,
                field: "nlen",
                value: nlen,
                max: 64
            }
        );
    }

    let mut bytes = cmd_bytes(CtrlType::RESP_OK_EDID, 1056);
    bytes[24..28].copy_from_slice(&1025u32.to_le_bytes());
    assert_eq!(
        GpuResponse::decode(&bytes).unwrap_err(),
        Error::LengthTooLarge {
            cmd: CtrlType::RESP_OK_EDID,
            field: "size",
            value: 1025,
            max: 1024
        }
    );
}

// ---------------------------------------------------------------------------
// Round trips.

/// The request types, indexable by a proptest integer.
const REQUESTS: [CtrlType; 26] = [
    CtrlType::CMD_GET_DISPLAY_INFO,
    CtrlType::CMD_RESOURCE_CREATE_2D,
    CtrlType::CMD_RESOURCE_UNREF,
    CtrlType::CMD_SET_SCANOUT,
    CtrlType::CMD_RESOURCE_FLUSH,
    CtrlType::CMD_TRANSFER_TO_HOST_2D,
    CtrlType::CMD_RESOURCE_ATTACH_BACKING,
    CtrlType::CMD_RESOURCE_DETACH_BACKING,
    CtrlType::CMD_GET_CAPSET_INFO,
    CtrlType::CMD_GET_CAPSET,
    CtrlType::CMD_GET_EDID,
    CtrlType::CMD_RESOURCE_ASSIGN_UUID,
    CtrlType::CMD_RESOURCE_CREATE_BLOB,
    CtrlType::CMD_SET_SCANOUT_BLOB,
    CtrlType::CMD_CTX_CREATE,
    CtrlType::CMD_CTX_DESTROY,
    CtrlType::CMD_CTX_ATTACH_RESOURCE,
    CtrlType::CMD_CTX_DETACH_RESOURCE,
    CtrlType::CMD_RESOURCE_CREATE_3D,
    CtrlType::CMD_TRANSFER_TO_HOST_3D,
    CtrlType::CMD_TRANSFER_FROM_HOST_3D,
    CtrlType::CMD_SUBMIT_3D,
    CtrlType::CMD_RESOURCE_MAP_BLOB,
    CtrlType::CMD_RESOURCE_UNMAP_BLOB,
    CtrlType::CMD_UPDATE_CURSOR,
    CtrlType::CMD_MOVE_CURSOR,
];

fn pod<T: Pod>(raw: &[u8]) -> &T {
    bytemuck::from_bytes(&raw[..size_of::<T>()])
}

/// Builds the command of type `ty` over `raw` (random struct bytes whose type
/// and count fields the caller has made consistent) without using the decoder.
fn build<'a>(
    ty: CtrlType,
    raw: &'a [u8],
    entries: &'a [MemEntry],
    stream: &'a [u8],
) -> GpuCommand<'a> {
    match ty {
        CtrlType::CMD_GET_DISPLAY_INFO => GpuCommand::GetDisplayInfo(pod(raw)),
        CtrlType::CMD_RESOURCE_CREATE_2D => GpuCommand::ResourceCreate2d(pod(raw)),
        CtrlType::CMD_RESOURCE_UNREF => GpuCommand::ResourceUnref(pod(raw)),
        CtrlType::CMD_SET_SCANOUT => GpuCommand::SetScanout(pod(raw)),
        CtrlType::CMD_RESOURCE_FLUSH => GpuCommand::ResourceFlush(pod(raw)),
        CtrlType::CMD_TRANSFER_TO_HOST_2D => GpuCommand::TransferToHost2d(pod(raw)),
        CtrlType::CMD_RESOURCE_ATTACH_BACKING => GpuCommand::ResourceAttachBacking {
            cmd: pod(raw),
            entries,
        },
        CtrlType::CMD_RESOURCE_DETACH_BACKING => GpuCommand::ResourceDetachBacking(pod(raw)),
        CtrlType::CMD_GET_CAPSET_INFO => GpuCommand::GetCapsetInfo(pod(raw)),
        CtrlType::CMD_GET_CAPSET => GpuCommand::GetCapset(pod(raw)),
        CtrlType::CMD_GET_EDID => GpuCommand::GetEdid(pod(raw)),
        CtrlType::CMD_RESOURCE_ASSIGN_UUID => GpuCommand::ResourceAssignUuid(pod(raw)),
        CtrlType::CMD_RESOURCE_CREATE_BLOB => GpuCommand::ResourceCreateBlob {
            cmd: pod(raw),
            entries,
        },
        CtrlType::CMD_SET_SCANOUT_BLOB => GpuCommand::SetScanoutBlob(pod(raw)),
        CtrlType::CMD_CTX_CREATE => GpuCommand::CtxCreate(pod(raw)),
        CtrlType::CMD_CTX_DESTROY => GpuCommand::CtxDestroy(pod(raw)),
        CtrlType::CMD_CTX_ATTACH_RESOURCE => GpuCommand::CtxAttachResource(pod(raw)),
        CtrlType::CMD_CTX_DETACH_RESOURCE => GpuCommand::CtxDetachResource(pod(raw)),
        CtrlType::CMD_RESOURCE_CREATE_3D => GpuCommand::ResourceCreate3d(pod(raw)),
        CtrlType::CMD_TRANSFER_TO_HOST_3D => GpuCommand::TransferToHost3d(pod(raw)),
        CtrlType::CMD_TRANSFER_FROM_HOST_3D => GpuCommand::TransferFromHost3d(pod(raw)),
        CtrlType::CMD_SUBMIT_3D => GpuCommand::Submit3d {
            cmd: pod(raw),
            commands: stream,
        },
        CtrlType::CMD_RESOURCE_MAP_BLOB => GpuCommand::ResourceMapBlob(pod(raw)),
        CtrlType::CMD_RESOURCE_UNMAP_BLOB => GpuCommand::ResourceUnmapBlob(pod(raw)),
        CtrlType::CMD_UPDATE_CURSOR => GpuCommand::UpdateCursor(pod(raw)),
        CtrlType::CMD_MOVE_CURSOR => GpuCommand::MoveCursor(pod(raw)),
        _ => unreachable!("{ty}"),
    }
}

fn arb_entry() -> impl Strategy<Value = MemEntry> {
    (any::<u64>(), any::<u32>(), any::<u32>()).prop_map(|(addr, length, padding)| MemEntry {
        addr: Le64::new(addr),
        length: Le32::new(length),
        padding: Le32::new(padding),
    })
}

fn arb_fields() -> impl Strategy<Value = HdrFields> {
    (any::<u32>(), any::<u64>(), any::<u32>(), any::<u8>()).prop_map(
        |(flags, fence_id, ctx_id, ring_idx)| HdrFields {
            flags,
            fence_id,
            ctx_id,
            ring_idx,
        },
    )
}

fn put32(raw: &mut [u8], at: usize, value: u32) {
    raw[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// decode(encode(x)) == x for every request, and the bytes re-encode exactly.
    #[test]
    fn requests_round_trip(
        which in 0..REQUESTS.len(),
        mut raw in pvec(any::<u8>(), 96),
        entries in pvec(arb_entry(), 0..12),
        stream in pvec(any::<u8>(), 0..200),
        trailing in pvec(any::<u8>(), 0..16),
    ) {
        let ty = REQUESTS[which];
        put32(&mut raw, 0, ty.0);
        match ty {
            CtrlType::CMD_RESOURCE_ATTACH_BACKING => put32(&mut raw, 28, entries.len() as u32),
            CtrlType::CMD_RESOURCE_CREATE_BLOB => put32(&mut raw, 36, entries.len() as u32),
            CtrlType::CMD_SUBMIT_3D => put32(&mut raw, 24, stream.len() as u32),
            CtrlType::CMD_CTX_CREATE => {
                let nlen = u32::from(raw[24]) % 65;
                put32(&mut raw, 24, nlen);
            }
            _ => {}
        }
        let cmd = build(ty, &raw, &entries, &stream);

        let mut bytes = Vec::new();
        cmd.encode(&mut bytes);
        prop_assert_eq!(bytes.len(), cmd.encoded_len());
        let exact = bytes.clone();
        bytes.extend_from_slice(&trailing);

        let (hdr, decoded) = GpuCommand::decode(&bytes).unwrap();
        prop_assert_eq!(decoded, cmd);
        prop_assert_eq!(&hdr, cmd.hdr());
        prop_assert_eq!(decoded.ctrl_type(), ty);

        let mut again = Vec::new();
        decoded.encode(&mut again);
        prop_assert_eq!(again, exact);
    }

    /// decode(encode(x)) == x for every response.
    #[test]
    fn responses_round_trip(
        which in 0usize..13,
        fields in arb_fields(),
        modes in pvec(any::<u8>(), 384),
        data in pvec(any::<u8>(), 0..1025),
        words in (any::<u32>(), any::<u32>(), any::<u32>()),
        uuid in any::<[u8; 16]>(),
    ) {
        let modes: &[DisplayOne; MAX_SCANOUTS] = bytemuck::from_bytes(&modes);
        let resp = match which {
            0 => GpuResponse::OkNoData,
            1 => GpuResponse::OkDisplayInfo(modes),
            2 => GpuResponse::OkCapsetInfo {
                capset_id: CapsetId(words.0),
                max_version: words.1,
                max_size: words.2,
            },
            3 => GpuResponse::OkCapset(&data),
            4 => GpuResponse::OkEdid(&data),
            5 => GpuResponse::OkResourceUuid(uuid),
            6 => GpuResponse::OkMapInfo(words.0),
            7 => GpuResponse::ErrUnspec,
            8 => GpuResponse::ErrOutOfMemory,
            9 => GpuResponse::ErrInvalidScanoutId,
            10 => GpuResponse::ErrInvalidResourceId,
            11 => GpuResponse::ErrInvalidContextId,
            _ => GpuResponse::ErrInvalidParameter,
        };
        let mut bytes = Vec::new();
        resp.encode(fields, &mut bytes);
        prop_assert_eq!(bytes.len(), resp.encoded_len());
        let (hdr, decoded) = GpuResponse::decode(&bytes).unwrap();
        prop_assert_eq!(decoded, resp);
        prop_assert_eq!(hdr, CtrlHdr::new(resp.response_type(), fields));
        prop_assert_eq!(hdr.fields(), fields);
    }

    /// Arbitrary bytes never panic; whatever decodes re-encodes to its own bytes.
    #[test]
    fn arbitrary_requests(bytes in pvec(any::<u8>(), 0..300)) {
        check_request_bytes(&bytes)?;
    }

    /// As above, with a known type so the body parsers are reached.
    #[test]
    fn arbitrary_requests_with_known_type(
        which in 0..REQUESTS.len(),
        mut bytes in pvec(any::<u8>(), 0..300),
        small_count in 0u32..20,
        tweak in any::<bool>(),
    ) {
        if bytes.len() >= 4 {
            put32(&mut bytes, 0, REQUESTS[which].0);
        }
        // Keep counts plausible half the time so tails get decoded too.
        if tweak && bytes.len() >= 40 {
            let at = match REQUESTS[which] {
                CtrlType::CMD_RESOURCE_ATTACH_BACKING => 28,
                CtrlType::CMD_RESOURCE_CREATE_BLOB => 36,
                _ => 24,
            };
            put32(&mut bytes, at, small_count);
        }
        check_request_bytes(&bytes)?;
    }

    /// Arbitrary response bytes never panic; known types get through to their bodies.
    #[test]
    fn arbitrary_responses(which in 0usize..14, mut bytes in pvec(any::<u8>(), 0..1200)) {
        let responses: Vec<CtrlType> =
            CtrlType::ALL.iter().copied().filter(|t| t.is_response()).collect();
        prop_assert_eq!(responses.len(), 13);
        // `which == 13` keeps the random type.
        if let (Some(ty), true) = (responses.get(which), bytes.len() >= 4) {
            put32(&mut bytes, 0, ty.0);
        }
        match GpuResponse::decode(&bytes) {
            Ok((hdr, resp)) => {
                prop_assert_eq!(hdr.ctrl_type(), resp.response_type());
                let mut out = Vec::new();
                resp.encode(hdr.fields(), &mut out);
                prop_assert_eq!(out.len(), resp.encoded_len());
            }
            Err(Error::Truncated { need, have, .. }) => {
                prop_assert!(need > have);
                prop_assert_eq!(have, bytes.len());
            }
            Err(_) => {}
        }
    }
}

fn check_request_bytes(bytes: &[u8]) -> Result<(), TestCaseError> {
    match GpuCommand::decode(bytes) {
        Ok((hdr, cmd)) => {
            prop_assert_eq!(&hdr, cmd.hdr());
            let mut out = Vec::new();
            cmd.encode(&mut out);
            prop_assert_eq!(out.len(), cmd.encoded_len());
            prop_assert_eq!(&out[..], &bytes[..out.len()]);
        }
        Err(Error::Truncated { need, have, .. }) => {
            prop_assert!(need > have);
            prop_assert_eq!(have, bytes.len());
        }
        Err(Error::UnknownType(raw)) => prop_assert!(!CtrlType(raw).is_known()),
        Err(_) => {}
    }
    Ok(())
}
