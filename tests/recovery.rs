//! Reading damaged streams in `Recovery::SkipCorrupted` mode keeps every
//! intact frame, with exact counts of what was skipped and where; a
//! reader resumes after an I/O error from the frame it was reading.

use std::io::{self, Read};

use flatstream::checksum::{Checksum, Crc16, Crc32, Crc64, NoChecksum, XxHash64};
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::{Error, Recovery, StreamReader, StreamWriter};
use flatstream_testkit::streams::{frames_of, messages, read_skipping, write_stream};
use flatstream_testkit::{for_each_checksum, Rng};

#[derive(Debug, Clone, Copy)]
enum Damage {
    FlipBits,
    Zero,
    InsertGarbage,
    Truncate,
}

/// Damages a random third of the frames (bit flips, zeroed runs, torn
/// frames) and inserts garbage between others; every untouched frame must
/// come back, in order, and every other byte must be counted as skipped.
fn keeps_every_intact_frame<C: Checksum + Copy>(checksum: C, seed: u64) {
    let mut rng = Rng(seed);
    let sent = messages(300, 120);
    let frames = frames_of(checksum, &sent);
    let mut damaged = Vec::new();
    let mut expected = Vec::new();
    let mut intact_bytes = 0;
    for (frame, text) in frames.iter().zip(&sent) {
        let mut frame = frame.clone();
        let kind = match rng.below(6) {
            0 => Some(Damage::FlipBits),
            1 => Some(Damage::Zero),
            2 => Some(Damage::InsertGarbage),
            3 if rng.below(4) == 0 => Some(Damage::Truncate),
            _ => None,
        };
        match kind {
            Some(Damage::FlipBits) => {
                for _ in 0..1 + rng.below(8) {
                    let bit = rng.below(frame.len() * 8);
                    frame[bit / 8] ^= 1 << (bit % 8);
                }
            }
            Some(Damage::Zero) => {
                let start = rng.below(frame.len());
                let end = (start + 1 + rng.below(64)).min(frame.len());
                let before = frame.clone();
                frame[start..end].fill(0);
                if frame == before {
                    frame[start] = 0xa5; // the run was already zero
                }
            }
            Some(Damage::Truncate) => {
                let keep = rng.below(frame.len());
                frame.truncate(keep);
            }
            Some(Damage::InsertGarbage) => {
                for _ in 0..1 + rng.below(40) {
                    damaged.push(rng.next_u64() as u8);
                }
            }
            None => {}
        }
        let intact = matches!(kind, None | Some(Damage::InsertGarbage));
        if intact {
            expected.push(text.clone());
            intact_bytes += frame.len();
        }
        damaged.extend_from_slice(&frame);
    }
    let (texts, stats) = read_skipping(checksum, &damaged);
    assert_eq!(texts, expected, "seed {seed}");
    assert_eq!(stats.frames, expected.len() as u64);
    assert_eq!(stats.skipped_bytes, (damaged.len() - intact_bytes) as u64);
    assert_eq!(stats.bytes, damaged.len() as u64);
    assert!(stats.skipped_regions > 0);
}

#[test]
fn skip_mode_keeps_every_intact_frame_through_random_damage() {
    for seed in 1..=20 {
        keeps_every_intact_frame(Crc16, seed);
        keeps_every_intact_frame(Crc32, seed);
        keeps_every_intact_frame(Crc64, seed);
        keeps_every_intact_frame(XxHash64, seed);
    }
}

#[test]
fn skip_mode_on_an_intact_stream_skips_nothing() {
    for_each_checksum!(|c| {
        let sent = messages(100, 50);
        let bytes = write_stream(c, &sent);
        let (texts, stats) = read_skipping(c, &bytes);
        assert_eq!(texts, sent);
        assert_eq!((stats.skipped_regions, stats.skipped_bytes), (0, 0));
    });
}

#[test]
fn skip_mode_without_checksum_never_panics_or_errors() {
    let mut rng = Rng(7);
    let sent = messages(50, 60);
    let bytes = write_stream(NoChecksum, &sent);
    for _ in 0..200 {
        let mut damaged = bytes.clone();
        for _ in 0..8 {
            let at = rng.below(damaged.len());
            damaged[at] = rng.next_u64() as u8;
        }
        // Without a checksum only the verifier guards the payload, so a
        // damaged frame may still verify; the reader must not fail.
        let (_, stats) = read_skipping(NoChecksum, &damaged);
        assert_eq!(stats.bytes, damaged.len() as u64);
    }
}

#[test]
fn skipped_regions_are_reported_with_offset_length_and_reason() {
    let sent = messages(5, 20);
    let frames = frames_of(Crc32, &sent);
    let mut bytes = Vec::new();
    for (i, frame) in frames.iter().enumerate() {
        if i == 2 {
            let mut frame = frame.clone();
            let last = frame.len() - 1;
            frame[last] ^= 1;
            bytes.extend_from_slice(&frame);
        } else {
            bytes.extend_from_slice(frame);
        }
    }
    let third = frames[0].len() + frames[1].len();
    let regions = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = regions.clone();
    let reader = StreamReader::<String, _, _>::new(&bytes[..], ChecksumDeframer::new(Crc32))
        .with_recovery(Recovery::SkipCorrupted)
        .with_skip_callback(move |region| {
            sink.lock()
                .unwrap()
                .push((region.offset, region.len, region.reason.to_string()))
        });
    let texts: Vec<String> = reader.collect::<Result<_, _>>().unwrap();
    assert_eq!(texts.len(), 4);
    let regions = regions.lock().unwrap();
    assert_eq!(regions.len(), 1);
    assert_eq!(regions[0].0, third as u64);
    assert_eq!(regions[0].1, frames[2].len() as u64);
    assert!(
        regions[0].2.starts_with("checksum mismatch"),
        "{}",
        regions[0].2
    );
}

#[test]
fn skip_mode_passes_over_frames_of_the_wrong_type() {
    // A frame that checks out but is not a string buffer is skipped by a
    // typed read, since it would not verify.
    let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(Crc32));
    writer.write(&"before").unwrap();
    writer
        .write_payload(&[0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4])
        .unwrap();
    writer.write(&"after").unwrap();
    let bytes = writer.into_inner();
    let (texts, stats) = read_skipping(Crc32, &bytes);
    assert_eq!(texts, ["before", "after"]);
    assert_eq!(stats.skipped_regions, 1);
    assert_eq!(stats.skipped_bytes, 16);
}

#[test]
fn garbage_larger_than_the_read_buffer_is_skipped_in_bounded_memory() {
    let sent = messages(3, 10);
    let mut bytes = write_stream(Crc64, &sent[..1]);
    let mut rng = Rng(99);
    // 1 MiB of garbage whose lengths are mostly implausible, then frames.
    bytes.extend((0..1 << 20).map(|_| rng.next_u64() as u8 | 0x80));
    bytes.extend(write_stream(Crc64, &sent[1..]));
    let (texts, stats) = read_skipping(Crc64, &bytes);
    assert_eq!(texts, sent);
    assert_eq!(stats.skipped_bytes, 1 << 20);
}

/// Fails once with `ErrorKind::Other` when the read position reaches
/// `fail_at`, then reads on normally.
struct FailOnce<'a> {
    data: &'a [u8],
    at: usize,
    fail_at: usize,
    failed: bool,
}

impl Read for FailOnce<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.failed && self.at >= self.fail_at {
            self.failed = true;
            return Err(io::Error::other("transient"));
        }
        let limit = if self.failed {
            usize::MAX
        } else {
            self.fail_at - self.at
        };
        let n = buf.len().min(self.data.len() - self.at).min(limit.max(1));
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn retry_after_io_error_continues_from_the_same_frame() {
    let sent = messages(8, 40);
    let bytes = write_stream(Crc32, &sent);
    for fail_at in 0..bytes.len() {
        let source = FailOnce {
            data: &bytes,
            at: 0,
            fail_at,
            failed: false,
        };
        let mut reader = StreamReader::<String, _, _>::new(source, ChecksumDeframer::new(Crc32));
        let mut texts = Vec::new();
        let mut io_errors = 0;
        loop {
            match reader.read() {
                Ok(Some(text)) => texts.push(text.to_owned()),
                Ok(None) => break,
                Err(Error::Io(_)) => io_errors += 1,
                Err(other) => panic!("fail_at {fail_at}: {other:?}"),
            }
        }
        assert_eq!(texts, sent, "fail_at {fail_at}");
        assert_eq!(io_errors, 1);
    }
}
