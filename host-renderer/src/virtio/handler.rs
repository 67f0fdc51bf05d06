//! What each control and cursor request does: the command mapped onto the
//! renderer, the renderer's answer mapped onto a typed reply with the
//! ERR_* code of every failure (virtio-gpu-3d.md §3), and the state only the
//! device keeps (scanouts, cursor, the flushed frame). Which ids exist is the
//! renderer's to say; the device encodes the replies
//! ([`VirtioGpu`](super::VirtioGpu)).

use super::device::{DeviceConfig, DeviceStats};
use super::display::{CursorEvent, Display};
use super::{edid, GuestPages};
use crate::core::api::{capset, BackendError, RendererBackend};
use crate::core::error::{
    CreateContextError, CreateResourceError, LookupError, SubmitError, TransferError,
};
use crate::wire;
use crate::{Backing, CtxId, Image, ResId, ResourceInfo, TransferBox};
use guest_protocol::le::Le32;
use guest_protocol::virgl::enums::{bind, TextureTarget};
use guest_protocol::virgl::Format;
use guest_protocol::virtio_gpu::{
    CapsetId, CtrlHdr, DisplayOne, GpuCommand, GpuResponse as R, MemEntry, Rect, UpdateCursor,
    MAX_SCANOUTS,
};
use scanout::Scanout;
use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use vm_memory::GuestMemoryMmap;

mod scanout;

/// virtio 2D formats (same numbers as VIRGL_FORMAT), all 4 bytes per pixel.
const FORMATS_2D: [u32; 8] = [1, 2, 3, 4, 67, 68, 121, 134];
/// Scanouts the device has.
pub const NUM_SCANOUTS: usize = 1;

/// A frame for the VMM to show: RESOURCE_FLUSH of a scanned-out resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The scanout it is shown on.
    pub scanout: u32,
    /// The resource.
    pub resource_id: u32,
    /// The flushed rectangle `(x, y, width, height)`.
    pub rect: (u32, u32, u32, u32),
    /// The part of the resource the scanout shows (SET_SCANOUT's rectangle).
    pub source: (u32, u32, u32, u32),
    /// The resource's level 0, read back.
    pub image: Image,
}

/// The request handler and the device state it keeps.
pub(super) struct Handler {
    mem: GuestMemoryMmap,
    caps_v1: Vec<u8>,
    caps_v2: Vec<u8>,
    display: [DisplayOne; MAX_SCANOUTS],
    edid: Vec<u8>,
    /// The VMM's display, when it has one (its modes and EDID are asked
    /// for each request and answered from here).
    vmm_display: Option<Box<dyn Display>>,
    asked_modes: [DisplayOne; MAX_SCANOUTS],
    asked_edid: Vec<u8>,
    /// Contexts and resources the guest made (and has not destroyed), for
    /// a device reset.
    contexts: HashSet<u32>,
    resources: HashSet<u32>,
    scanouts: [Option<Scanout>; NUM_SCANOUTS],
    frame: Option<Frame>,
    cursor: Option<(u32, u32, u32)>,
    stats: Arc<DeviceStats>,
}

impl std::fmt::Debug for Handler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handler")
            .field("scanouts", &self.scanouts)
            .field("cursor", &self.cursor)
            .finish_non_exhaustive()
    }
}

impl Handler {
    /// A handler for guest RAM `mem`, answering capsets from `renderer`.
    pub fn new(
        renderer: &dyn RendererBackend,
        mem: GuestMemoryMmap,
        config: DeviceConfig,
        stats: Arc<DeviceStats>,
    ) -> Self {
        let mut display = [DisplayOne::default(); MAX_SCANOUTS];
        display[0] = DisplayOne {
            r: rect(0, 0, config.width, config.height),
            enabled: Le32::new(1),
            flags: Le32::new(0),
        };
        Self {
            mem,
            caps_v1: renderer.capset(capset::VIRGL).unwrap_or_default(),
            caps_v2: renderer.capset(capset::VIRGL2).unwrap_or_default(),
            display,
            edid: edid::edid(config.width, config.height),
            vmm_display: None,
            asked_modes: [DisplayOne::default(); MAX_SCANOUTS],
            asked_edid: Vec::new(),
            contexts: HashSet::new(),
            resources: HashSet::new(),
            scanouts: [None; NUM_SCANOUTS],
            frame: None,
            cursor: None,
            stats,
        }
    }

    /// The latest frame flushed to a scanout, if one came since the last call.
    pub fn take_frame(&mut self) -> Option<Frame> {
        self.frame.take()
    }

    /// `(resource_id, x, y)` of the last UPDATE/MOVE_CURSOR.
    pub fn cursor(&self) -> Option<(u32, u32, u32)> {
        self.cursor
    }

    /// Replaces guest RAM (for backings attached from now on).
    pub fn set_memory(&mut self, mem: GuestMemoryMmap) {
        self.mem = mem;
    }

    /// The VMM's display (see [`Display`]), or none.
    pub fn set_display(&mut self, display: Option<Box<dyn Display>>) {
        self.vmm_display = display;
    }

    /// Contexts and resources the guest holds now.
    pub fn objects(&self) -> (usize, usize) {
        (self.contexts.len(), self.resources.len())
    }

    /// Destroys every context the guest made (resources stay).
    pub fn destroy_contexts(&mut self, r: &mut dyn RendererBackend) {
        for ctx in std::mem::take(&mut self.contexts) {
            if let Err(e) = r.destroy_context(CtxId(ctx)) {
                tracing::debug!("virtio-gpu: destroying context {ctx}: {e}");
            }
        }
    }

    /// Device reset: every context and resource the guest made is
    /// destroyed; scanouts, frame and cursor are forgotten.
    pub fn reset(&mut self, r: &mut dyn RendererBackend) {
        self.destroy_contexts(r);
        for id in std::mem::take(&mut self.resources) {
            if let Err(e) = r.unref_resource(ResId(id)) {
                tracing::debug!("virtio-gpu: dropping resource {id}: {e}");
            }
        }
        self.scanouts = [None; NUM_SCANOUTS];
        self.frame = None;
        self.cursor = None;
    }

    /// Runs one control-queue request.
    pub fn control<'h>(
        &'h mut self,
        r: &mut dyn RendererBackend,
        hdr: &CtrlHdr,
        cmd: GpuCommand<'_>,
    ) -> R<'h> {
        let ctx = hdr.ctx_id.get();
        match cmd {
            GpuCommand::GetDisplayInfo(_) => match self.vmm_display.as_mut() {
                None => R::OkDisplayInfo(&self.display),
                Some(d) => {
                    let asked = d.display_info();
                    self.asked_modes = self.display;
                    for (i, m) in self.asked_modes.iter_mut().enumerate().take(NUM_SCANOUTS) {
                        if let Some(one) = asked.as_ref().and_then(|a| a.get(i)) {
                            *m = *one;
                        }
                    }
                    R::OkDisplayInfo(&self.asked_modes)
                }
            },
            GpuCommand::GetEdid(c) => {
                let scanout = c.scanout.get();
                if scanout as usize >= NUM_SCANOUTS {
                    R::ErrInvalidScanoutId
                } else {
                    match self.vmm_display.as_mut().and_then(|d| d.edid(scanout)) {
                        None => R::OkEdid(&self.edid),
                        Some(e) => {
                            self.asked_edid = e;
                            R::OkEdid(&self.asked_edid)
                        }
                    }
                }
            }
            GpuCommand::GetCapsetInfo(c) => match c.capset_index.get() {
                0 => R::OkCapsetInfo {
                    capset_id: CapsetId::VIRGL,
                    max_version: 1,
                    max_size: self.caps_v1.len() as u32,
                },
                1 => R::OkCapsetInfo {
                    capset_id: CapsetId::VIRGL2,
                    max_version: 2,
                    max_size: self.caps_v2.len() as u32,
                },
                _ => R::ErrInvalidParameter,
            },
            GpuCommand::GetCapset(c) => match CapsetId(c.capset_id.get()) {
                CapsetId::VIRGL => R::OkCapset(&self.caps_v1),
                CapsetId::VIRGL2 => R::OkCapset(&self.caps_v2),
                _ => R::ErrInvalidParameter,
            },
            GpuCommand::ResourceCreate2d(c) => {
                let format = c.format.get();
                if !FORMATS_2D.contains(&format) {
                    R::ErrInvalidParameter
                } else {
                    let info = ResourceInfo {
                        target: TextureTarget::TEXTURE_2D,
                        format: Format(format),
                        bind: bind::RENDER_TARGET,
                        width: c.width.get(),
                        height: c.height.get(),
                        depth: 1,
                        array_size: 1,
                        last_level: 0,
                        nr_samples: 0,
                    };
                    self.create(r, c.resource_id.get(), &info)
                }
            }
            GpuCommand::ResourceCreate3d(c) => {
                self.create(r, c.resource_id.get(), &ResourceInfo::from(c))
            }
            GpuCommand::ResourceUnref(c) => {
                let id = c.resource_id.get();
                let answer = r.unref_resource(ResId(id));
                if answer.is_ok() {
                    self.resources.remove(&id);
                    for s in &mut self.scanouts {
                        if s.is_some_and(|s| s.resource_id == id) {
                            *s = None;
                        }
                    }
                }
                lookup_reply("RESOURCE_UNREF", answer)
            }
            GpuCommand::ResourceAttachBacking { cmd, entries } => {
                self.attach_backing(r, cmd.resource_id.get(), entries)
            }
            GpuCommand::ResourceDetachBacking(c) => lookup_reply(
                "RESOURCE_DETACH_BACKING",
                r.set_backing(ResId(c.resource_id.get()), None),
            ),
            GpuCommand::SetScanout(c) => self.set_scanout(
                r,
                c.scanout_id.get(),
                c.resource_id.get(),
                rect_fields(&c.r),
            ),
            GpuCommand::ResourceFlush(c) => self.flush(r, c.resource_id.get(), rect_fields(&c.r)),
            GpuCommand::TransferToHost2d(c) => {
                let id = ResId(c.resource_id.get());
                match r.resource_info(id) {
                    Err(e) => lookup_error("TRANSFER_TO_HOST_2D", e),
                    Ok(info) => {
                        let t = wire::transfer_2d(c, info.width);
                        transfer_reply(r.transfer_in(id, &t, None))
                    }
                }
            }
            GpuCommand::TransferToHost3d(c) => {
                let id = ResId(c.resource_id.get());
                transfer_reply(r.transfer_in(id, &TransferBox::from(c), None))
            }
            GpuCommand::TransferFromHost3d(c) => {
                let id = ResId(c.resource_id.get());
                transfer_reply(r.transfer_out(id, &TransferBox::from(c), None))
            }
            GpuCommand::CtxCreate(c) => {
                let capset = c.capset_id();
                if ctx == 0 {
                    R::ErrInvalidContextId
                } else if ![CapsetId(0), CapsetId::VIRGL, CapsetId::VIRGL2].contains(&capset) {
                    R::ErrInvalidParameter
                } else {
                    let name = String::from_utf8_lossy(c.debug_name());
                    match r.create_context(CtxId(ctx), &name) {
                        Ok(()) => {
                            self.contexts.insert(ctx);
                            R::OkNoData
                        }
                        Err(BackendError::Renderer(CreateContextError::Exists(_))) => {
                            R::ErrInvalidContextId
                        }
                        Err(BackendError::Renderer(CreateContextError::Quota { .. })) => {
                            R::ErrOutOfMemory
                        }
                        Err(e) => {
                            tracing::debug!("virtio-gpu: CTX_CREATE {ctx}: {e}");
                            R::ErrUnspec
                        }
                    }
                }
            }
            GpuCommand::CtxDestroy(_) => {
                let answer = r.destroy_context(CtxId(ctx));
                if answer.is_ok() {
                    self.contexts.remove(&ctx);
                }
                lookup_reply("CTX_DESTROY", answer)
            }
            GpuCommand::CtxAttachResource(c) => lookup_reply(
                "CTX_ATTACH_RESOURCE",
                r.attach_resource(CtxId(ctx), ResId(c.resource_id.get())),
            ),
            GpuCommand::CtxDetachResource(c) => lookup_reply(
                "CTX_DETACH_RESOURCE",
                r.detach_resource(CtxId(ctx), ResId(c.resource_id.get())),
            ),
            GpuCommand::Submit3d { commands, .. } => self.submit(r, ctx, commands),
            // Blob resources and UUIDs are not offered (no F_RESOURCE_BLOB,
            // F_RESOURCE_UUID); cursor commands belong on the cursor queue.
            GpuCommand::ResourceAssignUuid(_)
            | GpuCommand::ResourceCreateBlob { .. }
            | GpuCommand::SetScanoutBlob(_)
            | GpuCommand::ResourceMapBlob(_)
            | GpuCommand::ResourceUnmapBlob(_)
            | GpuCommand::UpdateCursor(_)
            | GpuCommand::MoveCursor(_) => R::ErrUnspec,
        }
    }

    /// Runs one cursor-queue request.
    pub fn cursor_command(
        &mut self,
        r: &mut dyn RendererBackend,
        cmd: GpuCommand<'_>,
    ) -> R<'static> {
        match cmd {
            GpuCommand::UpdateCursor(c) | GpuCommand::MoveCursor(c) => {
                let id = c.resource_id.get();
                let update = matches!(cmd, GpuCommand::UpdateCursor(_));
                if c.pos.scanout_id.get() as usize >= NUM_SCANOUTS {
                    return R::ErrInvalidScanoutId;
                }
                if update && id != 0 {
                    if let Err(e) = r.resource_info(ResId(id)) {
                        return lookup_error("UPDATE_CURSOR", e);
                    }
                }
                let shown = match (update, self.cursor) {
                    (true, _) => id,
                    (false, Some((res, _, _))) => res,
                    (false, None) => 0,
                };
                self.cursor = Some((shown, c.pos.x.get(), c.pos.y.get()));
                self.show_cursor(r, update, c);
                R::OkNoData
            }
            _ => R::ErrUnspec,
        }
    }

    /// Tells the VMM's display (if any) about a valid cursor request.
    fn show_cursor(&mut self, r: &mut dyn RendererBackend, update: bool, c: &UpdateCursor) {
        let Some(display) = self.vmm_display.as_mut() else {
            return;
        };
        let pos = (c.pos.scanout_id.get(), c.pos.x.get(), c.pos.y.get());
        if !update {
            display.cursor(CursorEvent::Move { pos });
            return;
        }
        let id = c.resource_id.get();
        let image = match id {
            0 => None,
            _ => match r.read_image(ResId(id)) {
                Ok(image) => Some(image),
                Err(e) => {
                    tracing::debug!("virtio-gpu: UPDATE_CURSOR {id}: {e}");
                    None
                }
            },
        };
        display.cursor(CursorEvent::Update {
            pos,
            hot: (c.hot_x.get(), c.hot_y.get()),
            image: image.as_ref(),
        });
    }

    /// RESOURCE_CREATE_2D/3D.
    fn create(&mut self, r: &mut dyn RendererBackend, id: u32, info: &ResourceInfo) -> R<'static> {
        let reply = create(r, id, info);
        if reply.is_ok() {
            self.resources.insert(id);
        }
        reply
    }

    /// ATTACH_BACKING: an unknown resource is reported before bad entries.
    fn attach_backing(
        &self,
        r: &mut dyn RendererBackend,
        id: u32,
        entries: &[MemEntry],
    ) -> R<'static> {
        let id = ResId(id);
        if let Err(e) = r.resource_info(id) {
            return lookup_error("RESOURCE_ATTACH_BACKING", e);
        }
        match GuestPages::new(&self.mem, entries) {
            Err(e) => {
                tracing::debug!("virtio-gpu: ATTACH_BACKING {id}: {e}");
                R::ErrInvalidParameter
            }
            Ok(pages) => {
                let pages: Arc<dyn Backing> = Arc::new(pages);
                lookup_reply("RESOURCE_ATTACH_BACKING", r.set_backing(id, Some(pages)))
            }
        }
    }

    fn submit(&self, r: &mut dyn RendererBackend, ctx: u32, commands: &[u8]) -> R<'static> {
        let report = r.submit(CtxId(ctx), commands);
        match &report.outcome {
            Ok(()) => {}
            Err(BackendError::Renderer(SubmitError::NoContext(_))) => {
                return R::ErrInvalidContextId
            }
            // Decode errors stop the buffer and break the context's
            // rendering, but are not reported through the response (QEMU
            // answers OK too).
            Err(e @ BackendError::Renderer(_)) => {
                tracing::debug!("virtio-gpu: SUBMIT_3D on context {ctx}: {e}")
            }
            Err(e) => {
                tracing::debug!("virtio-gpu: SUBMIT_3D on context {ctx}: {e}");
                return R::ErrUnspec;
            }
        }
        let s = &self.stats;
        s.submits.fetch_add(1, Ordering::Relaxed);
        s.commands.fetch_add(report.commands, Ordering::Relaxed);
        s.command_errors.fetch_add(report.errors, Ordering::Relaxed);
        R::OkNoData
    }
}

/// RESOURCE_CREATE_2D/3D.
fn create(r: &mut dyn RendererBackend, id: u32, info: &ResourceInfo) -> R<'static> {
    match r.create_resource(ResId(id), info, None) {
        Ok(()) => R::OkNoData,
        Err(BackendError::Renderer(CreateResourceError::Quota { .. })) => R::ErrOutOfMemory,
        Err(BackendError::Renderer(
            CreateResourceError::Exists(_) | CreateResourceError::ZeroId,
        )) => R::ErrInvalidResourceId,
        Err(e @ BackendError::Renderer(_)) => {
            tracing::debug!("virtio-gpu: RESOURCE_CREATE {id}: {e}");
            R::ErrInvalidParameter
        }
        Err(e) => {
            tracing::debug!("virtio-gpu: RESOURCE_CREATE {id}: {e}");
            R::ErrUnspec
        }
    }
}

/// The reply to a call that names a context or resource.
fn lookup_reply(what: &str, answer: Result<(), BackendError<LookupError>>) -> R<'static> {
    match answer {
        Ok(()) => R::OkNoData,
        Err(e) => lookup_error(what, e),
    }
}

/// The error reply when a context or resource was not found.
fn lookup_error(what: &str, e: BackendError<LookupError>) -> R<'static> {
    match e {
        BackendError::Renderer(LookupError::NoResource(_)) => R::ErrInvalidResourceId,
        BackendError::Renderer(LookupError::NoContext(_)) => R::ErrInvalidContextId,
        e => {
            tracing::debug!("virtio-gpu: {what}: {e}");
            R::ErrUnspec
        }
    }
}

/// The reply to a transfer.
fn transfer_reply(answer: Result<(), BackendError<TransferError>>) -> R<'static> {
    match answer {
        Ok(()) => R::OkNoData,
        Err(BackendError::Renderer(TransferError::NoResource(_))) => R::ErrInvalidResourceId,
        Err(e @ BackendError::Renderer(TransferError::NoBacking(_)))
        | Err(e @ BackendError::Transport(_)) => {
            tracing::debug!("virtio-gpu: transfer: {e}");
            R::ErrUnspec
        }
        Err(e) => {
            tracing::debug!("virtio-gpu: transfer: {e}");
            R::ErrInvalidParameter
        }
    }
}

fn rect(x: u32, y: u32, w: u32, h: u32) -> Rect {
    Rect {
        x: Le32::new(x),
        y: Le32::new(y),
        width: Le32::new(w),
        height: Le32::new(h),
    }
}

fn rect_fields(r: &Rect) -> (u32, u32, u32, u32) {
    (r.x.get(), r.y.get(), r.width.get(), r.height.get())
}
