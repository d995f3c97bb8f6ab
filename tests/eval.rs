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

#[test]
fn development_set_meets_the_spec_bars() {
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
    assert!(
        ratio(t.in_scope) >= 0.95,
        "in-scope topic accuracy below 0.95"
    );
    assert!(ratio(t.refused) >= 0.95, "off-topic refusals below 0.95");
    assert!(ratio(t.lang) >= 0.98, "answer language below 0.98");
    assert!(ratio(t.strict) >= 0.95, "strict accuracy below 0.95");
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
        assert!(
            ratio(t.in_scope) >= 0.93,
            "{name}: in-scope topic accuracy below 0.93"
        );
        assert!(
            ratio(t.refused) >= 0.90,
            "{name}: off-topic refusals below 0.90"
        );
        assert!(ratio(t.lang) >= 0.97, "{name}: answer language below 0.97");
        assert!(
            ratio(t.strict) >= 0.92,
            "{name}: strict accuracy below 0.92"
        );
    }
}
