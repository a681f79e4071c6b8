use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
#[flatstream(root)]
pub struct Renamed {
    #[flatstream(rename = "other")]
    pub value: u32,
}

fn main() {}
