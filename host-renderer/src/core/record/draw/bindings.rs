//! The draw's bind groups, one per stage in shader-translate's binding
//! scheme: the constant buffers (SET_CONSTANT_BUFFER's data, or a range of
//! a buffer resource bound by SET_UNIFORM_BUFFER, copied from its shadow)
//! and the driver uniforms from the uniform arena (dynamic offsets), the
//! bound views (or a dummy of the right dimension)
//! and samplers (or the default one); each bound resource is also kept for
//! the raw Vulkan path.

use super::shaders::Shaders;
use crate::core::base::error::{CommandError, DrawError};
use crate::core::base::ids::ResId;
use crate::core::record::bind_groups::BindGroupKey;
use crate::core::record::pipeline::view_dimension;
use crate::core::record::pipeline::EntryKind;
use crate::core::record::recorder::Recorder;
use crate::core::record::storage;
use crate::core::record::unfold;
use crate::core::record::uniforms::UniformSlice;
use crate::core::resources::table::{Resource, ResourceTable};
use crate::core::state::objects::{CompiledShader, SamplerViewObj, TexelBufferViewObj};
use crate::core::state::sub_context::{BufferRange, Framebuffer, StageState};
use crate::core::validate::draw::BoundDraw;
use crate::core::validate::resource::attached;
use shader_translate::interface::DriverUniforms;
use shader_translate::limits::MAX_SAMPLERS;
use std::collections::HashSet;

/// The draw's bind groups and what they bind.
pub(super) struct Bindings {
    /// Per stage: the bind group and its dynamic offsets.
    pub groups: Vec<(wgpu::BindGroup, Vec<u32>)>,
    /// Per stage: the bound resources, for the raw path.
    pub raw: Vec<RawStage>,
}

/// The resources of one stage bound by a draw, kept for the raw path.
#[derive(Default)]
pub(crate) struct RawStage {
    /// Uniform buffers (arena slices) and storage buffers (ranges of
    /// buffer resources) by binding.
    pub buffers: Vec<(u32, UniformSlice)>,
    /// Sampled views by binding.
    pub views: Vec<(u32, wgpu::TextureView)>,
    /// Sampler states by binding (`None`: the default sampler).
    pub samplers: Vec<(u32, Option<guest_protocol::virgl::SamplerState>)>,
}

/// The rasterizer's point size as the device draws it: within 1 and the
/// advertised maximum (a guest value that is not a number draws 1).
fn point_size(size: f32, max: u32) -> f32 {
    if size.is_nan() {
        1.0
    } else {
        size.clamp(1.0, max as f32)
    }
}

/// Binds every stage of `bound` (compiled as `shaders`, in the order of
/// [`Shaders::stages`]; laid out as `layouts`), with
/// the driver uniforms of a viewport flipped by `flip_y`.
pub(super) fn bind(
    rec: &mut Recorder<'_>,
    bound: &BoundDraw<'_>,
    shaders: &Shaders,
    layouts: &[wgpu::BindGroupLayout],
    flip_y: f32,
) -> Result<Bindings, CommandError> {
    let driver = DriverUniforms {
        flip_y,
        fb_height: bound.fb_size.1 as f32,
        alpha_ref: bound.sub.dsa.map_or(0.0, |d| d.alpha_ref.get()),
        point_size: point_size(bound.rast.point_size.get(), rec.gpu.max_point_size),
        polygon_stipple: bound.sub.polygon_stipple,
        clip_planes: bound.sub.clip_planes,
        polygon_offset: polygon_offset(bound),
        ..DriverUniforms::default()
    };
    let mut out = Bindings {
        groups: Vec::new(),
        raw: Vec::new(),
    };
    let states = bound.stage_states();
    for ((shader, stage), layout) in shaders.stages().into_iter().zip(states).zip(layouts) {
        let (Some(shader), Some(stage)) = (shader, stage) else {
            // The empty geometry slot before tessellation stages.
            let empty = rec
                .gpu
                .device
                .create_bind_group(&wgpu::BindGroupDescriptor {
                    label: None,
                    layout,
                    entries: &[],
                });
            out.groups.push((empty, Vec::new()));
            out.raw.push(RawStage::default());
            continue;
        };
        check_feedback(&bound.sub.fb, shader, stage)?;
        let mut raw = RawStage::default();
        let driver = DriverUniforms {
            sampler_lod: sampler_lod(stage),
            texel_buffer_sizes: texel_buffer_sizes(stage),
            ..driver
        }
        .to_bytes();
        let group = stage_group(rec, shader, stage, &driver, layout, &mut raw)?;
        out.groups.push(group);
        out.raw.push(raw);
    }
    Ok(out)
}

/// Refuses a draw whose `shader` samples (through `stage`'s views) a
/// level and layer the draw renders to in `fb`: a GL feedback loop, whose
/// results GL leaves undefined and that a render pass may not record.
fn check_feedback(
    fb: &Framebuffer,
    shader: &CompiledShader,
    stage: &StageState,
) -> Result<(), CommandError> {
    for t in &shader.interface.textures {
        let unit = t.unit as usize;
        let Some(SamplerViewObj::Texture(v)) = stage.views.get(unit).and_then(Option::as_deref)
        else {
            continue;
        };
        if fb
            .cbufs
            .iter()
            .flatten()
            .chain(&fb.zsurf)
            .any(|s| v.overlaps(s))
        {
            return Err(CommandError::Draw(DrawError::FeedbackLoop(unit)));
        }
    }
    Ok(())
}

/// Each unit's texture buffer element count (0: no texture buffer).
pub(crate) fn texel_buffer_sizes(stage: &StageState) -> [u32; MAX_SAMPLERS as usize] {
    let mut out = [0; MAX_SAMPLERS as usize];
    for (o, v) in out.iter_mut().zip(&stage.views) {
        if let Some(SamplerViewObj::Buffer(b)) = v.as_deref() {
            *o = b.count;
        }
    }
    out
}

/// Each unit's sampler LOD state (no sampler: none).
pub(crate) fn sampler_lod(stage: &StageState) -> [[f32; 4]; MAX_SAMPLERS as usize] {
    let mut out = DriverUniforms::default().sampler_lod;
    for (o, s) in out.iter_mut().zip(&stage.samplers) {
        if let Some(s) = s {
            *o = lod_state(&s.desc);
        }
    }
    out
}

/// A sampler state's LOD bias, minimum and maximum LOD and mip filter for
/// the driver uniforms; a guest value that is not finite means no bias or
/// no clamp.
fn lod_state(d: &guest_protocol::virgl::SamplerState) -> [f32; 4] {
    let finite = |v: f32, none: f32| if v.is_finite() { v } else { none };
    [
        finite(d.lod_bias.get(), 0.0),
        finite(d.min_lod.get(), -1000.0),
        finite(d.max_lod.get(), 1000.0),
        f32::from(d.flags.min_mip_filter()),
    ]
}

/// The bind group of one stage and its dynamic offsets; its resources are
/// also noted in `raw`.
pub(crate) fn stage_group(
    rec: &mut Recorder<'_>,
    c: &CompiledShader,
    stage: &StageState,
    driver: &[u8],
    layout: &wgpu::BindGroupLayout,
    raw: &mut RawStage,
) -> Result<(wgpu::BindGroup, Vec<u32>), CommandError> {
    let gpu = rec.gpu;
    let mut buffers = Vec::new();
    let submissions = rec.work.submissions;
    let (resources, attached_ids) = (&*rec.resources, rec.attached);
    let uniforms = &mut rec.work.uniforms;
    let mut uniform = |binding: u32, data: &[u8], size: u64, kind: EntryKind| {
        let slice = uniforms
            .alloc(gpu, submissions, data, size)
            .ok_or(CommandError::Draw(DrawError::UniformArena))?;
        buffers.push((binding, slice, kind.is_dynamic()));
        Ok::<_, CommandError>(())
    };
    for cb in &c.interface.constant_buffers {
        let bound = stage
            .uniform_buffers
            .get(cb.index as usize)
            .copied()
            .flatten();
        let data: &[u8] = match bound {
            Some(ub) => uniform_buffer_bytes(attached(resources, attached_ids, ub.res)?, ub)?,
            None if cb.index == 0 => &stage.constants,
            None => &[],
        };
        let kind = EntryKind::of_constant_buffer(cb);
        uniform(cb.binding.binding, data, cb.size, kind)?;
    }
    if let Some(du) = c.interface.driver_uniforms {
        uniform(du.binding, driver, driver.len() as u64, EntryKind::Uniform)?;
    }
    for t in &c.interface.texel_buffers {
        let data = match stage.views.get(t.unit as usize).and_then(Option::as_deref) {
            Some(SamplerViewObj::Buffer(v)) => texel_buffer_bytes(resources, attached_ids, v)?,
            Some(SamplerViewObj::Texture(_)) => {
                return Err(CommandError::Draw(DrawError::ViewDimension(
                    t.unit as usize,
                )))
            }
            None => &[],
        };
        let size = (data.len() as u64).max(4).div_ceil(4) * 4;
        uniform(t.binding.binding, data, size, EntryKind::TexelBuffer)?;
    }
    let mut tex_views = Vec::new();
    let mut samps = Vec::new();
    let mut unfolds = Vec::new();
    for t in &c.interface.textures {
        let unit = t.unit as usize;
        let dim = view_dimension(t.dimension, t.arrayed);
        let view = match stage.views.get(unit).and_then(Option::as_deref) {
            Some(SamplerViewObj::Texture(v))
                if v.dimension == dim
                    && (v.view.texture().sample_count() > 1) == t.multisampled =>
            {
                rec.work.mark(v.res);
                if let Some(u) = &v.unfold {
                    unfolds.push((v.res, u.clone()));
                }
                v.view.clone()
            }
            Some(_) => return Err(CommandError::Draw(DrawError::ViewDimension(unit))),
            None if t.multisampled => {
                return Err(CommandError::Unsupported(
                    "a multisampled texture fetch from an empty unit",
                ))
            }
            None => rec.caches.unbound.dummy(gpu, dim, t.class),
        };
        tex_views.push((t.texture.binding, view));
        if let Some(s) = t.sampler {
            let state = stage.samplers.get(unit).cloned().flatten();
            let sampler = match &state {
                Some(st) if st.desc.flags.compare_mode() == t.comparison => st.sampler.clone(),
                Some(_) => return Err(CommandError::Draw(DrawError::CompareMode(unit))),
                None => rec.caches.unbound.sampler(&gpu.device),
            };
            samps.push((s.binding, sampler));
            raw.samplers.push((s.binding, state.map(|st| st.desc)));
        }
    }
    for (res, u) in &unfolds {
        unfold::unfold(rec, *res, u)?;
    }
    raw.buffers = buffers.iter().map(|(b, s, _)| (*b, s.clone())).collect();
    raw.views.clone_from(&tex_views);
    // Dynamic offsets go in binding order.
    buffers.sort_by_key(|b| b.0);
    let offsets = buffers
        .iter()
        .filter(|(_, _, dynamic)| *dynamic)
        .map(|(_, s, _)| u32::try_from(s.offset))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| CommandError::Draw(DrawError::UniformOffset))?;
    let mut key = BindGroupKey {
        layout: layout.clone(),
        buffers: buffers
            .iter()
            .map(|(b, s, dynamic)| {
                let offset = if *dynamic { 0 } else { s.offset };
                (*b, s.buffer.clone(), s.size, offset)
            })
            .collect(),
        views: tex_views,
        samplers: samps,
    };
    let first_storage = key.buffers.len();
    storage::bind(rec, &c.interface, stage, &mut key)?;
    let storage = key.buffers.iter().skip(first_storage);
    raw.buffers
        .extend(storage.map(|(binding, buffer, size, offset)| {
            let slice = UniformSlice {
                buffer: buffer.clone(),
                offset: *offset,
                size: *size,
            };
            (*binding, slice)
        }));
    let group = rec
        .caches
        .bind_groups
        .get(gpu, &key)
        .map_err(CommandError::from)?;
    Ok((group, offsets))
}

/// The bytes of texture buffer view `v`: its range of the buffer's shadow
/// (always current; the view was checked to lie inside the buffer).
fn texel_buffer_bytes<'r>(
    resources: &'r ResourceTable,
    attached_ids: &HashSet<ResId>,
    v: &TexelBufferViewObj,
) -> Result<&'r [u8], CommandError> {
    let b = attached(resources, attached_ids, v.res.0)?.buffer().ok_or(
        CommandError::WrongResource {
            res: v.res.0,
            what: "texture buffer",
        },
    )?;
    let start = v.offset.min(b.shadow.len() as u64);
    let end =
        (v.offset + u64::from(v.count) * u64::from(v.format.bytes())).min(b.shadow.len() as u64);
    Ok(b.shadow.get(start as usize..end as usize).unwrap_or(&[]))
}

/// The driver uniforms' polygon offset: the constant part in window depth
/// (`units` times the depth format's unit), the slope factor and the clamp;
/// zeros when the fragment shader does not offset depth.
fn polygon_offset(bound: &BoundDraw<'_>) -> [f32; 4] {
    let unit = bound
        .sub
        .fb
        .zsurf
        .as_ref()
        .and_then(|z| z.polygon_offset_unit);
    match unit {
        Some(r) if bound.polygon_offset => {
            let rast = &bound.rast;
            [
                rast.offset_units.get() * r,
                rast.offset_scale.get(),
                rast.offset_clamp.get(),
                0.0,
            ]
        }
        _ => [0.0; 4],
    }
}

/// The bytes a uniform buffer binding reads: its range of the buffer's
/// shadow (always current), cut at the buffer's end.
fn uniform_buffer_bytes(r: &Resource, ub: BufferRange) -> Result<&[u8], CommandError> {
    let b = r.buffer().ok_or(CommandError::WrongResource {
        res: ub.res,
        what: "uniform buffer",
    })?;
    let size = b.size.min(b.shadow.len() as u64);
    let start = u64::from(ub.offset).min(size);
    let end = (start + u64::from(ub.length)).min(size);
    Ok(b.shadow.get(start as usize..end as usize).unwrap_or(&[]))
}

#[cfg(test)]
mod tests {
    use super::lod_state;
    use guest_protocol::virgl::SamplerState;
    use guest_protocol::wire::F32Bits;

    #[test]
    fn lod_state_drops_values_that_are_not_finite() {
        let mut s = SamplerState {
            handle: 1,
            flags: Default::default(),
            lod_bias: F32Bits::new(1.5),
            min_lod: F32Bits::new(-2.0),
            max_lod: F32Bits::new(4.0),
            border_color: [0; 4],
        };
        assert_eq!(lod_state(&s), [1.5, -2.0, 4.0, 0.0]);
        s.lod_bias = F32Bits::new(f32::NAN);
        s.min_lod = F32Bits::new(f32::NEG_INFINITY);
        s.max_lod = F32Bits::new(f32::INFINITY);
        assert_eq!(lod_state(&s), [0.0, -1000.0, 1000.0, 0.0]);
    }
}
