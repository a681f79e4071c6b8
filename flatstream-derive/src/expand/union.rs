//! Unions: enums whose variants each hold one derived table. A field of
//! union type takes two slots (type tag, then table); a union written as a
//! whole message is the only field of a root table.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::Cx;
use crate::ast::{UnionVariant, UnrawString};

pub fn expand(cx: &Cx<'_>, variants: &[UnionVariant<'_>]) -> TokenStream {
    let (ident, view, private, vis) = (cx.ident, &cx.view, &cx.private, cx.container.vis);
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
    let checks = tables.iter().map(|(variant, ty, tag)| {
        let label = variant.unraw_string();
        let (checker, pos) = (quote!(checker), quote!(pos));
        quote_spanned!(ty.span()=> #tag => #private::union_variant(#checker, #pos, #label, <#ty as #private::TableType>::check_table))
    });
    let decodes = tables.iter().zip(&boxed).map(|((variant, ty, tag), boxed)| {
        let label = variant.unraw_string();
        let (checker, pos) = (quote!(checker), quote!(pos));
        let decoded = quote_spanned!(ty.span()=> #private::union_variant(#checker, #pos, #label, <#ty as #private::TableType>::decode_table)?);
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
    let stream_deserialize = cx.stream_deserialize_impl(
        quote!(#private::union_root::<Self>(payload, options, #identifier)),
        quote!(#private::union_root_unchecked),
        quote!(),
    );
    let owned = cx.owned_view_impls(quote!(UnionType));
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
            // SAFETY: `view_union` reads, for each tag `knows`, the table
            // of the variant that tag names, which `check_union` checked
            // (offset and table, with the variant's `check_table`) for the
            // same tag; `decode_union` makes the same checks.
            #[automatically_derived]
            unsafe impl #private::UnionType for #ident {
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

                #[inline]
                fn check_union(
                    tag: ::core::primitive::u8,
                    checker: &mut #private::Checker<'_>,
                    pos: ::core::primitive::usize,
                ) -> #private::Checked {
                    match tag {
                        #(#checks,)*
                        _ => ::core::result::Result::Err(
                            #private::union_unknown_tag::<Self>(checker, tag, pos),
                        ),
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
                        _ => ::core::result::Result::Err(
                            #private::union_unknown_tag::<Self>(checker, tag, pos),
                        ),
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
            impl #private::HasKind for #ident {
                type Kind = #private::UnionKind;
            }

            #stream_serialize

            #stream_deserialize

            #owned

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
