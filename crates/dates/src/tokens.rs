//! A tokenizer for the tagger: words, numbers and single punctuation marks, each with its
//! byte range, its code-point range and whether space or a line break precedes it.

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Letters (any script).
    Word,
    /// ASCII digits.
    Num,
    /// One character that is neither.
    Punct,
}

/// One token of the text.
#[derive(Debug, Clone)]
pub struct Tok<'a> {
    pub s: &'a str,
    /// Lower case (words only; other tokens keep `s`).
    pub lower: std::borrow::Cow<'a, str>,
    pub kind: Kind,
    /// Byte range in the text.
    pub bs: usize,
    pub be: usize,
    /// Code-point range in the text.
    pub cs: usize,
    pub ce: usize,
    /// Whitespace before the token.
    pub space: bool,
    /// A line break before the token.
    pub newline: bool,
}

impl Tok<'_> {
    /// Starts with an upper-case letter.
    pub fn cap(&self) -> bool {
        self.s.chars().next().is_some_and(char::is_uppercase)
    }

    /// The number, for digit tokens of at most nine digits.
    pub fn num(&self) -> Option<u32> {
        if self.kind == Kind::Num && self.s.len() <= 9 {
            self.s.parse().ok()
        } else {
            None
        }
    }
}

fn class(c: char) -> Kind {
    if c.is_ascii_digit() {
        Kind::Num
    } else if c.is_alphabetic() || c == '\u{2bc}' {
        Kind::Word
    } else {
        Kind::Punct
    }
}

fn is_cjk(c: char) -> bool {
    matches!(u32::from(c), 0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff)
}

/// Splits `text` into tokens.
pub fn tokenize(text: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut chars = text.char_indices().peekable();
    let mut cp = 0usize;
    let mut space = true;
    let mut newline = true;
    while let Some((b, c)) = chars.next() {
        if c.is_whitespace() {
            space = true;
            newline |= c == '\n' || c == '\r';
            cp += 1;
            continue;
        }
        let kind = class(c);
        let start_cp = cp;
        cp += 1;
        let mut end = b + c.len_utf8();
        // Han and kana are written without spaces: one token per character
        if kind != Kind::Punct && !is_cjk(c) {
            while let Some(&(b2, c2)) = chars.peek() {
                if class(c2) != kind || is_cjk(c2) {
                    break;
                }
                end = b2 + c2.len_utf8();
                cp += 1;
                chars.next();
            }
        }
        let s = text.get(b..end).unwrap_or("");
        let lower = if kind != Kind::Word {
            std::borrow::Cow::Borrowed(s)
        } else if s.is_ascii() {
            if s.bytes().any(|b| b.is_ascii_uppercase()) {
                std::borrow::Cow::Owned(s.to_ascii_lowercase())
            } else {
                std::borrow::Cow::Borrowed(s)
            }
        } else if s.chars().any(char::is_uppercase) {
            std::borrow::Cow::Owned(s.to_lowercase())
        } else {
            std::borrow::Cow::Borrowed(s)
        };
        out.push(Tok {
            s,
            lower,
            kind,
            bs: b,
            be: end,
            cs: start_cp,
            ce: cp,
            space,
            newline,
        });
        space = false;
        newline = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_code_points() {
        let toks = tokenize("Él dijo: 11 septembre 2018年9月");
        let t: Vec<_> = toks.iter().map(|t| (t.s, t.cs, t.ce)).collect();
        assert_eq!(t[0], ("Él", 0, 2));
        assert_eq!(t[3], ("11", 9, 11));
        assert_eq!(t[6], ("年", 26, 27));
    }
}
