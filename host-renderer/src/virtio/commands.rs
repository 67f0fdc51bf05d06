//! Each control/cursor request mapped onto the renderer, with the ERR_* code
//! of every failure (virtio-gpu-3d.md §3).

use super::device::{Scanout, VirtioGpu};
use super::display::CursorEvent;
use super::{edid, GuestPages};
use crate::core::error::{CreateResourceError, TransferError};
use crate::{Backing, CtxId, ResId, ResourceInfo, TransferBox};
use guest_protocol::le::Le32;
use guest_protocol::virgl::enums::{bind, TextureTarget};
use guest_protocol::virgl::{Box3, Format};
use guest_protocol::virtio_gpu::{
    CapsetId, CtrlHdr, DisplayOne, GpuCommand, GpuResponse as R, HdrFields, Rect, TransferHost3d,
    UpdateCursor, MAX_SCANOUTS,
};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// virtio 2D formats (same numbers as VIRGL_FORMAT), all 4 bytes per pixel.
const FORMATS_2D: [u32; 8] = [1, 2, 3, 4, 67, 68, 121, 134];

impl VirtioGpu {
    /// Runs one control-queue request and appends its response to `out`.
    pub(super) fn execute(&mut self, hdr: &CtrlHdr, cmd: GpuCommand<'_>, out: &mut Vec<u8>) {
        let fields = HdrFields::reply_to(hdr);
        let ctx = hdr.ctx_id.get();
        let r: R<'_> = match cmd {
            GpuCommand::GetDisplayInfo(_) => {
                let modes = self.display_modes();
                R::OkDisplayInfo(&modes).encode(fields, out);
                return;
            }
            GpuCommand::GetEdid(c) => {
                let scanout = c.scanout.get();
                if scanout as usize >= self.scanouts.len() {
                    R::ErrInvalidScanoutId
                } else {
                    let e = self
                        .display
                        .as_mut()
                        .and_then(|d| d.edid(scanout))
                        .unwrap_or_else(|| edid::edid(self.config.width, self.config.height));
                    R::OkEdid(&e).encode(fields, out);
                    return;
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
                    self.create(c.resource_id.get(), &info)
                }
            }
            GpuCommand::ResourceCreate3d(c) => {
                let info = ResourceInfo::from_wire([
                    c.target.get(),
                    c.format.get(),
                    c.bind.get(),
                    c.width.get(),
                    c.height.get(),
                    c.depth.get(),
                    c.array_size.get(),
                    c.last_level.get(),
                    c.nr_samples.get(),
                ]);
                self.create(c.resource_id.get(), &info)
            }
            GpuCommand::ResourceUnref(c) => {
                let id = c.resource_id.get();
                if self.resources.remove(&id).is_none() {
                    R::ErrInvalidResourceId
                } else {
                    let _ = self.renderer.unref_resource(ResId(id));
                    for s in &mut self.scanouts {
                        if s.is_some_and(|s| s.resource_id == id) {
                            *s = None;
                        }
                    }
                    R::OkNoData
                }
            }
            GpuCommand::ResourceAttachBacking { cmd, entries } => {
                let id = cmd.resource_id.get();
                match self.resources.get_mut(&id) {
                    None => R::ErrInvalidResourceId,
                    Some(slot) => match GuestPages::new(&self.mem, entries) {
                        Err(e) => {
                            tracing::debug!("virtio-gpu: ATTACH_BACKING {id}: {e}");
                            R::ErrInvalidParameter
                        }
                        Ok(pages) => {
                            let pages = Arc::new(pages);
                            *slot = Some(Arc::clone(&pages));
                            let _ = self
                                .renderer
                                .set_backing(ResId(id), Some(pages as Arc<dyn Backing>));
                            R::OkNoData
                        }
                    },
                }
            }
            GpuCommand::ResourceDetachBacking(c) => {
                let id = c.resource_id.get();
                match self.resources.get_mut(&id) {
                    None => R::ErrInvalidResourceId,
                    Some(slot) => {
                        *slot = None;
                        let _ = self.renderer.set_backing(ResId(id), None);
                        R::OkNoData
                    }
                }
            }
            GpuCommand::SetScanout(c) => {
                self.set_scanout(c.scanout_id.get(), c.resource_id.get(), rect_fields(&c.r))
            }
            GpuCommand::ResourceFlush(c) => self.flush(c.resource_id.get(), rect_fields(&c.r)),
            GpuCommand::TransferToHost2d(c) => {
                let id = c.resource_id.get();
                match self.renderer.resource_info(ResId(id)) {
                    None => R::ErrInvalidResourceId,
                    Some(info) => {
                        let (x, y, w, h) = rect_fields(&c.r);
                        let t = TransferBox {
                            level: 0,
                            region: region(x, y, 0, w, h, 1),
                            stride: info.width.saturating_mul(4),
                            layer_stride: 0,
                            offset: c.offset.get(),
                        };
                        transfer_result(self.renderer.transfer_in(ResId(id), &t))
                    }
                }
            }
            GpuCommand::TransferToHost3d(c) => {
                let id = ResId(c.resource_id.get());
                transfer_result(self.renderer.transfer_in(id, &transfer_box(c)))
            }
            GpuCommand::TransferFromHost3d(c) => {
                let id = ResId(c.resource_id.get());
                transfer_result(self.renderer.transfer_out(id, &transfer_box(c)))
            }
            GpuCommand::CtxCreate(c) => {
                let capset = c.capset_id();
                if ctx == 0 || self.contexts.contains(&ctx) {
                    R::ErrInvalidContextId
                } else if ![CapsetId(0), CapsetId::VIRGL, CapsetId::VIRGL2].contains(&capset) {
                    R::ErrInvalidParameter
                } else {
                    let name = String::from_utf8_lossy(c.debug_name()).into_owned();
                    match self.renderer.create_context(CtxId(ctx), &name) {
                        Ok(()) => {
                            self.contexts.insert(ctx);
                            R::OkNoData
                        }
                        Err(_) => R::ErrOutOfMemory,
                    }
                }
            }
            GpuCommand::CtxDestroy(_) => {
                if self.contexts.remove(&ctx) {
                    let _ = self.renderer.destroy_context(CtxId(ctx));
                    R::OkNoData
                } else {
                    R::ErrInvalidContextId
                }
            }
            GpuCommand::CtxAttachResource(c) | GpuCommand::CtxDetachResource(c) => {
                let id = c.resource_id.get();
                if !self.contexts.contains(&ctx) {
                    R::ErrInvalidContextId
                } else if !self.resources.contains_key(&id) {
                    R::ErrInvalidResourceId
                } else {
                    let attach = matches!(cmd, GpuCommand::CtxAttachResource(_));
                    let _ = if attach {
                        self.renderer.attach_resource(CtxId(ctx), ResId(id))
                    } else {
                        self.renderer.detach_resource(CtxId(ctx), ResId(id))
                    };
                    R::OkNoData
                }
            }
            GpuCommand::Submit3d { commands, .. } => self.submit(ctx, commands),
            // Blob resources and UUIDs are not offered (no F_RESOURCE_BLOB,
            // F_RESOURCE_UUID); cursor commands belong on the cursor queue.
            GpuCommand::ResourceAssignUuid(_)
            | GpuCommand::ResourceCreateBlob { .. }
            | GpuCommand::SetScanoutBlob(_)
            | GpuCommand::ResourceMapBlob(_)
            | GpuCommand::ResourceUnmapBlob(_)
            | GpuCommand::UpdateCursor(_)
            | GpuCommand::MoveCursor(_) => R::ErrUnspec,
        };
        r.encode(fields, out);
    }

    /// GET_DISPLAY_INFO's modes: the display's for the scanouts the device
    /// has (the others disabled), else the configured size.
    fn display_modes(&mut self) -> [DisplayOne; MAX_SCANOUTS] {
        let mut modes = [DisplayOne::default(); MAX_SCANOUTS];
        let asked = self.display.as_mut().and_then(|d| d.display_info());
        for (i, m) in modes.iter_mut().enumerate().take(self.scanouts.len()) {
            *m = match asked.as_ref().and_then(|a| a.get(i)) {
                Some(one) => *one,
                None => DisplayOne {
                    r: rect(0, 0, self.config.width, self.config.height),
                    enabled: Le32::new(1),
                    flags: Le32::new(0),
                },
            };
        }
        modes
    }

    /// A cursor-queue request.
    pub(super) fn cursor_command(&mut self, cmd: GpuCommand<'_>) -> R<'static> {
        match cmd {
            GpuCommand::UpdateCursor(c) | GpuCommand::MoveCursor(c) => {
                let id = c.resource_id.get();
                let update = matches!(cmd, GpuCommand::UpdateCursor(_));
                if c.pos.scanout_id.get() as usize >= self.scanouts.len() {
                    R::ErrInvalidScanoutId
                } else if update && id != 0 && !self.resources.contains_key(&id) {
                    R::ErrInvalidResourceId
                } else {
                    let shown = match (update, self.cursor) {
                        (true, _) => id,
                        (false, Some((res, _, _))) => res,
                        (false, None) => 0,
                    };
                    self.cursor = Some((shown, c.pos.x.get(), c.pos.y.get()));
                    self.show_cursor(update, c);
                    R::OkNoData
                }
            }
            _ => R::ErrUnspec,
        }
    }

    /// Tells the display (if any) about a valid cursor request.
    fn show_cursor(&mut self, update: bool, c: &UpdateCursor) {
        let Some(display) = self.display.as_mut() else {
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
            _ => match self.renderer.read_resource(ResId(id), 0, 0) {
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

    fn create(&mut self, id: u32, info: &ResourceInfo) -> R<'static> {
        if id == 0 || self.resources.contains_key(&id) {
            return R::ErrInvalidResourceId;
        }
        match self.renderer.create_resource(ResId(id), info, None) {
            Ok(()) => {
                self.resources.insert(id, None);
                R::OkNoData
            }
            Err(CreateResourceError::Quota { .. }) => R::ErrOutOfMemory,
            Err(CreateResourceError::Exists(_) | CreateResourceError::ZeroId) => {
                R::ErrInvalidResourceId
            }
            Err(e) => {
                tracing::debug!("virtio-gpu: RESOURCE_CREATE {id}: {e}");
                R::ErrInvalidParameter
            }
        }
    }

    fn submit(&mut self, ctx: u32, commands: &[u8]) -> R<'static> {
        if !self.contexts.contains(&ctx) {
            return R::ErrInvalidContextId;
        }
        self.stats.submits.fetch_add(1, Ordering::Relaxed);
        let before = self.command_errors(ctx);
        // Decode errors stop the buffer and break the context's rendering,
        // but are not reported through the response (QEMU answers OK too).
        match self.renderer.submit(CtxId(ctx), commands) {
            Ok(s) => {
                self.stats.commands.fetch_add(s.commands, Ordering::Relaxed);
            }
            Err(e) => tracing::debug!("virtio-gpu: SUBMIT_3D on context {ctx}: {e}"),
        }
        let new = self.command_errors(ctx).saturating_sub(before);
        self.stats.command_errors.fetch_add(new, Ordering::Relaxed);
        R::OkNoData
    }

    fn command_errors(&self, ctx: u32) -> u64 {
        self.renderer
            .context_errors(CtxId(ctx))
            .map_or(0, |(_, n)| n)
    }

    fn set_scanout(&mut self, scanout: u32, id: u32, r: (u32, u32, u32, u32)) -> R<'static> {
        let Some(slot) = self.scanouts.get_mut(scanout as usize) else {
            return R::ErrInvalidScanoutId;
        };
        if id == 0 {
            *slot = None;
            if let Some(d) = self.display.as_mut() {
                d.set_scanout(scanout, None);
            }
            return R::OkNoData;
        }
        let Some(info) = self.renderer.resource_info(ResId(id)) else {
            return R::ErrInvalidResourceId;
        };
        let inside = |o: u32, l: u32, max: u32| o.checked_add(l).is_some_and(|e| e <= max);
        if info.is_buffer() || !inside(r.0, r.2, info.width) || !inside(r.1, r.3, info.height) {
            return R::ErrInvalidParameter;
        }
        *slot = Some(Scanout {
            resource_id: id,
            rect: r,
        });
        if let Some(d) = self.display.as_mut() {
            d.set_scanout(scanout, Some((r.2, r.3)));
        }
        R::OkNoData
    }

    fn flush(&mut self, id: u32, rect: (u32, u32, u32, u32)) -> R<'static> {
        if !self.resources.contains_key(&id) {
            return R::ErrInvalidResourceId;
        }
        let shown = self
            .scanouts
            .iter()
            .enumerate()
            .find_map(|(i, s)| s.filter(|s| s.resource_id == id).map(|s| (i, s.rect)));
        if let Some((scanout, source)) = shown {
            match self.renderer.read_resource(ResId(id), 0, 0) {
                Ok(image) => {
                    let frame = super::Frame {
                        scanout: scanout as u32,
                        resource_id: id,
                        rect,
                        source,
                        image,
                    };
                    if let Some(d) = self.display.as_mut() {
                        d.show(&frame);
                    }
                    self.frame = Some(frame);
                }
                Err(e) => {
                    tracing::debug!("virtio-gpu: RESOURCE_FLUSH {id}: {e}");
                    return R::ErrUnspec;
                }
            }
        }
        R::OkNoData
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

/// A box from guest values (the renderer rejects negative ones, i.e.
/// values past `i32::MAX`).
fn region(x: u32, y: u32, z: u32, w: u32, h: u32, d: u32) -> Box3 {
    Box3 {
        x: x as i32,
        y: y as i32,
        z: z as i32,
        w: w as i32,
        h: h as i32,
        d: d as i32,
    }
}

fn transfer_box(c: &TransferHost3d) -> TransferBox {
    let b = &c.box_;
    TransferBox {
        level: c.level.get(),
        region: region(
            b.x.get(),
            b.y.get(),
            b.z.get(),
            b.w.get(),
            b.h.get(),
            b.d.get(),
        ),
        stride: c.stride.get(),
        layer_stride: c.layer_stride.get(),
        offset: c.offset.get(),
    }
}

fn transfer_result(r: Result<(), TransferError>) -> R<'static> {
    match r {
        Ok(()) => R::OkNoData,
        Err(TransferError::NoResource(_)) => R::ErrInvalidResourceId,
        Err(TransferError::NoBacking(_)) => R::ErrUnspec,
        Err(e) => {
            tracing::debug!("virtio-gpu: transfer: {e}");
            R::ErrInvalidParameter
        }
    }
}
