//! What the writers serialize each message with: the [`Encoder`] for
//! derived types (set as a caller's own `FlatBufferBuilder` is, for a
//! writer made with one), that builder for hand-written implementations,
//! and the room in front of the payload for the frame header.

use flatbuffers::{FlatBufferBuilder, VerifierOptions};

use super::{Builder, Encoder, Offset};
use crate::error::Result;
use crate::verify::Checker;

/// What the writers serialize each message with: derived types go through
/// the [`Encoder`], other [`StreamSerialize`](crate::StreamSerialize)
/// implementations through the `FlatBufferBuilder`.
///
/// A writer made with a builder of the caller's (`with_builder`) hands that
/// builder to hand-written implementations and sets the encoder as the
/// builder is set (`force_defaults`), so that derived types are laid out as
/// the builder would lay them out. (Derived types are never built through
/// the `FlatBufferBuilder` here: each type's builder code is then compiled
/// once, for the encoder, in every program that writes it.)
pub struct MessageBuilder {
    builder: FlatBufferBuilder<'static>,
    encoder: Encoder,
    /// Where the last message is: `false` in the encoder, `true` in the
    /// builder (written by a hand-written implementation).
    in_builder: bool,
}

impl core::fmt::Debug for MessageBuilder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MessageBuilder")
            .field("encoder", &self.encoder)
            .field("in_builder", &self.in_builder)
            .finish_non_exhaustive()
    }
}

impl Default for MessageBuilder {
    fn default() -> Self {
        Self {
            builder: FlatBufferBuilder::new(),
            encoder: Encoder::new(),
            in_builder: false,
        }
    }
}

impl MessageBuilder {
    /// Hands `builder` to hand-written implementations and encodes derived
    /// types as `builder` would lay them out.
    pub fn with_builder(mut builder: FlatBufferBuilder<'static>) -> Self {
        let mut encoder = Encoder::new();
        encoder.force_defaults(forces_defaults(&mut builder));
        Self {
            builder,
            encoder,
            in_builder: false,
        }
    }

    /// Resets the `FlatBufferBuilder` and hands it out.
    #[inline]
    pub fn builder(&mut self) -> &mut FlatBufferBuilder<'static> {
        self.builder.reset();
        self.in_builder = true;
        &mut self.builder
    }

    /// The last message built.
    ///
    /// # Panics
    ///
    /// If no message was finished since the last reset.
    #[inline]
    pub(crate) fn finished(&self) -> &[u8] {
        if self.in_builder {
            self.builder.finished_data()
        } else {
            self.encoder.finished_data()
        }
    }

    /// Writes `header` in front of the last message and returns both,
    /// contiguous, when the message is in the encoder (which keeps room in
    /// front of it); otherwise returns the message, unchanged, as the
    /// error.
    #[inline]
    pub(crate) fn prepend(&mut self, header: &[u8]) -> core::result::Result<&[u8], &[u8]> {
        if self.in_builder {
            Err(self.builder.finished_data())
        } else {
            Ok(self.encoder.prepend(header))
        }
    }

    /// Writes `root` with the encoder and returns the finished buffer.
    #[inline]
    pub fn encode<R: WriteRoot + ?Sized>(
        &mut self,
        root: &R,
        identifier: Option<&'static str>,
    ) -> &[u8] {
        self.in_builder = false;
        let encoder = &mut self.encoder;
        encoder.reset();
        let offset = root.write_root(encoder);
        encoder.finish(offset, identifier);
        encoder.finished_data()
    }
}

/// Whether `builder` writes scalars equal to their default: its
/// `force_defaults`, which it has no getter for, read from a table of one
/// default-valued field built with it (the verifier's field lookup finds
/// the field only when it was written). Leaves `builder` reset.
fn forces_defaults(builder: &mut FlatBufferBuilder<'static>) -> bool {
    builder.reset();
    let start = builder.start_table();
    builder.push_slot::<u8>(4, 0, 0);
    let table = builder.end_table(start);
    builder.finish_minimal(table);
    let mut checker = Checker::new(builder.finished_data(), &VerifierOptions::default());
    let written = checker
        .root(|checker, pos| {
            let table = checker.enter_table(pos)?;
            Ok(checker.field(&table, 4).is_some())
        })
        .is_ok_and(|(_, written)| written);
    builder.reset();
    written
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forces_defaults_reads_the_builders_setting_and_leaves_it_reset() {
        for force in [false, true] {
            let mut builder = FlatBufferBuilder::new();
            builder.force_defaults(force);
            assert_eq!(forces_defaults(&mut builder), force);
            assert!(builder.unfinished_data().is_empty());
            // Asked again, after the probe's own table: the same.
            assert_eq!(forces_defaults(&mut builder), force);
        }
    }
}
