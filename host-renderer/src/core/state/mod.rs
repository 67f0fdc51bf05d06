//! Layer 3, per-context state: contexts, sub-contexts, their object tables
//! and bound state, as the guest's commands left them (virgl-protocol.md
//! §1.2, §3, §4). Plain data: nothing here talks to the device.
//!
//! Uses `base` only.

pub mod context;
pub mod objects;
pub mod stream_out;
pub mod sub_context;
