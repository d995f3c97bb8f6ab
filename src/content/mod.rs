//! The curated content: topics and sub-topics, sources, the fact register,
//! passages, synonyms and routing, read from the operator's folder and checked.
//!
//! The chain a reviewer follows: a passage lists the facts it states
//! (`facts.toml`), each fact names its sources (`sources.toml`), each source
//! has a publisher, a date and a URL.
//!
//! [`ContentFiles::read`] reads every file once (so the knowledge base can hash
//! exactly what it parses); [`ContentFiles::parse`] turns them into a
//! [`Content`] or into every problem found, each as `file:line: message`.

mod diagnostic;
mod duplicates;
mod facts;
mod files;
mod passage;
mod validate;

pub use diagnostic::{toml_message, Diagnostic, Diagnostics};
pub use facts::{Edition, Fact, FactStatus, SourceDate};
pub use files::{ContentFiles, ReadError};

use crate::lang::PerLang;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;

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
    /// Sub-topics, in menu order within their topic.
    pub subtopics: Vec<Subtopic>,
    /// Sources facts rest on.
    pub sources: Vec<Source>,
    /// The fact register: every fact a passage may state.
    pub facts: Vec<Fact>,
    /// As of which date the content is current, and where later news is.
    pub edition: Edition,
    /// Passages, grouped by topic in menu order, then by their `order`.
    pub passages: Vec<Passage>,
    /// Groups of words and phrases that mean the same thing to the search.
    pub synonyms: Vec<SynonymGroup>,
    /// Advice requests and out-of-scope words.
    pub routing: Routing,
}

/// Where the parts of a content folder were read from, for problems found
/// after parsing (`atazan check`'s lint): kept beside the [`Content`], never
/// stored, so a version loaded from the knowledge base has none.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    /// Each passage's file and its example questions' lines, by passage id.
    pub passages: HashMap<String, PassageOrigin>,
    /// Each fact's line in `facts.toml`, by fact id.
    pub facts: HashMap<String, Place>,
}

/// Where a passage was read from.
#[derive(Debug, Clone)]
pub struct PassageOrigin {
    /// The passage file, as shown to the operator.
    pub file: PathBuf,
    /// Each example question's line, per language, in order.
    pub questions: PerLang<Vec<usize>>,
}

/// A line of a file, as shown to the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file.
    pub file: PathBuf,
    /// The line, from 1.
    pub line: usize,
}

/// A topic of the menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topic {
    /// Stable id, e.g. `kurultai`.
    pub id: String,
    /// Title per language.
    pub title: PerLang<String>,
}

/// A sub-topic: a group of passages inside a top-level topic, for browsing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subtopic {
    /// Stable id, e.g. `kurultai-election`.
    pub id: String,
    /// The top-level topic it belongs to.
    pub topic: String,
    /// Title per language.
    pub title: PerLang<String>,
}

/// A public page facts rest on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Stable id, the dossier's (`S29`).
    pub id: String,
    /// Who published it, as the dossier names it ("Kazinform (Kazakh)").
    pub publisher: String,
    /// The page's title (in brackets when only described).
    pub title: String,
    /// When it was published, or read.
    pub date: SourceDate,
    /// The page's language code.
    pub lang: String,
    /// Where to read it.
    pub url: String,
    /// What kind of source it is (state news agency, reference work…).
    pub kind: String,
    /// A copy of the document inside the content folder, if any.
    pub file: Option<String>,
}

impl Source {
    /// The publisher without the dossier's remarks in brackets: "Kazinform".
    pub fn publisher_short(&self) -> &str {
        self.publisher
            .split_once(" (")
            .map_or(self.publisher.as_str(), |(p, _)| p)
            .trim()
    }
}

/// One curated answer, in three languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passage {
    /// Stable id (the file name), e.g. `kurultai-size`.
    pub id: String,
    /// The topic it belongs to.
    pub topic: String,
    /// The sub-topic it sits in, if any.
    pub subtopic: Option<String>,
    /// Position within the topic menu.
    pub order: i64,
    /// Ids of the facts it states (empty only for the bot's own statements).
    pub facts: Vec<String>,
    /// Ids of the sources shown under the answer: each backs one of its facts.
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
    /// The passage that answers a message that only insults the bot: a calm
    /// word on what it is and how to tell it it was wrong.
    #[serde(default)]
    pub insult_passage: Option<String>,
    /// Insults ("ақымақ", "тупой", "useless"), in any language. Around a real
    /// question they are ignored and the question is answered.
    #[serde(default)]
    pub insults: Vec<String>,
    /// Words naming the bot ("бот", "bot"): beside an insult they are part of
    /// it, not a question about the bot.
    #[serde(default)]
    pub bot_names: Vec<String>,
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

    /// The fact with this id.
    pub fn fact(&self, id: &str) -> Option<&Fact> {
        self.facts.iter().find(|f| f.id == id)
    }

    /// The sub-topic with this id.
    pub fn subtopic(&self, id: &str) -> Option<&Subtopic> {
        self.subtopics.iter().find(|s| s.id == id)
    }

    /// The sub-topics of a topic, in menu order.
    pub fn subtopics_of<'a>(&'a self, topic: &'a str) -> impl Iterator<Item = &'a Subtopic> + 'a {
        self.subtopics.iter().filter(move |s| s.topic == topic)
    }

    /// Every source a passage rests on: the ones shown first, then the rest of
    /// its facts' sources, each once.
    pub fn sources_of<'a>(&'a self, p: &'a Passage) -> Vec<&'a Source> {
        let mut ids: Vec<&str> = p.sources.iter().map(String::as_str).collect();
        for f in p.facts.iter().filter_map(|f| self.fact(f)) {
            for s in &f.sources {
                if !ids.contains(&s.as_str()) {
                    ids.push(s);
                }
            }
        }
        ids.into_iter().filter_map(|id| self.source(id)).collect()
    }

    /// The passages of a topic, in menu order.
    pub fn passages_of<'a>(&'a self, topic: &'a str) -> impl Iterator<Item = &'a Passage> + 'a {
        self.passages.iter().filter(move |p| p.topic == topic)
    }
}
