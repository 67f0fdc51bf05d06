//! A format's description: its host format, the conversion between guest
//! and host bytes, its swizzles and the uses the host implements.

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
    /// Luminance and alpha of `comp` bytes each ↔ four components
    /// (L, 0, 0, A): stored with a real alpha channel, so that blend
    /// factors reading the destination's alpha see it.
    LumAlpha {
        /// Bytes per component.
        comp: u32,
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
            Conversion::LumAlpha { comp } => comp * 2,
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

    /// True when the host stores the guest's bytes unchanged.
    pub fn stores_guest_bytes(&self) -> bool {
        self.conv == Conversion::Same
    }

    /// True when the guest format has a stencil part.
    pub fn has_stencil(&self) -> bool {
        self.host.has_stencil_aspect()
    }

    /// True when the guest format has a depth part.
    pub fn has_depth(&self) -> bool {
        self.host.has_depth_aspect()
    }

    /// GL's polygon offset unit `r` (window depth per unit of
    /// `glPolygonOffset`'s `units`) for a fixed-point guest depth format of
    /// `n` bits: `2 / (2^n − 1)`, two steps of the format, as Mesa's
    /// llvmpipe (the reference host's renderer) offsets unorm depth. `None`
    /// for float depth, whose offset Vulkan's depth bias computes by GL's
    /// float rule, and for formats without depth.
    pub fn polygon_offset_unit(&self) -> Option<f32> {
        let bits = match self.virgl {
            Format::Z16_UNORM => 16,
            Format::Z24X8_UNORM
            | Format::X8Z24_UNORM
            | Format::Z24_UNORM_S8_UINT
            | Format::S8_UINT_Z24_UNORM => 24,
            Format::Z32_UNORM => 32,
            _ => return None,
        };
        Some((2.0 / ((1u64 << bits) - 1) as f64) as f32)
    }

    /// True for `X` formats (no alpha channel in the guest format).
    pub fn alpha_is_one(&self) -> bool {
        matches!(self.swizzle, [_, _, _, swz::ONE])
    }

    /// When rendering, the guest channel ([`swz::R`]..=[`swz::A`]) each
    /// host channel stores: host channel `h` stores the first guest channel
    /// that reads it ([`Self::swizzle`]), else guest channel `h`; host alpha
    /// always carries the guest's alpha (blend factors read it even where
    /// it is not stored). `A8`: `[A, G, B, A]`; identity for RGBA, X, R,
    /// RG, L, I and `L8A8` (stored as RGBA) formats.
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

/// The view formats that read the stencil of a depth/stencil texture
/// (Gallium's stencil-only formats, which Mesa views depth/stencil
/// textures in for `ARB_stencil_texturing`): never resource formats.
pub const STENCIL_VIEWS: [Format; 3] = [
    Format::X24S8_UINT,
    Format::S8X24_UINT,
    Format::X32_S8X24_UINT,
];

/// Whether `format` is one of the [`STENCIL_VIEWS`].
pub fn is_stencil_view(format: Format) -> bool {
    STENCIL_VIEWS.contains(&format)
}

/// The sRGB / linear twin of `f` that views may reinterpret it as.
pub fn srgb_twin(f: wgpu::TextureFormat) -> Option<wgpu::TextureFormat> {
    let alt = if f.is_srgb() {
        f.remove_srgb_suffix()
    } else {
        f.add_srgb_suffix()
    };
    (alt != f).then_some(alt)
}

/// Whether a texture stored as `stored` may be viewed as `view`, texel for
/// texel with the same bits (ARB_texture_view): both store the guest's bytes
/// unchanged, in host formats of one view class ([`host_view_compatible`]).
pub fn view_compatible(stored: &FormatDesc, view: &FormatDesc) -> bool {
    stored.stores_guest_bytes()
        && view.stores_guest_bytes()
        && host_view_compatible(stored.host, view.host)
}

/// Whether host formats `a` and `b` are of one view class: uncompressed
/// colour formats of one texel size (GL's 8- to 128-bit view classes,
/// Vulkan's size-compatible formats), or compressed formats of one family
/// (the sRGB twin, the signed twin).
pub fn host_view_compatible(a: wgpu::TextureFormat, b: wgpu::TextureFormat) -> bool {
    use wgpu::TextureFormat as Tf;
    if a.is_depth_stencil_format() || b.is_depth_stencil_format() {
        return false;
    }
    if a.is_compressed() || b.is_compressed() {
        let family = |f: Tf| match f.remove_srgb_suffix() {
            Tf::Bc4RSnorm => Tf::Bc4RUnorm,
            Tf::Bc5RgSnorm => Tf::Bc5RgUnorm,
            Tf::Bc6hRgbFloat => Tf::Bc6hRgbUfloat,
            f => f,
        };
        return a.is_compressed() && b.is_compressed() && family(a) == family(b);
    }
    a.block_copy_size(None).is_some() && a.block_copy_size(None) == b.block_copy_size(None)
}

/// Whether a host format has integer channels (GL neither filters nor
/// blends them).
pub fn is_integer(format: wgpu::TextureFormat) -> bool {
    matches!(
        format.sample_type(None, None),
        Some(wgpu::TextureSampleType::Uint | wgpu::TextureSampleType::Sint)
    )
}

/// Whether a host format has signed normalized channels.
pub fn is_snorm(format: wgpu::TextureFormat) -> bool {
    blend_stand_in(format).is_some()
}

/// The float format, of the same channels, that a signed normalized
/// colour buffer is blended in where the device cannot blend its own
/// format (lavapipe blends none): half floats hold every 8-bit SNORM
/// value exactly, 16-bit ones to 11 bits.
pub fn blend_stand_in(format: wgpu::TextureFormat) -> Option<wgpu::TextureFormat> {
    use wgpu::TextureFormat as Tf;
    match format {
        Tf::R8Snorm | Tf::R16Snorm => Some(Tf::R16Float),
        Tf::Rg8Snorm | Tf::Rg16Snorm => Some(Tf::Rg16Float),
        Tf::Rgba8Snorm | Tf::Rgba16Snorm => Some(Tf::Rgba16Float),
        _ => None,
    }
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
