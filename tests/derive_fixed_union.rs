//! Fixed structs (FlatBuffers structs) and unions: layout, round trips,
//! verification and the reader's verifier options.

use flatstream::{DecodeOwned, Error, StreamDeserialize, StreamSerialize, VerifyErrorKind};
use flatstream_testkit::every_kind::{node, Node};
use flatstream_testkit::streams::{assert_writer_matches_builder, payload_of};

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
pub enum Axis {
    X = 1,
    Y = 2,
}

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq)]
#[flatstream(fixed)]
pub struct Vec3 {
    pub x: f32,
    pub y: f32,
    pub z: f32,
}

/// `bool` at 0, `u64` at 8, `Axis` (u16) at 16, `Vec3` (align 4) at 20:
/// size 32, alignment 8.
#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq)]
#[flatstream(fixed)]
pub struct Padded {
    pub flag: bool,
    pub big: u64,
    pub axis: Axis,
    pub pos: Vec3,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Trade {
    pub price: f64,
    pub size: u32,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Quote {
    pub bid: f64,
    pub ask: f64,
    pub venue: String,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub enum Message {
    Trade(Trade),
    Quote(Quote),
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Envelope {
    pub seq: u64,
    pub pos: Vec3,
    pub padded: Option<Padded>,
    pub path: Vec<Vec3>,
    pub body: Message,
    pub extra: Option<Message>,
    pub tail: String,
}

fn envelope() -> Envelope {
    Envelope {
        seq: 7,
        pos: Vec3 {
            x: 1.0,
            y: 2.0,
            z: 3.0,
        },
        padded: Some(Padded {
            flag: true,
            big: u64::MAX - 1,
            axis: Axis::Y,
            pos: Vec3 {
                x: -1.0,
                y: 0.5,
                z: 9.0,
            },
        }),
        path: vec![
            Vec3 {
                x: 0.0,
                y: 1.0,
                z: 2.0,
            },
            Vec3 {
                x: 3.0,
                y: 4.0,
                z: 5.0,
            },
        ],
        body: Message::Quote(Quote {
            bid: 1.25,
            ask: 1.5,
            venue: "X".into(),
        }),
        extra: None,
        tail: "end".into(),
    }
}

#[test]
fn fixed_layout_follows_flatbuffers_rules() {
    use flatstream::__private::FixedType;
    assert_eq!(
        (<Vec3 as FixedType>::SIZE, <Vec3 as FixedType>::ALIGN),
        (12, 4)
    );
    assert_eq!(
        (<Padded as FixedType>::SIZE, <Padded as FixedType>::ALIGN),
        (32, 8)
    );
}

#[test]
fn envelope_round_trips_through_views() {
    let value = envelope();
    let bytes = payload_of(&value);
    let view = Envelope::view(&bytes).unwrap();
    assert_eq!(view.pos(), value.pos);
    assert_eq!(view.padded(), value.padded);
    assert_eq!(view.path().len(), 2);
    assert_eq!(
        view.path().get(1),
        Some(Vec3 {
            x: 3.0,
            y: 4.0,
            z: 5.0
        })
    );
    match view.body() {
        MessageView::Quote(quote) => assert_eq!(quote.venue(), "X"),
        MessageView::Trade(_) => panic!("wrong variant"),
    }
    assert!(view.extra().is_none());
    assert_eq!(view.tail(), "end");
    assert_eq!(view, value);
    assert_eq!(Envelope::from(view), value);
}

#[test]
fn union_is_a_whole_message() {
    let messages = [
        Message::Trade(Trade {
            price: 10.5,
            size: 3,
        }),
        Message::Quote(Quote {
            bid: 1.0,
            ask: 2.0,
            venue: "Q".into(),
        }),
    ];
    for message in &messages {
        let bytes = payload_of(message);
        let view = Message::view(&bytes).unwrap();
        assert_eq!(view, *message);
        assert_eq!(Message::from(view), *message);
    }
    let bytes = payload_of(&messages[0]);
    assert!(matches!(Message::view(&bytes).unwrap(), MessageView::Trade(t) if t.size() == 3));
}

#[test]
fn unknown_union_tag_fails_verification() {
    let mut bytes = payload_of(&Message::Trade(Trade {
        price: 1.0,
        size: 1,
    }));
    let at = root_slot_position(&bytes, 0);
    assert_eq!(bytes[at], 1);
    bytes[at] = 9;
    assert!(Message::view(&bytes).is_err());
    let Err(Error::Verification(err)) = Message::view(&bytes) else {
        panic!("unknown tag accepted");
    };
    assert_eq!(
        err.kind(),
        &VerifyErrorKind::UnknownUnionTag {
            union_name: "Message",
            tag: 9
        }
    );
    assert_eq!((err.path(), err.offset()), ("Message", at));
    // A known tag, but the table is a Trade, not a Quote: it is checked as
    // a Quote, whose `ask` (an f64 in slot 1) the Trade's 4-byte `size`
    // cannot hold.
    bytes[at] = 2;
    let Err(Error::Verification(err)) = Message::view(&bytes) else {
        panic!("a Trade read as a Quote");
    };
    assert_eq!(err.path(), "Message(Quote).ask", "{err}");
    bytes[at] = 0; // a tag of none with a value present
    let Err(Error::Verification(err)) = Message::view(&bytes) else {
        panic!("tag 0 accepted");
    };
    assert_eq!(err.kind(), &VerifyErrorKind::MissingRequiredField);
}

/// Where slot `id` of the root table is stored.
fn root_slot_position(bytes: &[u8], id: usize) -> usize {
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    let table = u32_at(0);
    let vtable = table - i32::from_le_bytes(bytes[table..table + 4].try_into().unwrap()) as usize;
    let voffset = 4 + 2 * id;
    table + u16::from_le_bytes([bytes[vtable + voffset], bytes[vtable + voffset + 1]]) as usize
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub enum Forward {
    Trade(Trade),
    #[flatstream(other)]
    Unknown,
}

#[test]
fn other_variant_receives_unknown_kinds() {
    // A `Message::Quote` is variant 2, which `Forward` does not know.
    let bytes = payload_of(&Message::Quote(Quote {
        bid: 1.0,
        ask: 2.0,
        venue: "Q".into(),
    }));
    assert!(matches!(
        Forward::view(&bytes).unwrap(),
        ForwardView::Unknown
    ));
    let bytes = payload_of(&Message::Trade(Trade {
        price: 1.0,
        size: 5,
    }));
    assert!(matches!(Forward::view(&bytes).unwrap(), ForwardView::Trade(t) if t.size() == 5));
    // Writing the `other` variant writes no union; it reads back as itself.
    let bytes = payload_of(&Forward::Unknown);
    assert_eq!(Forward::view(&bytes).unwrap(), Forward::Unknown);
    // Without an `other` variant, an absent union is an error.
    assert!(Message::view(&bytes).is_err());
}

/// Writes `value`, whose fields are `a`, a union holding a `Trade` and
/// `b` = 4, reads it back, and checks that the union takes two slots: its
/// type tag in slot 1, its table in slot 2, `b` in slot 3.
fn assert_union_takes_two_slots<T>(value: &T)
where
    T: StreamSerialize + DecodeOwned + PartialEq + std::fmt::Debug,
{
    let bytes = payload_of(value);
    assert_eq!(T::from_view(T::view(&bytes).unwrap()), *value);
    assert_eq!(bytes[root_slot_position(&bytes, 1)], 1);
    assert_eq!(bytes[root_slot_position(&bytes, 3)], 4);
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Pinned {
    #[flatstream(id = 0)]
    pub a: u32,
    #[flatstream(id = 2)]
    pub body: Message,
    #[flatstream(id = 3)]
    pub b: u32,
}

#[test]
fn explicit_ids_give_a_union_two_slots() {
    let value = Pinned {
        a: 1,
        body: Message::Trade(Trade {
            price: 2.0,
            size: 3,
        }),
        b: 4,
    };
    assert_union_takes_two_slots(&value);
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Auto {
    pub a: u32,
    pub body: Option<Message>,
    pub b: u32,
}

#[test]
fn implicit_ids_give_a_union_two_slots() {
    let value = Auto {
        a: 1,
        body: Some(Message::Trade(Trade {
            price: 2.0,
            size: 3,
        })),
        b: 4,
    };
    assert_union_takes_two_slots(&value);
    let none = Auto {
        body: None,
        ..value
    };
    assert_eq!(Auto::view(&payload_of(&none)).unwrap(), none);
}

#[test]
fn derived_types_honour_reader_verifier_options() {
    // A chain of 10 nodes: 10 tables, 10 deep.
    let value = node(9);
    let bytes = payload_of(&value);
    let tight = flatstream::VerifierOptions {
        max_depth: 4,
        ..Default::default()
    };
    assert!(Node::view_with_options(&bytes, &Default::default()).is_ok());
    assert!(Node::view_with_options(&bytes, &tight).is_err());
    let few_tables = flatstream::VerifierOptions {
        max_tables: 3,
        ..Default::default()
    };
    assert!(Node::view_with_options(&bytes, &few_tables).is_err());

    let message = payload_of(&Message::Trade(Trade {
        price: 1.0,
        size: 1,
    }));
    let one_table = flatstream::VerifierOptions {
        max_tables: 1,
        ..Default::default()
    };
    assert!(Message::view_with_options(&message, &Default::default()).is_ok());
    assert!(Message::view_with_options(&message, &one_table).is_err());

    // Through the reader.
    let mut writer = flatstream::StreamWriter::new(Vec::new(), flatstream::framing::DefaultFramer);
    writer.write(&value).unwrap();
    let stream = writer.into_inner();
    let mut reader = flatstream::StreamReader::<Node, _, _>::new(
        &stream[..],
        flatstream::framing::DefaultDeframer::default(),
    )
    .with_verifier_options(tight);
    assert!(reader.read().is_err());
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(file_identifier = "EVT1")]
pub struct Tagged {
    pub n: u32,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Untagged {
    pub n: u32,
}

#[test]
fn file_identifier_is_written_and_checked() {
    let bytes = payload_of(&Tagged { n: 5 });
    assert_eq!(&bytes[4..8], b"EVT1");
    assert_eq!(Tagged::view(&bytes).unwrap().n(), 5);
    let other = payload_of(&Untagged { n: 5 });
    let found: [u8; 4] = other[4..8].try_into().unwrap();
    for result in [
        Tagged::view(&other).map(drop),
        Tagged::view_with_options(&other, &Default::default()).map(drop),
        Tagged::decode_with_options(&other, &Default::default()).map(drop),
    ] {
        let Err(Error::Verification(err)) = result else {
            panic!("a buffer without the identifier accepted");
        };
        assert_eq!(
            err.kind(),
            &VerifyErrorKind::FileIdentifier {
                expected: *b"EVT1",
                found: Some(found)
            }
        );
        assert_eq!((err.path(), err.offset()), ("Tagged", 4));
    }
    // Too short to hold one.
    let Err(Error::Verification(err)) = Tagged::view(&[4, 0, 0, 0]) else {
        panic!("a 4-byte buffer accepted");
    };
    assert_eq!(
        err.to_string(),
        "Tagged: file identifier at byte 4 is missing, expected \"EVT1\""
    );
    // A reader without the identifier still reads the table.
    assert_eq!(Untagged::view(&bytes).unwrap().n(), 5);
}

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strict {
    A,
    B,
}

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq)]
#[flatstream(fixed)]
pub struct WithEnum {
    pub kind: Strict,
    pub value: u8,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Holder {
    pub items: Vec<WithEnum>,
}

#[test]
fn enums_inside_fixed_structs_are_verified() {
    let value = Holder {
        items: vec![WithEnum {
            kind: Strict::B,
            value: 7,
        }],
    };
    let mut bytes = payload_of(&value);
    assert_eq!(Holder::view(&bytes).unwrap(), value);
    // The element's two bytes: kind (B = 1), value 7.
    let at = bytes.windows(2).position(|pair| pair == [1, 7]).unwrap();
    bytes[at] = 5;
    assert!(Holder::view(&bytes).is_err());
}

#[test]
fn damaged_buffers_never_panic() {
    let bytes = payload_of(&envelope());
    for i in 0..bytes.len() {
        for delta in [1u8, 0x80, 0xff] {
            let mut damaged = bytes.clone();
            damaged[i] = damaged[i].wrapping_add(delta);
            if let Ok(view) = Envelope::view(&damaged) {
                let _ = format!("{view:?}");
                let _ = Envelope::from(view);
            }
        }
    }
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(file_identifier = "MSG1", view = "TaggedRef")]
pub enum TaggedMessage {
    Trade(Trade),
}

#[test]
fn union_messages_carry_their_file_identifier() {
    let message = TaggedMessage::Trade(Trade {
        price: 1.0,
        size: 2,
    });
    let bytes = payload_of(&message);
    assert_eq!(&bytes[4..8], b"MSG1");
    assert!(matches!(TaggedMessage::view(&bytes).unwrap(), TaggedRef::Trade(t) if t.size() == 2));
    let untagged = payload_of(&Message::Trade(Trade {
        price: 1.0,
        size: 2,
    }));
    let Err(Error::Verification(err)) = TaggedMessage::view(&untagged) else {
        panic!("a union message without the identifier accepted");
    };
    assert!(
        matches!(err.kind(), VerifyErrorKind::FileIdentifier { expected, .. } if expected == b"MSG1"),
        "{err}"
    );
    assert_eq!(err.path(), "TaggedMessage");
    assert!(flatstream::schema::<TaggedMessage>()
        .ends_with("root_type TaggedMessageRoot;\nfile_identifier \"MSG1\";\n"));
}

mod other_module {
    use flatstream::StreamSerialize;

    /// Same name as the outer `Trade`, different type.
    #[derive(StreamSerialize, Debug, Clone, PartialEq)]
    pub struct Trade {
        pub id: u64,
    }
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Clash {
    pub a: Trade,
    pub b: other_module::Trade,
}

#[test]
#[should_panic(expected = "are both named `Trade`")]
fn schema_refuses_two_types_with_one_name() {
    let _ = flatstream::schema::<Clash>();
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn vec3() -> impl Strategy<Value = Vec3> {
        (any::<f32>(), any::<f32>(), any::<f32>())
            .prop_filter("NaN never equals itself", |(x, y, z)| {
                !x.is_nan() && !y.is_nan() && !z.is_nan()
            })
            .prop_map(|(x, y, z)| Vec3 { x, y, z })
    }

    fn padded() -> impl Strategy<Value = Padded> {
        (any::<bool>(), any::<u64>(), any::<bool>(), vec3()).prop_map(|(flag, big, y, pos)| {
            Padded {
                flag,
                big,
                axis: if y { Axis::Y } else { Axis::X },
                pos,
            }
        })
    }

    fn message() -> impl Strategy<Value = Message> {
        prop_oneof![
            (any::<u32>(), -1e9f64..1e9)
                .prop_map(|(size, price)| Message::Trade(Trade { price, size })),
            (-1e9f64..1e9, -1e9f64..1e9, ".{0,8}")
                .prop_map(|(bid, ask, venue)| Message::Quote(Quote { bid, ask, venue })),
        ]
    }

    fn envelope() -> impl Strategy<Value = Envelope> {
        (
            any::<u64>(),
            vec3(),
            proptest::option::of(padded()),
            proptest::collection::vec(vec3(), 0..5),
            message(),
            proptest::option::of(message()),
            ".{0,8}",
        )
            .prop_map(|(seq, pos, padded, path, body, extra, tail)| Envelope {
                seq,
                pos,
                padded,
                path,
                body,
                extra,
                tail,
            })
    }

    proptest! {
        #[test]
        fn envelope_round_trips(value in envelope()) {
            let bytes = payload_of(&value);
            let view = Envelope::view(&bytes).unwrap();
            prop_assert_eq!(view, value.clone());
            prop_assert_eq!(Envelope::from(view), value);
        }

        #[test]
        fn writer_encodes_the_bytes_the_builder_does(
            envelopes in proptest::collection::vec(envelope(), 1..5),
            messages in proptest::collection::vec(message(), 1..5),
        ) {
            assert_writer_matches_builder(&envelopes);
            assert_writer_matches_builder(&messages);
        }

        #[test]
        fn union_message_round_trips(value in message()) {
            let bytes = payload_of(&value);
            prop_assert_eq!(Message::from(Message::view(&bytes).unwrap()), value);
        }
    }
}

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq)]
#[flatstream(fixed)]
pub struct Matrix {
    pub rows: [Vec3; 2],
    pub tag: u8,
    pub axes: [Axis; 3],
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct WithMatrix {
    pub matrix: Matrix,
    pub matrices: Vec<Matrix>,
}

#[test]
fn arrays_in_fixed_structs() {
    use flatstream::__private::FixedType;
    // rows 0..24, tag at 24, axes (u16) at 26..32
    assert_eq!(
        (<Matrix as FixedType>::SIZE, <Matrix as FixedType>::ALIGN),
        (32, 4)
    );
    let matrix = Matrix {
        rows: [
            Vec3 {
                x: 1.0,
                y: 2.0,
                z: 3.0,
            },
            Vec3 {
                x: 4.0,
                y: 5.0,
                z: 6.0,
            },
        ],
        tag: 9,
        axes: [Axis::X, Axis::Y, Axis::X],
    };
    let value = WithMatrix {
        matrix,
        matrices: vec![matrix, matrix],
    };
    let bytes = payload_of(&value);
    let view = WithMatrix::view(&bytes).unwrap();
    assert_eq!(view.matrix().rows[1].y, 5.0);
    assert_eq!(view.matrices().get(1).map(|m| m.axes), Some(matrix.axes));
    assert_eq!(view, value);
    let fbs = flatstream::schema::<WithMatrix>();
    assert!(
        fbs.contains("struct Matrix {\n  rows: [Vec3:2];\n  tag: ubyte;\n  axes: [Axis:3];\n}"),
        "{fbs}"
    );
    // An unknown enum value inside an array fails verification.
    let mut damaged = bytes.clone();
    let at = damaged
        .windows(6)
        .position(|w| w == [1, 0, 2, 0, 1, 0])
        .unwrap();
    damaged[at] = 7;
    assert!(WithMatrix::view(&damaged).is_err());
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Loose {
    pub name: Option<String>,
    pub items: Option<Vec<u32>>,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct StrictFields {
    #[flatstream(required)]
    pub name: String,
    #[flatstream(required)]
    pub items: Vec<u32>,
}

#[test]
fn required_strings_and_vectors_must_be_present() {
    let full = payload_of(&Loose {
        name: Some("n".into()),
        items: Some(vec![1]),
    });
    assert_eq!(StrictFields::view(&full).unwrap().name(), "n");
    let no_name = payload_of(&Loose {
        name: None,
        items: Some(vec![1]),
    });
    assert!(StrictFields::view(&no_name).is_err());
    let no_items = payload_of(&Loose {
        name: Some("n".into()),
        items: None,
    });
    assert!(StrictFields::view(&no_items).is_err());
    // An empty string or vector is present, and passes.
    let empty = payload_of(&StrictFields {
        name: String::new(),
        items: vec![],
    });
    assert!(StrictFields::view(&empty).is_ok());
    assert!(flatstream::schema::<StrictFields>()
        .contains("  name: string (required);\n  items: [uint] (required);"));
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Sensor {
    #[flatstream(key, default = 7)]
    pub id: u32,
    pub label: String,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Registry {
    pub sensors: Vec<Sensor>,
}

#[test]
fn keyed_vectors_are_sorted_and_searchable() {
    let ids = [42u32, 7, 3, 99, 7, 0];
    let registry = Registry {
        sensors: ids
            .iter()
            .map(|&id| Sensor {
                id,
                label: format!("s{id}"),
            })
            .collect(),
    };
    let bytes = payload_of(&registry);
    let view = Registry::view(&bytes).unwrap();
    let stored: Vec<u32> = view.sensors().iter().map(|s| s.id()).collect();
    assert_eq!(stored, [0, 3, 7, 7, 42, 99]);
    for id in ids {
        assert_eq!(view.sensors().lookup_by_key(&id).map(|s| s.id()), Some(id));
    }
    assert!(view.sensors().lookup_by_key(&5).is_none());
    assert!(flatstream::schema::<Registry>().contains("  id: uint = 7 (key);"));
    assert_writer_matches_builder(&[registry]);
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct OpenHolder {
    pub kind: Forward,
    pub maybe: Option<Forward>,
}

/// A `OpenHolder` whose `kind` union has type tag `tag` and a value slot that
/// points past the end of the 20-byte buffer; `maybe` absent.
fn holder_with_dangling_value(tag: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend(12u32.to_le_bytes()); // root offset: the table at 12
    bytes.extend(8u16.to_le_bytes()); // vtable at 4: 8 bytes long,
    bytes.extend(8u16.to_le_bytes()); // a table of 8 bytes,
    bytes.extend(4u16.to_le_bytes()); // the tag at table + 4,
    bytes.extend(8u16.to_le_bytes()); // the value at table + 8 = 20: past the end
    bytes.extend(8i32.to_le_bytes()); // table at 12: its vtable is 8 bytes before
    bytes.extend([tag, 0, 0, 0]);
    assert_eq!(bytes.len(), 20);
    bytes
}

#[test]
fn union_value_slot_is_never_read_for_tag_zero_or_unknown_tags() {
    // Tag 0 and unknown tags never name a table, so the value slot is not
    // checked; the view must then not read it either (it lies past the
    // end of the buffer here).
    for tag in [0, 2, 9, 255] {
        let bytes = holder_with_dangling_value(tag);
        let view =
            OpenHolder::view(&bytes).expect("no variant is read, so nothing is out of bounds");
        assert!(matches!(view.kind(), ForwardView::Unknown));
        assert!(view.maybe().is_none());
        let owned = OpenHolder::from(view);
        assert_eq!(owned.kind, Forward::Unknown);
        assert_eq!(
            OpenHolder::decode_with_options(&bytes, &Default::default()).unwrap(),
            owned
        );
        let _ = format!("{view:?}");
    }
    // A known tag makes the value slot count: past the end, it is refused.
    let bytes = holder_with_dangling_value(1);
    let Err(Error::Verification(err)) = OpenHolder::view(&bytes) else {
        panic!("a dangling union value accepted");
    };
    assert_eq!(err.path(), "OpenHolder.kind(Trade)");
    assert_eq!(
        err.kind(),
        &VerifyErrorKind::OutOfBounds {
            what: "offset",
            size: 4,
            buf_len: 20
        }
    );
    assert_eq!(err.offset(), 20);
}

#[test]
fn union_errors_name_the_variant_in_the_path() {
    let mut bytes = payload_of(&Message::Quote(Quote {
        bid: 1.0,
        ask: 2.0,
        venue: "XLON".into(),
    }));
    let nul = bytes.windows(5).position(|w| w == b"XLON\0").unwrap() + 4;
    bytes[nul] = b'?';
    let Err(Error::Verification(err)) = Message::view(&bytes) else {
        panic!("an unterminated string accepted");
    };
    assert_eq!(
        err.to_string(),
        format!(
            "Message(Quote).venue: string at byte {} is not NUL-terminated",
            nul - 8
        )
    );

    // A type tag without its value.
    let mut bytes = holder_with_dangling_value(1);
    bytes[10] = 0; // the value's vtable entry: absent
    let Err(Error::Verification(err)) = OpenHolder::view(&bytes) else {
        panic!("a union tag without a value accepted");
    };
    assert_eq!(
        err.kind(),
        &VerifyErrorKind::InconsistentUnion {
            union_name: "Forward",
            has_tag: true
        }
    );
    assert_eq!(
        err.to_string(),
        "OpenHolder.kind: union Forward has a type tag but no value in the table at byte 12"
    );
}
