//! What the user gets: the passage in their language with its source, related
//! passages, or an honest "I don't know" with the topics.

use crate::content::Content;
use crate::i18n::{t, Msg};
use crate::lang::Lang;
pub use crate::search::Kind;
use crate::search::Match;
use serde::Serialize;

/// Related passages offered under an answer.
pub const MAX_SUGGESTIONS: usize = 3;

/// A source as shown under an answer: short (publisher, date) and linked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cite {
    /// The source id (`S29`).
    pub id: String,
    /// The publisher, without remarks: "Kazinform".
    pub publisher: String,
    /// The date as shown in the answer's language: "20.01.2026".
    pub date: String,
    /// Where to read it.
    pub url: String,
}

impl Cite {
    /// "Kazinform, 20.01.2026".
    pub fn label(&self) -> String {
        format!("{}, {}", self.publisher, self.date)
    }

    /// The citations of a passage's shown sources, in `lang`.
    pub fn of(content: &Content, ids: &[String], lang: Lang) -> Vec<Cite> {
        ids.iter()
            .filter_map(|s| content.source(s))
            .map(|s| Cite {
                id: s.id.clone(),
                publisher: s.publisher_short().to_string(),
                date: s.date.show(lang),
                url: s.url.clone(),
            })
            .collect()
    }
}

/// One answer, ready to print or send. Its JSON form is the `ask --json` contract.
#[derive(Debug, Clone, Serialize)]
pub struct Reply {
    /// Whether a passage answers the question.
    pub answered: bool,
    /// What kind of reply it is.
    pub kind: Kind,
    /// The topic of the passage (a top-level id).
    pub topic: Option<String>,
    /// The passage's sub-topic, when it sits in one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtopic: Option<String>,
    /// The passage id.
    pub passage: Option<String>,
    /// The language of the answer.
    pub lang: Lang,
    /// The matcher's confidence, 0 to 1.
    pub score: f32,
    /// The passage title, when answered.
    pub title: Option<String>,
    /// The answer text, or the "I don't know" message.
    pub text: String,
    /// The sources shown under the answer.
    pub sources: Vec<Cite>,
    /// Ids of related passages; for [`Kind::Unsure`], the candidates.
    pub suggestions: Vec<String>,
    /// The best-scoring passage, even when it was not good enough to answer
    /// with: operators see what almost matched an unanswered question.
    pub best: Option<String>,
}

impl Reply {
    /// Builds the reply for a match.
    pub fn new(content: &Content, m: &Match) -> Reply {
        let lang = m.lang;
        let score = (m.confidence * 1000.0).round() / 1000.0;
        let Some(pi) = m.passage else {
            let msg = match m.kind {
                Kind::Empty => Msg::Empty,
                Kind::OutOfScope => Msg::OutOfScope,
                Kind::Greeting => Msg::Greeting,
                Kind::Thanks => Msg::Thanks,
                Kind::Unsure => Msg::Unsure,
                _ => Msg::DontKnow,
            };
            // Unsure: the candidates are offered, never asserted.
            let suggestions = match m.kind {
                Kind::Unsure => m
                    .ranked
                    .iter()
                    .take(MAX_SUGGESTIONS)
                    .map(|&(i, _)| content.passages[i].id.clone())
                    .collect(),
                _ => Vec::new(),
            };
            return Reply {
                answered: false,
                kind: m.kind,
                topic: None,
                subtopic: None,
                passage: None,
                lang,
                score,
                title: None,
                text: t(msg, lang).to_string(),
                sources: Vec::new(),
                suggestions,
                best: m
                    .ranked
                    .first()
                    .map(|&(i, _)| content.passages[i].id.clone()),
            };
        };
        // Passages scoring close to the best are worth suggesting; after a
        // neutral answer, the best factual passages are.
        let top = m.ranked.first().map_or(0.0, |r| r.1);
        let close: Vec<usize> = m
            .ranked
            .iter()
            .filter(|&&(_, s)| s >= top * 0.5)
            .map(|&(i, _)| i)
            .collect();
        let mut reply = Reply::passage(content, pi, lang, score, &close);
        reply.kind = m.kind;
        if m.kind == Kind::Neutral {
            // What the question asked about, besides taking a side, comes first.
            let factual = close
                .iter()
                .map(|&i| content.passages[i].id.clone())
                .filter(|id| *id != content.passages[pi].id);
            let mut suggestions: Vec<String> = factual.chain(reply.suggestions).collect();
            suggestions.dedup();
            suggestions.truncate(MAX_SUGGESTIONS);
            reply.suggestions = suggestions;
        }
        reply
    }

    /// The reply showing passage `pi` (an answer, or a pick from the menu);
    /// `close` are other passages worth suggesting after its related ones.
    pub fn passage(content: &Content, pi: usize, lang: Lang, score: f32, close: &[usize]) -> Reply {
        let p = &content.passages[pi];
        let tr = p.text.get(lang);
        let mut suggestions: Vec<String> = Vec::new();
        let candidates = p
            .related
            .iter()
            .cloned()
            .chain(close.iter().map(|&i| content.passages[i].id.clone()));
        for id in candidates {
            // `related` ids are checked when the content is loaded.
            if suggestions.len() < MAX_SUGGESTIONS && id != p.id && !suggestions.contains(&id) {
                suggestions.push(id);
            }
        }
        Reply {
            answered: true,
            kind: Kind::Answer,
            topic: Some(p.topic.clone()),
            subtopic: p.subtopic.clone(),
            passage: Some(p.id.clone()),
            lang,
            score,
            title: Some(tr.title.clone()),
            text: tr.body.clone(),
            sources: Cite::of(content, &p.sources, lang),
            suggestions,
            best: Some(p.id.clone()),
        }
    }
}
