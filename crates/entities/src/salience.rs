//! Salience: how central each entity is to the article, in [0, 1].
//!
//! Each mention weighs 1, more in the lead (first 15% of the text, at least the first 600
//! characters): 2. An entity named in the title gets +4, in the description +2. The sum is
//! divided by the largest sum in the article, so the most salient entity has 1.0.

use crate::canonicalize::{Group, RawMention};
use crate::{Entity, Mention};

fn contains_word(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let mut from = 0;
    while let Some(p) = hay.get(from..).and_then(|h| h.find(needle)) {
        let s = from + p;
        let e = s + needle.len();
        let before = hay.get(..s).and_then(|h| h.chars().next_back());
        let after = hay.get(e..).and_then(|h| h.chars().next());
        if !before.is_some_and(|c| c.is_alphanumeric())
            && !after.is_some_and(|c| c.is_alphanumeric())
        {
            return true;
        }
        from = s + needle.len().max(1);
    }
    false
}

/// Builds the output entities, ordered by salience (then first mention).
pub fn entities(
    raw: &[RawMention],
    groups: Vec<crate::canonicalize::Group>,
    text: &str,
    title: Option<&str>,
    description: Option<&str>,
) -> Vec<Entity> {
    let text_chars = text.chars().count();
    let lead = (text_chars * 15 / 100).max(600);
    let mut scored: Vec<(f64, usize, Entity)> = Vec::with_capacity(groups.len());
    for Group {
        name,
        kind,
        members,
    } in groups
    {
        let mut score = 0.0;
        let mut mentions = Vec::with_capacity(members.len());
        let mut first = usize::MAX;
        let mut in_title = false;
        let mut in_desc = false;
        for &i in &members {
            let Some(m) = raw.get(i) else { continue };
            score += if m.start < lead { 2.0 } else { 1.0 };
            first = first.min(m.start);
            if let Some(t) = title {
                in_title |= contains_word(t, &m.text) || contains_word(t, &name);
            }
            if let Some(d) = description {
                in_desc |= contains_word(d, &m.text) || contains_word(d, &name);
            }
            mentions.push(Mention {
                start: m.start,
                end: m.end,
                text: m.text.clone(),
            });
        }
        if mentions.is_empty() {
            continue;
        }
        if in_title {
            score += 4.0;
        }
        if in_desc {
            score += 2.0;
        }
        mentions.sort_by_key(|m| (m.start, m.end));
        scored.push((
            score,
            first,
            Entity {
                name,
                kind,
                count: mentions.len(),
                salience: 0.0,
                mentions,
            },
        ));
    }
    let max = scored.iter().map(|s| s.0).fold(0.0, f64::max);
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .map(|(s, _, mut e)| {
            e.salience = if max > 0.0 {
                ((s / max) * 1000.0).round() / 1000.0
            } else {
                0.0
            };
            e
        })
        .collect()
}
