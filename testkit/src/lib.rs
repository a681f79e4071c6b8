//! What flatstream's tests, benchmarks and fuzz targets share: derived
//! types, streams built and read back in every way the tests need, the
//! fuzz targets' bodies with the flatc-style oracle they compare with, and
//! measurement harnesses.
//!
//! Not published. With default features off (as `flatstream`'s own tests
//! use it) it needs nothing of the runtime beyond its default features;
//! `checksums` adds what names CRC checksums, `fuzz` the fuzz bodies and
//! `bench` criterion's paired measurement, `nats` a `nats-server` harness,
//! `peers` the peer benchmarks' datasets and their planus, bincode and rkyv
//! sides.

pub mod alloc;
pub mod datasets;
pub mod every_kind;
#[cfg(feature = "checksums")]
pub mod false_accept;
#[cfg(feature = "fuzz")]
pub mod fuzz;
pub mod interop;
pub mod layered;
pub mod models;
#[cfg(feature = "nats")]
pub mod nats;
pub mod oracle;
pub mod outer;
#[cfg(feature = "bench")]
pub mod paired;
#[cfg(feature = "peers")]
pub mod peers;
pub mod recovery;
pub mod relocate;
pub mod streams;
pub mod telemetry;
pub mod tools;

/// A small deterministic generator (xorshift64), so that random data is
/// the same on every run.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `bound`.
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound as u64) as usize
    }

    /// `len` random bytes, each the low byte of the next 64 bits.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }

    /// `len` random lowercase letters.
    pub fn word(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b'a' + self.below(26) as u8))
            .collect()
    }
}

/// SplitMix64: advances `state` and returns the next 64 random bits (the
/// generators of the schema tests, whose seeds are given as numbers).
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `pub struct $name<'a>(pub Table<'a>)` with the `Follow` impl that
/// `flatc` generates for a table's hand-written accessor type.
#[macro_export]
macro_rules! flatc_table {
    ($($name:ident),*) => {$(
        #[derive(Clone, Copy)]
        pub struct $name<'a>(pub ::flatstream::flatbuffers::Table<'a>);

        impl<'a> ::flatstream::flatbuffers::Follow<'a> for $name<'a> {
            type Inner = Self;
            unsafe fn follow(buf: &'a [u8], loc: usize) -> Self {
                // SAFETY: per the caller, a table is at `loc`.
                $name(unsafe { ::flatstream::flatbuffers::Table::new(buf, loc) })
            }
        }
    )*};
}

/// Every copy of `clean` with one bit flipped, from the first byte's
/// lowest bit to the last byte's highest: the damage sweeps of the
/// verifier tests.
pub fn bit_flips(clean: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
    (0..clean.len() * 8).map(move |bit| {
        let mut damaged = clean.to_vec();
        damaged[bit / 8] ^= 1 << (bit % 8);
        damaged
    })
}
