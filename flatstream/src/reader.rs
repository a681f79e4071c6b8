//! The blocking readers: [`FrameReader`], the untyped core that finds
//! intact frames in any [`Read`], and [`StreamReader`], the typed layer
//! over it that hands out verified views or owned values.

use std::io::{ErrorKind, Read};
use std::marker::PhantomData;
use std::ops::Range;

use flatbuffers::VerifierOptions;

use crate::decode::{Buffered, Buffering, ReadState, Verify};
use crate::error::{Error, Result};
use crate::framing::Deframer;
use crate::lazy::ShallowDeserialize;
use crate::serialize::{DecodeOwned, StreamDeserialize};

impl<R> Buffered<R> {
    /// The shallow view of the payload at `range`.
    ///
    /// # Safety
    ///
    /// The payload there must be one `T::view_shallow` accepts.
    #[inline]
    pub(crate) unsafe fn shallow_view<T: ShallowDeserialize>(
        &self,
        range: Range<usize>,
    ) -> T::ShallowView<'_> {
        // SAFETY: per the caller.
        unsafe { T::view_shallow_unchecked(self.frames.bytes(range)) }
    }

    /// The view of the payload at `range` (see `FrameBuf::bytes`).
    ///
    /// # Safety
    ///
    /// The payload there must be a valid `T`.
    #[inline]
    pub(crate) unsafe fn view<T: StreamDeserialize + ?Sized>(
        &self,
        range: Range<usize>,
    ) -> T::View<'_> {
        // SAFETY: per the caller, the payload is a valid `T`.
        unsafe { T::view_unchecked(self.frames.bytes(range)) }
    }
}

/// The `verify` step of an owned read: decodes the payload into
/// `decoded`, checking it in the same pass.
#[inline]
pub(crate) fn decode_into<'o, T: DecodeOwned>(
    options: &'o VerifierOptions,
    decoded: &'o mut Option<T>,
) -> impl FnMut(&[u8]) -> Result<()> + 'o {
    move |payload| {
        *decoded = Some(T::decode_with_options(payload, options)?);
        Ok(())
    }
}

/// The settings, accessors and `Debug` of a frame reader over a
/// `Buffered` `source` with its `state`: written once for the blocking
/// and async frame readers.
macro_rules! frame_reader_common {
    ($reader:ident) => {
        impl<R, D> $reader<R, D> {
            crate::decode::read_settings!(D; state);
            crate::decode::buffered_accessors!(source);
        }

        impl<R: ::core::fmt::Debug, D: ::core::fmt::Debug> ::core::fmt::Debug for $reader<R, D> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                crate::decode::debug_reader(f, stringify!($reader), &self.source, &self.state)
            }
        }
    };
}
#[cfg(feature = "tokio")]
pub(crate) use frame_reader_common;

/// Reads frames from `R`, deframed by `D`, and hands out their payloads,
/// checksum-verified but not interpreted: the untyped core of
/// [`StreamReader`], for tools that copy, count or index frames whatever
/// they hold.
///
/// It buffers what it reads (there is no need for a `BufReader`) and
/// decodes frames in place: in steady state reading allocates nothing. Its
/// buffer grows with the bytes that actually arrive, so a header that
/// claims a huge length cannot make it allocate more than about twice the
/// deframer's limit.
///
/// Errors, recovery and positions are as for every reader (see
/// [`Recovery`](crate::Recovery) and the table in the crate docs).
///
/// # Examples
///
/// ```
/// use flatstream::{checksum::Crc32, framing::*, FrameReader, StreamWriter};
///
/// let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(Crc32::new()));
/// writer.write_batch(&["alpha", "beta"])?;
/// let bytes = writer.into_inner();
///
/// let mut frames = FrameReader::new(&bytes[..], ChecksumDeframer::new(Crc32::new()));
/// let mut sizes = Vec::new();
/// while let Some(payload) = frames.read_message()? {
///     sizes.push(payload.len());
/// }
/// assert_eq!(sizes.len(), 2);
/// assert_eq!(frames.position(), bytes.len() as u64);
/// # Ok::<(), flatstream::Error>(())
/// ```
pub struct FrameReader<R, D> {
    pub(crate) source: Buffered<R>,
    pub(crate) state: ReadState<D>,
}

impl<R: Read, D: Deframer> FrameReader<R, D> {
    /// A reader of frames from `reader`, deframed by `deframer`.
    pub fn new(reader: R, deframer: D) -> Self {
        FrameReader {
            source: Buffered::new(reader),
            state: ReadState::new(deframer),
        }
    }

    /// Reads the next frame and returns its payload, checksum-verified but
    /// not interpreted, borrowing the reader's buffer.
    ///
    /// Returns `Ok(None)` at a clean end of stream.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidFrame`], [`Error::ChecksumMismatch`] (both with the
    /// frame's byte offset), [`Error::UnexpectedEof`] and [`Error::Io`].
    pub fn read_message(&mut self) -> Result<Option<&[u8]>> {
        let payload = self.next_payload()?;
        Ok(payload.map(|range| self.source.frames.bytes(range)))
    }

    /// The range of the next payload, checksum-verified. Out of line, so
    /// that a typed read, which makes the view, inlines into the caller's
    /// loop and the view reaches it in registers.
    #[inline(never)]
    pub(crate) fn next_payload(&mut self) -> Result<Option<Range<usize>>> {
        self.next_frame(&mut |_| Ok(()))
    }

    /// Finds the next intact frame whose payload `verify` accepts, reading
    /// as needed, and returns the payload's range in the buffer.
    fn next_frame(&mut self, verify: &mut Verify<'_>) -> Result<Option<Range<usize>>> {
        let mut eof = false;
        loop {
            match self.source.step(&mut self.state, eof, verify)? {
                Buffering::Frame(payload) => return Ok(Some(payload)),
                Buffering::Read(total) => eof = self.fill(total)?,
                Buffering::End => return Ok(None),
            }
        }
    }

    /// Reads more bytes so that `total` could be unread. Returns whether the
    /// reader is at EOF.
    fn fill(&mut self, total: usize) -> Result<bool> {
        let Buffered { reader, frames } = &mut self.source;
        let spare = frames.spare(total);
        loop {
            match reader.read(spare) {
                Ok(0) => return Ok(true),
                Ok(n) => {
                    frames.commit(n);
                    return Ok(false);
                }
                Err(err) if err.kind() == ErrorKind::Interrupted => {}
                Err(err) => return Err(Error::Io(err)),
            }
        }
    }
}

frame_reader_common!(FrameReader);

/// The settings, accessors, `Debug`, `into_frames` and `From<frames>` of a typed
/// reader whose `frames` field is the frame reader it is a layer over:
/// written once for the blocking and async readers.
macro_rules! typed_layer {
    ($typed:ident over $frames:ident) => {
        impl<T, R, D> $typed<T, R, D> {
            crate::decode::read_settings!(D; frames.state);
            crate::decode::verifier_setting!(frames.state);
            crate::decode::buffered_accessors!(frames.source);

            /// The untyped frame reader this reader is a layer over.
            pub fn into_frames(self) -> $frames<R, D> {
                self.frames
            }
        }

        impl<T, R: ::core::fmt::Debug, D: ::core::fmt::Debug> ::core::fmt::Debug
            for $typed<T, R, D>
        {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                let frames = &self.frames;
                crate::decode::debug_reader(f, stringify!($typed), &frames.source, &frames.state)
            }
        }

        /// Reads `T` messages from the frames: settings, position and
        /// counters carry over.
        impl<T, R, D> From<$frames<R, D>> for $typed<T, R, D> {
            fn from(frames: $frames<R, D>) -> Self {
                $typed {
                    frames,
                    _message: ::core::marker::PhantomData,
                }
            }
        }
    };
}
#[cfg(feature = "tokio")]
pub(crate) use typed_layer;

/// Reads a stream of `T` messages from `R`, deframed by `D`: a typed layer
/// over [`FrameReader`].
///
/// - [`read`](Self::read) returns a verified, zero-copy view of the next
///   message, borrowing the reader's buffer until the next call;
/// - [`read_owned`](Self::read_owned) decodes an owned `T` in one pass;
/// - [`read_message`](Self::read_message) returns the raw payload;
/// - as an [`Iterator`] it yields owned `T` values (a view borrows the
///   buffer the next read refills, which an `Iterator` cannot express).
///
/// # Errors and recovery
///
/// In [`Recovery::Strict`](crate::Recovery::Strict) mode (the default) the
/// reader stops at the first damaged frame and returns the same error on
/// every further read: nothing is consumed. A torn tail
/// ([`Error::UnexpectedEof`]) and I/O errors are the exception worth
/// knowing: the next read retries from the same frame, so a reader can
/// follow a file that is still being written, or resume after a transient
/// error. In [`Recovery::SkipCorrupted`](crate::Recovery::SkipCorrupted)
/// mode it skips damaged bytes and resynchronises on the next intact frame.
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
///
/// Changing the recovery mode:
///
/// ```
/// use flatstream::{checksum::Crc32, framing::*, Recovery, StreamReader, StreamWriter};
///
/// let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(Crc32::new()));
/// writer.write_batch(&["one", "two", "three"])?;
/// let mut bytes = writer.into_inner();
/// bytes[30] ^= 0xff; // damage the second frame
///
/// let reader = StreamReader::<String, _, _>::new(&bytes[..], ChecksumDeframer::new(Crc32::new()))
///     .with_recovery(Recovery::SkipCorrupted);
/// let texts: Vec<String> = reader.collect::<Result<_, _>>()?;
/// assert_eq!(texts, ["one", "three"]);
/// # Ok::<(), flatstream::Error>(())
/// ```
pub struct StreamReader<T, R, D> {
    frames: FrameReader<R, D>,
    _message: PhantomData<fn() -> T>,
}

impl<T, R: Read, D: Deframer> StreamReader<T, R, D> {
    /// A reader of frames from `reader`, deframed by `deframer`.
    pub fn new(reader: R, deframer: D) -> Self {
        FrameReader::new(reader, deframer).into()
    }

    /// Reads the next frame and returns its payload, checksum-verified but
    /// not interpreted, borrowing the reader's buffer.
    ///
    /// Returns `Ok(None)` at a clean end of stream.
    ///
    /// # Errors
    ///
    /// Those of [`FrameReader::read_message`].
    pub fn read_message(&mut self) -> Result<Option<&[u8]>> {
        self.frames.read_message()
    }

    /// Reads the next message and returns its verified, zero-copy view.
    ///
    /// Returns `Ok(None)` at a clean end of stream. The view borrows the
    /// reader's buffer until the next read.
    ///
    /// # Errors
    ///
    /// Those of [`read_message`](Self::read_message), and
    /// [`Error::Verification`] when the payload is not a valid `T`
    /// ([`position`](Self::position) is then the frame's offset).
    #[inline]
    pub fn read(&mut self) -> Result<Option<T::View<'_>>>
    where
        T: StreamDeserialize,
    {
        let payload = self.next_verified()?;
        // SAFETY: `next_verified` ran `T::view_with_options` on exactly
        // these bytes and only returned their range if it succeeded.
        Ok(payload.map(|range| unsafe { self.frames.source.view::<T>(range) }))
    }

    /// Reads the next message and returns its shallow view: the root table
    /// checked, its nested tables left to be checked when reached (see
    /// [`lazy`](crate::lazy)). The view borrows the reader's buffer until
    /// the next read.
    ///
    /// # Errors
    ///
    /// As [`read`](Self::read), for the root table.
    #[inline]
    pub fn read_shallow(&mut self) -> Result<Option<T::ShallowView<'_>>>
    where
        T: ShallowDeserialize,
    {
        let options = self.frames.state.typed::<T>();
        let payload = self
            .frames
            .next_frame(&mut |payload| T::view_shallow_with_options(payload, &options).map(drop))?;
        // SAFETY: `next_frame` ran `T::view_shallow_with_options` on
        // exactly these bytes and only returned their range if it
        // succeeded.
        Ok(payload.map(|range| unsafe { self.frames.source.shallow_view::<T>(range) }))
    }

    /// The range of the next payload, verified as a `T`. Out of line, so
    /// that `read`, which makes the view, inlines into the caller's loop
    /// and the view reaches it in registers rather than through a copied
    /// return value.
    #[inline(never)]
    fn next_verified(&mut self) -> Result<Option<Range<usize>>>
    where
        T: StreamDeserialize,
    {
        let options = self.frames.state.typed::<T>();
        self.frames
            .next_frame(&mut |payload| T::view_with_options(payload, &options).map(drop))
    }

    /// Reads the next message and decodes it into an owned `T`, checking
    /// and decoding in one pass.
    ///
    /// # Errors
    ///
    /// As [`read`](Self::read).
    pub fn read_owned(&mut self) -> Result<Option<T>>
    where
        T: DecodeOwned,
    {
        let options = self.frames.state.typed::<T>();
        let mut decoded = None;
        let frame = self
            .frames
            .next_frame(&mut decode_into(&options, &mut decoded))?;
        Ok(frame.and(decoded))
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
    #[inline]
    pub unsafe fn read_unchecked(&mut self) -> Result<Option<T::View<'_>>>
    where
        T: StreamDeserialize,
    {
        self.frames.state.typed::<T>();
        let payload = self.frames.next_payload()?;
        // SAFETY: the caller guarantees every payload is a valid `T`.
        Ok(payload.map(|range| unsafe { self.frames.source.view::<T>(range) }))
    }
}

typed_layer!(StreamReader over FrameReader);

/// Decodes owned messages (see [`read_owned`](StreamReader::read_owned)).
/// After the end of the stream or an error the iterator ends, until
/// [`set_recovery`](StreamReader::set_recovery) is called.
impl<T: DecodeOwned, R: Read, D: Deframer> Iterator for StreamReader<T, R, D> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        if self.frames.state.fused {
            return None;
        }
        let next = self.read_owned();
        self.frames.state.fuse(next)
    }
}

impl<T: DecodeOwned, R: Read, D: Deframer> std::iter::FusedIterator for StreamReader<T, R, D> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framing::{DefaultDeframer, DefaultFramer, Framer};
    use crate::{Recovery, StreamWriter};

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
        assert!(reader.position() > 0);
        reader.read().unwrap().unwrap();
        assert_eq!(reader.position(), bytes.len() as u64);
        assert_eq!(reader.stats().bytes, bytes.len() as u64);
        assert!(reader.read().unwrap().is_none());
    }

    #[test]
    fn errors_carry_the_frame_offset_and_repeat() {
        let mut bytes = stream_of(&["first", "second"]);
        let mut reader = StreamReader::<String, _, _>::new(&bytes[..], DefaultDeframer::new());
        reader.read().unwrap().unwrap();
        let second_start = reader.position() as usize;
        bytes[second_start..second_start + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let mut reader = StreamReader::<String, _, _>::new(&bytes[..], DefaultDeframer::new());
        reader.read().unwrap().unwrap();
        for _ in 0..2 {
            let err = reader.read().unwrap_err();
            assert_eq!(err.offset(), Some(second_start as u64));
            assert!(matches!(err, Error::InvalidFrame { .. }));
            assert_eq!(reader.position(), second_start as u64);
        }
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
    fn verification_failure_can_be_skipped() {
        // A frame holding bytes that are not a string buffer, then a good one.
        let mut bytes = Vec::new();
        DefaultFramer
            .frame_and_write(&mut bytes, &[0xff; 8])
            .unwrap();
        bytes.extend(stream_of(&["after"]));
        let mut reader = StreamReader::<String, _, _>::new(&bytes[..], DefaultDeframer::new());
        assert!(matches!(reader.read(), Err(Error::Verification(_))));
        assert_eq!(reader.position(), 0);
        reader.set_recovery(Recovery::SkipCorrupted);
        assert_eq!(reader.read().unwrap(), Some("after"));
        assert_eq!(reader.stats().skipped_regions, 1);
        assert_eq!(reader.stats().skipped_bytes, 12);
    }

    #[test]
    fn torn_tail_reads_on_once_completed() {
        let bytes = stream_of(&["one", "two"]);
        let cut = bytes.len() - 3;
        // A reader over a "file" that grows between reads.
        let mut reader = StreamReader::<String, _, _>::new(
            std::io::Cursor::new(bytes[..cut].to_vec()),
            DefaultDeframer::new(),
        );
        assert_eq!(reader.read().unwrap(), Some("one"));
        assert!(matches!(reader.read(), Err(Error::UnexpectedEof)));
        let cursor = reader.get_mut();
        let pos = cursor.position();
        cursor.get_mut().extend_from_slice(&bytes[cut..]);
        cursor.set_position(pos);
        assert_eq!(reader.read().unwrap(), Some("two"));
        assert_eq!(reader.read().unwrap(), None);
    }
}
