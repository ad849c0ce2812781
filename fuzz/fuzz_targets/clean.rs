//! Fuzzes the whole clean stage: any bytes, any kind, with and without a charset hint.
//! The stage must return (content or an error), never panic, hang or exhaust memory.
//!
//! ```sh
//! cargo +nightly fuzz run clean fuzz/corpus/clean -- -max_total_time=600 -rss_limit_mb=2048
//! ```
//! Seed the corpus from the golden fixtures first: `fuzz/seed_corpus.sh`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use news_enricher_clean::{clean, ContentKind, Input};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the kind and the hint, so one corpus covers every path.
    let (sel, bytes) = match data.split_first() {
        Some((s, rest)) => (*s, rest),
        None => (0, data),
    };
    let kind = match sel % 3 {
        0 => ContentKind::Html,
        1 => ContentKind::Text,
        _ => ContentKind::Sniff,
    };
    let hint = match (sel / 3) % 4 {
        0 => None,
        1 => Some("utf-8"),
        2 => Some("text/html; charset=windows-1252"),
        _ => Some("shift_jis"),
    };
    let input = Input {
        bytes,
        kind,
        charset_hint: hint,
        url: Some("https://example.org/news/story"),
        language_hint: None,
    };
    let _ = clean(&input);
});
