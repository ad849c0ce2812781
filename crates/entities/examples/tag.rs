//! Tags a text file (or stdin) and prints the entities as JSON lines.
//!
//! `cargo run --release -p news-enricher-entities --example tag -- FILE [TITLE]`
use std::io::Read;

use news_enricher_entities::{Input, Recognizer};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut text = String::new();
    match args.first() {
        Some(p) => text = std::fs::read_to_string(p)?,
        None => {
            std::io::stdin().read_to_string(&mut text)?;
        }
    }
    let t0 = std::time::Instant::now();
    let rec = Recognizer::embedded()?;
    eprintln!("model loaded in {:.3}s", t0.elapsed().as_secs_f64());
    let ents = rec.run(&Input {
        text: &text,
        title: args.get(1).map(String::as_str),
        description: None,
    });
    for e in ents {
        let forms: Vec<String> = e
            .mentions
            .iter()
            .map(|m| format!("{}@{}", m.text, m.start))
            .collect();
        println!(
            "{:<5} {:<28} n={} sal={:.2}  {}",
            e.kind.as_str(),
            e.name,
            e.count,
            e.salience,
            forms.join(" | ")
        );
    }
    Ok(())
}
