//! What the peer benchmarks and the interop test share: the datasets'
//! contract, seeded data and the digest of what a read touched.

use std::fmt::Debug;

use flatstream::checksum::XxHash64;
use flatstream::flatbuffers::{FlatBufferBuilder, InvalidFlatbuffer};
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::{DecodeOwned, SliceReader, StreamDeserialize, StreamSerialize};
use rkyv::api::high::{HighDeserializer, HighSerializer, HighValidator};
use rkyv::bytecheck::CheckBytes;
use rkyv::ser::allocator::ArenaHandle;
use rkyv::util::AlignedVec;
use rkyv::Archived;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::Rng;

pub type RkyvError = rkyv::rancor::Error;
pub type Framer = ChecksumFramer<XxHash64>;
pub type Writer<T> = flatstream::StreamWriter<T, Vec<u8>, Framer>;

pub fn deframer() -> ChecksumDeframer<XxHash64> {
    ChecksumDeframer::new(XxHash64::new())
}

pub fn framer() -> Framer {
    ChecksumFramer::new(XxHash64::new())
}

/// Calls `f` with each checksum-verified payload of `stream`.
pub fn for_each_payload(stream: &[u8], mut f: impl FnMut(&[u8])) {
    let mut reader = SliceReader::<(), _>::new(stream, deframer());
    while let Some(payload) = reader.read_message().expect("an intact stream") {
        f(payload);
    }
}

pub fn payloads(stream: &[u8]) -> Vec<&[u8]> {
    let mut reader = SliceReader::<(), _>::new(stream, deframer());
    std::iter::from_fn(|| reader.read_message().expect("an intact stream")).collect()
}

/// A dataset: its record type, how to generate records, and the code each
/// peer needs that the derives do not write.
pub trait Dataset {
    /// The group name, `peers/<NAME>/...`.
    const NAME: &'static str;
    /// Messages per iteration.
    const MESSAGES: usize;

    type Record: StreamSerialize
        + DecodeOwned
        + Serialize
        + DeserializeOwned
        + rkyv::Archive<
            Archived: for<'a> CheckBytes<HighValidator<'a, RkyvError>>
                          + rkyv::Deserialize<Self::Record, HighDeserializer<RkyvError>>,
        > + for<'a> rkyv::Serialize<HighSerializer<AlignedVec, ArenaHandle<'a>, RkyvError>>
        + PartialEq
        + Debug;

    fn generate(rng: &mut Seeded) -> Self::Record;

    /// Builds and finishes `record` with `FlatBufferBuilder` calls, as
    /// flatc-generated code does.
    fn build_flatbuffers(builder: &mut FlatBufferBuilder<'_>, record: &Self::Record);

    /// Verifies `payload` with `flatbuffers::root` and the hand-written
    /// view, then touches what the other views touch.
    fn read_flatbuffers(payload: &[u8], digest: &mut Digest) -> Result<(), InvalidFlatbuffer>;

    /// Touches the top-level fields through the derived view.
    fn touch_view(view: <Self::Record as StreamDeserialize>::View<'_>, digest: &mut Digest);

    /// Touches the same fields of the archived record.
    fn touch_rkyv(archived: &Archived<Self::Record>, digest: &mut Digest);
}

// ---------------------------------------------------------------------------
// Seeded data and the digest of what a read touched.

/// The testkit's xorshift generator, so every run measures the same
/// records, with what the datasets draw.
#[derive(Debug)]
pub struct Seeded(Rng);

impl Default for Seeded {
    fn default() -> Self {
        Self::new()
    }
}

impl Seeded {
    /// The generator every run starts from.
    pub fn new() -> Self {
        Seeded(Rng(0x2545_f491_4f6c_dd1d))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// In `0..bound`.
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }

    /// In `low..high`.
    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low) as u64) as i64
    }

    /// In `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn coin(&mut self) -> bool {
        self.next_u64() & 1 == 1
    }

    /// `Some` half of the time.
    pub fn maybe<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        self.coin().then(|| f(self))
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Sums what a read touched, so the reads cannot be optimized away and
/// the peers can be checked to have read the same values.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Digest(u64);

impl Digest {
    pub fn add(&mut self, value: impl Touch) {
        self.0 = self.0.wrapping_add(value.bits());
    }

    /// `Some` adds one more than the value, so it differs from `None`.
    pub fn opt(&mut self, value: Option<impl Touch>) {
        if let Some(value) = value {
            self.add(1u8);
            self.add(value);
        }
    }
}

/// A value a read touches: scalars by their bits, strings and byte
/// vectors by their length.
pub trait Touch {
    fn bits(self) -> u64;
}

macro_rules! touch_as_u64 {
    ($($ty:ty),*) => {$(
        impl Touch for $ty {
            #[inline]
            fn bits(self) -> u64 {
                self as u64
            }
        }
    )*};
}
touch_as_u64!(u8, u16, u32, u64, i8, i16, i32, i64, usize);

impl Touch for bool {
    #[inline]
    fn bits(self) -> u64 {
        u64::from(self)
    }
}

impl Touch for f32 {
    #[inline]
    fn bits(self) -> u64 {
        u64::from(self.to_bits())
    }
}

impl Touch for f64 {
    #[inline]
    fn bits(self) -> u64 {
        self.to_bits()
    }
}

impl Touch for &str {
    #[inline]
    fn bits(self) -> u64 {
        self.len() as u64
    }
}

impl Touch for &[u8] {
    #[inline]
    fn bits(self) -> u64 {
        self.len() as u64
    }
}

impl Touch for &rkyv::string::ArchivedString {
    #[inline]
    fn bits(self) -> u64 {
        self.len() as u64
    }
}

/// rkyv's archived scalars: little-endian wrappers.
macro_rules! touch_archived {
    ($($ty:ident),*) => {$(
        impl Touch for rkyv::rend::$ty {
            #[inline]
            fn bits(self) -> u64 {
                self.to_native().bits()
            }
        }
        impl Touch for &rkyv::rend::$ty {
            #[inline]
            fn bits(self) -> u64 {
                self.to_native().bits()
            }
        }
    )*};
}
touch_archived!(u16_le, u32_le, u64_le, i16_le, i32_le, i64_le, f32_le, f64_le);
