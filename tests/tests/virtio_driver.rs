//! The guest driver against the device through the in-process harness:
//! capsets, contexts, resources, backing pages, transfers, submits, fences
//! and scanout frames, all over split rings in the shared guest RAM.

use guest_protocol::le::{Le32, Le64};
use guest_protocol::virgl::enums::bind;
use guest_protocol::virgl::Format;
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
