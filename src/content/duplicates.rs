//! Content that repeats itself: the matcher cannot choose between two
//! passages that share an example question, a title or their text, so each
//! of these is an error at the later file's line.

use super::passage::{lang_name, Parsed};
use super::Diagnostics;
use crate::lang::Lang;
use std::collections::HashMap;

/// Shingles (runs of this many words) compared to find copied text.
const SHINGLE: usize = 5;

/// Share of a text's shingles found in another that makes it a copy.
const COPIED: f32 = 0.8;

/// A shingle in more passages than this is a stock phrase, not a copy.
const COMMON_SHINGLE: usize = 16;

/// Reports titles, example questions and texts that two passages share.
pub(super) fn check(parsed: &[Parsed], diags: &mut Diagnostics) {
    for lang in Lang::ALL {
        let mut titles: HashMap<String, usize> = HashMap::new();
        let mut questions: HashMap<String, (usize, usize)> = HashMap::new();
        for (i, p) in parsed.iter().enumerate() {
            let t = p.text.get(lang);
            let lines = p.lines.get(lang);
            let key = normal(&t.title);
            if !key.is_empty() {
                if let Some(&j) = titles.get(&key) {
                    diags.push(
                        &p.file,
                        lines.heading,
                        format!(
                            "the {} title {:?} is also `{}`'s: two passages need two titles",
                            lang_name(lang),
                            t.title,
                            parsed[j].id
                        ),
                    );
                } else {
                    titles.insert(key, i);
                }
            }
            for (k, q) in t.questions.iter().enumerate() {
                let key = normal(q);
                let line = lines.questions.get(k).copied().unwrap_or(lines.heading);
                match questions.get(&key) {
                    Some(&(j, _)) if j != i => diags.push(
                        &p.file,
                        line,
                        format!(
                            "example question {q:?} is also in `{}`: the search cannot tell which passage answers it",
                            parsed[j].id
                        ),
                    ),
                    Some(_) => {}
                    None => {
                        questions.insert(key, (i, line));
                    }
                }
            }
        }
        copied_texts(parsed, lang, diags);
    }
}

/// Texts whose shingles are mostly another passage's (same language).
fn copied_texts(parsed: &[Parsed], lang: Lang, diags: &mut Diagnostics) {
    let shingles: Vec<Vec<u64>> = parsed
        .iter()
        .map(|p| shingles_of(&p.text.get(lang).body))
        .collect();
    let mut index: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, s) in shingles.iter().enumerate() {
        for &h in s {
            let owners = index.entry(h).or_default();
            if owners.last() != Some(&i) {
                owners.push(i);
            }
        }
    }
    for (i, s) in shingles.iter().enumerate() {
        if s.is_empty() {
            continue;
        }
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for h in s {
            let owners = &index[h];
            if owners.len() > COMMON_SHINGLE {
                continue;
            }
            for &j in owners.iter().filter(|&&j| j < i) {
                *shared.entry(j).or_default() += 1;
            }
        }
        if let Some((&j, &n)) = shared
            .iter()
            .max_by_key(|(j, n)| (**n, std::cmp::Reverse(**j)))
        {
            if n as f32 >= COPIED * s.len() as f32 {
                let p = &parsed[i];
                diags.push(
                    &p.file,
                    p.lines.get(lang).body,
                    format!(
                        "the {} text copies `{}`'s: merge the two passages or write what this one adds",
                        lang_name(lang),
                        parsed[j].id
                    ),
                );
            }
        }
    }
}

/// Lowercase words of letters and digits, one space apart: "Сколько депутатов?"
/// and "сколько  депутатов" are the same question.
fn normal(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

fn shingles_of(text: &str) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    let norm = normal(text);
    let words: Vec<&str> = norm.split(' ').filter(|w| !w.is_empty()).collect();
    let mut out: Vec<u64> = words
        .windows(SHINGLE)
        .map(|w| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            w.hash(&mut h);
            h.finish()
        })
        .collect();
    if out.is_empty() && !words.is_empty() {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        words.hash(&mut h);
        out.push(h.finish());
    }
    out.sort_unstable();
    out.dedup();
    out
}
