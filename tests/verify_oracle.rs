//! flatstream's verifier against an independent oracle: accessors for
//! `Outer` written by hand as `flatc` writes them, verified by the
//! `flatbuffers` crate's `Verifier`, with flatstream's documented rules on
//! top (a table field not in `Option` is required; an enum without an
//! `other` variant refuses unknown values, in fields and in vectors).
//! Valid messages, damaged and truncated, must get the same verdict from
//! both.

use flatstream::flatbuffers::{self, InvalidFlatbuffer};
use flatstream::StreamDeserialize;
use flatstream_testkit::streams::payload_of;
use proptest::prelude::*;

use flatstream_testkit::outer::{Inner, Kind, Outer};
use flatstream_testkit::Rng;

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
#[test]
fn damaged_messages_get_the_same_verdict() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut accepted, mut refused, mut by_rule, mut intact) = (0, 0, 0, 0);
    // How often an oracle missing a rule disagrees with flatstream: the
    // comparison must notice each rule.
    let (mut any_kind_differs, mut inner_optional_differs) = (0, 0);
    for _ in 0..3000 {
        let payload = damaged(&mut rng);
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
