//! The virtio-gpu device model against [`NullRenderer`]: requests in through
//! the guest driver and the split rings of the in-process harness, the
//! renderer calls they became, and the reply codes out. No GPU needed.

use super::harness::{Harness, HarnessHal};
use super::DeviceConfig;
use crate::null::{Call, CallLog};
use crate::wire::{region, resource_create_3d, transfer_host_3d};
use crate::{CtxId, NullRenderer, ResId, ResourceInfo, TransferBox};
use guest_protocol::le::Le32;
use guest_protocol::virgl::enums::TextureTarget;
use guest_protocol::virgl::{Command, Encoder, Format};
use guest_protocol::virtio_gpu::driver::{DmaBuffer, DriverError};
use guest_protocol::virtio_gpu::{
    CapsetId, CtrlHdr, CtrlType, GetCapset, GpuCommand, GpuResponse, Rect, ResourceFlush,
    SetScanout,
};
use std::sync::atomic::Ordering;

const OK: CtrlType = CtrlType::RESP_OK_NODATA;

fn harness() -> (Harness, CallLog) {
    let r = NullRenderer::default();
    let log = r.log();
    let h = Harness::with_renderer(r, DeviceConfig::default()).expect("harness");
    (h, log)
}

/// The reply type a driver call got.
fn code(r: Result<(), DriverError>) -> CtrlType {
    match r {
        Ok(()) => OK,
        Err(DriverError::Response { resp, .. }) => resp,
        Err(e) => panic!("{e}"),
    }
}

/// The calls, fences left out (the device creates one per fenced request).
fn calls(log: &CallLog) -> Vec<Call> {
    log.take()
        .into_iter()
        .filter(|c| !matches!(c, Call::CreateFence(_)))
        .collect()
}

fn texture(width: u32, height: u32) -> ResourceInfo {
    ResourceInfo {
        target: TextureTarget::TEXTURE_2D,
        format: Format::B8G8R8A8_UNORM,
        bind: 0,
        width,
        height,
        depth: 1,
        array_size: 1,
        last_level: 0,
        nr_samples: 0,
    }
}

fn rect(w: u32, h: u32) -> Rect {
    Rect {
        x: Le32::new(0),
        y: Le32::new(0),
        width: Le32::new(w),
        height: Le32::new(h),
    }
}

#[test]
fn requests_become_renderer_calls() {
    let (mut h, log) = harness();
    let d = &mut h.driver;
    let info = texture(16, 8);
    let pages = DmaBuffer::<HarnessHal>::new(512).unwrap();
    let t = TransferBox {
        level: 0,
        region: region(0, 0, 0, 16, 8, 1),
        stride: 64,
        layer_stride: 0,
        offset: 0,
    };
    let mut e = Encoder::new();
    e.push(&Command::CreateSubCtx(1)).unwrap();
    assert_eq!(code(d.ctx_create(3, CapsetId::VIRGL2.0, b"guest")), OK);
    assert_eq!(
        code(d.resource_create_3d(&resource_create_3d(ResId(5), &info))),
        OK
    );
    assert_eq!(code(d.attach_backing(5, &[pages.entry()])), OK);
    assert_eq!(code(d.ctx_resource(3, 5, true)), OK);
    assert_eq!(
        code(d.transfer_3d(3, &transfer_host_3d(ResId(5), &t), true)),
        OK
    );
    assert_eq!(
        code(d.transfer_3d(3, &transfer_host_3d(ResId(5), &t), false)),
        OK
    );
    assert_eq!(code(d.submit_3d(3, e.as_bytes())), OK);
    assert_eq!(code(d.ctx_resource(3, 5, false)), OK);
    assert_eq!(code(d.detach_backing(5)), OK);
    assert_eq!(code(d.resource_unref(5)), OK);
    assert_eq!(code(d.ctx_destroy(3)), OK);
    assert_eq!(
        calls(&log),
        vec![
            Call::CreateContext {
                ctx: CtxId(3),
                name: "guest".into()
            },
            Call::CreateResource {
                id: ResId(5),
                info,
                backing: None
            },
            Call::SetBacking {
                id: ResId(5),
                backing: Some(512)
            },
            Call::AttachResource {
                ctx: CtxId(3),
                id: ResId(5)
            },
            Call::TransferIn {
                id: ResId(5),
                t,
                given: false
            },
            Call::TransferOut {
                id: ResId(5),
                t,
                given: false
            },
            Call::Submit {
                ctx: CtxId(3),
                commands: e.as_bytes().to_vec()
            },
            Call::DetachResource {
                ctx: CtxId(3),
                id: ResId(5)
            },
            Call::SetBacking {
                id: ResId(5),
                backing: None
            },
            Call::UnrefResource(ResId(5)),
            Call::DestroyContext(CtxId(3)),
        ]
    );
    let stats = h.stats();
    assert_eq!(stats.submits.load(Ordering::Relaxed), 1);
    assert_eq!(stats.commands.load(Ordering::Relaxed), 1);
    assert_eq!(stats.errors.load(Ordering::Relaxed), 0);
}

#[test]
fn renderer_answers_become_error_codes() {
    let (mut h, log) = harness();
    let d = &mut h.driver;
    let info = texture(4, 4);
    let t = TransferBox {
        level: 0,
        region: region(0, 0, 0, 4, 4, 1),
        stride: 0,
        layer_stride: 0,
        offset: 0,
    };
    assert_eq!(code(d.ctx_create(3, 0, b"")), OK);
    assert_eq!(
        code(d.ctx_create(3, 0, b"")),
        CtrlType::RESP_ERR_INVALID_CONTEXT_ID
    );
    // Context 0 is the transport's to refuse; the renderer never sees it.
    assert_eq!(
        code(d.ctx_create(0, 0, b"")),
        CtrlType::RESP_ERR_INVALID_CONTEXT_ID
    );
    assert_eq!(
        code(d.ctx_create(4, 7, b"")),
        CtrlType::RESP_ERR_INVALID_PARAMETER
    );
    let create = |d: &mut super::harness::HarnessDriver, id| {
        code(d.resource_create_3d(&resource_create_3d(ResId(id), &info)))
    };
    assert_eq!(create(d, 0), CtrlType::RESP_ERR_INVALID_RESOURCE_ID);
    assert_eq!(create(d, 5), OK);
    assert_eq!(create(d, 5), CtrlType::RESP_ERR_INVALID_RESOURCE_ID);
    assert_eq!(
        code(d.resource_unref(77)),
        CtrlType::RESP_ERR_INVALID_RESOURCE_ID
    );
    assert_eq!(
        code(d.detach_backing(77)),
        CtrlType::RESP_ERR_INVALID_RESOURCE_ID
    );
    // An unknown context is reported before an unknown resource.
    assert_eq!(
        code(d.ctx_resource(9, 77, true)),
        CtrlType::RESP_ERR_INVALID_CONTEXT_ID
    );
    assert_eq!(
        code(d.ctx_resource(3, 77, true)),
        CtrlType::RESP_ERR_INVALID_RESOURCE_ID
    );
    assert_eq!(
        code(d.ctx_resource(3, 77, false)),
        CtrlType::RESP_ERR_INVALID_RESOURCE_ID
    );
    assert_eq!(
        code(d.transfer_3d(3, &transfer_host_3d(ResId(77), &t), true)),
        CtrlType::RESP_ERR_INVALID_RESOURCE_ID
    );
    // No backing attached: nothing to transfer from.
    assert_eq!(
        code(d.transfer_3d(3, &transfer_host_3d(ResId(5), &t), true)),
        CtrlType::RESP_ERR_UNSPEC
    );
    assert_eq!(
        code(d.submit_3d(9, &[])),
        CtrlType::RESP_ERR_INVALID_CONTEXT_ID
    );
    // An undecodable buffer is answered OK (as QEMU does); it is only logged.
    assert_eq!(code(d.submit_3d(3, &[0xff; 4])), OK);
    assert_eq!(
        code(d.ctx_destroy(9)),
        CtrlType::RESP_ERR_INVALID_CONTEXT_ID
    );
    let calls = calls(&log);
    // Context 0 and the unknown capset were refused before the renderer.
    assert!(!calls
        .iter()
        .any(|c| matches!(c, Call::CreateContext { ctx, .. } if ctx.0 != 3)));
    assert!(calls.contains(&Call::UnrefResource(ResId(77))));
    assert!(calls.contains(&Call::DestroyContext(CtxId(9))));
    let stats = h.stats();
    assert_eq!(stats.errors.load(Ordering::Relaxed), 14);
    assert_eq!(stats.submits.load(Ordering::Relaxed), 1);
    assert_eq!(stats.commands.load(Ordering::Relaxed), 0);
}

#[test]
fn capsets_and_frames_come_from_the_renderer() {
    let (mut h, log) = harness();
    let d = &mut h.driver;
    assert_eq!(d.capset_info(1).unwrap(), (CapsetId::VIRGL2, 2, 1376));
    let caps = d.capset(CapsetId::VIRGL2, 2, 1376).unwrap();
    assert!(caps.len() == 1376 && caps.iter().all(|b| *b == 0));
    // A reply that does not fit the driver's buffer is refused whole.
    let c = GetCapset {
        hdr: d.header(0, false, None),
        capset_id: Le32::new(CapsetId::VIRGL2.0),
        capset_version: Le32::new(2),
    };
    let ticket = d
        .send(&GpuCommand::GetCapset(&c), size_of::<CtrlHdr>() + 64)
        .unwrap();
    let reply = d.wait(ticket).unwrap();
    assert!(matches!(
        reply.response().unwrap().1,
        GpuResponse::ErrInvalidParameter
    ));

    let info = texture(32, 16);
    assert_eq!(
        code(d.resource_create_3d(&resource_create_3d(ResId(2), &info))),
        OK
    );
    let scanout = SetScanout {
        hdr: d.header(0, false, None),
        r: rect(32, 16),
        scanout_id: Le32::new(0),
        resource_id: Le32::new(2),
    };
    assert_eq!(
        code(
            d.call(&GpuCommand::SetScanout(&scanout), size_of::<CtrlHdr>())
                .and_then(|r| r.ok())
        ),
        OK
    );
    let flush = ResourceFlush {
        hdr: d.header(0, false, None),
        r: rect(8, 8),
        resource_id: Le32::new(2),
        padding: Le32::new(0),
    };
    assert_eq!(
        code(
            d.call(&GpuCommand::ResourceFlush(&flush), size_of::<CtrlHdr>())
                .and_then(|r| r.ok())
        ),
        OK
    );
    let frame = h.take_frame().expect("a frame");
    assert_eq!(
        (frame.resource_id, frame.rect, frame.source),
        (2, (0, 0, 8, 8), (0, 0, 32, 16))
    );
    assert_eq!((frame.image.width, frame.image.height), (32, 16));
    assert!(calls(&log).contains(&Call::ReadImage(ResId(2))));
    assert_eq!(h.stats().errors.load(Ordering::Relaxed), 1);
}
