//! Any FlatBuffer to JSON, given its `.fbs` schema: a walker that reads
//! the payload the way the schema lays it out, with the verifier's checks
//! on every read, and prints what `flatc --json --strict-json` prints.

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};
use std::sync::{Mutex, PoisonError};

use flatbuffers::VerifierOptions;

use super::layout::{self, Layout, Scalar, Ty};
use super::parse;
use crate::error::{Error, VerifyError, VerifyErrorKind};
use crate::verify::{Checked, Checker, TableAt};

/// A `.fbs` schema read for printing payloads as JSON: every table,
/// struct, enum and union with its layout resolved.
///
/// [`to_json`](Self::to_json) prints one payload as one line of JSON,
/// value for value what `flatc --json --strict-json --raw-binary` prints
/// for the same schema and bytes:
///
/// - fields in the order of their ids, those absent from the payload
///   left out, except a scalar `key`, printed with its default (as flatc
///   does); fields marked `deprecated` but present are printed (as flatc
///   does);
/// - enums by name, unknown values as numbers, `bit_flags` enums as
///   space-separated names; a union as its `<field>_type` (the variant's
///   name) and its value table;
/// - integers of every width exactly; floats in the shortest form that
///   reads back to the same `f32` or `f64` (flatc rounds to 6 or 12
///   decimals); NaN and infinities, which JSON cannot hold, as the strings
///   `"nan"`, `"inf"` and `"-inf"` (which flatc reads back);
/// - strings escaped as flatc escapes them: `\n`, `\"` and the like,
///   other control and non-ASCII characters as `\uXXXX` (surrogate pairs
///   above U+FFFF);
/// - compact, on one line, with no spaces.
///
/// The payload is never trusted: every offset, length and vtable is
/// checked before it is followed, with the rules and limits of the
/// verifier of derived types ([`VerifierOptions`]: depth, table count,
/// apparent size), so hostile bytes give an [`Error::Verification`] with
/// the byte offset and the field path, never a panic. As with flatc's
/// `--raw-binary`, the `file_identifier` is not required.
///
/// Not supported: vectors of unions (neither is flatc 2.0.8's JSON
/// output), `nested_flatbuffer` and `flexbuffer` fields (printed as the
/// byte vectors they are stored as), `include`.
///
/// # Examples
///
/// ```
/// use flatstream::schema::SchemaDoc;
/// use flatstream::StreamSerialize;
///
/// #[derive(StreamSerialize, Debug, Clone, PartialEq)]
/// pub struct Ping { pub seq: u32, pub note: Option<String>, pub temps: Vec<f32> }
///
/// let doc = SchemaDoc::parse(&flatstream::schema::<Ping>())?;
/// let ping = Ping { seq: 7, note: Some("hi \"there\"".into()), temps: vec![21.5, 0.1] };
/// let mut builder = flatstream::flatbuffers::FlatBufferBuilder::new();
/// ping.serialize(&mut builder)?;
///
/// let mut json = String::new();
/// doc.to_json(None, builder.finished_data(), &mut json)?;
/// assert_eq!(json, r#"{"seq":7,"note":"hi \"there\"","temps":[21.5,0.1]}"#);
///
/// // Damage is an error with the field path, not a panic.
/// let truncated = &builder.finished_data()[..20];
/// let err = doc.to_json(None, truncated, &mut json).unwrap_err();
/// assert!(err.to_string().contains("Ping"), "{err}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SchemaDoc {
    layout: Layout,
    root_type: Option<String>,
    file_identifier: Option<String>,
}

/// A schema that cannot be read, or that lacks the type asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError(String);

impl SchemaError {
    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SchemaError {}

impl SchemaDoc {
    /// Reads `fbs`: its tables, structs, enums, unions, `root_type` and
    /// `file_identifier`, with type names resolved across namespaces as
    /// flatc resolves them.
    ///
    /// # Errors
    ///
    /// When the text is not a schema this reader understands, names a
    /// type it does not define, or lays out a struct that contains
    /// itself.
    pub fn parse(fbs: &str) -> Result<SchemaDoc, SchemaError> {
        let parsed = parse::parse(fbs).map_err(SchemaError)?;
        let layout = layout::resolve(&parsed).map_err(SchemaError)?;
        Ok(SchemaDoc {
            layout,
            root_type: parsed.root,
            file_identifier: parsed.file_identifier,
        })
    }

    /// The schema's `root_type`, qualified with its namespace.
    pub fn root_type(&self) -> Option<&str> {
        self.root_type.as_deref()
    }

    /// The schema's `file_identifier`.
    pub fn file_identifier(&self) -> Option<&str> {
        self.file_identifier.as_deref()
    }

    /// The qualified name of the table `name` designates: a qualified
    /// name (`a.b.Monster`), or a name without namespace when only one
    /// table has it; with `None`, the schema's `root_type`.
    ///
    /// # Errors
    ///
    /// When no table (or more than one) has that name, or when `name` is
    /// `None` and the schema has no `root_type`.
    pub fn table(&self, name: Option<&str>) -> Result<&str, SchemaError> {
        self.find_table(name)
            .map(|(qualified, _)| qualified.as_str())
    }

    fn find_table(&self, name: Option<&str>) -> Result<(&String, usize), SchemaError> {
        let names = &self.layout.table_names;
        let name = match (name, &self.root_type) {
            (Some(name), _) => name,
            (None, Some(root)) => root,
            (None, None) => {
                return Err(SchemaError(
                    "the schema has no root_type: name the root table".into(),
                ))
            }
        };
        if let Some((qualified, index)) = names.get_key_value(name) {
            return Ok((qualified, *index));
        }
        let suffix = format!(".{name}");
        let matches: Vec<(&String, &usize)> = names
            .iter()
            .filter(|(qualified, _)| qualified.ends_with(&suffix))
            .collect();
        match matches.as_slice() {
            [(qualified, index)] => Ok((qualified, **index)),
            [] => Err(SchemaError(format!("the schema has no table `{name}`"))),
            several => Err(SchemaError(format!(
                "`{name}` names several tables: {}",
                several
                    .iter()
                    .map(|(qualified, _)| qualified.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// Appends `payload`, a FlatBuffer whose root is the table
    /// `root_type` (the schema's `root_type` when `None`; see
    /// [`table`](Self::table) for the names accepted), to `out` as one
    /// line of JSON, without a newline, under the default
    /// [`VerifierOptions`].
    ///
    /// # Errors
    ///
    /// [`Error::Schema`] when the schema has no such table;
    /// [`Error::Verification`] when the payload is not a valid buffer of
    /// it, with the byte offset and the field path
    /// (`Monster.weapons[2].name`). `out` is left as it was.
    pub fn to_json(
        &self,
        root_type: Option<&str>,
        payload: &[u8],
        out: &mut String,
    ) -> Result<(), Error> {
        self.to_json_with(root_type, payload, &VerifierOptions::default(), out)
    }

    /// [`to_json`](Self::to_json) with the limits of `options`: nesting
    /// depth, table count and apparent size.
    ///
    /// # Errors
    ///
    /// As [`to_json`](Self::to_json).
    pub fn to_json_with(
        &self,
        root_type: Option<&str>,
        payload: &[u8],
        options: &VerifierOptions,
        out: &mut String,
    ) -> Result<(), Error> {
        let (_, root) = self.find_table(root_type)?;
        let start = out.len();
        let mut checker = Checker::new(payload, options);
        let mut walk = Walk {
            layout: &self.layout,
            out,
            path: Vec::new(),
        };
        match checker.root(|checker, pos| walk.table(checker, root, pos)) {
            Ok(_) => Ok(()),
            Err(_) => {
                walk.out.truncate(start);
                let found = checker.into_error("");
                let path = walk.path(&self.layout.tables[root].name);
                Err(VerifyError::new(found.kind().clone(), found.offset(), path).into())
            }
        }
    }
}

/// One step of the path to a failure.
enum Segment<'s> {
    Field(&'s str),
    Element(usize),
    Variant(&'s str),
}

/// The walk of one payload: where the JSON goes, and where it is.
struct Walk<'s, 'o> {
    layout: &'s Layout,
    out: &'o mut String,
    /// The path to the value being printed; left as it is on failure.
    path: Vec<Segment<'s>>,
}

impl<'s> Walk<'s, '_> {
    fn path(&self, root: &str) -> String {
        let mut path = root.to_owned();
        for segment in &self.path {
            let _ = match segment {
                Segment::Field(name) => write!(path, ".{name}"),
                Segment::Element(index) => write!(path, "[{index}]"),
                Segment::Variant(name) => write!(path, "({name})"),
            };
        }
        path
    }

    fn key(&mut self, first: &mut bool, name: &str) {
        if !std::mem::take(first) {
            self.out.push(',');
        }
        push_string(self.out, name);
        self.out.push(':');
    }

    fn table(&mut self, checker: &mut Checker<'_>, index: usize, pos: usize) -> Checked {
        let table = checker.enter_table(pos)?;
        let def = &self.layout.tables[index];
        self.out.push('{');
        let mut first = true;
        for field in &def.fields {
            let Some(at) = checker.field(&table, field.at as u16) else {
                if let Some(default) = &field.absent_key {
                    self.key(&mut first, &field.name);
                    self.out.push_str(default);
                }
                continue;
            };
            self.key(&mut first, &field.name);
            self.path.push(Segment::Field(&field.name));
            match &field.ty {
                Ty::Union(union) => self.union(checker, &table, field.at, *union, at)?,
                ty => self.value(checker, ty, at)?,
            }
            self.path.pop();
        }
        self.out.push('}');
        checker.leave_table();
        Ok(())
    }

    /// The value of a union whose offset is at `pos`, its tag in the
    /// slot before `slot`.
    fn union(
        &mut self,
        checker: &mut Checker<'_>,
        table: &TableAt<'_>,
        slot: usize,
        index: usize,
        pos: usize,
    ) -> Checked {
        let def = &self.layout.unions[index];
        let union_name = intern(&def.name);
        let tag = match checker.field(table, (slot - 2) as u16) {
            Some(tag_at) => {
                let [tag] = checker.discriminant::<u8, 1>(tag_at)?;
                Some((tag, tag_at))
            }
            None => None,
        };
        let variant = match tag {
            None | Some((0, _)) => {
                let kind = VerifyErrorKind::InconsistentUnion {
                    union_name,
                    has_tag: false,
                };
                return Err(checker.fail(kind, Checker::table_pos(table)));
            }
            Some((tag, tag_at)) => match def.variants.iter().find(|(t, _, _)| *t == tag) {
                Some(variant) => variant,
                None => {
                    let kind = VerifyErrorKind::UnknownUnionTag { union_name, tag };
                    return Err(checker.fail(kind, tag_at));
                }
            },
        };
        let (_, name, table_index) = variant;
        self.path.push(Segment::Variant(name));
        let target = checker.offset(pos)?;
        self.table(checker, *table_index, target)?;
        self.path.pop();
        Ok(())
    }

    /// The value of type `ty` at `pos` (in a table or a vector).
    fn value(&mut self, checker: &mut Checker<'_>, ty: &'s Ty, pos: usize) -> Checked {
        match ty {
            Ty::Scalar(scalar) => {
                let bytes = read_scalar(checker, *scalar, pos)?;
                push_scalar(self.out, *scalar, bytes);
            }
            Ty::Enum(scalar, index) => {
                let bytes = read_scalar(checker, *scalar, pos)?;
                let value = int_value(*scalar, bytes);
                push_enum(self.out, value, &self.layout.enums[*index]);
            }
            Ty::UnionType(index) => {
                let [tag] = checker.discriminant::<u8, 1>(pos)?;
                push_union_type(self.out, tag, &self.layout.unions[*index]);
            }
            Ty::String => {
                let target = checker.offset(pos)?;
                let text = checker.string_value(target)?;
                push_string(self.out, text);
            }
            Ty::Table(index) => {
                let target = checker.offset(pos)?;
                self.table(checker, *index, target)?;
            }
            Ty::Struct(index) => {
                let size = self.layout.structs[*index].size;
                checker.range("fixed struct", pos, size)?;
                self.structure(*index, checker.slice(pos, size));
            }
            Ty::Vector(element) => {
                let target = checker.offset(pos)?;
                self.vector(checker, element, target)?;
            }
            // A table's field is never an array, and a union's value is
            // printed by `union`.
            Ty::Array(..) | Ty::Union(_) => {}
        }
        Ok(())
    }

    fn vector(&mut self, checker: &mut Checker<'_>, element: &'s Ty, pos: usize) -> Checked {
        self.out.push('[');
        match element {
            Ty::Scalar(scalar) | Ty::Enum(scalar, _) => {
                let size = scalar.size();
                let (start, len) = checker.vector(pos, size, size)?;
                for i in 0..len {
                    if i > 0 {
                        self.out.push(',');
                    }
                    let bytes = checker.slice(start + i * size, size);
                    match element {
                        Ty::Enum(_, index) => {
                            let value = int_value(*scalar, bytes);
                            push_enum(self.out, value, &self.layout.enums[*index]);
                        }
                        _ => push_scalar(self.out, *scalar, bytes),
                    }
                }
            }
            Ty::Struct(index) => {
                let size = self.layout.structs[*index].size;
                let (start, len) = checker.vector(pos, size, 1)?;
                for i in 0..len {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.structure(*index, checker.slice(start + i * size, size));
                }
            }
            _ => {
                let (start, len) = checker.vector(pos, 4, 4)?;
                for i in 0..len {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.path.push(Segment::Element(i));
                    self.value(checker, element, start + i * 4)?;
                    self.path.pop();
                }
            }
        }
        self.out.push(']');
        Ok(())
    }

    /// A struct from its bytes, which a check found in the buffer.
    fn structure(&mut self, index: usize, bytes: &[u8]) {
        let def = &self.layout.structs[index];
        self.out.push('{');
        let mut first = true;
        for field in &def.fields {
            self.key(&mut first, &field.name);
            self.inline(&field.ty, bytes.get(field.at..).unwrap_or(&[]));
        }
        self.out.push('}');
    }

    /// A struct's field, from the bytes it starts at.
    fn inline(&mut self, ty: &Ty, bytes: &[u8]) {
        match ty {
            Ty::Scalar(scalar) => push_scalar(self.out, *scalar, bytes),
            Ty::Enum(scalar, index) => {
                let value = int_value(*scalar, bytes);
                push_enum(self.out, value, &self.layout.enums[*index]);
            }
            Ty::Struct(index) => self.structure(*index, bytes),
            Ty::Array(element, len) => {
                let size = match **element {
                    Ty::Struct(index) => self.layout.structs[index].size,
                    Ty::Scalar(scalar) | Ty::Enum(scalar, _) => scalar.size(),
                    _ => 0,
                };
                self.out.push('[');
                for i in 0..*len {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.inline(element, bytes.get(i * size..).unwrap_or(&[]));
                }
                self.out.push(']');
            }
            // Structs hold nothing else.
            _ => {}
        }
    }
}

/// The bytes of a scalar at `pos`: aligned and in the buffer.
fn read_scalar<'a>(checker: &mut Checker<'a>, scalar: Scalar, pos: usize) -> Checked<&'a [u8]> {
    match scalar {
        Scalar::Bool => checker.scalar::<bool>(pos)?,
        Scalar::I8 => checker.scalar::<i8>(pos)?,
        Scalar::U8 => checker.scalar::<u8>(pos)?,
        Scalar::I16 => checker.scalar::<i16>(pos)?,
        Scalar::U16 => checker.scalar::<u16>(pos)?,
        Scalar::I32 => checker.scalar::<i32>(pos)?,
        Scalar::U32 => checker.scalar::<u32>(pos)?,
        Scalar::I64 => checker.scalar::<i64>(pos)?,
        Scalar::U64 => checker.scalar::<u64>(pos)?,
        Scalar::F32 => checker.scalar::<f32>(pos)?,
        Scalar::F64 => checker.scalar::<f64>(pos)?,
    }
    Ok(checker.slice(pos, scalar.size()))
}

/// The little-endian bits of the first `scalar.size()` bytes (zeros past
/// the end of `bytes`, which a check has ruled out).
fn bits(scalar: Scalar, bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    for (to, from) in word.iter_mut().zip(bytes.iter().take(scalar.size())) {
        *to = *from;
    }
    u64::from_le_bytes(word)
}

/// The value of an integer (or bool) scalar.
fn int_value(scalar: Scalar, bytes: &[u8]) -> i128 {
    let raw = bits(scalar, bytes);
    match scalar {
        Scalar::Bool => i128::from(raw != 0),
        Scalar::I8 => i128::from(raw as u8 as i8),
        Scalar::I16 => i128::from(raw as u16 as i16),
        Scalar::I32 => i128::from(raw as u32 as i32),
        Scalar::I64 => i128::from(raw as i64),
        _ => i128::from(raw),
    }
}

fn push_scalar(out: &mut String, scalar: Scalar, bytes: &[u8]) {
    match scalar {
        Scalar::Bool => out.push_str(if bits(scalar, bytes) != 0 {
            "true"
        } else {
            "false"
        }),
        Scalar::F32 => push_f32(out, f32::from_bits(bits(scalar, bytes) as u32)),
        Scalar::F64 => push_f64(out, f64::from_bits(bits(scalar, bytes))),
        _ => {
            let _ = write!(out, "{}", int_value(scalar, bytes));
        }
    }
}

/// A float in the shortest form that reads back to the same `f32`;
/// non-finite values as strings.
pub(super) fn push_f32(out: &mut String, value: f32) {
    if value.is_finite() {
        let _ = write!(out, "{value:?}");
    } else {
        push_f64(out, f64::from(value));
    }
}

/// A float in the shortest form that reads back to the same `f64`;
/// non-finite values as strings.
pub(super) fn push_f64(out: &mut String, value: f64) {
    if value.is_nan() {
        out.push_str("\"nan\"");
    } else if value.is_infinite() {
        out.push_str(if value > 0.0 { "\"inf\"" } else { "\"-inf\"" });
    } else {
        // `Debug` prints `1.0`, `0.1`, `1e-7`, `1.5e300`: all JSON.
        let _ = write!(out, "{value:?}");
    }
}

/// An enum value as flatc prints it: its name, the names of its flags,
/// or the number.
pub(super) fn enum_json(value: i128, def: &layout::EnumDef) -> String {
    let mut out = String::new();
    push_enum(&mut out, value, def);
    out
}

fn push_enum(out: &mut String, value: i128, def: &layout::EnumDef) {
    if let Some((_, name)) = def.values.iter().find(|(v, _)| *v == value) {
        push_string(out, name);
        return;
    }
    if def.bit_flags && value > 0 {
        let mut flags: Vec<&(i128, String)> = def
            .values
            .iter()
            .filter(|(flag, _)| flag & value != 0)
            .collect();
        flags.sort_by_key(|(flag, _)| *flag);
        let mask = flags.iter().fold(0, |mask, (flag, _)| mask | flag);
        if mask == value {
            let names: Vec<&str> = flags.iter().map(|(_, name)| name.as_str()).collect();
            push_string(out, &names.join(" "));
            return;
        }
    }
    let _ = write!(out, "{value}");
}

fn push_union_type(out: &mut String, tag: u8, def: &layout::UnionDef) {
    match def.variants.iter().find(|(t, _, _)| *t == tag) {
        Some((_, name, _)) => push_string(out, name),
        None if tag == 0 => out.push_str("\"NONE\""),
        None => {
            let _ = write!(out, "{tag}");
        }
    }
}

/// `text` as a JSON string, escaped as flatc escapes it.
fn push_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04X}");
                }
            }
        }
    }
    out.push('"');
}

/// `name` with a `'static` lifetime, for the error kinds that name a
/// union. Each distinct name is leaked once: there are as many as the
/// schemas read have unions.
fn intern(name: &str) -> &'static str {
    static NAMES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(interned) = names.get(name) {
        return interned;
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(fbs: &str, payload: &[u8]) -> Result<String, Error> {
        let doc = SchemaDoc::parse(fbs).unwrap();
        let mut out = String::new();
        doc.to_json(None, payload, &mut out).map(|()| out)
    }

    #[test]
    fn strings_are_escaped_as_flatc_escapes_them() {
        let mut out = String::new();
        push_string(&mut out, "a\"b\\c\n\t\r\u{8}\u{c}\u{1}\u{7f}é😀/");
        assert_eq!(out, r#""a\"b\\c\n\t\r\b\f\u0001\u007F\u00E9\uD83D\uDE00/""#);
    }

    /// `value` written by `push` and parsed back.
    fn read_back<T: core::str::FromStr>(push: fn(&mut String, T), value: T) -> T
    where
        T::Err: core::fmt::Debug,
    {
        let mut out = String::new();
        push(&mut out, value);
        out.parse().unwrap_or_else(|err| panic!("{out}: {err:?}"))
    }

    #[test]
    fn floats_read_back_exactly() {
        for value in [
            0.1f64,
            1.0,
            -0.0,
            1e-300,
            1.7976931348623157e308,
            123456.789,
        ] {
            assert_eq!(read_back(push_f64, value).to_bits(), value.to_bits());
        }
        for value in [0.1f32, 3.4028235e38, 1e-45, 16777217.0, 2.7182817e-5] {
            assert_eq!(read_back(push_f32, value).to_bits(), value.to_bits());
        }
        let mut out = String::new();
        push_f32(&mut out, f32::NAN);
        push_f64(&mut out, f64::NEG_INFINITY);
        assert_eq!(out, "\"nan\"\"-inf\"");
    }

    #[test]
    fn bit_flags_print_as_names() {
        let fbs = "enum F : ubyte (bit_flags) { X, Y, Z } table T { f: F; } root_type T;";
        let doc = SchemaDoc::parse(fbs).unwrap();
        let def = &doc.layout.enums[0];
        assert_eq!(enum_json(5, def), "\"X Z\"");
        assert_eq!(enum_json(2, def), "\"Y\"");
        assert_eq!(enum_json(8, def), "8");
        assert_eq!(enum_json(0, def), "0");
    }

    #[test]
    fn struct_layout_pads_and_aligns() {
        let fbs =
            "struct In { a: short; } struct Out (force_align: 16) { b: byte; i: In; l: long; }
                   struct P { v: bool; d: double; c: [short:3]; } table T { o: Out; } root_type T;";
        let doc = SchemaDoc::parse(fbs).unwrap();
        let sizes: Vec<(usize, usize)> = doc
            .layout
            .structs
            .iter()
            .map(|s| (s.size, s.align))
            .collect();
        // In, Out, P in name order.
        assert_eq!(sizes, [(2, 2), (16, 16), (24, 8)]);
        let offsets: Vec<usize> = doc.layout.structs[1].fields.iter().map(|f| f.at).collect();
        assert_eq!(offsets, [0, 2, 8]);
    }

    #[test]
    fn bad_schemas_are_errors() {
        for (fbs, expected) in [
            ("struct S { s: S; } table T { s: S; }", "contains itself"),
            ("table T { x: Nope; }", "unknown type `Nope`"),
            (
                "table A {} union U { A } table T { u: [U]; }",
                "vectors of unions",
            ),
            (
                "struct S { s: string; } table T { s: S; }",
                "a struct can hold",
            ),
        ] {
            let err = SchemaDoc::parse(fbs).unwrap_err();
            assert!(err.message().contains(expected), "{fbs}: {err}");
        }
    }

    #[test]
    fn root_types_are_found_by_short_or_qualified_name() {
        let doc = SchemaDoc::parse(
            "namespace a; table T {} namespace b; table T {} table U {} root_type U;",
        )
        .unwrap();
        assert_eq!(doc.table(None).unwrap(), "b.U");
        assert_eq!(doc.table(Some("U")).unwrap(), "b.U");
        assert_eq!(doc.table(Some("a.T")).unwrap(), "a.T");
        assert!(doc
            .table(Some("T"))
            .unwrap_err()
            .message()
            .contains("several"));
        assert!(doc.table(Some("V")).is_err());
    }

    #[test]
    fn hostile_payloads_are_typed_errors() {
        let fbs = "table T { s: string; v: [int]; } root_type T;";
        for payload in [&[][..], &[1, 2, 3], &[200, 0, 0, 0, 0, 0, 0, 0]] {
            match json(fbs, payload) {
                Err(Error::Verification(err)) => assert_eq!(err.path(), "T"),
                other => panic!("{payload:?}: {other:?}"),
            }
        }
    }
}
