//! Where the device's scanouts and cursor are shown, and where display
//! modes come from, when the VMM has a display of its own
//! ([`VirtioGpu::set_display`](super::VirtioGpu::set_display)).
//!
//! Without one, the device answers GET_DISPLAY_INFO and GET_EDID from its
//! [`DeviceConfig`](super::DeviceConfig) and keeps the last flushed frame for
//! [`VirtioGpu::take_frame`](super::VirtioGpu::take_frame). Every call is
//! made on the device's thread, in request order, before the request's
//! response is written, so a RESOURCE_FLUSH completes only after its frame
//! was handed over.

use super::Frame;
use crate::{Dmabuf, Image};
use guest_protocol::virtio_gpu::{DisplayOne, MAX_SCANOUTS};

/// The cursor requests of the cursor queue, as the display sees them.
#[derive(Clone, Copy, Debug)]
pub enum CursorEvent<'a> {
    /// UPDATE_CURSOR: a new shape (`None`: resource 0, the cursor is hidden)
    /// with its hot spot, at a position.
    Update {
        /// `(scanout, x, y)`.
        pos: (u32, u32, u32),
        /// Hot spot `(x, y)` in the image.
        hot: (u32, u32),
        /// The cursor resource's level 0, read back.
        image: Option<&'a Image>,
    },
    /// MOVE_CURSOR: the current shape moves to `(scanout, x, y)`.
    Move {
        /// `(scanout, x, y)`.
        pos: (u32, u32, u32),
    },
}

/// A VMM's display (see the module docs). Errors stay inside the display:
/// the guest's request is answered as if it had been shown.
pub trait Display: Send {
    /// The scanouts' modes for GET_DISPLAY_INFO; `None` answers from the
    /// device's config.
    fn display_info(&mut self) -> Option<[DisplayOne; MAX_SCANOUTS]>;

    /// The EDID block of `scanout` for GET_EDID; `None` answers with the
    /// device's own.
    fn edid(&mut self, scanout: u32) -> Option<Vec<u8>>;

    /// SET_SCANOUT: `scanout` now shows a `(width, height)` rectangle of a
    /// resource, or nothing (`None`).
    fn set_scanout(&mut self, scanout: u32, size: Option<(u32, u32)>);

    /// RESOURCE_FLUSH of a resource on a scanout: show `frame`.
    fn show(&mut self, frame: &Frame);

    /// True when the display imports dmabufs: SET_SCANOUT of a resource the
    /// renderer can export then goes to [`Display::set_scanout_dmabuf`], and
    /// its flushes to [`Display::show_dmabuf`] without a read-back.
    fn takes_dmabuf(&mut self) -> bool;

    /// SET_SCANOUT: `scanout` shows the `(x, y, width, height)` rectangle
    /// `source` of `dmabuf`. False when the display could not take it (the
    /// device then shows the resource's pixels).
    fn set_scanout_dmabuf(
        &mut self,
        scanout: u32,
        source: (u32, u32, u32, u32),
        dmabuf: Dmabuf,
    ) -> bool;

    /// RESOURCE_FLUSH of a dmabuf scanout, its GPU work done: show the
    /// `(x, y, width, height)` rectangle `rect` of the scanout, returning
    /// when the display has shown it.
    fn show_dmabuf(&mut self, scanout: u32, rect: (u32, u32, u32, u32));

    /// A cursor request.
    fn cursor(&mut self, event: CursorEvent<'_>);
}
