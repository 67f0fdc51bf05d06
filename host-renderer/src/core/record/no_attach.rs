//! Framebuffers without attachments (`ARB_framebuffer_no_attachments`:
//! GL's default width, height and samples). A WebGPU pass needs an
//! attachment, so such a framebuffer renders to a scratch colour surface
//! of its size and samples that draws never write (an empty colour mask):
//! primitives are still rasterized, so occlusion queries count their
//! samples, scissored and viewport-clipped as GL does. The scratch
//! surfaces framebuffers hold take at most [`MAX_SCRATCH_BYTES`] together.

use crate::core::base::error::{CommandError, WgpuOp};
use crate::core::base::format;
use crate::core::base::ids::ResId;
use crate::core::gpu::device::Gpu;
use crate::core::resources::create::host_samples;
use crate::core::state::objects::SurfaceObj;
use guest_protocol::virgl::Format;
use std::sync::Arc;

/// Bytes the scratch surfaces of a renderer may take together (one byte
/// per sample): 256 MiB, as much as 8192 × 8192 pixels of 4 samples.
pub const MAX_SCRATCH_BYTES: u64 = 256 << 20;

/// The scratch surfaces framebuffers hold, reused for the same size and
/// samples.
#[derive(Default)]
pub struct NoAttach {
    surfaces: Vec<Arc<SurfaceObj>>,
}

/// Bytes of scratch surface `s`.
fn bytes(s: &SurfaceObj) -> u64 {
    u64::from(s.size.0) * u64::from(s.size.1) * u64::from(s.samples)
}

impl NoAttach {
    /// The scratch surface of a `size` framebuffer of `samples` (GL's
    /// count: 0 and 1 single-sampled, up to 4 made 4 as for resources);
    /// `None` for an empty size, where draws are skipped.
    pub fn surface(
        &mut self,
        gpu: &Gpu,
        size: (u32, u32),
        samples: u32,
    ) -> Result<Option<Arc<SurfaceObj>>, CommandError> {
        let (w, h) = size;
        if w == 0 || h == 0 {
            return Ok(None);
        }
        let samples = host_samples(samples).ok_or(CommandError::OutOfRange {
            what: "framebuffer samples",
            value: u64::from(samples),
        })?;
        if let Some(s) = self
            .surfaces
            .iter()
            .find(|s| s.size == size && s.samples == samples)
        {
            return Ok(Some(Arc::clone(s)));
        }
        // Those no framebuffer holds any more go.
        self.surfaces.retain(|s| Arc::strong_count(s) > 1);
        let held: u64 = self.surfaces.iter().map(|s| bytes(s)).sum();
        let max = gpu.limits.max_texture_dimension_2d;
        let new = u64::from(w) * u64::from(h) * u64::from(samples);
        if w > max || h > max {
            return Err(CommandError::OutOfRange {
                what: "framebuffer without attachments: size",
                value: u64::from(w.max(h)),
            });
        }
        if held.saturating_add(new) > MAX_SCRATCH_BYTES {
            return Err(CommandError::OutOfRange {
                what: "framebuffers without attachments: scratch bytes held",
                value: held.saturating_add(new),
            });
        }
        let desc = format::lookup(Format::R8_UNORM).ok_or(CommandError::Unsupported(
            "framebuffers without attachments (no R8 format)",
        ))?;
        let support = gpu.format_support(desc.virgl);
        if !support.render || (samples > 1 && !support.multisample) {
            return Err(CommandError::Unsupported(
                "framebuffers without attachments (R8 targets of their samples)",
            ));
        }
        let texture = gpu.checked(WgpuOp::CreateTexture, || {
            gpu.device.create_texture(&wgpu::TextureDescriptor {
                label: Some("no-attachment scratch"),
                size: wgpu::Extent3d {
                    width: w,
                    height: h,
                    depth_or_array_layers: 1,
                },
                mip_level_count: 1,
                sample_count: samples,
                dimension: wgpu::TextureDimension::D2,
                format: desc.host,
                usage: wgpu::TextureUsages::RENDER_ATTACHMENT,
                view_formats: &[],
            })
        })?;
        let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
        let surface = Arc::new(SurfaceObj {
            res: ResId(0),
            level: 0,
            layer: 0,
            view,
            texture,
            depth_slice: None,
            other_layers: Vec::new(),
            layers_view: None,
            layers_written: Default::default(),
            polygon_offset_unit: None,
            host_format: desc.host,
            alpha_is_one: desc.alpha_is_one(),
            render_swizzle: desc.render_swizzle(),
            size,
            samples,
            renderable: true,
            blendable: support.blend,
            scratch: true,
        });
        self.surfaces.push(Arc::clone(&surface));
        Ok(Some(surface))
    }
}
