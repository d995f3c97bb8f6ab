//! Stemming per language, then folding to the search key.

use super::{fold, kazakh, Script};
use crate::Lang;
use frostem::{Algorithm, Stemmer};

/// The search key of a lowercase word read as a word of `lang`.
///
/// Russian and English use Snowball (on the real letters, before folding);
/// Kazakh strips endings on the folded key, so every Kazakh spelling stems alike.
/// A word in the other script than the language expects (an English word in a
/// Russian sentence) is folded without stemming.
pub fn stem_key(word: &str, lang: Lang) -> String {
    let script = Script::of(word);
    match (lang, script) {
        (Lang::Kk, _) => kazakh::stem(&fold::key(word)),
        (Lang::Ru, Script::Cyrillic) => fold::key(&Stemmer::new(Algorithm::Russian).stem(word)),
        (Lang::En, Script::Latin) => {
            let plain: String = word.chars().filter(|&c| c != '\'').collect();
            fold::key(&Stemmer::new(Algorithm::English).stem(&plain))
        }
        _ => fold::key(word),
    }
}

/// Every search term of a lowercase word read as a word of `lang`: the chain
/// of [`kazakh::stems`] for Kazakh; for Russian and English the Snowball stem
/// and the whole word, so a misspelt word can still be corrected towards the
/// whole word ("presidnet" is one edit from "president", three from "presid").
pub fn terms(word: &str, lang: Lang) -> Vec<String> {
    terms_keyed(word, &fold::key(word), lang)
}

/// [`terms`] for a word whose folded key is already known.
pub fn terms_keyed(word: &str, key: &str, lang: Lang) -> Vec<String> {
    match lang {
        Lang::Kk => kazakh::stems(key),
        _ => {
            let stem = stem_key(word, lang);
            if stem == key {
                vec![stem]
            } else {
                vec![stem, key.to_string()]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::test_util::assert_alike;

    #[test]
    fn russian_forms_meet() {
        assert_alike(
            |w| stem_key(w, Lang::Ru),
            &[
                ("парламенте", "парламент"),
                ("парламента", "парламент"),
                ("референдуме", "референдум"),
            ],
        );
    }

    #[test]
    fn english_forms_meet() {
        assert_alike(
            |w| stem_key(w, Lang::En),
            &[
                ("deputies", "deputy"),
                ("principles", "principle"),
                ("kazakhstan's", "kazakhstan"),
            ],
        );
    }

    #[test]
    fn kazakh_in_any_script() {
        assert_alike(|w| stem_key(w, Lang::Kk), &[("құрылтайға", "qūryltaiğa")]);
    }

    #[test]
    fn other_script_is_folded_not_stemmed() {
        assert_eq!(stem_key("vice", Lang::Ru), "vise");
        assert_eq!(stem_key("145", Lang::En), "145");
    }
}
