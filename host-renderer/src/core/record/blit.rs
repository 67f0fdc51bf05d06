//! BLIT: a scaled, filtered, format-converting copy (and mipmap generation),
//! as a plain texture copy where sizes and formats match, else drawn by the
//! blitter. Multisampled float colour sources are resolved (averaged) first,
//! and a single-sampled float colour source blitted into a multisampled
//! destination fills every sample; blits between multisampled resources and
//! integer or depth/stencil ones into or out of one are sample copies
//! ([`super::blit_ms`]).

use super::blit_ms::{blit_samples, copy_samples, SampleJob};
use super::copy::{copy_texture, CopySide};
use super::depth_blit::DepthBlit;
use super::recorder::Recorder;
use super::shader_pass::color_pass;
use crate::core::base::error::{CommandError, WgpuOp};
use crate::core::base::format::srgb_twin;
use crate::core::base::format::{is_integer, render_mask, swz, FormatDesc};
use crate::core::base::ids::ResId;
use crate::core::resources::table::TextureRes;
use crate::core::validate::blit::{blit_region, BlitRegion};
use crate::core::validate::resource::texture;
use guest_protocol::virgl::Blit;
use wgpu::util::DeviceExt;

/// Resolves layer `layer` of a multisampled colour resource `handle` into a new
/// single-sampled 2D texture of its size and format (GL: a blit from a
/// multisampled buffer reads the average of its samples); `None` when it
/// is single-sampled.
fn resolve_source(
    rec: &mut Recorder<'_>,
    handle: u32,
    layer: u32,
) -> Result<Option<wgpu::Texture>, CommandError> {
    let t = texture(rec.resource(handle)?, handle)?;
    if t.texture.sample_count() <= 1 {
        return Ok(None);
    }
    let (mut src, desc) = (t.texture.clone(), t.desc);
    let gpu = rec.gpu;
    rec.work.mark(ResId(handle));
    if src.depth_or_array_layers() > 1 {
        // Lavapipe resolves a view of a later layer from the first: the
        // layer's samples are copied into a texture of its own first.
        src = layer_alone(rec, (ResId(handle), &src, layer), desc)?;
    }
    let resolved = gpu.checked(WgpuOp::Resolve, || {
        let twin = srgb_twin(src.format());
        let resolved = gpu.device.create_texture(&wgpu::TextureDescriptor {
            label: Some("resolved"),
            size: wgpu::Extent3d {
                depth_or_array_layers: 1,
                ..src.size()
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: src.format(),
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT
                | wgpu::TextureUsages::TEXTURE_BINDING
                | wgpu::TextureUsages::COPY_SRC,
            view_formats: twin.as_slice(),
        });
        let from = src.create_view(&wgpu::TextureViewDescriptor::default());
        let to = resolved.create_view(&wgpu::TextureViewDescriptor::default());
        // A pass with no draw: the resolve happens as it ends.
        color_pass(rec.work.encoder(gpu), "resolve", (&from, None), Some(&to));
        resolved
    })?;
    Ok(Some(resolved))
}

/// A new multisampled 2D texture holding every sample of layer `layer` of
/// multisampled array `src` (resource `res`, format `desc`).
fn layer_alone(
    rec: &mut Recorder<'_>,
    (res, src, layer): (ResId, &wgpu::Texture, u32),
    desc: &'static FormatDesc,
) -> Result<wgpu::Texture, CommandError> {
    let gpu = rec.gpu;
    let alone = gpu.checked(WgpuOp::CreateTexture, || {
        gpu.device.create_texture(&wgpu::TextureDescriptor {
            label: Some("multisampled layer"),
            size: wgpu::Extent3d {
                depth_or_array_layers: 1,
                ..src.size()
            },
            mip_level_count: 1,
            sample_count: src.sample_count(),
            dimension: wgpu::TextureDimension::D2,
            format: src.format(),
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::TEXTURE_BINDING,
            view_formats: &[],
        })
    })?;
    let job = SampleJob {
        src: (res, src.clone(), layer),
        dst: (res, alone.clone(), 0, 0),
        desc,
        from: [0, 0],
        to: [0, 0, src.width(), src.height()],
        mask: 0xf,
        sample: 0,
    };
    copy_samples(rec, &job)?;
    Ok(alone)
}

/// Executes BLIT.
pub(crate) fn blit(rec: &mut Recorder<'_>, b: &Blit) -> Result<(), CommandError> {
    let (src_ms, dst_ms, src_float, dst_float) = {
        let s = texture(rec.resource(b.src.res)?, b.src.res)?;
        let d = texture(rec.resource(b.dst.res)?, b.dst.res)?;
        let float = |t: &TextureRes| !t.desc.is_depth_stencil() && !is_integer(t.desc.host);
        (
            s.texture.sample_count() > 1,
            d.texture.sample_count() > 1,
            float(s),
            float(d),
        )
    };
    // Averaged resolves and the blitter's float texels do the rest.
    if (src_ms && (dst_ms || !src_float)) || (dst_ms && !dst_float) {
        return blit_samples(rec, b);
    }
    let region = {
        let (src_r, dst_r) = (rec.resource(b.src.res)?, rec.resource(b.dst.res)?);
        blit_region(b, &src_r.info, &dst_r.info)?
    };
    let resolved = resolve_source(rec, b.src.res, region.src_z)?;
    let src_r = rec.resource(b.src.res)?;
    let dst_r = rec.resource(b.dst.res)?;
    let (src_t, dst_t) = (texture(src_r, b.src.res)?, texture(dst_r, b.dst.res)?);
    // A resolved layer is the resolved texture's only one.
    let src_z = if resolved.is_some() { 0 } else { region.src_z };
    let src_texture = resolved.unwrap_or_else(|| src_t.texture.clone());
    let color_mask = b.flags.mask() & 0xf;
    let depth_blit = src_t.desc.is_depth_stencil() || dst_t.desc.is_depth_stencil();
    let same_format = src_t.desc.host == dst_t.desc.host && b.src.format == b.dst.format;
    let Some([x0, y0, x1, y1]) = region.scissored(b) else {
        return Ok(());
    };
    if region.same_size() && !dst_ms && same_format && (depth_blit || color_mask == 0xf) {
        let [sx, sy] = region.src_of(x0, y0);
        let (dx, dy, w, h) = (x0, y0, x1 - x0, y1 - y0);
        let dst_texture = dst_t.texture.clone();
        let src = CopySide {
            id: ResId(b.src.res),
            texture: &src_texture,
            level: b.src.level,
            origin: wgpu::Origin3d {
                x: sx,
                y: sy,
                z: src_z,
            },
        };
        let dst = CopySide {
            id: ResId(b.dst.res),
            texture: &dst_texture,
            level: b.dst.level,
            origin: wgpu::Origin3d {
                x: dx,
                y: dy,
                z: region.dst_z,
            },
        };
        let size = wgpu::Extent3d {
            width: w,
            height: h,
            depth_or_array_layers: 1,
        };
        // WebGPU copies depth by whole levels: part of one is drawn.
        if !depth_blit || (src.covers_level(size) && dst.covers_level(size)) {
            return copy_texture(rec, &src, &dst, size);
        }
    }
    if depth_blit {
        return match DepthViews::new(b, &region, (&src_texture, src_z, src_t), dst_t)? {
            Some(views) => draw_depth_blit(rec, b, &region, &views),
            None => Ok(()),
        };
    }
    if is_integer(src_t.desc.host) || is_integer(dst_t.desc.host) {
        // The blitter samples floats: an integer blit must copy texels.
        return Err(CommandError::Unsupported(
            "scaled, converting or masked blit of an integer format",
        ));
    }
    if color_mask == 0 {
        return Ok(());
    }
    if !dst_t.renderable || src_t.dimension != wgpu::TextureDimension::D2 {
        return Err(CommandError::Unsupported(
            "blit to a non-renderable or from a 3D texture",
        ));
    }
    let views = BlitViews::new(rec, b, &region, (&src_texture, src_z, src_t), dst_t);
    draw_blit(rec, b, &region, &views)
}

/// `PIPE_MASK_Z`: a blit copies depth.
const PIPE_MASK_Z: u8 = 0x10;
/// `PIPE_MASK_S`: a blit copies stencil.
const PIPE_MASK_S: u8 = 0x20;

/// What a drawn depth blit (`record::depth_blit`) reads and writes.
struct DepthViews {
    /// The source level and layer's depth.
    src: wgpu::TextureView,
    /// The destination level and layer.
    dst: wgpu::TextureView,
    /// The destination's format.
    format: wgpu::TextureFormat,
    /// The destination's samples per pixel.
    samples: u32,
}

impl DepthViews {
    /// The views of a depth blit that is no texel copy: depth into depth
    /// only (`None`: the blit copies no depth). Stencil cannot be written
    /// by a shader, so such a blit that also copies stencil is refused.
    fn new(
        b: &Blit,
        region: &BlitRegion,
        (src_texture, src_z, src_t): (&wgpu::Texture, u32, &TextureRes),
        dst_t: &TextureRes,
    ) -> Result<Option<Self>, CommandError> {
        let mask = b.flags.mask();
        if mask & PIPE_MASK_S != 0 && dst_t.desc.has_stencil() {
            return Err(CommandError::Unsupported(
                "scaled or converting stencil blit",
            ));
        }
        if mask & PIPE_MASK_Z == 0 {
            return Ok(None);
        }
        if !src_t.desc.has_depth() || !dst_t.desc.has_depth() {
            return Err(CommandError::Unsupported(
                "a blit between depth and colour formats",
            ));
        }
        let level_view = |t: &wgpu::Texture, aspect, usage, level, layer| {
            t.create_view(&wgpu::TextureViewDescriptor {
                dimension: Some(wgpu::TextureViewDimension::D2),
                usage: Some(usage),
                aspect,
                base_mip_level: level,
                mip_level_count: Some(1),
                base_array_layer: layer,
                array_layer_count: Some(1),
                ..Default::default()
            })
        };
        Ok(Some(Self {
            src: level_view(
                src_texture,
                wgpu::TextureAspect::DepthOnly,
                wgpu::TextureUsages::TEXTURE_BINDING,
                b.src.level,
                src_z,
            ),
            dst: level_view(
                &dst_t.texture,
                wgpu::TextureAspect::All,
                wgpu::TextureUsages::RENDER_ATTACHMENT,
                b.dst.level,
                region.dst_z,
            ),
            format: dst_t.texture.format(),
            samples: dst_t.texture.sample_count(),
        }))
    }
}

/// Draws the depth blit `b` through `views`.
fn draw_depth_blit(
    rec: &mut Recorder<'_>,
    b: &Blit,
    region: &BlitRegion,
    views: &DepthViews,
) -> Result<(), CommandError> {
    let Some(scissor) = region.scissored(b) else {
        return Ok(());
    };
    let gpu = rec.gpu;
    rec.work.mark(ResId(b.src.res));
    rec.work.mark(ResId(b.dst.res));
    if views.samples > 1 {
        rec.work.multisampled_writes.wrote(ResId(b.dst.res));
    }
    gpu.checked(WgpuOp::Blit, || {
        let sampler = rec.caches.blitter.sampler(&gpu.device, false);
        let blit = DepthBlit {
            src: &views.src,
            sampler: &sampler,
            dst: &views.dst,
            format: views.format,
            samples: views.samples,
            rect: source_rect(region),
            viewport: region.dst.map(|c| c as f32),
            scissor,
        };
        let encoder = rec.work.encoder(gpu);
        rec.caches.depth_blit.record(&gpu.device, encoder, &blit);
    })
    .map_err(CommandError::from)
}

/// The views and formats a drawn blit reads and writes.
struct BlitViews {
    src: wgpu::TextureView,
    dst: wgpu::TextureView,
    /// The destination slice when `dst` is a 3D view.
    dst_slice: Option<u32>,
    /// The destination's samples per pixel.
    dst_samples: u32,
    src_desc: &'static FormatDesc,
    dst_desc: &'static FormatDesc,
}

impl BlitViews {
    /// The source level and layer (`src_z` of `src_texture`: the blit's,
    /// or 0 of a resolved copy) as a sampled 2D view, the destination's as
    /// a render target (a 3D view and its slice for a 3D texture), each in
    /// the blit's format where it shares the texture's storage.
    fn new(
        rec: &Recorder<'_>,
        b: &Blit,
        region: &BlitRegion,
        (src_texture, src_z, src_t): (&wgpu::Texture, u32, &TextureRes),
        dst_t: &TextureRes,
    ) -> Self {
        let src_desc = rec
            .gpu
            .view_desc(b.src.format, src_t.desc, src_t.reinterpretable);
        let dst_desc = rec
            .gpu
            .view_desc(b.dst.format, dst_t.desc, dst_t.reinterpretable);
        let dst_3d = dst_t.dimension == wgpu::TextureDimension::D3;
        let view = |t: &wgpu::Texture, format, usage, level, layer, d3| {
            t.create_view(&wgpu::TextureViewDescriptor {
                format: Some(format),
                dimension: Some(if d3 {
                    wgpu::TextureViewDimension::D3
                } else {
                    wgpu::TextureViewDimension::D2
                }),
                usage: Some(usage),
                base_mip_level: level,
                mip_level_count: Some(1),
                base_array_layer: layer,
                array_layer_count: Some(1),
                ..Default::default()
            })
        };
        Self {
            src: view(
                src_texture,
                src_desc.host,
                wgpu::TextureUsages::TEXTURE_BINDING,
                b.src.level,
                src_z,
                false,
            ),
            dst: view(
                &dst_t.texture,
                dst_desc.host,
                wgpu::TextureUsages::RENDER_ATTACHMENT,
                b.dst.level,
                if dst_3d { 0 } else { region.dst_z },
                dst_3d,
            ),
            dst_slice: dst_3d.then_some(region.dst_z),
            dst_samples: dst_t.texture.sample_count(),
            src_desc,
            dst_desc,
        }
    }
}

/// The source rectangle in normalized coordinates, oriented as the
/// destination: left, top, right, bottom.
fn source_rect(region: &BlitRegion) -> [f32; 4] {
    let [sx, sy, sw, sh] = region.src;
    let (fw, fh) = (
        region.src_level_size.0 as f32,
        region.src_level_size.1 as f32,
    );
    let mut u = [sx as f32 / fw, (sx + sw) as f32 / fw];
    let mut v = [sy as f32 / fh, (sy + sh) as f32 / fh];
    if region.flip_x {
        u.swap(0, 1);
    }
    if region.flip_y {
        v.swap(0, 1);
    }
    [u[0], v[0], u[1], v[1]]
}

/// The blitter's parameters: the source rectangle in normalized
/// coordinates, oriented as the destination, and both swizzles.
fn blit_params(region: &BlitRegion, views: &BlitViews) -> [u32; 16] {
    let [u0, v0, u1, v1] = source_rect(region);
    // Guest colour from the source: X formats read alpha as one, unless the
    // destination has no alpha either (its stored alpha byte is kept as is).
    let (src_desc, dst_desc) = (views.src_desc, views.dst_desc);
    let mut src_swizzle = src_desc.swizzle;
    if src_desc.alpha_is_one() && dst_desc.alpha_is_one() {
        src_swizzle[3] = swz::A;
    }
    let dst_swizzle = dst_desc.render_swizzle();
    let mut params = [0u32; 16];
    for (p, v) in params.iter_mut().zip(
        [u0, v0, u1, v1]
            .map(f32::to_bits)
            .into_iter()
            .chain(src_swizzle.map(u32::from))
            .chain(dst_swizzle.map(u32::from)),
    ) {
        *p = v;
    }
    params
}

/// Draws the blit with the blitter.
fn draw_blit(
    rec: &mut Recorder<'_>,
    b: &Blit,
    region: &BlitRegion,
    views: &BlitViews,
) -> Result<(), CommandError> {
    let params = blit_params(region, views);
    let color_mask = b.flags.mask() & 0xf;
    let mask = render_mask(views.dst_desc.render_swizzle(), color_mask);
    let linear = b.flags.filter() == 1;
    let gpu = rec.gpu;
    let device = &gpu.device;
    let [dx, dy, dw, dh] = region.dst;
    let Some([x0, y0, x1, y1]) = region.scissored(b) else {
        return Ok(());
    };
    gpu.checked(WgpuOp::Blit, || {
        let blitter = &mut rec.caches.blitter;
        let pipeline = blitter.pipeline(device, views.dst_desc.host, mask, views.dst_samples);
        let sampler = blitter.sampler(device, linear);
        let ubuf = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("blit params"),
            contents: bytemuck::cast_slice(&params),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let bind = blitter.bind_group(device, &views.src, &sampler, &ubuf);
        rec.work.mark(ResId(b.src.res));
        rec.work.mark(ResId(b.dst.res));
        if views.dst_samples > 1 {
            rec.work.multisampled_writes.wrote(ResId(b.dst.res));
        }
        let target = (&views.dst, views.dst_slice);
        let mut pass = color_pass(rec.work.encoder(gpu), "blit", target, None);
        pass.set_pipeline(&pipeline);
        pass.set_bind_group(0, &bind, &[]);
        pass.set_viewport(dx as f32, dy as f32, dw as f32, dh as f32, 0.0, 1.0);
        pass.set_scissor_rect(x0, y0, x1 - x0, y1 - y0);
        pass.draw(0..4, 0..1);
    })
    .map_err(CommandError::from)
}
