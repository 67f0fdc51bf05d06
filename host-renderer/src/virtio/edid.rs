//! A minimal EDID 1.4 block for GET_EDID: one digital display whose
//! preferred (detailed) timing is the configured scanout size.

/// 128 bytes: header, ids, version 1.4, one detailed timing, checksum.
pub fn edid(width: u32, height: u32) -> Vec<u8> {
    let mut e = Vec::with_capacity(128);
    e.extend_from_slice(&[0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0]);
    // Manufacturer "PVD" (5-bit letters), product 1, no serial.
    let m = (u16::from(b'P' - b'@') << 10) | (u16::from(b'V' - b'@') << 5) | u16::from(b'D' - b'@');
    e.extend_from_slice(&m.to_be_bytes());
    e.extend_from_slice(&[1, 0, 0, 0, 0, 0]);
    // Week 0, year 2026, EDID 1.4, digital input.
    e.extend_from_slice(&[0, (2026 - 1990) as u8, 1, 4, 0x80]);
    // Size, gamma, features, chromaticity, timings: none given.
    e.resize(54, 0);
    // Detailed timing descriptor 1: 60 Hz with simple blanking.
    let (w, h) = (width.min(4095), height.min(4095));
    let (hb, vb) = (160u32, 30u32);
    let clock_10khz = (w + hb) * (h + vb) * 60 / 10_000;
    e.extend_from_slice(&(clock_10khz.min(0xffff) as u16).to_le_bytes());
    e.extend_from_slice(&[
        w as u8,
        hb as u8,
        (((w >> 8) as u8) << 4) | (hb >> 8) as u8,
        h as u8,
        vb as u8,
        (((h >> 8) as u8) << 4) | (vb >> 8) as u8,
        48,           // h front porch
        32,           // h sync
        (3 << 4) | 5, // v front porch 3, v sync 5
        0,
        0,
        0,
        0,
        0,
        0,
        0x18, // digital separate sync
    ]);
    e.resize(127, 0);
    let sum = e.iter().fold(0u8, |a, b| a.wrapping_add(*b));
    e.push(0u8.wrapping_sub(sum));
    e
}

#[cfg(test)]
mod tests {
    #[test]
    fn checksum_and_size() {
        let e = super::edid(1024, 768);
        assert_eq!(e.len(), 128);
        assert_eq!(e.iter().fold(0u8, |a, b| a.wrapping_add(*b)), 0);
        assert_eq!(u32::from(e[56]) | (u32::from(e[58] >> 4) << 8), 1024);
        assert_eq!(u32::from(e[59]) | (u32::from(e[61] >> 4) << 8), 768);
    }
}
