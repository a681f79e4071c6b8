#[path = "../fuzz/targets/mod.rs"]
mod targets;
use arbitrary::{Arbitrary, Unstructured};
use flatstream::StreamSerialize;
#[test]
fn soak() {
    let runs: usize = std::env::var("SOAK_RUNS")
        .map(|s| s.parse().unwrap())
        .unwrap_or(1000);
    let mut state = std::env::var("SOAK_SEED")
        .map(|s| s.parse().unwrap())
        .unwrap_or(0x1234_5678_9abc_def1u64);
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for i in 0..runs {
        let len = (next() % 1500) as usize;
        let mut data: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        if i % 3 == 0 {
            // a valid message as the payload of a "random bytes" case, damaged by a few bytes
            let value = targets::Everything::arbitrary(&mut Unstructured::new(&data)).unwrap();
            let mut b = flatstream::flatbuffers::FlatBufferBuilder::new();
            value.serialize(&mut b).unwrap();
            let mut p = b.finished_data().to_vec();
            for _ in 0..(next() % 4) {
                let at = (next() as usize) % p.len();
                p[at] ^= (next() as u8) | 1;
            }
            if next() % 6 == 0 {
                let keep = (next() as usize) % (p.len() + 1);
                p.truncate(keep);
            }
            let sel = (next() as u8) & !1;
            data = vec![sel];
            if sel & 2 != 0 {
                data.push(next() as u8);
                let s = (next() % 4096) as u16;
                data.extend_from_slice(&s.to_le_bytes());
            }
            // arbitrary's take_rest after options
            data.extend(p);
        }
        targets::verify(&data);
    }
}
