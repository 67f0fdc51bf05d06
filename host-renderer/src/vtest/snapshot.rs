//! `--snapshot FILE.png`: the last frame a client displayed (its last
//! TRANSFER_GET2 of a `DISPLAY_TARGET` resource), written as a PNG when that
//! client disconnects. Only where to look is remembered per frame (the shm
//! and the box); the pixels are read once, at the end, so displaying costs
//! nothing extra.

use super::shm::ShmBacking;
use crate::picture::{opaque_rgba, write_png};
use crate::{Backing, ResourceInfo};
use guest_protocol::virgl::Box3;
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
        let (w, h) = (frame.region.w as u32, frame.region.h as u32);
        let pitch = u64::from(frame.info.level_extent(0).0) * 4;
        let pixels = opaque_rgba(frame.info.format, w, h, |y, row| {
            let at = frame.offset + u64::from(y) * pitch;
            frame.shm.read_at(at, row).is_ok()
        });
        let written = match pixels {
            Ok(data) => write_png(&self.path, w, h, &data).map_err(|e| e.to_string()),
            Err(e) => Err(format!("the display target: {e}")),
        };
        match written {
            Ok(()) => tracing::info!("wrote the last frame ({w}x{h}) to {}", self.path.display()),
            Err(e) => tracing::warn!("snapshot: {e}"),
        }
    }
}
