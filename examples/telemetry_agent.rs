//! A telemetry agent: derives its event types, records 200 000 events to a
//! file as a checksummed flatstream, replays the file through zero-copy
//! views, then damages a copy and shows that the damage is caught and
//! skipped rather than read.
//!
//! Run it with `cargo run --release --example telemetry_agent`
//! (pass a path to keep the file: `... -- events.fstream`).

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::time::Instant;

use flatstream::checksum::XxHash64;
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::{Recovery, StreamReader, StreamSerialize, StreamWriter};

#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Debug,
    Info,
    Warn,
    Error,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Reading {
    pub sensor: String,
    pub value: f64,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Location {
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Event {
    pub timestamp: u64,
    pub level: Level,
    pub source: String,
    pub tags: Vec<String>,
    pub readings: Vec<Reading>,
    pub location: Option<Location>,
}

const EVENTS: u64 = 200_000;

/// The agent's n-th observation.
fn observe(n: u64) -> Event {
    let level = [Level::Debug, Level::Info, Level::Warn, Level::Error][(n % 17 % 4) as usize];
    Event {
        timestamp: 1_700_000_000_000 + n * 10,
        level,
        source: format!("node-{}", n % 8),
        tags: vec!["edge".to_owned(), format!("rack-{}", n % 3)],
        readings: vec![
            Reading {
                sensor: "cpu".to_owned(),
                value: (n * 37 % 1000) as f64 / 10.0,
            },
            Reading {
                sensor: "mem".to_owned(),
                value: (512 + n % 4096) as f64,
            },
        ],
        location: n.is_multiple_of(5).then_some(Location {
            latitude: 52.52,
            longitude: 13.40,
        }),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("flatstream-telemetry.fstream"));
    let events: Vec<Event> = (0..EVENTS).map(observe).collect();

    // Record: each event is one frame, guarded by an XXH3 checksum. The
    // writer reuses its builder, so this loop allocates nothing. `create`
    // starts the file with a header naming the checksum, the root type and
    // the schema, so `flatstream cat` reads it without being told anything.
    let started = Instant::now();
    let mut writer =
        StreamWriter::<Event, _, _>::create(&path, ChecksumFramer::new(XxHash64::new()))?;
    for event in &events {
        writer.write(event)?;
    }
    writer.flush()?;
    let written = writer.bytes_written();
    drop(writer);
    let secs = started.elapsed().as_secs_f64();
    println!(
        "recorded {EVENTS} events ({written} bytes) in {:.1} ms: {:.2} M events/s",
        secs * 1e3,
        EVENTS as f64 / secs / 1e6
    );

    // Replay: every frame's checksum and FlatBuffer are verified before its
    // view is handed out; accessors read straight from the reader's buffer.
    let started = Instant::now();
    let mut reader = StreamReader::<Event, _, _>::new(
        BufReader::new(File::open(&path)?),
        ChecksumDeframer::new(XxHash64::new()),
    );
    let (mut errors, mut located, mut cpu_total) = (0u64, 0u64, 0.0);
    while let Some(event) = reader.read()? {
        errors += u64::from(event.level() == Level::Error);
        located += u64::from(event.location().is_some());
        cpu_total += event
            .readings()
            .iter()
            .find(|r| r.sensor() == "cpu")
            .map_or(0.0, |r| r.value());
    }
    let secs = started.elapsed().as_secs_f64();
    let frames = reader.stats().frames;
    println!(
        "replayed {frames} events in {:.1} ms: {:.2} M events/s; {errors} errors, {located} located, mean cpu {:.1}%",
        secs * 1e3,
        frames as f64 / secs / 1e6,
        cpu_total / frames as f64
    );
    assert_eq!(frames, EVENTS);
    let header = reader.header().expect("a self-describing file");
    println!(
        "the file says it holds `{}` messages with {} checksums",
        header.root_type, header.checksum
    );

    // Owned decoding gives back exactly what was recorded.
    let reader = StreamReader::<Event, _, _>::new(
        BufReader::new(File::open(&path)?),
        ChecksumDeframer::new(XxHash64::new()),
    );
    let decoded = reader.take(1000).collect::<Result<Vec<Event>, _>>()?;
    assert_eq!(decoded, events[..1000]);

    // A disk that lies: flip one bit in the middle of the file. A strict
    // reader stops there with an error that says where; a skipping reader
    // passes over the damaged frame and reads every other one.
    let mut damaged = std::fs::read(&path)?;
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x10;
    let mut strict =
        StreamReader::<Event, _, _>::new(&damaged[..], ChecksumDeframer::new(XxHash64::new()));
    let err = loop {
        match strict.read() {
            Ok(Some(_)) => continue,
            Ok(None) => unreachable!("the damage must be noticed"),
            Err(err) => break err,
        }
    };
    println!("strict reader: {err}");
    let mut skipping =
        StreamReader::<Event, _, _>::new(&damaged[..], ChecksumDeframer::new(XxHash64::new()))
            .with_recovery(Recovery::SkipCorrupted)
            .with_skip_callback(|region| {
                println!(
                    "skipped {} bytes at offset {}: {}",
                    region.len, region.offset, region.reason
                )
            });
    while skipping.read()?.is_some() {}
    println!(
        "skipping reader: {} of {EVENTS} events intact",
        skipping.stats().frames
    );
    assert_eq!(skipping.stats().frames, EVENTS - 1);
    Ok(())
}

/// `cargo test --example telemetry_agent`: the event's schema is still the
/// one committed for readers in other languages (after a compatible change,
/// replace `tests/interop/telemetry_event.fbs` with the schema printed).
#[test]
fn schema_is_the_committed_one() {
    let schema = flatstream::schema::<Event>();
    flatstream::schema::assert_compatible(
        include_str!("../tests/interop/telemetry_event.fbs"),
        &schema,
    );
    assert_eq!(
        schema,
        include_str!("../tests/interop/telemetry_event.fbs"),
        "{schema}"
    );
}
