//! Span clean-up and canonical entities.
//!
//! * Titles and honorifics are moved out of PER spans ("President Xi Jinping" -> "Xi Jinping"),
//!   possessive clitics out of any span ("Russia's" -> "Russia").
//! * Mentions are grouped into entities: the alias table maps short forms to full names
//!   ("US", "U.S." -> "United States"); a PER mention that is the first or last word of a longer
//!   PER name in the same article joins it ("Xi" -> "Xi Jinping", "Putin" -> "Vladimir Putin");
//!   an acronym joins the ORG/LOC/MISC name it abbreviates ("SCMP" -> "South China Morning
//!   Post"). The entity's type is the majority type of its mentions.

use crate::EntityType;
use std::collections::HashMap;

/// Alias table shipped with the crate: alias -> (canonical, type).
pub struct Aliases {
    map: HashMap<String, (String, EntityType)>,
    /// Phrases to match in text, by first word: (words, type).
    phrases: HashMap<String, Vec<(Vec<String>, EntityType)>>,
}

/// The alias table text.
pub const ALIASES_TSV: &str = include_str!("../data/aliases.tsv");

fn parse_type(s: &str) -> Option<EntityType> {
    match s {
        "PER" => Some(EntityType::PER),
        "ORG" => Some(EntityType::ORG),
        "LOC" => Some(EntityType::LOC),
        "MISC" => Some(EntityType::MISC),
        _ => None,
    }
}

impl Aliases {
    pub fn parse(tsv: &str) -> Self {
        let mut map = HashMap::new();
        let mut phrases: HashMap<String, Vec<(Vec<String>, EntityType)>> = HashMap::new();
        for line in tsv.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut it = line.split('\t');
            if let (Some(a), Some(c), Some(t)) = (it.next(), it.next(), it.next()) {
                if let Some(t) = parse_type(t.trim()) {
                    map.insert(a.to_string(), (c.to_string(), t));
                    if it.next().map(str::trim) == Some("match") {
                        let words: Vec<String> = a.split(' ').map(str::to_string).collect();
                        if let Some(first) = words.first().cloned() {
                            phrases.entry(first).or_default().push((words, t));
                        }
                    }
                }
            }
        }
        Aliases { map, phrases }
    }

    /// Matchable phrases starting with `word`.
    pub fn phrases_from(&self, word: &str) -> Option<&[(Vec<String>, EntityType)]> {
        self.phrases.get(word).map(Vec::as_slice)
    }

    pub fn get(&self, s: &str) -> Option<&(String, EntityType)> {
        self.map.get(s)
    }
}

/// Words that are titles or honorifics when they open a PER span (lowercase).
const TITLES: &[&str] = &[
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "miss",
    "dr",
    "dr.",
    "prof",
    "prof.",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "president",
    "vice",
    "vice-president",
    "premier",
    "prime",
    "minister",
    "chancellor",
    "king",
    "queen",
    "prince",
    "princess",
    "emperor",
    "pope",
    "saint",
    "st.",
    "senator",
    "sen.",
    "sen",
    "representative",
    "rep.",
    "congressman",
    "congresswoman",
    "governor",
    "gov.",
    "mayor",
    "judge",
    "justice",
    "general",
    "gen.",
    "gen",
    "lt.",
    "col.",
    "colonel",
    "captain",
    "capt.",
    "major",
    "maj.",
    "sergeant",
    "sgt.",
    "admiral",
    "adm.",
    "commander",
    "lieutenant",
    "secretary",
    "chairman",
    "chairwoman",
    "chair",
    "ceo",
    "director",
    "ambassador",
    "envoy",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "leader",
    "chief",
    "father",
    "fr.",
    "rev.",
    "reverend",
    "rabbi",
    "imam",
    "sheikh",
    "bishop",
    "cardinal",
    "archbishop",
    "coach",
    "officer",
    "detective",
    "inspector",
    "agent",
    "deputy",
    "foreign",
    "defence",
    "defense",
    "finance",
    "state",
    "former",
    "late",
    "first",
    "lady",
    "mr.president",
    "comrade",
    "chinese",
    "russian",
    "american",
    "british",
    "french",
    "german",
    "japanese",
    "counterpart",
    "dear",
    "uncle",
    "aunt",
    "mother",
    "brother",
    "sister",
    "dr.dr",
];

/// Whether `tok` is a title/honorific to move out of a PER span.
pub fn is_title(tok: &str) -> bool {
    if tok.len() > 16 {
        return false;
    }
    let mut buf = [0u8; 16];
    let b = tok.as_bytes();
    for (d, s) in buf.iter_mut().zip(b.iter()) {
        *d = s.to_ascii_lowercase();
    }
    let lower = std::str::from_utf8(buf.get(..b.len()).unwrap_or(&[])).unwrap_or("");
    TITLES.contains(&lower)
}

/// Whether `tok` is a possessive clitic.
pub fn is_possessive(tok: &str) -> bool {
    matches!(tok, "'s" | "’s" | "'S" | "’S" | "'" | "’")
}

/// A mention before grouping.
#[derive(Debug, Clone)]
pub struct RawMention {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: EntityType,
    /// Words of the mention (for name matching), titles and "the" removed.
    pub key: String,
}

/// The grouping key of a mention text: drops a leading "the", normalises apostrophes and
/// whitespace.
pub fn mention_key(text: &str) -> String {
    let t = text
        .strip_prefix("the ")
        .or_else(|| text.strip_prefix("The "))
        .or_else(|| text.strip_prefix("THE "))
        .unwrap_or(text);
    let mut out = String::with_capacity(t.len());
    let mut space = false;
    for c in t.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(if c == '’' { '\'' } else { c });
    }
    out
}

fn initials(key: &str) -> String {
    key.split([' ', '-'])
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_uppercase())
        .collect()
}

/// A group of mentions (indices into the mention list) with its canonical name.
#[derive(Debug)]
pub struct Group {
    pub name: String,
    pub kind: EntityType,
    pub members: Vec<usize>,
}

/// Groups mentions into entities.
pub fn group(mentions: &[RawMention], aliases: &Aliases) -> Vec<Group> {
    // 1. canonical key per mention: alias table, else its key.
    let mut canon: Vec<(String, Option<EntityType>)> = mentions
        .iter()
        .map(|m| match aliases.get(&m.key) {
            Some((c, t)) => (c.clone(), Some(*t)),
            None => (m.key.clone(), None),
        })
        .collect();
    // 2. PER short forms: a one-word PER mention equal to the first or last word of a longer
    //    PER name joins the most frequent such name (then the first seen).
    let mut per_full: Vec<(&str, usize)> = Vec::new(); // (canonical, count)
    let mut per_index: HashMap<&str, usize> = HashMap::new();
    for (i, m) in mentions.iter().enumerate() {
        if m.kind == EntityType::PER {
            let c = canon[i].0.as_str();
            if c.contains(' ') {
                match per_index.get(c) {
                    Some(&k) => {
                        if let Some(e) = per_full.get_mut(k) {
                            e.1 += 1;
                        }
                    }
                    None => {
                        per_index.insert(c, per_full.len());
                        per_full.push((c, 1));
                    }
                }
            }
        }
    }
    // best full name per lowercase first/last word: highest count, then first seen
    let mut by_part: HashMap<String, (usize, usize)> = HashMap::new(); // word -> (idx, count)
    for (k, (name, count)) in per_full.iter().enumerate() {
        let first = name.split(' ').next();
        let last = name.rsplit(' ').next();
        for w in [first, last].into_iter().flatten() {
            let e = by_part.entry(w.to_lowercase()).or_insert((k, *count));
            if *count > e.1 {
                *e = (k, *count);
            }
        }
    }
    let per_full: Vec<String> = per_full.into_iter().map(|(a, _)| a.to_string()).collect();
    for (i, m) in mentions.iter().enumerate() {
        let c = &canon[i].0;
        if c.contains(' ') || c.is_empty() || m.kind != EntityType::PER {
            continue;
        }
        if let Some(full) = by_part
            .get(&c.to_lowercase())
            .and_then(|(k, _)| per_full.get(*k))
        {
            canon[i] = (full.clone(), Some(EntityType::PER));
        }
    }
    // 3. acronyms of longer non-PER names (first seen wins).
    let mut longs: HashMap<String, String> = HashMap::new(); // initials -> canonical
    for (i, m) in mentions.iter().enumerate() {
        if m.kind != EntityType::PER && canon[i].0.split(' ').count() >= 2 {
            let ini = initials(&canon[i].0);
            if ini.len() >= 2 {
                longs.entry(ini).or_insert_with(|| canon[i].0.clone());
            }
        }
    }
    for (i, m) in mentions.iter().enumerate() {
        let c = &canon[i].0;
        if m.kind != EntityType::PER && c.len() >= 2 && c.chars().all(|ch| ch.is_ascii_uppercase())
        {
            if let Some(full) = longs.get(c.as_str()) {
                canon[i].0 = full.clone();
            }
        }
    }
    // 4. group by canonical name (case-insensitive for all-caps variants).
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, (c, _)) in canon.iter().enumerate() {
        let k = c.to_lowercase();
        groups
            .entry(k.clone())
            .or_insert_with(|| {
                order.push(k.clone());
                Vec::new()
            })
            .push(i);
    }
    let mut out = Vec::with_capacity(order.len());
    for k in order {
        let Some(members) = groups.remove(&k) else {
            continue;
        };
        // type: alias type if any, else majority (ties: first mention's)
        let mut counts = [0usize; 4];
        let mut alias_type = None;
        for &i in &members {
            if let Some(t) = canon[i].1 {
                alias_type = Some(t);
            }
            counts[mentions[i].kind as usize] += 1;
        }
        let first_kind = mentions[members[0]].kind;
        let mut kind = first_kind;
        for (t, &n) in counts.iter().enumerate() {
            if n > counts[kind as usize] {
                kind = [
                    EntityType::PER,
                    EntityType::ORG,
                    EntityType::LOC,
                    EntityType::MISC,
                ][t];
            }
        }
        if let Some(t) = alias_type {
            kind = t;
        }
        // name: the canonical form in its best-cased variant (prefer non-all-caps)
        let mut name = canon[members[0]].0.clone();
        for &i in &members {
            let c = &canon[i].0;
            let caps = |s: &str| {
                s.chars()
                    .filter(|c| c.is_alphabetic())
                    .all(|c| c.is_uppercase())
            };
            if caps(&name) && !caps(c) {
                name = c.clone();
            }
        }
        out.push(Group {
            name,
            kind,
            members,
        });
    }
    out
}
