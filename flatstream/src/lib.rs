#![doc = include_str!("../../README.md")]
#![deny(missing_docs, unsafe_op_in_unsafe_fn)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "tokio")]
mod asynchronous;
pub mod checksum;
#[cfg(feature = "tokio")]
mod codec;
mod decode;
mod encode;
mod error;
pub mod framing;
mod header;
mod reader;
pub mod schema;
mod serialize;
mod sink;
mod slice;
mod unchecked;
mod verify;
pub mod view;
mod writer;
#[cfg(feature = "xxhash")]
mod xxh3;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub use asynchronous::{AsyncFrameReader, AsyncStreamReader, AsyncStreamWriter};
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub use codec::{Message, StreamCodec};
pub use decode::{ReadStats, Recovery, SkippedRegion};
pub use error::{Error, Result, SchemaMismatch, VerifyError, VerifyErrorKind};
pub use header::StreamHeader;
pub use reader::{FrameReader, StreamReader};
pub use schema::schema;
pub use serialize::{DecodeOwned, StreamDeserialize, StreamSerialize};
pub use slice::SliceReader;
pub use view::Vector;
pub use writer::{AppendReport, StreamWriter};

/// Derives [`StreamSerialize`](trait@StreamSerialize) and
/// [`StreamDeserialize`] for a struct or enum.
pub use flatstream_derive::StreamSerialize;

/// Limits the FlatBuffers verifier enforces, for
/// [`StreamReader::with_verifier_options`].
pub use flatbuffers::VerifierOptions;

/// The `flatbuffers` crate this version of flatstream builds on, for
/// hand-written [`StreamSerialize`] implementations.
pub use flatbuffers;
