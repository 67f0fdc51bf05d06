//! Replays every capture in the corpus through the renderer (lavapipe) and
//! compares each TRANSFER_GET2 read-back with the reference server's pages.
//!
//! Expectations, as wgpu-test's per-adapter failure cases: every capture must
//! replay within the tolerance documented in `pv3d::replay`, except
//! the ones listed in `pv3d_tests::KNOWN_MISMATCHES` with the reason.
//! A listed capture that starts passing fails the test too, so the list
//! stays honest.

use host_renderer::Gpu;
use pv3d::replay::{replay_capture, ReplayOptions};

#[test]
fn corpus_replays_within_tolerance() {
    let gpu = Gpu::new().expect("a Vulkan adapter (lavapipe) is needed for GPU tests");
    let opts = ReplayOptions::default();
    let mut failures = Vec::new();
    let mut compared = 0usize;
    for path in pv3d_tests::all_captures() {
        let name = pv3d_tests::capture_name(&path);
        let report = match replay_capture(&gpu, &path, &opts) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{name}: replay error {e}"));
                continue;
            }
        };
        compared += report.transfers.len();
        let ok =
            report.mismatches() == 0 && report.command_errors == 0 && report.request_errors == 0;
        let known = pv3d_tests::KNOWN_MISMATCHES
            .iter()
            .find(|(n, _)| *n == name);
        match (ok, known) {
            (true, Some((_, why))) => {
                failures.push(format!("{name} passes now: remove it from KNOWN_MISMATCHES ({why})"))
            }
            (false, None) => failures.push(format!(
                "{name}: {} of {} read-backs mismatched (worst {}), {} command errors, {} request errors: {:?}",
                report.mismatches(),
                report.transfers.len(),
                report.worst(),
                report.command_errors,
                report.request_errors,
                report.error_samples.iter().take(3).collect::<Vec<_>>()
            )),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // OPCODES.md: the corpus holds 956 TRANSFER_GET2s.
    assert!(compared >= 956, "only {compared} read-backs compared");
    assert!(gpu.take_uncaptured().is_empty());
}
