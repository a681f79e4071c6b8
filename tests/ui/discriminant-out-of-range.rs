use flatstream::StreamSerialize;

// Without `#[repr]`, the stored type is `u8`.
#[derive(StreamSerialize, Clone, Copy)]
pub enum TooBig {
    Small = 1,
    Big = 300,
}

#[derive(StreamSerialize, Clone, Copy)]
pub enum Overflows {
    Last = 255,
    Next,
}

fn main() {}
