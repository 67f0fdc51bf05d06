//! Layer 2, resources: the resource table (buffers with their host shadow,
//! textures) and the creation of resources from checked guest info.
//!
//! Uses `base` and `gpu`.

pub mod create;
pub mod reinterpret;
pub mod table;
