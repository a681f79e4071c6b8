//! The write side: serializes messages, gathers them into blocks,
//! compresses and encrypts them into frame payloads for a writer.

use std::fmt;
use std::io::Write;

use super::compress::{self, Packer};
use super::{Compression, Grouping, LayerErrorKind, Layers, SHAPE_BLOCK, SHAPE_MESSAGE};
use crate::encode::MessageBuilder;
use crate::error::Result;
use crate::framing::Framer;
use crate::header::StreamHeader;
use crate::schema::Schema;
use crate::serialize::StreamSerialize;
use crate::StreamWriter;

/// What both layered writers keep besides their writer: the codec, the
/// cipher, the block being gathered and the frame payload being made.
pub(crate) struct Encoder {
    packer: Packer,
    compression: Compression,
    grouping: Grouping,
    dictionary_id: Option<u32>,
    #[cfg(feature = "encryption")]
    cipher: Option<(u32, super::encrypt::Cipher)>,
    /// The next frame's sequence number.
    #[cfg(feature = "encryption")]
    sequence: u64,
    builder: MessageBuilder,
    block: Vec<u8>,
    block_messages: usize,
    envelope: Vec<u8>,
    sealed: Vec<u8>,
    /// Messages taken (written, or gathered in the pending block).
    messages: u64,
}

impl Encoder {
    pub(crate) fn new(layers: &Layers) -> Result<Self> {
        #[cfg(feature = "encryption")]
        let cipher = match layers.keys.last() {
            Some((id, key)) => Some((*id, super::encrypt::Cipher::fresh(key)?)),
            None => None,
        };
        let dictionary = match layers.compression {
            #[cfg(feature = "zstd")]
            Compression::Zstd { .. } => layers.dictionary.as_ref(),
            _ => None,
        };
        if let Grouping::Block {
            max_messages: 0, ..
        } = layers.grouping
        {
            return Err(LayerErrorKind::Malformed("blocks of at most 0 messages".into()).into());
        }
        Ok(Encoder {
            packer: Packer::new(layers.compression, dictionary)?,
            compression: layers.compression,
            grouping: layers.grouping,
            dictionary_id: dictionary.map(super::Dictionary::id),
            #[cfg(feature = "encryption")]
            cipher,
            #[cfg(feature = "encryption")]
            sequence: 0,
            builder: MessageBuilder::default(),
            block: Vec::new(),
            block_messages: 0,
            envelope: Vec::new(),
            sealed: Vec::new(),
            messages: 0,
        })
    }

    /// `header` with the layer's fields.
    pub(crate) fn header(&self, mut header: StreamHeader) -> StreamHeader {
        header.compression = Some(compress::name(self.compression).to_owned());
        header.dictionary_id = self.dictionary_id;
        #[cfg(feature = "encryption")]
        if let Some((key_id, cipher)) = &self.cipher {
            header.encryption = Some(super::encrypt::NAME.to_owned());
            header.key_id = Some(*key_id);
            header.stream_id = Some(cipher.stream_id());
        }
        header
    }

    /// Takes `message`; `Ok(true)` when a frame payload is ready in
    /// [`frame`](Self::frame).
    pub(crate) fn push<T: StreamSerialize + ?Sized>(&mut self, message: &T) -> Result<bool> {
        let payload = message.__serialize_message(&mut self.builder)?;
        match self.grouping {
            Grouping::PerFrame => {
                self.envelope.clear();
                self.packer
                    .pack(SHAPE_MESSAGE, payload, &mut self.envelope)?;
                self.messages += 1;
                self.seal_data()?;
                Ok(true)
            }
            Grouping::Block {
                max_messages,
                max_bytes,
            } => {
                let len = u32::try_from(payload.len()).map_err(|_| {
                    LayerErrorKind::Malformed(format!(
                        "a message of {} bytes does not fit a block",
                        payload.len()
                    ))
                })?;
                self.block.extend_from_slice(&len.to_le_bytes());
                self.block.extend_from_slice(payload);
                self.block_messages += 1;
                self.messages += 1;
                if self.block_messages >= max_messages || self.block.len() >= max_bytes {
                    self.close_block()
                } else {
                    Ok(false)
                }
            }
        }
    }

    /// Closes the pending block, if any; `Ok(true)` when a frame payload
    /// is ready.
    pub(crate) fn close_block(&mut self) -> Result<bool> {
        if self.block_messages == 0 {
            return Ok(false);
        }
        self.envelope.clear();
        let packed = self
            .packer
            .pack(SHAPE_BLOCK, &self.block, &mut self.envelope);
        self.block.clear();
        self.block_messages = 0;
        packed?;
        self.seal_data()?;
        Ok(true)
    }

    /// The end frame of an encrypted stream; `Ok(false)` when the stream
    /// is not encrypted.
    pub(crate) fn end(&mut self) -> Result<bool> {
        #[cfg(feature = "encryption")]
        if let Some((_, cipher)) = &self.cipher {
            cipher.seal(
                super::encrypt::KIND_END,
                self.sequence,
                &[],
                &mut self.sealed,
            )?;
            self.sequence += 1;
            return Ok(true);
        }
        Ok(false)
    }

    fn seal_data(&mut self) -> Result<()> {
        #[cfg(feature = "encryption")]
        if let Some((_, cipher)) = &self.cipher {
            cipher.seal(
                super::encrypt::KIND_DATA,
                self.sequence,
                &self.envelope,
                &mut self.sealed,
            )?;
            self.sequence += 1;
            return Ok(());
        }
        std::mem::swap(&mut self.envelope, &mut self.sealed);
        Ok(())
    }

    /// The frame payload made by the last call that said one is ready.
    pub(crate) fn frame(&self) -> &[u8] {
        &self.sealed
    }
}

/// Writes a compressed or encrypted stream (see the [module
/// docs](super)) through a [`StreamWriter`], whose framer adds the
/// checksums.
///
/// The stream starts with a [`StreamHeader`] naming the layers. Call
/// [`finish`](Self::finish) at the end: it writes the pending block and,
/// for an encrypted stream, the authenticated end frame without which a
/// reader reports the stream truncated. Messages gathered in a block are
/// only written when it fills, on [`flush`](Self::flush) or on `finish`:
/// dropping the writer loses them.
pub struct LayeredWriter<T: ?Sized, W, F> {
    inner: StreamWriter<T, W, F>,
    encoder: Encoder,
}

impl<T: Schema + ?Sized, W: Write, F: Framer> LayeredWriter<T, W, F> {
    /// A writer of `T` messages to `writer`, framed by `framer`,
    /// through `layers`; writes the stream header.
    ///
    /// # Errors
    ///
    /// [`Error::Io`](crate::Error::Io) when writing the header fails or no
    /// randomness is available for an encrypted stream's id;
    /// [`LayerErrorKind::Malformed`] for blocks of 0 messages or a
    /// dictionary zstd refuses.
    pub fn new(writer: W, framer: F, layers: Layers) -> Result<Self> {
        let encoder = Encoder::new(&layers)?;
        let inner = StreamWriter::with_header_from(writer, framer, |h| encoder.header(h))?;
        Ok(LayeredWriter { inner, encoder })
    }
}

impl<T: ?Sized, W: Write, F: Framer> LayeredWriter<T, W, F> {
    /// Takes `message`: writes its frame, or gathers it into the pending
    /// block (written once full).
    ///
    /// # Errors
    ///
    /// What serializing `message` reports, and the writer's.
    pub fn write(&mut self, message: &T) -> Result<()>
    where
        T: StreamSerialize,
    {
        if self.encoder.push(message)? {
            self.inner.write_payload(self.encoder.frame())?;
        }
        Ok(())
    }

    /// Writes the pending block, if any, and flushes the writer.
    ///
    /// # Errors
    ///
    /// The writer's.
    pub fn flush(&mut self) -> Result<()> {
        if self.encoder.close_block()? {
            self.inner.write_payload(self.encoder.frame())?;
        }
        self.inner.flush()
    }

    /// Writes the pending block and the end frame, flushes, and returns
    /// the writer.
    ///
    /// # Errors
    ///
    /// The writer's.
    pub fn finish(mut self) -> Result<W> {
        self.flush()?;
        if self.encoder.end()? {
            self.inner.write_payload(self.encoder.frame())?;
        }
        self.inner.flush()?;
        Ok(self.inner.into_inner())
    }

    /// Messages taken so far, those in the pending block included.
    pub fn messages_written(&self) -> u64 {
        self.encoder.messages
    }

    /// Bytes handed to the writer so far.
    pub fn bytes_written(&self) -> u64 {
        self.inner.bytes_written()
    }
}

impl<T: ?Sized, W: fmt::Debug, F: fmt::Debug> fmt::Debug for LayeredWriter<T, W, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LayeredWriter")
            .field("inner", &self.inner)
            .field("compression", &self.encoder.compression)
            .field("grouping", &self.encoder.grouping)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "tokio")]
mod asynchronous {
    use std::fmt;

    use tokio::io::AsyncWrite;

    use super::Encoder;
    use crate::error::Result;
    use crate::framing::Framer;
    use crate::layered::Layers;
    use crate::schema::Schema;
    use crate::serialize::StreamSerialize;
    use crate::AsyncStreamWriter;

    /// The async twin of [`LayeredWriter`](super::LayeredWriter), through
    /// an [`AsyncStreamWriter`].
    #[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
    pub struct AsyncLayeredWriter<T: ?Sized, W, F> {
        inner: AsyncStreamWriter<T, W, F>,
        encoder: Encoder,
    }

    impl<T: Schema + ?Sized, W: AsyncWrite + Unpin, F: Framer> AsyncLayeredWriter<T, W, F> {
        /// As [`LayeredWriter::new`](super::LayeredWriter::new).
        ///
        /// # Errors
        ///
        /// As [`LayeredWriter::new`](super::LayeredWriter::new).
        pub async fn new(writer: W, framer: F, layers: Layers) -> Result<Self> {
            let encoder = Encoder::new(&layers)?;
            let inner =
                AsyncStreamWriter::with_header_from(writer, framer, |h| encoder.header(h)).await?;
            Ok(AsyncLayeredWriter { inner, encoder })
        }
    }

    impl<T: ?Sized, W: AsyncWrite + Unpin, F: Framer> AsyncLayeredWriter<T, W, F> {
        /// As [`LayeredWriter::write`](super::LayeredWriter::write).
        ///
        /// # Errors
        ///
        /// As [`LayeredWriter::write`](super::LayeredWriter::write).
        pub async fn write(&mut self, message: &T) -> Result<()>
        where
            T: StreamSerialize,
        {
            if self.encoder.push(message)? {
                self.inner.write_payload(self.encoder.frame()).await?;
            }
            Ok(())
        }

        /// Writes the pending block, if any, and flushes the writer.
        ///
        /// # Errors
        ///
        /// The writer's.
        pub async fn flush(&mut self) -> Result<()> {
            if self.encoder.close_block()? {
                self.inner.write_payload(self.encoder.frame()).await?;
            }
            self.inner.flush().await
        }

        /// Writes the pending block and the end frame, shuts the writer
        /// down, and returns it.
        ///
        /// # Errors
        ///
        /// The writer's.
        pub async fn finish(mut self) -> Result<W> {
            self.flush().await?;
            if self.encoder.end()? {
                self.inner.write_payload(self.encoder.frame()).await?;
            }
            self.inner.shutdown().await?;
            Ok(self.inner.into_inner())
        }
    }

    impl<T: ?Sized, W: fmt::Debug, F: fmt::Debug> fmt::Debug for AsyncLayeredWriter<T, W, F> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("AsyncLayeredWriter")
                .field("inner", &self.inner)
                .finish_non_exhaustive()
        }
    }
}
#[cfg(feature = "tokio")]
pub use asynchronous::AsyncLayeredWriter;
