//! `#[flatstream(...)]` attributes: parsed with `parse_nested_meta`, unknown
//! and duplicate keys rejected with a span on the key.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned as _;
use syn::{Attribute, Ident, Lit, LitInt, LitStr, Path};

use crate::ctxt::Ctxt;

/// An attribute value with the span of its key, for error messages.
#[derive(Clone)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// Sets `slot` once; a second time is a "duplicate" error on the key.
fn set_once<T>(
    ctxt: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    key: &str,
    slot: &mut Option<Spanned<T>>,
    value: T,
) {
    if slot.is_some() {
        ctxt.error_spanned_by(
            &meta.path,
            format!("duplicate flatstream attribute `{key}`"),
        );
    } else {
        *slot = Some(Spanned {
            value,
            span: meta.path.span(),
        });
    }
}

fn key_of(meta: &ParseNestedMeta<'_>) -> String {
    meta.path
        .get_ident()
        .map(Ident::to_string)
        .unwrap_or_else(|| {
            let path = &meta.path;
            quote::quote!(#path).to_string().replace(' ', "")
        })
}

/// Parses every `#[flatstream(...)]` in `attrs`, handing each key to `each`,
/// which returns `Ok(false)` for keys it does not know.
fn parse_flatstream<F>(ctxt: &Ctxt, attrs: &[Attribute], expected: &str, mut each: F)
where
    F: FnMut(&ParseNestedMeta<'_>, &str) -> syn::Result<bool>,
{
    for attr in attrs {
        if !attr.path().is_ident("flatstream") {
            continue;
        }
        let result = attr.parse_nested_meta(|meta| {
            let key = key_of(&meta);
            if each(&meta, &key)? {
                Ok(())
            } else {
                Err(meta.error(format!(
                    "unknown flatstream attribute `{key}`; expected {expected}"
                )))
            }
        });
        if let Err(err) = result {
            ctxt.syn_error(err);
        }
    }
}

/// Attributes on a struct or enum.
#[derive(Default)]
pub struct ContainerAttrs {
    /// `view = "Name"`: the view's name.
    pub view: Option<Spanned<Ident>>,
    /// `crate = path` or `crate = "path"`: where flatstream is.
    pub krate: Option<Spanned<Path>>,
    /// `fixed`: a FlatBuffers struct.
    pub fixed: Option<Spanned<()>>,
    /// `namespace = "a.b"`: the schema namespace.
    pub namespace: Option<Spanned<String>>,
    /// `file_identifier = "ABCD"`: written after the root offset, checked
    /// when reading.
    pub file_identifier: Option<Spanned<String>>,
    /// `shallow`: the view's shallow mode is generated too.
    pub shallow: Option<Spanned<()>>,
}

impl ContainerAttrs {
    pub fn parse(ctxt: &Ctxt, attrs: &[Attribute]) -> Self {
        let mut out = ContainerAttrs::default();
        let expected = "`view = \"Name\"`, `crate = path`, `fixed`, `shallow`, `namespace = \"a.b\"` or `file_identifier = \"ABCD\"`";
        parse_flatstream(ctxt, attrs, expected, |meta, key| {
            match key {
                "view" => {
                    let name: LitStr = meta.value()?.parse()?;
                    let ident: Ident = name.parse().map_err(|_| {
                        syn::Error::new(
                            name.span(),
                            format!("`{}` is not a valid view name", name.value()),
                        )
                    })?;
                    set_once(ctxt, meta, key, &mut out.view, ident);
                }
                "crate" => {
                    let input = meta.value()?;
                    let path = if input.peek(LitStr) {
                        input.parse::<LitStr>()?.parse::<Path>()?
                    } else {
                        input.call(Path::parse_mod_style)?
                    };
                    set_once(ctxt, meta, key, &mut out.krate, path);
                }
                "fixed" => set_once(ctxt, meta, key, &mut out.fixed, ()),
                "shallow" => set_once(ctxt, meta, key, &mut out.shallow, ()),
                "namespace" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    let value = lit.value();
                    let valid = value.split('.').all(|part| {
                        let mut chars = part.chars();
                        chars
                            .next()
                            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
                    });
                    if !valid {
                        return Err(syn::Error::new(
                            lit.span(),
                            format!("`{value}` is not a namespace: expected names separated by dots, as in \"telemetry.v1\""),
                        ));
                    }
                    set_once(ctxt, meta, key, &mut out.namespace, value);
                }
                "file_identifier" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    let value = lit.value();
                    if value.len() != 4 || !value.is_ascii() {
                        return Err(syn::Error::new(
                            lit.span(),
                            format!("`{value}` is not a file identifier: expected exactly four ASCII characters"),
                        ));
                    }
                    set_once(ctxt, meta, key, &mut out.file_identifier, value);
                }
                _ => return Ok(false),
            }
            Ok(true)
        });
        out
    }
}

/// Attributes on a struct field.
#[derive(Default)]
pub struct FieldAttrs {
    /// `id = N`: the field's slot.
    pub id: Option<Spanned<u16>>,
    /// `skip`: neither written nor read, `Default` on decode, no slot.
    pub skip: Option<Spanned<()>>,
    /// `deprecated`: keeps its slot, neither written nor read.
    pub deprecated: Option<Spanned<()>>,
    /// `default = LIT`: the scalar default.
    pub default: Option<Spanned<Lit>>,
    /// `required`: verification refuses a table without the field.
    pub required: Option<Spanned<()>>,
    /// `key`: vectors of the table are sorted by this field.
    pub key: Option<Spanned<()>>,
    /// `shared`: each distinct string is written once per message.
    pub shared: Option<Spanned<()>>,
}

impl FieldAttrs {
    pub fn parse(ctxt: &Ctxt, attrs: &[Attribute]) -> Self {
        let mut out = FieldAttrs::default();
        let expected =
            "`id = N`, `skip`, `deprecated`, `default = literal`, `required`, `key` or `shared`";
        parse_flatstream(ctxt, attrs, expected, |meta, key| {
            match key {
                "id" => {
                    let lit: LitInt = meta.value()?.parse()?;
                    // Slots are 16-bit vtable offsets: 4 + 2 * id must fit.
                    let id = lit
                        .base10_parse::<u16>()
                        .ok()
                        .filter(|id| *id <= 32_765)
                        .ok_or_else(|| {
                            syn::Error::new(lit.span(), "`id` must be an integer from 0 to 32765")
                        })?;
                    set_once(ctxt, meta, key, &mut out.id, id);
                }
                "skip" => set_once(ctxt, meta, key, &mut out.skip, ()),
                "deprecated" => set_once(ctxt, meta, key, &mut out.deprecated, ()),
                "required" => set_once(ctxt, meta, key, &mut out.required, ()),
                "key" => set_once(ctxt, meta, key, &mut out.key, ()),
                "shared" => set_once(ctxt, meta, key, &mut out.shared, ()),
                "default" => {
                    let input = meta.value()?;
                    let lit = if input.peek(syn::Token![-]) {
                        let minus: syn::Token![-] = input.parse()?;
                        let lit: Lit = input.parse()?;
                        negate(&lit).ok_or_else(|| {
                            syn::Error::new(minus.span, "only numbers can be negative")
                        })?
                    } else {
                        input.parse::<Lit>()?
                    };
                    set_once(ctxt, meta, key, &mut out.default, lit);
                }
                _ => return Ok(false),
            }
            Ok(true)
        });
        out
    }
}

/// `-lit` for a numeric literal.
fn negate(lit: &Lit) -> Option<Lit> {
    match lit {
        Lit::Int(int) => Some(Lit::Int(LitInt::new(&format!("-{int}"), int.span()))),
        Lit::Float(float) => Some(Lit::Float(syn::LitFloat::new(
            &format!("-{float}"),
            float.span(),
        ))),
        _ => None,
    }
}

/// Attributes on an enum variant.
#[derive(Default)]
pub struct VariantAttrs {
    /// `other`: receives unknown discriminants.
    pub other: Option<Spanned<()>>,
}

impl VariantAttrs {
    pub fn parse(ctxt: &Ctxt, attrs: &[Attribute]) -> Self {
        let mut out = VariantAttrs::default();
        parse_flatstream(ctxt, attrs, "`other`", |meta, key| {
            match key {
                "other" => set_once(ctxt, meta, key, &mut out.other, ()),
                _ => return Ok(false),
            }
            Ok(true)
        });
        out
    }
}
