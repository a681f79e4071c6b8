//! Strings and byte vectors: an offset in the table slot to a
//! length-prefixed run of bytes.

use core::fmt;

use flatbuffers::VOffsetT;

use super::field::{offset_pushes, Field};
use super::raw::{str_at, uoffset_target, vector_bytes_at};
use super::table::{offset_target, ViewTable};
use super::vector::build_offset_vector;
use crate::encode::{Builder, Offset};
use crate::verify::{Checked, Checker, FieldAt};
use crate::view::VectorElement;

/// `text` as a `String`: the short strings most messages hold are copied
/// as two overlapping words (or halves), without a call to `memcpy`.
#[inline(always)]
fn owned_string(text: &str) -> String {
    let len = text.len();
    if !(4..=16).contains(&len) {
        return String::from(text);
    }
    let mut bytes = Vec::<u8>::with_capacity(len);
    let (src, dst) = (text.as_ptr(), bytes.as_mut_ptr());
    // SAFETY: `text` holds `len` bytes and `bytes` room for `len`, in
    // separate allocations; with 4 <= len <= 16, each copy (the first and
    // the last `N` bytes, N = 8 from 8 bytes on, else 4) lies within both,
    // and together they write all `len` bytes before `set_len`.
    unsafe {
        if len >= 8 {
            copy_word::<8>(src, dst, 0);
            copy_word::<8>(src, dst, len - 8);
        } else {
            copy_word::<4>(src, dst, 0);
            copy_word::<4>(src, dst, len - 4);
        }
        bytes.set_len(len);
    }
    // SAFETY: the bytes of a `str`.
    unsafe { String::from_utf8_unchecked(bytes) }
}

/// Copies `N` bytes from `src + at` to `dst + at`.
///
/// # Safety
///
/// Both ranges must be valid for their access and not overlap.
#[inline(always)]
unsafe fn copy_word<const N: usize>(src: *const u8, dst: *mut u8, at: usize) {
    // SAFETY: per the caller; unaligned accesses need no alignment.
    unsafe {
        let word = src.add(at).cast::<[u8; N]>().read_unaligned();
        dst.add(at).cast::<[u8; N]>().write_unaligned(word);
    }
}

// SAFETY: `get` follows the field's offset and reads the string there,
// which `check` checked: the offset (`Checker::offset`), then the string's
// length, bytes, UTF-8 and terminator (`Checker::string`).
unsafe impl Field for String {
    type Prepared = Offset;
    type View<'a> = &'a str;
    type Default = ();
    const DEFAULT: () = ();
    const WIDTH: usize = 4;

    #[inline]
    fn prepare<B: Builder>(&self, builder: &mut B) -> Offset {
        builder.create_string(self)
    }

    offset_pushes!();

    #[inline]
    unsafe fn get<'a>(table: &ViewTable<'a>, slot: VOffsetT, _default: ()) -> &'a str {
        // SAFETY: per the caller, the slot holds a verified string offset.
        match unsafe { offset_target(table, slot) } {
            // SAFETY: the offset points to a verified string.
            Some(loc) => unsafe { str_at(table.buf(), loc) },
            None => "",
        }
    }

    #[inline(always)]
    fn check(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked {
        checker.visit_offset(
            field,
            #[inline(always)]
            |checker, at| checker.string(at),
        )
    }

    #[inline(always)]
    fn decode_present(
        checker: &mut Checker<'_>,
        field: FieldAt<'_, '_>,
    ) -> Checked<Option<String>> {
        checker.decode_offset(
            field,
            #[inline(always)]
            |checker, at| checker.string_value(at).map(owned_string),
        )
    }

    #[inline(always)]
    fn absent((): ()) -> String {
        String::new()
    }

    fn to_owned(view: &str) -> String {
        view.into()
    }

    fn view_eq(view: &str, owned: &String) -> bool {
        view == owned
    }

    super::field::shallow_is_view!();

    fn fmt_view(view: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(view, f)
    }
}

// SAFETY: `get` follows the field's offset and reads the bytes there,
// which `check` found in bounds (`Checker::scalar_vector::<u8>`).
unsafe impl Field for Vec<u8> {
    type Prepared = Offset;
    type View<'a> = &'a [u8];
    type Default = ();
    const DEFAULT: () = ();
    const WIDTH: usize = 4;

    #[inline]
    fn prepare<B: Builder>(&self, builder: &mut B) -> Offset {
        builder.create_byte_vector(self)
    }

    offset_pushes!();

    #[inline]
    unsafe fn get<'a>(table: &ViewTable<'a>, slot: VOffsetT, _default: ()) -> &'a [u8] {
        // SAFETY: per the caller, the slot holds a verified byte vector.
        match unsafe { offset_target(table, slot) } {
            // SAFETY: the offset points to a verified byte vector.
            Some(loc) => unsafe { vector_bytes_at(table.buf(), loc) },
            None => &[],
        }
    }

    #[inline(always)]
    fn check(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked {
        checker.visit_offset(
            field,
            #[inline(always)]
            |checker, at| checker.scalar_vector::<u8>(at).map(drop),
        )
    }

    #[inline(always)]
    fn decode_present(
        checker: &mut Checker<'_>,
        field: FieldAt<'_, '_>,
    ) -> Checked<Option<Vec<u8>>> {
        checker.decode_offset(
            field,
            #[inline(always)]
            |checker, at| {
                let (start, len) = checker.scalar_vector::<u8>(at)?;
                Ok(checker.slice(start, len).to_vec())
            },
        )
    }

    #[inline(always)]
    fn absent((): ()) -> Vec<u8> {
        Vec::new()
    }

    fn to_owned(view: &[u8]) -> Vec<u8> {
        view.to_vec()
    }

    fn view_eq(view: &[u8], owned: &Vec<u8>) -> bool {
        view == owned.as_slice()
    }

    super::field::shallow_is_view!();

    fn fmt_view(view: &[u8], f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(view, f)
    }
}

// SAFETY: `read_element` follows the offset at `4 + i * 4` to a string;
// `check_vector` checked each offset (`offset_vector`) and each string.
unsafe impl VectorElement for String {
    type View<'a> = &'a str;
    const WIDTH: usize = 4;

    super::field::shallow_vector_is_vector!(String);

    #[inline]
    unsafe fn read_element(buf: &[u8], loc: usize) -> &str {
        // SAFETY: the caller guarantees a verified string offset at `loc`.
        unsafe {
            let target = uoffset_target(buf, loc);
            str_at(buf, target)
        }
    }

    fn build_vector<B: Builder>(items: &[String], builder: &mut B) -> Offset {
        build_offset_vector(items, builder, |item, builder| builder.create_string(item))
    }

    #[inline]
    fn check_vector(checker: &mut Checker<'_>, pos: usize) -> Checked {
        checker.offset_vector(
            pos,
            #[inline(always)]
            |checker, at| checker.string_element(at).map(drop),
        )
    }

    #[inline]
    fn decode_vector(checker: &mut Checker<'_>, pos: usize) -> Checked<Vec<String>> {
        checker.offset_vector_decode(
            pos,
            #[inline(always)]
            |checker, at| checker.string_element(at).map(owned_string),
        )
    }

    fn element_to_owned(view: &str) -> String {
        view.to_owned()
    }

    fn element_eq(view: &str, owned: &String) -> bool {
        view == owned
    }

    fn fmt_element(view: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(view, f)
    }
}

/// The field types the `shared` attribute applies to: strings, written
/// once per message whatever the number of fields and elements holding
/// them ([`Builder::create_shared_string`]). Readers see ordinary strings.
#[diagnostic::on_unimplemented(
    message = "`shared` does not apply to a field of type `{Self}`",
    label = "not a string field",
    note = "`shared` applies to `String`, `Vec<String>` and `Option` of either"
)]
pub trait SharedField: Field {
    /// [`Field::prepare`], each string written through
    /// [`Builder::create_shared_string`].
    fn prepare_shared<B: Builder>(&self, builder: &mut B) -> Self::Prepared;
}

impl SharedField for String {
    #[inline]
    fn prepare_shared<B: Builder>(&self, builder: &mut B) -> Offset {
        builder.create_shared_string(self)
    }
}

impl SharedField for Vec<String> {
    #[inline]
    fn prepare_shared<B: Builder>(&self, builder: &mut B) -> Offset {
        build_offset_vector(self, builder, |item, builder| {
            builder.create_shared_string(item)
        })
    }
}

impl<T: SharedField> SharedField for Option<T> {
    #[inline]
    fn prepare_shared<B: Builder>(&self, builder: &mut B) -> Option<T::Prepared> {
        self.as_ref().map(|value| value.prepare_shared(builder))
    }
}
