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

mod failure;
mod table;
mod vector;

use core::mem::{align_of, size_of};

use flatbuffers::VerifierOptions;

use crate::error::VerifyErrorKind;

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

/// One field of a table being visited: the table, the field's slot, and
/// whether the table must hold it. What each field's check is handed.
#[derive(Debug, Clone, Copy)]
pub struct FieldAt<'t, 'a> {
    table: &'t TableAt<'a>,
    slot: u16,
    required: bool,
}

impl<'a> TableAt<'a> {
    /// The field at `slot`, which the table must hold when `required`.
    #[inline(always)]
    pub fn at(&self, slot: u16, required: bool) -> FieldAt<'_, 'a> {
        FieldAt {
            table: self,
            slot,
            required,
        }
    }
}

impl<'t, 'a> FieldAt<'t, 'a> {
    /// The same field, which the table may leave out (an `Option`'s).
    #[inline(always)]
    pub fn optional(self) -> Self {
        Self {
            required: false,
            ..self
        }
    }

    /// The same field, which the table must hold when `required` too (a
    /// type that is always required: a table not in `Option`).
    #[inline(always)]
    pub fn required_if(self, required: bool) -> Self {
        Self {
            required: self.required || required,
            ..self
        }
    }

    /// The table the field is in.
    #[inline(always)]
    pub fn table(self) -> &'t TableAt<'a> {
        self.table
    }

    /// The field's slot.
    #[inline(always)]
    pub fn slot(self) -> u16 {
        self.slot
    }

    /// Whether the table must hold the field.
    #[inline(always)]
    pub fn required(self) -> bool {
        self.required
    }
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

    /// The `len` bytes at `start`, which a check has found in the buffer
    /// (empty otherwise).
    #[inline(always)]
    pub fn slice(&self, start: usize, len: usize) -> &'a [u8] {
        start
            .checked_add(len)
            .and_then(|end| self.buf.get(start..end))
            .unwrap_or(&[])
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
