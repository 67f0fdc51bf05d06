//! Resource geometry: what the guest created, how the host stores it, Mesa's
//! linear backing layout (vtest-protocol.md §6.2) and the checked region of a
//! transfer.

use crate::core::base::error::TransferError;
use crate::core::base::format::FormatDesc;
use guest_protocol::virgl::enums::TextureTarget;
use guest_protocol::virgl::{Box3, Format};

/// A resource as the guest created it (RESOURCE_CREATE / virtio RESOURCE_CREATE_3D).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ResourceInfo {
    /// `PIPE_TEXTURE_*` / `PIPE_BUFFER`.
    pub target: TextureTarget,
    /// Format (buffers: `R8_UNORM`).
    pub format: Format,
    /// `VIRGL_BIND_*` hints.
    pub bind: u32,
    /// Width in texels (buffers: bytes).
    pub width: u32,
    /// Height.
    pub height: u32,
    /// Depth (3D).
    pub depth: u32,
    /// Array layers (arrays; 6 for cubes).
    pub array_size: u32,
    /// Last mip level.
    pub last_level: u32,
    /// Samples (0/1 single-sampled).
    pub nr_samples: u32,
}

impl ResourceInfo {
    /// The info from the nine dwords vtest RESOURCE_CREATE and virtio
    /// RESOURCE_CREATE_3D both carry, in their order: target, format, bind,
    /// width, height, depth, array_size, last_level, nr_samples.
    pub fn from_wire(d: [u32; 9]) -> Self {
        let [target, format, bind, width, height, depth, array_size, last_level, nr_samples] = d;
        Self {
            target: TextureTarget(target),
            format: Format(format),
            bind,
            width,
            height,
            depth,
            array_size,
            last_level,
            nr_samples,
        }
    }

    /// True for buffer resources.
    pub fn is_buffer(&self) -> bool {
        self.target == TextureTarget::BUFFER
    }

    /// Level `level`'s width, height and depth (never 0).
    pub fn level_extent(&self, level: u32) -> (u32, u32, u32) {
        let m = |v: u32| v.checked_shr(level).unwrap_or(0).max(1);
        let (w, h, d) = (m(self.width), m(self.height), m(self.depth));
        match self.target {
            TextureTarget::TEXTURE_3D => (w, h, d),
            TextureTarget::TEXTURE_1D | TextureTarget::TEXTURE_1D_ARRAY => (w, 1, 1),
            _ => (w, h, 1),
        }
    }

    /// Slices of each level in the guest layout and host texture: depth for
    /// 3D, 6 for cubes, array size for arrays, else 1.
    pub fn slices(&self, level: u32) -> u32 {
        match self.target {
            TextureTarget::TEXTURE_3D => self.level_extent(level).2,
            TextureTarget::CUBE => 6,
            TextureTarget::TEXTURE_1D_ARRAY
            | TextureTarget::TEXTURE_2D_ARRAY
            | TextureTarget::CUBE_ARRAY => self.array_size.max(1),
            _ => 1,
        }
    }

    /// Host texture layers (1 for 3D textures, whose slices are depth).
    pub fn host_layers(&self) -> u32 {
        match self.target {
            TextureTarget::TEXTURE_3D => 1,
            _ => self.slices(0),
        }
    }
}

/// Mesa's linear layout of one level in the backing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuestLevel {
    /// Byte offset of the level.
    pub offset: u64,
    /// Bytes per row of blocks.
    pub row_pitch: u64,
    /// Bytes per slice.
    pub layer_pitch: u64,
}

/// The guest layout of `level` (vtest-protocol.md §6.2).
pub fn guest_level(info: &ResourceInfo, desc: &FormatDesc, level: u32) -> GuestLevel {
    let (bw, bh) = desc.block_dims();
    let bs = u64::from(desc.guest_block_bytes());
    let mut offset = 0u64;
    for l in 0..=level {
        let (w, h, _) = info.level_extent(l);
        let row_pitch = u64::from(w.div_ceil(bw)) * bs;
        let layer_pitch = u64::from(h.div_ceil(bh)) * row_pitch;
        if l == level {
            return GuestLevel {
                offset,
                row_pitch,
                layer_pitch,
            };
        }
        offset = offset.saturating_add(layer_pitch.saturating_mul(u64::from(info.slices(l))));
    }
    GuestLevel {
        offset,
        row_pitch: 0,
        layer_pitch: 0,
    }
}

#[cfg(any(test, feature = "internals"))]
/// Total bytes of Mesa's layout for the whole resource.
pub fn guest_size(info: &ResourceInfo, desc: &FormatDesc) -> u64 {
    let last = guest_level(info, desc, info.last_level);
    last.offset.saturating_add(
        last.layer_pitch
            .saturating_mul(u64::from(info.slices(info.last_level))),
    )
}

/// A transfer region, checked against the resource and mapped onto the host
/// texture and the guest memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// Mip level.
    pub level: u32,
    /// Host texel origin (z = array layer, or slice for 3D).
    pub origin: wgpu::Origin3d,
    /// Texels per row, rows per layer and layers, as in the guest box
    /// (1D arrays: rows of 1, layers from the box's y/height).
    pub width: u32,
    /// Texel rows of the box per layer.
    pub height: u32,
    /// Layers (or 3D slices).
    pub layers: u32,
    /// Rows of blocks per layer.
    pub block_rows: u32,
    /// Bytes of one guest row of the box.
    pub guest_row_bytes: u64,
    /// Bytes of one host row of the box.
    pub host_row_bytes: u64,
    /// Guest bytes between rows.
    pub guest_stride: u64,
    /// Guest bytes between layers.
    pub guest_layer_stride: u64,
    /// The level's host extent (width, height) in texels.
    pub level_size: (u32, u32),
}

impl Region {
    /// Guest bytes spanned from the first texel to the end of the last row.
    pub fn guest_span(&self) -> u64 {
        let rows = u64::from(self.block_rows.saturating_sub(1));
        let layers = u64::from(self.layers.saturating_sub(1));
        layers * self.guest_layer_stride + rows * self.guest_stride + self.guest_row_bytes
    }

    /// Host copy size rounded up to whole blocks.
    pub fn copy_extent(&self, desc: &FormatDesc) -> wgpu::Extent3d {
        let (bw, bh) = desc.block_dims();
        wgpu::Extent3d {
            width: self.width.div_ceil(bw) * bw,
            height: self.height.div_ceil(bh) * bh,
            depth_or_array_layers: self.layers,
        }
    }
}

/// Checks `b` against level `level` of a texture resource and computes the
/// region; `stride`/`layer_stride` 0 mean the level's natural pitches.
pub fn texture_region(
    info: &ResourceInfo,
    desc: &FormatDesc,
    level: u32,
    b: &Box3,
    stride: u32,
    layer_stride: u32,
) -> Result<Region, TransferError> {
    if level > info.last_level {
        return Err(TransferError::BadLevel {
            level,
            last: info.last_level,
        });
    }
    let (lw, lh, _) = info.level_extent(level);
    let slices = info.slices(level);
    let is_1d_array = info.target == TextureTarget::TEXTURE_1D_ARRAY;
    // 1D arrays address layers with y/height (Gallium's convention), or
    // with z/depth in a box of one row (Mesa's mipmap generation and
    // copies of single layers send those).
    let layers_in_z = is_1d_array && b.y == 0 && b.h == 1;
    let (ext_h, ext_d) = match (is_1d_array, layers_in_z) {
        (true, false) => (slices, 1),
        (true, true) => (1, slices),
        (false, _) => (lh, slices),
    };
    let bad = || TransferError::BadBox {
        x: b.x,
        y: b.y,
        z: b.z,
        w: b.w,
        h: b.h,
        d: b.d,
        ew: lw,
        eh: ext_h,
        ed: ext_d,
    };
    let range = |o: i32, n: i32, max: u32| -> Result<(u32, u32), TransferError> {
        let o = u32::try_from(o).map_err(|_| bad())?;
        let n = u32::try_from(n).map_err(|_| bad())?;
        if n == 0 || o.checked_add(n).is_none_or(|e| e > max) {
            return Err(bad());
        }
        Ok((o, n))
    };
    let (x, w) = range(b.x, b.w, lw)?;
    let (y, h) = range(b.y, b.h, ext_h)?;
    let (z, d) = range(b.z, b.d, ext_d)?;
    let (bw, bh) = desc.block_dims();
    if x % bw != 0 || y % bh != 0 {
        return Err(TransferError::Unaligned { bw, bh });
    }
    let guest_level = guest_level(info, desc, level);
    let blocks_x = u64::from(w.div_ceil(bw));
    let guest_row_bytes = blocks_x * u64::from(desc.guest_block_bytes());
    let host_row_bytes = blocks_x * u64::from(desc.host_block_bytes());
    let guest_stride = if stride == 0 {
        guest_level.row_pitch
    } else {
        u64::from(stride)
    };
    if guest_stride < guest_row_bytes {
        return Err(TransferError::BadStride {
            stride: guest_stride,
            row: guest_row_bytes,
        });
    }
    let (origin, width, height, layers, block_rows, layer_pitch) = if layers_in_z {
        let pitch = match layer_stride {
            0 => guest_stride,
            given => u64::from(given),
        };
        (wgpu::Origin3d { x, y: 0, z }, w, 1, d, 1, pitch)
    } else if is_1d_array {
        (wgpu::Origin3d { x, y: 0, z: y }, w, 1, h, 1, guest_stride)
    } else {
        let rows = h.div_ceil(bh);
        let natural = guest_stride * u64::from(lh.div_ceil(bh));
        (wgpu::Origin3d { x, y, z }, w, h, d, rows, natural)
    };
    // Layers addressed in y are rows of the guest's data; in z they are
    // slices, `layer_stride` apart when the guest gives one.
    let guest_layer_stride = if layer_stride == 0 || is_1d_array {
        layer_pitch
    } else {
        u64::from(layer_stride)
    };
    Ok(Region {
        level,
        origin,
        width,
        height,
        layers,
        block_rows,
        guest_row_bytes,
        host_row_bytes,
        guest_stride,
        guest_layer_stride,
        level_size: (lw, if is_1d_array { 1 } else { lh }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::base::format::lookup;

    fn info(
        target: TextureTarget,
        format: Format,
        w: u32,
        h: u32,
        last_level: u32,
    ) -> ResourceInfo {
        ResourceInfo {
            target,
            format,
            bind: 0,
            width: w,
            height: h,
            depth: 1,
            array_size: 1,
            last_level,
            nr_samples: 0,
        }
    }

    #[test]
    fn mesa_sizes() {
        // vtest-protocol.md §6.2: 512×512 RGBA8 with 10 levels → 1398100 bytes.
        let i = info(
            TextureTarget::TEXTURE_2D,
            Format::R8G8B8A8_UNORM,
            512,
            512,
            9,
        );
        assert_eq!(guest_size(&i, lookup(i.format).unwrap()), 1_398_100);
        let i = info(
            TextureTarget::TEXTURE_2D,
            Format::B8G8R8X8_UNORM,
            300,
            300,
            0,
        );
        assert_eq!(guest_size(&i, lookup(i.format).unwrap()), 360_000);
    }

    #[test]
    fn boxes_are_checked() {
        let i = info(TextureTarget::TEXTURE_2D, Format::R8G8B8A8_UNORM, 16, 8, 1);
        let f = lookup(i.format).unwrap();
        let ok = Box3 {
            x: 0,
            y: 0,
            z: 0,
            w: 8,
            h: 4,
            d: 1,
        };
        let r = texture_region(&i, f, 1, &ok, 0, 0).unwrap();
        assert_eq!(r.guest_stride, 32);
        assert!(texture_region(&i, f, 2, &ok, 0, 0).is_err());
        let wide = Box3 { w: 9, ..ok };
        assert!(texture_region(&i, f, 1, &wide, 0, 0).is_err());
        let neg = Box3 { x: -1, ..ok };
        assert!(texture_region(&i, f, 1, &neg, 0, 0).is_err());
        let empty = Box3 { d: 0, ..ok };
        assert!(texture_region(&i, f, 1, &empty, 0, 0).is_err());
        assert!(texture_region(&i, f, 1, &ok, 4, 0).is_err());
    }

    #[test]
    fn one_d_array_layers_come_in_y_or_in_z() {
        let i = ResourceInfo {
            array_size: 4,
            ..info(
                TextureTarget::TEXTURE_1D_ARRAY,
                Format::R8G8B8A8_UNORM,
                16,
                1,
                0,
            )
        };
        let f = lookup(i.format).unwrap();
        let rows = Box3 {
            x: 0,
            y: 1,
            z: 0,
            w: 16,
            h: 3,
            d: 1,
        };
        let r = texture_region(&i, f, 0, &rows, 0, 0).unwrap();
        assert_eq!((r.origin.z, r.layers, r.guest_layer_stride), (1, 3, 64));
        // Layers 2 and 3 as z, 100 bytes apart.
        let slices = Box3 {
            y: 0,
            h: 1,
            z: 2,
            d: 2,
            ..rows
        };
        let r = texture_region(&i, f, 0, &slices, 0, 100).unwrap();
        assert_eq!((r.origin.z, r.layers, r.guest_layer_stride), (2, 2, 100));
        // Past the last layer either way, or layers in both.
        for bad in [
            Box3 { h: 4, ..rows },
            Box3 { d: 3, ..slices },
            Box3 { d: 2, ..rows },
        ] {
            assert!(texture_region(&i, f, 0, &bad, 0, 0).is_err(), "{bad:?}");
        }
    }
}
