//! How [`Counts`] and [`JournalEntry`] map to table rows.
//!
//! A day's counters are rows `(day, name, n)`, one per non-zero counter,
//! named by their path in [`Counts`]' JSON (`kinds.answered`,
//! `langs.ru.asked`, `topics.<id>.up`). Replicas add their deltas to a row
//! (`n = n + delta`), so concurrent writers never overwrite each other, and a
//! counter added to [`Counts`] later needs no migration.

use crate::lang::Lang;
use crate::store::{Counts, JournalKind};
use serde_json::{Map, Value};

/// The non-zero counters of `counts` as (name, value).
pub(super) fn flatten(counts: &Counts) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    let value = serde_json::to_value(counts).expect("counters serialise to JSON");
    walk(&value, &mut String::new(), &mut out);
    out
}

fn walk(v: &Value, path: &mut String, out: &mut Vec<(String, i64)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                walk(child, path, out);
                path.truncate(len);
            }
        }
        Value::Number(n) => {
            if let Some(n) = n.as_i64().filter(|&n| n != 0) {
                out.push((path.clone(), n));
            }
        }
        _ => {}
    }
}

/// The counters named in `rows`, back as [`Counts`]; unknown names (a newer
/// binary's counters) are ignored.
pub(super) fn unflatten(rows: impl IntoIterator<Item = (String, i64)>) -> Counts {
    // Every field present, so types without defaults (one entry per
    // language) decode whatever rows there are.
    let mut root = match serde_json::to_value(Counts::default()) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    for (name, n) in rows {
        // A topic id may hold dots: it is everything between the first and
        // the last one.
        let path: Vec<&str> = match name.strip_prefix("topics.") {
            Some(rest) => match rest.rsplit_once('.') {
                Some((id, field)) => vec!["topics", id, field],
                None => continue,
            },
            None => name.split('.').collect(),
        };
        insert(&mut root, &path, n);
    }
    serde_json::from_value(Value::Object(root)).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "stored counters do not decode; skipped");
        Counts::default()
    })
}

fn insert(map: &mut Map<String, Value>, path: &[&str], n: i64) {
    match path {
        [] => {}
        [leaf] => {
            map.insert((*leaf).to_string(), Value::from(n.max(0)));
        }
        [head, rest @ ..] => {
            let child = map
                .entry((*head).to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(child) = child {
                insert(child, rest, n);
            }
        }
    }
}

/// A journal kind's name in the `kind` column.
pub(super) fn kind_name(kind: JournalKind) -> &'static str {
    match kind {
        JournalKind::Unknown => "unknown",
        JournalKind::Unsure => "unsure",
        JournalKind::OutOfScope => "out_of_scope",
        JournalKind::Disliked => "disliked",
    }
}

/// The journal kind named `name`.
pub(super) fn kind_of(name: &str) -> Option<JournalKind> {
    Some(match name {
        "unknown" => JournalKind::Unknown,
        "unsure" => JournalKind::Unsure,
        "out_of_scope" => JournalKind::OutOfScope,
        "disliked" => JournalKind::Disliked,
        _ => return None,
    })
}

/// A language from its code in a column.
pub(super) fn lang_of(code: &str) -> Option<Lang> {
    code.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Kind;
    use crate::store::{FeedbackEvent, QuestionEvent};

    #[test]
    fn counters_survive_rows() {
        let mut c = Counts::default();
        c.question(&QuestionEvent {
            text: "x",
            lang: Lang::Ru,
            at: 0,
            kind: Kind::Answer,
            topic: Some("vice.president"),
            passage: Some("p"),
            best: Some("p"),
            score: 0.9,
        });
        c.feedback(&FeedbackEvent {
            up: false,
            passage: "p",
            topic: Some("kurultai"),
            question: None,
            lang: Lang::Kk,
            at: 0,
            best: None,
            score: None,
        });
        c.reload(true);
        let rows = flatten(&c);
        assert!(rows.iter().any(|(n, v)| n == "kinds.answered" && *v == 1));
        assert!(rows.iter().all(|(_, v)| *v != 0));
        assert_eq!(unflatten(rows), c);
    }

    #[test]
    fn kinds_round_trip() {
        for k in [
            JournalKind::Unknown,
            JournalKind::Unsure,
            JournalKind::OutOfScope,
            JournalKind::Disliked,
        ] {
            assert_eq!(kind_of(kind_name(k)), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), Value::from(kind_name(k)));
        }
    }
}
