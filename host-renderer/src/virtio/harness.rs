//! The in-process harness: a guest driver ([`Gpu3d`]) and the device
//! ([`VirtioGpu`]) sharing one memory region that stands for guest RAM.
//!
//! * [`GuestRam`]: one anonymous mapping of [`RAM_BYTES`] (pages are only
//!   made resident when touched) as `vm-memory` guest memory at guest
//!   address 0, with a page allocator. It is process-wide because
//!   `virtio-drivers`' [`Hal`] has no state: every harness in the process
//!   allocates from it (each device still checks every access against it).
//! * [`HarnessHal`]: DMA pages come from that RAM (guest-physical address =
//!   offset in the RAM); buffers the driver shares are bounced through
//!   freshly allocated RAM pages, as a confidential guest would.
//! * [`HarnessTransport`]: the driver's side of the device registers: feature
//!   and status handshake, config space, and queue addresses and
//!   notifications sent to the device thread; interrupts come back through
//!   [`Irq`], which the driver's idle hook sleeps on.
//! * [`Harness::start`] spawns the device thread: it serves notifications
//!   and, while fenced requests wait, blocks in the GPU driver for their work.

use super::device::{DeviceConfig, DeviceStats, VirtioGpu, MAX_QUEUE_SIZE};
use super::handler::Frame;
use crate::{Gpu, Renderer, RendererBackend};
use guest_protocol::virtio_gpu::driver::{DriverError, Gpu3d};
use guest_protocol::virtio_gpu::{Config, DEVICE_ID};
use parking_lot::{Condvar, Mutex};
use std::collections::BTreeMap;
use std::ptr::NonNull;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;
use virtio_drivers::transport::{DeviceStatus, DeviceType, InterruptStatus, Transport};
use virtio_drivers::{BufferDirection, Hal, PhysAddr, PAGE_SIZE};
use vm_memory::{GuestAddress, GuestMemoryBackend, GuestMemoryMmap};
use zerocopy::{FromBytes, Immutable, IntoBytes};

/// Size of the shared guest RAM.
pub const RAM_BYTES: u64 = 1 << 30;
/// Longest the driver sleeps before looking at the used ring again (a
/// safety net: the interrupt normally wakes it).
const IDLE_TIMEOUT: Duration = Duration::from_millis(5);
/// Longest the device blocks for GPU work before looking at its queues.
const FENCE_WAIT: Duration = Duration::from_millis(1);

/// The guest RAM of every harness in this process.
pub struct GuestRam {
    mem: GuestMemoryMmap,
    host: usize,
    /// Free runs of pages: first page → page count.
    free: Mutex<BTreeMap<u64, u64>>,
}

impl std::fmt::Debug for GuestRam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuestRam").finish_non_exhaustive()
    }
}

impl GuestRam {
    /// The process-wide RAM (mapped on first use); `None` if the mapping failed.
    pub fn get() -> Option<&'static GuestRam> {
        static RAM: OnceLock<Option<GuestRam>> = OnceLock::new();
        RAM.get_or_init(|| {
            let mem =
                GuestMemoryMmap::from_ranges(&[(GuestAddress(0), RAM_BYTES as usize)]).ok()?;
            let host = mem.get_host_address(GuestAddress(0)).ok()? as usize;
            // Page 0 stays unused: a guest-physical address of 0 means "none"
            // to virtio-drivers and to virtio-queue.
            let pages = RAM_BYTES / PAGE_SIZE as u64;
            Some(GuestRam {
                mem,
                host,
                free: Mutex::new(BTreeMap::from([(1, pages - 1)])),
            })
        })
        .as_ref()
    }

    /// The memory, as the device sees it.
    pub fn memory(&self) -> &GuestMemoryMmap {
        &self.mem
    }

    /// Allocates `pages` zeroed pages: `(guest address, host pointer)`.
    pub fn alloc(&self, pages: u64) -> Option<(u64, NonNull<u8>)> {
        let mut free = self.free.lock();
        let (&start, &count) = free.iter().find(|(_, &c)| c >= pages)?;
        free.remove(&start);
        if count > pages {
            free.insert(start + pages, count - pages);
        }
        drop(free);
        let addr = start * PAGE_SIZE as u64;
        let ptr = self.host_ptr(addr)?;
        // SAFETY: the pages are inside the mapping (the allocator only hands
        // out pages of it) and nobody else owns them now.
        unsafe { std::ptr::write_bytes(ptr.as_ptr(), 0, pages as usize * PAGE_SIZE) };
        Some((addr, ptr))
    }

    /// Returns pages from [`alloc`](Self::alloc), merging free neighbours.
    pub fn free(&self, addr: u64, pages: u64) {
        let mut free = self.free.lock();
        let mut start = addr / PAGE_SIZE as u64;
        let mut count = pages;
        if let Some((&s, &c)) = free.range(..start).next_back() {
            if s + c == start {
                free.remove(&s);
                start = s;
                count += c;
            }
        }
        if let Some(c) = free.remove(&(start + count)) {
            count += c;
        }
        free.insert(start, count);
    }

    fn host_ptr(&self, addr: u64) -> Option<NonNull<u8>> {
        (addr < RAM_BYTES).then(|| NonNull::new((self.host + addr as usize) as *mut u8))?
    }
}

/// The driver's [`Hal`] over [`GuestRam`].
#[derive(Debug)]
pub struct HarnessHal;

fn pages_for(len: usize) -> u64 {
    len.div_ceil(PAGE_SIZE).max(1) as u64
}

// SAFETY: DMA allocations are distinct page runs of the RAM mapping, zeroed,
// and stay valid until deallocated; shared buffers are bounced through such
// runs, so the device never sees memory outside the RAM.
unsafe impl Hal for HarnessHal {
    fn dma_alloc(pages: usize, _direction: BufferDirection) -> (PhysAddr, NonNull<u8>) {
        GuestRam::get()
            .and_then(|ram| ram.alloc(pages as u64))
            .unwrap_or((0, NonNull::dangling()))
    }

    unsafe fn dma_dealloc(paddr: PhysAddr, _vaddr: NonNull<u8>, pages: usize) -> i32 {
        match GuestRam::get() {
            Some(ram) => {
                ram.free(paddr, pages as u64);
                0
            }
            None => -1,
        }
    }

    unsafe fn mmio_phys_to_virt(paddr: PhysAddr, _size: usize) -> NonNull<u8> {
        GuestRam::get()
            .and_then(|ram| ram.host_ptr(paddr))
            .unwrap_or(NonNull::dangling())
    }

    unsafe fn share(buffer: NonNull<[u8]>, direction: BufferDirection) -> PhysAddr {
        let len = buffer.len();
        let Some((addr, ptr)) = GuestRam::get().and_then(|ram| ram.alloc(pages_for(len))) else {
            return 0;
        };
        if direction != BufferDirection::DeviceToDriver {
            // SAFETY: the caller's buffer is valid for `len` bytes; the
            // bounce pages hold at least `len` bytes and are ours.
            unsafe {
                std::ptr::copy_nonoverlapping(buffer.as_ptr().cast::<u8>(), ptr.as_ptr(), len)
            };
        }
        addr
    }

    unsafe fn unshare(paddr: PhysAddr, buffer: NonNull<[u8]>, direction: BufferDirection) {
        let len = buffer.len();
        let Some(ram) = GuestRam::get() else {
            return;
        };
        if direction != BufferDirection::DriverToDevice {
            if let Some(ptr) = ram.host_ptr(paddr) {
                // SAFETY: the bounce pages of `share` (≥ `len` bytes, inside
                // the RAM) and the caller's buffer, valid for `len` bytes.
                unsafe {
                    std::ptr::copy_nonoverlapping(ptr.as_ptr(), buffer.as_ptr().cast::<u8>(), len)
                };
            }
        }
        ram.free(paddr, pages_for(len));
    }
}

/// The queue interrupt line: raised by the device, slept on by the driver.
#[derive(Debug, Default)]
pub struct Irq {
    raised: Mutex<bool>,
    cv: Condvar,
}

impl Irq {
    /// Raises the interrupt.
    pub fn raise(&self) {
        *self.raised.lock() = true;
        self.cv.notify_all();
    }

    /// Waits until raised (or `timeout`), and acknowledges it.
    pub fn wait(&self, timeout: Duration) -> bool {
        let mut raised = self.raised.lock();
        if !*raised {
            let _ = self.cv.wait_for(&mut raised, timeout);
        }
        std::mem::replace(&mut *raised, false)
    }
}

/// What the transport tells the device thread.
enum Msg {
    SetQueue {
        idx: u16,
        size: u16,
        desc: u64,
        avail: u64,
        used: u64,
    },
    ResetQueue(u16),
    Notify(u16),
    TakeFrame(Sender<Option<Frame>>),
    Stop,
}

/// The driver's view of the device's registers.
pub struct HarnessTransport {
    tx: Sender<Msg>,
    features: u64,
    config: Config,
    status: DeviceStatus,
    queues: [bool; 2],
    irq: Arc<Irq>,
}

impl std::fmt::Debug for HarnessTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HarnessTransport")
            .field("features", &self.features)
            .finish_non_exhaustive()
    }
}

impl Transport for HarnessTransport {
    fn device_type(&self) -> DeviceType {
        DeviceType::try_from(DEVICE_ID).unwrap_or(DeviceType::GPU)
    }

    fn read_device_features(&mut self) -> u64 {
        self.features
    }

    fn write_driver_features(&mut self, driver_features: u64) {
        self.features &= driver_features;
    }

    fn max_queue_size(&mut self, _queue: u16) -> u32 {
        u32::from(MAX_QUEUE_SIZE)
    }

    fn notify(&mut self, queue: u16) {
        let _ = self.tx.send(Msg::Notify(queue));
    }

    fn get_status(&self) -> DeviceStatus {
        self.status
    }

    fn set_status(&mut self, status: DeviceStatus) {
        self.status = status;
    }

    fn set_guest_page_size(&mut self, _guest_page_size: u32) {}

    fn requires_legacy_layout(&self) -> bool {
        false
    }

    fn queue_set(
        &mut self,
        queue: u16,
        size: u32,
        descriptors: PhysAddr,
        driver_area: PhysAddr,
        device_area: PhysAddr,
    ) {
        if let Some(used) = self.queues.get_mut(usize::from(queue)) {
            *used = true;
        }
        let _ = self.tx.send(Msg::SetQueue {
            idx: queue,
            size: u16::try_from(size).unwrap_or(0),
            desc: descriptors,
            avail: driver_area,
            used: device_area,
        });
    }

    fn queue_unset(&mut self, queue: u16) {
        if let Some(used) = self.queues.get_mut(usize::from(queue)) {
            *used = false;
        }
        let _ = self.tx.send(Msg::ResetQueue(queue));
    }

    fn queue_used(&mut self, queue: u16) -> bool {
        self.queues.get(usize::from(queue)).copied().unwrap_or(true)
    }

    fn ack_interrupt(&mut self) -> InterruptStatus {
        if self.irq.wait(Duration::ZERO) {
            InterruptStatus::QUEUE_INTERRUPT
        } else {
            InterruptStatus::empty()
        }
    }

    fn read_config_generation(&self) -> u32 {
        0
    }

    fn read_config_space<T: FromBytes + IntoBytes>(
        &self,
        offset: usize,
    ) -> virtio_drivers::Result<T> {
        let bytes = bytemuck::bytes_of(&self.config);
        offset
            .checked_add(std::mem::size_of::<T>())
            .and_then(|end| bytes.get(offset..end))
            .and_then(|b| T::read_from_bytes(b).ok())
            .ok_or(virtio_drivers::Error::ConfigSpaceTooSmall)
    }

    fn write_config_space<T: IntoBytes + Immutable>(
        &mut self,
        _offset: usize,
        _value: T,
    ) -> virtio_drivers::Result<()> {
        // Only `events_clear` is writable, and no event is ever raised.
        Ok(())
    }
}

/// Why the harness did not start.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// The guest RAM could not be mapped.
    #[error("mapping {RAM_BYTES} bytes of guest RAM failed")]
    Ram,
    /// The device thread could not be spawned.
    #[error("spawning the device thread: {0}")]
    Spawn(#[from] std::io::Error),
    /// The driver did not initialise the device.
    #[error("driver: {0}")]
    Driver(#[from] DriverError),
}

/// The guest driver type of the harness.
pub type HarnessDriver = Gpu3d<HarnessHal, HarnessTransport>;

/// A driver and a device thread over [`GuestRam`].
pub struct Harness {
    /// The guest driver.
    pub driver: HarnessDriver,
    tx: Sender<Msg>,
    stats: Arc<DeviceStats>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Harness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Harness").finish_non_exhaustive()
    }
}

impl Harness {
    /// Starts a device on `gpu` (its own renderer) and initialises the driver.
    pub fn start(gpu: Arc<Gpu>, config: DeviceConfig) -> Result<Self, HarnessError> {
        Self::with_renderer(Renderer::new(gpu), config)
    }

    /// Starts a device serving with `renderer` and initialises the driver.
    pub fn with_renderer(
        renderer: impl RendererBackend + Send + 'static,
        config: DeviceConfig,
    ) -> Result<Self, HarnessError> {
        let ram = GuestRam::get().ok_or(HarnessError::Ram)?;
        let irq = Arc::new(Irq::default());
        let device_irq = Arc::clone(&irq);
        let device = VirtioGpu::new(
            renderer,
            ram.memory().clone(),
            config,
            Box::new(move |_queue| device_irq.raise()),
        );
        let stats = device.stats();
        let (tx, rx) = mpsc::channel();
        let transport = HarnessTransport {
            tx: tx.clone(),
            features: device.features(),
            config: device.config_space(),
            status: DeviceStatus::empty(),
            queues: [false; 2],
            irq: Arc::clone(&irq),
        };
        let thread = std::thread::Builder::new()
            .name("virtio-gpu".into())
            .spawn(move || run_device(device, &rx))?;
        let mut harness = Self {
            driver: Gpu3d::new(transport)?,
            tx,
            stats,
            thread: Some(thread),
        };
        harness.driver.set_idle(Box::new(move || {
            irq.wait(IDLE_TIMEOUT);
        }));
        Ok(harness)
    }

    /// The device's counters.
    pub fn stats(&self) -> &DeviceStats {
        &self.stats
    }

    /// The latest frame the guest flushed to a scanout, if a new one came.
    pub fn take_frame(&self) -> Option<Frame> {
        let (tx, rx) = mpsc::channel();
        self.tx.send(Msg::TakeFrame(tx)).ok()?;
        rx.recv().ok().flatten()
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        let _ = self.tx.send(Msg::Stop);
        if let Some(t) = self.thread.take() {
            if t.join().is_err() {
                tracing::warn!("the virtio-gpu device thread panicked");
            }
        }
    }
}

/// The device thread: one message at a time; while fenced requests wait,
/// alternates between the GPU (bounded blocking waits) and the queue.
fn run_device(mut device: VirtioGpu, rx: &Receiver<Msg>) {
    loop {
        let msg = if device.pending_fences() > 0 {
            match rx.try_recv() {
                Ok(m) => m,
                Err(TryRecvError::Empty) => {
                    device.wait(FENCE_WAIT);
                    continue;
                }
                Err(TryRecvError::Disconnected) => return,
            }
        } else {
            match rx.recv_timeout(Duration::from_secs(3600)) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        };
        match msg {
            Msg::SetQueue {
                idx,
                size,
                desc,
                avail,
                used,
            } => {
                if let Err(e) = device.set_queue(idx, size, desc, avail, used) {
                    tracing::warn!("virtio-gpu: {e}");
                }
            }
            Msg::ResetQueue(idx) => device.reset_queue(idx),
            Msg::Notify(idx) => device.notify(idx),
            Msg::TakeFrame(reply) => {
                let _ = reply.send(device.take_frame());
            }
            Msg::Stop => return,
        }
    }
}
