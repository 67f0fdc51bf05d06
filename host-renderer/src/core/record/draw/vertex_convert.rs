//! Vertex attributes wgpu cannot fetch itself (scaled integers, 3-component
//! 8/16-bit formats, doubles, fixed point) or at offsets/strides that are not
//! multiples of 4: decoded on the CPU from the buffer's shadow into
//! `vec4<f32>`, or `vec4<i32>`/`vec4<u32>` for pure integer formats (GL's
//! integer attributes), missing components (0, 0, 0, 1) as GL fills them.

use guest_protocol::virgl::Format;
use shader_translate::ColorKind;

/// Component encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Unsigned normalized.
    Unorm,
    /// Signed normalized.
    Snorm,
    /// Unsigned integer converted to float.
    Uscaled,
    /// Signed integer converted to float.
    Sscaled,
    /// Unsigned integer, fetched as an integer (`*_UINT`).
    Uint,
    /// Signed integer, fetched as an integer (`*_SINT`).
    Sint,
    /// IEEE float (2, 4 or 8 bytes).
    Float,
    /// 16.16 signed fixed point.
    Fixed,
}

/// How to decode one attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttrLayout {
    /// Components (1..=4).
    pub comps: u32,
    /// Bytes per component.
    pub size: u32,
    /// Encoding.
    pub kind: Kind,
    /// Stored B, G, R, A.
    pub bgra: bool,
}

impl AttrLayout {
    /// Bytes of one attribute.
    pub fn bytes(&self) -> u32 {
        self.comps * self.size
    }

    /// The channel type the shader reads.
    pub fn shader_kind(&self) -> ColorKind {
        match self.kind {
            Kind::Uint => ColorKind::Uint,
            Kind::Sint => ColorKind::Sint,
            _ => ColorKind::Float,
        }
    }

    /// The wgpu format of the decoded values.
    pub fn decoded_format(&self) -> wgpu::VertexFormat {
        match self.kind {
            Kind::Uint => wgpu::VertexFormat::Uint32x4,
            Kind::Sint => wgpu::VertexFormat::Sint32x4,
            _ => wgpu::VertexFormat::Float32x4,
        }
    }
}

/// The channel type a vertex element of format `f` gives the shader
/// (float for formats the host cannot fetch: those draws are refused).
pub fn shader_kind(f: Format) -> ColorKind {
    layout(f).map_or(ColorKind::Float, |l| l.shader_kind())
}

/// The layout of a plain vertex format, if the CPU path can decode it.
pub fn layout(f: Format) -> Option<AttrLayout> {
    let (comps, size, kind, bgra) = match f.name()? {
        "B8G8R8A8_UNORM" => (4, 1, Kind::Unorm, true),
        n => {
            let (channels, suffix) = n.split_once('_')?;
            let kind = match suffix {
                "UNORM" => Kind::Unorm,
                "SNORM" => Kind::Snorm,
                "USCALED" => Kind::Uscaled,
                "SSCALED" => Kind::Sscaled,
                "UINT" => Kind::Uint,
                "SINT" => Kind::Sint,
                "FLOAT" => Kind::Float,
                "FIXED" => Kind::Fixed,
                _ => return None,
            };
            // "R32G32B32" → components of one size, in RGBA order.
            let mut comps = 0;
            let mut size = 0;
            let mut rest = channels;
            for (i, ch) in ['R', 'G', 'B', 'A'].into_iter().enumerate() {
                let Some(r) = rest.strip_prefix(ch) else {
                    break;
                };
                let digits: String = r.chars().take_while(char::is_ascii_digit).collect();
                let bits: u32 = digits.parse().ok()?;
                if i > 0 && bits != size * 8 {
                    return None;
                }
                size = bits / 8;
                comps += 1;
                rest = r.get(digits.len()..)?;
            }
            if !rest.is_empty() || comps == 0 || !matches!(size, 1 | 2 | 4 | 8) {
                return None;
            }
            if (kind == Kind::Float && size == 1)
                || (kind == Kind::Fixed && size != 4)
                || (size == 8 && kind != Kind::Float)
            {
                return None;
            }
            (comps, size, kind, false)
        }
    };
    Some(AttrLayout {
        comps,
        size,
        kind,
        bgra,
    })
}

fn half(bits: u16) -> f32 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let frac = f32::from(bits & 0x3ff);
    match exp {
        0 => sign * frac * 2f32.powi(-24),
        31 if frac == 0.0 => sign * f32::INFINITY,
        31 => f32::NAN,
        e => sign * (1.0 + frac / 1024.0) * 2f32.powi(e - 15),
    }
}

/// Decodes one attribute at the start of `src` (at least `bytes()` long)
/// into the bits of four lanes: `f32`s, or integers for `Uint`/`Sint`.
pub fn decode(l: &AttrLayout, src: &[u8]) -> [u32; 4] {
    if matches!(l.kind, Kind::Uint | Kind::Sint) {
        return decode_integer(l, src);
    }
    let mut out = [0.0, 0.0, 0.0, 1.0];
    for (i, o) in out.iter_mut().enumerate().take(l.comps as usize) {
        let at = i * l.size as usize;
        let b = |k: usize| src.get(at + k).copied().unwrap_or(0);
        *o = match (l.kind, l.size) {
            (Kind::Unorm, 1) => f32::from(b(0)) / 255.0,
            (Kind::Snorm, 1) => (f32::from(b(0) as i8) / 127.0).max(-1.0),
            (Kind::Uscaled, 1) => f32::from(b(0)),
            (Kind::Sscaled, 1) => f32::from(b(0) as i8),
            (k, 2) => {
                let v = u16::from_le_bytes([b(0), b(1)]);
                match k {
                    Kind::Unorm => f32::from(v) / 65535.0,
                    Kind::Snorm => (f32::from(v as i16) / 32767.0).max(-1.0),
                    Kind::Uscaled | Kind::Uint => f32::from(v),
                    Kind::Sscaled | Kind::Sint => f32::from(v as i16),
                    _ => half(v),
                }
            }
            (k, 4) => {
                let v = u32::from_le_bytes([b(0), b(1), b(2), b(3)]);
                match k {
                    Kind::Unorm => (f64::from(v) / f64::from(u32::MAX)) as f32,
                    Kind::Snorm => ((f64::from(v as i32) / f64::from(i32::MAX)) as f32).max(-1.0),
                    Kind::Uscaled | Kind::Uint => v as f32,
                    Kind::Sscaled | Kind::Sint => v as i32 as f32,
                    Kind::Fixed => (v as i32) as f32 / 65536.0,
                    Kind::Float => f32::from_bits(v),
                }
            }
            (_, 8) => f64::from_le_bytes([b(0), b(1), b(2), b(3), b(4), b(5), b(6), b(7)]) as f32,
            _ => 0.0,
        };
    }
    if l.bgra {
        out.swap(0, 2);
    }
    out.map(f32::to_bits)
}

/// The lanes of a pure integer attribute, zero- or sign-extended to 32
/// bits (missing ones 0, 0, 0, 1).
fn decode_integer(l: &AttrLayout, src: &[u8]) -> [u32; 4] {
    let signed = l.kind == Kind::Sint;
    let mut out = [0, 0, 0, 1];
    for (i, o) in out.iter_mut().enumerate().take(l.comps as usize) {
        let at = i * l.size as usize;
        let b = |k: usize| src.get(at + k).copied().unwrap_or(0);
        *o = match (l.size, signed) {
            (1, false) => u32::from(b(0)),
            (1, true) => b(0) as i8 as i32 as u32,
            (2, false) => u32::from(u16::from_le_bytes([b(0), b(1)])),
            (2, true) => i16::from_le_bytes([b(0), b(1)]) as i32 as u32,
            _ => u32::from_le_bytes([b(0), b(1), b(2), b(3)]),
        };
    }
    out
}

/// Decodes elements `first..first + count` of a vertex stream (`offset`,
/// `stride`) from `data` into tightly packed four-lane values
/// ([`AttrLayout::decoded_format`]). Vertices past the
/// end of `data` read as zeros (GL's robust-access result is undefined there).
pub fn convert(
    l: &AttrLayout,
    data: &[u8],
    offset: u64,
    stride: u64,
    first: u64,
    count: u64,
) -> Vec<u8> {
    let mut out = Vec::with_capacity((count * 16) as usize);
    let n = l.bytes() as usize;
    for v in first..first + count {
        let at = offset.saturating_add(v.saturating_mul(stride));
        let src = usize::try_from(at)
            .ok()
            .and_then(|a| data.get(a..a.checked_add(n)?))
            .unwrap_or_default();
        let vals = if src.len() == n {
            decode(l, src)
        } else {
            [0; 4]
        };
        for x in vals {
            out.extend_from_slice(&x.to_le_bytes());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_parse_from_names() {
        let l = layout(Format::R16G16B16_SSCALED).unwrap();
        assert_eq!((l.comps, l.size, l.kind), (3, 2, Kind::Sscaled));
        let l = layout(Format::R64G64_FLOAT).unwrap();
        assert_eq!((l.comps, l.size, l.kind), (2, 8, Kind::Float));
        assert!(layout(Format::B8G8R8A8_UNORM).unwrap().bgra);
        assert!(layout(Format::R11G11B10_FLOAT).is_none());
        assert!(layout(Format::DXT1_RGB).is_none());
        assert!(layout(Format(73)).is_none());
    }

    #[test]
    fn decoding() {
        let floats = |l: &AttrLayout, src: &[u8]| decode(l, src).map(f32::from_bits);
        let l = layout(Format::R8G8B8_SNORM).unwrap();
        assert_eq!(floats(&l, &[0x81, 0x7f, 0]), [-1.0, 1.0, 0.0, 1.0]);
        let l = layout(Format::R16G16_FLOAT).unwrap();
        assert_eq!(floats(&l, &[0x00, 0x3c, 0x00, 0xc0]), [1.0, -2.0, 0.0, 1.0]);
        let l = layout(Format::R32_FIXED).unwrap();
        assert_eq!(
            floats(&l, &0x0001_8000u32.to_le_bytes()),
            [1.5, 0.0, 0.0, 1.0]
        );
        // Pure integers keep their values as integers, scaled ones convert.
        let l = layout(Format::R16G16B16_SINT).unwrap();
        assert_eq!(l.shader_kind(), ColorKind::Sint);
        assert_eq!(
            decode(&l, &[0xff, 0xff, 7, 0, 0, 0x80]),
            [u32::MAX, 7, (-32768i32) as u32, 1]
        );
        let l = layout(Format::R8G8_UINT).unwrap();
        assert_eq!(decode(&l, &[200, 3]), [200, 3, 0, 1]);
        assert_eq!(shader_kind(Format::R32G32B32A32_UINT), ColorKind::Uint);
        assert_eq!(shader_kind(Format::R8G8_USCALED), ColorKind::Float);
        let l = layout(Format::R8G8_SSCALED).unwrap();
        assert_eq!(floats(&l, &[0xfe, 3]), [-2.0, 3.0, 0.0, 1.0]);
        let out = convert(&layout(Format::R8_USCALED).unwrap(), &[1, 2, 3], 1, 1, 0, 3);
        let vals: Vec<f32> = out
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        assert_eq!(
            vals,
            vec![2.0, 0.0, 0.0, 1.0, 3.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0]
        );
    }
}
