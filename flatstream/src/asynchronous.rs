//! The async readers and writer, over tokio's [`AsyncRead`] and
//! [`AsyncWrite`], for sockets, pipes and async files: [`AsyncFrameReader`]
//! (untyped frames), [`AsyncStreamReader`] (typed, and a
//! [`Stream`](futures_core::Stream) of owned values) and
//! [`AsyncStreamWriter`].
//!
//! They read and write exactly the bytes the blocking readers and writer
//! do, through the same core: the reader's scanning, recovery and counters
//! ([`ReadState`]), the writer's framing and counters ([`FrameSink`]).

use std::fmt;
use std::future::poll_fn;
use std::io::ErrorKind;
use std::marker::PhantomData;
use std::ops::Range;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use ::tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};

use crate::decode::{Buffered, Buffering, ReadState, Verify};
use crate::error::{Error, Result};
use crate::framing::{Deframer, Framer};
use crate::header::StreamHeader;
use crate::lazy::ShallowDeserialize;
use crate::reader::{decode_into, frame_reader_common, typed_layer};
use crate::schema::Schema;
use crate::serialize::{DecodeOwned, StreamDeserialize, StreamSerialize};
use crate::sink::{writer_accessors, FrameSink};
use crate::writer::writer_constructors;

/// Writes a stream of `T` messages to an [`AsyncWrite`], framed by `F`.
///
/// The async twin of [`StreamWriter`](crate::StreamWriter): it reuses the
/// same encoder (derived types) or `FlatBufferBuilder` (other types) and
/// one scratch buffer, and hands each frame to the writer in one
/// `write_all`. Backpressure is the writer's: `write` waits
/// while a socket's send buffer is full, so a slow reader slows the writer
/// down instead of filling memory.
///
/// `write` is not cancel-safe: a future dropped mid-write may leave part of
/// a frame on the wire, which a reader then sees as damage.
///
/// # Examples
///
/// ```
/// use flatstream::{checksum::XxHash64, framing::*, AsyncStreamReader, AsyncStreamWriter};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (client, server) = tokio::io::duplex(64 * 1024);
/// let mut writer = AsyncStreamWriter::new(client, ChecksumFramer::new(XxHash64::new()));
/// writer.write(&"hello").await?;
/// writer.write_batch(&["over", "tokio"]).await?;
/// writer.flush().await?;
/// drop(writer); // closes the pipe: the reader sees a clean end
///
/// let mut reader = AsyncStreamReader::<String, _, _>::new(server, ChecksumDeframer::new(XxHash64::new()));
/// let mut texts = Vec::new();
/// while let Some(text) = reader.read().await? {
///     texts.push(text.to_owned());
/// }
/// assert_eq!(texts, ["hello", "over", "tokio"]);
/// # Ok::<(), flatstream::Error>(())
/// # }).unwrap();
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub struct AsyncStreamWriter<T: ?Sized, W, F> {
    sink: FrameSink<W, F>,
    _message: PhantomData<fn(&T)>,
}

impl<T: ?Sized, W: AsyncWrite + Unpin, F: Framer> AsyncStreamWriter<T, W, F> {
    writer_constructors!(AsyncStreamWriter);

    /// Serializes `message` and writes it as one frame.
    ///
    /// # Errors
    ///
    /// What `message`'s serialization reports,
    /// [`Error::InvalidFrame`] if the payload cannot be framed, and
    /// [`Error::Io`] if the underlying writer fails.
    pub async fn write(&mut self, message: &T) -> Result<()>
    where
        T: StreamSerialize,
    {
        self.sink.write_async(message).await
    }

    /// Writes an already finished FlatBuffer as one frame, as is.
    ///
    /// # Errors
    ///
    /// As [`write`](Self::write).
    pub async fn write_payload(&mut self, payload: &[u8]) -> Result<()> {
        self.sink.write_payload_async(payload).await
    }

    /// Flushes the underlying writer.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the flush fails.
    pub async fn flush(&mut self) -> Result<()> {
        self.sink.writer.flush().await?;
        Ok(())
    }

    /// Flushes and shuts the underlying writer down (for a TCP stream: sends
    /// FIN, so the peer's reader sees a clean end of stream).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the flush or the shutdown fails.
    pub async fn shutdown(&mut self) -> Result<()> {
        self.sink.writer.shutdown().await?;
        Ok(())
    }
}

impl<T: Schema + ?Sized, W: AsyncWrite + Unpin, F: Framer> AsyncStreamWriter<T, W, F> {
    /// A writer whose stream starts with a
    /// [`StreamHeader`], as
    /// [`StreamWriter::with_header`](crate::StreamWriter::with_header).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when writing the header fails.
    pub async fn with_header(writer: W, framer: F) -> Result<Self> {
        Self::with_header_from(writer, framer, |header| header).await
    }

    /// A writer whose stream starts with `header`, as made by `header`
    /// from `T`'s and the framer's (the layers add their fields).
    pub(crate) async fn with_header_from(
        writer: W,
        framer: F,
        header: impl FnOnce(StreamHeader) -> StreamHeader,
    ) -> Result<Self> {
        let (mut stream, header) = Self::with_header_payload(writer, framer, header);
        stream.sink.write_header_frame_async(&header).await?;
        Ok(stream)
    }
}

impl<T, W: AsyncWrite + Unpin, F: Framer> AsyncStreamWriter<T, W, F> {
    /// Writes every message of `messages`, in order.
    ///
    /// # Errors
    ///
    /// As [`write`](Self::write); messages before the failing one have been
    /// written.
    pub async fn write_batch(&mut self, messages: &[T]) -> Result<()>
    where
        T: StreamSerialize,
    {
        for message in messages {
            self.write(message).await?;
        }
        Ok(())
    }
}

impl<T: ?Sized, W, F> AsyncStreamWriter<T, W, F> {
    writer_accessors!(sink);
}

impl<T: ?Sized, W: fmt::Debug, F: fmt::Debug> fmt::Debug for AsyncStreamWriter<T, W, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.sink.debug("AsyncStreamWriter", f)
    }
}

/// Reads frames from an [`AsyncRead`], deframed by `D`, and hands out
/// their payloads, checksum-verified but not interpreted: the async twin
/// of [`FrameReader`](crate::FrameReader), and the core of
/// [`AsyncStreamReader`].
///
/// Reads are cancel-safe: bytes are only consumed once a whole frame is
/// returned (or, in skip mode, once damaged bytes are counted as
/// skipped), so a read can sit in `tokio::select!` and a later read
/// carries on where it stopped.
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub struct AsyncFrameReader<R, D> {
    pub(crate) source: Buffered<R>,
    pub(crate) state: ReadState<D>,
}

impl<R: AsyncRead + Unpin, D: Deframer> AsyncFrameReader<R, D> {
    /// A reader of frames from `reader`, deframed by `deframer`.
    pub fn new(reader: R, deframer: D) -> Self {
        AsyncFrameReader {
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
    /// [`Error::InvalidFrame`] (a length over the limit among them, refused
    /// before any allocation), [`Error::ChecksumMismatch`] (both with the
    /// frame's byte offset), [`Error::UnexpectedEof`] and [`Error::Io`].
    pub async fn read_message(&mut self) -> Result<Option<&[u8]>> {
        let payload = poll_fn(|cx| self.poll_next_frame(cx, &mut |_| Ok(()))).await?;
        Ok(payload.map(|range| self.source.frames.bytes(range)))
    }

    /// Finds the next intact frame whose payload `verify` accepts, reading
    /// as needed, and returns the payload's range in the buffer.
    pub(crate) fn poll_next_frame(
        &mut self,
        cx: &mut Context<'_>,
        verify: &mut Verify<'_>,
    ) -> Poll<Result<Option<Range<usize>>>> {
        let mut eof = false;
        loop {
            match self.source.step(&mut self.state, eof, verify)? {
                Buffering::Frame(payload) => return Poll::Ready(Ok(Some(payload))),
                Buffering::Read(total) => eof = ready!(self.poll_fill(cx, total))?,
                Buffering::End => return Poll::Ready(Ok(None)),
            }
        }
    }

    /// Reads more bytes so that `total` could be unread. Returns whether the
    /// reader is at EOF. Cancel-safe: bytes count once `commit` has run.
    fn poll_fill(&mut self, cx: &mut Context<'_>, total: usize) -> Poll<Result<bool>> {
        let Buffered { reader, frames } = &mut self.source;
        loop {
            let mut spare = ReadBuf::new(frames.spare(total));
            match ready!(Pin::new(&mut *reader).poll_read(cx, &mut spare)) {
                Ok(()) => {
                    let n = spare.filled().len();
                    frames.commit(n);
                    return Poll::Ready(Ok(n == 0));
                }
                Err(err) if err.kind() == ErrorKind::Interrupted => {}
                Err(err) => return Poll::Ready(Err(Error::Io(err))),
            }
        }
    }
}

frame_reader_common!(AsyncFrameReader);

/// Reads a stream of `T` messages from an [`AsyncRead`], deframed by `D`.
///
/// The async twin of [`StreamReader`](crate::StreamReader), a typed layer
/// over [`AsyncFrameReader`]: it buffers what it reads (no `BufReader` needed), decodes
/// frames in place, and grows its buffer only with bytes that really
/// arrive, so a header claiming a huge length is refused (over the limit)
/// or costs at most what the peer actually sends.
///
/// - [`read`](Self::read): the next verified, zero-copy view, borrowing the
///   reader until the next call;
/// - [`read_message`](Self::read_message): the raw payload;
/// - [`read_owned`](Self::read_owned): an owned `T`, checked and decoded
///   in one pass;
/// - as a [`Stream`](futures_core::Stream) it yields owned `T` values, as
///   `StreamReader`'s `Iterator` does, and ends after the end of the stream
///   or an error.
///
/// Every read is cancel-safe: bytes are only consumed once a whole frame is
/// returned, so a read can sit in `tokio::select!` next to a timeout or a
/// shutdown signal, and a later read carries on where it stopped.
///
/// # Errors and recovery
///
/// As for [`StreamReader`](crate::StreamReader): in [`Recovery::Strict`](crate::Recovery::Strict)
/// mode the first damaged frame is an error (with its byte offset), a peer
/// that goes away mid-frame is [`Error::UnexpectedEof`]; in
/// [`Recovery::SkipCorrupted`](crate::Recovery::SkipCorrupted) mode damaged bytes are skipped and counted.
///
/// # Examples
///
/// ```
/// use flatstream::{checksum::Crc32, framing::*, AsyncStreamReader, Error, StreamWriter};
/// use futures_util::StreamExt;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(Crc32::new()));
/// writer.write_batch(&["one", "two"])?;
/// let mut bytes = writer.into_inner();
///
/// // Any AsyncRead: here a byte slice, in a socket's place.
/// let mut reader = AsyncStreamReader::<String, _, _>::new(&bytes[..], ChecksumDeframer::new(Crc32::new()));
/// assert_eq!(reader.read_owned().await?.as_deref(), Some("one"));
/// assert_eq!(reader.read().await?, Some("two"));
/// assert!(reader.read().await?.is_none()); // clean end
///
/// // As a `futures` stream of owned values.
/// let reader = AsyncStreamReader::<String, _, _>::new(&bytes[..], ChecksumDeframer::new(Crc32::new()));
/// let texts: Vec<String> = reader.map(|text| text.unwrap()).collect().await;
/// assert_eq!(texts, ["one", "two"]);
///
/// // A stream cut inside a frame is an error, not a clean end.
/// bytes.truncate(bytes.len() - 1);
/// let mut reader = AsyncStreamReader::<String, _, _>::new(&bytes[..], ChecksumDeframer::new(Crc32::new()));
/// reader.read().await?;
/// assert!(matches!(reader.read().await, Err(Error::UnexpectedEof)));
/// # Ok::<(), flatstream::Error>(())
/// # }).unwrap();
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub struct AsyncStreamReader<T, R, D> {
    frames: AsyncFrameReader<R, D>,
    _message: PhantomData<fn() -> T>,
}

impl<T, R: AsyncRead + Unpin, D: Deframer> AsyncStreamReader<T, R, D> {
    /// A reader of frames from `reader`, deframed by `deframer`.
    pub fn new(reader: R, deframer: D) -> Self {
        AsyncFrameReader::new(reader, deframer).into()
    }

    /// Reads the next frame and returns its payload, checksum-verified but
    /// not interpreted, borrowing the reader's buffer.
    ///
    /// Returns `Ok(None)` at a clean end of stream.
    ///
    /// # Errors
    ///
    /// Those of [`AsyncFrameReader::read_message`].
    pub async fn read_message(&mut self) -> Result<Option<&[u8]>> {
        self.frames.read_message().await
    }

    /// Reads the next message and returns its verified, zero-copy view,
    /// borrowing the reader's buffer until the next read.
    ///
    /// Returns `Ok(None)` at a clean end of stream.
    ///
    /// # Errors
    ///
    /// Those of [`read_message`](Self::read_message), and
    /// [`Error::Verification`] when the payload is not a valid `T`.
    pub async fn read(&mut self) -> Result<Option<T::View<'_>>>
    where
        T: StreamDeserialize,
    {
        let options = self.frames.state.typed::<T>();
        let mut verify = |payload: &[u8]| T::view_with_options(payload, &options).map(drop);
        let payload = poll_fn(|cx| self.frames.poll_next_frame(cx, &mut verify)).await?;
        // SAFETY: `poll_next_frame` ran `T::view_with_options` on exactly
        // these bytes and only returned their range if it succeeded.
        Ok(payload.map(|range| unsafe { self.frames.source.view::<T>(range) }))
    }

    /// Reads the next message and returns its shallow view: the root table
    /// checked, its nested tables left to be checked when reached (see
    /// [`lazy`](crate::lazy)), borrowing the reader's buffer until the
    /// next read.
    ///
    /// # Errors
    ///
    /// As [`read`](Self::read), for the root table.
    pub async fn read_shallow(&mut self) -> Result<Option<T::ShallowView<'_>>>
    where
        T: ShallowDeserialize,
    {
        let options = self.frames.state.typed::<T>();
        let mut verify = |payload: &[u8]| T::view_shallow_with_options(payload, &options).map(drop);
        let payload = poll_fn(|cx| self.frames.poll_next_frame(cx, &mut verify)).await?;
        // SAFETY: `poll_next_frame` ran `T::view_shallow_with_options` on
        // exactly these bytes and only returned their range if it
        // succeeded.
        Ok(payload.map(|range| unsafe { self.frames.source.shallow_view::<T>(range) }))
    }

    /// Reads the next message and decodes it into an owned `T`, checked
    /// and decoded in one pass.
    ///
    /// # Errors
    ///
    /// As [`read`](Self::read).
    pub async fn read_owned(&mut self) -> Result<Option<T>>
    where
        T: DecodeOwned,
    {
        poll_fn(|cx| self.poll_read_owned(cx)).await
    }

    fn poll_read_owned(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<T>>>
    where
        T: DecodeOwned,
    {
        let options = self.frames.state.typed::<T>();
        let mut decoded = None;
        let frame = ready!(self
            .frames
            .poll_next_frame(cx, &mut decode_into(&options, &mut decoded)));
        Poll::Ready(frame.map(|frame| frame.and(decoded)))
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
    /// Every payload in the stream must be a valid `T`, from a source the
    /// caller trusts.
    pub async unsafe fn read_unchecked(&mut self) -> Result<Option<T::View<'_>>>
    where
        T: StreamDeserialize,
    {
        self.frames.state.typed::<T>();
        let payload = poll_fn(|cx| self.frames.poll_next_frame(cx, &mut |_| Ok(()))).await?;
        // SAFETY: the caller guarantees every payload is a valid `T`.
        Ok(payload.map(|range| unsafe { self.frames.source.view::<T>(range) }))
    }
}

typed_layer!(AsyncStreamReader over AsyncFrameReader);

impl<T, R, D> AsyncStreamReader<T, R, D> {
    /// Bytes read from the underlying reader but not yet returned: the
    /// same bytes as [`buffered`](Self::buffered), under a name no stream
    /// adapter takes (as `std::io::BufReader::buffer` names them).
    ///
    /// This reader is a [`Stream`](futures_core::Stream), so with
    /// `futures::StreamExt` in scope `reader.buffered()` means
    /// `StreamExt::buffered(reader, n)`, the adapter that runs `n`
    /// futures at once, and does not compile; `reader.buffer()` or
    /// `AsyncStreamReader::buffered(&reader)` reach the bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use flatstream::{framing::DefaultDeframer, AsyncStreamReader};
    /// use futures_util::StreamExt;
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let bytes = [5, 0, 0, 0, 1, 2]; // a frame's length and its first two bytes
    /// let mut reader = AsyncStreamReader::<String, _, _>::new(&bytes[..], DefaultDeframer::new());
    /// assert!(reader.next().await.is_some_and(|read| read.is_err())); // cut short
    /// assert_eq!(reader.buffer(), &bytes[..]);
    /// assert_eq!(AsyncStreamReader::buffered(&reader), reader.buffer());
    /// # });
    /// ```
    pub fn buffer(&self) -> &[u8] {
        self.frames.source.frames.unread()
    }
}

/// Yields owned messages (see [`read_owned`](AsyncStreamReader::read_owned)).
/// After the end of the stream or an error the stream ends, until
/// [`set_recovery`](AsyncStreamReader::set_recovery) is called.
impl<T, R, D> futures_core::Stream for AsyncStreamReader<T, R, D>
where
    T: DecodeOwned,
    R: AsyncRead + Unpin,
    D: Deframer + Unpin,
{
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        let this = self.get_mut();
        if this.frames.state.fused {
            return Poll::Ready(None);
        }
        let next = ready!(this.poll_read_owned(cx));
        Poll::Ready(this.frames.state.fuse(next))
    }
}

impl<T, R, D> futures_core::FusedStream for AsyncStreamReader<T, R, D>
where
    T: DecodeOwned,
    R: AsyncRead + Unpin,
    D: Deframer + Unpin,
{
    fn is_terminated(&self) -> bool {
        self.frames.state.fused
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksum::Crc32;
    use crate::framing::{ChecksumDeframer, ChecksumFramer};
    use crate::{Error, Recovery, StreamWriter};

    fn run<F: std::future::Future>(future: F) -> F::Output {
        ::tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    /// An `AsyncRead` that hands out one byte per call.
    struct Trickle<'a>(&'a [u8]);

    impl AsyncRead for Trickle<'_> {
        fn poll_read(
            mut self: std::pin::Pin<&mut Self>,
            _cx: &mut std::task::Context<'_>,
            buf: &mut ::tokio::io::ReadBuf<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            if let Some((first, rest)) = self.0.split_first() {
                buf.put_slice(&[*first]);
                self.0 = rest;
            }
            std::task::Poll::Ready(Ok(()))
        }
    }

    fn stream_of(texts: &[&str]) -> Vec<u8> {
        let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(Crc32::new()));
        writer.write_batch(texts).unwrap();
        writer.into_inner()
    }

    #[test]
    fn async_writer_writes_what_the_sync_writer_writes() {
        let texts = ["a", "bb", "a longer message"];
        let sync = stream_of(&texts);
        let written = run(async {
            let mut writer = AsyncStreamWriter::new(Vec::new(), ChecksumFramer::new(Crc32::new()));
            writer.write_batch(&texts).await.unwrap();
            assert_eq!(writer.messages_written(), 3);
            assert_eq!(writer.bytes_written(), sync.len() as u64);
            writer.into_inner()
        });
        assert_eq!(written, sync);
    }

    #[test]
    fn one_byte_reads_yield_every_frame() {
        let bytes = stream_of(&["x", "yy", "zzz"]);
        let texts = run(async {
            let mut reader = AsyncStreamReader::<String, _, _>::new(
                Trickle(&bytes),
                ChecksumDeframer::new(Crc32::new()),
            );
            let mut texts = Vec::new();
            while let Some(text) = reader.read().await.unwrap() {
                texts.push(text.to_owned());
            }
            assert_eq!(reader.stats().bytes, bytes.len() as u64);
            texts
        });
        assert_eq!(texts, ["x", "yy", "zzz"]);
    }

    #[test]
    fn over_limit_is_refused_with_its_offset() {
        let mut bytes = stream_of(&["ok"]);
        let second = bytes.len() as u64;
        bytes.extend_from_slice(&u32::MAX.to_le_bytes());
        bytes.extend_from_slice(&[0; 4]); // the CRC-32 field completes the header
        run(async {
            let mut reader = AsyncStreamReader::<String, _, _>::new(
                &bytes[..],
                ChecksumDeframer::new(Crc32::new()).with_max_frame_len(1024),
            );
            assert_eq!(reader.read().await.unwrap(), Some("ok"));
            let err = reader.read().await.unwrap_err();
            assert!(matches!(err, Error::InvalidFrame { .. }), "{err}");
            assert_eq!(err.offset(), Some(second));
            assert_eq!(reader.position(), second);
        });
    }

    #[test]
    fn skip_corrupted_resynchronises() {
        let mut bytes = stream_of(&["one", "two", "three"]);
        bytes[20] ^= 0x40;
        let (texts, stats) = run(async {
            let mut reader = AsyncStreamReader::<String, _, _>::new(
                Trickle(&bytes),
                ChecksumDeframer::new(Crc32::new()),
            )
            .with_recovery(Recovery::SkipCorrupted);
            let mut texts = Vec::new();
            while let Some(text) = reader.read_owned().await.unwrap() {
                texts.push(text);
            }
            (texts, reader.stats().clone())
        });
        assert_eq!(texts, ["one", "three"]);
        assert_eq!(stats.frames, 2);
        assert_eq!(stats.skipped_regions, 1);
        assert_eq!(stats.bytes, bytes.len() as u64);
    }
}
