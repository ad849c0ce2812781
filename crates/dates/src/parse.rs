//! Date strings as pages write them, in many formats and languages, to a civil date, an
//! optional time and an optional UTC offset.
//!
//! Accepted: ISO 8601 / RFC 3339 (`2018-09-11T08:00:00+08:00`, `20180911`), RFC 2822
//! (`Tue, 11 Sep 2018 08:00:00 GMT`), numeric dates (`11.09.2018`, `09/11/2018`, `2018/09/11`),
//! month names in the languages of `data/months.tsv` (`September 11, 2018`, `11 septembre 2018
//! à 08h00`, `11. September 2018`, `11 сентября 2018`), CJK (`2018年9月11日 08:00`), with
//! 12- or 24-hour times, zone abbreviations (`EDT`) and numeric offsets (`+0800`, `GMT+8`).

use crate::lexicon;
use crate::tokens::{tokenize, Kind, Tok};
use jiff::civil::{Date, Time};
use jiff::tz::Offset;

/// A parsed date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed {
    pub date: Date,
    pub time: Option<Time>,
    /// Seconds east of UTC, when the string says.
    pub offset: Option<i32>,
    /// The string names a day (not only a month or a year).
    pub has_day: bool,
}

impl Parsed {
    /// RFC 3339 with the offset when time and offset are known; `YYYY-MM-DDTHH:MM:SS` when the
    /// offset is not; `YYYY-MM-DD` with a day only.
    pub fn format(&self) -> String {
        let d = self.date;
        let day = format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
        let Some(t) = self.time else { return day };
        let mut s = format!("{day}T{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second());
        if let Some(off) = self.offset {
            if off == 0 {
                s.push('Z');
            } else {
                let sign = if off < 0 { '-' } else { '+' };
                let a = off.unsigned_abs();
                s.push_str(&format!("{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60));
            }
        }
        s
    }

    /// The instant, when the offset is known.
    pub fn timestamp(&self) -> Option<jiff::Timestamp> {
        let off = Offset::from_seconds(self.offset?).ok()?;
        let dt = self.date.to_datetime(self.time.unwrap_or(Time::midnight()));
        off.to_timestamp(dt).ok()
    }
}

/// Parses a date string; `None` when it holds no complete date (a year and a month at least;
/// the day defaults to the first and `has_day` is false). `dmy` says which order numeric
/// dates like `03/04/2018` take when both readings are valid (`false`: month first).
pub fn parse(raw: &str, dmy: bool) -> Option<Parsed> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 200 {
        return None;
    }
    if let Some(p) = iso(s) {
        return Some(p);
    }
    general(s, dmy)
}

/// `2018-09-11`, `2018-09-11T08:00:00.000+08:00`, `2018-09-11 08:00:00Z`, `20180911`.
fn iso(s: &str) -> Option<Parsed> {
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        // keep the written offset
        let off = written_offset(s).unwrap_or(0);
        let zoned = ts.to_zoned(jiff::tz::TimeZone::fixed(Offset::from_seconds(off).ok()?));
        let dt = zoned.datetime();
        return Some(Parsed {
            date: dt.date(),
            time: Some(dt.time().with().subsec_nanosecond(0).build().ok()?),
            offset: Some(off),
            has_day: true,
        });
    }
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        if s.len() > 10 {
            return Some(Parsed {
                date: dt.date(),
                time: Some(dt.time().with().subsec_nanosecond(0).build().ok()?),
                offset: None,
                has_day: true,
            });
        }
        return Some(Parsed {
            date: dt.date(),
            time: None,
            offset: None,
            has_day: true,
        });
    }
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let y: i16 = s.get(..4)?.parse().ok()?;
        let m: i8 = s.get(4..6)?.parse().ok()?;
        let d: i8 = s.get(6..8)?.parse().ok()?;
        return Date::new(y, m, d).ok().map(|date| Parsed {
            date,
            time: None,
            offset: None,
            has_day: true,
        });
    }
    None
}

/// The `±HH:MM` or `Z` at the end of an RFC 3339 string.
fn written_offset(s: &str) -> Option<i32> {
    if s.ends_with('Z') || s.ends_with('z') {
        return Some(0);
    }
    let tail = s.get(s.len().checked_sub(6)?..)?;
    let b = tail.as_bytes();
    let sign = match b.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => {
            // +0800
            let tail = s.get(s.len().checked_sub(5)?..)?;
            let sign = match tail.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let h: i32 = tail.get(1..3)?.parse().ok()?;
            let m: i32 = tail.get(3..5)?.parse().ok()?;
            return Some(sign * (h * 3600 + m * 60));
        }
    };
    let h: i32 = tail.get(1..3)?.parse().ok()?;
    let m: i32 = tail.get(4..6)?.parse().ok()?;
    Some(sign * (h * 3600 + m * 60))
}

/// Token-based parser for everything else.
fn general(s: &str, dmy: bool) -> Option<Parsed> {
    let lex = lexicon::get();
    let toks: Vec<Tok<'_>> = tokenize(s);
    let mut year: Option<i16> = None;
    let mut month: Option<u8> = None;
    let mut day: Option<u8> = None;
    let mut nums: Vec<(u32, usize, usize)> = Vec::new(); // value, digits, token index
    let mut time: Option<(u8, u8, u8)> = None;
    let mut pm: Option<bool> = None;
    let mut offset: Option<i32> = None;
    let mut i = 0;
    while i < toks.len() {
        let Some(t) = toks.get(i) else { break };
        let next = toks.get(i + 1);
        match t.kind {
            Kind::Num => {
                let n = t.num().unwrap_or(u32::MAX);
                // time: H:MM[:SS] or 08h00
                let colon = next.is_some_and(|x| {
                    !x.space && (x.s == ":" || x.s == "h" || x.s == "H" || x.s == "時")
                });
                let after = toks.get(i + 2);
                if time.is_none()
                    && colon
                    && t.s.len() <= 2
                    && n < 24
                    && after.is_some_and(|x| !x.space && x.kind == Kind::Num && x.s.len() == 2)
                {
                    let mi = after.and_then(Tok::num).unwrap_or(0);
                    let mut sec = 0;
                    let mut j = i + 3;
                    if toks.get(j).is_some_and(|x| x.s == ":" && !x.space)
                        && toks
                            .get(j + 1)
                            .is_some_and(|x| x.kind == Kind::Num && x.s.len() == 2)
                    {
                        sec = toks.get(j + 1).and_then(Tok::num).unwrap_or(0);
                        j += 2;
                        // fractional seconds
                        if toks.get(j).is_some_and(|x| x.s == "." && !x.space)
                            && toks
                                .get(j + 1)
                                .is_some_and(|x| x.kind == Kind::Num && !x.space)
                        {
                            j += 2;
                        }
                    }
                    if mi < 60 && sec < 61 {
                        time = Some((n as u8, mi as u8, sec.min(59) as u8));
                    }
                    i = j;
                    continue;
                }
                // offsets +0800 / -05:00 directly after a time or GMT
                if let Some(p) = i.checked_sub(1).and_then(|j| toks.get(j)) {
                    if (p.s == "+" || p.s == "-") && time.is_some() && !t.space {
                        let prev2 = i.checked_sub(2).and_then(|j| toks.get(j));
                        let after_time = prev2.is_some_and(|x| {
                            x.kind == Kind::Num || matches!(&*x.lower, "gmt" | "utc")
                        }) || !p.space;
                        if after_time {
                            let sign = if p.s == "+" { 1 } else { -1 };
                            let (h, m, adv) = if t.s.len() == 4 {
                                (n / 100, n % 100, 1)
                            } else if next.is_some_and(|x| x.s == ":") {
                                let m = toks.get(i + 2).and_then(Tok::num).unwrap_or(0);
                                (n, m, 3)
                            } else {
                                (n, 0, 1)
                            };
                            if h <= 14 && m < 60 {
                                offset = Some(sign * (h as i32 * 3600 + m as i32 * 60));
                                i += adv;
                                continue;
                            }
                        }
                    }
                }
                // "berg2012", "A380": digits glued to letters are names
                let glued_word = |x: Option<&Tok<'_>>| {
                    x.is_some_and(|x| x.kind == Kind::Word && x.s.is_ascii() && x.s.len() > 1)
                };
                let prev = i.checked_sub(1).and_then(|j| toks.get(j));
                let unit_after = matches!(
                    next.map(|x| &*x.lower),
                    Some("h" | "st" | "nd" | "rd" | "th" | "t" | "z" | "am" | "pm" | "uhr")
                );
                if (!t.space && glued_word(prev))
                    || (next.is_some_and(|x| !x.space) && glued_word(next) && !unit_after)
                {
                    i += 1;
                    continue;
                }
                if t.s.len() == 8 && year.is_none() {
                    if let Some(p) = iso(t.s) {
                        year = Some(p.date.year());
                        month = Some(p.date.month() as u8);
                        day = Some(p.date.day() as u8);
                    }
                } else if t.s.len() <= 4 {
                    nums.push((n, t.s.len(), i));
                }
            }
            Kind::Word => {
                let w = &*t.lower;
                if let Some(mo) = lex.month(w, &[]) {
                    if month.is_none() {
                        month = Some(mo);
                    }
                } else if matches!(w, "pm" | "p") && time.is_some() {
                    pm = Some(true);
                } else if matches!(w, "am" | "a") && time.is_some() {
                    pm = Some(false);
                } else if matches!(w, "下午" | "午後") {
                    pm = Some(true);
                } else if let Some(off) = lex.zones.get(w) {
                    if time.is_some() && offset.is_none() && (t.s.len() >= 3 || w == "z") {
                        offset = Some(*off);
                    }
                }
            }
            Kind::Punct => {}
        }
        i += 1;
    }
    // assign numbers: a 4-digit year; then day (and month when no name)
    let mut rest: Vec<(u32, usize)> = Vec::new();
    for &(n, len, idx) in &nums {
        if year.is_none() && len == 4 && (1000..=2999).contains(&n) {
            year = i16::try_from(n).ok();
        } else {
            rest.push((n, idx));
        }
    }
    match (month, rest.as_slice()) {
        (Some(_), [(d, _), ..]) if day.is_none() && (1..=31).contains(d) => day = Some(*d as u8),
        (None, [(a, _), (b, _), ..]) if day.is_none() => {
            // numeric: the year was first (Y M D) or last (D M Y / M D Y)
            let year_first = nums.first().is_some_and(|(_, len, _)| *len == 4);
            let (mo, d) = if year_first {
                (*a, *b)
            } else if *a > 12 {
                (*b, *a)
            } else if *b > 12 {
                (*a, *b)
            } else if dmy {
                (*b, *a)
            } else {
                (*a, *b)
            };
            month = u8::try_from(mo).ok();
            day = u8::try_from(d).ok();
        }
        _ => {}
    }
    // a two-digit year in numeric dates: 11.09.18
    if year.is_none() {
        if let Some(&(n, len, _)) = nums.get(2) {
            if len == 2 && month.is_some() {
                year = i16::try_from(2000 + n).ok();
            }
        }
    }
    let y = year?;
    let mo = month?;
    let has_day = day.is_some();
    let date = Date::new(
        y,
        i8::try_from(mo).ok()?,
        i8::try_from(day.unwrap_or(1)).ok()?,
    )
    .ok()?;
    let time = time.and_then(|(h, mi, sec)| {
        let h = match pm {
            Some(true) if h < 12 => h + 12,
            Some(false) if h == 12 => 0,
            _ => h,
        };
        Time::new(h as i8, mi as i8, sec as i8, 0).ok()
    });
    Some(Parsed {
        date,
        time: if has_day { time } else { None },
        offset: if has_day && time.is_some() {
            offset
        } else {
            None
        },
        has_day,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> Option<String> {
        parse(s, true).map(|p| p.format())
    }

    #[test]
    fn formats() {
        assert_eq!(
            f("2018-09-11T08:00:00+08:00").as_deref(),
            Some("2018-09-11T08:00:00+08:00")
        );
        assert_eq!(
            f("2018-09-11T08:00:00.123Z").as_deref(),
            Some("2018-09-11T08:00:00Z")
        );
        assert_eq!(f("2018-09-11").as_deref(), Some("2018-09-11"));
        assert_eq!(
            f("2018-09-11 08:00:00").as_deref(),
            Some("2018-09-11T08:00:00")
        );
        assert_eq!(
            f("Tue, 11 Sep 2018 08:00:00 GMT").as_deref(),
            Some("2018-09-11T08:00:00Z")
        );
        assert_eq!(
            f("Published 11:32 AM EDT, Tue September 11, 2018").as_deref(),
            Some("2018-09-11T11:32:00-04:00")
        );
        assert_eq!(
            f("11 septembre 2018 à 08h00").as_deref(),
            Some("2018-09-11T08:00:00")
        );
        assert_eq!(f("2018年9月11日").as_deref(), Some("2018-09-11"));
        assert_eq!(f("11. September 2018").as_deref(), Some("2018-09-11"));
        assert_eq!(f("11 сентября 2018").as_deref(), Some("2018-09-11"));
        assert_eq!(f("11.09.2018").as_deref(), Some("2018-09-11"));
        assert_eq!(
            parse("09/11/2018", false).map(|p| p.format()).as_deref(),
            Some("2018-09-11")
        );
        assert_eq!(
            f("2018/09/11 08:00 +0800").as_deref(),
            Some("2018-09-11T08:00:00+08:00")
        );
        assert_eq!(f("20180911").as_deref(), Some("2018-09-11"));
        assert_eq!(f("11 Eylül 2018").as_deref(), Some("2018-09-11"));
        assert_eq!(f("nothing here"), None);
    }
}
