//! The unsafe read and write paths on valid data, small enough for Miri:
//! views of every field kind through every reader (verified and
//! unchecked), vectors of every element kind, keyed lookups, unions, the
//! writer's encoder on messages of many shapes, `String` messages, vectors
//! of plain-scalar tables and short owned strings, stream headers from
//! any bytes, and shallow views of every field kind with their nested
//! tables verified, decoded and read.
//! Under Miri (see the README) every read is checked for bounds, alignment
//! and provenance; natively these are plain round trips.

use std::fmt::Debug;

use flatstream::checksum::XxHash64;
use flatstream::framing::{
    ChecksumDeframer, ChecksumFramer, DefaultDeframer, DefaultFramer, Deframer, Framer,
};
use flatstream::lazy::ShallowDeserialize;
use flatstream::{
    DecodeOwned, SliceReader, StreamDeserialize, StreamReader, StreamSerialize, StreamWriter,
};
use flatstream_testkit::every_kind::{
    all, node, reading, sorted, All, AllView, Body, BodyView, Forward, ForwardView, Node, Note,
    Reading,
};

/// Every accessor of `view`, checked against `value`.
fn check_all(view: AllView<'_>, value: &All) {
    assert!(!format!("{view:?}").is_empty());
    assert_eq!(view.ok(), value.ok);
    assert_eq!(
        (view.a(), view.b(), view.c(), view.d()),
        (value.a, value.b, value.c, value.d)
    );
    assert_eq!(
        (view.e(), view.f(), view.g(), view.h()),
        (value.e, value.f, value.g, value.h)
    );
    assert_eq!((view.i(), view.j()), (value.i, value.j));
    assert_eq!(view.text(), value.text);
    assert_eq!(view.raw(), &value.raw[..]);
    assert_eq!(view.shorts().to_vec(), value.shorts);
    assert_eq!(view.longs().iter().collect::<Vec<_>>(), value.longs);
    assert_eq!(view.floats().iter().rev().collect::<Vec<_>>(), [-1.25, 0.5]);
    assert_eq!(view.flags().to_vec(), value.flags);
    assert_eq!(view.words().iter().collect::<Vec<&str>>(), value.words);
    assert_eq!(view.words().last(), value.words.last().map(String::as_str));
    assert_eq!(view.reading().sensor(), value.reading.sensor);
    assert_eq!(view.boxed().value(), value.boxed.value);
    for (index, reading) in value.readings.iter().enumerate() {
        let got = view.readings().get(index).unwrap();
        assert_eq!(
            (got.sensor(), got.value()),
            (&reading.sensor[..], reading.value)
        );
    }
    assert!(view.readings().get(value.readings.len()).is_none());
    assert_eq!(view.level(), value.level);
    assert_eq!(view.axis(), value.axis);
    assert_eq!(view.levels().to_vec(), value.levels);
    assert_eq!(view.axes().first(), value.axes.first().copied());
    assert_eq!(view.frame(), value.frame);
    assert_eq!(view.frames().to_vec(), value.frames);
    assert_eq!(view.frames().last(), value.frames.last().copied());
    assert_eq!(view.body(), value.body);
    assert_eq!(view.forward(), value.forward);
    assert_eq!(view.maybe_body().is_some(), value.maybe_body.is_some());
    assert_eq!(
        view.maybe_forward().is_some(),
        value.maybe_forward.is_some()
    );
    let mut depth = view.node();
    while let Some(child) = depth.child() {
        assert_eq!(child.depth() + 1, depth.depth());
        depth = child;
    }
    assert_eq!(depth.depth(), 0);
    assert_eq!(view.sensors().len(), value.sensors.len());
    for sensor in &value.sensors {
        let found = view.sensors().lookup_by_key(&sensor.id).unwrap();
        assert_eq!(found.label(), sensor.label);
    }
    assert!(view.sensors().lookup_by_key(&4).is_none());
    assert!(view.sensors().lookup_by_key(&u32::MAX).is_none());
    for named in &value.named {
        let found = view.named().lookup_by_key(&named.name[..]).unwrap();
        assert_eq!(found.weight(), named.weight);
    }
    assert!(view.named().lookup_by_key("banana").is_none());
    assert!(view.named().lookup_by_key("").is_none());
    assert_eq!(
        view.named().iter().map(|n| n.name()).collect::<Vec<_>>(),
        ["apple", "fig", "kiwi"]
    );
    assert_eq!(view.opt_bool(), value.opt_bool);
    assert_eq!(view.opt_i64(), value.opt_i64);
    assert_eq!(view.opt_text(), value.opt_text.as_deref());
    assert_eq!(view.opt_raw(), value.opt_raw.as_deref());
    assert_eq!(view.opt_words().map(|w| w.to_vec()), value.opt_words);
    assert_eq!(
        view.opt_reading().map(|r| r.value()),
        value.opt_reading.as_ref().map(|r| r.value)
    );
    assert_eq!(view.opt_readings().map(|r| r.to_vec()), value.opt_readings);
    assert_eq!(view.opt_level(), value.opt_level);
    assert_eq!(view.opt_frame(), value.opt_frame);
    assert_eq!(view.opt_frames().map(|f| f.to_vec()), value.opt_frames);
    assert_eq!(view.label(), value.label);
    assert_eq!(view.labels(), value.labels);
    assert_eq!(view.opt_label(), value.opt_label.as_deref());
}

/// The `n` of each `all(n)` the every-kind tests read: under Miri, one
/// value with empty vectors and absent options and one with the most of
/// both.
const ALL_NS: &[u32] = if cfg!(miri) {
    &[0, 3]
} else {
    &[0, 1, 2, 3, 4, 5]
};

fn write<T: StreamSerialize, F: Framer>(framer: F, values: &[T]) -> Vec<u8> {
    let mut writer = StreamWriter::new(Vec::new(), framer);
    for value in values {
        writer.write(value).unwrap();
    }
    writer.write_batch(values).unwrap();
    writer.into_inner()
}

/// Writes `written` with an XXH3 checksum in every frame and reads it back
/// through every reader as `values`.
fn summed<W, T>(written: &[W], values: &[T], check: impl Fn(T::View<'_>, &T))
where
    W: StreamSerialize,
    T: StreamDeserialize + DecodeOwned + Debug + PartialEq,
{
    let stream = write(ChecksumFramer::new(XxHash64::new()), written);
    read_back(
        &stream,
        ChecksumDeframer::new(XxHash64::new()),
        values,
        check,
    );
}

/// Reads `stream` (holding `values` twice) back through every reader.
fn read_back<T, D>(stream: &[u8], deframer: D, values: &[T], check: impl Fn(T::View<'_>, &T))
where
    T: StreamDeserialize + DecodeOwned + Debug + PartialEq,
    D: Deframer + Clone,
{
    let expected: Vec<&T> = values.iter().chain(values).collect();
    let mut slice = SliceReader::<T, D>::new(stream, deframer.clone());
    let mut views = Vec::new();
    while let Some(view) = slice.read().unwrap() {
        views.push(view);
    }
    // Slice views outlive the reading.
    assert_eq!(views.len(), expected.len());
    for (view, value) in views.into_iter().zip(&expected) {
        check(view, value);
    }
    let mut reader = StreamReader::<T, _, D>::new(stream, deframer.clone());
    for value in &expected {
        check(reader.read().unwrap().unwrap(), value);
    }
    assert!(reader.read().unwrap().is_none());
    let mut unchecked = StreamReader::<T, _, D>::new(stream, deframer.clone());
    let mut slice_unchecked = SliceReader::<T, D>::new(stream, deframer.clone());
    for value in &expected {
        // SAFETY: the stream was just written by a `StreamWriter` of `T`.
        check(
            unsafe { unchecked.read_unchecked() }.unwrap().unwrap(),
            value,
        );
        // SAFETY: as above.
        check(
            unsafe { slice_unchecked.read_unchecked() }
                .unwrap()
                .unwrap(),
            value,
        );
    }
    let owned: Vec<T> = StreamReader::<T, _, D>::new(stream, deframer.clone())
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(owned.iter().collect::<Vec<_>>(), expected);
    // At an odd address.
    let mut shifted = vec![0u8; stream.len() + 1];
    shifted[1..].copy_from_slice(stream);
    let decoded: Vec<T> = SliceReader::<T, D>::new(&shifted[1..], deframer)
        .map(|view| T::from_view(view.unwrap()))
        .collect();
    assert_eq!(decoded.iter().collect::<Vec<_>>(), expected);
}

#[test]
fn every_field_kind_through_every_reader() {
    let values: Vec<All> = ALL_NS.iter().copied().map(all).collect();
    let expected: Vec<All> = values.iter().cloned().map(sorted).collect();
    let check = |view: AllView<'_>, value: &All| {
        check_all(view, value);
        assert!(view == *value);
        assert_eq!(All::from(view), *value);
    };
    let plain = write(DefaultFramer, &values);
    read_back(&plain, DefaultDeframer::default(), &expected, check);
    summed(&values, &expected, check);
}

/// Every accessor of the shallow view of `payload`, a message of `value`
/// (its keyed vectors sorted), and every nested table it leads to.
fn check_all_shallow(payload: &[u8], value: &All) -> flatstream::Result<()> {
    let view = All::view_shallow(payload)?;
    let full = All::view(payload)?;
    let debug = format!("{view:?}");
    assert!(
        debug.starts_with("AllView<Shallow> {") && debug.contains("Lazy"),
        "{debug}"
    );
    // What a shallow view reads as its full view does.
    assert_eq!(
        (view.ok(), view.a(), view.b(), view.c(), view.d(), view.e()),
        (value.ok, value.a, value.b, value.c, value.d, value.e)
    );
    assert_eq!(
        (view.f(), view.g(), view.h(), view.i(), view.j()),
        (value.f, value.g, value.h, value.i, value.j)
    );
    assert_eq!((view.text(), view.raw()), (full.text(), full.raw()));
    assert_eq!(view.shorts(), value.shorts);
    assert_eq!(view.longs(), value.longs);
    assert_eq!(view.floats(), value.floats);
    assert_eq!(view.flags(), value.flags);
    assert_eq!(view.words(), value.words);
    assert_eq!((view.level(), view.axis()), (value.level, value.axis));
    assert_eq!(view.levels(), value.levels);
    assert_eq!(view.axes(), value.axes);
    assert_eq!(view.frame(), value.frame);
    assert_eq!(view.frames(), value.frames);
    assert_eq!(view.opt_bool(), value.opt_bool);
    assert_eq!(view.opt_i64(), value.opt_i64);
    assert_eq!(view.opt_text(), value.opt_text.as_deref());
    assert_eq!(view.opt_raw(), value.opt_raw.as_deref());
    assert_eq!(view.opt_words().map(|w| w.to_vec()), value.opt_words);
    assert_eq!(view.opt_level(), value.opt_level);
    assert_eq!(view.opt_frame(), value.opt_frame);
    assert_eq!(view.opt_frames().map(|f| f.to_vec()), value.opt_frames);
    // Nested tables, each verified, decoded or read shallowly.
    assert!(view.reading().verify()? == value.reading);
    assert_eq!(view.reading().decode()?, value.reading);
    assert_eq!(view.boxed().verify_shallow()?.value(), value.boxed.value);
    assert_eq!(view.boxed().decode()?, *value.boxed);
    let readings = view.readings();
    assert_eq!(readings.len(), value.readings.len());
    for (lazy, reading) in readings.iter().zip(&value.readings) {
        assert!(lazy.verify()? == *reading);
    }
    assert_eq!(readings.iter().rev().count(), readings.len());
    assert_eq!(readings.verify()?.to_vec(), value.readings);
    assert!(view.body().verify()? == value.body);
    assert_eq!(view.body().decode()?, value.body);
    assert!(view.forward().verify()? == value.forward);
    assert_eq!(
        view.maybe_body().map(|b| b.decode()).transpose()?,
        value.maybe_body
    );
    assert_eq!(
        view.maybe_forward().map(|f| f.decode()).transpose()?,
        value.maybe_forward
    );
    let mut node = view.node().verify_shallow()?;
    let mut depth = value.node.depth;
    while let Some(child) = node.child() {
        assert_eq!(node.depth(), depth);
        node = child.verify_shallow()?;
        depth -= 1;
    }
    assert_eq!((node.depth(), depth), (0, 0));
    assert_eq!(view.node().decode()?, value.node);
    let sensors = view.sensors().verify()?;
    for sensor in &value.sensors {
        assert_eq!(
            sensors.lookup_by_key(&sensor.id).map(|s| s.label()),
            Some(&sensor.label[..])
        );
    }
    assert_eq!(view.named().verify()?.to_vec(), value.named);
    assert_eq!(
        view.opt_reading().map(|r| r.decode()).transpose()?,
        value.opt_reading
    );
    assert_eq!(
        view.opt_readings()
            .map(|r| r.verify().map(|v| v.to_vec()))
            .transpose()?,
        value.opt_readings
    );
    Ok(())
}

#[test]
fn shallow_views_of_every_field_kind() {
    for &n in ALL_NS {
        let value = all(n);
        let payload = flatstream_testkit::streams::payload_of(&value);
        check_all_shallow(&payload, &sorted(value)).unwrap();
    }
}

#[test]
fn the_encoder_lays_out_what_the_builder_does() {
    // Each frame's payload, byte for byte, against `serialize` into a
    // `FlatBufferBuilder`.
    let values: Vec<All> = (0..3).map(all).collect();
    let stream = write(DefaultFramer, &values);
    let mut rest = &stream[..];
    for value in values.iter().chain(&values) {
        let mut builder = flatstream::flatbuffers::FlatBufferBuilder::new();
        value.serialize(&mut builder).unwrap();
        let len = u32::from_le_bytes(rest[..4].try_into().unwrap()) as usize;
        assert_eq!(&rest[4..4 + len], builder.finished_data());
        rest = &rest[4 + len..];
    }
    assert!(rest.is_empty());
}

#[derive(StreamSerialize, Debug, Clone, PartialEq, Default)]
pub struct Empty {}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Blob {
    pub bytes: Vec<u8>,
    pub words: Vec<u32>,
    pub text: String,
}

#[test]
fn messages_of_many_shapes() {
    // Empty tables, defaults only, deep nesting and a few KiB.
    let empties = write(DefaultFramer, &[Empty {}, Empty::default()]);
    read_back(
        &empties,
        DefaultDeframer::default(),
        &[Empty {}, Empty {}],
        |v, e| assert!(v == *e),
    );
    let nodes = [node(0), node(1), node(12)];
    summed(&nodes, &nodes, |v, n| {
        assert!(v == *n);
        assert_eq!(Node::from(v), *n);
    });
    let sizes: &[usize] = if cfg!(miri) {
        &[0, 7, 3000]
    } else {
        &[0, 1, 3, 7, 255, 1024, 3000, 100_000]
    };
    let blobs: Vec<Blob> = sizes
        .iter()
        .copied()
        .map(|size| Blob {
            bytes: (0..size).map(|x| x as u8).collect(),
            words: (0..size as u32 / 4).collect(),
            text: "x".repeat(size),
        })
        .collect();
    let stream = write(DefaultFramer, &blobs);
    read_back(&stream, DefaultDeframer::default(), &blobs, |v, b| {
        assert_eq!(v.bytes(), &b.bytes[..]);
        assert_eq!(v.words().to_vec(), b.words);
        assert_eq!(v.words().iter().next_back(), b.words.last().copied());
        assert_eq!(v.text(), b.text);
    });
}

#[test]
fn unions_every_way() {
    let bodies = [
        Body::Reading(reading(1)),
        Body::Note(Note { text: "".into() }),
        Body::Note(Note { text: "ü".into() }),
    ];
    let stream = write(DefaultFramer, &bodies);
    read_back(&stream, DefaultDeframer::default(), &bodies, |v, b| {
        assert!(v == *b);
        match (v, b) {
            (BodyView::Reading(r), Body::Reading(o)) => assert_eq!(r.sensor(), o.sensor),
            (BodyView::Note(n), Body::Note(o)) => assert_eq!(n.text(), o.text),
            _ => panic!("wrong variant"),
        }
    });
    let forwards = [Forward::Reading(reading(2)), Forward::Unknown];
    summed(&forwards, &forwards, |v, f| assert!(v == *f));
    // A `Body::Note` read as a `Forward`, which knows no variant 2.
    let notes = write(DefaultFramer, &[Body::Note(Note { text: "x".into() })]);
    let mut reader = SliceReader::<Forward, _>::new(&notes, DefaultDeframer::default());
    assert!(matches!(reader.read().unwrap(), Some(ForwardView::Unknown)));
}

#[test]
fn string_messages() {
    let texts = ["", "a", "héllo wörld", "\u{10FFFF}", &"long ".repeat(300)];
    let owned: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
    summed(&texts[..], &owned, |v, t| assert_eq!(v, t));
    let stream = write(DefaultFramer, &owned);
    read_back(&stream, DefaultDeframer::default(), &owned, |v, t| {
        assert_eq!(v, t)
    });
    for text in &owned {
        let mut builder = flatstream::flatbuffers::FlatBufferBuilder::new();
        text.serialize(&mut builder).unwrap();
        assert_eq!(String::view(builder.finished_data()).unwrap(), text);
    }
}

#[test]
fn vectors_to_vec_and_back() {
    let value = all(3);
    let mut builder = flatstream::flatbuffers::FlatBufferBuilder::new();
    value.serialize(&mut builder).unwrap();
    let view = All::view(builder.finished_data()).unwrap();
    let readings: Vec<Reading> = view.readings().to_vec();
    assert_eq!(readings, value.readings);
    let readings: Vec<Reading> = view.readings().into();
    assert_eq!(readings, value.readings);
    assert!(view.readings() == value.readings);
    assert!(value.readings == view.readings());
    assert_eq!(view.words().to_vec(), value.words);
    assert_eq!(view.levels().iter().len(), 2);
    let mut iter = view.frames().iter();
    assert_eq!(iter.next_back(), value.frames.last().copied());
    assert_eq!(iter.len(), value.frames.len() - 1);
    assert_eq!(
        format!("{:?}", view.frames()),
        format!("{:?}", value.frames)
    );
}

/// The stream header's reads (`StreamHeader::from_payload` reads the
/// fields the `flatbuffers` verifier checked without bounds checks): a
/// header, each of its truncations and byte changes, and a stream that
/// starts with one, read back by a typed reader.
#[test]
fn stream_headers_from_any_bytes() {
    use flatstream::StreamHeader;

    let header = StreamHeader::of::<Reading>("xxh3-64");
    let payload = header.to_payload();
    assert_eq!(StreamHeader::from_payload(&payload).as_ref(), Some(&header));
    let stride = if cfg!(miri) { 7 } else { 1 };
    for len in (0..payload.len()).step_by(stride) {
        // A truncated header may still parse when only padding went; it
        // is then the same header.
        if let Some(parsed) = StreamHeader::from_payload(&payload[..len]) {
            assert_eq!(parsed, header);
        }
    }
    for at in (0..payload.len()).step_by(stride) {
        for flip in [0x01, 0x80, 0xff] {
            let mut damaged = payload.clone();
            damaged[at] ^= flip;
            let _ = StreamHeader::from_payload(&damaged);
        }
    }

    let mut writer = StreamWriter::<Reading, _, _>::with_header(
        Vec::new(),
        ChecksumFramer::new(XxHash64::new()),
    )
    .unwrap();
    let values = [reading(1), reading(2)];
    writer.write_batch(&values).unwrap();
    let stream = writer.into_inner();
    let mut reader =
        StreamReader::<Reading, _, _>::new(&stream[..], ChecksumDeframer::new(XxHash64::new()));
    let mut read = Vec::new();
    while let Some(view) = reader.read().unwrap() {
        read.push(Reading::from_view(view));
    }
    assert_eq!(read, values);
    assert_eq!(reader.header(), Some(&header));
}

/// The layered readers' views (`T::view_unchecked` over the decoded
/// buffer, after the verifier accepted each message): blocks of messages
/// of every field kind, intact and then with bytes changed behind no
/// checksum, so the damage reaches the envelope, the block and the
/// verifier, read strictly and in skip mode over both frame sources.
#[test]
fn layered_blocks_from_damaged_bytes() {
    use flatstream::layered::{Grouping, LayeredReader, LayeredWriter, Layers};
    use flatstream::{FrameReader, Recovery};

    let layers = Layers::new().with_grouping(Grouping::block(2, 64));
    let values = [all(1), all(2), all(3)];
    let mut writer =
        LayeredWriter::<All, _, _>::new(Vec::new(), DefaultFramer, layers.clone()).unwrap();
    for value in &values {
        writer.write(value).unwrap();
    }
    let stream = writer.finish().unwrap();

    let slice = SliceReader::<(), _>::new(&stream, DefaultDeframer::new());
    let mut reader = LayeredReader::<All, _>::new(slice, layers.clone()).unwrap();
    for value in &values {
        check_all(reader.read().unwrap().unwrap(), value);
    }
    assert!(reader.read().unwrap().is_none());

    let stride = if cfg!(miri) { stream.len() / 12 } else { 1 };
    for at in (0..stream.len()).step_by(stride.max(1)) {
        let mut damaged = stream.clone();
        damaged[at] ^= 0x5a;
        for recovery in [Recovery::Strict, Recovery::SkipCorrupted] {
            let frames =
                FrameReader::new(&damaged[..], DefaultDeframer::new()).with_recovery(recovery);
            let mut reader = LayeredReader::<All, _>::new(frames, layers.clone()).unwrap();
            for _ in 0..values.len() + 1 {
                match reader.read() {
                    Ok(Some(view)) => assert!(!format!("{view:?}").is_empty()),
                    Ok(None) | Err(_) => break,
                }
            }
        }
    }
}

/// A table of plain scalars: a vector of more than four of them takes the
/// verifier's one-range-check shortcut, and decoding reads such tables
/// through their views.
#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Level {
    pub price: i64,
    pub quantity: u32,
    pub live: bool,
}

/// Plain-scalar tables in a vector, and strings of every short length
/// (owned strings of 4 to 16 bytes are copied as two words).
#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Book {
    pub symbol: String,
    pub levels: Vec<Level>,
    pub names: Vec<String>,
}

#[test]
fn plain_tables_and_short_strings() {
    let books: Vec<Book> = (0..3u32)
        .map(|n| Book {
            symbol: "é".repeat(n as usize * 3),
            levels: (0..9 + n)
                // One vtable for every level of a book (no field left
                // at its default), but in the last book, where every
                // other level leaves `live` out.
                .map(|i| Level {
                    price: -7 * i64::from(i) - 1,
                    quantity: i * n + 1,
                    live: n != 2 || i % 2 == 0,
                })
                .collect(),
            names: (0..=20).map(|len| "x".repeat(len)).collect(),
        })
        .collect();
    summed(&books, &books, |v, b| {
        assert!(v == *b);
        assert_eq!(v.levels().to_vec(), b.levels);
    });
}
