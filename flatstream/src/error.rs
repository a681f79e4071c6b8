//! The error type shared by every part of flatstream.
//!
//! Each variant carries the numbers that locate a problem: the expected and
//! calculated checksum, the offending length and the limit, and — when the
//! error comes from a [`StreamReader`](crate::StreamReader), which knows how
//! far into the stream it is — the byte offset of the frame.

use std::fmt;

/// Everything that can go wrong while writing or reading a stream.
///
/// Match on the variant to decide what to do: [`Error::Io`] is the
/// transport's, [`Error::UnexpectedEof`] is a torn tail, and the others say
/// the bytes themselves are damaged or were never a stream of this kind.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The underlying reader or writer failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),

    /// The checksum stored in a frame header does not match its payload.
    #[error(
        "checksum mismatch{}: expected {expected:#x}, calculated {calculated:#x}",
        AtOffset(*offset)
    )]
    ChecksumMismatch {
        /// The checksum stored in the frame header.
        expected: u64,
        /// The checksum of the payload as read.
        calculated: u64,
        /// Byte offset of the frame's first header byte, when known.
        offset: Option<u64>,
    },

    /// A frame header is malformed: zero length, a length over the limit, or
    /// a payload the framer cannot represent.
    #[error("invalid frame{}: {message}", AtOffset(*offset))]
    InvalidFrame {
        /// What is wrong, with the numbers (length, limit).
        message: String,
        /// Byte offset of the frame's first header byte, when known.
        offset: Option<u64>,
    },

    /// The payload failed FlatBuffers verification: it is not a valid buffer
    /// of the type being read.
    #[error("payload failed FlatBuffers verification: {0}")]
    Flatbuffers(#[from] flatbuffers::InvalidFlatbuffer),

    /// The stream ended inside a frame (a torn or truncated tail).
    #[error("unexpected end of stream inside a frame")]
    UnexpectedEof,
}

/// `Result` with flatstream's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An [`Error::InvalidFrame`] with `message` and no known offset.
    pub fn invalid_frame(message: impl Into<String>) -> Self {
        Error::InvalidFrame {
            message: message.into(),
            offset: None,
        }
    }

    /// The byte offset of the frame this error is about, when known.
    ///
    /// Errors returned by [`StreamReader`](crate::StreamReader) carry it for
    /// checksum and framing failures.
    pub fn offset(&self) -> Option<u64> {
        match self {
            Error::ChecksumMismatch { offset, .. } | Error::InvalidFrame { offset, .. } => *offset,
            _ => None,
        }
    }

    /// Sets the frame offset on variants that carry one and have none yet.
    pub(crate) fn at_offset(mut self, frame_offset: u64) -> Self {
        if let Error::ChecksumMismatch { offset, .. } | Error::InvalidFrame { offset, .. } =
            &mut self
        {
            offset.get_or_insert(frame_offset);
        }
        self
    }

    /// Whether this error says the bytes are damaged (as opposed to the
    /// transport failing): checksum, framing, verification or a torn tail.
    pub fn is_corruption(&self) -> bool {
        !matches!(self, Error::Io(_))
    }
}

/// Formats ` in frame at byte offset N` when the offset is known.
struct AtOffset(Option<u64>);

impl fmt::Display for AtOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(offset) => write!(f, " in frame at byte offset {offset}"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_mismatch_message_has_both_values_and_offset() {
        let err = Error::ChecksumMismatch {
            expected: 0xdead,
            calculated: 0xbeef,
            offset: None,
        }
        .at_offset(42);
        assert_eq!(
            err.to_string(),
            "checksum mismatch in frame at byte offset 42: expected 0xdead, calculated 0xbeef"
        );
        assert_eq!(err.offset(), Some(42));
    }

    #[test]
    fn invalid_frame_without_offset_omits_it() {
        let err = Error::invalid_frame("frame length 20 exceeds the limit of 10 bytes");
        assert_eq!(
            err.to_string(),
            "invalid frame: frame length 20 exceeds the limit of 10 bytes"
        );
        assert_eq!(err.offset(), None);
    }

    #[test]
    fn offset_is_not_overwritten() {
        let err = Error::invalid_frame("x").at_offset(7).at_offset(9);
        assert_eq!(err.offset(), Some(7));
    }

    #[test]
    fn io_errors_convert_and_are_not_corruption() {
        let err: Error = std::io::Error::other("disk on fire").into();
        assert!(matches!(err, Error::Io(_)));
        assert!(!err.is_corruption());
        assert!(Error::UnexpectedEof.is_corruption());
    }
}
