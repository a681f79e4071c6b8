//! A parsed schema resolved into what a reader of its bytes needs: each
//! table's fields with their vtable slots, each struct's size, alignment
//! and field offsets, enum and union values by number.

use std::collections::BTreeMap;

use super::parse::{split_vector, Decl, Fbs, FbsField};

/// A scalar type, with its width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scalar {
    Bool,
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    F32,
    F64,
}

impl Scalar {
    fn from_name(name: &str) -> Option<Scalar> {
        Some(match name {
            "bool" => Scalar::Bool,
            "byte" => Scalar::I8,
            "ubyte" => Scalar::U8,
            "short" => Scalar::I16,
            "ushort" => Scalar::U16,
            "int" => Scalar::I32,
            "uint" => Scalar::U32,
            "long" => Scalar::I64,
            "ulong" => Scalar::U64,
            "float" => Scalar::F32,
            "double" => Scalar::F64,
            _ => return None,
        })
    }

    /// Size in bytes, which is also the alignment.
    pub(super) fn size(self) -> usize {
        match self {
            Scalar::Bool | Scalar::I8 | Scalar::U8 => 1,
            Scalar::I16 | Scalar::U16 => 2,
            Scalar::I32 | Scalar::U32 | Scalar::F32 => 4,
            Scalar::I64 | Scalar::U64 | Scalar::F64 => 8,
        }
    }

    pub(super) fn is_float(self) -> bool {
        matches!(self, Scalar::F32 | Scalar::F64)
    }

    pub(super) fn is_integer(self) -> bool {
        !self.is_float() && self != Scalar::Bool
    }
}

/// What a field or element holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Ty {
    Scalar(Scalar),
    /// An enum (index into `Layout::enums`) stored as its underlying type.
    Enum(Scalar, usize),
    String,
    Table(usize),
    Struct(usize),
    /// A union's value (index into `Layout::unions`); its tag is in the
    /// slot before.
    Union(usize),
    /// A union's type tag, a `ubyte` named by the union's variants.
    UnionType(usize),
    Vector(Box<Ty>),
    /// A struct's fixed-length array.
    Array(Box<Ty>, usize),
}

#[derive(Debug)]
pub(super) struct Field {
    pub(super) name: String,
    pub(super) ty: Ty,
    /// The byte offset of the field's entry in the vtable (tables), or
    /// of the field in the struct (structs).
    pub(super) at: usize,
    /// For a scalar key of a table, the JSON of its default: printed
    /// when the field is absent, as flatc does.
    pub(super) absent_key: Option<String>,
}

#[derive(Debug)]
pub(super) struct TableDef {
    pub(super) name: String,
    /// In the order flatc prints them: by id, a union's type tag just
    /// before its value.
    pub(super) fields: Vec<Field>,
}

#[derive(Debug)]
pub(super) struct StructDef {
    pub(super) size: usize,
    pub(super) align: usize,
    pub(super) fields: Vec<Field>,
}

#[derive(Debug)]
pub(super) struct EnumDef {
    /// Values, in declaration order, with their names.
    pub(super) values: Vec<(i128, String)>,
    pub(super) bit_flags: bool,
}

#[derive(Debug)]
pub(super) struct UnionDef {
    pub(super) name: String,
    /// `(tag, name, table)`, `NONE` not included.
    pub(super) variants: Vec<(u8, String, usize)>,
}

/// Every type of a schema, resolved.
#[derive(Debug, Default)]
pub(super) struct Layout {
    pub(super) tables: Vec<TableDef>,
    pub(super) structs: Vec<StructDef>,
    pub(super) enums: Vec<EnumDef>,
    pub(super) unions: Vec<UnionDef>,
    /// Tables by qualified name.
    pub(super) table_names: BTreeMap<String, usize>,
}

/// Which definition a qualified name has been assigned.
#[derive(Clone, Copy)]
enum Slot {
    Table(usize),
    Struct(usize),
    Enum(usize),
    Union(usize),
}

/// The `attribute: value` of a declaration, if it has it.
fn attribute<'a>(fbs: &'a Fbs, decl: &str, key: &str) -> Option<Option<&'a str>> {
    fbs.attributes
        .get(decl)?
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_deref())
}

/// The name flatc gives a declaration in JSON: the last component.
fn short_name(qualified: &str) -> &str {
    qualified.rsplit('.').next().unwrap_or(qualified)
}

pub(super) fn resolve(fbs: &Fbs) -> Result<Layout, String> {
    // Number every declaration first, so that fields can refer to any.
    let mut slots = BTreeMap::new();
    let (mut tables, mut structs, mut enums, mut unions) = (0, 0, 0, 0);
    for (name, decl) in &fbs.types {
        let slot = match decl {
            Decl::Table { fixed: false, .. } => {
                tables += 1;
                Slot::Table(tables - 1)
            }
            Decl::Table { fixed: true, .. } => {
                structs += 1;
                Slot::Struct(structs - 1)
            }
            Decl::Enum { .. } => {
                enums += 1;
                Slot::Enum(enums - 1)
            }
            Decl::Union { .. } => {
                unions += 1;
                Slot::Union(unions - 1)
            }
        };
        slots.insert(name.as_str(), slot);
    }
    let mut layout = Layout::default();
    for (name, decl) in &fbs.types {
        if let Decl::Enum { underlying, values } = decl {
            if !Scalar::from_name(underlying).is_some_and(Scalar::is_integer) {
                return Err(format!("enum `{name}` has no integer underlying type"));
            }
            let bit_flags = attribute(fbs, name, "bit_flags").is_some();
            let values = values
                .iter()
                // The parser gives a flag's value as its bit, not the
                // bit's position.
                .map(|(variant, value)| (*value, variant.clone()))
                .collect();
            layout.enums.push(EnumDef { values, bit_flags });
        }
    }
    let mut resolver = Resolver {
        fbs,
        slots,
        layout,
        struct_state: vec![StructState::Todo; structs],
        struct_defs: (0..structs).map(|_| None).collect(),
    };
    for (name, decl) in &fbs.types {
        match decl {
            Decl::Table {
                fixed: false,
                fields,
            } => {
                let table = resolver.table(name, fields)?;
                let index = resolver.layout.tables.len();
                resolver.layout.tables.push(table);
                resolver.layout.table_names.insert(name.clone(), index);
            }
            Decl::Table { fixed: true, .. } => {
                let Some(Slot::Struct(index)) = resolver.slots.get(name.as_str()).copied() else {
                    unreachable!("every struct was numbered")
                };
                resolver.structure(index, name)?;
            }
            Decl::Enum { .. } => {}
            Decl::Union { variants } => {
                let mut resolved = Vec::new();
                for (variant, ty, tag) in variants {
                    let tag = u8::try_from(*tag)
                        .map_err(|_| format!("union `{name}` variant `{variant}` has tag {tag}"))?;
                    let Some(Slot::Table(table)) = resolver.slots.get(ty.as_str()).copied() else {
                        return Err(format!(
                            "union `{name}` variant `{variant}` is `{ty}`, not a table"
                        ));
                    };
                    resolved.push((tag, variant.replace('.', "_"), table));
                }
                resolver.layout.unions.push(UnionDef {
                    name: short_name(name).to_owned(),
                    variants: resolved,
                });
            }
        }
    }
    let mut layout = resolver.layout;
    layout.structs = resolver
        .struct_defs
        .into_iter()
        .map(|def| def.expect("every struct was resolved"))
        .collect();
    Ok(layout)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum StructState {
    Todo,
    InProgress,
    Done,
}

struct Resolver<'a> {
    fbs: &'a Fbs,
    slots: BTreeMap<&'a str, Slot>,
    layout: Layout,
    struct_state: Vec<StructState>,
    struct_defs: Vec<Option<StructDef>>,
}

impl<'a> Resolver<'a> {
    /// The type a field declares, as written after `:`.
    fn ty(&self, ty: &str, owner: &str) -> Result<Ty, String> {
        let (vector, inner) = split_vector(ty);
        if vector {
            if let Some((element, len)) = inner.split_once(':') {
                let len: usize = len
                    .trim()
                    .parse()
                    .map_err(|_| format!("`{owner}`: bad array length in `{ty}`"))?;
                return Ok(Ty::Array(Box::new(self.ty(element, owner)?), len));
            }
            let element = self.ty(inner, owner)?;
            return match element {
                Ty::Union(_) => Err(format!(
                    "`{owner}`: vectors of unions are not supported (`{ty}`)"
                )),
                element => Ok(Ty::Vector(Box::new(element))),
            };
        }
        if ty == "string" {
            return Ok(Ty::String);
        }
        if let Some(scalar) = Scalar::from_name(ty) {
            return Ok(Ty::Scalar(scalar));
        }
        match self.slots.get(ty) {
            Some(Slot::Table(i)) => Ok(Ty::Table(*i)),
            Some(Slot::Struct(i)) => Ok(Ty::Struct(*i)),
            Some(Slot::Union(i)) => Ok(Ty::Union(*i)),
            Some(Slot::Enum(i)) => {
                let Some(Decl::Enum { underlying, .. }) = self.fbs.types.get(ty) else {
                    unreachable!("numbered as an enum")
                };
                let scalar = Scalar::from_name(underlying)
                    .ok_or_else(|| format!("enum `{ty}` has no integer underlying type"))?;
                Ok(Ty::Enum(scalar, *i))
            }
            None => Err(format!("`{owner}`: unknown type `{ty}`")),
        }
    }

    fn table(&self, name: &str, fields: &[FbsField]) -> Result<TableDef, String> {
        let mut out: Vec<(u32, Field)> = Vec::new();
        let mut next = 0u32;
        for field in fields {
            let owner = format!("{name}.{}", field.name);
            let ty = self.ty(&field.ty, &owner)?;
            let union = match ty {
                Ty::Union(union) => Some(union),
                _ => None,
            };
            let id = match field.id {
                Some(id) => u32::from(id),
                None => next + u32::from(union.is_some()),
            };
            next = id + 1;
            let vtable_at = |id: u32| -> Result<usize, String> {
                // The vtable's length is a `u16`.
                let at = 4 + 2 * id as usize;
                if at > usize::from(u16::MAX) - 1 {
                    return Err(format!("`{owner}`: id {id} is too large"));
                }
                Ok(at)
            };
            if let Some(union) = union {
                let tag_id = id
                    .checked_sub(1)
                    .ok_or_else(|| format!("`{owner}`: a union needs an id of at least 1"))?;
                out.push((
                    tag_id,
                    Field {
                        name: format!("{}_type", field.name),
                        ty: Ty::UnionType(union),
                        at: vtable_at(tag_id)?,
                        absent_key: None,
                    },
                ));
            }
            let absent_key = match (&ty, field.key) {
                (Ty::Scalar(scalar), true) => {
                    Some(self.default_json(*scalar, None, field.default.as_deref(), &owner)?)
                }
                (Ty::Enum(scalar, e), true) => {
                    Some(self.default_json(*scalar, Some(*e), field.default.as_deref(), &owner)?)
                }
                _ => None,
            };
            out.push((
                id,
                Field {
                    name: field.name.clone(),
                    at: vtable_at(id)?,
                    ty,
                    absent_key,
                },
            ));
        }
        // flatc sorts fields by id (stably) when they have ids.
        out.sort_by_key(|(id, _)| *id);
        Ok(TableDef {
            name: short_name(name).to_owned(),
            fields: out.into_iter().map(|(_, field)| field).collect(),
        })
    }

    /// The JSON flatc prints for an absent scalar key: its default.
    fn default_json(
        &self,
        scalar: Scalar,
        enumeration: Option<usize>,
        default: Option<&str>,
        owner: &str,
    ) -> Result<String, String> {
        let text = default.unwrap_or("0");
        if text == "null" {
            return Ok("null".into());
        }
        if let Some(e) = enumeration {
            let def = &self.layout.enums[e];
            if let Some((value, _)) = def.values.iter().find(|(_, name)| name == text) {
                return Ok(super::json::enum_json(*value, def));
            }
        }
        if scalar.is_float() {
            let value: f64 = text
                .parse()
                .map_err(|_| format!("`{owner}`: bad default `{text}`"))?;
            let mut out = String::new();
            if scalar == Scalar::F32 {
                super::json::push_f32(&mut out, value as f32);
            } else {
                super::json::push_f64(&mut out, value);
            }
            return Ok(out);
        }
        let value: i128 = match text {
            "true" => 1,
            "false" => 0,
            _ => parse_int(text)
                .or_else(|| text.parse::<f64>().ok().map(|v| v as i128))
                .ok_or_else(|| format!("`{owner}`: bad default `{text}`"))?,
        };
        Ok(match (scalar, enumeration) {
            (Scalar::Bool, _) => (value != 0).to_string(),
            (_, Some(e)) => super::json::enum_json(value, &self.layout.enums[e]),
            _ => value.to_string(),
        })
    }

    /// Lays out struct `index` (named `name`) and the structs it holds.
    fn structure(&mut self, index: usize, name: &str) -> Result<(usize, usize), String> {
        match self.struct_state[index] {
            StructState::Done => {
                let def = self.struct_defs[index].as_ref().expect("done");
                return Ok((def.size, def.align));
            }
            StructState::InProgress => return Err(format!("struct `{name}` contains itself")),
            StructState::Todo => {}
        }
        self.struct_state[index] = StructState::InProgress;
        let Some(Decl::Table { fields, .. }) = self.fbs.types.get(name) else {
            unreachable!("numbered as a struct")
        };
        let mut offset = 0usize;
        let mut align = 1usize;
        let mut out = Vec::new();
        for field in fields {
            let owner = format!("{name}.{}", field.name);
            let ty = self.ty(&field.ty, &owner)?;
            let (size, field_align) = self.inline_size(&ty, &owner)?;
            offset = offset.next_multiple_of(field_align);
            align = align.max(field_align);
            out.push(Field {
                name: field.name.clone(),
                ty,
                at: offset,
                absent_key: None,
            });
            offset = offset
                .checked_add(size)
                .filter(|size| *size <= 1 << 24)
                .ok_or_else(|| format!("struct `{name}` is too large"))?;
        }
        if let Some(Some(forced)) = attribute(self.fbs, name, "force_align") {
            let forced: usize = forced
                .parse()
                .map_err(|_| format!("struct `{name}`: bad force_align `{forced}`"))?;
            if !forced.is_power_of_two() || forced > 256 {
                return Err(format!("struct `{name}`: bad force_align `{forced}`"));
            }
            align = align.max(forced);
        }
        let size = offset.next_multiple_of(align);
        self.struct_defs[index] = Some(StructDef {
            size,
            align,
            fields: out,
        });
        self.struct_state[index] = StructState::Done;
        Ok((size, align))
    }

    /// Size and alignment of a struct field.
    fn inline_size(&mut self, ty: &Ty, owner: &str) -> Result<(usize, usize), String> {
        match ty {
            Ty::Scalar(scalar) | Ty::Enum(scalar, _) => Ok((scalar.size(), scalar.size())),
            Ty::Struct(index) => {
                let name = self
                    .fbs
                    .types
                    .iter()
                    .filter(|(_, decl)| matches!(decl, Decl::Table { fixed: true, .. }))
                    .nth(*index)
                    .map(|(name, _)| name.as_str())
                    .expect("numbered structs exist");
                self.structure(*index, name)
            }
            Ty::Array(element, len) => {
                if matches!(**element, Ty::Array(..)) {
                    return Err(format!("`{owner}`: arrays of arrays are not supported"));
                }
                let (size, align) = self.inline_size(element, owner)?;
                let total = size
                    .checked_mul(*len)
                    .filter(|total| *total <= 1 << 24)
                    .ok_or_else(|| format!("`{owner}`: array too large"))?;
                Ok((total, align))
            }
            _ => Err(format!(
                "`{owner}`: a struct can hold only scalars, enums, structs and arrays"
            )),
        }
    }
}

/// A decimal or `0x` hexadecimal integer, with an optional sign.
fn parse_int(text: &str) -> Option<i128> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let value = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => i128::from_str_radix(hex, 16).ok()?,
        None => digits.parse().ok()?,
    };
    Some(if negative { -value } else { value })
}
