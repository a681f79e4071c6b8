//! Measures how often randomly damaged frames are accepted.
//!
//! Shared by `tests/false_accept.rs` (a bounded run that checks the rates)
//! and the `false_accept` binary of this crate (the full run whose figures
//! the README quotes).

use flatstream::checksum::Checksum;
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::{StreamReader, StreamWriter};

/// Accepted damaged frames out of `trials`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Accepted {
    /// Trials run.
    pub trials: u64,
    /// Damaged frames whose checksum still matched (raw read).
    pub by_checksum: u64,
    /// Damaged frames that also verified as a string buffer (typed read).
    pub by_checksum_and_verifier: u64,
}

/// Flips 2 to 8 distinct random bits anywhere in a one-frame stream
/// (length, checksum and payload alike) `trials` times and counts how
/// often a reader still returns a message.
pub fn measure<C: Checksum + Copy>(checksum: C, trials: u64, seed: u64) -> Accepted {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let texts = [
        "level=INFO source=sensor-3 cpu=41.5".to_owned(),
        "ts=1700000000123 level=WARN disk=93%".to_owned(),
    ];
    let frames: Vec<Vec<u8>> = texts
        .iter()
        .map(|text| {
            let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(checksum));
            writer.write(text).unwrap();
            writer.into_inner()
        })
        .collect();
    let mut accepted = Accepted {
        trials,
        ..Accepted::default()
    };
    let mut damaged = Vec::new();
    let mut flipped = Vec::with_capacity(8);
    for trial in 0..trials {
        let frame = &frames[(trial % 2) as usize];
        damaged.clear();
        damaged.extend_from_slice(frame);
        let bits = frame.len() * 8;
        flipped.clear();
        let count = 2 + (next() % 7) as usize;
        while flipped.len() < count {
            let bit = (next() % bits as u64) as usize;
            if !flipped.contains(&bit) {
                flipped.push(bit);
                damaged[bit / 8] ^= 1 << (bit % 8);
            }
        }
        let deframer = ChecksumDeframer::new(checksum);
        let mut raw = StreamReader::<String, _, _>::new(&damaged[..], deframer);
        if matches!(raw.read_message(), Ok(Some(_))) {
            accepted.by_checksum += 1;
            let mut typed = StreamReader::<String, _, _>::new(&damaged[..], deframer);
            if matches!(typed.read(), Ok(Some(_))) {
                accepted.by_checksum_and_verifier += 1;
            }
        }
    }
    accepted
}
