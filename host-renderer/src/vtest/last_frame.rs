//! The last frame each client displayed (its last TRANSFER_GET2 of a
//! `DISPLAY_TARGET` resource), handed to [`ServeOptions::last_frame`] as
//! opaque RGBA8 when that client disconnects (`pv3d serve --snapshot`
//! writes it as a PNG). Only where to look is remembered per frame (the shm
//! and the box); the pixels are read once, at the end, so displaying costs
//! nothing extra.
//!
//! [`ServeOptions::last_frame`]: super::ServeOptions::last_frame

use super::shm::ShmBacking;
use crate::picture::opaque_rgba;
use crate::{Backing, ResourceInfo};
use guest_protocol::virgl::Box3;
use std::fmt;
use std::sync::Arc;

/// Where a displayed frame lies in a client's shared memory.
pub(super) struct Frame {
    /// The display target's backing (kept alive until read).
    pub shm: Arc<ShmBacking>,
    /// The resource.
    pub info: ResourceInfo,
    /// The box read back.
    pub region: Box3,
    /// Its byte offset in the shm.
    pub offset: u64,
}

/// A client's last displayed frame as opaque RGBA8, row 0 first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayedFrame {
    /// The client's name (as in the server's logs).
    pub client: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height` RGBA8 pixels.
    pub rgba: Vec<u8>,
}

/// Receives each client's last displayed frame when the client goes;
/// called on that client's thread (clients may end together).
#[derive(Clone)]
pub struct FrameSink(pub Arc<dyn Fn(DisplayedFrame) + Send + Sync>);

impl fmt::Debug for FrameSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FrameSink")
    }
}

impl FrameSink {
    /// Reads `frame`'s pixels and hands them to the sink; a frame that
    /// cannot be read is logged (it never fails the session).
    pub(super) fn deliver(&self, client: &str, frame: &Frame) {
        let (w, h) = (frame.region.w as u32, frame.region.h as u32);
        let pitch = u64::from(frame.info.level_extent(0).0) * 4;
        let pixels = opaque_rgba(frame.info.format, w, h, |y, row| {
            let at = frame.offset + u64::from(y) * pitch;
            frame.shm.read_at(at, row).is_ok()
        });
        match pixels {
            Ok(rgba) => (self.0)(DisplayedFrame {
                client: client.to_owned(),
                width: w,
                height: h,
                rgba,
            }),
            Err(e) => tracing::warn!(client, "the last displayed frame: {e}"),
        }
    }
}
