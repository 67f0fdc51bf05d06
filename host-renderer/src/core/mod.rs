//! The renderer core: no transport in here (see the crate contract).
//!
//! One guest submit flows through the layers below in order, each a folder
//! that uses only itself and the folders before it (checked by a unit test,
//! `core::layers`, which also keeps files under 600 lines and functions
//! under 150):
//!
//! | layer | folder | holds |
//! |---|---|---|
//! | 0 | [`base`] | ids, errors, quotas, backings, formats, layouts |
//! | 1 | [`gpu`] | the device, the raw Vulkan device, caps |
//! | 2 | [`resources`] | the resource table and resource creation |
//! | 3 | [`state`] | contexts, sub-contexts, objects, bound state |
//! | 4 | [`validate`] | guest values checked at the edge |
//! | 5 | [`record`] | GPU work: passes, draws, blits, copies, transfers, queries |
//! | 6 | [`exec`] | one decoded command dispatched on its context |
//! | 7 | [`renderer`] | the [`renderer::Renderer`] API |
//! | 8 | [`api`] | the trait front ends program against |
//!
//! Decoding is `guest_protocol`'s: [`renderer::Renderer::submit`] decodes a
//! buffer and hands each command to [`exec`].
//!
//! The paths re-exported here (`core::backing`, `core::error`, …) are the
//! ones front ends, tests and the crate root name; code inside the core uses
//! the paths of the layers.

pub mod api;
pub mod base;
pub mod exec;
pub mod gpu;
pub mod record;
pub mod renderer;
pub mod resources;
pub mod state;
pub mod validate;

pub use base::{backing, error, ids, layout, quota};
pub use record::transfer;

#[cfg(test)]
mod layers;
