//! [`AsyncStreamWriter`] and [`AsyncStreamReader`]: the writer and reader
//! over tokio's [`AsyncWrite`] and [`AsyncRead`], for sockets, pipes and
//! async files.
//!
//! They write and read exactly the bytes [`StreamWriter`](crate::StreamWriter)
//! and [`StreamReader`](crate::StreamReader) do, with the same rules: clean
//! EOF only on a frame boundary, lengths checked against the limit before
//! any memory is reserved, checksums, FlatBuffers verification and
//! [`Recovery`].

use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;

use ::tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use flatbuffers::{FlatBufferBuilder, VerifierOptions};

use crate::decode::{apply_step, scan, FrameBuf, Next, ReadStats, Recovery, SkippedRegion, Skips};
use crate::encode::MessageBuilder;
#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::framing::{Deframer, Framer};
use crate::serialize::{DecodeOwned, StreamDeserialize, StreamSerialize};

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
    writer: W,
    framer: F,
    builder: MessageBuilder,
    scratch: Vec<u8>,
    messages: u64,
    bytes: u64,
    _message: PhantomData<fn(&T)>,
}

impl<T: ?Sized, W: AsyncWrite + Unpin, F: Framer> AsyncStreamWriter<T, W, F> {
    /// A writer of frames made by `framer` to `writer`.
    pub fn new(writer: W, framer: F) -> Self {
        Self::with_message_builder(writer, framer, MessageBuilder::default())
    }

    /// A writer that serializes every message with `builder`.
    ///
    /// Without one ([`new`](Self::new)), derived types are written by
    /// flatstream's own encoder, which lays out the same bytes as the
    /// builder, faster.
    pub fn with_builder(writer: W, framer: F, builder: FlatBufferBuilder<'static>) -> Self {
        Self::with_message_builder(writer, framer, MessageBuilder::with_builder(builder))
    }

    fn with_message_builder(writer: W, framer: F, builder: MessageBuilder) -> Self {
        AsyncStreamWriter {
            writer,
            framer,
            builder,
            scratch: Vec::new(),
            messages: 0,
            bytes: 0,
            _message: PhantomData,
        }
    }

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
        message.__serialize_message(&mut self.builder)?;
        if let Some(frame) = self.builder.frame_in_place(&self.framer, usize::MAX)? {
            return send_frame(&mut self.writer, frame, &mut self.bytes, &mut self.messages).await;
        }
        self.scratch.clear();
        self.framer
            .frame_and_write(&mut self.scratch, self.builder.finished())?;
        self.send_scratch().await
    }

    /// Writes an already finished FlatBuffer as one frame, as is.
    ///
    /// # Errors
    ///
    /// As [`write`](Self::write).
    pub async fn write_payload(&mut self, payload: &[u8]) -> Result<()> {
        self.scratch.clear();
        self.framer.frame_and_write(&mut self.scratch, payload)?;
        self.send_scratch().await
    }

    async fn send_scratch(&mut self) -> Result<()> {
        send_frame(
            &mut self.writer,
            &self.scratch,
            &mut self.bytes,
            &mut self.messages,
        )
        .await
    }

    /// Flushes the underlying writer.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the flush fails.
    pub async fn flush(&mut self) -> Result<()> {
        self.writer.flush().await?;
        Ok(())
    }

    /// Flushes and shuts the underlying writer down (for a TCP stream: sends
    /// FIN, so the peer's reader sees a clean end of stream).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the flush or the shutdown fails.
    pub async fn shutdown(&mut self) -> Result<()> {
        self.writer.shutdown().await?;
        Ok(())
    }

    /// Messages written so far.
    pub fn messages_written(&self) -> u64 {
        self.messages
    }

    /// Bytes handed to the underlying writer so far, headers included.
    pub fn bytes_written(&self) -> u64 {
        self.bytes
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
    /// The underlying writer.
    pub fn get_ref(&self) -> &W {
        &self.writer
    }

    /// The underlying writer, mutably. Writing to it directly breaks the
    /// stream unless whole frames are written.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.writer
    }

    /// The framer.
    pub fn framer(&self) -> &F {
        &self.framer
    }

    /// Returns the underlying writer. Call [`flush`](Self::flush) first if
    /// it buffers: this does not flush.
    pub fn into_inner(self) -> W {
        self.writer
    }
}

impl<T: ?Sized, W: fmt::Debug, F: fmt::Debug> fmt::Debug for AsyncStreamWriter<T, W, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncStreamWriter")
            .field("writer", &self.writer)
            .field("framer", &self.framer)
            .field("messages", &self.messages)
            .field("bytes", &self.bytes)
            .finish_non_exhaustive()
    }
}

/// Writes one whole frame to `writer` and counts it.
async fn send_frame<W: AsyncWrite + Unpin>(
    writer: &mut W,
    frame: &[u8],
    bytes: &mut u64,
    messages: &mut u64,
) -> Result<()> {
    writer.write_all(frame).await?;
    *bytes += frame.len() as u64;
    *messages += 1;
    Ok(())
}

/// Reads a stream of `T` messages from an [`AsyncRead`], deframed by `D`.
///
/// The async twin of [`StreamReader`](crate::StreamReader), built on the
/// same decoder: it buffers what it reads (no `BufReader` needed), decodes
/// frames in place, and grows its buffer only with bytes that really
/// arrive, so a header claiming a huge length is refused (over the limit)
/// or costs at most what the peer actually sends.
///
/// - [`read`](Self::read): the next verified, zero-copy view, borrowing the
///   reader until the next call;
/// - [`read_message`](Self::read_message): the raw payload;
/// - [`read_owned`](Self::read_owned): an owned `T`.
///
/// Every read is cancel-safe: bytes are only consumed once a whole frame is
/// returned, so a read can sit in `tokio::select!` next to a timeout or a
/// shutdown signal, and a later read carries on where it stopped.
///
/// # Errors and recovery
///
/// As for [`StreamReader`](crate::StreamReader): in [`Recovery::Strict`]
/// mode the first damaged frame is an error (with its byte offset), a peer
/// that goes away mid-frame is [`Error::UnexpectedEof`]; in
/// [`Recovery::SkipCorrupted`] mode damaged bytes are skipped and counted.
///
/// # Examples
///
/// ```
/// use flatstream::{checksum::Crc32, framing::*, AsyncStreamReader, Error, StreamWriter};
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
    reader: R,
    deframer: D,
    frames: FrameBuf,
    recovery: Recovery,
    verifier: VerifierOptions,
    stats: ReadStats,
    skips: Skips,
    _message: PhantomData<fn() -> T>,
}

impl<T, R: AsyncRead + Unpin, D: Deframer> AsyncStreamReader<T, R, D> {
    /// A reader of frames from `reader`, deframed by `deframer`.
    pub fn new(reader: R, deframer: D) -> Self {
        AsyncStreamReader {
            reader,
            deframer,
            frames: FrameBuf::default(),
            recovery: Recovery::Strict,
            verifier: VerifierOptions::default(),
            stats: ReadStats::default(),
            skips: Skips::default(),
            _message: PhantomData,
        }
    }

    /// Sets what the reader does with damaged frames (see [`Recovery`]).
    #[must_use]
    pub fn with_recovery(mut self, recovery: Recovery) -> Self {
        self.recovery = recovery;
        self
    }

    /// Changes the recovery mode from the next read on.
    pub fn set_recovery(&mut self, recovery: Recovery) {
        self.recovery = recovery;
    }

    /// Calls `callback` with each damaged region skipped in
    /// [`Recovery::SkipCorrupted`] mode: its offset, length and why its
    /// first frame was refused.
    #[must_use]
    pub fn with_skip_callback(
        mut self,
        callback: impl FnMut(&SkippedRegion) + Send + 'static,
    ) -> Self {
        self.skips.set_callback(Box::new(callback));
        self
    }

    /// Sets the limits the FlatBuffers verifier enforces on each payload.
    #[must_use]
    pub fn with_verifier_options(mut self, options: VerifierOptions) -> Self {
        self.verifier = options;
        self
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
        let payload = self.next_frame(|_| Ok(())).await?;
        Ok(payload.map(|range| self.frames.bytes(range)))
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
        let options = self.verifier.clone();
        let payload = self
            .next_frame(|payload| T::view_with_options(payload, &options).map(drop))
            .await?;
        Ok(payload.map(|range| {
            let payload = self.frames.bytes(range);
            // SAFETY: `next_frame` ran `T::view_with_options` on exactly
            // these bytes and only returned their range if it succeeded.
            unsafe { T::view_unchecked(payload) }
        }))
    }

    /// Reads the next message and decodes it into an owned `T`.
    ///
    /// # Errors
    ///
    /// As [`read`](Self::read).
    pub async fn read_owned(&mut self) -> Result<Option<T>>
    where
        T: DecodeOwned,
    {
        Ok(self.read().await?.map(T::from_view))
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
        let payload = self.next_frame(|_| Ok(())).await?;
        Ok(payload.map(|range| {
            let payload = self.frames.bytes(range);
            // SAFETY: the caller guarantees every payload is a valid `T`.
            unsafe { T::view_unchecked(payload) }
        }))
    }

    /// Finds the next intact frame, reading as needed, and returns its
    /// payload's range in the buffer.
    async fn next_frame<V>(&mut self, mut verify: V) -> Result<Option<Range<usize>>>
    where
        V: FnMut(&[u8]) -> Result<()>,
    {
        let mut eof = false;
        loop {
            let (step, reason) = scan(
                &self.deframer,
                self.frames.unread(),
                eof,
                self.recovery,
                &mut verify,
            );
            match apply_step(
                &mut self.frames,
                &mut self.skips,
                &mut self.stats,
                step,
                reason,
            ) {
                Next::Frame(payload) => return Ok(Some(payload)),
                Next::End => return Ok(None),
                Next::Fail(err) => return Err(*err),
                Next::Read(total) => {
                    // Cancel-safe: bytes count only once `commit` has run.
                    let n = self.reader.read(self.frames.spare(total)).await?;
                    self.frames.commit(n);
                    eof = n == 0;
                }
            }
        }
    }
}

impl<T, R, D> AsyncStreamReader<T, R, D> {
    /// Counters of frames and bytes read and skipped so far.
    pub fn stats(&self) -> &ReadStats {
        &self.stats
    }

    /// Byte offset in the stream of the next frame to read (after an error
    /// in strict mode: of the damaged frame).
    pub fn position(&self) -> u64 {
        self.frames.position()
    }

    /// The recovery mode.
    pub fn recovery(&self) -> Recovery {
        self.recovery
    }

    /// Bytes read from the underlying reader but not yet returned.
    pub fn buffered(&self) -> &[u8] {
        self.frames.unread()
    }

    /// The underlying reader.
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// The underlying reader, mutably. Reading from it directly skips bytes
    /// the stream reader has not seen.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// The deframer.
    pub fn deframer(&self) -> &D {
        &self.deframer
    }

    /// Returns the underlying reader. Bytes already buffered (see
    /// [`buffered`](Self::buffered)) are lost.
    pub fn into_inner(self) -> R {
        self.reader
    }
}

impl<T, R: fmt::Debug, D: fmt::Debug> fmt::Debug for AsyncStreamReader<T, R, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncStreamReader")
            .field("reader", &self.reader)
            .field("deframer", &self.deframer)
            .field("recovery", &self.recovery)
            .field("position", &self.frames.position())
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksum::Crc32;
    use crate::framing::{ChecksumDeframer, ChecksumFramer};
    use crate::{Error, StreamWriter};

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
