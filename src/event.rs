//! The v1 output event, the dead-letter record, and their Kafka headers.
//!
//! Field names are the contract downstream readers query (shared contracts, schema
//! `news-enricher/article/v1`): they change only with a new schema version. Extra fields are
//! additive.

use std::collections::BTreeMap;

use news_enricher_dates::Timex;
use news_enricher_entities::Entity;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Schema name carried in the event and its `schema` header.
pub const SCHEMA: &str = "news-enricher/article/v1";
/// CloudEvents `ce_type` of an output event.
pub const CE_TYPE: &str = "io.news-enricher.article.v1";

/// Why an input went to the dead-letter topic. A fixed set, so it can label metrics and be
/// matched on by the people who replay dead letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Bytes that are not text in any charset we can name.
    Undecodable,
    /// Larger than `limits.max_message_bytes`.
    TooLarge,
    /// Empty, or no article text on the page.
    NoContent,
    /// A JSON envelope that does not parse or has wrongly typed fields.
    BadEnvelope,
    /// A hint header that is not UTF-8.
    BadHeader,
    /// A bug: a stage panicked on this input. The input is kept for the post-mortem.
    Internal,
}

impl Reason {
    pub const ALL: [Reason; 6] = [
        Reason::Undecodable,
        Reason::TooLarge,
        Reason::NoContent,
        Reason::BadEnvelope,
        Reason::BadHeader,
        Reason::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Undecodable => "undecodable",
            Reason::TooLarge => "too_large",
            Reason::NoContent => "no_content",
            Reason::BadEnvelope => "bad_envelope",
            Reason::BadHeader => "bad_header",
            Reason::Internal => "internal",
        }
    }
}

/// An input that cannot be enriched. Always poison: the same bytes fail the same way, so it is
/// dead-lettered, never retried.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {detail}", reason.as_str())]
pub struct Rejection {
    pub reason: Reason,
    /// One line for humans.
    pub detail: String,
}

impl Rejection {
    pub fn new(reason: Reason, detail: impl Into<String>) -> Rejection {
        let mut detail: String = detail.into();
        // One line, bounded: it travels in a Kafka header.
        detail.retain(|c| c != '\n' && c != '\r');
        if detail.len() > 512 {
            let mut cut = 512;
            while !detail.is_char_boundary(cut) {
                cut -= 1;
            }
            detail.truncate(cut);
        }
        Rejection { reason, detail }
    }
}

/// Where an input came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
}

/// A metadata value's provenance, e.g. `{"title": "json-ld", "authors": "meta:author"}`.
pub type Provenance = BTreeMap<&'static str, String>;

/// Build information of the pipeline that made an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PipelineInfo {
    pub version: &'static str,
}

/// The enriched article (schema v1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub schema: &'static str,
    pub id: String,
    pub url: Option<String>,
    pub canonical_url: Option<String>,
    pub site: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub authors: Vec<String>,
    /// Wire services credited, kept apart from the authors.
    pub agencies: Vec<String>,
    pub language: Option<String>,
    pub text: String,
    /// RFC 3339 with the page's own offset, or `YYYY-MM-DD` when only the day is known or the
    /// page gives a time without a zone (the contract's two forms: strict RFC 3339 readers
    /// reject a zoneless time).
    pub published_at: Option<String>,
    /// The page's wall-clock time when it gives one without a zone (`2018-09-11T08:00:00`),
    /// so that the time is not lost; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_local: Option<String>,
    pub modified_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified_local: Option<String>,
    pub entities: Vec<Entity>,
    pub temporal_expressions: Vec<Timex>,
    pub top_image: Option<String>,
    pub section: Option<String>,
    pub tags: Vec<String>,
    pub captions: Vec<String>,
    /// Where each metadata field came from.
    pub provenance: Provenance,
    pub source: Option<SourceRef>,
    pub pipeline: PipelineInfo,
}

impl Event {
    /// Serialised as the output message value.
    pub fn to_json(&self) -> Result<Vec<u8>, Rejection> {
        serde_json::to_vec(self)
            .map_err(|e| Rejection::new(Reason::Internal, format!("serialising event: {e}")))
    }
}

/// Splits a formatted date into the contract's value and the zoneless local time: an
/// instant with an offset (`…Z`, `…+02:00`) or a day stays as it is; a time without a zone
/// becomes its day, the full local time kept apart.
pub fn split_local(value: String) -> (String, Option<String>) {
    let Some((day, time)) = value.split_once('T') else {
        return (value, None);
    };
    let zoned = time.ends_with('Z') || time.contains(['+', '-']);
    if zoned {
        return (value, None);
    }
    (day.to_string(), Some(value))
}

/// A stable id for an input without a caller id: the same page gives the same id on replay.
pub fn stable_id(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    let digest = h.finalize();
    hex::encode(digest.get(..16).unwrap_or(&digest[..]))
}

/// Headers of an output event. `ce_id` is derived from where the input sat in Kafka, so a
/// replay of the same offsets yields the same CloudEvents id (downstream dedup key).
pub fn event_headers(event: &Event) -> Vec<(&'static str, String)> {
    let ce_id = match &event.source {
        Some(s) => format!("{}/{}/{}", s.topic, s.partition, s.offset),
        None => event.id.clone(),
    };
    let ce_source = match &event.source {
        Some(s) => format!("news-enricher/{}", s.topic),
        None => "news-enricher".to_string(),
    };
    vec![
        ("content-type", "application/json".to_string()),
        ("schema", SCHEMA.to_string()),
        ("ce_specversion", "1.0".to_string()),
        ("ce_type", CE_TYPE.to_string()),
        ("ce_source", ce_source),
        ("ce_id", ce_id),
    ]
}

/// Headers added to a dead-letter record (the input's own headers are kept before them).
pub fn dead_letter_headers(
    rejection: &Rejection,
    source: &SourceRef,
    failed_at: jiff::Timestamp,
) -> Vec<(&'static str, String)> {
    vec![
        ("dlq_reason", rejection.reason.as_str().to_string()),
        ("dlq_detail", rejection.detail.clone()),
        ("source_topic", source.topic.clone()),
        ("source_partition", source.partition.to_string()),
        ("source_offset", source.offset.to_string()),
        ("failed_at", failed_at.to_string()),
    ]
}

/// The line `enrich` writes to standard error for a rejected input.
#[derive(Debug, Serialize)]
pub struct DeadLetterLine<'a> {
    pub id: Option<&'a str>,
    pub dlq_reason: &'static str,
    pub dlq_detail: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoneless_times_split_off() {
        let s = |v: &str| split_local(v.to_string());
        assert_eq!(
            s("2018-09-11T08:00:00+08:00"),
            ("2018-09-11T08:00:00+08:00".into(), None)
        );
        assert_eq!(
            s("2018-09-11T08:00:00-05:00"),
            ("2018-09-11T08:00:00-05:00".into(), None)
        );
        assert_eq!(
            s("2018-09-11T08:00:00Z"),
            ("2018-09-11T08:00:00Z".into(), None)
        );
        assert_eq!(s("2018-09-11"), ("2018-09-11".into(), None));
        assert_eq!(
            s("2018-09-11T08:00:00"),
            ("2018-09-11".into(), Some("2018-09-11T08:00:00".into()))
        );
    }

    #[test]
    fn rejection_detail_is_one_bounded_line() {
        let r = Rejection::new(Reason::Internal, format!("a\nb{}", "é".repeat(600)));
        assert!(!r.detail.contains('\n'));
        assert!(r.detail.len() <= 512);
        assert!(r.detail.starts_with("ab"));
    }

    #[test]
    fn stable_id_is_stable_and_separates_parts() {
        assert_eq!(stable_id(&[b"a", b"bc"]), stable_id(&[b"a", b"bc"]));
        assert_ne!(stable_id(&[b"a", b"bc"]), stable_id(&[b"ab", b"c"]));
        assert_eq!(stable_id(&[b"x"]).len(), 32);
    }

    #[test]
    fn reason_codes_are_unique() {
        let mut codes: Vec<_> = Reason::ALL.iter().map(|r| r.as_str()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), Reason::ALL.len());
    }

    #[test]
    fn ce_id_follows_the_source_position() {
        let mut e = crate::pipeline::tests::empty_event();
        e.source = Some(SourceRef {
            topic: "t".into(),
            partition: 3,
            offset: 42,
        });
        let h = event_headers(&e);
        assert!(h.contains(&("ce_id", "t/3/42".to_string())));
        assert!(h.contains(&("schema", SCHEMA.to_string())));
    }
}
