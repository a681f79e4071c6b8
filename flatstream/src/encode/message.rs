//! What the writers serialize each message with: the [`Encoder`] or,
//! for a caller's own `FlatBufferBuilder`, that builder, and the room in
//! front of the payload for the frame header.

use flatbuffers::FlatBufferBuilder;

use super::{Builder, Encoder, Offset};
use crate::error::Result;

/// What the writers serialize each message with: derived types go through
/// the [`Encoder`], other [`StreamSerialize`](crate::StreamSerialize)
/// implementations through the `FlatBufferBuilder`.
///
/// A writer made with a builder of the caller's (`with_builder`) sends
/// every message through it, so settings such as `force_defaults` apply.
pub struct MessageBuilder {
    builder: FlatBufferBuilder<'static>,
    encoder: Encoder,
    route: Route,
}

/// Which of a [`MessageBuilder`]'s two builders serializes what, and where
/// the last message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    /// Derived types go through the encoder; the last message is there.
    Encoder,
    /// Derived types go through the encoder; the last message was written
    /// by a hand-written implementation into the builder.
    Builder,
    /// Every message goes through the builder (a writer made with one).
    BuilderOnly,
}

impl core::fmt::Debug for MessageBuilder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MessageBuilder")
            .field("encoder", &self.encoder)
            .field("route", &self.route)
            .finish_non_exhaustive()
    }
}

impl Default for MessageBuilder {
    fn default() -> Self {
        Self {
            builder: FlatBufferBuilder::new(),
            encoder: Encoder::new(),
            route: Route::Encoder,
        }
    }
}

impl MessageBuilder {
    /// Serializes every message through `builder`.
    pub fn with_builder(builder: FlatBufferBuilder<'static>) -> Self {
        Self {
            builder,
            encoder: Encoder::new(),
            route: Route::BuilderOnly,
        }
    }

    /// Resets the `FlatBufferBuilder` and hands it out.
    #[inline]
    pub fn builder(&mut self) -> &mut FlatBufferBuilder<'static> {
        self.builder.reset();
        if self.route == Route::Encoder {
            self.route = Route::Builder;
        }
        &mut self.builder
    }

    /// The last message built.
    ///
    /// # Panics
    ///
    /// If no message was finished since the last reset.
    #[inline]
    pub(crate) fn finished(&self) -> &[u8] {
        match self.route {
            Route::Encoder => self.encoder.finished_data(),
            Route::Builder | Route::BuilderOnly => self.builder.finished_data(),
        }
    }

    /// Writes `header` in front of the last message and returns both,
    /// contiguous, when the message is in the encoder (which keeps room in
    /// front of it); otherwise returns the message, unchanged, as the
    /// error.
    #[inline]
    pub(crate) fn prepend(&mut self, header: &[u8]) -> core::result::Result<&[u8], &[u8]> {
        match self.route {
            Route::Encoder => Ok(self.encoder.prepend(header)),
            Route::Builder | Route::BuilderOnly => Err(self.builder.finished_data()),
        }
    }

    /// Writes `root` with the encoder (or the builder, for a writer made
    /// with one) and returns the finished buffer.
    #[inline]
    pub fn encode<R: WriteRoot + ?Sized>(
        &mut self,
        root: &R,
        identifier: Option<&'static str>,
    ) -> &[u8] {
        if self.route == Route::BuilderOnly {
            let builder = self.builder();
            let offset = root.write_root(builder);
            Builder::finish(builder, offset, identifier);
            builder.finished_data()
        } else {
            self.route = Route::Encoder;
            let encoder = &mut self.encoder;
            encoder.reset();
            let offset = root.write_root(encoder);
            encoder.finish(offset, identifier);
            encoder.finished_data()
        }
    }
}

/// [`StreamSerialize::serialize`](crate::StreamSerialize::serialize) for
/// what the writers encode: writes `message` into `builder` and finishes
/// it, writing `identifier` when there is one.
#[inline]
pub fn serialize_message<R: WriteRoot + ?Sized>(
    message: &R,
    builder: &mut FlatBufferBuilder<'_>,
    identifier: Option<&'static str>,
) -> Result<()> {
    let root = message.write_root(builder);
    Builder::finish(builder, root, identifier);
    Ok(())
}

/// Something a whole message can be built from: writes it and returns the
/// offset of the root.
pub trait WriteRoot {
    /// Writes `self`; the caller finishes the buffer with the offset.
    fn write_root<B: Builder>(&self, builder: &mut B) -> Offset;
}

impl WriteRoot for str {
    #[inline]
    fn write_root<B: Builder>(&self, builder: &mut B) -> Offset {
        builder.create_string(self)
    }
}
