//! Article metadata from the sources pages declare, best first.
//!
//! Publishers describe their articles several times over (JSON-LD for search engines, OpenGraph
//! and Twitter cards for sharing, Dublin Core and `parsely`/`sailthru` tags for their analytics)
//! and the copies disagree in predictable ways: OpenGraph titles carry the site name, JSON-LD
//! authors are sometimes the organisation, meta authors are sometimes profile URLs. Each field
//! therefore takes the first source that passes that field's sanity checks and records which one
//! it was. Date strings are not interpreted here at all: they are collected with their source
//! and role for the dates stage, which parses and ranks them.

use serde_json::Value;

use crate::dom::{Doc, Found};
use crate::normalise::{fold_key, normalise_inline};
use crate::{DateCandidate, DateRole, Provenance, Sourced};

/// What JSON-LD says about the article.
#[derive(Debug, Default)]
pub(crate) struct LdArticle {
    pub headline: Option<String>,
    pub description: Option<String>,
    /// (name, is an organisation)
    pub authors: Vec<(String, bool)>,
    pub publisher: Option<String>,
    pub image: Option<String>,
    pub section: Option<String>,
    pub keywords: Vec<String>,
    pub url: Option<String>,
    pub language: Option<String>,
    pub body: Option<String>,
    pub found_article: bool,
}

const MAX_LD_NODES: usize = 20_000;

fn is_article_type(v: &Value) -> bool {
    let check = |s: &str| {
        s.contains("Article")
            || s.contains("BlogPosting")
            || s.contains("Report")
            || s == "Posting"
            || s.contains("LiveBlog")
    };
    match v.get("@type") {
        Some(Value::String(s)) => check(s),
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str().is_some_and(check)),
        _ => false,
    }
}

fn is_type(v: &Value, want: &[&str]) -> bool {
    match v.get("@type") {
        Some(Value::String(s)) => want.iter().any(|w| s == w),
        Some(Value::Array(a)) => a
            .iter()
            .any(|x| x.as_str().is_some_and(|s| want.contains(&s))),
        _ => false,
    }
}

fn str_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => {
            let s = normalise_inline(&decode_entities(s));
            (!s.is_empty()).then_some(s)
        }
        Value::Array(a) => a.iter().find_map(|x| str_of(Some(x))),
        Value::Object(o) => str_of(o.get("name").or_else(|| o.get("@value"))),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn url_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Array(a) => a.iter().find_map(|x| url_of(Some(x))),
        Value::Object(o) => url_of(
            o.get("url")
                .or_else(|| o.get("@id"))
                .or_else(|| o.get("contentUrl")),
        ),
        _ => None,
    }
}

fn people_of(v: Option<&Value>, out: &mut Vec<(String, bool)>) {
    let Some(v) = v else { return };
    match v {
        Value::String(s) => out.push((normalise_inline(&decode_entities(s)), false)),
        Value::Array(a) => {
            for x in a.iter().take(20) {
                people_of(Some(x), out);
            }
        }
        Value::Object(o) => {
            let org = is_type(v, &["Organization", "NewsMediaOrganization", "Corporation"]);
            if let Some(n) = str_of(o.get("name")) {
                out.push((n, org));
            } else if let Some(id) = o.get("@id").and_then(Value::as_str) {
                // A reference into the page's `@graph` (Yoast and friends): resolved once every
                // block has been read.
                out.push((format!("{ID_REF}{id}"), org));
            }
        }
        _ => {}
    }
}

/// Marks an author that is still an `@id` reference.
const ID_REF: &str = "\u{1}@id:";

/// Named nodes by `@id`, so that references can be resolved: (name, is an organisation).
type NamedNodes = rustc_hash::FxHashMap<String, (String, bool)>;

fn resolve_refs(authors: &mut Vec<(String, bool)>, named: &NamedNodes) {
    authors.retain_mut(|(name, org)| match name.strip_prefix(ID_REF) {
        Some(id) => match named.get(id) {
            Some((n, o)) => {
                *name = n.clone();
                *org = *o;
                true
            }
            None => false,
        },
        None => true,
    });
}

/// Parses the page's JSON-LD blocks; dates go to `dates`.
pub(crate) fn read_ld(blocks: &[String], dates: &mut Vec<DateCandidate>) -> LdArticle {
    let mut art = LdArticle::default();
    let mut fallback = LdArticle::default();
    let mut named = NamedNodes::default();
    for raw in blocks {
        let cleaned = raw
            .trim()
            .trim_start_matches("<!--")
            .trim_end_matches("-->")
            .trim()
            .trim_start_matches("//<![CDATA[")
            .trim_end_matches("//]]>")
            .trim();
        let Ok(root) = serde_json::from_str::<Value>(cleaned) else {
            continue;
        };
        let mut stack: Vec<(&Value, bool)> = vec![(&root, false)];
        let mut seen = 0usize;
        while let Some((v, in_art)) = stack.pop() {
            seen += 1;
            if seen > MAX_LD_NODES {
                break;
            }
            match v {
                Value::Array(a) => {
                    for x in a.iter().rev() {
                        stack.push((x, in_art));
                    }
                }
                Value::Object(o) => {
                    if let (Some(id), Some(name)) =
                        (o.get("@id").and_then(Value::as_str), str_of(o.get("name")))
                    {
                        if named.len() < 256 {
                            let org = is_type(
                                v,
                                &[
                                    "Organization",
                                    "NewsMediaOrganization",
                                    "Corporation",
                                    "WebSite",
                                ],
                            );
                            named.entry(id.to_string()).or_insert((name, org));
                        }
                    }
                    let article = is_article_type(v);
                    let nested_in_other = in_art && !article && o.contains_key("@type");
                    for (k, role) in [
                        ("datePublished", DateRole::Published),
                        ("dateCreated", DateRole::Published),
                        ("uploadDate", DateRole::Published),
                        ("dateModified", DateRole::Modified),
                    ] {
                        if let Some(s) = o.get(k).and_then(Value::as_str) {
                            let s = s.trim();
                            if !s.is_empty() && s.len() <= 100 && dates.len() < 64 {
                                dates.push(DateCandidate {
                                    source: "json-ld",
                                    role,
                                    raw: s.to_string(),
                                    in_article: article || (in_art && !nested_in_other),
                                });
                            }
                        }
                    }
                    let target = if article && !art.found_article {
                        Some(&mut art)
                    } else if !art.found_article
                        && is_type(v, &["WebPage", "ItemPage", "VideoObject"])
                        && !fallback.found_article
                    {
                        Some(&mut fallback)
                    } else {
                        None
                    };
                    if let Some(t) = target {
                        t.found_article = true;
                        t.headline = str_of(o.get("headline")).or_else(|| str_of(o.get("name")));
                        t.description = str_of(o.get("description"));
                        people_of(o.get("author"), &mut t.authors);
                        if t.authors.is_empty() {
                            people_of(o.get("creator"), &mut t.authors);
                        }
                        t.publisher = str_of(o.get("publisher"));
                        t.image = url_of(o.get("image")).or_else(|| url_of(o.get("thumbnailUrl")));
                        t.section = str_of(o.get("articleSection"));
                        t.keywords = match o.get("keywords") {
                            Some(Value::String(s)) => s
                                .split(',')
                                .map(normalise_inline)
                                .filter(|s| !s.is_empty())
                                .take(50)
                                .collect(),
                            Some(Value::Array(a)) => {
                                a.iter().filter_map(|x| str_of(Some(x))).take(50).collect()
                            }
                            _ => Vec::new(),
                        };
                        t.url = url_of(o.get("mainEntityOfPage")).or_else(|| url_of(o.get("url")));
                        t.language = str_of(o.get("inLanguage"));
                        t.body = o
                            .get("articleBody")
                            .and_then(Value::as_str)
                            .map(|s| s.to_string());
                    }
                    if art.publisher.is_none()
                        && is_type(v, &["Organization", "NewsMediaOrganization", "WebSite"])
                    {
                        fallback.publisher =
                            fallback.publisher.take().or_else(|| str_of(o.get("name")));
                    }
                    for (k, x) in o.iter() {
                        if k == "articleBody" || k == "text" {
                            continue;
                        }
                        if matches!(x, Value::Object(_) | Value::Array(_)) {
                            stack.push((x, article || (in_art && !nested_in_other)));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    resolve_refs(&mut art.authors, &named);
    resolve_refs(&mut fallback.authors, &named);
    if !art.found_article {
        return fallback;
    }
    if art.publisher.is_none() {
        art.publisher = fallback.publisher;
    }
    art
}

/// Looks up a meta value by key (first match).
pub(crate) fn meta<'a>(doc: &'a Doc, keys: &[&str]) -> Option<(&'a str, &'a str)> {
    for k in keys {
        for (key, val, _) in &doc.meta.metas {
            if key == k && !val.is_empty() {
                return Some((key.as_str(), val.as_str()));
            }
        }
    }
    None
}

/// Meta names that carry dates: (name, source, role).
const DATE_METAS: &[(&str, Provenance, DateRole)] = &[
    (
        "article:published_time",
        "meta:article:published_time",
        DateRole::Published,
    ),
    (
        "article:modified_time",
        "meta:article:modified_time",
        DateRole::Modified,
    ),
    (
        "og:published_time",
        "meta:og:published_time",
        DateRole::Published,
    ),
    (
        "og:updated_time",
        "meta:og:updated_time",
        DateRole::Modified,
    ),
    (
        "og:modified_time",
        "meta:og:modified_time",
        DateRole::Modified,
    ),
    (
        "article:published",
        "meta:article:published",
        DateRole::Published,
    ),
    (
        "article:modified",
        "meta:article:modified",
        DateRole::Modified,
    ),
    ("published_time", "meta:published_time", DateRole::Published),
    ("modified_time", "meta:modified_time", DateRole::Modified),
    ("pubdate", "meta:pubdate", DateRole::Published),
    ("publishdate", "meta:publishdate", DateRole::Published),
    ("publish-date", "meta:publish-date", DateRole::Published),
    ("publish_date", "meta:publish_date", DateRole::Published),
    ("published-date", "meta:published-date", DateRole::Published),
    ("published_date", "meta:published_date", DateRole::Published),
    (
        "publication_date",
        "meta:publication_date",
        DateRole::Published,
    ),
    ("pub_date", "meta:pub_date", DateRole::Published),
    ("date", "meta:date", DateRole::Unknown),
    ("dc.date", "meta:dc.date", DateRole::Unknown),
    ("dc.date.issued", "meta:dc.date.issued", DateRole::Published),
    (
        "dc.date.created",
        "meta:dc.date.created",
        DateRole::Published,
    ),
    (
        "dc.date.modified",
        "meta:dc.date.modified",
        DateRole::Modified,
    ),
    ("dcterms.date", "meta:dcterms.date", DateRole::Unknown),
    (
        "dcterms.created",
        "meta:dcterms.created",
        DateRole::Published,
    ),
    ("dcterms.issued", "meta:dcterms.issued", DateRole::Published),
    (
        "dcterms.modified",
        "meta:dcterms.modified",
        DateRole::Modified,
    ),
    (
        "parsely-pub-date",
        "meta:parsely-pub-date",
        DateRole::Published,
    ),
    ("sailthru.date", "meta:sailthru.date", DateRole::Published),
    ("datepublished", "meta:datePublished", DateRole::Published),
    ("datecreated", "meta:dateCreated", DateRole::Published),
    ("datemodified", "meta:dateModified", DateRole::Modified),
    ("dateupdated", "meta:dateUpdated", DateRole::Modified),
    ("uploaddate", "meta:uploadDate", DateRole::Published),
    (
        "citation_publication_date",
        "meta:citation_publication_date",
        DateRole::Published,
    ),
    ("citation_date", "meta:citation_date", DateRole::Published),
    (
        "citation_online_date",
        "meta:citation_online_date",
        DateRole::Published,
    ),
    (
        "article.published",
        "meta:article.published",
        DateRole::Published,
    ),
    (
        "article.updated",
        "meta:article.updated",
        DateRole::Modified,
    ),
    (
        "article_date_original",
        "meta:article_date_original",
        DateRole::Published,
    ),
    (
        "original-publish-date",
        "meta:original-publish-date",
        DateRole::Published,
    ),
    (
        "cxenseparse:recs:publishtime",
        "meta:cxenseparse:recs:publishtime",
        DateRole::Published,
    ),
    ("bt:pubdate", "meta:bt:pubdate", DateRole::Published),
    ("bt:moddate", "meta:bt:moddate", DateRole::Modified),
    ("displaydate", "meta:displaydate", DateRole::Published),
    ("release_date", "meta:release_date", DateRole::Published),
    ("creation_date", "meta:creation_date", DateRole::Published),
    ("lastmod", "meta:lastmod", DateRole::Modified),
    ("last-modified", "meta:last-modified", DateRole::Modified),
    (
        "og:article:published_time",
        "meta:og:article:published_time",
        DateRole::Published,
    ),
    (
        "og:article:modified_time",
        "meta:og:article:modified_time",
        DateRole::Modified,
    ),
    ("twitter:data1", "meta:twitter:data1", DateRole::Unknown),
];

/// Date strings from meta tags and microdata.
pub(crate) fn meta_dates(doc: &Doc, in_scope: impl Fn(u32) -> bool, out: &mut Vec<DateCandidate>) {
    for (key, val, elem) in &doc.meta.metas {
        let Some(&(_, source, role)) = DATE_METAS.iter().find(|(k, _, _)| k == key) else {
            continue;
        };
        if key == "twitter:data1" && !val.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let v = val.trim();
        if v.is_empty() || v.len() > 100 || !v.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        if out.len() >= 128 {
            break;
        }
        // Head metas describe the page's article; microdata in the body counts when inside it.
        let in_article = doc
            .elems
            .get(*elem as usize)
            .is_none_or(|_| in_scope(*elem) || !in_body(doc, *elem));
        out.push(DateCandidate {
            source,
            role,
            raw: v.to_string(),
            in_article,
        });
    }
}

fn in_body(doc: &Doc, elem: u32) -> bool {
    let mut a = elem;
    let mut n = 0;
    while let Some(e) = doc.elems.get(a as usize) {
        if e.tag == crate::dom::Tag::Body {
            return true;
        }
        a = e.parent;
        n += 1;
        if n > 100_000 {
            break;
        }
    }
    false
}

/// Role of a visible date by its class words or leading label.
pub(crate) fn role_of(attr_or_text: &str) -> DateRole {
    let l = attr_or_text.to_lowercase();
    if l.contains("updat")
        || l.contains("modif")
        || l.contains("edited")
        || l.contains("aktualisiert")
        || l.contains("mis à jour")
    {
        DateRole::Modified
    } else if l.contains("publish")
        || l.contains("posted")
        || l.contains("pubdate")
        || l.contains("created")
        || l.contains("veröffentlicht")
        || l.contains("publié")
    {
        DateRole::Published
    } else {
        DateRole::Unknown
    }
}

/// Whether a short text could hold a date (digits, and a month, a separator or a year).
pub(crate) fn looks_like_date(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    if digits == 0 || s.chars().count() > 120 {
        return false;
    }
    let l = s.to_lowercase();
    const MONTHS: &[&str] = &[
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "oct",
        "nov",
        "dec",
        "janv",
        "févr",
        "mars",
        "avr",
        "mai",
        "juin",
        "juil",
        "août",
        "sept",
        "déc",
        "januar",
        "februar",
        "märz",
        "juni",
        "juli",
        "oktober",
        "dezember",
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
        "gennaio",
        "febbraio",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "settembre",
        "ottobre",
        "dicembre",
        "年",
        "月",
        "yesterday",
        "today",
    ];
    if l.contains(" read") || l.contains("reading time") {
        return false;
    }
    let relative = l.contains(" ago") || l.contains("vor ") || l.contains("il y a");
    let has_month = relative || MONTHS.iter().any(|m| l.contains(m));
    let has_sep = l.contains('/') || l.contains('-') || l.contains('.') || l.contains(':');
    let has_year = s
        .split(|c: char| !c.is_ascii_digit())
        .any(|t| t.len() == 4 && (t.starts_with("19") || t.starts_with("20")));
    has_month || (has_sep && digits >= 4) || has_year
}

/// Wire services: credited apart from the people who wrote the story.
pub(crate) fn agency_name(name: &str) -> Option<&'static str> {
    let k = fold_key(name);
    const AGENCIES: &[(&str, &str)] = &[
        ("reuters", "Reuters"),
        ("thomsonreuters", "Reuters"),
        ("ap", "AP"),
        ("associatedpress", "AP"),
        ("theassociatedpress", "AP"),
        ("afp", "AFP"),
        ("agencefrancepresse", "AFP"),
        ("bloomberg", "Bloomberg"),
        ("bloombergnews", "Bloomberg"),
        ("pa", "PA"),
        ("pamedia", "PA"),
        ("pressassociation", "PA"),
        ("dpa", "dpa"),
        ("efe", "EFE"),
        ("ansa", "ANSA"),
        ("xinhua", "Xinhua"),
        ("upi", "UPI"),
        ("unitedpressinternational", "UPI"),
        ("kyodo", "Kyodo"),
        ("kyodonews", "Kyodo"),
        ("yonhap", "Yonhap"),
        ("tass", "TASS"),
        ("ria", "RIA"),
        ("anadolu", "Anadolu"),
        ("anadoluagency", "Anadolu"),
        ("aap", "AAP"),
        ("cp", "The Canadian Press"),
        ("thecanadianpress", "The Canadian Press"),
        ("ians", "IANS"),
        ("pti", "PTI"),
        ("ani", "ANI"),
        ("cnnwire", "CNN Wire"),
        ("apnews", "AP"),
        ("wireservices", "wire services"),
        ("newsagencies", "agencies"),
        ("agencies", "agencies"),
    ];
    AGENCIES.iter().find(|(k2, _)| *k2 == k).map(|(_, n)| *n)
}

/// Splits a byline into names: "By Jane Doe and John Roe, Reuters" -> [Jane Doe, John Roe, Reuters].
pub(crate) fn split_names(s: &str) -> Vec<String> {
    let s = normalise_inline(s);
    let mut s = s.as_str();
    for p in [
        "written by:",
        "posted by:",
        "authored by:",
        "authored by ",
        "by:",
        "by ",
        "written by ",
        "posted by ",
        "words by ",
        "story by ",
        "text by ",
        "reporting by ",
        "von ",
        "par ",
        "por ",
        "di ",
        "door ",
        "av ",
    ] {
        if s.len() >= p.len() && s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)) {
            s = s.get(p.len()..).unwrap_or("").trim_start();
            break;
        }
    }
    let mut out = Vec::new();
    // "Last, First; Last, First" (library-style metadata).
    if s.contains(';') {
        let parts: Vec<&str> = s
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if parts.iter().all(|p| p.matches(',').count() == 1) {
            for p in parts.iter().take(12) {
                if let Some((last, first)) = p.split_once(',') {
                    out.push(format!("{} {}", first.trim(), last.trim()));
                }
            }
            return out;
        }
    }
    let replaced = s
        .replace(" and ", "|")
        .replace(" And ", "|")
        .replace(" & ", "|")
        .replace(" und ", "|")
        .replace(" et ", "|")
        .replace(" y ", "|")
        .replace(" e ", "|")
        .replace(" with ", "|");
    for part in replaced.split([',', ';', '|', '/', '•', '·', '\n']) {
        let p = part
            .trim()
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != ')');
        let p = p.trim();
        if !p.is_empty() {
            out.push(p.to_string());
        }
        if out.len() >= 12 {
            break;
        }
    }
    out
}

/// Whether a string is a plausible person's name (not a site, not "Staff", not a URL).
pub(crate) fn plausible_person(name: &str, site: Option<&str>, typed_person: bool) -> bool {
    let n = name.trim();
    let chars = n.chars().count();
    if !(2..=60).contains(&chars) {
        return false;
    }
    if n.contains("http")
        || n.contains('@')
        || n.contains("www.")
        || n.contains(".com")
        || n.contains(':')
        || n.ends_with(" says")
        || (n.contains('.') && !n.contains(' ') && chars > 5)
    {
        return false;
    }
    if n.chars().filter(|c| c.is_ascii_digit()).count() > 0 {
        return false;
    }
    let words = n.split_whitespace().count();
    if words > 5 {
        return false;
    }
    let k = fold_key(n);
    if k.is_empty() {
        return false;
    }
    const NOT_PEOPLE: &[&str] = &[
        "name",
        "yourname",
        "signin",
        "login",
        "writtenby",
        "postedby",
        "researchedby",
        "reviewedby",
        "by",
        "community",
        "authors",
        "contributors",
        "whowho",
        "staff",
        "staffwriter",
        "staffreporter",
        "editor",
        "editors",
        "editorial",
        "editorialteam",
        "editorialstaff",
        "admin",
        "administrator",
        "newsdesk",
        "webdesk",
        "desk",
        "team",
        "guest",
        "contributor",
        "correspondent",
        "unknown",
        "anonymous",
        "noauthor",
        // "No Author" less its role word.
        "no",
        "publisher",
        "author",
        "reporter",
        "writer",
        "thestaff",
        "ourreporter",
        "ourcorrespondent",
        "editorialboard",
        "theeditors",
        "newsroom",
        "press",
        "pressrelease",
        "more",
        "updated",
        "published",
        "share",
        "follow",
        "view",
        "viewall",
        "about",
        // Labels of bylines and author boxes in other languages ("Von", "Autor", "Über").
        "von",
        "par",
        "por",
        "door",
        "autor",
        "auteur",
        "autore",
        "redaktion",
        "redaction",
        "rédaction",
        "redazione",
        "redaccion",
        "redacción",
        "datum",
        "stand",
        "mehr",
        "uber",
        "über",
    ];
    if NOT_PEOPLE.contains(&k.as_str()) || k.ends_with("staff") || k.starts_with("staff") {
        return false;
    }
    let lower = n.to_lowercase();
    if lower.split_whitespace().any(|w| {
        matches!(
            w,
            "bio"
                | "learn"
                | "about"
                | "follow"
                | "view"
                | "posts"
                | "read"
                | "more"
                | "our"
                | "profile"
                | "reviewed"
                | "team"
                | "staff"
                | "inc"
                | "inc."
                | "llc"
                | "ltd"
                | "company"
                | "news"
                | "media"
                | "group"
                | "services"
                | "admin"
                | "administrator"
                | "webmaster"
                | "contact"
                | "the"
                | "institute"
                | "foundation"
                | "association"
                | "university"
                | "corporation"
                | "agency"
                | "clinic"
                | "hospital"
                | "council"
                | "department"
                | "ministry"
                | "blog"
        )
    }) {
        return false;
    }
    // Job titles set beside names in author boxes ("Senior Research Executive", "Trial
    // Attorney"): words that are seldom surnames.
    if lower.split_whitespace().any(|w| JOB_WORDS.contains(&w)) {
        return false;
    }
    if let Some(site) = site {
        let sk = fold_key(site);
        // The site's name is not an author, unless the site is a person's own blog: JSON-LD
        // types it as a person, or it reads as one (a known first name and a surname).
        let personal =
            (typed_person && (2..=3).contains(&words)) || crate::authors::personal_name(n);
        if !sk.is_empty() && (sk == k || k.contains(&sk)) && !personal {
            return false;
        }
    }
    true
}

/// Words of job titles and credentials, not of names.
const JOB_WORDS: &[&str] = &[
    "analyst",
    "assistant",
    "associate",
    "attorney",
    "ceo",
    "certified",
    "co-founder",
    "cofounder",
    "columnist",
    "consultant",
    "content",
    "contributing",
    "coordinator",
    "correspondent",
    "cto",
    "designer",
    "developer",
    "dietitian",
    "digital",
    "director",
    "engineer",
    "executive",
    "expert",
    "founder",
    "head",
    "lawyer",
    "lecturer",
    "licensed",
    "manager",
    "nutritionist",
    "officer",
    "president",
    "professor",
    "reporter",
    "research",
    "researcher",
    "scientist",
    "senior",
    "specialist",
    "strategist",
    "therapist",
    "writer",
];

/// Drops a trailing job title ("Jane Doe Writer") from a name found in page text.
fn drop_role_suffix(name: &str) -> &str {
    let mut n = name.trim();
    for suffix in [
        " Staff Writer",
        " Senior Writer",
        " Contributing Writer",
        " Writer",
        " Editor",
        " Reporter",
        " Contributor",
        " Author",
        " Correspondent",
        " Columnist",
    ] {
        if let Some(head) = n.strip_suffix(suffix) {
            n = head.trim_end();
            break;
        }
    }
    n
}

/// Author names from one source string list; agencies set apart. `typed_person`: the source
/// says these are people (JSON-LD `Person`), so a name equal to the site's is a personal blog.
/// Whether a credit names a company by its legal form or its web address ("Example Verlag
/// GmbH", "example.de").
pub(crate) fn company_like(name: &str) -> bool {
    let lower = name.to_lowercase();
    let web = !lower.contains(char::is_whitespace)
        && lower.rsplit_once('.').is_some_and(|(a, tld)| {
            !a.is_empty()
                && (2..=6).contains(&tld.len())
                && tld.chars().all(|c| c.is_ascii_alphabetic())
        });
    web || lower.split_whitespace().any(|w| {
        matches!(
            w.trim_end_matches(','),
            "gmbh"
                | "ag"
                | "inc"
                | "inc."
                | "llc"
                | "ltd"
                | "ltd."
                | "e.v."
                | "verlag"
                | "plc"
                | "s.a."
                | "srl"
                | "b.v."
        )
    })
}

pub(crate) fn people(
    raws: &[String],
    site: Option<&str>,
    typed_person: bool,
    agencies: &mut Vec<String>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in raws {
        let parts = split_names(raw);
        let several = parts.len() > 1;
        let with_given = parts.iter().any(|p| crate::authors::is_first_name(p));
        for (i, name) in parts.into_iter().enumerate() {
            if let Some(a) = agency_name(&name) {
                if !agencies.iter().any(|x| x == a) {
                    agencies.push(a.to_string());
                }
                continue;
            }
            // "Example Verlag GmbH, Nürnberg, Germany", "Jobs & Hire": when a credit is split
            // into parts, one-word parts are people only beside a known given name ("Jane &
            // Jo") or as user names ("jdoe42"), and the parts after a company are its address.
            if several
                && !with_given
                && !name.contains(char::is_whitespace)
                && !crate::authors::handle_like(&name, site)
            {
                continue;
            }
            if i == 0 && several && company_like(&name) {
                break;
            }
            if crate::authors::is_credential(&name) {
                continue;
            }
            let name = drop_role_suffix(&name).to_string();
            if name.to_lowercase().starts_with("reviewed")
                || name.to_lowercase().starts_with("medically")
            {
                continue;
            }
            if plausible_person(&name, site, typed_person)
                && !out.iter().any(|x| fold_key(x) == fold_key(&name))
            {
                out.push(name);
            }
        }
    }
    out
}

/// Strips " | Site name" and similar decorations from a title.
pub(crate) fn strip_site_suffix(title: &str, site: Option<&str>, host: Option<&str>) -> String {
    let t = normalise_inline(title);
    const SEPS: &[&str] = &[
        " | ", " - ", " – ", " — ", " :: ", " · ", " • ", " « ", " » ", " // ", " ~ ",
    ];
    let site_k = site.map(fold_key).unwrap_or_default();
    let host_k: String = host
        .map(|h| {
            let h = h.trim_start_matches("www.");
            let base = h.rsplit_once('.').map_or(h, |(b, _)| b);
            fold_key(base)
        })
        .unwrap_or_default();
    // The name under which a subdomain's site is known: "shopify" for apps.shopify.com (the
    // label before the public suffix; "co.uk"-style two-level suffixes skipped). Empty for a
    // host without a subdomain, whose name `host_k` already is.
    let brand_k = || -> String {
        let Some(h) = host else {
            return String::new();
        };
        let mut labels = h.trim_start_matches("www.").rsplit('.').skip(1).peekable();
        if labels.peek().is_some_and(|l| l.len() <= 3) {
            let mut ahead = labels.clone();
            ahead.next();
            if ahead.peek().is_some() {
                labels.next();
            }
        }
        let brand = labels.next().unwrap_or("");
        if labels.next().is_none() {
            return String::new();
        }
        let k = fold_key(brand);
        if k.len() >= 4 {
            k
        } else {
            String::new()
        }
    };
    // A part names the site when it is the name, a piece of it, or the name with a few words
    // around it ("Site Blog", "The Site"); a long part that mentions the name is a headline
    // about the site ("SiteName.com - The Five Best ...").
    let names = |k: &str, name: &str| {
        !name.is_empty()
            && (k == name || name.contains(k) || (k.contains(name) && k.len() <= 3 * name.len()))
    };
    let matches_site = |part: &str| {
        let k = fold_key(part);
        !k.is_empty() && (names(&k, &site_k) || names(&k, &host_k))
    };
    for sep in SEPS {
        if let Some((head, tail)) = t.rsplit_once(sep) {
            // The subdomain's brand only as a trailing decoration ("Shop | Brand App Store"):
            // a leading part that mentions it is as likely the headline's subject.
            if (matches_site(tail) || names(&fold_key(tail), &brand_k())) && !head.trim().is_empty()
            {
                return strip_site_suffix(head, site, host);
            }
        }
        if let Some((head, tail)) = t.split_once(sep) {
            if matches_site(head) && !tail.trim().is_empty() {
                return strip_site_suffix(tail, site, host);
            }
        }
    }
    // A trailing " | Anything short" is a site name we could not confirm.
    if let Some((head, tail)) = t.rsplit_once(" | ") {
        if tail.split_whitespace().count() <= 4 && head.chars().count() >= 15 {
            // "Headline | Section | Site": every short tail goes.
            return strip_site_suffix(head, site, host);
        }
    }
    // "example.com Headline": the host's name run into the title without a separator.
    if let (Some(h), Some((first, rest))) = (host, t.split_once(' ')) {
        let h = h.trim_start_matches("www.");
        if first.eq_ignore_ascii_case(h) && rest.chars().count() >= 3 {
            return rest.trim().to_string();
        }
    }
    t
}

/// Whether two titles say the same thing (one may carry a short decoration the other lacks).
fn titles_agree(a: &str, b: &str) -> bool {
    let (ak, bk) = (fold_key(a), fold_key(b));
    !ak.is_empty()
        && !bk.is_empty()
        && (ak == bk
            || (ak.contains(&bk) && bk.len() * 2 >= ak.len())
            || (bk.contains(&ak) && ak.len() * 2 >= bk.len()))
}

/// The words of a title ("&" and punctuation dropped).
fn title_words(s: &str) -> impl DoubleEndedIterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Whether two words are the same but for case.
fn same_word((a, b): &(&str, &str)) -> bool {
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// Whether two wordings of a headline differ in one word at most (one changed, added or
/// dropped): editors retouch one copy ("in 2025" for "(2025)", next year's date, "of" added)
/// and leave the other. Both need four words or more, so that one word is a small part of each.
fn one_word_apart(a: &str, b: &str) -> bool {
    let (na, nb) = (title_words(a).count(), title_words(b).count());
    if na < 4 || nb < 4 || na.abs_diff(nb) > 1 {
        return false;
    }
    let same_start = title_words(a)
        .zip(title_words(b))
        .take_while(same_word)
        .count();
    let same_end = title_words(a)
        .rev()
        .zip(title_words(b).rev())
        .take_while(same_word)
        .count()
        .min(na.min(nb) - same_start);
    na - same_start - same_end <= 1 && nb - same_start - same_end <= 1
}

/// The two sides of a title split at its first separator ("Blog Name: Headline").
fn title_halves(t: &str) -> impl Iterator<Item = (&str, &str)> {
    [
        " | ", " - ", " – ", " — ", ": ", " :: ", " · ", " • ", " « ", " » ",
    ]
    .into_iter()
    .filter_map(move |sep| t.split_once(sep))
}

/// The parts of a `<title>` between separators ("Headline | Section | Site").
fn title_parts(t: &str) -> impl Iterator<Item = &str> {
    t.split(" | ")
        .flat_map(|p| p.split(" - "))
        .flat_map(|p| p.split(" – "))
        .flat_map(|p| p.split(" — "))
        .flat_map(|p| p.split(": "))
        .flat_map(|p| p.split(" · "))
        .flat_map(|p| p.split(" • "))
}

/// "Opinion | Headline", "Site | Headline": a short leading part we could not confirm as the
/// site's name. Only for a declared title taken as it is (no h1 agreed with it): where an h1
/// agrees, the h1 already says which part is the headline.
fn strip_leading_label(t: &str) -> String {
    if let Some((head, tail)) = t.split_once(" | ") {
        if head.split_whitespace().count() <= 3
            && tail.chars().count() >= 15
            && tail.chars().count() > head.chars().count() * 2
            && !tail.contains(" | ")
        {
            return tail.trim().to_string();
        }
    }
    t.to_string()
}

/// Whether a string has letters and none of them lower case ("TIPS FOR ONLINE SUCCESS").
fn all_caps(s: &str) -> bool {
    s.chars().any(char::is_alphabetic) && !s.chars().any(char::is_lowercase)
}

/// An `<h1>` as a title: entities a CMS escaped twice decoded, and " | decoration" tails and
/// " – subtitle" tails dropped when the page's declared titles stop before them.
fn tidy_h1(
    h: &str,
    declared: &[(String, &'static str)],
    site: Option<&str>,
    host: Option<&str>,
) -> String {
    let t = strip_site_suffix(&decode_entities(h), site, host);
    let tk = fold_key(&t);
    if declared.iter().any(|(d, _)| fold_key(d) == tk) {
        return t;
    }
    // "Buying Guide: Headline", "Dec 18 2025 Headline": a kicker or a date run into the h1
    // before the headline the page declares.
    for (d, _) in declared {
        let dk = fold_key(d);
        if dk.len() >= 12 && tk.len() > dk.len() && tk.ends_with(&dk) {
            let words = t.split_whitespace().count();
            let kicker_words = words.saturating_sub(d.split_whitespace().count());
            let kicker: String = t
                .split_whitespace()
                .take(kicker_words)
                .collect::<Vec<_>>()
                .join(" ");
            let labelled = kicker_words <= 3 && kicker.ends_with(':');
            let dated = looks_like_date(&kicker) && kicker.chars().any(char::is_alphabetic);
            if labelled || dated {
                return d.clone();
            }
        }
    }
    for sep in [" – ", " — ", " - "] {
        if let Some((head, _)) = t.split_once(sep) {
            let hk = fold_key(head);
            if hk.len() >= 8 && declared.iter().any(|(d, _)| fold_key(d) == hk) {
                return head.trim().to_string();
            }
        }
    }
    t
}

/// Picks the headline.
///
/// Readers take the article's `<h1>` as its title, so an `<h1>` wins when it agrees with what
/// the page declares (JSON-LD, OpenGraph, Twitter, `<title>`); the declared copy is there to
/// tell the headline from the other `<h1>`s of a page (site name, section, widget headings).
pub(crate) fn choose_title(
    doc: &Doc,
    ld: &LdArticle,
    in_scope: impl Fn(u32) -> bool,
    site: Option<&str>,
    host: Option<&str>,
) -> Option<Sourced<String>> {
    let og = meta(doc, &["og:title"]).map(|(_, v)| (v.to_string(), "og"));
    let tw = meta(doc, &["twitter:title"]).map(|(_, v)| (v.to_string(), "twitter"));
    let ldh = ld.headline.clone().map(|v| (v, "json-ld"));
    let tt = doc.meta.title.clone().map(|v| (v, "html:title"));
    let declared: Vec<(String, &'static str)> = [ldh, og, tw, tt]
        .into_iter()
        .flatten()
        .map(|(v, s)| (strip_site_suffix(&decode_entities(&v), site, host), s))
        .filter(|(v, _)| !v.is_empty())
        .collect();
    // JSON-LD headlines are often cut at 110 characters (an old search-engine limit): a
    // longer declared title that starts with it is the whole headline.
    let mut declared = declared;
    if let Some(pos) = declared.iter().position(|(_, s)| *s == "json-ld") {
        let lk = declared
            .get(pos)
            .map(|(v, _)| fold_key(v))
            .unwrap_or_default();
        let cut = declared.iter().any(|(v, s)| {
            let k = fold_key(v);
            *s != "json-ld" && k.len() > lk.len() && k.starts_with(&lk) && lk.chars().count() >= 60
        });
        if cut {
            declared.remove(pos);
        }
    }
    let raw_title = doc.meta.title.as_deref().map(decode_entities);
    let raw_inline = raw_title.as_deref().map(normalise_inline);
    let raw_stripped = raw_title
        .as_deref()
        .map(|t| fold_key(&strip_site_suffix(t, site, host)));
    let site_k = site.map(fold_key).unwrap_or_default();
    // An h1 that is the site's name, or a decoration the <title> carries beside the headline,
    // is the masthead, not the headline.
    // So is an h1 that is one half of the <title> when og:title (or another declared copy) is
    // the other half: "Blog Name: Headline" with the headline alone in og:title.
    let masthead = |h: &str| {
        let hk = fold_key(h);
        (!site_k.is_empty() && hk == site_k)
            || raw_title.as_deref().is_some_and(|t| {
                fold_key(t).contains(&hk)
                    && !raw_stripped.as_deref().unwrap_or_default().contains(&hk)
            })
            || raw_inline.as_deref().is_some_and(|t| {
                title_halves(t).any(|(a, b)| {
                    [(a, b), (b, a)].into_iter().any(|(mine, other)| {
                        let ok = fold_key(other);
                        fold_key(mine) == hk
                            && ok != hk
                            && ok != site_k
                            && declared
                                .iter()
                                .any(|(d, s)| *s != "html:title" && fold_key(d) == ok)
                    })
                })
            })
    };
    let h1s: Vec<(&Found, String)> = doc
        .meta
        .h1s
        .iter()
        .filter(|h| !h.text.is_empty() && h.text.chars().count() <= 300)
        .map(|h| (h, tidy_h1(&h.text, &declared, site, host)))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    // The h1 says what a declared title says, or is where one starts ("What is X?" against
    // "What Is X? Our 2026 Guide"), or is one of the `<title>`'s separated parts.
    let agrees = |h: &str| {
        let hk = fold_key(h);
        declared.iter().any(|(d, _)| {
            titles_agree(d, h) || (hk.chars().count() >= 8 && fold_key(d).starts_with(&hk))
        }) || raw_title.as_deref().is_some_and(|t| {
            title_parts(t).any(|p| fold_key(p) == hk) || {
                let tk = raw_stripped.as_deref().unwrap_or_default();
                tk.contains(&hk) && hk.len() * 2 >= tk.len()
            }
        })
    };
    // Weaker: the h1 is a declared title retouched in one word (see `one_word_apart`), or its
    // head when the declared copy adds a subtitle after a dash or bar (a colon joins the two
    // halves of one headline; a dash or bar adds a decoration the h1 may leave out).
    let nearly_agrees = |h: &str| {
        declared.iter().any(|(d, _)| {
            one_word_apart(d, h)
                || [" | ", " - ", " – ", " — "]
                    .into_iter()
                    .filter_map(|sep| d.split_once(sep))
                    .any(|(head, _)| one_word_apart(head, h))
        })
    };
    let as_h1 = |h: &str| {
        let hk = fold_key(h);
        let value = if all_caps(h) {
            // A shouted h1 is styling (unless a declared copy is in capitals too: then the
            // site writes it so): the declared copy of the same headline has the real case.
            if declared
                .iter()
                .any(|(d, _)| all_caps(d) && fold_key(d) == hk)
            {
                h.to_string()
            } else {
                declared
                    .iter()
                    .find(|(d, _)| !all_caps(d) && fold_key(d) == hk)
                    .or_else(|| {
                        declared
                            .iter()
                            .find(|(d, _)| !all_caps(d) && one_word_apart(d, h))
                    })
                    .map_or_else(|| h.to_string(), |(d, _)| d.clone())
            }
        } else if starts_lower(h) {
            // "history of coffee": a headline never starts in lower case, the h1 is styled
            // (text-transform); a declared copy, or a part of one, with the same words has
            // the page's own case.
            declared
                .iter()
                .flat_map(|(d, _)| std::iter::once(d.as_str()).chain(title_parts(d)))
                .chain(raw_title.as_deref().into_iter().flat_map(title_parts))
                .find(|p| !starts_lower(p) && fold_key(p) == hk)
                .map_or_else(|| h.to_string(), |p| p.trim().to_string())
        } else {
            h.to_string()
        };
        Sourced {
            value: tidy_title(&value),
            source: "html:h1",
        }
    };
    // The h1 agreeing with the declared titles, inside the article box first; one that only
    // nearly agrees when none does.
    let agreeing = h1s
        .iter()
        .filter(|(_, t)| fold_key(t).len() >= 3 && agrees(t) && !masthead(t))
        .min_by_key(|(h, _)| !in_scope(h.elem))
        .or_else(|| {
            h1s.iter()
                .filter(|(_, t)| nearly_agrees(t) && !masthead(t))
                .min_by_key(|(h, _)| !in_scope(h.elem))
        });
    if let Some((_, t)) = agreeing {
        return Some(as_h1(t));
    }
    // A headline inside the article box is what readers see as the title; but where the box
    // holds three h1s or more, its h1s are section headings (some blog templates use h1 for
    // every heading) and the declared title, when there is one, names the article.
    let boxed = h1s.iter().filter(|(h, _)| in_scope(h.elem)).count();
    if let Some((_, t)) = h1s.iter().find(|(h, t)| in_scope(h.elem) && !masthead(t)) {
        if fold_key(t).chars().count() >= 8 && (boxed <= 2 || declared.is_empty()) {
            return Some(as_h1(t));
        }
    }
    if declared.is_empty() {
        if let Some((_, t)) = h1s.iter().find(|(_, t)| fold_key(t).len() >= 3) {
            return Some(as_h1(t));
        }
    }
    declared.into_iter().next().map(|(value, source)| Sourced {
        value: tidy_title(&strip_leading_label(&value)),
        source,
    })
}

/// Whether the first letter of a string is a lower-case one.
fn starts_lower(s: &str) -> bool {
    s.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(char::is_lowercase)
}

/// A chosen title as published: ASCII single quotes, and full-width ASCII forms ("？", "！")
/// as ASCII in a title without Chinese, Japanese or Korean script (an input-method artefact
/// there; in CJK text the full-width forms are the norm and stay).
fn tidy_title(s: &str) -> String {
    let s = tidy_quotes(s);
    let fullwidth = |c: char| ('\u{FF01}'..='\u{FF5E}').contains(&c);
    let cjk = |c: char| {
        ('\u{3040}'..='\u{30FF}').contains(&c)
            || ('\u{3400}'..='\u{9FFF}').contains(&c)
            || ('\u{AC00}'..='\u{D7AF}').contains(&c)
            || ('\u{F900}'..='\u{FAFF}').contains(&c)
    };
    if !s.chars().any(fullwidth) || s.chars().any(cjk) {
        return s;
    }
    s.chars()
        .map(|c| {
            if fullwidth(c) {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// Typographic single quotes and apostrophes as ASCII in short metadata strings, so that
/// titles compare equal whichever the page's CMS chose (body text is left as published).
pub(crate) fn tidy_quotes(s: &str) -> String {
    s.replace(['\u{2019}', '\u{2018}', '\u{02BC}'], "'")
}

/// Decodes the HTML entities that CMSs leave escaped inside JSON-LD and meta strings.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(rest.get(..pos).unwrap_or(""));
        let tail = rest.get(pos..).unwrap_or("");
        let end = tail
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        let decoded = end.and_then(|e| {
            let name = tail.get(1..e)?;
            let ch = if let Some(num) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"))
            {
                u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
            } else if let Some(num) = name.strip_prefix('#') {
                num.parse::<u32>().ok().and_then(char::from_u32)
            } else {
                match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "nbsp" => Some(' '),
                    "rsquo" => Some('\u{2019}'),
                    "lsquo" => Some('\u{2018}'),
                    "rdquo" => Some('\u{201D}'),
                    "ldquo" => Some('\u{201C}'),
                    "ndash" => Some('\u{2013}'),
                    "mdash" => Some('\u{2014}'),
                    "hellip" => Some('\u{2026}'),
                    _ => None,
                }
            };
            Some((ch?, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = tail.get(e + 1..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = tail.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

/// Resolves a possibly relative URL against the page URL.
pub(crate) fn resolve_url(href: &str, base: Option<&str>) -> Option<String> {
    let h = href.trim();
    if h.is_empty() || h.starts_with("javascript:") || h.starts_with("data:") {
        return None;
    }
    if h.starts_with("http://") || h.starts_with("https://") {
        return Some(h.to_string());
    }
    let base = base?;
    let (scheme, rest) = base.split_once("://")?;
    if let Some(stripped) = h.strip_prefix("//") {
        return Some(format!("{scheme}://{stripped}"));
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if h.starts_with('/') {
        return Some(format!("{scheme}://{host}{h}"));
    }
    let path = rest.get(host.len()..).unwrap_or("");
    let path = path.split(['?', '#']).next().unwrap_or("");
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    Some(format!("{scheme}://{host}{dir}/{h}"))
}

/// The host of a URL, without port.
pub(crate) fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next()?;
    (!host.is_empty()).then_some(host)
}

/// ISO 639-1 from a language tag such as `en-US` or `pt_BR`.
pub(crate) fn lang_code(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    if (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic()) {
        Some(primary)
    } else {
        None
    }
}
