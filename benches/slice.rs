//! Reading a file: mapped with `memmap2` and scanned by `SliceReader`
//! (views borrow the mapping, nothing is copied) against `StreamReader`
//! reading the same file through `read` calls into its own buffer.
//!
//! `cargo bench --bench slice`. Groups: `read/slice/<size>` and
//! `read/stream/<size>`, each checking the XXH3 checksum and verifying
//! every event of a file of 64-byte-ish and 1 KiB-ish derived events;
//! throughput in file bytes.

use std::fs::File;
use std::hint::black_box;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use flatstream::checksum::XxHash64;
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::{SliceReader, StreamReader, StreamSerialize, StreamWriter};
use flatstream_testkit::paired::config;
use flatstream_testkit::Rng;
use memmap2::Mmap;

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Event {
    pub timestamp: u64,
    pub source: String,
    pub values: Vec<f32>,
    pub payload: Vec<u8>,
}

/// Bytes of events per file.
const FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Writes a file of events whose `payload` field holds `blob` seeded bytes.
fn write_file(dir: &Path, blob: usize) -> PathBuf {
    let path = dir.join(format!("events-{blob}.fstream"));
    let file = BufWriter::new(File::create(&path).unwrap());
    let mut writer = StreamWriter::new(file, ChecksumFramer::new(XxHash64::new()));
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut n = 0u64;
    while writer.bytes_written() < FILE_BYTES {
        let state = rng.next_u64();
        writer
            .write(&Event {
                timestamp: 1_700_000_000_000 + n,
                source: format!("node-{}", state % 16),
                values: vec![(state % 1000) as f32; 4],
                payload: state.to_le_bytes().repeat(blob / 8),
            })
            .unwrap();
        n += 1;
    }
    writer.flush().unwrap();
    path
}

fn read(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let deframer = ChecksumDeframer::new(XxHash64::new());
    for (blob, name) in [(0, "small"), (1024, "1KiB")] {
        let path = write_file(dir.path(), blob);
        let len = std::fs::metadata(&path).unwrap().len();
        let mut group = c.benchmark_group("read");
        group.throughput(Throughput::Bytes(len));

        group.bench_function(format!("slice/{name}"), |b| {
            b.iter(|| {
                let file = File::open(&path).unwrap();
                // SAFETY: the file is private to this benchmark and nothing
                // modifies it while it is mapped.
                let map = unsafe { Mmap::map(&file).unwrap() };
                let mut reader = SliceReader::<Event, _>::new(&map, deframer);
                let mut sum = 0u64;
                while let Some(event) = reader.read().unwrap() {
                    sum = sum.wrapping_add(black_box(event).timestamp());
                }
                sum
            })
        });

        group.bench_function(format!("stream/{name}"), |b| {
            b.iter(|| {
                let file = File::open(&path).unwrap();
                let mut reader = StreamReader::<Event, _, _>::new(file, deframer);
                let mut sum = 0u64;
                while let Some(event) = reader.read().unwrap() {
                    sum = sum.wrapping_add(black_box(event).timestamp());
                }
                sum
            })
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = config(Duration::from_secs(1), Duration::from_secs(3), 20);
    targets = read
}
criterion_main!(benches);
