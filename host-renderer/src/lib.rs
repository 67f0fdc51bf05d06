//! The pv3d host renderer: replays Mesa's virgl command streams on wgpu.
//!
//! # Contract
//!
//! * **Trusts nothing from a guest.** Every handle, size, box, offset, stride
//!   and enum from a command stream or a transport request is checked before
//!   it reaches wgpu (wgpu panics on out-of-range slices). Guest memory is only
//!   ever copied through [`core::backing::Backing`], never borrowed.
//! * **Errors stay with their context.** A failing command is recorded against
//!   its context ([`core::renderer::Renderer::context_errors`]) and skipped; a
//!   decode error stops the rest of that buffer only. wgpu validation errors are
//!   caught with error scopes, and the device's uncaptured-error handler is
//!   installed before anything is created, so wgpu never panics. Other contexts
//!   keep rendering.
//! * **Knows no transport.** [`core::renderer::Renderer`] speaks in our own ids
//!   ([`core::ids::CtxId`], [`core::ids::ResId`]) and backing stores the
//!   transport owns; vtest and virtio-gpu front ends map their messages onto it.
//! * **Honest caps.** [`core::caps`] advertises the GL 2.1 / GLES 2.0 level and
//!   only formats the table implements and the adapter supports.
//! * **Never** blocks on a guest except where the protocol asks for completion
//!   (read-backs, busy-waits); never allocates from a guest size without a quota.
//!
//! Every front end reaches the renderer through one trait,
//! [`RendererBackend`] (`core/api.rs`):
//!
//! * [`vtest`] is the vtest server (`pv3d serve`), a drop-in for
//!   `virgl_test_server`.
//! * [`virtio`] is the virtio-gpu 3D device model a VMM embeds, with an
//!   in-process harness (guest driver, guest RAM, device thread).
//! * [`replay`] drives a renderer with the client side of a vtest capture
//!   and compares read-backs with the reference server's.
//!
//! [`NullRenderer`] implements the trait without a GPU for transport tests;
//! [`wire`] converts the front ends' wire structs into renderer types, and
//! [`picture`] turns guest frames into PNG files.

#![cfg_attr(
    not(test),
    warn(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)
)]

mod core;
mod null;
pub mod picture;
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

pub use crate::core::api::{capset, BackendError, RendererBackend, SubmitReport};
pub use crate::core::backing::{check_range, Backing, VecBacking};
pub use crate::core::gpu::{Gpu, GpuOptions};
pub use crate::core::ids::{CtxId, ResId};
pub use crate::core::layout::ResourceInfo;
pub use crate::core::quota::Quotas;
pub use crate::core::renderer::{Image, Renderer, SubmitStats};
pub use crate::core::transfer::TransferBox;
pub use crate::null::NullRenderer;
