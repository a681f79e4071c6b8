//! The model of a derive input: what each field stores and how, keeping the
//! `syn` nodes for spans. Built by [`Container::from_ast`], checked by
//! `check.rs`, turned into code by `expand/`.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Attribute, DeriveInput, Expr, GenericArgument, Ident, PathArguments, Type, Visibility};

use crate::attr::{ContainerAttrs, FieldAttrs, VariantAttrs};
use crate::ctxt::Ctxt;

/// What every unsupported-type message ends with.
pub const SUPPORTED: &str =
    "supported field types are bool, u8, u16, u32, u64, i8, i16, i32, i64, \
     f32, f64, String, Vec<u8>, Vec<T> of those, derived structs and unit enums, \
     Box<T> of a derived struct, and Option<T> of any of these";

/// A struct or enum deriving `StreamSerialize`.
pub struct Container<'a> {
    pub ident: &'a Ident,
    pub vis: &'a Visibility,
    pub attrs: ContainerAttrs,
    pub data: Data<'a>,
    pub original: &'a DeriveInput,
}

/// The shapes a container can take.
pub enum Data<'a> {
    /// A struct with named fields: a FlatBuffers table.
    Table(Vec<Field<'a>>),
    /// A `#[flatstream(fixed)]` struct: a FlatBuffers struct.
    Fixed(Vec<Field<'a>>),
    /// An enum of unit variants: a FlatBuffers enum.
    Enum(EnumDef<'a>),
    /// An enum whose variants hold one table each: a FlatBuffers union.
    Union(Vec<UnionVariant<'a>>),
    /// Anything else; the error is already recorded.
    Unsupported,
}

/// A named field of a table.
pub struct Field<'a> {
    pub ident: &'a Ident,
    pub vis: &'a Visibility,
    pub ty: &'a Type,
    pub attrs: FieldAttrs,
    /// What the field stores; `None` for `skip` and `deprecated` fields and
    /// for unsupported types (whose error is recorded).
    pub kind: Option<Kind>,
    /// The field's slot index, set by `check.rs` (`None` for `skip`): with
    /// explicit ids, the first slot the field takes; without, its position
    /// among slotted fields, to which every union before it adds one.
    pub id: Option<u16>,
    /// Without explicit ids, the types of earlier fields that may be
    /// unions (two slots each); set by `check.rs`.
    pub earlier: Vec<&'a Type>,
    pub docs: Vec<&'a Attribute>,
}

impl Field<'_> {
    /// Whether the field is written and read.
    pub fn is_stored(&self) -> bool {
        self.attrs.skip.is_none() && self.attrs.deprecated.is_none()
    }
}

/// What a field stores.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Scalar(Scalar),
    String,
    /// `Vec<u8>`, read as a byte slice.
    Bytes,
    Vector(Element),
    /// A derived struct or unit enum: which one is known only to the trait
    /// system, so the generated code goes through `Field` either way.
    Named,
    /// `Box<T>`.
    Boxed(Box<Kind>),
    Optional(Box<Kind>),
    /// `[T; N]` in a fixed struct: a FlatBuffers array.
    Array,
}

impl Kind {
    /// Whether the field may be a union, which takes two slots: only the
    /// type system knows.
    pub fn maybe_union(&self) -> bool {
        match self {
            Kind::Named => true,
            Kind::Boxed(inner) | Kind::Optional(inner) => inner.maybe_union(),
            _ => false,
        }
    }

    /// Bytes inline in the table, when known without the type system.
    pub fn width(&self) -> Option<usize> {
        match self {
            Kind::Scalar(scalar) => Some(scalar.width()),
            Kind::String | Kind::Bytes | Kind::Vector(_) => Some(4),
            Kind::Named | Kind::Array => None,
            Kind::Boxed(inner) | Kind::Optional(inner) => inner.width(),
        }
    }
}

/// The element of a `Vec` other than `Vec<u8>`.
#[derive(Clone, Debug, PartialEq)]
pub enum Element {
    Scalar(Scalar),
    String,
    Named,
}

/// A FlatBuffers scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    Bool,
    U8,
    I8,
    U16,
    I16,
    U32,
    I32,
    U64,
    I64,
    F32,
    F64,
}

impl Scalar {
    fn from_name(name: &str) -> Option<Scalar> {
        Some(match name {
            "bool" => Scalar::Bool,
            "u8" => Scalar::U8,
            "i8" => Scalar::I8,
            "u16" => Scalar::U16,
            "i16" => Scalar::I16,
            "u32" => Scalar::U32,
            "i32" => Scalar::I32,
            "u64" => Scalar::U64,
            "i64" => Scalar::I64,
            "f32" => Scalar::F32,
            "f64" => Scalar::F64,
            _ => return None,
        })
    }

    pub fn width(self) -> usize {
        match self {
            Scalar::Bool | Scalar::U8 | Scalar::I8 => 1,
            Scalar::U16 | Scalar::I16 => 2,
            Scalar::U32 | Scalar::I32 | Scalar::F32 => 4,
            Scalar::U64 | Scalar::I64 | Scalar::F64 => 8,
        }
    }

    pub fn is_float(self) -> bool {
        matches!(self, Scalar::F32 | Scalar::F64)
    }

    /// The Rust type's name.
    pub fn name(self) -> &'static str {
        match self {
            Scalar::Bool => "bool",
            Scalar::U8 => "u8",
            Scalar::I8 => "i8",
            Scalar::U16 => "u16",
            Scalar::I16 => "i16",
            Scalar::U32 => "u32",
            Scalar::I32 => "i32",
            Scalar::U64 => "u64",
            Scalar::I64 => "i64",
            Scalar::F32 => "f32",
            Scalar::F64 => "f64",
        }
    }

    /// The type's name in a `.fbs` schema.
    pub fn fbs_name(self) -> &'static str {
        match self {
            Scalar::Bool => "bool",
            Scalar::U8 => "ubyte",
            Scalar::I8 => "byte",
            Scalar::U16 => "ushort",
            Scalar::I16 => "short",
            Scalar::U32 => "uint",
            Scalar::I32 => "int",
            Scalar::U64 => "ulong",
            Scalar::I64 => "long",
            Scalar::F32 => "float",
            Scalar::F64 => "double",
        }
    }

    /// The values an integer scalar holds (`i64`'s for the others).
    pub fn range(self) -> (i128, i128) {
        match self {
            Scalar::U8 => (0, u8::MAX.into()),
            Scalar::I8 => (i8::MIN.into(), i8::MAX.into()),
            Scalar::U16 => (0, u16::MAX.into()),
            Scalar::I16 => (i16::MIN.into(), i16::MAX.into()),
            Scalar::U32 => (0, u32::MAX.into()),
            Scalar::I32 => (i32::MIN.into(), i32::MAX.into()),
            Scalar::U64 => (0, u64::MAX.into()),
            _ => (i64::MIN.into(), i64::MAX.into()),
        }
    }
}

/// A unit enum.
pub struct EnumDef<'a> {
    pub repr: Repr,
    pub variants: Vec<Variant<'a>>,
}

/// A unit variant with its discriminant.
pub struct Variant<'a> {
    pub ident: &'a Ident,
    pub value: i128,
    /// Where the discriminant is written, or the variant's name if implicit.
    pub value_span: Span,
    pub attrs: VariantAttrs,
}

/// A variant of a union: `Name(Table)`, or the unit `#[flatstream(other)]`
/// variant (`ty` is `None`).
pub struct UnionVariant<'a> {
    pub ident: &'a Ident,
    /// The table's type (inside the `Box` for `Name(Box<Table>)`).
    pub ty: Option<&'a Type>,
    /// Whether the variant holds `Box<Table>`.
    pub boxed: bool,
}

/// The integer type under an enum: one of the integer scalars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Repr(Scalar);

impl Repr {
    /// `u8`, the default.
    pub const U8: Repr = Repr(Scalar::U8);

    fn from_name(name: &str) -> Option<Repr> {
        Scalar::from_name(name)
            .filter(|scalar| !scalar.is_float() && *scalar != Scalar::Bool)
            .map(Repr)
    }

    pub fn scalar(self) -> Scalar {
        self.0
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    pub fn range(self) -> (i128, i128) {
        self.0.range()
    }
}

impl<'a> Container<'a> {
    /// Builds the model, recording every problem in `ctxt`.
    pub fn from_ast(ctxt: &Ctxt, input: &'a DeriveInput) -> Container<'a> {
        let attrs = ContainerAttrs::parse(ctxt, &input.attrs);
        let data = match &input.data {
            syn::Data::Struct(data) => match &data.fields {
                syn::Fields::Named(fields) => {
                    let fields = fields
                        .named
                        .iter()
                        .filter_map(|f| Field::from_ast(ctxt, f, attrs.fixed.is_some()))
                        .collect();
                    if attrs.fixed.is_some() {
                        Data::Fixed(fields)
                    } else {
                        Data::Table(fields)
                    }
                }
                syn::Fields::Unnamed(fields) => {
                    ctxt.error_spanned_by(
                        fields,
                        "tuple structs are not supported: a FlatBuffers table needs named fields",
                    );
                    Data::Unsupported
                }
                syn::Fields::Unit => {
                    ctxt.error_spanned_by(
                        input,
                        "unit structs are not supported: a FlatBuffers table needs named fields",
                    );
                    Data::Unsupported
                }
            },
            syn::Data::Enum(data) => enum_from_ast(ctxt, input, data),
            syn::Data::Union(data) => {
                ctxt.error_spanned_by(
                    data.union_token,
                    "Rust unions are not supported; derive on a struct or an enum",
                );
                Data::Unsupported
            }
        };
        Container {
            ident: &input.ident,
            vis: &input.vis,
            attrs,
            data,
            original: input,
        }
    }
}

impl<'a> Field<'a> {
    fn from_ast(ctxt: &Ctxt, field: &'a syn::Field, fixed: bool) -> Option<Field<'a>> {
        let Some(ident) = &field.ident else {
            ctxt.error_spanned_by(field, "expected a named field");
            return None;
        };
        let attrs = FieldAttrs::parse(ctxt, &field.attrs);
        // Skipped and deprecated fields are never stored, so their type
        // only needs `Default`.
        let stored = attrs.skip.is_none() && attrs.deprecated.is_none();
        let kind = if stored {
            let classified = match &field.ty {
                Type::Array(array) if fixed => classify_array(array),
                ty => classify(ty),
            };
            match classified {
                Ok(kind) => Some(kind),
                Err(err) => {
                    ctxt.syn_error(err);
                    None
                }
            }
        } else {
            None
        };
        Some(Field {
            ident,
            vis: &field.vis,
            ty: &field.ty,
            attrs,
            kind,
            id: None,
            earlier: Vec::new(),
            docs: field
                .attrs
                .iter()
                .filter(|attr| attr.path().is_ident("doc"))
                .collect(),
        })
    }
}

/// An unsupported-type error spanning the whole type.
fn unsupported(ty: &Type, why: &str) -> syn::Error {
    syn::Error::new_spanned(ty, format!("{why}\n{SUPPORTED}"))
}

/// The single type argument of `Vec<T>`, `Option<T>`, `Box<T>`.
fn single_argument<'t>(
    ty: &'t Type,
    arguments: &'t PathArguments,
    outer: &str,
) -> syn::Result<&'t Type> {
    if let PathArguments::AngleBracketed(args) = arguments {
        if args.args.len() == 1 {
            if let Some(GenericArgument::Type(inner)) = args.args.first() {
                return Ok(inner);
            }
        }
    }
    Err(unsupported(
        ty,
        &format!("`{outer}` needs exactly one type argument"),
    ))
}

/// What a field of type `ty` stores, or why it cannot be stored.
pub fn classify(ty: &Type) -> syn::Result<Kind> {
    match ty {
        Type::Paren(inner) => classify(&inner.elem),
        Type::Group(inner) => classify(&inner.elem),
        Type::Path(path) if path.qself.is_none() => {
            let Some(last) = path.path.segments.last() else {
                return Err(unsupported(ty, "empty type path"));
            };
            let name = last.ident.to_string();
            let bare = last.arguments.is_none();
            if let Some(scalar) = Scalar::from_name(&name).filter(|_| bare) {
                return Ok(Kind::Scalar(scalar));
            }
            match name.as_str() {
                "String" if bare => Ok(Kind::String),
                "Vec" => {
                    let inner = single_argument(ty, &last.arguments, "Vec")?;
                    classify_element(inner)
                }
                "Option" => {
                    let inner = single_argument(ty, &last.arguments, "Option")?;
                    match classify(inner)? {
                        Kind::Optional(_) => Err(unsupported(
                            ty,
                            "`Option<Option<T>>` is not supported: a FlatBuffers field is either present or absent",
                        )),
                        kind => Ok(Kind::Optional(Box::new(kind))),
                    }
                }
                "Box" => {
                    let inner = single_argument(ty, &last.arguments, "Box")?;
                    match classify(inner)? {
                        Kind::Named => Ok(Kind::Boxed(Box::new(Kind::Named))),
                        _ => Err(unsupported(
                            ty,
                            "`Box<T>` is supported for derived structs only (recursive types)",
                        )),
                    }
                }
                "usize" | "isize" => Err(unsupported(
                    ty,
                    &format!("`{name}` is not supported: its width depends on the platform; use `u64`/`i64` or `u32`/`i32`"),
                )),
                "u128" | "i128" => Err(unsupported(
                    ty,
                    &format!("`{name}` is not supported: FlatBuffers scalars are at most 64 bits wide"),
                )),
                "char" => Err(unsupported(
                    ty,
                    "`char` is not supported: store it as `u32` or in a `String`",
                )),
                "str" => Err(unsupported(ty, "`str` is not supported: use `String`")),
                "HashMap" | "BTreeMap" | "HashSet" | "BTreeSet" | "VecDeque" | "LinkedList"
                | "BinaryHeap" | "IndexMap" | "IndexSet" => Err(unsupported(
                    ty,
                    &format!("`{name}` is not supported: FlatBuffers has vectors, not maps or sets; use a `Vec` of a derived struct"),
                )),
                "Rc" | "Arc" | "Cow" | "Cell" | "RefCell" | "Mutex" | "RwLock" => Err(unsupported(
                    ty,
                    &format!("`{name}` is not supported: fields must own their data"),
                )),
                _ if !bare => Err(unsupported(
                    ty,
                    &format!("generic type `{name}<..>` is not supported"),
                )),
                _ => Ok(Kind::Named),
            }
        }
        Type::Reference(_) => Err(unsupported(
            ty,
            "references are not supported: fields must own their data (`String` for `&str`, `Vec<T>` for `&[T]`)",
        )),
        Type::Tuple(tuple) if tuple.elems.is_empty() => Err(unsupported(ty, "`()` is not supported")),
        Type::Tuple(_) => Err(unsupported(
            ty,
            "tuples are not supported: use a derived struct with named fields",
        )),
        Type::Array(_) => Err(unsupported(
            ty,
            "arrays are not supported in tables: use `Vec<T>` (a `fixed` struct can hold `[T; N]`)",
        )),
        Type::Slice(_) => Err(unsupported(ty, "slices are not supported: use `Vec<T>`")),
        _ => Err(unsupported(ty, "this type is not supported")),
    }
}

/// `[T; N]` in a fixed struct: `T` a scalar, an enum or a fixed struct.
fn classify_array(array: &syn::TypeArray) -> syn::Result<Kind> {
    match classify(&array.elem)? {
        Kind::Scalar(_) | Kind::Named => Ok(Kind::Array),
        _ => Err(syn::Error::new_spanned(
            &array.elem,
            "an array in a fixed struct holds scalars, enums or fixed structs",
        )),
    }
}

/// What a field of type `Vec<inner>` stores.
fn classify_element(inner: &Type) -> syn::Result<Kind> {
    Ok(match classify(inner)? {
        Kind::Scalar(Scalar::U8) => Kind::Bytes,
        Kind::Scalar(scalar) => Kind::Vector(Element::Scalar(scalar)),
        Kind::String => Kind::Vector(Element::String),
        Kind::Named => Kind::Vector(Element::Named),
        Kind::Bytes | Kind::Vector(_) => {
            return Err(unsupported(
                inner,
                "nested vectors are not supported: FlatBuffers vectors cannot hold vectors; wrap the inner `Vec` in a derived struct",
            ))
        }
        Kind::Optional(_) => {
            return Err(unsupported(
                inner,
                "vectors of `Option` are not supported: FlatBuffers vectors cannot hold absent values",
            ))
        }
        Kind::Boxed(_) => {
            return Err(unsupported(
                inner,
                "`Vec<Box<T>>` is not supported: use `Vec<T>`",
            ))
        }
        Kind::Array => return Err(unsupported(inner, "arrays are not supported: use `Vec<T>`")),
    })
}

fn enum_from_ast<'a>(ctxt: &Ctxt, input: &'a DeriveInput, data: &'a syn::DataEnum) -> Data<'a> {
    let repr = parse_repr(ctxt, &input.attrs);
    if data.variants.is_empty() {
        ctxt.error_spanned_by(
            &input.ident,
            "an enum needs at least one variant to be stored",
        );
        return Data::Unsupported;
    }
    if data
        .variants
        .iter()
        .any(|variant| !matches!(variant.fields, syn::Fields::Unit))
    {
        return union_from_ast(ctxt, data);
    }
    let mut variants = Vec::new();
    let mut next: i128 = 0;
    for variant in &data.variants {
        let attrs = VariantAttrs::parse(ctxt, &variant.attrs);
        let (value, value_span) = match &variant.discriminant {
            Some((_, expr)) => match literal_value(expr) {
                Some(value) => (value, expr.span()),
                None => {
                    ctxt.error_spanned_by(expr, "the discriminant must be an integer literal");
                    (next, expr.span())
                }
            },
            None => (next, variant.ident.span()),
        };
        next = value.saturating_add(1);
        variants.push(Variant {
            ident: &variant.ident,
            value,
            value_span,
            attrs,
        });
    }
    Data::Enum(EnumDef { repr, variants })
}

/// `T` in `Box<T>`, `Vec<T>` or `Option<T>`: the first type argument.
pub fn type_argument(ty: &Type) -> Option<&Type> {
    match ty {
        Type::Paren(inner) => type_argument(&inner.elem),
        Type::Group(inner) => type_argument(&inner.elem),
        Type::Path(path) => match &path.path.segments.last()?.arguments {
            PathArguments::AngleBracketed(args) => match args.args.first()? {
                GenericArgument::Type(inner) => Some(inner),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// What a union may hold.
const UNION_VARIANTS: &str = "each variant of a union holds one derived struct (a FlatBuffers table), \
     as in `Trade(Trade)` or `Trade(Box<Trade>)`; one unit variant marked `#[flatstream(other)]` may receive unknown kinds";

fn union_from_ast<'a>(ctxt: &Ctxt, data: &'a syn::DataEnum) -> Data<'a> {
    let mut variants = Vec::new();
    for variant in &data.variants {
        let attrs = VariantAttrs::parse(ctxt, &variant.attrs);
        let mut boxed = false;
        if let Some((_, expr)) = &variant.discriminant {
            ctxt.error_spanned_by(
                expr,
                "union variants take their type tags from their order (1, 2, ...); remove the discriminant",
            );
        }
        let ty = match &variant.fields {
            syn::Fields::Unit => {
                if attrs.other.is_none() {
                    ctxt.error_spanned_by(
                        &variant.ident,
                        format!(
                            "unit variant `{}` in a union: {UNION_VARIANTS}",
                            variant.ident
                        ),
                    );
                }
                None
            }
            syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                ctxt.refuse(&attrs.other, "the `#[flatstream(other)]` variant of a union is a unit variant: it holds nothing");
                let field = &fields.unnamed[0];
                match classify(&field.ty) {
                    Ok(Kind::Named) => Some(&field.ty),
                    Ok(Kind::Boxed(_)) => {
                        boxed = true;
                        type_argument(&field.ty)
                    }
                    Ok(_) | Err(_) => {
                        let ty = &field.ty;
                        let name = quote::quote!(#ty).to_string().replace(' ', "");
                        ctxt.error_spanned_by(
                            ty,
                            format!("`{name}` cannot be a union variant: {UNION_VARIANTS}"),
                        );
                        None
                    }
                }
            }
            fields => {
                ctxt.error_spanned_by(fields, UNION_VARIANTS);
                None
            }
        };
        if ty.is_some() || attrs.other.is_some() {
            variants.push(UnionVariant {
                ident: &variant.ident,
                ty,
                boxed,
            });
        }
    }
    let tables = variants.iter().filter(|v| v.ty.is_some()).count();
    let others = variants.len() - tables;
    if others > 1 {
        ctxt.error_spanned_by(
            data.enum_token,
            "only one variant of a union can be `#[flatstream(other)]`",
        );
    }
    if tables > 255 {
        ctxt.error_spanned_by(
            data.enum_token,
            "a union has at most 255 variants (its type tag is a `u8`)",
        );
    }
    if tables == 0 {
        ctxt.error_spanned_by(data.enum_token, UNION_VARIANTS);
    }
    Data::Union(variants)
}

/// The value of `5`, `-5`, `0x10`, `(5)`.
fn literal_value(expr: &Expr) -> Option<i128> {
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Int(int) => int.base10_parse::<i128>().ok(),
            _ => None,
        },
        Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Neg(_)) => {
            literal_value(&unary.expr).map(|value| -value)
        }
        Expr::Paren(paren) => literal_value(&paren.expr),
        Expr::Group(group) => literal_value(&group.expr),
        _ => None,
    }
}

/// The integer type in `#[repr(...)]`, `u8` without one.
fn parse_repr(ctxt: &Ctxt, attrs: &[Attribute]) -> Repr {
    let mut repr = Repr::U8;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("repr")) {
        let result = attr.parse_nested_meta(|meta| {
            let Some(ident) = meta.path.get_ident() else {
                return Ok(());
            };
            let name = ident.to_string();
            if let Some(found) = Repr::from_name(&name) {
                repr = found;
            } else if matches!(name.as_str(), "usize" | "isize" | "u128" | "i128") {
                ctxt.error_spanned_by(
                    ident,
                    format!(
                        "`repr({name})` has no FlatBuffers equivalent; use u8, i8, u16, i16, u32, i32, u64 or i64"
                    ),
                );
            }
            // `C`, `align(..)` and the like do not affect the stored type.
            if meta.input.peek(syn::token::Paren) {
                let _ = meta.input.step(|cursor| {
                    let mut rest = *cursor;
                    if let Some((_, _, next)) = rest.group(proc_macro2::Delimiter::Parenthesis) {
                        rest = next;
                    }
                    Ok(((), rest))
                });
            }
            Ok(())
        });
        if let Err(err) = result {
            ctxt.syn_error(err);
        }
    }
    repr
}

/// The name of an identifier without `r#`.
pub trait UnrawString {
    fn unraw_string(&self) -> String;
}

impl UnrawString for syn::Ident {
    fn unraw_string(&self) -> String {
        let name = self.to_string();
        name.strip_prefix("r#").map(str::to_owned).unwrap_or(name)
    }
}
