//! Captures replayed through the virtio-gpu device (`Via::Virtio`: guest
//! driver, split rings in guest RAM, device thread) must give exactly the
//! comparison the direct replay gives, and match the reference for
//! glxgears-60frames, every win320x240, *-validate-* and piglit capture.

use host_renderer::Gpu;
use pv3d::replay::{replay_capture, ReplayOptions, Via};

#[test]
fn captures_match_through_the_virtio_ring() {
    let gpu = Gpu::new().expect("a Vulkan adapter (lavapipe) is needed for GPU tests");
    let direct = ReplayOptions::default();
    let virtio = ReplayOptions {
        via: Via::Virtio,
        ..ReplayOptions::default()
    };
    let (mut checked, mut compared) = (0, 0);
    for path in pv3d_tests::all_captures() {
        let name = pv3d_tests::capture_name(&path);
        let wanted = name == "glxgears-60frames"
            || name.contains("win320x240")
            || name.contains("-validate-")
            || name.starts_with("piglit");
        if !wanted {
            continue;
        }
        let a = replay_capture(&gpu, &path, &direct).expect("direct replay");
        let b = replay_capture(&gpu, &path, &virtio).expect("virtio replay");
        assert_eq!(a.transfers, b.transfers, "{name}: read-backs differ");
        assert_eq!(
            (a.submits, a.commands, a.command_errors),
            (b.submits, b.commands, b.command_errors),
            "{name}"
        );
        if !pv3d_tests::KNOWN_MISMATCHES.iter().any(|(n, _)| *n == name) {
            assert_eq!(b.mismatches(), 0, "{name}: read-backs mismatch");
        }
        checked += 1;
        compared += b.transfers.len();
    }
    assert_eq!(checked, 51, "captures checked");
    // Some glmark2 --validate scenes read back nothing (on either path).
    assert!(compared > 900, "only {compared} read-backs compared");
}
