//! Bytes to text.
//!
//! The order of trust is the one browsers use, because pages are written for browsers: the
//! transport's charset first (the server knows what it sent), then a byte-order mark, then the
//! page's own `<meta charset>`, and only then statistical detection. A declared charset that
//! does not fit the bytes is not believed blindly: we fall through to the next source, and when
//! nothing decodes cleanly we refuse the page (`undecodable`) rather than publish mojibake that
//! every later stage would faithfully enrich.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8};

use crate::CleanError;

/// How many bytes of the head we scan for `<meta charset>` (browsers use 1024; pages with long
/// inline scripts before the meta tag are common enough to look further).
const META_PRESCAN: usize = 8 * 1024;

/// Decoded text and the encoding that produced it.
pub(crate) struct Decoded<'a> {
    /// Borrowed when the bytes were already clean UTF-8 (the common case: no copy).
    pub text: Cow<'a, str>,
    pub encoding: &'static Encoding,
}

/// Decodes `bytes`, trusting `hint`, then BOM, then `<meta>` (HTML only), then detection.
pub(crate) fn decode<'a>(
    bytes: &'a [u8],
    hint: Option<&str>,
    html: bool,
) -> Result<Decoded<'a>, CleanError> {
    if looks_binary(bytes) {
        return Err(CleanError::Undecodable(
            "binary content (NUL or control bytes)".into(),
        ));
    }
    let mut tried: Vec<&'static Encoding> = Vec::with_capacity(4);
    if let Some(enc) = hint.and_then(label_to_encoding) {
        tried.push(enc);
        if let Some(d) = try_decode(bytes, enc) {
            return Ok(d);
        }
    }
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        if !tried.contains(&enc) {
            tried.push(enc);
            if let Some(d) = try_decode(bytes, enc) {
                return Ok(d);
            }
        }
    }
    if html {
        if let Some(enc) = meta_charset(bytes) {
            if !tried.contains(&enc) {
                tried.push(enc);
                if let Some(d) = try_decode(bytes, enc) {
                    return Ok(d);
                }
            }
        }
    }
    // Valid UTF-8 is almost never an accident; check it before guessing.
    if !tried.contains(&UTF_8) {
        if let Ok(text) = std::str::from_utf8(bytes) {
            // Already validated: borrow it rather than have the decoder validate it again.
            return Ok(Decoded {
                text: Cow::Borrowed(text),
                encoding: UTF_8,
            });
        }
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let tld = None;
    let guess = det.guess(tld, chardetng::Utf8Detection::Allow);
    if !tried.contains(&guess) {
        tried.push(guess);
        if let Some(d) = try_decode(bytes, guess) {
            return Ok(d);
        }
    }
    let names: Vec<&str> = tried.iter().map(|e| e.name()).collect();
    Err(CleanError::Undecodable(format!(
        "no charset decodes the bytes cleanly (tried {})",
        names.join(", ")
    )))
}

/// WHATWG label lookup, tolerant of quotes and `charset=` prefixes.
pub(crate) fn label_to_encoding(label: &str) -> Option<&'static Encoding> {
    let mut l = label.trim();
    if let Some(pos) = l.to_ascii_lowercase().find("charset=") {
        l = l.get(pos + 8..).unwrap_or("");
    }
    let l = l
        .trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace() || c == ';')
        .split(';')
        .next()
        .unwrap_or("");
    Encoding::for_label(l.trim().as_bytes())
}

/// Decodes with `enc`; `None` when the bytes do not fit it (more than a stray bad byte or two).
fn try_decode<'a>(bytes: &'a [u8], enc: &'static Encoding) -> Option<Decoded<'a>> {
    // `decode` sniffs a BOM itself and strips it; the BOM wins over `enc`, which is the
    // WHATWG behaviour.
    let (text, used, had_errors) = enc.decode(bytes);
    if had_errors {
        let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
        let total = text.chars().count().max(1);
        // A page with a few broken bytes (a truncated multibyte character at a cut, one pasted
        // byte) is still the page; more than that means the charset is wrong.
        if bad > 8 || bad * 1000 > total {
            return None;
        }
    }
    // Single-byte charsets decode anything: C1 controls in the result mean the guess was
    // wrong. Clean UTF-8 passed `looks_binary` already.
    if (had_errors || used != UTF_8) && control_ratio_too_high(&text) {
        return None;
    }
    Some(Decoded {
        text,
        encoding: used,
    })
}

/// Binary files: NUL bytes (outside UTF-16, which has a BOM or is rare on the web) or many C0
/// controls.
fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    let head = bytes.get(..bytes.len().min(64 * 1024)).unwrap_or(bytes);
    // C0 controls other than the whitespace ones and ESC (NUL included). Counted eight bytes
    // at a time: a word with no byte below 0x20 (almost all of a text page) is skipped with
    // one test instead of a compare per byte.
    let is_ctrl = |b: u8| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C | 0x1B);
    let mut ctrl = 0usize;
    let mut words = head.chunks_exact(8);
    for w in &mut words {
        let x = u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or([0; 8]));
        // Non-zero exactly when some byte is below 0x20 (the classic "has a byte less than n"
        // test: a borrow only reaches bytes above one that is already below 0x20).
        if x.wrapping_sub(0x2020_2020_2020_2020) & !x & 0x8080_8080_8080_8080 != 0 {
            ctrl += w.iter().filter(|&&b| is_ctrl(b)).count();
        }
    }
    ctrl += words.remainder().iter().filter(|&&b| is_ctrl(b)).count();
    let nul = if ctrl == 0 {
        0
    } else {
        memchr::memchr_iter(0, head).count()
    };
    if nul > 0 && nul * 100 > head.len().max(1) / 10 {
        return true;
    }
    ctrl * 20 > head.len().max(1)
}

fn control_ratio_too_high(text: &str) -> bool {
    let mut n = 0usize;
    let mut ctrl = 0usize;
    for c in text.chars().take(64 * 1024) {
        n += 1;
        if (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{0C}' | '\u{1B}'))
            || ('\u{80}'..='\u{9F}').contains(&c)
        {
            ctrl += 1;
        }
    }
    ctrl * 50 > n.max(1) && ctrl > 4
}

/// The charset declared in the head: `<meta charset=…>` or
/// `<meta http-equiv=content-type content="…; charset=…">`.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..bytes.len().min(META_PRESCAN)).unwrap_or(bytes);
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(lower.get(from..).unwrap_or(&[]), b"<meta") {
        let start = from + pos;
        let end = find(lower.get(start..).unwrap_or(&[]), b">").map_or(lower.len(), |e| start + e);
        let tag = lower.get(start..end).unwrap_or(&[]);
        if let Some(cpos) = find(tag, b"charset") {
            let rest = tag.get(cpos + 7..).unwrap_or(&[]);
            let rest: Vec<u8> = rest
                .iter()
                .copied()
                .skip_while(|b| b.is_ascii_whitespace() || *b == b'=' || *b == b'"' || *b == b'\'')
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
                .collect();
            if let Some(enc) = Encoding::for_label(&rest) {
                // A page that says UTF-16 in ASCII bytes is not UTF-16 (WHATWG rule).
                if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                    return Some(UTF_8);
                }
                return Some(enc);
            }
        }
        from = end.max(start + 5);
        if from >= lower.len() {
            break;
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hint_beats_meta() {
        let page = b"<meta charset=utf-8><p>caf\xe9</p>";
        let d = decode(page, Some("text/html; charset=windows-1252"), true).unwrap();
        assert_eq!(d.encoding.name(), "windows-1252");
        assert!(d.text.contains("café"));
    }

    #[test]
    fn wrong_meta_falls_through_to_detection() {
        let page =
            "<meta charset=utf-8><p>Überraschung für Müller, schön und größer als erwartet.</p>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(page);
        let d = decode(&bytes, None, true).unwrap();
        assert!(d.text.contains("Überraschung"), "{}", d.text);
    }

    #[test]
    fn control_bytes_counted_in_words_and_tail() {
        let mut page = "<p>text with a tab\tand é</p>\n".repeat(40).into_bytes();
        assert!(!looks_binary(&page));
        // One control byte in twenty marks a binary file, wherever it sits in a word.
        let n = page.len() / 20 + 1;
        for i in 0..n {
            let at = (i * 19 + 3) % page.len();
            page[at] = 0x01;
        }
        assert!(looks_binary(&page));
        let mut tail = b"abcdefgh".repeat(4);
        tail.extend_from_slice(&[0x02, 0x03]);
        assert!(looks_binary(&tail));
        assert!(!looks_binary(b"abcdefgh\x1b[0m"));
    }

    #[test]
    fn binary_is_undecodable() {
        let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
        assert!(decode(&bytes, None, true).is_err());
    }
}
