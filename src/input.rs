//! Turns one Kafka message (value bytes and headers) into a [`RawArticle`], or says why it
//! cannot be enriched.
//!
//! Everything that can be wrong with a message *before* the stages look at its content is
//! decided here, cheaply and in one place: the size limit, empty values, envelopes that are
//! not JSON or have the wrong types, hints that are not text. The size check runs first so a
//! 50 MB value is never parsed.

use base64::Engine as _;
use serde::Deserialize;

use crate::event::{Reason, Rejection};

/// The content of an article as it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// HTML already decoded to Unicode (envelope `html`).
    Html(String),
    /// HTML bytes in an unknown charset (envelope `html_base64`).
    HtmlBytes(Vec<u8>),
    /// Plain text (envelope `text`).
    Text(String),
    /// A raw message value: HTML or plain text, any charset; the clean stage sniffs it.
    Raw(Vec<u8>),
}

/// One input article with the hints that came with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawArticle {
    /// Caller's id (envelope `id`).
    pub id: Option<String>,
    pub url: Option<String>,
    pub content: Content,
    /// Charset from a `content-type` header.
    pub charset_hint: Option<String>,
    pub fetched_at: Option<jiff::Timestamp>,
    /// Publication date hint, as given (the dates stage parses it).
    pub published_at: Option<String>,
    pub language: Option<String>,
    /// Free text naming the producer of the input.
    pub source: Option<String>,
}

/// Hints carried in message headers (`url`, `content-type`, `fetched_at`, `published_at`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hints {
    pub url: Option<String>,
    pub content_type: Option<String>,
    pub fetched_at: Option<String>,
    pub published_at: Option<String>,
}

impl Hints {
    /// Reads the hint headers. A hint that is not UTF-8 is rejected rather than guessed.
    pub fn from_headers<'a, I>(headers: I) -> Result<Hints, Rejection>
    where
        I: IntoIterator<Item = (&'a str, Option<&'a [u8]>)>,
    {
        let mut hints = Hints::default();
        for (key, value) in headers {
            let slot = match key.to_ascii_lowercase().as_str() {
                "url" => &mut hints.url,
                "content-type" => &mut hints.content_type,
                "fetched_at" => &mut hints.fetched_at,
                "published_at" => &mut hints.published_at,
                _ => continue,
            };
            let Some(bytes) = value else { continue };
            let text = std::str::from_utf8(bytes).map_err(|e| {
                Rejection::new(
                    Reason::BadHeader,
                    format!("header `{key}` is not UTF-8: {e}"),
                )
            })?;
            let text = text.trim();
            if !text.is_empty() {
                *slot = Some(text.to_string());
            }
        }
        Ok(hints)
    }

    fn is_json(&self) -> bool {
        self.content_type
            .as_deref()
            .map(|ct| {
                ct.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .eq_ignore_ascii_case("application/json")
            })
            .unwrap_or(false)
    }

    fn charset(&self) -> Option<String> {
        let ct = self.content_type.as_deref()?;
        ct.split(';').skip(1).find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("charset")
                .then(|| v.trim().trim_matches('"').to_string())
        })
    }
}

/// The JSON envelope of contracts.md. Unknown fields are ignored so producers can add their
/// own; known fields must have the right type.
#[derive(Debug, Deserialize)]
struct Envelope {
    id: Option<String>,
    url: Option<String>,
    html: Option<String>,
    text: Option<String>,
    html_base64: Option<String>,
    fetched_at: Option<String>,
    published_at: Option<String>,
    language: Option<String>,
    source: Option<String>,
}

/// Decodes one message value with its hints, enforcing `max_bytes`.
pub fn decode(
    value: Option<&[u8]>,
    hints: &Hints,
    max_bytes: usize,
) -> Result<RawArticle, Rejection> {
    let value = value.unwrap_or_default();
    if value.len() > max_bytes {
        return Err(Rejection::new(
            Reason::TooLarge,
            format!(
                "value is {} bytes, limits.max_message_bytes is {max_bytes}",
                value.len()
            ),
        ));
    }
    let first = value.iter().find(|b| !b.is_ascii_whitespace());
    let Some(&first) = first else {
        return Err(Rejection::new(Reason::NoContent, "empty message value"));
    };
    let fetched_at = hints
        .fetched_at
        .as_deref()
        .map(|s| parse_timestamp("fetched_at header", s))
        .transpose()?;
    if hints.is_json() || first == b'{' {
        return decode_envelope(value, hints, fetched_at);
    }
    Ok(RawArticle {
        id: None,
        url: hints.url.clone(),
        content: Content::Raw(value.to_vec()),
        charset_hint: hints.charset(),
        fetched_at,
        published_at: hints.published_at.clone(),
        language: None,
        source: None,
    })
}

fn decode_envelope(
    value: &[u8],
    hints: &Hints,
    header_fetched_at: Option<jiff::Timestamp>,
) -> Result<RawArticle, Rejection> {
    let env: Envelope = serde_json::from_slice(value).map_err(|e| {
        Rejection::new(
            Reason::BadEnvelope,
            format!("not a valid JSON envelope: {e}"),
        )
    })?;
    let content = match (env.html, env.html_base64, env.text) {
        (Some(html), None, None) => Content::Html(html),
        (None, Some(b64), None) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|e| Rejection::new(Reason::BadEnvelope, format!("`html_base64`: {e}")))?;
            Content::HtmlBytes(bytes)
        }
        (None, None, Some(text)) => Content::Text(text),
        (None, None, None) => {
            return Err(Rejection::new(
                Reason::BadEnvelope,
                "envelope has none of `html`, `html_base64`, `text`",
            ))
        }
        _ => {
            return Err(Rejection::new(
                Reason::BadEnvelope,
                "envelope has more than one of `html`, `html_base64`, `text`",
            ))
        }
    };
    let empty = match &content {
        Content::Html(s) | Content::Text(s) => s.trim().is_empty(),
        Content::HtmlBytes(b) | Content::Raw(b) => b.iter().all(u8::is_ascii_whitespace),
    };
    if empty {
        return Err(Rejection::new(
            Reason::NoContent,
            "envelope content is empty",
        ));
    }
    let fetched_at = match env.fetched_at.as_deref() {
        Some(s) => Some(parse_timestamp("`fetched_at`", s)?),
        None => header_fetched_at,
    };
    Ok(RawArticle {
        id: env.id.filter(|s| !s.is_empty()),
        url: env.url.or_else(|| hints.url.clone()),
        content,
        charset_hint: None,
        fetched_at,
        published_at: env.published_at.or_else(|| hints.published_at.clone()),
        language: env.language,
        source: env.source,
    })
}

fn parse_timestamp(what: &str, s: &str) -> Result<jiff::Timestamp, Rejection> {
    s.trim().parse::<jiff::Timestamp>().map_err(|e| {
        Rejection::new(
            Reason::BadEnvelope,
            format!("{what} is not an RFC 3339 timestamp: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: usize = 1 << 20;

    fn reason(r: Result<RawArticle, Rejection>) -> Reason {
        r.unwrap_err().reason
    }

    #[test]
    fn raw_html_with_charset_header() {
        let hints = Hints::from_headers([
            (
                "content-type",
                Some(&b"text/html; charset=\"windows-1252\""[..]),
            ),
            ("url", Some(&b"https://example.com/a"[..])),
        ])
        .unwrap();
        let a = decode(Some(b"<html>caf\xe9</html>"), &hints, MAX).unwrap();
        assert_eq!(a.charset_hint.as_deref(), Some("windows-1252"));
        assert_eq!(a.url.as_deref(), Some("https://example.com/a"));
        assert!(matches!(a.content, Content::Raw(_)));
    }

    #[test]
    fn envelope_fields() {
        let v = br#"{"id":"a1","url":"https://x.test/1","text":"Hello world.","published_at":"2018-09-11","fetched_at":"2018-09-12T00:00:00Z","extra":1}"#;
        let a = decode(Some(v), &Hints::default(), MAX).unwrap();
        assert_eq!(a.id.as_deref(), Some("a1"));
        assert_eq!(a.content, Content::Text("Hello world.".into()));
        assert_eq!(a.published_at.as_deref(), Some("2018-09-11"));
        assert!(a.fetched_at.is_some());
    }

    #[test]
    fn envelope_base64() {
        let v = br#"{"html_base64":"PGgxPmNhZuk8L2gxPg=="}"#;
        let a = decode(Some(v), &Hints::default(), MAX).unwrap();
        assert_eq!(a.content, Content::HtmlBytes(b"<h1>caf\xe9</h1>".to_vec()));
    }

    #[test]
    fn bad_inputs_have_their_reasons() {
        let h = Hints::default();
        assert_eq!(reason(decode(None, &h, MAX)), Reason::NoContent);
        assert_eq!(reason(decode(Some(b"  \n"), &h, MAX)), Reason::NoContent);
        assert_eq!(
            reason(decode(Some(&[b'a'; 2048]), &h, 1024)),
            Reason::TooLarge
        );
        assert_eq!(
            reason(decode(Some(b"{not json"), &h, MAX)),
            Reason::BadEnvelope
        );
        assert_eq!(
            reason(decode(Some(br#"{"html":5}"#), &h, MAX)),
            Reason::BadEnvelope
        );
        assert_eq!(
            reason(decode(Some(br#"{"id":"x"}"#), &h, MAX)),
            Reason::BadEnvelope
        );
        assert_eq!(
            reason(decode(Some(br#"{"html":"<p>a</p>","text":"a"}"#), &h, MAX)),
            Reason::BadEnvelope
        );
        assert_eq!(
            reason(decode(Some(br#"{"text":"  "}"#), &h, MAX)),
            Reason::NoContent
        );
        assert_eq!(
            reason(decode(Some(b"{\"text\":\"caf\xe9\"}"), &h, MAX)),
            Reason::BadEnvelope
        );
        assert_eq!(
            reason(decode(
                Some(br#"{"text":"a","fetched_at":"yesterday"}"#),
                &h,
                MAX
            )),
            Reason::BadEnvelope
        );
        assert_eq!(
            reason(decode(Some(br#"{"html_base64":"!!"}"#), &h, MAX)),
            Reason::BadEnvelope
        );
    }

    #[test]
    fn non_utf8_header_is_rejected() {
        let err = Hints::from_headers([("url", Some(&b"\xff\xfe"[..]))]).unwrap_err();
        assert_eq!(err.reason, Reason::BadHeader);
    }

    #[test]
    fn json_content_type_forces_envelope() {
        let h = Hints::from_headers([("content-type", Some(&b"application/json"[..]))]).unwrap();
        assert_eq!(
            reason(decode(Some(b"<html></html>"), &h, MAX)),
            Reason::BadEnvelope
        );
    }
}
