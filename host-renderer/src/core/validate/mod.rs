//! Layer 4, validation at the edge: guest values checked against the
//! resources, the bound state and the device, and turned into checked values
//! (resources a context may use, surfaces and views, blit regions, a draw's
//! bound state). Layers above trust what comes out of here.
//!
//! Uses `base`, `gpu`, `resources` and `state`.

pub mod bindings;
pub mod blit;
pub mod draw;
pub mod objects;
pub mod resource;
