//! A real guest (Debian's kernel, Mesa 22.3's virgl driver, QEMU 10 under
//! TCG) drives `pv3d vhost-user` through `vhost-user-gpu-pci`:
//!
//! * the guest's GL renderer is pv3d's, and the fixed-scene client
//!   `tests/guest/glpixels.c` renders the same pixels in the guest as through
//!   `pv3d serve` (exactly: both are pv3d) and natively on llvmpipe (within
//!   the replay tolerance);
//! * `kmscube` (modesetting: SET_SCANOUT, RESOURCE_FLUSH) shows its frames on
//!   QEMU's display, read back with QMP `screendump`;
//! * a guest reboot resets the device, and VMs served one after another (a
//!   normal power-off, a reboot, QEMU killed mid-frame) leave no resources,
//!   file descriptors or memory behind in the backend.
//!
//! Needs root, QEMU and the guest kernel (`./scripts/test` installs them);
//! see [`pv3d_tests::vm::require_vm`] for when it is skipped.

use pv3d_tests::gl_client::{spawn_client, spawn_native, MountTarget, Xvfb};
use pv3d_tests::vm::{
    self, boot, glpixels, parse_glpixels, BackendProcess, BootOptions, Qmp, Summary,
};
use std::path::Path;
use std::time::{Duration, Instant};

/// The backend child process (see `BackendProcess`).
#[test]
#[ignore = "entry point of the vhost-user backend child process, not a test of its own"]
fn vm_backend_child() {
    vm::backend_child_main();
}

/// A directory the guest sees (the guest's /tmp is its own tmpfs).
fn guest_visible_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    for tmpfs in ["/tmp/", "/run/", "/var/tmp/", "/dev/shm/"] {
        assert!(
            !dir.path().starts_with(tmpfs),
            "the target dir {} is on a path the guest mounts tmpfs over; use another CARGO_TARGET_DIR",
            dir.path().display()
        );
    }
    dir
}

/// Bytes differing by more than 2, and the largest difference.
fn differences(a: &[u8], b: &[u8]) -> (usize, u8) {
    assert_eq!(a.len(), b.len(), "image sizes differ");
    a.iter().zip(b).fold((0, 0), |(n, max), (x, y)| {
        let d = x.abs_diff(*y);
        (n + usize::from(d > 2), max.max(d))
    })
}

/// Runs glpixels on this host, natively (`via` = None) or through a fresh
/// `pv3d serve`, and returns `(renderer, pixels)`.
fn glpixels_on_host(exe: &Path, via_serve: bool) -> (String, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let xvfb = Xvfb::start("64x64x24").expect("Xvfb");
    let xdg = dir.path().join("xdg");
    std::fs::create_dir_all(&xdg).unwrap();
    let out = dir.path().join("out.txt");
    let exe = exe.to_str().unwrap();
    let argv = ["env", "EGL_PLATFORM=surfaceless", exe];
    let (_server_dir, server) = pv3d_tests::vtest_client::start();
    let _target = MountTarget::prepare();
    let mut client = if via_serve {
        spawn_client(server.path(), &xvfb, &xdg, &argv, &out)
    } else {
        spawn_native(&xvfb, &xdg, &argv, &out)
    }
    .expect("spawning glpixels");
    let status = client.wait(Duration::from_secs(120));
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(
        status.is_some_and(|s| s.success()),
        "glpixels on the host (serve: {via_serve}) failed: {status:?}\n{text}"
    );
    parse_glpixels(&text).unwrap_or_else(|| panic!("no pixels from glpixels:\n{text}"))
}

/// A kmscube frame: grey corners (its clear colour) and a coloured cube in
/// the middle.
fn is_kmscube_frame((w, h, rgb): &(u32, u32, Vec<u8>)) -> bool {
    let px = |x: u32, y: u32| {
        let i = (y as usize * *w as usize + x as usize) * 3;
        rgb.get(i..i + 3).map_or([0; 3], |p| [p[0], p[1], p[2]])
    };
    let grey = |p: [u8; 3]| p.iter().all(|c| (120..=136).contains(c));
    let corners = [(2, 2), (w - 3, 2), (2, h - 3), (w - 3, h - 3)];
    let (cx, cy) = (w / 2, h / 2);
    let coloured = (0..32)
        .flat_map(|dy| (0..32).map(move |dx| (cx - 16 + dx, cy - 16 + dy)))
        .filter(|&(x, y)| !grey(px(x, y)))
        .count();
    *w >= 64 && *h >= 64 && corners.iter().all(|&(x, y)| grey(px(x, y))) && coloured > 512
}

/// One VM at a time: two TCG guests on a 2-core machine would each take
/// more than twice as long.
static ONE_VM: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn guest_renders_and_shows_frames_through_pv3d() {
    if !vm::require_vm() {
        return;
    }
    let _one = ONE_VM.lock().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let bin = guest_visible_dir();
    let exe = glpixels(bin.path());
    let snapshot = dir.path().join("last-frame.png");
    let backend = BackendProcess::start(dir.path(), "vm_backend_child", Some(&snapshot));
    let qmp_path = dir.path().join("qmp.sock");
    // kmscube quits on input: give it a stdin that never has any (not a
    // pipeline: bash would wait for the sleep). 240 frames: at the ~77 FPS
    // it reaches now, 60 were over before a second screendump came back.
    let command = format!(
        "EGL_PLATFORM=surfaceless {}; kmscube -c 240 < <(sleep 600); echo kmscube-status $?",
        exe.display()
    );
    let opts = BootOptions {
        qmp: Some(qmp_path.clone()),
        timeout: Some(Duration::from_secs(400)),
        ..BootOptions::default()
    };
    let mut guest = boot(&backend, dir.path(), &command, &opts);

    // QEMU's screen while the guest runs: keep the kmscube frames seen.
    let mut qmp = Qmp::connect(&qmp_path, Duration::from_secs(60)).expect("QMP");
    let screen = dir.path().join("screen.ppm");
    let mut frames = Vec::new();
    while !guest.finished() {
        if let Ok(img) = qmp.screendump(&screen) {
            if is_kmscube_frame(&img) {
                frames.push(img);
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = guest.wait();
    assert_eq!(out.status, Some(0), "guest run failed: {out}");
    let summary = backend.next_summary(Duration::from_secs(60));
    let vm_time = started.elapsed();

    // The guest's GL is pv3d, and its pixels are those of pv3d serve and
    // (within tolerance) of llvmpipe.
    let (renderer, guest_px) = parse_glpixels(&out.stdout)
        .unwrap_or_else(|| panic!("no pixels from glpixels in the guest: {out}"));
    assert!(
        renderer.starts_with("virgl (pv3d"),
        "guest renderer: {renderer}"
    );
    let (serve_renderer, serve_px) = glpixels_on_host(&exe, true);
    assert!(
        serve_renderer.contains("pv3d"),
        "not through pv3d serve: {serve_renderer}"
    );
    assert!(
        guest_px == serve_px,
        "guest and pv3d serve pixels differ: {:?}",
        differences(&guest_px, &serve_px)
    );
    let (_, native_px) = glpixels_on_host(&exe, false);
    let (over, max) = differences(&guest_px, &native_px);
    assert!(
        over * 10_000 <= guest_px.len(),
        "guest vs native llvmpipe: {over} bytes differ by more than 2 (max {max})"
    );

    // kmscube ran through pv3d and QEMU showed its frames, moving.
    assert!(
        out.stdout.contains("renderer: \"virgl (pv3d"),
        "kmscube's renderer: {out}"
    );
    assert!(
        out.stdout.contains("kmscube-status 0"),
        "kmscube failed: {out}"
    );
    assert!(
        frames.len() >= 2,
        "{} kmscube frames on QEMU's screen",
        frames.len()
    );
    let (first, last) = (&frames[0], &frames[frames.len() - 1]);
    assert!(
        first.2 != last.2,
        "QEMU's screen did not change while kmscube ran"
    );
    assert!(summary.get("frames") >= 60, "frames shown: {summary:?}");
    assert_eq!(summary.get("errors"), 0, "{summary:?}");
    assert_eq!(summary.get("renderer_resources"), 0, "{summary:?}");
    assert!(snapshot.exists(), "no snapshot of the last frame");
    eprintln!(
        "vm: renderer {renderer:?}; {} kmscube screens captured ({}x{}); backend {summary:?}; \
         VM part {:.1}s",
        frames.len(),
        first.0,
        first.1,
        vm_time.as_secs_f64()
    );
}

#[test]
fn reboot_and_reconnect_leave_nothing_behind() {
    if !vm::require_vm() {
        return;
    }
    let _one = ONE_VM.lock().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let bin = guest_visible_dir();
    let exe = glpixels(bin.path());
    let backend = BackendProcess::start(dir.path(), "vm_backend_child", None);
    let run = |command: &str, opts: &BootOptions| {
        let out = boot(&backend, dir.path(), command, opts).wait();
        (out, backend.next_summary(Duration::from_secs(60)))
    };
    let clean = |s: &Summary, what: &str| {
        assert_eq!(s.get("renderer_resources"), 0, "{what}: {s:?}");
        assert_eq!(s.get("renderer_memory"), 0, "{what}: {s:?}");
    };

    // 1. The client, a reboot, the client again: the driver starts afresh and
    //    the device with it (resource ids are reused without a clash).
    let twice = format!(
        "EGL_PLATFORM=surfaceless {exe}; \
         if [ $(wc -l < /run/job/boots) -lt 2 ]; then sync; busybox reboot -f; fi",
        exe = exe.display()
    );
    let opts = BootOptions {
        allow_reboot: true,
        timeout: Some(Duration::from_secs(300)),
        ..BootOptions::default()
    };
    let (out, reboot) = run(&twice, &opts);
    assert_eq!(out.status, Some(0), "reboot run: {out}");
    let blocks: Vec<_> = out.stdout.split("GL_RENDERER: ").skip(1).collect();
    assert_eq!(blocks.len(), 2, "two boots, two clients: {out}");
    let pixels: Vec<_> = blocks
        .iter()
        .map(|b| {
            parse_glpixels(&format!("GL_RENDERER: {b}"))
                .expect("pixels")
                .1
        })
        .collect();
    assert!(
        pixels[0] == pixels[1],
        "the client rendered differently after the reboot"
    );
    assert_eq!(reboot.get("resets"), 1, "{reboot:?}");
    assert_eq!(reboot.get("errors"), 0, "{reboot:?}");
    clean(&reboot, "after a reboot");
    let after_first = backend.usage();

    // 2. A second VM on the same backend.
    let (out, second) = run(
        &format!("EGL_PLATFORM=surfaceless {}", exe.display()),
        &BootOptions::default(),
    );
    assert_eq!(out.status, Some(0), "second VM: {out}");
    assert!(parse_glpixels(&out.stdout).is_some_and(|(_, p)| p == pixels[0]));
    clean(&second, "second VM");

    // 3. QEMU killed while kmscube runs.
    let killed = BootOptions {
        timeout: Some(Duration::from_secs(15)),
        ..BootOptions::default()
    };
    let (out, third) = run("kmscube < <(sleep 600)", &killed);
    assert_eq!(out.status, Some(124), "expected the timeout kill: {out}");
    // guest-run.sh keeps the logs of a timed-out run; this one was meant to.
    if let Some(run) = out
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("guest-run: logs kept in "))
    {
        let _ = std::fs::remove_dir_all(run.trim());
    }
    assert!(
        third.get("frames") > 0,
        "kmscube showed nothing before the kill: {third:?}"
    );
    assert!(
        third.get("contexts") + third.get("resources") > 0,
        "the killed VM held nothing: {third:?}"
    );
    clean(&third, "QEMU killed");
    let after_third = backend.usage();

    assert_eq!(
        after_third.0, after_first.0,
        "file descriptors: {after_first:?} -> {after_third:?}"
    );
    assert!(
        after_third.1 <= after_first.1 + 64 * 1024,
        "resident memory grew: {after_first:?} -> {after_third:?} (fds, KiB)"
    );
    eprintln!(
        "vm lifecycle: reboot {reboot:?}; second {second:?}; killed {third:?}; \
         backend fds/RSS KiB after VM 1 {after_first:?}, after VM 3 {after_third:?}; {:.1}s",
        started.elapsed().as_secs_f64()
    );
}
