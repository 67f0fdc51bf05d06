//! Quotas: per-client resource memory and count, per-context objects and
//! command-buffer size. Each is refused before anything is allocated, as an
//! error of that request only: the same client goes on once under the quota
//! again, and other clients (contexts) never notice. Checked on the renderer
//! (exact errors) and through a real `pv3d serve` (observable effects).

use guest_protocol::virgl::bits::{BlendFlags, BlendLogicOp, RtBlend};
use guest_protocol::virgl::enums::TextureTarget;
use guest_protocol::virgl::{Blend, Command, CreateObject, Encoder, Format, ObjectType, Surface};
use guest_protocol::vtest::{ClientConnection, Limits};
use guest_protocol::wire::Dwords;
use host_renderer::error::{CommandError, CreateResourceError, QuotaError, SubmitError};
use host_renderer::vtest::ServeOptions;
use host_renderer::{CtxId, Gpu, Quotas, Renderer, ResId, ResourceInfo};
use pv3d_tests::vtest_client::*;
use std::os::unix::fs::FileExt as _;

fn target() -> ResourceInfo {
    ResourceInfo {
        target: TextureTarget::TEXTURE_2D,
        format: Format::B8G8R8A8_UNORM,
        bind: guest_protocol::virgl::enums::bind::RENDER_TARGET,
        width: W,
        height: W,
        depth: 1,
        array_size: 1,
        last_level: 0,
        nr_samples: 0,
    }
}

fn blend(handle: u32) -> Command<'static> {
    Command::CreateObject(CreateObject::Blend(Blend {
        handle,
        flags: BlendFlags::new(),
        logicop: BlendLogicOp::new(),
        rt: [RtBlend::new(); 8],
    }))
}

fn stream(cmds: &[Command<'_>]) -> Encoder {
    let mut e = Encoder::new();
    for c in cmds {
        e.push(c).unwrap();
    }
    e
}

/// The errors a context recorded so far.
fn errors(r: &Renderer, ctx: CtxId) -> Vec<CommandError> {
    let (list, _) = r.context_errors(ctx).unwrap();
    list.iter().map(|e| e.error.clone()).collect()
}

#[test]
fn renderer_quotas_refuse_before_allocating() {
    let gpu = Gpu::new().expect("a Vulkan adapter (lavapipe) is needed for GPU tests");
    let mut r = Renderer::new(gpu);
    r.set_quotas(Quotas {
        resource_memory: 2 * 1024 + 512,
        resources: 3,
        objects_per_context: 2,
        cmdbuf_bytes: 256,
    });
    let (a, b) = (CtxId(1), CtxId(2));
    r.create_context(a, "a").unwrap();
    r.create_context(b, "b").unwrap();

    // Memory: two 1 KiB targets fit, a third does not; nothing allocated.
    r.create_resource(ResId(1), &target(), None).unwrap();
    r.create_resource(ResId(2), &target(), None).unwrap();
    let used = r.memory_used();
    assert_eq!(
        r.create_resource(ResId(3), &target(), None),
        Err(CreateResourceError::Quota {
            bytes: 1024,
            max: 512
        })
    );
    assert_eq!(r.memory_used(), used);
    // Count: a tiny buffer fits the memory but is the fourth resource.
    let small = ResourceInfo {
        target: TextureTarget::BUFFER,
        format: Format::R8_UNORM,
        width: 4,
        height: 1,
        ..target()
    };
    r.create_resource(ResId(3), &small, None).unwrap();
    assert_eq!(
        r.create_resource(ResId(4), &small, None),
        Err(CreateResourceError::TooMany { max: 3 })
    );
    // Freed resources give their quota back.
    r.unref_resource(ResId(2)).unwrap();
    r.create_resource(ResId(2), &target(), None).unwrap();

    // Objects: two per context; the third is refused, replacing one is not,
    // and context b has its own two.
    r.attach_resource(a, ResId(1)).unwrap();
    let s = r
        .submit(
            a,
            stream(&[blend(5), blend(6), blend(7), blend(6)]).as_bytes(),
        )
        .unwrap();
    assert_eq!(s.errors, 1);
    assert_eq!(
        errors(&r, a),
        vec![CommandError::Quota(QuotaError::ObjectsPerContext {
            max: 2
        })]
    );
    // Sub-contexts share the context's quota.
    let s = r
        .submit(
            a,
            stream(&[Command::CreateSubCtx(3), Command::SetSubCtx(3), blend(8)]).as_bytes(),
        )
        .unwrap();
    assert_eq!(s.errors, 1);
    let s = r
        .submit(b, stream(&[blend(5), blend(6)]).as_bytes())
        .unwrap();
    assert_eq!(s.errors, 0, "{:?}", errors(&r, b));
    // Once under the quota again, creation works.
    let s = r
        .submit(
            a,
            stream(&[
                Command::SetSubCtx(0),
                Command::DestroyObject {
                    object_type: ObjectType::BLEND,
                    handle: 5,
                },
                Command::CreateObject(CreateObject::Surface(Surface {
                    handle: 9,
                    res: 1,
                    format: Format::B8G8R8A8_UNORM,
                    range0: 0,
                    range1: 0,
                })),
            ])
            .as_bytes(),
        )
        .unwrap();
    assert_eq!(s.errors, 0, "{:?}", errors(&r, a));

    // Command buffers: over 256 bytes is refused unexecuted, recorded
    // against that context only.
    let before = errors(&r, a).len();
    let pad = [0u8; 256];
    let big = stream(&[
        Command::SetSubCtx(0),
        Command::Nop(Dwords::new(&pad).unwrap()),
    ]);
    assert_eq!(
        r.submit(a, big.as_bytes()),
        Err(SubmitError::TooLarge {
            bytes: big.as_bytes().len(),
            max: 256
        })
    );
    assert_eq!(errors(&r, a).len(), before + 1);
    assert_eq!(errors(&r, b), vec![]);
    assert!(r
        .submit(b, stream(&[Command::SetSubCtx(0)]).as_bytes())
        .is_ok());
    assert!(r.gpu().take_uncaptured().is_empty());
}

/// A client session against a server with `quotas`, then a well-behaved
/// client on the same server.
fn with_server(quotas: Quotas, hostile: impl FnOnce(&mut ClientConnection)) {
    let (_dir, server) = start_with(|_| ServeOptions {
        quotas,
        ..ServeOptions::default()
    });
    let mut c = ClientConnection::connect(server.path(), Limits::default()).unwrap();
    handshake(&mut c, b"over-quota\0");
    hostile(&mut c);
    // The hostile client is still connected and served.
    assert!(!busy_wait(&mut c, 0, true));
    assert_eq!(server.stats().clients, 1);
    client_session(server.path(), [0.0, 0.0, 1.0], [255, 0, 0], "neighbour");
    drop(c);
    let s = wait_idle(&server);
    assert_eq!((s.clients, s.resources, s.mappings), (0, 0, 0), "{s:?}");
    server.shutdown();
}

/// Clears `res` green and reads it back into `shm`: true if it turned green.
fn clears(c: &mut ClientConnection, res: u32, shm: &std::fs::File, pad: usize) -> bool {
    shm.write_all_at(&vec![0u8; SIZE as usize], 0).unwrap();
    let mut e = clear_stream_on(res, [0.0, 1.0, 0.0]);
    // NOPs of at most 65535 dwords each (the header's length field).
    let zeros = vec![0u8; 4 << 15];
    let mut left = pad;
    while left > 0 {
        let n = left.min(zeros.len());
        e.push(&Command::Nop(Dwords::new(&zeros[..n]).unwrap()))
            .unwrap();
        left -= n;
    }
    submit(c, &e);
    get2_of(c, res);
    assert!(!busy_wait(c, res, true));
    shm_bytes(shm)
        .chunks_exact(4)
        .all(|px| px[..3] == [0, 255, 0])
}

#[test]
fn serve_memory_quota_is_per_client() {
    let quotas = Quotas {
        resource_memory: 1024 + 512,
        ..Quotas::DEFAULT
    };
    with_server(quotas, |c| {
        let first = create_target_as(c, 1);
        // Over the quota: the shm still comes (the client blocks on it) but
        // the resource does not exist; clearing it changes nothing.
        let second = create_target_as(c, 2);
        assert!(clears(c, 1, &first, 0));
        assert!(!clears(c, 2, &second, 0));
    });
}

#[test]
fn serve_object_quota_is_per_context() {
    let quotas = Quotas {
        objects_per_context: 2,
        ..Quotas::DEFAULT
    };
    with_server(quotas, |c| {
        let shm = create_target(c);
        // Two blends fill the quota: the clear's surface is refused.
        submit(c, &stream(&[blend(5), blend(6)]));
        assert!(!clears(c, HANDLE, &shm, 0));
        // One destroyed: the surface fits and the clear works.
        submit(
            c,
            &stream(&[
                Command::SetSubCtx(0),
                Command::DestroyObject {
                    object_type: ObjectType::BLEND,
                    handle: 5,
                },
            ]),
        );
        assert!(clears(c, HANDLE, &shm, 0));
    });
}

#[test]
fn serve_command_buffer_quota_is_per_context() {
    let quotas = Quotas {
        cmdbuf_bytes: 1024,
        ..Quotas::DEFAULT
    };
    with_server(quotas, |c| {
        let shm = create_target(c);
        assert!(!clears(c, HANDLE, &shm, 1024));
        assert!(clears(c, HANDLE, &shm, 0));
    });
    // A quota above Mesa's largest buffer lets larger buffers through.
    let quotas = Quotas {
        cmdbuf_bytes: 1 << 20,
        ..Quotas::DEFAULT
    };
    with_server(quotas, |c| {
        let shm = create_target(c);
        assert!(clears(c, HANDLE, &shm, 512 << 10));
    });
}
