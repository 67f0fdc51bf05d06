//! Isolation: one client streams garbage, crafted attacks and disconnects
//! at random bytes for 60 seconds while glxgears (Mesa 22.3, virpipe, clock
//! frozen with libfaketime so every frame is the same) renders through the
//! same `pv3d serve`. Every frame glxgears displays during the attack equals,
//! exactly, the frame it displays with no attacker; the server never stops
//! serving; afterwards the resource and memory counters are back to idle.
//!
//! Run twice: clients as threads of the server (the default), and each
//! client in a jailed worker process (`--isolate process`).
//!
//! Needs root, Xvfb, glxgears, libfaketime, xwd and xwininfo (see gl_client).

mod glxgears;

use glxgears::*;
use guest_protocol::capture::Capture;
use host_renderer::isolate::{Isolation, WorkerCommand};
use host_renderer::vtest::{ServeOptions, Server, ServerHandle};
use host_renderer::Gpu;
use pv3d_tests::gl_client::{self, spawn_client, MountTarget, Xvfb};
use std::io::{Read as _, Write as _};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long the attack lasts.
const ATTACK: Duration = Duration::from_secs(60);

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Client streams of real sessions (glxgears, a glmark2 texture scene): the
/// attacker's raw material.
fn sessions() -> Vec<Vec<u8>> {
    ["glxgears-60frames", "glmark2-es2-validate-texture"]
        .iter()
        .map(|name| {
            let capture = Capture::open(pv3d_tests::capture(name)).unwrap();
            capture.connection(0).c2s.to_vec()
        })
        .collect()
}

/// One attacking connection: `bytes` sent (replies drained and dropped),
/// then the connection cut.
fn attack_once(sock: &Path, bytes: &[u8]) {
    let Ok(s) = UnixStream::connect(sock) else {
        return;
    };
    let _ = s.set_write_timeout(Some(Duration::from_millis(200)));
    let _ = s.set_nonblocking(false);
    let reader = s.try_clone().ok().map(|mut r| {
        std::thread::spawn(move || {
            let mut sink = [0u8; 4096];
            while matches!(r.read(&mut sink), Ok(n) if n > 0) {}
        })
    });
    for chunk in bytes.chunks(4096) {
        if (&s).write_all(chunk).is_err() {
            break;
        }
    }
    let _ = s.shutdown(std::net::Shutdown::Both);
    if let Some(r) = reader {
        let _ = r.join();
    }
}

/// The attacker: garbage, corrupted real sessions, hostile headers, each
/// cut at a random byte, until `stop`.
fn attacker(sock: PathBuf, stop: Arc<AtomicBool>, sent: Arc<AtomicU64>) {
    let sessions = sessions();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    while !stop.load(Ordering::Relaxed) {
        let bytes = match rng.below(4) {
            // Pure garbage.
            0 => (0..rng.below(64 << 10)).map(|_| rng.next() as u8).collect(),
            // A real session with dwords corrupted, cut anywhere.
            1 | 2 => {
                let s = &sessions[rng.below(sessions.len())];
                let mut b = s[..rng.below(s.len())].to_vec();
                for _ in 0..1 + rng.below(16) {
                    let n = b.len() / 4;
                    if n == 0 {
                        break;
                    }
                    let i = rng.below(n) * 4;
                    let v = match rng.below(4) {
                        0 => 0,
                        1 => u32::MAX,
                        2 => rng.next() as u32 & 0xffff,
                        _ => rng.next() as u32,
                    };
                    b[i..i + 4].copy_from_slice(&v.to_le_bytes());
                }
                b
            }
            // A real handshake, then hostile headers: huge lengths,
            // unknown commands, a half message.
            _ => {
                let s = &sessions[0];
                let mut b = s[..s.len().min(64)].to_vec();
                for w in [1u32 << 30, 6, 0xffff_ffff, 99, 12, 12, 1, 2, 3] {
                    b.extend_from_slice(&w.to_le_bytes());
                }
                b
            }
        };
        attack_once(&sock, &bytes);
        sent.fetch_add(bytes.len() as u64, Ordering::Relaxed);
    }
}

/// The render worker of process mode.
const WORKER: &str = env!("CARGO_BIN_EXE_pv3d-test-worker");

/// Where each client renders.
#[derive(Clone, Copy, Debug)]
enum Mode {
    Thread,
    Process,
}

fn serve(sock: &Path, mode: Mode) -> ServerHandle {
    let server = match mode {
        Mode::Thread => {
            let gpu = Gpu::new().expect("a Vulkan adapter (lavapipe) is needed for GPU tests");
            Server::bind(sock, gpu, ServeOptions::default())
        }
        Mode::Process => {
            let opts = ServeOptions::default();
            let iso = Isolation::new(WorkerCommand {
                program: WORKER.into(),
                args: Vec::new(),
                env: Vec::new(),
            });
            let open = iso.opener(opts.quotas);
            Server::with_renderers(sock, opts, open)
        }
    };
    server.unwrap().spawn().unwrap()
}

#[test]
fn hostile_neighbour_cannot_disturb_glxgears() {
    hostile_neighbour(Mode::Thread);
}

#[test]
fn hostile_neighbour_cannot_disturb_glxgears_isolated() {
    hostile_neighbour(Mode::Process);
}

fn hostile_neighbour(mode: Mode) {
    gl_client::require(&["glxgears", "xwd", "xwininfo"]);
    let argv = frozen_glxgears();
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let dir = tempfile::Builder::new()
        .prefix("pv3d-isolation-")
        .tempdir()
        .unwrap();
    let xdg = dir.path().join("xdg");
    std::fs::create_dir(&xdg).unwrap();
    let sock = dir.path().join("vtest.sock");
    let server = serve(&sock, mode);
    let xvfb = Xvfb::start("400x400x24").unwrap();
    let target = MountTarget::prepare();

    // The reference: glxgears alone.
    let out = dir.path().join("alone.txt");
    let mut alone = spawn_client(&sock, &xvfb, &xdg, &argv, &out).unwrap();
    let reference = displayed_frame(&xvfb, &mut alone, &out);
    alone.kill();
    let s = wait_stats(&server, Duration::from_secs(60), idle);
    assert!(idle(&s), "{s:?}");

    // glxgears again, with the attacker beside it.
    let out = dir.path().join("attacked.txt");
    let mut gears = spawn_client(&sock, &xvfb, &xdg, &argv, &out).unwrap();
    assert_eq!(displayed_frame(&xvfb, &mut gears, &out), reference);
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let attack = {
        let (sock, stop, sent) = (sock.clone(), Arc::clone(&stop), Arc::clone(&sent));
        std::thread::spawn(move || attacker(sock, stop, sent))
    };
    let start = Instant::now();
    let mut frames = 0;
    while start.elapsed() < ATTACK {
        assert!(gears.try_wait().is_none(), "glxgears ended under attack");
        let window = glxgears_window(&xvfb).expect("glxgears' window");
        if let Some(frame) = xwd(&xvfb, &window) {
            assert!(frame == reference, "frame {frames} differs under attack");
            frames += 1;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    stop.store(true, Ordering::Relaxed);
    attack.join().unwrap();
    let under_attack = server.stats();
    gears.kill();
    drop(target);
    drop(xvfb);

    let end = wait_stats(&server, Duration::from_secs(60), idle);
    eprintln!(
        "{mode:?} mode: {frames} frames compared; attacker sent {} bytes over {} connections",
        sent.load(Ordering::Relaxed),
        end.served - 2
    );
    assert!(frames >= 20, "only {frames} frames compared");
    assert!(under_attack.clients >= 1, "{under_attack:?}");
    assert!(end.served > 10, "the attacker barely ran: {end:?}");
    assert!(idle(&end), "not back to idle: {end:?}");
    // Still serving: a fresh connection gets its caps.
    let mut c = guest_protocol::vtest::ClientConnection::connect(
        &sock,
        guest_protocol::vtest::Limits::default(),
    )
    .unwrap();
    c.send_request(&guest_protocol::vtest::Request::CreateRenderer(
        guest_protocol::vtest::CreateRenderer { name: b"after\0" },
    ))
    .unwrap();
    c.send_request(&guest_protocol::vtest::Request::GetCaps2)
        .unwrap();
    assert!(c.read_reply().is_ok());
    drop(c);
    server.shutdown();
}
