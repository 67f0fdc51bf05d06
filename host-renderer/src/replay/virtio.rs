//! The replay target that goes through the virtio-gpu device: one harness
//! (guest driver, device thread, split rings in guest RAM) per connection.
//!
//! Each shm becomes the backing pages of its resource: 64 KiB DMA chunks
//! allocated separately in guest RAM (so ATTACH_BACKING carries a real
//! scatter list). Our shm copy stays the replay's reference point: it is
//! pushed into the guest pages before every request that reads them, and
//! what the device wrote is pulled back through [`Backing::write_at`] (so
//! the comparison sees it as the renderer's writes): the transfer's span
//! after TRANSFER_FROM_HOST_3D, the changed pages after SUBMIT_3D.

use super::{ReplayShm, Target, PAGE};
use crate::core::backing::Backing;
use crate::core::layout;
use crate::virtio::harness::{Harness, HarnessError, HarnessHal};
use crate::virtio::DeviceConfig;
use crate::{Gpu, ResourceInfo, TransferBox};
use guest_protocol::le::{Le32, Le64};
use guest_protocol::virtio_gpu::driver::DmaBuffer;
use guest_protocol::virtio_gpu::{Box3d, CapsetId, ResourceCreate3d, TransferHost3d};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// The virtio context every connection uses.
const CTX: u32 = 1;
/// Bytes per separately allocated piece of a backing.
const CHUNK: usize = 64 << 10;

/// A resource's guest-side state.
struct Res {
    info: ResourceInfo,
    shm: Option<Arc<ReplayShm>>,
    pages: Vec<DmaBuffer<HarnessHal>>,
}

impl Res {
    /// Calls `f(chunk, offset in chunk, start, end)` for the parts of
    /// `start..end` (backing offsets).
    fn chunks(
        &self,
        start: usize,
        end: usize,
        mut f: impl FnMut(&DmaBuffer<HarnessHal>, usize, usize, usize),
    ) {
        for (i, chunk) in self.pages.iter().enumerate() {
            let base = i * CHUNK;
            let (s, e) = (start.max(base), end.min(base + chunk.len()));
            if s < e {
                f(chunk, s - base, s, e);
            }
        }
    }

    /// Our shm bytes → guest pages.
    fn push(&self) {
        let Some(shm) = &self.shm else { return };
        let bytes = shm.bytes.lock();
        self.chunks(0, bytes.len(), |chunk, at, s, e| {
            if let Some(src) = bytes.get(s..e) {
                chunk.write(at, src);
            }
        });
    }

    /// Guest pages `start..end` → our shm (recorded as written).
    fn pull(&self, start: usize, end: usize) {
        let Some(shm) = &self.shm else { return };
        let mut buf = Vec::new();
        self.chunks(start, end, |chunk, at, s, e| {
            buf.resize(e - s, 0);
            if chunk.read(at, &mut buf) {
                let _ = shm.write_at(s as u64, &buf);
            }
        });
    }

    /// Guest pages that differ from our shm → our shm.
    fn pull_changed(&self) {
        let Some(shm) = &self.shm else { return };
        let len = shm.bytes.lock().len();
        let mut theirs = vec![0u8; PAGE as usize];
        for start in (0..len).step_by(PAGE as usize) {
            let end = (start + PAGE as usize).min(len);
            let page = theirs.get_mut(..end - start).unwrap_or_default();
            let mut ok = true;
            self.chunks(start, end, |chunk, at, s, e| {
                if let Some(dst) = page.get_mut(s - start..e - start) {
                    ok &= chunk.read(at, dst);
                }
            });
            let differs = ok && shm.bytes.lock().get(start..end) != Some(&*page);
            if differs {
                let _ = shm.write_at(start as u64, page);
            }
        }
    }
}

/// Replays through the virtio-gpu device.
pub(super) struct VirtioTarget {
    harness: Harness,
    gpu: Arc<Gpu>,
    resources: HashMap<u32, Res>,
}

impl VirtioTarget {
    /// A fresh device and driver on `gpu`.
    pub(super) fn start(gpu: &Arc<Gpu>) -> Result<Self, HarnessError> {
        Ok(Self {
            harness: Harness::start(Arc::clone(gpu), DeviceConfig::default())?,
            gpu: Arc::clone(gpu),
            resources: HashMap::new(),
        })
    }

    fn push_all(&self) {
        for r in self.resources.values() {
            r.push();
        }
    }

    /// Guest bytes a transfer covers, from its offset.
    fn span(&self, info: &ResourceInfo, t: &TransferBox) -> Option<u64> {
        if info.is_buffer() {
            return u64::try_from(t.region.w).ok();
        }
        let desc = self.gpu.format_desc(info.format)?;
        layout::texture_region(info, desc, t.level, &t.region, t.stride, t.layer_stride)
            .ok()
            .map(|r| r.guest_span())
    }

    fn transfer(&mut self, handle: u32, t: &TransferBox, to_host: bool) -> Result<(), String> {
        let b = &t.region;
        let cmd = TransferHost3d {
            box_: Box3d {
                x: Le32::new(b.x as u32),
                y: Le32::new(b.y as u32),
                z: Le32::new(b.z as u32),
                w: Le32::new(b.w as u32),
                h: Le32::new(b.h as u32),
                d: Le32::new(b.d as u32),
            },
            offset: Le64::new(t.offset),
            resource_id: Le32::new(handle),
            level: Le32::new(t.level),
            stride: Le32::new(t.stride),
            layer_stride: Le32::new(t.layer_stride),
            ..TransferHost3d::default()
        };
        if let Some(r) = self.resources.get(&handle) {
            r.push();
        }
        self.harness
            .driver
            .transfer_3d(CTX, &cmd, to_host)
            .map_err(|e| e.to_string())
    }
}

impl Target for VirtioTarget {
    fn create_context(&mut self, name: &str) -> Result<(), String> {
        self.harness
            .driver
            .ctx_create(CTX, CapsetId::VIRGL2.0, name.as_bytes())
            .map_err(|e| e.to_string())
    }

    fn create_resource(
        &mut self,
        handle: u32,
        info: &ResourceInfo,
        shm: Option<Arc<ReplayShm>>,
    ) -> Result<(), String> {
        let d = &mut self.harness.driver;
        let c = ResourceCreate3d {
            resource_id: Le32::new(handle),
            target: Le32::new(info.target.0),
            format: Le32::new(info.format.0),
            bind: Le32::new(info.bind),
            width: Le32::new(info.width),
            height: Le32::new(info.height),
            depth: Le32::new(info.depth),
            array_size: Le32::new(info.array_size),
            last_level: Le32::new(info.last_level),
            nr_samples: Le32::new(info.nr_samples),
            ..ResourceCreate3d::default()
        };
        d.resource_create_3d(&c).map_err(|e| e.to_string())?;
        let mut pages = Vec::new();
        if let Some(shm) = &shm {
            let len = shm.len() as usize;
            for start in (0..len).step_by(CHUNK) {
                let n = CHUNK.min(len - start);
                pages.push(DmaBuffer::new(n).map_err(|e| e.to_string())?);
            }
            let entries: Vec<_> = pages.iter().map(DmaBuffer::entry).collect();
            d.attach_backing(handle, &entries)
                .map_err(|e| e.to_string())?;
        }
        d.ctx_resource(CTX, handle, true)
            .map_err(|e| e.to_string())?;
        self.resources.insert(
            handle,
            Res {
                info: *info,
                shm,
                pages,
            },
        );
        Ok(())
    }

    fn unref(&mut self, handle: u32) {
        if self.resources.remove(&handle).is_some() {
            let _ = self.harness.driver.resource_unref(handle);
        }
    }

    fn transfer_in(&mut self, handle: u32, t: &TransferBox) -> Result<(), String> {
        self.transfer(handle, t, true)
    }

    fn transfer_out(&mut self, handle: u32, t: &TransferBox) -> Result<(), String> {
        self.transfer(handle, t, false)?;
        let Some(r) = self.resources.get(&handle) else {
            return Ok(());
        };
        let len = r.shm.as_ref().map_or(0, |s| s.len());
        let span = self.span(&r.info, t).unwrap_or(0);
        let end = t.offset.saturating_add(span).min(len);
        r.pull(t.offset.min(end) as usize, end as usize);
        Ok(())
    }

    fn submit(&mut self, bytes: &[u8]) -> Result<u64, String> {
        self.push_all();
        let before = self.harness.stats().commands.load(Ordering::Relaxed);
        self.harness
            .driver
            .submit_3d(CTX, bytes)
            .map_err(|e| e.to_string())?;
        for r in self.resources.values() {
            r.pull_changed();
        }
        Ok(self
            .harness
            .stats()
            .commands
            .load(Ordering::Relaxed)
            .saturating_sub(before))
    }

    fn wait_idle(&mut self) {
        // Every request was fenced and waited for.
    }

    fn command_errors(&self) -> (u64, Vec<String>) {
        let n = self.harness.stats().command_errors.load(Ordering::Relaxed);
        (n, Vec::new())
    }

    fn finish(&mut self) {
        for handle in self.resources.keys() {
            let _ = self.harness.driver.resource_unref(*handle);
        }
        self.resources.clear();
        let _ = self.harness.driver.ctx_destroy(CTX);
    }
}
