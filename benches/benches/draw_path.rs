//! Host CPU per draw through the renderer API: `Renderer::submit` of the
//! synthetic draw program's batches (64 tiny draws per command buffer, as
//! `pv3d-bench`'s `synthetic-draws`, and the same with a blend and
//! rasterizer switch before every draw) on an in-process renderer on
//! lavapipe: decoding, recording and the queue submission. The time is the
//! submitting thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), so
//! lavapipe's own threads executing the work (waited for every 64 batches,
//! outside the measurement) and time spent descheduled on a busy machine
//! are not counted.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use guest_protocol::virgl::enums::{bind, TextureTarget};
use guest_protocol::virgl::{Box3, Format};
use host_renderer::{CtxId, Gpu, Renderer, ResId, ResourceInfo, TransferBox, VecBacking};
use pv3d_benches::synthetic::{draw_batch, draw_state, triangle_bytes, DRAWS_PER_BATCH, VB_HANDLE};
use pv3d_tests::vtest_client::{HANDLE, W};
use std::time::Duration;

/// Batches submitted between waits for the GPU.
const BATCHES_PER_WAIT: u64 = 64;

fn info(target: TextureTarget, format: Format, bind: u32, w: u32) -> ResourceInfo {
    ResourceInfo {
        target,
        format,
        bind,
        width: w,
        height: if target == TextureTarget::BUFFER {
            1
        } else {
            w
        },
        depth: 1,
        array_size: 1,
        last_level: 0,
        nr_samples: 0,
    }
}

/// A renderer with context 1 holding the window buffer and the vertex
/// buffer, the draw state set up.
fn renderer(ctx: CtxId) -> Renderer {
    let gpu = Gpu::new().expect("a Vulkan adapter (lavapipe) is needed for the draw bench");
    let mut r = Renderer::new(gpu);
    r.create_context(ctx, "draw_path").unwrap();
    let target = info(
        TextureTarget::TEXTURE_2D,
        Format::B8G8R8X8_UNORM,
        bind::RENDER_TARGET | bind::SAMPLER_VIEW,
        W,
    );
    r.create_resource(ResId(HANDLE), &target, None).unwrap();
    r.attach_resource(ctx, ResId(HANDLE)).unwrap();
    let bytes = triangle_bytes();
    let len = bytes.len() as u32;
    let vb = info(
        TextureTarget::BUFFER,
        Format::R8_UNORM,
        bind::VERTEX_BUFFER,
        len,
    );
    r.create_resource(ResId(VB_HANDLE), &vb, None).unwrap();
    let whole = TransferBox {
        level: 0,
        region: Box3 {
            x: 0,
            y: 0,
            z: 0,
            w: len as i32,
            h: 1,
            d: 1,
        },
        stride: 0,
        layer_stride: 0,
        offset: 0,
    };
    r.write_from(
        ResId(VB_HANDLE),
        &whole,
        VecBacking::from_vec(bytes).as_ref(),
    )
    .unwrap();
    r.attach_resource(ctx, ResId(VB_HANDLE)).unwrap();
    r.submit(ctx, draw_state().as_bytes()).unwrap();
    r
}

/// CPU time of the calling thread so far.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into `ts`, which lives
    // for the call; CLOCK_THREAD_CPUTIME_ID is supported on Linux.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn bench(c: &mut Criterion) {
    let ctx = CtxId(1);
    let mut r = renderer(ctx);
    let mut group = c.benchmark_group("draw_path");
    group.throughput(Throughput::Elements(DRAWS_PER_BATCH));
    for (name, state_changes) in [("draws", false), ("draws_state_changes", true)] {
        let batch = draw_batch(state_changes);
        let bytes = batch.as_bytes();
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut measured = Duration::ZERO;
                for i in 0..iters {
                    let start = thread_cpu();
                    let stats = r.submit(ctx, bytes);
                    measured += thread_cpu().saturating_sub(start);
                    assert_eq!(stats.map(|s| s.errors), Ok(0), "{name}: a draw failed");
                    if i % BATCHES_PER_WAIT == BATCHES_PER_WAIT - 1 {
                        r.wait_idle();
                    }
                }
                r.wait_idle();
                measured
            })
        });
    }
    group.finish();
    // The draws reached the window buffer (bottom-left pixel, as the
    // synthetic program checks).
    let img = r.read_resource(ResId(HANDLE), 0, 0).unwrap();
    let at = ((W - 1) * img.stride) as usize;
    assert!(
        img.data
            .get(at..at + 3)
            .is_some_and(|p| p.iter().any(|v| *v != 0)),
        "nothing drawn"
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
