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
//! [`vtest`] is the vtest server (`pv3d serve`), a drop-in for
//! `virgl_test_server`.
//!
//! [`virtio`] is the virtio-gpu 3D device model a VMM embeds, with an
//! in-process harness (guest driver, guest RAM, device thread).
//!
//! [`vhost_user`] serves that device model to QEMU as a vhost-user-gpu
//! backend (`pv3d vhost-user`).
//!
//! [`replay`] drives the renderer with the client side of a vtest capture and
//! compares read-backs with the reference server's.

#![cfg_attr(
    not(test),
    warn(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)
)]

pub mod core;
pub mod replay;
pub mod vhost_user;
pub mod virtio;
pub mod vtest;

pub use crate::core::api::RendererBackend;
pub use crate::core::backing::{Backing, VecBacking};
pub use crate::core::gpu::{Gpu, GpuOptions};
pub use crate::core::ids::{CtxId, ResId};
pub use crate::core::layout::ResourceInfo;
pub use crate::core::quota::Quotas;
pub use crate::core::renderer::{Image, Renderer, SubmitStats};
pub use crate::core::transfer::TransferBox;
