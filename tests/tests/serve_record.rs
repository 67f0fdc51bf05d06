//! `pv3d serve --record FILE`: an in-process server records a client session
//! (handshake, RESOURCE_CREATE2 with its shm, a clear read back with
//! TRANSFER_GET2, an encoded transfer, busy-waits, unref, disconnect) into a
//! capture that guest_protocol's reader parses record by record and that
//! `replay_capture` replays with every read-back matching.

use guest_protocol::capture::{json, Capture, RecordKind, S_IFREG};
use guest_protocol::vtest::{Limits, Request, VCmd};
use host_renderer::vtest::ServeOptions;
use host_renderer::Gpu;
use pv3d::replay::{replay_capture, ReplayOptions};
use pv3d_tests::vtest_client::*;
use std::path::{Path, PathBuf};

/// Serves `sessions` clients one after the other, recording into `name`;
/// returns the temp dir (kept alive) and the capture path.
fn record(name: &str, sessions: usize) -> (tempfile::TempDir, PathBuf) {
    let mut capture = PathBuf::new();
    let (dir, server) = start_with(|dir| {
        capture = dir.join(name);
        ServeOptions {
            record: Some(capture.clone()),
            ..ServeOptions::default()
        }
    });
    for i in 0..sessions {
        client_session(
            server.path(),
            [1.0, 0.0, 0.0],
            [0, 0, 255],
            &format!("rec{i}"),
        );
    }
    let s = wait_idle(&server);
    assert_eq!((s.clients, s.resources, s.mappings), (0, 0, 0), "{s:?}");
    server.shutdown();
    (dir, capture)
}

fn check_connection(cap: &Capture, conn: u16, fd_id: u32) {
    let recs: Vec<_> = cap.records().filter(|r| r.conn == conn).collect();
    let kinds: Vec<RecordKind> = recs.iter().map(|r| r.kind).collect();
    assert_eq!(kinds.first(), Some(&RecordKind::CONN_OPEN), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&RecordKind::CONN_CLOSE), "{kinds:?}");
    let open = recs[0].json().unwrap();
    assert_eq!(
        json::u64_field(open, "conn"),
        Some(u64::from(conn)),
        "{open}"
    );
    assert_eq!(
        json::u64_field(open, "peer_pid"),
        Some(u64::from(std::process::id())),
        "{open}"
    );
    let close = recs.last().unwrap().json().unwrap();
    assert_eq!(
        json::string_field(close, "closed_by").as_deref(),
        Some("client"),
        "{close}"
    );

    // The shm fd: its own 1-byte S2C record.
    let fd_recs: Vec<_> = recs.iter().filter(|r| !r.fds.is_empty()).collect();
    assert_eq!(fd_recs.len(), 1);
    let (fd_rec, fd) = (fd_recs[0], fd_recs[0].fds[0]);
    assert_eq!((fd_rec.kind, fd_rec.payload), (RecordKind::S2C, &[0u8][..]));
    assert_eq!(fd.fd_id.get(), fd_id);
    assert_eq!(fd.handle.get(), HANDLE);
    assert_eq!(fd.size.get(), u64::from(SIZE));
    assert_eq!(fd.st_mode.get(), S_IFREG | 0o777);

    // Shared memory: the row the client wrote before the encoded transfer
    // (SHM_PRE_C2S, before the SUBMIT_CMD) and the read-back (SHM_PRE_S2C);
    // the shm is 1 KiB, so every record is that one clipped page.
    let shm: Vec<_> = recs
        .iter()
        .filter_map(|r| Some((r.kind, r.shm()?)))
        .collect();
    assert!(
        shm.iter().any(|(k, _)| *k == RecordKind::SHM_PRE_C2S),
        "{kinds:?}"
    );
    assert!(
        shm.iter().any(|(k, _)| *k == RecordKind::SHM_PRE_S2C),
        "{kinds:?}"
    );
    for (_, w) in &shm {
        assert_eq!((w.fd_id, w.handle, w.offset), (fd_id, HANDLE, 0));
        assert_eq!(w.data.len(), SIZE as usize);
    }
    // The first read-back: the red clear (B, G, R = 0, 0, 255).
    let first = shm
        .iter()
        .find(|(k, _)| *k == RecordKind::SHM_PRE_S2C)
        .unwrap();
    assert_pixels(first.1.data, 0..W as usize, [0, 0, 255], "recorded");
    // A SHM_PRE_C2S comes right before the C2S record holding the SUBMIT.
    let i = kinds
        .iter()
        .position(|k| *k == RecordKind::SHM_PRE_C2S)
        .unwrap();
    assert_eq!(kinds[i + 1], RecordKind::C2S);
    let drops: Vec<_> = recs.iter().filter_map(|r| r.fd_drop()).collect();
    assert_eq!(drops.len(), 1);
    assert_eq!(
        (drops[0].fd_id.get(), drops[0].handle.get()),
        (fd_id, HANDLE)
    );

    // The C2S stream decodes whole into the session's requests.
    let c = cap.connection(conn);
    let reqs: Vec<_> = c
        .requests(Limits::default())
        .collect::<Result<_, _>>()
        .unwrap();
    let cmds: Vec<VCmd> = reqs.iter().map(|f| f.request.cmd()).collect();
    assert!(matches!(reqs[0].request, Request::CreateRenderer(_)));
    for want in [
        VCmd::RESOURCE_CREATE2,
        VCmd::SUBMIT_CMD,
        VCmd::TRANSFER_GET2,
        VCmd::RESOURCE_UNREF,
    ] {
        assert!(cmds.contains(&want), "{want:?} in {cmds:?}");
    }
    let t = c.transcript(Limits::default());
    assert_eq!((t.error, t.c2s_tail, t.s2c_tail), (None, 0, 0));
}

fn replay(path: &Path) {
    let gpu = Gpu::new().unwrap();
    let report = replay_capture(&gpu, path, &ReplayOptions::default()).unwrap();
    assert_eq!(report.mismatches(), 0, "{report:?}");
    assert!(!report.transfers.is_empty(), "{report:?}");
    assert_eq!(
        (report.command_errors, report.request_errors),
        (0, 0),
        "{report:?}"
    );
}

#[test]
fn serve_records_a_compressed_capture_that_replays() {
    let (_dir, path) = record("session.vtrec.zst", 1);
    let raw = std::fs::read(&path).unwrap();
    assert_eq!(&raw[..4], &[0x28, 0xb5, 0x2f, 0xfd], "zstd frame");
    let cap = Capture::open(&path).unwrap();
    let header = &cap.header().json;
    assert_eq!(
        json::string_field(header, "tool").as_deref(),
        Some("pv3d serve")
    );
    assert_eq!(json::u64_field(header, "page_size"), Some(4096));
    assert!(header.contains("\"record_shm\": true"), "{header}");
    assert!(json::u64_field(header, "created_unix").unwrap() > 0);
    assert!(cap.header().label.is_some());
    assert_eq!(cap.connection_ids(), vec![0]);
    check_connection(&cap, 0, 1);
    replay(&path);
}

#[test]
fn serve_records_two_connections_raw() {
    let (_dir, path) = record("two.vtrec", 2);
    let cap = Capture::open(&path).unwrap();
    assert_eq!(&cap.bytes()[..8], b"VTESTREC");
    assert_eq!(cap.connection_ids(), vec![0, 1]);
    // fd ids are unique in the file.
    check_connection(&cap, 0, 1);
    check_connection(&cap, 1, 2);
    replay(&path);
}
