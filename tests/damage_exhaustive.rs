//! Exhaustive damage over raw frames, in the manner of RocksDB's log
//! tests: truncation at every offset for a range of frame sizes, and every
//! byte of a stream changed by every delta, with every checksum.

mod common;

use std::ops::Range;

use flatstream::checksum::Checksum;
use flatstream::framing::{ChecksumDeframer, ChecksumFramer, Framer};
use flatstream::{Error, Recovery, StreamReader};

/// Frame payload sizes: tiny, around 8-byte boundaries, a page, the read
/// buffer's size, and one larger than any single read.
const SIZES: [usize; 6] = [1, 7, 8, 4095, 65536, 1 << 20];

fn payload(size: usize, seed: usize) -> Vec<u8> {
    (0..size).map(|i| (i * 31 + seed * 17 + 1) as u8).collect()
}

/// Three frames of `size`-byte payloads.
fn stream<C: Checksum + Copy>(checksum: C, size: usize) -> (Vec<u8>, Vec<Vec<u8>>) {
    let payloads: Vec<Vec<u8>> = (0..3).map(|seed| payload(size, seed)).collect();
    let mut bytes = Vec::new();
    for p in &payloads {
        ChecksumFramer::new(checksum)
            .frame_and_write(&mut bytes, p)
            .unwrap();
    }
    (bytes, payloads)
}

/// Reads raw payloads until the end or an error.
fn read_payloads<C: Checksum + Copy>(
    checksum: C,
    bytes: &[u8],
    recovery: Recovery,
) -> (usize, Option<Error>) {
    let mut reader = StreamReader::<(), _, _>::new(bytes, ChecksumDeframer::new(checksum))
        .with_recovery(recovery);
    let mut count = 0;
    loop {
        match reader.read_message() {
            Ok(Some(_)) => count += 1,
            Ok(None) => return (count, None),
            Err(err) => return (count, Some(err)),
        }
    }
}

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

fn truncation<C: Checksum + Copy>(checksum: C) {
    for size in SIZES {
        let (bytes, payloads) = stream(checksum, size);
        let frame_len = bytes.len() / payloads.len();
        for cut in cuts(bytes.len(), frame_len) {
            let whole = cut / frame_len;
            let (count, err) = read_payloads(checksum, &bytes[..cut], Recovery::Strict);
            assert_eq!(count, whole, "size {size} cut {cut}");
            if cut % frame_len == 0 {
                assert!(err.is_none(), "size {size} cut {cut}: {err:?}");
            } else {
                assert!(
                    matches!(err, Some(Error::UnexpectedEof)),
                    "size {size} cut {cut}: {err:?}"
                );
            }
            // Skipping reads the same whole frames and then ends. Resync
            // tries every offset of a torn frame, so checking it at every
            // cut of a large frame would be quadratic: there, every 61st.
            if C::SIZE > 0 && (size <= 8 || (size <= 65536 && cut % 61 == 0)) {
                let (count, err) = read_payloads(checksum, &bytes[..cut], Recovery::SkipCorrupted);
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

/// Every byte of a small stream, changed by every delta 1..=255: strict
/// reading stops at the damaged frame with an error (the frames before it
/// intact), skipping reading keeps the frames outside the damaged one.
fn every_byte_every_delta<C: Checksum + Copy>(checksum: C) {
    let (bytes, payloads) = stream(checksum, 7);
    let frame_len = bytes.len() / payloads.len();
    for at in 0..bytes.len() {
        let frame: Range<usize> = (at / frame_len) * frame_len..(at / frame_len + 1) * frame_len;
        for delta in 1..=255u8 {
            let mut damaged = bytes.clone();
            damaged[at] = damaged[at].wrapping_add(delta);
            let (count, err) = read_payloads(checksum, &damaged, Recovery::Strict);
            let (skipped_count, skip_err) =
                read_payloads(checksum, &damaged, Recovery::SkipCorrupted);
            assert!(skip_err.is_none());
            if C::SIZE == 0 {
                continue; // nothing but the length guards these frames
            }
            assert_eq!(count, frame.start / frame_len, "byte {at} delta {delta}");
            assert!(err.is_some(), "byte {at} delta {delta}");
            assert!(
                skipped_count >= payloads.len() - 1,
                "byte {at} delta {delta}"
            );
        }
    }
}

#[test]
fn every_byte_changed_by_every_delta() {
    for_each_checksum!(|c| { every_byte_every_delta(c) });
}
