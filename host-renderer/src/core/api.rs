//! The seam every front end programs against: the vtest server, the
//! virtio-gpu device model (in-process harness, vhost-user backend) and the
//! capture replay reach a renderer only through [`RendererBackend`].
//!
//! It is built so that the renderer behind it may be [`Renderer`] in this
//! process, [`NullRenderer`](crate::NullRenderer) in transport tests, a
//! renderer reached through the virtio guest driver
//! ([`DriverBackend`](crate::virtio::DriverBackend)), or one in another
//! process: nothing borrowed from wgpu crosses it, ids are our newtypes,
//! guest memory is an `Arc<dyn Backing>` the renderer copies through (never
//! borrows), answers are owned values, and errors are the renderer's own
//! enums inside [`BackendError`], whose [`BackendError::Transport`] says that
//! the renderer could not be reached or did not say more.

use super::base::backing::Backing;
use super::base::error::{
    CreateContextError, CreateResourceError, LookupError, SubmitError, TransferError,
};
use super::base::ids::{CtxId, ResId};
use super::base::layout::ResourceInfo;
use super::gpu::dmabuf::Dmabuf;
use super::record::transfer::TransferBox;
use super::renderer::{Image, Renderer};
use super::state::context::ContextErrorRecord;
use std::sync::Arc;
use std::time::Duration;

/// Capability set ids (virtio-gpu `VIRTIO_GPU_CAPSET_VIRGL` / `VIRGL2`).
pub mod capset {
    /// `virgl_caps_v1`.
    pub const VIRGL: u32 = 1;
    /// `virgl_caps_v2`.
    pub const VIRGL2: u32 = 2;
}

/// A call through the seam failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BackendError<E> {
    /// The renderer refused the call.
    #[error(transparent)]
    Renderer(#[from] E),
    /// The renderer could not be reached, or answered through a transport
    /// that carries no more than this message (a virtio-gpu reply code).
    #[error("{0}")]
    Transport(String),
}

/// What one submit did. The errors it recorded against its context are
/// reported whether or not the buffer ran to its end.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct SubmitReport {
    /// Commands decoded and run (0 when the buffer was refused or stopped
    /// at a decode error).
    pub commands: u64,
    /// Errors this submit recorded against the context: failed commands,
    /// late wgpu errors, a refused buffer; also those recorded since the
    /// previous submit's report (its deferred GPU work, submitted later).
    pub errors: u64,
    /// Those errors, in order, as far as the context still holds them (it
    /// keeps a bounded list) and the renderer tells them (one behind a
    /// transport may only count them).
    pub failures: Vec<ContextErrorRecord>,
    /// Why the buffer was refused or stopped early (commands before a
    /// decode error were run).
    pub outcome: Result<(), BackendError<SubmitError>>,
}

/// What a renderer holds now, for leak checks once a client is gone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Resources that exist.
    pub resources: usize,
    /// Host memory they use (estimated from their layouts).
    pub memory: u64,
}

/// Everything a transport asks of a renderer: eighteen calls in our
/// own types. Front ends hold it as `Box<dyn RendererBackend>`: the command
/// loop runs inside [`submit`](Self::submit), so the one indirect call per
/// transport request is all the indirection costs.
pub trait RendererBackend {
    /// The bytes of capability set `id` (see [`capset`]), `None` if unknown.
    fn capset(&self, id: u32) -> Option<Vec<u8>>;

    /// Creates context `ctx`.
    fn create_context(
        &mut self,
        ctx: CtxId,
        name: &str,
    ) -> Result<(), BackendError<CreateContextError>>;

    /// Destroys a context and its objects (its resources stay).
    fn destroy_context(&mut self, ctx: CtxId) -> Result<(), BackendError<LookupError>>;

    /// Creates resource `id`, backed by transport-owned memory when given.
    fn create_resource(
        &mut self,
        id: ResId,
        info: &ResourceInfo,
        backing: Option<Arc<dyn Backing>>,
    ) -> Result<(), BackendError<CreateResourceError>>;

    /// What resource `id` was created as.
    fn resource_info(&self, id: ResId) -> Result<ResourceInfo, BackendError<LookupError>>;

    /// Replaces a resource's backing (`None` detaches it).
    fn set_backing(
        &mut self,
        id: ResId,
        backing: Option<Arc<dyn Backing>>,
    ) -> Result<(), BackendError<LookupError>>;

    /// Makes a resource usable by a context's commands. An unknown context
    /// is reported before an unknown resource.
    fn attach_resource(&mut self, ctx: CtxId, id: ResId) -> Result<(), BackendError<LookupError>>;

    /// Takes a resource away from a context. An unknown context is reported
    /// before an unknown resource.
    fn detach_resource(&mut self, ctx: CtxId, id: ResId) -> Result<(), BackendError<LookupError>>;

    /// Drops a resource and detaches it everywhere.
    fn unref_resource(&mut self, id: ResId) -> Result<(), BackendError<LookupError>>;

    /// Guest memory → resource: from `src`, or from the resource's backing
    /// when `None`.
    fn transfer_in(
        &mut self,
        id: ResId,
        t: &TransferBox,
        src: Option<&dyn Backing>,
    ) -> Result<(), BackendError<TransferError>>;

    /// Resource → guest memory: into `dst`, or into the resource's backing
    /// when `None`. Complete when it returns.
    fn transfer_out(
        &mut self,
        id: ResId,
        t: &TransferBox,
        dst: Option<&dyn Backing>,
    ) -> Result<(), BackendError<TransferError>>;

    /// Level 0, layer 0 of a texture, read back for display.
    fn read_image(&mut self, id: ResId) -> Result<Image, BackendError<TransferError>>;

    /// A new dmabuf of a scanout resource's level 0, for a display that
    /// imports it instead of reading pixels back (wait for the renderer's
    /// work before each frame is shown); `None` when the resource cannot
    /// be exported. By default none can: a renderer behind a transport (or
    /// a jailed worker, which has no device ioctls) shows pixels.
    fn export_scanout(&mut self, id: ResId) -> Result<Option<Dmabuf>, BackendError<LookupError>> {
        self.resource_info(id)?;
        Ok(None)
    }

    /// Decodes and executes a command buffer on `ctx`; failing commands are
    /// recorded against the context and skipped.
    fn submit(&mut self, ctx: CtxId, commands: &[u8]) -> SubmitReport;

    /// Creates fence `fence_id`: it signals when all work submitted so far
    /// has finished.
    fn create_fence(&mut self, fence_id: u64);

    /// Fences signalled since the last call, in signal order.
    fn poll_fences(&mut self) -> Vec<u64>;

    /// Submits pending work and waits at most `timeout` (forever when
    /// `None`) for all of this renderer's work: false if it is still
    /// running then. Other renderers' work on a shared device is not waited
    /// for.
    fn wait(&mut self, timeout: Option<Duration>) -> bool;

    /// True when no work handed to the GPU is still running, without
    /// handing it work the renderer holds back (a watchdog's idle check
    /// that does not defeat deferred submission). By default: `wait` with
    /// no time.
    fn started_work_done(&mut self) -> bool {
        self.wait(Some(Duration::ZERO))
    }

    /// Hands the GPU the work the renderer holds back (deferred
    /// submission) without waiting for it: a front end calls this when its
    /// client has gone quiet, so that held-back work does not sit until the
    /// client's next request. By default: `wait` with no time.
    fn flush_deferred(&mut self) {
        self.wait(Some(Duration::ZERO));
    }

    /// What the renderer holds now; `None` where it cannot tell (one
    /// behind a transport).
    fn usage(&self) -> Option<Usage> {
        None
    }

    /// Why the renderer is gone for good (its worker process died or broke
    /// the protocol), `None` while it serves: every call fails from then on
    /// with [`BackendError::Transport`], so a front end ends the client.
    fn lost(&self) -> Option<String> {
        None
    }
}

/// A boxed renderer is one (front ends hold `Box<dyn RendererBackend>`).
impl<T: RendererBackend + ?Sized> RendererBackend for Box<T> {
    fn capset(&self, id: u32) -> Option<Vec<u8>> {
        (**self).capset(id)
    }
    fn create_context(
        &mut self,
        ctx: CtxId,
        name: &str,
    ) -> Result<(), BackendError<CreateContextError>> {
        (**self).create_context(ctx, name)
    }
    fn destroy_context(&mut self, ctx: CtxId) -> Result<(), BackendError<LookupError>> {
        (**self).destroy_context(ctx)
    }
    fn create_resource(
        &mut self,
        id: ResId,
        info: &ResourceInfo,
        backing: Option<Arc<dyn Backing>>,
    ) -> Result<(), BackendError<CreateResourceError>> {
        (**self).create_resource(id, info, backing)
    }
    fn resource_info(&self, id: ResId) -> Result<ResourceInfo, BackendError<LookupError>> {
        (**self).resource_info(id)
    }
    fn set_backing(
        &mut self,
        id: ResId,
        backing: Option<Arc<dyn Backing>>,
    ) -> Result<(), BackendError<LookupError>> {
        (**self).set_backing(id, backing)
    }
    fn attach_resource(&mut self, ctx: CtxId, id: ResId) -> Result<(), BackendError<LookupError>> {
        (**self).attach_resource(ctx, id)
    }
    fn detach_resource(&mut self, ctx: CtxId, id: ResId) -> Result<(), BackendError<LookupError>> {
        (**self).detach_resource(ctx, id)
    }
    fn unref_resource(&mut self, id: ResId) -> Result<(), BackendError<LookupError>> {
        (**self).unref_resource(id)
    }
    fn transfer_in(
        &mut self,
        id: ResId,
        t: &TransferBox,
        src: Option<&dyn Backing>,
    ) -> Result<(), BackendError<TransferError>> {
        (**self).transfer_in(id, t, src)
    }
    fn transfer_out(
        &mut self,
        id: ResId,
        t: &TransferBox,
        dst: Option<&dyn Backing>,
    ) -> Result<(), BackendError<TransferError>> {
        (**self).transfer_out(id, t, dst)
    }
    fn read_image(&mut self, id: ResId) -> Result<Image, BackendError<TransferError>> {
        (**self).read_image(id)
    }
    fn export_scanout(&mut self, id: ResId) -> Result<Option<Dmabuf>, BackendError<LookupError>> {
        (**self).export_scanout(id)
    }
    fn submit(&mut self, ctx: CtxId, commands: &[u8]) -> SubmitReport {
        (**self).submit(ctx, commands)
    }
    fn create_fence(&mut self, fence_id: u64) {
        (**self).create_fence(fence_id);
    }
    fn poll_fences(&mut self) -> Vec<u64> {
        (**self).poll_fences()
    }
    fn wait(&mut self, timeout: Option<Duration>) -> bool {
        (**self).wait(timeout)
    }
    fn started_work_done(&mut self) -> bool {
        (**self).started_work_done()
    }
    fn flush_deferred(&mut self) {
        (**self).flush_deferred()
    }
    fn usage(&self) -> Option<Usage> {
        (**self).usage()
    }
    fn lost(&self) -> Option<String> {
        (**self).lost()
    }
}

/// True when `ctx` exists (a context's error list exists exactly as long
/// as the context).
fn has_context(r: &Renderer, ctx: CtxId) -> bool {
    r.context_errors(ctx).is_some()
}

impl RendererBackend for Renderer {
    fn capset(&self, id: u32) -> Option<Vec<u8>> {
        match id {
            capset::VIRGL => Some(bytemuck::bytes_of(&self.caps_v1()).to_vec()),
            capset::VIRGL2 => Some(bytemuck::bytes_of(&self.caps_v2()).to_vec()),
            _ => None,
        }
    }

    fn create_context(
        &mut self,
        ctx: CtxId,
        name: &str,
    ) -> Result<(), BackendError<CreateContextError>> {
        Ok(Renderer::create_context(self, ctx, name)?)
    }

    fn destroy_context(&mut self, ctx: CtxId) -> Result<(), BackendError<LookupError>> {
        Ok(Renderer::destroy_context(self, ctx)?)
    }

    fn create_resource(
        &mut self,
        id: ResId,
        info: &ResourceInfo,
        backing: Option<Arc<dyn Backing>>,
    ) -> Result<(), BackendError<CreateResourceError>> {
        Ok(Renderer::create_resource(self, id, info, backing)?)
    }

    fn resource_info(&self, id: ResId) -> Result<ResourceInfo, BackendError<LookupError>> {
        Renderer::resource_info(self, id).ok_or(LookupError::NoResource(id).into())
    }

    fn set_backing(
        &mut self,
        id: ResId,
        backing: Option<Arc<dyn Backing>>,
    ) -> Result<(), BackendError<LookupError>> {
        Ok(Renderer::set_backing(self, id, backing)?)
    }

    fn attach_resource(&mut self, ctx: CtxId, id: ResId) -> Result<(), BackendError<LookupError>> {
        if !has_context(self, ctx) {
            return Err(LookupError::NoContext(ctx).into());
        }
        Ok(Renderer::attach_resource(self, ctx, id)?)
    }

    fn detach_resource(&mut self, ctx: CtxId, id: ResId) -> Result<(), BackendError<LookupError>> {
        Renderer::detach_resource(self, ctx, id)?;
        match Renderer::resource_info(self, id) {
            Some(_) => Ok(()),
            None => Err(LookupError::NoResource(id).into()),
        }
    }

    fn unref_resource(&mut self, id: ResId) -> Result<(), BackendError<LookupError>> {
        Ok(Renderer::unref_resource(self, id)?)
    }

    fn transfer_in(
        &mut self,
        id: ResId,
        t: &TransferBox,
        src: Option<&dyn Backing>,
    ) -> Result<(), BackendError<TransferError>> {
        Ok(match src {
            Some(src) => self.write_from(id, t, src),
            None => Renderer::transfer_in(self, id, t),
        }?)
    }

    fn transfer_out(
        &mut self,
        id: ResId,
        t: &TransferBox,
        dst: Option<&dyn Backing>,
    ) -> Result<(), BackendError<TransferError>> {
        Ok(match dst {
            Some(dst) => self.read_into(id, t, dst),
            None => Renderer::transfer_out(self, id, t),
        }?)
    }

    fn read_image(&mut self, id: ResId) -> Result<Image, BackendError<TransferError>> {
        Ok(self.read_resource(id, 0, 0)?)
    }

    fn export_scanout(&mut self, id: ResId) -> Result<Option<Dmabuf>, BackendError<LookupError>> {
        Ok(Renderer::export_scanout(self, id)?)
    }

    fn submit(&mut self, ctx: CtxId, commands: &[u8]) -> SubmitReport {
        let result = Renderer::submit(self, ctx, commands);
        // This submit's errors, and those of earlier submits' deferred GPU
        // work that were recorded since the last report.
        let (errors, failures) = self.report_errors(ctx);
        SubmitReport {
            commands: result.as_ref().map_or(0, |s| s.commands),
            errors,
            failures,
            outcome: result.map(|_| ()).map_err(BackendError::Renderer),
        }
    }

    fn create_fence(&mut self, fence_id: u64) {
        Renderer::create_fence(self, fence_id);
    }

    fn poll_fences(&mut self) -> Vec<u64> {
        Renderer::poll_fences(self)
    }

    fn wait(&mut self, timeout: Option<Duration>) -> bool {
        match timeout {
            Some(t) => self.wait_timeout(t),
            None => match self.flush() {
                Some(index) => self.gpu().wait(Some(&index), None),
                None => true,
            },
        }
    }

    fn started_work_done(&mut self) -> bool {
        Renderer::started_work_done(self)
    }

    fn flush_deferred(&mut self) {
        self.flush();
    }

    fn usage(&self) -> Option<Usage> {
        Some(Usage {
            resources: self.resource_count(),
            memory: self.memory_used(),
        })
    }
}
