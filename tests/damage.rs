//! Damage inside a stream is detected, never read as data: every flipped
//! bit, every byte changed by every delta, lying length fields, a checksum
//! of another kind, and a frame of another type each end in a typed error
//! (or, in skip mode, a skipped frame) after the intact frames before it.

use flatstream::checksum::{Checksum, Crc16, Crc32, Crc64, NoChecksum, XxHash64};
use flatstream::framing::{ChecksumDeframer, ChecksumFramer, DefaultDeframer, Framer};
use flatstream::{Error, Recovery, StreamReader};
use flatstream_testkit::for_each_checksum;
use flatstream_testkit::streams::*;

/// Flipping any single bit of a frame's checksum or payload is reported as
/// a checksum mismatch at that frame; the frames before it read intact.
fn every_single_bit_flip_detected<C: Checksum + Copy>(checksum: C) {
    let sent = messages(4, 24);
    let bytes = write_stream(checksum, &sent);
    let offsets = frame_offsets::<C>(&sent);
    for (frame, window) in offsets.windows(2).enumerate() {
        let guarded = window[0] + 4..window[1];
        for bit in guarded.start * 8..guarded.end * 8 {
            let (texts, err) = read_all(checksum, &flip_bit(&bytes, bit)[..]);
            assert_eq!(texts, sent[..frame], "bit {bit}");
            match err {
                Some(Error::ChecksumMismatch {
                    offset: Some(offset),
                    ..
                }) => assert_eq!(offset, window[0] as u64),
                other => panic!("bit {bit} of frame {frame}: {other:?}"),
            }
        }
    }
}

#[test]
fn every_bit_flip_in_payload_and_checksum_is_detected() {
    every_single_bit_flip_detected(Crc16);
    every_single_bit_flip_detected(Crc32);
    every_single_bit_flip_detected(Crc64);
    every_single_bit_flip_detected(XxHash64);
}

/// A flip anywhere — length fields included — never yields a message that
/// differs from what was written: the reader returns the original prefix
/// and stops with an error. Without a checksum, whatever comes out is a
/// verified string buffer or a typed error, and nothing panics.
fn no_flip_yields_wrong_data<C: Checksum + Copy>(checksum: C) {
    let sent = messages(4, 24);
    let bytes = write_stream(checksum, &sent);
    for bit in 0..bytes.len() * 8 {
        let (texts, err) = read_all(checksum, &flip_bit(&bytes, bit)[..]);
        if C::SIZE > 0 {
            assert!(sent.starts_with(&texts), "bit {bit} produced {texts:?}");
            assert!(err.is_some(), "bit {bit}: damage went unnoticed");
        }
    }
}

#[test]
fn no_single_bit_flip_yields_wrong_data() {
    for_each_checksum!(|c| { no_flip_yields_wrong_data(c) });
}

#[test]
fn every_byte_value_at_every_offset_never_panics() {
    for_each_checksum!(|c| {
        let sent = messages(3, 16);
        let bytes = write_stream(c, &sent);
        for at in 0..bytes.len() {
            for delta in [1u8, 0x7f, 0x80, 0xff] {
                let mut damaged = bytes.clone();
                damaged[at] = damaged[at].wrapping_add(delta);
                let (texts, _) = read_all(c, &damaged[..]);
                if wire_size(&c) > 0 {
                    assert!(sent.starts_with(&texts), "offset {at} delta {delta}");
                }
            }
        }
    });
}

/// Every byte of a small stream of raw payloads, changed by every delta
/// 1..=255: strict reading stops at the damaged frame with an error (the
/// frames before it intact), skipping reading keeps the frames outside the
/// damaged one.
fn every_byte_every_delta<C: Checksum + Copy>(checksum: C) {
    let (bytes, frame_len) = raw_stream(checksum, 7);
    for at in 0..bytes.len() {
        for delta in 1..=255u8 {
            let mut damaged = bytes.clone();
            damaged[at] = damaged[at].wrapping_add(delta);
            let (count, err) = count_payloads(checksum, &damaged, Recovery::Strict);
            let (skipped_count, skip_err) =
                count_payloads(checksum, &damaged, Recovery::SkipCorrupted);
            assert!(skip_err.is_none());
            if C::SIZE == 0 {
                continue; // nothing but the length guards these frames
            }
            assert_eq!(count, at / frame_len, "byte {at} delta {delta}");
            assert!(err.is_some(), "byte {at} delta {delta}");
            assert!(skipped_count >= 2, "byte {at} delta {delta}");
        }
    }
}

#[test]
fn every_byte_changed_by_every_delta() {
    for_each_checksum!(|c| { every_byte_every_delta(c) });
}

#[test]
fn checksum_mismatch_reports_both_values() {
    let bytes = write_stream(Crc32, &["payload".to_owned()]);
    let damaged = flip_bit(&bytes, bytes.len() * 8 - 2);
    let stored = u32::from_le_bytes(bytes[4..8].try_into().unwrap());
    let actual = Crc32.calculate(&damaged[8..]);
    let (_, err) = read_all(Crc32, &damaged[..]);
    let Some(
        err @ Error::ChecksumMismatch {
            expected,
            calculated,
            offset,
        },
    ) = err
    else {
        panic!("{err:?}");
    };
    assert_eq!(expected, u64::from(stored));
    assert_eq!(calculated, actual);
    assert_eq!(offset, Some(0));
    assert!(err.to_string().contains(&format!("{expected:#x}")));
}

#[test]
fn mixed_checksum_types_are_refused() {
    let sent = messages(3, 30);
    // Written with XXH3, read with CRC-32: the header is misparsed and the
    // reader must error out rather than yield any message.
    let bytes = write_stream(XxHash64, &sent);
    let (texts, err) = read_all(Crc32, &bytes[..]);
    assert!(texts.is_empty());
    assert!(err.is_some());
    // Written with CRC-32, read with CRC-64 and with CRC-16.
    let bytes = write_stream(Crc32, &sent);
    assert!(read_all(Crc64, &bytes[..]).1.is_some());
    assert!(read_all(Crc16, &bytes[..]).1.is_some());
    // Written with a checksum, read without one: the checksum bytes become
    // part of the payload, which fails verification or framing.
    let (texts, err) = read_all(NoChecksum, &bytes[..]);
    assert!(texts.is_empty(), "{texts:?}");
    assert!(err.is_some());
    // Written without one, read with one.
    let bytes = write_stream(NoChecksum, &sent);
    assert!(read_all(XxHash64, &bytes[..]).1.is_some());
}

#[test]
fn four_gib_length_is_refused() {
    for_each_checksum!(|c| {
        let mut bytes = write_stream(c, &["ok".to_owned()]);
        let start = bytes.len();
        bytes.extend_from_slice(&u32::MAX.to_le_bytes());
        bytes.extend_from_slice(&[0u8; 8][..wire_size(&c)]);
        bytes.extend_from_slice(b"a few payload bytes");
        let (texts, err) = read_all(c, &bytes[..]);
        assert_eq!(texts, ["ok"]);
        match err {
            Some(Error::InvalidFrame {
                message,
                offset: Some(offset),
            }) => {
                assert_eq!(offset, start as u64);
                assert!(message.contains(&u32::MAX.to_string()), "{message}");
                assert!(message.contains(&(16u32 << 20).to_string()), "{message}");
            }
            other => panic!("{other:?}"),
        }
    });
}

#[test]
fn zero_length_frame_is_invalid() {
    let mut bytes = write_stream(Crc32, &["first".to_owned()]);
    bytes.extend_from_slice(&[0u8; 64]); // a zeroed tail, as after a crash
    let (texts, err) = read_all(Crc32, &bytes[..]);
    assert_eq!(texts, ["first"]);
    assert!(matches!(err, Some(Error::InvalidFrame { .. })), "{err:?}");
    let (texts, err) = read_all(NoChecksum, &[0u8; 4][..]);
    assert!(texts.is_empty());
    assert!(matches!(err, Some(Error::InvalidFrame { .. })));
}

#[test]
fn limit_is_configurable_per_deframer() {
    let sent = vec!["x".repeat(1000)];
    let bytes = write_stream(XxHash64, &sent);
    let mut reader = StreamReader::<String, _, _>::new(
        &bytes[..],
        ChecksumDeframer::new(XxHash64).with_max_frame_len(100),
    );
    let err = reader.read().unwrap_err();
    assert!(
        err.to_string().contains("exceeds the limit of 100 bytes"),
        "{err}"
    );
    let plain = write_stream(NoChecksum, &sent);
    let mut reader = StreamReader::<String, _, _>::new(
        &plain[..],
        DefaultDeframer::new().with_max_frame_len(100),
    );
    assert!(matches!(reader.read(), Err(Error::InvalidFrame { .. })));
}

#[test]
fn valid_frame_with_wrong_payload_type_fails_verification() {
    // A well-framed payload that is not a string buffer: its root offset
    // points past the end.
    let mut bytes = Vec::new();
    ChecksumFramer::new(XxHash64)
        .frame_and_write(&mut bytes, &[0x10, 0, 0, 0, 1, 2, 3, 4])
        .unwrap();
    let (texts, err) = read_all(XxHash64, &bytes[..]);
    assert!(texts.is_empty());
    let Some(Error::Verification(err)) = err else {
        panic!("{err:?}");
    };
    assert_eq!(
        err.to_string(),
        "string: string length at byte 16 (4 bytes) ends past the end of the 8-byte buffer"
    );
}
