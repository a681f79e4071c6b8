use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
pub struct Conflicts {
    #[flatstream(skip, deprecated)]
    pub both: u32,
    #[flatstream(skip, id = 0)]
    pub numbered: u32,
}

fn main() {}
