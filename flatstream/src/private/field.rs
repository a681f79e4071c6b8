//! The [`Field`] trait, through which the generated code builds, reads,
//! checks, decodes and compares every field, and the `Debug` helpers of
//! views.

use core::fmt;

use flatbuffers::VOffsetT;

use super::table::{is_present, VerifiedTable, ViewTable};
use crate::encode::{Builder, Offset};
use crate::lazy::Shallow;
use crate::schema::{FieldSchema, Schema, SchemaBuilder, TypeRef};
use crate::verify::{Checked, Checker, FieldAt};

/// How values of a Rust type are stored in, read from and verified in a
/// table slot.
///
/// Implemented here for scalars, `bool`, `String`, `Vec<u8>`, `Vec<T>` and
/// `Option<T>`, and for every type that names a kind
/// ([`HasKind`](super::kind::HasKind): derived types, `Box<T>`) by one
/// blanket impl over the kind's [`FieldKind`](super::kind::FieldKind).
///
/// # Safety
///
/// Views read fields without bounds checks. An implementation must make
/// [`get`](Self::get) and [`present`](Self::present) read only bytes that
/// [`check`](Self::check) (and [`decode_present`](Self::decode_present),
/// which must accept exactly the same tables) found in bounds, aligned and
/// valid for this type, for every table `check` accepts; and `SLOTS` must
/// be the number of slots `check` and `get` use. `PLAIN_SCALAR` may be true
/// only for a type whose `check` is `Checker::scalar::<Self>` on the field
/// when present (nothing else), `Self` being `WIDTH` bytes aligned to at
/// most 8, and whose `decode_present` gives what `get` then `to_owned`
/// give.
///
/// [`get_shallow`](Self::get_shallow) must read only what `check` checked
/// when the checker is [shallow](Checker::is_shallow): every check but
/// those of nested tables (their offsets, and a vector's length and
/// range, are still checked) is the same in both modes, so a type that
/// holds no table reads its shallow view as its view.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a field type flatstream can store",
    label = "unsupported field type",
    note = "derive `StreamSerialize` on `{Self}`, or use a supported type: bool, u8..u64, i8..i64, f32, f64, String, Vec<u8>, Vec<T>, Box<T>, Option<T>, derived structs and unit enums"
)]
pub unsafe trait Field: Sized + Schema {
    /// What is left after the first build phase (children written): the
    /// value itself for scalars, an offset for everything else.
    type Prepared: Copy;
    /// What the view's accessor returns.
    type View<'a>: Copy;
    /// What the accessor of a shallow view returns: `View` for a type that
    /// holds no table, a [`Lazy`](crate::lazy::Lazy) (or a vector or
    /// option of them) for one that does.
    type Shallow<'a>: Copy;
    /// The type of the field's default: the value for scalars and enums,
    /// `()` for types without one.
    type Default: Copy;
    /// The default when the field carries no `default = ...` attribute.
    const DEFAULT: Self::Default;
    /// Bytes the field takes inline in the table (to order slots by size).
    const WIDTH: usize;
    /// Whether a verified table must contain the field.
    const REQUIRED: bool = false;
    /// How many slots the field takes: 2 for a union (type tag, then
    /// table), 1 for everything else.
    const SLOTS: u16 = 1;
    /// Whether the field is an inline scalar whose only checks are its
    /// bounds and alignment (see the trait's safety contract).
    const PLAIN_SCALAR: bool = false;
    /// The schema's entry for a field of this type, its type and whether
    /// it is required: the derive names and places it
    /// ([`FieldSchema::at`]) and sets the field's attributes, in a
    /// constant.
    const FIELD_SCHEMA: FieldSchema = FieldSchema {
        required: Self::REQUIRED,
        ..FieldSchema::new("", Self::schema_type, 4)
    };

    /// Writes what must precede the table (strings, vectors, sub-tables).
    fn prepare<B: Builder>(&self, builder: &mut B) -> Self::Prepared;

    /// Adds the prepared value to the table under construction, omitting
    /// it when it equals `default`.
    fn push<B: Builder>(
        builder: &mut B,
        slot: VOffsetT,
        value: Self::Prepared,
        default: Self::Default,
    );

    /// Adds the prepared value to the table under construction.
    fn push_always<B: Builder>(builder: &mut B, slot: VOffsetT, value: Self::Prepared);

    /// Reads the field of `table` at `slot`.
    ///
    /// # Safety
    ///
    /// `table` must be a verified table whose `slot` holds this type.
    unsafe fn get<'a>(
        table: &ViewTable<'a>,
        slot: VOffsetT,
        default: Self::Default,
    ) -> Self::View<'a>;

    /// Reads the field of a shallowly verified `table` at `slot`.
    ///
    /// # Safety
    ///
    /// `table` must be a table verified shallowly (or fully) whose `slot`
    /// holds this type.
    unsafe fn get_shallow<'a>(
        table: &ViewTable<'a>,
        slot: VOffsetT,
        default: Self::Default,
    ) -> Self::Shallow<'a>;

    /// Whether the field at `slot` holds a value.
    ///
    /// # Safety
    ///
    /// As [`get`](Self::get).
    #[inline]
    unsafe fn present(table: &ViewTable<'_>, slot: VOffsetT) -> bool {
        is_present(table, slot)
    }

    /// Checks the field at `slot` with the generated verifier.
    fn check(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked;

    /// Checks and decodes the field at `slot` in one pass, with exactly
    /// the checks of [`check`](Self::check): `None` when the field is
    /// absent (as [`present`](Self::present) sees it).
    fn decode_present(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked<Option<Self>>;

    /// The value of an absent field: what [`get`](Self::get) then
    /// [`to_owned`](Self::to_owned) give for it.
    fn absent(default: Self::Default) -> Self;

    /// [`decode_present`](Self::decode_present), an absent field decoded
    /// as [`absent`](Self::absent).
    #[inline(always)]
    fn decode(
        checker: &mut Checker<'_>,
        field: FieldAt<'_, '_>,
        default: Self::Default,
    ) -> Checked<Self> {
        match Self::decode_present(checker, field)? {
            Some(value) => Ok(value),
            None => Ok(Self::absent(default)),
        }
    }

    /// Decodes a view into an owned value.
    fn to_owned(view: Self::View<'_>) -> Self;

    /// Whether a view holds the same value as `owned`.
    fn view_eq(view: Self::View<'_>, owned: &Self) -> bool;

    /// Formats a view.
    fn fmt_view(view: Self::View<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result;

    /// Formats a shallow view.
    fn fmt_shallow(view: Self::Shallow<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result;

    /// The field's type in the schema.
    #[inline]
    fn schema_type(schema: &mut SchemaBuilder) -> TypeRef {
        <Self as Schema>::describe(schema)
    }

    // What follows is what the derive writes once per stored field: each
    // method is one field's share of a generated function, so that the
    // generated code is a line per field. All are `#[inline(always)]`: the
    // compiled code is the same as the calls they make, written out.

    /// [`push`](Self::push) with the type's own default: one field of a
    /// generated `build`.
    #[inline(always)]
    fn push_default<B: Builder>(builder: &mut B, slot: VOffsetT, value: Self::Prepared) {
        Self::push(builder, slot, value, Self::DEFAULT);
    }

    /// [`push_default`](Self::push_default) when `low < WIDTH <= high`:
    /// how `build` puts a field whose width only the type knows (a derived
    /// type) in its place among the fields ordered by width, largest first.
    /// The condition is a constant, folded away.
    #[inline(always)]
    fn push_if_width<B: Builder>(
        builder: &mut B,
        slot: VOffsetT,
        value: Self::Prepared,
        low: usize,
        high: usize,
    ) {
        if Self::WIDTH > low && Self::WIDTH <= high {
            Self::push_default(builder, slot, value);
        }
    }

    /// Checks `field`, which the table must hold when the type or the
    /// field says so, and names the field on a failure: one field of a
    /// generated `check_table`.
    #[inline(always)]
    fn check_in(checker: &mut Checker<'_>, field: FieldAt<'_, '_>, name: &'static str) -> Checked {
        let checked = Self::check(checker, field.required_if(Self::REQUIRED));
        checker.in_field(checked, name)
    }

    /// [`decode`](Self::decode) of `field`, with the checks of
    /// [`check_in`](Self::check_in) and `default` for an absent field: one
    /// field of a generated `decode_table`.
    #[inline(always)]
    fn decode_in_or(
        checker: &mut Checker<'_>,
        field: FieldAt<'_, '_>,
        default: Self::Default,
        name: &'static str,
    ) -> Checked<Self> {
        let decoded = Self::decode(checker, field.required_if(Self::REQUIRED), default);
        checker.in_field(decoded, name)
    }

    /// [`decode_in_or`](Self::decode_in_or) with the type's own default.
    #[inline(always)]
    fn decode_in(
        checker: &mut Checker<'_>,
        field: FieldAt<'_, '_>,
        name: &'static str,
    ) -> Checked<Self> {
        Self::decode_in_or(checker, field, Self::DEFAULT, name)
    }

    /// [`get`](Self::get) of a view's table with the type's own default:
    /// the body of a generated accessor.
    ///
    /// # Safety
    ///
    /// `T`'s checks must have checked `slot` as this type.
    #[inline(always)]
    unsafe fn read<'a, T: ?Sized>(table: &VerifiedTable<'a, T>, slot: VOffsetT) -> Self::View<'a> {
        // SAFETY: `table` is verified as a `T` (its contract), whose checks
        // checked `slot` as this type (the caller's).
        unsafe { Self::get(table.table(), slot, Self::DEFAULT) }
    }

    /// [`read`](Self::read) of a shallow view's table, through
    /// [`get_shallow`](Self::get_shallow).
    ///
    /// # Safety
    ///
    /// As [`read`](Self::read).
    #[inline(always)]
    unsafe fn read_shallow<'a, T: ?Sized>(
        table: &VerifiedTable<'a, T, Shallow>,
        slot: VOffsetT,
    ) -> Self::Shallow<'a> {
        // SAFETY: `table` is verified shallowly as a `T` (its contract),
        // whose checks checked `slot` as this type (the caller's).
        unsafe { Self::get_shallow(table.table(), slot, Self::DEFAULT) }
    }

    /// Adds the field `name`, `view`, to a view's `Debug`.
    fn debug_field(debug: &mut fmt::DebugStruct<'_, '_>, name: &str, view: Self::View<'_>) {
        debug.field(name, &FieldDebug::<Self>(view));
    }

    /// Adds the field `name`, `view`, to a shallow view's `Debug`.
    fn debug_shallow_field(
        debug: &mut fmt::DebugStruct<'_, '_>,
        name: &str,
        view: Self::Shallow<'_>,
    ) {
        debug.field(name, &ShallowDebug::<Self>(view));
    }
}

/// Formats a field view through [`Field::fmt_view`].
pub struct FieldDebug<'a, T: Field>(pub T::View<'a>);

impl<T: Field> fmt::Debug for FieldDebug<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        T::fmt_view(self.0, f)
    }
}

/// Formats a shallow field view through [`Field::fmt_shallow`].
pub struct ShallowDebug<'a, T: Field>(pub T::Shallow<'a>);

impl<T: Field> fmt::Debug for ShallowDebug<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        T::fmt_shallow(self.0, f)
    }
}

/// Formats through a closure.
pub struct DebugWith<F>(F);

/// A [`DebugWith`], with the closure's argument lifetime left general.
pub fn debug_with<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result>(fmt: F) -> DebugWith<F> {
    DebugWith(fmt)
}

impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> fmt::Debug for DebugWith<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)(f)
    }
}

/// Pushes an offset; offsets have no default.
#[inline]
pub(crate) fn push_offset<B: Builder>(builder: &mut B, slot: VOffsetT, value: Offset) {
    builder.push_slot_always::<Offset>(slot, value);
}

/// `push` and `push_always` of a field stored as an offset (a string, a
/// vector, a table), which has no default: both push the offset.
macro_rules! offset_pushes {
    () => {
        #[inline]
        fn push<B: Builder>(builder: &mut B, slot: VOffsetT, value: Offset, _default: ()) {
            crate::private::field::push_offset(builder, slot, value);
        }

        #[inline]
        fn push_always<B: Builder>(builder: &mut B, slot: VOffsetT, value: Offset) {
            crate::private::field::push_offset(builder, slot, value);
        }
    };
}
pub(crate) use offset_pushes;

/// The shallow items of a `Field` (or `FieldKind`) impl for a type that
/// holds no table, whose checks are the same in both modes: its shallow
/// view is its view.
macro_rules! shallow_is_view {
    () => {
        type Shallow<'a> = Self::View<'a>;

        #[inline(always)]
        unsafe fn get_shallow<'a>(
            table: &crate::private::table::ViewTable<'a>,
            slot: flatbuffers::VOffsetT,
            default: Self::Default,
        ) -> Self::View<'a> {
            // SAFETY: forwarded to the caller; the field's checks do not
            // depend on the mode.
            unsafe { Self::get(table, slot, default) }
        }

        fn fmt_shallow(
            view: Self::View<'_>,
            f: &mut core::fmt::Formatter<'_>,
        ) -> core::fmt::Result {
            Self::fmt_view(view, f)
        }
    };
}
pub(crate) use shallow_is_view;

/// The shallow items of a `VectorElement` impl for `$elem`, or (with
/// `kind`) of an `ElementKind` impl, for an element type that holds no
/// table: a shallow vector of it is its [`Vector`](crate::view::Vector),
/// whose checks do not depend on the mode.
macro_rules! shallow_vector_is_vector {
    (kind) => {
        type ShallowVector<'a, V: crate::view::VectorElement> = crate::view::Vector<'a, V>;

        #[inline(always)]
        unsafe fn shallow_vector<V: crate::view::VectorElement>(
            buf: &[u8],
            loc: usize,
        ) -> crate::view::Vector<'_, V> {
            // SAFETY: forwarded to the caller; the vector's checks do not
            // depend on the mode.
            unsafe { crate::view::Vector::from_raw(buf, loc) }
        }
    };
    ($elem:ty) => {
        type ShallowVector<'a> = crate::view::Vector<'a, $elem>;

        #[inline(always)]
        unsafe fn shallow_vector(buf: &[u8], loc: usize) -> crate::view::Vector<'_, $elem> {
            // SAFETY: forwarded to the caller; the vector's checks do not
            // depend on the mode.
            unsafe { crate::view::Vector::from_raw(buf, loc) }
        }
    };
}
pub(crate) use shallow_vector_is_vector;
