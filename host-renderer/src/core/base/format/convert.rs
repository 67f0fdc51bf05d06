//! Rows of texels between the guest's byte layout and the host texture's.

use super::desc::{Conversion, FormatDesc};

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
        Conversion::LumAlpha { comp } => {
            let comp = comp as usize;
            for (s, d) in src
                .chunks_exact(comp * 2)
                .zip(dst.chunks_exact_mut(comp * 4))
            {
                let (l, a) = s.split_at(comp);
                d.fill(0);
                wr(d, 0, l);
                wr(d, comp * 3, a);
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
        Conversion::LumAlpha { comp } => {
            let comp = comp as usize;
            for (s, d) in src
                .chunks_exact(comp * 4)
                .zip(dst.chunks_exact_mut(comp * 2))
            {
                wr(d, 0, s.get(..comp).unwrap_or_default());
                wr(d, comp, s.get(comp * 3..).unwrap_or_default());
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
