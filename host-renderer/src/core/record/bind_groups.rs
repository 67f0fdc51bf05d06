//! Bind groups: the layout entries every bind group layout of the renderer
//! is made of, draw layouts by their entries, draw bind groups cached by what
//! they bind (a draw that binds the same layout, arena chunks, views and
//! samplers as an earlier one reuses its bind group; uniform slices move
//! through dynamic offsets), and what units the guest left empty bind.

use super::pipeline::EntryKind;
use crate::core::base::error::{WgpuError, WgpuOp};
use crate::core::base::hash::FastMap;
use crate::core::gpu::device::Gpu;
use shader_translate::interface::TextureClass;
use std::collections::HashMap;

/// A layout entry: `binding`, seen by `visibility`, holding `ty`.
pub fn entry(
    binding: u32,
    visibility: wgpu::ShaderStages,
    ty: wgpu::BindingType,
) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility,
        ty,
        count: None,
    }
}

/// A uniform buffer binding, with a dynamic offset or not.
pub fn uniform(dynamic: bool) -> wgpu::BindingType {
    wgpu::BindingType::Buffer {
        ty: wgpu::BufferBindingType::Uniform,
        has_dynamic_offset: dynamic,
        min_binding_size: None,
    }
}

/// A read-only storage buffer binding, with a dynamic offset or not.
fn read_only_storage(dynamic: bool) -> wgpu::BindingType {
    wgpu::BindingType::Buffer {
        ty: wgpu::BufferBindingType::Storage { read_only: true },
        has_dynamic_offset: dynamic,
        min_binding_size: None,
    }
}

/// A single-sampled texture binding.
pub fn texture(
    view_dimension: wgpu::TextureViewDimension,
    sample_type: wgpu::TextureSampleType,
) -> wgpu::BindingType {
    wgpu::BindingType::Texture {
        sample_type,
        view_dimension,
        multisampled: false,
    }
}

impl EntryKind {
    /// How a draw layout declares this entry.
    pub fn binding_type(self) -> wgpu::BindingType {
        match self {
            EntryKind::Uniform => uniform(true),
            EntryKind::StaticUniform => uniform(false),
            EntryKind::Storage => read_only_storage(true),
            EntryKind::TexelBuffer => read_only_storage(false),
            EntryKind::Texture(dim, class, multisampled) => wgpu::BindingType::Texture {
                sample_type: match class {
                    TextureClass::Depth => wgpu::TextureSampleType::Depth,
                    TextureClass::Sint => wgpu::TextureSampleType::Sint,
                    TextureClass::Uint => wgpu::TextureSampleType::Uint,
                    // Multisampled textures are only loaded, never filtered.
                    TextureClass::Float => wgpu::TextureSampleType::Float {
                        filterable: !multisampled,
                    },
                },
                view_dimension: dim,
                multisampled,
            },
            EntryKind::Sampler(true) => {
                wgpu::BindingType::Sampler(wgpu::SamplerBindingType::Comparison)
            }
            EntryKind::Sampler(false) => {
                wgpu::BindingType::Sampler(wgpu::SamplerBindingType::Filtering)
            }
            EntryKind::StorageBuffer => wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Storage { read_only: false },
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            EntryKind::StorageImage(view_dimension, format, access) => {
                let load = access.contains(naga::StorageAccess::LOAD);
                let store = access.contains(naga::StorageAccess::STORE);
                wgpu::BindingType::StorageTexture {
                    access: match (load, store) {
                        (true, true) => wgpu::StorageTextureAccess::ReadWrite,
                        (true, false) => wgpu::StorageTextureAccess::ReadOnly,
                        _ => wgpu::StorageTextureAccess::WriteOnly,
                    },
                    format,
                    view_dimension,
                }
            }
        }
    }
}

/// Draw bind group layouts by stage and entries.
#[derive(Default)]
pub struct LayoutCache {
    layouts: FastMap<(wgpu::ShaderStages, Vec<(u32, EntryKind)>), wgpu::BindGroupLayout>,
}

impl LayoutCache {
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
                    .map(|&(binding, kind)| entry(binding, stage, kind.binding_type()))
                    .collect();
                device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                    label: None,
                    entries: &e,
                })
            })
            .clone()
    }
}

/// What units the guest left empty bind: a black opaque texture per view
/// dimension and a default sampler.
#[derive(Default)]
pub struct Unbound {
    dummies: HashMap<(wgpu::TextureViewDimension, TextureClass), wgpu::TextureView>,
    sampler: Option<wgpu::Sampler>,
}

impl Unbound {
    /// A 1×1 (×6 for cubes) black opaque texture view for unbound units:
    /// (0, 0, 0, 1), integers for integer classes.
    pub fn dummy(
        &mut self,
        gpu: &Gpu,
        dim: wgpu::TextureViewDimension,
        class: TextureClass,
    ) -> wgpu::TextureView {
        self.dummies
            .entry((dim, class))
            .or_insert_with(|| {
                let (format, texel) = match class {
                    TextureClass::Uint => (wgpu::TextureFormat::Rgba8Uint, [0u8, 0, 0, 1]),
                    TextureClass::Sint => (wgpu::TextureFormat::Rgba8Sint, [0u8, 0, 0, 1]),
                    _ => (wgpu::TextureFormat::Rgba8Unorm, [0u8, 0, 0, 255]),
                };
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
                    format,
                    usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
                    view_formats: &[],
                });
                let texel = texel.repeat(layers as usize);
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
    pub fn sampler(&mut self, device: &wgpu::Device) -> wgpu::Sampler {
        self.sampler
            .get_or_insert_with(|| device.create_sampler(&wgpu::SamplerDescriptor::default()))
            .clone()
    }
}

/// Cached bind groups kept before the cache starts over (each holds its
/// views and samplers alive).
const MAX_CACHED: usize = 256;

/// What a bind group binds, entries in binding order.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BindGroupKey {
    /// Its layout.
    pub layout: wgpu::BindGroupLayout,
    /// Buffers: binding, arena chunk, bound size, and the offset of a
    /// static binding (0 for dynamic ones, whose offsets the draw sets).
    pub buffers: Vec<(u32, wgpu::Buffer, u64, u64)>,
    /// Sampled textures.
    pub views: Vec<(u32, wgpu::TextureView)>,
    /// Samplers.
    pub samplers: Vec<(u32, wgpu::Sampler)>,
}

/// Bind groups by [`BindGroupKey`].
#[derive(Default)]
pub struct BindGroupCache {
    groups: FastMap<BindGroupKey, wgpu::BindGroup>,
}

impl BindGroupCache {
    /// The bind group for `key`, created on a miss (wgpu errors returned).
    pub fn get(&mut self, gpu: &Gpu, key: &BindGroupKey) -> Result<wgpu::BindGroup, WgpuError> {
        if let Some(g) = self.groups.get(key) {
            return Ok(g.clone());
        }
        let mut entries = Vec::new();
        for (binding, buffer, size, offset) in &key.buffers {
            entries.push(wgpu::BindGroupEntry {
                binding: *binding,
                resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                    buffer,
                    offset: *offset,
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
        let group = gpu.checked(WgpuOp::CreateBindGroup, || {
            gpu.device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: None,
                layout: &key.layout,
                entries: &entries,
            })
        })?;
        if self.groups.len() >= MAX_CACHED {
            self.groups.clear();
        }
        self.groups.insert(key.clone(), group.clone());
        Ok(group)
    }
}
