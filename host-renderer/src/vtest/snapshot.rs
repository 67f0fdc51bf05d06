//! `--snapshot FILE.png`: the last frame a client displayed (its last
//! TRANSFER_GET2 of a `DISPLAY_TARGET` resource), written as a PNG when that
//! client disconnects. Only where to look is remembered per frame (the shm
//! and the box); the pixels are read once, at the end, so displaying costs
//! nothing extra.

use super::shm::ShmBacking;
use crate::core::backing::Backing;
use crate::replay::write_png;
use crate::ResourceInfo;
use guest_protocol::virgl::{Box3, Format};
use parking_lot::Mutex;
use std::path::PathBuf;
use std::sync::Arc;

/// Where a displayed frame lies in a client's shared memory.
pub(super) struct Frame {
    /// The display target's backing (kept alive until written).
    pub shm: Arc<ShmBacking>,
    /// The resource.
    pub info: ResourceInfo,
    /// The box read back.
    pub region: Box3,
    /// Its byte offset in the shm.
    pub offset: u64,
}

/// The snapshot file; writes are serialised (clients may end together).
#[derive(Debug)]
pub(super) struct Snapshot {
    path: PathBuf,
    lock: Mutex<()>,
}

impl Snapshot {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            lock: Mutex::new(()),
        }
    }

    /// Writes `frame` as an opaque RGBA PNG; logs (never fails the session).
    pub fn write(&self, frame: &Frame) {
        let _guard = self.lock.lock();
        match rgba(frame) {
            Some((w, h, data)) => match write_png(&self.path, w, h, &data) {
                Ok(()) => {
                    tracing::info!("wrote the last frame ({w}x{h}) to {}", self.path.display())
                }
                Err(e) => tracing::warn!("snapshot: {e}"),
            },
            None => tracing::warn!(
                "snapshot: format {:?} of the display target is not a 4-byte RGB format",
                frame.info.format
            ),
        }
    }
}

/// The frame's pixels as RGBA8 (alpha forced to 255), row 0 first.
fn rgba(frame: &Frame) -> Option<(u32, u32, Vec<u8>)> {
    let bgr = match frame.info.format {
        Format::B8G8R8A8_UNORM
        | Format::B8G8R8X8_UNORM
        | Format::B8G8R8A8_SRGB
        | Format::B8G8R8X8_SRGB => true,
        Format::R8G8B8A8_UNORM
        | Format::R8G8B8X8_UNORM
        | Format::R8G8B8A8_SRGB
        | Format::R8G8B8X8_SRGB => false,
        _ => return None,
    };
    let w = u32::try_from(frame.region.w).ok().filter(|w| *w > 0)?;
    let h = u32::try_from(frame.region.h).ok().filter(|h| *h > 0)?;
    let (level_w, _, _) = frame.info.level_extent(0);
    let pitch = u64::from(level_w) * 4;
    let mut row = vec![0u8; w as usize * 4];
    let mut out = Vec::with_capacity(row.len() * h as usize);
    for y in 0..u64::from(h) {
        frame.shm.read_at(frame.offset + y * pitch, &mut row).ok()?;
        for px in row.chunks_exact(4) {
            if let [a, b, c, _] = *px {
                let (r, g, b) = if bgr { (c, b, a) } else { (a, b, c) };
                out.extend_from_slice(&[r, g, b, 255]);
            }
        }
    }
    Some((w, h, out))
}
