//! The NATS header a flatstream message carries: JetStream's
//! `Nats-Msg-Id`, which holds the message id and, after a `~`, the stamp:
//! the schema fingerprint and, unless it is XXH3-64, the checksum (see the
//! crate documentation for the format).
//!
//! Every header costs every message: its bytes travel, are parsed by the
//! server and stored with the message, and `async-nats` parses each header
//! of each message it receives into a map of its own. A second header for
//! the stamp (`Fs: 0123456789abcdef`, the second format) cost consumers of
//! ~128-byte messages about 10% of their rate; the stamp in the id costs
//! its 17 bytes. Messages stamped in an `Fs` header, or in the first
//! format's `Flatstream` header, are still read.

use async_nats::header::{HeaderName, HeaderValue, IntoHeaderName, IntoHeaderValue};
use async_nats::HeaderMap;
use flatstream::checksum::{Checksum, XxHash64};
use flatstream::schema::Schema;
use flatstream::StreamHeader;

/// JetStream's de-duplication id, `Nats-Msg-Id` (the client matches it
/// by this constant, not by its text).
pub(crate) const MESSAGE_ID: HeaderName = async_nats::header::NATS_MESSAGE_ID;

/// What separates a message's id from its stamp in `Nats-Msg-Id`:
/// `ID~STAMP`. The stamp is the schema fingerprint (FNV-1a 64 of the
/// `.fbs` text, as in a stream header) as 16 lowercase hex digits,
/// followed by `;` and the checksum's name unless the checksum is
/// XXH3-64: `events-7~0123456789abcdef`, `events-7~0123456789abcdef;crc32`,
/// and `events-7~;crc32` when the publisher states no schema.
pub const STAMP_SEPARATOR: char = '~';

/// The header of the second format, which held the stamp on its own
/// (`Fs: 0123456789abcdef`): still read when a message's id holds no
/// stamp, and set on dead-letter copies, whose id is their own.
pub const FLATSTREAM_HEADER: &str = "Fs";

/// The header of the first format, still read when a message has neither
/// a stamped id nor a [`FLATSTREAM_HEADER`]: the checksum's name, the fingerprint in hex and
/// the root type's name, separated by spaces (`Flatstream: xxh3-64
/// 0123456789abcdef Event`).
pub const LEGACY_FLATSTREAM_HEADER: &str = "Flatstream";

/// The checksum a stamp leaves unnamed.
const IMPLIED_CHECKSUM: &str = XxHash64::NAME;

const FLATSTREAM: HeaderName = HeaderName::from_static(FLATSTREAM_HEADER);
const LEGACY_FLATSTREAM: HeaderName = HeaderName::from_static(LEGACY_FLATSTREAM_HEADER);

/// The schema fingerprint and root type name of `T`, as a stream header
/// of `T` states them.
pub fn fingerprint_of<T: Schema + ?Sized>() -> (u64, String) {
    let header = StreamHeader::of::<T>("");
    (header.fingerprint, header.root_type)
}

/// The stamp every message of one publisher shares, made once.
#[derive(Debug, Clone)]
pub(crate) struct Stamp {
    text: String,
}

impl Stamp {
    pub(crate) fn new(checksum: &str, fingerprint: Option<u64>) -> Self {
        let text = match fingerprint {
            Some(fingerprint) if checksum == IMPLIED_CHECKSUM => format!("{fingerprint:016x}"),
            Some(fingerprint) => format!("{fingerprint:016x};{checksum}"),
            None => format!(";{checksum}"),
        };
        Stamp { text }
    }

    /// The headers of one message: `Nats-Msg-Id: ID~STAMP`, where `id`
    /// writes `ID` into the one string the header takes as it is.
    pub(crate) fn headers(&self, id_len: usize, id: impl FnOnce(&mut String)) -> HeaderMap {
        let mut text = String::with_capacity(id_len + 1 + self.text.len());
        id(&mut text);
        text.push(STAMP_SEPARATOR);
        text.push_str(&self.text);
        let mut headers = HeaderMap::new();
        headers.insert(MESSAGE_ID, text);
        headers
    }

    /// The stamp as an `Fs` header value, for a copy whose id is not the
    /// publisher's.
    pub(crate) fn header_value(stated: &Stated<'_>) -> Option<HeaderValue> {
        let checksum = stated.checksum?;
        Some(
            Stamp::new(checksum, stated.fingerprint)
                .text
                .into_header_value(),
        )
    }
}

/// The value of header `name`, when present.
pub(crate) fn get(headers: Option<&HeaderMap>, name: impl IntoHeaderName) -> Option<&str> {
    headers?.get(name).map(|value| value.as_str())
}

/// What a message's stamp says.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Stated<'a> {
    pub(crate) checksum: Option<&'a str>,
    pub(crate) fingerprint: Option<u64>,
}

/// A message's id and stamp, read from its headers.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Stamped<'a> {
    /// The id the publisher gave, without the stamp.
    pub(crate) id: Option<&'a str>,
    pub(crate) stated: Stated<'a>,
}

/// Reads the id and the stamp: the stamp after the id's last `~` when it
/// reads as one, or else the `Fs` header, or else the legacy `Flatstream`
/// header. A stamp with a malformed fingerprint in a header reads as no
/// fingerprint (which a consumer expecting a schema rejects).
pub(crate) fn stamped(headers: Option<&HeaderMap>) -> Stamped<'_> {
    let full = get(headers, MESSAGE_ID);
    if let Some((id, stamp)) = full.and_then(|full| full.rsplit_once(STAMP_SEPARATOR)) {
        if let Some(stated) = parse_strict(stamp) {
            return Stamped {
                id: Some(id),
                stated,
            };
        }
    }
    let stated = if let Some(text) = get(headers, FLATSTREAM) {
        parse(text)
    } else {
        match get(headers, LEGACY_FLATSTREAM) {
            Some(text) => parse_legacy(text),
            None => Stated::default(),
        }
    };
    Stamped { id: full, stated }
}

/// A stamp in an id, only when it is one to the letter (an id of another
/// publisher may hold a `~`): a well-formed fingerprint, a checksum name,
/// or both.
fn parse_strict(text: &str) -> Option<Stated<'_>> {
    let (hex, checksum) = match text.split_once(';') {
        Some((hex, name)) => (hex, checksum_name(name)?),
        None => (text, IMPLIED_CHECKSUM),
    };
    // `;NAME`: a publisher that states no schema.
    let fingerprint = if text.starts_with(';') {
        None
    } else {
        Some(fingerprint(hex)?)
    };
    Some(Stated {
        checksum: Some(checksum),
        fingerprint,
    })
}

/// `name`, when it reads as a checksum's name.
fn checksum_name(name: &str) -> Option<&str> {
    let valid = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_';
    (!name.is_empty() && name.bytes().all(valid)).then_some(name)
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

    fn headers_of(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            // Parsed as a received message's headers are, so that
            // `Nats-Msg-Id` is the client's standard name.
            let name: HeaderName = name.parse().unwrap();
            headers.insert(name, *value);
        }
        headers
    }

    fn stamp(checksum: &str, fingerprint: Option<u64>) -> HeaderMap {
        Stamp::new(checksum, fingerprint).headers(4, |id| id.push_str("id-0"))
    }

    #[test]
    fn the_stamp_is_written_as_documented() {
        let written = |checksum, fingerprint| {
            let headers = stamp(checksum, fingerprint);
            assert_eq!(headers.iter().count(), 1, "one header only");
            get(Some(&headers), MESSAGE_ID).unwrap().to_owned()
        };
        assert_eq!(
            written("xxh3-64", Some(0x0123_4567_89ab_cdef)),
            "id-0~0123456789abcdef"
        );
        assert_eq!(written("crc32", Some(0xfe)), "id-0~00000000000000fe;crc32");
        assert_eq!(written("crc32", None), "id-0~;crc32");
        assert_eq!(written("xxh3-64", None), "id-0~;xxh3-64");
    }

    #[test]
    fn stamps_read_back_with_the_id_apart() {
        for (checksum, fingerprint) in [
            ("xxh3-64", Some(u64::MAX)),
            ("xxh3-64", Some(0)),
            ("crc16", Some(0x1234)),
            ("none", None),
            ("xxh3-64", None),
        ] {
            let headers = stamp(checksum, fingerprint);
            assert_eq!(
                stamped(Some(&headers)),
                Stamped {
                    id: Some("id-0"),
                    stated: Stated {
                        checksum: Some(checksum),
                        fingerprint
                    }
                }
            );
        }
        // The stamp is after the last `~`: ids may hold their own.
        let headers = Stamp::new("xxh3-64", Some(7)).headers(3, |id| id.push_str("a~b"));
        let read = stamped(Some(&headers));
        assert_eq!(read.id, Some("a~b"));
        assert_eq!(read.stated.fingerprint, Some(7));
    }

    #[test]
    fn ids_that_hold_no_stamp_are_ids_as_they_are() {
        for id in [
            "plain",
            "a~",
            "a~0123",
            "a~0123456789abcdeg",
            "a~0123456789abcdef0",
            "a~0123456789abcdef;",
            "a~0123456789abcdef;x y",
            "a~;",
            "~",
        ] {
            let headers = headers_of(&[("Nats-Msg-Id", id)]);
            assert_eq!(
                stamped(Some(&headers)),
                Stamped {
                    id: Some(id),
                    stated: Stated::default()
                },
                "{id:?}"
            );
        }
    }

    #[test]
    fn the_fs_header_is_read_when_the_id_holds_no_stamp() {
        for (value, checksum, fingerprint) in [
            ("0123456789abcdef", "xxh3-64", Some(0x0123_4567_89ab_cdef)),
            ("00000000000000fe;crc32", "crc32", Some(0xfe)),
            (";crc32", "crc32", None),
        ] {
            let headers = headers_of(&[("Nats-Msg-Id", "x-1"), ("Fs", value)]);
            assert_eq!(
                stamped(Some(&headers)),
                Stamped {
                    id: Some("x-1"),
                    stated: Stated {
                        checksum: Some(checksum),
                        fingerprint
                    }
                }
            );
        }
        // A stamped id wins over the header.
        let headers = headers_of(&[("Nats-Msg-Id", "x~0000000000000001"), ("Fs", ";crc32")]);
        let read = stamped(Some(&headers));
        assert_eq!(read.stated.checksum, Some("xxh3-64"));
        assert_eq!(read.stated.fingerprint, Some(1));
    }

    #[test]
    fn the_legacy_header_is_read() {
        let headers = headers_of(&[("Flatstream", "crc32 0123456789abcdef Event")]);
        assert_eq!(
            stamped(Some(&headers)).stated,
            Stated {
                checksum: Some("crc32"),
                fingerprint: Some(0x0123_4567_89ab_cdef)
            }
        );
        let headers = headers_of(&[("Flatstream", "xxh3-64")]);
        assert_eq!(
            stamped(Some(&headers)).stated,
            Stated {
                checksum: Some("xxh3-64"),
                fingerprint: None
            }
        );
    }

    #[test]
    fn malformed_fingerprints_in_a_header_read_as_none() {
        for value in [
            "",
            "0123",
            "0123456789abcdeg",
            "+123456789abcdef",
            "0123456789abcdef0",
        ] {
            let headers = headers_of(&[("Fs", value)]);
            assert_eq!(
                stamped(Some(&headers)).stated.fingerprint,
                None,
                "{value:?}"
            );
            assert_eq!(stamped(Some(&headers)).stated.checksum, Some("xxh3-64"));
        }
        assert_eq!(stamped(None), Stamped::default());
        assert_eq!(
            stamped(Some(&headers_of(&[("Other", "x")]))),
            Stamped::default()
        );
    }

    #[test]
    fn a_dead_letter_copy_keeps_the_stamp_in_a_header() {
        let headers = stamp("crc32", Some(0xab));
        let value = Stamp::header_value(&stamped(Some(&headers)).stated).unwrap();
        assert_eq!(value.as_str(), "00000000000000ab;crc32");
        assert!(Stamp::header_value(&Stated::default()).is_none());
    }
}
