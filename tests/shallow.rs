//! Shallow views (`flatstream::lazy`): the root table checked up front,
//! each nested table when its `Lazy` is verified. A shallow view with all
//! its nested tables verified must accept exactly what a full view
//! accepts and read the same values; damage in a nested table must be
//! refused where it is reached, with the error a full view would give;
//! limits, file identifiers and `Debug` must behave as documented.
//! (`tests/verify_oracle.rs` holds the same comparison against the
//! `flatbuffers` crate's verifier, `flatstream/tests/hostile.rs` and
//! `flatstream/tests/miri.rs` the hand-made lies and the Miri runs.)

use flatstream::lazy::{Shallow, ShallowDeserialize};
use flatstream::{
    Error, StreamDeserialize, StreamSerialize, VerifierOptions, VerifyError, VerifyErrorKind,
};
use flatstream_testkit::every_kind::{all, node, sorted, All, AllView, Body, Node, Note};
use flatstream_testkit::oracle::same_verdict;
use flatstream_testkit::streams::payload_of;
use flatstream_testkit::telemetry::Reading;

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(file_identifier = "EVT1")]
#[flatstream(shallow)]
pub struct Event {
    pub timestamp: u64,
    pub source: String,
    pub primary: Reading,
    pub readings: Vec<Reading>,
    pub body: Option<Body>,
    pub values: Vec<f32>,
}

fn event() -> Event {
    let reading = |sensor: &str, value| Reading {
        sensor: sensor.into(),
        value,
    };
    Event {
        timestamp: 1_700_000_000,
        source: "edge-7".into(),
        primary: reading("primary", 1.5),
        readings: vec![reading("r0", 2.0), reading("r1", 3.0), reading("r2", 4.0)],
        body: Some(Body::Note(Note {
            text: "hello".into(),
        })),
        values: vec![0.25, 0.5],
    }
}

fn verification(err: Error) -> VerifyError {
    match err {
        Error::Verification(err) => err,
        other => panic!("not a verification error: {other:?}"),
    }
}

/// Where the bytes of `needle` start in `payload` (the only occurrence).
fn find(payload: &[u8], needle: &[u8]) -> usize {
    let at = payload
        .windows(needle.len())
        .position(|window| window == needle)
        .expect("present");
    assert!(
        payload[at + 1..]
            .windows(needle.len())
            .all(|window| window != needle),
        "present once"
    );
    at
}

/// `event()`'s payload with the first byte of `needle` made invalid UTF-8,
/// and the error a full view gives it.
fn damaged_event(needle: &[u8]) -> (Vec<u8>, VerifyError) {
    let mut damaged = payload_of(&event());
    let at = find(&damaged, needle);
    damaged[at] = 0xff;
    let full = verification(Event::view(&damaged).unwrap_err());
    (damaged, full)
}

#[test]
fn reads_the_root_without_checking_nested_tables() {
    let value = event();
    let payload = payload_of(&value);
    let view = Event::view_shallow(&payload).unwrap();
    assert_eq!(view.timestamp(), value.timestamp);
    assert_eq!(view.source(), value.source);
    assert_eq!(view.values(), value.values);
    assert_eq!(view.readings().len(), 3);
    assert!(view.primary().verify().unwrap() == value.primary);
    let sensors: Vec<String> = view
        .readings()
        .iter()
        .map(|lazy| lazy.verify().unwrap().sensor().to_owned())
        .collect();
    assert_eq!(sensors, ["r0", "r1", "r2"]);
    assert_eq!(view.readings().iter().rev().count(), 3);
    assert_eq!(view.readings().into_iter().len(), 3);
    let body = view.body().expect("a body");
    assert_eq!(body.tag(), 2);
    assert_eq!(body.decode().unwrap(), value.body.clone().unwrap());
    // A shallow view of a shallow view's table.
    let primary = view.primary().verify_shallow().unwrap();
    assert_eq!(primary.sensor(), "primary");
}

#[test]
fn damage_in_a_nested_table_is_refused_where_it_is_reached() {
    // The second reading's sensor.
    let (damaged, full) = damaged_event(b"r1");
    assert_eq!(full.kind(), &VerifyErrorKind::NotUtf8);
    assert_eq!(full.path(), "Event.readings[1].sensor");

    let view = Event::view_shallow(&damaged).expect("the root table is intact");
    assert_eq!(view.timestamp(), 1_700_000_000);
    assert_eq!(view.source(), "edge-7");
    assert!(view.primary().verify().is_ok());
    assert!(view.readings().get(0).unwrap().verify().is_ok());
    assert!(view.readings().get(2).unwrap().decode().is_ok());

    // The damaged table: the same rule at the same byte, its path from
    // the nested table's type.
    let lazy = view.readings().get(1).unwrap();
    for err in [
        verification(lazy.verify().unwrap_err()),
        verification(lazy.decode().unwrap_err()),
        verification(lazy.verify_shallow().unwrap_err()),
    ] {
        assert_eq!(err.kind(), full.kind());
        assert_eq!(err.offset(), full.offset());
        assert_eq!(err.path(), "Reading.sensor");
    }
    let whole = verification(view.readings().verify().unwrap_err());
    assert_eq!((whole.kind(), whole.offset()), (full.kind(), full.offset()));
    assert_eq!(whole.path(), "Reading[1].sensor");
}

#[test]
fn damage_in_the_root_table_is_refused_up_front() {
    let (damaged, full) = damaged_event(b"edge-7");
    let shallow = verification(Event::view_shallow(&damaged).unwrap_err());
    assert_eq!(shallow, full);
    assert_eq!(shallow.path(), "Event.source");
    // An offset to a nested table that leaves the buffer is the root's.
    let mut cut = payload_of(&event());
    cut.truncate(8);
    assert!(Event::view_shallow(&cut).is_err());
}

#[test]
fn a_union_is_checked_when_reached() {
    let (damaged, full) = damaged_event(b"hello");
    assert_eq!(full.path(), "Event.body(Note).text");
    let view = Event::view_shallow(&damaged).unwrap();
    let body = view.body().unwrap();
    let err = verification(body.verify().unwrap_err());
    assert_eq!((err.kind(), err.offset()), (full.kind(), full.offset()));
    assert_eq!(err.path(), "Body(Note).text");
    assert!(body.decode().is_err());
    // An absent union reads as `None` in both views.
    let none = payload_of(&Event {
        body: None,
        ..event()
    });
    assert!(Event::view_shallow(&none).unwrap().body().is_none());
}

#[test]
fn limits_apply_to_each_check_on_its_own() {
    // A chain of 10 nodes: 10 tables, 10 deep.
    let payload = payload_of(&node(9));
    let tight = VerifierOptions {
        max_depth: 3,
        max_tables: 3,
        ..VerifierOptions::default()
    };
    let shallow_depth = VerifierOptions {
        max_depth: 3,
        ..VerifierOptions::default()
    };
    let full = verification(Node::view_with_options(&payload, &shallow_depth).unwrap_err());
    assert!(matches!(
        full.kind(),
        VerifyErrorKind::TooDeep { max_depth: 3 }
    ));
    let full = verification(Node::view_with_options(&payload, &tight).unwrap_err());
    assert!(matches!(
        full.kind(),
        VerifyErrorKind::TooManyTables { max_tables: 3 }
    ));
    // Shallowly, one table at a time: the chain walks under the limit.
    let mut view = Node::view_shallow_with_options(&payload, &tight).unwrap();
    let mut steps = 0;
    while let Some(child) = view.child() {
        view = child.verify_shallow_with_options(&tight).unwrap();
        steps += 1;
    }
    assert_eq!((steps, view.depth()), (9, 0));
    // A nested table's subtree checked in full is held to the limits.
    let top = Node::view_shallow(&payload).unwrap();
    let child = top.child().unwrap();
    let err = verification(child.verify_with_options(&shallow_depth).unwrap_err());
    assert!(matches!(
        err.kind(),
        VerifyErrorKind::TooDeep { max_depth: 3 }
    ));
    let tables = VerifierOptions {
        max_tables: 4,
        ..VerifierOptions::default()
    };
    let err = verification(child.decode_with_options(&tables).unwrap_err());
    assert!(matches!(
        err.kind(),
        VerifyErrorKind::TooManyTables { max_tables: 4 }
    ));
    assert_eq!(child.verify().unwrap().depth(), 8);
}

#[test]
fn the_file_identifier_is_checked() {
    let payload = payload_of(&event());
    assert_eq!(&payload[4..8], b"EVT1");
    assert!(Event::view_shallow(&payload).is_ok());
    let mut wrong = payload.clone();
    wrong[4..8].copy_from_slice(b"EVT2");
    let err = verification(Event::view_shallow(&wrong).unwrap_err());
    assert_eq!(
        err.kind(),
        &VerifyErrorKind::FileIdentifier {
            expected: *b"EVT1",
            found: Some(*b"EVT2"),
        }
    );
}

#[test]
fn debug_shows_values_and_what_is_not_checked() {
    let payload = payload_of(&event());
    let view = Event::view_shallow(&payload).unwrap();
    let debug = format!("{view:?}");
    assert!(debug.starts_with("EventView<Shallow> { timestamp: 1700000000, source: \"edge-7\", primary: Lazy { table: \"Reading\", offset_position: "), "{debug}");
    assert!(
        debug.contains("readings: [Lazy { table: \"Reading\""),
        "{debug}"
    );
    assert!(
        debug.contains("body: Some(LazyUnion { union: \"Body\", tag: 2"),
        "{debug}"
    );
    assert!(debug.contains("values: [0.25, 0.5]"), "{debug}");
}

/// An `All` made from its shallow view: every field kind, each nested
/// table decoded from its `Lazy` (some verified first, some shallowly).
fn all_from_shallow(view: AllView<'_, Shallow>) -> flatstream::Result<All> {
    let _ = format!("{view:?}");
    Ok(All {
        ok: view.ok(),
        a: view.a(),
        b: view.b(),
        c: view.c(),
        d: view.d(),
        e: view.e(),
        f: view.f(),
        g: view.g(),
        h: view.h(),
        i: view.i(),
        j: view.j(),
        text: view.text().into(),
        raw: view.raw().into(),
        shorts: view.shorts().to_vec(),
        longs: view.longs().to_vec(),
        floats: view.floats().to_vec(),
        flags: view.flags().to_vec(),
        words: view.words().to_vec(),
        reading: view.reading().verify()?.into(),
        boxed: Box::new(view.boxed().decode()?),
        readings: view
            .readings()
            .iter()
            .map(|lazy| lazy.decode())
            .collect::<flatstream::Result<_>>()?,
        level: view.level(),
        axis: view.axis(),
        levels: view.levels().to_vec(),
        axes: view.axes().to_vec(),
        frame: view.frame(),
        frames: view.frames().to_vec(),
        body: view.body().verify()?.into(),
        forward: view.forward().decode()?,
        maybe_body: view.maybe_body().map(|lazy| lazy.decode()).transpose()?,
        maybe_forward: view.maybe_forward().map(|lazy| lazy.decode()).transpose()?,
        node: node_from_shallow(view.node().verify_shallow()?)?,
        sensors: view.sensors().verify()?.to_vec(),
        named: view.named().verify()?.to_vec(),
        opt_bool: view.opt_bool(),
        opt_i64: view.opt_i64(),
        opt_text: view.opt_text().map(Into::into),
        opt_raw: view.opt_raw().map(Into::into),
        opt_words: view.opt_words().map(|words| words.to_vec()),
        opt_reading: view.opt_reading().map(|lazy| lazy.decode()).transpose()?,
        opt_readings: view
            .opt_readings()
            .map(|lazy| lazy.verify().map(|readings| readings.to_vec()))
            .transpose()?,
        opt_level: view.opt_level(),
        opt_frame: view.opt_frame(),
        opt_frames: view.opt_frames().map(|frames| frames.to_vec()),
        label: view.label().into(),
        labels: view.labels().to_vec(),
        opt_label: view.opt_label().map(Into::into),
    })
}

fn node_from_shallow(
    view: flatstream_testkit::every_kind::NodeView<'_, Shallow>,
) -> flatstream::Result<Node> {
    let child = match view.child() {
        Some(lazy) => Some(Box::new(node_from_shallow(lazy.verify_shallow()?)?)),
        None => None,
    };
    Ok(Node {
        depth: view.depth(),
        child,
    })
}

/// The shallow verdict (the view and every table it leads to) must be the
/// full view's, and an accepted message must read the same; returns it.
fn agree(payload: &[u8]) -> bool {
    let full = All::decode_with_options(payload, &VerifierOptions::default());
    let shallow = All::view_shallow(payload).and_then(all_from_shallow);
    // The full view is the reference the shallow one is held to.
    let accepted = same_verdict(payload, &shallow, &full);
    if let (Ok(shallow), Ok(full)) = (&shallow, &full) {
        // NaN-free values: `all` writes none, and a flipped bit that makes
        // one is compared through its bits by `Debug`.
        assert_eq!(format!("{shallow:?}"), format!("{full:?}"));
    }
    accepted
}

#[test]
fn every_kind_reads_the_same_shallowly() {
    for n in 0..6 {
        let value = all(n);
        let payload = payload_of(&value);
        assert!(agree(&payload));
        let view = All::view_shallow(&payload).unwrap();
        assert_eq!(all_from_shallow(view).unwrap(), sorted(value));
    }
}

#[test]
fn every_bit_flip_and_truncation_gets_the_full_verdict() {
    let (mut accepted, mut refused) = (0, 0);
    for n in [1, 3] {
        let clean = payload_of(&all(n));
        for cut in 0..clean.len() {
            assert!(!agree(&clean[..cut]) || cut > 8);
        }
        for payload in flatstream_testkit::bit_flips(&clean) {
            if agree(&payload) {
                accepted += 1;
            } else {
                refused += 1;
            }
        }
    }
    assert!(
        accepted > 1000 && refused > 1000,
        "{accepted} accepted, {refused} refused"
    );
}
