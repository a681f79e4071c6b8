//! Whole messages: verifying a payload and viewing or decoding its root,
//! and file identifiers.

use super::raw::{str_at, uoffset_target};
use super::table::{ShallowTable, TableType};
use crate::error::{Result, VerifyError, VerifyErrorKind};
use crate::verify::{Checked, Checker};

/// Verifies `payload` with the generated verifier of `T` and returns its
/// root view.
///
/// # Errors
///
/// [`Error::Verification`](crate::Error::Verification) with the rule, offset and path of the first
/// problem found.
#[inline]
pub fn root<'a, T: TableType>(
    payload: &'a [u8],
    options: &flatbuffers::VerifierOptions,
) -> Result<T::View<'a>> {
    let mut checker = Checker::new(payload, options);
    match checker.root(T::check_table) {
        // SAFETY: the checks of `T` accepted the table at `pos`.
        Ok((pos, ())) => Ok(unsafe { T::view_at(payload, pos) }),
        Err(_) => Err(checker.into_error(T::NAME).into()),
    }
}

/// Checks the root table of `payload` with a shallow checker (nested
/// tables left to their [`Lazy`](crate::lazy::Lazy) handles) and returns
/// its shallow view.
///
/// # Errors
///
/// As [`root`], for the root table and the offsets that leave it.
#[inline]
pub fn root_shallow<'a, T: ShallowTable>(
    payload: &'a [u8],
    options: &flatbuffers::VerifierOptions,
) -> Result<T::ShallowView<'a>> {
    let (pos, ()) = check_nested(payload, options, true, T::NAME, |checker| {
        checker.root(T::check_table)
    })?;
    // SAFETY: the checks of `T`, with a shallow checker, accepted the table
    // at `pos`.
    Ok(unsafe { T::shallow_at(payload, pos) })
}

/// Runs `check` with a checker of `buf` under `options` (shallow when
/// `shallow`): the error of a failure has its path start at `name`. The
/// shallow root and every check a `Lazy*` handle makes go through here
/// (`root` and `decode_root`, the verified hot paths, spell it out).
pub(crate) fn check_nested<'a, R>(
    buf: &'a [u8],
    options: &flatbuffers::VerifierOptions,
    shallow: bool,
    name: &str,
    check: impl FnOnce(&mut Checker<'a>) -> Checked<R>,
) -> Result<R> {
    let mut checker = if shallow {
        Checker::new_shallow(buf, options)
    } else {
        Checker::new(buf, options)
    };
    match check(&mut checker) {
        Ok(done) => Ok(done),
        Err(_) => Err(checker.into_error(name).into()),
    }
}

/// Returns the root view of `payload` without verifying it.
///
/// # Safety
///
/// `payload` must be a valid buffer whose root is a `T`.
#[inline]
pub unsafe fn root_unchecked<T: TableType>(payload: &[u8]) -> T::View<'_> {
    // SAFETY: per the caller, the root offset is there and points to a
    // table of `T`.
    unsafe { T::view_at(payload, uoffset_target(payload, 0)) }
}

/// Verifies a `String` message and returns the string.
pub(crate) fn string_root<'a>(
    payload: &'a [u8],
    options: &flatbuffers::VerifierOptions,
) -> Result<&'a str> {
    let mut checker = Checker::new(payload, options);
    match checker.root(Checker::string_value) {
        Ok((_, text)) => Ok(text),
        Err(_) => Err(checker.into_error("string").into()),
    }
}

/// The string of a `String` message, without verification.
///
/// # Safety
///
/// `payload` must be a valid string message: a root offset to a
/// length-prefixed UTF-8 string in bounds.
#[inline]
pub(crate) unsafe fn string_root_unchecked(payload: &[u8]) -> &str {
    // SAFETY: per the caller, the root offset is there and points to a
    // valid string.
    unsafe { str_at(payload, uoffset_target(payload, 0)) }
}
/// Checks and decodes a whole message of `T` in one pass, with the checks
/// [`root`] makes.
///
/// # Errors
///
/// As [`root`].
#[inline]
pub fn decode_root<T: TableType>(
    payload: &[u8],
    options: &flatbuffers::VerifierOptions,
) -> Result<T> {
    let mut checker = Checker::new(payload, options);
    match checker.root(T::decode_table) {
        Ok((_, value)) => Ok(value),
        Err(_) => Err(checker.into_error(T::NAME).into()),
    }
}
/// Checks that `payload` carries the four-byte `identifier` after its root
/// offset; `root` names the message type in the error.
#[inline]
pub fn check_identifier(payload: &[u8], identifier: &'static str, root: &str) -> Result<()> {
    if payload.get(4..8) == Some(identifier.as_bytes()) {
        return Ok(());
    }
    let mut expected = [0; 4];
    for (to, from) in expected.iter_mut().zip(identifier.bytes()) {
        *to = from;
    }
    let found = payload.get(4..8).and_then(|bytes| bytes.try_into().ok());
    let kind = VerifyErrorKind::FileIdentifier { expected, found };
    Err(VerifyError::new(kind, 4, root.into()).into())
}
