//! The curated content: topics, sources, passages, synonyms and routing, read
//! from the operator's folder and checked.
//!
//! [`ContentFiles::read`] reads every file once (so the knowledge base can hash
//! exactly what it parses); [`ContentFiles::parse`] turns them into a
//! [`Content`] or into every problem found, each as `file:line: message`.

mod diagnostic;
mod files;
mod passage;
mod validate;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use files::{ContentFiles, ReadError};

use crate::lang::PerLang;
use serde::{Deserialize, Serialize};

/// The topic ids the product promises (SPEC): other tools depend on them.
pub const REQUIRED_TOPICS: [&str; 8] = [
    "overview",
    "kurultai",
    "vice-president",
    "referendum",
    "principles",
    "accountability",
    "commission",
    "about",
];

/// Longest passage or topic id, in bytes: button callback data carries a short
/// prefix plus the id, and Telegram allows 64 bytes.
pub const MAX_ID_BYTES: usize = 48;

/// Longest answer text, in characters: what fits on a phone screen.
pub const MAX_TEXT_CHARS: usize = 1000;

/// Telegram's limit on one message, in UTF-16 code units.
pub const TELEGRAM_MESSAGE_LIMIT: usize = 4096;

/// Everything the bot knows, validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Content {
    /// Topics in menu order.
    pub topics: Vec<Topic>,
    /// Sources passages rest on.
    pub sources: Vec<Source>,
    /// Passages, grouped by topic in menu order, then by their `order`.
    pub passages: Vec<Passage>,
    /// Groups of words and phrases that mean the same thing to the search.
    pub synonyms: Vec<SynonymGroup>,
    /// Advice requests and out-of-scope words.
    pub routing: Routing,
}

/// A topic of the menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topic {
    /// Stable id, e.g. `kurultai`.
    pub id: String,
    /// Title per language.
    pub title: PerLang<String>,
}

/// A source a passage rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Stable id, e.g. `akimat-2026-02-02`.
    pub id: String,
    /// How the source is named to a reader, per language.
    pub title: PerLang<String>,
    /// A copy of the document inside the content folder, if any.
    pub file: Option<String>,
}

/// One curated answer, in three languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passage {
    /// Stable id (the file name), e.g. `kurultai-size`.
    pub id: String,
    /// The topic it belongs to.
    pub topic: String,
    /// Position within the topic menu.
    pub order: i64,
    /// Ids of the sources it rests on (at least one).
    pub sources: Vec<String>,
    /// Ids of passages offered as "see also".
    pub related: Vec<String>,
    /// The text per language.
    pub text: PerLang<Translation>,
}

/// A passage in one language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Translation {
    /// Short title, shown on buttons and above the answer.
    pub title: String,
    /// The answer itself.
    pub body: String,
    /// How people ask for it: never shown, only searched.
    pub questions: Vec<String>,
}

/// Words and phrases that mean the same thing to the search.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SynonymGroup {
    /// The words and phrases, in any language.
    pub terms: Vec<String>,
    /// Whether they are the reform's own vocabulary (constitution, Kurultai…).
    pub core: bool,
}

/// Where questions go regardless of their words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Routing {
    /// The passage that answers any request to take a side.
    pub neutrality_passage: Option<String>,
    /// Phrases that ask the bot to take a side.
    pub neutrality_phrases: Vec<String>,
    /// Words asking for a judgement ("right", "better", "advice"): with a
    /// [`Routing::choice`] word, the question asks the bot to take a side.
    pub judgement: Vec<String>,
    /// Words about the voter's choice ("vote", "support", "against").
    pub choice: Vec<String>,
    /// Words that make a judgement-and-choice question procedural ("where",
    /// "when", "polling station"): it then goes to the search as usual.
    pub procedure: Vec<String>,
    /// Words that put a question outside the bot's scope.
    pub out_of_scope: Vec<String>,
    /// Greetings ("сәлем", "привет", "hi"): a message of nothing else gets a
    /// greeting back, not "I don't know".
    #[serde(default)]
    pub greetings: PerLang<Vec<String>>,
    /// Thanks ("рахмет", "спасибо", "thanks"), answered like greetings.
    #[serde(default)]
    pub thanks: PerLang<Vec<String>>,
}

impl Content {
    /// The passage with this id.
    pub fn passage(&self, id: &str) -> Option<&Passage> {
        self.passages.iter().find(|p| p.id == id)
    }

    /// The topic with this id.
    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }

    /// The source with this id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// The passages of a topic, in menu order.
    pub fn passages_of<'a>(&'a self, topic: &'a str) -> impl Iterator<Item = &'a Passage> + 'a {
        self.passages.iter().filter(move |p| p.topic == topic)
    }
}
