//! Runs the clean stage over the extraction-dev corpus and writes predictions for
//! `shared/eval/score_extraction.py`.
//!
//! ```sh
//! cargo run --release -p news-enricher-clean --example eval_extraction -- \
//!     ../shared/corpora/extraction-dev > pred.jsonl
//! ```
//! Each line: `{"id","text","title","authors","agencies","dates"}`. The page is passed the way
//! the worker gets it from `shared/eval/events.py` (UTF-8 text, lossy), so the figures match the
//! binary's. Timing of `clean` alone goes to stderr.

use std::io::{BufRead, Read, Write};
use std::time::{Duration, Instant};

use news_enricher_clean::{clean, ContentKind, Input};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/corpora/extraction-dev".to_string());
    let gold = std::fs::File::open(format!("{dir}/gold.jsonl"))?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut total = Duration::ZERO;
    let mut pages = 0usize;
    let mut bytes_total = 0usize;
    let mut errors = 0usize;
    let mut cpu_ns = 0u64;
    let parse_only = std::env::var_os("PARSE_ONLY").is_some();
    for line in std::io::BufReader::new(gold).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let g: serde_json::Value = serde_json::from_str(&line)?;
        let id = g["id"].as_str().unwrap_or_default().to_string();
        let url = g["url"].as_str().map(str::to_string);
        let path = format!("{dir}/html/{id}.html.gz");
        let mut raw = Vec::new();
        match std::fs::File::open(&path) {
            Ok(f) => {
                flate2::read::GzDecoder::new(f).read_to_end(&mut raw)?;
            }
            Err(_) => {
                raw = std::fs::read(format!("{dir}/html/{id}.html"))?;
            }
        }
        let html = String::from_utf8_lossy(&raw).into_owned();
        bytes_total += html.len();
        let input = Input {
            bytes: html.as_bytes(),
            kind: ContentKind::Html,
            charset_hint: Some("utf-8"),
            url: url.as_deref(),
            language_hint: None,
        };
        if parse_only {
            // Baseline: html5ever building scraper's tree, nothing else.
            let c0 = thread_cpu_ns();
            let t0 = Instant::now();
            let doc = scraper::Html::parse_document(&html);
            total += t0.elapsed();
            cpu_ns += thread_cpu_ns().saturating_sub(c0);
            drop(doc);
            pages += 1;
            continue;
        }
        let t0 = Instant::now();
        let c0 = thread_cpu_ns();
        let res = clean(&input);
        cpu_ns += thread_cpu_ns().saturating_sub(c0);
        total += t0.elapsed();
        pages += 1;
        let rec = match res {
            Ok(c) => serde_json::json!({
                "id": id,
                "text": c.text,
                "title": c.title.as_ref().map(|t| t.value.clone()),
                "title_source": c.title.as_ref().map(|t| t.source),
                "authors": c.authors,
                "authors_source": c.authors_source,
                "agencies": c.agencies,
                "language": c.language.as_ref().map(|l| l.value.clone()),
                "dates": c.date_candidates,
                "captions": c.captions,
            }),
            Err(e) => {
                errors += 1;
                serde_json::json!({"id": id, "text": "", "error": e.to_string()})
            }
        };
        writeln!(out, "{rec}")?;
    }
    let secs = total.as_secs_f64();
    let cpu = cpu_ns as f64 / 1e9;
    eprintln!(
        "pages={pages} errors={errors} wall_seconds={secs:.3} wall_pages_per_s={:.1} cpu_seconds={cpu:.3} cpu_pages_per_s={:.1} cpu_MB_per_s={:.1}",
        pages as f64 / secs.max(1e-9),
        pages as f64 / cpu.max(1e-9),
        bytes_total as f64 / 1e6 / cpu.max(1e-9)
    );
    Ok(())
}

/// CPU time of this thread in nanoseconds (Linux schedstat), so that figures taken on a busy
/// shared machine count only our own time on the core; 0 elsewhere.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}
