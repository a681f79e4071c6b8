//! flatstream's verifier against an independent oracle: accessors for
//! `Outer` written by hand as `flatc` writes them, verified by the
//! `flatbuffers` crate's `Verifier`, with flatstream's documented rules on
//! top (a table field not in `Option` is required; an enum without an
//! `other` variant refuses unknown values, in fields and in vectors).
//! Valid messages, damaged and truncated, must get the same verdict from
//! both.

use flatstream::flatbuffers::{self, FlatBufferBuilder, InvalidFlatbuffer};
use flatstream::{StreamDeserialize, StreamSerialize};
use proptest::prelude::*;

// The types of `tests/derive_verify.rs` the oracle covers.

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
pub enum Kind {
    A = 1,
    B = 2,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Inner {
    pub label: String,
    pub kind: Kind,
    pub numbers: Vec<u32>,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Outer {
    pub id: u64,
    pub inner: Inner,
    pub inners: Vec<Inner>,
    pub kinds: Vec<Kind>,
    pub names: Vec<String>,
    pub maybe: Option<Box<Outer>>,
    pub blob: Vec<u8>,
}

/// The oracle, by hand, for
///
/// ```text
/// enum Kind : ushort { A = 1, B = 2 }
/// table Inner { label: string; kind: Kind = A; numbers: [uint]; }
/// table Outer { id: ulong; inner: Inner (required); inners: [Inner];
///               kinds: [Kind]; names: [string]; maybe: Outer;
///               blob: [ubyte]; }
/// ```
///
/// `R` can leave a rule out, to show that the comparison notices.
mod oracle {
    use core::marker::PhantomData;

    use flatstream::flatbuffers::{
        Follow, ForwardsUOffset, InvalidFlatbuffer, Table, VOffsetT, Vector, Verifiable, Verifier,
    };

    type Verified = Result<(), InvalidFlatbuffer>;

    pub const fn slot(id: VOffsetT) -> VOffsetT {
        4 + 2 * id
    }

    /// Which of flatstream's rules on top of `flatc`'s the oracle applies.
    pub trait Rules: 'static {
        /// Unknown `Kind` values are refused.
        const KNOWN_KINDS: bool = true;
        /// `Outer::inner` must be present.
        const INNER_REQUIRED: bool = true;
    }

    /// Every rule.
    #[derive(Debug)]
    pub enum Strict {}
    impl Rules for Strict {}

    /// Takes any `Kind` value, as plain `flatc` code does.
    #[derive(Debug)]
    pub enum AnyKind {}
    impl Rules for AnyKind {
        const KNOWN_KINDS: bool = false;
    }

    /// Lets `inner` be absent, as plain `flatc` code does.
    #[derive(Debug)]
    pub enum InnerOptional {}
    impl Rules for InnerOptional {
        const INNER_REQUIRED: bool = false;
    }

    /// `Kind`, a `ushort` holding 1 or 2.
    pub struct Kind<R>(PhantomData<R>);

    impl<R: Rules> Verifiable for Kind<R> {
        fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Verified {
            u16::run_verifier(v, pos)?;
            if R::KNOWN_KINDS {
                let value = u16::from_le_bytes([v.get_u8(pos)?, v.get_u8(pos + 1)?]);
                if !(1..=2).contains(&value) {
                    return InvalidFlatbuffer::new_missing_required(format!("Kind {value}"));
                }
            }
            Ok(())
        }
    }

    /// `[Kind]`: a `[ushort]`, each element a known `Kind`.
    pub struct Kinds<R>(PhantomData<R>);

    impl<R: Rules> Verifiable for Kinds<R> {
        fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Verified {
            Vector::<'_, u16>::run_verifier(v, pos)?;
            let len = v.get_uoffset(pos)? as usize;
            for index in 0..len {
                Kind::<R>::run_verifier(v, pos + 4 + 2 * index)?;
            }
            Ok(())
        }
    }

    /// `table Inner`.
    pub struct Inner<R>(PhantomData<R>);

    impl<R> Inner<R> {
        pub const LABEL: VOffsetT = slot(0);
        pub const KIND: VOffsetT = slot(1);
        pub const NUMBERS: VOffsetT = slot(2);
    }

    impl<R: Rules> Verifiable for Inner<R> {
        fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Verified {
            v.visit_table(pos)?
                .visit_field::<ForwardsUOffset<&str>>("label", Self::LABEL, false)?
                .visit_field::<Kind<R>>("kind", Self::KIND, false)?
                .visit_field::<ForwardsUOffset<Vector<'_, u32>>>("numbers", Self::NUMBERS, false)?
                .finish();
            Ok(())
        }
    }

    /// `table Outer`, the root.
    #[derive(Clone, Copy, Debug)]
    pub struct Outer<'a, R = Strict> {
        pub table: Table<'a>,
        rules: PhantomData<R>,
    }

    impl<R> Outer<'_, R> {
        pub const ID: VOffsetT = slot(0);
        pub const INNER: VOffsetT = slot(1);
        pub const INNERS: VOffsetT = slot(2);
        pub const KINDS: VOffsetT = slot(3);
        pub const NAMES: VOffsetT = slot(4);
        pub const MAYBE: VOffsetT = slot(5);
        pub const BLOB: VOffsetT = slot(6);
    }

    impl<R> Outer<'_, R> {
        /// `id`, as `flatc` reads it.
        pub fn id(&self) -> u64 {
            // SAFETY: the table was verified, `id` as a `ulong`.
            unsafe { self.table.get::<u64>(Self::ID, Some(0)) }.unwrap_or(0)
        }
    }

    impl<'a, R> Follow<'a> for Outer<'a, R> {
        type Inner = Outer<'a, R>;

        unsafe fn follow(buf: &'a [u8], loc: usize) -> Self::Inner {
            Outer {
                // SAFETY: the caller guarantees a table at `loc`.
                table: unsafe { Table::new(buf, loc) },
                rules: PhantomData,
            }
        }
    }

    impl<R: Rules> Verifiable for Outer<'_, R> {
        fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Verified {
            v.visit_table(pos)?
                .visit_field::<u64>("id", Self::ID, false)?
                .visit_field::<ForwardsUOffset<Inner<R>>>("inner", Self::INNER, R::INNER_REQUIRED)?
                .visit_field::<ForwardsUOffset<Vector<'_, ForwardsUOffset<Inner<R>>>>>(
                    "inners",
                    Self::INNERS,
                    false,
                )?
                .visit_field::<ForwardsUOffset<Kinds<R>>>("kinds", Self::KINDS, false)?
                .visit_field::<ForwardsUOffset<Vector<'_, ForwardsUOffset<&str>>>>(
                    "names",
                    Self::NAMES,
                    false,
                )?
                .visit_field::<ForwardsUOffset<Outer<'_, R>>>("maybe", Self::MAYBE, false)?
                .visit_field::<ForwardsUOffset<Vector<'_, u8>>>("blob", Self::BLOB, false)?
                .finish();
            Ok(())
        }
    }
}

/// The schema the oracle was written from: slots are `4 + 2 * id`, ids in
/// this order.
const OUTER_SCHEMA: &str = "// FlatBuffers schema written by flatstream::schema.

enum Kind : ushort {
  A = 1,
  B = 2
}

table Inner {
  label: string;
  kind: Kind = A;
  numbers: [uint];
}

table Outer {
  id: ulong;
  inner: Inner (required);
  inners: [Inner];
  kinds: [Kind];
  names: [string];
  maybe: Outer;
  blob: [ubyte];
}

root_type Outer;
";

#[test]
fn oracle_layout_is_the_schema() {
    assert_eq!(flatstream::schema::<Outer>(), OUTER_SCHEMA);
}

fn payload_of<T: StreamSerialize>(value: &T) -> Vec<u8> {
    let mut builder = FlatBufferBuilder::new();
    value.serialize(&mut builder).unwrap();
    builder.finished_data().to_vec()
}

/// The oracle's verdict, with every rule or with `R`'s.
fn oracle<R: oracle::Rules>(payload: &[u8]) -> Result<(), InvalidFlatbuffer> {
    flatbuffers::root::<oracle::Outer<'_, R>>(payload).map(drop)
}

/// Both verdicts must agree; returns flatstream's.
fn agree(payload: &[u8]) -> bool {
    agree_with::<oracle::Strict>(payload)
}

/// flatstream's verdict and that of the oracle with `R`'s rules must agree.
fn agree_with<R: oracle::Rules>(payload: &[u8]) -> bool {
    let ours = Outer::view(payload);
    let reference = oracle::<R>(payload);
    assert_eq!(
        ours.is_ok(),
        reference.is_ok(),
        "payload {payload:02x?}: flatstream {:?}, oracle {:?}",
        ours.as_ref().err(),
        reference.as_ref().err()
    );
    ours.is_ok()
}

/// A xorshift generator: deterministic values and damage.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn text(&mut self) -> String {
        const PIECES: [&str; 6] = ["a", "bc", "é", "日本", "", "xyz0"];
        (0..self.below(4))
            .map(|_| PIECES[self.below(PIECES.len())])
            .collect()
    }

    fn kind(&mut self) -> Kind {
        if self.next() & 1 == 0 {
            Kind::A
        } else {
            Kind::B
        }
    }

    fn inner(&mut self) -> Inner {
        Inner {
            label: self.text(),
            kind: self.kind(),
            numbers: (0..self.below(4)).map(|_| self.next() as u32).collect(),
        }
    }

    fn outer(&mut self, depth: usize) -> Outer {
        Outer {
            id: self.next() >> self.below(64),
            inner: self.inner(),
            inners: (0..self.below(3)).map(|_| self.inner()).collect(),
            kinds: (0..self.below(4)).map(|_| self.kind()).collect(),
            names: (0..self.below(3)).map(|_| self.text()).collect(),
            maybe: (depth > 0 && self.next() & 1 == 0).then(|| Box::new(self.outer(depth - 1))),
            blob: (0..self.below(6)).map(|_| self.next() as u8).collect(),
        }
    }

    /// A valid message, then up to three bytes changed (xored, zeroed or
    /// set to 0xff), sometimes truncated.
    fn damaged(&mut self) -> Vec<u8> {
        let mut payload = payload_of(&self.outer(2));
        for _ in 0..self.below(4) {
            let at = self.below(payload.len());
            payload[at] = match self.below(4) {
                0 => 0,
                1 => 0xff,
                _ => payload[at] ^ (1 << self.below(8)),
            };
        }
        if self.below(8) == 0 {
            let keep = self.below(payload.len() + 1);
            payload.truncate(keep);
        }
        payload
    }
}

#[test]
fn damaged_messages_get_the_same_verdict() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut accepted, mut refused, mut by_rule, mut intact) = (0, 0, 0, 0);
    // How often an oracle missing a rule disagrees with flatstream: the
    // comparison must notice each rule.
    let (mut any_kind_differs, mut inner_optional_differs) = (0, 0);
    for _ in 0..3000 {
        let payload = rng.damaged();
        let ours = agree(&payload);
        if ours {
            accepted += 1;
            // An accepted view reads completely.
            let view = Outer::view(&payload).unwrap();
            let _ = format!("{view:?}");
            intact += usize::from(view == Outer::from(view));
            let root = flatbuffers::root::<oracle::Outer<'_>>(&payload).unwrap();
            assert_eq!(root.id(), view.id());
        } else {
            refused += 1;
            if let Err(InvalidFlatbuffer::MissingRequiredField { .. }) =
                oracle::<oracle::Strict>(&payload)
            {
                by_rule += 1;
            }
        }
        any_kind_differs += usize::from(oracle::<oracle::AnyKind>(&payload).is_ok() != ours);
        inner_optional_differs +=
            usize::from(oracle::<oracle::InnerOptional>(&payload).is_ok() != ours);
    }
    assert!(
        accepted > 500 && refused > 500,
        "{accepted} accepted, {refused} refused"
    );
    assert_eq!(intact, accepted);
    assert!(by_rule > 50, "only {by_rule} refused by flatstream's rules");
    assert!(
        any_kind_differs > 10 && inner_optional_differs > 3,
        "without the enum rule {any_kind_differs} differ, without the required rule {inner_optional_differs}"
    );
}

#[test]
fn every_truncation_and_bit_flip_gets_the_same_verdict() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..6 {
        let clean = payload_of(&rng.outer(2));
        for cut in 0..=clean.len() {
            // The last bytes written first may be padding, so the end of a
            // message can go and it still verifies; the root offset cannot.
            let verdict = agree(&clean[..cut]);
            assert!(verdict || cut < clean.len(), "the whole message");
            assert!(!verdict || cut >= 4, "cut at {cut}");
        }
        for at in 0..clean.len() {
            for bit in 0..8 {
                let mut payload = clean.clone();
                payload[at] ^= 1 << bit;
                if agree(&payload) {
                    accepted += 1;
                } else {
                    refused += 1;
                }
            }
        }
    }
    assert!(
        accepted > 300 && refused > 300,
        "{accepted} accepted, {refused} refused"
    );
}

#[test]
fn nesting_depth_limit_is_the_same() {
    // The default limit is 64 tables deep: `Outer`s nested around it, each
    // with its `inner` one deeper.
    let (mut accepted, mut refused) = (0, 0);
    for depth in 55..70 {
        let mut rng = Rng(depth as u64 + 1);
        let mut outer = rng.outer(0);
        for _ in 0..depth {
            outer = Outer {
                maybe: Some(Box::new(outer)),
                ..rng.outer(0)
            };
        }
        if agree(&payload_of(&outer)) {
            accepted += 1;
        } else {
            refused += 1;
        }
    }
    assert!(
        accepted > 0 && refused > 0,
        "{accepted} accepted, {refused} refused"
    );
}

/// The root table's position and its vtable's.
fn root_table(payload: &[u8]) -> (usize, usize) {
    let loc = u32::from_le_bytes(payload[..4].try_into().unwrap()) as usize;
    let soffset = i32::from_le_bytes(payload[loc..loc + 4].try_into().unwrap());
    (loc, (loc as isize - soffset as isize) as usize)
}

/// Where field `slot` of the table at `loc` is stored.
fn field(payload: &[u8], loc: usize, slot: u16) -> usize {
    let soffset = i32::from_le_bytes(payload[loc..loc + 4].try_into().unwrap());
    let vtable = (loc as isize - soffset as isize) as usize + usize::from(slot);
    let entry = u16::from_le_bytes(payload[vtable..vtable + 2].try_into().unwrap());
    assert_ne!(entry, 0, "slot {slot} absent");
    loc + usize::from(entry)
}

fn sample() -> Outer {
    Outer {
        id: 42,
        inner: Inner {
            label: "first".into(),
            kind: Kind::B,
            numbers: vec![1, 2, 3],
        },
        inners: vec![],
        kinds: vec![Kind::A, Kind::B],
        names: vec!["n".into()],
        maybe: None,
        blob: vec![1],
    }
}

#[test]
fn the_comparison_fails_when_the_oracle_misses_a_rule() {
    type O = oracle::Outer<'static>;
    type I = oracle::Inner<oracle::Strict>;
    let clean = payload_of(&sample());
    assert!(agree(&clean));

    // `inner.kind` set to 3, which `Kind` has no variant for.
    let mut unknown_kind = clean.clone();
    let (root, _) = root_table(&clean);
    let inner_at = field(&clean, root, O::INNER);
    let inner =
        inner_at + u32::from_le_bytes(clean[inner_at..inner_at + 4].try_into().unwrap()) as usize;
    let kind = field(&clean, inner, I::KIND);
    assert_eq!(clean[kind..kind + 2], [2, 0], "Kind::B");
    unknown_kind[kind] = 3;
    assert!(Outer::view(&unknown_kind).is_err());
    assert!(oracle::<oracle::Strict>(&unknown_kind).is_err());
    assert!(
        oracle::<oracle::AnyKind>(&unknown_kind).is_ok(),
        "an oracle without the enum rule accepts it: the comparison would fail"
    );

    // The same in the `kinds` vector: its second element set to 0.
    let mut in_vector = clean.clone();
    let kinds_at = field(&clean, root, O::KINDS);
    let kinds =
        kinds_at + u32::from_le_bytes(clean[kinds_at..kinds_at + 4].try_into().unwrap()) as usize;
    assert_eq!(clean[kinds + 4..kinds + 8], [1, 0, 2, 0], "[A, B]");
    in_vector[kinds + 6] = 0;
    assert!(Outer::view(&in_vector).is_err());
    assert!(oracle::<oracle::Strict>(&in_vector).is_err());
    assert!(oracle::<oracle::AnyKind>(&in_vector).is_ok());

    // `inner` marked absent in the root's vtable.
    let mut no_inner = clean.clone();
    let (_, vtable) = root_table(&clean);
    let entry = vtable + usize::from(O::INNER);
    no_inner[entry..entry + 2].fill(0);
    assert!(Outer::view(&no_inner).is_err());
    assert!(oracle::<oracle::Strict>(&no_inner).is_err());
    assert!(oracle::<oracle::InnerOptional>(&no_inner).is_ok());

    // And the comparison fails on each.
    for (payload, lax) in [
        (
            &unknown_kind,
            agree_with::<oracle::AnyKind> as fn(&[u8]) -> bool,
        ),
        (&in_vector, agree_with::<oracle::AnyKind>),
        (&no_inner, agree_with::<oracle::InnerOptional>),
    ] {
        assert!(std::panic::catch_unwind(|| lax(payload)).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_damage_gets_the_same_verdict(
        seed in 1..u64::MAX,
        edits in prop::collection::vec((any::<prop::sample::Index>(), 1..=255u8), 0..5),
        keep in prop::option::weighted(0.2, any::<prop::sample::Index>()),
    ) {
        let mut payload = payload_of(&Rng(seed).outer(3));
        for (at, xor) in edits {
            let at = at.index(payload.len());
            payload[at] ^= xor;
        }
        if let Some(keep) = keep {
            let keep = keep.index(payload.len() + 1);
            payload.truncate(keep);
        }
        agree(&payload);
    }

    #[test]
    fn random_bytes_get_the_same_verdict(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        agree(&bytes);
    }
}
