use flatstream::StreamSerialize;

#[derive(StreamSerialize, Clone, Copy)]
pub enum Open {
    Known,
    #[flatstream(other)]
    Unknown,
    #[flatstream(other)]
    Unrecognised,
}

fn main() {}
