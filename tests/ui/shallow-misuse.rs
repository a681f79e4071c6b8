// `shallow` generates a struct's shallow view: it applies to structs stored
// as tables, and a struct without it has no `view_shallow`.
use flatstream::lazy::ShallowDeserialize;
use flatstream::StreamSerialize;

#[derive(StreamSerialize, Clone, Copy)]
#[flatstream(shallow)]
pub enum Level {
    Low,
    High,
}

#[derive(StreamSerialize, Clone, Copy)]
#[flatstream(fixed, shallow)]
pub struct Point {
    pub x: f32,
}

#[derive(StreamSerialize)]
pub struct Plain {
    pub count: u32,
}

fn read<T: ShallowDeserialize>(payload: &[u8]) -> bool {
    T::view_shallow(payload).is_ok()
}

fn main() {
    read::<Plain>(&[]);
}
