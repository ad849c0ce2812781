//! Finding the article body and turning it into paragraphs.
//!
//! Selection is readability's idea, which has held up for a decade on news pages: paragraphs
//! score their parent and grandparent (by length and commas, less their link text), the best
//! scored container is the body, and its siblings join it when they score nearly as well (a body
//! split by ads or promo boxes into several containers comes back whole). News additions on top:
//! explicit body markers (`itemprop=articleBody`, `article-body`, `entry-content`…) pull the
//! choice towards them, furniture is pruned by class words before scoring, and the emitter drops
//! stock lines, bylines, captions, copied layouts and the link lists that close the container
//! (a link list with prose after it is part of the story: the places, tools or sources it
//! names). Streamed pages (React) have their late segments joined to the body.

use crate::boilerplate::{is_boilerplate_line, stop_heading, StopKind};
use crate::dom::{flag, Doc, Elem, Ev, Tag, NONE};
use crate::normalise::{fold_key, normalise_inline};

/// The chosen body.
#[derive(Debug, Clone)]
pub(crate) struct Selection {
    /// Elements whose text is the body, in document order.
    pub roots: Vec<u32>,
    /// The article's outer box, for "is this date/caption in the article".
    pub scope: u32,
}

fn tag_bonus(tag: Tag) -> f32 {
    match tag {
        Tag::Div | Tag::Article | Tag::Main | Tag::Section => 5.0,
        Tag::Pre | Tag::Td | Tag::Blockquote => 3.0,
        Tag::List | Tag::Li | Tag::Block | Tag::Form => -3.0,
        Tag::H | Tag::H1 => -5.0,
        _ => 0.0,
    }
}

fn final_score(e: &Elem) -> f32 {
    (e.score + tag_bonus(e.tag) + e.class_weight as f32) * (1.0 - e.link_density().min(1.0))
}

fn usable(e: &Elem) -> bool {
    !e.has(flag::PRUNED | flag::IN_PRUNED | flag::CAPTION | flag::IN_CAPTION)
        && !matches!(e.tag, Tag::Head | Tag::Html)
}

/// Longest author box (byline, bio, links) left out of the body.
const BYLINE_MAX: u32 = 800;

/// Picks the body container(s).
pub(crate) fn select(doc: &Doc) -> Option<Selection> {
    let mut best: Option<(u32, f32)> = None;
    for (i, e) in doc.elems.iter().enumerate() {
        if e.score <= 0.0 || !usable(e) {
            continue;
        }
        let s = final_score(e);
        if best.is_none_or(|(_, b)| s > b) {
            best = Some((i as u32, s));
        }
    }
    let (mut top, mut top_score) = best?;

    // An explicit body marker close to the winner, holding most of its text, wins: the
    // scorer's favourite is often one of several blocks inside `article-body`.
    if let Some(t) = doc.elems.get(top as usize) {
        let mut anc = t.parent;
        let mut depth = 0;
        while anc != NONE && depth < 6 {
            let Some(a) = doc.elems.get(anc as usize) else {
                break;
            };
            if matches!(a.tag, Tag::Body | Tag::Html) {
                break;
            }
            if a.has(flag::POSITIVE) && usable(a) && a.link_density() < 0.35 {
                top = anc;
                top_score = final_score(a).max(top_score);
                break;
            }
            anc = a.parent;
            depth += 1;
        }
    }

    // Climb while an ancestor holds clearly more paragraph text, mostly paragraphs: bodies
    // whose paragraphs sit in one wrapper each, or split into sibling blocks by ads. Levels
    // that add only a heading are passed through; a level that is mostly links or other
    // non-paragraph text ends the climb.
    // The article's outer box is looked for from the winner before the climb: a climb through
    // page-builder wrappers can end in a box that also holds the site's header and teasers.
    let scope_from = top;
    let mut cur = top;
    let mut cur_para = doc.elems.get(top as usize).map_or(0, |e| e.para_len);
    let mut depth = 0;
    while let Some(t) = doc.elems.get(cur as usize) {
        let p = t.parent;
        let Some(pe) = doc.elems.get(p as usize) else {
            break;
        };
        if matches!(pe.tag, Tag::Body | Tag::Html) {
            break;
        }
        if !usable(pe) || depth >= 10 {
            break;
        }
        // Out of one story into a list of stories: when the other stories are much shorter
        // than ours, they are teasers (a body cut into `<article>` sections has parts of
        // similar size).
        if t.articles > 0 && pe.articles > t.articles {
            let others = u32::from(pe.articles - t.articles);
            let other_len = pe.para_len.saturating_sub(t.para_len) / others;
            if other_len * 3 < t.para_len {
                break;
            }
        }
        // A link-heavy level ends the climb, unless it multiplies the paragraph text (a body
        // whose table of contents or link lists sit beside its sections).
        let grows = pe.para_len as u64 >= cur_para as u64 * 2;
        let add_text = pe.text_len.saturating_sub(t.text_len) as u64;
        let add_link = pe.link_len.saturating_sub(t.link_len) as u64;
        let add_ld = if add_text == 0 {
            0.0
        } else {
            add_link as f32 / add_text as f32
        };
        if (pe.link_density() >= 0.3 && add_ld >= 0.3 && !grows)
            || add_ld >= 0.5
            || (pe.para_len as u64) * 10 < (pe.text_len as u64) * 5
        {
            break;
        }
        if pe.para_len as u64 * 20 >= cur_para as u64 * 23 {
            top = p;
            cur_para = pe.para_len;
            top_score = final_score(pe).max(top_score);
        }
        // Wrappers that add no text do not count: page builders nest a dozen of them.
        if pe.text_len > t.text_len {
            depth += 1;
        }
        cur = p;
    }

    let t = doc.elems.get(top as usize)?;
    let parent = t.parent;
    let mut roots = Vec::new();
    let threshold = (top_score * 0.2).max(10.0);
    if let Some(pe) = doc.elems.get(parent as usize) {
        // Children of the parent, in order.
        let mut i = parent as usize + 1;
        while let Some(c) = doc.elems.get(i) {
            if c.open > pe.close {
                break;
            }
            if c.parent == parent {
                let ci = i as u32;
                if ci == top || (usable(c) && sibling_joins(doc, c, threshold)) {
                    roots.push(ci);
                }
                // Skip the child's subtree.
                let close = c.close;
                i += 1;
                while let Some(d) = doc.elems.get(i) {
                    if d.open > close {
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            i += 1;
        }
    }
    if roots.is_empty() {
        roots.push(top);
    }
    if !doc.segments.is_empty() {
        add_segments(doc, &mut roots);
    }
    let scope = article_scope(doc, scope_from);
    Some(Selection { roots, scope })
}

/// Streamed pages (React) send the parts of the story that render late as hidden segments at
/// the end of the body, and a script moves each into its placeholder: wherever the body was
/// found, the segments that read as prose are part of it. They follow the chosen roots in
/// the order of their placeholders, which is the order the reader sees.
fn add_segments(doc: &Doc, roots: &mut Vec<u32>) {
    let mut found: Vec<(usize, u32)> = Vec::new();
    for (id, el) in &doc.segments {
        let Some(e) = doc.elems.get(*el as usize) else {
            continue;
        };
        if !usable(e) || e.score <= 0.0 || e.para_len < 100 || e.link_density() >= 0.35 {
            continue;
        }
        if roots
            .iter()
            .any(|&r| doc.contains(r, *el) || doc.contains(*el, r))
        {
            continue;
        }
        let order = doc
            .placeholders
            .iter()
            .position(|p| p == id)
            .unwrap_or(usize::MAX);
        found.push((order, *el));
    }
    found.sort_by_key(|&(order, el)| (order, el));
    roots.extend(found.into_iter().map(|(_, el)| el));
}

fn sibling_joins(doc: &Doc, c: &Elem, threshold: f32) -> bool {
    if c.text_len == 0 {
        return false;
    }
    let ld = c.link_density();
    if c.score > 0.0 && final_score(c) >= threshold && ld < 0.35 {
        return true;
    }
    if matches!(
        c.tag,
        Tag::P | Tag::Blockquote | Tag::Pre | Tag::List | Tag::H
    ) {
        if c.text_len > 70 && ld < 0.25 {
            return true;
        }
        if c.tag == Tag::H && c.text_len >= 3 && ld < 0.5 {
            return true;
        }
        let text = doc.text_of(c);
        if c.text_len > 0 && ld == 0.0 && c.text_len < 70 {
            let t = text.trim_end();
            return t.ends_with('.') || t.ends_with('!') || t.ends_with('?') || t.ends_with('"');
        }
    }
    false
}

fn article_scope(doc: &Doc, top: u32) -> u32 {
    let mut anc = top;
    let mut depth = 0;
    let top_len = doc.elems.get(top as usize).map_or(0, |e| e.text_len);
    while anc != NONE && depth < 8 {
        let Some(a) = doc.elems.get(anc as usize) else {
            break;
        };
        if a.has(flag::ARTICLE) {
            return anc;
        }
        if matches!(a.tag, Tag::Body | Tag::Html) {
            break;
        }
        anc = a.parent;
        depth += 1;
    }
    // No article box: the winner's parent, unless that is the whole page.
    match doc.elems.get(top as usize).map(|e| e.parent) {
        Some(p) if p != NONE => match doc.elems.get(p as usize) {
            Some(pe)
                if !matches!(pe.tag, Tag::Body | Tag::Html)
                    && pe.text_len <= top_len * 3 + 2000 =>
            {
                p
            }
            _ => top,
        },
        _ => top,
    }
}

/// Emits the paragraphs of the selected subtrees.
pub(crate) fn emit(doc: &Doc, roots: &[u32], title_key: &str) -> Vec<String> {
    let mut em = Emitter {
        doc,
        paras: Vec::new(),
        cur: String::new(),
        cur_chars: 0,
        cur_link: 0,
        link_depth: 0,
        title_key,
        bytes: 0,
        seen: rustc_hash::FxHashSet::default(),
        run: 0,
        pending_links: None,
    };
    for &r in roots {
        let Some(e) = doc.elems.get(r as usize) else {
            continue;
        };
        em.run(e.open as usize, e.close as usize);
        em.flush();
    }
    // Link lists after the last paragraph of prose are the page's lists of other stories.
    if let Some(from) = em.pending_links {
        em.paras.truncate(from);
    }
    em.paras
}

/// Emits the whole page's non-furniture text (fallback when no container scores).
pub(crate) fn emit_all(doc: &Doc, title_key: &str) -> Vec<String> {
    let body = doc
        .elems
        .iter()
        .position(|e| e.tag == Tag::Body)
        .map_or(0u32, |i| i as u32);
    emit(doc, &[body], title_key)
}

/// Upper bound on the body text we produce: beyond this a page is not an article.
const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

struct Emitter<'a> {
    doc: &'a Doc,
    paras: Vec<String>,
    cur: String,
    cur_chars: usize,
    cur_link: usize,
    link_depth: usize,
    title_key: &'a str,
    bytes: usize,
    /// Hashes of the long paragraphs emitted so far: responsive layouts carry the same story
    /// two or three times (desktop, tablet, phone copies), and a reader sees it once.
    seen: rustc_hash::FxHashSet<u64>,
    /// Index of the first paragraph of the link lists emitted since the last prose paragraph.
    pending_links: Option<usize>,
    /// Long repeated paragraphs in a row (short lines in between do not count).
    run: u32,
}

/// Characters of a paragraph that make it prose (keeps the link lists before it).
const PROSE_CHARS: usize = 80;

/// Paragraphs at least this long (bytes) are emitted once per body.
const DEDUP_MIN: usize = 50;

impl Emitter<'_> {
    fn skip(&self, e: &Elem) -> bool {
        if e.has(flag::PRUNED | flag::HIDDEN | flag::CAPTION) {
            return true;
        }
        if e.tag == Tag::H1 {
            return true;
        }
        // Bylines, datelines and author boxes (with their bios): metadata, not body.
        if e.has(flag::BYLINE) && e.text_len <= BYLINE_MAX && (e.paras <= 2 || e.text_len <= 200) {
            return true;
        }
        false
    }

    fn run(&mut self, from: usize, to: usize) {
        let mut i = from;
        while i <= to {
            let Some(ev) = self.doc.events.get(i) else {
                break;
            };
            match *ev {
                Ev::Open(ei) => {
                    let Some(e) = self.doc.elems.get(ei as usize) else {
                        i += 1;
                        continue;
                    };
                    if i != from && self.skip(e) {
                        if e.tag.is_block() {
                            self.flush();
                        }
                        i = e.close as usize + 1;
                        continue;
                    }
                    if e.tag.is_block() {
                        self.flush();
                    }
                    if e.tag == Tag::H {
                        if let Some(kind) = stop_heading(self.doc.text_of(e)) {
                            // The rest of the heading's container is furniture; when that
                            // container is the body itself, the body ends here.
                            let end = self
                                .doc
                                .elems
                                .get(e.parent as usize)
                                .map_or(to, |p| (p.close as usize).min(to));
                            let skip_to = match kind {
                                StopKind::Always => Some(end),
                                StopKind::IfLinks => links_section_end(self.doc, ei, end),
                            };
                            if let Some(end) = skip_to {
                                i = end.max(e.close as usize) + 1;
                                continue;
                            }
                        }
                    }
                    if e.tag == Tag::A {
                        self.link_depth += 1;
                    }
                    if e.tag == Tag::Li && self.cur.is_empty() {
                        self.cur.push_str("- ");
                    }
                }
                Ev::Close(ei) => {
                    if let Some(e) = self.doc.elems.get(ei as usize) {
                        if e.tag == Tag::A {
                            self.link_depth = self.link_depth.saturating_sub(1);
                        }
                        if e.tag.is_block() {
                            self.flush();
                        }
                    }
                }
                Ev::Text(s, e) => {
                    if self.bytes > MAX_BODY_BYTES {
                        return;
                    }
                    let t = self.doc.text.get(s as usize..e as usize).unwrap_or("");
                    self.push_text(t);
                }
            }
            i += 1;
        }
    }

    fn push_text(&mut self, t: &str) {
        let starts_ws = t.starts_with(char::is_whitespace);
        let ends_ws = t.ends_with(char::is_whitespace);
        let n = normalise_inline(t);
        if n.is_empty() {
            if (starts_ws || ends_ws) && !self.cur.is_empty() && !self.cur.ends_with(' ') {
                self.cur.push(' ');
            }
            return;
        }
        if starts_ws && !self.cur.is_empty() && !self.cur.ends_with(' ') {
            self.cur.push(' ');
        }
        let chars = crate::normalise::non_space_chars(&n);
        self.cur_chars += chars;
        if self.link_depth > 0 {
            self.cur_link += chars;
        }
        self.cur.push_str(&n);
        if ends_ws {
            self.cur.push(' ');
        }
    }

    fn flush(&mut self) {
        let para = self.cur.trim();
        let mostly_links = self.cur_chars > 0 && self.cur_link * 10 > self.cur_chars * 6;
        // A list of links inside the story (the places, tools or sources it names) is part of
        // it when prose follows; whether it does is known only later (see `emit`).
        let link_item = mostly_links && para.starts_with("- ");
        let keep = !(para.is_empty()
            || para == "-"
            || is_boilerplate_line(para.trim_start_matches("- "))
            || (mostly_links && !link_item))
            && !(self.paras.is_empty()
                && !self.title_key.is_empty()
                && fold_key(para) == self.title_key);
        let seen_before = keep && {
            use std::hash::{Hash, Hasher};
            let mut h = rustc_hash::FxHasher::default();
            para.hash(&mut h);
            !self.seen.insert(h.finish())
        };
        // A repeat is dropped when it follows another repeat: copies of a layout come as runs
        // of paragraphs, while a line a page repeats on purpose (a note under each item) comes
        // alone. Short lines (subheadings, labels, table cells, "Rest day" in a schedule)
        // repeat on purpose too, so they neither start nor end a run; they go with a run only
        // once it has shown itself a copy (two long repeats in a row).
        let long = para.len() >= DEDUP_MIN;
        let drop = seen_before && if long { self.run > 0 } else { self.run >= 2 };
        if keep && long {
            self.run = if seen_before {
                self.run.saturating_add(1)
            } else {
                0
            };
        } else if keep && !seen_before {
            self.run = 0;
        }
        if keep && !drop {
            if link_item {
                self.pending_links.get_or_insert(self.paras.len());
            } else if self.cur_chars >= PROSE_CHARS {
                self.pending_links = None;
            }
            let p = para.to_string();
            if self.paras.last() != Some(&p) {
                self.bytes += p.len();
                self.paras.push(p);
            }
        }
        self.cur.clear();
        self.cur_chars = 0;
        self.cur_link = 0;
    }
}

/// Elements a furniture heading's section check looks at before giving up.
const SECTION_SCAN_MAX: usize = 20_000;

/// Where the section that heading `h` opens ends (the event before the container's next
/// heading, or `end`) when it reads as a list of other stories (teasers under "Related",
/// "Latest"): a third of its text is link text, its own headings are links (teaser cards:
/// linked title, summary), or it is next to empty. A section of the article that
/// happens to be called "Recent developments" or "Related work" is prose under plain
/// subheadings, and a link list in the middle of a story ("More posts about Osaka") takes only
/// its own section with it.
fn links_section_end(doc: &Doc, h: u32, end: usize) -> Option<usize> {
    let he = doc.elems.get(h as usize)?;
    let (mut text, mut link) = (0u64, 0u64);
    let (mut linked_heads, mut plain_heads) = (0u32, 0u32);
    let mut section_end = end;
    let mut i = h as usize + 1;
    while let Some(c) = doc.elems.get(i) {
        if c.open as usize > end {
            break;
        }
        // Pages with hundreds of such headings in one huge container: past this budget the
        // heading ends the container as a plain stop heading would.
        if i - h as usize > SECTION_SCAN_MAX {
            return Some(end);
        }
        if c.parent == he.parent {
            // The next heading of the same container opens another section.
            if matches!(c.tag, Tag::H | Tag::H1) && (text > 0 || linked_heads + plain_heads > 0) {
                section_end = (c.open as usize).saturating_sub(1);
                break;
            }
            text += u64::from(c.text_len);
            link += u64::from(c.link_len);
        }
        if matches!(c.tag, Tag::H | Tag::H1) && c.text_len > 0 {
            if c.link_len * 2 >= c.text_len {
                linked_heads += 1;
            } else {
                plain_heads += 1;
            }
        }
        i += 1;
    }
    let links =
        text < 200 || link * 3 >= text || (linked_heads >= 2 && linked_heads >= plain_heads);
    links.then_some(section_end)
}

/// Top-scored candidates, for looking at a page that went wrong (examples/debug_page.rs).
pub(crate) fn debug_candidates(doc: &Doc) -> String {
    let mut v: Vec<(f32, usize)> = doc
        .elems
        .iter()
        .enumerate()
        .filter(|(_, e)| e.score > 0.0 && usable(e))
        .map(|(i, e)| (final_score(e), i))
        .collect();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out = String::new();
    for (i, e) in doc
        .elems
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.has(flag::PRUNED) && !e.has(flag::IN_PRUNED) && e.text_end - e.text_start > 1500
        })
        .take(10)
    {
        let t: String = doc
            .text_of(e)
            .split_whitespace()
            .take(12)
            .collect::<Vec<_>>()
            .join(" ");
        out.push_str(&format!(
            "  pruned#{i} {:?} flags={:b} raw={} raw_len={} raw_para={} :: {t}\n",
            e.tag,
            e.flags,
            e.text_end - e.text_start,
            e.raw_len,
            e.raw_para
        ));
    }
    for (s, i) in v.iter().take(12) {
        if let Some(e) = doc.elems.get(*i) {
            let t: String = doc
                .text_of(e)
                .chars()
                .filter(|c| !c.is_whitespace() || *c == ' ')
                .take(80)
                .collect();
            out.push_str(&format!(
                "#{i} {:?} final={s:.1} score={:.1} w={} len={} ld={:.2} paras={} flags={:b} parent={} :: {t}\n",
                e.tag, e.score, e.class_weight, e.text_len, e.link_density(), e.paras, e.flags, e.parent
            ));
        }
    }
    if let Some(sel) = select(doc) {
        out.push_str(&format!(
            "selected roots={:?} scope={}\n",
            sel.roots, sel.scope
        ));
        let mut a = v.first().map_or(NONE, |x| x.1 as u32);
        for _ in 0..16 {
            let Some(e) = doc.elems.get(a as usize) else {
                break;
            };
            out.push_str(&format!(
                "  up #{a} {:?} len={} para_len={} ld={:.2} flags={:b}\n",
                e.tag,
                e.text_len,
                e.para_len,
                e.link_density(),
                e.flags
            ));
            a = e.parent;
        }
    }
    out
}
