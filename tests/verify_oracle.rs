//! flatstream's verifier against an independent oracle: accessors for
//! `Outer` written by hand as `flatc` writes them, verified by the
//! `flatbuffers` crate's `Verifier`, with flatstream's documented rules on
//! top (a table field not in `Option` is required; an enum without an
//! `other` variant refuses unknown values, in fields and in vectors).
//! Valid messages, damaged and truncated, must get the same verdict from
//! both. `plain_tables` does the same for vectors of tables of plain
//! scalars, which flatstream checks with a shortcut.

use flatstream::flatbuffers::{self, InvalidFlatbuffer};
use flatstream::StreamDeserialize;
use flatstream_testkit::streams::payload_of;
use proptest::prelude::*;

use flatstream_testkit::outer::{Inner, Kind, Outer};
use flatstream_testkit::{bit_flips, Rng};

use flatstream_testkit::oracle::outer as oracle;

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
    flatstream_testkit::oracle::same_verdict(payload, &Outer::view(payload), &oracle::<R>(payload))
}

/// A random valid message, then up to three bytes changed (xored, zeroed
/// or set to 0xff), sometimes truncated.
fn damaged(rng: &mut Rng) -> Vec<u8> {
    let mut payload = payload_of(&rng.outer(2));
    for _ in 0..rng.below(4) {
        let at = rng.below(payload.len());
        payload[at] = match rng.below(4) {
            0 => 0,
            1 => 0xff,
            _ => payload[at] ^ (1 << rng.below(8)),
        };
    }
    if rng.below(8) == 0 {
        let keep = rng.below(payload.len() + 1);
        payload.truncate(keep);
    }
    payload
}

/// How many messages flatstream (and so the oracle) accepted and refused.
#[derive(Debug, Default)]
struct Verdicts {
    accepted: usize,
    refused: usize,
}

impl Verdicts {
    /// Counts flatstream's verdict `ours` and returns it.
    fn count(&mut self, ours: bool) -> bool {
        if ours {
            self.accepted += 1;
        } else {
            self.refused += 1;
        }
        ours
    }

    /// Asserts that more than `accepted` messages were accepted and more
    /// than `refused` refused: the comparison saw both verdicts.
    #[track_caller]
    fn assert_more_than(&self, accepted: usize, refused: usize) {
        assert!(
            self.accepted > accepted && self.refused > refused,
            "{} accepted, {} refused",
            self.accepted,
            self.refused
        );
    }
}

#[test]
fn damaged_messages_get_the_same_verdict() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut verdicts = Verdicts::default();
    let (mut by_rule, mut intact) = (0, 0);
    // How often an oracle missing a rule disagrees with flatstream: the
    // comparison must notice each rule.
    let (mut any_kind_differs, mut inner_optional_differs) = (0, 0);
    for _ in 0..3000 {
        let payload = damaged(&mut rng);
        let ours = agree(&payload);
        if verdicts.count(ours) {
            // An accepted view reads completely.
            let view = Outer::view(&payload).unwrap();
            let _ = format!("{view:?}");
            intact += usize::from(view == Outer::from(view));
            let root = flatbuffers::root::<oracle::Outer<'_>>(&payload).unwrap();
            assert_eq!(root.id(), view.id());
        } else if let Err(InvalidFlatbuffer::MissingRequiredField { .. }) =
            oracle::<oracle::Strict>(&payload)
        {
            by_rule += 1;
        }
        any_kind_differs += usize::from(oracle::<oracle::AnyKind>(&payload).is_ok() != ours);
        inner_optional_differs +=
            usize::from(oracle::<oracle::InnerOptional>(&payload).is_ok() != ours);
    }
    verdicts.assert_more_than(500, 500);
    assert_eq!(intact, verdicts.accepted);
    assert!(by_rule > 50, "only {by_rule} refused by flatstream's rules");
    assert!(
        any_kind_differs > 10 && inner_optional_differs > 3,
        "without the enum rule {any_kind_differs} differ, without the required rule {inner_optional_differs}"
    );
}

/// Six random `Outer` payloads drawn from `seed`, each cut at every length
/// (`each` is given the cut and the whole length) and each with every one
/// of its bits flipped (given with `None`).
fn cuts_and_flips(seed: u64, mut each: impl FnMut(&[u8], Option<usize>)) {
    let mut rng = Rng(seed);
    for _ in 0..6 {
        let clean = payload_of(&rng.outer(2));
        for cut in 0..=clean.len() {
            each(&clean[..cut], Some(clean.len()));
        }
        for payload in bit_flips(&clean) {
            each(&payload, None);
        }
    }
}

#[test]
fn every_truncation_and_bit_flip_gets_the_same_verdict() {
    let mut verdicts = Verdicts::default();
    cuts_and_flips(0x0123_4567_89ab_cdef, |payload, whole| {
        let verdict = agree(payload);
        match whole {
            // The last bytes written first may be padding, so the end of a
            // message can go and it still verifies; the root offset cannot.
            Some(whole) => {
                let cut = payload.len();
                assert!(verdict || cut < whole, "the whole message");
                assert!(!verdict || cut >= 4, "cut at {cut}");
            }
            None => {
                verdicts.count(verdict);
            }
        }
    });
    verdicts.assert_more_than(300, 300);
}

#[test]
fn nesting_depth_limit_is_the_same() {
    // The default limit is 64 tables deep: `Outer`s nested around it, each
    // with its `inner` one deeper.
    let mut verdicts = Verdicts::default();
    for depth in 55..70 {
        let mut rng = Rng(depth as u64 + 1);
        let mut outer = rng.outer(0);
        for _ in 0..depth {
            outer = Outer {
                maybe: Some(Box::new(outer)),
                ..rng.outer(0)
            };
        }
        verdicts.count(agree(&payload_of(&outer)));
    }
    verdicts.assert_more_than(0, 0);
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

/// The random damage of the proptests: the byte at each of `edits`'
/// positions xored with its value, then a cut at `keep` if given.
#[derive(Debug, Clone)]
struct Damage {
    edits: Vec<(prop::sample::Index, u8)>,
    keep: Option<prop::sample::Index>,
}

impl Damage {
    /// Damage of `edits` edits (a count in that range), cut one time in
    /// five.
    fn any(edits: std::ops::Range<usize>) -> impl Strategy<Value = Damage> {
        (
            prop::collection::vec((any::<prop::sample::Index>(), 1..=255u8), edits),
            prop::option::weighted(0.2, any::<prop::sample::Index>()),
        )
            .prop_map(|(edits, keep)| Damage { edits, keep })
    }

    fn apply(&self, mut payload: Vec<u8>) -> Vec<u8> {
        for (at, xor) in &self.edits {
            let at = at.index(payload.len());
            payload[at] ^= xor;
        }
        if let Some(keep) = &self.keep {
            let keep = keep.index(payload.len() + 1);
            payload.truncate(keep);
        }
        payload
    }
}

/// `cases` random cases, none of them written to a regressions file.
fn unpersisted(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(unpersisted(2000))]

    #[test]
    fn random_damage_gets_the_same_verdict(seed in 1..u64::MAX, damage in Damage::any(0..5)) {
        let payload = damage.apply(payload_of(&Rng(seed).outer(3)));
        agree(&payload);
        // The same damage through a shallow view and the tables it leads to.
        shallow::agree(&payload);
    }

    #[test]
    fn random_bytes_get_the_same_verdict(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        agree(&bytes);
    }
}

/// Vectors of more than four tables whose fields are all inline scalars,
/// which flatstream's verifier checks with a shortcut
/// (`Checker::plain_tables`): once it has checked a table in full, with
/// more than four after it in the vector, a later table at the same
/// position modulo 8 with the same vtable gets one range check (and its
/// charges). Here the shortcut meets the `flatbuffers` crate's verifier,
/// which checks every table in full (`flatstream_testkit::oracle::book`),
/// on damaged messages and under tight limits.
mod plain_tables {
    use super::{unpersisted, Damage, Verdicts};
    use std::panic::{catch_unwind, AssertUnwindSafe};

    use flatstream::flatbuffers::{self, VOffsetT, VerifierOptions};
    use flatstream::{StreamDeserialize, StreamSerialize};
    use flatstream_testkit::oracle::{book as oracle, same_verdict, Verified};
    use flatstream_testkit::relocate::relocated_table;
    use flatstream_testkit::streams::payload_of;
    use flatstream_testkit::{bit_flips, Rng};
    use proptest::prelude::*;

    #[derive(StreamSerialize, Debug, Clone, PartialEq)]
    pub struct Level {
        pub price: i64,
        pub volume: f64,
        pub quantity: u32,
        pub orders: u16,
        pub side: i8,
        pub open: bool,
    }

    #[derive(StreamSerialize, Debug, Clone, PartialEq)]
    pub struct Book {
        pub bids: Vec<Level>,
        pub sequence: u32,
        pub venue: String,
        pub asks: Vec<Level>,
    }

    /// The schema the oracle was written from: slots are `4 + 2 * id`, ids
    /// in this order.
    const BOOK_SCHEMA: &str = "// FlatBuffers schema written by flatstream::schema.

table Level {
  price: long;
  volume: double;
  quantity: uint;
  orders: ushort;
  side: byte;
  open: bool;
}

table Book {
  bids: [Level];
  sequence: uint;
  venue: string;
  asks: [Level];
}

root_type Book;
";

    #[test]
    fn oracle_layout_is_the_schema() {
        assert_eq!(flatstream::schema::<Book>(), BOOK_SCHEMA);
    }

    /// Which fields of a level are stored, a bit each in declaration order
    /// (`price` first); the others are at their default, so absent from
    /// the table and its vtable. Few shapes, so that neighbours share a
    /// vtable; some without an 8-byte field, so that tables sharing a
    /// vtable can sit at positions 4 apart modulo 8.
    const SHAPES: [u8; 5] = [0b11_1111, 0b11_1101, 0b01_1100, 0b10_0001, 0];

    fn level(rng: &mut Rng, shape: u8) -> Level {
        let on = |bit: u8| shape >> bit & 1 == 1;
        Level {
            price: if on(0) {
                (rng.next_u64() >> rng.below(64)) as i64 | 1
            } else {
                0
            },
            volume: if on(1) {
                rng.below(1 << 20) as f64 / 8.0 + 0.5
            } else {
                0.0
            },
            quantity: if on(2) { rng.next_u64() as u32 | 1 } else { 0 },
            orders: if on(3) { rng.below(500) as u16 + 1 } else { 0 },
            side: if on(4) {
                1 - 2 * (rng.below(2) as i8)
            } else {
                0
            },
            open: on(5),
        }
    }

    /// `len` levels in runs of one shape.
    fn levels(rng: &mut Rng, len: usize) -> Vec<Level> {
        let mut shape = SHAPES[rng.below(SHAPES.len())];
        (0..len)
            .map(|_| {
                if rng.below(8) == 0 {
                    shape = SHAPES[rng.below(SHAPES.len())];
                }
                level(rng, shape)
            })
            .collect()
    }

    fn book(rng: &mut Rng, bids: usize, asks: usize) -> Book {
        Book {
            bids: levels(rng, bids),
            sequence: rng.next_u64() as u32,
            venue: rng.text(),
            asks: levels(rng, asks),
        }
    }

    /// 5 to 64 bids, which take the shortcut, and up to 8 asks, which
    /// take it when there are more than four.
    fn random_book(rng: &mut Rng) -> Book {
        let bids = 5 + rng.below(60);
        let asks = rng.below(9);
        book(rng, bids, asks)
    }

    /// The oracle's verdict with `R`'s rules under `options`.
    fn oracle_with<R: oracle::Rules>(payload: &[u8], options: &VerifierOptions) -> Verified {
        flatbuffers::root_with_opts::<oracle::Book<'_, R>>(options, payload).map(drop)
    }

    fn oracle<R: oracle::Rules>(payload: &[u8]) -> Verified {
        oracle_with::<R>(payload, &VerifierOptions::default())
    }

    /// flatstream's verdicts (viewing, and decoding in one pass) and the
    /// oracle's with `R`'s rules under `options` must agree; returns
    /// flatstream's.
    fn agree_with<R: oracle::Rules>(payload: &[u8], options: &VerifierOptions) -> bool {
        let verdict = oracle_with::<R>(payload, options);
        let view = Book::view_with_options(payload, options);
        let decoded = Book::decode_with_options(payload, options);
        same_verdict(payload, &decoded, &verdict);
        same_verdict(payload, &view, &verdict)
    }

    /// A book's fields as the oracle reads them.
    type Values = (
        u32,
        String,
        Vec<oracle::LevelValues>,
        Vec<oracle::LevelValues>,
    );

    fn values(book: &Book) -> Values {
        let levels = |levels: &[Level]| {
            levels
                .iter()
                .map(|level| oracle::LevelValues {
                    price: level.price,
                    volume: level.volume.to_bits(),
                    quantity: level.quantity,
                    orders: level.orders,
                    side: level.side,
                    open: level.open,
                })
                .collect()
        };
        (
            book.sequence,
            book.venue.clone(),
            levels(&book.bids),
            levels(&book.asks),
        )
    }

    /// The verdicts agree, with every rule and the default limits; an
    /// accepted message reads the same through flatstream's view, its
    /// decoding and the oracle's accessors. Returns flatstream's verdict.
    fn agree(payload: &[u8]) -> bool {
        let options = VerifierOptions::default();
        if !agree_with::<oracle::Strict>(payload, &options) {
            return false;
        }
        let root = flatbuffers::root::<oracle::Book<'_>>(payload).unwrap();
        let read = (
            root.sequence(),
            root.venue().to_owned(),
            root.bids(),
            root.asks(),
        );
        let decoded = Book::decode_with_options(payload, &options).unwrap();
        assert_eq!(values(&decoded), read, "payload {payload:02x?}");
        let view = Book::view(payload).unwrap();
        assert_eq!(values(&Book::from(view)), read, "payload {payload:02x?}");
        true
    }

    fn u32_at(payload: &[u8], at: usize) -> usize {
        u32::from_le_bytes(payload[at..at + 4].try_into().unwrap()) as usize
    }

    /// Where the vtable of the table at `table` is.
    fn vtable_of(payload: &[u8], table: usize) -> usize {
        let soffset = i32::from_le_bytes(payload[table..table + 4].try_into().unwrap());
        (table as isize - soffset as isize) as usize
    }

    /// The position of each table of the level vector in `slot` of a valid
    /// `payload`'s root (none when the vector is absent).
    fn level_tables(payload: &[u8], slot: VOffsetT) -> Vec<usize> {
        let root = flatbuffers::root::<oracle::Book<'_>>(payload).unwrap();
        let entry = usize::from(root.table.vtable().get(slot));
        if entry == 0 {
            return Vec::new();
        }
        let at = root.table.loc() + entry;
        let vector = at + u32_at(payload, at);
        (0..u32_at(payload, vector))
            .map(|index| vector + 4 + 4 * index)
            .map(|at| at + u32_at(payload, at))
            .collect()
    }

    /// The book's two level vectors, by slot.
    const VECTORS: [VOffsetT; 2] = [OracleBook::BIDS, OracleBook::ASKS];

    type OracleBook = oracle::Book<'static>;

    /// Of the tables in a valid `payload`'s level vectors, how many
    /// flatstream's verifier takes the shortcut for, and how many share
    /// the vtable of the table it remembers at another position modulo 8
    /// (so are checked in full): `Checker::plain_tables` remembers the
    /// last table it checked in full that had more than four after it.
    fn shortcut_tables(payload: &[u8]) -> (usize, usize) {
        let (mut shortcut, mut other_position) = (0, 0);
        for slot in VECTORS {
            let tables = level_tables(payload, slot);
            let mut memo = None;
            for (index, &table) in tables.iter().enumerate() {
                let (vtable, residue) = (vtable_of(payload, table), table % 8);
                match memo {
                    Some(memo) if memo == (vtable, residue) => {
                        shortcut += 1;
                        continue;
                    }
                    Some((memo, _)) if memo == vtable => other_position += 1,
                    _ => {}
                }
                if tables.len() - index > 4 {
                    memo = Some((vtable, residue));
                }
            }
        }
        (shortcut, other_position)
    }

    #[test]
    fn valid_books_take_the_shortcut_and_read_the_same() {
        let mut rng = Rng(0x5eed_0fb0_0c5e);
        let (mut with_shortcut, mut tables, mut other_position) = (0, 0, 0);
        for _ in 0..200 {
            let book = random_book(&mut rng);
            let payload = payload_of(&book);
            assert!(agree(&payload));
            assert_eq!(
                Book::decode_with_options(&payload, &VerifierOptions::default()).unwrap(),
                book
            );
            let (shortcut, elsewhere) = shortcut_tables(&payload);
            with_shortcut += usize::from(shortcut > 0);
            tables += shortcut;
            other_position += elsewhere;
        }
        assert!(
            with_shortcut > 180 && tables > 2000 && other_position > 50,
            "{with_shortcut} books take the shortcut, for {tables} tables; \
             {other_position} share a vtable at another position"
        );
    }

    /// Books whose damage is swept byte by byte: 5 to 64 bids, in runs of
    /// shapes, and 0 to 8 asks; and the uniform books.
    fn swept_books() -> Vec<Book> {
        let mut rng = Rng(0x0b00_c5ee_d5ee_d5ee);
        [(5, 0), (6, 8), (9, 3), (17, 5), (64, 6)]
            .into_iter()
            .map(|(bids, asks)| book(&mut rng, bids, asks))
            .chain(uniform_books())
            .collect()
    }

    /// Verdicts of flatstream and of oracles missing a check of the
    /// shortcut, counted.
    #[derive(Debug, Default)]
    struct Tally {
        verdicts: Verdicts,
        /// How often an oracle whose shortcut skips the range check
        /// (`Unchecked`) or the position modulo 8 (`AnyPosition`) differs.
        unchecked_differs: usize,
        any_position_differs: usize,
    }

    impl Tally {
        /// Compares the verdicts on `payload` and counts them.
        fn add(&mut self, payload: &[u8]) {
            let ours = self.verdicts.count(agree(payload));
            self.unchecked_differs +=
                usize::from(oracle::<oracle::Unchecked>(payload).is_ok() != ours);
            self.any_position_differs +=
                usize::from(oracle::<oracle::AnyPosition>(payload).is_ok() != ours);
        }
    }

    #[test]
    fn every_bit_flip_and_truncation_gets_the_same_verdict() {
        let mut tally = Tally::default();
        for book in swept_books() {
            let clean = payload_of(&book);
            assert!(shortcut_tables(&clean).0 > 0, "{book:?}");
            assert!(agree(&clean));
            for cut in 0..clean.len() {
                tally.add(&clean[..cut]);
            }
            for payload in bit_flips(&clean) {
                tally.add(&payload);
            }
        }
        // A flip that moves a bid's offset by 4 can land on a table of its
        // vtable at the other position modulo 8: an oracle whose shortcut
        // forgets the position differs there.
        tally.verdicts.assert_more_than(10_000, 10_000);
        assert!(tally.any_position_differs > 5, "{tally:?}");
    }

    /// A book whose bids all have every field stored, so one vtable, each
    /// table 8-aligned for its `price` and `volume`, and one whose bids
    /// have no 8-byte field, so tables sharing a vtable sit at positions
    /// 4 apart modulo 8.
    fn uniform_books() -> [Book; 2] {
        let mut rng = Rng(0x007a_b1e5);
        [SHAPES[0], SHAPES[2]].map(|shape| Book {
            bids: (0..12).map(|_| level(&mut rng, shape)).collect(),
            sequence: 3,
            venue: "XNAS".into(),
            asks: vec![],
        })
    }

    /// `clean` with a copy of the table of bid `element` appended at a
    /// position `shift` bytes past one with the original's position modulo
    /// 8, its soffset pointing at the original's vtable, the last `cut`
    /// bytes of the copy left off, and bid `element` pointing at it.
    fn relocated(clean: &[u8], element: usize, shift: usize, cut: usize) -> Vec<u8> {
        let table = level_tables(clean, OracleBook::BIDS)[element];
        relocated_table(clean, table, element_at(clean, element), shift, cut)
    }

    /// Where the offset of bid `element` is.
    fn element_at(payload: &[u8], element: usize) -> usize {
        let root = flatbuffers::root::<oracle::Book<'_>>(payload).unwrap();
        let at = root.table.loc() + usize::from(root.table.vtable().get(OracleBook::BIDS));
        at + u32_at(payload, at) + 4 + 4 * element
    }

    /// A bid's table moved past the end of the message, where tables
    /// sharing a vtable with one checked before can be misplaced or cut
    /// short. In a message as the builder writes it the first table,
    /// which is checked in full, is the last thing in the buffer, so no
    /// truncation or changed byte reaches the shortcut's range check (a
    /// flipped bit of an offset does reach its position check).
    #[test]
    fn tables_moved_past_the_end_get_the_same_verdict() {
        let mut rng = Rng(0xe15e_3e4e);
        let mixed = book(&mut rng, 20, 0);
        let mut tally = Tally::default();
        for book in uniform_books().iter().chain([&mixed]) {
            let clean = payload_of(book);
            let len = book.bids.len();
            for element in [0, 1, 2, len / 2, len - 2, len - 1] {
                for shift in 0..8 {
                    for cut in 0..=36 {
                        let payload = relocated(&clean, element, shift, cut);
                        if payload.len() > clean.len() {
                            tally.add(&payload);
                        }
                    }
                }
            }
        }
        // Both checks of the shortcut are needed: an oracle without either
        // differs, so flatstream without either would fail here.
        tally.verdicts.assert_more_than(50, 1000);
        assert!(
            tally.unchecked_differs > 100 && tally.any_position_differs > 20,
            "{tally:?}"
        );
    }

    /// Each bid in turn points at every position of the message that
    /// could hold a table (4-aligned) and at some past its end: at the
    /// other tables, sharing vtables or not, and at garbage.
    #[test]
    fn tables_pointed_anywhere_get_the_same_verdict() {
        let mut tally = Tally::default();
        for book in &swept_books() {
            let clean = payload_of(book);
            for element in 0..book.bids.len() {
                let at = element_at(&clean, element);
                for target in (0..clean.len() + 16).step_by(4) {
                    let mut payload = clean.clone();
                    let offset = (target as u32).wrapping_sub(at as u32);
                    payload[at..at + 4].copy_from_slice(&offset.to_le_bytes());
                    tally.add(&payload);
                }
            }
        }
        tally.verdicts.assert_more_than(200, 200);
    }

    #[test]
    fn limits_are_the_same() {
        let mut rng = Rng(0x0011_3175);
        for book in [
            book(&mut rng, 5, 0),
            book(&mut rng, 9, 6),
            book(&mut rng, 30, 2),
        ]
        .iter()
        .chain(&uniform_books())
        {
            let clean = payload_of(book);
            let tables = 1 + book.bids.len() + book.asks.len();
            let accepted =
                |options: VerifierOptions| agree_with::<oracle::Strict>(&clean, &options);
            for max_tables in 0..tables + 2 {
                let options = VerifierOptions {
                    max_tables,
                    ..VerifierOptions::default()
                };
                assert_eq!(accepted(options), max_tables >= tables, "{max_tables}");
            }
            for max_depth in 0..4 {
                let options = VerifierOptions {
                    max_depth,
                    ..VerifierOptions::default()
                };
                assert_eq!(accepted(options), max_depth >= 2, "{max_depth}");
            }
            // Every size up to well past what the message is charged: the
            // shortcut charges each table what the one it follows was
            // charged, and both refuse below the same size.
            let verdicts: Vec<bool> = (0..clean.len() * 4)
                .map(|max_apparent_size| {
                    accepted(VerifierOptions {
                        max_apparent_size,
                        ..VerifierOptions::default()
                    })
                })
                .collect();
            let least = verdicts.iter().position(|&ok| ok).expect("accepted");
            assert!(least > clean.len() && verdicts[least..].iter().all(|&ok| ok));
        }
    }

    #[test]
    fn the_comparison_fails_when_the_oracle_shortcut_misses_a_check() {
        let [aligned, _] = uniform_books();
        let clean = payload_of(&aligned);
        assert!(agree(&clean));
        let options = VerifierOptions::default();

        // Bid 3 moved past the end 4 bytes off its position modulo 8, so
        // its `price` is misaligned.
        let misplaced = relocated(&clean, 3, 4, 0);
        assert!(Book::view(&misplaced).is_err());
        assert!(oracle::<oracle::Strict>(&misplaced).is_err());
        assert!(
            oracle::<oracle::AnyPosition>(&misplaced).is_ok(),
            "an oracle whose shortcut forgets the position accepts it"
        );

        // Bid 3 moved past the end, cut short in its last field.
        let cut_short = (1..12)
            .map(|cut| relocated(&clean, 3, 0, cut))
            .find(|payload| oracle::<oracle::Strict>(payload).is_err())
            .expect("a cut into a field");
        assert!(Book::view(&cut_short).is_err());
        assert!(
            oracle::<oracle::Unchecked>(&cut_short).is_ok(),
            "an oracle whose shortcut makes no range check accepts it"
        );

        for (payload, lax) in [
            (
                &misplaced,
                agree_with::<oracle::AnyPosition> as fn(&[u8], &VerifierOptions) -> bool,
            ),
            (&cut_short, agree_with::<oracle::Unchecked>),
        ] {
            let compare = AssertUnwindSafe(|| lax(payload, &options));
            assert!(catch_unwind(compare).is_err());
        }
    }

    proptest! {
        #![proptest_config(unpersisted(1000))]

        #[test]
        fn random_damage_gets_the_same_verdict(seed in 1..u64::MAX, damage in Damage::any(1..8)) {
            agree(&damage.apply(payload_of(&random_book(&mut Rng(seed)))));
        }
    }
}

/// Shallow views against the same oracle: `Outer::view_shallow`, then
/// every nested table it leads to (`inner`, each of `inners`, and `maybe`
/// shallowly again, down the chain) verified or decoded from its `Lazy`,
/// must accept exactly the messages the `flatbuffers` crate's verifier
/// accepts, and read the values a full view reads.
mod shallow {
    use flatstream::lazy::{Shallow, ShallowDeserialize};
    use flatstream::VerifierOptions;
    use flatstream_testkit::outer::OuterView;

    use super::*;

    /// The value a shallow view and the tables it leads to make, each
    /// nested table verified on its own.
    fn deep(view: OuterView<'_, Shallow>) -> flatstream::Result<Outer> {
        let _ = format!("{view:?}");
        let inner = Inner::from(view.inner().verify()?);
        assert_eq!(view.inner().decode()?, inner);
        let maybe = match view.maybe() {
            Some(lazy) => Some(Box::new(deep(lazy.verify_shallow()?)?)),
            None => None,
        };
        Ok(Outer {
            id: view.id(),
            inner,
            inners: view.inners().verify()?.to_vec(),
            kinds: view.kinds().to_vec(),
            names: view.names().to_vec(),
            maybe,
            blob: view.blob().to_vec(),
        })
    }

    /// The shallow verdict and the oracle's must agree, and an accepted
    /// message read shallowly must be what a full decode gives; returns
    /// the verdict.
    pub(super) fn agree(payload: &[u8]) -> bool {
        let shallow = Outer::view_shallow(payload).and_then(deep);
        let ours = flatstream_testkit::oracle::same_verdict(
            payload,
            &shallow,
            &oracle::<oracle::Strict>(payload),
        );
        if let Ok(value) = shallow {
            let decoded = Outer::decode_with_options(payload, &VerifierOptions::default());
            assert_eq!(decoded.ok(), Some(value));
        }
        ours
    }

    #[test]
    fn every_truncation_and_bit_flip_gets_the_same_verdict() {
        let mut verdicts = Verdicts::default();
        cuts_and_flips(0x0fed_cba9_8765_4321, |payload, _| {
            verdicts.count(agree(payload));
        });
        verdicts.assert_more_than(300, 300);
    }

    /// The comparison notices a walk that leaves a nested table unchecked:
    /// with `inner` left out, damage there goes unseen.
    #[test]
    fn the_comparison_fails_when_a_nested_table_is_skipped() {
        let mut rng = Rng(0x5851_f42d_4c95_7f2d);
        let (mut differs, mut total) = (0, 0);
        for _ in 0..3000 {
            let payload = damaged(&mut rng);
            let skipping = Outer::view_shallow(&payload).and_then(|view| {
                view.inners().verify()?;
                match view.maybe() {
                    Some(lazy) => deep(lazy.verify_shallow()?).map(drop),
                    None => Ok(()),
                }
            });
            differs += usize::from(skipping.is_ok() != oracle::<oracle::Strict>(&payload).is_ok());
            total += 1;
        }
        assert!(differs > 20, "{differs} of {total} differ");
    }

    #[test]
    fn damaged_messages_get_the_same_verdict() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut verdicts = Verdicts::default();
        for _ in 0..3000 {
            verdicts.count(agree(&damaged(&mut rng)));
        }
        verdicts.assert_more_than(500, 500);
    }
}
