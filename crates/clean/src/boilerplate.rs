//! What page furniture looks like.
//!
//! Two kinds of evidence, both general rather than per-site: the words sites use in class and
//! id names for their furniture (share bars, "related", newsletter boxes, ad slots…), and the
//! short stock lines that survive inside article containers ("Advertisement", "Reading time: 3
//! min", "Sign up for our newsletter"). Class words are matched per token, and state modifiers
//! such as `has-sidebar` are ignored: the article's own wrapper often carries them, and pruning
//! it would lose the whole body.

/// What an element's class, id, role and itemprop say about it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AttrClass {
    /// Furniture: prune the subtree.
    pub negative: bool,
    /// Furniture that can look like an article (teasers, comments, related stories).
    pub strong_negative: bool,
    /// Furniture that may hold long paragraphs (comments, promos, prompts).
    pub very_negative: bool,
    /// A strong article-body marker.
    pub positive: bool,
    /// Byline, dateline or date box.
    pub byline: bool,
    /// Author name box.
    pub author: bool,
    /// Caption or photo credit.
    pub caption: bool,
    /// Readability-style weight for candidate scoring.
    pub weight: i16,
}

const NEG_ANYWHERE: &[&str] = &[
    "share",
    "social",
    "newsletter",
    "subscri",
    "signup",
    "sign-up",
    "cookie",
    "consent",
    "gdpr",
    "related",
    "recommend",
    "mostread",
    "most-read",
    "most_read",
    "mostpopular",
    "most-popular",
    "popular",
    "trending",
    "outbrain",
    "taboola",
    "promo",
    "advert",
    "sponsor",
    "comment",
    "disqus",
    "breadcrumb",
    "pagination",
    "banner",
    "popup",
    "modal",
    "skiplink",
    "skip-link",
    "sidebar",
    "readmore",
    "read-more",
    "morefrom",
    "more-from",
    "more-stories",
    "morestories",
    "also-read",
    "alsoread",
    "read-next",
    "readnext",
    "up-next",
    "upnext",
    "toolbar",
    "masthead",
    "sr-only",
    "visually-hidden",
    "screen-reader",
    "screenreader",
    "adslot",
    "ad-slot",
    "adsense",
    "adunit",
    "ad-unit",
    "ad-container",
    "ad-wrapper",
    "adwrapper",
    "adcontainer",
    "dfp",
    "paid-content",
    "print-only",
    "donate",
    "login",
    "follow",
    "jump-link",
    "table-of-contents",
    "author-bio",
    "authorbio",
    "author-box",
    "about-author",
    "about-the-author",
    "site-header",
    "site-footer",
    "page-footer",
    "page-header",
    "nav-",
    "-nav",
    "navbar",
    "navigation",
    "menu",
    "footer",
    "rating",
    "feedback",
    "pullquote",
    "pull-quote",
    "inline-ad",
    "native-ad",
    "testimonial",
    "recent-post",
    "recentpost",
    "recent-article",
];

const POSITIVE_WORDS: &[&str] = &[
    "article", "story", "entry", "post", "news", "blog", "main", "single",
];
const POSITIVE_PARTS: &[&str] = &["body", "content", "text"];

/// What a page's class and id words were classified as, so that each is classified once.
#[derive(Default)]
pub(crate) struct AttrCache {
    /// By word (pages repeat a few hundred class words over thousands of elements).
    words: rustc_hash::FxHashMap<String, AttrClass>,
    /// By whole `class` value: a page's elements share a few hundred class lists, so one
    /// lookup answers for all the list's words.
    classes: rustc_hash::FxHashMap<String, AttrClass>,
    /// Bytes of the keys in `classes` (bounded, like the number of words).
    class_bytes: usize,
}

impl AttrCache {
    pub(crate) fn new() -> AttrCache {
        AttrCache {
            words: rustc_hash::FxHashMap::with_capacity_and_hasher(1024, Default::default()),
            classes: rustc_hash::FxHashMap::with_capacity_and_hasher(512, Default::default()),
            class_bytes: 0,
        }
    }

    fn word(&mut self, raw: &str) -> AttrClass {
        match self.words.get(raw) {
            Some(c) => *c,
            None => {
                let c = classify_words(raw);
                if self.words.len() < 8192 {
                    self.words.insert(raw.to_string(), c);
                }
                c
            }
        }
    }

    /// The words of a `class` value merged. Merging is order-free (flags are or-ed, weights
    /// added), so merging this into an element's class equals merging word by word as long
    /// as the weight cannot saturate: each word weighs at most 25 either way, so lists up to
    /// [`CLASS_CACHE_MAX`] bytes (at most half as many words) stay far from `i16` limits.
    fn class(&mut self, class: &str) -> AttrClass {
        if let Some(c) = self.classes.get(class) {
            return *c;
        }
        let mut ac = AttrClass::default();
        for raw in class.split_ascii_whitespace() {
            let c = self.word(raw);
            merge(&mut ac, c);
        }
        if class.len() <= CLASS_CACHE_MAX && self.class_bytes + class.len() <= 1024 * 1024 {
            self.class_bytes += class.len();
            self.classes.insert(class.to_string(), ac);
        }
        ac
    }
}

/// Longest `class` value cached whole (see [`AttrCache::class`]).
const CLASS_CACHE_MAX: usize = 1000;

/// Classifies an element by its attributes.
pub(crate) fn classify_attrs_cached(
    class: &str,
    id: &str,
    role: &str,
    itemprop: &str,
    cache: &mut AttrCache,
) -> AttrClass {
    let mut ac = classify_special(role, itemprop);
    if class.len() <= CLASS_CACHE_MAX {
        let c = cache.class(class);
        merge(&mut ac, c);
    } else {
        for raw in class.split_ascii_whitespace() {
            let c = cache.word(raw);
            merge(&mut ac, c);
        }
    }
    for raw in id.split_ascii_whitespace() {
        let c = cache.word(raw);
        merge(&mut ac, c);
    }
    if ac.positive {
        ac.byline = false;
    }
    ac
}

/// Classifies an element by its attributes (uncached).
#[cfg(test)]
pub(crate) fn classify_attrs(class: &str, id: &str, role: &str, itemprop: &str) -> AttrClass {
    classify_attrs_cached(class, id, role, itemprop, &mut AttrCache::new())
}

fn merge(ac: &mut AttrClass, c: AttrClass) {
    ac.negative |= c.negative;
    ac.strong_negative |= c.strong_negative;
    ac.very_negative |= c.very_negative;
    ac.positive |= c.positive;
    ac.byline |= c.byline;
    ac.author |= c.author;
    ac.caption |= c.caption;
    ac.weight = ac.weight.saturating_add(c.weight);
}

fn classify_special(role: &str, itemprop: &str) -> AttrClass {
    let mut ac = AttrClass::default();
    if !itemprop.is_empty() {
        let ip = itemprop.to_ascii_lowercase();
        if ip.contains("articlebody") {
            ac.positive = true;
            ac.weight += 50;
        }
        if ip
            .split_ascii_whitespace()
            .any(|w| w == "author" || w == "creator")
        {
            ac.author = true;
        }
        if ip.contains("datepublished") || ip.contains("datemodified") {
            ac.byline = true;
        }
    }
    if !role.is_empty() {
        let r = role.to_ascii_lowercase();
        if matches!(
            r.as_str(),
            "navigation"
                | "banner"
                | "contentinfo"
                | "complementary"
                | "dialog"
                | "alertdialog"
                | "menu"
                | "menubar"
                | "search"
                | "toolbar"
        ) {
            ac.negative = true;
        }
    }
    ac
}

fn classify_words(words: &str) -> AttrClass {
    let mut ac = AttrClass::default();
    for raw in words.split_ascii_whitespace() {
        if raw.len() > 80 {
            continue;
        }
        // Utility-class frameworks (`md:col-span-8`, `[&_p]:mt-sm`) say nothing about content.
        if raw.contains('[') || raw.contains(':') {
            continue;
        }
        // Class words are nearly always lower case already: no copy for those.
        let t: std::borrow::Cow<'_, str> = if raw.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(raw.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(raw)
        };
        let t: &str = &t;
        // Most class words (layout, utility, hashed CSS-module names) mention nothing we look
        // for: the cheap exact checks and one automaton pass reject them before the
        // overlapping search and the detailed checks below.
        if !is_exact_negative(t) && !is_ad_token(t) && !mentions_anything(t) {
            continue;
        }
        let found = Found::of(t);
        let has = |w: &str| found.has(w, t);
        // State modifiers describe the page, not the box.
        if [
            "has-",
            "no-",
            "with-",
            "is-",
            "show-",
            "hide-",
            "js-",
            "page-",
            "template-",
            "single-format",
            "category-",
            "tag-",
            "tags-",
            "postid-",
            "post-",
            "type-",
            "status-",
            "format-",
            "cat-",
            "topic-",
            "node-",
            "path-",
        ]
        .iter()
        .any(|p| t.starts_with(p))
            && !(t.starts_with("post-") && has("author"))
            || STATE_PARTS.iter().any(|p| has(p))
        {
            continue;
        }
        let positive = (POSITIVE_WORDS.iter().any(|w| has(w))
            && POSITIVE_PARTS.iter().any(|w| has(w)))
            || t == "content"
            || t == "main-content"
            || t == "maincontent"
            || t == "rich-text"
            || t == "richtext"
            || has("prose");
        if positive
            && !has("related")
            && !has("comment")
            && !has("sidebar")
            && !has("footer")
            && !has("header")
            && !has("list")
            && !has("teaser")
            && !has("card")
            && !has("meta")
            && !has("info")
            && !has("tags")
            && !has("title")
            && !has("author")
        {
            ac.positive = true;
            ac.weight += 25;
        }
        // The excerpt of a post, card or list item is a preview of another story; an excerpt
        // of anything else (a venue, a product) can be what the article lists.
        let teaser_excerpt = has("excerpt") && EXCERPT_OF.iter().any(|w| has(w));
        if teaser_excerpt {
            ac.strong_negative = true;
            ac.very_negative = true;
        }
        if teaser_excerpt || is_ad_token(t) || has_negative_word(t) || is_exact_negative(t) {
            ac.negative = true;
            ac.weight -= 25;
            if STRONG_NEGATIVE_PARTS.iter().any(|w| has(w)) {
                ac.strong_negative = true;
            }
            if VERY_NEGATIVE_PARTS.iter().any(|w| has(w)) {
                ac.very_negative = true;
            }
        }
        if has("byline")
            || has("dateline")
            || has("date")
            || has("timestamp")
            || has("publish")
            || has("posted")
            || has("updated")
            || t == "time"
            || t.ends_with("-time")
            || t.ends_with("_time")
            || t.starts_with("time-")
            || names_meta(t)
            || has("author")
        {
            // Author boxes and date lines: metadata, kept out of the body but read for
            // authors and dates.
            if !has("update") || t.len() < 24 {
                ac.byline = true;
            }
        }
        if has("author") && (has("name") || (!has("bio") && !has("box"))) {
            ac.author = true;
        }
        if has("caption") || has("credit") || t == "wp-caption-text" {
            ac.caption = true;
        }
    }
    ac
}

/// Class-word states that describe the page, not the box (`no-sidebar`, `full-width`).
const STATE_PARTS: &[&str] = &[
    "no-sidebar",
    "nosidebar",
    "without-sidebar",
    "has-sidebar",
    "sidebar-none",
    "full-width",
    "no-comments",
    "comments-closed",
    "no-ads",
];

/// What an excerpt must be of to be a teaser's.
const EXCERPT_OF: &[&str] = &["post", "article", "entry", "item", "card", "tile"];

/// The single substrings `classify_words` tests for besides its lists.
const CLASSIFY_SINGLES: &[&str] = &[
    "author",
    "bio",
    "box",
    "byline",
    "caption",
    "card",
    "comment",
    "credit",
    "date",
    "dateline",
    "excerpt",
    "footer",
    "header",
    "info",
    "list",
    "meta",
    "name",
    "posted",
    "prose",
    "publish",
    "related",
    "sidebar",
    "tags",
    "teaser",
    "timestamp",
    "title",
    "update",
    "updated",
];

/// The word lists `classify_words` tests class words against.
const CLASSIFY_LISTS: [&[&str]; 7] = [
    POSITIVE_WORDS,
    POSITIVE_PARTS,
    STRONG_NEGATIVE_PARTS,
    VERY_NEGATIVE_PARTS,
    STATE_PARTS,
    EXCERPT_OF,
    CLASSIFY_SINGLES,
];

/// Every substring `classify_words` looks for, in one automaton: a class word is tested for
/// some hundred substrings, and one overlapping pass over the word finds them all at once
/// (separate `contains` calls were a tenth of the stage's time).
static CLASSIFY_MATCHER: std::sync::LazyLock<
    Option<(aho_corasick::AhoCorasick, Vec<&'static str>)>,
> = std::sync::LazyLock::new(|| {
    let mut all: Vec<&'static str> = CLASSIFY_LISTS.concat();
    all.sort_unstable();
    all.dedup();
    let ac = dfa(&all)?;
    Some((ac, all))
});

/// The needles of [`CLASSIFY_MATCHER`] found in one class word.
struct Found {
    items: [&'static str; 16],
    len: usize,
    /// More matches than `items` holds, or no automaton: answer with `contains`.
    fallback: bool,
}

impl Found {
    fn of(t: &str) -> Found {
        let mut f = Found {
            items: [""; 16],
            len: 0,
            fallback: false,
        };
        let Some((ac, all)) = CLASSIFY_MATCHER.as_ref() else {
            f.fallback = true;
            return f;
        };
        for m in ac.find_overlapping_iter(t) {
            match (f.items.get_mut(f.len), all.get(m.pattern().as_usize())) {
                (Some(slot), Some(w)) => {
                    *slot = w;
                    f.len += 1;
                }
                _ => {
                    f.fallback = true;
                    break;
                }
            }
        }
        f
    }

    /// Whether `t` (the word `self` was built from) contains `w`, one of the needles.
    fn has(&self, w: &str, t: &str) -> bool {
        if self.fallback {
            return t.contains(w);
        }
        let found = self.items.get(..self.len).is_some_and(|s| s.contains(&w));
        debug_assert_eq!(found, t.contains(w), "{w:?} missing from CLASSIFY_SINGLES");
        found
    }
}

/// `meta` as a word of a class name (`entry-meta`, `postmeta`, `article-metadata`), not inside
/// another word (`metafield` is a CMS's name for a content field).
fn names_meta(t: &str) -> bool {
    t.split(['-', '_']).any(|w| {
        w == "meta" || w == "metas" || w == "metadata" || (w.ends_with("meta") && w.len() > 4)
    })
}

/// One automaton for all furniture words: class words are matched for every element of every
/// page, and a hundred `contains` calls per word showed up as the stage's hottest spot.
static NEG_MATCHER: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
    std::sync::LazyLock::new(|| dfa(NEG_ANYWHERE));

/// Every substring the detailed checks in `classify_words` look for.
const ANY_WORDS: &[&str] = &[
    "article",
    "story",
    "entry",
    "post",
    "news",
    "blog",
    "main",
    "single",
    "body",
    "content",
    "text",
    "prose",
    "byline",
    "dateline",
    "date",
    "timestamp",
    "publish",
    "posted",
    "updated",
    "time",
    "meta",
    "author",
    "caption",
    "credit",
    "excerpt",
];

/// Furniture that can look like an article (teasers, comments, related stories).
const STRONG_NEGATIVE_PARTS: &[&str] = &[
    "related",
    "recommend",
    "promo",
    "comment",
    "teaser",
    "sidebar",
    "popular",
    "trending",
    "more-",
    "card",
];

/// Furniture that may hold long paragraphs (comments, promos, prompts).
const VERY_NEGATIVE_PARTS: &[&str] = &[
    "comment",
    "related",
    "recommend",
    "promo",
    "teaser",
    "popular",
    "trending",
    "newsletter",
    "cookie",
    "consent",
    "subscri",
    "disqus",
    "reply",
    "replies",
    "testimonial",
];

static ANY_MATCHER: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
    std::sync::LazyLock::new(|| {
        let all: Vec<&str> = ANY_WORDS
            .iter()
            .chain(STRONG_NEGATIVE_PARTS.iter())
            .chain(NEG_ANYWHERE.iter())
            .copied()
            .collect();
        dfa(&all)
    });

/// The class-word automata run on short words (a dozen bytes), hundreds of thousands of times
/// per corpus: a full DFA answers in one table step per byte, where the default for this many
/// patterns (a contiguous NFA) follows failure links. Same matches, a few KB more per
/// automaton.
fn dfa(patterns: &[&str]) -> Option<aho_corasick::AhoCorasick> {
    aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(patterns)
        .ok()
}

fn mentions_anything(t: &str) -> bool {
    match ANY_MATCHER.as_ref() {
        Some(m) => m.is_match(t),
        None => true,
    }
}

fn has_negative_word(t: &str) -> bool {
    match NEG_MATCHER.as_ref() {
        Some(m) => m.is_match(t),
        None => NEG_ANYWHERE.iter().any(|w| t.contains(w)),
    }
}

fn is_exact_negative(t: &str) -> bool {
    matches!(
        t,
        "nav"
            | "tags"
            | "tag-list"
            | "taglist"
            | "topics"
            | "keywords"
            | "hidden"
            | "hide"
            | "print"
            | "header"
            | "share"
            | "tools"
            | "utility"
            | "meta-tags"
            | "post-tags"
            | "entry-tags"
            | "article-tags"
            | "byline-share"
            | "newsletter"
            | "aside"
    )
}

fn is_ad_token(t: &str) -> bool {
    // The shape tests first: they are cheap and reject almost every word, so the substring
    // tests (a searcher built per call with `str::contains`) run only on ad-shaped words.
    let ad_shaped = t == "ad"
        || t == "ads"
        || t == "adv"
        || t == "advert"
        || t.starts_with("ad-")
        || t.starts_with("ad_")
        || t.starts_with("ads-")
        || t.starts_with("ads_")
        || t.ends_with("-ad")
        || t.ends_with("_ad")
        || t.ends_with("-ads")
        || t.ends_with("_ads")
        || contains_short(t, b"-ad-")
        || contains_short(t, b"_ad_")
        || t.starts_with("gpt-")
        || t.starts_with("widget-area")
        || t.starts_with("google_ads");
    ad_shaped
        && ![
            b"body".as_slice(),
            b"content",
            b"article",
            b"text",
            b"story",
        ]
        .iter()
        .any(|w| contains_short(t, w))
}

/// `str::contains` for a short needle in a short word (class words are capped at 80 bytes):
/// a plain window scan, with no searcher to set up per call.
fn contains_short(t: &str, needle: &[u8]) -> bool {
    t.as_bytes().windows(needle.len()).any(|w| w == needle)
}

/// Stock lines that are never article text, whatever container they sit in.
pub(crate) fn is_boilerplate_line(line: &str) -> bool {
    let l = line.trim();
    let n = l.chars().count();
    if n == 0 {
        return true;
    }
    if n > 160 {
        return false;
    }
    let low = l.to_lowercase();
    let low = low.trim_end_matches(['.', ':', '!', '…', '>', '»', '→', ' ']);
    const EXACT: &[&str] = &[
        "advertisement",
        "advertisements",
        "advertising",
        "ad",
        "ads",
        "sponsored",
        "sponsored content",
        "story continues below advertisement",
        "article continues below advertisement",
        "continue reading below",
        "advertisement - continue reading below",
        "scroll to continue with content",
        "loading",
        "loading...",
        "share",
        "share this",
        "share this article",
        "share this story",
        "share on facebook",
        "share on twitter",
        "tweet",
        "email",
        "print",
        "copy link",
        "link copied",
        "read more",
        "read next",
        "continue reading",
        "show more",
        "see more",
        "related",
        "related articles",
        "related stories",
        "related content",
        "related posts",
        "more from",
        "most read",
        "most popular",
        "trending",
        "recommended",
        "recommended for you",
        "you may also like",
        "you might also like",
        "skip to content",
        "skip to main content",
        "subscribe",
        "sign up",
        "sign in",
        "log in",
        "follow us",
        "comments",
        "leave a comment",
        "leave a reply",
        "back to top",
        "image",
        "photo",
        "video",
        "listen",
        "listen to this article",
        "close",
        "menu",
        "toggle",
        "play",
        "watch",
        "watch next",
        "home",
        "by",
        "in this article",
    ];
    if EXACT.contains(&low) {
        return true;
    }
    // "Reading Time: 2 minutes", "5 min read", "3 minute read".
    if n <= 40
        && (low.starts_with("reading time")
            || low.starts_with("read time")
            || low.starts_with("estimated reading time")
            || ((low.ends_with("min read")
                || low.ends_with("minute read")
                || low.ends_with("minutes read")
                || low.ends_with("mins read"))
                && low.chars().next().is_some_and(|c| c.is_ascii_digit())))
    {
        return true;
    }
    if n <= 40 && low.starts_with("table of contents") {
        return true;
    }
    if n <= 60 && low.starts_with("why you can trust") {
        return true;
    }
    // Calls to action closing promotional boxes.
    if n <= 40
        && [
            "learn more",
            "get started",
            "sign up today",
            "schedule your free",
            "schedule a free",
            "talk to our",
            "contact us",
            "call us",
            "book now",
            "request a quote",
            "get a quote",
            "get a free",
            "click here",
            "download now",
            "try it free",
            "start your free",
            "start free trial",
            "subscribe now",
            "join now",
            "shop now",
            "buy now",
        ]
        .iter()
        .any(|p| low.starts_with(p))
    {
        return true;
    }
    if n <= 120
        && (low.starts_with("sign up for")
            || low.starts_with("subscribe to")
            || low.starts_with("get our")
                && (low.contains("newsletter") || low.contains("email") || low.contains("app"))
            || low.starts_with("follow us on")
            || low.starts_with("click here to")
            || low.starts_with("we use cookies")
            || low.starts_with("this site uses cookies")
            || low.starts_with("this website uses cookies")
            || low.starts_with("by clicking")
            || low.starts_with("read more:")
            || low.starts_with("also read:")
            || low.starts_with("related:")
            || low.starts_with("see also:")
            || low.starts_with("more:")
            || low.starts_with("share this")
            || low.starts_with("share on ")
            || low.starts_with("copyright ©")
            || low.starts_with("© ")
            || low.starts_with("all rights reserved")
            || (low.contains("newsletter")
                && (low.contains("sign up") || low.contains("subscribe")))
            || low.contains("javascript is disabled")
            || low.contains("enable javascript")
            || low.contains("your browser does not support"))
    {
        return true;
    }
    false
}

/// How sure a furniture heading is of what follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StopKind {
    /// Comments, author boxes, sign-up prompts: what follows is furniture whatever it looks
    /// like.
    Always,
    /// Lists of other stories ("Related", "Latest…", "Popular"): the same words also title
    /// sections of the article ("Recent developments", "Related work"), so the caller checks
    /// that links follow.
    IfLinks,
}

/// Headings that open the page's furniture after the story ("More from…", "Related",
/// "Comments"): what follows them in the same container is not the article.
pub(crate) fn stop_heading(text: &str) -> Option<StopKind> {
    let low = text.trim().to_lowercase();
    let low = low.trim_end_matches([':', '.', '!', ' ']);
    if low.chars().count() > 60 {
        return None;
    }
    const ALWAYS: &[&str] = &[
        "comments",
        "leave a reply",
        "leave a comment",
        "join the conversation",
        "share this",
        "share this article",
        "about the author",
        "newsletter",
        "sign up for",
        "subscribe",
        "people on the move",
    ];
    const LISTS: &[&str] = &[
        "more from",
        "more stories",
        "more news",
        "more articles",
        "more on this",
        "latest news",
        "latest stories",
        "latest articles",
        "latest posts",
        "recent posts",
        "recent articles",
        "you may also like",
        "you might also like",
        "you may also be interested",
        "also read",
        "read next",
        "read more",
        "what to read next",
        "most popular",
        "most read",
        "other articles",
        "explore more",
        "keep reading",
    ];
    // Words that name a list of stories when alone, and a section of the article as often
    // ("Related work", "Recent developments", "Latest findings", "Further reading").
    const AMBIGUOUS: &[&str] = &[
        "related",
        "recommended",
        "popular",
        "trending",
        "further reading",
    ];
    const AMBIGUOUS_PREFIXES: &[&str] = &["related ", "latest ", "recent "];
    if ALWAYS.contains(&low)
        || (low.starts_with("comments (") && low.len() <= 35)
        || LISTS.contains(&low)
        || ["more from ", "more stories", "more news"]
            .iter()
            .any(|p| low.starts_with(p) && low.len() <= p.len() + 25)
    {
        return Some(StopKind::Always);
    }
    let list_phrase = |p: &&str| {
        low.starts_with(*p)
            && low.as_bytes().get(p.len()) == Some(&b' ')
            && low.len() <= p.len() + 25
    };
    if LISTS.iter().any(list_phrase)
        || AMBIGUOUS.contains(&low)
        || AMBIGUOUS_PREFIXES
            .iter()
            .any(|p| low.starts_with(p) && low.len() <= p.len() + 25)
    {
        return Some(StopKind::IfLinks);
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn ad_tokens() {
        use super::is_ad_token;
        for t in [
            "ad",
            "ads",
            "ad-slot",
            "top_ads",
            "gpt-ad-1",
            "sidebar-ad-box",
            "google_ads_x",
        ] {
            assert!(is_ad_token(t), "{t}");
        }
        for t in [
            "adobe",
            "header",
            "ad-content",
            "article-ad-",
            "shadow",
            "load",
            "story-ads",
        ] {
            assert!(!is_ad_token(t), "{t}");
        }
    }

    #[test]
    fn one_automaton_pass_answers_like_contains() {
        let words = [
            "entry-content",
            "post-author-name",
            "related-posts-sidebar",
            "no-sidebar",
            "excerpt-card",
            "wp-caption-text",
            "byline-updated-timestamp",
            "postpostpostpostpostpostpostpostpostpostpostpost",
            "x",
            "",
        ];
        for t in words {
            let found = Found::of(t);
            for w in CLASSIFY_LISTS.iter().flat_map(|l| l.iter()) {
                assert_eq!(found.has(w, t), t.contains(w), "{w:?} in {t:?}");
            }
        }
    }
    use super::*;

    #[test]
    fn state_modifiers_do_not_prune() {
        assert!(!classify_attrs("main-wrapper has-sidebar", "", "", "").negative);
        assert!(classify_attrs("related-articles", "", "", "").negative);
        assert!(classify_attrs("ad-slot", "", "", "").negative);
        assert!(!classify_attrs("headline", "", "", "").negative);
        assert!(classify_attrs("article-body", "", "", "").positive);
    }

    #[test]
    fn teaser_names() {
        assert!(classify_attrs("elementor-post__excerpt", "", "", "").negative);
        assert!(classify_attrs("article-card__excerpt", "", "", "").very_negative);
        assert!(classify_attrs("recent-posts-wrapper", "", "", "").negative);
        // An excerpt of something else is what a list article is made of.
        assert!(!classify_attrs("venue-excerpt", "", "", "").negative);
    }

    #[test]
    fn stop_headings() {
        assert_eq!(stop_heading("Comments (12)"), Some(StopKind::Always));
        assert_eq!(
            stop_heading("More from Valley Times"),
            Some(StopKind::Always)
        );
        assert_eq!(stop_heading("Read more"), Some(StopKind::Always));
        assert_eq!(stop_heading("Related"), Some(StopKind::IfLinks));
        assert_eq!(stop_heading("Recent Developments"), Some(StopKind::IfLinks));
        assert_eq!(
            stop_heading("Read more posts about Osaka"),
            Some(StopKind::IfLinks)
        );
        assert_eq!(stop_heading("Why libraries matter"), None);
    }

    #[test]
    fn stock_lines() {
        assert!(is_boilerplate_line("Advertisement"));
        assert!(is_boilerplate_line("Reading Time:2 minutes"));
        assert!(is_boilerplate_line("5 min read"));
        assert!(is_boilerplate_line("Why you can trust SCMP"));
        assert!(!is_boilerplate_line(
            "Share prices fell sharply on Tuesday."
        ));
    }
}
