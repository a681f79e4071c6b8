use flatstream::StreamSerialize;

#[derive(StreamSerialize, Clone, Copy)]
#[flatstream(fixed, view = "PointRef", file_identifier = "PNT1")]
pub struct Point {
    #[flatstream(id = 0)]
    pub x: i32,
    #[flatstream(default = 3)]
    pub y: i32,
}

#[derive(StreamSerialize, Clone, Copy)]
#[flatstream(fixed)]
pub struct Empty {}

#[derive(StreamSerialize, Clone, Copy)]
#[flatstream(fixed, file_identifier = "LEVL")]
pub enum Level {
    Low,
    High,
}

fn main() {}
