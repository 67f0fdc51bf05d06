//! In-process replay of a vtest capture against the renderer, comparing every
//! shared-memory page the reference server wrote back with ours
//! (captures/FORMAT.md, "Shared memory: how to replay").
//!
//! The client → server stream is decoded into vtest requests and mapped onto
//! the renderer API ([`RendererBackend`]): RESOURCE_CREATE2 (with a
//! host-memory shm of `data_size` bytes as backing), TRANSFER_PUT2/GET2,
//! SUBMIT_CMD, RESOURCE_UNREF, RESOURCE_BUSY_WAIT. SHM_PRE_C2S records are written into our
//! shm before the client bytes that follow them. For every shm we also keep the
//! *reference* contents (all SHM records applied). At each server → client
//! chunk, every page our TRANSFER_GET2s wrote since the last check is compared
//! with the reference page; SHM_PRE_S2C pages that our server did not write are
//! client data and are written into our shm.
//!
//! The same loop drives either [`RendererBackend`] ([`Via`]): a
//! [`Renderer`] called directly, or a [`DriverBackend`] that sends every call
//! through the virtio guest driver to the device model of an in-process
//! harness (RESOURCE_CREATE_3D, backing pages, SUBMIT_3D,
//! TRANSFER_TO/FROM_HOST_3D), where the shm copies are synchronised with the
//! guest pages around every request.
//!
//! Tolerance: the reference is llvmpipe through GL, we run lavapipe through
//! Vulkan. Both rasterize with the same llvmpipe code, but shaders reach it
//! through different compilers (GLSL vs naga/SPIR-V), so float rounding may
//! differ in the last bit of a channel (differences of 1 are seen on the
//! glmark2 lighting scenes); and Vulkan's top-left fill rule can break ties
//! differently from GL's on pixels whose centre lies exactly on a primitive
//! edge (a few pixels per frame on glmark2's pulsar, where quads meet). A
//! read-back passes when every byte is within [`Tolerance::max_channel_diff`]
//! of the reference, except at most [`Tolerance::max_outlier_fraction`] of its
//! bytes, which may differ by any amount.

use crate::png_file::{write_png, PngError};
use guest_protocol::capture::{Capture, EventKind};
use guest_protocol::virgl::Box3;
use guest_protocol::vtest::{decode_request, Limits, Progress, Request, BUSY_WAIT_FLAG_WAIT};
use host_renderer::check_range;
use host_renderer::error::BackingError;
use host_renderer::picture::opaque_rgba;
use host_renderer::virtio::{DeviceConfig, DriverBackend};
use host_renderer::{
    Backing, CtxId, Gpu, Renderer, RendererBackend, ResId, ResourceInfo, TransferBox,
};
use parking_lot::Mutex;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Page size of the capture's shm snapshots.
const PAGE: u64 = 4096;
/// The one context of each replayed connection.
const CTX: CtxId = CtxId(1);

/// When a transfer counts as matching.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerance {
    /// Largest allowed difference of one byte (one 8-bit channel).
    pub max_channel_diff: u8,
    /// Largest fraction of a read-back's bytes allowed to differ by more
    /// than `max_channel_diff` (edge pixels).
    pub max_outlier_fraction: f64,
}

impl Default for Tolerance {
    fn default() -> Self {
        Self {
            max_channel_diff: 2,
            max_outlier_fraction: 1e-4,
        }
    }
}

/// Byte-wise differences between our bytes and a reference (see [`Tolerance`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ByteDiff {
    /// Bytes compared.
    pub bytes: u64,
    /// Bytes that differ.
    pub differing: u64,
    /// Bytes that differ by more than the tolerance's channel difference.
    pub outliers: u64,
    /// Largest byte difference.
    pub worst: u8,
}

impl ByteDiff {
    /// Adds `other`'s counts (another part of the same read-back).
    pub fn merge(&mut self, other: ByteDiff) {
        self.bytes += other.bytes;
        self.differing += other.differing;
        self.outliers += other.outliers;
        self.worst = self.worst.max(other.worst);
    }
}

impl Tolerance {
    /// Compares `ours` with `reference` byte by byte (over the shorter length).
    pub fn diff(&self, ours: &[u8], reference: &[u8]) -> ByteDiff {
        let mut d = ByteDiff::default();
        for (x, y) in ours.iter().zip(reference) {
            let v = x.abs_diff(*y);
            d.bytes += 1;
            if v > 0 {
                d.differing += 1;
                d.worst = d.worst.max(v);
            }
            if v > self.max_channel_diff {
                d.outliers += 1;
            }
        }
        d
    }

    /// Whether `d` passes: at most `max_outlier_fraction` of its bytes are
    /// outliers.
    pub fn accepts(&self, d: &ByteDiff) -> bool {
        d.outliers as f64 <= self.max_outlier_fraction * d.bytes as f64
    }
}

/// Which way requests reach the renderer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Via {
    /// Renderer calls in this thread.
    #[default]
    Direct,
    /// The virtio-gpu device on its thread, through the guest driver and
    /// split rings in guest RAM (`host_renderer::virtio::harness`).
    Virtio,
}

/// Replay settings.
#[derive(Clone, Debug, Default)]
pub struct ReplayOptions {
    /// Pass/fail rule.
    pub tolerance: Tolerance,
    /// Write ours/reference/diff PNGs of mismatching (and the last) read-backs here.
    pub png_dir: Option<PathBuf>,
    /// The transport.
    pub via: Via,
}

/// One compared read-back.
#[derive(Clone, Debug, PartialEq)]
pub struct TransferResult {
    /// Index of the TRANSFER_GET2 in the capture (from 0).
    pub index: usize,
    /// Resource read.
    pub handle: u32,
    /// Bytes compared.
    pub bytes: u64,
    /// Bytes that differ.
    pub differing: u64,
    /// Bytes that differ by more than the tolerance's channel difference.
    pub outliers: u64,
    /// Largest byte difference.
    pub worst: u8,
    /// Within tolerance.
    pub ok: bool,
}

/// What a replay found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReplayReport {
    /// Requests executed.
    pub requests: u64,
    /// SUBMIT_CMDs executed.
    pub submits: u64,
    /// Commands inside the submits.
    pub commands: u64,
    /// Commands that failed (renderer errors).
    pub command_errors: u64,
    /// Other request failures (create, transfer, decode).
    pub request_errors: u64,
    /// First few error messages.
    pub error_samples: Vec<String>,
    /// Compared read-backs.
    pub transfers: Vec<TransferResult>,
    /// PNG files written.
    pub pngs: Vec<PathBuf>,
}

impl ReplayReport {
    /// Read-backs outside the tolerance.
    pub fn mismatches(&self) -> usize {
        self.transfers.iter().filter(|t| !t.ok).count()
    }

    /// Largest byte difference over all read-backs.
    pub fn worst(&self) -> u8 {
        self.transfers.iter().map(|t| t.worst).max().unwrap_or(0)
    }

    fn note(&mut self, msg: String) {
        if self.error_samples.len() < 16 {
            self.error_samples.push(msg);
        }
    }
}

/// Why a replay could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// The capture did not load.
    #[error("capture {path}: {source}")]
    Capture {
        /// File.
        path: PathBuf,
        /// Cause.
        source: guest_protocol::capture::CaptureError,
    },
    /// No device.
    #[error(transparent)]
    Gpu(#[from] host_renderer::error::GpuInitError),
    /// The virtio harness did not start.
    #[error("virtio harness: {0}")]
    Harness(#[from] host_renderer::virtio::harness::HarnessError),
    /// Writing a PNG failed.
    #[error("writing {0}")]
    Png(#[from] PngError),
}

/// Our copy of one shm, recording which pages the renderer wrote and for
/// which read-back.
struct ReplayShm {
    bytes: Mutex<Vec<u8>>,
    written: Mutex<BTreeMap<u64, usize>>,
    current: Mutex<usize>,
}

impl ReplayShm {
    fn new(size: usize) -> Arc<Self> {
        Arc::new(Self {
            bytes: Mutex::new(vec![0; size]),
            written: Mutex::new(BTreeMap::new()),
            current: Mutex::new(0),
        })
    }
}

impl Backing for ReplayShm {
    fn len(&self) -> u64 {
        self.bytes.lock().len() as u64
    }

    fn read_at(&self, offset: u64, dst: &mut [u8]) -> Result<(), BackingError> {
        let b = self.bytes.lock();
        let (s, e) = check_range(offset, dst.len() as u64, b.len() as u64)?;
        if let Some(src) = b.get(s..e) {
            dst.copy_from_slice(src);
        }
        Ok(())
    }

    fn write_at(&self, offset: u64, src: &[u8]) -> Result<(), BackingError> {
        let mut b = self.bytes.lock();
        let size = b.len() as u64;
        let (s, e) = check_range(offset, src.len() as u64, size)?;
        if let Some(dst) = b.get_mut(s..e) {
            dst.copy_from_slice(src);
        }
        if !src.is_empty() {
            let current = *self.current.lock();
            let mut w = self.written.lock();
            for page in offset / PAGE..=(offset + src.len() as u64 - 1) / PAGE {
                w.insert(page, current);
            }
        }
        Ok(())
    }
}

struct Shm {
    ours: Arc<ReplayShm>,
    reference: Vec<u8>,
}

/// A TRANSFER_GET2 seen so far: for PNGs.
#[derive(Clone, Copy)]
struct Get {
    handle: u32,
    info: Option<ResourceInfo>,
    region: Box3,
    offset: u64,
}

struct Replayer<'o> {
    renderer: Box<dyn RendererBackend>,
    shms: HashMap<u32, Shm>,
    gets: Vec<Get>,
    results: BTreeMap<usize, TransferResult>,
    report: ReplayReport,
    opts: &'o ReplayOptions,
    name: String,
}

/// Replays every connection of the capture at `path`.
pub fn replay_capture(
    gpu: &Arc<Gpu>,
    path: &Path,
    opts: &ReplayOptions,
) -> Result<ReplayReport, ReplayError> {
    let capture = Capture::open(path).map_err(|source| ReplayError::Capture {
        path: path.to_owned(),
        source,
    })?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .map_or("capture", |n| {
            n.trim_end_matches(".zst").trim_end_matches(".vtrec")
        })
        .to_owned();
    let mut total = ReplayReport::default();
    for (n, conn) in capture.connections().into_iter().enumerate() {
        let renderer: Box<dyn RendererBackend> = match opts.via {
            Via::Direct => Box::new(Renderer::new(Arc::clone(gpu))),
            Via::Virtio => Box::new(DriverBackend::start(gpu, DeviceConfig::default())?),
        };
        let mut r = Replayer {
            renderer,
            shms: HashMap::new(),
            gets: Vec::new(),
            results: BTreeMap::new(),
            report: ReplayReport::default(),
            opts,
            name: if n == 0 {
                name.clone()
            } else {
                format!("{name}-conn{n}")
            },
        };
        let mut pos = 0usize;
        let limits = Limits::default();
        for event in &conn.events {
            match event.kind {
                EventKind::ShmPreC2s { write, .. } => {
                    r.shm_write(write.handle, write.offset, write.data, true)
                }
                EventKind::ShmPreS2c { write, .. } => {
                    r.shm_write(write.handle, write.offset, write.data, false)
                }
                EventKind::C2s { end, .. } => {
                    while let Some(rest) = conn.c2s.get(pos..end).filter(|r| !r.is_empty()) {
                        match decode_request(rest, pos as u64, &limits) {
                            Ok(Progress::Done(frame)) => {
                                pos += frame.size;
                                r.request(&frame.request);
                            }
                            Ok(Progress::NeedMore { .. }) => break,
                            Err(e) => {
                                r.report.request_errors += 1;
                                r.report.note(format!("vtest decode: {e}"));
                                pos = end;
                                break;
                            }
                        }
                    }
                }
                EventKind::S2c { .. } => r.compare()?,
                _ => {}
            }
        }
        r.compare()?;
        r.finish();
        merge(&mut total, r.report);
    }
    Ok(total)
}

fn merge(total: &mut ReplayReport, r: ReplayReport) {
    total.requests += r.requests;
    total.submits += r.submits;
    total.commands += r.commands;
    total.command_errors += r.command_errors;
    total.request_errors += r.request_errors;
    for e in r.error_samples {
        total.note(e);
    }
    total.transfers.extend(r.transfers);
    total.pngs.extend(r.pngs);
}

impl Replayer<'_> {
    fn shm_write(&mut self, handle: u32, offset: u64, data: &[u8], client: bool) {
        let Some(shm) = self.shms.get_mut(&handle) else {
            return;
        };
        let Ok((s, e)) = check_range(offset, data.len() as u64, shm.reference.len() as u64) else {
            return;
        };
        if let Some(dst) = shm.reference.get_mut(s..e) {
            dst.copy_from_slice(data);
        }
        let written = shm.ours.written.lock();
        let mut ours = shm.ours.bytes.lock();
        // Client data (and, before the client's requests, everything) goes
        // into our shm; pages our server wrote wait for the comparison.
        for (i, chunk) in data.chunks(PAGE as usize).enumerate() {
            let at = offset + i as u64 * PAGE;
            if !client && written.contains_key(&(at / PAGE)) {
                continue;
            }
            let start = at as usize;
            if let Some(dst) = ours.get_mut(start..start + chunk.len()) {
                dst.copy_from_slice(chunk);
            }
        }
    }

    fn request(&mut self, req: &Request<'_>) {
        self.report.requests += 1;
        let result: Result<(), String> = match *req {
            Request::CreateRenderer(c) => {
                let name = c.name_str().unwrap_or("client");
                self.renderer
                    .create_context(CTX, name)
                    .map_err(|e| e.to_string())
            }
            Request::ResourceCreate2(rc) => {
                let info = ResourceInfo::from(&rc.fields());
                self.create(rc.handle.get(), &info, rc.data_size.get())
            }
            Request::ResourceCreate(rc) => {
                self.create(rc.handle.get(), &ResourceInfo::from(&rc), 0)
            }
            Request::ResourceUnref(u) => {
                self.shms.remove(&u.handle.get());
                self.renderer
                    .unref_resource(ResId(u.handle.get()))
                    .map_err(|e| e.to_string())
            }
            Request::TransferPut2(t) => self
                .renderer
                .transfer_in(ResId(t.handle.get()), &TransferBox::from(&t), None)
                .map_err(|e| e.to_string()),
            Request::TransferGet2(t) => {
                let tb = TransferBox::from(&t);
                let id = ResId(t.handle.get());
                let index = self.gets.len();
                self.gets.push(Get {
                    handle: id.0,
                    info: self.renderer.resource_info(id).ok(),
                    region: tb.region,
                    offset: tb.offset,
                });
                if let Some(shm) = self.shms.get(&id.0) {
                    *shm.ours.current.lock() = index;
                }
                self.renderer
                    .transfer_out(id, &tb, None)
                    .map_err(|e| e.to_string())
            }
            Request::SubmitCmd(cmds) => {
                self.report.submits += 1;
                let submitted = self.renderer.submit(CTX, cmds.as_bytes());
                self.report.commands += submitted.commands;
                self.report.command_errors += submitted.errors;
                for failure in &submitted.failures {
                    self.report.note(failure.to_string());
                }
                submitted.outcome.map_err(|e| e.to_string())
            }
            Request::ResourceBusyWait(w) => {
                if w.flags.get() & BUSY_WAIT_FLAG_WAIT != 0 {
                    self.renderer.wait(None);
                }
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            self.report.request_errors += 1;
            self.report.note(format!("{:?}: {e}", req.cmd()));
        }
    }

    fn create(&mut self, handle: u32, info: &ResourceInfo, data_size: u32) -> Result<(), String> {
        let backing = (data_size > 0).then(|| ReplayShm::new(data_size as usize));
        if let Some(b) = &backing {
            self.shms.insert(
                handle,
                Shm {
                    ours: Arc::clone(b),
                    reference: vec![0; data_size as usize],
                },
            );
        }
        let id = ResId(handle);
        self.renderer
            .create_resource(id, info, backing.map(|b| b as Arc<dyn Backing>))
            .map_err(|e| e.to_string())?;
        self.renderer
            .attach_resource(CTX, id)
            .map_err(|e| e.to_string())
    }

    /// Compares every page our server wrote since the last call.
    fn compare(&mut self) -> Result<(), ReplayError> {
        let tol = self.opts.tolerance;
        for (&handle, shm) in &self.shms {
            let pages = std::mem::take(&mut *shm.ours.written.lock());
            if pages.is_empty() {
                continue;
            }
            let ours = shm.ours.bytes.lock();
            for (page, index) in pages {
                let start = (page * PAGE) as usize;
                let end = (start + PAGE as usize).min(ours.len());
                let (Some(a), Some(b)) = (ours.get(start..end), shm.reference.get(start..end))
                else {
                    continue;
                };
                let entry = self.results.entry(index).or_insert(TransferResult {
                    index,
                    handle,
                    bytes: 0,
                    differing: 0,
                    outliers: 0,
                    worst: 0,
                    ok: true,
                });
                let mut total = ByteDiff {
                    bytes: entry.bytes,
                    differing: entry.differing,
                    outliers: entry.outliers,
                    worst: entry.worst,
                };
                total.merge(tol.diff(a, b));
                entry.bytes = total.bytes;
                entry.differing = total.differing;
                entry.outliers = total.outliers;
                entry.worst = total.worst;
                entry.ok = tol.accepts(&total);
            }
            drop(ours);
        }
        // PNGs, then adopt the reference bytes.
        let done: Vec<usize> = self.results.keys().copied().collect();
        for index in done {
            let Some(res) = self.results.remove(&index) else {
                continue;
            };
            if let (Some(dir), Some(get)) = (&self.opts.png_dir, self.gets.get(index).copied()) {
                let last = index + 1 == self.gets.len();
                if !res.ok || last {
                    if let Some(files) = self.write_pngs(dir, index, &get)? {
                        self.report.pngs.extend(files);
                    }
                }
            }
            self.report.transfers.push(res);
        }
        for shm in self.shms.values() {
            let mut ours = shm.ours.bytes.lock();
            if ours.len() == shm.reference.len() {
                ours.copy_from_slice(&shm.reference);
            }
        }
        Ok(())
    }

    /// End of the connection: its context goes, and the renderer with it.
    fn finish(&mut self) {
        self.report.transfers.sort_by_key(|t| t.index);
        if let Err(e) = self.renderer.destroy_context(CTX) {
            tracing::warn!("replay {}: destroying the context: {e}", self.name);
        }
    }

    /// Writes ours/reference/diff PNGs of a 4-byte-per-pixel read-back.
    fn write_pngs(
        &self,
        dir: &Path,
        index: usize,
        get: &Get,
    ) -> Result<Option<Vec<PathBuf>>, ReplayError> {
        let (Some(info), Some(shm)) = (get.info, self.shms.get(&get.handle)) else {
            return Ok(None);
        };
        let (w, h) = (get.region.w.max(0) as u32, get.region.h.max(0) as u32);
        let stride = u64::from(info.level_extent(0).0) * 4;
        let ours = shm.ours.bytes.lock();
        let pixels = |src: &[u8]| {
            opaque_rgba(info.format, w, h, |y, row| {
                let at = (get.offset + u64::from(y) * stride) as usize;
                src.get(at..at + row.len())
                    .map(|bytes| row.copy_from_slice(bytes))
                    .is_some()
            })
        };
        let (Ok(a), Ok(b)) = (pixels(&ours), pixels(&shm.reference)) else {
            return Ok(None);
        };
        let diff: Vec<u8> = a
            .chunks_exact(4)
            .zip(b.chunks_exact(4))
            .flat_map(|(p, q)| {
                let d = p
                    .iter()
                    .zip(q)
                    .map(|(x, y)| x.abs_diff(*y))
                    .max()
                    .unwrap_or(0);
                let v = if d == 0 {
                    0
                } else {
                    64u8.saturating_add(d.saturating_mul(4))
                };
                [v, if d == 0 { 0 } else { v / 4 }, 0, 255]
            })
            .collect();
        let mut files = Vec::new();
        for (suffix, data) in [("ours", &a), ("reference", &b), ("diff", &diff)] {
            let path = dir.join(format!("{}-{index:04}-{suffix}.png", self.name));
            write_png(&path, w, h, data)?;
            files.push(path);
        }
        Ok(Some(files))
    }
}
