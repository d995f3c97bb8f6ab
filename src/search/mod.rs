//! The matcher: a citizen's question in, the best passage and a confidence out.
//!
//! 1. The language of the answer: the one asked for, else [`langid`] detects it.
//! 2. The question becomes [`words`], each with the terms of every language its
//!    script allows; a word the index does not know is corrected through
//!    [`typo`] (by edit distance, scaled by word length).
//! 3. [`phrases`] mark synonym groups (each word of a match also stands for the
//!    group), requests to take a side (routed to the neutrality passage), and
//!    out-of-scope names (refused).
//! 4. Every passage is scored BM25F-style over its titles, texts and example
//!    questions in all languages ([`index`]); a word scores by its best term.
//! 5. The confidence is the share of the question's weight the best passage
//!    covers: a word unknown to the whole content counts against it. Below
//!    [`MIN_CONFIDENCE`] the bot says it does not know; a question that uses
//!    the reform's own vocabulary (a `core` synonym group) needs only
//!    [`MIN_CONFIDENCE_ANCHORED`].

mod clauses;
pub mod index;
mod kind;
pub mod langid;
pub mod phrases;
mod score;
pub mod typo;
pub mod words;

use crate::content::Content;
use crate::lang::{Lang, LangChoice};
use crate::text::stopwords::Role;
use index::Index;
use langid::LangId;
use phrases::{Concept, Phrases};
use rustc_hash::FxHashMap as HashMap;
use typo::TypoIndex;

pub use kind::Kind;

/// Below this confidence the bot says it does not know.
pub const MIN_CONFIDENCE: f32 = 0.55;
/// The confidence needed when the question uses the reform's own vocabulary
/// (a word of a `core` synonym group: constitution, Kurultai, referendum…):
/// such a question is about the reform even when much of it is unknown.
pub const MIN_CONFIDENCE_ANCHORED: f32 = 0.2;
/// How much more a word of a `core` synonym group weighs in ranking.
pub(crate) const CORE_WORD_WEIGHT: f32 = 1.5;
/// How much the closest example question adds to a passage's score.
pub(crate) const QUESTION_MATCH_WEIGHT: f32 = 2.0;
/// Unknown words counted against the confidence, at most.
pub(crate) const MAX_UNKNOWN_COUNTED: usize = 3;
/// A question word ("how many") weighs this much of a content word.
pub(crate) const QUESTION_WORD_WEIGHT: f32 = 0.3;
/// A word nobody wrote in the content weighs this much of the rarest known word.
pub(crate) const UNKNOWN_WORD_WEIGHT: f32 = 0.6;
/// Unknown words of a question checked for typos, at most.
const MAX_TYPO_WORDS: usize = 8;
/// A term reached through a typo correction scores this much less per edit.
const TYPO_PENALTY: f32 = 0.2;
/// Only the start of a question is read: nobody asks in more words.
pub const MAX_QUESTION_CHARS: usize = 1000;
const MAX_WORDS: usize = 200;
/// Ranked passages kept for suggestions.
const RANKED: usize = 6;

/// The matcher's answer to one question.
#[derive(Debug, Clone)]
pub struct Match {
    /// The language to answer in.
    pub lang: Lang,
    /// What the matcher decided.
    pub kind: Kind,
    /// The passage index answered with: for [`Kind::Answer`] and
    /// [`Kind::Neutral`], never otherwise.
    pub passage: Option<usize>,
    /// How much of the question the best passage covers, 0 to 1.
    pub confidence: f32,
    /// The best passages, best first, with their scores.
    pub ranked: Vec<(usize, f32)>,
}

/// Everything needed to answer questions over one version of the content.
#[derive(Debug)]
pub struct Matcher {
    index: Index,
    phrases: Phrases,
    typos: TypoIndex,
    langid: LangId,
    neutrality: Option<usize>,
    /// The passage answering a message that only insults the bot.
    insult: Option<usize>,
    /// Per term: whether it is the concept of a core synonym group, the
    /// reform's own vocabulary (see [`MIN_CONFIDENCE_ANCHORED`]).
    anchors: Vec<bool>,
}

impl Matcher {
    /// Builds the matcher for a content version.
    pub fn new(content: &Content) -> Matcher {
        // The language model learns from the same texts independently of the
        // index: train it on another core (this is most of a cold start).
        std::thread::scope(|scope| {
            let langid = scope.spawn(|| LangId::train(content));
            let phrases = phrases_of(content);
            let index = Index::build(content, &phrases);
            let typos = TypoIndex::build(
                index
                    .terms
                    .iter()
                    .filter(|(t, _)| !t.starts_with('#'))
                    .map(|(t, &id)| (id, t.as_str())),
            );
            let position = |id: &Option<String>| {
                id.as_deref()
                    .and_then(|id| content.passages.iter().position(|p| p.id == id))
            };
            let neutrality = position(&content.routing.neutrality_passage);
            let insult = position(&content.routing.insult_passage);
            let mut anchors = vec![false; index.names.len()];
            for (g, _) in content.synonyms.iter().enumerate().filter(|(_, g)| g.core) {
                if let Some(&t) = index.terms.get(&index::concept_term(g as u32)) {
                    anchors[t as usize] = true;
                }
            }
            Matcher {
                index,
                phrases,
                typos,
                langid: langid
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
                neutrality,
                insult,
                anchors,
            }
        })
    }

    /// Whether a word of the reform's own vocabulary is said of something the
    /// content never names: "KIMEP universitetınıñ vitse-prezidentı",
    /// "башқұрт құрылтайы", "курултай Башкортостана". Kazakh puts the owner
    /// before the word; Russian and English may put it after ("of X"), a word
    /// or two on.
    ///
    /// An owner is a word the content does not know even as a typo: a
    /// misspelt word of the content is more often the question's own.
    fn names_another_entity(&self, ws: &[words::Word], lang: Lang) -> bool {
        let id = |t: &String| self.index.terms.get(t).copied();
        let core = |w: &words::Word| {
            w.terms
                .iter()
                .any(|t| id(t).is_some_and(|i| self.anchors[i as usize]))
        };
        // In Russian and English an unknown word beside the reform's word is
        // as often a verb ("зачем нужен вице-президент"): only a name there
        // is an owner.
        let owner = |j: usize| {
            let w = &ws[j];
            w.role.is_none()
                && !w.terms.iter().any(|t| id(t).is_some())
                && w.key.chars().any(char::is_alphabetic)
                && (lang == Lang::Kk || w.name)
        };
        ws.iter()
            .enumerate()
            .filter(|(_, w)| core(w))
            .any(|(i, _)| {
                let before = i.checked_sub(1).is_some_and(owner);
                let after = lang != Lang::Kk && (i + 1..ws.len().min(i + 3)).any(owner);
                before || after
            })
    }

    /// Adds to every word the index does not know the terms within its
    /// allowed edits, and returns how much less each such term scores. This
    /// runs before phrases are found, so a misspelt "vice-presdent" still
    /// reaches its synonym group.
    fn correct_typos(&self, ws: &mut [words::Word]) -> HashMap<String, f32> {
        let mut penalty: HashMap<String, f32> = HashMap::default();
        let unknown = ws
            .iter_mut()
            .filter(|w| w.role != Some(Role::Stop))
            .filter(|w| !w.terms.iter().any(|t| self.index.terms.contains_key(t)));
        // A question with more unknown words than this is a story: its typos
        // past the first few do not change what it is about.
        for w in unknown.take(MAX_TYPO_WORDS) {
            let found: Vec<(u32, usize)> =
                w.terms.iter().flat_map(|t| self.typos.lookup(t)).collect();
            for (id, d) in found {
                let term = &self.index.names[id as usize];
                if !w.terms.contains(term) {
                    penalty.insert(term.clone(), 1.0 - TYPO_PENALTY * d as f32);
                    std::sync::Arc::make_mut(&mut w.terms).push(term.clone());
                }
            }
        }
        penalty
    }

    /// Finds the answer to `question`, in the language `lang` chooses
    /// (`None`: the question's own, `Some`: that one, or a [`LangChoice`]
    /// such as the user's language when the question's words cannot tell).
    pub fn find(&self, question: &str, lang: impl Into<LangChoice>) -> Match {
        let choice = lang.into();
        let forced = match choice {
            LangChoice::Force(l) => Some(l),
            _ => None,
        };
        let question = truncate(question, MAX_QUESTION_CHARS);
        let mut tokens = crate::text::tokens(question);
        tokens.truncate(MAX_WORDS);
        // The whole message tells the language best; the clause that asks
        // tells what it is about.
        let lang = self.language(&tokens, choice);
        if let Some(clause) = clauses::asking(question) {
            let mut ctokens = crate::text::tokens(clause);
            ctokens.truncate(MAX_WORDS);
            let m = self.find_in(ctokens, lang, forced);
            if m.passage.is_some() {
                return m;
            }
        }
        self.find_in(tokens, lang, forced)
    }

    /// The language to answer `tokens` in, as `choice` asks.
    fn language(&self, tokens: &[crate::text::Token], choice: LangChoice) -> Lang {
        let guess = || {
            self.langid
                .guess_words(&tokens.iter().map(|t| t.word.as_str()).collect::<Vec<_>>())
        };
        match choice {
            LangChoice::Force(l) => l,
            LangChoice::Detect => guess().map_or(Lang::Kk, |g| g.lang),
            LangChoice::Prefer(preferred) => match guess() {
                Some(g) if g.decided => g.lang,
                // Only a language the script allows: a Cyrillic question is
                // not answered in English, nor a Latin one in Russian.
                Some(g) if preferred != if g.cyrillic { Lang::En } else { Lang::Ru } => preferred,
                Some(g) => g.lang,
                None => preferred,
            },
        }
    }

    /// The match of one message or clause, answered in `lang`.
    fn find_in(&self, tokens: Vec<crate::text::Token>, lang: Lang, forced: Option<Lang>) -> Match {
        let empty = |kind| Match {
            lang,
            kind,
            passage: None,
            confidence: 0.0,
            ranked: Vec::new(),
        };

        let mut ws = words::of_tokens(&tokens);
        // Only words as written put a question out of scope: a typo guess is
        // too weak for a veto ("сынады", criticised, is one letter from a
        // folded "china").
        let vetoed = self
            .phrases
            .find(&ws)
            .iter()
            .any(|r| r.2 == Concept::OutOfScope);
        // Content words the content knows as written: a question whose every
        // shared word is a typo guess ("погода" one letter from "полгода") is
        // answered only when a guess is the reform's own vocabulary.
        let known_as_written = ws
            .iter()
            .filter(|w| w.role.is_none())
            .any(|w| w.terms.iter().any(|t| self.index.terms.contains_key(t)));
        let penalty = self.correct_typos(&mut ws);
        let routes = index::add_concepts(&mut ws, &self.phrases);
        if vetoed || self.names_another_entity(&ws, lang) {
            return empty(Kind::OutOfScope);
        }
        // A request to take a side is always answered neutrally. The rest of
        // the question is still scored: what it asks about comes as suggestions
        // ("we argue whether unity or sovereignty matters most: who is right?"
        // gets neutrality, then the principles).
        let has = |c: Concept| routes.iter().any(|r| r.2 == c);
        // Greetings, thanks and insults are said around a question, or are the
        // whole message: they never count as words of the question.
        let insulted = has(Concept::Insult);
        let aside = |c: Concept| match c {
            Concept::Greeting(_) | Concept::Thanks(_) | Concept::Insult => true,
            Concept::BotName => insulted,
            _ => false,
        };
        for &(start, end, _) in routes.iter().filter(|r| aside(r.2)) {
            for w in &mut ws[start..end] {
                w.role = Some(Role::Stop);
            }
        }
        let takes_side = has(Concept::Neutrality)
            || (has(Concept::Judgement) && has(Concept::Choice) && !has(Concept::Procedure));
        let neutral = self.neutrality.filter(|_| takes_side);
        if neutral.is_some() {
            let side = |c: Concept| {
                matches!(
                    c,
                    Concept::Neutrality | Concept::Judgement | Concept::Choice
                )
            };
            for &(start, end, _) in routes.iter().filter(|r| side(r.2)) {
                for w in &mut ws[start..end] {
                    w.role = Some(Role::Stop);
                }
            }
        }
        // A message that insults the bot and asks nothing it can answer gets
        // a calm word, not "I don't know" nor a passage matched on the rest.
        let calm = self.insult.filter(|_| insulted).map(|p| Match {
            lang,
            kind: Kind::Answer,
            passage: Some(p),
            confidence: 1.0,
            ranked: vec![(p, 1.0)],
        });
        let scores = score::score(&self.index, &self.anchors, self.neutrality, &ws, &penalty);
        if scores.words == 0 && neutral.is_none() {
            if let Some(m) = calm {
                return m;
            }
            // Small talk alone is answered in its own language: "рахмет" is
            // Kazakh however few letters say so.
            let smalltalk = routes.iter().rev().find_map(|r| match r.2 {
                Concept::Thanks(l) => Some((Kind::Thanks, l)),
                Concept::Greeting(l) => Some((Kind::Greeting, l)),
                _ => None,
            });
            return match smalltalk {
                Some((kind, l)) => Match {
                    lang: forced.unwrap_or(l),
                    ..empty(kind)
                },
                None => empty(Kind::Empty),
            };
        }
        let mut ranked: Vec<(usize, f32)> = scores
            .passages
            .iter()
            .filter(|(_, a)| a.score > 0.0)
            .map(|&(p, a)| (p as usize, a.score))
            .collect();
        let order = |a: &(usize, f32), b: &(usize, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if ranked.len() > RANKED {
            ranked.select_nth_unstable_by(RANKED, order);
            ranked.truncate(RANKED);
        }
        ranked.sort_by(order);
        if let Some(p) = neutral {
            return Match {
                lang,
                kind: Kind::Neutral,
                passage: Some(p),
                confidence: 1.0,
                ranked,
            };
        }
        let Some(&(top, _)) = ranked.first() else {
            return calm.unwrap_or_else(|| empty(Kind::Unknown));
        };
        let best = scores.of(top);
        // A long story around a question about the reform should not drown
        // it: then only the first few unknown words count. A question that is
        // not about the reform gets no such allowance.
        let (total, needed) = if best.anchored {
            (scores.known + scores.unknown_first, MIN_CONFIDENCE_ANCHORED)
        } else {
            (scores.known + scores.unknown_all, MIN_CONFIDENCE)
        };
        let confidence = (best.covered / total).min(1.0);
        tracing::debug!(
            terms = ?ws.iter().filter(|w| w.role != Some(Role::Stop)).map(|w| &w.terms).collect::<Vec<_>>(),
            ?ranked, confidence, needed, "scored"
        );
        // Outside the reform's own vocabulary, a passage must share a word
        // with a way of asking for it: a word only its text happens to use
        // ("курс" in "the country's course") does not make "курс доллара"
        // a question for it.
        let asked_like = || {
            ws.iter()
                .filter(|w| w.role.is_none())
                .flat_map(|w| w.terms.iter())
                .filter_map(|t| self.index.terms.get(t))
                .any(|id| {
                    self.index.questions[top]
                        .iter()
                        .any(|q| q.terms.binary_search(id).is_ok())
                })
        };
        let (kind, passage) =
            if confidence >= needed && (best.anchored || (known_as_written && asked_like())) {
                (Kind::Answer, Some(top))
            } else if let Some(m) = calm {
                return m;
            } else if best.anchored {
                (Kind::Unsure, None)
            } else {
                (Kind::Unknown, None)
            };
        Match {
            lang,
            kind,
            passage,
            confidence,
            ranked,
        }
    }
}

/// Every phrase the content names: synonym groups and routing.
fn phrases_of(content: &Content) -> Phrases {
    let mut phrases = Phrases::default();
    for (g, group) in content.synonyms.iter().enumerate() {
        for term in &group.terms {
            phrases.add(term, Concept::Synonym(g as u32));
        }
    }
    let routing = &content.routing;
    for (list, concept) in [
        (&routing.neutrality_phrases, Concept::Neutrality),
        (&routing.judgement, Concept::Judgement),
        (&routing.choice, Concept::Choice),
        (&routing.procedure, Concept::Procedure),
        (&routing.out_of_scope, Concept::OutOfScope),
    ] {
        for phrase in list {
            phrases.add(phrase, concept);
        }
    }
    for phrase in &routing.insults {
        phrases.add(phrase, Concept::Insult);
    }
    for phrase in &routing.bot_names {
        phrases.add(phrase, Concept::BotName);
    }
    for lang in Lang::ALL {
        for phrase in routing.greetings.get(lang) {
            phrases.add(phrase, Concept::Greeting(lang));
        }
        for phrase in routing.thanks.get(lang) {
            phrases.add(phrase, Concept::Thanks(lang));
        }
    }
    phrases
}

/// The first `max` characters of `s`.
pub fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}
