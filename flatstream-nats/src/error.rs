//! Errors of the publisher and the consumer, and why a message was
//! rejected.

/// A boxed error of the NATS client.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The result of this crate's fallible functions.
pub type Result<T> = std::result::Result<T, Error>;

/// What went wrong publishing or consuming.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The value could not be serialized or framed.
    #[error("cannot frame the message: {0}")]
    Flatstream(#[from] flatstream::Error),
    /// JetStream did not acknowledge a message within the retry budget.
    #[error("message `{id}` not acknowledged after {attempts} attempts: {source}")]
    Publish {
        /// The message id (`Nats-Msg-Id`) that was sent each time.
        id: String,
        /// How many times it was sent.
        attempts: u32,
        /// The last error.
        source: BoxError,
    },
    /// A call to the NATS server failed.
    #[error("{context}: {source}")]
    Nats {
        /// What was being done.
        context: &'static str,
        /// The client's error.
        source: BoxError,
    },
    /// A message failed a check and the consumer's policy is
    /// [`Rejects::Error`](crate::Rejects::Error); it has been terminated, so
    /// the next call goes on with the next message.
    #[error("{0}")]
    Rejected(Box<crate::Rejected>),
}

impl Error {
    pub(crate) fn nats(context: &'static str, source: impl Into<BoxError>) -> Self {
        Error::Nats {
            context,
            source: source.into(),
        }
    }
}

/// Why a consumer rejected a message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// The frame is damaged: a checksum mismatch, a length over the limit,
    /// a zero length.
    #[error("damaged frame: {0}")]
    Frame(flatstream::Error),
    /// The message ends inside its frame.
    #[error("truncated frame: the message has {len} bytes, the frame needs {needed}")]
    Truncated {
        /// Bytes in the message.
        len: usize,
        /// Bytes the frame's header announces (a lower bound when the
        /// header itself is cut).
        needed: usize,
    },
    /// Bytes follow the frame in the same message.
    #[error("{extra} bytes after the {frame_len}-byte frame")]
    TrailingBytes {
        /// Bytes of the frame.
        frame_len: usize,
        /// Bytes after it.
        extra: usize,
    },
    /// The message was framed with another checksum than the consumer's.
    #[error("checksum `{found}`, expected `{expected}`")]
    Checksum {
        /// The consumer's checksum.
        expected: &'static str,
        /// The message's `Flatstream-Checksum` header.
        found: String,
    },
    /// The message's schema fingerprint is not the consumer's, or is absent
    /// or malformed.
    #[error("schema fingerprint {}, expected {expected:016x}", found.map_or_else(|| "absent or malformed".to_owned(), |found| format!("{found:016x}")))]
    Schema {
        /// The fingerprint of the consumer's schema.
        expected: u64,
        /// The message's `Flatstream-Schema` header, when it parses.
        found: Option<u64>,
    },
    /// The payload is not a valid FlatBuffer of the consumer's type.
    #[error("invalid payload: {0}")]
    Payload(flatstream::Error),
}
