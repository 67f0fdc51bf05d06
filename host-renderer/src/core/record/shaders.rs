//! Translated shaders, shared by all contexts of a renderer: keyed by TGSI
//! text and translation options (failures are kept too), with each shader
//! object remembering what it last compiled to.

use super::pipeline::CacheStats;
use crate::core::base::hash::FastMap;
use crate::core::state::objects::{CompiledShader, ShaderObj};
use shader_translate::Options;
use std::sync::Arc;

/// Shaders kept before the cache starts over.
const CAPACITY: usize = 4096;

/// Shader cache key: stage text and options.
pub type ShaderKey = (Arc<str>, Options);

/// Compiled shaders by text and options.
#[derive(Default)]
pub struct ShaderCache {
    shaders: FastMap<ShaderKey, Result<Arc<CompiledShader>, shader_translate::Error>>,
    stats: CacheStats,
    next_id: u64,
}

impl ShaderCache {
    /// The compiled shader of `obj` under `options`: its memo when the
    /// options match, else [`ShaderCache::shader`] (remembered in the memo).
    pub fn shader_of(
        &mut self,
        device: &wgpu::Device,
        obj: &ShaderObj,
        options: &Options,
    ) -> Result<Arc<CompiledShader>, shader_translate::Error> {
        if let Some(hit) = obj.compiled.get(options) {
            self.stats.count(true);
            return Ok(hit);
        }
        let compiled = self.shader(device, &obj.text, options)?;
        obj.compiled.set(options, &compiled);
        Ok(compiled)
    }

    /// The compiled shader for `text` under `options`.
    pub fn shader(
        &mut self,
        device: &wgpu::Device,
        text: &Arc<str>,
        options: &Options,
    ) -> Result<Arc<CompiledShader>, shader_translate::Error> {
        let key = (Arc::clone(text), options.clone());
        if let Some(hit) = self.shaders.get(&key) {
            self.stats.count(true);
            return hit.clone();
        }
        self.stats.count(false);
        self.next_id += 1;
        let id = self.next_id;
        let result = shader_translate::translate(text, options).map(|t| {
            if tracing::enabled!(tracing::Level::TRACE) {
                tracing::trace!("shader {id}:\n{text}\n{}", t.to_wgsl().unwrap_or_default());
            }
            // Image atomics need the translation's SPIR-V
            // (`Translation::spirv`) as a passthrough module; on lavapipe
            // 22.3 that crashed the process now and then when the pipeline
            // was built (a guest must never do that), so such modules stay
            // unbuilt and their pipelines are refused (docs/GL-NEXT.md).
            let module = if t.interface.geometry.is_some() || t.interface.image_atomics {
                None
            } else {
                Some(device.create_shader_module(wgpu::ShaderModuleDescriptor {
                    label: None,
                    source: wgpu::ShaderSource::Naga(std::borrow::Cow::Owned(t.module.clone())),
                }))
            };
            Arc::new(CompiledShader {
                id,
                module,
                naga: Arc::new(t.module),
                interface: t.interface,
            })
        });
        if self.shaders.len() > CAPACITY {
            self.shaders.clear();
        }
        self.shaders.insert(key, result.clone());
        result
    }

    /// Hit and miss counts.
    pub fn stats(&self) -> CacheStats {
        self.stats
    }
}
