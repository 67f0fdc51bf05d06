//! The virtio-gpu device against a hostile guest: hand-built split rings in
//! a small guest RAM, one bad request class per test, each answered with an
//! error code (or, where nothing can be written, an empty used element),
//! and the device still serving afterwards. Also fence order: responses on
//! one timeline complete in fence order, and non-increasing ids are refused.

use guest_protocol::le::{Le32, Le64};
use guest_protocol::virgl::enums::bind;
use guest_protocol::virgl::Format;
use guest_protocol::virtio_gpu::*;
use host_renderer::virtio::{DeviceConfig, VirtioGpu};
use host_renderer::{Gpu, Renderer};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use vm_memory::{Bytes, GuestAddress, GuestMemoryMmap};

const RAM: u64 = 1 << 20;
const QSIZE: u16 = 16;
const DESC: u64 = 0x1000;
const AVAIL: u64 = 0x2000;
const USED: u64 = 0x3000;
const DATA: u64 = 0x10000;
const F_NEXT: u16 = 1;
const F_WRITE: u16 = 2;

/// A driver that writes the rings by hand.
struct Ring {
    mem: GuestMemoryMmap,
    dev: VirtioGpu,
    irqs: Arc<AtomicUsize>,
    avail_idx: u16,
    used_seen: u16,
    next_data: u64,
}

impl Ring {
    fn new() -> Self {
        let gpu = Gpu::new().expect("a Vulkan adapter (lavapipe) is needed for GPU tests");
        let mem = GuestMemoryMmap::from_ranges(&[(GuestAddress(0), RAM as usize)]).unwrap();
        let irqs = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&irqs);
        let mut dev = VirtioGpu::new(
            Renderer::new(gpu),
            mem.clone(),
            DeviceConfig::default(),
            Box::new(move |_| {
                counter.fetch_add(1, Ordering::Relaxed);
            }),
        );
        dev.set_queue(CONTROLQ, QSIZE, DESC, AVAIL, USED).unwrap();
        Self {
            mem,
            dev,
            irqs,
            avail_idx: 0,
            used_seen: 0,
            next_data: DATA,
        }
    }

    /// Copies `bytes` into fresh guest memory.
    fn data(&mut self, bytes: &[u8], room: u64) -> u64 {
        let at = self.next_data;
        self.next_data += room.max(bytes.len() as u64).div_ceil(16) * 16;
        assert!(self.next_data < RAM, "test data area full");
        self.mem.write_slice(bytes, GuestAddress(at)).unwrap();
        at
    }

    fn desc(&self, i: u16, addr: u64, len: u32, flags: u16, next: u16) {
        let at = GuestAddress(DESC + 16 * u64::from(i));
        let mut d = [0u8; 16];
        d[..8].copy_from_slice(&addr.to_le_bytes());
        d[8..12].copy_from_slice(&len.to_le_bytes());
        d[12..14].copy_from_slice(&flags.to_le_bytes());
        d[14..].copy_from_slice(&next.to_le_bytes());
        self.mem.write_slice(&d, at).unwrap();
    }

    /// Makes chain `head` available and notifies.
    fn publish(&mut self, head: u16) {
        let slot = AVAIL + 4 + 2 * u64::from(self.avail_idx % QSIZE);
        self.mem.write_obj(head, GuestAddress(slot)).unwrap();
        self.avail_idx = self.avail_idx.wrapping_add(1);
        self.mem
            .write_obj(self.avail_idx, GuestAddress(AVAIL + 2))
            .unwrap();
        self.dev.notify(CONTROLQ);
    }

    /// Used elements not seen yet: `(head, len)`.
    fn used(&mut self) -> Vec<(u32, u32)> {
        let idx: u16 = self.mem.read_obj(GuestAddress(USED + 2)).unwrap();
        let mut out = Vec::new();
        while self.used_seen != idx {
            let at = USED + 4 + 8 * u64::from(self.used_seen % QSIZE);
            let id: u32 = self.mem.read_obj(GuestAddress(at)).unwrap();
            let len: u32 = self.mem.read_obj(GuestAddress(at + 4)).unwrap();
            out.push((id, len));
            self.used_seen = self.used_seen.wrapping_add(1);
        }
        out
    }

    /// Sends `req` in descriptor `2 * slot` with a response buffer of
    /// `resp_len` in the next one; returns the response's guest address.
    fn send(&mut self, slot: u16, req: &[u8], resp_len: u32) -> u64 {
        let r = self.data(req, 0);
        let w = self.data(&[], u64::from(resp_len));
        self.desc(2 * slot, r, req.len() as u32, F_NEXT, 2 * slot + 1);
        self.desc(2 * slot + 1, w, resp_len, F_WRITE, 0);
        self.publish(2 * slot);
        w
    }

    /// Sends `req` and returns the response type (waiting for fences).
    fn call(&mut self, req: &[u8]) -> CtrlType {
        let at = self.send(0, req, 2048);
        let (head, len) = self.wait_one();
        assert_eq!(head, 0);
        self.response_type(at, len)
    }

    fn response_type(&self, at: u64, len: u32) -> CtrlType {
        assert!(len >= 24, "response of {len} bytes");
        CtrlType(self.mem.read_obj(GuestAddress(at)).unwrap())
    }

    fn wait_one(&mut self) -> (u32, u32) {
        for _ in 0..10_000 {
            let mut u = self.used();
            if let Some(e) = u.pop() {
                assert!(u.is_empty());
                return e;
            }
            self.dev.wait(Duration::from_millis(1));
        }
        panic!("no response");
    }

    /// The device still answers a good request.
    fn still_serving(&mut self) {
        let req = enc(&GpuCommand::GetCapsetInfo(&GetCapsetInfo {
            hdr: hdr(0),
            capset_index: Le32::new(0),
            padding: Le32::new(0),
        }));
        assert_eq!(self.call(&req), CtrlType::RESP_OK_CAPSET_INFO);
    }
}

fn enc(cmd: &GpuCommand<'_>) -> Vec<u8> {
    let mut v = Vec::new();
    cmd.encode(&mut v);
    v
}

fn hdr(ctx: u32) -> CtrlHdr {
    CtrlHdr::new(
        CtrlType::UNDEFINED,
        HdrFields {
            ctx_id: ctx,
            ..HdrFields::default()
        },
    )
}

fn fenced(ctx: u32, fence_id: u64, ring: Option<u8>) -> CtrlHdr {
    let ring_flag = ring.map_or(0, |_| FLAG_INFO_RING_IDX);
    CtrlHdr::new(
        CtrlType::UNDEFINED,
        HdrFields {
            flags: FLAG_FENCE | ring_flag,
            fence_id,
            ctx_id: ctx,
            ring_idx: ring.unwrap_or(0),
        },
    )
}

fn ctx_create(ctx: u32) -> Vec<u8> {
    enc(&GpuCommand::CtxCreate(&CtxCreate::new(
        hdr(ctx),
        2,
        b"hostile",
    )))
}

fn buffer(id: u32, width: u32) -> Vec<u8> {
    enc(&GpuCommand::ResourceCreate3d(&ResourceCreate3d {
        hdr: hdr(0),
        resource_id: Le32::new(id),
        target: Le32::new(0),
        format: Le32::new(Format::R8_UNORM.0),
        bind: Le32::new(bind::VERTEX_BUFFER),
        width: Le32::new(width),
        height: Le32::new(1),
        depth: Le32::new(1),
        array_size: Le32::new(1),
        ..ResourceCreate3d::default()
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
        hdr: hdr(0),
        resource_id: Le32::new(id),
        nr_entries: Le32::new(entries.len() as u32),
    };
    enc(&GpuCommand::ResourceAttachBacking {
        cmd: &cmd,
        entries: &entries,
    })
}

fn transfer_to_host(h: CtrlHdr, id: u32, x: u32, w: u32, offset: u64) -> Vec<u8> {
    enc(&GpuCommand::TransferToHost3d(&TransferHost3d {
        hdr: h,
        box_: Box3d {
            x: Le32::new(x),
            y: Le32::new(0),
            z: Le32::new(0),
            w: Le32::new(w),
            h: Le32::new(1),
            d: Le32::new(1),
        },
        offset: Le64::new(offset),
        resource_id: Le32::new(id),
        ..TransferHost3d::default()
    }))
}

fn submit(h: CtrlHdr, commands: &[u8]) -> Vec<u8> {
    let cmd = CmdSubmit {
        hdr: h,
        size: Le32::new(commands.len() as u32),
        padding: Le32::new(0),
    };
    enc(&GpuCommand::Submit3d {
        cmd: &cmd,
        commands,
    })
}

#[test]
fn descriptors_outside_guest_memory() {
    let mut r = Ring::new();
    let resp = r.data(&[], 64);
    // Readable buffer straddling the end of RAM.
    r.desc(0, RAM - 8, 64, F_NEXT, 1);
    r.desc(1, resp, 64, F_WRITE, 0);
    r.publish(0);
    let (_, len) = r.wait_one();
    assert_eq!(r.response_type(resp, len), CtrlType::RESP_ERR_UNSPEC);
    // Readable buffer at an address that overflows.
    r.desc(0, u64::MAX - 4, 32, F_NEXT, 1);
    r.publish(0);
    let (_, len) = r.wait_one();
    assert_eq!(r.response_type(resp, len), CtrlType::RESP_ERR_UNSPEC);
    // Response buffer outside RAM: nothing can be written.
    let req = r.data(&ctx_create(1), 0);
    r.desc(0, req, 96, F_NEXT, 1);
    r.desc(1, RAM + 4096, 64, F_WRITE, 0);
    r.publish(0);
    assert_eq!(r.wait_one(), (0, 0));
    // A next index past the table.
    r.desc(0, req, 96, F_NEXT, QSIZE + 3);
    r.publish(0);
    assert_eq!(r.wait_one(), (0, 0));
    r.still_serving();
}

#[test]
fn looping_chains() {
    let mut r = Ring::new();
    let req = r.data(&ctx_create(1), 0);
    let resp = r.data(&[], 64);
    // 0 -> 1 -> 2 -> 1 -> ...: never ends.
    r.desc(0, req, 96, F_NEXT, 1);
    r.desc(1, resp, 32, F_WRITE | F_NEXT, 2);
    r.desc(2, resp + 32, 32, F_WRITE | F_NEXT, 1);
    r.publish(0);
    let (_, len) = r.wait_one();
    assert_eq!(r.response_type(resp, len), CtrlType::RESP_ERR_UNSPEC);
    // A descriptor pointing at itself.
    r.desc(3, req, 96, F_NEXT, 3);
    r.publish(3);
    assert_eq!(r.wait_one(), (3, 0));
    // The context was never created by the looping requests.
    let again = ctx_create(1);
    assert_eq!(r.call(&again), CtrlType::RESP_OK_NODATA);
    r.still_serving();
}

#[test]
fn short_buffers() {
    let mut r = Ring::new();
    // A RESOURCE_CREATE_3D cut after 40 of its 72 bytes.
    let req = buffer(1, 64);
    assert_eq!(r.call(&req[..40]), CtrlType::RESP_ERR_UNSPEC);
    // A SUBMIT_3D whose size runs past the bytes sent.
    assert_eq!(r.call(&ctx_create(1)), CtrlType::RESP_OK_NODATA);
    let mut s = submit(hdr(1), &[0; 64]);
    s.truncate(32 + 16);
    assert_eq!(r.call(&s), CtrlType::RESP_ERR_INVALID_PARAMETER);
    // A response buffer shorter than a header: used, nothing written.
    let req = r.data(&ctx_create(2), 0);
    let resp = r.data(&[], 16);
    r.desc(0, req, 96, F_NEXT, 1);
    r.desc(1, resp, 16, F_WRITE, 0);
    r.publish(0);
    assert_eq!(r.wait_one(), (0, 0));
    // A capset response that does not fit: an error header instead.
    let get = enc(&GpuCommand::GetCapset(&GetCapset {
        hdr: hdr(0),
        capset_id: Le32::new(CapsetId::VIRGL2.0),
        capset_version: Le32::new(2),
    }));
    let at = r.send(0, &get, 64);
    let (_, len) = r.wait_one();
    assert_eq!(len, 24);
    assert_eq!(
        r.response_type(at, len),
        CtrlType::RESP_ERR_INVALID_PARAMETER
    );
    r.still_serving();
}

#[test]
fn unknown_resource_and_context_ids() {
    let mut r = Ring::new();
    let attach_ctx = |ctx: u32, id: u32| {
        enc(&GpuCommand::CtxAttachResource(&CtxResource {
            hdr: hdr(ctx),
            resource_id: Le32::new(id),
            padding: Le32::new(0),
        }))
    };
    assert_eq!(
        r.call(&attach_ctx(9, 1)),
        CtrlType::RESP_ERR_INVALID_CONTEXT_ID
    );
    assert_eq!(r.call(&ctx_create(9)), CtrlType::RESP_OK_NODATA);
    assert_eq!(
        r.call(&ctx_create(9)),
        CtrlType::RESP_ERR_INVALID_CONTEXT_ID
    );
    assert_eq!(
        r.call(&ctx_create(0)),
        CtrlType::RESP_ERR_INVALID_CONTEXT_ID
    );
    assert_eq!(
        r.call(&attach_ctx(9, 77)),
        CtrlType::RESP_ERR_INVALID_RESOURCE_ID
    );
    assert_eq!(
        r.call(&submit(hdr(5), &[])),
        CtrlType::RESP_ERR_INVALID_CONTEXT_ID
    );
    assert_eq!(
        r.call(&transfer_to_host(hdr(9), 77, 0, 4, 0)),
        CtrlType::RESP_ERR_INVALID_RESOURCE_ID
    );
    let unref = enc(&GpuCommand::ResourceUnref(&ResourceUnref {
        hdr: hdr(0),
        resource_id: Le32::new(77),
        padding: Le32::new(0),
    }));
    assert_eq!(r.call(&unref), CtrlType::RESP_ERR_INVALID_RESOURCE_ID);
    assert_eq!(
        r.call(&attach(77, &[(DATA, 64)])),
        CtrlType::RESP_ERR_INVALID_RESOURCE_ID
    );
    assert_eq!(
        r.call(&buffer(0, 64)),
        CtrlType::RESP_ERR_INVALID_RESOURCE_ID
    );
    assert_eq!(r.call(&buffer(3, 64)), CtrlType::RESP_OK_NODATA);
    assert_eq!(
        r.call(&buffer(3, 64)),
        CtrlType::RESP_ERR_INVALID_RESOURCE_ID
    );
    let destroy = enc(&GpuCommand::CtxDestroy(&hdr(4)));
    assert_eq!(r.call(&destroy), CtrlType::RESP_ERR_INVALID_CONTEXT_ID);
    r.still_serving();
}

#[test]
fn backing_pages_beyond_ram() {
    let mut r = Ring::new();
    assert_eq!(r.call(&buffer(1, 4096)), CtrlType::RESP_OK_NODATA);
    for entries in [
        vec![(RAM - 100, 4096)],
        vec![(DATA, 2048), (RAM, 2048)],
        vec![(u64::MAX - 10, 4096)],
        vec![(DATA, 0)],
    ] {
        assert_eq!(
            r.call(&attach(1, &entries)),
            CtrlType::RESP_ERR_INVALID_PARAMETER,
            "{entries:?}"
        );
    }
    // Still no backing: a transfer has nothing to read.
    assert_eq!(r.call(&ctx_create(1)), CtrlType::RESP_OK_NODATA);
    assert_eq!(
        r.call(&transfer_to_host(hdr(1), 1, 0, 16, 0)),
        CtrlType::RESP_ERR_UNSPEC
    );
    r.still_serving();
}

#[test]
fn transfers_past_the_end() {
    let mut r = Ring::new();
    assert_eq!(r.call(&ctx_create(1)), CtrlType::RESP_OK_NODATA);
    assert_eq!(r.call(&buffer(1, 4096)), CtrlType::RESP_OK_NODATA);
    let pages = r.data(&[7; 4096], 0);
    assert_eq!(
        r.call(&attach(1, &[(pages, 2048), (pages + 2048, 2048)])),
        CtrlType::RESP_OK_NODATA
    );
    assert_eq!(
        r.call(&transfer_to_host(hdr(1), 1, 0, 4096, 0)),
        CtrlType::RESP_OK_NODATA
    );
    // Past the resource's end.
    assert_eq!(
        r.call(&transfer_to_host(hdr(1), 1, 4000, 200, 0)),
        CtrlType::RESP_ERR_INVALID_PARAMETER
    );
    assert_eq!(
        r.call(&transfer_to_host(hdr(1), 1, u32::MAX, 2, 0)),
        CtrlType::RESP_ERR_INVALID_PARAMETER
    );
    // Past the backing's end.
    assert_eq!(
        r.call(&transfer_to_host(hdr(1), 1, 0, 200, 4000)),
        CtrlType::RESP_ERR_INVALID_PARAMETER
    );
    assert_eq!(
        r.call(&transfer_to_host(hdr(1), 1, 0, 16, u64::MAX - 4)),
        CtrlType::RESP_ERR_INVALID_PARAMETER
    );
    r.still_serving();
}

#[test]
fn fence_ids_out_of_order_are_refused() {
    let mut r = Ring::new();
    assert_eq!(r.call(&ctx_create(1)), CtrlType::RESP_OK_NODATA);
    assert_eq!(
        r.call(&submit(fenced(1, 7, Some(0)), &[])),
        CtrlType::RESP_OK_NODATA
    );
    assert_eq!(
        r.call(&submit(fenced(1, 5, Some(0)), &[])),
        CtrlType::RESP_ERR_INVALID_PARAMETER
    );
    assert_eq!(
        r.call(&submit(fenced(1, 7, Some(0)), &[])),
        CtrlType::RESP_ERR_INVALID_PARAMETER
    );
    // Other timelines are independent; ring indices stop at 63.
    assert_eq!(
        r.call(&submit(fenced(1, 5, Some(1)), &[])),
        CtrlType::RESP_OK_NODATA
    );
    assert_eq!(
        r.call(&submit(fenced(1, 5, None), &[])),
        CtrlType::RESP_OK_NODATA
    );
    assert_eq!(
        r.call(&submit(fenced(1, 9, Some(64)), &[])),
        CtrlType::RESP_ERR_INVALID_PARAMETER
    );
    assert_eq!(
        r.call(&submit(fenced(1, 8, Some(0)), &[])),
        CtrlType::RESP_OK_NODATA
    );
    r.still_serving();
}

#[test]
fn fences_complete_in_order_per_ring() {
    let mut r = Ring::new();
    assert_eq!(r.call(&ctx_create(1)), CtrlType::RESP_OK_NODATA);
    assert_eq!(r.call(&buffer(1, 1 << 16)), CtrlType::RESP_OK_NODATA);
    let pages = r.data(&[3; 1 << 16], 0);
    assert_eq!(
        r.call(&attach(1, &[(pages, 1 << 16)])),
        CtrlType::RESP_OK_NODATA
    );
    // Seven requests in flight at once: fenced uploads and submits on rings
    // 0 and 1 of context 1, interleaved, then an unfenced request.
    let mut sent = Vec::new();
    for i in 0..6u16 {
        let ring = (i % 2) as u8;
        let fence = 100 + u64::from(i);
        let req = if i % 3 == 0 {
            transfer_to_host(fenced(1, fence, Some(ring)), 1, 0, 1 << 16, 0)
        } else {
            submit(fenced(1, fence, Some(ring)), &[])
        };
        let at = r.send(i, &req, 64);
        sent.push((2 * i, at, ring, fence));
    }
    r.send(6, &enc(&GpuCommand::GetDisplayInfo(&hdr(0))), 512);
    let mut order = Vec::new();
    for _ in 0..10_000 {
        order.extend(r.used());
        if order.len() == 7 {
            break;
        }
        r.dev.wait(Duration::from_millis(1));
    }
    assert_eq!(order.len(), 7, "{order:?}");
    assert!(r.irqs.load(Ordering::Relaxed) > 0);
    for ring in 0..2u8 {
        let fences: Vec<u64> = order
            .iter()
            .filter_map(|&(head, _)| sent.iter().find(|s| u32::from(s.0) == head))
            .filter(|s| s.2 == ring)
            .map(|s| {
                let h: CtrlHdr = read_hdr(&r.mem, s.1);
                assert_eq!(h.ctrl_type(), CtrlType::RESP_OK_NODATA);
                assert_eq!(h.fence(), Some(s.3), "the response carries the fence");
                assert_eq!(h.ring(), Some(ring));
                s.3
            })
            .collect();
        let mut sorted = fences.clone();
        sorted.sort_unstable();
        assert_eq!(fences, sorted, "ring {ring} completed out of order");
        assert_eq!(fences.len(), 3);
    }
    assert_eq!(r.dev.pending_fences(), 0);
}

fn read_hdr(mem: &GuestMemoryMmap, at: u64) -> CtrlHdr {
    let mut b = [0u8; 24];
    mem.read_slice(&mut b, GuestAddress(at)).unwrap();
    let (h, _) = GpuResponse::decode(&b).unwrap();
    h
}

#[test]
fn readable_part_is_one_stream_across_descriptors() {
    let mut r = Ring::new();
    assert_eq!(r.call(&ctx_create(1)), CtrlType::RESP_OK_NODATA);
    // A fenced SUBMIT_3D cut at arbitrary points (inside the header, inside
    // the fixed part, between it and the commands) over four descriptors.
    let req = submit(fenced(1, 1, None), &[0; 8]);
    let cuts = [0, 10, 28, 32, req.len()];
    let resp = r.data(&[], 64);
    for (i, w) in cuts.windows(2).enumerate() {
        let part = r.data(&req[w[0]..w[1]], 0);
        let i = i as u16;
        r.desc(i, part, (w[1] - w[0]) as u32, F_NEXT, i + 1);
    }
    r.desc(4, resp, 64, F_WRITE, 0);
    r.publish(0);
    let (head, len) = r.wait_one();
    assert_eq!(head, 0);
    assert_eq!(r.response_type(resp, len), CtrlType::RESP_OK_NODATA);
    assert_eq!(read_hdr(&r.mem, resp).fence(), Some(1));
    // A readable descriptor after the writable one is refused.
    r.desc(4, resp, 64, F_WRITE | F_NEXT, 5);
    r.desc(5, resp, 8, 0, 0);
    r.publish(0);
    let (_, len) = r.wait_one();
    assert_eq!(r.response_type(resp, len), CtrlType::RESP_ERR_UNSPEC);
    r.still_serving();
}
