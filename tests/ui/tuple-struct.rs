use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
pub struct Pair(pub u32, pub u32);

fn main() {}
