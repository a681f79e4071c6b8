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
            let (ty, label) = (field.ty, field.ident.unraw_string());
            let voffset = cx.voffset(field);
            // A table's stored field: its entry from its type's `Field`;
            // anything else: from its `Schema`, or opaque for a skipped
            // field of a type the macro cannot describe.
            let entry = if field.is_stored() && !fixed {
                let field_trait = cx.field_trait(field);
                quote_spanned!(ty.span()=> #field_trait::FIELD_SCHEMA.at(#label, #voffset))
            } else {
                let describe = if fixed || classify(ty).is_ok() {
                    quote_spanned!(ty.span()=> <#ty as #private::Schema>::describe)
                } else {
                    quote!(#private::TypeRef::opaque_type)
                };
                quote!(#private::FieldSchema::new(#label, #describe, #voffset))
            };
            // A setter for each attribute that changes the entry.
            let attrs = &field.attrs;
            let flags = [
                (attrs.required.is_some(), quote!(required)),
                (attrs.deprecated.is_some(), quote!(deprecated)),
                (attrs.key.is_some(), quote!(key)),
                (attrs.shared.is_some(), quote!(shared)),
            ];
            let setters = flags
                .into_iter()
                .filter(|(set, _)| *set)
                .map(|(_, setter)| quote!(.#setter()));
            let default = match attrs.default.as_ref().map(|d| &d.value) {
                Some(Lit::Int(int)) => Some(int.base10_digits().to_owned()),
                Some(Lit::Float(float)) => Some(float.base10_digits().to_owned()),
                Some(Lit::Bool(boolean)) => Some(boolean.value.to_string()),
                _ => None,
            };
            let default = default.map(|text| quote!(.with_default(#text)));
            quote!(#entry #(#setters)* #default,)
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
                    // Evaluated at compile time: a constant table.
                    &const { [#(#fields)*] },
                )
            }

            const FILE_IDENTIFIER: ::core::option::Option<&'static ::core::primitive::str> = #identifier;
        }
    }
}
