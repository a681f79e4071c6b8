//! Scan a telemetry file without copying it: map it with `memmap2`, read it
//! with a `SliceReader` whose views borrow the mapped pages, and keep views
//! around (here: the hottest reading per node) while the scan goes on.
//! Then the same scan through `StreamReader`, to compare.
//!
//! Run it on a file from the telemetry agent:
//!
//! ```sh
//! cargo run --release --example telemetry_agent -- events.fstream
//! cargo run --release --example mmap_scan -- events.fstream
//! ```
//!
//! Without an argument it records a file of its own first.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::PathBuf;
use std::time::Instant;

use flatstream::checksum::XxHash64;
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::{SliceReader, StreamReader, StreamSerialize, StreamWriter};
use memmap2::Mmap;

// What this scan reads of the telemetry agent's events: the fields it
// needs, in their slots (`tags` keeps its slot but is never read; the
// `location` after `readings` is left out).
#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Debug = 0,
    Info = 1,
    Warn = 2,
    Error = 3,
}

#[derive(StreamSerialize, Debug)]
pub struct Reading {
    pub sensor: String,
    pub value: f64,
}

#[derive(StreamSerialize, Debug)]
pub struct Event {
    pub timestamp: u64,
    pub level: Level,
    pub source: String,
    #[flatstream(deprecated)]
    pub tags: Vec<String>,
    pub readings: Vec<Reading>,
}

fn record(path: &PathBuf) -> Result<(), Box<dyn std::error::Error>> {
    let file = std::io::BufWriter::new(File::create(path)?);
    let mut writer = StreamWriter::new(file, ChecksumFramer::new(XxHash64::new()));
    for n in 0..200_000u64 {
        writer.write(&Event {
            timestamp: 1_700_000_000_000 + n * 10,
            level: [Level::Debug, Level::Info, Level::Warn, Level::Error][(n % 4) as usize],
            source: format!("node-{}", n % 8),
            tags: Vec::new(),
            readings: vec![Reading {
                sensor: "cpu".into(),
                value: (n * 37 % 1000) as f64 / 10.0,
            }],
        })?;
    }
    writer.flush()?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = match std::env::args_os().nth(1) {
        Some(path) => PathBuf::from(path),
        None => {
            let path = std::env::temp_dir().join("flatstream-mmap-scan.fstream");
            record(&path)?;
            path
        }
    };
    let file = File::open(&path)?;
    // SAFETY: the mapping is only read, and nothing writes or truncates
    // the file while it is mapped (a concurrent writer would make the
    // mapped bytes change under the views; verification would not help).
    let map = unsafe { Mmap::map(&file)? };

    let reader = SliceReader::<Event, _>::new(&map, ChecksumDeframer::new(XxHash64::new()));
    // Views borrow the mapped file, not the reader: they can be kept.
    let mut hottest = BTreeMap::new();
    for view in reader {
        let view = view?;
        let cpu = view
            .readings()
            .iter()
            .filter(|reading| reading.sensor() == "cpu")
            .map(|reading| reading.value())
            .fold(f64::MIN, f64::max);
        let entry = hottest.entry(view.source()).or_insert((cpu, view));
        if cpu > entry.0 {
            *entry = (cpu, view);
        }
    }
    for (source, (cpu, view)) in &hottest {
        println!(
            "{source}: hottest cpu {cpu:.1}% at {} ({:?})",
            view.timestamp(),
            view.level()
        );
    }

    // The bare scan (checksum + verification of every event), from the
    // mapping and then read through the file with a StreamReader.
    let started = Instant::now();
    let mut reader = SliceReader::<Event, _>::new(&map, ChecksumDeframer::new(XxHash64::new()));
    let mut mapped_events = 0u64;
    while reader.read()?.is_some() {
        mapped_events += 1;
    }
    let mapped = started.elapsed();

    let started = Instant::now();
    let file = File::open(&path)?;
    let mut reader = StreamReader::<Event, _, _>::new(file, ChecksumDeframer::new(XxHash64::new()));
    let mut read_events = 0u64;
    while reader.read()?.is_some() {
        read_events += 1;
    }
    let read = started.elapsed();
    assert_eq!(mapped_events, read_events);

    let mib = map.len() as f64 / (1024.0 * 1024.0);
    println!(
        "{mapped_events} events, {mib:.1} MiB: mmap + SliceReader {:.1} ms ({:.0} MiB/s), \
         StreamReader {:.1} ms ({:.0} MiB/s)",
        mapped.as_secs_f64() * 1e3,
        mib / mapped.as_secs_f64(),
        read.as_secs_f64() * 1e3,
        mib / read.as_secs_f64(),
    );
    Ok(())
}
