//! Golden files: one case per complaint of issue 5, each `fixtures/<case>.input.json` run
//! through the stage and compared with `fixtures/<case>.expected.json`.
//! `UPDATE_GOLDEN=1 cargo test -p news-enricher-dates --test golden` rewrites the expected
//! files (review the diff before committing).

use news_enricher_dates::{run, Candidate, Input, Role};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn run_case(path: &Path) -> Value {
    let raw = std::fs::read_to_string(path).unwrap();
    let case: Value = serde_json::from_str(&raw).unwrap();
    let s = |k: &str| case.get(k).and_then(Value::as_str);
    let candidates: Vec<Candidate<'_>> = case
        .get("candidates")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|c| Candidate {
                    source: c["source"].as_str().unwrap(),
                    role: match c["role"].as_str() {
                        Some("published") => Role::Published,
                        Some("modified") => Role::Modified,
                        _ => Role::Unknown,
                    },
                    raw: c["raw"].as_str().unwrap(),
                    in_article: c["in_article"].as_bool().unwrap_or(true),
                })
                .collect()
        })
        .unwrap_or_default();
    let input = Input {
        candidates,
        url: s("url"),
        text: s("text").unwrap_or(""),
        published_hint: s("published_hint"),
        fetched_at: s("fetched_at").map(|t| t.parse().unwrap()),
        now: s("now").unwrap_or("2026-01-01T00:00:00Z").parse().unwrap(),
        language: s("language"),
        page: s("page").map(str::as_bytes),
    };
    serde_json::to_value(run(&input)).unwrap()
}

#[test]
fn golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".input.json"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    let mut failed = Vec::new();
    for case in cases {
        let got = run_case(&case);
        let expected_path = PathBuf::from(
            case.to_string_lossy()
                .replace(".input.json", ".expected.json"),
        );
        if update {
            let text = serde_json::to_string_pretty(&got).unwrap() + "\n";
            std::fs::write(&expected_path, text).unwrap();
            continue;
        }
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(&expected_path)
                .unwrap_or_else(|_| panic!("missing {}", expected_path.display())),
        )
        .unwrap();
        if got != expected {
            failed.push(format!(
                "{}:\n got {}\nwant {}",
                case.display(),
                serde_json::to_string_pretty(&got).unwrap(),
                serde_json::to_string_pretty(&expected).unwrap()
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}
