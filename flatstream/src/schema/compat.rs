//! Whether a schema change keeps old readers working.

use std::collections::{BTreeMap, BTreeSet};

use super::parse::{parse, split_vector, Decl, Fbs, FbsField};

/// Checks that data written with `new_fbs` stays readable by code built
/// from `old_fbs`, and the other way round.
///
/// Starting from both root types, it compares what each slot holds:
/// a field removed instead of deprecated, a field retyped (including
/// scalar width or signedness), a deprecated slot reused by a new field,
/// a changed default, a field that became required, an enum value renumbered
/// or removed or its underlying type changed, a union variant moved, a
/// fixed struct's layout changed, or a changed `file_identifier`. Renaming
/// fields and types, adding fields in new slots and adding enum values and
/// union variants at the end are compatible.
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

impl<'a> Compare<'a> {
    fn is_union(fbs: &Fbs, ty: &str) -> bool {
        matches!(fbs.types.get(ty), Some(Decl::Union { .. }))
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
            ) => {
                let same_layout = old.len() == new.len()
                    && old.iter().zip(new.iter()).all(|(a, b)| {
                        let nested = self.old.types.contains_key(&a.ty);
                        if nested {
                            let before = self.problems.len();
                            self.types(&a.ty, &b.ty, at);
                            self.problems.len() == before
                        } else {
                            a.ty == b.ty
                        }
                    });
                if !same_layout {
                    self.problems.push(format!("{at}: the layout of struct `{old_base}` changed (a struct can never change)"));
                }
            }
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
                for (tag, (name, old_variant)) in old.iter().enumerate() {
                    match new.get(tag) {
                        Some((_, new_variant)) => {
                            let where_ =
                                format!("{at}: union `{old_base}` variant {} (`{name}`)", tag + 1);
                            self.types(old_variant, new_variant, &where_);
                        }
                        None => self.problems.push(format!(
                            "{at}: union `{old_base}` lost variant {} (`{name}`)",
                            tag + 1
                        )),
                    }
                }
            }
            _ => self
                .problems
                .push(format!("{at} changed type from `{old_ty}` to `{new_ty}`")),
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
            if old_field.deprecated || new_field.deprecated {
                continue;
            }
            self.types(&old_field.ty, &new_field.ty, &at);
            if old_field.default != new_field.default {
                self.problems.push(format!(
                    "{at} changed its default from {} to {}",
                    old_field.default.as_deref().unwrap_or("none"),
                    new_field.default.as_deref().unwrap_or("none")
                ));
            }
            if new_field.required && !old_field.required {
                self.problems.push(format!("{at} became required"));
            }
        }
        for (slot, new_use) in &new_slots {
            if !old_slots.contains_key(slot) && new_use.field.required && !new_use.field.deprecated
            {
                self.problems.push(format!(
                    "field `{table}.{}` (slot {slot}) is new and required: old data lacks it",
                    new_use.field.name
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
        assert!(problems(old, same).is_empty());
        let moved = "table A { x: int; } table B { y: string; } union U { B, A }
                     table T { u: U; n: int; } root_type T;";
        assert!(!problems(old, moved).is_empty());
    }
}
