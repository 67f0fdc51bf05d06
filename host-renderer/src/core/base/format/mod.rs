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

mod convert;
mod desc;
mod table;
mod texel;

pub use convert::{
    guest_row_to_host, guest_row_to_stencil, host_row_to_guest, is_packed_depth_stencil,
    stencil_row_to_guest,
};
#[cfg(any(test, feature = "internals"))]
pub use desc::Conversion;
pub use desc::{
    blend_stand_in, host_view_compatible, is_integer, is_snorm, is_stencil_view, render_mask,
    render_swizzled, srgb_twin, swz, usage, view_compatible, FormatDesc, STENCIL_VIEWS,
};
pub use table::{lookup, TABLE};
pub use texel::texel_format;

#[cfg(test)]
mod tests {
    use super::swz::{A, B, G, R, RGBA};
    use super::*;
    use guest_protocol::virgl::Format;

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
        for f in [
            Format::L8A8_UNORM,
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
    fn lum_alpha_is_stored_as_rgba() {
        let f = lookup(Format::L8A8_UNORM).unwrap();
        assert_eq!(f.guest_block_bytes(), 2);
        assert_eq!(f.host_block_bytes(), 4);
        let guest = [10, 20, 30, 40];
        let mut host = [0xee; 8];
        guest_row_to_host(f, &guest, &mut host);
        assert_eq!(host, [10, 0, 0, 20, 30, 0, 0, 40]);
        let mut back = [0; 4];
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
