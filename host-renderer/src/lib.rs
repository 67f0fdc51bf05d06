//! The pv3d host library a VMM links: replays Mesa's virgl command streams
//! on wgpu, behind one renderer trait, with the front ends that carry them.
//!
//! # Contract
//!
//! * **Trusts nothing from a guest.** Every handle, size, box, offset, stride
//!   and enum from a command stream or a transport request is checked before
//!   it reaches wgpu (wgpu panics on out-of-range slices). Guest memory is only
//!   ever copied through a [`Backing`], never borrowed.
//! * **Errors stay with their context.** A failing command is recorded against
//!   its context ([`Renderer::context_errors`], [`SubmitReport`]) and skipped;
//!   a decode error stops the rest of that buffer only. wgpu validation
//!   errors are caught with error scopes, and the device's uncaptured-error
//!   handler is installed before anything is created, so wgpu never panics.
//!   Every [`error`] keeps its cause as its `source`. Other contexts keep
//!   rendering.
//! * **Knows no transport.** [`Renderer`] speaks in our own ids ([`CtxId`],
//!   [`ResId`]) and backing stores the transport owns.
//! * **Honest caps.** The capsets advertise what is implemented and tested
//!   (the guest's Mesa derives OpenGL 3.0 / ES 3.0 from them, 2.1 / 2.0 on
//!   a device without transform feedback) and only formats the table
//!   implements and the adapter supports.
//! * **Never** blocks on a guest except where the protocol asks for completion
//!   (read-backs, busy-waits); never allocates from a guest size without a quota.
//!
//! # What an embedder uses
//!
//! Every front end reaches a renderer through one trait, [`RendererBackend`],
//! implemented by [`Renderer`] (wgpu) and [`NullRenderer`] (no GPU, for
//! transport tests):
//!
//! * [`virtio::VirtioGpu`] is the virtio-gpu 3D device model a VMM embeds
//!   (its module docs show the wiring, as a tested example).
//! * [`vhost_user`] serves that device model to QEMU as a vhost-user-gpu
//!   backend (`pv3d vhost-user`).
//! * [`vtest::Server`] is the vtest server (`pv3d serve`), a drop-in for
//!   `virgl_test_server`.
//! * Configuration: [`Quotas`], [`GpuOptions`], [`vtest::ServeOptions`]
//!   (watchdog), [`virtio::DeviceConfig`]; errors in [`error`].
//!
//! The renderer core is private; `docs/ARCHITECTURE.md` walks through it.
//! The `pv3d` command line and the capture replay live in the `pv3d` crate
//! (`host-renderer/pv3d`), so depending on this library pulls in no
//! argument parser or image codec. Feature `harness` adds the in-process
//! virtio harness (a guest driver on `virtio-drivers` over one guest RAM)
//! for tests and tools.

#![cfg_attr(
    not(test),
    warn(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)
)]

mod core;
#[cfg(feature = "isolate")]
pub mod isolate;
mod mapping;
mod null;
pub mod picture;
pub mod vhost_user;
pub mod virtio;
pub mod vtest;
mod wire;

pub mod error {
    //! The error of every renderer operation, with the guest's values in
    //! the variants and the cause (wgpu's, naga's, the translator's) as its
    //! `source`; [`ErrorChain`] prints an error with all its causes.
    pub use crate::core::base::error::*;
    pub use crate::core::state::context::ContextErrorRecord;
}

#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod internals {
    //! Renderer internals for this workspace's own tests and benches only
    //! (feature `internals`): the format table, the guest layout, the caps
    //! and the pipeline cache. Not part of the API.
    pub use crate::core::base::format;
    pub use crate::core::base::layout;
    pub use crate::core::gpu::caps;
    pub use crate::core::record::pipeline;
}

pub use crate::core::api::{capset, BackendError, RendererBackend, SubmitReport, Usage};
pub use crate::core::backing::{check_range, Backing, VecBacking};
pub use crate::core::gpu::dmabuf::Dmabuf;
pub use crate::core::gpu::{Gpu, GpuOptions};
pub use crate::core::ids::{CtxId, ResId};
pub use crate::core::layout::ResourceInfo;
pub use crate::core::quota::Quotas;
pub use crate::core::renderer::{Image, Renderer, SubmitStats};
pub use crate::core::transfer::TransferBox;
pub use crate::null::NullRenderer;
