//! Zero-copy views of FlatBuffers vectors, as returned by the accessors of
//! derived views.
//!
//! A field `tags: Vec<String>` of a derived struct is read through its
//! view's `tags()` accessor, which returns a [`Vector<'a, String>`]: it
//! borrows the payload, knows its length, and yields `&'a str` values.
//! Vectors of scalars yield the scalars, vectors of derived structs yield
//! their views and vectors of derived enums yield the enum values.
//! (`Vec<u8>` fields are read as plain `&'a [u8]` slices.)
//!
//! Views are handed out only for verified payloads
//! ([`StreamDeserialize::view`](crate::StreamDeserialize::view),
//! [`StreamReader::read`](crate::StreamReader::read)), so their accessors
//! never panic and never read out of bounds. The `unsafe`
//! [`view_unchecked`](crate::StreamDeserialize::view_unchecked) path skips
//! verification: the caller promises the payload is valid.
//!
//! # Examples
//!
//! ```
//! use flatstream::checksum::XxHash64;
//! use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
//! use flatstream::{StreamReader, StreamSerialize, StreamWriter};
//!
//! #[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
//! pub enum Level { Debug, Info, Warn, Error }
//!
//! #[derive(StreamSerialize, Debug, Clone, PartialEq)]
//! pub struct Reading { pub sensor: String, pub value: f64 }
//!
//! #[derive(StreamSerialize, Debug, Clone, PartialEq)]
//! pub struct Event {
//!     pub timestamp: u64,
//!     pub level: Level,
//!     pub tags: Vec<String>,
//!     pub readings: Vec<Reading>,
//!     pub note: Option<String>,
//! }
//!
//! let event = Event {
//!     timestamp: 1,
//!     level: Level::Warn,
//!     tags: vec!["edge".into()],
//!     readings: vec![Reading { sensor: "t0".into(), value: 21.5 }],
//!     note: None,
//! };
//! let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(XxHash64::new()));
//! writer.write(&event)?;
//! let bytes = writer.into_inner();
//!
//! let mut reader = StreamReader::<Event, _, _>::new(&bytes[..], ChecksumDeframer::new(XxHash64::new()));
//! let view = reader.read()?.expect("one message");
//! assert_eq!(view.level(), Level::Warn);
//! assert_eq!(view.tags().get(0), Some("edge"));
//! assert_eq!(view.readings().get(0).map(|r| r.value()), Some(21.5));
//! assert_eq!(view.note(), None);
//! assert_eq!(view, event);
//! # Ok::<(), flatstream::Error>(())
//! ```

use core::fmt;
use core::iter::FusedIterator;
use core::marker::PhantomData;

use crate::encode::{Builder, Offset};
use crate::private::key::KeyedTable;
use crate::private::raw::read_at;
use crate::private::table::TableType;
use crate::verify::{Checked, Checker};

/// A type that can be an element of a FlatBuffers vector.
///
/// Implemented by flatstream for `bool`, the scalars except `u8` (a
/// `Vec<u8>` is read as a byte slice), and `String`; and by
/// `#[derive(StreamSerialize)]` for structs and unit enums. Its methods are
/// an implementation detail of the derive: implement the trait by deriving
/// it, not by hand.
///
/// # Safety
///
/// [`Vector`] reads element `i` with [`read_element`](Self::read_element)
/// at `4 + i * WIDTH` past the length prefix, without bounds checks. For
/// every vector that [`check_vector`](Self::check_vector) accepts, those
/// reads must stay within what it checked; and
/// [`decode_vector`](Self::decode_vector) must accept exactly the vectors
/// `check_vector` accepts. The view
/// [`shallow_vector`](Self::shallow_vector) makes must read only what
/// `check_vector` checked with a shallow checker.
pub unsafe trait VectorElement: Sized + crate::schema::Schema {
    /// What reading one element returns: the value itself for scalars and
    /// enums, `&'a str` for strings, the view for derived structs.
    type View<'a>: Copy;

    #[doc(hidden)]
    /// What a shallow view reads a vector of this type as: its
    /// [`Vector`], or for tables a
    /// [`LazyVector`](crate::lazy::LazyVector).
    type ShallowVector<'a>: Copy + fmt::Debug;

    #[doc(hidden)]
    /// Bytes one element takes inline in the vector.
    const WIDTH: usize;

    #[doc(hidden)]
    /// The shallow view of the vector whose length prefix is at `loc`.
    ///
    /// # Safety
    ///
    /// `buf[loc..]` must hold a vector of this type that
    /// [`check_vector`](Self::check_vector) accepted, shallowly or not.
    unsafe fn shallow_vector(buf: &[u8], loc: usize) -> Self::ShallowVector<'_>;

    #[doc(hidden)]
    /// Reads the element stored at `loc`.
    ///
    /// # Safety
    ///
    /// `buf[loc..]` must hold a verified element of this type.
    unsafe fn read_element(buf: &[u8], loc: usize) -> Self::View<'_>;

    #[doc(hidden)]
    /// Writes `items` as a vector and returns its offset.
    fn build_vector<B: Builder>(items: &[Self], builder: &mut B) -> Offset;

    #[doc(hidden)]
    /// Checks a vector of this type whose length prefix is at `pos`.
    fn check_vector(checker: &mut Checker<'_>, pos: usize) -> Checked;

    #[doc(hidden)]
    /// Converts an element view into an owned element.
    fn element_to_owned(view: Self::View<'_>) -> Self;

    #[doc(hidden)]
    /// Checks and decodes a vector whose length prefix is at `pos`, with
    /// the checks of [`check_vector`](Self::check_vector).
    fn decode_vector(checker: &mut Checker<'_>, pos: usize) -> Checked<Vec<Self>>;

    #[doc(hidden)]
    /// Decodes a whole vector; scalars override it with one pass over the
    /// bytes.
    fn vector_to_vec(vector: &Vector<'_, Self>) -> Vec<Self> {
        vector.iter().map(Self::element_to_owned).collect()
    }

    #[doc(hidden)]
    /// Whether an element view holds the same value as `owned`.
    fn element_eq(view: Self::View<'_>, owned: &Self) -> bool;

    #[doc(hidden)]
    /// Formats an element view.
    fn fmt_element(view: Self::View<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

/// A zero-copy view of a FlatBuffers vector whose elements are `T`s.
///
/// Returned by the accessors of derived views for `Vec<T>` fields. It is
/// `Copy`, never allocates and never panics: [`get`](Self::get) returns
/// `None` past the end.
///
/// # Examples
///
/// ```
/// use flatstream::{StreamDeserialize, StreamSerialize};
///
/// #[derive(StreamSerialize, Debug, Clone, PartialEq)]
/// struct Sample {
///     values: Vec<f32>,
///     tags: Vec<String>,
/// }
///
/// let sample = Sample { values: vec![1.5, 2.5], tags: vec!["a".into(), "b".into()] };
/// let mut builder = flatstream::flatbuffers::FlatBufferBuilder::new();
/// sample.serialize(&mut builder)?;
/// let view = Sample::view(builder.finished_data())?;
///
/// let values = view.values();
/// assert_eq!(values.len(), 2);
/// assert_eq!(values.get(1), Some(2.5));
/// assert_eq!(values.get(2), None);
/// assert_eq!(values.iter().sum::<f32>(), 4.0);
/// assert_eq!(view.tags().iter().collect::<Vec<&str>>(), ["a", "b"]);
/// assert_eq!(view.tags(), sample.tags);
/// # Ok::<(), flatstream::Error>(())
/// ```
pub struct Vector<'a, T: VectorElement> {
    buf: &'a [u8],
    /// Position of the first element.
    start: usize,
    len: usize,
    _element: PhantomData<fn() -> T>,
}

impl<'a, T: VectorElement> Vector<'a, T> {
    /// An empty vector, which is what an absent vector field reads as.
    pub const fn empty() -> Self {
        Vector {
            buf: &[],
            start: 0,
            len: 0,
            _element: PhantomData,
        }
    }

    /// The vector whose length prefix is at `loc` in `buf`.
    ///
    /// # Safety
    ///
    /// `buf[loc..]` must hold a verified vector of `T`.
    #[doc(hidden)]
    #[inline]
    pub unsafe fn from_raw(buf: &'a [u8], loc: usize) -> Self {
        // SAFETY: the caller guarantees a verified vector at `loc`, whose
        // four-byte length prefix is in bounds.
        let len = unsafe { read_at::<u32>(buf, loc) } as usize;
        Vector {
            buf,
            start: loc + 4,
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
    pub fn get(&self, index: usize) -> Option<T::View<'a>> {
        if index < self.len {
            // SAFETY: the vector was verified (or promised valid by the
            // caller of an unchecked constructor), so each of its `len`
            // elements is a valid `T` at `start + index * WIDTH`.
            Some(unsafe { T::read_element(self.buf, self.start + index * T::WIDTH) })
        } else {
            None
        }
    }

    /// The first element, if any.
    #[inline]
    pub fn first(&self) -> Option<T::View<'a>> {
        self.get(0)
    }

    /// The last element, if any.
    #[inline]
    pub fn last(&self) -> Option<T::View<'a>> {
        self.len.checked_sub(1).and_then(|last| self.get(last))
    }

    /// An iterator over the elements, front to back.
    #[inline]
    pub fn iter(&self) -> Iter<'a, T> {
        Iter {
            vector: *self,
            front: 0,
            back: self.len,
        }
    }

    /// Decodes every element into an owned `Vec`.
    pub fn to_vec(&self) -> Vec<T> {
        T::vector_to_vec(self)
    }

    /// The bytes of the elements, `WIDTH` each (empty when they are not
    /// all in the buffer, which verification rules out).
    #[inline]
    pub(crate) fn element_bytes(&self) -> &'a [u8] {
        self.len
            .checked_mul(T::WIDTH)
            .and_then(|size| self.buf.get(self.start..self.start.checked_add(size)?))
            .unwrap_or(&[])
    }
}

impl<'a, T> Vector<'a, T>
where
    T: KeyedTable + for<'x> VectorElement<View<'x> = <T as TableType>::View<'x>>,
{
    /// The element whose `key` field equals `key`, by binary search.
    ///
    /// For vectors of a struct with a `#[flatstream(key)]` field, which
    /// flatstream writes sorted by that field (so a decoded vector comes
    /// back in key order). A vector written unsorted by other code may not
    /// find an element it holds; it never panics.
    ///
    /// # Examples
    ///
    /// ```
    /// use flatstream::{StreamDeserialize, StreamSerialize};
    ///
    /// #[derive(StreamSerialize, Debug, Clone, PartialEq)]
    /// struct Entry {
    ///     #[flatstream(key)]
    ///     name: String,
    ///     value: u32,
    /// }
    ///
    /// #[derive(StreamSerialize, Debug, Clone, PartialEq)]
    /// struct Table {
    ///     entries: Vec<Entry>,
    /// }
    ///
    /// let table = Table {
    ///     entries: vec![
    ///         Entry { name: "b".into(), value: 2 },
    ///         Entry { name: "a".into(), value: 1 },
    ///     ],
    /// };
    /// let mut builder = flatstream::flatbuffers::FlatBufferBuilder::new();
    /// table.serialize(&mut builder)?;
    /// let view = Table::view(builder.finished_data())?;
    /// assert_eq!(view.entries().lookup_by_key("b").map(|e| e.value()), Some(2));
    /// assert!(view.entries().lookup_by_key("c").is_none());
    /// assert_eq!(view.entries().get(0).map(|e| e.name()), Some("a")); // sorted
    /// # Ok::<(), flatstream::Error>(())
    /// ```
    pub fn lookup_by_key(&self, key: &T::Query) -> Option<<T as VectorElement>::View<'a>> {
        let (mut low, mut high) = (0, self.len);
        while low < high {
            let mid = low + (high - low) / 2;
            let element = self.get(mid)?;
            match T::view_key_cmp(element, key) {
                core::cmp::Ordering::Less => low = mid + 1,
                core::cmp::Ordering::Greater => high = mid,
                core::cmp::Ordering::Equal => return Some(element),
            }
        }
        None
    }
}

impl<T: VectorElement> Clone for Vector<'_, T> {
    #[inline]
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: VectorElement> Copy for Vector<'_, T> {}

impl<T: VectorElement> Default for Vector<'_, T> {
    fn default() -> Self {
        Self::empty()
    }
}

impl<T: VectorElement> fmt::Debug for Vector<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Element<'a, T: VectorElement>(T::View<'a>);
        impl<T: VectorElement> fmt::Debug for Element<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                T::fmt_element(self.0, f)
            }
        }
        f.debug_list()
            .entries(self.iter().map(Element::<T>))
            .finish()
    }
}

impl<T: VectorElement> PartialEq<[T]> for Vector<'_, T> {
    fn eq(&self, other: &[T]) -> bool {
        self.len == other.len()
            && self
                .iter()
                .zip(other)
                .all(|(view, owned)| T::element_eq(view, owned))
    }
}

impl<T: VectorElement> PartialEq<Vec<T>> for Vector<'_, T> {
    fn eq(&self, other: &Vec<T>) -> bool {
        *self == other[..]
    }
}

impl<T: VectorElement, const N: usize> PartialEq<[T; N]> for Vector<'_, T> {
    fn eq(&self, other: &[T; N]) -> bool {
        *self == other[..]
    }
}

impl<T: VectorElement> PartialEq<Vector<'_, T>> for Vec<T> {
    fn eq(&self, other: &Vector<'_, T>) -> bool {
        *other == self[..]
    }
}

impl<'a, T: VectorElement> IntoIterator for Vector<'a, T> {
    type Item = T::View<'a>;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

impl<'a, T: VectorElement> From<Vector<'a, T>> for Vec<T> {
    fn from(vector: Vector<'a, T>) -> Vec<T> {
        vector.to_vec()
    }
}

/// An iterator over the elements of a [`Vector`].
pub struct Iter<'a, T: VectorElement> {
    vector: Vector<'a, T>,
    front: usize,
    back: usize,
}

impl<T: VectorElement> Clone for Iter<'_, T> {
    fn clone(&self) -> Self {
        Iter {
            vector: self.vector,
            front: self.front,
            back: self.back,
        }
    }
}

impl<T: VectorElement> fmt::Debug for Iter<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iter")
            .field("remaining", &(self.back - self.front))
            .finish()
    }
}

impl<'a, T: VectorElement> Iterator for Iter<'a, T> {
    type Item = T::View<'a>;

    #[inline]
    fn next(&mut self) -> Option<T::View<'a>> {
        if self.front < self.back {
            let item = self.vector.get(self.front);
            self.front += 1;
            item
        } else {
            None
        }
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let remaining = self.back - self.front;
        (remaining, Some(remaining))
    }

    #[inline]
    fn nth(&mut self, n: usize) -> Option<T::View<'a>> {
        self.front = self.front.saturating_add(n).min(self.back);
        self.next()
    }
}

impl<T: VectorElement> DoubleEndedIterator for Iter<'_, T> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front < self.back {
            self.back -= 1;
            self.vector.get(self.back)
        } else {
            None
        }
    }
}

impl<T: VectorElement> ExactSizeIterator for Iter<'_, T> {}

impl<T: VectorElement> FusedIterator for Iter<'_, T> {}
