//! Compressed streams: zstd and LZ4, per frame and in blocks, with a
//! dictionary, over every checksum and reader; payloads the codecs' own
//! decoders read; decompression bombs, wrong dictionaries and damaged
//! blocks as typed errors; and a property test over every combination of
//! checksum, compression, grouping, encryption and reader.

use std::io::Write;

use flatstream::checksum::{Checksum, Crc32, NoChecksum, XxHash64};
use flatstream::framing::{ChecksumDeframer, ChecksumFramer, DefaultDeframer, DefaultFramer};
use flatstream::layered::{
    Compression, Dictionary, Grouping, Key, LayerErrorKind, LayeredReader, Layers,
};
use flatstream::{AsyncFrameReader, Error, FrameReader, Recovery, SliceReader, StreamWriter};
use flatstream_testkit::alloc::{measure, Counting};
use flatstream_testkit::layered::{read_frames, write, Outcome};
use flatstream_testkit::streams::{drain, payload_of};
use flatstream_testkit::telemetry::{events, Event};
use proptest::prelude::*;

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The largest allocation `f` makes on this thread.
fn largest_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let (out, _, largest) = measure(f);
    (out, largest)
}

/// The readers a layered stream is read back through.
#[derive(Debug, Clone, Copy)]
enum Via {
    /// A `FrameReader`, owned messages.
    Frames,
    /// A `SliceReader`, views then owned copies.
    Slice,
    /// An `AsyncFrameReader`, owned messages.
    Async,
}

impl Via {
    const ALL: [Via; 3] = [Via::Frames, Via::Slice, Via::Async];

    fn read<C: Checksum + Copy>(
        self,
        checksum: C,
        layers: &Layers,
        bytes: &[u8],
        recovery: Recovery,
    ) -> Outcome {
        let deframer = ChecksumDeframer::new(checksum);
        match self {
            Via::Frames => read_frames(checksum, layers, bytes, recovery),
            Via::Slice => {
                let frames = SliceReader::<(), _>::new(bytes, deframer).with_recovery(recovery);
                let mut reader = LayeredReader::<Event, _>::new(frames, layers.clone()).unwrap();
                let (events, err) = drain(|| {
                    reader
                        .read()
                        .map(|view| view.map(<Event as flatstream::DecodeOwned>::from_view))
                });
                (events, reader.layer_stats().clone(), err)
            }
            Via::Async => {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    let frames = AsyncFrameReader::new(bytes, deframer).with_recovery(recovery);
                    let mut reader = flatstream::layered::AsyncLayeredReader::<Event, _, _>::new(
                        frames,
                        layers.clone(),
                    )
                    .unwrap();
                    let mut out = Vec::new();
                    let err = loop {
                        match reader.read_owned().await {
                            Ok(Some(event)) => out.push(event),
                            Ok(None) => break None,
                            Err(err) => break Some(err),
                        }
                    };
                    (out, reader.layer_stats().clone(), err)
                })
            }
        }
    }
}

fn zstd(level: i32) -> Compression {
    Compression::Zstd { level }
}

fn layer_kind(err: &Error) -> &LayerErrorKind {
    match err {
        Error::Layer(layer) => layer.kind(),
        other => panic!("not a layer error: {other:?}"),
    }
}

/// The data frames' payloads (the header frame is read past).
fn payloads<C: Checksum + Copy>(checksum: C, bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut frames = FrameReader::new(bytes, ChecksumDeframer::new(checksum));
    let mut out = Vec::new();
    while let Some(payload) = frames.read_message().unwrap() {
        out.push(payload.to_vec());
    }
    out
}

/// Each data frame's stream offset and length, header included, in a
/// CRC-32 stream (8-byte frame headers) whose header frame comes first.
fn frame_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let lens: Vec<usize> = payloads(Crc32::new(), bytes)
        .iter()
        .map(|p| p.len() + 8)
        .collect();
    let mut start = bytes.len() - lens.iter().sum::<usize>();
    lens.into_iter()
        .map(|len| {
            start += len;
            (start - len, len)
        })
        .collect()
}

#[test]
fn per_frame_zstd_payloads_are_zstd_frames() {
    let sent = events(20);
    let layers = Layers::new().with_compression(zstd(3));
    let bytes = write(Crc32::new(), &layers, &sent);
    let payloads = payloads(Crc32::new(), &bytes);
    assert_eq!(payloads.len(), sent.len());
    for (payload, event) in payloads.iter().zip(&sent) {
        let message = payload_of(event);
        assert_eq!(&payload[..2], &[2, 0], "zstd, one message");
        assert_eq!(&payload[2..6], &(message.len() as u32).to_le_bytes());
        assert_eq!(zstd::decode_all(&payload[6..]).unwrap(), message);
    }
}

/// LZ4 blocks of up to `messages` messages and `kib` KiB.
fn lz4_blocks(messages: usize, kib: usize) -> Layers {
    Layers::new()
        .with_compression(Compression::Lz4)
        .with_grouping(Grouping::block(messages, kib))
}

#[test]
fn lz4_payloads_decode_with_lz4_flex() {
    let sent = events(20);
    let layers = lz4_blocks(8, 64);
    let bytes = write(NoChecksum, &layers, &sent);
    let payloads = payloads(NoChecksum, &bytes);
    assert_eq!(payloads.len(), 3, "blocks of 8, 8 and 4");
    let mut expected = sent.iter();
    for payload in &payloads {
        assert_eq!(&payload[..2], &[1, 1], "lz4, a block");
        let claimed = u32::from_le_bytes(payload[2..6].try_into().unwrap()) as usize;
        let block = lz4_flex::block::decompress(&payload[6..], claimed).unwrap();
        let mut at = 0;
        while at < block.len() {
            let len = u32::from_le_bytes(block[at..at + 4].try_into().unwrap()) as usize;
            assert_eq!(
                block[at + 4..at + 4 + len],
                payload_of(expected.next().unwrap())
            );
            at += 4 + len;
        }
    }
    assert!(expected.next().is_none());
}

#[test]
fn zstd_cli_reads_a_per_frame_payload() {
    // The reference implementation, when installed: the command-line tool.
    let Ok(status) = std::process::Command::new("zstd").arg("--version").output() else {
        eprintln!("zstd CLI not installed: checked with zstd::decode_all only");
        return;
    };
    assert!(status.status.success());
    let sent = events(1);
    let bytes = write(NoChecksum, &Layers::new().with_compression(zstd(1)), &sent);
    let payload = &payloads(NoChecksum, &bytes)[0];
    let mut child = std::process::Command::new("zstd")
        .args(["-d", "-c"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&payload[6..])
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    assert_eq!(output.stdout, payload_of(&sent[0]));
}

#[test]
fn blocks_compress_better_than_frames_and_read_back_everywhere() {
    let sent = events(300);
    let per_frame = Layers::new().with_compression(zstd(3));
    let blocks = per_frame.clone().with_grouping(Grouping::block(100, 64));
    let frame_bytes = write(XxHash64::new(), &per_frame, &sent);
    let block_bytes = write(XxHash64::new(), &blocks, &sent);
    assert!(
        block_bytes.len() * 3 < frame_bytes.len() * 2,
        "{} vs {}",
        block_bytes.len(),
        frame_bytes.len()
    );
    for via in Via::ALL {
        let (got, stats, err) = via.read(XxHash64::new(), &blocks, &block_bytes, Recovery::Strict);
        assert!(err.is_none(), "{err:?}");
        assert_eq!(got, sent);
        assert_eq!((stats.frames, stats.messages), (3, 300));
    }
}

#[test]
fn block_limits_close_blocks() {
    let sent = events(10);
    // 2 KiB blocks: a few events each; the event that reaches the limit
    // closes its block.
    let layers = lz4_blocks(1000, 1);
    let bytes = write(NoChecksum, &layers, &sent);
    let frames = payloads(NoChecksum, &bytes).len();
    let sizes: Vec<usize> = sent.iter().map(|e| payload_of(e).len() + 4).collect();
    let mut expected = 0;
    let mut filled = 0;
    for size in sizes {
        filled += size;
        if filled >= 1024 {
            expected += 1;
            filled = 0;
        }
    }
    expected += usize::from(filled > 0);
    assert_eq!(frames, expected);
    assert_eq!(
        read_frames(NoChecksum, &layers, &bytes, Recovery::Strict).0,
        sent
    );
}

fn dictionary(seed_skip: usize) -> Dictionary {
    let samples: Vec<Vec<u8>> = events(2000 + seed_skip)[seed_skip..]
        .iter()
        .map(payload_of)
        .collect();
    Dictionary::train(&samples, 8 * 1024).unwrap()
}

#[test]
fn dictionary_compresses_small_frames_and_is_named_in_the_stream() {
    let sent = events(200);
    let dict = dictionary(0);
    let plain = Layers::new().with_compression(zstd(3));
    let with_dict = plain.clone().with_dictionary(dict.clone());
    let plain_bytes = write(Crc32::new(), &plain, &sent);
    let dict_bytes = write(Crc32::new(), &with_dict, &sent);
    assert!(
        dict_bytes.len() < plain_bytes.len(),
        "{} vs {}",
        dict_bytes.len(),
        plain_bytes.len()
    );

    let (got, _, err) = read_frames(Crc32::new(), &with_dict, &dict_bytes, Recovery::Strict);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(got, sent);
    let mut frames = FrameReader::new(&dict_bytes[..], ChecksumDeframer::new(Crc32::new()));
    frames.read_message().unwrap();
    let header = frames.header().unwrap();
    assert_eq!(header.dictionary_id, Some(dict.id()));
    assert_eq!(header.compression.as_deref(), Some("zstd"));
    // zstd's own decoder, with the dictionary, reads a payload.
    let payload = &payloads(Crc32::new(), &dict_bytes)[0];
    let mut decoder = zstd::bulk::Decompressor::with_dictionary(dict.as_bytes()).unwrap();
    assert_eq!(
        decoder.decompress(&payload[6..], 1 << 16).unwrap(),
        payload_of(&sent[0])
    );
}

#[test]
fn wrong_dictionary_is_a_typed_error() {
    let sent = events(5);
    let dict = dictionary(0);
    let other = dictionary(3000);
    assert_ne!(dict.id(), other.id());
    let writer_layers = Layers::new()
        .with_compression(zstd(3))
        .with_dictionary(dict.clone());
    let bytes = write(Crc32::new(), &writer_layers, &sent);

    for (reader_dict, reader_id) in [(Some(other.clone()), other.id()), (None, 0)] {
        let mut layers = Layers::new();
        if let Some(d) = reader_dict {
            layers = layers.with_dictionary(d);
        }
        let (got, _, err) = read_frames(Crc32::new(), &layers, &bytes, Recovery::Strict);
        assert!(got.is_empty());
        assert_eq!(
            layer_kind(&err.unwrap()),
            &LayerErrorKind::DictionaryMismatch {
                stream: dict.id(),
                reader: reader_id
            }
        );
    }

    // Without the header, each zstd frame names its dictionary.
    let spans = frame_spans(&bytes);
    let headless = &bytes[spans[0].0..];
    let layers = Layers::new().with_dictionary(other.clone());
    let (_, _, err) = read_frames(Crc32::new(), &layers, headless, Recovery::Strict);
    let err = err.unwrap();
    assert_eq!(err.offset(), Some(0));
    assert_eq!(
        layer_kind(&err),
        &LayerErrorKind::DictionaryMismatch {
            stream: dict.id(),
            reader: other.id()
        }
    );
    assert!(Dictionary::new(vec![1, 2, 3, 4, 5, 6, 7, 8]).is_err());
}

/// A stream of one frame holding `envelope`, without a header.
fn one_frame(envelope: &[u8]) -> Vec<u8> {
    let mut writer = StreamWriter::<[u8], _, _>::new(Vec::new(), DefaultFramer);
    writer.write_payload(envelope).unwrap();
    writer.into_inner()
}

fn envelope(codec: u8, claimed: u32, body: &[u8]) -> Vec<u8> {
    let mut out = vec![codec, 0];
    out.extend_from_slice(&claimed.to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// 1 GiB of zeros, zstd-compressed (a few tens of KiB).
fn zstd_bomb() -> Vec<u8> {
    let mut encoder = zstd::stream::Encoder::new(Vec::new(), 1).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        encoder.write_all(&zeros).unwrap();
    }
    encoder.finish().unwrap()
}

fn read_one(bytes: &[u8], layers: &Layers) -> Result<Option<Vec<u8>>, Error> {
    let frames = FrameReader::new(bytes, DefaultDeframer::new());
    let mut reader = LayeredReader::<(), _>::new(frames, layers.clone()).unwrap();
    reader.read_message().map(|m| m.map(<[u8]>::to_vec))
}

#[test]
fn decompression_bombs_are_refused_before_allocating() {
    let bomb = zstd_bomb();
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    let layers = Layers::new().with_max_decoded_len(1 << 20);
    // zstd (codec 2) and LZ4 (codec 1): what each bomb decodes to, and a
    // claim below it.
    let lz4_bomb = lz4_flex::block::compress(&vec![0u8; 8 << 20]);
    for (codec, bomb, size, lie) in [(2, bomb, 1 << 30, 1000), (1, lz4_bomb, 8 << 20, 100)] {
        // The honest claim: over the limit, refused before any buffer grows.
        let stream = one_frame(&envelope(codec, size, &bomb));
        let (result, largest) = largest_allocation(|| read_one(&stream, &layers));
        let err = result.unwrap_err();
        assert_eq!(
            layer_kind(&err),
            &LayerErrorKind::TooLarge {
                claimed: u64::from(size),
                limit: 1 << 20
            }
        );
        assert_eq!(err.offset(), Some(0));
        assert!(largest < 1 << 20, "{largest}");

        // A lying claim: the output stops at the claim.
        let stream = one_frame(&envelope(codec, lie, &bomb));
        let (result, largest) = largest_allocation(|| read_one(&stream, &layers));
        assert!(matches!(
            layer_kind(&result.unwrap_err()),
            LayerErrorKind::Decompress(_)
        ));
        assert!(largest < 1 << 20, "{largest}");
    }
}

#[test]
fn malformed_envelopes_are_typed_errors() {
    let layers = Layers::new();
    type Expect = fn(&LayerErrorKind) -> bool;
    let cases: [(Vec<u8>, Expect); 5] = [
        (vec![0, 0, 1], |k| matches!(k, LayerErrorKind::Malformed(_))),
        (envelope(9, 3, b"abc"), |k| {
            matches!(k, LayerErrorKind::Malformed(_))
        }),
        (envelope(0, 4, b"abc"), |k| {
            matches!(k, LayerErrorKind::Decompress(_))
        }),
        (envelope(2, 3, b"not zstd"), |k| {
            matches!(k, LayerErrorKind::Decompress(_))
        }),
        // A block whose entry runs past its end.
        (
            {
                let mut e = envelope(0, 8, &[9, 0, 0, 0, 1, 2, 3, 4]);
                e[1] = 1;
                e
            },
            |k| matches!(k, LayerErrorKind::Malformed(_)),
        ),
    ];
    for (envelope, expected) in cases {
        let err = read_one(&one_frame(&envelope), &layers).unwrap_err();
        assert!(expected(layer_kind(&err)), "{envelope:?}: {err}");
        assert_eq!(err.offset(), Some(0));
    }
}

#[test]
fn a_damaged_block_is_skipped_whole_and_its_neighbours_survive() {
    let sent = events(50);
    let layers = Layers::new()
        .with_compression(zstd(1))
        .with_grouping(Grouping::block(10, 64));
    let bytes = write(Crc32::new(), &layers, &sent);
    let spans = frame_spans(&bytes);
    assert_eq!(spans.len(), 5);
    let (start, len) = spans[2];
    let mut damaged = bytes.clone();
    damaged[start + len / 2] ^= 0x10;

    let expected: Vec<Event> = sent[..20].iter().chain(&sent[30..]).cloned().collect();
    for via in Via::ALL {
        let (got, _, err) = via.read(Crc32::new(), &layers, &damaged, Recovery::SkipCorrupted);
        assert!(err.is_none(), "{err:?}");
        assert_eq!(got, expected);
        let (got, _, err) = via.read(Crc32::new(), &layers, &damaged, Recovery::Strict);
        assert_eq!(got, sent[..20]);
        let err = err.unwrap();
        assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err}");
        assert_eq!(err.offset(), Some(start as u64));
    }
    let frames = FrameReader::new(&damaged[..], ChecksumDeframer::new(Crc32::new()))
        .with_recovery(Recovery::SkipCorrupted);
    let mut reader = LayeredReader::<Event, _>::new(frames, layers.clone()).unwrap();
    while reader.read().unwrap().is_some() {}
    assert_eq!(reader.source().stats().skipped_regions, 1);
    assert_eq!(reader.source().stats().skipped_bytes, len as u64);

    // Without a checksum the layer finds the damage: a claimed length
    // over the limit, a block that does not decode.
    let bytes = write(NoChecksum, &layers, &sent);
    let mut offsets = Vec::new();
    let mut frames = FrameReader::new(&bytes[..], DefaultDeframer::new());
    while frames.read_message().unwrap().is_some() {
        offsets.push(frames.position() as usize);
    }
    let third = offsets[1];
    let mut damaged = bytes.clone();
    damaged[third + 4 + 2..third + 4 + 6].copy_from_slice(&u32::MAX.to_le_bytes());
    let (got, stats, err) = read_frames(NoChecksum, &layers, &damaged, Recovery::SkipCorrupted);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(got, expected);
    assert_eq!(stats.skipped_frames, 1);
    let (got, _, err) = read_frames(NoChecksum, &layers, &damaged, Recovery::Strict);
    assert_eq!(got, sent[..20]);
    let err = err.unwrap();
    assert_eq!(err.offset(), Some(third as u64));
    assert!(
        matches!(layer_kind(&err), LayerErrorKind::TooLarge { claimed, .. } if *claimed == u32::MAX as u64)
    );
}

#[test]
fn strict_errors_repeat_until_the_recovery_mode_changes() {
    let sent = events(30);
    let layers = lz4_blocks(10, 64);
    let mut bytes = write(NoChecksum, &layers, &sent);
    let mut frames = FrameReader::new(&bytes[..], DefaultDeframer::new());
    frames.read_message().unwrap();
    let second = frames.position() as usize;
    bytes[second + 4] = 7; // an unknown codec
    let frames = FrameReader::new(&bytes[..], DefaultDeframer::new());
    let mut reader = LayeredReader::<Event, _>::new(frames, layers).unwrap();
    for _ in 0..10 {
        assert!(reader.read().unwrap().is_some());
    }
    for _ in 0..2 {
        let err = reader.read().unwrap_err();
        assert!(matches!(layer_kind(&err), LayerErrorKind::Malformed(_)));
        assert_eq!(err.offset(), Some(second as u64));
    }
    reader.source_mut().set_recovery(Recovery::SkipCorrupted);
    let rest: Vec<Event> = reader.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(rest, sent[20..]);
}

#[test]
fn async_writer_writes_what_readers_read() {
    let sent = events(25);
    let key = Key::from([7u8; 32]);
    let layers = Layers::new()
        .with_compression(zstd(1))
        .with_grouping(Grouping::block(4, 64))
        .with_key(1, key);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let bytes = runtime.block_on(async {
        let mut writer = flatstream::layered::AsyncLayeredWriter::<Event, _, _>::new(
            Vec::new(),
            ChecksumFramer::new(Crc32::new()),
            layers.clone(),
        )
        .await
        .unwrap();
        for event in &sent {
            writer.write(event).await.unwrap();
        }
        writer.finish().await.unwrap()
    });
    let (got, stats, err) = read_frames(Crc32::new(), &layers, &bytes, Recovery::Strict);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(got, sent);
    assert_eq!(stats.frames, 7);
}

/// Every codec, grouping and encryption setting.
fn layer_settings() -> Vec<Layers> {
    let mut out = Vec::new();
    for compression in [Compression::None, Compression::Lz4, zstd(1), zstd(3)] {
        for grouping in [
            Grouping::PerFrame,
            Grouping::block(3, 64),
            Grouping::block(100, 1),
        ] {
            for encrypted in [false, true] {
                let mut layers = Layers::new()
                    .with_compression(compression)
                    .with_grouping(grouping);
                if encrypted {
                    layers = layers.with_key(3, Key::from([0x5a; 32]));
                }
                out.push(layers);
            }
        }
    }
    out
}

fn round_trip<C: Checksum + Copy>(checksum: C, sent: &[Event]) -> Result<(), TestCaseError> {
    for layers in layer_settings() {
        let bytes = write(checksum, &layers, sent);
        for via in Via::ALL {
            let (got, stats, err) = via.read(checksum, &layers, &bytes, Recovery::Strict);
            prop_assert!(err.is_none(), "{:?} {:?}", layers, err);
            prop_assert_eq!(&got, sent, "{:?}", layers);
            prop_assert_eq!(stats.messages, sent.len() as u64);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn every_combination_round_trips(count in 0usize..40, skip in 0usize..200) {
        let sent: Vec<Event> = events(count + skip)[skip..].to_vec();
        round_trip(NoChecksum, &sent)?;
        round_trip(Crc32::new(), &sent)?;
        round_trip(XxHash64::new(), &sent)?;
        round_trip(flatstream::checksum::Crc16::new(), &sent)?;
        round_trip(flatstream::checksum::Crc64::new(), &sent)?;
    }
}
