//! Running one GL program under one configuration and sampling CPU time
//! whenever it prints a result line.

use crate::cpu;
use crate::model::Config;
use crate::servers::Server;
use anyhow::Context as _;
use pv3d_tests::gl_client::{spawn_client, spawn_native, Client, Xvfb};
use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::Path;
use std::time::{Duration, Instant};

/// Where clients run: the X display and the runtime dir they share.
pub struct Desk<'a> {
    /// The Xvfb display.
    pub xvfb: &'a Xvfb,
    /// `XDG_RUNTIME_DIR` for the clients.
    pub xdg: &'a Path,
    /// Where client output files go.
    pub dir: &'a Path,
}

/// One result line with the CPU time spent since the previous one.
#[derive(Clone, Debug, PartialEq)]
pub struct Line<T> {
    /// What the parser made of the line.
    pub parsed: T,
    /// CPU seconds of the client since the previous result line (or start).
    pub client_cpu_s: Option<f64>,
    /// CPU seconds of the server over the same interval.
    pub server_cpu_s: Option<f64>,
    /// Context errors the server counted over the same interval (`None`:
    /// no server).
    pub errors: Option<u64>,
}

/// What one run of a program gave.
#[derive(Clone, Debug)]
pub struct Sampled<T> {
    /// Its result lines.
    pub lines: Vec<Line<T>>,
    /// Its whole output.
    pub output: String,
    /// Context errors after its last result line, until the server had
    /// finished with it (`None`: no server).
    pub errors_after: Option<u64>,
}

/// How long a run may take.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Killed (and counted as failed past this point) after this long.
    pub timeout: Duration,
    /// Stopped normally after this long (programs that run until killed).
    pub stop_after: Option<Duration>,
}

/// Runs `argv` under `config` (`server` serving it unless native), calling
/// `parse` on every line it prints; returns the parsed lines with the CPU
/// time client and server spent and the context errors the server counted
/// before each, and the program's whole output.
pub fn run_sampled<T>(
    desk: &Desk,
    config: Config,
    server: Option<&Server>,
    argv: &[&str],
    limits: Limits,
    mut parse: impl FnMut(&str) -> Option<T>,
) -> anyhow::Result<Sampled<T>> {
    let out = desk
        .dir
        .join(format!("{}-{}.txt", sanitize(argv), config.name()));
    let errors_before = server.and_then(Server::errors);
    let mut errors_last = errors_before.map(|e| e.errors);
    let mut client = match (config, server) {
        (Config::Native, _) => spawn_native(desk.xvfb, desk.xdg, argv, &out),
        (_, Some(s)) => spawn_client(s.socket(), desk.xvfb, desk.xdg, argv, &out),
        (_, None) => anyhow::bail!("no server for {}", config.name()),
    }
    .with_context(|| format!("starting {}", argv.join(" ")))?;
    let pid = client.pid();
    let server_pid = server.map(Server::pid);
    let cpu_now = |pid: u32| cpu::process(pid).map(|s| s.cpu_s);
    let mut last = (cpu_now(pid), server_pid.and_then(cpu_now));
    let start = Instant::now();
    let mut file = std::fs::File::open(&out)?;
    let mut text = String::new();
    let mut scanned = 0usize;
    let mut lines = Vec::new();
    loop {
        let exited = cpu::process(pid).is_none_or(|s| s.exited());
        file.seek(SeekFrom::Start(text.len() as u64))?;
        let mut more = Vec::new();
        file.read_to_end(&mut more)?;
        text.push_str(&String::from_utf8_lossy(&more));
        while let Some(nl) = text[scanned..].find('\n') {
            let line = &text[scanned..scanned + nl];
            scanned += nl + 1;
            if let Some(parsed) = parse(line) {
                let now = (cpu_now(pid), server_pid.and_then(cpu_now));
                let delta = |a: Option<f64>, b: Option<f64>| Some(a? - b?);
                let errors_now = server.and_then(|s| Some(s.errors()?.errors));
                lines.push(Line {
                    parsed,
                    client_cpu_s: delta(now.0, last.0),
                    server_cpu_s: delta(now.1, last.1),
                    errors: errors_since(errors_now, errors_last),
                });
                last = now;
                errors_last = errors_now;
            }
        }
        let elapsed = start.elapsed();
        if exited || limits.stop_after.is_some_and(|s| elapsed > s) {
            break;
        }
        if elapsed > limits.timeout {
            client.kill();
            anyhow::bail!("{} timed out after {:?}", argv.join(" "), limits.timeout);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    stop(&mut client);
    let settled = server
        .zip(errors_before)
        .and_then(|(s, b)| Some(s.settle(b)?.errors));
    Ok(Sampled {
        lines,
        output: text,
        errors_after: errors_since(settled, errors_last),
    })
}

/// Errors counted between `before` and `now`.
fn errors_since(now: Option<u64>, before: Option<u64>) -> Option<u64> {
    Some(now?.saturating_sub(before?))
}

/// Stops a client by its pid: SIGTERM, SIGKILL if it lingers; reaps it.
fn stop(client: &mut Client) {
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &client.pid().to_string()])
        .status();
    client.wait(Duration::from_secs(5));
}

fn sanitize(argv: &[&str]) -> String {
    argv.first()
        .map(|a| a.rsplit('/').next().unwrap_or(a))
        .unwrap_or("client")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}
