use flatstream::StreamSerialize;

#[derive(StreamSerialize)]
#[flatstream(namespace = "telemetry..v1")]
pub struct BadNamespace {
    pub x: u32,
}

#[derive(StreamSerialize)]
#[flatstream(file_identifier = "EVENT")]
pub struct BadIdentifier {
    pub x: u32,
}

fn main() {}
