//! glxgears (Mesa 22.3, virpipe) through the vtest server.
//!
//! * Its frame equals the same frame drawn natively by llvmpipe, within the
//!   replay tolerance ([`Tolerance`]). glxgears turns its gears by wall-clock
//!   time (`angle += 70 * dt`, `dt` from `gettimeofday`) and has no option to
//!   fix the angle, so both runs are started with libfaketime preloaded and
//!   the clock frozen (monotonic clocks left alone: Mesa's waits use them): `dt` is
//!   always 0, every frame is the first one (angle 0), and which frame is
//!   grabbed no longer matters. Ours is the frame the server read back last
//!   (`--snapshot`, written when the client goes); llvmpipe's is its X window
//!   (`xwd`). The window of the pv3d run must also show exactly the snapshot.
//! * Two clients at once, and one of them killed (`kill -9`, by pid) while
//!   the other renders: the survivor (glmark2-es2's validated `build` scene)
//!   still prints its reference result, and when both are gone the server
//!   holds no client, resource or mapping.
//!
//! One Xvfb per run; see gl_client for the namespace and process handling.
//! Needs root (for `unshare -m`), Xvfb, glxgears, libfaketime, xwd, xwininfo and
//! glmark2-es2; without them the tests fail and say what is missing
//! (./scripts/test installs them).

use host_renderer::replay::{read_png, Tolerance};
use host_renderer::vtest::{ServeOptions, Server, ServerHandle, ServerStats};
use host_renderer::Gpu;
use pv3d_tests::gl_client::{self, spawn_client, spawn_native, Client, MountTarget, Xvfb};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// glxgears with the wall clock frozen (libfaketime preloaded, not the
/// `faketime` wrapper: that forks, and killing it would leave glxgears
/// running): every frame is drawn at angle 0. `env` and the wrapper shell
/// `exec`, so the pid we get is glxgears'.
fn frozen_glxgears() -> Vec<String> {
    let lib = std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("faketime/libfaketimeMT.so.1"))
        .find(|p| p.is_file())
        .expect("libfaketimeMT.so.1 (package libfaketime) not found under /usr/lib/*/faketime");
    [
        "env".to_string(),
        format!("LD_PRELOAD={}", lib.display()),
        "FAKETIME=2020-01-01 00:00:00".into(),
        "DONT_FAKE_MONOTONIC=1".into(),
        "glxgears".into(),
        "-geometry".into(),
        "300x300+0+0".into(),
    ]
    .into()
}

/// How long a client may take to show its first frame (a loaded 2-core
/// machine compiles llvmpipe and lavapipe shaders first).
const FIRST_FRAME: Duration = Duration::from_secs(180);

/// An RGBA8 image (alpha 255), row 0 at the top.
#[derive(Debug, PartialEq)]
struct Image {
    w: u32,
    h: u32,
    rgba: Vec<u8>,
}

fn server(dir: &Path, opts: ServeOptions) -> (std::path::PathBuf, ServerHandle) {
    let gpu = Gpu::new().expect("a Vulkan adapter (lavapipe) is needed for GPU tests");
    let sock = dir.join("vtest.sock");
    let server = Server::bind(&sock, gpu, opts).unwrap().spawn().unwrap();
    (sock, server)
}

/// The id of the window named `glxgears` on `xvfb`, if there is one.
fn glxgears_window(xvfb: &Xvfb) -> Option<String> {
    let out = Command::new("xwininfo")
        .args(["-display", xvfb.display(), "-name", "glxgears"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.contains("Window id:"))?;
    line.split_whitespace()
        .find(|w| w.starts_with("0x"))
        .map(str::to_string)
}

fn be32(b: &[u8], i: usize) -> u32 {
    u32::from_be_bytes(b[i * 4..i * 4 + 4].try_into().unwrap())
}

/// The window's contents (`xwd`, a 32-bit TrueColor ZPixmap) as RGBA.
fn xwd(xvfb: &Xvfb, window: &str) -> Option<Image> {
    let out = Command::new("xwd")
        .args(["-silent", "-display", xvfb.display(), "-id", window])
        .output()
        .ok()?;
    let b = out.stdout;
    if !out.status.success() || b.len() < 100 {
        return None;
    }
    // XWDFileHeader: 25 big-endian CARD32s, then the window name.
    let (header_size, format, w, h) = (be32(&b, 0), be32(&b, 2), be32(&b, 4), be32(&b, 5));
    let (byte_order, bpp, stride) = (be32(&b, 7), be32(&b, 11), be32(&b, 12) as usize);
    let masks = [be32(&b, 14), be32(&b, 15), be32(&b, 16)];
    let ncolors = be32(&b, 19) as usize;
    assert!(
        format == 2 && bpp == 32 && masks.iter().all(|m| m.count_ones() == 8),
        "xwd: format {format}, {bpp} bpp, masks {masks:x?}: not a 24-bit TrueColor ZPixmap"
    );
    let start = header_size as usize + ncolors * 12;
    let mut rgba = Vec::with_capacity(w as usize * h as usize * 4);
    for y in 0..h as usize {
        let row = b.get(start + y * stride..start + y * stride + w as usize * 4)?;
        for px in row.chunks_exact(4) {
            let px: [u8; 4] = px.try_into().unwrap();
            let v = if byte_order == 0 {
                u32::from_le_bytes(px)
            } else {
                u32::from_be_bytes(px)
            };
            for m in masks {
                rgba.push(((v & m) >> m.trailing_zeros()) as u8);
            }
            rgba.push(255);
        }
    }
    Some(Image { w, h, rgba })
}

/// Waits until glxgears' window on `xvfb` shows a drawn frame (not all
/// black) twice in a row, and returns it. Fails if the client ends first.
fn displayed_frame(xvfb: &Xvfb, client: &mut Client, out: &Path) -> Image {
    let deadline = Instant::now() + FIRST_FRAME;
    let mut last: Option<Image> = None;
    loop {
        if let Some(status) = client.try_wait() {
            let text = std::fs::read_to_string(out).unwrap_or_default();
            panic!(
                "glxgears ({}) ended ({status}) before showing a frame:\n{text}",
                out.display()
            );
        }
        assert!(
            Instant::now() < deadline,
            "glxgears showed no frame in {FIRST_FRAME:?}"
        );
        let img = glxgears_window(xvfb).and_then(|win| xwd(xvfb, &win));
        if let Some(img) = img.filter(|i| i.rgba.chunks(4).any(|p| p[..3] != [0, 0, 0])) {
            if last.as_ref() == Some(&img) {
                return img;
            }
            last = Some(img);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Polls the server's numbers until `done` holds or `limit` passes.
fn wait_stats(
    server: &ServerHandle,
    limit: Duration,
    done: impl Fn(&ServerStats) -> bool,
) -> ServerStats {
    let deadline = Instant::now() + limit;
    loop {
        let s = server.stats();
        if done(&s) || Instant::now() > deadline {
            return s;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn idle(s: &ServerStats) -> bool {
    (s.clients, s.resources, s.mappings) == (0, 0, 0)
}

#[test]
fn serve_glxgears_frame_matches_llvmpipe() {
    gl_client::require(&["glxgears", "xwd", "xwininfo"]);
    let argv = frozen_glxgears();
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let dir = tempfile::Builder::new()
        .prefix("pv3d-serve-glxgears-")
        .tempdir()
        .unwrap();
    let xdg = dir.path().join("xdg");
    std::fs::create_dir(&xdg).unwrap();

    // Natively, with llvmpipe.
    let native = {
        let xvfb = Xvfb::start("400x400x24").unwrap();
        let out = dir.path().join("native.txt");
        let mut client = spawn_native(&xvfb, &xdg, &argv, &out).unwrap();
        let frame = displayed_frame(&xvfb, &mut client, &out);
        client.kill();
        frame
    };

    // Through pv3d: the frame the server read back last.
    let snapshot = dir.path().join("snapshot.png");
    let (sock, server) = server(
        dir.path(),
        ServeOptions {
            snapshot: Some(snapshot.clone()),
            ..ServeOptions::default()
        },
    );
    let window = {
        let xvfb = Xvfb::start("400x400x24").unwrap();
        let target = MountTarget::prepare();
        let out = dir.path().join("pv3d.txt");
        let mut client = spawn_client(&sock, &xvfb, &xdg, &argv, &out).unwrap();
        let frame = displayed_frame(&xvfb, &mut client, &out);
        client.kill();
        drop(target);
        frame
    };
    let stats = wait_stats(&server, Duration::from_secs(60), idle);
    server.shutdown();
    assert!(
        idle(&stats),
        "the killed client's session lingers: {stats:?}"
    );
    let (w, h, rgba) = read_png(&snapshot).unwrap_or_else(|e| panic!("no snapshot: {e}"));
    let ours = Image { w, h, rgba };

    assert_eq!((native.w, native.h), (300, 300), "native window size");
    assert_eq!((ours.w, ours.h), (native.w, native.h), "snapshot size");
    let tol = Tolerance::default();
    let d = tol.diff(&ours.rgba, &native.rgba);
    eprintln!("pv3d vs llvmpipe: {d:?}");
    if !tol.accepts(&d) {
        let keep = dir.keep();
        let path = keep.join("native.png");
        host_renderer::replay::write_png(&path, native.w, native.h, &native.rgba).unwrap();
        panic!(
            "pv3d's glxgears frame differs from llvmpipe's beyond {tol:?}: {d:?} \
             (ours: {}, llvmpipe's: {})",
            keep.join("snapshot.png").display(),
            path.display()
        );
    }
    assert!(
        window == ours,
        "the pv3d client's window does not show the frame the server read back"
    );
}

#[test]
fn serve_survives_killing_one_of_two_clients() {
    gl_client::require(&["glxgears", "glmark2-es2", "xwd", "xwininfo"]);
    let gears = frozen_glxgears();
    let gears: Vec<&str> = gears.iter().map(String::as_str).collect();
    let dir = tempfile::Builder::new()
        .prefix("pv3d-serve-two-")
        .tempdir()
        .unwrap();
    let xdg = dir.path().join("xdg");
    std::fs::create_dir(&xdg).unwrap();
    let (sock, server) = server(dir.path(), ServeOptions::default());
    let xvfb = Xvfb::start("800x600x24").unwrap();
    let target = MountTarget::prepare();

    // A: glxgears, rendering until killed (the clock frozen, so that a drawn
    // frame is seen twice in a row).
    let a_out = dir.path().join("a-glxgears.txt");
    let mut a = spawn_client(&sock, &xvfb, &xdg, &gears, &a_out).unwrap();
    displayed_frame(&xvfb, &mut a, &a_out);
    let with_a = server.stats();
    assert_eq!(with_a.clients, 1, "{with_a:?}");

    // B: a validated glmark2 scene; A is killed once B holds resources too.
    let b_out = dir.path().join("b-glmark2.txt");
    let argv = ["glmark2-es2", "--off-screen", "--validate", "-b", "build"];
    let mut b = spawn_client(&sock, &xvfb, &xdg, &argv, &b_out).unwrap();
    let both = wait_stats(&server, FIRST_FRAME, |s| {
        s.clients == 2 && s.resources > with_a.resources
    });
    let b_early = b.try_wait();
    assert!(
        both.clients == 2 && b_early.is_none(),
        "B never ran beside A: {both:?}, B: {b_early:?}\n{}",
        std::fs::read_to_string(&b_out).unwrap_or_default()
    );
    eprintln!("killing A (pid {}) with {both:?}", a.pid());
    a.kill();
    let after_kill = wait_stats(&server, Duration::from_secs(60), |s| s.clients <= 1);
    assert!(
        after_kill.clients <= 1,
        "A's session lingers: {after_kill:?}"
    );

    let status = b.wait(Duration::from_secs(240));
    drop(xvfb);
    drop(target);
    let text = std::fs::read_to_string(&b_out).unwrap_or_default();
    let end = wait_stats(&server, Duration::from_secs(60), idle);
    server.shutdown();
    assert!(status.is_some_and(|s| s.success()), "B: {status:?}\n{text}");
    assert!(
        text.lines()
            .any(|l| l.trim_end() == "[build] <default>: Validation: Success"),
        "B's validation failed:\n{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("GL_RENDERER:") && l.contains("pv3d")),
        "B did not render through pv3d:\n{text}"
    );
    assert!(idle(&end), "not back to idle after both clients: {end:?}");
    assert_eq!(end.served, 2, "{end:?}");
}
