//! Derive macros for `flatstream`.
use proc_macro::TokenStream;

/// Derives `StreamSerialize` and `StreamDeserialize`.
#[proc_macro_derive(StreamSerialize, attributes(flatstream))]
pub fn derive_stream_serialize(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
