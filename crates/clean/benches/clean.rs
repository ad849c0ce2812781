//! Throughput of the clean stage alone, on one core.
//!
//! - `synthetic`: a generated news page (~170 KB, the dev corpus's mean size) with header,
//!   navigation, ads, a related block, captions and comments around a 20-paragraph story.
//! - `extraction_dev`: every page of `shared/corpora/extraction-dev` (read from `../shared`
//!   next to the repository; skipped with a note where it is absent), one iteration = all pages,
//!   reported as pages per second.
//!
//! `cargo bench -p news-enricher-clean --bench clean`

use std::io::Read;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use news_enricher_clean::{clean, ContentKind, Input};

fn synthetic_page() -> String {
    let mut p = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Council approves new tram line | Example Times</title>\
         <meta property=\"og:title\" content=\"Council approves new tram line\"><meta property=\"article:published_time\" content=\"2024-05-01T09:00:00Z\">\
         <script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\",\"headline\":\"Council approves new tram line\",\"author\":{\"@type\":\"Person\",\"name\":\"Ada Example\"},\"datePublished\":\"2024-05-01T09:00:00Z\"}</script>",
    );
    for i in 0..40 {
        p.push_str(&format!("<link rel=\"preload\" href=\"/static/{i}.js\"><style>.c{i}{{color:red;margin:{i}px}}</style>"));
    }
    p.push_str("</head><body><header class=\"site-header\"><nav><ul>");
    for i in 0..120 {
        p.push_str(&format!(
            "<li class=\"menu-item\"><a href=\"/section/{i}\">Section {i}</a></li>"
        ));
    }
    p.push_str("</ul></nav></header><main><article><h1>Council approves new tram line</h1><div class=\"byline\">By Ada Example <time datetime=\"2024-05-01T09:00:00Z\">1 May 2024</time></div><div class=\"article-body\">");
    for i in 0..20 {
        if i % 5 == 4 {
            p.push_str("<div class=\"ad-slot\"><span>Advertisement</span><iframe src=\"/ad\"></iframe></div>");
            p.push_str("<figure><img src=\"/p.jpg\"><figcaption>The proposed route crosses the river at the old bridge. Photo: Example</figcaption></figure>");
        }
        p.push_str(&format!(
            "<p>Paragraph {i} of the story: the council voted on Tuesday to approve the new tram line, which will link the station, the hospital and the university, at a cost of several hundred million, with work to start next spring and services <a href=\"/x\">expected</a> within four years.</p>"
        ));
    }
    p.push_str("</div><div class=\"related-articles\"><h3>Related</h3><ul>");
    for i in 0..30 {
        p.push_str(&format!(
            "<li><a href=\"/story/{i}\">Another story number {i} about transport</a></li>"
        ));
    }
    p.push_str("</ul></div></article><section class=\"comments\">");
    for i in 0..60 {
        p.push_str(&format!("<div class=\"comment\"><span class=\"comment-author\">Reader {i}</span><p>I think this is a good idea, although the route could be better planned near the market.</p></div>"));
    }
    p.push_str("</section></main><footer>");
    while p.len() < 170_000 {
        p.push_str("<div class=\"footer-links\"><a href=\"/about\">About</a> <a href=\"/contact\">Contact</a> <a href=\"/privacy\">Privacy</a></div><script>var x = 1; function f(a){return a*2;}</script>");
    }
    p.push_str("</footer></body></html>");
    p
}

fn dev_pages() -> Option<Vec<(String, String)>> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/extraction-dev");
    let gold = std::fs::read_to_string(dir.join("gold.jsonl")).ok()?;
    let mut out = Vec::new();
    for line in gold.lines().filter(|l| !l.trim().is_empty()) {
        let g: serde_json::Value = serde_json::from_str(line).ok()?;
        let id = g["id"].as_str()?.to_string();
        let url = g["url"].as_str().unwrap_or_default().to_string();
        let f = std::fs::File::open(dir.join(format!("html/{id}.html.gz"))).ok()?;
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(f).read_to_end(&mut raw).ok()?;
        out.push((String::from_utf8_lossy(&raw).into_owned(), url));
    }
    Some(out)
}

fn bench(c: &mut Criterion) {
    let page = synthetic_page();
    let mut g = c.benchmark_group("clean");
    g.throughput(Throughput::Bytes(page.len() as u64));
    g.bench_function("synthetic", |b| {
        b.iter(|| {
            let input = Input {
                bytes: page.as_bytes(),
                kind: ContentKind::Html,
                charset_hint: Some("utf-8"),
                url: Some("https://example.org/news/tram"),
                language_hint: None,
            };
            clean(&input).map(|c| c.text.len()).unwrap_or(0)
        })
    });
    g.finish();

    match dev_pages() {
        None => eprintln!("note: shared/corpora/extraction-dev not found; corpus bench skipped"),
        Some(pages) => {
            let mut g = c.benchmark_group("clean");
            g.sample_size(10);
            g.throughput(Throughput::Elements(pages.len() as u64));
            g.bench_function("extraction_dev", |b| {
                b.iter(|| {
                    let mut n = 0usize;
                    for (html, url) in &pages {
                        let input = Input {
                            bytes: html.as_bytes(),
                            kind: ContentKind::Html,
                            charset_hint: Some("utf-8"),
                            url: Some(url),
                            language_hint: None,
                        };
                        n += clean(&input).map(|c| c.text.len()).unwrap_or(0);
                    }
                    n
                })
            });
            g.finish();
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
