use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
pub struct Literals {
    #[flatstream(default = "ten")]
    pub count: u32,
    #[flatstream(default = 1.5)]
    pub whole: i64,
    #[flatstream(default = 1)]
    pub flag: bool,
    #[flatstream(default = 300)]
    pub byte: u8,
}

fn main() {}
