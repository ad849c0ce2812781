//! Acceptance case #1: the seed article in `shared/seeds` (a reader's plain-text copy of a news
//! page), checked against the cleaning list in `shared/seeds/README.md`. The file is read from
//! `../shared` next to the repository and never copied into it; where `shared/` is absent (a
//! user's clone) the test says so and passes.

use std::path::PathBuf;

use news_enricher_clean::{clean, ContentKind, Input};

fn seed() -> Option<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    let entries = std::fs::read_dir(&dir).ok()?;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with("000_") && name.ends_with(".txt") {
            return std::fs::read(e.path()).ok();
        }
    }
    None
}

#[test]
fn seed_article_cleaning_list() {
    let Some(bytes) = seed() else {
        println!("note: shared/seeds not found next to the repository; seed test skipped");
        return;
    };
    let input = Input {
        bytes: &bytes,
        kind: ContentKind::Text,
        charset_hint: Some("utf-8"),
        url: None,
        language_hint: None,
    };
    let c = clean(&input).expect("seed cleans");
    let text = &c.text;
    // Removed as boilerplate.
    for junk in [
        "Advertisement",
        "Reading Time",
        "Why you can trust SCMP",
        "loading",
    ] {
        assert!(
            !text.contains(junk),
            "boilerplate {junk:?} left in body:\n{text}"
        );
    }
    // Title, apostrophes kept as typed or made ASCII, consistently.
    let title = c
        .title
        .as_ref()
        .expect("title")
        .value
        .replace('\u{2019}', "'");
    assert_eq!(
        title,
        "China's Xi Jinping, Russia's Vladimir Putin agree to boost ties amid growing US unilateralism"
    );
    // Standfirst.
    let desc = c.description.as_ref().expect("standfirst");
    assert!(desc.value.starts_with("Two nations will"), "{}", desc.value);
    // The caption is not body text, and is kept as a caption.
    assert!(
        !text.contains("presented a united front"),
        "caption in body"
    );
    assert!(
        c.captions
            .iter()
            .any(|k| k.contains("presented a united front") && k.ends_with("REUTERS")),
        "caption kept: {:?}",
        c.captions
    );
    // Body from the first paragraph to the last, paragraphs intact.
    assert!(
        text.starts_with("Chinese President Xi Jinping and his Russian counterpart"),
        "{text}"
    );
    assert!(text.ends_with("on British soil in March."), "{text}");
    let paras: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(paras.len(), 8, "paragraphs: {paras:#?}");
    assert!(paras.iter().all(|p| !p.contains('\n')));
    assert_eq!(c.language.as_ref().map(|l| l.value.as_str()), Some("en"));
}
