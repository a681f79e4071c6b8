//! Compressed and encrypted streams: a layer between the frames and the
//! messages.
//!
//! The layer sits after a frame's checksum matched: each frame's payload
//! is an *envelope* that the reader opens (authenticates, decrypts,
//! decompresses) into a buffer it owns, and then hands out the messages
//! it holds one by one, verified, as views into that buffer. On the
//! write side the layer turns serialized messages into envelopes that the
//! usual framer frames. So the layer composes with every checksum and
//! with any frame source: [`FrameReader`](crate::FrameReader) and
//! [`SliceReader`](crate::SliceReader) through [`LayeredReader`],
//! [`AsyncFrameReader`](crate::AsyncFrameReader) through
//! `AsyncLayeredReader`; [`StreamWriter`](crate::StreamWriter) through
//! [`LayeredWriter`] and [`AsyncStreamWriter`](crate::AsyncStreamWriter)
//! through `AsyncLayeredWriter`.
//!
//! ```text
//! frame payload := envelope                        (not encrypted)
//!                | sealed                          (encrypted)
//! sealed   := [u8 kind: 1 data, 2 end][u64 LE sequence][ciphertext ‖ 16-byte tag]
//! envelope := [u8 codec: 0 stored, 1 lz4, 2 zstd][u8 shape: 0 message, 1 block]
//!             [u32 LE decoded length][codec's bytes]
//! block    := ([u32 LE message length][message])*
//! ```
//!
//! The first frame is a [`StreamHeader`](crate::StreamHeader), in clear,
//! naming the codec, the zstd dictionary's id, the key id and the
//! stream's random id. Encryption uses XChaCha20-Poly1305: the nonce is
//! the 16-byte stream id followed by the frame's sequence number, and the
//! associated data binds the stream id, the kind, the sequence number and
//! the frame's payload length. The writer's
//! [`finish`](LayeredWriter::finish) writes an authenticated end frame; a
//! stream that stops before it is [`LayerErrorKind::Truncated`].

mod compress;
mod decoder;
mod encoder;
#[cfg(feature = "encryption")]
mod encrypt;

use std::fmt;

pub use compress::{Compression, Dictionary};
#[cfg(feature = "tokio")]
pub use decoder::AsyncLayeredReader;
pub use decoder::{FrameSource, LayerStats, LayeredReader, Pulled};
#[cfg(feature = "tokio")]
pub use encoder::AsyncLayeredWriter;
pub use encoder::LayeredWriter;
#[cfg(feature = "encryption")]
pub use encrypt::Key;

use crate::framing::DEFAULT_MAX_FRAME_LEN;

/// Envelope codecs.
pub(crate) const CODEC_STORED: u8 = 0;
pub(crate) const CODEC_LZ4: u8 = 1;
pub(crate) const CODEC_ZSTD: u8 = 2;
/// Envelope shapes.
pub(crate) const SHAPE_MESSAGE: u8 = 0;
pub(crate) const SHAPE_BLOCK: u8 = 1;
/// Bytes of an envelope's header: codec, shape, decoded length.
pub(crate) const ENVELOPE_HEADER: usize = 6;
/// Bytes of a block entry's length prefix.
pub(crate) const ENTRY_LEN: usize = 4;

/// How a [`LayeredWriter`] groups messages into frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// One message per frame.
    PerFrame,
    /// Messages gathered into one frame until either limit is reached:
    /// small messages compress far better together.
    Block {
        /// Most messages in a block.
        max_messages: usize,
        /// Most bytes of messages (and their 4-byte length prefixes) in a
        /// block.
        max_bytes: usize,
    },
}

impl Grouping {
    /// Blocks of at most `max_messages` messages and `max_kib` KiB.
    pub const fn block(max_messages: usize, max_kib: usize) -> Self {
        Grouping::Block {
            max_messages,
            max_bytes: max_kib * 1024,
        }
    }
}

/// What the layer does: the codec and grouping (write side), the
/// dictionary, the keys, and the reader's limit on decoded bytes.
///
/// # Examples
///
/// ```
/// use flatstream::checksum::Crc32;
/// use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
/// use flatstream::layered::{Compression, Grouping, LayeredReader, LayeredWriter, Layers};
/// use flatstream::FrameReader;
///
/// let layers = Layers::new()
///     .with_compression(Compression::Zstd { level: 3 })
///     .with_grouping(Grouping::block(64, 16));
/// let mut writer = LayeredWriter::<String, _, _>::new(Vec::new(), ChecksumFramer::new(Crc32::new()), layers.clone())?;
/// for i in 0..100 {
///     writer.write(&format!("event {i}"))?;
/// }
/// let bytes = writer.finish()?;
///
/// let frames = FrameReader::new(&bytes[..], ChecksumDeframer::new(Crc32::new()));
/// let mut reader = LayeredReader::<String, _>::new(frames, layers)?;
/// let mut n = 0;
/// while let Some(text) = reader.read()? {
///     assert_eq!(text, format!("event {n}"));
///     n += 1;
/// }
/// assert_eq!(n, 100);
/// # Ok::<(), flatstream::Error>(())
/// ```
#[derive(Clone)]
pub struct Layers {
    pub(crate) compression: Compression,
    pub(crate) grouping: Grouping,
    pub(crate) dictionary: Option<Dictionary>,
    #[cfg(feature = "encryption")]
    pub(crate) keys: Vec<(u32, Key)>,
    pub(crate) max_decoded_len: usize,
}

impl Default for Layers {
    fn default() -> Self {
        Self::new()
    }
}

impl Layers {
    /// No compression, one message per frame, no encryption; decoded
    /// frames up to 16 MiB.
    pub fn new() -> Self {
        Layers {
            compression: Compression::None,
            grouping: Grouping::PerFrame,
            dictionary: None,
            #[cfg(feature = "encryption")]
            keys: Vec::new(),
            max_decoded_len: DEFAULT_MAX_FRAME_LEN,
        }
    }

    /// The codec a writer compresses with. Readers read every codec.
    #[must_use]
    pub fn with_compression(mut self, compression: Compression) -> Self {
        self.compression = compression;
        self
    }

    /// How a writer groups messages into frames.
    #[must_use]
    pub fn with_grouping(mut self, grouping: Grouping) -> Self {
        self.grouping = grouping;
        self
    }

    /// The zstd dictionary: a writer compresses with it, a reader needs
    /// the same one (its id is in the stream header and in every zstd
    /// frame; another is [`LayerErrorKind::DictionaryMismatch`]).
    #[must_use]
    pub fn with_dictionary(mut self, dictionary: Dictionary) -> Self {
        self.dictionary = Some(dictionary);
        self
    }

    /// Adds a key, known by `key_id`. A writer encrypts with the last key
    /// added and names its id in the stream header; a reader picks the
    /// key whose id the header names, so keys rotate by giving writers a
    /// new key (and id) while readers keep the old ones.
    #[cfg(feature = "encryption")]
    #[cfg_attr(docsrs, doc(cfg(feature = "encryption")))]
    #[must_use]
    pub fn with_key(mut self, key_id: u32, key: Key) -> Self {
        self.keys.push((key_id, key));
        self
    }

    /// The most bytes a frame may decode to: a claim over it is refused
    /// before any buffer grows ([`LayerErrorKind::TooLarge`]).
    #[must_use]
    pub fn with_max_decoded_len(mut self, max_decoded_len: usize) -> Self {
        self.max_decoded_len = max_decoded_len;
        self
    }

    #[cfg(feature = "encryption")]
    fn encrypts(&self) -> bool {
        !self.keys.is_empty()
    }

    #[cfg(not(feature = "encryption"))]
    fn encrypts(&self) -> bool {
        false
    }
}

impl fmt::Debug for Layers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Layers")
            .field("compression", &self.compression)
            .field("grouping", &self.grouping)
            .field("dictionary", &self.dictionary.as_ref().map(Dictionary::id))
            .field("encrypted", &self.encrypts())
            .field("max_decoded_len", &self.max_decoded_len)
            .finish_non_exhaustive()
    }
}

/// Why a compressed or encrypted frame was refused, and where (inside
/// [`Error::Layer`](crate::Error::Layer)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerError {
    kind: LayerErrorKind,
    offset: Option<u64>,
}

/// What is wrong with a compressed or encrypted frame.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LayerErrorKind {
    /// The envelope is malformed (too short, an unknown codec or shape, a
    /// block whose entries do not add up).
    Malformed(String),
    /// The codec's bytes do not decode to the length the envelope claims.
    Decompress(String),
    /// The frame claims to decode to more than the reader's limit
    /// (refused before any allocation: a decompression bomb).
    TooLarge {
        /// Bytes the frame claims.
        claimed: u64,
        /// The reader's limit.
        limit: usize,
    },
    /// The stream was compressed with another zstd dictionary than the
    /// reader's (0: none).
    DictionaryMismatch {
        /// The dictionary id the stream names.
        stream: u32,
        /// The reader's dictionary id.
        reader: u32,
    },
    /// A codec this build lacks (a cargo feature is off).
    Unsupported(&'static str),
    /// The stream is encrypted and the reader has no key, or not the key
    /// the header names.
    UnknownKey {
        /// The key id the stream header names.
        key_id: u32,
    },
    /// The reader has keys but the stream has no header naming its
    /// stream id and key, or the header says the stream is not encrypted.
    NotEncrypted,
    /// A frame failed authentication: damaged, forged, from another
    /// stream, or encrypted with another key.
    Authentication {
        /// The frame's sequence number.
        sequence: u64,
    },
    /// An authentic-looking frame out of order: dropped, reordered or
    /// duplicated frames.
    Sequence {
        /// The sequence number expected.
        expected: u64,
        /// The one the frame has.
        found: u64,
    },
    /// The stream stopped before its authenticated end frame.
    Truncated {
        /// Data frames read before the stream stopped.
        frames: u64,
    },
    /// A frame after the end frame.
    AfterEnd,
}

impl LayerError {
    pub(crate) fn new(kind: LayerErrorKind) -> Self {
        LayerError { kind, offset: None }
    }

    /// What is wrong.
    pub fn kind(&self) -> &LayerErrorKind {
        &self.kind
    }

    /// Byte offset of the frame, when known.
    pub fn offset(&self) -> Option<u64> {
        self.offset
    }

    /// Whether the bytes are at fault, rather than the reader's settings
    /// (its dictionary, its keys, its features).
    pub fn is_corruption(&self) -> bool {
        !matches!(
            self.kind,
            LayerErrorKind::DictionaryMismatch { .. }
                | LayerErrorKind::Unsupported(_)
                | LayerErrorKind::UnknownKey { .. }
                | LayerErrorKind::NotEncrypted
        )
    }

    pub(crate) fn set_offset(&mut self, offset: u64) {
        self.offset.get_or_insert(offset);
    }
}

impl fmt::Display for LayerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use LayerErrorKind::*;
        match &self.kind {
            Malformed(message) => write!(f, "malformed envelope: {message}")?,
            Decompress(message) => write!(f, "decompression failed: {message}")?,
            TooLarge { claimed, limit } => write!(
                f,
                "frame claims {claimed} decoded bytes, over the limit of {limit} bytes"
            )?,
            DictionaryMismatch { stream, reader } => write!(
                f,
                "stream compressed with zstd dictionary {stream}, the reader has dictionary {reader}"
            )?,
            Unsupported(what) => write!(f, "{what} frames need the `{what}` feature")?,
            UnknownKey { key_id } => write!(f, "no key with id {key_id} for this encrypted stream")?,
            NotEncrypted => write!(f, "the reader expects an encrypted stream, whose header names its stream id and key")?,
            Authentication { sequence } => {
                write!(f, "frame {sequence} failed authentication")?
            }
            Sequence { expected, found } => write!(
                f,
                "frame out of sequence: expected {expected}, found {found} (dropped, reordered or duplicated frames)"
            )?,
            Truncated { frames } => write!(
                f,
                "encrypted stream truncated after {frames} frames: no end-of-stream frame"
            )?,
            AfterEnd => write!(f, "frame after the end-of-stream frame")?,
        }
        if let Some(offset) = self.offset {
            write!(f, " (frame at byte offset {offset})")?;
        }
        Ok(())
    }
}

impl std::error::Error for LayerError {}

impl From<LayerErrorKind> for crate::Error {
    fn from(kind: LayerErrorKind) -> Self {
        crate::Error::Layer(Box::new(LayerError::new(kind)))
    }
}
