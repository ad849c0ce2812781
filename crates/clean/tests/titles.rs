//! How the headline is chosen between the page's `<h1>`s and its declared titles (`<title>`,
//! OpenGraph, JSON-LD). Each page here is a small made-up article built around one rule.

use news_enricher_clean::{clean, ContentKind, Input};

/// Three paragraphs of article text, enough for the page to have a body.
const BODY: &str =
    "<p>The council met on Tuesday evening to discuss the budget for the coming year, \
    and members spent most of the session on the cost of road repairs across the district.</p>\
    <p>Residents who attended asked for more street lighting, longer library hours, and a plan \
    for the empty lots near the station, which have been fenced off for three years.</p>\
    <p>A final vote is expected next month, after the finance committee has reviewed the \
    figures and published its recommendations for the public to read and comment on.</p>";

fn page(head: &str, before: &str, article_top: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">{head}</head><body>\
         <header class=\"site-header\">{before}<nav><ul><li><a href=\"/news\">News</a></li>\
         <li><a href=\"/sport\">Sport</a></li></ul></nav></header>\
         <main><article>{article_top}{BODY}</article></main></body></html>"
    )
}

fn title_of(html: &str, url: &str) -> Option<(String, &'static str)> {
    let input = Input {
        bytes: html.as_bytes(),
        kind: ContentKind::Html,
        charset_hint: Some("utf-8"),
        url: Some(url),
        language_hint: None,
    };
    let c = clean(&input).ok()?;
    c.title.map(|t| (t.value, t.source))
}

fn title(html: &str) -> String {
    title_of(html, "https://news.example.org/2025/council-budget")
        .map(|(t, _)| t)
        .unwrap_or_default()
}

#[test]
fn h1_retouched_in_one_word_is_the_headline() {
    // The page's heading was updated for the new year, its metadata was not.
    let html = page(
        "<title>Guide to the council budget in 2025 | Town Crier</title>\
         <meta property=\"og:title\" content=\"Guide to the council budget in 2025\">",
        "<h1 class=\"headline\">Guide to the council budget in 2026</h1>",
        "",
    );
    assert_eq!(title(&html), "Guide to the council budget in 2026");
}

#[test]
fn h1_two_words_away_is_not_the_same_headline() {
    let html = page(
        "<meta property=\"og:title\" content=\"What the council will spend on roads next year\">",
        "<h1 class=\"headline\">What the town will spend on parks next year</h1>",
        "",
    );
    assert_eq!(
        title(&html),
        "What the council will spend on roads next year"
    );
}

#[test]
fn h1_without_the_declared_subtitle_nearly_agrees() {
    let html = page(
        "<meta property=\"og:title\" content=\"The pros and cons living in a small town - What to know before moving\">",
        "<h1 class=\"headline\">The pros and cons of living in a small town</h1>",
        "",
    );
    assert_eq!(title(&html), "The pros and cons of living in a small town");
}

#[test]
fn blog_name_half_of_the_title_is_a_masthead() {
    // `<title>` = "Blog Name: Headline", og:title = the headline: the h1 is the blog's name.
    let html = page(
        "<title>Parish Notes: Why the bridge is closing for a month</title>\
         <meta property=\"og:title\" content=\"Why the bridge is closing for a month\">",
        "<h1 class=\"site-title\">Parish Notes</h1>",
        "",
    );
    assert_eq!(title(&html), "Why the bridge is closing for a month");
}

#[test]
fn site_named_og_title_does_not_make_the_headline_a_masthead() {
    let html = page(
        "<title>Which mower suits which lawn size? | Mowerly</title>\
         <meta property=\"og:title\" content=\"Mowerly\">\
         <meta property=\"og:site_name\" content=\"Mowerly\">",
        "",
        "<h1>Which mower suits which lawn size?</h1>",
    );
    assert_eq!(title(&html), "Which mower suits which lawn size?");
}

#[test]
fn many_h1s_in_the_article_are_section_headings() {
    let html = page(
        "<meta property=\"og:title\" content=\"Small steps towards a greener council\">",
        "",
        "<h1>Where the money goes</h1><p>First part of the story, with some words.</p>\
         <h1>What residents said</h1><p>Second part of the story, with some words.</p>\
         <h1>What happens next</h1>",
    );
    assert_eq!(title(&html), "Small steps towards a greener council");
}

#[test]
fn shouted_h1_takes_the_declared_case() {
    let html = page(
        "<meta property=\"og:title\" content=\"Best Budget Ideas 2026: Tips From the Treasurer\">",
        "",
        "<h1>BEST BUDGET IDEAS IN 2026: TIPS FROM THE TREASURER</h1>",
    );
    assert_eq!(
        title(&html),
        "Best Budget Ideas 2026: Tips From the Treasurer"
    );
}

#[test]
fn capitals_stay_when_the_site_declares_them_too() {
    let html = page(
        "<title>Council Budget vs Reality | Town Crier</title>\
         <meta property=\"og:title\" content=\"COUNCIL BUDGET VS. REALITY\">",
        "",
        "<h1>COUNCIL BUDGET VS. REALITY</h1>",
    );
    assert_eq!(title(&html), "COUNCIL BUDGET VS. REALITY");
}

#[test]
fn lower_case_h1_takes_the_declared_case() {
    let html = page(
        "<title>History of the town hall | Origins, Architecture, Renovations, and Uses | Town Crier</title>",
        "",
        "<h1>history of the town hall</h1>",
    );
    assert_eq!(title(&html), "History of the town hall");
}

#[test]
fn full_width_question_mark_in_a_latin_title() {
    let html = page("", "", "<h1>How does the council set its budget？</h1>");
    assert_eq!(title(&html), "How does the council set its budget?");
    let cjk = page("", "", "<h1>议会如何制定预算？</h1>");
    assert_eq!(title(&cjk), "议会如何制定预算？");
}

#[test]
fn subdomain_brand_suffix_is_stripped() {
    let html = page(
        "<title>Corner Bakery | Shopsite App Store</title>\
         <meta property=\"og:title\" content=\"Corner Bakery | Shopsite App Store\">",
        "",
        "",
    );
    let got = title_of(&html, "https://apps.shopsite.com/stories/corner-bakery").map(|(t, _)| t);
    assert_eq!(got.as_deref(), Some("Corner Bakery"));
}

#[test]
fn long_part_mentioning_the_site_is_the_headline() {
    // "Site | site.com - Headline": the part after the bar mentions the site but is a headline.
    let html = page(
        "<title>Town Crier | TownCrier.com - The Five Best Walks Around the Old Mill (According to Me)</title>",
        "",
        "",
    );
    let got = title_of(&html, "https://www.towncrier.com/walks").map(|(t, _)| t);
    assert_eq!(
        got.as_deref(),
        Some("The Five Best Walks Around the Old Mill (According to Me)")
    );
}
