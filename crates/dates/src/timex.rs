//! The temporal tagger: finds TIMEX3 expressions in the text and resolves their values
//! against a reference date (the publication date).
//!
//! # How it works
//! The text is tokenized once. At each token the rules below are tried and the longest match
//! wins; a match may start with modifiers ("early", "the end of", "fiscal") kept in its span.
//! The words the rules look for (numbers, units, month and weekday names, fixed phrases such
//! as "now" or "daily", tense cues) live in `data/`, so the rules stay small.
//!
//! Past or future: an expression that leaves the direction open ("Tuesday", "in March") is
//! resolved by the nearest tense cue in its sentence (`will`, `'ll`, `expected` -> future;
//! `said`, `was`, a word in `-ed` -> past), past by default, as news mostly reports.

use crate::lexicon::{self, Lexicon};
use crate::tokens::{tokenize, Kind, Tok};
use crate::{Timex, TimexType};
use jiff::civil::{Date, Weekday};
use jiff::Span;

/// A match of one rule: the token after its end, its type and its value.
#[derive(Debug, Clone)]
struct M {
    end: usize,
    kind: TimexType,
    value: String,
    /// The quarter it names, for "a year earlier" after it.
    quarter: Option<(i16, i8)>,
}

fn m(end: usize, kind: TimexType, value: String) -> Option<M> {
    Some(M {
        end,
        kind,
        value,
        quarter: None,
    })
}

/// Finds and resolves the temporal expressions of `text`, against `reference`.
pub fn tag(text: &str, reference: Date, language: Option<&str>) -> Vec<Timex> {
    let toks = tokenize(text);
    let mut langs = vec!["en"];
    if let Some(l) = language {
        let l = l.get(..2).unwrap_or(l);
        if l != "en" {
            if let Some(l) = ALL_LANGS.iter().find(|x| **x == l) {
                langs.push(l);
            }
        }
    }
    let t = Tagger {
        toks: &toks,
        dct: reference,
        lex: lexicon::get(),
        langs,
        last_date: std::cell::Cell::new(None),
    };
    let mut out = Vec::new();
    let mut last_quarter: Option<(i16, i8)> = None;
    let mut i = 0;
    while i < toks.len() {
        if let Some(n) = t.blocked(i) {
            i += n;
            continue;
        }
        match t.best(i, last_quarter) {
            Some((start, mt)) if mt.end > start => {
                let (mut start, mut mt) = (start, mt);
                // "the day before last Tuesday": the day next to the date
                let prev_end = out.last().map_or(0, |x: &Timex| x.end);
                if mt.kind == TimexType::Date && mt.value.len() == 10 && start >= 2 {
                    let off = match t.lw(start - 1) {
                        "before" => -1,
                        "after" => 1,
                        _ => 0,
                    };
                    let day = t
                        .tok(start - 2)
                        .filter(|d| d.lower == "day" && d.cs >= prev_end);
                    if let (true, Some(_)) = (off != 0, day) {
                        if let Some(d) =
                            mt.value.parse::<Date>().ok().and_then(|d| add_days(d, off))
                        {
                            mt.value = ymd(d);
                            start -= 2;
                        }
                    }
                }
                if let (Some(a), Some(b)) = (toks.get(start), toks.get(mt.end - 1)) {
                    if mt.quarter.is_some() {
                        last_quarter = mt.quarter;
                    }
                    if mt.kind == TimexType::Date {
                        if let Some(d) = Mentioned::of(&mt.value) {
                            t.last_date.set(Some(d));
                        }
                    }
                    out.push(Timex {
                        start: a.cs,
                        end: b.ce,
                        text: text.get(a.bs..b.be).unwrap_or("").to_string(),
                        kind: mt.kind,
                        value: mt.value,
                    });
                }
                i = mt.end;
            }
            _ => i += 1,
        }
    }
    out
}

const ALL_LANGS: [&str; 13] = [
    "en", "fr", "de", "es", "it", "pt", "nl", "ru", "uk", "pl", "tr", "zh", "ja",
];

struct Tagger<'t, 'a> {
    toks: &'t [Tok<'a>],
    dct: Date,
    lex: &'static Lexicon,
    langs: Vec<&'static str>,
    /// The last date the text mentioned, for "later that year", "earlier that day".
    last_date: std::cell::Cell<Option<Mentioned>>,
}

/// A date the text mentioned: its year, and its month and day when it named them.
#[derive(Debug, Clone, Copy)]
struct Mentioned {
    year: i16,
    month: Option<i8>,
    day: Option<i8>,
}

impl Mentioned {
    /// `1998`, `1998-10`, `1998-10-23` (and what follows a day: a time); not weeks, seasons,
    /// quarters or references.
    fn of(value: &str) -> Option<Mentioned> {
        let year: i16 = value.get(..4)?.parse().ok()?;
        let rest = value.get(4..).unwrap_or("");
        if rest.is_empty() {
            return Some(Mentioned {
                year,
                month: None,
                day: None,
            });
        }
        let month: i8 = rest.strip_prefix('-')?.get(..2)?.parse().ok()?;
        let day = rest.get(4..6).and_then(|d| d.parse::<i8>().ok());
        Some(Mentioned {
            year,
            month: Some(month),
            day: day.filter(|_| rest.get(3..4) == Some("-")),
        })
    }
}

fn ymd(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

fn ym(y: i16, mo: i8) -> String {
    format!("{y:04}-{mo:02}")
}

fn week(d: Date) -> String {
    let w = d.iso_week_date();
    format!("{:04}-W{:02}", w.year(), w.week())
}

fn quarter_of(d: Date) -> i8 {
    (d.month() - 1) / 3 + 1
}

fn add_days(d: Date, n: i64) -> Option<Date> {
    // `Span::try_days`: `n.days()` would panic on an absurd count ("9999999 days ago")
    d.checked_add(Span::new().try_days(n).ok()?).ok()
}

fn add_months(d: Date, n: i64) -> Option<Date> {
    d.first_of_month()
        .checked_add(Span::new().try_months(n).ok()?)
        .ok()
}

fn weekday_from(n: u8) -> Option<Weekday> {
    Weekday::from_monday_one_offset(i8::try_from(n).ok()?).ok()
}

/// The date of `wd` nearest `dct` in the given direction (`dir` -1 past, 1 future, inclusive
/// of `dct` unless `strict`).
fn resolve_weekday(dct: Date, wd: Weekday, dir: i8, strict: bool) -> Option<Date> {
    let cur = dct.weekday().to_monday_one_offset();
    let want = wd.to_monday_one_offset();
    let mut diff = i64::from(want - cur);
    if dir <= 0 {
        if diff > 0 || (strict && diff == 0) {
            diff -= 7;
        }
    } else if diff < 0 || (strict && diff == 0) {
        diff += 7;
    }
    add_days(dct, diff)
}

/// The date of a holiday rule (`fixed:12:25`, `nth:11:4:4`, `nth:11:1:1 plus:1`) in a year.
fn holiday_date(rule: &str, year: i16) -> Option<Date> {
    let mut parts = rule.split_whitespace();
    let base = parts.next()?;
    let f: Vec<&str> = base.split(':').collect();
    let date = match f.as_slice() {
        ["fixed", mo, d] => Date::new(year, mo.parse().ok()?, d.parse().ok()?).ok()?,
        ["nth", mo, wd, n] => {
            let first = Date::new(year, mo.parse().ok()?, 1).ok()?;
            let wd = weekday_from(wd.parse().ok()?)?;
            first.nth_weekday_of_month(n.parse().ok()?, wd).ok()?
        }
        _ => return None,
    };
    match parts.next().and_then(|p| p.strip_prefix("plus:")) {
        Some(n) => add_days(date, n.parse().ok()?),
        None => Some(date),
    }
}

/// TIMEX3 value of a duration of `n` (`None`: vague) `unit`s.
fn duration(n: Option<f64>, unit: &str) -> Option<String> {
    // "2 1/2 years" -> P2Y6M, "5 1/2 hours" -> PT5H30M
    if let Some(k) = n.filter(|k| k.fract().abs() > 1e-9 && *k < 1000.0) {
        let whole = k.trunc() as i64;
        let (sub, per, prefix) = match unit {
            "Y" => ("M", 12.0, "P"),
            "D" => ("H", 24.0, "PT"),
            "H" => ("M", 60.0, "PT"),
            "MIN" => ("S", 60.0, "PT"),
            _ => ("", 0.0, ""),
        };
        let rest = (k.fract() * per).round() as i64;
        if per > 0.0 && rest > 0 {
            return Some(match unit {
                "Y" => format!("P{whole}Y{rest}{sub}"),
                "D" => format!("P{whole}DT{rest}{sub}"),
                _ => {
                    let u = if unit == "MIN" { "M" } else { unit };
                    format!("{prefix}{whole}{u}{rest}{sub}")
                }
            });
        }
    }
    let num = |k: f64| -> String {
        if (k.fract()).abs() < 1e-9 {
            format!("{}", k as i64)
        } else {
            format!("{k}")
        }
    };
    let q = match n {
        Some(k) => num(k),
        None => "X".to_string(),
    };
    Some(match unit {
        "E" => match n {
            Some(k) => format!("P{}Y", num(k * 10.0)),
            None => "PXE".to_string(),
        },
        "Y" | "M" | "W" | "D" | "Q" | "C" => format!("P{q}{unit}"),
        "H" => format!("PT{q}H"),
        "MIN" => format!("PT{q}M"),
        "S" => format!("PT{q}S"),
        "WE" => format!("P{q}WE"),
        "FN" => match n {
            Some(k) => format!("P{}W", num(k * 2.0)),
            None => "PXW".to_string(),
        },
        _ => return None,
    })
}

impl<'a> Tagger<'_, 'a> {
    fn tok(&self, i: usize) -> Option<&Tok<'a>> {
        self.toks.get(i)
    }

    fn lw(&self, i: usize) -> &str {
        self.toks.get(i).map(|t| &*t.lower).unwrap_or("")
    }

    fn is(&self, i: usize, w: &str) -> bool {
        self.lw(i) == w
    }

    /// Adjacent to the previous token (no space between).
    fn glued(&self, i: usize) -> bool {
        self.tok(i).is_some_and(|t| !t.space)
    }

    fn sentence_start(&self, i: usize) -> bool {
        if i == 0 {
            return true;
        }
        let Some(t) = self.tok(i) else { return false };
        if t.newline {
            return true;
        }
        let prev = self.lw(i - 1);
        if prev == "." {
            // "U.S. officials": a dot after a single letter is an abbreviation
            return !(i >= 2
                && self
                    .tok(i - 2)
                    .is_some_and(|t| t.kind == Kind::Word && t.s.chars().count() == 1));
        }
        matches!(
            prev,
            "!" | "?" | ":" | "\"" | "“" | "‘" | "'" | "(" | "—" | "–"
        )
    }

    /// Longest match starting at `i`, after optional modifiers.
    fn best(&self, i: usize, last_quarter: Option<(i16, i8)>) -> Option<(usize, M)> {
        let mut k = i;
        let t = self.tok(i)?;
        let worth = match t.kind {
            Kind::Num => true,
            Kind::Word => self.lex.triggers.contains(&*t.lower),
            Kind::Punct => matches!(t.s, "'" | "’"),
        };
        if !worth {
            return None;
        }
        // modifiers, possibly several ("the end of early …" is rare; allow two)
        for _ in 0..2 {
            let mut advanced = false;
            for p in self.lex.phrases("mod", self.lw(k)) {
                if self.phrase_at(k, &p.tokens) {
                    k += p.tokens.len();
                    advanced = true;
                    break;
                }
            }
            // "mid-November"
            if advanced && self.is(k, "-") && self.glued(k) {
                k += 1;
            }
            if !advanced {
                break;
            }
        }
        if k > i {
            if let Some(mt) = self.core(k, last_quarter) {
                return Some((i, mt));
            }
        }
        self.core(i, last_quarter).map(|mt| (i, mt))
    }

    /// Length of a `block` phrase (not a temporal expression) at `i`.
    fn blocked(&self, i: usize) -> Option<usize> {
        self.lex
            .phrases("block", self.lw(i))
            .iter()
            .find(|p| self.phrase_at(i, &p.tokens))
            .map(|p| p.tokens.len())
    }

    fn phrase_at(&self, i: usize, words: &[&str]) -> bool {
        words.iter().enumerate().all(|(n, w)| self.is(i + n, w))
    }

    fn core(&self, i: usize, last_quarter: Option<(i16, i8)>) -> Option<M> {
        let t = self.tok(i)?;
        let mut best: Option<M> = None;
        let mut consider = |c: Option<M>| {
            if let Some(c) = c {
                if best.as_ref().is_none_or(|b| c.end > b.end) {
                    best = Some(c);
                }
            }
        };
        match t.kind {
            Kind::Num => {
                consider(self.numeric_date(i));
                consider(self.day_month(i));
                consider(self.cjk_date(i));
                consider(self.clock(i));
                consider(self.year(i));
                consider(self.amount(i, last_quarter));
            }
            Kind::Word => {
                consider(self.month_first(i));
                consider(self.weekday(i));
                consider(self.relative(i));
                consider(self.relday(i));
                consider(self.reference(i));
                consider(self.amount(i, last_quarter));
                consider(self.quarter(i));
                consider(self.century(i));
                consider(self.spelled_year(i));
                consider(self.season(i));
                consider(self.holiday(i));
                consider(self.the_year(i));
                consider(self.anaphora(i));
                consider(self.long(i));
            }
            Kind::Punct => {
                consider(self.short_year(i));
            }
        }
        best
    }

    /// Past (-1) or future (1) for an expression spanning `[i, end)`; 0 without a cue.
    fn tense(&self, i: usize, end: usize) -> i8 {
        let check = |j: usize| -> Option<i8> {
            let w = self.lw(j);
            // "Until Thursday, they had not…": the clause after it has the tense; "vacation
            // plans" is a noun, "plans to" a verb
            let weak = (w == "until" && self.sentence_start(j))
                || (matches!(w, "plan" | "plans") && !self.is(j + 1, "to"));
            if self.lex.word("future", w).is_some() && !weak {
                return Some(1);
            }
            let lower_ed =
                w.len() > 4 && w.ends_with("ed") && self.tok(j).is_some_and(|t| !t.cap());
            if self.lex.word("past", w).is_some() || lower_ed {
                return Some(-1);
            }
            None
        };
        // the nearest cue on either side, within the sentence: a parenthesis does not end it
        // ("will leave at 4 in the morning (4 a.m. Thursday)"), a quotation mark does (the
        // "…,'' Castro said" after a quote is not the quote's tense)
        let clause_start = |j: usize| self.sentence_start(j) && !(j > 0 && self.is(j - 1, "("));
        let quote = |j: usize| {
            matches!(self.lw(j), "\"" | "”" | "“") || (self.is(j, "'") && self.is(j + 1, "'"))
        };
        let mut back_open = !clause_start(i);
        let mut fwd_open = true;
        for d in 1..=30usize {
            if back_open {
                match i.checked_sub(d) {
                    Some(j) => {
                        if let Some(v) = check(j) {
                            return v;
                        }
                        if clause_start(j) {
                            back_open = false;
                        }
                    }
                    None => back_open = false,
                }
            }
            if fwd_open {
                let j = end + d - 1;
                if j >= self.toks.len() || matches!(self.lw(j), "." | "!" | "?") || quote(j) {
                    fwd_open = false;
                } else if let Some(v) = check(j) {
                    return v;
                }
            }
            if !back_open && !fwd_open {
                break;
            }
        }
        0
    }

    // ----- names -----

    /// Month number of token `i` when it is a month name in the page's languages.
    fn month_name(&self, i: usize) -> Option<(u8, usize)> {
        let t = self.tok(i)?;
        if t.kind != Kind::Word {
            return None;
        }
        let mo = self.lex.month(&t.lower, &self.langs)?;
        let english = self.lex.month(&t.lower, &["en"]).is_some();
        let other = self
            .langs
            .get(1..)
            .is_some_and(|rest| !rest.is_empty() && self.lex.month(&t.lower, rest).is_some());
        if english && !other && !t.cap() {
            return None;
        }
        let mut end = i + 1;
        if self.is(end, ".") && self.glued(end) && t.s.chars().count() <= 4 {
            end += 1;
        }
        Some((mo, end))
    }

    fn day_num(&self, i: usize) -> Option<(u8, usize)> {
        let t = self.tok(i)?;
        let n = t.num()?;
        if t.s.len() > 2 || !(1..=31).contains(&n) {
            return None;
        }
        let mut end = i + 1;
        if matches!(self.lw(end), "st" | "nd" | "rd" | "th") && self.glued(end) {
            end += 1;
        }
        u8::try_from(n).ok().map(|d| (d, end))
    }

    fn year_num(&self, i: usize) -> Option<i16> {
        let t = self.tok(i)?;
        let n = t.num()?;
        if t.s.len() != 4 || !(1000..=2999).contains(&n) {
            return None;
        }
        // not glued to more digits or letters ("2018a", "1990s" is a decade)
        if self
            .tok(i + 1)
            .is_some_and(|n| !n.space && n.kind == Kind::Word)
        {
            return None;
        }
        i16::try_from(n).ok()
    }

    /// A month and day without year: the last one on or before the reference date or the
    /// next one after it, as the tense says; without a cue the past one, unless the next one
    /// is less than a third as far.
    fn month_day(&self, mo: u8, d: u8, dir: i8) -> Option<String> {
        let y = self.dct.year();
        let mut past: Option<Date> = None;
        let mut fut: Option<Date> = None;
        for yy in [y - 1, y, y + 1] {
            let Ok(date) = Date::new(yy, mo as i8, d as i8) else {
                continue;
            };
            if date <= self.dct {
                past = Some(date);
            } else if fut.is_none() {
                fut = Some(date);
            }
        }
        let days = |x: Date| i64::from((x - self.dct).get_days()).abs();
        let pick = match (past, fut) {
            (Some(p), Some(f)) => match dir {
                -1 => p,
                1 => f,
                _ if days(f) * 3 < days(p) => f,
                _ => p,
            },
            (Some(p), None) => p,
            (None, Some(f)) => f,
            (None, None) => return None,
        };
        Some(ymd(pick))
    }

    fn full_date(y: i16, mo: u8, d: u8) -> Option<String> {
        Date::new(y, mo as i8, d as i8).ok().map(ymd)
    }

    /// A month without day or year, in the direction of the tense.
    /// Without a tense cue: the past one, unless the next one is at most half as far.
    fn month_only(&self, mo: u8, dir: i8) -> String {
        let cur = self.dct.month() as u8;
        let y = self.dct.year();
        if mo == cur {
            return ym(y, mo as i8);
        }
        // months to the next and from the last occurrence
        let fut = (mo + 12 - cur) % 12;
        let past = 12 - fut;
        // a verb in the past says little about a month named alone ("said ... in May"): only
        // a future cue counts, and not against a much nearer past one
        let future = if dir > 0 {
            past * 3 >= fut
        } else {
            fut * 2 <= past
        };
        if future {
            ym(if mo > cur { y } else { y + 1 }, mo as i8)
        } else {
            ym(if mo < cur { y } else { y - 1 }, mo as i8)
        }
    }

    /// `Sept. 30`, `Sept. 30, 1989`, `September 1989`, `March`.
    fn month_first(&self, i: usize) -> Option<M> {
        let (mo, mut k) = self.month_name(i)?;
        // "Sept. 30[th][,] [1989]"
        if let Some((d, mut k2)) = self.day_num(k) {
            // not "May 5,000"
            if !(self.is(k2, ",")
                && self
                    .tok(k2 + 1)
                    .is_some_and(|t| t.kind == Kind::Num && t.s.len() == 3))
            {
                let mut k3 = k2;
                if self.is(k3, ",") {
                    k3 += 1;
                }
                if let Some(y) = self.year_num(k3) {
                    return m(k3 + 1, TimexType::Date, Self::full_date(y, mo, d)?);
                }
                if self.is(k2, ",") {
                    k2 = k2.max(k);
                }
                return m(k2, TimexType::Date, self.month_day(mo, d, 0)?);
            }
        }
        if (self.is(k, ",") || self.is(k, "of")) && self.year_num(k + 1).is_some() {
            k += 1;
        }
        if let Some(y) = self.year_num(k) {
            return m(k + 1, TimexType::Date, ym(y, mo as i8));
        }
        // "January nineteen ninety-seven"
        if let Some(sp) = self.spelled_year(k).filter(|sp| sp.value.len() == 4) {
            return m(sp.end, TimexType::Date, format!("{}-{mo:02}", sp.value));
        }
        // "February this year", "June last year"
        if let Some(det) = self
            .lex
            .word("reldet", self.lw(k))
            .and_then(|v| v.parse::<i16>().ok())
        {
            if self.is(k + 1, "year") {
                return m(k + 2, TimexType::Date, ym(self.dct.year() + det, mo as i8));
            }
        }
        // month alone: words that are also verbs or names need a preposition before
        let t = self.tok(i)?;
        let prev = if i > 0 { self.lw(i - 1) } else { "" };
        let prep = matches!(
            prev,
            "in" | "since"
                | "until"
                | "till"
                | "by"
                | "from"
                | "of"
                | "through"
                | "during"
                | "early"
                | "late"
                | "mid"
                | "last"
                | "next"
                | "this"
                | "before"
                | "after"
                | "between"
                | "and"
                | "or"
                | "to"
                | "-"
                | "end"
                | "each"
                | "every"
                | "for"
        );
        let ambiguous = matches!(
            &*t.lower,
            "may"
                | "march"
                | "mar"
                | "jan"
                | "sun"
                | "sat"
                | "dec"
                | "aug"
                | "jun"
                | "jul"
                | "apr"
                | "oct"
                | "nov"
                | "sep"
                | "sept"
                | "feb"
        );
        if ambiguous && !prep {
            return None;
        }
        if ambiguous && self.tok(k).is_some_and(|x| x.kind == Kind::Word && x.cap()) {
            return None;
        }
        // a capitalised word before a month name makes a name ("Theresa May"), except at a
        // sentence start
        if i > 0 && !self.sentence_start(i) {
            if let Some(p) = self.tok(i - 1) {
                if p.kind == Kind::Word && p.cap() && !prep {
                    return None;
                }
            }
        }
        // "last/this/next March" belong to `relative`
        let dir = self.tense(i, k);
        m(k, TimexType::Date, self.month_only(mo, dir))
    }

    /// `30 September [2018]`, `11. September 2018`, `11 de septiembre de 2018`.
    fn day_month(&self, i: usize) -> Option<M> {
        let (d, mut k) = self.day_num(i)?;
        if self.is(k, ".") && self.glued(k) {
            k += 1;
        }
        if matches!(self.lw(k), "of" | "de") {
            k += 1;
        }
        let (mo, mut k) = self.month_name(k)?;
        let save = k;
        if matches!(self.lw(k), "," | "de" | "del") {
            k += 1;
        }
        if let Some(y) = self.year_num(k) {
            let mut end = k + 1;
            if matches!(self.lw(end), "года" | "г" | "року" | "r" | "roku") {
                end += 1;
            }
            return m(end, TimexType::Date, Self::full_date(y, mo, d)?);
        }
        m(save, TimexType::Date, self.month_day(mo, d, 0)?)
    }

    /// `2018年9月11日`, `9月11日`.
    fn cjk_date(&self, i: usize) -> Option<M> {
        let n = self.tok(i)?.num()?;
        let starts = |j: usize, c: &str| self.tok(j).is_some_and(|t| t.s.starts_with(c));
        let (y, k) = if starts(i + 1, "年") && (1000..=2999).contains(&n) {
            (Some(i16::try_from(n).ok()?), i + 2)
        } else {
            (None, i)
        };
        let mo = self.tok(k)?.num()?;
        if !starts(k + 1, "月") || !(1..=12).contains(&mo) {
            return match y {
                Some(y) if k == i + 2 => m(i + 2, TimexType::Date, format!("{y:04}")),
                _ => None,
            };
        }
        let mo = mo as u8;
        if let Some(d) = self.tok(k + 2).and_then(Tok::num) {
            if starts(k + 3, "日") && (1..=31).contains(&d) {
                let v = match y {
                    Some(y) => Self::full_date(y, mo, d as u8)?,
                    None => self.month_day(mo, d as u8, 0)?,
                };
                return m(k + 4, TimexType::Date, v);
            }
        }
        let v = match y {
            Some(y) => ym(y, mo as i8),
            None => self.month_only(mo, 0),
        };
        m(k + 2, TimexType::Date, v)
    }

    /// `2018-09-11`, `09/11/2018`, `11.09.2018`.
    fn numeric_date(&self, i: usize) -> Option<M> {
        let a = self.tok(i)?;
        let sep = self.tok(i + 1)?;
        if sep.space || !matches!(sep.s, "-" | "/" | ".") {
            return None;
        }
        let b = self.tok(i + 2)?;
        let sep2 = self.tok(i + 3)?;
        let c = self.tok(i + 4)?;
        if b.space || sep2.space || c.space || sep2.s != sep.s || c.kind != Kind::Num {
            return None;
        }
        let (x, y, z) = (a.num()?, b.num()?, c.num()?);
        let v = if a.s.len() == 4 {
            Self::full_date(
                i16::try_from(x).ok()?,
                u8::try_from(y).ok()?,
                u8::try_from(z).ok()?,
            )?
        } else if c.s.len() == 4 && sep.s != "-" {
            let yy = i16::try_from(z).ok()?;
            let (mo, d) = if sep.s == "/" && x <= 12 {
                (x, y)
            } else {
                (y, x)
            };
            Self::full_date(yy, u8::try_from(mo).ok()?, u8::try_from(d).ok()?)?
        } else {
            return None;
        };
        // not a version number
        if i > 0
            && matches!(
                self.lw(i - 1),
                "version" | "v" | "release" | "build" | "ver"
            )
        {
            return None;
        }
        // not part of a longer number or version
        if self.tok(i + 5).is_some_and(|t| {
            !t.space
                && matches!(t.s, "-" | "/" | ".")
                && self
                    .tok(i + 6)
                    .is_some_and(|u| u.kind == Kind::Num && !u.space)
        }) {
            return None;
        }
        m(i + 5, TimexType::Date, v)
    }

    /// A year on its own (`1990`), a decade (`1980s`), `fiscal 1989` (the modifier).
    fn year(&self, i: usize) -> Option<M> {
        let t = self.tok(i)?;
        let n = t.num()?;
        if t.s.len() != 4 || !(1800..=2100).contains(&n) {
            return None;
        }
        let prev = if i > 0 { self.tok(i - 1) } else { None };
        let next = self.tok(i + 1);
        // decades: 1980s
        if next.is_some_and(|x| !x.space && &*x.lower == "s") && n % 10 == 0 {
            return m(i + 2, TimexType::Date, format!("{}", n / 10));
        }
        if next.is_some_and(|x| !x.space && x.kind != Kind::Punct) {
            return None;
        }
        // money, numbers, ranks, codes
        if let Some(p) = prev {
            let mid = p.s == "-" && i >= 2 && matches!(self.lw(i - 2), "mid" | "pre" | "post");
            if matches!(
                p.s,
                "$" | "€" | "£" | "#" | "¥" | "," | "." | "-" | "/" | ":" | "+"
            ) && !p.space
                && !mid
            {
                return None;
            }
            if matches!(p.s, "$" | "€" | "£" | "#" | "¥") {
                return None;
            }
            if matches!(
                &*p.lower,
                "no" | "number"
                    | "page"
                    | "flight"
                    | "route"
                    | "room"
                    | "model"
                    | "version"
                    | "about"
                    | "some"
                    | "nearly"
                    | "over"
                    | "than"
                    | "of"
                    | "to"
                    | "additional"
                    | "another"
            ) {
                // "of 1990" is a date, but "of 2000 people" is not: decided by the next word
                if !matches!(&*p.lower, "of" | "to") {
                    return None;
                }
            }
            // names with years: "Vostok 2018", "Windows 2000"
            if p.kind == Kind::Word && p.cap() && !self.sentence_start(i - 1) {
                let allowed = self.month_name(i - 1).is_some()
                    || matches!(
                        &*p.lower,
                        "in" | "since"
                            | "fiscal"
                            | "fy"
                            | "until"
                            | "by"
                            | "from"
                            | "through"
                            | "during"
                            | "before"
                            | "after"
                            | "spring"
                            | "summer"
                            | "fall"
                            | "autumn"
                            | "winter"
                            | "early"
                            | "late"
                            | "mid"
                    );
                if !allowed {
                    return None;
                }
            }
        }
        // "0800 2018 2019": runs of numbers are phone numbers or figures
        if prev.is_some_and(|p| p.kind == Kind::Num) || next.is_some_and(|x| x.kind == Kind::Num) {
            return None;
        }
        if let Some(x) = next {
            if matches!(x.s, "%" | "-") && !x.space {
                // 1989-90 is a range of years: keep the first
                if x.s == "-"
                    && self
                        .tok(i + 2)
                        .is_some_and(|y| y.kind == Kind::Num && !y.space)
                {
                    return m(i + 1, TimexType::Date, format!("{n}"));
                }
                if x.s == "%" {
                    return None;
                }
            }
            if x.kind == Kind::Word {
                // "the 2018 World Cup": a name (two capitalised words after the year)
                let name_follows = x.cap()
                    && self.month_name(i + 1).is_none()
                    && self
                        .tok(i + 2)
                        .is_some_and(|y| y.kind == Kind::Word && y.cap());
                if name_follows
                    && prev.is_some_and(|p| {
                        matches!(
                            &*p.lower,
                            "the" | "a" | "an" | "its" | "his" | "her" | "their" | "s"
                        )
                    })
                {
                    return None;
                }
                // "2000 troops", "1990 levels" after a count word
                if !x.cap()
                    && x.lower.ends_with('s')
                    && x.lower.len() > 3
                    && !matches!(
                        &*x.lower,
                        "was"
                            | "has"
                            | "is"
                            | "as"
                            | "its"
                            | "this"
                            | "says"
                            | "plus"
                            | "levels"
                            | "figures"
                            | "results"
                            | "sales"
                            | "earnings"
                            | "prices"
                            | "rates"
                    )
                    && prev.is_none_or(|p| {
                        !matches!(
                            &*p.lower,
                            "in" | "since"
                                | "of"
                                | "until"
                                | "by"
                                | "fiscal"
                                | "from"
                                | "through"
                                | "during"
                        )
                    })
                {
                    return None;
                }
                if matches!(
                    &*x.lower,
                    "people"
                        | "men"
                        | "women"
                        | "children"
                        | "troops"
                        | "feet"
                        | "metres"
                        | "meters"
                        | "miles"
                        | "km"
                        | "kilometers"
                        | "tons"
                        | "tonnes"
                        | "units"
                        | "shares"
                        | "votes"
                        | "points"
                        | "yen"
                        | "euros"
                        | "dollars"
                        | "pounds"
                        | "degrees"
                ) {
                    return None;
                }
            }
        }
        m(i + 1, TimexType::Date, format!("{n}"))
    }

    /// `'98`, `'90s`.
    fn short_year(&self, i: usize) -> Option<M> {
        let t = self.tok(i)?;
        if !matches!(t.s, "'" | "’") {
            return None;
        }
        let n = self.tok(i + 1)?;
        if n.space || n.kind != Kind::Num || n.s.len() != 2 {
            return None;
        }
        let v = n.num()?;
        let century = if v > 30 { 19 } else { 20 };
        if self.is(i + 2, "s") && self.glued(i + 2) {
            return m(i + 3, TimexType::Date, format!("{century}{}", v / 10));
        }
        // only after a month or a preposition: "in '98", "June '98"
        let prev = if i > 0 { self.lw(i - 1) } else { "" };
        if matches!(prev, "in" | "since" | "of" | "until")
            || (i > 0 && self.month_name(i - 1).is_some())
        {
            return m(i + 2, TimexType::Date, format!("{century}{v:02}"));
        }
        None
    }

    /// `the year ended June 30` (a year-long period: P1Y), `for the full year`, `for the fiscal
    /// year` (the reference year).
    fn the_year(&self, i: usize) -> Option<M> {
        if !self.is(i, "the") {
            return None;
        }
        let mut k = i + 1;
        let full = self.is(k, "full");
        if full || self.is(k, "fiscal") {
            k += 1;
        }
        if !self.is(k, "year") || self.is(k + 1, "-") || self.is(k + 1, "'") {
            return None;
        }
        let end = k + 1;
        let next = self.lw(end);
        if matches!(next, "ended" | "ending") || (next == "that" && self.is(end + 1, "ended")) {
            return m(end, TimexType::Duration, "P1Y".to_string());
        }
        let prev = if i > 0 { self.lw(i - 1) } else { "" };
        if full || matches!(prev, "for" | "throughout" | "during") {
            return m(end, TimexType::Date, format!("{}", self.dct.year()));
        }
        None
    }

    /// Holidays (`Thanksgiving`, `Election Day`, `last Christmas`), as `data/holidays.tsv`
    /// defines them; the year as for a month and day without one.
    fn holiday(&self, i: usize) -> Option<M> {
        let mut k = i;
        let det: i64 = match self
            .lex
            .word("reldet", self.lw(k))
            .and_then(|v| v.parse().ok())
        {
            Some(d) => {
                k += 1;
                d
            }
            None => 0,
        };
        if !self.tok(k).is_some_and(Tok::cap) {
            return None;
        }
        let list = self.lex.holidays.get(self.lw(k))?;
        let p = list.iter().find(|p| self.phrase_at(k, &p.tokens))?;
        let end = k + p.tokens.len();
        let y = self.dct.year();
        let dates: Vec<Date> = [y - 1, y, y + 1]
            .iter()
            .filter_map(|&yy| holiday_date(p.value, yy))
            .collect();
        let past = dates.iter().copied().filter(|d| *d <= self.dct).max();
        let fut = dates.iter().copied().filter(|d| *d > self.dct).min();
        let days = |x: Date| i64::from((x - self.dct).get_days()).abs();
        let pick = match (det, past, fut) {
            (d, Some(p), _) if d < 0 => p,
            (d, _, Some(f)) if d > 0 => f,
            (_, Some(p), Some(f)) => {
                if days(f) * 3 < days(p) {
                    f
                } else {
                    p
                }
            }
            (_, Some(p), None) => p,
            (_, None, Some(f)) => f,
            _ => return None,
        };
        m(end, TimexType::Date, ymd(pick))
    }

    /// `spring 2018`, `the summer of 1998`, `in winter` (the one the tense points at).
    fn season(&self, i: usize) -> Option<M> {
        let mut k = i;
        if self.is(k, "the") {
            k += 1;
        }
        let s = self.lex.word("season", self.lw(k))?;
        let mut j = k + 1;
        if self.is(j, "of") {
            j += 1;
        }
        if let Some(y) = self.year_num(j) {
            return m(j + 1, TimexType::Date, format!("{y}-{s}"));
        }
        if let Some(sp) = self.spelled_year(j).filter(|sp| sp.value.len() == 4) {
            return m(sp.end, TimexType::Date, format!("{}-{s}", sp.value));
        }
        let prev = if i > 0 { self.lw(i - 1) } else { "" };
        if !matches!(
            prev,
            "in" | "during" | "since" | "until" | "by" | "early" | "late" | "mid" | "-"
        ) {
            return None;
        }
        let start: i8 = match s {
            "SP" => 3,
            "SU" => 6,
            "FA" => 9,
            _ => 12,
        };
        let cur = self.dct.month();
        let y = self.dct.year();
        let y = match self.tense(i, k + 1) {
            d if d > 0 => {
                if start + 2 < cur {
                    y + 1
                } else {
                    y
                }
            }
            _ => {
                if start > cur {
                    y - 1
                } else {
                    y
                }
            }
        };
        m(k + 1, TimexType::Date, format!("{y}-{s}"))
    }

    /// `nineteen ninety-six`, `the year two thousand`, `the nineties`.
    fn spelled_year(&self, i: usize) -> Option<M> {
        let mut k = i;
        if self.is(k, "the") && self.lex.word("decade", self.lw(k + 1)).is_some() {
            let d = self.lex.word("decade", self.lw(k + 1))?;
            return m(k + 2, TimexType::Date, format!("19{d}"));
        }
        let year_word = self.is(k, "the") && self.is(k + 1, "year");
        if year_word {
            k += 2;
        }
        let small = |j: usize| -> Option<u32> {
            let v: f64 = self.lex.word("num", self.lw(j))?.parse().ok()?;
            ((1.0..10.0).contains(&v) && !matches!(self.lw(j), "a" | "an")).then_some(v as u32)
        };
        let tens = |j: usize| -> Option<u32> {
            let v: f64 = self.lex.word("num", self.lw(j))?.parse().ok()?;
            ((20.0..100.0).contains(&v) && v.fract() == 0.0).then_some(v as u32)
        };
        if self.is(k, "nineteen") {
            if let Some(t) = tens(k + 1) {
                let mut end = k + 2;
                let mut y = 1900 + t;
                let mut j = end;
                if self.is(j, "-") {
                    j += 1;
                }
                if let Some(u) = small(j) {
                    y += u;
                    end = j + 1;
                }
                return m(end, TimexType::Date, format!("{y}"));
            }
            return None;
        }
        if year_word && self.is(k, "two") && self.is(k + 1, "thousand") {
            let mut end = k + 2;
            let mut y = 2000;
            let mut j = end;
            if self.is(j, "and") {
                j += 1;
            }
            if let Some(u) = small(j) {
                y += u;
                end = j + 1;
            }
            return m(end, TimexType::Date, format!("{y}"));
        }
        None
    }

    /// `the 20th century`.
    fn century(&self, i: usize) -> Option<M> {
        let mut k = i;
        if self.is(k, "the") {
            k += 1;
        }
        let n = if let Some(n) = self.tok(k).and_then(Tok::num) {
            if !matches!(self.lw(k + 1), "th" | "st" | "nd" | "rd") {
                return None;
            }
            k += 2;
            n
        } else {
            let w = self.lw(k);
            let n = match w {
                "nineteenth" => 19,
                "twentieth" => 20,
                "twenty" if self.is(k + 1, "-") && self.is(k + 2, "first") => {
                    k += 2;
                    21
                }
                _ => return None,
            };
            k += 1;
            n
        };
        if !matches!(self.lw(k), "century") || !(1..=30).contains(&n) {
            return None;
        }
        m(k + 1, TimexType::Date, format!("{:02}", n - 1))
    }

    /// `day-long`, `decades-long`: a period as an adjective.
    fn long(&self, i: usize) -> Option<M> {
        let w = self.lw(i);
        let unit = self.lex.word("unit", w)?;
        if !(self.is(i + 1, "-")
            && self.glued(i + 1)
            && self.is(i + 2, "long")
            && self.glued(i + 2))
        {
            return None;
        }
        let n = if w.ends_with('s') { None } else { Some(1.0) };
        m(i + 3, TimexType::Duration, duration(n, unit)?)
    }

    /// `later that year`, `that year`, `earlier that day`, `that same day`: the period of the
    /// last date the text mentioned. A bare `that day` is left alone: it is as often a day
    /// in general ("trades made that day").
    fn anaphora(&self, i: usize) -> Option<M> {
        let mut k = i;
        let side = matches!(self.lw(k), "earlier" | "later");
        if side {
            k += 1;
        }
        if !self.is(k, "that") {
            return None;
        }
        k += 1;
        let same = self.is(k, "same");
        if same {
            k += 1;
        }
        let last = self.last_date.get()?;
        let v = match self.lw(k) {
            "year" => format!("{:04}", last.year),
            "month" if side || same => ym(last.year, last.month?),
            "day" if side || same => {
                Self::full_date(last.year, last.month? as u8, last.day? as u8)?
            }
            _ => return None,
        };
        m(k + 1, TimexType::Date, v)
    }

    /// Weekday names: `Friday`, `Friday morning`, `Friday, Sept. 30`.
    fn weekday(&self, i: usize) -> Option<M> {
        let t = self.tok(i)?;
        let wd = self.weekday_name(i)?;
        let _ = t;
        let k = i + 1;
        // "Friday, Sept. 30[, 1989]" or "Friday 30 September"
        let mut k2 = k;
        if self.is(k2, ",") {
            k2 += 1;
        }
        // the weekday takes the date's value; the date is tagged on its own
        if let Some(mt) = self.month_first(k2).or_else(|| self.day_month(k2)) {
            if mt.value.len() >= 10 {
                return m(k, TimexType::Date, mt.value);
            }
        }
        let mut dir = self.tense(i, k);
        // "Wednesday's ruling": a possessive day names something that has happened
        if matches!(self.lw(k), "'" | "’") && self.is(k + 1, "s") {
            dir = -1;
        }
        let date = resolve_weekday(self.dct, weekday_from(wd)?, dir, false)?;
        // "Friday night", "Friday morning": annotators mostly give the day and leave the part
        // of the day outside; the evening and the afternoon they give as a time of that day
        if let Some(pd) = self.lex.word("partday", self.lw(k)) {
            if matches!(pd, "TEV" | "TAF") {
                return m(k + 1, TimexType::Time, format!("{}{pd}", ymd(date)));
            }
            return m(k, TimexType::Date, ymd(date));
        }
        m(k, TimexType::Date, ymd(date))
    }

    fn weekday_name(&self, i: usize) -> Option<u8> {
        let t = self.tok(i)?;
        if t.kind != Kind::Word || t.s.chars().count() < 5 {
            return None;
        }
        let wd = self.lex.weekday(&t.lower, &self.langs)?;
        let english = self.lex.weekday(&t.lower, &["en"]).is_some();
        if english && !t.cap() {
            return None;
        }
        Some(wd)
    }

    /// `today`, `yesterday`, `tomorrow`, with a part of the day.
    fn relday(&self, i: usize) -> Option<M> {
        let off: i64 = self.lex.word("relday", self.lw(i))?.parse().ok()?;
        // "today's world": the present in general, not a day
        if off == 0 && self.is(i + 1, "'") && self.is(i + 2, "s") {
            return None;
        }
        let date = add_days(self.dct, off)?;
        if let Some(pd) = self.lex.word("partday", self.lw(i + 1)) {
            return m(i + 2, TimexType::Time, format!("{}{pd}", ymd(date)));
        }
        m(i + 1, TimexType::Date, ymd(date))
    }

    /// Fixed phrases: `now`, `recently`, `daily`, `noon`.
    fn reference(&self, i: usize) -> Option<M> {
        for p in self.lex.phrases("ref", self.lw(i)) {
            if !self.phrase_at(i, &p.tokens) {
                continue;
            }
            let end = i + p.tokens.len();
            let (ty, v) = p.value.split_once(':')?;
            // "Now, he says ...": a discourse marker
            if p.tokens == ["now"] && self.sentence_start(i) && self.is(i + 1, ",") {
                return None;
            }
            // "current quarter", "recent weeks": the unit rules take them
            if matches!(
                p.tokens.last().copied(),
                Some("current" | "recent" | "future")
            ) && self.lex.word("unit", self.lw(end)).is_some()
            {
                return None;
            }
            let kind = match ty {
                "SET" => TimexType::Set,
                "TIME" => TimexType::Time,
                "DURATION" => TimexType::Duration,
                _ => TimexType::Date,
            };
            if kind == TimexType::Time && v.starts_with('T') {
                // "noon Thursday", "midnight Friday"
                if let Some(wd) = self.weekday_name(end).and_then(weekday_from) {
                    let dir = self.tense(i, end + 1);
                    let date = resolve_weekday(self.dct, wd, dir, false)?;
                    return m(end + 1, kind, format!("{}{v}", ymd(date)));
                }
                return m(end, kind, format!("{}{v}", ymd(self.dct)));
            }
            return m(end, kind, v.to_string());
        }
        None
    }

    /// `this year`, `last month`, `next week`, `the past year` (a duration), `last Friday`,
    /// `last fall`, `this morning`, `the weekend`.
    fn relative(&self, i: usize) -> Option<M> {
        let mut k = i;
        let the = self.is(k, "the");
        if the {
            k += 1;
        }
        // "the week of March 6": the week of that day
        if the && self.is(k, "week") && self.is(k + 1, "of") {
            if let Some(mt) = self.month_first(k + 2).or_else(|| self.day_month(k + 2)) {
                if let Some(d) = mt.value.get(..10).and_then(|v| v.parse::<Date>().ok()) {
                    return m(mt.end, TimexType::Date, week(d));
                }
            }
        }
        let det_word = self.lw(k);
        let det: i64 = match self.lex.word("reldet", det_word) {
            Some(v) => v.parse().ok()?,
            None if the && matches!(det_word, "weekend") => {
                let dir = self.tense(i, k + 1);
                let base = if dir < 0 && self.dct.weekday().to_monday_one_offset() < 5 {
                    add_days(self.dct, -7)?
                } else {
                    self.dct
                };
                return m(k + 1, TimexType::Date, format!("{}-WE", week(base)));
            }
            None => return None,
        };
        k += 1;
        if !the
            && self.tok(i).is_some_and(Tok::cap)
            && self.tok(k).is_some_and(Tok::cap)
            && !self.sentence_start(i)
        {
            return None;
        }
        if self.is(k, "fiscal") && self.is(k + 1, "year") {
            k += 1;
        }
        let w = self.lw(k);
        if let Some(unit) = self.lex.word("unit", w) {
            if w.ends_with('s') && unit != "C" && !w.ends_with("ss") {
                // "the past years": vague duration; "recent" handled elsewhere
                if det != 0 {
                    return m(k + 1, TimexType::Duration, duration(None, unit)?);
                }
                return None;
            }
            if the && det != 0 && det_word != "following" {
                return m(k + 1, TimexType::Duration, duration(Some(1.0), unit)?);
            }
            let d = self.dct;
            let v = match unit {
                "Y" => format!("{}", d.year() + det as i16),
                "M" => {
                    let x = add_months(d, det)?;
                    ym(x.year(), x.month())
                }
                "W" => week(add_days(d, 7 * det)?),
                "D" => ymd(add_days(d, det)?),
                "Q" => {
                    let x = add_months(d, 3 * det)?;
                    format!("{}-Q{}", x.year(), quarter_of(x))
                }
                "WE" => format!("{}-WE", week(add_days(d, 7 * det)?)),
                "E" => format!("{}", (i64::from(d.year()) + 10 * det) / 10),
                "C" => format!("{:02}", (i64::from(d.year()) + 100 * det) / 100),
                _ => return None,
            };
            return m(k + 1, TimexType::Date, v);
        }
        if the {
            return None;
        }
        if let Some(pd) = self.lex.word("partday", w) {
            // "this morning", "last night"
            let date = if det < 0 && pd == "TNI" {
                add_days(self.dct, -1)?
            } else if det > 0 {
                add_days(self.dct, 1)?
            } else {
                self.dct
            };
            return m(k + 1, TimexType::Time, format!("{}{pd}", ymd(date)));
        }
        if let Some(s) = self.lex.word("season", w) {
            let start = match s {
                "SP" => 3,
                "SU" => 6,
                "FA" => 9,
                _ => 12,
            };
            let cur = self.dct.month() as i16;
            let y = self.dct.year();
            let y = match det {
                0 => y,
                d if d < 0 => {
                    if start + 3 <= cur {
                        y
                    } else {
                        y - 1
                    }
                }
                _ => {
                    if start > cur {
                        y
                    } else {
                        y + 1
                    }
                }
            };
            return m(k + 1, TimexType::Date, format!("{y}-{s}"));
        }
        if let Some(wd) = self.weekday_name(k) {
            let dir = if det == 0 {
                self.tense(i, k + 1)
            } else {
                det as i8
            };
            let dir = if dir == 0 { -1 } else { dir };
            let date = resolve_weekday(self.dct, weekday_from(wd)?, dir, det != 0)?;
            return m(k + 1, TimexType::Date, ymd(date));
        }
        if let Some((mo, end)) = self.month_name(k) {
            // "last Oct. 23": that day, in the direction the determiner says
            if let Some((d, dend)) = self.day_num(end) {
                if let Some(v) = self.month_day(mo, d, det.signum() as i8) {
                    return m(dend, TimexType::Date, v);
                }
            }
            let cur = self.dct.month() as u8;
            let y = self.dct.year();
            let y = match det {
                0 => y,
                d if d < 0 => {
                    if mo < cur {
                        y
                    } else {
                        y - 1
                    }
                }
                _ => {
                    if mo > cur {
                        y
                    } else {
                        y + 1
                    }
                }
            };
            return m(end, TimexType::Date, ym(y, mo as i8));
        }
        None
    }

    /// A number from digits (`12`, `1.5`) or words (`twenty-four`, `a`, `several`): its value
    /// (`None` when vague) and the token after it.
    fn number(&self, i: usize) -> Option<(Option<f64>, usize)> {
        let t = self.tok(i)?;
        if let Some(n) = t.num() {
            if self.is(i + 1, ".")
                && self.glued(i + 1)
                && self
                    .tok(i + 2)
                    .is_some_and(|x| x.kind == Kind::Num && !x.space)
            {
                let frac: f64 = format!("0.{}", self.tok(i + 2)?.s).parse().ok()?;
                return Some((Some(f64::from(n) + frac), i + 3));
            }
            // thousands: "1,000"
            if self.is(i + 1, ",") && self.glued(i + 1) {
                return None;
            }
            // "5 1/2"
            if let (Some(a), Some(b)) = (
                self.tok(i + 1).and_then(Tok::num),
                self.tok(i + 3).and_then(Tok::num),
            ) {
                if self.is(i + 2, "/") && self.glued(i + 2) && self.glued(i + 3) && b > a && b <= 4
                {
                    return Some((Some(f64::from(n) + f64::from(a) / f64::from(b)), i + 4));
                }
            }
            return Some((Some(f64::from(n)), i + 1));
        }
        let w = &*t.lower;
        if w == "a" || w == "an" {
            if self.is(i + 1, "few") {
                return Some((None, i + 2));
            }
            if self.is(i + 1, "couple") && self.is(i + 2, "of") {
                return Some((Some(2.0), i + 3));
            }
            return Some((Some(1.0), i + 1));
        }
        if self.lex.word("vague", w).is_some() {
            return Some((None, i + 1));
        }
        let first: f64 = self.lex.word("num", w)?.parse().ok()?;
        let mut k = i + 1;
        let mut total = first;
        if (20.0..100.0).contains(&first) && first.fract() == 0.0 {
            let mut j = k;
            if self.is(j, "-") {
                j += 1;
            }
            if let Some(u) = self
                .lex
                .word("num", self.lw(j))
                .and_then(|v| v.parse::<f64>().ok())
            {
                if (1.0..10.0).contains(&u) && self.lw(j) != "a" && self.lw(j) != "an" {
                    total += u;
                    k = j + 1;
                }
            }
        }
        if self.is(k, "hundred") {
            total *= 100.0;
            k += 1;
        }
        Some((Some(total), k))
    }

    /// `two weeks`, `the past three years`, `the first nine months`, `two-year`,
    /// `three days ago`, `a year earlier`, `every Monday`.
    fn amount(&self, i: usize, last_quarter: Option<(i16, i8)>) -> Option<M> {
        let mut k = i;
        // sets: every/each + unit or weekday or month
        if matches!(self.lw(k), "every" | "each") {
            let w = self.lw(k + 1);
            if let Some(wd) = self.weekday_name(k + 1) {
                return m(k + 2, TimexType::Set, format!("XXXX-WXX-{wd}"));
            }
            if let Some((mo, end)) = self.month_name(k + 1) {
                return m(end, TimexType::Set, format!("XXXX-{mo:02}"));
            }
            if let Some(unit) = self.lex.word("unit", w) {
                return m(k + 2, TimexType::Set, duration(Some(1.0), unit)?);
            }
            return None;
        }
        // "year-earlier", "year-ago" as adjectives: the same period a year before
        if self.is(k, "year") && self.is(k + 1, "-") && matches!(self.lw(k + 2), "earlier" | "ago")
        {
            if matches!(
                self.lw(k + 3),
                "quarter" | "period" | "first" | "second" | "third" | "fourth"
            ) {
                return None;
            }
            let v = match last_quarter {
                Some((y, q)) => format!("{}-Q{q}", y - 1),
                None => format!("{}", self.dct.year() - 1),
            };
            return m(k + 3, TimexType::Date, v);
        }
        let mut the_det: Option<&str> = None;
        if self.is(k, "the") {
            k += 1;
        }
        if matches!(
            self.lw(k),
            "past"
                | "last"
                | "next"
                | "first"
                | "previous"
                | "coming"
                | "following"
                | "final"
                | "initial"
                | "recent"
                | "latest"
        ) {
            the_det = Some(self.lw(k));
            k += 1;
        }
        let (n, mut k2) = match self.number(k) {
            Some(x) => x,
            None => {
                // "the past few years" / "recent years" / bare plural after "for"
                if self.lex.word("unit", self.lw(k)).is_some() && self.lw(k).ends_with('s') {
                    let unit = self.lex.word("unit", self.lw(k))?;
                    let prev = if i > 0 { self.lw(i - 1) } else { "" };
                    if the_det.is_some() || matches!(prev, "for" | "over" | "within") {
                        return m(k + 1, TimexType::Duration, duration(None, unit)?);
                    }
                }
                return None;
            }
        };
        // "two to three weeks", "12 to 18 months": take the first
        if matches!(self.lw(k2), "to" | "or" | "-") {
            if let Some((_, k3)) = self.number(k2 + 1) {
                if self.lex.word("unit", self.lw(k3)).is_some() {
                    k2 = k3;
                }
            }
        }
        let mut hyphen = false;
        if self.is(k2, "-") && self.glued(k2) {
            hyphen = true;
            k2 += 1;
        }
        if matches!(
            self.lw(k2),
            "more" | "additional" | "straight" | "consecutive" | "full" | "long" | "successive"
        ) && !hyphen
        {
            k2 += 1;
        }
        let unit_word = self.lw(k2);
        let unit = self.lex.word("unit", unit_word)?;
        // "60 Minutes", "24 Hours": capitalised mid-sentence, a title
        if self.tok(k2).is_some_and(Tok::cap)
            && !self.sentence_start(i)
            && !self.tok(i).is_some_and(Tok::cap)
        {
            return None;
        }
        // "a minute and a half", "two and a half years" come as "N unit and a half"
        let (n, half_end) =
            if self.is(k2 + 1, "and") && self.is(k2 + 2, "a") && self.is(k2 + 3, "half") {
                (n.map(|x| x + 0.5), Some(k2 + 4))
            } else {
                (n, None)
            };
        // "the 1988 second quarter", "a year-earlier": not amounts of time
        if n.is_some_and(|x| x >= 1000.0) && !unit_word.ends_with('s') {
            return None;
        }
        if self.is(k2 + 1, "-") && self.glued(k2 + 1) && !hyphen {
            return None;
        }
        let num_tok = self.tok(k)?;
        // "a 16-year-old", "five years old": ages, not periods of the story
        if self.is(k2 + 1, "-") && self.is(k2 + 2, "old") || self.is(k2 + 1, "old") {
            return None;
        }
        // "three-quarters", "a quarter of", "a second": fractions and ordinals
        if hyphen && unit_word.ends_with('s') {
            return None;
        }
        if matches!(&*num_tok.lower, "a" | "an") && matches!(unit, "Q" | "S") && the_det.is_none() {
            return None;
        }
        // reading-time lines: "Reading Time: 2 minutes", "3 min read"
        if matches!(unit, "MIN" | "S") {
            let line_start =
                (i.saturating_sub(4)..i).any(|j| self.lex.word("readtime", self.lw(j)).is_some());
            if line_start || self.lex.word("readtime", self.lw(k2 + 1)).is_some() {
                return None;
            }
        }
        // "a"/"one" + "day" without a determiner is often not temporal ("one day" = FUTURE_REF)
        let singular_word = matches!(&*num_tok.lower, "a" | "an" | "one");
        if matches!(&*num_tok.lower, "one")
            && unit == "D"
            && the_det.is_none()
            && !hyphen
            && !self.is(k2 + 1, "ago")
        {
            return None;
        }
        let mut end = half_end.unwrap_or(k2 + 1);
        // ago / earlier / later / from now
        let after = self.lw(end);
        let mut dir = 0i64;
        let mut after_len = 0;
        for p in self.lex.phrases("after", after) {
            if self.phrase_at(end, &p.tokens) {
                dir = p.value.parse().ok()?;
                after_len = p.tokens.len();
                break;
            }
        }
        // "two days ago", "two weeks from now", "a year earlier" are dates; "three days later",
        // "30 days before" are amounts of time
        let dated = matches!(after, "ago" | "hence" | "from") || unit == "Y";
        if dir != 0 && !dated && !hyphen {
            return m(end + after_len, TimexType::Duration, duration(n, unit)?);
        }
        end += after_len;
        if dir != 0 && !hyphen && the_det.is_none() {
            let Some(n) = n else {
                if after != "ago" {
                    return m(end, TimexType::Duration, duration(None, unit)?);
                }
                return m(
                    end,
                    TimexType::Date,
                    if dir < 0 { "PAST_REF" } else { "FUTURE_REF" }.to_string(),
                );
            };
            let off = (n * dir as f64).round() as i64;
            let d = self.dct;
            let year_back = unit == "Y" && n == 1.0 && singular_word;
            if year_back {
                if let Some((qy, q)) = last_quarter {
                    return Some(M {
                        end,
                        kind: TimexType::Date,
                        value: format!("{}-Q{q}", qy + dir as i16),
                        quarter: None,
                    });
                }
            }
            let v = match unit {
                "Y" => format!("{}", i64::from(d.year()).saturating_add(off)),
                "M" => {
                    let x = add_months(d, off)?;
                    ym(x.year(), x.month())
                }
                "W" => week(add_days(d, off.saturating_mul(7))?),
                "D" => ymd(add_days(d, off)?),
                "Q" => {
                    let x = add_months(d, off.saturating_mul(3))?;
                    format!("{}-Q{}", x.year(), quarter_of(x))
                }
                "E" => format!(
                    "{}",
                    i64::from(d.year()).saturating_add(off.saturating_mul(10))
                ),
                "C" => format!(
                    "{}",
                    i64::from(d.year()).saturating_add(off.saturating_mul(100))
                ),
                _ => return m(end, TimexType::Duration, duration(Some(n), unit)?),
            };
            return m(end, TimexType::Date, v);
        }
        // "year-earlier", "year-ago" adjectives
        if the_det.is_none() && n.is_none() && unit == "Y" {
            return None;
        }
        // bare "a year", "a day": only in set or duration readings
        if singular_word && the_det.is_none() && !hyphen {
            let prev = if i > 0 { self.tok(i - 1) } else { None };
            if let Some(p) = prev {
                if p.kind == Kind::Num
                    || matches!(&*p.lower, "cents" | "dollars" | "million" | "billion")
                {
                    // "$1.76 a year": a rate, not a temporal expression of the story
                    return None;
                }
                if matches!(&*p.lower, "times" | "once" | "twice") {
                    return m(end, TimexType::Set, duration(Some(1.0), unit)?);
                }
            }
        }
        if matches!(unit, "WE") {
            return None;
        }
        // plural unit with a vague or plural amount; singular unit with "1"
        m(end, TimexType::Duration, duration(n, unit)?)
    }

    /// `the third quarter`, `third-quarter`, `the first half`, `the quarter`,
    /// `the year-earlier quarter`.
    fn quarter(&self, i: usize) -> Option<M> {
        let mut k = i;
        let d = self.dct;
        // the year before the quarter: "this year's", "1988's", "the 1988", "the year-ago"
        let mut prefix_year: Option<i16> = None;
        let possessive = |j: usize| self.is(j, "'") && self.is(j + 1, "s");
        if let Some(det) = self
            .lex
            .word("reldet", self.lw(k))
            .and_then(|v| v.parse::<i16>().ok())
        {
            if self.is(k + 1, "year") && possessive(k + 2) {
                prefix_year = Some(d.year() + det);
                k += 4;
            }
        } else if let Some(y) = self.year_num(k).filter(|_| possessive(k + 1)) {
            prefix_year = Some(y);
            k += 3;
        }
        if prefix_year.is_none() && self.is(k, "the") {
            k += 1;
            if let Some(y) = self.year_num(k) {
                prefix_year = Some(y);
                k += 1;
            } else if self.is(k, "year")
                && self.is(k + 1, "-")
                && matches!(self.lw(k + 2), "ago" | "earlier")
                && self.lex.word("ord", self.lw(k + 3)).is_some()
            {
                prefix_year = Some(d.year() - 1);
                k += 3;
            }
        }
        if self.is(k, "fiscal") {
            k += 1;
        }
        let w = self.lw(k);
        let ord: Option<i64> = self.lex.word("ord", w).and_then(|v| v.parse().ok());
        if prefix_year.is_some() && ord.is_none() && matches!(w, "quarter" | "period") {
            // "the 1988 quarter": the quarter under discussion, in that year
            let q = quarter_of(add_months(d, -3)?);
            let y = prefix_year?;
            return m(k + 1, TimexType::Date, format!("{y}-Q{q}"));
        }
        if let Some(o) = ord {
            let mut j = k + 1;
            if self.is(j, "-") {
                j += 1;
            }
            let what = self.lw(j);
            if !matches!(what, "quarter" | "half") {
                return None;
            }
            let mut end = j + 1;
            let mut year: Option<i16> = prefix_year;
            if self.is(end, "of") {
                if let Some(y) = self.year_num(end + 1) {
                    year = Some(y);
                    end += 2;
                }
            } else if let Some(y) = self.year_num(end) {
                year = Some(y);
                end += 1;
            }
            let cur_q = i64::from(quarter_of(d));
            if what == "quarter" {
                let q = if o < 0 { (cur_q - 1).max(1) } else { o };
                if !(1..=4).contains(&q) {
                    return None;
                }
                let y = year.unwrap_or(if q > cur_q { d.year() - 1 } else { d.year() });
                return Some(M {
                    end,
                    kind: TimexType::Date,
                    value: format!("{y}-Q{q}"),
                    quarter: Some((y, q as i8)),
                });
            }
            let h = if o < 0 { 2 } else { o };
            if !(1..=2).contains(&h) {
                return None;
            }
            let y = year.unwrap_or(if h == 2 && d.month() <= 6 {
                d.year() - 1
            } else {
                d.year()
            });
            return m(end, TimexType::Date, format!("{y}-H{h}"));
        }
        // "the quarter", "the latest quarter", "the year-ago quarter"
        if k == i {
            return None;
        }
        let mut j = k;
        let mut year_back = false;
        if matches!(w, "latest" | "recent" | "just-ended" | "most") {
            j += 1;
            if self.is(j, "recent") {
                j += 1;
            }
        } else if self.is(j, "year")
            && self.is(j + 1, "-")
            && matches!(self.lw(j + 2), "ago" | "earlier")
        {
            year_back = true;
            j += 3;
        }
        if !(self.is(j, "quarter") || (j > k && self.is(j, "period"))) {
            return None;
        }
        let prevq = add_months(d, -3)?;
        let (y, q) = (prevq.year() - i16::from(year_back), quarter_of(prevq));
        Some(M {
            end: j + 1,
            kind: TimexType::Date,
            value: format!("{y}-Q{q}"),
            quarter: if year_back { None } else { Some((y, q)) },
        })
    }

    /// Times of day: `5 p.m.`, `10:35 a.m. EDT`, `5 p.m. EST, Nov. 6`, `10 p.m. Wednesday`.
    fn clock(&self, i: usize) -> Option<M> {
        let h = self.tok(i)?.num()?;
        if self.tok(i)?.s.len() > 2 || h > 24 {
            return None;
        }
        let mut k = i + 1;
        let mut min = 0u32;
        let mut has_min = false;
        if self.is(k, ":") && self.glued(k) {
            let mt = self.tok(k + 1)?;
            if mt.space || mt.s.len() != 2 {
                return None;
            }
            min = mt.num()?;
            if min > 59 {
                return None;
            }
            has_min = true;
            k += 2;
        }
        // a.m. / p.m. / am / pm
        let mut pm: Option<bool> = None;
        let w = self.lw(k);
        if matches!(w, "am" | "pm") {
            pm = Some(w == "pm");
            k += 1;
            if self.is(k, ".") && self.glued(k) && !self.sentence_end_after(k) {
                k += 1;
            }
        } else if matches!(w, "a" | "p") && self.is(k + 1, ".") && self.is(k + 2, "m") {
            pm = Some(w == "p");
            k += 3;
            if self.is(k, ".") && self.glued(k) {
                k += 1;
            }
        } else if w == "o" && self.is(k + 1, "'") && self.is(k + 2, "clock") {
            k += 3;
            pm = Some(false);
        } else if w == "in"
            && self.is(k + 1, "the")
            && matches!(self.lw(k + 2), "morning" | "afternoon" | "evening")
            && i > 0
            && matches!(self.lw(i - 1), "at" | "by" | "until" | "around" | "about")
        {
            // "leave at 4 in the morning"
            pm = Some(self.lw(k + 2) != "morning");
            k += 3;
        }
        if pm.is_none() {
            let prev = if i > 0 { self.lw(i - 1) } else { "" };
            if !(has_min && matches!(prev, "at" | "by" | "until" | "from" | "before" | "after")) {
                return None;
            }
        }
        if h > 12 && pm.is_some() {
            return None;
        }
        let hour = match pm {
            Some(true) if h < 12 => h + 12,
            Some(false) if h == 12 => 0,
            _ => h,
        };
        // zone
        if self.lex.zones.contains_key(self.lw(k))
            && self
                .tok(k)
                .is_some_and(|t| t.s.len() >= 3 && t.s.chars().all(|c| c.is_ascii_uppercase()))
        {
            k += 1;
        }
        // date after: ", Nov. 6", "Wednesday", "yesterday", "today"
        let mut date = self.dct;
        let mut j = k;
        if self.is(j, ",") {
            j += 1;
        }
        if self.is(j, "on") {
            j += 1;
        }
        // "10:35 a.m. (0735 GMT) Friday": the day after a short aside in parentheses is still
        // the time's day; the span stays the time
        let mut aside = false;
        if self.is(j, "(") {
            if let Some(close) = (j + 1..j + 10).find(|&x| self.is(x, ")")) {
                // "at 4 in the morning (4 a.m. EDT Thursday)": a day inside the aside
                j = (j + 1..close)
                    .find(|&x| self.weekday_name(x).is_some())
                    .unwrap_or(close + 1);
                aside = true;
            }
        }
        let mut end = k;
        if let Some(mt) = self.month_first(j).or_else(|| self.day_month(j)) {
            if let Some(dd) = mt.value.get(..10).and_then(|s| s.parse::<Date>().ok()) {
                date = dd;
                end = mt.end;
            }
        } else if let Some(wd) = self.weekday_name(j) {
            let dir = self.tense(i, j + 1);
            let dir = if dir == 0 { -1 } else { dir };
            if let Some(dd) =
                weekday_from(wd).and_then(|w| resolve_weekday(self.dct, w, dir, false))
            {
                date = dd;
                if !aside {
                    end = j + 1;
                }
            }
        } else if let Some(off) = self
            .lex
            .word("relday", self.lw(j))
            .and_then(|v| v.parse::<i64>().ok())
        {
            if let Some(dd) = add_days(self.dct, off) {
                date = dd;
                end = j + 1;
            }
        }
        let v = if has_min || pm.is_some() {
            format!("{}T{hour:02}:{min:02}", ymd(date))
        } else {
            format!("{}T{hour:02}", ymd(date))
        };
        m(end, TimexType::Time, v)
    }

    fn sentence_end_after(&self, k: usize) -> bool {
        self.tok(k + 1).is_none_or(|t| {
            t.cap()
                && t.space
                && !self.lex.zones.contains_key(&*t.lower)
                && self.weekday_name(k + 1).is_none()
                && self.month_name(k + 1).is_none()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(text: &str, dct: &str) -> Vec<(String, String)> {
        tag(text, dct.parse().unwrap(), Some("en"))
            .into_iter()
            .map(|t| (t.text, t.value))
            .collect()
    }

    #[test]
    fn seed_expressions() {
        let v = vals(
            "The two leaders met for the third time this year on Tuesday. Last month, Washington imposed sanctions in March. The start of Vostok 2018, since the Soviet era.",
            "2018-09-11",
        );
        assert!(v.contains(&("this year".into(), "2018".into())), "{v:?}");
        assert!(
            v.contains(&("Tuesday".into(), "2018-09-11".into())),
            "{v:?}"
        );
        assert!(
            v.contains(&("Last month".into(), "2018-08".into())),
            "{v:?}"
        );
        assert!(v.contains(&("March".into(), "2018-03".into())), "{v:?}");
        assert!(
            !v.iter()
                .any(|(t, _)| t.contains("2018") || t.contains("era")),
            "{v:?}"
        );
    }

    #[test]
    fn times_of_day_and_possessive_days() {
        let v = vals(
            "The blast occurred at about 10:35 a.m. (0735 GMT) Friday. He will leave at 4 in the morning (4 a.m. EDT Thursday). They would look for ways to get around Wednesday's ruling. The poster showed Gary Cooper from the film High Noon. They met Tuesday evening. The day before last Tuesday's hearing, he left.",
            "2000-01-07",
        );
        assert!(
            v.contains(&("about 10:35 a.m.".into(), "2000-01-07T10:35".into())),
            "{v:?}"
        );
        assert!(
            v.contains(&("4 in the morning".into(), "2000-01-13T04:00".into())),
            "{v:?}"
        );
        assert!(v.iter().any(|(_, x)| x == "2000-01-05"), "{v:?}");
        assert!(!v.iter().any(|(t, _)| t.contains("Noon")), "{v:?}");
        assert!(
            v.contains(&("day before last Tuesday".into(), "2000-01-03".into())),
            "{v:?}"
        );
        assert!(
            v.contains(&("Tuesday evening".into(), "2000-01-04TEV".into())),
            "{v:?}"
        );
    }

    #[test]
    fn weekdays_follow_the_tense() {
        let v = vals("Gregory Craig announced in Washington that the father would be traveling to the United States Thursday with his wife.", "2000-04-05");
        assert_eq!(v, vec![("Thursday".to_string(), "2000-04-06".to_string())]);
        let v = vals("The group met on Monday.", "2000-04-05");
        assert_eq!(v, vec![("Monday".to_string(), "2000-04-03".to_string())]);
    }

    #[test]
    fn holidays() {
        let v = vals(
            "Sales rose over Thanksgiving Day and before Election Day; last Christmas.",
            "1999-12-01",
        );
        assert!(
            v.contains(&("over Thanksgiving Day".into(), "1999-11-25".into())),
            "{v:?}"
        );
        assert!(
            v.contains(&("Election Day".into(), "1999-11-02".into())),
            "{v:?}"
        );
        assert!(
            v.contains(&("last Christmas".into(), "1998-12-25".into())),
            "{v:?}"
        );
    }

    #[test]
    fn explicit_dates_in_many_languages() {
        let cases = [
            (
                "de",
                "Am 11. September 2018 trafen sie sich.",
                "11. September 2018",
            ),
            (
                "fr",
                "Le 11 septembre 2018 à Vladivostok.",
                "11 septembre 2018",
            ),
            (
                "es",
                "El 11 de septiembre de 2018 en Moscú.",
                "11 de septiembre de 2018",
            ),
            ("it", "L'11 settembre 2018 a Mosca.", "11 settembre 2018"),
            ("pt", "Em 11 de setembro de 2018.", "11 de setembro de 2018"),
            ("nl", "Op 11 september 2018 in Moskou.", "11 september 2018"),
            (
                "ru",
                "11 сентября 2018 года в Москве.",
                "11 сентября 2018 года",
            ),
            (
                "uk",
                "11 вересня 2018 року у Києві.",
                "11 вересня 2018 року",
            ),
            (
                "pl",
                "11 września 2018 r. w Warszawie.",
                "11 września 2018 r",
            ),
            ("tr", "11 Eylül 2018 tarihinde.", "11 Eylül 2018"),
            ("zh", "习近平2018年9月11日会见普京。", "2018年9月11日"),
            ("ja", "2018年9月11日に会談した。", "2018年9月11日"),
        ];
        for (lang, text, span) in cases {
            let v = tag(text, "2018-09-12".parse().unwrap(), Some(lang));
            assert!(
                v.iter().any(|t| t.text == span && t.value == "2018-09-11"),
                "{lang}: {v:?}"
            );
        }
    }

    #[test]
    fn absurd_amounts_do_not_panic() {
        for text in [
            "It happened 99999999999 days ago.",
            "999999999 years ago and 999999999 months ago, 999999999 weeks ago",
            "in 999999999 quarters from now, 999999999 decades ago, 999999999 centuries ago",
            "2147483647 hours ago and 9223372036854775807 days ago",
        ] {
            let _ = tag(text, "2018-09-11".parse().unwrap(), Some("en"));
            let _ = tag(text, "9999-12-31".parse().unwrap(), Some("en"));
            let _ = tag(text, jiff::civil::date(-9999, 1, 1), Some("en"));
        }
    }

    #[test]
    fn anaphora_and_adjectives() {
        let v = vals(
            "She left in June 1998 and returned later that year. He called on Oct. 23. Earlier \
             that day he met her. It was a day-long meeting before the one-day trip, the week \
             of March 6, and he died last Oct. 23.",
            "1999-04-19",
        );
        let has = |t: &str, want: &str| v.iter().any(|(x, y)| x == t && y == want);
        assert!(has("later that year", "1998"), "{v:?}");
        assert!(has("day-long", "P1D"), "{v:?}");
        assert!(has("the one-day", "P1D"), "{v:?}");
        assert!(has("Earlier that day", "1998-10-23"), "{v:?}");
        assert!(has("the week of March 6", "1999-W09"), "{v:?}");
        assert!(has("last Oct. 23", "1998-10-23"), "{v:?}");
        // a bare "that day" is no expression
        assert!(vals("Trades made that day fell.", "1999-04-19").is_empty());
    }

    #[test]
    fn quotes_bound_the_tense() {
        let v = vals(
            "''He will leave at 4 in the morning (4 a.m. EDT Thursday),'' Castro said.",
            "2000-04-05",
        );
        assert!(v.iter().any(|(_, y)| y == "2000-04-06T04:00"), "{v:?}");
    }

    #[test]
    fn fractions() {
        let v = vals(
            "It took 5 1/2 hours, then a minute and a half, over 2 1/2 years.",
            "2000-01-01",
        );
        assert!(
            v.contains(&("5 1/2 hours".into(), "PT5H30M".into())),
            "{v:?}"
        );
        assert!(
            v.contains(&("a minute and a half".into(), "PT1M30S".into())),
            "{v:?}"
        );
        assert!(
            v.contains(&("over 2 1/2 years".into(), "P2Y6M".into())),
            "{v:?}"
        );
    }

    #[test]
    fn explicit_and_relative() {
        let v = vals("On Sept. 30, 1989 and Aug. 7 it fell two weeks ago; in the third quarter; three-year plan; now.", "1989-10-27");
        assert!(
            v.contains(&("Sept. 30, 1989".into(), "1989-09-30".into())),
            "{v:?}"
        );
        assert!(v.contains(&("Aug. 7".into(), "1989-08-07".into())), "{v:?}");
        assert!(
            v.contains(&("two weeks ago".into(), "1989-W41".into())),
            "{v:?}"
        );
        assert!(
            v.contains(&("the third quarter".into(), "1989-Q3".into())),
            "{v:?}"
        );
        assert!(v.contains(&("three-year".into(), "P3Y".into())), "{v:?}");
        assert!(v.contains(&("now".into(), "PRESENT_REF".into())), "{v:?}");
    }
}
