use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
pub struct Wrapper<T> {
    pub value: T,
}

fn main() {}
