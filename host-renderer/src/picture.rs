//! Guest frames as pictures: the pixels of a 4-byte RGB format in a linear
//! guest layout as opaque RGBA8 ([`opaque_rgba`]), for the vtest server's
//! last-frame sink and the tools' mismatch pictures.

use guest_protocol::virgl::Format;

/// Widest and tallest picture made (the largest texture size a device
/// offers; guest boxes beyond it are refused before any allocation).
pub const MAX_DIMENSION: u32 = 16384;

/// Why a frame could not be turned into pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PixelsError {
    /// Not a 4-byte RGB format.
    #[error("format {0} is not a 4-byte RGB format")]
    Format(Format),
    /// Empty, or larger than [`MAX_DIMENSION`].
    #[error("{width}x{height} pixels: not between 1 and {MAX_DIMENSION} each way")]
    Size {
        /// Width asked for.
        width: u32,
        /// Height asked for.
        height: u32,
    },
    /// A row lies outside the memory it is read from.
    #[error("row {0} is outside the memory")]
    Row(u32),
}

/// Where R, G, B and A sit in a 4-byte pixel of `format` (byte indices);
/// `None` for formats that are not 8-bit RGB with 4 bytes per pixel.
pub(crate) fn rgba_positions(format: Format) -> Option<[usize; 4]> {
    Some(match format {
        Format::R8G8B8A8_UNORM
        | Format::R8G8B8X8_UNORM
        | Format::R8G8B8A8_SRGB
        | Format::R8G8B8X8_SRGB => [0, 1, 2, 3],
        Format::B8G8R8A8_UNORM
        | Format::B8G8R8X8_UNORM
        | Format::B8G8R8A8_SRGB
        | Format::B8G8R8X8_SRGB => [2, 1, 0, 3],
        Format::A8R8G8B8_UNORM
        | Format::X8R8G8B8_UNORM
        | Format::A8R8G8B8_SRGB
        | Format::X8R8G8B8_SRGB => [1, 2, 3, 0],
        Format::A8B8G8R8_UNORM
        | Format::X8B8G8R8_UNORM
        | Format::A8B8G8R8_SRGB
        | Format::X8B8G8R8_SRGB => [3, 2, 1, 0],
        _ => return None,
    })
}

/// `height` rows of `width` pixels of `format` as opaque RGBA8, row 0
/// first; `row(y, buf)` fills `buf` with row `y`'s bytes in the guest's
/// layout and says whether it could. Alpha is forced to 255: X formats and
/// alpha 0 would hide the picture.
pub fn opaque_rgba(
    format: Format,
    width: u32,
    height: u32,
    mut row: impl FnMut(u32, &mut [u8]) -> bool,
) -> Result<Vec<u8>, PixelsError> {
    let [r, g, b, _] = rgba_positions(format).ok_or(PixelsError::Format(format))?;
    let size = 1..=MAX_DIMENSION;
    if !size.contains(&width) || !size.contains(&height) {
        return Err(PixelsError::Size { width, height });
    }
    let mut bytes = vec![0u8; width as usize * 4];
    let mut out = Vec::with_capacity(bytes.len() * height as usize);
    for y in 0..height {
        if !row(y, &mut bytes) {
            return Err(PixelsError::Row(y));
        }
        for px in bytes.chunks_exact(4) {
            let channel = |i: usize| px.get(i).copied().unwrap_or(0);
            out.extend_from_slice(&[channel(r), channel(g), channel(b), 255]);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bgra_and_rgbx_become_opaque_rgba() {
        let src = [1u8, 2, 3, 0, 4, 5, 6, 7];
        let read = |_: u32, buf: &mut [u8]| {
            buf.copy_from_slice(&src);
            true
        };
        assert_eq!(
            opaque_rgba(Format::B8G8R8A8_UNORM, 2, 1, read),
            Ok(vec![3, 2, 1, 255, 6, 5, 4, 255])
        );
        assert_eq!(
            opaque_rgba(Format::R8G8B8X8_UNORM, 2, 1, read),
            Ok(vec![1, 2, 3, 255, 4, 5, 6, 255])
        );
        assert_eq!(
            opaque_rgba(Format::A8B8G8R8_UNORM, 2, 1, read),
            Ok(vec![0, 3, 2, 255, 7, 6, 5, 255])
        );
        assert_eq!(
            opaque_rgba(Format::R8_UNORM, 2, 1, read),
            Err(PixelsError::Format(Format::R8_UNORM))
        );
        assert_eq!(
            opaque_rgba(Format::R8G8B8A8_UNORM, 2, 2, |y, buf| read(y, buf)
                && y == 0),
            Err(PixelsError::Row(1))
        );
        assert!(matches!(
            opaque_rgba(Format::R8G8B8A8_UNORM, u32::MAX, 1, read),
            Err(PixelsError::Size { .. })
        ));
    }
}
