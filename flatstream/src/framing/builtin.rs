//! The built-in framers and deframers: `[u32 LE length][payload]`,
//! and the same with any [`Checksum`] between length and payload.

use std::io::{Read, Write};

use crate::checksum::{Checksum, NoChecksum};
use crate::error::{Error, Result};

use super::{
    check_frame_len, read_full, Deframer, FrameClaim, FrameHeader, FrameStatus, Framer,
    DEFAULT_MAX_FRAME_LEN, EAGER_PAYLOAD_LEN, LEN_SIZE, MAX_HEADER_LEN,
};

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::ErrorKind;

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
