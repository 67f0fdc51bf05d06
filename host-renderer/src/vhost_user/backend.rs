//! The `VhostUserBackend` of one VM connection: the device model behind
//! rust-vmm's vhost-user daemon.
//!
//! * Requests: a kick on vring 0 (control) or 1 (cursor) runs
//!   [`VirtioGpu::notify`] on that vring, lent as the device's queue.
//! * Fences: while fenced requests wait for the GPU, a 1 ms timerfd on the
//!   daemon's epoll loop polls the renderer and completes what finished; it is
//!   disarmed when nothing waits. The watchdog: fenced work that made no
//!   progress for `--gpu-timeout-ms` gets the guest's contexts destroyed and
//!   its waiting requests answered with an error (logged); the device goes on.
//! * Lifecycle: QEMU stops the vrings (GET_VRING_BASE) when the guest resets
//!   the device, reboots or is paused; the backend then lets the GPU finish
//!   what the rings hold. When the vrings start again from index 0 the
//!   driver started afresh (a paused VM resumes where it stopped), so the
//!   device is reset first: every context and resource is gone. A new display
//!   socket arrives with every start.
//! * Every callback answers; none returns an error to the daemon (that would
//!   end its worker thread): problems are logged and the guest gets an error
//!   response where the protocol has one.

use super::display::{DisplayStats, SocketDisplay};
use super::vring::Vring;
use super::Options;
use crate::virtio::{DeviceStats, VirtioGpu};
use crate::{RendererBackend, Usage};
use guest_protocol::virtio_gpu::{CONTROLQ, CURSORQ};
use parking_lot::Mutex;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use vhost::vhost_user::message::{VhostUserProtocolFeatures, VhostUserVirtioFeatures};
use vhost::vhost_user::GpuBackend;
use vhost_user_backend::{VhostUserBackend, VringRwLock, VringT};
use vm_memory::{GuestAddressSpace, GuestMemoryAtomic, GuestMemoryMmap};
use vmm_sys_util::epoll::EventSet;
use vmm_sys_util::event::{
    new_event_consumer_and_notifier, EventConsumer, EventFlag, EventNotifier,
};
use vmm_sys_util::timerfd::TimerFd;

/// `VIRTIO_RING_F_INDIRECT_DESC`: chains may continue in an indirect
/// table (`virtio-queue` follows it, checking it against guest RAM).
const VIRTIO_RING_F_INDIRECT_DESC: u32 = 28;
/// `VIRTIO_RING_F_EVENT_IDX`: notifications suppressed by ring indices.
const VIRTIO_RING_F_EVENT_IDX: u32 = 29;
/// `VIRTIO_F_RING_RESET`: QEMU's PCI transport offers it to the guest and
/// passes what the guest acked on; the Linux virtio-gpu driver never resets
/// a single queue, and QEMU does not forward such a reset to vhost-user.
const VIRTIO_F_RING_RESET: u32 = 40;
/// Queues: control and cursor.
pub const NUM_QUEUES: usize = 2;
/// Epoll event id of the fence timer (ids up to [`NUM_QUEUES`] are the
/// vrings' and the exit event's).
pub const FENCE_TIMER: u16 = NUM_QUEUES as u16 + 1;
/// How often waiting fences are polled.
const FENCE_POLL: Duration = Duration::from_millis(1);
/// Slice of a blocking wait for the GPU when the vrings stop.
const DRAIN_SLICE: Duration = Duration::from_millis(10);

/// What one connection did, for the daemon's report and the leak checks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Requests served on both queues.
    pub requests: u64,
    /// Requests answered with an error.
    pub errors: u64,
    /// Frames handed to QEMU's display (UPDATE messages).
    pub frames: u64,
    /// Device resets (the driver started afresh, or QEMU asked).
    pub resets: u64,
    /// Watchdog expiries.
    pub watchdog: u64,
    /// Contexts and resources the guest held when the connection ended.
    pub guest_objects: (usize, usize),
    /// Resources the renderer held when the connection ended, after the
    /// device dropped the guest's.
    pub renderer_resources: usize,
    /// Host memory the renderer accounted for then.
    pub renderer_memory: u64,
}

/// The backend (shared by the daemon's threads).
pub struct Backend {
    state: Mutex<State>,
    /// Guest RAM QEMU sent last, for the device's next event: taking the
    /// device's lock in the protocol thread could wait on a worker that
    /// waits on QEMU's display socket while QEMU waits for our reply.
    new_memory: Mutex<Option<GuestMemoryMmap>>,
    features: u64,
    config: Vec<u8>,
    exit: (EventConsumer, EventNotifier),
    /// The exit-event fds handed to the daemon's workers (see
    /// [`Backend::close_exit_events`]).
    exit_fds: Mutex<Vec<RawFd>>,
    timer_fd: RawFd,
    vrings: Arc<OnceLock<Vec<VringRwLock>>>,
    display_stats: Arc<DisplayStats>,
    device_stats: Arc<DeviceStats>,
    /// [`Options::dmabuf_scanouts`].
    dmabuf_scanouts: bool,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend").finish_non_exhaustive()
    }
}

struct State {
    /// `None` once the connection ended.
    device: Option<VirtioGpu>,
    timer: TimerFd,
    timer_armed: bool,
    /// The vrings serve (between a start and QEMU's GET_VRING_BASE).
    running: bool,
    /// The vrings started before (a later start from index 0 is a reset).
    started_once: bool,
    /// When waiting fences last completed or began to wait.
    progress: Instant,
    gpu_timeout: Duration,
    keep_frames: bool,
    last_frame: Option<crate::virtio::Frame>,
    summary: Summary,
}

impl Backend {
    /// A backend serving the guest with `renderer` (which applies its
    /// quotas itself; empty guest RAM until QEMU sends its memory map).
    pub fn new(
        renderer: impl RendererBackend + Send + 'static,
        options: &Options,
    ) -> io::Result<Self> {
        let vrings: Arc<OnceLock<Vec<VringRwLock>>> = Arc::default();
        let irq_vrings = Arc::clone(&vrings);
        let device = VirtioGpu::new(
            renderer,
            GuestMemoryMmap::default(),
            options.config,
            Box::new(move |queue| {
                let vring = irq_vrings.get().and_then(|v| v.get(usize::from(queue)));
                if let Some(Err(e)) = vring.map(VringT::signal_used_queue) {
                    tracing::debug!("vhost-user: interrupt on queue {queue}: {e}");
                }
            }),
        );
        let features = device.features()
            | VhostUserVirtioFeatures::PROTOCOL_FEATURES.bits()
            | 1 << VIRTIO_RING_F_INDIRECT_DESC
            | 1 << VIRTIO_RING_F_EVENT_IDX
            | 1 << VIRTIO_F_RING_RESET;
        let config = bytemuck::bytes_of(&device.config_space()).to_vec();
        let device_stats = device.stats();
        let timer = TimerFd::new()?;
        let timer_fd = timer.as_raw_fd();
        Ok(Self {
            state: Mutex::new(State {
                device: Some(device),
                timer,
                timer_armed: false,
                running: false,
                started_once: false,
                progress: Instant::now(),
                gpu_timeout: options.gpu_timeout,
                keep_frames: options.last_frame.is_some(),
                last_frame: None,
                summary: Summary::default(),
            }),
            new_memory: Mutex::new(None),
            features,
            config,
            exit: new_event_consumer_and_notifier(EventFlag::NONBLOCK)?,
            exit_fds: Mutex::new(Vec::new()),
            timer_fd,
            vrings,
            display_stats: Arc::default(),
            dmabuf_scanouts: options.dmabuf_scanouts,
            device_stats,
        })
    }

    /// The fence timer, for the daemon's epoll loop ([`FENCE_TIMER`]).
    pub fn timer_fd(&self) -> RawFd {
        self.timer_fd
    }

    /// Closes the exit-event fds the daemon's workers were given.
    /// vhost-user-backend 0.24 (pinned) registers each with `into_raw_fd`
    /// and never closes it: one fd per connection would leak. Call only
    /// once the daemon, and with it every worker and epoll instance, is gone.
    pub(super) fn close_exit_events(&self) {
        for fd in self.exit_fds.lock().drain(..) {
            // SAFETY: `fd` is the consumer this backend handed to a worker,
            // whose library code gave up ownership (`into_raw_fd`) and only
            // registered it with its own epoll; that worker and epoll are
            // dropped (the caller's contract), so nothing else owns or uses
            // this descriptor number.
            drop(unsafe { OwnedFd::from_raw_fd(fd) });
        }
    }

    /// Ends the connection: drops everything the guest held and the
    /// renderer; returns what was held and what the renderer still had.
    pub fn finish(&self) -> (Summary, Option<crate::virtio::Frame>) {
        let mut st = self.state.lock();
        let mut summary = st.summary;
        summary.requests = self.device_stats.requests.load(Ordering::Relaxed);
        summary.errors = self.device_stats.errors.load(Ordering::Relaxed);
        summary.frames = self.display_stats.updates.load(Ordering::Relaxed);
        st.keep_frame();
        if let Some(mut device) = st.device.take() {
            summary.guest_objects = device.objects();
            device.reset();
            let usage = device.renderer_usage().unwrap_or_else(|| {
                tracing::warn!("vhost-user: the renderer does not tell what it still holds");
                Usage::default()
            });
            summary.renderer_resources = usage.resources;
            summary.renderer_memory = usage.memory;
        }
        (summary, st.last_frame.take())
    }
}

impl State {
    /// The first event after the vrings (re)started: lend them to the device
    /// (once), reset the device if the driver started afresh.
    fn start(&mut self, vrings: &[VringRwLock], lent: &OnceLock<Vec<VringRwLock>>) {
        if self.running {
            return;
        }
        let Some(device) = self.device.as_mut() else {
            return;
        };
        if lent.set(vrings.to_vec()).is_ok() {
            for (idx, vring) in [CONTROLQ, CURSORQ].into_iter().zip(vrings) {
                if let Err(e) = device.attach_queue(idx, Box::new(Vring(vring.clone()))) {
                    tracing::warn!("vhost-user: {e}");
                }
            }
        }
        let fresh = vrings
            .get(usize::from(CONTROLQ))
            .is_some_and(|v| v.queue_next_avail() == 0);
        if self.started_once && fresh {
            let (contexts, resources) = device.objects();
            tracing::info!(
                "vhost-user: the driver restarted the device: reset ({contexts} contexts, {resources} resources dropped)"
            );
            device.reset();
            self.summary.resets += 1;
        }
        self.running = true;
        self.started_once = true;
    }

    /// Completes finished fenced requests; the watchdog.
    fn poll(&mut self) {
        let Some(device) = self.device.as_mut() else {
            return;
        };
        let before = device.pending_fences();
        let after = device.poll();
        if after < before {
            self.progress = Instant::now();
        }
        if after > 0 && self.progress.elapsed() > self.gpu_timeout {
            let (contexts, _) = device.objects();
            let answered = device.abandon_fences();
            tracing::warn!(
                "vhost-user: GPU work still running after the {:?} watchdog limit (--gpu-timeout-ms): \
                 {contexts} contexts destroyed, {answered} waiting requests answered with an error",
                self.gpu_timeout
            );
            self.summary.watchdog += 1;
        }
    }

    /// Arms the fence timer while fenced requests wait, disarms it after.
    fn schedule(&mut self) {
        let pending = self.device.as_ref().map_or(0, VirtioGpu::pending_fences);
        if pending > 0 && !self.timer_armed {
            self.progress = Instant::now();
            match self.timer.reset(FENCE_POLL, Some(FENCE_POLL)) {
                Ok(()) => self.timer_armed = true,
                Err(e) => tracing::warn!("vhost-user: fence timer: {e}"),
            }
        } else if pending == 0 && self.timer_armed {
            match self.timer.clear() {
                Ok(()) => self.timer_armed = false,
                Err(e) => tracing::warn!("vhost-user: fence timer: {e}"),
            }
        }
    }

    fn keep_frame(&mut self) {
        if !self.keep_frames {
            return;
        }
        if let Some(f) = self.device.as_mut().and_then(VirtioGpu::take_frame) {
            self.last_frame = Some(f);
        }
    }
}

impl VhostUserBackend for Backend {
    type Bitmap = ();
    type Vring = VringRwLock;

    fn num_queues(&self) -> usize {
        NUM_QUEUES
    }

    fn max_queue_size(&self) -> usize {
        usize::from(crate::virtio::MAX_QUEUE_SIZE)
    }

    fn features(&self) -> u64 {
        self.features
    }

    fn protocol_features(&self) -> VhostUserProtocolFeatures {
        VhostUserProtocolFeatures::CONFIG
            | VhostUserProtocolFeatures::MQ
            | VhostUserProtocolFeatures::REPLY_ACK
            | VhostUserProtocolFeatures::CONFIGURE_MEM_SLOTS
    }

    fn reset_device(&self) {
        let mut st = self.state.lock();
        if let Some(d) = st.device.as_mut() {
            d.reset();
        }
        st.summary.resets += 1;
        st.running = false;
    }

    fn set_event_idx(&self, _enabled: bool) {
        // VIRTIO_RING_F_EVENT_IDX is not offered.
    }

    fn get_config(&self, offset: u32, size: u32) -> Vec<u8> {
        let start = offset as usize;
        start
            .checked_add(size as usize)
            .and_then(|end| self.config.get(start..end))
            .map(<[u8]>::to_vec)
            .unwrap_or_default()
    }

    fn update_memory(&self, mem: GuestMemoryAtomic<GuestMemoryMmap>) -> io::Result<()> {
        *self.new_memory.lock() = Some(GuestMemoryMmap::clone(&mem.memory()));
        Ok(())
    }

    fn set_gpu_socket(&self, socket: GpuBackend) -> io::Result<()> {
        let display = SocketDisplay::new(
            socket,
            Arc::clone(&self.display_stats),
            self.dmabuf_scanouts,
        );
        if let Some(d) = self.state.lock().device.as_mut() {
            d.set_display(Some(Box::new(display)));
        }
        Ok(())
    }

    fn exit_event(&self, _thread_index: usize) -> Option<(EventConsumer, EventNotifier)> {
        let consumer = self.exit.0.try_clone().ok()?;
        self.exit_fds.lock().push(consumer.as_raw_fd());
        Some((consumer, self.exit.1.try_clone().ok()?))
    }

    fn stop_vring(&self, _queue_index: u32) -> io::Result<()> {
        let mut st = self.state.lock();
        st.running = false;
        let limit = st.gpu_timeout;
        if let Some(d) = st.device.as_mut() {
            // Let the GPU finish what the rings hold, so their indices are
            // final when QEMU reads them back.
            let start = Instant::now();
            while d.pending_fences() > 0 && start.elapsed() < limit {
                d.wait(DRAIN_SLICE);
            }
        }
        st.keep_frame();
        st.schedule();
        Ok(())
    }

    fn handle_event(
        &self,
        device_event: u16,
        _evset: EventSet,
        vrings: &[VringRwLock],
        _thread_id: usize,
    ) -> io::Result<()> {
        let mut st = self.state.lock();
        if let (Some(mem), Some(d)) = (self.new_memory.lock().take(), st.device.as_mut()) {
            d.set_memory(mem);
        }
        match device_event {
            CONTROLQ | CURSORQ => {
                st.start(vrings, &self.vrings);
                let vring = vrings.get(usize::from(device_event));
                loop {
                    let before = self.device_stats.requests.load(Ordering::Relaxed);
                    if let Some(d) = st.device.as_mut() {
                        d.notify(device_event);
                    }
                    let served = self.device_stats.requests.load(Ordering::Relaxed) > before;
                    // With EVENT_IDX the driver kicks again only for entries
                    // past the index published here: serve what came
                    // meanwhile. Not when nothing could be served (a stopped
                    // ring, or a hostile avail index): that would spin.
                    let more = matches!(vring.map(VringT::enable_notification), Some(Ok(true)));
                    if !(served && more) {
                        break;
                    }
                }
                st.keep_frame();
            }
            FENCE_TIMER => {
                if st.timer_armed {
                    let _ = st.timer.wait();
                }
                st.poll();
            }
            other => tracing::debug!("vhost-user: unexpected event {other}"),
        }
        st.schedule();
        Ok(())
    }
}
