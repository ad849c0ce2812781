//! Property tests: no input makes the stage panic; a formatted date parses back to itself;
//! offsets always address the text.

use news_enricher_dates::parse::{parse, Parsed};
use news_enricher_dates::{run, timex, Candidate, Input, Role};
use proptest::prelude::*;

fn now() -> jiff::Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_input_no_panic(text in "\\PC{0,200}", raw in "\\PC{0,60}", url in "\\PC{0,60}", hint in "\\PC{0,30}", page in proptest::collection::vec(any::<u8>(), 0..400)) {
        let input = Input {
            candidates: vec![Candidate { source: "byline", role: Role::Unknown, raw: &raw, in_article: true }],
            url: Some(&url),
            text: &text,
            published_hint: Some(&hint),
            fetched_at: None,
            now: now(),
            language: Some("en"),
            page: Some(&page),
        };
        let out = run(&input);
        let n = text.chars().count();
        for t in out.timexes {
            prop_assert!(t.start < t.end && t.end <= n);
            let span: String = text.chars().skip(t.start).take(t.end - t.start).collect();
            prop_assert_eq!(span, t.text);
        }
    }

    #[test]
    fn page_scan_no_panic(page in proptest::collection::vec(prop_oneof![
        Just(b"datePublished".to_vec()), Just(b"data-date".to_vec()), Just(b"datetime".to_vec()),
        Just(b"=\"".to_vec()), Just(b"\":\"".to_vec()), Just(b"-".to_vec()), Just(b".".to_vec()),
        Just(b"/".to_vec()), Just(b"T".to_vec()), Just(b"+".to_vec()), Just(b":".to_vec()),
        "[0-9]{1,5}".prop_map(String::into_bytes), proptest::collection::vec(any::<u8>(), 0..4),
    ], 0..60)) {
        let page: Vec<u8> = page.concat();
        let input = Input {
            candidates: Vec::new(),
            url: None,
            text: "",
            published_hint: None,
            fetched_at: None,
            now: now(),
            language: None,
            page: Some(&page),
        };
        if let Some(p) = run(&input).published {
            prop_assert!(p.source.starts_with("page:"));
            let back = parse(&p.value, true);
            prop_assert!(back.is_some_and(|b| b.date.year() >= 1990 && b.timestamp().is_none_or(|t| t <= now())), "{}", p.value);
        }
    }

    #[test]
    fn date_like_text_no_panic(text in "([0-9]{1,20}|days|months|weeks|hours|decades|centuries|[A-Z][a-z]{2,8}|[.,:/'-]| |a\\.m\\.|p\\.m\\.|ago|last|next|the|of|quarter|year|week|day){0,40}") {
        for lang in [Some("en"), Some("de"), Some("zh"), None] {
            let tags = timex::tag(&text, jiff::civil::date(2018, 9, 11), lang);
            for t in tags {
                prop_assert!(t.start < t.end);
                prop_assert!(!t.value.is_empty());
            }
            let _ = parse(&text, true);
            let _ = parse(&text, false);
        }
    }

    #[test]
    fn formatted_date_parses_back(
        y in 1990i16..2100, m in 1i8..=12, d in 1i8..=28,
        time in proptest::option::of((0i8..24, 0i8..60, 0i8..60)),
        off in proptest::option::of(-56i32..=56),
    ) {
        let date = jiff::civil::Date::new(y, m, d).unwrap();
        let time = time.map(|(h, mi, s)| jiff::civil::Time::new(h, mi, s, 0).unwrap());
        let p = Parsed {
            date,
            time,
            offset: if time.is_some() { off.map(|q| q * 900) } else { None },
            has_day: true,
        };
        let s = p.format();
        let back = parse(&s, true);
        prop_assert_eq!(back, Some(p), "{}", s);
    }
}
