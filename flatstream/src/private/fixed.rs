//! Fixed structs, FlatBuffers structs stored inline: [`FixedType`], its
//! implementations for scalars and arrays, and the `Field` and
//! `VectorElement` of every `FixedType` (through [`FixedKind`]).

use core::fmt;

use flatbuffers::{Push, VOffsetT};

use super::field::debug_with;
use super::kind::{ElementKind, FieldKind, FixedKind};
use super::raw::bytes_at;
use super::table::ViewTable;
use crate::encode::{Builder, Offset};
use crate::verify::{Checked, Checker, FieldAt};

/// A value with a fixed inline layout: a scalar, a derived unit enum or a
/// `#[flatstream(fixed)]` struct.
///
/// A safe trait: views read fixed structs through bounds-checked slices of
/// `SIZE` bytes, and vectors of them through `ElementKind<T>` for `FixedKind`'s
/// `read_element`, whose bounds come from the same `SIZE` that its
/// `check_vector` checked.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a field of a fixed struct",
    label = "not a fixed-layout type",
    note = "a `#[flatstream(fixed)]` struct holds only bool, u8..u64, i8..i64, f32, f64, derived unit enums and other fixed structs"
)]
pub trait FixedType: Copy + 'static {
    /// Bytes the value takes, padding included.
    const SIZE: usize;
    /// The value's alignment in the buffer.
    const ALIGN: usize;
    /// Whether verification must look inside (an enum without `other`).
    const CHECKED: bool;

    /// Writes the value into `out`, which is at least `SIZE` bytes long and
    /// zeroed.
    fn write_fixed(&self, out: &mut [u8]);

    /// Reads a value from `bytes`; fields past the end of `bytes` read as
    /// zero (which verification rules out).
    fn read_fixed(bytes: &[u8]) -> Self;

    /// Checks the value at `pos`, whose `SIZE` bytes are in the buffer
    /// (its enums, when it holds any without `other`).
    fn check_fixed(checker: &mut Checker<'_>, pos: usize) -> Checked;

    /// Whether two values are equal, field by field.
    fn fixed_eq(&self, other: &Self) -> bool;

    /// Formats the value.
    fn fmt_fixed(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

/// The offsets of a fixed struct's fields, its size and its alignment,
/// from each field's `(size, align)`: FlatBuffers' rules, each field at the
/// next multiple of its alignment, the size rounded up to the largest.
pub const fn fixed_layout<const N: usize>(
    fields: [(usize, usize); N],
) -> ([usize; N], usize, usize) {
    let mut offsets = [0; N];
    let mut end: usize = 0;
    let mut align: usize = 1;
    let mut i = 0;
    while i < N {
        let (size, field_align) = fields[i];
        let offset = end.div_ceil(field_align) * field_align;
        offsets[i] = offset;
        end = offset + size;
        if field_align > align {
            align = field_align;
        }
        i += 1;
    }
    (offsets, end.div_ceil(align) * align, align)
}

/// The bytes of a fixed struct from `offset` on (empty past the end).
#[inline]
pub fn fixed_slice(bytes: &[u8], offset: usize) -> &[u8] {
    bytes.get(offset..).unwrap_or(&[])
}

/// The bytes of a fixed struct under construction from `offset` on.
#[inline]
pub fn fixed_slice_mut(out: &mut [u8], offset: usize) -> &mut [u8] {
    match out.get_mut(offset..) {
        Some(rest) => rest,
        None => &mut [],
    }
}

macro_rules! fixed_scalars {
    ($($ty:ty),*) => {$(
        impl FixedType for $ty {
            const SIZE: usize = core::mem::size_of::<$ty>();
            const ALIGN: usize = core::mem::size_of::<$ty>();
            const CHECKED: bool = false;

            #[inline]
            fn write_fixed(&self, out: &mut [u8]) {
                if let Some(out) = out.get_mut(..Self::SIZE) {
                    out.copy_from_slice(&self.to_le_bytes());
                }
            }

            #[inline]
            fn read_fixed(bytes: &[u8]) -> $ty {
                match bytes.get(..Self::SIZE).and_then(|b| b.try_into().ok()) {
                    Some(array) => <$ty>::from_le_bytes(array),
                    None => Default::default(),
                }
            }

            #[inline(always)]
            fn check_fixed(_: &mut Checker<'_>, _: usize) -> Checked {
                Ok(())
            }

            #[inline]
            fn fixed_eq(&self, other: &$ty) -> bool {
                self == other
            }

            fn fmt_fixed(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self, f)
            }
        }
    )*};
}

fixed_scalars!(u8, i8, u16, i16, u32, i32, u64, i64, f32, f64);

impl FixedType for bool {
    const SIZE: usize = 1;
    const ALIGN: usize = 1;
    const CHECKED: bool = false;

    #[inline]
    fn write_fixed(&self, out: &mut [u8]) {
        if let Some(byte) = out.first_mut() {
            *byte = u8::from(*self);
        }
    }

    #[inline]
    fn read_fixed(bytes: &[u8]) -> bool {
        bytes.first().is_some_and(|byte| *byte != 0)
    }

    #[inline(always)]
    fn check_fixed(_: &mut Checker<'_>, _: usize) -> Checked {
        Ok(())
    }

    #[inline]
    fn fixed_eq(&self, other: &bool) -> bool {
        self == other
    }

    fn fmt_fixed(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// A FlatBuffers array, `[T:N]`: `N` values of `T` one after the other.
impl<T: FixedType, const N: usize> FixedType for [T; N] {
    const SIZE: usize = T::SIZE * N;
    const ALIGN: usize = T::ALIGN;
    const CHECKED: bool = T::CHECKED;

    #[inline]
    fn write_fixed(&self, out: &mut [u8]) {
        for (index, item) in self.iter().enumerate() {
            item.write_fixed(fixed_slice_mut(out, index * T::SIZE));
        }
    }

    #[inline]
    fn read_fixed(bytes: &[u8]) -> Self {
        core::array::from_fn(|index| T::read_fixed(fixed_slice(bytes, index * T::SIZE)))
    }

    #[inline]
    fn check_fixed(checker: &mut Checker<'_>, pos: usize) -> Checked {
        for index in 0..N {
            let checked = T::check_fixed(checker, pos + index * T::SIZE);
            checker.in_element(checked, index)?;
        }
        Ok(())
    }

    #[inline]
    fn fixed_eq(&self, other: &Self) -> bool {
        self.iter().zip(other).all(|(a, b)| a.fixed_eq(b))
    }

    fn fmt_fixed(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(
                self.iter()
                    .map(|item| debug_with(move |f| item.fmt_fixed(f))),
            )
            .finish()
    }
}

/// Pushes a fixed value with its size and alignment.
struct FixedPush<T>(T);

impl<T: FixedType> Push for FixedPush<T> {
    type Output = T;

    #[inline]
    unsafe fn push(&self, dst: &mut [u8], _written_len: usize) {
        if let Some(dst) = dst.get_mut(..T::SIZE) {
            // Padding must be zero for byte-identical output.
            dst.fill(0);
            self.0.write_fixed(dst);
        }
    }

    #[inline]
    fn size() -> usize {
        T::SIZE
    }

    #[inline]
    fn alignment() -> flatbuffers::PushAlignment {
        flatbuffers::PushAlignment::new(T::ALIGN)
    }
}

/// The bytes of the inline field at `slot`, if present and in `table`'s
/// buffer.
#[inline]
fn inline_bytes<'a>(table: &ViewTable<'a>, slot: VOffsetT, size: usize) -> Option<&'a [u8]> {
    let offset = table.slot_offset(slot);
    if offset == 0 {
        return None;
    }
    let start = table.loc().checked_add(usize::from(offset))?;
    table.buf().get(start..start.checked_add(size)?)
}

/// Reads a `T` from exactly its `SIZE` bytes, or zeros when there are not
/// (never, in a verified buffer). Reading only slices whose length is
/// known to be `SIZE` lets the compiler drop the bounds checks of every
/// field inside.
#[inline(always)]
fn read_fixed_exact<T: FixedType>(bytes: Option<&[u8]>) -> T {
    match bytes {
        Some(bytes) if bytes.len() == T::SIZE => T::read_fixed(bytes),
        _ => fixed_absent(),
    }
}

/// The checks of a fixed struct stored at `pos`: its bytes in the buffer,
/// and its enums known when it holds any.
#[inline(always)]
fn fixed_check_at<T: FixedType>(checker: &mut Checker<'_>, pos: usize) -> Checked {
    checker.range("fixed struct", pos, T::SIZE)?;
    if T::CHECKED {
        T::check_fixed(checker, pos)?;
    }
    Ok(())
}

/// A fixed struct read as zeros, as an absent one reads.
#[cold]
fn fixed_absent<T: FixedType>() -> T {
    T::read_fixed(&[])
}

/// Checks a vector of `T` whose length prefix is at `pos`.
#[inline]
fn fixed_check_vector<T: FixedType>(checker: &mut Checker<'_>, pos: usize) -> Checked {
    let (start, len) = checker.vector(pos, T::SIZE, 1)?;
    if T::CHECKED {
        for index in 0..len {
            let checked = T::check_fixed(checker, start + index * T::SIZE);
            checker.in_element(checked, index)?;
        }
    }
    Ok(())
}

// SAFETY: `get` reads the struct through a bounds-checked slice
// (`inline_bytes`); nothing is read unchecked.
unsafe impl<T: FixedType> FieldKind<T> for FixedKind {
    type Prepared = T;
    type View<'a> = T;
    type Default = ();
    const DEFAULT: () = ();
    const WIDTH: usize = T::SIZE;
    const REQUIRED: bool = true;

    #[inline]
    fn prepare<B: Builder>(value: &T, _builder: &mut B) -> T {
        *value
    }

    /// Always written.
    #[inline]
    fn push<B: Builder>(builder: &mut B, slot: VOffsetT, value: T, _default: ()) {
        builder.push_slot_always(slot, FixedPush(value));
    }

    #[inline]
    fn push_always<B: Builder>(builder: &mut B, slot: VOffsetT, value: T) {
        builder.push_slot_always(slot, FixedPush(value));
    }

    /// Reads through bounds-checked slices; an absent struct reads as
    /// zeros.
    #[inline]
    unsafe fn get<'a>(table: &ViewTable<'a>, slot: VOffsetT, _default: ()) -> T {
        read_fixed_exact(inline_bytes(table, slot, T::SIZE))
    }

    #[inline(always)]
    fn check(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked {
        checker.visit(
            field,
            #[inline(always)]
            |checker, pos| fixed_check_at::<T>(checker, pos),
        )
    }

    #[inline(always)]
    fn decode_present(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked<Option<T>> {
        checker.decode(
            field,
            #[inline(always)]
            |checker, pos| {
                fixed_check_at::<T>(checker, pos)?;
                Ok(read_fixed_exact(Some(checker.slice(pos, T::SIZE))))
            },
        )
    }

    /// Zeros, as `get` reads it.
    #[inline]
    fn absent((): ()) -> T {
        fixed_absent()
    }

    #[inline]
    fn to_owned(view: T) -> T {
        view
    }

    #[inline]
    fn view_eq(view: T, owned: &T) -> bool {
        view.fixed_eq(owned)
    }

    super::field::shallow_is_view!();

    fn fmt_view(view: T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        view.fmt_fixed(f)
    }
}

// SAFETY: `read_element` reads `SIZE` bytes at `4 + i * WIDTH`, `WIDTH`
// being `SIZE`, inside the `len * SIZE` bytes that `check_vector`
// (`Checker::vector`) checked.
unsafe impl<T: FixedType> ElementKind<T> for FixedKind {
    type View<'a> = T;
    const WIDTH: usize = T::SIZE;

    super::field::shallow_vector_is_vector!(kind);

    #[inline(always)]
    unsafe fn read_element(buf: &[u8], loc: usize) -> T {
        // SAFETY: per the caller, `buf[loc..loc + SIZE]` is a verified
        // element. Exactly `SIZE` bytes, so the reads of the fields inside
        // need no bounds checks of their own, and a loop over the elements
        // none at all.
        T::read_fixed(unsafe { bytes_at(buf, loc, T::SIZE) })
    }

    #[inline]
    fn build_vector<B: Builder>(items: &[T], builder: &mut B) -> Offset {
        builder.create_vector_from_iter(items.iter().map(|item| FixedPush(*item)))
    }

    #[inline]
    fn check_vector(checker: &mut Checker<'_>, pos: usize) -> Checked {
        fixed_check_vector::<T>(checker, pos)
    }

    #[inline]
    fn element_to_owned(view: T) -> T {
        view
    }

    #[inline]
    fn decode_vector(checker: &mut Checker<'_>, pos: usize) -> Checked<Vec<T>> {
        fixed_check_vector::<T>(checker, pos)?;
        let len = checker.reread_len_unchecked(pos);
        if T::SIZE == 0 {
            // Zero-sized elements (empty arrays) take no bytes to read.
            return Ok((0..len).map(|_| fixed_absent()).collect());
        }
        let elements = checker.slice(pos + 4, len * T::SIZE);
        Ok(elements
            .chunks_exact(T::SIZE)
            .map(|bytes| read_fixed_exact(Some(bytes)))
            .collect())
    }

    #[inline]
    fn element_eq(view: T, owned: &T) -> bool {
        view.fixed_eq(owned)
    }

    fn fmt_element(view: T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        view.fmt_fixed(f)
    }
}

/// Whether any flag is set (a `const` `||` over a list).
pub const fn any_of(flags: &[bool]) -> bool {
    let mut i = 0;
    while i < flags.len() {
        if flags[i] {
            return true;
        }
        i += 1;
    }
    false
}
