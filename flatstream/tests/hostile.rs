//! Hostile bytes: hand-made payloads for every kind of field, whose
//! offsets, vtables, lengths, strings and union tags lie.
//!
//! Every payload goes through `T::view` and `T::decode_with_options`, which
//! must agree, and through `T::view_shallow`, whose view read completely,
//! each of its nested tables verified, decoded and read, must accept
//! exactly what `view` accepts; an accepted view is then read completely (formatted, walked
//! accessor by accessor and vector by vector, converted, compared with the
//! owned value), also from a copy of the payload at an odd address, and the
//! payload is read back framed, through `SliceReader` and `StreamReader`,
//! with and without a checksum. Run under Miri (see the README), any read out
//! of bounds or misaligned is reported where it happens.
//!
//! What must be refused follows the rules of the `flatbuffers` verifier,
//! which flatstream's verifier keeps:
//! - the root offset, every table's soffset and every uoffset are aligned
//!   (relative to the payload start) and in bounds; uoffsets point forward;
//! - a vtable is 2-aligned, of even length, wholly in bounds; its length may
//!   be shorter than the slots a type has (the missing ones are absent) and
//!   it may overlap its table; the table size it records is never checked;
//! - a present field lies in bounds and is aligned to its scalar type
//!   (fixed structs need only be in bounds);
//! - vectors' length prefixes are aligned, their elements in bounds and
//!   aligned to the element type; strings are UTF-8 with a NUL after them;
//! - an unknown enum value is refused unless the enum has an `other` variant;
//! - a union's tag and value are both present or both absent; a known tag's
//!   value is checked as that variant; tag 0 means "none" (refused when the
//!   union is required: a non-`Option` union without `other`); an unknown
//!   tag is refused unless the union has an `other` variant;
//! - a non-`Option` nested table, `Box` or fixed struct is required.
//!
//! Where the rules leave a choice (the value slot of a union whose tag
//! says there is nothing to read, which the rules never check) a case
//! expects `Either`: refused, or accepted and read without touching a byte
//! outside the payload.

use std::fmt::{self, Debug, Display};

use flatstream::checksum::XxHash64;
use flatstream::framing::{
    ChecksumDeframer, ChecksumFramer, DefaultDeframer, DefaultFramer, Deframer, Framer,
};
use flatstream::lazy::{Lazy, LazyUnion, LazyVector, ShallowDeserialize};
use flatstream::view::VectorElement;
use flatstream::{
    DecodeOwned, SliceReader, StreamDeserialize, StreamReader, StreamSerialize, Vector,
    VerifierOptions,
};
use flatstream_testkit::every_kind::{
    all, sorted, All, BodyView, ForwardView, Frame, Mode, ReadingView,
};
use flatstream_testkit::streams::payload_of;

// ---------------------------------------------------------------------------
// The types under test: one field each, so that every crafted layout puts
// the field (or the union's tag and value) in the first slots.
// ---------------------------------------------------------------------------

macro_rules! single {
    ($($name:ident: $ty:ty;)*) => {$(
        #[derive(StreamSerialize, Debug, Clone, PartialEq)]
        #[flatstream(shallow)]
        pub struct $name {
            pub v: $ty,
        }
    )*};
}

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    Red,
    Green,
    Blue,
}

/// `w` at 0..6, `z` at 6, `p` at 8..16: size 16, alignment 8.
#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq)]
#[flatstream(fixed)]
pub struct Dims {
    pub w: [u16; 3],
    pub z: u8,
    pub p: f64,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(shallow)]
pub struct Leaf {
    pub a: u32,
    pub s: String,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Dot {
    pub r: f64,
}

/// A union without `other`.
#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub enum Shape {
    Leaf(Leaf),
    Dot(Dot),
}

/// A union with `other`.
#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub enum Open {
    Leaf(Leaf),
    Dot(Dot),
    #[flatstream(other)]
    Unknown,
}

single! {
    SBool: bool;
    SU8: u8;
    SI8: i8;
    SU16: u16;
    SI16: i16;
    SU32: u32;
    SI32: i32;
    SU64: u64;
    SI64: i64;
    SF32: f32;
    SF64: f64;
    SStr: String;
    SBytes: Vec<u8>;
    SU32s: Vec<u32>;
    SU64s: Vec<u64>;
    SBools: Vec<bool>;
    SStrs: Vec<String>;
    STable: Leaf;
    SBox: Box<Leaf>;
    STables: Vec<Leaf>;
    SColor: Color;
    SMode: Mode;
    SColors: Vec<Color>;
    SModes: Vec<Mode>;
    SDims: Dims;
    SDimss: Vec<Dims>;
    SShape: Shape;
    SOpen: Open;
    OBool: Option<bool>;
    OU16: Option<u16>;
    OU64: Option<u64>;
    OF64: Option<f64>;
    OStr: Option<String>;
    OBytes: Option<Vec<u8>>;
    OU32s: Option<Vec<u32>>;
    OBools: Option<Vec<bool>>;
    OStrs: Option<Vec<String>>;
    OTable: Option<Leaf>;
    OBox: Option<Box<Leaf>>;
    OTables: Option<Vec<Leaf>>;
    OColor: Option<Color>;
    OMode: Option<Mode>;
    OColors: Option<Vec<Color>>;
    ODims: Option<Dims>;
    ODimss: Option<Vec<Dims>>;
    OShape: Option<Shape>;
    OOpen: Option<Open>;
}

// ---------------------------------------------------------------------------
// Reading a view completely.
// ---------------------------------------------------------------------------

/// A type under test: how to touch every byte its view can reach.
trait Subject: StreamDeserialize + DecodeOwned + StreamSerialize + Debug + PartialEq {
    fn walk(view: Self::View<'_>);

    /// For a table: whether its shallow view and every nested table it
    /// leads to verify (each read completely); `None` for a union message,
    /// which has no shallow view.
    fn shallow(payload: &[u8]) -> Option<bool>;
}

/// A shallow view's field, read completely: whether every nested table
/// in it verifies.
trait Deep: Debug {
    fn deep(self) -> bool;
}

macro_rules! deep_values {
    ($($ty:ty),*) => {$(
        impl Deep for $ty {
            fn deep(self) -> bool {
                true
            }
        }
    )*};
}

deep_values!(
    bool,
    u8,
    i8,
    u16,
    i16,
    u32,
    i32,
    u64,
    i64,
    f32,
    f64,
    Color,
    Mode,
    Dims,
    &str,
    &[u8]
);

impl<T: VectorElement + Debug> Deep for Vector<'_, T> {
    fn deep(self) -> bool {
        vector(self, |_| {});
        true
    }
}

impl<T: Deep> Deep for Option<T> {
    fn deep(self) -> bool {
        self.map_or(true, Deep::deep)
    }
}

/// A nested result of a shallow view: an accepted one is read by `read`
/// and decodes to the same value, a refused one is a corruption error
/// that decoding reports too.
fn nested<V: Copy + Debug, T: Debug + PartialEq>(
    verified: flatstream::Result<V>,
    decoded: flatstream::Result<T>,
    read: impl Fn(V),
    from: impl Fn(V) -> T,
) -> bool {
    match verified {
        Ok(view) => {
            read(view);
            let decoded = decoded.expect("verified, so it decodes");
            if reflexive(&decoded, &decoded) {
                assert_eq!(decoded, from(view), "decode differs from the view");
            }
            true
        }
        Err(err) => {
            assert!(err.is_corruption(), "{err:?}");
            assert!(decoded.is_err(), "refused, yet it decodes");
            false
        }
    }
}

impl Deep for Lazy<'_, Leaf> {
    fn deep(self) -> bool {
        let verified = nested(self.verify(), self.decode(), leaf, Leaf::from);
        assert_eq!(
            self.verify_shallow().is_ok(),
            verified,
            "a leaf holds no table, so shallow is full"
        );
        verified
    }
}

impl Deep for LazyVector<'_, Leaf> {
    fn deep(self) -> bool {
        let _ = format!("{self:?}");
        assert_eq!(self.iter().len(), self.len());
        assert_eq!(self.is_empty(), self.iter().next().is_none());
        assert!(self.get(self.len()).is_none());
        let each = self
            .iter()
            .rev()
            .map(Deep::deep)
            .fold(true, |all, ok| all & ok);
        match self.verify() {
            Ok(whole) => {
                assert!(each, "the vector verifies, an element does not");
                vector(whole, leaf);
            }
            Err(err) => {
                assert!(err.is_corruption(), "{err:?}");
                assert!(!each, "every element verifies, the vector does not");
            }
        }
        each
    }
}

impl Deep for LazyUnion<'_, Shape> {
    fn deep(self) -> bool {
        nested(self.verify(), self.decode(), shape, Shape::from)
    }
}

impl Deep for LazyUnion<'_, Open> {
    fn deep(self) -> bool {
        nested(self.verify(), self.decode(), open, Open::from)
    }
}

/// [`Subject::shallow`] of a one-field table: the shallow view, formatted,
/// and its field read completely.
fn shallow_verdict<V: Debug, F: Deep>(
    viewed: flatstream::Result<V>,
    field: impl Fn(V) -> F,
) -> bool {
    match viewed {
        Ok(view) => {
            let _ = format!("{view:?}");
            field(view).deep()
        }
        Err(err) => {
            assert!(err.is_corruption(), "{err:?}");
            false
        }
    }
}

/// Reads every element of `vector` every way there is.
fn vector<T: VectorElement + Debug>(vector: Vector<'_, T>, mut element: impl FnMut(T::View<'_>)) {
    let _ = format!("{vector:?}");
    let len = vector.len();
    assert_eq!(vector.is_empty(), len == 0);
    assert_eq!(vector.iter().len(), len);
    let mut count = 0;
    for item in vector.iter() {
        element(item);
        count += 1;
    }
    assert_eq!(count, len);
    assert_eq!(vector.iter().rev().count(), len);
    for index in 0..len {
        element(vector.get(index).expect("an element below len"));
    }
    assert!(vector.get(len).is_none());
    assert!(vector.get(usize::MAX).is_none());
    assert_eq!(vector.first().is_some(), len > 0);
    if let Some(last) = vector.last() {
        element(last);
    }
    let owned = vector.to_vec();
    assert_eq!(owned.len(), len);
    let _ = format!("{owned:?}");
}

fn leaf(view: LeafView<'_>) {
    let _ = (view.a(), view.s().len(), format!("{view:?}"));
}

fn dot(view: DotView<'_>) {
    let _ = (view.r(), format!("{view:?}"));
}

fn shape(view: ShapeView<'_>) {
    match view {
        ShapeView::Leaf(l) => leaf(l),
        ShapeView::Dot(d) => dot(d),
    }
}

fn open(view: OpenView<'_>) {
    match view {
        OpenView::Leaf(l) => leaf(l),
        OpenView::Dot(d) => dot(d),
        OpenView::Unknown => {}
    }
}

fn dims(value: Dims) {
    let _ = format!(
        "{value:?} {}",
        value.w.iter().map(|&w| u32::from(w)).sum::<u32>()
    );
}

macro_rules! subject {
    ($($ty:ident => |$v:ident| $walk:expr;)*) => {
        $(
            impl Subject for $ty {
                #[allow(clippy::unit_arg, clippy::let_unit_value)]
                fn walk($v: Self::View<'_>) {
                    let _ = format!("{:?}", $walk);
                }

                fn shallow(payload: &[u8]) -> Option<bool> {
                    Some(shallow_verdict($ty::view_shallow(payload), |view| view.v()))
                }
            }
        )*
    };
}

/// Union messages, which have no shallow view.
macro_rules! union_subject {
    ($($ty:ident => |$v:ident| $walk:expr;)*) => {$(
        impl Subject for $ty {
            fn walk($v: Self::View<'_>) {
                $walk
            }

            fn shallow(_: &[u8]) -> Option<bool> {
                None
            }
        }
    )*};
}

subject! {
    SBool => |v| v.v();
    SU8 => |v| v.v();
    SI8 => |v| v.v();
    SU16 => |v| v.v();
    SI16 => |v| v.v();
    SU32 => |v| v.v();
    SI32 => |v| v.v();
    SU64 => |v| v.v();
    SI64 => |v| v.v();
    SF32 => |v| v.v();
    SF64 => |v| v.v();
    SStr => |v| v.v().chars().count();
    SBytes => |v| v.v().iter().map(|&b| u64::from(b)).sum::<u64>();
    SU32s => |v| vector(v.v(), |_| {});
    SU64s => |v| vector(v.v(), |_| {});
    SBools => |v| vector(v.v(), |b| assert!(u8::from(b) <= 1));
    SStrs => |v| vector(v.v(), |s| assert!(s.chars().count() <= s.len()));
    STable => |v| leaf(v.v());
    SBox => |v| leaf(v.v());
    STables => |v| vector(v.v(), leaf);
    SColor => |v| v.v();
    SMode => |v| v.v();
    SColors => |v| vector(v.v(), |_| {});
    SModes => |v| vector(v.v(), |_| {});
    SDims => |v| dims(v.v());
    SDimss => |v| vector(v.v(), dims);
    SShape => |v| shape(v.v());
    SOpen => |v| open(v.v());
    OBool => |v| v.v();
    OU16 => |v| v.v();
    OU64 => |v| v.v();
    OF64 => |v| v.v();
    OStr => |v| v.v().map(|s| s.chars().count());
    OBytes => |v| v.v().map(<[u8]>::len);
    OU32s => |v| v.v().map(|x| vector(x, |_| {}));
    OBools => |v| v.v().map(|x| vector(x, |b| assert!(u8::from(b) <= 1)));
    OStrs => |v| v.v().map(|x| vector(x, |s| assert!(s.len() < 1 << 20)));
    OTable => |v| v.v().map(leaf);
    OBox => |v| v.v().map(leaf);
    OTables => |v| v.v().map(|x| vector(x, leaf));
    OColor => |v| v.v();
    OMode => |v| v.v();
    OColors => |v| v.v().map(|x| vector(x, |_| {}));
    ODims => |v| v.v().map(dims);
    ODimss => |v| v.v().map(|x| vector(x, dims));
    OShape => |v| v.v().map(shape);
    OOpen => |v| v.v().map(open);
}

union_subject! {
    Shape => |v| shape(v);
    Open => |v| open(v);
}

/// `a == b`, false only for values holding a NaN.
fn reflexive<T: PartialEq>(a: &T, b: &T) -> bool {
    a == b
}

/// Reads `view` completely; `decoded` is what `decode_with_options` gave.
fn read_view<T: Subject>(name: &dyn Display, view: T::View<'_>, decoded: Option<&T>) -> T
where
    for<'a> T::View<'a>: Debug + PartialEq<T>,
{
    let _ = format!("{view:?}");
    T::walk(view);
    let owned = T::from_view(view);
    let _ = format!("{owned:?}");
    if reflexive(&owned, &owned) {
        assert!(
            view == owned,
            "{name}: the view differs from its owned value"
        );
        if let Some(decoded) = decoded {
            assert!(*decoded == owned, "{name}: decode differs from the view");
        }
    }
    owned
}

/// A case's name, the type and the bytes, formatted only on failure.
struct Label<'a, T> {
    name: &'a str,
    payload: &'a [u8],
    _type: core::marker::PhantomData<fn() -> T>,
}

impl<'a, T> Label<'a, T> {
    fn new(name: &'a str, payload: &'a [u8]) -> Self {
        Label {
            name,
            payload,
            _type: core::marker::PhantomData,
        }
    }
}

impl<T> Display for Label<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ty = std::any::type_name::<T>();
        write!(f, "{ty} / {} / {:02x?}", self.name, self.payload)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Refuse,
    Accept,
    Either,
}
use Expect::{Accept, Either, Refuse};

/// `Accept` when `ok`, else `Refuse`.
fn accept_if(ok: bool) -> Expect {
    if ok {
        Accept
    } else {
        Refuse
    }
}

/// Checks one payload: see the module documentation. Returns whether it
/// was accepted.
fn check<T: Subject>(name: &str, payload: &[u8], expect: Expect) -> bool
where
    for<'a> T::View<'a>: Debug + PartialEq<T>,
{
    let name = &Label::<T>::new(name, payload);
    let viewed = T::view(payload);
    let decoded = T::decode_with_options(payload, &VerifierOptions::default());
    let accepted = viewed.is_ok();
    assert_eq!(
        accepted,
        decoded.is_ok(),
        "{name}: view and decode disagree"
    );
    match (expect, &viewed) {
        (Refuse, Ok(_)) => panic!("{name}: accepted, must be refused"),
        (Accept, Err(err)) => panic!("{name}: refused ({err}), must be accepted"),
        (_, Err(err)) => assert!(err.is_corruption(), "{name}: {err:?}"),
        _ => {}
    }
    assert_eq!(
        T::view_with_options(payload, &VerifierOptions::default()).is_ok(),
        accepted,
        "{name}: view_with_options disagrees"
    );
    if let Some(deep) = T::shallow(payload) {
        assert_eq!(
            deep, accepted,
            "{name}: the shallow view and its nested tables disagree"
        );
    }
    if let Ok(view) = viewed {
        read_view::<T>(name, view, decoded.as_ref().ok());
    }
    // The same bytes at an odd address.
    let mut shifted = vec![0xA5u8; payload.len() + 1];
    shifted[1..].copy_from_slice(payload);
    match T::view(&shifted[1..]) {
        Ok(view) => {
            assert!(accepted, "{name}: accepted only at an odd address");
            read_view::<T>(name, view, None);
        }
        Err(_) => assert!(!accepted, "{name}: refused only at an odd address"),
    }
    through_streams::<T>(name, payload, accepted);
    accepted
}

/// [`check`] without the copies and streams, for the sweeps under Miri:
/// view, decode and read completely.
fn check_view<T: Subject>(name: &str, payload: &[u8], expect: Expect) -> bool
where
    for<'a> T::View<'a>: Debug + PartialEq<T>,
{
    if !cfg!(miri) {
        return check::<T>(name, payload, expect);
    }
    let name = &Label::<T>::new(name, payload);
    let viewed = T::view(payload);
    let decoded = T::decode_with_options(payload, &VerifierOptions::default());
    assert_eq!(
        viewed.is_ok(),
        decoded.is_ok(),
        "{name}: view and decode disagree"
    );
    assert!(
        expect != Refuse || viewed.is_err(),
        "{name}: accepted, must be refused"
    );
    if let Some(deep) = T::shallow(payload) {
        assert_eq!(
            deep,
            viewed.is_ok(),
            "{name}: the shallow view and its nested tables disagree"
        );
    }
    match viewed {
        Ok(view) => {
            read_view::<T>(name, view, decoded.as_ref().ok());
            true
        }
        Err(_) => false,
    }
}

fn framed<F: Framer>(framer: &F, payload: &[u8]) -> Option<Vec<u8>> {
    let mut stream = Vec::new();
    framer.frame_and_write(&mut stream, payload).ok()?;
    Some(stream)
}

/// Reads `payload`, framed, back through every reader.
fn through_streams<T: Subject>(name: &dyn Display, payload: &[u8], accepted: bool)
where
    for<'a> T::View<'a>: Debug + PartialEq<T>,
{
    let Some(plain) = framed(&DefaultFramer, payload) else {
        assert!(payload.is_empty(), "{name}: the framer refused it");
        return;
    };
    // Under Miri, one framing per payload, alternating with its length.
    let odd = payload.len() % 2 == 1;
    if !cfg!(miri) || !odd {
        read_stream::<T, _>(name, &plain, DefaultDeframer::default(), payload, accepted);
    }
    if cfg!(miri) && !odd {
        return;
    }
    let summed = framed(&ChecksumFramer::new(XxHash64::new()), payload).unwrap();
    read_stream::<T, _>(
        name,
        &summed,
        ChecksumDeframer::new(XxHash64::new()),
        payload,
        accepted,
    );
}

fn read_stream<T: Subject, D: Deframer + Clone>(
    name: &dyn Display,
    stream: &[u8],
    deframer: D,
    payload: &[u8],
    accepted: bool,
) where
    for<'a> T::View<'a>: Debug + PartialEq<T>,
{
    let mut slice = SliceReader::<T, D>::new(stream, deframer.clone());
    match slice.read() {
        Ok(Some(view)) => {
            assert!(accepted, "{name}: SliceReader accepted it");
            read_view::<T>(name, view, None);
            assert!(matches!(slice.read(), Ok(None)), "{name}: one frame");
        }
        Ok(None) => panic!("{name}: SliceReader saw no frame"),
        Err(err) => {
            assert!(!accepted, "{name}: SliceReader refused it: {err}");
            assert!(err.is_corruption());
        }
    }
    let mut reader = StreamReader::<T, _, D>::new(stream, deframer.clone());
    match reader.read() {
        Ok(Some(view)) => {
            assert!(accepted, "{name}: StreamReader accepted it");
            read_view::<T>(name, view, None);
        }
        Ok(None) => panic!("{name}: StreamReader saw no frame"),
        Err(err) => {
            assert!(!accepted, "{name}: StreamReader refused it: {err}");
            assert!(err.is_corruption());
        }
    }
    let mut raw = StreamReader::<T, _, D>::new(stream, deframer.clone());
    assert_eq!(
        raw.read_message().unwrap(),
        Some(payload),
        "{name}: raw payload"
    );
    let mut owned = StreamReader::<T, _, D>::new(stream, deframer);
    let first = owned.next().expect("one frame");
    assert_eq!(
        first.is_ok(),
        accepted,
        "{name}: the owned iterator disagrees"
    );
}

// ---------------------------------------------------------------------------
// Building payloads by hand.
// ---------------------------------------------------------------------------

/// The standard layout: the root offset at 0 points to the table at
/// `TABLE`; its vtable is at `VTABLE`, up to four slots; field data starts
/// at `DATA`, which is 8-aligned.
const VTABLE: usize = 4;
const TABLE: usize = 20;
const DATA: usize = 24;

/// A payload under construction: little-endian writes at absolute
/// positions, growing the buffer with zeros as needed.
#[derive(Clone, Debug, Default)]
struct Bytes(Vec<u8>);

impl Bytes {
    fn put(&mut self, at: usize, bytes: &[u8]) -> &mut Self {
        if self.0.len() < at + bytes.len() {
            self.0.resize(at + bytes.len(), 0);
        }
        self.0[at..at + bytes.len()].copy_from_slice(bytes);
        self
    }
    fn u16(&mut self, at: usize, value: u16) -> &mut Self {
        self.put(at, &value.to_le_bytes())
    }
    fn u32(&mut self, at: usize, value: u32) -> &mut Self {
        self.put(at, &value.to_le_bytes())
    }
    fn i32(&mut self, at: usize, value: i32) -> &mut Self {
        self.put(at, &value.to_le_bytes())
    }
    /// A uoffset at `at` to `target`.
    fn to(&mut self, at: usize, target: usize) -> &mut Self {
        self.u32(at, (target - at) as u32)
    }
    /// Grows (with zeros) or cuts the buffer to `len` bytes.
    fn len(&mut self, len: usize) -> &mut Self {
        self.0.resize(len, 0);
        self
    }
    /// Sets the vtable entry of slot `index` (0-based) of the standard
    /// table so that the field is at `pos`.
    fn slot(&mut self, index: usize, pos: usize) -> &mut Self {
        self.u16(VTABLE + 4 + 2 * index, (pos - TABLE) as u16)
    }
    /// Sets the raw vtable entry of slot `index`.
    fn raw_slot(&mut self, index: usize, entry: u16) -> &mut Self {
        self.u16(VTABLE + 4 + 2 * index, entry)
    }
    /// A table at `table` whose vtable is at `vtable` with `entries`.
    fn table_at(&mut self, table: usize, vtable: usize, entries: &[u16]) -> &mut Self {
        self.i32(table, (table as i64 - vtable as i64) as i32);
        self.u16(vtable, (4 + 2 * entries.len()) as u16);
        self.u16(vtable + 2, 8);
        for (index, &entry) in entries.iter().enumerate() {
            self.u16(vtable + 4 + 2 * index, entry);
        }
        self
    }
    fn done(&self) -> Vec<u8> {
        self.0.clone()
    }
}

/// The standard layout with `slots` slots, all absent, `len` bytes long.
fn standard(slots: usize, len: usize) -> Bytes {
    assert!(slots <= 4);
    let mut bytes = Bytes::default();
    bytes
        .u32(0, TABLE as u32)
        .u16(VTABLE, (4 + 2 * slots) as u16)
        .u16(VTABLE + 2, (len - TABLE) as u16)
        .i32(TABLE, (TABLE - VTABLE) as i32)
        .len(len);
    bytes
}

struct Case {
    name: String,
    payload: Vec<u8>,
    expect: Expect,
}

#[derive(Default)]
struct Cases(Vec<Case>);

impl Cases {
    fn add(&mut self, name: impl Into<String>, payload: Vec<u8>, expect: Expect) {
        self.0.push(Case {
            name: name.into(),
            payload,
            expect,
        });
    }
    /// Runs every case on `T`; returns how many were accepted.
    fn run<T: Subject>(&self) -> usize
    where
        for<'a> T::View<'a>: Debug + PartialEq<T>,
    {
        self.0
            .iter()
            .filter(|case| check::<T>(&case.name, &case.payload, case.expect))
            .count()
    }
}

// ---------------------------------------------------------------------------
// Root offsets and vtables: the same for every type.
// ---------------------------------------------------------------------------

/// Cases about the root offset and the root table's vtable, for a type
/// with `slots` slots that `needs` a field (a required one).
fn table_cases(slots: usize, needs: bool) -> Cases {
    let empty = accept_if(!needs);
    let mut cases = Cases::default();
    for len in 0..4 {
        cases.add(format!("{len} bytes"), vec![0; len], Refuse);
    }
    cases.add(
        "root past the end",
        standard(0, 32).u32(0, 32).done(),
        Refuse,
    );
    cases.add(
        "root at the last byte",
        standard(0, 32).u32(0, 31).done(),
        Refuse,
    );
    for root in [u32::MAX, u32::MAX - 3, 0x8000_0000] {
        cases.add(
            format!("root {root:#x}"),
            standard(0, 32).u32(0, root).done(),
            Refuse,
        );
    }
    cases.add("root unaligned", standard(0, 32).u32(0, 21).done(), Refuse);
    // The root points at itself: a table whose soffset 0 makes it its own
    // vtable, of length 0: no fields.
    cases.add("root at itself", vec![0; 4], empty);
    cases.add("root at itself, padded", vec![0; 16], empty);
    cases.add(
        "vtable length 0",
        standard(0, 32).u16(VTABLE, 0).done(),
        empty,
    );
    cases.add(
        "vtable length 2",
        standard(0, 32).u16(VTABLE, 2).done(),
        empty,
    );
    cases.add("vtable length 4", standard(0, 32).done(), empty);
    cases.add(
        "vtable odd length",
        standard(0, 32).u16(VTABLE, 5).done(),
        Refuse,
    );
    cases.add(
        "vtable length 7",
        standard(0, 32).u16(VTABLE, 7).done(),
        Refuse,
    );
    cases.add(
        "vtable longer than the buffer",
        standard(0, 32).u16(VTABLE, 0xFFFE).done(),
        Refuse,
    );
    cases.add(
        "vtable runs past the end by 2",
        standard(0, 32).u16(VTABLE, 30).done(),
        Refuse,
    );
    cases.add(
        "vtable past the end",
        standard(0, 32).i32(TABLE, -40).done(),
        Refuse,
    );
    cases.add(
        "vtable at the end",
        standard(0, 32).i32(TABLE, -12).done(),
        Refuse,
    );
    cases.add(
        "vtable before the start",
        standard(0, 32).i32(TABLE, TABLE as i32 + 4).done(),
        Refuse,
    );
    for soffset in [i32::MIN, i32::MAX, i32::MIN + 1, -1] {
        cases.add(
            format!("soffset {soffset}"),
            standard(0, 32).i32(TABLE, soffset).done(),
            Refuse,
        );
    }
    cases.add(
        "vtable unaligned",
        standard(0, 32).i32(TABLE, TABLE as i32 - 5).done(),
        Refuse,
    );
    // The soffset 0 makes the table its own vtable, of length 0.
    cases.add(
        "vtable is the table",
        standard(0, 32).i32(TABLE, 0).done(),
        empty,
    );
    // The soffset -2: the vtable's length is the soffset's high half, 0xffff.
    cases.add(
        "vtable in the soffset",
        standard(0, 32).i32(TABLE, -2).done(),
        Refuse,
    );
    // A vtable after its table, inside the table's bytes.
    cases.add(
        "vtable inside the table",
        standard(0, 32)
            .i32(TABLE, -4)
            .u16(DATA, 4)
            .u16(DATA + 2, 8)
            .done(),
        empty,
    );
    // A vtable of length 2 in the last two bytes: its table-size word would
    // be past the end, which nothing reads.
    cases.add(
        "vtable in the last two bytes",
        standard(0, 32).i32(TABLE, -10).u16(30, 2).done(),
        empty,
    );
    cases.add(
        "vtable of 4 in the last two bytes",
        standard(0, 32).i32(TABLE, -10).u16(30, 4).done(),
        Refuse,
    );
    if slots > 0 {
        let mut far = standard(slots, 40);
        for index in 0..slots {
            far.raw_slot(index, 0xFFF8);
        }
        cases.add("every slot far past the end", far.done(), Refuse);
        let mut end = standard(slots, 40);
        for index in 0..slots {
            end.slot(index, 40);
        }
        cases.add("every slot at the end", end.done(), Refuse);
    }
    cases
}

macro_rules! table_cases_for {
    ($($ty:ty: $slots:expr, $needs:expr;)*) => {$(
        table_cases($slots, $needs).run::<$ty>();
    )*};
}

#[test]
fn roots_and_vtables() {
    // The root table is found the same way for every type: under Miri, a
    // type of each shape of slots (scalar, offset, table, fixed, union).
    table_cases_for! {
        SU64: 1, false; SStr: 1, false; SU32s: 1, false; STable: 1, true;
        OTables: 1, false; SDims: 1, true; SShape: 2, true; OOpen: 2, false;
        Shape: 2, true; Open: 2, false;
    }
    if cfg!(miri) {
        return;
    }
    table_cases_for! {
        SBool: 1, false; SU8: 1, false; SI8: 1, false; SU16: 1, false; SI16: 1, false;
        SU32: 1, false; SI32: 1, false; SI64: 1, false; SF32: 1, false;
        SF64: 1, false; SBytes: 1, false; SU64s: 1, false;
        SBools: 1, false; SStrs: 1, false; SBox: 1, true;
        STables: 1, false; SColor: 1, false; SMode: 1, false; SColors: 1, false;
        SModes: 1, false; SDimss: 1, false;
        SOpen: 2, false; OBool: 1, false; OU16: 1, false; OU64: 1, false; OF64: 1, false;
        OStr: 1, false; OBytes: 1, false; OU32s: 1, false; OBools: 1, false;
        OStrs: 1, false; OTable: 1, false; OBox: 1, false;
        OColor: 1, false; OMode: 1, false; OColors: 1, false; ODims: 1, false;
        ODimss: 1, false; OShape: 2, false;
    }
}

// ---------------------------------------------------------------------------
// Scalars, enums and fixed structs stored inline.
// ---------------------------------------------------------------------------

/// Cases for an inline field of `width` bytes aligned to `align` in slot 0.
/// `value` is a valid value's bytes; `needs`: the field is required.
fn inline_cases(width: usize, align: usize, value: &[u8], needs: bool) -> Cases {
    let len = DATA + 16;
    let mut cases = Cases::default();
    let valid = || {
        let mut bytes = standard(1, len);
        bytes.slot(0, DATA).put(DATA, value);
        bytes
    };
    cases.add("valid", valid().done(), Accept);
    cases.add("absent", standard(1, len).done(), accept_if(!needs));
    cases.add(
        "absent, vtable too short",
        standard(0, len).done(),
        accept_if(!needs),
    );
    cases.add("past the end", valid().slot(0, len).done(), Refuse);
    cases.add(
        "far past the end",
        valid().raw_slot(0, 0xFFFF).done(),
        Refuse,
    );
    cases.add(
        "straddles the end",
        valid().len(DATA + width - 1).done(),
        Refuse,
    );
    cases.add("ends at the end", valid().len(DATA + width).done(), Accept);
    if align > 1 {
        // Fixed structs are only range-checked: any position.
        cases.add(
            "unaligned by 1",
            valid().slot(0, DATA + 1).put(DATA + 1, value).done(),
            Refuse,
        );
        cases.add(
            "unaligned by half",
            valid()
                .slot(0, DATA + align / 2)
                .put(DATA + align / 2, value)
                .done(),
            Refuse,
        );
    }
    if align <= 2 {
        // Inside the table's own soffset.
        let mut bytes = valid();
        bytes.raw_slot(0, 2);
        // The soffset's third byte (and fourth) is 0: a valid value of every
        // such type.
        cases.add("in the soffset", bytes.done(), Accept);
    }
    cases
}

/// Fixed structs: alignment is not checked (as in `flatbuffers`), so the
/// misaligned cases of `inline_cases` are accepted.
fn fixed_cases(value: &[u8], needs: bool) -> Cases {
    let len = DATA + 32;
    let mut cases = Cases::default();
    let at = |pos: usize| {
        let mut bytes = standard(1, len);
        bytes.slot(0, pos).put(pos, value).len(len);
        bytes.done()
    };
    cases.add("valid", at(DATA), Accept);
    cases.add("absent", standard(1, len).done(), accept_if(!needs));
    for shift in [1, 2, 3, 4, 5, 7] {
        cases.add(format!("misaligned by {shift}"), at(DATA + shift), Accept);
    }
    cases.add(
        "in the soffset",
        standard(1, len).raw_slot(0, 1).done(),
        Accept,
    );
    cases.add("straddles the end", at(len - 15), Refuse);
    cases.add("ends at the end", at(len - 16), Accept);
    cases.add(
        "past the end",
        standard(1, len).raw_slot(0, 0xFFF0).done(),
        Refuse,
    );
    cases
}

/// Runs `inline_cases` for a scalar type, plus garbage values.
macro_rules! scalar {
    ($ty:ty, $scalar:ty, $needs:expr) => {{
        let width = core::mem::size_of::<$scalar>();
        let value: Vec<u8> = (0..width as u8).map(|i| 0x41 + i).collect();
        inline_cases(width, width, &value, $needs).run::<$ty>();
        let mut cases = Cases::default();
        for fill in [0x00, 0x01, 0x02, 0x7F, 0x80, 0xFF] {
            let mut bytes = standard(1, DATA + 8);
            bytes.slot(0, DATA).put(DATA, &vec![fill; width]);
            cases.add(format!("filled with {fill:#x}"), bytes.done(), Accept);
        }
        cases.run::<$ty>();
    }};
}

#[test]
fn scalars() {
    scalar!(SBool, u8, false);
    scalar!(SU8, u8, false);
    scalar!(SI8, i8, false);
    scalar!(SU16, u16, false);
    scalar!(SI16, i16, false);
    scalar!(SU32, u32, false);
    scalar!(SI32, i32, false);
    scalar!(SU64, u64, false);
    scalar!(SI64, i64, false);
    scalar!(SF32, f32, false);
    scalar!(SF64, f64, false);
    scalar!(OBool, u8, false);
    scalar!(OU16, u16, false);
    scalar!(OU64, u64, false);
    scalar!(OF64, f64, false);
}

#[test]
fn bools_read_any_byte_as_a_bool() {
    let mut bytes = standard(1, DATA + 8);
    bytes.slot(0, DATA).put(DATA, &[0x02]);
    assert!(check::<SBool>("2", &bytes.done(), Accept));
    assert!(SBool::view(&bytes.done()).unwrap().v());
    assert_eq!(OBool::view(&bytes.done()).unwrap().v(), Some(true));
}

#[test]
fn enums() {
    let enum_cases = |width: usize, values: &[(i64, bool)]| {
        let mut one = vec![0u8; width];
        one[0] = 1;
        let mut cases = inline_cases(width, width, &one, false);
        for &(value, known) in values {
            let mut bytes = standard(1, DATA + 8);
            bytes.slot(0, DATA).put(DATA, &value.to_le_bytes()[..width]);
            cases.add(format!("value {value}"), bytes.done(), accept_if(known));
        }
        cases
    };
    let colors = [
        (0, true),
        (1, true),
        (2, true),
        (3, false),
        (0x7F, false),
        (0xFF, false),
    ];
    enum_cases(1, &colors).run::<SColor>();
    enum_cases(1, &colors).run::<OColor>();
    // `Mode` has `other`: every value is accepted.
    let modes = [
        (0, true),
        (1, true),
        (-1, true),
        (2, true),
        (-32768, true),
        (0x7FFF, true),
    ];
    enum_cases(2, &modes).run::<SMode>();
    enum_cases(2, &modes).run::<OMode>();
    let mut bytes = standard(1, DATA + 8);
    bytes.slot(0, DATA).put(DATA, &[9, 0]);
    assert_eq!(SMode::view(&bytes.done()).unwrap().v(), Mode::Unknown);
    assert_eq!(OMode::view(&bytes.done()).unwrap().v(), Some(Mode::Unknown));
}

/// The bytes of a `Dims`: `w` = [1, 2, 3], `z` = 4, `p` = 0.5.
fn dims_bytes(z: u8) -> Vec<u8> {
    let mut bytes = Bytes::default();
    bytes
        .u16(0, 1)
        .u16(2, 2)
        .u16(4, 3)
        .put(6, &[z, 0])
        .put(8, &0.5f64.to_le_bytes());
    bytes.done()
}

#[test]
fn fixed_structs() {
    fixed_cases(&dims_bytes(4), true).run::<SDims>();
    fixed_cases(&dims_bytes(4), false).run::<ODims>();
    let mut bytes = standard(1, DATA + 16);
    bytes.slot(0, DATA).put(DATA, &dims_bytes(4));
    let view = SDims::view(&bytes.0).unwrap();
    assert_eq!(view.v().w, [1, 2, 3]);
    assert_eq!(view.v().p, 0.5);
}

// ---------------------------------------------------------------------------
// Offsets: strings, vectors and tables.
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    Bytes,
    U32s,
    U64s,
    Bools,
    Strs,
    Table,
    Tables,
    Colors,
    Modes,
    Dimss,
}

/// Cases about the offset in slot 0 (at `DATA`) itself, whatever it points
/// to; `needs`: the field is required.
fn offset_cases(kind: Kind, needs: bool) -> Cases {
    let len = DATA + 64;
    let base = || {
        let mut bytes = standard(1, len);
        bytes.slot(0, DATA);
        bytes
    };
    let mut cases = Cases::default();
    cases.add("absent", standard(1, len).done(), accept_if(!needs));
    cases.add("slot past the end", base().slot(0, len).done(), Refuse);
    cases.add(
        "slot far past the end",
        base().raw_slot(0, 0xFFFC).done(),
        Refuse,
    );
    cases.add(
        "slot straddles the end",
        base().u32(DATA, 0).len(DATA + 2).done(),
        Refuse,
    );
    cases.add("slot unaligned", base().slot(0, DATA + 2).done(), Refuse);
    cases.add(
        "offset past the end",
        base().to(DATA, len + 4).done(),
        Refuse,
    );
    cases.add("offset to the end", base().to(DATA, len).done(), Refuse);
    cases.add(
        "offset to the last byte",
        base().to(DATA, len - 1).done(),
        Refuse,
    );
    for offset in [u32::MAX, u32::MAX - 3, 0x8000_0000, 0x7FFF_FFFC] {
        cases.add(
            format!("offset {offset:#x}"),
            base().u32(DATA, offset).done(),
            Refuse,
        );
    }
    for shift in [1, 2, 3] {
        cases.add(
            format!("target unaligned by {shift}"),
            base().u32(DATA, 8 + shift).done(),
            Refuse,
        );
    }
    // The offset 0 points at itself: a length (or soffset) of 0.
    let itself = match kind {
        // A string of length 0, then its NUL.
        Kind::Str => Accept,
        // A vector of `u64`s starts 4 bytes after an 8-aligned prefix.
        Kind::U64s => Refuse,
        // A table that is its own vtable, of length 0: no fields.
        _ => Accept,
    };
    cases.add("offset to itself", base().u32(DATA, 0).done(), itself);
    // A zero word in the last four bytes: empty, but a string has no NUL.
    let tail = match kind {
        Kind::Str => Refuse,
        _ => Accept,
    };
    cases.add(
        "target in the last word",
        base().to(DATA, len - 4).done(),
        tail,
    );
    cases
}

/// Cases about what the offset in slot 0 points to.
fn content_cases(kind: Kind) -> Cases {
    let mut cases = Cases::default();
    // The offset at `DATA` to `target`.
    let at = |target: usize| {
        let mut bytes = standard(1, target);
        bytes.slot(0, DATA).to(DATA, target);
        bytes
    };
    const T0: usize = DATA + 8;
    match kind {
        Kind::Str => {
            let string = |text: &[u8], nul: bool| {
                let mut bytes = at(T0);
                bytes.u32(T0, text.len() as u32).put(T0 + 4, text);
                if nul {
                    bytes.put(T0 + 4 + text.len(), &[0]);
                }
                bytes
            };
            cases.add("valid", string(b"hi", true).done(), Accept);
            cases.add("empty", string(b"", true).done(), Accept);
            cases.add("no NUL, at the end", string(b"hi", false).done(), Refuse);
            cases.add(
                "no NUL, empty at the end",
                string(b"", false).done(),
                Refuse,
            );
            cases.add(
                "no NUL, 8 bytes at the end",
                string(b"abcdefgh", false).done(),
                Refuse,
            );
            cases.add(
                "no NUL, 20 bytes at the end",
                string(&[b'a'; 20], false).done(),
                Refuse,
            );
            cases.add(
                "x for NUL",
                string(b"hi", false).put(T0 + 6, b"x\0\0\0").done(),
                Refuse,
            );
            cases.add("NUL is the last byte", string(b"abc", true).done(), Accept);
            cases.add(
                "non-ASCII, NUL last",
                string("é".as_bytes(), true).done(),
                Accept,
            );
            cases.add(
                "non-ASCII, no NUL",
                string("é".as_bytes(), false).done(),
                Refuse,
            );
            cases.add("multi-byte", string("é€😀".as_bytes(), true).done(), Accept);
            cases.add("40 ASCII bytes", string(&[b'z'; 40], true).done(), Accept);
            cases.add(
                "17 bytes ending in é",
                string("0123456789abcdeé".as_bytes(), true).done(),
                Accept,
            );
            let mut long_bad = vec![b'a'; 20];
            long_bad.push(0xFF);
            cases.add("20 ASCII then 0xff", string(&long_bad, true).done(), Refuse);
            let mut bad_first = vec![0xFF];
            bad_first.extend_from_slice(&[b'a'; 19]);
            cases.add(
                "0xff then 19 ASCII",
                string(&bad_first, true).done(),
                Refuse,
            );
            let mut cut = vec![b'a'; 16];
            cut.push(0xC3);
            cases.add("16 ASCII then a cut é", string(&cut, true).done(), Refuse);
            for bad in [
                &[0xFF][..],
                &[0xC0, 0x80],
                &[0xED, 0xA0, 0x80],
                &[0xE2, 0x82],
                &[0xF4, 0x90, 0x80, 0x80],
                &[0x80],
                &[b'a', b'b', 0xFE, b'c'],
            ] {
                cases.add(
                    format!("invalid UTF-8 {bad:02x?}"),
                    string(bad, true).done(),
                    Refuse,
                );
            }
            // Lengths that run past the end.
            for length in [3, 4, 5, 0x100, 0x7FFF_FFFF, 0xFFFF_FFFB, u32::MAX] {
                let mut bytes = string(b"hi", true);
                bytes.u32(T0, length);
                cases.add(format!("length {length:#x}"), bytes.done(), Refuse);
            }
        }
        Kind::Bytes | Kind::Bools | Kind::U32s | Kind::Colors | Kind::Modes => {
            let (width, element): (usize, &[u8]) = match kind {
                Kind::Bytes => (1, &[7]),
                Kind::Bools => (1, &[1]),
                Kind::Colors => (1, &[2]),
                Kind::Modes => (2, &[0xFF, 0xFF]),
                _ => (4, &[1, 2, 3, 4]),
            };
            let vector = |count: u32, room: usize| {
                let mut bytes = at(T0);
                bytes.u32(T0, count).len(T0 + 4 + room * width);
                for index in 0..room {
                    bytes.put(T0 + 4 + index * width, element);
                }
                bytes
            };
            cases.add("valid", vector(3, 3).done(), Accept);
            cases.add("empty at the end", vector(0, 0).done(), Accept);
            cases.add("one short", vector(3, 2).done(), Refuse);
            cases.add(
                "one short but a byte",
                vector(3, 2)
                    .put(T0 + 4 + 2 * width, &[0])
                    .len(T0 + 3 + 3 * width)
                    .done(),
                Refuse,
            );
            for count in [0x100, 0x4000_0000, 0x8000_0000, u32::MAX] {
                cases.add(
                    format!("length {count:#x}"),
                    vector(count, 3).done(),
                    Refuse,
                );
            }
            match kind {
                Kind::Bools => {
                    let bytes = vector(5, 5).put(T0 + 4, &[0, 1, 2, 0x80, 0xFF]).done();
                    cases.add("bytes 0, 1, 2, 0x80, 0xff", bytes, Accept);
                }
                Kind::Colors => {
                    cases.add("value 3", vector(2, 2).put(T0 + 5, &[3]).done(), Refuse);
                    cases.add(
                        "value 0xff",
                        vector(2, 2).put(T0 + 4, &[0xFF]).done(),
                        Refuse,
                    );
                }
                Kind::Modes => {
                    let bytes = vector(3, 3)
                        .put(T0 + 4, &[7, 0, 0x00, 0x80, 0xD4, 0xFE])
                        .done();
                    cases.add("unknown values", bytes, Accept);
                }
                _ => {}
            }
        }
        Kind::U64s | Kind::Dimss => {
            let (width, element) = match kind {
                Kind::U64s => (8, 0x0102_0304_0506_0708u64.to_le_bytes().to_vec()),
                _ => (16, dims_bytes(9)),
            };
            let vector = |prefix: usize, count: u32, room: usize| {
                let mut bytes = at(prefix);
                bytes.u32(prefix, count).len(prefix + 4 + room * width);
                for index in 0..room {
                    bytes.put(prefix + 4 + index * width, &element);
                }
                bytes
            };
            // `DATA + 4`: the elements start 8-aligned.
            cases.add("valid", vector(DATA + 4, 2, 2).done(), Accept);
            cases.add("one short", vector(DATA + 4, 2, 1).done(), Refuse);
            cases.add(
                "a byte short",
                vector(DATA + 4, 1, 1).len(DATA + 7 + width).done(),
                Refuse,
            );
            for count in [0x2000_0000, 0x1000_0000, u32::MAX] {
                cases.add(
                    format!("length {count:#x}"),
                    vector(DATA + 4, count, 2).done(),
                    Refuse,
                );
            }
            // Elements 4-aligned but not 8-aligned: refused for `u64`s; a
            // fixed struct is only range-checked.
            let misaligned = accept_if(kind == Kind::Dimss);
            cases.add(
                "elements misaligned",
                vector(DATA + 8, 2, 2).done(),
                misaligned,
            );
        }
        Kind::Strs => {
            // The vector at T0: two elements, strings "ab" and "cd" after.
            let strings = || {
                let mut bytes = at(T0);
                bytes
                    .u32(T0, 2)
                    .to(T0 + 4, T0 + 12)
                    .to(T0 + 8, T0 + 20)
                    .u32(T0 + 12, 2)
                    .put(T0 + 16, b"ab\0")
                    .u32(T0 + 20, 2)
                    .put(T0 + 24, b"cd\0")
                    .len(T0 + 28);
                bytes
            };
            cases.add("valid", strings().done(), Accept);
            cases.add(
                "one string twice",
                strings().to(T0 + 8, T0 + 12).done(),
                Accept,
            );
            // Each element's own word (0) is its string's length; the next
            // word's low byte its NUL.
            cases.add(
                "elements are their strings",
                strings()
                    .u32(T0 + 4, 0)
                    .u32(T0 + 8, 0)
                    .u32(T0 + 12, 0)
                    .done(),
                Accept,
            );
            // The first element's string is the second element: length 8,
            // the bytes 12 '\0' 0 0 0 2 0 0 0, then "ab", no NUL after 8.
            cases.add(
                "element points at an element",
                strings().to(T0 + 4, T0 + 8).done(),
                Refuse,
            );
            cases.add(
                "element past the end",
                strings().to(T0 + 8, T0 + 40).done(),
                Refuse,
            );
            cases.add(
                "element u32::MAX",
                strings().u32(T0 + 8, u32::MAX).done(),
                Refuse,
            );
            cases.add(
                "element unaligned",
                strings().to(T0 + 8, T0 + 21).done(),
                Refuse,
            );
            cases.add(
                "element invalid UTF-8",
                strings().put(T0 + 25, &[0xFF]).done(),
                Refuse,
            );
            cases.add(
                "element without NUL",
                strings().put(T0 + 26, b"x").done(),
                Refuse,
            );
            cases.add(
                "element length past the end",
                strings().u32(T0 + 20, 9).done(),
                Refuse,
            );
            for count in [3, 0x4000_0000, u32::MAX] {
                cases.add(
                    format!("length {count:#x}"),
                    strings().u32(T0, count).done(),
                    Refuse,
                );
            }
        }
        Kind::Table => {
            // `Leaf` at 40, its vtable at 32: `a` at 44, `s` at 48 → "xy" at 52.
            let leaf_at = || {
                let mut bytes = at(40);
                bytes
                    .table_at(40, 32, &[4, 8])
                    .u32(44, 7)
                    .to(48, 52)
                    .u32(52, 2)
                    .put(56, b"xy\0\0");
                bytes
            };
            cases.add("valid", leaf_at().done(), Accept);
            // The outer vtable: slot 0 at 4, `a` at 44.
            cases.add(
                "shares the outer vtable",
                leaf_at().i32(40, 40 - VTABLE as i32).done(),
                Accept,
            );
            cases.add(
                "vtable past the end",
                leaf_at().i32(40, -100).done(),
                Refuse,
            );
            cases.add("vtable at the end", leaf_at().i32(40, -20).done(), Refuse);
            cases.add(
                "soffset i32::MIN",
                leaf_at().i32(40, i32::MIN).done(),
                Refuse,
            );
            cases.add("vtable odd length", leaf_at().u16(32, 7).done(), Refuse);
            cases.add(
                "vtable length past the end",
                leaf_at().u16(32, 40).done(),
                Refuse,
            );
            cases.add("vtable unaligned", leaf_at().i32(40, 7).done(), Refuse);
            cases.add("a unaligned", leaf_at().u16(36, 5).done(), Refuse);
            cases.add("a past the end", leaf_at().u16(36, 0x100).done(), Refuse);
            cases.add("s past the end", leaf_at().u32(48, 0x100).done(), Refuse);
            cases.add(
                "s invalid UTF-8",
                leaf_at().put(56, &[0xC3, b'y']).done(),
                Refuse,
            );
            cases.add(
                "s without NUL",
                leaf_at().put(58, b"!").len(59).done(),
                Refuse,
            );
            // `s`'s offset points at `a` (7): a length 7 runs past the end.
            cases.add(
                "s points at a",
                leaf_at().u32(48, u32::MAX - 3).done(),
                Refuse,
            );
            cases.add(
                "s is its own offset",
                leaf_at().u32(48, 0).u32(52, 0).done(),
                Accept,
            );
            cases.add(
                "s is its own offset, no NUL",
                leaf_at().u32(48, 0).done(),
                Refuse,
            );
        }
        Kind::Tables => {
            // The vector at 32: two elements, both to the `Leaf` at 56 whose
            // vtable is at 48: `a` at 60, `s` at 64 → "q" at 68.
            let leaves = || {
                let mut bytes = at(32);
                bytes
                    .u32(32, 2)
                    .to(36, 56)
                    .to(40, 56)
                    .table_at(56, 48, &[4, 8])
                    .u32(60, 3)
                    .to(64, 68)
                    .u32(68, 1)
                    .put(72, b"q\0\0\0");
                bytes
            };
            cases.add("one table twice", leaves().done(), Accept);
            cases.add("element past the end", leaves().to(40, 200).done(), Refuse);
            cases.add(
                "element u32::MAX",
                leaves().u32(40, u32::MAX).done(),
                Refuse,
            );
            cases.add("element unaligned", leaves().to(40, 57).done(), Refuse);
            cases.add("element's vtable odd", leaves().u16(48, 9).done(), Refuse);
            cases.add(
                "element's vtable past the end",
                leaves().i32(56, -40).done(),
                Refuse,
            );
            cases.add(
                "element's string past the end",
                leaves().u32(68, 9).done(),
                Refuse,
            );
            // An element that points at the next element: a table whose
            // soffset is that element's offset (16), its vtable at 24 (the
            // outer field: length 8, table size 0, no entries).
            cases.add(
                "element points at an element",
                leaves().to(36, 40).done(),
                Accept,
            );
            // A third element (0, at 44) would be a table that is its own
            // vtable; a fourth (0x80008, at 48) points past the end.
            for count in [4, 0x4000_0000, u32::MAX] {
                cases.add(
                    format!("length {count:#x}"),
                    leaves().u32(32, count).done(),
                    Refuse,
                );
            }
        }
    }
    cases
}

macro_rules! offsets {
    ($($kind:ident: $($ty:ty = $needs:expr),*;)*) => {$($(
        offset_cases(Kind::$kind, $needs).run::<$ty>();
        assert!(content_cases(Kind::$kind).run::<$ty>() > 0);
    )*)*};
}

#[test]
fn strings() {
    offsets! { Str: SStr = false, OStr = false; }
}

#[test]
fn byte_vectors() {
    offsets! { Bytes: SBytes = false, OBytes = false; }
}

#[test]
fn scalar_vectors() {
    offsets! {
        U32s: SU32s = false, OU32s = false;
        U64s: SU64s = false;
        Bools: SBools = false, OBools = false;
    }
    let mut bytes = standard(1, DATA + 16);
    bytes
        .slot(0, DATA)
        .to(DATA, DATA + 8)
        .u32(DATA + 8, 3)
        .put(DATA + 12, &[0, 2, 0xFF]);
    let view = SBools::view(&bytes.0).unwrap();
    assert_eq!(view.v().iter().collect::<Vec<bool>>(), [false, true, true]);
    assert_eq!(view.v().to_vec(), [false, true, true]);
}

#[test]
fn string_vectors() {
    offsets! { Strs: SStrs = false, OStrs = false; }
}

#[test]
fn tables() {
    offsets! {
        Table: STable = true, SBox = true, OTable = false, OBox = false;
        Tables: STables = false, OTables = false;
    }
}

#[test]
fn enum_and_fixed_vectors() {
    offsets! {
        Colors: SColors = false, OColors = false;
        Modes: SModes = false;
        Dimss: SDimss = false, ODimss = false;
    }
}

// ---------------------------------------------------------------------------
// Unions: the tag in slot 0 (at `DATA`), the value's offset in slot 1 (at
// `DATA + 4`).
// ---------------------------------------------------------------------------

/// Where the union's tag and value are, and the empty table (valid as a
/// `Leaf` and as a `Dot`) at 40 with its vtable at 36.
const TAG: usize = DATA;
const VALUE: usize = DATA + 4;

fn union_cases(other: bool, optional: bool) -> Cases {
    let required = !other && !optional;
    // What a tag of 0 ("none") or an unknown tag gives, value aside.
    let none = accept_if(!required);
    let unknown = accept_if(other);
    let len = 48;
    let union = |tag: u8| {
        let mut bytes = standard(2, len);
        bytes
            .slot(0, TAG)
            .slot(1, VALUE)
            .put(TAG, &[tag])
            .to(VALUE, 40);
        bytes.table_at(40, 36, &[]).len(len);
        bytes
    };
    let mut cases = Cases::default();
    cases.add("Leaf", union(1).done(), Accept);
    cases.add("Dot", union(2).done(), Accept);
    cases.add("both absent", standard(2, len).done(), none);
    cases.add(
        "both absent, vtable too short",
        standard(0, len).done(),
        none,
    );
    cases.add("tag without value", union(1).raw_slot(1, 0).done(), Refuse);
    cases.add(
        "tag without value, vtable too short",
        union(1).u16(VTABLE, 6).done(),
        Refuse,
    );
    cases.add("value without tag", union(1).raw_slot(0, 0).done(), Refuse);
    // Behind a tag of 0 or an unknown one, the value is never followed.
    for (tag, expect) in [(0, none), (3, unknown), (9, unknown), (255, unknown)] {
        cases.add(format!("tag {tag}, value valid"), union(tag).done(), expect);
        for (what, offset) in [("past the end", 0x1000), ("u32::MAX", u32::MAX)] {
            cases.add(
                format!("tag {tag}, value offset {what}"),
                union(tag).u32(VALUE, offset).done(),
                expect,
            );
        }
    }
    cases.add(
        "tag 0, tag absent, value valid",
        union(0).raw_slot(0, 0).done(),
        Refuse,
    );
    // The value's slot itself out of the buffer or misaligned, behind a tag
    // that says there is nothing to read: the rules never look at it.
    let unread = |ok: bool| if ok { Either } else { Refuse };
    for (tag, ok) in [(0, !required), (9, other), (255, other)] {
        cases.add(
            format!("tag {tag}, value slot past the end"),
            union(tag).slot(1, len).done(),
            unread(ok),
        );
        cases.add(
            format!("tag {tag}, value slot far past the end"),
            union(tag).raw_slot(1, 0xFFF0).done(),
            unread(ok),
        );
        cases.add(
            format!("tag {tag}, value slot straddles the end"),
            union(tag).slot(1, len - 2).done(),
            unread(ok),
        );
        cases.add(
            format!("tag {tag}, value slot unaligned"),
            union(tag).slot(1, VALUE + 1).done(),
            unread(ok),
        );
    }
    cases.add(
        "tag 1, value slot past the end",
        union(1).slot(1, len).done(),
        Refuse,
    );
    cases.add(
        "tag 1, value slot straddles the end",
        union(1).slot(1, len - 2).done(),
        Refuse,
    );
    cases.add(
        "tag 1, value slot unaligned",
        union(1).slot(1, VALUE + 1).done(),
        Refuse,
    );
    cases.add(
        "tag 1, value offset past the end",
        union(1).u32(VALUE, 0x1000).done(),
        Refuse,
    );
    cases.add(
        "tag 2, value offset u32::MAX",
        union(2).u32(VALUE, u32::MAX).done(),
        Refuse,
    );
    cases.add(
        "tag 1, value unaligned",
        union(1).to(VALUE, 41).done(),
        Refuse,
    );
    cases.add(
        "tag 1, value's vtable odd",
        union(1).u16(36, 5).done(),
        Refuse,
    );
    cases.add(
        "tag 1, value's vtable past the end",
        union(1).i32(40, -8).done(),
        Refuse,
    );
    cases.add(
        "tag 1, value's field past the end",
        union(1).table_at(40, 32, &[0x80]).done(),
        Refuse,
    );
    cases.add(
        "tag slot past the end",
        union(1).slot(0, len).done(),
        Refuse,
    );
    cases.add(
        "tag slot far past the end",
        union(1).raw_slot(0, 0xFFFF).done(),
        Refuse,
    );
    // The value's offset 0 points at itself: a table that is its own
    // vtable of length 0.
    cases.add(
        "tag 1, value is its own offset",
        union(1).u32(VALUE, 0).done(),
        Accept,
    );
    // The tag inside the value's offset.
    cases.add(
        "tag in the value's offset",
        union(1).slot(0, VALUE).done(),
        Either,
    );
    cases
}

/// One test per union type: `union_cases(other, optional)` run on it.
macro_rules! union_tests {
    ($($name:ident: $ty:ty, other: $other:expr, optional: $optional:expr;)*) => {$(
        #[test]
        fn $name() {
            union_cases($other, $optional).run::<$ty>();
        }
    )*};
}

union_tests! {
    union_field: SShape, other: false, optional: false;
    union_message: Shape, other: false, optional: false;
    union_field_with_other: SOpen, other: true, optional: false;
    union_message_with_other: Open, other: true, optional: false;
    union_field_optional: OShape, other: false, optional: true;
    union_field_optional_with_other: OOpen, other: true, optional: true;
}

// ---------------------------------------------------------------------------
// Valid payloads, cut short and with one byte changed.
// ---------------------------------------------------------------------------

// The message with every field kind that `tests/miri.rs` reads intact.

fn reading(view: ReadingView<'_>) {
    let _ = (view.sensor().len(), view.value(), format!("{view:?}"));
}

fn frame(value: Frame) {
    let _ = format!("{value:?}");
}

fn body(view: BodyView<'_>) {
    match view {
        BodyView::Reading(r) => reading(r),
        BodyView::Note(n) => assert!(n.text().len() < 1 << 20),
    }
}

fn forward(view: ForwardView<'_>) {
    if let ForwardView::Reading(r) = view {
        reading(r);
    }
}

impl Subject for All {
    fn walk(v: Self::View<'_>) {
        let _ = (v.ok(), v.a(), v.b(), v.c(), v.d(), v.e(), v.f());
        let _ = (v.g(), v.h(), v.i(), v.j(), v.level(), v.axis());
        let _ = (v.text().len(), v.raw().len(), v.opt_bool(), v.opt_i64());
        vector(v.shorts(), |_| {});
        vector(v.longs(), |_| {});
        vector(v.floats(), |_| {});
        vector(v.flags(), |_| {});
        vector(v.words(), |s| assert!(s.len() < 1 << 20));
        reading(v.reading());
        reading(v.boxed());
        vector(v.readings(), reading);
        vector(v.levels(), |_| {});
        vector(v.axes(), |_| {});
        frame(v.frame());
        vector(v.frames(), frame);
        body(v.body());
        forward(v.forward());
        let _ = (v.maybe_body().map(body), v.maybe_forward().map(forward));
        let mut node = v.node();
        while let Some(child) = node.child() {
            node = child;
        }
        vector(v.sensors(), |s| assert!(s.label().len() < 1 << 20));
        vector(v.named(), |n| assert!(n.name().len() < 1 << 20));
        let _ = (
            v.sensors().lookup_by_key(&3),
            v.named().lookup_by_key("fig"),
        );
        let _ = (
            v.opt_text(),
            v.opt_raw(),
            v.opt_level(),
            v.opt_frame().map(frame),
        );
        let _ = v.opt_words().map(|w| vector(w, |_| {}));
        let _ = v.opt_reading().map(reading);
        let _ = v.opt_readings().map(|r| vector(r, reading));
        let _ = v.opt_frames().map(|f| vector(f, frame));
        let _ = (v.label().len(), v.opt_label().map(str::len));
        vector(v.labels(), |s| assert!(s.len() < 1 << 20));
    }

    /// The shallow view read completely, every nested table verified from
    /// its `Lazy` and walked as `walk` walks it.
    fn shallow(payload: &[u8]) -> Option<bool> {
        let Ok(v) = All::view_shallow(payload) else {
            return Some(false);
        };
        let _ = format!("{v:?}");
        let _ = (
            v.ok(),
            v.a(),
            v.j(),
            v.level(),
            v.text().len(),
            v.raw().len(),
        );
        vector(v.shorts(), |_| {});
        vector(v.words(), |s| assert!(s.len() < 1 << 20));
        vector(v.frames(), frame);
        let _ = (v.opt_text(), v.opt_frame().map(frame));
        let _ = v.opt_frames().map(|f| vector(f, frame));
        let _ = (v.label().len(), v.opt_label().map(str::len));
        vector(v.labels(), |s| assert!(s.len() < 1 << 20));
        let deep = || -> flatstream::Result<()> {
            reading(v.reading().verify()?);
            let _ = v.boxed().verify_shallow()?.value();
            reading(v.boxed().verify()?);
            for lazy in v.readings() {
                reading(lazy.verify()?);
            }
            body(v.body().verify()?);
            forward(v.forward().verify()?);
            if let Some(lazy) = v.maybe_body() {
                body(lazy.verify()?);
            }
            if let Some(lazy) = v.maybe_forward() {
                forward(lazy.verify()?);
            }
            let mut node = v.node().verify_shallow()?;
            while let Some(child) = node.child() {
                node = child.verify_shallow()?;
            }
            vector(v.sensors().verify()?, |s| {
                assert!(s.label().len() < 1 << 20)
            });
            vector(v.named().verify()?, |n| assert!(n.name().len() < 1 << 20));
            if let Some(lazy) = v.opt_reading() {
                reading(lazy.verify()?);
            }
            if let Some(lazy) = v.opt_readings() {
                vector(lazy.verify()?, reading);
            }
            Ok(())
        };
        Some(deep().is_ok())
    }
}

fn a_leaf(n: u32) -> Leaf {
    Leaf {
        a: n,
        s: format!("leaf {n}"),
    }
}

/// Every prefix of `value`'s payload (every `stride`-th one, and the last
/// eight) and every single-byte change at every `stride`-th position with
/// each of `masks`: refused, or read completely. Returns how many of the
/// changed payloads were refused.
fn sweep<T: Subject>(value: &T, stride: usize, masks: &[u8]) -> usize
where
    for<'a> T::View<'a>: Debug + PartialEq<T>,
{
    let payload = payload_of(value);
    assert!(check::<T>("intact", &payload, Accept));
    assert!(T::view(&payload).unwrap() == *value);
    let len = payload.len();
    for cut in (0..len).filter(|&cut| cut % stride == 0 || cut + 8 >= len) {
        let expect = if cut < 4 { Refuse } else { Either };
        check_view::<T>(&format!("cut to {cut}"), &payload[..cut], expect);
    }
    let mut refused = 0;
    let mut changed = payload.clone();
    for at in (0..len).step_by(stride) {
        for &mask in masks {
            changed[at] ^= mask;
            if !check_view::<T>(&format!("byte {at} ^ {mask:#x}"), &changed, Either) {
                refused += 1;
            }
            changed[at] ^= mask;
        }
    }
    refused
}

fn masks() -> &'static [u8] {
    if cfg!(miri) {
        &[0x80]
    } else {
        &[0x01, 0x80, 0xFF]
    }
}

#[test]
fn sweep_small_messages() {
    // Every position natively; under Miri every other one, which with
    // messages of different lengths and layouts still reaches every kind
    // of byte (offsets, lengths, tags, data).
    let stride = if cfg!(miri) { 2 } else { 1 };
    // The root offset's high byte: always refused.
    assert!(
        sweep(
            &SStr {
                v: "hostile".into()
            },
            stride,
            masks()
        ) > 0
    );
    assert!(
        sweep(
            &SU64 {
                v: 0x0102_0304_0506_0708
            },
            stride,
            masks()
        ) > 0
    );
    assert!(
        sweep(
            &SBools {
                v: vec![true, false]
            },
            stride,
            masks()
        ) > 0
    );
    assert!(
        sweep(
            &SColors {
                v: vec![Color::Blue]
            },
            stride,
            masks()
        ) > 0
    );
    assert!(
        sweep(
            &SModes {
                v: vec![Mode::Off, Mode::On]
            },
            stride,
            masks()
        ) > 0
    );
    assert!(
        sweep(
            &STables {
                v: vec![a_leaf(1), a_leaf(2)]
            },
            stride,
            masks()
        ) > 0
    );
    assert!(
        sweep(
            &SStrs {
                v: vec!["a".into(), "bc".into()]
            },
            stride,
            masks()
        ) > 0
    );
    assert!(
        sweep(
            &SDimss {
                v: vec![Dims {
                    w: [1, 2, 3],
                    z: 4,
                    p: -2.5,
                }]
            },
            stride,
            masks()
        ) > 0
    );
    assert!(sweep(&Shape::Leaf(a_leaf(9)), stride, masks()) > 0);
    assert!(sweep(&Open::Dot(Dot { r: 1.0 }), stride, masks()) > 0);
    assert!(
        sweep(
            &OOpen {
                v: Some(Open::Leaf(a_leaf(3)))
            },
            stride,
            masks()
        ) > 0
    );
}

#[test]
fn sweep_every_field_kind() {
    // Under Miri every 61st byte of the message (about 1 KiB): the
    // small messages above reach every kind of byte more densely.
    let stride = if cfg!(miri) { 61 } else { 1 };
    assert!(sweep(&sorted(all(1)), stride, masks()) > 0);
}
