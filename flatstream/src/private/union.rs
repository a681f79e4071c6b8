//! Unions, enums whose variants each hold one derived table: a type tag
//! slot and a table slot.

use core::fmt;

use flatbuffers::VOffsetT;

use super::field::push_offset;
use super::kind::{FieldKind, UnionKind};
use super::raw::uoffset_target;
use super::root::check_identifier;
use super::table::{offset_target, ViewTable};
use crate::encode::{Builder, Offset, WriteRoot};
use crate::error::{Result, VerifyErrorKind};
use crate::lazy::LazyUnion;
use crate::verify::{Checked, Checker, FieldAt, Invalid};

/// A derived union: a type tag (`1..` in declaration order, 0 for none)
/// and a table.
///
/// # Safety
///
/// For every tag that [`knows`](Self::knows) accepts,
/// [`view_union`](Self::view_union) must read only what
/// [`check_union`](Self::check_union) checked for that tag, and
/// [`decode_union`](Self::decode_union) must accept what `check_union`
/// accepts. Views call `view_union` for known tags only.
pub unsafe trait UnionType: Sized + 'static {
    /// The derived view enum.
    type View<'a>: Copy + fmt::Debug;
    /// The union's name, for error messages.
    const NAME: &'static str;
    /// Whether a `#[flatstream(other)]` variant takes unknown and absent
    /// values.
    const HAS_OTHER: bool;

    /// Writes the variant's table; `None` for the `other` variant.
    fn build_union<B: Builder>(&self, builder: &mut B) -> Option<(u8, Offset)>;

    /// The view of the table at `loc` with type tag `tag`: the `other`
    /// variant for unknown tags when there is one, else the first
    /// variant's empty table (verification rules unknown tags out).
    ///
    /// # Safety
    ///
    /// `buf[loc..]` must hold a verified table of the variant `tag` names.
    unsafe fn view_union(tag: u8, buf: &[u8], loc: usize) -> Self::View<'_>;

    /// The view of an absent union.
    fn view_absent<'a>() -> Self::View<'a>;

    /// Whether the union knows `tag`.
    fn knows(tag: u8) -> bool;

    /// Checks the value of a union whose tag is `tag` (a tag
    /// [`knows`](Self::knows)): the offset at `pos` and the table it
    /// points to, as the variant `tag` names.
    fn check_union(tag: u8, checker: &mut Checker<'_>, pos: usize) -> Checked;

    /// Checks and decodes the table at `pos` as the variant `tag` names,
    /// a tag [`knows`](Self::knows).
    fn decode_union(tag: u8, checker: &mut Checker<'_>, pos: usize) -> Checked<Self>;

    /// Decodes a view into an owned value.
    fn from_view(view: Self::View<'_>) -> Self;

    /// Whether a view holds the same value as `owned`.
    fn view_eq(view: Self::View<'_>, owned: &Self) -> bool;
}

/// `Box::new`, for union variants holding `Box<Table>`.
#[inline]
pub fn boxed<T>(value: T) -> Box<T> {
    Box::new(value)
}

/// What a union field leaves after the first build phase.
#[derive(Clone, Copy)]
pub struct UnionPrepared(Option<(u8, Offset)>);

impl fmt::Debug for UnionPrepared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UnionPrepared")
            .field(&self.0.map(|(tag, offset)| (tag, offset.value())))
            .finish()
    }
}

/// `Field::prepare` for unions.
#[inline]
fn union_prepare<U: UnionType, B: Builder>(value: &U, builder: &mut B) -> UnionPrepared {
    UnionPrepared(value.build_union(builder))
}

/// `Field::push` for unions: the tag at `slot`, the table at the next.
#[inline]
fn union_push<B: Builder>(builder: &mut B, slot: VOffsetT, value: UnionPrepared) {
    if let Some((tag, offset)) = value.0 {
        builder.push_slot_always::<u8>(slot, tag);
        push_offset(builder, slot + 2, offset);
    }
}

/// `Field::present` for unions: a tag other than 0 is stored.
///
/// # Safety
///
/// As `Field::get`.
#[inline]
unsafe fn union_present(table: &ViewTable<'_>, slot: VOffsetT) -> bool {
    // SAFETY: per the caller, the slot holds a verified `u8` tag.
    unsafe { table.scalar::<u8>(slot) }.unwrap_or(0) != 0
}

/// `Field::get` for unions. The value slot is read only for a tag the
/// union knows: for tag 0 and unknown tags (which verification lets
/// through to the `other` variant) it was never checked.
///
/// # Safety
///
/// As `Field::get`.
#[inline]
unsafe fn union_get<'a, U: UnionType>(table: &ViewTable<'a>, slot: VOffsetT) -> U::View<'a> {
    // SAFETY: per the caller, the slot, when present, holds a verified
    // `u8` tag.
    let tag = unsafe { table.scalar::<u8>(slot) }.unwrap_or(0);
    if tag == 0 || !U::knows(tag) {
        return U::view_absent();
    }
    // SAFETY: `union_visit` checked the value's offset for a known tag.
    match unsafe { offset_target(table, slot + 2) } {
        // SAFETY: `union_visit` checked the table as `tag`'s variant.
        Some(loc) => unsafe { U::view_union(tag, table.buf(), loc) },
        None => U::view_absent(),
    }
}

/// `Field::get_shallow` for unions: the tag, and for a tag the union knows
/// where the offset to its table is, for [`LazyUnion`] to check when
/// asked.
///
/// # Safety
///
/// As `Field::get_shallow`.
#[inline]
unsafe fn union_get_shallow<'a, U: UnionType>(
    table: &ViewTable<'a>,
    slot: VOffsetT,
) -> LazyUnion<'a, U> {
    // SAFETY: per the caller, the slot, when present, holds a checked `u8`
    // tag.
    let tag = unsafe { table.scalar::<u8>(slot) }.unwrap_or(0);
    if tag == 0 || !U::knows(tag) {
        return LazyUnion::absent();
    }
    match table.field_pos(slot + 2) {
        Some(pos) => LazyUnion::new(table.buf(), tag, pos),
        None => LazyUnion::absent(),
    }
}

/// The rules of a union field, shared by checking and decoding: the tag
/// and the table are both there or both absent, the tag is known (or the
/// union has `other`, whose value `other` gives), and the table passes
/// `variant` as the tag's variant. `None` when absent or tagged 0, as
/// [`union_present`] sees it.
#[inline(always)]
fn union_visit<U: UnionType, T>(
    checker: &mut Checker<'_>,
    field: FieldAt<'_, '_>,
    other: impl FnOnce() -> T,
    variant: impl FnOnce(u8, &mut Checker<'_>, usize) -> Checked<T>,
) -> Checked<Option<T>> {
    let required = field.required() && !U::HAS_OTHER;
    let value = checker.field(field.table(), field.slot() + 2);
    let tag = checker.field(field.table(), field.slot());
    let table_pos = Checker::table_pos(field.table());
    match (tag, value) {
        (None, None) if required => {
            Err(checker.fail(VerifyErrorKind::MissingRequiredField, table_pos))
        }
        (None, None) => Ok(None),
        (Some(tag_pos), Some(value)) => match checker.read_u8("union type tag", tag_pos)? {
            0 if required => Err(checker.fail(VerifyErrorKind::MissingRequiredField, table_pos)),
            0 => Ok(None),
            tag if !U::knows(tag) => {
                if U::HAS_OTHER {
                    Ok(Some(other()))
                } else {
                    Err(union_unknown_tag::<U>(checker, tag, tag_pos))
                }
            }
            tag => variant(tag, checker, value).map(Some),
        },
        (tag, _) => Err(checker.fail(
            VerifyErrorKind::InconsistentUnion {
                union_name: U::NAME,
                has_tag: tag.is_some(),
            },
            table_pos,
        )),
    }
}

/// `Field::check` for unions.
#[inline]
fn union_check<U: UnionType>(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked {
    union_visit::<U, ()>(
        checker,
        field,
        || (),
        |tag, checker, pos| {
            if checker.is_shallow() {
                // The variant's table is left to `LazyUnion`.
                return checker.offset(pos).map(drop);
            }
            U::check_union(tag, checker, pos)
        },
    )
    .map(drop)
}

/// `Field::decode_present` for unions.
#[inline]
fn union_decode_present<U: UnionType>(
    checker: &mut Checker<'_>,
    field: FieldAt<'_, '_>,
) -> Checked<Option<U>> {
    union_visit::<U, U>(checker, field, union_absent::<U>, U::decode_union)
}

/// `Field::absent` for unions: what the view of an absent union decodes
/// to (the `other` variant when there is one).
#[inline]
fn union_absent<U: UnionType>() -> U {
    U::from_view(U::view_absent())
}

// SAFETY: `get` (`union_get`) reads the tag, then the value only for a tag
// the union knows; `check` (`union_check`) checked the tag, and the value
// as the tag's variant (`UnionType::check_union`, tied to `view_union` by
// `UnionType`'s contract); `decode_present` makes the same checks. A
// shallow checker checks the tag and the value's offset, and
// `get_shallow` reads the tag alone.
unsafe impl<U: UnionType> FieldKind<U> for UnionKind {
    type Prepared = UnionPrepared;
    type View<'a> = U::View<'a>;
    type Shallow<'a> = LazyUnion<'a, U>;
    type Default = ();
    const DEFAULT: () = ();
    const WIDTH: usize = 4;
    const REQUIRED: bool = !U::HAS_OTHER;
    const SLOTS: u16 = 2;

    #[inline]
    fn prepare<B: Builder>(value: &U, builder: &mut B) -> UnionPrepared {
        union_prepare(value, builder)
    }

    #[inline]
    fn push<B: Builder>(builder: &mut B, slot: VOffsetT, value: UnionPrepared, _default: ()) {
        union_push(builder, slot, value);
    }

    #[inline]
    fn push_always<B: Builder>(builder: &mut B, slot: VOffsetT, value: UnionPrepared) {
        union_push(builder, slot, value);
    }

    #[inline]
    unsafe fn get<'a>(table: &ViewTable<'a>, slot: VOffsetT, _default: ()) -> U::View<'a> {
        // SAFETY: forwarded to the caller.
        unsafe { union_get::<U>(table, slot) }
    }

    #[inline]
    unsafe fn get_shallow<'a>(
        table: &ViewTable<'a>,
        slot: VOffsetT,
        _default: (),
    ) -> LazyUnion<'a, U> {
        // SAFETY: forwarded to the caller.
        unsafe { union_get_shallow::<U>(table, slot) }
    }

    #[inline]
    unsafe fn present(table: &ViewTable<'_>, slot: VOffsetT) -> bool {
        // SAFETY: forwarded to the caller.
        unsafe { union_present(table, slot) }
    }

    #[inline(always)]
    fn check(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked {
        union_check::<U>(checker, field)
    }

    #[inline(always)]
    fn decode_present(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked<Option<U>> {
        union_decode_present::<U>(checker, field)
    }

    #[inline]
    fn absent((): ()) -> U {
        union_absent::<U>()
    }

    #[inline]
    fn to_owned(view: U::View<'_>) -> U {
        U::from_view(view)
    }

    #[inline]
    fn view_eq(view: U::View<'_>, owned: &U) -> bool {
        U::view_eq(view, owned)
    }

    fn fmt_view(view: U::View<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&view, f)
    }

    fn fmt_shallow(view: LazyUnion<'_, U>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&view, f)
    }
}

/// The error for a union tag `tag`, at `pos`, that `U` does not know.
#[inline(always)]
pub fn union_unknown_tag<U: UnionType>(checker: &Checker<'_>, tag: u8, pos: usize) -> Invalid {
    let kind = VerifyErrorKind::UnknownUnionTag {
        union_name: U::NAME,
        tag,
    };
    checker.fail(kind, pos)
}

/// Checks (or decodes) with `table` the table the offset at `pos` points
/// to, the variant `variant`, for [`UnionType::check_union`] (with the
/// variant's [`check_table`](super::table::TableType::check_table)) and
/// [`UnionType::decode_union`] (with its
/// [`decode_table`](super::table::TableType::decode_table)).
#[inline]
pub fn union_variant<R>(
    checker: &mut Checker<'_>,
    pos: usize,
    variant: &'static str,
    table: impl FnOnce(&mut Checker<'_>, usize) -> Checked<R>,
) -> Checked<R> {
    let result = checker.offset(pos).and_then(|at| table(checker, at));
    checker.in_variant(result, variant)
}

/// The slot of the union in its root table.
const UNION_ROOT_SLOT: VOffsetT = 4;

/// A union written as a whole message: a root table holding it.
#[derive(Debug)]
pub struct UnionMessage<'a, U>(pub &'a U);

impl<U: UnionType> WriteRoot for UnionMessage<'_, U> {
    #[inline]
    fn write_root<B: Builder>(&self, builder: &mut B) -> Offset {
        let prepared = union_prepare(self.0, builder);
        let start = builder.start_table();
        union_push(builder, UNION_ROOT_SLOT, prepared);
        builder.end_table(start)
    }
}

/// Verifies a whole-message union and returns its view.
pub fn union_root<'a, U: UnionType>(
    payload: &'a [u8],
    options: &flatbuffers::VerifierOptions,
    identifier: Option<&'static str>,
) -> Result<U::View<'a>> {
    if let Some(identifier) = identifier {
        check_identifier(payload, identifier, U::NAME)?;
    }
    let mut checker = Checker::new(payload, options);
    let checked = checker.root(|checker, pos| {
        let table = checker.enter_table(pos)?;
        union_check::<U>(checker, table.at(UNION_ROOT_SLOT, true))?;
        checker.leave_table();
        Ok(())
    });
    match checked {
        Ok((pos, ())) => {
            // SAFETY: the table at `pos` was just verified.
            let table = unsafe { ViewTable::new(payload, pos) };
            // SAFETY: verified, union slot included.
            Ok(unsafe { union_get::<U>(&table, UNION_ROOT_SLOT) })
        }
        Err(_) => Err(checker.into_error(U::NAME).into()),
    }
}

/// The view of a whole-message union without verification.
///
/// # Safety
///
/// `payload` must be a valid message of `U`.
pub unsafe fn union_root_unchecked<U: UnionType>(payload: &[u8]) -> U::View<'_> {
    // SAFETY: per the caller, `payload` is valid: its root offset is there
    // and points to the root table.
    let table = unsafe { ViewTable::new(payload, uoffset_target(payload, 0)) };
    // SAFETY: per the caller, the union slot holds a valid union.
    unsafe { union_get::<U>(&table, UNION_ROOT_SLOT) }
}
