//! The NATS headers a flatstream message carries: JetStream's
//! `Nats-Msg-Id`, and one short `Fs` header that states the schema
//! fingerprint and, unless it is XXH3-64, the checksum (see the crate
//! documentation for the format).
//!
//! Every byte of a header travels with every message, is parsed by the
//! server and stored with the message: on ~128-byte messages the 45-byte
//! header of the first format cost about 7% of the publishing rate by
//! itself. The `Fs` header is 22 bytes on the wire for the usual case.
//! Messages that carry the first format's `Flatstream` header instead are
//! still read.

use async_nats::header::{HeaderName, HeaderValue, IntoHeaderName, IntoHeaderValue};
use async_nats::HeaderMap;
use flatstream::checksum::{Checksum, XxHash64};
use flatstream::schema::Schema;
use flatstream::StreamHeader;

/// JetStream's de-duplication id, `Nats-Msg-Id` (the client matches it
/// by this constant, not by its text).
pub(crate) const MESSAGE_ID: HeaderName = async_nats::header::NATS_MESSAGE_ID;

/// The header every flatstream message carries: the schema fingerprint
/// (FNV-1a 64 of the `.fbs` text, as in a stream header) as 16 lowercase
/// hex digits, followed by `;` and the checksum's name unless the
/// checksum is XXH3-64: `Fs: 0123456789abcdef`, `Fs:
/// 0123456789abcdef;crc32`, and `Fs: ;crc32` when the publisher states no
/// schema.
pub const FLATSTREAM_HEADER: &str = "Fs";

/// The header of the first format, still read when a message has no
/// [`FLATSTREAM_HEADER`]: the checksum's name, the fingerprint in hex and
/// the root type's name, separated by spaces (`Flatstream: xxh3-64
/// 0123456789abcdef Event`).
pub const LEGACY_FLATSTREAM_HEADER: &str = "Flatstream";

/// The checksum a `Fs` header leaves unnamed.
const IMPLIED_CHECKSUM: &str = XxHash64::NAME;

const FLATSTREAM: HeaderName = HeaderName::from_static(FLATSTREAM_HEADER);
const LEGACY_FLATSTREAM: HeaderName = HeaderName::from_static(LEGACY_FLATSTREAM_HEADER);

/// The schema fingerprint and root type name of `T`, as a stream header
/// of `T` states them.
pub fn fingerprint_of<T: Schema + ?Sized>() -> (u64, String) {
    let header = StreamHeader::of::<T>("");
    (header.fingerprint, header.root_type)
}

/// The `Fs` header value every message of one publisher shares, made
/// once.
#[derive(Debug, Clone)]
pub(crate) struct Stamp {
    value: HeaderValue,
}

impl Stamp {
    pub(crate) fn new(checksum: &str, fingerprint: Option<u64>) -> Self {
        let text = match fingerprint {
            Some(fingerprint) if checksum == IMPLIED_CHECKSUM => format!("{fingerprint:016x}"),
            Some(fingerprint) => format!("{fingerprint:016x};{checksum}"),
            None => format!(";{checksum}"),
        };
        Stamp {
            value: text.into_header_value(),
        }
    }

    /// The headers of one message: its id and the shared `Fs` value.
    pub(crate) fn headers(&self, id: String) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(MESSAGE_ID, id);
        headers.insert(FLATSTREAM, self.value.clone());
        headers
    }
}

/// The value of header `name`, when present.
pub(crate) fn get(headers: Option<&HeaderMap>, name: impl IntoHeaderName) -> Option<&str> {
    headers?.get(name).map(|value| value.as_str())
}

/// What a message's `Fs` (or legacy `Flatstream`) header says.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Stated<'a> {
    pub(crate) checksum: Option<&'a str>,
    pub(crate) fingerprint: Option<u64>,
}

/// Reads the `Fs` header, or else the legacy `Flatstream` header; a
/// malformed fingerprint reads as none (which a consumer expecting a
/// schema rejects).
pub(crate) fn stated(headers: Option<&HeaderMap>) -> Stated<'_> {
    if let Some(text) = get(headers, FLATSTREAM) {
        return parse(text);
    }
    match get(headers, LEGACY_FLATSTREAM) {
        Some(text) => parse_legacy(text),
        None => Stated::default(),
    }
}

fn fingerprint(hex: &str) -> Option<u64> {
    if hex.len() == 16 && hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        u64::from_str_radix(hex, 16).ok()
    } else {
        None
    }
}

/// `FINGERPRINT[;CHECKSUM]`, the checksum XXH3-64 when unnamed.
fn parse(text: &str) -> Stated<'_> {
    let (hex, checksum) = text.split_once(';').unwrap_or((text, IMPLIED_CHECKSUM));
    Stated {
        checksum: Some(checksum),
        fingerprint: fingerprint(hex),
    }
}

/// `CHECKSUM [FINGERPRINT [ROOT]]`, space-separated.
fn parse_legacy(text: &str) -> Stated<'_> {
    let mut words = text.split(' ');
    Stated {
        checksum: words.next(),
        fingerprint: words.next().and_then(fingerprint),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers_of(name: &str, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, value);
        headers
    }

    fn stamped(checksum: &str, fingerprint: Option<u64>) -> String {
        let headers = Stamp::new(checksum, fingerprint).headers("id-0".to_owned());
        assert_eq!(get(Some(&headers), MESSAGE_ID), Some("id-0"));
        get(Some(&headers), FLATSTREAM_HEADER).unwrap().to_owned()
    }

    #[test]
    fn the_stamp_is_written_as_documented() {
        assert_eq!(
            stamped("xxh3-64", Some(0x0123_4567_89ab_cdef)),
            "0123456789abcdef"
        );
        assert_eq!(stamped("crc32", Some(0xfe)), "00000000000000fe;crc32");
        assert_eq!(stamped("crc32", None), ";crc32");
        assert_eq!(stamped("xxh3-64", None), ";xxh3-64");
    }

    #[test]
    fn stamps_read_back() {
        for (checksum, fingerprint) in [
            ("xxh3-64", Some(u64::MAX)),
            ("xxh3-64", Some(0)),
            ("crc16", Some(0x1234)),
            ("none", None),
            ("xxh3-64", None),
        ] {
            let headers = Stamp::new(checksum, fingerprint).headers("x".to_owned());
            assert_eq!(
                stated(Some(&headers)),
                Stated {
                    checksum: Some(checksum),
                    fingerprint
                }
            );
        }
    }

    #[test]
    fn the_legacy_header_is_read() {
        let headers = headers_of("Flatstream", "crc32 0123456789abcdef Event");
        assert_eq!(
            stated(Some(&headers)),
            Stated {
                checksum: Some("crc32"),
                fingerprint: Some(0x0123_4567_89ab_cdef)
            }
        );
        let headers = headers_of("Flatstream", "xxh3-64");
        assert_eq!(
            stated(Some(&headers)),
            Stated {
                checksum: Some("xxh3-64"),
                fingerprint: None
            }
        );
    }

    #[test]
    fn malformed_fingerprints_read_as_none() {
        for value in [
            "",
            "0123",
            "0123456789abcdeg",
            "+123456789abcdef",
            "0123456789abcdef0",
        ] {
            let headers = headers_of("Fs", value);
            assert_eq!(stated(Some(&headers)).fingerprint, None, "{value:?}");
            assert_eq!(stated(Some(&headers)).checksum, Some("xxh3-64"));
        }
        assert_eq!(stated(None), Stated::default());
        assert_eq!(stated(Some(&headers_of("Other", "x"))), Stated::default());
    }
}
