//! A telemetry agent: records events to a file as a checksummed flatstream,
//! then reads the file back, verifying every frame, and reports what it found.
//!
//! Run it with `cargo run --release --example telemetry_agent`.
//! Pass a path to keep the file: `cargo run --release --example telemetry_agent -- events.bin`.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::PathBuf;
use std::time::Instant;

use flatstream::checksum::XxHash64;
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::{StreamReader, StreamWriter};

const EVENTS: u64 = 200_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("flatstream-telemetry.bin"));

    // Record: one event per "tick", framed with an XXH3 checksum.
    let started = Instant::now();
    let file = BufWriter::new(File::create(&path)?);
    let mut writer = StreamWriter::new(file, ChecksumFramer::new(XxHash64::new()));
    let mut line = String::new();
    for tick in 0..EVENTS {
        line.clear();
        let level = ["DEBUG", "INFO", "WARN", "ERROR"][(tick % 17 % 4) as usize];
        use std::fmt::Write as _;
        write!(
            line,
            "ts={} level={level} source=sensor-{} cpu={:.1} mem={}",
            1_700_000_000_000 + tick * 10,
            tick % 8,
            (tick * 37 % 1000) as f64 / 10.0,
            512 + tick % 4096
        )?;
        writer.write(&line)?;
    }
    writer.flush()?;
    let bytes = writer.bytes_written();
    drop(writer.into_inner());
    let write_time = started.elapsed();
    println!(
        "recorded {EVENTS} events, {bytes} bytes, in {:.1} ms ({:.2} M events/s) to {}",
        write_time.as_secs_f64() * 1e3,
        EVENTS as f64 / write_time.as_secs_f64() / 1e6,
        path.display()
    );

    // Replay: every frame's checksum and FlatBuffer are verified before its
    // view is handed out; the views borrow the reader's buffer (no copies).
    let started = Instant::now();
    let file = BufReader::new(File::open(&path)?);
    let mut reader =
        StreamReader::<String, _, _>::new(file, ChecksumDeframer::new(XxHash64::new()));
    let mut errors = 0u64;
    let mut last = String::new();
    let mut index = 0;
    while let Some(event) = reader.read()? {
        index += 1;
        if event.contains("level=ERROR") {
            errors += 1;
        }
        if index == EVENTS {
            last = event.to_owned();
        }
    }
    let read_time = started.elapsed();
    let stats = reader.stats();
    println!(
        "verified {} frames, {} bytes, in {:.1} ms ({:.2} M events/s): {errors} errors logged",
        stats.frames,
        stats.bytes,
        read_time.as_secs_f64() * 1e3,
        stats.frames as f64 / read_time.as_secs_f64() / 1e6,
    );
    println!("last event: {last}");
    assert_eq!(stats.frames, EVENTS, "every recorded event reads back");
    Ok(())
}
