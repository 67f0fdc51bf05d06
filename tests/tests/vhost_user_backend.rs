//! `pv3d vhost-user` as QEMU sees it, without QEMU: this test is the front
//! end. It speaks vhost-user to the backend (rust-vmm's `vhost` front end;
//! GPU_SET_SOCKET by hand), shares guest RAM as a memfd, writes split rings
//! into it, kicks and reads the used rings, and answers the backend on the
//! display socket as QEMU's vhost-user-gpu does.
//!
//! * display: GET_DISPLAY_INFO and GET_EDID are answered from "QEMU's"
//!   display; SET_SCANOUT + RESOURCE_FLUSH arrive as SCANOUT + UPDATE with
//!   the resource's pixels (x8r8g8b8), also with `--scanout dmabuf` on a
//!   device that cannot export dmabufs; the cursor as CURSOR_UPDATE /
//!   CURSOR_POS / CURSOR_POS_HIDE;
//! * hostile rings: descriptors outside RAM, a looping chain, an indirect
//!   table outside RAM, a backing past the end of RAM, a non-increasing
//!   fence: each answered with an error, the device serving on;
//! * lifecycle: stopping the vrings and resuming at their index keeps the
//!   guest's resources; restarting them from 0 (a driver reset) drops them;
//!   the disconnect leaves the renderer empty;
//! * the watchdog: fenced GPU work still running past the limit gets the
//!   VM's contexts destroyed and its request answered with an error, and
//!   the device serves on.

mod draw_setup;

use draw_setup::{heavy_stream, TRIANGLE, W};
use guest_protocol::le::{Le32, Le64};
use guest_protocol::virgl::enums::{bind, TextureTarget};
use guest_protocol::virgl::Format;
use guest_protocol::virtio_gpu::*;
use host_renderer::isolate::{Isolation, WorkerCommand};
use host_renderer::vhost_user::{serve, Options, Summary};
use host_renderer::vtest::RendererFactory;
use host_renderer::Quotas;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};
use vhost::vhost_user::message::{VhostUserProtocolFeatures, VhostUserVirtioFeatures};
use vhost::vhost_user::{Frontend, VhostUserFrontend};
use vhost::{VhostBackend, VhostUserMemoryRegionInfo, VringConfigData};
use vm_memory::{Bytes, FileOffset, GuestAddress, GuestMemoryMmap, GuestRegionMmap, MmapRegion};
use vmm_sys_util::eventfd::{EventFd, EFD_NONBLOCK};
use vmm_sys_util::sock_ctrl_msg::ScmSocket;

const RAM: u64 = 4 << 20;
/// Where the front end says guest RAM is mapped in its process (the
/// backend maps the memfd itself; ring addresses are given in this space).
const VMM_BASE: u64 = 0x7f00_0000_0000;
const QSIZE: u16 = 16;
const F_NEXT: u16 = 1;
const F_WRITE: u16 = 2;
const F_INDIRECT: u16 = 4;
/// vhost-user request GPU_SET_SOCKET.
const GPU_SET_SOCKET: u32 = 33;

/// Ring layout of queue `q`: descriptor table, avail ring, used ring.
fn ring_addrs(q: u16) -> (u64, u64, u64) {
    let base = 0x1000 + u64::from(q) * 0x3000;
    (base, base + 0x1000, base + 0x2000)
}
const DATA: u64 = 0x10000;
/// Writable room of each request's response.
const RESPONSE_ROOM: u64 = 2048;

/// What QEMU's side of the display socket received.
#[derive(Debug, PartialEq, Eq)]
enum Shown {
    Scanout {
        id: u32,
        w: u32,
        h: u32,
    },
    Update {
        id: u32,
        rect: [u32; 4],
        pixels: Vec<u8>,
    },
    CursorUpdate {
        pos: [u32; 3],
        hot: [u32; 2],
        first_pixel: [u8; 4],
    },
    CursorPos {
        pos: [u32; 3],
    },
    CursorHide,
}

/// The display QEMU shows the guest.
const DISPLAY: (u32, u32) = (640, 480);

/// QEMU's end of the display socket: answers the backend's questions,
/// reports what it was shown.
fn fake_qemu_display(mut sock: UnixStream, shown: mpsc::Sender<Shown>) {
    let u32s = |b: &[u8]| -> Vec<u32> {
        b.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    };
    loop {
        let mut hdr = [0u8; 12];
        if sock.read_exact(&mut hdr).is_err() {
            return;
        }
        let h = u32s(&hdr);
        let (req, size) = (h[0], h[2] as usize);
        let mut body = vec![0u8; size];
        if sock.read_exact(&mut body).is_err() {
            return;
        }
        let reply = |sock: &mut UnixStream, payload: &[u8]| {
            let mut m = Vec::new();
            for v in [req, 0x4, payload.len() as u32] {
                m.extend_from_slice(&v.to_le_bytes());
            }
            m.extend_from_slice(payload);
            sock.write_all(&m).unwrap();
        };
        let b = u32s(&body);
        match req {
            1 => reply(&mut sock, &3u64.to_le_bytes()), // GET_PROTOCOL_FEATURES: EDID, DMABUF2
            2 => {}                                     // SET_PROTOCOL_FEATURES
            3 => {
                // GET_DISPLAY_INFO: header + 16 modes, scanout 0 enabled.
                let mut info = vec![0u8; 24 + 16 * 24];
                info[..4].copy_from_slice(&CtrlType::RESP_OK_DISPLAY_INFO.0.to_le_bytes());
                for (i, v) in [0, 0, DISPLAY.0, DISPLAY.1, 1].into_iter().enumerate() {
                    info[24 + 4 * i..28 + 4 * i].copy_from_slice(&v.to_le_bytes());
                }
                reply(&mut sock, &info);
            }
            11 => {
                // GET_EDID: 128 bytes of 0xed.
                let mut e = vec![0u8; 24 + 8 + 1024];
                e[..4].copy_from_slice(&CtrlType::RESP_OK_EDID.0.to_le_bytes());
                e[24..28].copy_from_slice(&128u32.to_le_bytes());
                e[32..160].fill(0xed);
                reply(&mut sock, &e);
            }
            7 => shown
                .send(Shown::Scanout {
                    id: b[0],
                    w: b[1],
                    h: b[2],
                })
                .unwrap(),
            8 => shown
                .send(Shown::Update {
                    id: b[0],
                    rect: [b[1], b[2], b[3], b[4]],
                    pixels: body[20..].to_vec(),
                })
                .unwrap(),
            6 => shown
                .send(Shown::CursorUpdate {
                    pos: [b[0], b[1], b[2]],
                    hot: [b[3], b[4]],
                    first_pixel: [body[20], body[21], body[22], body[23]],
                })
                .unwrap(),
            4 => shown
                .send(Shown::CursorPos {
                    pos: [b[0], b[1], b[2]],
                })
                .unwrap(),
            5 => shown.send(Shown::CursorHide).unwrap(),
            other => panic!("unexpected display message {other}"),
        }
    }
}

/// Guest RAM shared with the backend, a vhost-user connection, two rings.
struct Vm {
    mem: GuestMemoryMmap,
    front: Frontend,
    kicks: [EventFd; 2],
    calls: [EventFd; 2],
    avail_idx: [u16; 2],
    used_seen: [u16; 2],
    next_data: u64,
    /// Where the last [`Vm::call`]'s response was written.
    last_response: u64,
    shown: mpsc::Receiver<Shown>,
}

fn memfd(size: u64) -> File {
    let fd = rustix::fs::memfd_create("pv3d-test-ram", rustix::fs::MemfdFlags::CLOEXEC).unwrap();
    rustix::fs::ftruncate(&fd, size).unwrap();
    File::from(fd)
}

impl Vm {
    fn connect(sock: &Path) -> Vm {
        let stream = UnixStream::connect(sock).expect("connecting to the backend");
        let raw = stream.try_clone().unwrap();
        let mut front = Frontend::from_stream(stream, 2);
        let memfd = memfd(RAM);
        let region =
            MmapRegion::from_file(FileOffset::new(memfd.try_clone().unwrap(), 0), RAM as usize)
                .unwrap();
        let mem =
            GuestMemoryMmap::from_regions(vec![
                GuestRegionMmap::new(region, GuestAddress(0)).unwrap()
            ])
            .unwrap();

        front.set_owner().unwrap();
        let offered = front.get_features().unwrap();
        let protocol = VhostUserVirtioFeatures::PROTOCOL_FEATURES.bits();
        assert!(offered & protocol != 0, "no protocol features offered");
        for bit in [F_VIRGL, F_EDID] {
            assert!(
                offered & (1 << bit) != 0,
                "feature {bit} not offered: {offered:#x}"
            );
        }
        let pf = front.get_protocol_features().unwrap();
        assert!(pf.contains(VhostUserProtocolFeatures::CONFIG));
        front
            .set_protocol_features(
                pf & (VhostUserProtocolFeatures::CONFIG | VhostUserProtocolFeatures::MQ),
            )
            .unwrap();
        // num_capsets in the config space (QEMU reads it there).
        let (_, config) = front
            .get_config(
                0,
                16,
                vhost::vhost_user::message::VhostUserConfigFlags::WRITABLE,
                &[0; 16],
            )
            .unwrap();
        assert_eq!(&config[12..16], &2u32.to_le_bytes(), "num_capsets");

        // The display socket, sent as QEMU does (no reply asked).
        let (ours, theirs) = UnixStream::pair().unwrap();
        let mut msg = Vec::new();
        for v in [GPU_SET_SOCKET, 0x1, 0] {
            msg.extend_from_slice(&v.to_le_bytes());
        }
        raw.send_with_fd(&msg[..], theirs.as_raw_fd()).unwrap();
        drop(theirs);
        let (tx, shown) = mpsc::channel();
        std::thread::spawn(move || fake_qemu_display(ours, tx));

        front
            .set_features(offered & (protocol | 1 << F_VIRGL | 1 << F_EDID | 1 << 32))
            .unwrap();
        front
            .set_mem_table(&[VhostUserMemoryRegionInfo {
                guest_phys_addr: 0,
                memory_size: RAM,
                userspace_addr: VMM_BASE,
                mmap_offset: 0,
                mmap_handle: memfd.as_raw_fd(),
            }])
            .unwrap();
        let kicks = [
            EventFd::new(EFD_NONBLOCK).unwrap(),
            EventFd::new(EFD_NONBLOCK).unwrap(),
        ];
        let calls = [
            EventFd::new(EFD_NONBLOCK).unwrap(),
            EventFd::new(EFD_NONBLOCK).unwrap(),
        ];
        let mut vm = Vm {
            mem,
            front,
            kicks,
            calls,
            avail_idx: [0; 2],
            used_seen: [0; 2],
            next_data: DATA,
            last_response: 0,
            shown,
        };
        vm.start_rings(0);
        vm
    }

    /// SET_VRING_* for both queues starting at `base`, as QEMU's
    /// vhost_dev_start does.
    fn start_rings(&mut self, base: u16) {
        for q in [CONTROLQ, CURSORQ] {
            let (desc, avail, used) = ring_addrs(q);
            let i = usize::from(q);
            self.front.set_vring_num(i, QSIZE).unwrap();
            self.front
                .set_vring_addr(
                    i,
                    &VringConfigData {
                        queue_max_size: QSIZE,
                        queue_size: QSIZE,
                        flags: 0,
                        desc_table_addr: VMM_BASE + desc,
                        used_ring_addr: VMM_BASE + used,
                        avail_ring_addr: VMM_BASE + avail,
                        log_addr: None,
                    },
                )
                .unwrap();
            self.front.set_vring_base(i, base).unwrap();
            self.front.set_vring_call(i, &self.calls[i]).unwrap();
            self.front.set_vring_kick(i, &self.kicks[i]).unwrap();
            self.front.set_vring_enable(i, true).unwrap();
        }
    }

    /// GET_VRING_BASE of both queues (QEMU's vhost_dev_stop): their indices.
    fn stop_rings(&mut self) -> [u16; 2] {
        [CONTROLQ, CURSORQ].map(|q| {
            let i = usize::from(q);
            self.front.set_vring_enable(i, false).unwrap();
            self.front.get_vring_base(i).unwrap() as u16
        })
    }

    /// A driver reset: fresh (zeroed) rings, indices from 0.
    fn reset_rings(&mut self) {
        for q in [CONTROLQ, CURSORQ] {
            let (desc, _, _) = ring_addrs(q);
            self.mem
                .write_slice(&[0u8; 0x3000], GuestAddress(desc))
                .unwrap();
        }
        self.avail_idx = [0; 2];
        self.used_seen = [0; 2];
    }

    fn data(&mut self, bytes: &[u8], room: u64) -> u64 {
        let at = self.next_data;
        self.next_data += room.max(bytes.len() as u64).div_ceil(16) * 16;
        assert!(self.next_data < RAM, "test data area full");
        self.mem.write_slice(bytes, GuestAddress(at)).unwrap();
        at
    }

    fn desc(&self, q: u16, i: u16, addr: u64, len: u32, flags: u16, next: u16) {
        let (table, _, _) = ring_addrs(q);
        self.desc_at(table, i, addr, len, flags, next);
    }

    fn desc_at(&self, table: u64, i: u16, addr: u64, len: u32, flags: u16, next: u16) {
        let mut d = [0u8; 16];
        d[..8].copy_from_slice(&addr.to_le_bytes());
        d[8..12].copy_from_slice(&len.to_le_bytes());
        d[12..14].copy_from_slice(&flags.to_le_bytes());
        d[14..].copy_from_slice(&next.to_le_bytes());
        self.mem
            .write_slice(&d, GuestAddress(table + 16 * u64::from(i)))
            .unwrap();
    }

    /// Makes chain `head` of queue `q` available and kicks.
    fn publish(&mut self, q: u16, head: u16) {
        let (_, avail, _) = ring_addrs(q);
        let i = usize::from(q);
        let slot = avail + 4 + 2 * u64::from(self.avail_idx[i] % QSIZE);
        self.mem.write_obj(head, GuestAddress(slot)).unwrap();
        self.avail_idx[i] = self.avail_idx[i].wrapping_add(1);
        self.mem
            .write_obj(self.avail_idx[i], GuestAddress(avail + 2))
            .unwrap();
        self.kicks[i].write(1).unwrap();
    }

    /// The next used element of queue `q` (waits for it).
    fn wait_used(&mut self, q: u16) -> (u32, u32) {
        let (_, _, used) = ring_addrs(q);
        let i = usize::from(q);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let idx: u16 = self.mem.read_obj(GuestAddress(used + 2)).unwrap();
            if idx != self.used_seen[i] {
                let at = used + 4 + 8 * u64::from(self.used_seen[i] % QSIZE);
                self.used_seen[i] = self.used_seen[i].wrapping_add(1);
                let id: u32 = self.mem.read_obj(GuestAddress(at)).unwrap();
                let len: u32 = self.mem.read_obj(GuestAddress(at + 4)).unwrap();
                return (id, len);
            }
            assert!(Instant::now() < deadline, "no response on queue {q}");
            let _ = self.calls[i].read();
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Sends `req` on queue `q` (descriptors 0 and 1) and returns the
    /// response type.
    fn call_on(&mut self, q: u16, req: &[u8]) -> CtrlType {
        let r = self.data(req, 0);
        let w = self.data(&[], RESPONSE_ROOM);
        self.last_response = w;
        self.desc(q, 0, r, req.len() as u32, F_NEXT, 1);
        self.desc(q, 1, w, RESPONSE_ROOM as u32, F_WRITE, 0);
        self.publish(q, 0);
        let (head, len) = self.wait_used(q);
        assert_eq!(head, 0);
        self.response(w, len)
    }

    fn call(&mut self, req: &[u8]) -> CtrlType {
        self.call_on(CONTROLQ, req)
    }

    fn response(&self, at: u64, len: u32) -> CtrlType {
        assert!(len >= 24, "response of {len} bytes");
        CtrlType(self.mem.read_obj(GuestAddress(at)).unwrap())
    }

    #[track_caller]
    fn next_shown(&self) -> Shown {
        self.shown
            .recv_timeout(Duration::from_secs(30))
            .expect("nothing shown on the display socket")
    }
}

fn enc(cmd: &GpuCommand<'_>) -> Vec<u8> {
    let mut v = Vec::new();
    cmd.encode(&mut v);
    v
}

fn hdr() -> CtrlHdr {
    CtrlHdr::new(CtrlType::UNDEFINED, HdrFields::default())
}

fn fenced(fence_id: u64) -> CtrlHdr {
    CtrlHdr::new(
        CtrlType::UNDEFINED,
        HdrFields {
            flags: FLAG_FENCE,
            fence_id,
            ..HdrFields::default()
        },
    )
}

fn rect(x: u32, y: u32, w: u32, h: u32) -> Rect {
    Rect {
        x: Le32::new(x),
        y: Le32::new(y),
        width: Le32::new(w),
        height: Le32::new(h),
    }
}

fn create_2d(id: u32, format: Format, w: u32, h: u32) -> Vec<u8> {
    enc(&GpuCommand::ResourceCreate2d(&ResourceCreate2d {
        hdr: hdr(),
        resource_id: Le32::new(id),
        format: Le32::new(format.0),
        width: Le32::new(w),
        height: Le32::new(h),
    }))
}

fn attach(id: u32, entries: &[(u64, u32)]) -> Vec<u8> {
    let entries: Vec<MemEntry> = entries
        .iter()
        .map(|&(addr, len)| MemEntry {
            addr: Le64::new(addr),
            length: Le32::new(len),
            padding: Le32::new(0),
        })
        .collect();
    let cmd = ResourceAttachBacking {
        hdr: hdr(),
        resource_id: Le32::new(id),
        nr_entries: Le32::new(entries.len() as u32),
    };
    enc(&GpuCommand::ResourceAttachBacking {
        cmd: &cmd,
        entries: &entries,
    })
}

fn transfer_2d(id: u32, w: u32, h: u32) -> Vec<u8> {
    enc(&GpuCommand::TransferToHost2d(&TransferToHost2d {
        hdr: hdr(),
        r: rect(0, 0, w, h),
        offset: Le64::new(0),
        resource_id: Le32::new(id),
        padding: Le32::new(0),
    }))
}

fn set_scanout(id: u32, w: u32, h: u32) -> Vec<u8> {
    enc(&GpuCommand::SetScanout(&SetScanout {
        hdr: hdr(),
        r: rect(0, 0, w, h),
        scanout_id: Le32::new(0),
        resource_id: Le32::new(id),
    }))
}

fn flush(h: CtrlHdr, id: u32, r: Rect) -> Vec<u8> {
    enc(&GpuCommand::ResourceFlush(&ResourceFlush {
        hdr: h,
        r,
        resource_id: Le32::new(id),
        padding: Le32::new(0),
    }))
}

fn cursor(update: bool, id: u32, x: u32, y: u32) -> Vec<u8> {
    let c = UpdateCursor {
        hdr: hdr(),
        pos: CursorPos {
            scanout_id: Le32::new(0),
            x: Le32::new(x),
            y: Le32::new(y),
            padding: Le32::new(0),
        },
        resource_id: Le32::new(id),
        hot_x: Le32::new(3),
        hot_y: Le32::new(5),
        padding: Le32::new(0),
    };
    enc(&if update {
        GpuCommand::UpdateCursor(&c)
    } else {
        GpuCommand::MoveCursor(&c)
    })
}

/// A 2D resource `id` of `w`×`h` pixels `f(x, y)` in `format`, uploaded.
fn upload(vm: &mut Vm, id: u32, format: Format, w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 4]) {
    upload_as(vm, &create_2d(id, format, w, h), id, (w, h), f);
}

/// Resource `id`, created by the request `create`, `w`×`h` pixels
/// `f(x, y)` uploaded with TRANSFER_TO_HOST_2D.
fn upload_as(
    vm: &mut Vm,
    create: &[u8],
    id: u32,
    (w, h): (u32, u32),
    f: impl Fn(u32, u32) -> [u8; 4],
) {
    let f = &f;
    let pixels: Vec<u8> = (0..h)
        .flat_map(|y| (0..w).flat_map(move |x| f(x, y)))
        .collect();
    let at = vm.data(&pixels, 0);
    assert_eq!(vm.call(create), CtrlType::RESP_OK_NODATA);
    assert_eq!(
        vm.call(&attach(id, &[(at, pixels.len() as u32)])),
        CtrlType::RESP_OK_NODATA
    );
    assert_eq!(vm.call(&transfer_2d(id, w, h)), CtrlType::RESP_OK_NODATA);
}

/// The backend on a socket in a temp dir; each VM's renderer comes from
/// `renderers` (a worker process), else is in the backend's process.
fn backend(
    renderers: Option<RendererFactory>,
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    mpsc::Receiver<Summary>,
) {
    backend_with(Options {
        once: true,
        renderers,
        ..Options::default()
    })
}

/// A backend serving one VM with `options`, on a socket in a temp dir.
fn backend_with(
    options: Options,
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    mpsc::Receiver<Summary>,
) {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("gpu.sock");
    let (tx, rx) = mpsc::channel();
    let path = sock.clone();
    std::thread::spawn(move || {
        serve(&path, &options, |s| {
            let _ = tx.send(*s);
        })
        .expect("serving");
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    while !sock.exists() {
        assert!(Instant::now() < deadline, "the backend did not listen");
        std::thread::sleep(Duration::from_millis(10));
    }
    (dir, sock, rx)
}

#[test]
fn a_front_end_drives_the_backend() {
    drive(None);
}

/// The same with the VM's renderer in a jailed worker process: guest
/// pages reach it through the backend (`--isolate process`).
#[test]
fn a_front_end_drives_the_backend_isolated() {
    let worker = WorkerCommand {
        program: env!("CARGO_BIN_EXE_pv3d-test-worker").into(),
        args: Vec::new(),
        env: Vec::new(),
    };
    let open = Isolation::new(worker).opener(Quotas::DEFAULT);
    drive(Some(RendererFactory(Arc::from(open))));
}

/// `--scanout dmabuf` where the Vulkan device cannot export dmabufs
/// (lavapipe): a resource created for scanout still reaches the display, as
/// SCANOUT + UPDATE with its pixels, although QEMU offers DMABUF2 (the fake
/// display panics on any dmabuf message).
#[test]
fn dmabuf_scanouts_fall_back_to_pixels_without_export() {
    let (_dir, sock, summaries) = backend_with(Options {
        once: true,
        dmabuf_scanouts: true,
        ..Options::default()
    });
    let mut vm = Vm::connect(&sock);
    let side = 8;
    let px = |x: u32, y: u32| [x as u8 * 20, y as u8 * 25, 90, 255];
    let scanout_bind = bind::SCANOUT | bind::RENDER_TARGET | bind::SAMPLER_VIEW;
    let create = create_3d(
        1,
        TextureTarget::TEXTURE_2D,
        Format::B8G8R8X8_UNORM,
        scanout_bind,
        side,
    );
    upload_as(&mut vm, &create, 1, (side, side), px);
    assert_eq!(
        vm.call(&set_scanout(1, side, side)),
        CtrlType::RESP_OK_NODATA
    );
    assert_eq!(
        vm.next_shown(),
        Shown::Scanout {
            id: 0,
            w: side,
            h: side
        }
    );
    assert_eq!(
        vm.call(&flush(hdr(), 1, rect(0, 0, side, side))),
        CtrlType::RESP_OK_NODATA
    );
    let want: Vec<u8> = (0..side)
        .flat_map(|y| (0..side).flat_map(move |x| px(x, y)))
        .collect();
    assert_eq!(
        vm.next_shown(),
        Shown::Update {
            id: 0,
            rect: [0, 0, side, side],
            pixels: want
        }
    );
    drop(vm);
    let s = summaries
        .recv_timeout(Duration::from_secs(60))
        .expect("no summary after the disconnect");
    assert_eq!((s.frames, s.errors), (1, 0), "{s:?}");
}

fn drive(renderers: Option<RendererFactory>) {
    let (_dir, sock, summaries) = backend(renderers);
    let mut vm = Vm::connect(&sock);

    // Display modes and EDID come from the display (QEMU).
    let w = vm.data(&[], 1024);
    let req = vm.data(&enc(&GpuCommand::GetDisplayInfo(&hdr())), 0);
    vm.desc(CONTROLQ, 0, req, 24, F_NEXT, 1);
    vm.desc(CONTROLQ, 1, w, 1024, F_WRITE, 0);
    vm.publish(CONTROLQ, 0);
    vm.wait_used(CONTROLQ);
    let mode: [u32; 5] = std::array::from_fn(|i| {
        vm.mem
            .read_obj(GuestAddress(w + 24 + 4 * i as u64))
            .unwrap()
    });
    assert_eq!(
        mode,
        [0, 0, DISPLAY.0, DISPLAY.1, 1],
        "scanout 0 of GET_DISPLAY_INFO"
    );
    let get_edid = enc(&GpuCommand::GetEdid(&GetEdid {
        hdr: hdr(),
        scanout: Le32::new(0),
        padding: Le32::new(0),
    }));
    assert_eq!(vm.call(&get_edid), CtrlType::RESP_OK_EDID);
    let edid_at = vm.last_response;
    let size: u32 = vm.mem.read_obj(GuestAddress(edid_at + 24)).unwrap();
    let first: u8 = vm.mem.read_obj(GuestAddress(edid_at + 32)).unwrap();
    assert_eq!((size, first), (128, 0xed), "the display's EDID");

    // A scanout: SCANOUT with its size, then UPDATE with the flushed
    // rectangle's pixels as x8r8g8b8 (B, G, R, X bytes).
    let (sw, sh) = (8, 4);
    let px = |x: u32, y: u32| [x as u8 * 30, y as u8 * 60, 200, 255];
    upload(&mut vm, 1, Format::B8G8R8X8_UNORM, sw, sh, px);
    assert_eq!(vm.call(&set_scanout(1, sw, sh)), CtrlType::RESP_OK_NODATA);
    assert_eq!(
        vm.next_shown(),
        Shown::Scanout {
            id: 0,
            w: sw,
            h: sh
        }
    );
    assert_eq!(
        vm.call(&flush(hdr(), 1, rect(2, 1, 4, 2))),
        CtrlType::RESP_OK_NODATA
    );
    let want: Vec<u8> = (1..3)
        .flat_map(|y| (2..6).flat_map(move |x| px(x, y)))
        .collect();
    assert_eq!(
        vm.next_shown(),
        Shown::Update {
            id: 0,
            rect: [2, 1, 4, 2],
            pixels: want
        }
    );
    // An R8G8B8A8 resource is swizzled to B, G, R, X.
    upload(&mut vm, 2, Format::R8G8B8A8_UNORM, 2, 1, |x, _| {
        [10, 20 + x as u8, 30, 7]
    });
    assert_eq!(vm.call(&set_scanout(2, 2, 1)), CtrlType::RESP_OK_NODATA);
    assert_eq!(vm.next_shown(), Shown::Scanout { id: 0, w: 2, h: 1 });
    assert_eq!(
        vm.call(&flush(hdr(), 2, rect(0, 0, 2, 1))),
        CtrlType::RESP_OK_NODATA
    );
    assert_eq!(
        vm.next_shown(),
        Shown::Update {
            id: 0,
            rect: [0, 0, 2, 1],
            pixels: vec![30, 20, 10, 255, 30, 21, 10, 255]
        }
    );

    // The cursor: a 64x64 B8G8R8A8 image with its hot spot, moves, hiding.
    upload(&mut vm, 3, Format::B8G8R8A8_UNORM, 64, 64, |_, _| {
        [1, 2, 3, 128]
    });
    assert_eq!(
        vm.call_on(CURSORQ, &cursor(true, 3, 10, 20)),
        CtrlType::RESP_OK_NODATA
    );
    assert_eq!(
        vm.next_shown(),
        Shown::CursorUpdate {
            pos: [0, 10, 20],
            hot: [3, 5],
            first_pixel: [1, 2, 3, 128]
        }
    );
    assert_eq!(
        vm.call_on(CURSORQ, &cursor(false, 0, 11, 21)),
        CtrlType::RESP_OK_NODATA
    );
    assert_eq!(vm.next_shown(), Shown::CursorPos { pos: [0, 11, 21] });
    assert_eq!(
        vm.call_on(CURSORQ, &cursor(true, 0, 0, 0)),
        CtrlType::RESP_OK_NODATA
    );
    assert_eq!(vm.next_shown(), Shown::CursorHide);

    // Hostile rings: every bad request is answered with an error, and the
    // device goes on (each is followed by a good one).
    let good = flush(hdr(), 2, rect(0, 0, 1, 1));
    let resp = vm.data(&[], 64);
    //   a readable buffer past the end of RAM,
    vm.desc(CONTROLQ, 0, RAM - 8, 64, F_NEXT, 1);
    vm.desc(CONTROLQ, 1, resp, 64, F_WRITE, 0);
    vm.publish(CONTROLQ, 0);
    let (_, len) = vm.wait_used(CONTROLQ);
    assert_eq!(vm.response(resp, len), CtrlType::RESP_ERR_UNSPEC);
    assert_eq!(vm.call(&good), CtrlType::RESP_OK_NODATA);
    let _ = vm.next_shown();
    //   a chain looping back on itself,
    let req = vm.data(&good, 0);
    vm.desc(CONTROLQ, 0, req, good.len() as u32, F_NEXT, 1);
    vm.desc(CONTROLQ, 1, resp, 32, F_WRITE | F_NEXT, 2);
    vm.desc(CONTROLQ, 2, resp + 32, 32, F_WRITE | F_NEXT, 1);
    vm.publish(CONTROLQ, 0);
    let (_, len) = vm.wait_used(CONTROLQ);
    assert_eq!(vm.response(resp, len), CtrlType::RESP_ERR_UNSPEC);
    assert_eq!(vm.call(&good), CtrlType::RESP_OK_NODATA);
    let _ = vm.next_shown();
    //   an indirect table outside RAM (nothing can be read or written),
    vm.desc(CONTROLQ, 0, RAM + 0x1000, 32, F_INDIRECT, 0);
    vm.publish(CONTROLQ, 0);
    assert_eq!(vm.wait_used(CONTROLQ), (0, 0));
    assert_eq!(vm.call(&good), CtrlType::RESP_OK_NODATA);
    let _ = vm.next_shown();
    //   a good indirect table still works,
    let table = vm.data(&[], 32);
    let req = vm.data(&good, 0);
    vm.desc_at(table, 0, req, good.len() as u32, F_NEXT, 1);
    vm.desc_at(table, 1, resp, 64, F_WRITE, 0);
    vm.desc(CONTROLQ, 0, table, 32, F_INDIRECT, 0);
    vm.publish(CONTROLQ, 0);
    let (_, len) = vm.wait_used(CONTROLQ);
    assert_eq!(vm.response(resp, len), CtrlType::RESP_OK_NODATA);
    let _ = vm.next_shown();
    //   a backing running past the end of RAM,
    assert_eq!(
        vm.call(&create_2d(4, Format::B8G8R8X8_UNORM, 4, 4)),
        CtrlType::RESP_OK_NODATA
    );
    assert_eq!(
        vm.call(&attach(4, &[(RAM - 32, 64)])),
        CtrlType::RESP_ERR_INVALID_PARAMETER
    );
    //   fences that do not increase.
    assert_eq!(
        vm.call(&flush(fenced(9), 2, rect(0, 0, 1, 1))),
        CtrlType::RESP_OK_NODATA
    );
    let _ = vm.next_shown();
    assert_eq!(
        vm.call(&flush(fenced(9), 2, rect(0, 0, 1, 1))),
        CtrlType::RESP_ERR_INVALID_PARAMETER
    );
    assert_eq!(
        vm.call(&flush(fenced(3), 2, rect(0, 0, 1, 1))),
        CtrlType::RESP_ERR_INVALID_PARAMETER
    );
    assert_eq!(
        vm.call(&flush(fenced(10), 2, rect(0, 0, 1, 1))),
        CtrlType::RESP_OK_NODATA
    );
    let _ = vm.next_shown();

    // A paused VM resumes at the indices the backend reported: the guest's
    // resources are still there.
    let bases = vm.stop_rings();
    assert_eq!(bases, vm.avail_idx, "GET_VRING_BASE");
    vm.start_rings(bases[0]);
    assert_eq!(vm.call(&good), CtrlType::RESP_OK_NODATA);
    let _ = vm.next_shown();

    // A driver reset (rings restart from 0): every resource is gone.
    vm.stop_rings();
    vm.reset_rings();
    vm.start_rings(0);
    assert_eq!(vm.call(&good), CtrlType::RESP_ERR_INVALID_RESOURCE_ID);
    assert_eq!(
        vm.call(&create_2d(1, Format::B8G8R8X8_UNORM, 4, 4)),
        CtrlType::RESP_OK_NODATA
    );

    // Disconnect: the backend drops what the guest held; nothing is left.
    drop(vm);
    let s = summaries
        .recv_timeout(Duration::from_secs(60))
        .expect("no summary after the disconnect");
    assert_eq!(s.resets, 1, "{s:?}");
    assert_eq!(s.guest_objects, (0, 1), "{s:?}");
    assert_eq!((s.renderer_resources, s.renderer_memory), (0, 0), "{s:?}");
    assert!(s.errors >= 7 && s.frames >= 8, "{s:?}");
}

/// `hdr` of a request on context `ctx`, fenced with `fence` when given.
fn on_ctx(ctx: u32, fence: Option<u64>) -> CtrlHdr {
    CtrlHdr::new(
        CtrlType::UNDEFINED,
        HdrFields {
            flags: if fence.is_some() { FLAG_FENCE } else { 0 },
            fence_id: fence.unwrap_or(0),
            ctx_id: ctx,
            ..HdrFields::default()
        },
    )
}

fn create_3d(id: u32, target: TextureTarget, format: Format, bind: u32, w: u32) -> Vec<u8> {
    enc(&GpuCommand::ResourceCreate3d(&ResourceCreate3d {
        hdr: hdr(),
        resource_id: Le32::new(id),
        target: Le32::new(target.0),
        format: Le32::new(format.0),
        bind: Le32::new(bind),
        width: Le32::new(w),
        height: Le32::new(if target == TextureTarget::BUFFER {
            1
        } else {
            w
        }),
        depth: Le32::new(1),
        array_size: Le32::new(1),
        ..ResourceCreate3d::default()
    }))
}

fn ctx_attach(ctx: u32, id: u32) -> Vec<u8> {
    enc(&GpuCommand::CtxAttachResource(&CtxResource {
        hdr: on_ctx(ctx, None),
        resource_id: Le32::new(id),
        padding: Le32::new(0),
    }))
}

#[test]
fn the_watchdog_ends_gpu_work_that_runs_too_long() {
    let (_dir, sock, summaries) = backend_with(Options {
        once: true,
        gpu_timeout: Duration::from_millis(50),
        ..Options::default()
    });
    let mut vm = Vm::connect(&sock);
    let ctx = 1;
    let create_ctx = enc(&GpuCommand::CtxCreate(&CtxCreate::new(
        on_ctx(ctx, None),
        0,
        b"watchdog",
    )));
    assert_eq!(vm.call(&create_ctx), CtrlType::RESP_OK_NODATA);
    // draw_setup's target (1) and vertex buffer (2), the vertices uploaded
    // from guest memory.
    let rt = create_3d(
        1,
        TextureTarget::TEXTURE_2D,
        Format::B8G8R8A8_UNORM,
        bind::RENDER_TARGET,
        W,
    );
    assert_eq!(vm.call(&rt), CtrlType::RESP_OK_NODATA);
    let vertices: Vec<u8> = TRIANGLE.iter().flat_map(|v| v.to_le_bytes()).collect();
    let len = vertices.len() as u32;
    let vb = create_3d(
        2,
        TextureTarget::BUFFER,
        Format::R8_UNORM,
        bind::VERTEX_BUFFER,
        len,
    );
    assert_eq!(vm.call(&vb), CtrlType::RESP_OK_NODATA);
    let at = vm.data(&vertices, 0);
    assert_eq!(vm.call(&attach(2, &[(at, len)])), CtrlType::RESP_OK_NODATA);
    for id in [1, 2] {
        assert_eq!(vm.call(&ctx_attach(ctx, id)), CtrlType::RESP_OK_NODATA);
    }
    let upload = enc(&GpuCommand::TransferToHost3d(&TransferHost3d {
        hdr: on_ctx(ctx, None),
        box_: Box3d {
            w: Le32::new(len),
            h: Le32::new(1),
            d: Le32::new(1),
            ..Box3d::default()
        },
        resource_id: Le32::new(2),
        ..TransferHost3d::default()
    }));
    assert_eq!(vm.call(&upload), CtrlType::RESP_OK_NODATA);

    // The heavy draw, fenced: its answer waits for the GPU, which takes far
    // longer than the limit, so the watchdog answers it.
    let stream = heavy_stream();
    let submit = |fence| {
        enc(&GpuCommand::Submit3d {
            cmd: &CmdSubmit {
                hdr: on_ctx(ctx, Some(fence)),
                size: Le32::new(stream.len() as u32),
                padding: Le32::new(0),
            },
            commands: &stream,
        })
    };
    let start = Instant::now();
    assert_eq!(vm.call(&submit(1)), CtrlType::RESP_ERR_UNSPEC);
    let answered = start.elapsed();
    // The context is gone, the device serves on: the guest can make a new
    // one, its resources are still there.
    assert_eq!(vm.call(&submit(2)), CtrlType::RESP_ERR_INVALID_CONTEXT_ID);
    assert_eq!(vm.call(&create_ctx), CtrlType::RESP_OK_NODATA);
    assert_eq!(vm.call(&ctx_attach(ctx, 1)), CtrlType::RESP_OK_NODATA);

    drop(vm);
    let s = summaries
        .recv_timeout(Duration::from_secs(120))
        .expect("no summary after the disconnect");
    eprintln!("watchdog answered the fenced submit after {answered:?}; {s:?}");
    assert_eq!(s.watchdog, 1, "{s:?}");
    assert_eq!((s.renderer_resources, s.renderer_memory), (0, 0), "{s:?}");
}
