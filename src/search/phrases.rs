//! Multi-word and single-word phrases that stand for a concept: synonym
//! groups, requests to take a side, out-of-scope names.

use super::words::{self, Word};
use crate::lang::Lang;
use rustc_hash::FxHashMap as HashMap;

/// What a phrase stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Concept {
    /// A synonym group, by index.
    Synonym(u32),
    /// A request to take a side (how to vote, who is right).
    Neutrality,
    /// A word asking for a judgement (right, better, advice).
    Judgement,
    /// A word about the voter's choice (vote, support, against).
    Choice,
    /// A word of voting procedure (where, when, polling station).
    Procedure,
    /// A name that puts the question out of scope.
    OutOfScope,
    /// A greeting, in a language.
    Greeting(Lang),
    /// Thanks, in a language.
    Thanks(Lang),
    /// An insult to the bot.
    Insult,
    /// A word naming the bot, part of an insult beside one.
    BotName,
}

#[derive(Debug)]
struct Phrase {
    /// Per word of the phrase, the terms a text word must share with it.
    words: Vec<Word>,
    concept: Concept,
}

/// A set of phrases, found in word sequences in time linear in the text.
#[derive(Debug, Default)]
pub struct Phrases {
    phrases: Vec<Phrase>,
    /// A term of a phrase's first word → phrases starting with it.
    by_first: HashMap<String, Vec<usize>>,
}

impl Phrases {
    /// Adds a phrase written in any language.
    pub fn add(&mut self, phrase: &str, concept: Concept) {
        let words = words::of_any(phrase);
        if words.is_empty() || words.iter().any(|w| w.terms.is_empty()) {
            return;
        }
        let idx = self.phrases.len();
        for t in words[0].terms.iter() {
            let list = self.by_first.entry(t.clone()).or_default();
            if !list.contains(&idx) {
                list.push(idx);
            }
        }
        self.phrases.push(Phrase { words, concept });
    }

    /// Every phrase in `text`: (first word, one past the last word, concept).
    pub fn find(&self, text: &[Word]) -> Vec<(usize, usize, Concept)> {
        let mut found = Vec::new();
        for start in 0..text.len() {
            let mut seen: Vec<usize> = Vec::new();
            for t in text[start].terms.iter() {
                let Some(candidates) = self.by_first.get(t) else {
                    continue;
                };
                for &idx in candidates {
                    if seen.contains(&idx) {
                        continue;
                    }
                    seen.push(idx);
                    let p = &self.phrases[idx];
                    let end = start + p.words.len();
                    if end <= text.len()
                        && p.words
                            .iter()
                            .zip(&text[start..end])
                            .all(|(pw, tw)| same_word(pw, tw))
                    {
                        found.push((start, end, p.concept));
                    }
                }
            }
        }
        found
    }
}

/// Whether a text word is the phrase's word: they share a term that is long
/// enough to mean something, or that is the phrase word itself, unstemmed;
/// and a phrase word in capitals is in capitals in the text too.
/// Short stems alone are too weak: Snowball reads "ресей" as "рес", and a veto
/// on "Russia" must not fire on "решили"; "как" must not meet "қағида".
fn same_word(phrase_word: &Word, text_word: &Word) -> bool {
    // A phrase word written in capitals ("US") matches only capitals: "us" is
    // a pronoun.
    if phrase_word.caps && !text_word.caps {
        return false;
    }
    phrase_word
        .terms
        .iter()
        .any(|t| text_word.terms.contains(t) && (t.len() >= 4 || **t == *phrase_word.key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_phrases_across_scripts_and_endings() {
        let mut p = Phrases::default();
        p.add("вице-президент", Concept::Synonym(0));
        p.add("кто прав", Concept::Neutrality);
        p.add("Өзбекстан", Concept::OutOfScope);
        let hits = p.find(&words::of_any("А вице-президентті кім тағайындайды?"));
        assert_eq!(hits, [(1, 3, Concept::Synonym(0))]);
        let hits = p.find(&words::of_any("Родители спорят, кто же прав? Кто прав?"));
        assert_eq!(hits, [(5, 7, Concept::Neutrality)]);
        let hits = p.find(&words::of_any("Ozbekstannyn konstitutsiiasy"));
        assert_eq!(hits, [(0, 1, Concept::OutOfScope)]);
    }

    #[test]
    fn phrases_in_capitals_match_only_capitals() {
        let mut p = Phrases::default();
        p.add("US", Concept::OutOfScope);
        assert_eq!(
            p.find(&words::of_any("the US vice president")),
            [(1, 2, Concept::OutOfScope)]
        );
        assert!(p.find(&words::of_any("tell us about it")).is_empty());
    }
}
