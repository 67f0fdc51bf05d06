//! The vtest servers under test, each a process of its own (so that its CPU
//! time can be read), listening on a socket in the harness's temp dir and
//! killed by pid when dropped.

use anyhow::{bail, Context as _};
use host_renderer::vtest::StatsLine;
use pv3d_tests::gl_client::Reaper;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How to start a pv3d server: `program args... --stats FILE socket_flag SOCKET`.
#[derive(Clone, Debug)]
pub struct Pv3dCommand {
    /// The program.
    pub program: PathBuf,
    /// Its arguments before `--stats`.
    pub args: Vec<String>,
    /// The flag before the socket path.
    pub socket_flag: String,
}

impl std::fmt::Display for Pv3dCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}", self.program.display())?;
        for a in &self.args {
            write!(f, " {a}")?;
        }
        write!(f, " --stats FILE {} SOCKET`", self.socket_flag)
    }
}

/// Where a server's context errors are counted.
#[derive(Clone, Debug)]
enum ErrorSource {
    /// pv3d's `--stats` file ([`StatsLine`]s).
    Stats(PathBuf),
    /// virglrenderer's output: it prints one `context error reported` line
    /// per context error (`vrend_report_context_error`).
    Log(PathBuf),
}

/// What a server's error count says at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ErrorCount {
    /// Context errors of every client so far.
    pub errors: u64,
    /// Clients whose sessions have ended (pv3d only; 0 for the reference).
    pub ended: u64,
}

/// The text virglrenderer prints for each context error.
const REFERENCE_ERROR: &str = "context error reported";

/// Sums the stats file's `text`: each client's latest error count, and the
/// clients that ended.
pub fn count_stats(text: &str) -> ErrorCount {
    let mut latest = std::collections::BTreeMap::new();
    let mut ended = 0;
    for line in text.lines() {
        if let Ok(l) = line.parse::<StatsLine>() {
            ended += u64::from(l.ended);
            latest.insert(l.client, l.stats.errors);
        }
    }
    ErrorCount {
        errors: latest.values().sum(),
        ended,
    }
}

/// Counts the context errors in virglrenderer's output `text`.
pub fn count_reference_log(text: &str) -> ErrorCount {
    ErrorCount {
        errors: text.lines().filter(|l| l.contains(REFERENCE_ERROR)).count() as u64,
        ended: 0,
    }
}

/// A running vtest server.
pub struct Server {
    child: Reaper,
    socket: PathBuf,
    errors: ErrorSource,
}

impl Server {
    /// virglrenderer's `virgl_test_server` on llvmpipe (EGL surfaceless), not
    /// forking per client, so that its pid does all the work. Its socket
    /// goes in `dir`, its output in `logs`.
    pub fn reference(dir: &Path, logs: &Path, xdg: &Path) -> anyhow::Result<Server> {
        let socket = dir.join("reference.sock");
        let mut cmd = Command::new("virgl_test_server");
        // 0.10.4 wants the `=` form; a separate PATH is taken as a file to replay.
        cmd.args(["--use-egl-surfaceless", "--no-fork"])
            .arg(format!("--socket-path={}", socket.display()))
            .env("LIBGL_ALWAYS_SOFTWARE", "1")
            .env("GALLIUM_DRIVER", "llvmpipe")
            .env_remove("VTEST_SOCKET_NAME");
        Server::start(cmd, "virgl_test_server", socket, logs, xdg)
    }

    /// The pv3d server `pv3d` starts, called `name` (socket and stats file
    /// in `dir`, output in `logs`).
    pub fn pv3d(
        pv3d: &Pv3dCommand,
        name: &str,
        dir: &Path,
        logs: &Path,
        xdg: &Path,
    ) -> anyhow::Result<Server> {
        let socket = dir.join(format!("{name}.sock"));
        let stats = dir.join(format!("{name}-stats.txt"));
        // A restarted server appends to what the last one wrote: the counts
        // only grow, so differences stay right.
        let mut cmd = Command::new(&pv3d.program);
        cmd.args(&pv3d.args)
            .arg("--stats")
            .arg(&stats)
            .arg(&pv3d.socket_flag)
            .arg(&socket);
        let mut server = Server::start(cmd, &format!("{name} serve"), socket, logs, xdg)?;
        server.errors = ErrorSource::Stats(stats);
        Ok(server)
    }

    fn start(
        mut cmd: Command,
        what: &str,
        socket: PathBuf,
        logs: &Path,
        xdg: &Path,
    ) -> anyhow::Result<Server> {
        let log_path = logs.join(format!("{}.log", what.replace(' ', "-")));
        let log = std::fs::File::create(&log_path)?;
        let child = cmd
            .env("XDG_RUNTIME_DIR", xdg)
            // A developer's RUST_BACKTRACE=1 makes wgpu-core's debug-build lock
            // tracing capture a backtrace per lock: not what a user runs.
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE")
            .stdin(Stdio::null())
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log))
            .spawn()
            .with_context(|| format!("starting {what}"))?;
        let mut server = Server {
            child: Reaper(child),
            socket,
            errors: ErrorSource::Log(log_path.clone()),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::os::unix::net::UnixStream::connect(&server.socket).is_err() {
            if let Ok(Some(status)) = server.child.0.try_wait() {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                bail!("{what} exited ({status}) before listening:\n{log}");
            }
            if Instant::now() > deadline {
                bail!(
                    "{what} did not listen on {} within 60 s",
                    server.socket.display()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(server)
    }

    /// Its pid.
    pub fn pid(&self) -> u32 {
        self.child.0.id()
    }

    /// Its socket.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// Its context errors so far; `None` when the file they are counted in
    /// cannot be read (pv3d creates its stats file when it starts).
    pub fn errors(&self) -> Option<ErrorCount> {
        match &self.errors {
            ErrorSource::Stats(p) => Some(count_stats(&read_lossy(p)?)),
            ErrorSource::Log(p) => Some(count_reference_log(&read_lossy(p)?)),
        }
    }

    /// Waits until the server has finished with a client that has gone:
    /// pv3d writes a session's last line when it has cleaned up (up to 10 s
    /// after `before`, the count from before the client started); the
    /// reference gives no such sign, so it gets a moment to print what it
    /// still had queued. Returns the count then.
    pub fn settle(&self, before: ErrorCount) -> Option<ErrorCount> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let now = self.errors()?;
            match self.errors {
                ErrorSource::Stats(_) if now.ended > before.ended => return Some(now),
                ErrorSource::Stats(_) if Instant::now() < deadline => {}
                ErrorSource::Stats(_) => return Some(now),
                ErrorSource::Log(_) => {
                    std::thread::sleep(Duration::from_millis(100));
                    return self.errors();
                }
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

fn read_lossy(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_counts() {
        let stats = "client=1 errors=2 submits=3 frames=0 requests=9 state=live name=a\n\
                     client=0 errors=0 submits=1 frames=0 requests=2 state=end name=b\n\
                     client=1 errors=5 submits=4 frames=0 requests=12 state=end name=a\n";
        assert_eq!(
            count_stats(stats),
            ErrorCount {
                errors: 5,
                ended: 2
            }
        );
        assert_eq!(count_stats(""), ErrorCount::default());
        let log = "vrend_decode_ctx: context error reported 1 \"glmark2\" Illegal shader 3\n\
                   other line\n\
                   f: context error reported 1 \"glmark2\" Illegal handle 0\n";
        assert_eq!(count_reference_log(log).errors, 2);
    }
}
