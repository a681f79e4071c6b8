// The traits whose checks views rely on to read without bounds checks are
// `unsafe trait`s: implementing one by hand takes `unsafe impl`. The derive
// implements `TableType` and `UnionType` (with `unsafe impl`); `Field` and
// `VectorElement` come from the blanket impls over the kinds' `FieldKind`
// and `ElementKind`.
use flatstream::__private::{ElementKind, Field, FieldKind, TableType, UnionType};
use flatstream::view::VectorElement;

pub struct Handmade;

pub struct HandmadeKind;

impl Field for Handmade {}

impl VectorElement for Handmade {}

impl TableType for Handmade {}

impl UnionType for Handmade {}

impl FieldKind<Handmade> for HandmadeKind {}

impl ElementKind<Handmade> for HandmadeKind {}

fn main() {}
