//! Strings and vectors: length prefixes, element ranges, UTF-8, and
//! vectors of tables, including the run of alike plain tables checked
//! once for all.

use crate::error::VerifyErrorKind;

use super::table::vtable_at;
use super::{Checked, Checker};

/// How one vector-like thing is named in errors: its length prefix, then
/// its elements.
type Names = (&'static str, &'static str);
const VECTOR: Names = ("vector length", "vector elements");
const STRING: Names = ("string length", "string bytes");

/// A table of plain scalars the checks accepted, for
/// [`Checker::plain_tables`]: where its vtable is (or where the last table
/// found to have a vtable like it has its own), its position modulo 8, how
/// far past its start its fields reach at most, and what checking it
/// charged.
#[derive(Debug, Clone, Copy)]
struct PlainTable {
    vtable: usize,
    residue: usize,
    reach: usize,
    charge: usize,
}

/// How many tables must follow one that [`Checker::plain_tables`] checks
/// in full for it to remember that table.
const PLAIN_AHEAD: usize = 4;

impl<'a> Checker<'a> {
    /// A vector whose length prefix is at `pos` and whose elements are
    /// `width` bytes aligned to `align`: returns where its elements start
    /// and how many there are.
    #[inline(always)]
    pub fn vector(&mut self, pos: usize, width: usize, align: usize) -> Checked<(usize, usize)> {
        self.vector_named(VECTOR, pos, width, align)
    }

    #[inline(always)]
    fn vector_named(
        &mut self,
        (len_name, elements_name): Names,
        pos: usize,
        width: usize,
        align: usize,
    ) -> Checked<(usize, usize)> {
        let len = self.read_u32(len_name, pos)? as usize;
        let start = pos.saturating_add(4);
        if start % align != 0 {
            return Err(self.unaligned(elements_name, start, align));
        }
        self.range(elements_name, start, len.saturating_mul(width))?;
        Ok((start, len))
    }

    /// A vector of `T` scalars at `pos`.
    #[inline(always)]
    pub fn scalar_vector<T>(&mut self, pos: usize) -> Checked<(usize, usize)> {
        self.vector(pos, size_of::<T>(), align_of::<T>())
    }

    /// A string whose length prefix is at `pos`: UTF-8, then (unless the
    /// options waive it) the NUL after it.
    #[inline(always)]
    pub fn string(&mut self, pos: usize) -> Checked {
        self.string_value(pos).map(drop)
    }

    /// [`string`](Self::string), returning the string. Inlined at each
    /// string field of each derived type, this decides only ASCII strings
    /// of up to 32 bytes itself and calls out for the rest
    /// ([`utf8_short_first`]); loops over strings take
    /// [`string_element`](Self::string_element).
    #[inline(always)]
    pub fn string_value(&mut self, pos: usize) -> Checked<&'a str> {
        self.string_checked::<false>(pos)
    }

    /// [`string_value`](Self::string_value) for the strings of a vector:
    /// the whole UTF-8 test inlined into the loop, which is compiled once
    /// for all messages.
    #[inline(always)]
    pub fn string_element(&mut self, pos: usize) -> Checked<&'a str> {
        self.string_checked::<true>(pos)
    }

    /// The checks of [`string_value`](Self::string_value), with the whole
    /// UTF-8 test inlined when `INLINE_ALL`.
    #[inline(always)]
    fn string_checked<const INLINE_ALL: bool>(&mut self, pos: usize) -> Checked<&'a str> {
        let (start, len) = self.vector_named(STRING, pos, 1, 1)?;
        self.within_limit(pos)?;
        let end = start + len;
        let utf8 = if INLINE_ALL {
            is_utf8(self.buf, start, end)
        } else {
            utf8_short_first(self.buf, start, end)
        };
        if !utf8 {
            return Err(self.fail(VerifyErrorKind::NotUtf8, pos));
        }
        if self.null_terminated && self.buf.get(end) != Some(&0) {
            return Err(self.fail(VerifyErrorKind::NotNulTerminated, pos));
        }
        match self.buf.get(start..end) {
            // SAFETY: `is_utf8` (or `utf8_short_first`, which accepts
            // only ASCII or what `is_utf8` accepts) accepted exactly these
            // bytes: ASCII, or what `core::str::from_utf8` accepts.
            Some(text) => Ok(unsafe { core::str::from_utf8_unchecked(text) }),
            None => Err(self.out_of_bounds(STRING.1, start, len)),
        }
    }

    /// Decodes a vector of offsets at `pos`, each element by `element` at
    /// the position its offset points to, with the checks of
    /// [`offset_vector`](Self::offset_vector).
    #[inline(always)]
    pub fn offset_vector_decode<T>(
        &mut self,
        pos: usize,
        mut element: impl FnMut(&mut Self, usize) -> Checked<T>,
    ) -> Checked<Vec<T>> {
        let (start, len) = self.vector(pos, 4, 4)?;
        // At most a quarter of the buffer's bytes, which are there.
        let mut items = Vec::with_capacity(len);
        for index in 0..len {
            let item = self
                .offset(start + index * 4)
                .and_then(|target| element(self, target));
            items.push(self.in_element(item, index)?);
        }
        Ok(items)
    }

    /// Decodes a vector of offsets to tables whose fields are all plain
    /// inline scalars ([`TableType::PLAIN_SCALARS`](crate::__private::TableType)),
    /// as [`offset_vector_decode`](Self::offset_vector_decode) does with
    /// `slow`, the table's checks (or decode), but taking a shortcut for
    /// the tables that follow one `slow` accepted: one whose offset points
    /// at the same position modulo 8, with the same vtable (the same one,
    /// or one of the same length and field entries, which is all the checks
    /// read of a vtable: builders write a new one where only the table's
    /// inline size, padding included, differs), has every field at the same
    /// place relative to it, so the same alignment, and is charged the same. One
    /// range check over its fields, the table count and the size limit
    /// then decide what `slow` would; `fast` makes the element of such a
    /// table. Whatever the shortcut does not accept goes through `slow`,
    /// so the outcome, the error and the charges are those of `slow`.
    ///
    /// `fast` is called only for a table at a position in `buf` that
    /// `slow` would accept, when `slow` checks a table of plain scalars
    /// and nothing else.
    #[inline(always)]
    pub fn plain_tables<T>(
        &mut self,
        pos: usize,
        mut slow: impl FnMut(&mut Self, usize) -> Checked<T>,
        mut fast: impl FnMut(&'a [u8], usize) -> T,
    ) -> Checked<Vec<T>> {
        let (start, len) = self.vector(pos, 4, 4)?;
        // At most a quarter of the buffer's bytes, which are there.
        let mut items = Vec::with_capacity(len);
        let mut memo: Option<PlainTable> = None;
        for index in 0..len {
            let item = self.offset(start + index * 4).and_then(|target| {
                if let Some(memo) = &mut memo {
                    if self.same_table(memo, target) {
                        return Ok(fast(self.buf, target));
                    }
                }
                let before = self.size;
                let item = slow(self, target)?;
                // Taking the table's measure costs about what checking a
                // few tables does: only worth it with more to come.
                if len - index > PLAIN_AHEAD {
                    memo = self.plain_table(target, before);
                }
                Ok(item)
            });
            items.push(self.in_element(item, index)?);
        }
        Ok(items)
    }

    /// What the shortcut of [`plain_tables`](Self::plain_tables) needs of
    /// the table at `pos`, which the checks just accepted, charging
    /// `self.size - before`; `None` when it is of no use.
    #[inline]
    fn plain_table(&self, pos: usize, before: usize) -> Option<PlainTable> {
        let soffset = i32::from_le_bytes(*self.buf.get(pos..)?.first_chunk::<4>()?);
        let vtable = vtable_at(pos, soffset)?;
        let len = usize::from(u16::from_le_bytes(
            *self.buf.get(vtable..)?.first_chunk::<2>()?,
        ));
        let entries = self
            .buf
            .get(vtable.checked_add(4)?..vtable.checked_add(len)?)?;
        // Every field present lies within `reach` of the table: its entry
        // plus the widest scalar (more than some fields need, which only
        // sends a table near the buffer's end through the checks).
        let reach = entries
            .chunks_exact(2)
            .map(|entry| usize::from(u16::from_le_bytes([entry[0], entry[1]])))
            .filter(|&entry| entry != 0)
            .map(|entry| entry + 8)
            .fold(4, usize::max);
        Some(PlainTable {
            vtable,
            residue: pos % 8,
            reach,
            charge: self.size.checked_sub(before)?,
        })
    }

    /// Whether the table at `pos` passes the checks that accepted the one
    /// `memo` describes, taking its charges and its place in the table
    /// count when it does (and remembering where its vtable is).
    #[inline(always)]
    fn same_table(&mut self, memo: &mut PlainTable, pos: usize) -> bool {
        if pos % 8 != memo.residue {
            return false;
        }
        // The soffset and every field, in the buffer.
        let Some(fields) = pos
            .checked_add(memo.reach)
            .and_then(|end| self.buf.get(pos..end))
        else {
            return false;
        };
        let Some(soffset) = fields.first_chunk::<4>() else {
            return false;
        };
        let soffset = i32::from_le_bytes(*soffset);
        let Some(vtable) = vtable_at(pos, soffset) else {
            return false;
        };
        if vtable != memo.vtable {
            if !self.same_vtable(memo, vtable) {
                return false;
            }
            memo.vtable = vtable;
        }
        if self.tables_left == 0 {
            return false;
        }
        // The depth is that of the table `memo` describes (both elements
        // of one vector), within the limit.
        let size = self.size.saturating_add(memo.charge);
        if size > self.max_size {
            return false;
        }
        self.size = size;
        self.tables_left -= 1;
        true
    }

    /// Whether the vtable at `other` passes the checks that accepted the
    /// one `memo` describes: aligned, in the buffer, with its length and
    /// field entries (it may differ in the table's inline size, which no
    /// check reads).
    #[inline(never)]
    fn same_vtable(&self, memo: &PlainTable, other: usize) -> bool {
        // The checks accepted the known vtable, so its length is there.
        let Some(known) = self.buf.get(memo.vtable..).and_then(|known| {
            let len = usize::from(u16::from_le_bytes(*known.first_chunk::<2>()?));
            known.get(..len)
        }) else {
            return false;
        };
        let len = known.len();
        let Some(bytes) = other
            .checked_add(len)
            .and_then(|end| self.buf.get(other..end))
        else {
            return false;
        };
        // A vtable is at least its two 16-bit lengths (the checks accepted
        // `known`).
        other % 2 == 0 && len >= 4 && known[..2] == bytes[..2] && known[4..] == bytes[4..]
    }

    /// A vector of offsets at `pos`, each element checked by `element`
    /// at the position its offset points to.
    #[inline(always)]
    pub fn offset_vector(
        &mut self,
        pos: usize,
        element: impl FnMut(&mut Self, usize) -> Checked,
    ) -> Checked {
        // A `Vec<()>` never allocates.
        self.offset_vector_decode(pos, element).map(drop)
    }

    /// The length prefix at `pos` of a vector already checked, without
    /// charging it again.
    #[inline(always)]
    pub fn reread_len_unchecked(&self, pos: usize) -> usize {
        match self.slice(pos, 4).try_into() {
            Ok(bytes) => u32::from_le_bytes(bytes) as usize,
            Err(_) => 0,
        }
    }

    /// Charges the re-read of a vector's length prefix at `pos`.
    #[inline(always)]
    pub fn reread_len(&mut self, pos: usize) -> Checked<usize> {
        self.read_u32(VECTOR.0, pos).map(|len| len as usize)
    }
}

/// The high bit of each byte of a word: clear in ASCII.
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Whether `buf[start..end]` is UTF-8, with ASCII (most strings in
/// messages) on a fast path: up to 32 bytes by [`short_high`], longer
/// strings sixteen bytes at a time, the last sixteen read whole,
/// overlapping bytes already seen, which changes nothing for an ASCII
/// test. Whatever is not seen to be ASCII goes to `core::str::from_utf8`.
#[inline(always)]
fn is_utf8(buf: &[u8], start: usize, end: usize) -> bool {
    let Some(text) = buf.get(start..end) else {
        return false;
    };
    let len = text.len();
    let high = if len > 32 {
        let mut at = 0;
        while at + 16 < len {
            if (le_word(&text[at..]) | le_word(&text[at + 8..])) & HIGH != 0 {
                return core::str::from_utf8(text).is_ok();
            }
            at += 16;
        }
        // The last sixteen bytes, overlapping some already seen.
        le_word(&text[len - 16..]) | le_word(&text[len - 8..])
    } else {
        short_high(buf, start, text)
    };
    high & HIGH == 0 || core::str::from_utf8(text).is_ok()
}

/// [`is_utf8`] with only [`short_high`] inlined, which decides ASCII
/// strings of up to 32 bytes (most strings in messages) without a loop.
/// Every other string goes to `is_utf8` out of line, so a derived type's
/// decoder carries a few instructions per string field rather than the
/// whole test, whose loop is most of what the optimizer spends on it.
#[inline(always)]
fn utf8_short_first(buf: &[u8], start: usize, end: usize) -> bool {
    match buf.get(start..end) {
        Some(text) if text.len() <= 32 && short_high(buf, start, text) & HIGH == 0 => true,
        _ => is_utf8_out_of_line(buf, start, end),
    }
}

/// The high bits of `text` (at `start` in `buf`, at most 32 bytes), or'd
/// over words read without a loop: four (the first and the last sixteen
/// bytes, overlapping), two (the first and the last eight), or, under
/// eight bytes, one word read past the end and masked or, near the end of
/// the buffer, the word that ends with the string, shifted. [`HIGH`] when
/// neither word is there (a buffer of under eight bytes): not decided.
#[inline(always)]
fn short_high(buf: &[u8], start: usize, text: &[u8]) -> u64 {
    let len = text.len();
    debug_assert!(len <= 32);
    if len > 16 {
        le_word(text) | le_word(&text[8..]) | le_word(&text[len - 16..]) | le_word(&text[len - 8..])
    } else if len >= 8 {
        le_word(text) | le_word(&text[len - 8..])
    } else if let Some(word) = buf.get(start..start + 8) {
        // The mask keeps the string's bytes (none when it is empty).
        le_word(word) & !(u64::MAX << (8 * len))
    } else {
        short_high_at_end(buf, start + len, len)
    }
}

/// The high bits of the `len` bytes (under eight) ending at `end`, for a
/// short string near the buffer's end (where a builder puts the first
/// strings it writes): the eight bytes that end with the string, the ones
/// before it (its length prefix, at least) shifted out; [`HIGH`] in a
/// buffer of under eight bytes. Out of line: rare, and inlined at every
/// string field otherwise.
#[inline(never)]
fn short_high_at_end(buf: &[u8], end: usize, len: usize) -> u64 {
    end.checked_sub(8)
        .and_then(|from| buf.get(from..end))
        .map_or(HIGH, |word| {
            le_word(word).checked_shr(8 * (8 - len) as u32).unwrap_or(0)
        })
}

/// [`is_utf8`], compiled once.
#[inline(never)]
fn is_utf8_out_of_line(buf: &[u8], start: usize, end: usize) -> bool {
    is_utf8(buf, start, end)
}

/// The first eight bytes of `bytes`, little-endian; all high bits set (not
/// ASCII) when there are fewer, which callers never pass.
#[inline(always)]
fn le_word(bytes: &[u8]) -> u64 {
    match bytes.first_chunk::<8>() {
        Some(word) => u64::from_le_bytes(*word),
        None => u64::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `is_utf8`'s verdict, which `utf8_short_first` must share.
    fn utf8(buf: &[u8], start: usize, end: usize) -> bool {
        let verdict = is_utf8(buf, start, end);
        assert_eq!(
            utf8_short_first(buf, start, end),
            verdict,
            "{:?}",
            buf.get(start..end)
        );
        verdict
    }

    #[test]
    fn utf8_agrees_with_core() {
        let cases: [&[u8]; 13] = [
            b"",
            b"a",
            b"seven!!",
            b"plain ascii text, longer than one word",
            "héllo wörld".as_bytes(),
            "abcdefgé".as_bytes(),
            "日本語のテキスト".as_bytes(),
            &[0xff],
            &[b'a', b'b', b'c', b'd', b'e', b'f', b'g', b'h', 0xc3],
            &[b'a', b'b', b'c', 0x80],
            &[0xc3, 0x28],
            &[0xed, 0xa0, 0x80],       // a surrogate
            &[0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
        ];
        for case in cases {
            let expected = core::str::from_utf8(case).is_ok();
            // Alone in its buffer, then with bytes on both sides (ASCII and
            // not), so the masked last word sees its neighbours.
            assert_eq!(utf8(case, 0, case.len()), expected, "{case:?}");
            for pad in [0x00u8, 0x41, 0xff] {
                let mut buf = vec![pad; 3];
                buf.extend_from_slice(case);
                buf.extend_from_slice(&[pad; 9]);
                let end = 3 + case.len();
                assert_eq!(utf8(&buf, 3, end), expected, "{case:?} padded with {pad}");
            }
        }
        assert!(!utf8(b"abc", 2, 9), "out of bounds");
    }

    #[test]
    fn short_ascii_is_decided_at_the_end_of_the_buffer() {
        // A short string last in its buffer (as a builder's first string
        // is), behind its length prefix and non-ASCII bytes: decided
        // without the out-of-line test, whose bytes before it ignored.
        for len in 0..8 {
            let mut buf = vec![0xffu8; 8];
            buf.extend((0..len).map(|i| b'a' + i as u8));
            assert_eq!(short_high(&buf, 8, &buf[8..]) & HIGH, 0, "{len} bytes");
            let mut bad = buf.clone();
            if len > 0 {
                bad[8] = 0xc3;
                assert_ne!(short_high(&bad, 8, &bad[8..]) & HIGH, 0, "{len} bytes");
            }
        }
    }

    #[test]
    fn utf8_agrees_with_core_at_every_length_and_position() {
        // Every string length across the 16-byte loop, the overlapping
        // last word and the masked short read; ASCII, then one bad byte
        // and one two-byte character at each position.
        for len in 0..=48 {
            let ascii: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            let mut cases = vec![ascii.clone()];
            for at in 0..len {
                let mut bad = ascii.clone();
                bad[at] = 0xff;
                cases.push(bad);
                if at + 1 < len {
                    let mut two = ascii.clone();
                    two[at..at + 2].copy_from_slice("é".as_bytes());
                    cases.push(two);
                }
            }
            for case in cases {
                let expected = core::str::from_utf8(&case).is_ok();
                for (before, after) in [(0, 0), (1, 1), (5, 9), (0, 3), (3, 0), (8, 0), (4, 2)] {
                    let mut buf = vec![0xffu8; before];
                    buf.extend_from_slice(&case);
                    buf.extend(core::iter::repeat_n(0xffu8, after));
                    let end = before + case.len();
                    assert_eq!(
                        utf8(&buf, before, end),
                        expected,
                        "{case:?} with {before} bytes before, {after} after"
                    );
                }
            }
        }
    }
}
