//! 8-bit RGBA PNG files: `pv3d serve --snapshot` writes the last displayed
//! frame, replay writes the read-backs that mismatch, tests read both.

use std::path::{Path, PathBuf};

/// A PNG file could not be written or read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct PngError {
    /// The file.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
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
    fn png_round_trip() {
        let path = std::env::temp_dir().join(format!("pv3d-picture-{}.png", std::process::id()));
        let rgba: Vec<u8> = (0..2 * 3 * 4).map(|i| i as u8).collect();
        write_png(&path, 2, 3, &rgba).unwrap();
        assert_eq!(read_png(&path).unwrap(), (2, 3, rgba));
        let _ = std::fs::remove_file(&path);
    }
}
