//! Frames: how payloads are delimited and guarded on the wire.
//!
//! ```text
//! frame := [u32 LE payload length][checksum, C::SIZE bytes, LE][payload]
//! ```
//!
//! A [`Framer`] writes frames, a [`Deframer`] reads them back. The default
//! pair has no checksum; [`ChecksumFramer`] and [`ChecksumDeframer`] add any
//! [`Checksum`]. Deframers check the length against their limit (16 MiB
//! unless set with `with_max_frame_len`) before they allocate a byte, treat
//! EOF exactly on a frame boundary as the clean end of the stream, and report
//! EOF anywhere else as [`Error::UnexpectedEof`]. Short reads and
//! [`ErrorKind::Interrupted`] are retried, never mistaken for EOF.

use std::io::{ErrorKind, Read, Write};
use std::ops::Range;

use crate::checksum::{Checksum, NoChecksum};
use crate::error::{Error, Result};

/// The default limit on a frame's payload length: 16 MiB.
pub const DEFAULT_MAX_FRAME_LEN: usize = 16 * 1024 * 1024;

/// Bytes of the length prefix.
pub(crate) const LEN_SIZE: usize = 4;

/// The longest header any checksum makes: length plus an 8-byte checksum.
const MAX_HEADER_LEN: usize = LEN_SIZE + 8;

/// Payloads up to this length are read into a buffer sized at once; longer
/// ones grow the buffer as bytes arrive, so a lying header cannot make the
/// reader allocate more than about twice what the stream really holds.
const EAGER_PAYLOAD_LEN: usize = 64 * 1024;

/// Writes one frame around a payload.
///
/// # Examples
///
/// ```
/// use flatstream::framing::{Framer, DefaultFramer};
///
/// let mut out = Vec::new();
/// DefaultFramer.frame_and_write(&mut out, b"\x04\0\0\0abcd")?;
/// assert_eq!(&out[..4], &8u32.to_le_bytes());
///
/// // An empty payload is never a FlatBuffer, so it is refused.
/// assert!(DefaultFramer.frame_and_write(&mut out, b"").is_err());
/// # Ok::<(), flatstream::Error>(())
/// ```
pub trait Framer {
    /// Writes the frame header and `payload` to `writer`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidFrame`] for an empty payload or one longer than
    /// `u32::MAX` bytes; [`Error::Io`] when `writer` fails.
    fn frame_and_write<W: Write>(&self, writer: &mut W, payload: &[u8]) -> Result<()>;

    /// The header [`frame_and_write`](Self::frame_and_write) writes before
    /// `payload`, when the frame is exactly that header followed by the
    /// payload; `Ok(None)` (the default) for a framer that frames
    /// otherwise.
    ///
    /// Writers use it to place the header in front of a payload they have
    /// just built, saving a copy, and to write a large payload without
    /// copying it. A framer that returns a header must write exactly
    /// `header` then `payload` in `frame_and_write`: writers use the one
    /// or the other.
    ///
    /// # Errors
    ///
    /// As [`frame_and_write`](Self::frame_and_write), for a payload that
    /// cannot be framed.
    ///
    /// # Examples
    ///
    /// ```
    /// use flatstream::checksum::Crc32;
    /// use flatstream::framing::{ChecksumFramer, Framer};
    ///
    /// let framer = ChecksumFramer::new(Crc32::new());
    /// let header = framer.frame_header(b"abcd")?.expect("a header and the payload");
    /// let mut frame = Vec::new();
    /// framer.frame_and_write(&mut frame, b"abcd")?;
    /// assert_eq!(&frame[..header.as_bytes().len()], header.as_bytes());
    /// assert_eq!(&frame[header.as_bytes().len()..], b"abcd");
    /// # Ok::<(), flatstream::Error>(())
    /// ```
    #[inline]
    fn frame_header(&self, payload: &[u8]) -> Result<Option<FrameHeader>> {
        let _ = payload;
        Ok(None)
    }

    /// The name of the checksum this framer writes, for a stream header
    /// ([`Checksum::NAME`]); `"custom"` unless the framer says.
    fn checksum_name(&self) -> &'static str {
        "custom"
    }
}

/// A frame's header in the stream format: the payload length, then the
/// checksum (see [`Framer::frame_header`]).
#[derive(Debug, Clone, Copy)]
pub struct FrameHeader {
    bytes: [u8; MAX_HEADER_LEN],
    len: usize,
}

impl FrameHeader {
    /// The header of `payload` guarded by `checksum`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidFrame`] for an empty payload or one longer than
    /// `u32::MAX` bytes.
    #[inline]
    pub fn new<C: Checksum>(checksum: &C, payload: &[u8]) -> Result<Self> {
        let len = u32::try_from(payload.len()).map_err(|_| {
            Error::invalid_frame(format!(
                "payload of {} bytes exceeds the format's limit of {} bytes",
                payload.len(),
                u32::MAX
            ))
        })?;
        if len == 0 {
            return Err(Error::invalid_frame(
                "refusing to write an empty payload: a finished FlatBuffer is never empty",
            ));
        }
        let mut bytes = [0u8; MAX_HEADER_LEN];
        bytes[..LEN_SIZE].copy_from_slice(&len.to_le_bytes());
        if C::SIZE > 0 {
            let sum = checksum.calculate(payload).to_le_bytes();
            bytes[LEN_SIZE..LEN_SIZE + C::SIZE].copy_from_slice(&sum[..C::SIZE]);
        }
        Ok(FrameHeader {
            bytes,
            len: LEN_SIZE + C::SIZE,
        })
    }

    /// The header's bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Reads one frame and leaves its verified payload in a buffer.
///
/// # Examples
///
/// ```
/// use flatstream::framing::{Deframer, DefaultDeframer, DefaultFramer, Framer};
///
/// let mut stream = Vec::new();
/// DefaultFramer.frame_and_write(&mut stream, b"payload")?;
///
/// let mut reader = &stream[..];
/// let mut buf = Vec::new();
/// let deframer = DefaultDeframer::new();
/// assert_eq!(deframer.read_and_deframe(&mut reader, &mut buf)?, Some(()));
/// assert_eq!(buf, b"payload");
/// assert_eq!(deframer.read_and_deframe(&mut reader, &mut buf)?, None); // clean EOF
///
/// // A header cut short is a torn tail, not a clean end.
/// let mut torn = &stream[..2];
/// assert!(deframer.read_and_deframe(&mut torn, &mut buf).is_err());
/// # Ok::<(), flatstream::Error>(())
/// ```
pub trait Deframer {
    /// Reads the next frame from `reader` into `buffer`.
    ///
    /// Returns `Ok(Some(()))` with exactly the payload in `buffer`, or
    /// `Ok(None)` when the stream ends cleanly on a frame boundary. The
    /// buffer's allocation is reused from call to call.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidFrame`]: a zero length, or a length over the limit
    ///   (refused before allocating).
    /// - [`Error::UnexpectedEof`]: the stream ends inside the frame.
    /// - [`Error::ChecksumMismatch`]: the payload does not match its checksum.
    /// - [`Error::Io`]: `reader` failed.
    fn read_and_deframe<R: Read>(&self, reader: &mut R, buffer: &mut Vec<u8>)
        -> Result<Option<()>>;

    /// Decodes the frame at the start of `bytes`, in place.
    ///
    /// This is the zero-copy path that [`StreamReader`](crate::StreamReader)
    /// and the other readers use: it never reads, it only looks. It returns
    /// [`FrameStatus::Complete`] with the frame's length and the payload's
    /// range in `bytes` once the whole frame is there and its checksum
    /// matches, or [`FrameStatus::Incomplete`] with how many bytes the frame
    /// needs in all. The length is checked against the limit before
    /// `Incomplete` asks for it.
    ///
    /// The built-in deframers implement it directly. The provided
    /// implementation runs [`read_and_deframe`](Self::read_and_deframe) over
    /// `bytes`, which costs a copy and an allocation per frame and requires
    /// the payload to be the frame's last bytes: override it for speed.
    ///
    /// # Errors
    ///
    /// As [`read_and_deframe`](Self::read_and_deframe), except that a frame
    /// cut short is `Incomplete`, not an error.
    ///
    /// # Examples
    ///
    /// ```
    /// use flatstream::framing::{Deframer, DefaultDeframer, DefaultFramer, Framer, FrameStatus};
    ///
    /// let mut stream = Vec::new();
    /// DefaultFramer.frame_and_write(&mut stream, b"payload")?;
    /// let deframer = DefaultDeframer::new();
    /// assert_eq!(
    ///     deframer.decode_frame(&stream)?,
    ///     FrameStatus::Complete { frame_len: 11, payload: 4..11 }
    /// );
    /// assert_eq!(deframer.decode_frame(&stream[..6])?, FrameStatus::Incomplete { needed: 11 });
    /// # Ok::<(), flatstream::Error>(())
    /// ```
    fn decode_frame(&self, bytes: &[u8]) -> Result<FrameStatus> {
        let mut rest = bytes;
        let mut payload = Vec::new();
        match self.read_and_deframe(&mut rest, &mut payload) {
            Ok(Some(())) => {
                let frame_len = bytes.len() - rest.len();
                let start = frame_len - payload.len().min(frame_len);
                if bytes[start..frame_len] != payload[..] {
                    return Err(Error::invalid_frame(
                        "this deframer's payload is not the tail of its frame; \
                         it must implement `Deframer::decode_frame` itself",
                    ));
                }
                Ok(FrameStatus::Complete {
                    frame_len,
                    payload: start..frame_len,
                })
            }
            // Nothing at all, or a frame cut short: more bytes are needed.
            Ok(None) | Err(Error::UnexpectedEof) => Ok(FrameStatus::Incomplete {
                needed: bytes.len().saturating_mul(2).max(bytes.len() + 64),
            }),
            Err(err) => Err(err),
        }
    }

    /// What the header at the start of `bytes` claims, read in O(1)
    /// without looking at the payload: the length of the frame it starts,
    /// header included, if that length is within the format and the limit.
    ///
    /// The [`SkipCorrupted`](crate::Recovery::SkipCorrupted) scan asks it
    /// at every offset of a damaged region, to refuse most candidates
    /// without decoding them and to price the others (checking a frame
    /// costs about its length) against its work budget. It must never
    /// refuse a header [`decode_frame`](Self::decode_frame) would accept.
    ///
    /// The provided implementation says [`FrameClaim::Unknown`]: the scan
    /// then learns the claim by decoding a short prefix of `bytes`, which
    /// is slower (a refused header builds its error) but just as bounded.
    /// The built-in deframers implement it.
    ///
    /// # Examples
    ///
    /// ```
    /// use flatstream::framing::{Deframer, DefaultDeframer, DefaultFramer, FrameClaim, Framer};
    ///
    /// let mut stream = Vec::new();
    /// DefaultFramer.frame_and_write(&mut stream, b"payload")?;
    /// let deframer = DefaultDeframer::new();
    /// assert_eq!(deframer.frame_claim(&stream), FrameClaim::Len(11));
    /// assert_eq!(deframer.frame_claim(&stream[..6]), FrameClaim::Len(11));
    /// assert_eq!(deframer.frame_claim(&[0; 8]), FrameClaim::Invalid);
    /// assert_eq!(deframer.frame_claim(&stream[..3]), FrameClaim::Unknown);
    /// # Ok::<(), flatstream::Error>(())
    /// ```
    #[inline]
    fn frame_claim(&self, bytes: &[u8]) -> FrameClaim {
        let _ = bytes;
        FrameClaim::Unknown
    }
}

/// What a frame header claims (see [`Deframer::frame_claim`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FrameClaim {
    /// The header starts a frame of this many bytes, header included,
    /// within the format and the deframer's limit. Whether the frame is
    /// intact is not known yet.
    Len(usize),
    /// The header alone rules a frame out (a zero length, a length over
    /// the limit): [`decode_frame`](Deframer::decode_frame) would fail.
    Invalid,
    /// The deframer cannot tell without decoding (its header is cut
    /// short, or it does not implement [`Deframer::frame_claim`]).
    Unknown,
}

/// What [`Deframer::decode_frame`] found at the start of a byte slice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameStatus {
    /// A whole, intact frame.
    Complete {
        /// Bytes of the frame, header included.
        frame_len: usize,
        /// Where the payload is in the slice.
        payload: Range<usize>,
    },
    /// The slice ends inside the frame; it needs `needed` bytes in all (a
    /// lower bound when even the header is incomplete).
    Incomplete {
        /// Bytes the frame needs from its first header byte on.
        needed: usize,
    },
}

/// Frames without a checksum: `[u32 LE length][payload]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DefaultFramer;

impl DefaultFramer {
    /// A `DefaultFramer`.
    pub const fn new() -> Self {
        DefaultFramer
    }
}

impl Framer for DefaultFramer {
    #[inline]
    fn frame_and_write<W: Write>(&self, writer: &mut W, payload: &[u8]) -> Result<()> {
        write_frame(&NoChecksum, writer, payload)
    }

    #[inline]
    fn frame_header(&self, payload: &[u8]) -> Result<Option<FrameHeader>> {
        FrameHeader::new(&NoChecksum, payload).map(Some)
    }

    fn checksum_name(&self) -> &'static str {
        NoChecksum::NAME
    }
}

/// Frames with a checksum: `[u32 LE length][C::SIZE bytes checksum LE][payload]`.
///
/// # Examples
///
/// ```
/// use flatstream::checksum::XxHash64;
/// use flatstream::framing::{ChecksumFramer, Framer};
///
/// let mut out = Vec::new();
/// ChecksumFramer::new(XxHash64::new()).frame_and_write(&mut out, b"abcd")?;
/// assert_eq!(out.len(), 4 + 8 + 4);
/// # Ok::<(), flatstream::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChecksumFramer<C> {
    checksum: C,
}

impl<C: Checksum> ChecksumFramer<C> {
    /// A framer that guards each payload with `checksum`.
    pub const fn new(checksum: C) -> Self {
        ChecksumFramer { checksum }
    }

    /// The checksum this framer writes.
    pub fn checksum(&self) -> &C {
        &self.checksum
    }
}

impl<C: Checksum> Framer for ChecksumFramer<C> {
    #[inline]
    fn frame_and_write<W: Write>(&self, writer: &mut W, payload: &[u8]) -> Result<()> {
        write_frame(&self.checksum, writer, payload)
    }

    #[inline]
    fn frame_header(&self, payload: &[u8]) -> Result<Option<FrameHeader>> {
        FrameHeader::new(&self.checksum, payload).map(Some)
    }

    fn checksum_name(&self) -> &'static str {
        C::NAME
    }
}

/// The limit every deframer has, written once.
macro_rules! limit_methods {
    () => {
        /// Sets the longest payload accepted, in bytes.
        ///
        /// A header that claims more is refused with [`Error::InvalidFrame`]
        /// before any memory is reserved for it.
        #[must_use]
        pub const fn with_max_frame_len(mut self, max_frame_len: usize) -> Self {
            self.max_frame_len = max_frame_len;
            self
        }

        /// The longest payload accepted, in bytes.
        pub const fn max_frame_len(&self) -> usize {
            self.max_frame_len
        }
    };
}

/// Reads frames without a checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultDeframer {
    max_frame_len: usize,
}

impl DefaultDeframer {
    /// A deframer with the default 16 MiB limit.
    pub const fn new() -> Self {
        DefaultDeframer {
            max_frame_len: DEFAULT_MAX_FRAME_LEN,
        }
    }

    limit_methods!();
}

impl Default for DefaultDeframer {
    fn default() -> Self {
        Self::new()
    }
}

impl Deframer for DefaultDeframer {
    #[inline]
    fn read_and_deframe<R: Read>(
        &self,
        reader: &mut R,
        buffer: &mut Vec<u8>,
    ) -> Result<Option<()>> {
        read_frame(&NoChecksum, self.max_frame_len, reader, buffer)
    }

    #[inline]
    fn decode_frame(&self, bytes: &[u8]) -> Result<FrameStatus> {
        decode_frame(&NoChecksum, self.max_frame_len, bytes)
    }

    #[inline]
    fn frame_claim(&self, bytes: &[u8]) -> FrameClaim {
        frame_claim::<NoChecksum>(self.max_frame_len, bytes)
    }
}

/// Reads frames guarded by a checksum, refusing any whose payload does not
/// match.
///
/// # Examples
///
/// ```
/// use flatstream::checksum::Crc32;
/// use flatstream::framing::{ChecksumDeframer, ChecksumFramer, Deframer, Framer};
/// use flatstream::Error;
///
/// let mut stream = Vec::new();
/// ChecksumFramer::new(Crc32::new()).frame_and_write(&mut stream, b"abcd")?;
/// let last = stream.len() - 1;
/// stream[last] ^= 0x01; // one flipped bit
///
/// let deframer = ChecksumDeframer::new(Crc32::new());
/// let err = deframer.read_and_deframe(&mut &stream[..], &mut Vec::new()).unwrap_err();
/// assert!(matches!(err, Error::ChecksumMismatch { .. }));
/// # Ok::<(), flatstream::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChecksumDeframer<C> {
    checksum: C,
    max_frame_len: usize,
}

impl<C: Checksum> ChecksumDeframer<C> {
    /// A deframer that checks each payload against `checksum`, with the
    /// default 16 MiB limit.
    pub const fn new(checksum: C) -> Self {
        ChecksumDeframer {
            checksum,
            max_frame_len: DEFAULT_MAX_FRAME_LEN,
        }
    }

    limit_methods!();

    /// The checksum this deframer verifies.
    pub fn checksum(&self) -> &C {
        &self.checksum
    }
}

impl<C: Checksum + Default> Default for ChecksumDeframer<C> {
    fn default() -> Self {
        Self::new(C::default())
    }
}

impl<C: Checksum> Deframer for ChecksumDeframer<C> {
    #[inline]
    fn read_and_deframe<R: Read>(
        &self,
        reader: &mut R,
        buffer: &mut Vec<u8>,
    ) -> Result<Option<()>> {
        read_frame(&self.checksum, self.max_frame_len, reader, buffer)
    }

    #[inline(always)]
    fn decode_frame(&self, bytes: &[u8]) -> Result<FrameStatus> {
        decode_frame(&self.checksum, self.max_frame_len, bytes)
    }

    #[inline(always)]
    fn frame_claim(&self, bytes: &[u8]) -> FrameClaim {
        frame_claim::<C>(self.max_frame_len, bytes)
    }
}

/// Writes `[len][checksum][payload]` with two `write_all` calls.
fn write_frame<C: Checksum, W: Write>(checksum: &C, writer: &mut W, payload: &[u8]) -> Result<()> {
    let header = FrameHeader::new(checksum, payload)?;
    writer.write_all(header.as_bytes())?;
    writer.write_all(payload)?;
    Ok(())
}

/// Checks a frame's declared payload length against the format and `limit`.
#[inline]
pub(crate) fn check_frame_len(len: usize, limit: usize) -> Result<()> {
    if len == 0 || len > limit {
        Err(frame_len_error(len, limit))
    } else {
        Ok(())
    }
}

/// The error for a length [`check_frame_len`] refuses.
#[cold]
#[inline(never)]
fn frame_len_error(len: usize, limit: usize) -> Error {
    if len == 0 {
        Error::invalid_frame(
            "zero-length frame: a FlatBuffer is never empty (zeroed or damaged bytes?)",
        )
    } else {
        Error::invalid_frame(format!(
            "frame length {len} exceeds the limit of {limit} bytes"
        ))
    }
}

/// Splits a header into the payload length and the stored checksum.
#[inline]
fn parse_header<C: Checksum>(header: &[u8]) -> (usize, u64) {
    let mut len_bytes = [0u8; LEN_SIZE];
    len_bytes.copy_from_slice(&header[..LEN_SIZE]);
    let mut sum_bytes = [0u8; 8];
    sum_bytes[..C::SIZE].copy_from_slice(&header[LEN_SIZE..LEN_SIZE + C::SIZE]);
    (
        u32::from_le_bytes(len_bytes) as usize,
        u64::from_le_bytes(sum_bytes),
    )
}

/// The claim of the header at the start of `bytes`: the same length
/// checks as [`decode_frame`], without building their error.
#[inline(always)]
fn frame_claim<C: Checksum>(max_frame_len: usize, bytes: &[u8]) -> FrameClaim {
    let header_len = LEN_SIZE + C::SIZE;
    match bytes.first_chunk::<LEN_SIZE>() {
        Some(len) if bytes.len() >= header_len => {
            let len = u32::from_le_bytes(*len) as usize;
            if len == 0 || len > max_frame_len {
                FrameClaim::Invalid
            } else {
                FrameClaim::Len(header_len + len)
            }
        }
        _ => FrameClaim::Unknown,
    }
}

/// Decodes the frame at the start of `bytes` without copying it.
#[inline(always)]
fn decode_frame<C: Checksum>(
    checksum: &C,
    max_frame_len: usize,
    bytes: &[u8],
) -> Result<FrameStatus> {
    let header_len = LEN_SIZE + C::SIZE;
    if bytes.len() < header_len {
        return Ok(FrameStatus::Incomplete { needed: header_len });
    }
    let (len, expected) = parse_header::<C>(bytes);
    check_frame_len(len, max_frame_len)?;
    let frame_len = header_len + len;
    match bytes.get(header_len..frame_len) {
        Some(payload) => {
            checksum.verify(expected, payload)?;
            Ok(FrameStatus::Complete {
                frame_len,
                payload: header_len..frame_len,
            })
        }
        None => Ok(FrameStatus::Incomplete { needed: frame_len }),
    }
}

/// Reads one frame into `buffer`.
fn read_frame<C: Checksum, R: Read>(
    checksum: &C,
    max_frame_len: usize,
    reader: &mut R,
    buffer: &mut Vec<u8>,
) -> Result<Option<()>> {
    let header_len = LEN_SIZE + C::SIZE;
    let mut header = [0u8; MAX_HEADER_LEN];
    match read_full(reader, &mut header[..header_len])? {
        0 => return Ok(None),
        n if n < header_len => return Err(Error::UnexpectedEof),
        _ => {}
    }
    let (len, expected) = parse_header::<C>(&header);
    check_frame_len(len, max_frame_len)?;

    read_payload(reader, buffer, len)?;
    checksum.verify(expected, buffer)?;
    Ok(Some(()))
}

/// Fills `buffer` with exactly `len` payload bytes.
fn read_payload<R: Read>(reader: &mut R, buffer: &mut Vec<u8>, len: usize) -> Result<()> {
    if len <= buffer.capacity().max(EAGER_PAYLOAD_LEN) {
        // Steady state: the allocation is already there (or small).
        buffer.resize(len, 0);
        let got = read_full(reader, buffer)?;
        if got < len {
            buffer.clear();
            return Err(Error::UnexpectedEof);
        }
        return Ok(());
    }
    // A long payload: grow with what actually arrives, so a header that
    // lies about the length costs at most twice the bytes really there.
    buffer.clear();
    let mut filled = 0;
    while filled < len {
        let target = filled.max(EAGER_PAYLOAD_LEN).saturating_mul(2).min(len);
        buffer.resize(target, 0);
        let got = read_full(reader, &mut buffer[filled..])?;
        filled += got;
        if filled < target {
            buffer.clear();
            return Err(Error::UnexpectedEof);
        }
    }
    Ok(())
}

/// Reads until `buf` is full or EOF, retrying short reads and interrupts.
/// Returns how many bytes were read.
pub(crate) fn read_full<R: Read>(reader: &mut R, buf: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::Io(e)),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Yields `Interrupted` before every real read and returns at most one byte.
    struct Stuttering<'a> {
        data: &'a [u8],
        interrupt_next: bool,
    }

    impl Read for Stuttering<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.interrupt_next = !self.interrupt_next;
            if self.interrupt_next {
                return Err(ErrorKind::Interrupted.into());
            }
            if buf.is_empty() || self.data.is_empty() {
                return Ok(0);
            }
            buf[0] = self.data[0];
            self.data = &self.data[1..];
            Ok(1)
        }
    }

    fn frame(payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        DefaultFramer.frame_and_write(&mut out, payload).unwrap();
        out
    }

    #[test]
    fn default_frame_layout() {
        assert_eq!(frame(b"abc"), b"\x03\0\0\0abc");
    }

    #[cfg(feature = "crc16")]
    #[test]
    fn checksum_frame_layout_is_le_and_truncated() {
        use crate::checksum::Crc16;
        let mut out = Vec::new();
        ChecksumFramer::new(Crc16)
            .frame_and_write(&mut out, b"123456789")
            .unwrap();
        assert_eq!(&out[..6], &[9, 0, 0, 0, 0xb1, 0x29]);
        assert_eq!(&out[6..], b"123456789");
    }

    #[test]
    fn read_header_that_stops_short() {
        let stream = frame(b"abc");
        for cut in 1..LEN_SIZE {
            let err = DefaultDeframer::new()
                .read_and_deframe(&mut &stream[..cut], &mut Vec::new())
                .unwrap_err();
            assert!(matches!(err, Error::UnexpectedEof), "cut at {cut}: {err:?}");
        }
    }

    #[test]
    fn read_payload_that_stops_short() {
        let stream = frame(b"abcdef");
        let mut buf = Vec::new();
        for cut in LEN_SIZE..stream.len() {
            let err = DefaultDeframer::new()
                .read_and_deframe(&mut &stream[..cut], &mut buf)
                .unwrap_err();
            assert!(matches!(err, Error::UnexpectedEof), "cut at {cut}: {err:?}");
            assert!(buf.is_empty(), "no partial payload is left behind");
        }
    }

    #[test]
    fn read_frame_over_limit() {
        let stream = frame(&[7u8; 100]);
        let deframer = DefaultDeframer::new().with_max_frame_len(99);
        let err = deframer
            .read_and_deframe(&mut &stream[..], &mut Vec::new())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid frame: frame length 100 exceeds the limit of 99 bytes"
        );
        let exact = DefaultDeframer::new().with_max_frame_len(100);
        let mut buf = Vec::new();
        assert!(exact
            .read_and_deframe(&mut &stream[..], &mut buf)
            .unwrap()
            .is_some());
        assert_eq!(buf, [7u8; 100]);
    }

    #[test]
    fn read_zero_length_frame() {
        let err = DefaultDeframer::new()
            .read_and_deframe(&mut &[0u8; 16][..], &mut Vec::new())
            .unwrap_err();
        assert!(matches!(err, Error::InvalidFrame { .. }));
        assert!(err.to_string().contains("zero-length frame"));
    }

    #[test]
    fn write_empty_payload_is_refused() {
        let mut out = Vec::new();
        let err = DefaultFramer.frame_and_write(&mut out, b"").unwrap_err();
        assert!(matches!(err, Error::InvalidFrame { .. }));
        assert!(out.is_empty(), "nothing reaches the writer");
    }

    #[test]
    fn interrupted_and_short_reads_are_retried() {
        let mut stream = frame(b"first");
        stream.extend(frame(b"second"));
        let mut reader = Stuttering {
            data: &stream,
            interrupt_next: false,
        };
        let deframer = DefaultDeframer::new();
        let mut buf = Vec::new();
        assert!(deframer
            .read_and_deframe(&mut reader, &mut buf)
            .unwrap()
            .is_some());
        assert_eq!(buf, b"first");
        assert!(deframer
            .read_and_deframe(&mut reader, &mut buf)
            .unwrap()
            .is_some());
        assert_eq!(buf, b"second");
        assert!(deframer
            .read_and_deframe(&mut reader, &mut buf)
            .unwrap()
            .is_none());
    }

    #[test]
    fn long_payload_grows_buffer_incrementally() {
        let payload: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let stream = frame(&payload);
        let mut buf = Vec::new();
        DefaultDeframer::new()
            .read_and_deframe(&mut &stream[..], &mut buf)
            .unwrap()
            .unwrap();
        assert_eq!(buf, payload);

        // The same header with most of the payload missing: the buffer never
        // grows far past what arrived.
        let mut fresh = Vec::new();
        let err = DefaultDeframer::new()
            .read_and_deframe(&mut &stream[..LEN_SIZE + 1000], &mut fresh)
            .unwrap_err();
        assert!(matches!(err, Error::UnexpectedEof));
        assert!(
            fresh.capacity() <= 2 * EAGER_PAYLOAD_LEN,
            "{}",
            fresh.capacity()
        );
    }

    #[test]
    fn io_errors_pass_through() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::new(ErrorKind::ConnectionReset, "reset"))
            }
        }
        let err = DefaultDeframer::new()
            .read_and_deframe(&mut Broken, &mut Vec::new())
            .unwrap_err();
        assert!(matches!(err, Error::Io(e) if e.kind() == ErrorKind::ConnectionReset));
    }
}
