use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
#[flatstream(view = "Not A Name", crate = 5)]
pub struct Values {
    #[flatstream(id = -1)]
    pub first: u32,
    #[flatstream(id = "one")]
    pub second: u32,
}

fn main() {}
