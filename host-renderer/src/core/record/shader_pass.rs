//! The renderer's own full-target passes (blits, depth uploads): a WGSL
//! program with `vs` and `fs` entry points and one bind group, its layouts,
//! and the pipelines and passes it is drawn with.

/// A WGSL program the renderer draws itself, with one bind group.
pub struct ShaderPass {
    module: wgpu::ShaderModule,
    bind_group_layout: wgpu::BindGroupLayout,
    layout: wgpu::PipelineLayout,
}

impl ShaderPass {
    /// Compiles `wgsl` and makes the layouts for bind group `entries`, all
    /// labelled `label`.
    pub fn new(
        device: &wgpu::Device,
        label: &'static str,
        wgsl: impl Into<std::borrow::Cow<'static, str>>,
        entries: &[wgpu::BindGroupLayoutEntry],
    ) -> Self {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some(label),
            source: wgpu::ShaderSource::Wgsl(wgsl.into()),
        });
        let bind_group_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some(label),
            entries,
        });
        let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some(label),
            bind_group_layouts: &[Some(&bind_group_layout)],
            immediate_size: 0,
        });
        Self {
            module,
            bind_group_layout,
            layout,
        }
    }

    /// A pipeline of the program (no vertex buffers) drawing into
    /// attachments of `samples` samples.
    pub fn pipeline(
        &self,
        device: &wgpu::Device,
        label: &'static str,
        primitive: wgpu::PrimitiveState,
        depth_stencil: Option<wgpu::DepthStencilState>,
        targets: &[Option<wgpu::ColorTargetState>],
        samples: u32,
    ) -> wgpu::RenderPipeline {
        device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some(label),
            layout: Some(&self.layout),
            vertex: wgpu::VertexState {
                module: &self.module,
                entry_point: Some("vs"),
                compilation_options: Default::default(),
                buffers: &[],
            },
            primitive,
            depth_stencil,
            multisample: wgpu::MultisampleState {
                count: samples,
                ..Default::default()
            },
            fragment: Some(wgpu::FragmentState {
                module: &self.module,
                entry_point: Some("fs"),
                compilation_options: Default::default(),
                targets,
            }),
            multiview_mask: None,
            cache: None,
        })
    }

    /// A bind group of the program's layout.
    pub fn bind_group(
        &self,
        device: &wgpu::Device,
        entries: &[wgpu::BindGroupEntry<'_>],
    ) -> wgpu::BindGroup {
        device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &self.bind_group_layout,
            entries,
        })
    }
}

/// Load, then store: an attachment keeps what it holds.
pub fn keep<V>() -> wgpu::Operations<V> {
    wgpu::Operations {
        load: wgpu::LoadOp::Load,
        store: wgpu::StoreOp::Store,
    }
}

/// Begins a pass on the one colour attachment `view` (slice `depth_slice`
/// of a 3D view), keeping its contents (and resolving it into
/// `resolve_target`, if any, as the pass ends).
pub fn color_pass<'e>(
    encoder: &'e mut wgpu::CommandEncoder,
    label: &'static str,
    (view, depth_slice): (&wgpu::TextureView, Option<u32>),
    resolve_target: Option<&wgpu::TextureView>,
) -> wgpu::RenderPass<'e> {
    encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
        label: Some(label),
        color_attachments: &[Some(wgpu::RenderPassColorAttachment {
            view,
            depth_slice,
            resolve_target,
            ops: keep(),
        })],
        depth_stencil_attachment: None,
        timestamp_writes: None,
        occlusion_query_set: None,
        multiview_mask: None,
    })
}
