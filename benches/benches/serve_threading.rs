//! The measurement behind `pv3d serve`'s threading model: two clients' work
//! (each a whole capture replayed in-process, shaders, draws and read-backs
//! included) finished
//!
//! * `serialized`: one after the other on one thread — the best a single
//!   renderer fed by a thread per client can do, since every command of every
//!   client goes through one `&mut Renderer`;
//! * `renderer_per_client`: on two threads, each with its own `Renderer` over
//!   one shared `Gpu` (one wgpu device and queue) — what `pv3d serve` does;
//! * `device_per_client`: on two threads, each with its own `Gpu` — the
//!   isolation of a process per client, at the cost of a device each.
//!
//! Device creation is outside those timed loops; `device_create` measures what
//! a device per client adds to each connection.

use criterion::{criterion_group, criterion_main, Criterion};
use host_renderer::Gpu;
use pv3d::replay::{replay_capture, ReplayOptions};
use std::path::Path;
use std::sync::Arc;

/// A capture with shaders, draws and 30 read-back frames.
const CAPTURE: &str = "glmark2-es2-win320x240-shading";

fn replay(gpu: &Arc<Gpu>, path: &Path) {
    let report = replay_capture(gpu, path, &ReplayOptions::default()).expect("capture replays");
    assert_eq!(report.command_errors, 0, "{:?}", report.error_samples);
}

fn on_two_threads(gpus: [&Arc<Gpu>; 2], path: &Path) {
    std::thread::scope(|s| {
        for gpu in gpus {
            s.spawn(move || replay(gpu, path));
        }
    });
}

fn bench(c: &mut Criterion) {
    let path = pv3d_tests::capture(CAPTURE);
    let shared = Gpu::new().expect("a Vulkan adapter (lavapipe)");
    let second = Gpu::new().expect("a second Vulkan device");
    let mut group = c.benchmark_group("two_clients");
    group.sample_size(10);
    group.bench_function("serialized", |b| {
        b.iter(|| {
            replay(&shared, &path);
            replay(&shared, &path);
        })
    });
    group.bench_function("renderer_per_client", |b| {
        b.iter(|| on_two_threads([&shared, &shared], &path))
    });
    group.bench_function("device_per_client", |b| {
        b.iter(|| on_two_threads([&shared, &second], &path))
    });
    group.bench_function("device_create", |b| {
        b.iter(|| drop(Gpu::new().expect("a Vulkan device")))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
