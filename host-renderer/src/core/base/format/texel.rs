//! Texture buffer formats: how a buffer sampler view's texels are stored,
//! for the shader to decode ([`TexelFormat`]): GL's texture buffer table
//! (R, RG and RGBA of 8, 16 and 32 bits: UNORM, UINT, SINT and FLOAT for
//! 16 and 32 bits; RGB of 32 bits, `ARB_texture_buffer_object_rgb32`),
//! plus the SNORM formats.

use guest_protocol::virgl::Format;
use shader_translate::{TexelFormat, TexelKind};

/// The formats a buffer view may have, and how their texels are stored.
const TEXEL_FORMATS: [(Format, u8, u8, TexelKind); 39] = {
    use TexelKind::{Float, Sint, Snorm, Uint, Unorm};
    [
        (Format::R8_UNORM, 1, 8, Unorm),
        (Format::R8G8_UNORM, 2, 8, Unorm),
        (Format::R8G8B8A8_UNORM, 4, 8, Unorm),
        (Format::R8_SNORM, 1, 8, Snorm),
        (Format::R8G8_SNORM, 2, 8, Snorm),
        (Format::R8G8B8A8_SNORM, 4, 8, Snorm),
        (Format::R8_UINT, 1, 8, Uint),
        (Format::R8G8_UINT, 2, 8, Uint),
        (Format::R8G8B8A8_UINT, 4, 8, Uint),
        (Format::R8_SINT, 1, 8, Sint),
        (Format::R8G8_SINT, 2, 8, Sint),
        (Format::R8G8B8A8_SINT, 4, 8, Sint),
        (Format::R16_UNORM, 1, 16, Unorm),
        (Format::R16G16_UNORM, 2, 16, Unorm),
        (Format::R16G16B16A16_UNORM, 4, 16, Unorm),
        (Format::R16_SNORM, 1, 16, Snorm),
        (Format::R16G16_SNORM, 2, 16, Snorm),
        (Format::R16G16B16A16_SNORM, 4, 16, Snorm),
        (Format::R16_UINT, 1, 16, Uint),
        (Format::R16G16_UINT, 2, 16, Uint),
        (Format::R16G16B16A16_UINT, 4, 16, Uint),
        (Format::R16_SINT, 1, 16, Sint),
        (Format::R16G16_SINT, 2, 16, Sint),
        (Format::R16G16B16A16_SINT, 4, 16, Sint),
        (Format::R16_FLOAT, 1, 16, Float),
        (Format::R16G16_FLOAT, 2, 16, Float),
        (Format::R16G16B16A16_FLOAT, 4, 16, Float),
        (Format::R32_UINT, 1, 32, Uint),
        (Format::R32G32_UINT, 2, 32, Uint),
        (Format::R32G32B32_UINT, 3, 32, Uint),
        (Format::R32G32B32A32_UINT, 4, 32, Uint),
        (Format::R32_SINT, 1, 32, Sint),
        (Format::R32G32_SINT, 2, 32, Sint),
        (Format::R32G32B32_SINT, 3, 32, Sint),
        (Format::R32G32B32A32_SINT, 4, 32, Sint),
        (Format::R32_FLOAT, 1, 32, Float),
        (Format::R32G32_FLOAT, 2, 32, Float),
        (Format::R32G32B32_FLOAT, 3, 32, Float),
        (Format::R32G32B32A32_FLOAT, 4, 32, Float),
    ]
};

/// How the texels of a buffer view of `format` are stored (`None`: not a
/// texture buffer format).
pub fn texel_format(format: Format) -> Option<TexelFormat> {
    TEXEL_FORMATS
        .iter()
        .find(|e| e.0 == format)
        .map(|&(_, channels, bits, kind)| TexelFormat {
            channels,
            bits,
            kind,
        })
}
