//! What recording one event costs the bot (`SledStore`).
//!
//! Run: `cargo bench --bench store`.
//!
//! - `baseline/sled-insert`: one `Tree::insert` of a 16-byte key and a
//!   150-byte value (what one journal entry costs sled), the tree cleared
//!   every 10,000 inserts: the unanswered path is read as a ratio to it.
//! - `baseline/mutex-increment`: lock a `Mutex<u64>`, add one: the answered
//!   path is read as a ratio to it.
//! - `record/answered`: `record_question` for an answered question: counters
//!   in memory only.
//! - `record/unanswered`: `record_question` for an unanswered one: counters
//!   plus one journal insert (JSON). `prune` runs every 10,000 events with a
//!   10,000-entry limit, so the journal stays the size the bot keeps and the
//!   pruning is paid for in the figure.
//! - `record/mix-2-threads`: two threads recording at once, one unanswered
//!   question in ten, one 👍/👎 in twenty: the time per event.
//!
//! Every store writes its counters every 10 s (the default) and is backed by
//! a temporary sled database with the knowledge base's settings.

use atazan::reply::Kind;
use atazan::store::{FeedbackEvent, QuestionEvent, Retention, SledStore, Store};
use atazan::Lang;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod common;

/// 2026-11-30 00:00 UTC.
const T0: i64 = 1_795_996_800;

fn db() -> sled::Db {
    sled::Config::new()
        .temporary(true)
        .cache_capacity(16 * 1024 * 1024)
        .flush_every_ms(None)
        .open()
        .expect("temporary sled")
}

fn store(db: &sled::Db) -> SledStore {
    SledStore::open(db, Retention::default()).expect("store")
}

/// The time of the `i`th event: a thousand events a second.
fn at(i: u64) -> i64 {
    T0 + (i / 1000) as i64
}

/// The `i`th event of the mix: one question in ten unanswered.
fn event(i: u64) -> QuestionEvent<'static> {
    question(i.is_multiple_of(10), at(i))
}

/// The referendum question, answered or not, asked `at`.
fn question(unanswered: bool, at: i64) -> QuestionEvent<'static> {
    QuestionEvent {
        text: "сколько стоит провести референдум в Казахстане?",
        lang: Lang::Ru,
        at,
        kind: if unanswered {
            Kind::Unknown
        } else {
            Kind::Answer
        },
        topic: (!unanswered).then_some("referendum"),
        passage: (!unanswered).then_some("referendum-vote"),
        best: Some("referendum-vote"),
        score: 0.42,
    }
}

fn bench_baseline(c: &mut Criterion) {
    let db = db();
    let tree = db.open_tree("baseline").unwrap();
    let value = [b'x'; 150];
    let mut i = 0u64;
    c.bench_function("baseline/sled-insert", |b| {
        b.iter(|| {
            i += 1;
            let mut key = [0u8; 16];
            key[8..].copy_from_slice(&i.to_be_bytes());
            tree.insert(key, &value[..]).unwrap();
            if i.is_multiple_of(10_000) {
                tree.clear().unwrap();
            }
        })
    });
}

fn bench_mutex(c: &mut Criterion) {
    let m = std::sync::Mutex::new(0u64);
    c.bench_function("baseline/mutex-increment", |b| {
        b.iter(|| *black_box(&m).lock().unwrap() += 1)
    });
}

fn bench_record(c: &mut Criterion) {
    let db = db();
    let s = store(&db);
    let mut i = 0u64;
    c.bench_function("record/answered", |b| {
        b.iter(|| {
            i += 1;
            s.record_question(black_box(&question(false, at(i))))
                .unwrap();
        })
    });
    let mut i = 0u64;
    c.bench_function("record/unanswered", |b| {
        b.iter(|| {
            i += 1;
            let e = question(true, at(i));
            s.record_question(black_box(&e)).unwrap();
            if i.is_multiple_of(10_000) {
                s.prune(e.at).unwrap();
            }
        })
    });
    let s = Arc::new(store(&db));
    c.bench_function("record/mix-2-threads", |b| {
        b.iter_custom(|iters| {
            let started = Instant::now();
            std::thread::scope(|scope| {
                for t in 0..2u64 {
                    let s = Arc::clone(&s);
                    scope.spawn(move || {
                        for i in (t..iters).step_by(2) {
                            let e = event(i);
                            s.record_question(&e).unwrap();
                            if i % 20 == 1 {
                                s.record_feedback(&FeedbackEvent {
                                    up: i % 40 == 1,
                                    passage: "referendum-vote",
                                    topic: Some("referendum"),
                                    question: Some(e.text),
                                    lang: e.lang,
                                    at: e.at,
                                    best: e.best,
                                    score: Some(e.score),
                                })
                                .unwrap();
                            }
                            if i % 10_000 == 0 {
                                s.prune(e.at).unwrap();
                            }
                        }
                    });
                }
            });
            started.elapsed()
        })
    });
}

criterion_group! {
    name = benches;
    config = common::criterion(Duration::from_secs(3));
    targets = bench_baseline, bench_mutex, bench_record
}
criterion_main!(benches);
