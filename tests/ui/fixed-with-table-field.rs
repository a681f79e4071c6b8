use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
pub struct Table {
    pub x: i32,
}

#[derive(StreamSerialize, Clone, Copy)]
#[flatstream(fixed)]
pub struct Holder {
    pub table: Table,
}

fn main() {}
