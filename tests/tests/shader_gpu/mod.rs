//! The GPU harness shared by the shader tests: the Vulkan device, bind group
//! layouts and bind groups built from a translation's `Interface` alone (as
//! the renderer will build them), pipelines, and single draws read back as
//! raw 32-bit lanes.
//!
//! Without a Vulkan adapter `gpu()` panics with a clear message: GPU tests
//! fail, they do not skip.

use shader_translate::interface::{DriverUniforms, TextureClass, Usage};
use shader_translate::{translate, Interface, Options, Translation};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;
use wgpu::util::DeviceExt as _;

/// Four raw 32-bit lanes.
pub type V = [u32; 4];

/// Clear colour of draw targets (what discarded pixels keep).
pub const CLEAR: f64 = -7.0;

pub struct Gpu {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
}

/// The shared device: Vulkan only; panics (fails the test) without one.
pub fn gpu() -> &'static Gpu {
    static GPU: OnceLock<Gpu> = OnceLock::new();
    GPU.get_or_init(|| {
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
            backends: wgpu::Backends::VULKAN,
            ..wgpu::InstanceDescriptor::new_without_display_handle()
        });
        let adapter = pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions::default()))
            .unwrap_or_else(|e| {
                panic!(
                    "GPU tests need a Vulkan adapter and found none ({e}). Install lavapipe \
                     (`apt-get install mesa-vulkan-drivers`) or run on a machine with a Vulkan driver."
                )
            });
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("shader_exec"),
            required_features: adapter.features() & wgpu::Features::CLIP_DISTANCES,
            required_limits: adapter.limits(),
            ..Default::default()
        }))
        .expect("request_device");
        eprintln!("shader tests: running on {:?}", adapter.get_info().name);
        Gpu { device, queue }
    })
}

pub fn tr(text: &str, options: &Options) -> Translation {
    translate(text, options)
        .unwrap_or_else(|e| panic!("translation failed:\n{}\n{text}", e.render(text)))
}

/// Bind group layout for a stage, from its interface alone.
pub fn layout(device: &wgpu::Device, iface: &Interface) -> wgpu::BindGroupLayout {
    let visibility = match iface.stage {
        shader_translate::ast::Stage::Vertex => wgpu::ShaderStages::VERTEX,
        _ => wgpu::ShaderStages::FRAGMENT,
    };
    let uniform = |binding, size: u64| wgpu::BindGroupLayoutEntry {
        binding,
        visibility,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Uniform,
            has_dynamic_offset: false,
            min_binding_size: wgpu::BufferSize::new(size),
        },
        count: None,
    };
    let mut entries: Vec<_> = iface
        .constant_buffers
        .iter()
        .map(|cb| uniform(cb.binding.binding, cb.size))
        .collect();
    if let Some(b) = iface.driver_uniforms {
        entries.push(uniform(b.binding, DriverUniforms::SIZE));
    }
    for t in &iface.texel_buffers {
        entries.push(wgpu::BindGroupLayoutEntry {
            binding: t.binding.binding,
            visibility,
            ty: wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Storage { read_only: true },
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        });
    }
    for t in &iface.textures {
        let sample_type = match t.class {
            TextureClass::Float => wgpu::TextureSampleType::Float { filterable: true },
            TextureClass::Depth => wgpu::TextureSampleType::Depth,
            TextureClass::Sint => wgpu::TextureSampleType::Sint,
            TextureClass::Uint => wgpu::TextureSampleType::Uint,
        };
        entries.push(wgpu::BindGroupLayoutEntry {
            binding: t.texture.binding,
            visibility,
            ty: wgpu::BindingType::Texture {
                sample_type,
                view_dimension: view_dimension(t.dimension, t.arrayed),
                multisampled: t.multisampled,
            },
            count: None,
        });
        if let Some(s) = t.sampler {
            let ty = if t.comparison {
                wgpu::SamplerBindingType::Comparison
            } else {
                wgpu::SamplerBindingType::Filtering
            };
            entries.push(wgpu::BindGroupLayoutEntry {
                binding: s.binding,
                visibility,
                ty: wgpu::BindingType::Sampler(ty),
                count: None,
            });
        }
    }
    device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
        label: None,
        entries: &entries,
    })
}

pub fn view_dimension(dim: naga::ImageDimension, arrayed: bool) -> wgpu::TextureViewDimension {
    use naga::ImageDimension as D;
    match (dim, arrayed) {
        (D::D1, _) => wgpu::TextureViewDimension::D1,
        (D::D2, false) => wgpu::TextureViewDimension::D2,
        (D::D2, true) => wgpu::TextureViewDimension::D2Array,
        (D::D3, _) => wgpu::TextureViewDimension::D3,
        (D::Cube, false) => wgpu::TextureViewDimension::Cube,
        (D::Cube, true) => wgpu::TextureViewDimension::CubeArray,
    }
}

/// What one stage's bind group holds.
#[derive(Default)]
pub struct StageResources<'a> {
    /// Constant buffer contents by buffer index.
    pub constants: HashMap<u32, Vec<V>>,
    pub driver: DriverUniforms,
    /// Texture view and sampler by unit.
    pub textures: HashMap<u32, (&'a wgpu::TextureView, &'a wgpu::Sampler)>,
    /// Texture buffer bytes by unit (padded to a multiple of 4 bytes).
    pub texel_buffers: HashMap<u32, Vec<u8>>,
}

pub fn bind_group(
    gpu: &Gpu,
    iface: &Interface,
    layout: &wgpu::BindGroupLayout,
    res: &StageResources<'_>,
) -> wgpu::BindGroup {
    let mut buffers = Vec::new();
    for cb in &iface.constant_buffers {
        let mut data: Vec<u8> = res
            .constants
            .get(&cb.index)
            .map(|v| v.iter().flatten().flat_map(|x| x.to_le_bytes()).collect())
            .unwrap_or_default();
        data.resize(cb.size as usize, 0);
        let buffer = gpu
            .device
            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: None,
                contents: &data,
                usage: wgpu::BufferUsages::UNIFORM,
            });
        buffers.push((cb.binding.binding, buffer));
    }
    if let Some(b) = iface.driver_uniforms {
        let buffer = gpu
            .device
            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: None,
                contents: &res.driver.to_bytes(),
                usage: wgpu::BufferUsages::UNIFORM,
            });
        buffers.push((b.binding, buffer));
    }
    for t in &iface.texel_buffers {
        let mut data = res.texel_buffers.get(&t.unit).cloned().unwrap_or_default();
        data.resize(data.len().max(4).div_ceil(4) * 4, 0);
        let buffer = gpu
            .device
            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: None,
                contents: &data,
                usage: wgpu::BufferUsages::STORAGE,
            });
        buffers.push((t.binding.binding, buffer));
    }
    let mut entries: Vec<wgpu::BindGroupEntry<'_>> = buffers
        .iter()
        .map(|(binding, buffer)| wgpu::BindGroupEntry {
            binding: *binding,
            resource: buffer.as_entire_binding(),
        })
        .collect();
    for t in &iface.textures {
        let (view, sampler) = res
            .textures
            .get(&t.unit)
            .unwrap_or_else(|| panic!("no texture for unit {}", t.unit));
        entries.push(wgpu::BindGroupEntry {
            binding: t.texture.binding,
            resource: wgpu::BindingResource::TextureView(view),
        });
        if let Some(s) = t.sampler {
            entries.push(wgpu::BindGroupEntry {
                binding: s.binding,
                resource: wgpu::BindingResource::Sampler(sampler),
            });
        }
    }
    gpu.device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: None,
        layout,
        entries: &entries,
    })
}

/// A render pipeline and the bind group layouts it was built with.
pub struct Pipeline {
    pub pipeline: wgpu::RenderPipeline,
    pub vs_layout: wgpu::BindGroupLayout,
    pub fs_layout: wgpu::BindGroupLayout,
}

/// Builds the pipeline of a VS and an FS from their modules and interfaces
/// alone (vertex input `i` at offset 16·i of one buffer, colour target `n`
/// of format `targets[n]`); wgpu's validation errors come back as `Err`.
pub fn pipeline(
    vs: &Translation,
    fs: &Translation,
    targets: &[Option<wgpu::TextureFormat>],
) -> Result<Pipeline, String> {
    let device = &gpu().device;
    let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
    let vs_module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some("vs"),
        source: wgpu::ShaderSource::Naga(Cow::Owned(vs.module.clone())),
    });
    let fs_module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some("fs"),
        source: wgpu::ShaderSource::Naga(Cow::Owned(fs.module.clone())),
    });
    let vs_layout = layout(device, &vs.interface);
    let fs_layout = layout(device, &fs.interface);
    let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
        label: None,
        bind_group_layouts: &[Some(&vs_layout), Some(&fs_layout)],
        immediate_size: 0,
    });
    let attributes: Vec<wgpu::VertexAttribute> = vs
        .interface
        .inputs
        .iter()
        .enumerate()
        .filter_map(|(k, v)| match v.usage {
            Usage::Location { location, .. } => Some(wgpu::VertexAttribute {
                format: wgpu::VertexFormat::Float32x4,
                offset: 16 * k as u64,
                shader_location: location,
            }),
            _ => None,
        })
        .collect();
    let targets: Vec<Option<wgpu::ColorTargetState>> = targets
        .iter()
        .map(|t| t.map(wgpu::ColorTargetState::from))
        .collect();
    let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
        label: None,
        layout: Some(&pipeline_layout),
        vertex: wgpu::VertexState {
            module: &vs_module,
            entry_point: Some("main"),
            compilation_options: Default::default(),
            buffers: &[Some(wgpu::VertexBufferLayout {
                array_stride: 16 * attributes.len().max(1) as u64,
                step_mode: wgpu::VertexStepMode::Vertex,
                attributes: &attributes,
            })],
        },
        primitive: wgpu::PrimitiveState::default(),
        depth_stencil: None,
        multisample: wgpu::MultisampleState::default(),
        fragment: Some(wgpu::FragmentState {
            module: &fs_module,
            entry_point: Some("main"),
            compilation_options: Default::default(),
            targets: &targets,
        }),
        multiview_mask: None,
        cache: None,
    });
    match pollster::block_on(scope.pop()) {
        Some(e) => Err(format!(
            "wgpu rejected the pipeline: {e}\nVS:\n{}\nFS:\n{}",
            wgsl(vs),
            wgsl(fs)
        )),
        None => Ok(Pipeline {
            pipeline,
            vs_layout,
            fs_layout,
        }),
    }
}

/// A draw: shaders, their resources, the target size and vertices.
pub struct Draw<'a> {
    pub vs: &'a Translation,
    pub fs: &'a Translation,
    pub vs_res: StageResources<'a>,
    pub fs_res: StageResources<'a>,
    pub width: u32,
    pub height: u32,
    /// Clip-space positions (GL convention), as triangles.
    pub vertices: Vec<[f32; 4]>,
    /// Colour targets written (`Rgba32Float` unless `formats` says).
    pub targets: u32,
    /// Formats of the first targets (16-byte texels); the rest are
    /// `Rgba32Float`.
    pub formats: Vec<wgpu::TextureFormat>,
}

impl Draw<'_> {
    pub fn new<'a>(vs: &'a Translation, fs: &'a Translation, width: u32, height: u32) -> Draw<'a> {
        Draw {
            vs,
            fs,
            vs_res: StageResources::default(),
            fs_res: StageResources::default(),
            width,
            height,
            vertices: vec![
                [-1.0, -1.0, 0.0, 1.0],
                [3.0, -1.0, 0.0, 1.0],
                [-1.0, 3.0, 0.0, 1.0],
            ],
            targets: 1,
            formats: Vec::new(),
        }
    }

    fn format(&self, i: u32) -> wgpu::TextureFormat {
        self.formats
            .get(i as usize)
            .copied()
            .unwrap_or(wgpu::TextureFormat::Rgba32Float)
    }

    /// Runs the draw; returns the raw lanes of each target, row-major.
    pub fn run(&self) -> Vec<Vec<V>> {
        let gpu = gpu();
        let device = &gpu.device;
        let targets: Vec<_> = (0..self.targets).map(|i| Some(self.format(i))).collect();
        let built = pipeline(self.vs, self.fs, &targets).unwrap_or_else(|e| panic!("{e}"));
        let vs_group = bind_group(gpu, &self.vs.interface, &built.vs_layout, &self.vs_res);
        let fs_group = bind_group(gpu, &self.fs.interface, &built.fs_layout, &self.fs_res);
        let vertex_data: Vec<u8> = self
            .vertices
            .iter()
            .flatten()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        let vertex_buffer = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: None,
            contents: &vertex_data,
            usage: wgpu::BufferUsages::VERTEX,
        });
        let size = wgpu::Extent3d {
            width: self.width,
            height: self.height,
            depth_or_array_layers: 1,
        };
        let textures: Vec<wgpu::Texture> = (0..self.targets)
            .map(|i| {
                device.create_texture(&wgpu::TextureDescriptor {
                    label: None,
                    size,
                    mip_level_count: 1,
                    sample_count: 1,
                    dimension: wgpu::TextureDimension::D2,
                    format: self.format(i),
                    usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
                    view_formats: &[],
                })
            })
            .collect();
        let views: Vec<wgpu::TextureView> = textures
            .iter()
            .map(|t| t.create_view(&Default::default()))
            .collect();
        let bytes_per_row = (self.width * 16).div_ceil(256) * 256;
        let readback: Vec<wgpu::Buffer> = textures
            .iter()
            .map(|_| {
                device.create_buffer(&wgpu::BufferDescriptor {
                    label: None,
                    size: u64::from(bytes_per_row * self.height),
                    usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
                    mapped_at_creation: false,
                })
            })
            .collect();
        let mut encoder = device.create_command_encoder(&Default::default());
        {
            let attachments: Vec<Option<wgpu::RenderPassColorAttachment<'_>>> = views
                .iter()
                .map(|view| {
                    Some(wgpu::RenderPassColorAttachment {
                        view,
                        depth_slice: None,
                        resolve_target: None,
                        ops: wgpu::Operations {
                            load: wgpu::LoadOp::Clear(wgpu::Color {
                                r: CLEAR,
                                g: CLEAR,
                                b: CLEAR,
                                a: CLEAR,
                            }),
                            store: wgpu::StoreOp::Store,
                        },
                    })
                })
                .collect();
            let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
                label: None,
                color_attachments: &attachments,
                depth_stencil_attachment: None,
                timestamp_writes: None,
                occlusion_query_set: None,
                multiview_mask: None,
            });
            pass.set_pipeline(&built.pipeline);
            pass.set_bind_group(0, &vs_group, &[]);
            pass.set_bind_group(1, &fs_group, &[]);
            pass.set_vertex_buffer(0, vertex_buffer.slice(..));
            pass.draw(0..self.vertices.len() as u32, 0..1);
        }
        for (texture, buffer) in textures.iter().zip(&readback) {
            encoder.copy_texture_to_buffer(
                texture.as_image_copy(),
                wgpu::TexelCopyBufferInfo {
                    buffer,
                    layout: wgpu::TexelCopyBufferLayout {
                        offset: 0,
                        bytes_per_row: Some(bytes_per_row),
                        rows_per_image: None,
                    },
                },
                size,
            );
        }
        gpu.queue.submit([encoder.finish()]);
        readback
            .iter()
            .map(|buffer| {
                buffer
                    .slice(..)
                    .map_async(wgpu::MapMode::Read, |r| r.expect("map"));
                device
                    .poll(wgpu::PollType::wait_indefinitely())
                    .expect("poll");
                let data = buffer.slice(..).get_mapped_range().expect("mapped range");
                let mut out = Vec::new();
                for row in 0..self.height {
                    for x in 0..self.width {
                        let at = (row * bytes_per_row + x * 16) as usize;
                        let lane = |i: usize| {
                            u32::from_le_bytes(data[at + 4 * i..at + 4 * i + 4].try_into().unwrap())
                        };
                        out.push([lane(0), lane(1), lane(2), lane(3)]);
                    }
                }
                out
            })
            .collect()
    }
}

pub fn wgsl(t: &Translation) -> String {
    t.to_wgsl().unwrap_or_else(|e| e.to_string())
}
