//! Golden files: each `tests/fixtures/golden/NAME.txt` is run through the shipped model and
//! compared with `NAME.expected.json` (entities: name, type, mentions). Regenerate after a
//! deliberate model change with `UPDATE_GOLDEN=1 cargo test -p news-enricher-entities --test
//! golden` and review the diff.
use std::path::Path;

use news_enricher_entities::{Input, Recognizer};

fn render(rec: &Recognizer, text: &str, title: Option<&str>) -> serde_json::Value {
    let ents = rec.run(&Input {
        text,
        title,
        description: None,
    });
    let chars: Vec<char> = text.chars().collect();
    for e in &ents {
        for m in &e.mentions {
            let s: String = chars[m.start..m.end].iter().collect();
            assert_eq!(s, m.text, "offsets must be code points into text");
        }
    }
    serde_json::Value::Array(
        ents.iter()
            .map(|e| {
                serde_json::json!({
                    "name": e.name,
                    "type": e.kind.as_str(),
                    "mentions": e.mentions.iter().map(|m| format!("{}@{}", m.text, m.start)).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

#[test]
fn golden_files() {
    let rec = Recognizer::embedded().expect("model");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for p in names {
        let text = std::fs::read_to_string(&p).expect("read");
        let got = render(&rec, &text, text.lines().next());
        let exp_path = p.with_extension("expected.json");
        if update {
            let s = serde_json::to_string_pretty(&got).expect("json");
            std::fs::write(&exp_path, s + "\n").expect("write");
            continue;
        }
        let exp: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&exp_path).expect("expected file"))
                .expect("json");
        if exp != got {
            failures.push(format!(
                "{}:\nexpected {}\ngot      {}",
                p.display(),
                exp,
                got
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
