//! Recording.

pub mod bind_groups;
pub mod blit;
pub mod clear;
pub mod depth;
pub mod draw;
pub mod pipeline;
pub mod query;
pub mod raw;
pub mod transfer;
pub mod uniforms;
pub mod work;
