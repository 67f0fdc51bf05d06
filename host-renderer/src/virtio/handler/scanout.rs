//! SET_SCANOUT and RESOURCE_FLUSH: which resource each scanout shows, and
//! how a flushed frame reaches the VMM's display: as a dmabuf the display
//! imports once per SET_SCANOUT (flushes then only wait for the GPU work and
//! tell the display which rectangle changed), or as pixels read back on
//! every flush where the display or the renderer cannot share memory.

use super::{lookup_error, Handler};
use crate::core::api::RendererBackend;
use crate::virtio::Frame;
use crate::ResId;
use guest_protocol::virtio_gpu::GpuResponse as R;
use std::time::Duration;

/// Longest a flush of a dmabuf scanout waits for the frame's GPU work.
const FRAME_WAIT: Duration = Duration::from_secs(5);

/// Where a scanout shows what.
#[derive(Clone, Copy, Debug)]
pub(super) struct Scanout {
    pub(super) resource_id: u32,
    rect: (u32, u32, u32, u32),
    /// The display imported the resource as a dmabuf.
    dmabuf: bool,
}

impl Handler {
    pub(super) fn set_scanout(
        &mut self,
        r: &mut dyn RendererBackend,
        scanout: u32,
        id: u32,
        rect: (u32, u32, u32, u32),
    ) -> R<'static> {
        let Some(slot) = self.scanouts.get_mut(scanout as usize) else {
            return R::ErrInvalidScanoutId;
        };
        if id == 0 {
            *slot = None;
            if let Some(d) = self.vmm_display.as_mut() {
                d.set_scanout(scanout, None);
            }
            return R::OkNoData;
        }
        let info = match r.resource_info(ResId(id)) {
            Ok(info) => info,
            Err(e) => return lookup_error("SET_SCANOUT", e),
        };
        let inside = |o: u32, l: u32, max: u32| o.checked_add(l).is_some_and(|e| e <= max);
        let (x, y, w, h) = rect;
        if info.is_buffer() || !inside(x, w, info.width) || !inside(y, h, info.height) {
            return R::ErrInvalidParameter;
        }
        let mut dmabuf = false;
        if let Some(d) = self.vmm_display.as_mut() {
            if d.takes_dmabuf() {
                dmabuf = match r.export_scanout(ResId(id)) {
                    Ok(Some(buf)) => d.set_scanout_dmabuf(scanout, rect, buf),
                    Ok(None) => false,
                    Err(e) => return lookup_error("SET_SCANOUT", e),
                };
            }
            if !dmabuf {
                d.set_scanout(scanout, Some((w, h)));
            }
        }
        *slot = Some(Scanout {
            resource_id: id,
            rect,
            dmabuf,
        });
        R::OkNoData
    }

    pub(super) fn flush(
        &mut self,
        r: &mut dyn RendererBackend,
        id: u32,
        rect: (u32, u32, u32, u32),
    ) -> R<'static> {
        if let Err(e) = r.resource_info(ResId(id)) {
            return lookup_error("RESOURCE_FLUSH", e);
        }
        let shown = self
            .scanouts
            .iter()
            .enumerate()
            .find_map(|(i, s)| s.filter(|s| s.resource_id == id).map(|s| (i as u32, s)));
        let Some((scanout, shown)) = shown else {
            return R::OkNoData;
        };
        if shown.dmabuf {
            if let Some(d) = self.vmm_display.as_mut() {
                if !r.wait(Some(FRAME_WAIT)) {
                    tracing::warn!(
                        "virtio-gpu: RESOURCE_FLUSH {id}: the frame's GPU work is still running \
                         after {FRAME_WAIT:?}; showing it anyway"
                    );
                }
                d.show_dmabuf(scanout, rect);
                return R::OkNoData;
            }
        }
        match r.read_image(ResId(id)) {
            Ok(image) => {
                let frame = Frame {
                    scanout,
                    resource_id: id,
                    rect,
                    source: shown.rect,
                    image,
                };
                if let Some(d) = self.vmm_display.as_mut() {
                    d.show(&frame);
                }
                self.frame = Some(frame);
                R::OkNoData
            }
            Err(e) => {
                tracing::debug!("virtio-gpu: RESOURCE_FLUSH {id}: {e}");
                R::ErrUnspec
            }
        }
    }
}
