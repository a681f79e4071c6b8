//! Rules across fields and attributes, and slot assignment.

use std::collections::BTreeMap;

use syn::Lit;

use crate::ast::{Container, Data, EnumDef, Field, Kind, Scalar};
use crate::ctxt::Ctxt;

/// Checks `container`, recording every problem, and assigns slots.
pub fn check(ctxt: &Ctxt, container: &mut Container<'_>) {
    let generics = &container.original.generics;
    if !generics.params.is_empty() || generics.where_clause.is_some() {
        ctxt.error_spanned_by(
            generics,
            "generic types are not supported: a FlatBuffers type has one fixed layout; \
             derive on a concrete type",
        );
    }
    let attrs = &container.attrs;
    let shallow_not_on = |what: &str| {
        ctxt.refuse(&attrs.shallow, format!("`shallow` applies to structs stored as tables, not to {what}: only a table has nested tables to leave unchecked"));
    };
    let not_on = |what: &str| {
        shallow_not_on(what);
        ctxt.refuse(
            &attrs.fixed,
            format!("`fixed` applies to structs of scalars only, not to {what}"),
        );
        ctxt.refuse(
            &attrs.file_identifier,
            format!(
                "`file_identifier` applies to message types (structs and unions), not to {what}"
            ),
        );
    };
    match &mut container.data {
        Data::Table(fields) => check_table(ctxt, fields),
        Data::Fixed(fields) => {
            shallow_not_on("`fixed` structs");
            ctxt.refuse(
                &attrs.view,
                "`view` does not apply to a `fixed` struct: its accessor returns the struct itself",
            );
            ctxt.refuse(
                &attrs.file_identifier,
                "`file_identifier` applies to message types; a `fixed` struct is never a message",
            );
            check_fixed(ctxt, container.ident, fields);
        }
        Data::Union(_) => {
            shallow_not_on("unions");
            ctxt.refuse(
                &attrs.fixed,
                "`fixed` applies to structs of scalars only, not to unions",
            );
        }
        Data::Enum(def) => {
            not_on("enums");
            ctxt.refuse(
                &container.attrs.view,
                "`view` applies to structs only: an enum's values are read as the enum itself",
            );
            check_enum(ctxt, def);
        }
        Data::Unsupported => {}
    }
}

/// What a fixed struct can hold.
const FIXED_FIELDS: &str = "a `fixed` struct holds only bool, u8..u64, i8..i64, f32, f64, \
     derived unit enums and other `fixed` structs; drop `fixed` to make it a table";

fn check_fixed(ctxt: &Ctxt, ident: &syn::Ident, fields: &mut [Field<'_>]) {
    if fields.is_empty() {
        ctxt.error_spanned_by(ident, "a `fixed` struct needs at least one field");
    }
    for (index, field) in fields.iter_mut().enumerate() {
        let attrs = &field.attrs;
        let spans = [
            attrs.id.as_ref().map(|a| ("id", a.span)),
            attrs.skip.as_ref().map(|a| ("skip", a.span)),
            attrs.deprecated.as_ref().map(|a| ("deprecated", a.span)),
            attrs.default.as_ref().map(|a| ("default", a.span)),
            attrs.required.as_ref().map(|a| ("required", a.span)),
            attrs.key.as_ref().map(|a| ("key", a.span)),
            attrs.shared.as_ref().map(|a| ("shared", a.span)),
        ];
        for (key, span) in spans.into_iter().flatten() {
            ctxt.error_at(
                span,
                format!("`{key}` does not apply to a field of a `fixed` struct: its layout is fixed, every field always stored"),
            );
        }
        match &field.kind {
            Some(Kind::Scalar(_) | Kind::Named | Kind::Array) | None => {}
            Some(_) => ctxt.error_spanned_by(
                field.ty,
                format!(
                    "`{}` cannot be stored inline: {FIXED_FIELDS}",
                    type_name(field)
                ),
            ),
        }
        field.id = u16::try_from(index).ok();
    }
}

fn check_table(ctxt: &Ctxt, fields: &mut [Field<'_>]) {
    for field in fields.iter() {
        check_field_attrs(ctxt, field);
    }
    let mut keys = fields
        .iter()
        .filter_map(|f| f.attrs.key.as_ref().map(|key| (f, key)));
    if let Some((field, key)) = keys.next() {
        match &field.kind {
            _ if !field.is_stored() => ctxt.error_at(
                key.span,
                "a `key` field must be stored (not `skip` or `deprecated`)",
            ),
            Some(Kind::String) => {}
            Some(Kind::Scalar(scalar)) if !scalar.is_float() => {}
            Some(_) => ctxt.error_at(
                key.span,
                "`key` is for a `String`, integer or `bool` field: vectors of the table are sorted by it",
            ),
            None => {}
        }
    }
    for (_, extra) in keys {
        ctxt.error_at(extra.span, "only one field of a table can be its `key`");
    }
    assign_ids(ctxt, fields);
}

fn check_field_attrs(ctxt: &Ctxt, field: &Field<'_>) {
    let attrs = &field.attrs;
    if let (Some(_), Some(deprecated)) = (&attrs.skip, &attrs.deprecated) {
        ctxt.error_at(
            deprecated.span,
            "a field cannot be both `skip` and `deprecated`: `skip` takes no slot, `deprecated` keeps its slot",
        );
    }
    if let (Some(_), Some(id)) = (&attrs.skip, &attrs.id) {
        ctxt.error_at(
            id.span,
            "a `skip` field takes no slot and cannot have an `id`",
        );
    }
    if let Some(required) = &attrs.required {
        match &field.kind {
            _ if !field.is_stored() => ctxt.error_at(
                required.span,
                "`required` has no effect on a field that is not stored (`skip` or `deprecated`)",
            ),
            Some(Kind::String | Kind::Bytes | Kind::Vector(_) | Kind::Named | Kind::Boxed(_)) => {}
            Some(Kind::Optional(_)) => ctxt.error_at(
                required.span,
                "an `Option` field cannot be `required`: `None` is written as an absent field",
            ),
            Some(_) => ctxt.error_at(
                required.span,
                "`required` is for strings, vectors and tables: an absent scalar reads as its default",
            ),
            None => {}
        }
    }
    if let (Some(shared), false) = (&attrs.shared, field.is_stored()) {
        ctxt.error_at(
            shared.span,
            "`shared` has no effect on a field that is not stored (`skip` or `deprecated`)",
        );
    }
    let Some(default) = &attrs.default else {
        return;
    };
    if !field.is_stored() {
        ctxt.error_at(
            default.span,
            "`default` has no effect on a field that is not stored (`skip` or `deprecated`)",
        );
        return;
    }
    match &field.kind {
        Some(Kind::Scalar(scalar)) => {
            if let Err(message) = default_fits(*scalar, &default.value) {
                ctxt.error_spanned_by(&default.value, message);
            }
        }
        Some(Kind::Optional(_)) => ctxt.error_at(
            default.span,
            "`default` is for scalar and bool fields; an `Option` field's default is `None`",
        ),
        Some(_) => ctxt.error_at(
            default.span,
            format!(
                "`default` is for scalar and bool fields only, not `{}`",
                type_name(field)
            ),
        ),
        None => {}
    }
}

fn type_name(field: &Field<'_>) -> String {
    let ty = field.ty;
    quote::quote!(#ty).to_string().replace(' ', "")
}

/// Whether `lit` is a literal of the right sort for `scalar`.
fn default_fits(scalar: Scalar, lit: &Lit) -> Result<(), String> {
    let ok = match (scalar, lit) {
        (Scalar::Bool, Lit::Bool(_)) => true,
        (Scalar::F32 | Scalar::F64, Lit::Float(_)) => true,
        (Scalar::F32 | Scalar::F64, Lit::Int(int)) => int.suffix().is_empty(),
        (scalar, Lit::Int(int)) if !scalar.is_float() && scalar != Scalar::Bool => {
            let (min, max) = scalar.range();
            return match int.base10_parse::<i128>() {
                Ok(value) if (min..=max).contains(&value) => Ok(()),
                _ => Err(format!(
                    "default {} does not fit a field of type `{}` ({min}..={max})",
                    int.base10_digits(),
                    scalar.name()
                )),
            };
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        let expected = match scalar {
            Scalar::Bool => "`true` or `false`",
            Scalar::F32 | Scalar::F64 => "a number",
            _ => "an integer",
        };
        Err(format!(
            "the default of a field of type `{}` must be {expected}",
            scalar.name()
        ))
    }
}

/// Ids: all or none of the slotted fields, unique, and covering `0..n`
/// (removed fields stay as `deprecated` so later ids keep their slots).
/// Without ids, slots follow declaration order.
fn assign_ids(ctxt: &Ctxt, fields: &mut [Field<'_>]) {
    let slotted = || fields.iter().filter(|f| f.attrs.skip.is_none());
    let with_id = slotted().filter(|f| f.attrs.id.is_some()).count();
    if with_id == 0 {
        let mut next = 0u16;
        let mut earlier = Vec::new();
        for field in fields.iter_mut().filter(|f| f.attrs.skip.is_none()) {
            field.id = Some(next);
            field.earlier = earlier.clone();
            next = next.saturating_add(1);
            if field.kind.as_ref().is_some_and(Kind::maybe_union) {
                earlier.push(field.ty);
            }
        }
        return;
    }
    let total = slotted().count();
    if with_id < total {
        for field in slotted().filter(|f| f.attrs.id.is_none()) {
            ctxt.error_spanned_by(
                field.ident,
                format!(
                    "field `{}` has no `id`, but other fields do: give every field an `id`, or none",
                    field.ident
                ),
            );
        }
        return;
    }
    let mut seen: BTreeMap<u16, (&syn::Ident, bool)> = BTreeMap::new();
    for field in slotted() {
        if let Some(id) = &field.attrs.id {
            if let Some((first, _)) = seen.get(&id.value) {
                ctxt.error_at(
                    id.span,
                    format!("duplicate id {}: field `{first}` already has it", id.value),
                );
            } else {
                let maybe_union = field.kind.as_ref().is_some_and(Kind::maybe_union);
                seen.insert(id.value, (field.ident, maybe_union));
            }
        }
    }
    // A union takes two ids: its type tag's (id - 1) and its value's (id),
    // as in flatc. Whether a field is a union only the type system knows,
    // so a one-id gap before a field that may be one is checked by a
    // constant assertion in the generated code.
    let mut first_slots: BTreeMap<u16, u16> = BTreeMap::new();
    let mut expected = 0u16;
    for (&id, &(ident, maybe_union)) in &seen {
        let first = if id == expected || (maybe_union && id == expected.saturating_add(1)) {
            expected
        } else {
            ctxt.error_spanned_by(
                ident,
                format!(
                    "ids must run from 0 without gaps, but id {expected} is missing; \
                     keep a removed field as `#[flatstream(deprecated)]` to hold its id"
                ),
            );
            break;
        };
        first_slots.insert(id, first);
        expected = id.saturating_add(1);
    }
    for field in fields.iter_mut() {
        field.id = field
            .attrs
            .id
            .as_ref()
            .map(|id| first_slots.get(&id.value).copied().unwrap_or(id.value));
    }
}

fn check_enum(ctxt: &Ctxt, def: &EnumDef<'_>) {
    let (min, max) = def.repr.range();
    for variant in &def.variants {
        if variant.value < min || variant.value > max {
            ctxt.error_at(
                variant.value_span,
                format!(
                    "discriminant {} of `{}` does not fit the enum's underlying type `{}` ({min}..={max}){}",
                    variant.value,
                    variant.ident,
                    def.repr.name(),
                    if def.repr == crate::ast::Repr::U8 {
                        "; choose a wider one with `#[repr(..)]`"
                    } else {
                        ""
                    }
                ),
            );
        }
    }
    let mut others = def.variants.iter().filter_map(|v| v.attrs.other.as_ref());
    if others.next().is_some() {
        for extra in others {
            ctxt.error_at(extra.span, "only one variant can be `#[flatstream(other)]`");
        }
    }
}
