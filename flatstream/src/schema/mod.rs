//! The `.fbs` schema a derived type implies, and a check that a schema
//! change keeps old readers working.
//!
//! [`schema::<T>()`](schema()) prints the FlatBuffers schema of `T` and of
//! every type it reaches: tables for derived structs, `struct`s for
//! `#[flatstream(fixed)]` structs, enums with their underlying type, unions,
//! `root_type`, and the `namespace` and `file_identifier` container
//! attributes. `flatc` compiles it into readers and writers for other
//! languages that exchange bytes with flatstream. The text is deterministic:
//! the same types print the same schema.
//!
//! A message whose type is a union is written as a table with the union as
//! its only field (slots 0 and 1, named after the union in snake case); the
//! schema prints that table as `<Union>Root` and makes it the `root_type`.
//!
//! [`check_compatible`] and [`assert_compatible`] compare a committed schema
//! with the current one and report what would break old readers: a field
//! removed instead of deprecated, retyped or moved to another slot, a
//! deprecated slot reused, a default or an enum value changed, a union
//! type tag that changes meaning, a struct's layout changed. They refuse
//! everything `flatc --conform` refuses, and a few changes more.
//!
//! [`SchemaDoc`] reads any `.fbs` schema and prints payloads of its tables
//! as JSON, as `flatc --json` does, checking every byte it follows.
//!
//! # Examples
//!
//! ```
//! use flatstream::StreamSerialize;
//!
//! #[derive(StreamSerialize, Debug, Clone, PartialEq)]
//! #[flatstream(namespace = "demo", file_identifier = "PING")]
//! pub struct Ping { pub seq: u32, pub note: Option<String> }
//!
//! let fbs = flatstream::schema::<Ping>();
//! assert!(fbs.contains("table Ping {\n  seq: uint;\n  note: string;\n}"));
//! assert!(fbs.contains("root_type demo.Ping;"));
//!
//! // Renaming a field keeps the bytes readable; retyping it does not.
//! let renamed = fbs.replace("seq: uint", "sequence: uint");
//! assert!(flatstream::schema::check_compatible(&fbs, &renamed).is_ok());
//! let retyped = fbs.replace("seq: uint", "seq: ulong");
//! assert!(flatstream::schema::check_compatible(&fbs, &retyped).is_err());
//! ```

mod compat;
mod fbs;
mod json;
mod layout;
mod parse;
mod types;

pub use compat::{assert_compatible, check_compatible};
pub use fbs::{FieldSchema, SchemaBuilder, TableSchema};
pub use json::{SchemaDoc, SchemaError};
pub use types::TypeRef;

/// A type with a FlatBuffers schema. Implemented by the derive and by the
/// field types flatstream supports; its methods are called by generated
/// code.
pub trait Schema {
    /// Registers the type's definition (and those it reaches) and returns
    /// how a field refers to it.
    #[doc(hidden)]
    fn describe(schema: &mut SchemaBuilder) -> TypeRef;

    /// The root table of a message of this type: the type itself, or the
    /// table wrapping a union.
    #[doc(hidden)]
    fn describe_root(schema: &mut SchemaBuilder) -> TypeRef {
        Self::describe(schema)
    }

    /// The four-character file identifier of a message of this type.
    #[doc(hidden)]
    const FILE_IDENTIFIER: Option<&'static str> = None;
}

/// The `.fbs` schema of `T` and every type it reaches, with
/// `root_type` set to `T` (or to the table wrapping `T`, for a union).
///
/// # Examples
///
/// ```
/// use flatstream::StreamSerialize;
///
/// #[derive(StreamSerialize, Debug, Clone, Copy, PartialEq)]
/// #[flatstream(fixed)]
/// pub struct Vec2 { pub x: f32, pub y: f32 }
///
/// #[derive(StreamSerialize, Debug, Clone, PartialEq)]
/// pub struct Shape { pub points: Vec<Vec2> }
///
/// let fbs = flatstream::schema::<Shape>();
/// assert!(fbs.contains("struct Vec2 {\n  x: float;\n  y: float;\n}"));
/// assert!(fbs.contains("table Shape {\n  points: [Vec2];\n}"));
/// assert!(fbs.ends_with("root_type Shape;\n"));
/// ```
///
/// # Panics
///
/// When two different Rust types reached from `T` have the same name in
/// the same namespace (tell them apart with `namespace`).
pub fn schema<T: Schema + ?Sized>() -> String {
    root_and_schema::<T>().1
}

/// The qualified name of `T`'s root type (as `schema::<T>()` names it in
/// `root_type`) and `T`'s schema, described once: what a stream header
/// carries and is checked against.
#[inline]
pub(crate) fn root_and_schema<T: Schema + ?Sized>() -> (String, String) {
    describe_message(T::describe_root, T::FILE_IDENTIFIER)
}

/// [`root_and_schema`] of the message type whose `describe_root` and file
/// identifier these are; not generic, so compiled once rather than into
/// every stream writer's and reader's code for each type.
#[inline(never)]
fn describe_message(
    describe_root: fn(&mut SchemaBuilder) -> TypeRef,
    identifier: Option<&'static str>,
) -> (String, String) {
    let mut builder = SchemaBuilder::default();
    let root = describe_root(&mut builder);
    let schema = builder.render(&root, identifier);
    (root.qualified(), schema)
}

/// `namespace.name`, or `name` in the root namespace.
fn qualify(namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        name.to_owned()
    } else {
        format!("{namespace}.{name}")
    }
}
