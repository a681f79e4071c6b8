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

use crate::checksum::Checksum;
use crate::error::{Error, Result};

mod builtin;

pub use builtin::{ChecksumDeframer, ChecksumFramer, DefaultDeframer, DefaultFramer};

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
