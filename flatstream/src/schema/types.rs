//! How a field refers to a type, and the [`Schema`] of the field types
//! flatstream supports.

use super::{qualify, Schema, SchemaBuilder};

/// How a field refers to a type.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct TypeRef {
    /// Namespace of a named type, `""` otherwise.
    namespace: &'static str,
    /// `int`, `string`, or a named type's name.
    name: String,
    pub(super) vector: bool,
    /// The length of a fixed struct's array field.
    pub(super) array: Option<usize>,
    pub(super) kind: RefKind,
    pub(super) optional: bool,
    /// The default variant of an enum, when it is not the one equal to 0.
    pub(super) enum_default: Option<&'static str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RefKind {
    Scalar,
    Enum,
    String,
    Table,
    Struct,
    Union,
}

impl TypeRef {
    pub(super) fn builtin(name: &str, kind: RefKind) -> TypeRef {
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

    /// The type of a deprecated field whose type is not known, as a
    /// field's describe function.
    pub fn opaque_type(_: &mut SchemaBuilder) -> TypeRef {
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
    pub(super) fn spelled_in(&self, namespace: &str) -> String {
        let name = if self.namespace == namespace {
            self.name.clone()
        } else {
            qualify(self.namespace, &self.name)
        };
        match (self.vector, self.array) {
            (_, Some(len)) => format!("[{name}:{len}]"),
            (true, None) => format!("[{name}]"),
            (false, None) => name,
        }
    }

    pub(super) fn qualified(&self) -> String {
        self.spelled_in("")
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
