use flatstream::StreamSerialize;

#[derive(StreamSerialize, Clone, Copy)]
#[flatstream(fixed)]
pub struct Point {
    pub x: i32,
}

#[derive(StreamSerialize)]
pub struct Table {
    pub x: i32,
}

#[derive(StreamSerialize)]
pub enum Payload {
    Table(Table),
    Inline(Point),
}

fn main() {}
