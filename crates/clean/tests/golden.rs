//! Golden tests: every page under `tests/fixtures/` (and `fixtures/encodings/`) is cleaned and
//! checked against the `<name>.expected.json` beside it. Each fixture reproduces one complaint
//! newsrooms have about extractors (related blocks, bodies split by ads, cookie and newsletter
//! prompts, captions in the body, wrong authors, mojibake, reading-time lines, plain-text
//! copies); the expected file says what must and must not come out.
//!
//! Expected keys: `title`, `description`, `site_name`, `canonical_url`, `top_image`, `section`,
//! `language` (values); `authors`, `authors_source`, `agencies`, `tags`, `captions`, `text`,
//! `encoding` (exact); `text_includes`, `text_excludes`, `captions_include`, `paragraphs`,
//! `date_candidates_include` (objects whose given fields must all match one candidate);
//! `error` (`undecodable` / `no_content`); inputs: `kind` (`html`/`text`/`sniff`), `url`,
//! `charset_hint`.

use std::path::{Path, PathBuf};

use news_enricher_clean::{clean, CleanError, Cleaned, ContentKind, Input};
use serde_json::Value;

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for dir in [root.clone(), root.join("encodings")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if p.is_file() && !name.ends_with(".json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn expected_path(page: &Path) -> PathBuf {
    let stem = page.file_stem().unwrap().to_string_lossy().to_string();
    page.with_file_name(format!("{stem}.expected.json"))
}

fn value_of(c: &Cleaned, key: &str) -> Option<String> {
    let f = match key {
        "title" => &c.title,
        "description" => &c.description,
        "site_name" => &c.site_name,
        "canonical_url" => &c.canonical_url,
        "top_image" => &c.top_image,
        "section" => &c.section,
        "language" => &c.language,
        _ => return None,
    };
    f.as_ref().map(|s| s.value.clone())
}

fn check(page: &Path) -> Result<(), String> {
    let bytes = std::fs::read(page).unwrap();
    let exp: Value = serde_json::from_str(&std::fs::read_to_string(expected_path(page)).unwrap())
        .map_err(|e| format!("bad expected json: {e}"))?;
    let kind = match exp.get("kind").and_then(Value::as_str) {
        Some("text") => ContentKind::Text,
        Some("sniff") => ContentKind::Sniff,
        _ => ContentKind::Html,
    };
    let input = Input {
        bytes: &bytes,
        kind,
        charset_hint: exp.get("charset_hint").and_then(Value::as_str),
        url: exp.get("url").and_then(Value::as_str),
        language_hint: None,
    };
    let res = clean(&input);
    if let Some(err) = exp.get("error").and_then(Value::as_str) {
        return match (err, &res) {
            ("undecodable", Err(CleanError::Undecodable(_))) => Ok(()),
            ("no_content", Err(CleanError::NoContent(_))) => Ok(()),
            _ => Err(format!("expected error {err}, got {res:?}")),
        };
    }
    let c = res.map_err(|e| format!("clean failed: {e}"))?;
    let mut problems = Vec::new();
    let obj = exp.as_object().unwrap();
    for (k, v) in obj {
        match k.as_str() {
            "kind" | "url" | "charset_hint" => {}
            "title" | "description" | "site_name" | "canonical_url" | "top_image" | "section"
            | "language" => {
                let got = value_of(&c, k);
                if got.as_deref() != v.as_str() {
                    problems.push(format!("{k}: expected {v}, got {got:?}"));
                }
            }
            "authors" | "agencies" | "tags" | "captions" => {
                let got = match k.as_str() {
                    "authors" => &c.authors,
                    "agencies" => &c.agencies,
                    "tags" => &c.tags,
                    _ => &c.captions,
                };
                let want: Vec<String> = serde_json::from_value(v.clone()).unwrap();
                if &want != got {
                    problems.push(format!("{k}: expected {want:?}, got {got:?}"));
                }
            }
            "authors_source" => {
                if c.authors_source != v.as_str() {
                    problems.push(format!(
                        "authors_source: expected {v}, got {:?}",
                        c.authors_source
                    ));
                }
            }
            "encoding" => {
                if Some(c.encoding) != v.as_str() {
                    problems.push(format!("encoding: expected {v}, got {}", c.encoding));
                }
            }
            "text" => {
                if Some(c.text.as_str()) != v.as_str() {
                    problems.push(format!(
                        "text: expected\n{}\n--- got\n{}",
                        v.as_str().unwrap_or(""),
                        c.text
                    ));
                }
            }
            "text_includes" => {
                for s in v.as_array().unwrap() {
                    let s = s.as_str().unwrap();
                    if !c.text.contains(s) {
                        problems.push(format!("text lacks {s:?}"));
                    }
                }
            }
            "text_excludes" => {
                for s in v.as_array().unwrap() {
                    let s = s.as_str().unwrap();
                    if c.text.contains(s) {
                        problems.push(format!("text contains {s:?}"));
                    }
                }
            }
            "captions_include" => {
                for s in v.as_array().unwrap() {
                    let s = s.as_str().unwrap();
                    if !c.captions.iter().any(|x| x == s) {
                        problems.push(format!("captions lack {s:?} (got {:?})", c.captions));
                    }
                }
            }
            "paragraphs" => {
                let n = c.text.split("\n\n").count() as u64;
                if Some(n) != v.as_u64() {
                    problems.push(format!("paragraphs: expected {v}, got {n}"));
                }
            }
            "date_candidates_include" => {
                let got = serde_json::to_value(&c.date_candidates).unwrap();
                for want in v.as_array().unwrap() {
                    let hit = got.as_array().unwrap().iter().any(|d| {
                        want.as_object()
                            .unwrap()
                            .iter()
                            .all(|(wk, wv)| d.get(wk) == Some(wv))
                    });
                    if !hit {
                        problems.push(format!("no date candidate like {want} in {got}"));
                    }
                }
            }
            other => problems.push(format!("unknown expected key {other}")),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[test]
fn golden_fixtures() {
    let pages = fixtures();
    assert!(pages.len() >= 15, "fixtures missing: {}", pages.len());
    let mut failures = Vec::new();
    for p in &pages {
        if let Err(e) = check(p) {
            failures.push(format!("== {}\n{e}", p.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n{}",
        failures.len(),
        pages.len(),
        failures.join("\n")
    );
}
