//! virgl formats → wgpu formats, and the byte conversions between the guest's
//! memory layout (Gallium's, as Mesa writes it) and the host texture's.
//!
//! Every format the host advertises is in [`TABLE`]. Formats whose bytes wgpu
//! stores identically are copied as they are; the rest name a [`Conversion`].
//! Luminance / alpha / intensity and `X` formats are stored in an R/RG/RGBA
//! host format with the same bytes; [`FormatDesc::swizzle`] says how the
//! guest's channels read from the host texture (applied when sampling);
//! [`FormatDesc::render_swizzle`] says which guest channel each host channel
//! stores (applied to shader outputs, blending, masks and clears).

use guest_protocol::virgl::Format;
use wgpu::TextureFormat as Tf;

/// How a guest texel becomes a host texel and back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Conversion {
    /// Identical bytes.
    Same,
    /// Three components of `comp` bytes → four; the fourth is `fill`
    /// (little-endian bytes of "one" in that component type).
    Pad3 {
        /// Bytes per component (1, 2 or 4).
        comp: u32,
        /// The added component's value, `comp` low bytes used.
        fill: u32,
    },
    /// `Z32_UNORM` ↔ `Depth32Float`.
    Z32Unorm,
    /// 24-bit unorm depth in bits `shift..shift+24` of a dword ↔ `Depth32Float`;
    /// with `stencil_shift`, an 8-bit stencil too (combined depth/stencil format).
    Z24 {
        /// Bit position of the depth.
        shift: u32,
        /// Bit position of the stencil, if the format has one.
        stencil_shift: Option<u32>,
    },
    /// `Z32_FLOAT_S8X24_UINT`: f32 depth then a dword whose low byte is stencil.
    Z32FloatS8,
}

/// Swizzle source: host channel 0..=3, or a constant.
pub mod swz {
    /// Host red.
    pub const R: u8 = 0;
    /// Host green.
    pub const G: u8 = 1;
    /// Host blue.
    pub const B: u8 = 2;
    /// Host alpha.
    pub const A: u8 = 3;
    /// Constant 0.
    pub const ZERO: u8 = 4;
    /// Constant 1.
    pub const ONE: u8 = 5;
    /// Identity.
    pub const RGBA: [u8; 4] = [R, G, B, A];
    /// X formats: alpha reads as one.
    pub const RGB1: [u8; 4] = [R, G, B, ONE];
}

/// What a format may be used for (before checking the adapter).
pub mod usage {
    /// Sampled texture.
    pub const SAMPLE: u8 = 1;
    /// Colour render target.
    pub const RENDER: u8 = 2;
    /// Depth/stencil attachment.
    pub const DEPTH: u8 = 4;
}

/// One supported virgl format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormatDesc {
    /// The guest's format.
    pub virgl: Format,
    /// The host texture format.
    pub host: Tf,
    /// Byte conversion between them.
    pub conv: Conversion,
    /// How the guest's R, G, B, A read from the host texture ([`swz`]).
    pub swizzle: [u8; 4],
    /// [`usage`] bits.
    pub usage: u8,
}

impl FormatDesc {
    /// Block width and height in texels (1×1 for uncompressed formats).
    pub fn block_dims(&self) -> (u32, u32) {
        self.host.block_dimensions()
    }

    /// Bytes of one block in the guest's memory.
    pub fn guest_block_bytes(&self) -> u32 {
        match self.conv {
            Conversion::Same => self.host_block_bytes(),
            Conversion::Pad3 { comp, .. } => comp * 3,
            Conversion::Z32Unorm | Conversion::Z24 { .. } => 4,
            Conversion::Z32FloatS8 => 8,
        }
    }

    /// Bytes of one block in the host texture (depth aspect for depth formats).
    pub fn host_block_bytes(&self) -> u32 {
        match self.host {
            Tf::Depth16Unorm => 2,
            Tf::Depth32Float | Tf::Depth32FloatStencil8 | Tf::Depth24Plus => 4,
            Tf::Depth24PlusStencil8 => 4,
            Tf::Stencil8 => 1,
            f => f.block_copy_size(None).unwrap_or(4),
        }
    }

    /// True for depth and/or stencil formats.
    pub fn is_depth_stencil(&self) -> bool {
        self.host.is_depth_stencil_format()
    }

    /// True when the guest format has a stencil part.
    pub fn has_stencil(&self) -> bool {
        self.host.has_stencil_aspect()
    }

    /// True when the guest format has a depth part.
    pub fn has_depth(&self) -> bool {
        self.host.has_depth_aspect()
    }

    /// True for `X` formats (no alpha channel in the guest format).
    pub fn alpha_is_one(&self) -> bool {
        matches!(self.swizzle, [_, _, _, swz::ONE])
    }

    /// When rendering, the guest channel ([`swz::R`]..=[`swz::A`]) each
    /// host channel stores: host channel `h` stores the first guest channel
    /// that reads it ([`Self::swizzle`]), else guest channel `h`; host alpha
    /// always carries the guest's alpha (blend factors read it even where
    /// it is not stored). `A8`: `[A, G, B, A]`; `L8A8`: `[R, A, B, A]`;
    /// identity for RGBA, X, R, RG, L and I formats.
    pub fn render_swizzle(&self) -> [u8; 4] {
        let mut out = swz::RGBA;
        for (host, stored) in (0u8..).zip(out.iter_mut()).take(3) {
            if let Some(guest) = (0u8..).zip(self.swizzle).find(|&(_, s)| s == host) {
                *stored = guest.0;
            }
        }
        out
    }
}

/// Applies a [`FormatDesc::render_swizzle`] to a guest colour (clear
/// colour, blend constant, colour mask bits): channel `h` of the result is
/// channel `swizzle[h]` of `guest`.
pub fn render_swizzled<T: Copy>(swizzle: [u8; 4], guest: [T; 4]) -> [T; 4] {
    let [r, g, b, a] = guest;
    swizzle.map(|s| match s {
        swz::R => r,
        swz::G => g,
        swz::B => b,
        _ => a,
    })
}

/// A guest colour write mask (`PIPE_MASK_R` = 1 … `PIPE_MASK_A` = 8, as
/// `wgpu::ColorWrites`) in host channels under a
/// [`FormatDesc::render_swizzle`]: `A8`'s alpha bit enables red.
pub fn render_mask(swizzle: [u8; 4], mask: u8) -> u8 {
    let guest = [1u8, 2, 4, 8].map(|bit| mask & bit != 0);
    (0..4)
        .zip(render_swizzled(swizzle, guest))
        .filter(|&(_, on)| on)
        .fold(0, |m, (host, _)| m | 1 << host)
}

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

use swz::{A, B, G, ONE, R, RGB1, RGBA, ZERO};
use usage::{DEPTH, RENDER, SAMPLE};
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
    d(Format::R8G8B8A8_SNORM, Tf::Rgba8Snorm, RGBA, SAMPLE),
    d(Format::R8_UNORM, Tf::R8Unorm, [R, ZERO, ZERO, ONE], SR),
    d(Format::R8G8_UNORM, Tf::Rg8Unorm, [R, G, ZERO, ONE], SR),
    d(Format::R8_SNORM, Tf::R8Snorm, [R, ZERO, ZERO, ONE], SAMPLE),
    d(Format::R8G8_SNORM, Tf::Rg8Snorm, [R, G, ZERO, ONE], SAMPLE),
    // Luminance / alpha / intensity: R or RG storage, swizzled when sampled.
    // Rendering writes them through an output swizzle (`render_swizzle`).
    d(Format::L8_UNORM, Tf::R8Unorm, [R, R, R, ONE], SR),
    d(Format::A8_UNORM, Tf::R8Unorm, [ZERO, ZERO, ZERO, R], SR),
    d(Format::I8_UNORM, Tf::R8Unorm, [R, R, R, R], SR),
    d(Format::L8A8_UNORM, Tf::Rg8Unorm, [R, R, R, G], SR),
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
    d(Format::R11G11B10_FLOAT, Tf::Rg11b10Ufloat, RGB1, SAMPLE),
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
    d(
        Format::A16_FLOAT,
        Tf::R16Float,
        [ZERO, ZERO, ZERO, R],
        SAMPLE,
    ),
    d(Format::L16_FLOAT, Tf::R16Float, [R, R, R, ONE], SAMPLE),
    d(Format::I16_FLOAT, Tf::R16Float, [R, R, R, R], SAMPLE),
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
    d(
        Format::A32_FLOAT,
        Tf::R32Float,
        [ZERO, ZERO, ZERO, R],
        SAMPLE,
    ),
    d(Format::L32_FLOAT, Tf::R32Float, [R, R, R, ONE], SAMPLE),
    d(Format::I32_FLOAT, Tf::R32Float, [R, R, R, R], SAMPLE),
    d(Format::L32A32_FLOAT, Tf::Rg32Float, [R, R, R, G], SAMPLE),
    // 16-bit norm (needs TEXTURE_FORMAT_16BIT_NORM).
    d(Format::R16_UNORM, Tf::R16Unorm, [R, ZERO, ZERO, ONE], SR),
    d(Format::R16G16_UNORM, Tf::Rg16Unorm, [R, G, ZERO, ONE], SR),
    d(Format::R16G16B16A16_UNORM, Tf::Rgba16Unorm, RGBA, SR),
    d(
        Format::R16_SNORM,
        Tf::R16Snorm,
        [R, ZERO, ZERO, ONE],
        SAMPLE,
    ),
    d(
        Format::R16G16_SNORM,
        Tf::Rg16Snorm,
        [R, G, ZERO, ONE],
        SAMPLE,
    ),
    d(Format::R16G16B16A16_SNORM, Tf::Rgba16Snorm, RGBA, SAMPLE),
    d(Format::L16_UNORM, Tf::R16Unorm, [R, R, R, ONE], SAMPLE),
    d(
        Format::A16_UNORM,
        Tf::R16Unorm,
        [ZERO, ZERO, ZERO, R],
        SAMPLE,
    ),
    d(Format::I16_UNORM, Tf::R16Unorm, [R, R, R, R], SAMPLE),
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
    d(Format::S8_UINT, Tf::Stencil8, [R, R, R, ONE], DEPTH),
];

/// `B` and `A` are used by the table only through the swizzle arrays.
const _: [u8; 2] = [B, A];

/// Reads a little-endian dword from the start of `s` (0 if short).
fn rd32(s: &[u8]) -> u32 {
    s.get(..4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, u32::from_le_bytes)
}

/// Writes `bytes` into `d` at `at` when it fits.
fn wr(d: &mut [u8], at: usize, bytes: &[u8]) {
    if let Some(x) = d.get_mut(at..at + bytes.len()) {
        x.copy_from_slice(bytes);
    }
}

/// The table entry for `format`, if the host implements it.
pub fn lookup(format: Format) -> Option<&'static FormatDesc> {
    TABLE.iter().find(|f| f.virgl == format)
}

/// Converts one row of `texels` guest texels into host bytes.
/// `src` holds at least `texels × guest_block_bytes`, `dst` at least
/// `texels × host_block_bytes`. Depth/stencil formats write the depth aspect
/// here; see [`guest_row_to_stencil`].
pub fn guest_row_to_host(desc: &FormatDesc, src: &[u8], dst: &mut [u8]) {
    match desc.conv {
        Conversion::Same => {
            let n = src.len().min(dst.len());
            if let (Some(d), Some(s)) = (dst.get_mut(..n), src.get(..n)) {
                d.copy_from_slice(s);
            }
        }
        Conversion::Pad3 { comp, fill } => {
            let comp = comp as usize;
            let fill = fill.to_le_bytes();
            for (s, d) in src
                .chunks_exact(comp * 3)
                .zip(dst.chunks_exact_mut(comp * 4))
            {
                let (rgb, a) = d.split_at_mut(comp * 3);
                rgb.copy_from_slice(s);
                a.copy_from_slice(fill.get(..comp).unwrap_or_default());
            }
        }
        Conversion::Z32Unorm => {
            for (s, d) in src.chunks_exact(4).zip(dst.chunks_exact_mut(4)) {
                let v = rd32(s);
                let f = (f64::from(v) / f64::from(u32::MAX)) as f32;
                d.copy_from_slice(&f.to_le_bytes());
            }
        }
        Conversion::Z24 { shift, .. } => {
            for (s, d) in src.chunks_exact(4).zip(dst.chunks_exact_mut(4)) {
                let v = (rd32(s) >> shift) & 0xff_ffff;
                let f = (f64::from(v) / f64::from(0xff_ffffu32)) as f32;
                d.copy_from_slice(&f.to_le_bytes());
            }
        }
        Conversion::Z32FloatS8 => {
            for (s, d) in src.chunks_exact(8).zip(dst.chunks_exact_mut(4)) {
                wr(d, 0, s.get(..4).unwrap_or_default());
            }
        }
    }
}

/// Host bytes of one row back to the guest's layout (the inverse of
/// [`guest_row_to_host`]). For combined depth/stencil formats the stencil
/// bits of `dst` are left alone; [`stencil_row_to_guest`] fills them.
pub fn host_row_to_guest(desc: &FormatDesc, src: &[u8], dst: &mut [u8]) {
    match desc.conv {
        Conversion::Same => {
            let n = src.len().min(dst.len());
            if let (Some(d), Some(s)) = (dst.get_mut(..n), src.get(..n)) {
                d.copy_from_slice(s);
            }
        }
        Conversion::Pad3 { comp, .. } => {
            let comp = comp as usize;
            for (s, d) in src
                .chunks_exact(comp * 4)
                .zip(dst.chunks_exact_mut(comp * 3))
            {
                wr(d, 0, s.get(..comp * 3).unwrap_or_default());
            }
        }
        Conversion::Z32Unorm => {
            for (s, d) in src.chunks_exact(4).zip(dst.chunks_exact_mut(4)) {
                let f = f32::from_bits(rd32(s)).clamp(0.0, 1.0);
                let v = (f64::from(f) * f64::from(u32::MAX)).round() as u32;
                d.copy_from_slice(&v.to_le_bytes());
            }
        }
        Conversion::Z24 { shift, .. } => {
            for (s, d) in src.chunks_exact(4).zip(dst.chunks_exact_mut(4)) {
                let f = f32::from_bits(rd32(s)).clamp(0.0, 1.0);
                let z = (f64::from(f) * f64::from(0xff_ffffu32)).round() as u32;
                let old = rd32(d);
                let v = (old & !(0xff_ffff << shift)) | (z << shift);
                d.copy_from_slice(&v.to_le_bytes());
            }
        }
        Conversion::Z32FloatS8 => {
            for (s, d) in src.chunks_exact(4).zip(dst.chunks_exact_mut(8)) {
                wr(d, 0, s);
            }
        }
    }
}

/// Extracts the stencil bytes of one guest row of a combined depth/stencil
/// format (one byte per texel into `dst`).
pub fn guest_row_to_stencil(desc: &FormatDesc, src: &[u8], dst: &mut [u8]) {
    match desc.conv {
        Conversion::Z24 {
            stencil_shift: Some(shift),
            ..
        } => {
            for (s, d) in src.chunks_exact(4).zip(dst.iter_mut()) {
                *d = (rd32(s) >> shift) as u8;
            }
        }
        Conversion::Z32FloatS8 => {
            for (s, d) in src.chunks_exact(8).zip(dst.iter_mut()) {
                *d = s.get(4).copied().unwrap_or(0);
            }
        }
        _ => {}
    }
}

/// Writes one row of stencil bytes into a guest row of a combined
/// depth/stencil format.
pub fn stencil_row_to_guest(desc: &FormatDesc, src: &[u8], dst: &mut [u8]) {
    match desc.conv {
        Conversion::Z24 {
            stencil_shift: Some(shift),
            ..
        } => {
            for (s, d) in src.iter().zip(dst.chunks_exact_mut(4)) {
                let old = rd32(d);
                let v = (old & !(0xff << shift)) | (u32::from(*s) << shift);
                d.copy_from_slice(&v.to_le_bytes());
            }
        }
        Conversion::Z32FloatS8 => {
            for (s, d) in src.iter().zip(dst.chunks_exact_mut(8)) {
                wr(d, 4, &[*s, 0, 0, 0]);
            }
        }
        _ => {}
    }
}

/// True when the format is a combined depth+stencil format whose guest texel
/// packs both parts.
pub fn is_packed_depth_stencil(desc: &FormatDesc) -> bool {
    matches!(
        desc.conv,
        Conversion::Z24 {
            stencil_shift: Some(_),
            ..
        } | Conversion::Z32FloatS8
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        for (i, f) in TABLE.iter().enumerate() {
            assert!(f.virgl.is_known(), "{:?}", f.virgl);
            assert!(
                TABLE.iter().skip(i + 1).all(|g| g.virgl != f.virgl),
                "duplicate {:?}",
                f.virgl
            );
            if f.conv == Conversion::Same && !f.is_depth_stencil() {
                assert_eq!(f.guest_block_bytes(), f.host_block_bytes(), "{:?}", f.virgl);
            }
        }
    }

    #[test]
    fn render_swizzles_invert_the_read_swizzles() {
        let rs = |f| lookup(f).map(FormatDesc::render_swizzle);
        assert_eq!(rs(Format::A8_UNORM), Some([A, G, B, A]));
        assert_eq!(rs(Format::L8A8_UNORM), Some([R, A, B, A]));
        for f in [
            Format::L8_UNORM,
            Format::I8_UNORM,
            Format::R8_UNORM,
            Format::R8G8_UNORM,
            Format::B8G8R8X8_UNORM,
            Format::R8G8B8A8_UNORM,
        ] {
            assert_eq!(rs(f), Some(RGBA), "{f:?}");
        }
        assert_eq!(render_swizzled([A, G, B, A], [1, 2, 3, 4]), [4, 2, 3, 4]);
        assert_eq!(render_swizzled([R, A, B, A], [1, 2, 3, 4]), [1, 4, 3, 4]);
        assert_eq!(render_mask([A, G, B, A], 0b1000), 0b1001);
        assert_eq!(render_mask([A, G, B, A], 0b0001), 0);
        assert_eq!(render_mask(RGBA, 0b0101), 0b0101);
    }

    #[test]
    fn pad3_round_trip() {
        let f = lookup(Format::R8G8B8_UNORM).unwrap();
        let guest = [1, 2, 3, 4, 5, 6];
        let mut host = [0; 8];
        guest_row_to_host(f, &guest, &mut host);
        assert_eq!(host, [1, 2, 3, 0xff, 4, 5, 6, 0xff]);
        let mut back = [0; 6];
        host_row_to_guest(f, &host, &mut back);
        assert_eq!(back, guest);
    }

    #[test]
    fn z32_unorm_round_trip_ends() {
        let f = lookup(Format::Z32_UNORM).unwrap();
        for v in [0u32, u32::MAX] {
            let mut host = [0; 4];
            guest_row_to_host(f, &v.to_le_bytes(), &mut host);
            let mut back = [0; 4];
            host_row_to_guest(f, &host, &mut back);
            assert_eq!(u32::from_le_bytes(back), v);
        }
    }

    #[test]
    fn z24s8_round_trip() {
        let f = lookup(Format::Z24_UNORM_S8_UINT).unwrap();
        let guest = (0x12u32 << 24 | 0x00ab_cdef).to_le_bytes();
        let (mut depth, mut stencil) = ([0; 4], [0; 1]);
        guest_row_to_host(f, &guest, &mut depth);
        guest_row_to_stencil(f, &guest, &mut stencil);
        assert_eq!(stencil, [0x12]);
        let mut back = [0; 4];
        host_row_to_guest(f, &depth, &mut back);
        stencil_row_to_guest(f, &stencil, &mut back);
        assert_eq!(back, guest);
    }
}
