#![allow(non_camel_case_types)]

use flatstream::StreamSerialize;

#[derive(StreamSerialize, Clone, Copy)]
pub enum r#enum {
    r#struct,
    r#fn,
}

#[derive(StreamSerialize)]
pub struct r#struct {
    pub r#type: u32,
    pub r#loop: Vec<r#enum>,
    pub r#ref: Option<String>,
}

fn read(view: structView<'_>) -> (u32, usize, Option<&str>) {
    (view.r#type(), view.r#loop().len(), view.r#ref())
}

fn main() {
    let _ = read;
}
