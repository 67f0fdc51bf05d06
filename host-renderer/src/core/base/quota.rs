//! Quotas: what one renderer (one client of a transport) and each of its
//! contexts may use. Each is checked before anything is allocated from the
//! guest's request; exceeding one is an error for that request only.

use guest_protocol::virgl::limits::MAX_CMDBUF_DWORDS;

/// Limits on a renderer's resources and on its contexts' objects and
/// command buffers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quotas {
    /// Host memory all resources of the renderer may use, in bytes
    /// (estimated from their layouts before they are created).
    pub resource_memory: u64,
    /// Resources the renderer may hold at once.
    pub resources: usize,
    /// Objects (state, shaders, surfaces, views, queries) one context may
    /// hold, all its sub-contexts together.
    pub objects_per_context: usize,
    /// Bytes of one command buffer a context may submit.
    pub cmdbuf_bytes: usize,
}

impl Quotas {
    /// The defaults: 2 GiB of resources, 65536 resources, 65536 objects per
    /// context, and the largest command buffer Mesa builds.
    pub const DEFAULT: Self = Self {
        resource_memory: 2 << 30,
        resources: 1 << 16,
        objects_per_context: 1 << 16,
        cmdbuf_bytes: MAX_CMDBUF_DWORDS as usize * 4,
    };
}

impl Default for Quotas {
    fn default() -> Self {
        Self::DEFAULT
    }
}
