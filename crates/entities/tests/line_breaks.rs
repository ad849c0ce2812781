//! Entities never span a line break. The clean text puts each paragraph, heading, caption and
//! list item on lines of its own, and the tokenizer ends a sentence at every line break: a
//! name that seems to run from one line into the next is two pieces of text that happen to
//! touch ("... Department of Energy" ending one paragraph, "2025 was ..." starting the next).
use news_enricher_entities::{Entity, Input, Recognizer};

fn run(text: &str) -> Vec<Entity> {
    let rec = Recognizer::embedded().expect("model");
    rec.run(&Input {
        text,
        title: None,
        description: None,
    })
}

fn assert_no_line_crossing(text: &str) -> Vec<Entity> {
    let ents = run(text);
    for e in &ents {
        for m in &e.mentions {
            assert!(
                !m.text.contains('\n'),
                "mention {:?} of {:?} spans a line break in {text:?}",
                m.text,
                e.name
            );
        }
    }
    ents
}

#[test]
fn year_starting_a_paragraph_does_not_join_the_name_before() {
    let ents = assert_no_line_crossing(
        "The grant came from the Department of Energy\n\n2025 was a record year for solar \
         installations in Texas, officials said.",
    );
    assert!(
        ents.iter().any(|e| e.name.ends_with("Energy")),
        "the name itself is still found: {ents:#?}"
    );
}

#[test]
fn year_starting_a_heading_line_does_not_join_either() {
    assert_no_line_crossing(
        "Analysts at Goldman Sachs expect prices to rise.\nOutlook\n2026 targets were raised \
         by Goldman Sachs on Monday.",
    );
    assert_no_line_crossing("Visitors flocked to the Osaka Expo\n2025 tickets sold out in May.");
}

#[test]
fn propagated_and_alias_names_stay_on_one_line() {
    assert_no_line_crossing(
        "Officials in New York said the plan would go ahead. The mayor of New York agreed.\n\n\
         He left for New\n\nYork officials were not told.",
    );
    assert_no_line_crossing(
        "The United States and China signed the deal.\n\nDelegates from the United\n\nStates \
         delegation left early.",
    );
}
