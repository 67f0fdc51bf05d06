//! State commands: the framebuffer, index and constant buffers, sampler
//! slots, bound shaders, and the sub-context in use.

use super::{refuse_unless, Exec};
use crate::core::base::error::{CommandError, ComputeError};
use crate::core::state::context::MAX_SUB_CONTEXTS;
use crate::core::state::objects::Object;
use crate::core::state::sub_context::{
    BufferRange, ImageBinding, IndexBinding, StageState, SubContext,
};
use crate::core::validate::bindings::{stage_index, write_slots};
use guest_protocol::le::Le32;
use guest_protocol::virgl::bits::U16Pair;
use guest_protocol::virgl::enums::ShaderStage;
use guest_protocol::virgl::{BufferBinding, Command, Format, IndexBuffer, StageSlots};
use guest_protocol::wire::F32Bits;
use shader_translate::limits::MAX_CONSTANT_BUFFERS;
use std::sync::Arc;

impl Exec<'_> {
    /// SET_FRAMEBUFFER_STATE.
    pub(super) fn set_framebuffer(
        &mut self,
        zsurf: u32,
        cbufs: &[Le32],
    ) -> Result<(), CommandError> {
        let surf = |sub: &SubContext, h: u32| {
            if h == 0 {
                return Ok(None);
            }
            let s = sub.get(h, "surface", |o| match o {
                Object::Surface(s) => Some(Arc::clone(s)),
                _ => None,
            })?;
            if !s.renderable {
                return Err(CommandError::WrongResource {
                    res: s.res.0,
                    what: "render target",
                });
            }
            Ok(Some(s))
        };
        let sub = self.sub();
        let z = surf(sub, zsurf)?;
        let c = cbufs
            .iter()
            .map(|h| surf(sub, h.get()))
            .collect::<Result<Vec<_>, _>>()?;
        sub.fb.zsurf = z;
        sub.fb.cbufs = c;
        Ok(())
    }

    /// SET_FRAMEBUFFER_STATE_NO_ATTACH: GL's default width, height and
    /// samples, the framebuffer's when it has no attachment; it then draws
    /// to the scratch surface of that size (none when it is empty).
    pub(super) fn set_framebuffer_no_attach(
        &mut self,
        size: U16Pair,
        layers_samples: U16Pair,
    ) -> Result<(), CommandError> {
        let size = (u32::from(size.lo()), u32::from(size.hi()));
        let samples = u32::from(layers_samples.hi());
        let fb = &mut self.sub().fb;
        fb.no_attach = size;
        if fb.zsurf.is_some() || fb.cbufs.iter().flatten().any(|s| !s.scratch) {
            return Ok(());
        }
        fb.cbufs.clear();
        let scratch = self.caches.no_attach.surface(self.gpu, size, samples)?;
        self.sub().fb.cbufs = scratch.into_iter().map(Some).collect();
        Ok(())
    }

    /// SET_INDEX_BUFFER.
    pub(super) fn set_index_buffer(&mut self, ib: &IndexBuffer) -> Result<(), CommandError> {
        self.sub().index_buffer = match ib.layout {
            Some((index_size, offset)) if ib.res != 0 => {
                if !matches!(index_size, 1 | 2 | 4) {
                    return Err(CommandError::OutOfRange {
                        what: "index size",
                        value: u64::from(index_size),
                    });
                }
                Some(IndexBinding {
                    res: ib.res,
                    index_size,
                    offset,
                })
            }
            _ => None,
        };
        Ok(())
    }

    /// SET_CONSTANT_BUFFER: `bytes` become constant buffer 0 of `stage`.
    pub(super) fn set_constant_buffer(
        &mut self,
        stage: ShaderStage,
        bytes: &[u8],
    ) -> Result<(), CommandError> {
        let i = stage_index(stage)?;
        if let Some(s) = self.sub().stages.get_mut(i) {
            s.constants.clear();
            s.constants.extend_from_slice(bytes);
            if let Some(slot) = s.uniform_buffers.get_mut(0) {
                *slot = None;
            }
        }
        Ok(())
    }

    /// SET_UNIFORM_BUFFER: constant buffer `index` of `stage` reads bytes
    /// `offset..offset + length` of buffer `res` (0: unbinds it). The
    /// resource is looked up when a draw reads it.
    pub(super) fn set_uniform_buffer(
        &mut self,
        stage: ShaderStage,
        index: u32,
        binding: BufferRange,
    ) -> Result<(), CommandError> {
        let i = stage_index(stage)?;
        if index >= MAX_CONSTANT_BUFFERS {
            return Err(CommandError::OutOfRange {
                what: "uniform buffer index",
                value: u64::from(index),
            });
        }
        let Some(s) = self.sub().stages.get_mut(i) else {
            return refuse_unless(binding.res == 0, "uniform buffers of this stage");
        };
        let index = index as usize;
        if s.uniform_buffers.len() <= index {
            s.uniform_buffers.resize(index + 1, None);
        }
        if let Some(slot) = s.uniform_buffers.get_mut(index) {
            *slot = (binding.res != 0).then_some(binding);
        }
        Ok(())
    }

    /// SET_SHADER_BUFFERS, SET_SHADER_IMAGES and SET_ATOMIC_BUFFERS (the
    /// caps offer no hardware atomic counters: Mesa keeps GLSL's atomic
    /// counters in storage buffers, so atomic buffers bind nothing).
    pub(super) fn set_storage(&mut self, cmd: &Command<'_>) -> Result<(), CommandError> {
        match *cmd {
            Command::SetShaderBuffers {
                stage,
                start_slot,
                buffers,
            } => self.set_shader_buffers(stage, start_slot, buffers),
            Command::SetShaderImages {
                stage,
                start_slot,
                images,
            } => self.set_shader_images(stage, start_slot, images),
            Command::SetAtomicBuffers { buffers, .. } => refuse_unless(
                buffers.iter().all(|b| b.res.get() == 0),
                "hardware atomic counter buffers",
            ),
            _ => Ok(()),
        }
    }

    /// SET_SHADER_BUFFERS: byte ranges of buffer resources by slot (a
    /// zero resource unbinds). The offset must be a multiple of the
    /// storage buffer alignment the caps advertise.
    fn set_shader_buffers(
        &mut self,
        stage: ShaderStage,
        start_slot: u32,
        buffers: &[BufferBinding],
    ) -> Result<(), CommandError> {
        let i = stage_index(stage)?;
        let align = self.gpu.limits.min_storage_buffer_offset_alignment;
        let mut ranges = Vec::with_capacity(buffers.len());
        for b in buffers {
            let res = b.res.get();
            if res == 0 {
                ranges.push(None);
                continue;
            }
            self.resource(res)?
                .buffer()
                .ok_or(CommandError::WrongResource {
                    res,
                    what: "shader storage buffer",
                })?;
            let offset = b.offset.get();
            if offset % align.max(1) != 0 {
                return Err(CommandError::Compute(ComputeError::BufferAlignment {
                    offset,
                    align,
                }));
            }
            ranges.push(Some(BufferRange {
                res,
                offset,
                length: b.length.get(),
            }));
        }
        match self.sub().stages.get_mut(i) {
            Some(s) => write_slots(&mut s.shader_buffers, start_slot as usize, ranges),
            None => refuse_unless(ranges.iter().all(Option::is_none), "storage buffers"),
        }
    }

    /// SET_SHADER_IMAGES: a level and layers of texture resources by slot
    /// (a zero resource unbinds); buffer images are refused.
    fn set_shader_images(
        &mut self,
        stage: ShaderStage,
        start_slot: u32,
        images: &[guest_protocol::virgl::ImageBinding],
    ) -> Result<(), CommandError> {
        let i = stage_index(stage)?;
        let mut bound = Vec::with_capacity(images.len());
        for img in images {
            let res = img.res.get();
            if res == 0 {
                bound.push(None);
                continue;
            }
            if self.resource(res)?.texture().is_none() {
                return Err(CommandError::Unsupported("buffer images"));
            }
            // Gallium's pipe_image_view.u.tex: first and last layer in
            // 16 bits each, then the level in the low byte.
            let layers = img.layer_offset.get();
            bound.push(Some(ImageBinding {
                res,
                format: Format(img.format.get()),
                level: img.level_size.get() & 0xff,
                layers: (layers & 0xffff, layers >> 16),
            }));
        }
        match self.sub().stages.get_mut(i) {
            Some(s) => write_slots(&mut s.images, start_slot as usize, bound),
            None => refuse_unless(bound.iter().all(Option::is_none), "shader images"),
        }
    }

    /// SET_SAMPLER_VIEWS.
    pub(super) fn set_sampler_views(&mut self, slots: &StageSlots<'_>) -> Result<(), CommandError> {
        let pick = |o: &Object| match o {
            Object::SamplerView(v) => Some(Arc::clone(v)),
            _ => None,
        };
        bind_slots(self.sub(), slots, "sampler view", pick, |s| &mut s.views)
    }

    /// BIND_SAMPLER_STATES.
    pub(super) fn bind_sampler_states(
        &mut self,
        slots: &StageSlots<'_>,
    ) -> Result<(), CommandError> {
        let pick = |o: &Object| match o {
            Object::SamplerState(v) => Some(Arc::clone(v)),
            _ => None,
        };
        bind_slots(self.sub(), slots, "sampler state", pick, |s| {
            &mut s.samplers
        })
    }

    /// BIND_SHADER.
    pub(super) fn bind_shader(
        &mut self,
        handle: u32,
        stage: ShaderStage,
    ) -> Result<(), CommandError> {
        let i = stage_index(stage)?;
        let sub = self.sub();
        let shader = if handle == 0 {
            None
        } else {
            // A shader of another stage is no shader for this one (the
            // reference checks the same).
            Some(sub.get(handle, "shader", |o| match o {
                Object::Shader(s) if s.stage == stage => Some(Arc::clone(s)),
                _ => None,
            })?)
        };
        if let Some(s) = sub.stages.get_mut(i) {
            s.shader = shader;
        }
        Ok(())
    }

    /// SET_TESS_STATE: the levels of draws without a control shader.
    pub(super) fn set_tess_state(
        &mut self,
        outer: [F32Bits; 4],
        inner: [F32Bits; 2],
    ) -> Result<(), CommandError> {
        self.sub().tess_levels = (outer.map(F32Bits::get), inner.map(F32Bits::get));
        Ok(())
    }

    /// SET_SUB_CTX (the reference ignores unknown ids).
    pub(super) fn set_sub_context(&mut self, id: u32) -> Result<(), CommandError> {
        if self.ctx.subs.contains_key(&id) {
            self.ctx.current = id;
        }
        Ok(())
    }

    /// CREATE_SUB_CTX.
    pub(super) fn create_sub_context(&mut self, id: u32) -> Result<(), CommandError> {
        if !self.ctx.subs.contains_key(&id) {
            if self.ctx.subs.len() >= MAX_SUB_CONTEXTS {
                return Err(CommandError::OutOfRange {
                    what: "sub-context count",
                    value: self.ctx.subs.len() as u64,
                });
            }
            self.ctx.subs.insert(id, SubContext::default());
        }
        Ok(())
    }

    /// DESTROY_SUB_CTX (sub-context 0 stays).
    pub(super) fn destroy_sub_context(&mut self, id: u32) -> Result<(), CommandError> {
        if id != 0 {
            self.ctx.subs.remove(&id);
            if self.ctx.current == id {
                self.ctx.current = 0;
            }
        }
        Ok(())
    }
}

/// Looks up the objects `slots` names (`what`, taken by `pick`; handle 0
/// unbinds) and writes them into the slot table `table` of their stage.
fn bind_slots<T>(
    sub: &mut SubContext,
    slots: &StageSlots<'_>,
    what: &'static str,
    pick: impl Fn(&Object) -> Option<T>,
    table: impl FnOnce(&mut StageState) -> &mut Vec<Option<T>>,
) -> Result<(), CommandError> {
    let i = stage_index(slots.stage)?;
    let start = slots.start_slot as usize;
    let mut found = Vec::with_capacity(slots.handles.len());
    for h in slots.handles {
        let h = h.get();
        found.push(if h == 0 {
            None
        } else {
            Some(sub.get(h, what, &pick)?)
        });
    }
    if let Some(s) = sub.stages.get_mut(i) {
        write_slots(table(s), start, found)?;
    }
    Ok(())
}
