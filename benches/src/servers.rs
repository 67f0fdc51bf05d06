//! The vtest servers under test, each a process of its own (so that its CPU
//! time can be read), listening on a socket in the harness's temp dir and
//! killed by pid when dropped.

use anyhow::{bail, Context as _};
use pv3d_tests::gl_client::Reaper;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How to start a pv3d server: `program args... SOCKET`.
#[derive(Clone, Debug)]
pub struct Pv3dCommand {
    /// The program.
    pub program: PathBuf,
    /// Its arguments before the socket path.
    pub args: Vec<String>,
}

impl std::fmt::Display for Pv3dCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{} {} SOCKET`",
            self.program.display(),
            self.args.join(" ")
        )
    }
}

/// A running vtest server.
pub struct Server {
    child: Reaper,
    socket: PathBuf,
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

    /// The pv3d server `pv3d` starts, called `name` (socket in `dir`,
    /// output in `logs`).
    pub fn pv3d(
        pv3d: &Pv3dCommand,
        name: &str,
        dir: &Path,
        logs: &Path,
        xdg: &Path,
    ) -> anyhow::Result<Server> {
        let socket = dir.join(format!("{name}.sock"));
        let mut cmd = Command::new(&pv3d.program);
        cmd.args(&pv3d.args).arg(&socket);
        Server::start(cmd, &format!("{name} serve"), socket, logs, xdg)
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
}
