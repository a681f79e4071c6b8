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

    /// The payload failed the `flatbuffers` crate's verifier, in a
    /// hand-written [`StreamDeserialize`](crate::StreamDeserialize)
    /// implementation that reports through `?` on
    /// `flatbuffers::root`. Derived types and `String` report
    /// [`Error::Verification`] instead.
    #[error("payload failed FlatBuffers verification: {0}")]
    Flatbuffers(#[from] flatbuffers::InvalidFlatbuffer),

    /// The payload is not a valid buffer of the type being read: the rule
    /// it breaks, the byte offset in the payload and the field path
    /// (`Order.fills[3].venue`).
    #[error("payload failed verification: {0}")]
    Verification(#[from] VerifyError),

    /// The stream ended inside a frame (a torn or truncated tail).
    #[error("unexpected end of stream inside a frame")]
    UnexpectedEof,

    /// The stream's header says it holds another root type, or a schema
    /// the reader's type cannot read.
    #[error("{0}")]
    SchemaMismatch(Box<SchemaMismatch>),

    /// A schema given at run time (to
    /// [`SchemaDoc`](crate::schema::SchemaDoc)) lacks the type asked for.
    #[error("schema: {0}")]
    Schema(#[from] crate::schema::SchemaError),

    /// A compressed or encrypted frame was refused: the
    /// [`LayerErrorKind`](crate::layered::LayerErrorKind) says why (a
    /// decompression bomb, the wrong dictionary, a failed authentication,
    /// a frame out of sequence, a truncated stream).
    #[error("{0}")]
    Layer(Box<crate::layered::LayerError>),
}

/// Why a typed reader refused a self-describing stream (see
/// [`StreamHeader`](crate::StreamHeader)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SchemaMismatch {
    /// The root type the stream's header names.
    pub stream_root: String,
    /// The root type the reader expects.
    pub reader_root: String,
    /// Why the stream's schema is not readable as the reader's
    /// ([`check_compatible`](crate::schema::check_compatible)'s list);
    /// empty when the root types differ.
    pub problems: Vec<String>,
}

impl fmt::Display for SchemaMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.stream_root != self.reader_root {
            write!(
                f,
                "stream holds `{}`, reader expects `{}`",
                self.stream_root, self.reader_root
            )
        } else {
            write!(
                f,
                "the stream's schema of `{}` is not readable as the reader's: {}",
                self.stream_root,
                self.problems.join("; ")
            )
        }
    }
}

/// Why a payload is not a valid buffer of the type being read, where, and
/// in which field.
///
/// Returned (inside [`Error::Verification`]) by the verifier of derived
/// types, by [`StreamDeserialize::view`](crate::StreamDeserialize::view)
/// and by every reader. Its `Display` reads
/// `Order.fills[3].venue: string at byte 212 is not NUL-terminated`.
///
/// # Examples
///
/// ```
/// use flatstream::{Error, StreamDeserialize, StreamSerialize, VerifyErrorKind};
///
/// #[derive(StreamSerialize, Debug, Clone, PartialEq)]
/// struct Fill { venue: String }
///
/// #[derive(StreamSerialize, Debug, Clone, PartialEq)]
/// struct Order { fills: Vec<Fill> }
///
/// let order = Order { fills: vec![Fill { venue: "XNAS".into() }] };
/// let mut builder = flatstream::flatbuffers::FlatBufferBuilder::new();
/// order.serialize(&mut builder)?;
/// let mut payload = builder.finished_data().to_vec();
/// // Overwrite the NUL after "XNAS"; the string starts 8 bytes before it,
/// // with its length.
/// let nul = payload.windows(5).position(|w| w == b"XNAS\0").unwrap() + 4;
/// payload[nul] = b'!';
///
/// let Err(Error::Verification(err)) = Order::view(&payload) else { panic!() };
/// assert_eq!(err.path(), "Order.fills[0].venue");
/// assert_eq!(err.kind(), &VerifyErrorKind::NotNulTerminated);
/// assert_eq!(err.offset(), nul - 8);
/// assert_eq!(
///     err.to_string(),
///     format!("Order.fills[0].venue: string at byte {} is not NUL-terminated", nul - 8)
/// );
/// # Ok::<(), flatstream::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError(
    /// Boxed, so that carrying it costs `Result`s on the read path one
    /// word.
    Box<VerifyErrorInner>,
);

#[derive(Debug, Clone, PartialEq, Eq)]
struct VerifyErrorInner {
    kind: VerifyErrorKind,
    offset: usize,
    path: String,
}

impl VerifyError {
    pub(crate) fn new(kind: VerifyErrorKind, offset: usize, path: String) -> Self {
        VerifyError(Box::new(VerifyErrorInner { kind, offset, path }))
    }

    /// The rule the payload breaks.
    pub fn kind(&self) -> &VerifyErrorKind {
        &self.0.kind
    }

    /// The byte offset in the payload of what breaks it (for a string or
    /// vector, of its length prefix; for a missing field, of its table).
    pub fn offset(&self) -> usize {
        self.0.offset
    }

    /// The path from the root type to the field: `Order.fills[3].venue`;
    /// union variants in parentheses (`Envelope.body(Trade).price`); the
    /// root type's name alone for the root itself.
    pub fn path(&self) -> &str {
        &self.0.path
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use VerifyErrorKind::*;
        let (path, at) = (&self.0.path, self.0.offset);
        match &self.0.kind {
            OutOfBounds { what, size, buf_len } => write!(
                f,
                "{path}: {what} at byte {at} ({size} bytes) ends past the end of the {buf_len}-byte buffer"
            ),
            Unaligned { what, align } => write!(
                f,
                "{path}: {what} at byte {at} is not aligned to {align} bytes"
            ),
            VtableOddLength { len } => write!(
                f,
                "{path}: vtable at byte {at} has an odd length of {len} bytes"
            ),
            NotUtf8 => write!(f, "{path}: string at byte {at} is not valid UTF-8"),
            NotNulTerminated => write!(f, "{path}: string at byte {at} is not NUL-terminated"),
            MissingRequiredField => write!(
                f,
                "{path}: required field is missing from the table at byte {at}"
            ),
            UnknownEnumValue { enum_name, value } => write!(
                f,
                "{path}: enum {enum_name} has no variant {value} (value at byte {at})"
            ),
            UnknownUnionTag { union_name, tag } => write!(
                f,
                "{path}: union {union_name} has no variant with tag {tag} (tag at byte {at})"
            ),
            InconsistentUnion { union_name, has_tag } => {
                let (present, absent) = if *has_tag { ("type tag", "value") } else { ("value", "type tag") };
                write!(
                    f,
                    "{path}: union {union_name} has a {present} but no {absent} in the table at byte {at}"
                )
            }
            FileIdentifier { expected, found } => {
                write!(f, "{path}: file identifier at byte {at} is ")?;
                match found {
                    Some(found) => write!(f, "{:?}", String::from_utf8_lossy(found))?,
                    None => f.write_str("missing")?,
                }
                write!(f, ", expected {:?}", String::from_utf8_lossy(expected))
            }
            TooDeep { max_depth } => write!(
                f,
                "{path}: table at byte {at} is nested deeper than the limit of {max_depth}"
            ),
            TooManyTables { max_tables } => write!(
                f,
                "{path}: table at byte {at} is over the limit of {max_tables} tables"
            ),
            TooLarge { max_apparent_size } => write!(
                f,
                "{path}: apparent size is over the limit of {max_apparent_size} bytes (at byte {at})"
            ),
        }
    }
}

impl std::error::Error for VerifyError {}

/// The rules a payload can break, with the numbers that go with each.
/// The byte offset and the field path are on [`VerifyError`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyErrorKind {
    /// `what` (an offset, a scalar, a vtable, a vector's elements...) of
    /// `size` bytes does not fit in the buffer's `buf_len` bytes.
    OutOfBounds {
        /// What was being read.
        what: &'static str,
        /// Its size in bytes.
        size: usize,
        /// The payload's length.
        buf_len: usize,
    },
    /// `what` is not at a multiple of `align` from the buffer's start.
    Unaligned {
        /// What was being read.
        what: &'static str,
        /// The alignment it needs.
        align: usize,
    },
    /// A vtable's length is odd.
    VtableOddLength {
        /// The length it claims.
        len: usize,
    },
    /// A string is not valid UTF-8.
    NotUtf8,
    /// A string does not end with a NUL byte.
    NotNulTerminated,
    /// A required field (a non-optional table or fixed struct, a union
    /// without `other`, or one marked `required`) is absent.
    MissingRequiredField,
    /// An enum field holds a value no variant has, and the enum has no
    /// `#[flatstream(other)]` variant.
    UnknownEnumValue {
        /// The enum's name.
        enum_name: &'static str,
        /// The value stored.
        value: i128,
    },
    /// A union's type tag names no variant, and the union has no
    /// `#[flatstream(other)]` variant.
    UnknownUnionTag {
        /// The union's name.
        union_name: &'static str,
        /// The tag stored.
        tag: u8,
    },
    /// A union field has its type tag without its value, or the reverse.
    InconsistentUnion {
        /// The union's name.
        union_name: &'static str,
        /// Whether the tag is the one present.
        has_tag: bool,
    },
    /// The buffer does not carry the type's file identifier.
    FileIdentifier {
        /// The identifier of the type.
        expected: [u8; 4],
        /// The four bytes found, or `None` when the buffer is too short.
        found: Option<[u8; 4]>,
    },
    /// Tables are nested deeper than `VerifierOptions::max_depth`.
    TooDeep {
        /// The limit.
        max_depth: usize,
    },
    /// The buffer has more tables than `VerifierOptions::max_tables`.
    TooManyTables {
        /// The limit.
        max_tables: usize,
    },
    /// The bytes verification looked at add up to more than
    /// `VerifierOptions::max_apparent_size`.
    TooLarge {
        /// The limit.
        max_apparent_size: usize,
    },
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
            Error::Layer(err) => err.offset(),
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
        if let Error::Layer(err) = &mut self {
            err.set_offset(frame_offset);
        }
        self
    }

    /// Whether this error says the bytes are damaged (as opposed to the
    /// transport failing or a schema lacking a type): checksum, framing,
    /// verification or a torn tail.
    pub fn is_corruption(&self) -> bool {
        match self {
            Error::Io(_) | Error::Schema(_) | Error::SchemaMismatch(_) => false,
            Error::Layer(layer) => layer.is_corruption(),
            _ => true,
        }
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
    fn errors_stay_small() {
        // Every read returns a `Result<_, Error>`: a verification error
        // with its path costs it no more than the other variants do.
        assert_eq!(core::mem::size_of::<VerifyError>(), 8);
        let largest_before = core::mem::size_of::<flatbuffers::InvalidFlatbuffer>() + 8;
        assert!(core::mem::size_of::<Error>() <= largest_before);
    }

    #[test]
    fn io_errors_convert_and_are_not_corruption() {
        let err: Error = std::io::Error::other("disk on fire").into();
        assert!(matches!(err, Error::Io(_)));
        assert!(!err.is_corruption());
        assert!(Error::UnexpectedEof.is_corruption());
    }
}
