//! Structs: the builder code and the trait impls tying the struct to its
//! view.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::{schema, verify, view, Cx};
use crate::ast::{Field, Kind, UnrawString};

/// Everything generated for a struct.
pub fn expand(outer: &Cx<'_>, fields: &[Field<'_>]) -> TokenStream {
    let stored: Vec<&Field<'_>> = fields.iter().filter(|f| f.is_stored()).collect();
    let view_struct = view::view_struct(outer);
    let alias = outer.alias_runtime();
    let cx = &outer.aliased();
    let view_impls = view::view_impls(cx, &stored);
    let check_body = verify::check_body(cx, &stored);
    let decode_body = verify::decode_body(cx, fields);
    let build = build_fn(cx, &stored);
    let traits = trait_impls(cx);
    let schema = schema::table(cx, fields, false);
    let keyed = keyed_impl(cx, fields);
    let union_ids = union_id_assertions(cx, &stored);
    let build_vector = keyed_build_vector(cx, fields);

    let (ident, view, private) = (cx.ident, &cx.view, &cx.private);
    let name = ident.unraw_string();
    let from_view = view::from_view_body(cx, fields);
    let view_eq = view::view_eq_body(cx, &stored);
    let shallow_table = shallow_table_impl(cx);
    let file_identifier = match &cx.container.attrs.file_identifier {
        Some(identifier) => {
            let value = &identifier.value;
            quote! {
                const FILE_IDENTIFIER: ::core::option::Option<&'static ::core::primitive::str> =
                    ::core::option::Option::Some(#value);
            }
        }
        None => quote!(),
    };
    let plain = stored.iter().map(|field| {
        let field_trait = cx.field_trait(field);
        quote_spanned!(field.ty.span()=> #field_trait::PLAIN_SCALAR)
    });
    quote! {
        #view_struct

        const _: () = {
            #alias

            #view_impls

            // SAFETY: `view_at` makes a view whose accessors read each
            // stored field through `Field::get` at the slot that
            // `check_table` checked with `Field::check` of the same type,
            // and `decode_table` makes the same checks, in the same order;
            // `from_view` reads each stored field with the same `Field::get`
            // and `to_owned`, so for fields that are all `PLAIN_SCALAR` it
            // returns what `decode_table` does.
            #[automatically_derived]
            unsafe impl #private::TableType for #ident {
                type View<'a> = #view<'a>;
                const NAME: &'static ::core::primitive::str = #name;
                const PLAIN_SCALARS: ::core::primitive::bool = true #(&& #plain)*;
                #file_identifier

                #build

                #[inline]
                unsafe fn view_at(
                    buf: &[::core::primitive::u8],
                    loc: ::core::primitive::usize,
                ) -> #view<'_> {
                    #view {
                        // SAFETY: the caller guarantees a verified table of
                        // this type at `loc`.
                        table: unsafe { #private::VerifiedTable::new(buf, loc) },
                    }
                }

                #[inline]
                fn check_table(
                    checker: &mut #private::Checker<'_>,
                    pos: ::core::primitive::usize,
                ) -> #private::Checked {
                    #check_body
                }

                #[inline]
                fn decode_table(
                    checker: &mut #private::Checker<'_>,
                    pos: ::core::primitive::usize,
                ) -> #private::Checked<Self> {
                    #decode_body
                }

                #[inline]
                fn from_view(view: #view<'_>) -> Self {
                    #from_view
                }

                fn view_eq(view: #view<'_>, owned: &Self) -> ::core::primitive::bool {
                    #view_eq
                }

                #build_vector
            }

            #shallow_table
            #traits
            #keyed
            #schema
            #(#union_ids)*
        };
    }
}

/// `ShallowTable`, for a struct with `#[flatstream(shallow)]`.
fn shallow_table_impl(cx: &Cx<'_>) -> TokenStream {
    if cx.container.attrs.shallow.is_none() {
        return TokenStream::new();
    }
    let (ident, view, private) = (cx.ident, &cx.view, &cx.private);
    quote! {
        // SAFETY: `shallow_at` makes a view whose accessors read each
        // stored field through `Field::get_shallow` at the slot that
        // `check_table` checked with `Field::check`, whose contract ties
        // the two for a shallow checker.
        #[automatically_derived]
        unsafe impl #private::ShallowTable for #ident {
            type ShallowView<'a> = #view<'a, #private::Shallow>;

            #[inline]
            unsafe fn shallow_at(
                buf: &[::core::primitive::u8],
                loc: ::core::primitive::usize,
            ) -> #view<'_, #private::Shallow> {
                #view {
                    // SAFETY: the caller guarantees a table of this type at
                    // `loc` that its checks accepted, shallowly or not.
                    table: unsafe { #private::VerifiedTable::new(buf, loc) },
                }
            }
        }
    }
}

/// With explicit ids, a field after a one-id gap must be a union (two
/// slots) and any other field that may be one must not be: checked where
/// only the type system can tell.
fn union_id_assertions(cx: &Cx<'_>, stored: &[&Field<'_>]) -> Vec<TokenStream> {
    let private = &cx.private;
    stored
        .iter()
        .filter(|field| field.kind.as_ref().is_some_and(Kind::maybe_union))
        .filter_map(|field| {
            let id = field.attrs.id.as_ref()?.value;
            let first = field.id?;
            let slots = id.checked_sub(first)? + 1;
            let ty = field.ty;
            let message = if slots == 2 {
                format!(
                    "id {} of field `{}` skips id {first}, which only a union field may do \
                     (its type tag takes id {first}); ids must run from 0 without gaps",
                    id, field.ident
                )
            } else {
                format!(
                    "field `{}` is a union, which takes two ids: its type tag's ({}) and its value's ({}); \
                     give it id {} and leave id {} free",
                    field.ident,
                    id,
                    id + 1,
                    id + 1,
                    id
                )
            };
            Some(quote_spanned! {ty.span()=>
                const _: () = ::core::assert!(<#ty as #private::Field>::SLOTS == #slots, #message);
            })
        })
        .collect()
}

/// `TableType::build`: children first, then the table with its slots
/// ordered largest first (as flatc does, to save padding).
fn build_fn(cx: &Cx<'_>, stored: &[&Field<'_>]) -> TokenStream {
    let private = &cx.private;
    // Spanned at the call site, so a field type spelled inside a
    // `macro_rules!` macro cannot hide them.
    let (this, builder) = (quote!(self), quote!(builder));
    let locals: Vec<_> = (0..stored.len())
        .map(|index| format_ident!("__field{}", index))
        .collect();
    let prepares = stored.iter().zip(&locals).map(|(field, local)| {
        let (field_trait, name, ty) = (cx.field_trait(field), field.ident, field.ty);
        let prepare = match &field.attrs.shared {
            // Spanned at the attribute, where a type it does not apply to
            // is reported.
            Some(shared) => quote_spanned!(shared.span=>
                <#ty as #private::SharedField>::prepare_shared(&#this.#name, #builder)),
            None => quote_spanned!(ty.span()=> #field_trait::prepare(&#this.#name, #builder)),
        };
        quote!(let #local = #prepare;)
    });

    // Width classes, largest first; a field whose width only the type
    // system knows (a derived struct or enum) is pushed by a constant
    // condition in each class, which the compiler folds away.
    let classes: [(usize, usize); 4] = [(4, usize::MAX), (2, 4), (1, 2), (0, 1)];
    let mut pushes = Vec::new();
    for (low, high) in classes {
        for (field, local) in stored.iter().zip(&locals) {
            let field_trait = cx.field_trait(field);
            let voffset = cx.voffset(field);
            let span = field.ty.span();
            let call = match field.kind.as_ref().and_then(Kind::width) {
                Some(width) if width <= low || width > high => continue,
                Some(_) => match cx.custom_default(field) {
                    Some(default) => quote_spanned!(span=>
                        #field_trait::push(#builder, #voffset, #local, #default)),
                    None => quote_spanned!(span=>
                        #field_trait::push_default(#builder, #voffset, #local)),
                },
                // Only scalars take a `default = ..`, and their width is known.
                None => {
                    let high = if high == usize::MAX {
                        quote!(::core::primitive::usize::MAX)
                    } else {
                        quote!(#high)
                    };
                    quote_spanned!(span=>
                        #field_trait::push_if_width(#builder, #voffset, #local, #low, #high))
                }
            };
            pushes.push(quote!(#call;));
        }
    }
    quote! {
        #[inline]
        fn build<__FlatstreamBuilder: #private::Builder>(
            &self,
            builder: &mut __FlatstreamBuilder,
        ) -> #private::Offset {
            #(#prepares)*
            let start = #private::Builder::start_table(builder);
            #(#pushes)*
            #private::Builder::end_table(builder, start)
        }
    }
}

/// The public traits, each a thin layer over `TableType`.
fn trait_impls(cx: &Cx<'_>) -> TokenStream {
    let (ident, private) = (cx.ident, &cx.private);
    let stream_serialize = cx.stream_serialize_impl(quote!(#private::TableMessage(self)));
    let check_identifier = match &cx.container.attrs.file_identifier {
        Some(identifier) => {
            let value = &identifier.value;
            quote!(#private::check_identifier(payload, #value, <Self as #private::TableType>::NAME)?;)
        }
        None => quote!(),
    };
    let stream_deserialize = cx.stream_deserialize_impl(
        quote! {
            #check_identifier
            #private::root::<Self>(payload, options)
        },
        quote!(#private::root_unchecked),
        quote! {
            #[inline]
            fn decode_with_options(
                payload: &[::core::primitive::u8],
                options: &#private::flatbuffers::VerifierOptions,
            ) -> #private::Result<Self> {
                #check_identifier
                #private::decode_root::<Self>(payload, options)
            }
        },
    );
    quote! {
        #stream_serialize

        #stream_deserialize

        #[automatically_derived]
        impl #private::HasKind for #ident {
            type Kind = #private::TableKind;
        }
    }
}

/// `TableType::build_vector` of a table with a `key` field: sorted by it.
fn keyed_build_vector(cx: &Cx<'_>, fields: &[Field<'_>]) -> TokenStream {
    if !fields.iter().any(|f| f.attrs.key.is_some()) {
        return TokenStream::new();
    }
    let private = &cx.private;
    quote! {
        fn build_vector<__FlatstreamBuilder: #private::Builder>(
            items: &[Self],
            builder: &mut __FlatstreamBuilder,
        ) -> #private::Offset {
            #private::keyed_build_vector(items, builder)
        }
    }
}

/// `KeyedTable` for a table with a `key` field: vectors of it are written
/// sorted by the key and searched with `Vector::lookup_by_key`.
fn keyed_impl(cx: &Cx<'_>, fields: &[Field<'_>]) -> TokenStream {
    let Some(field) = fields.iter().find(|f| f.attrs.key.is_some()) else {
        return TokenStream::new();
    };
    let (ident, view, private) = (cx.ident, &cx.view, &cx.private);
    let (name, ty) = (field.ident, field.ty);
    let key = quote_spanned!(ty.span()=> <#ty as #private::KeyField>);
    quote! {
        #[automatically_derived]
        impl #private::KeyedTable for #ident {
            type Query = #key::Query;

            #[inline]
            fn owned_key(&self) -> &#key::Query {
                #key::as_query(&self.#name)
            }

            #[inline]
            fn view_key_cmp(view: #view<'_>, key: &#key::Query) -> ::core::cmp::Ordering {
                #key::view_cmp(view.#name(), key)
            }
        }
    }
}
