//! Writing the `.fbs` text: definitions collected type by type, then
//! printed namespace by namespace.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::qualify;
use super::types::{RefKind, TypeRef};

struct Definition {
    namespace: &'static str,
    text: String,
}

/// Collects definitions, each after the ones it uses (flatc needs enums
/// and unions declared before the fields that use them).
#[doc(hidden)]
#[derive(Default)]
pub struct SchemaBuilder {
    definitions: Vec<Definition>,
    /// Names taken, with the Rust type that took each.
    reserved: BTreeMap<(&'static str, &'static str), &'static str>,
}

impl std::fmt::Debug for SchemaBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaBuilder")
            .field("definitions", &self.definitions.len())
            .finish()
    }
}

impl SchemaBuilder {
    /// Reserves the definition of `namespace.name` for the Rust type
    /// `rust_type`: `Some(token)` the first time (the caller then defines
    /// it), `None` afterwards.
    ///
    /// # Panics
    ///
    /// When another Rust type already took the name.
    pub fn reserve_type(
        &mut self,
        namespace: &'static str,
        name: &'static str,
        rust_type: &'static str,
    ) -> Option<usize> {
        match self.reserved.get(&(namespace, name)) {
            Some(taken) if *taken == rust_type => None,
            Some(taken) => panic!(
                "flatstream::schema: `{taken}` and `{rust_type}` are both named `{}` in the schema; \
                 give one of them another `#[flatstream(namespace = ..)]`",
                qualify(namespace, name)
            ),
            None => {
                self.reserved.insert((namespace, name), rust_type);
                Some(self.reserved.len())
            }
        }
    }

    fn define(&mut self, _token: usize, namespace: &'static str, text: String) {
        self.definitions.push(Definition { namespace, text });
    }

    /// Defines an enum.
    pub fn define_enum(
        &mut self,
        index: usize,
        namespace: &'static str,
        name: &'static str,
        underlying: &'static str,
        variants: &[(&'static str, &'static str)],
    ) {
        let mut sorted: Vec<(i128, &str)> = variants
            .iter()
            .map(|(variant, value)| (value.parse().unwrap_or(0), *variant))
            .collect();
        sorted.sort();
        let mut text = format!("enum {name} : {underlying} {{\n");
        for (i, (value, variant)) in sorted.iter().enumerate() {
            let comma = if i + 1 < sorted.len() { "," } else { "" };
            let _ = writeln!(text, "  {variant} = {value}{comma}");
        }
        text.push_str("}\n");
        self.define(index, namespace, text);
    }

    /// Defines a union.
    pub fn define_union(
        &mut self,
        index: usize,
        namespace: &'static str,
        name: &'static str,
        variants: &[(&'static str, TypeRef)],
    ) {
        let mut text = format!("union {name} {{\n");
        for (i, (variant, ty)) in variants.iter().enumerate() {
            let comma = if i + 1 < variants.len() { "," } else { "" };
            let spelled = ty.spelled_in(namespace);
            if *variant == spelled {
                let _ = writeln!(text, "  {variant}{comma}");
            } else {
                let _ = writeln!(text, "  {variant}: {spelled}{comma}");
            }
        }
        text.push_str("}\n");
        self.define(index, namespace, text);
    }

    pub(super) fn render(&self, root: &TypeRef, identifier: Option<&str>) -> String {
        let mut namespaces: Vec<&str> = vec![""];
        for definition in &self.definitions {
            if !namespaces.contains(&definition.namespace) {
                namespaces.push(definition.namespace);
            }
        }
        let mut out = String::from("// FlatBuffers schema written by flatstream::schema.\n");
        for namespace in namespaces {
            let mut first = true;
            for definition in &self.definitions {
                if definition.namespace != namespace {
                    continue;
                }
                if first && !namespace.is_empty() {
                    let _ = write!(out, "\nnamespace {namespace};\n");
                }
                first = false;
                out.push('\n');
                out.push_str(&definition.text);
            }
        }
        let _ = write!(out, "\nroot_type {};\n", root.qualified());
        if let Some(identifier) = identifier {
            let _ = writeln!(out, "file_identifier \"{identifier}\";");
        }
        out
    }
}

/// A field of a derived table or struct, as data: what
/// [`TableSchema::describe`] writes its line from.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct FieldSchema {
    /// The field's name.
    pub name: &'static str,
    /// Describes the field's type (and registers the types it reaches).
    pub ty: fn(&mut SchemaBuilder) -> TypeRef,
    /// The field's first slot.
    pub slot: u16,
    /// The default value's text, when the field states one.
    pub default: Option<&'static str>,
    /// Whether the field is required.
    pub required: bool,
    /// Whether the field is deprecated.
    pub deprecated: bool,
    /// Whether the field is the table's key.
    pub key: bool,
    /// Whether the field's strings are shared (written once per message).
    pub shared: bool,
}

impl FieldSchema {
    /// The field `name` of the type `ty` describes, at vtable offset
    /// `voffset`, with no attribute set.
    pub const fn new(
        name: &'static str,
        ty: fn(&mut SchemaBuilder) -> TypeRef,
        voffset: u16,
    ) -> Self {
        FieldSchema {
            name,
            ty,
            slot: (voffset - 4) / 2,
            default: None,
            required: false,
            deprecated: false,
            key: false,
            shared: false,
        }
    }

    /// The same entry, named `name` and at vtable offset `voffset`: a
    /// table's stored field from its type's
    /// [`FIELD_SCHEMA`](crate::__private::Field::FIELD_SCHEMA).
    pub const fn at(self, name: &'static str, voffset: u16) -> Self {
        FieldSchema {
            name,
            slot: (voffset - 4) / 2,
            ..self
        }
    }

    /// The field, required.
    #[must_use]
    pub const fn required(self) -> Self {
        FieldSchema {
            required: true,
            ..self
        }
    }

    /// The field, deprecated.
    #[must_use]
    pub const fn deprecated(self) -> Self {
        FieldSchema {
            deprecated: true,
            ..self
        }
    }

    /// The field, the table's key.
    #[must_use]
    pub const fn key(self) -> Self {
        FieldSchema { key: true, ..self }
    }

    /// The field, its strings shared.
    #[must_use]
    pub const fn shared(self) -> Self {
        FieldSchema {
            shared: true,
            ..self
        }
    }

    /// The field, with the default value `text`.
    #[must_use]
    pub const fn with_default(self, text: &'static str) -> Self {
        FieldSchema {
            default: Some(text),
            ..self
        }
    }
}

/// The definition of a table or a fixed struct, field by field.
#[doc(hidden)]
#[derive(Debug)]
pub struct TableSchema {
    index: usize,
    namespace: &'static str,
    name: &'static str,
    fixed: bool,
    explicit_ids: bool,
    /// (first slot, line)
    fields: Vec<(u16, String)>,
}

impl TableSchema {
    /// Registers the table (or, when `fixed`, the struct) `name` of the
    /// Rust type `rust_type` with its `fields`, unless it is registered
    /// already, and returns how a field refers to it.
    ///
    /// The derive describes a type's fields as data and calls this, so
    /// that the code describing tables is compiled once, not per type.
    pub fn describe(
        schema: &mut SchemaBuilder,
        rust_type: &'static str,
        namespace: &'static str,
        name: &'static str,
        fixed: bool,
        explicit_ids: bool,
        fields: &[FieldSchema],
    ) -> TypeRef {
        if let Some(index) = schema.reserve_type(namespace, name, rust_type) {
            let mut table = TableSchema::new(index, namespace, name, fixed, explicit_ids);
            for field in fields {
                let ty = (field.ty)(schema);
                // flatc takes `shared` on string fields only; a vector of
                // shared strings is ordinary strings to every reader.
                let shared_string = field.shared && ty.kind == RefKind::String && !ty.vector;
                table.field(
                    field.name,
                    ty,
                    field.slot,
                    field.default,
                    field.required,
                    field.deprecated,
                );
                if field.key {
                    table.mark("key");
                }
                if shared_string {
                    table.mark("shared");
                }
            }
            table.finish(schema);
        }
        if fixed {
            TypeRef::fixed(namespace, name)
        } else {
            TypeRef::table(namespace, name)
        }
    }

    /// A table (or, when `fixed`, a struct) reserved at `index`.
    pub fn new(
        index: usize,
        namespace: &'static str,
        name: &'static str,
        fixed: bool,
        explicit_ids: bool,
    ) -> TableSchema {
        TableSchema {
            index,
            namespace,
            name,
            fixed,
            explicit_ids,
            fields: Vec::new(),
        }
    }

    /// Adds a field whose first slot is `slot`.
    #[allow(clippy::too_many_arguments)]
    pub fn field(
        &mut self,
        name: &'static str,
        ty: TypeRef,
        slot: u16,
        default: Option<&'static str>,
        required: bool,
        deprecated: bool,
    ) {
        let mut line = format!("  {name}: {}", ty.spelled_in(self.namespace));
        let scalar_like =
            !ty.vector && ty.array.is_none() && matches!(ty.kind, RefKind::Scalar | RefKind::Enum);
        if self.fixed {
            // Struct fields have no defaults: every field is stored.
        } else if scalar_like && ty.optional {
            line.push_str(" = null");
        } else if let (Some(default), true) = (default, scalar_like) {
            let _ = write!(line, " = {default}");
        } else if let (Some(default), true) = (ty.enum_default, scalar_like) {
            let _ = write!(line, " = {default}");
        }
        let mut attributes = Vec::new();
        if self.explicit_ids {
            let id = if ty.kind == RefKind::Union && !ty.vector {
                slot + 1
            } else {
                slot
            };
            attributes.push(format!("id: {id}"));
        }
        if deprecated {
            attributes.push("deprecated".to_owned());
        } else if required && !scalar_like && !ty.optional && !self.fixed {
            attributes.push("required".to_owned());
        }
        if !attributes.is_empty() {
            let _ = write!(line, " ({})", attributes.join(", "));
        }
        line.push_str(";\n");
        self.fields.push((slot, line));
    }

    /// Adds the attribute `attribute` (`key`, `shared`) to the field added
    /// last.
    pub fn mark(&mut self, attribute: &str) {
        if let Some((_, line)) = self.fields.last_mut() {
            if let Some(stripped) = line.strip_suffix(");\n") {
                *line = format!("{stripped}, {attribute});\n");
            } else if let Some(stripped) = line.strip_suffix(";\n") {
                *line = format!("{stripped} ({attribute});\n");
            }
        }
    }

    /// Records the definition.
    pub fn finish(mut self, schema: &mut SchemaBuilder) {
        self.fields.sort_by_key(|(slot, _)| *slot);
        let keyword = if self.fixed { "struct" } else { "table" };
        let mut text = format!("{keyword} {} {{\n", self.name);
        for (_, line) in &self.fields {
            text.push_str(line);
        }
        text.push_str("}\n");
        schema.define(self.index, self.namespace, text);
    }
}
