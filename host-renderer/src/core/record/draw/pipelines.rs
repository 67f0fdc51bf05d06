//! The draw's pipelines: bind group layouts from the shaders' interfaces,
//! then one pipeline per fill-mode variant, from the cache (or, for the raw
//! Vulkan path, the keys its own pipelines are built from).

use super::fixed::Fixed;
use super::primitive::{fill_variants, Primitive};
use super::shaders::Shaders;
use super::vertices::VertexSetup;
use crate::core::base::error::{CommandError, WgpuOp};
use crate::core::record::pipeline::{view_dimension, EntryKind, PipelineKey};
use crate::core::record::recorder::Recorder;
use crate::core::state::objects::CompiledShader;
use crate::core::validate::draw::BoundDraw;

/// What a draw is drawn with.
pub(super) struct Pipelines {
    /// Bind group layouts of the stages [`Shaders::stages`] lists.
    pub layouts: Vec<wgpu::BindGroupLayout>,
    /// wgpu pipelines, one per variant (empty for raw draws).
    pub wgpu: Vec<wgpu::RenderPipeline>,
    /// Keys of the raw pipelines, one per variant (raw draws only).
    pub raw_keys: Vec<PipelineKey>,
}

/// The layouts and pipelines of a draw.
pub(super) fn pipelines(
    rec: &mut Recorder<'_>,
    bound: &BoundDraw<'_>,
    shaders: &Shaders,
    prim: &Primitive,
    vertex: &VertexSetup,
    fixed: &Fixed,
) -> Result<Pipelines, CommandError> {
    let gpu = rec.gpu;
    let device = &gpu.device;
    // A missing geometry stage before tessellation stages has no entries.
    let entries = shaders
        .stages()
        .into_iter()
        .map(|s| s.map_or_else(|| Ok(Vec::new()), |s| stage_entries(s)))
        .collect::<Result<Vec<_>, _>>()?;
    // The groups of the stages after the fragment shader are only bound
    // for the raw path's resource states (no wgpu pipeline uses them):
    // vertex visibility suits them.
    let visibility = |stage: usize| match stage {
        1 => wgpu::ShaderStages::FRAGMENT,
        _ => wgpu::ShaderStages::VERTEX,
    };
    let layouts = entries
        .iter()
        .enumerate()
        .map(|(i, e)| rec.caches.layouts.layout(device, visibility(i), e))
        .collect();
    let mut out = Pipelines {
        layouts,
        wgpu: Vec::new(),
        raw_keys: Vec::new(),
    };
    let rast = &bound.rast;
    for (polygon_mode, cull) in fill_variants(rast, prim.is_tri, fixed.cull, gpu.features)? {
        let key = PipelineKey {
            vs: shaders.vs.id,
            fs: shaders.fs.id,
            gs: shaders.gs.as_ref().map_or(0, |gs| gs.id),
            tess: shaders
                .tess
                .as_ref()
                .map_or((0, 0), |t| (t.tcs.id, t.tes.id)),
            patch_vertices: prim.patch_vertices,
            vertex: vertex.key.clone(),
            topology: prim.topology,
            adjacency: prim.adjacency,
            strip_index: prim.strip_index,
            front_face: fixed.front_face,
            cull,
            polygon_mode,
            unclipped_depth: !rast.flags.depth_clip()
                && gpu.features.contains(wgpu::Features::DEPTH_CLIP_CONTROL),
            depth_stencil: fixed.depth_stencil.clone(),
            targets: fixed.targets.clone(),
            samples: bound.samples,
            sample_mask: fixed.sample_mask,
            alpha_to_coverage: fixed.alpha_to_coverage,
            layouts: entries.clone(),
        };
        // Raw draws use raw pipelines (cached in `raw`), built from the key.
        if fixed.raw_needed {
            out.raw_keys.push(key);
            continue;
        }
        let bgl = &out.layouts;
        let (vs, fs) = (shaders.vs.wgpu_module()?, shaders.fs.wgpu_module()?);
        let pipeline = rec.caches.pipelines.get_or_build(key, |key| {
            gpu.checked(WgpuOp::CreatePipeline, || {
                build_pipeline(device, key, bgl, vs, fs)
            })
            .map_err(CommandError::from)
        })?;
        out.wgpu.push(pipeline);
    }
    Ok(out)
}

/// The bind group entries of a stage, from its interface, in binding order;
/// refuses multisampled array textures that are not unfolded (WebGPU has
/// none; `record::unfold`).
pub(crate) fn stage_entries(
    shader: &CompiledShader,
) -> Result<Vec<(u32, EntryKind)>, CommandError> {
    let mut l = Vec::new();
    for cb in &shader.interface.constant_buffers {
        l.push((cb.binding.binding, EntryKind::of_constant_buffer(cb)));
    }
    if let Some(du) = shader.interface.driver_uniforms {
        l.push((du.binding, EntryKind::Uniform));
    }
    for t in &shader.interface.textures {
        if t.multisampled && t.arrayed {
            return Err(CommandError::Unsupported("multisampled array textures"));
        }
        let dim = view_dimension(t.dimension, t.arrayed);
        l.push((
            t.texture.binding,
            EntryKind::Texture(dim, t.class, t.multisampled),
        ));
        if let Some(s) = t.sampler {
            l.push((s.binding, EntryKind::Sampler(t.comparison)));
        }
    }
    for t in &shader.interface.texel_buffers {
        l.push((t.binding.binding, EntryKind::TexelBuffer));
    }
    crate::core::record::storage::entries(&shader.interface, &mut l);
    l.sort_by_key(|e| e.0);
    Ok(l)
}

fn build_pipeline(
    device: &wgpu::Device,
    key: &PipelineKey,
    bgl: &[wgpu::BindGroupLayout],
    vs: &wgpu::ShaderModule,
    fs: &wgpu::ShaderModule,
) -> wgpu::RenderPipeline {
    let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
        label: None,
        bind_group_layouts: &[bgl.first(), bgl.get(1)],
        immediate_size: 0,
    });
    let attrs: Vec<[wgpu::VertexAttribute; 1]> = key
        .vertex
        .iter()
        .map(|&(_, _, format, loc)| {
            [wgpu::VertexAttribute {
                format,
                offset: 0,
                shader_location: loc,
            }]
        })
        .collect();
    let buffers: Vec<Option<wgpu::VertexBufferLayout<'_>>> = key
        .vertex
        .iter()
        .zip(&attrs)
        .map(|(&(stride, step, _, _), a)| {
            Some(wgpu::VertexBufferLayout {
                array_stride: stride,
                step_mode: step,
                attributes: a,
            })
        })
        .collect();
    device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
        label: None,
        layout: Some(&layout),
        vertex: wgpu::VertexState {
            module: vs,
            entry_point: Some("main"),
            compilation_options: Default::default(),
            buffers: &buffers,
        },
        primitive: wgpu::PrimitiveState {
            topology: key.topology,
            strip_index_format: key.strip_index,
            front_face: key.front_face,
            cull_mode: key.cull,
            unclipped_depth: key.unclipped_depth,
            polygon_mode: key.polygon_mode,
            conservative: false,
        },
        depth_stencil: key.depth_stencil.clone(),
        multisample: wgpu::MultisampleState {
            count: key.samples,
            mask: key.sample_mask,
            alpha_to_coverage_enabled: key.alpha_to_coverage,
        },
        fragment: Some(wgpu::FragmentState {
            module: fs,
            entry_point: Some("main"),
            compilation_options: Default::default(),
            targets: &key.targets,
        }),
        multiview_mask: None,
        cache: None,
    })
}
