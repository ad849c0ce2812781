//! Rules applied to the tagger's spans, at token level, before canonicalisation.
//!
//! * [`clean_span`]: possessives out of any span; titles and honorifics out of PER spans; a
//!   span with a title inside ("US President Donald Trump", "Chinese President Xi Jinping") is
//!   split into the part before the title (a place or a nationality) and the person after it.
//! * [`propagate`]: document-level consistency. A word of a multi-word PER name seen in the
//!   article ("Xi" of "Xi Jinping", "Putin" of "Vladimir Putin") and a multi-word name of any
//!   type become mentions wherever they occur untagged; single-word mentions that the tagger
//!   typed differently from a PER name part are retyped PER.
//! * [`year_events`]: a capitalised name followed by a year ("Vostok 2018", "Euro 2020") is an
//!   event (MISC).

use std::collections::{HashMap, HashSet};

use crate::canonicalize::{is_possessive, is_title, Aliases};
use crate::tokenize::Token;
use crate::{EntityType, Span};

/// Titles that, inside a span and followed by a capitalised word, start a person's name
/// ("US President Donald Trump").
fn is_inner_title(tok: &str) -> bool {
    const STRONG: &[&str] = &[
        "president",
        "premier",
        "chancellor",
        "king",
        "queen",
        "prince",
        "princess",
        "senator",
        "sen.",
        "governor",
        "gov.",
        "mayor",
        "ambassador",
        "counterpart",
        "chairman",
        "ceo",
        "pope",
        "spokesman",
        "spokeswoman",
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "prof.",
        "emperor",
        "minister",
        "secretary",
        "general",
        "gen.",
        "judge",
        "coach",
    ];
    tok.len() <= 12 && STRONG.iter().any(|t| t.eq_ignore_ascii_case(tok))
}

/// Nationality-like adjective (capitalised, typical suffix).
pub fn is_nationality(tok: &str) -> bool {
    let starts_upper = tok.chars().next().is_some_and(|c| c.is_uppercase());
    starts_upper
        && tok.len() > 3
        && (tok.ends_with("an")
            || tok.ends_with("ese")
            || tok.ends_with("ish")
            || tok.ends_with("ian")
            || tok.ends_with("ic")
            || tok.ends_with("ch")
            || tok.ends_with('i'))
        && !tok.contains(' ')
}

fn capitalised(tok: &str) -> bool {
    tok.chars().next().is_some_and(|c| c.is_uppercase())
}

/// Cleans one tagged span and appends the result(s) to `out`.
pub fn clean_span(
    out: &mut Vec<Span>,
    text: &str,
    toks: &[Token],
    aliases: &Aliases,
    mut st: usize,
    mut en: usize,
    kind: EntityType,
) {
    let t = |i: usize| toks.get(i).map_or("", |x| x.text(text));
    while en > st && is_possessive(t(en - 1)) {
        en -= 1;
    }
    // Inner title: split.
    if en - st >= 3 {
        let mut k = en - 2;
        let mut found = None;
        while k > st {
            if is_inner_title(t(k)) && capitalised(t(k + 1)) && !t(k - 1).eq_ignore_ascii_case("of")
            {
                found = Some(k);
                break;
            }
            k -= 1;
        }
        if let Some(k) = found {
            // left part, minus trailing titles ("Prime Minister")
            let mut le = k;
            while le > st && is_title(t(le - 1)) && !is_nationality(t(le - 1)) {
                le -= 1;
            }
            if le > st {
                let left = text
                    .get(
                        toks.get(st).map_or(0, |x| x.byte_start)
                            ..toks.get(le - 1).map_or(0, |x| x.byte_end),
                    )
                    .unwrap_or("");
                let lk = aliases.get(left).map(|a| a.1);
                let lkind = if le - st == 1 && is_nationality(left) {
                    Some(EntityType::MISC)
                } else if lk.is_some() {
                    lk
                } else if kind != EntityType::PER {
                    Some(kind)
                } else {
                    None
                };
                if let Some(lkind) = lkind {
                    out.push(Span {
                        start_tok: st,
                        end_tok: le,
                        kind: lkind,
                    });
                }
            }
            st = k + 1;
            return clean_span(out, text, toks, aliases, st, en, EntityType::PER);
        }
    }
    if kind == EntityType::PER {
        while en - st > 1 && is_title(t(st)) {
            st += 1;
        }
        if en - st == 1 && is_title(t(st)) {
            return;
        }
    }
    if en > st {
        out.push(Span {
            start_tok: st,
            end_tok: en,
            kind,
        });
    }
}

/// Whether tokens `st..en` run over a line break. Lines are paragraphs, headings, captions
/// and list items of their own in the clean text (the tokenizer ends a sentence at each), so no
/// name runs from one into the next.
pub fn crosses_line(toks: &[Token], st: usize, en: usize) -> bool {
    toks.get(st + 1..en)
        .is_some_and(|ts| ts.iter().any(|t| t.line_start))
}

fn eq_seq(text: &str, toks: &[Token], at: usize, seq: &[usize]) -> bool {
    seq.iter()
        .enumerate()
        .all(|(k, &j)| match (toks.get(at + k), toks.get(j)) {
            (Some(a), Some(b)) => a.text(text) == b.text(text),
            _ => false,
        })
}

/// Document-level propagation; `spans` must be sorted by start and non-overlapping.
pub fn propagate(text: &str, toks: &[Token], spans: &mut Vec<Span>) {
    if spans.is_empty() {
        return;
    }
    let t = |i: usize| toks.get(i).map_or("", |x| x.text(text));
    // Words of multi-word PER names.
    let mut per_parts: HashSet<&str> = HashSet::new();
    for s in spans.iter() {
        let len = s.end_tok - s.start_tok;
        if s.kind == EntityType::PER && len >= 2 {
            for j in [s.start_tok, s.end_tok - 1] {
                let w = t(j);
                if w.chars().count() >= 2
                    && capitalised(w)
                    && !is_nationality(w)
                    && w.chars()
                        .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
                {
                    per_parts.insert(w);
                }
            }
        }
    }
    // Retype single-token non-PER spans equal to a PER part.
    for s in spans.iter_mut() {
        if s.end_tok - s.start_tok == 1
            && s.kind != EntityType::PER
            && !is_nationality(t(s.start_tok))
            && per_parts.contains(t(s.start_tok))
        {
            s.kind = EntityType::PER;
        }
    }
    // Names to propagate, by first word: (token indices of one occurrence, type).
    let mut names: HashMap<&str, Vec<(Vec<usize>, EntityType)>> = HashMap::new();
    for s in spans.iter() {
        let len = s.end_tok - s.start_tok;
        let single_ok = len == 1 && {
            let w = t(s.start_tok);
            w.chars().count() >= 3
                && capitalised(w)
                && !is_nationality(w)
                && s.kind != EntityType::MISC
                && w.chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
                && !toks.get(s.start_tok).is_some_and(|x| x.line_start)
        };
        if len >= 2 || single_ok {
            let idx: Vec<usize> = (s.start_tok..s.end_tok).collect();
            let list = names.entry(t(s.start_tok)).or_default();
            if !list
                .iter()
                .any(|(n, _)| n.len() == idx.len() && eq_seq(text, toks, s.start_tok, n))
            {
                list.push((idx, s.kind));
            }
        }
    }
    if names.is_empty() && per_parts.is_empty() {
        return;
    }
    // Coverage map.
    let mut covered = vec![false; toks.len()];
    for s in spans.iter() {
        for c in covered.iter_mut().take(s.end_tok).skip(s.start_tok) {
            *c = true;
        }
    }
    let mut added = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if covered.get(i).copied().unwrap_or(true) {
            i += 1;
            continue;
        }
        // longest name first
        let mut best: Option<(usize, EntityType)> = None;
        if let Some(list) = names.get(t(i)) {
            for (n, kind) in list {
                let l = n.len();
                if best.is_some_and(|(bl, _)| bl >= l) {
                    continue;
                }
                if i + l <= toks.len()
                    && (i..i + l).all(|j| !covered.get(j).copied().unwrap_or(true))
                    && eq_seq(text, toks, i, n)
                    && !crosses_line(toks, i, i + l)
                {
                    best = Some((l, *kind));
                }
            }
        }
        if let Some((l, kind)) = best {
            added.push(Span {
                start_tok: i,
                end_tok: i + l,
                kind,
            });
            i += l;
        } else if per_parts.contains(t(i)) {
            added.push(Span {
                start_tok: i,
                end_tok: i + 1,
                kind: EntityType::PER,
            });
            i += 1;
        } else {
            i += 1;
        }
    }
    if !added.is_empty() {
        spans.extend(added);
        spans.sort_by_key(|s| s.start_tok);
    }
}

const MONTHS_DAYS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Spring",
    "Summer",
    "Autumn",
    "Fall",
    "Winter",
    "In",
    "By",
    "Since",
    "The",
    "In",
    "Of",
    "From",
    "Until",
    "Before",
    "After",
    "During",
    "And",
    "FY",
    "Q1",
    "Q2",
    "Q3",
    "Q4",
    "Class",
    "Vintage",
    "Copyright",
];

fn is_year(tok: &str) -> bool {
    tok.len() == 4
        && tok.bytes().all(|b| b.is_ascii_digit())
        && (tok.starts_with("19") || tok.starts_with("20"))
}

/// Names followed by a year become MISC events; `spans` sorted, non-overlapping.
pub fn year_events(text: &str, toks: &[Token], spans: &mut Vec<Span>) {
    let t = |i: usize| toks.get(i).map_or("", |x| x.text(text));
    let mut i = 1;
    let mut si = 0; // index of the first span ending after token i - 1
    let mut add = Vec::new();
    while i < toks.len() {
        // A year that starts a line ("...Department of Energy" / "2025 was ...") belongs to
        // the new paragraph or heading, not to the name ending the line before.
        if !is_year(t(i)) || toks.get(i).is_some_and(|x| x.line_start) {
            i += 1;
            continue;
        }
        while si < spans.len() && spans.get(si).is_some_and(|s| s.end_tok < i) {
            si += 1;
        }
        // Span ending right before the year?
        if let Some(s) = spans.get_mut(si) {
            if s.end_tok == i && s.kind != EntityType::PER {
                if !MONTHS_DAYS.contains(&t(i - 1)) {
                    s.end_tok = i + 1;
                    s.kind = EntityType::MISC;
                }
                i += 1;
                continue;
            }
            if s.start_tok <= i && s.end_tok > i {
                i += 1;
                continue;
            }
        }
        // Untagged capitalised words before the year.
        let mut st = i;
        while st > 0 {
            let w = t(st - 1);
            let prev_end = spans.get(si.wrapping_sub(1)).map_or(0, |s| s.end_tok);
            if st - 1 < prev_end
                || spans
                    .get(si)
                    .is_some_and(|s| s.start_tok < st && s.end_tok >= st)
            {
                break;
            }
            if capitalised(w)
                && w.chars().all(|c| c.is_alphanumeric() || c == '-')
                && !MONTHS_DAYS.contains(&w)
                && !toks.get(st - 1).is_some_and(|x| x.line_start)
            {
                st -= 1;
            } else {
                break;
            }
            if i - st >= 4 {
                break;
            }
        }
        if st < i {
            add.push(Span {
                start_tok: st,
                end_tok: i + 1,
                kind: EntityType::MISC,
            });
        }
        i += 1;
    }
    if !add.is_empty() {
        spans.extend(add);
        spans.sort_by_key(|s| s.start_tok);
    }
}

/// Last words that make a name an event (MISC): "Eastern Economic Forum", "G20 Summit".
const EVENT_HEADS: &[&str] = &[
    "Forum",
    "Summit",
    "Games",
    "Olympics",
    "Cup",
    "Championship",
    "Championships",
    "Festival",
    "Expo",
    "Marathon",
    "Prix",
];

/// Retypes ORG/LOC spans whose last word is an event head as MISC.
pub fn event_heads(text: &str, toks: &[Token], spans: &mut [Span]) {
    for s in spans.iter_mut() {
        if matches!(s.kind, EntityType::ORG | EntityType::LOC) && s.end_tok - s.start_tok >= 2 {
            let last = toks.get(s.end_tok - 1).map_or("", |t| t.text(text));
            if EVENT_HEADS.iter().any(|h| h.eq_ignore_ascii_case(last)) {
                s.kind = EntityType::MISC;
            }
        }
    }
}

/// Alias-table phrases marked for matching ("CCTV", "United States") become mentions where
/// the tagger missed them, or replace shorter spans inside them ("States" in "United States").
/// Skipped in all-caps lines, where "US" may be "us".
pub fn alias_matches(text: &str, toks: &[Token], aliases: &Aliases, spans: &mut Vec<Span>) {
    let t = |i: usize| toks.get(i).map_or("", |x| x.text(text));
    let mut add: Vec<Span> = Vec::new();
    // token -> index of the span covering it
    let mut owner = vec![u32::MAX; toks.len()];
    for (k, sp) in spans.iter().enumerate() {
        for o in owner.iter_mut().take(sp.end_tok).skip(sp.start_tok) {
            *o = k as u32;
        }
    }
    let mut removed = vec![false; spans.len()];
    let mut i = 0;
    while i < toks.len() {
        let Some(cands) = aliases.phrases_from(t(i)) else {
            i += 1;
            continue;
        };
        let mut best: Option<(usize, EntityType)> = None;
        for (words, kind) in cands {
            let l = words.len();
            if best.is_some_and(|(bl, _)| bl >= l) || i + l > toks.len() {
                continue;
            }
            if words.iter().enumerate().all(|(k, w)| t(i + k) == w) && !crosses_line(toks, i, i + l)
            {
                best = Some((l, *kind));
            }
        }
        let Some((l, kind)) = best else {
            i += 1;
            continue;
        };
        let (s, e) = (i, i + l);
        // all-caps context check: the neighbours are all-caps words too
        let caps =
            |w: &str| w.chars().any(|c| c.is_alphabetic()) && !w.chars().any(|c| c.is_lowercase());
        let upper_ctx = (s > 0 && caps(t(s - 1)) && t(s - 1).len() > 1)
            || (e < toks.len() && caps(t(e)) && t(e).len() > 1);
        // Must not cross a span partially; may contain spans.
        let mut crossing = false;
        let mut same = None;
        for j in s..e {
            if let Some(&k) = owner.get(j) {
                if let Some(sp) = spans.get(k as usize) {
                    if k != u32::MAX && !removed.get(k as usize).copied().unwrap_or(true) {
                        if sp.start_tok == s && sp.end_tok == e {
                            same = Some(k as usize);
                        } else if sp.start_tok < s || sp.end_tok > e {
                            crossing = true;
                        }
                    }
                }
            }
        }
        if let Some(k) = same {
            // the alias table is authoritative for the type of its matchable phrases
            if let Some(sp) = spans.get_mut(k) {
                sp.kind = kind;
            }
        } else if !crossing && !upper_ctx {
            for j in s..e {
                if let Some(&k) = owner.get(j) {
                    if let Some(r) = removed.get_mut(k as usize) {
                        *r = true;
                    }
                }
            }
            add.push(Span {
                start_tok: s,
                end_tok: e,
                kind,
            });
        }
        i = e;
    }
    if removed.iter().any(|&r| r) {
        let mut k = 0;
        spans.retain(|_| {
            let keep = !removed.get(k).copied().unwrap_or(false);
            k += 1;
            keep
        });
    }
    if !add.is_empty() {
        spans.extend(add);
        spans.sort_by_key(|s| s.start_tok);
    }
}
