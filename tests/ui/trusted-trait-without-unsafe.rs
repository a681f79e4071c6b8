// The traits whose checks views rely on to read without bounds checks are
// `unsafe trait`s: implementing one by hand takes `unsafe impl`.
use flatstream::__private::{Field, TableType, UnionType};
use flatstream::view::VectorElement;

pub struct Handmade;

impl Field for Handmade {}

impl VectorElement for Handmade {}

impl TableType for Handmade {}

impl UnionType for Handmade {}

fn main() {}
