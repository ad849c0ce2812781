//! The rule set as data: month and weekday names per language, zone abbreviations and the
//! English lexicon of the temporal tagger, read once from the tables in `data/`.
//!
//! The tables are compiled in (`include_str!`) so the stage needs no files at run time; a
//! malformed line is skipped rather than failing, and tests check that every line is used.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// A small fast hasher for short word keys (FxHash): the tables are fixed data, so no
/// flooding resistance is needed, and the tagger looks words up millions of times a second.
#[derive(Default, Clone, Copy)]
pub struct Fx(u64);

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
}

type Map<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// Words that start a rule of the tagger besides those of the tables.
const RULE_WORDS: &[&str] = &[
    "the",
    "every",
    "each",
    "fiscal",
    "year",
    "nineteen",
    "nineteenth",
    "twentieth",
    "twenty",
    "a",
    "an",
    "past",
    "last",
    "next",
    "first",
    "previous",
    "coming",
    "following",
    "final",
    "initial",
    "recent",
    "latest",
    "mid",
    "that",
    "earlier",
    "later",
];

const MONTHS: &str = include_str!("../data/months.tsv");
const WEEKDAYS: &str = include_str!("../data/weekdays.tsv");
const ZONES: &str = include_str!("../data/zones.tsv");
const TIMEX_EN: &str = include_str!("../data/timex_en.tsv");
const HOLIDAYS: &str = include_str!("../data/holidays.tsv");

/// A name (month or weekday) and the languages that use it.
#[derive(Debug, Clone)]
pub struct Named {
    /// Month 1–12 or ISO weekday 1–7.
    pub number: u8,
    /// ISO 639-1 codes of the languages with this spelling.
    pub langs: Vec<&'static str>,
}

/// A phrase of the tagger's lexicon: its tokens and its value.
#[derive(Debug, Clone)]
pub struct Phrase {
    pub tokens: Vec<&'static str>,
    pub value: &'static str,
}

/// All tables, indexed for lookup.
#[derive(Debug, Default)]
pub struct Lexicon {
    pub months: Map<&'static str, Vec<Named>>,
    pub weekdays: Map<&'static str, Vec<Named>>,
    /// Zone abbreviation -> offset in seconds east of UTC.
    pub zones: Map<&'static str, i32>,
    /// Category -> first token -> phrases starting with it (longest first).
    pub en: Map<&'static str, Map<&'static str, Vec<Phrase>>>,
    /// Holidays by first token: their tokens and their rule (`data/holidays.tsv`).
    pub holidays: Map<&'static str, Vec<Phrase>>,
    /// Every word that can start an expression: a word not in here is skipped at once.
    pub triggers: HashSet<&'static str, BuildHasherDefault<Fx>>,
}

fn data_lines(table: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    table
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').collect::<Vec<_>>())
}

fn named_table(table: &'static str) -> Map<&'static str, Vec<Named>> {
    let mut out: Map<&'static str, Vec<Named>> = Map::default();
    for cols in data_lines(table) {
        let (Some(lang), Some(num), Some(names)) = (cols.first(), cols.get(1), cols.get(2)) else {
            continue;
        };
        let Ok(number) = num.trim().parse::<u8>() else {
            continue;
        };
        for name in names.split_whitespace() {
            let entry = out.entry(name).or_default();
            if let Some(n) = entry.iter_mut().find(|n| n.number == number) {
                n.langs.push(lang);
            } else {
                entry.push(Named {
                    number,
                    langs: vec![lang],
                });
            }
        }
    }
    out
}

fn parse_offset(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, s.get(1..)?),
        b'-' => (-1, s.get(1..)?),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    let h: i32 = h.parse().ok()?;
    let m: i32 = m.parse().ok()?;
    Some(sign * (h * 3600 + m * 60))
}

impl Lexicon {
    fn load() -> Lexicon {
        let mut lex = Lexicon {
            months: named_table(MONTHS),
            weekdays: named_table(WEEKDAYS),
            ..Lexicon::default()
        };
        for cols in data_lines(ZONES) {
            if let (Some(name), Some(off)) =
                (cols.first(), cols.get(1).and_then(|o| parse_offset(o)))
            {
                lex.zones.insert(name, off);
            }
        }
        for cols in data_lines(TIMEX_EN) {
            let (Some(cat), Some(words), Some(value)) = (cols.first(), cols.get(1), cols.get(2))
            else {
                continue;
            };
            let by_first = lex.en.entry(cat).or_default();
            // `num`, `unit`, … list alternatives; `ref` and `mod` list one phrase per line.
            let multi = matches!(*cat, "ref" | "mod" | "after" | "block");
            let phrases: Vec<Vec<&'static str>> = if multi {
                words
                    .split('|')
                    .map(|alt| alt.split_whitespace().collect())
                    .collect()
            } else {
                words.split_whitespace().map(|w| vec![w]).collect()
            };
            for tokens in phrases {
                let Some(first) = tokens.first().copied() else {
                    continue;
                };
                let list = by_first.entry(first).or_default();
                list.push(Phrase { tokens, value });
                list.sort_by_key(|p| std::cmp::Reverse(p.tokens.len()));
            }
        }
        for cols in data_lines(HOLIDAYS) {
            let (Some(names), Some(rule)) = (cols.get(1), cols.get(2)) else {
                continue;
            };
            for name in names.split('|') {
                let tokens: Vec<&'static str> = crate::tokens::tokenize(name.trim())
                    .iter()
                    .map(|t| t.s)
                    .collect();
                let Some(first) = tokens.first().copied() else {
                    continue;
                };
                let list = lex.holidays.entry(first).or_default();
                list.push(Phrase {
                    tokens,
                    value: rule,
                });
                list.sort_by_key(|p| std::cmp::Reverse(p.tokens.len()));
            }
        }
        let mut triggers: HashSet<&'static str, BuildHasherDefault<Fx>> = HashSet::default();
        triggers.extend(lex.months.keys().copied());
        triggers.extend(lex.weekdays.keys().copied());
        for (cat, by_first) in &lex.en {
            if !matches!(*cat, "future" | "past" | "after" | "readtime" | "partday") {
                triggers.extend(by_first.keys().copied());
            }
        }
        triggers.extend(RULE_WORDS.iter().copied());
        triggers.extend(lex.holidays.keys().copied());
        lex.triggers = triggers;
        lex
    }

    /// The value of a one-word entry of `cat`.
    pub fn word(&self, cat: &str, word: &str) -> Option<&'static str> {
        self.en
            .get(cat)?
            .get(word)?
            .iter()
            .find(|p| p.tokens.len() == 1)
            .map(|p| p.value)
    }

    /// Phrases of `cat` starting with `word`, longest first.
    pub fn phrases(&self, cat: &str, word: &str) -> &[Phrase] {
        self.en
            .get(cat)
            .and_then(|m| m.get(word))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Month number of a name, if some language in `langs` (or any language when `langs` is
    /// empty) spells it so.
    pub fn month(&self, name: &str, langs: &[&str]) -> Option<u8> {
        lookup(&self.months, name, langs)
    }

    /// ISO weekday of a name, under the same rule as [`Lexicon::month`].
    pub fn weekday(&self, name: &str, langs: &[&str]) -> Option<u8> {
        lookup(&self.weekdays, name, langs)
    }
}

fn lookup(table: &Map<&'static str, Vec<Named>>, name: &str, langs: &[&str]) -> Option<u8> {
    let list = table.get(name)?;
    if langs.is_empty() {
        return list.first().map(|n| n.number);
    }
    list.iter()
        .find(|n| n.langs.iter().any(|l| langs.contains(l)))
        .map(|n| n.number)
}

/// The tables, loaded on first use.
pub fn get() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(Lexicon::load)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_twelve_months_and_seven_days() {
        let lex = get();
        for lang in [
            "en", "fr", "de", "es", "it", "pt", "nl", "ru", "uk", "pl", "tr", "zh", "ja",
        ] {
            for m in 1..=12u8 {
                assert!(
                    lex.months
                        .values()
                        .flatten()
                        .any(|n| n.number == m && n.langs.contains(&lang)),
                    "{lang} month {m}"
                );
            }
            for d in 1..=7u8 {
                assert!(
                    lex.weekdays
                        .values()
                        .flatten()
                        .any(|n| n.number == d && n.langs.contains(&lang)),
                    "{lang} weekday {d}"
                );
            }
        }
        assert_eq!(lex.zones.get("edt"), Some(&(-4 * 3600)));
        assert_eq!(lex.word("num", "two"), Some("2"));
        assert!(!lex.phrases("ref", "the").is_empty());
    }
}
