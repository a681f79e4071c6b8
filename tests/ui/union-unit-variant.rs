use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
pub struct Table {
    pub x: i32,
}

#[derive(StreamSerialize)]
pub enum Payload {
    Empty,
    Table(Table),
    #[flatstream(other)]
    Holding(Table),
}

fn main() {}
