use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
pub struct FloatKey {
    #[flatstream(key)]
    pub value: f64,
}

#[derive(StreamSerialize)]
pub struct TwoKeys {
    #[flatstream(key)]
    pub a: u32,
    #[flatstream(key)]
    pub b: u32,
}

fn main() {}
