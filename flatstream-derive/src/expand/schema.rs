//! The schema text: `Schema` impls that describe each type to
//! `flatstream::schema`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Lit;

use super::Cx;
use crate::ast::{classify, Field, UnrawString};

/// The `Schema` impl of a table (or, when `fixed`, a FlatBuffers struct).
pub fn table(cx: &Cx<'_>, fields: &[Field<'_>], fixed: bool) -> TokenStream {
    let (ident, private) = (cx.ident, &cx.private);
    let namespace = cx.namespace();
    let name = ident.unraw_string();
    let explicit_ids = fields.iter().any(|field| field.attrs.id.is_some());
    let identifier = cx.file_identifier();
    // Names the generated code binds, spanned at the call site so that a
    // type spelled inside a `macro_rules!` macro cannot hide them.
    let schema = quote!(schema);
    let lines = fields.iter().filter(|f| f.attrs.skip.is_none()).map(|field| {
        let ty = field.ty;
        let label = field.ident.unraw_string();
        let deprecated = field.attrs.deprecated.is_some();
        let describe = if fixed {
            quote_spanned!(ty.span()=> <#ty as #private::Schema>::describe(#schema))
        } else if field.is_stored() {
            quote_spanned!(ty.span()=> <#ty as #private::Field>::schema_type(#schema))
        } else if classify(ty).is_ok() {
            quote_spanned!(ty.span()=> <#ty as #private::Schema>::describe(#schema))
        } else {
            quote!(#private::TypeRef::opaque())
        };
        let required = if field.attrs.required.is_some() {
            quote!(true)
        } else if field.is_stored() && !fixed {
            quote_spanned!(ty.span()=> <#ty as #private::Field>::REQUIRED)
        } else {
            quote!(false)
        };
        let default = match field.attrs.default.as_ref().map(|d| &d.value) {
            Some(Lit::Int(int)) => Some(int.base10_digits().to_owned()),
            Some(Lit::Float(float)) => Some(float.base10_digits().to_owned()),
            Some(Lit::Bool(boolean)) => Some(boolean.value.to_string()),
            _ => None,
        };
        let default = match default {
            Some(default) => quote!(::core::option::Option::Some(#default)),
            None => quote!(::core::option::Option::None),
        };
        let voffset = cx.voffset(field);
        let key = field.attrs.key.is_some();
        quote! {
            table.field(#label, #describe, (#voffset - 4) / 2, #default, #required, #deprecated);
            table.mark_key(#key);
        }
    });
    let reference = if fixed {
        quote!(#private::TypeRef::fixed(#namespace, #name))
    } else {
        quote!(#private::TypeRef::table(#namespace, #name))
    };
    quote! {
        #[automatically_derived]
        impl #private::Schema for #ident {
            fn describe(schema: &mut #private::SchemaBuilder) -> #private::TypeRef {
                if let ::core::option::Option::Some(index) = schema.reserve_type(#namespace, #name, ::core::any::type_name::<Self>()) {
                    let mut table =
                        #private::TableSchema::new(index, #namespace, #name, #fixed, #explicit_ids);
                    #(#lines)*
                    table.finish(schema);
                }
                #reference
            }

            const FILE_IDENTIFIER: ::core::option::Option<&'static ::core::primitive::str> = #identifier;
        }
    }
}
