//! The telemetry event of the API: every common field kind, a nested table,
//! vectors of scalars, strings and tables, and options.

use flatstream::StreamSerialize;

use crate::Rng;

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "fuzz", derive(arbitrary::Arbitrary))]
pub enum Level {
    Debug,
    Info,
    Warn,
    Error,
}

impl Level {
    /// The four levels, in order.
    pub const ALL: [Level; 4] = [Level::Debug, Level::Info, Level::Warn, Level::Error];
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(shallow)]
pub struct Reading {
    pub sensor: String,
    pub value: f64,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Event {
    pub timestamp: u64,
    pub level: Level,
    pub source: String,
    pub payload: Vec<u8>,
    pub values: Vec<f32>,
    pub tags: Vec<String>,
    pub readings: Vec<Reading>,
    pub origin: Option<Reading>,
    pub note: Option<String>,
    pub ok: bool,
}

/// `count` events drawn from a fixed seed: the same on every run.
pub fn events(count: usize) -> Vec<Event> {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    (0..count)
        .map(|i| {
            let reading = |rng: &mut Rng| Reading {
                sensor: rng.word(8),
                value: rng.below(10_000) as f64 / 7.0,
            };
            Event {
                timestamp: 1_700_000_000_000 + i as u64,
                level: Level::ALL[rng.below(4)],
                source: format!("host-{}", rng.below(64)),
                payload: (0..rng.below(64)).map(|_| rng.next_u64() as u8).collect(),
                values: (0..8).map(|_| rng.below(1000) as f32 / 3.0).collect(),
                tags: (0..3).map(|_| rng.word(5)).collect(),
                readings: (0..2).map(|_| reading(&mut rng)).collect(),
                origin: (rng.below(2) == 0).then(|| reading(&mut rng)),
                note: (rng.below(2) == 0).then(|| rng.word(16)),
                ok: rng.below(2) == 0,
            }
        })
        .collect()
}
