//! In-process replay of captured sessions (no sockets, no Mesa): frames per
//! second of the renderer on lavapipe, a frame being one window read-back
//! of the capture. Each iteration replays the whole capture from a fresh
//! renderer (shader translation and pipeline builds included, as a client
//! that starts and draws its first frames).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use host_renderer::Gpu;
use pv3d::replay::{replay_capture, ReplayOptions};
use pv3d_tests::capture;

/// Windowed glmark2-es2 scenes of the corpus (30 frames each, read back).
const CAPTURES: [&str; 3] = [
    "glmark2-es2-win320x240-build",
    "glmark2-es2-win320x240-effect2d",
    "glmark2-es2-win320x240-texture",
];

fn bench(c: &mut Criterion) {
    let gpu = Gpu::new().expect("a Vulkan adapter (lavapipe) is needed for the replay bench");
    let opts = ReplayOptions::default();
    let mut group = c.benchmark_group("replay_frames");
    group.sample_size(10);
    for name in CAPTURES {
        let path = capture(name);
        let report = replay_capture(&gpu, &path, &opts)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let frames = report.transfers.len() as u64;
        assert!(
            frames > 0 && report.mismatches() == 0,
            "{name}: {frames} frames, {} mismatches",
            report.mismatches()
        );
        group.throughput(Throughput::Elements(frames));
        group.bench_function(name, |b| {
            b.iter(|| replay_capture(&gpu, &path, &opts).map(|r| r.transfers.len()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
