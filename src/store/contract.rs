//! The behaviour every [`Store`] owes the bot, as test functions run
//! against each implementation (the sled store's unit tests, the PostgreSQL
//! store's tests in `tests/postgres.rs`). Not part of the API.
//!
//! Each function gets a [`Backend`]: fresh, empty state that can be opened
//! again, to check what survives a restart.

use super::{
    day_of, Counts, FeedbackEvent, JournalKind, QuestionEvent, Retention, Store, TopicCounts,
    DAY_SECS,
};
use crate::lang::Lang;
use crate::search::Kind;
use std::sync::Arc;

/// 2026-11-30 00:00 UTC.
pub const T0: i64 = 1_795_996_800;

/// Fresh state for one contract function.
pub trait Backend {
    /// Opens a store over this backend's state (again, after the last one
    /// was dropped).
    fn open(&self, retention: Retention) -> Box<dyn Store>;
}

/// One contract function.
pub type Check = fn(&dyn Backend);

/// Every contract function, by name, for implementations that run them
/// all in one test.
pub const ALL: &[(&str, Check)] = &[
    (
        "language_persists_across_reopen",
        language_persists_across_reopen,
    ),
    ("counters_merge_across_reopen", counters_merge_across_reopen),
    (
        "journal_keeps_unanswered_and_dislikes_oldest_first",
        journal_keeps_unanswered_and_dislikes_oldest_first,
    ),
    (
        "journal_continues_after_reopen",
        journal_continues_after_reopen,
    ),
    ("long_questions_are_cut", long_questions_are_cut),
    ("prune_drops_old_entries", prune_drops_old_entries),
    (
        "prune_keeps_the_newest_entries",
        prune_keeps_the_newest_entries,
    ),
    (
        "concurrent_recording_counts_exactly",
        concurrent_recording_counts_exactly,
    ),
];

/// Retention the prune checks count on: journal entries kept 90 days and
/// `max_entries` at the most, counters 400 days.
pub fn retention(max_entries: usize) -> Retention {
    Retention {
        max_age_days: 90,
        max_entries,
        stats_days: 400,
    }
}

/// A question event of `kind` about the Kurultai's size.
pub fn question(text: &str, kind: Kind, at: i64) -> QuestionEvent<'_> {
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

/// A 👍 or 👎 on the Kurultai's size.
pub fn feedback(up: bool, at: i64) -> FeedbackEvent<'static> {
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

/// Every day's counters added up.
pub fn totals(store: &dyn Store) -> Counts {
    let mut c = Counts::default();
    for d in store.stats(None).unwrap() {
        c.add(&d.counts);
    }
    c
}

fn texts(store: &dyn Store) -> Vec<String> {
    store
        .journal(None)
        .unwrap()
        .into_iter()
        .map(|e| e.question.unwrap())
        .collect()
}

/// Language choices are kept, changed and forgotten, across a restart.
pub fn language_persists_across_reopen(b: &dyn Backend) {
    {
        let store = b.open(Retention::default());
        assert_eq!(store.language(7).unwrap(), None);
        store.set_language(7, Some(Lang::Kk)).unwrap();
        store.set_language(8, Some(Lang::En)).unwrap();
        store.set_language(8, Some(Lang::Ru)).unwrap();
        store.set_language(9, Some(Lang::En)).unwrap();
        store.set_language(9, None).unwrap();
        assert_eq!(store.language(8).unwrap(), Some(Lang::Ru));
        store.flush().unwrap();
    }
    let store = b.open(Retention::default());
    assert_eq!(store.language(7).unwrap(), Some(Lang::Kk));
    assert_eq!(store.language(8).unwrap(), Some(Lang::Ru));
    assert_eq!(store.language(9).unwrap(), None);
    assert_eq!(store.language(u64::MAX).unwrap(), None);
}

/// Counters of two runs add up per day; a store dropped without a flush
/// loses none.
pub fn counters_merge_across_reopen(b: &dyn Backend) {
    {
        let store = b.open(Retention::default());
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
        let store = b.open(Retention::default());
        store
            .record_question(&question("c", Kind::Answer, T0 + 50))
            .unwrap();
        store
            .record_question(&question("d", Kind::Answer, T0 + DAY_SECS))
            .unwrap();
        store.record_feedback(&feedback(false, T0 + 60)).unwrap();
        store.record_reload(T0 + 70, false).unwrap();
    }
    let store = b.open(Retention::default());
    let days = store.stats(None).unwrap();
    assert_eq!(
        days.iter().map(|d| d.day).collect::<Vec<_>>(),
        [day_of(T0), day_of(T0) + 1]
    );
    let first = &days[0].counts;
    assert_eq!(first.kinds.answered, 2);
    assert_eq!(first.kinds.unknown, 1);
    assert_eq!(
        first.topics["kurultai"],
        TopicCounts {
            answered: 2,
            up: 1,
            down: 1,
        }
    );
    assert_eq!((first.up, first.down), (1, 1));
    assert_eq!((first.reloads_ok, first.reloads_failed), (1, 1));
    assert_eq!(first.langs.ru.asked, 3);
    assert_eq!(days[1].counts.kinds.answered, 1);
    assert_eq!(store.stats(Some(T0 + DAY_SECS + 5)).unwrap().len(), 1);
}

/// The journal holds unanswered questions and 👎, oldest first, and
/// nothing answered.
pub fn journal_keeps_unanswered_and_dislikes_oldest_first(b: &dyn Backend) {
    let store = b.open(Retention::default());
    for (text, kind, at) in [
        ("late", Kind::Unknown, T0 + 100),
        ("answered", Kind::Answer, T0 + 50),
        ("neutral", Kind::Neutral, T0 + 50),
        ("hi", Kind::Greeting, T0 + 50),
        ("", Kind::Empty, T0 + 50),
        ("early", Kind::OutOfScope, T0 + 10),
        ("same second", Kind::Unsure, T0 + 10),
    ] {
        store.record_question(&question(text, kind, at)).unwrap();
    }
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
    assert_eq!(j[2].topic.as_deref(), Some("kurultai"));
    assert_eq!(j[3].best.as_deref(), Some("kurultai-size"));
    assert_eq!(j[3].score, Some(0.3));
    assert_eq!(j[3].lang, Lang::Ru);
    assert_eq!(store.journal(Some(T0 + 70)).unwrap().len(), 2);
}

/// Entries of the same second from two runs stay in the order written.
pub fn journal_continues_after_reopen(b: &dyn Backend) {
    for text in ["first", "second"] {
        let store = b.open(Retention::default());
        store
            .record_question(&question(text, Kind::Unknown, T0))
            .unwrap();
    }
    let store = b.open(Retention::default());
    assert_eq!(texts(&*store), ["first", "second"]);
}

/// A long question is kept cut to [`super::MAX_TEXT_CHARS`].
pub fn long_questions_are_cut(b: &dyn Backend) {
    let store = b.open(Retention::default());
    let long = "ә".repeat(5000);
    store
        .record_question(&question(&long, Kind::Unknown, T0))
        .unwrap();
    let q = store.journal(None).unwrap().remove(0).question.unwrap();
    assert_eq!(q.chars().count(), super::MAX_TEXT_CHARS);
}

/// Retention by age drops old journal entries and old days' counters.
pub fn prune_drops_old_entries(b: &dyn Backend) {
    let store = b.open(retention(1000));
    let now = T0 + 1000 * DAY_SECS;
    for age_days in [500, 100, 91, 90, 10, 0] {
        let text = format!("{age_days} days old");
        store
            .record_question(&question(&text, Kind::Unknown, now - age_days * DAY_SECS))
            .unwrap();
    }
    store.flush().unwrap();
    assert_eq!(store.stats(None).unwrap().len(), 6);
    assert_eq!(store.prune(now).unwrap(), 3);
    assert_eq!(texts(&*store), ["90 days old", "10 days old", "0 days old"]);
    store.flush().unwrap();
    let days: Vec<i64> = store.stats(None).unwrap().iter().map(|d| d.day).collect();
    assert_eq!(days.len(), 5, "{days:?}");
    assert!(days.iter().all(|&d| d >= day_of(now) - 400));
    // Nothing to drop: nothing dropped.
    assert_eq!(store.prune(now).unwrap(), 0);
}

/// Retention by count keeps the newest entries.
pub fn prune_keeps_the_newest_entries(b: &dyn Backend) {
    let store = b.open(retention(5));
    for i in 0..12 {
        store
            .record_question(&question(&format!("q{i}"), Kind::Unknown, T0 + i))
            .unwrap();
    }
    assert_eq!(store.prune(T0 + 20).unwrap(), 7);
    assert_eq!(texts(&*store), ["q7", "q8", "q9", "q10", "q11"]);
}

/// Threads recording at once lose no count and no journal entry.
pub fn concurrent_recording_counts_exactly(b: &dyn Backend) {
    const THREADS: usize = 4;
    const EACH: usize = 5_000;
    {
        let store: Arc<dyn Store> = Arc::from(b.open(Retention::default()));
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
    let store = b.open(Retention::default());
    let c = totals(&*store);
    let n = (THREADS * EACH) as u64;
    assert_eq!(c.kinds.total(), n);
    assert_eq!(c.kinds.unknown, n / 5);
    assert_eq!(c.kinds.answered, n - n / 5);
    assert_eq!(c.topics["kurultai"].answered, n - n / 5);
    assert_eq!(c.up + c.down, n / 10);
    assert_eq!(c.up, n / 20);
    assert_eq!(c.reloads_ok, n / 100);
    assert_eq!(store.stats(None).unwrap().len(), 3);
    assert_eq!(store.journal(None).unwrap().len() as u64, n / 5 + n / 20);
}
