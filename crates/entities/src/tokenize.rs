//! News-English tokenizer and sentence splitter.
//!
//! Tokens carry both byte offsets (to slice the input cheaply) and Unicode code-point offsets
//! (the contract's unit). The rules follow Penn-Treebank habits where they matter for names:
//! possessives and clitics are split off (`Russia's` -> `Russia` `'s`), closing and opening
//! punctuation is split, abbreviations and initials keep their period (`U.S.`, `Mr.`, `J.`),
//! hyphenated words stay whole (`Sino-Russian`), URLs and e-mail addresses stay whole.
//! Sentences end at `.`/`!`/`?` followed by a plausible sentence start, and always at a line
//! break (headlines, captions and list items are lines of their own).

/// One token: offsets into the input, bytes and code points, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub byte_start: usize,
    pub byte_end: usize,
    pub start: usize,
    pub end: usize,
    /// A line break (or the start of the text) precedes this token.
    pub line_start: bool,
}

impl Token {
    /// The token's text.
    #[inline]
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.byte_start..self.byte_end).unwrap_or("")
    }
}

/// Abbreviations that keep their final period and do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "gov", "sen",
    "rep", "rev", "st", "jr", "sr", "messrs", "hon", "pres", "supt", "cmdr", "adm", "brig", "gens",
    "sens", "reps", "mt", "ft", "ave", "blvd", "co", "corp", "inc", "ltd", "bros", "no", "nos",
    "vol", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "e.g", "i.e", "al", "approx", "dept", "est", "fig", "univ", "assn", "mass",
    "calif", "fla", "ill", "wash", "conn", "ariz", "colo", "tenn", "penn", "pa", "va", "md", "ga",
];

/// Abbreviations after which a capitalised word usually continues the sentence (titles).
const TITLE_ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "gov", "sen",
    "rep", "rev", "st", "messrs", "hon", "pres", "supt", "cmdr", "adm", "brig", "mt", "ft", "no",
    "vs",
];

fn eq_ascii_ci(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .all(|(x, y)| x.to_ascii_lowercase() == y)
}

fn is_abbreviation(word_without_period: &str) -> bool {
    ABBREVIATIONS
        .iter()
        .any(|a| eq_ascii_ci(word_without_period, a))
}

/// Whether `tok` (including its final period) is a title abbreviation such as `Mr.`.
pub fn is_title_abbreviation(tok: &str) -> bool {
    match tok.strip_suffix('.') {
        Some(w) => TITLE_ABBREVIATIONS.iter().any(|a| eq_ascii_ci(w, a)),
        None => false,
    }
}

fn is_open_punct(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '(' | '[' | '{' | '<' | '“' | '‘' | '«' | '‹' | '„' | '‚' | '¿' | '¡' | '`'
    )
}

fn is_close_punct(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | ')'
            | ']'
            | '}'
            | '>'
            | '”'
            | '’'
            | '»'
            | '›'
            | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '.'
            | '…'
    )
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’' || c == 'ʼ'
}

fn is_dash(c: char) -> bool {
    matches!(c, '—' | '–' | '―' | '…')
}

/// Tokenizes `text`, appending to `out` (cleared first). Sentence starts are written to
/// `sentences` as token indices (cleared first; the first is always 0 when there are tokens).
pub fn tokenize(text: &str, out: &mut Vec<Token>, sentences: &mut Vec<usize>) {
    out.clear();
    sentences.clear();
    let mut chunk_start: Option<(usize, usize)> = None; // (byte, char)
    let mut pending_line = true;
    for (char_idx, (b, c)) in text.char_indices().enumerate() {
        if c.is_whitespace() {
            if let Some((bs, cs)) = chunk_start.take() {
                split_chunk(text, bs, b, cs, pending_line, out);
                pending_line = false;
            }
            if c == '\n' || c == '\r' || c == '\u{2028}' || c == '\u{2029}' {
                pending_line = true;
            }
        } else if chunk_start.is_none() {
            chunk_start = Some((b, char_idx));
        }
    }
    if let Some((bs, cs)) = chunk_start.take() {
        split_chunk(text, bs, text.len(), cs, pending_line, out);
    }
    split_sentences(text, out, sentences);
}

/// Longest whitespace-free chunk (bytes) that the punctuation splitter handles.
const MAX_SPLIT_CHUNK: usize = 256;

/// Splits one whitespace-free chunk into tokens.
fn split_chunk(
    text: &str,
    bs: usize,
    be: usize,
    cs: usize,
    line_start: bool,
    out: &mut Vec<Token>,
) {
    let chunk = match text.get(bs..be) {
        Some(c) => c,
        None => return,
    };
    let first = out.len();
    if chunk.len() > MAX_SPLIT_CHUNK {
        // Pathological run without spaces (base64, minified code): one token, and no deep
        // recursion in the splitter.
        push(out, bs, be, cs, cs + chunk.chars().count());
    } else {
        split_rec(chunk, bs, cs, out);
    }
    if let Some(t) = out.get_mut(first) {
        t.line_start = line_start;
    }
}

fn push(out: &mut Vec<Token>, bs: usize, be: usize, cs: usize, ce: usize) {
    if be > bs {
        out.push(Token {
            byte_start: bs,
            byte_end: be,
            start: cs,
            end: ce,
            line_start: false,
        });
    }
}

fn looks_like_url(s: &str) -> bool {
    s.contains("://")
        || s.starts_with("www.")
        || (s.contains('@') && s.contains('.') && !s.starts_with('@'))
}

/// `s` starts at byte `bs`, char `cs` in the text.
fn split_rec(s: &str, bs: usize, cs: usize, out: &mut Vec<Token>) {
    if s.is_empty() {
        return;
    }
    // Leading punctuation.
    let mut it = s.char_indices();
    if let Some((_, c)) = it.next() {
        if is_open_punct(c) || is_dash(c) {
            let l = c.len_utf8();
            // keep 'n' and '90s style forms, and a lone apostrophe word like 's
            let rest = &s[l..];
            let keep = is_apostrophe(c)
                && (rest.starts_with('s') || rest.starts_with('S'))
                && rest.len() == 1;
            if !keep && !rest.is_empty() {
                push(out, bs, bs + l, cs, cs + 1);
                split_rec(rest, bs + l, cs + 1, out);
                return;
            }
        }
    }
    if looks_like_url(s) {
        // Strip trailing closers from URLs only.
        let trimmed = s.trim_end_matches(|c: char| is_close_punct(c));
        let tl = trimmed.len();
        let tc = trimmed.chars().count();
        push(out, bs, bs + tl, cs, cs + tc);
        emit_chars(&s[tl..], bs + tl, cs + tc, out);
        return;
    }
    // Internal dashes (em/en dash, ellipsis) split the chunk.
    if let Some((pos, c)) = s.char_indices().skip(1).find(|&(_, c)| is_dash(c)) {
        let head = &s[..pos];
        let hc = head.chars().count();
        split_rec(head, bs, cs, out);
        let l = c.len_utf8();
        push(out, bs + pos, bs + pos + l, cs + hc, cs + hc + 1);
        split_rec(&s[pos + l..], bs + pos + l, cs + hc + 1, out);
        return;
    }
    // Trailing punctuation, peeled from the end.
    let n = s.chars().count();
    if let Some(last) = s.chars().next_back() {
        if is_close_punct(last) && n > 1 {
            let ll = last.len_utf8();
            let head = &s[..s.len() - ll];
            if last == '.' {
                if keeps_period(head) {
                    finish_word(s, bs, cs, out);
                    return;
                }
                // "..." stays together
                if head.ends_with('.') {
                    let dots = s.len() - s.trim_end_matches('.').len();
                    let core = &s[..s.len() - dots];
                    let cc = core.chars().count();
                    split_rec(core, bs, cs, out);
                    push(out, bs + core.len(), bs + s.len(), cs + cc, cs + n);
                    return;
                }
            }
            // Plural possessive: "countries'" -> "countries" "'"
            split_rec(head, bs, cs, out);
            push(out, bs + head.len(), bs + s.len(), cs + n - 1, cs + n);
            return;
        }
    }
    finish_word(s, bs, cs, out);
}

fn emit_chars(s: &str, bs: usize, cs: usize, out: &mut Vec<Token>) {
    for (c_i, (b, c)) in (cs..).zip(s.char_indices()) {
        push(out, bs + b, bs + b + c.len_utf8(), c_i, c_i + 1);
    }
}

/// Whether a word followed by a period keeps it: abbreviations, initials, `U.S.`-style forms.
fn keeps_period(head: &str) -> bool {
    if head.is_empty() {
        return false;
    }
    let mut chars = head.chars();
    let first = chars.next();
    // single letter initial: "J."
    if head.chars().count() == 1 {
        return first.is_some_and(|c| c.is_alphabetic());
    }
    // U.S / e.g / i.e / U.K / a.m
    if head.contains('.')
        && head
            .split('.')
            .all(|p| p.chars().count() <= 2 && p.chars().all(|c| c.is_alphabetic()))
    {
        return true;
    }
    is_abbreviation(head)
}

/// Splits clitics off a word without outer punctuation.
fn finish_word(s: &str, bs: usize, cs: usize, out: &mut Vec<Token>) {
    // Clitics: 's 're 've 'll 'd 'm n't (with ' or ’)
    let lower_ends = |suf: &str| -> Option<usize> {
        if s.len() > suf.len() {
            if let Some(tail) = s.get(s.len() - suf.len()..) {
                if eq_ascii_ci(tail, suf) {
                    return Some(suf.len());
                }
            }
        }
        None
    };
    for apo in ["'", "’"] {
        for suf in ["s", "re", "ve", "ll", "d", "m"] {
            let full_len = apo.len() + suf.len();
            if s.len() > full_len && s.is_char_boundary(s.len() - full_len) {
                let tail = &s[s.len() - full_len..];
                if tail.starts_with(apo) && eq_ascii_ci(&tail[apo.len()..], suf) {
                    let head = &s[..s.len() - full_len];
                    if head.chars().last().is_some_and(|c| c.is_alphanumeric()) {
                        let hc = head.chars().count();
                        push(out, bs, bs + head.len(), cs, cs + hc);
                        push(
                            out,
                            bs + head.len(),
                            bs + s.len(),
                            cs + hc,
                            cs + hc + 1 + suf.len(),
                        );
                        return;
                    }
                }
            }
        }
        let nt = format_nt(apo);
        if let Some(l) = lower_ends(nt) {
            let head = &s[..s.len() - l];
            if !head.is_empty() && head.is_char_boundary(head.len()) {
                let hc = head.chars().count();
                push(out, bs, bs + head.len(), cs, cs + hc);
                push(out, bs + head.len(), bs + s.len(), cs + hc, cs + hc + 3);
                return;
            }
        }
    }
    let n = s.chars().count();
    push(out, bs, bs + s.len(), cs, cs + n);
}

fn format_nt(apo: &str) -> &'static str {
    if apo == "'" {
        "n't"
    } else {
        "n’t"
    }
}

fn is_sentence_end_token(tok: &str) -> bool {
    matches!(tok, "." | "!" | "?" | "..." | "…" | "?!" | "!!" | "!?")
}

fn starts_upper_or_digit(tok: &str) -> bool {
    tok.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_numeric())
}

fn split_sentences(text: &str, toks: &[Token], sentences: &mut Vec<usize>) {
    if toks.is_empty() {
        return;
    }
    sentences.push(0);
    let mut i = 1;
    while i < toks.len() {
        let cur = toks[i];
        let prev = toks[i - 1].text(text);
        let mut boundary = cur.line_start;
        if !boundary && is_sentence_end_token(prev) {
            {
                // skip closing quotes/brackets after the end mark
                let mut j = i;
                while j < toks.len() {
                    let t = toks[j].text(text);
                    if t.chars().count() == 1
                        && t.chars()
                            .all(|c| matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»'))
                    {
                        j += 1;
                    } else {
                        break;
                    }
                }
                if let Some(next) = toks.get(j) {
                    let nt = next.text(text);
                    let qstart = nt.chars().next().is_some_and(is_open_punct);
                    if starts_upper_or_digit(nt) || qstart {
                        boundary = true;
                        i = j;
                    }
                }
            }
        }
        if boundary && sentences.last() != Some(&i) {
            sentences.push(i);
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        let mut t = Vec::new();
        let mut ss = Vec::new();
        tokenize(s, &mut t, &mut ss);
        t.iter().map(|x| x.text(s).to_string()).collect()
    }

    #[test]
    fn possessives_and_quotes() {
        assert_eq!(
            toks("Russia's “Vostok 2018” drills, don't."),
            vec!["Russia", "'s", "“", "Vostok", "2018", "”", "drills", ",", "do", "n't", "."]
        );
        assert_eq!(toks("China’s leader"), vec!["China", "’s", "leader"]);
    }

    #[test]
    fn abbreviations_and_initials() {
        assert_eq!(
            toks("Mr. J. Smith of the U.S. said so."),
            vec!["Mr.", "J.", "Smith", "of", "the", "U.S.", "said", "so", "."]
        );
    }

    #[test]
    fn hyphens_urls_dashes() {
        assert_eq!(
            toks("Sino-Russian ties—strong (see www.scmp.com/x)."),
            vec![
                "Sino-Russian",
                "ties",
                "—",
                "strong",
                "(",
                "see",
                "www.scmp.com/x",
                ")",
                "."
            ]
        );
    }

    #[test]
    fn offsets_are_code_points() {
        let s = "Ünïcode “Xi” a";
        let mut t = Vec::new();
        let mut ss = Vec::new();
        tokenize(s, &mut t, &mut ss);
        let chars: Vec<char> = s.chars().collect();
        for tok in &t {
            let via_chars: String = chars[tok.start..tok.end].iter().collect();
            assert_eq!(via_chars, tok.text(s));
        }
    }

    #[test]
    fn long_chunks_do_not_recurse_deeply() {
        let s = "(".repeat(100_000) + &"a—".repeat(50_000);
        let mut t = Vec::new();
        let mut ss = Vec::new();
        tokenize(&s, &mut t, &mut ss);
        assert_eq!(t.len(), 1);
        let s = "(((((((((x)))))))))—y";
        tokenize(s, &mut t, &mut ss);
        assert_eq!(t.len(), 21);
    }

    #[test]
    fn sentences() {
        let s = "He met Mr. Putin. Then he left!\nNEW HEADLINE HERE\nU.S. officials said so.";
        let mut t = Vec::new();
        let mut ss = Vec::new();
        tokenize(s, &mut t, &mut ss);
        let starts: Vec<&str> = ss.iter().map(|&i| t[i].text(s)).collect();
        assert_eq!(starts, vec!["He", "Then", "NEW", "U.S."]);
    }
}
