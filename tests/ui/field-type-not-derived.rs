use flatstream::StreamSerialize;

pub struct Plain {
    pub x: u32,
}

#[derive(StreamSerialize)]
pub struct Holder {
    pub count: u32,
    pub plain: Plain,
}

fn main() {}
