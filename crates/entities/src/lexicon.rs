//! Word clusters and gazetteers: compact fingerprint tables built at training time and shipped
//! inside the model.
//!
//! * Clusters: every word of the spaCy `en_core_web_md` vector table (MIT) maps to its vector
//!   row (20k rows, words sharing a vector share a row) and the row to k-means clusters of the
//!   vectors at three granularities (64, 256, 1024).
//! * Gazetteer: lowercase phrases (countries, cities, regions, first and last names) with class
//!   bits; multi-word phrases also register their prefixes so matching can extend greedily.

use crate::hash::{finish, hash_lower, hash_str};

/// Seed for cluster-table keys.
pub const SEED_WORD: u64 = 0x5eed_0001;
/// Seed for gazetteer keys.
pub const SEED_GAZ: u64 = 0x5eed_0002;

/// Gazetteer classes (bit positions).
pub const GAZ_CLASSES: &[&str] = &[
    "LOC_COUNTRY",
    "LOC_CITY",
    "LOC_REGION",
    "PER_FIRST",
    "PER_LAST",
    "ALIAS",
    "ORG_HEAD",
];
/// Bit set on a gazetteer key that is a proper prefix of a longer phrase.
pub const GAZ_PREFIX: u16 = 1 << 15;
/// Row value meaning "not in the vector table".
pub const NO_ROW: u16 = u16::MAX;

/// Fingerprint of a 64-bit hash: non-zero u32.
#[inline]
pub fn fingerprint(h: u64) -> u32 {
    let f = (finish(h) >> 32) as u32;
    if f == 0 {
        1
    } else {
        f
    }
}

/// Open-addressing map u32 fingerprint -> u16 value.
#[derive(Debug, Clone, Default)]
pub struct FpTable {
    mask: usize,
    keys: Vec<u32>,
    vals: Vec<u16>,
}

impl FpTable {
    /// Builds a table from (fingerprint, value) pairs; later duplicates are OR-ed in for
    /// `merge_or`, else the first wins.
    pub fn build(entries: &[(u32, u16)], merge_or: bool) -> Self {
        let mut cap = 16usize;
        while cap < entries.len() * 2 {
            cap *= 2;
        }
        let mut t = FpTable {
            mask: cap - 1,
            keys: vec![0; cap],
            vals: vec![0; cap],
        };
        for &(k, v) in entries {
            t.insert(k, v, merge_or);
        }
        t
    }

    fn slot(&self, k: u32) -> usize {
        (k.wrapping_mul(0x9E37_79B1) as usize) & self.mask
    }

    fn insert(&mut self, k: u32, v: u16, merge_or: bool) {
        let mut i = self.slot(k);
        loop {
            let cur = self.keys.get(i).copied().unwrap_or(0);
            if cur == 0 {
                if let (Some(kk), Some(vv)) = (self.keys.get_mut(i), self.vals.get_mut(i)) {
                    *kk = k;
                    *vv = v;
                }
                return;
            }
            if cur == k {
                if merge_or {
                    if let Some(vv) = self.vals.get_mut(i) {
                        *vv |= v;
                    }
                }
                return;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Value for a fingerprint.
    #[inline]
    pub fn get(&self, k: u32) -> Option<u16> {
        if self.keys.is_empty() {
            return None;
        }
        let mut i = self.slot(k);
        loop {
            let cur = *self.keys.get(i)?;
            if cur == k {
                return self.vals.get(i).copied();
            }
            if cur == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Entries in slot order (deterministic for a given build input).
    pub fn entries(&self) -> impl Iterator<Item = (u32, u16)> + '_ {
        self.keys
            .iter()
            .zip(self.vals.iter())
            .filter(|(k, _)| **k != 0)
            .map(|(k, v)| (*k, *v))
    }

    pub fn len(&self) -> usize {
        self.keys.iter().filter(|k| **k != 0).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Cluster ids of one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Clusters {
    pub row: u16,
    pub c64: u16,
    pub c256: u16,
    pub c1024: u16,
}

impl Clusters {
    pub const UNKNOWN: Clusters = Clusters {
        row: NO_ROW,
        c64: NO_ROW,
        c256: NO_ROW,
        c1024: NO_ROW,
    };
}

/// Clusters and gazetteer.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    pub words: FpTable,
    /// Per vector row: (c64, c256, c1024).
    pub rows: Vec<[u16; 3]>,
    pub gaz: FpTable,
}

impl Lexicon {
    /// Clusters of a token: exact form first, then lowercase.
    #[inline]
    pub fn clusters(&self, tok: &str) -> Clusters {
        let row = self
            .words
            .get(fingerprint(hash_str(SEED_WORD, tok)))
            .or_else(|| self.words.get(fingerprint(hash_lower(SEED_WORD, tok))));
        match row {
            Some(r) => match self.rows.get(r as usize) {
                Some(c) => Clusters {
                    row: r,
                    c64: c[0],
                    c256: c[1],
                    c1024: c[2],
                },
                None => Clusters::UNKNOWN,
            },
            None => Clusters::UNKNOWN,
        }
    }

    /// Gazetteer bits of a lowercase phrase hash (see [`gaz_extend`]).
    #[inline]
    pub fn gaz_get(&self, phrase_hash: u64) -> Option<u16> {
        self.gaz.get(fingerprint(phrase_hash))
    }

    /// Parses `clusters.tsv` (word, row, k64, k256, k1024) and `gazetteer.tsv` (phrase, class).
    pub fn from_tsv(clusters: &str, gazetteer: &str) -> Result<Self, String> {
        let mut words = Vec::new();
        let mut rows: Vec<[u16; 3]> = Vec::new();
        for (n, line) in clusters.lines().enumerate() {
            if line.is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 5 {
                return Err(format!("clusters line {}: expected 5 fields", n + 1));
            }
            let p = |s: &str| s.parse::<u16>().map_err(|e| format!("line {}: {e}", n + 1));
            let row = p(f[1])?;
            let c = [p(f[2])?, p(f[3])?, p(f[4])?];
            if rows.len() <= row as usize {
                rows.resize(row as usize + 1, [NO_ROW; 3]);
            }
            rows[row as usize] = c;
            words.push((fingerprint(hash_str(SEED_WORD, f[0])), row));
        }
        let mut gaz = Vec::new();
        for line in gazetteer.lines() {
            let mut it = line.split('\t');
            let (Some(phrase), Some(class)) = (it.next(), it.next()) else {
                continue;
            };
            let Some(bit) = GAZ_CLASSES.iter().position(|c| *c == class) else {
                return Err(format!("unknown gazetteer class {class}"));
            };
            add_phrase(&mut gaz, phrase, 1u16 << bit);
        }
        Ok(Lexicon {
            words: FpTable::build(&words, false),
            rows,
            gaz: FpTable::build(&gaz, true),
        })
    }
}

/// Adds a gazetteer phrase (split on spaces, lowercased) and its prefixes.
pub fn add_phrase(out: &mut Vec<(u32, u16)>, phrase: &str, bits: u16) {
    let parts: Vec<&str> = phrase.split(' ').filter(|p| !p.is_empty()).collect();
    let mut h = SEED_GAZ;
    for (i, p) in parts.iter().enumerate() {
        h = gaz_extend(h, i, p);
        if i + 1 == parts.len() {
            out.push((fingerprint(h), bits));
        } else {
            out.push((fingerprint(h), GAZ_PREFIX));
        }
    }
}

/// Extends a gazetteer phrase hash with the `i`-th token.
#[inline]
pub fn gaz_extend(h: u64, i: usize, tok: &str) -> u64 {
    let h = if i > 0 {
        crate::hash::mix(h, ' ' as u64)
    } else {
        h
    };
    hash_lower(h, tok)
}
