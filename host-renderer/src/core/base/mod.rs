//! Layer 0, base types: plain data and pure functions every layer shares,
//! with no device behind them: ids, errors, quotas, backing stores, the
//! format table and byte conversions, resource layouts, and Gallium state
//! values in wgpu's terms.
//!
//! Uses nothing else in the core.

pub mod backing;
pub mod error;
pub mod format;
pub mod gallium;
pub mod hash;
pub mod ids;
pub mod layout;
pub mod quota;
