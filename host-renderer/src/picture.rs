//! Guest frames as PNG files: the pixels of a 4-byte RGB format in a linear
//! guest layout as opaque RGBA8 ([`opaque_rgba`]), and 8-bit RGBA PNG
//! writing and reading. Used by `pv3d serve --snapshot` and the replay's
//! mismatch pictures.

use guest_protocol::virgl::Format;
use std::path::{Path, PathBuf};

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

/// A PNG file could not be written or read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct PngError {
    /// The file.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
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
    let bgr = match format {
        Format::B8G8R8A8_UNORM
        | Format::B8G8R8X8_UNORM
        | Format::B8G8R8A8_SRGB
        | Format::B8G8R8X8_SRGB => true,
        Format::R8G8B8A8_UNORM
        | Format::R8G8B8X8_UNORM
        | Format::R8G8B8A8_SRGB
        | Format::R8G8B8X8_SRGB => false,
        _ => return Err(PixelsError::Format(format)),
    };
    let size = 1..=MAX_DIMENSION;
    if !size.contains(&width) || !size.contains(&height) {
        return Err(PixelsError::Size { width, height });
    }
    let mut bytes = vec![0u8; width as usize * 4];
    let mut out = Vec::new();
    for y in 0..height {
        if !row(y, &mut bytes) {
            return Err(PixelsError::Row(y));
        }
        for px in bytes.chunks_exact(4) {
            if let [a, b, c, _] = *px {
                let (r, g, b) = if bgr { (c, b, a) } else { (a, b, c) };
                out.extend_from_slice(&[r, g, b, 255]);
            }
        }
    }
    Ok(out)
}

/// Writes an RGBA8 PNG.
pub fn write_png(path: &Path, w: u32, h: u32, rgba: &[u8]) -> Result<(), PngError> {
    let err = |e: &dyn std::fmt::Display| PngError {
        path: path.to_owned(),
        message: e.to_string(),
    };
    let file = std::fs::File::create(path).map_err(|e| err(&e))?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), w, h);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().map_err(|e| err(&e))?;
    writer.write_image_data(rgba).map_err(|e| err(&e))?;
    Ok(())
}

/// Reads an 8-bit RGBA PNG (as [`write_png`] writes them):
/// `(width, height, pixels)`.
pub fn read_png(path: &Path) -> Result<(u32, u32, Vec<u8>), PngError> {
    let err = |e: &dyn std::fmt::Display| PngError {
        path: path.to_owned(),
        message: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(|e| err(&e))?;
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .map_err(|e| err(&e))?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| err(&"image too large"))?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(|e| err(&e))?;
    if info.color_type != png::ColorType::Rgba || info.bit_depth != png::BitDepth::Eight {
        return Err(err(&format_args!(
            "{:?} {:?}, not 8-bit RGBA",
            info.color_type, info.bit_depth
        )));
    }
    buf.truncate(info.buffer_size());
    Ok((info.width, info.height, buf))
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

    #[test]
    fn png_round_trip() {
        let path = std::env::temp_dir().join(format!("pv3d-picture-{}.png", std::process::id()));
        let rgba: Vec<u8> = (0..2 * 3 * 4).map(|i| i as u8).collect();
        write_png(&path, 2, 3, &rgba).unwrap();
        assert_eq!(read_png(&path).unwrap(), (2, 3, rgba));
        let _ = std::fs::remove_file(&path);
    }
}
