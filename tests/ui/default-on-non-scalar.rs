use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
pub struct Defaults {
    #[flatstream(default = "unnamed")]
    pub name: String,
    #[flatstream(default = 1)]
    pub values: Vec<u32>,
    #[flatstream(default = 0)]
    pub maybe: Option<u32>,
}

fn main() {}
