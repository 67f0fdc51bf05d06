//! Decode throughput of the virgl command decoder over every command buffer of
//! the capture corpus: bytes per second and commands per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use guest_protocol::virgl::Commands;
use pv3d_tests::corpus_submit_buffers;
use std::hint::black_box;

/// Decodes every buffer, touching each command; returns the command count.
fn decode_all(buffers: &[Vec<u8>]) -> u64 {
    let mut commands = 0;
    for buf in buffers {
        for item in Commands::new(buf) {
            let (_, cmd) = item.expect("corpus decodes");
            black_box(&cmd);
            commands += 1;
        }
    }
    commands
}

fn bench(c: &mut Criterion) {
    let buffers = corpus_submit_buffers();
    let bytes: u64 = buffers.iter().map(|b| b.len() as u64).sum();
    let commands = decode_all(&buffers);

    let mut group = c.benchmark_group("virgl_decode_corpus");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("bytes", |b| b.iter(|| decode_all(black_box(&buffers))));
    group.throughput(Throughput::Elements(commands));
    group.bench_function("commands", |b| b.iter(|| decode_all(black_box(&buffers))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
