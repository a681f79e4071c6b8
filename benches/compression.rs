//! Compressed and encrypted streams: compression ratio and write/read
//! throughput for none / LZ4 / zstd 1 / zstd 3 / zstd 3 with a trained
//! dictionary, one message per frame and in blocks, on the telemetry
//! example's events and on structured log records, against zstd of the
//! whole uncompressed stream; and the cost of encryption per message at
//! 128 B and 4 KiB.
//!
//! `cargo bench --bench compression`. The ratios are printed first (they
//! do not vary); groups `compression/<dataset>/<write|read>/<codec>-<mode>`
//! report throughput in bytes of messages, `encryption/<size>/<write|read>/
//! <plain|layered|encrypted>` in messages.

use std::hint::black_box;
use std::time::Duration;

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::XChaCha20Poly1305;
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use flatstream::checksum::XxHash64;
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::layered::{
    Compression, Dictionary, Grouping, Key, LayeredReader, LayeredWriter, Layers,
};
use flatstream::schema::Schema;
use flatstream::{SliceReader, StreamDeserialize, StreamSerialize, StreamWriter};
use flatstream_testkit::datasets::{agent_events, log_records};
use flatstream_testkit::paired::config;
use flatstream_testkit::streams::payload_of;

/// Messages per dataset.
const MESSAGES: usize = 20_000;

fn framer() -> ChecksumFramer<XxHash64> {
    ChecksumFramer::new(XxHash64::new())
}

fn deframer() -> ChecksumDeframer<XxHash64> {
    ChecksumDeframer::new(XxHash64::new())
}

/// The stream of `messages`, plain (`None`) or through `layers`.
fn write<T: StreamSerialize + Schema>(layers: Option<&Layers>, messages: &[T]) -> Vec<u8> {
    match layers {
        None => {
            let mut writer = StreamWriter::<T, _, _>::with_header(Vec::new(), framer()).unwrap();
            for message in messages {
                writer.write(message).unwrap();
            }
            writer.into_inner()
        }
        Some(layers) => {
            let mut writer =
                LayeredWriter::<T, _, _>::new(Vec::new(), framer(), layers.clone()).unwrap();
            for message in messages {
                writer.write(message).unwrap();
            }
            writer.finish().unwrap()
        }
    }
}

/// Reads and verifies every message of `bytes`; returns how many.
fn read<T: StreamDeserialize>(layers: Option<&Layers>, bytes: &[u8]) -> usize {
    let mut n = 0;
    match layers {
        None => {
            let mut reader = SliceReader::<T, _>::new(bytes, deframer());
            while let Some(view) = reader.read().unwrap() {
                black_box(&view);
                n += 1;
            }
        }
        Some(layers) => {
            let frames = SliceReader::<(), _>::new(bytes, deframer());
            let mut reader = LayeredReader::<T, _>::new(frames, layers.clone()).unwrap();
            while let Some(view) = reader.read().unwrap() {
                black_box(&view);
                n += 1;
            }
        }
    }
    n
}

/// The settings measured, by name; `None` is the plain stream.
fn settings(dictionary: &Dictionary) -> Vec<(String, Option<Layers>)> {
    let mut out = vec![("none".to_owned(), None)];
    let codecs = [
        ("lz4", Compression::Lz4, false),
        ("zstd1", Compression::Zstd { level: 1 }, false),
        ("zstd3", Compression::Zstd { level: 3 }, false),
        ("zstd3+dict", Compression::Zstd { level: 3 }, true),
    ];
    for (name, compression, with_dictionary) in codecs {
        for (mode, grouping) in [
            ("frame", Grouping::PerFrame),
            ("block", Grouping::block(256, 64)),
        ] {
            let mut layers = Layers::new()
                .with_compression(compression)
                .with_grouping(grouping);
            if with_dictionary {
                layers = layers.with_dictionary(dictionary.clone());
            }
            out.push((format!("{name}-{mode}"), Some(layers)));
        }
    }
    out
}

fn dataset<T>(c: &mut Criterion, name: &str, messages: &[T])
where
    T: StreamSerialize + Schema + StreamDeserialize,
{
    let payloads: Vec<Vec<u8>> = messages.iter().map(payload_of).collect();
    let raw: usize = payloads.iter().map(Vec::len).sum();
    // The dictionary is trained on other messages than those measured.
    let dictionary = Dictionary::train(&payloads[..MESSAGES / 4], 16 * 1024).unwrap();
    let messages = &messages[MESSAGES / 4..];
    let raw_measured: usize = payloads[MESSAGES / 4..].iter().map(Vec::len).sum();
    let settings = settings(&dictionary);

    let plain = write(None, messages);
    println!(
        "{name}: {} messages, {} bytes of messages ({} bytes/message), plain stream {} bytes",
        messages.len(),
        raw_measured,
        raw / MESSAGES,
        plain.len()
    );
    for level in [3, 19] {
        let whole = zstd::encode_all(&plain[..], level).unwrap();
        println!(
            "{name}: reference zstd -{level} of the whole plain stream: {} bytes, ratio {:.2}",
            whole.len(),
            plain.len() as f64 / whole.len() as f64
        );
    }
    for (setting, layers) in &settings {
        let bytes = write(layers.as_ref(), messages);
        assert_eq!(read::<T>(layers.as_ref(), &bytes), messages.len());
        println!(
            "{name}: {setting:<16} {:>9} bytes, ratio {:.2}",
            bytes.len(),
            plain.len() as f64 / bytes.len() as f64
        );
    }

    let mut group = c.benchmark_group(format!("compression/{name}"));
    group.throughput(Throughput::Bytes(raw_measured as u64));
    for (setting, layers) in &settings {
        write_and_read(&mut group, setting, layers.as_ref(), messages);
    }
    group.finish();
}

/// Measures writing `messages` with `layers` (`None`: a plain stream),
/// and reading them back, as `write/{setting}` and `read/{setting}`.
fn write_and_read<T>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    setting: &str,
    layers: Option<&Layers>,
    messages: &[T],
) where
    T: StreamSerialize + StreamDeserialize + Schema,
{
    group.bench_function(format!("write/{setting}"), |b| {
        b.iter(|| black_box(write(layers, messages).len()))
    });
    let bytes = write(layers, messages);
    group.bench_function(format!("read/{setting}"), |b| {
        b.iter(|| black_box(read::<T>(layers, &bytes)))
    });
}

fn compression(c: &mut Criterion) {
    dataset(c, "telemetry", &agent_events(MESSAGES as u64));
    dataset(c, "logs", &log_records(MESSAGES));
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Blob {
    pub data: Vec<u8>,
}

/// Messages per encryption measurement.
const BLOBS: usize = 2_000;

fn encryption_case(group: &mut BenchmarkGroup<'_, WallTime>, blobs: &[Blob]) {
    let settings = [
        ("plain", None),
        ("layered", Some(Layers::new())),
        (
            "encrypted",
            Some(Layers::new().with_key(1, Key::from([0x11; 32]))),
        ),
    ];
    for (name, layers) in &settings {
        write_and_read(group, name, layers.as_ref(), blobs);
    }
}

fn encryption(c: &mut Criterion) {
    for (label, size) in [("128B", 128 - 24), ("4KiB", 4096 - 24)] {
        let blobs: Vec<Blob> = (0..BLOBS)
            .map(|i| Blob {
                data: (0..size).map(|j| (i * 31 + j * 7) as u8).collect(),
            })
            .collect();
        let payload = payload_of(&blobs[0]).len();
        println!("encryption/{label}: messages of {payload} bytes");
        let mut group = c.benchmark_group(format!("encryption/{label}"));
        group.throughput(Throughput::Elements(BLOBS as u64));
        encryption_case(&mut group, &blobs);
        // The cipher alone, through the crate: the floor of the cost.
        let cipher = XChaCha20Poly1305::new(&[0x11; 32].into());
        let mut buffer = payload_of(&blobs[0]);
        group.bench_function("seal/xchacha20-poly1305", |b| {
            b.iter(|| {
                for i in 0..BLOBS as u64 {
                    let mut nonce = [0u8; 24];
                    nonce[16..].copy_from_slice(&i.to_le_bytes());
                    let tag = cipher
                        .encrypt_in_place_detached(&nonce.into(), b"associated", &mut buffer)
                        .unwrap();
                    black_box(tag);
                }
            })
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = config(Duration::from_millis(500), Duration::from_secs(2), 10);
    targets = compression, encryption
}
criterion_main!(benches);
