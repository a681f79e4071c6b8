use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
pub struct Trade {
    pub price: f64,
}

#[derive(StreamSerialize)]
pub enum Message {
    Trade(Trade),
}

#[derive(StreamSerialize)]
pub struct Envelope {
    #[flatstream(id = 0)]
    pub seq: u64,
    #[flatstream(id = 1)]
    pub body: Message,
}

fn main() {}
