//! The explaining half of the checks: what a failing check records (the
//! rule, its numbers and the byte offset), the path each enclosing field,
//! element and variant adds on the way out, and the error made of them.
//! All of it is on the cold path.

use crate::error::{VerifyError, VerifyErrorKind};

use super::{Checked, Checker, Invalid};

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

impl<'a> Checker<'a> {
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

    /// The error for `what`, `size` bytes at `pos`, not in the buffer.
    #[inline(always)]
    pub(super) fn out_of_bounds(&self, what: &'static str, pos: usize, size: usize) -> Invalid {
        out_of_bounds(what, pos, size, self.buf.len())
    }

    /// The error for `what` at `pos` not aligned to `align`.
    #[inline(always)]
    pub(super) fn unaligned(&self, what: &'static str, pos: usize, align: usize) -> Invalid {
        unaligned(what, pos, align)
    }
}
