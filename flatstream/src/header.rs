//! The optional stream header: the first frame of a self-describing
//! stream, saying what the stream holds.
//!
//! The header is a frame like any other (length, checksum, payload), so
//! damage to it is detected like damage to any frame. Its payload is a
//! FlatBuffer with the file identifier `FSHD`, of this schema:
//!
//! ```text
//! table StreamHeader {
//!   version: ushort;      // format version, 1
//!   checksum: string;     // "none", "crc16", "crc32", "crc64", "xxh3-64"
//!   root_type: string;    // the messages' root type, e.g. "Event"
//!   fingerprint: ulong;   // FNV-1a 64 of `schema`
//!   schema: string;       // the `.fbs` text of `flatstream::schema::<T>()`
//!   compression: string;  // compressed streams: "none", "lz4", "zstd"
//!   dictionary_id: uint;  // the zstd dictionary's id, when there is one
//!   encryption: string;   // encrypted streams: "xchacha20-poly1305"
//!   key_id: uint;         // which of the caller's keys the stream uses
//!   stream_id: [ubyte];   // 16 random bytes, part of every nonce
//! }
//! root_type StreamHeader;
//! file_identifier "FSHD";
//! ```
//!
//! The schema travels as `.fbs` text rather than as a binary reflection
//! schema: it is what [`check_compatible`](crate::schema::check_compatible)
//! compares, what `flatc` and people read, and what other languages
//! generate code from, with no second format to keep in step.
//!
//! A stream without a header (the plain format) reads exactly as before:
//! a reader only takes the first frame for a header when its checksum
//! matches and its payload is a valid `StreamHeader` with the `FSHD`
//! identifier.

use flatbuffers::{FlatBufferBuilder, Follow, ForwardsUOffset, Table, Verifiable, Verifier};

use crate::error::{Error, Result, SchemaMismatch};
use crate::schema::{check_compatible, Schema};

/// The header's file identifier.
pub const IDENTIFIER: &str = "FSHD";

/// The header format version this library writes and reads.
pub const VERSION: u16 = 1;

/// What a self-describing stream says about itself, from its first frame.
///
/// Read with [`StreamReader::header`](crate::StreamReader::header) (and
/// the same method on every reader); written by
/// [`StreamWriter::with_header`](crate::StreamWriter::with_header) and
/// [`StreamWriter::create`](crate::StreamWriter::create).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamHeader {
    /// The header format version.
    pub version: u16,
    /// The checksum the frames carry: `none`, `crc16`, `crc32`, `crc64` or
    /// `xxh3-64` (or a custom checksum's name).
    pub checksum: String,
    /// The root type of the messages.
    pub root_type: String,
    /// FNV-1a 64 of [`schema`](Self::schema): equal fingerprints, equal
    /// schemas.
    pub fingerprint: u64,
    /// The `.fbs` schema of the messages.
    pub schema: String,
    /// The codec of a compressed or encrypted stream (see
    /// [`layered`](crate::layered)): `none`, `lz4` or `zstd`.
    pub compression: Option<String>,
    /// The id of the zstd dictionary the stream was compressed with.
    pub dictionary_id: Option<u32>,
    /// The cipher of an encrypted stream: `xchacha20-poly1305`.
    pub encryption: Option<String>,
    /// The id of the key an encrypted stream is encrypted with, so that
    /// readers holding several keys pick the right one.
    pub key_id: Option<u32>,
    /// The random id of an encrypted stream, part of every frame's nonce.
    pub stream_id: Option<[u8; 16]>,
}

const VT_VERSION: u16 = 4;
const VT_CHECKSUM: u16 = 6;
const VT_ROOT_TYPE: u16 = 8;
const VT_FINGERPRINT: u16 = 10;
const VT_SCHEMA: u16 = 12;
const VT_COMPRESSION: u16 = 14;
const VT_DICTIONARY_ID: u16 = 16;
const VT_ENCRYPTION: u16 = 18;
const VT_KEY_ID: u16 = 20;
const VT_STREAM_ID: u16 = 22;

impl StreamHeader {
    /// The header of a stream of `T`, framed with `checksum`.
    pub fn of<T: Schema + ?Sized>(checksum: &str) -> Self {
        let (root_type, schema) = crate::schema::root_and_schema::<T>();
        StreamHeader {
            version: VERSION,
            checksum: checksum.to_owned(),
            root_type,
            fingerprint: fingerprint(&schema),
            schema,
            compression: None,
            dictionary_id: None,
            encryption: None,
            key_id: None,
            stream_id: None,
        }
    }

    /// The header as a finished FlatBuffer, the payload of its frame.
    pub fn to_payload(&self) -> Vec<u8> {
        let mut builder = FlatBufferBuilder::with_capacity(64 + self.schema.len());
        let checksum = builder.create_string(&self.checksum);
        let root_type = builder.create_string(&self.root_type);
        let schema = builder.create_string(&self.schema);
        let compression = self
            .compression
            .as_deref()
            .map(|s| builder.create_string(s));
        let encryption = self.encryption.as_deref().map(|s| builder.create_string(s));
        let stream_id = self.stream_id.map(|id| builder.create_vector(&id));
        let table = builder.start_table();
        if let Some(id) = stream_id {
            builder.push_slot_always(VT_STREAM_ID, id);
        }
        if let Some(compression) = compression {
            builder.push_slot_always(VT_COMPRESSION, compression);
        }
        if let Some(encryption) = encryption {
            builder.push_slot_always(VT_ENCRYPTION, encryption);
        }
        if let Some(id) = self.dictionary_id {
            builder.push_slot_always(VT_DICTIONARY_ID, id);
        }
        if let Some(id) = self.key_id {
            builder.push_slot_always(VT_KEY_ID, id);
        }
        builder.push_slot_always(VT_FINGERPRINT, self.fingerprint);
        builder.push_slot_always(VT_CHECKSUM, checksum);
        builder.push_slot_always(VT_ROOT_TYPE, root_type);
        builder.push_slot_always(VT_SCHEMA, schema);
        builder.push_slot_always(VT_VERSION, self.version);
        let root = builder.end_table(table);
        builder.finish(root, Some(IDENTIFIER));
        builder.finished_data().to_vec()
    }

    /// The header in `payload`, or `None` when `payload` is not one (no
    /// `FSHD` identifier, or not a valid header table).
    pub fn from_payload(payload: &[u8]) -> Option<Self> {
        if payload.len() < 8 || !flatbuffers::buffer_has_identifier(payload, IDENTIFIER, false) {
            return None;
        }
        let table = flatbuffers::root::<HeaderTable<'_>>(payload).ok()?;
        let table = table.0;
        // SAFETY: `flatbuffers::root` verified every field read below with
        // the types given here (see `HeaderTable::run_verifier`).
        unsafe {
            Some(StreamHeader {
                version: table.get::<u16>(VT_VERSION, Some(0))?,
                checksum: table
                    .get::<ForwardsUOffset<&str>>(VT_CHECKSUM, None)?
                    .to_owned(),
                root_type: table
                    .get::<ForwardsUOffset<&str>>(VT_ROOT_TYPE, None)?
                    .to_owned(),
                fingerprint: table.get::<u64>(VT_FINGERPRINT, Some(0))?,
                schema: table
                    .get::<ForwardsUOffset<&str>>(VT_SCHEMA, None)?
                    .to_owned(),
                compression: table
                    .get::<ForwardsUOffset<&str>>(VT_COMPRESSION, None)
                    .map(str::to_owned),
                dictionary_id: table.get::<u32>(VT_DICTIONARY_ID, None),
                encryption: table
                    .get::<ForwardsUOffset<&str>>(VT_ENCRYPTION, None)
                    .map(str::to_owned),
                key_id: table.get::<u32>(VT_KEY_ID, None),
                stream_id: match table
                    .get::<ForwardsUOffset<flatbuffers::Vector<'_, u8>>>(VT_STREAM_ID, None)
                {
                    Some(id) => Some(id.bytes().try_into().ok()?),
                    None => None,
                },
            })
        }
    }

    /// Checks that a reader of `T` can read this stream: the same root
    /// type, and a schema `T`'s can read
    /// ([`check_compatible`](crate::schema::check_compatible)).
    ///
    /// # Errors
    ///
    /// [`Error::SchemaMismatch`], naming both root types or listing the
    /// problems.
    pub fn check<T: Schema + ?Sized>(&self) -> Result<()> {
        let (reader_root, reader_schema) = crate::schema::root_and_schema::<T>();
        self.check_reader(reader_root, &reader_schema)
    }

    /// [`check`](Self::check) against a reader's root type name and
    /// schema; not generic, so compiled once rather than once per type.
    fn check_reader(&self, reader_root: String, reader_schema: &str) -> Result<()> {
        if reader_root != self.root_type {
            return Err(self.mismatch(reader_root, Vec::new()));
        }
        if fingerprint(reader_schema) == self.fingerprint && reader_schema == self.schema {
            return Ok(());
        }
        check_compatible(&self.schema, reader_schema)
            .map_err(|problems| self.mismatch(reader_root, problems))
    }

    fn mismatch(&self, reader_root: String, problems: Vec<String>) -> Error {
        Error::SchemaMismatch(Box::new(SchemaMismatch {
            stream_root: self.root_type.clone(),
            reader_root,
            problems,
        }))
    }
}

/// FNV-1a 64 of `schema`: a fingerprint that needs no optional feature.
pub fn fingerprint(schema: &str) -> u64 {
    schema.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The header's root table, for the `flatbuffers` verifier.
struct HeaderTable<'a>(Table<'a>);

impl<'a> Follow<'a> for HeaderTable<'a> {
    type Inner = Self;

    #[inline]
    unsafe fn follow(buf: &'a [u8], loc: usize) -> Self {
        // SAFETY: forwarded: the caller guarantees a table at `loc`.
        HeaderTable(unsafe { Table::new(buf, loc) })
    }
}

impl Verifiable for HeaderTable<'_> {
    fn run_verifier(
        verifier: &mut Verifier<'_, '_>,
        pos: usize,
    ) -> std::result::Result<(), flatbuffers::InvalidFlatbuffer> {
        verifier
            .visit_table(pos)?
            .visit_field::<u16>("version", VT_VERSION, false)?
            .visit_field::<ForwardsUOffset<&str>>("checksum", VT_CHECKSUM, true)?
            .visit_field::<ForwardsUOffset<&str>>("root_type", VT_ROOT_TYPE, true)?
            .visit_field::<u64>("fingerprint", VT_FINGERPRINT, false)?
            .visit_field::<ForwardsUOffset<&str>>("schema", VT_SCHEMA, true)?
            .visit_field::<ForwardsUOffset<&str>>("compression", VT_COMPRESSION, false)?
            .visit_field::<u32>("dictionary_id", VT_DICTIONARY_ID, false)?
            .visit_field::<ForwardsUOffset<&str>>("encryption", VT_ENCRYPTION, false)?
            .visit_field::<u32>("key_id", VT_KEY_ID, false)?
            .visit_field::<ForwardsUOffset<flatbuffers::Vector<'_, u8>>>(
                "stream_id",
                VT_STREAM_ID,
                false,
            )?
            .finish();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> StreamHeader {
        StreamHeader {
            version: VERSION,
            checksum: "crc32".into(),
            root_type: "Event".into(),
            fingerprint: fingerprint("table Event { a: int; }\nroot_type Event;\n"),
            schema: "table Event { a: int; }\nroot_type Event;\n".into(),
            compression: None,
            dictionary_id: None,
            encryption: None,
            key_id: None,
            stream_id: None,
        }
    }

    #[test]
    fn layer_fields_round_trip() {
        let mut header = header();
        header.compression = Some("zstd".into());
        header.dictionary_id = Some(0x1234_5678);
        header.encryption = Some("xchacha20-poly1305".into());
        header.key_id = Some(7);
        header.stream_id = Some([9; 16]);
        assert_eq!(
            StreamHeader::from_payload(&header.to_payload()),
            Some(header)
        );
    }

    #[test]
    fn round_trips() {
        let header = header();
        let payload = header.to_payload();
        assert_eq!(&payload[4..8], IDENTIFIER.as_bytes());
        assert_eq!(StreamHeader::from_payload(&payload), Some(header));
    }

    #[test]
    fn other_payloads_are_not_headers() {
        let mut builder = FlatBufferBuilder::new();
        let text = builder.create_string("FSHD");
        builder.finish(text, None);
        assert_eq!(StreamHeader::from_payload(builder.finished_data()), None);
        assert_eq!(StreamHeader::from_payload(b"\x08\0\0\0FSHD"), None);
        let payload = header().to_payload();
        for len in [8, 12, 20, payload.len() / 2] {
            assert_eq!(StreamHeader::from_payload(&payload[..len]), None, "{len}");
        }
    }

    #[test]
    fn fingerprint_is_fnv1a_64() {
        assert_eq!(fingerprint(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fingerprint("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
