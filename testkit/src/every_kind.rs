//! A message with every field kind the derive supports: scalars of every
//! width, strings, byte and scalar vectors, nested, boxed and recursive
//! tables, enums (one with an `other` variant), fixed structs (nested,
//! holding an enum and arrays), unions (one with an `other` variant),
//! keyed vectors, shared strings, and `Option` of most. `all(n)` varies
//! contents and sizes with `n`.

use flatstream::StreamSerialize;

/// The telemetry model's reading: a table nested, boxed and in vectors.
pub use crate::telemetry::{Reading, ReadingView};

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
pub enum Level {
    Debug = 1,
    Info = 2,
    Warn = 300,
    #[flatstream(other)]
    Unknown = 0,
}

/// An `i16` enum with an `other` variant (the fuzz targets' model holds it;
/// `All` does not).
#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "fuzz", derive(arbitrary::Arbitrary))]
#[repr(i16)]
pub enum Mode {
    Off = -1,
    On = 1,
    #[flatstream(other)]
    Unknown = 0,
}

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    X,
    Y,
    Z,
}

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq)]
#[flatstream(fixed)]
pub struct Inner {
    pub flag: bool,
    pub axis: Axis,
    pub steps: [u16; 3],
}

/// `inner` at 0..8, `big` at 8, `xs` at 16..28: size 32, alignment 8.
#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq)]
#[flatstream(fixed)]
pub struct Frame {
    pub inner: Inner,
    pub big: u64,
    pub xs: [f32; 3],
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Note {
    pub text: String,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub enum Body {
    Reading(Reading),
    Note(Note),
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub enum Forward {
    Reading(Reading),
    #[flatstream(other)]
    Unknown,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(shallow)]
pub struct Node {
    pub depth: u32,
    pub child: Option<Box<Node>>,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Sensor {
    #[flatstream(key)]
    pub id: u32,
    pub label: String,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Named {
    #[flatstream(key)]
    pub name: String,
    pub weight: i16,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(shallow)]
pub struct All {
    pub ok: bool,
    pub a: u8,
    pub b: i8,
    pub c: u16,
    pub d: i16,
    pub e: u32,
    pub f: i32,
    pub g: u64,
    pub h: i64,
    pub i: f32,
    pub j: f64,
    pub text: String,
    pub raw: Vec<u8>,
    pub shorts: Vec<i16>,
    pub longs: Vec<u64>,
    pub floats: Vec<f64>,
    pub flags: Vec<bool>,
    pub words: Vec<String>,
    pub reading: Reading,
    pub boxed: Box<Reading>,
    pub readings: Vec<Reading>,
    pub level: Level,
    pub axis: Axis,
    pub levels: Vec<Level>,
    pub axes: Vec<Axis>,
    pub frame: Frame,
    pub frames: Vec<Frame>,
    pub body: Body,
    pub forward: Forward,
    pub maybe_body: Option<Body>,
    pub maybe_forward: Option<Forward>,
    pub node: Node,
    pub sensors: Vec<Sensor>,
    pub named: Vec<Named>,
    pub opt_bool: Option<bool>,
    pub opt_i64: Option<i64>,
    pub opt_text: Option<String>,
    pub opt_raw: Option<Vec<u8>>,
    pub opt_words: Option<Vec<String>>,
    pub opt_reading: Option<Reading>,
    pub opt_readings: Option<Vec<Reading>>,
    pub opt_level: Option<Level>,
    pub opt_frame: Option<Frame>,
    pub opt_frames: Option<Vec<Frame>>,
    /// Strings written once per message, however many fields hold them.
    #[flatstream(shared)]
    pub label: String,
    #[flatstream(shared)]
    pub labels: Vec<String>,
    #[flatstream(shared)]
    pub opt_label: Option<String>,
}

pub fn frame(n: u32) -> Frame {
    Frame {
        inner: Inner {
            flag: n % 2 == 0,
            axis: [Axis::X, Axis::Y, Axis::Z][n as usize % 3],
            steps: [n as u16, 2, u16::MAX],
        },
        big: u64::from(n) << 40,
        xs: [n as f32, -0.5, 1e-3],
    }
}

pub fn reading(n: u32) -> Reading {
    Reading {
        sensor: format!("sensor-{n}"),
        value: f64::from(n) / 4.0,
    }
}

pub fn node(depth: u32) -> Node {
    Node {
        depth,
        child: (depth > 0).then(|| Box::new(node(depth - 1))),
    }
}

/// A value with every field kind; `n` varies the contents and sizes.
pub fn all(n: u32) -> All {
    let count = (n % 4) as usize;
    All {
        ok: n % 2 == 1,
        a: n as u8,
        b: -(n as i8),
        c: 1000 + n as u16,
        d: -1000,
        e: n.wrapping_mul(2_654_435_761),
        f: i32::MIN + n as i32,
        g: u64::MAX - u64::from(n),
        h: -(i64::from(n) << 33),
        i: 0.1 * n as f32,
        j: f64::from(n) * 1e100,
        text: "é€😀 text ".repeat(count + 1),
        raw: (0..n as u8 * 3).collect(),
        shorts: (0..count as i16).map(|x| x - 7).collect(),
        longs: vec![u64::from(n); count],
        floats: vec![0.5, -1.25],
        flags: (0..count + 3).map(|x| x % 3 == 0).collect(),
        words: (0..count).map(|x| "w".repeat(x)).collect(),
        reading: reading(n),
        boxed: Box::new(reading(n + 1)),
        readings: (0..count as u32 + 1).map(reading).collect(),
        level: [Level::Debug, Level::Info, Level::Warn][n as usize % 3],
        axis: Axis::Z,
        levels: vec![Level::Warn, Level::Debug],
        axes: vec![Axis::Y; count],
        frame: frame(n),
        frames: (0..count as u32).map(frame).collect(),
        body: if n % 2 == 0 {
            Body::Reading(reading(7))
        } else {
            Body::Note(Note { text: "n".into() })
        },
        forward: if n % 2 == 0 {
            Forward::Unknown
        } else {
            Forward::Reading(reading(8))
        },
        maybe_body: (n % 3 != 0).then(|| Body::Note(Note { text: "m".into() })),
        maybe_forward: (n % 3 == 1).then(|| Forward::Reading(reading(9))),
        node: node(n % 5),
        sensors: [5, 1, 9, 3]
            .into_iter()
            .take(count + 1)
            .map(|id| Sensor {
                id,
                label: format!("s{id}"),
            })
            .collect(),
        named: ["kiwi", "apple", "fig"]
            .into_iter()
            .map(|name| Named {
                name: name.into(),
                weight: name.len() as i16,
            })
            .collect(),
        opt_bool: (n % 2 == 0).then_some(false),
        opt_i64: (n % 3 == 0).then_some(-5),
        opt_text: (n % 2 == 1).then(|| "opt".into()),
        opt_raw: (n % 2 == 0).then(Vec::new),
        opt_words: (n % 2 == 1).then(|| vec!["α".into(), "".into()]),
        opt_reading: (n % 2 == 0).then(|| reading(10)),
        opt_readings: (n % 3 == 2).then(|| vec![reading(11)]),
        opt_level: (n % 2 == 1).then_some(Level::Unknown),
        opt_frame: (n % 2 == 0).then(|| frame(12)),
        opt_frames: (n % 2 == 1).then(|| vec![frame(13), frame(14)]),
        label: "shared".into(),
        labels: ["shared", "other", "shared", ""]
            .into_iter()
            .cycle()
            .take(count * 3)
            .map(String::from)
            .collect(),
        opt_label: (n % 2 == 0).then(|| ["other", "third"][n as usize % 4 / 2].into()),
    }
}

/// Keyed vectors are stored sorted: what reading gives back.
pub fn sorted(mut value: All) -> All {
    value.sensors.sort_by_key(|s| s.id);
    value.named.sort_by(|a, b| a.name.cmp(&b.name));
    value
}
