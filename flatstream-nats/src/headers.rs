//! The NATS headers a flatstream message carries: JetStream's
//! `Nats-Msg-Id`, and one `Flatstream` header that states the checksum,
//! the schema fingerprint and the root type, as `xxh3-64
//! 0123456789abcdef Event` (the last two only when the schema is known).

use async_nats::header::{HeaderName, HeaderValue, IntoHeaderName, IntoHeaderValue};
use async_nats::HeaderMap;
use flatstream::schema::Schema;
use flatstream::StreamHeader;

/// JetStream's de-duplication id, `Nats-Msg-Id` (the client matches it
/// by this constant, not by its text).
pub(crate) const MESSAGE_ID: HeaderName = async_nats::header::NATS_MESSAGE_ID;

/// The header every flatstream message carries: the checksum's name, then
/// the schema fingerprint (FNV-1a 64 of the `.fbs` text, 16 lowercase hex
/// digits, as in a stream header) and the root type's name, separated by
/// spaces.
pub const FLATSTREAM_HEADER: &str = "Flatstream";

const FLATSTREAM: HeaderName = HeaderName::from_static(FLATSTREAM_HEADER);

/// The schema fingerprint and root type name of `T`, as a stream header
/// of `T` states them.
pub fn fingerprint_of<T: Schema + ?Sized>() -> (u64, String) {
    let header = StreamHeader::of::<T>("");
    (header.fingerprint, header.root_type)
}

/// The headers every message of one publisher shares, made once.
#[derive(Debug, Clone)]
pub(crate) struct Stamp {
    value: HeaderValue,
}

impl Stamp {
    pub(crate) fn new(checksum: &str, schema: Option<&(u64, String)>) -> Self {
        let text = match schema {
            Some((fingerprint, root)) => format!("{checksum} {fingerprint:016x} {root}"),
            None => checksum.to_owned(),
        };
        Stamp {
            value: text.into_header_value(),
        }
    }

    pub(crate) fn headers(&self, id: &str) -> HeaderMap {
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

/// What a message's `Flatstream` header says.
#[derive(Debug, Default)]
pub(crate) struct Stated<'a> {
    pub(crate) checksum: Option<&'a str>,
    pub(crate) fingerprint: Option<u64>,
}

/// Reads the `Flatstream` header; a malformed fingerprint reads as none.
pub(crate) fn stated(headers: Option<&HeaderMap>) -> Stated<'_> {
    let Some(text) = get(headers, FLATSTREAM) else {
        return Stated::default();
    };
    let mut words = text.split(' ');
    Stated {
        checksum: words.next(),
        fingerprint: words
            .next()
            .filter(|hex| hex.len() == 16)
            .and_then(|hex| u64::from_str_radix(hex, 16).ok()),
    }
}
