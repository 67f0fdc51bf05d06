//! Layer 6, execution: each decoded virgl command dispatched against the
//! submitting context: state and object commands change its sub-context,
//! transfers move data, and clears, draws, grid launches, blits, copies and
//! queries are recorded through `record`. A command that reads buffer
//! shadows first refreshes those shaders wrote (`record::storage`).
//!
//! Uses every layer below (`base` … `record`).

mod objects;
mod shadows;
mod state;
mod transfers;

use crate::core::base::error::CommandError;
use crate::core::gpu::device::Gpu;
use crate::core::record::caches::Caches;
use crate::core::record::draw::memo::DrawMemo;
use crate::core::record::recorder::Recorder;
use crate::core::record::work::Work;
use crate::core::record::{blit, clear, compute, copy, draw};
use crate::core::resources::table::{Resource, ResourceTable};
use crate::core::state::context::Context;
use crate::core::state::sub_context::{BufferRange, SubContext};
use crate::core::validate::resource::attached;
use guest_protocol::virgl::{Command, ObjectType};

/// Everything a command may touch.
pub(crate) struct Exec<'a> {
    /// The device.
    pub gpu: &'a Gpu,
    /// Pending GPU work.
    pub work: &'a mut Work,
    /// All resources.
    pub resources: &'a mut ResourceTable,
    /// Shader and pipeline caches.
    pub caches: &'a mut Caches,
    /// The submitting context.
    pub ctx: &'a mut Context,
    /// The previous draw's preparation.
    pub memo: &'a mut DrawMemo,
}

impl Exec<'_> {
    /// The current sub-context.
    pub fn sub(&mut self) -> &mut SubContext {
        let current = self.ctx.current;
        self.ctx.subs.entry(current).or_default()
    }

    /// The recording parts and the current sub-context, borrowed together.
    pub fn split(&mut self) -> (Recorder<'_>, &mut SubContext) {
        let (rec, sub, _) = self.parts();
        (rec, sub)
    }

    /// [`Exec::split`] and the draw memo.
    fn parts(&mut self) -> (Recorder<'_>, &mut SubContext, &mut DrawMemo) {
        let ctx = &mut *self.ctx;
        let sub = ctx.subs.entry(ctx.current).or_default();
        let rec = Recorder {
            gpu: self.gpu,
            work: &mut *self.work,
            resources: &mut *self.resources,
            caches: &mut *self.caches,
            attached: &ctx.resources,
        };
        (rec, sub, &mut *self.memo)
    }

    /// A resource attached to this context.
    pub fn resource(&self, handle: u32) -> Result<&Resource, CommandError> {
        attached(self.resources, &self.ctx.resources, handle)
    }

    /// Executes one command.
    pub fn run(&mut self, cmd: &Command<'_>) -> Result<(), CommandError> {
        self.refresh_shadows_for(cmd)?;
        match touches(cmd) {
            Touch::Nothing => {}
            Touch::Constants => self.sub().generation.constants_changed(),
            Touch::State => self.sub().generation.state_changed(),
        }
        let unsupported = |what| Err(CommandError::Unsupported(what));
        match *cmd {
            Command::Nop(_)
            | Command::EndTransfers(_)
            | Command::LinkShader(_)
            | Command::SetDebugFlags(_)
            | Command::SendStringMarker { .. }
            | Command::SetTweaks { .. }
            | Command::TextureBarrier(_)
            | Command::MemoryBarrier(_) => Ok(()),
            Command::CreateObject(ref obj) => self.create_object(obj),
            Command::BindObject {
                object_type,
                handle,
            } => self.bind_object(object_type, handle),
            Command::DestroyObject { handle, .. } => {
                self.sub().objects.remove(&handle);
                Ok(())
            }
            Command::SetSubCtx(id) => self.set_sub_context(id),
            Command::CreateSubCtx(id) => self.create_sub_context(id),
            Command::DestroySubCtx(id) => self.destroy_sub_context(id),
            Command::BindShader { handle, stage } => self.bind_shader(handle, stage),
            Command::SetTessState { outer, inner } => self.set_tess_state(outer, inner),
            Command::SetViewportState {
                start_slot,
                viewports,
            } => {
                if start_slot == 0 {
                    self.sub().viewport = viewports.first().copied();
                }
                Ok(())
            }
            Command::SetFramebufferState { zsurf, cbufs } => self.set_framebuffer(zsurf, cbufs),
            Command::SetFramebufferStateNoAttach {
                size,
                layers_samples: ls,
            } => self.set_framebuffer_no_attach(size, ls),
            Command::SetVertexBuffers(buffers) => {
                self.sub().vertex_buffers = buffers.to_vec();
                Ok(())
            }
            Command::SetIndexBuffer(ib) => self.set_index_buffer(&ib),
            Command::SetConstantBuffer { stage, data, .. } => {
                self.set_constant_buffer(stage, data.as_bytes())
            }
            Command::SetSamplerViews(slots) => self.set_sampler_views(&slots),
            Command::BindSamplerStates(slots) => self.bind_sampler_states(&slots),
            Command::SetStencilRef(r) => {
                self.sub().stencil_ref = (r.front(), r.back());
                Ok(())
            }
            Command::SetBlendColor(c) => {
                self.sub().blend_color = c.map(|v| v.get());
                Ok(())
            }
            Command::SetScissorState {
                start_slot,
                scissors,
            } => {
                if let Some(s) = scissors.first().filter(|_| start_slot == 0) {
                    let (x0, y0, x1, y1) = s.rect();
                    self.sub().scissor = Some((x0.into(), y0.into(), x1.into(), y1.into()));
                }
                Ok(())
            }
            Command::SetMinSamples(n) => self.set_min_samples(n),
            Command::SetSampleMask(m) => {
                self.sub().sample_mask = m;
                Ok(())
            }
            Command::SetClipState(planes) => {
                self.sub().clip_planes = planes.map(|p| p.map(|v| f32::from_bits(v.get())));
                Ok(())
            }
            Command::SetPolygonStipple(rows) => {
                self.sub().polygon_stipple = rows.map(|r| r.get());
                Ok(())
            }
            Command::SetStreamoutTargets {
                append_bitmask,
                targets,
            } => {
                let handles: Vec<u32> = targets.iter().map(|t| t.get()).collect();
                self.set_streamout_targets(append_bitmask, &handles)
            }
            Command::SetShaderBuffers { .. }
            | Command::SetAtomicBuffers { .. }
            | Command::SetShaderImages { .. } => self.set_storage(cmd),
            Command::SetUniformBuffer {
                stage,
                index,
                offset,
                length,
                res,
            } => self.set_uniform_buffer(
                stage,
                index,
                BufferRange {
                    res,
                    offset,
                    length,
                },
            ),
            Command::SetRenderCondition {
                handle, condition, ..
            } => self.render_condition(handle, condition & 1 != 0),
            Command::BeginQuery { handle } => self.query(handle, true),
            Command::EndQuery { handle } => self.query(handle, false),
            Command::GetQueryResult { handle, .. } => self.query_result(handle),
            Command::GetQueryResultQbo(ref c) => self.query_result_qbo(c),
            _ if self.skipped_by_render_condition(cmd) => Ok(()),
            Command::Clear(ref c) => {
                let (mut rec, sub) = self.split();
                clear::clear(&mut rec, &sub.fb, c)
            }
            Command::DrawVbo(ref d) => {
                let (mut rec, sub, memo) = self.parts();
                draw::draw(&mut rec, sub, d, memo)
            }
            Command::Blit(ref b) => blit::blit(&mut self.split().0, b),
            Command::ResourceCopyRegion(ref c) => copy::copy_region(&mut self.split().0, c),
            Command::Transfer3d(ref t) => self.transfer3d(t),
            Command::CopyTransfer3d(ref t) => self.copy_transfer3d(t),
            Command::ResourceInlineWrite(ref w) => self.inline_write(w),
            Command::ClearTexture {
                res,
                level,
                ref region,
                ref texel,
            } => self.clear_texture(res, level, region, texel),
            Command::LaunchGrid(ref g) => {
                let (mut rec, sub) = self.split();
                compute::launch(&mut rec, sub, g)
            }
            Command::PipeResourceCreate(_) | Command::PipeResourceSetType { .. } => {
                unsupported("blob resources")
            }
            Command::GetMemoryInfo { .. } => unsupported("GET_MEMORY_INFO"),
            Command::Video { .. } => unsupported("video"),
        }
    }
}

impl Exec<'_> {
    /// SET_MIN_SAMPLES (`glMinSampleShading`): the samples each fragment
    /// shades at least, clamped to the 32 a sample mask holds.
    fn set_min_samples(&mut self, n: u32) -> Result<(), CommandError> {
        self.sub().min_samples = n.min(32);
        Ok(())
    }

    /// Whether `cmd` is a clear, draw or (conditional) blit that the
    /// current render condition skips.
    fn skipped_by_render_condition(&mut self, cmd: &Command<'_>) -> bool {
        let conditional = match cmd {
            Command::Clear(_) | Command::DrawVbo(_) => true,
            Command::Blit(b) => b.flags.render_condition_enable(),
            _ => false,
        };
        conditional && self.sub().render_condition_fails
    }
}

/// What a command may change of the bound state draws read.
enum Touch {
    /// Nothing a draw's version covers: data commands, draws, and binding
    /// the blend, rasterizer and depth/stencil/alpha states (compared by
    /// value where it matters).
    Nothing,
    /// Constant buffer 0 only.
    Constants,
    /// Anything else (objects, bindings, the framebuffer, queries, ...).
    State,
}

/// What `cmd` may change of its sub-context's bound state; everything not
/// listed as a pure data command counts as a state change.
fn touches(cmd: &Command<'_>) -> Touch {
    match cmd {
        Command::Nop(_)
        | Command::EndTransfers(_)
        | Command::LinkShader(_)
        | Command::SetDebugFlags(_)
        | Command::SendStringMarker { .. }
        | Command::TextureBarrier(_)
        | Command::MemoryBarrier(_)
        | Command::Clear(_)
        | Command::DrawVbo(_)
        | Command::Blit(_)
        | Command::ResourceCopyRegion(_)
        | Command::Transfer3d(_)
        | Command::CopyTransfer3d(_)
        | Command::ResourceInlineWrite(_) => Touch::Nothing,
        // Bound by value: the draw memo compares them itself.
        Command::BindObject { object_type, .. }
            if matches!(
                *object_type,
                ObjectType::BLEND | ObjectType::RASTERIZER | ObjectType::DSA
            ) =>
        {
            Touch::Nothing
        }
        Command::SetConstantBuffer { .. } => Touch::Constants,
        _ => Touch::State,
    }
}

/// `Ok` when `supported`, else an `Unsupported(what)` error: for commands
/// accepted only when they bind nothing.
pub(super) fn refuse_unless(supported: bool, what: &'static str) -> Result<(), CommandError> {
    if supported {
        Ok(())
    } else {
        Err(CommandError::Unsupported(what))
    }
}
