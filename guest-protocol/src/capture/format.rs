//! The `.vtrec` layout (captures/FORMAT.md): magic, version, header JSON, then
//! records of a 16-byte header, a payload and `n_fds` 24-byte fd infos.

use crate::le::{Le16, Le32, Le64};
use crate::macros::wire_enum;
use bytemuck::{Pod, Zeroable};

/// The first 8 bytes of an uncompressed capture.
pub const MAGIC: [u8; 8] = *b"VTESTREC";
/// The first 4 bytes of a zstd frame.
pub const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
/// The format version this module reads and writes.
pub const FORMAT_VERSION: u32 = 1;
/// Bytes before the header JSON: magic, version, JSON length.
pub const FILE_HEADER_BYTES: usize = 16;
/// `FdInfo::handle` when the fd backs no known resource.
pub const HANDLE_UNKNOWN: u32 = 0xffff_ffff;
/// `S_IFREG`: the `st_mode` type of a memfd / shm file.
pub const S_IFREG: u32 = 0o100_000;

wire_enum! {
    /// What a record holds.
    pub struct RecordKind(u8) {
        /// Connection accepted; payload is JSON (`conn`, `peer_pid`, `peer_cmdline`, `upstream`).
        CONN_OPEN = 1,
        /// Connection ended; payload is JSON (`closed_by`, byte counts, `commands`).
        CONN_CLOSE = 2,
        /// Client → server bytes, one `recvmsg()` worth.
        C2S = 3,
        /// Server → client bytes, one `recvmsg()` worth.
        S2C = 4,
        /// Shared-memory change seen before the next C2S record: [`ShmHeader`] + bytes.
        SHM_PRE_C2S = 5,
        /// Shared-memory change seen before the next S2C record: [`ShmHeader`] + bytes.
        SHM_PRE_S2C = 6,
        /// The client unref'd a resource: [`FdDropBody`].
        FD_DROP = 7,
    }
}

/// A record's fixed header (16 bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct RecordHeader {
    /// [`RecordKind`] value.
    pub kind: u8,
    /// Number of [`FdInfo`]s after the payload (C2S/S2C only).
    pub n_fds: u8,
    /// Connection number, from 0 in accept order.
    pub conn: Le16,
    /// Nanoseconds since the recorder started (`CLOCK_MONOTONIC`).
    pub t_ns: Le64,
    /// Payload bytes.
    pub len: Le32,
}

/// One fd passed with a C2S/S2C record (24 bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct FdInfo {
    /// Unique in the file, from 1.
    pub fd_id: Le32,
    /// The vtest resource this shm backs, or [`HANDLE_UNKNOWN`].
    pub handle: Le32,
    /// `st_size` of the fd: the shm size in bytes.
    pub size: Le64,
    /// `st_mode` from `fstat` ([`S_IFREG`] for memfd/shm).
    pub st_mode: Le32,
    /// Zero.
    pub reserved: Le32,
}

/// The start of a SHM_PRE_C2S / SHM_PRE_S2C payload; the changed bytes follow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct ShmHeader {
    /// The fd ([`FdInfo::fd_id`]) whose shm changed.
    pub fd_id: Le32,
    /// Its resource handle.
    pub handle: Le32,
    /// Byte offset of the change in the shm.
    pub offset: Le64,
}

/// The FD_DROP payload.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct FdDropBody {
    /// The fd no longer tracked.
    pub fd_id: Le32,
    /// Its resource handle.
    pub handle: Le32,
}

/// Record header bytes.
pub const RECORD_HEADER_BYTES: usize = core::mem::size_of::<RecordHeader>();
/// fd info bytes.
pub const FD_INFO_BYTES: usize = core::mem::size_of::<FdInfo>();
/// SHM payload header bytes.
pub const SHM_HEADER_BYTES: usize = core::mem::size_of::<ShmHeader>();

/// A change to one shm, as recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShmWrite<'a> {
    /// The fd whose shm changed.
    pub fd_id: u32,
    /// Its resource handle.
    pub handle: u32,
    /// Byte offset of `data` in the shm.
    pub offset: u64,
    /// The new bytes (whole 4 KiB pages in these captures).
    pub data: &'a [u8],
}

impl<'a> ShmWrite<'a> {
    /// Parses a SHM record payload; `None` if shorter than its header.
    pub fn parse(payload: &'a [u8]) -> Option<Self> {
        let header: ShmHeader =
            bytemuck::try_pod_read_unaligned(payload.get(..SHM_HEADER_BYTES)?).ok()?;
        Some(Self {
            fd_id: header.fd_id.get(),
            handle: header.handle.get(),
            offset: header.offset.get(),
            data: payload.get(SHM_HEADER_BYTES..)?,
        })
    }
}
