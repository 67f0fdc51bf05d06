//! The raw Vulkan path: GL rules WebGPU has no switch for (logic ops), done
//! with the real Vulkan feature underneath wgpu through its hal interop.
//!
//! This module is the only place that touches Vulkan directly. The seam:
//! - [`open::open`] creates the wgpu device with the extra Vulkan features
//!   (`logicOp`, dynamic rendering, push descriptors) where the adapter has
//!   them; [`RawDevice`] says what was enabled (caps and draws ask it).
//! - [`record`] records one draw whose blend state has a logic op into a
//!   command encoder of its own (wgpu does not let raw and wgpu commands share
//!   one), submitted in order between wgpu's command buffers.
//!
//! Resource states: right before a raw draw, the draw code binds the same bind
//! groups, vertex and index buffers in a wgpu render pass on the same
//! attachments (with no draw) and ends that encoder. wgpu then has every
//! attachment in `COLOR_ATTACHMENT_OPTIMAL` / `DEPTH_STENCIL_ATTACHMENT_OPTIMAL`,
//! every sampled texture in `SHADER_READ_ONLY_OPTIMAL`, every buffer made
//! visible, and keeps them all alive until that submission completes. The raw
//! commands leave every layout exactly as they found it, so wgpu's tracking
//! stays true; global memory barriers before and after order the raw draw
//! against wgpu's work on either side.

pub mod open;
pub mod pipeline;

pub use open::RawFeatures;

use crate::core::pipeline::{EntryKind, PipelineKey};
use ash::vk;
use guest_protocol::virgl::SamplerState;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use wgpu::hal::api::Vulkan;

/// Most raw pipelines (and samplers) kept before the cache is emptied.
const MAX_CACHED: usize = 1024;

/// The Vulkan device under wgpu, as far as the raw path uses it.
pub struct RawDevice {
    device: ash::Device,
    push: ash::khr::push_descriptor::Device,
    adapter: wgpu::Adapter,
    features: RawFeatures,
}

impl std::fmt::Debug for RawDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawDevice")
            .field("features", &self.features)
            .finish_non_exhaustive()
    }
}

impl RawDevice {
    /// The raw path of `device` (opened by [`open::open`] with `features`);
    /// `None` when no raw feature is enabled.
    pub fn new(
        adapter: &wgpu::Adapter,
        device: &wgpu::Device,
        features: RawFeatures,
    ) -> Option<Self> {
        if features == RawFeatures::default() {
            return None;
        }
        // SAFETY: the hal objects are only read here for handles that stay
        // valid while `device` lives (the cache keeps a `wgpu::Device`).
        let hal_device = unsafe { device.as_hal::<Vulkan>() }?;
        // SAFETY: as above.
        let hal_adapter = unsafe { adapter.as_hal::<Vulkan>() }?;
        let raw = hal_device.raw_device().clone();
        let push = ash::khr::push_descriptor::Device::new(
            hal_adapter.shared_instance().raw_instance(),
            &raw,
        );
        Some(Self {
            device: raw,
            push,
            adapter: adapter.clone(),
            features,
        })
    }

    /// What the raw path can do.
    pub fn features(&self) -> RawFeatures {
        self.features
    }

    fn format(&self, f: wgpu::TextureFormat) -> vk::Format {
        // SAFETY: the hal adapter is only asked for a format mapping.
        unsafe { self.adapter.as_hal::<Vulkan>() }
            .map_or(vk::Format::UNDEFINED, |a| a.texture_format_as_raw(f))
    }
}

/// Bind group entries of the vertex and fragment stage.
type StageLayouts = [Vec<(u32, EntryKind)>; 2];
/// SPIR-V of a shader (or why naga could not write it).
type Spirv = Result<Arc<Vec<u32>>, String>;

/// Raw objects of one renderer (keyed like its wgpu caches), destroyed when
/// it is dropped.
#[derive(Default)]
pub struct RawCache {
    owner: Option<(ash::Device, wgpu::Device)>,
    layouts: HashMap<StageLayouts, (vk::DescriptorSetLayout, vk::PipelineLayout)>,
    pipelines: HashMap<(PipelineKey, u8), vk::Pipeline>,
    spirv: HashMap<(u64, bool), Spirv>,
    samplers: HashMap<Option<(SamplerState, bool)>, vk::Sampler>,
}

impl RawCache {
    /// Remembers the device its objects belong to (and keeps it alive).
    fn adopt(&mut self, raw: &RawDevice, device: &wgpu::Device) {
        if self.owner.is_none() {
            self.owner = Some((raw.device.clone(), device.clone()));
        }
    }

    /// Destroys every object after the device went idle.
    fn clear(&mut self) {
        let Some((device, _)) = &self.owner else {
            return;
        };
        // SAFETY: waiting for idle makes every object below unused; each was
        // created from `device` and is destroyed once (the maps are drained).
        unsafe {
            if let Err(e) = device.device_wait_idle() {
                tracing::warn!("vkDeviceWaitIdle: {e}");
            }
            for (_, p) in self.pipelines.drain() {
                device.destroy_pipeline(p, None);
            }
            for (_, (set, layout)) in self.layouts.drain() {
                device.destroy_pipeline_layout(layout, None);
                device.destroy_descriptor_set_layout(set, None);
            }
            for (_, s) in self.samplers.drain() {
                device.destroy_sampler(s, None);
            }
        }
        self.spirv.clear();
    }

    fn layout(
        &mut self,
        device: &ash::Device,
        layouts: &StageLayouts,
    ) -> Result<(vk::DescriptorSetLayout, vk::PipelineLayout), String> {
        if let Some(l) = self.layouts.get(layouts) {
            return Ok(*l);
        }
        let set = pipeline::set_layout(device, layouts)?;
        let sets = [set];
        let info = vk::PipelineLayoutCreateInfo::default().set_layouts(&sets);
        // SAFETY: `set` is a live set layout of `device`.
        let layout = match unsafe { device.create_pipeline_layout(&info, None) } {
            Ok(l) => l,
            Err(e) => {
                // SAFETY: `set` was created above and is used by nothing.
                unsafe { device.destroy_descriptor_set_layout(set, None) };
                return Err(e.to_string());
            }
        };
        self.layouts.insert(layouts.clone(), (set, layout));
        Ok((set, layout))
    }

    fn spirv(
        &mut self,
        id: u64,
        module: &naga::Module,
        fragment: bool,
    ) -> Result<Arc<Vec<u32>>, String> {
        self.spirv
            .entry((id, fragment))
            .or_insert_with(|| {
                let stage = if fragment {
                    naga::ShaderStage::Fragment
                } else {
                    naga::ShaderStage::Vertex
                };
                pipeline::spirv(module, stage).map(Arc::new)
            })
            .clone()
    }

    fn pipeline(
        &mut self,
        raw: &RawDevice,
        d: &RawDraw<'_>,
    ) -> Result<(vk::Pipeline, vk::PipelineLayout), String> {
        let (_, layout) = self.layout(&raw.device, &d.key.layouts)?;
        let cache_key = (d.key.clone(), d.logic_op);
        if let Some(p) = self.pipelines.get(&cache_key) {
            return Ok((*p, layout));
        }
        let op = pipeline::logic_op(d.logic_op).ok_or("logic op out of range")?;
        let vs = self.spirv(d.shaders[0].0, d.shaders[0].1, false)?;
        let fs = self.spirv(d.shaders[1].0, d.shaders[1].1, true)?;
        let depth = d.key.depth_stencil.as_ref().map(|ds| ds.format);
        let formats = pipeline::Formats {
            colors: d
                .key
                .targets
                .iter()
                .map(|t| {
                    t.as_ref()
                        .map_or(vk::Format::UNDEFINED, |t| raw.format(t.format))
                })
                .collect(),
            depth: depth
                .filter(|f| f.has_depth_aspect())
                .map_or(vk::Format::UNDEFINED, |f| raw.format(f)),
            stencil: depth
                .filter(|f| f.has_stencil_aspect())
                .map_or(vk::Format::UNDEFINED, |f| raw.format(f)),
        };
        let p = pipeline::create(&raw.device, d.key, op, layout, [&vs, &fs], &formats)?;
        self.pipelines.insert(cache_key, p);
        Ok((p, layout))
    }

    fn sampler(
        &mut self,
        raw: &RawDevice,
        state: Option<&SamplerState>,
        border: bool,
    ) -> Result<vk::Sampler, String> {
        let key = state.map(|s| (SamplerState { handle: 0, ..*s }, border));
        if let Some(s) = self.samplers.get(&key) {
            return Ok(*s);
        }
        let desc = match state {
            Some(s) => crate::core::state::sampler_descriptor(s, border),
            None => wgpu::SamplerDescriptor::default(),
        };
        let info = sampler_info(&desc);
        // SAFETY: `info` is complete; `raw.device` is alive.
        let s = unsafe { raw.device.create_sampler(&info, None) }.map_err(|e| e.to_string())?;
        self.samplers.insert(key, s);
        Ok(s)
    }
}

impl Drop for RawCache {
    fn drop(&mut self) {
        self.clear();
    }
}

/// One resource bound to a shader binding of a raw draw.
pub enum Binding<'a> {
    /// Uniform buffer (whole).
    Buffer(&'a wgpu::Buffer),
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
    /// `PIPE_LOGICOP_*`.
    pub logic_op: u8,
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
    if !raw.features.logic_op {
        return Err("logicOp is not enabled".into());
    }
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
                            .buffer(raw_buffer(buf)?)
                            .range(vk::WHOLE_SIZE),
                    );
                    slots.push((
                        binding,
                        vk::DescriptorType::UNIFORM_BUFFER,
                        buffers.len() - 1,
                    ));
                }
                Binding::View(v) => {
                    images.push(
                        vk::DescriptorImageInfo::default()
                            .image_view(raw_view(v)?)
                            .image_layout(vk::ImageLayout::SHADER_READ_ONLY_OPTIMAL),
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
    let dev = &raw.device;
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
                raw.push.cmd_push_descriptor_set(
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

fn raw_buffer(b: &wgpu::Buffer) -> Result<vk::Buffer, String> {
    // SAFETY: the handle is only recorded while `b` is kept alive (module docs).
    unsafe { b.as_hal::<Vulkan>().map(|h| h.raw_handle()) }.ok_or_else(|| "buffer".into())
}

fn raw_view(v: &wgpu::TextureView) -> Result<vk::ImageView, String> {
    // SAFETY: as for buffers.
    unsafe { v.as_hal::<Vulkan>().map(|h| h.raw_handle()) }.ok_or_else(|| "texture view".into())
}

fn sampler_info(d: &wgpu::SamplerDescriptor<'_>) -> vk::SamplerCreateInfo<'static> {
    let address = |m: wgpu::AddressMode| match m {
        wgpu::AddressMode::ClampToEdge => vk::SamplerAddressMode::CLAMP_TO_EDGE,
        wgpu::AddressMode::Repeat => vk::SamplerAddressMode::REPEAT,
        wgpu::AddressMode::MirrorRepeat => vk::SamplerAddressMode::MIRRORED_REPEAT,
        wgpu::AddressMode::ClampToBorder => vk::SamplerAddressMode::CLAMP_TO_BORDER,
    };
    let filter = |f: wgpu::FilterMode| match f {
        wgpu::FilterMode::Nearest => vk::Filter::NEAREST,
        wgpu::FilterMode::Linear => vk::Filter::LINEAR,
    };
    let mut info = vk::SamplerCreateInfo::default()
        .address_mode_u(address(d.address_mode_u))
        .address_mode_v(address(d.address_mode_v))
        .address_mode_w(address(d.address_mode_w))
        .mag_filter(filter(d.mag_filter))
        .min_filter(filter(d.min_filter))
        .mipmap_mode(match d.mipmap_filter {
            wgpu::MipmapFilterMode::Nearest => vk::SamplerMipmapMode::NEAREST,
            wgpu::MipmapFilterMode::Linear => vk::SamplerMipmapMode::LINEAR,
        })
        .min_lod(d.lod_min_clamp)
        .max_lod(d.lod_max_clamp)
        .border_color(match d.border_color {
            Some(wgpu::SamplerBorderColor::OpaqueBlack) => vk::BorderColor::FLOAT_OPAQUE_BLACK,
            Some(wgpu::SamplerBorderColor::OpaqueWhite) => vk::BorderColor::FLOAT_OPAQUE_WHITE,
            _ => vk::BorderColor::FLOAT_TRANSPARENT_BLACK,
        });
    if let Some(c) = d.compare {
        info = info.compare_enable(true).compare_op(pipeline::compare(c));
    }
    info
}
