//! Measures how often randomly damaged frames get past each checksum:
//! 2 to 8 random bit flips anywhere in a frame, 10^6 trials per checksum.
//!
//! Run it with
//! `cargo run --release -p flatstream-testkit --bin false_accept [TRIALS]`.

use flatstream::checksum::{Crc16, Crc32, Crc64, NoChecksum, XxHash64};
use flatstream_testkit::false_accept::{measure, Accepted};

fn main() {
    let trials = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(1_000_000);
    println!("| checksum | trials | accepted by checksum | rate | also verified | rate |");
    println!("|---|---:|---:|---:|---:|---:|");
    let row = |name: &str, a: Accepted| {
        println!(
            "| {name} | {} | {} | {:.2e} | {} | {:.2e} |",
            a.trials,
            a.by_checksum,
            a.by_checksum as f64 / a.trials as f64,
            a.by_checksum_and_verifier,
            a.by_checksum_and_verifier as f64 / a.trials as f64,
        )
    };
    row("none", measure(NoChecksum, trials, 11));
    row("CRC-16", measure(Crc16, trials, 12));
    row("CRC-32", measure(Crc32, trials, 13));
    row("CRC-64", measure(Crc64, trials, 14));
    row("XXH3-64", measure(XxHash64, trials, 15));
}
