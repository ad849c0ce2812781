//! One walk over the parsed page.
//!
//! The speed budget allows one DOM parse and not much more, so everything the stage needs from
//! the tree is gathered in a single iterative walk (no recursion: 100,000-deep pages must not
//! overflow the stack) into a flat arena: elements with their bottom-up text statistics and
//! readability-style paragraph scores, a linear event list (open/text/close) that later steps
//! slice by index instead of walking the tree again, and the raw metadata (meta tags, JSON-LD,
//! headings, `<time>`, bylines, captions). The html5ever tree is dropped right after, so peak
//! memory is the tree plus a compact copy, never two trees.

use ego_tree::iter::Edge;
use markup5ever::{local_name, LocalName};
use scraper::{Html, Node};

use crate::boilerplate::{classify_attrs_cached, AttrCache, AttrClass};

/// Tags the extractor tells apart; everything else is `Inline` or `Block`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    Html,
    Head,
    Body,
    Title,
    Meta,
    Link,
    Script,
    Style,
    /// Subtrees with no readable text (noscript, template, svg, iframe, form controls…).
    Skip,
    Nav,
    Aside,
    Footer,
    Header,
    Main,
    Article,
    Section,
    Div,
    P,
    Pre,
    Blockquote,
    H1,
    H,
    Li,
    List,
    Table,
    Tr,
    Td,
    Br,
    Hr,
    A,
    Img,
    Figure,
    Figcaption,
    Time,
    /// Other block-level elements (address, details, dd, dt, center…).
    Block,
    /// `<form>`: sign-up, search and contact boxes; some CMSs wrap the whole page in one.
    Form,
    Inline,
}

/// Tag names as interned atoms, most frequent first: comparing atoms is an integer compare,
/// where matching the name as a string cost a memcmp per arm for every element.
static TAGS: std::sync::LazyLock<Vec<(LocalName, Tag)>> = std::sync::LazyLock::new(|| {
    vec![
        (local_name!("div"), Tag::Div),
        (local_name!("a"), Tag::A),
        (local_name!("p"), Tag::P),
        // Common inline tags (the default) listed early so their lookup stops here.
        (local_name!("span"), Tag::Inline),
        (local_name!("li"), Tag::Li),
        (local_name!("img"), Tag::Img),
        (local_name!("i"), Tag::Inline),
        (local_name!("strong"), Tag::Inline),
        (local_name!("em"), Tag::Inline),
        (local_name!("b"), Tag::Inline),
        (local_name!("ul"), Tag::List),
        (local_name!("script"), Tag::Script),
        (local_name!("meta"), Tag::Meta),
        (local_name!("link"), Tag::Link),
        (local_name!("svg"), Tag::Skip),
        (local_name!("br"), Tag::Br),
        (local_name!("figure"), Tag::Figure),
        (local_name!("figcaption"), Tag::Figcaption),
        (local_name!("button"), Tag::Skip),
        (local_name!("section"), Tag::Section),
        (local_name!("article"), Tag::Article),
        (local_name!("h2"), Tag::H),
        (local_name!("h3"), Tag::H),
        (local_name!("time"), Tag::Time),
        (local_name!("style"), Tag::Style),
        (local_name!("noscript"), Tag::Skip),
        (local_name!("nav"), Tag::Nav),
        (local_name!("header"), Tag::Header),
        (local_name!("footer"), Tag::Footer),
        (local_name!("aside"), Tag::Aside),
        (local_name!("main"), Tag::Main),
        (local_name!("h1"), Tag::H1),
        (local_name!("table"), Tag::Table),
        (local_name!("tr"), Tag::Tr),
        (local_name!("td"), Tag::Td),
        (local_name!("th"), Tag::Td),
        (local_name!("tbody"), Tag::Table),
        (local_name!("ol"), Tag::List),
        (local_name!("blockquote"), Tag::Blockquote),
        (local_name!("pre"), Tag::Pre),
        (local_name!("h4"), Tag::H),
        (local_name!("h5"), Tag::H),
        (local_name!("h6"), Tag::H),
        (local_name!("title"), Tag::Title),
        (local_name!("head"), Tag::Head),
        (local_name!("body"), Tag::Body),
        (local_name!("html"), Tag::Html),
        (local_name!("form"), Tag::Form),
        (local_name!("input"), Tag::Skip),
        (local_name!("template"), Tag::Skip),
        (local_name!("math"), Tag::Skip),
        (local_name!("iframe"), Tag::Skip),
        (local_name!("object"), Tag::Skip),
        (local_name!("embed"), Tag::Skip),
        (local_name!("canvas"), Tag::Skip),
        (local_name!("video"), Tag::Skip),
        (local_name!("audio"), Tag::Skip),
        (local_name!("select"), Tag::Skip),
        (local_name!("textarea"), Tag::Skip),
        (local_name!("option"), Tag::Skip),
        (local_name!("map"), Tag::Skip),
        (local_name!("dialog"), Tag::Skip),
        (local_name!("dl"), Tag::List),
        (local_name!("menu"), Tag::List),
        (local_name!("thead"), Tag::Table),
        (local_name!("tfoot"), Tag::Table),
        (local_name!("hr"), Tag::Hr),
        (local_name!("address"), Tag::Block),
        (local_name!("details"), Tag::Block),
        (local_name!("summary"), Tag::Block),
        (local_name!("dd"), Tag::Block),
        (local_name!("dt"), Tag::Block),
        (local_name!("center"), Tag::Block),
        (local_name!("fieldset"), Tag::Block),
        (local_name!("legend"), Tag::Block),
        (local_name!("caption"), Tag::Block),
        (local_name!("hgroup"), Tag::Block),
    ]
});

impl Tag {
    fn from_local(name: &LocalName) -> Tag {
        TAGS.iter()
            .find(|(n, _)| n == name)
            .map_or(Tag::Inline, |(_, t)| *t)
    }

    /// Whether the element starts a new line of text.
    pub(crate) fn is_block(self) -> bool {
        !matches!(
            self,
            Tag::Inline | Tag::A | Tag::Img | Tag::Time | Tag::Meta | Tag::Link | Tag::Title
        )
    }
}

pub(crate) const NONE: u32 = u32::MAX;

/// Element flags.
pub(crate) mod flag {
    /// Boilerplate by tag, role, class or id: the subtree is never article text.
    pub const PRUNED: u16 = 1;
    /// Inside a pruned subtree.
    pub const IN_PRUNED: u16 = 1 << 1;
    /// Caption or photo credit.
    pub const CAPTION: u16 = 1 << 2;
    /// Byline, dateline, author or date box: metadata, not body.
    pub const BYLINE: u16 = 1 << 3;
    /// Strong article-body marker (`itemprop=articleBody`, `article-body`, `entry-content`…).
    pub const POSITIVE: u16 = 1 << 4;
    /// `<article>` or schema.org Article microdata: the article's outer box.
    pub const ARTICLE: u16 = 1 << 5;
    /// Has a block-level child (so it is a container, not a paragraph).
    pub const HAS_BLOCK_CHILD: u16 = 1 << 6;
    /// Inside an `<a>`.
    pub const IN_LINK: u16 = 1 << 7;
    /// Hidden (attribute, aria-hidden or inline style).
    pub const HIDDEN: u16 = 1 << 8;
    /// Inside a caption.
    pub const IN_CAPTION: u16 = 1 << 9;
    /// Class or id words say furniture; pruned after the walk unless it holds the article.
    pub const NEG_CLASS: u16 = 1 << 10;
    /// Holds the headline or an article-body marker.
    pub const CONTAINS_MAIN: u16 = 1 << 11;
    /// Named as comments, promos, prompts: never un-pruned for its paragraphs.
    pub const VERY_NEGATIVE: u16 = 1 << 12;
    /// Inside `<pre>`: class words there are syntax highlighting (`comment`, `keyword`).
    pub const IN_PRE: u16 = 1 << 13;
    /// [`NEG_CLASS`] only because it is hidden: its name says nothing against it.
    pub const ONLY_HIDDEN: u16 = 1 << 14;
    /// A segment of a streamed page (React's `<div hidden id="S:3">`): rendered late, sent
    /// at the end of the body, and moved into its placeholder by a script.
    pub const STREAMED: u16 = 1 << 15;
}

#[derive(Debug, Clone)]
pub(crate) struct Elem {
    pub tag: Tag,
    pub parent: u32,
    /// Index of the `Open` event; the subtree is `events[open..=close]`.
    pub open: u32,
    pub close: u32,
    /// Byte range of the subtree's text in [`Doc::text`].
    pub text_start: u32,
    pub text_end: u32,
    pub flags: u16,
    /// [`flag::ARTICLE`] boxes in the subtree, itself included (after pruning).
    pub articles: u16,
    /// Readability-style class/id weight (-25, 0, +25…).
    pub class_weight: i16,
    /// Non-whitespace characters of text in the subtree, boilerplate excluded.
    pub text_len: u32,
    /// Of which inside links.
    pub link_len: u32,
    /// Paragraph score accumulated from descendants.
    pub score: f32,
    /// Number of scored paragraphs below.
    pub paras: u32,
    /// Non-link text of the scored paragraphs below (the article-like part of `text_len`).
    pub para_len: u32,
    /// Non-whitespace characters of the element's own text nodes (children excluded).
    own_len: u32,
    own_link: u32,
    own_commas: u32,
    /// Commas in the children's text (scored with the element when it is a paragraph).
    sub_commas: u32,
    /// Subtree text length counting everything but hard-pruned subtrees.
    pub raw_len: u32,
    /// Of which in paragraph-like elements, link text left out.
    pub raw_para: u32,
    /// Of which inside links.
    raw_link: u32,
}

impl Elem {
    pub(crate) fn has(&self, f: u16) -> bool {
        self.flags & f != 0
    }
    pub(crate) fn link_density(&self) -> f32 {
        if self.text_len == 0 {
            0.0
        } else {
            self.link_len as f32 / self.text_len as f32
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Ev {
    Open(u32),
    Close(u32),
    Text(u32, u32),
}

/// A short visible text found on the way (heading, byline, time, caption).
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub elem: u32,
    pub text: String,
    /// The `datetime` attribute for `<time>`; for a link to an author's page, the name its
    /// address spells (folded, see [`author_link_key`]).
    pub attr: String,
    /// Class, id and itemprop words, lower case (for the role of a date).
    pub hint: String,
    /// An author element known only by a person icon or avatar beside it, or read from the
    /// first line of a long author box: account menus and box headings look the same, so
    /// only a person's full name is taken from it.
    pub weak: bool,
}

/// What the walk gathered from the head and the page furniture.
#[derive(Debug, Default)]
pub(crate) struct RawMeta {
    pub html_lang: Option<String>,
    pub title: Option<String>,
    /// (lower-case key, content): `name`, `property`, `http-equiv` and `itemprop` keys.
    pub metas: Vec<(String, String, u32)>,
    pub canonical: Option<String>,
    pub ld_json: Vec<String>,
    pub h1s: Vec<Found>,
    pub times: Vec<Found>,
    pub bylines: Vec<Found>,
    pub authors: Vec<Found>,
    pub captions: Vec<Found>,
    pub first_img: Option<String>,
}

pub(crate) struct Doc {
    pub elems: Vec<Elem>,
    pub events: Vec<Ev>,
    pub text: String,
    pub meta: RawMeta,
    /// Streamed segments (`S:` id suffix, element), in document order.
    pub segments: Vec<(String, u32)>,
    /// Id suffixes of the segments' placeholders (`<template id="B:3">`), in document order:
    /// the order the reader sees the segments in.
    pub placeholders: Vec<String>,
}

impl Doc {
    pub(crate) fn text_of(&self, e: &Elem) -> &str {
        self.text
            .get(e.text_start as usize..e.text_end as usize)
            .unwrap_or("")
    }

    /// Whether `inner` lies in the subtree of `outer`.
    pub(crate) fn contains(&self, outer: u32, inner: u32) -> bool {
        match (
            self.elems.get(outer as usize),
            self.elems.get(inner as usize),
        ) {
            (Some(o), Some(i)) => o.open <= i.open && i.close <= o.close,
            _ => false,
        }
    }
}

/// Caps so a hostile page cannot make the metadata lists grow without bound.
const MAX_FOUND: usize = 64;
const MAX_METAS: usize = 512;
const MAX_LD_JSON: usize = 16;
const MAX_LD_JSON_BYTES: usize = 2 * 1024 * 1024;
const MAX_SHORT_TEXT: usize = 300;
const MAX_SEGMENTS: usize = 256;

struct Frame {
    elem: u32,
    flags: u16,
    /// Text is not collected (script, style, skipped subtrees).
    mute: bool,
    /// Collect the subtree's text on close into one of the `RawMeta` lists.
    collect: Collect,
    attr: String,
    /// See [`Found::weak`].
    weak: bool,
    hint: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Collect {
    None,
    Title,
    H1,
    Time,
    Byline,
    Author,
    Caption,
}

/// Walks the parsed page once.
pub(crate) fn walk(html: &Html) -> Doc {
    let mut doc = Doc {
        elems: Vec::with_capacity(2048),
        events: Vec::with_capacity(8192),
        text: String::with_capacity(64 * 1024),
        meta: RawMeta::default(),
        segments: Vec::new(),
        placeholders: Vec::new(),
    };
    let mut stack: Vec<Frame> = Vec::with_capacity(64);
    let mut cache = AttrCache::new();
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    open_element(&mut doc, &mut stack, el, node, &mut cache);
                }
                Node::Text(t) => {
                    if let Some(top) = stack.last() {
                        if top.mute {
                            continue;
                        }
                        let s: &str = t;
                        push_text(&mut doc, top, s);
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(_) = node.value() {
                    close_element(&mut doc, &mut stack);
                }
            }
        }
    }
    while !stack.is_empty() {
        close_element(&mut doc, &mut stack);
    }
    compute_stats(&mut doc);
    doc
}

fn push_text(doc: &mut Doc, top: &Frame, s: &str) {
    let start = doc.text.len();
    doc.text.push_str(s);
    let end = doc.text.len();
    doc.events.push(Ev::Text(start as u32, end as u32));
    let mut n = 0u32;
    let mut commas = 0u32;
    if s.is_ascii() {
        // Most text nodes: bytes are characters, counted without decoding.
        n = crate::normalise::non_space_chars(s) as u32;
        commas = s.bytes().filter(|&b| b == b',').count() as u32;
    } else {
        for c in s.chars() {
            if !c.is_whitespace() {
                n += 1;
                if matches!(c, ',' | '，' | '、' | '،') {
                    commas += 1;
                }
            }
        }
    }
    if let Some(e) = doc.elems.get_mut(top.elem as usize) {
        e.own_len += n;
        e.own_commas += commas;
        if top.flags & flag::IN_LINK != 0 {
            e.own_link += n;
        }
    }
}

fn open_element(
    doc: &mut Doc,
    stack: &mut Vec<Frame>,
    el: &scraper::node::Element,
    node: ego_tree::NodeRef<'_, Node>,
    cache: &mut AttrCache,
) {
    let tag = Tag::from_local(&el.name.local);
    let idx = doc.elems.len() as u32;
    if tag == Tag::Table {
        uncaption_figure(doc, stack);
    }
    let (parent, parent_flags, parent_mute) = match stack.last() {
        Some(f) => (f.elem, f.flags, f.mute),
        None => (NONE, 0, false),
    };
    let mut flags = 0u16;
    if parent_flags & (flag::PRUNED | flag::IN_PRUNED) != 0 {
        flags |= flag::IN_PRUNED;
    }
    if parent_flags & flag::IN_LINK != 0 || tag == Tag::A {
        flags |= flag::IN_LINK;
    }
    if parent_flags & (flag::CAPTION | flag::IN_CAPTION) != 0 {
        flags |= flag::IN_CAPTION;
    }
    if parent_flags & flag::IN_PRE != 0 || tag == Tag::Pre {
        flags |= flag::IN_PRE;
    }
    let at = Attrs::of(el);
    let class = at.class;
    let id = at.id;
    let role = at.role;
    let itemprop = at.itemprop;
    let ac: AttrClass = classify_attrs_cached(class, id, role, itemprop, cache);
    let mut class_weight = ac.weight;
    if ac.positive {
        flags |= flag::POSITIVE;
    }
    // A streamed segment is hidden only until its script moves it into place.
    let segment = if at.hidden && tag == Tag::Div {
        segment_id(id, "S:")
    } else {
        None
    };
    if let Some(n) = segment {
        flags |= flag::STREAMED;
        if doc.segments.len() < MAX_SEGMENTS {
            doc.segments.push((n.to_string(), idx));
        }
    }
    let hidden = segment.is_none()
        && (at.hidden
            || at
                .aria_hidden
                .is_some_and(|v| v.eq_ignore_ascii_case("true"))
            || at.style.is_some_and(style_hidden));
    if hidden && !matches!(tag, Tag::Html | Tag::Body | Tag::Head) {
        flags |= flag::HIDDEN;
    }
    if tag == Tag::Skip && el.name.local == local_name!("template") {
        if let Some(n) = segment_id(id, "B:") {
            if doc.placeholders.len() < MAX_SEGMENTS {
                doc.placeholders.push(n.to_string());
            }
        }
    }
    let structural = matches!(tag, Tag::Html | Tag::Body | Tag::Main | Tag::Head);
    let tag_pruned = matches!(tag, Tag::Nav | Tag::Footer | Tag::Skip);
    // Headers, asides and hidden boxes sometimes wrap the whole story (page builders,
    // pre-rendered pages revealed by script): furniture only if they turn out not to hold
    // the article.
    let soft_pruned =
        (matches!(tag, Tag::Header | Tag::Aside | Tag::Form) && !ac.positive) || hidden;
    if ac.very_negative {
        flags |= flag::VERY_NEGATIVE;
    }
    // An `<article>` is pruned by its class words only when they say plainly that it is a
    // teaser or a comment: its other classes are taxonomy (tags, categories) and say nothing.
    // A paragraph's class words are styling hooks (`contextmenu`, `tools-note`) more often than
    // furniture names; only the plain furniture kinds prune one.
    let class_pruned = ac.negative
        && !ac.positive
        && parent_flags & flag::IN_PRE == 0
        && (tag != Tag::Article || ac.strong_negative)
        && (tag != Tag::P || ac.very_negative);
    if !structural && tag_pruned {
        flags |= flag::PRUNED;
    } else if !structural && (class_pruned || soft_pruned) {
        flags |= flag::NEG_CLASS;
        if hidden && !class_pruned && !matches!(tag, Tag::Header | Tag::Aside | Tag::Form) {
            flags |= flag::ONLY_HIDDEN;
        }
    }
    if tag == Tag::Article || at.itemtype.contains("Article") || at.itemtype.contains("BlogPosting")
    {
        flags |= flag::ARTICLE;
        class_weight += 10;
    }
    let mut collect = Collect::None;
    if matches!(tag, Tag::Figcaption) || (ac.caption && !structural) {
        flags |= flag::CAPTION;
        collect = Collect::Caption;
    } else if tag == Tag::Figure {
        flags |= flag::CAPTION;
    }
    if ac.byline && !structural && tag != Tag::Article {
        flags |= flag::BYLINE;
        collect = Collect::Byline;
    }
    if ac.author && !structural {
        collect = Collect::Author;
    }
    let mut attr = String::new();
    match tag {
        Tag::Title if parent_flags & flag::IN_PRUNED == 0 => collect = Collect::Title,
        Tag::H1 => collect = Collect::H1,
        Tag::Time => {
            collect = Collect::Time;
            attr = at.get("datetime").unwrap_or("").trim().to_string();
            if attr.is_empty() {
                attr = at.get("content").unwrap_or("").trim().to_string();
            }
        }
        Tag::Html => {
            if let Some(l) = at.get("lang").or_else(|| at.get("xml:lang")) {
                doc.meta.html_lang = Some(l.trim().to_string());
            }
        }
        Tag::Meta => {
            if let Some(content) = at.get("content") {
                let key = el
                    .attr("property")
                    .or_else(|| at.get("name"))
                    .or_else(|| at.get("http-equiv"))
                    .or_else(|| at.get("itemprop"));
                if let Some(k) = key {
                    if doc.meta.metas.len() < MAX_METAS {
                        doc.meta.metas.push((
                            k.trim().to_ascii_lowercase(),
                            content.trim().to_string(),
                            idx,
                        ));
                    }
                }
            }
        }
        Tag::Link => {
            let rel = at.get("rel").unwrap_or("");
            if rel
                .split_ascii_whitespace()
                .any(|r| r.eq_ignore_ascii_case("canonical"))
                && doc.meta.canonical.is_none()
            {
                if let Some(h) = at.get("href") {
                    doc.meta.canonical = Some(h.trim().to_string());
                }
            }
        }
        Tag::Img => {
            if let Some(s) = at.get("src").filter(|s| {
                s.starts_with("http")
                    && doc.meta.first_img.is_none()
                    && flags & (flag::PRUNED | flag::IN_PRUNED) == 0
            }) {
                doc.meta.first_img = Some(s.to_string());
            }
        }
        Tag::Script => {
            let ty = at.get("type").unwrap_or("");
            if ty.eq_ignore_ascii_case("application/ld+json")
                && doc.meta.ld_json.len() < MAX_LD_JSON
            {
                let mut s = String::new();
                for c in node.children() {
                    if let Node::Text(t) = c.value() {
                        if s.len() + t.len() <= MAX_LD_JSON_BYTES {
                            s.push_str(t);
                        }
                    }
                }
                doc.meta.ld_json.push(s);
            }
        }
        _ => {}
    }
    // Microdata values on any element (`<span itemprop="datePublished" content="…">`).
    if tag != Tag::Meta && !itemprop.is_empty() {
        if let Some(v) = at.get("content").or_else(|| at.get("datetime")) {
            if doc.meta.metas.len() < MAX_METAS {
                doc.meta.metas.push((
                    itemprop.trim().to_ascii_lowercase(),
                    v.trim().to_string(),
                    idx,
                ));
            }
        }
    }
    if tag == Tag::A {
        if at.get("rel").is_some_and(|r| {
            r.split_ascii_whitespace()
                .any(|r| r.eq_ignore_ascii_case("author"))
        }) {
            collect = Collect::Author;
        } else if collect == Collect::None {
            // A link to the author's page names the author whatever the box around it is
            // called; the page's address is kept so that only a link whose text is the name
            // in the address counts (not "More from Jane" or a photo).
            if let Some(key) = at.get("href").and_then(author_link_key) {
                collect = Collect::Author;
                attr = key;
            }
        }
    }
    // A person icon or an avatar picture before a short text ("<i class=bi-person></i> Jane
    // Doe", "<img class=avatar> Jane Doe in Business"): the text beside it is a name.
    if matches!(tag, Tag::Inline | Tag::Skip | Tag::Img) && person_marker(class) {
        if let Some(p) = stack.last_mut().filter(|p| p.collect == Collect::None) {
            p.collect = Collect::Author;
            p.weak = true;
        }
    }
    let mute = parent_mute || matches!(tag, Tag::Script | Tag::Style | Tag::Skip | Tag::Head);
    let mute = mute && tag != Tag::Title;
    if tag.is_block() {
        if let Some(p) = doc.elems.get_mut(parent as usize) {
            p.flags |= flag::HAS_BLOCK_CHILD;
        }
        if !doc.text.ends_with('\n') && !doc.text.is_empty() {
            doc.text.push('\n');
        }
    }
    let text_pos = doc.text.len() as u32;
    doc.events.push(Ev::Open(idx));
    doc.elems.push(Elem {
        tag,
        parent,
        open: (doc.events.len() - 1) as u32,
        close: (doc.events.len() - 1) as u32,
        text_start: text_pos,
        text_end: text_pos,
        flags,
        articles: 0,
        class_weight,
        text_len: 0,
        link_len: 0,
        score: 0.0,
        paras: 0,
        para_len: 0,
        own_len: 0,
        own_link: 0,
        own_commas: 0,
        sub_commas: 0,
        raw_len: 0,
        raw_para: 0,
        raw_link: 0,
    });
    if tag == Tag::Br && !doc.text.ends_with('\n') {
        doc.text.push('\n');
    }
    let hint = if collect == Collect::None {
        String::new()
    } else {
        let mut h = String::new();
        for part in [class, id, itemprop] {
            if !part.is_empty() && h.len() < 200 {
                h.push_str(&part.to_lowercase());
                h.push(' ');
            }
        }
        h
    };
    stack.push(Frame {
        elem: idx,
        flags,
        mute,
        collect,
        attr,
        hint,
        weak: false,
    });
}

/// A `<figure>` is an image with its caption until it turns out to hold a table: block editors
/// wrap every table in one (`wp-block-table`), and a table is article text. The figure and the
/// wrappers between it and the table stop being captions; a `<figcaption>` or a caption-named
/// box keeps its own mark. Only the open frames are touched, so the cost is a few stack steps
/// per table.
fn uncaption_figure(doc: &mut Doc, stack: &mut [Frame]) {
    const MAX_WRAPPERS: usize = 3;
    let mut found = None;
    for (k, f) in stack.iter().rev().enumerate().take(MAX_WRAPPERS + 1) {
        if f.flags & flag::CAPTION != 0 {
            let is_figure = doc
                .elems
                .get(f.elem as usize)
                .is_some_and(|e| e.tag == Tag::Figure);
            if is_figure {
                found = Some(k);
            }
            break;
        }
        if f.flags & flag::IN_CAPTION == 0 {
            return;
        }
    }
    let Some(k) = found else { return };
    let n = stack.len();
    for f in stack.iter_mut().skip(n - 1 - k) {
        f.flags &= !(flag::CAPTION | flag::IN_CAPTION);
        if let Some(e) = doc.elems.get_mut(f.elem as usize) {
            e.flags &= !(flag::CAPTION | flag::IN_CAPTION);
        }
    }
}

/// The attributes the walk reads, gathered in one pass (scraper's `attr` makes an atom of the
/// name and binary-searches the attributes on every call, and the walk would otherwise make a
/// dozen calls per element; links alone ask for `rel` and `href`).
#[derive(Default)]
struct Attrs<'a> {
    class: &'a str,
    id: &'a str,
    role: &'a str,
    itemprop: &'a str,
    itemtype: &'a str,
    hidden: bool,
    aria_hidden: Option<&'a str>,
    style: Option<&'a str>,
    /// Read through [`Attrs::get`]: un-namespaced attributes only, as `Element::attr` sees
    /// them.
    rel: Option<&'a str>,
    href: Option<&'a str>,
    src: Option<&'a str>,
    content: Option<&'a str>,
    datetime: Option<&'a str>,
    el: Option<&'a scraper::node::Element>,
}

impl<'a> Attrs<'a> {
    fn of(el: &'a scraper::node::Element) -> Attrs<'a> {
        let mut a = Attrs {
            el: Some(el),
            ..Attrs::default()
        };
        for (qual, value) in el.attrs.iter() {
            let name: &str = &qual.local;
            let value: &str = value;
            match name {
                "class" => a.class = value,
                "id" => a.id = value,
                "role" => a.role = value,
                "itemprop" => a.itemprop = value,
                "itemtype" => a.itemtype = value,
                "hidden" => a.hidden = true,
                "aria-hidden" => a.aria_hidden = Some(value),
                "style" => a.style = Some(value),
                _ => {}
            }
            if qual.prefix.is_none() && qual.ns == markup5ever::ns!() {
                match name {
                    "rel" => a.rel = Some(value),
                    "href" => a.href = Some(value),
                    "src" => a.src = Some(value),
                    "content" => a.content = Some(value),
                    "datetime" => a.datetime = Some(value),
                    _ => {}
                }
            }
        }
        a
    }

    /// Any other attribute, by its plain (un-namespaced) name.
    fn get(&self, name: &str) -> Option<&'a str> {
        match name {
            "rel" => self.rel,
            "href" => self.href,
            "src" => self.src,
            "content" => self.content,
            "datetime" => self.datetime,
            _ => self.el.and_then(|e| e.attr(name)),
        }
    }
}

/// Whether class words name a person icon of an icon font (`bi-person`, `fa-user`,
/// `icon-author`) or an avatar picture.
fn person_marker(class: &str) -> bool {
    class.split_ascii_whitespace().any(|w| {
        if w.eq_ignore_ascii_case("avatar") {
            return true;
        }
        // Compared without case and without a lower-case copy: this runs on every inline
        // element's class.
        let Some((set, name)) = w.split_once('-') else {
            return false;
        };
        [
            "bi",
            "fa",
            "icon",
            "ti",
            "feather",
            "glyphicon",
            "mdi",
            "ion",
        ]
        .iter()
        .any(|s| set.eq_ignore_ascii_case(s))
            && ["user", "person", "author"].iter().any(|p| {
                let n = name.as_bytes();
                n.eq_ignore_ascii_case(p.as_bytes())
                    || (n
                        .get(..p.len())
                        .is_some_and(|b| b.eq_ignore_ascii_case(p.as_bytes()))
                        && n.get(p.len()) == Some(&b'-'))
            })
    })
}

/// Address parts that lead to a person's page on news sites and blogs (`/authors/jane-doe`,
/// `/profile/jane-doe`, `/our_people/jane-doe/`). Not "people": that is a news section as often
/// ("/people/real-life").
const AUTHOR_PAGES: &[&str] = &[
    "author",
    "authors",
    "autor",
    "autoren",
    "auteur",
    "auteurs",
    "autore",
    "by",
    "byline",
    "columnist",
    "columnists",
    "contributor",
    "contributors",
    "journalist",
    "journalists",
    "our_people",
    "our-people",
    "profile",
    "profiles",
    "reporter",
    "reporters",
    "reviewer",
    "reviewers",
    "staff",
    "team",
    "writer",
    "writers",
];

/// The person an author-page address names, folded for comparison with a link's text
/// (`/authors/jane-doe` and `/profiles/jane-doe-30942` give "janedoe", `?_author=Jane%20Doe`
/// too); `None` for any other address.
pub(crate) fn author_link_key(href: &str) -> Option<String> {
    let h = href.trim();
    if h.len() > 300 {
        return None;
    }
    let h = h.split('#').next().unwrap_or("");
    let (path, query) = h.split_once('?').unwrap_or((h, ""));
    for param in query.split('&') {
        let Some((k, v)) = param.split_once('=') else {
            continue;
        };
        if k.trim_start_matches('_').eq_ignore_ascii_case("author") {
            let key = crate::normalise::fold_key(&v.replace("%20", " "));
            return (key.chars().count() >= 4).then_some(key);
        }
    }
    // The path after the scheme and host.
    let path = match path.as_bytes().windows(2).position(|w| w == b"//") {
        Some(i) => path
            .get(i + 2..)
            .and_then(|r| r.find('/').and_then(|j| r.get(j..)))?,
        None => path,
    };
    let mut segs = path.rsplit('/').filter(|s| !s.is_empty());
    let slug = segs.next()?;
    let kind = segs.next()?;
    if !AUTHOR_PAGES.iter().any(|k| kind.eq_ignore_ascii_case(k)) {
        return None;
    }
    let slug = slug.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_');
    // On author pages proper a one-word address is a user name ("/author/jdoe"); under
    // "people", "team" or "profile" it is as often a group ("/people/alumni").
    let author_proper = kind.to_ascii_lowercase().starts_with("aut")
        || kind.to_ascii_lowercase().starts_with("writer");
    if !author_proper && !slug.contains(['-', '_', '.', '+']) {
        return None;
    }
    let key = crate::normalise::fold_key(slug);
    (key.chars().count() >= 4 && !key.chars().any(|c| c.is_ascii_digit())).then_some(key)
}

/// The number in React's ids for streamed Suspense segments (`S:1c`) and their placeholders
/// (`B:1c`).
fn segment_id<'a>(id: &'a str, prefix: &str) -> Option<&'a str> {
    id.strip_prefix(prefix)
        .filter(|n| !n.is_empty() && n.len() <= 8 && n.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn style_hidden(style: &str) -> bool {
    // Whitespace dropped and lower-cased as a stream (no copy of the style per element).
    let mut display = CharMatcher::new("display:none");
    let mut visibility = CharMatcher::new("visibility:hidden");
    style
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .any(|c| display.step(c) | visibility.step(c))
}

/// A substring search over a stream of characters (Knuth-Morris-Pratt), for short ASCII
/// needles.
struct CharMatcher {
    needle: &'static [u8],
    fail: [u8; 32],
    k: usize,
}

impl CharMatcher {
    fn new(needle: &'static str) -> CharMatcher {
        let needle = needle.as_bytes();
        let needle = needle.get(..needle.len().min(32)).unwrap_or(needle);
        let mut fail = [0u8; 32];
        let mut k = 0usize;
        for i in 1..needle.len() {
            while k > 0 && needle.get(i) != needle.get(k) {
                k = fail.get(k - 1).map_or(0, |&f| f as usize);
            }
            if needle.get(i) == needle.get(k) {
                k += 1;
            }
            if let Some(f) = fail.get_mut(i) {
                *f = k as u8;
            }
        }
        CharMatcher { needle, fail, k: 0 }
    }

    /// Feeds one character; whether the needle ends with it.
    fn step(&mut self, c: char) -> bool {
        let at = |k: usize| self.needle.get(k).map(|&b| char::from(b));
        while self.k > 0 && at(self.k) != Some(c) {
            self.k = self.fail.get(self.k - 1).map_or(0, |&f| f as usize);
        }
        if at(self.k) == Some(c) {
            self.k += 1;
        }
        if self.k == self.needle.len() {
            self.k = self
                .fail
                .get(self.k.saturating_sub(1))
                .map_or(0, |&f| f as usize);
            return true;
        }
        false
    }
}

fn close_element(doc: &mut Doc, stack: &mut Vec<Frame>) {
    let Some(frame) = stack.pop() else { return };
    let idx = frame.elem;
    let ev = doc.events.len() as u32;
    doc.events.push(Ev::Close(idx));
    let text_end = doc.text.len() as u32;
    let Some(e) = doc.elems.get_mut(idx as usize) else {
        return;
    };
    e.close = ev;
    e.text_end = text_end;
    let tag = e.tag;
    if tag.is_block() && !doc.text.ends_with('\n') {
        doc.text.push('\n');
    }
    let text_range = (e.text_start as usize, e.text_end as usize);

    // Short texts for metadata, whatever the pruning (bylines often sit in pruned headers).
    if frame.collect != Collect::None {
        let mut raw = doc.text.get(text_range.0..text_range.1).unwrap_or("");
        let mut weak = frame.weak;
        // An author box that runs on into the bio: its first line may be the name.
        if frame.collect == Collect::Author && raw.len() > MAX_SHORT_TEXT {
            if let Some(first) = raw
                .split('\n')
                .map(str::trim)
                .find(|l| !l.is_empty())
                .filter(|l| l.len() < raw.trim().len())
            {
                raw = first;
                weak = true;
            }
        }
        if raw.len() <= MAX_SHORT_TEXT * 4 {
            let text = crate::normalise::normalise_inline(raw);
            if text.chars().count() <= MAX_SHORT_TEXT || frame.collect == Collect::Caption {
                let found = Found {
                    elem: idx,
                    text,
                    attr: frame.attr,
                    hint: frame.hint,
                    weak,
                };
                let list = match frame.collect {
                    Collect::Title => {
                        if doc.meta.title.is_none() {
                            doc.meta.title = Some(found.text.clone());
                        }
                        None
                    }
                    Collect::H1 => Some(&mut doc.meta.h1s),
                    Collect::Time => Some(&mut doc.meta.times),
                    Collect::Byline => Some(&mut doc.meta.bylines),
                    Collect::Author => Some(&mut doc.meta.authors),
                    Collect::Caption => Some(&mut doc.meta.captions),
                    Collect::None => None,
                };
                if let Some(list) = list {
                    if list.len() < MAX_FOUND {
                        list.push(found);
                    }
                }
            }
        }
    }
}

/// Non-link paragraph text that makes a furniture-named box part of the article.
const PROSE_MIN: u32 = 600;

/// Non-link text written straight into a container that counts as one of its paragraphs.
const LOOSE_MIN: u32 = 100;

/// Statistics after the walk, in three linear passes over the preorder arena (a child always
/// has a larger index than its parent, so a reverse scan sees subtrees complete):
/// raw subtree sizes, then pruning decided top-down (a furniture-named wrapper that holds the
/// headline or most of the page is not furniture), then clean sizes and paragraph scores.
pub(crate) fn compute_stats(doc: &mut Doc) {
    let n = doc.elems.len();
    // Pass A: raw sizes and "holds the main content" marks.
    for i in (0..n).rev() {
        let Some(e) = doc.elems.get_mut(i) else {
            continue;
        };
        if e.has(flag::PRUNED) {
            continue;
        }
        e.raw_len += e.own_len;
        e.raw_link += if e.tag == Tag::A {
            e.own_len
        } else {
            e.own_link
        };
        if matches!(e.tag, Tag::H1) || e.has(flag::POSITIVE) {
            e.flags |= flag::CONTAINS_MAIN;
        }
        let leafish = e.flags & flag::HAS_BLOCK_CHILD == 0;
        if matches!(e.tag, Tag::P | Tag::Pre | Tag::Li | Tag::Blockquote)
            || (leafish
                && matches!(
                    e.tag,
                    Tag::Div | Tag::Td | Tag::Section | Tag::Block | Tag::Form
                ))
        {
            e.raw_para = e.raw_len.saturating_sub(e.raw_link);
        }
        let (raw, raw_para, raw_link, main, parent) = (
            e.raw_len,
            e.raw_para,
            if e.tag == Tag::A {
                e.raw_len
            } else {
                e.raw_link
            },
            e.flags & flag::CONTAINS_MAIN,
            e.parent,
        );
        if let Some(p) = doc.elems.get_mut(parent as usize) {
            p.raw_len += raw;
            p.raw_para += raw_para;
            p.raw_link += raw_link;
            p.flags |= main;
        }
    }
    let body = doc.elems.iter().find(|e| e.tag == Tag::Body);
    let page_len = body.map_or(0, |e| e.raw_len).max(1);
    let page_para = body.map_or(0, |e| e.raw_para).max(1);
    // Pass B: pruning, top-down.
    for i in 0..n {
        let parent_flags = match doc.elems.get(i).map(|e| e.parent) {
            Some(p) => doc.elems.get(p as usize).map_or(0, |pe| pe.flags),
            None => 0,
        };
        let Some(e) = doc.elems.get_mut(i) else {
            continue;
        };
        if parent_flags & (flag::PRUNED | flag::IN_PRUNED) != 0 {
            e.flags |= flag::IN_PRUNED;
        }
        if parent_flags & (flag::CAPTION | flag::IN_CAPTION) != 0 {
            e.flags |= flag::IN_CAPTION;
        }
        if e.has(flag::NEG_CLASS) && !e.has(flag::IN_PRUNED) {
            let holds_article =
                e.has(flag::CONTAINS_MAIN) && e.raw_len as u64 * 10 >= page_len as u64 * 2;
            let holds_page = e.raw_len as u64 * 10 >= page_len as u64 * 6;
            // Half the page's paragraph text is not furniture, whatever the box is called
            // (`sidebar-content` columns, `content-nav-section` wrappers, page-builder
            // widgets), unless the name says comments, promos or prompts.
            let holds_paragraphs = !e.has(flag::VERY_NEGATIVE)
                && e.raw_para >= 1000
                && e.raw_para as u64 * 2 >= page_para as u64;
            // A box made of long prose is a piece of the article, whatever its name says
            // (articles split into `content-nav-section`s, bodies inside `sidebar-layout`).
            let is_prose = !e.has(flag::VERY_NEGATIVE)
                && e.raw_para >= PROSE_MIN
                && e.raw_para as u64 * 10 >= e.raw_len as u64 * 7
                && (e.raw_para as u64 * 4 >= page_para as u64 || e.has(flag::ONLY_HIDDEN));
            if !holds_article && !holds_page && !holds_paragraphs && !is_prose {
                e.flags |= flag::PRUNED;
            }
        }
    }
    // Pass C: clean sizes and scores, bottom-up.
    for i in (0..n).rev() {
        let Some(e) = doc.elems.get_mut(i) else {
            continue;
        };
        if e.has(flag::PRUNED | flag::IN_PRUNED) {
            continue;
        }
        e.text_len += e.own_len;
        e.link_len += if e.tag == Tag::A {
            e.own_len
        } else {
            e.own_link
        };
        let commas = e.own_commas + e.sub_commas;
        let own_commas = e.own_commas;
        let own_plain = e.own_len.saturating_sub(e.own_link);
        let tag = e.tag;
        let flags = e.flags;
        let (text_len, link_len, parent, paras) = (e.text_len, e.link_len, e.parent, e.paras);
        let mut para_len = e.para_len;
        let is_para = matches!(tag, Tag::P | Tag::Pre | Tag::Td)
            || (matches!(
                tag,
                Tag::Div | Tag::Section | Tag::Blockquote | Tag::Block | Tag::Form
            ) && flags & flag::HAS_BLOCK_CHILD == 0);
        let caption = flags & (flag::CAPTION | flag::IN_CAPTION) != 0;
        let mut content = 0.0f32;
        if is_para && !caption && text_len >= 20 {
            content = 1.0 + (commas.min(40) as f32) + (text_len as f32 / 85.0).floor().min(3.0);
            let ld = link_len as f32 / text_len.max(1) as f32;
            content *= 1.0 - ld.min(1.0);
            if content > 0.0 {
                para_len = text_len.saturating_sub(link_len);
                e.para_len = para_len;
            }
        } else if matches!(tag, Tag::Li | Tag::H)
            && !caption
            && text_len >= 20
            && link_len * 2 < text_len
        {
            // List items and headings are article text too (not scored: navigation is made of
            // lists), so they count towards the article-like share of a container.
            para_len = text_len.saturating_sub(link_len);
            e.para_len = para_len;
        }
        // Text written straight into a container between its blocks (paragraphs split by
        // `<br>` or empty spans, a CMS's bare text) is a paragraph of the container: readability
        // wraps such runs in `<p>`; scoring them here does the same without a tree edit.
        let mut loose = 0.0f32;
        if !is_para
            && !caption
            && own_plain >= LOOSE_MIN
            && matches!(
                tag,
                Tag::Div
                    | Tag::Section
                    | Tag::Article
                    | Tag::Main
                    | Tag::Td
                    | Tag::Blockquote
                    | Tag::Block
            )
        {
            loose = 1.0 + (own_commas.min(40) as f32) + (own_plain as f32 / 85.0).floor().min(3.0);
            e.score += loose;
            e.paras += 1;
            para_len += own_plain;
            e.para_len = para_len;
        }
        let paras = paras + u32::from(loose > 0.0);
        if flags & flag::ARTICLE != 0 {
            e.articles = e.articles.saturating_add(1);
        }
        let articles = e.articles;
        if let Some(p) = doc.elems.get_mut(parent as usize) {
            p.articles = p.articles.saturating_add(articles);
            if !caption {
                p.text_len += text_len;
                p.link_len += if tag == Tag::A { text_len } else { link_len };
                p.sub_commas += commas;
            }
            p.paras += paras + u32::from(content > 0.0);
            if !caption {
                p.para_len += para_len;
            }
        }
        if loose > 0.0 {
            let mut anc = parent;
            let mut level = 2u32;
            while anc != NONE && level <= 5 {
                let Some(a) = doc.elems.get_mut(anc as usize) else {
                    break;
                };
                a.score += loose / if level == 2 { 2.0 } else { level as f32 * 3.0 };
                anc = a.parent;
                level += 1;
            }
        }
        if content > 0.0 {
            let mut anc = parent;
            let mut level = 1u32;
            while anc != NONE && level <= 5 {
                let Some(a) = doc.elems.get_mut(anc as usize) else {
                    break;
                };
                let div = match level {
                    1 => 1.0,
                    2 => 2.0,
                    l => l as f32 * 3.0,
                };
                a.score += content / div;
                anc = a.parent;
                level += 1;
            }
        }
    }
}

/// Whether `elem` sits in furniture (comments, related lists, sidebars) below `scope`.
pub(crate) fn in_furniture(doc: &Doc, elem: u32, scope: u32) -> bool {
    let mut a = elem;
    let mut n = 0;
    while a != NONE && a != scope && n < 200 {
        let Some(e) = doc.elems.get(a as usize) else {
            break;
        };
        if e.has(flag::PRUNED) && e.tag != Tag::Header && e.tag != Tag::Skip {
            return true;
        }
        a = e.parent;
        n += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::author_link_key;

    #[test]
    fn author_page_addresses() {
        let key = |h: &str| author_link_key(h);
        assert_eq!(key("/authors/jane-doe").as_deref(), Some("janedoe"));
        assert_eq!(
            key("https://example.com/blog/author/jane-doe/").as_deref(),
            Some("janedoe")
        );
        assert_eq!(
            key("https://example.org/profiles/jane-q-doe-309429").as_deref(),
            Some("janeqdoe")
        );
        assert_eq!(
            key("/library/?_author=Jane%20Doe").as_deref(),
            Some("janedoe")
        );
        assert_eq!(key("/author/jdoe").as_deref(), Some("jdoe"));
        // One word under "team" or "profile" is a group or a page, not a person.
        assert_eq!(key("/team/alumni"), None);
        assert_eq!(key("/team/jane-doe").as_deref(), Some("janedoe"));
        assert_eq!(key("/people/real-life"), None);
        assert_eq!(key("/news/jane-doe"), None);
        assert_eq!(key("/author/"), None);
        assert_eq!(key("https://example.com/"), None);
    }

    #[test]
    fn hidden_styles_without_a_copy() {
        use super::style_hidden;
        assert!(style_hidden("display:none"));
        assert!(style_hidden("color: red; Display : NONE ;"));
        assert!(style_hidden("visibility:\thidden"));
        assert!(style_hidden("displaydisplay:none"));
        assert!(style_hidden("visibility:visibility:hidden"));
        assert!(!style_hidden("display:block; visibility:visible"));
        assert!(style_hidden("dis play:no ne-ish"));
        assert!(!style_hidden("dİsplay:none"));
        assert!(!style_hidden(""));
    }

    #[test]
    fn person_markers() {
        use super::person_marker;
        assert!(person_marker("bi bi-person"));
        assert!(person_marker("fa fa-user-circle"));
        assert!(person_marker("avatar avatar-xs"));
        assert!(!person_marker("fa fa-users-cog fa-username"));
        assert!(!person_marker("user-menu"));
        assert!(!person_marker("icon-userguide"));
    }
}
