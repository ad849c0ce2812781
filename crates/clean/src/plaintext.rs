//! Plain-text input: a reader's copy of a page.
//!
//! A copy-paste keeps the page's furniture as lines ("Advertisement", "Reading Time:2 minutes",
//! "Why you can trust …", "loading") and loses the markup that told the title, standfirst and
//! caption apart. What is left to go on is the shape of lines: the title is the first short line
//! without a full stop, the standfirst the short line after it, a caption ends with an agency
//! credit in capitals, datelines and bylines are short lines near the ends. Paragraphs are the
//! lines themselves (copies put each paragraph on its own line) unless the text is hard-wrapped,
//! in which case wrapped lines are joined back.

use crate::boilerplate::is_boilerplate_line;
use crate::metadata::{agency_name, looks_like_date, people, role_of};
use crate::normalise::{normalise_inline, normalise_text};
use crate::{lang, CleanError, Cleaned, DateCandidate, Input, Sourced};

/// Cleans a plain-text article.
pub(crate) fn clean_text(
    text: &str,
    input: &Input<'_>,
    encoding: &'static str,
) -> Result<Cleaned, CleanError> {
    let norm = normalise_text(text);
    let units = units(&norm);
    let mut out = Cleaned {
        encoding,
        ..Cleaned::default()
    };
    let mut body: Vec<String> = Vec::new();
    let mut title_done = false;
    let mut standfirst_open = false;
    let n_units = units.len();
    let mut byline_raws: Vec<String> = Vec::new();
    for (i, u) in units.iter().enumerate() {
        let u = u.as_str();
        if is_boilerplate_line(u) {
            continue;
        }
        let near_edge = i < 8 || i + 4 >= n_units;
        let chars = u.chars().count();
        // "WASHINGTON, Aug 11 (Xinhua) --": the story starts here; its date is a candidate and
        // stays in the text (it is the first temporal expression of the story)
        if i < 8 && is_wire_dateline(u) {
            if looks_like_date(u) && out.date_candidates.len() < 16 {
                out.date_candidates.push(DateCandidate {
                    source: "text",
                    role: role_of(u),
                    raw: u.to_string(),
                    in_article: true,
                });
            }
            title_done = true;
            standfirst_open = false;
            body.push(u.to_string());
            continue;
        }
        if near_edge && chars <= 100 && is_dateline(u) {
            if out.date_candidates.len() < 16 {
                out.date_candidates.push(DateCandidate {
                    source: "text",
                    role: role_of(u),
                    raw: u.to_string(),
                    in_article: true,
                });
            }
            continue;
        }
        if near_edge && chars <= 120 && is_byline(u) {
            byline_raws.push(u.to_string());
            continue;
        }
        if !title_done {
            if chars <= 200 && !ends_sentence(u) && u.split_whitespace().count() >= 2 {
                out.title = Some(Sourced {
                    value: u.to_string(),
                    source: "text",
                });
                title_done = true;
                standfirst_open = true;
                continue;
            }
            title_done = true;
        }
        if is_caption(u) {
            if out.captions.len() < 32 {
                out.captions.push(u.to_string());
            }
            continue;
        }
        if standfirst_open {
            standfirst_open = false;
            if chars <= 320 && body.is_empty() && !ends_sentence(u) {
                out.description = Some(Sourced {
                    value: u.to_string(),
                    source: "text",
                });
                continue;
            }
        }
        body.push(u.to_string());
    }
    let mut agencies = Vec::new();
    out.authors = people(&byline_raws, None, false, &mut agencies);
    if !out.authors.is_empty() {
        out.authors_source = Some("text");
    }
    out.agencies = agencies;
    out.text = normalise_text(&body.join("\n\n"));
    if out.text.is_empty() {
        return Err(CleanError::NoContent(
            "no paragraph text in plain-text input".into(),
        ));
    }
    out.language = language(input, &out.text);
    Ok(out)
}

pub(crate) fn language(input: &Input<'_>, text: &str) -> Option<Sourced<String>> {
    if let Some(l) = input.language_hint.and_then(crate::metadata::lang_code) {
        return Some(Sourced {
            value: l,
            source: "hint",
        });
    }
    lang::detect(text).map(|l| Sourced {
        value: l.to_string(),
        source: "detected",
    })
}

/// Splits normalised text into units: a unit per line, except that hard-wrapped blocks (every
/// line of a block but the last of similar, long length) are joined into one.
fn units(norm: &str) -> Vec<String> {
    let mut out = Vec::new();
    for block in norm.split("\n\n") {
        let lines: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.len() >= 3 && is_hard_wrapped(&lines) {
            out.push(normalise_inline(&lines.join(" ")));
        } else {
            out.extend(lines.iter().map(|l| normalise_inline(l)));
        }
    }
    out.retain(|u| !u.is_empty());
    out
}

fn is_hard_wrapped(lines: &[&str]) -> bool {
    let n = lines.len();
    let body = lines.get(..n.saturating_sub(1)).unwrap_or(&[]);
    if body.is_empty() {
        return false;
    }
    let lens: Vec<usize> = body.iter().map(|l| l.chars().count()).collect();
    let max = lens.iter().copied().max().unwrap_or(0);
    let min = lens.iter().copied().min().unwrap_or(0);
    (50..=100).contains(&max) && min * 10 >= max * 7
}

fn ends_sentence(s: &str) -> bool {
    // a wire feed's stray SGML entity after the punctuation ("… at that level. &UR;", "… on
    // Thursday, Jan. 6: &QL;") does not change how the line ends
    let s = strip_trailing_entity(s);
    let t = s.trim_end_matches(['"', '”', '’', '\'', ')', ']', '»']);
    t.ends_with('.')
        || t.ends_with('!')
        || t.ends_with('?')
        || t.ends_with('。')
        || t.ends_with(':')
}

/// `s` without a trailing `&NAME;` (letters only) and the blanks before it.
fn strip_trailing_entity(s: &str) -> &str {
    let t = s.trim_end();
    if let Some(head) = t.strip_suffix(';') {
        if let Some((before, name)) = head.rsplit_once('&') {
            if !name.is_empty() && name.len() <= 8 && name.chars().all(|c| c.is_ascii_alphabetic())
            {
                return before.trim_end();
            }
        }
    }
    t
}

/// "Published: 11 September 2018", "Updated 3:45pm, 12 Sep 2018", "September 11, 2018".
fn is_dateline(u: &str) -> bool {
    if !looks_like_date(u) || u.split_whitespace().count() > 10 {
        return false;
    }
    let l = u.to_lowercase();
    let labelled = [
        "published",
        "updated",
        "posted",
        "last updated",
        "first published",
        "date:",
    ]
    .iter()
    .any(|p| l.starts_with(p));
    // Unlabelled: mostly date words and numbers.
    let letters = u.chars().filter(|c| c.is_alphabetic()).count();
    labelled
        || (letters <= 14 && !ends_sentence(u))
        || (u.split_whitespace().count() <= 5 && !ends_sentence(u))
}

/// A wire-service dateline on its own line: the place in capitals, maybe a region, a date and
/// the agency, then the dash or underscore that opens the story ("NEW YORK (AP) --",
/// "NAIROBI, Kenya (AP) _", "JOHANNESBURG, August 7 (Xinhua) --").
fn is_wire_dateline(u: &str) -> bool {
    let t = u.trim_end();
    let Some(head) = ["--", "—", "–", "_", " -"]
        .iter()
        .find_map(|d| t.strip_suffix(d))
        .map(str::trim_end)
    else {
        return false;
    };
    let words: Vec<&str> = head.split_whitespace().collect();
    if words.is_empty() || words.len() > 10 || ends_sentence(head) {
        return false;
    }
    // the place opens in capitals: "WASHINGTON", "DAR ES SALAAM,", "O'SMACH,"
    let place_caps = words.first().is_some_and(|w| {
        let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
        letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
    });
    let agency = head
        .rsplit_once('(')
        .and_then(|(_, a)| a.strip_suffix(')'))
        .is_some_and(|a| agency_name(a.trim()).is_some());
    place_caps || agency
}

fn is_byline(u: &str) -> bool {
    let l = u.to_lowercase();
    (l.starts_with("by ") || l.starts_with("written by ") || l.starts_with("reporting by "))
        && u.split_whitespace().count() <= 12
        && !ends_sentence(u.trim_end_matches('.'))
}

/// Captions end with a photo credit in capitals ("… in Vladivostok. REUTERS", "… AFP/Getty") or
/// start with a photo label.
fn is_caption(u: &str) -> bool {
    let l = u.to_lowercase();
    if [
        "photo:",
        "photograph:",
        "image:",
        "picture:",
        "pictured:",
        "file photo",
    ]
    .iter()
    .any(|p| l.starts_with(p))
    {
        return true;
    }
    if ends_sentence(u) {
        return false;
    }
    let Some((head, credit)) = u.rsplit_once(". ").or_else(|| u.rsplit_once(") ")) else {
        return false;
    };
    let credit = credit.trim();
    if head.is_empty() || credit.is_empty() || credit.chars().count() > 40 {
        return false;
    }
    let caps = credit
        .split(['/', ' ', ','])
        .filter(|w| !w.is_empty())
        .all(|w| {
            w.chars()
                .filter(|c| c.is_alphabetic())
                .all(|c| c.is_uppercase())
                && w.chars().any(char::is_alphabetic)
        });
    let known = credit.split(['/', ',', ';']).any(|w| {
        agency_name(w.trim()).is_some()
            || w.to_lowercase().contains("getty")
            || w.to_lowercase().contains("shutterstock")
    });
    caps || known || l.contains("photo:") || l.contains("photo by") || l.contains("(photo")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_datelines() {
        assert!(is_wire_dateline("NAIROBI, Kenya (AP) _"));
        assert!(is_wire_dateline("JOHANNESBURG, August 7 (Xinhua) --"));
        assert!(is_wire_dateline("WASHINGTON _"));
        assert!(is_wire_dateline("INDEPENDENCE, MO. (AP)--"));
        assert!(!is_wire_dateline(
            "Mountain rail link reopens after landslide repairs"
        ));
        assert!(!is_wire_dateline("The talks went on for hours --"));
        assert!(!is_wire_dateline("--"));
    }

    #[test]
    fn stray_entities() {
        assert!(ends_sentence(
            "The editorial said on Thursday, Jan. 6: &QL;"
        ));
        assert!(!is_caption(
            "It has only 14 days to decide at that level. &UR;"
        ));
        assert!(!ends_sentence("Fish & Chips"));
    }

    #[test]
    fn caption_credit() {
        assert!(is_caption("Leaders met on Tuesday in Vladivostok. REUTERS"));
        assert!(is_caption("A crowd gathers outside. Photo: AFP"));
        assert!(!is_caption(
            "The talks coincided with the start of Vostok 2018."
        ));
    }
}
