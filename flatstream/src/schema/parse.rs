//! Reading a `.fbs` schema back, as far as the compatibility check needs:
//! tables, structs, enums, unions, `root_type` and `file_identifier`, with
//! type names resolved across namespaces as flatc does.

use std::collections::{BTreeMap, BTreeSet};

use super::qualify;

#[derive(Debug, Default)]
pub(super) struct Fbs {
    pub(super) types: BTreeMap<String, Decl>,
    pub(super) root: Option<String>,
    pub(super) file_identifier: Option<String>,
    /// The attributes of each table, struct, enum and union, by qualified
    /// name (`force_align`, `bit_flags`...).
    pub(super) attributes: BTreeMap<String, Vec<(String, Option<String>)>>,
}

#[derive(Debug)]
pub(super) enum Decl {
    Table {
        fixed: bool,
        fields: Vec<FbsField>,
    },
    Enum {
        underlying: String,
        values: Vec<(String, i128)>,
    },
    Union {
        /// `(variant name, table, type tag)`.
        variants: Vec<(String, String, i128)>,
    },
}

#[derive(Debug, Clone)]
pub(super) struct FbsField {
    pub(super) name: String,
    /// Resolved: a scalar's canonical name, `string`, a qualified type
    /// name, each possibly in `[..]`.
    pub(super) ty: String,
    pub(super) default: Option<String>,
    pub(super) id: Option<u16>,
    pub(super) deprecated: bool,
    pub(super) required: bool,
    pub(super) key: bool,
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

pub(super) fn parse(text: &str) -> Result<Fbs, String> {
    let mut parser = Parser {
        tokens: tokenize(text)?,
        pos: 0,
    };
    let mut namespace = String::new();
    let mut raw: Vec<(String, String, RawDecl)> = Vec::new();
    let mut root = None;
    let mut file_identifier = None;
    let mut attributes = Vec::new();
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
                attributes.push((qualify(&namespace, &name), parser.attributes()?));
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
                        key: false,
                    };
                    for (key, value) in attributes {
                        match key.as_str() {
                            "id" => field.id = value.and_then(|v| v.parse().ok()),
                            "deprecated" => field.deprecated = true,
                            "required" => field.required = true,
                            "key" => field.key = true,
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
                let enum_attributes = parser.attributes()?;
                // In a `bit_flags` enum a value names a bit: `B = 3` is 8.
                let bit_flags = enum_attributes.iter().any(|(key, _)| key == "bit_flags");
                attributes.push((qualify(&namespace, &name), enum_attributes));
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
                    let value = match bit_flags {
                        true if (0..64).contains(&next) => 1i128 << next,
                        true => return Err(format!("bad bit_flags bit {next}")),
                        false => next,
                    };
                    values.push((variant, value));
                    next += 1;
                    parser.eat(',');
                }
                let underlying = canonical_scalar(&underlying).unwrap_or("?").to_owned();
                raw.push((namespace.clone(), name, RawDecl::Enum(underlying, values)));
            }
            "union" => {
                let name = parser.ident()?;
                attributes.push((qualify(&namespace, &name), parser.attributes()?));
                parser.expect('{')?;
                let mut variants = Vec::new();
                // Tag 0 is the implicit `NONE`.
                let mut next: i128 = 1;
                while !parser.eat('}') {
                    let variant = parser.ident()?;
                    let ty = if parser.eat(':') {
                        parser.ident()?
                    } else {
                        variant.clone()
                    };
                    if parser.eat('=') {
                        let value = parser.value()?;
                        next = parse_int(&value).ok_or(format!("bad union tag `{value}`"))?;
                    }
                    parser.attributes()?;
                    variants.push((variant, ty, next));
                    next += 1;
                    parser.eat(',');
                }
                raw.push((namespace.clone(), name, RawDecl::Union(variants)));
            }
            _ => parser.skip_declaration()?,
        }
    }

    let names: BTreeSet<String> = raw.iter().map(|(ns, name, _)| qualify(ns, name)).collect();
    let resolve = |name: &str, namespace: &str| -> String {
        if let (true, inner) = split_vector(name) {
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
        attributes: attributes.into_iter().collect(),
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
                    .map(|(variant, ty, tag)| (variant, resolve(&ty, &namespace), tag))
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
    Union(Vec<(String, String, i128)>),
}

pub(super) fn parse_int(value: &str) -> Option<i128> {
    match value
        .strip_prefix("0x")
        .or_else(|| value.strip_prefix("0X"))
    {
        Some(hex) => i128::from_str_radix(hex, 16).ok(),
        None => value.parse().ok(),
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

/// `(true, element)` for a vector type `[element]`, `(false, ty)` otherwise.
pub(super) fn split_vector(ty: &str) -> (bool, &str) {
    match ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        Some(inner) => (true, inner),
        None => (false, ty),
    }
}
