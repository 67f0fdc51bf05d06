//! Depth uploads: wgpu forbids copies into the depth aspect of
//! `Depth32Float` / `Depth32FloatStencil8`, so guest depth data goes into an
//! `R32Float` staging texture and a full-screen pass writes it with
//! `frag_depth` (compare ALWAYS), restricted to the box by viewport and scissor.

use super::bind_groups::{entry, texture, uniform};
use super::shader_pass::{keep, ShaderPass};
use crate::core::base::layout::Region;
use crate::core::gpu::device::Gpu;
use std::collections::HashMap;

const WGSL: &str = r"
@group(0) @binding(0) var src: texture_2d<f32>;
@group(0) @binding(1) var<uniform> origin: vec4<i32>;
@vertex fn vs(@builtin(vertex_index) i: u32) -> @builtin(position) vec4<f32> {
    return vec4<f32>(f32(i & 1u) * 4.0 - 1.0, f32(i >> 1u) * 4.0 - 1.0, 0.0, 1.0);
}
@fragment fn fs(@builtin(position) p: vec4<f32>) -> @builtin(frag_depth) f32 {
    return textureLoad(src, vec2<i32>(p.xy) - origin.xy, 0).r;
}
";

/// The depth-writing program and its pipelines by depth format.
#[derive(Default)]
pub struct DepthWriter {
    program: Option<ShaderPass>,
    pipelines: HashMap<wgpu::TextureFormat, wgpu::RenderPipeline>,
}

/// The depth-writing program: staged depth and the box origin.
fn program(device: &wgpu::Device) -> ShaderPass {
    let fragment = wgpu::ShaderStages::FRAGMENT;
    let float = wgpu::TextureSampleType::Float { filterable: false };
    ShaderPass::new(
        device,
        "depth upload",
        WGSL,
        &[
            entry(0, fragment, texture(wgpu::TextureViewDimension::D2, float)),
            entry(1, fragment, uniform(false)),
        ],
    )
}

impl DepthWriter {
    /// Records into `encoder` the passes writing `depth` (f32 per texel,
    /// `r.layers` layers of `r.height` rows of `r.width`) into `texture`.
    pub fn write(
        &mut self,
        gpu: &Gpu,
        encoder: &mut wgpu::CommandEncoder,
        texture: &wgpu::Texture,
        format: wgpu::TextureFormat,
        r: &Region,
        depth: &[u8],
    ) {
        let device = &gpu.device;
        let program = self.program.get_or_insert_with(|| program(device));
        let pipeline = self
            .pipelines
            .entry(format)
            .or_insert_with(|| {
                program.pipeline(
                    device,
                    "depth upload",
                    wgpu::PrimitiveState::default(),
                    Some(wgpu::DepthStencilState {
                        format,
                        depth_write_enabled: Some(true),
                        depth_compare: Some(wgpu::CompareFunction::Always),
                        stencil: wgpu::StencilState::default(),
                        bias: wgpu::DepthBiasState::default(),
                    }),
                    &[],
                    1,
                )
            })
            .clone();
        let size = wgpu::Extent3d {
            width: r.width,
            height: r.height,
            depth_or_array_layers: r.layers,
        };
        let staging = device.create_texture(&wgpu::TextureDescriptor {
            label: Some("depth staging"),
            size,
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: wgpu::TextureFormat::R32Float,
            usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
            view_formats: &[],
        });
        gpu.queue.write_texture(
            staging.as_image_copy(),
            depth,
            wgpu::TexelCopyBufferLayout {
                offset: 0,
                bytes_per_row: Some(r.width * 4),
                rows_per_image: Some(r.height),
            },
            size,
        );
        let origin: [i32; 4] = [r.origin.x as i32, r.origin.y as i32, 0, 0];
        let ubuf = wgpu::util::DeviceExt::create_buffer_init(
            device,
            &wgpu::util::BufferInitDescriptor {
                label: Some("depth origin"),
                contents: bytemuck::cast_slice(&origin),
                usage: wgpu::BufferUsages::UNIFORM,
            },
        );
        for layer in 0..r.layers {
            let src = staging.create_view(&wgpu::TextureViewDescriptor {
                dimension: Some(wgpu::TextureViewDimension::D2),
                base_array_layer: layer,
                array_layer_count: Some(1),
                ..Default::default()
            });
            let dst = texture.create_view(&wgpu::TextureViewDescriptor {
                dimension: Some(wgpu::TextureViewDimension::D2),
                usage: Some(wgpu::TextureUsages::RENDER_ATTACHMENT),
                base_mip_level: r.level,
                mip_level_count: Some(1),
                base_array_layer: r.origin.z + layer,
                array_layer_count: Some(1),
                ..Default::default()
            });
            let bind = program.bind_group(
                device,
                &[
                    wgpu::BindGroupEntry {
                        binding: 0,
                        resource: wgpu::BindingResource::TextureView(&src),
                    },
                    wgpu::BindGroupEntry {
                        binding: 1,
                        resource: ubuf.as_entire_binding(),
                    },
                ],
            );
            let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
                label: Some("depth upload"),
                color_attachments: &[],
                depth_stencil_attachment: Some(wgpu::RenderPassDepthStencilAttachment {
                    view: &dst,
                    depth_ops: Some(keep()),
                    stencil_ops: format.has_stencil_aspect().then(keep),
                }),
                timestamp_writes: None,
                occlusion_query_set: None,
                multiview_mask: None,
            });
            pass.set_pipeline(&pipeline);
            pass.set_bind_group(0, &bind, &[]);
            let (x, y) = (r.origin.x, r.origin.y);
            pass.set_viewport(
                x as f32,
                y as f32,
                r.width as f32,
                r.height as f32,
                0.0,
                1.0,
            );
            pass.set_scissor_rect(x, y, r.width, r.height);
            pass.draw(0..3, 0..1);
        }
    }
}
