//! The resource table: buffers and textures with their optional backing.
//!
//! Buffers keep a host shadow copy that is always current (every write goes
//! through it), so unaligned guest ranges, 8-bit indices and read-backs never
//! need a GPU round trip. Writes only widen the buffer's dirty range; it goes
//! to the GPU copy (4-byte aligned) when a command that reads the GPU copy is
//! recorded, so uploads between two draws cost one copy into the shadow and
//! one queue write together. Textures live only on the GPU.

use crate::core::base::backing::Backing;
use crate::core::base::format::FormatDesc;
use crate::core::base::ids::ResId;
use crate::core::base::layout::ResourceInfo;
use crate::core::gpu::dmabuf::ScanoutMemory;
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::Arc;

/// A buffer resource.
pub struct BufferRes {
    /// GPU copy (size rounded up to 4 bytes).
    pub gpu: wgpu::Buffer,
    /// Host copy, always current; its length is the GPU size.
    pub shadow: Vec<u8>,
    /// Size the guest asked for.
    pub size: u64,
    /// Bytes `start..end` of the shadow not yet sent to the GPU copy.
    pub dirty: Cell<Option<(u64, u64)>>,
}

/// A texture resource.
pub struct TextureRes {
    /// The wgpu texture.
    pub texture: wgpu::Texture,
    /// Its format entry.
    pub desc: &'static FormatDesc,
    /// wgpu dimension (1D resources are stored as 2D).
    pub dimension: wgpu::TextureDimension,
    /// Render-attachment usage is enabled.
    pub renderable: bool,
    /// Created with every format of its view class as a view format, so
    /// views may reinterpret its texels ([`format::view_compatible`]).
    ///
    /// [`format::view_compatible`]: crate::core::base::format::view_compatible
    pub reinterpretable: bool,
    /// Its memory, when it can leave the process as a dmabuf (a scanout
    /// resource on a device that exports them).
    pub scanout: Option<ScanoutMemory>,
    /// A multisampled array's unfolded copy, which shaders read.
    pub unfolded: Option<Arc<Unfolded>>,
}

/// A multisampled array's samples as a single-sampled 2D array that shaders
/// can bind (WebGPU binds no multisampled arrays): sample `s` of layer `l`
/// in layer `l · samples + s`, refreshed from the multisampled texture
/// before a draw or dispatch that binds a view of it (`record::unfold`).
/// Made with the resource and counted in its memory.
#[derive(Debug)]
pub struct Unfolded {
    /// The multisampled texture.
    pub source: wgpu::Texture,
    /// Its format.
    pub desc: &'static FormatDesc,
    /// The single-sampled array, in the source's storage format (and its
    /// sRGB twin as a view format).
    pub target: wgpu::Texture,
    /// One past the renderer's multisampled write epoch when it was last
    /// refreshed: it holds every write of an earlier epoch
    /// (`Work::multisampled_writes`; 0: never refreshed).
    pub refreshed: std::sync::atomic::AtomicU64,
}

/// What a resource holds.
pub enum ResourceKind {
    /// A buffer.
    Buffer(BufferRes),
    /// A texture.
    Texture(TextureRes),
}

/// One resource.
pub struct Resource {
    /// As created.
    pub info: ResourceInfo,
    /// Transport-owned memory, if attached.
    pub backing: Option<Arc<dyn Backing>>,
    /// Buffer or texture.
    pub kind: ResourceKind,
}

impl Resource {
    /// The buffer part, if a buffer.
    pub fn buffer(&self) -> Option<&BufferRes> {
        match &self.kind {
            ResourceKind::Buffer(b) => Some(b),
            ResourceKind::Texture(_) => None,
        }
    }

    /// The buffer part, mutable.
    pub fn buffer_mut(&mut self) -> Option<&mut BufferRes> {
        match &mut self.kind {
            ResourceKind::Buffer(b) => Some(b),
            ResourceKind::Texture(_) => None,
        }
    }

    /// The texture part, if a texture.
    pub fn texture(&self) -> Option<&TextureRes> {
        match &self.kind {
            ResourceKind::Texture(t) => Some(t),
            ResourceKind::Buffer(_) => None,
        }
    }
}

/// All resources by id.
pub type ResourceTable = HashMap<ResId, Resource>;
