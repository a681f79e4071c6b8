//! planus as a peer: a dataset's records as planus-generated types (from
//! the schema flatstream exports for the record type), written with
//! `planus::Builder` and read through planus's lazily checked views.
//!
//! Before anything is measured, [`check_planus`] checks interoperation
//! both ways: planus reads flatstream's payloads (its owned decode of
//! them, written back by planus, decodes in flatstream to the original
//! records) and flatstream reads planus's payloads, and every view of
//! either stream touches the same values.

use std::fmt::Debug;

use flatstream::lazy::ShallowDeserialize;
use flatstream::schema::Schema;
use flatstream::{DecodeOwned, SliceReader, StreamDeserialize, StreamReader, StreamSerialize};
use planus::{ReadAsRoot, WriteAsOffset};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::common::{deframer, for_each_payload, framer, Digest, Seeded, Writer};

pub type PlanusResult = Result<(), planus::Error>;

/// A dataset measured against planus.
pub trait PlanusDataset {
    /// The group name, `peers/<NAME>/...`.
    const NAME: &'static str;
    /// Messages per iteration.
    const MESSAGES: usize;
    /// The schema planus-cli generated `Owned` and `Ref` from; equal to
    /// `flatstream::schema::<Self::Record>()` (checked by
    /// `tests/planus_interop.rs`).
    const FBS: &'static str;
    /// Where planus cannot read the exported schema as it is, the edits
    /// (`from`, `to`) that spell the same bytes in what it reads.
    const FBS_EDITS: &'static [(&'static str, &'static str)] = &[];

    type Record: StreamSerialize
        + ShallowDeserialize
        + DecodeOwned
        + Schema
        + Serialize
        + DeserializeOwned
        + PartialEq
        + Debug;
    /// planus's owned type of the root table.
    type Owned: WriteAsOffset<Self::Owned>
        + for<'a> TryFrom<Self::Ref<'a>, Error = planus::Error>
        + PartialEq
        + Debug;
    /// planus's view of the root table.
    type Ref<'a>: ReadAsRoot<'a> + Copy;

    fn generate(rng: &mut Seeded) -> Self::Record;

    /// Touches the root table's own fields through the derived view:
    /// scalars, strings, the lengths of vectors, no nested table.
    fn touch_top(view: <Self::Record as StreamDeserialize>::View<'_>, digest: &mut Digest);

    /// Touches what `touch_top` touches, through the shallow view.
    fn touch_top_shallow(
        view: <Self::Record as ShallowDeserialize>::ShallowView<'_>,
        digest: &mut Digest,
    );

    /// Touches the fields of the nested tables and vector elements too.
    fn touch_full(view: <Self::Record as StreamDeserialize>::View<'_>, digest: &mut Digest);

    /// Touches what `touch_top` touches, through planus's view.
    fn planus_top(root: Self::Ref<'_>, digest: &mut Digest) -> PlanusResult;

    /// Touches what `touch_full` touches, through planus's view.
    fn planus_full(root: Self::Ref<'_>, digest: &mut Digest) -> PlanusResult;
}

/// Which fields a read touches, and for flatstream through which view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// The root table's own fields, the message verified in full.
    Top,
    /// The root table's own fields through the shallow view (planus: as
    /// `Top`).
    TopShallow,
    /// Every field, nested tables and vector elements too.
    Full,
}

/// The records of a dataset, generated from the shared seed.
pub fn records<D: PlanusDataset>() -> Vec<D::Record> {
    let mut rng = Seeded::new();
    (0..D::MESSAGES).map(|_| D::generate(&mut rng)).collect()
}

pub fn write_flatstream<D: PlanusDataset>(records: &[D::Record], sink: &mut Writer<D::Record>) {
    sink.get_mut().clear();
    for record in records {
        sink.write(record).expect("writing to a Vec cannot fail");
    }
}

/// Serializes planus's owned records, as a planus user writes them.
pub fn write_planus<D: PlanusDataset>(
    records: &[D::Owned],
    builder: &mut planus::Builder,
    sink: &mut Writer<D::Record>,
) {
    sink.get_mut().clear();
    for record in records {
        builder.clear();
        let payload = builder.finish(record, None);
        sink.write_payload(payload)
            .expect("writing to a Vec cannot fail");
    }
}

/// Verified reads through the derived view (checksum, eager verification).
pub fn read_flatstream<D: PlanusDataset>(stream: &[u8], depth: Depth) -> Digest {
    let mut digest = Digest::default();
    let mut reader = SliceReader::<D::Record, _>::new(stream, deframer());
    if depth == Depth::TopShallow {
        while let Some(view) = reader.read_shallow().expect("an intact stream") {
            D::touch_top_shallow(view, &mut digest);
        }
        return digest;
    }
    while let Some(view) = reader.read().expect("an intact stream") {
        match depth {
            Depth::Top | Depth::TopShallow => D::touch_top(view, &mut digest),
            Depth::Full => D::touch_full(view, &mut digest),
        }
    }
    digest
}

/// Checked reads through planus's view (checksum, then each accessor
/// checks what it reads).
pub fn read_planus<D: PlanusDataset>(stream: &[u8], depth: Depth) -> Digest {
    let mut digest = Digest::default();
    for_each_payload(stream, |payload| {
        let root = D::Ref::read_as_root(payload).expect("a valid root");
        match depth {
            Depth::Top | Depth::TopShallow => D::planus_top(root, &mut digest),
            Depth::Full => D::planus_full(root, &mut digest),
        }
        .expect("valid fields");
    });
    digest
}

/// Owned records from the payload slices with the one-pass checked decode.
pub fn owned_flatstream<D: PlanusDataset>(stream: &[u8], mut f: impl FnMut(D::Record)) {
    let options = flatstream::VerifierOptions::default();
    for_each_payload(stream, |payload| {
        f(D::Record::decode_with_options(payload, &options).expect("a valid record"));
    });
}

/// planus's owned records from the payload slices.
pub fn owned_planus<D: PlanusDataset>(stream: &[u8], mut f: impl FnMut(D::Owned)) {
    for_each_payload(stream, |payload| {
        let root = D::Ref::read_as_root(payload).expect("a valid root");
        f(D::Owned::try_from(root).expect("a valid record"));
    });
}

/// Owned records with bincode, from the payload slices.
pub fn owned_bincode<D: PlanusDataset>(stream: &[u8], mut f: impl FnMut(D::Record)) {
    for_each_payload(stream, |payload| {
        f(bincode::deserialize(payload).expect("a valid bincode record"));
    });
}

/// Each peer's stream of the same records, and planus's owned records.
pub struct PlanusStreams<D: PlanusDataset> {
    pub flatstream: Vec<u8>,
    pub planus: Vec<u8>,
    pub bincode: Vec<u8>,
    pub owned: Vec<D::Owned>,
}

fn collect<T>(decode: impl FnOnce(&mut dyn FnMut(T))) -> Vec<T> {
    let mut items = Vec::new();
    decode(&mut |item| items.push(item));
    items
}

/// Writes `records` with flatstream, bincode and planus (from planus's own
/// decode of flatstream's payloads) and checks that each side reads the
/// other's stream to the same values. Panics, naming the dataset, where
/// they differ.
pub fn check_planus<D: PlanusDataset>(records: &[D::Record]) -> PlanusStreams<D> {
    let name = D::NAME;
    let mut sink = Writer::<D::Record>::new(Vec::new(), framer());
    write_flatstream::<D>(records, &mut sink);
    let flatstream = sink.get_ref().clone();

    // planus reads flatstream's payloads...
    let owned = collect(|f| owned_planus::<D>(&flatstream, f));
    assert_eq!(
        owned.len(),
        records.len(),
        "{name}: planus read other messages"
    );
    // ...writes them...
    write_planus::<D>(&owned, &mut planus::Builder::new(), &mut sink);
    let planus = sink.get_ref().clone();
    // ...and flatstream reads planus's bytes as the original records, so
    // planus read every value flatstream wrote, and the reverse.
    let decoded: Vec<D::Record> = StreamReader::<D::Record, _, _>::new(&planus[..], deframer())
        .map(|record| record.expect("flatstream reads planus's stream"))
        .collect();
    assert!(
        decoded == records,
        "{name}: flatstream decodes planus's payloads to other records"
    );
    let decoded = collect(|f| owned_flatstream::<D>(&planus, f));
    assert!(
        decoded == records,
        "{name}: the one-pass decode of planus's payloads differs"
    );
    let again = collect(|f| owned_planus::<D>(&planus, f));
    assert!(
        again == owned,
        "{name}: planus decodes its own payloads to other records"
    );

    for depth in [Depth::Top, Depth::TopShallow, Depth::Full] {
        let digest = read_flatstream::<D>(&flatstream, depth);
        assert_ne!(
            digest,
            Digest::default(),
            "{name}: the {depth:?} read touched nothing"
        );
        for (reader, stream, digest_there) in [
            ("flatstream", "planus", read_flatstream::<D>(&planus, depth)),
            ("planus", "flatstream", read_planus::<D>(&flatstream, depth)),
            ("planus", "planus", read_planus::<D>(&planus, depth)),
        ] {
            assert_eq!(
                digest_there, digest,
                "{name}: {reader}'s {depth:?} read of {stream}'s stream touches other values"
            );
        }
    }
    assert_eq!(
        read_flatstream::<D>(&flatstream, Depth::TopShallow),
        read_flatstream::<D>(&flatstream, Depth::Top),
        "{name}: the shallow view reads other top-level values"
    );
    assert!(
        read_flatstream::<D>(&flatstream, Depth::Top)
            != read_flatstream::<D>(&flatstream, Depth::Full),
        "{name}: the full read touches nothing more than the top-level one"
    );

    let mut bincode = Vec::new();
    for record in records {
        let payload = bincode::serialize(record).expect("bincode serializes any record");
        sink.get_mut().clear();
        sink.write_payload(&payload)
            .expect("writing to a Vec cannot fail");
        bincode.extend_from_slice(sink.get_ref());
    }
    let decoded = collect(|f| owned_bincode::<D>(&bincode, f));
    assert!(decoded == records, "{name}: bincode decodes other records");

    PlanusStreams {
        flatstream,
        planus,
        bincode,
        owned,
    }
}
