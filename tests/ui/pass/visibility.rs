#![deny(missing_docs, missing_debug_implementations)]
//! A library crate's public derived types, documented.

mod private {
    use flatstream::StreamSerialize;

    /// A crate-visible message: its view is crate-visible too.
    #[derive(StreamSerialize, Debug)]
    pub(crate) struct Internal {
        pub(crate) value: u32,
    }
}

/// Public types.
pub mod public {
    use flatstream::StreamSerialize;

    /// A public message.
    #[derive(StreamSerialize, Debug, Clone, PartialEq)]
    pub struct Public {
        /// A public field.
        pub value: u32,
        /// A field only this module reads.
        pub(super) inner: String,
        hidden: bool,
    }
}

fn read_internal(view: private::InternalView<'_>) -> u32 {
    view.value()
}

fn read_public(view: public::PublicView<'_>) -> (u32, &str) {
    (view.value(), view.inner())
}

fn main() {
    let _ = (read_internal, read_public);
}
