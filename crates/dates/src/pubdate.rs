//! The publication and modification dates of a page, chosen among the candidates the clean
//! stage found, the URL and the caller's hint.
//!
//! Order of trust (lower rank first): JSON-LD in the article; meta tags that name their role;
//! JSON-LD outside the article (a related item, the site) and `<time>` that names its role;
//! `<time>` and bylines in the article; meta tags of unknown role (`date`) and plain-text
//! datelines; the URL; dates of unknown role outside the article (comments, related links)
//! and in-article bylines that form a list of teasers; a scan of the raw page when nothing
//! else is found (`pagescan`); the hint. Within a rank a candidate that says it is the
//! publication date comes before one whose role is unknown, then page order. A candidate is
//! dropped when it does not parse to a day, is before 1990 (not the hint: the caller's word),
//! is after the fetch time, or is a line showing the reader's clock (`data/byline_labels.tsv`,
//! which also marks "Written: … / Updated: …" lines as publication lines).
//!
//! What the reader sees outranks what the metadata says, because the date readers and
//! archives cite is the one shown: a page whose visible text (bylines, `<time>` text, the
//! page's visible dates) shows the modification day, or an "Updated …" line, but not the
//! publication day takes the shown date; so does metadata whose day is shown nowhere against
//! a labelled publication line. A URL path dated more than a year before the stated date wins
//! (the path is permanent, re-stamped metadata is not).
//!
//! The modification date is never earlier than the publication date; a page that only states
//! a modification date gets it as publication date too. Times are shown in the site's offset:
//! the first non-zero offset on the page, or the one a zone-less local time implies next to a
//! UTC time of the same instant.

use crate::pagescan::{scan, visible_days};
use crate::parse::{parse, Parsed};
use crate::{Candidate, Input, PageDate, Role};
use jiff::civil::Date;

/// Rank of a source (lower is trusted more). JSON-LD the clean stage places outside the
/// article (a related item, the site) comes after the meta tags that name their role, with
/// `<time>` that names its; the URL ranks 6; dates outside the article (comments, related
/// links, sidebars) rank below it.
fn rank(c: &Candidate<'_>) -> u8 {
    let s = c.source;
    if s.starts_with("json-ld") || s.starts_with("jsonld") {
        if c.in_article {
            0
        } else {
            3
        }
    } else if s.starts_with("meta") {
        // `meta name=date` and the like say nothing of their role: after `<time>`
        if c.role == Role::Unknown {
            5
        } else {
            2
        }
    } else if !c.in_article && c.role == Role::Unknown {
        7
    } else if s.starts_with("time") && c.role != Role::Unknown {
        3
    } else if s.starts_with("time") || s.starts_with("byline") {
        4
    } else {
        5
    }
}

/// Whether numeric dates read day first: not for English pages outside the Commonwealth.
fn day_first(input: &Input<'_>) -> bool {
    let lang = input.language.unwrap_or("");
    if !lang.starts_with("en") {
        return true;
    }
    let host = input
        .url
        .and_then(|u| u.split("://").nth(1))
        .and_then(|r| r.split(['/', '?', '#', ':']).next())
        .unwrap_or("");
    let path_gb = input
        .url
        .is_some_and(|u| u.contains("/en-gb/") || u.contains("/en-au/"));
    path_gb
        || [
            ".uk", ".au", ".ie", ".nz", ".in", ".za", ".sg", ".pk", ".ng", ".ke",
        ]
        .iter()
        .any(|t| host.ends_with(t))
}

/// The newest instant a page date may have: the fetch time (or now).
struct Bounds {
    latest: jiff::Timestamp,
    latest_day: Date,
}

impl Bounds {
    fn ok(&self, p: &Parsed) -> bool {
        p.date.year() >= 1990 && p.has_day && self.not_after_fetch(p)
    }

    fn not_after_fetch(&self, p: &Parsed) -> bool {
        match p.timestamp() {
            Some(ts) if p.time.is_some() => ts <= self.latest,
            _ => p.date <= self.latest_day,
        }
    }
}

/// A date from the URL path: `/2018/09/11/`, `/2018-09-11-`, `/20180911`.
pub fn from_url(url: &str) -> Option<Parsed> {
    let path = url
        .split("://")
        .nth(1)
        .map_or(url, |r| r.find('/').and_then(|i| r.get(i..)).unwrap_or(""));
    let b = path.as_bytes();
    let digits = |i: usize, n: usize| -> Option<u32> {
        let s = path.get(i..i + n)?;
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let mut i = 0;
    while i + 8 <= b.len() {
        let boundary = i == 0 || !b.get(i - 1).is_some_and(u8::is_ascii_digit);
        if boundary {
            if let Some(y) = digits(i, 4).filter(|y| (1990..=2100).contains(y)) {
                let sep = b.get(i + 4).copied();
                let (m, d) = match sep {
                    Some(b'/' | b'-' | b'_' | b'.') => {
                        // `/2018/09/11/`, and `/2017/7/12/` with one-digit month or day
                        let (m, j) = match digits(i + 5, 2) {
                            Some(m) => (Some(m), i + 7),
                            None if sep == Some(b'/') => (digits(i + 5, 1), i + 6),
                            None => (None, i + 7),
                        };
                        let sep2 = b.get(j).copied();
                        let d = if matches!(sep2, Some(b'/' | b'-' | b'_' | b'.')) {
                            let two = digits(j + 1, 2)
                                .filter(|_| !b.get(j + 3).is_some_and(u8::is_ascii_digit));
                            two.or_else(|| {
                                digits(j + 1, 1)
                                    .filter(|_| sep == Some(b'/') && b.get(j + 2) == Some(&b'/'))
                            })
                        } else {
                            None
                        };
                        (m, d)
                    }
                    Some(c) if c.is_ascii_digit() => {
                        let m = digits(i + 4, 2);
                        let d = digits(i + 6, 2)
                            .filter(|_| !b.get(i + 8).is_some_and(u8::is_ascii_digit));
                        (m, d)
                    }
                    _ => (None, None),
                };
                if let (Some(m), Some(d)) = (m, d) {
                    if let Ok(date) = Date::new(y as i16, m as i8, d as i8) {
                        return Some(Parsed {
                            date,
                            time: None,
                            offset: None,
                            has_day: true,
                        });
                    }
                }
            }
        }
        i += 1;
    }
    day_first_in_url(path)
}

/// `/29-10-2021-…`, `/08112021-…`: a day-first date as a whole path segment or its start.
fn day_first_in_url(path: &str) -> Option<Parsed> {
    for seg in path.split(['/', '_', '?', '&', '=']) {
        let digits: String = seg
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '-' || *c == '.')
            .collect();
        let parts: Vec<&str> = digits.split(['-', '.']).filter(|p| !p.is_empty()).collect();
        let (d, m, y) = match parts.as_slice() {
            [d, m, y, ..] if d.len() <= 2 && m.len() <= 2 && y.len() == 4 => (*d, *m, *y),
            [one, ..] if one.len() == 8 => (one.get(..2)?, one.get(2..4)?, one.get(4..)?),
            _ => continue,
        };
        let (Ok(d), Ok(m), Ok(y)) = (d.parse::<i8>(), m.parse::<i8>(), y.parse::<i16>()) else {
            continue;
        };
        if !(1990..=2100).contains(&y) {
            continue;
        }
        if let Ok(date) = Date::new(y, m, d) {
            return Some(Parsed {
                date,
                time: None,
                offset: None,
                has_day: true,
            });
        }
    }
    None
}

/// The site's UTC offset: the first non-zero offset a candidate states, else the difference
/// between a zone-less local time and a UTC time of the same instant (`2023-11-08 22:28:35`
/// next to `2023-11-09T03:28:35Z`), else the UTC offset if that is all the page says.
fn site_offset<'p>(dates: impl Iterator<Item = &'p Parsed> + Clone) -> Option<i32> {
    if let Some(off) = dates.clone().filter_map(|p| p.offset).find(|o| *o != 0) {
        return Some(off);
    }
    let utc: Vec<jiff::civil::DateTime> = dates
        .clone()
        .filter(|p| p.offset == Some(0))
        .filter_map(|p| Some(p.date.to_datetime(p.time?)))
        .collect();
    for local in dates.clone().filter(|p| p.offset.is_none()) {
        let Some(t) = local.time else { continue };
        let local = local.date.to_datetime(t);
        for u in &utc {
            let Ok(diff) = local.duration_since(*u).as_secs().try_into() else {
                continue;
            };
            let diff: i32 = diff;
            if diff != 0 && diff.abs() <= 14 * 3600 && diff % 900 == 0 {
                return Some(diff);
            }
        }
    }
    dates.filter_map(|p| p.offset).next()
}

/// The date in the site's zone: a zone-less time takes the site's offset; a UTC time is
/// shown in the site's offset (same instant).
fn in_site_zone(mut p: Parsed, site: Option<i32>) -> Parsed {
    let Some(site) = site else { return p };
    if p.time.is_none() {
        return p;
    }
    match p.offset {
        None => p.offset = Some(site),
        Some(0) if site != 0 => {
            if let (Some(ts), Ok(off)) = (p.timestamp(), jiff::tz::Offset::from_seconds(site)) {
                let dt = off.to_datetime(ts);
                p.date = dt.date();
                p.time = Some(dt.time());
                p.offset = Some(site);
            }
        }
        _ => {}
    }
    p
}

/// The local day `day` of the UTC instant `p`, without a time: the site's offset is not known,
/// and inventing one would misstate the hour, so only the day the URL vouches for is kept.
fn on_local_day(p: Parsed, day: Date) -> Option<Parsed> {
    let ts = p.timestamp()?;
    p.time?;
    // Only when some real offset (-12 h to +14 h) puts the instant on that day.
    let plausible = (-12i8..=14).any(|h| {
        jiff::tz::Offset::from_hours(h)
            .map(|off| off.to_datetime(ts).date() == day)
            .unwrap_or(false)
    });
    plausible.then_some(Parsed {
        date: day,
        time: None,
        offset: None,
        has_day: true,
    })
}

/// The labels of `data/byline_labels.tsv`: (kind, label).
fn byline_labels() -> impl Iterator<Item = (&'static str, &'static str)> {
    include_str!("../data/byline_labels.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
}

/// The role of a visible date line, read again from its labels: `None` for a line that shows
/// the reader's clock ("Aktuelle Zeit: 14.10.2020, 12:18"); `Published` for "Written: … /
/// Updated: …", whose first date (the one parsed) is the publication. Other candidates keep
/// the role the clean stage gave them.
fn line_role(c: &Candidate<'_>) -> Option<Role> {
    if !(c.source.starts_with("byline") || c.source.starts_with("time") || c.source == "text") {
        return Some(c.role);
    }
    let l = c.raw.to_lowercase();
    let first = |kind: &str| {
        byline_labels()
            .filter(|(k, _)| *k == kind)
            .filter_map(|(_, label)| l.find(label))
            .min()
    };
    if first("clock").is_some() {
        return None;
    }
    match (first("published"), first("modified")) {
        (Some(p), Some(m)) if p < m => Some(Role::Published),
        (Some(_), None) => Some(Role::Published),
        // "January 19, 2020 / 12:25 PM / Updated 8 hours ago": the date before the update
        (None, Some(m))
            if l.get(..m)
                .is_some_and(|h| h.bytes().filter(u8::is_ascii_digit).count() >= 4) =>
        {
            Some(Role::Published)
        }
        _ => Some(c.role),
    }
}

/// Whether the article's bylines are a list of teasers (related stories, an author's other
/// columns), not the article's own date: many of them, on many different days.
fn teaser_list(input: &Input<'_>) -> bool {
    let days: Vec<Date> = input
        .candidates
        .iter()
        .filter(|c| c.in_article && c.source.starts_with("byline") && c.role == Role::Unknown)
        .filter_map(|c| parse(c.raw, true))
        .map(|p| p.date)
        .collect();
    let mut distinct = days.clone();
    distinct.sort();
    distinct.dedup();
    days.len() >= 4 && distinct.len() >= 4
}

/// Whether a date the reader sees (a byline, the text of a `<time>`, not a machine-readable
/// attribute) names `day`. Inside the article or not: the header that carries the byline often
/// sits above the article container.
fn shown(input: &Input<'_>, day: Date, dmy: bool) -> bool {
    input.candidates.iter().any(|c| {
        let visible =
            c.source.starts_with("byline") || (c.source.starts_with("time") && !looks_iso(c.raw));
        visible && parse(c.raw, dmy).is_some_and(|p| p.has_day && p.date == day)
    })
}

/// `2020-01-06T09:22:36Z` and the like: an attribute value, not text shown to readers.
fn looks_iso(raw: &str) -> bool {
    let b = raw.trim().as_bytes();
    b.len() >= 10
        && b.iter().take(10).enumerate().all(|(k, c)| match k {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// The chosen publication and modification dates, and the reference day for the text.
pub struct Chosen {
    pub published: Option<PageDate>,
    pub modified: Option<PageDate>,
    pub reference: Option<Date>,
}

fn later_or_equal(a: &Parsed, b: &Parsed) -> bool {
    match (a.timestamp(), b.timestamp()) {
        (Some(x), Some(y)) if a.time.is_some() && b.time.is_some() => x >= y,
        _ => a.date >= b.date,
    }
}

/// Chooses the dates of a page.
pub fn choose(input: &Input<'_>) -> Chosen {
    let fetch = input.fetched_at.unwrap_or(input.now);
    let bounds = Bounds {
        latest: fetch,
        // a zone-less day may be a day ahead of UTC
        latest_day: fetch
            .checked_add(jiff::SignedDuration::from_hours(14))
            .unwrap_or(fetch)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date(),
    };
    let dmy = day_first(input);
    let mut parsed: Vec<(u8, u8, usize, Role, Parsed, &str)> = Vec::new();
    let list = teaser_list(input);
    for (idx, c) in input.candidates.iter().enumerate() {
        let Some(p) = parse(c.raw, dmy) else { continue };
        if !bounds.ok(&p) {
            continue;
        }
        let Some(role) = line_role(c) else { continue };
        let r = if list && c.in_article && c.source.starts_with("byline") && role == Role::Unknown {
            7
        } else {
            rank(c)
        };
        let role_rank = match role {
            Role::Published | Role::Modified => 0,
            Role::Unknown => 1,
        };
        parsed.push((r, role_rank, idx, role, p, c.source));
    }
    if let Some(p) = input.url.and_then(from_url).filter(|p| bounds.ok(p)) {
        parsed.push((6, 0, usize::MAX - 1, Role::Published, p, "url"));
    }
    // Nothing from the candidates or the URL: scan the raw page (before the hint, after any
    // date on the page the clean stage found).
    if parsed.is_empty() {
        if let Some((p, src)) = input.page.and_then(|page| scan(page, |p| bounds.ok(p))) {
            parsed.push((7, 2, usize::MAX - 2, Role::Published, p, src));
        }
    }
    // The hint is the caller's word: the 1990 floor (meant for junk on pages) does not apply.
    if let Some(p) = input
        .published_hint
        .and_then(|h| parse(h, dmy))
        .filter(|p| p.has_day && bounds.not_after_fetch(p))
    {
        parsed.push((8, 0, usize::MAX, Role::Published, p, "hint"));
    }
    parsed.sort_by_key(|(r, rr, idx, ..)| (*r, *rr, *idx));
    let site_offset = site_offset(parsed.iter().map(|(.., p, _)| p));
    let with_zone = |p: Parsed| in_site_zone(p, site_offset);
    // a page that only states when it was updated was published no later: the best we know
    let published = parsed
        .iter()
        .find(|(_, _, _, role, ..)| *role != Role::Modified)
        .or_else(|| parsed.first())
        .map(|(.., p, src)| (with_zone(*p), *src));
    // A UTC instant whose day differs by one from the URL's: the URL names the local day, so
    // the site is east (or west) of UTC. The zone itself is not known, so the URL's day is
    // given without a time rather than with a guessed offset.
    let url_day = input.url.and_then(from_url).map(|p| p.date);
    let published = published.map(|(p, src)| match (url_day, site_offset) {
        (Some(day), None | Some(0)) if p.offset == Some(0) && p.date != day => {
            (on_local_day(p, day).unwrap_or(p), src)
        }
        _ => (p, src),
    });
    let modified = parsed
        .iter()
        .filter(|(_, _, _, role, ..)| *role == Role::Modified)
        .map(|(.., p, src)| (with_zone(*p), *src))
        .find(|(p, _)| {
            published
                .as_ref()
                .is_none_or(|(pb, _)| later_or_equal(p, pb))
        });
    // the days the page's visible text names, read once and only when a rule below asks
    let visible = std::cell::OnceCell::new();
    let on_page = || {
        visible.get_or_init(|| {
            input
                .page
                .map(|page| visible_days(page, |p| bounds.ok(p)))
                .unwrap_or_default()
        })
    };
    // The page shows its modification date as the article's date (a byline "Monday, 6 January
    // 2020", "Updated June 13, 2019") and nowhere its publication date: readers, and the
    // archives that cite the page, take the shown date.
    let published = match (published, &modified) {
        (Some((pb, psrc)), Some((md, msrc))) if md.date != pb.date => {
            let seen = |day: Date| shown(input, day, dmy) || on_page().contains(&day);
            // an update line the reader sees ("Updated May 06, 2019")
            let shown_update = parsed
                .iter()
                .filter(|(.., role, _, src)| {
                    *role == Role::Modified
                        && (src.starts_with("byline") || src.starts_with("time"))
                })
                .map(|(.., p, src)| (with_zone(*p), *src))
                .find(|(p, _)| p.date > pb.date);
            if seen(md.date) && !seen(pb.date) {
                Some((*md, *msrc))
            } else if let Some(u) = shown_update.filter(|_| !seen(pb.date)) {
                Some(u)
            } else {
                Some((pb, psrc))
            }
        }
        (p, _) => p,
    };
    // a publication line the reader sees ("Erscheinungsdatum 25.01.2022") against metadata
    // whose day the page shows nowhere
    let published = match published {
        Some((pb, psrc)) if !psrc.starts_with("byline") && !psrc.starts_with("time") => {
            let seen = |day: Date| shown(input, day, dmy) || on_page().contains(&day);
            let line = parsed
                .iter()
                .filter(|(.., role, _, src)| {
                    *role == Role::Published
                        && (src.starts_with("byline") || src.starts_with("time"))
                })
                .map(|(.., p, src)| (with_zone(*p), *src))
                .find(|(p, _)| p.date != pb.date);
            match line {
                Some(l) if !seen(pb.date) => Some(l),
                _ => Some((pb, psrc)),
            }
        }
        p => p,
    };
    // A date in the URL path more than a year before the one the page states: the path is
    // permanent, the page's dates were stamped again (a CMS migration, a re-published archive).
    let published = match (published, url_day) {
        (Some((pb, _)), Some(day)) if (pb.date - day).get_days() > 365 => Some((
            Parsed {
                date: day,
                time: None,
                offset: None,
                has_day: true,
            },
            "url",
        )),
        (p, _) => p,
    };
    let page_date = |(p, src): (Parsed, &str)| PageDate {
        value: p.format(),
        source: src.to_string(),
    };
    Chosen {
        reference: published.as_ref().map(|(p, _)| p.date),
        published: published.map(page_date),
        modified: modified.map(page_date),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_dates() {
        let d = |u: &str| from_url(u).map(|p| p.format());
        assert_eq!(
            d("https://x.com/2018/09/11/story").as_deref(),
            Some("2018-09-11")
        );
        assert_eq!(
            d("https://x.com/news/2018-09-11-story").as_deref(),
            Some("2018-09-11")
        );
        assert_eq!(
            d("https://x.com/a/20180911/b").as_deref(),
            Some("2018-09-11")
        );
        assert_eq!(d("https://x.com/a/12345678901/b"), None);
        assert_eq!(d("https://x.com/2018/09/story"), None);
        assert_eq!(
            d("https://x.com/m/29-10-2021").as_deref(),
            Some("2021-10-29")
        );
        let utc = crate::parse::parse("2023-11-09T03:28:35Z", false).unwrap();
        let local = crate::parse::parse("2023-11-08 22:28:35", false).unwrap();
        let off = site_offset([utc, local].iter());
        assert_eq!(off, Some(-5 * 3600));
        assert_eq!(in_site_zone(utc, off).format(), "2023-11-08T22:28:35-05:00");
        assert_eq!(
            d("https://x.com/a/08112021-fachtag").as_deref(),
            Some("2021-11-08")
        );
    }

    fn input<'a>(candidates: Vec<Candidate<'a>>, url: &'a str, page: &'a [u8]) -> Input<'a> {
        Input {
            candidates,
            url: Some(url),
            text: "",
            published_hint: None,
            fetched_at: None,
            now: "2026-01-01T00:00:00Z".parse().unwrap(),
            language: Some("en"),
            page: Some(page),
        }
    }

    #[test]
    fn utc_instant_on_the_url_day() {
        let c = Candidate {
            source: "json-ld",
            role: Role::Published,
            raw: "2023-11-01T23:01:00Z",
            in_article: true,
        };
        let chosen = choose(&input(vec![c], "https://x.it/esteri/2023/11/02/story", b""));
        let p = chosen.published.unwrap();
        assert_eq!(p.value, "2023-11-02");
    }

    #[test]
    fn the_shown_modification_date() {
        let c = |source, role, raw| Candidate {
            source,
            role,
            raw,
            in_article: true,
        };
        let jsonld = vec![
            c("json-ld", Role::Published, "2020-01-03T09:48:24Z"),
            c("json-ld", Role::Modified, "2020-01-06T09:22:36Z"),
        ];
        let mut shown = jsonld.clone();
        shown.push(c("byline", Role::Unknown, "Monday, 6 January 2020"));
        let chosen = choose(&input(shown, "https://x.com/story", b""));
        assert_eq!(chosen.published.unwrap().value, "2020-01-06T09:22:36Z");
        // both shown, or neither: the publication date
        let mut both = jsonld.clone();
        both.push(c("byline", Role::Unknown, "Published: 3 January 2020"));
        both.push(c("byline", Role::Modified, "Updated: 6 January 2020"));
        for cands in [both, jsonld] {
            let chosen = choose(&input(cands, "https://x.com/story", b""));
            assert_eq!(chosen.published.unwrap().value, "2020-01-03T09:48:24Z");
        }
    }

    #[test]
    fn lines_readers_see() {
        let c = |source, role, raw, in_article| Candidate {
            source,
            role,
            raw,
            in_article,
        };
        // "Written: … / Updated: …" is a publication line; the reader's clock is no date
        let cands = vec![
            c(
                "byline",
                Role::Unknown,
                "Aktuelle Zeit: 14.10.2020, 12:18",
                false,
            ),
            c(
                "byline",
                Role::Modified,
                "Written: 2023-11-07 15:03 / Updated: 2023-11-08",
                false,
            ),
            c("byline", Role::Unknown, "2023-11-03", false),
        ];
        let chosen = choose(&input(cands, "https://x.com/story", b""));
        assert!(chosen.published.unwrap().value.starts_with("2023-11-07"));
        // a labelled publication line against metadata the page shows nowhere
        let cands = vec![
            c(
                "meta:og:article:published_time",
                Role::Published,
                "2022-01-15",
                true,
            ),
            c(
                "byline",
                Role::Unknown,
                "Erscheinungsdatum 25.01.2022",
                false,
            ),
        ];
        let chosen = choose(&input(cands, "https://x.ch/story", b""));
        assert_eq!(chosen.published.unwrap().value, "2022-01-25");
        // the URL's path more than a year before the stated date
        let cands = vec![c("json-ld", Role::Published, "2019-06-17", true)];
        let chosen = choose(&input(cands, "https://x.com/home/2017/7/12/story", b""));
        assert_eq!(chosen.published.unwrap().value, "2017-07-12");
    }

    #[test]
    fn page_scan_only_when_nothing_else() {
        let page = br#"<script>{"datePublished":"2019-03-02"}</script>"#;
        let chosen = choose(&input(Vec::new(), "https://x.com/story", page));
        let p = chosen.published.unwrap();
        assert_eq!(
            (p.value.as_str(), p.source.as_str()),
            ("2019-03-02", "page:key")
        );
        let chosen = choose(&input(Vec::new(), "https://x.com/2018/09/11/story", page));
        assert_eq!(chosen.published.unwrap().source, "url");
    }
}
