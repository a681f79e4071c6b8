use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
pub struct Gap {
    #[flatstream(id = 0)]
    pub first: u32,
    #[flatstream(id = 2)]
    pub third: u32,
}

fn main() {}
