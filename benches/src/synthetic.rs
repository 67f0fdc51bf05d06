//! Guest programs written with our own encoder, talking vtest to a server
//! directly (no Mesa), each isolating one cost: draw calls with and without
//! state changes, texture and buffer uploads, the submit→fence round trip
//! and shader creation. They run in the harness's own thread, whose CPU
//! time is the client's.

use crate::cpu;
use crate::model::{Sample, Unit};
use crate::servers::Server;
use guest_protocol::le::Le32;
use guest_protocol::virgl::bits::{
    BlendFlags, BlendLogicOp, RasterizerFlags, RasterizerStipple, RtBlend,
};
use guest_protocol::virgl::enums::{
    bind, clear_bits, CullFace, PrimMode, ShaderStage, TextureTarget,
};
use guest_protocol::virgl::{
    shader_text, Blend, Clear, Command, CreateObject, DrawVbo, Encoder, Format, ObjectType,
    Rasterizer, ShaderChunk, ShaderExtra, VertexBuffer, VertexElement, Viewport,
};
use guest_protocol::vtest::{ClientConnection, Limits, Request, ResourceCreate2, Transfer2};
use guest_protocol::wire::{F32Bits, F64Bits};
use pv3d_tests::vtest_client::{
    busy_wait, clear_stream, create_resource, create_target, get2, handshake, le, shm_bytes,
    submit, HANDLE, W,
};
use std::fs::File;
use std::os::unix::fs::FileExt as _;
use std::time::{Duration, Instant};

/// One synthetic workload.
#[derive(Clone, Copy, Debug)]
pub struct Synthetic {
    /// Workload name (`synthetic-...`).
    pub name: &'static str,
    /// Unit of its figure.
    pub unit: Unit,
    kind: Kind,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Draws { state_changes: bool },
    TextureUpload { side: u32 },
    BufferUpload { bytes: u32 },
    FenceRoundTrip,
    ShaderCreate,
}

/// Every synthetic workload.
pub const ALL: [Synthetic; 7] = [
    Synthetic {
        name: "synthetic-draws",
        unit: Unit::DrawsPerSec,
        kind: Kind::Draws {
            state_changes: false,
        },
    },
    Synthetic {
        name: "synthetic-draws-state-changes",
        unit: Unit::DrawsPerSec,
        kind: Kind::Draws {
            state_changes: true,
        },
    },
    Synthetic {
        name: "synthetic-texture-upload-64x64",
        unit: Unit::MegabytesPerSec,
        kind: Kind::TextureUpload { side: 64 },
    },
    Synthetic {
        name: "synthetic-texture-upload-1024x1024",
        unit: Unit::MegabytesPerSec,
        kind: Kind::TextureUpload { side: 1024 },
    },
    Synthetic {
        name: "synthetic-buffer-upload-1MiB",
        unit: Unit::MegabytesPerSec,
        kind: Kind::BufferUpload { bytes: 1 << 20 },
    },
    Synthetic {
        name: "synthetic-submit-fence-latency",
        unit: Unit::Micros,
        kind: Kind::FenceRoundTrip,
    },
    Synthetic {
        name: "synthetic-shader-create",
        unit: Unit::Millis,
        kind: Kind::ShaderCreate,
    },
];

/// Operations done (draws, bytes, round trips, shader pairs) and how long
/// they took, up to the server's answer that all of them are done.
struct Done {
    ops: u64,
    elapsed: Duration,
    client_cpu_s: Option<f64>,
    server_cpu_s: Option<f64>,
}

impl Synthetic {
    /// Runs it against `server` for about `budget`; `Err` with the reason
    /// when the server failed it (the vtest helpers panic on a bad reply).
    /// The sample carries the context errors the server counted for it.
    pub fn run(&self, server: &Server, budget: Duration) -> Result<Sample, String> {
        let kind = self.kind;
        let errors_before = server.errors();
        let socket = server.socket().to_path_buf();
        let pid = server.pid();
        // The vtest helpers report a bad reply by panicking: caught here,
        // quietly (the harness prints the reason itself).
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let done = std::panic::catch_unwind(move || {
            let mut c = ClientConnection::connect(&socket, Limits::default())
                .unwrap_or_else(|e| panic!("connecting to {}: {e}", socket.display()));
            handshake(&mut c, b"pv3d-bench\0");
            let target = create_target(&mut c);
            run_kind(&mut c, &target, kind, pid, budget)
        });
        std::panic::set_hook(hook);
        // The connection is closed: the server's count for it is final.
        let errors = errors_before.and_then(|before| {
            let after = server.settle(before)?;
            Some(after.errors.saturating_sub(before.errors))
        });
        let done = done.map_err(|p| {
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panicked".to_string())
        })?;
        let secs = done.elapsed.as_secs_f64();
        let ops = done.ops as f64;
        let value = match self.unit {
            Unit::MegabytesPerSec => ops / secs / 1e6,
            Unit::Micros => secs / ops * 1e6,
            Unit::Millis => secs / ops * 1e3,
            Unit::Fps | Unit::DrawsPerSec => ops / secs,
        };
        // CPU per operation; per MB for uploads.
        let per = match kind {
            Kind::TextureUpload { .. } | Kind::BufferUpload { .. } => ops / 1e6,
            _ => ops,
        };
        Ok(Sample {
            value,
            client_cpu_ms: done.client_cpu_s.map(|s| s * 1e3 / per),
            server_cpu_ms: done.server_cpu_s.map(|s| s * 1e3 / per),
            errors,
        })
    }
}

/// Runs `kind`; `target` is the shm of the window buffer.
fn run_kind(
    c: &mut ClientConnection,
    target: &File,
    kind: Kind,
    server: u32,
    budget: Duration,
) -> Done {
    match kind {
        Kind::Draws { state_changes } => {
            setup_draw_state(c);
            let batch = draw_batch(state_changes);
            let done = measure(c, server, budget, |c| {
                submit(c, &batch);
                DRAWS_PER_BATCH
            });
            assert_drawn(c, target);
            done
        }
        Kind::TextureUpload { side } => {
            let bytes = side * side * 4;
            let shm = create_resource(
                c,
                resource(TEXTURE_HANDLE, TextureTarget::TEXTURE_2D, side, side, bytes),
            );
            shm.write_all_at(&vec![0x5a; bytes as usize], 0).unwrap();
            measure(c, server, budget, |c| {
                put2(c, TEXTURE_HANDLE, side, side, bytes);
                u64::from(bytes)
            })
        }
        Kind::BufferUpload { bytes } => {
            let shm = create_resource(
                c,
                resource(BUFFER_HANDLE, TextureTarget::BUFFER, bytes, 1, bytes),
            );
            shm.write_all_at(&vec![0xa5; bytes as usize], 0).unwrap();
            measure(c, server, budget, |c| {
                put2(c, BUFFER_HANDLE, bytes, 1, bytes);
                u64::from(bytes)
            })
        }
        Kind::FenceRoundTrip => {
            submit(c, &clear_stream([0.0, 0.0, 0.0]));
            let mut stream = Encoder::new();
            stream.push(&Command::SetSubCtx(1)).unwrap();
            stream
                .push(&Command::Clear(Clear {
                    buffers: clear_bits::color(0),
                    color: [0.5f32, 0.5, 0.5, 1.0].map(f32::to_bits),
                    depth: F64Bits(1.0f64.to_bits()),
                    stencil: 0,
                }))
                .unwrap();
            measure(c, server, budget, |c| {
                submit(c, &stream);
                busy_wait(c, HANDLE, true);
                1
            })
        }
        Kind::ShaderCreate => {
            setup_draw_state(c);
            let mut n = 0u32;
            let done = measure(c, server, budget, |c| {
                n += 1;
                let mut e = Encoder::new();
                let handle = SHADER_HANDLES + 2 * n;
                shaders(&mut e, handle, n);
                e.push(&Command::DrawVbo(triangle())).unwrap();
                submit(c, &e);
                busy_wait(c, HANDLE, true);
                1
            });
            assert_drawn(c, target);
            done
        }
    }
}

/// Panics unless the triangle reached the window buffer: a server that
/// rejected the draws must not look fast.
fn assert_drawn(c: &mut ClientConnection, target: &File) {
    get2(c);
    busy_wait(c, HANDLE, true);
    let bytes = shm_bytes(target);
    // Bottom-left pixel (the viewport flips y: NDC y = -1 is the last row).
    let px = (W as usize - 1) * W as usize * 4;
    assert!(
        bytes
            .get(px..px + 3)
            .is_some_and(|p| p.iter().any(|b| *b != 0)),
        "the server drew nothing (bottom-left pixel {:?})",
        bytes.get(px..px + 4)
    );
}

/// The vertex buffer's resource handle.
pub const VB_HANDLE: u32 = 2;
const TEXTURE_HANDLE: u32 = 3;
const BUFFER_HANDLE: u32 = 4;
const SHADER_HANDLES: u32 = 100;

/// Repeats `step` (which returns the operations it issued) until `budget`
/// has passed, then waits until the server has finished everything.
fn measure(
    c: &mut ClientConnection,
    server: u32,
    budget: Duration,
    mut step: impl FnMut(&mut ClientConnection) -> u64,
) -> Done {
    // A warm-up step and round trip outside the measurement.
    step(c);
    busy_wait(c, HANDLE, true);
    let cpu_server = || cpu::process(server).map(|s| s.cpu_s);
    let (client0, server0) = (cpu::this_thread(), cpu_server());
    let start = Instant::now();
    let mut ops = 0;
    while start.elapsed() < budget {
        ops += step(c);
    }
    busy_wait(c, HANDLE, true);
    let elapsed = start.elapsed();
    let delta = |a: Option<f64>, b: Option<f64>| Some(a? - b?);
    Done {
        ops,
        elapsed,
        client_cpu_s: delta(cpu::this_thread(), client0),
        server_cpu_s: delta(cpu_server(), server0),
    }
}

fn resource(handle: u32, target: TextureTarget, w: u32, h: u32, bytes: u32) -> ResourceCreate2 {
    let (format, bind) = if target == TextureTarget::BUFFER {
        (Format::R8_UNORM, bind::VERTEX_BUFFER)
    } else {
        (Format::B8G8R8A8_UNORM, bind::SAMPLER_VIEW)
    };
    ResourceCreate2 {
        handle: le(handle),
        target: le(target.0),
        format: le(format.0),
        bind: le(bind),
        width: le(w),
        height: le(h),
        depth: le(1),
        array_size: le(1),
        last_level: le(0),
        nr_samples: le(0),
        data_size: le(bytes),
    }
}

/// TRANSFER_PUT2 of a whole `w`×`h` resource from offset 0 of its shm.
fn put2(c: &mut ClientConnection, handle: u32, w: u32, h: u32, bytes: u32) {
    c.send_request(&Request::TransferPut2(Transfer2 {
        handle: le(handle),
        level: le(0),
        x: le(0),
        y: le(0),
        z: le(0),
        width: le(w),
        height: le(h),
        depth: le(1),
        data_size: le(bytes),
        offset: le(0),
    }))
    .unwrap();
}

/// A small triangle in the window buffer's corner: position, colour.
const TRIANGLE: [f32; 24] = [
    -1.0, -1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, //
    -0.5, -1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, //
    -1.0, -0.5, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0,
];

fn f(v: f32) -> Le32 {
    Le32::new(v.to_bits())
}

fn triangle() -> DrawVbo {
    DrawVbo {
        start: 0,
        count: 3,
        mode: PrimMode::TRIANGLES,
        indexed: false,
        instance_count: 1,
        index_bias: 0,
        start_instance: 0,
        primitive_restart: false,
        restart_index: 0,
        min_index: 0,
        max_index: 2,
        count_from_so: 0,
        tess: None,
        indirect: None,
    }
}

/// Blend and rasterizer objects of variant `v` (0 or 1) get handles 20+v, 30+v.
fn bind_variant(e: &mut Encoder, v: u32) {
    e.push(&Command::BindObject {
        object_type: ObjectType::BLEND,
        handle: 20 + v,
    })
    .unwrap();
    e.push(&Command::BindObject {
        object_type: ObjectType::RASTERIZER,
        handle: 30 + v,
    })
    .unwrap();
}

/// A vertex and a fragment shader (handles `handle`, `handle + 1`), bound;
/// `salt` makes their text unique.
fn shaders(e: &mut Encoder, handle: u32, salt: u32) {
    // A constant no earlier run used (the nanoseconds of this run's start
    // mixed with the pair's number): Mesa's shader disk cache, which both
    // servers' drivers keep across runs, must not answer for the compiler.
    static RUN: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    let run = *RUN.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
    });
    let imm = f64::from(run.wrapping_add(salt.wrapping_mul(7919)) % 1_000_000) / 1e6;
    let vs = format!(
        "VERT\nDCL IN[0]\nDCL IN[1]\nDCL OUT[0], POSITION\nDCL OUT[1], COLOR\n\
         IMM[0] FLT32 {{{imm:.6}, 0.000000, 0.000000, 0.000000}}\n\
         \x20 0: MOV OUT[0], IN[0]\n  1: ADD OUT[1], IN[1], IMM[0]\n  2: END\n"
    );
    let fs = "FRAG\nDCL IN[0], COLOR, COLOR\nDCL OUT[0], COLOR\n  0: MOV OUT[0], IN[0]\n  1: END\n";
    for (h, stage, text) in [
        (handle, ShaderStage::VERTEX, vs.as_str()),
        (handle + 1, ShaderStage::FRAGMENT, fs),
    ] {
        let (offlen, bytes) = shader_text(text);
        e.push(&Command::CreateObject(CreateObject::Shader(ShaderChunk {
            handle: h,
            stage,
            offlen,
            // virglrenderer sizes its token buffer from this (Mesa sends the
            // real count); pv3d ignores it. Generous for these shaders.
            num_tokens: 1024,
            extra: ShaderExtra::StreamOutput(None),
            text: &bytes,
        })))
        .unwrap();
        e.push(&Command::BindShader { handle: h, stage }).unwrap();
    }
}

/// Creates the vertex buffer and everything a draw of [`TRIANGLE`] into the
/// window buffer needs, both state variants, and binds variant 0.
fn setup_draw_state(c: &mut ClientConnection) {
    let bytes = triangle_bytes();
    let size = bytes.len() as u32;
    let shm = create_resource(c, resource(VB_HANDLE, TextureTarget::BUFFER, size, 1, size));
    shm.write_all_at(&bytes, 0).unwrap();
    put2(c, VB_HANDLE, size, 1, size);
    submit(c, &draw_state());
    busy_wait(c, HANDLE, true);
}

/// Draws in one [`draw_batch`].
pub const DRAWS_PER_BATCH: u64 = 64;

/// The bytes of the vertex buffer (resource [`VB_HANDLE`]) the draws read.
pub fn triangle_bytes() -> Vec<u8> {
    TRIANGLE.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// The stream that sets up the draws' state on the window buffer (resource
/// `HANDLE`, cleared) and the vertex buffer (resource [`VB_HANDLE`]): both
/// blend and rasterizer variants, variant 0 bound.
pub fn draw_state() -> Encoder {
    let mut e = clear_stream([0.0, 0.0, 0.0]);
    for v in 0..2u32 {
        let mut rt = [RtBlend::new(); 8];
        rt[0] = RtBlend::new().with_colormask(if v == 0 { 0xf } else { 0x7 });
        e.push(&Command::CreateObject(CreateObject::Blend(Blend {
            handle: 20 + v,
            flags: BlendFlags::new(),
            logicop: BlendLogicOp::new(),
            rt,
        })))
        .unwrap();
        let flags = RasterizerFlags::new()
            .with_depth_clip(true)
            .with_front_ccw(v == 0)
            .with_cull_face(CullFace::NONE)
            .with_half_pixel_center(true)
            .with_bottom_edge_rule(true);
        e.push(&Command::CreateObject(CreateObject::Rasterizer(
            Rasterizer {
                handle: 30 + v,
                flags,
                point_size: F32Bits::new(1.0),
                sprite_coord_enable: 0,
                stipple: RasterizerStipple::new(),
                line_width: F32Bits::new(1.0),
                offset_units: F32Bits::new(0.0),
                offset_scale: F32Bits::new(0.0),
                offset_clamp: F32Bits::new(0.0),
            },
        )))
        .unwrap();
    }
    bind_variant(&mut e, 0);
    let elements = [0u32, 16].map(|offset| VertexElement {
        src_offset: Le32::new(offset),
        instance_divisor: Le32::new(0),
        vertex_buffer_index: Le32::new(0),
        src_format: Le32::new(Format::R32G32B32A32_FLOAT.0),
    });
    e.push(&Command::CreateObject(CreateObject::VertexElements {
        handle: 13,
        elements: &elements,
    }))
    .unwrap();
    e.push(&Command::BindObject {
        object_type: ObjectType::VERTEX_ELEMENTS,
        handle: 13,
    })
    .unwrap();
    shaders(&mut e, SHADER_HANDLES, 0);
    let h = W as f32 / 2.0;
    let vp = [Viewport {
        scale: [f(h), f(-h), f(0.5)],
        translate: [f(h), f(h), f(0.5)],
    }];
    e.push(&Command::SetViewportState {
        start_slot: 0,
        viewports: &vp,
    })
    .unwrap();
    let vbs = [VertexBuffer {
        stride: Le32::new(32),
        offset: Le32::new(0),
        res: Le32::new(VB_HANDLE),
    }];
    e.push(&Command::SetVertexBuffers(&vbs)).unwrap();
    e
}

/// [`DRAWS_PER_BATCH`] triangle draws, each after switching the blend and
/// rasterizer objects when `state_changes`.
pub fn draw_batch(state_changes: bool) -> Encoder {
    let mut e = Encoder::new();
    for i in 0..DRAWS_PER_BATCH as u32 {
        if state_changes {
            bind_variant(&mut e, i % 2);
        }
        e.push(&Command::DrawVbo(triangle())).unwrap();
    }
    e
}
