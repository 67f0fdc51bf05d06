//! The VM columns: `glmark2-es2-drm --off-screen` in a real guest under
//! QEMU (`scripts/vm/guest-run.sh`, TCG), through pv3d's vhost-user-gpu
//! backend and through QEMU's reference backend (`vhost-user-gpu --virgl`,
//! virglrenderer on llvmpipe), one boot per run.
//!
//! The surface is the largest mode QEMU's EDID lists (5120x2160), which is
//! what glmark2-es2-drm picks; the same for both backends. Each backend is a
//! process guest-run.sh starts and stops, so no CPU figures are taken.

use crate::glmark;
use anyhow::{bail, Context as _};
use pv3d_tests::vm::repo_root;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The glmark2-es2 scenes a full VM run measures (a quick run: the first
/// three). Terrain and the slowest shadow scenes are left out: under TCG a
/// frame of them takes seconds.
pub const SCENES: [&str; 12] = [
    "build",
    "texture",
    "shading",
    "bump",
    "effect2d",
    "pulsar",
    "desktop",
    "buffer",
    "ideas",
    "jellyfish",
    "conditionals",
    "function",
];

/// Which vhost-user-gpu backend the guest's GPU is.
#[derive(Clone, Debug)]
pub enum Backend {
    /// QEMU's `vhost-user-gpu --virgl` (guest-run.sh's `--ref-vhost-user`).
    Reference,
    /// pv3d: the command line of a backend, `{sock}` standing for its socket.
    Pv3d(String),
}

/// Missing tools for the VM runs, as "tool (what installs it)".
pub fn missing_tools() -> Vec<String> {
    [
        ("qemu-system-x86_64", "scripts/vm/guest-run.sh --install"),
        ("glmark2-es2-drm", "apt-get install glmark2-es2-drm"),
        ("busybox", "scripts/vm/guest-run.sh --install"),
        ("cc", "apt-get install gcc"),
    ]
    .iter()
    .filter(|(t, _)| !pv3d_tests::gl_client::have(t))
    .map(|(t, how)| format!("{t} ({how})"))
    .chain(
        (!Path::new("/usr/lib/qemu/vhost-user-gpu").exists())
            .then(|| "/usr/lib/qemu/vhost-user-gpu (apt-get install qemu-system-common)".into()),
    )
    .collect()
}

/// Boots a guest on `backend` running `scenes` for `secs` each; returns the
/// `(scene, FPS)` result lines and writes the run's output to `log`.
pub fn glmark(
    backend: &Backend,
    scenes: &[String],
    secs: f64,
    log: &Path,
) -> anyhow::Result<Vec<(String, f64)>> {
    let mut argv = glmark::argv("glmark2-es2-drm", scenes, secs);
    // A surface without alpha: the guest kernel's virtio-gpu plane takes
    // XRGB8888 only (matters on-screen; kept the same off-screen).
    argv.splice(1..1, ["--visual-config".to_string(), "a=0".to_string()]);
    let timeout = Duration::from_secs_f64(scenes.len() as f64 * (secs + 30.0) + 120.0);
    let mut cmd = Command::new(repo_root().join("scripts/vm/guest-run.sh"));
    cmd.args(["--accel", "tcg", "--timeout"])
        .arg(timeout.as_secs().to_string());
    match backend {
        Backend::Reference => cmd.arg("--ref-vhost-user"),
        Backend::Pv3d(line) => cmd.args(["--backend", line]),
    };
    let out = cmd
        .arg("--")
        .args(&argv)
        .output()
        .context("running scripts/vm/guest-run.sh")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    std::fs::write(log, format!("{stdout}\n--- guest-run.sh ---\n{stderr}"))
        .with_context(|| format!("writing {}", log.display()))?;
    if !out.status.success() {
        bail!("guest run failed ({}); see {}", out.status, log.display());
    }
    Ok(stdout.lines().filter_map(glmark::parse_result).collect())
}
