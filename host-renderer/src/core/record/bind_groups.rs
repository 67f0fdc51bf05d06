//! Draw bind groups, cached by what they bind: a draw that binds the same
//! layout, arena chunks, views and samplers as an earlier one reuses its
//! bind group (uniform slices move through dynamic offsets).

use crate::core::gpu::Gpu;
use std::collections::HashMap;

/// Cached bind groups kept before the cache starts over (each holds its
/// views and samplers alive).
const MAX_CACHED: usize = 256;

/// What a bind group binds, entries in binding order.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BindGroupKey {
    /// Its layout.
    pub layout: wgpu::BindGroupLayout,
    /// Uniform buffers: binding, arena chunk, bound size (offset dynamic).
    pub buffers: Vec<(u32, wgpu::Buffer, u64)>,
    /// Sampled textures.
    pub views: Vec<(u32, wgpu::TextureView)>,
    /// Samplers.
    pub samplers: Vec<(u32, wgpu::Sampler)>,
}

/// Bind groups by [`BindGroupKey`].
#[derive(Default)]
pub struct BindGroupCache {
    groups: HashMap<BindGroupKey, wgpu::BindGroup>,
}

impl BindGroupCache {
    /// The bind group for `key`, created on a miss (wgpu errors returned).
    pub fn get(&mut self, gpu: &Gpu, key: &BindGroupKey) -> Result<wgpu::BindGroup, String> {
        if let Some(g) = self.groups.get(key) {
            return Ok(g.clone());
        }
        let mut entries = Vec::new();
        for (binding, buffer, size) in &key.buffers {
            entries.push(wgpu::BindGroupEntry {
                binding: *binding,
                resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                    buffer,
                    offset: 0,
                    size: wgpu::BufferSize::new(*size),
                }),
            });
        }
        for (binding, view) in &key.views {
            entries.push(wgpu::BindGroupEntry {
                binding: *binding,
                resource: wgpu::BindingResource::TextureView(view),
            });
        }
        for (binding, sampler) in &key.samplers {
            entries.push(wgpu::BindGroupEntry {
                binding: *binding,
                resource: wgpu::BindingResource::Sampler(sampler),
            });
        }
        let (group, err) = gpu.scoped(|| {
            gpu.device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: None,
                layout: &key.layout,
                entries: &entries,
            })
        });
        if let Some(e) = err {
            return Err(e);
        }
        if self.groups.len() >= MAX_CACHED {
            self.groups.clear();
        }
        self.groups.insert(key.clone(), group.clone());
        Ok(group)
    }
}
