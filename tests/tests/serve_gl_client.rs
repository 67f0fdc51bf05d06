//! Real GL clients (Mesa 22.3 `es2_info`, `glxgears -info`, `glxinfo -B`,
//! virpipe) through the vtest server: its own Xvfb on a display Xvfb picks
//! (`-displayfd`), a private mount namespace in which our socket is
//! bind-mounted over `/tmp/.virgl_test` (Mesa 22.3 ignores
//! `VTEST_SOCKET_NAME`; see captures/tools/run-peer.sh). The renderer string
//! must name us and the GL / GLES / GLSL versions Mesa derives must be the
//! ones our caps promise. Only the processes started here are stopped, by
//! their pid.
//!
//! Needs root (for `unshare -m`), Xvfb and the clients; without them the test
//! fails and says what is missing (./scripts/test installs them).

use host_renderer::internals::caps::caps_v2;
use host_renderer::vtest::{ServeOptions, Server};
use host_renderer::Gpu;
use pv3d_tests::gl_client::{self, spawn_client, MountTarget, Xvfb};
use std::path::Path;
use std::time::{Duration, Instant};

/// The versions a GL driver reports for a GLSL feature level, as the GL and
/// GLSL specifications pair them (what Mesa derives from our caps).
struct Versions {
    /// The compatibility context's version, as Mesa prints it before "Mesa".
    gl: &'static str,
    glsl: &'static str,
    gles: &'static str,
    /// The highest core profile a context opens with, if any.
    core: Option<&'static str>,
}

fn versions_for(glsl_level: u32, stream_output: bool, es31: bool) -> Versions {
    let v = versions_of_level(glsl_level, stream_output);
    // ES 3.0's features, compute shaders (with storage buffers, atomic
    // counters and images) and stencil texturing are what Mesa 22.3 checks
    // for OpenGL ES 3.1.
    if es31 && v.gles == "OpenGL ES 3.0" {
        Versions {
            gles: "OpenGL ES 3.1",
            ..v
        }
    } else {
        v
    }
}

/// The versions a GLSL level gives without compute shaders.
fn versions_of_level(glsl_level: u32, stream_output: bool) -> Versions {
    match (glsl_level, stream_output) {
        // GLSL 1.20 is GL 2.1's; GLSL ES 3.00 needs GLSL 1.30-level integer
        // support, so ES stays at 2.0. At 130 (native integers in TGSI)
        // without stream output Mesa does not reach GL 3.0, so GL stays 2.1
        // and Mesa reports GLSL 1.20.
        (120, _) | (130 | 140, false) => Versions {
            gl: "2.1",
            glsl: "1.20",
            gles: "OpenGL ES 2.0",
            core: None,
        },
        // With stream output (four buffers, pause/resume) Mesa 22.3 has
        // every GL 3.0 and ES 3.0 feature it checks for.
        (130, true) => Versions {
            gl: "3.0",
            glsl: "1.30",
            gles: "OpenGL ES 3.0",
            core: None,
        },
        // At 140 with texture buffers (`max_tbo_size`) Mesa 22.3 has every
        // GL 3.1 feature as well; ES stays 3.0 (3.1 needs compute).
        (140, true) => Versions {
            gl: "3.1",
            glsl: "1.40",
            gles: "OpenGL ES 3.0",
            core: Some("3.1"),
        },
        // At 330 (geometry shaders), with seamless cube maps, Mesa 22.3 has
        // every GL 3.2 and 3.3 feature: core and compatibility 3.3 contexts
        // open (compatibility ones since `host_feature_check_version` 6).
        (330, true) => Versions {
            gl: "3.3 (Compatibility Profile)",
            glsl: "3.30",
            gles: "OpenGL ES 3.0",
            core: Some("3.3"),
        },
        (other, _) => panic!("caps promise GLSL level {other}: add its versions to this test"),
    }
}

/// One line of `text` starting with `key`, without the key.
fn field<'a>(text: &'a str, key: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.strip_prefix(key))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no {key:?} line in:\n{text}"))
}

/// Runs `argv` through the server until it exits or `done` holds for its
/// output (then it is stopped), and returns the output.
fn run_until(
    sock: &Path,
    xvfb: &Xvfb,
    dir: &Path,
    argv: &[&str],
    done: impl Fn(&str) -> bool,
) -> (Option<std::process::ExitStatus>, String) {
    let out = dir.join(format!("{}.txt", argv[0]));
    let xdg = dir.join(format!("xdg-{}", argv[0]));
    std::fs::create_dir_all(&xdg).unwrap();
    let mut client = spawn_client(sock, xvfb, &xdg, argv, &out).unwrap();
    // Generous: a loaded 2-core machine.
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let text = std::fs::read_to_string(&out).unwrap_or_default();
        if let Some(status) = client.try_wait() {
            return (
                Some(status),
                std::fs::read_to_string(&out).unwrap_or_default(),
            );
        }
        if done(&text) || Instant::now() > deadline {
            client.kill();
            return (None, text);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_real_gl_clients_report_our_caps() {
    gl_client::require(&["es2_info", "glxgears", "glxinfo", "wflinfo"]);
    let gpu = Gpu::new().expect("a Vulkan adapter (lavapipe) is needed for GPU tests");
    let caps = caps_v2(&gpu);
    let stream_output = caps.v1.max_streamout_buffers.get() >= 4
        && caps.v1.bset.get() & guest_protocol::virgl::caps::bset::STREAMOUT_PAUSE_RESUME != 0;
    let es31 = caps.capability_bits.get() & guest_protocol::virgl::caps::cap::COMPUTE_SHADER != 0
        && caps.max_shader_image_frag_compute.get() > 0
        && caps
            .v1
            .sampler
            .contains(guest_protocol::virgl::Format::X24S8_UINT.0);
    let expected = versions_for(caps.v1.glsl_level.get(), stream_output, es31);
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

    let (es_status, es) = run_until(&sock, &xvfb, dir.path(), &["es2_info"], |_| false);
    // glxgears prints its strings once, then renders until stopped.
    let (_, gears) = run_until(&sock, &xvfb, dir.path(), &["glxgears", "-info"], |t| {
        t.contains("GL_EXTENSIONS")
    });
    let (glxinfo_status, glxinfo) =
        run_until(&sock, &xvfb, dir.path(), &["glxinfo", "-B"], |_| false);
    let core = expected.core.map(|version| {
        let argv = [
            "wflinfo",
            "-p",
            "glx",
            "-a",
            "gl",
            "--profile",
            "core",
            "-V",
            version,
        ];
        (
            version,
            run_until(&sock, &xvfb, dir.path(), &argv, |_| false),
        )
    });
    drop(xvfb);
    drop(target);
    let served = server.stats().served;
    server.shutdown();

    assert!(
        es_status.is_some_and(|s| s.success()),
        "es2_info: {es_status:?}\n{es}"
    );
    let renderer = field(&es, "GL_RENDERER:");
    assert!(renderer.contains("virgl"), "{renderer}");
    assert!(renderer.contains("pv3d"), "not our server: {renderer}");
    let es_version = field(&es, "GL_VERSION:");
    assert!(
        es_version.starts_with(&format!("{} Mesa", expected.gles)),
        "es2_info GL_VERSION {es_version:?}, caps promise {}",
        expected.gles
    );

    if let Some((version, (status, text))) = core {
        assert!(
            status.is_some_and(|s| s.success()),
            "wflinfo: {status:?}\n{text}"
        );
        let got = field(&text, "OpenGL version string:");
        assert!(
            got.starts_with(&format!("{version} (Core Profile) Mesa")),
            "core profile {got:?}, caps promise {version}"
        );
    }

    let renderer = field(&gears, "GL_RENDERER   =");
    assert!(renderer.contains("pv3d"), "not our server: {renderer}");
    let gl_version = field(&gears, "GL_VERSION    =");
    assert!(
        gl_version.starts_with(&format!("{} Mesa", expected.gl)),
        "glxgears GL_VERSION {gl_version:?}, caps promise {} (GLSL {})",
        expected.gl,
        expected.glsl
    );

    // Mesa 22.3's virpipe path reads the front buffer of glxinfo's never-mapped
    // window with XGetImage, which X refuses (BadMatch) before glxinfo prints
    // a string: the reference server's capture (glxinfo-B.client.txt) ends
    // the same way. A drop-in must behave exactly as the reference does.
    let reference =
        std::fs::read_to_string(pv3d_tests::captures_dir().join("glxinfo-B.client.txt"))
            .expect("glxinfo-B.client.txt in the captures");
    let x_error = "BadMatch (invalid parameter attributes)";
    assert!(
        reference.contains(x_error),
        "the reference run changed:\n{reference}"
    );
    assert_eq!(glxinfo_status.and_then(|s| s.code()), Some(1), "{glxinfo}");
    assert!(glxinfo.contains(x_error), "{glxinfo}");
    assert!(served >= 3, "the clients never connected ({served})");
}
