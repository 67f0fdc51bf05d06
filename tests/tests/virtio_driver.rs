//! The guest driver against the device through the in-process harness:
//! capsets, contexts, resources, backing pages, transfers, submits, fences
//! and scanout frames, all over split rings in the shared guest RAM.

use guest_protocol::le::{Le32, Le64};
use guest_protocol::virgl::enums::bind;
use guest_protocol::virgl::{Box3, Format};
use guest_protocol::virtio_gpu::driver::{DmaBuffer, DriverError};
use guest_protocol::virtio_gpu::*;
use host_renderer::virtio::harness::{Harness, HarnessHal};
use host_renderer::virtio::DeviceConfig;
use host_renderer::Gpu;

fn harness() -> Harness {
    let gpu = Gpu::new().expect("a Vulkan adapter (lavapipe) is needed for GPU tests");
    Harness::start(gpu, DeviceConfig::default()).expect("harness")
}

/// A RESOURCE_CREATE_3D of a `width`-byte buffer (header filled by the driver).
pub fn buffer_resource(id: u32, width: u32) -> ResourceCreate3d {
    ResourceCreate3d {
        resource_id: Le32::new(id),
        target: Le32::new(0),
        format: Le32::new(Format::R8_UNORM.0),
        bind: Le32::new(bind::VERTEX_BUFFER),
        width: Le32::new(width),
        height: Le32::new(1),
        depth: Le32::new(1),
        array_size: Le32::new(1),
        ..ResourceCreate3d::default()
    }
}

/// A transfer of bytes `x..x+w` of a buffer, at `offset` in its backing.
pub fn buffer_transfer(id: u32, x: u32, w: u32, offset: u64) -> TransferHost3d {
    TransferHost3d {
        box_: Box3d {
            x: Le32::new(x),
            y: Le32::new(0),
            z: Le32::new(0),
            w: Le32::new(w),
            h: Le32::new(1),
            d: Le32::new(1),
        },
        offset: Le64::new(offset),
        resource_id: Le32::new(id),
        ..TransferHost3d::default()
    }
}

#[test]
fn capsets_and_display() {
    let mut h = harness();
    let d = &mut h.driver;
    assert_ne!(d.features() & 1 << F_VIRGL, 0);
    assert_eq!(d.num_capsets(), 2);
    let (id, version, size) = d.capset_info(1).unwrap();
    assert_eq!((id, version), (CapsetId::VIRGL2, 2));
    let caps = d.capset(id, 2, size).unwrap();
    assert_eq!(caps.len(), size as usize);
    // virgl_caps_v2 starts with max_version = 2.
    assert_eq!(caps.get(..4), Some(&2u32.to_le_bytes()[..]));
    let (id, _, size1) = d.capset_info(0).unwrap();
    assert_eq!(id, CapsetId::VIRGL);
    assert_eq!(d.capset(id, 1, size1).unwrap().len(), size1 as usize);
    let modes = d.display_info().unwrap();
    assert_eq!(modes[0].enabled.get(), 1);
    assert_eq!(modes[0].r.width.get(), 1024);
}

#[test]
fn buffer_round_trip_through_backing_pages() {
    let mut h = harness();
    let d = &mut h.driver;
    d.ctx_create(1, 2, b"round-trip").unwrap();
    d.resource_create_3d(&buffer_resource(7, 8192)).unwrap();
    let backing = DmaBuffer::<HarnessHal>::new(8192).unwrap();
    let pattern: Vec<u8> = (0..8192u32).map(|i| (i * 7 % 251) as u8).collect();
    assert!(backing.write(0, &pattern));
    d.attach_backing(7, &[backing.entry()]).unwrap();
    d.ctx_resource(1, 7, true).unwrap();
    d.transfer_3d(1, &buffer_transfer(7, 0, 8192, 0), true)
        .unwrap();
    assert!(backing.write(0, &[0; 8192]));
    d.transfer_3d(1, &buffer_transfer(7, 100, 1000, 100), false)
        .unwrap();
    let mut out = vec![0u8; 8192];
    assert!(backing.read(0, &mut out));
    assert_eq!(&out[100..1100], &pattern[100..1100]);
    assert!(out[..100].iter().all(|&b| b == 0));
    d.submit_3d(1, &[]).unwrap();
    d.ctx_resource(1, 7, false).unwrap();
    d.resource_unref(7).unwrap();
    d.ctx_destroy(1).unwrap();
    assert!(matches!(
        d.ctx_destroy(1),
        Err(DriverError::Response {
            resp: CtrlType::RESP_ERR_INVALID_CONTEXT_ID,
            ..
        })
    ));
}

fn rect(w: u32, h: u32) -> Rect {
    Rect {
        x: Le32::new(0),
        y: Le32::new(0),
        width: Le32::new(w),
        height: Le32::new(h),
    }
}

/// The kernel's KMS path: a 2D resource filled through TRANSFER_TO_HOST_2D,
/// scanned out and flushed; the VMM gets the frame.
#[test]
fn scanout_flush_gives_the_vmm_a_frame() {
    let mut h = harness();
    let (w, ht) = (64u32, 32u32);
    let d = &mut h.driver;
    let create = ResourceCreate2d {
        hdr: d.header(0, false, None),
        resource_id: Le32::new(5),
        format: Le32::new(Format::B8G8R8A8_UNORM.0),
        width: Le32::new(w),
        height: Le32::new(ht),
    };
    d.call(&GpuCommand::ResourceCreate2d(&create), 24)
        .unwrap()
        .ok()
        .unwrap();
    let pixels: Vec<u8> = (0..w * ht)
        .flat_map(|i| [(i % w) as u8, (i / w) as u8, 0x80, 0xff])
        .collect();
    let backing = DmaBuffer::<HarnessHal>::new(pixels.len()).unwrap();
    assert!(backing.write(0, &pixels));
    d.attach_backing(5, &[backing.entry()]).unwrap();
    let upload = TransferToHost2d {
        hdr: d.header(0, true, None),
        r: rect(w, ht),
        offset: Le64::new(0),
        resource_id: Le32::new(5),
        padding: Le32::new(0),
    };
    d.call(&GpuCommand::TransferToHost2d(&upload), 24)
        .unwrap()
        .ok()
        .unwrap();
    let scanout = |d: &mut host_renderer::virtio::harness::HarnessDriver, id: u32, r: Rect| {
        let c = SetScanout {
            hdr: d.header(0, false, None),
            r,
            scanout_id: Le32::new(id),
            resource_id: Le32::new(5),
        };
        d.call(&GpuCommand::SetScanout(&c), 24).unwrap().ok()
    };
    assert!(matches!(
        scanout(d, 3, rect(w, ht)),
        Err(DriverError::Response {
            resp: CtrlType::RESP_ERR_INVALID_SCANOUT_ID,
            ..
        })
    ));
    assert!(matches!(
        scanout(d, 0, rect(w + 1, ht)),
        Err(DriverError::Response {
            resp: CtrlType::RESP_ERR_INVALID_PARAMETER,
            ..
        })
    ));
    scanout(d, 0, rect(w, ht)).unwrap();
    let flush = ResourceFlush {
        hdr: d.header(0, false, None),
        r: rect(w, ht),
        resource_id: Le32::new(5),
        padding: Le32::new(0),
    };
    d.call(&GpuCommand::ResourceFlush(&flush), 24)
        .unwrap()
        .ok()
        .unwrap();
    let frame = h.take_frame().expect("a frame");
    assert_eq!((frame.scanout, frame.resource_id), (0, 5));
    assert_eq!((frame.image.width, frame.image.height), (w, ht));
    assert_eq!(frame.image.data, pixels);
    assert!(h.take_frame().is_none(), "one flush, one frame");

    let d = &mut h.driver;
    let edid = GetEdid {
        hdr: d.header(0, false, None),
        scanout: Le32::new(0),
        padding: Le32::new(0),
    };
    let r = d.call(&GpuCommand::GetEdid(&edid), 1056).unwrap();
    match r.response().unwrap() {
        (_, GpuResponse::OkEdid(e)) => {
            assert_eq!(e.len(), 128);
            assert_eq!(
                e.get(..8),
                Some(&[0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0][..])
            );
        }
        other => panic!("{other:?}"),
    }
    let cursor = UpdateCursor {
        hdr: d.header(0, false, None),
        pos: CursorPos {
            scanout_id: Le32::new(0),
            x: Le32::new(10),
            y: Le32::new(20),
            padding: Le32::new(0),
        },
        resource_id: Le32::new(5),
        ..UpdateCursor::default()
    };
    d.cursor(&cursor, true).unwrap();
    d.cursor(&cursor, false).unwrap();
}

/// Fenced submits on two rings, queued before any is waited for, all come
/// back with their fences, whatever order the driver waits in.
#[test]
fn pipelined_fenced_submits() {
    let mut h = harness();
    let d = &mut h.driver;
    d.ctx_create(1, 2, b"pipelined").unwrap();
    let tickets: Vec<_> = (0..16)
        .map(|i| d.submit_3d_async(1, &[], Some((i % 2) as u8)).unwrap())
        .collect();
    for t in tickets.into_iter().rev() {
        let reply = d.wait(t).unwrap();
        let (hdr, resp) = reply.response().unwrap();
        assert_eq!(resp, GpuResponse::OkNoData);
        assert!(hdr.fence().is_some());
    }
}

/// The renderer API through the guest driver ([`DriverBackend`]) answers as
/// the renderer does: capsets, a texture written through its backing pages
/// and read back both into the backing and as a scanout frame.
#[test]
fn driver_backend_speaks_the_renderer_api() {
    use host_renderer::virtio::DriverBackend;
    use host_renderer::{
        Backing, CtxId, Renderer, RendererBackend, ResId, ResourceInfo, TransferBox, VecBacking,
    };
    use std::sync::Arc;

    let gpu = Gpu::new().expect("a Vulkan adapter (lavapipe) is needed for GPU tests");
    let mut b = DriverBackend::start(&gpu, DeviceConfig::default()).expect("harness");
    let direct = Renderer::new(Arc::clone(&gpu));
    for id in [1, 2] {
        assert_eq!(
            b.capset(id),
            RendererBackend::capset(&direct, id),
            "capset {id}"
        );
    }
    let ctx = CtxId(1);
    b.create_context(ctx, "driver-backend").unwrap();
    let info = ResourceInfo::from(&ResourceCreate3d {
        target: Le32::new(2),
        format: Le32::new(Format::B8G8R8A8_UNORM.0),
        bind: Le32::new(bind::RENDER_TARGET | bind::SAMPLER_VIEW),
        width: Le32::new(8),
        height: Le32::new(4),
        depth: Le32::new(1),
        array_size: Le32::new(1),
        ..ResourceCreate3d::default()
    });
    let pixels: Vec<u8> = (0..8 * 4 * 4).map(|i| (i * 7) as u8).collect();
    let backing = VecBacking::from_vec(pixels.clone());
    b.create_resource(ResId(3), &info, Some(backing.clone() as Arc<dyn Backing>))
        .unwrap();
    b.attach_resource(ctx, ResId(3)).unwrap();
    assert_eq!(b.resource_info(ResId(3)).unwrap(), info);
    let t = TransferBox {
        level: 0,
        region: Box3 {
            x: 0,
            y: 0,
            z: 0,
            w: 8,
            h: 4,
            d: 1,
        },
        stride: 0,
        layer_stride: 0,
        offset: 0,
    };
    b.transfer_in(ResId(3), &t, None).unwrap();
    backing.with(|bytes| bytes.fill(0));
    b.transfer_out(ResId(3), &t, None).unwrap();
    assert_eq!(backing.snapshot(), pixels);
    let image = b.read_image(ResId(3)).unwrap();
    assert_eq!((image.width, image.height, image.stride), (8, 4, 32));
    assert_eq!(image.data, pixels);
    let report = b.submit(ctx, &[]);
    assert_eq!((report.commands, report.errors), (0, 0));
    report.outcome.unwrap();
    // Refusals come back from the device as reply codes.
    assert!(b.unref_resource(ResId(77)).is_err());
    b.unref_resource(ResId(3)).unwrap();
    assert!(b.resource_info(ResId(3)).is_err());
    b.destroy_context(ctx).unwrap();
}
