//! Every wire format pv3d speaks, with bounds-checked decoders and matching encoders.
//!
//! # Contract
//!
//! * **Trusts nothing.** Every input is guest-controlled. Decoding never panics,
//!   never reads out of bounds and never sizes an allocation from a field the
//!   guest wrote; a count is always limited by the bytes actually present and by
//!   a documented maximum.
//! * **Zero-copy.** Decoded values borrow the buffer they came from
//!   ([`wire::Dwords`], `&[T]` of alignment-1 [`le`] records, `&[u8]` text).
//!   Copy guest memory once into host memory, then decode from that copy.
//! * **Says where.** Errors carry the byte offset, the opcode and what was wrong.
//! * **Round-trips.** For every value the decoder produces, the encoder writes the
//!   exact bytes it came from, except for bits hosts ignore and the decoder
//!   normalises (a virgl header's object-type byte on non-object commands,
//!   DRAW_VBO's boolean dwords). Mesa never sets those, so captured streams
//!   re-encode bit for bit.
//!
//! Modules: [`virgl`] (the command stream inside SUBMIT_CMD / SUBMIT_3D),
//! [`vtest`] (the Unix-socket transport), [`virtio_gpu`] (the virtqueue
//! transport's control structs) and, with `std`, [`capture`] (recorded sessions).
//!
//! The crate is `no_std` + `alloc` without its `std` feature.

#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(
    not(test),
    warn(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)
)]

extern crate alloc;

mod macros;

pub mod le;
pub mod virgl;
pub mod virtio_gpu;
pub mod vtest;
pub mod wire;

#[cfg(feature = "std")]
pub mod capture;
