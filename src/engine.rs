//! One loaded content version with its matcher: what `chat`, `ask` and the
//! Telegram bot all call, so they answer alike.

use crate::content::Content;
use crate::lang::{Lang, LangChoice};
use crate::reply::Reply;
use crate::search::Matcher;
use std::sync::Arc;

/// A content version ready to answer.
#[derive(Debug)]
pub struct Engine {
    /// The content version id (a hash of the content folder).
    pub version: String,
    /// The content.
    pub content: Arc<Content>,
    matcher: Matcher,
}

impl Engine {
    /// Builds the matcher for a content version.
    pub fn new(version: String, content: Arc<Content>) -> Engine {
        let matcher = Matcher::new(&content);
        Engine {
            version,
            content,
            matcher,
        }
    }

    /// Answers one question, in the language `lang` chooses (`None`: the
    /// question's own; `Some`: that one; or a [`LangChoice`]).
    pub fn answer(&self, question: &str, lang: impl Into<LangChoice>) -> Reply {
        Reply::new(&self.content, &self.matcher.find(question, lang))
    }

    /// The reply showing one passage by id (a menu pick), in `lang`.
    pub fn passage_reply(&self, id: &str, lang: Lang) -> Option<Reply> {
        let pi = self.content.passages.iter().position(|p| p.id == id)?;
        Some(Reply::passage(&self.content, pi, lang, 1.0, &[]))
    }

    /// Up to `max` passages for a query, best first, in the language `lang`
    /// chooses: the answer and the passages scoring close to it. Nothing when
    /// the matcher would not answer (inline mode shares only real answers).
    pub fn search(&self, question: &str, lang: impl Into<LangChoice>, max: usize) -> Vec<Reply> {
        let m = self.matcher.find(question, lang);
        let Some(best) = m.passage else {
            return Vec::new();
        };
        let mut picked = vec![best];
        for &(pi, _) in &m.ranked {
            if picked.len() < max && !picked.contains(&pi) {
                picked.push(pi);
            }
        }
        picked
            .into_iter()
            .map(|pi| Reply::passage(&self.content, pi, m.lang, m.confidence, &[]))
            .collect()
    }

    /// The matcher, for callers that need the raw match.
    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }
}
