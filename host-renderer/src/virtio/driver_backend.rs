//! The renderer API spoken through the virtio-gpu guest driver: every call
//! of a [`DriverBackend`] becomes requests on the control queue of an
//! in-process [`Harness`] (guest driver, split rings in guest RAM, the
//! device model on its thread), so whatever drives a [`RendererBackend`]
//! can take the whole virtio path instead of calling a renderer
//! (`pv3d replay --via virtio`).
//!
//! virtio-gpu has no shared memory: a backing given with a resource becomes
//! guest pages (64 KiB pieces allocated separately, so ATTACH_BACKING
//! carries a real scatter list) mirrored with it. Its bytes are pushed into
//! the pages before every request that may read them, and what the device
//! wrote is pulled back through [`Backing::write_at`]: the transfer's span
//! after TRANSFER_FROM_HOST_3D, the pages that changed after SUBMIT_3D.
//! Requests that do GPU work are fenced and waited for, so the renderer is
//! idle whenever a call returns and fences signal at once.
//!
//! The device answers with reply codes only: a refused request comes back
//! as [`BackendError::Transport`] with the driver's message, and a submit
//! reports how many command errors the device counted, without their text.

use super::harness::{Harness, HarnessError, HarnessHal};
use super::DeviceConfig;
use crate::core::api::{capset, BackendError, RendererBackend, SubmitReport};
use crate::core::error::{CreateContextError, CreateResourceError, LookupError, TransferError};
use crate::core::layout;
use crate::wire;
use crate::{Backing, CtxId, Gpu, Image, ResId, ResourceInfo, TransferBox};
use guest_protocol::le::Le32;
use guest_protocol::virtio_gpu::driver::{DmaBuffer, DriverError};
use guest_protocol::virtio_gpu::{CapsetId, CtrlHdr, GpuCommand, Rect, ResourceFlush, SetScanout};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// Bytes per separately allocated piece of a backing.
const CHUNK: usize = 64 << 10;
/// Page size the device's writes are compared in after a submit.
const PAGE: usize = 4096;

/// A resource as the guest side knows it: what it created, and the guest
/// pages mirroring its backing.
struct Mirror {
    info: ResourceInfo,
    backing: Option<Arc<dyn Backing>>,
    pages: Vec<DmaBuffer<HarnessHal>>,
}

impl Mirror {
    /// Calls `f(piece, offset in piece, start, end)` for the parts of
    /// `start..end` (backing offsets).
    fn pieces(
        &self,
        start: usize,
        end: usize,
        mut f: impl FnMut(&DmaBuffer<HarnessHal>, usize, usize, usize),
    ) {
        for (i, piece) in self.pages.iter().enumerate() {
            let base = i * CHUNK;
            let (s, e) = (start.max(base), end.min(base + piece.len()));
            if s < e {
                f(piece, s - base, s, e);
            }
        }
    }

    /// Backing → guest pages.
    fn push(&self) {
        let Some(backing) = &self.backing else { return };
        let mut buf = Vec::new();
        self.pieces(0, backing.len() as usize, |piece, at, s, e| {
            buf.resize(e - s, 0);
            if backing.read_at(s as u64, &mut buf).is_ok() {
                piece.write(at, &buf);
            }
        });
    }

    /// Guest pages `start..end` → backing (as written by the renderer).
    fn pull(&self, start: usize, end: usize) {
        let Some(backing) = &self.backing else { return };
        let mut buf = Vec::new();
        self.pieces(start, end, |piece, at, s, e| {
            buf.resize(e - s, 0);
            if piece.read(at, &mut buf) {
                let _ = backing.write_at(s as u64, &buf);
            }
        });
    }

    /// Guest pages that differ from the backing → backing.
    fn pull_changed(&self) {
        let Some(backing) = &self.backing else { return };
        let len = backing.len() as usize;
        let (mut theirs, mut ours) = (Vec::new(), Vec::new());
        for start in (0..len).step_by(PAGE) {
            let end = (start + PAGE).min(len);
            theirs.resize(end - start, 0);
            ours.resize(end - start, 0);
            let mut read = true;
            self.pieces(start, end, |piece, at, s, e| {
                read &= theirs
                    .get_mut(s - start..e - start)
                    .is_some_and(|dst| piece.read(at, dst));
            });
            let known = backing.read_at(start as u64, &mut ours).is_ok();
            if read && known && theirs != ours {
                let _ = backing.write_at(start as u64, &theirs);
            }
        }
    }
}

/// A renderer reached through the virtio guest driver (see the module docs).
pub struct DriverBackend {
    harness: Harness,
    gpu: Arc<Gpu>,
    capsets: Vec<(u32, Vec<u8>)>,
    resources: HashMap<ResId, Mirror>,
    signalled: Vec<u64>,
}

impl std::fmt::Debug for DriverBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DriverBackend")
            .field("resources", &self.resources.len())
            .finish_non_exhaustive()
    }
}

fn transport<E>(e: DriverError) -> BackendError<E> {
    BackendError::Transport(e.to_string())
}

impl DriverBackend {
    /// A fresh device (its own renderer on `gpu`) and driver; reads the
    /// device's capsets, as a guest driver does when it starts.
    pub fn start(gpu: &Arc<Gpu>, config: DeviceConfig) -> Result<Self, HarnessError> {
        let mut harness = Harness::start(Arc::clone(gpu), config)?;
        let d = &mut harness.driver;
        let mut capsets = Vec::new();
        for index in 0..d.num_capsets() {
            let (id, version, size) = d.capset_info(index)?;
            capsets.push((id.0, d.capset(id, version, size)?));
        }
        Ok(Self {
            harness,
            gpu: Arc::clone(gpu),
            capsets,
            resources: HashMap::new(),
            signalled: Vec::new(),
        })
    }

    /// Guest pages for `backing`, attached to resource `id`.
    fn attach_pages(
        &mut self,
        id: ResId,
        backing: &dyn Backing,
    ) -> Result<Vec<DmaBuffer<HarnessHal>>, DriverError> {
        let len = backing.len() as usize;
        let mut pages = Vec::new();
        for start in (0..len).step_by(CHUNK) {
            pages.push(DmaBuffer::new(CHUNK.min(len - start))?);
        }
        let entries: Vec<_> = pages.iter().map(DmaBuffer::entry).collect();
        self.harness.driver.attach_backing(id.0, &entries)?;
        Ok(pages)
    }

    /// SET_SCANOUT 0 to `id` (0 disables it) showing `w`×`h`.
    fn set_scanout(&mut self, id: ResId, w: u32, h: u32) -> Result<(), DriverError> {
        let d = &mut self.harness.driver;
        let c = SetScanout {
            hdr: d.header(0, false, None),
            r: rect(w, h),
            scanout_id: Le32::new(0),
            resource_id: Le32::new(id.0),
        };
        d.call(&GpuCommand::SetScanout(&c), size_of::<CtrlHdr>())?
            .ok()
    }

    fn mirror(&self, id: ResId) -> Result<&Mirror, LookupError> {
        self.resources.get(&id).ok_or(LookupError::NoResource(id))
    }
}

impl RendererBackend for DriverBackend {
    fn capset(&self, id: u32) -> Option<Vec<u8>> {
        let id = match id {
            capset::VIRGL => CapsetId::VIRGL.0,
            capset::VIRGL2 => CapsetId::VIRGL2.0,
            _ => return None,
        };
        self.capsets
            .iter()
            .find(|(c, _)| *c == id)
            .map(|(_, bytes)| bytes.clone())
    }

    fn create_context(
        &mut self,
        ctx: CtxId,
        name: &str,
    ) -> Result<(), BackendError<CreateContextError>> {
        self.harness
            .driver
            .ctx_create(ctx.0, CapsetId::VIRGL2.0, name.as_bytes())
            .map_err(transport)
    }

    fn destroy_context(&mut self, ctx: CtxId) -> Result<(), BackendError<LookupError>> {
        self.harness.driver.ctx_destroy(ctx.0).map_err(transport)
    }

    fn create_resource(
        &mut self,
        id: ResId,
        info: &ResourceInfo,
        backing: Option<Arc<dyn Backing>>,
    ) -> Result<(), BackendError<CreateResourceError>> {
        let c = wire::resource_create_3d(id, info);
        self.harness
            .driver
            .resource_create_3d(&c)
            .map_err(transport)?;
        let pages = match &backing {
            Some(b) => self.attach_pages(id, b.as_ref()).map_err(transport)?,
            None => Vec::new(),
        };
        self.resources.insert(
            id,
            Mirror {
                info: *info,
                backing,
                pages,
            },
        );
        Ok(())
    }

    fn resource_info(&self, id: ResId) -> Result<ResourceInfo, BackendError<LookupError>> {
        Ok(self.mirror(id)?.info)
    }

    fn set_backing(
        &mut self,
        id: ResId,
        backing: Option<Arc<dyn Backing>>,
    ) -> Result<(), BackendError<LookupError>> {
        self.mirror(id)?;
        let pages = match &backing {
            Some(b) => self.attach_pages(id, b.as_ref()),
            None => self
                .harness
                .driver
                .detach_backing(id.0)
                .map(|()| Vec::new()),
        }
        .map_err(transport)?;
        if let Some(m) = self.resources.get_mut(&id) {
            m.backing = backing;
            m.pages = pages;
        }
        Ok(())
    }

    fn attach_resource(&mut self, ctx: CtxId, id: ResId) -> Result<(), BackendError<LookupError>> {
        self.harness
            .driver
            .ctx_resource(ctx.0, id.0, true)
            .map_err(transport)
    }

    fn detach_resource(&mut self, ctx: CtxId, id: ResId) -> Result<(), BackendError<LookupError>> {
        self.harness
            .driver
            .ctx_resource(ctx.0, id.0, false)
            .map_err(transport)
    }

    fn unref_resource(&mut self, id: ResId) -> Result<(), BackendError<LookupError>> {
        self.harness
            .driver
            .resource_unref(id.0)
            .map_err(transport)?;
        self.resources.remove(&id);
        Ok(())
    }

    fn transfer_in(
        &mut self,
        id: ResId,
        t: &TransferBox,
        src: Option<&dyn Backing>,
    ) -> Result<(), BackendError<TransferError>> {
        if src.is_some() {
            return Err(BackendError::Transport(
                "virtio-gpu transfers only through a resource's backing".into(),
            ));
        }
        if let Some(m) = self.resources.get(&id) {
            m.push();
        }
        let c = wire::transfer_host_3d(id, t);
        self.harness
            .driver
            .transfer_3d(0, &c, true)
            .map_err(transport)
    }

    fn transfer_out(
        &mut self,
        id: ResId,
        t: &TransferBox,
        dst: Option<&dyn Backing>,
    ) -> Result<(), BackendError<TransferError>> {
        if dst.is_some() {
            return Err(BackendError::Transport(
                "virtio-gpu transfers only through a resource's backing".into(),
            ));
        }
        if let Some(m) = self.resources.get(&id) {
            m.push();
        }
        let c = wire::transfer_host_3d(id, t);
        self.harness
            .driver
            .transfer_3d(0, &c, false)
            .map_err(transport)?;
        if let Some(m) = self.resources.get(&id) {
            let len = m.backing.as_ref().map_or(0, |b| b.len());
            let span = transfer_span(&self.gpu, &m.info, t).unwrap_or(0);
            let end = t.offset.saturating_add(span).min(len);
            m.pull(t.offset.min(end) as usize, end as usize);
        }
        Ok(())
    }

    /// SET_SCANOUT of the resource, RESOURCE_FLUSH, the frame the device
    /// made, and the scanout disabled again.
    fn read_image(&mut self, id: ResId) -> Result<Image, BackendError<TransferError>> {
        let info = self
            .resources
            .get(&id)
            .ok_or(TransferError::NoResource(id))?
            .info;
        let (w, h, _) = info.level_extent(0);
        self.set_scanout(id, w, h).map_err(transport)?;
        let d = &mut self.harness.driver;
        let c = ResourceFlush {
            hdr: d.header(0, false, None),
            r: rect(w, h),
            resource_id: Le32::new(id.0),
            padding: Le32::new(0),
        };
        let flushed = d
            .call(&GpuCommand::ResourceFlush(&c), size_of::<CtrlHdr>())
            .and_then(|r| r.ok());
        let frame = self.harness.take_frame();
        self.set_scanout(ResId(0), 0, 0).map_err(transport)?;
        flushed.map_err(transport)?;
        frame
            .map(|f| f.image)
            .ok_or(BackendError::Transport("the device made no frame".into()))
    }

    fn submit(&mut self, ctx: CtxId, commands: &[u8]) -> SubmitReport {
        for m in self.resources.values() {
            m.push();
        }
        let stats = self.harness.stats();
        let (commands_before, errors_before) = (
            stats.commands.load(Ordering::Relaxed),
            stats.command_errors.load(Ordering::Relaxed),
        );
        let outcome = self
            .harness
            .driver
            .submit_3d(ctx.0, commands)
            .map_err(transport);
        for m in self.resources.values() {
            m.pull_changed();
        }
        let stats = self.harness.stats();
        SubmitReport {
            commands: stats
                .commands
                .load(Ordering::Relaxed)
                .saturating_sub(commands_before),
            errors: stats
                .command_errors
                .load(Ordering::Relaxed)
                .saturating_sub(errors_before),
            failures: Vec::new(),
            outcome,
        }
    }

    fn create_fence(&mut self, fence_id: u64) {
        // Every request's work was waited for.
        self.signalled.push(fence_id);
    }

    fn poll_fences(&mut self) -> Vec<u64> {
        std::mem::take(&mut self.signalled)
    }

    fn wait(&mut self, _timeout: Option<Duration>) -> bool {
        // Every request's work was waited for.
        true
    }
}

fn rect(w: u32, h: u32) -> Rect {
    Rect {
        x: Le32::new(0),
        y: Le32::new(0),
        width: Le32::new(w),
        height: Le32::new(h),
    }
}

/// Bytes of guest memory from `t.offset` that a transfer of `t` on a
/// resource created as `info` covers in the guest layout; `None` when the
/// box or the format is not valid there. For transports that mirror guest
/// memory and copy back what a read-back wrote.
fn transfer_span(gpu: &Gpu, info: &ResourceInfo, t: &TransferBox) -> Option<u64> {
    if info.is_buffer() {
        return u64::try_from(t.region.w).ok();
    }
    let desc = gpu.format_desc(info.format)?;
    layout::texture_region(info, desc, t.level, &t.region, t.stride, t.layer_stride)
        .ok()
        .map(|r| r.guest_span())
}
