//! `check_compatible` held against the reference: `flatc --conform`.
//!
//! Random schemas (tables with and without `id`s, structs with arrays,
//! enums and `bit_flags` enums, unions with and without explicit tags,
//! nested tables, vectors, vectors of unions, defaults, `required`, `key`,
//! types spread over namespaces) go through one to three random mutations
//! (see `Mutation`); every pair is written to a temporary directory and
//! given to `flatc --conform OLD.fbs NEW.fbs`. Whenever flatc refuses the
//! change, `check_compatible` must refuse it too (it may refuse more: see
//! its documentation for the deliberate differences). Pairs flatc cannot
//! read (a mutation left an invalid schema) are skipped and counted.
//!
//! Two classes check_compatible once let through have a share of the pairs
//! of their own, and named tests at the end: a field inserted mid-table
//! without ids before fields of its type, and reordered union variants.
//!
//! `FLATSTREAM_CONFORM_PAIRS` sets the number of pairs (default 1000),
//! `FLATSTREAM_CONFORM_SEED` the seed (printed on failure). Needs `flatc`
//! (Debian: `flatbuffers-compiler`); without it the differential test is
//! skipped locally and fails when `CI=true`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use flatstream::schema::check_compatible;
use flatstream_testkit::tools;

const DEFAULT_PAIRS: usize = 1000;
const DEFAULT_SEED: u64 = 0x5eed_c0f0_2024;

// ---------------------------------------------------------------------------
// A small deterministic PRNG (SplitMix64).

struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        flatstream_testkit::splitmix64(&mut self.0)
    }

    fn below(&mut self, n: usize) -> usize {
        assert!(n > 0);
        (self.next() % n as u64) as usize
    }

    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `num / den`.
    fn chance(&mut self, num: u64, den: u64) -> bool {
        self.next() % den < num
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

// ---------------------------------------------------------------------------
// The schema model.

const SCALARS: [&str; 11] = [
    "bool", "byte", "ubyte", "short", "ushort", "int", "uint", "long", "ulong", "float", "double",
];
const INTEGERS: [&str; 8] = [
    "byte", "ubyte", "short", "ushort", "int", "uint", "long", "ulong",
];

/// Another spelling flatc accepts for the same scalar.
fn alias(scalar: &str) -> Option<&'static str> {
    Some(match scalar {
        "byte" => "int8",
        "ubyte" => "uint8",
        "short" => "int16",
        "ushort" => "uint16",
        "int" => "int32",
        "uint" => "uint32",
        "long" => "int64",
        "ulong" => "uint64",
        "float" => "float32",
        "double" => "float64",
        _ => return None,
    })
}

fn canonical(scalar: &str) -> &str {
    SCALARS
        .iter()
        .find(|s| alias(s) == Some(scalar))
        .copied()
        .unwrap_or(scalar)
}

#[derive(Clone, Debug, PartialEq)]
enum Ty {
    Scalar(&'static str),
    Str,
    Enum(String),
    Struct(String),
    Table(String),
    Union(String),
    Vector(Box<Ty>),
    /// Fixed-length array, in structs only.
    Array(Box<Ty>, u8),
}

impl Ty {
    /// As written in a declaration in namespace `from`.
    fn render(&self, from: &str) -> String {
        match self {
            Ty::Scalar(s) => (*s).to_owned(),
            Ty::Str => "string".to_owned(),
            Ty::Enum(n) | Ty::Struct(n) | Ty::Table(n) | Ty::Union(n) => reference(n, from),
            Ty::Vector(inner) => format!("[{}]", inner.render(from)),
            Ty::Array(inner, len) => format!("[{}:{len}]", inner.render(from)),
        }
    }

    /// Takes two slots (type tag and value).
    fn is_union(&self) -> bool {
        match self {
            Ty::Union(_) => true,
            Ty::Vector(inner) => matches!(**inner, Ty::Union(_)),
            _ => false,
        }
    }

    fn is_scalar_like(&self) -> bool {
        matches!(self, Ty::Scalar(_) | Ty::Enum(_))
    }

    fn rename(&mut self, from: &str, to: &str) {
        match self {
            Ty::Enum(n) | Ty::Struct(n) | Ty::Table(n) | Ty::Union(n) if n == from => {
                *n = to.to_owned()
            }
            Ty::Vector(inner) | Ty::Array(inner, _) => inner.rename(from, to),
            _ => {}
        }
    }
}

/// The namespaces types are declared in.
const NAMESPACES: [&str; 4] = ["", "ns.a", "ns.a.b", "other"];

/// `(namespace, name)` of a qualified type name.
fn split_name(qualified: &str) -> (&str, &str) {
    match qualified.rfind('.') {
        Some(dot) => (&qualified[..dot], &qualified[dot + 1..]),
        None => ("", qualified),
    }
}

fn qualify(namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        name.to_owned()
    } else {
        format!("{namespace}.{name}")
    }
}

/// How a declaration in namespace `from` names the type `qualified`.
fn reference(qualified: &str, from: &str) -> String {
    let (namespace, name) = split_name(qualified);
    if namespace == from || namespace.is_empty() {
        name.to_owned()
    } else {
        qualified.to_owned()
    }
}

#[derive(Clone, Debug)]
struct Field {
    name: String,
    ty: Ty,
    /// Literal as written; for enums the name of a value.
    default: Option<String>,
    id: Option<u16>,
    deprecated: bool,
    required: bool,
    key: bool,
}

#[derive(Clone, Debug)]
struct Table {
    name: String,
    ids: bool,
    fields: Vec<Field>,
}

#[derive(Clone, Debug)]
struct Struct {
    name: String,
    fields: Vec<(String, Ty)>,
}

#[derive(Clone, Debug)]
struct Enum {
    name: String,
    underlying: &'static str,
    /// Values written out; otherwise they count from 0 in order.
    explicit: bool,
    /// The values are bit positions.
    bit_flags: bool,
    values: Vec<(String, i64)>,
}

impl Enum {
    /// The number a value stands for.
    fn number(&self, value: i64) -> i64 {
        if self.bit_flags {
            1 << value
        } else {
            value
        }
    }

    fn has_zero(&self) -> bool {
        self.bit_flags || self.values.iter().any(|(_, v)| *v == 0)
    }
}

#[derive(Clone, Debug)]
struct Union {
    name: String,
    /// Written out values; otherwise they count from 1 in order.
    explicit: bool,
    /// (variant name, table, value)
    variants: Vec<(String, String, i64)>,
}

#[derive(Clone, Debug)]
struct Schema {
    /// Index in `NAMESPACES` of most new types.
    home: usize,
    enums: Vec<Enum>,
    structs: Vec<Struct>,
    unions: Vec<Union>,
    tables: Vec<Table>,
    root: String,
    /// For fresh names.
    counter: u32,
}

impl Schema {
    fn fresh(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    /// A fresh qualified type name, mostly in the home namespace.
    fn fresh_type(&mut self, rng: &mut Rng, prefix: &str) -> String {
        let namespace = if rng.chance(1, 6) {
            rng.pick_str(&NAMESPACES)
        } else {
            NAMESPACES[self.home]
        };
        let name = self.fresh(prefix);
        qualify(namespace, &name)
    }

    fn type_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.tables.iter().map(|t| t.name.clone()).collect();
        names.extend(self.structs.iter().map(|t| t.name.clone()));
        names.extend(self.enums.iter().map(|t| t.name.clone()));
        names.extend(self.unions.iter().map(|t| t.name.clone()));
        names
    }

    /// Renames the declaration of `from` and every reference to it.
    fn rename_declaration(&mut self, from: &str, to: &str) {
        for name in self
            .tables
            .iter_mut()
            .map(|t| &mut t.name)
            .chain(self.structs.iter_mut().map(|t| &mut t.name))
            .chain(self.enums.iter_mut().map(|t| &mut t.name))
            .chain(self.unions.iter_mut().map(|t| &mut t.name))
        {
            if name == from {
                *name = to.to_owned();
            }
        }
        self.rename_type(from, to);
    }

    fn enum_named(&self, name: &str) -> Option<&Enum> {
        self.enums.iter().find(|e| e.name == name)
    }

    fn render(&self) -> String {
        let mut out = String::new();
        let mut current = "";
        // Switches to the namespace of `qualified`; its name there.
        let mut enter = |out: &mut String, qualified: &'_ str| -> (String, String) {
            let (namespace, name) = split_name(qualified);
            if namespace != current {
                let _ = writeln!(out, "namespace {namespace};");
                current = if namespace.is_empty() {
                    ""
                } else {
                    NAMESPACES.iter().find(|n| **n == namespace).unwrap()
                };
            }
            (namespace.to_owned(), name.to_owned())
        };
        for e in &self.enums {
            let (_, name) = enter(&mut out, &e.name);
            let flags = if e.bit_flags { " (bit_flags)" } else { "" };
            let _ = write!(out, "enum {name} : {}{flags} {{ ", e.underlying);
            let values: Vec<String> = e
                .values
                .iter()
                .map(|(n, v)| {
                    if e.explicit {
                        format!("{n} = {v}")
                    } else {
                        n.clone()
                    }
                })
                .collect();
            let _ = writeln!(out, "{} }}", values.join(", "));
        }
        for s in &self.structs {
            let (ns, name) = enter(&mut out, &s.name);
            let _ = writeln!(out, "struct {name} {{");
            for (n, ty) in &s.fields {
                let _ = writeln!(out, "  {n}: {};", ty.render(&ns));
            }
            out.push_str("}\n");
        }
        for u in &self.unions {
            let (ns, name) = enter(&mut out, &u.name);
            let variants: Vec<String> = u
                .variants
                .iter()
                .map(|(n, t, v)| {
                    let table = reference(t, &ns);
                    let mut s = if *n == table {
                        n.clone()
                    } else {
                        format!("{n}: {table}")
                    };
                    if u.explicit {
                        let _ = write!(s, " = {v}");
                    }
                    s
                })
                .collect();
            let _ = writeln!(out, "union {name} {{ {} }}", variants.join(", "));
        }
        for t in &self.tables {
            let (ns, name) = enter(&mut out, &t.name);
            let _ = writeln!(out, "table {name} {{");
            for f in &t.fields {
                let _ = write!(out, "  {}: {}", f.name, f.ty.render(&ns));
                if let Some(d) = &f.default {
                    let _ = write!(out, " = {d}");
                }
                let mut attrs = Vec::new();
                if let Some(id) = f.id {
                    attrs.push(format!("id: {id}"));
                }
                if f.deprecated {
                    attrs.push("deprecated".to_owned());
                }
                if f.required {
                    attrs.push("required".to_owned());
                }
                if f.key {
                    attrs.push("key".to_owned());
                }
                if !attrs.is_empty() {
                    let _ = write!(out, " ({})", attrs.join(", "));
                }
                out.push_str(";\n");
            }
            out.push_str("}\n");
        }
        enter(&mut out, "");
        let _ = writeln!(out, "root_type {};", self.root);
        out
    }

    fn rename_type(&mut self, from: &str, to: &str) {
        for t in &mut self.tables {
            for f in &mut t.fields {
                f.ty.rename(from, to);
            }
        }
        for s in &mut self.structs {
            for (_, ty) in &mut s.fields {
                ty.rename(from, to);
            }
        }
        for u in &mut self.unions {
            for (_, t, _) in &mut u.variants {
                if t == from {
                    *t = to.to_owned();
                }
            }
        }
        if self.root == from {
            self.root = to.to_owned();
        }
    }

    /// Makes the schema valid for flatc after a mutation: consecutive ids,
    /// defaults, `required` and `key` only where allowed, enum values that
    /// count from 0 when not written out.
    fn fixup(&mut self, rng: &mut Rng) {
        for e in &mut self.enums {
            if !e.explicit {
                for (i, (_, v)) in e.values.iter_mut().enumerate() {
                    *v = i as i64;
                }
            }
            if e.bit_flags {
                // Every bit within the underlying type.
                let top = e.values.iter().map(|(_, v)| *v).max().unwrap_or(0);
                let width = match e.underlying.trim_start_matches('u') {
                    "byte" => 8,
                    "short" => 16,
                    "int" => 32,
                    _ => 64,
                };
                if top >= width - 1 {
                    e.underlying = "ulong";
                }
            }
        }
        for u in &mut self.unions {
            if !u.explicit {
                for (i, (_, _, v)) in u.variants.iter_mut().enumerate() {
                    *v = i as i64 + 1;
                }
            }
        }
        let enums = self.enums.clone();
        let has_zero = |name: &str| {
            enums
                .iter()
                .find(|e| e.name == name)
                .is_some_and(Enum::has_zero)
        };
        for s in &mut self.structs {
            for (_, ty) in &mut s.fields {
                let bad = match ty {
                    Ty::Enum(n) => !has_zero(n),
                    Ty::Array(inner, _) => matches!(&**inner, Ty::Enum(n) if !has_zero(n)),
                    _ => false,
                };
                if bad {
                    *ty = Ty::Scalar("ubyte");
                }
            }
        }
        for t in &mut self.tables {
            let mut key_seen = false;
            for f in &mut t.fields {
                match &f.ty {
                    Ty::Scalar(s) => {
                        let ok = match &f.default {
                            None => true,
                            Some(d) if d == "null" => true,
                            Some(d) => default_fits(canonical(s), d),
                        };
                        if !ok {
                            f.default = None;
                        }
                    }
                    Ty::Enum(n) => {
                        let e = enums.iter().find(|e| &e.name == n).unwrap();
                        // A value by name or by number.
                        let ok = f.default.as_ref().is_some_and(|d| {
                            e.values
                                .iter()
                                .any(|(v, n)| v == d || e.number(*n).to_string() == *d)
                        });
                        if !ok {
                            f.default = None;
                        }
                        if f.default.is_none() && !has_zero(n) {
                            f.default = Some(rng.pick(&e.values).0.clone());
                        }
                    }
                    _ => f.default = None,
                }
                if f.ty.is_scalar_like() {
                    f.required = false;
                }
                let key_ok = matches!(f.ty, Ty::Scalar(_) | Ty::Str | Ty::Enum(_))
                    && f.default.as_deref() != Some("null");
                if f.key && (!key_ok || key_seen) {
                    f.key = false;
                }
                key_seen |= f.key;
            }
            fix_ids(t);
        }
    }
}

/// Whether `default` is a literal flatc accepts for the scalar `ty`.
fn default_fits(ty: &str, default: &str) -> bool {
    match ty {
        "bool" => default == "true" || default == "false",
        "float" | "double" => !default.contains("0x") && default != "true" && default != "false",
        _ => {
            let value = match default.strip_prefix("0x") {
                Some(hex) => i64::from_str_radix(hex, 16),
                None => default.parse::<i64>(),
            };
            value.is_ok_and(|v| !(ty.starts_with('u') && v < 0))
        }
    }
}

/// Gives a table with `ids` consecutive ids, keeping the order of the ids
/// already given (fields without one go last); a table without `ids` has
/// none.
fn fix_ids(t: &mut Table) {
    if !t.ids {
        for f in &mut t.fields {
            f.id = None;
        }
        return;
    }
    let mut next = 0u16;
    let mut valid = true;
    let mut order: Vec<usize> = (0..t.fields.len()).collect();
    order.sort_by_key(|&i| (t.fields[i].id.is_none(), t.fields[i].id));
    for &i in &order {
        let f = &t.fields[i];
        let want = next + u16::from(f.ty.is_union());
        if f.id != Some(want) {
            valid = false;
        }
        next = want + 1;
    }
    if valid {
        return;
    }
    let mut next = 0u16;
    for &i in &order {
        let f = &mut t.fields[i];
        let id = next + u16::from(f.ty.is_union());
        f.id = Some(id);
        next = id + 1;
    }
}

/// Assigns ids in declaration order.
fn ids_in_declaration_order(t: &mut Table) {
    t.ids = true;
    let mut next = 0u16;
    for f in &mut t.fields {
        let id = next + u16::from(f.ty.is_union());
        f.id = Some(id);
        next = id + 1;
    }
}

// ---------------------------------------------------------------------------
// Random schemas.

fn random_scalar(rng: &mut Rng) -> &'static str {
    rng.pick_str(&SCALARS)
}

fn random_default(rng: &mut Rng, scalar: &str) -> Option<String> {
    if rng.chance(1, 2) {
        return None;
    }
    if rng.chance(1, 6) {
        return Some("null".to_owned());
    }
    Some(match scalar {
        "bool" => rng.pick(&["true", "false"]).to_string(),
        "float" | "double" => rng
            .pick(&[
                "0", "1.5", "1.50", "-2.25", "3", "3.0", "0.5", "-0", "inf", "-inf", "infinity",
                "nan",
            ])
            .to_string(),
        _ if rng.chance(1, 6) => format!("0x{:x}", rng.range(0, 9)),
        s if s.starts_with('u') => rng.range(0, 9).to_string(),
        _ => (rng.range(0, 12) as i64 - 4).to_string(),
    })
}

/// A value of `e`, by name or by number.
fn random_enum_default(rng: &mut Rng, e: &Enum) -> String {
    let (name, value) = rng.pick(&e.values);
    if rng.chance(1, 3) {
        e.number(*value).to_string()
    } else {
        name.clone()
    }
}

/// A field type for a table.
fn random_table_ty(rng: &mut Rng, s: &Schema) -> Ty {
    let base = match rng.below(12) {
        0..=3 => Ty::Scalar(random_scalar(rng)),
        4 => Ty::Str,
        5 | 6 if !s.enums.is_empty() => Ty::Enum(rng.pick(&s.enums).name.clone()),
        7 if !s.structs.is_empty() => Ty::Struct(rng.pick(&s.structs).name.clone()),
        8 | 9 if !s.tables.is_empty() => Ty::Table(rng.pick(&s.tables).name.clone()),
        10 if !s.unions.is_empty() => Ty::Union(rng.pick(&s.unions).name.clone()),
        _ => Ty::Scalar(random_scalar(rng)),
    };
    // Vectors of anything, vectors of unions rarely.
    let vector = match base {
        Ty::Union(_) => rng.chance(1, 8),
        _ => rng.chance(1, 5),
    };
    if vector {
        Ty::Vector(Box::new(base))
    } else {
        base
    }
}

/// A field type for the struct at `index` (only earlier structs nest).
fn random_struct_ty(rng: &mut Rng, s: &Schema, index: usize) -> Ty {
    let zero_enums: Vec<&Enum> = s
        .enums
        .iter()
        .filter(|e| e.values.iter().any(|(_, v)| *v == 0))
        .collect();
    match rng.below(8) {
        0 if !zero_enums.is_empty() => Ty::Enum(rng.pick(&zero_enums).name.clone()),
        1 if index > 0 => Ty::Struct(s.structs[rng.below(index)].name.clone()),
        2 => Ty::Array(
            Box::new(Ty::Scalar(rng.pick_str(&INTEGERS))),
            rng.range(1, 3) as u8,
        ),
        _ => Ty::Scalar(random_scalar(rng)),
    }
}

fn random_field(rng: &mut Rng, s: &mut Schema, ty: Option<Ty>) -> Field {
    let ty = ty.unwrap_or_else(|| random_table_ty(rng, s));
    let default = match &ty {
        Ty::Scalar(sc) => random_default(rng, sc),
        Ty::Enum(n) if rng.chance(1, 3) => Some(random_enum_default(rng, s.enum_named(n).unwrap())),
        _ => None,
    };
    Field {
        name: s.fresh("f"),
        required: !ty.is_scalar_like() && rng.chance(1, 5),
        key: rng.chance(1, 10),
        deprecated: rng.chance(1, 12),
        ty,
        default,
        id: None,
    }
}

fn random_schema(rng: &mut Rng) -> Schema {
    let mut s = Schema {
        home: rng.below(NAMESPACES.len()),
        enums: Vec::new(),
        structs: Vec::new(),
        unions: Vec::new(),
        tables: Vec::new(),
        root: String::new(),
        counter: 0,
    };
    for _ in 0..rng.range(0, 2) {
        let explicit = rng.chance(1, 2);
        let mut values = Vec::new();
        let mut next = if rng.chance(1, 6) { 1 } else { 0 };
        for _ in 0..rng.range(1, 4) {
            values.push((s.fresh("V"), next));
            next += rng.range(1, 3) as i64;
        }
        let bit_flags = rng.chance(1, 5);
        let underlying = if bit_flags {
            rng.pick_str(&["ubyte", "ushort", "uint", "ulong"])
        } else {
            rng.pick_str(&INTEGERS)
        };
        let e = Enum {
            name: s.fresh_type(rng, "E"),
            underlying,
            explicit,
            bit_flags,
            values,
        };
        s.enums.push(e);
    }
    // Tables first (names only), so that fields can refer to any of them.
    let tables = rng.range(2, 4);
    for _ in 0..tables {
        let t = Table {
            name: s.fresh_type(rng, "T"),
            ids: false,
            fields: Vec::new(),
        };
        s.tables.push(t);
    }
    for i in 0..rng.range(0, 2) {
        let mut st = Struct {
            name: s.fresh_type(rng, "S"),
            fields: Vec::new(),
        };
        s.structs.push(st.clone());
        for _ in 0..rng.range(1, 4) {
            let ty = random_struct_ty(rng, &s, i);
            let name = s.fresh("s");
            st.fields.push((name, ty));
        }
        s.structs[i] = st;
    }
    if rng.chance(1, 2) {
        let mut variants = Vec::new();
        for k in 0..rng.range(1, 3) {
            let table = s.tables[rng.below(tables)].name.clone();
            let short = split_name(&table).1.to_owned();
            let name = if rng.chance(1, 2) && !variants.iter().any(|(n, _, _)| *n == short) {
                short
            } else {
                s.fresh("W")
            };
            variants.push((name, table, k as i64 + 1));
        }
        let u = Union {
            name: s.fresh_type(rng, "U"),
            explicit: rng.chance(1, 4),
            variants,
        };
        s.unions.push(u);
    }
    for i in 0..tables {
        let n = rng.range(1, 6);
        let mut fields: Vec<Field> = Vec::new();
        for _ in 0..n {
            // Runs of one type are common: a shifted field then lands on a
            // slot of its own type.
            let ty = match fields.last() {
                Some(prev) if rng.chance(1, 2) => Some(prev.ty.clone()),
                _ => None,
            };
            let f = random_field(rng, &mut s, ty);
            fields.push(f);
        }
        let ids = rng.chance(1, 3);
        s.tables[i].fields = fields;
        s.tables[i].ids = ids;
        if ids {
            let mut order: Vec<usize> = (0..n).collect();
            rng.shuffle(&mut order);
            let mut next = 0u16;
            for k in order {
                let f = &mut s.tables[i].fields[k];
                let id = next + u16::from(f.ty.is_union());
                f.id = Some(id);
                next = id + 1;
            }
        }
    }
    s.root = s.tables[0].name.clone();
    s.fixup(rng);
    s
}

// ---------------------------------------------------------------------------
// Mutations.

macro_rules! mutations {
    ($($name:ident),* $(,)?) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
        enum Mutation { $($name),* }
        const MUTATIONS: &[Mutation] = &[$(Mutation::$name),*];
    };
}

mutations! {
    AddFieldEnd,
    InsertFieldMiddle,
    // Known class: a field inserted mid-table without ids, of the type of
    // the field it pushes along (the rest of a run of one type).
    InsertShiftingSameType,
    RemoveField,
    DeprecateField,
    UndeprecateField,
    RenameField,
    // A union field renamed, and a new field named like its type tag.
    ReuseUnionTagName,
    RetypeField,
    RespellScalar,
    WrapInVector,
    SwapFieldNames,
    ReorderFields,
    ToggleIds,
    RenumberIds,
    ChangeDefault,
    ToggleRequired,
    ToggleKey,
    EnumAddValueEnd,
    EnumInsertValueMiddle,
    EnumRemoveValue,
    EnumRenumberValue,
    EnumRenameValue,
    EnumRetype,
    EnumReorderValues,
    StructAddField,
    StructRemoveField,
    StructRetypeField,
    StructReorderFields,
    StructRenameField,
    UnionAddVariantEnd,
    UnionRemoveVariant,
    // Known class: union variants reordered, type tags change meaning.
    UnionReorderVariants,
    UnionRenameVariant,
    UnionRetargetVariant,
    UnionRenumberVariants,
    AddTable,
    RenameType,
    MoveTypeNamespace,
    AddShadowTable,
    ChangeRoot,
    ChangeNamespace,
}

fn random_table(rng: &mut Rng, s: &Schema) -> usize {
    rng.below(s.tables.len())
}

/// Applies `m` to `s`; `false` when it does not apply to this schema.
fn mutate(rng: &mut Rng, s: &mut Schema, m: Mutation) -> bool {
    use Mutation::*;
    let ti = random_table(rng, s);
    let len = s.tables[ti].fields.len();
    let fi = if len > 0 { rng.below(len) } else { 0 };
    match m {
        AddFieldEnd => {
            let f = random_field(rng, s, None);
            s.tables[ti].fields.push(f);
        }
        InsertFieldMiddle => {
            let f = random_field(rng, s, None);
            let at = rng.range(0, len);
            s.tables[ti].fields.insert(at, f);
            if s.tables[ti].ids && rng.chance(1, 2) {
                ids_in_declaration_order(&mut s.tables[ti]);
            }
        }
        InsertShiftingSameType => {
            if len == 0 {
                return false;
            }
            let t = &mut s.tables[ti];
            // Without ids (as the derive and most hand-written schemas).
            if t.ids {
                t.fields.sort_by_key(|f| f.id);
                t.ids = false;
            }
            // Before the run of one type that ends the table: every field
            // of the run moves one slot along, onto a slot of its type.
            let ty = t.fields[len - 1].ty.clone();
            let start = (0..len)
                .rev()
                .take_while(|&i| t.fields[i].ty == ty)
                .last()
                .unwrap();
            let at = rng.range(start, len - 1);
            let mut f = random_field(rng, s, Some(ty));
            f.deprecated = false;
            s.tables[ti].fields.insert(at, f);
        }
        RemoveField => {
            if len == 0 {
                return false;
            }
            s.tables[ti].fields.remove(fi);
        }
        DeprecateField => {
            if len == 0 {
                return false;
            }
            let f = &mut s.tables[ti].fields[fi];
            f.deprecated = true;
            f.key = false;
        }
        UndeprecateField => {
            let Some(f) = s.tables[ti].fields.iter_mut().find(|f| f.deprecated) else {
                return false;
            };
            f.deprecated = false;
        }
        RenameField => {
            if len == 0 {
                return false;
            }
            let name = s.fresh("r");
            s.tables[ti].fields[fi].name = name;
        }
        ReuseUnionTagName => {
            let Some(i) = (0..len).find(|&i| s.tables[ti].fields[i].ty.is_union()) else {
                return false;
            };
            let name = s.fresh("r");
            let old = std::mem::replace(&mut s.tables[ti].fields[i].name, name);
            let ty = Ty::Scalar(rng.pick_str(&SCALARS));
            let mut f = random_field(rng, s, Some(ty));
            f.name = format!("{old}_type");
            s.tables[ti].fields.push(f);
        }
        RetypeField => {
            if len == 0 {
                return false;
            }
            let ty = random_table_ty(rng, s);
            s.tables[ti].fields[fi].ty = ty;
        }
        RespellScalar => {
            let Some(f) = s.tables[ti]
                .fields
                .iter_mut()
                .find(|f| matches!(f.ty, Ty::Scalar(sc) if alias(sc).is_some()))
            else {
                return false;
            };
            if let Ty::Scalar(sc) = &mut f.ty {
                *sc = alias(sc).unwrap();
            }
        }
        WrapInVector => {
            if len == 0 {
                return false;
            }
            let f = &mut s.tables[ti].fields[fi];
            f.ty = match f.ty.clone() {
                Ty::Vector(inner) => *inner,
                other => Ty::Vector(Box::new(other)),
            };
        }
        SwapFieldNames => {
            let fields = &mut s.tables[ti].fields;
            let Some((a, b)) = (0..len)
                .flat_map(|a| (a + 1..len).map(move |b| (a, b)))
                .find(|&(a, b)| fields[a].ty == fields[b].ty)
            else {
                return false;
            };
            let name = fields[a].name.clone();
            fields[a].name = std::mem::replace(&mut fields[b].name, name);
        }
        ReorderFields => {
            if len < 2 {
                return false;
            }
            rng.shuffle(&mut s.tables[ti].fields);
        }
        ToggleIds => {
            let t = &mut s.tables[ti];
            if t.ids {
                t.fields.sort_by_key(|f| f.id);
                t.ids = false;
            } else {
                ids_in_declaration_order(t);
                rng.shuffle(&mut t.fields);
            }
        }
        RenumberIds => {
            if !s.tables[ti].ids || len < 2 {
                return false;
            }
            rng.shuffle(&mut s.tables[ti].fields);
            ids_in_declaration_order(&mut s.tables[ti]);
        }
        ChangeDefault => {
            let candidates: Vec<usize> = (0..len)
                .filter(|&i| s.tables[ti].fields[i].ty.is_scalar_like())
                .collect();
            if candidates.is_empty() {
                return false;
            }
            let i = *rng.pick(&candidates);
            let ty = s.tables[ti].fields[i].ty.clone();
            let default = match &ty {
                Ty::Scalar(sc) => random_default(rng, canonical(sc)),
                Ty::Enum(n) => Some(random_enum_default(rng, s.enum_named(n).unwrap())),
                _ => unreachable!(),
            };
            s.tables[ti].fields[i].default = default;
        }
        ToggleRequired => {
            let Some(f) = s.tables[ti]
                .fields
                .iter_mut()
                .find(|f| !f.ty.is_scalar_like())
            else {
                return false;
            };
            f.required = !f.required;
        }
        ToggleKey => {
            if len == 0 {
                return false;
            }
            let was = s.tables[ti].fields[fi].key;
            for f in &mut s.tables[ti].fields {
                f.key = false;
            }
            s.tables[ti].fields[fi].key = !was;
        }
        EnumAddValueEnd
        | EnumInsertValueMiddle
        | EnumRemoveValue
        | EnumRenumberValue
        | EnumRenameValue
        | EnumRetype
        | EnumReorderValues => {
            if s.enums.is_empty() {
                return false;
            }
            let ei = rng.below(s.enums.len());
            let name = s.fresh("V");
            let e = &mut s.enums[ei];
            let max = e.values.iter().map(|(_, v)| *v).max().unwrap_or(-1);
            let vi = rng.below(e.values.len());
            match m {
                EnumAddValueEnd => e.values.push((name, max + 1)),
                EnumInsertValueMiddle => e.values.insert(vi, (name, max + 1)),
                EnumRemoveValue => {
                    if e.values.len() < 2 {
                        return false;
                    }
                    e.values.remove(vi);
                }
                EnumRenumberValue => {
                    e.explicit = true;
                    e.values[vi].1 = max + rng.range(1, 3) as i64;
                }
                EnumRenameValue => e.values[vi].0 = name,
                EnumRetype => e.underlying = rng.pick_str(&INTEGERS),
                _ => rng.shuffle(&mut e.values),
            }
        }
        StructAddField | StructRemoveField | StructRetypeField | StructReorderFields
        | StructRenameField => {
            if s.structs.is_empty() {
                return false;
            }
            let si = rng.below(s.structs.len());
            let ty = random_struct_ty(rng, s, si);
            let name = s.fresh("s");
            let st = &mut s.structs[si];
            let k = rng.below(st.fields.len());
            match m {
                StructAddField => st.fields.push((name, ty)),
                StructRemoveField => {
                    if st.fields.len() < 2 {
                        return false;
                    }
                    st.fields.remove(k);
                }
                StructRetypeField => st.fields[k].1 = ty,
                StructReorderFields => rng.shuffle(&mut st.fields),
                _ => st.fields[k].0 = name,
            }
        }
        UnionAddVariantEnd
        | UnionRemoveVariant
        | UnionReorderVariants
        | UnionRenameVariant
        | UnionRetargetVariant
        | UnionRenumberVariants => {
            if s.unions.is_empty() {
                return false;
            }
            let table = s.tables[rng.below(s.tables.len())].name.clone();
            let name = s.fresh("W");
            let u = &mut s.unions[0];
            let k = rng.below(u.variants.len());
            let max = u.variants.iter().map(|v| v.2).max().unwrap_or(0);
            match m {
                UnionAddVariantEnd => u.variants.push((name, table, max + 1)),
                UnionRemoveVariant => {
                    if u.variants.len() < 2 {
                        return false;
                    }
                    u.variants.remove(k);
                }
                UnionReorderVariants => {
                    if u.variants.len() < 2 {
                        return false;
                    }
                    let last = u.variants.len() - 1;
                    u.variants.swap(0, last);
                }
                UnionRenameVariant => u.variants[k].0 = name,
                UnionRetargetVariant => {
                    if u.variants[k].0 == u.variants[k].1 {
                        return false;
                    }
                    u.variants[k].1 = table;
                }
                _ => {
                    u.explicit = true;
                    let mut values: Vec<i64> = u.variants.iter().map(|v| v.2).collect();
                    if rng.chance(1, 2) {
                        rng.shuffle(&mut values);
                    } else {
                        values[k] = max + 1;
                    }
                    for (v, value) in u.variants.iter_mut().zip(values) {
                        v.2 = value;
                    }
                }
            }
        }
        AddTable | AddShadowTable => {
            let name = if m == AddTable {
                s.fresh_type(rng, "T")
            } else {
                // The name of another table, in another namespace.
                let (_, short) = split_name(&s.tables[ti].name);
                let name = qualify(rng.pick_str(&NAMESPACES), short);
                if s.type_names().contains(&name) {
                    return false;
                }
                name
            };
            s.tables.push(Table {
                name: name.clone(),
                ids: false,
                fields: Vec::new(),
            });
            let n = s.tables.len() - 1;
            for _ in 0..rng.range(1, 3) {
                let f = random_field(rng, s, None);
                s.tables[n].fields.push(f);
            }
            if rng.chance(1, 2) {
                let mut f = random_field(rng, s, Some(Ty::Table(name)));
                f.deprecated = false;
                s.tables[ti].fields.push(f);
            }
        }
        RenameType => {
            let from = rng.pick(&s.type_names()).clone();
            let (namespace, short) = split_name(&from);
            let namespace = namespace.to_owned();
            let fresh = s.fresh(&short[..1]);
            s.rename_declaration(&from, &qualify(&namespace, &fresh));
        }
        MoveTypeNamespace => {
            let from = rng.pick(&s.type_names()).clone();
            let to = qualify(rng.pick_str(&NAMESPACES), split_name(&from).1);
            if s.type_names().contains(&to) {
                return false;
            }
            s.rename_declaration(&from, &to);
        }
        ChangeRoot => {
            let name = s.tables[ti].name.clone();
            if name == s.root {
                return false;
            }
            s.root = name;
        }
        ChangeNamespace => {
            // Every type of one namespace moves to another.
            let from = NAMESPACES[s.home];
            let to = rng.pick_str(&NAMESPACES);
            let names = s.type_names();
            let moves: Vec<(String, String)> = names
                .iter()
                .filter(|n| split_name(n).0 == from)
                .map(|n| (n.clone(), qualify(to, split_name(n).1)))
                .collect();
            if from == to || moves.iter().any(|(_, n)| names.contains(n)) {
                return false;
            }
            for (old, new) in moves {
                s.rename_declaration(&old, &new);
            }
        }
    }
    true
}

// ---------------------------------------------------------------------------
// Running flatc.

#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    Accepted,
    Refused(String),
    /// A schema flatc does not take: the pair is skipped.
    Invalid(String),
}

fn flatc_conform(dir: &Path, index: usize, old: &str, new: &str) -> Verdict {
    let old_path = dir.join(format!("p{index}_old.fbs"));
    let new_path = dir.join(format!("p{index}_new.fbs"));
    std::fs::write(&old_path, old).unwrap();
    std::fs::write(&new_path, new).unwrap();
    let output = Command::new("flatc")
        .current_dir(dir)
        .arg("--conform")
        .arg(&old_path)
        .arg(&new_path)
        .output()
        .expect("running flatc");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.success() {
        Verdict::Accepted
    } else if stderr.contains("schemas don't conform") {
        Verdict::Refused(stderr.trim().to_owned())
    } else if output.status.code().is_none() {
        // flatc 2.0.8 crashes comparing an enum field with a plain scalar
        // one: it does not accept the change.
        Verdict::Refused(format!("flatc crashed ({})", output.status))
    } else {
        Verdict::Invalid(stderr.trim().to_owned())
    }
}

fn flatc_available() -> bool {
    tools::flatc_available("the differential schema test")
}

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    let value = value.trim();
    let parsed = match value.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => value.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={value} is not a number")))
}

struct Pair {
    index: usize,
    mutations: Vec<Mutation>,
    /// `old` is the mutated schema.
    reversed: bool,
    old: String,
    new: String,
}

fn generate(seed: u64, index: usize) -> Pair {
    let mut rng = Rng::new(seed, index as u64);
    let old = random_schema(&mut rng);
    let mut new = old.clone();
    let mut mutations = Vec::new();
    // The known classes get a share of their own.
    let forced = match index % 8 {
        0 => Some(Mutation::InsertShiftingSameType),
        1 => Some(Mutation::UnionReorderVariants),
        _ => None,
    };
    // Half the pairs differ by one mutation: a rare refusal is not hidden
    // behind another.
    let count = if rng.chance(1, 2) { 1 } else { rng.range(2, 3) };
    while mutations.len() < count {
        let m = match forced {
            Some(m) if mutations.is_empty() => m,
            _ => *rng.pick(MUTATIONS),
        };
        if mutate(&mut rng, &mut new, m) {
            mutations.push(m);
        } else if forced == Some(m) && mutations.is_empty() {
            // Does not apply (no union here): any other will do.
            let m = *rng.pick(MUTATIONS);
            if mutate(&mut rng, &mut new, m) {
                mutations.push(m);
            }
        }
    }
    new.fixup(&mut rng);
    let (old, new) = (old.render(), new.render());
    // Every fourth pair the other way round: removals become additions.
    let reversed = index % 4 == 3;
    let (old, new) = if reversed { (new, old) } else { (old, new) };
    Pair {
        index,
        mutations,
        reversed,
        old,
        new,
    }
}

#[test]
fn check_compatible_refuses_whatever_flatc_conform_refuses() {
    if !flatc_available() {
        return;
    }
    let pairs = env_number("FLATSTREAM_CONFORM_PAIRS").map_or(DEFAULT_PAIRS, |n| n as usize);
    let seed = env_number("FLATSTREAM_CONFORM_SEED").unwrap_or(DEFAULT_SEED);
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();

    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let results: Vec<(Pair, Verdict, Result<(), Vec<String>>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let dir = dir.path();
                scope.spawn(move || {
                    (w..pairs)
                        .step_by(workers)
                        .map(|i| {
                            let pair = generate(seed, i);
                            let verdict = flatc_conform(dir, i, &pair.old, &pair.new);
                            let ours = check_compatible(&pair.old, &pair.new);
                            (pair, verdict, ours)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<_> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        all.sort_by_key(|(p, _, _)| p.index);
        all
    });

    let mut refused = 0usize;
    let mut invalid = Vec::new();
    let mut we_refused = 0usize;
    let mut misses = Vec::new();
    let mut refused_by_mutation: BTreeMap<Mutation, (usize, usize)> = BTreeMap::new();
    for (pair, verdict, ours) in &results {
        for m in &pair.mutations {
            let entry = refused_by_mutation.entry(*m).or_default();
            entry.0 += 1;
            if matches!(verdict, Verdict::Refused(_)) {
                entry.1 += 1;
            }
        }
        if ours.is_err() {
            we_refused += 1;
        }
        match verdict {
            Verdict::Accepted => {}
            Verdict::Invalid(why) => invalid.push((pair, why)),
            Verdict::Refused(why) => {
                refused += 1;
                if ours.is_ok() {
                    misses.push((pair, why));
                }
            }
        }
    }
    eprintln!(
        "{pairs} pairs (seed {seed:#x}): flatc refused {refused}, check_compatible refused \
         {we_refused}, {} skipped as invalid, in {:.1?}",
        invalid.len(),
        started.elapsed()
    );
    let mut invalid_reasons: BTreeMap<String, usize> = BTreeMap::new();
    for (_, why) in &invalid {
        let reason = why.rsplit(" error: ").next().unwrap_or(why);
        let reason: String = reason.chars().take(60).collect();
        *invalid_reasons.entry(reason).or_default() += 1;
    }
    for (reason, n) in &invalid_reasons {
        eprintln!("  skipped {n}: {reason}");
    }
    for (m, (applied, refused)) in &refused_by_mutation {
        eprintln!("  {m:?}: applied {applied}, flatc refused {refused}");
    }

    let report = |pair: &Pair| {
        format!(
            "pair {} (seed {seed:#x}; rerun with FLATSTREAM_CONFORM_SEED={seed:#x}), \
             mutations {:?}{}\n--- old\n{}--- new\n{}",
            pair.index,
            pair.mutations,
            if pair.reversed { " (reversed)" } else { "" },
            pair.old,
            pair.new
        )
    };
    if !misses.is_empty() {
        let shown: Vec<String> = misses
            .iter()
            .take(5)
            .map(|(pair, why)| format!("{}flatc: {why}\n", report(pair)))
            .collect();
        panic!(
            "check_compatible accepted {} of the {refused} changes flatc refuses:\n\n{}",
            misses.len(),
            shown.join("\n")
        );
    }
    // The generator writes schemas flatc takes; a few mutated ones it does
    // not (say, an enum left without 0) are skipped.
    assert!(
        invalid.len() * 20 <= pairs,
        "{} of {pairs} pairs are not valid schemas; first:\n{}flatc: {}",
        invalid.len(),
        report(invalid[0].0),
        invalid[0].1
    );
    if pairs >= 500 {
        assert!(refused * 5 >= pairs, "too few breaking pairs: {refused}");
        for m in MUTATIONS {
            assert!(
                refused_by_mutation.get(m).is_some_and(|(n, _)| *n > 0),
                "mutation {m:?} never applied"
            );
        }
        for m in [
            Mutation::InsertShiftingSameType,
            Mutation::UnionReorderVariants,
        ] {
            assert!(
                refused_by_mutation.get(&m).is_some_and(|(_, r)| *r > 0),
                "flatc never refused a pair with {m:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// The two classes that slipped through, by name.

fn assert_both_refuse(old: &str, new: &str) {
    assert!(
        check_compatible(old, new).is_err(),
        "check_compatible accepts\n--- old\n{old}\n--- new\n{new}"
    );
    if Command::new("flatc").arg("--version").output().is_ok() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            matches!(flatc_conform(dir.path(), 0, old, new), Verdict::Refused(_)),
            "flatc accepts\n--- old\n{old}\n--- new\n{new}"
        );
    }
}

#[test]
fn field_inserted_mid_table_shifts_same_typed_fields() {
    let old = "table T { a: int; b: int; c: int; } root_type T;";
    let new = "table T { a: int; x: int; b: int; c: int; } root_type T;";
    assert_both_refuse(old, new);
    // Swapping two names of one type is the same mistake.
    let swapped = "table T { b: int; a: int; c: int; } root_type T;";
    assert_both_refuse(old, swapped);
}

#[test]
fn reordered_union_variants_change_type_tags() {
    let old = "table A { x: int; } table B { x: int; } union U { A, B }
               table T { u: U; } root_type T;";
    let new = "table A { x: int; } table B { x: int; } union U { B, A }
               table T { u: U; } root_type T;";
    assert_both_refuse(old, new);
    let renumbered = "table A { x: int; } table B { x: int; } union U { A = 2, B = 1 }
                      table T { u: U; } root_type T;";
    assert_both_refuse(old, renumbered);
}
