//! Whether a schema change keeps old readers working.

use std::collections::{BTreeMap, BTreeSet};

use super::parse::{parse, parse_int, split_vector, Decl, Fbs, FbsField};

/// Checks that data written with `new_fbs` stays readable by code built
/// from `old_fbs`, and the other way round.
///
/// Two sets of type pairs are compared: the types reached from both root
/// types, slot by slot (so a renamed root table is still followed), and
/// every type that keeps its qualified name (as `flatc --conform` matches
/// them, whether the root reaches them or not). For each pair it reports
/// a field removed instead of deprecated; a field retyped (including scalar
/// width or signedness, and the name of the type it refers to); a field
/// that keeps its name but moves to another slot; a deprecated slot reused
/// by a new field; a changed default; a field that became required; an
/// enum value renumbered or removed or its underlying type changed; a
/// union variant removed, or a type tag that changes meaning; a fixed
/// struct's layout changed; and a changed `file_identifier`. Renaming
/// fields and union variants in place, adding fields in new slots and
/// adding enum values and union variants with new numbers are compatible.
///
/// Everything `flatc --conform OLD.fbs NEW.fbs` (flatc 2.0.8) refuses is
/// refused here too; the differential test `tests/schema_conform.rs` holds
/// the two against each other. flatstream is deliberately stricter where
/// flatc lets old readers misread or fail:
///
/// | refused here, accepted by flatc | why |
/// |---|---|
/// | removing a field without `(deprecated)` | its slot could be reused later with another type; old readers of a required field fail |
/// | any change to a fixed struct (fields added at the end, renamed types of nested structs, array lengths) | a struct is stored inline: its size and layout are part of every table and vector holding it |
/// | removing an enum value, or giving its number to another name (renaming it) | old data holding that number is read as something else, or as an unknown value |
/// | changing an enum's underlying type (even with no field of that enum left) | the width of every stored value changes |
/// | removing a union variant, or pointing its tag at a table with another layout | old readers cast the value with the old table's layout |
/// | a field that becomes `required`, or a new `required` field | old data lacks it and fails verification |
/// | a deprecated field taken back into use | old data may still hold the value written before it was deprecated |
/// | a changed `file_identifier`, a removed `root_type` | old readers reject the buffers |
/// | another `root_type`, or changes inside a renamed table or a type moved to another namespace, reached from the root | flatc matches types by qualified name only and skips these; old readers read the same bytes with the old layout |
/// | a table that becomes a struct, or a field whose type becomes another kind with the same name (table, struct) | the bytes are laid out differently |
/// | a float default respelled where flatc happens to equate the texts (`nan` and `-nan`) | defaults are compared as flatc does otherwise: by value for integers, by text for floats |
///
/// # Errors
///
/// Every incompatibility found, one sentence each; or a parse error when
/// a schema uses syntax this checker does not read.
///
/// # Examples
///
/// ```
/// let old = "table T { a: int; b: string; } root_type T;";
/// let new = "table T { a: int; b: string (deprecated); c: float; } root_type T;";
/// assert!(flatstream::schema::check_compatible(old, new).is_ok());
///
/// let removed = "table T { a: int; } root_type T;";
/// let problems = flatstream::schema::check_compatible(old, removed).unwrap_err();
/// assert!(problems[0].contains("`T.b`"));
///
/// // A field inserted before `b` pushes `b` to the next slot: old readers
/// // would read the new field's value as `b`.
/// let inserted = "table T { a: int; c: string; b: string; } root_type T;";
/// assert!(flatstream::schema::check_compatible(old, inserted).is_err());
/// ```
pub fn check_compatible(old_fbs: &str, new_fbs: &str) -> Result<(), Vec<String>> {
    let old = parse(old_fbs).map_err(|e| vec![format!("old schema: {e}")])?;
    let new = parse(new_fbs).map_err(|e| vec![format!("new schema: {e}")])?;
    let mut cx = Compare {
        old: &old,
        new: &new,
        problems: Vec::new(),
        seen: BTreeSet::new(),
    };
    if old.file_identifier != new.file_identifier {
        cx.problems.push(format!(
            "file_identifier changed from {:?} to {:?}",
            old.file_identifier, new.file_identifier
        ));
    }
    match (&old.root, &new.root) {
        (Some(old_root), Some(new_root)) => cx.types(old_root, new_root, "root_type"),
        (Some(_), None) => cx.problems.push("root_type removed".into()),
        _ => {}
    }
    // A type that keeps its qualified name is the same type to every
    // reader (other root types, nested buffers, code generated from the
    // schema), reached from the root or not.
    for name in new.types.keys() {
        if old.types.contains_key(name) {
            cx.types(name, name, &format!("type `{name}`"));
        }
    }
    if cx.problems.is_empty() {
        Ok(())
    } else {
        Err(cx.problems)
    }
}

/// Panics with every incompatibility [`check_compatible`] finds; for
/// schema snapshot tests.
///
/// # Panics
///
/// When the schemas are incompatible or cannot be read.
#[track_caller]
pub fn assert_compatible(old_fbs: &str, new_fbs: &str) {
    if let Err(problems) = check_compatible(old_fbs, new_fbs) {
        panic!(
            "the new schema breaks readers of the old one:\n  - {}",
            problems.join("\n  - ")
        );
    }
}

struct Compare<'a> {
    old: &'a Fbs,
    new: &'a Fbs,
    problems: Vec<String>,
    seen: BTreeSet<(String, String)>,
}

/// What a table's slot holds.
#[derive(Clone)]
struct SlotUse<'a> {
    field: &'a FbsField,
    union_tag: bool,
}

/// A type as flatc compares field types across schemas: the base type,
/// the element of a vector or array, and the name (not the namespace) of
/// a table, struct, enum or union; an enum by its underlying type too.
fn type_key(fbs: &Fbs, ty: &str) -> String {
    let (vector, inner) = split_vector(ty);
    let (base, len) = match inner.split_once(':') {
        Some((base, len)) if vector => (base, Some(len)),
        _ => (inner, None),
    };
    let short = base.rsplit('.').next().unwrap_or(base);
    let key = match fbs.types.get(base) {
        Some(Decl::Enum { underlying, .. }) => format!("{underlying} enum {short}"),
        Some(Decl::Union { .. }) => format!("union {short}"),
        Some(Decl::Table { .. }) => format!("table or struct {short}"),
        None => base.to_owned(),
    };
    match (vector, len) {
        (true, Some(len)) => format!("[{key}:{len}]"),
        (true, None) => format!("[{key}]"),
        (false, _) => key,
    }
}

/// A scalar field's default as flatc compares them: an integer (or bool,
/// or enum) default by value (no default is 0, `true` is 1, an enum value
/// name is its value, `0x10` is 16); a float default by its text, except
/// that no default is 0 and `2.0` is `2`.
fn default_value(fbs: &Fbs, field: &FbsField) -> String {
    let Some(text) = field.default.as_deref() else {
        return "0".into();
    };
    if matches!(field.ty.as_str(), "float" | "double") {
        let integral = text.strip_suffix(".0").unwrap_or(text);
        let digits = integral.strip_prefix('-').unwrap_or(integral);
        let plain = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'));
        return if plain { integral } else { text }.to_owned();
    }
    match text {
        "true" => return "1".into(),
        "false" => return "0".into(),
        _ => {}
    }
    if let Some(Decl::Enum { values, .. }) = fbs.types.get(&field.ty) {
        if let Some((_, value)) = values.iter().find(|(name, _)| name == text) {
            return value.to_string();
        }
    }
    match parse_int(text) {
        Some(int) => int.to_string(),
        None => text.to_owned(),
    }
}

impl<'a> Compare<'a> {
    /// A union or a vector of unions: two slots, the type tag and the
    /// value.
    fn is_union(fbs: &Fbs, ty: &str) -> bool {
        matches!(fbs.types.get(split_vector(ty).1), Some(Decl::Union { .. }))
    }

    fn slots(fbs: &'a Fbs, fields: &'a [FbsField]) -> BTreeMap<u16, SlotUse<'a>> {
        let mut out = BTreeMap::new();
        let mut next = 0u16;
        for field in fields {
            let union = Self::is_union(fbs, &field.ty);
            let value = match field.id {
                Some(id) => id,
                None => next + u16::from(union),
            };
            if union {
                out.insert(
                    value.wrapping_sub(1),
                    SlotUse {
                        field,
                        union_tag: true,
                    },
                );
            }
            out.insert(
                value,
                SlotUse {
                    field,
                    union_tag: false,
                },
            );
            next = value + 1;
        }
        out
    }

    /// Compares the types of a slot or variant: by name as flatc does,
    /// then (same names) what they hold.
    fn field_types(&mut self, old_ty: &str, new_ty: &str, at: &str) {
        if type_key(self.old, old_ty) != type_key(self.new, new_ty) {
            self.problems
                .push(format!("{at} changed type from `{old_ty}` to `{new_ty}`"));
        } else {
            self.types(old_ty, new_ty, at);
        }
    }

    fn types(&mut self, old_ty: &str, new_ty: &str, at: &str) {
        if !self.seen.insert((old_ty.to_owned(), new_ty.to_owned())) {
            return;
        }
        let (old_vector, old_base) = split_vector(old_ty);
        let (new_vector, new_base) = split_vector(new_ty);
        if old_vector != new_vector {
            self.problems
                .push(format!("{at} changed type from `{old_ty}` to `{new_ty}`"));
            return;
        }
        match (self.old.types.get(old_base), self.new.types.get(new_base)) {
            (None, None) => {
                if old_base != new_base {
                    self.problems
                        .push(format!("{at} changed type from `{old_ty}` to `{new_ty}`"));
                }
            }
            (
                Some(Decl::Table {
                    fixed: false,
                    fields: old,
                }),
                Some(Decl::Table {
                    fixed: false,
                    fields: new,
                }),
            ) => {
                self.tables(old_base, old, new);
            }
            (
                Some(Decl::Table {
                    fixed: true,
                    fields: old,
                }),
                Some(Decl::Table {
                    fixed: true,
                    fields: new,
                }),
            ) => self.structs(old_base, old, new, at),
            (
                Some(Decl::Enum {
                    underlying: old_under,
                    values: old,
                }),
                Some(Decl::Enum {
                    underlying: new_under,
                    values: new,
                }),
            ) => {
                if old_under != new_under {
                    self.problems.push(format!("{at}: enum `{old_base}` changed its underlying type from {old_under} to {new_under}"));
                }
                for (name, value) in old {
                    match new.iter().find(|(_, v)| v == value) {
                        Some((new_name, _)) if new_name == name => {}
                        Some((new_name, _)) => self.problems.push(format!(
                            "{at}: enum `{old_base}` value {value} was `{name}`, is now `{new_name}`"
                        )),
                        None => self.problems.push(format!(
                            "{at}: enum `{old_base}` lost `{name} = {value}`"
                        )),
                    }
                }
            }
            (Some(Decl::Union { variants: old }), Some(Decl::Union { variants: new })) => {
                for (name, old_variant, tag) in old {
                    match new.iter().find(|(_, _, t)| t == tag) {
                        Some((_, new_variant, _)) => {
                            let where_ =
                                format!("{at}: union `{old_base}` variant {tag} (`{name}`)");
                            self.types(old_variant, new_variant, &where_);
                        }
                        None => self.problems.push(format!(
                            "{at}: union `{old_base}` lost variant {tag} (`{name}`)"
                        )),
                    }
                }
                for (name, _, tag) in new {
                    if let Some((_, _, old_tag)) = old.iter().find(|(n, _, _)| n == name) {
                        if old_tag != tag {
                            self.problems.push(format!(
                                "{at}: union `{old_base}` variant `{name}` moved from type tag {old_tag} to {tag}"
                            ));
                        }
                    }
                }
            }
            _ => self
                .problems
                .push(format!("{at} changed type from `{old_ty}` to `{new_ty}`")),
        }
    }

    /// A struct is stored inline: any change to its layout breaks.
    fn structs(&mut self, name: &str, old: &[FbsField], new: &[FbsField], at: &str) {
        let mut same_layout = old.len() == new.len();
        for (a, b) in old.iter().zip(new) {
            if type_key(self.old, &a.ty) != type_key(self.new, &b.ty) {
                same_layout = false;
            } else if self.old.types.contains_key(split_vector(&a.ty).1) {
                let before = self.problems.len();
                self.types(&a.ty, &b.ty, at);
                same_layout &= self.problems.len() == before;
            }
        }
        if !same_layout {
            self.problems.push(format!(
                "{at}: the layout of struct `{name}` changed (a struct can never change)"
            ));
        }
        for (index, field) in new.iter().enumerate() {
            if let Some(old_index) = old.iter().position(|f| f.name == field.name) {
                if old_index != index {
                    self.problems.push(format!(
                        "{at}: field `{name}.{}` moved from position {old_index} to {index}",
                        field.name
                    ));
                }
            }
        }
    }

    fn tables(&mut self, table: &str, old: &'a [FbsField], new: &'a [FbsField]) {
        let old_slots = Self::slots(self.old, old);
        let new_slots = Self::slots(self.new, new);
        for (slot, old_use) in &old_slots {
            let old_field = old_use.field;
            let at = format!("field `{table}.{}` (slot {slot})", old_field.name);
            let Some(new_use) = new_slots.get(slot) else {
                if !old_field.deprecated {
                    self.problems.push(format!(
                        "{at} was removed; keep it with `(deprecated)` so its slot is never reused"
                    ));
                }
                continue;
            };
            let new_field = new_use.field;
            if old_use.union_tag != new_use.union_tag {
                self.problems.push(format!(
                    "{at} is reused by `{}` with a different role (union type tag vs value)",
                    new_field.name
                ));
                continue;
            }
            if old_use.union_tag {
                continue;
            }
            if old_field.deprecated && !new_field.deprecated {
                self.problems.push(format!(
                    "{at} was deprecated and is reused by `{}`",
                    new_field.name
                ));
                continue;
            }
            // Deprecated or not, the slot keeps its type and default: old
            // readers still read it.
            self.field_types(&old_field.ty, &new_field.ty, &at);
            if default_value(self.old, old_field) != default_value(self.new, new_field) {
                self.problems.push(format!(
                    "{at} changed its default from {} to {}",
                    old_field.default.as_deref().unwrap_or("none"),
                    new_field.default.as_deref().unwrap_or("none")
                ));
            }
            if new_field.required && !old_field.required && !new_field.deprecated {
                self.problems.push(format!("{at} became required"));
            }
        }
        // A union's type tag is a field too, named `<union>_type`.
        let slot_names = |slots: &BTreeMap<u16, SlotUse<'a>>| -> BTreeMap<String, u16> {
            slots
                .iter()
                .map(|(slot, u)| {
                    let name = if u.union_tag {
                        format!("{}_type", u.field.name)
                    } else {
                        u.field.name.clone()
                    };
                    (name, *slot)
                })
                .collect()
        };
        let old_names = slot_names(&old_slots);
        for (slot, new_use) in &new_slots {
            let new_field = new_use.field;
            let name = if new_use.union_tag {
                if old_names.contains_key(&new_field.name) {
                    // Reported with the value, if moved.
                    continue;
                }
                format!("{}_type", new_field.name)
            } else {
                new_field.name.clone()
            };
            if let Some(old_slot) = old_names.get(&name) {
                if old_slot != slot {
                    self.problems.push(format!(
                        "field `{table}.{name}` moved from slot {old_slot} to slot {slot}: old readers read another field under its name"
                    ));
                }
            }
            if new_use.union_tag {
                continue;
            }
            if !old_slots.contains_key(slot) && new_field.required && !new_field.deprecated {
                self.problems.push(format!(
                    "field `{table}.{}` (slot {slot}) is new and required: old data lacks it",
                    new_field.name
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(old: &str, new: &str) -> Vec<String> {
        check_compatible(old, new).err().unwrap_or_default()
    }

    /// Checks each `(new, compatible)` against `old`.
    #[track_caller]
    fn assert_verdicts(old: &str, cases: &[(&str, bool)]) {
        for &(new, compatible) in cases {
            let found = problems(old, new);
            assert_eq!(found.is_empty(), compatible, "{old}\n-> {new}: {found:?}");
        }
    }

    const BASE: &str = "
        namespace a.b;
        enum Kind : ubyte { X = 0, Y = 1 }
        struct P { x: float; y: float; }
        table Inner { v: int = 3; }
        table T { id: ulong; name: string; kind: Kind; p: P; inner: Inner (required); old: int (deprecated); }
        root_type T;
    ";

    #[test]
    fn identical_schemas_are_compatible() {
        assert!(problems(BASE, BASE).is_empty());
    }

    #[test]
    fn added_field_and_enum_value_are_compatible() {
        let new = BASE
            .replace(
                "old: int (deprecated); }",
                "old: int (deprecated); extra: [string]; }",
            )
            .replace("Y = 1 }", "Y = 1, Z = 2 }");
        assert!(
            problems(BASE, &new).is_empty(),
            "{:?}",
            problems(BASE, &new)
        );
    }

    #[test]
    fn retyped_field_breaks() {
        let new = BASE.replace("id: ulong", "id: long");
        assert_eq!(problems(BASE, &new).len(), 1);
    }

    #[test]
    fn removed_field_breaks() {
        let new = BASE.replace("name: string; ", "");
        assert!(problems(BASE, &new)[0].contains("T.name`"));
    }

    #[test]
    fn reused_deprecated_slot_breaks() {
        let new = BASE.replace("old: int (deprecated)", "fresh: int");
        assert!(problems(BASE, &new)[0].contains("deprecated"));
    }

    #[test]
    fn struct_and_enum_changes_break() {
        assert!(!problems(BASE, &BASE.replace("y: float", "y: double")).is_empty());
        assert!(!problems(BASE, &BASE.replace("Y = 1", "Y = 2")).is_empty());
        assert!(!problems(BASE, &BASE.replace("v: int = 3", "v: int = 4")).is_empty());
        assert!(!problems(BASE, &BASE.replace("Kind : ubyte", "Kind : ushort")).is_empty());
    }

    #[test]
    fn explicit_ids_with_unions_map_slots() {
        let old = "table A { x: int; } table B { y: string; } union U { A, B }
                   table T { u: U (id: 1); n: int (id: 2); } root_type T;";
        let same = "table A { x: int; } table B { y: string; } union U { A, B }
                    table T { n: int (id: 2); u: U (id: 1); } root_type T;";
        let moved = "table A { x: int; } table B { y: string; } union U { B, A }
                     table T { u: U; n: int; } root_type T;";
        assert_verdicts(old, &[(same, true), (moved, false)]);
    }
    #[test]
    fn field_moved_to_a_slot_of_its_type_breaks() {
        let old = "table T { a: int; b: int; c: int; } root_type T;";
        let inserted = "table T { a: int; x: int; b: int; c: int; } root_type T;";
        let found = problems(old, inserted);
        assert!(found.iter().any(|p| p.contains("`T.b` moved")), "{found:?}");
        let swapped = "table T { b: int; a: int; c: int; } root_type T;";
        assert!(!problems(old, swapped).is_empty());
        // With ids the declaration order does not matter.
        let with_ids = "table T { a: int (id: 0); b: int (id: 1); } root_type T;";
        let reordered = "table T { b: int (id: 1); x: int (id: 2); a: int (id: 0); } root_type T;";
        assert!(problems(with_ids, reordered).is_empty());
    }

    #[test]
    fn union_tags_follow_explicit_values() {
        let old = "table A { x: int; } table B { x: int; } union U { A, B }
                   table T { u: U; } root_type T;";
        let reordered = old.replace("{ A, B }", "{ B, A }");
        assert!(!problems(old, &reordered).is_empty());
        let renumbered = old.replace("{ A, B }", "{ A = 2, B = 1 }");
        assert!(!problems(old, &renumbered).is_empty());
        let same_tags = old.replace("{ A, B }", "{ B = 2, A = 1, C: A = 7 }");
        assert!(
            problems(old, &same_tags).is_empty(),
            "{:?}",
            problems(old, &same_tags)
        );
        let renamed = old.replace("{ A, B }", "{ First: A, Second: B }");
        assert!(problems(old, &renamed).is_empty());
    }

    #[test]
    fn a_vector_of_unions_takes_two_slots() {
        let old = "table A { x: int; } union U { A }
                   table T { u: [U]; n: int; } root_type T;";
        let moved = "table A { x: int; } union U { A }
                     table T { n: int; u: [U]; } root_type T;";
        let ids = "table A { x: int; } union U { A }
                   table T { n: int (id: 2); u: [U] (id: 1); } root_type T;";
        assert_verdicts(old, &[(moved, false), (ids, true)]);
    }

    #[test]
    fn deprecated_slots_keep_type_and_default() {
        let old = "table T { a: int = 1; b: string; } root_type T;";
        let ok = "table T { gone: int = 1 (deprecated); b: string; } root_type T;";
        let retyped = "table T { a: long = 1 (deprecated); b: string; } root_type T;";
        let default = "table T { a: int = 2 (deprecated); b: string; } root_type T;";
        assert_verdicts(old, &[(ok, true), (retyped, false), (default, false)]);
    }

    #[test]
    fn defaults_compare_by_value() {
        let old = "enum K : byte { X, Y } table T { a: float = 1; b: int; c: bool; k: K = Y; }
                   root_type T;";
        let same = "enum K : byte { X, Y } table T { a: float = 1.0; b: int = 0; c: bool = false; k: K = 1; }
                    root_type T;";
        assert!(problems(old, same).is_empty(), "{:?}", problems(old, same));
        let changed = old.replace("c: bool;", "c: bool = true;");
        assert!(!problems(old, &changed).is_empty());
        // flatc keeps the text of other float defaults.
        for (from, to) in [("1.5", "1.50"), ("inf", "infinity"), ("0", "-0")] {
            let old = format!("table T {{ a: float = {from}; }} root_type T;");
            let new = format!("table T {{ a: float = {to}; }} root_type T;");
            assert!(!problems(&old, &new).is_empty(), "{from} -> {to}");
        }
    }

    #[test]
    fn renamed_field_type_breaks() {
        let old = "table A { x: int; } table T { a: A; } root_type T;";
        let new = "table B { x: int; } table T { a: B; } root_type T;";
        // The root table itself may be renamed.
        let root = "table A { x: int; } table R { a: A; } root_type R;";
        assert_verdicts(old, &[(new, false), (root, true)]);
    }

    #[test]
    fn types_out_of_reach_of_the_root_are_compared_by_name() {
        let old = "table Side { a: int; } table T { x: int; } root_type T;";
        let new = "table Side { a: string; } table T { x: int; } root_type T;";
        assert_verdicts(old, &[(new, false)]);
        let old = "enum Side : ubyte { A, B } table T { x: int; } root_type T;";
        let new = "enum Side : ubyte { B, A } table T { x: int; } root_type T;";
        assert_verdicts(old, &[(new, false)]);
    }

    #[test]
    fn struct_field_names_keep_their_place() {
        let old = "struct P { x: float; y: float; } table T { p: P; } root_type T;";
        let swapped = "struct P { y: float; x: float; } table T { p: P; } root_type T;";
        let renamed = "struct P { a: float; b: float; } table T { p: P; } root_type T;";
        assert_verdicts(old, &[(swapped, false), (renamed, true)]);
    }

    #[test]
    fn bit_flags_values_are_bits() {
        let old = "enum F : ubyte (bit_flags) { A, B } table T { f: F = B; } root_type T;";
        let same = "enum F : ubyte (bit_flags) { A, B, C } table T { f: F = 2; } root_type T;";
        let moved = "enum F : ubyte (bit_flags) { A, B = 3 } table T { f: F = B; } root_type T;";
        assert_verdicts(old, &[(same, true), (moved, false)]);
    }

    #[test]
    fn a_union_type_tag_is_named_like_a_field() {
        let old = "table A { x: int; } union U { A } table T { u: U; } root_type T;";
        // `u_type` now names another slot than the old union's type tag.
        let new = "table A { x: int; } union U { A }
                   table T { v: U; u_type: ubyte; } root_type T;";
        assert!(!problems(old, new).is_empty());
    }
}
