//! A real Linux guest driving pv3d's vhost-user-gpu backend under QEMU:
//! `scripts/vm/guest-run.sh` boots a throwaway guest (the host's root over
//! 9p, TCG) connected to a backend this module starts, runs one command in
//! it and powers it off.
//!
//! * [`require_vm`]: the VM tests run wherever QEMU and the guest kernel are
//!   installed (`./scripts/test` installs them, see `scripts/lib.sh`); they
//!   are skipped, saying why, only when `PV3D_VM_SKIP` says QEMU could not be
//!   installed, and fail otherwise.
//! * [`BackendProcess`]: `pv3d vhost-user` as a child process (the test
//!   binary re-run as [`backend_child_main`]), so its memory and file
//!   descriptors can be measured across VMs, and its per-VM summaries read.
//! * [`boot`]: one guest run; [`Qmp`]: QEMU's monitor, for screendumps.
//! * [`glpixels`]: the fixed-scene GL client of `tests/guest/glpixels.c`.
//!
//! Only the processes started here are stopped, by their pid.

use crate::gl_client::Reaper;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// The environment variable naming the backend child's socket.
pub const BACKEND_SOCK_ENV: &str = "PV3D_VM_BACKEND_SOCK";
/// Prefix of the backend child's per-VM summary lines.
const SUMMARY: &str = "PV3D-VM-SUMMARY";

/// The repository's root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Whether the VM tests can run: `false` (with the reason printed) only when
/// `PV3D_VM_SKIP` is set; panics, saying what to do, when QEMU or the guest
/// kernel is missing without it.
pub fn require_vm() -> bool {
    if let Some(reason) = std::env::var_os("PV3D_VM_SKIP") {
        eprintln!(
            "skipping the VM test: PV3D_VM_SKIP={}",
            reason.to_string_lossy()
        );
        return false;
    }
    let kernel = std::fs::read_dir("/boot").ok().is_some_and(|d| {
        d.filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().starts_with("vmlinuz-"))
    });
    let missing: Vec<&str> = ["qemu-system-x86_64", "busybox", "kmscube", "cc"]
        .into_iter()
        .filter(|t| !crate::gl_client::have(t))
        .chain((!kernel).then_some("/boot/vmlinuz-* (linux-image-amd64)"))
        .collect();
    assert!(
        missing.is_empty() && crate::gl_client::is_root(),
        "the VM tests boot a guest under QEMU as root and need {missing:?}: run \
         ./scripts/test (or scripts/vm/guest-run.sh --install); set PV3D_VM_SKIP=<why> \
         only where QEMU cannot be installed"
    );
    true
}

/// Entry point of the backend child: serves VMs on `$PV3D_VM_BACKEND_SOCK`
/// until killed, printing one [`Summary`] line per VM on stdout.
pub fn backend_child_main() {
    use host_renderer::vhost_user::{serve, Options};
    use host_renderer::vtest::{DisplayedFrame, FrameSink};
    use pv3d::png_file::write_png;
    use std::sync::Arc;
    let path = std::env::var_os(BACKEND_SOCK_ENV).expect("run by BackendProcess");
    let snapshot = std::env::var_os("PV3D_VM_SNAPSHOT").map(PathBuf::from);
    let options = Options {
        last_frame: snapshot.map(|path| {
            FrameSink(Arc::new(move |f: DisplayedFrame| {
                write_png(&path, f.width, f.height, &f.rgba).expect("writing the snapshot")
            }))
        }),
        ..Options::default()
    };
    serve(Path::new(&path), &options, |s| {
        println!(
            "{SUMMARY} requests={} errors={} frames={} resets={} watchdog={} \
             contexts={} resources={} renderer_resources={} renderer_memory={}",
            s.requests,
            s.errors,
            s.frames,
            s.resets,
            s.watchdog,
            s.guest_objects.0,
            s.guest_objects.1,
            s.renderer_resources,
            s.renderer_memory
        );
        let _ = io::stdout().flush();
    })
    .expect("vhost-user backend");
}

/// One VM's summary, as the backend child printed it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// `key=value` fields.
    pub fields: Vec<(String, u64)>,
}

impl Summary {
    fn parse(line: &str) -> Option<Self> {
        // libtest may have printed "test NAME ... " on the same line.
        let rest = line.get(line.find(SUMMARY)? + SUMMARY.len()..)?;
        let fields = rest
            .split_whitespace()
            .filter_map(|kv| {
                let (k, v) = kv.split_once('=')?;
                Some((k.to_owned(), v.parse().ok()?))
            })
            .collect();
        Some(Self { fields })
    }

    /// The value of `key` (panics when absent).
    pub fn get(&self, key: &str) -> u64 {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| *v)
            .unwrap_or_else(|| panic!("no {key} in {self:?}"))
    }
}

/// The backend as a child process: the test binary re-run with
/// `--ignored --exact CHILD_TEST` (which calls [`backend_child_main`]).
pub struct BackendProcess {
    child: Reaper,
    sock: PathBuf,
    summaries: Receiver<Summary>,
}

impl BackendProcess {
    /// Starts it on `dir/gpu.sock`; `child_test` is the ignored test of the
    /// calling test binary that runs [`backend_child_main`]; `snapshot`
    /// (if any) gets the last frame of each VM.
    pub fn start(dir: &Path, child_test: &str, snapshot: Option<&Path>) -> BackendProcess {
        let sock = dir.join("gpu.sock");
        let exe = std::env::current_exe().expect("test binary");
        let mut cmd = Command::new(exe);
        cmd.args(["--ignored", "--exact", child_test, "--nocapture"])
            .args(["--test-threads=1"])
            .env(BACKEND_SOCK_ENV, &sock)
            .env("RUST_LOG", "host_renderer=info")
            .stdout(Stdio::piped())
            .stderr(Stdio::from(
                std::fs::File::create(dir.join("backend.log")).expect("backend log"),
            ));
        if let Some(p) = snapshot {
            cmd.env("PV3D_VM_SNAPSHOT", p);
        }
        let mut child = cmd.spawn().expect("spawning the backend child");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, summaries) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(s) = Summary::parse(&line) {
                    if tx.send(s).is_err() {
                        return;
                    }
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        while !sock.exists() {
            assert!(
                Instant::now() < deadline,
                "the backend did not listen on {}",
                sock.display()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        BackendProcess {
            child: Reaper(child),
            sock,
            summaries,
        }
    }

    /// The socket QEMU connects to.
    pub fn socket(&self) -> &Path {
        &self.sock
    }

    /// The pid.
    pub fn pid(&self) -> u32 {
        self.child.0.id()
    }

    /// The summary of the next VM that disconnects (waits up to `limit`).
    pub fn next_summary(&self, limit: Duration) -> Summary {
        match self.summaries.recv_timeout(limit) {
            Ok(s) => s,
            Err(RecvTimeoutError::Timeout) => panic!("no VM summary from the backend in {limit:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the backend exited"),
        }
    }

    /// Open file descriptors and resident memory (KiB) of the process, read
    /// once it waits for the next VM: after a summary it opens the next
    /// connection's device, timer and events before it accepts, so the
    /// count is taken when two reads 200 ms apart agree (every reading then
    /// includes that set-up).
    pub fn usage(&self) -> (usize, u64) {
        let mut last = self.usage_now();
        for _ in 0..25 {
            std::thread::sleep(Duration::from_millis(200));
            let now = self.usage_now();
            if now.0 == last.0 {
                return now;
            }
            last = now;
        }
        last
    }

    /// [`usage`](Self::usage) read once.
    fn usage_now(&self) -> (usize, u64) {
        let pid = self.pid();
        let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count);
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let rss = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        (fds, rss)
    }
}

/// How to boot.
#[derive(Clone, Debug, Default)]
pub struct BootOptions {
    /// Guest environment (`NAME=VALUE`).
    pub env: Vec<String>,
    /// QMP socket for [`Qmp`].
    pub qmp: Option<PathBuf>,
    /// A reboot restarts the guest instead of ending QEMU.
    pub allow_reboot: bool,
    /// Whole-run limit (QEMU is killed past it).
    pub timeout: Option<Duration>,
}

/// A guest run in progress.
pub struct Guest {
    child: Reaper,
    out: PathBuf,
    err: PathBuf,
}

/// What a finished guest run printed.
#[derive(Debug)]
pub struct GuestOutput {
    /// guest-run.sh's exit status: the guest command's, 124 on timeout,
    /// 125 when the VM failed.
    pub status: Option<i32>,
    /// The guest command's output (stdout and stderr).
    pub stdout: String,
    /// guest-run.sh's own messages (timings, failures with log tails).
    pub stderr: String,
}

impl std::fmt::Display for GuestOutput {
    /// The status and the ends of both outputs (the pixel dumps are long).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tail = |s: &str| {
            let lines: Vec<&str> = s.lines().filter(|l| l.len() < 300).collect();
            lines[lines.len().saturating_sub(25)..].join("\n")
        };
        write!(
            f,
            "status {:?}\n--- guest output (tail) ---\n{}\n--- guest-run.sh ---\n{}",
            self.status,
            tail(&self.stdout),
            tail(&self.stderr)
        )
    }
}

/// Boots a guest on `backend`'s socket running `command` (bash).
pub fn boot(backend: &BackendProcess, dir: &Path, command: &str, opts: &BootOptions) -> Guest {
    let script = repo_root().join("scripts/vm/guest-run.sh");
    let n = std::fs::read_dir(dir).map_or(0, Iterator::count);
    let out = dir.join(format!("guest-{n}.out"));
    let err = dir.join(format!("guest-{n}.err"));
    let mut cmd = Command::new(script);
    cmd.args(["--accel", "tcg", "--vhost-user"])
        .arg(backend.socket())
        .current_dir(repo_root());
    if let Some(t) = opts.timeout {
        cmd.args(["--timeout", &t.as_secs().to_string()]);
    }
    if let Some(q) = &opts.qmp {
        cmd.arg("--qmp").arg(q);
    }
    if opts.allow_reboot {
        cmd.arg("--allow-reboot");
    }
    for e in &opts.env {
        cmd.args(["--env", e]);
    }
    cmd.args(["--", "bash", "-c", command])
        .stdout(Stdio::from(std::fs::File::create(&out).expect("guest out")))
        .stderr(Stdio::from(std::fs::File::create(&err).expect("guest err")));
    Guest {
        child: Reaper(cmd.spawn().expect("spawning guest-run.sh")),
        out,
        err,
    }
}

impl Guest {
    /// Whether the run ended.
    pub fn finished(&mut self) -> bool {
        !matches!(self.child.0.try_wait(), Ok(None))
    }

    /// Waits for the run to end (guest-run.sh enforces its own timeout).
    pub fn wait(mut self) -> GuestOutput {
        let status = self.child.0.wait().ok().and_then(|s| s.code());
        GuestOutput {
            status,
            stdout: std::fs::read_to_string(&self.out).unwrap_or_default(),
            stderr: std::fs::read_to_string(&self.err).unwrap_or_default(),
        }
    }
}

/// QEMU's monitor (QMP) on a unix socket.
pub struct Qmp {
    stream: BufReader<UnixStream>,
}

impl Qmp {
    /// Connects (retrying until `limit`: QEMU creates the socket when it
    /// starts) and leaves capabilities negotiation mode.
    pub fn connect(path: &Path, limit: Duration) -> io::Result<Qmp> {
        let deadline = Instant::now() + limit;
        let stream = loop {
            match UnixStream::connect(path) {
                Ok(s) => break s,
                Err(e) if Instant::now() >= deadline => return Err(e),
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        };
        let mut qmp = Qmp {
            stream: BufReader::new(stream),
        };
        qmp.line()?; // the greeting
        qmp.execute(r#"{"execute":"qmp_capabilities"}"#)?;
        Ok(qmp)
    }

    fn line(&mut self) -> io::Result<String> {
        let mut line = String::new();
        if self.stream.read_line(&mut line)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok(line)
    }

    /// Sends one command and returns its reply (events are skipped).
    pub fn execute(&mut self, json: &str) -> io::Result<String> {
        self.stream.get_mut().write_all(json.as_bytes())?;
        self.stream.get_mut().write_all(b"\n")?;
        loop {
            let line = self.line()?;
            if line.contains("\"return\"") || line.contains("\"error\"") {
                return Ok(line);
            }
        }
    }

    /// The guest's screen (QMP `screendump`, PPM) as `(width, height, RGB)`.
    pub fn screendump(&mut self, file: &Path) -> io::Result<(u32, u32, Vec<u8>)> {
        let cmd = format!(
            r#"{{"execute":"screendump","arguments":{{"filename":"{}","format":"ppm"}}}}"#,
            file.display()
        );
        let reply = self.execute(&cmd)?;
        if reply.contains("\"error\"") {
            return Err(io::Error::other(reply));
        }
        read_ppm(file)
    }
}

/// Reads a binary PPM (P6, maxval 255).
pub fn read_ppm(path: &Path) -> io::Result<(u32, u32, Vec<u8>)> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.read_to_end(&mut bytes)?;
    let bad = || io::Error::new(io::ErrorKind::InvalidData, "not a P6 PPM");
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let start = at;
        while bytes.get(at).is_some_and(|b| !b.is_ascii_whitespace()) {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(bytes.get(start..at).ok_or_else(bad)?).into_owned());
    }
    let (w, h): (u32, u32) = (
        fields[1].parse().map_err(|_| bad())?,
        fields[2].parse().map_err(|_| bad())?,
    );
    if fields[0] != "P6" || fields[3] != "255" {
        return Err(bad());
    }
    let data = bytes.get(at + 1..).ok_or_else(bad)?.to_vec();
    if data.len() != w as usize * h as usize * 3 {
        return Err(bad());
    }
    Ok((w, h, data))
}

/// Builds `tests/guest/glpixels.c` into `dir` (which the guest must see:
/// not under /tmp, /run, /var/tmp or /dev/shm, tmpfs there).
pub fn glpixels(dir: &Path) -> PathBuf {
    let src = repo_root().join("tests/guest/glpixels.c");
    let exe = dir.join("glpixels");
    let status = Command::new("cc")
        .args(["-O2", "-Wall", "-o"])
        .arg(&exe)
        .arg(&src)
        .args(["-lEGL", "-lGLESv2"])
        .status()
        .expect("running cc");
    assert!(
        status.success(),
        "building {} failed (needs libegl-dev, libgles-dev)",
        src.display()
    );
    exe
}

/// The pixels glpixels printed (`None` when it printed none):
/// `(renderer, RGBA rows bottom first)`.
pub fn parse_glpixels(output: &str) -> Option<(String, Vec<u8>)> {
    let renderer = output
        .lines()
        .find_map(|l| l.strip_prefix("GL_RENDERER: "))?
        .to_owned();
    let mut lines = output.lines().skip_while(|l| !l.starts_with("PIXELS "));
    let header = lines.next()?;
    let mut dims = header.split_whitespace().skip(1).map(str::parse::<usize>);
    let (w, h) = (dims.next()?.ok()?, dims.next()?.ok()?);
    let mut px = Vec::with_capacity(w * h * 4);
    for row in lines.by_ref().take(h) {
        for i in (0..row.len()).step_by(2) {
            px.push(u8::from_str_radix(row.get(i..i + 2)?, 16).ok()?);
        }
    }
    (px.len() == w * h * 4 && lines.next() == Some("END")).then_some((renderer, px))
}
