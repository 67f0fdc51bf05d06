//! Fuzz a whole context on the real renderer and device (lavapipe): the
//! input creates up to 16 resources, then runs a command stream on one
//! context, as a guest's first submit after creating them would. Nothing may
//! panic, and no wgpu error may escape the renderer's error scopes.
//!
//! Input: `u32 n`, then `n` (at most 16) resources of ten `u32`s each
//! (handle, target, format, bind, width, height, depth, array_size,
//! last_level, nr_samples), then the command stream. Seeds are real
//! SUBMIT_CMD buffers with the resources alive when they were sent
//! (`cargo run -p pv3d-tests --example fuzz_seeds`).
#![no_main]

use guest_protocol::virgl::enums::TextureTarget;
use guest_protocol::virgl::Format;
use host_renderer::{CtxId, Gpu, Quotas, Renderer, ResId, ResourceInfo, VecBacking};
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};

/// Resources one input may create.
const MAX_RESOURCES: usize = 16;
/// Guest memory given to each resource as its backing.
const MAX_BACKING: u64 = 1 << 20;

fn gpu() -> &'static Arc<Gpu> {
    static GPU: OnceLock<Arc<Gpu>> = OnceLock::new();
    GPU.get_or_init(|| Gpu::new().expect("a Vulkan adapter (lavapipe) is needed"))
}

fn word(data: &[u8], i: usize) -> u32 {
    let b = data.get(i * 4..i * 4 + 4).unwrap_or(&[0; 4]);
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

fuzz_target!(|data: &[u8]| {
    let n = (word(data, 0) as usize).min(MAX_RESOURCES);
    let stream = data.get(4 + n * 40..).unwrap_or_default();
    let gpu = gpu();
    let mut r = Renderer::new(Arc::clone(gpu));
    r.set_quotas(Quotas {
        resource_memory: 64 << 20,
        ..Quotas::DEFAULT
    });
    let ctx = CtxId(1);
    r.create_context(ctx, "fuzz").expect("a fresh renderer takes a context");
    for i in 0..n {
        let w = |k| word(data, 1 + i * 10 + k);
        let info = ResourceInfo {
            target: TextureTarget(w(1)),
            format: Format(w(2)),
            bind: w(3),
            width: w(4),
            height: w(5),
            depth: w(6),
            array_size: w(7),
            last_level: w(8),
            nr_samples: w(9),
        };
        let backing = VecBacking::zeroed(MAX_BACKING as usize);
        let id = ResId(w(0));
        if r.create_resource(id, &info, Some(backing)).is_ok() {
            r.attach_resource(ctx, id).expect("the resource and context exist");
        }
    }
    let _ = r.submit(ctx, stream);
    r.wait_idle();
    let escaped = gpu.take_uncaptured();
    assert!(escaped.is_empty(), "{escaped:?}");
});
