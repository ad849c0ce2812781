//! Throughput of the entities stage (tokenise + tag + canonicalise) on one core.
//!
//! `CARGO_TARGET_DIR=/work/target-entities cargo bench -p news-enricher-entities`
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use news_enricher_entities::{Input, Recognizer};

fn bench(c: &mut Criterion) {
    let rec = Recognizer::embedded().expect("embedded model");
    let article = include_str!("../tests/fixtures/bench_article.txt");
    // A longer document: the article repeated, as one text.
    let long: String = std::iter::repeat_n(article, 20)
        .collect::<Vec<_>>()
        .join("\n\n");
    let tokens = rec.spans(&long).0.len() as u64;
    let mut g = c.benchmark_group("entities");
    g.throughput(Throughput::Elements(tokens));
    g.bench_function("run (tokens/s)", |b| {
        b.iter(|| {
            rec.run(&Input {
                text: &long,
                title: Some("Leaders meet in Vladivostok"),
                description: None,
            })
        })
    });
    g.bench_function("tokenize only", |b| {
        let mut t = Vec::new();
        let mut s = Vec::new();
        b.iter(|| news_enricher_entities::tokenize::tokenize(&long, &mut t, &mut s))
    });
    g.finish();
    c.bench_function("load embedded model", |b| {
        b.iter(|| Recognizer::embedded().expect("model"))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
