//! Scoring a question's words against every passage, in two passes.
//!
//! 1. BM25F over the postings of the question's terms: only passages sharing a
//!    term are touched, their sums kept in buffers reused across questions
//!    (one set per thread), so 20,000 passages cost no megabytes of zeroing.
//! 2. The best few passages are compared with their example questions (Dice
//!    overlap in IDF weight): the closest way of asking lifts its passage.

use super::index::{Index, TermId};
use super::words::Word;
use super::{
    CORE_WORD_WEIGHT, MAX_UNKNOWN_COUNTED, QUESTION_MATCH_WEIGHT, QUESTION_WORD_WEIGHT,
    UNKNOWN_WORD_WEIGHT,
};
use crate::text::stopwords::Role;
use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;

/// One passage's sums over the words of a question.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Acc {
    /// BM25F score plus the closest example question's share: ranks passages.
    pub score: f32,
    /// IDF weight of the question's words the passage has: the confidence's numerator.
    pub covered: f32,
    /// Whether the passage matched a word of a `core` synonym group.
    pub anchored: bool,
    /// Whether the passage matched a word outside the `core` groups.
    pub beyond_core: bool,
    /// Dice overlap of the question with the passage's closest example question.
    best_question: f32,
}

/// The sums over the words of one question.
#[derive(Debug)]
pub(super) struct Scores {
    /// Every passage sharing a term with the question, in no order.
    pub passages: Vec<(u32, Acc)>,
    /// IDF weight of the question's known words.
    pub known: f32,
    /// Weight of the first few unknown words.
    pub unknown_first: f32,
    /// Weight of all the unknown words.
    pub unknown_all: f32,
    /// Words that are not stop words.
    pub words: usize,
}

impl Scores {
    /// The sums of passage `p` (zero when it shares nothing).
    pub(super) fn of(&self, p: usize) -> Acc {
        self.passages
            .iter()
            .find(|(q, _)| *q as usize == p)
            .map(|&(_, a)| a)
            .unwrap_or_default()
    }
}

/// Buffers indexed by passage and by example question; all zero between uses.
#[derive(Default)]
struct Scratch {
    acc: Vec<Acc>,
    seen: Vec<u32>,
    /// Per passage, the best this word scores there: (score, idf covered).
    word_best: Vec<(f32, f32)>,
    word_touched: Vec<u32>,
    /// Per term: 1 + the question word it stands for (0: not in the
    /// question), and its IDF; filled for the question's terms only.
    term_word: Vec<(u32, f32)>,
    /// Small per-question lists, kept for their capacity.
    alts: Vec<(TermId, f32)>,
    query_terms: Vec<(TermId, usize, f32)>,
    word_weights: Vec<f32>,
    candidates: Vec<u32>,
    best_of_word: Vec<f32>,
    words_met: Vec<usize>,
}

/// Postings read per term, at most (they are in impact order).
const MAX_POSTINGS_READ: usize = 1024;
/// Passages compared with their example questions, at most.
const QUESTION_CANDIDATES: usize = 8;
/// A question of at most this many content words is short.
const SHORT_QUESTION_WORDS: usize = 8;
/// How many unknown words an unknown name in a short question weighs.
const NAME_WEIGHT: f32 = 4.0;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

/// Scores the passages of `index` against the words of a question.
///
/// `stance` is the passage on the bot's own neutrality, which the reform's
/// words alone (core groups) do not lead to. Its example questions ask the
/// bot to take a side on the reform ("ты за реформу?"); with their
/// side-taking words routed or skipped, what is left of them is the reform
/// itself, which would make "расскажи про реформу" a request for the bot's
/// stance. It needs a word of its own ("иә", "ойлайсың", "neutral").
pub(super) fn score(
    index: &Index,
    anchors: &[bool],
    stance: Option<usize>,
    ws: &[Word],
    penalty: &HashMap<String, f32>,
) -> Scores {
    SCRATCH.with(|cell| {
        let mut scratch = cell.borrow_mut();
        let s = &mut *scratch;
        let passages = index.passages;
        if s.acc.len() < passages {
            s.acc.resize(passages, Acc::default());
            s.word_best.resize(passages, (0.0, 0.0));
        }
        if s.term_word.len() < index.idf.len() {
            s.term_word.resize(index.idf.len(), (0, 0.0));
        }
        // Per term of the question: which word it stands for, and its IDF.
        let mut query_terms = std::mem::take(&mut s.query_terms);
        let mut word_weights = std::mem::take(&mut s.word_weights);
        let mut alts = std::mem::take(&mut s.alts);
        query_terms.clear();
        word_weights.clear();
        let mut out = Scores {
            passages: Vec::new(),
            known: 0.0,
            unknown_first: 0.0,
            unknown_all: 0.0,
            words: 0,
        };
        let mut unknown = 0;
        let short = ws.iter().filter(|w| w.role.is_none()).count() <= SHORT_QUESTION_WORDS;
        for w in ws.iter().filter(|w| w.role != Some(Role::Stop)) {
            out.words += 1;
            let weight = if w.role == Some(Role::Question) {
                QUESTION_WORD_WEIGHT
            } else {
                1.0
            };
            alts.clear();
            alts.extend(w.terms.iter().filter_map(|t| {
                let id = *index.terms.get(t)?;
                let factor = if penalty.is_empty() {
                    1.0
                } else {
                    penalty.get(t).copied().unwrap_or(1.0)
                };
                Some((id, factor))
            }));
            if alts.is_empty() {
                let u = weight * index.max_idf * UNKNOWN_WORD_WEIGHT;
                if w.name && short {
                    // In a short question an unknown name ("Brexit", "SOLID")
                    // is its subject: the question is about something else,
                    // however reform-like its other words. (In a long story,
                    // a town or a person is context.)
                    out.unknown_all += NAME_WEIGHT * u;
                    out.unknown_first += NAME_WEIGHT * u;
                    continue;
                }
                unknown += 1;
                out.unknown_all += u;
                if unknown <= MAX_UNKNOWN_COUNTED {
                    out.unknown_first += u;
                }
                continue;
            }
            let anchor = alts.iter().any(|&(t, _)| anchors[t as usize]);
            out.known += weight
                * alts
                    .iter()
                    .map(|&(t, f)| f * index.idf[t as usize])
                    .fold(0f32, f32::max);
            // A word scores by its best term in each passage.
            for &(t, f) in &alts {
                let idf = f * index.idf[t as usize];
                // Past the first few thousand passages of a very common term,
                // the rest weigh no more and cannot decide the best answer.
                for &(p, tf) in index.postings[t as usize].iter().take(MAX_POSTINGS_READ) {
                    let b = &mut s.word_best[p as usize];
                    if b.1 == 0.0 {
                        s.word_touched.push(p);
                    }
                    b.0 = b.0.max(idf * tf);
                    b.1 = b.1.max(idf);
                }
            }
            // The reform's own words say most about what a question is about.
            let rank_weight = if anchor {
                weight * CORE_WORD_WEIGHT
            } else {
                weight
            };
            for p in s.word_touched.drain(..) {
                let (sc, c) = std::mem::take(&mut s.word_best[p as usize]);
                let a = &mut s.acc[p as usize];
                if a.covered == 0.0 {
                    s.seen.push(p);
                }
                a.score += rank_weight * sc;
                a.covered += weight * c;
                a.anchored |= anchor;
                a.beyond_core |= !anchor;
            }
            for &(t, f) in &alts {
                query_terms.push((t, word_weights.len(), f * index.idf[t as usize]));
            }
            word_weights.push(weight);
        }
        // The closest example question lifts its passage: words that occur
        // together in one way of asking say more than the same words spread
        // over a passage. Only the best BM25 candidates are compared.
        let question_weight = out.known + out.unknown_first;
        for &(t, word, idf) in &query_terms {
            let slot = &mut s.term_word[t as usize];
            if slot.0 == 0 || idf > slot.1 {
                *slot = (word as u32 + 1, idf);
            }
        }
        let mut candidates = std::mem::take(&mut s.candidates);
        candidates.clear();
        candidates.extend_from_slice(&s.seen);
        if candidates.len() > QUESTION_CANDIDATES {
            candidates.select_nth_unstable_by(QUESTION_CANDIDATES, |a, b| {
                s.acc[*b as usize]
                    .score
                    .total_cmp(&s.acc[*a as usize].score)
            });
            candidates.truncate(QUESTION_CANDIDATES);
        }
        let mut best_of_word = std::mem::take(&mut s.best_of_word);
        best_of_word.clear();
        best_of_word.resize(word_weights.len(), 0.0);
        let mut words_met = std::mem::take(&mut s.words_met);
        for &p in &candidates {
            let mut best = 0f32;
            for q in &index.questions[p as usize] {
                for &t in &q.terms {
                    let (word, idf) = s.term_word[t as usize];
                    if word > 0 {
                        let b = &mut best_of_word[word as usize - 1];
                        if *b == 0.0 {
                            words_met.push(word as usize - 1);
                        }
                        *b = b.max(idf);
                    }
                }
                let matched: f32 = words_met
                    .drain(..)
                    .map(|w| std::mem::take(&mut best_of_word[w]) * word_weights[w])
                    .sum();
                if matched > 0.0 {
                    best = best.max(2.0 * matched / (question_weight + q.weight));
                }
            }
            s.acc[p as usize].best_question = best;
        }
        for &(t, _, _) in &query_terms {
            s.term_word[t as usize] = (0, 0.0);
        }
        (s.alts, s.query_terms, s.word_weights) = (alts, query_terms, word_weights);
        (s.candidates, s.best_of_word, s.words_met) = (candidates, best_of_word, words_met);
        out.passages.reserve(s.seen.len());
        for p in s.seen.drain(..) {
            let mut a = std::mem::take(&mut s.acc[p as usize]);
            if stance == Some(p as usize) && !a.beyond_core {
                continue;
            }
            a.score += QUESTION_MATCH_WEIGHT * a.best_question * question_weight;
            out.passages.push((p, a));
        }
        out
    })
}
