//! The virtio-gpu 3D device model (virtio-gpu-3d.md) that a VMM embeds, and
//! an in-process [`harness`] that drives it with a guest driver.
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
//!   0 back as a [`Frame`] the VMM takes with [`VirtioGpu::take_frame`].
//!
//! `device.rs` is the queue, chain and fence plumbing and encodes replies;
//! `handler.rs` maps each request onto the renderer and returns a typed
//! reply. [`DriverBackend`] goes the other way: the renderer API spoken
//! through the guest driver of a [`harness`].

mod backing;
mod chain;
mod device;
#[cfg(feature = "harness")]
mod driver_backend;
mod edid;
mod fence;
mod handler;
#[cfg(feature = "harness")]
pub mod harness;
#[cfg(all(test, feature = "harness"))]
mod tests;

pub use backing::{GuestPages, PagesError};
pub use chain::{ChainError, MAX_REQUEST_BYTES};
pub use device::{
    DeviceConfig, DeviceStats, Interrupt, QueueError, VirtioGpu, F_VERSION_1, MAX_QUEUE_SIZE,
    NUM_CAPSETS,
};
#[cfg(feature = "harness")]
pub use driver_backend::DriverBackend;
pub use fence::FenceError;
pub use handler::Frame;
