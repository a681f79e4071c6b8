//! Derived structs, stored as FlatBuffers tables: [`TableType`], the
//! `Field` and `VectorElement` of every `TableType` (through
//! [`TableKind`]), and the views' handles on a verified table
//! ([`ViewTable`], [`VerifiedTable`]).

use core::fmt;
use core::marker::PhantomData;

use flatbuffers::{EndianScalar, VOffsetT};

use super::field::offset_pushes;
use super::kind::{ElementKind, FieldKind, TableKind};
use super::raw::{read_at, uoffset_target};
use super::vector::build_offset_vector;
use crate::encode::{Builder, Offset, WriteRoot};
use crate::lazy::{Lazy, LazyVector, Verified};
use crate::verify::{Checked, Checker, FieldAt};
use crate::view::VectorElement;

/// A table inside a verified buffer, its vtable located once when the view
/// is made, so each accessor is one vtable lookup and one read.
#[derive(Clone, Copy)]
pub struct ViewTable<'a> {
    buf: &'a [u8],
    loc: usize,
    /// The vtable, its length prefix included.
    vtable: &'a [u8],
}

impl<'a> ViewTable<'a> {
    /// The table at `loc`.
    ///
    /// # Safety
    ///
    /// `buf[loc..]` must hold a verified table.
    #[inline(always)]
    pub unsafe fn new(buf: &'a [u8], loc: usize) -> Self {
        // SAFETY: per the caller, a table starts at `loc` with its soffset.
        let soffset = unsafe { read_at::<i32>(buf, loc) };
        let start = (loc as isize).wrapping_sub(soffset as isize) as usize;
        // SAFETY: verification checked the vtable's length prefix.
        let len = usize::from(unsafe { read_at::<u16>(buf, start) });
        // Verification checked the whole vtable is in the buffer (a wrapped
        // end would make an empty range, never a wrong one).
        let vtable = buf.get(start..start.wrapping_add(len)).unwrap_or(&[]);
        ViewTable { buf, loc, vtable }
    }

    /// The buffer the table is in.
    #[inline(always)]
    pub fn buf(&self) -> &'a [u8] {
        self.buf
    }

    /// Where the table starts.
    #[inline(always)]
    pub fn loc(&self) -> usize {
        self.loc
    }

    /// The vtable's entry for `slot`: the field's offset in the table, 0
    /// when absent.
    #[inline(always)]
    pub fn slot_offset(&self, slot: VOffsetT) -> u16 {
        let slot = usize::from(slot);
        match self.vtable.get(slot..slot + 2) {
            Some(&[low, high]) => u16::from_le_bytes([low, high]),
            _ => 0,
        }
    }

    /// Where the field at `slot` is, or `None` when absent.
    #[inline(always)]
    pub fn field_pos(&self, slot: VOffsetT) -> Option<usize> {
        match self.slot_offset(slot) {
            0 => None,
            offset => Some(self.loc + usize::from(offset)),
        }
    }

    /// The scalar field at `slot`, or `None` when absent.
    ///
    /// # Safety
    ///
    /// A present field at `slot` must hold a verified `T`.
    #[inline(always)]
    pub unsafe fn scalar<T: EndianScalar>(&self, slot: VOffsetT) -> Option<T> {
        // SAFETY: per the caller, the field's bytes are in bounds.
        self.field_pos(slot)
            .map(|pos| unsafe { read_at::<T>(self.buf, pos) })
    }
}

impl fmt::Debug for ViewTable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ViewTable")
            .field("loc", &self.loc)
            .field("vtable_len", &self.vtable.len())
            .finish_non_exhaustive()
    }
}

/// A table that was verified as a `T`, in the mode `M`
/// ([`Verified`](crate::lazy::Verified) or
/// [`Shallow`](crate::lazy::Shallow)): what a derived view holds.
///
/// Only `unsafe` code makes one ([`new`](Self::new)), and the type
/// parameters keep it a `T`'s, checked in mode `M`: a view of one type
/// cannot be re-targeted at a table verified as another, even by code in
/// the module that derives both, nor a shallowly checked table read as a
/// fully verified one.
pub struct VerifiedTable<'a, T: ?Sized, M = Verified> {
    table: ViewTable<'a>,
    _type: PhantomData<fn() -> T>,
    _mode: PhantomData<fn() -> M>,
}

impl<'a, T: ?Sized, M> VerifiedTable<'a, T, M> {
    /// The table at `loc`, verified as a `T` in the mode `M`.
    ///
    /// # Safety
    ///
    /// `buf[loc..]` must hold a table that `T`'s checks accepted (or that
    /// is otherwise known to be valid for `T`); with a shallow checker
    /// ([`Checker::new_shallow`]) when `M` is `Shallow`, with a full one
    /// when it is `Verified`.
    #[inline(always)]
    pub unsafe fn new(buf: &'a [u8], loc: usize) -> Self {
        VerifiedTable {
            // SAFETY: per the caller, a verified table is at `loc`.
            table: unsafe { ViewTable::new(buf, loc) },
            _type: PhantomData,
            _mode: PhantomData,
        }
    }

    /// The table, to read `T`'s fields from with
    /// [`Field::get`](super::field::Field::get).
    #[inline(always)]
    pub fn table(&self) -> &ViewTable<'a> {
        &self.table
    }
}

impl<T: ?Sized, M> Clone for VerifiedTable<'_, T, M> {
    #[inline(always)]
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized, M> Copy for VerifiedTable<'_, T, M> {}

impl<T: ?Sized, M> fmt::Debug for VerifiedTable<'_, T, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.table, f)
    }
}

/// The absolute position of what the offset field at `slot` points to, or
/// `None` when the field is absent.
///
/// # Safety
///
/// `table` must be a verified table whose `slot`, when present, holds an
/// offset.
#[inline(always)]
pub(crate) unsafe fn offset_target(table: &ViewTable<'_>, slot: VOffsetT) -> Option<usize> {
    // SAFETY: per the caller, the slot holds an in-bounds offset.
    table
        .field_pos(slot)
        .map(|pos| unsafe { uoffset_target(table.buf(), pos) })
}

/// Whether the field at `slot` is present in `table`.
#[inline]
pub fn is_present(table: &ViewTable<'_>, slot: VOffsetT) -> bool {
    table.slot_offset(slot) != 0
}

/// A derived struct, stored as a FlatBuffers table.
///
/// # Safety
///
/// [`view_at`](Self::view_at) must make a view that reads only what
/// [`check_table`](Self::check_table) checked for every table it accepts,
/// and [`decode_table`](Self::decode_table) must accept exactly the tables
/// `check_table` accepts. [`PLAIN_SCALARS`](Self::PLAIN_SCALARS) may be
/// true only when `check_table` enters the table and checks each of its
/// fields with the `check` of a [`Field`](super::field::Field) whose
/// `PLAIN_SCALAR` is true, nothing else, and `decode_table` returns what
/// `from_view` makes of `view_at` for every table `check_table` accepts.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a derived table",
    label = "not a derived struct",
    note = "each variant of a union holds one struct deriving `StreamSerialize` (a table, not a `fixed` struct)"
)]
pub unsafe trait TableType: Sized {
    /// The derived view.
    type View<'a>: Copy + fmt::Debug;

    /// The struct's name, which starts the path of a verification error.
    const NAME: &'static str;

    /// Whether every field is an inline scalar checked for its bounds and
    /// alignment alone, so that a table sharing the vtable of one accepted
    /// before, at the same position modulo 8, needs one range check (see
    /// [`Checker::plain_tables`]).
    const PLAIN_SCALARS: bool = false;

    /// The file identifier messages of this type carry, if any.
    const FILE_IDENTIFIER: Option<&'static str> = None;

    /// Writes `self` as a table (children first) and returns its offset.
    fn build<B: Builder>(&self, builder: &mut B) -> Offset;

    /// The view of the table at `loc`.
    ///
    /// # Safety
    ///
    /// `buf[loc..]` must hold a verified table of this type.
    unsafe fn view_at(buf: &[u8], loc: usize) -> Self::View<'_>;

    /// Checks the table at `pos` with the generated verifier.
    fn check_table(checker: &mut Checker<'_>, pos: usize) -> Checked;

    /// Checks and decodes the table at `pos` in one pass.
    fn decode_table(checker: &mut Checker<'_>, pos: usize) -> Checked<Self>;

    /// Decodes a view into an owned value.
    fn from_view(view: Self::View<'_>) -> Self;

    /// Whether a view holds the same value as `owned`.
    fn view_eq(view: Self::View<'_>, owned: &Self) -> bool;

    /// Writes `items` as a vector of tables. A table with a `key` field
    /// sorts them by it ([`keyed_build_vector`](super::key::keyed_build_vector)).
    #[inline]
    fn build_vector<B: Builder>(items: &[Self], builder: &mut B) -> Offset {
        build_offset_vector(items, builder, Self::build)
    }
}

/// A derived struct with a shallow view (`#[flatstream(shallow)]`): the
/// view's accessors in the shallow mode, which read nested tables as
/// [`Lazy`] handles.
///
/// # Safety
///
/// [`shallow_at`](Self::shallow_at) must make a view that reads only what
/// [`check_table`](TableType::check_table) checked with a shallow checker
/// ([`Checker::new_shallow`]).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no shallow view",
    label = "no shallow view",
    note = "add `#[flatstream(shallow)]` next to `#[derive(StreamSerialize)]` on `{Self}` to generate it"
)]
pub unsafe trait ShallowTable: TableType {
    /// The derived view in the shallow mode.
    type ShallowView<'a>: Copy + fmt::Debug;

    /// The shallow view of the table at `loc`.
    ///
    /// # Safety
    ///
    /// `buf[loc..]` must hold a table of this type that `check_table`
    /// accepted, with a shallow checker or a full one.
    unsafe fn shallow_at(buf: &[u8], loc: usize) -> Self::ShallowView<'_>;
}

/// A derived struct written as a whole message.
#[derive(Debug)]
pub struct TableMessage<'a, T>(pub &'a T);

impl<T: TableType> WriteRoot for TableMessage<'_, T> {
    #[inline]
    fn write_root<B: Builder>(&self, builder: &mut B) -> Offset {
        self.0.build(builder)
    }
}

/// A buffer whose root is a table with no fields: every accessor of a view
/// of it returns the field's default.
pub(crate) const EMPTY_TABLE: &[u8] = &[
    8, 0, 0, 0, // root offset: the table is at 8
    4, 0, 4, 0, // vtable at 4: 4 bytes long, table 4 bytes long, no fields
    4, 0, 0, 0, // table at 8: its vtable is 4 bytes before it
];

/// The view of a table without fields, which reads as all defaults.
#[inline]
pub fn table_empty_view<'a, T: TableType>() -> T::View<'a> {
    // SAFETY: `EMPTY_TABLE` holds a valid table at 8 with no fields, which
    // is a valid table of every type since no field is required to read.
    unsafe { T::view_at(EMPTY_TABLE, 8) }
}

// SAFETY: `get` reads the table the field's offset points to as a view of
// `T` (`T::view_at`); `check` checked the offset (`visit_offset`) and the
// table with `T::check_table`, which `TableType`'s contract ties to
// `view_at`; `decode_present` makes the same checks. A shallow checker
// checks the offset only, and `get_shallow` reads nothing but the vtable
// entry: the `Lazy` it returns checks the table when asked.
unsafe impl<T: TableType> FieldKind<T> for TableKind {
    type Prepared = Offset;
    type View<'a> = T::View<'a>;
    type Shallow<'a> = Lazy<'a, T>;
    type Default = ();
    const DEFAULT: () = ();
    const WIDTH: usize = 4;
    const REQUIRED: bool = true;

    #[inline]
    fn prepare<B: Builder>(value: &T, builder: &mut B) -> Offset {
        value.build(builder)
    }

    offset_pushes!();

    /// An absent table, which verification only lets through behind the
    /// unchecked path, reads as an empty table.
    #[inline]
    unsafe fn get<'a>(table: &ViewTable<'a>, slot: VOffsetT, _default: ()) -> T::View<'a> {
        // SAFETY: per the caller, the slot holds a verified table offset.
        match unsafe { offset_target(table, slot) } {
            // SAFETY: the offset points to a verified table of `T`.
            Some(loc) => unsafe { T::view_at(table.buf(), loc) },
            None => table_empty_view::<T>(),
        }
    }

    #[inline]
    unsafe fn get_shallow<'a>(table: &ViewTable<'a>, slot: VOffsetT, _default: ()) -> Lazy<'a, T> {
        match table.field_pos(slot) {
            Some(pos) => Lazy::new(table.buf(), pos),
            None => Lazy::absent(),
        }
    }

    #[inline(always)]
    fn check(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked {
        checker.visit_offset(
            field,
            #[inline(always)]
            |checker, at| {
                if checker.is_shallow() {
                    return Ok(());
                }
                T::check_table(checker, at)
            },
        )
    }

    #[inline(always)]
    fn decode_present(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked<Option<T>> {
        checker.decode_offset(
            field,
            #[inline(always)]
            |checker, at| T::decode_table(checker, at),
        )
    }

    /// Every field at its default.
    #[inline]
    fn absent((): ()) -> T {
        T::from_view(table_empty_view::<T>())
    }

    #[inline]
    fn to_owned(view: T::View<'_>) -> T {
        T::from_view(view)
    }

    #[inline]
    fn view_eq(view: T::View<'_>, owned: &T) -> bool {
        T::view_eq(view, owned)
    }

    fn fmt_view(view: T::View<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&view, f)
    }

    fn fmt_shallow(view: Lazy<'_, T>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&view, f)
    }
}

// SAFETY: `read_element` follows the offset at `4 + i * 4` to a table read
// as `T` (`T::view_at`); `check_vector` checked every offset
// (`offset_vector`) and every table with `T::check_table`. A shallow
// checker checks the vector's length and range only; `shallow_vector`
// reads nothing unchecked (its `LazyVector` reads the length with a
// bounds check, and each `Lazy` element checks its offset when asked).
unsafe impl<T: TableType> ElementKind<T> for TableKind {
    type View<'a> = T::View<'a>;
    type ShallowVector<'a, V: VectorElement> = LazyVector<'a, T>;
    const WIDTH: usize = 4;

    #[inline]
    unsafe fn shallow_vector<V: VectorElement>(buf: &[u8], loc: usize) -> LazyVector<'_, T> {
        LazyVector::new(buf, loc)
    }

    #[inline]
    unsafe fn read_element(buf: &[u8], loc: usize) -> T::View<'_> {
        // SAFETY: per the caller, `loc` holds an in-bounds offset.
        let target = unsafe { uoffset_target(buf, loc) };
        // SAFETY: the offset points to a verified table of `T`.
        unsafe { T::view_at(buf, target) }
    }

    fn build_vector<B: Builder>(items: &[T], builder: &mut B) -> Offset {
        T::build_vector(items, builder)
    }

    #[inline]
    fn check_vector(checker: &mut Checker<'_>, pos: usize) -> Checked {
        if checker.is_shallow() {
            return checker.vector(pos, 4, 4).map(drop);
        }
        if T::PLAIN_SCALARS {
            // A `Vec<()>` never allocates.
            return checker
                .plain_tables(pos, T::check_table, |_, _| ())
                .map(drop);
        }
        checker.offset_vector(pos, T::check_table)
    }

    fn element_to_owned(view: T::View<'_>) -> T {
        T::from_view(view)
    }

    #[inline]
    fn decode_vector(checker: &mut Checker<'_>, pos: usize) -> Checked<Vec<T>> {
        if T::PLAIN_SCALARS {
            return checker.plain_tables(pos, T::decode_table, |buf, at| {
                // SAFETY: `plain_tables` calls this only for a table that
                // `T::decode_table`'s checks (those of `check_table`)
                // accept, and for such a `T` `from_view` of its view is
                // what `decode_table` returns (`PLAIN_SCALARS`).
                T::from_view(unsafe { T::view_at(buf, at) })
            });
        }
        checker.offset_vector_decode(pos, T::decode_table)
    }

    fn element_eq(view: T::View<'_>, owned: &T) -> bool {
        T::view_eq(view, owned)
    }

    fn fmt_element(view: T::View<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&view, f)
    }
}
