//! A stream cut anywhere, as a crash leaves it: readers return exactly the
//! frames wholly before the cut, then a clean end (on a boundary) or
//! `UnexpectedEof`; skip mode counts the torn frame as skipped; appending
//! cuts the torn tail and continues after the last intact frame.

use flatstream::checksum::{Checksum, Crc32, XxHash64};
use flatstream::framing::{ChecksumDeframer, ChecksumFramer, DefaultDeframer, DefaultFramer};
use flatstream::{Error, Recovery, StreamReader, StreamWriter};
use flatstream_testkit::for_each_checksum;
use flatstream_testkit::streams::*;

/// Truncating a stream of string messages anywhere yields exactly the
/// frames wholly before the cut, then a clean end or `UnexpectedEof`.
fn truncation_at_every_offset<C: Checksum + Copy>(checksum: C) {
    let sent = messages(6, 40);
    let bytes = write_stream(checksum, &sent);
    let offsets = frame_offsets::<C>(&sent);
    assert_eq!(*offsets.last().unwrap(), bytes.len());
    for cut in 0..=bytes.len() {
        let (texts, err) = read_all(checksum, &bytes[..cut]);
        let whole_frames = offsets.iter().filter(|&&o| o <= cut).count() - 1;
        assert_eq!(texts, sent[..whole_frames], "cut at {cut}");
        if offsets.contains(&cut) {
            assert!(err.is_none(), "cut at boundary {cut}: {err:?}");
        } else {
            assert!(
                matches!(err, Some(Error::UnexpectedEof)),
                "cut at {cut}: {err:?}"
            );
        }
    }
}

#[test]
fn truncation_at_every_byte_offset() {
    for_each_checksum!(|c| { truncation_at_every_offset(c) });
}

/// Frame payload sizes: tiny, around 8-byte boundaries, a page, the read
/// buffer's size, and one larger than any single read.
const SIZES: [usize; 6] = [1, 7, 8, 4095, 65536, 1 << 20];

/// The offsets to cut at: all of them for streams up to 4 KiB frames; for
/// larger ones every offset within 64 bytes of a frame boundary (headers
/// included) and a stride through the payloads (every 97th offset of the
/// 64 KiB frames, every 4099th of the 1 MiB ones), since reading each cut
/// costs as much as the bytes before it.
fn cuts(len: usize, frame_len: usize) -> Vec<usize> {
    if len <= 3 * (4095 + 12) {
        return (0..=len).collect();
    }
    let stride = if frame_len > 100_000 { 4099 } else { 97 };
    let near_boundary = |cut: usize| {
        let into = cut % frame_len;
        into <= 64 || frame_len - into <= 64
    };
    (0..=len)
        .filter(|&cut| near_boundary(cut) || cut % stride == 0)
        .collect()
}

/// The same over raw payloads of every size in `SIZES`, in both recovery
/// modes: skipping reads the same whole frames and then ends.
fn truncation<C: Checksum + Copy>(checksum: C) {
    for size in SIZES {
        let (bytes, frame_len) = raw_stream(checksum, size);
        for cut in cuts(bytes.len(), frame_len) {
            let whole = cut / frame_len;
            let (count, err) = count_payloads(checksum, &bytes[..cut], Recovery::Strict);
            assert_eq!(count, whole, "size {size} cut {cut}");
            if cut % frame_len == 0 {
                assert!(err.is_none(), "size {size} cut {cut}: {err:?}");
            } else {
                assert!(
                    matches!(err, Some(Error::UnexpectedEof)),
                    "size {size} cut {cut}: {err:?}"
                );
            }
            // Resync tries every offset of a torn frame, so checking it at
            // every cut of a large frame would be quadratic: there, every
            // 61st.
            if C::SIZE > 0 && (size <= 8 || (size <= 65536 && cut % 61 == 0)) {
                let (count, err) = count_payloads(checksum, &bytes[..cut], Recovery::SkipCorrupted);
                assert_eq!(count, whole, "skip, size {size} cut {cut}");
                assert!(err.is_none());
            }
        }
    }
}

#[test]
fn truncation_at_every_offset_for_every_frame_size() {
    for_each_checksum!(|c| { truncation(c) });
}

#[test]
fn skip_mode_treats_a_torn_tail_as_a_skipped_region() {
    let sent = messages(4, 30);
    let bytes = write_stream(XxHash64, &sent);
    let torn = &bytes[..bytes.len() - 7];
    let (texts, stats) = read_skipping(XxHash64, torn);
    assert_eq!(texts, sent[..3]);
    assert_eq!(stats.skipped_regions, 1);
    let last_frame = bytes.len() - write_stream(XxHash64, &sent[3..]).len();
    assert_eq!(stats.skipped_bytes, (torn.len() - last_frame) as u64);
}

#[test]
fn append_truncates_a_torn_tail_and_continues() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.bin");
    let sent = messages(10, 50);
    for_each_checksum!(|c| {
        let intact = write_stream(c, &sent);
        let one_frame = write_stream(c, &sent[..1]);
        let torn_frame = &one_frame[..one_frame.len() - 1];
        // Without a checksum a torn frame can hide a plausible-looking
        // shorter one, so only tails that no length field can explain are
        // certain to be cut.
        let tails: &[&[u8]] = if wire_size(&c) > 0 {
            &[&[1u8, 0][..], &[0u8; 100], torn_frame, &[]]
        } else {
            &[&[1u8, 0][..], &[0u8; 100], &[]]
        };
        for &tail in tails {
            let mut file = intact.clone();
            file.extend_from_slice(tail);
            std::fs::write(&path, &file).unwrap();

            let (mut writer, report) = StreamWriter::<String, _, _>::append(
                &path,
                ChecksumFramer::new(c),
                ChecksumDeframer::new(c),
            )
            .unwrap();
            assert_eq!(report.frames, sent.len() as u64);
            assert_eq!(report.kept_bytes, intact.len() as u64);
            assert_eq!(report.truncated_bytes, tail.len() as u64);
            assert_eq!(report.damaged_regions, 0);
            writer.write(&"appended".to_owned()).unwrap();
            writer.sync().unwrap();
            drop(writer);

            let bytes = std::fs::read(&path).unwrap();
            let (texts, err) = read_all(c, &bytes[..]);
            assert!(err.is_none(), "{err:?}");
            assert_eq!(texts.len(), sent.len() + 1);
            assert_eq!(texts.last().unwrap(), "appended");
        }
    });
}

#[test]
fn append_keeps_intact_frames_after_damage_in_the_middle() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.bin");
    let sent = messages(6, 30);
    let mut bytes = write_stream(Crc32, &sent);
    bytes[20] ^= 0xff; // inside the first frame
    std::fs::write(&path, &bytes).unwrap();
    let (writer, report) = StreamWriter::<String, _, _>::append(
        &path,
        ChecksumFramer::new(Crc32),
        ChecksumDeframer::new(Crc32),
    )
    .unwrap();
    drop(writer);
    assert_eq!(report.frames, 5);
    assert_eq!(report.damaged_regions, 1);
    assert_eq!(report.truncated_bytes, 0);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "nothing before the end is touched"
    );
}

#[test]
fn append_creates_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.bin");
    let (mut writer, report) =
        StreamWriter::<str, _, _>::append(&path, DefaultFramer, DefaultDeframer::new()).unwrap();
    assert_eq!(report, Default::default());
    writer.write("hello").unwrap();
    writer.sync().unwrap();
    drop(writer);
    let bytes = std::fs::read(&path).unwrap();
    let mut reader = StreamReader::<String, _, _>::new(&bytes[..], DefaultDeframer::new());
    assert_eq!(reader.read().unwrap(), Some("hello"));
}
