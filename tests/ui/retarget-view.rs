// A view of one type cannot be pointed at a table verified as another, even
// in the module that derives both, nor a shallow view's table (nested tables
// unchecked) read through a fully verified view: a view holds a
// `VerifiedTable` of its own type and mode, which only `unsafe` code makes.
use flatstream::lazy::Shallow;
use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
pub struct Small {
    pub a: u32,
}

#[derive(StreamSerialize)]
pub struct Big {
    pub a: String,
}

fn retarget(small: SmallView<'_>) -> usize {
    let big: BigView<'_> = BigView { table: small.table };
    big.a().len()
}

fn promote(shallow: SmallView<'_, Shallow>) -> u32 {
    let full: SmallView<'_> = SmallView { table: shallow.table };
    full.a()
}

fn main() {}
