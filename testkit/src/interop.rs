//! The example types of the cross-language and schema snapshot tests: one
//! of every field kind, fixed structs (nested, holding an enum), a union
//! as a field and as a whole message. `sample_monster(i)` and
//! `sample_event(i)` build the values both languages agree on; the Python
//! side (`tests/interop/interop.py`) computes the same ones.

use flatstream::StreamSerialize;

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
#[flatstream(namespace = "interop.v1")]
pub enum Color {
    Red,
    Green,
    Blue = 8,
}

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
#[flatstream(namespace = "interop.v1")]
#[repr(i16)]
pub enum Mood {
    Grumpy = -1,
    Calm = 0,
    Happy = 1,
    #[flatstream(other)]
    Unknown = 99,
}

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq)]
#[flatstream(fixed, namespace = "interop.v1")]
pub struct Vec3 {
    pub x: f32,
    pub y: f32,
    pub z: f32,
}

/// Nested struct, enum, array and padding: `bool` at 0, `Vec3` at 4, `f64`
/// at 16, `Color` at 24, `[i16; 2]` at 26; 32 bytes, aligned to 8.
#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq)]
#[flatstream(fixed, namespace = "interop.v1")]
pub struct Pose {
    pub visible: bool,
    pub pos: Vec3,
    pub heading: f64,
    pub color: Color,
    pub corners: [i16; 2],
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(namespace = "interop.v1")]
pub struct Weapon {
    #[flatstream(key)]
    pub name: String,
    pub damage: i16,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(namespace = "interop.v1")]
pub struct Stat {
    pub id: String,
    pub val: i64,
    pub count: u16,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(namespace = "interop.v1")]
pub enum Equipment {
    Weapon(Weapon),
    Stat(Stat),
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(namespace = "interop.v1", file_identifier = "MONS")]
pub struct Monster {
    #[flatstream(id = 0)]
    pub pos: Vec3,
    #[flatstream(id = 1, default = 150)]
    pub mana: i16,
    #[flatstream(id = 2, default = 100)]
    pub hp: i16,
    #[flatstream(id = 3, required)]
    pub name: String,
    #[flatstream(id = 4, deprecated)]
    pub friendly: bool,
    #[flatstream(id = 5)]
    pub inventory: Vec<u8>,
    #[flatstream(id = 6)]
    pub color: Color,
    #[flatstream(id = 7)]
    pub weapons: Vec<Weapon>,
    #[flatstream(id = 9)]
    pub equipped: Equipment,
    #[flatstream(id = 11)]
    pub spare: Option<Equipment>,
    #[flatstream(id = 12)]
    pub path: Vec<Vec3>,
    #[flatstream(id = 13)]
    pub pose: Option<Pose>,
    #[flatstream(id = 14)]
    pub poses: Vec<Pose>,
    #[flatstream(id = 15)]
    pub tags: Vec<String>,
    #[flatstream(id = 16)]
    pub scores: Vec<f64>,
    #[flatstream(id = 17)]
    pub flags: Vec<bool>,
    #[flatstream(id = 18)]
    pub colors: Vec<Color>,
    #[flatstream(id = 19)]
    pub nickname: Option<String>,
    #[flatstream(id = 20)]
    pub level: Option<u32>,
    #[flatstream(id = 21)]
    pub mood: Mood,
    #[flatstream(id = 22)]
    pub enemy: Option<Box<Monster>>,
    #[flatstream(id = 23)]
    pub small: i8,
    #[flatstream(id = 24)]
    pub tiny: u8,
    #[flatstream(id = 25)]
    pub word: u16,
    #[flatstream(id = 26)]
    pub count: u32,
    #[flatstream(id = 27)]
    pub delta: i32,
    #[flatstream(id = 28)]
    pub big: u64,
    #[flatstream(id = 29)]
    pub offset: i64,
    #[flatstream(id = 30)]
    pub ratio: f32,
    #[flatstream(id = 31)]
    pub precise: f64,
    #[flatstream(id = 32)]
    pub alive: bool,
    #[flatstream(id = 33)]
    pub deltas: Vec<i32>,
}

/// A stream of several message kinds: each message is one of these.
#[derive(StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(namespace = "interop.v1")]
pub enum Event {
    Monster(Box<Monster>),
    Weapon(Weapon),
    Stat(Stat),
}

pub fn sample_weapon(i: u32, k: u32) -> Weapon {
    Weapon {
        name: format!("w{i}-{k}"),
        damage: (i as i16) * 10 - k as i16,
    }
}

pub fn sample_stat(i: u32) -> Stat {
    Stat {
        id: format!("s{i}"),
        val: -(i as i64) * 1_000_000_007,
        count: (i * 3) as u16,
    }
}

pub fn sample_vec3(i: u32, k: u32) -> Vec3 {
    Vec3 {
        x: i as f32 + 0.5,
        y: k as f32 - 0.25,
        z: (i * k) as f32,
    }
}

pub fn sample_pose(i: u32, k: u32) -> Pose {
    Pose {
        visible: (i + k) % 2 != 1,
        pos: sample_vec3(i, k),
        heading: i as f64 * 0.125 + k as f64,
        color: [Color::Red, Color::Green, Color::Blue][((i + k) % 3) as usize],
        corners: [i as i16, -(k as i16)],
    }
}

pub fn sample_monster(i: u32) -> Monster {
    let odd = i % 2 == 1;
    Monster {
        pos: sample_vec3(i, 0),
        mana: 150 + (i as i16 % 2), // the default for even `i`: not written
        hp: 100 - i as i16 * 7,
        name: format!("monster {i} ✓"),
        friendly: false,
        inventory: (0..i as u8 + 3).collect(),
        color: [Color::Red, Color::Green, Color::Blue][(i % 3) as usize],
        weapons: (0..i).map(|k| sample_weapon(i, k)).collect(),
        equipped: if odd {
            Equipment::Stat(sample_stat(i))
        } else {
            Equipment::Weapon(sample_weapon(i, 99))
        },
        spare: odd.then(|| Equipment::Weapon(sample_weapon(i, 7))),
        path: (0..3).map(|k| sample_vec3(i, k)).collect(),
        pose: (!odd).then(|| sample_pose(i, 1)),
        poses: (0..2).map(|k| sample_pose(i, k)).collect(),
        tags: (0..i).map(|k| format!("t{k}")).collect(),
        scores: vec![i as f64 / 3.0, -1.5e300, f64::MIN_POSITIVE],
        flags: vec![true, odd, false],
        colors: vec![Color::Blue, Color::Red],
        nickname: odd.then(|| format!("nick{i}")),
        level: odd.then_some(i * 1000),
        mood: [Mood::Grumpy, Mood::Calm, Mood::Happy][(i % 3) as usize],
        enemy: (i > 0).then(|| Box::new(sample_monster(i - 1))),
        small: -(i as i8),
        tiny: 255 - i as u8,
        word: 65_000 + i as u16,
        count: u32::MAX - i,
        delta: i32::MIN + i as i32,
        big: u64::MAX - i as u64,
        offset: i64::MIN + i as i64,
        ratio: 1.0 / (i as f32 + 1.0),
        precise: std::f64::consts::PI * i as f64,
        alive: !odd,
        deltas: vec![-(i as i32), i as i32, 0],
    }
}

pub fn sample_event(i: u32) -> Event {
    match i % 3 {
        0 => Event::Monster(Box::new(sample_monster(i % 4))),
        1 => Event::Weapon(sample_weapon(i, 1)),
        _ => Event::Stat(sample_stat(i)),
    }
}
