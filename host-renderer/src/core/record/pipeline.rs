//! Render pipelines by everything that shapes one ([`PipelineKey`]),
//! compute pipelines by shader, and the hit/miss counters the renderer's
//! caches keep.

use crate::core::base::hash::FastMap;
use shader_translate::interface::TextureClass;

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

/// How one bind group entry of a stage is declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// Uniform buffer, bound with a dynamic offset.
    Uniform,
    /// Uniform buffer bound at the offset its bind group names (constant
    /// buffers 1 and up: devices allow few dynamic offsets per layout).
    StaticUniform,
    /// Read-only storage buffer, dynamic offset (a constant buffer too
    /// large for a uniform binding).
    Storage,
    /// Read-only storage buffer at the offset its bind group names: a
    /// texture buffer's texels.
    TexelBuffer,
    /// Texture of a view dimension and sample type.
    Texture(wgpu::TextureViewDimension, TextureClass, bool),
    /// Sampler (comparison or filtering).
    Sampler(bool),
    /// Shader storage buffer at the offset its bind group names, read and
    /// written: wgpu's usage scope is the whole render pass, where one
    /// buffer may be read by one draw and written by the next, so every
    /// storage binding has the one (exclusive) read-write usage.
    StorageBuffer,
    /// Shader image: a storage texture of a view dimension, format and
    /// access.
    StorageImage(
        wgpu::TextureViewDimension,
        wgpu::TextureFormat,
        naga::StorageAccess,
    ),
}

impl EntryKind {
    /// How constant buffer `cb` is bound: buffer 0 with a dynamic offset,
    /// the others at a static one, storage when too large for a uniform
    /// binding.
    pub fn of_constant_buffer(cb: &shader_translate::interface::ConstantBuffer) -> Self {
        if cb.storage {
            Self::Storage
        } else if cb.index == 0 {
            Self::Uniform
        } else {
            Self::StaticUniform
        }
    }

    /// Whether the entry takes a dynamic offset.
    pub fn is_dynamic(self) -> bool {
        matches!(self, Self::Uniform | Self::Storage)
    }
}

/// The view dimension a texture of the shader's `dim` is bound as.
pub fn view_dimension(dim: naga::ImageDimension, arrayed: bool) -> wgpu::TextureViewDimension {
    use wgpu::TextureViewDimension as V;
    match (dim, arrayed) {
        (naga::ImageDimension::D1, false) | (naga::ImageDimension::D2, false) => V::D2,
        (naga::ImageDimension::D1, true) | (naga::ImageDimension::D2, true) => V::D2Array,
        (naga::ImageDimension::D3, _) => V::D3,
        (naga::ImageDimension::Cube, false) => V::Cube,
        (naga::ImageDimension::Cube, true) => V::CubeArray,
    }
}

/// Everything that shapes a render pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PipelineKey {
    /// Vertex shader id.
    pub vs: u64,
    /// Fragment shader id.
    pub fs: u64,
    /// Geometry shader id (0: none; raw pipelines only).
    pub gs: u64,
    /// Tessellation control and evaluation shader ids ((0, 0): none; raw
    /// pipelines only).
    pub tess: (u64, u64),
    /// Vertices per patch (0: the topology's primitives, not patches).
    pub patch_vertices: u32,
    /// Per vertex buffer: stride, step mode, format, location.
    pub vertex: Vec<(u64, wgpu::VertexStepMode, wgpu::VertexFormat, u32)>,
    /// Topology.
    pub topology: wgpu::PrimitiveTopology,
    /// The topology's primitives come with adjacent vertices (raw
    /// pipelines only).
    pub adjacency: bool,
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
    /// Alpha to coverage.
    pub alpha_to_coverage: bool,
    /// Bind group layouts by entry: VS, FS, then the geometry (empty where
    /// only tessellation stages follow), tessellation control and
    /// evaluation stages a draw has.
    pub layouts: Vec<Vec<(u32, EntryKind)>>,
}

// DepthStencilState and ColorTargetState hold f32s (bias); they are compared
// bitwise by wgpu's own Hash/Eq impls.

/// Render pipelines (or anything else, for benchmarks) by [`PipelineKey`]:
/// emptied when it would exceed [`PipelineCache::CAPACITY`], lookups counted.
pub struct PipelineCache<V = wgpu::RenderPipeline> {
    map: FastMap<PipelineKey, V>,
    /// The key and value of the latest lookup: consecutive draws mostly
    /// want the same pipeline, found then with one comparison.
    last: Option<(PipelineKey, V)>,
    stats: CacheStats,
}

impl<V> Default for PipelineCache<V> {
    fn default() -> Self {
        PipelineCache {
            map: FastMap::default(),
            last: None,
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
        if let Some((_, hit)) = self.last.as_ref().filter(|(k, _)| *k == key) {
            self.stats.count(true);
            return Ok(hit.clone());
        }
        let value = match self.map.get(&key) {
            Some(hit) => {
                self.stats.count(true);
                hit.clone()
            }
            None => {
                self.stats.count(false);
                let value = build(&key)?;
                if self.map.len() >= Self::CAPACITY {
                    self.map.clear();
                }
                self.map.insert(key.clone(), value.clone());
                value
            }
        };
        self.last = Some((key, value.clone()));
        Ok(value)
    }

    /// Hit and miss counts.
    pub fn stats(&self) -> CacheStats {
        self.stats
    }
}

/// Compute pipelines by compiled shader id (a shader's interface fixes its
/// layout); emptied when it would exceed [`ComputePipelines::CAPACITY`].
#[derive(Default)]
pub struct ComputePipelines {
    map: FastMap<u64, wgpu::ComputePipeline>,
}

impl ComputePipelines {
    /// Entries kept before the cache starts over.
    pub const CAPACITY: usize = 1024;

    /// The pipeline of compiled shader `id`, if built.
    pub fn get(&self, id: u64) -> Option<wgpu::ComputePipeline> {
        self.map.get(&id).cloned()
    }

    /// Keeps the pipeline of compiled shader `id`.
    pub fn insert(&mut self, id: u64, pipeline: wgpu::ComputePipeline) {
        if self.map.len() >= Self::CAPACITY {
            self.map.clear();
        }
        self.map.insert(id, pipeline);
    }
}
