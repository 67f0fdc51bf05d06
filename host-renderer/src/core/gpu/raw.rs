//! Opens the wgpu device through wgpu-hal so that the Vulkan features WebGPU
//! lacks (logic ops, wide Bresenham lines, large points, transform feedback,
//! geometry shaders, the last provoking vertex, dmabuf export) and what the raw
//! path records with (dynamic rendering, push descriptors) are enabled where
//! the adapter has them.

use ash::vk;
use std::ffi::CStr;
use wgpu::hal::api::Vulkan;

/// Vulkan features enabled for the raw path (default: no raw path).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RawFeatures {
    /// `VkPhysicalDeviceFeatures::logicOp`.
    pub logic_op: bool,
    /// Widest aliased line in whole pixels (`wideLines` with Bresenham line
    /// rasterization, as GL draws aliased lines); 0 or 1: no wide lines.
    pub max_line_width: u32,
    /// GL line stipple (`stippledBresenhamLines`).
    pub line_stipple: bool,
    /// Largest point size in whole pixels a vertex shader may write
    /// (`largePoints`, enabled for every pipeline, wgpu's too); 1: points
    /// are one pixel.
    pub max_point_size: u32,
    /// `VkPhysicalDeviceFeatures::alphaToOne` (GL_SAMPLE_ALPHA_TO_ONE).
    pub alpha_to_one: bool,
    /// `VK_KHR_external_memory_fd` and `VK_EXT_external_memory_dma_buf`:
    /// scanout memory can be exported as dmabufs
    /// ([`DmabufExporter`](super::dmabuf::DmabufExporter)).
    pub dmabuf: bool,
    /// `VK_EXT_transform_feedback` (`transformFeedback`), with the
    /// device's limits: stream output on the raw path.
    pub xfb: Option<XfbLimits>,
    /// `geometryShader`, with the device's limits: geometry shaders on the
    /// raw path.
    pub geometry: Option<GeometryLimits>,
    /// `tessellationShader`, with patches of up to 32 vertices and levels
    /// up to 64 (GL's minimums): tessellation stages on the raw path.
    pub tessellation: bool,
    /// `VK_EXT_provoking_vertex` (`provokingVertexLast`): geometry-shader
    /// draws flat-shade with GL's last vertex of each output primitive.
    pub provoking_last: bool,
    /// Varying locations between the vertex and fragment stage
    /// (`maxVertexOutputComponents`, `maxFragmentInputComponents`, over 4):
    /// draws with more than wgpu validates take the raw path (0: none).
    pub varyings: u32,
}

/// The geometry-shader limits of the device (`VkPhysicalDeviceLimits`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GeometryLimits {
    /// `maxGeometryOutputVertices`.
    pub output_vertices: u32,
    /// `maxGeometryTotalOutputComponents`.
    pub total_output_components: u32,
}

/// The transform-feedback limits of the device
/// (`VkPhysicalDeviceTransformFeedbackPropertiesEXT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct XfbLimits {
    /// `maxTransformFeedbackBuffers`.
    pub buffers: u32,
    /// `maxTransformFeedbackBufferSize`.
    pub buffer_size: u64,
    /// `maxTransformFeedbackBufferDataSize`: bytes one vertex writes to a
    /// buffer.
    pub data_size: u32,
    /// `maxTransformFeedbackBufferDataStride`.
    pub stride: u32,
    /// Vertex output locations (`maxVertexOutputComponents` / 4): the
    /// captured outputs sit above the varyings and must stay below.
    pub locations: u32,
}

impl RawFeatures {
    /// True when lines wider than one pixel can be drawn.
    pub fn wide_lines(&self) -> bool {
        self.max_line_width > 1
    }

    /// Stream-output buffers the raw path captures into (0: none).
    pub fn xfb_buffers(&self) -> u32 {
        self.xfb.map_or(0, |x| x.buffers.min(4))
    }
}

/// Varying locations between the vertex and fragment stage.
fn varyings(limits: &vk::PhysicalDeviceLimits) -> u32 {
    limits
        .max_vertex_output_components
        .min(limits.max_fragment_input_components)
        / 4
}

/// The device's geometry-shader limits.
fn geometry(limits: &vk::PhysicalDeviceLimits) -> GeometryLimits {
    GeometryLimits {
        output_vertices: limits.max_geometry_output_vertices,
        total_output_components: limits.max_geometry_total_output_components,
    }
}

/// Turns on the core features the raw path uses in `enabled` (wgpu's own).
fn enable_core_features(enabled: &mut vk::PhysicalDeviceFeatures, raw: &RawFeatures) {
    let on = |b: bool| if b { vk::TRUE } else { vk::FALSE };
    enabled.logic_op |= on(raw.logic_op);
    enabled.wide_lines |= on(raw.wide_lines());
    enabled.large_points |= on(raw.max_point_size > 1);
    enabled.alpha_to_one |= on(raw.alpha_to_one);
    enabled.geometry_shader |= on(raw.geometry.is_some());
    enabled.tessellation_shader |= on(raw.tessellation);
}

/// `VK_EXT_line_rasterization` (ash names only its KHR promotion).
const EXT_LINE_RASTERIZATION: &CStr = c"VK_EXT_line_rasterization";

/// Why the hal-level device creation failed (the caller falls back to wgpu's).
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The caller asked for wgpu's features only.
    #[error("the raw Vulkan path is disabled")]
    Disabled,
    /// The adapter is not a Vulkan one.
    #[error("adapter is not a Vulkan adapter")]
    NotVulkan,
    /// A Vulkan call failed.
    #[error("Vulkan: {0}")]
    Vulkan(vk::Result),
    /// wgpu-hal refused the raw device.
    #[error("wgpu-hal: {0}")]
    Hal(#[from] wgpu::hal::DeviceError),
    /// wgpu refused the hal device.
    #[error("wgpu: {0}")]
    Wgpu(#[from] wgpu::RequestDeviceError),
}

/// Creates the device with wgpu's own extensions and features plus the raw
/// path's, when the adapter offers Vulkan 1.3, dynamic rendering, push
/// descriptors and `logicOp`, Bresenham `wideLines` or
/// `transformFeedback`; otherwise with wgpu's only.
pub fn open(
    adapter: &wgpu::Adapter,
    desc: &wgpu::DeviceDescriptor<'_>,
) -> Result<(wgpu::Device, wgpu::Queue, RawFeatures), OpenError> {
    // SAFETY: the hal adapter is used only inside this function, while
    // `adapter` is alive, and nothing it owns is destroyed here.
    let hal = unsafe { adapter.as_hal::<Vulkan>() }.ok_or(OpenError::NotVulkan)?;
    let instance = hal.shared_instance().raw_instance();
    let phys = hal.raw_physical_device();
    // SAFETY: `phys` was enumerated from `instance`.
    let props = unsafe { instance.get_physical_device_properties(phys) };
    // SAFETY: as above.
    let core = unsafe { instance.get_physical_device_features(phys) };
    // SAFETY: as above.
    let exts = unsafe { instance.enumerate_device_extension_properties(phys) }
        .map_err(OpenError::Vulkan)?;
    let has_ext = |name: &CStr| {
        exts.iter()
            .any(|e| e.extension_name_as_c_str().is_ok_and(|n| n == name))
    };
    let line_ext = [ash::khr::line_rasterization::NAME, EXT_LINE_RASTERIZATION]
        .into_iter()
        .find(|&n| has_ext(n));
    let xfb_ext = has_ext(ash::ext::transform_feedback::NAME);
    let provoking_ext = has_ext(ash::ext::provoking_vertex::NAME);
    let mut dynamic = vk::PhysicalDeviceDynamicRenderingFeatures::default();
    let mut lines = vk::PhysicalDeviceLineRasterizationFeaturesKHR::default();
    let mut xfb = vk::PhysicalDeviceTransformFeedbackFeaturesEXT::default();
    let mut provoking = vk::PhysicalDeviceProvokingVertexFeaturesEXT::default();
    let mut features2 = vk::PhysicalDeviceFeatures2::default().push_next(&mut dynamic);
    if line_ext.is_some() {
        features2 = features2.push_next(&mut lines);
    }
    if xfb_ext {
        features2 = features2.push_next(&mut xfb);
    }
    if provoking_ext {
        features2 = features2.push_next(&mut provoking);
    }
    // SAFETY: `phys` belongs to `instance`; the chain holds valid structs of
    // extensions the device has.
    unsafe { instance.get_physical_device_features2(phys, &mut features2) };
    let raw_ok = props.api_version >= vk::API_VERSION_1_3
        && dynamic.dynamic_rendering == vk::TRUE
        && has_ext(ash::khr::push_descriptor::NAME);
    let bresenham = raw_ok && line_ext.is_some() && lines.bresenham_lines == vk::TRUE;
    let wide_ok = bresenham && core.wide_lines == vk::TRUE;
    let widest = props.limits.line_width_range[1];
    let raw = RawFeatures {
        logic_op: raw_ok && core.logic_op == vk::TRUE,
        max_line_width: if wide_ok && widest.is_finite() {
            widest.clamp(1.0, 255.0) as u32
        } else {
            1
        },
        line_stipple: bresenham && lines.stippled_bresenham_lines == vk::TRUE,
        max_point_size: match props.limits.point_size_range[1] {
            big if core.large_points == vk::TRUE && big.is_finite() => big.clamp(1.0, 255.0) as u32,
            _ => 1,
        },
        alpha_to_one: raw_ok && core.alpha_to_one == vk::TRUE,
        dmabuf: has_ext(ash::khr::external_memory_fd::NAME)
            && has_ext(ash::ext::external_memory_dma_buf::NAME),
        xfb: (raw_ok && xfb_ext && xfb.transform_feedback == vk::TRUE)
            .then(|| xfb_limits(instance, phys, &props.limits))
            .filter(|l| l.buffers > 0),
        varyings: if raw_ok { varyings(&props.limits) } else { 0 },
        geometry: (raw_ok && core.geometry_shader == vk::TRUE).then(|| geometry(&props.limits)),
        tessellation: raw_ok
            && core.tessellation_shader == vk::TRUE
            && props.limits.max_tessellation_patch_size >= 32
            && props.limits.max_tessellation_generation_level >= 64,
        provoking_last: raw_ok && provoking_ext && provoking.provoking_vertex_last == vk::TRUE,
    };
    let line_state = raw.wide_lines() || raw.line_stipple;
    let any = raw.logic_op
        || line_state
        || raw.xfb.is_some()
        || raw.alpha_to_one
        || raw.geometry.is_some()
        || raw.tessellation;

    let mut extensions = hal.required_device_extensions(desc.required_features);
    let wanted = wanted_extensions(&raw, any, line_state.then_some(line_ext).flatten());
    for name in wanted {
        if !extensions.contains(&name) {
            extensions.push(name);
        }
    }
    let mut phd = hal.physical_device_features(&extensions, desc.required_features);
    let mut enabled = phd.get_core();
    enable_core_features(&mut enabled, &raw);
    let mut dynamic_on =
        vk::PhysicalDeviceDynamicRenderingFeatures::default().dynamic_rendering(true);
    let mut lines_on = vk::PhysicalDeviceLineRasterizationFeaturesKHR::default()
        .bresenham_lines(true)
        .stippled_bresenham_lines(raw.line_stipple);
    let names: Vec<*const std::ffi::c_char> = extensions.iter().map(|s| s.as_ptr()).collect();
    // wgpu-hal itself always uses queue family 0, queue 0.
    let priorities = [1.0f32];
    let queues = [vk::DeviceQueueCreateInfo::default()
        .queue_family_index(0)
        .queue_priorities(&priorities)];
    let mut info = vk::DeviceCreateInfo::default()
        .queue_create_infos(&queues)
        .enabled_extension_names(&names);
    if any {
        info = info.push_next(&mut dynamic_on);
    }
    if line_state {
        info = info.push_next(&mut lines_on);
    }
    let mut xfb_on =
        vk::PhysicalDeviceTransformFeedbackFeaturesEXT::default().transform_feedback(true);
    if raw.xfb.is_some() {
        info = info.push_next(&mut xfb_on);
    }
    let mut provoking_on =
        vk::PhysicalDeviceProvokingVertexFeaturesEXT::default().provoking_vertex_last(true);
    if raw.provoking_last {
        info = info.push_next(&mut provoking_on);
    }
    let info = phd.add_to_device_create(info).enabled_features(&enabled);
    // SAFETY: `info` lists extensions and features the adapter reported, and
    // every pointer in it lives until the call returns.
    let device = unsafe { instance.create_device(phys, &info, None) }.map_err(OpenError::Vulkan)?;
    // SAFETY: `device` was created from this adapter with `extensions` and
    // wgpu's features enabled; ownership passes to wgpu-hal (no callback).
    let open = unsafe {
        hal.device_from_raw(
            device,
            None,
            &extensions,
            desc.required_features,
            &desc.required_limits,
            &desc.memory_hints,
            0,
            0,
        )
    }?;
    drop(hal);
    // SAFETY: `open` was created from this adapter's hal adapter.
    let (device, queue) = unsafe { adapter.create_device_from_hal(open, desc) }?;
    Ok((device, queue, raw))
}

/// The device extensions the raw path needs beyond wgpu's for `raw`
/// (`any`: some raw feature is on; `line_ext`: the line-rasterization
/// extension, when line state is used).
fn wanted_extensions(
    raw: &RawFeatures,
    any: bool,
    line_ext: Option<&'static CStr>,
) -> Vec<&'static CStr> {
    let mut wanted = Vec::new();
    if any {
        wanted.push(ash::khr::push_descriptor::NAME);
    }
    wanted.extend(line_ext);
    if raw.xfb.is_some() {
        wanted.push(ash::ext::transform_feedback::NAME);
    }
    if raw.provoking_last {
        wanted.push(ash::ext::provoking_vertex::NAME);
    }
    if raw.dmabuf {
        wanted.push(ash::khr::external_memory_fd::NAME);
        wanted.push(ash::ext::external_memory_dma_buf::NAME);
    }
    wanted
}

/// The device's transform-feedback limits.
fn xfb_limits(
    instance: &ash::Instance,
    phys: vk::PhysicalDevice,
    limits: &vk::PhysicalDeviceLimits,
) -> XfbLimits {
    let mut p = vk::PhysicalDeviceTransformFeedbackPropertiesEXT::default();
    let mut props = vk::PhysicalDeviceProperties2::default().push_next(&mut p);
    // SAFETY: `phys` belongs to `instance`, which has the extension's
    // property struct (the device lists the extension).
    unsafe { instance.get_physical_device_properties2(phys, &mut props) };
    XfbLimits {
        buffers: p.max_transform_feedback_buffers,
        buffer_size: p.max_transform_feedback_buffer_size,
        data_size: p.max_transform_feedback_buffer_data_size,
        stride: p.max_transform_feedback_buffer_data_stride,
        locations: limits.max_vertex_output_components / 4,
    }
}

/// The Vulkan device under wgpu, as far as the raw path uses it.
pub struct RawDevice {
    device: ash::Device,
    push: ash::khr::push_descriptor::Device,
    xfb: ash::ext::transform_feedback::Device,
    memory: vk::PhysicalDeviceMemoryProperties,
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
    /// The raw path of `device` (opened by [`open`] with `features`);
    /// `None` when no raw feature is enabled.
    pub fn new(
        adapter: &wgpu::Adapter,
        device: &wgpu::Device,
        features: RawFeatures,
    ) -> Option<Self> {
        if !features.logic_op
            && !features.wide_lines()
            && !features.line_stipple
            && features.xfb.is_none()
            && !features.alpha_to_one
            && features.geometry.is_none()
            && !features.tessellation
        {
            return None;
        }
        // SAFETY: the hal objects are only read here for handles that stay
        // valid while `device` lives (every raw cache keeps a `wgpu::Device`).
        let hal_device = unsafe { device.as_hal::<Vulkan>() }?;
        // SAFETY: as above.
        let hal_adapter = unsafe { adapter.as_hal::<Vulkan>() }?;
        let raw = hal_device.raw_device().clone();
        let instance = hal_adapter.shared_instance().raw_instance();
        let push = ash::khr::push_descriptor::Device::new(instance, &raw);
        let xfb = ash::ext::transform_feedback::Device::new(instance, &raw);
        // SAFETY: the physical device belongs to `instance`.
        let memory = unsafe {
            instance.get_physical_device_memory_properties(hal_adapter.raw_physical_device())
        };
        Some(Self {
            device: raw,
            push,
            xfb,
            memory,
            adapter: adapter.clone(),
            features,
        })
    }

    /// What the raw path can do.
    pub fn features(&self) -> RawFeatures {
        self.features
    }

    /// The Vulkan device.
    pub(crate) fn device(&self) -> &ash::Device {
        &self.device
    }

    /// Its push-descriptor commands.
    pub(crate) fn push(&self) -> &ash::khr::push_descriptor::Device {
        &self.push
    }

    /// Its transform-feedback commands (loaded whether or not the device
    /// has them: call only with [`RawFeatures::xfb`]).
    pub(crate) fn xfb(&self) -> &ash::ext::transform_feedback::Device {
        &self.xfb
    }

    /// The index of a memory type in `type_bits` with `flags`.
    pub(crate) fn memory_type(
        &self,
        type_bits: u32,
        flags: vk::MemoryPropertyFlags,
    ) -> Option<u32> {
        self.memory
            .memory_types_as_slice()
            .iter()
            .enumerate()
            .find(|(i, t)| type_bits & (1 << i) != 0 && t.property_flags.contains(flags))
            .map(|(i, _)| i as u32)
    }

    /// The Vulkan format wgpu-hal uses for `f`.
    pub(crate) fn format(&self, f: wgpu::TextureFormat) -> vk::Format {
        // SAFETY: the hal adapter is only asked for a format mapping.
        unsafe { self.adapter.as_hal::<Vulkan>() }
            .map_or(vk::Format::UNDEFINED, |a| a.texture_format_as_raw(f))
    }
}
