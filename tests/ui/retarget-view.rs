// A view of one type cannot be pointed at a table verified as another, even
// in the module that derives both: a view holds a `VerifiedTable` of its own
// type, which only `unsafe` code makes.
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
    let big = BigView { table: small.table };
    big.a().len()
}

fn main() {}
