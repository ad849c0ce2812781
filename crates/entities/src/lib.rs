//! Entities stage: people, organisations, places and other names in the clean text, merged into
//! one canonical entity per real-world referent within the article.
//!
//! Pure and synchronous. The model is loaded once at start-up ([`Recognizer::embedded`]) and
//! shared read-only between compute threads.

use serde::Serialize;

/// Entity type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum EntityType {
    PER,
    ORG,
    LOC,
    MISC,
}

/// One occurrence in the text. Offsets count Unicode code points, end exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// One entity of the article with all its mentions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entity {
    /// Canonical name (the fullest form seen, or the alias table's).
    pub name: String,
    #[serde(rename = "type")]
    pub kind: EntityType,
    pub count: usize,
    /// In [0, 1]; title and lead mentions weigh more.
    pub salience: f64,
    pub mentions: Vec<Mention>,
}

/// Input of the entities stage.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The clean text; mention offsets point into it.
    pub text: &'a str,
    /// Title and description, used for salience only.
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
}

/// Why the model could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("model is corrupt: {0}")]
    Corrupt(String),
}

/// The loaded model and tables.
#[derive(Debug, Default)]
pub struct Recognizer {}

impl Recognizer {
    /// The model shipped inside the binary.
    pub fn embedded() -> Result<Self, LoadError> {
        Ok(Recognizer {})
    }

    /// Finds and canonicalises the entities of one article. No model is trained yet, so
    /// this finds nothing rather than invent entities.
    pub fn run(&self, _input: &Input<'_>) -> Vec<Entity> {
        Vec::new()
    }
}
