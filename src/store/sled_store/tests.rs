use super::*;
use crate::kb::Kb;
use crate::search::Kind;
use crate::store::contract::{self, feedback, question, Backend, T0};
use std::path::Path;

fn open(dir: &Path) -> (Kb, SledStore) {
    let kb = Kb::open(dir).expect("open kb");
    let store = SledStore::open(kb.db(), Retention::default()).expect("open store");
    (kb, store)
}

/// The store's contract over a data folder, reopened through [`Kb`] as the
/// bot does.
struct Folder(tempfile::TempDir);

impl Folder {
    fn new() -> Folder {
        Folder(tempfile::tempdir().unwrap())
    }
}

/// A store with the knowledge base whose database it uses.
struct WithKb {
    store: SledStore,
    _kb: Kb,
}

impl Store for WithKb {
    fn language(&self, user: u64) -> Result<Option<Lang>, StoreError> {
        self.store.language(user)
    }
    fn set_language(&self, user: u64, lang: Option<Lang>) -> Result<(), StoreError> {
        self.store.set_language(user, lang)
    }
    fn record_question(&self, q: &QuestionEvent<'_>) -> Result<(), StoreError> {
        self.store.record_question(q)
    }
    fn record_feedback(&self, f: &FeedbackEvent<'_>) -> Result<(), StoreError> {
        self.store.record_feedback(f)
    }
    fn record_reload(&self, at: i64, ok: bool) -> Result<(), StoreError> {
        self.store.record_reload(at, ok)
    }
    fn journal(&self, since: Option<i64>) -> Result<Vec<JournalEntry>, StoreError> {
        self.store.journal(since)
    }
    fn stats(&self, since: Option<i64>) -> Result<Vec<DayStats>, StoreError> {
        self.store.stats(since)
    }
    fn prune(&self, now: i64) -> Result<usize, StoreError> {
        self.store.prune(now)
    }
    fn flush(&self) -> Result<(), StoreError> {
        self.store.flush()
    }
}

impl Backend for Folder {
    fn open(&self, retention: Retention) -> Box<dyn Store> {
        let kb = Kb::open(self.0.path()).expect("open kb");
        let store = SledStore::open(kb.db(), retention).expect("open store");
        Box::new(WithKb { store, _kb: kb })
    }
}

/// One test a contract function, each over a fresh data folder.
macro_rules! contract_tests {
    ($($check:ident),* $(,)?) => {
        $(
            #[test]
            fn $check() {
                contract::$check(&Folder::new());
            }
        )*
    };
}

contract_tests!(
    language_persists_across_reopen,
    counters_merge_across_reopen,
    journal_keeps_unanswered_and_dislikes_oldest_first,
    journal_continues_after_reopen,
    long_questions_are_cut,
    prune_drops_old_entries,
    prune_keeps_the_newest_entries,
    concurrent_recording_counts_exactly,
);

#[test]
fn every_contract_function_runs_here() {
    // The list the PostgreSQL tests run and the tests above stay one set.
    assert_eq!(contract::ALL.len(), 8);
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
fn journal_len_follows_inserts_and_prunes() {
    let db = sled::Config::new().temporary(true).open().unwrap();
    let retention = contract::retention(5);
    let store = SledStore::open(&db, retention).unwrap();
    for i in 0..12 {
        store
            .record_question(&question(&format!("q{i}"), Kind::Unknown, T0 + i))
            .unwrap();
    }
    store
        .record_question(&question("answered", Kind::Answer, T0))
        .unwrap();
    assert_eq!(store.journal_len(), 12);
    assert_eq!(store.prune(T0 + 20).unwrap(), 7);
    assert_eq!(store.journal_len(), 5);
    assert_eq!(db.open_tree("journal").unwrap().len(), 5);
    drop(store);
    let store = SledStore::open(&db, retention).unwrap();
    assert_eq!(store.journal_len(), 5);
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
fn keys_sort_like_times() {
    let times = [i64::MIN, -5, -1, 0, 1, T0, i64::MAX];
    for w in times.windows(2) {
        assert!(journal_key(w[0], 9) < journal_key(w[1], 0));
        assert_eq!(decode_i64(&encode_i64(w[0])), Some(w[0]));
    }
    assert_eq!(decode_journal_key(&journal_key(-3, 7)), Some((-3, 7)));
}
