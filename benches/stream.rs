//! Write and read throughput of string messages with every checksum, for
//! 64-byte and 4 KiB payloads.
//!
//! `cargo bench --bench stream` (add `-- write/` or `-- read/` to filter).
//! Groups: `write/<checksum>` frames messages into a reused in-memory sink;
//! `read/view/<checksum>` deframes, checks and verifies each message and
//! touches its view; `read/message/<checksum>` stops at the raw payload.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use flatstream::checksum::{Checksum, Crc16, Crc32, Crc64, NoChecksum, XxHash64};
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::{StreamReader, StreamWriter};
use flatstream_testkit::paired::config;
use flatstream_testkit::streams::write_stream;
use flatstream_testkit::Rng;

/// Messages per iteration.
const BATCH: usize = 1000;

/// Payload sizes measured: the FlatBuffer holds a string of
/// `size - 12` characters (4 bytes root offset, 4 length, terminator,
/// alignment padding), so each payload is exactly `size` bytes.
const SIZES: [(usize, &str); 2] = [(64, "64B"), (4096, "4KiB")];

fn texts(payload_size: usize) -> Vec<String> {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    (0..BATCH).map(|_| rng.word(payload_size - 12)).collect()
}

fn throughput(label: &str, payload_size: usize) -> Throughput {
    // Small messages are counted in messages, large ones in bytes.
    if label == "64B" {
        Throughput::Elements(BATCH as u64)
    } else {
        Throughput::Bytes((BATCH * payload_size) as u64)
    }
}

fn bench_checksum<C: Checksum + Copy>(c: &mut Criterion, name: &str, checksum: C) {
    let mut write = c.benchmark_group(format!("write/{name}"));
    for (size, label) in SIZES {
        let messages = texts(size);
        assert_eq!(
            write_stream(checksum, &messages[..1]).len(),
            4 + C::SIZE + size
        );
        write.throughput(throughput(label, size));
        let mut writer = StreamWriter::new(
            Vec::with_capacity(BATCH * (size + 16)),
            ChecksumFramer::new(checksum),
        );
        write.bench_function(BenchmarkId::from_parameter(label), |b| {
            b.iter(|| {
                writer.get_mut().clear();
                for message in &messages {
                    writer.write(black_box(message)).unwrap();
                }
                black_box(writer.get_ref().len())
            })
        });
    }
    write.finish();

    // `read/view`: verified views; `read/message`: raw payloads.
    for (kind, raw) in [("view", false), ("message", true)] {
        let mut read = c.benchmark_group(format!("read/{kind}/{name}"));
        for (size, label) in SIZES {
            let bytes = write_stream(checksum, &texts(size));
            read.throughput(throughput(label, size));
            read.bench_function(BenchmarkId::from_parameter(label), |b| {
                let mut reader =
                    StreamReader::<String, _, _>::new(&bytes[..], ChecksumDeframer::new(checksum));
                b.iter(|| {
                    *reader.get_mut() = black_box(&bytes[..]);
                    let mut total = 0usize;
                    if raw {
                        while let Some(payload) = reader.read_message().unwrap() {
                            total += payload.len();
                        }
                    } else {
                        while let Some(text) = reader.read().unwrap() {
                            total += text.len();
                        }
                    }
                    black_box(total)
                })
            });
        }
        read.finish();
    }
}

fn benches(c: &mut Criterion) {
    bench_checksum(c, "none", NoChecksum);
    bench_checksum(c, "crc16", Crc16);
    bench_checksum(c, "crc32", Crc32);
    bench_checksum(c, "crc64", Crc64);
    bench_checksum(c, "xxh3", XxHash64);
}

criterion_group! {
    name = stream;
    config = config(Duration::from_millis(500), Duration::from_secs(2), 30);
    targets = benches
}
criterion_main!(stream);
