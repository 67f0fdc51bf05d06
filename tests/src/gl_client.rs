//! Running real Mesa 22.3 GL clients: through a vtest server (virpipe) or
//! natively on llvmpipe. Used by the serve_* tests and by `pv3d-bench`.
//!
//! Each client gets its own private mount namespace (`unshare -m`) in which
//! our socket is bind-mounted over `/tmp/.virgl_test` (Mesa 22.3 ignores
//! `VTEST_SOCKET_NAME`; see captures/tools/run-peer.sh), and runs against an
//! Xvfb started here on a display Xvfb picks (`-displayfd`). Only the
//! processes started here are stopped, by their pid.

use std::io::{self, BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const VIRGL_TEST: &str = "/tmp/.virgl_test";

/// Whether `tool` is a command on `$PATH`.
pub fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether this process runs as root (`unshare -m` needs it).
pub fn is_root() -> bool {
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

/// Kills and reaps a child we started (by its pid, via `Child`) when dropped.
pub struct Reaper(pub Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An Xvfb we started; stopped (by its pid) when dropped.
pub struct Xvfb {
    child: Reaper,
    display: String,
}

/// Held while an Xvfb of this process picks its display: two picking at once
/// can both take over the same stale `/tmp/.X<n>-lock` (one reads the dead
/// pid, the other replaces the lock, the first removes the new one), and a
/// client of one then cannot open its display.
static PICKING_DISPLAY: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl Xvfb {
    /// Starts Xvfb with one screen of `geometry` (e.g. `"320x240x24"`) on a
    /// free display it picks and reports on stdout.
    pub fn start(geometry: &str) -> io::Result<Xvfb> {
        let _picking = PICKING_DISPLAY.lock().unwrap_or_else(|e| e.into_inner());
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", geometry])
            .args(["-nolisten", "tcp"])
            // No server reset when its last client goes: the tests' X clients
            // (xwd, a GL client that is just starting) come and go, and one
            // connecting during a reset is refused.
            .arg("-noreset")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child.stdout.take();
        let child = Reaper(child);
        let mut line = String::new();
        if let Some(stdout) = stdout {
            BufReader::new(stdout).read_line(&mut line)?;
        }
        if line.trim().parse::<u32>().is_err() {
            return Err(io::Error::other(format!(
                "Xvfb did not report a display (said {line:?})"
            )));
        }
        Ok(Xvfb {
            child,
            display: format!(":{}", line.trim()),
        })
    }

    /// The display, e.g. `":3"`.
    pub fn display(&self) -> &str {
        &self.display
    }
}

impl Drop for Xvfb {
    /// SIGTERM first (by its pid), so that Xvfb removes its lock and socket;
    /// the `Reaper` kills it if it has not gone within a few seconds.
    fn drop(&mut self) {
        let child = &mut self.child.0;
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && matches!(child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The bind-mount target `/tmp/.virgl_test` must exist; a placeholder we
/// create is removed when the last `MountTarget` of this process is dropped,
/// if it is still ours (an empty file), as run-peer.sh does. Not earlier:
/// unlinking a mount point drops the mounts on it in every namespace, so a
/// client of a test still running would find no socket there.
pub struct MountTarget(());

/// (`MountTarget`s alive, whether the placeholder is ours).
static MOUNT_TARGET: std::sync::Mutex<(usize, bool)> = std::sync::Mutex::new((0, false));

impl MountTarget {
    /// Makes sure the mount target exists (creating a placeholder if needed).
    pub fn prepare() -> MountTarget {
        let mut state = MOUNT_TARGET.lock().unwrap_or_else(|e| e.into_inner());
        if state.0 == 0 {
            state.1 = !Path::new(VIRGL_TEST).exists()
                && std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(VIRGL_TEST)
                    .is_ok();
        }
        state.0 += 1;
        MountTarget(())
    }
}

impl Drop for MountTarget {
    fn drop(&mut self) {
        let mut state = MOUNT_TARGET.lock().unwrap_or_else(|e| e.into_inner());
        state.0 -= 1;
        if state.0 == 0 && std::mem::take(&mut state.1) {
            let empty_file = std::fs::symlink_metadata(VIRGL_TEST)
                .is_ok_and(|m| m.file_type().is_file() && m.len() == 0);
            if empty_file {
                let _ = std::fs::remove_file(VIRGL_TEST);
            }
        }
    }
}

/// A GL client we started; killed (SIGKILL, by its pid) and reaped when
/// dropped.
pub struct Client(Reaper);

impl Client {
    /// The client's pid (the GL program itself once its wrapper `exec`s).
    pub fn pid(&self) -> u32 {
        self.0 .0.id()
    }

    /// `kill -9` it, by its pid, and reap it.
    pub fn kill(&mut self) {
        let _ = self.0 .0.kill();
        let _ = self.0 .0.wait();
    }

    /// Its exit status if it has ended.
    pub fn try_wait(&mut self) -> Option<ExitStatus> {
        self.0 .0.try_wait().ok().flatten()
    }

    /// Waits up to `limit`; kills it on timeout (`None`).
    pub fn wait(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(s) = self.try_wait() {
                return Some(s);
            }
            if Instant::now() > deadline {
                self.kill();
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Starts `argv` as a virpipe client of the server listening on `sock`, on
/// `xvfb`'s display, with `XDG_RUNTIME_DIR=xdg`, stdout and stderr both to
/// `out`. (A `MountTarget` must be held while it runs.)
pub fn spawn_client(
    sock: &Path,
    xvfb: &Xvfb,
    xdg: &Path,
    argv: &[&str],
    out: &Path,
) -> io::Result<Client> {
    let out = std::fs::File::create(out)?;
    let child = Command::new("unshare")
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
        .stdout(Stdio::from(out.try_clone()?))
        .stderr(Stdio::from(out))
        .spawn()?;
    Ok(Client(Reaper(child)))
}

/// Starts `argv` natively with Mesa's llvmpipe (no vtest), on `xvfb`'s
/// display, with `XDG_RUNTIME_DIR=xdg`, stdout and stderr both to `out`: the
/// reference a client run through pv3d is compared with.
pub fn spawn_native(xvfb: &Xvfb, xdg: &Path, argv: &[&str], out: &Path) -> io::Result<Client> {
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "empty argv"))?;
    let out = std::fs::File::create(out)?;
    let child = Command::new(program)
        .args(args)
        .env("DISPLAY", xvfb.display())
        .env("XDG_RUNTIME_DIR", xdg)
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .env("GALLIUM_DRIVER", "llvmpipe")
        .stdout(Stdio::from(out.try_clone()?))
        .stderr(Stdio::from(out))
        .spawn()?;
    Ok(Client(Reaper(child)))
}

/// Runs `argv` as [`spawn_client`] does and waits up to `limit` for it;
/// `None` when it had to be killed.
pub fn run_client(
    sock: &Path,
    xvfb: &Xvfb,
    xdg: &Path,
    argv: &[&str],
    out: &Path,
    limit: Duration,
) -> io::Result<Option<ExitStatus>> {
    Ok(spawn_client(sock, xvfb, xdg, argv, out)?.wait(limit))
}
