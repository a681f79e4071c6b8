//! Derived types end to end: every field kind written through a stream with
//! every checksum and read back as views and owned values.

use flatstream::checksum::{Checksum, Crc16, Crc32, Crc64, NoChecksum, XxHash64};
use flatstream::flatbuffers::FlatBufferBuilder;
use flatstream::framing::{
    ChecksumDeframer, ChecksumFramer, DefaultDeframer, DefaultFramer, Framer,
};
use flatstream::{StreamDeserialize, StreamReader, StreamSerialize, StreamWriter, Vector};
// The innermost level of nesting, and a closed enum: the fuzz model's.
use flatstream_testkit::fuzz::{Leaf, Level};
use flatstream_testkit::models::Mode;
use flatstream_testkit::streams::{assert_writer_matches_builder, payload_of};
use proptest::prelude::*;

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Wide {
    Small = 1,
    Large = 4_000_000_000,
}

/// The middle level: tables in every position.
#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Middle {
    pub leaf: Leaf,
    pub leaves: Vec<Leaf>,
    pub maybe_leaf: Option<Leaf>,
    pub boxed_leaf: Box<Leaf>,
    pub code: u16,
}

/// A recursive type, through `Option<Box<_>>` and `Vec<_>`.
#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Tree {
    pub value: i32,
    pub children: Vec<Tree>,
    pub next: Option<Box<Tree>>,
}

/// Every field kind of the API's table, and `Option` of each.
#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Everything {
    pub flag: bool,
    pub byte: u8,
    pub signed_byte: i8,
    pub short: u16,
    pub signed_short: i16,
    pub int: u32,
    pub signed_int: i32,
    pub long: u64,
    pub signed_long: i64,
    pub single: f32,
    pub double: f64,
    pub text: String,
    pub bytes: Vec<u8>,
    pub flags: Vec<bool>,
    pub signed_bytes: Vec<i8>,
    pub shorts: Vec<u16>,
    pub signed_shorts: Vec<i16>,
    pub ints: Vec<u32>,
    pub signed_ints: Vec<i32>,
    pub longs: Vec<u64>,
    pub signed_longs: Vec<i64>,
    pub singles: Vec<f32>,
    pub doubles: Vec<f64>,
    pub texts: Vec<String>,
    pub middle: Middle,
    pub middles: Vec<Middle>,
    pub boxed: Box<Middle>,
    pub level: Level,
    pub mode: Mode,
    pub wide: Wide,
    pub levels: Vec<Level>,
    pub modes: Vec<Mode>,
    pub tree: Tree,
    pub maybe_flag: Option<bool>,
    pub maybe_byte: Option<u8>,
    pub maybe_signed_short: Option<i16>,
    pub maybe_int: Option<u32>,
    pub maybe_signed_long: Option<i64>,
    pub maybe_double: Option<f64>,
    pub maybe_text: Option<String>,
    pub maybe_bytes: Option<Vec<u8>>,
    pub maybe_singles: Option<Vec<f32>>,
    pub maybe_texts: Option<Vec<String>>,
    pub maybe_middle: Option<Middle>,
    pub maybe_boxed: Option<Box<Middle>>,
    pub maybe_middles: Option<Vec<Middle>>,
    pub maybe_level: Option<Level>,
    pub maybe_levels: Option<Vec<Level>>,
}

// ---------------------------------------------------------------------------
// Strategies

fn f64s() -> impl Strategy<Value = f64> {
    prop::num::f64::NORMAL
        | prop::num::f64::SUBNORMAL
        | prop::num::f64::ZERO
        | prop::num::f64::INFINITE
}

fn f32s() -> impl Strategy<Value = f32> {
    prop::num::f32::NORMAL
        | prop::num::f32::SUBNORMAL
        | prop::num::f32::ZERO
        | prop::num::f32::INFINITE
}

fn level() -> impl Strategy<Value = Level> {
    prop_oneof![
        Just(Level::Debug),
        Just(Level::Info),
        Just(Level::Warn),
        Just(Level::Error)
    ]
}

fn mode() -> impl Strategy<Value = Mode> {
    prop_oneof![Just(Mode::Off), Just(Mode::On), Just(Mode::Auto)]
}

fn wide() -> impl Strategy<Value = Wide> {
    prop_oneof![Just(Wide::Small), Just(Wide::Large)]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), "\\PC{0,12}"]
}

fn vec_of<S: Strategy>(element: S) -> impl Strategy<Value = Vec<S::Value>> {
    prop::collection::vec(element, 0..5)
}

fn leaf() -> impl Strategy<Value = Leaf> {
    (text(), f64s(), any::<Option<bool>>()).prop_map(|(name, value, flag)| Leaf {
        name,
        value,
        flag,
    })
}

fn middle() -> impl Strategy<Value = Middle> {
    (
        leaf(),
        vec_of(leaf()),
        prop::option::of(leaf()),
        leaf(),
        any::<u16>(),
    )
        .prop_map(|(leaf, leaves, maybe_leaf, boxed_leaf, code)| Middle {
            leaf,
            leaves,
            maybe_leaf,
            boxed_leaf: Box::new(boxed_leaf),
            code,
        })
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = any::<i32>().prop_map(|value| Tree {
        value,
        children: Vec::new(),
        next: None,
    });
    leaf.prop_recursive(4, 24, 3, |inner| {
        (
            any::<i32>(),
            prop::collection::vec(inner.clone(), 0..3),
            prop::option::of(inner),
        )
            .prop_map(|(value, children, next)| Tree {
                value,
                children,
                next: next.map(Box::new),
            })
    })
}

/// A strategy for the struct `$name`, each field drawn from its own
/// strategy, every field named once. Proptest's tuples of strategies stop
/// at twelve, so the strategies are nested eight at a time (the eighth
/// element holding the rest, boxed so that the nesting does not pile up on
/// the stack), and so is the pattern that takes the values apart.
macro_rules! struct_strategy {
    ($name:ident { $($field:ident: $strategy:expr),+ $(,)? }) => {
        struct_strategy!(@strategies $($strategy),+)
            .prop_map(|struct_strategy!(@fields $($field),+)| $name { $($field),+ })
    };
    (@strategies $a:expr, $b:expr, $c:expr, $d:expr, $e:expr, $f:expr, $g:expr, $($rest:expr),+) => {
        ($a, $b, $c, $d, $e, $f, $g, struct_strategy!(@strategies $($rest),+).boxed())
    };
    (@strategies $($all:expr),+) => { ($($all,)+) };
    (@fields $a:ident, $b:ident, $c:ident, $d:ident, $e:ident, $f:ident, $g:ident, $($rest:ident),+) => {
        ($a, $b, $c, $d, $e, $f, $g, struct_strategy!(@fields $($rest),+))
    };
    (@fields $($all:ident),+) => { ($($all,)+) };
}

fn everything() -> impl Strategy<Value = Everything> {
    struct_strategy!(Everything {
        flag: any::<bool>(),
        byte: any::<u8>(),
        signed_byte: any::<i8>(),
        short: any::<u16>(),
        signed_short: any::<i16>(),
        int: any::<u32>(),
        signed_int: any::<i32>(),
        long: any::<u64>(),
        signed_long: any::<i64>(),
        single: f32s(),
        double: f64s(),
        text: text(),
        bytes: vec_of(any::<u8>()),
        flags: vec_of(any::<bool>()),
        signed_bytes: vec_of(any::<i8>()),
        shorts: vec_of(any::<u16>()),
        signed_shorts: vec_of(any::<i16>()),
        ints: vec_of(any::<u32>()),
        signed_ints: vec_of(any::<i32>()),
        longs: vec_of(any::<u64>()),
        signed_longs: vec_of(any::<i64>()),
        singles: vec_of(f32s()),
        doubles: vec_of(f64s()),
        texts: vec_of(text()),
        middle: middle(),
        middles: vec_of(middle()),
        boxed: middle().prop_map(Box::new),
        level: level(),
        mode: mode(),
        wide: wide(),
        levels: vec_of(level()),
        modes: vec_of(mode()),
        tree: tree(),
        maybe_flag: any::<Option<bool>>(),
        maybe_byte: any::<Option<u8>>(),
        maybe_signed_short: any::<Option<i16>>(),
        maybe_int: any::<Option<u32>>(),
        maybe_signed_long: any::<Option<i64>>(),
        maybe_double: prop::option::of(f64s()),
        maybe_text: prop::option::of(text()),
        maybe_bytes: prop::option::of(vec_of(any::<u8>())),
        maybe_singles: prop::option::of(vec_of(f32s())),
        maybe_texts: prop::option::of(vec_of(text())),
        maybe_middle: prop::option::of(middle()),
        maybe_boxed: prop::option::of(middle().prop_map(Box::new)),
        maybe_middles: prop::option::of(vec_of(middle())),
        maybe_level: prop::option::of(level()),
        maybe_levels: prop::option::of(vec_of(level())),
    })
}

// ---------------------------------------------------------------------------
// Helpers

/// Writes `values` with `checksum`, reads them back as views and as owned
/// values, and checks both against what was written.
fn stream_round_trip<C: Checksum + Copy>(checksum: C, values: &[Everything]) {
    let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(checksum));
    writer.write_batch(values).unwrap();
    let bytes = writer.into_inner();

    let mut reader =
        StreamReader::<Everything, _, _>::new(&bytes[..], ChecksumDeframer::new(checksum));
    let mut index = 0;
    while let Some(view) = reader.read().unwrap() {
        assert_eq!(view, values[index], "view {index} differs");
        assert!(!format!("{view:?}").is_empty());
        index += 1;
    }
    assert_eq!(index, values.len());

    let reader = StreamReader::<Everything, _, _>::new(&bytes[..], ChecksumDeframer::new(checksum));
    let owned: Vec<Everything> = reader.collect::<Result<_, _>>().unwrap();
    assert_eq!(owned, values);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn everything_round_trips_with_every_checksum(values in prop::collection::vec(everything(), 1..4)) {
        stream_round_trip(NoChecksum, &values);
        stream_round_trip(Crc16, &values);
        stream_round_trip(Crc32, &values);
        stream_round_trip(Crc64, &values);
        stream_round_trip(XxHash64, &values);
    }

    #[test]
    fn writer_encodes_the_bytes_the_builder_does(values in prop::collection::vec(everything(), 1..6)) {
        assert_writer_matches_builder(&values);
    }

    #[test]
    fn view_equals_owned_and_unchecked_view(value in everything()) {
        let payload = payload_of(&value);
        let view = Everything::view(&payload).unwrap();
        prop_assert_eq!(view, value.clone());
        // SAFETY: `payload` was verified just above.
        let unchecked = unsafe { Everything::view_unchecked(&payload) };
        prop_assert_eq!(Everything::from(unchecked), value.clone());
        // Writing the decoded value again gives the same bytes.
        prop_assert_eq!(payload_of(&Everything::from(view)), payload);
    }

    #[test]
    fn views_compare_field_by_field(value in everything()) {
        let payload = payload_of(&value);
        let view = Everything::view(&payload).unwrap();
        prop_assert_eq!(view.flag(), value.flag);
        prop_assert_eq!(view.signed_long(), value.signed_long);
        prop_assert_eq!(view.text(), value.text.as_str());
        prop_assert_eq!(view.bytes(), value.bytes.as_slice());
        prop_assert_eq!(view.flags().to_vec(), value.flags.clone());
        prop_assert_eq!(view.texts().iter().collect::<Vec<_>>(), value.texts.iter().map(String::as_str).collect::<Vec<_>>());
        prop_assert_eq!(view.middle().leaf().name(), value.middle.leaf.name.as_str());
        prop_assert_eq!(view.boxed().boxed_leaf().value(), value.boxed.boxed_leaf.value);
        prop_assert_eq!(view.middles().len(), value.middles.len());
        prop_assert_eq!(view.level(), value.level);
        prop_assert_eq!(view.modes().iter().collect::<Vec<Mode>>(), value.modes.clone());
        prop_assert_eq!(view.maybe_int(), value.maybe_int);
        prop_assert_eq!(view.maybe_text(), value.maybe_text.as_deref());
        prop_assert_eq!(view.maybe_bytes(), value.maybe_bytes.as_deref());
        prop_assert_eq!(view.maybe_level(), value.maybe_level);
        prop_assert_eq!(view.tree().children().len(), value.tree.children.len());
    }
}

// ---------------------------------------------------------------------------
// Field behaviour

fn sample() -> Everything {
    let leaf = |name: &str| Leaf {
        name: name.into(),
        value: 1.25,
        flag: Some(false),
    };
    let middle = |code| Middle {
        leaf: leaf("l"),
        leaves: vec![leaf("a"), leaf("b")],
        maybe_leaf: None,
        boxed_leaf: Box::new(leaf("boxed")),
        code,
    };
    Everything {
        flag: true,
        byte: 1,
        signed_byte: -2,
        short: 3,
        signed_short: -4,
        int: 5,
        signed_int: -6,
        long: 7,
        signed_long: -8,
        single: 9.5,
        double: -10.25,
        text: "text".into(),
        bytes: vec![0, 1, 255],
        flags: vec![true, false, true],
        signed_bytes: vec![-1, 0, 1],
        shorts: vec![1, 65535],
        signed_shorts: vec![-32768, 32767],
        ints: vec![u32::MAX],
        signed_ints: vec![i32::MIN],
        longs: vec![u64::MAX, 0],
        signed_longs: vec![i64::MIN],
        singles: vec![0.5, -0.5],
        doubles: vec![f64::MAX],
        texts: vec!["x".into(), String::new(), "héllo".into()],
        middle: middle(1),
        middles: vec![middle(2), middle(3)],
        boxed: Box::new(middle(4)),
        level: Level::Warn,
        mode: Mode::Off,
        wide: Wide::Large,
        levels: vec![Level::Error, Level::Debug],
        modes: vec![Mode::Auto, Mode::Off],
        tree: Tree {
            value: 1,
            children: vec![Tree {
                value: 2,
                children: vec![],
                next: None,
            }],
            next: Some(Box::new(Tree {
                value: 3,
                children: vec![],
                next: None,
            })),
        },
        maybe_flag: Some(false),
        maybe_byte: Some(0),
        maybe_signed_short: None,
        maybe_int: Some(0),
        maybe_signed_long: Some(-1),
        maybe_double: None,
        maybe_text: Some(String::new()),
        maybe_bytes: None,
        maybe_singles: Some(vec![]),
        maybe_texts: Some(vec!["t".into()]),
        maybe_middle: Some(middle(5)),
        maybe_boxed: None,
        maybe_middles: Some(vec![]),
        maybe_level: Some(Level::Debug),
        maybe_levels: None,
    }
}

#[test]
fn accessors_return_the_types_of_the_api_table() {
    let value = sample();
    let payload = payload_of(&value);
    let view = Everything::view(&payload).unwrap();

    let _: bool = view.flag();
    let _: u64 = view.long();
    let _: f32 = view.single();
    let text: &str = view.text();
    assert_eq!(text, "text");
    let bytes: &[u8] = view.bytes();
    assert_eq!(bytes, [0, 1, 255]);
    let singles: Vector<'_, f32> = view.singles();
    assert_eq!(singles.get(1), Some(-0.5));
    assert_eq!(singles.get(2), None);
    let texts: Vector<'_, String> = view.texts();
    assert_eq!(texts.get(2), Some("héllo"));
    assert_eq!(texts.iter().next_back(), Some("héllo"));
    let middles: Vector<'_, Middle> = view.middles();
    let second: MiddleView<'_> = middles.get(1).unwrap();
    assert_eq!(second.code(), 3);
    assert_eq!(second.leaves().last().unwrap().name(), "b");
    let boxed: MiddleView<'_> = view.boxed();
    assert_eq!(boxed.boxed_leaf().name(), "boxed");
    let level: Level = view.level();
    assert_eq!(level, Level::Warn);
    let levels: Vector<'_, Level> = view.levels();
    assert_eq!(
        levels.iter().collect::<Vec<_>>(),
        [Level::Error, Level::Debug]
    );
    assert_eq!(view.mode(), Mode::Off);
    assert_eq!(view.wide(), Wide::Large);
    let maybe_text: Option<&str> = view.maybe_text();
    assert_eq!(maybe_text, Some(""));
    let maybe_bytes: Option<&[u8]> = view.maybe_bytes();
    assert_eq!(maybe_bytes, None);
    let maybe_middle: Option<MiddleView<'_>> = view.maybe_middle();
    assert_eq!(maybe_middle.unwrap().code(), 5);
    let maybe_texts: Option<Vector<'_, String>> = view.maybe_texts();
    assert_eq!(maybe_texts.unwrap(), vec!["t".to_owned()]);
    assert_eq!(view.tree().next().unwrap().value(), 3);
    assert_eq!(view.tree().children().get(0).unwrap().value(), 2);
}

#[test]
fn optional_scalars_keep_some_zero_apart_from_none() {
    let mut value = sample();
    value.maybe_byte = Some(0);
    value.maybe_int = None;
    value.maybe_flag = Some(false);
    let payload = payload_of(&value);
    let view = Everything::view(&payload).unwrap();
    assert_eq!(view.maybe_byte(), Some(0));
    assert_eq!(view.maybe_int(), None);
    assert_eq!(view.maybe_flag(), Some(false));
}

#[test]
fn optional_empty_vectors_and_strings_are_some() {
    let value = sample();
    let payload = payload_of(&value);
    let view = Everything::view(&payload).unwrap();
    assert!(view.maybe_singles().unwrap().is_empty());
    assert_eq!(view.maybe_text(), Some(""));
    assert!(view.maybe_middles().is_some());
    assert!(view.maybe_levels().is_none());
}

#[test]
fn debug_prints_field_values() {
    let leaf = Leaf {
        name: "n".into(),
        value: 2.0,
        flag: None,
    };
    let payload = payload_of(&leaf);
    let view = Leaf::view(&payload).unwrap();
    assert_eq!(
        format!("{view:?}"),
        r#"LeafView { name: "n", value: 2.0, flag: None }"#
    );
    let value = sample();
    let payload = payload_of(&value);
    let view = Everything::view(&payload).unwrap();
    let debug = format!("{view:?}");
    assert!(debug.contains("level: Warn"), "{debug}");
    assert!(debug.contains("levels: [Error, Debug]"), "{debug}");
    assert!(debug.contains(r#"texts: ["x", "", "héllo"]"#), "{debug}");
    assert!(debug.contains("bytes: [0, 1, 255]"), "{debug}");
}

#[test]
fn deep_recursion_round_trips() {
    let mut tree = Tree {
        value: 0,
        children: vec![],
        next: None,
    };
    for value in 1..40 {
        tree = Tree {
            value,
            children: vec![],
            next: Some(Box::new(tree)),
        };
    }
    let payload = payload_of(&tree);
    let view = Tree::view(&payload).unwrap();
    assert_eq!(view, tree);
    assert_eq!(Tree::from(view), tree);
}

#[test]
fn vector_views_are_copy_iterators() {
    let value = sample();
    let payload = payload_of(&value);
    let view = Everything::view(&payload).unwrap();
    let shorts = view.shorts();
    let copy = shorts;
    assert_eq!(shorts.len(), copy.len());
    let mut iter = shorts.iter();
    assert_eq!(iter.len(), 2);
    assert_eq!(iter.next_back(), Some(65535));
    assert_eq!(iter.next(), Some(1));
    assert_eq!(iter.next(), None);
    assert_eq!(shorts.into_iter().map(u32::from).sum::<u32>(), 65536);
    assert_eq!(Vec::from(view.signed_ints()), vec![i32::MIN]);
    let empty: Vector<'_, u16> = Vector::default();
    assert!(empty.is_empty());
    assert_eq!(empty.first(), None);
    assert_eq!(format!("{:?}", view.flags()), "[true, false, true]");
}

// ---------------------------------------------------------------------------
// Attributes

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(view = "SettingsRef")]
pub struct Settings {
    #[flatstream(default = 8080)]
    pub port: u16,
    #[flatstream(default = -1)]
    pub offset: i32,
    #[flatstream(default = 0.5)]
    pub ratio: f32,
    #[flatstream(default = 2)]
    pub scale: f64,
    #[flatstream(default = true)]
    pub enabled: bool,
    #[flatstream(skip)]
    pub cache: std::collections::HashMap<String, u32>,
    #[flatstream(deprecated)]
    pub old: u64,
    pub name: String,
}

#[test]
fn defaults_are_omitted_on_the_wire_and_read_back() {
    let settings = Settings {
        port: 8080,
        offset: -1,
        ratio: 0.5,
        scale: 2.0,
        enabled: true,
        cache: Default::default(),
        old: 0,
        name: String::new(),
    };
    let payload = payload_of(&settings);
    let view: SettingsRef<'_> = Settings::view(&payload).unwrap();
    assert_eq!(view.port(), 8080);
    assert_eq!(view.offset(), -1);
    assert_eq!(view.ratio(), 0.5);
    assert_eq!(view.scale(), 2.0);
    assert!(view.enabled());
    assert_eq!(view, settings);
    // Nothing but the empty string was written: the table holds one field.
    let table_only_name = payload_of(&Settings {
        port: 1,
        ..settings.clone()
    });
    assert!(payload.len() < table_only_name.len());

    let other = Settings {
        port: 0,
        offset: 0,
        ratio: 0.0,
        scale: 0.0,
        enabled: false,
        ..settings
    };
    let payload = payload_of(&other);
    let view = Settings::view(&payload).unwrap();
    assert_eq!(view, other);
    assert_eq!(view.port(), 0);
    assert!(!view.enabled());
}

#[test]
fn skip_and_deprecated_fields_decode_to_default() {
    let mut cache = std::collections::HashMap::new();
    cache.insert("k".to_owned(), 1);
    let settings = Settings {
        port: 1,
        offset: 2,
        ratio: 3.0,
        scale: 4.0,
        enabled: false,
        cache,
        old: 99,
        name: "n".into(),
    };
    let payload = payload_of(&settings);
    let decoded = Settings::from(Settings::view(&payload).unwrap());
    assert!(decoded.cache.is_empty());
    assert_eq!(decoded.old, 0);
    assert_eq!(decoded.name, "n");
    // Skipped and deprecated fields take no part in view equality.
    assert_eq!(Settings::view(&payload).unwrap(), settings);
}

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Color {
    Red = 1,
    Green = 2,
    #[flatstream(other)]
    Unknown = 255,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Paint {
    pub color: Color,
    pub colors: Vec<Color>,
}

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ColorV2 {
    Red = 1,
    Green = 2,
    Blue = 3,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct PaintV2 {
    pub color: ColorV2,
    pub colors: Vec<ColorV2>,
}

#[test]
fn other_variant_receives_unknown_discriminants() {
    let newer = PaintV2 {
        color: ColorV2::Blue,
        colors: vec![ColorV2::Red, ColorV2::Blue],
    };
    let payload = payload_of(&newer);
    let view = Paint::view(&payload).unwrap();
    assert_eq!(view.color(), Color::Unknown);
    assert_eq!(
        view.colors().iter().collect::<Vec<_>>(),
        [Color::Red, Color::Unknown]
    );
    assert_eq!(
        Paint::from(view),
        Paint {
            color: Color::Unknown,
            colors: vec![Color::Red, Color::Unknown]
        }
    );
}

#[test]
fn enum_default_is_the_zero_variant_or_the_first() {
    // `Level::Debug` is 0 and `Color::Red` (1) is first: both are omitted
    // when written and returned when absent.
    let paint = Paint {
        color: Color::Red,
        colors: vec![],
    };
    let payload = payload_of(&paint);
    let absent = payload_of(&PaintV2 {
        color: ColorV2::Red,
        colors: vec![],
    });
    assert_eq!(payload, absent);
    assert_eq!(Paint::view(&payload).unwrap().color(), Color::Red);
}

/// Aliases hide the syntax the macro sees; the field still works through
/// its type.
pub type Bytes = Vec<u8>;
pub type Count = u16;

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Aliased {
    pub bytes: Bytes,
    pub count: Count,
    pub counts: Vec<Count>,
    pub maybe: Option<Count>,
    pub level: Level,
}

#[test]
fn type_aliases_are_field_types() {
    let value = Aliased {
        bytes: vec![1, 2],
        count: 3,
        counts: vec![4, 5],
        maybe: Some(0),
        level: Level::Info,
    };
    let payload = payload_of(&value);
    let view = Aliased::view(&payload).unwrap();
    assert_eq!(view.bytes(), [1, 2]);
    assert_eq!(view.count(), 3);
    assert_eq!(view.maybe(), Some(0));
    assert_eq!(Aliased::from(view), value);
}

/// One enum per representation, `$name: $repr { variants }`, each at the
/// extremes of its representation.
macro_rules! repr_enums {
    ($($name:ident: $repr:ident { $($variants:tt)* })*) => {$(
        #[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
        #[repr($repr)]
        pub enum $name {
            $($variants)*
        }
    )*};
}

repr_enums! {
    ReprI8: i8 { Min = -128, Max = 127 }
    ReprU16: u16 { Zero, Max = 65535 }
    ReprI32: i32 { Min = -2147483648, Max = 2147483647 }
    ReprU64: u64 { One = 1, Max = 18446744073709551615 }
    ReprI64: i64 { Min = -9223372036854775808, Zero = 0, Max = 9223372036854775807 }
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Reprs {
    pub i8s: Vec<ReprI8>,
    pub u16s: Vec<ReprU16>,
    pub i32s: Vec<ReprI32>,
    pub u64s: Vec<ReprU64>,
    pub i64s: Vec<ReprI64>,
    pub one_i64: ReprI64,
    pub maybe_u64: Option<ReprU64>,
}

#[test]
fn every_repr_round_trips_its_extremes() {
    let value = Reprs {
        i8s: vec![ReprI8::Min, ReprI8::Max],
        u16s: vec![ReprU16::Zero, ReprU16::Max],
        i32s: vec![ReprI32::Min, ReprI32::Max],
        u64s: vec![ReprU64::Max, ReprU64::One],
        i64s: vec![ReprI64::Min, ReprI64::Zero, ReprI64::Max],
        one_i64: ReprI64::Min,
        maybe_u64: Some(ReprU64::Max),
    };
    let payload = payload_of(&value);
    let view = Reprs::view(&payload).unwrap();
    assert_eq!(view, value);
    assert_eq!(Reprs::from(view), value);
    assert_eq!(view.one_i64(), ReprI64::Min);
    assert_eq!(view.i64s().get(2), Some(ReprI64::Max));
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Shelf {
    pub names: Vec<String>,
    pub boxes: Vec<Leaf>,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Warehouse {
    pub shelves: Vec<Shelf>,
    pub labels: Vec<String>,
}

#[test]
fn long_nested_vectors_of_tables_and_strings_round_trip() {
    // Lengths on both sides of the 32 offsets gathered on the stack, nested
    // so that the per-thread scratch holds several vectors' offsets at once.
    for (shelves, per_shelf) in [(0, 0), (3, 32), (33, 2), (40, 45), (1, 100)] {
        let warehouse = Warehouse {
            shelves: (0..shelves)
                .map(|s| Shelf {
                    names: (0..per_shelf).map(|n| format!("{s}/{n}")).collect(),
                    boxes: (0..per_shelf)
                        .map(|n| Leaf {
                            name: format!("box {s}.{n}"),
                            value: n as f64,
                            flag: Some(n % 2 == 0),
                        })
                        .collect(),
                })
                .collect(),
            labels: (0..shelves + per_shelf)
                .map(|l| format!("label {l}"))
                .collect(),
        };
        let mut builder = FlatBufferBuilder::new();
        warehouse.serialize(&mut builder).unwrap();
        let view = Warehouse::view(builder.finished_data()).unwrap();
        assert_eq!(view.shelves().len(), shelves);
        assert_eq!(Warehouse::from(view), warehouse);
        assert_writer_matches_builder(&[warehouse.clone(), warehouse]);
    }
}

// ---------------------------------------------------------------------------
// The writer's encoder

fn plain_leaf(name: &str, value: f64) -> Leaf {
    Leaf {
        name: name.into(),
        value,
        flag: None,
    }
}

#[test]
fn with_builder_lays_out_messages_as_the_given_builder() {
    // A leaf at its defaults: the encoder leaves `value` out, a builder
    // told to force defaults writes it.
    let values = [
        plain_leaf("a", 0.0),
        plain_leaf("b", 1.5),
        plain_leaf("c", 0.0),
    ];
    let mut plain = StreamWriter::new(Vec::new(), DefaultFramer);
    plain.write_batch(&values).unwrap();
    let plain = plain.into_inner();

    let mut builder = FlatBufferBuilder::new();
    builder.force_defaults(true);
    let mut forced = StreamWriter::with_builder(Vec::new(), DefaultFramer, builder);
    forced.write_batch(&values).unwrap();
    let forced = forced.into_inner();
    assert!(forced.len() > plain.len(), "force_defaults was ignored");
    for stream in [&plain, &forced] {
        let reader = StreamReader::<Leaf, _, _>::new(&stream[..], DefaultDeframer::new());
        let read: Vec<Leaf> = reader.collect::<Result<_, _>>().unwrap();
        assert_eq!(read, values);
    }

    // A plain builder lays out the bytes the encoder does.
    let mut built = StreamWriter::with_builder(Vec::new(), DefaultFramer, FlatBufferBuilder::new());
    built.write_batch(&values).unwrap();
    assert_eq!(built.into_inner(), plain);
}

/// Frames like `DefaultFramer` but does not tell the writer its header, so
/// the writer frames through its scratch buffer.
#[derive(Clone)]
struct OpaqueFramer;

impl Framer for OpaqueFramer {
    fn frame_and_write<W: std::io::Write>(
        &self,
        writer: &mut W,
        payload: &[u8],
    ) -> flatstream::Result<()> {
        DefaultFramer.frame_and_write(writer, payload)
    }
}

#[test]
fn framers_that_keep_their_header_to_themselves_frame_the_same_bytes() {
    let values = [sample(), sample()];
    let mut in_place = StreamWriter::new(Vec::new(), DefaultFramer);
    in_place.write_batch(&values).unwrap();
    let mut opaque = StreamWriter::new(Vec::new(), OpaqueFramer);
    opaque.write_batch(&values).unwrap();
    assert_eq!(opaque.bytes_written(), in_place.bytes_written());
    assert_eq!(opaque.into_inner(), in_place.into_inner());
}

#[test]
fn encoder_grows_for_a_large_message_and_stays_exact_after_it() {
    // Small, then over the 256 KiB a frame is assembled in one piece up
    // to, then small again in the grown buffer, whose stale bytes must not
    // show through padding or vtables.
    let big = Warehouse {
        shelves: vec![Shelf {
            names: vec!["x".repeat(300 * 1024)],
            boxes: vec![plain_leaf("big", 2.0)],
        }],
        labels: vec!["l".into(); 3],
    };
    let small = Warehouse {
        shelves: vec![Shelf {
            names: vec!["n".into()],
            boxes: vec![plain_leaf("a", 0.0), plain_leaf("bb", 1.0)],
        }],
        labels: vec![],
    };
    assert_writer_matches_builder(&[small.clone(), big, small.clone(), small]);
}
