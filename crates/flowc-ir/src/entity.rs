//! Small copyable ids for everything the context owns.
//!
//! Operations, blocks, regions and values live in arenas inside [`crate::Context`]; the rest of the
//! compiler refers to them with these `u32` newtypes, which are `Copy`, hashable and cheap to store
//! in maps and worklists.

/// Declares a `u32` id type with `index()` / `from_index()` conversions.
#[macro_export]
macro_rules! entity_id {
    ($(#[$meta:meta])* $vis:vis struct $name:ident, $prefix:literal;) => {
        $(#[$meta])*
        #[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis struct $name(u32);

        impl $name {
            /// The position of this entity in its arena.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// The entity at position `index` of its arena.
            #[inline]
            pub fn from_index(index: usize) -> Self {
                Self(u32::try_from(index).expect(concat!("too many ", stringify!($name), "s for a u32 id")))
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}
