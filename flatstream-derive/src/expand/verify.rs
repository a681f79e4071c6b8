//! Verification: the generated `TableType::verify_table` and the
//! `flatbuffers` traits that let `flatbuffers::root` verify and follow a
//! view. A generated verifier that skips the `flatbuffers` machinery can
//! replace `verify_body` alone.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::Cx;
use crate::ast::Field;

/// The body of `verify_table`: visit the table, then every stored field.
/// Deprecated fields are never read, so they are not verified either.
pub fn verify_body(cx: &Cx<'_>, stored: &[&Field<'_>]) -> TokenStream {
    let visits = stored.iter().map(|field| {
        let field_trait = cx.field_trait(field);
        let name = field.ident.unraw_string();
        let voffset = cx.voffset(field);
        let required = field.attrs.required.is_some();
        let table = quote!(table);
        let visit = quote_spanned! {field.ty.span()=>
            #field_trait::verify(#table, #name, #voffset, #field_trait::REQUIRED || #required)
        };
        quote!(let table = #visit?;)
    });
    quote! {
        let table = verifier.visit_table(pos)?;
        #(#visits)*
        table.finish();
        ::core::result::Result::Ok(())
    }
}

/// The body of `check_table`, the generated verifier: enter the table,
/// check every stored field with its slot as a constant, leave.
pub fn check_body(cx: &Cx<'_>, stored: &[&Field<'_>]) -> TokenStream {
    let private = &cx.private;
    let checks = stored.iter().map(|field| {
        let field_trait = cx.field_trait(field);
        let voffset = cx.voffset(field);
        let required = field.attrs.required.is_some();
        let (checker, table) = (quote!(checker), quote!(table));
        quote_spanned! {field.ty.span()=>
            #field_trait::check(#checker, &#table, #voffset, #field_trait::REQUIRED || #required)?;
        }
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
            let default = super::table::default_tokens(cx, field);
            decodes.push(quote_spanned! {field.ty.span()=>
                let #local = #field_trait::decode(
                    #checker,
                    &#table,
                    #voffset,
                    #field_trait::REQUIRED || #required,
                    #default,
                )?;
            });
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

/// `Follow` and `Verifiable` for the view, so that `flatbuffers::root`
/// can verify a buffer and hand out the view.
pub fn view_traits(cx: &Cx<'_>) -> TokenStream {
    let (ident, view, private) = (cx.ident, &cx.view, &cx.private);
    quote! {
        #[automatically_derived]
        impl<'a> #private::flatbuffers::Follow<'a> for #view<'a> {
            type Inner = #view<'a>;

            #[inline]
            unsafe fn follow(buf: &'a [::core::primitive::u8], loc: ::core::primitive::usize) -> #view<'a> {
                // SAFETY: the caller guarantees a valid table at `loc`.
                unsafe { <#ident as #private::TableType>::view_at(buf, loc) }
            }
        }

        #[automatically_derived]
        impl #private::flatbuffers::Verifiable for #view<'_> {
            #[inline]
            fn run_verifier(
                verifier: &mut #private::flatbuffers::Verifier<'_, '_>,
                pos: ::core::primitive::usize,
            ) -> #private::VerifyResult<()> {
                <#ident as #private::TableType>::verify_table(verifier, pos)
            }
        }
    }
}

/// The name of an identifier without `r#`.
pub trait UnrawString {
    fn unraw_string(&self) -> String;
}

impl UnrawString for syn::Ident {
    fn unraw_string(&self) -> String {
        let name = self.to_string();
        name.strip_prefix("r#").map(str::to_owned).unwrap_or(name)
    }
}
