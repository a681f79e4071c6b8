//! flatstream messages through NATS JetStream.
//!
//! One NATS message carries one flatstream frame: the payload length, the
//! checksum and the FlatBuffer, exactly the bytes a stream file holds for
//! that message. Integrity is therefore end to end (a consumer checks the
//! publisher's checksum), and a consumer can append a message's bytes to a
//! stream file as they are.
//!
//! Each message also carries two NATS headers:
//!
//! | header | value |
//! |---|---|
//! | `Nats-Msg-Id` | the message id, which JetStream uses to drop duplicates a retrying publisher sends: `PREFIX-N` (see [`FramePublisher::new`]) or the caller's |
//! | `Fs` | the schema fingerprint (FNV-1a 64 of the `.fbs` text, as in a stream header) in 16 lowercase hex digits, then `;` and the checksum's name (`crc32`, `none`, ...) unless the checksum is XXH3-64 |
//!
//! For example `Fs: 0123456789abcdef` (XXH3-64 frames of schema
//! `0123456789abcdef`), `Fs: 0123456789abcdef;crc32`, and `Fs: ;crc32`
//! from a publisher that states no schema. The header is kept short on
//! purpose: it travels with, is parsed with and is stored with every
//! message. A consumer also reads the header of the first format,
//! `Flatstream: xxh3-64 0123456789abcdef Event` (checksum, fingerprint,
//! root type), when a message has no `Fs` header
//! ([`LEGACY_FLATSTREAM_HEADER`]).
//!
//! - [`Publisher`] serializes a value, frames it and publishes it with the
//!   headers above, waiting for JetStream's acknowledgement and retrying
//!   with the same id when it does not come (at least once, duplicates
//!   removed by the server within its de-duplication window).
//! - [`Consumer`] reads a durable pull consumer, checks the frame, the
//!   schema fingerprint and the FlatBuffer, and yields a [`Delivery`] that
//!   the caller acknowledges once it has handled it. A message that fails a
//!   check is handed to the [`Rejects`] policy (a callback, a dead-letter
//!   subject or an error) and terminated, so that one bad message never
//!   stalls the consumer.
//! - [`FramePublisher`] and [`FrameConsumer`] do the same for frames of
//!   unknown type (the command-line bridge between files and subjects).

#![deny(missing_docs)]

mod consume;
mod error;
mod headers;
mod publish;

pub use consume::{
    Consumer, ConsumerOptions, Delivery, FrameConsumer, FrameDelivery, Rejected, Rejects, StartAt,
    REJECTED_REASON_HEADER, REJECTED_SEQUENCE_HEADER, REJECTED_STREAM_HEADER,
    REJECTED_SUBJECT_HEADER,
};
pub use error::{Error, Rejection, Result};
pub use headers::{fingerprint_of, FLATSTREAM_HEADER, LEGACY_FLATSTREAM_HEADER};
pub use publish::{FramePublisher, Publisher, Retry};
