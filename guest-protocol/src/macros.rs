//! `wire_enum!`: an open enumeration of wire values.
//!
//! Guest fields can hold any value, so an enumeration read off the wire is a
//! newtype over the raw integer with one associated constant per known value
//! (as ash and crosvm do), not a Rust `enum`: decoding never fails on an unknown
//! value and re-encoding gives back the same bits. Whoever acts on the value
//! checks [`is_known`](crate::virgl::Opcode::is_known) or matches the constants.

/// Declares a wire enumeration newtype with named constants, `name()`,
/// `is_known()`, a `Debug` that prints the name, and the const
/// `from_bits`/`into_bits` pair that `bitfield-struct` fields need.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub struct $name:ident($int:ty) {
            $( $(#[$vmeta:meta])* $variant:ident = $value:expr ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub $int);

        #[allow(missing_docs)]
        impl $name {
            $( $(#[$vmeta])* pub const $variant: Self = Self($value); )*

            /// Every named value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            /// The protocol's name for this value, or `None` if unknown.
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $( v if v == $value => Some(stringify!($variant)), )*
                    _ => None,
                }
            }

            /// True when the value has a name in the protocol.
            pub const fn is_known(self) -> bool {
                self.name().is_some()
            }

            /// Wraps a raw value (for `bitfield-struct` fields).
            pub const fn from_bits(bits: $int) -> Self {
                Self(bits)
            }

            /// The raw value (for `bitfield-struct` fields).
            pub const fn into_bits(self) -> $int {
                self.0
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self.name() {
                    Some(name) => f.write_str(name),
                    None => write!(f, "{}({})", stringify!($name), self.0),
                }
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                core::fmt::Debug::fmt(self, f)
            }
        }
    };
}

pub(crate) use wire_enum;
