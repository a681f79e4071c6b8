//! [`StreamReader`]: reads frames and hands out verified views or owned values.

use std::fmt;
use std::io::Read;
use std::marker::PhantomData;

use crate::error::Result;
use crate::framing::Deframer;
use crate::serialize::{DecodeOwned, StreamDeserialize};

/// Counters of what a reader has read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadStats {
    /// Intact frames read.
    pub frames: u64,
    /// Bytes consumed from the underlying reader, headers included.
    pub bytes: u64,
    /// Damaged regions skipped over (always 0 in strict mode).
    pub skipped_regions: u64,
    /// Bytes in the skipped regions.
    pub skipped_bytes: u64,
}

/// Reads a stream of `T` messages from `R`, deframed by `D`.
///
/// - [`read`](Self::read) returns a verified, zero-copy view of the next
///   message, borrowing the reader's buffer until the next call;
/// - [`read_message`](Self::read_message) returns the raw payload;
/// - as an [`Iterator`] it decodes owned `T` values.
///
/// The payload buffer is reused: in steady state reading allocates nothing.
///
/// # Examples
///
/// ```
/// use flatstream::{checksum::XxHash64, framing::*, StreamReader, StreamWriter};
///
/// let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(XxHash64::new()));
/// writer.write_batch(&["alpha", "beta"])?;
/// let bytes = writer.into_inner();
///
/// let mut reader = StreamReader::<String, _, _>::new(&bytes[..], ChecksumDeframer::new(XxHash64::new()));
/// while let Some(text) = reader.read()? {
///     assert!(text == "alpha" || text == "beta");
/// }
/// assert_eq!(reader.stats().frames, 2);
///
/// // Owned decoding through the iterator.
/// let reader = StreamReader::<String, _, _>::new(&bytes[..], ChecksumDeframer::new(XxHash64::new()));
/// let texts: Vec<String> = reader.collect::<Result<_, _>>()?;
/// assert_eq!(texts, ["alpha", "beta"]);
///
/// // The wrong checksum is an error, never a wrong message.
/// let mut reader = StreamReader::<String, _, _>::new(&bytes[..], DefaultDeframer::new());
/// assert!(reader.read().is_err());
/// # Ok::<(), flatstream::Error>(())
/// ```
pub struct StreamReader<T, R, D> {
    reader: R,
    deframer: D,
    buffer: Vec<u8>,
    position: u64,
    stats: ReadStats,
    fused: bool,
    _message: PhantomData<fn() -> T>,
}

impl<T, R: Read, D: Deframer> StreamReader<T, R, D> {
    /// A reader of frames from `reader`, deframed by `deframer`.
    pub fn new(reader: R, deframer: D) -> Self {
        StreamReader {
            reader,
            deframer,
            buffer: Vec::new(),
            position: 0,
            stats: ReadStats::default(),
            fused: false,
            _message: PhantomData,
        }
    }

    /// Reads the next frame and returns its payload, checksum-verified but
    /// not interpreted, borrowing the reader's buffer.
    ///
    /// Returns `Ok(None)` at a clean end of stream.
    ///
    /// After [`Error::ChecksumMismatch`] the damaged frame has been consumed
    /// and reading may go on with the next one; after
    /// [`Error::InvalidFrame`] the reader has lost the frame boundaries.
    ///
    /// # Errors
    ///
    /// Those of [`Deframer::read_and_deframe`], with the frame's byte offset
    /// set on checksum and framing errors.
    ///
    /// [`Error::ChecksumMismatch`]: crate::Error::ChecksumMismatch
    /// [`Error::InvalidFrame`]: crate::Error::InvalidFrame
    pub fn read_message(&mut self) -> Result<Option<&[u8]>> {
        let frame_start = self.position;
        let mut counting = CountingReader {
            inner: &mut self.reader,
            count: 0,
        };
        let result = self
            .deframer
            .read_and_deframe(&mut counting, &mut self.buffer);
        let consumed = counting.count;
        self.position += consumed;
        self.stats.bytes += consumed;
        match result {
            Ok(Some(())) => {
                self.stats.frames += 1;
                Ok(Some(&self.buffer))
            }
            Ok(None) => Ok(None),
            Err(err) => Err(err.at_offset(frame_start)),
        }
    }

    /// Reads the next message and returns its verified, zero-copy view.
    ///
    /// Returns `Ok(None)` at a clean end of stream. The view borrows the
    /// reader's buffer until the next read.
    ///
    /// # Errors
    ///
    /// Those of [`read_message`](Self::read_message), and
    /// [`Error::Flatbuffers`](crate::Error::Flatbuffers) when the payload is
    /// not a valid `T` (the frame has been consumed).
    pub fn read(&mut self) -> Result<Option<T::View<'_>>>
    where
        T: StreamDeserialize,
    {
        match self.read_message()? {
            Some(payload) => T::view(payload).map(Some),
            None => Ok(None),
        }
    }

    /// Reads the next message and returns its view without verifying the
    /// FlatBuffer. Checksums are still checked.
    ///
    /// # Errors
    ///
    /// Those of [`read_message`](Self::read_message).
    ///
    /// # Safety
    ///
    /// Every payload in the stream must be a valid `T`, for instance one
    /// written by a [`StreamWriter`](crate::StreamWriter) of `T` and
    /// guarded by a checksum, from a source the caller trusts.
    pub unsafe fn read_unchecked(&mut self) -> Result<Option<T::View<'_>>>
    where
        T: StreamDeserialize,
    {
        match self.read_message()? {
            // SAFETY: the caller guarantees every payload is a valid `T`.
            Some(payload) => Ok(Some(unsafe { T::view_unchecked(payload) })),
            None => Ok(None),
        }
    }
}

impl<T, R, D> StreamReader<T, R, D> {
    /// Counters of frames and bytes read so far.
    pub fn stats(&self) -> &ReadStats {
        &self.stats
    }

    /// Byte offset in the stream of the next frame to read.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The underlying reader.
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// The underlying reader, mutably. Reading from it directly breaks the
    /// stream unless whole frames are consumed.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// The deframer.
    pub fn deframer(&self) -> &D {
        &self.deframer
    }

    /// Returns the underlying reader.
    pub fn into_inner(self) -> R {
        self.reader
    }
}

/// Decodes owned messages. After the first error the iterator ends.
impl<T: DecodeOwned, R: Read, D: Deframer> Iterator for StreamReader<T, R, D> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        if self.fused {
            return None;
        }
        let next = self.read().map(|view| view.map(T::from_view));
        match next {
            Ok(Some(message)) => Some(Ok(message)),
            Ok(None) => {
                self.fused = true;
                None
            }
            Err(err) => {
                self.fused = true;
                Some(Err(err))
            }
        }
    }
}

impl<T: DecodeOwned, R: Read, D: Deframer> std::iter::FusedIterator for StreamReader<T, R, D> {}

impl<T, R: fmt::Debug, D: fmt::Debug> fmt::Debug for StreamReader<T, R, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamReader")
            .field("reader", &self.reader)
            .field("deframer", &self.deframer)
            .field("position", &self.position)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

/// Counts the bytes read through it, so the reader knows frame offsets
/// whatever the deframer does.
struct CountingReader<'a, R> {
    inner: &'a mut R,
    count: u64,
}

impl<R: Read> Read for CountingReader<'_, R> {
    #[inline]
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framing::{DefaultDeframer, DefaultFramer};
    use crate::{Error, StreamWriter};

    fn stream_of(texts: &[&str]) -> Vec<u8> {
        let mut writer = StreamWriter::new(Vec::new(), DefaultFramer);
        writer.write_batch(texts).unwrap();
        writer.into_inner()
    }

    #[test]
    fn position_tracks_frame_starts() {
        let bytes = stream_of(&["a", "bcd"]);
        let mut reader = StreamReader::<String, _, _>::new(&bytes[..], DefaultDeframer::new());
        assert_eq!(reader.position(), 0);
        reader.read().unwrap().unwrap();
        let second = reader.position();
        assert!(second > 0);
        reader.read().unwrap().unwrap();
        assert_eq!(reader.position(), bytes.len() as u64);
        assert_eq!(reader.stats().bytes, bytes.len() as u64);
        assert!(reader.read().unwrap().is_none());
    }

    #[test]
    fn errors_carry_the_frame_offset() {
        let mut bytes = stream_of(&["first", "second"]);
        let mut reader = StreamReader::<String, _, _>::new(&bytes[..], DefaultDeframer::new());
        reader.read().unwrap().unwrap();
        let second_start = reader.position() as usize;
        bytes[second_start..second_start + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let mut reader = StreamReader::<String, _, _>::new(&bytes[..], DefaultDeframer::new());
        reader.read().unwrap().unwrap();
        let err = reader.read().unwrap_err();
        assert_eq!(err.offset(), Some(second_start as u64));
        assert!(matches!(err, Error::InvalidFrame { .. }));
    }

    #[test]
    fn iterator_stops_after_first_error() {
        let mut bytes = stream_of(&["ok"]);
        bytes.extend_from_slice(&[1, 0]); // torn header
        let reader = StreamReader::<String, _, _>::new(&bytes[..], DefaultDeframer::new());
        let items: Vec<_> = reader.collect();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].as_ref().unwrap(), "ok");
        assert!(matches!(items[1], Err(Error::UnexpectedEof)));
    }

    #[test]
    fn verification_failure_consumes_the_frame() {
        // A frame holding bytes that are not a string buffer, then a good one.
        let mut bytes = Vec::new();
        crate::framing::Framer::frame_and_write(&DefaultFramer, &mut bytes, &[0xff; 8]).unwrap();
        bytes.extend(stream_of(&["after"]));
        let mut reader = StreamReader::<String, _, _>::new(&bytes[..], DefaultDeframer::new());
        assert!(matches!(reader.read(), Err(Error::Flatbuffers(_))));
        assert_eq!(reader.read().unwrap(), Some("after"));
    }
}
