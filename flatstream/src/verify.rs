//! The verifier behind derived types: one set of rules that decides and,
//! when a buffer breaks one, explains which, where and in which field.
//!
//! `#[derive(StreamSerialize)]` generates, for every table, a function that
//! visits its fields in order with their slots as constants, so each check
//! is inlined and the way to a failure costs one byte of `Result`. The
//! failing check records what it found ([`Checker::fail`]: the rule, with
//! its numbers, and the byte offset) and each enclosing field, vector
//! element and union variant adds itself to the path on the way out, on the
//! cold path only; [`Checker::into_error`] turns that into a
//! [`VerifyError`]. The record is kept per thread, not in the checker, so
//! that the calls that make it never see the checker: the checks' state
//! stays in registers on the way to success. The same checks serve the views and the one-pass owned
//! decode: the `flatbuffers` crate's verifier is not used by flatstream,
//! only by its tests, as an independent oracle.
//!
//! The rules are those of FlatBuffers' verifier, with its numbers: offsets
//! and lengths in bounds (saturating arithmetic), scalars and offsets
//! aligned relative to the buffer start, strings valid UTF-8 and
//! NUL-terminated, vtables even-sized and in bounds, and the depth, table
//! count and "apparent size" limits of [`VerifierOptions`]. On top of them,
//! flatstream's own: unknown enum values and union tags are refused unless
//! the type has an `other` variant, a union's tag and value are both there
//! or both absent, and tables and fixed structs that are not `Option`s are
//! required.

use core::mem::{align_of, size_of};

use flatbuffers::VerifierOptions;

use crate::error::{VerifyError, VerifyErrorKind};

/// A buffer failed verification; what and where is recorded in the
/// [`Checker`] that found it. Only the checker makes one, when it records
/// the failure, so an `Err` always has an explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid(());

/// What every check returns.
pub type Checked<T = ()> = core::result::Result<T, Invalid>;

/// A table being visited: where it is, and its vtable.
#[derive(Debug, Clone, Copy)]
pub struct TableAt<'a> {
    pos: usize,
    vtable: &'a [u8],
}

/// A table of plain scalars the checks accepted, for
/// [`Checker::plain_tables`]: where its vtable is, its position modulo 8,
/// how far past its start its fields reach at most, and what checking it
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

/// One step of the path to a failure.
#[derive(Debug)]
enum Segment {
    Field(&'static str),
    Element(usize),
    Variant(&'static str),
}

/// The failure of a buffer, and the path to it, innermost first.
#[derive(Debug)]
struct Failure {
    kind: VerifyErrorKind,
    offset: usize,
    path: Vec<Segment>,
}

std::thread_local! {
    /// The failure the last failing check on this thread found: written
    /// when a check fails (every `Invalid` is made there), extended on the
    /// way out, taken by `Checker::into_error`.
    static FAILURE: core::cell::RefCell<Option<Failure>> = const {
        core::cell::RefCell::new(None)
    };
}

/// Where the vtable of the table at `pos` is, from the table's `soffset`
/// (the vtable is at `pos - soffset`); `None` when that is out of `usize`.
#[inline(always)]
fn vtable_at(pos: usize, soffset: i32) -> Option<usize> {
    if soffset > 0 {
        pos.checked_sub(soffset.unsigned_abs() as usize)
    } else {
        pos.checked_add(soffset.unsigned_abs() as usize)
    }
}

/// Records a failure, replacing any earlier one that was never reported.
#[cold]
#[inline(never)]
fn record(kind: VerifyErrorKind, offset: usize) -> Invalid {
    let failure = Failure {
        kind,
        offset,
        path: Vec::new(),
    };
    FAILURE.with(|slot| *slot.borrow_mut() = Some(failure));
    Invalid(())
}

/// Adds a step to the path of the failure recorded.
#[cold]
#[inline(never)]
fn push_segment(segment: Segment) -> Invalid {
    FAILURE.with(|slot| {
        if let Some(failure) = slot.borrow_mut().as_mut() {
            failure.path.push(segment);
        }
    });
    Invalid(())
}

/// The error for `what`, `size` bytes at `pos`, not in a buffer of
/// `buf_len` bytes.
#[cold]
#[inline(never)]
fn out_of_bounds(what: &'static str, pos: usize, size: usize, buf_len: usize) -> Invalid {
    let kind = VerifyErrorKind::OutOfBounds {
        what,
        size,
        buf_len,
    };
    record(kind, pos)
}

/// The error for `what` at `pos` not aligned to `align`.
#[cold]
#[inline(never)]
fn unaligned(what: &'static str, pos: usize, align: usize) -> Invalid {
    record(VerifyErrorKind::Unaligned { what, align }, pos)
}

/// How one vector-like thing is named in errors: its length prefix, then
/// its elements.
type Names = (&'static str, &'static str);
const VECTOR: Names = ("vector length", "vector elements");
const STRING: Names = ("string length", "string bytes");

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
    /// The limits, for errors.
    max_depth: usize,
    max_tables: usize,
    /// Whether nested tables are left to be checked when they are reached
    /// (a shallow view's [`Lazy`](crate::lazy::Lazy)): only the offsets
    /// that lead to them are checked.
    shallow: bool,
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
            max_depth: options.max_depth,
            max_tables: options.max_tables,
            shallow: false,
        }
    }

    /// A checker for `buf` under `options` that stops at nested tables:
    /// the checks of table fields, vectors of tables and unions check the
    /// offsets that lead to tables (and a vector's length and range), not
    /// the tables. The table a check starts at is checked in full.
    #[inline]
    pub fn new_shallow(buf: &'a [u8], options: &VerifierOptions) -> Self {
        Checker {
            shallow: true,
            ..Checker::new(buf, options)
        }
    }

    /// Whether this checker stops at nested tables
    /// ([`new_shallow`](Self::new_shallow)).
    #[inline(always)]
    pub fn is_shallow(&self) -> bool {
        self.shallow
    }

    /// The buffer being checked.
    #[inline]
    pub fn buf(&self) -> &'a [u8] {
        self.buf
    }

    /// Records that the buffer breaks the rule `kind` at byte `offset`,
    /// and returns the `Invalid` to propagate.
    #[inline(always)]
    pub fn fail(&self, kind: VerifyErrorKind, offset: usize) -> Invalid {
        record(kind, offset)
    }

    /// `result`, with the field `name` added to the path of a failure.
    #[inline(always)]
    pub fn in_field<T>(&self, result: Checked<T>, name: &'static str) -> Checked<T> {
        result.map_err(|_| push_segment(Segment::Field(name)))
    }

    /// `result`, with the vector element `index` added to the path of a
    /// failure.
    #[inline(always)]
    pub fn in_element<T>(&self, result: Checked<T>, index: usize) -> Checked<T> {
        result.map_err(|_| push_segment(Segment::Element(index)))
    }

    /// `result`, with the union variant `name` added to the path of a
    /// failure.
    #[inline(always)]
    pub fn in_variant<T>(&self, result: Checked<T>, name: &'static str) -> Checked<T> {
        result.map_err(|_| push_segment(Segment::Variant(name)))
    }

    /// The error for the failure recorded, its path starting at `root`
    /// (the root type's name). Call it once a check returned `Invalid`.
    #[cold]
    #[inline(never)]
    pub fn into_error(&self, root: &str) -> VerifyError {
        let mut path = String::from(root);
        let Some(failure) = FAILURE.with(|slot| slot.borrow_mut().take()) else {
            debug_assert!(false, "a check failed without recording why");
            return VerifyError::new(VerifyErrorKind::MissingRequiredField, 0, path);
        };
        for segment in failure.path.iter().rev() {
            match segment {
                Segment::Field(name) => {
                    path.push('.');
                    path.push_str(name);
                }
                Segment::Element(index) => path.push_str(&format!("[{index}]")),
                Segment::Variant(name) => path.push_str(&format!("({name})")),
            }
        }
        VerifyError::new(failure.kind, failure.offset, path)
    }

    /// Counts `size` bytes towards the apparent size.
    #[inline(always)]
    fn charge(&mut self, size: usize) {
        self.size = self.size.saturating_add(size);
    }

    /// Fails once the apparent size is over the limit; `at` locates the
    /// check.
    #[inline(always)]
    fn within_limit(&self, at: usize) -> Checked {
        if self.size > self.max_size {
            let max_apparent_size = self.max_size;
            Err(self.fail(VerifyErrorKind::TooLarge { max_apparent_size }, at))
        } else {
            Ok(())
        }
    }

    /// The error for `what`, `size` bytes at `pos`, not in the buffer.
    #[inline(always)]
    fn out_of_bounds(&self, what: &'static str, pos: usize, size: usize) -> Invalid {
        out_of_bounds(what, pos, size, self.buf.len())
    }

    /// The error for `what` at `pos` not aligned to `align`.
    #[inline(always)]
    fn unaligned(&self, what: &'static str, pos: usize, align: usize) -> Invalid {
        unaligned(what, pos, align)
    }

    /// `pos..pos + size` lies in the buffer (saturating, as `flatbuffers`
    /// does), charged; `what` names it in errors.
    #[inline(always)]
    pub fn range(&mut self, what: &'static str, pos: usize, size: usize) -> Checked {
        if pos.saturating_add(size) > self.buf.len() {
            return Err(self.out_of_bounds(what, pos, size));
        }
        self.charge(size);
        Ok(())
    }

    /// The `N` bytes of a `T` at `pos`: aligned to `T` and in the buffer,
    /// charged.
    #[inline(always)]
    fn read<T, const N: usize>(&mut self, what: &'static str, pos: usize) -> Checked<[u8; N]> {
        if pos % align_of::<T>() != 0 {
            return Err(self.unaligned(what, pos, align_of::<T>()));
        }
        let bytes: [u8; N] = match pos
            .checked_add(N)
            .and_then(|end| self.buf.get(pos..end))
            .and_then(|bytes| bytes.try_into().ok())
        {
            Some(bytes) => bytes,
            None => return Err(self.out_of_bounds(what, pos, N)),
        };
        self.charge(N);
        Ok(bytes)
    }

    /// A scalar field or element of type `T` at `pos`.
    #[inline(always)]
    pub fn scalar<T>(&mut self, pos: usize) -> Checked {
        let what = core::any::type_name::<T>();
        if pos % align_of::<T>() != 0 {
            return Err(self.unaligned(what, pos, align_of::<T>()));
        }
        self.range(what, pos, size_of::<T>())
    }

    /// The byte at `pos`, in the buffer, charged.
    #[inline(always)]
    pub fn read_u8(&mut self, what: &'static str, pos: usize) -> Checked<u8> {
        self.read::<u8, 1>(what, pos).map(|[byte]| byte)
    }

    /// The `u32` at `pos`, aligned and in the buffer, charged.
    #[inline(always)]
    fn read_u32(&mut self, what: &'static str, pos: usize) -> Checked<u32> {
        self.read::<u32, 4>(what, pos).map(u32::from_le_bytes)
    }

    /// The offset at `pos`: returns the position it points to.
    #[inline(always)]
    pub fn offset(&mut self, pos: usize) -> Checked<usize> {
        let offset = self.read_u32("offset", pos)? as usize;
        Ok(offset.saturating_add(pos))
    }

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

    /// [`string`](Self::string), returning the string.
    #[inline(always)]
    pub fn string_value(&mut self, pos: usize) -> Checked<&'a str> {
        let (start, len) = self.vector_named(STRING, pos, 1, 1)?;
        self.within_limit(pos)?;
        let end = start + len;
        if !is_utf8(self.buf, start, end) {
            return Err(self.fail(VerifyErrorKind::NotUtf8, pos));
        }
        if self.null_terminated && self.buf.get(end) != Some(&0) {
            return Err(self.fail(VerifyErrorKind::NotNulTerminated, pos));
        }
        match self.buf.get(start..end) {
            // SAFETY: `is_utf8` accepted exactly these bytes: ASCII, or
            // what `core::str::from_utf8` accepts.
            Some(text) => Ok(unsafe { core::str::from_utf8_unchecked(text) }),
            None => Err(self.out_of_bounds(STRING.1, start, len)),
        }
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
    /// at the same position modulo 8, with the same vtable (at the same
    /// position: the same bytes), has every field at the same place
    /// relative to it, so the same alignment, and is charged the same. One
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
                if let Some(memo) = &memo {
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
    /// count when it does.
    #[inline(always)]
    fn same_table(&mut self, memo: &PlainTable, pos: usize) -> bool {
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
        if vtable_at(pos, soffset) != Some(memo.vtable) || self.tables_left == 0 {
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
        match self.field(table, slot) {
            Some(pos) => present(self, pos).map(Some),
            None if required => Err(self.fail(VerifyErrorKind::MissingRequiredField, table.pos)),
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
        let soffset = i32::from_le_bytes(self.read::<i32, 4>("table", pos)?);
        let vtable = vtable_at(pos, soffset);
        let vtable = match vtable {
            Some(vtable) if vtable < self.buf.len() => vtable,
            _ => {
                let at = vtable.unwrap_or(pos);
                return Err(self.out_of_bounds("vtable", at, 2));
            }
        };
        let vtable_len = usize::from(u16::from_le_bytes(
            self.read::<u16, 2>("vtable length", vtable)?,
        ));
        // `vtable` is even, so this is "`vtable_len` is even".
        if vtable_len % 2 != 0 {
            return Err(self.fail(VerifyErrorKind::VtableOddLength { len: vtable_len }, vtable));
        }
        let table_vtable = match vtable
            .checked_add(vtable_len)
            .and_then(|end| self.buf.get(vtable..end))
        {
            Some(bytes) => bytes,
            None => return Err(self.out_of_bounds("vtable", vtable, vtable_len)),
        };
        self.charge(vtable_len);
        self.within_limit(pos)?;
        match self.tables_left.checked_sub(1) {
            Some(left) => self.tables_left = left,
            None => {
                let max_tables = self.max_tables;
                return Err(self.fail(VerifyErrorKind::TooManyTables { max_tables }, pos));
            }
        }
        match self.depth_left.checked_sub(1) {
            Some(left) => self.depth_left = left,
            None => {
                let max_depth = self.max_depth;
                return Err(self.fail(VerifyErrorKind::TooDeep { max_depth }, pos));
            }
        }
        Ok(TableAt {
            pos,
            vtable: table_vtable,
        })
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
    pub fn field(&mut self, table: &TableAt<'_>, slot: u16) -> Option<usize> {
        let slot = usize::from(slot);
        debug_assert!(slot % 2 == 0, "slots are even");
        let entry = match table.vtable.get(slot..slot + 2) {
            Some(&[low, high]) => u16::from_le_bytes([low, high]),
            _ => return None,
        };
        self.charge(2);
        if entry == 0 {
            return None;
        }
        Some(table.pos.saturating_add(usize::from(entry)))
    }

    /// The position of `table`, for errors about it.
    #[inline(always)]
    pub fn table_pos(table: &TableAt<'_>) -> usize {
        table.pos
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

    /// The root: `root` checks (or decodes) what the offset at 0 points
    /// to, then the apparent size of the whole buffer is held to its
    /// limit. Returns the root's position and what `root` returned.
    #[inline(always)]
    pub fn root<T>(
        &mut self,
        root: impl FnOnce(&mut Self, usize) -> Checked<T>,
    ) -> Checked<(usize, T)> {
        let pos = match self.read_u32("root offset", 0) {
            Ok(offset) => offset as usize,
            Err(invalid) => return Err(invalid),
        };
        let value = root(self, pos)?;
        self.within_limit(pos)?;
        Ok((pos, value))
    }

    /// What the offset at `pos` points to, as a root: `target` checks (or
    /// decodes) it, then the apparent size is held to its limit. Returns
    /// the target's position and what `target` returned. For a nested
    /// table or union checked on its own ([`Lazy`](crate::lazy::Lazy)).
    #[inline]
    pub fn offset_root<T>(
        &mut self,
        pos: usize,
        target: impl FnOnce(&mut Self, usize) -> Checked<T>,
    ) -> Checked<(usize, T)> {
        let at = self.offset(pos)?;
        self.at_root(at, target).map(|value| (at, value))
    }

    /// What is at `pos`, as a root: `check` checks (or decodes) it, then
    /// the apparent size is held to its limit. For a nested vector checked
    /// on its own ([`LazyVector`](crate::lazy::LazyVector)).
    #[inline]
    pub fn at_root<T>(
        &mut self,
        pos: usize,
        check: impl FnOnce(&mut Self, usize) -> Checked<T>,
    ) -> Checked<T> {
        let value = check(self, pos)?;
        self.within_limit(pos)?;
        Ok(value)
    }

    /// A discriminant of type `T` (`N` bytes) at `pos`, charged as the
    /// reference verifier charges it (the value, then each byte on its
    /// own): returns its bytes.
    #[inline(always)]
    pub fn discriminant<T, const N: usize>(&mut self, pos: usize) -> Checked<[u8; N]> {
        let bytes = self.read::<T, N>(core::any::type_name::<T>(), pos)?;
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

    /// Charges the re-read of a vector's length prefix at `pos`.
    #[inline(always)]
    pub fn reread_len(&mut self, pos: usize) -> Checked<usize> {
        self.read_u32(VECTOR.0, pos).map(|len| len as usize)
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
        assert_eq!(checker.within_limit(0), Ok(()));
        assert_eq!(checker.scalar::<u8>(8), Ok(()));
        assert!(checker.within_limit(8).is_err());
        let err = checker.into_error("Root");
        assert_eq!(
            err.kind(),
            &VerifyErrorKind::TooLarge {
                max_apparent_size: 8
            }
        );
        assert_eq!(err.offset(), 8);
    }

    #[test]
    fn ranges_saturate_instead_of_wrapping() {
        let buf = [0u8; 16];
        let mut checker = Checker::new(&buf, &VerifierOptions::default());
        assert!(checker.scalar::<u32>(usize::MAX - 3).is_err());
        assert_eq!(checker.vector(12, 8, 4), Ok((16, 0)));
        let err = checker.into_error("Root");
        assert_eq!(
            err.kind(),
            &VerifyErrorKind::OutOfBounds {
                what: "u32",
                size: 4,
                buf_len: 16
            }
        );
        assert_eq!(err.offset(), usize::MAX - 3);
        let mut checker = Checker::new(&buf, &VerifierOptions::default());
        assert!(checker.scalar::<u32>(2).is_err(), "unaligned");
        assert_eq!(
            checker.into_error("Root").kind(),
            &VerifyErrorKind::Unaligned {
                what: "u32",
                align: 4
            }
        );
    }
}
