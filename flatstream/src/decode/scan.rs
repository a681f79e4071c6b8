//! Finding the next frame in a reader's unread bytes: strictly, or
//! skipping damaged bytes within a linear work [`Budget`].

use crate::error::Error;
use crate::framing::{Deframer, FrameClaim, FrameStatus};

use super::{Step, Verify};

/// Finds the next frame in `bytes` in [`Recovery::Strict`](crate::Recovery::Strict) mode: the frame
/// at the front, or an error. `eof` says no more bytes will come; `verify`
/// checks a payload (for typed reads) once its checksum matched.
#[inline]
pub(super) fn scan_strict<D>(deframer: &D, bytes: &[u8], eof: bool, verify: &mut Verify<'_>) -> Step
where
    D: Deframer + ?Sized,
{
    match deframer.decode_frame(bytes) {
        Ok(FrameStatus::Complete { frame_len, payload }) => match verify(&bytes[payload.clone()]) {
            Ok(()) => Step::Frame {
                skip: 0,
                frame_len,
                payload,
            },
            Err(err) => Step::Fail(Box::new(err)),
        },
        Ok(FrameStatus::Incomplete { needed }) if !eof => Step::NeedMore {
            skip: 0,
            total: needed,
        },
        Ok(FrameStatus::Incomplete { .. }) if bytes.is_empty() => Step::End { skip: 0 },
        Ok(FrameStatus::Incomplete { .. }) => Step::Fail(Box::new(Error::UnexpectedEof)),
        Err(err) => Step::Fail(Box::new(err)),
    }
}

/// Frames up to this many bytes, header included, are checked wherever
/// they are claimed, free of the [`Budget`]: checking one costs no more
/// than a few header reads, so the scan stays linear however many there are.
pub(crate) const FREE_CHECK_LEN: usize = 64;

/// What the [`Budget`] earns for every byte the scan moves past (skipped,
/// or read as a frame), in bytes it may hash, in each of its two pools.
pub(crate) const BUDGET_PER_BYTE: u64 = 4;

/// The most each pool of the [`Budget`] holds, and what it starts with:
/// twice the default frame limit, so that a full pool checks any frame.
pub(crate) const BUDGET_CAP: u64 = 2 * crate::framing::DEFAULT_MAX_FRAME_LEN as u64;

/// The work the [`Recovery::SkipCorrupted`](crate::Recovery::SkipCorrupted) scan may still spend checking
/// candidate frames longer than [`FREE_CHECK_LEN`].
///
/// # Why a budget
///
/// The scan tries every offset of a damaged region. Checking the frame an
/// offset claims costs its length (the checksum reads the whole payload),
/// so without a bound the work is the sum of what the bytes claim: 4 MiB
/// at every fourth offset of a crafted `00 00 40 00` pattern, and in
/// random bytes one offset in 256 claims up to 16 MiB. Only the length
/// prefix can be read in O(1) whatever the deframer: a prefix-and-combine
/// trick would serve the CRCs alone (not XXH3, the default, nor a user's
/// checksum), and a FlatBuffers plausibility check of the payload would
/// wrongly refuse payloads that are not FlatBuffers (raw frames,
/// transformed payloads) and is easily passed by crafted bytes. So the
/// scan prices each longer candidate at its claimed length and pays from
/// two pools, each earning [`BUDGET_PER_BYTE`] per byte moved past, capped
/// at [`BUDGET_CAP`]:
///
/// - the main pool pays for any candidate;
/// - when it cannot, the chained pool pays for a candidate that looks like
///   part of a run of frames: what follows its claimed end is the end of
///   the bytes, or a header with a valid claim whose own end is followed by
///   the same. An honest frame after damage nearly always passes; a random
///   offset does with odds of about 2⁻¹⁶ per candidate, so random damage
///   cannot drain this pool, and an intact frame of any length after it is
///   still found.
///
/// A candidate that has not arrived whole (in a reader not at the end of
/// its input) is waited for only if a pool could pay for it once it has,
/// and the wait is charged whatever the outcome, so claims of megabytes
/// ahead cannot make a reader buffer and move bytes beyond the budget
/// either.
///
/// A candidate neither pool can pay for is refused unchecked and counted in
/// [`ReadStats::unchecked_frames`](crate::ReadStats::unchecked_frames). The scan thus hashes at most
/// `2 * (BUDGET_CAP + BUDGET_PER_BYTE * n)` bytes beyond the short frames
/// over `n` bytes. It decides as a byte-by-byte scan would unless it
/// refuses an intact frame unchecked, which takes a frame longer than both
/// pools hold at that point: honest damage drains the main pool only
/// through damaged length fields (one 4 MiB claim costs what 512 KiB of
/// scanning earns), and rarely the chained one.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    main: u64,
    chained: u64,
    /// Candidates refused unchecked since the counters last took them.
    unchecked: u64,
    /// The claimed length of the candidate at the front of the unread
    /// bytes, when the scan chose to wait for the rest of it.
    awaited: Option<usize>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            main: BUDGET_CAP,
            chained: BUDGET_CAP,
            unchecked: 0,
            awaited: None,
        }
    }
}

impl Budget {
    /// Earns the pools' due for `bytes` moved past.
    #[inline]
    fn earn(&mut self, bytes: usize) {
        let due = (bytes as u64).saturating_mul(BUDGET_PER_BYTE);
        self.main = self.main.saturating_add(due).min(BUDGET_CAP);
        self.chained = self.chained.saturating_add(due).min(BUDGET_CAP);
    }

    /// Whether a candidate of `len` bytes that has not arrived whole is
    /// worth waiting for: a pool could pay for it once it has.
    #[inline]
    fn could_pay(&self, len: usize) -> bool {
        len <= FREE_CHECK_LEN || self.main.max(self.chained) >= len as u64
    }

    /// Pays for checking a candidate of `len` bytes, from the main pool,
    /// else from the chained one if `chained()` says the candidate is
    /// followed by frames.
    #[inline]
    fn pay(&mut self, len: usize, chained: impl FnOnce() -> bool) -> bool {
        let cost = len as u64;
        if len <= FREE_CHECK_LEN {
            true
        } else if self.main >= cost {
            self.main -= cost;
            true
        } else if self.chained >= cost && chained() {
            self.chained -= cost;
            true
        } else {
            self.unchecked += 1;
            false
        }
    }

    /// Candidates refused unchecked since the last call.
    #[inline]
    pub(crate) fn take_unchecked(&mut self) -> u64 {
        core::mem::take(&mut self.unchecked)
    }
}

/// Whether the bytes at `at` look like the next frame of a run: the end of
/// `bytes`, a header whose claim is valid (or unknown), and the same at
/// that claim's end (one level deeper).
fn chained<D: Deframer + ?Sized>(deframer: &D, bytes: &[u8], at: usize, depth: u8) -> bool {
    let Some(rest) = bytes.get(at..).filter(|rest| !rest.is_empty()) else {
        return true;
    };
    match deframer.frame_claim(rest) {
        FrameClaim::Len(len) if depth > 0 => {
            chained(deframer, bytes, at.saturating_add(len), depth - 1)
        }
        FrameClaim::Invalid => false,
        _ => true,
    }
}

/// Why the scan refused a candidate.
enum Refused {
    /// It is damaged (or cut short by the end of the stream).
    Damaged(Error),
    /// The [`Budget`] could not pay for checking its claimed length.
    Unchecked(usize),
}

/// The error for a candidate the [`Budget`] could not pay for.
#[cold]
#[inline(never)]
fn unchecked_error(len: usize) -> Error {
    Error::invalid_frame(format!(
        "candidate frame of {len} bytes left unchecked: the skip-mode scan's work budget \
         ({BUDGET_PER_BYTE} bytes hashed per byte read) is spent"
    ))
}

/// Finds the next frame in `bytes` in [`Recovery::SkipCorrupted`](crate::Recovery::SkipCorrupted) mode
/// (see [`scan_strict`] for `eof` and `verify`): tries every offset until
/// a frame is intact, paying for long candidates from `budget` so that
/// the work stays linear in the bytes scanned whatever they claim. The
/// second value is why the first skipped byte was skipped.
///
/// Each offset costs O(1) ([`Deframer::frame_claim`]) unless it claims a
/// frame that fits in `bytes` (or, before EOF, that the budget could pay
/// for once it arrives). A deframer is only ever shown the bytes of the
/// frame it claimed (a [`FREE_CHECK_LEN`] prefix when it cannot say), so
/// a user's deframer is bounded the same way.
#[inline(never)]
pub(super) fn scan_skipping<D>(
    deframer: &D,
    bytes: &[u8],
    eof: bool,
    budget: &mut Budget,
    verify: &mut Verify<'_>,
) -> (Step, Option<Box<Error>>)
where
    D: Deframer + ?Sized,
{
    let mut first_error: Option<Box<Error>> = None;
    // The candidate the last call waited for is at the front.
    let awaited = budget.awaited.take();
    let mut earned = 0;
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        // The candidate's claimed length, once known; `None` until then.
        let mut claim = match deframer.frame_claim(rest) {
            FrameClaim::Len(len) => Some(len),
            FrameClaim::Invalid => {
                if first_error.is_none() {
                    // Only for the region's reason: O(1), the header is bad.
                    let shown = rest.len().min(FREE_CHECK_LEN);
                    let err = deframer.decode_frame(&rest[..shown]).err();
                    first_error = Some(Box::new(err.unwrap_or(Error::UnexpectedEof)));
                }
                at += 1;
                continue;
            }
            _ => None,
        };
        let mut shown = rest.len().min(FREE_CHECK_LEN);
        let rejected = loop {
            if let Some(len) = claim {
                if len > rest.len() {
                    if eof {
                        break Refused::Damaged(Error::UnexpectedEof);
                    }
                    budget.earn(at - earned);
                    if budget.could_pay(len) {
                        budget.awaited = Some(len);
                        let step = Step::NeedMore {
                            skip: at,
                            total: len,
                        };
                        return (step, first_error);
                    }
                    break Refused::Unchecked(len);
                }
                budget.earn(at - earned);
                earned = at;
                if !budget.pay(len, || chained(deframer, bytes, at.saturating_add(len), 1)) {
                    if at == 0 && awaited == Some(len) {
                        // Waited for, then refused as unchained: the wait
                        // (bytes buffered and moved) is charged all the
                        // same, so that waits stay within the budget.
                        budget.chained = budget.chained.saturating_sub(len as u64);
                    }
                    break Refused::Unchecked(len);
                }
                shown = len;
            }
            match deframer.decode_frame(&rest[..shown]) {
                Ok(FrameStatus::Complete { frame_len, payload }) => {
                    match verify(&rest[payload.clone()]) {
                        Ok(()) => {
                            budget.earn(at + frame_len - earned);
                            let step = Step::Frame {
                                skip: at,
                                frame_len,
                                payload,
                            };
                            return (step, first_error);
                        }
                        Err(err) => break Refused::Damaged(err),
                    }
                }
                // Short of what it was shown: a deframer that cannot say
                // its claim. Its `needed` may be a guess (the provided
                // `decode_frame` doubles), so it is shown all the bytes
                // there are before the scan waits for more.
                Ok(FrameStatus::Incomplete { needed }) => {
                    let needed = needed.max(shown + 1);
                    claim = Some(if needed > rest.len() && shown < rest.len() {
                        rest.len()
                    } else {
                        needed
                    });
                }
                Err(err) => break Refused::Damaged(err),
            }
        };
        if first_error.is_none() {
            first_error = Some(Box::new(match rejected {
                Refused::Damaged(err) => err,
                Refused::Unchecked(len) => unchecked_error(len),
            }));
        }
        at += 1;
    }
    budget.earn(at - earned);
    let step = if eof {
        Step::End { skip: at }
    } else {
        Step::NeedMore { skip: at, total: 1 }
    };
    (step, first_error)
}
