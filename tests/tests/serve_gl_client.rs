//! A real GL client (Mesa 22.3 `es2_info`, virpipe) through the vtest
//! server: its own Xvfb on a display Xvfb picks (`-displayfd`), a private
//! mount namespace in which our socket is bind-mounted over
//! `/tmp/.virgl_test` (Mesa 22.3 ignores `VTEST_SOCKET_NAME`; see
//! captures/tools/run-peer.sh), and the renderer string must name us.
//! Only the processes started here are stopped, by their pid.
//!
//! Needs root (for `unshare -m`), Xvfb and es2_info; without them the test
//! says so on stderr and passes (nothing to run it with).

use host_renderer::vtest::{ServeOptions, Server};
use host_renderer::Gpu;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const VIRGL_TEST: &str = "/tmp/.virgl_test";

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Kills and reaps a child we started (by its pid, via `Child`).
struct Reaper(Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits up to `limit` for `child`; kills it on timeout.
fn wait_for(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(Some(s)) = child.try_wait() {
            return Some(s);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_real_es2_info_through_pv3d() {
    let missing: Vec<&str> = ["Xvfb", "es2_info", "unshare", "mount"]
        .into_iter()
        .filter(|t| !have(t))
        .collect();
    // A silently skipped real check would pass CI without checking anything:
    // say what is missing and fail. ./scripts/test installs the tools.
    assert!(
        missing.is_empty() && is_root(),
        "this test runs Mesa through pv3d in a private mount namespace: it needs root \
         (unshare -m) and {missing:?}; run ./scripts/test, which installs them"
    );
    let gpu = Gpu::new().expect("a Vulkan adapter (lavapipe) is needed for GPU tests");
    let dir = tempfile::Builder::new()
        .prefix("pv3d-serve-gl-")
        .tempdir()
        .unwrap();
    let sock = dir.path().join("vtest.sock");
    let server = Server::bind(&sock, gpu, ServeOptions::default())
        .unwrap()
        .spawn()
        .unwrap();

    // Xvfb on a free display it picks and reports on stdout.
    let mut xvfb = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "320x240x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = xvfb.stdout.take().unwrap();
    let xvfb = Reaper(xvfb);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let display = format!(":{}", line.trim());
    assert!(line.trim().parse::<u32>().is_ok(), "Xvfb said {line:?}");

    // The bind-mount target must exist; a placeholder we create is removed
    // afterwards if it is still ours (empty), as run-peer.sh does.
    let placeholder = !Path::new(VIRGL_TEST).exists()
        && std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(VIRGL_TEST)
            .is_ok();

    let out_path = dir.path().join("es2_info.txt");
    let out = std::fs::File::create(&out_path).unwrap();
    let xdg = dir.path().join("xdg");
    std::fs::create_dir(&xdg).unwrap();
    let mut client = Command::new("unshare")
        .args(["-m", "--propagation", "private", "--", "sh", "-c"])
        .arg(r#"mount --bind "$PV3D_SOCK" /tmp/.virgl_test || exit 93; exec es2_info"#)
        .env("PV3D_SOCK", &sock)
        .env("DISPLAY", &display)
        .env("XDG_RUNTIME_DIR", &xdg)
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .env("GALLIUM_DRIVER", "virpipe")
        .env("VTEST_SOCKET_NAME", &sock)
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::from(out))
        .spawn()
        .unwrap();
    let status = wait_for(&mut client, Duration::from_secs(240));
    drop(xvfb);
    if placeholder {
        let empty_file = std::fs::symlink_metadata(VIRGL_TEST)
            .is_ok_and(|m| m.file_type().is_file() && m.len() == 0);
        if empty_file {
            let _ = std::fs::remove_file(VIRGL_TEST);
        }
    }
    let text = std::fs::read_to_string(&out_path).unwrap_or_default();
    let served = server.stats().served;
    server.shutdown();
    assert!(
        status.is_some_and(|s| s.success()),
        "es2_info: {status:?}\n{text}"
    );
    let renderer = text
        .lines()
        .find(|l| l.starts_with("GL_RENDERER:"))
        .unwrap_or_else(|| panic!("no GL_RENDERER line:\n{text}"));
    assert!(renderer.contains("virgl"), "{renderer}");
    assert!(renderer.contains("pv3d"), "not our server: {renderer}");
    assert!(served >= 1, "the client never connected");
}
