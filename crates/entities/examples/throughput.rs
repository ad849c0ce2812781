//! CPU time of the entities stage over many texts, for speed comparisons on a busy machine
//! (CPU time is less disturbed by other processes than wall time).
//!
//! `cargo run --release -p news-enricher-entities --example throughput -- TEXTS [ROUNDS]`
//! where TEXTS holds the texts separated by form feeds (U+000C). Prints the CPU seconds of
//! the tagging rounds (model loading excluded) and tokens per CPU second.

fn cpu_seconds() -> f64 {
    // utime + stime of this process, in clock ticks (fields 14 and 15 of /proc/self/stat).
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| {
        f.get(i)
            .and_then(|x| x.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    (tick(11) + tick(12)) / 100.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: throughput TEXTS [ROUNDS]")?;
    let rounds: usize = args.next().map_or(Ok(3), |r| r.parse())?;
    let all = std::fs::read_to_string(path)?;
    let texts: Vec<&str> = all.split('\u{c}').filter(|t| !t.is_empty()).collect();
    let rec = news_enricher_entities::Recognizer::embedded()?;
    let tokens: usize = texts.iter().map(|t| rec.spans(t).0.len()).sum();
    let t0 = cpu_seconds();
    let mut mentions = 0;
    for _ in 0..rounds {
        for t in &texts {
            let ents = rec.run(&news_enricher_entities::Input {
                text: t,
                title: None,
                description: None,
            });
            mentions += ents.iter().map(|e| e.count).sum::<usize>();
        }
    }
    let cpu = cpu_seconds() - t0;
    println!(
        "texts={} tokens={} rounds={rounds} mentions={mentions} cpu_s={cpu:.2} tokens_per_cpu_s={:.0}",
        texts.len(),
        tokens,
        (tokens * rounds) as f64 / cpu
    );
    Ok(())
}
