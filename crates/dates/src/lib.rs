//! Dates stage: the publication and modification dates of an article, and every temporal
//! expression in its text resolved against the publication date.
//!
//! Pure and synchronous. The clock is a parameter ([`Input::now`]), never read here, so tests
//! freeze it and replays give the same output.
//!
//! # Layout
//! - [`parse`]: date strings in many formats and languages -> civil date, time and offset.
//! - `pubdate`: ranks the page's date candidates (JSON-LD > meta > `<time>` in the article >
//!   byline > text > URL > dates outside the article > hint), rejects impossible dates (before
//!   1990, after the fetch time), keeps modified >= published, formats RFC 3339 in the site's
//!   own offset.
//! - [`timex`]: the temporal tagger and normaliser (TIMEX3 values against the reference date).
//! - `lexicon`: the rule set as data (`data/*.tsv`: month and weekday names in 13 languages,
//!   zone abbreviations, holidays, the English tagger lexicon), compiled in.
//! - `pagescan`: the last resort for the publication date, a memory scan of the raw page
//!   (JSON `datePublished`-like keys, ISO dates in attributes, the first plausible numeric
//!   date in page order), used only when the candidates and the URL give nothing.
//! - `tokens`: the tokenizer shared by the parser and the tagger.
//!
//! When the page, its URL and the caller state no date, the first full date written in the
//! text (a dateline) is taken as the publication day (source `text`); the reference date for
//! relative expressions is the publication day, else the fetch day.
//!
//! Dev loops and measurements: `examples/timex_dev.rs` (timeml-dev), `examples/pubdate_dev.rs`
//! and `examples/enrich_sim.rs` (clean -> dates as the pipeline runs them; feature
//! `clean-example`), `benches/dates.rs` (tagger words/s, search time per page).

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

use serde::Serialize;

mod lexicon;
mod pagescan;
pub mod parse;
mod pubdate;
pub mod timex;
mod tokens;

pub use pubdate::from_url;

/// Whether a candidate claims to be the publication or the modification date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Published,
    Modified,
    Unknown,
}

/// A date string found on the page by the clean stage, not yet parsed.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    /// Where it was found: `json-ld`, `meta:<name>`, `time`, `byline`, `text`, …
    pub source: &'a str,
    pub role: Role,
    pub raw: &'a str,
    /// Inside the main article container.
    pub in_article: bool,
}

/// Input of the dates stage.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    pub candidates: Vec<Candidate<'a>>,
    /// The page URL (`/2018/09/11/` paths).
    pub url: Option<&'a str>,
    /// The clean text in which temporal expressions are found.
    pub text: &'a str,
    /// The caller's `published_at` hint: trusted last for the publication date, and the
    /// reference date for relative expressions when the page states none.
    pub published_hint: Option<&'a str>,
    /// When the page was fetched; dates after it are rejected.
    pub fetched_at: Option<jiff::Timestamp>,
    /// The current time (injected clock); used as fetch time when none is given.
    pub now: jiff::Timestamp,
    /// Language of the text (ISO 639-1) when known.
    pub language: Option<&'a str>,
    /// The raw page bytes (HTML in any ASCII-compatible charset), when there is a page:
    /// scanned for a publication date only when the candidates and the URL give none.
    pub page: Option<&'a [u8]>,
}

/// A resolved publication or modification date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageDate {
    /// RFC 3339 with the page's own offset, or `YYYY-MM-DD` when only the day is known.
    pub value: String,
    /// Where it came from (the candidate's source, `url` or `hint`).
    pub source: String,
}

/// The TIMEX3 type of a temporal expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimexType {
    Date,
    Time,
    Duration,
    Set,
}

/// A temporal expression in the text. Offsets count Unicode code points, end exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timex {
    pub start: usize,
    pub end: usize,
    pub text: String,
    #[serde(rename = "type")]
    pub kind: TimexType,
    /// TIMEX3 value resolved against the reference date (`2018-09-11`, `2018-W37`, `P2W`, …).
    pub value: String,
}

/// What the dates stage produces.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Dates {
    pub published: Option<PageDate>,
    pub modified: Option<PageDate>,
    pub timexes: Vec<Timex>,
}

/// Runs the dates stage. It cannot fail: a page without dates has none.
pub fn run(input: &Input<'_>) -> Dates {
    let chosen = pubdate::choose(input);
    if let Some(reference) = chosen.reference {
        return Dates {
            published: chosen.published,
            modified: chosen.modified,
            timexes: timex::tag(input.text, reference, input.language),
        };
    }
    // Nothing on the page, in the URL or from the caller: the first full date written in the
    // text (a dateline), if it is plausible, is the publication day.
    let clock = reference_from_clock(input);
    let timexes = timex::tag(input.text, clock, input.language);
    let in_text = timexes.iter().find_map(|t| {
        let explicit = t.text.bytes().filter(u8::is_ascii_digit).count() >= 4;
        let day: jiff::civil::Date = t.value.get(..10)?.parse().ok()?;
        (explicit && t.value.len() == 10 && day.year() >= 1990 && day <= clock).then_some(day)
    });
    match in_text {
        Some(day) => Dates {
            published: Some(PageDate {
                value: day.to_string(),
                source: "text".to_string(),
            }),
            modified: chosen.modified,
            timexes: timex::tag(input.text, day, input.language),
        },
        None => Dates {
            published: None,
            modified: chosen.modified,
            timexes,
        },
    }
}

/// The reference day when the page states none: the fetch day (or today), in UTC.
fn reference_from_clock(input: &Input<'_>) -> jiff::civil::Date {
    input
        .fetched_at
        .unwrap_or(input.now)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}
