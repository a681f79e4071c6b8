//! The machinery every reader shares, free of I/O: a byte buffer that
//! frames are decoded from in place, and the scanner that finds the next
//! frame — strictly, or skipping damaged bytes until an intact frame.
//!
//! Keeping it free of I/O lets the blocking, async and slice readers share
//! one implementation of the format's rules.

use std::ops::Range;

use flatbuffers::VerifierOptions;

use crate::error::{Error, Result};
use crate::framing::{Deframer, FrameStatus};
use crate::header::StreamHeader;
use crate::serialize::StreamDeserialize;

mod scan;
mod settings;

use scan::{scan_skipping, scan_strict, Budget};
pub(crate) use settings::{
    buffered_accessors, debug_reader, read_settings, verifier_setting, Buffered, Buffering,
};

/// What a reader checks a payload with once its checksum matched: nothing
/// for raw payloads, the verifier (or the one-pass decoder) for a typed
/// read.
///
/// Called through `dyn`, so that the frame loop of every reader is
/// compiled once per deframer and source rather than once per message
/// type; the call costs one indirect jump a frame.
pub(crate) type Verify<'v> = dyn FnMut(&[u8]) -> Result<()> + 'v;

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
    pub(crate) fn step(
        &mut self,
        unread: &[u8],
        position: u64,
        eof: bool,
        verify: &mut Verify<'_>,
    ) -> (usize, Next) {
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
