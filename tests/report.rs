//! `atazan unanswered` and `atazan stats` against a data folder seeded through
//! the library (`Kb::open` + `SledStore`), as the bot would leave it.
//!
//! - `unanswered`: groups near-duplicates, most frequent first; `--top`,
//!   `--since`, `--json` (one document).
//! - `stats`: totals, per topic, language and day; `--since`, `--json`.
//! - Errors an operator can act on: no data folder, a folder in use by a
//!   running bot, a date that is not YYYY-MM-DD.

mod common;

use atazan::kb::Kb;
use atazan::reply::Kind;
use atazan::store::{FeedbackEvent, QuestionEvent, Retention, SledStore, Store};
use atazan::Lang;
use common::{atazan, run, Run};
use serde_json::Value;
use std::path::Path;

/// 2026-11-30 00:00 UTC.
const T0: i64 = 1_795_996_800;
const DAY: i64 = 86_400;

fn question(text: &str, lang: Lang, at: i64, kind: Kind) -> QuestionEvent<'_> {
    let answered = kind.answered();
    QuestionEvent {
        text,
        lang,
        at,
        kind,
        topic: answered.then_some("kurultai"),
        passage: answered.then_some("kurultai-size"),
        best: Some(if answered {
            "kurultai-size"
        } else {
            "referendum-vote"
        }),
        score: if answered { 0.9 } else { 0.25 },
    }
}

/// A data folder with two days of a bot's life.
fn seed(data: &Path) {
    let kb = Kb::open(data).unwrap();
    let store = SledStore::open(kb.db(), Retention::default()).unwrap();
    let events = [
        ("погода?", Lang::Ru, T0 + 3_600, Kind::OutOfScope),
        ("Погода", Lang::Ru, T0 + 7_200, Kind::OutOfScope),
        ("погода ?", Lang::Ru, T0 + DAY + 60, Kind::OutOfScope),
        (
            "сколько стоит референдум",
            Lang::Ru,
            T0 + 600,
            Kind::Unknown,
        ),
        (
            "Құрылтайда қанша депутат?",
            Lang::Kk,
            T0 + 700,
            Kind::Answer,
        ),
        ("how many MPs", Lang::En, T0 + DAY + 800, Kind::Answer),
        ("сәлем", Lang::Kk, T0 + 900, Kind::Greeting),
    ];
    for (text, lang, at, kind) in events {
        store
            .record_question(&question(text, lang, at, kind))
            .unwrap();
    }
    store
        .record_feedback(&FeedbackEvent {
            up: false,
            passage: "kurultai-size",
            topic: Some("kurultai"),
            question: Some("how many MPs"),
            lang: Lang::En,
            at: T0 + DAY + 900,
            best: Some("kurultai-size"),
            score: Some(0.9),
        })
        .unwrap();
    store.record_reload(T0 + 1_000, true).unwrap();
    store.record_reload(T0 + DAY + 1_000, false).unwrap();
    store.flush().unwrap();
}

/// The variable telling [`seed_child`] where to seed.
const SEED_ENV: &str = "ATAZAN_TEST_SEED_DATA";

/// A seeded data folder. The seeding runs in a child process (this test
/// binary, running [`seed_child`]): sled's IO threads may hold the folder's
/// lock a moment after the handles are dropped, and only an exited process
/// surely released it, as a bot that stopped has.
fn seeded() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut child = std::process::Command::new(std::env::current_exe().unwrap());
    child
        .args(["seed_child", "--exact", "--test-threads=1"])
        .env(SEED_ENV, &data);
    let r = run(&mut child, b"");
    assert!(r.ok(), "seeding failed:\n{}\n{}", r.stdout, r.stderr);
    assert!(data.is_dir(), "the child seeded nothing:\n{}", r.stdout);
    (tmp, data)
}

/// Seeds the folder named by `ATAZAN_TEST_SEED_DATA` when [`seeded`] runs
/// it in a child process; does nothing as a test of its own.
#[test]
fn seed_child() {
    if let Some(data) = std::env::var_os(SEED_ENV) {
        seed(Path::new(&data));
    }
}

fn report(data: &Path, args: &[&str]) -> Run {
    run(atazan().arg("--data").arg(data).args(args), b"")
}

/// A report in text, which must succeed and show every line of `shown`.
fn text_report(data: &Path, args: &[&str], shown: &[&str]) -> String {
    let r = report(data, args);
    assert!(r.ok(), "{}", r.stderr);
    let out = r.stdout;
    for line in shown {
        assert!(out.contains(line), "{line}: {out}");
    }
    out
}

fn json(r: &Run) -> Value {
    assert!(r.ok(), "failed: {}", r.stderr);
    assert_eq!(r.lines().len(), 1, "one JSON document:\n{}", r.stdout);
    serde_json::from_str(&r.stdout).unwrap()
}

#[test]
fn unanswered_groups_and_ranks_questions() {
    let (_tmp, data) = seeded();
    let out = text_report(
        &data,
        &["unanswered"],
        &[
            "Unanswered questions and 👎: 5 in 3 group(s)",
            // The three spellings of "погода" are one group, listed first with
            // its latest wording.
            "1. 3 times: \"погода ?\"",
            "refused as off-topic 3 · ru · 2026-11-30 01:00 – 2026-12-01 00:01 UTC",
            "closest passage: referendum-vote",
            "once: \"сколько стоит референдум\"",
            "once: \"how many MPs\"",
            "👎 1 · en",
        ],
    );
    // Answered questions and small talk are never written down.
    for never in ["Құрылтайда", "сәлем"] {
        assert!(!out.contains(never), "{never}: {out}");
    }

    let r = report(&data, &["unanswered", "--top", "1"]);
    assert!(r.stdout.contains("1 shown"), "{}", r.stdout);
    assert!(!r.stdout.contains("2. "));
}

#[test]
fn unanswered_json_and_since() {
    let (_tmp, data) = seeded();
    let v = json(&report(&data, &["unanswered", "--json"]));
    assert_eq!(v["entries"], 5);
    assert_eq!(v["groups_total"], 3);
    let g = &v["groups"][0];
    assert_eq!(g["count"], 3);
    assert_eq!(g["question"], "погода ?");
    assert_eq!(g["out_of_scope"], 3);
    assert_eq!(g["langs"], serde_json::json!(["ru"]));
    assert_eq!(g["first_seen"], T0 + 3_600);
    assert_eq!(g["best"], "referendum-vote");
    assert_eq!(g["best_mean_score"], 0.25);

    let v = json(&report(
        &data,
        &["unanswered", "--json", "--since", "2026-12-01"],
    ));
    assert_eq!(v["entries"], 2);
    let questions = common::strings_of(&v["groups"], "question");
    assert_eq!(questions, ["how many MPs", "погода ?"]);
}

#[test]
fn stats_in_text_and_json() {
    let (_tmp, data) = seeded();
    text_report(
        &data,
        &["stats"],
        &[
            "Statistics, 2026-11-30 to 2026-12-01 (UTC)",
            "Questions: 6, of which 2 answered from the content (33 %).",
            "not counted as questions: small talk 1, empty 0",
            "Feedback: 👍 0  👎 1  (0 % positive)",
            "Content reloads: 1 went live, 1 refused",
            "2026-11-30",
            "2026-12-01",
        ],
    );

    let v = json(&report(&data, &["stats", "--json"]));
    assert_eq!(v["totals"]["questions"], 7);
    assert_eq!(v["totals"]["asked"], 6);
    assert_eq!(v["totals"]["answered"], 2);
    assert_eq!(v["totals"]["kinds"]["out_of_scope"], 3);
    assert_eq!(v["topics"][0]["topic"], "kurultai");
    assert_eq!(v["topics"][0]["answered"], 2);
    assert_eq!(v["topics"][0]["down"], 1);
    assert_eq!(v["langs"][0]["lang"], "kk");
    assert_eq!(v["langs"][0]["asked"], 1);
    assert_eq!(v["days"].as_array().unwrap().len(), 2);

    let v = json(&report(
        &data,
        &["stats", "--json", "--since", "2026-12-01"],
    ));
    assert_eq!(v["first_day"], "2026-12-01");
    assert_eq!(v["totals"]["asked"], 2);
    assert_eq!(v["totals"]["reloads_failed"], 1);
    assert_eq!(v["totals"]["reloads_ok"], 0);
}

#[test]
fn an_empty_data_folder_reports_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let r = report(&data, &["unanswered"]);
    assert!(r.ok(), "{}", r.stderr);
    assert!(r.stdout.starts_with("No unanswered questions"));
    let r = report(&data, &["stats"]);
    assert!(r.ok(), "{}", r.stderr);
    assert!(r.stdout.starts_with("No questions"));
}

#[test]
fn errors_say_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nowhere");
    let r = report(&missing, &["stats"]);
    assert!(!r.ok());
    assert!(r.stderr.contains("no data folder here"), "{}", r.stderr);
    assert!(!missing.exists(), "a report must not create a data folder");

    let (_tmp, data) = seeded();
    // A running bot holds the folder.
    let _held = Kb::open(&data).unwrap();
    // Its ops server is not there (a free port): the report says both.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let r = run(
        atazan()
            .env("ATAZAN_HTTP", format!("127.0.0.1:{port}"))
            .arg("--data")
            .arg(&data)
            .arg("unanswered"),
        b"",
    );
    assert!(!r.ok());
    assert!(r.stderr.contains("in use by a running bot"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("127.0.0.1:{port}")),
        "{}",
        r.stderr
    );

    let r = report(&data, &["stats", "--since", "30.11.2026"]);
    assert!(!r.ok());
    assert!(r.stderr.contains("YYYY-MM-DD"), "{}", r.stderr);
}

#[test]
fn help_documents_the_json_form() {
    let r = run(atazan().args(["unanswered", "--help"]), b"");
    assert!(r.ok());
    assert!(r.stdout.contains("--since <YYYY-MM-DD>"));
    assert!(r.stdout.contains("--top <N>"));
    assert!(r.stdout.contains("one JSON document"));
}
