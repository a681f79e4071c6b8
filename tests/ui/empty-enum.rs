use flatstream::StreamSerialize;

#[derive(StreamSerialize, Clone, Copy)]
pub enum Never {}

fn main() {}
