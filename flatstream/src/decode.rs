//! The machinery every reader shares, free of I/O: a byte buffer that
//! frames are decoded from in place, and the scanner that finds the next
//! frame — strictly, or skipping damaged bytes until an intact frame.
//!
//! Keeping it free of I/O lets the blocking, async and slice readers share
//! one implementation of the format's rules.

use std::fmt;
use std::ops::Range;

use flatbuffers::VerifierOptions;

use crate::error::{Error, Result};
use crate::framing::{Deframer, FrameClaim, FrameStatus};
use crate::header::StreamHeader;
use crate::serialize::StreamDeserialize;

/// What a reader does when it meets a damaged frame.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Recovery {
    /// Stop with an error at the first damaged frame. The error comes back
    /// on every further read (nothing is consumed), except that a torn tail
    /// reads on once more bytes have been appended.
    #[default]
    Strict,
    /// Skip damaged bytes: resynchronise on the next intact frame (length
    /// within the limit, checksum matching, payload verifying), never yield
    /// a damaged frame, and count what was skipped in
    /// [`ReadStats`](crate::ReadStats).
    ///
    /// The scan tries every offset, yet its work is linear in the bytes it
    /// scans whatever they claim: a candidate longer than 64 bytes is
    /// checked only if a work budget (4 bytes hashed per byte scanned, up
    /// to 32 MiB in reserve, and as much again for candidates followed by
    /// more frames) can pay for its length. A candidate it cannot pay for
    /// is refused unchecked and counted in
    /// [`ReadStats::unchecked_frames`]. The candidates so refused are
    /// those that claim far more than the bytes around them hold (crafted
    /// or random bytes, damaged length fields); the intact frames of a
    /// damaged stream are found as a scan checking every offset finds
    /// them, unless one is longer than what the budget holds then.
    SkipCorrupted,
}

/// Counters of what a reader has read and skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadStats {
    /// Intact frames read.
    pub frames: u64,
    /// Bytes consumed from the stream: frames, headers included, and
    /// skipped bytes.
    pub bytes: u64,
    /// Damaged regions skipped over (always 0 in strict mode).
    pub skipped_regions: u64,
    /// Bytes in the skipped regions.
    pub skipped_bytes: u64,
    /// Candidate frames inside skipped regions that were refused without
    /// being checked, because the skip-mode scan's work budget could not
    /// pay for their claimed length (see [`Recovery::SkipCorrupted`]).
    /// It moves when the bytes claim far more frame bytes than they hold:
    /// crafted input, a stream read with the wrong checksum or deframer,
    /// random bytes, or damaged length fields claiming megabytes. Those
    /// candidates are almost surely damaged; an intact frame is refused
    /// only if it is longer than what the budget holds at that point.
    pub unchecked_frames: u64,
}

/// A run of damaged bytes that [`Recovery::SkipCorrupted`] skipped.
#[derive(Debug)]
#[non_exhaustive]
pub struct SkippedRegion {
    /// Stream offset of the first skipped byte.
    pub offset: u64,
    /// Bytes skipped.
    pub len: u64,
    /// Why the frame that should have started at `offset` was refused.
    pub reason: Error,
}

pub(crate) type SkipCallback = Box<dyn FnMut(&SkippedRegion) + Send>;

/// The damaged region being skipped, and who to tell when it ends.
#[derive(Default)]
pub(crate) struct Skips {
    current: Option<SkippedRegion>,
    callback: Option<SkipCallback>,
    /// What the skip-mode scan may still spend on long candidates.
    budget: Budget,
}

impl Skips {
    pub(crate) fn set_callback(&mut self, callback: SkipCallback) {
        self.callback = Some(callback);
    }

    /// Adds `n` skipped bytes at stream offset `offset` to the current
    /// region, opening one if needed.
    pub(crate) fn extend(&mut self, offset: u64, n: usize, reason: Option<Box<Error>>) {
        let region = self.current.get_or_insert_with(|| SkippedRegion {
            offset,
            len: 0,
            reason: reason.map_or(Error::UnexpectedEof, |reason| *reason),
        });
        region.len += n as u64;
    }

    /// Closes the current region, if any: counts it in `stats` and reports
    /// it to the callback.
    #[inline]
    pub(crate) fn finish(&mut self, stats: &mut ReadStats) {
        // Checked in place: taking the region out moves the whole of it,
        // error included, on every frame.
        if self.current.is_some() {
            self.close(stats);
        }
    }

    #[cold]
    #[inline(never)]
    fn close(&mut self, stats: &mut ReadStats) {
        if let Some(region) = self.current.take() {
            stats.skipped_regions += 1;
            stats.skipped_bytes += region.len;
            stats.bytes += region.len;
            if let Some(callback) = &mut self.callback {
                callback(&region);
            }
        }
    }
}

impl std::fmt::Debug for Skips {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Skips")
            .field("current", &self.current)
            .field("callback", &self.callback.is_some())
            .field("budget", &self.budget)
            .finish()
    }
}

/// Smallest read the buffer asks of the underlying reader, and its
/// growth step.
pub(crate) const MIN_READ: usize = 64 * 1024;

/// Bytes read ahead of the frames decoded so far.
#[derive(Debug, Default)]
pub(crate) struct FrameBuf {
    buf: Vec<u8>,
    head: usize,
    tail: usize,
    /// Stream offset of `buf[head]`.
    position: u64,
}

impl FrameBuf {
    /// Bytes read but not yet consumed.
    #[inline]
    pub(crate) fn unread(&self) -> &[u8] {
        &self.buf[self.head..self.tail]
    }

    /// Stream offset of the first unread byte.
    #[inline]
    pub(crate) fn position(&self) -> u64 {
        self.position
    }

    /// Drops `n` unread bytes from the front.
    #[inline]
    pub(crate) fn consume(&mut self, n: usize) {
        debug_assert!(n <= self.tail - self.head);
        self.head += n;
        self.position += n as u64;
        if self.head == self.tail {
            self.head = 0;
            self.tail = 0;
        }
    }

    /// Bytes at an absolute `range` of the buffer (see [`head`](Self::head)).
    /// They stay in place after being consumed, until the next
    /// [`spare`](Self::spare).
    #[inline]
    pub(crate) fn bytes(&self, range: Range<usize>) -> &[u8] {
        &self.buf[range]
    }

    /// Absolute index in the buffer of the first unread byte.
    #[inline]
    pub(crate) fn head(&self) -> usize {
        self.head
    }

    /// Room to read into so that, once filled, `total` unread bytes could
    /// be held. Grows the buffer by at most what it holds (or
    /// [`MIN_READ`]) at a time, so its size follows the bytes that really
    /// arrive, not what a header claims.
    pub(crate) fn spare(&mut self, total: usize) -> &mut [u8] {
        let have = self.tail - self.head;
        let more = total.saturating_sub(have).max(1);
        let room = self.buf.len() - self.tail;
        if (room < more || room < MIN_READ / 4) && self.head > 0 {
            self.buf.copy_within(self.head..self.tail, 0);
            self.head = 0;
            self.tail = have;
        }
        let room = self.buf.len() - self.tail;
        if room < more && room < MIN_READ {
            let step = more.min(have.max(MIN_READ));
            let new_len = (have + step).max(MIN_READ);
            // A fresh zeroed allocation (calloc: no memset for large sizes)
            // rather than `resize`, which would zero the new part by hand.
            let mut grown = vec![0u8; new_len];
            grown[..have].copy_from_slice(&self.buf[self.head..self.tail]);
            self.buf = grown;
            self.head = 0;
            self.tail = have;
        }
        &mut self.buf[self.tail..]
    }

    /// Marks `n` bytes after the unread ones as filled.
    #[inline]
    pub(crate) fn commit(&mut self, n: usize) {
        debug_assert!(self.tail + n <= self.buf.len());
        self.tail += n;
    }
}

/// What the scanner found at the front of the unread bytes.
#[derive(Debug)]
pub(crate) enum Step {
    /// An intact frame starts `skip` bytes in (`skip` > 0 only when
    /// skipping damage); `payload` is relative to the frame's start.
    Frame {
        skip: usize,
        frame_len: usize,
        payload: Range<usize>,
    },
    /// Drop `skip` damaged bytes, then read until `total` bytes are unread.
    NeedMore { skip: usize, total: usize },
    /// The stream ends here; the last `skip` bytes are damaged (0 is a
    /// clean end).
    End { skip: usize },
    /// Strict mode: the frame at the front is damaged. Boxed, so that the
    /// step a successful read passes around stays a few words.
    Fail(Box<Error>),
    /// The stream's header, `frame_len` bytes at its very start, was read
    /// into the reader's state: drop it and go on.
    Header { frame_len: usize },
}

impl Step {
    /// How many bytes at the front the caller drops, and what it does
    /// then. A frame's `payload` must already be relative to the front
    /// (as [`ReadState::step`] makes it).
    #[inline]
    fn consume(self) -> (usize, Next) {
        match self {
            Step::Header { frame_len } => (frame_len, Next::Again),
            Step::Frame {
                skip,
                frame_len,
                payload,
            } => (skip + frame_len, Next::Frame(payload)),
            Step::NeedMore { skip, total } => (skip, Next::Read(total)),
            Step::End { skip } => (skip, Next::End),
            Step::Fail(err) => (0, Next::Fail(err)),
        }
    }
}

/// What a reader does after a [`ReadState::step`], once it has dropped
/// the bytes the step consumed: the one loop every reader runs.
#[derive(Debug)]
pub(crate) enum Next {
    /// The stream's header was read: step again.
    Again,
    /// An intact frame; its payload at this range of the bytes the step
    /// was given (the dropped ones included).
    Frame(Range<usize>),
    /// Read until this many bytes are unread.
    Read(usize),
    /// The stream ended.
    End,
    /// Strict mode: the frame at the front is damaged.
    Fail(Box<Error>),
}

/// Finds the next frame in `bytes` in [`Recovery::Strict`] mode: the frame
/// at the front, or an error. `eof` says no more bytes will come; `verify`
/// checks a payload (for typed reads) once its checksum matched.
#[inline]
fn scan_strict<D, V>(deframer: &D, bytes: &[u8], eof: bool, verify: &mut V) -> Step
where
    D: Deframer + ?Sized,
    V: FnMut(&[u8]) -> Result<()>,
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

/// The work the [`Recovery::SkipCorrupted`] scan may still spend checking
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
/// [`ReadStats::unchecked_frames`]. The scan thus hashes at most
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

/// Finds the next frame in `bytes` in [`Recovery::SkipCorrupted`] mode
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
fn scan_skipping<D, V>(
    deframer: &D,
    bytes: &[u8],
    eof: bool,
    budget: &mut Budget,
    verify: &mut V,
) -> (Step, Option<Box<Error>>)
where
    D: Deframer + ?Sized,
    V: FnMut(&[u8]) -> Result<()>,
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

/// What every reader keeps besides its bytes: the deframer, the recovery
/// mode, the verifier's limits, the counters and the damaged region being
/// skipped, and whether an iterator over it has ended.
///
/// Free of I/O and of any buffer: each reader hands [`step`](Self::step)
/// its unread bytes and drops what the step says was consumed, so the
/// blocking, async, slice and codec readers apply one set of rules.
#[derive(Debug)]
pub(crate) struct ReadState<D> {
    pub(crate) deframer: D,
    pub(crate) recovery: Recovery,
    pub(crate) verifier: VerifierOptions,
    pub(crate) stats: ReadStats,
    pub(crate) skips: Skips,
    /// Set once an iterator or stream over the reader has returned its
    /// last item (the end, or a strict error); cleared by `set_recovery`.
    pub(crate) fused: bool,
    /// The stream's header, once read.
    pub(crate) header: Option<StreamHeader>,
    /// Whether the start of the stream was looked at for a header.
    header_checked: bool,
    /// How a typed reader checks a header against its type.
    pub(crate) expect: Option<fn(&StreamHeader) -> Result<()>>,
    /// Stream offset of the last frame found, for the layers over a
    /// reader (see `layered`) to locate their errors.
    pub(crate) last_frame: u64,
}

impl<D> ReadState<D> {
    pub(crate) fn new(deframer: D) -> Self {
        ReadState {
            deframer,
            recovery: Recovery::Strict,
            verifier: VerifierOptions::default(),
            stats: ReadStats::default(),
            skips: Skips::default(),
            fused: false,
            header: None,
            header_checked: false,
            expect: None,
            last_frame: 0,
        }
    }

    /// Prepares a read of `T`: a header met from now on is checked against
    /// `T`. Returns the verifier's limits.
    #[inline]
    pub(crate) fn typed<T: StreamDeserialize>(&mut self) -> VerifierOptions {
        self.expect = Some(T::check_header);
        self.verifier.clone()
    }

    /// Counts `n` damaged bytes at stream offset `position`.
    #[inline]
    fn skip(&mut self, position: u64, n: usize, reason: Option<Box<Error>>) {
        if n > 0 {
            self.skips.extend(position, n, reason);
        }
    }

    /// Ends an iteration step: fuses the iterator after the end of the
    /// stream or an error, and passes the item on.
    #[inline]
    pub(crate) fn fuse<I>(&mut self, next: Result<Option<I>>) -> Option<Result<I>> {
        if !matches!(next, Ok(Some(_))) {
            self.fused = true;
        }
        next.transpose()
    }
}

impl<D: Deframer> ReadState<D> {
    /// Finds the next frame in `unread`, the bytes from stream offset
    /// `position` on, and does the bookkeeping: skipped bytes are counted
    /// (and their region closed at the next frame or the end), a found
    /// frame is counted, a strict error gains its offset.
    ///
    /// Returns how many bytes at the front of `unread` the caller drops
    /// (header, damaged bytes, the frame found), and what it does next.
    #[inline]
    pub(crate) fn step<V>(
        &mut self,
        unread: &[u8],
        position: u64,
        eof: bool,
        verify: &mut V,
    ) -> (usize, Next)
    where
        V: FnMut(&[u8]) -> Result<()>,
    {
        if position == 0 && !self.header_checked {
            if let Some(step) = self.header_step(unread, eof) {
                return step.consume();
            }
        }
        let budget = &mut self.skips.budget;
        let (step, reason) = match self.recovery {
            Recovery::Strict => (scan_strict(&self.deframer, unread, eof, verify), None),
            Recovery::SkipCorrupted => scan_skipping(&self.deframer, unread, eof, budget, verify),
        };
        self.stats.unchecked_frames += budget.take_unchecked();
        let step = match step {
            Step::Frame {
                skip,
                frame_len,
                payload,
            } => {
                self.skip(position, skip, reason);
                self.skips.finish(&mut self.stats);
                self.stats.frames += 1;
                self.stats.bytes += frame_len as u64;
                self.last_frame = position + skip as u64;
                Step::Frame {
                    skip,
                    frame_len,
                    payload: skip + payload.start..skip + payload.end,
                }
            }
            Step::NeedMore { skip, total } => {
                self.skip(position, skip, reason);
                Step::NeedMore { skip, total }
            }
            Step::End { skip } => {
                self.skip(position, skip, reason);
                self.skips.finish(&mut self.stats);
                Step::End { skip }
            }
            Step::Fail(mut err) => {
                // Reuses the box: the error only gains its offset.
                let inner = core::mem::replace(&mut *err, Error::UnexpectedEof);
                *err = inner.at_offset(position);
                Step::Fail(err)
            }
            Step::Header { .. } => unreachable!("the scanner never finds a header"),
        };
        step.consume()
    }

    /// At the very start of the stream: reads the first frame as a header
    /// if it is one (checksum matching, a valid `StreamHeader` payload)
    /// and, for a typed reader, checks it against the type. `None` when
    /// the stream has no header (or the frame is damaged: the scan then
    /// deals with it as with any frame).
    #[cold]
    #[inline(never)]
    fn header_step(&mut self, unread: &[u8], eof: bool) -> Option<Step> {
        match self.deframer.decode_frame(unread) {
            Ok(FrameStatus::Complete { frame_len, payload }) => {
                self.header_checked = true;
                let header = StreamHeader::from_payload(&unread[payload])?;
                if let Some(check) = self.expect {
                    if let Err(err) = check(&header) {
                        // Not consumed: the same error comes back.
                        self.header_checked = false;
                        return Some(Step::Fail(Box::new(err)));
                    }
                }
                self.stats.bytes += frame_len as u64;
                self.header = Some(header);
                Some(Step::Header { frame_len })
            }
            Ok(FrameStatus::Incomplete { needed }) if !eof => Some(Step::NeedMore {
                skip: 0,
                total: needed,
            }),
            _ => {
                self.header_checked = true;
                None
            }
        }
    }
}

/// The settings and counters every reader has, written once: each
/// reader's `impl` block invokes this with the path of its [`ReadState`].
macro_rules! read_settings {
    ($deframer:ty; $($state:ident).+) => {
        /// Sets what the reader does with damaged frames (see
        /// [`Recovery`](crate::Recovery)).
        #[must_use]
        pub fn with_recovery(mut self, recovery: crate::Recovery) -> Self {
            self.$($state).+.recovery = recovery;
            self
        }

        /// Changes the recovery mode from the next read on, for instance
        /// to skip past a damaged frame after a strict read reported it.
        /// An iterator that ended on an error carries on.
        pub fn set_recovery(&mut self, recovery: crate::Recovery) {
            self.$($state).+.recovery = recovery;
            self.$($state).+.fused = false;
        }

        /// The recovery mode.
        pub fn recovery(&self) -> crate::Recovery {
            self.$($state).+.recovery
        }

        /// Calls `callback` with each damaged region skipped in
        /// [`Recovery::SkipCorrupted`](crate::Recovery::SkipCorrupted)
        /// mode: its offset, length and why its first frame was refused.
        #[must_use]
        pub fn with_skip_callback(
            mut self,
            callback: impl FnMut(&crate::SkippedRegion) + Send + 'static,
        ) -> Self {
            self.$($state).+.skips.set_callback(Box::new(callback));
            self
        }

        /// Counters of frames and bytes read and skipped so far.
        pub fn stats(&self) -> &crate::ReadStats {
            &self.$($state).+.stats
        }

        /// The stream's header, once the reader has read past it (see
        /// [`StreamHeader`](crate::StreamHeader)); `None` for a stream
        /// without one.
        pub fn header(&self) -> Option<&crate::StreamHeader> {
            self.$($state).+.header.as_ref()
        }

        /// The deframer.
        pub fn deframer(&self) -> &$deframer {
            &self.$($state).+.deframer
        }
    };
}
pub(crate) use read_settings;

/// A reader's source and the bytes read from it ahead of the frames
/// decoded so far: what the blocking and async frame readers hold besides
/// their [`ReadState`].
#[derive(Debug)]
pub(crate) struct Buffered<R> {
    pub(crate) reader: R,
    pub(crate) frames: FrameBuf,
}

impl<R> Buffered<R> {
    pub(crate) fn new(reader: R) -> Self {
        Buffered {
            reader,
            frames: FrameBuf::default(),
        }
    }

    /// One [`ReadState::step`] over the buffered bytes, dropping what it
    /// consumed. `eof` says the reader has no more bytes.
    #[inline]
    pub(crate) fn step<D, V>(
        &mut self,
        state: &mut ReadState<D>,
        eof: bool,
        verify: &mut V,
    ) -> Result<Buffering>
    where
        D: Deframer,
        V: FnMut(&[u8]) -> Result<()>,
    {
        loop {
            let frames = &mut self.frames;
            let (head, position) = (frames.head(), frames.position());
            let (consumed, next) = state.step(frames.unread(), position, eof, verify);
            frames.consume(consumed);
            return match next {
                Next::Again => continue,
                Next::Frame(payload) => {
                    Ok(Buffering::Frame(head + payload.start..head + payload.end))
                }
                Next::Read(total) => Ok(Buffering::Read(total)),
                Next::End => Ok(Buffering::End),
                Next::Fail(err) => Err(*err),
            };
        }
    }
}

/// What a [`Buffered`] reader does after a step.
pub(crate) enum Buffering {
    /// An intact frame's payload, at this absolute range of the buffer
    /// (see [`FrameBuf::bytes`]).
    Frame(Range<usize>),
    /// Read more bytes, so that this many could be unread.
    Read(usize),
    /// The stream ended.
    End,
}

/// `Debug` for a reader over a [`Buffered`] source.
pub(crate) fn debug_reader<R: fmt::Debug, D: fmt::Debug>(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    source: &Buffered<R>,
    state: &ReadState<D>,
) -> fmt::Result {
    f.debug_struct(name)
        .field("reader", &source.reader)
        .field("deframer", &state.deframer)
        .field("recovery", &state.recovery)
        .field("position", &source.frames.position())
        .field("stats", &state.stats)
        .finish_non_exhaustive()
}

/// The accessors of a reader over a [`Buffered`] source, written once:
/// each reader's `impl` block invokes this with the path of its source.
macro_rules! buffered_accessors {
    ($($source:ident).+) => {
        /// Byte offset in the stream of the next frame to read (after an
        /// error in strict mode: of the damaged frame).
        pub fn position(&self) -> u64 {
            self.$($source).+.frames.position()
        }

        /// Bytes read from the underlying reader but not yet returned.
        pub fn buffered(&self) -> &[u8] {
            self.$($source).+.frames.unread()
        }

        /// The underlying reader.
        pub fn get_ref(&self) -> &R {
            &self.$($source).+.reader
        }

        /// The underlying reader, mutably. Reading from it directly skips
        /// bytes this reader has not seen.
        pub fn get_mut(&mut self) -> &mut R {
            &mut self.$($source).+.reader
        }

        /// Returns the underlying reader. Bytes already buffered (see
        /// [`buffered`](Self::buffered)) are lost.
        pub fn into_inner(self) -> R {
            self.$($source).+.reader
        }
    };
}
pub(crate) use buffered_accessors;

/// The verifier's limits, for the typed readers.
macro_rules! verifier_setting {
    ($($state:ident).+) => {
        /// Sets the limits the FlatBuffers verifier enforces on each
        /// payload (nesting depth, table count, apparent size). The
        /// defaults are the `flatbuffers` crate's: depth 64, a million
        /// tables.
        #[must_use]
        pub fn with_verifier_options(mut self, options: crate::VerifierOptions) -> Self {
            self.$($state).+.verifier = options;
            self
        }
    };
}
pub(crate) use verifier_setting;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spare_grows_with_what_arrives_not_with_what_is_claimed() {
        let mut frames = FrameBuf::default();
        let claimed = 16 << 20;
        let room = frames.spare(claimed).len();
        assert_eq!(room, MIN_READ, "first read is one step, not the claim");
        frames.commit(room);
        let room = frames.spare(claimed).len();
        assert_eq!(room, MIN_READ, "then grows by what it holds");
        frames.commit(room);
        assert_eq!(frames.spare(claimed).len(), 2 * MIN_READ);
    }

    #[test]
    fn consume_compacts_lazily() {
        let mut frames = FrameBuf::default();
        let n = frames.spare(10).len();
        frames.commit(n);
        frames.consume(n - 3);
        assert_eq!(frames.unread().len(), 3);
        assert_eq!(frames.position(), (n - 3) as u64);
        // Asking for more than the room at the end moves the rest down.
        let room = frames.spare(10).len();
        assert!(room >= 7);
        assert_eq!(frames.head(), 0);
        frames.consume(3);
        assert!(frames.unread().is_empty());
    }
}
