//! Derived unit enums, stored as their discriminant: [`EnumType`], the
//! sealed [`Repr`] integers, and the `enum_*` functions their `Field`,
//! `VectorElement` and `FixedType` impls use.

use core::fmt;

use flatbuffers::{EndianScalar, Push, VOffsetT};

use super::fixed::FixedType;
use super::raw::read_at;
use super::scalar::LittleEndian;
use super::table::ViewTable;
use crate::encode::{Builder, Offset};
use crate::error::VerifyErrorKind;
use crate::verify::{Checked, Checker, TableAt};

mod sealed {
    /// Keeps [`Repr`](super::Repr) to the integer types flatstream lists:
    /// views read an enum as `size_of::<Repr>()` bytes that its check found.
    pub trait Sealed {}
}

/// An integer type that can underlie a FlatBuffers enum. Sealed: the
/// integers are all there is.
pub trait Repr:
    sealed::Sealed + EndianScalar + LittleEndian + Push<Output = Self> + PartialEq + Copy + 'static
{
    /// Reads the value at `pos`, checking that it is aligned and in the
    /// buffer.
    fn check_read(checker: &mut Checker<'_>, pos: usize) -> Checked<Self>;

    /// The value, for errors.
    fn widen(self) -> i128;
}

macro_rules! reprs {
    ($($ty:ty),*) => {$(
        impl sealed::Sealed for $ty {}

        impl Repr for $ty {
            #[inline(always)]
            fn widen(self) -> i128 {
                i128::from(self)
            }

            #[inline(always)]
            fn check_read(checker: &mut Checker<'_>, pos: usize) -> Checked<$ty> {
                checker
                    .discriminant::<$ty, { core::mem::size_of::<$ty>() }>(pos)
                    .map(<$ty>::from_le_bytes)
            }
        }
    )*};
}

reprs!(u8, i8, u16, i16, u32, i32, u64, i64);

/// A derived unit enum, stored as its discriminant.
///
/// A safe trait: the `enum_*` functions read and check an enum as its
/// sealed [`Repr`] alone, so no implementation can make them read what
/// they did not check. (The enum's `Field`, `VectorElement` and
/// `FixedType` impls, which are `unsafe`, carry the obligation.)
pub trait EnumType: Copy + 'static {
    /// The underlying integer type, from `#[repr]` (`u8` without one).
    type Repr: Repr;
    /// The enum's name, for error messages.
    const NAME: &'static str;
    /// The value of an absent field: the variant whose discriminant is 0,
    /// else the first variant.
    const DEFAULT: Self;
    /// Whether a `#[flatstream(other)]` variant takes unknown values.
    const HAS_OTHER: bool;

    /// The discriminant.
    fn to_repr(self) -> Self::Repr;

    /// The variant for `repr`: the `other` variant for unknown values when
    /// there is one, else `None`.
    fn from_repr(repr: Self::Repr) -> Option<Self>;

    /// The variant's name.
    fn variant_name(self) -> &'static str;
}

/// Converts a verified (or, behind the unchecked path, any) discriminant.
/// Unknown values read as the default rather than failing.
#[inline]
fn enum_from_stored<E: EnumType>(repr: E::Repr) -> E {
    E::from_repr(repr).unwrap_or(E::DEFAULT)
}

/// [`Field::push`] for enums.
#[inline]
pub fn enum_push<E: EnumType, B: Builder>(builder: &mut B, slot: VOffsetT, value: E, default: E) {
    builder.push_slot::<E::Repr>(slot, value.to_repr(), default.to_repr());
}

/// [`Field::push_always`] for enums.
#[inline]
pub fn enum_push_always<E: EnumType, B: Builder>(builder: &mut B, slot: VOffsetT, value: E) {
    builder.push_slot_always::<E::Repr>(slot, value.to_repr());
}

/// [`Field::get`] for enums.
///
/// # Safety
///
/// As [`Field::get`].
#[inline]
pub unsafe fn enum_get<E: EnumType>(table: &ViewTable<'_>, slot: VOffsetT, default: E) -> E {
    // SAFETY: per the caller, the slot holds a verified `E::Repr`.
    match unsafe { table.scalar::<E::Repr>(slot) } {
        Some(repr) => enum_from_stored(repr),
        None => default,
    }
}

/// Checks the discriminant at `pos`.
#[inline(always)]
fn enum_check_value<E: EnumType>(checker: &mut Checker<'_>, pos: usize) -> Checked<E> {
    let value = E::Repr::check_read(checker, pos)?;
    match E::from_repr(value) {
        Some(value) => Ok(value),
        // `from_repr` gives the `other` variant for unknown values; this
        // keeps the rule, as `enum_from_stored` reads it, should it not.
        None if E::HAS_OTHER => Ok(E::DEFAULT),
        None => Err(checker.fail(
            VerifyErrorKind::UnknownEnumValue {
                enum_name: E::NAME,
                value: value.widen(),
            },
            pos,
        )),
    }
}

/// [`Field::check`] for enums.
#[inline(always)]
pub fn enum_check<E: EnumType>(
    checker: &mut Checker<'_>,
    table: &TableAt<'_>,
    slot: VOffsetT,
    required: bool,
) -> Checked {
    checker.visit(table, slot, required, enum_check_value::<E>)
}

/// [`VectorElement::check_vector`] for enums.
#[inline]
pub fn enum_check_vector<E: EnumType>(checker: &mut Checker<'_>, pos: usize) -> Checked {
    checker.scalar_vector::<E::Repr>(pos)?;
    if E::HAS_OTHER {
        return Ok(());
    }
    let len = checker.reread_len(pos)?;
    let width = core::mem::size_of::<E::Repr>();
    for index in 0..len {
        let checked = enum_check_value::<E>(checker, pos + 4 + index * width);
        checker.in_element(checked, index)?;
    }
    Ok(())
}

/// [`Field::decode_present`] for enums.
#[inline(always)]
pub fn enum_decode_present<E: EnumType>(
    checker: &mut Checker<'_>,
    table: &TableAt<'_>,
    slot: VOffsetT,
    required: bool,
) -> Checked<Option<E>> {
    checker.decode(table, slot, required, enum_check_value::<E>)
}

/// [`VectorElement::decode_vector`] for enums.
#[inline]
pub fn enum_decode_vector<E: EnumType>(checker: &mut Checker<'_>, pos: usize) -> Checked<Vec<E>> {
    enum_check_vector::<E>(checker, pos)?;
    let width = core::mem::size_of::<E::Repr>();
    let len = checker.reread_len_unchecked(pos);
    let bytes = checker.slice(pos + 4, len * width);
    Ok(bytes
        .chunks_exact(width)
        .map(|bytes| enum_from_stored(E::Repr::from_le_slice(bytes)))
        .collect())
}

/// [`FixedType::check_fixed`] for enums.
#[inline(always)]
pub fn enum_check_fixed<E: EnumType>(checker: &mut Checker<'_>, pos: usize) -> Checked {
    enum_check_value::<E>(checker, pos).map(drop)
}

/// [`Field::fmt_view`] and [`VectorElement::fmt_element`] for enums: the
/// variant's name, so the enum needs no `Debug` of its own.
pub fn enum_fmt<E: EnumType>(value: E, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(value.variant_name())
}

/// [`VectorElement::read_element`] for enums.
///
/// # Safety
///
/// `buf[loc..]` must hold a verified `E::Repr`.
#[inline]
pub unsafe fn enum_read_element<E: EnumType>(buf: &[u8], loc: usize) -> E {
    // SAFETY: per the caller, the value is in bounds.
    enum_from_stored(unsafe { read_at::<E::Repr>(buf, loc) })
}

/// [`VectorElement::build_vector`] for enums.
#[inline]
pub fn enum_build_vector<E: EnumType, B: Builder>(items: &[E], builder: &mut B) -> Offset {
    builder.create_vector_from_iter(items.iter().map(|item| item.to_repr()))
}

/// [`FixedType`] for a derived unit enum: its discriminant.
pub trait EnumFixed: EnumType {
    /// The discriminant's little-endian bytes.
    fn repr_write(self, out: &mut [u8]);
    /// The enum read from little-endian bytes.
    fn repr_read(bytes: &[u8]) -> Self;
}

impl<E: EnumType> EnumFixed for E
where
    E::Repr: FixedType,
{
    #[inline]
    fn repr_write(self, out: &mut [u8]) {
        self.to_repr().write_fixed(out);
    }

    #[inline]
    fn repr_read(bytes: &[u8]) -> E {
        enum_from_stored(<E::Repr as FixedType>::read_fixed(bytes))
    }
}
