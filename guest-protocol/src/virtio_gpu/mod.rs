//! The virtio-gpu wire format (`VIRTIO_ID_GPU`, with 3D): the control and
//! cursor queue messages, and nothing else — no device state or logic.
//!
//! * The layout ([`CtrlHdr`], one `#[repr(C)]` `Pod` struct per request and
//!   response, [`CtrlType`] and the other code tables, feature bits, [`Config`])
//!   follows Linux `include/uapi/linux/virtio_gpu.h`; every struct has
//!   alignment 1 and its spec size, checked at compile time.
//! * [`GpuCommand::decode`] takes the device-readable part of a descriptor
//!   chain as one byte stream (the request struct, then its tail at byte
//!   `size_of` the struct, whatever the descriptor boundaries were) and returns
//!   a view borrowing it. Counts from the guest (`nr_entries`, `size`, `nlen`)
//!   are checked against the bytes present and the fixed limits before anything
//!   is looked at; nothing is allocated. Errors name the type and the byte
//!   counts ([`Error`]).
//! * [`GpuCommand::encode`] (guest side) and [`GpuResponse::encode`] (device
//!   side) write the same layout back; [`GpuResponse::decode`] is the guest's
//!   reader. `decode(encode(x)) == x` for every value.
//!
//! Mapping an [`Error`] to a reply (QEMU and crosvm answer `RESP_ERR_UNSPEC`,
//! or `RESP_ERR_INVALID_PARAMETER` for a short SUBMIT_3D) is the device's choice.

mod command;
#[cfg(feature = "driver")]
pub mod driver;
mod error;
mod protocol;
mod response;

pub use command::GpuCommand;
pub use error::Error;
pub use protocol::*;
pub use response::GpuResponse;

#[cfg(test)]
mod tests;
