//! Recording one raw draw: range checks, descriptors, and the commands.

use super::{pipeline, RawCache, MAX_CACHED};
use crate::core::gpu::raw::RawDevice;
use crate::core::record::pipeline::PipelineKey;
use crate::core::record::uniforms::UniformSlice;
use ash::vk;
use guest_protocol::virgl::SamplerState;
use std::ops::Range;
use wgpu::hal::api::Vulkan;

/// One resource bound to a shader binding of a raw draw.
pub enum Binding<'a> {
    /// Uniform buffer range.
    Buffer(&'a UniformSlice),
    /// Sampled texture view.
    View(&'a wgpu::TextureView),
    /// Sampler: the guest's state (None: default) and whether border
    /// addressing is available.
    Sampler(Option<SamplerState>, bool),
}

/// The vertices a raw draw reads.
pub enum Call {
    /// Non-indexed.
    Plain {
        /// Vertex range.
        vertices: Range<u32>,
        /// Instance range.
        instances: Range<u32>,
    },
    /// Indexed from the bound index buffer.
    Indexed {
        /// Index range.
        indices: Range<u32>,
        /// Added to each index.
        base_vertex: i32,
        /// Instance range.
        instances: Range<u32>,
    },
}

/// Everything one raw draw needs; every value already checked by the draw
/// code exactly as for the wgpu path.
pub struct RawDraw<'a> {
    /// The wgpu pipeline key this pipeline mirrors.
    pub key: &'a PipelineKey,
    /// `PIPE_LOGICOP_*`, or none (the key's blending).
    pub logic_op: Option<u8>,
    /// Line width in whole pixels (1: GL's default lines).
    pub line_width: u32,
    /// GL line stipple: factor (1–256) and pattern.
    pub line_stipple: Option<(u32, u16)>,
    /// Shader id and module of the vertex and fragment stage.
    pub shaders: [(u64, &'a naga::Module); 2],
    /// Bindings of the vertex and fragment stage (their own numbers).
    pub bindings: [Vec<(u32, Binding<'a>)>; 2],
    /// Vertex buffers and offsets, one per key vertex entry.
    pub vertex: &'a [(wgpu::Buffer, u64)],
    /// Index buffer, offset and format.
    pub index: Option<(&'a wgpu::Buffer, u64, wgpu::IndexFormat)>,
    /// What to draw.
    pub call: Call,
    /// x, y, width, height, near, far.
    pub viewport: [f32; 6],
    /// x, y, width, height (inside the attachments).
    pub scissor: [u32; 4],
    /// Stencil reference.
    pub stencil_ref: u32,
    /// Blend constant.
    pub blend_constant: [f32; 4],
    /// Colour attachments per slot.
    pub colors: Vec<Option<&'a wgpu::TextureView>>,
    /// Depth/stencil attachment.
    pub depth: Option<&'a wgpu::TextureView>,
    /// Attachment size.
    pub size: (u32, u32),
}

/// Records `d` into `encoder`, which must be fresh (no wgpu command on it).
pub fn record(
    raw: &RawDevice,
    cache: &mut RawCache,
    device: &wgpu::Device,
    encoder: &mut wgpu::CommandEncoder,
    d: &RawDraw<'_>,
) -> Result<(), String> {
    if d.logic_op.is_some() && !raw.features().logic_op {
        return Err("logicOp is not enabled".into());
    }
    if d.line_width > raw.features().max_line_width.max(1) {
        return Err("line wider than the device draws".into());
    }
    if d.line_stipple.is_some() && !raw.features().line_stipple {
        return Err("stippledBresenhamLines is not enabled".into());
    }
    check_ranges(d)?;
    if cache.pipelines.len() >= MAX_CACHED || cache.samplers.len() >= MAX_CACHED {
        cache.clear();
    }
    cache.adopt(raw, device);
    let (pipeline, layout) = cache.pipeline(raw, d)?;

    // Descriptor payloads first (the writes point into these vectors).
    let mut buffers = Vec::new();
    let mut images = Vec::new();
    let mut slots = Vec::new();
    for (stage, list) in d.bindings.iter().enumerate() {
        for (binding, b) in list {
            let binding =
                pipeline::shared_binding(stage as u32, *binding).ok_or("binding out of range")?;
            match b {
                Binding::Buffer(buf) => {
                    buffers.push(
                        vk::DescriptorBufferInfo::default()
                            .buffer(raw_buffer(&buf.buffer)?)
                            .offset(buf.offset)
                            .range(buf.size),
                    );
                    slots.push((
                        binding,
                        vk::DescriptorType::UNIFORM_BUFFER,
                        buffers.len() - 1,
                    ));
                }
                Binding::View(v) => {
                    // The layouts wgpu-hal gives sampled textures.
                    let layout = if v.texture().format().is_depth_stencil_format() {
                        vk::ImageLayout::DEPTH_STENCIL_READ_ONLY_OPTIMAL
                    } else {
                        vk::ImageLayout::SHADER_READ_ONLY_OPTIMAL
                    };
                    images.push(
                        vk::DescriptorImageInfo::default()
                            .image_view(raw_view(v)?)
                            .image_layout(layout),
                    );
                    slots.push((binding, vk::DescriptorType::SAMPLED_IMAGE, images.len() - 1));
                }
                Binding::Sampler(s, border) => {
                    let sampler = cache.sampler(raw, s.as_ref(), *border)?;
                    images.push(vk::DescriptorImageInfo::default().sampler(sampler));
                    slots.push((binding, vk::DescriptorType::SAMPLER, images.len() - 1));
                }
            }
        }
    }
    let mut writes = Vec::new();
    for &(binding, ty, i) in &slots {
        let w = vk::WriteDescriptorSet::default()
            .dst_binding(binding)
            .descriptor_type(ty);
        writes.push(if ty == vk::DescriptorType::UNIFORM_BUFFER {
            w.buffer_info(buffers.get(i..=i).ok_or("descriptor")?)
        } else {
            w.image_info(images.get(i..=i).ok_or("descriptor")?)
        });
    }
    let mut vertex_buffers = Vec::new();
    let mut vertex_offsets = Vec::new();
    for (b, off) in d.vertex {
        vertex_buffers.push(raw_buffer(b)?);
        vertex_offsets.push(*off);
    }
    let index = match d.index {
        Some((b, off, f)) => Some((
            raw_buffer(b)?,
            off,
            match f {
                wgpu::IndexFormat::Uint16 => vk::IndexType::UINT16,
                wgpu::IndexFormat::Uint32 => vk::IndexType::UINT32,
            },
        )),
        None => None,
    };
    let mut colors = Vec::new();
    for c in &d.colors {
        let mut a = vk::RenderingAttachmentInfo::default();
        if let Some(v) = c {
            a = a
                .image_view(raw_view(v)?)
                .image_layout(vk::ImageLayout::COLOR_ATTACHMENT_OPTIMAL)
                .load_op(vk::AttachmentLoadOp::LOAD)
                .store_op(vk::AttachmentStoreOp::STORE);
        }
        colors.push(a);
    }
    let depth_format = d.key.depth_stencil.as_ref().map(|ds| ds.format);
    let zs = match d.depth {
        Some(v) => vk::RenderingAttachmentInfo::default()
            .image_view(raw_view(v)?)
            .image_layout(vk::ImageLayout::DEPTH_STENCIL_ATTACHMENT_OPTIMAL)
            .load_op(vk::AttachmentLoadOp::LOAD)
            .store_op(vk::AttachmentStoreOp::STORE),
        None => vk::RenderingAttachmentInfo::default(),
    };
    let mut rendering = vk::RenderingInfo::default()
        .render_area(vk::Rect2D {
            offset: vk::Offset2D { x: 0, y: 0 },
            extent: vk::Extent2D {
                width: d.size.0,
                height: d.size.1,
            },
        })
        .layer_count(1)
        .color_attachments(&colors);
    if depth_format.is_some_and(|f| f.has_depth_aspect()) {
        rendering = rendering.depth_attachment(&zs);
    }
    if depth_format.is_some_and(|f| f.has_stencil_aspect()) {
        rendering = rendering.stencil_attachment(&zs);
    }
    let [vx, vy, vw, vh, near, far] = d.viewport;
    // The same y flip wgpu-hal applies to every viewport it sets.
    let viewport = vk::Viewport {
        x: vx,
        y: vy + vh,
        width: vw,
        height: -vh,
        min_depth: near,
        max_depth: far,
    };
    let [sx, sy, sw, sh] = d.scissor;
    let scissor = vk::Rect2D {
        offset: vk::Offset2D {
            x: i32::try_from(sx).map_err(|_| "scissor")?,
            y: i32::try_from(sy).map_err(|_| "scissor")?,
        },
        extent: vk::Extent2D {
            width: sw,
            height: sh,
        },
    };
    let barrier = [vk::MemoryBarrier::default()
        .src_access_mask(vk::AccessFlags::MEMORY_WRITE)
        .dst_access_mask(vk::AccessFlags::MEMORY_READ | vk::AccessFlags::MEMORY_WRITE)];
    let dev = &raw.device();
    // SAFETY: the closure records into the encoder's open command buffer;
    // every handle was taken from a live wgpu object that the preceding
    // submission's shadow pass keeps alive, and the raw pipeline/layout and
    // samplers live in `cache` until the device is idle. All layouts used are
    // the ones wgpu left the resources in (see the module docs).
    let recorded = unsafe {
        encoder.as_hal_mut::<Vulkan, _, _>(|e| {
            let Some(e) = e else {
                return false;
            };
            let cb = e.raw_handle();
            let all = vk::PipelineStageFlags::ALL_COMMANDS;
            dev.cmd_pipeline_barrier(
                cb,
                all,
                all,
                vk::DependencyFlags::empty(),
                &barrier,
                &[],
                &[],
            );
            dev.cmd_begin_rendering(cb, &rendering);
            dev.cmd_bind_pipeline(cb, vk::PipelineBindPoint::GRAPHICS, pipeline);
            if !writes.is_empty() {
                raw.push().cmd_push_descriptor_set(
                    cb,
                    vk::PipelineBindPoint::GRAPHICS,
                    layout,
                    0,
                    &writes,
                );
            }
            if !vertex_buffers.is_empty() {
                dev.cmd_bind_vertex_buffers(cb, 0, &vertex_buffers, &vertex_offsets);
            }
            if let Some((b, off, ty)) = index {
                dev.cmd_bind_index_buffer(cb, b, off, ty);
            }
            dev.cmd_set_viewport(cb, 0, &[viewport]);
            dev.cmd_set_scissor(cb, 0, &[scissor]);
            dev.cmd_set_blend_constants(cb, &d.blend_constant);
            dev.cmd_set_stencil_reference(cb, vk::StencilFaceFlags::FRONT_AND_BACK, d.stencil_ref);
            match &d.call {
                Call::Plain {
                    vertices,
                    instances,
                } => dev.cmd_draw(
                    cb,
                    vertices.len() as u32,
                    instances.len() as u32,
                    vertices.start,
                    instances.start,
                ),
                Call::Indexed {
                    indices,
                    base_vertex,
                    instances,
                } => dev.cmd_draw_indexed(
                    cb,
                    indices.len() as u32,
                    instances.len() as u32,
                    indices.start,
                    *base_vertex,
                    instances.start,
                ),
            }
            dev.cmd_end_rendering(cb);
            dev.cmd_pipeline_barrier(
                cb,
                all,
                all,
                vk::DependencyFlags::empty(),
                &barrier,
                &[],
                &[],
            );
            true
        })
    };
    if recorded {
        Ok(())
    } else {
        Err("command encoder not recording".into())
    }
}

/// The checks wgpu makes before a draw (Vulkan makes none): every vertex and
/// instance the draw fetches, and every index it reads, lies in its buffer.
fn check_ranges(d: &RawDraw<'_>) -> Result<(), String> {
    let instances = match &d.call {
        Call::Plain { instances, .. } | Call::Indexed { instances, .. } => instances,
    };
    for (&(stride, step, format, _), (buf, offset)) in d.key.vertex.iter().zip(d.vertex) {
        let fetched = match (step, &d.call) {
            (wgpu::VertexStepMode::Instance, _) => instances,
            (wgpu::VertexStepMode::Vertex, Call::Plain { vertices, .. }) => vertices,
            // Indexed vertices are bounded by robust buffer access.
            (wgpu::VertexStepMode::Vertex, Call::Indexed { .. }) => continue,
        };
        if fetched.is_empty() {
            continue;
        }
        let end = u64::from(fetched.end - 1)
            .checked_mul(stride)
            .and_then(|v| v.checked_add(format.size()))
            .and_then(|v| v.checked_add(*offset));
        if end.is_none_or(|end| end > buf.size()) {
            return Err("vertex or instance range past its buffer".into());
        }
    }
    if let (Some((buf, offset, format)), Call::Indexed { indices, .. }) = (&d.index, &d.call) {
        let size = match format {
            wgpu::IndexFormat::Uint16 => 2,
            wgpu::IndexFormat::Uint32 => 4,
        };
        let end = u64::from(indices.end)
            .checked_mul(size)
            .and_then(|v| v.checked_add(*offset));
        if end.is_none_or(|end| end > buf.size()) {
            return Err("index range past the index buffer".into());
        }
    }
    Ok(())
}

fn raw_buffer(b: &wgpu::Buffer) -> Result<vk::Buffer, String> {
    // SAFETY: the handle is only recorded while `b` is kept alive (module docs).
    unsafe { b.as_hal::<Vulkan>().map(|h| h.raw_handle()) }.ok_or_else(|| "buffer".into())
}

fn raw_view(v: &wgpu::TextureView) -> Result<vk::ImageView, String> {
    // SAFETY: as for buffers.
    unsafe { v.as_hal::<Vulkan>().map(|h| h.raw_handle()) }.ok_or_else(|| "texture view".into())
}
