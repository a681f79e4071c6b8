//! Shallow views: the root table checked up front, nested tables checked
//! when they are reached.
//!
//! [`StreamDeserialize::view`] verifies the
//! whole message before it hands out a view, so every accessor is
//! infallible and reads without bounds checks. A reader that touches only
//! a few top-level fields of a message with many nested tables pays for
//! checking all of them anyway. [`ShallowDeserialize::view_shallow`]
//! checks the root table in full (every scalar, string and vector of
//! scalars in it) and, of each nested table, only the offset that leads to
//! it: its view is the same generated view type in the [`Shallow`] mode,
//! `EventView<'a, Shallow>`. A struct asks for it with
//! `#[flatstream(shallow)]`, which generates that mode's accessors; a
//! struct without it compiles as before (its nested tables can still be
//! [`Lazy`] handles of another struct's shallow view, verified and
//! decoded, but not viewed shallowly themselves).
//!
//! | field type | `view()` accessor (`Verified`) | `view_shallow()` accessor (`Shallow`) |
//! |---|---|---|
//! | scalars, `bool`, enums, fixed structs | the value | the value |
//! | `String`, `Vec<u8>` | `&'a str`, `&'a [u8]` | the same |
//! | `Vec<T>`, `T` not a derived struct | [`Vector<'a, T>`] | the same |
//! | derived struct `T`, `Box<T>` | `TView<'a>` | [`Lazy<'a, T>`] |
//! | `Vec<T>`, `T` a derived struct | [`Vector<'a, T>`] | [`LazyVector<'a, T>`] |
//! | union `U` | `UView<'a>` | [`LazyUnion<'a, U>`] |
//! | `Option<T>` | `Option` of the above | `Option` of the above |
//!
//! Every accessor of a shallow view is still infallible: what it reads was
//! checked. What was not checked comes back as a `Lazy*` handle whose
//! `verify()` checks that nested table (with its own subtree) and returns
//! its verified view, or an error locating the damage; `verify_shallow()`
//! checks it the same shallow way, and `decode()` decodes it to an owned
//! value in one pass. Each call checks again: keep the view it returns
//! rather than calling `verify()` on every access.
//!
//! What the shallow mode costs in the API: the `Result` of each nested
//! table's `verify()`, and owned values come from
//! [`Lazy::decode`] (or from a full [`view`](crate::StreamDeserialize::view))
//! since a shallow view has no `From` conversion. Limits
//! ([`VerifierOptions`]) apply to each check on its own: the root's, then
//! each nested table's, so the work is bounded by the limits per call.
//!
//! # Examples
//!
//! ```
//! use flatstream::lazy::ShallowDeserialize;
//! use flatstream::{StreamDeserialize, StreamSerialize};
//!
//! #[derive(StreamSerialize, Debug, Clone, PartialEq)]
//! pub struct Reading { pub sensor: String, pub value: f64 }
//!
//! #[derive(StreamSerialize, Debug, Clone, PartialEq)]
//! #[flatstream(shallow)] // generates the shallow view
//! pub struct Event {
//!     pub timestamp: u64,
//!     pub source: String,
//!     pub primary: Reading,
//!     pub readings: Vec<Reading>,
//! }
//!
//! let event = Event {
//!     timestamp: 7,
//!     source: "edge-1".into(),
//!     primary: Reading { sensor: "t0".into(), value: 21.5 },
//!     readings: vec![Reading { sensor: "t1".into(), value: 3.0 }],
//! };
//! let mut builder = flatstream::flatbuffers::FlatBufferBuilder::new();
//! event.serialize(&mut builder)?;
//! let payload = builder.finished_data();
//!
//! // Only the root table is checked here.
//! let view = Event::view_shallow(payload)?;
//! assert_eq!(view.timestamp(), 7);
//! assert_eq!(view.source(), "edge-1");
//!
//! // Nested tables are checked when asked for.
//! let primary = view.primary().verify()?;
//! assert_eq!(primary.value(), 21.5);
//! assert_eq!(view.readings().len(), 1);
//! let first = view.readings().get(0).expect("one reading").decode()?;
//! assert_eq!(first, Reading { sensor: "t1".into(), value: 3.0 });
//! # Ok::<(), flatstream::Error>(())
//! ```

use core::fmt;
use core::iter::FusedIterator;
use core::marker::PhantomData;

use flatbuffers::VerifierOptions;

use crate::error::Result;
use crate::private::raw::uoffset_target;
use crate::private::root::{check_identifier, check_nested, root_shallow};
use crate::private::table::{ShallowTable, TableType, EMPTY_TABLE};
use crate::private::union::UnionType;
use crate::serialize::StreamDeserialize;
use crate::view::{Vector, VectorElement};

/// The mode of a view verified in full, up front: the default mode of
/// every generated view (`EventView<'a>` is `EventView<'a, Verified>`).
#[derive(Debug, Clone, Copy)]
pub enum Verified {}

/// The mode of a view whose nested tables are checked when reached: see
/// the [module documentation](self).
#[derive(Debug, Clone, Copy)]
pub enum Shallow {}

/// Shallow views of a derived struct's messages: implemented for every
/// struct deriving `StreamSerialize` with `#[flatstream(shallow)]`, which
/// generates the view's shallow mode (a type that does not ask for it
/// compiles no more code than before). The readers hand them out too
/// ([`StreamReader::read_shallow`](crate::StreamReader::read_shallow),
/// [`SliceReader::read_shallow`](crate::SliceReader::read_shallow)).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no shallow view",
    label = "no shallow view",
    note = "add `#[flatstream(shallow)]` next to `#[derive(StreamSerialize)]` on `{Self}` to generate it"
)]
pub trait ShallowDeserialize: StreamDeserialize {
    /// The shallow view: the generated view in the [`Shallow`] mode.
    type ShallowView<'a>: Copy + fmt::Debug;

    /// Checks the root table of `payload` (not its nested tables) under
    /// the default [`VerifierOptions`] and returns its shallow view.
    ///
    /// # Errors
    ///
    /// [`Error::Verification`](crate::Error::Verification) with the rule,
    /// offset and path of the first problem found in the root table or
    /// the offsets that leave it.
    fn view_shallow(payload: &[u8]) -> Result<Self::ShallowView<'_>> {
        Self::view_shallow_with_options(payload, &VerifierOptions::default())
    }

    /// [`view_shallow`](Self::view_shallow) under `options`.
    ///
    /// # Errors
    ///
    /// As [`view_shallow`](Self::view_shallow).
    fn view_shallow_with_options<'a>(
        payload: &'a [u8],
        options: &VerifierOptions,
    ) -> Result<Self::ShallowView<'a>>;

    /// The shallow view of `payload` without checking it.
    ///
    /// # Safety
    ///
    /// `payload` must be a message [`view_shallow`](Self::view_shallow)
    /// (or [`view`](StreamDeserialize::view)) accepts.
    unsafe fn view_shallow_unchecked(payload: &[u8]) -> Self::ShallowView<'_>;
}

impl<T: ShallowTable + StreamDeserialize> ShallowDeserialize for T {
    type ShallowView<'a> = T::ShallowView<'a>;

    #[inline]
    unsafe fn view_shallow_unchecked(payload: &[u8]) -> T::ShallowView<'_> {
        // SAFETY: per the caller, the root offset is there and points to a
        // table of `T` its checks accepted, shallowly or not.
        unsafe { T::shallow_at(payload, uoffset_target(payload, 0)) }
    }

    fn view_shallow_with_options<'a>(
        payload: &'a [u8],
        options: &VerifierOptions,
    ) -> Result<T::ShallowView<'a>> {
        if let Some(identifier) = T::FILE_IDENTIFIER {
            check_identifier(payload, identifier, T::NAME)?;
        }
        root_shallow::<T>(payload, options)
    }
}

/// A nested table of a shallow view, not checked yet: [`verify`] it to
/// read it.
///
/// It holds where the offset to the table is; each call checks the table
/// (and what it holds) from there, under the given limits.
///
/// [`verify`]: Self::verify
pub struct Lazy<'a, T> {
    buf: &'a [u8],
    /// Where the offset to the table is.
    pos: usize,
    _table: PhantomData<fn() -> T>,
}

impl<'a, T: TableType> Lazy<'a, T> {
    /// The table the offset at `pos` in `buf` points to.
    #[inline]
    pub(crate) fn new(buf: &'a [u8], pos: usize) -> Self {
        Lazy {
            buf,
            pos,
            _table: PhantomData,
        }
    }

    /// A table with no fields, which reads as every field's default: what
    /// an absent table reads as.
    #[inline]
    pub(crate) fn absent() -> Self {
        Lazy::new(EMPTY_TABLE, 0)
    }

    /// Checks the table and everything it holds under the default
    /// [`VerifierOptions`], and returns its view.
    ///
    /// # Errors
    ///
    /// [`Error::Verification`](crate::Error::Verification) with the rule,
    /// the offset in the payload and the path (from the table's type) of
    /// the first problem found.
    #[inline]
    pub fn verify(self) -> Result<T::View<'a>> {
        self.verify_with_options(&VerifierOptions::default())
    }

    /// [`verify`](Self::verify) under `options`.
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify).
    pub fn verify_with_options(self, options: &VerifierOptions) -> Result<T::View<'a>> {
        let (at, ()) = check_nested(self.buf, options, false, T::NAME, |checker| {
            checker.offset_root(self.pos, T::check_table)
        })?;
        // SAFETY: `T::check_table` accepted the table at `at`.
        Ok(unsafe { T::view_at(self.buf, at) })
    }

    /// Checks and decodes the table into an owned value in one pass, under
    /// the default [`VerifierOptions`].
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify).
    #[inline]
    pub fn decode(self) -> Result<T> {
        self.decode_with_options(&VerifierOptions::default())
    }

    /// [`decode`](Self::decode) under `options`.
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify).
    pub fn decode_with_options(self, options: &VerifierOptions) -> Result<T> {
        check_nested(self.buf, options, false, T::NAME, |checker| {
            checker.offset_root(self.pos, T::decode_table)
        })
        .map(|(_, value)| value)
    }

    /// Where the offset to the table is in the payload.
    #[inline]
    pub fn offset_position(&self) -> usize {
        self.pos
    }
}

impl<'a, T: ShallowTable> Lazy<'a, T> {
    /// Checks the table itself, not the tables it holds, and returns its
    /// shallow view (for a type with `#[flatstream(shallow)]`).
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify), for the table alone.
    #[inline]
    pub fn verify_shallow(self) -> Result<T::ShallowView<'a>> {
        self.verify_shallow_with_options(&VerifierOptions::default())
    }

    /// [`verify_shallow`](Self::verify_shallow) under `options`.
    ///
    /// # Errors
    ///
    /// As [`verify_shallow`](Self::verify_shallow).
    pub fn verify_shallow_with_options(
        self,
        options: &VerifierOptions,
    ) -> Result<T::ShallowView<'a>> {
        let (at, ()) = check_nested(self.buf, options, true, T::NAME, |checker| {
            checker.offset_root(self.pos, T::check_table)
        })?;
        // SAFETY: `T::check_table` accepted the table at `at` with a
        // shallow checker.
        Ok(unsafe { T::shallow_at(self.buf, at) })
    }
}

impl<T> Clone for Lazy<'_, T> {
    #[inline]
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Lazy<'_, T> {}

impl<T: TableType> fmt::Debug for Lazy<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lazy")
            .field("table", &T::NAME)
            .field("offset_position", &self.pos)
            .finish()
    }
}

/// An empty vector, its length prefix at 4 so that every element type's
/// alignment holds: what an absent vector field reads as in a shallow view.
pub(crate) const EMPTY_VECTOR: (&[u8], usize) = (&[0; 8], 4);

/// A vector of nested tables of a shallow view: its length and the
/// positions of its offsets were checked, the tables were not. Each
/// element is a [`Lazy`].
pub struct LazyVector<'a, T> {
    buf: &'a [u8],
    /// Where the length prefix is.
    loc: usize,
    len: usize,
    _element: PhantomData<fn() -> T>,
}

impl<'a, T: TableType> LazyVector<'a, T> {
    /// The vector whose length prefix is at `loc` in `buf`. A vector that
    /// is not there reads as empty (a shallow check rules it out).
    #[inline]
    pub(crate) fn new(buf: &'a [u8], loc: usize) -> Self {
        let len = loc
            .checked_add(4)
            .and_then(|end| buf.get(loc..end))
            .and_then(|bytes| bytes.try_into().ok())
            .map_or(0, |bytes: [u8; 4]| u32::from_le_bytes(bytes) as usize);
        LazyVector {
            buf,
            loc,
            len,
            _element: PhantomData,
        }
    }

    /// The number of elements.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the vector has no elements.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The element at `index`, or `None` when `index >= len()`.
    #[inline]
    pub fn get(&self, index: usize) -> Option<Lazy<'a, T>> {
        (index < self.len).then(|| Lazy::new(self.buf, self.loc + 4 + 4 * index))
    }

    /// An iterator over the elements, front to back.
    #[inline]
    pub fn iter(&self) -> LazyIter<'a, T> {
        LazyIter {
            vector: *self,
            indices: 0..self.len,
        }
    }

    /// Checks every table of the vector under the default
    /// [`VerifierOptions`] and returns the verified [`Vector`].
    ///
    /// # Errors
    ///
    /// As [`Lazy::verify`], the path starting at the element's index.
    #[inline]
    pub fn verify(self) -> Result<Vector<'a, T>>
    where
        T: VectorElement,
    {
        self.verify_with_options(&VerifierOptions::default())
    }

    /// [`verify`](Self::verify) under `options`.
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify).
    pub fn verify_with_options(self, options: &VerifierOptions) -> Result<Vector<'a, T>>
    where
        T: VectorElement,
    {
        check_nested(self.buf, options, false, T::NAME, |checker| {
            checker.at_root(self.loc, T::check_vector)
        })?;
        // SAFETY: `T::check_vector` accepted the vector at `loc`.
        Ok(unsafe { Vector::from_raw(self.buf, self.loc) })
    }
}

impl<T> Clone for LazyVector<'_, T> {
    #[inline]
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for LazyVector<'_, T> {}

impl<T: TableType> fmt::Debug for LazyVector<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a, T: TableType> IntoIterator for LazyVector<'a, T> {
    type Item = Lazy<'a, T>;
    type IntoIter = LazyIter<'a, T>;

    #[inline]
    fn into_iter(self) -> LazyIter<'a, T> {
        self.iter()
    }
}

/// An iterator over the [`Lazy`] elements of a [`LazyVector`].
pub struct LazyIter<'a, T> {
    vector: LazyVector<'a, T>,
    /// The indices still to yield.
    indices: core::ops::Range<usize>,
}

impl<'a, T: TableType> Iterator for LazyIter<'a, T> {
    type Item = Lazy<'a, T>;

    #[inline]
    fn next(&mut self) -> Option<Lazy<'a, T>> {
        self.indices.next().and_then(|index| self.vector.get(index))
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.indices.size_hint()
    }
}

impl<T: TableType> DoubleEndedIterator for LazyIter<'_, T> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        self.indices
            .next_back()
            .and_then(|index| self.vector.get(index))
    }
}

impl<T: TableType> ExactSizeIterator for LazyIter<'_, T> {}

impl<T: TableType> FusedIterator for LazyIter<'_, T> {}

impl<T> Clone for LazyIter<'_, T> {
    fn clone(&self) -> Self {
        LazyIter {
            vector: self.vector,
            indices: self.indices.clone(),
        }
    }
}

impl<T: TableType> fmt::Debug for LazyIter<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

/// A union of a shallow view: its type tag was checked, the table it
/// holds was not. [`verify`](Self::verify) it to read it.
pub struct LazyUnion<'a, U> {
    buf: &'a [u8],
    /// The type tag; 0 for none.
    tag: u8,
    /// Where the offset to the table is.
    pos: usize,
    _union: PhantomData<fn() -> U>,
}

impl<'a, U: UnionType> LazyUnion<'a, U> {
    /// The union tagged `tag` whose table the offset at `pos` points to.
    #[inline]
    pub(crate) fn new(buf: &'a [u8], tag: u8, pos: usize) -> Self {
        LazyUnion {
            buf,
            tag,
            pos,
            _union: PhantomData,
        }
    }

    /// An absent union.
    #[inline]
    pub(crate) fn absent() -> Self {
        LazyUnion::new(&[], 0, 0)
    }

    /// Whether the union holds a variant this type knows (tag not 0 and
    /// known); an absent or unknown one reads as the union's view of
    /// neither.
    #[inline]
    fn known(&self) -> bool {
        self.tag != 0 && U::knows(self.tag)
    }

    /// The union's type tag: 0 when absent, else the variant's position
    /// from 1 in declaration order (or a tag this type does not know).
    #[inline]
    pub fn tag(&self) -> u8 {
        self.tag
    }

    /// Checks the variant's table and everything it holds under the
    /// default [`VerifierOptions`], and returns the union's view.
    ///
    /// # Errors
    ///
    /// As [`Lazy::verify`].
    #[inline]
    pub fn verify(self) -> Result<U::View<'a>> {
        self.verify_with_options(&VerifierOptions::default())
    }

    /// [`verify`](Self::verify) under `options`.
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify).
    pub fn verify_with_options(self, options: &VerifierOptions) -> Result<U::View<'a>> {
        if !self.known() {
            return Ok(U::view_absent());
        }
        let tag = self.tag;
        check_nested(self.buf, options, false, U::NAME, |checker| {
            checker.at_root(self.pos, |checker, pos| U::check_union(tag, checker, pos))
        })?;
        // SAFETY: `check_union` checked the offset at `pos`.
        let loc = unsafe { uoffset_target(self.buf, self.pos) };
        // SAFETY: and the table it points to, as `tag`'s variant.
        Ok(unsafe { U::view_union(tag, self.buf, loc) })
    }

    /// Checks and decodes the union into an owned value in one pass,
    /// under the default [`VerifierOptions`].
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify).
    #[inline]
    pub fn decode(self) -> Result<U> {
        self.decode_with_options(&VerifierOptions::default())
    }

    /// [`decode`](Self::decode) under `options`.
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify).
    pub fn decode_with_options(self, options: &VerifierOptions) -> Result<U> {
        if !self.known() {
            return Ok(U::from_view(U::view_absent()));
        }
        let tag = self.tag;
        check_nested(self.buf, options, false, U::NAME, |checker| {
            checker.at_root(self.pos, |checker, pos| U::decode_union(tag, checker, pos))
        })
    }
}

impl<U> Clone for LazyUnion<'_, U> {
    #[inline]
    fn clone(&self) -> Self {
        *self
    }
}

impl<U> Copy for LazyUnion<'_, U> {}

impl<U: UnionType> fmt::Debug for LazyUnion<'_, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LazyUnion")
            .field("union", &U::NAME)
            .field("tag", &self.tag)
            .field("offset_position", &self.pos)
            .finish()
    }
}
