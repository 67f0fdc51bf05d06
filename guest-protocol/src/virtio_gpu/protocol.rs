//! The virtio-gpu wire layout: constants, type codes and one `#[repr(C)]` struct
//! per request and response.
//!
//! Names follow Linux `include/uapi/linux/virtio_gpu.h` without the
//! `virtio_gpu_` prefix (`struct virtio_gpu_resource_create_3d` →
//! [`ResourceCreate3d`]). Every field is a [`Le32`]/[`Le64`] (or bytes), so every
//! struct has alignment 1, no padding the compiler chose, and can be viewed in
//! place over any byte slice with `bytemuck`. Each request and response struct
//! starts with its [`CtrlHdr`] and its size is checked against the spec below.

use bytemuck::{Pod, Zeroable};
use core::mem::{align_of, size_of};

use crate::le::{Le32, Le64};
use crate::macros::wire_enum;

// ---------------------------------------------------------------------------
// Device-level constants.

/// The virtio device id of a GPU.
pub const DEVICE_ID: u32 = 16;
/// Index of the control queue (everything but the cursor).
pub const CONTROLQ: u16 = 0;
/// Index of the cursor queue (`CMD_UPDATE_CURSOR`, `CMD_MOVE_CURSOR`).
pub const CURSORQ: u16 = 1;
/// Shared-memory region id where `RESOURCE_MAP_BLOB` maps host memory.
pub const SHM_ID_HOST_VISIBLE: u8 = 1;

/// Feature bit number: 3D commands (`0x02xx`) and capsets.
pub const F_VIRGL: u32 = 0;
/// Feature bit number: `CMD_GET_EDID`.
pub const F_EDID: u32 = 1;
/// Feature bit number: `CMD_RESOURCE_ASSIGN_UUID`.
pub const F_RESOURCE_UUID: u32 = 2;
/// Feature bit number: blob resources (`CREATE_BLOB`, `SET_SCANOUT_BLOB`, `MAP/UNMAP_BLOB`).
pub const F_RESOURCE_BLOB: u32 = 3;
/// Feature bit number: `context_init` in `CTX_CREATE` and per-context fence rings.
pub const F_CONTEXT_INIT: u32 = 4;

/// [`Config::events_read`] bit: the display configuration changed.
pub const EVENT_DISPLAY: u32 = 1 << 0;

/// [`CtrlHdr::flags`] bit: the request is fenced; the response echoes it and
/// `fence_id` and is returned only once the work is done.
pub const FLAG_FENCE: u32 = 1 << 0;
/// [`CtrlHdr::flags`] bit: [`CtrlHdr::ring_idx`] names the context's fence ring.
pub const FLAG_INFO_RING_IDX: u32 = 1 << 1;
/// The highest valid [`CtrlHdr::ring_idx`] (rings are `0..=63`).
pub const MAX_RING_IDX: u8 = 63;

/// Number of [`DisplayOne`] entries in [`RespDisplayInfo`].
pub const MAX_SCANOUTS: usize = 16;
/// Size of [`CtxCreate::debug_name`]; `nlen` may not exceed it.
pub const DEBUG_NAME_LEN: usize = 64;
/// Size of [`RespEdid::edid`]; `size` may not exceed it.
pub const EDID_LEN: usize = 1024;
/// The most memory entries one `ATTACH_BACKING` or `CREATE_BLOB` may carry
/// (QEMU's limit); the decoder rejects more with
/// [`Error::TooManyEntries`](super::Error::TooManyEntries).
pub const MAX_MEM_ENTRIES: u32 = 16384;

/// [`ResourceCreate3d::flags`] bit: row 0 is the top row (scanout origin hint).
pub const RESOURCE_FLAG_Y_0_TOP: u32 = 1 << 0;

/// [`CtxCreate::context_init`] bits holding the capset id (0 = device default).
pub const CONTEXT_INIT_CAPSET_ID_MASK: u32 = 0xff;

/// [`ResourceCreateBlob::blob_flags`] bit: the guest will map the blob.
pub const BLOB_FLAG_USE_MAPPABLE: u32 = 1 << 0;
/// [`ResourceCreateBlob::blob_flags`] bit: the blob may be exported.
pub const BLOB_FLAG_USE_SHAREABLE: u32 = 1 << 1;
/// [`ResourceCreateBlob::blob_flags`] bit: the blob may be shared with other devices.
pub const BLOB_FLAG_USE_CROSS_DEVICE: u32 = 1 << 2;

/// [`RespMapInfo::map_info`] bits holding the [`MapCache`] type.
pub const MAP_CACHE_MASK: u32 = 0x0f;

// ---------------------------------------------------------------------------
// Open enumerations.

wire_enum! {
    /// `enum virtio_gpu_ctrl_type`: the [`CtrlHdr::type_`] of every request
    /// (`CMD_*`) and response (`RESP_*`).
    pub struct CtrlType(u32) {
        /// Not a valid type.
        UNDEFINED = 0,

        /// Request the scanout list; answered with `RESP_OK_DISPLAY_INFO`.
        CMD_GET_DISPLAY_INFO = 0x0100,
        /// [`ResourceCreate2d`].
        CMD_RESOURCE_CREATE_2D = 0x0101,
        /// [`ResourceUnref`].
        CMD_RESOURCE_UNREF = 0x0102,
        /// [`SetScanout`].
        CMD_SET_SCANOUT = 0x0103,
        /// [`ResourceFlush`].
        CMD_RESOURCE_FLUSH = 0x0104,
        /// [`TransferToHost2d`].
        CMD_TRANSFER_TO_HOST_2D = 0x0105,
        /// [`ResourceAttachBacking`] followed by [`MemEntry`]s.
        CMD_RESOURCE_ATTACH_BACKING = 0x0106,
        /// [`ResourceDetachBacking`].
        CMD_RESOURCE_DETACH_BACKING = 0x0107,
        /// [`GetCapsetInfo`].
        CMD_GET_CAPSET_INFO = 0x0108,
        /// [`GetCapset`].
        CMD_GET_CAPSET = 0x0109,
        /// [`GetEdid`].
        CMD_GET_EDID = 0x010a,
        /// [`ResourceAssignUuid`].
        CMD_RESOURCE_ASSIGN_UUID = 0x010b,
        /// [`ResourceCreateBlob`] followed by [`MemEntry`]s.
        CMD_RESOURCE_CREATE_BLOB = 0x010c,
        /// [`SetScanoutBlob`].
        CMD_SET_SCANOUT_BLOB = 0x010d,

        /// [`CtxCreate`].
        CMD_CTX_CREATE = 0x0200,
        /// Header only: destroy `ctx_id`.
        CMD_CTX_DESTROY = 0x0201,
        /// [`CtxResource`].
        CMD_CTX_ATTACH_RESOURCE = 0x0202,
        /// [`CtxResource`].
        CMD_CTX_DETACH_RESOURCE = 0x0203,
        /// [`ResourceCreate3d`].
        CMD_RESOURCE_CREATE_3D = 0x0204,
        /// [`TransferHost3d`]: backing → host resource.
        CMD_TRANSFER_TO_HOST_3D = 0x0205,
        /// [`TransferHost3d`]: host resource → backing.
        CMD_TRANSFER_FROM_HOST_3D = 0x0206,
        /// [`CmdSubmit`] followed by a virgl command stream.
        CMD_SUBMIT_3D = 0x0207,
        /// [`ResourceMapBlob`].
        CMD_RESOURCE_MAP_BLOB = 0x0208,
        /// [`ResourceUnmapBlob`].
        CMD_RESOURCE_UNMAP_BLOB = 0x0209,

        /// [`UpdateCursor`] (cursor queue).
        CMD_UPDATE_CURSOR = 0x0300,
        /// [`UpdateCursor`], only `pos` used (cursor queue).
        CMD_MOVE_CURSOR = 0x0301,

        /// Success, header only.
        RESP_OK_NODATA = 0x1100,
        /// [`RespDisplayInfo`].
        RESP_OK_DISPLAY_INFO = 0x1101,
        /// [`RespCapsetInfo`].
        RESP_OK_CAPSET_INFO = 0x1102,
        /// [`RespCapset`] followed by the capset bytes.
        RESP_OK_CAPSET = 0x1103,
        /// [`RespEdid`].
        RESP_OK_EDID = 0x1104,
        /// [`RespResourceUuid`].
        RESP_OK_RESOURCE_UUID = 0x1105,
        /// [`RespMapInfo`].
        RESP_OK_MAP_INFO = 0x1106,

        /// Failure, unspecified (also the answer to an unknown request).
        RESP_ERR_UNSPEC = 0x1200,
        /// Failure: out of memory.
        RESP_ERR_OUT_OF_MEMORY = 0x1201,
        /// Failure: no such scanout.
        RESP_ERR_INVALID_SCANOUT_ID = 0x1202,
        /// Failure: no such resource (or the id is taken, for creates).
        RESP_ERR_INVALID_RESOURCE_ID = 0x1203,
        /// Failure: no such context.
        RESP_ERR_INVALID_CONTEXT_ID = 0x1204,
        /// Failure: a field is out of range.
        RESP_ERR_INVALID_PARAMETER = 0x1205,
    }
}

impl CtrlType {
    /// True for the `CMD_*` codes (known or not): below `0x1100`.
    pub const fn is_request(self) -> bool {
        self.0 != 0 && self.0 < 0x1100
    }

    /// True for the `RESP_*` codes (known or not): `0x1100` and above.
    pub const fn is_response(self) -> bool {
        self.0 >= 0x1100
    }

    /// True for the `RESP_ERR_*` codes (known or not): `0x1200` and above.
    pub const fn is_error(self) -> bool {
        self.0 >= 0x1200
    }

    /// The name for logs: the protocol's name, or `"UNKNOWN"`.
    pub const fn log_name(self) -> &'static str {
        match self.name() {
            Some(name) => name,
            None => "UNKNOWN",
        }
    }
}

wire_enum! {
    /// `VIRTIO_GPU_CAPSET_*`: a capability set id ([`GetCapset::capset_id`],
    /// [`RespCapsetInfo::capset_id`], bits 0..7 of [`CtxCreate::context_init`]).
    pub struct CapsetId(u32) {
        /// `virgl_caps_v1` (max version 1, 308 bytes).
        VIRGL = 1,
        /// `virgl_caps_v2` (max version 2).
        VIRGL2 = 2,
        /// gfxstream (reserved).
        GFXSTREAM = 3,
        /// Venus (Vulkan).
        VENUS = 4,
        /// Cross-domain (Wayland proxying).
        CROSS_DOMAIN = 5,
        /// DRM native context.
        DRM = 6,
    }
}

wire_enum! {
    /// `enum virtio_gpu_formats`: the format of a [`ResourceCreate2d`] and of a
    /// [`SetScanoutBlob`] (same numbers as `VIRGL_FORMAT_*`).
    pub struct Format(u32) {
        /// `B8G8R8A8_UNORM`.
        B8G8R8A8_UNORM = 1,
        /// `B8G8R8X8_UNORM`.
        B8G8R8X8_UNORM = 2,
        /// `A8R8G8B8_UNORM`.
        A8R8G8B8_UNORM = 3,
        /// `X8R8G8B8_UNORM`.
        X8R8G8B8_UNORM = 4,
        /// `R8G8B8A8_UNORM`.
        R8G8B8A8_UNORM = 67,
        /// `X8B8G8R8_UNORM`.
        X8B8G8R8_UNORM = 68,
        /// `A8B8G8R8_UNORM`.
        A8B8G8R8_UNORM = 121,
        /// `R8G8B8X8_UNORM`.
        R8G8B8X8_UNORM = 134,
    }
}

wire_enum! {
    /// `VIRTIO_GPU_BLOB_MEM_*`: where a blob's memory lives
    /// ([`ResourceCreateBlob::blob_mem`]; 0 is invalid).
    pub struct BlobMem(u32) {
        /// Guest pages only (the memory entries).
        GUEST = 1,
        /// Host memory created by the context's command stream.
        HOST3D = 2,
        /// Host object with guest pages as backing.
        HOST3D_GUEST = 3,
    }
}

wire_enum! {
    /// `VIRTIO_GPU_MAP_CACHE_*`: the caching of a mapped blob (bits 0..3 of
    /// [`RespMapInfo::map_info`]).
    pub struct MapCache(u32) {
        /// No caching information.
        NONE = 0,
        /// Cached.
        CACHED = 1,
        /// Uncached.
        UNCACHED = 2,
        /// Write-combined.
        WC = 3,
    }
}

// ---------------------------------------------------------------------------
// Structs.

/// `struct virtio_gpu_config`: the device configuration space.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct Config {
    /// Pending events ([`EVENT_DISPLAY`]); read-only for the driver.
    pub events_read: Le32,
    /// Write 1 to clear the matching `events_read` bit.
    pub events_clear: Le32,
    /// Number of scanouts, 1..=16.
    pub num_scanouts: Le32,
    /// Number of capset indices the driver may query with `GET_CAPSET_INFO`.
    pub num_capsets: Le32,
}

/// `struct virtio_gpu_ctrl_hdr`: starts every request and response.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct CtrlHdr {
    /// A [`CtrlType`].
    pub type_: Le32,
    /// [`FLAG_FENCE`], [`FLAG_INFO_RING_IDX`].
    pub flags: Le32,
    /// The fence sequence number (with [`FLAG_FENCE`]).
    pub fence_id: Le64,
    /// The 3D context (0 for 2D and global commands).
    pub ctx_id: Le32,
    /// The fence ring `0..=63` (with [`FLAG_INFO_RING_IDX`]).
    pub ring_idx: u8,
    /// Unused.
    pub padding: [u8; 3],
}

/// The header fields other than the type, as the encoder takes them.
///
/// A response built with [`HdrFields::reply_to`] echoes what the spec says it
/// must: the fence and ring flags, `fence_id`, `ctx_id` and `ring_idx`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct HdrFields {
    /// [`CtrlHdr::flags`].
    pub flags: u32,
    /// [`CtrlHdr::fence_id`].
    pub fence_id: u64,
    /// [`CtrlHdr::ctx_id`].
    pub ctx_id: u32,
    /// [`CtrlHdr::ring_idx`].
    pub ring_idx: u8,
}

impl HdrFields {
    /// The fields of the response to `request`: its [`FLAG_FENCE`] and
    /// [`FLAG_INFO_RING_IDX`] bits (no others), `fence_id`, `ctx_id`, `ring_idx`.
    pub const fn reply_to(request: &CtrlHdr) -> Self {
        Self {
            flags: request.flags.get() & (FLAG_FENCE | FLAG_INFO_RING_IDX),
            fence_id: request.fence_id.get(),
            ctx_id: request.ctx_id.get(),
            ring_idx: request.ring_idx,
        }
    }
}

impl CtrlHdr {
    /// A header of type `type_` with `fields` and zero padding.
    pub const fn new(type_: CtrlType, fields: HdrFields) -> Self {
        Self {
            type_: Le32::new(type_.0),
            flags: Le32::new(fields.flags),
            fence_id: Le64::new(fields.fence_id),
            ctx_id: Le32::new(fields.ctx_id),
            ring_idx: fields.ring_idx,
            padding: [0; 3],
        }
    }

    /// The [`CtrlType`].
    pub const fn ctrl_type(&self) -> CtrlType {
        CtrlType(self.type_.get())
    }

    /// Everything but the type (the padding is dropped).
    pub const fn fields(&self) -> HdrFields {
        HdrFields {
            flags: self.flags.get(),
            fence_id: self.fence_id.get(),
            ctx_id: self.ctx_id.get(),
            ring_idx: self.ring_idx,
        }
    }

    /// The fence id, if [`FLAG_FENCE`] is set.
    pub const fn fence(&self) -> Option<u64> {
        if self.flags.get() & FLAG_FENCE != 0 {
            Some(self.fence_id.get())
        } else {
            None
        }
    }

    /// The fence ring, if [`FLAG_INFO_RING_IDX`] is set (not range-checked:
    /// compare with [`MAX_RING_IDX`]).
    pub const fn ring(&self) -> Option<u8> {
        if self.flags.get() & FLAG_INFO_RING_IDX != 0 {
            Some(self.ring_idx)
        } else {
            None
        }
    }
}

/// `struct virtio_gpu_rect`: a rectangle in pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct Rect {
    /// Left.
    pub x: Le32,
    /// Top.
    pub y: Le32,
    /// Width.
    pub width: Le32,
    /// Height.
    pub height: Le32,
}

/// `struct virtio_gpu_box`: a 3D box in texels (`x, y, z, w, h, d`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct Box3d {
    /// Left.
    pub x: Le32,
    /// Top.
    pub y: Le32,
    /// Front (first slice or layer).
    pub z: Le32,
    /// Width.
    pub w: Le32,
    /// Height.
    pub h: Le32,
    /// Depth (slices or layers).
    pub d: Le32,
}

/// `struct virtio_gpu_mem_entry`: one guest-physical range of a backing store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct MemEntry {
    /// Guest-physical address.
    pub addr: Le64,
    /// Length in bytes.
    pub length: Le32,
    /// Unused.
    pub padding: Le32,
}

/// `struct virtio_gpu_cursor_pos`: where the cursor is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct CursorPos {
    /// The scanout the cursor is on.
    pub scanout_id: Le32,
    /// X in scanout pixels.
    pub x: Le32,
    /// Y in scanout pixels.
    pub y: Le32,
    /// Unused.
    pub padding: Le32,
}

/// `struct virtio_gpu_update_cursor`: `CMD_UPDATE_CURSOR` and `CMD_MOVE_CURSOR`
/// (cursor queue; a move uses only `pos`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct UpdateCursor {
    /// Header.
    pub hdr: CtrlHdr,
    /// Position.
    pub pos: CursorPos,
    /// The 64×64 cursor image (update only; 0 hides the cursor).
    pub resource_id: Le32,
    /// Hotspot x (update only).
    pub hot_x: Le32,
    /// Hotspot y (update only).
    pub hot_y: Le32,
    /// Unused.
    pub padding: Le32,
}

/// `struct virtio_gpu_resource_create_2d`: `CMD_RESOURCE_CREATE_2D`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct ResourceCreate2d {
    /// Header.
    pub hdr: CtrlHdr,
    /// Guest-chosen id, not 0.
    pub resource_id: Le32,
    /// A [`Format`].
    pub format: Le32,
    /// Width in pixels.
    pub width: Le32,
    /// Height in pixels.
    pub height: Le32,
}

/// `struct virtio_gpu_resource_unref`: `CMD_RESOURCE_UNREF`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct ResourceUnref {
    /// Header.
    pub hdr: CtrlHdr,
    /// The resource to destroy.
    pub resource_id: Le32,
    /// Unused.
    pub padding: Le32,
}

/// `struct virtio_gpu_set_scanout`: `CMD_SET_SCANOUT`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct SetScanout {
    /// Header.
    pub hdr: CtrlHdr,
    /// The part of the resource shown.
    pub r: Rect,
    /// The output.
    pub scanout_id: Le32,
    /// The resource shown (0 disables the scanout).
    pub resource_id: Le32,
}

/// `struct virtio_gpu_resource_flush`: `CMD_RESOURCE_FLUSH`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct ResourceFlush {
    /// Header.
    pub hdr: CtrlHdr,
    /// The damaged rectangle.
    pub r: Rect,
    /// The resource to present.
    pub resource_id: Le32,
    /// Unused.
    pub padding: Le32,
}

/// `struct virtio_gpu_transfer_to_host_2d`: `CMD_TRANSFER_TO_HOST_2D`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct TransferToHost2d {
    /// Header.
    pub hdr: CtrlHdr,
    /// The rectangle to copy.
    pub r: Rect,
    /// Byte offset in the backing of the rectangle's first pixel.
    pub offset: Le64,
    /// The resource.
    pub resource_id: Le32,
    /// Unused.
    pub padding: Le32,
}

/// `struct virtio_gpu_resource_attach_backing`: `CMD_RESOURCE_ATTACH_BACKING`,
/// followed by `nr_entries` [`MemEntry`]s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct ResourceAttachBacking {
    /// Header.
    pub hdr: CtrlHdr,
    /// The resource.
    pub resource_id: Le32,
    /// Number of [`MemEntry`]s that follow.
    pub nr_entries: Le32,
}

/// `struct virtio_gpu_resource_detach_backing`: `CMD_RESOURCE_DETACH_BACKING`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct ResourceDetachBacking {
    /// Header.
    pub hdr: CtrlHdr,
    /// The resource.
    pub resource_id: Le32,
    /// Unused.
    pub padding: Le32,
}

/// `struct virtio_gpu_display_one`: one scanout of [`RespDisplayInfo`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct DisplayOne {
    /// Preferred position and size.
    pub r: Rect,
    /// Non-zero when the output is connected.
    pub enabled: Le32,
    /// Unused.
    pub flags: Le32,
}

/// `struct virtio_gpu_resp_display_info`: `RESP_OK_DISPLAY_INFO`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct RespDisplayInfo {
    /// Header.
    pub hdr: CtrlHdr,
    /// One entry per possible scanout.
    pub pmodes: [DisplayOne; MAX_SCANOUTS],
}

/// `struct virtio_gpu_transfer_host_3d`: `CMD_TRANSFER_TO_HOST_3D` and
/// `CMD_TRANSFER_FROM_HOST_3D`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct TransferHost3d {
    /// Header (`ctx_id` set).
    pub hdr: CtrlHdr,
    /// The region of the resource.
    pub box_: Box3d,
    /// Byte offset in the backing of the box's first texel.
    pub offset: Le64,
    /// The resource.
    pub resource_id: Le32,
    /// Mip level.
    pub level: Le32,
    /// Bytes per row in the backing; 0 = the level's natural pitch.
    pub stride: Le32,
    /// Bytes per layer/slice in the backing; 0 = natural.
    pub layer_stride: Le32,
}

/// `struct virtio_gpu_resource_create_3d`: `CMD_RESOURCE_CREATE_3D`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct ResourceCreate3d {
    /// Header.
    pub hdr: CtrlHdr,
    /// Guest-chosen id, not 0.
    pub resource_id: Le32,
    /// `PIPE_TEXTURE_*` / `PIPE_BUFFER`.
    pub target: Le32,
    /// `VIRGL_FORMAT_*`.
    pub format: Le32,
    /// `VIRGL_BIND_*` bits.
    pub bind: Le32,
    /// Width.
    pub width: Le32,
    /// Height.
    pub height: Le32,
    /// Depth.
    pub depth: Le32,
    /// Array layers.
    pub array_size: Le32,
    /// Last mip level.
    pub last_level: Le32,
    /// Samples (0 or 1 = single-sampled).
    pub nr_samples: Le32,
    /// [`RESOURCE_FLAG_Y_0_TOP`].
    pub flags: Le32,
    /// Unused.
    pub padding: Le32,
}

/// `struct virtio_gpu_ctx_create`: `CMD_CTX_CREATE` (`hdr.ctx_id` = the new context).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct CtxCreate {
    /// Header.
    pub hdr: CtrlHdr,
    /// Length of the debug name in `debug_name` (no NUL), at most 64.
    pub nlen: Le32,
    /// Bits 0..7 a [`CapsetId`] (0 = device default, virgl), upper bits flags.
    pub context_init: Le32,
    /// The debug name (the process name from Linux); only `nlen` bytes count.
    pub debug_name: [u8; DEBUG_NAME_LEN],
}

impl CtxCreate {
    /// A `CMD_CTX_CREATE` for `hdr.ctx_id`, with `name` cut to 64 bytes.
    pub fn new(hdr: CtrlHdr, context_init: u32, name: &[u8]) -> Self {
        let mut debug_name = [0u8; DEBUG_NAME_LEN];
        let len = name.len().min(DEBUG_NAME_LEN);
        for (dst, src) in debug_name.iter_mut().zip(name) {
            *dst = *src;
        }
        Self {
            hdr: CtrlHdr {
                type_: Le32::new(CtrlType::CMD_CTX_CREATE.0),
                ..hdr
            },
            // `len` is at most 64.
            nlen: Le32::new(len as u32),
            context_init: Le32::new(context_init),
            debug_name,
        }
    }

    /// The first `nlen` bytes of `debug_name` (all 64 if `nlen` is larger;
    /// the decoder rejects that).
    pub fn debug_name(&self) -> &[u8] {
        let len = usize::try_from(self.nlen.get()).unwrap_or(usize::MAX);
        self.debug_name.get(..len).unwrap_or(&self.debug_name)
    }

    /// The capset id in bits 0..7 of `context_init` (0 = device default).
    pub const fn capset_id(&self) -> CapsetId {
        CapsetId(self.context_init.get() & CONTEXT_INIT_CAPSET_ID_MASK)
    }
}

/// `struct virtio_gpu_ctx_resource`: `CMD_CTX_ATTACH_RESOURCE` and
/// `CMD_CTX_DETACH_RESOURCE` (`hdr.ctx_id` = the context).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct CtxResource {
    /// Header.
    pub hdr: CtrlHdr,
    /// The resource.
    pub resource_id: Le32,
    /// Unused.
    pub padding: Le32,
}

/// `struct virtio_gpu_cmd_submit`: `CMD_SUBMIT_3D`, followed by `size` bytes of
/// virgl command stream (`hdr.ctx_id` = the context).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct CmdSubmit {
    /// Header.
    pub hdr: CtrlHdr,
    /// Bytes of command stream that follow (a multiple of 4).
    pub size: Le32,
    /// Unused.
    pub padding: Le32,
}

/// `struct virtio_gpu_get_capset_info`: `CMD_GET_CAPSET_INFO`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct GetCapsetInfo {
    /// Header.
    pub hdr: CtrlHdr,
    /// Index `0..num_capsets` (the device maps indices to ids).
    pub capset_index: Le32,
    /// Unused.
    pub padding: Le32,
}

/// `struct virtio_gpu_resp_capset_info`: `RESP_OK_CAPSET_INFO`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct RespCapsetInfo {
    /// Header.
    pub hdr: CtrlHdr,
    /// A [`CapsetId`].
    pub capset_id: Le32,
    /// Highest version the device serves.
    pub capset_max_version: Le32,
    /// Size in bytes of the capset data.
    pub capset_max_size: Le32,
    /// Unused.
    pub padding: Le32,
}

/// `struct virtio_gpu_get_capset`: `CMD_GET_CAPSET`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct GetCapset {
    /// Header.
    pub hdr: CtrlHdr,
    /// A [`CapsetId`].
    pub capset_id: Le32,
    /// The version asked for.
    pub capset_version: Le32,
}

/// `struct virtio_gpu_resp_capset`: `RESP_OK_CAPSET`, followed by the capset
/// data (`capset_max_size` bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct RespCapset {
    /// Header.
    pub hdr: CtrlHdr,
}

/// `struct virtio_gpu_cmd_get_edid`: `CMD_GET_EDID`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct GetEdid {
    /// Header.
    pub hdr: CtrlHdr,
    /// The scanout.
    pub scanout: Le32,
    /// Unused.
    pub padding: Le32,
}

/// `struct virtio_gpu_resp_edid`: `RESP_OK_EDID`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct RespEdid {
    /// Header.
    pub hdr: CtrlHdr,
    /// Bytes of `edid` in use, at most 1024.
    pub size: Le32,
    /// Unused.
    pub padding: Le32,
    /// The EDID blob; only `size` bytes count.
    pub edid: [u8; EDID_LEN],
}

impl RespEdid {
    /// The first `size` bytes of `edid` (all 1024 if `size` is larger; the
    /// decoder rejects that).
    pub fn edid(&self) -> &[u8] {
        let len = usize::try_from(self.size.get()).unwrap_or(usize::MAX);
        self.edid.get(..len).unwrap_or(&self.edid)
    }
}

/// `struct virtio_gpu_resource_assign_uuid`: `CMD_RESOURCE_ASSIGN_UUID`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct ResourceAssignUuid {
    /// Header.
    pub hdr: CtrlHdr,
    /// The resource.
    pub resource_id: Le32,
    /// Unused.
    pub padding: Le32,
}

/// `struct virtio_gpu_resp_resource_uuid`: `RESP_OK_RESOURCE_UUID`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct RespResourceUuid {
    /// Header.
    pub hdr: CtrlHdr,
    /// The resource's UUID.
    pub uuid: [u8; 16],
}

/// `struct virtio_gpu_resource_create_blob`: `CMD_RESOURCE_CREATE_BLOB`,
/// followed by `nr_entries` [`MemEntry`]s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct ResourceCreateBlob {
    /// Header.
    pub hdr: CtrlHdr,
    /// Guest-chosen id, not 0.
    pub resource_id: Le32,
    /// A [`BlobMem`].
    pub blob_mem: Le32,
    /// `BLOB_FLAG_*` bits.
    pub blob_flags: Le32,
    /// Number of [`MemEntry`]s that follow.
    pub nr_entries: Le32,
    /// The host object (created earlier by the context's command stream).
    pub blob_id: Le64,
    /// Size in bytes.
    pub size: Le64,
}

/// `struct virtio_gpu_set_scanout_blob`: `CMD_SET_SCANOUT_BLOB`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct SetScanoutBlob {
    /// Header.
    pub hdr: CtrlHdr,
    /// The part of the blob shown.
    pub r: Rect,
    /// The output.
    pub scanout_id: Le32,
    /// The blob resource (0 disables the scanout).
    pub resource_id: Le32,
    /// Width in pixels of the blob image.
    pub width: Le32,
    /// Height in pixels of the blob image.
    pub height: Le32,
    /// A [`Format`].
    pub format: Le32,
    /// Unused.
    pub padding: Le32,
    /// Bytes per row of each plane.
    pub strides: [Le32; 4],
    /// Byte offset of each plane.
    pub offsets: [Le32; 4],
}

/// `struct virtio_gpu_resource_map_blob`: `CMD_RESOURCE_MAP_BLOB`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct ResourceMapBlob {
    /// Header.
    pub hdr: CtrlHdr,
    /// The blob resource.
    pub resource_id: Le32,
    /// Unused.
    pub padding: Le32,
    /// Byte offset in the host-visible shared memory region.
    pub offset: Le64,
}

/// `struct virtio_gpu_resp_map_info`: `RESP_OK_MAP_INFO`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct RespMapInfo {
    /// Header.
    pub hdr: CtrlHdr,
    /// A [`MapCache`] in bits 0..3 ([`MAP_CACHE_MASK`]).
    pub map_info: Le32,
    /// Unused.
    pub padding: Le32,
}

/// `struct virtio_gpu_resource_unmap_blob`: `CMD_RESOURCE_UNMAP_BLOB`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct ResourceUnmapBlob {
    /// Header.
    pub hdr: CtrlHdr,
    /// The blob resource.
    pub resource_id: Le32,
    /// Unused.
    pub padding: Le32,
}

// `Default` is derived only up to 32-element arrays; these are all-zero too.
macro_rules! zero_default {
    ($($t:ty),*) => {
        $(impl Default for $t {
            fn default() -> Self {
                Zeroable::zeroed()
            }
        })*
    };
}
zero_default!(RespDisplayInfo, CtxCreate, RespEdid);

// Sizes from the spec (and the Linux header); alignment 1 so any byte slice casts.
macro_rules! wire_size {
    ($($t:ty = $n:expr),* $(,)?) => {
        $(const _: () = assert!(size_of::<$t>() == $n && align_of::<$t>() == 1);)*
    };
}
wire_size! {
    Config = 16,
    CtrlHdr = 24,
    Rect = 16,
    Box3d = 24,
    MemEntry = 16,
    CursorPos = 16,
    UpdateCursor = 56,
    ResourceCreate2d = 40,
    ResourceUnref = 32,
    SetScanout = 48,
    ResourceFlush = 48,
    TransferToHost2d = 56,
    ResourceAttachBacking = 32,
    ResourceDetachBacking = 32,
    DisplayOne = 24,
    RespDisplayInfo = 408,
    TransferHost3d = 72,
    ResourceCreate3d = 72,
    CtxCreate = 96,
    CtxResource = 32,
    CmdSubmit = 32,
    GetCapsetInfo = 32,
    RespCapsetInfo = 40,
    GetCapset = 32,
    RespCapset = 24,
    GetEdid = 32,
    RespEdid = 1056,
    ResourceAssignUuid = 32,
    RespResourceUuid = 40,
    ResourceCreateBlob = 56,
    SetScanoutBlob = 96,
    ResourceMapBlob = 40,
    RespMapInfo = 32,
    ResourceUnmapBlob = 32,
}
