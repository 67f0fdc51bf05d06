//! Hostile streams: the client side of real captures with random dwords
//! corrupted (seeded, reproducible) is fed to the renderer. Nothing may panic,
//! no wgpu error may reach the uncaptured handler, and after each corrupted
//! session a clean replay of the same capture still matches the reference.

use guest_protocol::capture::{Capture, EventKind};
use guest_protocol::virgl::enums::TextureTarget;
use guest_protocol::virgl::{Box3, Format};
use guest_protocol::vtest::{decode_request, Limits, Progress, Request};
use host_renderer::{CtxId, Gpu, Renderer, ResId, ResourceInfo, TransferBox, VecBacking};
use pv3d::replay::{replay_capture, ReplayOptions};
use std::sync::Arc;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Runs the capture's requests with corrupted SUBMIT_CMD buffers and
/// transfer boxes.
fn corrupted_session(gpu: &Arc<Gpu>, name: &str, seed: u64) {
    let capture = Capture::open(pv3d_tests::capture(name)).unwrap();
    let conn = capture.connection(0);
    let mut r = Renderer::new(Arc::clone(gpu));
    let ctx = CtxId(1);
    r.create_context(ctx, "hostile").unwrap();
    let mut rng = Rng(seed | 1);
    let mut pos = 0;
    let limits = Limits::default();
    let mut backings = std::collections::HashMap::new();
    for event in &conn.events {
        match event.kind {
            EventKind::ShmPreC2s { write, .. } | EventKind::ShmPreS2c { write, .. } => {
                if let Some(b) = backings.get(&write.handle) {
                    let b: &Arc<VecBacking> = b;
                    b.with(|v| {
                        let at = write.offset as usize;
                        if let Some(d) = v.get_mut(at..at + write.data.len()) {
                            d.copy_from_slice(write.data);
                        }
                    });
                }
            }
            EventKind::C2s { end, .. } => {
                while let Some(rest) = conn.c2s.get(pos..end).filter(|r| !r.is_empty()) {
                    let Ok(Progress::Done(frame)) = decode_request(rest, pos as u64, &limits)
                    else {
                        break;
                    };
                    pos += frame.size;
                    match frame.request {
                        Request::ResourceCreate2(c) => {
                            let info = ResourceInfo {
                                target: TextureTarget(c.target.get()),
                                format: Format(c.format.get()),
                                bind: c.bind.get(),
                                width: c.width.get(),
                                height: c.height.get(),
                                depth: c.depth.get(),
                                array_size: c.array_size.get(),
                                last_level: c.last_level.get(),
                                nr_samples: c.nr_samples.get(),
                            };
                            let b = VecBacking::zeroed(c.data_size.get() as usize);
                            let id = ResId(c.handle.get());
                            if r.create_resource(id, &info, Some(b.clone())).is_ok() {
                                r.attach_resource(ctx, id).unwrap();
                                backings.insert(c.handle.get(), b);
                            }
                        }
                        Request::SubmitCmd(cmds) => {
                            let mut bytes = cmds.as_bytes().to_vec();
                            let n = bytes.len() / 4;
                            for _ in 0..(1 + rng.next() % 4) {
                                if n == 0 {
                                    break;
                                }
                                let i = (rng.next() as usize % n) * 4;
                                let v = match rng.next() % 4 {
                                    0 => 0,
                                    1 => u32::MAX,
                                    2 => rng.next() as u32 & 0xffff,
                                    _ => rng.next() as u32,
                                };
                                bytes[i..i + 4].copy_from_slice(&v.to_le_bytes());
                            }
                            let _ = r.submit(ctx, &bytes);
                        }
                        Request::TransferGet2(t) | Request::TransferPut2(t) => {
                            let mut vals = [t.x.get(), t.y.get(), t.w_or(0), t.offset.get()];
                            if rng.next().is_multiple_of(3) {
                                vals[(rng.next() % 4) as usize] = rng.next() as u32;
                            }
                            let tb = TransferBox {
                                level: t.level.get(),
                                region: Box3 {
                                    x: vals[0] as i32,
                                    y: vals[1] as i32,
                                    z: t.z.get() as i32,
                                    w: t.width.get() as i32 ^ vals[2] as i32,
                                    h: t.height.get() as i32,
                                    d: t.depth.get() as i32,
                                },
                                stride: 0,
                                layer_stride: 0,
                                offset: u64::from(vals[3]),
                            };
                            let _ = r.transfer_out(ResId(t.handle.get()), &tb);
                        }
                        Request::ResourceUnref(u) => {
                            let _ = r.unref_resource(ResId(u.handle.get()));
                            backings.remove(&u.handle.get());
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    r.wait_idle();
}

/// `w_or` keeps the corruption table uniform for the four transfer fields.
trait WOr {
    fn w_or(&self, v: u32) -> u32;
}

impl WOr for guest_protocol::vtest::Transfer2 {
    fn w_or(&self, v: u32) -> u32 {
        v
    }
}

#[test]
fn corrupted_streams_never_escape() {
    let gpu = Gpu::new().expect("a Vulkan adapter (lavapipe) is needed for GPU tests");
    let names = [
        "glxgears-60frames",
        "glmark2-es2-validate-texture",
        "glmark2-es2-validate-desktop",
        "piglit-gl-2.0-vertexattribpointer",
        "piglit-shader_runner-fs-texture-select",
    ];
    for (i, name) in names.iter().enumerate() {
        // PV3D_HOSTILE_SEEDS=N explores more (default 4 per capture).
        let seeds: u64 = std::env::var("PV3D_HOSTILE_SEEDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(4);
        for seed in 0..seeds {
            corrupted_session(&gpu, name, (i as u64 + 1) * 1000 + seed);
            let uncaptured = gpu.take_uncaptured();
            assert!(uncaptured.is_empty(), "{name} seed {seed}: {uncaptured:?}");
        }
        // The device still renders correctly afterwards.
        let report =
            replay_capture(&gpu, &pv3d_tests::capture(name), &ReplayOptions::default()).unwrap();
        assert_eq!(report.mismatches(), 0, "{name} after corruption");
    }
}
