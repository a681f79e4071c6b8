//! Where the time of a verified read goes, step by step, for a ~128-byte
//! log record and for a 64 KiB payload, every stream framed with XXH3; and
//! the write of the same log records (`small/write`: `StreamWriter::write`
//! into a reused `Vec`).
//!
//! `cargo bench --bench read_path` (add `-- small/` or `-- 64KiB/` to
//! filter). In each group, over the same in-memory stream:
//! - `checksum`: XXH3 of every payload alone;
//! - `deframe`: `SliceReader::read_message` — header, limit, XXH3;
//! - `unchecked`: `read_unchecked` — the same plus making the view;
//! - `verify`: the generated verifier alone on payloads already in memory;
//! - `verified`: `read` — deframe, XXH3, verify — then every top-level
//!   field of the view read;
//! - `flatbuffers_root`: `read_message`, then `flatbuffers::root` on
//!   hand-written accessors for the same table (as flatc would generate
//!   them), then the same fields: the read through the `flatbuffers`
//!   crate's verifier instead of flatstream's.
//!
//! - `paired/verified`, `paired/unchecked`, `paired/checksum`: `verified`
//!   against `flatbuffers_root`, `unchecked` against `deframe`, `checksum`
//!   against `verify`, each pair run
//!   interleaved, their ratio printed (see `flatstream_testkit::paired`).
//!
//! Throughput is messages for `small/` and bytes for `64KiB/`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use flatstream::checksum::{Checksum, XxHash64};
use flatstream::flatbuffers::{self, ForwardsUOffset, InvalidFlatbuffer, Table, Verifier};
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::{SliceReader, StreamDeserialize, StreamSerialize, StreamWriter};

use flatstream_testkit::paired::paired;
use flatstream_testkit::telemetry::Level;
use flatstream_testkit::Rng;

/// A log line as an agent ships it: about 128 bytes as a FlatBuffer.
#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct LogRecord {
    pub timestamp: u64,
    pub level: Level,
    pub host: String,
    pub service: String,
    pub message: String,
    pub code: u16,
    pub duration_us: u32,
}

/// A large payload with a little metadata.
#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Chunk {
    pub seq: u64,
    pub name: String,
    pub data: Vec<u8>,
}

fn log_records(count: usize) -> Vec<LogRecord> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..count)
        .map(|i| LogRecord {
            timestamp: 1_700_000_000_000_000 + i as u64 * 1_000,
            level: Level::ALL[i % 4],
            host: format!("node-{:04}.dc1", rng.next_u64() % 1000),
            service: rng.word(10),
            message: format!(
                "request {} served in {} us",
                rng.word(16),
                rng.next_u64() % 10_000
            ),
            code: [200, 201, 404, 500][(rng.next_u64() % 4) as usize],
            duration_us: (rng.next_u64() % 100_000) as u32,
        })
        .collect()
}

fn chunks(count: usize) -> Vec<Chunk> {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    (0..count)
        .map(|i| Chunk {
            seq: i as u64,
            name: format!("chunk-{i}"),
            data: rng.bytes(64 * 1024),
        })
        .collect()
}

fn stream_of<T: StreamSerialize>(values: &[T]) -> Vec<u8> {
    let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(XxHash64::new()));
    writer.write_batch(values).unwrap();
    writer.into_inner()
}

fn touch_log(view: LogRecordView<'_>) -> u64 {
    view.timestamp()
        + view.level() as u64
        + view.host().len() as u64
        + view.service().len() as u64
        + view.message().len() as u64
        + u64::from(view.code())
        + u64::from(view.duration_us())
}

fn touch_chunk(view: ChunkView<'_>) -> u64 {
    view.seq() + view.name().len() as u64 + view.data().len() as u64
}

/// Hand-written accessors for the two tables over the `flatbuffers` crate,
/// as flatc generates them: a `Table`, its slots, a `Verifiable` impl.
mod fb {
    use super::*;

    const fn slot(id: u16) -> u16 {
        4 + 2 * id
    }

    /// Reads the field at `slot` of a table `flatbuffers::root` verified.
    fn get<'a, T: flatbuffers::Follow<'a> + 'a>(
        table: &Table<'a>,
        slot: u16,
        default: T::Inner,
    ) -> T::Inner {
        // SAFETY: every accessor below reads a table that
        // `flatbuffers::root` verified with the `Verifiable` impl naming
        // this slot's type.
        unsafe { table.get::<T>(slot, None) }.unwrap_or(default)
    }

    flatstream_testkit::flatc_table!(LogRecordFb, ChunkFb);

    impl flatbuffers::Verifiable for LogRecordFb<'_> {
        fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Result<(), InvalidFlatbuffer> {
            v.visit_table(pos)?
                .visit_field::<u64>("timestamp", slot(0), false)?
                .visit_field::<u8>("level", slot(1), false)?
                .visit_field::<ForwardsUOffset<&str>>("host", slot(2), false)?
                .visit_field::<ForwardsUOffset<&str>>("service", slot(3), false)?
                .visit_field::<ForwardsUOffset<&str>>("message", slot(4), false)?
                .visit_field::<u16>("code", slot(5), false)?
                .visit_field::<u32>("duration_us", slot(6), false)?
                .finish();
            Ok(())
        }
    }

    /// What `touch_log` adds up, read through the hand-written accessors.
    pub fn touch_log(payload: &[u8]) -> u64 {
        let log = flatbuffers::root::<LogRecordFb<'_>>(payload).unwrap().0;
        get::<u64>(&log, slot(0), 0)
            + u64::from(get::<u8>(&log, slot(1), 0))
            + get::<ForwardsUOffset<&str>>(&log, slot(2), "").len() as u64
            + get::<ForwardsUOffset<&str>>(&log, slot(3), "").len() as u64
            + get::<ForwardsUOffset<&str>>(&log, slot(4), "").len() as u64
            + u64::from(get::<u16>(&log, slot(5), 0))
            + u64::from(get::<u32>(&log, slot(6), 0))
    }

    impl flatbuffers::Verifiable for ChunkFb<'_> {
        fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Result<(), InvalidFlatbuffer> {
            v.visit_table(pos)?
                .visit_field::<u64>("seq", slot(0), false)?
                .visit_field::<ForwardsUOffset<&str>>("name", slot(1), false)?
                .visit_field::<ForwardsUOffset<flatbuffers::Vector<'_, u8>>>(
                    "data",
                    slot(2),
                    false,
                )?
                .finish();
            Ok(())
        }
    }

    /// What `touch_chunk` adds up, read through the hand-written accessors.
    pub fn touch_chunk(payload: &[u8]) -> u64 {
        let chunk = flatbuffers::root::<ChunkFb<'_>>(payload).unwrap().0;
        let data = get::<ForwardsUOffset<flatbuffers::Vector<'_, u8>>>(
            &chunk,
            slot(2),
            flatbuffers::Vector::default(),
        );
        get::<u64>(&chunk, slot(0), 0)
            + get::<ForwardsUOffset<&str>>(&chunk, slot(1), "").len() as u64
            + data.len() as u64
    }
}

/// The measurements of one group, over `stream` of `T`.
fn read_steps<T, F>(
    group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    stream: &[u8],
    touch: F,
    touch_root: fn(&[u8]) -> u64,
) where
    T: StreamDeserialize,
    F: for<'a> Fn(T::View<'a>) -> u64 + Copy,
{
    let deframer = ChecksumDeframer::new(XxHash64::new());
    let reader = || SliceReader::<T, _>::new(black_box(stream), deframer);
    let payloads: Vec<&[u8]> = {
        let mut reader = reader();
        std::iter::from_fn(|| reader.read_message().unwrap()).collect()
    };

    let verified = || {
        let mut reader = reader();
        let mut total = 0;
        while let Some(view) = reader.read().unwrap() {
            total += touch(view);
        }
        total
    };
    let through_root = || {
        let mut reader = reader();
        let mut total = 0;
        while let Some(payload) = reader.read_message().unwrap() {
            total += touch_root(payload);
        }
        total
    };
    // The two reads see the same values, and the stream is not empty.
    let expected = verified();
    assert!(expected > 0 && !payloads.is_empty());
    assert_eq!(through_root(), expected);

    let checksum = || {
        for payload in &payloads {
            black_box(XxHash64::new().calculate(black_box(payload)));
        }
    };
    let verify = || {
        for payload in &payloads {
            black_box(T::view(black_box(payload)).unwrap());
        }
    };
    group.bench_function("checksum", |b| b.iter(checksum));
    let deframe = || {
        let mut reader = reader();
        while let Some(payload) = reader.read_message().unwrap() {
            black_box(payload);
        }
    };
    let unchecked = || {
        let mut reader = reader();
        // SAFETY: the stream was written above from valid values.
        while let Some(view) = unsafe { reader.read_unchecked() }.unwrap() {
            black_box(view);
        }
    };
    group.bench_function("deframe", |b| b.iter(deframe));
    group.bench_function("unchecked", |b| b.iter(unchecked));
    group.bench_function("verify", |b| b.iter(verify));
    group.bench_function("verified", |b| b.iter(verified));
    group.bench_function("flatbuffers_root", |b| b.iter(through_root));
    paired(
        group,
        name,
        "paired/verified",
        ("verified", || {
            black_box(verified());
        }),
        ("flatbuffers_root", || {
            black_box(through_root());
        }),
    );
    paired(
        group,
        name,
        "paired/unchecked",
        ("unchecked", unchecked),
        ("deframe", deframe),
    );
    paired(
        group,
        name,
        "paired/checksum",
        ("checksum", checksum),
        ("verify", verify),
    );
}

/// Writes `records` into the writer's emptied `Vec`.
fn write_records(
    writer: &mut StreamWriter<LogRecord, Vec<u8>, ChecksumFramer<XxHash64>>,
    records: &[LogRecord],
) {
    writer.get_mut().clear();
    for record in records {
        writer.write(record).expect("writing to a Vec cannot fail");
    }
}

fn bench_small(c: &mut Criterion) {
    let records = log_records(1000);
    let stream = stream_of(&records);
    // Each frame: 12 bytes of header and checksum, then the payload.
    let average = stream.len() / records.len() - 12;
    assert!((112..=144).contains(&average), "{average}-byte records");
    let mut group = c.benchmark_group("small");
    group.throughput(Throughput::Elements(records.len() as u64));
    read_steps::<LogRecord, _>(&mut group, "small", &stream, touch_log, fb::touch_log);

    // The same records written: `StreamWriter::write` into a reused `Vec`.
    let mut writer = StreamWriter::new(
        Vec::with_capacity(stream.len()),
        ChecksumFramer::new(XxHash64::new()),
    );
    write_records(&mut writer, &records);
    assert!(
        writer.get_ref() == &stream,
        "the writer must write the stream read above"
    );
    group.bench_function("write", |b| {
        b.iter(|| write_records(&mut writer, black_box(&records)))
    });
    group.finish();
}

fn bench_large(c: &mut Criterion) {
    let chunks = chunks(16);
    let stream = stream_of(&chunks);
    let payload_bytes: usize = {
        let mut reader =
            SliceReader::<Chunk, _>::new(&stream, ChecksumDeframer::new(XxHash64::new()));
        std::iter::from_fn(|| reader.read_message().unwrap())
            .map(<[u8]>::len)
            .sum()
    };
    let mut group = c.benchmark_group("64KiB");
    group.throughput(Throughput::Bytes(payload_bytes as u64));
    read_steps::<Chunk, _>(&mut group, "64KiB", &stream, touch_chunk, fb::touch_chunk);
    group.finish();
}

criterion_group!(benches, bench_small, bench_large);
criterion_main!(benches);
