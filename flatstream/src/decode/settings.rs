//! What every reader's public surface shares, written once: the
//! settings and counters over its [`ReadState`], and the
//! source and read-ahead bytes of the buffered readers.

use std::fmt;

use std::ops::Range;

use crate::error::Result;
use crate::framing::Deframer;

use super::{FrameBuf, Next, ReadState, Verify};

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
    pub(crate) fn step<D>(
        &mut self,
        state: &mut ReadState<D>,
        eof: bool,
        verify: &mut Verify<'_>,
    ) -> Result<Buffering>
    where
        D: Deframer,
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
