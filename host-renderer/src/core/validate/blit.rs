//! BLIT regions: both levels exist, their layers or slices exist, and the
//! destination pixels written are those inside the destination level
//! whose centres map into the source level (GL's clipping of
//! `glBlitFramebuffer`: pixels whose source lies outside are left alone;
//! Mesa sends multisampled blits unclipped). A negative width or height
//! flips; an empty box is refused, one that writes no pixel does nothing.

use crate::core::base::error::CommandError;
use crate::core::base::layout::ResourceInfo;
use guest_protocol::virgl::Blit;

/// A BLIT's boxes, checked against its resources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlitRegion {
    /// Source rectangle `x, y, width, height` (sizes positive; it may lie
    /// partly outside its level).
    pub src: [i32; 4],
    /// Destination rectangle `x, y, width, height` (sizes positive; it may
    /// lie partly outside its level).
    pub dst: [i32; 4],
    /// Destination pixels written, `x0, y0, x1, y1` (end exclusive, maybe
    /// empty): inside the level, their centres mapping into the source.
    pub clip: [u32; 4],
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

    /// The pixels `b` writes, `x0, y0, x1, y1`: [`Self::clip`] and the
    /// blit's scissor, if enabled; `None` when that is empty.
    pub fn scissored(&self, b: &Blit) -> Option<[u32; 4]> {
        let [mut x0, mut y0, mut x1, mut y1] = self.clip;
        if b.flags.scissor_enable() {
            x0 = x0.max(u32::from(b.scissor_min.lo()));
            y0 = y0.max(u32::from(b.scissor_min.hi()));
            x1 = x1.min(u32::from(b.scissor_max.lo()));
            y1 = y1.min(u32::from(b.scissor_max.hi()));
        }
        (x0 < x1 && y0 < y1).then_some([x0, y0, x1, y1])
    }

    /// The source texel of destination pixel `(x, y)` in a blit of
    /// [`Self::same_size`] (in the source level for written pixels).
    pub fn src_of(&self, x: u32, y: u32) -> [u32; 2] {
        let [sx, sy, ..] = self.src;
        let [dx, dy, ..] = self.dst;
        [
            (i64::from(x) - i64::from(dx) + i64::from(sx)) as u32,
            (i64::from(y) - i64::from(dy) + i64::from(sy)) as u32,
        ]
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
    let x = Axis::new("blit x", (s.x, s.w, sw), (d.x, d.w, dw))?;
    let y = Axis::new("blit y", (s.y, s.h, sh), (d.y, d.h, dh))?;
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
        src: [x.src.0, y.src.0, x.src.1, y.src.1],
        dst: [x.dst.0, y.dst.0, x.dst.1, y.dst.1],
        clip: [x.written.0, y.written.0, x.written.1, y.written.1],
        src_z,
        dst_z,
        src_level_size: (sw, sh),
        dst_level_size: (dw, dh),
        flip_x: x.flip,
        flip_y: y.flip,
    })
}

/// One axis of a blit, checked and clipped.
struct Axis {
    /// Source start and length.
    src: (i32, i32),
    /// Destination start and length.
    dst: (i32, i32),
    /// Destination pixels written, start and end (exclusive).
    written: (u32, u32),
    /// Source and destination run opposite ways.
    flip: bool,
}

impl Axis {
    /// The axis from source `(x, w, level size)` and destination ones.
    fn new(
        what: &'static str,
        (sx, sw, ssize): (i32, i32, u32),
        (dx, dw, dsize): (i32, i32, u32),
    ) -> Result<Self, CommandError> {
        let bad = || CommandError::OutOfRange {
            what,
            value: dx as u64,
        };
        let (src_lo, src_len) = span(sx, sw).ok_or_else(bad)?;
        let (dst_lo, dst_len) = span(dx, dw).ok_or_else(bad)?;
        let flip = (sw < 0) != (dw < 0);
        // Destination pixel p is written when its centre p + 1/2 maps to a
        // source coordinate u with 0 <= u < ssize; all terms times 2a.
        let (a, b2) = (i128::from(src_len), 2 * i128::from(dst_len));
        let (slo, dlo) = (i128::from(src_lo), i128::from(dst_lo));
        let size = i128::from(ssize);
        let (first, end) = if flip {
            let m = (slo + a - size) * b2 - a + 2 * dlo * a;
            let m2 = (slo + a) * b2 - a + 2 * dlo * a;
            (m.div_euclid(2 * a) + 1, m2.div_euclid(2 * a) + 1)
        } else {
            let n0 = 2 * dlo * a - a - slo * b2;
            let n1 = n0 + size * b2;
            (ceil_div(n0, 2 * a), ceil_div(n1, 2 * a))
        };
        let lo = first.max(dlo).max(0);
        let hi = end.min(dlo + b2 / 2).min(i128::from(dsize)).max(lo);
        Ok(Self {
            src: (src_lo, src_len),
            dst: (dst_lo, dst_len),
            written: (lo as u32, hi as u32),
            flip,
        })
    }
}

/// `n / d` rounded up, for `d > 0`.
fn ceil_div(n: i128, d: i128) -> i128 {
    -((-n).div_euclid(d))
}

/// `x..x+w` (w may be negative) as (start, positive length), if it is not
/// empty and both ends fit an `i32`.
fn span(x: i32, w: i32) -> Option<(i32, i32)> {
    let end = x.checked_add(w)?;
    let (lo, hi) = if w < 0 { (end, x) } else { (x, end) };
    let len = hi.checked_sub(lo)?;
    (len > 0).then_some((lo, len))
}

#[cfg(test)]
mod tests {
    use super::Axis;

    fn written(src: (i32, i32, u32), dst: (i32, i32, u32)) -> (u32, u32) {
        Axis::new("x", src, dst).unwrap().written
    }

    #[test]
    fn pixels_whose_source_lies_outside_are_not_written() {
        // Inside: all of it.
        assert_eq!(written((0, 16, 16), (0, 16, 16)), (0, 16));
        // Half the source left of the level: the right half written.
        assert_eq!(written((-8, 16, 16), (0, 16, 16)), (8, 16));
        // Destination past the level's end.
        assert_eq!(written((0, 16, 16), (8, 16, 16)), (8, 16));
        // Scaled by 1/2: centre p + 1/2 reads 2p - 15, inside from p = 8.
        assert_eq!(written((-16, 32, 16), (0, 16, 16)), (8, 16));
        // Scaled by 2: centre p + 1/2 reads (p + 1/2) / 2 - 4.
        assert_eq!(written((-4, 8, 16), (0, 16, 16)), (8, 16));
        // Flipped: destination pixel p reads 15 - p + 8 = 23 - p.
        assert_eq!(written((8, 16, 16), (16, -16, 16)), (8, 16));
        assert_eq!(written((-8, 16, 16), (16, -16, 16)), (0, 8));
        // Nothing written, and an empty box refused.
        assert_eq!(written((16, 16, 16), (0, 16, 16)), (0, 0));
        assert!(Axis::new("x", (0, 0, 16), (0, 16, 16)).is_err());
        assert!(Axis::new("x", (i32::MAX, 16, 16), (0, 16, 16)).is_err());
        assert!(Axis::new("x", (i32::MIN, -1, 16), (0, 16, 16)).is_err());
    }
}
