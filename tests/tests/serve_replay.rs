//! The reference replayer (`captures/tools/vtest-replay.py`, acting as the
//! client) against the vtest server: every server → client byte must match
//! the recording (caps excepted: ours differ, same length) and every page
//! the server wrote into shared memory must equal the reference read-back
//! within the replay tolerance (`pv3d::replay`: 2 per channel).
//!
//! Every capture in the corpus is replayed. The answer to a non-waiting
//! BUSY_WAIT is the GPU's real state at that moment, so it depends on timing;
//! the tool allows such a flag to differ where a recorded reply chunk holds
//! whole busy-wait replies, but where the recorder saw the 8-byte header and
//! the 4-byte flag as two chunks it reports a mismatched chunk. Those are
//! allowed here, strictly: every mismatched chunk the tool prints (`-v`) must
//! be a recorded 0/1 flag answered with 0/1, and there may be no more of them
//! than the capture has such split busy replies ([`split_busy_flags`]). Exceptions, each with its reason, are in [`PIXELS_BY_RUST_REPLAY`]
//! and `pv3d_tests::KNOWN_MISMATCHES`; a known capture that starts passing
//! fails the test, so the list stays honest.

use guest_protocol::capture::{Capture, EventKind};
use host_renderer::vtest::{ServeOptions, Server};
use host_renderer::Gpu;
use pv3d::replay::Tolerance;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Captures whose protocol bytes must all match but whose pixels are held to
/// the replay tolerance's outlier allowance (which the tool's per-page
/// maximum cannot express) by `renderer_replay`, with the reason.
const PIXELS_BY_RUST_REPLAY: &[(&str, &str)] = &[
    (
        "glmark2-es2-win320x240-pulsar",
        "one pixel in a few frames on a shared edge differs by up to 44 (llvmpipe GL vs lavapipe)",
    ),
    (
        "glmark2-es2-win320x240-refract",
        "one pixel in 3 of 285 pages differs by up to 6 (llvmpipe GL vs lavapipe)",
    ),
];

#[test]
fn serve_passes_the_reference_replayer() {
    let gpu = Gpu::new().expect("a Vulkan adapter (lavapipe) is needed for GPU tests");
    let dir = tempfile::Builder::new()
        .prefix("pv3d-serve-replay-")
        .tempdir()
        .unwrap();
    let sock = dir.path().join("vtest.sock");
    let server = Server::bind(&sock, gpu, ServeOptions::default())
        .unwrap()
        .spawn()
        .unwrap();
    let tool = pv3d_tests::captures_dir().join("tools/vtest-replay.py");
    assert!(tool.is_file(), "{} missing", tool.display());
    let tolerance = Tolerance::default().max_channel_diff.to_string();
    let mut failures = Vec::new();
    for path in pv3d_tests::all_captures() {
        let name = pv3d_tests::capture_name(&path);
        // Decompressed here, so the tool needs no `zstd` binary.
        let capture = Capture::open(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let raw = dir.path().join(format!("{name}.vtrec"));
        std::fs::write(&raw, capture.bytes()).unwrap();
        // Output to a file: a full pipe would stall the tool.
        let log_path = dir.path().join(format!("{name}.log"));
        let log = std::fs::File::create(&log_path).unwrap();
        let mut child = Command::new("python3")
            .arg(&tool)
            .arg(&raw)
            .arg("--server")
            .arg(&sock)
            .args([
                "-v",
                "--any-caps",
                "--tolerance",
                &tolerance,
                "--timeout",
                "120",
            ])
            .args(
                PIXELS_BY_RUST_REPLAY
                    .iter()
                    .any(|(n, _)| *n == name)
                    .then_some("--tolerate-pixels"),
            )
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .expect("python3 runs the replayer");
        // Generous: a loaded 2-core machine.
        let deadline = Instant::now() + Duration::from_secs(300);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let out = std::fs::read_to_string(&log_path).unwrap_or_default();
        let known = pv3d_tests::KNOWN_MISMATCHES
            .iter()
            .find(|(n, _)| *n == name);
        let only_busy_flags = only_split_busy_flags_differ(&out, split_busy_flags(&capture));
        match (status, known) {
            (Some(s), None) if s.success() => {}
            (Some(s), None) if s.code() == Some(1) && only_busy_flags => {}
            (Some(s), Some((_, why))) if s.success() => failures.push(format!(
                "{name} passes now: remove it from KNOWN_MISMATCHES ({why})"
            )),
            (Some(s), Some(_)) if s.code() == Some(1) => {}
            (Some(s), _) => failures.push(format!("{name}: exit {s}: {}", tail(&out))),
            (None, _) => failures.push(format!("{name}: timed out: {}", tail(&out))),
        }
        let _ = std::fs::remove_file(&raw);
    }
    server.shutdown();
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Server → client chunks of the capture that are the 4-byte flag of a
/// RESOURCE_BUSY_WAIT reply whose 8-byte header (length 1, command 7) came as
/// the chunk before.
fn split_busy_flags(capture: &Capture) -> usize {
    const BUSY_HEADER: [u8; 8] = [1, 0, 0, 0, 7, 0, 0, 0];
    let mut count = 0;
    for conn in capture.connections() {
        let chunks: Vec<&[u8]> = conn
            .events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::S2c { start, end, .. } => conn.s2c.get(start..end),
                _ => None,
            })
            .collect();
        count += chunks
            .windows(2)
            .filter(|w| w[0] == BUSY_HEADER && w[1].len() == 4)
            .count();
    }
    count
}

/// Whether the tool's only complaints are mismatched chunks that are busy
/// flags (recorded 0/1, answered 0/1), at most `allowed` of them, with every
/// read-back page matching.
fn only_split_busy_flags_differ(out: &str, allowed: usize) -> bool {
    let flag = |hex: &str| hex == "00000000" || hex == "01000000";
    let mut flags = 0;
    for line in out.lines() {
        if let Some(rest) = line.strip_prefix("S2C mismatch: rec ") {
            match rest.split_once(" got ") {
                Some((rec, got)) if flag(rec) && flag(got.trim()) => flags += 1,
                _ => return false,
            }
        }
    }
    let summary_ok = out.lines().filter(|l| l.contains(": FAIL {")).all(|l| {
        l.contains(&format!("'s2c_mismatch_chunks': {flags},"))
            && l.contains("'pages_mismatch': 0,")
    });
    flags > 0 && flags <= allowed && summary_ok
}

fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(6)..].join("\n")
}
