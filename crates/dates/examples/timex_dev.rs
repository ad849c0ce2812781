//! Dev loop for the temporal tagger: runs the dates stage on a `*.docs.jsonl` of
//! shared/corpora/timeml-dev (`{"doc","dct","text"}`), with each document's date as the
//! `published_at` hint, as `news-enricher enrich` does for `events.py inputs timex`, and
//! prints the predictions in the format of shared/eval/score_timex.py.
//!
//! ```sh
//! cargo run --release -p news-enricher-dates --example timex_dev -- \
//!     ../shared/corpora/timeml-dev/timebank.docs.jsonl > pred.jsonl
//! python3 ../shared/eval/score_timex.py ../shared/corpora/timeml-dev/TimeBank pred.jsonl
//! ```
use news_enricher_dates::{run, Input};
use std::io::{BufRead, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: timex_dev DOCS.jsonl")?;
    let now: jiff::Timestamp = "2026-01-01T00:00:00Z".parse()?;
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut words = 0usize;
    let mut elapsed = std::time::Duration::ZERO;
    for line in file.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let doc: serde_json::Value = serde_json::from_str(&line)?;
        let id = doc["doc"].as_str().unwrap_or_default();
        let text = doc["text"].as_str().unwrap_or_default();
        let dct = doc["dct"].as_str();
        words += text.split_whitespace().count();
        let input = Input {
            candidates: Vec::new(),
            url: None,
            text,
            published_hint: dct,
            fetched_at: None,
            now,
            language: Some("en"),
            page: None,
        };
        let t0 = std::time::Instant::now();
        let dates = run(&input);
        elapsed += t0.elapsed();
        for t in dates.timexes {
            let o = serde_json::json!({"doc": id, "start": t.start, "end": t.end,
                "value": t.value, "type": t.kind, "text": t.text});
            writeln!(out, "{o}")?;
        }
    }
    eprintln!(
        "{words} words in {:.3} s: {:.0} words/s",
        elapsed.as_secs_f64(),
        words as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    Ok(())
}
