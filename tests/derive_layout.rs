//! The bytes a derived type writes, read with plain `flatbuffers::Table`
//! calls: slots, defaults, enums and nesting are where a `flatc` schema
//! would put them, and hand-built buffers read back through derived views.

use flatstream::flatbuffers::{
    self, FlatBufferBuilder, ForwardsUOffset, Table, VOffsetT, Vector, WIPOffset,
};
use flatstream::{StreamDeserialize, StreamSerialize};
use flatstream_testkit::models::Mode;
use flatstream_testkit::streams::payload_of;

/// The root table of a payload that `T` has verified.
fn root_table<T: StreamDeserialize>(payload: &[u8]) -> Table<'_> {
    T::view(payload).expect("the payload verifies");
    // SAFETY: verified as a `T`, whose root is a table, just above.
    unsafe { flatbuffers::root_unchecked::<Table<'_>>(payload) }
}

/// The vtable offset of field `id`.
const fn slot(id: VOffsetT) -> VOffsetT {
    4 + 2 * id
}

fn present(table: &Table<'_>, id: VOffsetT) -> bool {
    table.vtable().get(slot(id)) != 0
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct InOrder {
    pub small: u8,
    pub name: String,
    pub big: u64,
    pub mode: Mode,
    pub point: Point,
    pub points: Vec<Point>,
    pub ratio: Option<f32>,
    pub bytes: Vec<u8>,
    pub words: Vec<String>,
}

#[test]
fn slots_follow_declaration_order() {
    let value = InOrder {
        small: 7,
        name: "seven".into(),
        big: 1 << 40,
        mode: Mode::Auto,
        point: Point { x: 1, y: -1 },
        points: vec![Point { x: 2, y: 3 }, Point { x: 4, y: 5 }],
        ratio: Some(0.25),
        bytes: vec![9, 8],
        words: vec!["a".into(), "bc".into()],
    };
    let payload = payload_of(&value);
    let table = root_table::<InOrder>(&payload);
    // SAFETY: the payload was verified as an `InOrder`, whose slots hold
    // the types read here.
    unsafe {
        assert_eq!(table.get::<u8>(slot(0), None), Some(7));
        assert_eq!(
            table.get::<ForwardsUOffset<&str>>(slot(1), None),
            Some("seven")
        );
        assert_eq!(table.get::<u64>(slot(2), None), Some(1 << 40));
        assert_eq!(table.get::<i16>(slot(3), None), Some(300));
        let point = table
            .get::<ForwardsUOffset<Table<'_>>>(slot(4), None)
            .unwrap();
        assert_eq!(point.get::<i32>(slot(0), None), Some(1));
        assert_eq!(point.get::<i32>(slot(1), None), Some(-1));
        let points = table
            .get::<ForwardsUOffset<Vector<'_, ForwardsUOffset<Table<'_>>>>>(slot(5), None)
            .unwrap();
        assert_eq!(points.len(), 2);
        assert_eq!(points.get(1).get::<i32>(slot(0), None), Some(4));
        assert_eq!(table.get::<f32>(slot(6), None), Some(0.25));
        let bytes = table
            .get::<ForwardsUOffset<Vector<'_, u8>>>(slot(7), None)
            .unwrap();
        assert_eq!(bytes.bytes(), [9, 8]);
        let words = table
            .get::<ForwardsUOffset<Vector<'_, ForwardsUOffset<&str>>>>(slot(8), None)
            .unwrap();
        assert_eq!(words.iter().collect::<Vec<_>>(), ["a", "bc"]);
    }
    assert!(!present(&table, 9));
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct WithIds {
    #[flatstream(id = 2)]
    pub third: u32,
    #[flatstream(id = 0)]
    pub first: u16,
    #[flatstream(id = 3, deprecated)]
    pub removed: u64,
    #[flatstream(id = 1)]
    pub second: String,
    #[flatstream(skip)]
    pub scratch: Vec<u8>,
    #[flatstream(id = 4)]
    pub fifth: i8,
}

#[test]
fn ids_pin_slots() {
    let value = WithIds {
        third: 3,
        first: 1,
        removed: 99,
        second: "2".into(),
        scratch: vec![1, 2, 3],
        fifth: -5,
    };
    let payload = payload_of(&value);
    let table = root_table::<WithIds>(&payload);
    // SAFETY: verified as a `WithIds` above.
    unsafe {
        assert_eq!(table.get::<u16>(slot(0), None), Some(1));
        assert_eq!(table.get::<ForwardsUOffset<&str>>(slot(1), None), Some("2"));
        assert_eq!(table.get::<u32>(slot(2), None), Some(3));
        assert_eq!(table.get::<i8>(slot(4), None), Some(-5));
    }
    // The deprecated field's slot stays empty; the skipped one has none.
    assert!(!present(&table, 3));
    assert!(!present(&table, 5));
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Skips {
    pub a: u32,
    #[flatstream(skip)]
    pub cache: u32,
    #[flatstream(deprecated)]
    pub old: u32,
    pub b: u32,
}

#[test]
fn skip_takes_no_slot_and_deprecated_keeps_one() {
    let payload = payload_of(&Skips {
        a: 1,
        cache: 2,
        old: 3,
        b: 4,
    });
    let table = root_table::<Skips>(&payload);
    // SAFETY: verified as a `Skips` above.
    unsafe {
        assert_eq!(table.get::<u32>(slot(0), None), Some(1));
        assert_eq!(table.get::<u32>(slot(2), None), Some(4));
    }
    assert!(!present(&table, 1));
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Defaults {
    pub zero: u32,
    pub off: bool,
    pub nothing: f64,
    #[flatstream(default = 7)]
    pub seven: i64,
    pub mode: Mode,
    pub maybe: Option<u32>,
    pub text: String,
    pub list: Vec<u16>,
}

#[test]
fn defaults_are_not_written_like_flatc() {
    let value = Defaults {
        zero: 0,
        off: false,
        nothing: 0.0,
        seven: 7,
        mode: Mode::On,
        maybe: None,
        text: String::new(),
        list: vec![],
    };
    let payload = payload_of(&value);
    let table = root_table::<Defaults>(&payload);
    for id in [0, 1, 2, 3, 5] {
        assert!(!present(&table, id), "field {id} was written");
    }
    // `Mode` has no 0 variant, so its default is its first, `Off`: `On`
    // is written.
    assert!(present(&table, 4));
    // Strings and vectors are written even when empty, as flatc does.
    assert!(present(&table, 6));
    assert!(present(&table, 7));

    let value = Defaults {
        seven: 0,
        mode: Mode::Off,
        maybe: Some(0),
        ..value
    };
    let payload = payload_of(&value);
    let table = root_table::<Defaults>(&payload);
    // SAFETY: verified as a `Defaults` above.
    unsafe {
        assert_eq!(table.get::<i64>(slot(3), None), Some(0));
        // An optional scalar is written whenever it is `Some`.
        assert_eq!(table.get::<u32>(slot(5), None), Some(0));
    }
    assert!(!present(&table, 4));
}

#[test]
fn largest_fields_are_written_first() {
    #[derive(StreamSerialize, Debug, Clone, PartialEq)]
    struct Mixed {
        a: u8,
        b: u64,
        c: u16,
        d: u32,
        e: Mode,
    }
    let payload = payload_of(&Mixed {
        a: 1,
        b: 2,
        c: 3,
        d: 4,
        e: Mode::Auto,
    });
    let table = root_table::<Mixed>(&payload);
    let offset = |id| table.vtable().get(slot(id));
    // Within the table, the builder writes backwards: the field pushed
    // first sits last. Sorted largest first, the table needs no padding.
    assert!(offset(1) > offset(3) && offset(3) > offset(2) && offset(2) > offset(4));
    assert!(offset(4) > offset(0));
    let table_len = table.vtable().object_inline_num_bytes();
    // 17 bytes of fields after the 4-byte vtable offset, rounded up to the
    // offset's alignment: no padding between fields.
    assert_eq!(table_len, 24, "padding in the table");
}

/// A buffer built by hand, the way `flatc`-generated code for
/// `table Point { x: int; y: int; } table InOrder { ... }` would build it.
#[test]
fn hand_built_buffers_read_through_derived_views() {
    let mut builder = FlatBufferBuilder::new();
    let name = builder.create_string("hand");
    let point = {
        let start = builder.start_table();
        builder.push_slot::<i32>(slot(0), 10, 0);
        builder.push_slot::<i32>(slot(1), 20, 0);
        builder.end_table(start)
    };
    let words = {
        let a = builder.create_string("w");
        builder.create_vector(&[a])
    };
    let start = builder.start_table();
    builder.push_slot::<u64>(slot(2), 5, 0);
    builder.push_slot_always::<WIPOffset<_>>(slot(1), name);
    builder.push_slot_always::<WIPOffset<_>>(slot(4), point);
    builder.push_slot_always::<WIPOffset<_>>(slot(8), words);
    builder.push_slot::<i16>(slot(3), -1, 0);
    builder.push_slot::<u8>(slot(0), 1, 0);
    let root = builder.end_table(start);
    builder.finish_minimal(root);

    let view = InOrder::view(builder.finished_data()).unwrap();
    assert_eq!(
        InOrder::from(view),
        InOrder {
            small: 1,
            name: "hand".into(),
            big: 5,
            mode: Mode::Off,
            point: Point { x: 10, y: 20 },
            points: vec![],
            ratio: None,
            bytes: vec![],
            words: vec!["w".into()],
        }
    );
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Tagged {
    pub id: u32,
    #[flatstream(shared)]
    pub kind: String,
    pub other: String,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Inventory {
    #[flatstream(shared)]
    pub owner: String,
    #[flatstream(shared)]
    pub tags: Vec<String>,
    #[flatstream(shared)]
    pub note: Option<String>,
    pub items: Vec<Tagged>,
}

fn inventory(kinds: usize, items: usize) -> Inventory {
    Inventory {
        owner: "kind-0".into(),
        tags: (0..items).map(|i| format!("kind-{}", i % kinds)).collect(),
        note: Some("kind-1".into()),
        items: (0..items)
            .map(|i| Tagged {
                id: i as u32,
                kind: format!("kind-{}", i % kinds),
                other: format!("kind-{}", i % kinds),
            })
            .collect(),
    }
}

/// How many times `needle` occurs in `haystack`.
fn occurrences(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

#[test]
fn shared_strings_are_written_once_as_flatc_shares_them() {
    let value = inventory(3, 40);
    let payload = payload_of(&value);
    // Every shared field and element points at one copy of each string;
    // `other`, not shared, holds a copy per item.
    for kind in ["kind-0", "kind-1", "kind-2"] {
        assert_eq!(
            occurrences(&payload, kind.as_bytes()),
            1 + 40 / 3 + usize::from(kind == "kind-0"),
            "{kind}"
        );
    }
    // The writer's encoder lays it out as `FlatBufferBuilder` does with
    // `create_shared_string`, byte for byte.
    let mut builder = FlatBufferBuilder::new();
    value.serialize(&mut builder).unwrap();
    assert_eq!(builder.finished_data(), &payload[..]);
    // Read back, it is the value written, for views and decodes alike
    // (and for flatc: `tests/schema_json.rs`).
    let view = Inventory::view(&payload).unwrap();
    assert!(view == value);
    assert_eq!(Inventory::from(view), value);
    let root = root_table::<Inventory>(&payload);
    // SAFETY: slot 0 of a verified `Inventory` holds a string offset.
    let owner = unsafe { root.get::<ForwardsUOffset<&str>>(slot(0), None) };
    assert_eq!(owner, Some("kind-0"));
    // The schema says so.
    let schema = flatstream::schema::<Inventory>();
    assert!(schema.contains("  owner: string (shared);"), "{schema}");
    // flatc takes `shared` on string fields only.
    assert!(schema.contains("  tags: [string];"), "{schema}");
    assert!(schema.contains("  kind: string (shared);"), "{schema}");
    assert!(schema.contains("  other: string;"), "{schema}");
}

#[test]
fn many_distinct_shared_strings_and_reuse_of_the_writer() {
    // Enough distinct strings to grow the encoder's table several times,
    // then messages that reuse the writer: each message shares within
    // itself only.
    let mut writer = flatstream::StreamWriter::new(Vec::new(), flatstream::framing::DefaultFramer);
    let values = [
        inventory(5000, 5000),
        inventory(2, 10),
        inventory(5000, 5000),
    ];
    for value in &values {
        writer.write(value).unwrap();
    }
    let bytes = writer.into_inner();
    let mut reader = flatstream::SliceReader::<Inventory, _>::new(
        &bytes,
        flatstream::framing::DefaultDeframer::default(),
    );
    for value in &values {
        let view = reader.read().unwrap().unwrap();
        assert!(view == *value);
    }
    assert!(reader.read().unwrap().is_none());
    // Against the builder, for the large one too.
    let mut builder = FlatBufferBuilder::new();
    values[0].serialize(&mut builder).unwrap();
    assert_eq!(builder.finished_data(), &payload_of(&values[0])[..]);
}
