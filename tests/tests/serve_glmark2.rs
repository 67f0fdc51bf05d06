//! glmark2-es2 (`--off-screen --validate`, Mesa 22.3 virpipe) through the
//! vtest server:
//!
//! * for every scene the capture corpus has a reference run of
//!   (`glmark2-es2-validate-SCENE.client.txt`, recorded through
//!   virglrenderer's own server), each scene alone (`-b SCENE`) must print
//!   exactly the validation result the reference printed (`Success`, or
//!   `Unknown` for scenes glmark2 has no reference image for);
//! * the whole default benchmark list of glmark2-es2 and of glmark2
//!   (desktop GL), each run once natively (llvmpipe) and once through pv3d:
//!   every scene that validates natively validates through pv3d (this found
//!   the grid scenes, `conditionals`, `function` and `loop`, drawing
//!   gl_FragCoord upside down).
//!
//! One Xvfb and one in-process server; a fresh client per scene, run one
//! after another (see gl_client for the namespace and process handling).
//! Needs root (for `unshare -m`), Xvfb and glmark2-es2; without them the
//! test fails and says what is missing (./scripts/test installs them).

use host_renderer::vtest::{ServeOptions, Server, ServerHandle};
use host_renderer::Gpu;
use pv3d_tests::gl_client::{self, run_client, MountTarget, Xvfb};
use std::time::{Duration, Instant};

const PREFIX: &str = "glmark2-es2-validate-";
const SUFFIX: &str = ".client.txt";

/// `(scene, the validation line the reference printed)`, sorted by scene.
fn reference_scenes() -> Vec<(String, String)> {
    let dir = pv3d_tests::captures_dir();
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("capture corpus {} unreadable: {e}", dir.display()));
    let mut scenes = Vec::new();
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let Some(scene) = name
            .strip_prefix(PREFIX)
            .and_then(|n| n.strip_suffix(SUFFIX))
        else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let wanted = format!("[{scene}] <default>: Validation: ");
        let line = text
            .lines()
            .find(|l| l.starts_with(&wanted))
            .unwrap_or_else(|| panic!("{name}: no `{wanted}` line"))
            .trim_end()
            .to_string();
        let result = &line[wanted.len()..];
        assert!(
            result == "Success" || result == "Unknown",
            "{name}: reference printed {line:?}"
        );
        scenes.push((scene.to_string(), line));
    }
    scenes.sort();
    assert!(
        !scenes.is_empty(),
        "no {PREFIX}*{SUFFIX} references in {}",
        dir.display()
    );
    scenes
}

/// The validation lines (`[scene] options: Validation: RESULT`) of a
/// glmark2 run's output.
fn validation_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.starts_with('[') && l.contains(": Validation: "))
        .map(str::trim_end)
        .collect()
}

/// An in-process server on a socket in `dir`, with a display and the
/// mount target for clients.
fn setup(
    dir: &tempfile::TempDir,
) -> (
    std::path::PathBuf,
    ServerHandle,
    Xvfb,
    MountTarget,
    std::path::PathBuf,
) {
    let gpu = Gpu::new().expect("a Vulkan adapter (lavapipe) is needed for GPU tests");
    let sock = dir.path().join("vtest.sock");
    let server = Server::bind(&sock, gpu, ServeOptions::default())
        .unwrap()
        .spawn()
        .unwrap();
    let xvfb = Xvfb::start("800x600x24").unwrap();
    let target = MountTarget::prepare();
    let xdg = dir.path().join("xdg");
    std::fs::create_dir(&xdg).unwrap();
    (sock, server, xvfb, target, xdg)
}

#[test]
fn what_validates_natively_validates_through_pv3d() {
    gl_client::require(&["glmark2-es2", "glmark2"]);
    let dir = tempfile::Builder::new()
        .prefix("pv3d-serve-glmark2-all-")
        .tempdir()
        .unwrap();
    let (sock, server, xvfb, target, xdg) = setup(&dir);
    let mut failures = Vec::new();
    // The ES 2.0 build and the desktop GL 2.1 build of the same scenes.
    for client in ["glmark2-es2", "glmark2"] {
        let argv = [client, "--off-screen", "--validate"];
        let limit = Duration::from_secs(300);
        let native_out = dir.path().join(format!("{client}-native.txt"));
        let native = gl_client::spawn_native(&xvfb, &xdg, &argv, &native_out)
            .unwrap()
            .wait(limit);
        let ours_out = dir.path().join(format!("{client}-pv3d.txt"));
        let ours = gl_client::run_client(&sock, &xvfb, &xdg, &argv, &ours_out, limit).unwrap();
        assert!(
            native.is_some_and(|s| s.success()),
            "{client} natively: {native:?}"
        );
        let native_text = std::fs::read_to_string(&native_out).unwrap();
        let ours_text = std::fs::read_to_string(&ours_out).unwrap();
        let ours_lines = validation_lines(&ours_text);
        let succeeded: Vec<&str> = validation_lines(&native_text)
            .into_iter()
            .filter(|l| l.ends_with(": Validation: Success"))
            .collect();
        assert!(
            succeeded.len() >= 20,
            "{client}: only {} scenes validated natively:\n{native_text}",
            succeeded.len()
        );
        let missing: Vec<&str> = succeeded
            .iter()
            .copied()
            .filter(|l| !ours_lines.contains(l))
            .collect();
        eprintln!(
            "{client}: {} of {} natively validated scenes validate through pv3d",
            succeeded.len() - missing.len(),
            succeeded.len()
        );
        if !ours.is_some_and(|s| s.success()) || !missing.is_empty() {
            failures.push(format!(
                "{client} through pv3d ({ours:?}) did not validate:\n{}\n\nits run:\n{ours_text}",
                missing.join("\n")
            ));
        }
    }
    drop(xvfb);
    drop(target);
    server.shutdown();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn serve_glmark2_validate_scenes_through_pv3d() {
    gl_client::require(&["glmark2-es2"]);
    let scenes = reference_scenes();
    let dir = tempfile::Builder::new()
        .prefix("pv3d-serve-glmark2-")
        .tempdir()
        .unwrap();
    let (sock, server, xvfb, target, xdg) = setup(&dir);

    let mut failures = Vec::new();
    for (scene, expected) in &scenes {
        let out_path = dir.path().join(format!("glmark2-{scene}.txt"));
        let start = Instant::now();
        let status = run_client(
            &sock,
            &xvfb,
            &xdg,
            &["glmark2-es2", "--off-screen", "--validate", "-b", scene],
            &out_path,
            Duration::from_secs(120),
        )
        .unwrap();
        let secs = start.elapsed().as_secs_f64();
        let text = std::fs::read_to_string(&out_path).unwrap_or_default();
        let prefix = format!("[{scene}] ");
        let got = text
            .lines()
            .find(|l| l.starts_with(&prefix))
            .map(str::trim_end);
        eprintln!(
            "{scene:>12}: {} ({status:?}, {secs:.1} s; reference: {expected})",
            got.unwrap_or("<no result line>")
        );
        let renderer_ours = text
            .lines()
            .any(|l| l.contains("GL_RENDERER:") && l.contains("pv3d"));
        if !status.is_some_and(|s| s.success()) || got != Some(expected.as_str()) || !renderer_ours
        {
            failures.push(format!(
                "{scene}: {status:?}, wanted {expected:?} from our renderer\n{text}"
            ));
        }
    }
    drop(xvfb);
    drop(target);
    let served = server.stats().served;
    server.shutdown();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        served >= scenes.len() as u64,
        "{served} connections for {} scenes",
        scenes.len()
    );
}
