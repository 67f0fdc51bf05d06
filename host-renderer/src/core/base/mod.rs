//! Base types.

pub mod backing;
pub mod error;
pub mod format;
pub mod gallium;
pub mod ids;
pub mod layout;
pub mod quota;
