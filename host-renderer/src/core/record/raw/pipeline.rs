//! Raw Vulkan graphics pipelines: the same state a [`PipelineKey`] gives the
//! wgpu pipeline, plus a logic op, a wide Bresenham line width and/or GL line
//! stipple.

use crate::core::base::error::{RawError, Shared};
use crate::core::record::pipeline::{EntryKind, PipelineKey};
use ash::vk;
use naga::back::spv;

/// Bindings of the fragment stage are moved up by this much so that both
/// stages share one push-descriptor set (set 0).
pub const STAGE_BINDING_STRIDE: u32 = 256;

/// The stages of a raw pipeline, in the order of its key's layouts and its
/// draw's bindings: vertex, fragment, geometry, tessellation control and
/// evaluation.
pub const STAGES: [vk::ShaderStageFlags; 5] = [
    vk::ShaderStageFlags::VERTEX,
    vk::ShaderStageFlags::FRAGMENT,
    vk::ShaderStageFlags::GEOMETRY,
    vk::ShaderStageFlags::TESSELLATION_CONTROL,
    vk::ShaderStageFlags::TESSELLATION_EVALUATION,
];

/// The binding number in the shared set of `binding` of `stage` (its place
/// in [`STAGES`]).
pub fn shared_binding(stage: u32, binding: u32) -> Option<u32> {
    (binding < STAGE_BINDING_STRIDE).then(|| stage * STAGE_BINDING_STRIDE + binding)
}

/// `PIPE_LOGICOP_*` to `VkLogicOp`.
pub fn logic_op(func: u8) -> Option<vk::LogicOp> {
    use vk::LogicOp as L;
    Some(match func {
        0 => L::CLEAR,
        1 => L::NOR,
        2 => L::AND_INVERTED,
        3 => L::COPY_INVERTED,
        4 => L::AND_REVERSE,
        5 => L::INVERT,
        6 => L::XOR,
        7 => L::NAND,
        8 => L::AND,
        9 => L::EQUIVALENT,
        10 => L::NO_OP,
        11 => L::OR_INVERTED,
        12 => L::COPY,
        13 => L::OR_REVERSE,
        14 => L::OR,
        15 => L::SET,
        _ => return None,
    })
}

/// The set layout (every stage, push descriptors) for `layouts` (one per
/// stage of [`STAGES`]).
pub fn set_layout(
    device: &ash::Device,
    layouts: &[Vec<(u32, EntryKind)>],
) -> Result<vk::DescriptorSetLayout, RawError> {
    let mut bindings = Vec::new();
    for (stage, (entries, flags)) in layouts.iter().zip(STAGES).enumerate() {
        for &(binding, kind) in entries {
            let binding =
                shared_binding(stage as u32, binding).ok_or(RawError::OutOfRange("binding"))?;
            bindings.push(
                vk::DescriptorSetLayoutBinding::default()
                    .binding(binding)
                    .descriptor_count(1)
                    .stage_flags(flags)
                    .descriptor_type(match kind {
                        EntryKind::Uniform | EntryKind::StaticUniform => {
                            vk::DescriptorType::UNIFORM_BUFFER
                        }
                        EntryKind::Storage | EntryKind::TexelBuffer | EntryKind::StorageBuffer => {
                            vk::DescriptorType::STORAGE_BUFFER
                        }
                        EntryKind::Texture(..) => vk::DescriptorType::SAMPLED_IMAGE,
                        EntryKind::Sampler(_) => vk::DescriptorType::SAMPLER,
                        EntryKind::StorageImage(..) => {
                            return Err(RawError::NotEnabled("shader images on the raw path"))
                        }
                    }),
            );
        }
    }
    let info = vk::DescriptorSetLayoutCreateInfo::default()
        .flags(vk::DescriptorSetLayoutCreateFlags::PUSH_DESCRIPTOR_KHR)
        .bindings(&bindings);
    // SAFETY: `info` is complete and `device` is alive.
    unsafe { device.create_descriptor_set_layout(&info, None) }.map_err(|result| RawError::Vulkan {
        what: "vkCreateDescriptorSetLayout",
        result,
    })
}

/// SPIR-V for `module`'s entry point for stage `stage` (its place in
/// [`STAGES`]), bindings moved into set 0; the stages past the fragment
/// shader are compute entry points (made geometry and tessellation stages
/// by [`shader_translate::geometry_spirv`] and
/// [`shader_translate::tessellation_spirv`], which need the names naga
/// writes with `DEBUG`).
pub fn spirv(module: &naga::Module, stage: u32) -> Result<Vec<u32>, RawError> {
    let info = naga::valid::Validator::new(
        naga::valid::ValidationFlags::all(),
        naga::valid::Capabilities::all(),
    )
    .validate(module)
    .map_err(|e| RawError::Validation(Shared::new(e)))?;
    let (group, stage) = match stage {
        0 => (0, naga::ShaderStage::Vertex),
        1 => (1, naga::ShaderStage::Fragment),
        n => (n, naga::ShaderStage::Compute),
    };
    let mut binding_map = spv::BindingMap::default();
    for (_, var) in module.global_variables.iter() {
        if let Some(rb) = var.binding {
            let binding =
                shared_binding(group, rb.binding).ok_or(RawError::OutOfRange("binding"))?;
            binding_map.insert(
                rb,
                spv::BindingInfo {
                    descriptor_set: 0,
                    binding,
                    binding_array_size: None,
                },
            );
        }
    }
    let entry = module
        .entry_points
        .iter()
        .find(|e| e.stage == stage)
        .ok_or(RawError::Missing("entry point"))?;
    // The options wgpu-hal uses where they matter for results.
    let options = spv::Options {
        lang_version: (1, 3),
        flags: if group >= 2 {
            spv::WriterFlags::DEBUG
        } else {
            spv::WriterFlags::FORCE_POINT_SIZE
        },
        binding_map,
        bounds_check_policies: naga::proc::BoundsCheckPolicies {
            index: naga::proc::BoundsCheckPolicy::Restrict,
            buffer: naga::proc::BoundsCheckPolicy::Restrict,
            image_load: naga::proc::BoundsCheckPolicy::Restrict,
            binding_array: naga::proc::BoundsCheckPolicy::Unchecked,
        },
        ..spv::Options::default()
    };
    let pipeline = spv::PipelineOptions {
        shader_stage: stage,
        entry_point: entry.name.clone(),
    };
    spv::write_vec(module, &info, &options, Some(&pipeline))
        .map_err(|e| RawError::Spirv(Shared::new(e)))
}

/// Attachment formats of a pipeline (colour per slot, depth, stencil).
pub struct Formats {
    /// Colour formats (UNDEFINED for empty slots).
    pub colors: Vec<vk::Format>,
    /// Depth format (UNDEFINED without depth).
    pub depth: vk::Format,
    /// Stencil format (UNDEFINED without stencil).
    pub stencil: vk::Format,
}

/// What a raw pipeline adds to its [`PipelineKey`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Extra {
    /// Logic op (blending off), or the key's blending.
    pub logic_op: Option<vk::LogicOp>,
    /// Line width in pixels (> 1: Bresenham wide lines).
    pub line_width: u32,
    /// GL line stipple: factor (1–256) and pattern (Bresenham lines).
    pub line_stipple: Option<(u32, u16)>,
    /// The vertex shader captures (transform feedback).
    pub xfb: bool,
    /// Primitives are discarded before rasterization.
    pub rasterizer_discard: bool,
    /// Alpha to one (after alpha to coverage).
    pub alpha_to_one: bool,
    /// Flat shading takes each primitive's last vertex (GL's default),
    /// through `VK_EXT_provoking_vertex`.
    pub last_vertex: bool,
    /// The geometry shader's `LAYER` picks the layer (a different module).
    pub layered: bool,
}

/// Creates the pipeline for `key` with `extra` from `code` (each stage's
/// SPIR-V, vertex and fragment first).
pub fn create(
    device: &ash::Device,
    key: &PipelineKey,
    extra: Extra,
    layout: vk::PipelineLayout,
    code: &[(vk::ShaderStageFlags, &[u32])],
    formats: &Formats,
) -> Result<vk::Pipeline, RawError> {
    let mut modules = Vec::new();
    for &(stage, words) in code {
        let info = vk::ShaderModuleCreateInfo::default().code(words);
        // SAFETY: `words` is SPIR-V written and validated by naga.
        match unsafe { device.create_shader_module(&info, None) } {
            Ok(m) => modules.push((stage, m)),
            Err(e) => {
                destroy_modules(device, &modules);
                return Err(RawError::Vulkan {
                    what: "vkCreateShaderModule",
                    result: e,
                });
            }
        }
    }
    let result = create_with(device, key, extra, layout, &modules, formats);
    destroy_modules(device, &modules);
    result
}

fn destroy_modules(device: &ash::Device, modules: &[(vk::ShaderStageFlags, vk::ShaderModule)]) {
    for &(_, m) in modules {
        // SAFETY: the modules were created here and no pipeline creation is
        // still using them.
        unsafe { device.destroy_shader_module(m, None) };
    }
}

fn create_with(
    device: &ash::Device,
    key: &PipelineKey,
    extra: Extra,
    layout: vk::PipelineLayout,
    modules: &[(vk::ShaderStageFlags, vk::ShaderModule)],
    formats: &Formats,
) -> Result<vk::Pipeline, RawError> {
    if modules.len() < 2 {
        return Err(RawError::Missing("vertex or fragment shader module"));
    }
    let stages: Vec<_> = modules
        .iter()
        .map(|&(stage, module)| {
            vk::PipelineShaderStageCreateInfo::default()
                .stage(stage)
                .module(module)
                .name(c"main")
        })
        .collect();
    let (bindings, attributes) = vertex_input(key)?;
    let vertex = vk::PipelineVertexInputStateCreateInfo::default()
        .vertex_binding_descriptions(&bindings)
        .vertex_attribute_descriptions(&attributes);
    let assembly = vk::PipelineInputAssemblyStateCreateInfo::default()
        .topology(match key.patch_vertices {
            0 => topology(key.topology, key.adjacency),
            _ => vk::PrimitiveTopology::PATCH_LIST,
        })
        .primitive_restart_enable(key.strip_index.is_some());
    // GL's tessellation domain has its origin at the lower left (the
    // evaluation shader's vertex order is GL's).
    let mut origin = vk::PipelineTessellationDomainOriginStateCreateInfo::default()
        .domain_origin(vk::TessellationDomainOrigin::LOWER_LEFT);
    let tessellation = vk::PipelineTessellationStateCreateInfo::default()
        .patch_control_points(key.patch_vertices)
        .push_next(&mut origin);
    let mut raster = vk::PipelineRasterizationStateCreateInfo::default()
        .polygon_mode(match key.polygon_mode {
            wgpu::PolygonMode::Fill => vk::PolygonMode::FILL,
            wgpu::PolygonMode::Line => vk::PolygonMode::LINE,
            wgpu::PolygonMode::Point => vk::PolygonMode::POINT,
        })
        .front_face(match key.front_face {
            wgpu::FrontFace::Ccw => vk::FrontFace::COUNTER_CLOCKWISE,
            wgpu::FrontFace::Cw => vk::FrontFace::CLOCKWISE,
        })
        .cull_mode(match key.cull {
            None => vk::CullModeFlags::NONE,
            Some(wgpu::Face::Front) => vk::CullModeFlags::FRONT,
            Some(wgpu::Face::Back) => vk::CullModeFlags::BACK,
        })
        .line_width(extra.line_width as f32)
        .depth_clamp_enable(key.unclipped_depth)
        .rasterizer_discard_enable(extra.rasterizer_discard);
    // GL draws aliased lines (wide ones too) by the diamond-exit rule.
    let mut line_mode = vk::PipelineRasterizationLineStateCreateInfoKHR::default()
        .line_rasterization_mode(vk::LineRasterizationModeKHR::BRESENHAM);
    if let Some((factor, pattern)) = extra.line_stipple {
        line_mode = line_mode
            .stippled_line_enable(true)
            .line_stipple_factor(factor)
            .line_stipple_pattern(pattern);
    }
    if extra.line_width > 1 || extra.line_stipple.is_some() {
        raster = raster.push_next(&mut line_mode);
    }
    let mut provoking = vk::PipelineRasterizationProvokingVertexStateCreateInfoEXT::default()
        .provoking_vertex_mode(vk::ProvokingVertexModeEXT::LAST_VERTEX);
    if extra.last_vertex {
        raster = raster.push_next(&mut provoking);
    }
    let mut depth_stencil = vk::PipelineDepthStencilStateCreateInfo::default();
    if let Some(ds) = &key.depth_stencil {
        if ds.is_depth_enabled() {
            depth_stencil = depth_stencil
                .depth_test_enable(true)
                .depth_write_enable(ds.depth_write_enabled.unwrap_or_default())
                .depth_compare_op(compare(ds.depth_compare.unwrap_or_default()));
        }
        let s = &ds.stencil;
        if s.is_enabled() {
            depth_stencil = depth_stencil
                .stencil_test_enable(true)
                .front(stencil_face(&s.front, s.read_mask, s.write_mask))
                .back(stencil_face(&s.back, s.read_mask, s.write_mask));
        }
        if ds.bias.is_enabled() {
            raster = raster
                .depth_bias_enable(true)
                .depth_bias_constant_factor(ds.bias.constant as f32)
                .depth_bias_clamp(ds.bias.clamp)
                .depth_bias_slope_factor(ds.bias.slope_scale);
        }
    }
    let viewport = vk::PipelineViewportStateCreateInfo::default()
        .viewport_count(1)
        .scissor_count(1);
    let mask = [key.sample_mask as u32, (key.sample_mask >> 32) as u32];
    let multisample = vk::PipelineMultisampleStateCreateInfo::default()
        .rasterization_samples(vk::SampleCountFlags::from_raw(key.samples))
        .sample_mask(&mask)
        .alpha_to_coverage_enable(key.alpha_to_coverage)
        .alpha_to_one_enable(extra.alpha_to_one);
    let attachments = blend_attachments(key, extra);
    let mut blend = vk::PipelineColorBlendStateCreateInfo::default().attachments(&attachments);
    if let Some(op) = extra.logic_op {
        blend = blend.logic_op_enable(true).logic_op(op);
    }
    let dynamic_states = [
        vk::DynamicState::VIEWPORT,
        vk::DynamicState::SCISSOR,
        vk::DynamicState::BLEND_CONSTANTS,
        vk::DynamicState::STENCIL_REFERENCE,
    ];
    let dynamic = vk::PipelineDynamicStateCreateInfo::default().dynamic_states(&dynamic_states);
    let mut rendering = vk::PipelineRenderingCreateInfo::default()
        .color_attachment_formats(&formats.colors)
        .depth_attachment_format(formats.depth)
        .stencil_attachment_format(formats.stencil);
    let info = vk::GraphicsPipelineCreateInfo::default()
        .stages(&stages)
        .vertex_input_state(&vertex)
        .input_assembly_state(&assembly)
        .rasterization_state(&raster)
        .viewport_state(&viewport)
        .multisample_state(&multisample)
        .depth_stencil_state(&depth_stencil)
        .color_blend_state(&blend)
        .dynamic_state(&dynamic)
        .layout(layout)
        .push_next(&mut rendering);
    let info = if key.patch_vertices > 0 {
        info.tessellation_state(&tessellation)
    } else {
        info
    };
    // SAFETY: every state struct above is complete and outlives the call; the
    // modules and layout are alive.
    let pipelines =
        unsafe { device.create_graphics_pipelines(vk::PipelineCache::null(), &[info], None) }
            .map_err(|(_, result)| RawError::Vulkan {
                what: "vkCreateGraphicsPipelines",
                result,
            })?;
    pipelines
        .first()
        .copied()
        .ok_or(RawError::Missing("pipeline"))
}

/// Vertex buffer bindings and attributes: one buffer per attribute.
fn vertex_input(
    key: &PipelineKey,
) -> Result<
    (
        Vec<vk::VertexInputBindingDescription>,
        Vec<vk::VertexInputAttributeDescription>,
    ),
    RawError,
> {
    let mut bindings = Vec::new();
    let mut attributes = Vec::new();
    for (i, &(stride, step, format, location)) in key.vertex.iter().enumerate() {
        bindings.push(
            vk::VertexInputBindingDescription::default()
                .binding(i as u32)
                .stride(u32::try_from(stride).map_err(|_| RawError::OutOfRange("vertex stride"))?)
                .input_rate(match step {
                    wgpu::VertexStepMode::Vertex => vk::VertexInputRate::VERTEX,
                    wgpu::VertexStepMode::Instance => vk::VertexInputRate::INSTANCE,
                }),
        );
        attributes.push(
            vk::VertexInputAttributeDescription::default()
                .binding(i as u32)
                .location(location)
                .format(vertex_format(format).ok_or(RawError::OutOfRange("vertex format"))?),
        );
    }
    Ok((bindings, attributes))
}

/// Colour blend state per target; with a logic op, blending is off for
/// every attachment (as in GL).
fn blend_attachments(
    key: &PipelineKey,
    extra: Extra,
) -> Vec<vk::PipelineColorBlendAttachmentState> {
    key.targets
        .iter()
        .map(|t| match t {
            Some(t) => {
                let state = vk::PipelineColorBlendAttachmentState::default()
                    .color_write_mask(vk::ColorComponentFlags::from_raw(t.write_mask.bits()));
                match t.blend.filter(|_| extra.logic_op.is_none()) {
                    Some(b) => state
                        .blend_enable(true)
                        .color_blend_op(blend_op(b.color.operation))
                        .src_color_blend_factor(blend_factor(b.color.src_factor))
                        .dst_color_blend_factor(blend_factor(b.color.dst_factor))
                        .alpha_blend_op(blend_op(b.alpha.operation))
                        .src_alpha_blend_factor(blend_factor(b.alpha.src_factor))
                        .dst_alpha_blend_factor(blend_factor(b.alpha.dst_factor)),
                    None => state,
                }
            }
            None => vk::PipelineColorBlendAttachmentState::default(),
        })
        .collect()
}

fn blend_factor(f: wgpu::BlendFactor) -> vk::BlendFactor {
    use vk::BlendFactor as V;
    use wgpu::BlendFactor as B;
    match f {
        B::Zero => V::ZERO,
        B::One => V::ONE,
        B::Src => V::SRC_COLOR,
        B::OneMinusSrc => V::ONE_MINUS_SRC_COLOR,
        B::SrcAlpha => V::SRC_ALPHA,
        B::OneMinusSrcAlpha => V::ONE_MINUS_SRC_ALPHA,
        B::Dst => V::DST_COLOR,
        B::OneMinusDst => V::ONE_MINUS_DST_COLOR,
        B::DstAlpha => V::DST_ALPHA,
        B::OneMinusDstAlpha => V::ONE_MINUS_DST_ALPHA,
        B::SrcAlphaSaturated => V::SRC_ALPHA_SATURATE,
        B::Constant => V::CONSTANT_COLOR,
        B::OneMinusConstant => V::ONE_MINUS_CONSTANT_COLOR,
        B::Src1 => V::SRC1_COLOR,
        B::OneMinusSrc1 => V::ONE_MINUS_SRC1_COLOR,
        B::Src1Alpha => V::SRC1_ALPHA,
        B::OneMinusSrc1Alpha => V::ONE_MINUS_SRC1_ALPHA,
    }
}

fn blend_op(o: wgpu::BlendOperation) -> vk::BlendOp {
    use wgpu::BlendOperation as B;
    match o {
        B::Add => vk::BlendOp::ADD,
        B::Subtract => vk::BlendOp::SUBTRACT,
        B::ReverseSubtract => vk::BlendOp::REVERSE_SUBTRACT,
        B::Min => vk::BlendOp::MIN,
        B::Max => vk::BlendOp::MAX,
    }
}

/// The Vulkan topology of `t`, with adjacent vertices when `adjacency`.
fn topology(t: wgpu::PrimitiveTopology, adjacency: bool) -> vk::PrimitiveTopology {
    use vk::PrimitiveTopology as V;
    use wgpu::PrimitiveTopology as T;
    match (t, adjacency) {
        (T::PointList, _) => V::POINT_LIST,
        (T::LineList, false) => V::LINE_LIST,
        (T::LineList, true) => V::LINE_LIST_WITH_ADJACENCY,
        (T::LineStrip, false) => V::LINE_STRIP,
        (T::LineStrip, true) => V::LINE_STRIP_WITH_ADJACENCY,
        (T::TriangleList, false) => V::TRIANGLE_LIST,
        (T::TriangleList, true) => V::TRIANGLE_LIST_WITH_ADJACENCY,
        (T::TriangleStrip, false) => V::TRIANGLE_STRIP,
        (T::TriangleStrip, true) => V::TRIANGLE_STRIP_WITH_ADJACENCY,
    }
}

/// `wgpu::CompareFunction` to `VkCompareOp`.
pub fn compare(c: wgpu::CompareFunction) -> vk::CompareOp {
    use wgpu::CompareFunction as C;
    match c {
        C::Never => vk::CompareOp::NEVER,
        C::Less => vk::CompareOp::LESS,
        C::Equal => vk::CompareOp::EQUAL,
        C::LessEqual => vk::CompareOp::LESS_OR_EQUAL,
        C::Greater => vk::CompareOp::GREATER,
        C::NotEqual => vk::CompareOp::NOT_EQUAL,
        C::GreaterEqual => vk::CompareOp::GREATER_OR_EQUAL,
        C::Always => vk::CompareOp::ALWAYS,
    }
}

fn stencil_op(o: wgpu::StencilOperation) -> vk::StencilOp {
    use wgpu::StencilOperation as S;
    match o {
        S::Keep => vk::StencilOp::KEEP,
        S::Zero => vk::StencilOp::ZERO,
        S::Replace => vk::StencilOp::REPLACE,
        S::Invert => vk::StencilOp::INVERT,
        S::IncrementClamp => vk::StencilOp::INCREMENT_AND_CLAMP,
        S::DecrementClamp => vk::StencilOp::DECREMENT_AND_CLAMP,
        S::IncrementWrap => vk::StencilOp::INCREMENT_AND_WRAP,
        S::DecrementWrap => vk::StencilOp::DECREMENT_AND_WRAP,
    }
}

fn stencil_face(f: &wgpu::StencilFaceState, read: u32, write: u32) -> vk::StencilOpState {
    vk::StencilOpState {
        fail_op: stencil_op(f.fail_op),
        pass_op: stencil_op(f.pass_op),
        depth_fail_op: stencil_op(f.depth_fail_op),
        compare_op: compare(f.compare),
        compare_mask: read,
        write_mask: write,
        reference: 0,
    }
}

/// The vertex formats the draw code produces.
fn vertex_format(f: wgpu::VertexFormat) -> Option<vk::Format> {
    use vk::Format as F;
    use wgpu::VertexFormat as V;
    Some(match f {
        V::Float32 => F::R32_SFLOAT,
        V::Float32x2 => F::R32G32_SFLOAT,
        V::Float32x3 => F::R32G32B32_SFLOAT,
        V::Float32x4 => F::R32G32B32A32_SFLOAT,
        V::Float16 => F::R16_SFLOAT,
        V::Float16x2 => F::R16G16_SFLOAT,
        V::Float16x4 => F::R16G16B16A16_SFLOAT,
        V::Unorm8 => F::R8_UNORM,
        V::Unorm8x2 => F::R8G8_UNORM,
        V::Unorm8x4 => F::R8G8B8A8_UNORM,
        V::Unorm8x4Bgra => F::B8G8R8A8_UNORM,
        V::Snorm8 => F::R8_SNORM,
        V::Snorm8x2 => F::R8G8_SNORM,
        V::Snorm8x4 => F::R8G8B8A8_SNORM,
        V::Unorm16 => F::R16_UNORM,
        V::Unorm16x2 => F::R16G16_UNORM,
        V::Unorm16x4 => F::R16G16B16A16_UNORM,
        V::Snorm16 => F::R16_SNORM,
        V::Snorm16x2 => F::R16G16_SNORM,
        V::Snorm16x4 => F::R16G16B16A16_SNORM,
        V::Unorm10_10_10_2 => F::A2B10G10R10_UNORM_PACK32,
        V::Uint8 => F::R8_UINT,
        V::Uint8x2 => F::R8G8_UINT,
        V::Uint8x4 => F::R8G8B8A8_UINT,
        V::Sint8 => F::R8_SINT,
        V::Sint8x2 => F::R8G8_SINT,
        V::Sint8x4 => F::R8G8B8A8_SINT,
        V::Uint16 => F::R16_UINT,
        V::Uint16x2 => F::R16G16_UINT,
        V::Uint16x4 => F::R16G16B16A16_UINT,
        V::Sint16 => F::R16_SINT,
        V::Sint16x2 => F::R16G16_SINT,
        V::Sint16x4 => F::R16G16B16A16_SINT,
        V::Uint32 => F::R32_UINT,
        V::Uint32x2 => F::R32G32_UINT,
        V::Uint32x3 => F::R32G32B32_UINT,
        V::Uint32x4 => F::R32G32B32A32_UINT,
        V::Sint32 => F::R32_SINT,
        V::Sint32x2 => F::R32G32_SINT,
        V::Sint32x3 => F::R32G32B32_SINT,
        V::Sint32x4 => F::R32G32B32A32_SINT,
        _ => return None,
    })
}
