//! Caches shared by all contexts: translated shaders (keyed by TGSI text and
//! translation options), render pipelines (keyed by everything that shapes
//! one) and the blitter's pipelines. Hit rates are logged through `tracing`.

use crate::core::record::blit::Blitter;
use crate::core::state::ShaderObj;
use shader_translate::interface::{TextureClass, DRIVER_UNIFORMS_BINDING};
use shader_translate::{Interface, Options};
use std::collections::HashMap;
use std::sync::Arc;

/// Hit/miss counters of one cache.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that built a new entry.
    pub misses: u64,
}

impl CacheStats {
    /// Counts one lookup.
    pub fn count(&mut self, hit: bool) {
        if hit {
            self.hits += 1;
        } else {
            self.misses += 1;
        }
    }

    /// Hit rate in percent (100 when there was no lookup).
    pub fn hit_rate(&self) -> f64 {
        let total = self.hits + self.misses;
        if total == 0 {
            100.0
        } else {
            self.hits as f64 * 100.0 / total as f64
        }
    }
}

/// A translated, compiled shader.
pub struct CompiledShader {
    /// Unique id (part of pipeline keys).
    pub id: u64,
    /// The wgpu module.
    pub module: wgpu::ShaderModule,
    /// The naga module it was made from (the raw Vulkan path writes SPIR-V).
    pub naga: Arc<naga::Module>,
    /// What it expects.
    pub interface: Interface,
}

/// Shader cache key: stage text and options.
pub type ShaderKey = (Arc<str>, Options);

/// How one bind group entry of a stage is declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// Uniform buffer.
    Uniform,
    /// Texture of a view dimension and sample type.
    Texture(wgpu::TextureViewDimension, TextureClass, bool),
    /// Sampler (comparison or filtering).
    Sampler(bool),
}

/// Everything that shapes a render pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PipelineKey {
    /// Vertex shader id.
    pub vs: u64,
    /// Fragment shader id.
    pub fs: u64,
    /// Per vertex buffer: stride, step mode, format, location.
    pub vertex: Vec<(u64, wgpu::VertexStepMode, wgpu::VertexFormat, u32)>,
    /// Topology.
    pub topology: wgpu::PrimitiveTopology,
    /// Strip index format.
    pub strip_index: Option<wgpu::IndexFormat>,
    /// Front face.
    pub front_face: wgpu::FrontFace,
    /// Cull mode.
    pub cull: Option<wgpu::Face>,
    /// Depth clip disabled.
    pub unclipped_depth: bool,
    /// Polygon fill mode.
    pub polygon_mode: wgpu::PolygonMode,
    /// Depth/stencil state.
    pub depth_stencil: Option<wgpu::DepthStencilState>,
    /// Colour targets.
    pub targets: Vec<Option<wgpu::ColorTargetState>>,
    /// Samples per pixel of the attachments.
    pub samples: u32,
    /// Sample mask.
    pub sample_mask: u64,
    /// Bind group layouts (VS, FS) by entry.
    pub layouts: [Vec<(u32, EntryKind)>; 2],
}

// DepthStencilState and ColorTargetState hold f32s (bias); they are compared
// bitwise by wgpu's own Hash/Eq impls.

/// Render pipelines (or anything else, for benchmarks) by [`PipelineKey`]:
/// emptied when it would exceed [`PipelineCache::CAPACITY`], lookups counted.
pub struct PipelineCache<V = wgpu::RenderPipeline> {
    map: HashMap<PipelineKey, V>,
    stats: CacheStats,
}

impl<V> Default for PipelineCache<V> {
    fn default() -> Self {
        PipelineCache {
            map: HashMap::new(),
            stats: CacheStats::default(),
        }
    }
}

impl<V: Clone> PipelineCache<V> {
    /// Entries kept before the cache starts over.
    pub const CAPACITY: usize = 4096;

    /// The entry for `key`, made by `build` (and kept) on a miss.
    pub fn get_or_build<E>(
        &mut self,
        key: PipelineKey,
        build: impl FnOnce(&PipelineKey) -> Result<V, E>,
    ) -> Result<V, E> {
        if let Some(hit) = self.map.get(&key) {
            self.stats.count(true);
            return Ok(hit.clone());
        }
        self.stats.count(false);
        let value = build(&key)?;
        if self.map.len() >= Self::CAPACITY {
            self.map.clear();
        }
        self.map.insert(key, value.clone());
        Ok(value)
    }

    /// Hit and miss counts.
    pub fn stats(&self) -> CacheStats {
        self.stats
    }
}

/// The renderer's caches.
#[derive(Default)]
pub struct Caches {
    /// Blit pipelines.
    pub blitter: Blitter,
    /// Shaders by text and options (errors cached too).
    pub shaders: HashMap<ShaderKey, Result<Arc<CompiledShader>, String>>,
    /// Render pipelines.
    pub pipelines: PipelineCache,
    /// Bind group layouts by entries.
    pub layouts: HashMap<(wgpu::ShaderStages, Vec<(u32, EntryKind)>), wgpu::BindGroupLayout>,
    /// Dummy textures for unbound units, by dimension.
    pub dummies: HashMap<wgpu::TextureViewDimension, wgpu::TextureView>,
    /// Default sampler for unbound units.
    pub default_sampler: Option<wgpu::Sampler>,
    /// Draw bind groups.
    pub bind_groups: crate::core::record::bind_groups::BindGroupCache,
    /// Query sets.
    pub queries: crate::core::record::query::Queries,
    /// Depth upload pipelines.
    pub depth: crate::core::record::depth::DepthWriter,
    /// Raw Vulkan pipelines and samplers (logic ops).
    pub raw: crate::core::record::raw::RawCache,
    /// Shader cache counters.
    pub shader_stats: CacheStats,
    next_id: u64,
}

/// The shader a shader object last compiled to, with the options used: draws
/// that keep using it skip hashing its text.
#[derive(Default)]
pub struct ShaderMemo(parking_lot::Mutex<Option<(Options, Arc<CompiledShader>)>>);

impl std::fmt::Debug for ShaderMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ShaderMemo")
    }
}

impl Caches {
    /// The compiled shader of `obj` under `options`: its memo when the
    /// options match, else [`Caches::shader`] (remembered in the memo).
    pub fn shader_of(
        &mut self,
        device: &wgpu::Device,
        obj: &ShaderObj,
        options: &Options,
    ) -> Result<Arc<CompiledShader>, String> {
        if let Some((o, hit)) = &*obj.compiled.0.lock() {
            if o == options {
                self.shader_stats.count(true);
                return Ok(Arc::clone(hit));
            }
        }
        let compiled = self.shader(device, &obj.text, options)?;
        *obj.compiled.0.lock() = Some((options.clone(), Arc::clone(&compiled)));
        Ok(compiled)
    }

    /// The compiled shader for `text` under `options`.
    pub fn shader(
        &mut self,
        device: &wgpu::Device,
        text: &Arc<str>,
        options: &Options,
    ) -> Result<Arc<CompiledShader>, String> {
        let key = (Arc::clone(text), options.clone());
        if let Some(hit) = self.shaders.get(&key) {
            self.shader_stats.count(true);
            return hit.clone();
        }
        self.shader_stats.count(false);
        self.next_id += 1;
        let id = self.next_id;
        let result = shader_translate::translate(text, options)
            .map_err(|e| e.to_string())
            .map(|t| {
                if tracing::enabled!(tracing::Level::TRACE) {
                    tracing::trace!("shader {id}:\n{text}\n{}", t.to_wgsl().unwrap_or_default());
                }
                let naga = Arc::new(t.module);
                let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
                    label: None,
                    source: wgpu::ShaderSource::Naga(std::borrow::Cow::Owned((*naga).clone())),
                });
                Arc::new(CompiledShader {
                    id,
                    module,
                    naga,
                    interface: t.interface,
                })
            });
        if self.shaders.len() > 4096 {
            self.shaders.clear();
        }
        self.shaders.insert(key, result.clone());
        result
    }

    /// The bind group layout for `entries` of `stage`.
    pub fn layout(
        &mut self,
        device: &wgpu::Device,
        stage: wgpu::ShaderStages,
        entries: &[(u32, EntryKind)],
    ) -> wgpu::BindGroupLayout {
        self.layouts
            .entry((stage, entries.to_vec()))
            .or_insert_with(|| {
                let e: Vec<wgpu::BindGroupLayoutEntry> = entries
                    .iter()
                    .map(|&(binding, kind)| wgpu::BindGroupLayoutEntry {
                        binding,
                        visibility: stage,
                        ty: match kind {
                            EntryKind::Uniform => wgpu::BindingType::Buffer {
                                ty: wgpu::BufferBindingType::Uniform,
                                has_dynamic_offset: true,
                                min_binding_size: None,
                            },
                            EntryKind::Texture(dim, class, _) => wgpu::BindingType::Texture {
                                sample_type: match class {
                                    TextureClass::Depth => wgpu::TextureSampleType::Depth,
                                    TextureClass::Sint => wgpu::TextureSampleType::Sint,
                                    TextureClass::Uint => wgpu::TextureSampleType::Uint,
                                    TextureClass::Float => {
                                        wgpu::TextureSampleType::Float { filterable: true }
                                    }
                                },
                                view_dimension: dim,
                                multisampled: false,
                            },
                            EntryKind::Sampler(true) => {
                                wgpu::BindingType::Sampler(wgpu::SamplerBindingType::Comparison)
                            }
                            EntryKind::Sampler(false) => {
                                wgpu::BindingType::Sampler(wgpu::SamplerBindingType::Filtering)
                            }
                        },
                        count: None,
                    })
                    .collect();
                device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                    label: None,
                    entries: &e,
                })
            })
            .clone()
    }

    /// A 1×1 (×6 for cubes) black opaque texture view for unbound units.
    pub fn dummy(
        &mut self,
        gpu: &crate::core::gpu::Gpu,
        dim: wgpu::TextureViewDimension,
    ) -> wgpu::TextureView {
        self.dummies
            .entry(dim)
            .or_insert_with(|| {
                let layers = match dim {
                    wgpu::TextureViewDimension::Cube | wgpu::TextureViewDimension::CubeArray => 6,
                    _ => 1,
                };
                let d3 = dim == wgpu::TextureViewDimension::D3;
                let tex = gpu.device.create_texture(&wgpu::TextureDescriptor {
                    label: Some("unbound"),
                    size: wgpu::Extent3d {
                        width: 1,
                        height: 1,
                        depth_or_array_layers: layers,
                    },
                    mip_level_count: 1,
                    sample_count: 1,
                    dimension: if d3 {
                        wgpu::TextureDimension::D3
                    } else {
                        wgpu::TextureDimension::D2
                    },
                    format: wgpu::TextureFormat::Rgba8Unorm,
                    usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
                    view_formats: &[],
                });
                let texel = [0u8, 0, 0, 255].repeat(layers as usize);
                gpu.queue.write_texture(
                    tex.as_image_copy(),
                    &texel,
                    wgpu::TexelCopyBufferLayout {
                        offset: 0,
                        bytes_per_row: Some(4),
                        rows_per_image: Some(1),
                    },
                    wgpu::Extent3d {
                        width: 1,
                        height: 1,
                        depth_or_array_layers: layers,
                    },
                );
                tex.create_view(&wgpu::TextureViewDescriptor {
                    dimension: Some(dim),
                    ..Default::default()
                })
            })
            .clone()
    }

    /// The sampler used for units with no sampler state bound.
    pub fn default_sampler(&mut self, device: &wgpu::Device) -> wgpu::Sampler {
        self.default_sampler
            .get_or_insert_with(|| device.create_sampler(&wgpu::SamplerDescriptor::default()))
            .clone()
    }

    /// Logs the hit rates (tracing, info level).
    pub fn log_stats(&self) {
        tracing::info!(
            shader_hits = self.shader_stats.hits,
            shader_misses = self.shader_stats.misses,
            pipeline_hits = self.pipelines.stats().hits,
            pipeline_misses = self.pipelines.stats().misses,
            "cache hit rates: shaders {:.1}%, pipelines {:.1}%",
            self.shader_stats.hit_rate(),
            self.pipelines.stats().hit_rate()
        );
    }
}

/// The driver-uniform binding (re-exported for the draw code).
pub const DRIVER_BINDING: u32 = DRIVER_UNIFORMS_BINDING;
