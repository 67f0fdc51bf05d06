//! Golden-vector test over every capture in `shared/captures` (or
//! `$PV3D_CAPTURES`): each connection's streams are fed, chunk by chunk as they
//! were recorded, through the server-side and client-side codecs; every
//! message must decode, re-encode to the identical bytes, and the counts must
//! match `manifest.jsonl`.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use guest_protocol::capture::{Capture, Connection, EventKind, FdInfo, Item};
use guest_protocol::vtest::{
    CapsVersion, Limits, Reply, ReplyDecoder, Request, RequestDecoder, VCmd,
};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

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

/// `manifest.jsonl`: file name → the object for that capture.
fn manifest(dir: &Path) -> HashMap<String, Value> {
    let text = std::fs::read_to_string(dir.join("manifest.jsonl")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["file"].as_str().unwrap().to_string(), v)
        })
        .collect()
}

#[derive(Default)]
struct Totals {
    captures: usize,
    connections: usize,
    requests: BTreeMap<&'static str, u64>,
    replies: BTreeMap<&'static str, u64>,
    c2s_bytes: u64,
    s2c_bytes: u64,
    fds: u64,
    shm_writes: u64,
    odd_len: BTreeMap<&'static str, u64>,
}

/// What one connection decoded to.
#[derive(Default)]
struct ConnResult {
    requests: BTreeMap<&'static str, u64>,
    replies: BTreeMap<&'static str, u64>,
    fds: u64,
    rc2_with_fd: u64,
    version: u32,
}

fn name(cmd: VCmd) -> &'static str {
    cmd.name().unwrap_or("UNKNOWN")
}

/// Feeds the recorded chunks through both codecs and checks every message.
fn check_connection(label: &str, conn: &Connection<'_>, totals: &mut Totals) -> ConnResult {
    let mut out = ConnResult::default();
    let mut requests = RequestDecoder::new(Limits::default());
    let mut replies: ReplyDecoder<FdInfo> = ReplyDecoder::new(Limits::default());
    let mut whole = conn.requests(Limits::default());
    let mut c2s_done = 0usize;
    let mut s2c_done = 0usize;
    let mut shm_at: Vec<usize> = Vec::new();
    let mut submit_starts: Vec<usize> = Vec::new();
    for event in &conn.events {
        match event.kind {
            EventKind::C2s { start, end, fds } => {
                assert!(fds.is_empty(), "{label}: client sent fds");
                requests.push(&conn.c2s[start..end]);
                while let Some(frame) = requests.next_request().unwrap() {
                    let at = frame.offset as usize;
                    let wire = &conn.c2s[at..at + frame.size];
                    // Same frame as decoding the concatenated stream.
                    assert_eq!(whole.next().unwrap().unwrap(), frame, "{label}");
                    let mut again = Vec::new();
                    frame
                        .request
                        .encode_with_len(frame.header.len.get(), &mut again)
                        .unwrap();
                    assert_eq!(
                        again, wire,
                        "{label}: request at {at} re-encodes differently"
                    );
                    if frame.header.len.get() != frame.request.canonical_len() {
                        *totals.odd_len.entry(name(frame.request.cmd())).or_default() += 1;
                    }
                    let cmd = frame.request.cmd();
                    *out.requests.entry(name(cmd)).or_default() += 1;
                    if matches!(
                        cmd,
                        VCmd::SUBMIT_CMD | VCmd::TRANSFER_PUT | VCmd::TRANSFER_PUT2
                    ) {
                        submit_starts.push(at);
                    }
                    if let Request::ResourceCreate2(rc) = frame.request {
                        out.rc2_with_fd += u64::from(rc.data_size.get() > 0);
                    }
                    replies.expect_request(&frame.request);
                    c2s_done = at + frame.size;
                }
            }
            EventKind::S2c { start, end, fds } => {
                replies.push(&conn.s2c[start..end], fds.iter().copied());
                while let Some(m) = replies.next_reply().unwrap() {
                    let f = m.frame;
                    let at = f.offset as usize;
                    let wire = &conn.s2c[at..at + f.size];
                    match f.reply {
                        Reply::Fd => {
                            assert_eq!(wire, [0], "{label}");
                            assert_eq!(m.fds.len(), 1, "{label}: fd message at {at}");
                            out.fds += 1;
                        }
                        reply => {
                            let mut again = Vec::new();
                            reply.encode(&mut again).unwrap();
                            assert_eq!(
                                again, wire,
                                "{label}: reply at {at} re-encodes differently"
                            );
                        }
                    }
                    *out.replies.entry(f.reply.name()).or_default() += 1;
                    s2c_done = at + f.size;
                }
            }
            EventKind::ShmPreC2s { at, .. } => {
                totals.shm_writes += 1;
                shm_at.push(at);
            }
            EventKind::ShmPreS2c { .. } => totals.shm_writes += 1,
            _ => {}
        }
    }
    requests.finish().unwrap();
    replies.finish().unwrap();
    assert!(
        whole.next().is_none(),
        "{label}: stream decoder saw fewer requests"
    );
    assert_eq!(c2s_done, conn.c2s.len(), "{label}: trailing C2S bytes");
    assert_eq!(s2c_done, conn.s2c.len(), "{label}: trailing S2C bytes");
    assert!(
        replies.tracker().is_idle(),
        "{label}: replies still owed at the end"
    );
    out.version = replies.tracker().version();

    // The recorder snapshots shm right before a C2S chunk that starts a
    // SUBMIT_CMD / TRANSFER_PUT(2); check that is where the events point.
    for at in shm_at {
        let next_chunk_end = conn
            .events
            .iter()
            .find_map(|e| match e.kind {
                EventKind::C2s { start, end, .. } if start == at => Some(end),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{label}: SHM_PRE_C2S at {at} not followed by C2S"));
        assert!(
            submit_starts
                .iter()
                .any(|&s| (at..next_chunk_end).contains(&s)),
            "{label}: SHM_PRE_C2S at {at} does not precede a submit"
        );
    }

    // The one-shot transcript agrees with the streaming decoders.
    let t = conn.transcript(Limits::default());
    assert_eq!(t.error, None, "{label}");
    assert_eq!((t.c2s_tail, t.s2c_tail), (0, 0), "{label}");
    let n_req = t
        .items
        .iter()
        .filter(|i| matches!(i, Item::Request(_)))
        .count() as u64;
    let n_rep = t
        .items
        .iter()
        .filter(|i| matches!(i, Item::Reply { .. }))
        .count() as u64;
    assert_eq!(n_req, out.requests.values().sum::<u64>(), "{label}");
    assert_eq!(n_rep, out.replies.values().sum::<u64>(), "{label}");
    out
}

#[test]
fn every_capture_decodes_and_matches_the_manifest() {
    let dir = captures_dir();
    if !dir.join("manifest.jsonl").exists() {
        eprintln!("skipped: no captures at {}", dir.display());
        return;
    }
    let manifest = manifest(&dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.ends_with(".vtrec.zst") || n.ends_with(".vtrec")
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no captures in {}", dir.display());

    let mut totals = Totals::default();
    for path in &files {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let entry = manifest
            .get(&file)
            .unwrap_or_else(|| panic!("{file} is not in manifest.jsonl"));
        let capture = Capture::open(path).unwrap();
        assert_eq!(
            capture.header().label.as_deref(),
            entry["command"].as_str(),
            "{file}: header label"
        );
        let conns = capture.connections();
        let wanted = entry["connections"].as_array().unwrap();
        let mut checked = 0;
        for conn in &conns {
            // Connections that never sent a byte are not in the manifest.
            let Some(m) = wanted
                .iter()
                .find(|m| m["conn"].as_u64() == Some(u64::from(conn.conn)))
            else {
                assert!(
                    conn.c2s.is_empty(),
                    "{file}: conn {} not in manifest",
                    conn.conn
                );
                continue;
            };
            checked += 1;
            let label = format!("{file} conn {}", conn.conn);
            let r = check_connection(&label, conn, &mut totals);
            assert_eq!(
                conn.c2s.len() as u64,
                m["c2s_bytes"].as_u64().unwrap(),
                "{label}"
            );
            assert_eq!(
                conn.s2c.len() as u64,
                m["s2c_bytes"].as_u64().unwrap(),
                "{label}"
            );
            assert_eq!(m["unparsed_tail_bytes"].as_u64(), Some(0), "{label}");
            let fds_received = m["fds_received"].as_u64().unwrap();
            assert_eq!(r.fds, fds_received, "{label}: fds");
            assert_eq!(
                r.rc2_with_fd, fds_received,
                "{label}: RESOURCE_CREATE2 with data"
            );
            assert_eq!(
                Some(u64::from(r.version)),
                m["negotiated_protocol_version"].as_u64(),
                "{label}: version"
            );
            let commands: BTreeMap<&str, u64> = m["commands"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_u64().unwrap()))
                .collect();
            let decoded: BTreeMap<&str, u64> = r.requests.iter().map(|(k, v)| (*k, *v)).collect();
            assert_eq!(decoded, commands, "{label}: request counts");
            // Replies: one per request that gets one at protocol 2.
            let count = |k: &str| commands.get(k).copied().unwrap_or(0);
            let expected_replies: BTreeMap<&str, u64> = [
                ("PING_PROTOCOL_VERSION", count("PING_PROTOCOL_VERSION")),
                ("RESOURCE_BUSY_WAIT", count("RESOURCE_BUSY_WAIT")),
                ("PROTOCOL_VERSION", count("PROTOCOL_VERSION")),
                ("CAPS_V2", count("GET_CAPS2")),
                ("CAPS_V1", count("GET_CAPS")),
                ("FD", fds_received),
            ]
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .collect();
            let got_replies: BTreeMap<&str, u64> =
                r.replies.iter().map(|(k, v)| (*k, *v)).collect();
            assert_eq!(got_replies, expected_replies, "{label}: reply counts");

            totals.connections += 1;
            totals.c2s_bytes += conn.c2s.len() as u64;
            totals.s2c_bytes += conn.s2c.len() as u64;
            totals.fds += r.fds;
            for (k, v) in r.requests {
                *totals.requests.entry(k).or_default() += v;
            }
            for (k, v) in r.replies {
                *totals.replies.entry(k).or_default() += v;
            }
        }
        assert_eq!(checked, wanted.len(), "{file}: connections");
        totals.captures += 1;
    }

    println!(
        "vtest corpus: {} captures, {} connections, {} C2S bytes, {} S2C bytes, {} fds, {} shm writes",
        totals.captures, totals.connections, totals.c2s_bytes, totals.s2c_bytes, totals.fds, totals.shm_writes
    );
    println!("requests: {:?}", totals.requests);
    println!("replies:  {:?}", totals.replies);
    println!("len differs from the canonical one: {:?}", totals.odd_len);
    assert_eq!(
        totals.captures,
        manifest.len(),
        "captures on disk vs manifest"
    );
}

#[test]
fn caps_replies_are_the_documented_sizes() {
    let path = captures_dir().join("glxgears-60frames.vtrec.zst");
    if !path.exists() {
        eprintln!("skipped: {} not found", path.display());
        return;
    }
    let capture = Capture::open(&path).unwrap();
    let conn = capture.connection(0);
    let t = conn.transcript(Limits::default());
    let caps: Vec<(CapsVersion, usize)> = t
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Reply { frame: f, .. } => match f.reply {
                Reply::Caps { version, caps } => Some((version, caps.len())),
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(caps, [(CapsVersion::V2, 1376), (CapsVersion::V1, 308)]);
    // The handshake starts CREATE_RENDERER "glxgears".
    let Some(Item::Request(first)) = t.items.iter().find(|i| matches!(i, Item::Request(_))) else {
        panic!("no request")
    };
    let Request::CreateRenderer(cr) = first.request else {
        panic!("first request is {:?}", first.request)
    };
    assert_eq!(cr.name_str(), Some("glxgears"));
}
