//! The caches of one renderer, shared by its contexts: shaders, pipelines,
//! bind groups and their layouts, the renderer's own passes, query sets and
//! the raw Vulkan path's objects. Hit rates are logged through `tracing`.

use super::bind_groups::{BindGroupCache, LayoutCache, Unbound};
use super::blitter::Blitter;
use super::depth::DepthWriter;
use super::depth_blit::DepthBlitter;
use super::depth_clear::DepthClearer;
use super::mixed_sizes::StandIns;
use super::no_attach::NoAttach;
use super::pipeline::PipelineCache;
use super::query_pools::Queries;
use super::raw::cache::RawCache;
use super::sample_copy::SampleCopier;
use super::shaders::ShaderCache;

/// Everything a renderer keeps from one command to the next.
#[derive(Default)]
pub struct Caches {
    /// Shaders by text and options (errors cached too).
    pub shaders: ShaderCache,
    /// Render pipelines.
    pub pipelines: PipelineCache,
    /// Compute pipelines.
    pub compute: super::pipeline::ComputePipelines,
    /// Draw bind group layouts by entries.
    pub layouts: LayoutCache,
    /// Draw bind groups.
    pub bind_groups: BindGroupCache,
    /// What empty units bind.
    pub unbound: Unbound,
    /// Blit pipelines.
    pub blitter: Blitter,
    /// Sample copy pipelines (multisampled blits and copies).
    pub sample_copy: SampleCopier,
    /// Depth upload pipelines.
    pub depth: DepthWriter,
    /// Drawn depth blits.
    pub depth_blit: DepthBlitter,
    /// Pipelines clearing part of a depth/stencil surface.
    pub depth_clear: DepthClearer,
    /// Stand-ins of colour buffers of other sizes than their framebuffer.
    pub stand_ins: StandIns,
    /// Query sets.
    pub queries: Queries,
    /// Raw Vulkan pipelines and samplers (logic ops, wide lines).
    pub raw: RawCache,
    /// The scratch attachment of framebuffers without attachments.
    pub no_attach: NoAttach,
}

impl Caches {
    /// Logs the hit rates (tracing, info level).
    pub fn log_stats(&self) {
        let shaders = self.shaders.stats();
        let pipelines = self.pipelines.stats();
        tracing::info!(
            shader_hits = shaders.hits,
            shader_misses = shaders.misses,
            pipeline_hits = pipelines.hits,
            pipeline_misses = pipelines.misses,
            "cache hit rates: shaders {:.1}%, pipelines {:.1}%",
            shaders.hit_rate(),
            pipelines.hit_rate()
        );
    }
}
