//! The skip-mode scan does work linear in the bytes it scans whatever they
//! claim: crafted length patterns and a stream read with the wrong
//! checksum are skipped with bounded hashing, and on honest damage the
//! readers give exactly what a scan checking every offset gives.

use std::cell::Cell;
use std::io::Read;
use std::sync::{Arc, Mutex};

use flatstream::checksum::{Checksum, Crc16, Crc32, Crc64, NoChecksum, XxHash64};
use flatstream::framing::{
    ChecksumDeframer, Deframer, FrameClaim, FrameStatus, DEFAULT_MAX_FRAME_LEN,
};
use flatstream::{FrameReader, ReadStats, Recovery, SliceReader, StreamDeserialize, StreamReader};
use flatstream_testkit::recovery::{
    intact_stream, pattern, random_bytes, scan_every_offset, worst_pattern,
};
use flatstream_testkit::streams::{frames_of, messages, Trickle};
use flatstream_testkit::Rng;
use proptest::prelude::*;

thread_local! {
    /// Payload bytes hashed by [`Counting`] checksums on this thread.
    static HASHED: Cell<u64> = const { Cell::new(0) };
}

/// A checksum that counts the bytes it hashes, around a real one.
#[derive(Debug, Clone, Copy, Default)]
struct Counting<C>(C);

impl<C: Checksum> Checksum for Counting<C> {
    const SIZE: usize = C::SIZE;

    fn calculate(&self, payload: &[u8]) -> u64 {
        HASHED.with(|hashed| hashed.set(hashed.get() + payload.len() as u64));
        self.0.calculate(payload)
    }
}

/// Runs `read` and returns the payload bytes it hashed.
fn hashed_by(read: impl FnOnce()) -> u64 {
    HASHED.with(|hashed| hashed.set(0));
    read();
    HASHED.with(Cell::get)
}

/// A user's deframer that only knows how to decode: it does not say what
/// a header claims, so the scan learns it by decoding short prefixes.
#[derive(Debug, Clone, Copy)]
struct Opaque<D>(D);

impl<D: Deframer> Deframer for Opaque<D> {
    fn read_and_deframe<R: Read>(
        &self,
        reader: &mut R,
        buffer: &mut Vec<u8>,
    ) -> flatstream::Result<Option<()>> {
        self.0.read_and_deframe(reader, buffer)
    }

    fn decode_frame(&self, bytes: &[u8]) -> flatstream::Result<FrameStatus> {
        self.0.decode_frame(bytes)
    }
}

/// The most a budgeted scan of `n` bytes may hash: both pools full at
/// the start (2 × 32 MiB), 4 bytes per byte scanned into each, and the
/// frames of at most 64 bytes it checks free, at most one per 4 offsets
/// (a claim under 64 needs three zero bytes after its first).
fn work_bound(n: usize) -> u64 {
    let n = n as u64;
    2 * (2 * DEFAULT_MAX_FRAME_LEN as u64 + 4 * n) + 16 * n
}

/// What the scan that checked every offset would hash over `bytes` at
/// EOF: every claim within the limit that fits.
fn claimed_work(bytes: &[u8], header: usize) -> u64 {
    (0..bytes.len().saturating_sub(header))
        .map(|at| {
            let len = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
            let fits = len > 0 && len <= DEFAULT_MAX_FRAME_LEN && at + header + len <= bytes.len();
            if fits {
                len as u64
            } else {
                0
            }
        })
        .sum()
}

/// Reads `bytes` raw in skip mode from `source`, which must reach the
/// end; returns the payloads read and the counters.
fn read_raw<R: Read, D: Deframer>(source: R, deframer: D) -> (usize, ReadStats) {
    let mut reader = FrameReader::new(source, deframer).with_recovery(Recovery::SkipCorrupted);
    let mut payloads = 0;
    while reader
        .read_message()
        .expect("skip mode reads to the end")
        .is_some()
    {
        payloads += 1;
    }
    (payloads, reader.stats().clone())
}

/// `bytes`, which hold no intact frame, are skipped whole in one region,
/// with at most [`work_bound`] bytes hashed, far less than the claims.
fn skipped_with_bounded_work<D: Deframer + Copy>(bytes: &[u8], deframer: D, header: usize) {
    for chunk in [usize::MAX, 4096] {
        let mut outcome = None;
        let hashed =
            hashed_by(|| outcome = Some(read_raw(Trickle::new(bytes, chunk, false), deframer)));
        let (payloads, stats) = outcome.unwrap();
        assert_eq!(payloads, 0);
        assert_eq!(
            (stats.skipped_regions, stats.skipped_bytes),
            (1, bytes.len() as u64)
        );
        assert_eq!(stats.bytes, bytes.len() as u64);
        assert!(
            stats.unchecked_frames > 0,
            "the budget was spent: {stats:?}"
        );
        let claimed = claimed_work(bytes, header);
        assert!(
            hashed <= work_bound(bytes.len()) && hashed * 10 < claimed,
            "hashed {hashed} bytes over {} (chunks of {chunk}); every offset would hash {claimed}",
            bytes.len()
        );
    }
}

#[test]
fn crafted_patterns_are_skipped_with_bounded_work() {
    let len = 2 << 20;
    let crafted = [
        pattern(&[0, 0, 0x40, 0], len),
        pattern(&[0, 0, 0x10, 0], len),
        worst_pattern::<XxHash64>(len),
    ];
    for bytes in &crafted {
        skipped_with_bounded_work(bytes, ChecksumDeframer::new(Counting(XxHash64)), 12);
        skipped_with_bounded_work(bytes, ChecksumDeframer::new(Counting(Crc32)), 8);
        skipped_with_bounded_work(bytes, Opaque(ChecksumDeframer::new(Counting(Crc16))), 6);
    }
}

#[test]
fn a_crafted_region_costs_its_length_not_its_claims_between_intact_frames() {
    let sent = messages(200, 150);
    let frames = frames_of(XxHash64, &sent);
    let crafted = pattern(&[0, 0, 0x40, 0], 1 << 20);
    let mut bytes = Vec::new();
    for frame in &frames[..100] {
        bytes.extend_from_slice(frame);
    }
    bytes.extend_from_slice(&crafted);
    for frame in &frames[100..] {
        bytes.extend_from_slice(frame);
    }
    let mut reader = StreamReader::<String, _, _>::new(&bytes[..], ChecksumDeframer::new(XxHash64))
        .with_recovery(Recovery::SkipCorrupted);
    let mut texts = Vec::new();
    while let Some(text) = reader.read().unwrap() {
        texts.push(text.to_owned());
    }
    // The pattern's last claims reach into the frames after it, yet none
    // is intact: every frame comes back, and exactly the pattern is skipped.
    assert_eq!(texts, sent);
    let stats = reader.stats();
    assert_eq!(stats.skipped_bytes, crafted.len() as u64);
    assert_eq!(stats.skipped_regions, 1);
}

#[test]
fn random_bytes_are_skipped_with_bounded_work() {
    let bytes = random_bytes(1 << 20, 9);
    let mut outcome = None;
    let hashed = hashed_by(|| {
        outcome = Some(read_raw(
            &bytes[..],
            ChecksumDeframer::new(Counting(XxHash64)),
        ))
    });
    let (payloads, stats) = outcome.unwrap();
    assert_eq!((payloads, stats.skipped_bytes), (0, bytes.len() as u64));
    assert!(hashed <= work_bound(bytes.len()), "{hashed}");
}

/// An XXH3 stream read with CRC-32 framing (the CLI's `--checksum crc32`
/// on the wrong file) is all damage: nothing is yielded, every byte is
/// counted as skipped, and the scan hashes a bounded amount.
#[test]
fn a_stream_read_with_the_wrong_checksum_kind_reports_damage() {
    let bytes = intact_stream(XxHash64, 1 << 20, 5);
    for chunk in [usize::MAX, 1000] {
        let mut outcome = None;
        let hashed = hashed_by(|| {
            outcome = Some(read_raw(
                Trickle::new(&bytes, chunk, false),
                ChecksumDeframer::new(Counting(Crc32)),
            ))
        });
        let (payloads, stats) = outcome.unwrap();
        assert_eq!(payloads, 0, "no frame of the wrong kind passes");
        assert_eq!(
            (stats.skipped_regions, stats.skipped_bytes),
            (1, bytes.len() as u64)
        );
        assert!(hashed <= work_bound(bytes.len()), "{hashed}");
    }
    // The typed reader, strict, names the damage at the first frame.
    let mut reader = StreamReader::<String, _, _>::new(&bytes[..], ChecksumDeframer::new(Crc32));
    let err = reader.read().unwrap_err();
    assert!(
        matches!(
            err,
            flatstream::Error::ChecksumMismatch {
                offset: Some(0),
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_candidate_left_unchecked_is_its_region_reason() {
    // The first region drains both pools; the second starts with an
    // offset claiming a 16 KiB frame that fits, which the scan cannot pay
    // to check.
    let frame = frames_of(XxHash64, &messages(1, 10)).remove(0);
    let mut bytes = pattern(&[0, 0, 0x40, 0], 2 << 20);
    bytes.extend_from_slice(&frame);
    bytes.extend_from_slice(&pattern(&[0, 0x40, 0, 0], 1 << 20));
    let reasons = Arc::new(Mutex::new(Vec::new()));
    let sink = reasons.clone();
    let mut reader = FrameReader::new(&bytes[..], ChecksumDeframer::new(XxHash64))
        .with_recovery(Recovery::SkipCorrupted)
        .with_skip_callback(move |region| {
            sink.lock()
                .unwrap()
                .push((region.offset, region.reason.to_string()))
        });
    assert_eq!(reader.read_message().unwrap(), Some(&frame[12..]));
    assert!(reader.read_message().unwrap().is_none());
    assert!(reader.stats().unchecked_frames > 0);
    let reasons = reasons.lock().unwrap();
    assert_eq!(reasons.len(), 2);
    assert_eq!(reasons[1].0, (bytes.len() - (1 << 20)) as u64);
    assert_eq!(
        reasons[1].1,
        "invalid frame: candidate frame of 16396 bytes left unchecked: the skip-mode scan's \
         work budget (4 bytes hashed per byte read) is spent"
    );
}

/// Damages a stream of messages as disks and networks do: bit flips,
/// zeroed runs, random garbage between frames (up to 8 KiB), torn frames.
fn honestly_damaged<C: Checksum + Copy>(checksum: C, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed | 1);
    let count = 20 + rng.below(60);
    let sent: Vec<String> = messages(count, 40)
        .into_iter()
        .map(|text| text + &rng.word(rng.clone().below(3000)))
        .collect();
    let mut bytes = Vec::new();
    for mut frame in frames_of(checksum, &sent) {
        match rng.below(8) {
            0 => {
                for _ in 0..1 + rng.below(4) {
                    let bit = rng.below(frame.len() * 8);
                    frame[bit / 8] ^= 1 << (bit % 8);
                }
            }
            1 => {
                let start = rng.below(frame.len());
                let end = (start + 1 + rng.below(200)).min(frame.len());
                frame[start..end].fill(0);
            }
            2 => {
                let garbage = random_bytes(1 + rng.below(8192), rng.next_u64());
                bytes.extend_from_slice(&garbage);
            }
            3 => frame.truncate(rng.below(frame.len())),
            4 => bytes.resize(bytes.len() + rng.below(300), 0),
            _ => {}
        }
        bytes.extend_from_slice(&frame);
    }
    bytes
}

/// The readers in skip mode give exactly what checking every offset gives
/// on `bytes`: typed through `SliceReader`, raw through a `FrameReader`
/// reading `chunk` bytes at a time; and leave nothing unchecked.
fn matches_the_oracle<C: Checksum + Copy>(checksum: C, bytes: &[u8], chunk: usize) {
    let deframer = ChecksumDeframer::new(checksum);
    let oracle = scan_every_offset(&deframer, bytes, |payload| String::view(payload).is_ok());
    let regions = Arc::new(Mutex::new(Vec::new()));
    let sink = regions.clone();
    let mut reader = SliceReader::<String, _>::new(bytes, deframer)
        .with_recovery(Recovery::SkipCorrupted)
        .with_skip_callback(move |region| sink.lock().unwrap().push((region.offset, region.len)));
    let mut texts = Vec::new();
    while let Some(text) = reader.read().unwrap() {
        texts.push(text);
    }
    let stats = reader.stats().clone();
    let expected: Vec<&str> = oracle
        .payloads
        .iter()
        .map(|payload| String::view(&bytes[payload.clone()]).unwrap())
        .collect();
    assert_eq!(texts, expected);
    assert_eq!(*regions.lock().unwrap(), oracle.regions);
    assert_eq!(stats.skipped_bytes, oracle.skipped_bytes());
    assert_eq!(stats.unchecked_frames, 0);

    let raw = scan_every_offset(&deframer, bytes, |_| true);
    let regions = Arc::new(Mutex::new(Vec::new()));
    let sink = regions.clone();
    let mut reader = FrameReader::new(Trickle::new(bytes, chunk, false), deframer)
        .with_recovery(Recovery::SkipCorrupted)
        .with_skip_callback(move |region| sink.lock().unwrap().push((region.offset, region.len)));
    let mut payloads = Vec::new();
    while let Some(payload) = reader.read_message().unwrap() {
        payloads.push(payload.to_vec());
    }
    let expected: Vec<&[u8]> = raw.payloads.iter().map(|p| &bytes[p.clone()]).collect();
    assert_eq!(payloads, expected);
    assert_eq!(*regions.lock().unwrap(), raw.regions);
    assert_eq!(reader.stats().unchecked_frames, 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn honest_damage_gives_what_checking_every_offset_gives(
        seed in any::<u64>(),
        kind in 0..5usize,
        chunk in prop::sample::select(vec![1usize, 7, 100, 4096, usize::MAX]),
    ) {
        match kind {
            0 => matches_the_oracle(NoChecksum, &honestly_damaged(NoChecksum, seed), chunk),
            1 => matches_the_oracle(Crc16, &honestly_damaged(Crc16, seed), chunk),
            2 => matches_the_oracle(Crc32, &honestly_damaged(Crc32, seed), chunk),
            3 => matches_the_oracle(Crc64, &honestly_damaged(Crc64, seed), chunk),
            _ => matches_the_oracle(XxHash64, &honestly_damaged(XxHash64, seed), chunk),
        }
    }
}

#[test]
fn the_builtin_claim_agrees_with_decoding() {
    // `frame_claim` never refuses what `decode_frame` accepts, and its
    // length is the decoded frame's.
    let bytes = intact_stream(Crc32, 20_000, 6);
    let mut noisy = bytes.clone();
    noisy.extend_from_slice(&random_bytes(20_000, 8));
    let deframer = ChecksumDeframer::new(Crc32);
    for at in 0..noisy.len() {
        let claim = deframer.frame_claim(&noisy[at..]);
        match deframer.decode_frame(&noisy[at..]) {
            Ok(FrameStatus::Complete { frame_len, .. }) => {
                assert_eq!(claim, FrameClaim::Len(frame_len), "at {at}")
            }
            Err(flatstream::Error::InvalidFrame { .. }) => {
                assert_eq!(claim, FrameClaim::Invalid, "at {at}")
            }
            Ok(FrameStatus::Incomplete { needed }) if noisy.len() - at >= 8 => {
                assert_eq!(claim, FrameClaim::Len(needed), "at {at}")
            }
            _ => assert_ne!(claim, FrameClaim::Invalid, "at {at}"),
        }
    }
}

/// A long stream with one frame in a hundred damaged (the benchmark's
/// `damaged-1%`): damaged length bytes make some offsets claim megabytes,
/// which the budget may refuse unchecked, yet every decision is the one
/// checking every offset makes.
#[test]
fn a_long_stream_with_damaged_headers_gives_what_checking_every_offset_gives() {
    let bytes = flatstream_testkit::recovery::damaged_stream(XxHash64, 8 << 20, 1);
    let deframer = ChecksumDeframer::new(XxHash64);
    let oracle = scan_every_offset(&deframer, &bytes, |_| true);
    let regions = Arc::new(Mutex::new(Vec::new()));
    let sink = regions.clone();
    let mut reader = FrameReader::new(&bytes[..], deframer)
        .with_recovery(Recovery::SkipCorrupted)
        .with_skip_callback(move |region| sink.lock().unwrap().push((region.offset, region.len)));
    let mut payloads = 0;
    while reader.read_message().unwrap().is_some() {
        payloads += 1;
    }
    eprintln!("{:?}", reader.stats());
    assert_eq!(payloads, oracle.payloads.len());
    assert_eq!(*regions.lock().unwrap(), oracle.regions);
}
