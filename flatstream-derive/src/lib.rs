//! `#[derive(StreamSerialize)]` for `flatstream`: Rust structs become
//! FlatBuffers tables with zero-copy views, unit enums become FlatBuffers
//! enums. Use it through the `flatstream` crate, which re-exports it.
//!
//! The macro works in three steps: `ast.rs` and `attr.rs` parse the input
//! into a model, `check.rs` applies the rules across fields, and `expand/`
//! generates code from the checked model.

mod ast;
mod attr;
mod check;
mod ctxt;
mod expand;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Derives `StreamSerialize` and `StreamDeserialize` for a struct or a
/// union, or the field support for a unit enum or a fixed struct.
///
/// A struct with named fields becomes a FlatBuffers table. Next to it the
/// derive generates `NameView<'a>`, a `Copy` + `Debug` zero-copy view with
/// one accessor per field, named like the field; `From<NameView<'_>>` for
/// `Name` (owned decoding); and `PartialEq<Name>` for the view, so a view
/// compares with an owned value.
///
/// | field type | accessor returns |
/// |---|---|
/// | `bool`, `u8`..`u64`, `i8`..`i64`, `f32`, `f64`, derived unit enum | the value |
/// | `String` | `&'a str` |
/// | `Vec<u8>` | `&'a [u8]` |
/// | `Vec<T>` of the above, of `String` or of derived structs | `flatstream::Vector<'a, T>` |
/// | derived struct `T`, `Box<T>` | `TView<'a>` |
/// | `Option<X>` | `Option<` what `X` returns `>` |
///
/// The view takes a mode parameter with a default, `NameView<'a, M =
/// Verified>`: `Name::view` gives a view verified in full (the table
/// above). With the container attribute `shallow`, `Name::view_shallow`
/// (`flatstream::lazy::ShallowDeserialize`) gives one whose root table
/// alone was checked, `NameView<'a, Shallow>`, whose
/// accessors read nested structs as `flatstream::lazy::Lazy<'a, T>`,
/// vectors of them as `LazyVector<'a, T>` and unions as `LazyUnion<'a,
/// U>`, each checked when verified (every other accessor returns what it
/// returns above). The shallow view has the accessors and `Debug`, not
/// `From` or `PartialEq`.
///
/// Reading rules: an absent scalar reads as its default, an absent string
/// or vector as empty, an absent `Option` as `None`. `Option<scalar>` is a
/// FlatBuffers optional scalar: written whenever it is `Some`. A non-`Option`
/// nested struct is required: verification refuses a table without it. A
/// derived unit enum needs `Clone + Copy`; it is stored as its discriminant
/// in its `#[repr]` type (`u8` without one), its default is the variant
/// equal to 0, else the first. An unknown discriminant fails verification,
/// unless a variant is marked `#[flatstream(other)]`, which then receives
/// it. Views of recursive types verify up to 64 levels of nesting.
///
/// Field attributes, `#[flatstream(...)]`:
/// - `id = N` pins the field's slot; all fields or none, ids `0..n`;
/// - `skip`: not stored, takes no slot, `Default::default()` when decoding;
/// - `deprecated`: not stored, keeps its slot;
/// - `default = LIT` (scalars and `bool`): not written when equal, read
///   when absent;
/// - `required` (strings and vectors): verification refuses a table without
///   the field (`(required)` in the schema; nested structs always are);
/// - `key` (one `String`, integer or `bool` field): vectors of the struct
///   are written sorted by it (so they decode in key order) and searched
///   with `Vector::lookup_by_key`; `(key)` in the schema;
/// - `shared` (`String`, `Vec<String>`, `Option` of either): each distinct
///   string is written once per message, every shared field and element
///   holding it pointing at that copy (flatc's `CreateSharedString`;
///   `(shared)` in the schema for string fields). Readers see ordinary
///   strings; writing costs a hash and a look-up per string.
///
/// Container attributes: `view = "Name"` renames the view, `crate = path`
/// names the `flatstream` crate when it is re-exported, `namespace = "a.b"`
/// sets the type's namespace in the exported schema,
/// `file_identifier = "ABCD"` (on a message type) writes those four bytes
/// after the root offset and makes verification require them, and
/// `shallow` (on a struct) generates the view's shallow mode.
///
/// **Fixed structs.** `#[flatstream(fixed)]` on a `Copy` struct whose fields
/// are scalars, `bool`, derived unit enums, other fixed structs or arrays
/// `[T; N]` of those (FlatBuffers `[T:N]`) makes it
/// a FlatBuffers `struct`: stored inline, each field at the next multiple of
/// its alignment, the size rounded up to the largest alignment. It can be
/// a field, in an `Option` and in a `Vec` (verified with one range check);
/// its accessor returns the struct itself (no view type). It is not a
/// message on its own: FlatBuffers roots are tables.
///
/// **Unions.** An enum whose variants each hold one derived struct (or a
/// `Box` of one), `enum Message { Trade(Trade), Quote(Quote) }`, is a
/// FlatBuffers union:
/// type tags 1, 2, ... in declaration order (append new variants at the
/// end). Next to it the derive generates `MessageView<'a>`, an enum with a
/// variant per table view, `From<MessageView<'_>>` and `PartialEq`. As a
/// field it takes two slots, the type tag's then the table's (with explicit
/// ids, `id` is the table's and `id - 1` must be left free, as in flatc;
/// a `deprecated` field counts as one slot, so retire a union field by
/// keeping it, as an `Option`, rather than deprecating it);
/// `Option<Message>` is supported, `Vec<Message>` is not. A unit variant
/// marked `#[flatstream(other)]` receives unknown tags (from newer writers)
/// and absent values, and writing it writes nothing; without one, unknown
/// tags and a missing non-`Option` union fail verification. As a whole
/// message (`StreamWriter<Message, ..>`), a union is written as a table
/// whose only field is the union, `MessageRoot { message: Message }` in the
/// schema `flatstream::schema::<Message>()` prints.
///
/// The derive also implements `flatstream::schema::Schema`, which
/// `flatstream::schema::<T>()` uses to print the `.fbs` schema.
///
/// ```ignore
/// #[derive(flatstream::StreamSerialize, Debug, Clone, PartialEq)]
/// #[flatstream(view = "SampleRef")]
/// pub struct Sample {
///     #[flatstream(default = 8080)]
///     pub port: u16,
///     pub name: String,
///     pub values: Vec<f32>,
/// }
/// ```
///
/// Runnable examples are in the `flatstream` crate (`flatstream::view`).
#[proc_macro_derive(StreamSerialize, attributes(flatstream))]
pub fn derive_stream_serialize(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
