//! Running real Mesa 22.3 GL clients (virpipe) through an in-process vtest
//! server: shared by serve_gl_client.rs and serve_glmark2.rs.
//!
//! Each client gets its own private mount namespace (`unshare -m`) in which
//! our socket is bind-mounted over `/tmp/.virgl_test` (Mesa 22.3 ignores
//! `VTEST_SOCKET_NAME`; see captures/tools/run-peer.sh), and runs against an
//! Xvfb started here on a display Xvfb picks (`-displayfd`). Only the
//! processes started here are stopped, by their pid.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
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

/// Fails (never skips) unless we are root and `clients` plus Xvfb, unshare
/// and mount are installed: a silently skipped real check would pass CI
/// without checking anything. ./scripts/test installs the tools.
pub fn require(clients: &[&str]) {
    let missing: Vec<&str> = ["Xvfb", "unshare", "mount"]
        .iter()
        .chain(clients)
        .copied()
        .filter(|t| !have(t))
        .collect();
    assert!(
        missing.is_empty() && is_root(),
        "this test runs Mesa through pv3d in a private mount namespace: it needs root \
         (unshare -m) and {missing:?}; run ./scripts/test, which installs them"
    );
}

/// Kills and reaps a child we started (by its pid, via `Child`).
struct Reaper(Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An Xvfb we started; stopped (by its pid) when dropped.
pub struct Xvfb {
    _child: Reaper,
    display: String,
}

impl Xvfb {
    /// Starts Xvfb with one screen of `geometry` (e.g. `"320x240x24"`) on a
    /// free display it picks and reports on stdout.
    pub fn start(geometry: &str) -> Xvfb {
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", geometry])
            .args(["-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let child = Reaper(child);
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        assert!(line.trim().parse::<u32>().is_ok(), "Xvfb said {line:?}");
        Xvfb {
            _child: child,
            display: format!(":{}", line.trim()),
        }
    }

    pub fn display(&self) -> &str {
        &self.display
    }
}

/// The bind-mount target `/tmp/.virgl_test` must exist; a placeholder we
/// create is removed when this is dropped if it is still ours (an empty
/// file), as run-peer.sh does.
pub struct MountTarget {
    placeholder: bool,
}

impl MountTarget {
    pub fn prepare() -> MountTarget {
        let placeholder = !Path::new(VIRGL_TEST).exists()
            && std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(VIRGL_TEST)
                .is_ok();
        MountTarget { placeholder }
    }
}

impl Drop for MountTarget {
    fn drop(&mut self) {
        if self.placeholder {
            let empty_file = std::fs::symlink_metadata(VIRGL_TEST)
                .is_ok_and(|m| m.file_type().is_file() && m.len() == 0);
            if empty_file {
                let _ = std::fs::remove_file(VIRGL_TEST);
            }
        }
    }
}

/// Waits up to `limit` for `child`; kills it on timeout.
fn wait_for(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
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

/// Runs `argv` as a virpipe client of the server listening on `sock`, on
/// `xvfb`'s display, with `XDG_RUNTIME_DIR=xdg`, stdout and stderr both to
/// `out`. Waits up to `limit`; `None` when it had to be killed. (A
/// `MountTarget` must be held while this runs.)
pub fn run_client(
    sock: &Path,
    xvfb: &Xvfb,
    xdg: &Path,
    argv: &[&str],
    out: &Path,
    limit: Duration,
) -> Option<ExitStatus> {
    let out = std::fs::File::create(out).unwrap();
    let mut client = Command::new("unshare")
        .args(["-m", "--propagation", "private", "--", "sh", "-c"])
        .arg(r#"mount --bind "$PV3D_SOCK" /tmp/.virgl_test || exit 93; exec "$@""#)
        .arg("sh")
        .args(argv)
        .env("PV3D_SOCK", sock)
        .env("DISPLAY", xvfb.display())
        .env("XDG_RUNTIME_DIR", xdg)
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .env("GALLIUM_DRIVER", "virpipe")
        .env("VTEST_SOCKET_NAME", sock)
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::from(out))
        .spawn()
        .unwrap();
    wait_for(&mut client, limit)
}
