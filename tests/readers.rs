//! One suite, every reader. The same streams — intact, empty, torn,
//! damaged, over the limit, not FlatBuffers — go through `StreamReader`,
//! `SliceReader`, `AsyncStreamReader` (its `read` and its `Stream`), and
//! `StreamCodec` in a `FramedRead`, and every reader must report the same
//! messages, the same error with the same offset, the same position and the
//! same counters and skipped regions. The untyped `FrameReader` and
//! `AsyncFrameReader` must find the same frames.

use std::sync::{Arc, Mutex};

use flatstream::checksum::Crc32;
use flatstream::framing::{ChecksumDeframer, ChecksumFramer, Framer};
use flatstream::{
    AsyncFrameReader, AsyncStreamReader, Error, FrameReader, ReadStats, Recovery, SkippedRegion,
    SliceReader, StreamCodec, StreamDeserialize, StreamReader, StreamWriter,
};
use futures_util::StreamExt;
use tokio_util::codec::{Decoder, FramedRead};

const LIMIT: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reader {
    Stream,
    Slice,
    AsyncRead,
    AsyncStream,
    Codec,
}

const READERS: [Reader; 5] = [
    Reader::Stream,
    Reader::Slice,
    Reader::AsyncRead,
    Reader::AsyncStream,
    Reader::Codec,
];

/// What a reader made of a stream, read to its end or first error.
#[derive(Debug, PartialEq)]
struct Run {
    texts: Vec<String>,
    /// The error's `Display`, which names its kind and offset.
    error: Option<String>,
    stats: ReadStats,
    /// Offset and length of each skipped region, as the callback saw them.
    regions: Vec<(u64, u64)>,
    position: u64,
}

fn deframer() -> ChecksumDeframer<Crc32> {
    ChecksumDeframer::new(Crc32::new()).with_max_frame_len(LIMIT)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

type Regions = Arc<Mutex<Vec<(u64, u64)>>>;

fn recorder() -> (Regions, impl FnMut(&SkippedRegion) + Send + 'static) {
    let regions = Regions::default();
    let sink = regions.clone();
    let callback = move |region: &SkippedRegion| {
        sink.lock().unwrap().push((region.offset, region.len));
    };
    (regions, callback)
}

/// Reads `bytes` with `reader` until the end or the first error.
fn run(reader: Reader, bytes: &[u8], recovery: Recovery) -> Run {
    let (regions, callback) = recorder();
    let mut texts = Vec::new();
    let mut error = None;
    let mut keep = |next: Option<Result<String, Error>>| match next {
        Some(Ok(text)) => {
            texts.push(text);
            true
        }
        Some(Err(err)) => {
            error = Some(err.to_string());
            false
        }
        None => false,
    };
    let (stats, position) = match reader {
        Reader::Stream => {
            let mut reader = StreamReader::<String, _, _>::new(bytes, deframer())
                .with_recovery(recovery)
                .with_skip_callback(callback);
            while keep(reader.next()) {}
            (reader.stats().clone(), reader.position())
        }
        Reader::Slice => {
            let mut reader = SliceReader::<String, _>::new(bytes, deframer())
                .with_recovery(recovery)
                .with_skip_callback(callback);
            while keep(reader.next().map(|view| view.map(str::to_owned))) {}
            (reader.stats().clone(), reader.position())
        }
        Reader::AsyncRead => runtime().block_on(async {
            let mut reader = AsyncStreamReader::<String, _, _>::new(bytes, deframer())
                .with_recovery(recovery)
                .with_skip_callback(callback);
            while keep(
                reader
                    .read()
                    .await
                    .map(|view| view.map(str::to_owned))
                    .transpose(),
            ) {}
            (reader.stats().clone(), reader.position())
        }),
        Reader::AsyncStream => runtime().block_on(async {
            let mut reader = AsyncStreamReader::<String, _, _>::new(bytes, deframer())
                .with_recovery(recovery)
                .with_skip_callback(callback);
            while keep(reader.next().await) {}
            (reader.stats().clone(), reader.position())
        }),
        Reader::Codec => runtime().block_on(async {
            let codec = StreamCodec::<String, _>::new(Crc32::new())
                .with_max_frame_len(LIMIT)
                .with_recovery(recovery)
                .with_skip_callback(callback);
            let mut frames = FramedRead::new(bytes, codec);
            while keep(
                frames
                    .next()
                    .await
                    .map(|message| message.map(|m| m.decode())),
            ) {}
            let codec = frames.decoder();
            (codec.stats().clone(), codec.position())
        }),
    };
    let regions = regions.lock().unwrap().clone();
    Run {
        texts,
        error,
        stats,
        regions,
        position,
    }
}

/// Runs every reader over `bytes` and checks they agree; returns the run.
fn every_reader(bytes: &[u8], recovery: Recovery) -> Run {
    let first = run(READERS[0], bytes, recovery);
    for reader in &READERS[1..] {
        assert_eq!(
            run(*reader, bytes, recovery),
            first,
            "{reader:?} disagrees with {:?} ({recovery:?})",
            READERS[0]
        );
    }
    first
}

fn stream_of(texts: &[&str]) -> Vec<u8> {
    let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(Crc32::new()));
    writer.write_batch(texts).unwrap();
    writer.into_inner()
}

/// Frame start offsets of `stream_of(texts)`.
fn frame_starts(texts: &[&str]) -> Vec<u64> {
    let mut starts = vec![0];
    for i in 1..texts.len() {
        starts.push(stream_of(&texts[..i]).len() as u64);
    }
    starts
}

const TEXTS: [&str; 4] = [
    "first",
    "second message",
    "third",
    "a fourth, longer message",
];

fn strings(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|text| text.to_string()).collect()
}

#[test]
fn intact_streams_read_alike() {
    let bytes = stream_of(&TEXTS);
    let run = every_reader(&bytes, Recovery::Strict);
    assert_eq!(run.texts, strings(&TEXTS));
    assert_eq!(run.error, None);
    assert_eq!(run.position, bytes.len() as u64);
    assert_eq!(run.stats.frames, 4);
    assert_eq!(run.stats.bytes, bytes.len() as u64);
    assert_eq!(run.stats.skipped_regions, 0);
    assert_eq!(every_reader(&bytes, Recovery::SkipCorrupted), run);
}

#[test]
fn an_empty_stream_is_a_clean_end() {
    for recovery in [Recovery::Strict, Recovery::SkipCorrupted] {
        let run = every_reader(&[], recovery);
        assert!(run.texts.is_empty() && run.error.is_none());
        assert_eq!(run.stats, ReadStats::default());
    }
}

#[test]
fn a_torn_tail_is_unexpected_eof_after_the_intact_frames() {
    let bytes = stream_of(&TEXTS);
    let last = frame_starts(&TEXTS)[3];
    for cut in last + 1..bytes.len() as u64 {
        let torn = &bytes[..cut as usize];
        let run = every_reader(torn, Recovery::Strict);
        assert_eq!(run.texts, strings(&TEXTS[..3]), "cut at {cut}");
        assert_eq!(run.error, Some(Error::UnexpectedEof.to_string()));
        assert_eq!(run.position, last, "the torn frame is not consumed");

        // Skipping: the tail is one damaged region, counted exactly.
        let run = every_reader(torn, Recovery::SkipCorrupted);
        assert_eq!(run.texts, strings(&TEXTS[..3]));
        assert_eq!(run.error, None);
        assert_eq!(run.regions, [(last, cut - last)]);
        assert_eq!(run.stats.skipped_bytes, cut - last);
        assert_eq!(run.stats.bytes, cut);
    }
}

/// Damages `bytes` by each kind of damage a reader must refuse, at the
/// frame starting at `at`; returns the damaged stream and what the strict
/// error must say.
/// A kind of damage, the damaged stream, and a check of the strict error.
type Damage = (&'static str, Vec<u8>, fn(&Error) -> bool);

fn damaged(bytes: &[u8], at: usize) -> Vec<Damage> {
    let mut checksum = bytes.to_vec();
    checksum[at + 10] ^= 0x10; // a payload byte
    let mut over_limit = bytes.to_vec();
    over_limit[at..at + 4].copy_from_slice(&(LIMIT as u32 + 1).to_le_bytes());
    let mut zero_length = bytes.to_vec();
    zero_length[at..at + 4].copy_from_slice(&0u32.to_le_bytes());
    // A frame whose checksum matches but whose payload is not a string.
    let mut not_a_string = bytes[..at].to_vec();
    ChecksumFramer::new(Crc32::new())
        .frame_and_write(&mut not_a_string, &[0xff; 8])
        .unwrap();
    not_a_string.extend_from_slice(&bytes[at..]);
    vec![
        ("checksum", checksum, |e| {
            matches!(e, Error::ChecksumMismatch { .. })
        }),
        ("over the limit", over_limit, |e| {
            matches!(e, Error::InvalidFrame { .. })
        }),
        ("zero length", zero_length, |e| {
            matches!(e, Error::InvalidFrame { .. })
        }),
        ("not a string", not_a_string, |e| {
            matches!(e, Error::Verification(_))
        }),
    ]
}

#[test]
fn damage_is_the_same_error_at_the_same_offset_for_every_reader() {
    let bytes = stream_of(&TEXTS);
    let at = frame_starts(&TEXTS)[1];
    for (what, stream, is_expected) in damaged(&bytes, at as usize) {
        let run = every_reader(&stream, Recovery::Strict);
        assert_eq!(run.texts, strings(&TEXTS[..1]), "{what}");
        assert_eq!(
            run.position, at,
            "{what}: the damaged frame is not consumed"
        );
        // The reader that built the error is checked for its kind and
        // offset; the others agree on its text.
        let err = StreamReader::<String, _, _>::new(&stream[at as usize..], deframer())
            .read()
            .map(drop)
            .unwrap_err();
        assert!(is_expected(&err), "{what}: {err}");
        let err = StreamReader::<String, _, _>::new(&stream[..], deframer())
            .nth(1)
            .unwrap()
            .unwrap_err();
        assert!(is_expected(&err), "{what}: {err}");
        if !matches!(err, Error::Verification(_)) {
            assert_eq!(err.offset(), Some(at), "{what}");
        }
        assert_eq!(run.error, Some(err.to_string()), "{what}");
    }
}

#[test]
fn skipping_keeps_every_intact_frame_and_counts_the_rest() {
    let bytes = stream_of(&TEXTS);
    let starts = frame_starts(&TEXTS);
    let (at, next) = (starts[1], starts[2]);
    for (what, stream, _) in damaged(&bytes, at as usize) {
        let run = every_reader(&stream, Recovery::SkipCorrupted);
        let damaged_len = next - at + (stream.len() - bytes.len()) as u64;
        let mut kept = strings(&TEXTS);
        kept.remove(1);
        if what == "not a string" {
            // The inserted frame is the damage; the second text survives.
            kept = strings(&TEXTS);
        }
        let expected_region = if what == "not a string" {
            (at, (stream.len() - bytes.len()) as u64)
        } else {
            (at, damaged_len)
        };
        assert_eq!(run.texts, kept, "{what}");
        assert_eq!(run.error, None, "{what}");
        assert_eq!(run.regions, [expected_region], "{what}");
        assert_eq!(run.stats.skipped_regions, 1, "{what}");
        assert_eq!(run.stats.skipped_bytes, expected_region.1, "{what}");
        assert_eq!(run.stats.bytes, stream.len() as u64, "{what}");
        assert_eq!(run.stats.frames, kept.len() as u64, "{what}");
    }
}

#[test]
fn a_strict_error_repeats_until_recovery_changes() {
    let bytes = stream_of(&TEXTS);
    let at = frame_starts(&TEXTS)[1];
    let mut stream = bytes.clone();
    stream[at as usize + 10] ^= 1;

    let mut reader = StreamReader::<String, _, _>::new(&stream[..], deframer());
    let mut slice = SliceReader::<String, _>::new(&stream, deframer());
    let mut frames = FrameReader::new(&stream[..], deframer());
    let mut codec = StreamCodec::<String, _>::new(Crc32::new());
    let mut src = bytes::BytesMut::from(&stream[..]);
    assert_eq!(reader.read().unwrap(), Some("first"));
    assert_eq!(slice.read().unwrap(), Some("first"));
    assert!(frames.read_message().unwrap().is_some());
    assert_eq!(codec.decode(&mut src).unwrap().unwrap().view(), "first");
    for _ in 0..3 {
        let errors = [
            reader.read().map(drop).unwrap_err(),
            slice.read().map(drop).unwrap_err(),
            frames.read_message().map(drop).unwrap_err(),
            codec.decode(&mut src).map(drop).unwrap_err(),
        ];
        for err in &errors {
            assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err}");
            assert_eq!(err.offset(), Some(at));
        }
        assert_eq!(reader.position(), at);
        assert_eq!(slice.position(), at);
        assert_eq!(frames.position(), at);
        assert_eq!(codec.position(), at);
    }
    reader.set_recovery(Recovery::SkipCorrupted);
    slice.set_recovery(Recovery::SkipCorrupted);
    frames.set_recovery(Recovery::SkipCorrupted);
    codec.set_recovery(Recovery::SkipCorrupted);
    assert_eq!(reader.read().unwrap(), Some("third"));
    assert_eq!(slice.read().unwrap(), Some("third"));
    let payload = frames.read_message().unwrap().unwrap();
    assert_eq!(String::view(payload).unwrap(), "third");
    // Skipping, the codec may wait for more bytes behind a damaged
    // header's claim until it knows the stream has ended.
    assert_eq!(codec.decode_eof(&mut src).unwrap().unwrap().view(), "third");
    let skipped = frame_starts(&TEXTS)[2] - at;
    for stats in [reader.stats(), slice.stats(), frames.stats(), codec.stats()] {
        assert_eq!((stats.skipped_regions, stats.skipped_bytes), (1, skipped));
    }
}

#[test]
fn iteration_ends_at_an_error_and_resumes_after_set_recovery() {
    let mut stream = stream_of(&TEXTS);
    let at = frame_starts(&TEXTS)[1] as usize;
    stream[at + 10] ^= 1;
    let rest = strings(&[TEXTS[2], TEXTS[3]]);

    let mut reader = StreamReader::<String, _, _>::new(&stream[..], deframer());
    assert_eq!(reader.next().unwrap().unwrap(), "first");
    assert!(reader.next().unwrap().is_err());
    assert!(reader.next().is_none(), "fused after the error");
    reader.set_recovery(Recovery::SkipCorrupted);
    assert_eq!(reader.collect::<Result<Vec<_>, _>>().unwrap(), rest);

    let mut slice = SliceReader::<String, _>::new(&stream, deframer());
    assert_eq!(slice.next().unwrap().unwrap(), "first");
    assert!(slice.next().unwrap().is_err());
    assert!(slice.next().is_none(), "fused after the error");
    slice.set_recovery(Recovery::SkipCorrupted);
    assert_eq!(slice.collect::<Result<Vec<_>, _>>().unwrap(), rest);

    runtime().block_on(async {
        let mut reader = AsyncStreamReader::<String, _, _>::new(&stream[..], deframer());
        assert_eq!(reader.next().await.unwrap().unwrap(), "first");
        assert!(reader.next().await.unwrap().is_err());
        assert!(reader.next().await.is_none(), "fused after the error");
        reader.set_recovery(Recovery::SkipCorrupted);
        let texts: Vec<String> = reader.map(Result::unwrap).collect().await;
        assert_eq!(texts, rest);
    });
}

#[test]
fn untyped_readers_find_the_frames_the_typed_ones_do() {
    let bytes = stream_of(&TEXTS);
    let mut stream = bytes.clone();
    let at = frame_starts(&TEXTS)[2] as usize;
    stream[at + 9] ^= 4;
    let typed = every_reader(&stream, Recovery::SkipCorrupted);

    let mut frames =
        FrameReader::new(&stream[..], deframer()).with_recovery(Recovery::SkipCorrupted);
    let mut payloads = Vec::new();
    while let Some(payload) = frames.read_message().unwrap() {
        payloads.push(payload.to_vec());
    }
    assert_eq!(frames.stats(), &typed.stats);

    let async_payloads = runtime().block_on(async {
        let mut frames =
            AsyncFrameReader::new(&stream[..], deframer()).with_recovery(Recovery::SkipCorrupted);
        let mut payloads = Vec::new();
        while let Some(payload) = frames.read_message().await.unwrap() {
            payloads.push(payload.to_vec());
        }
        assert_eq!(frames.stats(), &typed.stats);
        payloads
    });
    assert_eq!(async_payloads, payloads);
    let texts: Vec<String> = payloads
        .iter()
        .map(|payload| String::view(payload).unwrap().to_owned())
        .collect();
    assert_eq!(texts, typed.texts);
}

#[test]
fn owned_reads_agree_with_views() {
    let bytes = stream_of(&TEXTS);
    let mut reader = StreamReader::<String, _, _>::new(&bytes[..], deframer());
    let mut slice = SliceReader::<String, _>::new(&bytes, deframer());
    let mut owned = Vec::new();
    while let Some(text) = reader.read_owned().unwrap() {
        assert_eq!(slice.read_owned().unwrap().as_deref(), Some(text.as_str()));
        owned.push(text);
    }
    assert_eq!(slice.read_owned().unwrap(), None);
    assert_eq!(owned, strings(&TEXTS));
    let from_async = runtime().block_on(async {
        let mut reader = AsyncStreamReader::<String, _, _>::new(&bytes[..], deframer());
        let mut texts = Vec::new();
        while let Some(text) = reader.read_owned().await.unwrap() {
            texts.push(text);
        }
        texts
    });
    assert_eq!(from_async, owned);
}

#[derive(flatstream::StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(shallow)]
pub struct Titled {
    pub title: String,
    pub body: Body,
}

#[derive(flatstream::StreamSerialize, Debug, Clone, PartialEq)]
pub struct Body {
    pub text: String,
}

/// What a shallow read of one message gave: its title, and its body's
/// text or the error verifying the body gave.
type ShallowItem = (String, Result<String, String>);

/// Reads `bytes` with each reader's `read_shallow` until the end or the
/// first error; every reader must agree.
fn shallow_runs(bytes: &[u8]) -> (Vec<ShallowItem>, Option<String>, u64) {
    use flatstream::lazy::{Shallow, ShallowDeserialize};
    fn item(view: TitledView<'_, Shallow>) -> ShallowItem {
        let body = view.body().verify().map(|body| body.text().to_owned());
        (view.title().to_owned(), body.map_err(|err| err.to_string()))
    }
    fn collect(
        mut next: impl FnMut() -> Result<Option<ShallowItem>, Error>,
    ) -> (Vec<ShallowItem>, Option<String>) {
        let mut items = Vec::new();
        loop {
            match next() {
                Ok(Some(item)) => items.push(item),
                Ok(None) => return (items, None),
                Err(err) => return (items, Some(err.to_string())),
            }
        }
    }
    assert!(Titled::view_shallow(&[]).is_err());
    let mut stream = StreamReader::<Titled, _, _>::new(bytes, deframer());
    let (items, error) = collect(|| Ok(stream.read_shallow()?.map(item)));
    let position = stream.position();
    let mut slice = SliceReader::<Titled, _>::new(bytes, deframer());
    assert_eq!(
        collect(|| Ok(slice.read_shallow()?.map(item))),
        (items.clone(), error.clone())
    );
    assert_eq!(slice.position(), position);
    let from_async = runtime().block_on(async {
        let mut reader = AsyncStreamReader::<Titled, _, _>::new(bytes, deframer());
        let mut items = Vec::new();
        loop {
            match reader.read_shallow().await {
                Ok(Some(view)) => items.push(item(view)),
                Ok(None) => return (items, None, reader.position()),
                Err(err) => return (items, Some(err.to_string()), reader.position()),
            }
        }
    });
    assert_eq!(from_async, (items.clone(), error.clone(), position));
    (items, error, position)
}

#[test]
fn shallow_reads_check_the_root_and_leave_nested_tables_to_the_caller() {
    let titled = |n: usize| Titled {
        title: format!("title {n}"),
        body: Body {
            text: format!("body {n}"),
        },
    };
    let payloads: Vec<Vec<u8>> = (0..3)
        .map(|n| flatstream_testkit::streams::payload_of(&titled(n)))
        .collect();
    let write = |payloads: &[Vec<u8>]| {
        let mut writer =
            StreamWriter::<Titled, _, _>::new(Vec::new(), ChecksumFramer::new(Crc32::new()));
        for payload in payloads {
            writer.write_payload(payload).unwrap();
        }
        writer.into_inner()
    };
    // Intact: every reader reads what the full views read.
    let (items, error, position) = shallow_runs(&write(&payloads));
    assert_eq!(error, None);
    let expected: Vec<ShallowItem> = (0..3)
        .map(|n| (format!("title {n}"), Ok(format!("body {n}"))))
        .collect();
    assert_eq!(items, expected);
    assert_eq!(position, write(&payloads).len() as u64);

    // The second body's text is not UTF-8 (the checksum matches it): a
    // full read stops there, a shallow read goes on and reports it where
    // the body is verified.
    let mut damaged = payloads.clone();
    let at = damaged[1].windows(6).position(|w| w == b"body 1").unwrap();
    damaged[1][at] = 0xff;
    let bytes = write(&damaged);
    let full = StreamReader::<Titled, _, _>::new(&bytes[..], deframer())
        .map(|item| item.map(|t| t.title))
        .collect::<Vec<_>>();
    assert!(full[1].is_err());
    let (items, error, _) = shallow_runs(&bytes);
    assert_eq!(error, None);
    assert_eq!(items.len(), 3);
    assert_eq!(items[1].0, "title 1");
    let body_error = items[1].1.as_ref().unwrap_err();
    assert!(
        body_error.contains("Body.text") && body_error.contains("UTF-8"),
        "{body_error}"
    );
    assert_eq!(items[2], expected[2]);

    // The second title is damaged: the root table, refused up front with
    // the error a full read gives, at the same position.
    let mut damaged = payloads.clone();
    let at = damaged[1].windows(7).position(|w| w == b"title 1").unwrap();
    damaged[1][at] = 0xff;
    let bytes = write(&damaged);
    let mut full = StreamReader::<Titled, _, _>::new(&bytes[..], deframer());
    full.read().unwrap();
    let full_error = full.read().unwrap_err().to_string();
    let (items, error, position) = shallow_runs(&bytes);
    assert_eq!(items, expected[..1]);
    assert_eq!(error, Some(full_error));
    assert_eq!(position, full.position());
}
