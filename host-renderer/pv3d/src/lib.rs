//! The tools around the pv3d host library: the `pv3d` command line and the
//! capture replay it runs (also used by the tests and benches).
//!
//! A VMM embeds `host-renderer` alone; this crate adds what only tools need
//! (argument parsing, PNG files, the in-process virtio harness), so that
//! depending on the library pulls in none of it.
//!
//! * [`replay`] drives a renderer with the client side of a vtest capture
//!   and compares read-backs with the reference server's.
//! * [`malloc`] keeps freed memory in the serving process for reuse.
//! * [`png_file`] writes and reads the RGBA8 PNGs of snapshots and of
//!   mismatching read-backs.

#![cfg_attr(
    not(test),
    warn(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)
)]

pub mod malloc;
pub mod png_file;
pub mod replay;
