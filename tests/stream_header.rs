//! Self-describing streams: a header written by the writer is read and
//! checked by every typed reader; an older compatible schema reads, an
//! incompatible one or another root type is a typed error; a damaged header
//! is damage like any other; streams without a header read as before.

use flatstream::checksum::Crc32;
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::{
    AsyncStreamReader, Error, FrameReader, Recovery, SliceReader, StreamCodec, StreamHeader,
    StreamReader, StreamWriter,
};
use futures_util::StreamExt;
use tokio_util::codec::FramedRead;

mod v1 {
    use flatstream::StreamSerialize;

    #[derive(StreamSerialize, Debug, Clone, PartialEq)]
    pub struct Event {
        pub seq: u64,
        pub source: String,
    }
}

mod v2 {
    use flatstream::StreamSerialize;

    /// `v1::Event` with a field added at the end: compatible.
    #[derive(StreamSerialize, Debug, Clone, PartialEq)]
    pub struct Event {
        pub seq: u64,
        pub source: String,
        pub level: Option<u8>,
    }
}

mod broken {
    use flatstream::StreamSerialize;

    /// `v1::Event` with `seq` retyped: old data would read wrong.
    #[derive(StreamSerialize, Debug, Clone, PartialEq)]
    pub struct Event {
        pub seq: f64,
        pub source: String,
    }
}

mod other {
    use flatstream::StreamSerialize;

    #[derive(StreamSerialize, Debug, Clone, PartialEq)]
    pub struct Order {
        pub id: u64,
    }
}

fn deframer() -> ChecksumDeframer<Crc32> {
    ChecksumDeframer::new(Crc32::new())
}

fn events() -> Vec<v1::Event> {
    (0..5)
        .map(|seq| v1::Event {
            seq,
            source: format!("sensor-{seq}"),
        })
        .collect()
}

fn with_header() -> Vec<u8> {
    let mut writer =
        StreamWriter::<v1::Event, _, _>::with_header(Vec::new(), ChecksumFramer::new(Crc32::new()))
            .unwrap();
    writer.write_batch(&events()).unwrap();
    assert_eq!(writer.messages_written(), 5);
    assert_eq!(writer.bytes_written(), writer.get_ref().len() as u64);
    writer.into_inner()
}

fn header_len(bytes: &[u8]) -> usize {
    4 + 4 + u32::from_le_bytes(bytes[..4].try_into().unwrap()) as usize
}

#[test]
fn the_header_says_what_the_stream_holds() {
    let bytes = with_header();
    let payload = &bytes[8..header_len(&bytes)];
    let header = StreamHeader::from_payload(payload).expect("a header");
    assert_eq!(header.version, 1);
    assert_eq!(header.checksum, "crc32");
    assert_eq!(header.root_type, "Event");
    assert_eq!(header.schema, flatstream::schema::<v1::Event>());
    assert_eq!(
        header.fingerprint,
        flatstream::StreamHeader::of::<v1::Event>("crc32").fingerprint
    );
}

#[test]
fn every_typed_reader_reads_past_a_matching_header() {
    let bytes = with_header();
    let expected = events();

    let mut reader = StreamReader::<v1::Event, _, _>::new(&bytes[..], deframer());
    let mut read = Vec::new();
    while let Some(view) = reader.read().unwrap() {
        read.push(v1::Event::from(view));
    }
    assert_eq!(read, expected);
    assert_eq!(reader.header().unwrap().root_type, "Event");
    assert_eq!(reader.stats().frames, 5, "the header is not a message");
    assert_eq!(reader.stats().bytes, bytes.len() as u64);

    let slice = SliceReader::<v1::Event, _>::new(&bytes, deframer());
    let read: Vec<v1::Event> = slice.map(|view| view.unwrap().into()).collect();
    assert_eq!(read, expected);

    let owned: Vec<v1::Event> = StreamReader::<v1::Event, _, _>::new(&bytes[..], deframer())
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(owned, expected);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let reader = AsyncStreamReader::<v1::Event, _, _>::new(&bytes[..], deframer());
        let read: Vec<v1::Event> = reader.map(Result::unwrap).collect().await;
        assert_eq!(read, expected);
        let codec = StreamCodec::<v1::Event, _>::new(Crc32::new());
        let read: Vec<v1::Event> = FramedRead::new(&bytes[..], codec)
            .map(|message| message.unwrap().decode())
            .collect()
            .await;
        assert_eq!(read, expected);
    });
}

#[test]
fn an_older_compatible_schema_reads() {
    let bytes = with_header();
    let read: Vec<v2::Event> = StreamReader::<v2::Event, _, _>::new(&bytes[..], deframer())
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(read.len(), 5);
    assert_eq!(read[3].seq, 3);
    assert_eq!(read[3].level, None);
}

#[test]
fn an_incompatible_schema_is_refused_with_its_problems() {
    let bytes = with_header();
    let mut reader = StreamReader::<broken::Event, _, _>::new(&bytes[..], deframer());
    for _ in 0..2 {
        let err = reader.read().map(drop).unwrap_err();
        let Error::SchemaMismatch(mismatch) = &err else {
            panic!("{err}")
        };
        assert_eq!(mismatch.stream_root, "Event");
        assert!(!mismatch.problems.is_empty());
        assert!(
            mismatch
                .problems
                .iter()
                .any(|problem| problem.contains("seq")),
            "{:?}",
            mismatch.problems
        );
        assert_eq!(reader.position(), 0, "nothing is consumed");
    }
}

#[test]
fn another_root_type_is_refused_by_name() {
    let bytes = with_header();
    let err = StreamReader::<other::Order, _, _>::new(&bytes[..], deframer())
        .read()
        .map(drop)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "stream holds `Event`, reader expects `Order`"
    );
    let err = SliceReader::<other::Order, _>::new(&bytes, deframer())
        .next()
        .unwrap()
        .map(drop)
        .unwrap_err();
    assert!(matches!(err, Error::SchemaMismatch(_)), "{err}");
}

#[test]
fn streams_without_a_header_read_as_before() {
    let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(Crc32::new()));
    writer.write_batch(&events()).unwrap();
    let bytes = writer.into_inner();
    let mut reader = StreamReader::<v1::Event, _, _>::new(&bytes[..], deframer());
    assert_eq!(reader.read().unwrap().unwrap().seq(), 0);
    assert!(reader.header().is_none());
    // A reader of another type meets no header, only payloads it cannot
    // verify (or, by chance, can): no schema error.
    let mut reader = StreamReader::<other::Order, _, _>::new(&bytes[..], deframer());
    assert!(!matches!(reader.read(), Err(Error::SchemaMismatch(_))));
}

#[test]
fn a_damaged_header_is_damage_like_any_frame() {
    let mut bytes = with_header();
    let end = header_len(&bytes);
    bytes[end - 3] ^= 0x20; // inside the schema text
    let err = StreamReader::<v1::Event, _, _>::new(&bytes[..], deframer())
        .read()
        .map(drop)
        .unwrap_err();
    assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err}");
    assert_eq!(err.offset(), Some(0));

    // Skipping, the header is one damaged region; the messages survive.
    let mut reader = StreamReader::<v1::Event, _, _>::new(&bytes[..], deframer())
        .with_recovery(Recovery::SkipCorrupted);
    let read: Vec<v1::Event> = reader.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(read, events());
    assert!(reader.header().is_none());
    assert_eq!(reader.stats().skipped_regions, 1);
    assert_eq!(reader.stats().skipped_bytes, end as u64);
}

#[test]
fn the_untyped_reader_records_the_header_without_judging_it() {
    let bytes = with_header();
    let mut frames = FrameReader::new(&bytes[..], deframer());
    let mut count = 0;
    while frames.read_message().unwrap().is_some() {
        count += 1;
    }
    assert_eq!(count, 5);
    assert_eq!(frames.header().unwrap().root_type, "Event");
}

#[test]
fn create_writes_a_self_describing_file_that_append_continues() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.fs");
    let mut writer =
        StreamWriter::<v1::Event, _, _>::create(&path, ChecksumFramer::new(Crc32::new())).unwrap();
    writer.write_batch(&events()[..3]).unwrap();
    writer.flush().unwrap();
    drop(writer);
    let (mut writer, report) = StreamWriter::<v1::Event, _, _>::append(
        &path,
        ChecksumFramer::new(Crc32::new()),
        deframer(),
    )
    .unwrap();
    assert_eq!(report.frames, 3);
    writer.write_batch(&events()[3..]).unwrap();
    writer.flush().unwrap();
    drop(writer);
    let bytes = std::fs::read(&path).unwrap();
    let mut reader = StreamReader::<v1::Event, _, _>::new(&bytes[..], deframer());
    let mut read = Vec::new();
    while let Some(view) = reader.read().unwrap() {
        read.push(v1::Event::from(view));
    }
    assert_eq!(read, events());
    assert!(reader.header().is_some());
}

#[test]
fn the_async_writer_writes_the_same_header() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let bytes = runtime.block_on(async {
        let mut writer = flatstream::AsyncStreamWriter::<v1::Event, _, _>::with_header(
            Vec::new(),
            ChecksumFramer::new(Crc32::new()),
        )
        .await
        .unwrap();
        writer.write_batch(&events()).await.unwrap();
        assert_eq!(writer.bytes_written(), writer.get_ref().len() as u64);
        writer.into_inner()
    });
    assert_eq!(bytes, with_header());
}
