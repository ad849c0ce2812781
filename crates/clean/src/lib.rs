//! Clean stage: the bytes of a news page (or a plain-text copy of one) in, the article's own
//! text and metadata out.
//!
//! Pure and synchronous: no I/O, no clock, no async. The worker calls [`clean`] on a compute
//! thread; tests and benchmarks call it directly.

use serde::Serialize;

/// What the caller knows about the content before looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentKind {
    /// An HTML page (any charset).
    Html,
    /// Plain text, e.g. a reader's copy of a page.
    Text,
    /// Unknown: the stage sniffs the bytes.
    Sniff,
}

/// Input of the clean stage.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The raw bytes of the page or text, in any charset.
    pub bytes: &'a [u8],
    pub kind: ContentKind,
    /// Charset from the transport (envelope or `content-type; charset=` header), trusted first.
    pub charset_hint: Option<&'a str>,
    /// The URL the page was fetched from, for resolving relative links and the site name.
    pub url: Option<&'a str>,
    /// Language declared by the caller.
    pub language_hint: Option<&'a str>,
}

/// Where a metadata value came from, so a reader can judge it.
pub type Provenance = &'static str;

/// A metadata value with its source (e.g. `json-ld`, `og`, `meta:author`, `html:h1`, `text`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Provenance,
}

/// Whether a date string found on the page claims to be the publication or the modification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateRole {
    Published,
    Modified,
    Unknown,
}

/// A date as written on the page, not yet parsed: the dates stage parses and ranks these.
/// Collected here because only this stage walks the document (parse once).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DateCandidate {
    /// Where it was found: `json-ld`, `meta:<name>`, `time`, `byline`, `text`, …
    pub source: Provenance,
    pub role: DateRole,
    /// The string as found (attribute value or visible text, trimmed).
    pub raw: String,
    /// Whether the element sits inside the main article container (trusted more).
    pub in_article: bool,
}

/// What the clean stage produces.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Cleaned {
    /// The charset the bytes were decoded with (WHATWG label, e.g. `windows-1252`).
    pub encoding: &'static str,
    pub title: Option<Sourced<String>>,
    pub description: Option<Sourced<String>>,
    /// People who wrote the article (not the site, not "Staff").
    pub authors: Vec<String>,
    pub authors_source: Option<Provenance>,
    /// Wire services and agencies credited (e.g. "Reuters", "AP"), kept apart from authors.
    pub agencies: Vec<String>,
    pub canonical_url: Option<Sourced<String>>,
    pub site_name: Option<Sourced<String>>,
    /// ISO 639-1 code.
    pub language: Option<Sourced<String>>,
    pub top_image: Option<Sourced<String>>,
    pub section: Option<Sourced<String>>,
    pub tags: Vec<String>,
    /// Main text only; paragraphs separated by a blank line.
    pub text: String,
    /// Image captions and photo credits, out of the body.
    pub captions: Vec<String>,
    /// Date strings for the dates stage.
    pub date_candidates: Vec<DateCandidate>,
}

/// Why a page cannot be cleaned. Every variant is poison: retrying the same bytes gives the
/// same answer, so the worker dead-letters it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CleanError {
    /// The bytes are not text in any charset we can name (binary, or broken beyond repair).
    #[error("undecodable: {0}")]
    Undecodable(String),
    /// Decoded, but there is no article text on the page.
    #[error("no content: {0}")]
    NoContent(String),
}

/// Runs the clean stage.
pub fn clean(input: &Input<'_>) -> Result<Cleaned, CleanError> {
    let (text, encoding) = decode(input)?;
    let body: String = text
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    if body.is_empty() {
        return Err(CleanError::NoContent("no text".into()));
    }
    Ok(Cleaned {
        encoding,
        text: body,
        ..Cleaned::default()
    })
}

fn decode(input: &Input<'_>) -> Result<(String, &'static str), CleanError> {
    let enc = input
        .charset_hint
        .and_then(|l| encoding_rs::Encoding::for_label(l.trim().as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    let (text, used, had_errors) = enc.decode(input.bytes);
    if had_errors {
        return Err(CleanError::Undecodable(format!(
            "invalid {} byte sequences",
            used.name()
        )));
    }
    Ok((text.into_owned(), used.name()))
}
