//! Framebuffers whose attachments differ in size. GL draws into the
//! intersection of their sizes (the framebuffer's size); a WebGPU pass
//! wants every attachment the same size. The pass takes the depth/stencil
//! buffer's size (WebGPU copies depth/stencil texels only as whole
//! subresources), or the intersection without one; each colour buffer of
//! another size than both is drawn through a stand-in texture of the
//! pass's size: the intersection is copied in when the pass begins and back
//! when it ends (`Work::set_pass`), so the texels outside it keep their
//! values. Draws are scissored to the framebuffer's size already; a
//! depth/stencil buffer larger than the intersection is cleared in it only
//! (`depth_clear`).

use super::work::CopyBack;
use crate::core::base::error::{CommandError, WgpuOp};
use crate::core::gpu::device::Gpu;
use crate::core::state::objects::SurfaceObj;
use crate::core::state::sub_context::Framebuffer;

/// The size of a pass on `fb`: its depth/stencil buffer's, else the
/// intersection of its colour buffers'.
pub fn pass_size(fb: &Framebuffer) -> (u32, u32) {
    fb.zsurf.as_ref().map_or_else(|| fb.size(), |z| z.size)
}

/// Whether colour buffer `s` of `fb` is drawn through a stand-in.
pub fn needs_stand_in(fb: &Framebuffer, s: &SurfaceObj) -> bool {
    s.size != pass_size(fb) || s.size != fb.size()
}

/// Whether clearing `fb`'s depth/stencil buffer would clear texels outside
/// the framebuffer's size.
pub fn depth_beyond(fb: &Framebuffer) -> bool {
    fb.zsurf.as_ref().is_some_and(|z| z.size != fb.size())
}

/// A stand-in for colour buffer `s` of `fb`: a texture of the pass's size
/// holding the intersection of `s`, copied on `encoder`; its view and the
/// copy to record when the pass ends.
pub fn stand_in(
    gpu: &Gpu,
    encoder: &mut wgpu::CommandEncoder,
    fb: &Framebuffer,
    s: &SurfaceObj,
) -> Result<(wgpu::TextureView, CopyBack), CommandError> {
    if s.samples > 1 {
        return Err(CommandError::Unsupported(
            "multisampled colour buffers of another size than the framebuffer's",
        ));
    }
    let (w, h) = pass_size(fb);
    let format = s.texture.format();
    let texture = gpu.checked(WgpuOp::CreateTexture, || {
        gpu.device.create_texture(&wgpu::TextureDescriptor {
            label: Some("colour buffer stand-in"),
            size: wgpu::Extent3d {
                width: w,
                height: h,
                depth_or_array_layers: 1,
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format,
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT
                | wgpu::TextureUsages::COPY_SRC
                | wgpu::TextureUsages::COPY_DST,
            view_formats: if s.host_format == format {
                &[]
            } else {
                std::slice::from_ref(&s.host_format)
            },
        })
    })?;
    let view = texture.create_view(&wgpu::TextureViewDescriptor {
        format: Some(s.host_format),
        ..Default::default()
    });
    let back = CopyBack {
        from: texture,
        to: s.texture.clone(),
        level: s.level,
        layer: s.layer,
        size: fb.size(),
    };
    encoder.copy_texture_to_texture(
        wgpu::TexelCopyTextureInfo {
            texture: &back.to,
            mip_level: back.level,
            origin: wgpu::Origin3d {
                x: 0,
                y: 0,
                z: back.layer,
            },
            aspect: wgpu::TextureAspect::All,
        },
        back.from.as_image_copy(),
        wgpu::Extent3d {
            width: back.size.0,
            height: back.size.1,
            depth_or_array_layers: 1,
        },
    );
    Ok((view, back))
}
