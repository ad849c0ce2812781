//! Flattening pathologically deep markup before parsing.
//!
//! html5ever is iterative (no stack overflow), but the tree builder checks "is there a `<p>`
//! in scope" on every start tag by scanning the stack of open elements, so 100,000 nested
//! `<div>`s cost 10^10 steps (measured: 48 s). No real page nests more than a few hundred
//! deep, so a linear byte scan counts the depth first and, only when it passes
//! [`MAX_DEPTH`], copies the page without the start and end tags below that depth (their
//! text is kept). Pages within the limit are not copied.

use std::borrow::Cow;

/// Deepest element nesting passed to the parser.
pub(crate) const MAX_DEPTH: usize = 512;

const VOID: &[&[u8]] = &[
    b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"param",
    b"source", b"track", b"wbr", b"keygen",
];
const RAW: &[&[u8]] = &[
    b"script",
    b"style",
    b"textarea",
    b"title",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"plaintext",
];

/// The page, with tags beyond [`MAX_DEPTH`] removed when it nests deeper than that.
pub(crate) fn limit_depth(html: &str) -> Cow<'_, str> {
    if max_depth(html.as_bytes(), MAX_DEPTH + 1) <= MAX_DEPTH {
        return Cow::Borrowed(html);
    }
    Cow::Owned(flatten(html))
}

enum Tok {
    /// Start tag of a non-void element: (end index, raw-text element name if any).
    Open(usize, Option<&'static [u8]>),
    Close(usize),
    /// Anything else (void or self-closing tag, comment, doctype): end index.
    Other(usize),
}

/// Reads the markup token starting at `i` (which holds `<`).
fn token(b: &[u8], i: usize) -> Tok {
    let next = b.get(i + 1).copied().unwrap_or(b' ');
    if b.get(i..i + 4) == Some(b"<!--") {
        let end = find(b, i + 4, b"-->").map_or(b.len(), |e| e + 3);
        return Tok::Other(end);
    }
    let end = tag_end(b, i + 1);
    if next == b'/' {
        return Tok::Close(end);
    }
    if !next.is_ascii_alphabetic() {
        return Tok::Other(end);
    }
    let name_end = (i + 1..b.len())
        .find(|&k| {
            b.get(k)
                .is_none_or(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>')
        })
        .unwrap_or(b.len());
    let name: Vec<u8> = b.get(i + 1..name_end).unwrap_or(&[]).to_ascii_lowercase();
    let self_closing = end >= 2 && b.get(end - 2) == Some(&b'/');
    if self_closing || VOID.contains(&name.as_slice()) {
        return Tok::Other(end);
    }
    let raw = RAW.iter().copied().find(|r| *r == name.as_slice());
    Tok::Open(end, raw)
}

/// Index just past the `>` closing a tag that starts before `from`, honouring quotes.
fn tag_end(b: &[u8], from: usize) -> usize {
    let mut quote: Option<u8> = None;
    let mut k = from;
    while let Some(&c) = b.get(k) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == b'>' => return k + 1,
            None => {}
        }
        k += 1;
    }
    b.len()
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let hay = b.get(from..)?;
    hay.windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Skips a raw-text element's content: index of its end tag (or the end of input).
fn skip_raw(b: &[u8], from: usize, name: &[u8]) -> usize {
    let mut k = from;
    while let Some(p) = find(b, k, b"</") {
        let cand = b
            .get(p + 2..p + 2 + name.len())
            .map(<[u8]>::to_ascii_lowercase);
        if cand.as_deref() == Some(name) {
            return p;
        }
        k = p + 2;
    }
    b.len()
}

/// Maximum nesting depth, stopping early once `stop` is reached.
fn max_depth(b: &[u8], stop: usize) -> usize {
    let mut depth = 0usize;
    let mut max = 0usize;
    let mut i = 0usize;
    while let Some(off) = b.get(i..).and_then(|s| memchr(b'<', s)) {
        let at = i + off;
        match token(b, at) {
            Tok::Open(end, raw) => {
                depth += 1;
                max = max.max(depth);
                if max >= stop {
                    return max;
                }
                i = match raw {
                    Some(name) => skip_raw(b, end, name),
                    None => end,
                };
            }
            Tok::Close(end) => {
                depth = depth.saturating_sub(1);
                i = end;
            }
            Tok::Other(end) => i = end,
        }
        if i <= at {
            i = at + 1;
        }
    }
    max
}

fn flatten(html: &str) -> String {
    let b = html.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut depth = 0usize;
    let mut i = 0usize;
    while let Some(off) = b.get(i..).and_then(|s| memchr(b'<', s)) {
        let at = i + off;
        out.extend_from_slice(b.get(i..at).unwrap_or(&[]));
        let (end, keep) = match token(b, at) {
            Tok::Open(end, raw) => {
                depth += 1;
                let end = match raw {
                    Some(name) => skip_raw(b, end, name),
                    None => end,
                };
                (end, depth <= MAX_DEPTH)
            }
            Tok::Close(end) => {
                let keep = depth <= MAX_DEPTH;
                depth = depth.saturating_sub(1);
                (end, keep)
            }
            Tok::Other(end) => (end, true),
        };
        let end = end.max(at + 1);
        if keep {
            out.extend_from_slice(b.get(at..end).unwrap_or(&[]));
        }
        i = end;
    }
    out.extend_from_slice(b.get(i..).unwrap_or(&[]));
    // Tags are removed whole, at ASCII `<`/`>` boundaries, so the bytes stay UTF-8; the
    // lossy conversion is only a guard.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&c| c == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_pages_are_borrowed() {
        let p = "<html><body><div><p>a<br>b</p><script>if (a<b) {}</script></div></body></html>";
        assert!(matches!(limit_depth(p), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_pages_are_flattened() {
        let mut p = String::new();
        for _ in 0..2000 {
            p.push_str("<div class=\"x\">");
        }
        p.push_str("deep text");
        for _ in 0..2000 {
            p.push_str("</div>");
        }
        let f = limit_depth(&p);
        assert!(f.contains("deep text"));
        assert_eq!(f.matches("<div").count(), MAX_DEPTH);
        assert_eq!(f.matches("</div>").count(), MAX_DEPTH);
    }
}
