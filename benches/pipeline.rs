//! Whole-pipeline throughput on one core: `cargo bench --bench pipeline`.
//!
//! Uses the extraction-dev pages from ../shared/corpora when present (the figures quoted in
//! the README come from them), else a synthetic article page, so the bench runs on any clone.

use std::io::Read;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use news_enricher::input::{Content, RawArticle};
use news_enricher::pipeline::{Context, Pipeline};

fn corpus_pages(limit: usize) -> Vec<String> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/extraction-dev/html");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    paths
        .into_iter()
        .take(limit)
        .filter_map(|p| {
            let f = std::fs::File::open(&p).ok()?;
            let mut s = String::new();
            flate2::read::GzDecoder::new(f)
                .read_to_string(&mut s)
                .ok()?;
            Some(s)
        })
        .collect()
}

fn synthetic_page() -> String {
    let para = "Officials in Brussels said on Tuesday that the agreement, reached after months \
                of talks between the European Commission and ministers from Germany and France, \
                would take effect next year. ";
    let mut body = String::new();
    for i in 0..12 {
        body.push_str(&format!("<p>{}{}</p>\n", para.repeat(2), i));
        if i % 4 == 3 {
            body.push_str("<div class=\"ad\">Advertisement</div>\n");
        }
    }
    format!(
        "<!doctype html><html lang=\"en\"><head><title>Talks end in deal | Example News</title>\
         <meta property=\"article:published_time\" content=\"2024-03-05T10:00:00+01:00\"></head>\
         <body><nav><a href=\"/\">Home</a><a href=\"/world\">World</a></nav><article><h1>Talks end \
         in deal</h1>{body}</article><aside><h2>Most read</h2><ul><li><a href=\"/x\">Other \
         story</a></li></ul></aside></body></html>"
    )
}

fn bench(c: &mut Criterion) {
    let pipeline = Pipeline::new().expect("model loads");
    let ctx = Context {
        now: "2026-01-01T00:00:00Z".parse().expect("timestamp"),
        source: None,
    };
    let mut pages = corpus_pages(200);
    let label = if pages.is_empty() {
        pages.push(synthetic_page());
        "synthetic"
    } else {
        "extraction-dev"
    };
    let articles: Vec<RawArticle> = pages
        .into_iter()
        .map(|html| RawArticle {
            id: None,
            url: Some("https://news.example.com/2024/03/05/story".into()),
            content: Content::Html(html),
            charset_hint: None,
            fetched_at: None,
            published_at: None,
            language: None,
            source: None,
        })
        .collect();
    let bytes: usize = articles
        .iter()
        .map(|a| match &a.content {
            Content::Html(s) => s.len(),
            _ => 0,
        })
        .sum();
    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Elements(articles.len() as u64));
    group.sample_size(10);
    group.bench_function(
        format!("enrich/{label}/{}pages/{}KiB", articles.len(), bytes / 1024),
        |b| {
            b.iter(|| {
                for a in &articles {
                    let _ = std::hint::black_box(pipeline.enrich(a, &ctx));
                }
            })
        },
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
