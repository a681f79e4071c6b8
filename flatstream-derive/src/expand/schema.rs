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
    let fields = fields
        .iter()
        .filter(|f| f.attrs.skip.is_none())
        .map(|field| {
            let ty = field.ty;
            let label = field.ident.unraw_string();
            let deprecated = field.attrs.deprecated.is_some();
            let describe = if fixed {
                quote_spanned!(ty.span()=> <#ty as #private::Schema>::describe)
            } else if field.is_stored() {
                quote_spanned!(ty.span()=> <#ty as #private::Field>::schema_type)
            } else if classify(ty).is_ok() {
                quote_spanned!(ty.span()=> <#ty as #private::Schema>::describe)
            } else {
                quote!(|_| #private::TypeRef::opaque())
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
            let shared = field.attrs.shared.is_some();
            quote! {
                #private::FieldSchema {
                    name: #label,
                    ty: #describe,
                    slot: (#voffset - 4) / 2,
                    default: #default,
                    required: #required,
                    deprecated: #deprecated,
                    key: #key,
                    shared: #shared,
                },
            }
        });
    // The fields are data for one runtime function, not code per field.
    quote! {
        #[automatically_derived]
        impl #private::Schema for #ident {
            fn describe(schema: &mut #private::SchemaBuilder) -> #private::TypeRef {
                #private::TableSchema::describe(
                    schema,
                    ::core::any::type_name::<Self>(),
                    #namespace,
                    #name,
                    #fixed,
                    #explicit_ids,
                    &[#(#fields)*],
                )
            }

            const FILE_IDENTIFIER: ::core::option::Option<&'static ::core::primitive::str> = #identifier;
        }
    }
}
