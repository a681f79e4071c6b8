//! flatstream's own builder: the bytes `FlatBufferBuilder` lays out,
//! written with one capacity check per operation, shared vtables found by
//! a sorted search, and shared strings by an open-addressing table.

use core::cmp::Ordering;

use flatbuffers::{Push, SOffsetT, UOffsetT, VOffsetT};

use super::{Builder, Offset, MAX_BUFFER_LEN, UOFFSET};

/// Writes FlatBuffers back to front, as `FlatBufferBuilder` does, into a
/// buffer it keeps between messages.
///
/// `buf[head..]` holds what is written so far; offsets count from the end
/// of `buf` ("used" bytes), as in `FlatBufferBuilder`, so `Push` impls and
/// `WIPOffset`s work unchanged. Bytes below `head` are scratch: writes may
/// spill zeros into them, which saves a call to `memset` for a few bytes
/// of padding.
#[derive(Debug, Default)]
pub struct Encoder {
    buf: Vec<u8>,
    head: usize,
    /// The largest alignment anything written needed; the root is aligned
    /// to it.
    min_align: usize,
    /// For the table under construction, by slot: the used bytes after the
    /// field, or 0 for a slot not written (every field is at least one
    /// byte past the start, so 0 is never a position).
    slots: Vec<UOffsetT>,
    /// The length of the vtable of the table under construction: 4 bytes
    /// of header, then up to its highest slot written.
    vtable_len: usize,
    /// The vtables written to this buffer (as used bytes after each), kept
    /// sorted by their bytes so each new table can share an identical one.
    vtables: Vec<UOffsetT>,
    /// The vtable the last table ended with (as used bytes after it), or 0
    /// for none: compared first, as a vector of tables of one type repeats
    /// it.
    last_vtable: UOffsetT,
    /// The strings written with `create_shared_string` (as used bytes
    /// after each, 0 for a free slot), by a hash of their bytes: an
    /// open-addressing table at most half full, its size a power of two.
    shared: Vec<UOffsetT>,
    /// How many strings `shared` holds.
    shared_len: usize,
    finished: bool,
    /// Whether a scalar equal to its default is written anyway, as
    /// `FlatBufferBuilder::force_defaults` does.
    force_defaults: bool,
}

/// A hash of a shared string's bytes, for `Encoder::shared`: eight bytes
/// at a time, the last (partial) word read as whole integers rather than
/// copied byte by byte, then MurmurHash3's finalizer, so that every byte
/// reaches the low bits the table indexes with.
fn shared_hash(bytes: &[u8]) -> usize {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let word = |at: usize| {
        let mut word = [0; 8];
        word.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(word)
    };
    let half = |at: usize| {
        let mut half = [0; 4];
        half.copy_from_slice(&bytes[at..at + 4]);
        u64::from(u32::from_le_bytes(half))
    };
    let len = bytes.len();
    let mut hash = (len as u64).wrapping_mul(K);
    let last = match len {
        0 => 0,
        1..=3 => {
            u64::from(bytes[0]) | u64::from(bytes[len / 2]) << 8 | u64::from(bytes[len - 1]) << 16
        }
        4..=7 => half(0) | half(len - 4) << 32,
        _ => {
            let mut at = 0;
            while at + 8 < len {
                hash = (hash ^ word(at)).wrapping_mul(K);
                hash ^= hash >> 29;
                at += 8;
            }
            // The last eight bytes, overlapping the word before when the
            // length is not a multiple of eight.
            word(len - 8)
        }
    };
    hash = (hash ^ last).wrapping_mul(K);
    hash = (hash ^ (hash >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash = (hash ^ (hash >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    (hash ^ (hash >> 33)) as usize
}

/// The alignment of every message's root: a table or a string, both
/// aligned to their 4-byte length or vtable offset.
const MIN_ALIGN: usize = 4;

/// Padding runs to at most this many bytes: the widest scalar (and so the
/// widest alignment anything derived needs).
const MAX_PADDING: usize = 8;

impl Encoder {
    /// An empty encoder; it grows to the largest message it writes.
    pub fn new() -> Self {
        let mut encoder = Self::default();
        encoder.reset();
        encoder
    }

    /// Writes scalars equal to their default too (`true`), or leaves them
    /// out (`false`, the default), as `FlatBufferBuilder::force_defaults`.
    pub fn force_defaults(&mut self, force_defaults: bool) {
        self.force_defaults = force_defaults;
    }

    /// Forgets the message written, keeping the memory.
    #[inline]
    pub fn reset(&mut self) {
        self.head = self.buf.len();
        self.min_align = MIN_ALIGN;
        if self.vtable_len > 4 {
            // A table left unfinished (a panic while building it).
            self.slots.fill(0);
        }
        self.vtable_len = 4;
        self.vtables.clear();
        self.last_vtable = 0;
        if self.shared_len > 0 {
            self.shared.fill(0);
            self.shared_len = 0;
        }
        self.finished = false;
    }

    /// The bytes of the string written `used` bytes from the end (empty if
    /// there is none, which `shared` never holds).
    fn string_at(&self, used: UOffsetT) -> &[u8] {
        let pos = self.buf.len().wrapping_sub(used as usize);
        let len = self
            .buf
            .get(pos..pos.wrapping_add(4))
            .and_then(|bytes| bytes.try_into().ok())
            .map_or(0, |bytes| u32::from_le_bytes(bytes) as usize);
        self.buf.get(pos + 4..pos + 4 + len).unwrap_or(&[])
    }

    /// The slot of `shared` for `bytes`: the one holding a string equal to
    /// them, or the free one where it goes.
    fn shared_slot(&self, bytes: &[u8]) -> usize {
        let mask = self.shared.len() - 1;
        let mut slot = shared_hash(bytes) & mask;
        loop {
            match self.shared[slot] {
                0 => return slot,
                used if self.string_at(used) == bytes => return slot,
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    /// Doubles `shared` (16 slots at first), placing every string again.
    #[cold]
    fn grow_shared(&mut self) {
        let old = core::mem::take(&mut self.shared);
        self.shared = vec![0; (old.len() * 2).max(16)];
        for used in old.into_iter().filter(|&used| used != 0) {
            let slot = self.shared_slot(self.string_at(used));
            self.shared[slot] = used;
        }
    }

    /// The finished buffer.
    ///
    /// # Panics
    ///
    /// If [`finish`](Builder::finish) was not called since the last reset.
    #[inline]
    pub fn finished_data(&self) -> &[u8] {
        assert!(self.finished, "the encoder holds no finished buffer");
        &self.buf[self.head..]
    }

    /// Writes `header` in front of the finished buffer and returns both.
    #[inline]
    pub(super) fn prepend(&mut self, header: &[u8]) -> &[u8] {
        self.reserve(header.len());
        self.head -= header.len();
        copy_short(&mut self.buf[self.head..self.head + header.len()], header);
        &self.buf[self.head..]
    }

    /// Bytes written so far, counted from the end.
    #[inline(always)]
    fn used(&self) -> usize {
        self.buf.len() - self.head
    }

    /// Makes room for `len` more bytes in front of `head`.
    #[inline(always)]
    fn reserve(&mut self, len: usize) {
        if self.head < len {
            self.grow(len);
        }
    }

    /// Moves what is written to the end of a buffer at least twice as
    /// large, with room for `len` more bytes.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, len: usize) {
        let used = self.used();
        let needed = used
            .checked_add(len)
            .filter(|&needed| needed <= MAX_BUFFER_LEN)
            .unwrap_or_else(|| {
                panic!("a FlatBuffer cannot exceed {MAX_BUFFER_LEN} bytes ({used} written, {len} more asked)")
            });
        let new_len = needed
            .max(self.buf.len().saturating_mul(2))
            .clamp(256, MAX_BUFFER_LEN);
        let mut grown = vec![0; new_len];
        grown[new_len - used..].copy_from_slice(&self.buf[self.head..]);
        self.buf = grown;
        self.head = new_len - used;
    }

    /// The zero bytes that make `used + len` a multiple of `alignment` (a
    /// power of two); remembers the alignment for the root.
    #[inline(always)]
    fn padding(&mut self, len: usize, alignment: usize) -> usize {
        // `alignment` is a constant where this inlines, so the branch
        // folds away for everything aligned to 4 or less: `min_align`
        // starts at 4, which every message reaches (its root is a table or
        // a string, both aligned to 4).
        if alignment > MIN_ALIGN {
            self.min_align = self.min_align.max(alignment);
        }
        self.used().wrapping_add(len).wrapping_neg() & (alignment - 1)
    }

    /// Reserves `len` bytes plus `padding` and writes the padding as zeros
    /// in front of `head`; the caller moves `head` past both.
    #[inline(always)]
    fn reserve_padded(&mut self, len: usize, padding: usize) {
        if padding <= MAX_PADDING {
            self.reserve(len + MAX_PADDING);
            // Zeros for the padding, and spilling below it (scratch).
            self.buf[self.head - MAX_PADDING..self.head].copy_from_slice(&[0; MAX_PADDING]);
        } else {
            self.reserve(len + padding);
            self.buf[self.head - padding..self.head].fill(0);
        }
    }

    /// Writes `value` aligned to its size; returns the used bytes after it.
    #[inline(always)]
    fn push<P: Push>(&mut self, value: P) -> usize {
        let size = P::size();
        let padding = self.padding(size, P::alignment().value());
        self.reserve_padded(size + padding, padding);
        self.head -= padding + size;
        let (dst, rest) = self.buf[self.head..].split_at_mut(size);
        // SAFETY: `dst` is `size` bytes long and the padding placed it at a
        // multiple of `P::alignment()` from the end, as `Push` requires.
        unsafe { value.push(dst, rest.len()) };
        self.used()
    }

    /// Writes `bytes` with its length in front and zeros after it up to
    /// `trailing` (a terminator and padding, at most four bytes), as strings
    /// and byte vectors are laid out.
    #[inline(always)]
    fn push_prefixed(&mut self, bytes: &[u8], trailing: usize) -> Offset {
        let total = UOFFSET + bytes.len() + trailing;
        self.reserve(total);
        let end = self.head;
        self.head -= total;
        let head = self.head;
        // The zeros first: the bytes may overwrite the front of them.
        self.buf[end - UOFFSET..end].copy_from_slice(&[0; UOFFSET]);
        copy_short(
            &mut self.buf[head + UOFFSET..head + UOFFSET + bytes.len()],
            bytes,
        );
        // Lengths fit: the buffer cannot exceed `MAX_BUFFER_LEN`.
        self.buf[head..head + UOFFSET].copy_from_slice(&(bytes.len() as UOffsetT).to_le_bytes());
        Offset::new(self.used() as UOffsetT)
    }

    /// Writes a vector's length prefix; returns the vector's offset.
    #[inline(always)]
    fn push_len(&mut self, len: usize) -> Offset {
        // Lengths fit: the buffer cannot exceed `MAX_BUFFER_LEN`.
        Offset::new(self.push(len as UOffsetT) as UOffsetT)
    }

    /// Shares the vtable just written at `head` (`vtable_len` bytes) with
    /// an identical one written before, dropping it, or records it; returns
    /// the used bytes after the vtable the table points at.
    fn share_vtable(&mut self, vtable_len: usize) -> UOffsetT {
        let head = self.head;
        let vtable = &self.buf[head..head + vtable_len];
        let found = if self.vtables.is_empty() {
            Err(0)
        } else {
            self.vtables
                .binary_search_by(|&old| self.cmp_vtable(old, vtable))
        };
        match found {
            Ok(found) => {
                self.head += vtable_len;
                self.vtables[found]
            }
            Err(insert) => {
                let used = self.used() as UOffsetT;
                if insert == self.vtables.len() {
                    self.vtables.push(used);
                } else {
                    self.vtables.insert(insert, used);
                }
                used
            }
        }
    }

    /// Whether the vtable at `used` equals `vtable`, without a call to
    /// `memcmp` for the short vtables most tables have.
    #[inline(always)]
    fn vtable_eq(&self, used: UOffsetT, vtable: &[u8]) -> bool {
        let at = self.buf.len() - used as usize;
        let old = &self.buf[at..];
        // Both begin with their length, so equal first halfwords mean equal
        // lengths.
        if old[..2] != vtable[..2] {
            return false;
        }
        let len = vtable.len();
        let old = &old[..len];
        // A vtable is at least 4 bytes, its header.
        if len > 16 {
            old == vtable
        } else if len >= 8 {
            old[..8] == vtable[..8] && old[len - 8..] == vtable[len - 8..]
        } else {
            old[..4] == vtable[..4] && old[len - 4..] == vtable[len - 4..]
        }
    }

    /// Compares the vtable at `used` with `vtable`.
    fn cmp_vtable(&self, used: UOffsetT, vtable: &[u8]) -> Ordering {
        let at = self.buf.len() - used as usize;
        let len = usize::from(u16::from_le_bytes([self.buf[at], self.buf[at + 1]]));
        self.buf[at..at + len].cmp(vtable)
    }

    /// Makes `slots` long enough for `index`.
    #[cold]
    #[inline(never)]
    fn grow_slots(&mut self, index: usize) {
        self.slots.resize(index + 1, 0);
    }
}

/// `dst.copy_from_slice(src)`, without a call to `memcpy` for the short
/// strings most messages hold: up to 32 bytes move as two overlapping
/// words (or halves), each load and store inside the slices.
#[inline(always)]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    let len = src.len();
    if len > 32 || dst.len() != len {
        dst.copy_from_slice(src);
    } else if len >= 16 {
        dst[..16].copy_from_slice(&src[..16]);
        dst[len - 16..].copy_from_slice(&src[len - 16..]);
    } else if len >= 8 {
        dst[..8].copy_from_slice(&src[..8]);
        dst[len - 8..].copy_from_slice(&src[len - 8..]);
    } else if len >= 4 {
        dst[..4].copy_from_slice(&src[..4]);
        dst[len - 4..].copy_from_slice(&src[len - 4..]);
    } else {
        for (dst, src) in dst.iter_mut().zip(src) {
            *dst = *src;
        }
    }
}

impl Builder for Encoder {
    type TableStart = usize;

    #[inline(always)]
    fn push_slot<X: Push + PartialEq>(&mut self, slot: VOffsetT, value: X, default: X) {
        if value != default || self.force_defaults {
            self.push_slot_always(slot, value);
        }
    }

    #[inline(always)]
    fn push_slot_always<X: Push>(&mut self, slot: VOffsetT, value: X) {
        let used = self.push(value);
        // Slots are vtable byte offsets: 4, 6, 8...
        let index = usize::from(slot / 2).wrapping_sub(2);
        if index >= self.slots.len() {
            self.grow_slots(index);
        }
        self.slots[index] = used as UOffsetT;
        self.vtable_len = self.vtable_len.max(usize::from(slot) + 2);
    }

    #[inline]
    fn create_string(&mut self, text: &str) -> Offset {
        let bytes = text.as_bytes();
        // A terminator, then padding to align the length prefix.
        let padding = self.padding(bytes.len() + 1, UOFFSET);
        self.push_prefixed(bytes, 1 + padding)
    }

    fn create_shared_string(&mut self, text: &str) -> Offset {
        if (self.shared_len + 1) * 2 > self.shared.len() {
            self.grow_shared();
        }
        let slot = self.shared_slot(text.as_bytes());
        match self.shared[slot] {
            0 => {
                let offset = self.create_string(text);
                self.shared[slot] = offset.value();
                self.shared_len += 1;
                offset
            }
            used => Offset::new(used),
        }
    }

    #[inline]
    fn create_byte_vector(&mut self, bytes: &[u8]) -> Offset {
        let padding = self.padding(bytes.len(), UOFFSET);
        self.push_prefixed(bytes, padding)
    }

    #[inline]
    fn create_vector<T: Push + Copy>(&mut self, items: &[T]) -> Offset
    where
        T::Output: 'static,
    {
        let size = T::size();
        let len = items.len() * size;
        let padding = self.padding(len, T::alignment().value().max(UOFFSET));
        self.reserve_padded(len + padding, padding);
        self.head -= padding + len;
        let mut after = self.used();
        for (item, dst) in items
            .iter()
            .zip(self.buf[self.head..self.head + len].chunks_exact_mut(size))
        {
            after -= size;
            // SAFETY: `dst` is `size` bytes at a multiple of `size` from
            // the end past an alignment to `T::alignment()`.
            unsafe { item.push(dst, after) };
        }
        self.push_len(items.len())
    }

    #[inline]
    fn create_vector_from_iter<T: Push>(
        &mut self,
        items: impl ExactSizeIterator<Item = T> + DoubleEndedIterator,
    ) -> Offset
    where
        T::Output: 'static,
    {
        let padding = self.padding(items.len() * T::size(), T::alignment().value().max(UOFFSET));
        self.reserve_padded(padding, padding);
        self.head -= padding;
        let mut count = 0;
        for item in items.rev() {
            self.push(item);
            count += 1;
        }
        self.push_len(count)
    }

    #[inline(always)]
    fn start_table(&mut self) -> usize {
        self.used()
    }

    fn end_table(&mut self, start: usize) -> Offset {
        // The table begins with the offset to its vtable, filled in below.
        let table = self.push::<SOffsetT>(0);
        let vtable_len = self.vtable_len;
        self.vtable_len = 4;
        self.reserve(vtable_len);
        self.head -= vtable_len;
        let head = self.head;
        let (header, entries) = self.buf[head..head + vtable_len].split_at_mut(4);
        header[..2].copy_from_slice(&(vtable_len as VOffsetT).to_le_bytes());
        // Tables fit their 16-bit vtable entries: FlatBuffers limits a
        // table's inline size, and derived tables are far below it.
        header[2..].copy_from_slice(&((table - start) as VOffsetT).to_le_bytes());
        for (entry, slot) in entries.chunks_exact_mut(2).zip(&mut self.slots) {
            let distance = if *slot == 0 {
                0
            } else {
                (table - *slot as usize) as VOffsetT
            };
            *slot = 0;
            entry.copy_from_slice(&distance.to_le_bytes());
        }

        let vtable = &self.buf[head..head + vtable_len];
        let shared = if self.last_vtable != 0 && self.vtable_eq(self.last_vtable, vtable) {
            self.head += vtable_len;
            self.last_vtable
        } else {
            self.share_vtable(vtable_len)
        };
        self.last_vtable = shared;
        let at = self.buf.len() - table;
        let to_vtable = shared as SOffsetT - table as SOffsetT;
        self.buf[at..at + 4].copy_from_slice(&to_vtable.to_le_bytes());
        Offset::new(table as UOffsetT)
    }

    fn finish(&mut self, root: Offset, identifier: Option<&'static str>) {
        self.vtables.clear();
        self.last_vtable = 0;
        let identifier = identifier.map_or(&[][..], str::as_bytes);
        let padding = self.padding(UOFFSET + identifier.len(), self.min_align);
        self.reserve_padded(padding + identifier.len(), padding);
        self.head -= padding + identifier.len();
        let head = self.head;
        copy_short(&mut self.buf[head..head + identifier.len()], identifier);
        self.push(root);
        self.finished = true;
    }
}

#[cfg(test)]
mod tests {
    use flatbuffers::FlatBufferBuilder;

    use super::*;

    #[test]
    fn shared_strings_are_shared_only_when_equal() {
        // Every length class of the hash (0, 1..=3, 4..=7, 8 and more,
        // multiples of eight or not), strings that differ in one byte
        // anywhere, each written twice, against `FlatBufferBuilder`.
        let mut texts = Vec::new();
        for len in 0..=40 {
            let base: String = (0..len)
                .map(|i| char::from(b'a' + (i % 26) as u8))
                .collect();
            texts.push(base.clone());
            for at in 0..len {
                let mut bytes = base.clone().into_bytes();
                bytes[at] = b'Z';
                texts.push(String::from_utf8(bytes).unwrap());
            }
        }
        let mut encoder = Encoder::new();
        let mut builder = flatbuffers::FlatBufferBuilder::new();
        let mut offsets = Vec::new();
        for round in 0..2 {
            for (index, text) in texts.iter().enumerate() {
                let offset = encoder.create_shared_string(text);
                let theirs = builder.create_shared_string(text);
                assert_eq!(offset.value(), theirs.value(), "{text:?}");
                if round == 0 {
                    offsets.push(offset.value());
                } else {
                    assert_eq!(offset.value(), offsets[index], "{text:?} written again");
                }
            }
        }
        let mut distinct = offsets.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), texts.len(), "different strings share");
        assert_eq!(encoder.used(), builder.unfinished_data().len());
        // A reset forgets them.
        encoder.reset();
        let again = encoder.create_shared_string(&texts[5]);
        assert_eq!(again.value() as usize, encoder.used());
    }

    #[test]
    fn copy_short_copies_every_length() {
        let src: Vec<u8> = (1..=80).collect();
        for len in 0..=src.len() {
            let mut dst = vec![0xEE; len];
            copy_short(&mut dst, &src[..len]);
            assert_eq!(dst, src[..len], "length {len}");
        }
    }

    #[test]
    fn strings_match_the_builder_at_every_length_and_alignment() {
        // Each string after a byte that shifts the alignment, so every
        // padding length and copy path meets every starting offset.
        let mut encoder = Encoder::new();
        let text = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLM";
        for shift in 0..8u8 {
            for len in 0..=text.len() {
                let mut builder = FlatBufferBuilder::new();
                encoder.reset();
                for _ in 0..shift {
                    builder.push(shift);
                    encoder.push(shift);
                }
                let a = Builder::create_string(&mut builder, &text[..len]);
                let b = encoder.create_string(&text[..len]);
                Builder::finish(&mut builder, a, None);
                encoder.finish(b, None);
                assert_eq!(
                    encoder.finished_data(),
                    builder.finished_data(),
                    "shift {shift}, length {len}"
                );
            }
        }
    }

    #[test]
    fn finished_buffer_with_identifier_matches_the_builder() {
        let mut builder = FlatBufferBuilder::new();
        let mut encoder = Encoder::new();
        let a = {
            let start = Builder::start_table(&mut builder);
            Builder::push_slot_always(&mut builder, 4, 7u64);
            Builder::push_slot(&mut builder, 6, 0u16, 0);
            Builder::end_table(&mut builder, start)
        };
        Builder::finish(&mut builder, a, Some("FSTM"));
        let b = {
            let start = encoder.start_table();
            encoder.push_slot_always(4, 7u64);
            encoder.push_slot(6, 0u16, 0);
            encoder.end_table(start)
        };
        encoder.finish(b, Some("FSTM"));
        assert_eq!(encoder.finished_data(), builder.finished_data());
        assert_eq!(&encoder.finished_data()[4..8], b"FSTM");
    }

    /// Builds a table holding the fields of `mask` (bit `i`: slot
    /// `4 + 2i`, a `u32` or, for odd `i`, a `u8`).
    fn table<B: Builder>(builder: &mut B, mask: u32) -> Offset {
        let start = builder.start_table();
        for i in 0..6u16 {
            if mask & (1 << i) != 0 {
                if i % 2 == 0 {
                    builder.push_slot_always(4 + 2 * i, mask * 31 + u32::from(i));
                } else {
                    builder.push_slot_always(4 + 2 * i, i as u8);
                }
            }
        }
        builder.end_table(start)
    }

    #[test]
    fn vtables_are_shared_as_the_builder_shares_them() {
        // 64 shapes in a scrambled order, then again: new vtables land
        // everywhere in the sorted list, and the second round shares them.
        let masks: Vec<u32> = (0..128).map(|i| (i * 37 + 11) % 64).collect();
        let mut builder = FlatBufferBuilder::new();
        let mut encoder = Encoder::new();
        let mut roots = (None, None);
        for &mask in &masks {
            roots = (
                Some(table(&mut builder, mask)),
                Some(table(&mut encoder, mask)),
            );
        }
        Builder::finish(&mut builder, roots.0.unwrap(), None);
        encoder.finish(roots.1.unwrap(), None);
        assert_eq!(encoder.finished_data(), builder.finished_data());
        assert_eq!(builder.num_written_vtables(), 0, "cleared by finish");
    }

    #[test]
    #[should_panic(expected = "no finished buffer")]
    fn unfinished_encoder_has_no_data() {
        let mut encoder = Encoder::new();
        encoder.create_string("x");
        let _ = encoder.finished_data();
    }
}
