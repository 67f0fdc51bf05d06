//! Borrowed views of little-endian dword streams.
//!
//! Guest bytes are copied once into host memory (out of a socket or guest RAM);
//! everything decoded from them borrows that copy. [`Dwords`] is a slice of
//! little-endian `u32`s with alignment 1, so any byte buffer can be viewed
//! without another copy, and every access is bounds-checked.

use bytemuck::Pod;
use core::fmt;

/// A borrowed run of little-endian dwords (the byte length is a multiple of 4).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Dwords<'a> {
    bytes: &'a [u8],
}

impl<'a> Dwords<'a> {
    /// Views `bytes` as dwords; `None` if its length is not a multiple of 4.
    pub fn new(bytes: &'a [u8]) -> Option<Self> {
        bytes.len().is_multiple_of(4).then_some(Self { bytes })
    }

    /// Views the longest dword-aligned prefix of `bytes`.
    pub fn new_truncating(bytes: &'a [u8]) -> Self {
        let whole = bytes.len() - bytes.len() % 4;
        Self {
            bytes: bytes.get(..whole).unwrap_or_default(),
        }
    }

    /// An empty run.
    pub const fn empty() -> Self {
        Self { bytes: &[] }
    }

    /// Number of dwords.
    pub fn len(&self) -> usize {
        self.bytes.len() / 4
    }

    /// True when there are no dwords.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The dword at `index`, or `None` past the end.
    pub fn get(&self, index: usize) -> Option<u32> {
        let start = index.checked_mul(4)?;
        let raw = self.bytes.get(start..start.checked_add(4)?)?;
        let array: [u8; 4] = raw.try_into().ok()?;
        Some(u32::from_le_bytes(array))
    }

    /// The dwords `start..end`, or `None` if that range is not inside.
    pub fn slice(&self, start: usize, end: usize) -> Option<Dwords<'a>> {
        let bytes = self.bytes.get(start.checked_mul(4)?..end.checked_mul(4)?)?;
        Some(Dwords { bytes })
    }

    /// The dwords from `start` to the end, or `None` if `start` is past the end.
    pub fn tail(&self, start: usize) -> Option<Dwords<'a>> {
        self.slice(start, self.len())
    }

    /// The underlying little-endian bytes.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Views the dwords as a slice of alignment-1 `Pod` records of `T`.
    /// `None` if the length is not a whole number of records.
    pub fn records<T: Pod>(&self) -> Option<&'a [T]> {
        bytemuck::try_cast_slice(self.bytes).ok()
    }

    /// Iterates over the dwords in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = u32> + 'a {
        self.bytes.chunks_exact(4).map(|c| {
            let mut a = [0u8; 4];
            a.copy_from_slice(c);
            u32::from_le_bytes(a)
        })
    }
}

impl fmt::Debug for Dwords<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.len() > 16 {
            return write!(f, "[{} dwords]", self.len());
        }
        f.write_str("[")?;
        for (i, d) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{d:#x}")?;
        }
        f.write_str("]")
    }
}

/// Appends little-endian dwords to a byte vector (the encoder's output side).
pub(crate) fn push_dword(out: &mut alloc::vec::Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_checked() {
        let bytes = [1, 0, 0, 0, 2, 0, 0, 0];
        let d = Dwords::new(&bytes).unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d.get(1), Some(2));
        assert_eq!(d.get(2), None);
        assert_eq!(d.get(usize::MAX), None);
        assert!(d.slice(1, 3).is_none());
        assert!(d.slice(2, 1).is_none());
        assert_eq!(d.tail(2).map(|t| t.len()), Some(0));
        assert!(Dwords::new(&bytes[..3]).is_none());
        assert_eq!(Dwords::new_truncating(&bytes[..7]).len(), 1);
    }
}

/// An `f32` carried as its IEEE bit pattern, so equality is bitwise (NaNs
/// included) and re-encoding is exact.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct F32Bits(pub u32);

impl F32Bits {
    /// Wraps `value`'s bit pattern.
    pub fn new(value: f32) -> Self {
        Self(value.to_bits())
    }

    /// The float value.
    pub fn get(self) -> f32 {
        f32::from_bits(self.0)
    }
}

impl fmt::Debug for F32Bits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.get(), f)
    }
}

/// An `f64` carried as its IEEE bit pattern (CLEAR's depth), compared bitwise.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct F64Bits(pub u64);

impl F64Bits {
    /// Wraps `value`'s bit pattern.
    pub fn new(value: f64) -> Self {
        Self(value.to_bits())
    }

    /// The float value.
    pub fn get(self) -> f64 {
        f64::from_bits(self.0)
    }
}

impl fmt::Debug for F64Bits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.get(), f)
    }
}
