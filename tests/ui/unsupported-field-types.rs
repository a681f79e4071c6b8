use std::collections::HashMap;

use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
pub struct Unsupported {
    pub map: HashMap<String, u32>,
    pub borrowed: &'static str,
    pub letter: char,
    pub size: usize,
    pub huge: u128,
    pub pair: (u32, u32),
    pub fixed: [u8; 4],
}

fn main() {}
