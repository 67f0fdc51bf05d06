//! vtest message types: command ids, the header, one `#[repr(C)]` `Pod` struct
//! per fixed-size body, and the [`Request`] / [`Reply`] enums (vtest-protocol.md
//! §2–§5). Names follow virglrenderer's `vtest_protocol.h` without the `VCMD_`
//! prefix.

use crate::le::{Le32, Le64};
use crate::macros::wire_enum;
use crate::wire::Dwords;
use bytemuck::{Pod, Zeroable};

wire_enum! {
    /// A vtest command id (`VCMD_*`). Replies reuse their request's id, except
    /// the caps v2 reply, which carries [`CAPS_V2_REPLY_ID`].
    pub struct VCmd(u32) {
        GET_CAPS = 1,
        RESOURCE_CREATE = 2,
        RESOURCE_UNREF = 3,
        TRANSFER_GET = 4,
        TRANSFER_PUT = 5,
        SUBMIT_CMD = 6,
        RESOURCE_BUSY_WAIT = 7,
        CREATE_RENDERER = 8,
        GET_CAPS2 = 9,
        PING_PROTOCOL_VERSION = 10,
        PROTOCOL_VERSION = 11,
        RESOURCE_CREATE2 = 12,
        TRANSFER_GET2 = 13,
        TRANSFER_PUT2 = 14,
        GET_PARAM = 15,
        GET_CAPSET = 16,
        CONTEXT_INIT = 17,
        RESOURCE_CREATE_BLOB = 18,
        SYNC_CREATE = 19,
        SYNC_UNREF = 20,
        SYNC_READ = 21,
        SYNC_WRITE = 22,
        SYNC_WAIT = 23,
        SUBMIT_CMD2 = 24,
    }
}

/// Bytes in a message header (`len`, `id`).
pub const HEADER_BYTES: usize = 8;
/// The id of the caps v2 reply to GET_CAPS2 (not 9).
pub const CAPS_V2_REPLY_ID: u32 = 2;
/// The one data byte of the message that carries an fd with `SCM_RIGHTS`.
pub const FD_MESSAGE_BYTE: u8 = 0;
/// The highest protocol version this crate knows (ids 15–24 need 3).
pub const PROTOCOL_VERSION_MAX: u32 = 3;
/// RESOURCE_BUSY_WAIT `flags` bit: block until idle (`VCMD_BUSY_WAIT_FLAG_WAIT`).
pub const BUSY_WAIT_FLAG_WAIT: u32 = 1;
/// GET_PARAM `param`: the number of fence timelines (`VCMD_PARAM_MAX_TIMELINE_COUNT`).
pub const PARAM_MAX_TIMELINE_COUNT: u32 = 1;
/// SYNC_WAIT `flags` bit: wake when any sync reaches its value.
pub const SYNC_WAIT_FLAG_ANY: u32 = 1;
/// SUBMIT_CMD2 batch `flags` bit: `ring_idx` is valid.
pub const SUBMIT_CMD2_FLAG_RING_IDX: u32 = 1;
/// Dwords between two SUBMIT_CMD2 batch headers (the header macro's stride).
pub const SUBMIT_CMD2_BATCH_STRIDE: usize = 8;
/// Fields of one SUBMIT_CMD2 batch header that the reference reads.
pub const SUBMIT_CMD2_BATCH_FIELDS: usize = 6;
pub use crate::virgl::limits::MAX_CMDBUF_DWORDS;

/// The 2-dword header that starts every message except raw TRANSFER_GET data
/// and the fd byte. The unit of `len` depends on the command (§2.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct Header {
    /// Payload length (dwords, or bytes for CREATE_RENDERER and caps replies).
    pub len: Le32,
    /// Command id.
    pub id: Le32,
}

impl Header {
    /// A header with these values.
    pub const fn new(len: u32, id: VCmd) -> Self {
        Self {
            len: Le32::new(len),
            id: Le32::new(id.0),
        }
    }

    /// The command id.
    pub const fn cmd(&self) -> VCmd {
        VCmd(self.id.get())
    }
}

macro_rules! body {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident: $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
        #[repr(C)]
        pub struct $name {
            $($(#[$fdoc])* pub $field: $ty,)*
        }

        impl $name {
            /// Size of the body in bytes.
            pub const BYTES: usize = core::mem::size_of::<Self>();
        }
    };
}

body! {
    /// PROTOCOL_VERSION request and reply body: the version wanted / agreed.
    ProtocolVersion {
        /// Protocol version.
        version: Le32,
    }
}

body! {
    /// RESOURCE_CREATE (protocol 0) body, §5.4.
    ResourceCreate {
        /// Client-chosen resource id (v0–2); 0 in v3.
        handle: Le32,
        /// `PIPE_TEXTURE_*` / `PIPE_BUFFER` target.
        target: Le32,
        /// `VIRGL_FORMAT_*`.
        format: Le32,
        /// `VIRGL_BIND_*` bitmask.
        bind: Le32,
        /// Width in texels (buffers: bytes).
        width: Le32,
        /// Height in texels.
        height: Le32,
        /// Depth in texels.
        depth: Le32,
        /// Array layers.
        array_size: Le32,
        /// Last mip level.
        last_level: Le32,
        /// Samples (0/1 = single-sampled).
        nr_samples: Le32,
    }
}

body! {
    /// RESOURCE_CREATE2 (protocol ≥ 2) body, §5.5: RESOURCE_CREATE plus `data_size`.
    ResourceCreate2 {
        /// Client-chosen resource id (v0–2); 0 in v3.
        handle: Le32,
        /// `PIPE_TEXTURE_*` / `PIPE_BUFFER` target.
        target: Le32,
        /// `VIRGL_FORMAT_*`.
        format: Le32,
        /// `VIRGL_BIND_*` bitmask.
        bind: Le32,
        /// Width in texels (buffers: bytes).
        width: Le32,
        /// Height in texels.
        height: Le32,
        /// Depth in texels.
        depth: Le32,
        /// Array layers.
        array_size: Le32,
        /// Last mip level.
        last_level: Le32,
        /// Samples (0/1 = single-sampled).
        nr_samples: Le32,
        /// Bytes of shared-memory backing (0: no backing, no fd).
        data_size: Le32,
    }
}

impl ResourceCreate2 {
    /// Everything but `data_size`: the RESOURCE_CREATE fields.
    pub fn fields(&self) -> ResourceCreate {
        ResourceCreate {
            handle: self.handle,
            target: self.target,
            format: self.format,
            bind: self.bind,
            width: self.width,
            height: self.height,
            depth: self.depth,
            array_size: self.array_size,
            last_level: self.last_level,
            nr_samples: self.nr_samples,
        }
    }
}

body! {
    /// RESOURCE_UNREF body.
    ResourceUnref {
        /// The resource.
        handle: Le32,
    }
}

body! {
    /// TRANSFER_GET / TRANSFER_PUT (protocol 0) header, §5.7. PUT's data follows.
    Transfer {
        /// The resource.
        handle: Le32,
        /// Mip level.
        level: Le32,
        /// Bytes per row of the client data (0 = tightly packed).
        stride: Le32,
        /// Bytes per layer of the client data.
        layer_stride: Le32,
        /// Box x.
        x: Le32,
        /// Box y.
        y: Le32,
        /// Box z.
        z: Le32,
        /// Box width.
        width: Le32,
        /// Box height.
        height: Le32,
        /// Box depth.
        depth: Le32,
        /// Bytes of data that follow (PUT) or come back (GET).
        data_size: Le32,
    }
}

body! {
    /// TRANSFER_GET2 / TRANSFER_PUT2 (protocol ≥ 2) body, §5.8.
    Transfer2 {
        /// The resource.
        handle: Le32,
        /// Mip level.
        level: Le32,
        /// Box x.
        x: Le32,
        /// Box y.
        y: Le32,
        /// Box z.
        z: Le32,
        /// Box width.
        width: Le32,
        /// Box height.
        height: Le32,
        /// Box depth.
        depth: Le32,
        /// Informational only; the reference ignores it.
        data_size: Le32,
        /// Byte offset of the box's first texel in the shm backing.
        offset: Le32,
    }
}

body! {
    /// RESOURCE_BUSY_WAIT body, §5.10.
    ResourceBusyWait {
        /// The resource (ignored by the reference except the pre-context probe).
        handle: Le32,
        /// [`BUSY_WAIT_FLAG_WAIT`] or 0.
        flags: Le32,
    }
}

body! {
    /// RESOURCE_BUSY_WAIT reply body.
    BusyWaitReply {
        /// 1 if work is still pending, else 0.
        busy: Le32,
    }
}

body! {
    /// GET_PARAM body (v3).
    GetParam {
        /// Parameter id, e.g. [`PARAM_MAX_TIMELINE_COUNT`].
        param: Le32,
    }
}

body! {
    /// GET_PARAM reply body (v3).
    GetParamReply {
        /// 1 if the parameter is known.
        valid: Le32,
        /// Its value.
        value: Le32,
    }
}

body! {
    /// GET_CAPSET body (v3).
    GetCapset {
        /// Capset id (1 virgl, 2 virgl2, 4 venus).
        capset_id: Le32,
        /// Highest capset version the client understands.
        version: Le32,
    }
}

body! {
    /// CONTEXT_INIT body (v3).
    ContextInit {
        /// Capset id the context speaks (non-zero).
        capset_id: Le32,
    }
}

body! {
    /// RESOURCE_CREATE_BLOB body (v3).
    ResourceCreateBlob {
        /// Blob type (1 GUEST, 2 HOST3D, 3 HOST3D_GUEST).
        blob_type: Le32,
        /// Blob flags (1 MAPPABLE, 2 SHAREABLE, 4 CROSS_DEVICE).
        flags: Le32,
        /// Size in bytes.
        size: Le64,
        /// Blob id.
        blob_id: Le64,
    }
}

body! {
    /// A one-dword id reply: RESOURCE_CREATE / RESOURCE_CREATE2 (v3),
    /// RESOURCE_CREATE_BLOB, SYNC_CREATE.
    IdReply {
        /// The server-allocated resource or sync id.
        id: Le32,
    }
}

body! {
    /// SYNC_CREATE body (v3).
    SyncCreate {
        /// Initial timeline value.
        value: Le64,
    }
}

body! {
    /// SYNC_UNREF and SYNC_READ body (v3).
    SyncId {
        /// The sync object.
        sync_id: Le32,
    }
}

body! {
    /// SYNC_READ reply body (v3).
    SyncReadReply {
        /// Current timeline value.
        value: Le64,
    }
}

body! {
    /// SYNC_WRITE body (v3).
    SyncWrite {
        /// The sync object.
        sync_id: Le32,
        /// Value to signal.
        value: Le64,
    }
}

body! {
    /// SYNC_WAIT fixed part (v3); [`SyncEntry`] records follow.
    SyncWaitHeader {
        /// [`SYNC_WAIT_FLAG_ANY`] or 0.
        flags: Le32,
        /// Timeout in milliseconds.
        timeout_ms: Le32,
    }
}

body! {
    /// A sync point: in SYNC_WAIT and in SUBMIT_CMD2 batches (3 dwords).
    SyncEntry {
        /// The sync object.
        sync_id: Le32,
        /// Timeline value.
        value: Le64,
    }
}

body! {
    /// One SUBMIT_CMD2 batch header (the [`SUBMIT_CMD2_BATCH_FIELDS`] fields read).
    SubmitCmd2Batch {
        /// [`SUBMIT_CMD2_FLAG_RING_IDX`] or 0.
        flags: Le32,
        /// First command dword, from the payload start.
        cmd_offset: Le32,
        /// Command dwords.
        cmd_size: Le32,
        /// First sync entry dword, from the payload start.
        sync_offset: Le32,
        /// Number of [`SyncEntry`] records.
        sync_count: Le32,
        /// Ring index (< 64) when flagged.
        ring_idx: Le32,
    }
}

/// CREATE_RENDERER body: the client's debug name, NUL included, `len` bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CreateRenderer<'a> {
    /// The raw name bytes as sent (normally `strlen + 1`, NUL-terminated).
    pub name: &'a [u8],
}

impl<'a> CreateRenderer<'a> {
    /// The name up to its first NUL, if that is UTF-8.
    pub fn name_str(&self) -> Option<&'a str> {
        let end = self
            .name
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.name.len());
        core::str::from_utf8(self.name.get(..end)?).ok()
    }
}

/// SUBMIT_CMD2 payload (v3): `[0] batch_count`, batch headers, then command
/// dwords and sync entries addressed by the batches' offsets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SubmitCmd2<'a> {
    /// The whole payload, `batch_count` included.
    pub payload: Dwords<'a>,
}

impl<'a> SubmitCmd2<'a> {
    /// Number of batches (`payload[0]`).
    pub fn batch_count(&self) -> u32 {
        self.payload.get(0).unwrap_or(0)
    }

    /// Batch `index`'s header, read at dword `1 + 8 * index`; `None` if outside.
    pub fn batch(&self, index: usize) -> Option<SubmitCmd2Batch> {
        if index >= self.batch_count() as usize {
            return None;
        }
        let start = index
            .checked_mul(SUBMIT_CMD2_BATCH_STRIDE)?
            .checked_add(1)?;
        let fields = self
            .payload
            .slice(start, start.checked_add(SUBMIT_CMD2_BATCH_FIELDS)?)?;
        bytemuck::try_pod_read_unaligned(fields.as_bytes()).ok()
    }

    /// The command dwords of `batch`; `None` if its range is outside the payload.
    pub fn commands(&self, batch: &SubmitCmd2Batch) -> Option<Dwords<'a>> {
        let start = batch.cmd_offset.get() as usize;
        self.payload
            .slice(start, start.checked_add(batch.cmd_size.get() as usize)?)
    }

    /// The sync entries of `batch`; `None` if their range is outside the payload.
    pub fn syncs(&self, batch: &SubmitCmd2Batch) -> Option<&'a [SyncEntry]> {
        let start = batch.sync_offset.get() as usize;
        let len = (batch.sync_count.get() as usize).checked_mul(3)?;
        self.payload
            .slice(start, start.checked_add(len)?)?
            .records::<SyncEntry>()
    }
}

/// A client → server message, borrowing the bytes it was decoded from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Request<'a> {
    /// GET_CAPS (1): no body; answered with caps v1.
    GetCaps,
    /// RESOURCE_CREATE (2), protocol 0.
    ResourceCreate(ResourceCreate),
    /// RESOURCE_UNREF (3).
    ResourceUnref(ResourceUnref),
    /// TRANSFER_GET (4), protocol 0: answered with `data_size` raw bytes.
    TransferGet(Transfer),
    /// TRANSFER_PUT (5), protocol 0: the header, then `data_size` bytes inline.
    TransferPut {
        /// The transfer header.
        transfer: Transfer,
        /// Exactly `transfer.data_size` bytes.
        data: &'a [u8],
    },
    /// SUBMIT_CMD (6): a virgl command buffer of `len` dwords.
    SubmitCmd(Dwords<'a>),
    /// RESOURCE_BUSY_WAIT (7).
    ResourceBusyWait(ResourceBusyWait),
    /// CREATE_RENDERER (8): must be the first message.
    CreateRenderer(CreateRenderer<'a>),
    /// GET_CAPS2 (9): no body; answered with caps v2 (reply id 2).
    GetCaps2,
    /// PING_PROTOCOL_VERSION (10): no body.
    PingProtocolVersion,
    /// PROTOCOL_VERSION (11): the version the client wants.
    ProtocolVersion(ProtocolVersion),
    /// RESOURCE_CREATE2 (12), protocol ≥ 2.
    ResourceCreate2(ResourceCreate2),
    /// TRANSFER_GET2 (13): host → shm.
    TransferGet2(Transfer2),
    /// TRANSFER_PUT2 (14): shm → host.
    TransferPut2(Transfer2),
    /// GET_PARAM (15), v3.
    GetParam(GetParam),
    /// GET_CAPSET (16), v3.
    GetCapset(GetCapset),
    /// CONTEXT_INIT (17), v3.
    ContextInit(ContextInit),
    /// RESOURCE_CREATE_BLOB (18), v3.
    ResourceCreateBlob(ResourceCreateBlob),
    /// SYNC_CREATE (19), v3.
    SyncCreate(SyncCreate),
    /// SYNC_UNREF (20), v3.
    SyncUnref(SyncId),
    /// SYNC_READ (21), v3.
    SyncRead(SyncId),
    /// SYNC_WRITE (22), v3.
    SyncWrite(SyncWrite),
    /// SYNC_WAIT (23), v3: `len = 2 + 3n`.
    SyncWait {
        /// Flags and timeout.
        wait: SyncWaitHeader,
        /// The `n` sync points.
        syncs: &'a [SyncEntry],
    },
    /// SUBMIT_CMD2 (24), v3.
    SubmitCmd2(SubmitCmd2<'a>),
}

impl Request<'_> {
    /// The command id.
    pub const fn cmd(&self) -> VCmd {
        match self {
            Self::GetCaps => VCmd::GET_CAPS,
            Self::ResourceCreate(_) => VCmd::RESOURCE_CREATE,
            Self::ResourceUnref(_) => VCmd::RESOURCE_UNREF,
            Self::TransferGet(_) => VCmd::TRANSFER_GET,
            Self::TransferPut { .. } => VCmd::TRANSFER_PUT,
            Self::SubmitCmd(_) => VCmd::SUBMIT_CMD,
            Self::ResourceBusyWait(_) => VCmd::RESOURCE_BUSY_WAIT,
            Self::CreateRenderer(_) => VCmd::CREATE_RENDERER,
            Self::GetCaps2 => VCmd::GET_CAPS2,
            Self::PingProtocolVersion => VCmd::PING_PROTOCOL_VERSION,
            Self::ProtocolVersion(_) => VCmd::PROTOCOL_VERSION,
            Self::ResourceCreate2(_) => VCmd::RESOURCE_CREATE2,
            Self::TransferGet2(_) => VCmd::TRANSFER_GET2,
            Self::TransferPut2(_) => VCmd::TRANSFER_PUT2,
            Self::GetParam(_) => VCmd::GET_PARAM,
            Self::GetCapset(_) => VCmd::GET_CAPSET,
            Self::ContextInit(_) => VCmd::CONTEXT_INIT,
            Self::ResourceCreateBlob(_) => VCmd::RESOURCE_CREATE_BLOB,
            Self::SyncCreate(_) => VCmd::SYNC_CREATE,
            Self::SyncUnref(_) => VCmd::SYNC_UNREF,
            Self::SyncRead(_) => VCmd::SYNC_READ,
            Self::SyncWrite(_) => VCmd::SYNC_WRITE,
            Self::SyncWait { .. } => VCmd::SYNC_WAIT,
            Self::SubmitCmd2(_) => VCmd::SUBMIT_CMD2,
        }
    }
}

/// A request as it was framed on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RequestFrame<'a> {
    /// Byte offset of the header in the client → server stream.
    pub offset: u64,
    /// Bytes the message occupies on the wire, header included.
    pub size: usize,
    /// The raw header; `len` may differ from the canonical one for commands
    /// whose size does not depend on it (§2.1).
    pub header: Header,
    /// The decoded message.
    pub request: Request<'a>,
}

/// Which caps blob a caps reply carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CapsVersion {
    /// `virgl_caps_v1` (reply id 1, 308 bytes from the reference).
    V1,
    /// `virgl_caps_v2` (reply id 2, 1376 bytes from the reference).
    V2,
}

/// A server → client message, borrowing the bytes it was decoded from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reply<'a> {
    /// Answer to GET_CAPS / GET_CAPS2: header `{bytes + 1, 1 or 2}` then the blob.
    Caps {
        /// V1 (id 1) or V2 (id 2).
        version: CapsVersion,
        /// The caps blob (`len - 1` bytes).
        caps: &'a [u8],
    },
    /// RESOURCE_CREATE answer, v3 only: `{1, 2}` + resource id.
    ResourceCreate(IdReply),
    /// TRANSFER_GET answer (protocol 0): `data_size` raw bytes, no header.
    TransferGetData(&'a [u8]),
    /// RESOURCE_BUSY_WAIT answer: `{1, 7}` + busy.
    ResourceBusyWait(BusyWaitReply),
    /// PING_PROTOCOL_VERSION answer: `{0, 10}`.
    PingProtocolVersion,
    /// PROTOCOL_VERSION answer: `{1, 11}` + agreed version.
    ProtocolVersion(ProtocolVersion),
    /// RESOURCE_CREATE2 answer, v3 only: `{1, 12}` + resource id (the fd follows
    /// as a separate [`Reply::Fd`]).
    ResourceCreate2(IdReply),
    /// GET_PARAM answer: `{2, 15}` + valid, value.
    GetParam(GetParamReply),
    /// GET_CAPSET answer: `{1 + N, 16}` + valid + N dwords of capset.
    GetCapset {
        /// 1 if the capset and version are supported.
        valid: u32,
        /// The capset (empty when not valid).
        capset: Dwords<'a>,
    },
    /// RESOURCE_CREATE_BLOB answer: `{1, 18}` + resource id (fd follows).
    ResourceCreateBlob(IdReply),
    /// SYNC_CREATE answer: `{1, 19}` + sync id.
    SyncCreate(IdReply),
    /// SYNC_READ answer: `{2, 21}` + value.
    SyncRead(SyncReadReply),
    /// SYNC_WAIT answer: `{0, 23}` (an eventfd follows).
    SyncWait,
    /// The 1-byte message ([`FD_MESSAGE_BYTE`]) that carries fds with `SCM_RIGHTS`.
    Fd,
}

impl Reply<'_> {
    /// The id in the reply's header; `None` for raw data and the fd byte.
    pub const fn header_id(&self) -> Option<u32> {
        let cmd = match self {
            Self::Caps {
                version: CapsVersion::V1,
                ..
            } => VCmd::GET_CAPS,
            Self::Caps {
                version: CapsVersion::V2,
                ..
            } => return Some(CAPS_V2_REPLY_ID),
            Self::ResourceCreate(_) => VCmd::RESOURCE_CREATE,
            Self::TransferGetData(_) | Self::Fd => return None,
            Self::ResourceBusyWait(_) => VCmd::RESOURCE_BUSY_WAIT,
            Self::PingProtocolVersion => VCmd::PING_PROTOCOL_VERSION,
            Self::ProtocolVersion(_) => VCmd::PROTOCOL_VERSION,
            Self::ResourceCreate2(_) => VCmd::RESOURCE_CREATE2,
            Self::GetParam(_) => VCmd::GET_PARAM,
            Self::GetCapset { .. } => VCmd::GET_CAPSET,
            Self::ResourceCreateBlob(_) => VCmd::RESOURCE_CREATE_BLOB,
            Self::SyncCreate(_) => VCmd::SYNC_CREATE,
            Self::SyncRead(_) => VCmd::SYNC_READ,
            Self::SyncWait => VCmd::SYNC_WAIT,
        };
        Some(cmd.0)
    }

    /// A short name for logs (`"CAPS_V2"`, `"RESOURCE_BUSY_WAIT"`, `"FD"`, …).
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Caps {
                version: CapsVersion::V1,
                ..
            } => "CAPS_V1",
            Self::Caps {
                version: CapsVersion::V2,
                ..
            } => "CAPS_V2",
            Self::ResourceCreate(_) => "RESOURCE_CREATE",
            Self::TransferGetData(_) => "TRANSFER_GET_DATA",
            Self::ResourceBusyWait(_) => "RESOURCE_BUSY_WAIT",
            Self::PingProtocolVersion => "PING_PROTOCOL_VERSION",
            Self::ProtocolVersion(_) => "PROTOCOL_VERSION",
            Self::ResourceCreate2(_) => "RESOURCE_CREATE2",
            Self::GetParam(_) => "GET_PARAM",
            Self::GetCapset { .. } => "GET_CAPSET",
            Self::ResourceCreateBlob(_) => "RESOURCE_CREATE_BLOB",
            Self::SyncCreate(_) => "SYNC_CREATE",
            Self::SyncRead(_) => "SYNC_READ",
            Self::SyncWait => "SYNC_WAIT",
            Self::Fd => "FD",
        }
    }
}

/// A reply as it was framed on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReplyFrame<'a> {
    /// Byte offset of the reply in the server → client stream.
    pub offset: u64,
    /// Bytes the reply occupies on the wire, header included.
    pub size: usize,
    /// The decoded reply.
    pub reply: Reply<'a>,
}
