//! Small, fixed, platform-independent hashing used for feature hashing and the lexicon.
//!
//! Deterministic by design (no random state): the trained model stores buckets computed with
//! these functions, so they must never change without retraining.

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Mixes one value into a running hash.
#[inline(always)]
pub fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(K)
}

/// Final avalanche (MurmurHash3 fmix64).
#[inline(always)]
pub fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    h
}

/// Hash of a string, char by char.
#[inline]
pub fn hash_str(seed: u64, s: &str) -> u64 {
    let mut h = seed;
    for c in s.chars() {
        h = mix(h, c as u64);
    }
    h
}

/// Hash of the lowercase form of a string, without allocating.
#[inline]
pub fn hash_lower(seed: u64, s: &str) -> u64 {
    let mut h = seed;
    for c in s.chars() {
        if c.is_ascii() {
            h = mix(h, c.to_ascii_lowercase() as u64);
        } else {
            for l in c.to_lowercase() {
                h = mix(h, l as u64);
            }
        }
    }
    h
}

/// Hash of a sequence of chars (used for affixes).
#[inline]
pub fn hash_chars(seed: u64, cs: &[char]) -> u64 {
    let mut h = seed;
    for &c in cs {
        h = mix(h, c as u64);
    }
    h
}
