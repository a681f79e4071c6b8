//! Writing and reading streams of string messages end to end, with every
//! checksum, in memory and through files.

use std::fs::File;
use std::io::{BufReader, BufWriter, Cursor, Seek, SeekFrom};

use flatstream::checksum::{Checksum, Crc16, Crc32, Crc64, NoChecksum, XxHash64};
use flatstream::framing::{
    ChecksumDeframer, ChecksumFramer, DefaultDeframer, DefaultFramer, Deframer, Framer,
};
use flatstream::{Error, StreamReader, StreamWriter};
use flatstream_testkit::for_each_checksum;
use flatstream_testkit::streams::{messages, read_all, write_stream, Trickle};

fn round_trip_with<C: Checksum + Copy>(checksum: C) {
    let sent = messages(150, 300);
    let bytes = write_stream(checksum, &sent);
    let (received, err) = read_all(checksum, &bytes[..]);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(received, sent);
}

#[test]
fn round_trip_every_checksum() {
    for_each_checksum!(|c| { round_trip_with(c) });
}

#[test]
fn default_framer_matches_no_checksum_framer() {
    let sent = messages(20, 50);
    let mut writer = StreamWriter::new(Vec::new(), DefaultFramer);
    writer.write_batch(&sent).unwrap();
    assert_eq!(writer.into_inner(), write_stream(NoChecksum, &sent));
}

#[test]
fn frame_layout_is_length_checksum_payload() {
    let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(XxHash64::new()));
    writer.write(&"hi").unwrap();
    let bytes = writer.into_inner();
    let len = u32::from_le_bytes(bytes[..4].try_into().unwrap()) as usize;
    assert_eq!(bytes.len(), 4 + 8 + len);
    let payload = &bytes[12..];
    let stored = u64::from_le_bytes(bytes[4..12].try_into().unwrap());
    assert_eq!(stored, XxHash64.calculate(payload));
    // The payload is a plain FlatBuffer whose root is the string.
    assert_eq!(flatbuffers::root::<&str>(payload).unwrap(), "hi");
}

#[test]
fn views_point_into_the_payload() {
    let bytes = write_stream(Crc32, &["zero copy".to_owned()]);
    let mut reader = StreamReader::<String, _, _>::new(&bytes[..], ChecksumDeframer::new(Crc32));
    let raw = reader.read_message().unwrap().unwrap();
    let range = raw.as_ptr_range();
    let view = <String as flatstream::StreamDeserialize>::view(raw).unwrap();
    assert_eq!(view, "zero copy");
    assert!(range.contains(&view.as_ptr()));
}

#[test]
fn iterator_decodes_owned_values() {
    let sent = messages(120, 64);
    let bytes = write_stream(Crc64, &sent);
    let reader = StreamReader::<String, _, _>::new(&bytes[..], ChecksumDeframer::new(Crc64));
    let received: Vec<String> = reader.collect::<Result<_, _>>().unwrap();
    assert_eq!(received, sent);
}

#[test]
fn read_message_returns_raw_payloads() {
    let sent = messages(10, 20);
    let bytes = write_stream(Crc16, &sent);
    let mut reader = StreamReader::<String, _, _>::new(&bytes[..], ChecksumDeframer::new(Crc16));
    let mut count = 0;
    while let Some(payload) = reader.read_message().unwrap() {
        assert_eq!(flatbuffers::root::<&str>(payload).unwrap(), sent[count]);
        count += 1;
    }
    assert_eq!(count, sent.len());
    assert_eq!(reader.stats().frames, sent.len() as u64);
    assert_eq!(reader.stats().bytes, bytes.len() as u64);
}

#[test]
fn file_round_trip_through_buffered_io() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.bin");
    let sent = messages(500, 200);

    let file = File::create(&path).unwrap();
    let mut writer = StreamWriter::new(BufWriter::new(file), ChecksumFramer::new(XxHash64::new()));
    for message in &sent {
        writer.write(message).unwrap();
    }
    writer.flush().unwrap();
    let written = writer.bytes_written();
    drop(writer.into_inner());
    assert_eq!(std::fs::metadata(&path).unwrap().len(), written);

    let file = File::open(&path).unwrap();
    let mut reader = StreamReader::<String, _, _>::new(
        BufReader::new(file),
        ChecksumDeframer::new(XxHash64::new()),
    );
    let mut index = 0;
    while let Some(view) = reader.read().unwrap() {
        assert_eq!(view, sent[index]);
        index += 1;
    }
    assert_eq!(index, sent.len());
}

#[test]
fn reader_and_writer_give_back_their_parts() {
    let mut writer = StreamWriter::new(Cursor::new(Vec::new()), DefaultFramer);
    writer.write(&"one").unwrap();
    assert_eq!(writer.get_ref().position(), writer.bytes_written());
    writer.get_mut().seek(SeekFrom::Start(0)).unwrap();
    let cursor = writer.into_inner();

    let mut reader = StreamReader::<String, _, _>::new(cursor, DefaultDeframer::new());
    assert_eq!(reader.read().unwrap(), Some("one"));
    assert_eq!(reader.get_ref().position(), reader.position());
    reader.get_mut().seek(SeekFrom::Start(0)).unwrap();
    let cursor = reader.into_inner();
    assert_eq!(cursor.position(), 0);
}

#[test]
fn empty_stream_is_a_clean_end() {
    for_each_checksum!(|c| {
        let (texts, err) = read_all(c, &[][..]);
        assert!(texts.is_empty());
        assert!(err.is_none());
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.bin");
    File::create(&path).unwrap();
    let reader =
        StreamReader::<String, _, _>::new(File::open(&path).unwrap(), DefaultDeframer::new());
    assert_eq!(reader.count(), 0);
}

#[test]
fn partial_file_is_unexpected_eof_after_intact_frames() {
    let sent = messages(5, 40);
    let bytes = write_stream(Crc32, &sent);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("partial.bin");
    std::fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
    let (texts, err) = read_all(Crc32, BufReader::new(File::open(&path).unwrap()));
    assert_eq!(texts, sent[..4]);
    assert!(matches!(err, Some(Error::UnexpectedEof)), "{err:?}");
}

#[test]
fn one_byte_reads_give_identical_results() {
    for_each_checksum!(|c| {
        let sent = messages(60, 100);
        let bytes = write_stream(c, &sent);
        let whole = read_all(c, &bytes[..]);
        for interrupt in [false, true] {
            for chunk in [1, 3, 7] {
                let trickled = read_all(c, Trickle::new(&bytes, chunk, interrupt));
                assert_eq!(trickled.0, whole.0);
                assert!(trickled.1.is_none());
            }
        }
        // The same holds for a torn stream: identical messages, same error.
        let torn = &bytes[..bytes.len() - 5];
        let expected = read_all(c, torn);
        let trickled = read_all(c, Trickle::new(torn, 1, true));
        assert_eq!(trickled.0, expected.0);
        assert!(matches!(trickled.1, Some(Error::UnexpectedEof)));
        assert!(matches!(expected.1, Some(Error::UnexpectedEof)));
    });
}

#[test]
fn large_messages_round_trip() {
    let big = vec!["x".repeat(3 << 20), "y".repeat(300_000), "z".to_owned()];
    for_each_checksum!(|c| {
        let bytes = write_stream(c, &big);
        let (texts, err) = read_all(c, &bytes[..]);
        assert!(err.is_none());
        assert_eq!(texts, big);
    });
}

#[test]
fn write_batch_equals_repeated_write() {
    let sent = messages(30, 30);
    let mut one_by_one = StreamWriter::new(Vec::new(), ChecksumFramer::new(Crc32));
    for message in &sent {
        one_by_one.write(message).unwrap();
    }
    assert_eq!(one_by_one.into_inner(), write_stream(Crc32, &sent));
}

#[test]
fn str_and_string_writers_interoperate() {
    let mut writer = StreamWriter::<str, _, _>::new(Vec::new(), DefaultFramer);
    writer.write("unsized").unwrap();
    let mut borrowed = StreamWriter::new(writer.into_inner(), DefaultFramer);
    borrowed.write(&"borrowed").unwrap();
    let bytes = borrowed.into_inner();
    let texts: Vec<String> = StreamReader::<String, _, _>::new(&bytes[..], DefaultDeframer::new())
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(texts, ["unsized", "borrowed"]);
}

#[test]
fn framers_and_deframers_are_clone_and_default() {
    fn assert_traits<T: Clone + Default>() {}
    assert_traits::<DefaultFramer>();
    assert_traits::<DefaultDeframer>();
    assert_traits::<ChecksumFramer<XxHash64>>();
    assert_traits::<ChecksumDeframer<Crc16>>();
    let deframer = ChecksumDeframer::new(Crc64::new()).with_max_frame_len(10);
    assert_eq!(deframer.clone().max_frame_len(), 10);
    assert_eq!(DefaultDeframer::default().max_frame_len(), 16 * 1024 * 1024);
    // Framers can be used directly too.
    let mut out = Vec::new();
    ChecksumFramer::new(Crc64)
        .frame_and_write(&mut out, b"abc")
        .unwrap();
    let mut buf = Vec::new();
    assert!(ChecksumDeframer::new(Crc64)
        .read_and_deframe(&mut &out[..], &mut buf)
        .unwrap()
        .is_some());
    assert_eq!(buf, b"abc");
}

#[test]
fn verifier_options_apply_to_every_read() {
    let bytes = write_stream(
        Crc32,
        &["a longer message than the limit allows".to_owned()],
    );
    let tight = flatstream::VerifierOptions {
        max_apparent_size: 16,
        ..Default::default()
    };
    let mut reader = StreamReader::<String, _, _>::new(&bytes[..], ChecksumDeframer::new(Crc32))
        .with_verifier_options(tight.clone());
    let too_large = |result: flatstream::Result<Option<&str>>| match result {
        Err(Error::Verification(err)) => {
            assert_eq!(
                err.kind(),
                &flatstream::VerifyErrorKind::TooLarge {
                    max_apparent_size: 16
                }
            );
        }
        other => panic!("limit not applied: {other:?}"),
    };
    too_large(reader.read());
    let mut slice = flatstream::SliceReader::<String, _>::new(&bytes, ChecksumDeframer::new(Crc32))
        .with_verifier_options(tight);
    too_large(slice.read());
    // The defaults accept it.
    let mut reader = StreamReader::<String, _, _>::new(&bytes[..], ChecksumDeframer::new(Crc32));
    assert!(reader.read().unwrap().is_some());
}
