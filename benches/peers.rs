//! flatstream against its peers on datasets shaped like those of the
//! public rust_serialization_benchmark (log, mesh, minecraft_savedata,
//! mk48), streamed one record per message.
//!
//! `cargo bench --bench peers` (add `-- peers/log/` or `-- /read/` to
//! filter). Every peer writes the same stream format, frames of
//! `[u32 LE length][XXH3-64][payload]`, into a reused in-memory sink; only
//! the payload differs:
//!
//! - `flatstream`: the derived type, `StreamWriter::write`;
//! - `flatbuffers`: the same FlatBuffers message built and read by hand
//!   the way `flatc`-generated Rust code does it (builder calls, `Follow`
//!   and `Verifiable` impls), framed with `write_payload`; its bytes equal
//!   the derive's;
//! - `bincode` 1.x through serde, into a reused `Vec`;
//! - `rkyv` 0.8 into a reused `AlignedVec`, read with validation.
//!
//! Groups, per dataset, all counted in messages:
//! - `peers/<dataset>/write/<peer>` serializes and frames every record;
//! - `peers/<dataset>/read/<peer>` checks each frame's checksum, verifies
//!   the payload and touches every top-level field through the zero-copy
//!   view (each element of a vector too); rkyv's payloads sit unaligned in
//!   the stream, so each is first copied into a reused `AlignedVec`, as a
//!   reader of such a stream must do;
//! - `peers/<dataset>/owned/<peer>` decodes owned records: flatstream
//!   through `StreamReader`'s owned iterator (which copies each frame into
//!   its read buffer, as when reading a file) and, as `flatstream_slice`,
//!   from each payload slice with `decode_with_options`, as bincode reads
//!   its payload slices; rkyv from the aligned copy.
//!
//! - `peers/<dataset>/paired/{write,read,owned}`: flatstream against
//!   flatbuffers (write, read) and `flatstream_slice` against bincode
//!   (owned), each pair run interleaved and its ratio printed (see
//!   `flatstream_testkit::paired`): the figures to quote on a noisy machine.
//!
//! The hand-written FlatBuffers builders gather the offsets of a vector of
//! tables or strings in a fresh `Vec`, as code using flatc's output does;
//! the derive gathers up to 32 on the stack.
//!
//! Before measuring, each dataset checks that every peer's stream decodes
//! to the generated records, that the hand-written FlatBuffers bytes equal
//! the derive's, and that the three views touch the same values (one
//! digest). The bytes per message of each peer are printed to stderr.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use flatstream::flatbuffers::FlatBufferBuilder;
use flatstream::{SliceReader, StreamDeserialize, StreamReader};
use rkyv::util::AlignedVec;
use rkyv::Archived;

use flatstream_testkit::paired::paired;

use flatstream_testkit::peers::{
    deframer, for_each_payload, framer, payloads, Dataset, Depth, Digest, PlanusDataset, RkyvError,
    Seeded, Writer,
};
use flatstream_testkit::peers::{
    log, mesh, minecraft_savedata, mk48, order_book, planus_peer, telemetry,
};

// ---------------------------------------------------------------------------
// Each peer's writer, reader and owned decoder, generic over the dataset.

fn write_flatstream<D: Dataset>(records: &[D::Record], sink: &mut Writer<D::Record>) {
    sink.get_mut().clear();
    for record in records {
        sink.write(record).expect("writing to a Vec cannot fail");
    }
}

fn write_flatbuffers<D: Dataset>(
    records: &[D::Record],
    builder: &mut FlatBufferBuilder<'static>,
    sink: &mut Writer<D::Record>,
) {
    sink.get_mut().clear();
    for record in records {
        builder.reset();
        D::build_flatbuffers(builder, record);
        sink.write_payload(builder.finished_data())
            .expect("writing to a Vec cannot fail");
    }
}

fn write_bincode<D: Dataset>(
    records: &[D::Record],
    scratch: &mut Vec<u8>,
    sink: &mut Writer<D::Record>,
) {
    sink.get_mut().clear();
    for record in records {
        scratch.clear();
        bincode::serialize_into(&mut *scratch, record).expect("bincode serializes any record");
        sink.write_payload(scratch)
            .expect("writing to a Vec cannot fail");
    }
}

fn write_rkyv<D: Dataset>(
    records: &[D::Record],
    scratch: &mut AlignedVec,
    sink: &mut Writer<D::Record>,
) {
    sink.get_mut().clear();
    for record in records {
        let mut buffer = std::mem::take(scratch);
        buffer.clear();
        *scratch = rkyv::api::high::to_bytes_in::<_, RkyvError>(record, buffer)
            .expect("rkyv serializes any record");
        sink.write_payload(scratch)
            .expect("writing to a Vec cannot fail");
    }
}

fn read_flatstream<D: Dataset>(stream: &[u8]) -> Digest {
    let mut digest = Digest::default();
    let mut reader = SliceReader::<D::Record, _>::new(stream, deframer());
    while let Some(view) = reader.read().expect("an intact stream") {
        D::touch_view(view, &mut digest);
    }
    digest
}

fn read_flatbuffers<D: Dataset>(stream: &[u8]) -> Digest {
    let mut digest = Digest::default();
    for_each_payload(stream, |payload| {
        D::read_flatbuffers(payload, &mut digest).expect("a valid FlatBuffer");
    });
    digest
}

/// Copies `payload` into `aligned`, where rkyv can read it.
fn align<'a>(aligned: &'a mut AlignedVec, payload: &[u8]) -> &'a [u8] {
    aligned.clear();
    aligned.extend_from_slice(payload);
    aligned
}

fn read_rkyv<D: Dataset>(stream: &[u8], aligned: &mut AlignedVec) -> Digest {
    let mut digest = Digest::default();
    for_each_payload(stream, |payload| {
        let archived = rkyv::access::<Archived<D::Record>, RkyvError>(align(aligned, payload))
            .expect("a valid archive");
        D::touch_rkyv(archived, &mut digest);
    });
    digest
}

fn owned_flatstream<D: Dataset>(stream: &[u8], mut f: impl FnMut(D::Record)) {
    for record in StreamReader::<D::Record, _, _>::new(stream, deframer()) {
        f(record.expect("an intact stream"));
    }
}

/// Owned records from the payload slices, as bincode and rkyv read them:
/// `SliceReader::read_message`, then the one-pass checked decode.
fn owned_flatstream_slice<D: Dataset>(stream: &[u8], mut f: impl FnMut(D::Record)) {
    let options = flatstream::VerifierOptions::default();
    for_each_payload(stream, |payload| {
        f(D::Record::decode_with_options(payload, &options).expect("a valid record"));
    });
}

fn owned_bincode<D: Dataset>(stream: &[u8], mut f: impl FnMut(D::Record)) {
    for_each_payload(stream, |payload| {
        f(bincode::deserialize(payload).expect("a valid bincode record"));
    });
}

fn owned_rkyv<D: Dataset>(stream: &[u8], aligned: &mut AlignedVec, mut f: impl FnMut(D::Record)) {
    for_each_payload(stream, |payload| {
        let record = rkyv::from_bytes::<D::Record, RkyvError>(align(aligned, payload))
            .expect("a valid archive");
        f(record);
    });
}

// ---------------------------------------------------------------------------

/// The reused state of the writers and readers.
struct Scratch<D: Dataset> {
    sink: Writer<D::Record>,
    builder: FlatBufferBuilder<'static>,
    bincode: Vec<u8>,
    rkyv: AlignedVec,
}

impl<D: Dataset> Scratch<D> {
    fn new() -> Self {
        Scratch {
            sink: Writer::new(Vec::new(), framer()),
            builder: FlatBufferBuilder::with_capacity(4096),
            bincode: Vec::new(),
            rkyv: AlignedVec::new(),
        }
    }

    fn stream(&self) -> Vec<u8> {
        self.sink.get_ref().clone()
    }
}

/// Each peer's stream of the same records.
struct Streams {
    flatstream: Vec<u8>,
    flatbuffers: Vec<u8>,
    bincode: Vec<u8>,
    rkyv: Vec<u8>,
}

fn collect_owned<D: Dataset>(decode: impl FnOnce(&mut dyn FnMut(D::Record))) -> Vec<D::Record> {
    let mut records = Vec::new();
    decode(&mut |record| records.push(record));
    records
}

/// Writes the records with every peer and checks that each stream reads
/// back as the records, so no benchmark below measures nothing.
fn streams_checked<D: Dataset>(records: &[D::Record], scratch: &mut Scratch<D>) -> Streams {
    write_flatstream::<D>(records, &mut scratch.sink);
    let flatstream = scratch.stream();
    write_flatbuffers::<D>(records, &mut scratch.builder, &mut scratch.sink);
    let flatbuffers = scratch.stream();
    write_bincode::<D>(records, &mut scratch.bincode, &mut scratch.sink);
    let bincode = scratch.stream();
    write_rkyv::<D>(records, &mut scratch.rkyv, &mut scratch.sink);
    let rkyv = scratch.stream();

    let name = D::NAME;
    let (derived, by_hand) = (payloads(&flatstream), payloads(&flatbuffers));
    assert_eq!(
        derived.len(),
        by_hand.len(),
        "{name}: the message counts differ"
    );
    for (i, (derived, by_hand)) in derived.iter().zip(&by_hand).enumerate() {
        assert_eq!(
            by_hand, derived,
            "{name}, message {i}: the hand-written FlatBuffers bytes differ from the derive's"
        );
    }
    let owned = collect_owned::<D>(|f| owned_flatstream::<D>(&flatstream, f));
    assert!(owned == records, "{name}: flatstream decodes other records");
    let owned = collect_owned::<D>(|f| owned_flatstream_slice::<D>(&flatstream, f));
    assert!(
        owned == records,
        "{name}: flatstream's slice reader decodes other records"
    );
    let owned = collect_owned::<D>(|f| owned_bincode::<D>(&bincode, f));
    assert!(owned == records, "{name}: bincode decodes other records");
    let owned = collect_owned::<D>(|f| owned_rkyv::<D>(&rkyv, &mut scratch.rkyv, f));
    assert!(owned == records, "{name}: rkyv decodes other records");

    let digest = read_flatstream::<D>(&flatstream);
    assert_ne!(
        digest,
        Digest::default(),
        "{name}: the view touched nothing"
    );
    assert_eq!(
        read_flatbuffers::<D>(&flatbuffers),
        digest,
        "{name}: the flatbuffers view touches other values"
    );
    assert_eq!(
        read_rkyv::<D>(&rkyv, &mut scratch.rkyv),
        digest,
        "{name}: the rkyv view touches other values"
    );

    let per_message = |stream: &[u8]| stream.len() as f64 / records.len() as f64;
    eprintln!(
        "peers/{name}: bytes per message, frame header included: flatstream {:.0}, \
         flatbuffers {:.0}, bincode {:.0}, rkyv {:.0}",
        per_message(&flatstream),
        per_message(&flatbuffers),
        per_message(&bincode),
        per_message(&rkyv),
    );
    Streams {
        flatstream,
        flatbuffers,
        bincode,
        rkyv,
    }
}

fn bench_dataset<D: Dataset>(c: &mut Criterion) {
    let mut rng = Seeded::new();
    let records: Vec<D::Record> = (0..D::MESSAGES).map(|_| D::generate(&mut rng)).collect();
    let mut scratch = Scratch::<D>::new();
    let streams = streams_checked::<D>(&records, &mut scratch);
    let Scratch {
        mut sink,
        mut builder,
        bincode: mut bincode_scratch,
        rkyv: mut rkyv_scratch,
    } = scratch;
    let messages = Throughput::Elements(records.len() as u64);
    let name = D::NAME;

    let mut group = c.benchmark_group(format!("peers/{name}/write"));
    group.throughput(messages.clone());
    group.bench_function("flatstream", |b| {
        b.iter(|| {
            write_flatstream::<D>(black_box(&records), &mut sink);
            black_box(sink.get_ref().len())
        })
    });
    group.bench_function("flatbuffers", |b| {
        b.iter(|| {
            write_flatbuffers::<D>(black_box(&records), &mut builder, &mut sink);
            black_box(sink.get_ref().len())
        })
    });
    group.bench_function("bincode", |b| {
        b.iter(|| {
            write_bincode::<D>(black_box(&records), &mut bincode_scratch, &mut sink);
            black_box(sink.get_ref().len())
        })
    });
    group.bench_function("rkyv", |b| {
        b.iter(|| {
            write_rkyv::<D>(black_box(&records), &mut rkyv_scratch, &mut sink);
            black_box(sink.get_ref().len())
        })
    });
    group.finish();

    let mut group = c.benchmark_group(format!("peers/{name}/read"));
    group.throughput(messages.clone());
    group.bench_function("flatstream", |b| {
        b.iter(|| black_box(read_flatstream::<D>(black_box(&streams.flatstream))))
    });
    group.bench_function("flatbuffers", |b| {
        b.iter(|| black_box(read_flatbuffers::<D>(black_box(&streams.flatbuffers))))
    });
    group.bench_function("rkyv", |b| {
        b.iter(|| black_box(read_rkyv::<D>(black_box(&streams.rkyv), &mut rkyv_scratch)))
    });
    group.finish();

    let mut group = c.benchmark_group(format!("peers/{name}/owned"));
    group.throughput(messages);
    group.bench_function("flatstream", |b| {
        b.iter(|| owned_flatstream::<D>(black_box(&streams.flatstream), |r| drop(black_box(r))))
    });
    group.bench_function("flatstream_slice", |b| {
        b.iter(|| {
            owned_flatstream_slice::<D>(black_box(&streams.flatstream), |r| drop(black_box(r)))
        })
    });
    group.bench_function("bincode", |b| {
        b.iter(|| owned_bincode::<D>(black_box(&streams.bincode), |r| drop(black_box(r))))
    });
    group.bench_function("rkyv", |b| {
        b.iter(|| {
            owned_rkyv::<D>(black_box(&streams.rkyv), &mut rkyv_scratch, |r| {
                drop(black_box(r))
            })
        })
    });
    group.finish();

    // The comparisons the targets name, each pair interleaved.
    let group_name = format!("peers/{name}/paired");
    let mut group = c.benchmark_group(&group_name);
    group.throughput(Throughput::Elements(records.len() as u64));
    let mut other = Scratch::<D>::new();
    paired(
        &mut group,
        &group_name,
        "write",
        ("flatstream", || {
            write_flatstream::<D>(black_box(&records), &mut sink);
        }),
        ("flatbuffers", || {
            write_flatbuffers::<D>(black_box(&records), &mut other.builder, &mut other.sink);
        }),
    );
    paired(
        &mut group,
        &group_name,
        "read",
        ("flatstream", || {
            black_box(read_flatstream::<D>(black_box(&streams.flatstream)));
        }),
        ("flatbuffers", || {
            black_box(read_flatbuffers::<D>(black_box(&streams.flatbuffers)));
        }),
    );
    paired(
        &mut group,
        &group_name,
        "owned",
        ("flatstream_slice", || {
            owned_flatstream_slice::<D>(black_box(&streams.flatstream), |r| drop(black_box(r)));
        }),
        ("bincode", || {
            owned_bincode::<D>(black_box(&streams.bincode), |r| drop(black_box(r)));
        }),
    );
    group.finish();
}

/// flatstream against planus on `D`, each step an interleaved pair
/// (`peers/<dataset>/planus/{write,top,top_shallow,full,owned}`: `top`
/// reads the root table's fields from a view verified in full,
/// `top_shallow` from a shallow view, planus's lazily checked view in
/// both), and the owned decode
/// against bincode where `bench_dataset` does not measure it.
fn bench_planus<D: PlanusDataset>(c: &mut Criterion, against_bincode: bool) {
    use planus_peer::{
        owned_bincode, owned_flatstream, owned_planus, read_flatstream, read_planus,
    };

    let records = planus_peer::records::<D>();
    let streams = planus_peer::check_planus::<D>(&records);
    let name = D::NAME;
    let per_message = |stream: &[u8]| stream.len() as f64 / records.len() as f64;
    eprintln!(
        "peers/{name}: bytes per message, frame header included: flatstream {:.0}, planus {:.0}, \
         bincode {:.0}",
        per_message(&streams.flatstream),
        per_message(&streams.planus),
        per_message(&streams.bincode),
    );
    let group_name = format!("peers/{name}/planus");
    let mut group = c.benchmark_group(&group_name);
    group.throughput(Throughput::Elements(records.len() as u64));
    let (mut ours, mut theirs) = (
        Writer::new(Vec::new(), framer()),
        Writer::new(Vec::new(), framer()),
    );
    let mut builder = planus::Builder::new();
    paired(
        &mut group,
        &group_name,
        "write",
        ("flatstream", || {
            planus_peer::write_flatstream::<D>(black_box(&records), &mut ours);
        }),
        ("planus", || {
            planus_peer::write_planus::<D>(black_box(&streams.owned), &mut builder, &mut theirs);
        }),
    );
    for (id, depth) in [
        ("top", Depth::Top),
        ("top_shallow", Depth::TopShallow),
        ("full", Depth::Full),
    ] {
        paired(
            &mut group,
            &group_name,
            id,
            ("flatstream", || {
                black_box(read_flatstream::<D>(black_box(&streams.flatstream), depth));
            }),
            ("planus", || {
                black_box(read_planus::<D>(black_box(&streams.planus), depth));
            }),
        );
    }
    paired(
        &mut group,
        &group_name,
        "owned",
        ("flatstream_slice", || {
            owned_flatstream::<D>(black_box(&streams.flatstream), |r| drop(black_box(r)));
        }),
        ("planus", || {
            owned_planus::<D>(black_box(&streams.planus), |r| drop(black_box(r)));
        }),
    );
    if against_bincode {
        paired(
            &mut group,
            &group_name,
            "owned_bincode",
            ("flatstream_slice", || {
                owned_flatstream::<D>(black_box(&streams.flatstream), |r| drop(black_box(r)));
            }),
            ("bincode", || {
                owned_bincode::<D>(black_box(&streams.bincode), |r| drop(black_box(r)));
            }),
        );
    }
    group.finish();
}

fn bench_peers(c: &mut Criterion) {
    bench_dataset::<log::Logs>(c);
    bench_dataset::<mesh::Meshes>(c);
    bench_dataset::<minecraft_savedata::Players>(c);
    bench_dataset::<mk48::Updates>(c);
    bench_planus::<log::Logs>(c, false);
    bench_planus::<mesh::Meshes>(c, false);
    bench_planus::<minecraft_savedata::Players>(c, false);
    bench_planus::<mk48::Updates>(c, false);
    bench_planus::<order_book::Books>(c, true);
    bench_planus::<telemetry::Events>(c, true);
}

criterion_group!(benches, bench_peers);
criterion_main!(benches);
