//! [`StreamCodec`]: flatstream framing as a `tokio_util::codec` encoder and
//! decoder, for `Framed` sockets; its decoded item, [`Message`], owns its
//! bytes and hands out a verified view.

use std::fmt;
use std::marker::PhantomData;

use bytes::{BufMut, Bytes, BytesMut};
use flatbuffers::VerifierOptions;
use tokio_util::codec::{Decoder, Encoder};

use crate::checksum::Checksum;
use crate::decode::MIN_READ;
use crate::encode::MessageBuilder;
use crate::error::{Error, Result};
use crate::framing::{ChecksumDeframer, ChecksumFramer, Deframer, FrameStatus, Framer, LEN_SIZE};
use crate::serialize::{DecodeOwned, StreamDeserialize, StreamSerialize};

/// One verified message that owns its payload.
///
/// Made by [`StreamCodec`]'s decoder (or [`Message::new`]), which verifies
/// the payload as a `T` once; [`view`](Self::view) then lends a zero-copy
/// view as often as needed without verifying again. Cloning is cheap (the
/// bytes are reference-counted), and a `Message` can be sent to another
/// task or kept as long as needed, unlike the views of a reader, which
/// borrow its buffer.
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub struct Message<T> {
    /// Invariant: a payload that `T::view_with_options` accepted.
    payload: Bytes,
    _message: PhantomData<fn() -> T>,
}

impl<T: StreamDeserialize> Message<T> {
    /// Verifies `payload` as a `T` and wraps it.
    ///
    /// # Errors
    ///
    /// [`Error::Verification`] when `payload` is not a valid `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use flatstream::{flatbuffers::FlatBufferBuilder, Message, StreamSerialize};
    ///
    /// let mut builder = FlatBufferBuilder::new();
    /// "hello".serialize(&mut builder)?;
    /// let message = Message::<String>::new(builder.finished_data().to_vec().into())?;
    /// assert_eq!(message.view(), "hello");
    ///
    /// assert!(Message::<String>::new(vec![0xff; 8].into()).is_err());
    /// # Ok::<(), flatstream::Error>(())
    /// ```
    pub fn new(payload: Bytes) -> Result<Self> {
        Self::with_options(payload, &VerifierOptions::default())
    }

    fn with_options(payload: Bytes, options: &VerifierOptions) -> Result<Self> {
        T::view_with_options(&payload, options)?;
        Ok(Message {
            payload,
            _message: PhantomData,
        })
    }

    /// The zero-copy view of the message.
    pub fn view(&self) -> T::View<'_> {
        // SAFETY: `payload` is immutable and was accepted by
        // `T::view_with_options` when this `Message` was made (the only
        // constructor is `with_options`).
        unsafe { T::view_unchecked(&self.payload) }
    }

    /// Decodes the message into an owned `T`.
    pub fn decode(&self) -> T
    where
        T: DecodeOwned,
    {
        T::from_view(self.view())
    }
}

impl<T> Message<T> {
    /// The payload: one finished FlatBuffer.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// Returns the payload, for instance to forward it without a copy.
    pub fn into_bytes(self) -> Bytes {
        self.payload
    }
}

impl<T> Clone for Message<T> {
    fn clone(&self) -> Self {
        Message {
            payload: self.payload.clone(),
            _message: PhantomData,
        }
    }
}

impl<T> fmt::Debug for Message<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("type", &std::any::type_name::<T>())
            .field("len", &self.payload.len())
            .finish()
    }
}

/// A `tokio_util` codec for streams of `T` framed with checksum `C`.
///
/// It reads and writes the same bytes as [`StreamReader`](crate::StreamReader)
/// and [`StreamWriter`](crate::StreamWriter) with `ChecksumDeframer<C>` /
/// `ChecksumFramer<C>` (with [`NoChecksum`](crate::checksum::NoChecksum),
/// the default framing). Use it with `tokio_util::codec::Framed` (or
/// `FramedRead` / `FramedWrite`):
///
/// - decoding yields [`Message<T>`]: checksum checked, FlatBuffer verified
///   once, bytes owned;
/// - encoding takes `&T` (serialized with a builder the codec reuses) or a
///   [`Message<T>`] (forwarded as is).
///
/// A header claiming more than the limit (16 MiB unless set with
/// [`with_max_frame_len`](Self::with_max_frame_len)) is refused before any
/// memory is reserved for it. The decoder is strict: the first damaged
/// frame is an error carrying its byte offset, after which `Framed` ends
/// the stream. A connection closed inside a frame is
/// [`Error::UnexpectedEof`].
///
/// # Examples
///
/// ```
/// use bytes::BytesMut;
/// use flatstream::{checksum::XxHash64, StreamCodec};
/// use tokio_util::codec::{Decoder, Encoder};
///
/// let mut codec = StreamCodec::<String, _>::new(XxHash64::new());
/// let mut wire = BytesMut::new();
/// codec.encode(&"hello".to_owned(), &mut wire)?;
///
/// let message = codec.decode(&mut wire)?.expect("a whole frame");
/// assert_eq!(message.view(), "hello");
/// assert!(wire.is_empty());
///
/// // Over the limit: refused from the header alone.
/// let mut codec = StreamCodec::<String, _>::new(XxHash64::new()).with_max_frame_len(16);
/// let mut wire = BytesMut::from(&[0xff; 12][..]); // length and XXH3 fields
/// assert!(codec.decode(&mut wire).is_err());
/// # Ok::<(), flatstream::Error>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub struct StreamCodec<T, C> {
    framer: ChecksumFramer<C>,
    deframer: ChecksumDeframer<C>,
    verifier: VerifierOptions,
    builder: MessageBuilder,
    /// Stream offset of the first byte the decoder has not consumed.
    position: u64,
    _message: PhantomData<fn() -> T>,
}

impl<T, C: Checksum + Clone> StreamCodec<T, C> {
    /// A codec whose frames carry `checksum`, with the default 16 MiB limit.
    pub fn new(checksum: C) -> Self {
        StreamCodec {
            framer: ChecksumFramer::new(checksum.clone()),
            deframer: ChecksumDeframer::new(checksum),
            verifier: VerifierOptions::default(),
            builder: MessageBuilder::default(),
            position: 0,
            _message: PhantomData,
        }
    }

    /// Sets the longest payload the decoder accepts, in bytes.
    #[must_use]
    pub fn with_max_frame_len(mut self, max_frame_len: usize) -> Self {
        self.deframer = self.deframer.with_max_frame_len(max_frame_len);
        self
    }

    /// The longest payload the decoder accepts, in bytes.
    pub fn max_frame_len(&self) -> usize {
        self.deframer.max_frame_len()
    }

    /// Sets the limits the FlatBuffers verifier enforces on each payload.
    #[must_use]
    pub fn with_verifier_options(mut self, options: VerifierOptions) -> Self {
        self.verifier = options;
        self
    }

    /// Bytes the decoder has consumed: the stream offset of the next frame.
    pub fn position(&self) -> u64 {
        self.position
    }
}

impl<T, C: Checksum + Clone + Default> Default for StreamCodec<T, C> {
    fn default() -> Self {
        Self::new(C::default())
    }
}

impl<T, C: fmt::Debug> fmt::Debug for StreamCodec<T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamCodec")
            .field("deframer", &self.deframer)
            .field("position", &self.position)
            .finish_non_exhaustive()
    }
}

impl<T: StreamDeserialize, C: Checksum> Decoder for StreamCodec<T, C> {
    type Item = Message<T>;
    type Error = Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Message<T>>> {
        match self.deframer.decode_frame(src) {
            Ok(FrameStatus::Complete { frame_len, payload }) => {
                let frame = src.split_to(frame_len).freeze();
                let offset = self.position;
                self.position += frame_len as u64;
                let message = Message::with_options(frame.slice(payload), &self.verifier);
                // A payload that fails verification has been consumed: the
                // next frame can still be read by whoever handles the error.
                message.map(Some).map_err(|err| err.at_offset(offset))
            }
            Ok(FrameStatus::Incomplete { needed }) => {
                // `needed` is within the limit (checked first); still grow
                // only step by step, with the bytes that really arrive.
                src.reserve(needed.saturating_sub(src.len()).min(MIN_READ));
                Ok(None)
            }
            Err(err) => Err(err.at_offset(self.position)),
        }
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Message<T>>> {
        match self.decode(src)? {
            Some(message) => Ok(Some(message)),
            None if src.is_empty() => Ok(None),
            None => Err(Error::UnexpectedEof),
        }
    }
}

impl<T: StreamSerialize, C: Checksum> Encoder<&T> for StreamCodec<T, C> {
    type Error = Error;

    fn encode(&mut self, message: &T, dst: &mut BytesMut) -> Result<()> {
        let payload = message.__serialize_message(&mut self.builder)?;
        dst.reserve(LEN_SIZE + C::SIZE + payload.len());
        self.framer.frame_and_write(&mut dst.writer(), payload)
    }
}

impl<T, C: Checksum> Encoder<Message<T>> for StreamCodec<T, C> {
    type Error = Error;

    fn encode(&mut self, message: Message<T>, dst: &mut BytesMut) -> Result<()> {
        dst.reserve(LEN_SIZE + C::SIZE + message.payload.len());
        self.framer
            .frame_and_write(&mut dst.writer(), &message.payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksum::{Crc32, NoChecksum};
    use crate::framing::DefaultFramer;
    use crate::StreamWriter;

    #[test]
    fn decodes_what_the_stream_writer_wrote_byte_by_byte() {
        let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(Crc32::new()));
        writer.write_batch(&["a", "bb", "ccc"]).unwrap();
        let bytes = writer.into_inner();
        let mut codec = StreamCodec::<String, _>::new(Crc32::new());
        let mut src = BytesMut::new();
        let mut texts = Vec::new();
        for &byte in &bytes {
            src.put_u8(byte);
            while let Some(message) = codec.decode(&mut src).unwrap() {
                texts.push(message.decode());
            }
        }
        assert_eq!(texts, ["a", "bb", "ccc"]);
        assert_eq!(codec.position(), bytes.len() as u64);
        assert!(codec.decode_eof(&mut src).unwrap().is_none());
    }

    #[test]
    fn encodes_what_the_stream_writer_writes() {
        let mut writer = StreamWriter::new(Vec::new(), DefaultFramer);
        writer.write(&"same bytes").unwrap();
        let mut codec = StreamCodec::<String, _>::new(NoChecksum);
        let mut dst = BytesMut::new();
        codec.encode(&"same bytes".to_owned(), &mut dst).unwrap();
        assert_eq!(&dst[..], &writer.into_inner()[..]);
    }

    #[test]
    fn damaged_frame_is_an_error_with_its_offset() {
        let mut codec = StreamCodec::<String, _>::new(Crc32::new());
        let mut src = BytesMut::new();
        codec.encode(&"first".to_owned(), &mut src).unwrap();
        let second = src.len();
        codec.encode(&"second".to_owned(), &mut src).unwrap();
        let last = src.len() - 2;
        src[last] ^= 1;
        assert!(codec.decode(&mut src).unwrap().is_some());
        let err = codec.decode(&mut src).unwrap_err();
        assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err}");
        assert_eq!(err.offset(), Some(second as u64));
    }

    #[test]
    fn torn_tail_at_eof_is_unexpected_eof() {
        let mut codec = StreamCodec::<String, _>::new(Crc32::new());
        let mut src = BytesMut::new();
        codec.encode(&"whole".to_owned(), &mut src).unwrap();
        src.truncate(src.len() - 1);
        assert!(codec.decode(&mut src).unwrap().is_none());
        assert!(matches!(
            codec.decode_eof(&mut src),
            Err(Error::UnexpectedEof)
        ));
    }

    #[test]
    fn over_limit_reserves_nothing() {
        let mut codec = StreamCodec::<String, _>::new(Crc32::new()).with_max_frame_len(64);
        let mut src = BytesMut::new();
        src.put_u32_le(1 << 30);
        src.put_u32_le(0); // the CRC-32 field completes the header
        let capacity = src.capacity();
        let err = codec.decode(&mut src).unwrap_err();
        assert!(matches!(err, Error::InvalidFrame { .. }), "{err}");
        assert_eq!(src.capacity(), capacity);
    }

    #[test]
    fn messages_forward_unchanged() {
        let mut codec = StreamCodec::<String, _>::new(Crc32::new());
        let mut wire = BytesMut::new();
        codec.encode(&"relay".to_owned(), &mut wire).unwrap();
        let original = wire.clone();
        let message = codec.decode(&mut wire).unwrap().unwrap();
        let copy = message.clone();
        codec.encode(message, &mut wire).unwrap();
        assert_eq!(wire, original);
        assert_eq!(copy.view(), "relay");
    }
}
