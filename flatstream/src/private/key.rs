//! Keys: a table field marked `key`; vectors of the table are written
//! sorted by it and searched with `Vector::lookup_by_key`.

use super::field::Field;
use super::table::TableType;
use crate::encode::{Builder, Offset};

/// A field type that can be a table's `key`.
pub trait KeyField: Field {
    /// What a lookup compares with: `str` for strings, the value for
    /// integers.
    type Query: ?Sized + Ord;

    /// The owned value as a query.
    fn as_query(&self) -> &Self::Query;

    /// Compares a view of the field with a query.
    fn view_cmp(view: Self::View<'_>, key: &Self::Query) -> core::cmp::Ordering;
}

impl KeyField for String {
    type Query = str;

    #[inline]
    fn as_query(&self) -> &str {
        self
    }

    #[inline]
    fn view_cmp(view: &str, key: &str) -> core::cmp::Ordering {
        view.cmp(key)
    }
}

macro_rules! key_scalars {
    ($($ty:ty),*) => {$(
        impl KeyField for $ty {
            type Query = $ty;

            #[inline]
            fn as_query(&self) -> &$ty {
                self
            }

            #[inline]
            fn view_cmp(view: $ty, key: &$ty) -> core::cmp::Ordering {
                view.cmp(key)
            }
        }
    )*};
}

key_scalars!(bool, u8, i8, u16, i16, u32, i32, u64, i64);

/// A derived table with a `key` field.
pub trait KeyedTable: TableType {
    /// What a lookup compares with.
    type Query: ?Sized + Ord;

    /// The key of an owned value.
    fn owned_key(&self) -> &Self::Query;

    /// Compares the key of a view with `key`.
    fn view_key_cmp(view: Self::View<'_>, key: &Self::Query) -> core::cmp::Ordering;
}

/// [`VectorElement::build_vector`](crate::view::VectorElement::build_vector) for keyed tables: the items sorted by
/// key (stably), as binary search needs.
pub fn keyed_build_vector<T: KeyedTable, B: Builder>(items: &[T], builder: &mut B) -> Offset {
    let mut order: Vec<&T> = items.iter().collect();
    order.sort_by(|a, b| a.owned_key().cmp(b.owned_key()));
    let offsets: Vec<Offset> = order.iter().map(|item| item.build(builder)).collect();
    builder.create_vector(&offsets).as_union_value()
}
