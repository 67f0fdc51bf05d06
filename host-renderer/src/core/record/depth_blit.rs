//! Depth blits that are not texel copies (scaled, flipped, or between depth
//! formats, as glCopyTexImage from a depth buffer and glGenerateMipmap of a
//! depth texture make): a full-screen pass samples the source's depth with
//! the nearest texel, as GL filters depth blits, and writes it with
//! `frag_depth` (compare ALWAYS), restricted to the destination rectangle
//! by viewport and scissor.

use super::bind_groups::{entry, texture, uniform};
use super::blitter::BLIT_VERTEX_WGSL;
use super::shader_pass::{keep, ShaderPass};
use std::collections::HashMap;

const WGSL: &str = r"
@group(0) @binding(0) var src: texture_depth_2d;
@group(0) @binding(1) var samp: sampler;
@group(0) @binding(2) var<uniform> rect: vec4<f32>;
fn source_rect() -> vec4<f32> { return rect; }
@fragment fn fs(v: VOut) -> @builtin(frag_depth) f32 {
    return textureSampleLevel(src, samp, v.uv, 0);
}
";

/// The depth blit program and its pipelines by destination format and
/// samples.
#[derive(Default)]
pub struct DepthBlitter {
    program: Option<ShaderPass>,
    pipelines: HashMap<(wgpu::TextureFormat, u32), wgpu::RenderPipeline>,
}

/// What one depth blit reads and writes.
pub struct DepthBlit<'a> {
    /// The source level and layer: a depth-aspect view.
    pub src: &'a wgpu::TextureView,
    /// A nearest sampler.
    pub sampler: &'a wgpu::Sampler,
    /// The destination level and layer: a render view of the whole format.
    pub dst: &'a wgpu::TextureView,
    /// The destination's format.
    pub format: wgpu::TextureFormat,
    /// The destination's samples per pixel.
    pub samples: u32,
    /// The source rectangle in normalized coordinates, oriented as the
    /// destination: left, top, right, bottom.
    pub rect: [f32; 4],
    /// The destination rectangle: x, y, width, height.
    pub viewport: [f32; 4],
    /// The pixels written: x0, y0, x1, y1 (inside the viewport).
    pub scissor: [u32; 4],
}

/// The depth blit program: source depth, sampler and source rectangle.
fn program(device: &wgpu::Device) -> ShaderPass {
    let fragment = wgpu::ShaderStages::FRAGMENT;
    let nearest = wgpu::BindingType::Sampler(wgpu::SamplerBindingType::NonFiltering);
    ShaderPass::new(
        device,
        "depth blit",
        format!("{WGSL}{BLIT_VERTEX_WGSL}"),
        &[
            entry(
                0,
                fragment,
                texture(
                    wgpu::TextureViewDimension::D2,
                    wgpu::TextureSampleType::Depth,
                ),
            ),
            entry(1, fragment, nearest),
            entry(2, wgpu::ShaderStages::VERTEX, uniform(false)),
        ],
    )
}

impl DepthBlitter {
    /// Records `b` into `encoder` (a pass of its own; stencil is kept).
    pub fn record(
        &mut self,
        device: &wgpu::Device,
        encoder: &mut wgpu::CommandEncoder,
        b: &DepthBlit<'_>,
    ) {
        let program = self.program.get_or_insert_with(|| program(device));
        let pipeline = self
            .pipelines
            .entry((b.format, b.samples))
            .or_insert_with(|| {
                program.pipeline(
                    device,
                    "depth blit",
                    wgpu::PrimitiveState {
                        topology: wgpu::PrimitiveTopology::TriangleStrip,
                        ..Default::default()
                    },
                    Some(wgpu::DepthStencilState {
                        format: b.format,
                        depth_write_enabled: Some(true),
                        depth_compare: Some(wgpu::CompareFunction::Always),
                        stencil: wgpu::StencilState::default(),
                        bias: wgpu::DepthBiasState::default(),
                    }),
                    &[],
                    b.samples,
                )
            })
            .clone();
        let rect = wgpu::util::DeviceExt::create_buffer_init(
            device,
            &wgpu::util::BufferInitDescriptor {
                label: Some("depth blit rect"),
                contents: bytemuck::cast_slice(&b.rect),
                usage: wgpu::BufferUsages::UNIFORM,
            },
        );
        let bind = program.bind_group(
            device,
            &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: wgpu::BindingResource::TextureView(b.src),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: wgpu::BindingResource::Sampler(b.sampler),
                },
                wgpu::BindGroupEntry {
                    binding: 2,
                    resource: rect.as_entire_binding(),
                },
            ],
        );
        let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("depth blit"),
            color_attachments: &[],
            depth_stencil_attachment: Some(wgpu::RenderPassDepthStencilAttachment {
                view: b.dst,
                depth_ops: Some(keep()),
                stencil_ops: b.format.has_stencil_aspect().then(keep),
            }),
            timestamp_writes: None,
            occlusion_query_set: None,
            multiview_mask: None,
        });
        pass.set_pipeline(&pipeline);
        pass.set_bind_group(0, &bind, &[]);
        let [x, y, w, h] = b.viewport;
        pass.set_viewport(x, y, w, h, 0.0, 1.0);
        let [x0, y0, x1, y1] = b.scissor;
        pass.set_scissor_rect(x0, y0, x1 - x0, y1 - y0);
        pass.draw(0..4, 0..1);
    }
}
