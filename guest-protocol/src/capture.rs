//! Recorded vtest sessions (`.vtrec`, `.vtrec.zst`; shared/captures/FORMAT.md).
//!
//! [`Capture`] loads a whole file into memory (zstd is recognised by content
//! and decompressed fully), checks every record's bounds once and then hands
//! out borrowed [`Record`]s. [`Capture::connection`] gives a [`Connection`]:
//! the concatenated client → server and server → client streams, and the
//! [`Event`]s positioned in them. [`Connection::transcript`] decodes both
//! streams into vtest messages in wire order. [`CaptureWriter`] writes the
//! same format.
//!
//! A dump prints [`Connection::transcript`]'s items. A replayer acting as the
//! client walks [`Connection::events`]:
//! * `ShmPreC2s { at, write }`: write it into the shm of `write.fd_id` now,
//!   before the server sees C2S byte `at`;
//! * `C2s { start, end, .. }`: feed `c2s[start..end]` to the server;
//! * `ShmPreS2c`: hold it until the server's output up to the next `S2c`
//!   chunk is read, then compare (server-written pages) and write it in;
//! * `S2c { start, end, fds }`: expect the same bytes; the server's k-th fd
//!   is the connection's k-th [`FdInfo`] (see [`Connection::s2c_fds`]);
//! * `FdDrop`: forget that shm.
//!
//! ```no_run
//! use guest_protocol::capture::{Capture, Item};
//! use guest_protocol::vtest::Limits;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let capture = Capture::open("glxgears-60frames.vtrec.zst")?;
//! for conn in capture.connections() {
//!     for item in conn.transcript(Limits::default()).items {
//!         if let Item::Request(frame) = item {
//!             println!("{:>8} {:?}", frame.offset, frame.request);
//!         }
//!     }
//! }
//! # Ok(()) }
//! ```

mod format;
pub mod json;
mod read;
mod view;
mod write;

pub use format::*;
pub use read::{Capture, CaptureError, CaptureHeader, ReadOptions, Record};
pub use view::{Connection, Event, EventKind, Item, Requests, Transcript};
pub use write::{compress, CaptureWriter};

#[cfg(test)]
mod tests;
