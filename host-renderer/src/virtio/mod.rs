//! The virtio-gpu 3D device model (virtio-gpu-3d.md) that a VMM embeds, and
//! (feature `harness`) an in-process harness that drives it with a guest
//! driver.
//!
//! * [`VirtioGpu`] owns one renderer, held as a
//!   [`RendererBackend`](crate::RendererBackend) (virtio contexts and
//!   resource ids are the guest's, global to the device; the renderer says
//!   which exist), and guest RAM (`vm-memory`). The VMM hands it the ring addresses the driver wrote
//!   ([`VirtioGpu::set_queue`]), calls [`VirtioGpu::notify`] on a queue
//!   notification, and [`VirtioGpu::poll`] / [`VirtioGpu::wait`] while fenced
//!   requests are outstanding; the device pops descriptor chains from the
//!   split rings (`virtio-queue`), answers on the used ring and calls the
//!   VMM's interrupt callback. It takes `&mut self` and spawns nothing: the
//!   VMM chooses the thread (the device is `Send`).
//! * Requests: every command of the document, decoded with
//!   [`guest_protocol::virtio_gpu`]. A chain that leaves guest RAM, loops,
//!   puts a readable buffer after a writable one or is too short is answered
//!   `ERR_UNSPEC` (`ERR_INVALID_PARAMETER` for SUBMIT_3D) when it has room
//!   for a header; unknown ids get `ERR_INVALID_RESOURCE_ID` /
//!   `ERR_INVALID_CONTEXT_ID`, bad values `ERR_INVALID_PARAMETER`, quota
//!   overruns `ERR_OUT_OF_MEMORY`. Blob resources and UUIDs are not offered.
//! * Backing: ATTACH_BACKING entries are checked against guest RAM and become
//!   a [`GuestPages`] backing; every copy goes through `vm-memory` again.
//! * Fences: a request with `FLAG_FENCE` is executed, then its response waits
//!   until the GPU finished the work submitted so far, in order on its
//!   timeline (global, or `(ctx_id, ring_idx)` with `FLAG_INFO_RING_IDX`).
//!   A fence id that does not increase on its timeline is refused
//!   (`ERR_INVALID_PARAMETER`, nothing executed).
//! * Display: SET_SCANOUT binds a resource; RESOURCE_FLUSH of it reads level
//!   0 back as a [`Frame`] the VMM takes with [`VirtioGpu::take_frame`], or
//!   that a VMM's [`Display`] shows before the flush completes.
//! * Queues: the device keeps the ring state itself ([`VirtioGpu::set_queue`])
//!   or serves rings a VMM keeps ([`VirtioGpu::attach_queue`] with a
//!   [`DeviceQueue`], as the vhost-user backend does with its vrings).
//!
//! # Embedding
//!
//! A VMM maps guest RAM, gives the device a renderer, wires the rings the
//! driver set up and forwards queue notifications. Here the "driver" is
//! three writes into guest RAM: one GET_DISPLAY_INFO request on the control
//! queue.
//!
//! ```
//! use host_renderer::virtio::{DeviceConfig, VirtioGpu};
//! use host_renderer::NullRenderer;
//! use std::sync::atomic::{AtomicU32, Ordering};
//! use std::sync::Arc;
//! use vm_memory::{Bytes, GuestAddress, GuestMemoryMmap};
//!
//! // Guest RAM as the VMM maps it: 1 MiB at guest address 0.
//! let mem = GuestMemoryMmap::<()>::from_ranges(&[(GuestAddress(0), 1 << 20)]).unwrap();
//! let irqs = Arc::new(AtomicU32::new(0));
//! let raised = Arc::clone(&irqs);
//! // `NullRenderer` renders nothing; a VMM passes `Renderer::new(Gpu::new()?)`.
//! let mut gpu = VirtioGpu::new(
//!     NullRenderer::default(),
//!     mem.clone(),
//!     DeviceConfig { width: 1280, height: 800 },
//!     Box::new(move |_queue| {
//!         raised.fetch_add(1, Ordering::Relaxed);
//!     }),
//! );
//! assert_ne!(gpu.features() & 1, 0, "VIRTIO_GPU_F_VIRGL is offered");
//!
//! // The driver's control queue: descriptor table, available and used rings.
//! let (desc, avail, used) = (0x1000, 0x2000, 0x3000);
//! gpu.set_queue(0, 16, desc, avail, used).unwrap();
//! // One request: a 24-byte header (GET_DISPLAY_INFO = 0x100) at 0x4000, and
//! // a 408-byte reply buffer at 0x5000 the device may write.
//! let w = |addr: u64, bytes: &[u8]| mem.write_slice(bytes, GuestAddress(addr)).unwrap();
//! w(0x4000, &0x100u32.to_le_bytes());
//! let descriptor = |addr: u64, len: u32, flags: u16, next: u16| {
//!     [&addr.to_le_bytes()[..], &len.to_le_bytes(), &flags.to_le_bytes(), &next.to_le_bytes()]
//!         .concat()
//! };
//! w(desc, &descriptor(0x4000, 24, 1, 1)); // NEXT
//! w(desc + 16, &descriptor(0x5000, 408, 2, 0)); // WRITE
//! w(avail + 4, &0u16.to_le_bytes()); // ring[0] = descriptor 0
//! w(avail + 2, &1u16.to_le_bytes()); // idx = 1
//!
//! gpu.notify(0); // what the VMM does on the queue's notification
//!
//! let used_idx: u16 = mem.read_obj(GuestAddress(used + 2)).unwrap();
//! let reply: u32 = mem.read_obj(GuestAddress(0x5000)).unwrap();
//! let width: u32 = mem.read_obj(GuestAddress(0x5000 + 24 + 8)).unwrap();
//! assert_eq!((used_idx, reply, width), (1, 0x1101, 1280)); // OK_DISPLAY_INFO
//! assert_eq!(irqs.load(Ordering::Relaxed), 1);
//! assert_eq!(gpu.poll(), 0, "no fenced request waits for the GPU");
//! ```
//!
//! `device.rs` is the queue, chain and fence plumbing and encodes replies;
//! `handler.rs` maps each request onto the renderer and returns a typed
//! reply. With feature `harness`, `DriverBackend` goes the other way: the
//! renderer API spoken through the guest driver of a `harness::Harness`.

mod backing;
mod chain;
mod device;
mod display;
#[cfg(feature = "harness")]
mod driver_backend;
mod edid;
mod fence;
mod handler;
#[cfg(feature = "harness")]
pub mod harness;
mod queue;
#[cfg(all(test, feature = "harness"))]
mod tests;

pub use backing::{GuestPages, PagesError};
pub use chain::{ChainError, MAX_REQUEST_BYTES};
pub use device::{
    DeviceConfig, DeviceStats, Interrupt, QueueError, VirtioGpu, F_VERSION_1, MAX_QUEUE_SIZE,
    NUM_CAPSETS,
};
pub use display::{CursorEvent, Display};
#[cfg(feature = "harness")]
pub use driver_backend::DriverBackend;
pub use fence::FenceError;
pub use handler::Frame;
pub use queue::DeviceQueue;
