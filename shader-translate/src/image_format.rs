//! [`ImageFormat`]: the formats a shader image may be declared with, by
//! their Gallium names (re-exported from [`crate::ast`]).

use crate::names::named_enum;

named_enum! {
    /// A shader image's format (`DCL IMAGE` and memory instructions), as
    /// Gallium names it: the formats a storage texture can have.
    pub enum ImageFormat {
        /// `r8` (GLSL layout name).
        R8Unorm = "PIPE_FORMAT_R8_UNORM",
        /// `r8_snorm`.
        R8Snorm = "PIPE_FORMAT_R8_SNORM",
        /// `r8ui`.
        R8Uint = "PIPE_FORMAT_R8_UINT",
        /// `r8i`.
        R8Sint = "PIPE_FORMAT_R8_SINT",
        /// `r16ui`.
        R16Uint = "PIPE_FORMAT_R16_UINT",
        /// `r16i`.
        R16Sint = "PIPE_FORMAT_R16_SINT",
        /// `r16f`.
        R16Float = "PIPE_FORMAT_R16_FLOAT",
        /// `rg8`.
        Rg8Unorm = "PIPE_FORMAT_R8G8_UNORM",
        /// `rg8_snorm`.
        Rg8Snorm = "PIPE_FORMAT_R8G8_SNORM",
        /// `rg8ui`.
        Rg8Uint = "PIPE_FORMAT_R8G8_UINT",
        /// `rg8i`.
        Rg8Sint = "PIPE_FORMAT_R8G8_SINT",
        /// `r32ui`.
        R32Uint = "PIPE_FORMAT_R32_UINT",
        /// `r32i`.
        R32Sint = "PIPE_FORMAT_R32_SINT",
        /// `r32f`.
        R32Float = "PIPE_FORMAT_R32_FLOAT",
        /// `rg16ui`.
        Rg16Uint = "PIPE_FORMAT_R16G16_UINT",
        /// `rg16i`.
        Rg16Sint = "PIPE_FORMAT_R16G16_SINT",
        /// `rg16f`.
        Rg16Float = "PIPE_FORMAT_R16G16_FLOAT",
        /// `rgba8`.
        Rgba8Unorm = "PIPE_FORMAT_R8G8B8A8_UNORM",
        /// `rgba8_snorm`.
        Rgba8Snorm = "PIPE_FORMAT_R8G8B8A8_SNORM",
        /// `rgba8ui`.
        Rgba8Uint = "PIPE_FORMAT_R8G8B8A8_UINT",
        /// `rgba8i`.
        Rgba8Sint = "PIPE_FORMAT_R8G8B8A8_SINT",
        /// `rgb10_a2ui`.
        Rgb10a2Uint = "PIPE_FORMAT_R10G10B10A2_UINT",
        /// `rgb10_a2`.
        Rgb10a2Unorm = "PIPE_FORMAT_R10G10B10A2_UNORM",
        /// `r11f_g11f_b10f`.
        Rg11b10Float = "PIPE_FORMAT_R11G11B10_FLOAT",
        /// `rg32ui`.
        Rg32Uint = "PIPE_FORMAT_R32G32_UINT",
        /// `rg32i`.
        Rg32Sint = "PIPE_FORMAT_R32G32_SINT",
        /// `rg32f`.
        Rg32Float = "PIPE_FORMAT_R32G32_FLOAT",
        /// `rgba16ui`.
        Rgba16Uint = "PIPE_FORMAT_R16G16B16A16_UINT",
        /// `rgba16i`.
        Rgba16Sint = "PIPE_FORMAT_R16G16B16A16_SINT",
        /// `rgba16f`.
        Rgba16Float = "PIPE_FORMAT_R16G16B16A16_FLOAT",
        /// `rgba32ui`.
        Rgba32Uint = "PIPE_FORMAT_R32G32B32A32_UINT",
        /// `rgba32i`.
        Rgba32Sint = "PIPE_FORMAT_R32G32B32A32_SINT",
        /// `rgba32f`.
        Rgba32Float = "PIPE_FORMAT_R32G32B32A32_FLOAT",
        /// `r16` (16-bit normalized formats: the device needs wgpu's
        /// `TEXTURE_FORMAT_16BIT_NORM`).
        R16Unorm = "PIPE_FORMAT_R16_UNORM",
        /// `r16_snorm`.
        R16Snorm = "PIPE_FORMAT_R16_SNORM",
        /// `rg16`.
        Rg16Unorm = "PIPE_FORMAT_R16G16_UNORM",
        /// `rg16_snorm`.
        Rg16Snorm = "PIPE_FORMAT_R16G16_SNORM",
        /// `rgba16`.
        Rgba16Unorm = "PIPE_FORMAT_R16G16B16A16_UNORM",
        /// `rgba16_snorm`.
        Rgba16Snorm = "PIPE_FORMAT_R16G16B16A16_SNORM",
    }
}
