//! flatstream messages through NATS JetStream.
//!
//! One NATS message carries one flatstream frame: the payload length, the
//! checksum and the FlatBuffer, exactly the bytes a stream file holds for
//! that message. Integrity is therefore end to end (a consumer checks the
//! publisher's checksum), and a consumer can append a message's bytes to a
//! stream file as they are.
//!
//! Each message also carries one NATS header, `Nats-Msg-Id`, which holds
//! two things separated by `~` ([`STAMP_SEPARATOR`]):
//!
//! | part | value |
//! |---|---|
//! | the id | what JetStream uses to drop duplicates a retrying publisher sends: `PREFIX-N` (see [`FramePublisher::new`]) or the caller's |
//! | the stamp | the schema fingerprint (FNV-1a 64 of the `.fbs` text, as in a stream header) in 16 lowercase hex digits, then `;` and the checksum's name (`crc32`, `none`, ...) unless the checksum is XXH3-64 |
//!
//! For example `Nats-Msg-Id: Xy3_k9aQ0bT-17~0123456789abcdef` (XXH3-64
//! frames of schema `0123456789abcdef`), `...~0123456789abcdef;crc32`,
//! and `...~;crc32` from a publisher that states no schema. A consumer
//! hands back the id without the stamp
//! ([`FrameDelivery::message_id`]), so an id given to
//! [`Publisher::publish_with_id`] comes back as it was given; JetStream
//! de-duplicates on the whole value, which is the same for every resend.
//!
//! One header rather than two on purpose: every header travels with, is
//! parsed with (by the server and by `async-nats`, into a map per
//! message) and is stored with every message, and a second header for the
//! stamp cost consumers of small messages about 10% of their rate. A
//! consumer also reads the stamp from the header of the second format,
//! `Fs: 0123456789abcdef` ([`FLATSTREAM_HEADER`]), and of the first,
//! `Flatstream: xxh3-64 0123456789abcdef Event` (checksum, fingerprint,
//! root type; [`LEGACY_FLATSTREAM_HEADER`]), when the id holds none.

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
pub use headers::{fingerprint_of, FLATSTREAM_HEADER, LEGACY_FLATSTREAM_HEADER, STAMP_SEPARATOR};
pub use publish::{FramePublisher, Publisher, Retry};
