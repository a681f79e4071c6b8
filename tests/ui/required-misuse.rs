use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
pub struct Misuse {
    #[flatstream(required)]
    pub count: u32,
    #[flatstream(required)]
    pub note: Option<String>,
    #[flatstream(required, skip)]
    pub scratch: String,
}

fn main() {}
