//! Unions: enums whose variants each hold one derived table. A field of
//! union type takes two slots (type tag, then table); a union written as a
//! whole message is the only field of a root table.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::verify::UnrawString;
use super::Cx;
use crate::ast::UnionVariant;

pub fn expand(cx: &Cx<'_>, variants: &[UnionVariant<'_>]) -> TokenStream {
    let (ident, view, private, vis) = (cx.ident, &cx.view, &cx.private, cx.container.vis);
    let field_verification = cx.field_verification("union");
    let name = ident.unraw_string();
    let tables: Vec<(&syn::Ident, &syn::Type, u8)> = variants
        .iter()
        .filter_map(|variant| variant.ty.map(|ty| (variant.ident, ty)))
        .zip(1u8..)
        .map(|((variant, ty), tag)| (variant, ty, tag))
        .collect();
    let boxed: Vec<bool> = variants
        .iter()
        .filter(|variant| variant.ty.is_some())
        .map(|variant| variant.boxed)
        .collect();
    let other = variants
        .iter()
        .find(|variant| variant.ty.is_none())
        .map(|variant| variant.ident);
    let has_other = other.is_some();
    let count = u8::try_from(tables.len()).unwrap_or(u8::MAX);
    let table = |ty: &syn::Type| quote_spanned!(ty.span()=> <#ty as #private::TableType>);

    let view_variants = tables.iter().map(|(variant, ty, _)| {
        let view_ty = quote_spanned!(ty.span()=> <#ty as #private::TableType>::View<'a>);
        let doc = format!("The view of a [`{name}::{}`].", variant.unraw_string());
        quote! {
            #[doc = #doc]
            #variant(#view_ty)
        }
    });
    let view_other = other.map(|variant| {
        quote! {
            /// A kind this version does not know (or none).
            #variant
        }
    });
    let builds = tables.iter().map(|(variant, ty, tag)| {
        let table = table(ty);
        quote! {
            Self::#variant(value) => ::core::option::Option::Some((#tag, #table::build(value, builder)))
        }
    });
    let build_other = other.map(|variant| quote!(Self::#variant => ::core::option::Option::None,));
    let views = tables.iter().map(|(variant, ty, tag)| {
        let table = table(ty);
        quote! {
            // SAFETY: per the caller, `loc` holds a verified table of the
            // variant `tag` names.
            #tag => #view::#variant(unsafe { #table::view_at(buf, loc) })
        }
    });
    let absent = match (other, tables.first()) {
        (Some(variant), _) => quote!(#view::#variant),
        (None, Some((variant, ty, _))) => {
            quote_spanned!(ty.span()=> #view::#variant(#private::table_empty_view::<#ty>()))
        }
        (None, None) => quote!(::core::unreachable!()),
    };
    let verifies = tables.iter().map(|(variant, ty, tag)| {
        let label = variant.unraw_string();
        let (verifier, pos) = (quote!(verifier), quote!(pos));
        quote_spanned!(ty.span()=> #tag => #private::union_verify_variant::<#ty>(#verifier, #label, #pos))
    });
    let checks = tables.iter().map(|(_, ty, tag)| {
        let (checker, pos) = (quote!(checker), quote!(pos));
        quote_spanned!(ty.span()=> #tag => #private::union_check_variant::<#ty>(#checker, #pos))
    });
    let decodes = tables.iter().zip(&boxed).map(|((variant, ty, tag), boxed)| {
        let (checker, pos) = (quote!(checker), quote!(pos));
        let decoded = quote_spanned!(ty.span()=> #private::union_decode_variant::<#ty>(#checker, #pos)?);
        if *boxed {
            quote!(#tag => ::core::result::Result::Ok(Self::#variant(#private::boxed(#decoded))))
        } else {
            quote!(#tag => ::core::result::Result::Ok(Self::#variant(#decoded)))
        }
    });
    let from_views = tables.iter().zip(&boxed).map(|((variant, ty, _), boxed)| {
        let table = table(ty);
        if *boxed {
            quote!(#view::#variant(view) => Self::#variant(#private::boxed(#table::from_view(view))))
        } else {
            quote!(#view::#variant(view) => Self::#variant(#table::from_view(view)))
        }
    });
    let from_other = other.map(|variant| quote!(#view::#variant => Self::#variant,));
    let eqs = tables.iter().map(|(variant, ty, _)| {
        let table = table(ty);
        quote!((#view::#variant(view), Self::#variant(owned)) => #table::view_eq(view, owned))
    });
    let eq_other = other.map(|variant| quote!((#view::#variant, Self::#variant) => true,));

    let namespace = cx.namespace();
    let identifier = cx.file_identifier();
    let stream_serialize = cx.stream_serialize_impl(quote!(#private::UnionMessage(self)));
    let root_name = format!("{name}Root");
    let root_field = snake_case(&name);
    let schema_variants = tables.iter().map(|(variant, ty, _)| {
        let label = variant.unraw_string();
        let schema = quote!(schema);
        quote_spanned!(ty.span()=> (#label, <#ty as #private::Schema>::describe(#schema)))
    });
    let doc = format!(
        "A zero-copy view of a [`{name}`]: the variant read, holding the view \
         of its table.\n\nGenerated by `#[derive(StreamSerialize)]`. Decode it \
         with `{name}::from(view)`; compare it with a `{name}` with `==`."
    );

    quote! {
        #[doc = #doc]
        #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug)]
        #vis enum #view<'a> {
            #(#view_variants,)*
            #view_other
        }

        const _: () = {
            #[automatically_derived]
            impl #private::UnionType for #ident {
                type View<'a> = #view<'a>;
                const NAME: &'static ::core::primitive::str = #name;
                const HAS_OTHER: ::core::primitive::bool = #has_other;

                fn build_union<__FlatstreamBuilder: #private::Builder>(
                    &self,
                    builder: &mut __FlatstreamBuilder,
                ) -> ::core::option::Option<(::core::primitive::u8, #private::Offset)> {
                    match self {
                        #(#builds,)*
                        #build_other
                    }
                }

                #[inline]
                unsafe fn view_union(
                    tag: ::core::primitive::u8,
                    buf: &[::core::primitive::u8],
                    loc: ::core::primitive::usize,
                ) -> #view<'_> {
                    match tag {
                        #(#views,)*
                        _ => <Self as #private::UnionType>::view_absent(),
                    }
                }

                #[inline]
                fn view_absent<'a>() -> #view<'a> {
                    #absent
                }

                #[inline]
                fn knows(tag: ::core::primitive::u8) -> ::core::primitive::bool {
                    (1..=#count).contains(&tag)
                }

                fn verify_union(
                    tag: ::core::primitive::u8,
                    verifier: &mut #private::flatbuffers::Verifier<'_, '_>,
                    pos: ::core::primitive::usize,
                ) -> #private::VerifyResult<()> {
                    match tag {
                        #(#verifies,)*
                        _ => ::core::result::Result::Ok(()),
                    }
                }

                #[inline]
                fn check_union(
                    tag: ::core::primitive::u8,
                    checker: &mut #private::Checker<'_>,
                    pos: ::core::primitive::usize,
                ) -> #private::Checked {
                    match tag {
                        #(#checks,)*
                        _ => ::core::result::Result::Ok(()),
                    }
                }

                #[inline]
                fn decode_union(
                    tag: ::core::primitive::u8,
                    checker: &mut #private::Checker<'_>,
                    pos: ::core::primitive::usize,
                ) -> #private::Checked<Self> {
                    match tag {
                        #(#decodes,)*
                        _ => ::core::result::Result::Err(#private::Invalid),
                    }
                }

                fn from_view(view: #view<'_>) -> Self {
                    match view {
                        #(#from_views,)*
                        #from_other
                    }
                }

                #[allow(unreachable_patterns)]
                fn view_eq(view: #view<'_>, owned: &Self) -> ::core::primitive::bool {
                    match (view, owned) {
                        #(#eqs,)*
                        #eq_other
                        _ => false,
                    }
                }
            }

            #[automatically_derived]
            impl #private::Field for #ident {
                type Prepared = #private::UnionPrepared;
                type View<'a> = #view<'a>;
                type Default = ();
                const DEFAULT: () = ();
                const WIDTH: ::core::primitive::usize = 4;
                const REQUIRED: ::core::primitive::bool = !#has_other;
                const SLOTS: ::core::primitive::u16 = 2;

                #[inline]
                fn prepare<__FlatstreamBuilder: #private::Builder>(
                    &self,
                    builder: &mut __FlatstreamBuilder,
                ) -> #private::UnionPrepared {
                    #private::union_prepare(self, builder)
                }

                #[inline]
                fn push<__FlatstreamBuilder: #private::Builder>(
                    builder: &mut __FlatstreamBuilder,
                    slot: #private::flatbuffers::VOffsetT,
                    value: #private::UnionPrepared,
                    _default: (),
                ) {
                    #private::union_push(builder, slot, value);
                }

                #[inline]
                fn push_always<__FlatstreamBuilder: #private::Builder>(
                    builder: &mut __FlatstreamBuilder,
                    slot: #private::flatbuffers::VOffsetT,
                    value: #private::UnionPrepared,
                ) {
                    #private::union_push(builder, slot, value);
                }

                #[inline]
                unsafe fn get<'a>(
                    table: &#private::ViewTable<'a>,
                    slot: #private::flatbuffers::VOffsetT,
                    _default: (),
                ) -> #view<'a> {
                    // SAFETY: forwarded to the caller.
                    unsafe { #private::union_get::<Self>(table, slot) }
                }

                #[inline]
                unsafe fn present(
                    table: &#private::ViewTable<'_>,
                    slot: #private::flatbuffers::VOffsetT,
                ) -> ::core::primitive::bool {
                    // SAFETY: forwarded to the caller.
                    unsafe { #private::union_present(table, slot) }
                }

                #field_verification

                #[inline]
                fn absent((): ()) -> Self {
                    #private::union_absent::<Self>()
                }

                #[inline]
                fn to_owned(view: #view<'_>) -> Self {
                    <Self as #private::UnionType>::from_view(view)
                }

                #[inline]
                fn view_eq(view: #view<'_>, owned: &Self) -> ::core::primitive::bool {
                    <Self as #private::UnionType>::view_eq(view, owned)
                }

                fn fmt_view(view: #view<'_>, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    ::core::fmt::Debug::fmt(&view, f)
                }
            }

            #stream_serialize

            #[automatically_derived]
            impl #private::StreamDeserialize for #ident {
                type View<'a> = #view<'a>;

                #[inline]
                fn view(payload: &[::core::primitive::u8]) -> #private::Result<#view<'_>> {
                    #private::union_root::<Self>(
                        payload,
                        &::core::default::Default::default(),
                        #identifier,
                    )
                }

                #[inline]
                fn view_with_options<'a>(
                    payload: &'a [::core::primitive::u8],
                    options: &#private::flatbuffers::VerifierOptions,
                ) -> #private::Result<#view<'a>> {
                    #private::union_root::<Self>(payload, options, #identifier)
                }

                #[inline]
                unsafe fn view_unchecked(payload: &[::core::primitive::u8]) -> #view<'_> {
                    // SAFETY: the caller guarantees `payload` is a valid
                    // message of this type.
                    unsafe { #private::union_root_unchecked::<Self>(payload) }
                }
            }

            #[automatically_derived]
            impl ::core::convert::From<#view<'_>> for #ident {
                fn from(view: #view<'_>) -> Self {
                    <Self as #private::UnionType>::from_view(view)
                }
            }

            #[automatically_derived]
            impl ::core::cmp::PartialEq<#ident> for #view<'_> {
                fn eq(&self, other: &#ident) -> ::core::primitive::bool {
                    <#ident as #private::UnionType>::view_eq(*self, other)
                }
            }

            #[automatically_derived]
            impl #private::Schema for #ident {
                fn describe(schema: &mut #private::SchemaBuilder) -> #private::TypeRef {
                    if let ::core::option::Option::Some(index) = schema.reserve_type(#namespace, #name, ::core::any::type_name::<Self>()) {
                        let variants = [#(#schema_variants),*];
                        schema.define_union(index, #namespace, #name, &variants);
                    }
                    #private::TypeRef::union(#namespace, #name)
                }

                fn describe_root(schema: &mut #private::SchemaBuilder) -> #private::TypeRef {
                    if let ::core::option::Option::Some(index) = schema.reserve_type(#namespace, #root_name, ::core::any::type_name::<Self>()) {
                        let mut table =
                            #private::TableSchema::new(index, #namespace, #root_name, false, false);
                        let union = <Self as #private::Schema>::describe(schema);
                        table.field(#root_field, union, 0, ::core::option::Option::None, !#has_other, false);
                        table.finish(schema);
                    }
                    #private::TypeRef::table(#namespace, #root_name)
                }

                const FILE_IDENTIFIER: ::core::option::Option<&'static ::core::primitive::str> = #identifier;
            }
        };
    }
}

/// `TradeEvent` -> `trade_event`.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
