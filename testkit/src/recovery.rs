//! Inputs for the skip-mode scan's tests and benchmarks (random bytes,
//! zeros, crafted length patterns, damaged streams), and the byte-by-byte
//! scan it replaced, kept as the oracle its results are compared with.

use std::ops::Range;

use flatstream::checksum::Checksum;
use flatstream::framing::{Deframer, FrameStatus};

use crate::streams::{frames_of, messages, write_stream};
use crate::Rng;

/// `len` seeded random bytes.
pub fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed | 1);
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        bytes.extend_from_slice(&rng.next_u64().to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

/// `word` repeated to `len` bytes: `00 00 40 00` makes every fourth offset
/// claim a 16 KiB frame (and another every fourth a 4 MiB one), `00 00 10
/// 00` a 4 KiB and a 1 MiB one.
pub fn pattern(word: &[u8], len: usize) -> Vec<u8> {
    word.iter().copied().cycle().take(len).collect()
}

/// The worst input for the budgeted scan: an 8-byte period in which one
/// offset claims a frame of exactly 64 bytes with `C`'s header (checked
/// free of the budget), one a 16 KiB frame ending on a phase that claims
/// the same, so that it looks chained and drains both pools, and two more
/// claim 3.4 MiB and 13 KiB frames.
pub fn worst_pattern<C: Checksum>(len: usize) -> Vec<u8> {
    let header = 4 + C::SIZE;
    let free = u32::try_from(64 - header).expect("a header is short");
    let mut word = free.to_le_bytes().to_vec();
    word.extend_from_slice(&[0x00, 0x40, 0x00, 0x00]);
    // The 16 KiB claim at phase 4 ends at phase 4 + header + 16384: move it
    // so that it lands on the period's phase 0 or 4 whatever the header.
    let claim = 16384 - (header % 8) as u32;
    word[4..].copy_from_slice(&claim.to_le_bytes());
    pattern(&word, len)
}

/// A stream of string messages framed with `checksum`, at least `len`
/// bytes long.
pub fn intact_stream<C: Checksum + Copy>(checksum: C, len: usize, seed: u64) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(len + 4096);
    let mut batch = 0;
    while bytes.len() < len {
        let mut sent = messages(1000, 200);
        for (i, text) in sent.iter_mut().enumerate() {
            text.push_str(&format!(".{seed}.{batch}.{i}"));
        }
        bytes.extend_from_slice(&write_stream(checksum, &sent));
        batch += 1;
    }
    bytes
}

/// Intact frames, `garbage` random bytes, intact frames again: the
/// operator's damaged disk image, `frames` bytes of frames on each side.
pub fn garbage_between<C: Checksum + Copy>(checksum: C, frames: usize, garbage: usize) -> Vec<u8> {
    let mut bytes = intact_stream(checksum, frames, 1);
    bytes.extend_from_slice(&random_bytes(garbage, 2));
    bytes.extend_from_slice(&intact_stream(checksum, frames, 3));
    bytes
}

/// A stream of at least `len` bytes in which `percent` of the frames
/// have a random byte changed.
pub fn damaged_stream<C: Checksum + Copy>(checksum: C, len: usize, percent: usize) -> Vec<u8> {
    let mut rng = Rng(0x5eed);
    let mut bytes = Vec::with_capacity(len + 4096);
    while bytes.len() < len {
        for mut frame in frames_of(checksum, &messages(1000, 200)) {
            if rng.below(100) < percent {
                let at = rng.below(frame.len());
                frame[at] ^= 1 + rng.below(255) as u8;
            }
            bytes.extend_from_slice(&frame);
        }
    }
    bytes
}

/// What a skip-mode scan of a whole stream found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scanned {
    /// Each intact frame's payload, as a range of the stream.
    pub payloads: Vec<Range<usize>>,
    /// Each skipped region: offset and length.
    pub regions: Vec<(u64, u64)>,
}

impl Scanned {
    /// Adds a skipped byte at `offset`, extending the last region if it
    /// ends there.
    pub fn skip(&mut self, offset: u64) {
        match self.regions.last_mut() {
            Some((start, len)) if *start + *len == offset => *len += 1,
            _ => self.regions.push((offset, 1)),
        }
    }

    /// Bytes in the skipped regions.
    pub fn skipped_bytes(&self) -> u64 {
        self.regions.iter().map(|(_, len)| len).sum()
    }
}

/// The scan the readers had before their work was budgeted: at every
/// offset, decode the frame there from all the bytes that follow and
/// keep it if `accept` takes its payload. Its work is the sum of what the
/// bytes claim, so it is only run on small inputs; its results are what
/// the readers must still give on honest damage.
pub fn scan_every_offset<D: Deframer>(
    deframer: &D,
    bytes: &[u8],
    mut accept: impl FnMut(&[u8]) -> bool,
) -> Scanned {
    let mut scanned = Scanned::default();
    let mut at = 0;
    while at < bytes.len() {
        if let Ok(FrameStatus::Complete { frame_len, payload }) =
            deframer.decode_frame(&bytes[at..])
        {
            if accept(&bytes[at + payload.start..at + payload.end]) {
                scanned.payloads.push(at + payload.start..at + payload.end);
                at += frame_len;
                continue;
            }
        }
        scanned.skip(at as u64);
        at += 1;
    }
    scanned
}
