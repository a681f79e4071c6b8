//! Checksums that guard each frame's payload.
//!
//! A [`Checksum`] turns a payload into a `u64`; the framer stores its low
//! [`Checksum::SIZE`] bytes, little-endian, after the length. Pick by the
//! bytes you can spare per message and the damage you must catch:
//!
//! | type | feature | bytes | algorithm |
//! |---|---|---|---|
//! | [`NoChecksum`] | — | 0 | none: only verification guards the payload |
//! | [`Crc16`] | `crc16` | 2 | CRC-16/IBM-3740 (a.k.a. CCITT-FALSE) |
//! | [`Crc32`] | `crc32` | 4 | CRC-32/ISO-HDLC (IEEE 802.3, zlib's) |
//! | [`Crc64`] | `crc64` | 8 | CRC-64/XZ |
//! | [`XxHash64`] | `xxhash` (default) | 8 | XXH3-64, seed 0 |
//!
//! Every CRC here detects every single-bit and every 2-bit error in a
//! payload of up to 4 KiB, and every burst up to its width. None of them
//! maps an all-zero payload to zero, so zeroed disk blocks never pass.

use crate::error::{Error, Result};

/// A checksum over a frame's payload.
///
/// # Examples
///
/// ```
/// use flatstream::checksum::{Checksum, XxHash64};
///
/// let xxh3 = XxHash64::new();
/// let sum = xxh3.calculate(b"payload");
/// assert!(xxh3.verify(sum, b"payload").is_ok());
/// assert!(xxh3.verify(sum, b"pay1oad").is_err());
/// ```
pub trait Checksum {
    /// Bytes the checksum takes on the wire: 0, 2, 4 or 8.
    const SIZE: usize;

    /// The checksum's name in a stream header
    /// ([`StreamHeader::checksum`](crate::StreamHeader::checksum)): `none`,
    /// `crc16`, `crc32`, `crc64` and `xxh3-64` for the built-in ones.
    const NAME: &'static str = "custom";

    /// The checksum of `payload`. Only the low [`SIZE`](Self::SIZE) bytes
    /// are stored, so implementations should return a value that fits.
    fn calculate(&self, payload: &[u8]) -> u64;

    /// Checks `payload` against the `expected` checksum read from the wire.
    ///
    /// Both values are compared truncated to [`SIZE`](Self::SIZE) bytes.
    ///
    /// # Errors
    ///
    /// [`Error::ChecksumMismatch`] with both values when they differ.
    #[inline]
    fn verify(&self, expected: u64, payload: &[u8]) -> Result<()> {
        let mask = wire_mask(Self::SIZE);
        let calculated = self.calculate(payload) & mask;
        if calculated == expected & mask {
            Ok(())
        } else {
            Err(mismatch(expected & mask, calculated))
        }
    }
}

/// The error for a checksum that does not match.
#[cold]
#[inline(never)]
fn mismatch(expected: u64, calculated: u64) -> Error {
    Error::ChecksumMismatch {
        expected,
        calculated,
        offset: None,
    }
}

/// The bits of a `u64` that fit in `size` bytes.
pub(crate) const fn wire_mask(size: usize) -> u64 {
    if size >= 8 {
        u64::MAX
    } else {
        (1u64 << (size * 8)) - 1
    }
}

/// No checksum: zero bytes on the wire, nothing verified but the FlatBuffer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoChecksum;

impl NoChecksum {
    /// A `NoChecksum`.
    pub const fn new() -> Self {
        NoChecksum
    }
}

impl Checksum for NoChecksum {
    const SIZE: usize = 0;
    const NAME: &'static str = "none";

    #[inline]
    fn calculate(&self, _payload: &[u8]) -> u64 {
        0
    }

    #[inline]
    fn verify(&self, _expected: u64, _payload: &[u8]) -> Result<()> {
        Ok(())
    }
}

/// Declares a unit-struct checksum available with `feature`: the struct,
/// `new()`, and a [`Checksum`] impl whose `calculate` evaluates `$calculate`
/// with the payload bound to `$payload`.
macro_rules! checksum {
    (
        $(#[$doc:meta])*
        $name:ident: feature = $feature:literal, size = $size:literal, name = $wire_name:literal,
        |$payload:ident| $calculate:expr
    ) => {
        $(#[$doc])*
        #[cfg(feature = $feature)]
        #[cfg_attr(docsrs, doc(cfg(feature = $feature)))]
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        pub struct $name;

        #[cfg(feature = $feature)]
        impl $name {
            #[doc = concat!("A `", stringify!($name), "`.")]
            pub const fn new() -> Self {
                $name
            }
        }

        #[cfg(feature = $feature)]
        impl Checksum for $name {
            const SIZE: usize = $size;
            const NAME: &'static str = $wire_name;

            #[inline]
            fn calculate(&self, $payload: &[u8]) -> u64 {
                $calculate
            }
        }
    };
}

checksum! {
    /// XXH3-64 (seed 0): 8 bytes, the fastest checksum here on every payload size.
    XxHash64: feature = "xxhash", size = 8, name = "xxh3-64",
    |payload| crate::xxh3::hash64(payload)
}

checksum! {
    /// CRC-32/ISO-HDLC (the IEEE 802.3 and zlib CRC-32): 4 bytes, hardware
    /// accelerated where the CPU has it.
    Crc32: feature = "crc32", size = 4, name = "crc32",
    |payload| u64::from(crc32fast::hash(payload))
}

checksum! {
    /// CRC-16/IBM-3740 (also called CRC-16/CCITT-FALSE: polynomial 0x1021,
    /// initial value 0xFFFF): 2 bytes, for many tiny messages.
    ///
    /// Its value for an empty payload is 0xFFFF, so neither an empty nor a
    /// zeroed payload checks out against a zero checksum.
    Crc16: feature = "crc16", size = 2, name = "crc16",
    |payload| u64::from(CRC16.checksum(payload))
}

#[cfg(feature = "crc16")]
static CRC16: crc::Crc<u16, crc::Table<16>> =
    crc::Crc::<u16, crc::Table<16>>::new(&crc::CRC_16_IBM_3740);

checksum! {
    /// CRC-64/XZ (the ECMA-182 polynomial, reflected, initial and final value
    /// all ones): 8 bytes. Reads payloads byte-wise, so any alignment is fine.
    Crc64: feature = "crc64", size = 8, name = "crc64",
    |payload| CRC64.checksum(payload)
}

#[cfg(feature = "crc64")]
static CRC64: crc::Crc<u64, crc::Table<16>> = crc::Crc::<u64, crc::Table<16>>::new(&crc::CRC_64_XZ);

#[cfg(test)]
mod tests {
    use super::*;

    const CHECK_INPUT: &[u8] = b"123456789";

    fn assert_detects_every_single_bit_flip<C: Checksum>(c: &C) {
        let payload: Vec<u8> = (0..64u8).map(|i| i.wrapping_mul(37)).collect();
        let sum = c.calculate(&payload);
        let mut damaged = payload.clone();
        for bit in 0..payload.len() * 8 {
            damaged[bit / 8] ^= 1 << (bit % 8);
            assert!(
                c.verify(sum, &damaged).is_err(),
                "flip of payload bit {bit} passed"
            );
            damaged[bit / 8] ^= 1 << (bit % 8);
        }
        for bit in 0..C::SIZE * 8 {
            let wrong = sum ^ (1 << bit);
            assert!(
                c.verify(wrong, &payload).is_err(),
                "flip of checksum bit {bit} passed"
            );
        }
    }

    fn assert_alignment_independent<C: Checksum>(c: &C) {
        let backing: Vec<u8> = (0..4200u32).map(|i| (i * 7 + 3) as u8).collect();
        let reference = c.calculate(&backing[..4096]);
        for shift in 0..16 {
            let copy: Vec<u8> = {
                let mut v = vec![0u8; shift];
                v.extend_from_slice(&backing[..4096]);
                v
            };
            assert_eq!(c.calculate(&copy[shift..]), reference, "shift {shift}");
        }
    }

    #[test]
    fn wire_mask_truncates_to_size() {
        assert_eq!(wire_mask(0), 0);
        assert_eq!(wire_mask(2), 0xffff);
        assert_eq!(wire_mask(4), 0xffff_ffff);
        assert_eq!(wire_mask(8), u64::MAX);
    }

    #[test]
    fn no_checksum_accepts_anything() {
        assert_eq!(NoChecksum::SIZE, 0);
        assert_eq!(NoChecksum::new().calculate(b"abc"), 0);
        assert!(NoChecksum.verify(12345, b"abc").is_ok());
    }

    /// `C` takes `size` bytes, maps [`CHECK_INPUT`] to `check`, never maps
    /// a zeroed payload to zero, catches every single-bit flip and ignores
    /// the payload's alignment.
    fn assert_known_answers<C: Checksum>(c: &C, size: usize, check: u64) {
        assert_eq!(C::SIZE, size);
        assert_eq!(c.calculate(CHECK_INPUT), check);
        assert_ne!(c.calculate(&[0u8; 64]), 0);
        assert_detects_every_single_bit_flip(c);
        assert_alignment_independent(c);
    }

    #[cfg(feature = "xxhash")]
    #[test]
    fn xxh3_known_answers() {
        let c = XxHash64::new();
        // Reference values of XXH3_64bits with seed 0.
        assert_eq!(c.calculate(b""), 0x2d06_8005_38d3_94c2);
        assert_known_answers(&c, 8, xxhash_rust::xxh3::xxh3_64(CHECK_INPUT));
    }

    #[cfg(feature = "crc32")]
    #[test]
    fn crc32_known_answers() {
        assert_known_answers(&Crc32::new(), 4, 0xcbf4_3926);
    }

    #[cfg(feature = "crc16")]
    #[test]
    fn crc16_known_answers() {
        let c = Crc16::new();
        assert_eq!(c.calculate(b""), 0xffff);
        assert_known_answers(&c, 2, 0x29b1);
    }

    #[cfg(feature = "crc64")]
    #[test]
    fn crc64_known_answers() {
        assert_known_answers(&Crc64::new(), 8, 0x995d_c9bb_df19_39fa);
    }

    #[cfg(feature = "crc16")]
    #[test]
    fn verify_compares_only_the_wire_bytes() {
        let c = Crc16::new();
        let sum = c.calculate(b"abc");
        // High bits beyond SIZE never reach the wire, so they cannot matter.
        assert!(c.verify(sum | 0xdead_0000, b"abc").is_ok());
        match c.verify(sum ^ 1, b"abc") {
            Err(Error::ChecksumMismatch {
                expected,
                calculated,
                offset: None,
            }) => {
                assert_eq!(expected, sum ^ 1);
                assert_eq!(calculated, sum);
            }
            other => panic!("expected a mismatch, got {other:?}"),
        }
    }
}
