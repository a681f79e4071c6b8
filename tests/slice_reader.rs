//! `SliceReader` reads exactly what `StreamReader` reads, with views that
//! borrow the slice.

mod common;

use common::{messages, read_all, write_stream};
use flatstream::checksum::{Checksum, Crc32, XxHash64};
use flatstream::framing::ChecksumDeframer;
use flatstream::{Error, ReadStats, Recovery, SliceReader, StreamReader};

fn slice_read_all<C: Checksum + Copy>(
    checksum: C,
    bytes: &[u8],
    recovery: Recovery,
) -> (Vec<String>, Option<Error>, ReadStats) {
    let mut reader = SliceReader::<String, _>::new(bytes, ChecksumDeframer::new(checksum))
        .with_recovery(recovery);
    let mut texts = Vec::new();
    loop {
        match reader.read() {
            Ok(Some(text)) => texts.push(text.to_owned()),
            Ok(None) => return (texts, None, reader.stats().clone()),
            Err(err) => return (texts, Some(err), reader.stats().clone()),
        }
    }
}

fn stream_read_all<C: Checksum + Copy>(
    checksum: C,
    bytes: &[u8],
    recovery: Recovery,
) -> (Vec<String>, Option<Error>, ReadStats) {
    let mut reader = StreamReader::<String, _, _>::new(bytes, ChecksumDeframer::new(checksum))
        .with_recovery(recovery);
    let mut texts = Vec::new();
    loop {
        match reader.read() {
            Ok(Some(text)) => texts.push(text.to_owned()),
            Ok(None) => return (texts, None, reader.stats().clone()),
            Err(err) => return (texts, Some(err), reader.stats().clone()),
        }
    }
}

#[test]
fn views_outlive_the_iteration_step() {
    let sent = messages(50, 40);
    let bytes = write_stream(XxHash64, &sent);
    let views: Vec<&str> = SliceReader::<String, _>::new(&bytes, ChecksumDeframer::new(XxHash64))
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(views, sent);
    let range = bytes.as_ptr_range();
    assert!(
        views.iter().all(|v| range.contains(&v.as_ptr())),
        "views point into the slice"
    );
}

#[test]
fn every_checksum_reads_like_the_stream_reader() {
    for_each_checksum!(|c| {
        let sent = messages(80, 100);
        let bytes = write_stream(c, &sent);
        let (texts, err, stats) = slice_read_all(c, &bytes, Recovery::Strict);
        assert!(err.is_none());
        assert_eq!(texts, sent);
        assert_eq!(stats.bytes, bytes.len() as u64);
        assert_eq!(read_all(c, &bytes[..]).0, texts);
    });
}

#[test]
fn truncation_and_damage_match_the_stream_reader() {
    let sent = messages(5, 30);
    let bytes = write_stream(Crc32, &sent);
    for cut in 0..=bytes.len() {
        for recovery in [Recovery::Strict, Recovery::SkipCorrupted] {
            let slice = slice_read_all(Crc32, &bytes[..cut], recovery);
            let stream = stream_read_all(Crc32, &bytes[..cut], recovery);
            assert_eq!(slice.0, stream.0, "cut {cut}");
            assert_eq!(
                slice.1.map(|e| e.to_string()),
                stream.1.map(|e| e.to_string()),
                "cut {cut}"
            );
            assert_eq!(slice.2, stream.2, "cut {cut}");
        }
    }
    for at in 0..bytes.len() {
        let mut damaged = bytes.clone();
        damaged[at] ^= 0x5a;
        for recovery in [Recovery::Strict, Recovery::SkipCorrupted] {
            let slice = slice_read_all(Crc32, &damaged, recovery);
            let stream = stream_read_all(Crc32, &damaged, recovery);
            assert_eq!(slice.0, stream.0, "byte {at}");
            assert_eq!(
                slice.1.map(|e| e.to_string()),
                stream.1.map(|e| e.to_string()),
                "byte {at}"
            );
            assert_eq!(slice.2, stream.2, "byte {at}");
        }
    }
}

#[test]
fn raw_messages_borrow_the_slice() {
    let bytes = write_stream(Crc32, &["raw".to_owned()]);
    let mut reader = SliceReader::<(), _>::new(&bytes, ChecksumDeframer::new(Crc32));
    let payload = reader.read_message().unwrap().unwrap();
    assert_eq!(payload, &bytes[8..]);
    assert!(reader.read_message().unwrap().is_none());
    assert!(reader.remaining().is_empty());
    assert_eq!(reader.position(), bytes.len() as u64);
}
