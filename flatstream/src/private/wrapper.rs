//! `Option<T>` and `Box<T>`: a field of `T`, optional or boxed.

use core::fmt;

use flatbuffers::VOffsetT;

use super::field::{Field, FieldDebug, ShallowDebug};
use super::kind::{BoxKind, FieldKind, HasKind};
use super::table::ViewTable;
use crate::encode::Builder;
use crate::verify::{Checked, Checker, FieldAt};

// SAFETY: reads through `T::present` and `T::get` what `T::check` checked,
// in the same slots.
unsafe impl<T: Field> Field for Option<T> {
    type Prepared = Option<T::Prepared>;
    type View<'a> = Option<T::View<'a>>;
    type Shallow<'a> = Option<T::Shallow<'a>>;
    type Default = ();
    const DEFAULT: () = ();
    const WIDTH: usize = T::WIDTH;
    const SLOTS: u16 = T::SLOTS;

    #[inline]
    fn prepare<B: Builder>(&self, builder: &mut B) -> Option<T::Prepared> {
        self.as_ref().map(|value| value.prepare(builder))
    }

    #[inline]
    fn push<B: Builder>(builder: &mut B, slot: VOffsetT, value: Option<T::Prepared>, _default: ()) {
        Self::push_always(builder, slot, value);
    }

    #[inline]
    fn push_always<B: Builder>(builder: &mut B, slot: VOffsetT, value: Option<T::Prepared>) {
        // A present value is always written, even when it equals the
        // type's default: absence is what encodes `None`.
        if let Some(value) = value {
            T::push_always(builder, slot, value);
        }
    }

    #[inline]
    unsafe fn get<'a>(table: &ViewTable<'a>, slot: VOffsetT, _default: ()) -> Option<T::View<'a>> {
        // SAFETY: forwarded to the caller.
        if unsafe { T::present(table, slot) } {
            // SAFETY: per the caller, the present slot holds a verified `T`.
            Some(unsafe { T::get(table, slot, T::DEFAULT) })
        } else {
            None
        }
    }

    #[inline]
    unsafe fn get_shallow<'a>(
        table: &ViewTable<'a>,
        slot: VOffsetT,
        _default: (),
    ) -> Option<T::Shallow<'a>> {
        // SAFETY: forwarded to the caller.
        if unsafe { T::present(table, slot) } {
            // SAFETY: per the caller, the present slot holds a `T` checked
            // shallowly or not.
            Some(unsafe { T::get_shallow(table, slot, T::DEFAULT) })
        } else {
            None
        }
    }

    #[inline(always)]
    fn check(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked {
        T::check(checker, field.optional())
    }

    #[inline(always)]
    fn decode_present(
        checker: &mut Checker<'_>,
        field: FieldAt<'_, '_>,
    ) -> Checked<Option<Option<T>>> {
        T::decode_present(checker, field.optional()).map(Some)
    }

    #[inline(always)]
    fn absent((): ()) -> Option<T> {
        None
    }

    fn to_owned(view: Option<T::View<'_>>) -> Option<T> {
        view.map(T::to_owned)
    }

    fn view_eq(view: Option<T::View<'_>>, owned: &Option<T>) -> bool {
        match (view, owned) {
            (Some(view), Some(owned)) => T::view_eq(view, owned),
            (None, None) => true,
            _ => false,
        }
    }

    fn fmt_view(view: Option<T::View<'_>>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match view {
            Some(view) => f.debug_tuple("Some").field(&FieldDebug::<T>(view)).finish(),
            None => f.write_str("None"),
        }
    }

    fn fmt_shallow(view: Option<T::Shallow<'_>>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match view {
            Some(view) => f
                .debug_tuple("Some")
                .field(&ShallowDebug::<T>(view))
                .finish(),
            None => f.write_str("None"),
        }
    }
}

/// `Box<T>` takes its `Field` from `BoxKind`: a direct impl would
/// overlap the blanket one, as another crate may implement `HasKind` for a
/// `Box` of its own type.
impl<T: Field> HasKind for Box<T> {
    type Kind = BoxKind;
}

// SAFETY: forwards every check and read to `T`.
unsafe impl<T: Field> FieldKind<Box<T>> for BoxKind {
    type Prepared = T::Prepared;
    type View<'a> = T::View<'a>;
    type Shallow<'a> = T::Shallow<'a>;
    type Default = T::Default;
    const DEFAULT: T::Default = T::DEFAULT;
    const WIDTH: usize = T::WIDTH;
    const REQUIRED: bool = T::REQUIRED;
    const SLOTS: u16 = T::SLOTS;

    #[inline]
    fn prepare<B: Builder>(value: &Box<T>, builder: &mut B) -> T::Prepared {
        T::prepare(value, builder)
    }

    #[inline]
    fn push<B: Builder>(builder: &mut B, slot: VOffsetT, value: T::Prepared, default: T::Default) {
        T::push(builder, slot, value, default);
    }

    #[inline]
    fn push_always<B: Builder>(builder: &mut B, slot: VOffsetT, value: T::Prepared) {
        T::push_always(builder, slot, value);
    }

    #[inline]
    unsafe fn get<'a>(table: &ViewTable<'a>, slot: VOffsetT, default: T::Default) -> T::View<'a> {
        // SAFETY: forwarded to the caller.
        unsafe { T::get(table, slot, default) }
    }

    #[inline]
    unsafe fn get_shallow<'a>(
        table: &ViewTable<'a>,
        slot: VOffsetT,
        default: T::Default,
    ) -> T::Shallow<'a> {
        // SAFETY: forwarded to the caller.
        unsafe { T::get_shallow(table, slot, default) }
    }

    #[inline]
    unsafe fn present(table: &ViewTable<'_>, slot: VOffsetT) -> bool {
        // SAFETY: forwarded to the caller.
        unsafe { T::present(table, slot) }
    }

    #[inline(always)]
    fn check(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked {
        T::check(checker, field)
    }

    #[inline(always)]
    fn decode_present(
        checker: &mut Checker<'_>,
        field: FieldAt<'_, '_>,
    ) -> Checked<Option<Box<T>>> {
        T::decode_present(checker, field).map(|value| value.map(Box::new))
    }

    #[inline(always)]
    fn absent(default: T::Default) -> Box<T> {
        Box::new(T::absent(default))
    }

    fn to_owned(view: T::View<'_>) -> Box<T> {
        Box::new(T::to_owned(view))
    }

    fn view_eq(view: T::View<'_>, owned: &Box<T>) -> bool {
        T::view_eq(view, owned)
    }

    fn fmt_view(view: T::View<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        T::fmt_view(view, f)
    }

    fn fmt_shallow(view: T::Shallow<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        T::fmt_shallow(view, f)
    }
}
