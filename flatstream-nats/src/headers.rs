//! The NATS headers a flatstream message carries.

use async_nats::header::{HeaderName, IntoHeaderName};
use async_nats::HeaderMap;
use flatstream::schema::Schema;
use flatstream::StreamHeader;

/// JetStream's de-duplication id, `Nats-Msg-Id` (the client matches it
/// by this constant, not by its text).
pub(crate) const MESSAGE_ID: HeaderName = async_nats::header::NATS_MESSAGE_ID;
/// The header holding the schema fingerprint, 16 lowercase hex digits.
pub const SCHEMA_HEADER: &str = "Flatstream-Schema";
/// The header holding the root type's name.
pub const ROOT_HEADER: &str = "Flatstream-Root";
/// The header holding the checksum's name.
pub const CHECKSUM_HEADER: &str = "Flatstream-Checksum";

/// The schema fingerprint and root type name of `T`, as a stream header
/// of `T` states them.
pub fn fingerprint_of<T: Schema + ?Sized>() -> (u64, String) {
    let header = StreamHeader::of::<T>("");
    (header.fingerprint, header.root_type)
}

/// The headers every message of one publisher shares.
#[derive(Debug, Clone)]
pub(crate) struct Stamp {
    pub(crate) checksum: &'static str,
    pub(crate) schema: Option<(u64, String)>,
}

impl Stamp {
    pub(crate) fn headers(&self, id: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(MESSAGE_ID, id);
        headers.insert(CHECKSUM_HEADER, self.checksum);
        if let Some((fingerprint, root)) = &self.schema {
            headers.insert(SCHEMA_HEADER, format!("{fingerprint:016x}").as_str());
            headers.insert(ROOT_HEADER, root.as_str());
        }
        headers
    }
}

/// The value of header `name`, when present.
pub(crate) fn get(headers: Option<&HeaderMap>, name: impl IntoHeaderName) -> Option<&str> {
    headers?.get(name).map(|value| value.as_str())
}

/// The fingerprint in `headers`, when present and well formed.
pub(crate) fn fingerprint(headers: Option<&HeaderMap>) -> Option<u64> {
    let text = get(headers, SCHEMA_HEADER)?;
    if text.len() != 16 {
        return None;
    }
    u64::from_str_radix(text, 16).ok()
}
