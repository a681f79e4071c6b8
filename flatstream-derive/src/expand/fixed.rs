//! Fixed structs: FlatBuffers structs, stored inline with FlatBuffers'
//! alignment and padding, read back as the struct itself.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::{schema, Cx};
use crate::ast::{Field, UnrawString};

pub fn expand(cx: &Cx<'_>, fields: &[Field<'_>]) -> TokenStream {
    let (ident, private) = (cx.ident, &cx.private);
    let name = ident.unraw_string();
    let fixed = |field: &Field<'_>| {
        let ty = field.ty;
        quote_spanned!(ty.span()=> <#ty as #private::FixedType>)
    };
    let layout = fields.iter().map(|field| {
        let fixed = fixed(field);
        quote!((#fixed::SIZE, #fixed::ALIGN))
    });
    let checked = fields.iter().map(|field| {
        let fixed = fixed(field);
        quote!(#fixed::CHECKED)
    });
    let count = fields.len();
    let offsets: Vec<_> = (0..count).map(|i| format_ident!("__OFFSET{}", i)).collect();
    let offset_consts = offsets.iter().enumerate().map(
        |(index, offset)| quote!(const #offset: ::core::primitive::usize = __LAYOUT.0[#index];),
    );
    let writes = fields.iter().zip(&offsets).map(|(field, offset)| {
        let (name, fixed) = (field.ident, fixed(field));
        quote!(#fixed::write_fixed(&self.#name, #private::fixed_slice_mut(out, #offset));)
    });
    let reads = fields.iter().zip(&offsets).map(|(field, offset)| {
        let (name, fixed) = (field.ident, fixed(field));
        quote!(#name: #fixed::read_fixed(#private::fixed_slice(bytes, #offset)))
    });
    let checks = fields.iter().zip(&offsets).map(|(field, offset)| {
        let fixed = fixed(field);
        let label = field.ident.unraw_string();
        quote! {
            if #fixed::CHECKED {
                let checked = #fixed::check_fixed(checker, pos + #offset);
                checker.in_field(checked, #label)?;
            }
        }
    });
    let eqs = fields.iter().map(|field| {
        let (name, fixed) = (field.ident, fixed(field));
        quote!(#fixed::fixed_eq(&self.#name, &other.#name))
    });
    let debug_fields = fields.iter().map(|field| {
        let (name, label, fixed) = (field.ident, field.ident.unraw_string(), fixed(field));
        quote!(.field(#label, &#private::debug_with(|f| #fixed::fmt_fixed(&self.#name, f))))
    });
    let schema = schema::table(cx, fields, true);

    quote! {
        const _: () = {
            const __LAYOUT: ([::core::primitive::usize; #count], ::core::primitive::usize, ::core::primitive::usize) =
                #private::fixed_layout([#(#layout),*]);
            #(#offset_consts)*

            #[automatically_derived]
            impl #private::FixedType for #ident {
                const SIZE: ::core::primitive::usize = __LAYOUT.1;
                const ALIGN: ::core::primitive::usize = __LAYOUT.2;
                const CHECKED: ::core::primitive::bool = #private::any_of(&[#(#checked),*]);

                #[inline]
                fn write_fixed(&self, out: &mut [::core::primitive::u8]) {
                    #(#writes)*
                }

                #[inline]
                fn read_fixed(bytes: &[::core::primitive::u8]) -> Self {
                    Self { #(#reads,)* }
                }

                #[inline]
                fn check_fixed(
                    checker: &mut #private::Checker<'_>,
                    pos: ::core::primitive::usize,
                ) -> #private::Checked {
                    let _ = (&checker, pos);
                    #(#checks)*
                    ::core::result::Result::Ok(())
                }

                #[inline]
                fn fixed_eq(&self, other: &Self) -> ::core::primitive::bool {
                    #(#eqs)&&*
                }

                fn fmt_fixed(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.debug_struct(#name) #(#debug_fields)* .finish()
                }
            }

            #[automatically_derived]
            impl #private::HasKind for #ident {
                type Kind = #private::FixedKind;
            }

            #schema
        };
    }
}
