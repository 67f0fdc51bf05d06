//! The wgpu device: adapter choice, features, the uncaptured-error sink and
//! error scopes, and which table formats this adapter really supports.

use super::dmabuf::DmabufExporter;
use super::raw;
use crate::core::base::error::{ErrorChain, GpuInitError, WgpuError, WgpuOp};
use crate::core::base::format::{self, usage, FormatDesc};
use guest_protocol::virgl::Format;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Features used when the adapter has them; formats and states needing a
/// missing one are simply not advertised.
const WANTED_FEATURES: wgpu::Features = wgpu::Features::TEXTURE_FORMAT_16BIT_NORM
    .union(wgpu::Features::TEXTURE_COMPRESSION_BC)
    .union(wgpu::Features::DEPTH32FLOAT_STENCIL8)
    .union(wgpu::Features::FLOAT32_FILTERABLE)
    .union(wgpu::Features::RG11B10UFLOAT_RENDERABLE)
    .union(wgpu::Features::DEPTH_CLIP_CONTROL)
    .union(wgpu::Features::POLYGON_MODE_LINE)
    .union(wgpu::Features::POLYGON_MODE_POINT)
    .union(wgpu::Features::TIMESTAMP_QUERY)
    .union(wgpu::Features::TIMESTAMP_QUERY_INSIDE_ENCODERS)
    .union(wgpu::Features::INDIRECT_FIRST_INSTANCE)
    .union(wgpu::Features::DUAL_SOURCE_BLENDING)
    .union(wgpu::Features::TEXTURE_ADAPTER_SPECIFIC_FORMAT_FEATURES)
    .union(wgpu::Features::ADDRESS_MODE_CLAMP_TO_BORDER)
    .union(wgpu::Features::CLIP_DISTANCES)
    .union(wgpu::Features::PRIMITIVE_INDEX)
    .union(wgpu::Features::VERTEX_WRITABLE_STORAGE)
    .union(wgpu::Features::PASSTHROUGH_SHADERS)
    .union(wgpu::Features::MULTISAMPLE_ARRAY);

/// How to open the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GpuOptions {
    /// Enable the raw Vulkan path (logic ops) where the adapter can; false
    /// opens the device with wgpu's features only, as on an adapter without
    /// them.
    pub raw_vulkan: bool,
}

impl Default for GpuOptions {
    fn default() -> Self {
        Self { raw_vulkan: true }
    }
}

/// What one virgl format can do on this device.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FormatSupport {
    /// Sampled (with filtering where the format is filterable in GL).
    pub sample: bool,
    /// Colour render target (GL's colour-renderable: cleared, drawn to,
    /// blitted into).
    pub render: bool,
    /// A colour render target the device also blends (integer targets
    /// count: GL never blends them). Lavapipe blends no signed normalized
    /// format; draws that would blend into one are refused.
    pub blend: bool,
    /// Depth/stencil attachment.
    pub depth: bool,
    /// Bound as a shader image (a storage texture, loads and stores).
    pub storage: bool,
    /// Colour or depth/stencil target with [`MSAA_SAMPLES`] samples (a
    /// colour format also resolvable, unless it is an integer format).
    pub multisample: bool,
}

/// The one sample count multisampled resources have: WebGPU guarantees 4×
/// for renderable formats, and GL's "at least n samples" is then met for
/// every n ≤ 4 the guest can ask for through the caps.
pub const MSAA_SAMPLES: u32 = 4;

/// The device and queue every context renders with.
pub struct Gpu {
    /// The wgpu device.
    pub device: wgpu::Device,
    /// Its queue.
    pub queue: wgpu::Queue,
    /// The adapter's description (name shown in the caps renderer string).
    pub adapter_info: wgpu::AdapterInfo,
    /// Features enabled on the device.
    pub features: wgpu::Features,
    /// The device's limits.
    pub limits: wgpu::Limits,
    /// Cube array views can be bound (WebGPU downlevel `CUBE_ARRAY_TEXTURES`).
    pub cube_arrays: bool,
    /// The raw Vulkan path (logic ops), when the device has it.
    pub raw: Option<raw::RawDevice>,
    /// Largest point size (pixels) shaders may write; 1 without Vulkan's
    /// `largePoints`.
    pub max_point_size: u32,
    /// Scanout memory as dmabufs, when the device can export them.
    pub dmabuf: Option<DmabufExporter>,
    formats: HashMap<Format, FormatSupport>,
    uncaptured: Arc<Mutex<Vec<WgpuError>>>,
    /// Held around every queue submission and device poll: wgpu-core 30
    /// panics ("If the queue is empty, the current submission index …")
    /// when a timed wait reads the fence while another thread's maintenance
    /// (a poll or a submit) empties the queue. Waits are taken in slices of
    /// [`WAIT_SLICE`] so no thread holds it long.
    maintenance: Mutex<()>,
}

/// Longest a wait holds [`Gpu`]'s maintenance lock at a time.
pub const WAIT_SLICE: Duration = Duration::from_millis(5);

impl std::fmt::Debug for Gpu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gpu")
            .field("adapter", &self.adapter_info.name)
            .finish_non_exhaustive()
    }
}

impl Gpu {
    /// Opens the first Vulkan adapter (lavapipe where there is no GPU) and
    /// installs the uncaptured-error handler before anything else is created.
    pub fn new() -> Result<Arc<Self>, GpuInitError> {
        Self::with_options(GpuOptions::default())
    }

    /// As [`Gpu::new`], with `options`.
    pub fn with_options(options: GpuOptions) -> Result<Arc<Self>, GpuInitError> {
        let mut desc = wgpu::InstanceDescriptor::new_without_display_handle();
        desc.backends = wgpu::Backends::VULKAN;
        desc.flags = wgpu::InstanceFlags::empty();
        let instance = wgpu::Instance::new(desc);
        let adapter = pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions {
            power_preference: wgpu::PowerPreference::HighPerformance,
            force_fallback_adapter: false,
            compatible_surface: None,
            apply_limit_buckets: false,
        }))?;
        let features = adapter.features() & WANTED_FEATURES;
        let limits = adapter.limits();
        let desc = wgpu::DeviceDescriptor {
            label: Some("pv3d"),
            required_features: features,
            required_limits: limits.clone(),
            experimental_features: wgpu::ExperimentalFeatures::disabled(),
            memory_hints: wgpu::MemoryHints::Performance,
            trace: wgpu::Trace::Off,
        };
        let opened = if options.raw_vulkan {
            raw::open(&adapter, &desc)
        } else {
            Err(raw::OpenError::Disabled)
        };
        let (device, queue, raw_features) = match opened {
            Ok(opened) => opened,
            Err(e) => {
                if !matches!(e, raw::OpenError::Disabled) {
                    tracing::warn!(
                        "opening the device with raw Vulkan features failed ({e}); \
                         using wgpu's features only (logic ops will be refused)"
                    );
                }
                let (device, queue) = pollster::block_on(adapter.request_device(&desc))?;
                (device, queue, raw::RawFeatures::default())
            }
        };
        let raw = raw::RawDevice::new(&adapter, &device, raw_features);
        let dmabuf = DmabufExporter::new(&adapter, &device, raw_features.dmabuf);
        let uncaptured: Arc<Mutex<Vec<WgpuError>>> = Arc::default();
        let sink = Arc::clone(&uncaptured);
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
            let e = WgpuError::new(WgpuOp::Uncaptured, e);
            tracing::warn!("{}", ErrorChain(&e));
            let mut list = sink.lock();
            if list.len() < 64 {
                list.push(e);
            }
        }));
        let formats = format::TABLE
            .iter()
            .map(|f| (f.virgl, support(&adapter, features, f)))
            .collect();
        let adapter_info = adapter.get_info();
        let cube_arrays = adapter
            .get_downlevel_capabilities()
            .flags
            .contains(wgpu::DownlevelFlags::CUBE_ARRAY_TEXTURES);
        tracing::info!(
            "wgpu adapter {} ({:?}, driver {}), features {:?}, raw Vulkan {:?}",
            adapter_info.name,
            adapter_info.device_type,
            adapter_info.driver,
            features,
            raw_features
        );
        Ok(Arc::new(Self {
            device,
            queue,
            adapter_info,
            features,
            limits: device_limits(limits),
            cube_arrays,
            raw,
            max_point_size: raw_features.max_point_size.max(1),
            dmabuf,
            formats,
            uncaptured,
            maintenance: Mutex::new(()),
        }))
    }

    /// What `format` can do here (all false when not implemented).
    pub fn format_support(&self, format: Format) -> FormatSupport {
        self.formats.get(&format).copied().unwrap_or_default()
    }

    /// The table entry for `format` when the device can at least store it.
    pub fn format_desc(&self, format: Format) -> Option<&'static FormatDesc> {
        let s = self.format_support(format);
        if s.sample || s.render || s.depth {
            format::lookup(format)
        } else {
            None
        }
    }

    /// The table entry to view a texture stored as `stored` in `format`:
    /// `format`'s where the device can store it in the same host format (or
    /// its sRGB / linear twin) or, for a texture created `reinterpretable`,
    /// in a format of the same view class ([`format::view_compatible`]),
    /// else `stored` itself.
    pub fn view_desc(
        &self,
        format: Format,
        stored: &'static FormatDesc,
        reinterpretable: bool,
    ) -> &'static FormatDesc {
        if format::is_stencil_view(format) && stored.has_stencil() {
            // The stencil of a depth/stencil texture (ARB_stencil_texturing):
            // its stencil aspect, sampled as unsigned integers.
            if let Some(stencil) = self.format_desc(Format::S8_UINT) {
                return stencil;
            }
        }
        self.format_desc(format)
            .filter(|d| {
                d.host.remove_srgb_suffix() == stored.host.remove_srgb_suffix()
                    || (reinterpretable && format::view_compatible(stored, d))
            })
            .unwrap_or(stored)
    }

    /// Runs `f` inside a validation + out-of-memory + internal error scope
    /// and returns its value with the first error caught, as an error of
    /// `op`.
    pub fn scoped<T>(&self, op: WgpuOp, f: impl FnOnce() -> T) -> (T, Option<WgpuError>) {
        let internal = self.device.push_error_scope(wgpu::ErrorFilter::Internal);
        let oom = self.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let validation = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let value = f();
        let errors = [
            pollster::block_on(validation.pop()),
            pollster::block_on(oom.pop()),
            pollster::block_on(internal.pop()),
        ];
        let first = errors
            .into_iter()
            .flatten()
            .next()
            .map(|e| WgpuError::new(op, e));
        (value, first)
    }

    /// [`Gpu::scoped`] as a `Result`: `f`'s value unless wgpu reported an
    /// error.
    pub fn checked<T>(&self, op: WgpuOp, f: impl FnOnce() -> T) -> Result<T, WgpuError> {
        match self.scoped(op, f) {
            (value, None) => Ok(value),
            (_, Some(e)) => Err(e),
        }
    }

    /// Errors that reached the uncaptured handler since the last call.
    pub fn take_uncaptured(&self) -> Vec<WgpuError> {
        std::mem::take(&mut *self.uncaptured.lock())
    }

    /// Submits command buffers to the queue.
    pub fn submit(
        &self,
        buffers: impl IntoIterator<Item = wgpu::CommandBuffer>,
    ) -> wgpu::SubmissionIndex {
        let _held = self.maintenance.lock();
        self.queue.submit(buffers)
    }

    /// Runs finished work's callbacks without waiting; true while work is
    /// still queued.
    pub fn poll(&self) -> bool {
        let _held = self.maintenance.lock();
        match self.device.poll(wgpu::PollType::Poll) {
            Ok(status) => !status.is_queue_empty(),
            Err(e) => {
                tracing::warn!("device poll: {e}");
                false
            }
        }
    }

    /// Waits until submission `index` (all work when `None`) finished, at
    /// most `timeout` (forever when `None`): false if it is still running.
    pub fn wait(&self, index: Option<&wgpu::SubmissionIndex>, timeout: Option<Duration>) -> bool {
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            let slice = deadline.map_or(WAIT_SLICE, |d| {
                d.saturating_duration_since(Instant::now()).min(WAIT_SLICE)
            });
            let poll = {
                let _held = self.maintenance.lock();
                self.device.poll(wgpu::PollType::Wait {
                    submission_index: index.cloned(),
                    timeout: Some(slice),
                })
            };
            match poll {
                Ok(_) => return true,
                Err(wgpu::PollError::Timeout) => {
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        return false;
                    }
                }
                Err(e) => {
                    tracing::warn!("waiting for the GPU: {e}");
                    return true;
                }
            }
        }
    }

    /// Blocks until all submitted work finished.
    pub fn wait_idle(&self) {
        self.wait(None, None);
    }
}

/// The limits the renderer holds itself to (the adapter's, capped).
fn device_limits(limits: wgpu::Limits) -> wgpu::Limits {
    limits
}

fn support(adapter: &wgpu::Adapter, features: wgpu::Features, f: &FormatDesc) -> FormatSupport {
    if !features.contains(f.host.required_features()) {
        return FormatSupport::default();
    }
    let ff = adapter.get_texture_format_features(f.host);
    let usages = ff.allowed_usages;
    let copy = usages.contains(wgpu::TextureUsages::COPY_SRC);
    let sampled = usages.contains(wgpu::TextureUsages::TEXTURE_BINDING) && copy;
    // GL neither filters nor blends integer formats: the shader loads their
    // texels (`IntegerSampling`) and their colour targets never blend.
    let integer = format::is_integer(f.host);
    let filterable = ff
        .flags
        .contains(wgpu::TextureFormatFeatureFlags::FILTERABLE)
        || f.is_depth_stencil()
        || integer;
    let attach = usages.contains(wgpu::TextureUsages::RENDER_ATTACHMENT);
    let blendable = ff
        .flags
        .contains(wgpu::TextureFormatFeatureFlags::BLENDABLE)
        || integer;
    let render = f.usage & usage::RENDER != 0 && attach && sampled;
    let depth = f.usage & usage::DEPTH != 0 && attach && copy;
    // Integer colour resolves pick a sample (GL), drawn, not resolved.
    let resolvable = integer
        || ff
            .flags
            .contains(wgpu::TextureFormatFeatureFlags::MULTISAMPLE_RESOLVE);
    FormatSupport {
        sample: f.usage & usage::SAMPLE != 0 && sampled && (filterable || integer),
        render,
        blend: render && blendable,
        depth,
        storage: usages.contains(wgpu::TextureUsages::STORAGE_BINDING)
            && !f.is_depth_stencil()
            && ff
                .flags
                .contains(wgpu::TextureFormatFeatureFlags::STORAGE_READ_WRITE),
        multisample: ((render && resolvable) || depth)
            && ff.flags.sample_count_supported(MSAA_SAMPLES),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoped_errors_keep_wgpu_cause() {
        let gpu = Gpu::new().expect("a wgpu device (lavapipe)");
        let (_, err) = gpu.scoped(WgpuOp::CreateTexture, || {
            gpu.device.create_texture(&wgpu::TextureDescriptor {
                label: None,
                size: wgpu::Extent3d {
                    width: 0,
                    height: 1,
                    depth_or_array_layers: 1,
                },
                mip_level_count: 1,
                sample_count: 1,
                dimension: wgpu::TextureDimension::D2,
                format: wgpu::TextureFormat::Rgba8Unorm,
                usage: wgpu::TextureUsages::TEXTURE_BINDING,
                view_formats: &[],
            })
        });
        let err = err.expect("a zero-sized texture is a validation error");
        assert_eq!(err.op(), WgpuOp::CreateTexture);
        assert_eq!(err.to_string(), "wgpu validation error creating a texture");
        let line = ErrorChain(&err).to_string();
        assert!(
            line.starts_with("wgpu validation error creating a texture: In Device::create_texture"),
            "{line}"
        );
        assert!(!line.contains('\n'), "{line}");
        assert!(line.len() > 80, "the cause is there: {line}");
        assert!(gpu.take_uncaptured().is_empty());
    }
}
