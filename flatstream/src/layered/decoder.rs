//! The read side: opens each frame's envelope into a buffer the reader
//! owns and hands out the messages it holds.

use std::fmt;
use std::io::Read;
use std::marker::PhantomData;
use std::ops::Range;

use flatbuffers::VerifierOptions;

use super::compress::Unpacker;
use super::{LayerError, LayerErrorKind, Layers, ENTRY_LEN, SHAPE_BLOCK, SHAPE_MESSAGE};
use crate::decode::{ReadState, Recovery};
use crate::error::{Error, Result};
use crate::framing::Deframer;
use crate::header::StreamHeader;
use crate::serialize::{DecodeOwned, StreamDeserialize};
use crate::{FrameReader, SliceReader};

/// Counters of what the layer decoded and refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LayerStats {
    /// Frames opened (data frames; the end frame is not counted).
    pub frames: u64,
    /// Messages handed out.
    pub messages: u64,
    /// Frames refused in skip mode (damaged or forged envelopes whose
    /// checksum matched; a stream without checksums finds most damage
    /// here).
    pub skipped_frames: u64,
    /// Messages refused by the verifier in skip mode.
    pub skipped_messages: u64,
    /// Encrypted frames missing from the sequence, in skip mode.
    pub missing_frames: u64,
}

/// A frame read by a [`FrameSource`], with what the layer needs to know
/// about the stream. Made by the sources flatstream provides.
#[derive(Debug)]
pub struct Pulled<'s> {
    payload: Option<&'s [u8]>,
    header: Option<&'s StreamHeader>,
    offset: u64,
    recovery: Recovery,
}

impl<'s> Pulled<'s> {
    fn of<D>(payload: Option<&'s [u8]>, state: &'s ReadState<D>) -> Self {
        Pulled {
            payload,
            header: state.header.as_ref(),
            offset: state.last_frame,
            recovery: state.recovery,
        }
    }
}

/// A source of checksum-verified frame payloads that a [`LayeredReader`]
/// goes over: [`FrameReader`] and [`SliceReader`] (their recovery mode
/// and limits apply to the frames).
pub trait FrameSource {
    /// The next frame's payload (`None` at the end of the stream) and
    /// what the layer needs with it.
    ///
    /// # Errors
    ///
    /// The reader's.
    fn pull(&mut self) -> Result<Pulled<'_>>;

    /// The reader's recovery mode.
    fn recovery_mode(&self) -> Recovery;
}

impl<R: Read, D: Deframer> FrameSource for FrameReader<R, D> {
    fn pull(&mut self) -> Result<Pulled<'_>> {
        let range = self.next_payload()?;
        let payload = range.map(|range| self.source.frames.bytes(range));
        Ok(Pulled::of(payload, &self.state))
    }

    fn recovery_mode(&self) -> Recovery {
        self.state.recovery
    }
}

impl<T, D: Deframer> FrameSource for SliceReader<'_, T, D> {
    fn pull(&mut self) -> Result<Pulled<'_>> {
        let payload = self.read_message()?;
        Ok(Pulled::of(payload, &self.state))
    }

    fn recovery_mode(&self) -> Recovery {
        self.state.recovery
    }
}

/// What every layered reader keeps besides its source: the codecs, the
/// cipher, the decoded buffer and where in it the next message is.
pub(crate) struct Decoder {
    layers: Layers,
    unpacker: Unpacker,
    #[cfg(feature = "encryption")]
    cipher: Option<super::encrypt::Cipher>,
    started: bool,
    /// The next sequence number expected (encrypted streams).
    #[cfg(feature = "encryption")]
    expected: u64,
    ended: bool,
    /// The decrypted envelope.
    #[cfg(feature = "encryption")]
    plain: Vec<u8>,
    /// The decoded message or block.
    decoded: Vec<u8>,
    /// The part of `decoded` not handed out yet.
    pending: Range<usize>,
    shape: u8,
    /// Stream offset of the frame the pending messages came from.
    offset: u64,
    /// A layer error in strict mode: returned again until the recovery
    /// mode changes.
    failed: Option<LayerError>,
    pub(crate) verifier: VerifierOptions,
    pub(crate) stats: LayerStats,
    /// Whether an iterator over the reader has ended.
    pub(crate) fused: bool,
    /// How a typed reader checks the header against its type.
    expect: Option<fn(&StreamHeader) -> Result<()>>,
}

impl Decoder {
    pub(crate) fn new(layers: Layers) -> Result<Self> {
        Ok(Decoder {
            unpacker: Unpacker::new(layers.dictionary.as_ref(), layers.max_decoded_len)?,
            layers,
            #[cfg(feature = "encryption")]
            cipher: None,
            started: false,
            #[cfg(feature = "encryption")]
            expected: 0,
            ended: false,
            #[cfg(feature = "encryption")]
            plain: Vec::new(),
            decoded: Vec::new(),
            pending: 0..0,
            shape: SHAPE_MESSAGE,
            offset: 0,
            failed: None,
            verifier: VerifierOptions::default(),
            stats: LayerStats::default(),
            fused: false,
            expect: None,
        })
    }

    /// Checks the stream header against the reader's layers, once.
    fn start(&mut self, header: Option<&StreamHeader>) -> Result<()> {
        if self.started {
            return Ok(());
        }
        if let (Some(check), Some(header)) = (self.expect, header) {
            check(header)?;
        }
        let dictionary = header.and_then(|h| h.dictionary_id);
        if let Some(stream) = dictionary {
            let reader = self.unpacker.dictionary_id();
            if stream != reader {
                return Err(LayerErrorKind::DictionaryMismatch { stream, reader }.into());
            }
        }
        let key_id = header.and_then(|h| h.key_id);
        #[cfg(feature = "encryption")]
        if self.layers.encrypts() {
            let (Some(key_id), Some(stream_id)) = (key_id, header.and_then(|h| h.stream_id)) else {
                return Err(LayerErrorKind::NotEncrypted.into());
            };
            let key = self
                .layers
                .keys
                .iter()
                .rev()
                .find(|(id, _)| *id == key_id)
                .map(|(_, key)| key)
                .ok_or(LayerErrorKind::UnknownKey { key_id })?;
            self.cipher = Some(super::encrypt::Cipher::new(key, stream_id));
            self.started = true;
            return Ok(());
        }
        if let Some(key_id) = key_id {
            return Err(LayerErrorKind::UnknownKey { key_id }.into());
        }
        self.started = true;
        Ok(())
    }

    /// Opens one frame's payload. `Ok(false)` for the end frame.
    fn open(&mut self, payload: &[u8], recovery: Recovery) -> Result<bool> {
        if self.ended {
            return Err(LayerErrorKind::AfterEnd.into());
        }
        #[cfg(feature = "encryption")]
        let envelope = match &self.cipher {
            Some(cipher) => {
                use super::encrypt::{KIND_DATA, KIND_END};
                let (kind, sequence) = cipher.open(payload, &mut self.plain)?;
                if sequence != self.expected {
                    // Skip mode keeps what comes after a lost frame, but
                    // never goes back (a duplicate or replay).
                    if recovery == Recovery::Strict || sequence < self.expected {
                        return Err(LayerErrorKind::Sequence {
                            expected: self.expected,
                            found: sequence,
                        }
                        .into());
                    }
                    self.stats.missing_frames += sequence - self.expected;
                }
                self.expected = sequence + 1;
                match kind {
                    KIND_DATA => &self.plain[..],
                    KIND_END => {
                        self.ended = true;
                        return Ok(false);
                    }
                    other => {
                        return Err(LayerErrorKind::Malformed(format!(
                            "unknown frame kind {other}"
                        ))
                        .into())
                    }
                }
            }
            None => payload,
        };
        #[cfg(not(feature = "encryption"))]
        let envelope = {
            let _ = recovery;
            payload
        };
        self.shape = self.unpacker.unpack(envelope, &mut self.decoded)?;
        match self.shape {
            SHAPE_MESSAGE if !self.decoded.is_empty() => {}
            SHAPE_BLOCK => check_block(&self.decoded)?,
            shape => {
                return Err(LayerErrorKind::Malformed(format!(
                    "unknown shape {shape}, or an empty message"
                ))
                .into())
            }
        }
        self.pending = 0..self.decoded.len();
        self.stats.frames += 1;
        Ok(true)
    }

    /// The next pending message's range in the decoded buffer, without
    /// taking it.
    fn peek(&self) -> Option<Range<usize>> {
        let Range { start, end } = self.pending.clone();
        if start == end {
            return None;
        }
        if self.shape == SHAPE_MESSAGE {
            return Some(start..end);
        }
        // `check_block` has checked every entry.
        let len = u32::from_le_bytes(
            self.decoded[start..start + ENTRY_LEN]
                .try_into()
                .expect("4 bytes"),
        ) as usize;
        Some(start + ENTRY_LEN..start + ENTRY_LEN + len)
    }

    /// Takes the next pending message that `verify` accepts and returns
    /// its range in the decoded buffer; `None` when none is pending. In
    /// strict mode a refused message is an error, returned again by the
    /// next call.
    fn take<V>(&mut self, recovery: Recovery, verify: &mut V) -> Result<Option<Range<usize>>>
    where
        V: FnMut(&[u8]) -> Result<()>,
    {
        while let Some(message) = self.peek() {
            match verify(&self.decoded[message.clone()]) {
                Ok(()) => {
                    self.pending.start = message.end;
                    self.stats.messages += 1;
                    return Ok(Some(message));
                }
                Err(err) if recovery == Recovery::Strict => return Err(err.at_offset(self.offset)),
                Err(_) => {
                    self.pending.start = message.end;
                    self.stats.skipped_messages += 1;
                }
            }
        }
        match self.failed.take() {
            Some(err) if recovery == Recovery::Strict => {
                self.failed = Some(err.clone());
                Err(Error::Layer(Box::new(err)))
            }
            _ => Ok(None),
        }
    }

    /// Takes in a frame the source read. `Ok(false)` at the end of the
    /// stream.
    fn accept(&mut self, pulled: Pulled<'_>) -> Result<bool> {
        self.start(pulled.header)?;
        let Some(payload) = pulled.payload else {
            #[cfg(feature = "encryption")]
            if self.cipher.is_some() && !self.ended {
                return Err(LayerErrorKind::Truncated {
                    frames: self.expected,
                }
                .into());
            }
            return Ok(false);
        };
        match self.open(payload, pulled.recovery) {
            Ok(_) => self.offset = pulled.offset,
            Err(err) => {
                let err = err.at_offset(pulled.offset);
                if pulled.recovery == Recovery::Strict {
                    if let Error::Layer(layer) = &err {
                        self.failed = Some((**layer).clone());
                    }
                    return Err(err);
                }
                self.stats.skipped_frames += 1;
            }
        }
        Ok(true)
    }

    /// The next message `verify` accepts, pulling frames from `source`.
    pub(crate) fn next<S, V>(
        &mut self,
        source: &mut S,
        verify: &mut V,
    ) -> Result<Option<Range<usize>>>
    where
        S: FrameSource,
        V: FnMut(&[u8]) -> Result<()>,
    {
        loop {
            if let Some(message) = self.take(source.recovery_mode(), verify)? {
                return Ok(Some(message));
            }
            if !self.accept(source.pull()?)? {
                return Ok(None);
            }
        }
    }

    /// Prepares a read of `T`: the header is checked against `T`.
    pub(crate) fn typed<T: StreamDeserialize>(&mut self) -> VerifierOptions {
        self.expect = Some(T::check_header);
        self.verifier.clone()
    }

    /// The bytes of a message [`next`](Self::next) returned.
    pub(crate) fn message(&self, range: Range<usize>) -> &[u8] {
        &self.decoded[range]
    }
}

/// Checks that `block` is a run of length-prefixed, non-empty messages
/// that ends exactly at its end.
fn check_block(block: &[u8]) -> Result<()> {
    let mut at = 0;
    while at < block.len() {
        let len = block
            .get(at..at + ENTRY_LEN)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
        match len {
            Some(len) if len > 0 && len <= block.len() - at - ENTRY_LEN => {
                at += ENTRY_LEN + len;
            }
            _ => {
                return Err(LayerErrorKind::Malformed(format!(
                    "block entry at byte {at} of {} runs past the block or is empty",
                    block.len()
                ))
                .into())
            }
        }
    }
    if block.is_empty() {
        return Err(LayerErrorKind::Malformed("empty block".into()).into());
    }
    Ok(())
}

/// Reads the messages of a compressed or encrypted stream (see the
/// [module docs](super)) from a [`FrameSource`]: a [`FrameReader`] or a
/// [`SliceReader`], whose deframer checks the checksums and whose
/// recovery mode applies to the layer too.
///
/// In [`Recovery::Strict`] mode a refused frame is an error, returned
/// again by every further read until the source's recovery mode changes.
/// In [`Recovery::SkipCorrupted`] mode damaged or forged frames are
/// skipped whole (counted in [`layer_stats`](Self::layer_stats)) and the
/// authentic ones around them are read.
///
/// Views borrow the reader's decoded buffer (even over a
/// [`SliceReader`]), until the next read.
pub struct LayeredReader<T, S> {
    source: S,
    decoder: Decoder,
    _message: PhantomData<fn() -> T>,
}

impl<T, S: FrameSource> LayeredReader<T, S> {
    /// A reader of the stream `source` reads, opened with `layers`.
    ///
    /// # Errors
    ///
    /// [`LayerErrorKind::Malformed`] when zstd refuses the dictionary.
    pub fn new(source: S, layers: Layers) -> Result<Self> {
        Ok(LayeredReader {
            source,
            decoder: Decoder::new(layers)?,
            _message: PhantomData,
        })
    }

    /// The next message's bytes, not verified; `None` at the end.
    ///
    /// # Errors
    ///
    /// The source's, and [`Error::Layer`] for a frame the layer refuses.
    pub fn read_message(&mut self) -> Result<Option<&[u8]>> {
        let range = self.decoder.next(&mut self.source, &mut |_| Ok(()))?;
        Ok(range.map(|range| self.decoder.message(range)))
    }

    /// The next message's verified view, borrowing the reader's decoded
    /// buffer until the next read; `None` at the end.
    ///
    /// # Errors
    ///
    /// As [`read_message`](Self::read_message), and
    /// [`Error::Verification`] for a message that is not a valid `T`.
    pub fn read(&mut self) -> Result<Option<T::View<'_>>>
    where
        T: StreamDeserialize,
    {
        let options = self.decoder.typed::<T>();
        let range = self.decoder.next(&mut self.source, &mut |message| {
            T::view_with_options(message, &options).map(drop)
        })?;
        Ok(range.map(|range| {
            // SAFETY: `next` ran `T::view_with_options` on exactly these
            // bytes and only returned their range if it succeeded; the
            // buffer is not touched until the next read.
            unsafe { T::view_unchecked(self.decoder.message(range)) }
        }))
    }

    /// The next message, decoded into an owned `T`.
    ///
    /// # Errors
    ///
    /// As [`read`](Self::read).
    pub fn read_owned(&mut self) -> Result<Option<T>>
    where
        T: DecodeOwned,
    {
        let options = self.decoder.typed::<T>();
        let mut decoded = None;
        self.decoder.next(&mut self.source, &mut |message| {
            decoded = Some(T::decode_with_options(message, &options)?);
            Ok(())
        })?;
        Ok(decoded)
    }
}

/// The settings and counters both layered readers have, written once.
macro_rules! layer_settings {
    () => {
        /// Sets the verifier's limits for each message.
        #[must_use]
        pub fn with_verifier_options(mut self, options: VerifierOptions) -> Self {
            self.decoder.verifier = options;
            self
        }

        /// Counters of frames opened and skipped by the layer.
        pub fn layer_stats(&self) -> &LayerStats {
            &self.decoder.stats
        }
    };
}

impl<T, S> LayeredReader<T, S> {
    layer_settings!();

    /// The frame source (for its header, position and counters).
    pub fn source(&self) -> &S {
        &self.source
    }

    /// The frame source, mutably (to change its recovery mode).
    pub fn source_mut(&mut self) -> &mut S {
        &mut self.source
    }

    /// Returns the frame source.
    pub fn into_source(self) -> S {
        self.source
    }
}

/// Decodes owned messages; ends after the end of the stream or an error.
impl<T: DecodeOwned, S: FrameSource> Iterator for LayeredReader<T, S> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        if self.decoder.fused {
            return None;
        }
        let next = self.read_owned();
        if !matches!(next, Ok(Some(_))) {
            self.decoder.fused = true;
        }
        next.transpose()
    }
}

impl<T, S: fmt::Debug> fmt::Debug for LayeredReader<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LayeredReader")
            .field("source", &self.source)
            .field("layers", &self.decoder.layers)
            .field("stats", &self.decoder.stats)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "tokio")]
mod asynchronous {
    use std::fmt;
    use std::future::poll_fn;
    use std::marker::PhantomData;

    use flatbuffers::VerifierOptions;
    use tokio::io::AsyncRead;

    use super::{Decoder, LayerStats, Layers, Pulled};
    use crate::error::Result;
    use crate::framing::Deframer;
    use crate::serialize::{DecodeOwned, StreamDeserialize};
    use crate::AsyncFrameReader;

    /// The async twin of [`LayeredReader`](super::LayeredReader), over an
    /// [`AsyncFrameReader`].
    #[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
    pub struct AsyncLayeredReader<T, R, D> {
        source: AsyncFrameReader<R, D>,
        decoder: Decoder,
        _message: PhantomData<fn() -> T>,
    }

    impl<T, R: AsyncRead + Unpin, D: Deframer> AsyncLayeredReader<T, R, D> {
        /// A reader of the stream `source` reads, opened with `layers`.
        ///
        /// # Errors
        ///
        /// As [`LayeredReader::new`](super::LayeredReader::new).
        pub fn new(source: AsyncFrameReader<R, D>, layers: Layers) -> Result<Self> {
            Ok(AsyncLayeredReader {
                source,
                decoder: Decoder::new(layers)?,
                _message: PhantomData,
            })
        }

        /// Finds the next message `verify` accepts.
        async fn next<V>(&mut self, verify: &mut V) -> Result<Option<std::ops::Range<usize>>>
        where
            V: FnMut(&[u8]) -> Result<()>,
        {
            loop {
                let recovery = self.source.state.recovery;
                if let Some(message) = self.decoder.take(recovery, verify)? {
                    return Ok(Some(message));
                }
                let source = &mut self.source;
                let range = poll_fn(|cx| source.poll_next_frame(cx, &mut |_| Ok(()))).await?;
                let payload = range.map(|range| source.source.frames.bytes(range));
                if !self.decoder.accept(Pulled::of(payload, &source.state))? {
                    return Ok(None);
                }
            }
        }

        /// The next message's verified view; `None` at the end.
        ///
        /// # Errors
        ///
        /// As [`LayeredReader::read`](super::LayeredReader::read).
        pub async fn read(&mut self) -> Result<Option<T::View<'_>>>
        where
            T: StreamDeserialize,
        {
            let options = self.decoder.typed::<T>();
            let range = self
                .next(&mut |message| T::view_with_options(message, &options).map(drop))
                .await?;
            Ok(range.map(|range| {
                // SAFETY: `next` ran `T::view_with_options` on exactly
                // these bytes and only returned their range if it
                // succeeded.
                unsafe { T::view_unchecked(self.decoder.message(range)) }
            }))
        }

        /// The next message, decoded into an owned `T`.
        ///
        /// # Errors
        ///
        /// As [`read`](Self::read).
        pub async fn read_owned(&mut self) -> Result<Option<T>>
        where
            T: DecodeOwned,
        {
            let options = self.decoder.typed::<T>();
            let mut decoded = None;
            self.next(&mut |message| {
                decoded = Some(T::decode_with_options(message, &options)?);
                Ok(())
            })
            .await?;
            Ok(decoded)
        }
    }

    impl<T, R, D> AsyncLayeredReader<T, R, D> {
        layer_settings!();

        /// The frame source.
        pub fn source(&self) -> &AsyncFrameReader<R, D> {
            &self.source
        }

        /// The frame source, mutably.
        pub fn source_mut(&mut self) -> &mut AsyncFrameReader<R, D> {
            &mut self.source
        }
    }

    impl<T, R: fmt::Debug, D: fmt::Debug> fmt::Debug for AsyncLayeredReader<T, R, D> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("AsyncLayeredReader")
                .field("source", &self.source)
                .field("stats", &self.decoder.stats)
                .finish_non_exhaustive()
        }
    }
}
#[cfg(feature = "tokio")]
pub use asynchronous::AsyncLayeredReader;
