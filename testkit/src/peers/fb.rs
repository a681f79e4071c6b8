//! What `flatc` generates for Rust, written by hand: FlatBuffers structs
//! as byte arrays with accessors, table views over a `flatbuffers::Table`.
//! Each dataset module declares its types with these macros and writes
//! its builder code and `Verifiable` impls itself.

use flatstream::flatbuffers::{Follow, Table, VOffsetT};

/// A value stored inline in a FlatBuffers struct, little-endian, at a
/// fixed offset.
pub trait Inline: Copy {
    const SIZE: usize;
    fn read(bytes: &[u8]) -> Self;
    fn write(self, bytes: &mut [u8]);
}

macro_rules! inline_scalars {
    ($($ty:ty),*) => {$(
        impl Inline for $ty {
            const SIZE: usize = std::mem::size_of::<$ty>();

            #[inline]
            fn read(bytes: &[u8]) -> Self {
                <$ty>::from_le_bytes(bytes[..Self::SIZE].try_into().unwrap())
            }

            #[inline]
            fn write(self, bytes: &mut [u8]) {
                bytes[..Self::SIZE].copy_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}
inline_scalars!(u8, i8, u16, i16, u32, i32, u64, i64, f32, f64);

impl Inline for bool {
    const SIZE: usize = 1;

    #[inline]
    fn read(bytes: &[u8]) -> Self {
        bytes[0] != 0
    }

    #[inline]
    fn write(self, bytes: &mut [u8]) {
        bytes[0] = u8::from(self);
    }
}

/// A FlatBuffers array `[T:N]` inside a struct.
impl<T: Inline, const N: usize> Inline for [T; N] {
    const SIZE: usize = T::SIZE * N;

    #[inline]
    fn read(bytes: &[u8]) -> Self {
        std::array::from_fn(|i| T::read(&bytes[i * T::SIZE..]))
    }

    #[inline]
    fn write(self, bytes: &mut [u8]) {
        for (i, item) in self.into_iter().enumerate() {
            item.write(&mut bytes[i * T::SIZE..]);
        }
    }
}

/// A FlatBuffers struct as flatc generates it: `SIZE` bytes (padding
/// included, zeroed) with a constructor and one accessor per field, each
/// at its offset; pushed by copying, read in place, verified by a range
/// check.
macro_rules! fb_struct {
    (
        $(#[$attr:meta])*
        pub struct $name:ident([u8; $size:literal], align $align:literal) {
            $($field:ident: $ty:ty = $offset:literal,)*
        }
    ) => {
        $(#[$attr])*
        #[repr(transparent)]
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct $name([u8; $size]);

        impl $name {
            #[allow(clippy::too_many_arguments)]
            pub fn new($($field: $ty),*) -> Self {
                let mut bytes = [0; $size];
                $($crate::peers::fb::Inline::write($field, &mut bytes[$offset..]);)*
                $name(bytes)
            }

            $(
                #[inline]
                pub fn $field(&self) -> $ty {
                    $crate::peers::fb::Inline::read(&self.0[$offset..])
                }
            )*
        }

        impl $crate::peers::fb::Inline for $name {
            const SIZE: usize = $size;

            #[inline]
            fn read(bytes: &[u8]) -> Self {
                $name(bytes[..$size].try_into().unwrap())
            }

            #[inline]
            fn write(self, bytes: &mut [u8]) {
                bytes[..$size].copy_from_slice(&self.0);
            }
        }

        impl<'a> flatstream::flatbuffers::Follow<'a> for $name {
            type Inner = &'a $name;

            #[inline]
            unsafe fn follow(buf: &'a [u8], loc: usize) -> &'a $name {
                // SAFETY: the caller guarantees `$size` bytes at `loc`; the
                // struct is a byte array, so any address is aligned.
                unsafe { flatstream::flatbuffers::follow_cast_ref::<$name>(buf, loc) }
            }
        }

        impl<'a> flatstream::flatbuffers::Follow<'a> for &'a $name {
            type Inner = &'a $name;

            #[inline]
            unsafe fn follow(buf: &'a [u8], loc: usize) -> &'a $name {
                // SAFETY: as above.
                unsafe { flatstream::flatbuffers::follow_cast_ref::<$name>(buf, loc) }
            }
        }

        impl flatstream::flatbuffers::Push for $name {
            type Output = $name;

            #[inline]
            unsafe fn push(&self, dst: &mut [u8], _written_len: usize) {
                dst[..$size].copy_from_slice(&self.0);
            }

            #[inline]
            fn alignment() -> flatstream::flatbuffers::PushAlignment {
                flatstream::flatbuffers::PushAlignment::new($align)
            }
        }

        impl flatstream::flatbuffers::Verifiable for $name {
            #[inline]
            fn run_verifier(
                v: &mut flatstream::flatbuffers::Verifier<'_, '_>,
                pos: usize,
            ) -> Result<(), flatstream::flatbuffers::InvalidFlatbuffer> {
                v.in_buffer::<Self>(pos)
            }
        }

        impl flatstream::flatbuffers::SimpleToVerifyInSlice for $name {}
    };
}

/// A FlatBuffers table view as flatc generates it: a `Copy` wrapper of
/// the table, made by `Follow` (which `flatbuffers::root` and vectors of
/// tables call after verification). Its accessors and its `Verifiable`
/// impl are written next to it.
macro_rules! fb_table {
    ($(#[$attr:meta])* pub struct $name:ident;) => {
        $(#[$attr])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name<'a>($crate::peers::fb::Verified<'a>);

        impl<'a> flatstream::flatbuffers::Follow<'a> for $name<'a> {
            type Inner = $name<'a>;

            #[inline]
            unsafe fn follow(buf: &'a [u8], loc: usize) -> $name<'a> {
                // SAFETY: the caller guarantees a verified table of this
                // type at `loc`.
                $name(unsafe { $crate::peers::fb::Verified::new(buf, loc) })
            }
        }
    };
}

/// A table that verification accepted as a given view type: the view's
/// accessors read its slots with the types its `Verifiable` impl checked.
#[derive(Clone, Copy, Debug)]
pub struct Verified<'a>(Table<'a>);

impl<'a> Verified<'a> {
    /// # Safety
    ///
    /// `buf[loc..]` holds a table verified as the type of the view that
    /// wraps it.
    #[inline]
    pub unsafe fn new(buf: &'a [u8], loc: usize) -> Self {
        // SAFETY: per the caller.
        Verified(unsafe { Table::new(buf, loc) })
    }

    /// The field at `slot`, `None` when absent (what flatc's accessors of
    /// optional fields return).
    #[inline]
    pub fn get<T: Follow<'a> + 'a>(&self, slot: VOffsetT) -> Option<T::Inner> {
        // SAFETY: each view reads a slot only with the type its
        // `Verifiable` impl verified there.
        unsafe { self.0.get::<T>(slot, None) }
    }

    /// A required field (verification refused a table without it).
    #[inline]
    pub fn required<T: Follow<'a> + 'a>(&self, slot: VOffsetT) -> T::Inner {
        self.get::<T>(slot).expect("verified as required")
    }

    /// A scalar, `default` when absent.
    #[inline]
    pub fn scalar<T: Follow<'a, Inner = T> + 'a>(&self, slot: VOffsetT, default: T) -> T {
        self.get::<T>(slot).unwrap_or(default)
    }
}
