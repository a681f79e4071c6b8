//! The verifier behind derived types: the same checks as the `flatbuffers`
//! crate's `Verifier`, specialised per message type.
//!
//! `#[derive(StreamSerialize)]` generates, for every table, a function that
//! visits its fields in order with their slots as constants, so each check
//! is inlined and a failure is a one-byte [`Invalid`] instead of the
//! `flatbuffers` error with its trace. When a buffer fails, the reader runs
//! the `flatbuffers` verifier over it once more, on the cold path, for the
//! detailed error — the two must agree, which the differential tests and
//! fuzz targets check on random and damaged buffers.
//!
//! Every rule of `flatbuffers::Verifier` is kept, with its numbers: offsets
//! and lengths in bounds (saturating arithmetic, as there), scalars and
//! offsets aligned relative to the buffer start, strings valid UTF-8 and
//! NUL-terminated, vtables even-sized and in bounds, and the depth, table
//! count and "apparent size" limits of [`VerifierOptions`], charged for the
//! same bytes as there so that a limit accepts and refuses the same buffers.

use core::mem::{align_of, size_of};

use flatbuffers::VerifierOptions;

/// A buffer failed verification. Carries nothing: the detailed error comes
/// from the `flatbuffers` verifier, run again on the failing buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid;

/// What every check returns.
pub type Checked<T = ()> = core::result::Result<T, Invalid>;

/// A table being visited: where it is, and its vtable.
#[derive(Debug, Clone, Copy)]
pub struct TableAt<'a> {
    pos: usize,
    vtable: &'a [u8],
}

/// The verification state of one buffer.
#[derive(Debug)]
pub struct Checker<'a> {
    buf: &'a [u8],
    /// Tables that may still be entered below the current depth.
    depth_left: usize,
    /// Tables that may still be visited.
    tables_left: usize,
    /// The "apparent size" charged so far. It only grows, so comparing it
    /// with the limit where work could pile up (entering a table, before a
    /// string's UTF-8 check, at the end) refuses exactly the buffers a
    /// check after every charge would, and bounds the work the same way.
    size: usize,
    max_size: usize,
    /// Whether strings must end with a NUL byte.
    null_terminated: bool,
}

impl<'a> Checker<'a> {
    /// A checker for `buf` under `options`.
    #[inline]
    pub fn new(buf: &'a [u8], options: &VerifierOptions) -> Self {
        Checker {
            buf,
            depth_left: options.max_depth,
            tables_left: options.max_tables,
            size: 0,
            max_size: options.max_apparent_size,
            null_terminated: !options.ignore_missing_null_terminator,
        }
    }

    /// The buffer being checked.
    #[inline]
    pub fn buf(&self) -> &'a [u8] {
        self.buf
    }

    /// Counts `size` bytes towards the apparent size.
    #[inline(always)]
    fn charge(&mut self, size: usize) {
        self.size = self.size.saturating_add(size);
    }

    /// Fails once the apparent size is over the limit.
    #[inline(always)]
    fn within_limit(&self) -> Checked {
        if self.size > self.max_size {
            Err(Invalid)
        } else {
            Ok(())
        }
    }

    /// `pos..pos + size` lies in the buffer (saturating, as `flatbuffers`
    /// does), charged.
    #[inline(always)]
    pub fn range(&mut self, pos: usize, size: usize) -> Checked {
        if pos.saturating_add(size) > self.buf.len() {
            return Err(Invalid);
        }
        self.charge(size);
        Ok(())
    }

    /// The `N` bytes of a `T` at `pos`: aligned to `T` and in the buffer,
    /// charged.
    #[inline(always)]
    fn read<T, const N: usize>(&mut self, pos: usize) -> Checked<[u8; N]> {
        if pos % align_of::<T>() != 0 {
            return Err(Invalid);
        }
        let end = pos.checked_add(N).ok_or(Invalid)?;
        let bytes: [u8; N] = match self.buf.get(pos..end) {
            Some(bytes) => bytes.try_into().map_err(|_| Invalid)?,
            None => return Err(Invalid),
        };
        self.charge(N);
        Ok(bytes)
    }

    /// A scalar field or element of type `T` at `pos`.
    #[inline(always)]
    pub fn scalar<T>(&mut self, pos: usize) -> Checked {
        if pos % align_of::<T>() != 0 {
            return Err(Invalid);
        }
        self.range(pos, size_of::<T>())
    }

    /// The byte at `pos`, in the buffer, charged.
    #[inline(always)]
    pub fn read_u8(&mut self, pos: usize) -> Checked<u8> {
        self.read::<u8, 1>(pos).map(|[byte]| byte)
    }

    /// The `u32` at `pos`, aligned and in the buffer, charged.
    #[inline(always)]
    fn read_u32(&mut self, pos: usize) -> Checked<u32> {
        self.read::<u32, 4>(pos).map(u32::from_le_bytes)
    }

    /// The offset at `pos`: returns the position it points to.
    #[inline(always)]
    pub fn offset(&mut self, pos: usize) -> Checked<usize> {
        let offset = self.read_u32(pos)? as usize;
        Ok(offset.saturating_add(pos))
    }

    /// A vector whose length prefix is at `pos` and whose elements are
    /// `width` bytes aligned to `align`: returns where its elements start
    /// and how many there are.
    #[inline(always)]
    pub fn vector(&mut self, pos: usize, width: usize, align: usize) -> Checked<(usize, usize)> {
        let len = self.read_u32(pos)? as usize;
        let start = pos.saturating_add(4);
        if start % align != 0 {
            return Err(Invalid);
        }
        self.range(start, len.saturating_mul(width))?;
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

    /// [`string`](Self::string), returning the string.
    #[inline(always)]
    pub fn string_value(&mut self, pos: usize) -> Checked<&'a str> {
        let (start, len) = self.vector(pos, 1, 1)?;
        self.within_limit()?;
        let end = start + len;
        if !is_utf8(self.buf, start, end) {
            return Err(Invalid);
        }
        if self.null_terminated && self.buf.get(end) != Some(&0) {
            return Err(Invalid);
        }
        let text = self.buf.get(start..end).ok_or(Invalid)?;
        // SAFETY: `is_utf8` accepted exactly these bytes: ASCII, or what
        // `core::str::from_utf8` accepts.
        Ok(unsafe { core::str::from_utf8_unchecked(text) })
    }

    /// The `len` bytes at `start`, which a check has found in the buffer
    /// (empty otherwise).
    #[inline(always)]
    pub fn slice(&self, start: usize, len: usize) -> &'a [u8] {
        start
            .checked_add(len)
            .and_then(|end| self.buf.get(start..end))
            .unwrap_or(&[])
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
            let target = self.offset(start + index * 4)?;
            items.push(element(self, target)?);
        }
        Ok(items)
    }

    /// Decodes the field at `slot` with `present` when it is there;
    /// `None` when absent, which fails only when `required`.
    #[inline(always)]
    pub fn decode<T>(
        &mut self,
        table: &TableAt<'_>,
        slot: u16,
        required: bool,
        present: impl FnOnce(&mut Self, usize) -> Checked<T>,
    ) -> Checked<Option<T>> {
        match self.field(table, slot)? {
            Some(pos) => present(self, pos).map(Some),
            None if required => Err(Invalid),
            None => Ok(None),
        }
    }

    /// Decodes, with `target`, what the offset in the field at `slot`
    /// points to (a string, vector or table); `None` when the field is
    /// absent, which fails only when `required`.
    #[inline(always)]
    pub fn decode_offset<T>(
        &mut self,
        table: &TableAt<'_>,
        slot: u16,
        required: bool,
        target: impl FnOnce(&mut Self, usize) -> Checked<T>,
    ) -> Checked<Option<T>> {
        self.decode(
            table,
            slot,
            required,
            #[inline(always)]
            |checker, pos| {
                let at = checker.offset(pos)?;
                target(checker, at)
            },
        )
    }

    /// [`decode_offset`](Self::decode_offset) for checks alone.
    #[inline(always)]
    pub fn visit_offset(
        &mut self,
        table: &TableAt<'_>,
        slot: u16,
        required: bool,
        target: impl FnOnce(&mut Self, usize) -> Checked,
    ) -> Checked {
        self.decode_offset(table, slot, required, target).map(drop)
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

    /// Enters the table at `pos`: its vtable is in bounds and even-sized,
    /// and the table count, depth and apparent size are within their
    /// limits. Pair with [`leave_table`](Self::leave_table).
    #[inline(always)]
    pub fn enter_table(&mut self, pos: usize) -> Checked<TableAt<'a>> {
        let soffset = i32::from_le_bytes(self.read::<i32, 4>(pos)?);
        let vtable = if soffset > 0 {
            pos.checked_sub(soffset.unsigned_abs() as usize)
        } else {
            pos.checked_add(soffset.unsigned_abs() as usize)
        };
        let vtable = match vtable {
            Some(vtable) if vtable < self.buf.len() => vtable,
            _ => return Err(Invalid),
        };
        let vtable_len = usize::from(u16::from_le_bytes(self.read::<u16, 2>(vtable)?));
        // `vtable` is even, so this is "`vtable_len` is even".
        if vtable_len % 2 != 0 {
            return Err(Invalid);
        }
        let end = vtable.checked_add(vtable_len).ok_or(Invalid)?;
        let vtable = self.buf.get(vtable..end).ok_or(Invalid)?;
        self.charge(vtable_len);
        self.within_limit()?;
        self.tables_left = self.tables_left.checked_sub(1).ok_or(Invalid)?;
        self.depth_left = self.depth_left.checked_sub(1).ok_or(Invalid)?;
        Ok(TableAt { pos, vtable })
    }

    /// Leaves the table entered last.
    #[inline(always)]
    pub fn leave_table(&mut self) {
        self.depth_left += 1;
    }

    /// The position of the field at `slot` of `table`, or `None` when the
    /// vtable says it is absent. Slots are even, as is the vtable, so an
    /// entry below the vtable's length is aligned and inside it.
    #[inline(always)]
    pub fn field(&mut self, table: &TableAt<'_>, slot: u16) -> Checked<Option<usize>> {
        let slot = usize::from(slot);
        debug_assert!(slot % 2 == 0, "slots are even");
        let entry = match table.vtable.get(slot..slot + 2) {
            Some(&[low, high]) => u16::from_le_bytes([low, high]),
            _ => return Ok(None),
        };
        self.charge(2);
        if entry == 0 {
            return Ok(None);
        }
        Ok(Some(table.pos.saturating_add(usize::from(entry))))
    }

    /// Checks the field at `slot` with `present` when it is there; an
    /// absent field fails only when `required`.
    #[inline(always)]
    pub fn visit<T>(
        &mut self,
        table: &TableAt<'_>,
        slot: u16,
        required: bool,
        present: impl FnOnce(&mut Self, usize) -> Checked<T>,
    ) -> Checked {
        self.decode(table, slot, required, present).map(drop)
    }

    /// The root table: `table` checks it at the position the offset at 0
    /// points to, which is returned.
    #[inline]
    pub fn root(&mut self, table: impl FnOnce(&mut Self, usize) -> Checked) -> Checked<usize> {
        let pos = self.offset(0)?;
        table(self, pos)?;
        self.within_limit()?;
        Ok(pos)
    }

    /// A discriminant of type `T` (`N` bytes) at `pos`, charged as the
    /// reference verifier charges it (the value, then each byte on its
    /// own): returns its bytes.
    #[inline(always)]
    pub fn discriminant<T, const N: usize>(&mut self, pos: usize) -> Checked<[u8; N]> {
        let bytes = self.read::<T, N>(pos)?;
        self.charge(N);
        Ok(bytes)
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

    /// Fails when the apparent size is over the limit: the last check of a
    /// whole buffer.
    #[inline(always)]
    pub fn finish(&self) -> Checked {
        self.within_limit()
    }

    /// Charges the re-read of a vector's length prefix at `pos`.
    #[inline(always)]
    pub fn reread_len(&mut self, pos: usize) -> Checked<usize> {
        self.read_u32(pos).map(|len| len as usize)
    }
}

/// Whether `buf[start..end]` is UTF-8, with ASCII (most strings in
/// messages) on a fast path: sixteen bytes at a time, the last sixteen (or
/// the first and last eight) read whole, overlapping bytes already seen,
/// which changes nothing for an ASCII test. A string shorter than eight bytes
/// is one word read past its end and masked: in a valid buffer the NUL and
/// whatever follows are there to read.
#[inline(always)]
fn is_utf8(buf: &[u8], start: usize, end: usize) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let Some(text) = buf.get(start..end) else {
        return false;
    };
    let len = text.len();
    let high = if len > 16 {
        let mut at = 0;
        while at + 16 < len {
            if (le_word(&text[at..]) | le_word(&text[at + 8..])) & HIGH != 0 {
                return core::str::from_utf8(text).is_ok();
            }
            at += 16;
        }
        // The last sixteen bytes, overlapping some already seen.
        le_word(&text[len - 16..]) | le_word(&text[len - 8..])
    } else if len >= 8 {
        // The first and the last eight bytes, overlapping when under 16.
        le_word(text) | le_word(&text[len - 8..])
    } else if len == 0 {
        0
    } else if let Some(word) = buf.get(start..start + 8) {
        le_word(word) & (u64::MAX >> (64 - 8 * len))
    } else {
        // The string ends within eight bytes of the buffer's end: only a
        // damaged buffer, as the NUL is missing or the last byte.
        if text.is_ascii() {
            0
        } else {
            HIGH
        }
    };
    high & HIGH == 0 || core::str::from_utf8(text).is_ok()
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
            assert_eq!(is_utf8(case, 0, case.len()), expected, "{case:?}");
            for pad in [0x00u8, 0x41, 0xff] {
                let mut buf = vec![pad; 3];
                buf.extend_from_slice(case);
                buf.extend_from_slice(&[pad; 9]);
                let end = 3 + case.len();
                assert_eq!(
                    is_utf8(&buf, 3, end),
                    expected,
                    "{case:?} padded with {pad}"
                );
            }
        }
        assert!(!is_utf8(b"abc", 2, 9), "out of bounds");
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
                for (before, after) in [(0, 0), (1, 1), (5, 9), (0, 3)] {
                    let mut buf = vec![0xffu8; before];
                    buf.extend_from_slice(&case);
                    buf.extend(core::iter::repeat_n(0xffu8, after));
                    let end = before + case.len();
                    assert_eq!(
                        is_utf8(&buf, before, end),
                        expected,
                        "{case:?} with {before} bytes before, {after} after"
                    );
                }
            }
        }
    }

    #[test]
    fn charges_stop_at_the_limit() {
        let buf = [0u8; 16];
        let options = VerifierOptions {
            max_apparent_size: 8,
            ..VerifierOptions::default()
        };
        let mut checker = Checker::new(&buf, &options);
        assert_eq!(checker.scalar::<u64>(0), Ok(()));
        assert_eq!(checker.within_limit(), Ok(()));
        assert_eq!(checker.scalar::<u8>(8), Ok(()));
        assert_eq!(checker.within_limit(), Err(Invalid));
    }

    #[test]
    fn ranges_saturate_instead_of_wrapping() {
        let buf = [0u8; 16];
        let mut checker = Checker::new(&buf, &VerifierOptions::default());
        assert_eq!(checker.scalar::<u32>(usize::MAX - 3), Err(Invalid));
        assert_eq!(checker.vector(12, 8, 4), Ok((16, 0)));
        assert_eq!(checker.scalar::<u32>(2), Err(Invalid), "unaligned");
    }
}
