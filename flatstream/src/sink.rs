//! [`FrameSink`]: the write side both writers share. It serializes a
//! message, frames it — in place in front of the payload when the framer
//! tells its header, through scratch space otherwise — and writes the
//! frame, counting exactly what reached the underlying writer.

use std::fmt;
use std::io::{ErrorKind, Write};

use crate::encode::MessageBuilder;
use crate::error::Result;
use crate::framing::{FrameHeader, Framer};
use crate::serialize::StreamSerialize;

/// Payloads up to this length are framed contiguously (one write call per
/// frame); longer ones are written as header and payload, without copying
/// the payload.
pub(crate) const CONTIGUOUS_FRAME_LEN: usize = 256 * 1024;

/// A frame ready to write.
pub(crate) enum Frame<'a> {
    /// Header and payload, contiguous.
    Whole(&'a [u8]),
    /// A large payload and its header, written one after the other.
    Parts(FrameHeader, &'a [u8]),
}

/// Serializes and frames messages for a writer.
pub(crate) struct Framing<F> {
    pub(crate) framer: F,
    builder: MessageBuilder,
    scratch: Vec<u8>,
}

impl<F> Framing<F> {
    pub(crate) fn new(framer: F, builder: MessageBuilder) -> Self {
        Framing {
            framer,
            builder,
            scratch: Vec::new(),
        }
    }
}

impl<F: Framer> Framing<F> {
    /// Serializes `message` and frames it.
    #[cfg(feature = "tokio")]
    #[inline]
    pub(crate) fn message<T: StreamSerialize + ?Sized>(
        &mut self,
        message: &T,
    ) -> Result<Frame<'_>> {
        self.serialize(message)?;
        self.finished()
    }

    /// Serializes `message` into the builder; [`finished`](Self::finished)
    /// frames it.
    #[inline]
    pub(crate) fn serialize<T: StreamSerialize + ?Sized>(&mut self, message: &T) -> Result<()> {
        message.__serialize_message(&mut self.builder).map(drop)
    }

    /// Frames the message the builder just finished. Not generic over the
    /// message type, so compiled once per framer.
    pub(crate) fn finished(&mut self) -> Result<Frame<'_>> {
        let header = self.framer.frame_header(self.builder.finished())?;
        let payload = match &header {
            Some(header) if self.builder.finished().len() <= CONTIGUOUS_FRAME_LEN => {
                match self.builder.prepend(header.as_bytes()) {
                    Ok(frame) => return Ok(Frame::Whole(frame)),
                    Err(payload) => payload,
                }
            }
            _ => self.builder.finished(),
        };
        frame_with(&self.framer, &mut self.scratch, payload, header)
    }

    /// Frames an already finished FlatBuffer.
    pub(crate) fn payload<'a>(&'a mut self, payload: &'a [u8]) -> Result<Frame<'a>> {
        let header = self.framer.frame_header(payload)?;
        frame_with(&self.framer, &mut self.scratch, payload, header)
    }
}

/// Frames `payload`, whose header (if the framer has one) is `header`.
#[inline]
fn frame_with<'a, F: Framer>(
    framer: &F,
    scratch: &'a mut Vec<u8>,
    payload: &'a [u8],
    header: Option<FrameHeader>,
) -> Result<Frame<'a>> {
    scratch.clear();
    match header {
        Some(header) if payload.len() > CONTIGUOUS_FRAME_LEN => {
            return Ok(Frame::Parts(header, payload));
        }
        Some(header) => {
            scratch.extend_from_slice(header.as_bytes());
            scratch.extend_from_slice(payload);
        }
        None => framer.frame_and_write(scratch, payload)?,
    }
    Ok(Frame::Whole(scratch))
}

/// The accessors both writers have, written once: each writer's `impl`
/// block invokes this with the name of its [`FrameSink`] field.
macro_rules! writer_accessors {
    ($sink:ident) => {
        /// Messages written so far (since the last
        /// [`reset`](Self::reset)).
        pub fn messages_written(&self) -> u64 {
            self.$sink.messages
        }

        /// Bytes handed to the underlying writer so far, headers included
        /// (since the last [`reset`](Self::reset)). When a write fails part
        /// way, the bytes the writer took are counted.
        pub fn bytes_written(&self) -> u64 {
            self.$sink.bytes
        }

        /// Puts `writer` in place of the underlying writer, for instance
        /// to rotate to a new file, and returns the old one; the counters
        /// start again from zero. Flush first if the old writer buffers.
        pub fn reset(&mut self, writer: W) -> W {
            self.$sink.reset(writer)
        }

        /// The underlying writer.
        pub fn get_ref(&self) -> &W {
            &self.$sink.writer
        }

        /// The underlying writer, mutably. Writing to it directly breaks
        /// the stream unless whole frames are written, and leaves the
        /// counters behind: use [`reset`](Self::reset) to start over.
        pub fn get_mut(&mut self) -> &mut W {
            &mut self.$sink.writer
        }

        /// The framer.
        pub fn framer(&self) -> &F {
            &self.$sink.framing.framer
        }

        /// Returns the underlying writer. Call `flush` first if it
        /// buffers: this does not flush.
        pub fn into_inner(self) -> W {
            self.$sink.writer
        }
    };
}
pub(crate) use writer_accessors;

/// The state both writers share: the underlying writer, the framing and
/// the counters, which always say what reached the writer.
pub(crate) struct FrameSink<W, F> {
    pub(crate) writer: W,
    pub(crate) framing: Framing<F>,
    pub(crate) messages: u64,
    pub(crate) bytes: u64,
}

impl<W, F> FrameSink<W, F> {
    pub(crate) fn new(writer: W, framer: F, builder: MessageBuilder) -> Self {
        FrameSink {
            writer,
            framing: Framing::new(framer, builder),
            messages: 0,
            bytes: 0,
        }
    }

    /// Puts `writer` in place of the underlying writer and returns the old
    /// one; the counters start again from zero.
    pub(crate) fn reset(&mut self, writer: W) -> W {
        self.messages = 0;
        self.bytes = 0;
        std::mem::replace(&mut self.writer, writer)
    }

    pub(crate) fn debug(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result
    where
        W: fmt::Debug,
        F: fmt::Debug,
    {
        f.debug_struct(name)
            .field("writer", &self.writer)
            .field("framer", &self.framing.framer)
            .field("messages", &self.messages)
            .field("bytes", &self.bytes)
            .finish_non_exhaustive()
    }
}

impl<W: Write, F: Framer> FrameSink<W, F> {
    /// Serializes `message` and writes it as one frame.
    #[inline]
    pub(crate) fn write<T: StreamSerialize + ?Sized>(&mut self, message: &T) -> Result<()> {
        self.framing.serialize(message)?;
        self.send_finished()
    }

    /// Frames and writes the message the builder just finished: the part
    /// of [`write`](Self::write) compiled once per writer and framer
    /// rather than once per message type.
    fn send_finished(&mut self) -> Result<()> {
        let frame = self.framing.finished()?;
        send(&mut self.writer, frame, &mut self.bytes)?;
        self.messages += 1;
        Ok(())
    }

    /// Writes `payload` as one frame.
    pub(crate) fn write_payload(&mut self, payload: &[u8]) -> Result<()> {
        self.write_header_frame(payload)?;
        self.messages += 1;
        Ok(())
    }

    /// Writes `payload` as one frame that is not a message (a stream
    /// header): counted in bytes only.
    pub(crate) fn write_header_frame(&mut self, payload: &[u8]) -> Result<()> {
        let frame = self.framing.payload(payload)?;
        send(&mut self.writer, frame, &mut self.bytes)
    }
}

/// Writes `frame`, adding to `count` every byte the writer took, even when
/// it fails part way.
#[inline]
fn send<W: Write>(writer: &mut W, frame: Frame<'_>, count: &mut u64) -> Result<()> {
    match frame {
        Frame::Whole(bytes) => write_counted(writer, bytes, count),
        Frame::Parts(header, payload) => {
            write_counted(writer, header.as_bytes(), count)?;
            write_counted(writer, payload, count)
        }
    }
}

/// `write_all`, counting what was written. One `write` call takes the
/// whole frame in the common case; the loop is out of line.
#[inline]
fn write_counted<W: Write>(writer: &mut W, bytes: &[u8], count: &mut u64) -> Result<()> {
    match writer.write(bytes) {
        Ok(n) if n == bytes.len() => {
            *count += n as u64;
            Ok(())
        }
        first => write_rest(writer, bytes, count, first),
    }
}

/// [`write_counted`] after a first `write` that did not take everything.
#[cold]
#[inline(never)]
fn write_rest<W: Write>(
    writer: &mut W,
    mut bytes: &[u8],
    count: &mut u64,
    mut result: std::io::Result<usize>,
) -> Result<()> {
    loop {
        match result {
            Ok(0) if !bytes.is_empty() => {
                return Err(std::io::Error::from(ErrorKind::WriteZero).into())
            }
            Ok(n) => {
                *count += n as u64;
                bytes = &bytes[n..];
                if bytes.is_empty() {
                    return Ok(());
                }
            }
            Err(err) if err.kind() == ErrorKind::Interrupted => {}
            Err(err) => return Err(err.into()),
        }
        result = writer.write(bytes);
    }
}

#[cfg(feature = "tokio")]
mod asynchronous {
    use tokio::io::{AsyncWrite, AsyncWriteExt};

    use super::{Frame, FrameSink};
    use crate::error::Result;
    use crate::framing::Framer;
    use crate::serialize::StreamSerialize;

    impl<W: AsyncWrite + Unpin, F: Framer> FrameSink<W, F> {
        /// Serializes `message` and writes it as one frame.
        pub(crate) async fn write_async<T: StreamSerialize + ?Sized>(
            &mut self,
            message: &T,
        ) -> Result<()> {
            let frame = self.framing.message(message)?;
            send(&mut self.writer, frame, &mut self.bytes).await?;
            self.messages += 1;
            Ok(())
        }

        /// Writes `payload` as one frame.
        pub(crate) async fn write_payload_async(&mut self, payload: &[u8]) -> Result<()> {
            self.write_header_frame_async(payload).await?;
            self.messages += 1;
            Ok(())
        }

        /// Writes `payload` as one frame that is not a message (a stream
        /// header): counted in bytes only.
        pub(crate) async fn write_header_frame_async(&mut self, payload: &[u8]) -> Result<()> {
            let frame = self.framing.payload(payload)?;
            send(&mut self.writer, frame, &mut self.bytes).await
        }
    }

    async fn send<W: AsyncWrite + Unpin>(
        writer: &mut W,
        frame: Frame<'_>,
        count: &mut u64,
    ) -> Result<()> {
        match frame {
            Frame::Whole(bytes) => write_counted(writer, bytes, count).await,
            Frame::Parts(header, payload) => {
                write_counted(writer, header.as_bytes(), count).await?;
                write_counted(writer, payload, count).await
            }
        }
    }

    async fn write_counted<W: AsyncWrite + Unpin>(
        writer: &mut W,
        mut bytes: &[u8],
        count: &mut u64,
    ) -> Result<()> {
        while !bytes.is_empty() {
            let n = writer.write(bytes).await?;
            if n == 0 {
                return Err(std::io::Error::from(std::io::ErrorKind::WriteZero).into());
            }
            *count += n as u64;
            bytes = &bytes[n..];
        }
        Ok(())
    }
}
