use super::*;
use crate::kb::Kb;
use crate::reply::Kind;
use crate::store::{JournalKind, TopicCounts};
use std::path::Path;
use std::sync::Arc;

/// 2026-11-30 00:00 UTC.
const T0: i64 = 1_795_996_800;

fn open(dir: &Path) -> (Kb, SledStore) {
    let kb = Kb::open(dir).expect("open kb");
    let store = SledStore::open(kb.db(), Retention::default()).expect("open store");
    (kb, store)
}

fn question(text: &str, kind: Kind, at: i64) -> QuestionEvent<'_> {
    let answered = kind.answered();
    QuestionEvent {
        text,
        lang: Lang::Ru,
        at,
        kind,
        topic: answered.then_some("kurultai"),
        passage: answered.then_some("kurultai-size"),
        best: Some("kurultai-size"),
        score: if answered { 0.9 } else { 0.3 },
    }
}

fn feedback(up: bool, at: i64) -> FeedbackEvent<'static> {
    FeedbackEvent {
        up,
        passage: "kurultai-size",
        topic: Some("kurultai"),
        question: Some("сколько депутатов"),
        lang: Lang::Ru,
        at,
        best: Some("kurultai-size"),
        score: Some(0.8),
    }
}

fn totals(store: &SledStore) -> Counts {
    let mut c = Counts::default();
    for d in store.stats(None).unwrap() {
        c.add(&d.counts);
    }
    c
}

#[test]
fn language_persists_across_reopen() {
    let tmp = tempfile::tempdir().unwrap();
    {
        let (_kb, store) = open(tmp.path());
        assert_eq!(store.language(7).unwrap(), None);
        store.set_language(7, Some(Lang::Kk)).unwrap();
        store.set_language(8, Some(Lang::En)).unwrap();
        store.set_language(8, Some(Lang::Ru)).unwrap();
        store.set_language(9, Some(Lang::En)).unwrap();
        store.set_language(9, None).unwrap();
        store.flush().unwrap();
    }
    let (_kb, store) = open(tmp.path());
    assert_eq!(store.language(7).unwrap(), Some(Lang::Kk));
    assert_eq!(store.language(8).unwrap(), Some(Lang::Ru));
    assert_eq!(store.language(9).unwrap(), None);
    assert_eq!(store.language(u64::MAX).unwrap(), None);
}

#[test]
fn counters_merge_across_reopen() {
    let tmp = tempfile::tempdir().unwrap();
    {
        let (_kb, store) = open(tmp.path());
        store
            .record_question(&question("a", Kind::Answer, T0 + 10))
            .unwrap();
        store
            .record_question(&question("b", Kind::Unknown, T0 + 20))
            .unwrap();
        store.record_feedback(&feedback(true, T0 + 30)).unwrap();
        store.record_reload(T0 + 40, true).unwrap();
        store.flush().unwrap();
    }
    {
        // Dropped without flush: the counters are written on drop.
        let (_kb, store) = open(tmp.path());
        store
            .record_question(&question("c", Kind::Answer, T0 + 50))
            .unwrap();
        store
            .record_question(&question("d", Kind::Answer, T0 + DAY_SECS))
            .unwrap();
        store.record_feedback(&feedback(false, T0 + 60)).unwrap();
        store.record_reload(T0 + 70, false).unwrap();
    }
    let (_kb, store) = open(tmp.path());
    let days = store.stats(None).unwrap();
    assert_eq!(
        days.iter().map(|d| d.day).collect::<Vec<_>>(),
        [day_of(T0), day_of(T0) + 1]
    );
    let first = &days[0].counts;
    assert_eq!(first.kinds.answered, 2);
    assert_eq!(first.kinds.unknown, 1);
    assert_eq!(first.topics["kurultai"], {
        TopicCounts {
            answered: 2,
            up: 1,
            down: 1,
        }
    });
    assert_eq!((first.up, first.down), (1, 1));
    assert_eq!((first.reloads_ok, first.reloads_failed), (1, 1));
    assert_eq!(first.langs.ru.asked, 3);
    assert_eq!(days[1].counts.kinds.answered, 1);
    assert_eq!(store.stats(Some(T0 + DAY_SECS + 5)).unwrap().len(), 1);
}

#[test]
fn counters_stay_in_memory_until_the_interval_or_flush() {
    let db = sled::Config::new().temporary(true).open().unwrap();
    let store = SledStore::open(&db, Retention::default()).unwrap();
    // Within the interval, the events stay in memory.
    for i in 0..100 {
        store
            .record_question(&question("a", Kind::Answer, T0 + i))
            .unwrap();
    }
    let stored = || {
        let v = db.open_tree("stats").unwrap().get(encode_i64(day_of(T0)));
        v.unwrap().map_or(0, |v| {
            serde_json::from_slice::<Counts>(&v).unwrap().kinds.answered
        })
    };
    assert_eq!(stored(), 0);
    assert_eq!(store.stats(None).unwrap()[0].counts.kinds.answered, 100);
    store.flush().unwrap();
    assert_eq!(stored(), 100);

    let eager = SledStore::open(&db, Retention::default())
        .unwrap()
        .with_write_interval(Duration::ZERO);
    eager
        .record_question(&question("a", Kind::Answer, T0))
        .unwrap();
    assert_eq!(stored(), 101);
}

#[test]
fn journal_keeps_unanswered_and_dislikes_oldest_first() {
    let db = sled::Config::new().temporary(true).open().unwrap();
    let store = SledStore::open(&db, Retention::default()).unwrap();
    store
        .record_question(&question("late", Kind::Unknown, T0 + 100))
        .unwrap();
    store
        .record_question(&question("answered", Kind::Answer, T0 + 50))
        .unwrap();
    store
        .record_question(&question("neutral", Kind::Neutral, T0 + 50))
        .unwrap();
    store
        .record_question(&question("hi", Kind::Greeting, T0 + 50))
        .unwrap();
    store
        .record_question(&question("", Kind::Empty, T0 + 50))
        .unwrap();
    store
        .record_question(&question("early", Kind::OutOfScope, T0 + 10))
        .unwrap();
    store
        .record_question(&question("same second", Kind::Unsure, T0 + 10))
        .unwrap();
    store.record_feedback(&feedback(true, T0 + 60)).unwrap();
    store.record_feedback(&feedback(false, T0 + 70)).unwrap();

    let j = store.journal(None).unwrap();
    let seen: Vec<(JournalKind, Option<&str>)> =
        j.iter().map(|e| (e.kind, e.question.as_deref())).collect();
    assert_eq!(
        seen,
        [
            (JournalKind::OutOfScope, Some("early")),
            (JournalKind::Unsure, Some("same second")),
            (JournalKind::Disliked, Some("сколько депутатов")),
            (JournalKind::Unknown, Some("late")),
        ]
    );
    assert_eq!(j[2].passage.as_deref(), Some("kurultai-size"));
    assert_eq!(j[3].best.as_deref(), Some("kurultai-size"));
    assert_eq!(j[3].score, Some(0.3));
    assert_eq!(store.journal(Some(T0 + 70)).unwrap().len(), 2);
    assert_eq!(store.journal_len(), 4);
}

#[test]
fn journal_sequence_continues_after_reopen() {
    let tmp = tempfile::tempdir().unwrap();
    for text in ["first", "second"] {
        let (_kb, store) = open(tmp.path());
        store
            .record_question(&question(text, Kind::Unknown, T0))
            .unwrap();
    }
    let (_kb, store) = open(tmp.path());
    let texts: Vec<_> = store
        .journal(None)
        .unwrap()
        .into_iter()
        .map(|e| e.question.unwrap())
        .collect();
    assert_eq!(texts, ["first", "second"]);
    assert_eq!(store.journal_len(), 2);
}

#[test]
fn long_questions_are_cut() {
    let db = sled::Config::new().temporary(true).open().unwrap();
    let store = SledStore::open(&db, Retention::default()).unwrap();
    let long = "ә".repeat(5000);
    store
        .record_question(&question(&long, Kind::Unknown, T0))
        .unwrap();
    let q = store.journal(None).unwrap().remove(0).question.unwrap();
    assert_eq!(q.chars().count(), crate::store::MAX_TEXT_CHARS);
}

#[test]
fn prune_drops_old_entries() {
    let db = sled::Config::new().temporary(true).open().unwrap();
    let retention = Retention {
        max_age_days: 90,
        max_entries: 1000,
        stats_days: 400,
    };
    let store = SledStore::open(&db, retention).unwrap();
    let now = T0 + 1000 * DAY_SECS;
    for age_days in [500, 100, 91, 90, 10, 0] {
        let text = format!("{age_days} days old");
        store
            .record_question(&question(&text, Kind::Unknown, now - age_days * DAY_SECS))
            .unwrap();
    }
    store.flush().unwrap();
    assert_eq!(db.open_tree("stats").unwrap().len(), 6);
    assert_eq!(store.prune(now).unwrap(), 3);
    let left: Vec<_> = store
        .journal(None)
        .unwrap()
        .into_iter()
        .map(|e| e.question.unwrap())
        .collect();
    assert_eq!(left, ["90 days old", "10 days old", "0 days old"]);
    assert_eq!(store.journal_len(), 3);
    // Counters of days older than 400 days go too, from memory and disk.
    store.flush().unwrap();
    let days: Vec<i64> = store.stats(None).unwrap().iter().map(|d| d.day).collect();
    assert_eq!(days.len(), 5, "{days:?}");
    assert!(days.iter().all(|&d| d >= day_of(now) - 400));
    assert_eq!(db.open_tree("stats").unwrap().len(), 5);
    // Nothing to drop: nothing dropped.
    assert_eq!(store.prune(now).unwrap(), 0);
}

#[test]
fn prune_keeps_the_newest_entries() {
    let db = sled::Config::new().temporary(true).open().unwrap();
    let retention = Retention {
        max_age_days: 90,
        max_entries: 5,
        stats_days: 400,
    };
    let store = SledStore::open(&db, retention).unwrap();
    for i in 0..12 {
        store
            .record_question(&question(&format!("q{i}"), Kind::Unknown, T0 + i))
            .unwrap();
    }
    assert_eq!(store.prune(T0 + 20).unwrap(), 7);
    let left: Vec<_> = store
        .journal(None)
        .unwrap()
        .into_iter()
        .map(|e| e.question.unwrap())
        .collect();
    assert_eq!(left, ["q7", "q8", "q9", "q10", "q11"]);
    assert_eq!(store.journal_len(), 5);
    assert_eq!(db.open_tree("journal").unwrap().len(), 5);
}

#[test]
fn no_user_id_outside_the_language_table() {
    let tmp = tempfile::tempdir().unwrap();
    let user: u64 = 987_654_321_123;
    {
        let (_kb, store) = open(tmp.path());
        store.set_language(user, Some(Lang::Kk)).unwrap();
        store
            .record_question(&question("погода в Алматы", Kind::OutOfScope, T0))
            .unwrap();
        store.record_feedback(&feedback(false, T0 + 1)).unwrap();
        store.flush().unwrap();
    }
    let kb = Kb::open(tmp.path()).expect("open kb");
    let db = kb.db();
    let decimal = user.to_string();
    let be = user.to_be_bytes();
    let le = user.to_le_bytes();
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    for name in ["journal", "stats"] {
        let tree = db.open_tree(name).unwrap();
        assert!(!tree.is_empty(), "{name} is empty");
        for item in tree.iter() {
            let (k, v) = item.unwrap();
            for needle in [decimal.as_bytes(), &be[..], &le[..]] {
                assert!(!contains(&k, needle), "{name} key holds the user id");
                assert!(!contains(&v, needle), "{name} value holds the user id");
            }
        }
    }
    // What a journal entry holds, field by field.
    for item in db.open_tree("journal").unwrap().iter() {
        let v: serde_json::Value = serde_json::from_slice(&item.unwrap().1).unwrap();
        for field in v.as_object().unwrap().keys() {
            assert!(
                ["at", "kind", "lang", "question", "best", "score", "passage", "topic"]
                    .contains(&field.as_str()),
                "unexpected journal field {field}"
            );
        }
    }
}

#[test]
fn concurrent_recording_counts_exactly() {
    const THREADS: usize = 4;
    const EACH: usize = 5_000;
    let tmp = tempfile::tempdir().unwrap();
    {
        let (_kb, store) = open(tmp.path());
        // Writing on every event makes callers race to write the counters.
        let store = Arc::new(store.with_write_interval(Duration::ZERO));
        std::thread::scope(|s| {
            for t in 0..THREADS {
                let store = Arc::clone(&store);
                s.spawn(move || {
                    for i in 0..EACH {
                        let at = T0 + (i % 3) as i64 * DAY_SECS + t as i64;
                        let kind = if i % 5 == 0 {
                            Kind::Unknown
                        } else {
                            Kind::Answer
                        };
                        store.record_question(&question("q", kind, at)).unwrap();
                        if i % 10 == 0 {
                            store.record_feedback(&feedback(i % 20 == 0, at)).unwrap();
                        }
                        if i % 100 == 0 {
                            store.record_reload(at, true).unwrap();
                        }
                    }
                });
            }
        });
        store.flush().unwrap();
    }
    let (_kb, store) = open(tmp.path());
    let c = totals(&store);
    let n = (THREADS * EACH) as u64;
    assert_eq!(c.kinds.total(), n);
    assert_eq!(c.kinds.unknown, n / 5);
    assert_eq!(c.kinds.answered, n - n / 5);
    assert_eq!(c.topics["kurultai"].answered, n - n / 5);
    assert_eq!(c.up + c.down, n / 10);
    assert_eq!(c.up, n / 20);
    assert_eq!(c.reloads_ok, n / 100);
    assert_eq!(store.stats(None).unwrap().len(), 3);
    assert_eq!(store.journal_len() as u64, n / 5 + n / 20);
    assert_eq!(store.journal(None).unwrap().len() as u64, n / 5 + n / 20);
}

#[test]
fn keys_sort_like_times() {
    let times = [i64::MIN, -5, -1, 0, 1, T0, i64::MAX];
    for w in times.windows(2) {
        assert!(journal_key(w[0], 9) < journal_key(w[1], 0));
        assert_eq!(decode_i64(&encode_i64(w[0])), Some(w[0]));
    }
    assert_eq!(decode_journal_key(&journal_key(-3, 7)), Some((-3, 7)));
}
