//! The reference replayer (`captures/tools/vtest-replay.py`, acting as the
//! client) against the vtest server: every server → client byte must match
//! the recording (caps excepted: ours differ, same length) and every page
//! the server wrote into shared memory must equal the reference read-back
//! within the replay tolerance (`host_renderer::replay`: 2 per channel).
//!
//! Only captures whose busy-waits all carry the WAIT flag (plus the
//! handshake probe) are used: the answer to a non-waiting BUSY_WAIT is the
//! GPU's real state, so it depends on timing, and the replayer cannot always
//! tell such a flag apart from a wrong byte.

use guest_protocol::capture::Capture;
use host_renderer::replay::Tolerance;
use host_renderer::vtest::{ServeOptions, Server};
use host_renderer::Gpu;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CAPTURES: &[&str] = &[
    "glxgears-60frames",
    "es2_info",
    "eglinfo",
    "glmark2-es2-win320x240-build",
    "glmark2-es2-win320x240-shading",
    "glmark2-gl-win320x240-build",
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
    for name in CAPTURES {
        // Decompressed here, so the tool needs no `zstd` binary.
        let capture =
            Capture::open(pv3d_tests::capture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
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
            .args(["--any-caps", "--tolerance", &tolerance, "--timeout", "120"])
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
        match status {
            Some(s) if s.success() => {}
            Some(s) => failures.push(format!("{name}: exit {s}: {}", tail(&out))),
            None => failures.push(format!("{name}: timed out: {}", tail(&out))),
        }
        let _ = std::fs::remove_file(&raw);
    }
    server.shutdown();
    assert!(failures.is_empty(), "{failures:#?}");
}

fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(6)..].join("\n")
}
