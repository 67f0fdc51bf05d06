//! Blending into colour buffers whose format the device cannot blend
//! (lavapipe blends no signed normalized format). GL blends them: the
//! source, destination and factors clamped to [−1, 1], the result clamped
//! again when stored. Such a buffer is drawn through a float stand-in of
//! the pass's size ([`format::blend_stand_in`]): the pass's area is
//! converted into it when the pass begins and back when it ends, by the
//! blitter ([`Conversion`]); the fragment shader clamps what it writes
//! there to [−1, 1] (`Options::signed_color_buffers`) and the blend
//! constant is clamped the same way, so the stand-in blends as GL does.
//! Within one pass the stand-in keeps each blend's result at half-float
//! precision, rounded to the buffer's format once, when the pass ends.
//!
//! The pass that blends into such a buffer differs from the one that does
//! not (its attachment has another format), so draws that switch between
//! blending and not begin a new pass each time.

use super::blitter::Blitter;
use super::shader_pass::color_pass;
use crate::core::base::format;
use crate::core::state::objects::SurfaceObj;
use wgpu::util::DeviceExt;

/// The stand-in format colour buffer `s` is blended in, if it has one:
/// single-sampled 2D surfaces of a signed normalized format.
pub fn stand_in_format(s: &SurfaceObj) -> Option<wgpu::TextureFormat> {
    if s.samples > 1 || s.depth_slice.is_some() || s.scratch {
        return None;
    }
    format::blend_stand_in(s.host_format)
}

/// One conversion blit: the blitter's pipeline and bind group, drawing
/// into `target` the area from the origin.
pub struct ConvertingBlit {
    pipeline: wgpu::RenderPipeline,
    bind_group: wgpu::BindGroup,
    target: wgpu::TextureView,
}

impl ConvertingBlit {
    /// A blit of the area `size` from `source` (`source_size` texels) into
    /// `target` (of `format`), channel for channel.
    fn new(
        device: &wgpu::Device,
        blitter: &mut Blitter,
        source: &wgpu::TextureView,
        source_size: (u32, u32),
        (target, format): (wgpu::TextureView, wgpu::TextureFormat),
        size: (u32, u32),
    ) -> Self {
        let identity = [0u32, 1, 2, 3];
        let rect = [
            0.0,
            0.0,
            size.0 as f32 / source_size.0.max(1) as f32,
            size.1 as f32 / source_size.1.max(1) as f32,
        ];
        let mut params = [0u32; 16];
        for (p, v) in params.iter_mut().zip(
            rect.map(f32::to_bits)
                .into_iter()
                .chain(identity)
                .chain(identity),
        ) {
            *p = v;
        }
        let buffer = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("blend stand-in params"),
            contents: bytemuck::cast_slice(&params),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let sampler = blitter.sampler(device, false);
        Self {
            pipeline: blitter.pipeline(device, format, 0xf, 1),
            bind_group: blitter.bind_group(device, source, &sampler, &buffer),
            target,
        }
    }

    /// Records the blit of the area `size` into `encoder`.
    pub fn record(&self, encoder: &mut wgpu::CommandEncoder, (w, h): (u32, u32)) {
        let mut pass = color_pass(encoder, "blend stand-in", (&self.target, None), None);
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &self.bind_group, &[]);
        pass.set_viewport(0.0, 0.0, w as f32, h as f32, 0.0, 1.0);
        pass.set_scissor_rect(0, 0, w, h);
        pass.draw(0..4, 0..1);
    }
}

/// The blits between a colour buffer and its blend stand-in.
pub struct Conversion {
    /// Into the stand-in, when the pass begins.
    pub copy_in: ConvertingBlit,
    /// Back into the colour buffer, when the pass ends.
    pub copy_back: ConvertingBlit,
}

impl Conversion {
    /// The blits of the area `size` between surface `s` and `stand_in` (a
    /// texture of `stand_in_size`).
    pub fn new(
        device: &wgpu::Device,
        blitter: &mut Blitter,
        s: &SurfaceObj,
        stand_in: &wgpu::Texture,
        stand_in_size: (u32, u32),
        size: (u32, u32),
    ) -> Self {
        let surface = s.texture.create_view(&wgpu::TextureViewDescriptor {
            label: Some("blend stand-in source"),
            format: Some(s.host_format),
            dimension: Some(wgpu::TextureViewDimension::D2),
            base_mip_level: s.level,
            mip_level_count: Some(1),
            base_array_layer: s.layer,
            array_layer_count: Some(1),
            ..Default::default()
        });
        let stand_in_view = stand_in.create_view(&wgpu::TextureViewDescriptor::default());
        let copy_in = ConvertingBlit::new(
            device,
            blitter,
            &surface,
            s.size,
            (stand_in_view.clone(), stand_in.format()),
            size,
        );
        let copy_back = ConvertingBlit::new(
            device,
            blitter,
            &stand_in_view,
            stand_in_size,
            (s.view.clone(), s.host_format),
            size,
        );
        Self { copy_in, copy_back }
    }
}
