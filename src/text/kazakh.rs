//! Light Kazakh suffix stripping, on folded keys.
//!
//! No Rust crate stems Kazakh. Kazakh stacks endings in a fixed order: stem +
//! derivation + plural + possessive + case + person. This strips them from the
//! end, one class at a time (person → case → possessive → plural → derivation),
//! at most one suffix per class, never leaving fewer than [`MIN_STEM`] letters.
//!
//! It works on the folding key (see [`super::fold`]), so the same rules serve
//! Cyrillic, Latin and look-alike spellings: the front/back vowel pairs (-лар/-лер,
//! -да/-де, -ны/-ні) are already folded where the key merges them. It is a
//! search stemmer, not a morphological analyser: `құрылтайға`, `құрылтайдың` and
//! `құрылтайда` must meet `құрылтай`; an occasional over-strip is harmless as
//! long as the same word always gives the same stem.

/// The fewest letters a stem keeps.
pub const MIN_STEM: usize = 3;

/// Suffix classes, outermost first; each is tried longest first.
const CLASSES: &[&[&str]] = &[
    // Personal endings: -мын/-мін, -сың/-сің, -сыз/-сіз, -мыз/-міз, -сыңыз.
    &[
        "siniz", "miz", "biz", "piz", "min", "bin", "pin", "sin", "siz",
    ],
    // Case: genitive, ablative, locative (incl. -дағы), instrumental, dative, accusative.
    &[
        "ndagi", "ndegi", "dagi", "degi", "tagi", "tegi", "nin", "din", "tin", "nan", "dan", "tan",
        "nen", "den", "ten", "nda", "nde", "men", "ben", "pen", "da", "de", "ta", "te", "na", "ne",
        "ga", "ge", "ka", "ke", "ni", "di", "ti",
    ],
    // Possessive: -ыңыз, -ымыз, -ым, -ың, -сы, -ы.
    &["iniz", "imiz", "im", "in", "si", "i"],
    // Plural.
    &["lar", "ler", "dar", "der", "tar", "ter"],
    // Derivation: -лық/-лік/-дық/-тық (abstract nouns, adjectives), -лы/-лі (having).
    &["lik", "dik", "tik", "li"],
];

/// Every stem of a folded key: the key itself, then each form left by
/// stripping endings in order. `palatada` gives `palatada`, `palata`, `pala`:
/// the search indexes all of them, so `палата`, `палатада` and `палаталы` share
/// `palata` however the stripping reads a stem that looks like an ending.
pub fn stems(key: &str) -> Vec<String> {
    let mut out = vec![key.to_string()];
    if key.is_ascii() {
        strip_from(key, 0, 0, &mut out);
    }
    out
}

/// The shortest stem of a key.
pub fn stem(key: &str) -> String {
    stems(key)
        .into_iter()
        .min_by_key(|s| s.len())
        .unwrap_or_default()
}

const MAX_STEMS: usize = 8;

fn strip_from(s: &str, first_class: usize, depth: usize, out: &mut Vec<String>) {
    for (class_idx, class) in CLASSES.iter().enumerate().skip(first_class) {
        for suffix in class.iter() {
            if out.len() >= MAX_STEMS {
                return;
            }
            // Stacked endings must leave a longer stem than a single one:
            // қағида → қағи → қағ is no longer a word, just letters.
            let min = if depth == 0 { MIN_STEM } else { MIN_STEM + 1 };
            if s.len() < suffix.len() + min || !s.ends_with(suffix) {
                continue;
            }
            let mut rest = s[..s.len() - suffix.len()].to_string();
            if !has_vowel(&rest) {
                continue;
            }
            // A vowel-initial ending voices the final consonant of the stem
            // (жауапкершілік → жауапкершілігі): undo it so both forms meet.
            if suffix.starts_with(['a', 'e', 'i']) {
                unvoice(&mut rest);
            }
            if !out.contains(&rest) {
                out.push(rest.clone());
                strip_from(&rest, class_idx + 1, depth + 1, out);
            }
        }
    }
}

fn unvoice(s: &mut String) {
    let to = match s.as_bytes().last() {
        Some(b'g') => 'k',
        Some(b'b') => 'p',
        _ => return,
    };
    s.pop();
    s.push(to);
}

fn has_vowel(s: &str) -> bool {
    s.bytes()
        .any(|b| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u'))
}

#[cfg(test)]
mod tests {
    use super::{stem, stems};
    use crate::text::fold::key;
    use crate::text::test_util::assert_alike;

    fn st(word: &str) -> String {
        stem(&key(&crate::text::case::lower(word)))
    }

    /// Whether two words share a stem (what the search needs).
    fn meet(a: &str, b: &str) -> bool {
        let sa = stems(&key(&crate::text::case::lower(a)));
        let sb = stems(&key(&crate::text::case::lower(b)));
        sa.iter().any(|s| sb.contains(s))
    }

    #[test]
    fn case_endings_meet_the_bare_noun() {
        let base = st("құрылтай");
        for form in [
            "құрылтайға",
            "құрылтайда",
            "құрылтайдың",
            "құрылтайды",
            "құрылтайдан",
            "құрылтаймен",
        ] {
            assert_eq!(st(form), base, "{form}");
        }
        assert_eq!(st("референдумда"), st("референдум"));
        assert_eq!(st("Конституцияның"), st("Конституция"));
    }

    #[test]
    fn plural_possessive_and_case_stack() {
        assert_alike(
            st,
            &[
                ("депутаттар", "депутат"),
                ("депутаттарының", "депутат"),
                ("мүшелерінің", "мүше"),
            ],
        );
    }

    #[test]
    fn derivation_and_voicing() {
        assert_alike(
            st,
            &[
                ("жауапкершілігі", "жауапкершілік"),
                ("депутаттық", "депутат"),
            ],
        );
        assert!(meet("палаталы", "палата"));
        assert!(meet("палатада", "палата"));
    }

    #[test]
    fn stems_start_with_the_whole_key() {
        let all = stems("kuriltaiga");
        assert_eq!(all[0], "kuriltaiga");
        assert!(all.contains(&"kuriltai".to_string()));
    }

    #[test]
    fn latin_spellings_stem_alike() {
        assert_eq!(st("qurultaiga"), stem(&key("qurultai")));
        assert_eq!(st("referendumğa"), st("референдум"));
    }

    #[test]
    fn short_words_keep_their_letters() {
        assert_eq!(st("заң"), "zan");
        assert_eq!(st("ел"), "el");
        assert_eq!(st("бар"), "bar");
    }
}
