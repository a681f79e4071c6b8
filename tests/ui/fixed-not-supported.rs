use flatstream::StreamSerialize;

#[derive(StreamSerialize, Clone, Copy)]
#[flatstream(fixed)]
pub struct Vec3 {
    pub x: f32,
    pub y: f32,
    pub z: f32,
}

fn main() {}
