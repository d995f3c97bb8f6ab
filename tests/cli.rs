//! The `atazan` command line against the real content (SPEC "Command line").
//!
//! - `ask --json`: the SPEC fields and their types, the answer language
//!   (Kazakh in Cyrillic and in Latin letters, Russian, English, `--lang`),
//!   off-topic refusal, the neutrality route.
//! - `ask` batch mode: one output line per input line, in order, whatever the
//!   line holds (empty, emoji, 100 KB, invalid UTF-8, SQL, CRLF); plain mode too.
//! - `export`: JSON lines, three languages per passage, every passage present.
//! - `chat`: topics, a passage picked by number, a free-text answer, `/lang`,
//!   `/quit` and end of input.
//! - `atazan` without a subcommand or token (terminal chat plus a hint), and
//!   `atazan run` without a token (an error naming TELOXIDE_TOKEN).
//!
//! Every run gets its own `--data` folder and fails on a panic.

mod common;

use atazan::i18n::{t, Msg};
use atazan::Lang;
use common::{atazan, passage_files, real_content, run, Run};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// `atazan --content <real> --data <fresh> ARGS`, with `stdin`.
fn atazan_run(args: &[&str], stdin: &[u8]) -> (Run, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = atazan();
    cmd.arg("--content")
        .arg(real_content())
        .arg("--data")
        .arg(tmp.path().join("data"))
        .args(args);
    (run(&mut cmd, stdin), tmp)
}

/// `ask --json [extra] QUESTION`: the one JSON object printed.
fn ask_json(question: &str, extra: &[&str]) -> Value {
    let mut args = vec!["ask", "--json"];
    args.extend_from_slice(extra);
    args.push(question);
    let (r, _tmp) = atazan_run(&args, b"");
    assert!(r.ok(), "ask failed: {}", r.stderr);
    let lines = r.lines();
    assert_eq!(lines.len(), 1, "one line per question:\n{}", r.stdout);
    serde_json::from_str(lines[0]).unwrap_or_else(|e| panic!("not JSON ({e}): {}", lines[0]))
}

/// Every passage id of the content, from its file names.
fn passage_ids() -> BTreeSet<String> {
    passage_files(&real_content())
        .iter()
        .map(|p| common::id_of(p))
        .collect()
}

fn has_cyrillic(s: &str) -> bool {
    s.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

/// Asserts the SPEC shape of an `ask --json` object.
fn assert_reply_shape(v: &Value) {
    let o = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"));
    for key in [
        "answered",
        "topic",
        "passage",
        "lang",
        "score",
        "text",
        "suggestions",
    ] {
        assert!(o.contains_key(key), "missing `{key}` in {v}");
    }
    let answered = v["answered"].as_bool().expect("answered is a bool");
    let score = v["score"].as_f64().expect("score is a number");
    assert!((0.0..=1.0).contains(&score), "score {score} not in 0..=1");
    let lang = v["lang"].as_str().expect("lang is a string");
    assert!(["kk", "ru", "en"].contains(&lang), "lang {lang}");
    assert!(
        !v["text"]
            .as_str()
            .expect("text is a string")
            .trim()
            .is_empty(),
        "empty text: {v}"
    );
    let ids = passage_ids();
    for s in v["suggestions"]
        .as_array()
        .expect("suggestions is an array")
    {
        let s = s.as_str().expect("a suggestion is a string");
        assert!(ids.contains(s), "suggestion `{s}` is not a passage id");
    }
    if answered {
        let passage = v["passage"].as_str().expect("passage is a string");
        assert!(ids.contains(passage), "unknown passage `{passage}`");
        let topic = v["topic"].as_str().expect("topic is a string");
        assert!(!topic.is_empty());
    } else {
        assert!(v["topic"].is_null(), "topic must be null: {v}");
        assert!(v["passage"].is_null(), "passage must be null: {v}");
    }
}

#[test]
fn ask_json_has_the_spec_fields() {
    let v = ask_json("сколько депутатов будет в курултае", &[]);
    assert_reply_shape(&v);
    assert_eq!(v["answered"], true);
    assert_eq!(v["topic"], "kurultai");
    assert!(v["text"].as_str().unwrap().contains("145"), "{v}");
}

/// The stdout lines of `r`, each a JSON object, asserting there are `n`: one
/// per question asked.
fn json_lines(r: &Run, n: usize) -> Vec<Value> {
    let out: Vec<Value> = r
        .lines()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert_eq!(out.len(), n, "one line per question:\n{}", r.stdout);
    out
}

/// `ask --json [extra]` with one question per stdin line: the JSON objects.
fn ask_batch(questions: &[&str], extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["ask", "--json"];
    args.extend_from_slice(extra);
    let input: String = questions.iter().map(|q| format!("{q}\n")).collect();
    let (r, _tmp) = atazan_run(&args, input.as_bytes());
    assert!(r.ok(), "ask failed: {}", r.stderr);
    json_lines(&r, questions.len())
}

#[test]
fn ask_answers_in_the_language_of_the_question() {
    let cases = [
        ("Құрылтайда қанша депутат болады?", "kk"),
        ("сколько депутатов будет в курултае", "ru"),
        ("how many MPs will the new parliament have", "en"),
        ("qurultaida qansha deputat bar", "kk"),
    ];
    let questions: Vec<&str> = cases.iter().map(|c| c.0).collect();
    for ((q, lang), v) in cases.iter().zip(ask_batch(&questions, &[])) {
        assert_reply_shape(&v);
        assert_eq!(v["lang"], *lang, "{q}: {v}");
        assert_eq!(v["answered"], true, "{q}: {v}");
        assert_eq!(v["topic"], "kurultai", "{q}: {v}");
        let text = v["text"].as_str().unwrap();
        assert_eq!(
            has_cyrillic(text),
            *lang != "en",
            "{q}: text in {lang}: {text}"
        );
    }
}

#[test]
fn ask_lang_overrides_the_question_language() {
    let out = ask_batch(
        &[
            "Құрылтайда қанша депутат болады?",
            "сколько депутатов в курултае",
        ],
        &["--lang", "en"],
    );
    for v in out {
        assert_reply_shape(&v);
        assert_eq!(v["lang"], "en", "{v}");
        assert_eq!(v["topic"], "kurultai", "{v}");
        assert!(!has_cyrillic(v["text"].as_str().unwrap()), "{v}");
    }
}

#[test]
fn ask_rejects_an_unknown_lang() {
    let (r, _tmp) = atazan_run(&["ask", "--lang", "de", "hello"], b"");
    assert!(!r.ok());
    assert!(
        r.stderr.contains("`de`") || r.stderr.contains("'de'"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "no answer: {}", r.stdout);
}

#[test]
fn off_topic_question_is_not_answered() {
    let v = ask_json("погода в Алматы завтра", &[]);
    assert_reply_shape(&v);
    assert_eq!(v["answered"], false, "{v}");
    assert!(v["topic"].is_null() && v["passage"].is_null(), "{v}");
    assert_eq!(v["lang"], "ru");
}

#[test]
fn voting_advice_gets_the_about_topic() {
    let v = ask_json("how should I vote?", &[]);
    assert_reply_shape(&v);
    assert_eq!(v["answered"], true, "{v}");
    assert_eq!(v["topic"], "about", "{v}");
    assert_eq!(v["lang"], "en");
}

#[test]
fn batch_gives_one_line_per_question_in_order() {
    let big = "курултай депутат ".repeat(6100); // ~100 KB of UTF-8
    assert!(big.len() >= 100 * 1024);
    let lines: Vec<Vec<u8>> = vec![
        "сколько депутатов будет в курултае".into(),
        Vec::new(),
        "😀🎉🇰🇿".into(),
        big.into(),
        b"\xff\xfe\xc3\x28 qurultai \x80".to_vec(),
        b"'; DROP TABLE passages; -- \" OR 1=1 /*".to_vec(),
        b"how many MPs\r".to_vec(),
        "Құрылтайда қанша депутат болады?\r".into(),
        b"how many MPs".to_vec(),
    ];
    let mut input = Vec::new();
    for l in &lines {
        input.extend_from_slice(l);
        input.push(b'\n');
    }
    let (r, _tmp) = atazan_run(&["ask", "--json"], &input);
    assert!(r.ok(), "exit {:?}: {}", r.status, r.stderr);
    let out = json_lines(&r, lines.len());
    for v in &out {
        assert_reply_shape(v);
    }
    assert_eq!(out[0]["lang"], "ru");
    assert_eq!(out[0]["topic"], "kurultai");
    assert_eq!(out[1]["answered"], false, "empty line: {}", out[1]);
    assert_eq!(out[2]["answered"], false, "emoji: {}", out[2]);
    assert_eq!(out[6]["lang"], "en");
    assert_eq!(out[6]["topic"], "kurultai");
    assert_eq!(out[6], out[8], "a CRLF line answers like the bare line");
    assert_eq!(out[7]["lang"], "kk");
    assert_eq!(out[7]["topic"], "kurultai");
}

#[test]
fn batch_whole_file_with_windows_line_endings() {
    let input = "how many MPs\r\nсколько депутатов в курултае\r\n\r\nqurultai qansha deputat\r\n";
    let (r, _tmp) = atazan_run(&["ask", "--json"], input.as_bytes());
    assert!(r.ok());
    let langs: Vec<String> = r
        .lines()
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["lang"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(langs.len(), 4, "{}", r.stdout);
    assert_eq!(&langs[..2], ["en", "ru"]);
    assert_eq!(langs[3], "kk");
}

#[test]
fn plain_mode_prints_one_line_per_question() {
    let (r, _tmp) = atazan_run(
        &["ask"],
        // The last line has no newline: it is a question all the same.
        "сколько депутатов в курултае\n\nпогода в Алматы завтра\nhow should I vote?".as_bytes(),
    );
    assert!(r.ok(), "{}", r.stderr);
    let lines = r.lines();
    assert_eq!(lines.len(), 4, "{}", r.stdout);
    assert!(lines.iter().all(|l| !l.trim().is_empty()), "{}", r.stdout);
    assert!(lines[0].contains("145"), "{}", lines[0]);
    assert!(!lines[2].contains("145"), "{}", lines[2]);
    let (r, _tmp) = atazan_run(&["ask", "how", "many", "MPs"], b"");
    assert!(r.ok());
    assert_eq!(r.lines().len(), 1, "{}", r.stdout);
    assert!(r.stdout.contains("145"), "{}", r.stdout);
}

#[test]
fn export_prints_every_passage_in_three_languages() {
    let (r, _tmp) = atazan_run(&["export"], b"");
    assert!(r.ok(), "{}", r.stderr);
    let mut langs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in r.lines() {
        let v: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        for key in ["id", "topic", "lang", "title", "text"] {
            let s = v[key]
                .as_str()
                .unwrap_or_else(|| panic!("`{key}` is not a string: {line}"));
            assert!(!s.trim().is_empty(), "empty `{key}`: {line}");
        }
        let qs = v["questions"].as_array().expect("questions is an array");
        assert!(!qs.is_empty(), "{line}");
        assert!(qs.iter().all(Value::is_string), "{line}");
        // Every passage but the bot's own statements traces to facts, and
        // every source it rests on to a publisher, a date and a URL.
        let facts = v["facts"].as_array().expect("facts is an array");
        if v["topic"] != "about" {
            assert!(!facts.is_empty(), "no facts: {line}");
        }
        for src in v["sources"].as_array().expect("sources is an array") {
            for key in ["id", "publisher", "date", "url"] {
                assert!(
                    src[key].as_str().is_some_and(|s| !s.is_empty()),
                    "source without `{key}`: {line}"
                );
            }
            assert!(src["url"].as_str().unwrap().starts_with("http"), "{line}");
        }
        if let Some(sub) = v.get("subtopic") {
            assert!(sub.as_str().is_some_and(|s| !s.is_empty()), "{line}");
        }
        let id = v["id"].as_str().unwrap().to_string();
        // The topic is the folder the passage sits in.
        let file: PathBuf = real_content()
            .join("passages")
            .join(v["topic"].as_str().unwrap())
            .join(format!("{id}.md"));
        assert!(file.is_file(), "{} does not exist", file.display());
        langs
            .entry(id)
            .or_default()
            .push(v["lang"].as_str().unwrap().to_string());
    }
    let ids: BTreeSet<String> = langs.keys().cloned().collect();
    assert_eq!(ids, passage_ids(), "every passage of the content, no other");
    for (id, mut l) in langs {
        l.sort();
        assert_eq!(l, ["en", "kk", "ru"], "{id}: one line per language");
    }
}

#[test]
fn chat_browses_topics_and_answers() {
    let content = atazan::content::ContentFiles::read(&real_content())
        .unwrap()
        .parse()
        .unwrap();
    let (r, _tmp) = atazan_run(
        &["chat"],
        "/topics\n1\n1\nсколько депутатов в курултае\n/lang en\n/quit\n".as_bytes(),
    );
    assert!(r.ok(), "{}", r.stderr);
    // The chat prints "\n> " before reading each line: the output splits into
    // the greeting and one segment per input line.
    let seg: Vec<&str> = r.stdout.split("\n> ").collect();
    assert_eq!(seg.len(), 7, "greeting + 6 prompts:\n{}", r.stdout);
    let first_topic = &content.topics[0];
    for s in [seg[0], seg[1]] {
        for topic in &content.topics {
            assert!(
                s.contains(topic.title.get(Lang::Kk).as_str()),
                "topic list:\n{s}"
            );
        }
    }
    // "1": the passages of the first topic, and its sub-topics.
    let passages: Vec<_> = content
        .passages_of(&first_topic.id)
        .filter(|p| p.subtopic.is_none())
        .collect();
    for s in content.subtopics_of(&first_topic.id) {
        assert!(seg[2].contains(s.title.kk.as_str()), "{}", seg[2]);
    }
    for p in &passages {
        assert!(
            seg[2].contains(p.text.kk.title.as_str()),
            "passage menu:\n{}",
            seg[2]
        );
    }
    // "1" again: the first passage itself.
    assert!(
        seg[3].contains(passages[0].text.kk.body.as_str()),
        "passage:\n{}",
        seg[3]
    );
    // The question: a Russian answer with the number.
    assert!(seg[4].contains("145"), "answer:\n{}", seg[4]);
    assert!(
        seg[4].contains("Курултай") || seg[4].contains("курултай"),
        "{}",
        seg[4]
    );
    assert!(
        seg[5].contains(t(Msg::LangSwitched, Lang::En)),
        "{}",
        seg[5]
    );
    assert!(
        seg[6].trim().is_empty(),
        "nothing after /quit: {:?}",
        seg[6]
    );
}

#[test]
fn chat_ends_cleanly_at_end_of_input() {
    let (r, _tmp) = atazan_run(&["chat"], "how many MPs".as_bytes());
    assert!(r.ok(), "{:?} {}", r.status, r.stderr);
    assert!(r.stdout.contains("145"), "{}", r.stdout);
}

#[test]
fn no_subcommand_without_token_runs_the_terminal_chat() {
    let (r, _tmp) = atazan_run(&[], b"/quit\n");
    assert!(r.ok(), "{:?} {}", r.status, r.stderr);
    assert!(
        r.stderr.lines().any(|l| l.contains("TELOXIDE_TOKEN")),
        "stderr should say how to connect Telegram:\n{}",
        r.stderr
    );
    assert!(
        r.stdout.contains(t(Msg::Welcome, Lang::Kk)),
        "the chat should greet:\n{}",
        r.stdout
    );
    assert!(r.stdout.contains("\n> "), "a prompt:\n{}", r.stdout);
}

#[test]
fn run_without_token_fails_naming_teloxide_token() {
    let (r, tmp) = atazan_run(&["run"], b"");
    assert!(!r.ok());
    assert!(r.stderr.contains("TELOXIDE_TOKEN"), "{}", r.stderr);
    // A blank token is no token either.
    let mut cmd = atazan();
    cmd.env("TELOXIDE_TOKEN", "  ")
        .arg("--content")
        .arg(real_content())
        .arg("--data")
        .arg(tmp.path().join("data2"))
        .arg("run");
    let r = run(&mut cmd, b"");
    assert!(!r.ok());
    assert!(r.stderr.contains("TELOXIDE_TOKEN"), "{}", r.stderr);
}
