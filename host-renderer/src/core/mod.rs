//! The renderer core: no transport in here (see the crate contract).

pub mod api;
pub mod backing;
pub mod bind_groups;
pub mod blit;
pub mod caps;
pub mod clear;
pub mod context;
pub mod depth;
pub mod draw;
pub mod error;
pub mod exec;
pub mod format;
pub mod gpu;
pub mod ids;
pub mod layout;
pub mod pipeline;
pub mod query;
pub mod quota;
pub mod renderer;
pub mod resource;
pub mod state;
pub mod transfer;
pub mod uniforms;
pub mod vertex;
pub mod vk;
pub mod work;
