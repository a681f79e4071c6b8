//! Reads without bounds checks: the only place flatstream reads a buffer
//! without checking that the bytes are there.
//!
//! Views are fast because every read they make was checked in bounds by the
//! verifier ([`Checker`](crate::verify::Checker)) when the buffer was
//! accepted, so reading it again need not check. The functions here are
//! `unsafe`, each with the condition its caller must meet; debug builds
//! assert it. Every caller reaches them only with a buffer that the checker
//! accepted as the type being read (or through an `unsafe` unchecked
//! constructor whose caller vouches for that), and reads only what the
//! checker checked for that type:
//!
//! | caller (file) | reads | checked by |
//! |---|---|---|
//! | `ViewTable::new` (`table.rs`) | the table's soffset, its vtable's length | `Checker::enter_table` |
//! | `ViewTable::scalar` (`table.rs`; the `get` of scalar and `bool` fields in `scalar.rs`, of enums in `enums.rs`, of a union's tag in `union.rs`) | the field's bytes | `Checker::scalar` / `discriminant` through the type's `check` |
//! | `offset_target` (`table.rs`; the `get` of `String` and `Vec<u8>` in `string.rs`, `Vec<T>` in `vector.rs`, tables in `table.rs`, unions in `union.rs`) | the field's offset | `Checker::offset` in `visit_offset` / `decode_offset` / `union_visit` |
//! | `root_unchecked` (`root.rs`), `union_root_unchecked` (`union.rs`), `string_root_unchecked` (`root.rs`) | the root offset | nothing: their callers vouch for the buffer |
//! | `str_at`, `vector_bytes_at` (`string.rs`: `String` and `Vec<u8>` fields, `String` elements; `root.rs`: `String` roots) | a length prefix and the bytes after it | `Checker::string` / `string_value`, `scalar_vector::<u8>` |
//! | `Vector::from_raw` (`view.rs`) | a vector's length prefix | `Checker::vector` in every `check_vector` |
//! | `read_element` of scalars (`scalar.rs`) and of `EnumKind` (`enums.rs`) | one element | `Checker::scalar_vector` over `len * WIDTH` bytes |
//! | `read_element` of `TableKind` (`table.rs`) and of `String` (`string.rs`) | one element's offset | `Checker::offset_vector` / `offset_vector_decode` |
//! | `read_element` of `FixedKind` (`fixed.rs`, `bytes_at`) | one fixed struct's `SIZE` bytes | `Checker::vector` over `len * SIZE` bytes |
//! | `root_shallow` (`root.rs`), `view_shallow_unchecked` and the `verify*` of `Lazy`, `LazyVector`, `LazyUnion` (`lazy.rs`) | through the `view_at`, `shallow_at`, `Vector::from_raw` and `uoffset_target` above | the checks of the table, vector or union they ran just before, from the root or from the offset that leads to it |
//!
//! A shallow view (`lazy.rs`) reads what a shallow checker
//! (`Checker::new_shallow`) checked: everything in its table but the
//! tables its fields lead to, which it hands out as `Lazy` handles that
//! read nothing until their own checks pass. The mode is in the view's
//! type (`VerifiedTable<'a, T, Shallow>`), so a shallowly checked table is
//! never read as a verified one.
//!
//! Which type a buffer was checked as is carried by the view's type
//! ([`VerifiedTable<'a, T>`](super::table::VerifiedTable)), whose
//! constructor is `unsafe`; the traits that say how a type is checked and
//! read (`Field`, `VectorElement`, `TableType`, `UnionType`, and the kinds'
//! `FieldKind` and `ElementKind`) are `unsafe trait`s, so an implementation
//! that checks less than it reads is its implementor's `unsafe`, never
//! safe code's. (`EnumType` and `FixedType` are safe: their kinds read an
//! enum as its sealed `Repr`, and a fixed struct through its `SIZE`
//! alone.)

use flatbuffers::EndianScalar;

/// Whether `len` bytes at `loc` are in `buf` (for the debug assertions).
#[inline(always)]
fn in_bounds(buf: &[u8], loc: usize, len: usize) -> bool {
    loc.checked_add(len).is_some_and(|end| end <= buf.len())
}

/// The little-endian `T` at `loc`.
///
/// # Safety
///
/// `buf[loc..loc + size_of::<T>()]` must be in bounds.
#[inline(always)]
pub(crate) unsafe fn read_at<T: EndianScalar>(buf: &[u8], loc: usize) -> T {
    debug_assert!(in_bounds(buf, loc, core::mem::size_of::<T::Scalar>()));
    // SAFETY: per the caller, the bytes are in bounds; `read_scalar` reads
    // them unaligned.
    unsafe { flatbuffers::read_scalar::<T>(buf.get_unchecked(loc..)) }
}

/// The position the offset at `loc` points to.
///
/// # Safety
///
/// `buf[loc..loc + 4]` must be in bounds.
#[inline(always)]
pub(crate) unsafe fn uoffset_target(buf: &[u8], loc: usize) -> usize {
    // SAFETY: per the caller.
    loc + unsafe { read_at::<u32>(buf, loc) } as usize
}

/// The `len` bytes at `loc`.
///
/// # Safety
///
/// `buf[loc..loc + len]` must be in bounds.
#[inline(always)]
pub(crate) unsafe fn bytes_at(buf: &[u8], loc: usize, len: usize) -> &[u8] {
    debug_assert!(in_bounds(buf, loc, len));
    // SAFETY: per the caller.
    unsafe { buf.get_unchecked(loc..loc + len) }
}

/// The bytes of the vector (a string's, without its NUL, or a `[u8]`'s)
/// whose length prefix is at `loc`.
///
/// # Safety
///
/// The four bytes at `loc` must be in bounds, and as many bytes after them
/// as they say.
#[inline(always)]
pub(crate) unsafe fn vector_bytes_at(buf: &[u8], loc: usize) -> &[u8] {
    // SAFETY: per the caller, a length prefix is at `loc`.
    let len = unsafe { read_at::<u32>(buf, loc) } as usize;
    // SAFETY: per the caller, the bytes follow it.
    unsafe { bytes_at(buf, loc + 4, len) }
}

/// The string whose length prefix is at `loc`.
///
/// # Safety
///
/// As [`vector_bytes_at`], and the bytes must be UTF-8.
#[inline(always)]
pub(crate) unsafe fn str_at(buf: &[u8], loc: usize) -> &str {
    // SAFETY: per the caller, the bytes are in bounds and UTF-8.
    unsafe { core::str::from_utf8_unchecked(vector_bytes_at(buf, loc)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_in_bounds_read_little_endian() {
        let buf = [8, 0, 0, 0, 3, 0, 0, 0, b'a', b'b', b'c', 0];
        // SAFETY: every read below is inside the 12 bytes.
        unsafe {
            assert_eq!(read_at::<u32>(&buf, 0), 8);
            assert_eq!(uoffset_target(&buf, 0), 8);
            assert_eq!(read_at::<u16>(&buf, 4), 3);
            assert_eq!(vector_bytes_at(&buf, 4), b"abc");
            assert_eq!(str_at(&buf, 4), "abc");
            assert_eq!(bytes_at(&buf, 8, 4), b"abc\0");
        }
    }
}
