//! Properties of the text normaliser that later stages rely on: offsets into `text` stay valid
//! only if normalising is idempotent, and memory stays bounded only if it never grows text.

use news_enricher_clean::normalise::{normalise_inline, normalise_text};
use proptest::prelude::*;

fn messy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just(" ".to_string()),
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just("\r".to_string()),
            Just("\t".to_string()),
            Just("\u{a0}".to_string()),
            Just("\u{200b}".to_string()),
            Just("\u{2028}".to_string()),
            Just("\u{feff}".to_string()),
            Just("\u{85}".to_string()),
            Just("\u{3000}".to_string()),
            "[a-zé中]{1,6}",
            any::<char>().prop_map(|c| c.to_string()),
        ],
        0..60,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn text_idempotent(s in messy()) {
        let once = normalise_text(&s);
        prop_assert_eq!(normalise_text(&once), once.clone());
    }

    #[test]
    fn inline_idempotent(s in messy()) {
        let once = normalise_inline(&s);
        prop_assert_eq!(normalise_inline(&once), once.clone());
    }

    #[test]
    fn never_grows(s in messy()) {
        prop_assert!(normalise_text(&s).len() <= s.len());
        prop_assert!(normalise_inline(&s).len() <= s.len());
        prop_assert!(normalise_text(&s).chars().count() <= s.chars().count());
    }

    #[test]
    fn no_blank_runs(s in messy()) {
        let t = normalise_text(&s);
        prop_assert!(!t.contains("\n\n\n"));
        prop_assert!(!t.starts_with('\n') && !t.ends_with('\n'));
        prop_assert!(!t.contains("  "));
    }

    /// The slice-copying implementation says the same as the plain definition: drop
    /// invisibles and controls, collapse whitespace runs to one space, trim.
    #[test]
    fn inline_matches_its_definition(s in messy()) {
        let mut expected = String::new();
        let mut pending = false;
        for c in s.chars() {
            let invisible = matches!(
                c,
                '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}'
            );
            if invisible {
                continue;
            }
            if c.is_whitespace() {
                pending = !expected.is_empty();
                continue;
            }
            if c.is_control() {
                continue;
            }
            if pending {
                expected.push(' ');
                pending = false;
            }
            expected.push(c);
        }
        prop_assert_eq!(normalise_inline(&s), expected);
    }
}
