use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
pub struct Partial {
    #[flatstream(id = 0)]
    pub first: u32,
    pub second: u32,
    #[flatstream(id = 1)]
    pub third: u32,
}

fn main() {}
