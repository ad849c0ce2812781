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
    // Runs of ordinary characters are copied as slices; only whitespace, controls and
    // invisibles are looked at one by one (this runs over every text node of every page).
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let mut run_start = 0usize;
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
    for (i, c) in s.char_indices() {
        let special = if c.is_ascii() {
            c <= ' ' || c == '\u{7f}'
        } else {
            is_invisible(c) || is_hspace(c) || is_newline(c) || c.is_control()
        };
        if !special {
            continue;
        }
        flush(
            &mut out,
            &mut pending_space,
            s.get(run_start..i).unwrap_or_default(),
        );
        run_start = i + c.len_utf8();
        if is_hspace(c) || is_newline(c) {
            pending_space = !out.is_empty();
        }
    }
    flush(
        &mut out,
        &mut pending_space,
        s.get(run_start..).unwrap_or_default(),
    );
    out
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
        let l = normalise_inline(line);
        if l.is_empty() {
            blank_run += 1;
            continue;
        }
        if lines > 0 {
            out.push('\n');
            if blank_run > 0 {
                out.push('\n');
            }
        }
        out.push_str(&l);
        lines += 1;
        blank_run = 0;
    }
    out
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

    #[test]
    fn crlf_is_one_line_break() {
        assert_eq!(normalise_text("a\r\nb\rc"), "a\nb\nc");
    }
}
