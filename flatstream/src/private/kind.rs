//! Kinds: how a derived type gets its [`Field`] and [`VectorElement`]
//! impls without the derive writing them.
//!
//! Every derived struct is stored the same way, as is every unit enum,
//! fixed struct and union: what differs is the kind. A type names its kind
//! with [`HasKind`] (the derive writes one line), and one blanket impl of
//! each trait forwards to that kind's implementation, [`FieldKind`] and
//! [`ElementKind`], which `table.rs`, `enums.rs`, `fixed.rs` and `union.rs`
//! (and `wrapper.rs`, for `Box<T>`) write once, generically. Blanket impls
//! per kind (`impl<T: TableType> Field for T`, `impl<T: EnumType> Field for
//! T`, ...) would overlap, since one type could implement both traits;
//! `FieldKind<T> for TableKind` and `FieldKind<T> for EnumKind` cannot.
//! The kind's bound is on [`HasKind::Kind`], so it is checked where a type
//! names its kind, and a type that names none fails on `HasKind` alone.
//!
//! `HasKind` is a safe trait: naming a kind promises nothing, since a kind
//! implements `FieldKind<T>` only for the `T`s that implement its trait
//! (`TableKind` for `TableType`s, which are `unsafe` to implement).
//! `FieldKind` and `ElementKind` are `unsafe`, with the contracts of `Field`
//! and `VectorElement`.

use core::fmt;

use flatbuffers::VOffsetT;

use super::field::Field;
use super::table::{is_present, ViewTable};
use crate::encode::{Builder, Offset};
use crate::schema::Schema;
use crate::verify::{Checked, Checker, FieldAt};
use crate::view::VectorElement;

/// Names which of flatstream's implementations of [`Field`] (and
/// [`VectorElement`]) a type takes: [`TableKind`], [`EnumKind`],
/// [`FixedKind`] or [`UnionKind`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a field type flatstream can store",
    label = "unsupported field type",
    note = "derive `StreamSerialize` on `{Self}`, or use a supported type: bool, u8..u64, i8..i64, f32, f64, String, Vec<u8>, Vec<T>, Box<T>, Option<T>, derived structs and unit enums"
)]
pub trait HasKind: Schema + Sized {
    /// The kind.
    type Kind: FieldKind<Self>;
}

/// The kind of derived structs, [`TableType`](super::table::TableType)s.
#[derive(Debug)]
pub enum TableKind {}

/// The kind of derived unit enums, [`EnumType`](super::enums::EnumType)s.
#[derive(Debug)]
pub enum EnumKind {}

/// The kind of fixed structs, [`FixedType`](super::fixed::FixedType)s.
#[derive(Debug)]
pub enum FixedKind {}

/// The kind of derived unions, [`UnionType`](super::union::UnionType)s.
#[derive(Debug)]
pub enum UnionKind {}

/// The kind of `Box<T>`: a field of `T`, boxed.
#[derive(Debug)]
pub enum BoxKind {}

/// [`Field`] for the `T`s of a kind (`Self`, the kind's marker): each item
/// is the `Field` item of `T` of the same name.
///
/// # Safety
///
/// As [`Field`]'s, for every `T` it is implemented for.
pub unsafe trait FieldKind<T> {
    /// [`Field::Prepared`].
    type Prepared: Copy;
    /// [`Field::View`].
    type View<'a>: Copy;
    /// [`Field::Shallow`].
    type Shallow<'a>: Copy;
    /// [`Field::Default`].
    type Default: Copy;
    /// [`Field::DEFAULT`].
    const DEFAULT: Self::Default;
    /// [`Field::WIDTH`].
    const WIDTH: usize;
    /// [`Field::REQUIRED`].
    const REQUIRED: bool = false;
    /// [`Field::SLOTS`].
    const SLOTS: u16 = 1;

    /// [`Field::prepare`].
    fn prepare<B: Builder>(value: &T, builder: &mut B) -> Self::Prepared;

    /// [`Field::push`].
    fn push<B: Builder>(
        builder: &mut B,
        slot: VOffsetT,
        value: Self::Prepared,
        default: Self::Default,
    );

    /// [`Field::push_always`].
    fn push_always<B: Builder>(builder: &mut B, slot: VOffsetT, value: Self::Prepared);

    /// [`Field::get`].
    ///
    /// # Safety
    ///
    /// As [`Field::get`].
    unsafe fn get<'a>(
        table: &ViewTable<'a>,
        slot: VOffsetT,
        default: Self::Default,
    ) -> Self::View<'a>;

    /// [`Field::get_shallow`].
    ///
    /// # Safety
    ///
    /// As [`Field::get_shallow`].
    unsafe fn get_shallow<'a>(
        table: &ViewTable<'a>,
        slot: VOffsetT,
        default: Self::Default,
    ) -> Self::Shallow<'a>;

    /// [`Field::present`].
    ///
    /// # Safety
    ///
    /// As [`Field::get`].
    #[inline]
    unsafe fn present(table: &ViewTable<'_>, slot: VOffsetT) -> bool {
        is_present(table, slot)
    }

    /// [`Field::check`].
    fn check(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked;

    /// [`Field::decode_present`].
    fn decode_present(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked<Option<T>>;

    /// [`Field::absent`].
    fn absent(default: Self::Default) -> T;

    /// [`Field::to_owned`].
    fn to_owned(view: Self::View<'_>) -> T;

    /// [`Field::view_eq`].
    fn view_eq(view: Self::View<'_>, owned: &T) -> bool;

    /// [`Field::fmt_view`].
    fn fmt_view(view: Self::View<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result;

    /// [`Field::fmt_shallow`].
    fn fmt_shallow(view: Self::Shallow<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

// SAFETY: every item is the one of `FieldKind<T>` for `T`'s kind, whose
// implementations carry `Field`'s contract.
unsafe impl<T: HasKind> Field for T {
    type Prepared = <T::Kind as FieldKind<T>>::Prepared;
    type View<'a> = <T::Kind as FieldKind<T>>::View<'a>;
    type Shallow<'a> = <T::Kind as FieldKind<T>>::Shallow<'a>;
    type Default = <T::Kind as FieldKind<T>>::Default;
    const DEFAULT: Self::Default = <T::Kind as FieldKind<T>>::DEFAULT;
    const WIDTH: usize = <T::Kind as FieldKind<T>>::WIDTH;
    const REQUIRED: bool = <T::Kind as FieldKind<T>>::REQUIRED;
    const SLOTS: u16 = <T::Kind as FieldKind<T>>::SLOTS;

    #[inline]
    fn prepare<B: Builder>(&self, builder: &mut B) -> Self::Prepared {
        <T::Kind as FieldKind<T>>::prepare(self, builder)
    }

    #[inline]
    fn push<B: Builder>(
        builder: &mut B,
        slot: VOffsetT,
        value: Self::Prepared,
        default: Self::Default,
    ) {
        <T::Kind as FieldKind<T>>::push(builder, slot, value, default);
    }

    #[inline]
    fn push_always<B: Builder>(builder: &mut B, slot: VOffsetT, value: Self::Prepared) {
        <T::Kind as FieldKind<T>>::push_always(builder, slot, value);
    }

    #[inline]
    unsafe fn get<'a>(
        table: &ViewTable<'a>,
        slot: VOffsetT,
        default: Self::Default,
    ) -> Self::View<'a> {
        // SAFETY: forwarded to the caller.
        unsafe { <T::Kind as FieldKind<T>>::get(table, slot, default) }
    }

    #[inline]
    unsafe fn get_shallow<'a>(
        table: &ViewTable<'a>,
        slot: VOffsetT,
        default: Self::Default,
    ) -> Self::Shallow<'a> {
        // SAFETY: forwarded to the caller.
        unsafe { <T::Kind as FieldKind<T>>::get_shallow(table, slot, default) }
    }

    #[inline]
    unsafe fn present(table: &ViewTable<'_>, slot: VOffsetT) -> bool {
        // SAFETY: forwarded to the caller.
        unsafe { <T::Kind as FieldKind<T>>::present(table, slot) }
    }

    #[inline(always)]
    fn check(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked {
        <T::Kind as FieldKind<T>>::check(checker, field)
    }

    #[inline(always)]
    fn decode_present(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked<Option<Self>> {
        <T::Kind as FieldKind<T>>::decode_present(checker, field)
    }

    #[inline(always)]
    fn absent(default: Self::Default) -> Self {
        <T::Kind as FieldKind<T>>::absent(default)
    }

    #[inline]
    fn to_owned(view: Self::View<'_>) -> Self {
        <T::Kind as FieldKind<T>>::to_owned(view)
    }

    #[inline]
    fn view_eq(view: Self::View<'_>, owned: &Self) -> bool {
        <T::Kind as FieldKind<T>>::view_eq(view, owned)
    }

    fn fmt_view(view: Self::View<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        <T::Kind as FieldKind<T>>::fmt_view(view, f)
    }

    fn fmt_shallow(view: Self::Shallow<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        <T::Kind as FieldKind<T>>::fmt_shallow(view, f)
    }
}

/// [`VectorElement`] for the `T`s of a kind (`Self`, the kind's marker):
/// each item is the `VectorElement` item of `T` of the same name. Unions
/// are not vector elements: `UnionKind` does not implement it.
///
/// # Safety
///
/// As [`VectorElement`]'s, for every `T` it is implemented for.
#[diagnostic::on_unimplemented(
    message = "`{T}` cannot be an element of a vector",
    label = "not a vector element",
    note = "a `Vec` holds scalars, bool, String, derived structs, unit enums or fixed structs; not unions or containers"
)]
pub unsafe trait ElementKind<T> {
    /// [`VectorElement::View`].
    type View<'a>: Copy;
    /// [`VectorElement::ShallowVector`], `V` being `T` (which the kind's
    /// impl cannot name as a `VectorElement`).
    type ShallowVector<'a, V: VectorElement>: Copy + fmt::Debug;
    /// [`VectorElement::WIDTH`].
    const WIDTH: usize;

    /// [`VectorElement::read_element`].
    ///
    /// # Safety
    ///
    /// As [`VectorElement::read_element`].
    unsafe fn read_element(buf: &[u8], loc: usize) -> Self::View<'_>;

    /// [`VectorElement::shallow_vector`].
    ///
    /// # Safety
    ///
    /// As [`VectorElement::shallow_vector`].
    /// `V` must be `T`.
    unsafe fn shallow_vector<V: VectorElement>(
        buf: &[u8],
        loc: usize,
    ) -> Self::ShallowVector<'_, V>;

    /// [`VectorElement::build_vector`].
    fn build_vector<B: Builder>(items: &[T], builder: &mut B) -> Offset;

    /// [`VectorElement::check_vector`].
    fn check_vector(checker: &mut Checker<'_>, pos: usize) -> Checked;

    /// [`VectorElement::element_to_owned`].
    fn element_to_owned(view: Self::View<'_>) -> T;

    /// [`VectorElement::decode_vector`].
    fn decode_vector(checker: &mut Checker<'_>, pos: usize) -> Checked<Vec<T>>;

    /// [`VectorElement::element_eq`].
    fn element_eq(view: Self::View<'_>, owned: &T) -> bool;

    /// [`VectorElement::fmt_element`].
    fn fmt_element(view: Self::View<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

// SAFETY: every item is the one of `ElementKind<T>` for `T`'s kind, whose
// implementations carry `VectorElement`'s contract.
unsafe impl<T: HasKind> VectorElement for T
where
    T::Kind: ElementKind<T>,
{
    type View<'a> = <T::Kind as ElementKind<T>>::View<'a>;
    type ShallowVector<'a> = <T::Kind as ElementKind<T>>::ShallowVector<'a, T>;
    const WIDTH: usize = <T::Kind as ElementKind<T>>::WIDTH;

    #[inline]
    unsafe fn read_element(buf: &[u8], loc: usize) -> Self::View<'_> {
        // SAFETY: forwarded to the caller.
        unsafe { <T::Kind as ElementKind<T>>::read_element(buf, loc) }
    }

    #[inline]
    unsafe fn shallow_vector(buf: &[u8], loc: usize) -> Self::ShallowVector<'_> {
        // SAFETY: forwarded to the caller.
        unsafe { <T::Kind as ElementKind<T>>::shallow_vector::<T>(buf, loc) }
    }

    #[inline]
    fn build_vector<B: Builder>(items: &[T], builder: &mut B) -> Offset {
        <T::Kind as ElementKind<T>>::build_vector(items, builder)
    }

    #[inline]
    fn check_vector(checker: &mut Checker<'_>, pos: usize) -> Checked {
        <T::Kind as ElementKind<T>>::check_vector(checker, pos)
    }

    #[inline]
    fn element_to_owned(view: Self::View<'_>) -> T {
        <T::Kind as ElementKind<T>>::element_to_owned(view)
    }

    #[inline]
    fn decode_vector(checker: &mut Checker<'_>, pos: usize) -> Checked<Vec<T>> {
        <T::Kind as ElementKind<T>>::decode_vector(checker, pos)
    }

    #[inline]
    fn element_eq(view: Self::View<'_>, owned: &T) -> bool {
        <T::Kind as ElementKind<T>>::element_eq(view, owned)
    }

    fn fmt_element(view: Self::View<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        <T::Kind as ElementKind<T>>::fmt_element(view, f)
    }
}
