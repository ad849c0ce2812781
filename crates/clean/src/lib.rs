//! Clean stage: the bytes of a news page (or a plain-text copy of one) in, the article's own
//! text and metadata out.
//!
//! Pure and synchronous: no I/O, no clock, no async. The worker calls [`clean`] on a compute
//! thread; tests and benchmarks call it directly.
//!
//! # Layout
//! - `decode`: bytes to text (hint > BOM > `<meta>` > detection; refuse rather than mojibake).
//! - `dom`: the one walk over the parsed page into a flat arena with text statistics.
//! - `boilerplate`: what furniture looks like (class words, stock lines).
//! - `extract`: choosing the body container(s) and emitting paragraphs.
//! - `metadata`: JSON-LD, meta tags, titles, date strings for the dates stage.
//! - `authors`: people from JSON-LD, meta and visible bylines; wire names kept apart.
//! - `prepass`: one byte scan before the parser: pathological nesting flattened, script and
//!   style bodies and unread attributes (never read) cut.
//! - `html`: the HTML path tying the above together.
//! - `plaintext`: the plain-text path (a reader's copy of a page).
//! - `normalise`: whitespace normalisation, idempotent and never growing.
//! - `lang`: language detection when the page declares none.

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

mod authors;
mod boilerplate;
mod decode;
mod dom;
mod extract;
mod html;
mod lang;
mod metadata;
pub mod normalise;
mod plaintext;
mod prepass;

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

/// Input beyond this many bytes is cut before parsing: bounded memory and time whatever the
/// transport let through (the worker's own `limits.max_message_bytes` normally rejects such
/// inputs earlier as `too_large`).
pub const MAX_PARSE_BYTES: usize = 64 * 1024 * 1024;

/// Runs the clean stage.
pub fn clean(input: &Input<'_>) -> Result<Cleaned, CleanError> {
    let bytes = input
        .bytes
        .get(..input.bytes.len().min(MAX_PARSE_BYTES))
        .unwrap_or(input.bytes);
    let kind = match input.kind {
        ContentKind::Sniff => sniff(bytes),
        k => k,
    };
    let decoded = decode::decode(bytes, input.charset_hint, kind == ContentKind::Html)?;
    let encoding = decoded.encoding.name();
    match kind {
        ContentKind::Text => plaintext::clean_text(&decoded.text, input, encoding),
        _ => html::clean_html(&decoded.text, input, encoding),
    }
}

/// HTML or text? Markup near the start decides.
fn sniff(bytes: &[u8]) -> ContentKind {
    let head = bytes.get(..bytes.len().min(4096)).unwrap_or(bytes);
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let has = |n: &[u8]| lower.windows(n.len()).any(|w| w == n);
    let trimmed = lower
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    let starts_lt = trimmed
        .and_then(|i| lower.get(i))
        .is_some_and(|&b| b == b'<');
    if starts_lt
        || has(b"<html")
        || has(b"<!doctype html")
        || has(b"<body")
        || has(b"<head")
        || (has(b"<p>") && has(b"</p>"))
        || (has(b"<div") && has(b"</div>"))
    {
        ContentKind::Html
    } else {
        ContentKind::Text
    }
}

/// Scoring details of a page's body candidates (for development: `examples/debug_page.rs`).
#[doc(hidden)]
pub fn debug_candidates(html_text: &str) -> String {
    let parsed = scraper::Html::parse_document(html_text);
    let doc = dom::walk(&parsed);
    let mut out = extract::debug_candidates(&doc);
    for (kind, list) in [("author", &doc.meta.authors), ("byline", &doc.meta.bylines)] {
        for f in list.iter() {
            out.push_str(&format!("  {kind}#{} [{}] {:?}\n", f.elem, f.hint, f.text));
        }
    }
    out
}
