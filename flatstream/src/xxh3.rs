//! XXH3-64 with seed 0, specialised for the payload sizes of a stream.
//!
//! Most frames are small: a log record or a telemetry event is 100–300
//! bytes. For inputs up to 240 bytes XXH3 is a handful of 128-bit
//! multiplications of input words with words of its default secret; here
//! the seed is the constant 0 and each secret word a constant, so every
//! round is two loads, two XORs with immediates, one multiplication and two
//! folds, inlined into the deframer. Longer inputs, where XXH3 runs its
//! vectorised stripe loop, go to `xxhash_rust`, as do the secret's bytes
//! themselves (taken at compile time from its `const_xxh3`).
//!
//! The result is exactly `xxhash_rust::xxh3::xxh3_64`, which the tests
//! below check at every length up to 512 bytes and on random inputs.

/// The default secret, 192 bytes (XXH3's `kSecret`).
const SECRET: [u8; 192] = xxhash_rust::const_xxh3::const_custom_default_secret(0);

/// The little-endian secret word at byte `at` (unaligned offsets too).
const fn secret(at: usize) -> u64 {
    let mut word = 0u64;
    let mut index = 0;
    while index < 8 {
        word |= (SECRET[at + index] as u64) << (8 * index);
        index += 1;
    }
    word
}

/// The little-endian secret half-word at byte `at`.
const fn secret32(at: usize) -> u64 {
    secret(at) & 0xffff_ffff
}

const PRIME64_1: u64 = 0x9E37_79B1_85EB_CA87;
const PRIME64_2: u64 = 0xC2B2_AE3D_27D4_EB4F;
const PRIME64_3: u64 = 0x1656_67B1_9E37_79F9;
const PRIME_MX1: u64 = 0x1656_6791_9E37_79F9;
const PRIME_MX2: u64 = 0x9FB2_1C65_1E98_DF25;

/// Longest input hashed here; longer ones take the stripe loop.
const MID_SIZE_MAX: usize = 240;

/// XXH3-64 of `input` with seed 0.
#[inline(always)]
pub(crate) fn hash64(input: &[u8]) -> u64 {
    let len = input.len();
    if len <= 16 {
        upto16(input)
    } else if len <= 128 {
        upto128(input)
    } else if len <= MID_SIZE_MAX {
        upto240(input)
    } else {
        xxhash_rust::xxh3::xxh3_64(input)
    }
}

#[inline(always)]
fn read64(bytes: &[u8], at: usize) -> u64 {
    match bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        Some(word) => u64::from_le_bytes(*word),
        None => 0,
    }
}

#[inline(always)]
fn read32(bytes: &[u8], at: usize) -> u64 {
    match bytes.get(at..).and_then(<[u8]>::first_chunk::<4>) {
        Some(word) => u64::from(u32::from_le_bytes(*word)),
        None => 0,
    }
}

/// The 128-bit product of `a` and `b`, its halves XORed.
#[inline(always)]
fn fold_mul(a: u64, b: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    (product as u64) ^ ((product >> 64) as u64)
}

/// The 16 bytes of `chunk`, keyed with two secret words and mixed.
#[inline(always)]
fn mix16(chunk: &[u8], key_low: u64, key_high: u64) -> u64 {
    fold_mul(read64(chunk, 0) ^ key_low, read64(chunk, 8) ^ key_high)
}

/// The secret word pairs keying `N` consecutive 16-byte chunks, from byte
/// `start` of the secret on.
const fn chunk_keys<const N: usize>(start: usize) -> [(u64, u64); N] {
    let mut keys = [(0, 0); N];
    let mut index = 0;
    while index < N {
        keys[index] = (secret(start + 16 * index), secret(start + 16 * index + 8));
        index += 1;
    }
    keys
}

/// The 16 bytes of `input` at `at`.
#[inline(always)]
fn chunk(input: &[u8], at: usize) -> &[u8; 16] {
    match input.get(at..).and_then(<[u8]>::first_chunk::<16>) {
        Some(chunk) => chunk,
        None => &[0; 16],
    }
}

/// XXH3's final mix for inputs over 16 bytes.
#[inline(always)]
fn avalanche(mut hash: u64) -> u64 {
    hash ^= hash >> 37;
    hash = hash.wrapping_mul(PRIME_MX1);
    hash ^ (hash >> 32)
}

/// XXH64's final mix, which XXH3 uses for 0 to 3 bytes.
#[inline(always)]
fn avalanche64(mut hash: u64) -> u64 {
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(PRIME64_2);
    hash ^= hash >> 29;
    hash = hash.wrapping_mul(PRIME64_3);
    hash ^ (hash >> 32)
}

/// XXH3's "rrmxmx" mix, for 4 to 8 bytes.
#[inline(always)]
fn rrmxmx(mut hash: u64, len: u64) -> u64 {
    hash ^= hash.rotate_left(49) ^ hash.rotate_left(24);
    hash = hash.wrapping_mul(PRIME_MX2);
    hash ^= (hash >> 35).wrapping_add(len);
    hash = hash.wrapping_mul(PRIME_MX2);
    hash ^ (hash >> 28)
}

/// 0 to 16 bytes.
#[inline(always)]
fn upto16(input: &[u8]) -> u64 {
    let len = input.len();
    if len > 8 {
        let low = read64(input, 0) ^ (secret(24) ^ secret(32));
        let high = read64(input, len - 8) ^ (secret(40) ^ secret(48));
        let acc = (len as u64)
            .wrapping_add(low.swap_bytes())
            .wrapping_add(high)
            .wrapping_add(fold_mul(low, high));
        avalanche(acc)
    } else if len >= 4 {
        let first = read32(input, 0);
        let last = read32(input, len - 4);
        let keyed = (last.wrapping_add(first << 32)) ^ (secret(8) ^ secret(16));
        rrmxmx(keyed, len as u64)
    } else if let (Some(&first), Some(&last)) = (input.first(), input.last()) {
        let middle = input[len / 2];
        let combined = (u64::from(first) << 16)
            | (u64::from(middle) << 24)
            | u64::from(last)
            | ((len as u64) << 8);
        avalanche64(combined ^ (secret32(0) ^ secret32(4)))
    } else {
        avalanche64(secret(56) ^ secret(64))
    }
}

/// 17 to 128 bytes: pairs of 16-byte chunks from both ends.
#[inline(always)]
fn upto128(input: &[u8]) -> u64 {
    let len = input.len();
    let mut acc = (len as u64).wrapping_mul(PRIME64_1);
    if len > 32 {
        if len > 64 {
            if len > 96 {
                acc = acc.wrapping_add(mix16(chunk(input, 48), secret(96), secret(104)));
                acc = acc.wrapping_add(mix16(chunk(input, len - 64), secret(112), secret(120)));
            }
            acc = acc.wrapping_add(mix16(chunk(input, 32), secret(64), secret(72)));
            acc = acc.wrapping_add(mix16(chunk(input, len - 48), secret(80), secret(88)));
        }
        acc = acc.wrapping_add(mix16(chunk(input, 16), secret(32), secret(40)));
        acc = acc.wrapping_add(mix16(chunk(input, len - 32), secret(48), secret(56)));
    }
    acc = acc.wrapping_add(mix16(chunk(input, 0), secret(0), secret(8)));
    acc = acc.wrapping_add(mix16(chunk(input, len - 16), secret(16), secret(24)));
    avalanche(acc)
}

/// 129 to 240 bytes: the first 128 in eight chunks, then the rest.
#[inline(always)]
fn upto240(input: &[u8]) -> u64 {
    /// The keys of the first eight chunks, from the secret's start.
    const FIRST_KEYS: [(u64, u64); 8] = chunk_keys(0);
    /// The keys of the chunks after them, from byte 3 of the secret on.
    const LATER_KEYS: [(u64, u64); 7] = chunk_keys(3);
    let len = input.len();
    let Some((head, rest)) = input.split_first_chunk::<128>() else {
        return xxhash_rust::xxh3::xxh3_64(input);
    };
    let mut acc = (len as u64).wrapping_mul(PRIME64_1);
    for (chunk, (key_low, key_high)) in head.chunks_exact(16).zip(FIRST_KEYS) {
        acc = acc.wrapping_add(mix16(chunk, key_low, key_high));
    }
    acc = avalanche(acc);
    for (chunk, (key_low, key_high)) in rest.chunks_exact(16).zip(LATER_KEYS) {
        acc = acc.wrapping_add(mix16(chunk, key_low, key_high));
    }
    // The last 16 bytes, keyed from 17 bytes before the 136th.
    acc = acc.wrapping_add(mix16(chunk(input, len - 16), secret(119), secret(127)));
    avalanche(acc)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes that vary with their position and `salt`.
    fn bytes(len: usize, salt: u64) -> Vec<u8> {
        let mut state = salt.wrapping_mul(PRIME64_1) | 1;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect()
    }

    #[test]
    fn agrees_with_xxhash_rust_at_every_length() {
        for len in 0..=512 {
            for salt in 0..8 {
                let input = bytes(len, salt);
                assert_eq!(
                    hash64(&input),
                    xxhash_rust::xxh3::xxh3_64(&input),
                    "{len} bytes, salt {salt}"
                );
            }
            let zeros = vec![0u8; len];
            assert_eq!(hash64(&zeros), xxhash_rust::xxh3::xxh3_64(&zeros));
            let ones = vec![0xffu8; len];
            assert_eq!(hash64(&ones), xxhash_rust::xxh3::xxh3_64(&ones));
        }
    }

    #[test]
    fn agrees_inside_a_larger_buffer() {
        // Unaligned starts, and bytes after the end that must not count.
        let buffer = bytes(600, 99);
        for start in 0..8 {
            for len in [0, 1, 3, 4, 8, 9, 16, 17, 100, 128, 129, 200, 240, 241] {
                let input = &buffer[start..start + len];
                assert_eq!(hash64(input), xxhash_rust::xxh3::xxh3_64(input));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_xxhash_rust_on_random_inputs(
            input in proptest::collection::vec(proptest::num::u8::ANY, 0..=300),
        ) {
            proptest::prop_assert_eq!(hash64(&input), xxhash_rust::xxh3::xxh3_64(&input));
        }
    }

    #[test]
    fn known_values() {
        // XXH3-64 with seed 0, from the reference implementation.
        assert_eq!(hash64(b""), 0x2D06_8005_38D3_94C2);
        assert_eq!(hash64(b"a"), 0xE6C6_32B6_1E96_4E1F);
        assert_eq!(hash64(b"abc"), 0x78AF_5F94_892F_3950);
        assert_eq!(hash64(&[b'x'; 200]), 0x50EF_124F_B1E4_DE53);
    }
}
