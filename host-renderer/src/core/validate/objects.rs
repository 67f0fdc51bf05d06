//! Objects created from guest descriptors: surfaces, sampler views and
//! sampler states, each field checked against its resource and the device
//! before the wgpu view or sampler is made.

use crate::core::base::error::{CommandError, WgpuOp};
use crate::core::base::format::texel_format;
use crate::core::base::format::{srgb_twin, swz};
use crate::core::base::gallium::sampler_descriptor;
use crate::core::base::ids::ResId;
use crate::core::gpu::caps::MAX_TBO_SIZE;
use crate::core::gpu::device::Gpu;
use crate::core::resources::table::{Resource, TextureRes, Unfolded};
use crate::core::state::objects::{
    LayerTarget, SamplerStateObj, SamplerViewObj, SurfaceObj, TexelBufferViewObj, TextureViewObj,
};
use crate::core::state::stream_out::{Filled, StreamoutTargetObj};
use guest_protocol::virgl::enums::TextureTarget;
use guest_protocol::virgl::{SamplerState, SamplerView, Surface};
use std::sync::Arc;

/// A stream-output target on buffer `r` (resource `res`): `size` bytes
/// from `offset`, dword-aligned and inside the buffer.
pub fn streamout_target(
    r: &Resource,
    res: u32,
    offset: u32,
    size: u32,
) -> Result<StreamoutTargetObj, CommandError> {
    let b = r.buffer().ok_or(CommandError::WrongResource {
        res,
        what: "stream-output target",
    })?;
    let guest_size = size;
    let (offset, size) = (u64::from(offset), u64::from(size));
    if offset % 4 != 0 || offset + size > b.size {
        return Err(CommandError::OutOfRange {
            what: "stream-output target offset",
            value: offset,
        });
    }
    Ok(StreamoutTargetObj {
        res: ResId(res),
        offset,
        size: size - size % 4,
        guest_size,
        filled: parking_lot::Mutex::new(Filled::default()),
    })
}

/// A surface of `r` (resource `s.res`): one level and layer of a texture,
/// viewed in the surface's format where it shares the storage. A slice of a
/// 3D texture is a 3D view of the level and the slice to render to
/// ([`SurfaceObj::depth_slice`]). A layered surface (last layer beyond its
/// first) keeps views of its other layers for clears. A texture the host cannot render to gets a
/// surface too (GL attaches any texture; the guest then finds the
/// framebuffer incomplete), refused only when bound for rendering.
pub fn surface(gpu: &Gpu, r: &Resource, s: &Surface) -> Result<SurfaceObj, CommandError> {
    let tex = r.texture().ok_or(CommandError::WrongResource {
        res: s.res,
        what: "surface",
    })?;
    let level = s.range0;
    if level > r.info.last_level {
        return Err(CommandError::OutOfRange {
            what: "surface level",
            value: u64::from(level),
        });
    }
    let layer = s.range1 & 0xffff;
    let (w, h, depth) = r.info.level_extent(level);
    let is_3d = tex.dimension == wgpu::TextureDimension::D3;
    let layers = if is_3d { depth } else { r.info.host_layers() };
    if layer >= layers {
        return Err(CommandError::OutOfRange {
            what: "surface layer",
            value: u64::from(layer),
        });
    }
    let desc = gpu.view_desc(s.format, tex.desc, tex.reinterpretable);
    // A view in another format of the class renders where that format does.
    let renderable = tex.renderable
        && (desc.host.remove_srgb_suffix() == tex.desc.host.remove_srgb_suffix()
            || gpu.format_support(desc.virgl).render);
    let view_of = |base_array_layer: u32, dimension: wgpu::TextureViewDimension, count: u32| {
        gpu.checked(WgpuOp::CreateView, || {
            tex.texture.create_view(&wgpu::TextureViewDescriptor {
                label: None,
                format: Some(desc.host),
                dimension: Some(dimension),
                usage: renderable.then_some(wgpu::TextureUsages::RENDER_ATTACHMENT),
                aspect: wgpu::TextureAspect::All,
                base_mip_level: level,
                mip_level_count: Some(1),
                base_array_layer,
                array_layer_count: Some(count),
            })
        })
    };
    let view = if is_3d {
        view_of(0, wgpu::TextureViewDimension::D3, 1)?
    } else {
        view_of(layer, wgpu::TextureViewDimension::D2, 1)?
    };
    // A layered attachment (GL's whole array, cube or 3D level): the layers
    // after the first, which CLEAR clears too. The last layer is clamped to
    // the resource, so their number is bounded by its layers.
    let last_layer = (s.range1 >> 16).clamp(layer, layers - 1);
    let other_layers = (layer + 1..=last_layer)
        .map(|l| {
            Ok(if is_3d {
                LayerTarget {
                    view: view.clone(),
                    depth_slice: Some(l),
                }
            } else {
                LayerTarget {
                    view: view_of(l, wgpu::TextureViewDimension::D2, 1)?,
                    depth_slice: None,
                }
            })
        })
        .collect::<Result<Vec<_>, CommandError>>()?;
    // Every layer at once, for geometry shaders that pick one (`LAYER`);
    // 3D levels are not layered that way.
    let layers_view = match last_layer - layer + 1 {
        count if count > 1 && !is_3d => {
            Some(view_of(layer, wgpu::TextureViewDimension::D2Array, count)?)
        }
        _ => None,
    };
    Ok(SurfaceObj {
        res: ResId(s.res),
        level,
        layer,
        view,
        texture: tex.texture.clone(),
        depth_slice: is_3d.then_some(layer),
        other_layers,
        layers_view,
        layers_written: Default::default(),
        polygon_offset_unit: desc.polygon_offset_unit(),
        host_format: desc.host,
        alpha_is_one: desc.alpha_is_one(),
        render_swizzle: desc.render_swizzle(),
        size: (w, h),
        samples: tex.texture.sample_count(),
        renderable,
        blendable: gpu.format_support(desc.virgl).blend,
        scratch: false,
    })
}

/// The view dimension of a view of `target` (0: the resource's own target).
fn view_dimension(
    v: &SamplerView,
    resource_target: TextureTarget,
) -> Result<wgpu::TextureViewDimension, CommandError> {
    let target = if v.target().0 == 0 {
        resource_target
    } else {
        v.target()
    };
    Ok(match target {
        TextureTarget::TEXTURE_1D | TextureTarget::TEXTURE_2D | TextureTarget::RECT => {
            wgpu::TextureViewDimension::D2
        }
        TextureTarget::TEXTURE_1D_ARRAY | TextureTarget::TEXTURE_2D_ARRAY => {
            wgpu::TextureViewDimension::D2Array
        }
        TextureTarget::CUBE => wgpu::TextureViewDimension::Cube,
        TextureTarget::CUBE_ARRAY => wgpu::TextureViewDimension::CubeArray,
        TextureTarget::TEXTURE_3D => wgpu::TextureViewDimension::D3,
        t => {
            return Err(CommandError::OutOfRange {
                what: "view target",
                value: u64::from(t.0),
            })
        }
    })
}

/// A sampler view of `r` (resource `v.res`): its levels and layers clamped
/// to the resource, viewed in the view's format where it shares the storage,
/// with the format's swizzle composed with the view's.
pub fn sampler_view(
    gpu: &Gpu,
    r: &Resource,
    v: &SamplerView,
) -> Result<SamplerViewObj, CommandError> {
    let Some(tex) = r.texture() else {
        return texel_buffer_view(r, v).map(SamplerViewObj::Buffer);
    };
    let dimension = view_dimension(v, r.info.target)?;
    let first_layer = v.range0 & 0xffff;
    let last_layer = (v.range0 >> 16).max(first_layer);
    let first_level = v.range1 & 0xff;
    let last_level = ((v.range1 >> 8) & 0xff)
        .max(first_level)
        .min(r.info.last_level);
    if first_level > r.info.last_level || first_layer >= r.info.host_layers() {
        return Err(CommandError::OutOfRange {
            what: "view range",
            value: u64::from(v.range1),
        });
    }
    let view_desc = gpu.view_desc(v.view_format(), tex.desc, tex.reinterpretable);
    let layer_count = match dimension {
        wgpu::TextureViewDimension::D2 | wgpu::TextureViewDimension::D3 => 1,
        wgpu::TextureViewDimension::Cube => 6,
        _ => (last_layer - first_layer + 1).min(r.info.host_layers() - first_layer),
    };
    // Depth/stencil textures are sampled through one aspect: the depth, or
    // the stencil (a stencil-only view format, ARB_stencil_texturing, read
    // as unsigned integers, not as depth).
    let aspect = if view_desc.is_depth_stencil() && view_desc.has_depth() {
        wgpu::TextureAspect::DepthOnly
    } else if view_desc.is_depth_stencil() {
        wgpu::TextureAspect::StencilOnly
    } else {
        wgpu::TextureAspect::All
    };
    let is_depth = aspect == wgpu::TextureAspect::DepthOnly;
    // An aspect's view has the aspect's own format (Depth32Float of a
    // Depth32FloatStencil8 texture).
    let format = view_desc
        .host
        .aspect_specific_format(aspect)
        .unwrap_or(view_desc.host);
    let base_array_layer = if dimension == wgpu::TextureViewDimension::D3 {
        0
    } else {
        first_layer
    };
    let (view, unfold) =
        if tex.texture.sample_count() > 1 && dimension == wgpu::TextureViewDimension::D2Array {
            let (view, unfold) = unfolded_view(gpu, tex, (first_layer, layer_count), format)?;
            (view, Some(unfold))
        } else {
            let view = gpu.checked(WgpuOp::CreateView, || {
                tex.texture.create_view(&wgpu::TextureViewDescriptor {
                    label: None,
                    format: Some(format),
                    dimension: Some(dimension),
                    usage: Some(wgpu::TextureUsages::TEXTURE_BINDING),
                    aspect,
                    base_mip_level: first_level,
                    mip_level_count: Some(last_level - first_level + 1),
                    base_array_layer,
                    array_layer_count: Some(layer_count),
                })
            })?;
            (view, None)
        };
    let s = v.swizzle;
    let view_swz = [s.r().0, s.g().0, s.b().0, s.a().0];
    let covers = unfold.is_none().then(|| {
        (
            first_level..last_level + 1,
            base_array_layer..base_array_layer + layer_count,
        )
    });
    Ok(SamplerViewObj::Texture(TextureViewObj {
        res: ResId(v.res),
        view,
        dimension,
        swizzle: compose_swizzle(view_desc.swizzle, view_swz, !view_desc.alpha_is_one()),
        is_depth,
        format,
        unfold,
        covers,
    }))
}

/// A view of layers `first..first + count` of multisampled array `tex`,
/// in `format` (its own or its sRGB twin), on its unfolded copy (whose
/// layer `l · samples + s` holds sample `s` of layer `l`).
fn unfolded_view(
    gpu: &Gpu,
    tex: &TextureRes,
    (first, count): (u32, u32),
    format: wgpu::TextureFormat,
) -> Result<(wgpu::TextureView, Arc<Unfolded>), CommandError> {
    let Some(unfolded) = &tex.unfolded else {
        return Err(CommandError::Unsupported(
            "an array view of a multisampled texture that is not an array",
        ));
    };
    let samples = tex.texture.sample_count();
    if format != tex.texture.format() && srgb_twin(tex.texture.format()) != Some(format) {
        return Err(CommandError::Unsupported(
            "a view of a multisampled array in another format",
        ));
    }
    let view = gpu.checked(WgpuOp::CreateView, || {
        unfolded.target.create_view(&wgpu::TextureViewDescriptor {
            format: Some(format),
            dimension: Some(wgpu::TextureViewDimension::D2Array),
            base_array_layer: first.saturating_mul(samples),
            array_layer_count: Some(count.saturating_mul(samples)),
            ..Default::default()
        })
    })?;
    Ok((view, Arc::clone(unfolded)))
}

/// A texture buffer view of buffer `r`: elements `range0..=range1` (first
/// and last element, in texels of the view's format), all inside the
/// buffer, of a texture buffer format; at most the advertised
/// `max_tbo_size` elements of it are read.
fn texel_buffer_view(r: &Resource, v: &SamplerView) -> Result<TexelBufferViewObj, CommandError> {
    let b = r.buffer().ok_or(CommandError::WrongResource {
        res: v.res,
        what: "sampler view",
    })?;
    let format = texel_format(v.view_format()).ok_or(CommandError::OutOfRange {
        what: "texture buffer format",
        value: u64::from(v.view_format().0),
    })?;
    // An empty view (a buffer of no bytes) has its last element just
    // before its first.
    let count = if v.range1.wrapping_add(1) == v.range0 {
        0
    } else {
        v.range1
            .checked_sub(v.range0)
            .and_then(|d| d.checked_add(1))
            .ok_or(CommandError::OutOfRange {
                what: "texture buffer range",
                value: u64::from(v.range1),
            })?
    };
    let bytes = u64::from(format.bytes());
    let offset = u64::from(v.range0) * bytes;
    let end = offset + u64::from(count) * bytes;
    if end > b.size {
        return Err(CommandError::OutOfRange {
            what: "texture buffer range",
            value: end,
        });
    }
    Ok(TexelBufferViewObj {
        res: ResId(v.res),
        offset,
        // GL clamps a texture buffer to its maximum size.
        count: count.min(MAX_TBO_SIZE),
        format,
    })
}

/// A sampler state's wgpu sampler (its mip filter checked).
pub fn sampler_state(gpu: &Gpu, s: &SamplerState) -> Result<SamplerStateObj, CommandError> {
    let f = s.flags;
    if f.min_mip_filter() > 2 {
        return Err(CommandError::OutOfRange {
            what: "min_mip_filter",
            value: u64::from(f.min_mip_filter()),
        });
    }
    let border = gpu
        .features
        .contains(wgpu::Features::ADDRESS_MODE_CLAMP_TO_BORDER);
    let desc = sampler_descriptor(s, border);
    let sampler = gpu.checked(WgpuOp::CreateSampler, || gpu.device.create_sampler(&desc))?;
    Ok(SamplerStateObj { desc: *s, sampler })
}

/// Composes a sampler view's swizzle with its format's: result channel `i`
/// reads `format_swizzle[view_swizzle[i]]` (constants pass through).
pub fn compose_swizzle(format_swizzle: [u8; 4], view: [u8; 4], view_has_alpha: bool) -> [u8; 4] {
    view.map(|s| match s {
        0..=2 => format_swizzle.get(usize::from(s)).copied().unwrap_or(4),
        3 if !view_has_alpha => swz::ONE,
        3 => format_swizzle.get(3).copied().unwrap_or(5),
        4 => swz::ZERO,
        _ => swz::ONE,
    })
}
