//! The device: queues in guest memory, the request loop, fenced completion
//! and the VMM-facing API. Requests are handled by [`Handler`]; its typed
//! replies become bytes here, once.

use super::chain::Chain;
use super::display::Display;
use super::fence::{Fences, Timeline};
use super::handler::{Frame, Handler, NUM_SCANOUTS};
use super::queue::DeviceQueue;
use crate::{RendererBackend, Usage};
use guest_protocol::le::Le32;
use guest_protocol::virtio_gpu::{
    Config, CtrlHdr, CtrlType, GpuCommand, GpuResponse, HdrFields, CONTROLQ, CURSORQ,
    F_CONTEXT_INIT, F_EDID, F_VIRGL, MAX_RING_IDX,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use virtio_queue::{Queue, QueueT};
use vm_memory::GuestMemoryMmap;

/// `VIRTIO_F_VERSION_1`.
pub const F_VERSION_1: u32 = 32;
/// Largest queue the device accepts.
pub const MAX_QUEUE_SIZE: u16 = 256;
/// Capsets offered: VIRGL and VIRGL2.
pub const NUM_CAPSETS: u32 = 2;

/// What the VMM gives the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceConfig {
    /// Size of scanout 0 in GET_DISPLAY_INFO / GET_EDID.
    pub width: u32,
    /// Height of scanout 0.
    pub height: u32,
}

impl Default for DeviceConfig {
    fn default() -> Self {
        Self {
            width: 1024,
            height: 768,
        }
    }
}

/// Why the VMM's queue setup was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueueError {
    /// Only queues 0 (control) and 1 (cursor) exist.
    #[error("no queue {0}")]
    NoQueue(u16),
    /// The size is 0, not a power of two or above the maximum, or the rings
    /// do not lie in guest memory.
    #[error("queue {0}: bad size or ring addresses")]
    Invalid(u16),
}

/// Counters the device publishes (for embedders and the replay report).
#[derive(Debug, Default)]
pub struct DeviceStats {
    /// Requests served on both queues.
    pub requests: AtomicU64,
    /// Requests answered with an error.
    pub errors: AtomicU64,
    /// SUBMIT_3Ds.
    pub submits: AtomicU64,
    /// virgl commands executed.
    pub commands: AtomicU64,
    /// virgl commands that failed (recorded against their context).
    pub command_errors: AtomicU64,
}

/// Callback raising the queue interrupt (argument: queue index).
pub type Interrupt = Box<dyn Fn(u16) + Send>;

/// A response ready for the used ring.
#[derive(Debug)]
struct Done {
    queue: u16,
    chain: Chain,
    bytes: Vec<u8>,
}

/// The virtio-gpu 3D device (see the module docs).
pub struct VirtioGpu {
    renderer: Box<dyn RendererBackend + Send>,
    handler: Handler,
    mem: GuestMemoryMmap,
    queues: [Option<Box<dyn DeviceQueue>>; 2],
    interrupt: Interrupt,
    fences: Fences<Done>,
    stats: Arc<DeviceStats>,
}

impl std::fmt::Debug for VirtioGpu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VirtioGpu")
            .field("handler", &self.handler)
            .field("pending_fences", &self.fences.pending())
            .finish_non_exhaustive()
    }
}

impl VirtioGpu {
    /// A device serving guest RAM `mem` with `renderer` (a
    /// [`Renderer`](crate::Renderer), or any [`RendererBackend`]);
    /// `interrupt` is called (on the thread calling into the device) when a
    /// queue's used ring got entries the driver wants to hear about.
    pub fn new(
        renderer: impl RendererBackend + Send + 'static,
        mem: GuestMemoryMmap,
        config: DeviceConfig,
        interrupt: Interrupt,
    ) -> Self {
        let stats = Arc::<DeviceStats>::default();
        let handler = Handler::new(&renderer, mem.clone(), config, Arc::clone(&stats));
        Self {
            renderer: Box::new(renderer),
            handler,
            mem,
            queues: [None, None],
            interrupt,
            fences: Fences::default(),
            stats,
        }
    }

    /// Feature bits offered: VIRGL, EDID, CONTEXT_INIT, VERSION_1.
    pub fn features(&self) -> u64 {
        [F_VIRGL, F_EDID, F_CONTEXT_INIT, F_VERSION_1]
            .iter()
            .fold(0, |acc, bit| acc | 1u64 << bit)
    }

    /// The config space (`struct virtio_gpu_config`).
    pub fn config_space(&self) -> Config {
        Config {
            events_read: Le32::new(0),
            events_clear: Le32::new(0),
            num_scanouts: Le32::new(NUM_SCANOUTS as u32),
            num_capsets: Le32::new(NUM_CAPSETS),
        }
    }

    /// The counters, shared (they keep counting after the call).
    pub fn stats(&self) -> Arc<DeviceStats> {
        Arc::clone(&self.stats)
    }

    /// The latest frame flushed to a scanout, if one came since the last call.
    pub fn take_frame(&mut self) -> Option<Frame> {
        self.handler.take_frame()
    }

    /// The cursor: `(resource_id, x, y)` of the last UPDATE/MOVE_CURSOR.
    pub fn cursor(&self) -> Option<(u32, u32, u32)> {
        self.handler.cursor()
    }

    /// Activates queue `idx` with the driver's ring addresses (guest-physical).
    pub fn set_queue(
        &mut self,
        idx: u16,
        size: u16,
        desc: u64,
        avail: u64,
        used: u64,
    ) -> Result<(), QueueError> {
        let slot = self
            .queues
            .get_mut(usize::from(idx))
            .ok_or(QueueError::NoQueue(idx))?;
        let mut q = Queue::new(MAX_QUEUE_SIZE).map_err(|_| QueueError::Invalid(idx))?;
        q.set_size(size);
        let split = |a: u64| (Some(a as u32), Some((a >> 32) as u32));
        let (lo, hi) = split(desc);
        q.set_desc_table_address(lo, hi);
        let (lo, hi) = split(avail);
        q.set_avail_ring_address(lo, hi);
        let (lo, hi) = split(used);
        q.set_used_ring_address(lo, hi);
        q.set_ready(true);
        if !q.is_valid(&self.mem) || q.size() != size {
            return Err(QueueError::Invalid(idx));
        }
        *slot = Some(Box::new(q));
        Ok(())
    }

    /// Serves queue `idx` from rings the VMM keeps itself (a vhost-user
    /// daemon's vrings); the device pops, answers and asks for interrupts
    /// through `queue`.
    pub fn attach_queue(
        &mut self,
        idx: u16,
        queue: Box<dyn DeviceQueue>,
    ) -> Result<(), QueueError> {
        let slot = self
            .queues
            .get_mut(usize::from(idx))
            .ok_or(QueueError::NoQueue(idx))?;
        *slot = Some(queue);
        Ok(())
    }

    /// Replaces guest RAM (the VMM's memory map changed). Backings already
    /// attached keep the map they were checked against.
    pub fn set_memory(&mut self, mem: GuestMemoryMmap) {
        self.handler.set_memory(mem.clone());
        self.mem = mem;
    }

    /// Shows scanouts and the cursor on `display` and asks it for display
    /// modes, instead of the device's own (see [`Display`]).
    pub fn set_display(&mut self, display: Option<Box<dyn Display>>) {
        self.handler.set_display(display);
    }

    /// Device reset: every context and resource the guest made is
    /// destroyed, fenced requests still waiting are dropped unanswered
    /// (their rings are being reset), scanouts, cursor and fence timelines
    /// start afresh. Queues and the display stay attached.
    pub fn reset(&mut self) {
        self.handler.reset(&mut *self.renderer);
        self.fences = Fences::default();
    }

    /// The watchdog's way out of GPU work that does not finish: destroys
    /// every context (their work is what hangs) and answers each fenced
    /// request still waiting with `ERR_UNSPEC`; resources stay. Returns how
    /// many requests were answered.
    pub fn abandon_fences(&mut self) -> usize {
        self.handler.destroy_contexts(&mut *self.renderer);
        let mut held = self.fences.take_all();
        for d in &mut held {
            let fields = GpuResponse::decode(&d.bytes)
                .map(|(h, _)| h.fields())
                .unwrap_or_default();
            d.bytes.clear();
            GpuResponse::ErrUnspec.encode(fields, &mut d.bytes);
        }
        let n = held.len();
        self.stats.errors.fetch_add(n as u64, Ordering::Relaxed);
        self.complete(held);
        n
    }

    /// Contexts and resources the guest holds now.
    pub fn objects(&self) -> (usize, usize) {
        self.handler.objects()
    }

    /// What the renderer holds now (see [`RendererBackend::usage`]).
    pub fn renderer_usage(&self) -> Option<Usage> {
        self.renderer.usage()
    }

    /// Deactivates queue `idx` (device reset).
    pub fn reset_queue(&mut self, idx: u16) {
        if let Some(slot) = self.queues.get_mut(usize::from(idx)) {
            *slot = None;
        }
    }

    /// The driver notified queue `idx`: serves every available request,
    /// then completes fenced work already done.
    pub fn notify(&mut self, idx: u16) {
        let mut done = Vec::new();
        while let Some(chain) = self.pop(idx) {
            self.serve(idx, chain, &mut done);
        }
        self.complete(done);
        self.poll();
    }

    /// Completes fenced requests whose GPU work finished; returns how many
    /// are still waiting. Call it when the VMM's loop is idle, or use
    /// [`VirtioGpu::wait`].
    pub fn poll(&mut self) -> usize {
        if self.fences.pending() > 0 {
            if let Some(seq) = self.renderer.poll_fences().into_iter().max() {
                self.fences.signalled(seq);
            }
            let done = self.fences.take_done();
            self.complete(done);
        }
        self.fences.pending()
    }

    /// Blocks (in the GPU driver, not a sleep loop) up to `timeout` for
    /// outstanding GPU work, then [`poll`](Self::poll)s.
    pub fn wait(&mut self, timeout: Duration) -> usize {
        if self.fences.pending() > 0 {
            self.renderer.wait(Some(timeout));
        }
        self.poll()
    }

    /// Fenced requests waiting for the GPU.
    pub fn pending_fences(&self) -> usize {
        self.fences.pending()
    }

    fn pop(&mut self, idx: u16) -> Option<(Chain, Result<(), super::ChainError>)> {
        let q = self.queues.get_mut(usize::from(idx))?.as_mut()?;
        let chain = q.pop(&self.mem)?;
        Some(Chain::read(&self.mem, chain))
    }

    fn serve(
        &mut self,
        idx: u16,
        (chain, read): (Chain, Result<(), super::ChainError>),
        done: &mut Vec<Done>,
    ) {
        self.stats.requests.fetch_add(1, Ordering::Relaxed);
        let room = chain.writable_len();
        let mut bytes = Vec::new();
        let decoded = match read {
            Ok(()) => GpuCommand::decode(&chain.request).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        let fenced = match decoded {
            Err(msg) => {
                tracing::debug!("virtio-gpu: bad request: {msg}");
                let submit =
                    chain.request.get(..4) == Some(&CtrlType::CMD_SUBMIT_3D.0.to_le_bytes()[..]);
                let resp = if submit {
                    GpuResponse::ErrInvalidParameter
                } else {
                    GpuResponse::ErrUnspec
                };
                encode(&resp, HdrFields::default(), room, &self.stats, &mut bytes);
                None
            }
            Ok((hdr, cmd)) => self.dispatch(idx, &hdr, cmd, room, &mut bytes),
        };
        let d = Done {
            queue: idx,
            chain,
            bytes,
        };
        match fenced {
            Some(timeline) => {
                let seq = self.fences.next_seq();
                self.renderer.create_fence(seq);
                self.fences.hold(timeline, seq, d);
            }
            None => done.push(d),
        }
    }

    /// Checks the fence, runs the command and encodes its reply into `out`
    /// (`room` bytes fit); returns the timeline when the reply must wait for
    /// the GPU.
    fn dispatch(
        &mut self,
        idx: u16,
        hdr: &CtrlHdr,
        cmd: GpuCommand<'_>,
        room: u64,
        out: &mut Vec<u8>,
    ) -> Option<Timeline> {
        let fields = HdrFields::reply_to(hdr);
        if idx == CURSORQ {
            let resp = self.handler.cursor_command(&mut *self.renderer, cmd);
            encode(&resp, fields, room, &self.stats, out);
            return None;
        }
        let fenced = match hdr.fence() {
            None => None,
            Some(fence_id) => {
                let timeline = match hdr.ring() {
                    None => None,
                    Some(ring) if ring <= MAX_RING_IDX => Some((hdr.ctx_id.get(), ring)),
                    Some(_) => {
                        let resp = GpuResponse::ErrInvalidParameter;
                        encode(&resp, fields, room, &self.stats, out);
                        return None;
                    }
                };
                if let Err(e) = self.fences.accept(timeline, fence_id) {
                    tracing::debug!("virtio-gpu: {e}");
                    let resp = GpuResponse::ErrInvalidParameter;
                    encode(&resp, fields, room, &self.stats, out);
                    return None;
                }
                Some(timeline)
            }
        };
        let resp = self.handler.control(&mut *self.renderer, hdr, cmd);
        encode(&resp, fields, room, &self.stats, out);
        fenced
    }

    fn complete(&mut self, done: Vec<Done>) {
        let mut raise = [false; 2];
        for d in done {
            let Some(q) = self
                .queues
                .get_mut(usize::from(d.queue))
                .and_then(Option::as_mut)
            else {
                continue;
            };
            let len = d.chain.respond(&self.mem, &d.bytes);
            if q.add_used(&self.mem, d.chain.head, len).is_err() {
                tracing::warn!("virtio-gpu: used ring of queue {} not writable", d.queue);
                continue;
            }
            if let Some(r) = raise.get_mut(usize::from(d.queue)) {
                *r = true;
            }
        }
        for (idx, q) in [CONTROLQ, CURSORQ].into_iter().zip(self.queues.iter_mut()) {
            let wanted = raise.get(usize::from(idx)).copied().unwrap_or(false);
            if let (true, Some(q)) = (wanted, q.as_mut()) {
                if q.needs_notification(&self.mem) {
                    (self.interrupt)(idx);
                }
            }
        }
    }
}

/// The one place a reply becomes bytes: `resp` encoded into `out`, or
/// ERR_INVALID_PARAMETER with the same header fields when `resp` does not
/// fit the chain's `room` writable bytes (nothing is written when even that
/// does not fit); error replies are counted.
fn encode(
    resp: &GpuResponse<'_>,
    fields: HdrFields,
    room: u64,
    stats: &DeviceStats,
    out: &mut Vec<u8>,
) {
    let too_big = GpuResponse::ErrInvalidParameter;
    let resp = if resp.encoded_len() as u64 <= room {
        resp
    } else {
        &too_big
    };
    if !resp.is_ok() {
        stats.errors.fetch_add(1, Ordering::Relaxed);
    }
    resp.encode(fields, out);
}
