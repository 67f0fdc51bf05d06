//! Errors of the renderer's resource operations: opening the device,
//! contexts, resources, backings and transfers.

use super::cause::{Remote, Shared, WgpuError};
use crate::core::base::ids::{CtxId, ResId};
use guest_protocol::virgl::Format;

/// Creating the wgpu device failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GpuInitError {
    /// No adapter matched.
    #[error("no wgpu adapter: {0}")]
    NoAdapter(#[from] wgpu::RequestAdapterError),
    /// The adapter refused the device.
    #[error("requesting the wgpu device: {0}")]
    Device(#[from] wgpu::RequestDeviceError),
    /// The render worker process (which opens its own device) did not
    /// start or did not get ready.
    #[error("starting the render worker: {0}")]
    Worker(String),
}

/// A transport-owned backing store could not be read or written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BackingError {
    /// The byte range is outside the backing.
    #[error("backing range {offset}+{len} outside its {size} bytes")]
    OutOfRange {
        /// First byte.
        offset: u64,
        /// Bytes.
        len: u64,
        /// Backing size.
        size: u64,
    },
}

/// CREATE_CONTEXT failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CreateContextError {
    /// The id is in use.
    #[error("context {0} already exists")]
    Exists(CtxId),
    /// Too many contexts.
    #[error("context quota of {max} reached")]
    Quota {
        /// The quota.
        max: usize,
    },
}

/// Creating a resource failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CreateResourceError {
    /// The id is in use.
    #[error("resource {0} already exists")]
    Exists(ResId),
    /// Resource id 0 is reserved.
    #[error("resource id 0 is reserved")]
    ZeroId,
    /// Target value unknown.
    #[error("unknown texture target {0}")]
    BadTarget(u32),
    /// The format is not one this host implements.
    #[error("format {0} is not supported")]
    UnsupportedFormat(Format),
    /// A size is zero or over the device limit.
    #[error("{what} {value} outside 1..={max}")]
    BadSize {
        /// Which dimension.
        what: &'static str,
        /// The value asked for.
        value: u32,
        /// The limit.
        max: u32,
    },
    /// A block-compressed texture whose level 0 is not made of whole
    /// blocks (WebGPU creates no such texture).
    #[error("compressed texture of {width}x{height} texels is not whole {block_width}x{block_height} blocks")]
    PartialBlocks {
        /// Level 0's width.
        width: u32,
        /// Level 0's height.
        height: u32,
        /// The format's block width.
        block_width: u32,
        /// The format's block height.
        block_height: u32,
    },
    /// A sample count or multisampled resource that is not implemented.
    #[error(
        "{0} samples requested; only 0 or 1, or up to 4 (made 4) on a single-level, \
         single-layer 2D colour or depth/stencil target whose format supports them"
    )]
    Multisample(u32),
    /// The renderer holds as many resources as its quota allows.
    #[error("resource quota of {max} resources reached")]
    TooMany {
        /// The quota.
        max: usize,
    },
    /// Host memory quota.
    #[error("resource of {bytes} bytes exceeds the quota of {max}")]
    Quota {
        /// Bytes asked for.
        bytes: u64,
        /// The quota.
        max: u64,
    },
    /// wgpu rejected the texture or buffer.
    #[error(transparent)]
    Wgpu(#[from] WgpuError),
    /// Reported by a renderer in another process, as text.
    #[error(transparent)]
    Remote(#[from] Remote),
}

/// A transfer between a resource and memory failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransferError {
    /// No such resource.
    #[error("no resource {0}")]
    NoResource(ResId),
    /// The resource has no backing store.
    #[error("resource {0} has no backing store")]
    NoBacking(ResId),
    /// Mip level out of range.
    #[error("level {level} beyond last level {last}")]
    BadLevel {
        /// Level asked for.
        level: u32,
        /// Last level.
        last: u32,
    },
    /// The box is empty, negative or outside the level.
    #[error("box {x},{y},{z} {w}x{h}x{d} outside level extent {ew}x{eh}x{ed}")]
    BadBox {
        /// Origin x.
        x: i32,
        /// Origin y.
        y: i32,
        /// Origin z.
        z: i32,
        /// Width.
        w: i32,
        /// Height.
        h: i32,
        /// Depth.
        d: i32,
        /// Level width.
        ew: u32,
        /// Level height.
        eh: u32,
        /// Level depth or layers.
        ed: u32,
    },
    /// A compressed format's box is not block-aligned.
    #[error("box not aligned to {bw}x{bh} blocks")]
    Unaligned {
        /// Block width.
        bw: u32,
        /// Block height.
        bh: u32,
    },
    /// Stride smaller than a row.
    #[error("stride {stride} smaller than a row of {row} bytes")]
    BadStride {
        /// Stride given.
        stride: u64,
        /// Bytes in one row.
        row: u64,
    },
    /// The memory range is outside the backing or buffer.
    #[error(transparent)]
    Backing(#[from] BackingError),
    /// This format/direction is not implemented.
    #[error("{what} is not supported for format {format}")]
    Unsupported {
        /// What.
        what: &'static str,
        /// Format.
        format: Format,
    },
    /// wgpu rejected a copy or write.
    #[error(transparent)]
    Wgpu(#[from] WgpuError),
    /// Mapping a read-back buffer failed.
    #[error("mapping a read-back buffer")]
    Map(#[source] wgpu::BufferAsyncError),
    /// The read-back mapping's callback was dropped without an answer.
    #[error("the read-back buffer's mapping was dropped unanswered")]
    MapDropped,
    /// The mapped read-back buffer could not be viewed.
    #[error("viewing a mapped read-back buffer")]
    MapRange(#[source] Shared<wgpu::MapRangeError>),
    /// A read-back larger than host memory can hold.
    #[error("a read-back of {bytes} bytes is too large")]
    TooLarge {
        /// Bytes it would take.
        bytes: u64,
    },
    /// Reported by a renderer in another process, as text.
    #[error(transparent)]
    Remote(#[from] Remote),
}

/// A resource operation named a context or resource that does not exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LookupError {
    /// No such context.
    #[error("no context {0}")]
    NoContext(CtxId),
    /// No such resource.
    #[error("no resource {0}")]
    NoResource(ResId),
}
