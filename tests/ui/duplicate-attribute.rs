use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
#[flatstream(view = "A", view = "B")]
pub struct Twice {
    #[flatstream(default = 1)]
    #[flatstream(default = 2)]
    pub value: u32,
}

fn main() {}
