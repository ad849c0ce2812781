//! One byte scan over the page before html5ever sees it.
//!
//! Two reasons, both about what the parser costs:
//!
//! - **Nesting.** html5ever is iterative (no stack overflow), but the tree builder checks "is
//!   there a `<p>` in scope" on every start tag by scanning the stack of open elements, so
//!   100,000 nested `<div>`s cost 10^10 steps (measured: 48 s). No real page nests more than a
//!   few hundred deep, so start and end tags below [`MAX_DEPTH`] are dropped (their text is
//!   kept).
//! - **Bytes nobody reads.** On extraction-dev 20% of a page's bytes are inline script and 19%
//!   inline style. The clean stage reads neither (JSON-LD excepted), yet the tokenizer copies
//!   every byte of them into tendrils and the tree builder into text nodes. Their bodies are
//!   emptied here, tags kept, so the tree is the same shape. Inline `<svg>` drawings (another
//!   4%) lose their inner markup for the same reason; the DOM walk skips them anyway. Start
//!   tags lose the attributes the stage never reads ([`READ_ATTRIBUTES`] lists the kept ones).
//!
//! The page is copied only when something is dropped; a page with nothing to drop is
//! borrowed. Raw-text element bodies end at `</name`, as in the HTML tokenizer, so markup
//! inside scripts (`"<div>"` strings) is neither counted nor parsed.

use std::borrow::Cow;

/// Deepest element nesting passed to the parser.
pub(crate) const MAX_DEPTH: usize = 512;

const VOID: &[&[u8]] = &[
    b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"param",
    b"source", b"track", b"wbr", b"keygen",
];

/// Elements whose content the tokenizer reads as raw text up to their end tag.
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

/// What to do with the content after a start tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    /// Ordinary element: its children are scanned.
    Markup,
    /// Raw text that is kept (titles, textareas, JSON-LD).
    KeepRaw(&'static [u8]),
    /// Raw text nobody reads (scripts other than JSON-LD, styles): emptied.
    DropRaw(&'static [u8]),
    /// `<svg>`: its inner markup is emptied up to the matching `</svg`.
    DropSvg,
}

enum Tok {
    /// Start tag of a non-void element: (end index, what its content is).
    Open(usize, Body),
    Close(usize),
    /// Anything else (void or self-closing tag, comment, doctype, stray `<`): end index.
    Other(usize),
}

/// The page as the parser should see it: see the module docs.
pub(crate) fn prepare(html: &str) -> Cow<'_, str> {
    let b = html.as_bytes();
    let mut out = Out::new(b);
    let mut depth = 0usize;
    let mut i = 0usize;
    while let Some(off) = b.get(i..).and_then(|s| memchr::memchr(b'<', s)) {
        let at = i + off;
        let token = token(b, at);
        if depth < MAX_DEPTH && b.get(at + 1).is_some_and(u8::is_ascii_alphabetic) {
            if let Tok::Open(end, _) | Tok::Other(end) = token {
                drop_unread_attributes(b, at, end, &mut out);
            }
        }
        let end = match token {
            Tok::Open(end, body) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    out.drop_range(at, end);
                }
                match body {
                    Body::Markup => end,
                    Body::KeepRaw(name) => raw_end(b, end, name),
                    Body::DropRaw(name) => {
                        let close = raw_end(b, end, name);
                        out.drop_range(end, close);
                        close
                    }
                    Body::DropSvg => {
                        // Icons label what stands beside them ("Erscheinungsdatum" on a
                        // calendar icon before the date): their `<title>`s stay.
                        let close = svg_end(b, end);
                        let mut from = end;
                        while let Some(t) = b
                            .get(from..close)
                            .and_then(|s| memchr::memmem::find(s, b"<title"))
                            .map(|off| from + off)
                        {
                            let t_end =
                                find(b, t, b"</title>").map_or(close, |e| (e + 8).min(close));
                            out.drop_range(from, t);
                            from = t_end.max(t + 1);
                        }
                        out.drop_range(from, close);
                        close
                    }
                }
            }
            Tok::Close(end) => {
                if depth > MAX_DEPTH {
                    out.drop_range(at, end);
                }
                depth = depth.saturating_sub(1);
                end
            }
            Tok::Other(end) => end,
        };
        i = end.max(at + 1);
    }
    out.finish()
}

/// A copy-on-first-drop output buffer.
struct Out<'a> {
    src: &'a [u8],
    buf: Option<Vec<u8>>,
    /// Source bytes before this index are already in `buf` (or dropped).
    done: usize,
}

impl<'a> Out<'a> {
    fn new(src: &'a [u8]) -> Self {
        Out {
            src,
            buf: None,
            done: 0,
        }
    }

    fn drop_range(&mut self, from: usize, to: usize) {
        if to <= from || from < self.done {
            return;
        }
        let src = self.src;
        let buf = self
            .buf
            .get_or_insert_with(|| Vec::with_capacity(src.len() / 2));
        buf.extend_from_slice(src.get(self.done..from).unwrap_or(&[]));
        self.done = to;
    }

    fn finish(self) -> Cow<'a, str> {
        let Some(mut buf) = self.buf else {
            // Nothing dropped: the page as given (it came in as `&str`).
            return Cow::Borrowed(std::str::from_utf8(self.src).unwrap_or_default());
        };
        buf.extend_from_slice(self.src.get(self.done..).unwrap_or(&[]));
        // Cuts are at ASCII `<`/`>` boundaries, so the bytes stay UTF-8; the lossy conversion
        // is only a guard.
        Cow::Owned(
            String::from_utf8(buf)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        )
    }
}

/// Reads the markup token starting at `i` (which holds `<`).
fn token(b: &[u8], i: usize) -> Tok {
    let next = b.get(i + 1).copied().unwrap_or(b' ');
    if next == b'!' && b.get(i..i + 4) == Some(b"<!--") {
        let end = find(b, i + 4, b"-->").map_or(b.len(), |e| e + 3);
        return Tok::Other(end);
    }
    if next == b'/' {
        return Tok::Close(tag_end(b, i + 2));
    }
    if !next.is_ascii_alphabetic() {
        // `<` in text, `<!doctype`, `<?xml`: no element.
        return Tok::Other(if next == b'!' || next == b'?' {
            tag_end(b, i + 1)
        } else {
            i + 1
        });
    }
    let name_end = b
        .get(i + 1..)
        .and_then(|s| {
            s.iter()
                .position(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>')
        })
        .map_or(b.len(), |p| i + 1 + p);
    let name = b.get(i + 1..name_end).unwrap_or(&[]);
    let end = tag_end(b, name_end);
    let self_closing = end >= 2 && b.get(end - 2) == Some(&b'/');
    if self_closing || VOID.iter().any(|v| v.eq_ignore_ascii_case(name)) {
        return Tok::Other(end);
    }
    let body = match RAW.iter().copied().find(|r| r.eq_ignore_ascii_case(name)) {
        Some(r @ b"script") => {
            let attrs = b.get(name_end..end).unwrap_or(&[]);
            if is_json_ld(attrs) {
                Body::KeepRaw(r)
            } else {
                Body::DropRaw(r)
            }
        }
        Some(r @ b"style") => Body::DropRaw(r),
        Some(r) => Body::KeepRaw(r),
        None if name.eq_ignore_ascii_case(b"svg") => Body::DropSvg,
        None => Body::Markup,
    };
    Tok::Open(end, body)
}

/// Attributes the clean stage reads (see `dom::Attrs` and `metadata`). Any other attribute
/// of a start tag is cut here: `data-*`, `srcset`, `aria-*` and the like are 13% of what is
/// left of a page after its scripts and styles, and each costs the parser an allocation and
/// an atom. **A new attribute read by the stage must be added here.**
const READ_ATTRIBUTES: &[&[u8]] = &[
    b"class",
    b"id",
    b"role",
    b"itemprop",
    b"itemtype",
    b"itemscope",
    b"hidden",
    b"aria-hidden",
    b"style",
    b"name",
    b"content",
    b"property",
    b"http-equiv",
    b"charset",
    b"rel",
    b"href",
    b"src",
    b"type",
    b"datetime",
    b"lang",
    b"xml:lang",
];

/// Cuts the attributes the stage never reads from the start tag `b[at..end]`.
fn drop_unread_attributes(b: &[u8], at: usize, end: usize, out: &mut Out<'_>) {
    let stop = end.saturating_sub(1); // the `>`
    let mut k = at + 1;
    while k < stop
        && b.get(k)
            .is_some_and(|c| !c.is_ascii_whitespace() && *c != b'/')
    {
        k += 1;
    }
    let mut prev_end = k;
    loop {
        while k < stop
            && b.get(k)
                .is_some_and(|c| c.is_ascii_whitespace() || *c == b'/')
        {
            k += 1;
        }
        if k >= stop {
            return;
        }
        let name_start = k;
        k += 1; // a first `=` belongs to the name, as in the tokenizer
        while k < stop
            && b.get(k)
                .is_some_and(|c| !c.is_ascii_whitespace() && !matches!(c, b'/' | b'='))
        {
            k += 1;
        }
        let name = b.get(name_start..k).unwrap_or(&[]);
        let mut v = k;
        while v < stop && b.get(v).is_some_and(u8::is_ascii_whitespace) {
            v += 1;
        }
        if v < stop && b.get(v) == Some(&b'=') {
            v += 1;
            while v < stop && b.get(v).is_some_and(u8::is_ascii_whitespace) {
                v += 1;
            }
            match b.get(v) {
                Some(&q) if (q == b'"' || q == b'\'') && v < stop => {
                    v = b
                        .get(v + 1..)
                        .and_then(|s| memchr::memchr(q, s))
                        .map_or(stop, |off| v + 1 + off + 1)
                        .min(stop);
                }
                _ => {
                    while v < stop && b.get(v).is_some_and(|c| !c.is_ascii_whitespace()) {
                        v += 1;
                    }
                }
            }
            k = v;
        }
        let read = READ_ATTRIBUTES.iter().any(|r| r.eq_ignore_ascii_case(name));
        if !read {
            out.drop_range(prev_end, k);
        }
        prev_end = k;
    }
}

/// Whether a script start tag's attributes declare JSON-LD, the one script the stage reads.
/// CMSs escape the `+` (`ld&#x2B;json`), so any `ld` shortly before `json` counts; other JSON
/// payloads (`application/json` app state, 6% of extraction-dev's bytes) are dropped.
fn is_json_ld(attrs: &[u8]) -> bool {
    attrs.windows(4).enumerate().any(|(p, w)| {
        w.eq_ignore_ascii_case(b"json")
            && attrs
                .get(p.saturating_sub(10)..p)
                .is_some_and(|before| before.windows(2).any(|x| x.eq_ignore_ascii_case(b"ld")))
    })
}

/// Index just past the `>` closing a tag whose attributes start at `from`. Quotes count only
/// where an attribute value may start (after `=`), as in the HTML tokenizer, so a stray
/// apostrophe in an attribute name cannot swallow the page.
fn tag_end(b: &[u8], from: usize) -> usize {
    let mut after_eq = false;
    let mut k = from;
    while let Some(&c) = b.get(k) {
        match c {
            b'>' => return k + 1,
            b'"' | b'\'' if after_eq => {
                // Attribute values are most of a tag's bytes (class lists, URLs): jump.
                match b.get(k + 1..).and_then(|s| memchr::memchr(c, s)) {
                    Some(off) => k += off + 1,
                    None => return b.len(),
                }
                after_eq = false;
            }
            b'=' => after_eq = true,
            c if c.is_ascii_whitespace() => {}
            _ => after_eq = false,
        }
        k += 1;
    }
    b.len()
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let hay = b.get(from..)?;
    memchr::memmem::find(hay, needle).map(|p| p + from)
}

/// Start of a raw-text element's end tag (`</name` followed by a space, `/` or `>`), or the
/// end of input.
fn raw_end(b: &[u8], from: usize, name: &[u8]) -> usize {
    let mut k = from;
    while let Some(p) = find(b, k, b"</") {
        if closes(b, p, name) {
            return p;
        }
        k = p + 2;
    }
    b.len()
}

/// Whether an end tag for `name` starts at `p` (which holds `</`).
fn closes(b: &[u8], p: usize, name: &[u8]) -> bool {
    b.get(p + 2..p + 2 + name.len())
        .is_some_and(|n| n.eq_ignore_ascii_case(name))
        && b.get(p + 2 + name.len())
            .is_none_or(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>')
}

/// Start of the `</svg` that closes an `<svg>` whose content starts at `from` (nested
/// `<svg>`s counted), or the end of input.
fn svg_end(b: &[u8], from: usize) -> usize {
    let mut depth = 1usize;
    let mut k = from;
    while let Some(off) = b.get(k..).and_then(|s| memchr::memchr(b'<', s)) {
        let p = k + off;
        if closes(b, p, b"svg") {
            depth -= 1;
            if depth == 0 {
                return p;
            }
        } else if b
            .get(p + 1..p + 4)
            .is_some_and(|n| n.eq_ignore_ascii_case(b"svg"))
            && b.get(p + 4)
                .is_none_or(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>')
        {
            let end = tag_end(b, p + 4);
            if !(end >= 2 && b.get(end - 2) == Some(&b'/')) {
                depth += 1;
            }
        }
        k = p + 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_with_nothing_to_drop_are_borrowed() {
        let p = "<html><body><div><p>a<br>b</p><script type=\"application/ld+json\">{\"a\":\"<b>\"}</script></div></body></html>";
        assert!(matches!(prepare(p), Cow::Borrowed(_)));
        let escaped = "<script type=\"application/ld&#x2B;json\">{}</script>";
        assert!(matches!(prepare(escaped), Cow::Borrowed(_)));
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
        let f = prepare(&p);
        assert!(f.contains("deep text"));
        assert_eq!(f.matches("<div").count(), MAX_DEPTH);
        assert_eq!(f.matches("</div>").count(), MAX_DEPTH);
    }

    #[test]
    fn script_and_style_bodies_are_emptied_json_ld_kept() {
        let p = "<head><style>p{color:red}</style><script>if (a<b) { x('</div>') }</script>\
                 <SCRIPT type='application/LD+JSON'>{\"headline\":\"Kept\"}</SCRIPT></head>\
                 <body><p>Text</p><script src=x.js></script><p>More</p>\
                 <script type=\"application/json\" id=\"__NEXT_DATA__\">{\"big\":1}</script></body>";
        let f = prepare(p);
        assert_eq!(
            f,
            "<head><style></style><script></script>\
             <SCRIPT type='application/LD+JSON'>{\"headline\":\"Kept\"}</SCRIPT></head>\
             <body><p>Text</p><script src=x.js></script><p>More</p>\
             <script type=\"application/json\" id=\"__NEXT_DATA__\"></script></body>"
        );
    }

    #[test]
    fn svg_inner_markup_is_emptied_nested_svg_counted() {
        let p = "<p>a</p><svg viewBox=\"0 0 1 1\"><svg><path d=\"M0\"/></svg><g><path/></g></svg><p>b</p>";
        assert_eq!(prepare(p), "<p>a</p><svg></svg><p>b</p>");
    }

    #[test]
    fn svg_titles_are_kept_as_labels() {
        let p = "<span><svg class=i><title>Published</title><use href=\"#cal\"></use></svg><time>1 May</time></span>";
        assert_eq!(
            prepare(p),
            "<span><svg class=i><title>Published</title></svg><time>1 May</time></span>"
        );
        assert_eq!(
            prepare("<svg><title>never closed"),
            "<svg><title>never closed"
        );
    }

    #[test]
    fn script_ends_only_at_its_own_end_tag() {
        let p = "<script>var s = '</scripts>';</script><p>after</p>";
        assert_eq!(prepare(p), "<script></script><p>after</p>");
    }

    #[test]
    fn titles_and_textareas_keep_their_text() {
        let p = "<title>A <b> title</title><textarea>x</textarea>";
        assert!(matches!(prepare(p), Cow::Borrowed(_)));
    }

    #[test]
    fn stray_apostrophe_in_attribute_name_does_not_swallow_the_page() {
        let p = "<div class=a don't>text</div><script>drop()</script><p>kept</p>";
        assert_eq!(
            prepare(p),
            "<div class=a>text</div><script></script><p>kept</p>"
        );
    }

    #[test]
    fn unterminated_script_drops_to_the_end() {
        assert_eq!(prepare("<p>a</p><script>never closed"), "<p>a</p><script>");
    }

    #[test]
    fn unread_attributes_are_cut_read_ones_kept() {
        let p = "<div data-x=\"1 > 2\" class=\"story body\" aria-label='x' id=main hidden>\
                 <img srcset=\"a.jpg 1x, b.jpg 2x\" src=\"a.jpg\" alt=\"A > B\"/>\
                 <a href=/x title=\"t\">link</a><p>text</p></div>";
        assert_eq!(
            prepare(p),
            "<div class=\"story body\" id=main hidden>\
             <img src=\"a.jpg\"/>\
             <a href=/x>link</a><p>text</p></div>"
        );
    }

    #[test]
    fn pages_parse_to_the_same_text_and_read_attributes() {
        let p = "<html lang=en><head><meta property=\"og:title\" content=\"T\" data-x=1>\
                 <link rel=canonical href=\"https://e.x/a\" crossorigin></head>\
                 <body><article class=\"post\" data-id=\"7\" onclick=\"go('>')\">\
                 <time datetime=\"2024-05-01\" data-t>May 1</time><p style=\"color:red\" tabindex=0>Body</p>\
                 </article></body></html>";
        let cut = prepare(p);
        let (a, b) = (
            scraper::Html::parse_document(p),
            scraper::Html::parse_document(&cut),
        );
        let text = |h: &scraper::Html| h.root_element().text().collect::<String>();
        assert_eq!(text(&a), text(&b));
        let read = |h: &scraper::Html| {
            let mut v = Vec::new();
            for n in h.tree.nodes() {
                if let scraper::Node::Element(e) = n.value() {
                    for (k, val) in e.attrs() {
                        if READ_ATTRIBUTES
                            .iter()
                            .any(|r| r.eq_ignore_ascii_case(k.as_bytes()))
                        {
                            v.push(format!("{}:{k}={val}", e.name()));
                        }
                    }
                }
            }
            v
        };
        assert_eq!(read(&a), read(&b));
        assert!(!cut.contains("onclick") && !cut.contains("data-"));
    }

    #[test]
    fn multibyte_text_survives() {
        let p = "<p>café 日本</p><style>x</style><p>ü</p>";
        assert_eq!(prepare(p), "<p>café 日本</p><style></style><p>ü</p>");
    }
}
