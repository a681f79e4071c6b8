//! Scalars and `bool`: stored inline in a table slot, little-endian.

use core::fmt;

use flatbuffers::VOffsetT;

use super::field::Field;
use super::raw::read_at;
use super::table::ViewTable;
use crate::encode::{Builder, Offset};
use crate::verify::{Checked, Checker, FieldAt};
use crate::view::{Vector, VectorElement};

macro_rules! scalar_fields {
    ($($ty:ty = $zero:expr),* $(,)?) => {$(
        // SAFETY: `get` reads the `$ty` at the field, whose bytes `check`
        // (`Checker::scalar::<$ty>`) found in bounds. That is all `check`
        // does, and `decode_present` reads the same bytes as `get`, hence
        // `PLAIN_SCALAR`.
        unsafe impl Field for $ty {
            type Prepared = $ty;
            type View<'a> = $ty;
            type Default = $ty;
            const DEFAULT: $ty = $zero;
            const WIDTH: usize = core::mem::size_of::<$ty>();
            const PLAIN_SCALAR: bool = true;

            #[inline]
            fn prepare<B: Builder>(&self, _builder: &mut B) -> $ty {
                *self
            }

            #[inline]
            fn push<B: Builder>(builder: &mut B, slot: VOffsetT, value: $ty, default: $ty) {
                builder.push_slot::<$ty>(slot, value, default);
            }

            #[inline]
            fn push_always<B: Builder>(builder: &mut B, slot: VOffsetT, value: $ty) {
                builder.push_slot_always::<$ty>(slot, value);
            }

            #[inline]
            unsafe fn get<'a>(table: &ViewTable<'a>, slot: VOffsetT, default: $ty) -> $ty {
                // SAFETY: per the caller, the slot holds a verified `$ty`.
                unsafe { table.scalar::<$ty>(slot) }.unwrap_or(default)
            }

            #[inline(always)]
            fn check(
                checker: &mut Checker<'_>,
                field: FieldAt<'_, '_>,
            ) -> Checked {
                checker.visit(field, #[inline(always)] |checker, pos| checker.scalar::<$ty>(pos))
            }

            #[inline(always)]
            fn decode_present(
                checker: &mut Checker<'_>,
                field: FieldAt<'_, '_>,
            ) -> Checked<Option<$ty>> {
                checker.decode(field, #[inline(always)] |checker, pos| {
                    checker.scalar::<$ty>(pos)?;
                    Ok(<$ty as LittleEndian>::from_le_slice(
                        checker.slice(pos, core::mem::size_of::<$ty>()),
                    ))
                })
            }

            #[inline(always)]
            fn absent(default: $ty) -> $ty {
                default
            }

            #[inline]
            fn to_owned(view: $ty) -> $ty {
                view
            }

            #[inline]
            fn view_eq(view: $ty, owned: &$ty) -> bool {
                view == *owned
            }

            crate::private::field::shallow_is_view!();

            fn fmt_view(view: $ty, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&view, f)
            }
        }
    )*};
}

/// A scalar read from its little-endian bytes (zero when they are short,
/// which a check before the read rules out).
pub trait LittleEndian: Sized {
    /// The value whose little-endian bytes start `bytes`.
    fn from_le_slice(bytes: &[u8]) -> Self;
}

macro_rules! little_endian {
    ($($ty:ty),*) => {$(
        impl LittleEndian for $ty {
            #[inline(always)]
            fn from_le_slice(bytes: &[u8]) -> $ty {
                match bytes.get(..core::mem::size_of::<$ty>()) {
                    Some(bytes) => <$ty>::from_le_bytes(bytes.try_into().unwrap_or_default()),
                    None => 0 as $ty,
                }
            }
        }
    )*};
}

little_endian!(u8, i8, u16, i16, u32, i32, u64, i64, f32, f64);

impl LittleEndian for bool {
    #[inline(always)]
    fn from_le_slice(bytes: &[u8]) -> bool {
        bytes.first().is_some_and(|byte| *byte != 0)
    }
}

scalar_fields! {
    bool = false,
    u8 = 0, i8 = 0, u16 = 0, i16 = 0, u32 = 0, i32 = 0, u64 = 0, i64 = 0,
    f32 = 0.0, f64 = 0.0,
}

macro_rules! scalar_elements {
    ($($ty:ty),*) => {$(
        // SAFETY: `read_element` reads one `$ty` at `4 + i * WIDTH`, inside
        // the `len * size_of::<$ty>()` bytes `Checker::scalar_vector`
        // checked.
        unsafe impl VectorElement for $ty {
            type View<'a> = $ty;
            const WIDTH: usize = core::mem::size_of::<$ty>();

            crate::private::field::shallow_vector_is_vector!($ty);

            #[inline]
            unsafe fn read_element(buf: &[u8], loc: usize) -> $ty {
                // SAFETY: the caller guarantees a verified element at `loc`.
                unsafe { read_at::<$ty>(buf, loc) }
            }

            #[inline]
            fn build_vector<B: Builder>(items: &[$ty], builder: &mut B) -> Offset {
                builder.create_vector(items)
            }

            #[inline(always)]
            fn check_vector(checker: &mut Checker<'_>, pos: usize) -> Checked {
                checker.scalar_vector::<$ty>(pos).map(drop)
            }

            #[inline]
            fn element_to_owned(view: $ty) -> $ty {
                view
            }

            #[inline]
            fn decode_vector(checker: &mut Checker<'_>, pos: usize) -> Checked<Vec<$ty>> {
                let (start, len) = checker.scalar_vector::<$ty>(pos)?;
                Ok(scalars_from_le(checker.slice(start, len * core::mem::size_of::<$ty>())))
            }

            fn vector_to_vec(vector: &Vector<'_, $ty>) -> Vec<$ty> {
                scalars_from_le(vector.element_bytes())
            }

            #[inline]
            fn element_eq(view: $ty, owned: &$ty) -> bool {
                view == *owned
            }

            fn fmt_element(view: $ty, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&view, f)
            }
        }
    )*};
}

/// The scalars whose little-endian bytes follow one another in `bytes`,
/// in one pass.
#[inline]
fn scalars_from_le<T: LittleEndian>(bytes: &[u8]) -> Vec<T> {
    bytes
        .chunks_exact(core::mem::size_of::<T>())
        .map(T::from_le_slice)
        .collect()
}

scalar_elements!(bool, i8, u16, i16, u32, i32, u64, i64, f32, f64);
