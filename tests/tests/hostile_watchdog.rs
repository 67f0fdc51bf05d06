//! The watchdog for GPU work that never finishes. lavapipe ends long loops
//! itself, so the real code path is driven deterministically: a heavy but
//! finite draw (millions of instances) and a limit far below its run time.

mod draw_setup;

use draw_setup::{gpu, heavy_stream, pixel, setup, TRIANGLE};
use guest_protocol::virgl::enums::{bind, TextureTarget};
use guest_protocol::virgl::Format;
use guest_protocol::vtest::{
    ClientConnection, Limits, Reply, Request, ResourceBusyWait, ResourceCreate2, Transfer2,
    BUSY_WAIT_FLAG_WAIT,
};
use guest_protocol::wire::Dwords;
use host_renderer::vtest::ServeOptions;
use host_renderer::{CtxId, Renderer};
use pv3d_tests::vtest_client::{
    busy_wait, clear_stream, create_target, get2, handshake, le, shm_bytes, start_with, submit,
    wait_idle, W,
};
use std::os::unix::fs::FileExt as _;
use std::time::{Duration, Instant};

#[test]
fn renderer_wait_timeout_sees_running_work() {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    let t = Instant::now();
    let stats = r.submit(ctx, &heavy_stream()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    assert!(!r.wait_timeout(Duration::from_millis(1)), "still running");
    assert!(r.wait_timeout(Duration::from_secs(120)), "finishes");
    eprintln!("heavy draw: {:?}", t.elapsed());
    assert_eq!(pixel(&mut r, 8, 8), [255, 0, 0, 255]);
}

/// Creates the draw_setup vertex buffer (resource 2) through vtest.
fn vertex_buffer(c: &mut ClientConnection) {
    let bytes: Vec<u8> = TRIANGLE.iter().flat_map(|v| v.to_le_bytes()).collect();
    let len = bytes.len() as u32;
    c.send_request(&Request::ResourceCreate2(ResourceCreate2 {
        handle: le(2),
        target: le(TextureTarget::BUFFER.0),
        format: le(Format::R8_UNORM.0),
        bind: le(bind::VERTEX_BUFFER),
        width: le(len),
        height: le(1),
        depth: le(1),
        array_size: le(1),
        last_level: le(0),
        nr_samples: le(0),
        data_size: le(len),
    }))
    .unwrap();
    let mut msg = c.read_reply().unwrap();
    assert_eq!(msg.frame.reply, Reply::Fd);
    let shm = std::fs::File::from(msg.fds.pop().unwrap());
    shm.write_all_at(&bytes, 0).unwrap();
    c.send_request(&Request::TransferPut2(Transfer2 {
        handle: le(2),
        level: le(0),
        x: le(0),
        y: le(0),
        z: le(0),
        width: le(len),
        height: le(1),
        depth: le(1),
        data_size: le(len),
        offset: le(0),
    }))
    .unwrap();
}

#[test]
fn serve_watchdog_drops_the_client_whose_gpu_work_runs_too_long() {
    let limit = Duration::from_millis(250);
    let (_dir, server) = start_with(|_| ServeOptions {
        gpu_timeout: limit,
        ..ServeOptions::default()
    });
    // A neighbour connected before the attack, holding a target.
    let mut calm = ClientConnection::connect(server.path(), Limits::default()).unwrap();
    handshake(&mut calm, b"calm\0");
    let calm_shm = create_target(&mut calm);

    let mut c = ClientConnection::connect(server.path(), Limits::default()).unwrap();
    handshake(&mut c, b"heavy\0");
    let _target = create_target(&mut c);
    vertex_buffer(&mut c);
    let bytes = heavy_stream();
    c.send_request(&Request::SubmitCmd(Dwords::new(&bytes).unwrap()))
        .unwrap();
    // Waiting for it: the server gives up after the limit and drops the
    // client (the wait's answer never comes, the socket closes).
    let t = Instant::now();
    c.send_request(&Request::ResourceBusyWait(ResourceBusyWait {
        handle: le(1),
        flags: le(BUSY_WAIT_FLAG_WAIT),
    }))
    .unwrap();
    assert!(c.read_reply().is_err(), "dropped instead of answered");
    let told = t.elapsed();
    assert!(told >= limit, "{told:?}");
    drop(c);

    // Once its context is gone (the clean-up lets the GPU finish), the
    // neighbour renders exactly.
    let deadline = Instant::now() + Duration::from_secs(120);
    while server.stats().clients > 1 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(server.stats().clients, 1);
    submit(&mut calm, &clear_stream([0.0, 1.0, 0.0]));
    get2(&mut calm);
    assert!(!busy_wait(&mut calm, 1, true));
    let px = shm_bytes(&calm_shm);
    assert!(px.chunks_exact(4).all(|p| p[..3] == [0, 255, 0]));
    assert_eq!(px.len(), (W * W * 4) as usize);
    drop(calm);
    let s = wait_idle(&server);
    assert_eq!((s.clients, s.resources, s.mappings), (0, 0, 0), "{s:?}");
    server.shutdown();
}
