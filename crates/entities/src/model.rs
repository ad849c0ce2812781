//! The sequence tagger: a structured averaged perceptron over hashed features with BILOU
//! labels and first-order transitions, decoded with constrained Viterbi.
//!
//! Weights are trained in `f32`, averaged, and stored quantised to `i16` with one scale, so
//! tagging is integer arithmetic over a dense table (`buckets x labels`).

use crate::features::{case_context, token_features, TokInfo, MAX_FEATS};
use crate::EntityType;

/// Number of labels: O + 4 types x (B, I, L, U).
pub const N_LABELS: usize = 17;
/// Types in label order.
pub const TYPES: [EntityType; 4] = [
    EntityType::PER,
    EntityType::ORG,
    EntityType::LOC,
    EntityType::MISC,
];

/// Position part of a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pos {
    O,
    B,
    I,
    L,
    U,
}

/// Label index from position and type index.
pub const fn label(pos: Pos, ty: usize) -> usize {
    match pos {
        Pos::O => 0,
        Pos::B => 1 + ty * 4,
        Pos::I => 2 + ty * 4,
        Pos::L => 3 + ty * 4,
        Pos::U => 4 + ty * 4,
    }
}

/// Position and type index of a label.
pub fn split_label(l: usize) -> (Pos, usize) {
    if l == 0 || l >= N_LABELS {
        return (Pos::O, 0);
    }
    let ty = (l - 1) / 4;
    let pos = match (l - 1) % 4 {
        0 => Pos::B,
        1 => Pos::I,
        2 => Pos::L,
        _ => Pos::U,
    };
    (pos, ty)
}

/// Whether `cur` may follow `prev` (`None` = sentence start).
pub fn allowed(prev: Option<usize>, cur: usize) -> bool {
    let (cp, ct) = split_label(cur);
    let open = match prev {
        None => None,
        Some(p) => match split_label(p) {
            (Pos::B | Pos::I, t) => Some(t),
            _ => None,
        },
    };
    match open {
        Some(t) => matches!(cp, Pos::I | Pos::L) && ct == t,
        None => matches!(cp, Pos::O | Pos::B | Pos::U),
    }
}

/// Whether a sentence may end on `l`.
pub fn allowed_end(l: usize) -> bool {
    matches!(split_label(l).0, Pos::O | Pos::L | Pos::U)
}

/// Scratch buffers reused across sentences.
#[derive(Debug, Default)]
pub struct Scratch {
    pub scores: Vec<i32>,
    pub back: Vec<u8>,
    pub labels: Vec<u8>,
    pub feats: Vec<u32>,
}

/// A trained tagger.
#[derive(Debug, Clone)]
pub struct Tagger {
    pub bits: u32,
    /// `buckets * N_LABELS`, quantised.
    pub weights: Vec<i16>,
    /// `(N_LABELS + 1) * N_LABELS`: row `N_LABELS` is the sentence start.
    pub trans: Vec<i32>,
}

/// Bucket of a feature hash.
#[inline(always)]
pub fn bucket(h: u64, bits: u32) -> usize {
    (h >> (64 - bits)) as usize
}

impl Tagger {
    /// Tags one sentence; labels are written to `scratch.labels`.
    ///
    /// The feature buckets of token `i + 1` are computed and prefetched before the weights of
    /// token `i` are summed, so the table's cache misses overlap.
    pub fn tag(&self, infos: &[TokInfo], scratch: &mut Scratch) {
        let n = infos.len();
        scratch.scores.clear();
        scratch.scores.resize(n * N_LABELS, 0);
        let ctx = case_context(infos);
        let mut fs = [0u64; MAX_FEATS];
        let mut cur = [0u32; MAX_FEATS];
        let mut next = [0u32; MAX_FEATS];
        let mut cur_n = 0;
        if n > 0 {
            cur_n = self.buckets(infos, 0, ctx, &mut fs, &mut cur);
        }
        for i in 0..n {
            let next_n = if i + 1 < n {
                self.buckets(infos, i + 1, ctx, &mut fs, &mut next)
            } else {
                0
            };
            if let Some(row) = scratch.scores.get_mut(i * N_LABELS..(i + 1) * N_LABELS) {
                let mut acc = [0i32; N_LABELS];
                for &b in cur.iter().take(cur_n) {
                    let b = b as usize;
                    if let Some(w) = self.weights.get(b * N_LABELS..(b + 1) * N_LABELS) {
                        for (s, &x) in acc.iter_mut().zip(w.iter()) {
                            *s += x as i32;
                        }
                    }
                }
                row.copy_from_slice(&acc);
            }
            std::mem::swap(&mut cur, &mut next);
            cur_n = next_n;
        }
        viterbi_i32(
            &scratch.scores,
            &self.trans,
            n,
            &mut scratch.back,
            &mut scratch.labels,
        );
    }

    /// Buckets of token `i`'s features, with their weight rows prefetched.
    #[inline]
    fn buckets(
        &self,
        infos: &[TokInfo],
        i: usize,
        ctx: crate::features::CaseContext,
        fs: &mut [u64; MAX_FEATS],
        out: &mut [u32; MAX_FEATS],
    ) -> usize {
        let k = token_features(infos, i, ctx, fs);
        for (o, &h) in out.iter_mut().zip(fs.iter().take(k)) {
            let b = bucket(h, self.bits);
            *o = b as u32;
            prefetch(self.weights.get(b * N_LABELS..));
        }
        k
    }
}

#[inline(always)]
fn prefetch(row: Option<&[i16]>) {
    #[cfg(target_arch = "x86_64")]
    if let Some(r) = row {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let p = r.as_ptr() as *const i8;
        // SAFETY: a prefetch is only a hint; it never faults, whatever the address, and SSE
        // is part of the x86_64 baseline.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p) };
        // A 34-byte row crosses a cache line about half the time: fetch its last byte's line
        // too (the same line when it does not cross, which costs nothing).
        let last = p.wrapping_add((r.len().min(N_LABELS) * 2).saturating_sub(1));
        // SAFETY: as above.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(last) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = row;
}

/// 64 buckets of the packed table: which have a non-zero row, and how many non-zero rows come
/// before them.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(16))]
struct RankWord {
    present: u64,
    before: u32,
}

/// The tagger as used at run time: only the non-zero weight rows, in bucket order.
///
/// Fewer than one bucket in ten has a non-zero row (hashed features mostly land in buckets no
/// training feature reached), so the dense table is ~36 MB of mostly zeros and every feature
/// lookup is a cache miss. Packed, the rows take ~3.3 MB and the rank index (one 16-byte word
/// per 64 buckets) 256 KB, which stay in cache; a feature whose bucket has no row is dropped
/// before any load. Scores are the same integer sums as [`Tagger::tag`]'s (adding a zero row
/// changes nothing), so the labels are identical.
#[derive(Debug, Clone)]
pub struct PackedTagger {
    pub bits: u32,
    index: Vec<RankWord>,
    rows: Vec<[i16; N_LABELS]>,
    trans: Vec<i32>,
}

impl PackedTagger {
    /// Packs a trained tagger.
    pub fn new(t: &Tagger) -> Self {
        let mut index = Vec::new();
        let mut rows = Vec::new();
        for (b, w) in t.weights.chunks_exact(N_LABELS).enumerate() {
            if b % 64 == 0 {
                index.push(RankWord {
                    present: 0,
                    before: rows.len() as u32,
                });
            }
            if w.iter().all(|&x| x == 0) {
                continue;
            }
            if let (Some(word), Ok(row)) = (index.last_mut(), <[i16; N_LABELS]>::try_from(w)) {
                word.present |= 1 << (b % 64);
                rows.push(row);
            }
        }
        PackedTagger {
            bits: t.bits,
            index,
            rows,
            trans: t.trans.clone(),
        }
    }

    /// Index into `rows` of bucket `b`'s row, if it is non-zero.
    #[inline(always)]
    fn row_of(&self, b: usize) -> Option<usize> {
        let w = self.index.get(b >> 6)?;
        let bit = 1u64 << (b & 63);
        if w.present & bit == 0 {
            return None;
        }
        Some(w.before as usize + (w.present & (bit - 1)).count_ones() as usize)
    }

    /// Tags one sentence; labels are written to `scratch.labels` (the same as [`Tagger::tag`]).
    ///
    /// The rows of token `i + 1` are found and prefetched before those of token `i` are summed.
    pub fn tag(&self, infos: &[TokInfo], scratch: &mut Scratch) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU has POPCNT, checked just above.
            unsafe { self.tag_popcnt(infos, scratch) };
            return;
        }
        self.tag_any(infos, scratch);
    }

    /// [`Self::tag`] compiled with the POPCNT instruction for the rank lookups (the x86_64
    /// baseline lacks it, and the portable bit count is a dozen instructions per feature).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    unsafe fn tag_popcnt(&self, infos: &[TokInfo], scratch: &mut Scratch) {
        self.tag_any(infos, scratch);
    }

    #[inline(always)]
    fn tag_any(&self, infos: &[TokInfo], scratch: &mut Scratch) {
        let n = infos.len();
        scratch.scores.clear();
        scratch.scores.resize(n * N_LABELS, 0);
        let ctx = case_context(infos);
        let mut fs = [0u64; MAX_FEATS];
        let mut cur = [0u32; MAX_FEATS];
        let mut next = [0u32; MAX_FEATS];
        let mut cur_n = 0;
        if n > 0 {
            cur_n = self.rows_of(infos, 0, ctx, &mut fs, &mut cur);
        }
        for (i, row) in scratch.scores.chunks_exact_mut(N_LABELS).enumerate() {
            let next_n = if i + 1 < n {
                self.rows_of(infos, i + 1, ctx, &mut fs, &mut next)
            } else {
                0
            };
            let mut acc = [0i32; N_LABELS];
            for &r in cur.iter().take(cur_n) {
                if let Some(w) = self.rows.get(r as usize) {
                    for (s, &x) in acc.iter_mut().zip(w.iter()) {
                        *s += x as i32;
                    }
                }
            }
            row.copy_from_slice(&acc);
            std::mem::swap(&mut cur, &mut next);
            cur_n = next_n;
        }
        viterbi_i32(
            &scratch.scores,
            &self.trans,
            n,
            &mut scratch.back,
            &mut scratch.labels,
        );
    }

    /// Non-zero rows of token `i`'s features, prefetched; returns how many.
    #[inline(always)]
    fn rows_of(
        &self,
        infos: &[TokInfo],
        i: usize,
        ctx: crate::features::CaseContext,
        fs: &mut [u64; MAX_FEATS],
        out: &mut [u32; MAX_FEATS],
    ) -> usize {
        let k = token_features(infos, i, ctx, fs);
        let mut m = 0;
        for &h in fs.iter().take(k) {
            let Some(r) = self.row_of(bucket(h, self.bits)) else {
                continue;
            };
            if let Some(o) = out.get_mut(m) {
                *o = r as u32;
                m += 1;
            }
            prefetch(self.rows.get(r).map(|x| &x[..]));
        }
        m
    }
}

/// Targets that any closed state may precede: O, B-*, U-*.
const OPENERS: [usize; 9] = [0, 1, 4, 5, 8, 9, 12, 13, 16];
/// Closed states (O, L-*, U-*): the only predecessors of [`OPENERS`], in ascending order.
const CLOSED: [usize; 9] = [0, 3, 4, 7, 8, 11, 12, 15, 16];

/// Emission scores of token `i` (missing entries count 0, as the table lookup always did).
#[inline(always)]
fn emissions(scores: &[i32], i: usize) -> [i32; N_LABELS] {
    match scores
        .get(i * N_LABELS..(i + 1) * N_LABELS)
        .and_then(|r| <[i32; N_LABELS]>::try_from(r).ok())
    {
        Some(row) => row,
        None => std::array::from_fn(|l| scores.get(i * N_LABELS + l).copied().unwrap_or(0)),
    }
}

const NEG: i64 = i64::MIN / 4;

/// Constrained Viterbi over integer scores.
///
/// Only 97 of the 289 label pairs are allowed transitions, and they have a fixed structure:
/// O/B/U follow exactly the closed states, I-t/L-t follow exactly B-t and I-t. From the second
/// token on every state is reachable, so the steps after the first visit only those pairs, in
/// ascending predecessor order with a strict `>` (ties go to the lowest predecessor, as in a
/// scan of the full table). The first step, where I and L states are still unreachable, keeps
/// the general scan.
pub fn viterbi_i32(scores: &[i32], trans: &[i32], n: usize, back: &mut Vec<u8>, out: &mut Vec<u8>) {
    out.clear();
    if n == 0 {
        return;
    }
    back.clear();
    back.resize(n * N_LABELS, 0);
    // Transitions widened once per sentence; row N_LABELS is the sentence start.
    let mut t = [[0i64; N_LABELS]; N_LABELS + 1];
    for (p, row) in t.iter_mut().enumerate() {
        for (l, x) in row.iter_mut().enumerate() {
            *x = trans.get(p * N_LABELS + l).copied().unwrap_or(0) as i64;
        }
    }
    let mut prev = [NEG; N_LABELS];
    let e0 = emissions(scores, 0);
    for (l, p) in prev.iter_mut().enumerate() {
        if allowed(None, l) {
            *p = e0[l] as i64 + t[N_LABELS][l];
        }
    }
    for (i, brow) in back.chunks_exact_mut(N_LABELS).enumerate().skip(1) {
        let Ok(brow) = <&mut [u8; N_LABELS]>::try_from(brow) else {
            continue;
        };
        let e = emissions(scores, i);
        prev = if i == 1 {
            step_general(&prev, &t, &e, brow)
        } else {
            step_reachable(&prev, &t, &e, brow)
        };
    }
    let mut best = NEG;
    let mut arg = 0usize;
    for (l, &v) in prev.iter().enumerate() {
        if v != NEG && allowed_end(l) && v > best {
            best = v;
            arg = l;
        }
    }
    out.resize(n, 0);
    let mut l = arg;
    for i in (0..n).rev() {
        if let Some(o) = out.get_mut(i) {
            *o = l as u8;
        }
        if i > 0 {
            l = back.get(i * N_LABELS + l).copied().unwrap_or(0) as usize;
        }
    }
}

/// One step over the full table, skipping unreachable predecessors.
#[inline]
fn step_general(
    prev: &[i64; N_LABELS],
    t: &[[i64; N_LABELS]; N_LABELS + 1],
    e: &[i32; N_LABELS],
    back: &mut [u8; N_LABELS],
) -> [i64; N_LABELS] {
    let mut cur = [NEG; N_LABELS];
    for l in 0..N_LABELS {
        let mut best = NEG;
        let mut arg = 0u8;
        for p in 0..N_LABELS {
            let pv = prev[p];
            if pv == NEG || !ALLOWED[p][l] {
                continue;
            }
            let v = pv + t[p][l];
            if v > best {
                best = v;
                arg = p as u8;
            }
        }
        if best != NEG {
            cur[l] = best + e[l] as i64;
        }
        back[l] = arg;
    }
    cur
}

/// One step when every predecessor is reachable: only the allowed pairs.
#[inline]
fn step_reachable(
    prev: &[i64; N_LABELS],
    t: &[[i64; N_LABELS]; N_LABELS + 1],
    e: &[i32; N_LABELS],
    back: &mut [u8; N_LABELS],
) -> [i64; N_LABELS] {
    let mut cur = [NEG; N_LABELS];
    for l in OPENERS {
        let mut best = NEG;
        let mut arg = 0u8;
        for p in CLOSED {
            let v = prev[p] + t[p][l];
            if v > best {
                best = v;
                arg = p as u8;
            }
        }
        cur[l] = best + e[l] as i64;
        back[l] = arg;
    }
    for ty in 0..TYPES.len() {
        let b = label(Pos::B, ty);
        let i = label(Pos::I, ty);
        for l in [i, label(Pos::L, ty)] {
            let vb = prev[b] + t[b][l];
            let vi = prev[i] + t[i][l];
            let (best, arg) = if vi > vb { (vi, i) } else { (vb, b) };
            cur[l] = best + e[l] as i64;
            back[l] = arg as u8;
        }
    }
    cur
}

/// Transition allowance table.
static ALLOWED: [[bool; N_LABELS]; N_LABELS] = {
    let mut t = [[false; N_LABELS]; N_LABELS];
    let mut p = 0;
    while p < N_LABELS {
        let mut c = 0;
        while c < N_LABELS {
            // const re-implementation of `allowed`
            let open = if p == 0 {
                None
            } else {
                let pos = (p - 1) % 4;
                if pos == 0 || pos == 1 {
                    Some((p - 1) / 4)
                } else {
                    None
                }
            };
            let cpos = if c == 0 { 4 } else { (c - 1) % 4 }; // 4 = O
            let cty = if c == 0 { 99 } else { (c - 1) / 4 };
            t[p][c] = match open {
                Some(ty) => (cpos == 1 || cpos == 2) && cty == ty,
                None => cpos == 4 || cpos == 0 || cpos == 3,
            };
            c += 1;
        }
        p += 1;
    }
    t
};

/// Serialization of the tagger and lexicon into one gzip-compressed model file.
pub mod io {
    use super::{Tagger, N_LABELS};
    use crate::lexicon::{FpTable, Lexicon};
    use std::io::{Read, Write};

    const MAGIC: &[u8; 8] = b"NERPCP01";

    struct W(Vec<u8>);
    impl W {
        fn u32(&mut self, x: u32) {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
        fn i32(&mut self, x: i32) {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
        fn u16(&mut self, x: u16) {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
    }

    struct R<'a> {
        b: &'a [u8],
        p: usize,
    }
    impl R<'_> {
        fn take(&mut self, n: usize) -> Result<&[u8], String> {
            let s = self
                .b
                .get(self.p..self.p.saturating_add(n))
                .ok_or_else(|| format!("truncated at byte {}", self.p))?;
            self.p += n;
            Ok(s)
        }
        fn u32(&mut self) -> Result<u32, String> {
            let s = self.take(4)?;
            Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        }
        fn i32(&mut self) -> Result<i32, String> {
            Ok(self.u32()? as i32)
        }
        fn u16(&mut self) -> Result<u16, String> {
            let s = self.take(2)?;
            Ok(u16::from_le_bytes([s[0], s[1]]))
        }
    }

    /// Serialises (uncompressed payload, then gzip).
    pub fn write(tagger: &Tagger, lex: &Lexicon) -> Result<Vec<u8>, String> {
        let mut w = W(Vec::new());
        w.0.extend_from_slice(MAGIC);
        w.u32(tagger.bits);
        w.u32(N_LABELS as u32);
        // Sparse rows: bitmap of non-zero rows, then their weights.
        let buckets = 1usize << tagger.bits;
        let mut bitmap = vec![0u8; buckets.div_ceil(8)];
        let mut rows = Vec::new();
        for b in 0..buckets {
            let row = &tagger.weights[b * N_LABELS..(b + 1) * N_LABELS];
            if row.iter().any(|&x| x != 0) {
                bitmap[b / 8] |= 1 << (b % 8);
                rows.push(b);
            }
        }
        w.0.extend_from_slice(&bitmap);
        for b in rows {
            for &x in &tagger.weights[b * N_LABELS..(b + 1) * N_LABELS] {
                w.u16(x as u16);
            }
        }
        w.u32(tagger.trans.len() as u32);
        for &t in &tagger.trans {
            w.i32(t);
        }
        // Lexicon.
        w.u32(lex.rows.len() as u32);
        for r in &lex.rows {
            for &c in r {
                w.u16(c);
            }
        }
        for table in [&lex.words, &lex.gaz] {
            let mut e: Vec<(u32, u16)> = table.entries().collect();
            e.sort_unstable();
            w.u32(e.len() as u32);
            for &(k, _) in &e {
                w.u32(k);
            }
            for &(_, v) in &e {
                w.u16(v);
            }
        }
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&w.0).map_err(|e| e.to_string())?;
        enc.finish().map_err(|e| e.to_string())
    }

    /// Inverse of [`write`].
    pub fn read(gz: &[u8]) -> Result<(Tagger, Lexicon), String> {
        let mut buf = Vec::new();
        flate2::read::GzDecoder::new(gz)
            .read_to_end(&mut buf)
            .map_err(|e| format!("gzip: {e}"))?;
        let mut r = R { b: &buf, p: 0 };
        if r.take(8)? != MAGIC {
            return Err("bad magic".into());
        }
        let bits = r.u32()?;
        if !(8..=26).contains(&bits) {
            return Err(format!("bad bucket bits {bits}"));
        }
        if r.u32()? as usize != N_LABELS {
            return Err("label count mismatch".into());
        }
        let buckets = 1usize << bits;
        let bitmap = r.take(buckets.div_ceil(8))?.to_vec();
        let mut weights = vec![0i16; buckets * N_LABELS];
        for b in 0..buckets {
            if bitmap.get(b / 8).is_some_and(|x| x & (1 << (b % 8)) != 0) {
                let s = r.take(2 * N_LABELS)?;
                for (k, ch) in s.chunks_exact(2).enumerate() {
                    if let Some(wt) = weights.get_mut(b * N_LABELS + k) {
                        *wt = i16::from_le_bytes([ch[0], ch[1]]);
                    }
                }
            }
        }
        let nt = r.u32()? as usize;
        if nt != (N_LABELS + 1) * N_LABELS {
            return Err("transition size mismatch".into());
        }
        let mut trans = Vec::with_capacity(nt);
        for _ in 0..nt {
            trans.push(r.i32()?);
        }
        let nrows = r.u32()? as usize;
        let mut rows = Vec::with_capacity(nrows.min(1 << 20));
        for _ in 0..nrows {
            rows.push([r.u16()?, r.u16()?, r.u16()?]);
        }
        let mut tables = Vec::new();
        for _ in 0..2 {
            let n = r.u32()? as usize;
            let keys = r.take(n.saturating_mul(4))?.to_vec();
            let vals = r.take(n.saturating_mul(2))?.to_vec();
            let e: Vec<(u32, u16)> = keys
                .chunks_exact(4)
                .zip(vals.chunks_exact(2))
                .map(|(k, v)| {
                    (
                        u32::from_le_bytes([k[0], k[1], k[2], k[3]]),
                        u16::from_le_bytes([v[0], v[1]]),
                    )
                })
                .collect();
            tables.push(FpTable::build(&e, true));
        }
        let gaz = tables.pop().unwrap_or_default();
        let words = tables.pop().unwrap_or_default();
        Ok((
            Tagger {
                bits,
                weights,
                trans,
            },
            Lexicon { words, rows, gaz },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The full-table Viterbi that `viterbi_i32` replaced: the trainer's, which scans every
    /// label pair (integer scores are exact in `f64` at these sizes, and ties break alike).
    fn viterbi_reference(scores: &[i32], trans: &[i32], n: usize) -> Vec<u8> {
        let f = |v: &[i32]| v.iter().map(|&x| f64::from(x)).collect::<Vec<f64>>();
        let mut out = Vec::new();
        crate::train::viterbi_f64(&f(scores), &f(trans), n, &mut out);
        out
    }

    #[test]
    fn allowed_pairs_are_openers_after_closed_and_continuations() {
        for (p, row) in ALLOWED.iter().enumerate() {
            for (l, &ok) in row.iter().enumerate() {
                let expect = if OPENERS.contains(&l) {
                    CLOSED.contains(&p)
                } else {
                    let (_, ty) = split_label(l);
                    p == label(Pos::B, ty) || p == label(Pos::I, ty)
                };
                assert_eq!(ok, expect, "{p} -> {l}");
                assert_eq!(allowed(Some(p), l), expect, "{p} -> {l}");
            }
        }
    }

    #[test]
    fn viterbi_matches_full_table_scan() {
        // Small value ranges make ties frequent, so tie-breaking is exercised too.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut rnd = |m: i32| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % (2 * m as u64 + 1)) as i32 - m
        };
        let (mut back, mut out) = (Vec::new(), Vec::new());
        for case in 0..3000 {
            let m = [2, 5, 1000, 30000][case % 4];
            let n = (case % 23) + 1;
            let trans: Vec<i32> = (0..(N_LABELS + 1) * N_LABELS).map(|_| rnd(m)).collect();
            let scores: Vec<i32> = (0..n * N_LABELS).map(|_| rnd(m)).collect();
            viterbi_i32(&scores, &trans, n, &mut back, &mut out);
            assert_eq!(out, viterbi_reference(&scores, &trans, n), "case {case}");
        }
    }

    #[test]
    fn packed_tagger_scores_and_labels_match_dense() {
        use crate::lexicon::Clusters;
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let bits = 10;
        // Mostly zero rows, as in a trained model, some of them at the ends of rank words.
        let mut weights = vec![0i16; (1 << bits) * N_LABELS];
        for row in weights.chunks_exact_mut(N_LABELS) {
            if rnd() % 4 == 0 {
                for w in row.iter_mut() {
                    *w = (rnd() % 2001) as i16 - 1000;
                }
            }
        }
        let trans = (0..(N_LABELS + 1) * N_LABELS)
            .map(|_| (rnd() % 401) as i32 - 200)
            .collect();
        let dense = Tagger {
            bits,
            weights,
            trans,
        };
        let packed = PackedTagger::new(&dense);
        let (mut a, mut b) = (Scratch::default(), Scratch::default());
        for n in 0..40 {
            let infos: Vec<TokInfo> = (0..n)
                .map(|_| TokInfo {
                    lower: rnd() % 50,
                    exact: rnd() % 50,
                    shape: rnd() % 8,
                    prefix: [rnd() % 9, rnd() % 9, 0],
                    suffix: [rnd() % 9, 0, rnd() % 9, 0],
                    clusters: Clusters {
                        row: (rnd() % 3) as u16,
                        c64: (rnd() % 3) as u16,
                        c256: (rnd() % 3) as u16,
                        c1024: (rnd() % 3) as u16,
                    },
                    gaz: (rnd() % 16) as u32,
                    flags: (rnd() % 64) as u8,
                    len: (rnd() % 12) as u8,
                })
                .collect();
            dense.tag(&infos, &mut a);
            packed.tag(&infos, &mut b);
            assert_eq!(a.scores, b.scores, "n={n}");
            assert_eq!(a.labels, b.labels, "n={n}");
        }
    }
}
