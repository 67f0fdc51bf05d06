//! A real GL client (Mesa 22.3 `es2_info`, virpipe) through the vtest
//! server: its own Xvfb on a display Xvfb picks (`-displayfd`), a private
//! mount namespace in which our socket is bind-mounted over
//! `/tmp/.virgl_test` (Mesa 22.3 ignores `VTEST_SOCKET_NAME`; see
//! captures/tools/run-peer.sh), and the renderer string must name us.
//! Only the processes started here are stopped, by their pid.
//!
//! Needs root (for `unshare -m`), Xvfb and es2_info; without them the test
//! fails and says what is missing (./scripts/test installs them).

use host_renderer::vtest::{ServeOptions, Server};
use host_renderer::Gpu;
use pv3d_tests::gl_client::{self, run_client, MountTarget, Xvfb};
use std::time::Duration;

#[test]
fn serve_real_es2_info_through_pv3d() {
    gl_client::require(&["es2_info"]);
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

    let xvfb = Xvfb::start("320x240x24").unwrap();
    let target = MountTarget::prepare();
    let out_path = dir.path().join("es2_info.txt");
    let xdg = dir.path().join("xdg");
    std::fs::create_dir(&xdg).unwrap();
    let status = run_client(
        &sock,
        &xvfb,
        &xdg,
        &["es2_info"],
        &out_path,
        Duration::from_secs(240),
    )
    .unwrap();
    drop(xvfb);
    drop(target);
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
