//! Derived views only come from verified buffers: damaged offsets, unknown
//! enum values and missing tables are errors, and no byte pattern makes a
//! view panic or read out of bounds.

use flatstream::flatbuffers::{self, FlatBufferBuilder, Table, VOffsetT};
use flatstream::{Error, StreamDeserialize, StreamSerialize, VerifyError, VerifyErrorKind};
use flatstream_testkit::outer::{Inner, Kind, Outer, OuterView};
use flatstream_testkit::streams::payload_of;
use proptest::prelude::*;

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
pub enum KindV2 {
    A = 1,
    B = 2,
    C = 3,
}

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
pub enum OpenKind {
    A = 1,
    B = 2,
    #[flatstream(other)]
    Other = 0xffff,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Tagged {
    pub kind: Kind,
    pub kinds: Vec<Kind>,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct TaggedV2 {
    pub kind: KindV2,
    pub kinds: Vec<KindV2>,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct OpenTagged {
    pub kind: OpenKind,
    pub kinds: Vec<OpenKind>,
}

fn inner(label: &str) -> Inner {
    Inner {
        label: label.into(),
        kind: Kind::B,
        numbers: vec![1, 2, 3],
    }
}

fn sample() -> Outer {
    Outer {
        id: 42,
        inner: inner("first"),
        inners: vec![inner("x"), inner("y")],
        kinds: vec![Kind::A, Kind::B],
        names: vec!["n1".into(), "n2".into()],
        maybe: Some(Box::new(Outer {
            id: 7,
            inner: inner("nested"),
            inners: vec![],
            kinds: vec![],
            names: vec![],
            maybe: None,
            blob: vec![],
        })),
        blob: vec![0xde, 0xad],
    }
}

const fn slot(id: VOffsetT) -> VOffsetT {
    4 + 2 * id
}

/// Where the offset stored in field `id` of the root table is.
fn field_position(payload: &[u8], id: VOffsetT) -> usize {
    // SAFETY: the tests call this on payloads that verified as an `Outer`.
    let table = unsafe { flatbuffers::root_unchecked::<Table<'_>>(payload) };
    let offset = table.vtable().get(slot(id));
    assert_ne!(offset, 0, "field {id} is absent");
    table.loc() + offset as usize
}

fn set_u32(payload: &mut [u8], at: usize, value: u32) {
    payload[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

fn assert_invalid(payload: &[u8]) -> VerifyError {
    match Outer::view(payload) {
        Err(Error::Verification(err)) => err,
        Err(other) => panic!("wrong error: {other}"),
        Ok(view) => panic!("accepted a damaged payload: {view:?}"),
    }
}

#[test]
fn sample_verifies() {
    let payload = payload_of(&sample());
    assert_eq!(Outer::view(&payload).unwrap(), sample());
}

#[test]
fn nested_offsets_outside_the_buffer_are_rejected() {
    let clean = payload_of(&sample());
    // Every offset field of the root: the table, the vectors, the string
    // vector, the optional table and the bytes.
    let names = ["", "inner", "inners", "kinds", "names", "maybe", "blob"];
    for id in [1, 2, 3, 4, 5, 6] {
        for bad in [clean.len() as u32, u32::MAX - 3, 0x7fff_fff0] {
            let mut payload = clean.clone();
            let at = field_position(&clean, id);
            set_u32(&mut payload, at, bad);
            let err = assert_invalid(&payload);
            // The error names the field and where its target would be.
            assert_eq!(err.path(), format!("Outer.{}", names[usize::from(id)]));
            assert_eq!(err.offset(), at.saturating_add(bad as usize), "{err}");
            assert!(
                matches!(
                    err.kind(),
                    VerifyErrorKind::OutOfBounds { buf_len, .. } if *buf_len == clean.len()
                ),
                "field {id}, offset {bad}: {err}"
            );
        }
    }
}

#[test]
fn offsets_inside_a_vector_of_tables_are_checked() {
    let clean = payload_of(&sample());
    let vector = field_position(&clean, 2);
    let start = vector + u32::from_le_bytes(clean[vector..vector + 4].try_into().unwrap()) as usize;
    // The first element's offset sits right after the length.
    let mut payload = clean.clone();
    set_u32(&mut payload, start + 4, 0x00ff_fff0);
    let err = assert_invalid(&payload);
    assert_eq!(err.path(), "Outer.inners[0]");
    assert_eq!(err.offset(), start + 4 + 0x00ff_fff0);
    assert_eq!(
        err.to_string(),
        format!(
            "Outer.inners[0]: table at byte {} (4 bytes) ends past the end of the {}-byte buffer",
            start + 4 + 0x00ff_fff0,
            clean.len()
        )
    );
    // A length far past the end.
    let mut payload = clean.clone();
    set_u32(&mut payload, start, 1 << 28);
    let err = assert_invalid(&payload);
    assert_eq!(err.path(), "Outer.inners");
    assert_eq!(
        err.kind(),
        &VerifyErrorKind::OutOfBounds {
            what: "vector elements",
            size: 4 << 28,
            buf_len: clean.len()
        }
    );
    assert_eq!(err.offset(), start + 4);
    // The label of the second element, "y", not terminated.
    let mut payload = clean;
    let label = payload
        .windows(6)
        .position(|window| window == [1, 0, 0, 0, b'y', 0])
        .unwrap();
    payload[label + 5] = b'!';
    let err = assert_invalid(&payload);
    assert_eq!(err.kind(), &VerifyErrorKind::NotNulTerminated);
    assert_eq!(err.path(), "Outer.inners[1].label");
    assert_eq!(err.offset(), label);
}

#[test]
fn unknown_enum_value_without_other_is_a_verification_error() {
    let newer = TaggedV2 {
        kind: KindV2::C,
        kinds: vec![],
    };
    let payload = payload_of(&newer);
    let Err(Error::Verification(err)) = Tagged::view(&payload) else {
        panic!("unknown enum value accepted");
    };
    assert_eq!(
        err.kind(),
        &VerifyErrorKind::UnknownEnumValue {
            enum_name: "Kind",
            value: 3
        }
    );
    assert_eq!(err.path(), "Tagged.kind");
    assert!(
        err.to_string()
            .starts_with("Tagged.kind: enum Kind has no variant 3 (value at byte "),
        "{err}"
    );

    // The same inside a vector.
    let newer = TaggedV2 {
        kind: KindV2::A,
        kinds: vec![KindV2::A, KindV2::C],
    };
    let payload = payload_of(&newer);
    let Err(Error::Verification(err)) = Tagged::view(&payload) else {
        panic!("unknown enum value in a vector accepted");
    };
    assert_eq!(err.path(), "Tagged.kinds[1]");

    // With an `other` variant, the value is accepted and mapped.
    let view = OpenTagged::view(&payload).unwrap();
    assert_eq!(view.kind(), OpenKind::A);
    assert_eq!(
        view.kinds().iter().collect::<Vec<_>>(),
        [OpenKind::A, OpenKind::Other]
    );
}

#[test]
fn unchecked_views_of_unknown_enum_values_read_the_default() {
    let payload = payload_of(&TaggedV2 {
        kind: KindV2::C,
        kinds: vec![KindV2::C, KindV2::B],
    });
    assert!(Tagged::view(&payload).is_err());
    // SAFETY: the payload is a structurally valid `Tagged` buffer whose
    // only flaw is an unknown discriminant, which the unchecked path maps
    // to the enum's default instead of failing.
    let view = unsafe { Tagged::view_unchecked(&payload) };
    assert_eq!(view.kind(), Kind::A);
    assert_eq!(view.kinds().to_vec(), [Kind::A, Kind::B]);
}

#[test]
fn missing_nested_table_is_a_verification_error() {
    // A root table with only `id` set: `inner` is required.
    let mut builder = FlatBufferBuilder::new();
    let start = builder.start_table();
    builder.push_slot::<u64>(slot(0), 5, 0);
    let root = builder.end_table(start);
    builder.finish_minimal(root);
    let err = assert_invalid(builder.finished_data());
    assert_eq!(err.kind(), &VerifyErrorKind::MissingRequiredField);
    assert_eq!(err.path(), "Outer.inner");
    let root = u32::from_le_bytes(builder.finished_data()[..4].try_into().unwrap()) as usize;
    assert_eq!(err.offset(), root, "the table missing the field");
    // SAFETY: not a valid `Outer`, but the unchecked path still reads the
    // missing table as an empty one rather than reading out of bounds; this
    // is relied on only to show the fallback, never in real code.
    let view = unsafe { Outer::view_unchecked(builder.finished_data()) };
    assert_eq!(view.inner().label(), "");
}

#[test]
fn truncated_payloads_never_panic() {
    let clean = payload_of(&sample());
    for len in 0..clean.len() {
        if let Ok(view) = Outer::view(&clean[..len]) {
            exercise(view);
        }
    }
}

/// Reads every field, decodes and formats: what a user might do with any
/// view that verification let through.
fn exercise(view: OuterView<'_>) {
    let owned = Outer::from(view);
    assert_eq!(view, owned);
    let _ = format!("{view:?}");
    for inner in view.inners() {
        let _ = (inner.label(), inner.kind(), inner.numbers().to_vec());
    }
    let _ = (view.names().to_vec(), view.kinds().to_vec(), view.blob());
    if let Some(maybe) = view.maybe() {
        let _ = Outer::from(maybe);
    }
}

#[test]
fn every_single_byte_change_is_rejected_or_readable() {
    let clean = payload_of(&sample());
    let mut accepted = 0;
    for at in 0..clean.len() {
        for value in [
            0x00,
            0x01,
            0x7f,
            0x80,
            0xff,
            clean[at] ^ 0x01,
            clean[at] ^ 0x40,
        ] {
            let mut payload = clean.clone();
            payload[at] = value;
            if let Ok(view) = Outer::view(&payload) {
                accepted += 1;
                exercise(view);
            }
        }
    }
    // Data bytes (ids, numbers, text) can change without breaking the
    // structure, so some changes verify; structural ones do not.
    assert!(accepted > 0 && accepted < clean.len() * 7);
}

#[test]
fn nesting_past_the_verifier_depth_limit_is_rejected() {
    let mut outer = sample();
    for _ in 0..80 {
        outer = Outer {
            maybe: Some(Box::new(outer)),
            ..sample()
        };
    }
    let payload = payload_of(&outer);
    let err = assert_invalid(&payload);
    assert_eq!(err.kind(), &VerifyErrorKind::TooDeep { max_depth: 64 });
    // 64 nested tables are allowed, the root and 63 `maybe`s; the first
    // table below them is the last one's `inner`.
    let expected = format!("Outer{}.inner", ".maybe".repeat(63));
    assert_eq!(err.path(), expected);
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(view) = Outer::view(&bytes) {
            exercise(view);
        }
        if let Ok(view) = Tagged::view(&bytes) {
            let _ = (Tagged::from(view), format!("{view:?}"));
        }
    }

    #[test]
    fn random_changes_to_a_valid_payload_never_panic(
        changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)
    ) {
        let mut payload = payload_of(&sample());
        for (at, value) in changes {
            let at = at.index(payload.len());
            payload[at] = value;
        }
        if let Ok(view) = Outer::view(&payload) {
            exercise(view);
        }
    }
}

#[test]
fn one_pass_owned_decode_agrees_with_view_and_from() {
    use flatstream::VerifierOptions;
    let options = VerifierOptions::default();
    let payload = payload_of(&sample());
    assert_eq!(
        Outer::decode_with_options(&payload, &options).unwrap(),
        Outer::from(Outer::view(&payload).unwrap())
    );
    // Every truncation and every byte flip: accepted by both or refused by
    // both, with the same detailed error.
    for cut in 0..payload.len() {
        let short = &payload[..cut];
        let decoded = Outer::decode_with_options(short, &options);
        let viewed = Outer::view(short);
        assert_eq!(decoded.is_ok(), viewed.is_ok(), "cut at {cut}");
    }
    for damaged in flatstream_testkit::bit_flips(&payload) {
        let decoded = Outer::decode_with_options(&damaged, &options);
        match Outer::view(&damaged) {
            Ok(view) => assert_eq!(decoded.unwrap(), Outer::from(view)),
            Err(err) => assert_eq!(decoded.unwrap_err().to_string(), err.to_string()),
        }
    }
    // Limits apply too.
    let tight = VerifierOptions {
        max_depth: 1,
        ..VerifierOptions::default()
    };
    match Outer::decode_with_options(&payload, &tight) {
        Err(Error::Verification(err)) => {
            assert_eq!(err.kind(), &VerifyErrorKind::TooDeep { max_depth: 1 });
            assert_eq!(err.path(), "Outer.inner");
        }
        other => panic!("depth limit not applied: {other:?}"),
    }
    // An unknown enum value is refused in one pass as in two.
    let tagged = payload_of(&TaggedV2 {
        kind: KindV2::C,
        kinds: vec![],
    });
    assert!(Tagged::decode_with_options(&tagged, &options).is_err());
}
