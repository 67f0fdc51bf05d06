//! Work recorded but not yet submitted: finished command buffers, the current
//! command encoder, the render pass open on it, and the resources its commands
//! use.
//!
//! `Queue::write_buffer`/`write_texture` take effect before the command buffers
//! of the next submit, so a write to a resource that pending commands already
//! use must first submit those commands ([`Work::before_write`]).

use super::blend_stand_in::Conversion;
use crate::core::base::error::{WgpuError, WgpuOp};
use crate::core::base::ids::ResId;
use crate::core::gpu::device::Gpu;
use crate::core::record::pass_state::PassState;
use crate::core::record::readback::ReadbackPool;
use crate::core::record::uniforms::UniformArena;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// Identity of the attachments of an open render pass.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PassKey {
    /// Colour attachments per slot.
    pub colors: Vec<Option<Attachment>>,
    /// Depth/stencil attachment.
    pub depth: Option<Attachment>,
    /// Colour slots drawn through blend stand-ins (`record::blend_stand_in`).
    pub blend_stand_ins: u8,
}

/// An attachment's identity: resource, level, layer, the view's format
/// (surfaces of one texture in an sRGB format and its linear twin are
/// different attachments), size and samples (the scratch attachments of
/// framebuffers without attachments have no resource and differ in these).
pub type Attachment = (ResId, u32, u32, wgpu::TextureFormat, (u32, u32), u32);

/// A copy recorded when the open pass ends: the texels of the area GL
/// draws to, from a stand-in attachment back into the surface it stands in
/// for (`record::mixed_sizes`).
pub struct CopyBack {
    /// The stand-in texture.
    pub from: wgpu::Texture,
    /// The surface's texture.
    pub to: wgpu::Texture,
    /// The surface's level.
    pub level: u32,
    /// The surface's layer (3D slice).
    pub layer: u32,
    /// The area, from the origin.
    pub size: (u32, u32),
    /// The blits that copy in and back, for a stand-in of another format
    /// (`record::blend_stand_in`); without, texture copies.
    pub convert: Option<Conversion>,
}

/// An open render pass and what it renders to.
pub struct OpenPass {
    /// Its attachments.
    pub key: PassKey,
    /// The pass.
    pub pass: wgpu::RenderPass<'static>,
    /// What its draws have bound so far.
    pub state: PassState,
}

/// Pending GPU work of the renderer.
#[derive(Default)]
pub struct Work {
    finished: Vec<wgpu::CommandBuffer>,
    encoder: Option<wgpu::CommandEncoder>,
    pass: Option<OpenPass>,
    /// Copies recorded when the open pass ends.
    copy_backs: Vec<CopyBack>,
    used: HashSet<ResId>,
    /// Buffers shaders wrote whose shadows are not refreshed yet
    /// (`record::storage`).
    stale: HashSet<ResId>,
    /// Queue submissions made so far.
    pub submissions: u64,
    last: Option<wgpu::SubmissionIndex>,
    /// Uniform data of the recorded draws, uploaded at each submit.
    pub uniforms: UniformArena,
    /// Read-back buffers free for reuse.
    pub readbacks: ReadbackPool,
    /// Bytes of queue writes (`write_buffer`/`write_texture`) since the
    /// last submit.
    queued_bytes: u64,
    /// Guest commands executed since the last submit.
    deferred_commands: u64,
    /// Index in `finished` of the first buffer of the guest submits whose
    /// work the open encoder (if any) holds.
    guest_start: usize,
    /// The first error finishing one of those guest submits' buffers.
    guest_error: Option<WgpuError>,
    /// When the oldest guest command not yet submitted was executed.
    deferred_since: Option<Instant>,
    /// When multisampled textures were last written (`record::unfold`).
    pub multisampled_writes: WriteEpochs,
}

/// Resources noted as written, each with the epoch (a count of such notes)
/// of its latest write. At most [`MAX_WRITE_EPOCHS`] are kept; forgetting
/// them counts every resource as written at the epoch they were forgotten.
#[derive(Default)]
pub struct WriteEpochs {
    epoch: u64,
    forgotten: u64,
    latest: HashMap<ResId, u64>,
}

/// Resources whose latest write [`WriteEpochs`] keeps.
const MAX_WRITE_EPOCHS: usize = 4096;

impl WriteEpochs {
    /// Notes that recorded commands write `res`.
    pub fn wrote(&mut self, res: ResId) {
        self.epoch += 1;
        if self.latest.len() >= MAX_WRITE_EPOCHS && !self.latest.contains_key(&res) {
            self.latest.clear();
            self.forgotten = self.epoch;
        }
        self.latest.insert(res, self.epoch);
    }

    /// The epoch of `res`'s latest write (0: none noted).
    pub fn written(&self, res: ResId) -> u64 {
        self.latest.get(&res).copied().unwrap_or(self.forgotten)
    }

    /// The current epoch: every write noted so far is of it or an
    /// earlier one, every later write of a later one.
    pub fn now(&self) -> u64 {
        self.epoch
    }
}

/// Guest commands past which a guest submit also submits to the queue.
pub const MAX_DEFERRED_COMMANDS: u64 = 1024;
/// Age of the oldest unsubmitted guest command past which a guest submit
/// also submits to the queue.
pub const MAX_DEFERRED_AGE: Duration = Duration::from_millis(2);

/// Queue-write bytes past which [`Work::queued_write`] submits: wgpu stages
/// each write in memory of its own until the next submit, so a guest that
/// uploads without submitting would otherwise grow the staging without
/// bound (measured: fresh pages faulted in for every upload).
pub const MAX_QUEUED_WRITE_BYTES: u64 = 16 << 20;

impl Work {
    /// Ends any open pass and returns the encoder, creating it if needed.
    pub fn encoder(&mut self, gpu: &Gpu) -> &mut wgpu::CommandEncoder {
        self.close_pass();
        self.encoder.get_or_insert_with(|| {
            gpu.device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: None })
        })
    }

    /// Ends the current encoder, then runs `record` on a fresh encoder of its
    /// own and queues both in order: for raw hal commands, which wgpu does not
    /// let share an encoder with its own commands.
    pub fn record_separately<R>(
        &mut self,
        gpu: &Gpu,
        record: impl FnOnce(&mut wgpu::CommandEncoder) -> R,
    ) -> R {
        self.close_pass();
        if let Some(e) = self.encoder.take() {
            self.finish(gpu, e);
        }
        let mut encoder = gpu
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("raw") });
        let r = record(&mut encoder);
        self.finish(gpu, encoder);
        r
    }

    /// Finishes `encoder` into the buffers to submit; an error (wgpu
    /// reports a pass's errors when its encoder finishes) is kept until
    /// [`Work::settle`] drops the buffers of the guest submits it holds.
    fn finish(&mut self, gpu: &Gpu, encoder: wgpu::CommandEncoder) {
        let (buffer, e) = gpu.scoped(WgpuOp::Submit, || encoder.finish());
        match e {
            Some(e) => {
                self.guest_error.get_or_insert(e);
            }
            None => self.finished.push(buffer),
        }
    }

    /// The open pass if it renders to `key`.
    pub fn pass_for(&mut self, key: &PassKey) -> Option<&mut OpenPass> {
        self.pass.as_mut().filter(|p| &p.key == key)
    }

    /// Installs a newly begun pass (the encoder is locked while it is open)
    /// with the copies to record when it ends.
    pub fn set_pass(&mut self, pass: OpenPass, copy_backs: Vec<CopyBack>) {
        self.close_pass();
        self.pass = Some(pass);
        self.copy_backs = copy_backs;
    }

    /// Ends the open render pass, if any.
    pub fn end_pass(&mut self) {
        self.close_pass();
    }

    /// Ends the open pass and records its copies back.
    fn close_pass(&mut self) {
        self.pass = None;
        let Some(encoder) = self.encoder.as_mut() else {
            self.copy_backs.clear();
            return;
        };
        for c in self.copy_backs.drain(..) {
            if let Some(convert) = &c.convert {
                convert.copy_back.record(encoder, c.size);
                continue;
            }
            encoder.copy_texture_to_texture(
                c.from.as_image_copy(),
                wgpu::TexelCopyTextureInfo {
                    texture: &c.to,
                    mip_level: c.level,
                    origin: wgpu::Origin3d {
                        x: 0,
                        y: 0,
                        z: c.layer,
                    },
                    aspect: wgpu::TextureAspect::All,
                },
                wgpu::Extent3d {
                    width: c.size.0,
                    height: c.size.1,
                    depth_or_array_layers: 1,
                },
            );
        }
    }

    /// Notes that pending commands use `res`.
    pub fn mark(&mut self, res: ResId) {
        self.used.insert(res);
    }

    /// Notes that recorded commands write buffer `res` on the GPU: its
    /// shadow needs refreshing before the CPU reads it.
    pub fn mark_stale(&mut self, res: ResId) {
        self.stale.insert(res);
    }

    /// Whether a buffer shaders wrote awaits a shadow refresh.
    pub fn has_stale(&self) -> bool {
        !self.stale.is_empty()
    }

    /// Whether `res` awaits a shadow refresh.
    pub fn is_stale(&self, res: ResId) -> bool {
        self.stale.contains(&res)
    }

    /// The buffers awaiting a shadow refresh, forgotten here.
    pub fn take_stale(&mut self) -> Vec<ResId> {
        self.stale.drain().collect()
    }

    /// Call before a queue write to `res`: submits pending commands that use it.
    pub fn before_write(&mut self, gpu: &Gpu, res: ResId) -> Option<WgpuError> {
        if self.used.contains(&res) {
            self.flush(gpu)
        } else {
            None
        }
    }

    /// True when commands are recorded but not submitted.
    pub fn is_pending(&self) -> bool {
        self.encoder.is_some() || !self.finished.is_empty()
    }

    /// Counts a queue write of `bytes` just made; submits when the writes
    /// since the last submit pass [`MAX_QUEUED_WRITE_BYTES`], so that wgpu
    /// can recycle their staging memory.
    pub fn queued_write(&mut self, gpu: &Gpu, bytes: u64) -> Option<WgpuError> {
        self.queued_bytes = self.queued_bytes.saturating_add(bytes);
        if self.queued_bytes > MAX_QUEUED_WRITE_BYTES {
            self.flush_writes(gpu)
        } else {
            None
        }
    }

    /// Ends a guest submit of `commands` commands. Its commands stay in the
    /// open encoder, and its draws in the open render pass, so that the
    /// same context's next submit continues them (a render pass that ends
    /// costs the device a flush of its tiles: lavapipe binned and ran each
    /// guest submit's draws apart). Nothing is submitted to the queue
    /// unless [`MAX_DEFERRED_COMMANDS`] or [`MAX_DEFERRED_AGE`] is reached;
    /// whatever needs the GPU's results submits first on its own: waits,
    /// fences, read-backs, writes to a resource in use, context
    /// destruction. A submit whose commands failed (`failed`) ends the
    /// encoder, so that a later submit's work never shares it.
    ///
    /// wgpu reports a pass's errors when its encoder finishes: the error
    /// then drops the work of every guest submit since the encoder began
    /// (all of one context: [`Work::seal`] ends it when another context
    /// submits) and is returned here or by the flush that finished it.
    pub fn end_guest_submit(
        &mut self,
        gpu: &Gpu,
        commands: u64,
        failed: bool,
    ) -> Option<WgpuError> {
        let mut error = if failed {
            self.seal(gpu)
        } else {
            self.settle()
        };
        if self.encoder.is_none() {
            self.guest_start = self.finished.len();
        }
        self.deferred_commands = self.deferred_commands.saturating_add(commands);
        let since = *self.deferred_since.get_or_insert_with(Instant::now);
        if self.deferred_commands >= MAX_DEFERRED_COMMANDS || since.elapsed() >= MAX_DEFERRED_AGE {
            error = error.or(self.flush(gpu));
        }
        error
    }

    /// Ends the open pass and finishes the encoder into the buffers to
    /// submit (before another context's work is recorded); returns the
    /// error finishing it, whose guest submits' buffers are dropped.
    pub fn seal(&mut self, gpu: &Gpu) -> Option<WgpuError> {
        self.close_pass();
        if let Some(encoder) = self.encoder.take() {
            self.finish(gpu, encoder);
        }
        let error = self.settle();
        self.guest_start = self.finished.len();
        error
    }

    /// Takes the error of a finished encoder, dropping the buffers of the
    /// guest submits since that encoder began.
    fn settle(&mut self) -> Option<WgpuError> {
        let error = self.guest_error.take();
        if error.is_some() {
            self.finished.truncate(self.guest_start);
        }
        error
    }

    /// Submits everything recorded; returns the first wgpu error, if any.
    pub fn flush(&mut self, gpu: &Gpu) -> Option<WgpuError> {
        let error = self.seal(gpu);
        self.used.clear();
        self.queued_bytes = 0;
        self.deferred_commands = 0;
        self.deferred_since = None;
        self.guest_start = 0;
        if !self.is_pending() {
            return error;
        }
        let buffers = std::mem::take(&mut self.finished);
        let (index, err) = gpu.scoped(WgpuOp::Submit, || {
            self.uniforms.upload(gpu);
            gpu.submit(buffers)
        });
        self.submissions += 1;
        self.last = Some(index);
        error.or(err)
    }

    /// Submits pending work that writes queue data only (no commands): makes
    /// `write_buffer`/`write_texture` calls take effect.
    pub fn flush_writes(&mut self, gpu: &Gpu) -> Option<WgpuError> {
        if self.is_pending() {
            return self.flush(gpu);
        }
        self.queued_bytes = 0;
        let (index, err) = gpu.scoped(WgpuOp::Submit, || {
            self.uniforms.upload(gpu);
            gpu.submit([])
        });
        self.submissions += 1;
        self.last = Some(index);
        err
    }

    /// The index of the latest submission.
    pub fn last_submission(&self) -> Option<&wgpu::SubmissionIndex> {
        self.last.as_ref()
    }
}
