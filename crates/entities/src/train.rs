//! Training: CoNLL reading, BIO -> BILOU, deterministic augmentation, and the structured
//! averaged perceptron. Used by the `train-ner` binary and by the reproducibility test.
//!
//! Determinism: every random choice comes from one SplitMix64 stream seeded by the caller,
//! iteration orders are fixed, and floating-point sums run in a fixed order, so the same inputs
//! and seed give a byte-identical model file.

#![allow(clippy::needless_range_loop)] // index loops over label arrays read best here

use crate::features::{case_context, mark_gazetteer, tok_info, token_features, MAX_FEATS};
use crate::lexicon::Lexicon;
use crate::model::{allowed, allowed_end, bucket, label, Pos, Tagger, N_LABELS, TYPES};

/// One training sentence: tokens and BILOU labels.
#[derive(Debug, Clone)]
pub struct Sentence {
    pub tokens: Vec<String>,
    pub labels: Vec<u8>,
    /// Document id (document-level features look at the other sentences of the document).
    pub doc: u32,
}

/// A CoNLL document: sentences of (token, tag).
pub type Doc = Vec<Vec<(String, String)>>;

/// Reads a CoNLL file into documents (split at `-DOCSTART-`), as shared/eval does.
pub fn read_conll(text: &str) -> Vec<Doc> {
    let mut docs: Vec<Doc> = vec![Vec::new()];
    let mut cur: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !cur.is_empty() {
                if let Some(d) = docs.last_mut() {
                    d.push(std::mem::take(&mut cur));
                }
            }
            continue;
        }
        let cols: Vec<&str> = if line.contains('\t') {
            line.split('\t').collect()
        } else {
            line.split_whitespace().collect()
        };
        let (Some(first), Some(last)) = (cols.first(), cols.last()) else {
            continue;
        };
        if *first == "-DOCSTART-" {
            if !cur.is_empty() {
                if let Some(d) = docs.last_mut() {
                    d.push(std::mem::take(&mut cur));
                }
            }
            if docs.last().is_some_and(|d| !d.is_empty()) {
                docs.push(Vec::new());
            }
            continue;
        }
        cur.push((first.to_string(), last.to_string()));
    }
    if !cur.is_empty() {
        if let Some(d) = docs.last_mut() {
            d.push(cur);
        }
    }
    docs.retain(|d| !d.is_empty());
    docs
}

fn type_index(t: &str) -> Option<usize> {
    TYPES.iter().position(|x| format!("{x:?}") == t)
}

/// Converts BIO (or IOB1) tags to BILOU label indices.
pub fn bilou(tags: &[String]) -> Vec<u8> {
    let parsed: Vec<(char, Option<usize>)> = tags
        .iter()
        .map(|t| {
            if t == "O" || t.len() < 3 {
                ('O', None)
            } else {
                let p = t.chars().next().unwrap_or('O');
                (p, type_index(t.get(2..).unwrap_or("")))
            }
        })
        .map(|(p, t)| if t.is_none() { ('O', None) } else { (p, t) })
        .collect();
    let n = parsed.len();
    let mut out = vec![0u8; n];
    for i in 0..n {
        let (p, t) = parsed[i];
        let Some(t) = t else { continue };
        let starts = p == 'B' || i == 0 || parsed[i - 1].1 != Some(t) || parsed[i - 1].0 == 'O';
        let continues = i + 1 < n && parsed[i + 1].1 == Some(t) && parsed[i + 1].0 == 'I';
        let pos = match (starts, continues) {
            (true, false) => Pos::U,
            (true, true) => Pos::B,
            (false, true) => Pos::I,
            (false, false) => Pos::L,
        };
        out[i] = label(pos, t) as u8;
    }
    out
}

/// Sentences of documents, as BILOU.
/// Document ids start at `doc_base` (give each file its own range).
pub fn sentences(docs: &[Doc], doc_base: u32) -> Vec<Sentence> {
    docs.iter()
        .enumerate()
        .flat_map(|(d, doc)| {
            doc.iter().map(move |s| Sentence {
                tokens: s.iter().map(|(w, _)| w.clone()).collect(),
                labels: bilou(&s.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>()),
                doc: doc_base + d as u32,
            })
        })
        .collect()
}

/// SplitMix64.
#[derive(Debug, Clone)]
pub struct Rng(u64);
impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

/// Training options.
#[derive(Debug, Clone)]
pub struct Options {
    pub bits: u32,
    pub epochs: usize,
    pub seed: u64,
    /// Probability of adding an upper-cased copy of a sentence.
    pub p_upper: f64,
    /// Probability of adding a lower-cased copy of a sentence.
    pub p_lower: f64,
    /// Probability of adding a title-cased copy (headline style).
    pub p_title: f64,
    /// Number of runs (seeds `seed..seed + mix`) whose weights are averaged.
    pub mix: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            bits: 20,
            epochs: 10,
            seed: 1,
            p_upper: 0.1,
            p_lower: 0.15,
            p_title: 0.05,
            mix: 3,
        }
    }
}

/// The options models/train.sh passes for the shipped model (kept in sync by the
/// reproducibility test).
pub fn shipped_options() -> Options {
    Options::default()
}

fn title_case(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    let mut first = true;
    for c in w.chars() {
        if first {
            out.extend(c.to_uppercase());
            first = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Adds case-augmented copies, deterministically.
pub fn augment(sents: &[Sentence], opt: &Options, rng: &mut Rng) -> Vec<Sentence> {
    let mut out = Vec::with_capacity(sents.len() + sents.len() / 5);
    for s in sents {
        out.push(s.clone());
        let r = rng.unit();
        if r < opt.p_upper {
            out.push(Sentence {
                tokens: s.tokens.iter().map(|w| w.to_uppercase()).collect(),
                labels: s.labels.clone(),
                doc: s.doc,
            });
        } else if r < opt.p_upper + opt.p_lower {
            out.push(Sentence {
                tokens: s.tokens.iter().map(|w| w.to_lowercase()).collect(),
                labels: s.labels.clone(),
                doc: s.doc,
            });
        } else if r < opt.p_upper + opt.p_lower + opt.p_title {
            const SMALL: &[&str] = &[
                "a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for",
            ];
            out.push(Sentence {
                tokens: s
                    .tokens
                    .iter()
                    .map(|w| {
                        if SMALL.contains(&w.as_str()) {
                            w.clone()
                        } else {
                            title_case(w)
                        }
                    })
                    .collect(),
                labels: s.labels.clone(),
                doc: s.doc,
            });
        }
    }
    out
}

/// Feature buckets of every token of a sentence: (flat buckets, per-token end offsets).
pub fn sentence_buckets(s: &Sentence, lex: &Lexicon, bits: u32) -> (Vec<u32>, Vec<u32>) {
    let mut infos: Vec<_> = s.tokens.iter().map(|t| tok_info(t, lex)).collect();
    mark_gazetteer(
        lex,
        s.tokens.len(),
        |j| s.tokens.get(j).map_or("", |t| t.as_str()),
        &mut infos,
    );
    let ctx = case_context(&infos);
    let mut fs = [0u64; MAX_FEATS];
    let mut flat = Vec::with_capacity(s.tokens.len() * 48);
    let mut ends = Vec::with_capacity(s.tokens.len());
    for i in 0..s.tokens.len() {
        let k = token_features(&infos, i, ctx, &mut fs);
        for &h in &fs[..k] {
            flat.push(bucket(h, bits) as u32);
        }
        ends.push(flat.len() as u32);
    }
    (flat, ends)
}

pub(crate) fn viterbi_f64(scores: &[f64], trans: &[f64], n: usize, out: &mut Vec<u8>) {
    out.clear();
    if n == 0 {
        return;
    }
    let neg = f64::NEG_INFINITY;
    let mut back = vec![0u8; n * N_LABELS];
    let mut prev = [neg; N_LABELS];
    for l in 0..N_LABELS {
        if allowed(None, l) {
            prev[l] = scores[l] + trans[N_LABELS * N_LABELS + l];
        }
    }
    for i in 1..n {
        let mut cur = [neg; N_LABELS];
        for l in 0..N_LABELS {
            let mut best = neg;
            let mut arg = 0u8;
            for p in 0..N_LABELS {
                if prev[p] == neg || !allowed(Some(p), l) {
                    continue;
                }
                let v = prev[p] + trans[p * N_LABELS + l];
                if v > best {
                    best = v;
                    arg = p as u8;
                }
            }
            if best != neg {
                cur[l] = best + scores[i * N_LABELS + l];
            }
            back[i * N_LABELS + l] = arg;
        }
        prev = cur;
    }
    let mut best = neg;
    let mut arg = 0usize;
    for l in 0..N_LABELS {
        if prev[l] != neg && allowed_end(l) && prev[l] > best {
            best = prev[l];
            arg = l;
        }
    }
    out.resize(n, 0);
    let mut l = arg;
    for i in (0..n).rev() {
        out[i] = l as u8;
        if i > 0 {
            l = back[i * N_LABELS + l] as usize;
        }
    }
}

/// Trains the tagger. `log` receives one line per epoch.
///
/// With `opt.mix > 1`, trains `mix` models with seeds `seed, seed + 1, …` and averages their
/// (averaged) weights before quantising: parameter mixing, which lowers the variance that the
/// shuffling order and the augmentation sample cause.
pub fn train(
    sents: &[Sentence],
    lex: &Lexicon,
    opt: &Options,
    log: &mut dyn FnMut(String),
) -> Tagger {
    let k = opt.mix.max(1);
    let mut sum_w: Vec<f32> = Vec::new();
    let mut sum_t: Vec<f64> = Vec::new();
    for r in 0..k {
        let o = Options {
            seed: opt.seed.wrapping_add(r as u64),
            ..opt.clone()
        };
        log(format!("run {} of {} (seed {})", r + 1, k, o.seed));
        let (w, t) = train_one(sents, lex, &o, log);
        if sum_w.is_empty() {
            sum_w = w;
            sum_t = t;
        } else {
            for (a, b) in sum_w.iter_mut().zip(w.iter()) {
                *a += b;
            }
            for (a, b) in sum_t.iter_mut().zip(t.iter()) {
                *a += b;
            }
        }
    }
    let mut max = 0f32;
    for a in sum_w.iter_mut() {
        *a /= k as f32;
        max = max.max(a.abs());
    }
    for t in sum_t.iter_mut() {
        *t /= k as f64;
        max = max.max(t.abs() as f32);
    }
    let scale = if max > 0.0 { 32000.0 / max } else { 1.0 };
    let weights: Vec<i16> = sum_w.iter().map(|x| (x * scale).round() as i16).collect();
    let trans: Vec<i32> = sum_t
        .iter()
        .map(|x| (x * scale as f64).round() as i32)
        .collect();
    Tagger {
        bits: opt.bits,
        weights,
        trans,
    }
}

/// One perceptron run; returns the averaged emission and transition weights.
fn train_one(
    sents: &[Sentence],
    lex: &Lexicon,
    opt: &Options,
    log: &mut dyn FnMut(String),
) -> (Vec<f32>, Vec<f64>) {
    let mut rng = Rng::new(opt.seed);
    let data = augment(sents, opt, &mut rng);
    let feats: Vec<(Vec<u32>, Vec<u32>)> = data
        .iter()
        .map(|s| sentence_buckets(s, lex, opt.bits))
        .collect();
    let buckets = 1usize << opt.bits;
    let nt = (N_LABELS + 1) * N_LABELS;
    let mut w = vec![0f32; buckets * N_LABELS];
    let mut u = vec![0f32; buckets * N_LABELS];
    let mut tw = vec![0f64; nt];
    let mut tu = vec![0f64; nt];
    let mut c: f64 = 1.0;
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut scores = Vec::new();
    let mut pred = Vec::new();
    for epoch in 0..opt.epochs {
        // Fisher-Yates with the seeded stream.
        for i in (1..order.len()).rev() {
            let j = rng.below(i + 1);
            order.swap(i, j);
        }
        let mut errors = 0usize;
        let mut tokens = 0usize;
        for &si in &order {
            let s = &data[si];
            let (flat, ends) = &feats[si];
            let n = s.tokens.len();
            scores.clear();
            scores.resize(n * N_LABELS, 0f64);
            let mut start = 0usize;
            for i in 0..n {
                let end = ends[i] as usize;
                for &b in &flat[start..end] {
                    let row = &w[b as usize * N_LABELS..(b as usize + 1) * N_LABELS];
                    for l in 0..N_LABELS {
                        scores[i * N_LABELS + l] += row[l] as f64;
                    }
                }
                start = end;
            }
            viterbi_f64(&scores, &tw, n, &mut pred);
            tokens += n;
            if pred != s.labels {
                let cf = c as f32;
                let mut start = 0usize;
                let mut pg = N_LABELS;
                let mut pp = N_LABELS;
                for i in 0..n {
                    let end = ends[i] as usize;
                    let g = s.labels[i] as usize;
                    let p = pred[i] as usize;
                    if g != p {
                        errors += 1;
                        for &b in &flat[start..end] {
                            let b = b as usize * N_LABELS;
                            w[b + g] += 1.0;
                            u[b + g] += cf;
                            w[b + p] -= 1.0;
                            u[b + p] -= cf;
                        }
                    }
                    if (pg, g) != (pp, p) {
                        tw[pg * N_LABELS + g] += 1.0;
                        tu[pg * N_LABELS + g] += c;
                        tw[pp * N_LABELS + p] -= 1.0;
                        tu[pp * N_LABELS + p] -= c;
                    }
                    pg = g;
                    pp = p;
                    start = end;
                }
            }
            c += 1.0;
        }
        log(format!(
            "epoch {} token errors {} / {} ({:.2}%)",
            epoch + 1,
            errors,
            tokens,
            100.0 * errors as f64 / tokens.max(1) as f64
        ));
    }
    // Average.
    let cf = c as f32;
    for (a, b) in w.iter_mut().zip(u.iter()) {
        *a -= b / cf;
    }
    let tavg: Vec<f64> = tw.iter().zip(tu.iter()).map(|(a, b)| a - b / c).collect();
    (w, tavg)
}
