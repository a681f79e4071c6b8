//! The cost of the derive: writing the API's `Event` through
//! `#[derive(StreamSerialize)]` against the same message built by hand
//! with `flatbuffers` builder calls, the way `flatc`-generated code does it.
//!
//! `cargo bench --bench derive` (add `-- write/` or `-- read/` to filter).
//! Groups: `write/derive` and `write/handwritten` serialize a batch of
//! seeded events into a reused builder and frame them with XXH3 into a
//! reused `Vec`; both produce identical bytes, checked before measuring.
//! `read/view/derive` verifies each payload and reads every field through
//! the derived view; `read/owned/derive` decodes owned `Event`s.
//! `write/paired`, `read/paired` and `verify/paired` run the two sides of
//! each comparison interleaved and print their ratio (see
//! `flatstream_testkit::paired`); `write/writer` pairs `StreamWriter::write` (the
//! derived type through flatstream's encoder) with the hand-written
//! builder calls framed by the same writer.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use flatstream::checksum::XxHash64;
use flatstream::flatbuffers::{FlatBufferBuilder, TableFinishedWIPOffset, WIPOffset};
use flatstream::framing::{ChecksumDeframer, ChecksumFramer, Framer};
use flatstream::{SliceReader, StreamDeserialize, StreamReader, StreamSerialize, StreamWriter};

use flatstream_testkit::paired::paired;
use flatstream_testkit::telemetry::{self, Event, EventView, Reading};

/// Messages per iteration.
const BATCH: usize = 100;

fn events() -> Vec<Event> {
    telemetry::events(BATCH)
}

// ---------------------------------------------------------------------------
// The same message, by hand: children first, then the table with its fields
// largest first, defaults omitted, as flatc's Rust code does.

const TIMESTAMP: u16 = 4;
const LEVEL: u16 = 6;
const SOURCE: u16 = 8;
const PAYLOAD: u16 = 10;
const VALUES: u16 = 12;
const TAGS: u16 = 14;
const READINGS: u16 = 16;
const ORIGIN: u16 = 18;
const NOTE: u16 = 20;
const OK: u16 = 22;
const SENSOR: u16 = 4;
const VALUE: u16 = 6;

fn reading_by_hand(
    builder: &mut FlatBufferBuilder<'_>,
    reading: &Reading,
) -> WIPOffset<TableFinishedWIPOffset> {
    let sensor = builder.create_string(&reading.sensor);
    let start = builder.start_table();
    builder.push_slot::<f64>(VALUE, reading.value, 0.0);
    builder.push_slot_always(SENSOR, sensor);
    builder.end_table(start)
}

fn event_by_hand(builder: &mut FlatBufferBuilder<'_>, event: &Event) {
    let source = builder.create_string(&event.source);
    let payload = builder.create_vector(&event.payload);
    let values = builder.create_vector(&event.values);
    let tags: Vec<_> = event
        .tags
        .iter()
        .map(|tag| builder.create_string(tag))
        .collect();
    let tags = builder.create_vector(&tags);
    let readings: Vec<_> = event
        .readings
        .iter()
        .map(|reading| reading_by_hand(builder, reading))
        .collect();
    let readings = builder.create_vector(&readings);
    let origin = event
        .origin
        .as_ref()
        .map(|reading| reading_by_hand(builder, reading));
    let note = event.note.as_ref().map(|note| builder.create_string(note));

    let start = builder.start_table();
    builder.push_slot::<u64>(TIMESTAMP, event.timestamp, 0);
    builder.push_slot_always(SOURCE, source);
    builder.push_slot_always(PAYLOAD, payload);
    builder.push_slot_always(VALUES, values);
    builder.push_slot_always(TAGS, tags);
    builder.push_slot_always(READINGS, readings);
    if let Some(origin) = origin {
        builder.push_slot_always(ORIGIN, origin);
    }
    if let Some(note) = note {
        builder.push_slot_always(NOTE, note);
    }
    builder.push_slot::<u8>(LEVEL, event.level as u8, 0);
    builder.push_slot::<bool>(OK, event.ok, false);
    let root = builder.end_table(start);
    builder.finish_minimal(root);
}

// ---------------------------------------------------------------------------

/// The builder and sink one measured writer reuses.
struct Scratch {
    builder: FlatBufferBuilder<'static>,
    sink: Vec<u8>,
}

impl Scratch {
    fn new(sink_capacity: usize) -> Self {
        Scratch {
            builder: FlatBufferBuilder::with_capacity(4096),
            sink: Vec::with_capacity(sink_capacity),
        }
    }

    /// Serializes every event with `serialize` into the reused builder
    /// and frames it into the emptied sink; returns the sink's length.
    fn write_all(
        &mut self,
        events: &[Event],
        framer: &ChecksumFramer<XxHash64>,
        serialize: impl Fn(&mut FlatBufferBuilder<'static>, &Event),
    ) -> usize {
        self.sink.clear();
        for event in events {
            self.builder.reset();
            serialize(&mut self.builder, event);
            framer
                .frame_and_write(&mut self.sink, self.builder.finished_data())
                .expect("writing to a Vec cannot fail");
        }
        self.sink.len()
    }
}

/// Writes every event with `StreamWriter::write` into its emptied `Vec`.
fn write_with_writer(
    events: &[Event],
    writer: &mut StreamWriter<Event, Vec<u8>, ChecksumFramer<XxHash64>>,
) {
    writer.get_mut().clear();
    for event in events {
        writer.write(event).expect("writing to a Vec cannot fail");
    }
}

/// Builds every event by hand and frames it with the same writer.
fn write_by_hand_with_writer(
    events: &[Event],
    builder: &mut FlatBufferBuilder<'static>,
    writer: &mut StreamWriter<Event, Vec<u8>, ChecksumFramer<XxHash64>>,
) {
    writer.get_mut().clear();
    for event in events {
        builder.reset();
        event_by_hand(builder, event);
        writer
            .write_payload(builder.finished_data())
            .expect("writing to a Vec cannot fail");
    }
}

fn by_derive(builder: &mut FlatBufferBuilder<'static>, event: &Event) {
    event.serialize(builder).expect("the derive never fails");
}

fn bench_write(c: &mut Criterion) {
    let events = events();
    let framer = ChecksumFramer::new(XxHash64::new());
    let mut derived = Scratch::new(0);
    let mut by_hand = Scratch::new(0);
    derived.write_all(&events, &framer, by_derive);
    by_hand.write_all(&events, &framer, event_by_hand);
    assert_eq!(
        derived.sink, by_hand.sink,
        "the two writers must do the same work"
    );
    let bytes = derived.sink.len() as u64;
    let sink_len = derived.sink.len();

    let mut group = c.benchmark_group("write");
    group.throughput(Throughput::Elements(BATCH as u64));
    let mut scratch = Scratch::new(sink_len);
    group.bench_function("derive", |b| {
        b.iter(|| black_box(scratch.write_all(black_box(&events), &framer, by_derive)))
    });
    group.bench_function("handwritten", |b| {
        b.iter(|| black_box(scratch.write_all(black_box(&events), &framer, event_by_hand)))
    });
    // The two interleaved, each with its own builder and sink.
    let (mut scratch_a, mut scratch_b) = (Scratch::new(sink_len), Scratch::new(sink_len));
    paired(
        &mut group,
        "write",
        "paired",
        ("derive", || {
            black_box(scratch_a.write_all(black_box(&events), &framer, by_derive));
        }),
        ("handwritten", || {
            black_box(scratch_b.write_all(black_box(&events), &framer, event_by_hand));
        }),
    );
    // What users call: `StreamWriter::write`, whose encoder lays out the
    // same bytes as the builder, against the hand-written builder calls
    // framed by the same writer.
    let mut writer_a = StreamWriter::new(Vec::with_capacity(sink_len), framer);
    let mut writer_b = StreamWriter::new(Vec::with_capacity(sink_len), framer);
    let mut builder_b = FlatBufferBuilder::with_capacity(4096);
    write_with_writer(&events, &mut writer_a);
    write_by_hand_with_writer(&events, &mut builder_b, &mut writer_b);
    assert_eq!(
        writer_a.get_ref(),
        writer_b.get_ref(),
        "the two writers must do the same work"
    );
    paired(
        &mut group,
        "write",
        "writer",
        ("stream_writer", || {
            write_with_writer(black_box(&events), &mut writer_a);
        }),
        ("handwritten", || {
            write_by_hand_with_writer(black_box(&events), &mut builder_b, &mut writer_b);
        }),
    );
    group.finish();

    let mut group = c.benchmark_group("write/bytes");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("derive", |b| {
        b.iter(|| black_box(scratch.write_all(black_box(&events), &framer, by_derive)))
    });
    group.finish();
}

/// Reads every top-level field of `view` — scalars, string and vector
/// lengths, a field of the optional nested table — so the read has to
/// locate each one.
fn touch(view: EventView<'_>) -> u64 {
    view.timestamp()
        + view.level() as u64
        + view.source().len() as u64
        + view.payload().len() as u64
        + view.values().len() as u64
        + view.tags().len() as u64
        + view.readings().len() as u64
        + view.origin().map_or(0, |r| r.value() as u64)
        + view.note().map_or(0, |n| n.len() as u64)
        + u64::from(view.ok())
}

/// Hand-written accessors for `Event` over the `flatbuffers` crate, as
/// flatc generates them: the reference for the derived view's reads.
mod fb {
    use flatstream::flatbuffers::{
        self, Follow, ForwardsUOffset, InvalidFlatbuffer, Table, Vector, Verifiable, Verifier,
    };

    const fn slot(id: u16) -> u16 {
        4 + 2 * id
    }

    /// The field at `slot` of a table that `flatbuffers::root` verified.
    fn get<'a, T: Follow<'a> + 'a>(table: &Table<'a>, slot: u16) -> Option<T::Inner> {
        // SAFETY: only called on tables verified by the `Verifiable` impls
        // below, which check each slot as the type read here.
        unsafe { table.get::<T>(slot, None) }
    }

    flatstream_testkit::flatc_table!(ReadingFb, EventFb);

    impl Verifiable for ReadingFb<'_> {
        fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Result<(), InvalidFlatbuffer> {
            v.visit_table(pos)?
                .visit_field::<ForwardsUOffset<&str>>("sensor", slot(0), false)?
                .visit_field::<f64>("value", slot(1), false)?
                .finish();
            Ok(())
        }
    }

    impl Verifiable for EventFb<'_> {
        fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Result<(), InvalidFlatbuffer> {
            type Strings<'b> = ForwardsUOffset<Vector<'b, ForwardsUOffset<&'b str>>>;
            type Readings<'b> = ForwardsUOffset<Vector<'b, ForwardsUOffset<ReadingFb<'b>>>>;
            v.visit_table(pos)?
                .visit_field::<u64>("timestamp", slot(0), false)?
                .visit_field::<u8>("level", slot(1), false)?
                .visit_field::<ForwardsUOffset<&str>>("source", slot(2), false)?
                .visit_field::<ForwardsUOffset<Vector<'_, u8>>>("payload", slot(3), false)?
                .visit_field::<ForwardsUOffset<Vector<'_, f32>>>("values", slot(4), false)?
                .visit_field::<Strings<'_>>("tags", slot(5), false)?
                .visit_field::<Readings<'_>>("readings", slot(6), false)?
                .visit_field::<ForwardsUOffset<ReadingFb<'_>>>("origin", slot(7), false)?
                .visit_field::<ForwardsUOffset<&str>>("note", slot(8), false)?
                .visit_field::<bool>("ok", slot(9), false)?
                .finish();
            Ok(())
        }
    }

    /// What `super::touch` adds up, read through these accessors.
    pub fn touch(payload: &[u8]) -> u64 {
        let event = flatbuffers::root::<EventFb<'_>>(payload).unwrap().0;
        let len = |vector: Option<usize>| vector.unwrap_or(0) as u64;
        get::<u64>(&event, slot(0)).unwrap_or(0)
            + u64::from(get::<u8>(&event, slot(1)).unwrap_or(0))
            + len(get::<ForwardsUOffset<&str>>(&event, slot(2)).map(str::len))
            + len(get::<ForwardsUOffset<Vector<'_, u8>>>(&event, slot(3)).map(|v| v.len()))
            + len(get::<ForwardsUOffset<Vector<'_, f32>>>(&event, slot(4)).map(|v| v.len()))
            + len(
                get::<ForwardsUOffset<Vector<'_, ForwardsUOffset<&str>>>>(&event, slot(5))
                    .map(|v| v.len()),
            )
            + len(
                get::<ForwardsUOffset<Vector<'_, ForwardsUOffset<ReadingFb<'_>>>>>(&event, slot(6))
                    .map(|v| v.len()),
            )
            + get::<ForwardsUOffset<ReadingFb<'_>>>(&event, slot(7)).map_or(0, |reading| {
                get::<f64>(&reading.0, slot(1)).unwrap_or(0.0) as u64
            })
            + len(get::<ForwardsUOffset<&str>>(&event, slot(8)).map(str::len))
            + u64::from(get::<bool>(&event, slot(9)).unwrap_or(false))
    }

    /// Verification alone.
    pub fn verify(payload: &[u8]) -> Result<EventFb<'_>, InvalidFlatbuffer> {
        flatbuffers::root::<EventFb<'_>>(payload)
    }
}

fn bench_read(c: &mut Criterion) {
    let events = events();
    let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(XxHash64::new()));
    writer.write_batch(&events).unwrap();
    let stream = writer.into_inner();
    let deframer = ChecksumDeframer::new(XxHash64::new());
    let reader = || SliceReader::<Event, _>::new(black_box(&stream), deframer);

    // Every way of reading sees the same events.
    let expected: u64 = events
        .iter()
        .map(|event| {
            let mut builder = FlatBufferBuilder::new();
            event.serialize(&mut builder).unwrap();
            touch(Event::view(builder.finished_data()).unwrap())
        })
        .sum();
    let by_derive = |mut reader: SliceReader<'_, Event, _>| {
        let mut total = 0;
        while let Some(view) = reader.read().unwrap() {
            total += touch(view);
        }
        total
    };
    let by_flatbuffers_root = |mut reader: SliceReader<'_, Event, _>| {
        let mut total = 0;
        while let Some(payload) = reader.read_message().unwrap() {
            total += fb::touch(payload);
        }
        total
    };
    let by_unchecked = |mut reader: SliceReader<'_, Event, _>| {
        let mut total = 0;
        // SAFETY: the stream was written just above from valid events.
        while let Some(view) = unsafe { reader.read_unchecked() }.unwrap() {
            total += touch(view);
        }
        total
    };
    let deframe_only = |mut reader: SliceReader<'_, Event, _>| {
        let mut total = 0;
        while let Some(payload) = reader.read_message().unwrap() {
            total += payload.len() as u64;
        }
        total
    };
    assert_eq!(by_derive(reader()), expected);
    assert_eq!(by_flatbuffers_root(reader()), expected);
    assert_eq!(by_unchecked(reader()), expected);
    let owned = || StreamReader::<Event, _, _>::new(black_box(&stream[..]), deframer);
    assert_eq!(owned().collect::<Result<Vec<Event>, _>>().unwrap(), events);

    // Deframe + XXH3 + verify + read every field.
    let mut group = c.benchmark_group("read");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("view/derive", |b| b.iter(|| by_derive(reader())));
    group.bench_function("view/flatbuffers_root", |b| {
        b.iter(|| by_flatbuffers_root(reader()))
    });
    group.bench_function("view/unchecked", |b| b.iter(|| by_unchecked(reader())));
    group.bench_function("deframe", |b| b.iter(|| deframe_only(reader())));
    group.bench_function("owned/derive", |b| {
        b.iter(|| {
            for event in owned() {
                black_box(event.unwrap());
            }
        })
    });
    paired(
        &mut group,
        "read",
        "paired",
        ("view/derive", || {
            black_box(by_derive(reader()));
        }),
        ("view/flatbuffers_root", || {
            black_box(by_flatbuffers_root(reader()));
        }),
    );
    group.finish();

    // Verification alone, on payloads already in memory.
    let payloads: Vec<&[u8]> = {
        let mut reader = reader();
        std::iter::from_fn(|| reader.read_message().unwrap()).collect()
    };
    let mut group = c.benchmark_group("verify");
    group.throughput(Throughput::Elements(BATCH as u64));
    let by_generated = || {
        for payload in &payloads {
            black_box(Event::view(black_box(payload)).unwrap());
        }
    };
    let by_flatbuffers = || {
        for payload in &payloads {
            black_box(fb::verify(black_box(payload)).unwrap());
        }
    };
    group.bench_function("derive", |b| b.iter(by_generated));
    group.bench_function("flatbuffers", |b| b.iter(by_flatbuffers));
    paired(
        &mut group,
        "verify",
        "paired",
        ("derive", by_generated),
        ("flatbuffers", by_flatbuffers),
    );
    group.finish();
}

criterion_group!(benches, bench_write, bench_read);
criterion_main!(benches);
