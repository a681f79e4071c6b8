//! [`StreamCodec`]: flatstream framing as a `tokio_util::codec` encoder and
//! decoder, for `Framed` sockets; its decoded item, [`Message`], owns its
//! bytes and hands out a verified view.

use std::fmt;
use std::marker::PhantomData;

use bytes::{Buf, Bytes, BytesMut};
use flatbuffers::VerifierOptions;
use tokio_util::codec::{Decoder, Encoder};

use crate::checksum::Checksum;
use crate::decode::{read_settings, verifier_setting, Next, ReadState, MIN_READ};
use crate::encode::MessageBuilder;
use crate::error::{Error, Result};
use crate::framing::{ChecksumDeframer, ChecksumFramer};
use crate::serialize::{DecodeOwned, StreamDeserialize, StreamSerialize};
use crate::sink::{Frame, Framing};

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
        // SAFETY: `T::view_with_options` accepted `payload` just above.
        Ok(unsafe { Self::verified(payload) })
    }

    /// Wraps a payload already verified as a `T`.
    ///
    /// # Safety
    ///
    /// `T::view_with_options` must have accepted `payload`.
    unsafe fn verified(payload: Bytes) -> Self {
        Message {
            payload,
            _message: PhantomData,
        }
    }

    /// The zero-copy view of the message.
    pub fn view(&self) -> T::View<'_> {
        // SAFETY: `payload` is immutable and was accepted by
        // `T::view_with_options` when this `Message` was made (the only
        // constructor, `verified`, is unsafe and requires it).
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
/// memory is reserved for it. The decoder is the same reader as the others
/// (see the table in the crate docs), over the bytes `Framed` buffers: in
/// [`Recovery::Strict`](crate::Recovery::Strict) mode the first damaged
/// frame is an error carrying its byte offset, after which `Framed` ends
/// the stream; with [`with_recovery`](Self::with_recovery) set to
/// [`Recovery::SkipCorrupted`](crate::Recovery::SkipCorrupted) damaged
/// bytes are skipped and counted in [`stats`](Self::stats). A connection
/// closed inside a frame is [`Error::UnexpectedEof`].
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
    framing: Framing<ChecksumFramer<C>>,
    state: ReadState<ChecksumDeframer<C>>,
    /// Stream offset of the first byte the decoder has not consumed.
    position: u64,
    _message: PhantomData<fn() -> T>,
}

impl<T, C: Checksum + Clone> StreamCodec<T, C> {
    /// A codec whose frames carry `checksum`, with the default 16 MiB limit.
    pub fn new(checksum: C) -> Self {
        StreamCodec {
            framing: Framing::new(
                ChecksumFramer::new(checksum.clone()),
                MessageBuilder::default(),
            ),
            state: ReadState::new(ChecksumDeframer::new(checksum)),
            position: 0,
            _message: PhantomData,
        }
    }

    /// Sets the longest payload the decoder accepts, in bytes.
    #[must_use]
    pub fn with_max_frame_len(mut self, max_frame_len: usize) -> Self {
        self.state.deframer = self.state.deframer.with_max_frame_len(max_frame_len);
        self
    }

    /// The longest payload the decoder accepts, in bytes.
    pub fn max_frame_len(&self) -> usize {
        self.state.deframer.max_frame_len()
    }
}

impl<T, C> StreamCodec<T, C> {
    read_settings!(ChecksumDeframer<C>; state);
    verifier_setting!(state);

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
            .field("deframer", &self.state.deframer)
            .field("recovery", &self.state.recovery)
            .field("position", &self.position)
            .field("stats", &self.state.stats)
            .finish_non_exhaustive()
    }
}

impl<T: StreamDeserialize, C: Checksum> Decoder for StreamCodec<T, C> {
    type Item = Message<T>;
    type Error = Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Message<T>>> {
        self.next_message(src, false)
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Message<T>>> {
        self.next_message(src, true)
    }
}

impl<T: StreamDeserialize, C: Checksum> StreamCodec<T, C> {
    /// Finds the next intact frame in `src`; `eof` says no more bytes
    /// will come.
    fn next_message(&mut self, src: &mut BytesMut, eof: bool) -> Result<Option<Message<T>>> {
        let options = self.state.typed::<T>();
        let mut verify = |payload: &[u8]| T::view_with_options(payload, &options).map(drop);
        loop {
            let (consumed, next) = self.state.step(src, self.position, eof, &mut verify);
            self.position += consumed as u64;
            return match next {
                Next::Frame(payload) => {
                    let frame = src.split_to(consumed).freeze();
                    // SAFETY: the step ran `T::view_with_options` on
                    // exactly these bytes and only returned the frame if it
                    // succeeded.
                    Ok(Some(unsafe { Message::verified(frame.slice(payload)) }))
                }
                Next::Again => {
                    src.advance(consumed);
                    continue;
                }
                Next::Read(total) => {
                    src.advance(consumed);
                    // `total` is within the limit (checked first); still
                    // grow only step by step, with the bytes that really
                    // arrive.
                    src.reserve(total.saturating_sub(src.len()).min(MIN_READ));
                    Ok(None)
                }
                Next::End => {
                    src.advance(consumed);
                    Ok(None)
                }
                Next::Fail(err) => Err(*err),
            };
        }
    }
}

impl<T: StreamSerialize, C: Checksum> Encoder<&T> for StreamCodec<T, C> {
    type Error = Error;

    fn encode(&mut self, message: &T, dst: &mut BytesMut) -> Result<()> {
        put_frame(self.framing.message(message)?, dst);
        Ok(())
    }
}

impl<T, C: Checksum> Encoder<Message<T>> for StreamCodec<T, C> {
    type Error = Error;

    fn encode(&mut self, message: Message<T>, dst: &mut BytesMut) -> Result<()> {
        put_frame(self.framing.payload(&message.payload)?, dst);
        Ok(())
    }
}

/// Appends `frame` to `dst`.
fn put_frame(frame: Frame<'_>, dst: &mut BytesMut) {
    match frame {
        Frame::Whole(bytes) => dst.extend_from_slice(bytes),
        Frame::Parts(header, payload) => {
            dst.reserve(header.as_bytes().len() + payload.len());
            dst.extend_from_slice(header.as_bytes());
            dst.extend_from_slice(payload);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksum::{Crc32, NoChecksum};
    use crate::framing::DefaultFramer;
    use crate::StreamWriter;
    use bytes::BufMut;

    /// A CRC-32 codec of strings, and the frame it encoded for `text`.
    fn encoded(text: &str) -> (StreamCodec<String, Crc32>, BytesMut) {
        let mut codec = StreamCodec::<String, _>::new(Crc32::new());
        let mut frames = BytesMut::new();
        codec.encode(&text.to_owned(), &mut frames).unwrap();
        (codec, frames)
    }

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
        let (mut codec, mut src) = encoded("first");
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
        let (mut codec, mut src) = encoded("whole");
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
        let (mut codec, mut wire) = encoded("relay");
        let original = wire.clone();
        let message = codec.decode(&mut wire).unwrap().unwrap();
        let copy = message.clone();
        codec.encode(message, &mut wire).unwrap();
        assert_eq!(wire, original);
        assert_eq!(copy.view(), "relay");
    }
}
