//! Writes the inputs of the skip-mode recovery measurements into a
//! directory, for timing `flatstream recover` on them:
//!
//! - `garbage.fst`: 2 MB of intact XXH3 frames, 4 MiB of random bytes,
//!   2 MB of intact frames;
//! - `pattern-40.fst`, `pattern-10.fst`: `00 00 40 00` and `00 00 10 00`
//!   repeated to 8 MiB;
//! - `worst.fst`: the crafted 8-byte pattern that costs the budgeted scan
//!   the most with XXH3 framing, 8 MiB;
//! - `xxh3-37mb.fst`: 37 MB of intact XXH3 frames (read it with
//!   `--checksum crc32`).
//!
//! `cargo run --release -p flatstream-testkit --bin recovery_inputs DIR`

use std::path::PathBuf;

use flatstream::checksum::XxHash64;
use flatstream_testkit::recovery::{garbage_between, intact_stream, pattern, worst_pattern};

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    std::fs::create_dir_all(&dir)?;
    let mib = 1024 * 1024;
    let inputs = [
        ("garbage.fst", garbage_between(XxHash64, 2_000_000, 4 * mib)),
        ("pattern-40.fst", pattern(&[0, 0, 0x40, 0], 8 * mib)),
        ("pattern-10.fst", pattern(&[0, 0, 0x10, 0], 8 * mib)),
        ("worst.fst", worst_pattern::<XxHash64>(8 * mib)),
        ("xxh3-37mb.fst", intact_stream(XxHash64, 37_000_000, 4)),
    ];
    for (name, bytes) in inputs {
        let path = dir.join(name);
        std::fs::write(&path, &bytes)?;
        println!("{}: {} bytes", path.display(), bytes.len());
    }
    Ok(())
}
