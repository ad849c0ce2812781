//! The hard cases of issue 4, asserted explicitly on sentences written for these tests.
use news_enricher_entities::{Entity, EntityType, Input, Recognizer};

fn run(text: &str) -> Vec<Entity> {
    let rec = Recognizer::embedded().expect("model");
    rec.run(&Input {
        text,
        title: None,
        description: None,
    })
}

fn find<'a>(ents: &'a [Entity], name: &str) -> &'a Entity {
    ents.iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no entity {name:?} in {ents:#?}"))
}

fn forms(e: &Entity) -> Vec<&str> {
    e.mentions.iter().map(|m| m.text.as_str()).collect()
}

#[test]
fn titles_outside_person_spans_and_short_forms_join() {
    let ents = run(
        "Chinese President Xi Jinping met Russian President Vladimir Putin in Moscow on Monday. \
                    Xi said the talks were fruitful, and Putin agreed.",
    );
    let xi = find(&ents, "Xi Jinping");
    assert_eq!(xi.kind, EntityType::PER);
    assert_eq!(forms(xi), vec!["Xi Jinping", "Xi"]);
    let putin = find(&ents, "Vladimir Putin");
    assert_eq!(putin.kind, EntityType::PER);
    assert_eq!(forms(putin), vec!["Vladimir Putin", "Putin"]);
    assert_eq!(find(&ents, "Moscow").kind, EntityType::LOC);
    assert!(
        ents.iter().all(|e| !e.name.contains("President")),
        "{ents:#?}"
    );
}

#[test]
fn possessives_outside_and_aliases() {
    let ents = run(
        "Russia's economy grew while the US and the U.S. Treasury argued. \
                    The United States said Russia's claims were false.",
    );
    let russia = find(&ents, "Russia");
    assert_eq!(russia.kind, EntityType::LOC);
    assert!(forms(russia).iter().all(|f| *f == "Russia"));
    let us = find(&ents, "United States");
    assert_eq!(us.kind, EntityType::LOC);
    assert!(forms(us).contains(&"US"), "{us:?}");
    assert!(forms(us).contains(&"United States"), "{us:?}");
}

#[test]
fn trump_short_form() {
    let ents = run(
        "US President Donald Trump criticised the deal. Trump said on Twitter that the \
                    agreement was unfair to American workers.",
    );
    let t = find(&ents, "Donald Trump");
    assert_eq!(t.kind, EntityType::PER);
    assert_eq!(forms(t), vec!["Donald Trump", "Trump"]);
    assert_eq!(find(&ents, "United States").kind, EntityType::LOC);
}

#[test]
fn nationality_words_are_misc() {
    let ents = run("The German and French ministers met their Japanese counterpart in Paris.");
    for n in ["German", "French", "Japanese"] {
        assert_eq!(find(&ents, n).kind, EntityType::MISC, "{n}");
    }
    assert_eq!(find(&ents, "Paris").kind, EntityType::LOC);
}

#[test]
fn salience_in_unit_interval_title_weighs_more() {
    let rec = Recognizer::embedded().expect("model");
    let text = "Officials in Berlin and Paris met. Later, officials in Paris spoke again about Berlin. Paris hosted.";
    let ents = rec.run(&Input {
        text,
        title: Some("Berlin talks"),
        description: None,
    });
    assert!(ents.iter().all(|e| (0.0..=1.0).contains(&e.salience)));
    assert_eq!(ents[0].name, "Berlin", "{ents:#?}");
    assert_eq!(ents[0].salience, 1.0);
}

#[test]
fn empty_and_odd_inputs() {
    assert!(run("").is_empty());
    assert!(run("   \n\n ").is_empty());
    let _ = run("’s ' \" — … ( ) . . .");
}
