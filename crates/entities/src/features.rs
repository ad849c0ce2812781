//! Feature extraction for the tagger.
//!
//! Each token is first summarised once ([`TokInfo`]: hashes of its lowercase form, exact form,
//! shape and affixes, its word clusters and gazetteer matches); the features of token `i` then
//! combine the summaries of a five-token window with the sentence's capitalisation context
//! (all-caps headline, title case, all lowercase, normal). Features are 64-bit hashes, reduced
//! to a weight bucket by the model. Nothing here allocates per token.

use crate::hash::{finish, hash_chars, hash_lower, hash_str, mix};
use crate::lexicon::{gaz_extend, Clusters, Lexicon, GAZ_CLASSES, GAZ_PREFIX, NO_ROW};

/// Upper bound on the number of features of one token.
pub const MAX_FEATS: usize = 64;
/// Longest gazetteer phrase, in tokens.
const MAX_GAZ_LEN: usize = 6;

/// Sentence capitalisation context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum CaseContext {
    Normal = 0,
    Lower = 1,
    Upper = 2,
    Title = 3,
}

/// Token flags.
pub const F_INIT_CAP: u8 = 1;
pub const F_ALL_CAPS: u8 = 2;
pub const F_HAS_DIGIT: u8 = 4;
pub const F_ALPHA: u8 = 8;
pub const F_PUNCT: u8 = 16;
pub const F_HAS_LOWER: u8 = 32;

/// Per-token summary.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokInfo {
    pub lower: u64,
    pub exact: u64,
    pub shape: u64,
    pub prefix: [u64; 3],
    pub suffix: [u64; 4],
    pub clusters: Clusters,
    /// Gazetteer matches: bit (class * 4 + position) with position 0=B,1=I,2=L,3=U.
    pub gaz: u32,
    pub flags: u8,
    pub len: u8,
}

/// Summarises one token.
pub fn tok_info(tok: &str, lex: &Lexicon) -> TokInfo {
    let mut flags = 0u8;
    let mut n = 0usize;
    let mut upper = 0usize;
    let mut lower_n = 0usize;
    let mut alpha = 0usize;
    let mut digit = false;
    let mut shape = 0x5a5a_u64;
    let mut last_shape = '\0';
    let mut shape_len = 0;
    let mut pre = ['\0'; 3];
    let mut suf = ['\0'; 4]; // ring buffer of the last 4 lowercase chars
    for c in tok.chars() {
        let lc = if c.is_ascii() {
            c.to_ascii_lowercase()
        } else {
            c.to_lowercase().next().unwrap_or(c)
        };
        if n < 3 {
            if let Some(p) = pre.get_mut(n) {
                *p = lc;
            }
        }
        if let Some(s) = suf.get_mut(n % 4) {
            *s = lc;
        }
        n += 1;
        let sc = if c.is_uppercase() {
            upper += 1;
            alpha += 1;
            'X'
        } else if c.is_lowercase() {
            lower_n += 1;
            alpha += 1;
            'x'
        } else if c.is_numeric() {
            digit = true;
            'd'
        } else if c.is_alphabetic() {
            alpha += 1;
            'x'
        } else {
            c
        };
        if sc != last_shape && shape_len < 8 {
            shape = mix(shape, sc as u64);
            shape_len += 1;
            last_shape = sc;
        }
    }
    if tok.chars().next().is_some_and(|c| c.is_uppercase()) {
        flags |= F_INIT_CAP;
    }
    if upper > 0 && lower_n == 0 {
        flags |= F_ALL_CAPS;
    }
    if lower_n > 0 {
        flags |= F_HAS_LOWER;
    }
    if digit {
        flags |= F_HAS_DIGIT;
    }
    if alpha > 0 {
        flags |= F_ALPHA;
    }
    if alpha == 0 && !digit {
        flags |= F_PUNCT;
    }
    let mut prefix = [0u64; 3];
    for (k, p) in prefix.iter_mut().enumerate() {
        if n > k + 1 {
            *p = hash_chars(0x1000 + k as u64, pre.get(..=k).unwrap_or(&[]));
        }
    }
    let mut suffix = [0u64; 4];
    for (k, s) in suffix.iter_mut().enumerate() {
        let len = k + 1;
        if n > len {
            let mut h = 0x2000 + k as u64;
            for j in 0..len {
                let idx = (n - len + j) % 4;
                h = mix(h, suf.get(idx).copied().unwrap_or('\0') as u64);
            }
            *s = h;
        }
    }
    let clusters = if alpha > 0 {
        lex.clusters(tok)
    } else {
        Clusters::UNKNOWN
    };
    TokInfo {
        lower: hash_lower(0x3000, tok),
        exact: hash_str(0x4000, tok),
        shape,
        prefix,
        suffix,
        clusters,
        gaz: 0,
        flags,
        len: n.min(255) as u8,
    }
}

/// Marks gazetteer matches (longest match first, left to right) in `infos` for `toks`.
pub fn mark_gazetteer<'a, F>(lex: &Lexicon, n: usize, tok: F, infos: &mut [TokInfo])
where
    F: Fn(usize) -> &'a str,
{
    let mut i = 0;
    while i < n {
        let mut h = crate::lexicon::SEED_GAZ;
        let mut best: Option<(usize, u16)> = None;
        let mut j = i;
        while j < n && j - i < MAX_GAZ_LEN {
            let t = tok(j);
            if t.is_empty() || !t.chars().next().is_some_and(|c| c.is_alphanumeric()) {
                break;
            }
            h = gaz_extend(h, j - i, t);
            match lex.gaz_get(h) {
                Some(bits) => {
                    let cls = bits & !GAZ_PREFIX;
                    if cls != 0 {
                        best = Some((j + 1, cls));
                    }
                    if bits & GAZ_PREFIX == 0 {
                        break;
                    }
                }
                None => break,
            }
            j += 1;
        }
        if let Some((end, cls)) = best {
            for c in 0..GAZ_CLASSES.len() {
                if cls & (1 << c) == 0 {
                    continue;
                }
                for k in i..end {
                    let pos = if end - i == 1 {
                        3
                    } else if k == i {
                        0
                    } else if k + 1 == end {
                        2
                    } else {
                        1
                    };
                    if let Some(info) = infos.get_mut(k) {
                        info.gaz |= 1 << (c * 4 + pos);
                    }
                }
            }
            i = end;
        } else {
            i += 1;
        }
    }
}

/// Capitalisation context of a sentence.
pub fn case_context(infos: &[TokInfo]) -> CaseContext {
    let mut alpha = 0;
    let mut caps = 0;
    let mut init = 0;
    let mut lower_init = 0;
    for (k, t) in infos.iter().enumerate() {
        if t.flags & F_ALPHA == 0 {
            continue;
        }
        alpha += 1;
        if t.flags & F_ALL_CAPS != 0 && t.len > 1 {
            caps += 1;
        }
        if t.flags & F_INIT_CAP != 0 {
            if k > 0 {
                init += 1;
            }
        } else {
            lower_init += 1;
        }
    }
    if alpha >= 3 && caps * 10 >= alpha * 7 {
        CaseContext::Upper
    } else if alpha >= 4 && lower_init * 10 <= alpha * 2 {
        CaseContext::Title
    } else if alpha >= 2
        && init == 0
        && infos
            .iter()
            .all(|t| t.flags & F_ALL_CAPS == 0 || t.len <= 1)
    {
        CaseContext::Lower
    } else {
        CaseContext::Normal
    }
}

const NONE: u64 = 0xdead_beef;

#[inline(always)]
fn f1(t: u64, a: u64) -> u64 {
    finish(mix(mix(0x9999, t), a))
}

#[inline(always)]
fn f2(t: u64, a: u64, b: u64) -> u64 {
    finish(mix(mix(mix(0x7777, t), a), b))
}

/// Writes the feature hashes of token `i` of a sentence into `out`; returns how many.
pub fn token_features(
    infos: &[TokInfo],
    i: usize,
    ctx: CaseContext,
    out: &mut [u64; MAX_FEATS],
) -> usize {
    let mut n = 0;
    let mut push = |h: u64| {
        if let Some(slot) = out.get_mut(n) {
            *slot = h;
            n += 1;
        }
    };
    let Some(cur) = infos.get(i) else {
        return 0;
    };
    let at = |d: isize| -> Option<&TokInfo> {
        let j = i as isize + d;
        if j < 0 {
            None
        } else {
            infos.get(j as usize)
        }
    };
    let lw = |d: isize| at(d).map_or(NONE.wrapping_add(d as u64), |t| t.lower);
    let sh = |d: isize| at(d).map_or(NONE.wrapping_add(d as u64), |t| t.shape);
    let cl = |d: isize, which: u8| {
        at(d).map_or(NONE.wrapping_add(d as u64), |t| match which {
            0 => t.clusters.row as u64,
            1 => t.clusters.c64 as u64,
            2 => t.clusters.c256 as u64,
            _ => t.clusters.c1024 as u64,
        })
    };
    let c = ctx as u64;
    push(f1(1, 0));
    push(f1(2, cur.lower));
    push(f1(3, lw(-1)));
    push(f1(4, lw(1)));
    push(f1(5, lw(-2)));
    push(f1(6, lw(2)));
    push(f2(7, cur.shape, c));
    push(f2(8, sh(-1), cur.shape));
    push(f2(9, cur.shape, sh(1)));
    push(f1(10, sh(-1)));
    push(f1(11, sh(1)));
    for (k, &p) in cur.prefix.iter().enumerate() {
        if p != 0 {
            push(f1(12 + k as u64, p));
        }
    }
    for (k, &s) in cur.suffix.iter().enumerate() {
        if s != 0 {
            push(f1(16 + k as u64, s));
        }
    }
    if cur.clusters.row != NO_ROW {
        push(f1(20, cur.clusters.row as u64));
        push(f1(21, cur.clusters.c64 as u64));
        push(f1(22, cur.clusters.c256 as u64));
        push(f1(23, cur.clusters.c1024 as u64));
        push(f2(24, cur.clusters.c256 as u64, cur.shape));
        push(f2(25, cur.clusters.c1024 as u64, c));
    } else {
        push(f2(26, cur.shape, c));
    }
    push(f1(27, cl(-1, 2)));
    push(f1(28, cl(1, 2)));
    push(f1(29, cl(-1, 3)));
    push(f1(30, cl(1, 3)));
    push(f1(31, cl(-1, 0)));
    push(f1(32, cl(1, 0)));
    push(f2(33, lw(-1), cur.lower));
    push(f2(34, cur.lower, lw(1)));
    push(f2(35, lw(-1), cur.shape));
    push(f2(36, cur.shape, lw(1)));
    push(f1(37, cur.exact));
    push(f2(38, (i == 0) as u64, cur.flags as u64 | (c << 8)));
    push(f2(39, cur.flags as u64, c));
    let mut g = cur.gaz;
    while g != 0 {
        let b = g.trailing_zeros() as u64;
        push(f1(40, b));
        push(f2(41, b, cur.flags as u64 & 3));
        g &= g - 1;
    }
    if let Some(p) = at(-1) {
        if p.gaz != 0 {
            push(f1(42, p.gaz as u64));
        }
    }
    if let Some(nx) = at(1) {
        if nx.gaz != 0 {
            push(f1(43, nx.gaz as u64));
        }
    }
    push(f2(44, cl(-1, 2), cl(0, 2)));
    push(f2(45, cl(0, 2), cl(1, 2)));
    push(f1(46, cur.len.min(12) as u64 | ((cur.flags as u64) << 8)));
    n
}
