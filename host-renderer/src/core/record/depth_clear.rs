//! Clears of part of a depth/stencil surface (the framebuffer's area when
//! the surface is larger, `mixed_sizes`): a triangle covering a viewport
//! of that area whose depth range is the clear depth (compare ALWAYS), the
//! stencil replaced by the reference value, no fragment stage.

use crate::core::gpu::device::Gpu;
use crate::core::state::objects::SurfaceObj;
use std::collections::HashMap;

const WGSL: &str = r"
@vertex fn vs(@builtin(vertex_index) i: u32) -> @builtin(position) vec4<f32> {
    return vec4<f32>(f32(i & 1u) * 4.0 - 1.0, f32(i >> 1u) * 4.0 - 1.0, 0.0, 1.0);
}
";

/// What one clear writes: the depth value, the stencil value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DepthStencilClear {
    /// Depth, in [0, 1].
    pub depth: Option<f32>,
    /// Stencil.
    pub stencil: Option<u32>,
}

/// The program and its pipelines by format, samples and aspects written.
#[derive(Default)]
pub struct DepthClearer {
    module: Option<wgpu::ShaderModule>,
    pipelines: HashMap<(wgpu::TextureFormat, u32, bool, bool), wgpu::RenderPipeline>,
}

impl DepthClearer {
    /// Records into `encoder` a pass clearing the `size` area (from the
    /// origin) of depth/stencil surface `z` as `c` says.
    pub fn clear(
        &mut self,
        gpu: &Gpu,
        encoder: &mut wgpu::CommandEncoder,
        z: &SurfaceObj,
        size: (u32, u32),
        c: DepthStencilClear,
    ) {
        let device = &gpu.device;
        let module = self.module.get_or_insert_with(|| {
            device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some("depth/stencil clear"),
                source: wgpu::ShaderSource::Wgsl(WGSL.into()),
            })
        });
        let key = (
            z.host_format,
            z.samples,
            c.depth.is_some(),
            c.stencil.is_some(),
        );
        let pipeline = self
            .pipelines
            .entry(key)
            .or_insert_with(|| pipeline(device, module, key));
        let has_depth = z.host_format.has_depth_aspect();
        let has_stencil = z.host_format.has_stencil_aspect();
        let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("depth/stencil clear"),
            color_attachments: &[],
            depth_stencil_attachment: Some(wgpu::RenderPassDepthStencilAttachment {
                view: &z.view,
                depth_ops: has_depth.then_some(super::shader_pass::keep()),
                stencil_ops: has_stencil.then_some(super::shader_pass::keep()),
            }),
            timestamp_writes: None,
            occlusion_query_set: None,
            multiview_mask: None,
        });
        let (w, h) = size;
        let depth = c.depth.unwrap_or(0.0);
        pass.set_pipeline(pipeline);
        pass.set_viewport(0.0, 0.0, w as f32, h as f32, depth, depth);
        pass.set_scissor_rect(0, 0, w, h);
        pass.set_stencil_reference(c.stencil.unwrap_or(0));
        pass.draw(0..3, 0..1);
    }
}

/// The pipeline writing the aspects `key` names.
fn pipeline(
    device: &wgpu::Device,
    module: &wgpu::ShaderModule,
    (format, samples, depth, stencil): (wgpu::TextureFormat, u32, bool, bool),
) -> wgpu::RenderPipeline {
    let face = wgpu::StencilFaceState {
        compare: wgpu::CompareFunction::Always,
        fail_op: wgpu::StencilOperation::Keep,
        depth_fail_op: wgpu::StencilOperation::Keep,
        pass_op: wgpu::StencilOperation::Replace,
    };
    device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
        label: Some("depth/stencil clear"),
        layout: None,
        vertex: wgpu::VertexState {
            module,
            entry_point: Some("vs"),
            compilation_options: Default::default(),
            buffers: &[],
        },
        primitive: wgpu::PrimitiveState::default(),
        depth_stencil: Some(wgpu::DepthStencilState {
            format,
            depth_write_enabled: Some(depth),
            depth_compare: Some(wgpu::CompareFunction::Always),
            stencil: wgpu::StencilState {
                front: face,
                back: face,
                read_mask: 0xff,
                write_mask: if stencil { 0xff } else { 0 },
            },
            bias: wgpu::DepthBiasState::default(),
        }),
        multisample: wgpu::MultisampleState {
            count: samples,
            ..Default::default()
        },
        fragment: None,
        multiview_mask: None,
        cache: None,
    })
}
