//! glxgears (Mesa 22.3, virpipe) through the vtest server.
//!
//! * Its frame equals the same frame drawn natively by llvmpipe, within the
//!   replay tolerance ([`Tolerance`]). glxgears turns its gears by wall-clock
//!   time (`angle += 70 * dt`, `dt` from `gettimeofday`) and has no option to
//!   fix the angle, so both runs are started with libfaketime preloaded and
//!   the clock frozen (monotonic clocks left alone: Mesa's waits use them): `dt` is
//!   always 0, every frame is the first one (angle 0), and which frame is
//!   grabbed no longer matters. Ours is the frame the server read back last
//!   (handed to the server's last-frame sink, as `pv3d serve --snapshot`
//!   gets it, when the client goes); llvmpipe's is its X window
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

mod glxgears;

use glxgears::*;
use host_renderer::vtest::{DisplayedFrame, FrameSink, ServeOptions, Server, ServerHandle};
use host_renderer::Gpu;
use pv3d::replay::Tolerance;
use pv3d_tests::gl_client::{self, spawn_client, spawn_native, MountTarget, Xvfb};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn server(dir: &Path, opts: ServeOptions) -> (std::path::PathBuf, ServerHandle) {
    let gpu = Gpu::new().expect("a Vulkan adapter (lavapipe) is needed for GPU tests");
    let sock = dir.join("vtest.sock");
    let server = Server::bind(&sock, gpu, opts).unwrap().spawn().unwrap();
    (sock, server)
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
    let last_frame = Arc::new(Mutex::new(None::<DisplayedFrame>));
    let sink = Arc::clone(&last_frame);
    let (sock, server) = server(
        dir.path(),
        ServeOptions {
            last_frame: Some(FrameSink(Arc::new(move |f| {
                *sink.lock().unwrap() = Some(f)
            }))),
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
    let frame = last_frame.lock().unwrap().take();
    let frame = frame.expect("the server handed over no last frame");
    let ours = Image {
        w: frame.width,
        h: frame.height,
        rgba: frame.rgba,
    };

    assert_eq!((native.w, native.h), (300, 300), "native window size");
    assert_eq!((ours.w, ours.h), (native.w, native.h), "snapshot size");
    let tol = Tolerance::default();
    let d = tol.diff(&ours.rgba, &native.rgba);
    eprintln!("pv3d vs llvmpipe: {d:?}");
    if !tol.accepts(&d) {
        let keep = dir.keep();
        let (path, native_path) = (keep.join("pv3d.png"), keep.join("native.png"));
        pv3d::png_file::write_png(&path, ours.w, ours.h, &ours.rgba).unwrap();
        pv3d::png_file::write_png(&native_path, native.w, native.h, &native.rgba).unwrap();
        panic!(
            "pv3d's glxgears frame differs from llvmpipe's beyond {tol:?}: {d:?} \
             (ours: {}, llvmpipe's: {})",
            path.display(),
            native_path.display()
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
