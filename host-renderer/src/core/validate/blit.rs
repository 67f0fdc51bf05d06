//! BLIT regions: both levels exist, both boxes lie inside their levels (a
//! negative width or height flips), and their layers or slices exist.

use crate::core::base::error::CommandError;
use crate::core::base::layout::ResourceInfo;
use guest_protocol::virgl::Blit;

/// A BLIT's boxes, checked against its resources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlitRegion {
    /// Source rectangle `x, y, width, height` (sizes positive).
    pub src: [u32; 4],
    /// Destination rectangle `x, y, width, height` (sizes positive).
    pub dst: [u32; 4],
    /// Source layer or slice.
    pub src_z: u32,
    /// Destination layer or slice.
    pub dst_z: u32,
    /// Size of the source level.
    pub src_level_size: (u32, u32),
    /// Size of the destination level.
    pub dst_level_size: (u32, u32),
    /// Source and destination run opposite ways horizontally.
    pub flip_x: bool,
    /// Source and destination run opposite ways vertically.
    pub flip_y: bool,
}

impl BlitRegion {
    /// Same size and orientation: a plain copy moves it.
    pub fn same_size(&self) -> bool {
        let [.., sw, sh] = self.src;
        let [.., dw, dh] = self.dst;
        sw == dw && sh == dh && !self.flip_x && !self.flip_y
    }
}

/// Checks `b` against source `src` and destination `dst`.
pub fn blit_region(
    b: &Blit,
    src: &ResourceInfo,
    dst: &ResourceInfo,
) -> Result<BlitRegion, CommandError> {
    let (sl, dl) = (b.src.level, b.dst.level);
    if sl > src.last_level || dl > dst.last_level {
        return Err(CommandError::OutOfRange {
            what: "blit level",
            value: u64::from(sl.max(dl)),
        });
    }
    let (sw, sh, _) = src.level_extent(sl);
    let (dw, dh, _) = dst.level_extent(dl);
    let (s, d) = (&b.src.region, &b.dst.region);
    let (sx, sw_) = span("blit src x", s.x, s.w, sw)?;
    let (sy, sh_) = span("blit src y", s.y, s.h, sh)?;
    let (dx, dw_) = span("blit dst x", d.x, d.w, dw)?;
    let (dy, dh_) = span("blit dst y", d.y, d.h, dh)?;
    let src_z = u32::try_from(s.z).map_err(|_| CommandError::OutOfRange {
        what: "blit src z",
        value: 0,
    })?;
    let dst_z = u32::try_from(d.z).map_err(|_| CommandError::OutOfRange {
        what: "blit dst z",
        value: 0,
    })?;
    if src_z >= src.host_layers().max(src.level_extent(sl).2)
        || dst_z >= dst.host_layers().max(dst.level_extent(dl).2)
    {
        return Err(CommandError::OutOfRange {
            what: "blit layer",
            value: u64::from(src_z.max(dst_z)),
        });
    }
    Ok(BlitRegion {
        src: [sx, sy, sw_, sh_],
        dst: [dx, dy, dw_, dh_],
        src_z,
        dst_z,
        src_level_size: (sw, sh),
        dst_level_size: (dw, dh),
        flip_x: (s.w < 0) != (d.w < 0),
        flip_y: (s.h < 0) != (d.h < 0),
    })
}

/// Checks that `x..x+w` (w may be negative) lies in `0..=max`; returns (min, len).
fn span(what: &'static str, x: i32, w: i32, max: u32) -> Result<(u32, u32), CommandError> {
    let (lo, hi) = if w < 0 {
        (i64::from(x) + i64::from(w), i64::from(x))
    } else {
        (i64::from(x), i64::from(x) + i64::from(w))
    };
    if lo < 0 || hi > i64::from(max) || lo == hi {
        return Err(CommandError::OutOfRange {
            what,
            value: x as u64,
        });
    }
    Ok((lo as u32, (hi - lo) as u32))
}
