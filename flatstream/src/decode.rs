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
use crate::framing::{Deframer, FrameStatus};
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

/// Finds the next frame in `bytes`. `eof` says no more bytes will come;
/// `verify` checks a payload (for typed reads) once its checksum matched.
/// The second value is why the first skipped byte was skipped.
#[inline]
pub(crate) fn scan<D, V>(
    deframer: &D,
    bytes: &[u8],
    eof: bool,
    recovery: Recovery,
    verify: &mut V,
) -> (Step, Option<Box<Error>>)
where
    D: Deframer + ?Sized,
    V: FnMut(&[u8]) -> Result<()>,
{
    if recovery == Recovery::Strict {
        let step = match deframer.decode_frame(bytes) {
            Ok(FrameStatus::Complete { frame_len, payload }) => {
                match verify(&bytes[payload.clone()]) {
                    Ok(()) => Step::Frame {
                        skip: 0,
                        frame_len,
                        payload,
                    },
                    Err(err) => Step::Fail(Box::new(err)),
                }
            }
            Ok(FrameStatus::Incomplete { needed }) if !eof => Step::NeedMore {
                skip: 0,
                total: needed,
            },
            Ok(FrameStatus::Incomplete { .. }) if bytes.is_empty() => Step::End { skip: 0 },
            Ok(FrameStatus::Incomplete { .. }) => Step::Fail(Box::new(Error::UnexpectedEof)),
            Err(err) => Step::Fail(Box::new(err)),
        };
        return (step, None);
    }
    scan_skipping(deframer, bytes, eof, verify)
}

/// [`scan`] in [`Recovery::SkipCorrupted`] mode: tries every offset until
/// a frame is intact.
#[inline(never)]
fn scan_skipping<D, V>(
    deframer: &D,
    bytes: &[u8],
    eof: bool,
    verify: &mut V,
) -> (Step, Option<Box<Error>>)
where
    D: Deframer + ?Sized,
    V: FnMut(&[u8]) -> Result<()>,
{
    let mut first_error = None;
    let reject = |err: Error, first_error: &mut Option<Box<Error>>| {
        first_error.get_or_insert_with(|| Box::new(err));
    };
    let mut at = 0;
    loop {
        if at >= bytes.len() {
            let step = if eof {
                Step::End { skip: at }
            } else {
                Step::NeedMore { skip: at, total: 1 }
            };
            return (step, first_error);
        }
        match deframer.decode_frame(&bytes[at..]) {
            Ok(FrameStatus::Complete { frame_len, payload }) => {
                match verify(&bytes[at + payload.start..at + payload.end]) {
                    Ok(()) => {
                        let step = Step::Frame {
                            skip: at,
                            frame_len,
                            payload,
                        };
                        return (step, first_error);
                    }
                    Err(err) => reject(err, &mut first_error),
                }
            }
            Ok(FrameStatus::Incomplete { needed }) if !eof => {
                return (
                    Step::NeedMore {
                        skip: at,
                        total: needed,
                    },
                    first_error,
                );
            }
            Ok(FrameStatus::Incomplete { .. }) => reject(Error::UnexpectedEof, &mut first_error),
            Err(err) => reject(err, &mut first_error),
        }
        at += 1;
    }
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
    /// The caller then drops what was consumed: `skip` bytes, plus
    /// `frame_len` for a frame, whose `payload` range is relative to the
    /// start of `unread`.
    #[inline]
    pub(crate) fn step<V>(
        &mut self,
        unread: &[u8],
        position: u64,
        eof: bool,
        verify: &mut V,
    ) -> Step
    where
        V: FnMut(&[u8]) -> Result<()>,
    {
        if position == 0 && !self.header_checked {
            if let Some(step) = self.header_step(unread, eof) {
                return step;
            }
        }
        let (step, reason) = scan(&self.deframer, unread, eof, self.recovery, verify);
        match step {
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
        }
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
            return match state.step(frames.unread(), position, eof, verify) {
                Step::Header { frame_len } => {
                    frames.consume(frame_len);
                    continue;
                }
                Step::Frame {
                    skip,
                    frame_len,
                    payload,
                } => {
                    frames.consume(skip + frame_len);
                    Ok(Buffering::Frame(head + payload.start..head + payload.end))
                }
                Step::NeedMore { skip, total } => {
                    frames.consume(skip);
                    Ok(Buffering::Read(total))
                }
                Step::End { skip } => {
                    frames.consume(skip);
                    Ok(Buffering::End)
                }
                Step::Fail(err) => Err(*err),
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
