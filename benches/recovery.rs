//! The skip-mode scan (`Recovery::SkipCorrupted`) over inputs that are
//! all or partly damage, read raw by `FrameReader` from memory as the
//! CLI's `recover`, `inspect` and `stats` read a file.
//!
//! `cargo bench --bench recovery`. Groups `scan/<checksum>/<input>`,
//! throughput in input bytes (8 MiB each):
//!
//! - `random`: random bytes (one offset in 256 claims up to 16 MiB);
//! - `zeros`: zeroed bytes (every length is 0);
//! - `pattern-40`, `pattern-10`: `00 00 40 00` and `00 00 10 00`
//!   repeated (16 KiB and 4 MiB, 4 KiB and 1 MiB claims at every fourth
//!   offset);
//! - `worst`: the 8-byte pattern that costs the budgeted scan the most
//!   (a free 64-byte claim, a chained 16 KiB claim and two long ones per
//!   period);
//! - `damaged-1%`: an XXH3 stream with one frame in a hundred damaged.
//!
//! The crafted inputs and the worst one are also read with CRC-32 and
//! CRC-16 framing, whose checking is slower per byte.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use flatstream::checksum::{Checksum, Crc16, Crc32, XxHash64};
use flatstream::framing::ChecksumDeframer;
use flatstream::{FrameReader, ReadStats, Recovery};
use flatstream_testkit::paired::config;
use flatstream_testkit::recovery::{damaged_stream, pattern, random_bytes, worst_pattern};

const LEN: usize = 8 << 20;

/// Reads `bytes` raw in skip mode to the end: payload bytes read, and the
/// counters.
fn recover<C: Checksum + Copy>(checksum: C, bytes: &[u8]) -> (usize, ReadStats) {
    let mut reader = FrameReader::new(bytes, ChecksumDeframer::new(checksum))
        .with_recovery(Recovery::SkipCorrupted);
    let mut payload_bytes = 0;
    while let Some(payload) = reader.read_message().unwrap() {
        payload_bytes += black_box(payload).len();
    }
    (payload_bytes, reader.stats().clone())
}

fn bench_input<C: Checksum + Copy>(c: &mut Criterion, checksum: C, input: &str, bytes: &[u8]) {
    let (_, stats) = recover(checksum, bytes);
    assert_eq!(stats.bytes, bytes.len() as u64, "{input}: read to the end");
    eprintln!(
        "{}/{input}: {} frames, {} bytes skipped, {} unchecked",
        C::NAME,
        stats.frames,
        stats.skipped_bytes,
        stats.unchecked_frames
    );
    let mut group = c.benchmark_group(format!("scan/{}", C::NAME));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function(input, |b| b.iter(|| recover(checksum, bytes)));
    group.finish();
}

fn scan(c: &mut Criterion) {
    let random = random_bytes(LEN, 1);
    let zeros = vec![0u8; LEN];
    let pattern_40 = pattern(&[0, 0, 0x40, 0], LEN);
    let pattern_10 = pattern(&[0, 0, 0x10, 0], LEN);
    let damaged = damaged_stream(XxHash64, LEN, 1);
    bench_input(c, XxHash64, "random", &random);
    bench_input(c, XxHash64, "zeros", &zeros);
    bench_input(c, XxHash64, "pattern-40", &pattern_40);
    bench_input(c, XxHash64, "pattern-10", &pattern_10);
    bench_input(c, XxHash64, "worst", &worst_pattern::<XxHash64>(LEN));
    bench_input(c, XxHash64, "damaged-1%", &damaged);
    bench_input(c, Crc32, "random", &random);
    bench_input(c, Crc32, "pattern-40", &pattern_40);
    bench_input(c, Crc32, "worst", &worst_pattern::<Crc32>(LEN));
    bench_input(c, Crc16, "pattern-40", &pattern_40);
    bench_input(c, Crc16, "worst", &worst_pattern::<Crc16>(LEN));
}

criterion_group! {
    name = benches;
    config = config(Duration::from_secs(1), Duration::from_secs(3), 10);
    targets = scan
}
criterion_main!(benches);
