use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
pub struct Nested {
    pub matrix: Vec<Vec<u32>>,
    pub maybe_maybe: Option<Option<u8>>,
    pub holes: Vec<Option<u8>>,
    pub boxed_text: Box<String>,
}

fn main() {}
