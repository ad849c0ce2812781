//! The seed article (shared/seeds, outside the repository) as an acceptance case for dates:
//! skipped, with a note, where shared/ is absent (a user's clone).

use news_enricher_dates::{run, Input};
use std::path::PathBuf;

fn seed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds/000_276d17842f3b02fa.txt")
}

#[test]
fn seed_article_dates() {
    let path = seed_path();
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!(
            "note: {} not found; seed acceptance test skipped",
            path.display()
        );
        return;
    };
    let input = Input {
        candidates: Vec::new(),
        url: None,
        text: &text,
        published_hint: Some("2018-09-11"),
        fetched_at: None,
        now: "2018-09-12T00:00:00Z".parse().unwrap(),
        language: Some("en"),
        page: None,
    };
    let dates = run(&input);
    let published = dates.published.expect("the hint is the publication date");
    assert_eq!(published.value, "2018-09-11");
    assert_eq!(published.source, "hint");

    let chars: Vec<char> = text.chars().collect();
    let at = |needle: &str| -> Vec<(usize, usize)> {
        let n: Vec<char> = needle.chars().collect();
        (0..chars.len().saturating_sub(n.len()))
            .filter(|&i| chars[i..i + n.len()] == n[..])
            .map(|i| (i, i + n.len()))
            .collect()
    };
    for t in &dates.timexes {
        let span: String = chars[t.start..t.end].iter().collect();
        assert_eq!(span, t.text, "offsets are code points into the text");
    }
    let value_within = |phrase: &str, value: &str| {
        let spans = at(phrase);
        assert!(!spans.is_empty(), "{phrase:?} is in the seed");
        assert!(
            spans.iter().any(|&(s, e)| dates
                .timexes
                .iter()
                .any(|t| t.start >= s && t.end <= e && t.value == value)),
            "{phrase:?} -> {value}: {:?}",
            dates.timexes
        );
    };
    value_within("on Tuesday", "2018-09-11");
    value_within("this year", "2018");
    value_within("Last month", "2018-08");
    value_within("in March", "2018-03");
    let none_within = |phrase: &str| {
        for (s, e) in at(phrase) {
            assert!(
                !dates.timexes.iter().any(|t| t.start < e && t.end > s),
                "{phrase:?} is not a date: {:?}",
                dates.timexes
            );
        }
    };
    none_within("Vostok 2018");
    none_within("2 minutes");
    none_within("Soviet era");
    none_within("We have");
    none_within("We know");
}
