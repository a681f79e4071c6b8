//! The `.fbs` schema a derived type implies, and a check that a schema
//! change keeps old readers working.
//!
//! [`schema::<T>()`](schema()) prints the FlatBuffers schema of `T` and of
//! every type it reaches: tables for derived structs, `struct`s for
//! `#[flatstream(fixed)]` structs, enums with their underlying type, unions,
//! `root_type`, and the `namespace` and `file_identifier` container
//! attributes. `flatc` compiles it into readers and writers for other
//! languages that exchange bytes with flatstream. The text is deterministic:
//! the same types print the same schema.
//!
//! A message whose type is a union is written as a table with the union as
//! its only field (slots 0 and 1, named after the union in snake case); the
//! schema prints that table as `<Union>Root` and makes it the `root_type`.
//!
//! [`check_compatible`] and [`assert_compatible`] compare a committed schema
//! with the current one and report what would break old readers: a field
//! removed instead of deprecated, retyped, a deprecated slot reused, a
//! default or an enum value changed, a struct's layout changed.
//!
//! # Examples
//!
//! ```
//! use flatstream::StreamSerialize;
//!
//! #[derive(StreamSerialize, Debug, Clone, PartialEq)]
//! #[flatstream(namespace = "demo", file_identifier = "PING")]
//! pub struct Ping { pub seq: u32, pub note: Option<String> }
//!
//! let fbs = flatstream::schema::<Ping>();
//! assert!(fbs.contains("table Ping {\n  seq: uint;\n  note: string;\n}"));
//! assert!(fbs.contains("root_type demo.Ping;"));
//!
//! // Renaming a field keeps the bytes readable; retyping it does not.
//! let renamed = fbs.replace("seq: uint", "sequence: uint");
//! assert!(flatstream::schema::check_compatible(&fbs, &renamed).is_ok());
//! let retyped = fbs.replace("seq: uint", "seq: ulong");
//! assert!(flatstream::schema::check_compatible(&fbs, &retyped).is_err());
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// A type with a FlatBuffers schema. Implemented by the derive and by the
/// field types flatstream supports; its methods are called by generated
/// code.
pub trait Schema {
    /// Registers the type's definition (and those it reaches) and returns
    /// how a field refers to it.
    #[doc(hidden)]
    fn describe(schema: &mut SchemaBuilder) -> TypeRef;

    /// The root table of a message of this type: the type itself, or the
    /// table wrapping a union.
    #[doc(hidden)]
    fn describe_root(schema: &mut SchemaBuilder) -> TypeRef {
        Self::describe(schema)
    }

    /// The four-character file identifier of a message of this type.
    #[doc(hidden)]
    const FILE_IDENTIFIER: Option<&'static str> = None;
}

/// The `.fbs` schema of `T` and every type it reaches, with
/// `root_type` set to `T` (or to the table wrapping `T`, for a union).
///
/// # Examples
///
/// ```
/// use flatstream::StreamSerialize;
///
/// #[derive(StreamSerialize, Debug, Clone, Copy, PartialEq)]
/// #[flatstream(fixed)]
/// pub struct Vec2 { pub x: f32, pub y: f32 }
///
/// #[derive(StreamSerialize, Debug, Clone, PartialEq)]
/// pub struct Shape { pub points: Vec<Vec2> }
///
/// let fbs = flatstream::schema::<Shape>();
/// assert!(fbs.contains("struct Vec2 {\n  x: float;\n  y: float;\n}"));
/// assert!(fbs.contains("table Shape {\n  points: [Vec2];\n}"));
/// assert!(fbs.ends_with("root_type Shape;\n"));
/// ```
///
/// # Panics
///
/// When two different Rust types reached from `T` have the same name in
/// the same namespace (tell them apart with `namespace`).
pub fn schema<T: Schema + ?Sized>() -> String {
    let mut builder = SchemaBuilder::default();
    let root = T::describe_root(&mut builder);
    builder.render(&root, T::FILE_IDENTIFIER)
}

/// How a field refers to a type.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct TypeRef {
    /// Namespace of a named type, `""` otherwise.
    namespace: &'static str,
    /// `int`, `string`, or a named type's name.
    name: String,
    vector: bool,
    /// The length of a fixed struct's array field.
    array: Option<usize>,
    kind: RefKind,
    optional: bool,
    /// The default variant of an enum, when it is not the one equal to 0.
    enum_default: Option<&'static str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RefKind {
    Scalar,
    Enum,
    String,
    Table,
    Struct,
    Union,
}

impl TypeRef {
    fn builtin(name: &str, kind: RefKind) -> TypeRef {
        TypeRef {
            namespace: "",
            name: name.to_owned(),
            vector: false,
            array: None,
            kind,
            optional: false,
            enum_default: None,
        }
    }

    fn named(namespace: &'static str, name: &'static str, kind: RefKind) -> TypeRef {
        TypeRef {
            namespace,
            name: name.to_owned(),
            ..TypeRef::builtin(name, kind)
        }
    }

    /// The type of a deprecated field whose type is not known.
    pub fn opaque() -> TypeRef {
        TypeRef::builtin("ubyte", RefKind::Scalar)
    }

    /// A derived table.
    pub fn table(namespace: &'static str, name: &'static str) -> TypeRef {
        TypeRef::named(namespace, name, RefKind::Table)
    }

    /// A fixed struct.
    pub fn fixed(namespace: &'static str, name: &'static str) -> TypeRef {
        TypeRef::named(namespace, name, RefKind::Struct)
    }

    /// A union.
    pub fn union(namespace: &'static str, name: &'static str) -> TypeRef {
        TypeRef::named(namespace, name, RefKind::Union)
    }

    /// An enum whose default (when not the variant equal to 0) is
    /// `default`.
    pub fn enumeration(
        namespace: &'static str,
        name: &'static str,
        default: Option<&'static str>,
    ) -> TypeRef {
        TypeRef {
            enum_default: default,
            ..TypeRef::named(namespace, name, RefKind::Enum)
        }
    }

    /// The name as seen from `namespace`.
    fn spelled_in(&self, namespace: &str) -> String {
        let name = if self.namespace.is_empty() || self.namespace == namespace {
            self.name.clone()
        } else {
            format!("{}.{}", self.namespace, self.name)
        };
        match (self.vector, self.array) {
            (_, Some(len)) => format!("[{name}:{len}]"),
            (true, None) => format!("[{name}]"),
            (false, None) => name,
        }
    }

    fn qualified(&self) -> String {
        self.spelled_in("")
    }
}

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
                if namespace.is_empty() { name.to_owned() } else { format!("{namespace}.{name}") }
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

    fn render(&self, root: &TypeRef, identifier: Option<&str>) -> String {
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

    /// Marks the field added last as the table's key, when `key`.
    pub fn mark_key(&mut self, key: bool) {
        if !key {
            return;
        }
        if let Some((_, line)) = self.fields.last_mut() {
            if let Some(stripped) = line.strip_suffix(");\n") {
                *line = format!("{stripped}, key);\n");
            } else if let Some(stripped) = line.strip_suffix(";\n") {
                *line = format!("{stripped} (key);\n");
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

macro_rules! scalar_schemas {
    ($($ty:ty => $name:literal),* $(,)?) => {$(
        impl Schema for $ty {
            fn describe(_: &mut SchemaBuilder) -> TypeRef {
                TypeRef::builtin($name, RefKind::Scalar)
            }
        }
    )*};
}

scalar_schemas! {
    bool => "bool", u8 => "ubyte", i8 => "byte", u16 => "ushort", i16 => "short",
    u32 => "uint", i32 => "int", u64 => "ulong", i64 => "long", f32 => "float", f64 => "double",
}

impl Schema for String {
    fn describe(_: &mut SchemaBuilder) -> TypeRef {
        TypeRef::builtin("string", RefKind::String)
    }
}

impl<T: Schema> Schema for Vec<T> {
    fn describe(schema: &mut SchemaBuilder) -> TypeRef {
        TypeRef {
            vector: true,
            optional: false,
            ..T::describe(schema)
        }
    }
}

impl<T: Schema, const N: usize> Schema for [T; N] {
    fn describe(schema: &mut SchemaBuilder) -> TypeRef {
        TypeRef {
            array: Some(N),
            ..T::describe(schema)
        }
    }
}

impl<T: Schema> Schema for Option<T> {
    fn describe(schema: &mut SchemaBuilder) -> TypeRef {
        TypeRef {
            optional: true,
            ..T::describe(schema)
        }
    }
}

impl<T: Schema> Schema for Box<T> {
    fn describe(schema: &mut SchemaBuilder) -> TypeRef {
        T::describe(schema)
    }

    fn describe_root(schema: &mut SchemaBuilder) -> TypeRef {
        T::describe_root(schema)
    }

    const FILE_IDENTIFIER: Option<&'static str> = T::FILE_IDENTIFIER;
}

// ---------------------------------------------------------------------------
// Compatibility.

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

#[derive(Debug, Default)]
struct Fbs {
    types: BTreeMap<String, Decl>,
    root: Option<String>,
    file_identifier: Option<String>,
}

#[derive(Debug)]
enum Decl {
    Table {
        fixed: bool,
        fields: Vec<FbsField>,
    },
    Enum {
        underlying: String,
        values: Vec<(String, i128)>,
    },
    Union {
        variants: Vec<(String, String)>,
    },
}

#[derive(Debug, Clone)]
struct FbsField {
    name: String,
    /// Resolved: a scalar's canonical name, `string`, a qualified type
    /// name, each possibly in `[..]`.
    ty: String,
    default: Option<String>,
    id: Option<u16>,
    deprecated: bool,
    required: bool,
}

fn canonical_scalar(name: &str) -> Option<&'static str> {
    Some(match name {
        "bool" => "bool",
        "byte" | "int8" => "byte",
        "ubyte" | "uint8" => "ubyte",
        "short" | "int16" => "short",
        "ushort" | "uint16" => "ushort",
        "int" | "int32" => "int",
        "uint" | "uint32" => "uint",
        "long" | "int64" => "long",
        "ulong" | "uint64" => "ulong",
        "float" | "float32" => "float",
        "double" | "float64" => "double",
        "string" => "string",
        _ => return None,
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Num(String),
    Punct(char),
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if c == '"' {
            let start = i + 1;
            i = start;
            while i < chars.len() && chars[i] != '"' {
                i += 1;
            }
            tokens.push(Token::Str(
                chars[start..i.min(chars.len())].iter().collect(),
            ));
            i += 1;
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                i += 1;
            }
            tokens.push(Token::Ident(chars[start..i].iter().collect()));
        } else if c.is_ascii_digit()
            || ((c == '-' || c == '+')
                && chars
                    .get(i + 1)
                    .is_some_and(|d| d.is_ascii_digit() || *d == '.'))
        {
            let start = i;
            i += 1;
            while i < chars.len()
                && (chars[i].is_alphanumeric()
                    || chars[i] == '.'
                    || ((chars[i] == '-' || chars[i] == '+') && matches!(chars[i - 1], 'e' | 'E')))
            {
                i += 1;
            }
            tokens.push(Token::Num(chars[start..i].iter().collect()));
        } else if "{}()[]:;,=".contains(c) {
            tokens.push(Token::Punct(c));
            i += 1;
        } else {
            return Err(format!("unexpected character `{c}`"));
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Result<Token, String> {
        let token = self
            .tokens
            .get(self.pos)
            .cloned()
            .ok_or("unexpected end of schema")?;
        self.pos += 1;
        Ok(token)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Token::Punct(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!("expected `{c}`, found {:?}", self.peek()))
        }
    }

    fn ident(&mut self) -> Result<String, String> {
        match self.next()? {
            Token::Ident(name) => Ok(name),
            other => Err(format!("expected a name, found {other:?}")),
        }
    }

    fn value(&mut self) -> Result<String, String> {
        match self.next()? {
            Token::Ident(v) | Token::Num(v) | Token::Str(v) => Ok(v),
            other => Err(format!("expected a value, found {other:?}")),
        }
    }

    /// `(key: value, flag, ...)`, if present.
    fn attributes(&mut self) -> Result<Vec<(String, Option<String>)>, String> {
        let mut out = Vec::new();
        if !self.eat('(') {
            return Ok(out);
        }
        while !self.eat(')') {
            let key = self.ident()?;
            let value = if self.eat(':') {
                Some(self.value()?)
            } else {
                None
            };
            out.push((key, value));
            self.eat(',');
        }
        Ok(out)
    }

    /// Skips to just after the next `;` or balanced `{ }` block.
    fn skip_declaration(&mut self) -> Result<(), String> {
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Token::Punct('{') => depth += 1,
                Token::Punct('}') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Ok(());
                    }
                }
                Token::Punct(';') if depth == 0 => return Ok(()),
                _ => {}
            }
        }
    }
}

/// Raw declarations, with type names as written and their namespace.
struct RawField {
    field: FbsField,
    namespace: String,
}

fn parse(text: &str) -> Result<Fbs, String> {
    let mut parser = Parser {
        tokens: tokenize(text)?,
        pos: 0,
    };
    let mut namespace = String::new();
    let mut raw: Vec<(String, String, RawDecl)> = Vec::new();
    let mut root = None;
    let mut file_identifier = None;
    while let Some(token) = parser.peek().cloned() {
        let Token::Ident(keyword) = token else {
            return Err(format!("unexpected {token:?}"));
        };
        parser.pos += 1;
        match keyword.as_str() {
            "namespace" => {
                namespace = if parser.peek() == Some(&Token::Punct(';')) {
                    String::new()
                } else {
                    parser.ident()?
                };
                parser.expect(';')?;
            }
            "root_type" => {
                root = Some((parser.ident()?, namespace.clone()));
                parser.expect(';')?;
            }
            "file_identifier" => {
                file_identifier = Some(parser.value()?);
                parser.expect(';')?;
            }
            "table" | "struct" => {
                let name = parser.ident()?;
                parser.attributes()?;
                parser.expect('{')?;
                let mut fields = Vec::new();
                while !parser.eat('}') {
                    let field_name = parser.ident()?;
                    parser.expect(':')?;
                    let ty = if parser.eat('[') {
                        let inner = parser.ident()?;
                        let ty = if parser.eat(':') {
                            format!("[{inner}:{}]", parser.value()?)
                        } else {
                            format!("[{inner}]")
                        };
                        parser.expect(']')?;
                        ty
                    } else {
                        parser.ident()?
                    };
                    let default = if parser.eat('=') {
                        Some(parser.value()?)
                    } else {
                        None
                    };
                    let attributes = parser.attributes()?;
                    parser.expect(';')?;
                    let mut field = FbsField {
                        name: field_name,
                        ty,
                        default,
                        id: None,
                        deprecated: false,
                        required: false,
                    };
                    for (key, value) in attributes {
                        match key.as_str() {
                            "id" => field.id = value.and_then(|v| v.parse().ok()),
                            "deprecated" => field.deprecated = true,
                            "required" => field.required = true,
                            _ => {}
                        }
                    }
                    fields.push(RawField {
                        field,
                        namespace: namespace.clone(),
                    });
                }
                raw.push((
                    namespace.clone(),
                    name,
                    RawDecl::Table(keyword == "struct", fields),
                ));
            }
            "enum" => {
                let name = parser.ident()?;
                parser.expect(':')?;
                let underlying = parser.ident()?;
                parser.attributes()?;
                parser.expect('{')?;
                let mut values = Vec::new();
                let mut next: i128 = 0;
                while !parser.eat('}') {
                    let variant = parser.ident()?;
                    if parser.eat('=') {
                        let value = parser.value()?;
                        next = parse_int(&value).ok_or(format!("bad enum value `{value}`"))?;
                    }
                    parser.attributes()?;
                    values.push((variant, next));
                    next += 1;
                    parser.eat(',');
                }
                let underlying = canonical_scalar(&underlying).unwrap_or("?").to_owned();
                raw.push((namespace.clone(), name, RawDecl::Enum(underlying, values)));
            }
            "union" => {
                let name = parser.ident()?;
                parser.attributes()?;
                parser.expect('{')?;
                let mut variants = Vec::new();
                while !parser.eat('}') {
                    let variant = parser.ident()?;
                    let ty = if parser.eat(':') {
                        parser.ident()?
                    } else {
                        variant.clone()
                    };
                    if parser.eat('=') {
                        parser.value()?;
                    }
                    parser.attributes()?;
                    variants.push((variant, ty));
                    parser.eat(',');
                }
                raw.push((namespace.clone(), name, RawDecl::Union(variants)));
            }
            _ => parser.skip_declaration()?,
        }
    }

    let names: BTreeSet<String> = raw.iter().map(|(ns, name, _)| qualify(ns, name)).collect();
    let resolve = |name: &str, namespace: &str| -> String {
        if let Some(inner) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
            return match inner.split_once(':') {
                Some((element, len)) => {
                    format!("[{}:{len}]", resolve_one(&names, element, namespace))
                }
                None => format!("[{}]", resolve_one(&names, inner, namespace)),
            };
        }
        resolve_one(&names, name, namespace)
    };
    let mut fbs = Fbs {
        root: root.map(|(name, ns)| resolve(&name, &ns)),
        file_identifier,
        ..Fbs::default()
    };
    for (namespace, name, decl) in raw {
        let decl = match decl {
            RawDecl::Table(fixed, fields) => Decl::Table {
                fixed,
                fields: fields
                    .into_iter()
                    .map(|raw| FbsField {
                        ty: resolve(&raw.field.ty, &raw.namespace),
                        ..raw.field
                    })
                    .collect(),
            },
            RawDecl::Enum(underlying, values) => Decl::Enum { underlying, values },
            RawDecl::Union(variants) => Decl::Union {
                variants: variants
                    .into_iter()
                    .map(|(variant, ty)| (variant, resolve(&ty, &namespace)))
                    .collect(),
            },
        };
        fbs.types.insert(qualify(&namespace, &name), decl);
    }
    Ok(fbs)
}

enum RawDecl {
    Table(bool, Vec<RawField>),
    Enum(String, Vec<(String, i128)>),
    Union(Vec<(String, String)>),
}

fn parse_int(value: &str) -> Option<i128> {
    match value
        .strip_prefix("0x")
        .or_else(|| value.strip_prefix("0X"))
    {
        Some(hex) => i128::from_str_radix(hex, 16).ok(),
        None => value.parse().ok(),
    }
}

fn qualify(namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        name.to_owned()
    } else {
        format!("{namespace}.{name}")
    }
}

/// Looks `name` up from `namespace` outwards, as flatc does.
fn resolve_one(names: &BTreeSet<String>, name: &str, namespace: &str) -> String {
    if let Some(scalar) = canonical_scalar(name) {
        return scalar.to_owned();
    }
    let mut scope = namespace.to_owned();
    loop {
        let candidate = qualify(&scope, name);
        if names.contains(&candidate) {
            return candidate;
        }
        match scope.rfind('.') {
            Some(dot) => scope.truncate(dot),
            None if !scope.is_empty() => scope.clear(),
            None => return name.to_owned(),
        }
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

fn split_vector(ty: &str) -> (bool, &str) {
    match ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        Some(inner) => (true, inner),
        None => (false, ty),
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
