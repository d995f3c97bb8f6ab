//! Which language a question is in: Kazakh, Russian or English.
//!
//! The script narrows the choice (Cyrillic: Kazakh or Russian; Latin:
//! English or Kazakh typed in Latin letters) and a naive Bayes model over letter
//! 1- to 3-grams decides. The model is trained on the content itself, every
//! passage and example question, so it learns whatever Kazakh operators write,
//! including Kazakh typed with Russian look-alike letters. A letter only Kazakh
//! uses (ә ғ қ ң ө ұ ү һ і, or ä ğ ñ ū ı ş) weighs heavily for Kazakh, and a
//! close call goes to Kazakh.

use crate::content::Content;
use crate::lang::Lang;
use crate::text::{self, fold, is_cyrillic, is_kazakh_letter, stopwords};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Gram keys are already FNV hashes: hashing them again would be wasted work.
#[derive(Default)]
struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type GramMap<V> = HashMap<u64, V, BuildHasherDefault<PreHashed>>;

/// The trained model.
#[derive(Debug)]
pub struct LangId {
    /// Gram hash → log probability per class.
    grams: GramMap<[f32; CLASSES]>,
    /// Log probability of a gram a class never showed.
    unseen: [f32; CLASSES],
}

/// Russian look-alikes for the Kazakh letters, as people type without a
/// Kazakh keyboard: the model sees every Cyrillic word this way.
fn lookalike(c: char) -> char {
    match c {
        'ә' => 'а',
        'ғ' => 'г',
        'қ' => 'к',
        'ң' => 'н',
        'ө' => 'о',
        'ұ' | 'ү' => 'у',
        'һ' => 'х',
        'і' => 'и',
        c => c,
    }
}

/// The form the model reads a lowercase word in.
fn form(word: &str) -> String {
    if word.chars().any(is_cyrillic) {
        word.chars().map(lookalike).collect()
    } else {
        fold::key(word)
    }
}

fn grams(form: &str, mut f: impl FnMut(u64)) {
    // Words are at most MAX_WORD_CHARS letters: a buffer on the stack will do.
    let mut chars = ['\0'; text::MAX_WORD_CHARS * 4 + 2];
    let mut len = 0;
    for c in std::iter::once('^')
        .chain(form.chars())
        .chain(std::iter::once('$'))
    {
        if len < chars.len() {
            chars[len] = c;
            len += 1;
        }
    }
    for n in 1..=3 {
        for w in chars[..len].windows(n) {
            // FNV-1a: a stable, fast hash; collisions only blur the model a little.
            let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ n as u64;
            for &c in w {
                h ^= c as u64;
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
            f(h);
        }
    }
}

/// Words read to tell the language.
const DETECT_WORDS: usize = 10;
/// Log-odds for Kazakh before any letter is read.
const KAZAKH_PRIOR: f32 = 1.0;
/// Log-odds a word with a Kazakh-only letter adds for Kazakh.
const KAZAKH_LETTER_WEIGHT: f32 = 8.0;
/// Below these log-odds, a question of words both languages share (names,
/// "президент", "референдум") has not told its language: single shared
/// words score up to about 11, a function word or a Kazakh letter adds 15
/// and more.
const DECIDED_MARGIN: f32 = 12.0;

/// What the letters of a question say about its language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guess {
    /// The likelier language.
    pub lang: Lang,
    /// Whether the question told it: a function word of either language, a
    /// Kazakh-only letter, or a clear margin. Otherwise the question is made
    /// of words Kazakh and Russian (or Kazakh and English) share.
    pub decided: bool,
    /// Whether the question is written in Cyrillic.
    pub cyrillic: bool,
}

/// The model's classes: Kazakh is learnt twice, once per script, so the
/// Latin forms of Kazakh words do not dilute the Cyrillic ones.
#[derive(Clone, Copy)]
enum Class {
    KkCyrillic = 0,
    Ru = 1,
    KkLatin = 2,
    En = 3,
    /// Russian typed in Latin letters ("skolko deputatov"): trained on the
    /// Russian content folded to Latin, answered in Russian.
    RuLatin = 4,
}

/// How many classes the model tells apart.
const CLASSES: usize = 5;

impl Class {
    fn lang(self) -> Lang {
        match self {
            Class::KkCyrillic | Class::KkLatin => Lang::Kk,
            Class::Ru | Class::RuLatin => Lang::Ru,
            Class::En => Lang::En,
        }
    }
}

impl LangId {
    /// Trains on every text of the content, plus the function-word lists.
    pub fn train(content: &Content) -> LangId {
        // Words repeat across passages and questions: weigh each distinct word
        // first, then count its letter grams once.
        let mut words: rustc_hash::FxHashMap<(Lang, String), f32> = Default::default();
        let mut add = |lang: Lang, text: &str, weight: f32| {
            for word in text::tokenize(text) {
                *words.entry((lang, word)).or_default() += weight;
            }
        };
        for p in &content.passages {
            for (lang, t) in p.text.iter() {
                add(lang, &t.title, 1.0);
                add(lang, &t.body, 1.0);
                for q in &t.questions {
                    add(lang, q, 2.0);
                }
            }
        }
        for t in &content.topics {
            for (lang, title) in t.title.iter() {
                add(lang, title, 1.0);
            }
        }
        for lang in Lang::ALL {
            for word in stopwords::words(lang) {
                add(lang, word, 3.0);
            }
        }
        let mut counts: GramMap<[f32; CLASSES]> = GramMap::default();
        let mut totals = [0f32; CLASSES];
        for ((lang, word), weight) in &words {
            let mut count = |class: Class, form: &str| {
                grams(form, |g| {
                    counts.entry(g).or_default()[class as usize] += weight;
                    totals[class as usize] += weight;
                })
            };
            let cyrillic = word.chars().any(is_cyrillic);
            match (lang, cyrillic) {
                // Kazakh is also typed in Latin letters: the Latin class
                // learns the Latin form of every Kazakh word too.
                (Lang::Kk, true) => {
                    count(Class::KkCyrillic, &form(word));
                    count(Class::KkLatin, &fold::key(word));
                }
                (Lang::Kk, false) => count(Class::KkLatin, &form(word)),
                (Lang::Ru, true) => {
                    count(Class::Ru, &form(word));
                    count(Class::RuLatin, &fold::key(word));
                }
                (Lang::En, false) => count(Class::En, &form(word)),
                // A Latin word in a Russian text, or the reverse, teaches nothing.
                _ => {}
            }
        }
        let vocab = counts.len() as f32 + 1.0;
        let alpha = 0.5;
        let unseen = totals.map(|t| (alpha / (t + alpha * vocab)).ln());
        let grams = counts
            .into_iter()
            .map(|(g, c)| {
                (
                    g,
                    std::array::from_fn(|i| ((c[i] + alpha) / (totals[i] + alpha * vocab)).ln()),
                )
            })
            .collect();
        LangId { grams, unseen }
    }

    /// The language of `text`, or `None` when it has no letters to go by.
    pub fn detect(&self, text: &str) -> Option<Lang> {
        self.detect_words(&text::tokenize(text))
    }

    /// [`LangId::detect`] for text already split into lowercase words.
    pub fn detect_words<S: AsRef<str>>(&self, words: &[S]) -> Option<Lang> {
        self.guess_words(words).map(|g| g.lang)
    }

    /// The likelier language of `words` and whether they told it, or `None`
    /// when they have no letters to go by.
    pub fn guess_words<S: AsRef<str>>(&self, words: &[S]) -> Option<Guess> {
        let words: Vec<&str> = words.iter().map(AsRef::as_ref).collect();
        let (mut cyr, mut lat) = (0usize, 0usize);
        for c in words.iter().flat_map(|w| w.chars()) {
            if is_cyrillic(c) {
                cyr += 1;
            } else if c.is_alphabetic() {
                lat += 1;
            }
        }
        if cyr + lat == 0 {
            return None;
        }
        let cyrillic = cyr >= lat;
        let classes: &[Class] = if cyrillic {
            &[Class::KkCyrillic, Class::Ru]
        } else {
            &[Class::KkLatin, Class::En, Class::RuLatin]
        };
        // Kazakh is the state language: when the letters cannot tell, answer in Kazakh.
        let mut score = [KAZAKH_PRIOR, 0.0, 0.0];
        let mut told = false;
        // The first words tell the language as well as all of them would.
        for w in words.iter().take(DETECT_WORDS) {
            // Only words of the majority script vote: a Latin "VP" in a Russian
            // sentence says nothing about Russian versus Kazakh.
            if w.chars().any(is_cyrillic) != cyrillic {
                continue;
            }
            // A letter only Kazakh has (ә, ғ, ñ, ı…) is strong evidence, yet
            // not proof: a Russian question may quote "Ата заң".
            if w.chars().any(is_kazakh_letter) {
                score[0] += KAZAKH_LETTER_WEIGHT;
                told = true;
            }
            // Russian in Latin letters writes к as k, never q, which Kazakh
            // typed in Latin uses for қ; the folded grams cannot see it, since
            // folding makes both k.
            if !cyrillic && w.contains('q') {
                score[2] -= KAZAKH_LETTER_WEIGHT;
            }
            told |= stopwords::role(w).is_some();
            grams(&form(w), |g| {
                let lp = self.grams.get(&g).unwrap_or(&self.unseen);
                for (i, class) in classes.iter().enumerate() {
                    score[i] += lp[*class as usize];
                }
            });
        }
        let mut order: Vec<usize> = (0..classes.len()).collect();
        order.sort_by(|&a, &b| score[b].total_cmp(&score[a]));
        let margin = score[order[0]] - score[order[1]];
        Some(Guess {
            lang: classes[order[0]].lang(),
            decided: told || margin.abs() >= DECIDED_MARGIN,
            cyrillic,
        })
    }
}
