//! The HTML path: parse once, walk once, then decide.
//!
//! Everything after [`crate::dom::walk`] works on the walk's flat arena; the html5ever tree is
//! dropped before extraction so that a large page never holds two copies of its tree.

use scraper::Html;

use crate::dom::{Doc, NONE};
use crate::extract;
use crate::metadata::{
    self, choose_title, host_of, lang_code, looks_like_date, meta, resolve_url, role_of,
};
use crate::normalise::{fold_key, normalise_inline, normalise_text};
use crate::plaintext;
use crate::{CleanError, Cleaned, DateCandidate, Input, Sourced};

/// Body text shorter than this (non-space characters) is suspect: JSON-LD `articleBody` or the
/// whole page's text may do better.
const SHORT_BODY: usize = 250;

pub(crate) fn clean_html(
    text: &str,
    input: &Input<'_>,
    encoding: &'static str,
) -> Result<Cleaned, CleanError> {
    let text = crate::prepass::prepare(text);
    let parsed = parse(&text);
    let doc = crate::dom::walk(&parsed);
    drop(parsed);
    decide(&doc, input, encoding)
}

/// Tree nodes per byte of (prepared) page, from extraction-dev: about one element and one text
/// node per 100 bytes. Rounded up so that most pages never grow the arena.
const NODES_PER_BYTE: usize = 40;

/// Most nodes reserved up front (about 16 MB of arena); a larger page grows it as usual.
const MAX_RESERVED_NODES: usize = 1 << 17;

/// `Html::parse_document`, with the tree's arena sized from the page: grown node by node it is
/// copied a dozen times per page on the way up (a percent of the stage's time).
fn parse(text: &str) -> Html {
    use html5ever::tendril::TendrilSink;
    let mut html = Html::new_document();
    let nodes = (text.len() / NODES_PER_BYTE).clamp(16, MAX_RESERVED_NODES);
    html.tree = ego_tree::Tree::with_capacity(scraper::Node::Document, nodes);
    html5ever::driver::parse_document(scraper::HtmlTreeSink::new(html), Default::default())
        .one(text)
}

fn decide(doc: &Doc, input: &Input<'_>, encoding: &'static str) -> Result<Cleaned, CleanError> {
    let mut out = Cleaned {
        encoding,
        ..Cleaned::default()
    };
    let mut ld_dates = Vec::new();
    let ld = metadata::read_ld(&doc.meta.ld_json, &mut ld_dates);

    // Canonical URL and host.
    out.canonical_url = doc
        .meta
        .canonical
        .as_deref()
        .and_then(|h| resolve_url(h, input.url))
        .map(|v| Sourced {
            value: v,
            source: "link:canonical",
        })
        .or_else(|| {
            meta(doc, &["og:url"])
                .and_then(|(_, v)| resolve_url(v, input.url))
                .map(|v| Sourced {
                    value: v,
                    source: "og",
                })
        })
        .or_else(|| {
            ld.url
                .as_deref()
                .and_then(|v| resolve_url(v, input.url))
                .map(|v| Sourced {
                    value: v,
                    source: "json-ld",
                })
        });
    let page_url = input
        .url
        .map(str::to_string)
        .or_else(|| out.canonical_url.as_ref().map(|c| c.value.clone()));
    let host = page_url.as_deref().and_then(host_of).map(str::to_string);

    out.site_name = meta(doc, &["og:site_name"])
        .map(|(_, v)| Sourced {
            value: normalise_inline(v),
            source: "og",
        })
        .or_else(|| {
            ld.publisher.clone().map(|v| Sourced {
                value: v,
                source: "json-ld",
            })
        })
        .or_else(|| {
            meta(doc, &["application-name", "apple-mobile-web-app-title"]).map(|(_, v)| Sourced {
                value: normalise_inline(v),
                source: "meta:application-name",
            })
        })
        .or_else(|| {
            host.as_deref().map(|h| Sourced {
                value: h.trim_start_matches("www.").to_string(),
                source: "url",
            })
        });
    let site = out.site_name.as_ref().map(|s| s.value.clone());

    // Body.
    let sel = extract::select(doc);
    let scope = sel.as_ref().map(|s| s.scope).unwrap_or(NONE);
    let in_scope = |e: u32| scope != NONE && doc.contains(scope, e);
    out.title = choose_title(doc, &ld, in_scope, site.as_deref(), host.as_deref());
    let title_key = out
        .title
        .as_ref()
        .map(|t| fold_key(&t.value))
        .unwrap_or_default();
    let mut paras = match &sel {
        Some(s) => extract::emit(doc, &s.roots, &title_key),
        None => Vec::new(),
    };
    let body_len: usize = paras
        .iter()
        .map(|p| crate::normalise::non_space_chars(p))
        .sum();
    if body_len < SHORT_BODY {
        let ld_body = ld.body.as_deref().map(normalise_text).unwrap_or_default();
        let ld_len = crate::normalise::non_space_chars(&ld_body);
        if ld_len > body_len.max(SHORT_BODY / 2) {
            paras = ld_body.split("\n\n").map(str::to_string).collect();
        } else if doc.text.len() <= 2 * 1024 * 1024 {
            let all = extract::emit_all(doc, &title_key);
            let all_len: usize = all
                .iter()
                .map(|p| crate::normalise::non_space_chars(p))
                .sum();
            if body_len == 0 || (all_len > body_len * 3 && all_len < 20_000) {
                paras = all;
            }
        }
    }

    // Authors: JSON-LD people, meta names, then the page's own author boxes and bylines.
    let found = crate::authors::choose(
        doc,
        &ld,
        scope,
        out.title.as_ref().map(|t| t.value.as_str()),
        site.as_deref(),
        host.as_deref(),
    );
    out.authors = found.names;
    out.authors.truncate(12);
    out.authors_source = found.source;
    out.agencies = found.agencies;

    // Body clean-up: bylines, datelines and a repeated title at the edges.
    strip_edges(&mut paras, &out.authors);
    out.text = normalise_text(&paras.join("\n\n"));
    if out.text.is_empty() {
        return Err(CleanError::NoContent(
            "no article text found on the page".into(),
        ));
    }

    out.description = meta(doc, &["og:description"])
        .map(|(_, v)| Sourced {
            value: normalise_inline(v),
            source: "og",
        })
        .or_else(|| {
            meta(doc, &["description"]).map(|(_, v)| Sourced {
                value: normalise_inline(v),
                source: "meta:description",
            })
        })
        .or_else(|| {
            meta(doc, &["twitter:description"]).map(|(_, v)| Sourced {
                value: normalise_inline(v),
                source: "twitter",
            })
        })
        .or_else(|| {
            ld.description.clone().map(|v| Sourced {
                value: v,
                source: "json-ld",
            })
        })
        .filter(|d| !d.value.is_empty());

    out.top_image = meta(doc, &["og:image", "og:image:url", "og:image:secure_url"])
        .and_then(|(_, v)| resolve_url(v, page_url.as_deref()))
        .map(|v| Sourced {
            value: v,
            source: "og",
        })
        .or_else(|| {
            meta(doc, &["twitter:image", "twitter:image:src"])
                .and_then(|(_, v)| resolve_url(v, page_url.as_deref()))
                .map(|v| Sourced {
                    value: v,
                    source: "twitter",
                })
        })
        .or_else(|| {
            ld.image
                .as_deref()
                .and_then(|v| resolve_url(v, page_url.as_deref()))
                .map(|v| Sourced {
                    value: v,
                    source: "json-ld",
                })
        })
        .or_else(|| {
            doc.meta.first_img.clone().map(|v| Sourced {
                value: v,
                source: "html:img",
            })
        });

    out.section = meta(doc, &["article:section"])
        .map(|(_, v)| Sourced {
            value: normalise_inline(v),
            source: "meta:article:section",
        })
        .or_else(|| {
            ld.section.clone().map(|v| Sourced {
                value: v,
                source: "json-ld",
            })
        })
        .or_else(|| {
            meta(doc, &["parsely-section", "section", "category"]).map(|(_, v)| Sourced {
                value: normalise_inline(v),
                source: "meta:section",
            })
        })
        .filter(|s| !s.value.is_empty());

    let mut tags: Vec<String> = doc
        .meta
        .metas
        .iter()
        .filter(|(k, _, _)| k == "article:tag")
        .map(|(_, v, _)| normalise_inline(v))
        .collect();
    if tags.is_empty() {
        if let Some((_, v)) = meta(doc, &["news_keywords", "keywords", "parsely-tags"]) {
            tags = v.split(',').map(normalise_inline).collect();
        }
    }
    if tags.is_empty() {
        tags = ld.keywords.clone();
    }
    let mut seen = std::collections::HashSet::new();
    tags.retain(|t| !t.is_empty() && t.chars().count() <= 80 && seen.insert(t.to_lowercase()));
    tags.truncate(30);
    out.tags = tags;

    out.language = if let Some(l) = input.language_hint.and_then(lang_code) {
        Some(Sourced {
            value: l,
            source: "hint",
        })
    } else if let Some(l) = doc.meta.html_lang.as_deref().and_then(lang_code) {
        Some(Sourced {
            value: l,
            source: "html:lang",
        })
    } else if let Some(l) = meta(
        doc,
        &[
            "content-language",
            "og:locale",
            "dc.language",
            "language",
            "inlanguage",
        ],
    )
    .and_then(|(_, v)| lang_code(v))
    {
        Some(Sourced {
            value: l,
            source: "meta:language",
        })
    } else if let Some(l) = ld.language.as_deref().and_then(lang_code) {
        Some(Sourced {
            value: l,
            source: "json-ld",
        })
    } else {
        plaintext::language(input, &out.text)
    };

    // Captions inside the article (or anywhere when no article box was found).
    let mut caps: Vec<String> = Vec::new();
    for f in &doc.meta.captions {
        if scope != NONE && !in_scope(f.elem) {
            continue;
        }
        let t = f.text.chars().take(1000).collect::<String>();
        if t.is_empty() || crate::boilerplate::is_boilerplate_line(&t) || caps.contains(&t) {
            continue;
        }
        // A caption box holding a credit box: keep the outer text only.
        if caps.iter().any(|c| c.contains(t.as_str())) {
            continue;
        }
        caps.retain(|c| !t.contains(c.as_str()));
        caps.push(t);
        if caps.len() >= 32 {
            break;
        }
    }
    out.captions = caps;

    // Dates.
    let mut dates = ld_dates;
    metadata::meta_dates(doc, in_scope, &mut dates);
    for f in &doc.meta.times {
        let in_article = in_scope(f.elem) && !crate::dom::in_furniture(doc, f.elem, scope);
        let role = role_of(&format!("{} {}", f.hint, f.text));
        if !f.attr.is_empty() && f.attr.len() <= 100 {
            push_date(
                &mut dates,
                DateCandidate {
                    source: "time",
                    role,
                    raw: f.attr.clone(),
                    in_article,
                },
            );
        }
        if !f.text.is_empty() && looks_like_date(&f.text) {
            push_date(
                &mut dates,
                DateCandidate {
                    source: "time",
                    role,
                    raw: f.text.clone(),
                    in_article,
                },
            );
        }
    }
    for f in &doc.meta.bylines {
        if f.text.chars().count() > 150 || !looks_like_date(&f.text) {
            continue;
        }
        let in_article = in_scope(f.elem) && !crate::dom::in_furniture(doc, f.elem, scope);
        let role = role_of(&format!("{} {}", f.hint, f.text));
        push_date(
            &mut dates,
            DateCandidate {
                source: "byline",
                role,
                raw: f.text.clone(),
                in_article,
            },
        );
    }
    out.date_candidates = dates;
    Ok(out)
}

fn push_date(dates: &mut Vec<DateCandidate>, d: DateCandidate) {
    if dates.len() >= 128 {
        return;
    }
    if dates.iter().any(|x| x.raw == d.raw && x.source == d.source) {
        return;
    }
    dates.push(d);
}

/// Drops bylines, datelines and "by"-lines at the top and bottom of the body.
fn strip_edges(paras: &mut Vec<String>, authors: &[String]) {
    let is_meta_line = |p: &str| {
        let n = p.chars().count();
        if n > 160 {
            return false;
        }
        let l = p.to_lowercase();
        if (l.starts_with("by ") || l.starts_with("written by") || l.starts_with("posted by"))
            && n <= 120
        {
            return true;
        }
        if n <= 80 && looks_like_date(p) && p.split_whitespace().count() <= 8 && !p.ends_with('.') {
            return true;
        }
        if n <= 60 && authors.iter().any(|a| fold_key(a) == fold_key(p)) {
            return true;
        }
        false
    };
    let mut front = 0;
    while front < paras.len().min(4) && paras.get(front).is_some_and(|p| is_meta_line(p)) {
        front += 1;
    }
    paras.drain(..front);
    while paras.len() > 1 && paras.last().is_some_and(|p| is_meta_line(p)) {
        paras.pop();
    }
}
