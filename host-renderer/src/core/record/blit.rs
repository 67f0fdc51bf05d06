//! BLIT (scaled, filtered, format-converting copy; mipmap generation) and
//! RESOURCE_COPY_REGION (raw copy).

use crate::core::base::error::CommandError;
use crate::core::base::format::{render_mask, swz};
use crate::core::base::ids::ResId;
use crate::core::exec::Exec;
use crate::core::record::transfer;
use crate::core::resources::{srgb_twin, Resource, ResourceKind};
use guest_protocol::virgl::{Blit, Box3, CopyRegion};
use std::collections::HashMap;
use wgpu::util::DeviceExt;

const BLIT_WGSL: &str = r"
struct Params { rect: vec4<f32>, src: vec4<u32>, dst: vec4<u32>, lod: f32, pad0: f32, pad1: f32, pad2: f32 }
@group(0) @binding(0) var src: texture_2d<f32>;
@group(0) @binding(1) var samp: sampler;
@group(0) @binding(2) var<uniform> p: Params;
struct VOut { @builtin(position) pos: vec4<f32>, @location(0) uv: vec2<f32> }
@vertex fn vs(@builtin(vertex_index) i: u32) -> VOut {
    let x = f32(i & 1u);
    let y = f32(i >> 1u);
    var o: VOut;
    o.pos = vec4<f32>(x * 2.0 - 1.0, 1.0 - y * 2.0, 0.0, 1.0);
    o.uv = vec2<f32>(mix(p.rect.x, p.rect.z, x), mix(p.rect.y, p.rect.w, y));
    return o;
}
// Channel s of c: 0..3 R, G, B, A; 4 zero; 5 one (format::swz).
fn pick(c: vec4<f32>, s: u32) -> f32 {
    if (s < 4u) { return c[s]; }
    return select(0.0, 1.0, s == 5u);
}
fn swizzle(c: vec4<f32>, s: vec4<u32>) -> vec4<f32> {
    return vec4<f32>(pick(c, s.x), pick(c, s.y), pick(c, s.z), pick(c, s.w));
}
// The source's guest colour (its format's read swizzle), stored in the
// destination's host channels (its render swizzle).
@fragment fn fs(v: VOut) -> @location(0) vec4<f32> {
    let c = swizzle(textureSampleLevel(src, samp, v.uv, p.lod), p.src);
    return swizzle(c, p.dst);
}
";

/// Pipelines of the blitter, by destination format and write mask.
#[derive(Default)]
pub struct Blitter {
    module: Option<wgpu::ShaderModule>,
    layout: Option<(wgpu::BindGroupLayout, wgpu::PipelineLayout)>,
    pipelines: HashMap<(wgpu::TextureFormat, u8), wgpu::RenderPipeline>,
    samplers: Option<[wgpu::Sampler; 2]>,
}

impl Blitter {
    fn pipeline(
        &mut self,
        device: &wgpu::Device,
        format: wgpu::TextureFormat,
        mask: u8,
    ) -> (wgpu::RenderPipeline, wgpu::BindGroupLayout) {
        let module = self
            .module
            .get_or_insert_with(|| {
                device.create_shader_module(wgpu::ShaderModuleDescriptor {
                    label: Some("blit"),
                    source: wgpu::ShaderSource::Wgsl(BLIT_WGSL.into()),
                })
            })
            .clone();
        let (bgl, layout) = self
            .layout
            .get_or_insert_with(|| {
                let bgl = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                    label: Some("blit"),
                    entries: &[
                        wgpu::BindGroupLayoutEntry {
                            binding: 0,
                            visibility: wgpu::ShaderStages::FRAGMENT,
                            ty: wgpu::BindingType::Texture {
                                sample_type: wgpu::TextureSampleType::Float { filterable: true },
                                view_dimension: wgpu::TextureViewDimension::D2,
                                multisampled: false,
                            },
                            count: None,
                        },
                        wgpu::BindGroupLayoutEntry {
                            binding: 1,
                            visibility: wgpu::ShaderStages::FRAGMENT,
                            ty: wgpu::BindingType::Sampler(wgpu::SamplerBindingType::Filtering),
                            count: None,
                        },
                        wgpu::BindGroupLayoutEntry {
                            binding: 2,
                            visibility: wgpu::ShaderStages::VERTEX_FRAGMENT,
                            ty: wgpu::BindingType::Buffer {
                                ty: wgpu::BufferBindingType::Uniform,
                                has_dynamic_offset: false,
                                min_binding_size: None,
                            },
                            count: None,
                        },
                    ],
                });
                let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                    label: Some("blit"),
                    bind_group_layouts: &[Some(&bgl)],
                    immediate_size: 0,
                });
                (bgl, layout)
            })
            .clone();
        let pipeline = self
            .pipelines
            .entry((format, mask))
            .or_insert_with(|| {
                device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                    label: Some("blit"),
                    layout: Some(&layout),
                    vertex: wgpu::VertexState {
                        module: &module,
                        entry_point: Some("vs"),
                        compilation_options: Default::default(),
                        buffers: &[],
                    },
                    primitive: wgpu::PrimitiveState {
                        topology: wgpu::PrimitiveTopology::TriangleStrip,
                        ..Default::default()
                    },
                    depth_stencil: None,
                    multisample: wgpu::MultisampleState::default(),
                    fragment: Some(wgpu::FragmentState {
                        module: &module,
                        entry_point: Some("fs"),
                        compilation_options: Default::default(),
                        targets: &[Some(wgpu::ColorTargetState {
                            format,
                            blend: None,
                            write_mask: wgpu::ColorWrites::from_bits_truncate(u32::from(mask)),
                        })],
                    }),
                    multiview_mask: None,
                    cache: None,
                })
            })
            .clone();
        (pipeline, bgl)
    }

    fn sampler(&mut self, device: &wgpu::Device, linear: bool) -> wgpu::Sampler {
        let s = self.samplers.get_or_insert_with(|| {
            [wgpu::FilterMode::Nearest, wgpu::FilterMode::Linear].map(|f| {
                device.create_sampler(&wgpu::SamplerDescriptor {
                    mag_filter: f,
                    min_filter: f,
                    ..Default::default()
                })
            })
        });
        let [nearest, linear_s] = s;
        if linear {
            linear_s.clone()
        } else {
            nearest.clone()
        }
    }
}

fn texture_of(
    r: &Resource,
    handle: u32,
) -> Result<&crate::core::resources::TextureRes, CommandError> {
    r.texture().ok_or(CommandError::WrongResource {
        res: handle,
        what: "texture",
    })
}

/// Checks that `x..x+w` (w may be negative) lies in `0..=max`; returns (min, len).
fn span(what: &'static str, x: i32, w: i32, max: u32) -> Result<(u32, u32), CommandError> {
    let (lo, hi) = if w < 0 {
        (i64::from(x) + i64::from(w), i64::from(x))
    } else {
        (i64::from(x), i64::from(x) + i64::from(w))
    };
    if lo < 0 || hi > i64::from(max) || lo == hi {
        return Err(CommandError::OutOfRange {
            what,
            value: x as u64,
        });
    }
    Ok((lo as u32, (hi - lo) as u32))
}

/// Resolves a multisampled resource `handle` into a new single-sampled
/// texture of its size and format (GL: a blit from a multisampled buffer
/// reads the average of its samples); `None` when it is single-sampled.
fn resolve_source(ex: &mut Exec<'_>, handle: u32) -> Result<Option<wgpu::Texture>, CommandError> {
    let t = texture_of(ex.resource(handle)?, handle)?;
    if t.texture.sample_count() <= 1 {
        return Ok(None);
    }
    let src = t.texture.clone();
    let gpu = ex.gpu;
    ex.work.mark(ResId(handle));
    let (resolved, err) = gpu.scoped(|| {
        let twin = srgb_twin(src.format());
        let resolved = gpu.device.create_texture(&wgpu::TextureDescriptor {
            label: Some("resolved"),
            size: src.size(),
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: src.format(),
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT
                | wgpu::TextureUsages::TEXTURE_BINDING
                | wgpu::TextureUsages::COPY_SRC,
            view_formats: twin.as_slice(),
        });
        let (from, to) = (
            src.create_view(&wgpu::TextureViewDescriptor::default()),
            resolved.create_view(&wgpu::TextureViewDescriptor::default()),
        );
        // A pass with no draw: the resolve happens as it ends.
        ex.work
            .encoder(gpu)
            .begin_render_pass(&wgpu::RenderPassDescriptor {
                label: Some("resolve"),
                color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                    view: &from,
                    depth_slice: None,
                    resolve_target: Some(&to),
                    ops: wgpu::Operations {
                        load: wgpu::LoadOp::Load,
                        store: wgpu::StoreOp::Store,
                    },
                })],
                depth_stencil_attachment: None,
                timestamp_writes: None,
                occlusion_query_set: None,
                multiview_mask: None,
            });
        resolved
    });
    match err {
        Some(e) => Err(CommandError::Wgpu(e)),
        None => Ok(Some(resolved)),
    }
}

/// Executes BLIT.
pub fn blit(ex: &mut Exec<'_>, b: &Blit) -> Result<(), CommandError> {
    let resolved = resolve_source(ex, b.src.res)?;
    let src_r = ex.resource(b.src.res)?;
    let dst_r = ex.resource(b.dst.res)?;
    let (src_t, dst_t) = (texture_of(src_r, b.src.res)?, texture_of(dst_r, b.dst.res)?);
    if dst_t.texture.sample_count() > 1 {
        return Err(CommandError::Unsupported(
            "blits into multisampled resources",
        ));
    }
    let src_texture = resolved.unwrap_or_else(|| src_t.texture.clone());
    let (sl, dl) = (b.src.level, b.dst.level);
    if sl > src_r.info.last_level || dl > dst_r.info.last_level {
        return Err(CommandError::OutOfRange {
            what: "blit level",
            value: u64::from(sl.max(dl)),
        });
    }
    let (sw, sh, _) = src_r.info.level_extent(sl);
    let (dw, dh, _) = dst_r.info.level_extent(dl);
    let (sx, sw_) = span("blit src x", b.src.region.x, b.src.region.w, sw)?;
    let (sy, sh_) = span("blit src y", b.src.region.y, b.src.region.h, sh)?;
    let (dx, dw_) = span("blit dst x", b.dst.region.x, b.dst.region.w, dw)?;
    let (dy, dh_) = span("blit dst y", b.dst.region.y, b.dst.region.h, dh)?;
    let sz = u32::try_from(b.src.region.z).map_err(|_| CommandError::OutOfRange {
        what: "blit src z",
        value: 0,
    })?;
    let dz = u32::try_from(b.dst.region.z).map_err(|_| CommandError::OutOfRange {
        what: "blit dst z",
        value: 0,
    })?;
    if sz >= src_r.info.host_layers().max(src_r.info.level_extent(sl).2)
        || dz >= dst_r.info.host_layers().max(dst_r.info.level_extent(dl).2)
    {
        return Err(CommandError::OutOfRange {
            what: "blit layer",
            value: u64::from(sz.max(dz)),
        });
    }
    let flipped = (b.src.region.w < 0) != (b.dst.region.w < 0)
        || (b.src.region.h < 0) != (b.dst.region.h < 0);
    let same_size = sw_ == dw_ && sh_ == dh_ && !flipped;
    let mask = b.flags.mask();
    let color_mask = mask & 0xf;
    let depth_blit = src_t.desc.is_depth_stencil() || dst_t.desc.is_depth_stencil();
    let same_format = src_t.desc.host == dst_t.desc.host && b.src.format == b.dst.format;
    if same_size && same_format && (depth_blit || color_mask == 0xf) && !b.flags.scissor_enable() {
        let size = wgpu::Extent3d {
            width: sw_,
            height: sh_,
            depth_or_array_layers: 1,
        };
        let (src_tex, dst_tex) = (src_texture, dst_t.texture.clone());
        let gpu = ex.gpu;
        ex.work.mark(ResId(b.src.res));
        ex.work.mark(ResId(b.dst.res));
        let enc = ex.work.encoder(gpu);
        let ((), err) = gpu.scoped(|| {
            enc.copy_texture_to_texture(
                wgpu::TexelCopyTextureInfo {
                    texture: &src_tex,
                    mip_level: sl,
                    origin: wgpu::Origin3d {
                        x: sx,
                        y: sy,
                        z: sz,
                    },
                    aspect: wgpu::TextureAspect::All,
                },
                wgpu::TexelCopyTextureInfo {
                    texture: &dst_tex,
                    mip_level: dl,
                    origin: wgpu::Origin3d {
                        x: dx,
                        y: dy,
                        z: dz,
                    },
                    aspect: wgpu::TextureAspect::All,
                },
                size,
            );
        });
        return err.map_or(Ok(()), |e| Err(CommandError::Wgpu(e)));
    }
    if depth_blit {
        return Err(CommandError::Unsupported("scaled or converting depth blit"));
    }
    if color_mask == 0 {
        return Ok(());
    }
    if !dst_t.renderable || src_t.dimension != wgpu::TextureDimension::D2 {
        return Err(CommandError::Unsupported(
            "blit to a non-renderable or from a 3D texture",
        ));
    }
    let gpu = ex.gpu;
    let src_desc = gpu
        .format_desc(b.src.format)
        .filter(|d| d.host.remove_srgb_suffix() == src_t.desc.host.remove_srgb_suffix())
        .unwrap_or(src_t.desc);
    let dst_desc = gpu
        .format_desc(b.dst.format)
        .filter(|d| d.host.remove_srgb_suffix() == dst_t.desc.host.remove_srgb_suffix())
        .unwrap_or(dst_t.desc);
    let src_view = src_texture.create_view(&wgpu::TextureViewDescriptor {
        format: Some(src_desc.host),
        dimension: Some(wgpu::TextureViewDimension::D2),
        usage: Some(wgpu::TextureUsages::TEXTURE_BINDING),
        base_mip_level: sl,
        mip_level_count: Some(1),
        base_array_layer: sz,
        array_layer_count: Some(1),
        ..Default::default()
    });
    let dst_view = dst_t.texture.create_view(&wgpu::TextureViewDescriptor {
        format: Some(dst_desc.host),
        dimension: Some(wgpu::TextureViewDimension::D2),
        usage: Some(wgpu::TextureUsages::RENDER_ATTACHMENT),
        base_mip_level: dl,
        mip_level_count: Some(1),
        base_array_layer: dz,
        array_layer_count: Some(1),
        ..Default::default()
    });
    // Source rectangle in normalized coordinates, oriented as the destination.
    let (fw, fh) = (sw as f32, sh as f32);
    let mut u = [sx as f32 / fw, (sx + sw_) as f32 / fw];
    let mut v = [sy as f32 / fh, (sy + sh_) as f32 / fh];
    if (b.src.region.w < 0) != (b.dst.region.w < 0) {
        u.swap(0, 1);
    }
    if (b.src.region.h < 0) != (b.dst.region.h < 0) {
        v.swap(0, 1);
    }
    // Guest colour from the source: X formats read alpha as one, unless the
    // destination has no alpha either (its stored alpha byte is kept as is).
    let mut src_swizzle = src_desc.swizzle;
    if src_desc.alpha_is_one() && dst_desc.alpha_is_one() {
        src_swizzle[3] = swz::A;
    }
    let dst_swizzle = dst_desc.render_swizzle();
    let mut params = [0u32; 16];
    for (p, v) in params.iter_mut().zip(
        [u[0], v[0], u[1], v[1]]
            .map(f32::to_bits)
            .into_iter()
            .chain(src_swizzle.map(u32::from))
            .chain(dst_swizzle.map(u32::from)),
    ) {
        *p = v;
    }
    let linear = b.flags.filter() == 1;
    let device = &gpu.device;
    let ((), err) = gpu.scoped(|| {
        let (pipeline, bgl) =
            ex.caches
                .blitter
                .pipeline(device, dst_desc.host, render_mask(dst_swizzle, color_mask));
        let sampler = ex.caches.blitter.sampler(device, linear);
        let ubuf = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some("blit params"),
            contents: bytemuck::cast_slice(&params),
            usage: wgpu::BufferUsages::UNIFORM,
        });
        let bind = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &bgl,
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: wgpu::BindingResource::TextureView(&src_view),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: wgpu::BindingResource::Sampler(&sampler),
                },
                wgpu::BindGroupEntry {
                    binding: 2,
                    resource: ubuf.as_entire_binding(),
                },
            ],
        });
        ex.work.mark(ResId(b.src.res));
        ex.work.mark(ResId(b.dst.res));
        let enc = ex.work.encoder(gpu);
        let mut pass = enc.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("blit"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view: &dst_view,
                depth_slice: None,
                resolve_target: None,
                ops: wgpu::Operations {
                    load: wgpu::LoadOp::Load,
                    store: wgpu::StoreOp::Store,
                },
            })],
            depth_stencil_attachment: None,
            timestamp_writes: None,
            occlusion_query_set: None,
            multiview_mask: None,
        });
        pass.set_pipeline(&pipeline);
        pass.set_bind_group(0, &bind, &[]);
        pass.set_viewport(dx as f32, dy as f32, dw_ as f32, dh_ as f32, 0.0, 1.0);
        if b.flags.scissor_enable() {
            let (x0, y0) = (u32::from(b.scissor_min.lo()), u32::from(b.scissor_min.hi()));
            let (x1, y1) = (
                u32::from(b.scissor_max.lo()).min(dw),
                u32::from(b.scissor_max.hi()).min(dh),
            );
            if x1 <= x0 || y1 <= y0 {
                return;
            }
            pass.set_scissor_rect(x0, y0, x1 - x0, y1 - y0);
        }
        pass.draw(0..4, 0..1);
    });
    err.map_or(Ok(()), |e| Err(CommandError::Wgpu(e)))
}

/// Executes RESOURCE_COPY_REGION.
pub fn copy_region(ex: &mut Exec<'_>, c: &CopyRegion) -> Result<(), CommandError> {
    ex.resource(c.src_res)?;
    ex.resource(c.dst_res)?;
    let (src_id, dst_id) = (ResId(c.src_res), ResId(c.dst_res));
    let src_box = c.src;
    let bad = |what| CommandError::OutOfRange { what, value: 0 };
    let is_buffers = ex
        .resources
        .get(&src_id)
        .is_some_and(|r| r.info.is_buffer());
    if is_buffers {
        let sx = u64::try_from(src_box.x).map_err(|_| bad("copy src x"))?;
        let w = u64::try_from(src_box.w).map_err(|_| bad("copy width"))?;
        let dx = u64::from(c.dst[0]);
        let bytes = {
            let src = ex.resources.get(&src_id).and_then(Resource::buffer).ok_or(
                CommandError::WrongResource {
                    res: c.src_res,
                    what: "buffer",
                },
            )?;
            if sx + w > src.size {
                return Err(bad("copy src range"));
            }
            src.shadow
                .get(sx as usize..(sx + w) as usize)
                .unwrap_or_default()
                .to_vec()
        };
        let gpu = ex.gpu;
        let dst = ex
            .resources
            .get_mut(&dst_id)
            .and_then(Resource::buffer_mut)
            .ok_or(CommandError::WrongResource {
                res: c.dst_res,
                what: "buffer",
            })?;
        if dx + w > dst.size {
            return Err(bad("copy dst range"));
        }
        if let Some(d) = dst.shadow.get_mut(dx as usize..(dx + w) as usize) {
            d.copy_from_slice(&bytes);
        }
        transfer::sync_buffer(gpu, ex.work, dst_id, dst, dx, w)?;
        return Ok(());
    }
    let src_r = ex.resource(c.src_res)?;
    let dst_r = ex.resource(c.dst_res)?;
    let (ResourceKind::Texture(st), ResourceKind::Texture(dt)) = (&src_r.kind, &dst_r.kind) else {
        return Err(CommandError::Unsupported("buffer/texture copy"));
    };
    if st.desc.host_block_bytes() != dt.desc.host_block_bytes()
        || st.desc.block_dims() != dt.desc.block_dims()
        || st.desc.host.remove_srgb_suffix() != dt.desc.host.remove_srgb_suffix()
    {
        return Err(CommandError::Unsupported(
            "copy between incompatible formats",
        ));
    }
    let region = crate::core::base::layout::texture_region(
        &src_r.info,
        st.desc,
        c.src_level,
        &src_box,
        0,
        0,
    )?;
    let dst_box = Box3 {
        x: c.dst[0] as i32,
        y: c.dst[1] as i32,
        z: c.dst[2] as i32,
        ..src_box
    };
    let dregion = crate::core::base::layout::texture_region(
        &dst_r.info,
        dt.desc,
        c.dst_level,
        &dst_box,
        0,
        0,
    )?;
    let (src_tex, dst_tex) = (st.texture.clone(), dt.texture.clone());
    let extent = region.copy_extent(st.desc);
    let gpu = ex.gpu;
    ex.work.mark(src_id);
    ex.work.mark(dst_id);
    let enc = ex.work.encoder(gpu);
    let ((), err) = gpu.scoped(|| {
        enc.copy_texture_to_texture(
            wgpu::TexelCopyTextureInfo {
                texture: &src_tex,
                mip_level: c.src_level,
                origin: region.origin,
                aspect: wgpu::TextureAspect::All,
            },
            wgpu::TexelCopyTextureInfo {
                texture: &dst_tex,
                mip_level: c.dst_level,
                origin: dregion.origin,
                aspect: wgpu::TextureAspect::All,
            },
            extent,
        );
    });
    err.map_or(Ok(()), |e| Err(CommandError::Wgpu(e)))
}
