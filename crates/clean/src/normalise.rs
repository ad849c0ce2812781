//! Whitespace and invisible-character normalisation.
//!
//! Every later stage counts code points into `text` (entity and date offsets), so the text must
//! be stable: normalising twice must change nothing (idempotent), and normalising must never make
//! the text longer, or a hostile page could blow up memory through us. Both properties are
//! checked with proptest.

/// Characters that carry no text: zero-width spaces and joiners used for line-break hints,
/// soft hyphens, BOMs left mid-text by concatenation.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}'
    )
}

/// Horizontal whitespace, including the Unicode spaces pages use for layout.
fn is_hspace(c: char) -> bool {
    c == ' '
        || c == '\t'
        || c == '\u{0B}'
        || c == '\u{0C}'
        || (c.is_whitespace()
            && c != '\n'
            && c != '\r'
            && c != '\u{2028}'
            && c != '\u{2029}'
            && c != '\u{85}')
}

fn is_newline(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}')
}

/// Collapses one line's horizontal whitespace into single spaces and drops invisible and
/// control characters, trimming both ends. Output never longer than input.
pub fn normalise_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    inline_into(&mut out, s);
    out
}

/// [`normalise_inline`] appended to `out` (whose earlier content does not count: a leading
/// space of `s` is dropped even when `out` is not empty).
fn inline_into(out: &mut String, s: &str) {
    // Runs of ordinary characters are copied as slices; only whitespace, controls and
    // invisibles are looked at one by one (this runs over every text node of every page).
    // Bytes are scanned rather than characters: printable ASCII (most of any text) needs no
    // decoding, and a single space between two printable ASCII characters stays inside the
    // run, since collapsing it would write the same space back.
    let start = out.len();
    let bytes = s.as_bytes();
    let mut pending_space = false;
    let mut run_start = 0usize;
    let mut i = 0usize;
    let flush = |out: &mut String, pending: &mut bool, run: &str| {
        if run.is_empty() {
            return;
        }
        if *pending {
            out.push(' ');
            *pending = false;
        }
        out.push_str(run);
    };
    while let Some(&b) = bytes.get(i) {
        if b > b' ' && b < 0x7f {
            i += 1;
            continue;
        }
        if b == b' ' && i > run_start && bytes.get(i + 1).is_some_and(|&n| n > b' ' && n < 0x7f) {
            i += 2;
            continue;
        }
        let c = if b < 0x80 {
            char::from(b)
        } else {
            match s.get(i..).and_then(|r| r.chars().next()) {
                Some(c) => c,
                None => {
                    // Not at a character boundary (cannot happen on a `&str`): step on.
                    i += 1;
                    continue;
                }
            }
        };
        let special = if c.is_ascii() {
            c <= ' ' || c == '\u{7f}'
        } else {
            is_invisible(c) || is_hspace(c) || is_newline(c) || c.is_control()
        };
        let len = c.len_utf8();
        if !special {
            i += len;
            continue;
        }
        flush(
            out,
            &mut pending_space,
            s.get(run_start..i).unwrap_or_default(),
        );
        run_start = i + len;
        if is_hspace(c) || is_newline(c) {
            pending_space = out.len() > start;
        }
        i += len;
    }
    flush(
        out,
        &mut pending_space,
        s.get(run_start..).unwrap_or_default(),
    );
}

/// Normalises a multi-paragraph text: lines trimmed and collapsed, runs of blank lines reduced
/// to one (a paragraph break), no leading or trailing blank lines. Single line breaks inside a
/// paragraph are kept.
pub fn normalise_text(s: &str) -> String {
    let unified;
    let s = if s.contains('\r') {
        unified = unify_newlines(s);
        unified.as_str()
    } else {
        s
    };
    let mut out = String::with_capacity(s.len());
    let mut blank_run = 0usize;
    let mut lines = 0usize;
    for line in s.split(is_newline) {
        // Each line goes straight into `out` after its separator; an empty one is taken back.
        let mark = out.len();
        if lines > 0 {
            out.push('\n');
            if blank_run > 0 {
                out.push('\n');
            }
        }
        let before = out.len();
        inline_into(&mut out, line);
        if out.len() == before {
            out.truncate(mark);
            blank_run += 1;
            continue;
        }
        lines += 1;
        blank_run = 0;
    }
    out
}

/// Characters that are not whitespace (`char::is_whitespace`): the stage's measure of text
/// length. ASCII text (most of it) is counted by bytes, which the compiler vectorises.
pub(crate) fn non_space_chars(s: &str) -> usize {
    if s.is_ascii() {
        let spaces = s.bytes().fold(0usize, |n, b| {
            n + usize::from((b == b' ') | (b.wrapping_sub(0x09) < 5))
        });
        s.len() - spaces
    } else {
        s.chars().filter(|c| !c.is_whitespace()).count()
    }
}

/// Whitespace-insensitive, case-insensitive key for comparing short strings (titles, lines).
pub(crate) fn fold_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Turns CRLF and lone CR into LF (before [`normalise_text`], which treats each as a break).
pub fn unify_newlines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses() {
        assert_eq!(normalise_inline("  a \u{a0}\t b\u{200b}c "), "a bc");
        assert_eq!(normalise_text("\n\n a \r\n b\n\n\n\nc \n"), "a\nb\n\nc");
    }

    /// The character-by-character version this byte scanner replaced.
    fn inline_by_chars(s: &str) -> String {
        let mut out = String::new();
        let mut pending = false;
        for c in s.chars() {
            let special = if c.is_ascii() {
                c <= ' ' || c == '\u{7f}'
            } else {
                is_invisible(c) || is_hspace(c) || is_newline(c) || c.is_control()
            };
            if !special {
                if pending {
                    out.push(' ');
                    pending = false;
                }
                out.push(c);
            } else if is_hspace(c) || is_newline(c) {
                pending = !out.is_empty();
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn bytes_scan_like_chars(s in "([a-c ,.\t\n\u{7f}\u{1}]|é|\u{a0}|\u{200b}|\u{2028}|\u{85}| a| \u{e9}){0,40}") {
            proptest::prop_assert_eq!(normalise_inline(&s), inline_by_chars(&s));
            let mut out = String::from("x");
            inline_into(&mut out, &s);
            proptest::prop_assert_eq!(out, format!("x{}", inline_by_chars(&s)));
        }
    }

    #[test]
    fn single_spaces_kept_in_runs() {
        for s in [
            "a b",
            " a b ",
            "a  b",
            "a \u{a0}b",
            "a é",
            "é a",
            "a\u{7f} b",
            "a b\u{200b}c",
            "a ,b",
        ] {
            assert_eq!(normalise_inline(s), inline_by_chars(s), "{s:?}");
        }
    }

    #[test]
    fn non_space_chars_like_chars() {
        for s in [
            "",
            "a b\tc\n",
            "\u{b}\u{c}\r x ",
            "\u{1c}\u{1f}y",
            "é \u{a0}z",
            "  ",
        ] {
            let by_chars = s.chars().filter(|c| !c.is_whitespace()).count();
            assert_eq!(non_space_chars(s), by_chars, "{s:?}");
        }
    }

    #[test]
    fn crlf_is_one_line_break() {
        assert_eq!(normalise_text("a\r\nb\rc"), "a\nb\nc");
    }
}
