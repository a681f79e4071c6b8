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

/// Derives `StreamSerialize` and `StreamDeserialize` for a struct, or the
/// field support for a unit enum. See the `flatstream` crate documentation.
#[proc_macro_derive(StreamSerialize, attributes(flatstream))]
pub fn derive_stream_serialize(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
