//! Recording one raw draw: feature and range checks, descriptors, buffers,
//! attachments, and the commands.

use super::cache::RawCache;
use super::draw::{Binding, Call, RawDraw};
use super::pipeline;
use crate::core::base::error::RawError;
use crate::core::gpu::raw::RawDevice;
use crate::core::record::pipeline::EntryKind;
use ash::vk;
use wgpu::hal::api::Vulkan;

/// Records `d` into `encoder`, which must be fresh (no wgpu command on it).
pub fn record(
    raw: &RawDevice,
    cache: &mut RawCache,
    device: &wgpu::Device,
    encoder: &mut wgpu::CommandEncoder,
    d: &RawDraw<'_>,
) -> Result<(), RawError> {
    check_features(raw, d)?;
    check_ranges(d)?;
    cache.make_room();
    cache.adopt(raw, device);
    let (pipeline, layout) = cache.pipeline(raw, d)?;
    // Descriptor payloads first (the writes point into them).
    let descriptors = Descriptors::new(raw, cache, d)?;
    let writes = descriptors.writes()?;
    let buffers = Buffers::new(d)?;
    let (colors, zs) = attachments(d)?;
    let depth_format = d.key.depth_stencil.as_ref().map(|ds| ds.format);
    let mut rendering = vk::RenderingInfo::default()
        .render_area(vk::Rect2D {
            offset: vk::Offset2D { x: 0, y: 0 },
            extent: vk::Extent2D {
                width: d.size.0,
                height: d.size.1,
            },
        })
        .layer_count(d.layers.max(1))
        .color_attachments(&colors);
    if depth_format.is_some_and(|f| f.has_depth_aspect()) {
        rendering = rendering.depth_attachment(&zs);
    }
    if depth_format.is_some_and(|f| f.has_stencil_aspect()) {
        rendering = rendering.stencil_attachment(&zs);
    }
    let (viewport, scissor) = viewport_and_scissor(d)?;
    let xfb = XfbBinds::new(d)?;
    let barrier = [vk::MemoryBarrier::default()
        .src_access_mask(vk::AccessFlags::MEMORY_WRITE)
        .dst_access_mask(vk::AccessFlags::MEMORY_READ | vk::AccessFlags::MEMORY_WRITE)];
    let dev = raw.device();
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
            let full_barrier = || {
                dev.cmd_pipeline_barrier(
                    cb,
                    all,
                    all,
                    vk::DependencyFlags::empty(),
                    &barrier,
                    &[],
                    &[],
                );
            };
            full_barrier();
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
            if !buffers.vertex.is_empty() {
                dev.cmd_bind_vertex_buffers(cb, 0, &buffers.vertex, &buffers.offsets);
            }
            if let Some((b, off, ty)) = buffers.index {
                dev.cmd_bind_index_buffer(cb, b, off, ty);
            }
            dev.cmd_set_viewport(cb, 0, &[viewport]);
            dev.cmd_set_scissor(cb, 0, &[scissor]);
            dev.cmd_set_blend_constants(cb, &d.blend_constant);
            dev.cmd_set_stencil_reference(cb, vk::StencilFaceFlags::FRONT_AND_BACK, d.stencil_ref);
            if let Some(x) = &xfb {
                let fp = raw.xfb().fp();
                (fp.cmd_bind_transform_feedback_buffers_ext)(
                    cb,
                    x.first,
                    x.buffers.len() as u32,
                    x.buffers.as_ptr(),
                    x.offsets.as_ptr(),
                    x.sizes.as_ptr(),
                );
                (fp.cmd_begin_transform_feedback_ext)(cb, 0, 0, std::ptr::null(), std::ptr::null());
            }
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
            if let Some(x) = &xfb {
                // With counters: each slot's bytes written, into the capture
                // buffer after the regions.
                let (count, buffers, offsets) = match &x.counters {
                    Some(offsets) => (offsets.len() as u32, x.buffers.as_ptr(), offsets.as_ptr()),
                    None => (0, std::ptr::null(), std::ptr::null()),
                };
                (raw.xfb().fp().cmd_end_transform_feedback_ext)(
                    cb, x.first, count, buffers, offsets,
                );
            }
            dev.cmd_end_rendering(cb);
            full_barrier();
            true
        })
    };
    if recorded {
        Ok(())
    } else {
        Err(RawError::NotRecording)
    }
}

/// The device features `d` needs are enabled.
fn check_features(raw: &RawDevice, d: &RawDraw<'_>) -> Result<(), RawError> {
    if d.logic_op.is_some() && !raw.features().logic_op {
        return Err(RawError::NotEnabled("logicOp"));
    }
    if d.alpha_to_one && !raw.features().alpha_to_one {
        return Err(RawError::NotEnabled("alphaToOne"));
    }
    if d.line_width > raw.features().max_line_width.max(1) {
        return Err(RawError::LineTooWide);
    }
    if d.line_stipple.is_some() && !raw.features().line_stipple {
        return Err(RawError::NotEnabled("stippledBresenhamLines"));
    }
    if d.capture.is_some() && raw.features().xfb.is_none() {
        return Err(RawError::NotEnabled("transformFeedback"));
    }
    if d.geometry.is_some() && raw.features().geometry.is_none() {
        return Err(RawError::NotEnabled("geometryShader"));
    }
    if d.tessellation.is_some() && !raw.features().tessellation {
        return Err(RawError::NotEnabled("tessellationShader"));
    }
    Ok(())
}

/// The transform-feedback buffer bindings of a capturing draw: consecutive
/// slots from `first`, each a region of the capture buffer.
struct XfbBinds {
    first: u32,
    buffers: Vec<vk::Buffer>,
    offsets: Vec<u64>,
    sizes: Vec<u64>,
    /// Counter offsets in the capture buffer, one per bound slot.
    counters: Option<Vec<u64>>,
}

impl XfbBinds {
    /// `None`: the draw captures nothing (no capture, or no room).
    fn new(d: &RawDraw<'_>) -> Result<Option<Self>, RawError> {
        let Some(c) = &d.capture else {
            return Ok(None);
        };
        let (Some(first), Some(last)) = (
            c.regions.iter().map(|r| r.0).min(),
            c.regions.iter().map(|r| r.0).max(),
        ) else {
            return Ok(None);
        };
        let capture = c.buffer.ok_or(RawError::Missing("capture buffer"))?;
        let buffer = raw_buffer(capture)?;
        let counters = match c.counters {
            Some(at) => {
                let offsets: Vec<u64> = (first..=last).map(|s| at + 4 * u64::from(s)).collect();
                if offsets.iter().any(|&o| o + 4 > capture.size()) {
                    return Err(RawError::OutOfRange("capture counters"));
                }
                Some(offsets)
            }
            None => None,
        };
        let mut out = Self {
            first,
            buffers: Vec::new(),
            offsets: Vec::new(),
            sizes: Vec::new(),
            counters,
        };
        // Slots without a region in between get an empty one.
        for slot in first..=last {
            let (offset, size) = c
                .regions
                .iter()
                .find(|r| r.0 == slot)
                .map_or((0, 0), |r| (r.1, r.2));
            if offset
                .checked_add(size)
                .is_none_or(|end| end > capture.size())
            {
                return Err(RawError::OutOfRange("capture region"));
            }
            out.buffers.push(buffer);
            out.offsets.push(offset);
            out.sizes.push(size);
        }
        Ok(Some(out))
    }
}

/// The push-descriptor payloads of a draw's bindings.
struct Descriptors {
    buffers: Vec<vk::DescriptorBufferInfo>,
    images: Vec<vk::DescriptorImageInfo>,
    /// Binding in the shared set, type, index into `buffers` or `images`.
    slots: Vec<(u32, vk::DescriptorType, usize)>,
}

impl Descriptors {
    fn new(raw: &RawDevice, cache: &mut RawCache, d: &RawDraw<'_>) -> Result<Self, RawError> {
        let mut out = Self {
            buffers: Vec::new(),
            images: Vec::new(),
            slots: Vec::new(),
        };
        for ((stage, list), entries) in d.bindings.iter().enumerate().zip(&d.key.layouts) {
            for (binding, b) in list {
                // Constant buffers too large for a uniform binding, texture
                // buffers and shader storage buffers are storage buffers,
                // as the layout says.
                let storage = [
                    EntryKind::Storage,
                    EntryKind::TexelBuffer,
                    EntryKind::StorageBuffer,
                ]
                .iter()
                .any(|&kind| entries.contains(&(*binding, kind)));
                let binding = pipeline::shared_binding(stage as u32, *binding)
                    .ok_or(RawError::OutOfRange("binding"))?;
                let (ty, at) = match b {
                    Binding::Buffer(buf) => {
                        out.buffers.push(
                            vk::DescriptorBufferInfo::default()
                                .buffer(raw_buffer(&buf.buffer)?)
                                .offset(buf.offset)
                                .range(buf.size),
                        );
                        let ty = if storage {
                            vk::DescriptorType::STORAGE_BUFFER
                        } else {
                            vk::DescriptorType::UNIFORM_BUFFER
                        };
                        (ty, out.buffers.len())
                    }
                    Binding::View(v) => {
                        // The layouts wgpu-hal gives sampled textures.
                        let layout = if v.texture().format().is_depth_stencil_format() {
                            vk::ImageLayout::DEPTH_STENCIL_READ_ONLY_OPTIMAL
                        } else {
                            vk::ImageLayout::SHADER_READ_ONLY_OPTIMAL
                        };
                        out.images.push(
                            vk::DescriptorImageInfo::default()
                                .image_view(raw_view(v)?)
                                .image_layout(layout),
                        );
                        (vk::DescriptorType::SAMPLED_IMAGE, out.images.len())
                    }
                    Binding::Sampler(s, border) => {
                        let sampler = cache.sampler(raw, s.as_ref(), *border)?;
                        out.images
                            .push(vk::DescriptorImageInfo::default().sampler(sampler));
                        (vk::DescriptorType::SAMPLER, out.images.len())
                    }
                };
                out.slots.push((binding, ty, at - 1));
            }
        }
        Ok(out)
    }

    /// The descriptor writes, pointing into `self`.
    fn writes(&self) -> Result<Vec<vk::WriteDescriptorSet<'_>>, RawError> {
        let mut writes = Vec::new();
        for &(binding, ty, i) in &self.slots {
            let w = vk::WriteDescriptorSet::default()
                .dst_binding(binding)
                .descriptor_type(ty);
            let buffer = ty == vk::DescriptorType::UNIFORM_BUFFER
                || ty == vk::DescriptorType::STORAGE_BUFFER;
            writes.push(if buffer {
                w.buffer_info(
                    self.buffers
                        .get(i..=i)
                        .ok_or(RawError::Missing("descriptor"))?,
                )
            } else {
                w.image_info(
                    self.images
                        .get(i..=i)
                        .ok_or(RawError::Missing("descriptor"))?,
                )
            });
        }
        Ok(writes)
    }
}

/// The vertex and index buffers of a draw as Vulkan handles.
struct Buffers {
    vertex: Vec<vk::Buffer>,
    offsets: Vec<u64>,
    index: Option<(vk::Buffer, u64, vk::IndexType)>,
}

impl Buffers {
    fn new(d: &RawDraw<'_>) -> Result<Self, RawError> {
        let mut vertex = Vec::new();
        let mut offsets = Vec::new();
        for (b, off) in d.vertex {
            vertex.push(raw_buffer(b)?);
            offsets.push(*off);
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
        Ok(Self {
            vertex,
            offsets,
            index,
        })
    }
}

/// A dynamic-rendering attachment.
type Attachment = vk::RenderingAttachmentInfo<'static>;

/// The colour attachments by slot and the depth/stencil attachment, loaded
/// and stored in the layouts wgpu left them in.
fn attachments(d: &RawDraw<'_>) -> Result<(Vec<Attachment>, Attachment), RawError> {
    let attachment = |v: &wgpu::TextureView, layout| -> Result<_, RawError> {
        Ok(vk::RenderingAttachmentInfo::default()
            .image_view(raw_view(v)?)
            .image_layout(layout)
            .load_op(vk::AttachmentLoadOp::LOAD)
            .store_op(vk::AttachmentStoreOp::STORE))
    };
    let mut colors = Vec::new();
    for c in &d.colors {
        colors.push(match c {
            Some(v) => attachment(v, vk::ImageLayout::COLOR_ATTACHMENT_OPTIMAL)?,
            None => vk::RenderingAttachmentInfo::default(),
        });
    }
    let zs = match d.depth {
        Some(v) => attachment(v, vk::ImageLayout::DEPTH_STENCIL_ATTACHMENT_OPTIMAL)?,
        None => vk::RenderingAttachmentInfo::default(),
    };
    Ok((colors, zs))
}

/// The viewport (with the y flip wgpu-hal applies to every viewport it
/// sets) and the scissor rectangle.
fn viewport_and_scissor(d: &RawDraw<'_>) -> Result<(vk::Viewport, vk::Rect2D), RawError> {
    let [vx, vy, vw, vh, near, far] = d.viewport;
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
            x: i32::try_from(sx).map_err(|_| RawError::OutOfRange("scissor"))?,
            y: i32::try_from(sy).map_err(|_| RawError::OutOfRange("scissor"))?,
        },
        extent: vk::Extent2D {
            width: sw,
            height: sh,
        },
    };
    Ok((viewport, scissor))
}

/// The checks wgpu makes before a draw (Vulkan makes none): every vertex and
/// instance the draw fetches, and every index it reads, lies in its buffer.
fn check_ranges(d: &RawDraw<'_>) -> Result<(), RawError> {
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
            return Err(RawError::VertexRange);
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
            return Err(RawError::IndexRange);
        }
    }
    Ok(())
}

fn raw_buffer(b: &wgpu::Buffer) -> Result<vk::Buffer, RawError> {
    // SAFETY: the handle is only recorded while `b` is kept alive (module docs).
    unsafe { b.as_hal::<Vulkan>().map(|h| h.raw_handle()) }.ok_or(RawError::NoHandle("buffer"))
}

fn raw_view(v: &wgpu::TextureView) -> Result<vk::ImageView, RawError> {
    // SAFETY: as for buffers.
    unsafe { v.as_hal::<Vulkan>().map(|h| h.raw_handle()) }
        .ok_or(RawError::NoHandle("texture view"))
}
