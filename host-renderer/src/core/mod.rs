//! The renderer core: no transport in here (see the crate contract).

pub mod api;
pub mod base;
pub mod exec;
pub mod gpu;
pub mod record;
pub mod renderer;
pub mod resources;
pub mod state;

pub use base::{backing, error, ids, layout, quota};
pub use gpu::caps;
pub use record::transfer;

