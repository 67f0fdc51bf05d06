//! The historic attack classes as crafted vtest messages through a real
//! (in-process) `pv3d serve`: transfers past a client's shared memory, caps
//! replies of exactly the advertised size, hostile lengths and sizes. After
//! each the attacker is either still served or dropped with a logged reason,
//! the server keeps serving a neighbour, and every counter returns to idle.

use guest_protocol::virgl::enums::{bind, TextureTarget};
use guest_protocol::virgl::Format;
use guest_protocol::vtest::{
    ClientConnection, Limits, Reply, Request, ResourceCreate2, Transfer2, VCmd,
};
use host_renderer::vtest::{ServeOptions, ServerHandle};
use host_renderer::RendererBackend;
use pv3d_tests::vtest_client::*;
use std::io::{Read as _, Write as _};
use std::os::unix::fs::FileExt as _;
use std::os::unix::net::UnixStream;
use std::time::Duration;

/// A neighbour renders exactly, then everything is back to idle.
fn neighbour_and_idle(server: &ServerHandle) {
    client_session(server.path(), [1.0, 0.0, 0.0], [0, 0, 255], "neighbour");
    let s = wait_idle(server);
    assert_eq!((s.clients, s.resources, s.mappings), (0, 0, 0), "{s:?}");
}

fn transfer2(handle: u32, w: u32, h: u32, offset: u32) -> Transfer2 {
    Transfer2 {
        handle: le(handle),
        level: le(0),
        x: le(0),
        y: le(0),
        z: le(0),
        width: le(w),
        height: le(h),
        depth: le(1),
        data_size: le(0),
        offset: le(offset),
    }
}

/// CVE class: out-of-bounds write/read of guest memory in transfers (a
/// resource whose shared memory is smaller than its level, offsets and boxes
/// past it).
#[test]
fn vtest_transfers_past_the_shared_memory_are_refused() {
    let (_dir, server) = start();
    let mut c = ClientConnection::connect(server.path(), Limits::default()).unwrap();
    handshake(&mut c, b"short-shm\0");
    // A 16×16 BGRX target (1024 bytes) with only 64 bytes of shm.
    c.send_request(&Request::ResourceCreate2(ResourceCreate2 {
        handle: le(1),
        target: le(TextureTarget::TEXTURE_2D.0),
        format: le(Format::B8G8R8X8_UNORM.0),
        bind: le(bind::RENDER_TARGET | bind::SAMPLER_VIEW),
        width: le(W),
        height: le(W),
        depth: le(1),
        array_size: le(1),
        last_level: le(0),
        nr_samples: le(0),
        data_size: le(64),
    }))
    .unwrap();
    let mut msg = c.read_reply().unwrap();
    assert_eq!(msg.frame.reply, Reply::Fd);
    let shm = std::fs::File::from(msg.fds.pop().unwrap());
    shm.write_all_at(&[0xab; 64], 0).unwrap();
    submit(&mut c, &clear_stream([0.0, 1.0, 0.0]));
    for t in [
        transfer2(1, W, W, 0),
        transfer2(1, 1, 1, 64),
        transfer2(1, 1, 1, u32::MAX),
        transfer2(1, u32::MAX, 1, 0),
        transfer2(7, 1, 1, 0),
    ] {
        c.send_request(&Request::TransferGet2(t)).unwrap();
        c.send_request(&Request::TransferPut2(t)).unwrap();
    }
    // Still served; the shm kept its size and was not written by the
    // refused read-backs.
    assert!(!busy_wait(&mut c, 1, true));
    assert_eq!(shm.metadata().unwrap().len(), 64);
    let mut bytes = [0u8; 64];
    shm.read_exact_at(&mut bytes, 0).unwrap();
    assert_eq!(bytes, [0xab; 64]);
    // A box that fits the 64 bytes reads back the clear.
    c.send_request(&Request::TransferGet2(transfer2(1, W, 1, 0)))
        .unwrap();
    assert!(!busy_wait(&mut c, 1, true));
    shm.read_exact_at(&mut bytes, 0).unwrap();
    assert!(bytes.chunks_exact(4).all(|px| px[..3] == [0, 255, 0]));
    drop(c);
    neighbour_and_idle(&server);
    server.shutdown();
}

/// CVE class: caps buffers smaller than asked (a caps blob copied into a
/// buffer sized for another version).
#[test]
fn vtest_caps_replies_are_exactly_their_size() {
    let (_dir, server) = start();
    let mut c = ClientConnection::connect(server.path(), Limits::default()).unwrap();
    // The handshake checks both replies decode; here the exact sizes.
    handshake(&mut c, b"caps\0");
    for (req, len) in [(Request::GetCaps, 308usize), (Request::GetCaps2, 1376)] {
        c.send_request(&req).unwrap();
        match c.read_reply().unwrap().frame.reply {
            Reply::Caps { caps, .. } => assert_eq!(caps.len(), len),
            other => panic!("{other:?}"),
        }
    }
    // The renderer answers only the sets it has, each whole.
    let gpu = host_renderer::Gpu::new().unwrap();
    let r = host_renderer::Renderer::new(gpu);
    for id in [0, 3, 4, u32::MAX] {
        assert!(r.capset(id).is_none(), "capset {id}");
    }
    assert_eq!(r.capset(1).map(|c| c.len()), Some(308));
    assert_eq!(r.capset(2).map(|c| c.len()), Some(1376));
    // A GET_CAPS whose header claims 2^30 dwords: the length of a bodiless
    // command is ignored (as the reference does), the answer is still the
    // whole 308-byte blob and nothing is read past the header.
    let raw: &UnixStream = c.socket().get_ref();
    let mut bad = Vec::new();
    bad.extend_from_slice(&0x4000_0000u32.to_le_bytes());
    bad.extend_from_slice(&VCmd::GET_CAPS.0.to_le_bytes());
    (&*raw).write_all(&bad).unwrap();
    let mut reply = [0u8; 8 + 308];
    (&*raw).read_exact(&mut reply).unwrap();
    assert_eq!(&reply[..8], &[53, 1, 0, 0, 1, 0, 0, 0], "{{309, 1}}");
    assert!(!busy_wait(&mut c, 0, false));
    drop(c);
    neighbour_and_idle(&server);
    server.shutdown();
}

/// CVE class: allocations from guest sizes (shared memory past the quota,
/// a SUBMIT_CMD length past the limit, TRANSFER_GET of 4 GiB): the client
/// is dropped before anything is allocated.
#[test]
fn vtest_hostile_sizes_drop_only_that_client() {
    let (_dir, server) = start_with(|_| ServeOptions {
        shm_quota: 1 << 20,
        ..ServeOptions::default()
    });
    let messages: [&[u32]; 3] = [
        // RESOURCE_CREATE2 of a buffer with 2 MiB of shm (quota 1 MiB).
        &[11, 12, 2, 0, 64, 16, 1 << 21, 1, 1, 1, 0, 0, 1 << 21],
        // SUBMIT_CMD of 2^30 dwords.
        &[1 << 30, 6],
        // TRANSFER_GET asking for 4 GiB - 1 of answer.
        &[11, 4, 1, 0, 0, 0, 0, 0, 0, 16, 16, 1, u32::MAX],
    ];
    for words in messages {
        let mut c = ClientConnection::connect(server.path(), Limits::default()).unwrap();
        handshake(&mut c, b"sizes\0");
        let raw: &UnixStream = c.socket().get_ref();
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        (&*raw).write_all(&bytes).unwrap();
        raw.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut rest = Vec::new();
        let _ = (&*raw).read_to_end(&mut rest);
        assert!(rest.is_empty(), "{words:?}: {rest:?}");
        neighbour_and_idle(&server);
    }
    server.shutdown();
}
