//! Dev loop for the publication date: runs the clean stage then the dates stage on the
//! envelopes `shared/eval/events.py inputs pubdate` builds, as `news-enricher enrich` does,
//! and prints `{"id","date"}` lines for shared/eval/score_pubdate.py. Needs the clean stage:
//!
//! ```sh
//! python3 ../shared/eval/events.py inputs pubdate ../shared/corpora/pubdate-dev > in.jsonl
//! cargo run --release -p news-enricher-dates --features clean-example --example pubdate_dev \
//!     < in.jsonl > pred.jsonl
//! python3 ../shared/eval/score_pubdate.py ../shared/corpora/pubdate-dev/gold.jsonl pred.jsonl
//! ```
//! `DEBUG=1` adds the candidates and the chosen source to each line.
use news_enricher_clean::{clean, ContentKind, DateRole, Input as CleanInput};
use news_enricher_dates::{run, Candidate, Input, Role};
use std::io::{BufRead, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let now: jiff::Timestamp = "2026-11-27T00:00:00Z".parse()?;
    let debug = std::env::var_os("DEBUG").is_some();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let (mut pages, mut search) = (0u32, std::time::Duration::ZERO);
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let env: serde_json::Value = serde_json::from_str(&line)?;
        let id = env["id"].as_str().unwrap_or_default();
        let url = env["url"].as_str();
        let html = env["html"].as_str().unwrap_or_default();
        let cleaned = clean(&CleanInput {
            bytes: html.as_bytes(),
            kind: ContentKind::Html,
            charset_hint: Some("utf-8"),
            url,
            language_hint: None,
        });
        let Ok(cleaned) = cleaned else { continue };
        let candidates: Vec<Candidate<'_>> = cleaned
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
        let language = cleaned.language.as_ref().map(|l| l.value.as_str());
        let input = Input {
            candidates,
            url,
            text: &cleaned.text,
            published_hint: None,
            fetched_at: None,
            now,
            language,
            page: Some(html.as_bytes()),
        };
        // the publication-date search alone: the same input without text to tag
        let t0 = std::time::Instant::now();
        let _ = run(&Input {
            text: "",
            ..input.clone()
        });
        search += t0.elapsed();
        let dates = run(&input);
        pages += 1;
        let mut o = serde_json::json!({"id": id, "date": dates.published.as_ref().map(|p| p.value.clone())});
        if debug {
            o["source"] = serde_json::json!(dates.published.as_ref().map(|p| p.source.clone()));
            o["candidates"] = serde_json::json!(cleaned
                .date_candidates
                .iter()
                .map(|c| format!("{}|{:?}|{}|{}", c.source, c.role, c.in_article, c.raw))
                .collect::<Vec<_>>());
            o["url"] = serde_json::json!(url);
        }
        if dates.published.is_some() || debug {
            writeln!(out, "{o}")?;
        }
    }
    eprintln!(
        "{pages} pages, publication-date search {:.1} µs per page",
        search.as_secs_f64() * 1e6 / f64::from(pages.max(1))
    );
    Ok(())
}
