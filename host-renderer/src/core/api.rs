//! The seam front ends (vtest server, virtio-gpu device model) program
//! against: one small trait, implemented by [`Renderer`], so a transport can
//! be tested against a null or recording implementation.

use super::backing::Backing;
use super::error::{
    CreateContextError, CreateResourceError, LookupError, SubmitError, TransferError,
};
use super::ids::{CtxId, ResId};
use super::layout::ResourceInfo;
use super::renderer::{Image, Renderer, SubmitStats};
use super::transfer::TransferBox;
use std::sync::Arc;

/// Capability set ids (virtio-gpu `VIRTIO_GPU_CAPSET_VIRGL` / `VIRGL2`).
pub mod capset {
    /// `virgl_caps_v1`.
    pub const VIRGL: u32 = 1;
    /// `virgl_caps_v2`.
    pub const VIRGL2: u32 = 2;
}

/// Everything a transport asks of the renderer.
pub trait RendererBackend {
    /// The bytes of capability set `id` (see [`capset`]), `None` if unknown.
    fn capset(&self, id: u32) -> Option<Vec<u8>>;
    /// Creates a context.
    fn create_context(&mut self, ctx: CtxId, name: &str) -> Result<(), CreateContextError>;
    /// Destroys a context.
    fn destroy_context(&mut self, ctx: CtxId) -> Result<(), LookupError>;
    /// Creates a resource, optionally backed by transport-owned memory.
    fn create_resource(
        &mut self,
        id: ResId,
        info: &ResourceInfo,
        backing: Option<Arc<dyn Backing>>,
    ) -> Result<(), CreateResourceError>;
    /// Makes a resource visible to a context's command streams.
    fn attach_resource(&mut self, ctx: CtxId, id: ResId) -> Result<(), LookupError>;
    /// Drops a resource.
    fn unref_resource(&mut self, id: ResId) -> Result<(), LookupError>;
    /// Backing → resource.
    fn transfer_in(&mut self, id: ResId, t: &TransferBox) -> Result<(), TransferError>;
    /// Resource → backing (complete on return).
    fn transfer_out(&mut self, id: ResId, t: &TransferBox) -> Result<(), TransferError>;
    /// Executes a command buffer.
    fn submit(&mut self, ctx: CtxId, commands: &[u8]) -> Result<SubmitStats, SubmitError>;
    /// Creates a fence that signals when all work so far is done.
    fn create_fence(&mut self, fence_id: u64);
    /// Fences signalled since the last call.
    fn poll_fences(&mut self) -> Vec<u64>;
    /// True while submitted work is running; with `wait`, first waits for it.
    fn busy(&mut self, wait: bool) -> bool;
    /// A texture level for display.
    fn scanout(&mut self, id: ResId) -> Result<Image, TransferError>;
}

impl RendererBackend for Renderer {
    fn capset(&self, id: u32) -> Option<Vec<u8>> {
        match id {
            capset::VIRGL => Some(bytemuck::bytes_of(&self.caps_v1()).to_vec()),
            capset::VIRGL2 => Some(bytemuck::bytes_of(&self.caps_v2()).to_vec()),
            _ => None,
        }
    }

    fn create_context(&mut self, ctx: CtxId, name: &str) -> Result<(), CreateContextError> {
        Renderer::create_context(self, ctx, name)
    }

    fn destroy_context(&mut self, ctx: CtxId) -> Result<(), LookupError> {
        Renderer::destroy_context(self, ctx)
    }

    fn create_resource(
        &mut self,
        id: ResId,
        info: &ResourceInfo,
        backing: Option<Arc<dyn Backing>>,
    ) -> Result<(), CreateResourceError> {
        Renderer::create_resource(self, id, info, backing)
    }

    fn attach_resource(&mut self, ctx: CtxId, id: ResId) -> Result<(), LookupError> {
        Renderer::attach_resource(self, ctx, id)
    }

    fn unref_resource(&mut self, id: ResId) -> Result<(), LookupError> {
        Renderer::unref_resource(self, id)
    }

    fn transfer_in(&mut self, id: ResId, t: &TransferBox) -> Result<(), TransferError> {
        Renderer::transfer_in(self, id, t)
    }

    fn transfer_out(&mut self, id: ResId, t: &TransferBox) -> Result<(), TransferError> {
        Renderer::transfer_out(self, id, t)
    }

    fn submit(&mut self, ctx: CtxId, commands: &[u8]) -> Result<SubmitStats, SubmitError> {
        Renderer::submit(self, ctx, commands)
    }

    fn create_fence(&mut self, fence_id: u64) {
        Renderer::create_fence(self, fence_id);
    }

    fn poll_fences(&mut self) -> Vec<u64> {
        Renderer::poll_fences(self)
    }

    fn busy(&mut self, wait: bool) -> bool {
        if wait {
            self.wait_idle();
            false
        } else {
            self.is_busy()
        }
    }

    fn scanout(&mut self, id: ResId) -> Result<Image, TransferError> {
        self.read_resource(id, 0, 0)
    }
}
