//! Read-back images turned into what QEMU's display socket carries: 32-bit
//! pixels `x8r8g8b8` (`a8r8g8b8` for the cursor) in a little-endian u32,
//! i.e. bytes B, G, R, X in memory, rows packed.

use crate::picture::{opaque_rgba, rgba_positions};
use crate::virtio::Frame;
use crate::Image;

/// A rectangle `(x, y, width, height)`.
pub type Rect = (u32, u32, u32, u32);

/// The overlap of two rectangles (`None` when empty).
pub fn intersect(a: Rect, b: Rect) -> Option<Rect> {
    let x0 = a.0.max(b.0);
    let y0 = a.1.max(b.1);
    let x1 = a.0.saturating_add(a.2).min(b.0.saturating_add(b.2));
    let y1 = a.1.saturating_add(a.3).min(b.1.saturating_add(b.3));
    (x1 > x0 && y1 > y0).then(|| (x0, y0, x1 - x0, y1 - y0))
}

/// The pixels of `rect` (inside the image) in B, G, R, A byte order, rows
/// packed; alpha forced to 255 unless `keep_alpha`. `None` when the format
/// is not displayable or the rectangle leaves the image.
pub fn bgra(image: &Image, rect: Rect, keep_alpha: bool) -> Option<Vec<u8>> {
    let [r, g, b, a] = rgba_positions(image.format)?;
    let pos = [b, g, r, a];
    let (x, y, w, h) = rect;
    if x.checked_add(w)? > image.width || y.checked_add(h)? > image.height {
        return None;
    }
    let row_bytes = usize::try_from(w).ok()?.checked_mul(4)?;
    let mut out = Vec::with_capacity(row_bytes.checked_mul(usize::try_from(h).ok()?)?);
    for row in y..y + h {
        let start =
            usize::try_from(u64::from(row) * u64::from(image.stride) + u64::from(x) * 4).ok()?;
        let src = image.data.get(start..start.checked_add(row_bytes)?)?;
        if pos == [0, 1, 2, 3] {
            // Already B, G, R, A: copy the row (a scanout's common case).
            let at = out.len();
            out.extend_from_slice(src);
            if !keep_alpha {
                out.iter_mut()
                    .skip(at + 3)
                    .step_by(4)
                    .for_each(|a| *a = 255);
            }
            continue;
        }
        for px in src.chunks_exact(4) {
            let [b, g, r, a] = pos.map(|i| px.get(i).copied().unwrap_or(0));
            out.extend_from_slice(&[b, g, r, if keep_alpha { a } else { 255 }]);
        }
    }
    Some(out)
}

/// The part of `frame` its scanout shows, as opaque RGBA rows (for a PNG).
pub fn frame_rgba(frame: &Frame) -> Option<(u32, u32, Vec<u8>)> {
    let image = &frame.image;
    let (x, y, width, height) = frame.source;
    if x.checked_add(width)? > image.width || y.checked_add(height)? > image.height {
        return None;
    }
    let row_bytes = u64::from(width) * 4;
    let rgba = opaque_rgba(image.format, width, height, |row, buf| {
        let start = u64::from(y + row) * u64::from(image.stride) + u64::from(x) * 4;
        let range = usize::try_from(start)
            .ok()
            .and_then(|s| Some(s..s.checked_add(usize::try_from(row_bytes).ok()?)?));
        match range.and_then(|r| image.data.get(r)) {
            Some(src) => {
                buf.copy_from_slice(src);
                true
            }
            None => false,
        }
    })
    .ok()?;
    Some((width, height, rgba))
}

#[cfg(test)]
mod tests {
    use super::*;
    use guest_protocol::virgl::Format;

    fn image(format: Format, pixels: &[[u8; 4]], width: u32) -> Image {
        Image {
            width,
            height: pixels.len() as u32 / width,
            format,
            stride: width * 4,
            data: pixels.concat(),
        }
    }

    #[test]
    fn swizzles_to_bgrx() {
        let px = [[1, 2, 3, 4]];
        let cases = [
            (Format::B8G8R8A8_UNORM, [1, 2, 3, 255]),
            (Format::B8G8R8X8_UNORM, [1, 2, 3, 255]),
            (Format::R8G8B8A8_UNORM, [3, 2, 1, 255]),
            (Format::A8R8G8B8_UNORM, [4, 3, 2, 255]),
            (Format::X8B8G8R8_UNORM, [2, 3, 4, 255]),
        ];
        for (format, want) in cases {
            assert_eq!(
                bgra(&image(format, &px, 1), (0, 0, 1, 1), false).unwrap(),
                want
            );
        }
        let keep = bgra(&image(Format::B8G8R8A8_UNORM, &px, 1), (0, 0, 1, 1), true);
        assert_eq!(keep.unwrap(), [1, 2, 3, 4]);
        assert!(bgra(&image(Format::R16_UNORM, &px, 1), (0, 0, 1, 1), false).is_none());
    }

    #[test]
    fn sub_rectangle_and_bounds() {
        let px: Vec<[u8; 4]> = (0..6u8).map(|i| [i, i, i, i]).collect();
        let img = image(Format::B8G8R8X8_UNORM, &px, 3);
        let part = bgra(&img, (1, 1, 2, 1), false).unwrap();
        assert_eq!(part, [4, 4, 4, 255, 5, 5, 5, 255]);
        assert!(bgra(&img, (2, 0, 2, 1), false).is_none());
        assert!(bgra(&img, (0, 1, 1, u32::MAX), false).is_none());
        assert_eq!(intersect((0, 0, 4, 4), (2, 3, 9, 9)), Some((2, 3, 2, 1)));
        assert_eq!(intersect((0, 0, 4, 4), (4, 0, 1, 1)), None);
    }

    #[test]
    fn frame_as_rgba_shows_its_source_rectangle() {
        let px: Vec<[u8; 4]> = (0..6u8).map(|i| [i, 10 + i, 20 + i, 0]).collect();
        let mut frame = Frame {
            scanout: 0,
            resource_id: 1,
            rect: (0, 0, 3, 2),
            source: (1, 1, 2, 1),
            image: image(Format::B8G8R8X8_UNORM, &px, 3),
        };
        let (w, h, rgba) = frame_rgba(&frame).unwrap();
        assert_eq!((w, h), (2, 1));
        assert_eq!(rgba, [24, 14, 4, 255, 25, 15, 5, 255]);
        frame.source = (2, 1, 2, 1);
        assert!(frame_rgba(&frame).is_none());
    }
}
