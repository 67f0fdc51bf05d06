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
//!
//! Stand-in textures (these and the blend stand-ins of `blend_stand_in`)
//! are kept for reuse, at most [`MAX_STAND_IN_BYTES`] of them; those not used since the last queue submission make room for
//! new ones, and a pass that would need more is refused.

use super::blend_stand_in::Conversion;
use super::blitter::Blitter;
use super::work::CopyBack;
use crate::core::base::error::{CommandError, WgpuOp};
use crate::core::gpu::device::Gpu;
use crate::core::state::objects::SurfaceObj;
use crate::core::state::sub_context::Framebuffer;

/// Bytes the stand-in textures may take together.
pub const MAX_STAND_IN_BYTES: u64 = 256 << 20;

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

/// Format, view format and size of a stand-in texture.
type Key = (wgpu::TextureFormat, wgpu::TextureFormat, (u32, u32));

struct Kept {
    key: Key,
    texture: wgpu::Texture,
    bytes: u64,
    /// `Work::submissions` when last used.
    last_use: u64,
    /// The pass it was last used in.
    pass: u64,
}

/// The stand-in textures kept for reuse.
#[derive(Default)]
pub struct StandIns {
    kept: Vec<Kept>,
    pass: u64,
}

impl StandIns {
    /// Starts the stand-ins of a new pass (each of its colour buffers gets
    /// a texture of its own).
    pub fn begin(&mut self) {
        self.pass += 1;
    }

    /// A stand-in for colour buffer `s` of `fb`, a texture of the pass's
    /// size (`submissions` is `Work::submissions`): its view and the copy
    /// back to record when the pass ends ([`copy_in`] copies the
    /// intersection in).
    pub fn stand_in(
        &mut self,
        gpu: &Gpu,
        submissions: u64,
        fb: &Framebuffer,
        s: &SurfaceObj,
    ) -> Result<(wgpu::TextureView, CopyBack), CommandError> {
        if s.samples > 1 {
            return Err(CommandError::Unsupported(
                "multisampled colour buffers of another size than the framebuffer's",
            ));
        }
        let key = (s.texture.format(), s.host_format, pass_size(fb));
        let texture = self.texture(gpu, submissions, key)?;
        let view = texture.create_view(&wgpu::TextureViewDescriptor {
            format: Some(s.host_format),
            ..Default::default()
        });
        Ok((view, copy_back(texture, fb, s, None)))
    }

    /// A blend stand-in in `format` for colour buffer `s` of `fb`
    /// (`record::blend_stand_in`), a texture of the pass's size: its view
    /// and the conversions in and back ([`copy_in`] records the first).
    pub fn blend_stand_in(
        &mut self,
        gpu: &Gpu,
        (submissions, blitter): (u64, &mut Blitter),
        fb: &Framebuffer,
        s: &SurfaceObj,
        format: wgpu::TextureFormat,
    ) -> Result<(wgpu::TextureView, CopyBack), CommandError> {
        let size = pass_size(fb);
        let texture = self.texture(gpu, submissions, (format, format, size))?;
        let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
        let convert = Conversion::new(&gpu.device, blitter, s, &texture, size, fb.size());
        Ok((view, copy_back(texture, fb, s, Some(convert))))
    }

    /// A texture for `key` not used in this pass yet: a kept one, or a new
    /// one where the textures not used since the last submission make room.
    fn texture(
        &mut self,
        gpu: &Gpu,
        submissions: u64,
        key: Key,
    ) -> Result<wgpu::Texture, CommandError> {
        let pass = self.pass;
        if let Some(k) = self
            .kept
            .iter_mut()
            .find(|k| k.key == key && k.pass != pass)
        {
            k.last_use = submissions;
            k.pass = pass;
            return Ok(k.texture.clone());
        }
        let (format, view, (w, h)) = key;
        let texel = u64::from(format.block_copy_size(None).unwrap_or(16));
        let bytes = u64::from(w) * u64::from(h) * texel;
        let used = |kept: &[Kept]| kept.iter().map(|k| k.bytes).sum::<u64>();
        if used(&self.kept).saturating_add(bytes) > MAX_STAND_IN_BYTES {
            self.kept.retain(|k| k.last_use == submissions);
        }
        if used(&self.kept).saturating_add(bytes) > MAX_STAND_IN_BYTES {
            return Err(CommandError::Unsupported(
                "colour buffer stand-ins beyond 256 MiB in one submission",
            ));
        }
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
                    | wgpu::TextureUsages::TEXTURE_BINDING
                    | wgpu::TextureUsages::COPY_SRC
                    | wgpu::TextureUsages::COPY_DST,
                view_formats: if view == format {
                    &[]
                } else {
                    std::slice::from_ref(&view)
                },
            })
        })?;
        self.kept.push(Kept {
            key,
            texture: texture.clone(),
            bytes,
            last_use: submissions,
            pass,
        });
        Ok(texture)
    }
}

/// The copy back of `fb`'s area from stand-in `texture` into colour buffer
/// `s`, converted by `convert` where given.
fn copy_back(
    texture: wgpu::Texture,
    fb: &Framebuffer,
    s: &SurfaceObj,
    convert: Option<Conversion>,
) -> CopyBack {
    CopyBack {
        from: texture,
        to: s.texture.clone(),
        level: s.level,
        layer: s.layer,
        size: fb.size(),
        convert,
    }
}

/// Records into `encoder` the copy of the intersection from the surface
/// `back` copies back into, into its stand-in.
pub fn copy_in(encoder: &mut wgpu::CommandEncoder, back: &CopyBack) {
    if let Some(convert) = &back.convert {
        convert.copy_in.record(encoder, back.size);
        return;
    }
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
}
