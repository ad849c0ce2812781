//! Prints the body candidates and the cleaned output of one page (`.html` or `.html.gz`).
//!
//! `cargo run -p news-enricher-clean --example debug_page -- page.html.gz [url]`

use std::io::Read;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: debug_page FILE [URL]")?;
    let url = std::env::args().nth(2);
    let mut raw = Vec::new();
    if path.ends_with(".gz") {
        flate2::read::GzDecoder::new(std::fs::File::open(&path)?).read_to_end(&mut raw)?;
    } else {
        raw = std::fs::read(&path)?;
    }
    let html = String::from_utf8_lossy(&raw).into_owned();
    println!("{}", news_enricher_clean::debug_candidates(&html));
    let input = news_enricher_clean::Input {
        bytes: html.as_bytes(),
        kind: news_enricher_clean::ContentKind::Html,
        charset_hint: Some("utf-8"),
        url: url.as_deref(),
        language_hint: None,
    };
    match news_enricher_clean::clean(&input) {
        Ok(c) => println!("{}", serde_json::to_string_pretty(&c)?),
        Err(e) => println!("error: {e}"),
    }
    Ok(())
}
