//! Little-endian integers with alignment 1, for `#[repr(C)]` wire structs.
//!
//! A wire struct made of these types can be viewed in place over any byte slice
//! (`bytemuck::try_from_bytes` never fails on alignment), and reads the same on
//! any host byte order.

use bytemuck::{Pod, Zeroable};
use core::fmt;

macro_rules! le_int {
    ($(#[$doc:meta])* $name:ident, $int:ty, $n:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
        #[repr(transparent)]
        pub struct $name([u8; $n]);

        impl $name {
            /// Stores `value` in little-endian order.
            pub const fn new(value: $int) -> Self {
                Self(value.to_le_bytes())
            }

            /// The value in host order.
            pub const fn get(self) -> $int {
                <$int>::from_le_bytes(self.0)
            }
        }

        impl From<$int> for $name {
            fn from(value: $int) -> Self {
                Self::new(value)
            }
        }

        impl From<$name> for $int {
            fn from(value: $name) -> Self {
                value.get()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.get(), f)
            }
        }
    };
}

le_int!(
    /// A little-endian `u16` with alignment 1.
    Le16, u16, 2
);
le_int!(
    /// A little-endian `u32` with alignment 1.
    Le32, u32, 4
);
le_int!(
    /// A little-endian `u64` with alignment 1.
    Le64, u64, 8
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_order_is_little_endian() {
        assert_eq!(bytemuck::bytes_of(&Le32::new(0x0403_0201)), &[1, 2, 3, 4]);
        assert_eq!(Le64::new(u64::MAX - 1).get(), u64::MAX - 1);
        assert_eq!(core::mem::align_of::<Le64>(), 1);
    }
}
