//! The two traits a message type implements: how to build it, how to view it.
//!
//! `#[derive(StreamSerialize)]` implements both. They are implemented here
//! for strings — a stream of `String`s is a stream of FlatBuffers whose root
//! is a string — which doubles as the canonical example for hand-written or
//! `flatc`-generated types.

use flatbuffers::{FlatBufferBuilder, VerifierOptions};

use crate::encode::{serialize_message, MessageBuilder};
use crate::error::Result;
use crate::private::root::{string_root, string_root_unchecked};

/// A type that can be written as one FlatBuffers message.
///
/// # Examples
///
/// A hand-written implementation builds the buffer and finishes it:
///
/// ```
/// use flatstream::{flatbuffers::FlatBufferBuilder, Result, StreamSerialize};
///
/// struct Ping;
///
/// impl StreamSerialize for Ping {
///     fn serialize(&self, builder: &mut FlatBufferBuilder<'_>) -> Result<()> {
///         let text = builder.create_string("ping");
///         builder.finish_minimal(text);
///         Ok(())
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be written to a flatstream stream",
    label = "`{Self}` does not implement `StreamSerialize`",
    note = "add `#[derive(flatstream::StreamSerialize)]` to the type, or implement the trait by hand"
)]
pub trait StreamSerialize {
    /// Serializes `self` as the root of `builder` and finishes it.
    ///
    /// The builder arrives reset. An implementation must call one of the
    /// builder's `finish` methods exactly once (the `flatbuffers` crate
    /// asserts this in debug builds).
    ///
    /// # Errors
    ///
    /// Whatever the implementation reports; the derive never fails.
    fn serialize(&self, builder: &mut FlatBufferBuilder<'_>) -> Result<()>;

    /// Serializes `self` for a writer and returns the finished buffer.
    ///
    /// Derived types write through flatstream's own encoder, which lays out
    /// the same bytes as [`serialize`](Self::serialize) does, faster; other
    /// implementations need not override it.
    #[doc(hidden)]
    #[inline]
    fn __serialize_message<'b>(&self, out: &'b mut MessageBuilder) -> Result<&'b [u8]> {
        let builder = out.builder();
        self.serialize(builder)?;
        Ok(builder.finished_data())
    }
}

/// A type whose messages can be read back as zero-copy views.
///
/// # Examples
///
/// ```
/// use flatstream::StreamDeserialize;
///
/// let mut builder = flatstream::flatbuffers::FlatBufferBuilder::new();
/// let text = builder.create_string("hello");
/// builder.finish_minimal(text);
/// let view: &str = String::view(builder.finished_data()).unwrap();
/// assert_eq!(view, "hello");
///
/// // Bytes that are not a string buffer are refused, never misread.
/// assert!(String::view(&[0xff, 0xff, 0xff, 0x7f]).is_err());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a flatstream stream",
    label = "`{Self}` does not implement `StreamDeserialize`",
    note = "add `#[derive(flatstream::StreamSerialize)]` to the type, or implement the trait by hand"
)]
pub trait StreamDeserialize {
    /// The zero-copy view of one message, borrowing the payload.
    type View<'a>: Copy;

    /// Verifies `payload` and returns its root view.
    ///
    /// # Errors
    ///
    /// [`Error::Verification`](crate::Error::Verification) (for derived
    /// types and `String`) when `payload` is not a valid buffer of this
    /// type, with the rule it breaks, the byte offset and the field path.
    fn view(payload: &[u8]) -> Result<Self::View<'_>>;

    /// Verifies `payload` under `options` (depth, table count and size
    /// limits) and returns its root view.
    ///
    /// The provided implementation ignores `options` and calls
    /// [`view`](Self::view); the derive and the built-in implementations
    /// honour them.
    ///
    /// # Errors
    ///
    /// As [`view`](Self::view), and when a limit is exceeded.
    fn view_with_options<'a>(
        payload: &'a [u8],
        options: &VerifierOptions,
    ) -> Result<Self::View<'a>> {
        let _ = options;
        Self::view(payload)
    }

    /// Verifies `payload` under `options` and decodes it into an owned
    /// value.
    ///
    /// The provided implementation verifies, then converts the view; the
    /// derive checks and decodes in one pass, with the same checks. The
    /// owned-decoding iterator of [`StreamReader`](crate::StreamReader)
    /// calls it.
    ///
    /// # Errors
    ///
    /// As [`view_with_options`](Self::view_with_options).
    fn decode_with_options(payload: &[u8], options: &VerifierOptions) -> Result<Self>
    where
        Self: DecodeOwned,
    {
        Self::view_with_options(payload, options).map(Self::from_view)
    }

    /// Checks a stream's [`StreamHeader`](crate::StreamHeader) against
    /// this type: the readers call it when a stream starts with one.
    ///
    /// The provided implementation accepts every header; the derive checks
    /// the root type and the schema
    /// ([`StreamHeader::check`](crate::StreamHeader::check)).
    ///
    /// # Errors
    ///
    /// [`Error::SchemaMismatch`](crate::Error::SchemaMismatch) when a
    /// reader of this type cannot read the stream.
    fn check_header(header: &crate::StreamHeader) -> Result<()> {
        let _ = header;
        Ok(())
    }

    /// Returns the root view of `payload` without verifying it.
    ///
    /// The readers call it on payloads that
    /// [`view_with_options`](Self::view_with_options) accepted, to hand out
    /// the view without verifying twice. An implementation must therefore
    /// be sound for every payload that `view` or `view_with_options` (under
    /// any options) accepts: if its `view` accepts less strictly than its
    /// `view_unchecked` reads, the `unsafe` code inside `view_unchecked` is
    /// at fault. An implementation without `unsafe` code is always sound.
    ///
    /// # Safety
    ///
    /// `payload` must be a valid buffer of this type, for instance one that
    /// [`view`](Self::view) or [`view_with_options`](Self::view_with_options)
    /// has accepted before. Anything else is undefined behaviour.
    unsafe fn view_unchecked(payload: &[u8]) -> Self::View<'_>;
}

/// A [`StreamDeserialize`] type that can be decoded into an owned value.
///
/// Implemented for every type that converts from its own view, which the
/// derive provides. The owned-decoding iterator of
/// [`StreamReader`](crate::StreamReader) requires it.
pub trait DecodeOwned: StreamDeserialize + Sized {
    /// Converts a view into an owned value.
    fn from_view(view: Self::View<'_>) -> Self;
}

impl<T> DecodeOwned for T
where
    T: StreamDeserialize,
    for<'a> T: From<T::View<'a>>,
{
    #[inline]
    fn from_view(view: Self::View<'_>) -> Self {
        T::from(view)
    }
}

impl StreamSerialize for str {
    fn serialize(&self, builder: &mut FlatBufferBuilder<'_>) -> Result<()> {
        serialize_message(self, builder, None)
    }

    #[inline]
    fn __serialize_message<'b>(&self, out: &'b mut MessageBuilder) -> Result<&'b [u8]> {
        Ok(out.encode(self, None))
    }
}

impl StreamSerialize for String {
    fn serialize(&self, builder: &mut FlatBufferBuilder<'_>) -> Result<()> {
        self.as_str().serialize(builder)
    }

    #[inline]
    fn __serialize_message<'b>(&self, out: &'b mut MessageBuilder) -> Result<&'b [u8]> {
        self.as_str().__serialize_message(out)
    }
}

impl<T: StreamSerialize + ?Sized> StreamSerialize for &T {
    fn serialize(&self, builder: &mut FlatBufferBuilder<'_>) -> Result<()> {
        (**self).serialize(builder)
    }

    #[inline]
    fn __serialize_message<'b>(&self, out: &'b mut MessageBuilder) -> Result<&'b [u8]> {
        (**self).__serialize_message(out)
    }
}

impl<T: StreamSerialize + ?Sized> StreamSerialize for Box<T> {
    fn serialize(&self, builder: &mut FlatBufferBuilder<'_>) -> Result<()> {
        (**self).serialize(builder)
    }

    #[inline]
    fn __serialize_message<'b>(&self, out: &'b mut MessageBuilder) -> Result<&'b [u8]> {
        (**self).__serialize_message(out)
    }
}

impl StreamDeserialize for String {
    type View<'a> = &'a str;

    fn view(payload: &[u8]) -> Result<&str> {
        Self::view_with_options(payload, &VerifierOptions::default())
    }

    fn view_with_options<'a>(payload: &'a [u8], options: &VerifierOptions) -> Result<&'a str> {
        string_root(payload, options)
    }

    unsafe fn view_unchecked(payload: &[u8]) -> &str {
        // SAFETY: the caller guarantees `payload` is a valid string buffer:
        // a root offset to a length-prefixed UTF-8 string in bounds.
        unsafe { string_root_unchecked(payload) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serialize<T: StreamSerialize + ?Sized>(value: &T) -> Vec<u8> {
        let mut builder = FlatBufferBuilder::new();
        value.serialize(&mut builder).unwrap();
        builder.finished_data().to_vec()
    }

    #[test]
    fn str_and_string_write_the_same_bytes() {
        assert_eq!(serialize("héllo"), serialize(&String::from("héllo")));
        assert_eq!(serialize(&"x"), serialize("x"));
    }

    #[test]
    fn string_view_round_trips() {
        for text in ["", "a", "héllo wörld", &"z".repeat(5000)] {
            let bytes = serialize(text);
            assert_eq!(String::view(&bytes).unwrap(), text);
            // SAFETY: `bytes` was just verified above.
            assert_eq!(unsafe { String::view_unchecked(&bytes) }, text);
            assert_eq!(String::from_view(String::view(&bytes).unwrap()), text);
        }
    }

    #[test]
    fn string_view_rejects_bad_utf8() {
        let mut bytes = serialize("abc");
        let at = bytes.len() - 2; // last character before the terminator
        bytes[at] = 0xff;
        let Err(crate::Error::Verification(err)) = String::view(&bytes) else {
            panic!("bad UTF-8 accepted");
        };
        assert_eq!(err.kind(), &crate::VerifyErrorKind::NotUtf8);
        assert_eq!(err.path(), "string");
        assert_eq!(err.offset(), 4);
    }

    #[test]
    fn string_view_honours_verifier_options() {
        let bytes = serialize("abcdef");
        let tight = VerifierOptions {
            max_apparent_size: 4,
            ..VerifierOptions::default()
        };
        assert!(String::view_with_options(&bytes, &VerifierOptions::default()).is_ok());
        assert!(String::view_with_options(&bytes, &tight).is_err());
    }

    #[test]
    fn string_view_rejects_offset_out_of_bounds() {
        let mut bytes = serialize("abc");
        bytes[0] = 200;
        let Err(crate::Error::Verification(err)) = String::view(&bytes) else {
            panic!("offset out of bounds accepted");
        };
        assert_eq!(
            err.to_string(),
            format!(
                "string: string length at byte 200 (4 bytes) ends past the end of the {}-byte buffer",
                bytes.len()
            )
        );
        assert!(String::view(&[1, 0]).is_err());
        assert!(String::view(&[]).is_err());
    }
}
