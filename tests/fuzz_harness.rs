//! The fuzz targets of `fuzz/` run under proptest, so CI exercises them on
//! the stable toolchain in bounded time: random bytes, and valid streams of
//! derived messages with random damage. `cargo fuzz run -s none TARGET`
//! runs the same bodies under libFuzzer.

#[path = "../fuzz/targets/mod.rs"]
mod targets;

use arbitrary::{Arbitrary, Unstructured};
use flatstream::checksum::{Checksum, Crc16, NoChecksum};
use flatstream::framing::ChecksumFramer;
use flatstream::{StreamSerialize, StreamWriter};
use proptest::prelude::*;
use targets::Everything;

/// A valid stream of `Everything` messages drawn from `seed`, framed with
/// `checksum`.
fn valid_stream<C: Checksum + Copy>(checksum: C, seed: &[u8]) -> Vec<u8> {
    let mut input = Unstructured::new(seed);
    let values = Vec::<Everything>::arbitrary(&mut input).unwrap_or_default();
    let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(checksum));
    writer.write_batch(&values).unwrap();
    writer.into_inner()
}

/// Applies `(position, xor)` damage to `bytes`.
fn damage(mut bytes: Vec<u8>, edits: &[(usize, u8)]) -> Vec<u8> {
    if !bytes.is_empty() {
        for &(at, xor) in edits {
            let len = bytes.len();
            bytes[at % len] ^= xor;
        }
    }
    bytes
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 1000,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8)>> {
    prop::collection::vec((any::<usize>(), 1..=255u8), 0..6)
}

fn seed() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..1500)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn deframe_random_bytes(data in prop::collection::vec(any::<u8>(), 0..2048)) {
        targets::deframe(&data);
    }

    #[test]
    fn deframe_damaged_streams(select in any::<u8>(), limit in any::<u8>(), seed in seed(), edits in edits()) {
        let mut data = vec![select, limit];
        data.extend(damage(valid_stream(Crc16, &seed), &edits));
        targets::deframe(&data);
    }

    #[test]
    fn typed_read_random_bytes(data in prop::collection::vec(any::<u8>(), 0..2048)) {
        targets::typed_read(&data);
    }

    #[test]
    fn typed_read_damaged_streams(seed in seed(), edits in edits()) {
        targets::typed_read(&damage(valid_stream(NoChecksum, &seed), &edits));
    }

    #[test]
    fn recovery_damaged_streams(select in any::<u8>(), seed in seed(), edits in edits()) {
        let stream = if select % 2 == 0 { valid_stream(Crc16, &seed) } else { valid_stream(NoChecksum, &seed) };
        let mut data = vec![select];
        data.extend(damage(stream, &edits));
        targets::recovery(&data);
    }

    #[test]
    fn verify_random_bytes(select in any::<u8>(), data in prop::collection::vec(any::<u8>(), 0..1024)) {
        let mut input = vec![select & !1];
        input.extend(data);
        targets::verify(&input);
    }

    #[test]
    fn verify_damaged_messages(select in any::<u8>(), seed in seed()) {
        let mut input = vec![select | 1];
        input.extend(seed);
        targets::verify(&input);
    }

    #[test]
    fn roundtrip_with_damage(seed in prop::collection::vec(any::<u8>(), 0..3000)) {
        targets::roundtrip(&seed);
    }
}

#[test]
fn seeds_make_real_streams() {
    // The damaged-stream cases are only as good as the streams they damage.
    let mut state = 0x1234_5678_9abc_def0u64;
    let mut total_messages = 0;
    for _ in 0..50 {
        let seed: Vec<u8> = (0..1500)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let stream = valid_stream(NoChecksum, &seed);
        let reader = flatstream::SliceReader::<Everything, _>::new(
            &stream,
            flatstream::framing::DefaultDeframer::new(),
        );
        for message in reader {
            message.unwrap();
            total_messages += 1;
        }
    }
    assert!(
        total_messages >= 50,
        "only {total_messages} messages from 50 seeds"
    );
}

#[test]
fn verifier_differential_sees_both_outcomes() {
    // The differential only means something if damaged messages are both
    // accepted and refused, under default and under tight limits.
    use flatstream::{StreamDeserialize, VerifierOptions};
    let mut state = 0x0ddb_a11c_affe_e000u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let tight = VerifierOptions {
        max_depth: 2,
        max_tables: 6,
        ..VerifierOptions::default()
    };
    let (mut accepted, mut refused, mut tight_refused) = (0, 0, 0);
    for _ in 0..300 {
        let seed: Vec<u8> = (0..1500).map(|_| next() as u8).collect();
        let value = Everything::arbitrary(&mut Unstructured::new(&seed)).unwrap();
        let mut builder = flatstream::flatbuffers::FlatBufferBuilder::new();
        value.serialize(&mut builder).unwrap();
        let mut payload = builder.finished_data().to_vec();
        targets::verify_agrees(&payload, &tight);
        tight_refused += usize::from(Everything::view_with_options(&payload, &tight).is_err());
        let at = next() as usize % payload.len();
        payload[at] ^= 1 << (next() % 8);
        targets::verify_agrees(&payload, &VerifierOptions::default());
        match Everything::view(&payload) {
            Ok(_) => accepted += 1,
            Err(_) => refused += 1,
        }
    }
    assert!(
        accepted > 30 && refused > 30,
        "{accepted} accepted, {refused} refused"
    );
    assert!(
        tight_refused > 30,
        "tight limits refused only {tight_refused}"
    );
}

/// The schema the oracle's slots and struct layout were read from. A change
/// here means `fuzz/targets/oracle.rs` must be rewritten to match.
const ORACLE_SCHEMA: &str = "// FlatBuffers schema written by flatstream::schema.

table Leaf {
  name: string;
  value: double;
  flag: bool = null;
}

enum Level : ubyte {
  Debug = 0,
  Info = 1,
  Warn = 2,
  Error = 3
}

enum Mode : short {
  Off = -1,
  Unknown = 0,
  On = 1
}

struct Point {
  level: Level;
  x: int;
  corners: [ushort:3];
  weight: double;
}

table Node {
  children: [Leaf];
  mode: Mode;
}

union Shape {
  Leaf,
  Node
}

table Everything {
  flag: bool;
  byte: ubyte;
  signed_byte: byte;
  short: ushort;
  signed_short: short;
  int: uint;
  signed_int: int;
  long: ulong;
  signed_long: long;
  single: float;
  double: double;
  text: string;
  bytes: [ubyte];
  flags: [bool];
  shorts: [short];
  longs: [ulong];
  doubles: [double];
  texts: [string];
  leaf: Leaf (required);
  boxed: Leaf (required);
  leaves: [Leaf];
  level: Level;
  levels: [Level];
  mode: Mode;
  maybe_int: uint = null;
  maybe_double: double = null;
  maybe_text: string;
  maybe_bytes: [ubyte];
  maybe_leaf: Leaf;
  maybe_leaves: [Leaf];
  maybe_level: Level = null;
  maybe_texts: [string];
  point: Point (required);
  points: [Point];
  maybe_point: Point;
  shape: Shape (required);
  maybe_shape: Shape;
}

root_type Everything;
";

#[test]
fn oracle_layout_is_the_schema() {
    assert_eq!(flatstream::schema::<Everything>(), ORACLE_SCHEMA);
}
