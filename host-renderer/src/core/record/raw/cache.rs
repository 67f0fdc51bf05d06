//! The raw path's Vulkan objects of one renderer (set and pipeline layouts,
//! pipelines, SPIR-V, samplers), keyed like its wgpu caches and destroyed
//! when it is dropped.

use super::draw::RawDraw;
use super::xfb_spirv::{self, XfbOutput};
use super::{pipeline, sampler};
use crate::core::base::error::{RawError, Shared};
use crate::core::gpu::raw::RawDevice;
use crate::core::record::pipeline::{EntryKind, PipelineKey};
use ash::vk;
use guest_protocol::virgl::SamplerState;
use std::collections::HashMap;
use std::sync::Arc;

/// Most raw pipelines (and samplers) kept before the cache is emptied.
const MAX_CACHED: usize = 1024;

/// Bind group entries of each stage of [`pipeline::STAGES`] a draw has.
type StageLayouts = Vec<Vec<(u32, EntryKind)>>;
/// Which stage a shader's SPIR-V is written for.
#[derive(Clone, Copy)]
enum Stage<'a> {
    Vertex,
    Fragment,
    /// A geometry shader's compute module, made a geometry stage.
    Geometry(&'a shader_translate::interface::Geometry),
    /// A tessellation shader's compute module, made a tessellation stage.
    Tessellation(&'a shader_translate::interface::Tessellation),
}

impl Stage<'_> {
    /// The stage's place in [`pipeline::STAGES`].
    fn index(self) -> u32 {
        use shader_translate::interface::TessellationKind as K;
        match self {
            Self::Vertex => 0,
            Self::Fragment => 1,
            Self::Geometry(_) => 2,
            Self::Tessellation(t) => match t.kind {
                K::Control { .. } => 3,
                K::Evaluation { .. } => 4,
            },
        }
    }
}

/// SPIR-V of a shader (or why naga could not write it).
type Spirv = Result<Arc<Vec<u32>>, RawError>;

/// Raw objects of one renderer (keyed like its wgpu caches), destroyed when
/// it is dropped.
#[derive(Default)]
pub struct RawCache {
    owner: Option<(ash::Device, wgpu::Device)>,
    layouts: HashMap<StageLayouts, (vk::DescriptorSetLayout, vk::PipelineLayout)>,
    pipelines: HashMap<(PipelineKey, pipeline::Extra), vk::Pipeline>,
    spirv: HashMap<(u64, bool, Vec<XfbOutput>), Spirv>,
    samplers: HashMap<Option<(SamplerState, bool)>, vk::Sampler>,
}

impl RawCache {
    /// Remembers the device its objects belong to (and keeps it alive).
    pub(super) fn adopt(&mut self, raw: &RawDevice, device: &wgpu::Device) {
        if self.owner.is_none() {
            self.owner = Some((raw.device().clone(), device.clone()));
        }
    }

    /// Empties the cache when it holds [`MAX_CACHED`] pipelines or samplers.
    pub(super) fn make_room(&mut self) {
        if self.pipelines.len() >= MAX_CACHED || self.samplers.len() >= MAX_CACHED {
            self.clear();
        }
    }

    /// Destroys every object once the work submitted so far has finished.
    fn clear(&mut self) {
        let Some((device, wgpu_device)) = &self.owner else {
            return;
        };
        // Every raw command buffer went through wgpu's queue: waiting for
        // wgpu's submissions waits for them (without touching the queue
        // behind wgpu's back, as vkDeviceWaitIdle would).
        if let Err(e) = wgpu_device.poll(wgpu::PollType::wait_indefinitely()) {
            tracing::warn!("waiting for the device before freeing raw objects: {e}");
        }
        // SAFETY: no submitted work uses the objects below any more; each was
        // created from `device` and is destroyed once (the maps are drained).
        unsafe {
            for (_, p) in self.pipelines.drain() {
                device.destroy_pipeline(p, None);
            }
            for (_, (set, layout)) in self.layouts.drain() {
                device.destroy_pipeline_layout(layout, None);
                device.destroy_descriptor_set_layout(set, None);
            }
            for (_, s) in self.samplers.drain() {
                device.destroy_sampler(s, None);
            }
        }
        self.spirv.clear();
    }

    fn layout(
        &mut self,
        device: &ash::Device,
        layouts: &StageLayouts,
    ) -> Result<(vk::DescriptorSetLayout, vk::PipelineLayout), RawError> {
        if let Some(l) = self.layouts.get(layouts) {
            return Ok(*l);
        }
        let set = pipeline::set_layout(device, layouts)?;
        let sets = [set];
        let info = vk::PipelineLayoutCreateInfo::default().set_layouts(&sets);
        // SAFETY: `set` is a live set layout of `device`.
        let layout = match unsafe { device.create_pipeline_layout(&info, None) } {
            Ok(l) => l,
            Err(e) => {
                // SAFETY: `set` was created above and is used by nothing.
                unsafe { device.destroy_descriptor_set_layout(set, None) };
                return Err(RawError::Vulkan {
                    what: "vkCreatePipelineLayout",
                    result: e,
                });
            }
        };
        self.layouts.insert(layouts.clone(), (set, layout));
        Ok((set, layout))
    }

    /// SPIR-V of shader `id` of `stage` (a geometry shader made a geometry
    /// stage, `layered` when its `LAYER` picks the layer), capturing `xfb`
    /// (the last stage before the rasterizer).
    fn spirv(
        &mut self,
        (id, layered): (u64, bool),
        module: &naga::Module,
        stage: Stage<'_>,
        xfb: &[XfbOutput],
    ) -> Result<Arc<Vec<u32>>, RawError> {
        self.spirv
            .entry((id, layered, xfb.to_vec()))
            .or_insert_with(|| {
                let words = pipeline::spirv(module, stage.index())?;
                let words = match stage {
                    Stage::Geometry(g) if !layered && g.writes_layer() => {
                        shader_translate::geometry_spirv(&words, &g.without_layer())
                    }
                    Stage::Geometry(g) => shader_translate::geometry_spirv(&words, g),
                    Stage::Tessellation(t) => shader_translate::tessellation_spirv(&words, t),
                    Stage::Vertex | Stage::Fragment => Ok(words),
                }
                .map_err(|e| RawError::Geometry(Shared::new(e)))?;
                if xfb.is_empty() {
                    Ok(Arc::new(words))
                } else {
                    xfb_spirv::decorate(&words, xfb).map(Arc::new)
                }
            })
            .clone()
    }

    pub(super) fn pipeline(
        &mut self,
        raw: &RawDevice,
        d: &RawDraw<'_>,
    ) -> Result<(vk::Pipeline, vk::PipelineLayout), RawError> {
        let (_, layout) = self.layout(raw.device(), &d.key.layouts)?;
        let extra = pipeline::Extra {
            logic_op: match d.logic_op {
                Some(func) => {
                    Some(pipeline::logic_op(func).ok_or(RawError::OutOfRange("logic op"))?)
                }
                None => None,
            },
            line_width: d.line_width,
            line_stipple: d.line_stipple,
            xfb: d.capture.is_some(),
            rasterizer_discard: d.rasterizer_discard,
            alpha_to_one: d.alpha_to_one,
            last_vertex: d.last_vertex,
            layered: d.geometry.as_ref().is_some_and(|g| g.layered),
        };
        let cache_key = (d.key.clone(), extra);
        if let Some(p) = self.pipelines.get(&cache_key) {
            return Ok((*p, layout));
        }
        // The last stage before the rasterizer captures (draws with
        // tessellation capture nothing).
        let xfb = d.capture.as_ref().map_or(&[][..], |c| c.outputs);
        let (vs_xfb, gs_xfb) = match d.geometry {
            Some(_) => (&[][..], xfb),
            None => (xfb, &[][..]),
        };
        let mut code = vec![
            (Stage::Vertex, d.shaders[0].0, d.shaders[0].1, vs_xfb),
            (Stage::Fragment, d.shaders[1].0, d.shaders[1].1, &[][..]),
        ];
        if let Some(g) = &d.geometry {
            code.push((Stage::Geometry(g.stage), g.id, g.module, gs_xfb));
        }
        for t in d.tessellation.iter().flatten() {
            code.push((Stage::Tessellation(t.stage), t.id, t.module, &[][..]));
        }
        let layered = d.geometry.as_ref().is_some_and(|g| g.layered);
        let spirv = code
            .into_iter()
            .map(|(stage, id, module, xfb)| {
                let layered = matches!(stage, Stage::Geometry(_)) && layered;
                let words = self.spirv((id, layered), module, stage, xfb)?;
                let flags = pipeline::STAGES
                    .get(stage.index() as usize)
                    .ok_or(RawError::OutOfRange("stage"))?;
                Ok((*flags, words))
            })
            .collect::<Result<Vec<_>, RawError>>()?;
        let depth = d.key.depth_stencil.as_ref().map(|ds| ds.format);
        let formats = pipeline::Formats {
            colors: d
                .key
                .targets
                .iter()
                .map(|t| {
                    t.as_ref()
                        .map_or(vk::Format::UNDEFINED, |t| raw.format(t.format))
                })
                .collect(),
            depth: depth
                .filter(|f| f.has_depth_aspect())
                .map_or(vk::Format::UNDEFINED, |f| raw.format(f)),
            stencil: depth
                .filter(|f| f.has_stencil_aspect())
                .map_or(vk::Format::UNDEFINED, |f| raw.format(f)),
        };
        let code: Vec<_> = spirv.iter().map(|(s, w)| (*s, w.as_slice())).collect();
        let p = pipeline::create(raw.device(), d.key, extra, layout, &code, &formats)?;
        self.pipelines.insert(cache_key, p);
        Ok((p, layout))
    }

    pub(super) fn sampler(
        &mut self,
        raw: &RawDevice,
        state: Option<&SamplerState>,
        border: bool,
    ) -> Result<vk::Sampler, RawError> {
        let key = state.map(|s| (SamplerState { handle: 0, ..*s }, border));
        if let Some(s) = self.samplers.get(&key) {
            return Ok(*s);
        }
        let desc = match state {
            Some(s) => crate::core::base::gallium::sampler_descriptor(s, border),
            None => wgpu::SamplerDescriptor::default(),
        };
        let info = sampler::info(&desc);
        // SAFETY: `info` is complete; the raw device is alive.
        let s = unsafe { raw.device().create_sampler(&info, None) }.map_err(|result| {
            RawError::Vulkan {
                what: "vkCreateSampler",
                result,
            }
        })?;
        self.samplers.insert(key, s);
        Ok(s)
    }
}

impl Drop for RawCache {
    fn drop(&mut self) {
        self.clear();
    }
}
