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
pub mod layered;
pub mod lazy;
mod private;
mod reader;
pub mod schema;
mod serialize;
mod sink;
mod slice;
mod verify;
pub mod view;
mod writer;
#[cfg(feature = "xxhash")]
mod xxh3;

/// What the code `#[derive(StreamSerialize)]` generates names: re-exports
/// of `private` and of the runtime. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use flatbuffers;

    pub use crate::encode::{
        serialize_message, Builder, Encoder, MessageBuilder, Offset, WriteRoot,
    };
    pub use crate::error::{Error, Result, VerifyError, VerifyErrorKind};
    pub use crate::header::StreamHeader;
    pub use crate::lazy::{Shallow, Verified};
    pub use crate::private::enums::{EnumType, Repr};
    pub use crate::private::field::{debug_with, DebugWith, Field, FieldDebug, ShallowDebug};
    pub use crate::private::fixed::{
        any_of, fixed_layout, fixed_slice, fixed_slice_mut, FixedType,
    };
    pub use crate::private::key::{keyed_build_vector, KeyField, KeyedTable};
    pub use crate::private::kind::{
        BoxKind, ElementKind, EnumKind, FieldKind, FixedKind, HasKind, TableKind, UnionKind,
    };
    pub use crate::private::root::{check_identifier, decode_root, root, root_unchecked};
    pub use crate::private::string::SharedField;
    pub use crate::private::table::{
        table_empty_view, ShallowTable, TableMessage, TableType, VerifiedTable, ViewTable,
    };
    pub use crate::private::union::{
        boxed, union_root, union_root_unchecked, union_unknown_tag, union_variant, UnionMessage,
        UnionPrepared, UnionType,
    };
    pub use crate::schema::{FieldSchema, Schema, SchemaBuilder, TableSchema, TypeRef};
    pub use crate::serialize::{StreamDeserialize, StreamSerialize};
    pub use crate::verify::{Checked, Checker, FieldAt, Invalid, TableAt};
    pub use crate::view::{Vector, VectorElement};
}

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
