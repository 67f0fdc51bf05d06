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
        let result = shader_translate::translate(text, options).and_then(|t| {
            if tracing::enabled!(tracing::Level::TRACE) {
                tracing::trace!("shader {id}:\n{text}\n{}", t.to_wgsl().unwrap_or_default());
            }
            let module = if t.interface.geometry.is_some() || t.interface.tessellation.is_some() {
                None
            } else if t.interface.image_atomics {
                // Without passthrough (not on Vulkan) the module stays
                // unbuilt and its pipelines are refused.
                let passthrough = device
                    .features()
                    .contains(wgpu::Features::PASSTHROUGH_SHADERS);
                passthrough
                    .then(|| passthrough_module(device, &t))
                    .transpose()?
            } else {
                Some(device.create_shader_module(wgpu::ShaderModuleDescriptor {
                    label: None,
                    source: wgpu::ShaderSource::Naga(std::borrow::Cow::Owned(t.module.clone())),
                }))
            };
            Ok(Arc::new(CompiledShader {
                id,
                module,
                naga: Arc::new(t.module),
                interface: t.interface,
            }))
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

/// The module of a translation with image atomics, which wgpu cannot take
/// as naga IR: shader-translate's SPIR-V (bounds-checked accesses, zeroed
/// workgroup memory, the atomics' marker calls rewritten, bindings numbered
/// as wgpu's Vulkan layouts number them), passed through to Vulkan.
fn passthrough_module(
    device: &wgpu::Device,
    t: &shader_translate::Translation,
) -> Result<wgpu::ShaderModule, shader_translate::Error> {
    let words = t.spirv()?;
    let size = t.interface.compute.map_or([1; 3], |c| c.workgroup_size);
    let entry_points = [wgpu::PassthroughShaderEntryPoint {
        name: "main".into(),
        workgroup_size: (size[0], size[1], size[2]),
    }];
    let desc = wgpu::ShaderModuleDescriptorPassthrough {
        label: Some("image atomics"),
        entry_points: std::borrow::Cow::Borrowed(&entry_points),
        spirv: Some(std::borrow::Cow::Owned(words)),
        ..Default::default()
    };
    // SAFETY: the words are naga's SPIR-V of a module naga validated, with
    // every buffer, array and image access bounds-checked and workgroup
    // memory zeroed, changed only by shader-translate's rewrite of its
    // marker calls into atomics on the named storage images (checked
    // against their types). Its bindings are exactly the interface's, from
    // which the pipeline's bind group layouts are made, numbered as wgpu's
    // Vulkan back end numbers layout entries (renderer_compute's image and
    // storage tests bind several of each through it). The caller checked
    // PASSTHROUGH_SHADERS.
    Ok(unsafe { device.create_shader_module_passthrough(desc) })
}
