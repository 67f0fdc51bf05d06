//! The virtio-gpu 3D device model (virtio-gpu-3d.md) that a VMM embeds, and
//! an in-process [`harness`] that drives it with a guest driver.
//!
//! * [`VirtioGpu`] owns one [`Renderer`](crate::Renderer) (virtio contexts
//!   and resource ids are the guest's, global to the device) and guest RAM
//!   (`vm-memory`). The VMM hands it the ring addresses the driver wrote
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

mod backing;
mod chain;
mod commands;
mod device;
mod display;
mod edid;
mod fence;
pub mod harness;
mod queue;

pub use backing::{GuestPages, PagesError};
pub use chain::{ChainError, MAX_REQUEST_BYTES};
pub use device::{
    DeviceConfig, DeviceStats, Frame, Interrupt, QueueError, VirtioGpu, F_VERSION_1,
    MAX_QUEUE_SIZE, NUM_CAPSETS,
};
pub use display::{CursorEvent, Display};
pub use fence::FenceError;
pub use queue::DeviceQueue;
