//! The bodies of the fuzz targets, shared by the cargo-fuzz binaries in
//! `fuzz/fuzz_targets/` and by the proptest harness that CI runs
//! (`tests/fuzz_harness.rs`). Each takes arbitrary bytes and panics only
//! when flatstream misbehaves.

pub use crate::oracle::everything as oracle;

pub use crate::every_kind::Mode;
use crate::streams::payload_of;
pub use crate::telemetry::Level;

use arbitrary::{Arbitrary, Unstructured};
use flatstream::checksum::{Checksum, Crc16, NoChecksum, XxHash64};
use flatstream::flatbuffers::{self, VerifierOptions};
use flatstream::framing::{ChecksumDeframer, ChecksumFramer, Deframer};
use flatstream::{
    Error, FrameReader, Recovery, SliceReader, StreamDeserialize, StreamReader, StreamSerialize,
    StreamWriter,
};

#[derive(StreamSerialize, Arbitrary, Debug, Clone, PartialEq, Default)]
pub struct Leaf {
    pub name: String,
    pub value: f64,
    pub flag: Option<bool>,
}

/// A fixed struct: a scalar, an enum that verification must look into, an
/// array, with padding between them.
#[derive(StreamSerialize, Arbitrary, Debug, Clone, Copy, PartialEq)]
#[flatstream(fixed)]
pub struct Point {
    pub level: Level,
    pub x: i32,
    pub corners: [u16; 3],
    pub weight: f64,
}

#[derive(StreamSerialize, Arbitrary, Debug, Clone, PartialEq)]
pub struct Node {
    pub children: Vec<Leaf>,
    pub mode: Mode,
}

/// A union of two tables.
#[derive(StreamSerialize, Arbitrary, Debug, Clone, PartialEq)]
pub enum Shape {
    Leaf(Leaf),
    Node(Node),
}

/// Every field kind of the derive, and `Option` of most.
#[derive(StreamSerialize, Arbitrary, Debug, Clone, PartialEq)]
pub struct Everything {
    pub flag: bool,
    pub byte: u8,
    pub signed_byte: i8,
    pub short: u16,
    pub signed_short: i16,
    pub int: u32,
    pub signed_int: i32,
    pub long: u64,
    pub signed_long: i64,
    pub single: f32,
    pub double: f64,
    pub text: String,
    pub bytes: Vec<u8>,
    pub flags: Vec<bool>,
    pub shorts: Vec<i16>,
    pub longs: Vec<u64>,
    pub doubles: Vec<f64>,
    pub texts: Vec<String>,
    pub leaf: Leaf,
    pub boxed: Box<Leaf>,
    pub leaves: Vec<Leaf>,
    pub level: Level,
    pub levels: Vec<Level>,
    pub mode: Mode,
    pub maybe_int: Option<u32>,
    pub maybe_double: Option<f64>,
    pub maybe_text: Option<String>,
    pub maybe_bytes: Option<Vec<u8>>,
    pub maybe_leaf: Option<Leaf>,
    pub maybe_leaves: Option<Vec<Leaf>>,
    pub maybe_level: Option<Level>,
    pub maybe_texts: Option<Vec<String>>,
    pub point: Point,
    pub points: Vec<Point>,
    pub maybe_point: Option<Point>,
    pub shape: Shape,
    pub maybe_shape: Option<Shape>,
}

/// Reads every raw payload three ways — `StreamReader`, `SliceReader` and
/// the `Read`-based deframer — which must agree, with the limit and
/// checksum chosen by the first two bytes.
pub fn deframe(data: &[u8]) {
    let Some((&select, rest)) = data.split_first() else {
        return;
    };
    let Some((&limit, stream)) = rest.split_first() else {
        return;
    };
    let limit = usize::from(limit) * 16 + 1;
    match select % 3 {
        0 => deframe_with(NoChecksum, limit, stream),
        1 => deframe_with(Crc16, limit, stream),
        _ => deframe_with(XxHash64, limit, stream),
    }
}

fn deframe_with<C: Checksum + Copy>(checksum: C, limit: usize, stream: &[u8]) {
    let deframer = ChecksumDeframer::new(checksum).with_max_frame_len(limit);
    let mut by_stream = Vec::new();
    let mut reader = FrameReader::new(stream, deframer);
    let stream_end = loop {
        match reader.read_message() {
            Ok(Some(payload)) => {
                assert!(!payload.is_empty() && payload.len() <= limit);
                by_stream.push(payload.to_vec());
            }
            Ok(None) => break None,
            Err(err) => break Some(err.to_string()),
        }
    };
    let mut by_slice = Vec::new();
    let mut slice = SliceReader::<(), _>::new(stream, deframer);
    let slice_end = loop {
        match slice.read_message() {
            Ok(Some(payload)) => by_slice.push(payload.to_vec()),
            Ok(None) => break None,
            Err(err) => break Some(err.to_string()),
        }
    };
    assert_eq!(by_stream, by_slice);
    assert_eq!(stream_end, slice_end);

    let mut by_read = Vec::new();
    let mut rest = stream;
    let mut buffer = Vec::new();
    let read_end = loop {
        match deframer.read_and_deframe(&mut rest, &mut buffer) {
            Ok(Some(())) => by_read.push(buffer.clone()),
            Ok(None) => break None,
            Err(err) => break Some(err),
        }
    };
    assert_eq!(by_stream, by_read);
    // The offset-free error kinds agree too.
    assert_eq!(stream_end.is_some(), read_end.is_some());
    if let Some(Error::UnexpectedEof) = read_end {
        assert_eq!(
            stream_end.as_deref(),
            Some("unexpected end of stream inside a frame")
        );
    }
}

/// Treats the bytes as one payload and as a stream of `Everything`
/// messages: verification must refuse or accept without panicking, and
/// an accepted view must read completely and decode to a value that
/// round-trips.
pub fn typed_read(data: &[u8]) {
    if let Ok(view) = Everything::view(data) {
        check_view(view);
    }
    let mut reader = StreamReader::<Everything, _, _>::new(data, ChecksumDeframer::new(NoChecksum));
    for _ in 0..64 {
        match reader.read() {
            Ok(Some(view)) => check_view(view),
            Ok(None) | Err(_) => break,
        }
    }
}

fn check_view(view: <Everything as StreamDeserialize>::View<'_>) {
    // Debug formatting reads every field, every vector element included.
    let _ = format!("{view:?}");
    let owned = Everything::from(view);
    let payload = payload_of(&owned);
    let again = Everything::view(&payload).expect("re-serialized value verifies");
    assert_eq!(payload_of(&Everything::from(again)), payload);
}

/// Reads arbitrary bytes in skip mode: it must reach the end without an
/// error, account for every byte, and agree with `SliceReader`.
pub fn recovery(data: &[u8]) {
    let Some((&select, stream)) = data.split_first() else {
        return;
    };
    if select % 2 == 0 {
        recovery_with(Crc16, stream);
    } else {
        recovery_with(NoChecksum, stream);
    }
}

fn recovery_with<C: Checksum + Copy>(checksum: C, stream: &[u8]) {
    let deframer = ChecksumDeframer::new(checksum).with_max_frame_len(4096);
    let mut reader = StreamReader::<Everything, _, _>::new(stream, deframer)
        .with_recovery(Recovery::SkipCorrupted);
    let mut from_stream = Vec::new();
    while let Some(view) = reader.read().expect("skip mode reads to the end") {
        from_stream.push(payload_of(&Everything::from(view)));
    }
    let stats = reader.stats().clone();
    assert_eq!(stats.bytes, stream.len() as u64);
    let mut slice =
        SliceReader::<Everything, _>::new(stream, deframer).with_recovery(Recovery::SkipCorrupted);
    let mut from_slice = Vec::new();
    while let Some(view) = slice.read().expect("skip mode reads to the end") {
        from_slice.push(payload_of(&Everything::from(view)));
    }
    assert_eq!(from_stream, from_slice);
    assert_eq!(&stats, slice.stats());
}

/// Builds values from the bytes, writes them, reads them back (views and
/// owned), then damages one byte of the stream: with XXH3 the damaged
/// stream must fail or read back exactly the same values.
pub fn roundtrip(data: &[u8]) {
    let mut input = Unstructured::new(data);
    let Ok(values) = Vec::<Everything>::arbitrary(&mut input) else {
        return;
    };
    let damage_at = usize::arbitrary(&mut input).unwrap_or(0);
    let damage = u8::arbitrary(&mut input).unwrap_or(0).max(1);
    let expected: Vec<Vec<u8>> = values.iter().map(payload_of).collect();

    let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(XxHash64));
    writer
        .write_batch(&values)
        .expect("writing to a Vec never fails");
    let bytes = writer.into_inner();

    // The writer's encoder lays out the bytes `FlatBufferBuilder` does.
    let mut raw = SliceReader::<Everything, _>::new(&bytes, ChecksumDeframer::new(XxHash64));
    let written: Vec<Vec<u8>> =
        std::iter::from_fn(|| raw.read_message().expect("an intact stream deframes"))
            .map(<[u8]>::to_vec)
            .collect();
    assert_eq!(
        written, expected,
        "the encoder and FlatBufferBuilder disagree"
    );

    let mut reader =
        StreamReader::<Everything, _, _>::new(&bytes[..], ChecksumDeframer::new(XxHash64));
    let mut read = Vec::new();
    while let Some(view) = reader.read().expect("an intact stream reads") {
        read.push(payload_of(&Everything::from(view)));
    }
    assert_eq!(read, expected);
    let owned: Vec<Everything> =
        StreamReader::<Everything, _, _>::new(&bytes[..], ChecksumDeframer::new(XxHash64))
            .collect::<Result<_, _>>()
            .expect("an intact stream decodes");
    assert_eq!(owned.iter().map(payload_of).collect::<Vec<_>>(), expected);

    if bytes.is_empty() {
        return;
    }
    let mut damaged = bytes.clone();
    damaged[damage_at % bytes.len()] ^= damage;
    let mut reader =
        StreamReader::<Everything, _, _>::new(&damaged[..], ChecksumDeframer::new(XxHash64));
    let mut index = 0;
    loop {
        match reader.read() {
            Ok(Some(view)) => {
                assert_eq!(
                    payload_of(&Everything::from(view)),
                    expected[index],
                    "damage read as data"
                );
                index += 1;
            }
            Ok(None) => panic!("damage at {} went unnoticed", damage_at % bytes.len()),
            Err(_) => break,
        }
    }
}

/// Differential verification: flatstream's generated verifier and the
/// hand-written oracle of `oracle.rs` (over the `flatbuffers` crate's
/// `Verifier`) must accept and refuse the same buffers — random bytes, or a
/// valid message with a few bytes changed — under default or tight limits;
/// an accepted buffer must read completely.
pub fn verify(data: &[u8]) {
    let mut input = Unstructured::new(data);
    let Ok(select) = u8::arbitrary(&mut input) else {
        return;
    };
    let options = if select & 2 == 0 {
        VerifierOptions::default()
    } else {
        VerifierOptions {
            max_depth: usize::from(select >> 2 & 3) + 1,
            max_tables: usize::from(u8::arbitrary(&mut input).unwrap_or(0)) + 1,
            max_apparent_size: usize::from(u16::arbitrary(&mut input).unwrap_or(0)),
            ignore_missing_null_terminator: select & 0x40 != 0,
        }
    };
    let payload = if select & 1 == 0 {
        input.take_rest().to_vec()
    } else {
        let Ok(value) = Everything::arbitrary(&mut input) else {
            return;
        };
        let mut payload = payload_of(&value);
        let edits = u8::arbitrary(&mut input).unwrap_or(0) % 5;
        for _ in 0..edits {
            let (Ok(at), Ok(xor)) = (u16::arbitrary(&mut input), u8::arbitrary(&mut input)) else {
                break;
            };
            let len = payload.len();
            payload[usize::from(at) % len] ^= xor.max(1);
        }
        if select & 0x80 != 0 {
            let keep = usize::from(u16::arbitrary(&mut input).unwrap_or(0)) % (payload.len() + 1);
            payload.truncate(keep);
        }
        payload
    };
    verify_agrees(&payload, &options);
}

/// What the oracle says of `payload` under `options`, charging as `C`.
pub fn oracle_verdict<C: oracle::Charging>(
    payload: &[u8],
    options: &VerifierOptions,
) -> Result<(), flatbuffers::InvalidFlatbuffer> {
    flatbuffers::root_with_opts::<oracle::Everything<'_, C>>(options, payload).map(drop)
}

/// flatstream's verifier and the oracle on `payload` under `options`.
///
/// Depth, table count, UTF-8 and NUL rules are compared exactly. The two
/// charge the apparent size a few bytes apart (`oracle::APPARENT_SIZE_SLACK`),
/// so under a size limit flatstream must accept whatever the oracle accepts
/// with that much less room, and refuse whatever it refuses with that much
/// more; without one (the default 2 GiB), exactly what the oracle accepts.
pub fn verify_agrees(payload: &[u8], options: &VerifierOptions) {
    let ours = Everything::view_with_options(payload, options);
    let exact = oracle_verdict::<oracle::Flatc>(payload, options);
    let (below, above) = oracle::APPARENT_SIZE_SLACK;
    if options.max_apparent_size >= VerifierOptions::default().max_apparent_size {
        crate::oracle::same_verdict(payload, &ours, &exact);
    } else {
        let with = |limit: usize| VerifierOptions {
            max_apparent_size: limit,
            ..options.clone()
        };
        let roomier = oracle_verdict::<oracle::Flatc>(
            payload,
            &with(options.max_apparent_size.saturating_add(below)),
        );
        if ours.is_ok() {
            assert!(roomier.is_ok(), "flatstream accepts, oracle: {roomier:?}");
        }
        if let Some(tighter) = options.max_apparent_size.checked_sub(above) {
            let tighter = oracle_verdict::<oracle::Flatc>(payload, &with(tighter));
            if tighter.is_ok() {
                assert!(ours.is_ok(), "flatstream: {:?}, oracle accepts", ours.err());
            }
        }
        // Where the verdicts differ it is the size limit, nothing else.
        if ours.is_ok() != exact.is_ok() {
            assert!(
                matches!(
                    exact,
                    Ok(()) | Err(flatbuffers::InvalidFlatbuffer::ApparentSizeTooLarge)
                ),
                "flatstream: {:?}, oracle: {exact:?}",
                ours.as_ref().err()
            );
        }
    }
    // The one-pass owned decode accepts the same buffers and decodes what
    // the view converts to.
    let decoded = Everything::decode_with_options(payload, options);
    assert_eq!(
        decoded.is_ok(),
        ours.is_ok(),
        "{:?}",
        decoded.as_ref().err()
    );
    if let (Ok(decoded), Ok(view)) = (&decoded, &ours) {
        assert_eq!(payload_of(decoded), payload_of(&Everything::from(*view)));
    }
    if let Ok(view) = ours {
        check_view(view);
    }
}
