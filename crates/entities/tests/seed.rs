//! The seed article (shared/seeds/000_*.txt) as an acceptance case: the entity list of
//! shared/seeds/README.md. The clean body is approximated by the seed's lines from "Chinese
//! President Xi Jinping and his Russian counterpart" to "on British soil in March.", without
//! the page furniture. Skips (with a note) where shared/ is absent, as in a user's clone.
use std::path::PathBuf;

use news_enricher_entities::{Entity, EntityType, Input, Recognizer};

fn seed_text() -> Option<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    let entries = std::fs::read_dir(&dir).ok()?;
    let path = entries.filter_map(|e| e.ok()).map(|e| e.path()).find(|p| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("000_"))
    })?;
    std::fs::read_to_string(path).ok()
}

fn body(raw: &str) -> Option<String> {
    let start = raw.find("Chinese President Xi Jinping and his Russian counterpart")?;
    let end_marker = "on British soil in March.";
    let end = raw.find(end_marker)? + end_marker.len();
    let lines: Vec<&str> = raw[start..end]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != "Advertisement" && *l != "loading")
        .collect();
    Some(lines.join("\n\n"))
}

fn get<'a>(ents: &'a [Entity], name: &str) -> Option<&'a Entity> {
    ents.iter().find(|e| e.name == name)
}

#[test]
fn seed_article_entities() {
    let Some(raw) = seed_text() else {
        eprintln!("note: ../shared/seeds not found; seed test skipped");
        return;
    };
    let text = body(&raw).expect("seed body markers");
    let title = "China's Xi Jinping, Russia's Vladimir Putin agree to boost ties amid growing US unilateralism";
    let rec = Recognizer::embedded().expect("model");
    let ents = rec.run(&Input {
        text: &text,
        title: Some(title),
        description: None,
    });
    let chars: Vec<char> = text.chars().collect();
    for e in &ents {
        for m in &e.mentions {
            assert_eq!(chars[m.start..m.end].iter().collect::<String>(), m.text);
        }
    }
    let mut missing = Vec::new();
    let mut check = |name: &str, kinds: &[EntityType], forms: &[&str]| match get(&ents, name) {
        None => missing.push(format!("{name}: not found")),
        Some(e) => {
            if !kinds.contains(&e.kind) {
                missing.push(format!("{name}: type {:?}", e.kind));
            }
            for f in forms {
                if !e.mentions.iter().any(|m| m.text == *f) {
                    missing.push(format!("{name}: no mention {f:?}"));
                }
            }
        }
    };
    use EntityType::*;
    check("Xi Jinping", &[PER], &["Xi Jinping", "Xi"]);
    check("Vladimir Putin", &[PER], &["Vladimir Putin", "Putin"]);
    check("Donald Trump", &[PER], &["Donald Trump"]);
    check("Sergei Skripal", &[PER], &["Sergei Skripal"]);
    for loc in [
        "China",
        "Russia",
        "Vladivostok",
        "Mongolia",
        "Moscow",
        "Beijing",
    ] {
        check(loc, &[LOC], &[loc]);
    }
    check("United States", &[LOC], &["US"]);
    check("Washington", &[LOC, ORG], &["Washington"]);
    check("CCTV", &[ORG], &["CCTV"]);
    check("Kremlin", &[ORG], &["Kremlin"]);
    check(
        "Eastern Economic Forum",
        &[MISC],
        &["Eastern Economic Forum"],
    );
    check("Vostok 2018", &[MISC], &["Vostok 2018"]);
    for n in [
        "Chinese",
        "Russian",
        "Sino-Russian",
        "Russian-Chinese",
        "Soviet",
        "British",
    ] {
        check(n, &[MISC], &[n]);
    }
    // Not entities.
    for bad in [
        "Advertisement",
        "Reading Time",
        "Why",
        "Last",
        "Putin acknowledged Xi",
    ] {
        if ents
            .iter()
            .any(|e| e.mentions.iter().any(|m| m.text == bad))
        {
            missing.push(format!("{bad:?} must not be an entity"));
        }
    }
    assert!(missing.is_empty(), "{missing:#?}\n{ents:#?}");
    // Salience: the two leaders lead.
    let top: Vec<&str> = ents.iter().take(2).map(|e| e.name.as_str()).collect();
    assert!(
        top.contains(&"Xi Jinping") && top.contains(&"Vladimir Putin"),
        "{top:?}"
    );
}
