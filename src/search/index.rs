//! The inverted index: term → passages, weighted BM25F-style.
//!
//! A passage is one document made of fields in all three languages: its titles,
//! its answer texts, and its example questions. Each field weighs differently
//! (a word in a title or an example question says more about what the passage
//! answers than a word in passing), term frequency saturates as in BM25, and
//! long passages are normalised a little.

use super::phrases::{Concept, Phrases};
use super::words::{self, Word};
use crate::content::Content;
use crate::lang::Lang;
use crate::text::stopwords::Role;
use rustc_hash::FxHashMap as HashMap;

/// BM25 term-frequency saturation.
pub const K1: f32 = 1.2;
/// BM25 length normalisation (mild: example questions make passages long on purpose).
const B: f32 = 0.3;
/// Field weights: a word in a title or an example question says more about
/// what a passage answers than a word in passing.
const TITLE: f32 = 2.0;
const BODY: f32 = 1.0;
const QUESTION: f32 = 1.5;

/// A term id.
pub type TermId = u32;

/// The concept term of a synonym group (never a word: words have no `#`).
pub fn concept_term(group: u32) -> String {
    format!("#{group}")
}

/// One example question, as the scorer compares it with a question asked.
#[derive(Debug, Clone)]
pub struct Question {
    /// Every term of its words.
    pub terms: Vec<TermId>,
    /// The IDF weight of its words (each by its best term).
    pub weight: f32,
}

/// Term → passages, with the weights the scorer needs.
#[derive(Debug, Default)]
pub struct Index {
    /// Term text → id.
    pub terms: HashMap<String, TermId>,
    /// Term id → text.
    pub names: Vec<String>,
    /// Per term: inverse document frequency.
    pub idf: Vec<f32>,
    /// Per term: (passage, saturated weighted term frequency), heaviest first.
    pub postings: Vec<Vec<(u32, f32)>>,
    /// IDF of a term found in one passage: what an unknown word weighs.
    pub max_idf: f32,
    /// How many passages are indexed.
    pub passages: usize,
    /// Per passage: its example questions.
    pub questions: Vec<Vec<Question>>,
}

/// Expands a word sequence with the synonym concepts found in it: every word of
/// a phrase also stands for the phrase's concept.
/// Returns the other phrases found (routing), with their spans.
pub fn add_concepts(words: &mut [Word], phrases: &Phrases) -> Vec<(usize, usize, Concept)> {
    let mut others = Vec::new();
    for (start, end, concept) in phrases.find(words) {
        match concept {
            Concept::Synonym(g) => {
                let term = concept_term(g);
                for w in &mut words[start..end] {
                    if !w.terms.contains(&term) {
                        std::sync::Arc::make_mut(&mut w.terms).push(term.clone());
                    }
                }
            }
            c => others.push((start, end, c)),
        }
    }
    others
}

impl Index {
    /// Indexes every passage of the content.
    pub fn build(content: &Content, phrases: &Phrases) -> Index {
        let n = content.passages.len();
        let mut terms: HashMap<String, TermId> = HashMap::default();
        let mut per_passage: Vec<(HashMap<TermId, f32>, f32)> = Vec::with_capacity(n);
        // Per example question: its passage and, per word, the word's terms.
        let mut questions: Vec<(u32, Vec<Vec<TermId>>)> = Vec::new();
        let mut memo = words::Memo::default();
        for (pi, p) in content.passages.iter().enumerate() {
            let mut tf: HashMap<TermId, f32> = HashMap::default();
            let mut len = 0f32;
            for lang in Lang::ALL {
                let t = p.text.get(lang);
                let fields = std::iter::once((t.title.as_str(), TITLE))
                    .chain(std::iter::once((t.body.as_str(), BODY)))
                    .chain(t.questions.iter().map(|q| (q.as_str(), QUESTION)));
                for (i, (text, weight)) in fields.enumerate() {
                    let mut ws = memo.of_text(text, lang);
                    add_concepts(&mut ws, phrases);
                    let mut question_words = Vec::new();
                    for w in ws.iter().filter(|w| w.role != Some(Role::Stop)) {
                        len += weight;
                        let mut ids = Vec::with_capacity(w.terms.len());
                        for term in w.terms.iter() {
                            let next = terms.len() as TermId;
                            let id = *terms.entry(term.clone()).or_insert(next);
                            *tf.entry(id).or_default() += weight;
                            ids.push(id);
                        }
                        question_words.push(ids);
                    }
                    // Fields after the title and the body are example questions.
                    if i >= 2 && !question_words.is_empty() {
                        questions.push((pi as u32, question_words));
                    }
                }
            }
            per_passage.push((tf, len));
        }
        let avg_len = per_passage.iter().map(|(_, l)| l).sum::<f32>() / n.max(1) as f32;
        let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); terms.len()];
        for (pi, (tf, len)) in per_passage.into_iter().enumerate() {
            let norm = K1 * (1.0 - B + B * len / avg_len.max(1.0));
            for (term, f) in tf {
                postings[term as usize].push((pi as u32, f * (K1 + 1.0) / (f + norm)));
            }
        }
        // Impact order: the passages a term weighs most in come first, so a
        // very common term can be read only as far as it matters.
        for list in &mut postings {
            list.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        }
        let mut names = vec![String::new(); terms.len()];
        for (t, &id) in &terms {
            names[id as usize] = t.clone();
        }
        let idf_of = |df: usize| (1.0 + (n as f32 - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
        let idf: Vec<f32> = postings.iter().map(|l| idf_of(l.len())).collect();
        let mut per_passage_questions: Vec<Vec<Question>> = vec![Vec::new(); n];
        for (pi, qwords) in questions {
            let weight = qwords
                .iter()
                .map(|ids| ids.iter().map(|&t| idf[t as usize]).fold(0f32, f32::max))
                .sum();
            let mut terms: Vec<TermId> = qwords.into_iter().flatten().collect();
            terms.sort_unstable();
            terms.dedup();
            per_passage_questions[pi as usize].push(Question { terms, weight });
        }
        Index {
            passages: n,
            terms,
            names,
            idf,
            postings,
            max_idf: idf_of(1),
            questions: per_passage_questions,
        }
    }
}
