//! Last-resort publication date from the raw page bytes, for pages whose candidates, URL and
//! caller give nothing: a memory scan (no DOM parse), in the spirit of htmldate's extensive
//! search. In order of trust:
//! 1. a `datePublished`-like key in any JSON or script text (`"datePublished": "2019-…"`,
//!    `publishDate=`, `created_at`, …) followed by an ISO date;
//! 2. an ISO date opening an attribute value (`datetime="…"`, `content="…"`, `data-…date…="…"`,
//!    `title="…"`, `value="…"`);
//! 3. a date in the visible text (outside tags, scripts, styles, comments) that a label of
//!    `data/page_labels.tsv` calls the page's own ("Updated: 30.12.2016", "zuletzt am 29.
//!    Januar 2020 geändert"): pages that reach this scan are wikis and static pages, whose date
//!    is the one they say they were last changed;
//! 4. the first plausible date in page order from the headline (`<h1`) on, else from the
//!    `<article>` on, else from the top (comments and footers come last): first in the visible
//!    text (numeric or with a month name), then anywhere, link paths and attributes included
//!    (a date in a related link or an image's alt text belongs to another page): `YYYY-MM-DD`,
//!    `YYYY/MM/DD`, `YYYY.MM.DD`, `/YYYY/MM/DD/` link paths, and day-first `DD.MM.YYYY`;
//!    else the first date written with a month name between tags (`26. Januar 2022`).
//!
//! Any bytes are accepted (HTML in any ASCII-compatible charset); only ASCII is looked at.
//! Only the first [`MAX_SCAN`] bytes are read, so the cost is bounded per page.

use crate::parse::{parse, Parsed};
use jiff::civil::Date;

/// Bytes of the page that are scanned at most.
const MAX_SCAN: usize = 2 * 1024 * 1024;

/// Keys (lower case) that name a publication date in JSON, scripts or attributes.
const KEYS: &[&[u8]] = &[
    b"datepublished",
    b"datecreated",
    b"publishdate",
    b"publish_date",
    b"publishedat",
    b"published_at",
    b"publisheddate",
    b"published_date",
    b"date_published",
    b"publishedtime",
    b"published_time",
    b"firstpublished",
    b"first_published",
    b"pubdate",
    b"created_at",
    b"createdat",
    b"uploaddate",
    b"releasedate",
    b"creationdate",
    b"postdate",
    b"post_date",
];

/// Attribute names whose value may open with an ISO date.
const ATTRS: &[&[u8]] = &[b"datetime", b"content", b"title", b"value"];

/// A page date found by the scan and how (`page:key`, `page:attr`, `page:label`, `page:text`).
pub fn scan(page: &[u8], ok: impl Fn(&Parsed) -> bool) -> Option<(Parsed, &'static str)> {
    let page = page.get(..MAX_SCAN).unwrap_or(page);
    if let Some(p) = by_key(page, &ok) {
        return Some((p, "page:key"));
    }
    if let Some(p) = by_attr(page, &ok) {
        return Some((p, "page:attr"));
    }
    // near the article first: from the headline on, else from the `<article>` on, else the
    // whole page; a date the page labels as its own ("Updated: …") before any
    let starts: Vec<usize> = [b"<h1".as_slice(), b"<article"]
        .into_iter()
        .filter_map(|tag| find(page, tag))
        .chain([0])
        .collect();
    let seen = visible_dates(page, &ok);
    if let Some(v) = seen.iter().find(|v| v.labelled) {
        return Some((v.date, "page:label"));
    }
    starts
        .iter()
        .find_map(|from| {
            seen.iter()
                .find(|v| v.at >= *from)
                .map(|v| v.date)
                .or_else(|| first_numeric(page.get(*from..).unwrap_or_default(), &ok))
        })
        .or_else(|| first_written(page, &ok))
        .map(|p| (p, "page:text"))
}

/// The days the visible text of the page names (numeric or written dates, in page order, at
/// most [`MAX_SEEN`]).
pub fn visible_days(page: &[u8], ok: impl Fn(&Parsed) -> bool) -> Vec<Date> {
    let page = page.get(..MAX_SCAN).unwrap_or(page);
    visible_dates(page, &ok)
        .into_iter()
        .map(|v| v.date.date)
        .collect()
}

/// A date in the visible text: where, and whether a label says it is the page's own.
struct Seen {
    at: usize,
    date: Parsed,
    labelled: bool,
}

/// Dates seen at most, per page.
const MAX_SEEN: usize = 64;

/// The labels of `data/page_labels.tsv`.
fn labels() -> impl Iterator<Item = &'static str> {
    include_str!("../data/page_labels.tsv")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Whether the visible words just before `i` hold a label of the page's own date.
fn labelled_before(page: &[u8], i: usize) -> bool {
    let from = i.saturating_sub(80);
    let before = String::from_utf8_lossy(page.get(from..i).unwrap_or_default()).to_lowercase();
    // the text of the last two elements at most: drop tags and comments
    let mut text = String::with_capacity(before.len());
    let mut depth = false;
    for c in before.chars() {
        match c {
            '<' => depth = true,
            '>' => {
                depth = false;
                text.push(' ');
            }
            _ if !depth => text.push(c),
            _ => {}
        }
    }
    labels().any(|l| text.contains(l))
}

/// The plausible dates in the text a reader sees (outside tags, scripts, styles and
/// comments), numeric or written with a month name, in page order: a date in a link path or
/// an image's alt text belongs to another page or picture more often than the visible one.
fn visible_dates(page: &[u8], ok: &impl Fn(&Parsed) -> bool) -> Vec<Seen> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut written_tries = 0;
    while let Some(&c) = page.get(i) {
        if out.len() >= MAX_SEEN {
            break;
        }
        if c == b'<' {
            let close: &[u8] = if at(page, i, b"<script") {
                b"</script"
            } else if at(page, i, b"<style") {
                b"</style"
            } else if at(page, i, b"<!--") {
                b"-->"
            } else {
                b">"
            };
            let rest = page.get(i + 1..).unwrap_or_default();
            i = find(rest, close).map_or(page.len(), |k| i + 1 + k + close.len());
            continue;
        }
        let boundary = i == 0 || !page.get(i - 1).is_some_and(u8::is_ascii_digit);
        if !boundary || !c.is_ascii_digit() {
            i += 1;
            continue;
        }
        let n = digits(page, i, 4);
        let found = match n {
            4 => year_first(page, i).filter(|p| ok(p)).or_else(|| {
                written_tries += 1;
                (written_tries <= 200)
                    .then(|| written_at(page, i, ok))
                    .flatten()
            }),
            1 | 2 => day_first(page, i, n),
            _ => None,
        };
        if let Some(p) = found.filter(|p| ok(p)) {
            out.push(Seen {
                at: i,
                date: p,
                labelled: labelled_before(page, i),
            });
        }
        i += n.max(1);
    }
    out
}

/// A date written with a month name that ends with the year at `i` (`26. Januar 2022`,
/// `August 9, 2017`): the words between the last tag and the year.
fn written_at(page: &[u8], i: usize, ok: &impl Fn(&Parsed) -> bool) -> Option<Parsed> {
    if !matches!(page.get(i..i + 2), Some(b"19" | b"20")) {
        return None;
    }
    let (_, start) = text_before(page, i);
    dated_words(page.get(start..i + 4).unwrap_or_default(), ok)
}

/// Where the 40 bytes before `i` begin, and where the text run ending at `i` starts in them
/// (after the last `>`): the words a date's year is read with.
fn text_before(page: &[u8], i: usize) -> (usize, usize) {
    let from = i.saturating_sub(40);
    let start = page
        .get(from..i)
        .unwrap_or_default()
        .iter()
        .rposition(|c| *c == b'>')
        .map_or(from, |k| from + k + 1);
    (from, start)
}

/// The first plausible dated reading of `window` starting at one of its words (the window
/// ends with a year; the words before it may hold the day and month).
fn dated_words(window: &[u8], ok: &impl Fn(&Parsed) -> bool) -> Option<Parsed> {
    let window = String::from_utf8_lossy(window);
    window
        .char_indices()
        .filter(|(k, c)| {
            !c.is_whitespace()
                && (*k == 0
                    || window
                        .get(..*k)
                        .is_some_and(|w| w.ends_with(char::is_whitespace)))
        })
        .filter_map(|(k, _)| window.get(k..))
        .filter_map(|w| parse(w, true))
        .find(|p| p.has_day && ok(p))
}

/// The first plausible date written with a month name in the visible text (`26. Januar
/// 2022`, `August 9, 2017`, `jeudi 13 juin 2019`): a year between tags, read with the words
/// before it.
fn first_written(page: &[u8], ok: &impl Fn(&Parsed) -> bool) -> Option<Parsed> {
    let mut i = 0;
    let mut tried = 0;
    while i + 4 <= page.len() && tried < 200 {
        let year = digits(page, i, 4) == 4
            && (i == 0 || !page.get(i - 1).is_some_and(u8::is_ascii_digit))
            && matches!(page.get(i..i + 2), Some(b"19" | b"20"));
        if !year {
            i += 1;
            continue;
        }
        tried += 1;
        let (from, start) = text_before(page, i);
        let before = page.get(from..i).unwrap_or_default();
        let inside_tag = before.iter().rposition(|c| *c == b'<').map(|k| from + k) >= Some(start);
        if !inside_tag {
            let found = dated_words(page.get(start..i + 4).unwrap_or_default(), ok);
            if found.is_some() {
                return found;
            }
        }
        i += 4;
    }
    None
}

/// Where `tag` (lower case) first occurs, case-insensitively.
fn find(page: &[u8], tag: &[u8]) -> Option<usize> {
    let first = *tag.first()?;
    page.iter()
        .enumerate()
        .filter(|(_, c)| lower(**c) == first)
        .map(|(i, _)| i)
        .find(|i| at(page, *i, tag))
}

fn lower(b: u8) -> u8 {
    b.to_ascii_lowercase()
}

/// Whether `key` (lower case) is at `i`, case-insensitively.
fn at(page: &[u8], i: usize, key: &[u8]) -> bool {
    page.get(i..i + key.len())
        .is_some_and(|s| s.iter().zip(key).all(|(a, b)| lower(*a) == *b))
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// An ISO date (and what follows it: time, offset) starting at `i`, parsed.
fn iso_at(page: &[u8], i: usize, ok: &impl Fn(&Parsed) -> bool) -> Option<Parsed> {
    let head = page.get(i..i + 10)?;
    let shape = head.iter().enumerate().all(|(k, c)| match k {
        4 | 7 => *c == b'-',
        _ => c.is_ascii_digit(),
    });
    if !shape {
        return None;
    }
    let end = page
        .get(i..)?
        .iter()
        .take(40)
        .position(|c| !(c.is_ascii_digit() || b"-:.+TZ ".contains(c)))
        .map_or(page.len().min(i + 40), |n| i + n);
    let full = std::str::from_utf8(page.get(i..end)?).ok()?.trim_end();
    let day = std::str::from_utf8(head).ok()?;
    [full, day]
        .into_iter()
        .filter_map(|s| parse(s, false))
        .find(|p| p.has_day && ok(p))
}

/// Skips `"`, `'`, `\"`, blanks, then one `:` or `=`, then blanks and quotes; the value start.
fn value_start(page: &[u8], mut i: usize) -> Option<usize> {
    let skip = |i: &mut usize, set: &[u8]| {
        let mut n = 0;
        while page.get(*i).is_some_and(|c| set.contains(c)) && n < 8 {
            *i += 1;
            n += 1;
        }
    };
    skip(&mut i, b"\"'\\ \t");
    if !matches!(page.get(i), Some(b':' | b'=')) {
        return None;
    }
    i += 1;
    skip(&mut i, b"\"'\\ \t\r\n");
    Some(i)
}

fn by_key(page: &[u8], ok: &impl Fn(&Parsed) -> bool) -> Option<Parsed> {
    let mut i = 0;
    while i < page.len() {
        let c = page.get(i).copied().map(lower);
        let word_start = i == 0 || !page.get(i - 1).copied().is_some_and(is_word);
        if word_start && matches!(c, Some(b'd' | b'p' | b'f' | b'c' | b'u' | b'r')) {
            for key in KEYS {
                if at(page, i, key) && !page.get(i + key.len()).copied().is_some_and(is_word) {
                    if let Some(v) = value_start(page, i + key.len()) {
                        if let Some(p) = iso_at(page, v, ok) {
                            return Some(p);
                        }
                    }
                }
            }
        }
        i += 1;
    }
    None
}

fn by_attr(page: &[u8], ok: &impl Fn(&Parsed) -> bool) -> Option<Parsed> {
    let mut i = 0;
    while i < page.len() {
        let c = page.get(i).copied().map(lower);
        let word_start = i == 0 || !page.get(i - 1).copied().is_some_and(is_word);
        if word_start && matches!(c, Some(b'd' | b'c' | b't' | b'v')) {
            let mut name_end = ATTRS
                .iter()
                .find(|a| at(page, i, a) && !page.get(i + a.len()).copied().is_some_and(is_word))
                .map(|a| i + a.len());
            // data-…date…="…"
            if name_end.is_none() && at(page, i, b"data-") {
                let n = page
                    .get(i..)
                    .unwrap_or_default()
                    .iter()
                    .take(40)
                    .take_while(|c| is_word(**c))
                    .count();
                let name = page.get(i..i + n).unwrap_or_default();
                if name.windows(4).any(|w| w.eq_ignore_ascii_case(b"date")) {
                    name_end = Some(i + n);
                }
            }
            if let Some(e) = name_end {
                if matches!(page.get(e), Some(b'='))
                    && matches!(page.get(e + 1), Some(b'"' | b'\''))
                {
                    let v = e + 2;
                    let v = v + page
                        .get(v..)
                        .unwrap_or_default()
                        .iter()
                        .take(4)
                        .take_while(|c| c.is_ascii_whitespace())
                        .count();
                    if let Some(p) = iso_at(page, v, ok) {
                        return Some(p);
                    }
                }
            }
        }
        i += 1;
    }
    None
}

/// The number of ASCII digits at `i` (at most `max + 1`).
fn digits(page: &[u8], i: usize, max: usize) -> usize {
    page.get(i..)
        .unwrap_or_default()
        .iter()
        .take(max + 1)
        .take_while(|c| c.is_ascii_digit())
        .count()
}

fn num(page: &[u8], i: usize, n: usize) -> Option<i16> {
    page.get(i..i + n)?.iter().try_fold(0i16, |acc, c| {
        acc.checked_mul(10)?
            .checked_add(i16::from(c.wrapping_sub(b'0')))
    })
}

/// A date that is a day: for the numeric scan.
fn day(y: i16, m: i16, d: i16) -> Option<Parsed> {
    let date = Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()?;
    Some(Parsed {
        date,
        time: None,
        offset: None,
        has_day: true,
    })
}

fn first_numeric(page: &[u8], ok: &impl Fn(&Parsed) -> bool) -> Option<Parsed> {
    let mut i = 0;
    while i < page.len() {
        let boundary = i == 0 || !page.get(i - 1).is_some_and(u8::is_ascii_digit);
        if !boundary || !page.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            continue;
        }
        let n = digits(page, i, 4);
        let found = match n {
            4 => year_first(page, i),
            1 | 2 => day_first(page, i, n),
            _ => None,
        };
        if let Some(p) = found.filter(|p| ok(p)) {
            return Some(p);
        }
        i += n.max(1);
    }
    None
}

/// `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD` (same separator twice, two-digit month and day,
/// no digit after).
fn year_first(page: &[u8], i: usize) -> Option<Parsed> {
    let sep = *page.get(i + 4)?;
    if !matches!(sep, b'-' | b'/' | b'.') || page.get(i + 7) != Some(&sep) {
        return None;
    }
    if digits(page, i + 5, 2) != 2 || digits(page, i + 8, 2) != 2 {
        return None;
    }
    day(num(page, i, 4)?, num(page, i + 5, 2)?, num(page, i + 8, 2)?)
}

/// `DD.MM.YYYY` (also `D.M.YYYY`), no digit after the year.
fn day_first(page: &[u8], i: usize, n: usize) -> Option<Parsed> {
    if page.get(i + n) != Some(&b'.') {
        return None;
    }
    let j = i + n + 1;
    let m = digits(page, j, 2);
    if !(1..=2).contains(&m) || page.get(j + m) != Some(&b'.') {
        return None;
    }
    let k = j + m + 1;
    if digits(page, k, 4) != 4 {
        return None;
    }
    day(num(page, k, 4)?, num(page, j, m)?, num(page, i, n)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(page: &str) -> Option<(String, &'static str)> {
        let ok = |p: &Parsed| p.date.year() >= 1990 && p.date <= jiff::civil::date(2026, 1, 1);
        scan(page.as_bytes(), ok).map(|(p, src)| (p.format(), src))
    }

    #[test]
    fn keys_attrs_text() {
        assert_eq!(
            s(
                r#"<script>var x = {"datePublished": "2019-03-02T10:00:00+01:00"}</script> 2018-01-01"#
            ),
            Some(("2019-03-02T10:00:00+01:00".into(), "page:key"))
        );
        assert_eq!(
            s(r#"{\"publish_date\":\"2020-05-06\"}"#),
            Some(("2020-05-06".into(), "page:key"))
        );
        assert_eq!(
            s(r#"<span data-post-date="2017-04-05">x</span> 2016-01-01"#),
            Some(("2017-04-05".into(), "page:attr"))
        );
        assert_eq!(
            s("<p>Stand 3.7.2015, 2014-02-01</p>"),
            Some(("2015-07-03".into(), "page:text"))
        );
        assert_eq!(
            s(r#"<a href="/2013/04/05/story">x</a>"#),
            Some(("2013-04-05".into(), "page:text"))
        );
        // after the fetch time, before 1990, phone numbers, long digit runs: none
        assert_eq!(s("2099-01-01 1980-01-01 12345.12.2018 20180911"), None);
        assert_eq!(s(""), None);
        assert_eq!(
            s("<p>© 2017</p><span>Last Revision: August 9, 2017</span>"),
            Some(("2017-08-09".into(), "page:label"))
        );
        // visible text before link paths; a labelled date before the first one
        assert_eq!(
            s(r#"<h1>T</h1><a href="/2010/03/10/x">y</a><p>am 19. Mai 2010 gepostet</p>"#),
            Some(("2010-05-19".into(), "page:text"))
        );
        assert_eq!(
            s("<h1>T</h1><p>am 5. Februar 2020</p><li>zuletzt am 29. Januar 2020 geändert</li>"),
            Some(("2020-01-29".into(), "page:label"))
        );
        assert_eq!(
            s("<b>x</b> Hamburg, 2. November 2021 <i>"),
            Some(("2021-11-02".into(), "page:text"))
        );
    }
}
