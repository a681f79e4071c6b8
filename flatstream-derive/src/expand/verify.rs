//! Verification: the generated `TableType::check_table`, which checks a
//! table field by field with the runtime's `Checker` and names the field
//! on the way out of a failure, and `decode_table`, which decodes with the
//! same checks.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::Cx;
use crate::ast::{Field, UnrawString};

/// The body of `check_table`, the generated verifier: enter the table,
/// check every stored field with its slot as a constant, leave.
pub fn check_body(cx: &Cx<'_>, stored: &[&Field<'_>]) -> TokenStream {
    let private = &cx.private;
    let checks = stored.iter().map(|field| {
        let field_trait = cx.field_trait(field);
        let voffset = cx.voffset(field);
        let required = field.attrs.required.is_some();
        let (checker, table) = (quote!(checker), quote!(table));
        let name = field.ident.unraw_string();
        let check = quote_spanned! {field.ty.span()=>
            #field_trait::check_in(#checker, #table.at(#voffset, #required), #name)
        };
        quote!(#check?;)
    });
    quote! {
        let table = #private::Checker::enter_table(checker, pos)?;
        #(#checks)*
        checker.leave_table();
        ::core::result::Result::Ok(())
    }
}

/// The body of `decode_table`: the checks of [`check_body`], in the same
/// order, each field decoded as it is checked; fields not stored take
/// their `Default`, as `From<View>` gives them.
pub fn decode_body(cx: &Cx<'_>, fields: &[Field<'_>]) -> TokenStream {
    let private = &cx.private;
    let (checker, table) = (quote!(checker), quote!(table));
    let mut decodes = Vec::new();
    let mut inits = Vec::new();
    for (index, field) in fields.iter().enumerate() {
        let name = field.ident;
        if field.is_stored() {
            let local = quote::format_ident!("__decoded{}", index);
            let field_trait = cx.field_trait(field);
            let voffset = cx.voffset(field);
            let required = field.attrs.required.is_some();
            let label = name.unraw_string();
            let decode = match cx.custom_default(field) {
                Some(default) => quote_spanned! {field.ty.span()=>
                    #field_trait::decode_in_or(#checker, #table.at(#voffset, #required), #default, #label)
                },
                None => quote_spanned! {field.ty.span()=>
                    #field_trait::decode_in(#checker, #table.at(#voffset, #required), #label)
                },
            };
            decodes.push(quote!(let #local = #decode?;));
            inits.push(quote!(#name: #local));
        } else {
            inits.push(quote!(#name: ::core::default::Default::default()));
        }
    }
    quote! {
        let table = #private::Checker::enter_table(checker, pos)?;
        #(#decodes)*
        checker.leave_table();
        ::core::result::Result::Ok(Self { #(#inits),* })
    }
}
