use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
pub struct Nothing;

fn main() {}
