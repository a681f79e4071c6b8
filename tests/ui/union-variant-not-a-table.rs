use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
pub struct Table {
    pub x: i32,
}

#[derive(StreamSerialize)]
pub enum Payload {
    Text(String),
    Pair(Table, Table),
    Named { table: Table },
}

fn main() {}
