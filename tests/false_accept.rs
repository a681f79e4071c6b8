//! Random multi-bit damage: how often each checksum lets a damaged frame
//! through. `cargo run --release -p flatstream-testkit --bin false_accept` runs 10^6 trials
//! per checksum for the README's table; this runs a bounded number.

use flatstream::checksum::{Crc16, Crc32, Crc64, NoChecksum, XxHash64};
use flatstream_testkit::false_accept::measure;

const TRIALS: u64 = 50_000;

#[test]
fn wide_checksums_accept_no_damaged_frame() {
    assert_eq!(measure(Crc32, TRIALS, 1).by_checksum, 0);
    assert_eq!(measure(Crc64, TRIALS, 2).by_checksum, 0);
    assert_eq!(measure(XxHash64, TRIALS, 3).by_checksum, 0);
}

#[test]
fn crc16_accepts_about_one_in_65536() {
    // Expected 50 000 / 65 536 ≈ 0.76; more than 8 would be a 1-in-10^6
    // event for a 16-bit checksum.
    let accepted = measure(Crc16, TRIALS, 4);
    assert!(accepted.by_checksum <= 8, "{accepted:?}");
}

#[test]
fn without_a_checksum_only_the_verifier_stands_guard() {
    // Damage that leaves the length intact passes the (absent) checksum,
    // and much of it still verifies as a string: this is what a checksum
    // is for.
    let accepted = measure(NoChecksum, TRIALS, 5);
    assert!(accepted.by_checksum > accepted.trials / 2, "{accepted:?}");
    assert!(accepted.by_checksum_and_verifier > 0, "{accepted:?}");
    assert!(accepted.by_checksum_and_verifier < accepted.by_checksum);
}
