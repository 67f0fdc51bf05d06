//! The device's [`Display`] on QEMU's vhost-user-gpu display socket
//! (`VHOST_USER_GPU_SET_SOCKET`, QEMU's docs/interop/vhost-user-gpu.rst).
//!
//! * Frames go as SCANOUT (the scanout's size, whenever it changes) and
//!   UPDATE with the flushed pixels in the message: the Vulkan devices pv3d
//!   runs on here (lavapipe) cannot export a dmabuf, and the pixels were read
//!   back for the flush anyway. UPDATE needs no reply; the flush completes
//!   once the message was written to the socket.
//! * Display info and EDID are asked from QEMU, so the guest sees the modes of
//!   QEMU's display (`xres`/`yres`, a resized window). The protocol handshake
//!   (GET/SET_PROTOCOL_FEATURES) happens on first use, not when the socket
//!   arrives: QEMU answers on its main loop, which is busy starting the device
//!   at that moment.
//! * The cursor goes as CURSOR_UPDATE (64×64 ARGB), CURSOR_POS and
//!   CURSOR_POS_HIDE.
//! * QEMU closes the socket when the device stops; after the first I/O error
//!   the display stays silent and the device falls back to its own modes.

use super::pixels::{bgra, intersect};
use crate::virtio::{CursorEvent, Display, Frame};
use crate::Image;
use guest_protocol::le::Le32;
use guest_protocol::virtio_gpu::{DisplayOne, Rect, MAX_SCANOUTS};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use vhost::vhost_user::gpu_message::{
    VhostUserGpuCursorPos, VhostUserGpuCursorUpdate, VhostUserGpuEdidRequest,
    VhostUserGpuProtocolFeatures, VhostUserGpuScanout, VhostUserGpuUpdate,
};
use vhost::vhost_user::message::VhostUserU64;
use vhost::vhost_user::GpuBackend;

/// Side of QEMU's cursor image.
const CURSOR_SIDE: u32 = 64;
/// Largest EDID block QEMU's reply carries.
const EDID_MAX: usize = 1024;

/// What the display socket carried (shared with the daemon's report).
#[derive(Debug, Default)]
pub struct DisplayStats {
    /// UPDATE messages sent.
    pub updates: AtomicU64,
    /// Pixel bytes sent in them.
    pub bytes: AtomicU64,
    /// Cursor messages sent.
    pub cursor: AtomicU64,
}

/// The display socket QEMU gave the backend.
pub struct SocketDisplay {
    socket: GpuBackend,
    /// QEMU's protocol features, once asked.
    features: Option<VhostUserGpuProtocolFeatures>,
    /// The size last announced with SCANOUT, per scanout.
    announced: [Option<(u32, u32)>; 1],
    /// An I/O error happened: the socket is not used again.
    broken: bool,
    stats: Arc<DisplayStats>,
}

impl std::fmt::Debug for SocketDisplay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocketDisplay")
            .field("broken", &self.broken)
            .finish_non_exhaustive()
    }
}

impl SocketDisplay {
    /// A display on `socket`, counting into `stats`.
    pub fn new(socket: GpuBackend, stats: Arc<DisplayStats>) -> Self {
        Self {
            socket,
            features: None,
            announced: [None],
            broken: false,
            stats,
        }
    }

    /// Runs `f` on the socket unless it broke; an error breaks it.
    fn talk<T>(
        &mut self,
        what: &str,
        f: impl FnOnce(&GpuBackend) -> std::io::Result<T>,
    ) -> Option<T> {
        if self.broken {
            return None;
        }
        match f(&self.socket) {
            Ok(v) => Some(v),
            Err(e) => {
                tracing::warn!(
                    "vhost-user display socket: {what}: {e}; display off until the device restarts"
                );
                self.broken = true;
                None
            }
        }
    }

    /// The negotiated protocol features (the handshake on first use).
    fn features(&mut self) -> VhostUserGpuProtocolFeatures {
        if let Some(f) = self.features {
            return f;
        }
        let offered = self
            .talk("GET_PROTOCOL_FEATURES", GpuBackend::get_protocol_features)
            .map_or(0, |v| v.value);
        let wanted = VhostUserGpuProtocolFeatures::EDID;
        let agreed = VhostUserGpuProtocolFeatures::from_bits_truncate(offered) & wanted;
        self.talk("SET_PROTOCOL_FEATURES", |s| {
            s.set_protocol_features(&VhostUserU64::new(agreed.bits()))
        });
        self.features = Some(agreed);
        agreed
    }

    /// Announces `size` on `scanout` unless it already is.
    fn announce(&mut self, scanout: u32, size: Option<(u32, u32)>) {
        let Some(slot) = self.announced.get(scanout as usize).copied() else {
            return;
        };
        if slot == size && size.is_some() {
            return;
        }
        let (width, height) = size.unwrap_or((0, 0));
        let msg = VhostUserGpuScanout {
            scanout_id: scanout,
            width,
            height,
        };
        if self.talk("SCANOUT", |s| s.set_scanout(&msg)).is_some() {
            if let Some(a) = self.announced.get_mut(scanout as usize) {
                *a = size;
            }
        }
    }
}

impl Display for SocketDisplay {
    fn display_info(&mut self) -> Option<[DisplayOne; MAX_SCANOUTS]> {
        self.features();
        let info = self.talk("GET_DISPLAY_INFO", GpuBackend::get_display_info)?;
        let mut modes = [DisplayOne::default(); MAX_SCANOUTS];
        for (m, q) in modes.iter_mut().zip(info.pmodes.iter()) {
            *m = DisplayOne {
                r: Rect {
                    x: Le32::new(q.r.x),
                    y: Le32::new(q.r.y),
                    width: Le32::new(q.r.width),
                    height: Le32::new(q.r.height),
                },
                enabled: Le32::new(q.enabled),
                flags: Le32::new(q.flags),
            };
        }
        Some(modes)
    }

    fn edid(&mut self, scanout: u32) -> Option<Vec<u8>> {
        if !self.features().contains(VhostUserGpuProtocolFeatures::EDID) {
            return None;
        }
        let req = VhostUserGpuEdidRequest {
            scanout_id: scanout,
        };
        let resp = self.talk("GET_EDID", |s| s.get_edid(&req))?;
        let len = (resp.size as usize).min(EDID_MAX);
        resp.edid
            .get(..len)
            .filter(|e| !e.is_empty())
            .map(<[u8]>::to_vec)
    }

    fn set_scanout(&mut self, scanout: u32, size: Option<(u32, u32)>) {
        self.announce(scanout, size);
    }

    fn show(&mut self, frame: &Frame) {
        let (sx, sy, sw, sh) = frame.source;
        self.announce(frame.scanout, Some((sw, sh)));
        let Some(rect) = intersect(frame.rect, frame.source) else {
            return;
        };
        let Some(pixels) = bgra(&frame.image, rect, false) else {
            tracing::debug!(
                "vhost-user display: format {:?} of resource {} cannot be shown",
                frame.image.format,
                frame.resource_id
            );
            return;
        };
        let msg = VhostUserGpuUpdate {
            scanout_id: frame.scanout,
            x: rect.0 - sx,
            y: rect.1 - sy,
            width: rect.2,
            height: rect.3,
        };
        if self
            .talk("UPDATE", |s| s.update_scanout(&msg, &pixels))
            .is_some()
        {
            self.stats.updates.fetch_add(1, Ordering::Relaxed);
            self.stats
                .bytes
                .fetch_add(pixels.len() as u64, Ordering::Relaxed);
        }
    }

    fn cursor(&mut self, event: CursorEvent<'_>) {
        let sent = match event {
            CursorEvent::Move { pos } => {
                let pos = cursor_pos(pos);
                self.talk("CURSOR_POS", |s| s.cursor_pos(&pos))
            }
            CursorEvent::Update {
                pos, image: None, ..
            } => {
                let pos = cursor_pos(pos);
                self.talk("CURSOR_POS_HIDE", |s| s.cursor_pos_hide(&pos))
            }
            CursorEvent::Update {
                pos,
                hot,
                image: Some(image),
            } => {
                let data = cursor_image(image);
                let msg = VhostUserGpuCursorUpdate {
                    pos: cursor_pos(pos),
                    hot_x: hot.0,
                    hot_y: hot.1,
                };
                self.talk("CURSOR_UPDATE", |s| s.cursor_update(&msg, &data))
            }
        };
        if sent.is_some() {
            self.stats.cursor.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn cursor_pos((scanout_id, x, y): (u32, u32, u32)) -> VhostUserGpuCursorPos {
    VhostUserGpuCursorPos { scanout_id, x, y }
}

/// The top-left 64×64 of `image` as ARGB, transparent where it is smaller
/// or its format cannot be shown.
fn cursor_image(image: &Image) -> [u8; 4 * 64 * 64] {
    let mut out = [0u8; 4 * 64 * 64];
    let (w, h) = (image.width.min(CURSOR_SIDE), image.height.min(CURSOR_SIDE));
    let row_bytes = w as usize * 4;
    if let Some(px) = bgra(image, (0, 0, w, h), true) {
        for (row, src) in px.chunks_exact(row_bytes.max(1)).enumerate() {
            let start = row * CURSOR_SIDE as usize * 4;
            if let Some(dst) = out.get_mut(start..start + row_bytes) {
                dst.copy_from_slice(src);
            }
        }
    }
    out
}
