//! Fuzz the device's control path as the vhost-user backend sees it:
//! `pv3d vhost-user`'s `Backend` with two daemon vrings over 1 MiB of guest
//! RAM, fed chains the harness lays out from the input, kicked through
//! `handle_event`, fences polled through the timer event, then the rings
//! stopped and the connection finished; the renderer's resources are held
//! to 64 MiB. Nothing may panic; every used
//! element must name a published head and fit its writable buffers; after
//! the finish the renderer must hold nothing (no leak).
//!
//! Input: records of `u8 shape, u16 len (LE), len bytes of request`.
//! Shape bits: 0 = cursor queue; bits 1-2 = layout (0: request + response
//! descriptors, 1: request split over two descriptors, 2: an indirect table,
//! 3: the request straddling the end of RAM); bit 3 = the response
//! descriptor loops onto itself; 4-7 = response room, 16 << (bits 4-7) bytes (capped
//! at 64 KiB). Requests may point at the scratch area (`SCRATCH`..RAM) as
//! backing memory. Seeds: `cargo run -p pv3d-tests --example fuzz_seeds`.
#![no_main]

use host_renderer::vhost_user::{Backend, Options, FENCE_TIMER};
use host_renderer::{Gpu, Quotas, Renderer};
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};
use vhost_user_backend::{VhostUserBackend, VringRwLock, VringT};
use vm_memory::{Bytes, GuestAddress, GuestMemoryAtomic, GuestMemoryMmap};
use vmm_sys_util::epoll::EventSet;

const RAM: u64 = 1 << 20;
const QSIZE: u16 = 16;
/// Rings of queue q at `0x1000 + q * 0x3000`: table, avail, used.
const RINGS: u64 = 0x1000;
/// Requests, responses and indirect tables are laid out from here.
const DATA: u64 = 0x10000;
/// Left zeroed for the input's backings.
const SCRATCH: u64 = 0x80000;
/// Records one input may hold.
const MAX_RECORDS: usize = 32;

fn gpu() -> &'static Arc<Gpu> {
    static GPU: OnceLock<Arc<Gpu>> = OnceLock::new();
    GPU.get_or_init(|| Gpu::new().expect("a Vulkan adapter (lavapipe) is needed"))
}

fn rings(q: u16) -> (u64, u64, u64) {
    let base = RINGS + u64::from(q) * 0x3000;
    (base, base + 0x1000, base + 0x2000)
}

fn desc(mem: &GuestMemoryMmap, table: u64, i: u16, addr: u64, len: u32, flags: u16, next: u16) {
    let mut d = [0u8; 16];
    d[..8].copy_from_slice(&addr.to_le_bytes());
    d[8..12].copy_from_slice(&len.to_le_bytes());
    d[12..14].copy_from_slice(&flags.to_le_bytes());
    d[14..].copy_from_slice(&next.to_le_bytes());
    let _ = mem.write_slice(&d, GuestAddress(table + 16 * u64::from(i)));
}

const F_NEXT: u16 = 1;
const F_WRITE: u16 = 2;
const F_INDIRECT: u16 = 4;

/// Per queue: avail index published, used index seen, and the writable
/// room of each head in flight.
#[derive(Default)]
struct Queue {
    avail: u16,
    used: u16,
    room: [Option<u32>; QSIZE as usize],
}

fuzz_target!(|data: &[u8]| {
    let mem = GuestMemoryMmap::from_ranges(&[(GuestAddress(0), RAM as usize)]).unwrap();
    let atomic = GuestMemoryAtomic::new(mem.clone());
    // Resources within 64 MiB: larger ones, up to the default quota's 2 GiB
    // per input, only grow the process past libFuzzer's memory limit over a
    // run (the quota itself is what they would test: its errors are taken).
    let mut renderer = Renderer::new(Arc::clone(gpu()));
    renderer.set_quotas(Quotas {
        resource_memory: 64 << 20,
        ..Quotas::DEFAULT
    });
    let backend = Backend::new(renderer, &Options::default()).unwrap();
    backend.update_memory(atomic.clone()).unwrap();
    let vrings: Vec<VringRwLock> = (0..2u16)
        .map(|q| {
            let v = VringRwLock::new(atomic.clone(), QSIZE).unwrap();
            let (d, a, u) = rings(q);
            v.set_queue_size(QSIZE);
            v.set_queue_info(d, a, u).unwrap();
            v.set_queue_ready(true);
            v.set_enabled(true);
            v
        })
        .collect();
    let mut queues = [Queue::default(), Queue::default()];
    let mut next = DATA;
    let mut at = 0usize;
    for _ in 0..MAX_RECORDS {
        let Some(&shape) = data.get(at) else { break };
        let len = data
            .get(at + 1..at + 3)
            .map_or(0, |b| usize::from(u16::from_le_bytes([b[0], b[1]])));
        let req = data.get(at + 3..).unwrap_or_default();
        let req = &req[..len.min(req.len())];
        at += 3 + req.len();
        let q = u16::from(shape & 1);
        let state = &mut queues[usize::from(q)];
        let head = state.avail % QSIZE;
        if state.room[usize::from(head)].is_some() {
            continue; // still in flight: the guest would not reuse it
        }
        let room = (16u32 << (shape >> 4)).min(64 << 10);
        // Request, response and a 2-entry indirect table, 16-byte aligned.
        let need = req.len() as u64 + u64::from(room) + 64;
        if next + need > SCRATCH {
            break;
        }
        let (rq, resp, ind) = (
            next,
            next + req.len() as u64,
            next + req.len() as u64 + u64::from(room),
        );
        next = (ind + 32).next_multiple_of(16);
        let _ = mem.write_slice(req, GuestAddress(rq));
        let (table, avail, _) = rings(q);
        // Descriptors head, head+1, head+2 (mod 16): popped chains were
        // copied, so later records may reuse their slots.
        let d0 = head;
        let d1 = (head + 1) % QSIZE;
        let d2 = (head + 2) % QSIZE;
        let loop_flag = if shape & 8 != 0 { F_NEXT } else { 0 };
        let rlen = req.len() as u32;
        match (shape >> 1) & 3 {
            0 => {
                desc(&mem, table, d0, rq, rlen, F_NEXT, d1);
                desc(&mem, table, d1, resp, room, F_WRITE | loop_flag, d1);
            }
            1 => {
                let half = rlen / 2;
                desc(&mem, table, d0, rq, half, F_NEXT, d1);
                desc(
                    &mem,
                    table,
                    d1,
                    rq + u64::from(half),
                    rlen - half,
                    F_NEXT,
                    d2,
                );
                desc(&mem, table, d2, resp, room, F_WRITE | loop_flag, d2);
            }
            2 => {
                desc(&mem, ind, 0, rq, rlen, F_NEXT, 1);
                desc(&mem, ind, 1, resp, room, F_WRITE | loop_flag, 1);
                desc(&mem, table, d0, ind, 32, F_INDIRECT, 0);
            }
            _ => {
                desc(&mem, table, d0, RAM - 8, rlen.max(16), F_NEXT, d1);
                desc(&mem, table, d1, resp, room, F_WRITE, 0);
            }
        }
        state.room[usize::from(head)] = Some(room);
        let slot = avail + 4 + 2 * u64::from(state.avail % QSIZE);
        let _ = mem.write_obj(d0, GuestAddress(slot));
        state.avail = state.avail.wrapping_add(1);
        let _ = mem.write_obj(state.avail, GuestAddress(avail + 2));
        backend.handle_event(q, EventSet::IN, &vrings, 0).unwrap();
        backend
            .handle_event(FENCE_TIMER, EventSet::IN, &vrings, 0)
            .unwrap();
        check_used(&mem, q, &mut queues[usize::from(q)]);
    }
    for q in 0..2u16 {
        backend.stop_vring(u32::from(q)).unwrap();
        check_used(&mem, q, &mut queues[usize::from(q)]);
    }
    let (summary, _) = backend.finish();
    assert_eq!(summary.renderer_resources, 0, "{summary:?}");
    assert_eq!(summary.renderer_memory, 0, "{summary:?}");
});

/// Every new used element names a head in flight and fits its room.
fn check_used(mem: &GuestMemoryMmap, q: u16, state: &mut Queue) {
    let (_, _, used) = rings(q);
    let idx: u16 = mem.read_obj(GuestAddress(used + 2)).unwrap();
    while state.used != idx {
        let at = used + 4 + 8 * u64::from(state.used % QSIZE);
        let id: u32 = mem.read_obj(GuestAddress(at)).unwrap();
        let len: u32 = mem.read_obj(GuestAddress(at + 4)).unwrap();
        let slot = state.room.get_mut(id as usize).and_then(Option::take);
        let room = slot.unwrap_or_else(|| panic!("used element {id} was not in flight"));
        assert!(len <= room, "{len} bytes written into {room}");
        state.used = state.used.wrapping_add(1);
    }
}
