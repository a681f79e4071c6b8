//! Writing FlatBuffers: the [`Builder`] operations derived code is written
//! against, flatstream's own [`Encoder`], and the [`MessageBuilder`] the
//! writers serialize each message with.
//!
//! Derived code is generic over [`Builder`], so the same code writes into a
//! `flatbuffers::FlatBufferBuilder` (what [`StreamSerialize::serialize`]
//! promises) and into [`Encoder`], which the writers use. The encoder lays
//! out every byte as `FlatBufferBuilder` does (same alignment, padding,
//! vtable sharing and root), so both produce identical buffers; it is
//! faster because it knows what derived code needs: no nesting assertions,
//! one capacity check per operation, byte slices copied in one go, and
//! padding written as it goes instead of a buffer cleared on every reset.
//!
//! [`StreamSerialize::serialize`]: crate::StreamSerialize::serialize
use flatbuffers::{FlatBufferBuilder, Push, UOffsetT, UnionWIPOffset, VOffsetT, WIPOffset};

mod encoder;
mod message;

pub use encoder::Encoder;
pub use message::{serialize_message, MessageBuilder, WriteRoot};

/// The offset of something already written to the builder.
pub type Offset = WIPOffset<UnionWIPOffset>;

const UOFFSET: usize = core::mem::size_of::<UOffsetT>();

/// The largest buffer a FlatBuffer can be: offsets are 32-bit and signed
/// ones must reach across it.
const MAX_BUFFER_LEN: usize = (1 << 31) - 1;

/// The builder operations derived code uses.
///
/// Implemented by `FlatBufferBuilder`, which it forwards to, and by
/// [`Encoder`]; both lay out the same bytes for the same calls.
pub trait Builder {
    /// Where a table under construction started.
    type TableStart: Copy;

    /// Adds `value` at `slot` of the table under construction unless it
    /// equals `default`.
    fn push_slot<X: Push + PartialEq>(&mut self, slot: VOffsetT, value: X, default: X);

    /// Adds `value` at `slot` of the table under construction.
    fn push_slot_always<X: Push>(&mut self, slot: VOffsetT, value: X);

    /// Writes a string (length, bytes, zero terminator).
    fn create_string(&mut self, text: &str) -> Offset;

    /// Writes a string, or returns the offset of the same string written
    /// with this method before in the same buffer (the `shared` field
    /// attribute, flatc's `CreateSharedString`).
    fn create_shared_string(&mut self, text: &str) -> Offset;

    /// Writes a byte vector.
    fn create_byte_vector(&mut self, bytes: &[u8]) -> Offset;

    /// Writes a vector of `items`.
    fn create_vector<T: Push + Copy>(&mut self, items: &[T]) -> Offset
    where
        T::Output: 'static;

    /// Writes a vector of what `items` yields.
    fn create_vector_from_iter<T: Push>(
        &mut self,
        items: impl ExactSizeIterator<Item = T> + DoubleEndedIterator,
    ) -> Offset
    where
        T::Output: 'static;

    /// Starts a table; its children must already be written.
    fn start_table(&mut self) -> Self::TableStart;

    /// Ends the table started at `start`: writes (or shares) its vtable.
    fn end_table(&mut self, start: Self::TableStart) -> Offset;

    /// Finishes the buffer with `root`, and `identifier` after the root
    /// offset when there is one.
    fn finish(&mut self, root: Offset, identifier: Option<&'static str>);
}

impl Builder for FlatBufferBuilder<'_> {
    type TableStart = WIPOffset<flatbuffers::TableUnfinishedWIPOffset>;

    #[inline]
    fn push_slot<X: Push + PartialEq>(&mut self, slot: VOffsetT, value: X, default: X) {
        FlatBufferBuilder::push_slot(self, slot, value, default);
    }

    #[inline]
    fn push_slot_always<X: Push>(&mut self, slot: VOffsetT, value: X) {
        FlatBufferBuilder::push_slot_always(self, slot, value);
    }

    #[inline]
    fn create_string(&mut self, text: &str) -> Offset {
        FlatBufferBuilder::create_string(self, text).as_union_value()
    }

    #[inline]
    fn create_shared_string(&mut self, text: &str) -> Offset {
        FlatBufferBuilder::create_shared_string(self, text).as_union_value()
    }

    #[inline]
    fn create_byte_vector(&mut self, bytes: &[u8]) -> Offset {
        FlatBufferBuilder::create_vector(self, bytes).as_union_value()
    }

    #[inline]
    fn create_vector<T: Push + Copy>(&mut self, items: &[T]) -> Offset
    where
        T::Output: 'static,
    {
        FlatBufferBuilder::create_vector(self, items).as_union_value()
    }

    #[inline]
    fn create_vector_from_iter<T: Push>(
        &mut self,
        items: impl ExactSizeIterator<Item = T> + DoubleEndedIterator,
    ) -> Offset
    where
        T::Output: 'static,
    {
        FlatBufferBuilder::create_vector_from_iter(self, items).as_union_value()
    }

    #[inline]
    fn start_table(&mut self) -> Self::TableStart {
        FlatBufferBuilder::start_table(self)
    }

    #[inline]
    fn end_table(&mut self, start: Self::TableStart) -> Offset {
        FlatBufferBuilder::end_table(self, start).as_union_value()
    }

    #[inline]
    fn finish(&mut self, root: Offset, identifier: Option<&'static str>) {
        match identifier {
            Some(identifier) => FlatBufferBuilder::finish(self, root, Some(identifier)),
            None => FlatBufferBuilder::finish_minimal(self, root),
        }
    }
}
