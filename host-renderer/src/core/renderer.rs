//! The renderer API: contexts, resources, transfers, submits, fences, caps,
//! read-back for display. It knows nothing of transports.

use crate::core::base::backing::{Backing, VecBacking};
use crate::core::base::error::{
    CommandError, CreateContextError, CreateResourceError, ErrorChain, LookupError, QuotaError,
    SubmitError, TransferError, WgpuError,
};
use crate::core::base::ids::{CtxId, ResId};
use crate::core::base::layout::ResourceInfo;
use crate::core::base::quota::Quotas;
use crate::core::exec::Exec;
use crate::core::gpu::caps;
use crate::core::gpu::device::Gpu;
use crate::core::gpu::dmabuf::Dmabuf;
use crate::core::record::caches::Caches;
use crate::core::record::draw::memo::DrawMemo;
use crate::core::record::storage;
use crate::core::record::transfer::{self, TransferBox};
use crate::core::record::work::Work;
use crate::core::resources::create;
use crate::core::resources::table::{Resource, ResourceTable};
use crate::core::state::context::{Context, ContextErrorRecord};
use guest_protocol::virgl::caps::{CapsV1, CapsV2};
use guest_protocol::virgl::{opcode_name, Box3, Commands, Format};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;

/// Contexts one renderer serves at most.
pub const MAX_CONTEXTS: usize = 1024;

/// What one submit did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SubmitStats {
    /// Commands decoded.
    pub commands: u64,
    /// Commands that failed (recorded against the context).
    pub errors: u64,
}

/// A resource level read back for display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// Width in texels.
    pub width: u32,
    /// Height in texels.
    pub height: u32,
    /// The resource's format.
    pub format: Format,
    /// Bytes per row.
    pub stride: u32,
    /// Rows of texels in the guest's layout (row 0 = first row in memory).
    pub data: Vec<u8>,
}

/// The renderer core.
pub struct Renderer {
    gpu: Arc<Gpu>,
    resources: ResourceTable,
    contexts: HashMap<CtxId, Context>,
    work: Work,
    caches: Caches,
    memo: DrawMemo,
    /// The context of the latest guest submit: errors of its deferred
    /// work, submitted later, are recorded against it.
    last_submitter: Option<CtxId>,
    signalled: Arc<Mutex<Vec<u64>>>,
    quotas: Quotas,
    memory_used: u64,
    sizes: HashMap<ResId, u64>,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer")
            .field("gpu", &self.gpu)
            .field("resources", &self.resources.len())
            .field("contexts", &self.contexts.len())
            .finish_non_exhaustive()
    }
}

impl Renderer {
    /// A renderer on `gpu` (several renderers may share one device).
    pub fn new(gpu: Arc<Gpu>) -> Self {
        Self {
            gpu,
            resources: HashMap::new(),
            contexts: HashMap::new(),
            work: Work::default(),
            caches: Caches::default(),
            memo: DrawMemo::default(),
            last_submitter: None,
            signalled: Arc::default(),
            quotas: Quotas::DEFAULT,
            memory_used: 0,
            sizes: HashMap::new(),
        }
    }

    /// Sets the cap on host memory used by this renderer's resources.
    pub fn set_memory_quota(&mut self, bytes: u64) {
        self.quotas.resource_memory = bytes;
    }

    /// Sets every quota (contexts that exist get the new object quota).
    pub fn set_quotas(&mut self, quotas: Quotas) {
        self.quotas = quotas;
        for c in self.contexts.values_mut() {
            c.max_objects = quotas.objects_per_context;
        }
    }

    /// The quotas in force.
    pub fn quotas(&self) -> Quotas {
        self.quotas
    }

    /// Host memory the resources use now (estimated from their layouts).
    pub fn memory_used(&self) -> u64 {
        self.memory_used
    }

    /// The device.
    pub fn gpu(&self) -> &Arc<Gpu> {
        &self.gpu
    }

    /// Capability set 2 (`virgl_caps_v2`).
    pub fn caps_v2(&self) -> CapsV2 {
        caps::caps_v2(&self.gpu)
    }

    /// Capability set 1 (`virgl_caps_v1`).
    pub fn caps_v1(&self) -> CapsV1 {
        caps::caps_v1(&self.gpu)
    }

    /// Creates a context.
    pub fn create_context(&mut self, id: CtxId, name: &str) -> Result<(), CreateContextError> {
        if self.contexts.contains_key(&id) {
            return Err(CreateContextError::Exists(id));
        }
        if self.contexts.len() >= MAX_CONTEXTS {
            return Err(CreateContextError::Quota { max: MAX_CONTEXTS });
        }
        let mut context = Context::new(id, name);
        context.max_objects = self.quotas.objects_per_context;
        self.contexts.insert(id, context);
        Ok(())
    }

    /// Destroys a context and its objects (resources stay).
    pub fn destroy_context(&mut self, id: CtxId) -> Result<(), LookupError> {
        self.flush_work();
        self.contexts
            .remove(&id)
            .map(|_| ())
            .ok_or(LookupError::NoContext(id))
    }

    /// Creates a resource with an optional transport-owned backing.
    pub fn create_resource(
        &mut self,
        id: ResId,
        info: &ResourceInfo,
        backing: Option<Arc<dyn Backing>>,
    ) -> Result<(), CreateResourceError> {
        if id.0 == 0 {
            return Err(CreateResourceError::ZeroId);
        }
        if self.resources.contains_key(&id) {
            return Err(CreateResourceError::Exists(id));
        }
        if self.resources.len() >= self.quotas.resources {
            return Err(CreateResourceError::TooMany {
                max: self.quotas.resources,
            });
        }
        // Before sizing: the size scales with it.
        create::sample_count(info)?;
        let bytes = create::host_bytes(&self.gpu, info);
        let total = self.memory_used.saturating_add(bytes);
        if total > self.quotas.resource_memory {
            return Err(CreateResourceError::Quota {
                bytes,
                max: self.quotas.resource_memory.saturating_sub(self.memory_used),
            });
        }
        let kind = create::create(&self.gpu, id, info)?;
        self.memory_used = total;
        self.sizes.insert(id, bytes);
        self.resources.insert(
            id,
            Resource {
                info: *info,
                backing,
                kind,
            },
        );
        Ok(())
    }

    /// Replaces a resource's backing (virtio ATTACH_BACKING / DETACH_BACKING).
    pub fn set_backing(
        &mut self,
        id: ResId,
        backing: Option<Arc<dyn Backing>>,
    ) -> Result<(), LookupError> {
        let r = self
            .resources
            .get_mut(&id)
            .ok_or(LookupError::NoResource(id))?;
        r.backing = backing;
        Ok(())
    }

    /// Makes a resource usable by a context's commands.
    pub fn attach_resource(&mut self, ctx: CtxId, id: ResId) -> Result<(), LookupError> {
        if !self.resources.contains_key(&id) {
            return Err(LookupError::NoResource(id));
        }
        let c = self
            .contexts
            .get_mut(&ctx)
            .ok_or(LookupError::NoContext(ctx))?;
        c.resources.insert(id);
        Ok(())
    }

    /// Removes a resource from a context.
    pub fn detach_resource(&mut self, ctx: CtxId, id: ResId) -> Result<(), LookupError> {
        let c = self
            .contexts
            .get_mut(&ctx)
            .ok_or(LookupError::NoContext(ctx))?;
        c.resources.remove(&id);
        Ok(())
    }

    /// Drops a resource (and detaches it everywhere). Objects that view it
    /// keep the GPU memory alive until they are destroyed.
    pub fn unref_resource(&mut self, id: ResId) -> Result<(), LookupError> {
        self.resources
            .remove(&id)
            .ok_or(LookupError::NoResource(id))?;
        let bytes = self.sizes.remove(&id).unwrap_or(0);
        self.memory_used = self.memory_used.saturating_sub(bytes);
        for c in self.contexts.values_mut() {
            c.resources.remove(&id);
        }
        Ok(())
    }

    /// The resource's creation info.
    pub fn resource_info(&self, id: ResId) -> Option<ResourceInfo> {
        self.resources.get(&id).map(|r| r.info)
    }

    /// Backing → resource (vtest TRANSFER_PUT2, virtio TRANSFER_TO_HOST_3D).
    pub fn transfer_in(&mut self, id: ResId, t: &TransferBox) -> Result<(), TransferError> {
        let backing = self.backing(id)?;
        self.write_from(id, t, backing.as_ref())
    }

    /// Resource → backing (vtest TRANSFER_GET2, virtio TRANSFER_FROM_HOST_3D).
    /// Complete when it returns.
    pub fn transfer_out(&mut self, id: ResId, t: &TransferBox) -> Result<(), TransferError> {
        let backing = self.backing(id)?;
        self.read_into(id, t, backing.as_ref())
    }

    /// The backing of resource `id`.
    fn backing(&self, id: ResId) -> Result<Arc<dyn Backing>, TransferError> {
        let r = self
            .resources
            .get(&id)
            .ok_or(TransferError::NoResource(id))?;
        r.backing.clone().ok_or(TransferError::NoBacking(id))
    }

    /// Resource → `dst` memory of the caller's (transfers without a backing).
    pub fn read_into(
        &mut self,
        id: ResId,
        t: &TransferBox,
        dst: &dyn Backing,
    ) -> Result<(), TransferError> {
        storage::refresh_stale(&self.gpu, &mut self.work, &mut self.resources)?;
        let r = self
            .resources
            .get(&id)
            .ok_or(TransferError::NoResource(id))?;
        transfer::download(&self.gpu, &mut self.work, id, r, t, dst)
    }

    /// `src` memory → resource.
    pub fn write_from(
        &mut self,
        id: ResId,
        t: &TransferBox,
        src: &dyn Backing,
    ) -> Result<(), TransferError> {
        let r = self
            .resources
            .get_mut(&id)
            .ok_or(TransferError::NoResource(id))?;
        transfer::upload(
            &self.gpu,
            &mut self.work,
            &mut self.caches.depth,
            id,
            r,
            t,
            src,
        )
    }

    /// A new dmabuf of a scanout resource's level 0; `None` when its memory
    /// cannot leave the process (not created for scanout, or a device
    /// without dmabuf export). The caller waits for the renderer's work
    /// before a display reads it.
    pub fn export_scanout(&self, id: ResId) -> Result<Option<Dmabuf>, LookupError> {
        let r = self.resources.get(&id).ok_or(LookupError::NoResource(id))?;
        let memory = r.texture().and_then(|t| t.scanout);
        let (Some(memory), Some(exporter)) = (memory, self.gpu.dmabuf.as_ref()) else {
            return Ok(None);
        };
        match exporter.export(&memory) {
            Ok(dmabuf) => Ok(Some(dmabuf)),
            Err(e) => {
                tracing::warn!("exporting resource {id} as a dmabuf failed: {e}");
                Ok(None)
            }
        }
    }

    /// Reads level `level`, layer `layer` of a texture for display, in the
    /// guest's layout.
    pub fn read_resource(
        &mut self,
        id: ResId,
        level: u32,
        layer: u32,
    ) -> Result<Image, TransferError> {
        let r = self
            .resources
            .get(&id)
            .ok_or(TransferError::NoResource(id))?;
        let info = r.info;
        let desc = match r.texture() {
            Some(t) => t.desc,
            None => {
                return Err(TransferError::Unsupported {
                    what: "display read-back of a buffer",
                    format: info.format,
                })
            }
        };
        let (w, h, _) = info.level_extent(level);
        let stride =
            u64::from(w.div_ceil(desc.block_dims().0)) * u64::from(desc.guest_block_bytes());
        let rows = u64::from(h.div_ceil(desc.block_dims().1));
        let size = usize::try_from(stride * rows).map_err(|_| TransferError::TooLarge {
            bytes: stride * rows,
        })?;
        let dst = VecBacking::zeroed(size);
        let t = TransferBox {
            level,
            region: Box3 {
                x: 0,
                y: 0,
                z: layer as i32,
                w: w as i32,
                h: h as i32,
                d: 1,
            },
            stride: stride as u32,
            layer_stride: 0,
            offset: 0,
        };
        transfer::download(&self.gpu, &mut self.work, id, r, &t, dst.as_ref())?;
        Ok(Image {
            width: w,
            height: h,
            format: info.format,
            stride: stride as u32,
            data: dst.snapshot(),
        })
    }

    /// Decodes and executes a command buffer on `ctx`. Failing commands are
    /// recorded against the context and skipped; a decode error stops the
    /// buffer (commands before it were executed) and is returned.
    pub fn submit(&mut self, ctx: CtxId, bytes: &[u8]) -> Result<SubmitStats, SubmitError> {
        if !self.contexts.contains_key(&ctx) {
            return Err(SubmitError::NoContext(ctx));
        }
        if self.last_submitter != Some(ctx) {
            // Another context's work may be open: it ends before this
            // context records, so that neither shares the other's encoder.
            if let Some(e) = self.work.seal(&self.gpu) {
                self.record_late("SUBMIT", e);
            }
        }
        let context = self
            .contexts
            .get_mut(&ctx)
            .ok_or(SubmitError::NoContext(ctx))?;
        context.submits += 1;
        let max = self.quotas.cmdbuf_bytes;
        if bytes.len() > max {
            let error = SubmitError::TooLarge {
                bytes: bytes.len(),
                max,
            };
            let quota = QuotaError::CommandBuffer {
                bytes: bytes.len(),
                max,
            };
            context.record(0, "SUBMIT", CommandError::Quota(quota));
            return Err(error);
        }
        if context.submits % 1000 == 0 {
            self.caches.log_stats();
            self.memo.log_stats();
        }
        let mut stats = SubmitStats::default();
        let mut decode_error = None;
        {
            let mut ex = Exec {
                gpu: &self.gpu,
                work: &mut self.work,
                resources: &mut self.resources,
                caches: &mut self.caches,
                ctx: context,
                memo: &mut self.memo,
            };
            for item in Commands::new(bytes) {
                match item {
                    Ok((offset, cmd)) => {
                        stats.commands += 1;
                        if let Err(e) = ex.run(&cmd) {
                            stats.errors += 1;
                            let op = bytes.get(offset).map_or(0, |b| u32::from(*b));
                            ex.ctx.record(offset, opcode_name(op), e);
                        }
                    }
                    Err(e) => {
                        decode_error = Some(e);
                        break;
                    }
                }
            }
        }
        let failed = stats.errors > 0 || decode_error.is_some();
        let flush_err = self
            .work
            .end_guest_submit(&self.gpu, stats.commands, failed);
        self.last_submitter = Some(ctx);
        let late: Vec<WgpuError> = flush_err
            .into_iter()
            .chain(self.gpu.take_uncaptured())
            .collect();
        if let Some(c) = self.contexts.get_mut(&ctx) {
            for e in late {
                stats.errors += 1;
                c.record(bytes.len(), "SUBMIT", CommandError::Wgpu(e));
            }
        }
        match decode_error {
            Some(e) => Err(SubmitError::Decode(e)),
            None => Ok(stats),
        }
    }

    /// Errors of `ctx` not yet reported: how many, and those of them the
    /// context kept; they count as reported from now on.
    pub fn report_errors(&mut self, ctx: CtxId) -> (u64, Vec<ContextErrorRecord>) {
        let Some(c) = self.contexts.get_mut(&ctx) else {
            return (0, Vec::new());
        };
        let first = usize::try_from(c.reported).unwrap_or(usize::MAX);
        let new = c.error_count.saturating_sub(c.reported);
        c.reported = c.error_count;
        (new, c.errors.get(first..).unwrap_or_default().to_vec())
    }

    /// Errors recorded against a context, and how many were recorded in
    /// all (the list keeps the first ones; later ones are only counted).
    pub fn context_errors(&self, ctx: CtxId) -> Option<(&[ContextErrorRecord], u64)> {
        self.contexts
            .get(&ctx)
            .map(|c| (c.errors.as_slice(), c.error_count))
    }

    /// True when submitted GPU work has not finished.
    pub fn is_busy(&mut self) -> bool {
        self.flush_work();
        self.gpu.poll()
    }

    /// Submits pending work and returns the index of this renderer's latest
    /// queue submission (`None` if it never submitted): waiting for that
    /// index waits for all of this renderer's work, not other renderers'.
    pub fn flush(&mut self) -> Option<wgpu::SubmissionIndex> {
        self.flush_work();
        self.work.last_submission().cloned()
    }

    /// Submits pending work and waits at most `timeout` for all of this
    /// renderer's work to finish: false if it is still running then (the
    /// watchdog's check; other renderers' work is not waited for).
    pub fn wait_timeout(&mut self, timeout: std::time::Duration) -> bool {
        match self.flush() {
            Some(index) => self.gpu.wait(Some(&index), Some(timeout)),
            None => true,
        }
    }

    /// True when this renderer's queue submissions have all finished;
    /// work recorded but not yet submitted is left alone.
    pub fn started_work_done(&mut self) -> bool {
        match self.work.last_submission() {
            Some(index) => self.gpu.wait(Some(index), Some(std::time::Duration::ZERO)),
            None => true,
        }
    }

    /// Resources that exist now.
    pub fn resource_count(&self) -> usize {
        self.resources.len()
    }

    /// Submits pending work and waits until the GPU finished everything.
    pub fn wait_idle(&mut self) {
        self.flush_work();
        self.gpu.wait_idle();
    }

    /// Creates fence `fence_id`: it signals when all work submitted so far
    /// finished. Collect signalled fences with [`Renderer::poll_fences`].
    pub fn create_fence(&mut self, fence_id: u64) {
        self.flush_work();
        let list = Arc::clone(&self.signalled);
        self.gpu
            .queue
            .on_submitted_work_done(move || list.lock().push(fence_id));
        let _ = self.work.flush_writes(&self.gpu);
    }

    /// Fences signalled since the last call, in signal order.
    pub fn poll_fences(&mut self) -> Vec<u64> {
        self.gpu.poll();
        std::mem::take(&mut *self.signalled.lock())
    }

    /// Logs cache hit rates.
    pub fn log_stats(&self) {
        self.caches.log_stats();
        self.memo.log_stats();
    }

    /// Submits pending work; an error is recorded against the context of
    /// the latest guest submit (whose work it was), else logged.
    fn flush_work(&mut self) {
        if let Some(e) = self.work.flush(&self.gpu) {
            self.record_late("FLUSH", e);
        }
    }

    /// Records `e`, found by `what` in work recorded earlier, against the
    /// context of the latest guest submit (whose work it was), else logs it.
    fn record_late(&mut self, what: &'static str, e: WgpuError) {
        match self.last_submitter.and_then(|c| self.contexts.get_mut(&c)) {
            Some(c) => c.record(0, what, CommandError::Wgpu(e)),
            None => tracing::warn!("{}", ErrorChain(&e)),
        }
    }
}
