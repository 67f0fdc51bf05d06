//! Capture reader/writer tests: a synthetic session through the writer and
//! back, byte-identical rewriting of a real capture, and damaged files.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use super::*;
use crate::vtest::{Limits, Reply, Request, VCmd};
use std::path::PathBuf;
use std::vec::Vec;

fn words(ws: &[u32]) -> Vec<u8> {
    ws.iter().flat_map(|w| w.to_le_bytes()).collect()
}

fn fd(id: u32, handle: u32, size: u64) -> FdInfo {
    FdInfo {
        fd_id: id.into(),
        handle: handle.into(),
        size: size.into(),
        st_mode: (S_IFREG | 0o600).into(),
        reserved: 0.into(),
    }
}

/// A small session: handshake, one RESOURCE_CREATE2 with its fd, a submit
/// preceded by a shm write, a GET2 + BUSY_WAIT whose reply brings pixels.
fn synthetic() -> Vec<u8> {
    let mut w =
        CaptureWriter::new(Vec::new(), r#"{"tool": "test", "label": "gears \"x\""}"#).unwrap();
    w.conn_open(0, 1, r#"{"conn": 0, "peer_cmdline": ["gears"]}"#)
        .unwrap();
    let mut c2s = words(&[3, 8]);
    c2s.extend_from_slice(b"ab\0");
    w.c2s(0, 2, &c2s[..5], &[]).unwrap();
    c2s = c2s[5..].to_vec();
    c2s.extend(words(&[0, 10, 2, 7, 0, 0]));
    w.c2s(0, 3, &c2s, &[]).unwrap();
    w.s2c(0, 4, &words(&[0, 10, 1, 7, 0]), &[]).unwrap();
    w.c2s(
        0,
        5,
        &words(&[11, 12, 1, 0, 64, 0x20, 4096, 1, 1, 1, 0, 0, 4096]),
        &[],
    )
    .unwrap();
    w.s2c(0, 6, &[0], &[fd(1, 1, 4096)]).unwrap();
    let page = [7u8; 64];
    let write = ShmWrite {
        fd_id: 1,
        handle: 1,
        offset: 4032,
        data: &page,
    };
    w.shm(RecordKind::SHM_PRE_C2S, 0, 7, &write).unwrap();
    w.c2s(0, 8, &words(&[1, 6, 0x0001_0011]), &[]).unwrap();
    w.c2s(
        0,
        9,
        &words(&[10, 13, 1, 0, 0, 0, 0, 16, 1, 1, 64, 0, 2, 7, 1, 1]),
        &[],
    )
    .unwrap();
    let pixels = ShmWrite {
        fd_id: 1,
        handle: 1,
        offset: 0,
        data: &[9u8; 64],
    };
    w.shm(RecordKind::SHM_PRE_S2C, 0, 10, &pixels).unwrap();
    w.s2c(0, 11, &words(&[1, 7, 0]), &[]).unwrap();
    w.c2s(0, 12, &words(&[1, 3, 1]), &[]).unwrap();
    w.fd_drop(0, 13, 1, 1).unwrap();
    w.conn_close(0, 14, r#"{"closed_by": "client", "commands": 7}"#)
        .unwrap();
    w.finish().unwrap()
}

#[test]
fn synthetic_session_round_trips() {
    let raw = synthetic();
    let cap = Capture::parse(raw.clone()).unwrap();
    assert_eq!(cap.header().label.as_deref(), Some("gears \"x\""));
    assert_eq!(cap.len(), 14);
    assert_eq!(cap.connection_ids(), [0]);

    // Every record written back gives the same file.
    let mut w = CaptureWriter::new(Vec::new(), &cap.header().json).unwrap();
    for r in cap.records() {
        w.record(r.kind, r.conn, r.t_ns, r.payload, r.fds).unwrap();
    }
    assert_eq!(w.finish().unwrap(), raw);

    // Compressed, it reads the same.
    let zst = compress(&raw);
    assert_eq!(&zst[..4], &ZSTD_MAGIC);
    let again = Capture::from_bytes(zst).unwrap();
    assert_eq!(again.bytes(), &raw[..]);

    let conn = cap.connection(0);
    assert!(conn.open.is_some());
    assert_eq!(
        json::string_field(conn.close.unwrap(), "closed_by").as_deref(),
        Some("client")
    );
    let fds: Vec<_> = conn.s2c_fds().map(|(at, f)| (at, f.fd_id.get())).collect();
    assert_eq!(fds, [(20, 1)]);
    let shm: Vec<_> = conn
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::ShmPreC2s { at, write } => Some(("c2s", at, write.offset)),
            EventKind::ShmPreS2c { at, write } => Some(("s2c", at, write.offset)),
            _ => None,
        })
        .collect();
    assert_eq!(shm, [("c2s", 87, 4032), ("s2c", 21, 0)]);

    let t = conn.transcript(Limits::default());
    assert_eq!(t.error, None);
    assert_eq!((t.c2s_tail, t.s2c_tail), (0, 0));
    let names: Vec<&str> = t
        .items
        .iter()
        .map(|i| match i {
            Item::Open(_) => "open",
            Item::Close(_) => "close",
            Item::Request(f) => f.request.cmd().name().unwrap(),
            Item::Reply { frame, .. } => frame.reply.name(),
            Item::ShmPreC2s { .. } => "shm>",
            Item::ShmPreS2c { .. } => "shm<",
            Item::FdDrop { .. } => "drop",
        })
        .collect();
    assert_eq!(
        names,
        [
            "open",
            "CREATE_RENDERER",
            "PING_PROTOCOL_VERSION",
            "RESOURCE_BUSY_WAIT",
            "PING_PROTOCOL_VERSION",
            "RESOURCE_BUSY_WAIT",
            "RESOURCE_CREATE2",
            "FD",
            "shm>",
            "SUBMIT_CMD",
            "TRANSFER_GET2",
            "RESOURCE_BUSY_WAIT",
            "shm<",
            "RESOURCE_BUSY_WAIT",
            "RESOURCE_UNREF",
            "drop",
            "close"
        ]
    );
    let fd_reply = t.items.iter().find_map(|i| match i {
        Item::Reply { frame, fds } if frame.reply == Reply::Fd => Some(*fds),
        _ => None,
    });
    assert_eq!(fd_reply.map(|f| f.len()), Some(1));
    let requests: Vec<VCmd> = conn
        .requests(Limits::default())
        .map(|r| r.unwrap().request.cmd())
        .collect();
    assert_eq!(requests.len(), 8);
    assert!(matches!(
        conn.requests(Limits::default())
            .nth(7)
            .unwrap()
            .unwrap()
            .request,
        Request::ResourceUnref(_)
    ));
}

/// Byte offset of record `n` in `raw`.
fn record_offset(raw: &[u8], n: usize) -> usize {
    let cap = Capture::parse(raw.to_vec()).unwrap();
    let offset = cap.records().nth(n).unwrap().offset;
    offset as usize
}

#[test]
fn damaged_files_say_where() {
    let raw = synthetic();
    let err = |bytes: Vec<u8>| Capture::parse(bytes).unwrap_err().to_string();

    let mut bad = raw.clone();
    bad[0] = b'X';
    assert!(err(bad).starts_with("not a vtest capture"));
    let mut bad = raw.clone();
    bad[8] = 2;
    assert_eq!(err(bad), "unsupported capture format version 2");
    assert_eq!(
        err(raw[..20].to_vec()),
        "header JSON at byte 16 truncated: needs 40 bytes, 4 left"
    );

    // Cut inside record 3's payload.
    let at = record_offset(&raw, 3);
    assert_eq!(
        err(raw[..at + 20].to_vec()),
        format!(
            "record payload at byte {} truncated: needs 20 bytes, 4 left",
            at + 16
        )
    );
    // Cut inside a record header.
    assert_eq!(
        err(raw[..at + 5].to_vec()),
        format!("record header at byte {at} truncated: needs 16 bytes, 5 left")
    );
    // Cut inside the fd info of the S2C record with the fd (record 5).
    let at5 = record_offset(&raw, 5);
    assert_eq!(
        err(raw[..at5 + 16 + 1 + 10].to_vec()),
        format!(
            "record fd infos at byte {} truncated: needs 24 bytes, 10 left",
            at5 + 17
        )
    );
    // Unknown kind.
    let mut bad = raw.clone();
    bad[at] = 9;
    assert_eq!(err(bad), format!("record at byte {at}: unknown kind 9"));
    // fds on a C2S/S2C-only field of another kind.
    let at6 = record_offset(&raw, 6);
    let mut bad = raw.clone();
    bad[at6 + 1] = 1;
    assert_eq!(
        err(bad),
        format!("record at byte {at6}: SHM_PRE_C2S record with 1 fd(s)")
    );

    // Decompression is bounded.
    let zst = compress(&raw);
    let small = ReadOptions { max_bytes: 100 };
    assert!(matches!(
        Capture::from_bytes_with(zst, small),
        Err(CaptureError::TooLarge { max: 100 })
    ));
    assert!(matches!(
        Capture::from_bytes(vec_of(&ZSTD_MAGIC)),
        Err(CaptureError::Zstd { offset: 0, .. })
    ));
}

fn vec_of(bytes: &[u8]) -> Vec<u8> {
    bytes.to_vec()
}

fn captures_dir() -> PathBuf {
    std::env::var_os("PV3D_CAPTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../shared/captures"
            ))
        })
}

#[test]
fn a_real_capture_rewrites_byte_for_byte() {
    let path = captures_dir().join("es2_info.vtrec.zst");
    if !path.exists() {
        std::eprintln!("skipped: {} not found", path.display());
        return;
    }
    let cap = Capture::open(&path).unwrap();
    assert_eq!(cap.header().label.as_deref(), Some("es2_info"));
    let mut w = CaptureWriter::new(Vec::new(), &cap.header().json).unwrap();
    for r in cap.records() {
        w.record(r.kind, r.conn, r.t_ns, r.payload, r.fds).unwrap();
    }
    assert_eq!(w.finish().unwrap(), cap.bytes());
}
