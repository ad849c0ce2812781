//! Benchmarks of the dates stage: the temporal tagger in words per second (target: at least
//! 1,000,000 words/s per core) and the publication-date search per page (target: at most
//! 1 ms on average).
//!
//! `CARGO_TARGET_DIR=/work/target-dates cargo bench -p news-enricher-dates`

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use news_enricher_dates::{run, timex, Candidate, Input, Role};

/// News-like English prose with the usual density of temporal expressions.
const PARAGRAPH: &str = "The two leaders met for the third time this year on Tuesday, \
on the sidelines of an economic forum that opened last week. Officials said on Monday that \
talks would continue next month, after a round in March and another in early 2019. Shares \
fell 3 percent in the third quarter, compared with a year earlier, and the company expects \
sales to recover within two years. The ministry publishes figures every Monday at 10:30 a.m. \
EDT; the latest, released Sept. 30, 2018, showed the deficit narrowing for the first nine \
months. Critics have warned for decades that the plan, first drafted in the 1990s, would \
cost $27 billion. \"We have no time to lose,\" she said yesterday, adding that a decision may \
come as soon as Friday morning or, at the latest, by the end of the year.\n\n";

fn text(paragraphs: usize) -> String {
    PARAGRAPH.repeat(paragraphs)
}

fn bench_tagger(c: &mut Criterion) {
    let text = text(50);
    let words = text.split_whitespace().count() as u64;
    let reference = jiff::civil::date(2018, 9, 11);
    let mut g = c.benchmark_group("timex");
    g.throughput(Throughput::Elements(words));
    g.bench_function("tag_news_text_words", |b| {
        b.iter(|| timex::tag(black_box(&text), reference, Some("en")))
    });
    g.finish();
}

fn bench_pubdate(c: &mut Criterion) {
    let now: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap_or_default();
    let raws = [
        (
            "json-ld",
            Role::Published,
            "2018-09-11T08:00:00+08:00",
            true,
        ),
        ("json-ld", Role::Modified, "2018-09-11T10:30:00+08:00", true),
        (
            "meta:article:published_time",
            Role::Published,
            "2018-09-11T00:00:00Z",
            true,
        ),
        (
            "meta:date",
            Role::Unknown,
            "Tue, 11 Sep 2018 08:00:00 GMT",
            true,
        ),
        ("time", Role::Published, "September 11, 2018 8:00 AM", true),
        (
            "byline",
            Role::Unknown,
            "Published 11:32 AM EDT, Tue September 11, 2018",
            true,
        ),
        (
            "byline",
            Role::Unknown,
            "12. September 2018 um 09:15 Uhr",
            false,
        ),
        ("time", Role::Unknown, "13/09/2018", false),
    ];
    let candidates: Vec<Candidate<'_>> = raws
        .iter()
        .map(|(source, role, raw, in_article)| Candidate {
            source,
            role: *role,
            raw,
            in_article: *in_article,
        })
        .collect();
    let input = Input {
        candidates,
        url: Some("https://news.example.com/2018/09/11/xi-putin-summit"),
        text: "",
        published_hint: Some("2018-09-11"),
        fetched_at: None,
        now,
        language: Some("en"),
        page: None,
    };
    c.bench_function("pubdate_search_per_page", |b| {
        b.iter(|| run(black_box(&input)))
    });
    // The worst case of the raw-page fallback: nothing from the candidates or the URL, a
    // 200 KB page whose only date is written at its end, so every scan reads all of it.
    let mut page =
        String::from("<html><head><script>var a = {\"x\": 12345};</script></head><body>");
    while page.len() < 200_000 {
        page.push_str("<div class=\"c\" data-id=\"42\"><a href=\"/p/123\">Lorem 2.5 ipsum</a> content=\"x\" 42 dolor</div>\n");
    }
    page.push_str("<p>Veröffentlicht am 11. September 2018</p></body></html>");
    let scan_input = Input {
        candidates: Vec::new(),
        url: Some("https://news.example.com/xi-putin-summit"),
        published_hint: None,
        page: Some(page.as_bytes()),
        ..input.clone()
    };
    assert!(run(&scan_input).published.is_some());
    c.bench_function("pubdate_page_scan_200kb_worst_case", |b| {
        b.iter(|| run(black_box(&scan_input)))
    });
}

criterion_group!(benches, bench_tagger, bench_pubdate);
criterion_main!(benches);
