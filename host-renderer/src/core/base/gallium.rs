//! Gallium state values → wgpu state values.

use guest_protocol::virgl::enums::{BlendFactor, BlendFunc, CompareFunc, StencilOp, TexWrap};
use guest_protocol::virgl::SamplerState;

/// `PIPE_FUNC_*` → wgpu.
pub fn compare(f: CompareFunc) -> wgpu::CompareFunction {
    match f {
        CompareFunc::NEVER => wgpu::CompareFunction::Never,
        CompareFunc::LESS => wgpu::CompareFunction::Less,
        CompareFunc::EQUAL => wgpu::CompareFunction::Equal,
        CompareFunc::LEQUAL => wgpu::CompareFunction::LessEqual,
        CompareFunc::GREATER => wgpu::CompareFunction::Greater,
        CompareFunc::NOTEQUAL => wgpu::CompareFunction::NotEqual,
        CompareFunc::GEQUAL => wgpu::CompareFunction::GreaterEqual,
        _ => wgpu::CompareFunction::Always,
    }
}

/// `PIPE_STENCIL_OP_*` → wgpu.
pub fn stencil_op(op: StencilOp) -> wgpu::StencilOperation {
    match op {
        StencilOp::ZERO => wgpu::StencilOperation::Zero,
        StencilOp::REPLACE => wgpu::StencilOperation::Replace,
        StencilOp::INCR => wgpu::StencilOperation::IncrementClamp,
        StencilOp::DECR => wgpu::StencilOperation::DecrementClamp,
        StencilOp::INCR_WRAP => wgpu::StencilOperation::IncrementWrap,
        StencilOp::DECR_WRAP => wgpu::StencilOperation::DecrementWrap,
        StencilOp::INVERT => wgpu::StencilOperation::Invert,
        _ => wgpu::StencilOperation::Keep,
    }
}

/// `PIPE_BLENDFACTOR_*` → wgpu. With `dst_alpha_one` (X render targets),
/// DST_ALPHA reads as 1 (and INV_DST_ALPHA as 0).
pub fn blend_factor(f: BlendFactor, dst_alpha_one: bool) -> wgpu::BlendFactor {
    use wgpu::BlendFactor as B;
    match f {
        BlendFactor::ONE => B::One,
        BlendFactor::SRC_COLOR => B::Src,
        BlendFactor::SRC_ALPHA => B::SrcAlpha,
        BlendFactor::DST_ALPHA if dst_alpha_one => B::One,
        BlendFactor::DST_ALPHA => B::DstAlpha,
        BlendFactor::DST_COLOR => B::Dst,
        BlendFactor::SRC_ALPHA_SATURATE if dst_alpha_one => B::Zero,
        BlendFactor::SRC_ALPHA_SATURATE => B::SrcAlphaSaturated,
        BlendFactor::CONST_COLOR => B::Constant,
        BlendFactor::CONST_ALPHA => B::Constant,
        BlendFactor::SRC1_COLOR => B::Src1,
        BlendFactor::SRC1_ALPHA => B::Src1Alpha,
        BlendFactor::INV_SRC_COLOR => B::OneMinusSrc,
        BlendFactor::INV_SRC_ALPHA => B::OneMinusSrcAlpha,
        BlendFactor::INV_DST_ALPHA if dst_alpha_one => B::Zero,
        BlendFactor::INV_DST_ALPHA => B::OneMinusDstAlpha,
        BlendFactor::INV_DST_COLOR => B::OneMinusDst,
        BlendFactor::INV_CONST_COLOR | BlendFactor::INV_CONST_ALPHA => B::OneMinusConstant,
        BlendFactor::INV_SRC1_COLOR => B::OneMinusSrc1,
        BlendFactor::INV_SRC1_ALPHA => B::OneMinusSrc1Alpha,
        _ => B::Zero,
    }
}

/// A blend factor as it applies to the alpha channel, rewritten for a
/// colour channel that stores the alpha (`A8` in red): `*_DST_ALPHA` reads
/// the stored value (`DST_COLOR` of that channel), `SRC_ALPHA_SATURATE` is 1
/// for alpha. The other factors already mean the same per channel.
pub fn alpha_channel_factor(f: BlendFactor) -> BlendFactor {
    match f {
        BlendFactor::DST_ALPHA => BlendFactor::DST_COLOR,
        BlendFactor::INV_DST_ALPHA => BlendFactor::INV_DST_COLOR,
        BlendFactor::SRC_ALPHA_SATURATE => BlendFactor::ONE,
        f => f,
    }
}

/// `PIPE_BLEND_*` → wgpu.
pub fn blend_op(f: BlendFunc) -> wgpu::BlendOperation {
    match f {
        BlendFunc::SUBTRACT => wgpu::BlendOperation::Subtract,
        BlendFunc::REVERSE_SUBTRACT => wgpu::BlendOperation::ReverseSubtract,
        BlendFunc::MIN => wgpu::BlendOperation::Min,
        BlendFunc::MAX => wgpu::BlendOperation::Max,
        _ => wgpu::BlendOperation::Add,
    }
}

fn wrap(w: TexWrap) -> wgpu::AddressMode {
    match w {
        TexWrap::REPEAT => wgpu::AddressMode::Repeat,
        TexWrap::MIRROR_REPEAT => wgpu::AddressMode::MirrorRepeat,
        TexWrap::CLAMP_TO_BORDER | TexWrap::MIRROR_CLAMP_TO_BORDER => {
            wgpu::AddressMode::ClampToBorder
        }
        // GL_CLAMP and the mirror-clamp modes: nearest wgpu equivalent.
        _ => wgpu::AddressMode::ClampToEdge,
    }
}

fn filter(f: u8) -> wgpu::FilterMode {
    if f == 1 {
        wgpu::FilterMode::Linear
    } else {
        wgpu::FilterMode::Nearest
    }
}

/// The wgpu sampler for a SAMPLER_STATE. Mip filter NONE samples level 0
/// only (`lod_max_clamp = 0`); compare mode gives a comparison sampler.
/// Without `border` (the device feature), clamp-to-border becomes clamp-to-edge.
pub fn sampler_descriptor(s: &SamplerState, border_ok: bool) -> wgpu::SamplerDescriptor<'static> {
    let f = s.flags;
    let min_lod = s.min_lod.get();
    let max_lod = s.max_lod.get();
    let clamp = |v: f32| {
        if v.is_finite() {
            v.clamp(0.0, 32.0)
        } else {
            32.0
        }
    };
    let no_mips = f.min_mip_filter() == 2;
    let (lod_min, lod_max) = if no_mips {
        (0.0, 0.0)
    } else {
        let lo = clamp(min_lod.max(0.0));
        (lo, clamp(max_lod).max(lo))
    };
    let border = s.border_color.map(f32::from_bits);
    let border_color = match border {
        [0.0, 0.0, 0.0, 0.0] => wgpu::SamplerBorderColor::TransparentBlack,
        [0.0, 0.0, 0.0, 1.0] => wgpu::SamplerBorderColor::OpaqueBlack,
        _ => wgpu::SamplerBorderColor::OpaqueWhite,
    };
    let address = [f.wrap_s(), f.wrap_t(), f.wrap_r()].map(|w| match wrap(w) {
        wgpu::AddressMode::ClampToBorder if !border_ok => wgpu::AddressMode::ClampToEdge,
        m => m,
    });
    let uses_border = address.contains(&wgpu::AddressMode::ClampToBorder);
    wgpu::SamplerDescriptor {
        label: None,
        address_mode_u: address[0],
        address_mode_v: address[1],
        address_mode_w: address[2],
        mag_filter: filter(f.mag_img_filter()),
        min_filter: filter(f.min_img_filter()),
        mipmap_filter: if f.min_mip_filter() == 1 {
            wgpu::MipmapFilterMode::Linear
        } else {
            wgpu::MipmapFilterMode::Nearest
        },
        lod_min_clamp: lod_min,
        lod_max_clamp: lod_max,
        compare: f.compare_mode().then(|| compare(f.compare_func())),
        anisotropy_clamp: 1,
        border_color: uses_border.then_some(border_color),
    }
}
