//! Answer quality regression: scores the evaluation sets the way
//! `../shared/eval/score.py` does and fails below the SPEC bars.
//!
//! - `../shared/eval/dev.jsonl`: the team's development set (beside the repo).
//! - `tests/eval/holdout*.jsonl`: questions written by people who saw neither
//!   the content nor the development set, to catch tuning that does not
//!   generalise. (Once a set has been used to find faults it is no longer
//!   unseen; a new one is the honest measure.)

use atazan::content::ContentFiles;
use atazan::engine::Engine;
use atazan::reply::Reply;
use atazan::Lang;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Deserialize)]
struct Item {
    q: String,
    lang: String,
    topic: Option<Topics>,
    #[serde(default)]
    must: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Topics {
    One(String),
    Many(Vec<String>),
}

impl Topics {
    fn contains(&self, t: &str) -> bool {
        match self {
            Topics::One(x) => x == t,
            Topics::Many(xs) => xs.iter().any(|x| x == t),
        }
    }
}

/// The language an answer reads as, as the scorer guesses it.
fn text_lang(text: &str) -> Lang {
    if text.chars().any(|c| "әғқңөұүһіӘҒҚҢӨҰҮҺІ".contains(c)) {
        return Lang::Kk;
    }
    let cyr = text
        .chars()
        .filter(|c| ('\u{0400}'..='\u{04ff}').contains(c))
        .count();
    let lat = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
    if cyr >= lat {
        Lang::Ru
    } else {
        Lang::En
    }
}

#[derive(Default, Debug)]
struct Tally {
    in_scope: (usize, usize),
    refused: (usize, usize),
    lang: (usize, usize),
    strict: (usize, usize),
    misses: Vec<String>,
}

fn ratio((a, b): (usize, usize)) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

fn score(engine: &Engine, file: &Path) -> Tally {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut t = Tally::default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let item: Item = serde_json::from_str(line).expect("valid evaluation line");
        let reply: Reply = engine.answer(&item.q, None);
        let want_lang: Lang = item.lang.parse().expect("kk, kk-latn, ru or en");
        let mut ok = true;
        match &item.topic {
            None => {
                t.refused.1 += 1;
                if reply.answered {
                    ok = false;
                } else {
                    t.refused.0 += 1;
                }
            }
            Some(topics) => {
                t.in_scope.1 += 1;
                let topic_ok =
                    reply.answered && reply.topic.as_deref().is_some_and(|x| topics.contains(x));
                t.in_scope.0 += usize::from(topic_ok);
                let lower = reply.text.to_lowercase();
                let must_ok = item.must.is_empty()
                    || item.must.iter().any(|m| lower.contains(&m.to_lowercase()));
                let lang_ok = reply.lang == want_lang && text_lang(&reply.text) == want_lang;
                t.lang.1 += 1;
                t.lang.0 += usize::from(lang_ok);
                ok = topic_ok && must_ok && lang_ok;
            }
        }
        t.strict.1 += 1;
        if ok {
            t.strict.0 += 1;
        } else {
            t.misses.push(format!(
                "{:?} → {:?}/{:?} ({})",
                item.q, reply.topic, reply.passage, reply.lang
            ));
        }
    }
    t
}

fn engine() -> Engine {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let files = ContentFiles::read(&dir).expect("content folder");
    let content = files.parse().expect("valid content");
    Engine::new(files.version(), Arc::new(content))
}

fn report(name: &str, t: &Tally) {
    eprintln!(
        "{name}: in-scope topic {:.3}, off-topic refused {:.3}, language {:.3}, strict {:.3} ({}/{})",
        ratio(t.in_scope),
        ratio(t.refused),
        ratio(t.lang),
        ratio(t.strict),
        t.strict.0,
        t.strict.1
    );
    for m in &t.misses {
        eprintln!("  miss: {m}");
    }
}

/// Regression floors per set: (in-scope topic, off-topic refused, language,
/// strict). Measured on 2026-12-03 after the knowledge base was rebuilt on the
/// fact dossier (83 passages), less 0.01; they keep the answers from slipping,
/// they are not the SPEC bars. The SPEC's bars (0.95 / 0.95 / 0.98 / 0.95) are
/// the answer-quality issue's to reach on this content; raise a floor whenever
/// a set's figures rise. holdout6 and holdout7 were written blind for the new
/// content; their first, unseen scores are in README.
const FLOORS: &[(&str, [f64; 4])] = &[
    ("dev.jsonl", [0.88, 0.89, 0.97, 0.87]),
    ("holdout.jsonl", [0.94, 0.94, 0.95, 0.84]),
    ("holdout2.jsonl", [0.95, 0.79, 0.95, 0.90]),
    ("holdout3.jsonl", [0.94, 0.94, 0.95, 0.93]),
    ("holdout4.jsonl", [0.92, 0.89, 0.95, 0.92]),
    ("holdout5.jsonl", [0.97, 0.82, 0.95, 0.87]),
    ("holdout6.jsonl", [0.89, 0.76, 0.95, 0.83]),
    ("holdout7.jsonl", [0.79, 0.59, 0.90, 0.73]),
    ("holdout8.jsonl", [0.83, 0.82, 0.90, 0.76]),
];

fn assert_floors(name: &str, t: &Tally) {
    let floors = FLOORS
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| {
            panic!("{name}: add its floors to FLOORS (its first score goes to README)")
        })
        .1;
    let got = [
        ratio(t.in_scope),
        ratio(t.refused),
        ratio(t.lang),
        ratio(t.strict),
    ];
    let what = [
        "in-scope topic",
        "off-topic refused",
        "answer language",
        "strict",
    ];
    for i in 0..4 {
        assert!(
            got[i] >= floors[i],
            "{name}: {} {:.3} below its floor {:.2}",
            what[i],
            got[i],
            floors[i]
        );
    }
}

#[test]
fn development_set_holds_its_floors() {
    let dev = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/dev.jsonl");
    if !dev.exists() {
        eprintln!(
            "skipped: {} is not here (it lives beside the repository)",
            dev.display()
        );
        return;
    }
    let t = score(&engine(), &dev);
    report("dev", &t);
    assert_floors("dev.jsonl", &t);
}

#[test]
fn held_out_questions_stay_answered() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/eval");
    let mut sets: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/eval")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    sets.sort();
    assert!(!sets.is_empty(), "no held-out sets in {}", dir.display());
    let engine = engine();
    for file in sets {
        let t = score(&engine, &file);
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        report(&name, &t);
        assert_floors(&name, &t);
    }
}
