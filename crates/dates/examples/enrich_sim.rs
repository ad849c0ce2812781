//! The dates part of `news-enricher enrich`, simulated while the binary is not built: reads
//! the envelopes of `shared/eval/events.py inputs timex|pubdate` on stdin, runs the clean
//! stage then this one as the pipeline does, and writes minimal events (`id`, `text`,
//! `published_at`, `modified_at`, `temporal_expressions`) that `events.py preds` accepts.
//!
//! ```sh
//! python3 ../shared/eval/events.py inputs timex ../shared/corpora/timeml-dev/timebank.docs.jsonl > in.jsonl
//! cargo run --release -p news-enricher-dates --features clean-example --example enrich_sim < in.jsonl > ev.jsonl
//! python3 ../shared/eval/events.py preds timex in.jsonl ev.jsonl > pred.jsonl
//! ```
use news_enricher_clean::{clean, ContentKind, DateRole, Input as CleanInput};
use news_enricher_dates::{run, Candidate, Input, Role};
use std::io::{BufRead, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let now: jiff::Timestamp = "2026-11-27T00:00:00Z".parse()?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let env: serde_json::Value = serde_json::from_str(&line)?;
        let id = env["id"].as_str().unwrap_or_default();
        let url = env["url"].as_str();
        let (bytes, kind) = match (env["html"].as_str(), env["text"].as_str()) {
            (Some(h), _) => (h.as_bytes(), ContentKind::Html),
            (None, Some(t)) => (t.as_bytes(), ContentKind::Text),
            _ => continue,
        };
        let Ok(cleaned) = clean(&CleanInput {
            bytes,
            kind,
            charset_hint: Some("utf-8"),
            url,
            language_hint: env["language"].as_str(),
        }) else {
            continue;
        };
        let candidates = cleaned
            .date_candidates
            .iter()
            .map(|c| Candidate {
                source: c.source,
                role: match c.role {
                    DateRole::Published => Role::Published,
                    DateRole::Modified => Role::Modified,
                    DateRole::Unknown => Role::Unknown,
                },
                raw: &c.raw,
                in_article: c.in_article,
            })
            .collect();
        let dates = run(&Input {
            candidates,
            url,
            text: &cleaned.text,
            published_hint: env["published_at"].as_str(),
            fetched_at: None,
            now,
            language: cleaned.language.as_ref().map(|l| l.value.as_str()),
            page: (kind == ContentKind::Html).then_some(bytes),
        });
        let event = serde_json::json!({
            "id": id,
            "text": cleaned.text,
            "published_at": dates.published.map(|p| p.value),
            "modified_at": dates.modified.map(|p| p.value),
            "temporal_expressions": dates.timexes,
        });
        writeln!(out, "{event}")?;
    }
    Ok(())
}
