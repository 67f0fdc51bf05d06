//! The front ends' wire structs ↔ renderer types, in one place: vtest's and
//! virtio-gpu's resource-create fields → [`ResourceInfo`], their transfer
//! requests → [`TransferBox`], and back again for the guest driver's side
//! ([`DriverBackend`](crate::virtio::DriverBackend)).
//!
//! Values are carried over as they are: the renderer validates them (a box
//! coordinate past `i32::MAX` becomes negative and is refused there).

use crate::{ResourceInfo, TransferBox};
use guest_protocol::virgl::Box3;
use guest_protocol::virtio_gpu::{ResourceCreate3d, TransferHost3d, TransferToHost2d};
use guest_protocol::vtest::{ResourceCreate, Transfer, Transfer2};

impl From<&ResourceCreate> for ResourceInfo {
    /// vtest RESOURCE_CREATE (and RESOURCE_CREATE2 through `fields()`).
    fn from(c: &ResourceCreate) -> Self {
        ResourceInfo::from_wire([
            c.target.get(),
            c.format.get(),
            c.bind.get(),
            c.width.get(),
            c.height.get(),
            c.depth.get(),
            c.array_size.get(),
            c.last_level.get(),
            c.nr_samples.get(),
        ])
    }
}

impl From<&ResourceCreate3d> for ResourceInfo {
    /// virtio-gpu RESOURCE_CREATE_3D.
    fn from(c: &ResourceCreate3d) -> Self {
        ResourceInfo::from(&ResourceCreate {
            handle: c.resource_id,
            target: c.target,
            format: c.format,
            bind: c.bind,
            width: c.width,
            height: c.height,
            depth: c.depth,
            array_size: c.array_size,
            last_level: c.last_level,
            nr_samples: c.nr_samples,
        })
    }
}

/// A box from guest values.
pub fn region(x: u32, y: u32, z: u32, w: u32, h: u32, d: u32) -> Box3 {
    Box3 {
        x: x as i32,
        y: y as i32,
        z: z as i32,
        w: w as i32,
        h: h as i32,
        d: d as i32,
    }
}

impl From<&Transfer2> for TransferBox {
    /// vtest TRANSFER_GET2 / TRANSFER_PUT2: the resource's shm at `offset`,
    /// natural pitches.
    fn from(t: &Transfer2) -> Self {
        TransferBox {
            level: t.level.get(),
            region: region(
                t.x.get(),
                t.y.get(),
                t.z.get(),
                t.width.get(),
                t.height.get(),
                t.depth.get(),
            ),
            stride: 0,
            layer_stride: 0,
            offset: u64::from(t.offset.get()),
        }
    }
}

impl From<&Transfer> for TransferBox {
    /// vtest TRANSFER_GET / TRANSFER_PUT (protocol 0): inline data from
    /// byte 0, the client's pitches.
    fn from(t: &Transfer) -> Self {
        TransferBox {
            level: t.level.get(),
            region: region(
                t.x.get(),
                t.y.get(),
                t.z.get(),
                t.width.get(),
                t.height.get(),
                t.depth.get(),
            ),
            stride: t.stride.get(),
            layer_stride: t.layer_stride.get(),
            offset: 0,
        }
    }
}

impl From<&TransferHost3d> for TransferBox {
    /// virtio-gpu TRANSFER_TO_HOST_3D / TRANSFER_FROM_HOST_3D.
    fn from(c: &TransferHost3d) -> Self {
        let b = &c.box_;
        TransferBox {
            level: c.level.get(),
            region: region(
                b.x.get(),
                b.y.get(),
                b.z.get(),
                b.w.get(),
                b.h.get(),
                b.d.get(),
            ),
            stride: c.stride.get(),
            layer_stride: c.layer_stride.get(),
            offset: c.offset.get(),
        }
    }
}

/// virtio-gpu TRANSFER_TO_HOST_2D of a resource `width` texels wide: level
/// 0, rows of 4-byte pixels as wide as the resource.
pub fn transfer_2d(c: &TransferToHost2d, width: u32) -> TransferBox {
    let r = &c.r;
    TransferBox {
        level: 0,
        region: region(r.x.get(), r.y.get(), 0, r.width.get(), r.height.get(), 1),
        stride: width.saturating_mul(4),
        layer_stride: 0,
        offset: c.offset.get(),
    }
}

#[cfg(feature = "harness")]
pub use driver_side::{resource_create_3d, transfer_host_3d};

/// Renderer types → virtio-gpu wire structs, for the guest driver's side.
#[cfg(feature = "harness")]
mod driver_side {
    use crate::{ResId, ResourceInfo, TransferBox};
    use guest_protocol::le::{Le32, Le64};
    use guest_protocol::virtio_gpu::{Box3d, ResourceCreate3d, TransferHost3d};

    /// The RESOURCE_CREATE_3D that creates resource `id` as `info` (header and
    /// flags left for the driver).
    pub fn resource_create_3d(id: ResId, info: &ResourceInfo) -> ResourceCreate3d {
        ResourceCreate3d {
            resource_id: Le32::new(id.0),
            target: Le32::new(info.target.0),
            format: Le32::new(info.format.0),
            bind: Le32::new(info.bind),
            width: Le32::new(info.width),
            height: Le32::new(info.height),
            depth: Le32::new(info.depth),
            array_size: Le32::new(info.array_size),
            last_level: Le32::new(info.last_level),
            nr_samples: Le32::new(info.nr_samples),
            ..ResourceCreate3d::default()
        }
    }

    /// The TRANSFER_TO/FROM_HOST_3D of `t` on resource `id` (header left for
    /// the driver).
    pub fn transfer_host_3d(id: ResId, t: &TransferBox) -> TransferHost3d {
        let b = &t.region;
        TransferHost3d {
            box_: Box3d {
                x: Le32::new(b.x as u32),
                y: Le32::new(b.y as u32),
                z: Le32::new(b.z as u32),
                w: Le32::new(b.w as u32),
                h: Le32::new(b.h as u32),
                d: Le32::new(b.d as u32),
            },
            offset: Le64::new(t.offset),
            resource_id: Le32::new(id.0),
            level: Le32::new(t.level),
            stride: Le32::new(t.stride),
            layer_stride: Le32::new(t.layer_stride),
            ..TransferHost3d::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use guest_protocol::le::Le32;

    #[test]
    #[cfg(feature = "harness")]
    fn virtio_structs_round_trip() {
        use crate::ResId;
        use guest_protocol::virgl::enums::TextureTarget;
        use guest_protocol::virgl::Format;
        let info = ResourceInfo {
            target: TextureTarget::TEXTURE_2D_ARRAY,
            format: Format::B8G8R8A8_UNORM,
            bind: 0x8a,
            width: 300,
            height: 200,
            depth: 1,
            array_size: 3,
            last_level: 4,
            nr_samples: 0,
        };
        let c = resource_create_3d(ResId(7), &info);
        assert_eq!(c.resource_id.get(), 7);
        assert_eq!(ResourceInfo::from(&c), info);

        let t = TransferBox {
            level: 2,
            region: region(1, 2, 3, 4, 5, 6),
            stride: 64,
            layer_stride: 4096,
            offset: 1 << 40,
        };
        let c = transfer_host_3d(ResId(9), &t);
        assert_eq!(c.resource_id.get(), 9);
        assert_eq!(TransferBox::from(&c), t);
    }

    #[test]
    fn vtest_transfers_keep_their_pitches_and_offsets() {
        let le = Le32::new;
        let t2 = Transfer2 {
            handle: le(1),
            level: le(1),
            x: le(u32::MAX),
            y: le(2),
            z: le(0),
            width: le(8),
            height: le(4),
            depth: le(1),
            data_size: le(999),
            offset: le(4096),
        };
        let b = TransferBox::from(&t2);
        assert_eq!(
            (b.level, b.stride, b.layer_stride, b.offset),
            (1, 0, 0, 4096)
        );
        // Past i32::MAX: negative, for the renderer to refuse.
        assert_eq!((b.region.x, b.region.w), (-1, 8));
        let t = Transfer {
            handle: le(1),
            level: le(0),
            stride: le(32),
            layer_stride: le(128),
            x: le(0),
            y: le(0),
            z: le(0),
            width: le(8),
            height: le(4),
            depth: le(1),
            data_size: le(128),
        };
        let b = TransferBox::from(&t);
        assert_eq!((b.stride, b.layer_stride, b.offset), (32, 128, 0));
    }
}
