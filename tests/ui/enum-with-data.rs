use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
pub struct Point {
    pub x: i32,
}

#[derive(StreamSerialize)]
pub enum Payload {
    Empty,
    Text(String),
    Number { value: u32 },
    Point(Point),
}

fn main() {}
