//! `SliceReader` reads exactly what `StreamReader` reads, with views that
//! borrow the slice.

use flatstream::checksum::{Crc32, XxHash64};
use flatstream::framing::ChecksumDeframer;
use flatstream::{Recovery, SliceReader};
use flatstream_testkit::for_each_checksum;
use flatstream_testkit::streams::{messages, read_all, read_slice, read_stream, write_stream};

/// Both readers over `bytes` in both recovery modes: the same messages,
/// errors and stats.
fn readers_agree(bytes: &[u8], what: &str) {
    for recovery in [Recovery::Strict, Recovery::SkipCorrupted] {
        let slice = read_slice(Crc32, bytes, recovery);
        let stream = read_stream(Crc32, bytes, recovery);
        assert_eq!(slice.comparable(), stream.comparable(), "{what}");
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
        let slice = read_slice(c, &bytes, Recovery::Strict);
        assert!(slice.error.is_none());
        assert_eq!(slice.texts, sent);
        assert_eq!(slice.stats.bytes, bytes.len() as u64);
        assert_eq!(read_all(c, &bytes[..]).0, slice.texts);
    });
}

#[test]
fn truncation_and_damage_match_the_stream_reader() {
    let sent = messages(5, 30);
    let bytes = write_stream(Crc32, &sent);
    for cut in 0..=bytes.len() {
        readers_agree(&bytes[..cut], &format!("cut {cut}"));
    }
    for at in 0..bytes.len() {
        let mut damaged = bytes.clone();
        damaged[at] ^= 0x5a;
        readers_agree(&damaged, &format!("byte {at}"));
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
