use flatstream::StreamSerialize;

#[derive(StreamSerialize, Clone, Copy)]
#[flatstream(fixed)]
pub struct Label {
    pub id: u32,
    pub name: String,
    pub values: Vec<f32>,
    pub maybe: Option<u8>,
}

fn main() {}
