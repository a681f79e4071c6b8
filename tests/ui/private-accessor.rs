mod inner {
    use flatstream::StreamSerialize;

    #[derive(StreamSerialize)]
    pub struct Secretive {
        pub shown: u32,
        hidden: u32,
    }
}

fn read(view: inner::SecretiveView<'_>) -> u32 {
    view.shown() + view.hidden()
}

fn main() {}
