//! Text analysis: from what a citizen typed to search terms.
//!
//! A question arrives in Kazakh (Cyrillic, the 2021 Latin alphabet, informal
//! ASCII, or with Russian look-alike letters), Russian or English, often mixed.
//! The pipeline turns every word into a *term*: a short key that is the same for
//! every way of writing the same word. Each step is its own small unit:
//!
//! 1. [`tokenize`]: split into words on anything that is not a letter or digit;
//!    apostrophes inside a word stay (the 2017 Kazakh Latin `s'`, English `'s`).
//! 2. [`case::lower`]: fold case with an explicit table, so `İ`, `I` and `ı`
//!    all become `i` (Rust's `to_lowercase` turns `İ` into two characters).
//! 3. [`stem`]: strip endings, per language: Snowball for Russian and English,
//!    [`kazakh`] suffix stripping for Kazakh.
//! 4. [`fold::key`]: fold script, so `құрылтай`, `курултай`, `qūryltai` and
//!    `qurultai` meet on one Latin skeleton (`kuriltai`, `kurultai`), which the
//!    typo tolerance in `search` then bridges.
//!
//! Stop words and question words are recognised by [`stopwords`].
//!
//! ```
//! use atazan::text::{analyze_word, Script};
//! use atazan::Lang;
//! // Kazakh Cyrillic, Kazakh Latin and Russian look-alike spellings meet.
//! let a = analyze_word("құрылтайға", Lang::Kk);
//! let b = analyze_word("qūryltaiğa", Lang::Kk);
//! let c = analyze_word("курылтайга", Lang::Kk);
//! assert_eq!(a, b);
//! assert_eq!(a, c);
//! ```

pub mod case;
pub mod fold;
pub mod kazakh;
pub mod stem;
pub mod stopwords;

use crate::Lang;

/// The writing system of a word, which decides the languages it may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Cyrillic letters: Kazakh or Russian.
    Cyrillic,
    /// Latin letters: English or Kazakh in Latin letters.
    Latin,
    /// Digits only, or letters of another script: compared as they are.
    Other,
}

impl Script {
    /// The script of a word: the script of its first letter.
    pub fn of(word: &str) -> Script {
        for c in word.chars() {
            if is_cyrillic(c) {
                return Script::Cyrillic;
            }
            if c.is_alphabetic() && (c.is_ascii() || is_latin_extended(c)) {
                return Script::Latin;
            }
        }
        Script::Other
    }

    /// The languages a word in this script may be in, most likely first when
    /// nothing else is known. Kazakh comes first for Cyrillic: it is the state
    /// language and its look-alike spellings are the ones a stemmer would miss.
    pub fn langs(self) -> &'static [Lang] {
        match self {
            Script::Cyrillic => &[Lang::Kk, Lang::Ru],
            Script::Latin => &[Lang::En, Lang::Kk],
            Script::Other => &[],
        }
    }
}

/// Whether `c` is a Cyrillic letter (the basic block covers Kazakh too).
pub fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

fn is_latin_extended(c: char) -> bool {
    ('\u{00C0}'..='\u{024F}').contains(&c) || ('\u{1E00}'..='\u{1EFF}').contains(&c)
}

/// Whether `c` is a letter only Kazakh uses, in either alphabet: seeing one
/// settles the language of a question.
pub fn is_kazakh_letter(c: char) -> bool {
    matches!(
        c,
        'ә' | 'ғ'
            | 'қ'
            | 'ң'
            | 'ө'
            | 'ұ'
            | 'ү'
            | 'һ'
            | 'і'
            | 'Ә'
            | 'Ғ'
            | 'Қ'
            | 'Ң'
            | 'Ө'
            | 'Ұ'
            | 'Ү'
            | 'Һ'
            | 'І'
            | 'ä'
            | 'ğ'
            | 'ñ'
            | 'ū'
            | 'ı'
            | 'ş'
            | 'Ä'
            | 'Ğ'
            | 'Ñ'
            | 'Ū'
            | 'Ş'
            | 'İ'
    )
}

/// The longest word kept; longer runs are not words a person typed.
pub const MAX_WORD_CHARS: usize = 40;

/// A word as typed: lowercase, and how it was capitalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The word in lowercase.
    pub word: String,
    /// Whether it had two or more letters, all capitals ("US", "ЕС").
    pub caps: bool,
    /// Whether it looks like a name: capitals, or a capital first letter
    /// where a sentence does not start ("the Brexit vote").
    pub name: bool,
}

/// Splits text into lowercase words. Hyphens and punctuation separate words;
/// an apostrophe between letters stays inside the word.
pub fn tokenize(text: &str) -> Vec<String> {
    tokens(text).into_iter().map(|t| t.word).collect()
}

/// Splits text into words, remembering how each was capitalised.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut words = Vec::with_capacity(text.len() / 6 + 1);
    let mut cur = String::with_capacity(64);
    let (mut upper, mut lower, mut initial) = (0, 0, false);
    // The first word, and a word after . ! ? or a line break, starts a sentence.
    let (mut sentence_start, mut word_starts_sentence) = (true, true);
    // A space after the text ends its last word like any other.
    let mut chars = text.chars().chain(std::iter::once(' ')).peekable();
    while let Some(c) = chars.next() {
        let apostrophe = matches!(c, '\'' | '’' | 'ʼ' | '`' | '´');
        if let Some(case) = letter_case(c) {
            if cur.is_empty() {
                initial = case == Case::Upper;
                word_starts_sentence = sentence_start;
                sentence_start = false;
            }
            upper += usize::from(case == Case::Upper);
            lower += usize::from(case == Case::Lower);
            case::push_lower(&mut cur, c);
        } else if apostrophe && !cur.is_empty() && chars.peek().is_some_and(|n| n.is_alphabetic()) {
            cur.push('\'');
        } else {
            if matches!(c, '.' | '!' | '?' | '\n' | '…' | ':' | '«' | '"' | '“') {
                sentence_start = true;
            }
            if !cur.is_empty() {
                let caps = upper >= 2 && lower == 0;
                let name = caps || (initial && !word_starts_sentence);
                flush(&mut words, &mut cur, caps, name);
                (upper, lower) = (0, 0);
            }
        }
    }
    words
}

fn flush(words: &mut Vec<Token>, cur: &mut String, caps: bool, name: bool) {
    if cur.chars().count() <= MAX_WORD_CHARS {
        // A copy of the exact size; `cur` keeps its buffer for the next word.
        words.push(Token {
            word: cur.as_str().to_owned(),
            caps,
            name,
        });
    }
    cur.clear();
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Case {
    Upper,
    Lower,
    /// Digits, combining marks, letters without case.
    None,
}

/// The case of a word character, or `None` for a character that separates
/// words. ASCII and Cyrillic (nearly every character of a question) are
/// classified by their code points: the general Unicode tables are slow.
fn letter_case(c: char) -> Option<Case> {
    let u = c as u32;
    match u {
        0x41..=0x5A => Some(Case::Upper),
        0x61..=0x7A => Some(Case::Lower),
        0x30..=0x39 => Some(Case::None),
        0..=0x7F => None,
        0x0400..=0x042F => Some(Case::Upper),
        0x0430..=0x045F => Some(Case::Lower),
        // Cyrillic extensions (Kazakh ә ғ қ ң ө ұ ү һ among them) pair an
        // upper case letter at an even code point with its lower case after
        // it, except U+04C1–U+04CE, which start on an odd one.
        0x0460..=0x0481 | 0x048A..=0x04BF | 0x04D0..=0x04FF => Some(if u.is_multiple_of(2) {
            Case::Upper
        } else {
            Case::Lower
        }),
        0x04C0 => Some(Case::Upper),
        0x04C1..=0x04CE => Some(if u % 2 == 1 { Case::Upper } else { Case::Lower }),
        0x04CF => Some(Case::Lower),
        _ if c.is_uppercase() => Some(Case::Upper),
        _ if c.is_lowercase() => Some(Case::Lower),
        _ if c.is_alphanumeric() || is_combining_mark(c) => Some(Case::None),
        _ => None,
    }
}

fn is_combining_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Analyses one lowercase word as a word of `lang`: stem, then fold to the key.
pub fn analyze_word(word: &str, lang: Lang) -> String {
    let lower: String = {
        let mut s = String::with_capacity(word.len());
        for c in word.chars() {
            case::push_lower(&mut s, c);
        }
        s
    };
    stem::stem_key(&lower, lang)
}

/// What the text modules' unit tests share.
#[cfg(test)]
mod test_util {
    use std::fmt::Debug;

    /// Asserts, pair by pair, that two spellings come out alike from `f`
    /// (a key, a stem…): the word forms a search must bring together.
    pub(super) fn assert_alike<T: PartialEq + Debug>(
        f: impl Fn(&str) -> T,
        pairs: &[(&str, &str)],
    ) {
        for &(a, b) in pairs {
            assert_eq!(f(a), f(b), "{a}, {b}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenize_splits_on_punctuation_and_hyphens() {
        assert_eq!(
            tokenize("Вице-президент кімге бағынады?"),
            ["вице", "президент", "кімге", "бағынады"]
        );
        assert_eq!(tokenize("  "), Vec::<String>::new());
        assert_eq!(tokenize("👍👍"), Vec::<String>::new());
    }

    #[test]
    fn tokenize_keeps_apostrophes_inside_words() {
        assert_eq!(
            tokenize("Kazakhstan's qurs'aq 'quoted'"),
            ["kazakhstan's", "qurs'aq", "quoted"]
        );
    }

    #[test]
    fn tokens_remember_capitals() {
        let t = tokens("the US and us, ЕС");
        let caps: Vec<bool> = t.iter().map(|t| t.caps).collect();
        assert_eq!(caps, [false, true, false, false, true]);
    }

    #[test]
    fn fast_case_table_agrees_with_unicode() {
        for c in ('\u{0}'..='\u{052F}').chain(['İ', 'ı', 'ä', 'Ş', 'ğ']) {
            let expected = if c.is_uppercase() {
                Some(Case::Upper)
            } else if c.is_lowercase() {
                Some(Case::Lower)
            } else if c.is_alphanumeric() || is_combining_mark(c) {
                Some(Case::None)
            } else {
                None
            };
            assert!(letter_case(c) == expected, "{c:?} U+{:04X}", c as u32);
        }
    }

    #[test]
    fn tokens_tell_names_from_sentence_starts() {
        let t = tokens("Who won the Brexit vote? The SOLID rules");
        let names: Vec<bool> = t.iter().map(|t| t.name).collect();
        assert_eq!(
            names,
            [false, false, false, true, false, false, true, false]
        );
    }

    #[test]
    fn tokenize_drops_overlong_runs() {
        let long = "a".repeat(MAX_WORD_CHARS + 1);
        assert_eq!(tokenize(&format!("{long} ok")), ["ok"]);
    }

    #[test]
    fn script_of_word() {
        assert_eq!(Script::of("құрылтай"), Script::Cyrillic);
        assert_eq!(Script::of("qūryltai"), Script::Latin);
        assert_eq!(Script::of("145"), Script::Other);
    }

    #[test]
    fn kazakh_letters_in_both_alphabets() {
        assert!("құрылтай".chars().any(is_kazakh_letter));
        assert!("zañ".chars().any(is_kazakh_letter));
        assert!(!"курултай".chars().any(is_kazakh_letter));
    }
}
