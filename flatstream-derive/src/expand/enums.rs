//! Unit enums: stored as their discriminant, read back as the enum itself.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use super::Cx;
use crate::ast::{EnumDef, UnrawString};

pub fn expand(cx: &Cx<'_>, def: &EnumDef<'_>) -> TokenStream {
    let (ident, private) = (cx.ident, &cx.private);
    let repr = Ident::new(def.repr.name(), Span::call_site());
    let name = ident.unraw_string();
    let literal = |value: i128| match i64::try_from(value) {
        Ok(value) => Literal::i64_unsuffixed(value),
        Err(_) => Literal::u64_unsuffixed(u64::try_from(value).unwrap_or(u64::MAX)),
    };

    let default = def
        .variants
        .iter()
        .find(|variant| variant.value == 0)
        .or(def.variants.first())
        .map(|variant| variant.ident);
    let other = def.variants.iter().find(|v| v.attrs.other.is_some());
    let has_other = other.is_some();

    let to_repr = def.variants.iter().map(|variant| {
        let (variant_ident, value) = (variant.ident, literal(variant.value));
        quote!(Self::#variant_ident => #value)
    });
    let from_repr = def.variants.iter().map(|variant| {
        let (variant_ident, value) = (variant.ident, literal(variant.value));
        quote!(#value => ::core::option::Option::Some(Self::#variant_ident))
    });
    let unknown = match other {
        Some(variant) => {
            let variant_ident = variant.ident;
            quote!(_ => ::core::option::Option::Some(Self::#variant_ident))
        }
        None => quote!(_ => ::core::option::Option::None),
    };
    let namespace = cx.namespace();
    let underlying = def.repr.scalar().fbs_name();
    let schema_variants = def.variants.iter().map(|variant| {
        let (label, value) = (variant.ident.unraw_string(), variant.value.to_string());
        quote!((#label, #value))
    });
    let schema_default = match def.variants.iter().find(|variant| variant.value == 0) {
        Some(_) => quote!(::core::option::Option::None),
        None => {
            let label = def
                .variants
                .first()
                .map(|variant| variant.ident.unraw_string())
                .unwrap_or_default();
            quote!(::core::option::Option::Some(#label))
        }
    };
    let names = def.variants.iter().map(|variant| {
        let (variant_ident, label) = (variant.ident, variant.ident.unraw_string());
        quote!(Self::#variant_ident => #label)
    });

    quote! {
        const _: () = {
            #[automatically_derived]
            impl #private::EnumType for #ident {
                type Repr = ::core::primitive::#repr;
                const NAME: &'static ::core::primitive::str = #name;
                const DEFAULT: Self = Self::#default;
                const HAS_OTHER: ::core::primitive::bool = #has_other;

                #[inline]
                fn to_repr(self) -> ::core::primitive::#repr {
                    match self {
                        #(#to_repr,)*
                    }
                }

                #[inline]
                #[allow(unreachable_patterns)]
                fn from_repr(repr: ::core::primitive::#repr) -> ::core::option::Option<Self> {
                    match repr {
                        #(#from_repr,)*
                        #unknown,
                    }
                }

                fn variant_name(self) -> &'static ::core::primitive::str {
                    match self {
                        #(#names,)*
                    }
                }
            }

            #[automatically_derived]
            impl #private::HasKind for #ident {
                type Kind = #private::EnumKind;
            }

            #[automatically_derived]
            impl #private::Schema for #ident {
                fn describe(schema: &mut #private::SchemaBuilder) -> #private::TypeRef {
                    if let ::core::option::Option::Some(index) = schema.reserve_type(#namespace, #name, ::core::any::type_name::<Self>()) {
                        schema.define_enum(index, #namespace, #name, #underlying, &[#(#schema_variants),*]);
                    }
                    #private::TypeRef::enumeration(#namespace, #name, #schema_default)
                }
            }
        };
    }
}
