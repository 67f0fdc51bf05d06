//! `pv3d serve` in-process: a server on a socket in a private temp dir, driven
//! with guest_protocol's `ClientConnection` as Mesa drives it: handshake,
//! RESOURCE_CREATE2 with its memfd, a cleared frame read back with
//! TRANSFER_GET2 into the shm, an encoded transfer, busy-waits, unref, a
//! disconnect in the middle of a message, and two clients at once with the
//! same handles.

use guest_protocol::vtest::{ClientConnection, Limits, Request};
use host_renderer::vtest::{ServeOptions, Server};
use host_renderer::Gpu;
use pv3d_tests::vtest_client::*;
use std::io::Write as _;
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Barrier};

#[test]
fn serve_one_client_frames_transfers_and_cleanup() {
    let (_dir, server) = start();
    client_session(server.path(), [1.0, 0.0, 0.0], [0, 0, 255], "red");
    let s = wait_idle(&server);
    assert_eq!((s.clients, s.resources, s.mappings), (0, 0, 0), "{s:?}");
    assert_eq!(s.served, 1);
    server.shutdown();
}

#[test]
fn serve_cleans_up_after_a_disconnect_mid_message() {
    let (_dir, server) = start();
    let mut c = ClientConnection::connect(server.path(), Limits::default()).unwrap();
    handshake(&mut c, b"quitter\0");
    let _shm = create_target(&mut c);
    submit(&mut c, &clear_stream([0.0, 1.0, 0.0]));
    // A round trip: everything before it was handled.
    let _ = busy_wait(&mut c, HANDLE, false);
    let live = server.stats();
    assert_eq!(
        (live.clients, live.resources, live.mappings),
        (1, 1, 1),
        "{live:?}"
    );
    // Half a SUBMIT_CMD: header for 100 dwords, 3 of them sent.
    let raw: &UnixStream = c.socket().get_ref();
    let mut half = Vec::new();
    half.extend_from_slice(&100u32.to_le_bytes());
    half.extend_from_slice(&6u32.to_le_bytes());
    half.extend_from_slice(&[0u8; 12]);
    (&*raw).write_all(&half).unwrap();
    drop(c);
    let s = wait_idle(&server);
    assert_eq!((s.clients, s.resources, s.mappings), (0, 0, 0), "{s:?}");
    server.shutdown();
}

#[test]
fn serve_two_clients_at_once_with_the_same_handles() {
    let (_dir, server) = start();
    let path = Arc::new(server.path().to_owned());
    let barrier = Arc::new(Barrier::new(2));
    let clients: Vec<_> = [
        ([0.0f32, 0.0, 1.0], [255u8, 0, 0], "blue"),
        ([0.0, 1.0, 0.0], [0, 255, 0], "green"),
    ]
    .into_iter()
    .map(|(rgb, bgr, who)| {
        let (path, barrier) = (Arc::clone(&path), Arc::clone(&barrier));
        std::thread::spawn(move || {
            barrier.wait();
            for _ in 0..3 {
                client_session(&path, rgb, bgr, who);
            }
        })
    })
    .collect();
    for t in clients {
        t.join().unwrap();
    }
    let s = wait_idle(&server);
    assert_eq!((s.clients, s.resources, s.mappings), (0, 0, 0), "{s:?}");
    assert_eq!(s.served, 6);
    server.shutdown();
}

#[test]
fn serve_refuses_a_socket_in_use_and_replaces_a_stale_one() {
    let (dir, server) = start();
    let gpu = Gpu::new().unwrap();
    let err = Server::bind(server.path(), Arc::clone(&gpu), ServeOptions::default()).unwrap_err();
    assert!(err.to_string().contains("in use"), "{err}");
    // A socket file nobody listens on is taken over.
    let stale = dir.path().join("stale.sock");
    drop(std::os::unix::net::UnixListener::bind(&stale).unwrap());
    let again = Server::bind(&stale, Arc::clone(&gpu), ServeOptions::default()).unwrap();
    drop(again);
    // A regular file is left alone.
    let file = dir.path().join("file");
    std::fs::write(&file, b"x").unwrap();
    let err = Server::bind(&file, gpu, ServeOptions::default()).unwrap_err();
    assert!(err.to_string().contains("not a socket"), "{err}");
    server.shutdown();
}

#[test]
fn serve_drops_a_client_that_skips_create_renderer() {
    let (_dir, server) = start();
    let mut c = ClientConnection::connect(server.path(), Limits::default()).unwrap();
    c.send_request(&Request::PingProtocolVersion).unwrap();
    assert!(c.read_reply().is_err(), "the server hangs up");
    let s = wait_idle(&server);
    assert_eq!(s.clients, 0);
    server.shutdown();
}

/// A newer Mesa (≥ 23) asks for protocol 3 and uses it only from a host whose
/// caps say `host_feature_check_version ≥ 23`; ours agrees to 2 (we implement
/// v0–2 and say so), and that Mesa then runs the v2 path.
#[test]
fn serve_answers_a_newer_mesa_asking_for_protocol_3_with_2() {
    use guest_protocol::vtest::{CreateRenderer, ProtocolVersion, Reply};
    let (_dir, server) = start();
    let mut c = ClientConnection::connect(server.path(), Limits::default()).unwrap();
    c.send_request(&Request::CreateRenderer(CreateRenderer { name: b"newer" }))
        .unwrap();
    c.send_request(&Request::ProtocolVersion(ProtocolVersion {
        version: le(3),
    }))
    .unwrap();
    match c.read_reply().unwrap().frame.reply {
        Reply::ProtocolVersion(v) => assert_eq!(v.version.get(), 2),
        other => panic!("{other:?}"),
    }
    // The v2 path works after it: a shm-backed resource and a cleared frame.
    let shm = create_target(&mut c);
    submit(&mut c, &clear_stream([0.0, 1.0, 0.0]));
    get2(&mut c);
    assert!(!busy_wait(&mut c, 1, true));
    assert_pixels(&shm_bytes(&shm), 0..16, [0, 255, 0], "v2 after asking 3");
    drop(c);
    let s = wait_idle(&server);
    assert_eq!((s.clients, s.resources, s.mappings), (0, 0, 0), "{s:?}");
    server.shutdown();
}
