//! The enrichment pipeline: clean -> entities -> dates, as one pure synchronous call.
//!
//! The stages live in their own crates (`crates/clean`, `crates/entities`, `crates/dates`) so
//! each can be built, tested and benchmarked alone; this module only orders them and maps one
//! stage's output onto the next one's input. The HTML is parsed once, by clean; later stages
//! get text and the few strings they need (date candidates), never the page.
//!
//! Nothing here does I/O or reads the wall clock for results: the caller passes `now` in the
//! [`Context`]. `Instant` is read only to time the stages for metrics.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use news_enricher_clean as clean;
use news_enricher_dates as dates;
use news_enricher_entities as entities;

use crate::event::{stable_id, Event, PipelineInfo, Provenance, Reason, Rejection, SourceRef};
use crate::input::{Content, RawArticle};

/// The pipeline's version, stamped into every event.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What one enrichment needs besides the article.
#[derive(Debug, Clone)]
pub struct Context {
    /// The current time (injected so results never depend on when a test runs).
    pub now: jiff::Timestamp,
    /// Where the input sat in Kafka, if it came from Kafka.
    pub source: Option<SourceRef>,
}

/// Time spent in each stage, for the per-stage histograms.
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimings {
    pub clean: Duration,
    pub entities: Duration,
    pub dates: Duration,
}

/// The names of the stages, as they appear in metric labels.
pub const STAGES: [&str; 3] = ["clean", "entities", "dates"];

/// The loaded pipeline: models are loaded once and shared read-only between threads.
#[derive(Debug)]
pub struct Pipeline {
    recognizer: entities::Recognizer,
}

/// The pipeline could not start (a corrupt shipped model).
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("entities model: {0}")]
    Entities(#[from] entities::LoadError),
}

impl Pipeline {
    /// Loads the models shipped in the binary.
    pub fn new() -> Result<Pipeline, PipelineError> {
        Ok(Pipeline {
            recognizer: entities::Recognizer::embedded()?,
        })
    }

    /// Enriches one article, catching a panic in any stage as an `internal` rejection so a bug
    /// triggered by one input costs that input (dead-lettered), never the worker.
    pub fn enrich(
        &self,
        raw: &RawArticle,
        ctx: &Context,
    ) -> Result<(Event, StageTimings), Rejection> {
        match catch_unwind(AssertUnwindSafe(|| self.enrich_unguarded(raw, ctx))) {
            Ok(result) => result,
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".to_string());
                Err(Rejection::new(
                    Reason::Internal,
                    format!("a stage panicked: {what}"),
                ))
            }
        }
    }

    fn enrich_unguarded(
        &self,
        raw: &RawArticle,
        ctx: &Context,
    ) -> Result<(Event, StageTimings), Rejection> {
        let mut timings = StageTimings::default();

        let started = Instant::now();
        let (bytes, kind, charset): (&[u8], _, _) = match &raw.content {
            Content::Html(s) => (s.as_bytes(), clean::ContentKind::Html, Some("utf-8")),
            Content::HtmlBytes(b) => (b, clean::ContentKind::Html, None),
            Content::Text(s) => (s.as_bytes(), clean::ContentKind::Text, Some("utf-8")),
            Content::Raw(b) => (b, clean::ContentKind::Sniff, raw.charset_hint.as_deref()),
        };
        let cleaned = clean::clean(&clean::Input {
            bytes,
            kind,
            charset_hint: charset,
            url: raw.url.as_deref(),
            language_hint: raw.language.as_deref(),
        })
        .map_err(|e| match e {
            clean::CleanError::Undecodable(d) => Rejection::new(Reason::Undecodable, d),
            clean::CleanError::NoContent(d) => Rejection::new(Reason::NoContent, d),
        })?;
        timings.clean = started.elapsed();

        let started = Instant::now();
        let title = cleaned.title.as_ref().map(|t| t.value.as_str());
        let description = cleaned.description.as_ref().map(|t| t.value.as_str());
        let found = self.recognizer.run(&entities::Input {
            text: &cleaned.text,
            title,
            description,
        });
        timings.entities = started.elapsed();

        let started = Instant::now();
        let language = cleaned
            .language
            .as_ref()
            .map(|l| l.value.as_str())
            .or(raw.language.as_deref());
        let dated = dates::run(&dates::Input {
            candidates: cleaned
                .date_candidates
                .iter()
                .map(|c| dates::Candidate {
                    source: c.source,
                    role: match c.role {
                        clean::DateRole::Published => dates::Role::Published,
                        clean::DateRole::Modified => dates::Role::Modified,
                        clean::DateRole::Unknown => dates::Role::Unknown,
                    },
                    raw: &c.raw,
                    in_article: c.in_article,
                })
                .collect(),
            url: raw.url.as_deref(),
            text: &cleaned.text,
            published_hint: raw.published_at.as_deref(),
            fetched_at: raw.fetched_at,
            now: ctx.now,
            language,
            page: (!matches!(raw.content, Content::Text(_))).then_some(bytes),
        });
        timings.dates = started.elapsed();

        let mut provenance = Provenance::new();
        let mut take = |field: &'static str, v: &Option<clean::Sourced<String>>| {
            v.as_ref().map(|s| {
                provenance.insert(field, s.source.to_string());
                s.value.clone()
            })
        };
        let title = take("title", &cleaned.title);
        let description = take("description", &cleaned.description);
        let canonical_url = take("canonical_url", &cleaned.canonical_url);
        let site_name = take("site", &cleaned.site_name);
        let language = take("language", &cleaned.language);
        let top_image = take("top_image", &cleaned.top_image);
        let section = take("section", &cleaned.section);
        if let Some(src) = cleaned.authors_source {
            provenance.insert("authors", src.to_string());
        }
        if let Some(p) = &dated.published {
            provenance.insert("published_at", p.source.clone());
        }
        if let Some(m) = &dated.modified {
            provenance.insert("modified_at", m.source.clone());
        }

        let id = match &raw.id {
            Some(id) => id.clone(),
            None => {
                let key = canonical_url.as_deref().or(raw.url.as_deref());
                match key {
                    Some(k) => stable_id(&[k.as_bytes()]),
                    None => stable_id(&[bytes]),
                }
            }
        };
        let site = site_name.or_else(|| {
            canonical_url
                .as_deref()
                .or(raw.url.as_deref())
                .and_then(host_of)
        });

        let split = |d: Option<dates::PageDate>| match d.map(|d| crate::event::split_local(d.value))
        {
            Some((v, local)) => (Some(v), local),
            None => (None, None),
        };
        let (published_at, published_local) = split(dated.published);
        let (modified_at, modified_local) = split(dated.modified);
        let event = Event {
            schema: crate::event::SCHEMA,
            id,
            url: raw.url.clone(),
            canonical_url,
            site,
            title,
            description,
            authors: cleaned.authors,
            agencies: cleaned.agencies,
            language,
            text: cleaned.text,
            published_at,
            published_local,
            modified_at,
            modified_local,
            entities: found,
            temporal_expressions: dated.timexes,
            top_image,
            section,
            tags: cleaned.tags,
            captions: cleaned.captions,
            provenance,
            source: ctx.source.clone(),
            pipeline: PipelineInfo { version: VERSION },
        };
        Ok((event, timings))
    }
}

/// The host of a URL (`https://www.scmp.com/news/…` -> `www.scmp.com`), without a URL parser:
/// only the authority is needed and a malformed URL simply has no host.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = host.split(':').next()?.to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn empty_event() -> Event {
        Event {
            schema: crate::event::SCHEMA,
            id: "x".into(),
            url: None,
            canonical_url: None,
            site: None,
            title: None,
            description: None,
            authors: vec![],
            agencies: vec![],
            language: None,
            text: String::new(),
            published_at: None,
            published_local: None,
            modified_at: None,
            modified_local: None,
            entities: vec![],
            temporal_expressions: vec![],
            top_image: None,
            section: None,
            tags: vec![],
            captions: vec![],
            provenance: Provenance::new(),
            source: None,
            pipeline: PipelineInfo { version: VERSION },
        }
    }

    fn ctx() -> Context {
        Context {
            now: "2024-01-01T00:00:00Z".parse().unwrap(),
            source: None,
        }
    }

    fn article(content: Content) -> RawArticle {
        RawArticle {
            id: None,
            url: Some("https://News.Example.com:443/a/b?c".into()),
            content,
            charset_hint: None,
            fetched_at: None,
            published_at: None,
            language: None,
            source: None,
        }
    }

    #[test]
    fn host_of_urls() {
        assert_eq!(
            host_of("https://u:p@Ex.com:8080/x").as_deref(),
            Some("ex.com")
        );
        assert_eq!(host_of("not a url"), None);
        assert_eq!(host_of("https:///path"), None);
    }

    #[test]
    fn text_article_is_enriched_with_a_stable_id() {
        let p = Pipeline::new().unwrap();
        let a = article(Content::Text(
            "A first paragraph of some length.\n\nAnother one.".into(),
        ));
        let (e1, _) = p.enrich(&a, &ctx()).unwrap();
        let (e2, _) = p.enrich(&a, &ctx()).unwrap();
        assert_eq!(e1.id, e2.id);
        assert_eq!(e1.site.as_deref(), Some("news.example.com"));
        assert!(e1.text.contains("Another one."));
    }

    #[test]
    fn empty_text_is_no_content() {
        let p = Pipeline::new().unwrap();
        let err = p
            .enrich(&article(Content::Text("\n\n".into())), &ctx())
            .unwrap_err();
        assert_eq!(err.reason, Reason::NoContent);
    }
}
