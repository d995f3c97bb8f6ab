//! Words with their search terms: the unit the index and the matcher share.

use crate::lang::Lang;
use crate::text::stopwords::{self, Role};
use crate::text::{self, stem, Script};
use std::sync::Arc;

/// One word of a text, with every term it may stand for.
///
/// Words repeat, so the analysis is shared: cloning a `Word` copies two
/// pointers, and its terms are copied only when a word gains one (a typo
/// correction, a synonym group).
#[derive(Debug, Clone)]
pub struct Word {
    /// The folded key of the whole word, before stemming.
    pub key: Arc<str>,
    /// Whether it was written in capitals ("US").
    pub caps: bool,
    /// Whether it looks like a name ("Brexit", "SOLID").
    pub name: bool,
    /// Stop word or question word, if it is one.
    pub role: Option<Role>,
    /// Its terms: for a known language, that language's stems; for a question,
    /// the stems of every language its script allows.
    pub terms: Arc<Vec<String>>,
}

/// Analyses many texts of known language, remembering each distinct word:
/// content repeats its words across passages and example questions.
#[derive(Default)]
pub struct Memo {
    seen: rustc_hash::FxHashMap<(Lang, String), Word>,
}

impl Memo {
    /// Words of a text known to be in `lang` (content): each word gets that
    /// language's terms.
    pub fn of_text(&mut self, text: &str, lang: Lang) -> Vec<Word> {
        text::tokens(text)
            .into_iter()
            .map(|t| {
                let (caps, name) = (t.caps, t.name);
                let mut w = self
                    .seen
                    .entry((lang, t.word))
                    .or_insert_with_key(|(lang, word)| analyze(word, &[*lang]))
                    .clone();
                w.caps = caps;
                w.name = name;
                w
            })
            .collect()
    }
}

/// Analyses a lowercase word as a word of any of `langs` (every language its
/// script allows, for a question; the one it is written in, for content).
fn analyze(word: &str, langs: &[Lang]) -> Word {
    let key = text::fold::key(word);
    if stopwords::role_of_key(&key) == Some(Role::Stop) {
        return stop_word(key);
    }
    let mut terms: Vec<String> = Vec::with_capacity(6);
    if langs.is_empty() {
        terms.push(key.clone());
    }
    for &lang in langs {
        for t in stem::terms_keyed(word, &key, lang) {
            if !terms.contains(&t) {
                terms.push(t);
            }
        }
    }
    Word {
        role: role(&key, &terms),
        key: key.into(),
        caps: false,
        name: false,
        terms: Arc::new(terms),
    }
}

/// A stop word is not stemmed: it only ever meets itself, in a phrase.
fn stop_word(key: String) -> Word {
    Word {
        terms: Arc::new(vec![key.clone()]),
        key: key.into(),
        caps: false,
        name: false,
        role: Some(Role::Stop),
    }
}

/// A word's role; a Kazakh question word keeps it under endings (кімдер,
/// нешеуі). Only question words: a stem that looks like a stop word (сенім →
/// сен) is usually a different word.
fn role(key: &str, terms: &[String]) -> Option<Role> {
    stopwords::role_of_key(key).or_else(|| {
        terms
            .iter()
            .find(|t| stopwords::role_of_key(t) == Some(Role::Question))
            .map(|_| Role::Question)
    })
}

/// Words of a text in an unknown language (a question, a synonym): each word
/// gets the terms of every language its script allows.
pub fn of_any(text: &str) -> Vec<Word> {
    of_tokens(&text::tokens(text))
}

/// [`of_any`] for text already split into tokens.
pub fn of_tokens(tokens: &[text::Token]) -> Vec<Word> {
    tokens
        .iter()
        .map(|t| Word {
            name: t.name,
            ..any_word(&t.word, t.caps)
        })
        .collect()
}

/// One lowercase word in an unknown language; `caps` if typed in capitals.
pub fn any_word(word: &str, caps: bool) -> Word {
    // People reuse the same few thousand words: each is analysed once per
    // thread. The analysis depends on the word alone, never on the content.
    thread_local! {
        static SEEN: std::cell::RefCell<rustc_hash::FxHashMap<String, Word>> = Default::default();
    }
    const MAX_REMEMBERED: usize = 50_000;
    SEEN.with(|cell| {
        let mut seen = cell.borrow_mut();
        if let Some(w) = seen.get(word) {
            return Word { caps, ..w.clone() };
        }
        let w = analyze(word, Script::of(word).langs());
        if seen.len() >= MAX_REMEMBERED {
            seen.clear();
        }
        seen.insert(word.to_string(), w.clone());
        Word { caps, ..w }
    })
}
