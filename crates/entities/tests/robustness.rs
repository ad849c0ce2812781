//! No panic on any input; offsets always valid code-point ranges whose text matches.
use news_enricher_entities::train::Rng;
use news_enricher_entities::{Input, Recognizer};

const PIECES: &[&str] = &[
    "Xi",
    "Jinping",
    "President",
    "U.S.",
    "’s",
    "'s",
    "“",
    "”",
    "—",
    "…",
    "-",
    "Mr.",
    "\n",
    " ",
    "  ",
    "2018",
    "Putin",
    "the",
    "THE",
    "ÉCOLE",
    "日本",
    "🙂",
    "\u{0301}",
    "\t",
    ".",
    "?",
    "!",
    "(",
    ")",
    "e-mail",
    "http://x.y/z",
    "a@b.c",
    "Sino-Russian",
    "US",
    "New",
    "York",
    "Vostok",
    "'",
    "\"",
    ",",
    "Q",
    "\u{200b}",
    "\r\n",
    "ß",
    "İ",
    "ﬁ",
    "Dr",
    "Forum",
    "Economic",
];

#[test]
fn random_inputs_never_panic_and_offsets_hold() {
    let rec = Recognizer::embedded().expect("model");
    let mut rng = Rng::new(42);
    for _ in 0..400 {
        let n = rng.below(60);
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(PIECES[rng.below(PIECES.len())]);
            if rng.below(3) > 0 {
                s.push(' ');
            }
        }
        let ents = rec.run(&Input {
            text: &s,
            title: Some(&s),
            description: Some("x"),
        });
        let chars: Vec<char> = s.chars().collect();
        for e in &ents {
            assert!((0.0..=1.0).contains(&e.salience));
            assert_eq!(e.count, e.mentions.len());
            for m in &e.mentions {
                assert!(m.start < m.end && m.end <= chars.len(), "{s:?} {m:?}");
                assert_eq!(chars[m.start..m.end].iter().collect::<String>(), m.text);
            }
        }
    }
}

#[test]
fn corrupt_model_is_an_error_not_a_panic() {
    assert!(Recognizer::from_bytes(b"").is_err());
    assert!(Recognizer::from_bytes(b"\x1f\x8b garbage").is_err());
    let m = news_enricher_entities::EMBEDDED_MODEL;
    assert!(Recognizer::from_bytes(&m[..m.len() / 2]).is_err());
}

#[test]
fn loads_fast() {
    let t = std::time::Instant::now();
    let _ = Recognizer::embedded().expect("model");
    // Generous for debug builds and a shared machine; release loads in ~0.1 s.
    assert!(t.elapsed().as_secs_f64() < 10.0);
}
