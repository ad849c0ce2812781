//! Hostile and pathological inputs: deep nesting, huge pages, broken markup, binary. None may
//! panic, overflow the stack, or take unbounded time or memory.

use std::time::{Duration, Instant};

use news_enricher_clean::{clean, CleanError, ContentKind, Input};

fn html_input(bytes: &[u8]) -> Input<'_> {
    Input {
        bytes,
        kind: ContentKind::Html,
        charset_hint: None,
        url: Some("https://example.org/a/b"),
        language_hint: None,
    }
}

/// Optimised builds run the real budget; debug builds a scaled-down one.
fn scale() -> usize {
    if cfg!(debug_assertions) {
        10
    } else {
        1
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 100_000 / scale();
    let mut page = String::from("<html><body>");
    for _ in 0..depth {
        page.push_str("<div>");
    }
    page.push_str("<p>The innermost paragraph of a pathologically nested page still has a sentence, with commas, to find.</p>");
    for _ in 0..depth {
        page.push_str("</div>");
    }
    page.push_str("</body></html>");
    let t = Instant::now();
    // Run on a thread with a small stack: recursion anywhere would show up here.
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || clean(&html_input(page.as_bytes())).map(|c| c.text))
        .unwrap();
    let res = handle.join().expect("no panic, no stack overflow");
    let text = res.expect("content found");
    assert!(text.contains("innermost paragraph"), "{text}");
    eprintln!("depth {depth}: {:?}", t.elapsed());
}

#[test]
fn deep_inline_nesting_does_not_overflow() {
    let depth = 50_000 / scale();
    let mut page = String::from(
        "<html><body><p>Start of a paragraph with enough words to count as text here. ",
    );
    for _ in 0..depth {
        page.push_str("<b><i>");
    }
    page.push_str("deep words");
    page.push_str("</p></body></html>");
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || clean(&html_input(page.as_bytes())).is_ok())
        .unwrap();
    assert!(handle.join().expect("no panic"));
}

#[test]
fn fifty_megabyte_page_within_budget() {
    let target = 50 * 1024 * 1024 / scale();
    let para = |i: usize| {
        format!("<p>Row {i} of ordinary article text, with commas, numbers like 1,234 and a link to <a href=\"/x\">somewhere</a> else.</p>\n")
    };
    let mut page = String::with_capacity(target + 1024);
    page.push_str("<html><head><title>Big</title></head><body><article><h1>Big</h1><div class=\"article-body\">");
    let mut i = 0usize;
    while page.len() < target {
        if i % 50 == 0 {
            page.push_str("<div class=\"ad-slot\">Advertisement</div><div class=\"related\"><ul><li><a href=\"/r\">Related story</a></li></ul></div>");
        }
        page.push_str(&para(i));
        i += 1;
    }
    page.push_str("</div></article></body></html>");
    let t = Instant::now();
    let cpu0 = thread_cpu();
    let c = clean(&html_input(page.as_bytes())).expect("cleans");
    let took = t.elapsed();
    // On a shared machine wall time includes other processes' turns; the thread's own CPU
    // time is what the budget is about (wall time is the fallback off Linux).
    let cpu = match (cpu0, thread_cpu()) {
        (Some(a), Some(b)) => b.saturating_sub(a),
        _ => took,
    };
    eprintln!(
        "{} MB: wall {took:?}, cpu {cpu:?}, text {} bytes",
        page.len() / 1_000_000,
        c.text.len()
    );
    assert!(!c.text.is_empty());
    assert!(c.text.len() <= 4 * 1024 * 1024 + 256 * 1024, "body capped");
    if !cfg!(debug_assertions) {
        assert!(
            cpu < Duration::from_secs(2),
            "50 MB page took {cpu:?} of CPU"
        );
    }
}

/// CPU time of the current thread (Linux schedstat).
fn thread_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

#[test]
fn garbage_inputs_never_panic() {
    let cases: Vec<Vec<u8>> = vec![
        vec![],
        b"<".to_vec(),
        b"<html><body></body></html>".to_vec(),
        b"<script>".repeat(1000),
        b"</div></p></article>".repeat(1000),
        b"<table><tr><td><table><tr><td>".repeat(2000),
        b"<meta charset=\"x-unknown\"><p>text with an unknown charset label here</p>".to_vec(),
        b"<script type=\"application/ld+json\">{\"@graph\":[[[[[[[[[[[[]]]]]]]]]]]]}</script><p>words</p>".to_vec(),
        "\u{feff}<p>BOM then text, a sentence long enough to be taken as an article body.</p>".as_bytes().to_vec(),
        vec![0xff; 1000],
        (0..=255u8).cycle().take(10_000).collect(),
    ];
    for bytes in &cases {
        for kind in [ContentKind::Html, ContentKind::Text, ContentKind::Sniff] {
            let input = Input {
                bytes,
                kind,
                charset_hint: None,
                url: None,
                language_hint: None,
            };
            let _ = clean(&input);
        }
    }
}

#[test]
fn empty_page_is_no_content() {
    let r = clean(&html_input(
        b"<html><head><title>x</title></head><body><nav><a href=/>Home</a></nav></body></html>",
    ));
    assert!(matches!(r, Err(CleanError::NoContent(_))), "{r:?}");
}

#[test]
fn wrong_utf8_hint_is_not_mojibake() {
    // Shift_JIS bytes sent with a UTF-8 charset header: decode falls through rather than
    // publishing replacement characters.
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(
        "<html><body><p>図書館は来月から日曜日の午後も開館すると市が発表した。平日に来館できない住民が多いという調査結果を受けたものだ。</p></body></html>",
    );
    let input = Input {
        bytes: &bytes,
        kind: ContentKind::Html,
        charset_hint: Some("text/html; charset=utf-8"),
        url: None,
        language_hint: None,
    };
    match clean(&input) {
        Ok(c) => {
            assert!(!c.text.contains('\u{FFFD}'), "{}", c.text);
            assert!(c.text.contains("図書館"), "{}", c.text);
        }
        Err(e) => assert!(matches!(e, CleanError::Undecodable(_)), "{e}"),
    }
}
