//! The generated code compiles in unfriendly surroundings: prelude names
//! shadowed, documentation and debug implementations required, raw
//! identifiers, a renamed flatstream path, visibility kept per field.

#![deny(missing_docs, missing_debug_implementations, unsafe_code)]
#![deny(rust_2018_idioms, unused_results)]

//! (Test crate docs, required by `missing_docs`.)

/// Derived types in a module where every prelude name means something else.
pub mod shadowed {
    #![allow(dead_code, non_camel_case_types, missing_debug_implementations)]

    use ::flatstream::StreamSerialize;

    struct Option;
    struct Some;
    struct None;
    struct Ok;
    struct Err;
    struct Result;
    struct Vec;
    struct String;
    struct Box;
    struct usize;
    struct u8;
    struct bool;
    struct str;
    trait Clone {}
    trait Copy {}
    trait Default {}
    trait PartialEq {}
    trait Debug {}
    trait From {}
    trait Into {}
    trait Iterator {}
    trait Sized {}
    mod core {}
    mod std {}
    mod flatbuffers {}
    mod flatstream {}

    /// A level.
    #[derive(StreamSerialize, ::core::fmt::Debug, ::core::clone::Clone, ::core::marker::Copy)]
    #[repr(u8)]
    pub enum Level {
        /// Low.
        Low,
        /// High.
        High = 7,
        /// Anything newer.
        #[flatstream(other)]
        Unknown = 255,
    }

    /// A message whose field types are spelled out in full.
    #[derive(StreamSerialize, ::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
    pub struct Message {
        /// A number.
        pub number: ::core::primitive::u32,
        /// A flag.
        pub flag: ::core::primitive::bool,
        /// Some text.
        pub text: ::std::string::String,
        /// Some bytes.
        pub bytes: ::std::vec::Vec<::core::primitive::u8>,
        /// Maybe a number.
        #[flatstream(default = 3)]
        pub defaulted: ::core::primitive::i64,
        /// Maybe a number.
        pub maybe: ::core::option::Option<::core::primitive::u16>,
        /// Child messages.
        pub children: ::std::vec::Vec<Child>,
        /// A boxed child.
        pub boxed: ::std::boxed::Box<Child>,
        /// Levels.
        pub levels: ::std::vec::Vec<Level>,
        /// Not stored.
        #[flatstream(skip)]
        pub scratch: ::std::vec::Vec<::core::primitive::u8>,
    }

    /// A child.
    #[derive(StreamSerialize, ::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
    pub struct Child {
        /// Its level.
        pub level: Level,
    }

    /// A fixed struct.
    #[derive(
        StreamSerialize,
        ::core::fmt::Debug,
        ::core::clone::Clone,
        ::core::marker::Copy,
        ::core::cmp::PartialEq,
    )]
    #[flatstream(fixed, namespace = "hygiene")]
    pub struct Point {
        /// A keyword-named coordinate.
        pub r#type: ::core::primitive::f32,
        /// Its level.
        pub level: Level,
    }

    /// A union.
    #[derive(StreamSerialize, ::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
    #[flatstream(file_identifier = "HYGN")]
    pub enum Payload {
        /// A message.
        Message(Message),
        /// A child.
        Child(Child),
        /// Anything newer.
        #[flatstream(other)]
        Unknown,
    }

    /// Holds the new kinds.
    #[derive(StreamSerialize, ::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
    pub struct Holder {
        /// A point.
        pub point: Point,
        /// Points.
        pub points: ::std::vec::Vec<Point>,
        /// A payload.
        pub payload: Payload,
        /// Maybe a payload.
        pub maybe: ::core::option::Option<Payload>,
    }

    impl ::core::cmp::PartialEq for Level {
        fn eq(&self, other: &Self) -> ::core::primitive::bool {
            ::core::mem::discriminant(self) == ::core::mem::discriminant(other)
        }
    }
}

/// Raw identifiers, per-field visibility and a renamed view.
pub mod names {
    use flatstream::StreamSerialize;

    /// Fields named after keywords.
    #[derive(StreamSerialize, Debug, Clone, PartialEq)]
    #[flatstream(view = "KeywordsRef")]
    pub struct Keywords {
        /// `type`.
        pub r#type: u32,
        /// `match`.
        pub r#match: String,
        /// Only visible in this module, and so is its accessor.
        pub(crate) internal: u8,
        hidden: bool,
    }

    impl Keywords {
        /// A value with every field set.
        pub fn sample() -> Self {
            Keywords {
                r#type: 1,
                r#match: "m".into(),
                internal: 2,
                hidden: true,
            }
        }
    }

    /// Reads the private field through its private accessor.
    pub fn hidden_of(view: KeywordsRef<'_>) -> bool {
        view.hidden()
    }
}

/// Another path to flatstream, as a crate re-exporting it would have.
pub mod reexport {
    pub use flatstream as fs;

    /// Derived through the re-export.
    #[derive(fs::StreamSerialize, Debug, Clone, PartialEq)]
    #[flatstream(crate = crate::reexport::fs)]
    pub struct ThroughReexport {
        /// A value.
        pub value: u32,
    }

    /// Also accepted as a string.
    #[derive(fs::StreamSerialize, Debug, Clone, PartialEq)]
    #[flatstream(crate = "crate::reexport::fs")]
    pub struct ThroughString {
        /// A value.
        pub value: u32,
    }
}

use flatstream::{StreamDeserialize, StreamSerialize};

fn payload_of<T: StreamSerialize>(value: &T) -> Vec<u8> {
    let mut builder = flatstream::flatbuffers::FlatBufferBuilder::new();
    value.serialize(&mut builder).unwrap();
    builder.finished_data().to_vec()
}

#[test]
fn shadowed_prelude_round_trips() {
    use shadowed::{Child, Level, Message};
    let message = Message {
        number: 1,
        flag: true,
        text: "t".into(),
        bytes: vec![1],
        defaulted: 3,
        maybe: Some(0),
        children: vec![Child { level: Level::High }],
        boxed: Box::new(Child { level: Level::Low }),
        levels: vec![Level::Unknown, Level::High],
        scratch: vec![9],
    };
    let payload = payload_of(&message);
    let view = Message::view(&payload).unwrap();
    assert_eq!(view.defaulted(), 3);
    assert_eq!(view.children().get(0).unwrap().level(), Level::High);
    let decoded = Message::from(view);
    assert_eq!(
        decoded,
        Message {
            scratch: vec![],
            ..message
        }
    );
}

#[test]
fn raw_identifiers_and_private_fields() {
    use names::{hidden_of, Keywords, KeywordsRef};
    let value = Keywords::sample();
    let payload = payload_of(&value);
    let view: KeywordsRef<'_> = Keywords::view(&payload).unwrap();
    assert_eq!(view.r#type(), 1);
    assert_eq!(view.r#match(), "m");
    assert_eq!(view.internal(), 2);
    assert!(hidden_of(view));
    assert_eq!(
        format!("{view:?}"),
        r#"KeywordsRef { type: 1, match: "m", internal: 2, hidden: true }"#
    );
    assert_eq!(Keywords::from(view), value);
}

#[test]
fn crate_path_reaches_a_reexport() {
    use reexport::{ThroughReexport, ThroughString};
    let payload = payload_of(&ThroughReexport { value: 5 });
    assert_eq!(ThroughReexport::view(&payload).unwrap().value(), 5);
    // Same layout, so the bytes read through either type.
    assert_eq!(ThroughString::view(&payload).unwrap().value(), 5);
}

/// Field names that the generated code also uses for its own locals.
#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct ClashingNames {
    /// Also the view's inner field.
    pub table: u32,
    /// Also the builder argument.
    pub builder: String,
    /// Also the table start.
    pub start: u8,
    /// Also a closure argument.
    pub f: Vec<u16>,
    /// Also locals and arguments.
    pub view: bool,
    /// Also an argument.
    pub owned: i64,
    /// Also a local.
    pub value: Option<u32>,
    /// Also a local.
    pub debug: Vec<String>,
    /// Also an argument.
    pub verifier: f32,
    /// Also an argument.
    pub pos: i8,
    /// Also an argument.
    pub slot: u16,
    /// Also a local.
    pub root: u64,
}

/// A struct whose fields are all skipped: an empty table.
#[derive(StreamSerialize, Debug, Clone, PartialEq, Default)]
pub struct NothingStored {
    /// Not stored.
    #[flatstream(skip)]
    pub scratch: u32,
}

#[test]
fn field_names_do_not_clash_with_generated_locals() {
    let value = ClashingNames {
        table: 1,
        builder: "b".into(),
        start: 2,
        f: vec![3],
        view: true,
        owned: -4,
        value: Some(5),
        debug: vec!["d".into()],
        verifier: 6.5,
        pos: -7,
        slot: 8,
        root: 9,
    };
    let payload = payload_of(&value);
    let view = ClashingNames::view(&payload).unwrap();
    assert_eq!(view.table(), 1);
    assert_eq!(view.builder(), "b");
    assert_eq!(view, value);
    assert_eq!(ClashingNames::from(view), value);

    let payload = payload_of(&NothingStored { scratch: 3 });
    let view = NothingStored::view(&payload).unwrap();
    assert_eq!(NothingStored::from(view), NothingStored::default());
    assert_eq!(format!("{view:?}"), "NothingStoredView");
}

#[test]
fn shadowed_prelude_fixed_structs_and_unions_round_trip() {
    use shadowed::{Child, Holder, Level, Payload, PayloadView, Point};
    let point = Point {
        r#type: 1.5,
        level: Level::High,
    };
    let holder = Holder {
        point,
        points: vec![point, point],
        payload: Payload::Child(Child { level: Level::Low }),
        maybe: Some(Payload::Unknown),
    };
    let payload = payload_of(&holder);
    let view = Holder::view(&payload).unwrap();
    assert_eq!(view.point().r#type, 1.5);
    assert!(matches!(view.payload(), PayloadView::Child(child) if child.level() == Level::Low));
    // Writing `other` writes no union: it reads back as absent.
    assert!(view.maybe().is_none());
    assert_eq!(Holder::from(view).points, holder.points);

    let message = Payload::Child(Child { level: Level::High });
    let bytes = payload_of(&message);
    assert_eq!(Payload::view(&bytes).unwrap(), message);
    assert!(flatstream::schema::<Holder>().contains("namespace hygiene;"));
}

/// Types declared by a `macro_rules!` macro: their field types carry the
/// macro's hygiene, which must not hide the names the derive binds.
macro_rules! declare_record {
    ($name:ident, $point:ident, $kind:ident { $($field:ident: $ty:ty),* $(,)? }) => {
        #[derive(flatstream::StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $kind {
            Low,
            High,
        }

        #[derive(flatstream::StreamSerialize, Debug, Clone, Copy, PartialEq)]
        #[flatstream(fixed)]
        pub struct $point {
            pub x: f32,
            pub kind: $kind,
        }

        #[derive(flatstream::StreamSerialize, Debug, Clone, PartialEq)]
        pub struct $name {
            $(pub $field: $ty,)*
        }
    };
}

mod from_macro {
    declare_record!(MacroRecord, MacroPoint, MacroKind {
        id: u64,
        name: String,
        tags: Vec<String>,
        kind: MacroKind,
        point: MacroPoint,
        points: Vec<MacroPoint>,
        maybe: Option<MacroPoint>,
    });
}

#[test]
fn types_declared_by_a_macro_rules_macro_derive() {
    use from_macro::{MacroKind, MacroPoint, MacroRecord};
    let point = MacroPoint {
        x: 2.5,
        kind: MacroKind::High,
    };
    let record = MacroRecord {
        id: 7,
        name: "from a macro".into(),
        tags: vec!["a".into(), "b".into()],
        kind: MacroKind::High,
        point,
        points: vec![point; 3],
        maybe: None,
    };
    let payload = payload_of(&record);
    let view = MacroRecord::view(&payload).unwrap();
    assert_eq!((view.id(), view.name()), (7, "from a macro"));
    assert_eq!(view.tags().len(), 2);
    assert_eq!(view.kind(), MacroKind::High);
    assert_eq!(view.point(), point);
    assert_eq!(view.points().len(), 3);
    assert!(view.maybe().is_none());
    assert_eq!(MacroRecord::from(view), record);
    assert!(format!("{view:?}").contains("from a macro"));
    assert!(flatstream::schema::<MacroRecord>().contains("table MacroRecord"));
}
