//! `telemetry`: one device event per message, about 190 bytes: two
//! nested tables, strings (one optional), a vector of two to four small
//! tables and a vector of floats.

use flatstream::StreamSerialize;

use super::planus_gen::telemetry as gen;
use super::planus_peer::{PlanusDataset, PlanusResult};
use super::{Digest, Seeded};

#[derive(StreamSerialize, serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct Source {
    #[flatstream(required)]
    pub host: String,
    pub pid: u32,
}

#[derive(StreamSerialize, serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct Location {
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(StreamSerialize, serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct Reading {
    pub sensor: u16,
    pub value: f32,
    pub flags: u8,
}

#[derive(StreamSerialize, serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
#[flatstream(shallow)]
pub struct Event {
    pub timestamp_ns: u64,
    #[flatstream(required)]
    pub name: String,
    #[flatstream(required)]
    pub device: String,
    pub source: Source,
    pub location: Location,
    #[flatstream(required)]
    pub readings: Vec<Reading>,
    #[flatstream(required)]
    pub samples: Vec<f32>,
    pub note: Option<String>,
    pub level: u8,
}

const NAMES: [&str; 4] = ["temperature", "vibration", "door.open", "battery"];
const HOSTS: [&str; 3] = ["edge-01.plant", "edge-02.plant", "gw.depot"];

fn generate(rng: &mut Seeded) -> Event {
    let readings = (0..rng.range(2, 5))
        .map(|_| Reading {
            sensor: rng.below(64) as u16,
            value: rng.unit() as f32 * 100.0,
            flags: rng.below(4) as u8,
        })
        .collect();
    let samples = (0..rng.range(4, 9)).map(|_| rng.unit() as f32).collect();
    Event {
        timestamp_ns: rng.next_u64() >> 8,
        name: rng.pick(&NAMES).to_string(),
        device: format!("dev-{:06}", rng.below(1_000_000)),
        source: Source {
            host: rng.pick(&HOSTS).to_string(),
            pid: rng.range(100, 60_000) as u32,
        },
        location: Location {
            latitude: rng.unit() * 180.0 - 90.0,
            longitude: rng.unit() * 360.0 - 180.0,
        },
        readings,
        samples,
        note: rng.chance(0.3).then(|| "recalibrated".to_string()),
        level: rng.below(5) as u8,
    }
}

/// The `telemetry` dataset.
pub struct Events;

/// The root table's own fields, read alike through the full view and the
/// shallow one (whose accessors for them return the same types).
macro_rules! touch_top {
    ($event:ident, $d:ident) => {{
        let (event, d) = ($event, $d);
        d.add(event.timestamp_ns());
        d.add(event.name());
        d.add(event.device());
        d.add(event.readings().len());
        d.add(event.samples().len());
        d.opt(event.note());
        d.add(event.level());
    }};
}

impl PlanusDataset for Events {
    const NAME: &'static str = "telemetry";
    const MESSAGES: usize = 1000;
    const FBS: &'static str = include_str!("planus_gen/telemetry.fbs");
    type Record = Event;
    type Owned = gen::Event;
    type Ref<'a> = gen::EventRef<'a>;

    fn generate(rng: &mut Seeded) -> Event {
        generate(rng)
    }

    fn touch_top(event: EventView<'_>, d: &mut Digest) {
        touch_top!(event, d);
    }

    fn touch_top_shallow(event: EventView<'_, flatstream::lazy::Shallow>, d: &mut Digest) {
        touch_top!(event, d);
    }

    fn touch_full(event: EventView<'_>, d: &mut Digest) {
        Self::touch_top(event, d);
        let source = event.source();
        d.add(source.host());
        d.add(source.pid());
        let location = event.location();
        d.add(location.latitude());
        d.add(location.longitude());
        for reading in event.readings() {
            d.add(reading.sensor());
            d.add(reading.value());
            d.add(reading.flags());
        }
        event.samples().iter().for_each(|sample| d.add(sample));
    }

    fn planus_top(event: gen::EventRef<'_>, d: &mut Digest) -> PlanusResult {
        d.add(event.timestamp_ns()?);
        d.add(event.name()?);
        d.add(event.device()?);
        d.add(event.readings()?.len());
        d.add(event.samples()?.len());
        d.opt(event.note()?);
        d.add(event.level()?);
        Ok(())
    }

    fn planus_full(event: gen::EventRef<'_>, d: &mut Digest) -> PlanusResult {
        Self::planus_top(event, d)?;
        let source = event.source()?;
        d.add(source.host()?);
        d.add(source.pid()?);
        let location = event.location()?;
        d.add(location.latitude()?);
        d.add(location.longitude()?);
        for reading in event.readings()? {
            let reading = reading?;
            d.add(reading.sensor()?);
            d.add(reading.value()?);
            d.add(reading.flags()?);
        }
        for sample in event.samples()? {
            d.add(sample);
        }
        Ok(())
    }
}
