//! Prints the token spans (after the rules, before canonicalisation) of a text file.
//!
//! `cargo run --release -p news-enricher-entities --example spans -- FILE`
use news_enricher_entities::Recognizer;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: spans FILE")?;
    let text = std::fs::read_to_string(path)?;
    let rec = Recognizer::embedded()?;
    let (toks, spans) = rec.spans(&text);
    for s in spans {
        let words: Vec<&str> = (s.start_tok..s.end_tok)
            .filter_map(|i| toks.get(i).map(|t| t.text(&text)))
            .collect();
        println!("{:?}\t{}\t{}", s.kind, s.start_tok, words.join(" "));
    }
    Ok(())
}
