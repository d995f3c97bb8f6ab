//! Typo tolerance without scanning the vocabulary.
//!
//! Every vocabulary term is indexed under itself and each of its one-letter
//! deletions (the symmetric-delete scheme). A query word looks up itself and its
//! own one-letter deletions; the few candidates found are then checked with
//! `strsim`'s optimal string alignment distance. This finds every term within
//! one edit (insertion, deletion, substitution, transposition) and many within
//! two, in a handful of hash lookups per word.

use rustc_hash::{FxHashMap, FxHasher};
use std::hash::Hasher;

/// How many edits a word of `len` letters may carry: none for short words
/// (too many short words are one letter apart), one from 5 letters, two from 9.
pub fn allowed_edits(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// The deletion index over a vocabulary.
#[derive(Debug, Default)]
pub struct TypoIndex {
    /// The hash of a term or of one of its deletions → the terms it came from.
    /// Variants are hashed, not stored: a collision only adds a candidate that
    /// the distance check then drops.
    variants: FxHashMap<u64, Vec<u32>>,
    terms: Vec<String>,
}

impl TypoIndex {
    /// Indexes `terms` (id, text); only terms long enough to carry a typo.
    pub fn build<'a>(terms: impl IntoIterator<Item = (u32, &'a str)>) -> TypoIndex {
        let mut index = TypoIndex::default();
        for (id, term) in terms {
            let chars: Vec<char> = term.chars().collect();
            if allowed_edits(chars.len()) == 0 {
                continue;
            }
            if index.terms.len() <= id as usize {
                index.terms.resize(id as usize + 1, String::new());
            }
            index.terms[id as usize] = term.to_string();
            for variant in variants(&chars) {
                let ids = index.variants.entry(variant).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        index
    }

    /// Terms within the allowed edits of `word`, with their distance, closest first.
    pub fn lookup(&self, word: &str) -> Vec<(u32, usize)> {
        let chars: Vec<char> = word.chars().collect();
        let max = allowed_edits(chars.len());
        if max == 0 {
            return Vec::new();
        }
        let mut found: Vec<(u32, usize)> = Vec::new();
        for variant in variants(&chars) {
            let Some(ids) = self.variants.get(&variant) else {
                continue;
            };
            for &id in ids {
                if found.iter().any(|(f, _)| *f == id) {
                    continue;
                }
                let term = &self.terms[id as usize];
                // Both sides must be long enough to allow the edit.
                let allowed = max.min(allowed_edits(term.chars().count()));
                let d = strsim::osa_distance(word, term);
                if d <= allowed {
                    found.push((id, d));
                }
            }
        }
        found.sort_by_key(|&(id, d)| (d, id));
        found
    }
}

/// Hashes of the word and of each of its one-letter deletions.
fn variants(chars: &[char]) -> impl Iterator<Item = u64> + '_ {
    (0..=chars.len()).map(move |skip| {
        // `skip == len` skips nothing: the word itself.
        let mut h = FxHasher::default();
        for (i, c) in chars.iter().enumerate() {
            if i != skip {
                h.write_u32(*c as u32);
            }
        }
        h.write_usize(chars.len() - usize::from(skip < chars.len()));
        h.finish()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> TypoIndex {
        TypoIndex::build([
            (0, "referendum"),
            (1, "kuriltai"),
            (2, "deputat"),
            (3, "zan"),
        ])
    }

    #[test]
    fn finds_one_edit_of_every_kind() {
        let ix = index();
        assert_eq!(ix.lookup("referedum"), [(0, 1)]); // deletion
        assert_eq!(ix.lookup("kuriltaai"), [(1, 1)]); // insertion
        assert_eq!(ix.lookup("deputut"), [(2, 1)]); // substitution
        assert_eq!(ix.lookup("dpeutat"), [(2, 1)]); // transposition
    }

    #[test]
    fn edits_scale_with_length() {
        let ix = index();
        assert_eq!(allowed_edits(4), 0);
        assert_eq!(allowed_edits(5), 1);
        assert_eq!(allowed_edits(9), 2);
        assert!(ix.lookup("zam").is_empty(), "short words get no typos");
        assert!(
            ix.lookup("dupetet").is_empty(),
            "two edits on a 7-letter word"
        );
        assert_eq!(
            ix.lookup("referndumm"),
            [(0, 2)],
            "an edit on each side of a long word"
        );
    }
}
