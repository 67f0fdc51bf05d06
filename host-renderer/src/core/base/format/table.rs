//! The table of every virgl format the host implements.

use super::desc::swz::{A, B, G, ONE, R, RGB1, RGBA, ZERO};
use super::desc::usage::{DEPTH, RENDER, SAMPLE};
use super::desc::{Conversion, FormatDesc};
use guest_protocol::virgl::Format;
use wgpu::TextureFormat as Tf;

const fn d(virgl: Format, host: Tf, swizzle: [u8; 4], usage: u8) -> FormatDesc {
    FormatDesc {
        virgl,
        host,
        conv: Conversion::Same,
        swizzle,
        usage,
    }
}

const fn c(virgl: Format, host: Tf, conv: Conversion, swizzle: [u8; 4], usage: u8) -> FormatDesc {
    FormatDesc {
        virgl,
        host,
        conv,
        swizzle,
        usage,
    }
}

const SR: u8 = SAMPLE | RENDER;
const SD: u8 = SAMPLE | DEPTH;

/// Every virgl format the host implements. The adapter decides which of them
/// are advertised (see `caps.rs`).
pub const TABLE: &[FormatDesc] = &[
    // 8-bit RGBA family: same bytes.
    d(Format::B8G8R8A8_UNORM, Tf::Bgra8Unorm, RGBA, SR),
    d(Format::B8G8R8X8_UNORM, Tf::Bgra8Unorm, RGB1, SR),
    d(Format::B8G8R8A8_SRGB, Tf::Bgra8UnormSrgb, RGBA, SR),
    d(Format::B8G8R8X8_SRGB, Tf::Bgra8UnormSrgb, RGB1, SR),
    d(Format::R8G8B8A8_UNORM, Tf::Rgba8Unorm, RGBA, SR),
    d(Format::R8G8B8X8_UNORM, Tf::Rgba8Unorm, RGB1, SR),
    d(Format::R8G8B8A8_SRGB, Tf::Rgba8UnormSrgb, RGBA, SR),
    d(Format::R8G8B8X8_SRGB, Tf::Rgba8UnormSrgb, RGB1, SR),
    d(Format::R8G8B8A8_SNORM, Tf::Rgba8Snorm, RGBA, SR),
    d(Format::R8G8B8X8_SNORM, Tf::Rgba8Snorm, RGB1, SR),
    d(Format::R8_UNORM, Tf::R8Unorm, [R, ZERO, ZERO, ONE], SR),
    d(Format::R8G8_UNORM, Tf::Rg8Unorm, [R, G, ZERO, ONE], SR),
    d(Format::R8_SNORM, Tf::R8Snorm, [R, ZERO, ZERO, ONE], SR),
    d(Format::R8G8_SNORM, Tf::Rg8Snorm, [R, G, ZERO, ONE], SR),
    d(Format::L8_SNORM, Tf::R8Snorm, [R, R, R, ONE], SR),
    d(Format::A8_SNORM, Tf::R8Snorm, [ZERO, ZERO, ZERO, R], SR),
    d(Format::I8_SNORM, Tf::R8Snorm, [R, R, R, R], SR),
    // Luminance / alpha / intensity: R or RG storage, swizzled when sampled.
    // Rendering writes them through an output swizzle (`render_swizzle`).
    d(Format::L8_UNORM, Tf::R8Unorm, [R, R, R, ONE], SR),
    d(Format::A8_UNORM, Tf::R8Unorm, [ZERO, ZERO, ZERO, R], SR),
    d(Format::I8_UNORM, Tf::R8Unorm, [R, R, R, R], SR),
    // RGBA storage so that blending reads the destination's alpha.
    c(
        Format::L8A8_UNORM,
        Tf::Rgba8Unorm,
        Conversion::LumAlpha { comp: 1 },
        [R, R, R, A],
        SR,
    ),
    d(Format::R8A8_UNORM, Tf::Rg8Unorm, [R, ZERO, ZERO, G], SAMPLE),
    // Three-byte formats: padded to four.
    c(
        Format::R8G8B8_UNORM,
        Tf::Rgba8Unorm,
        Conversion::Pad3 {
            comp: 1,
            fill: 0xff,
        },
        RGB1,
        SAMPLE,
    ),
    c(
        Format::R8G8B8_SRGB,
        Tf::Rgba8UnormSrgb,
        Conversion::Pad3 {
            comp: 1,
            fill: 0xff,
        },
        RGB1,
        SAMPLE,
    ),
    c(
        Format::B8G8R8_UNORM,
        Tf::Bgra8Unorm,
        Conversion::Pad3 {
            comp: 1,
            fill: 0xff,
        },
        RGB1,
        SAMPLE,
    ),
    // 10-bit and packed float.
    d(Format::R10G10B10A2_UNORM, Tf::Rgb10a2Unorm, RGBA, SR),
    d(Format::R10G10B10X2_UNORM, Tf::Rgb10a2Unorm, RGB1, SR),
    // Renderable where the device has RG11B10UFLOAT_RENDERABLE (EXT_packed_float).
    d(Format::R11G11B10_FLOAT, Tf::Rg11b10Ufloat, RGB1, SR),
    d(Format::R9G9B9E5_FLOAT, Tf::Rgb9e5Ufloat, RGB1, SAMPLE),
    // Half floats.
    d(Format::R16_FLOAT, Tf::R16Float, [R, ZERO, ZERO, ONE], SR),
    d(Format::R16G16_FLOAT, Tf::Rg16Float, [R, G, ZERO, ONE], SR),
    d(Format::R16G16B16A16_FLOAT, Tf::Rgba16Float, RGBA, SR),
    d(Format::R16G16B16X16_FLOAT, Tf::Rgba16Float, RGB1, SR),
    c(
        Format::R16G16B16_FLOAT,
        Tf::Rgba16Float,
        Conversion::Pad3 {
            comp: 2,
            fill: 0x3c00,
        },
        RGB1,
        SAMPLE,
    ),
    d(Format::A16_FLOAT, Tf::R16Float, [ZERO, ZERO, ZERO, R], SR),
    d(Format::L16_FLOAT, Tf::R16Float, [R, R, R, ONE], SR),
    d(Format::I16_FLOAT, Tf::R16Float, [R, R, R, R], SR),
    d(Format::L16A16_FLOAT, Tf::Rg16Float, [R, R, R, G], SAMPLE),
    // Full floats (sampling needs FLOAT32_FILTERABLE, checked per adapter).
    d(Format::R32_FLOAT, Tf::R32Float, [R, ZERO, ZERO, ONE], SR),
    d(Format::R32G32_FLOAT, Tf::Rg32Float, [R, G, ZERO, ONE], SR),
    d(Format::R32G32B32A32_FLOAT, Tf::Rgba32Float, RGBA, SR),
    d(Format::R32G32B32X32_FLOAT, Tf::Rgba32Float, RGB1, SR),
    c(
        Format::R32G32B32_FLOAT,
        Tf::Rgba32Float,
        Conversion::Pad3 {
            comp: 4,
            fill: 0x3f80_0000,
        },
        RGB1,
        SAMPLE,
    ),
    d(Format::A32_FLOAT, Tf::R32Float, [ZERO, ZERO, ZERO, R], SR),
    d(Format::L32_FLOAT, Tf::R32Float, [R, R, R, ONE], SR),
    d(Format::I32_FLOAT, Tf::R32Float, [R, R, R, R], SR),
    d(Format::L32A32_FLOAT, Tf::Rg32Float, [R, R, R, G], SAMPLE),
    // 16-bit norm (needs TEXTURE_FORMAT_16BIT_NORM).
    d(Format::R16_UNORM, Tf::R16Unorm, [R, ZERO, ZERO, ONE], SR),
    d(Format::R16G16_UNORM, Tf::Rg16Unorm, [R, G, ZERO, ONE], SR),
    d(Format::R16G16B16A16_UNORM, Tf::Rgba16Unorm, RGBA, SR),
    d(Format::R16G16B16X16_UNORM, Tf::Rgba16Unorm, RGB1, SR),
    d(Format::R16_SNORM, Tf::R16Snorm, [R, ZERO, ZERO, ONE], SR),
    d(Format::R16G16_SNORM, Tf::Rg16Snorm, [R, G, ZERO, ONE], SR),
    d(Format::R16G16B16A16_SNORM, Tf::Rgba16Snorm, RGBA, SR),
    d(Format::R16G16B16X16_SNORM, Tf::Rgba16Snorm, RGB1, SR),
    d(Format::L16_SNORM, Tf::R16Snorm, [R, R, R, ONE], SR),
    d(Format::A16_SNORM, Tf::R16Snorm, [ZERO, ZERO, ZERO, R], SR),
    d(Format::I16_SNORM, Tf::R16Snorm, [R, R, R, R], SR),
    d(Format::L16_UNORM, Tf::R16Unorm, [R, R, R, ONE], SR),
    d(Format::A16_UNORM, Tf::R16Unorm, [ZERO, ZERO, ZERO, R], SR),
    d(Format::I16_UNORM, Tf::R16Unorm, [R, R, R, R], SR),
    d(Format::L16A16_UNORM, Tf::Rg16Unorm, [R, R, R, G], SAMPLE),
    // S3TC / RGTC (need TEXTURE_COMPRESSION_BC).
    d(Format::DXT1_RGB, Tf::Bc1RgbaUnorm, RGB1, SAMPLE),
    d(Format::DXT1_RGBA, Tf::Bc1RgbaUnorm, RGBA, SAMPLE),
    d(Format::DXT3_RGBA, Tf::Bc2RgbaUnorm, RGBA, SAMPLE),
    d(Format::DXT5_RGBA, Tf::Bc3RgbaUnorm, RGBA, SAMPLE),
    d(Format::DXT1_SRGB, Tf::Bc1RgbaUnormSrgb, RGB1, SAMPLE),
    d(Format::DXT1_SRGBA, Tf::Bc1RgbaUnormSrgb, RGBA, SAMPLE),
    d(Format::DXT3_SRGBA, Tf::Bc2RgbaUnormSrgb, RGBA, SAMPLE),
    d(Format::DXT5_SRGBA, Tf::Bc3RgbaUnormSrgb, RGBA, SAMPLE),
    d(
        Format::RGTC1_UNORM,
        Tf::Bc4RUnorm,
        [R, ZERO, ZERO, ONE],
        SAMPLE,
    ),
    d(
        Format::RGTC1_SNORM,
        Tf::Bc4RSnorm,
        [R, ZERO, ZERO, ONE],
        SAMPLE,
    ),
    d(
        Format::RGTC2_UNORM,
        Tf::Bc5RgUnorm,
        [R, G, ZERO, ONE],
        SAMPLE,
    ),
    d(
        Format::RGTC2_SNORM,
        Tf::Bc5RgSnorm,
        [R, G, ZERO, ONE],
        SAMPLE,
    ),
    // Integer colour formats (EXT_texture_integer): same bytes; sampled
    // by texel loads in the shader (`shader_translate::IntegerSampling`),
    // rendered through integer colour outputs (`Options::color_kinds`).
    d(Format::R8_UINT, Tf::R8Uint, [R, ZERO, ZERO, ONE], SR),
    d(Format::R8G8_UINT, Tf::Rg8Uint, [R, G, ZERO, ONE], SR),
    d(Format::R8G8B8A8_UINT, Tf::Rgba8Uint, RGBA, SR),
    d(Format::R8_SINT, Tf::R8Sint, [R, ZERO, ZERO, ONE], SR),
    d(Format::R8G8_SINT, Tf::Rg8Sint, [R, G, ZERO, ONE], SR),
    d(Format::R8G8B8A8_SINT, Tf::Rgba8Sint, RGBA, SR),
    d(Format::R16_UINT, Tf::R16Uint, [R, ZERO, ZERO, ONE], SR),
    d(Format::R16G16_UINT, Tf::Rg16Uint, [R, G, ZERO, ONE], SR),
    d(Format::R16G16B16A16_UINT, Tf::Rgba16Uint, RGBA, SR),
    d(Format::R16_SINT, Tf::R16Sint, [R, ZERO, ZERO, ONE], SR),
    d(Format::R16G16_SINT, Tf::Rg16Sint, [R, G, ZERO, ONE], SR),
    d(Format::R16G16B16A16_SINT, Tf::Rgba16Sint, RGBA, SR),
    d(Format::R32_UINT, Tf::R32Uint, [R, ZERO, ZERO, ONE], SR),
    d(Format::R32G32_UINT, Tf::Rg32Uint, [R, G, ZERO, ONE], SR),
    d(Format::R32G32B32A32_UINT, Tf::Rgba32Uint, RGBA, SR),
    d(Format::R32_SINT, Tf::R32Sint, [R, ZERO, ZERO, ONE], SR),
    d(Format::R32G32_SINT, Tf::Rg32Sint, [R, G, ZERO, ONE], SR),
    d(Format::R32G32B32A32_SINT, Tf::Rgba32Sint, RGBA, SR),
    // ARB_texture_rgb10_a2ui (Mesa also needs it for packed integer
    // pixel types); BGR order through the swizzle (and render swizzle).
    d(Format::R10G10B10A2_UINT, Tf::Rgb10a2Uint, RGBA, SR),
    d(Format::B10G10R10A2_UINT, Tf::Rgb10a2Uint, [B, G, R, A], SR),
    // Depth / stencil.
    d(Format::Z16_UNORM, Tf::Depth16Unorm, [R, R, R, ONE], SD),
    c(
        Format::Z32_UNORM,
        Tf::Depth32Float,
        Conversion::Z32Unorm,
        [R, R, R, ONE],
        SD,
    ),
    d(Format::Z32_FLOAT, Tf::Depth32Float, [R, R, R, ONE], SD),
    c(
        Format::Z24X8_UNORM,
        Tf::Depth32Float,
        Conversion::Z24 {
            shift: 0,
            stencil_shift: None,
        },
        [R, R, R, ONE],
        SD,
    ),
    c(
        Format::X8Z24_UNORM,
        Tf::Depth32Float,
        Conversion::Z24 {
            shift: 8,
            stencil_shift: None,
        },
        [R, R, R, ONE],
        SD,
    ),
    c(
        Format::Z24_UNORM_S8_UINT,
        Tf::Depth32FloatStencil8,
        Conversion::Z24 {
            shift: 0,
            stencil_shift: Some(24),
        },
        [R, R, R, ONE],
        SD,
    ),
    c(
        Format::S8_UINT_Z24_UNORM,
        Tf::Depth32FloatStencil8,
        Conversion::Z24 {
            shift: 8,
            stencil_shift: Some(0),
        },
        [R, R, R, ONE],
        SD,
    ),
    c(
        Format::Z32_FLOAT_S8X24_UINT,
        Tf::Depth32FloatStencil8,
        Conversion::Z32FloatS8,
        [R, R, R, ONE],
        SD,
    ),
    d(Format::S8_UINT, Tf::Stencil8, [R, R, R, ONE], SD),
];

/// `B` and `A` are used by the table only through the swizzle arrays.
const _: [u8; 2] = [B, A];

/// The table entry for `format`, if the host implements it.
pub fn lookup(format: Format) -> Option<&'static FormatDesc> {
    TABLE.iter().find(|f| f.virgl == format)
}
