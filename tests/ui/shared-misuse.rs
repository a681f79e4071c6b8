// `shared` writes each distinct string once per message: it applies to
// string fields (`String`, `Vec<String>`, `Option` of either) that are
// stored.
use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
pub struct Counter {
    #[flatstream(shared)]
    pub count: u32,
}

#[derive(StreamSerialize)]
pub struct Skipped {
    #[flatstream(shared, skip)]
    pub name: String,
}

fn main() {}
