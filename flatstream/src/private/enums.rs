//! Derived unit enums, stored as their discriminant: [`EnumType`], the
//! sealed [`Repr`] integers, and the `Field`, `VectorElement` (through
//! [`EnumKind`]) and `FixedType` of every `EnumType`.

use core::fmt;

use flatbuffers::{EndianScalar, Push, VOffsetT};

use super::fixed::FixedType;
use super::kind::{ElementKind, EnumKind, FieldKind};
use super::raw::read_at;
use super::scalar::LittleEndian;
use super::table::ViewTable;
use crate::encode::{Builder, Offset};
use crate::error::VerifyErrorKind;
use crate::verify::{Checked, Checker, FieldAt};

mod sealed {
    /// Keeps [`Repr`](super::Repr) to the integer types flatstream lists:
    /// views read an enum as `size_of::<Repr>()` bytes that its check found.
    pub trait Sealed {}
}

/// An integer type that can underlie a FlatBuffers enum. Sealed: the
/// integers are all there is.
pub trait Repr:
    sealed::Sealed
    + EndianScalar
    + LittleEndian
    + FixedType
    + Push<Output = Self>
    + PartialEq
    + Copy
    + 'static
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
/// A safe trait: its `Field` and `VectorElement` (the `unsafe impl`s of
/// `FieldKind<E>` and `ElementKind<E>` for `EnumKind` here) read and check an
/// enum as its sealed [`Repr`] alone, so no implementation can make them
/// read what they did not check.
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

/// Checks a vector of `E` whose length prefix is at `pos`: its bytes, and
/// each discriminant unless `E` takes unknown ones.
#[inline]
fn enum_check_vector<E: EnumType>(checker: &mut Checker<'_>, pos: usize) -> Checked {
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

// SAFETY: `get` reads an `E::Repr` at the slot (`ViewTable::scalar`), which
// `check` read and checked at the same slot (`Repr::check_read` through
// `Checker::visit`); `Repr` is sealed to the integers, so the bytes read
// are the `size_of::<E::Repr>()` bytes checked.
unsafe impl<E: EnumType> FieldKind<E> for EnumKind {
    type Prepared = E;
    type View<'a> = E;
    type Default = E;
    const DEFAULT: E = E::DEFAULT;
    const WIDTH: usize = core::mem::size_of::<E::Repr>();

    #[inline]
    fn prepare<B: Builder>(value: &E, _builder: &mut B) -> E {
        *value
    }

    #[inline]
    fn push<B: Builder>(builder: &mut B, slot: VOffsetT, value: E, default: E) {
        builder.push_slot::<E::Repr>(slot, value.to_repr(), default.to_repr());
    }

    #[inline]
    fn push_always<B: Builder>(builder: &mut B, slot: VOffsetT, value: E) {
        builder.push_slot_always::<E::Repr>(slot, value.to_repr());
    }

    #[inline]
    unsafe fn get<'a>(table: &ViewTable<'a>, slot: VOffsetT, default: E) -> E {
        // SAFETY: per the caller, the slot holds a verified `E::Repr`.
        match unsafe { table.scalar::<E::Repr>(slot) } {
            Some(repr) => enum_from_stored(repr),
            None => default,
        }
    }

    #[inline(always)]
    fn check(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked {
        checker.visit(field, enum_check_value::<E>)
    }

    #[inline(always)]
    fn decode_present(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked<Option<E>> {
        checker.decode(field, enum_check_value::<E>)
    }

    #[inline(always)]
    fn absent(default: E) -> E {
        default
    }

    #[inline]
    fn to_owned(view: E) -> E {
        view
    }

    #[inline]
    fn view_eq(view: E, owned: &E) -> bool {
        view.to_repr() == owned.to_repr()
    }

    super::field::shallow_is_view!();

    fn fmt_view(view: E, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        enum_fmt(view, f)
    }
}

// SAFETY: `read_element` reads one `E::Repr` at `4 + i * WIDTH`, `WIDTH`
// being its size, inside the `len * WIDTH` bytes that `check_vector`
// checked (`Checker::scalar_vector::<E::Repr>`).
unsafe impl<E: EnumType> ElementKind<E> for EnumKind {
    type View<'a> = E;
    const WIDTH: usize = core::mem::size_of::<E::Repr>();

    super::field::shallow_vector_is_vector!(kind);

    #[inline]
    unsafe fn read_element(buf: &[u8], loc: usize) -> E {
        // SAFETY: per the caller, a verified `E::Repr` is at `loc`.
        enum_from_stored(unsafe { read_at::<E::Repr>(buf, loc) })
    }

    #[inline]
    fn build_vector<B: Builder>(items: &[E], builder: &mut B) -> Offset {
        builder.create_vector_from_iter(items.iter().map(|item| item.to_repr()))
    }

    #[inline]
    fn check_vector(checker: &mut Checker<'_>, pos: usize) -> Checked {
        enum_check_vector::<E>(checker, pos)
    }

    #[inline]
    fn element_to_owned(view: E) -> E {
        view
    }

    #[inline]
    fn decode_vector(checker: &mut Checker<'_>, pos: usize) -> Checked<Vec<E>> {
        enum_check_vector::<E>(checker, pos)?;
        let width = core::mem::size_of::<E::Repr>();
        let len = checker.reread_len_unchecked(pos);
        let bytes = checker.slice(pos + 4, len * width);
        Ok(bytes
            .chunks_exact(width)
            .map(|bytes| enum_from_stored(E::Repr::from_le_slice(bytes)))
            .collect())
    }

    #[inline]
    fn element_eq(view: E, owned: &E) -> bool {
        view.to_repr() == owned.to_repr()
    }

    fn fmt_element(view: E, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        enum_fmt(view, f)
    }
}

/// A derived unit enum inside a fixed struct: its discriminant.
impl<E: EnumType> FixedType for E {
    const SIZE: usize = core::mem::size_of::<E::Repr>();
    const ALIGN: usize = core::mem::size_of::<E::Repr>();
    const CHECKED: bool = !E::HAS_OTHER;

    #[inline]
    fn write_fixed(&self, out: &mut [u8]) {
        self.to_repr().write_fixed(out);
    }

    #[inline]
    fn read_fixed(bytes: &[u8]) -> E {
        enum_from_stored(E::Repr::read_fixed(bytes))
    }

    #[inline(always)]
    fn check_fixed(checker: &mut Checker<'_>, pos: usize) -> Checked {
        enum_check_value::<E>(checker, pos).map(drop)
    }

    #[inline]
    fn fixed_eq(&self, other: &E) -> bool {
        self.to_repr() == other.to_repr()
    }

    fn fmt_fixed(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        enum_fmt(*self, f)
    }
}

/// The variant's name, so the enum needs no `Debug` of its own.
fn enum_fmt<E: EnumType>(value: E, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(value.variant_name())
}
