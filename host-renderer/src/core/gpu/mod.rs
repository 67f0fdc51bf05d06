//! Layer 1, the device: the wgpu device and queue every context renders
//! with (adapter choice, features, error scopes and the uncaptured-error
//! sink, the formats this adapter really supports), the Vulkan device under
//! it for the raw path and dmabuf export, and the capability sets advertised
//! from both.
//!
//! Uses `base` only.

pub mod caps;
pub mod device;
pub mod dmabuf;
pub mod raw;

pub use device::{Gpu, GpuOptions};
