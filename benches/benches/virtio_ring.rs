//! The virtio-gpu ring in process (guest driver ⇄ split rings in guest RAM ⇄
//! device thread, lavapipe behind it):
//!
//! * `virtio_round_trip/empty_submit_3d_fenced`: one empty SUBMIT_3D with
//!   FLAG_FENCE, from queueing to popping its response (which the device
//!   returns only after the GPU signalled the fence); elements/s = round trips/s.
//! * `virtio_transfer_to_host_3d/*`: TRANSFER_TO_HOST_3D (fenced) of a whole
//!   1 MiB resource from backing pages (64 KiB chunks in guest RAM): a buffer
//!   and a 512×512 BGRA texture; bytes/s.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use guest_protocol::le::{Le32, Le64};
use guest_protocol::virgl::enums::bind;
use guest_protocol::virgl::Format;
use guest_protocol::virtio_gpu::driver::DmaBuffer;
use guest_protocol::virtio_gpu::{Box3d, ResourceCreate3d, TransferHost3d};
use host_renderer::virtio::harness::{Harness, HarnessHal};
use host_renderer::virtio::DeviceConfig;
use host_renderer::Gpu;

const CTX: u32 = 1;
const CHUNK: usize = 64 << 10;

/// Creates resource `id` (`width`×`height`, `format`; `target` 0 = buffer)
/// with `bytes` of backing in 64 KiB chunks, attached to the context.
fn resource(
    h: &mut Harness,
    id: u32,
    (target, format, width, height): (u32, Format, u32, u32),
    bytes: usize,
) -> Vec<DmaBuffer<HarnessHal>> {
    let d = &mut h.driver;
    let bind = if target == 0 {
        bind::VERTEX_BUFFER
    } else {
        bind::SAMPLER_VIEW
    };
    d.resource_create_3d(&ResourceCreate3d {
        resource_id: Le32::new(id),
        target: Le32::new(target),
        format: Le32::new(format.0),
        bind: Le32::new(bind),
        width: Le32::new(width),
        height: Le32::new(height),
        depth: Le32::new(1),
        array_size: Le32::new(1),
        ..ResourceCreate3d::default()
    })
    .expect("create");
    let pages: Vec<_> = (0..bytes.div_ceil(CHUNK))
        .map(|_| DmaBuffer::new(CHUNK).expect("guest pages"))
        .collect();
    for (i, p) in pages.iter().enumerate() {
        p.write(0, &vec![(i * 37) as u8; CHUNK]);
    }
    let entries: Vec<_> = pages.iter().map(DmaBuffer::entry).collect();
    d.attach_backing(id, &entries).expect("attach");
    d.ctx_resource(CTX, id, true).expect("ctx attach");
    pages
}

fn whole(id: u32, width: u32, height: u32) -> TransferHost3d {
    TransferHost3d {
        box_: Box3d {
            x: Le32::new(0),
            y: Le32::new(0),
            z: Le32::new(0),
            w: Le32::new(width),
            h: Le32::new(height),
            d: Le32::new(1),
        },
        offset: Le64::new(0),
        resource_id: Le32::new(id),
        ..TransferHost3d::default()
    }
}

fn bench(c: &mut Criterion) {
    let gpu = Gpu::new().expect("a Vulkan adapter (lavapipe)");
    let mut h = Harness::start(gpu, DeviceConfig::default()).expect("harness");
    h.driver.ctx_create(CTX, 2, b"bench").expect("context");

    let mut group = c.benchmark_group("virtio_round_trip");
    group.throughput(Throughput::Elements(1));
    group.bench_function("empty_submit_3d_fenced", |b| {
        b.iter(|| h.driver.submit_3d(CTX, &[]).expect("submit"))
    });
    group.finish();

    const MIB: usize = 1 << 20;
    let _buffer = resource(&mut h, 1, (0, Format::R8_UNORM, MIB as u32, 1), MIB);
    let _texture = resource(&mut h, 2, (2, Format::B8G8R8A8_UNORM, 512, 512), MIB);
    let mut group = c.benchmark_group("virtio_transfer_to_host_3d");
    group.throughput(Throughput::Bytes(MIB as u64));
    for (name, t) in [
        ("buffer_1MiB", whole(1, MIB as u32, 1)),
        ("texture_512x512_bgra", whole(2, 512, 512)),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| h.driver.transfer_3d(CTX, &t, true).expect("transfer"))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
