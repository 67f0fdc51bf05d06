//! The render-pipeline cache on the draw path: hashing a realistic
//! [`PipelineKey`] and looking it up (a hit, as on every draw after the
//! first) in a cache holding a frame's worth of pipelines, key built afresh
//! as the draw code does.

use criterion::{criterion_group, criterion_main, Criterion};
use host_renderer::internals::pipeline::{EntryKind, PipelineCache, PipelineKey};
use shader_translate::interface::TextureClass;
use std::convert::Infallible;
use std::hash::BuildHasher as _;
use std::hint::black_box;

/// A textured, blended, depth-tested draw's key; `n` varies the shaders.
fn key(n: u64) -> PipelineKey {
    PipelineKey {
        vs: 2 * n,
        fs: 2 * n + 1,
        gs: 0,
        tess: (0, 0),
        patch_vertices: 0,
        vertex: vec![
            (
                32,
                wgpu::VertexStepMode::Vertex,
                wgpu::VertexFormat::Float32x3,
                0,
            ),
            (
                32,
                wgpu::VertexStepMode::Vertex,
                wgpu::VertexFormat::Float32x3,
                1,
            ),
            (
                32,
                wgpu::VertexStepMode::Vertex,
                wgpu::VertexFormat::Float32x2,
                2,
            ),
        ],
        topology: wgpu::PrimitiveTopology::TriangleList,
        adjacency: false,
        strip_index: None,
        front_face: wgpu::FrontFace::Ccw,
        cull: Some(wgpu::Face::Back),
        unclipped_depth: false,
        polygon_mode: wgpu::PolygonMode::Fill,
        samples: 1,
        depth_stencil: Some(wgpu::DepthStencilState {
            format: wgpu::TextureFormat::Depth24PlusStencil8,
            depth_write_enabled: Some(true),
            depth_compare: Some(wgpu::CompareFunction::Less),
            stencil: wgpu::StencilState::default(),
            bias: wgpu::DepthBiasState::default(),
        }),
        targets: vec![Some(wgpu::ColorTargetState {
            format: wgpu::TextureFormat::Bgra8Unorm,
            blend: Some(wgpu::BlendState::ALPHA_BLENDING),
            write_mask: wgpu::ColorWrites::ALL,
        })],
        sample_mask: u64::MAX,
        alpha_to_coverage: false,
        layouts: vec![
            vec![(0, EntryKind::Uniform), (1, EntryKind::Uniform)],
            vec![
                (0, EntryKind::Uniform),
                (1, EntryKind::Uniform),
                (
                    2,
                    EntryKind::Texture(wgpu::TextureViewDimension::D2, TextureClass::Float, false),
                ),
                (3, EntryKind::Sampler(false)),
            ],
        ],
    }
}

fn bench(c: &mut Criterion) {
    let k = key(7);
    let hasher = std::collections::hash_map::RandomState::new();
    let mut group = c.benchmark_group("pipeline_key");
    group.bench_function("hash", |b| b.iter(|| hasher.hash_one(black_box(&k))));
    group.bench_function("build", |b| b.iter(|| key(black_box(7))));

    // 64 pipelines cached (a busy glmark2 scene uses a few dozen).
    let mut cache = PipelineCache::<u64>::default();
    for n in 0..64 {
        cache
            .get_or_build(key(n), |_| Ok::<_, Infallible>(n))
            .unwrap_or_default();
    }
    group.bench_function("build_and_lookup_hit", |b| {
        b.iter(|| {
            cache
                .get_or_build(key(black_box(7)), |_| Ok::<_, Infallible>(0))
                .unwrap_or_default()
        })
    });
    group.finish();
    assert_eq!(cache.stats().misses, 64, "every timed lookup must be a hit");
}

criterion_group!(benches, bench);
criterion_main!(benches);
