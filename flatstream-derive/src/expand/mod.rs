//! Code generation from the checked model: `table.rs` for the builder and
//! trait impls of structs, `view.rs` for the zero-copy view, `verify.rs`
//! for the verifier, `enums.rs` for unit enums, `fixed.rs` for fixed
//! structs, `union.rs` for unions and `schema.rs` for the schema text.

mod enums;
mod fixed;
mod schema;
mod table;
mod union;
mod verify;
mod view;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident, Lit};

use crate::ast::{Container, Data, Field, Kind};
use crate::check;
use crate::ctxt::Ctxt;

/// Parses, checks and expands one derive input.
pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let ctxt = Ctxt::new();
    let mut container = Container::from_ast(&ctxt, input);
    check::check(&ctxt, &mut container);
    if ctxt.has_errors() {
        let fallback = fallback(&container);
        return match ctxt.check() {
            Err(err) => {
                let errors = err.into_compile_error();
                Ok(quote!(#errors #fallback))
            }
            Ok(()) => Ok(fallback),
        };
    }
    let cx = Cx::new(&container);
    Ok(match &container.data {
        Data::Table(fields) => table::expand(&cx, fields),
        Data::Fixed(fields) => fixed::expand(&cx, fields),
        Data::Enum(def) => enums::expand(&cx, def),
        Data::Union(variants) => union::expand(&cx, variants),
        Data::Unsupported => TokenStream::new(),
    })
}

/// What every generator needs: names and the path to the runtime.
pub struct Cx<'a> {
    pub container: &'a Container<'a>,
    pub ident: &'a Ident,
    /// `::flatstream::__private`, or `<crate = path>::__private`.
    pub private: TokenStream,
    pub view: Ident,
}

impl<'a> Cx<'a> {
    fn new(container: &'a Container<'a>) -> Self {
        let private = match &container.attrs.krate {
            Some(krate) => {
                let path = &krate.value;
                quote!(#path::__private)
            }
            None => quote!(::flatstream::__private),
        };
        Cx {
            container,
            ident: container.ident,
            private,
            view: view_ident(container),
        }
    }

    /// The vtable offset of the field's (first) slot: a constant, plus two
    /// bytes for every earlier union.
    pub fn voffset(&self, field: &Field<'_>) -> TokenStream {
        let private = &self.private;
        let base = 4 + 2 * field.id.unwrap_or(0);
        if field.earlier.is_empty() {
            return quote!(#base);
        }
        let extra = field
            .earlier
            .iter()
            .map(|ty| quote_spanned!(ty.span()=> + 2 * (<#ty as #private::Field>::SLOTS - 1)));
        quote!((#base #(#extra)*))
    }

    /// The same, with the runtime reached through the short alias that
    /// [`alias_runtime`](Self::alias_runtime) declares: for the code inside
    /// the `const _` block, where most lines name the runtime.
    pub fn aliased(&self) -> Cx<'a> {
        Cx {
            container: self.container,
            ident: self.ident,
            private: quote!(__fs),
            view: self.view.clone(),
        }
    }

    /// `use <runtime> as __fs;`, the alias of [`aliased`](Self::aliased),
    /// declared first in the `const _` block (so seen by nothing outside
    /// it).
    pub fn alias_runtime(&self) -> TokenStream {
        let private = &self.private;
        quote!(use #private as __fs;)
    }

    /// The schema namespace, `""` without one.
    pub fn namespace(&self) -> String {
        self.container
            .attrs
            .namespace
            .as_ref()
            .map(|namespace| namespace.value.clone())
            .unwrap_or_default()
    }

    /// `Some("ABCD")` or `None`, as tokens.
    pub fn file_identifier(&self) -> TokenStream {
        match &self.container.attrs.file_identifier {
            Some(identifier) => {
                let value = &identifier.value;
                quote!(::core::option::Option::Some(#value))
            }
            None => quote!(::core::option::Option::None),
        }
    }

    /// `StreamSerialize` for the container, whose whole message `message`
    /// (`TableMessage` or `UnionMessage` of `self`) writes: into the caller's
    /// `FlatBufferBuilder`, or into the writers' encoder.
    pub fn stream_serialize_impl(&self, message: TokenStream) -> TokenStream {
        let (ident, private) = (self.ident, &self.private);
        let identifier = self.file_identifier();
        quote! {
            #[automatically_derived]
            impl #private::StreamSerialize for #ident {
                #[inline]
                fn serialize(
                    &self,
                    builder: &mut #private::flatbuffers::FlatBufferBuilder<'_>,
                ) -> #private::Result<()> {
                    #private::serialize_message(&#message, builder, #identifier)
                }

                #[inline]
                fn __serialize_message<'b>(
                    &self,
                    out: &'b mut #private::MessageBuilder,
                ) -> #private::Result<&'b [::core::primitive::u8]> {
                    ::core::result::Result::Ok(out.encode(&#message, #identifier))
                }
            }
        }
    }

    /// `StreamDeserialize` for the container: `view_with_options` checks
    /// `payload` against `options` and returns the root's view,
    /// `unchecked` is the unchecked root function, and `more` holds the
    /// methods that differ from the trait's defaults.
    pub fn stream_deserialize_impl(
        &self,
        view_with_options: TokenStream,
        unchecked: TokenStream,
        more: TokenStream,
    ) -> TokenStream {
        let (ident, view, private) = (self.ident, &self.view, &self.private);
        quote! {
            #[automatically_derived]
            impl #private::StreamDeserialize for #ident {
                type View<'a> = #view<'a>;

                #[inline]
                fn view(payload: &[::core::primitive::u8]) -> #private::Result<#view<'_>> {
                    let options = #private::flatbuffers::VerifierOptions::default();
                    <Self as #private::StreamDeserialize>::view_with_options(payload, &options)
                }

                #[inline]
                fn view_with_options<'a>(
                    payload: &'a [::core::primitive::u8],
                    options: &#private::flatbuffers::VerifierOptions,
                ) -> #private::Result<#view<'a>> {
                    #view_with_options
                }

                #more

                fn check_header(header: &#private::StreamHeader) -> #private::Result<()> {
                    header.check::<Self>()
                }

                #[inline]
                unsafe fn view_unchecked(payload: &[::core::primitive::u8]) -> #view<'_> {
                    // SAFETY: the caller guarantees `payload` is a valid
                    // message of this type.
                    unsafe { #unchecked::<Self>(payload) }
                }
            }
        }
    }

    /// `From<View>` for the container and `PartialEq<Container>` for its
    /// view, through `kind` (`TableType` or `UnionType`).
    pub fn owned_view_impls(&self, kind: TokenStream) -> TokenStream {
        let (ident, view, private) = (self.ident, &self.view, &self.private);
        quote! {
            #[automatically_derived]
            impl ::core::convert::From<#view<'_>> for #ident {
                fn from(view: #view<'_>) -> Self {
                    <Self as #private::#kind>::from_view(view)
                }
            }

            #[automatically_derived]
            impl ::core::cmp::PartialEq<#ident> for #view<'_> {
                fn eq(&self, other: &#ident) -> ::core::primitive::bool {
                    <#ident as #private::#kind>::view_eq(*self, other)
                }
            }
        }
    }

    /// The `default = ..` literal of a scalar field, as tokens (an integer
    /// where a float is expected written as a float); `None` for a field
    /// that takes its type's own default (`Field::DEFAULT`, which the
    /// runtime's per-field methods pass).
    pub fn custom_default(&self, field: &Field<'_>) -> Option<TokenStream> {
        let (Some(default), Some(Kind::Scalar(scalar))) = (&field.attrs.default, &field.kind)
        else {
            return None;
        };
        Some(match &default.value {
            Lit::Int(int) if scalar.is_float() => {
                let mut literal = Literal::f64_unsuffixed(0.0);
                if let Ok(value) = int.base10_parse::<i64>() {
                    literal = Literal::f64_unsuffixed(value as f64);
                }
                literal.set_span(int.span());
                quote!(#literal)
            }
            lit => quote!(#lit),
        })
    }

    /// `<T as Field>`, spanned on the field's type so that an unsupported
    /// type is reported there.
    pub fn field_trait(&self, field: &Field<'_>) -> TokenStream {
        let ty = field.ty;
        let private = &self.private;
        quote_spanned!(ty.span()=> <#ty as #private::Field>)
    }
}

fn view_ident(container: &Container<'_>) -> Ident {
    match &container.attrs.view {
        Some(view) => view.value.clone(),
        None => format_ident!("{}View", container.ident, span = container.ident.span()),
    }
}

/// On error, stubs for what users name (the view, the traits), so that one
/// mistake is reported once rather than at every use.
fn fallback(container: &Container<'_>) -> TokenStream {
    let generics = &container.original.generics;
    if !generics.params.is_empty() || !matches!(container.data, Data::Table(_)) {
        return TokenStream::new();
    }
    let cx = Cx::new(container);
    let (ident, view, private, vis) = (cx.ident, &cx.view, &cx.private, container.vis);
    quote! {
        #[allow(missing_docs, dead_code)]
        #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug)]
        #vis struct #view<'a>(::core::marker::PhantomData<&'a ()>);

        const _: () = {
            #[automatically_derived]
            impl #private::StreamSerialize for #ident {
                fn serialize(
                    &self,
                    _: &mut #private::flatbuffers::FlatBufferBuilder<'_>,
                ) -> #private::Result<()> {
                    ::core::unimplemented!()
                }
            }

            #[automatically_derived]
            impl #private::StreamDeserialize for #ident {
                type View<'a> = #view<'a>;

                fn view(_: &[::core::primitive::u8]) -> #private::Result<#view<'_>> {
                    ::core::unimplemented!()
                }

                unsafe fn view_unchecked(_: &[::core::primitive::u8]) -> #view<'_> {
                    ::core::unimplemented!()
                }
            }
        };
    }
}
