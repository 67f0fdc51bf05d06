//! The device's [`Display`] on QEMU's vhost-user-gpu display socket
//! (`VHOST_USER_GPU_SET_SOCKET`, QEMU's docs/interop/vhost-user-gpu.rst).
//!
//! * Frames go as SCANOUT (the scanout's size, whenever it changes) and
//!   UPDATE with the flushed pixels in the message, which every QEMU display
//!   shows. UPDATE needs no reply; the flush completes once the message was
//!   written to the socket.
//! * With dmabuf scanouts on (`pv3d vhost-user --scanout dmabuf`, for a QEMU
//!   with a GL display) and a resource the renderer exports (a Vulkan device
//!   with dmabuf export; not lavapipe), SET_SCANOUT goes as DMABUF_SCANOUT2
//!   (DMABUF_SCANOUT when QEMU lacks `DMABUF2`) with the dmabuf, and each
//!   flush as DMABUF_UPDATE, whose reply QEMU sends once the frame is shown:
//!   the guest's flush completes only then.
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
use crate::core::gpu::dmabuf::MODIFIER_LINEAR;
use crate::virtio::{CursorEvent, Display, Frame};
use crate::Dmabuf;
use crate::Image;
use guest_protocol::le::Le32;
use guest_protocol::virtio_gpu::{DisplayOne, Rect, MAX_SCANOUTS};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use vhost::vhost_user::gpu_message::{
    VhostUserGpuCursorPos, VhostUserGpuCursorUpdate, VhostUserGpuDMABUFScanout,
    VhostUserGpuDMABUFScanout2, VhostUserGpuEdidRequest, VhostUserGpuScanout, VhostUserGpuUpdate,
};
use vhost::vhost_user::message::VhostUserU64;
use vhost::vhost_user::GpuBackend;

/// Side of QEMU's cursor image.
const CURSOR_SIDE: u32 = 64;
/// `VHOST_USER_GPU_PROTOCOL_F_EDID` as a mask (the `vhost` crate's
/// `VhostUserGpuProtocolFeatures` holds the bit numbers, 0 and 1, as if
/// they were masks).
const PROTOCOL_EDID: u64 = 1 << 0;
/// `VHOST_USER_GPU_PROTOCOL_F_DMABUF2` as a mask.
const PROTOCOL_DMABUF2: u64 = 1 << 1;
/// Largest EDID block QEMU's reply carries.
const EDID_MAX: usize = 1024;
/// `VIRTIO_GPU_RESOURCE_FLAG_Y_0_TOP` in DMABUF_SCANOUT's `fd_flags`: row 0
/// is the top of the picture (as pv3d stores textures, in the guest's
/// layout).
const FLAG_Y_0_TOP: u32 = 1;

/// What the display socket carried (shared with the daemon's report).
#[derive(Debug, Default)]
pub struct DisplayStats {
    /// UPDATE and DMABUF_UPDATE messages sent.
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
    features: Option<u64>,
    /// The size last announced with SCANOUT, per scanout.
    announced: [Option<(u32, u32)>; 1],
    /// Scanouts may go as dmabufs ([`Display::takes_dmabuf`]).
    dmabuf: bool,
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
    /// A display on `socket`, counting into `stats`, taking dmabufs when
    /// `dmabuf` (QEMU's display must then import them: a GL display).
    pub fn new(socket: GpuBackend, stats: Arc<DisplayStats>, dmabuf: bool) -> Self {
        Self {
            socket,
            features: None,
            announced: [None],
            dmabuf,
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

    /// True when `feature` (a `PROTOCOL_*` mask) was agreed (the handshake
    /// on first use).
    fn agreed(&mut self, feature: u64) -> bool {
        if let Some(f) = self.features {
            return f & feature != 0;
        }
        let offered = self
            .talk("GET_PROTOCOL_FEATURES", GpuBackend::get_protocol_features)
            .map_or(0, |v| v.value);
        let wanted = PROTOCOL_EDID | if self.dmabuf { PROTOCOL_DMABUF2 } else { 0 };
        let agreed = offered & wanted;
        self.talk("SET_PROTOCOL_FEATURES", |s| {
            s.set_protocol_features(&VhostUserU64::new(agreed))
        });
        self.features = Some(agreed);
        agreed & feature != 0
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
        self.agreed(PROTOCOL_EDID);
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
        if !self.agreed(PROTOCOL_EDID) {
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

    fn takes_dmabuf(&mut self) -> bool {
        self.dmabuf && !self.broken
    }

    fn set_scanout_dmabuf(
        &mut self,
        scanout: u32,
        (x, y, width, height): (u32, u32, u32, u32),
        dmabuf: Dmabuf,
    ) -> bool {
        // DMABUF_SCANOUT has no plane offset: the image must start the
        // dmabuf (dedicated memory does).
        if dmabuf.offset != 0 {
            return false;
        }
        let plain = VhostUserGpuDMABUFScanout {
            scanout_id: scanout,
            x,
            y,
            width,
            height,
            fd_width: dmabuf.width,
            fd_height: dmabuf.height,
            fd_stride: dmabuf.stride,
            fd_flags: FLAG_Y_0_TOP,
            fd_drm_fourcc: dmabuf.fourcc,
        };
        let sent = if self.agreed(PROTOCOL_DMABUF2) {
            let msg = VhostUserGpuDMABUFScanout2 {
                dmabuf_scanout: plain,
                modifier: dmabuf.modifier,
            };
            self.talk("DMABUF_SCANOUT2", |s| {
                s.set_dmabuf_scanout2(&msg, Some(&dmabuf.fd))
            })
        } else if dmabuf.modifier == MODIFIER_LINEAR {
            self.talk("DMABUF_SCANOUT", |s| {
                s.set_dmabuf_scanout(&plain, Some(&dmabuf.fd))
            })
        } else {
            None
        };
        if sent.is_some() {
            // A later pixel scanout must be announced again.
            if let Some(a) = self.announced.get_mut(scanout as usize) {
                *a = None;
            }
        }
        sent.is_some()
    }

    fn show_dmabuf(&mut self, scanout: u32, (x, y, width, height): (u32, u32, u32, u32)) {
        let msg = VhostUserGpuUpdate {
            scanout_id: scanout,
            x,
            y,
            width,
            height,
        };
        if self
            .talk("DMABUF_UPDATE", |s| s.update_dmabuf_scanout(&msg))
            .is_some()
        {
            self.stats.updates.fetch_add(1, Ordering::Relaxed);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;
    use std::sync::atomic::AtomicBool;
    use std::sync::mpsc;
    use vmm_sys_util::sock_ctrl_msg::ScmSocket;

    /// What QEMU's end received: request, payload, the bytes of any fd.
    type Received = (u32, Vec<u8>, Option<Vec<u8>>);

    /// QEMU's end of the display socket: offers `features`, answers
    /// DMABUF_UPDATE after a pause (setting `replied` first) and reports
    /// every other message.
    fn fake_qemu(
        mut sock: UnixStream,
        features: u64,
        replied: Arc<AtomicBool>,
        seen: mpsc::Sender<Received>,
    ) {
        loop {
            let mut hdr = [0u8; 12];
            let Ok((12, fd)) = sock.recv_with_fd(&mut hdr) else {
                return;
            };
            let word = |i: usize| u32::from_le_bytes([hdr[i], hdr[i + 1], hdr[i + 2], hdr[i + 3]]);
            let (req, size) = (word(0), word(8) as usize);
            let mut body = vec![0u8; size];
            sock.read_exact(&mut body).unwrap();
            let reply = |sock: &mut UnixStream, payload: &[u8]| {
                let mut m = Vec::new();
                for v in [req, 0x4, payload.len() as u32] {
                    m.extend_from_slice(&v.to_le_bytes());
                }
                m.extend_from_slice(payload);
                sock.write_all(&m).unwrap();
            };
            match req {
                1 => reply(&mut sock, &features.to_le_bytes()),
                10 => {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    replied.store(true, Ordering::SeqCst);
                    reply(&mut sock, &[]);
                }
                _ => {
                    let bytes = fd.map(|mut f| {
                        let mut b = Vec::new();
                        f.read_to_end(&mut b).unwrap();
                        b
                    });
                    seen.send((req, body, bytes)).unwrap();
                }
            }
        }
    }

    /// A display taking dmabufs, talking to [`fake_qemu`].
    fn display(features: u64) -> (SocketDisplay, Arc<AtomicBool>, mpsc::Receiver<Received>) {
        let (ours, theirs) = UnixStream::pair().unwrap();
        let replied = Arc::new(AtomicBool::new(false));
        let (tx, rx) = mpsc::channel();
        let flag = Arc::clone(&replied);
        std::thread::spawn(move || fake_qemu(theirs, features, flag, tx));
        let d = SocketDisplay::new(GpuBackend::from_stream(ours), Arc::default(), true);
        (d, replied, rx)
    }

    /// A stand-in dmabuf: a memfd holding `content` (no device here
    /// exports real ones; the socket carries any fd the same way).
    fn dmabuf(content: &[u8], offset: u32, modifier: u64) -> Dmabuf {
        let fd = rustix::fs::memfd_create("frame", rustix::fs::MemfdFlags::CLOEXEC).unwrap();
        let mut file = std::fs::File::from(fd);
        file.write_all(content).unwrap();
        use std::io::Seek;
        file.rewind().unwrap();
        Dmabuf {
            fd: file.into(),
            width: 64,
            height: 32,
            stride: 256,
            offset,
            fourcc: u32::from_le_bytes(*b"XR24"),
            modifier,
        }
    }

    fn words(b: &[u8]) -> Vec<u32> {
        b.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    }

    #[test]
    fn dmabuf_scanouts_go_with_their_fd_and_flushes_wait_for_qemu() {
        // QEMU offers EDID and DMABUF2.
        let (mut d, replied, seen) = display(0b11);
        assert!(d.takes_dmabuf());
        assert!(d.set_scanout_dmabuf(0, (4, 2, 60, 30), dmabuf(b"pixels", 0, 0)));
        let (req, body, _) = seen.recv().unwrap();
        assert_eq!(
            (req, words(&body)),
            (2, vec![0b11, 0]),
            "SET_PROTOCOL_FEATURES"
        );
        let (req, body, fd) = seen.recv().unwrap();
        assert_eq!(req, 12, "DMABUF_SCANOUT2");
        let fields = words(&body);
        assert_eq!(
            fields[..10],
            [
                0,
                4,
                2,
                60,
                30,
                64,
                32,
                256,
                FLAG_Y_0_TOP,
                u32::from_le_bytes(*b"XR24")
            ]
        );
        assert_eq!(fields[10..], [0, 0], "modifier LINEAR");
        assert_eq!(fd.as_deref(), Some(&b"pixels"[..]), "the dmabuf's fd");

        // The flush returns only after QEMU's reply.
        d.show_dmabuf(0, (0, 0, 60, 30));
        assert!(
            replied.load(Ordering::SeqCst),
            "DMABUF_UPDATE returned early"
        );
        assert_eq!(d.stats.updates.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn without_dmabuf2_only_linear_dmabufs_go_and_offsets_are_refused() {
        // QEMU offers EDID only: DMABUF_SCANOUT, which has no modifier.
        let (mut d, _, seen) = display(0b01);
        assert!(!d.set_scanout_dmabuf(0, (0, 0, 64, 32), dmabuf(b"x", 0, 0x0100_0000_0000_0001)));
        assert_eq!(seen.recv().unwrap().0, 2, "SET_PROTOCOL_FEATURES");
        assert!(!d.set_scanout_dmabuf(0, (0, 0, 64, 32), dmabuf(b"x", 4096, 0)));
        assert!(d.set_scanout_dmabuf(0, (0, 0, 64, 32), dmabuf(b"linear", 0, 0)));
        let (req, body, fd) = seen.recv().unwrap();
        assert_eq!((req, body.len()), (9, 40), "DMABUF_SCANOUT");
        assert_eq!(fd.as_deref(), Some(&b"linear"[..]));
        assert!(seen.try_recv().is_err(), "the refused ones sent nothing");
    }

    #[test]
    fn pixel_displays_do_not_take_dmabufs() {
        let (ours, _theirs) = UnixStream::pair().unwrap();
        let mut d = SocketDisplay::new(GpuBackend::from_stream(ours), Arc::default(), false);
        assert!(!d.takes_dmabuf());
    }
}
