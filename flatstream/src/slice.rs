//! [`SliceReader`]: reads a stream held in memory — a buffer, or a file
//! mapped with `memmap2` — handing out views that borrow the slice itself.

use std::fmt;
use std::marker::PhantomData;

use flatbuffers::VerifierOptions;

use crate::decode::{scan, ReadStats, Recovery, SkipCallback, SkippedRegion, Skips, Step};
use crate::error::{Error, Result};
use crate::framing::Deframer;
use crate::serialize::StreamDeserialize;

/// Reads a stream of `T` messages from a byte slice, without copying.
///
/// Unlike [`StreamReader`](crate::StreamReader), whose views borrow its
/// buffer until the next read, a `SliceReader`'s views borrow the slice:
/// they live as long as the bytes, so they can be collected, sorted or
/// kept while iteration goes on. It is an
/// `Iterator<Item = Result<T::View<'a>>>`, which ends after the first
/// error in strict mode.
///
/// # Examples
///
/// ```
/// use flatstream::{checksum::XxHash64, framing::*, SliceReader, StreamWriter};
///
/// let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(XxHash64::new()));
/// writer.write_batch(&["b", "a", "c"])?;
/// let bytes = writer.into_inner();
///
/// let reader = SliceReader::<String, _>::new(&bytes, ChecksumDeframer::new(XxHash64::new()));
/// let mut views: Vec<&str> = reader.collect::<Result<_, _>>()?;
/// views.sort(); // the views outlive the iteration
/// assert_eq!(views, ["a", "b", "c"]);
///
/// // A torn tail is an error, after the intact frames.
/// let mut reader = SliceReader::<String, _>::new(&bytes[..bytes.len() - 1], ChecksumDeframer::new(XxHash64::new()));
/// assert_eq!(reader.next().unwrap()?, "b");
/// assert_eq!(reader.next().unwrap()?, "a");
/// assert!(reader.next().unwrap().is_err());
/// assert!(reader.next().is_none());
/// # Ok::<(), flatstream::Error>(())
/// ```
pub struct SliceReader<'a, T, D> {
    bytes: &'a [u8],
    position: usize,
    deframer: D,
    recovery: Recovery,
    verifier: VerifierOptions,
    stats: ReadStats,
    skips: Skips,
    fused: bool,
    _message: PhantomData<fn() -> T>,
}

impl<'a, T, D: Deframer> SliceReader<'a, T, D> {
    /// A reader of the frames in `bytes`, deframed by `deframer`.
    pub fn new(bytes: &'a [u8], deframer: D) -> Self {
        SliceReader {
            bytes,
            position: 0,
            deframer,
            recovery: Recovery::Strict,
            verifier: VerifierOptions::default(),
            stats: ReadStats::default(),
            skips: Skips::default(),
            fused: false,
            _message: PhantomData,
        }
    }

    /// Sets what the reader does with damaged frames (see [`Recovery`]).
    #[must_use]
    pub fn with_recovery(mut self, recovery: Recovery) -> Self {
        self.recovery = recovery;
        self
    }

    /// Calls `callback` with each damaged region skipped in
    /// [`Recovery::SkipCorrupted`] mode.
    #[must_use]
    pub fn with_skip_callback(
        mut self,
        callback: impl FnMut(&SkippedRegion) + Send + 'static,
    ) -> Self {
        let callback: SkipCallback = Box::new(callback);
        self.skips.set_callback(callback);
        self
    }

    /// Sets the limits the FlatBuffers verifier enforces on each payload.
    #[must_use]
    pub fn with_verifier_options(mut self, options: VerifierOptions) -> Self {
        self.verifier = options;
        self
    }

    /// Returns the next payload, checksum-verified but not interpreted,
    /// borrowing the slice. `Ok(None)` at the end.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidFrame`], [`Error::ChecksumMismatch`] (with the
    /// frame's offset) and [`Error::UnexpectedEof`]. In strict mode the same
    /// error comes back until the recovery mode changes.
    pub fn read_message(&mut self) -> Result<Option<&'a [u8]>> {
        self.next_frame(|_| Ok(()))
    }

    /// Returns the next verified view, borrowing the slice. `Ok(None)` at
    /// the end.
    ///
    /// # Errors
    ///
    /// Those of [`read_message`](Self::read_message), and
    /// [`Error::Verification`] when a payload is not a valid `T`.
    #[inline]
    pub fn read(&mut self) -> Result<Option<T::View<'a>>>
    where
        T: StreamDeserialize,
    {
        let payload = self.next_verified()?;
        // SAFETY: `next_verified` ran `T::view_with_options` on exactly
        // this payload and only returned it if verification succeeded.
        Ok(payload.map(|payload| unsafe { T::view_unchecked(payload) }))
    }

    /// The next payload, verified as a `T`. Out of line, so that `read`,
    /// which makes the view, inlines into the caller's loop and the view
    /// reaches it in registers rather than through a copied return value.
    #[inline(never)]
    fn next_verified(&mut self) -> Result<Option<&'a [u8]>>
    where
        T: StreamDeserialize,
    {
        let options = self.verifier.clone();
        self.next_frame(|payload| T::view_with_options(payload, &options).map(drop))
    }

    /// Returns the next view without verifying the FlatBuffer; checksums
    /// are still checked. `Ok(None)` at the end.
    ///
    /// # Errors
    ///
    /// Those of [`read_message`](Self::read_message).
    ///
    /// # Safety
    ///
    /// Every payload in the slice must be a valid `T`, for instance one
    /// written by a [`StreamWriter`](crate::StreamWriter) of `T` and
    /// guarded by a checksum, from a source the caller trusts.
    #[inline]
    pub unsafe fn read_unchecked(&mut self) -> Result<Option<T::View<'a>>>
    where
        T: StreamDeserialize,
    {
        let payload = self.next_payload()?;
        // SAFETY: the caller guarantees every payload is a valid `T`.
        Ok(payload.map(|payload| unsafe { T::view_unchecked(payload) }))
    }

    /// [`read_message`](Self::read_message) out of line, for the readers
    /// of views that inline into the caller's loop (see `next_verified`).
    #[inline(never)]
    fn next_payload(&mut self) -> Result<Option<&'a [u8]>> {
        self.next_frame(|_| Ok(()))
    }

    fn next_frame<V>(&mut self, mut verify: V) -> Result<Option<&'a [u8]>>
    where
        V: FnMut(&[u8]) -> Result<()>,
    {
        let bytes: &'a [u8] = self.bytes;
        let rest = &bytes[self.position..];
        let (step, reason) = scan(&self.deframer, rest, true, self.recovery, &mut verify);
        match step {
            Step::Frame {
                skip,
                frame_len,
                payload,
            } => {
                self.skip(skip, reason);
                self.skips.finish(&mut self.stats);
                let start = self.position;
                self.position += frame_len;
                self.stats.frames += 1;
                self.stats.bytes += frame_len as u64;
                Ok(Some(&bytes[start + payload.start..start + payload.end]))
            }
            Step::End { skip } => {
                self.skip(skip, reason);
                self.skips.finish(&mut self.stats);
                Ok(None)
            }
            Step::Fail(err) => Err((*err).at_offset(self.position as u64)),
            // The whole stream is in the slice: the scanner never waits.
            Step::NeedMore { .. } => Err(Error::UnexpectedEof.at_offset(self.position as u64)),
        }
    }

    fn skip(&mut self, n: usize, reason: Option<Box<Error>>) {
        if n > 0 {
            self.skips.extend(self.position as u64, n, reason);
            self.position += n;
        }
    }
}

impl<T, D> SliceReader<'_, T, D> {
    /// Counters of frames and bytes read and skipped so far.
    pub fn stats(&self) -> &ReadStats {
        &self.stats
    }

    /// Offset in the slice of the next frame to read.
    pub fn position(&self) -> u64 {
        self.position as u64
    }

    /// The bytes not read yet.
    pub fn remaining(&self) -> &[u8] {
        &self.bytes[self.position..]
    }
}

impl<'a, T: StreamDeserialize, D: Deframer> Iterator for SliceReader<'a, T, D> {
    type Item = Result<T::View<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.fused {
            return None;
        }
        let next = self.read();
        if !matches!(next, Ok(Some(_))) {
            self.fused = true;
        }
        next.transpose()
    }
}

impl<T, D: fmt::Debug> fmt::Debug for SliceReader<'_, T, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SliceReader")
            .field("len", &self.bytes.len())
            .field("position", &self.position)
            .field("deframer", &self.deframer)
            .field("recovery", &self.recovery)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}
