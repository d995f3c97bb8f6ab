//! `atazan check DIR` on broken copies of the real content folder.
//!
//! Each test copies `content/` into a temporary folder, breaks one thing, runs
//! `atazan check` on the copy and asserts a non-zero exit and a
//! `<path>:<line>: <message>` line on stdout that names the edited file, the
//! line computed from the edit, and what is wrong. Also covered: several
//! problems reported at once, the real content passing, a missing folder, and
//! that nothing ever panics (every run goes through `common::run`, which fails
//! on "panicked" in stderr).

mod common;

use common::{first_passage, id_of, run_args, ContentCopy, Run};
use std::path::Path;

/// Asserts the run failed and printed `<file>:<line>: <message>` with a message
/// containing every word of `words` (case-insensitive).
fn assert_diag(run: &Run, file: &Path, line: usize, words: &[&str]) {
    assert!(
        !run.ok(),
        "check should fail, got {:?}\nstdout:\n{}",
        run.status,
        run.stdout
    );
    let prefix = format!("{}:{line}: ", file.display());
    let found = run.lines().into_iter().any(|l| {
        l.strip_prefix(&prefix).is_some_and(|msg| {
            let msg = msg.to_lowercase();
            !msg.trim().is_empty() && words.iter().all(|w| msg.contains(&w.to_lowercase()))
        })
    });
    assert!(
        found,
        "expected a line `{prefix}…` mentioning {words:?}; stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
}

/// A fresh copy, the first passage of `topic` in it, and that passage's text.
fn copy_and_passage(topic: &str) -> (ContentCopy, String, String) {
    let c = ContentCopy::new();
    let rel = first_passage(&c.dir, topic);
    let text = c.read(&rel);
    (c, rel, text)
}

/// A fresh copy and the first passages of topics `a` and `b` in it.
fn copy_and_two_passages(a: &str, b: &str) -> (ContentCopy, String, String) {
    let c = ContentCopy::new();
    let (a, b) = (first_passage(&c.dir, a), first_passage(&c.dir, b));
    (c, a, b)
}

/// Runs `check` on the copy and asserts the diagnostic [`assert_diag`] looks
/// for, in `rel`.
fn assert_check_diag(c: &ContentCopy, rel: &str, line: usize, words: &[&str]) {
    assert_diag(&c.check(), &c.path(rel), line, words);
}

/// Asserts the run printed `n` lines; `what` says which.
fn assert_line_count(run: &Run, n: usize, what: &str) {
    assert_eq!(run.lines().len(), n, "{what}:\n{}", run.stdout);
}

/// The 1-based number of the first line of `text` matching `pred`.
fn line_where(text: &str, pred: impl Fn(&str) -> bool) -> usize {
    text.split('\n')
        .position(pred)
        .map(|i| i + 1)
        .expect("a line matching the predicate")
}

/// Replaces line `n` (1-based) of `text` with `f(old)`.
fn edit_line(text: &str, n: usize, f: impl FnOnce(&str) -> String) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    lines[n - 1] = f(&lines[n - 1]);
    lines.join("\n")
}

/// Replaces line `n` of `rel` in the copy with `f(old)`, runs `check`, and
/// expects a diagnostic in `rel` at line `at` naming `words`.
fn assert_line_edit_diag(
    c: &ContentCopy,
    rel: &str,
    n: usize,
    f: impl FnOnce(&str) -> String,
    at: usize,
    words: &[&str],
) {
    c.write(rel, edit_line(&c.read(rel), n, f));
    assert_check_diag(c, rel, at, words);
}

/// Replaces the front-matter line with the key of `replacement` (`key = …`)
/// in the first passage of `topic`, runs `check`, and expects a diagnostic at
/// that line naming `words`.
fn assert_front_matter_diag(topic: &str, replacement: &str, words: &[&str]) {
    let key = replacement.split(" =").next().expect("`key = value`");
    let c = ContentCopy::new();
    let rel = first_passage(&c.dir, topic);
    let n = line_where(&c.read(&rel), |l| {
        l.trim_start().starts_with(&format!("{key} ="))
    });
    assert_line_edit_diag(&c, &rel, n, |_| replacement.into(), n, words);
}

/// One test per broken front-matter line: `name: topic, replacement, words;`
/// for [`assert_front_matter_diag`].
macro_rules! front_matter_tests {
    ($($name:ident: $topic:expr, $replacement:expr, $words:expr;)*) => {
        $(
            #[test]
            fn $name() {
                assert_front_matter_diag($topic, $replacement, $words);
            }
        )*
    };
}

front_matter_tests! {
    unknown_topic_in_front_matter:
        "kurultai", r#"topic = "no-such-topic""#, &["unknown topic", "no-such-topic"];
    missing_source: "kurultai", "sources = []", &["source"];
    unknown_source_id:
        "referendum", r#"sources = ["no-such-source"]"#, &["unknown source", "no-such-source"];
    related_id_that_does_not_exist:
        "vice-president", r#"related = ["no-such-passage"]"#, &["related", "no-such-passage"];
    // The fact register: passage → fact → source, each link checked.
    passage_without_facts: "kurultai", "facts = []", &["no facts"];
    unknown_fact_id: "referendum", r#"facts = ["F999"]"#, &["unknown fact", "F999"];
}

/// A copy whose topics.toml leaves the string open on kurultai's `id` line,
/// `check` run on it, and that line.
fn unterminated_topic_id() -> (ContentCopy, Run, usize) {
    let c = ContentCopy::new();
    let n = line_where(&c.read("topics.toml"), |l| l.trim() == r#"id = "kurultai""#);
    c.edit("topics.toml", |text| {
        edit_line(&text, n, |_| r#"id = "kurultai"#.into())
    });
    let run = c.check();
    (c, run, n)
}

/// The 1-based line of the `## <lang>:` heading.
fn heading(text: &str, lang: &str) -> usize {
    line_where(text, |l| l.trim_start().starts_with(&format!("## {lang}:")))
}

/// The 1-based lines of answer text (not questions, not blank) in a section.
fn body_lines(text: &str, lang: &str) -> Vec<usize> {
    let start = heading(text, lang);
    text.split('\n')
        .enumerate()
        .skip(start)
        .take_while(|(_, l)| !l.trim_start().starts_with("## "))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('?'))
        .map(|(i, _)| i + 1)
        .collect()
}

#[test]
fn real_content_is_valid() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let content = common::real_content();
    let run = run_args(&[
        "--data",
        data.to_str().unwrap(),
        "check",
        content.to_str().unwrap(),
    ]);
    assert!(run.ok(), "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    // And a copy is just as valid: every other test starts from one.
    let c = ContentCopy::new();
    let run = c.check();
    assert!(run.ok(), "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
}

#[test]
fn missing_folder_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-content");
    let data = tmp.path().join("data");
    let run = run_args(&[
        "--data",
        data.to_str().unwrap(),
        "check",
        missing.to_str().unwrap(),
    ]);
    assert!(!run.ok());
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        all.contains(missing.to_str().unwrap()) && all.to_lowercase().contains("folder"),
        "the error should name the folder: {all}"
    );
}

#[test]
fn toml_syntax_error_in_topics() {
    let (c, run, n) = unterminated_topic_id();
    assert!(!run.ok());
    // The message is the TOML parser's; it must say something, at that line.
    assert_diag(&run, &c.path("topics.toml"), n, &[]);
}

#[test]
fn toml_syntax_error_does_not_claim_present_topics_missing() {
    let (_c, run, _) = unterminated_topic_id();
    assert!(!run.ok());
    let bogus: Vec<&str> = run
        .lines()
        .into_iter()
        .filter(|l| l.contains("required topic `overview` is missing"))
        .collect();
    assert!(
        bogus.is_empty(),
        "`overview` is in topics.toml; only the syntax error should be reported:\n{}",
        run.stdout
    );
}

#[test]
fn duplicate_passage_id_in_two_topic_folders() {
    let (c, rel, text) = copy_and_passage("kurultai");
    let id = id_of(&rel);
    let n = line_where(&text, |l| l.trim_start().starts_with("topic ="));
    let twin = format!("passages/about/{id}.md");
    c.write(&twin, edit_line(&text, n, |_| r#"topic = "about""#.into()));
    let run = c.check();
    assert!(!run.ok());
    // Either copy may carry the report, at line 1 (the file name is the id).
    let on = |rel: &str| format!("{}:1: ", c.path(rel).display());
    let found = run.lines().into_iter().any(|l| {
        (l.starts_with(&on(&rel)) || l.starts_with(&on(&twin)))
            && l.contains("duplicate")
            && l.contains(&id)
    });
    assert!(found, "no duplicate-id line; stdout:\n{}", run.stdout);
}

#[test]
fn missing_translation() {
    let (c, rel, text) = copy_and_passage("kurultai");
    let en = heading(&text, "en");
    let cut: Vec<&str> = text.split('\n').take(en - 1).collect();
    let cut = cut.join("\n");
    c.write(&rel, &cut);
    // Reported at the end of the file, where the section is to be added.
    let last = cut.lines().count();
    assert_check_diag(&c, &rel, last, &["missing", "english"]);
}

#[test]
fn section_with_title_and_questions_but_no_text() {
    let (c, rel, text) = copy_and_passage("kurultai");
    let ru = heading(&text, "ru");
    let drop = body_lines(&text, "ru");
    assert!(!drop.is_empty());
    let kept: Vec<&str> = text
        .split('\n')
        .enumerate()
        .filter(|(i, _)| !drop.contains(&(i + 1)))
        .map(|(_, l)| l)
        .collect();
    c.write(&rel, kept.join("\n"));
    assert_check_diag(&c, &rel, ru, &["ru", "no text"]);
}

#[test]
fn text_over_1000_characters() {
    let (c, rel, text) = copy_and_passage("kurultai");
    let en = heading(&text, "en");
    let first = body_lines(&text, "en")[0];
    let filler = " More plain words.".repeat(60); // 1080 characters
    let words = ["en", "characters", "1000"];
    assert_line_edit_diag(&c, &rel, first, |l| format!("{l}{filler}"), en, &words);
}

#[test]
fn id_too_long_for_telegram_buttons() {
    let c = ContentCopy::new();
    let rel = first_passage(&c.dir, "kurultai");
    let long = format!("kurultai-{}", "x".repeat(51)); // 60 bytes
    assert_eq!(long.len(), 60);
    let long_rel = format!("passages/kurultai/{long}.md");
    c.write(&long_rel, c.read(&rel));
    assert_check_diag(&c, &long_rel, 1, &[&long, "bytes"]);
}

#[test]
fn non_utf8_passage() {
    let (c, rel, text) = copy_and_passage("kurultai");
    let n = body_lines(&text, "kk")[0];
    let mut bytes = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(line.as_bytes());
        if i + 1 == n {
            bytes.extend_from_slice(b" \xff\xfe\xc3\x28");
        }
    }
    c.write(&rel, bytes);
    assert_check_diag(&c, &rel, n, &["utf-8"]);
}

#[test]
fn non_utf8_passage_is_reported_once() {
    let c = ContentCopy::new();
    let rel = first_passage(&c.dir, "kurultai");
    let id = id_of(&rel);
    let linked = common::passage_files(&c.dir)
        .iter()
        .any(|p| *p != rel && c.read(p).contains(&format!("\"{id}\"")));
    assert!(linked, "the test needs a passage other passages link to");
    let mut bytes = c.read(&rel).into_bytes();
    bytes.extend_from_slice(b"\xff\n");
    c.write(&rel, bytes);
    let run = c.check();
    assert!(!run.ok());
    assert_line_count(&run, 1, "only the unreadable file should be reported");
}

/// Makes `rel` in a fresh copy unreadable with `spoil` (given the copy and
/// the file's path), runs `check`, and expects a diagnostic at its line 1
/// naming `word`.
fn assert_unreadable(rel: &str, word: &str, spoil: impl FnOnce(&ContentCopy, &Path)) {
    let c = ContentCopy::new();
    spoil(&c, &c.path(rel));
    assert_check_diag(&c, rel, 1, &[word]);
}

#[test]
fn unreadable_passage_directory_named_md() {
    assert_unreadable("passages/about/x.md", "read", |_, path| {
        std::fs::create_dir_all(path).unwrap()
    });
}

#[test]
fn unreadable_passage_dangling_symlink() {
    assert_unreadable("passages/about/x.md", "cannot read", |c, link| {
        std::os::unix::fs::symlink(c.tmp.path().join("nowhere.md"), link).unwrap()
    });
}

#[test]
fn unreadable_topics_file() {
    assert_unreadable("topics.toml", "cannot read", |_, path| {
        std::fs::remove_file(path).unwrap();
        std::fs::create_dir(path).unwrap();
    });
}

#[test]
fn required_topic_missing_from_topics_toml() {
    let c = ContentCopy::new();
    let text = c.read("topics.toml");
    // Drop the `[[topic]]` block whose id is `commission`.
    let blocks: Vec<&str> = text.split("[[topic]]").collect();
    let kept: Vec<&str> = blocks
        .iter()
        .copied()
        .filter(|b| !b.contains(r#"id = "commission""#))
        .collect();
    assert_eq!(kept.len() + 1, blocks.len(), "one block removed");
    c.write("topics.toml", kept.join("[[topic]]"));
    assert_check_diag(&c, "topics.toml", 1, &["required", "commission"]);
}

#[test]
fn kazakh_letters_in_russian_section() {
    let (c, rel, text) = copy_and_passage("principles");
    let n = body_lines(&text, "ru")[0];
    let kazakh = |l: &str| format!("{l} Құрылтай өкілдері.");
    assert_line_edit_diag(&c, &rel, n, kazakh, n, &["kazakh", "russian"]);
}

#[test]
fn several_problems_are_all_reported() {
    let (c, a, b) = copy_and_two_passages("overview", "commission");
    let ta = c.read(&a);
    let na = line_where(&ta, |l| l.trim_start().starts_with("sources ="));
    c.write(
        &a,
        edit_line(&ta, na, |_| r#"sources = ["no-such-source"]"#.into()),
    );
    let tb = c.read(&b);
    let nb = body_lines(&tb, "en")[0];
    c.write(&b, edit_line(&tb, nb, |l| format!("{l} Мәжіліс.")));
    let run = c.check();
    assert_diag(&run, &c.path(&a), na, &["unknown source"]);
    assert_diag(&run, &c.path(&b), nb, &["kazakh", "english"]);
    assert_line_count(&run, 2, "exactly the two problems");
}

#[test]
fn windows_line_endings_are_valid() {
    let c = ContentCopy::new();
    let mut files = common::passage_files(&c.dir);
    files.extend(
        [
            "topics.toml",
            "sources.toml",
            "synonyms.toml",
            "routing.toml",
        ]
        .map(String::from),
    );
    for rel in files {
        if c.path(&rel).exists() {
            c.write(&rel, c.read(&rel).replace('\n', "\r\n"));
        }
    }
    let run = c.check();
    assert!(run.ok(), "stdout:\n{}", run.stdout);
}

#[test]
fn passage_with_a_byte_order_mark_is_valid() {
    let c = ContentCopy::new();
    let rel = first_passage(&c.dir, "about");
    c.write(&rel, format!("\u{feff}{}", c.read(&rel)));
    let run = c.check();
    assert!(run.ok(), "stdout:\n{}", run.stdout);
}

#[test]
fn garbage_never_panics() {
    // Odd files of every kind: each run must end without a panic and fail.
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("topics.toml", Vec::new()),
        ("sources.toml", b"[[source]]\nid = 7\n".to_vec()),
        ("synonyms.toml", b"[[group]]\nterms = [\"\"]\n".to_vec()),
        ("routing.toml", b"[neutrality]\npassage = \"no-such\"\n".to_vec()),
        ("passages/about/a.md", b"+++\n".to_vec()),
        ("passages/about/b.md", b"+++\n+++\n".to_vec()),
        ("passages/about/c.md", b"\xef\xbb\xbf+++\ntopic = \"about\"\n+++\n".to_vec()),
        (
            "passages/about/d.md",
            "+++\ntopic = \"about\"\nsources = [\"cec\"]\n+++\n## kk:\n## kk: x\n## \n##\n? \n## ru: Ж\n"
                .as_bytes()
                .to_vec(),
        ),
        ("passages/about/e.md", (0..=255u8).cycle().take(5000).collect()),
        ("passages/about/F G.md", b"+++\ntopic = \"about\"\n+++\n".to_vec()),
        ("passages/stray.md", b"+++\ntopic = \"about\"\n+++\n".to_vec()),
    ];
    for (rel, bytes) in cases {
        let c = ContentCopy::new();
        c.write(rel, bytes);
        let run = c.check();
        assert!(!run.ok(), "{rel}: check should fail:\n{}", run.stdout);
        let shown = c.path(rel).display().to_string();
        assert!(
            run.lines().iter().all(|l| l.contains(": ")),
            "{rel}: every line is `file:line: message`:\n{}",
            run.stdout
        );
        assert!(
            run.stdout.contains(&shown),
            "{rel}: the broken file should be named:\n{}",
            run.stdout
        );
    }
    // An empty folder: missing files, not a crash.
    let tmp = tempfile::tempdir().unwrap();
    let run = run_args(&[
        "--data",
        tmp.path().join("data").to_str().unwrap(),
        "check",
        tmp.path().to_str().unwrap(),
    ]);
    assert!(!run.ok());
    assert!(run.stdout.contains("topics.toml"), "{}", run.stdout);
}

#[test]
fn a_word_in_two_synonym_groups() {
    let c = ContentCopy::new();
    let rel = "synonyms.toml";
    let text = c.read(rel);
    let appended = format!("{text}\n[[group]]\nterms = [\"referendum\", \"plebiscite vote\"]\n");
    let n = appended.lines().count();
    c.write(rel, &appended);
    assert_check_diag(&c, rel, n, &["referendum", "synonym group"]);
}

/// A routing term that would refuse the content's own example questions is an
/// error at the question's line ("halyk" the bank also matches "халық").
#[test]
fn an_out_of_scope_term_that_refuses_an_example_question() {
    let c = ContentCopy::new();
    c.edit("routing.toml", |text| {
        text.replacen("\"kaspi\",", "\"kaspi\", \"halyk\",", 1)
    });
    let rel = "passages/accountability/accountability-people.md".to_string();
    let passage = c.read(&rel);
    let n = line_where(&passage, |l| {
        l.starts_with("? ") && (l.contains("халық") || l.contains("Халық"))
    });
    assert_check_diag(&c, &rel, n, &["out of scope"]);
}

/// The calm answer to an insult must exist, named at its line in routing.toml.
#[test]
fn an_insult_routed_to_a_missing_passage() {
    let c = ContentCopy::new();
    c.edit("routing.toml", |text| {
        text.replacen(
            "passage = \"about-feedback\"",
            "passage = \"about-calm\"",
            1,
        )
    });
    let routing = c.read("routing.toml");
    let n = line_where(&routing, |l| l.contains("about-calm"));
    assert_check_diag(&c, "routing.toml", n, &["unknown passage", "about-calm"]);
}

// The fact register: passage → fact → source, each link checked.

#[test]
fn shown_source_that_backs_none_of_the_facts() {
    // S123 is the Wikipedia page on the historical kurultai: it states nothing
    // about the referendum's result.
    let c = ContentCopy::new();
    let rel = "passages/referendum/referendum-result.md";
    let n = line_where(&c.read(rel), |l| l.starts_with("sources ="));
    let s123 = |_: &str| r#"sources = ["S123"]"#.to_string();
    assert_line_edit_diag(&c, rel, n, s123, n, &["S123", "backs none"]);
}

#[test]
fn fact_without_a_source() {
    let c = ContentCopy::new();
    let text = c.read("facts.toml");
    let id = line_where(&text, |l| l == r#"id = "F055""#);
    let n = text
        .split('\n')
        .enumerate()
        .skip(id)
        .find(|(_, l)| l.starts_with("sources ="))
        .map(|(i, _)| i + 1)
        .unwrap();
    let none = |_: &str| "sources = []".to_string();
    assert_line_edit_diag(&c, "facts.toml", n, none, id, &["F055", "no source"]);
}

#[test]
fn fact_naming_an_unknown_source() {
    let c = ContentCopy::new();
    let text = c.read("facts.toml");
    let id = line_where(&text, |l| l == r#"id = "F055""#);
    let at = text.find(r#"id = "F055""#).unwrap();
    let edited = format!(
        "{}{}",
        &text[..at],
        text[at..].replacen("sources = [", r#"sources = ["S999", "#, 1)
    );
    c.write("facts.toml", edited);
    assert_check_diag(&c, "facts.toml", id, &["F055", "unknown source `S999`"]);
}

#[test]
fn source_without_url_or_date() {
    let c = ContentCopy::new();
    let text = c.read("sources.toml");
    let id = line_where(&text, |l| l == r#"id = "S29""#);
    let lines: Vec<&str> = text.split('\n').collect();
    let kept: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| {
            !(*i + 1 > id
                && *i + 1 < id + 10
                && (l.starts_with("url =") || l.starts_with("date =")))
        })
        .map(|(_, l)| *l)
        .collect();
    c.write("sources.toml", kept.join("\n"));
    let run = c.check();
    assert_diag(&run, &c.path("sources.toml"), id, &["S29", "no URL"]);
    assert_diag(&run, &c.path("sources.toml"), id, &["S29", "no date"]);
}

#[test]
fn as_of_older_than_a_source() {
    let c = ContentCopy::new();
    let n = line_where(&c.read("edition.toml"), |l| l.starts_with("as_of ="));
    let older = |_: &str| r#"as_of = "2026-02-01""#.to_string();
    assert_line_edit_diag(&c, "edition.toml", n, older, n, &["as_of", "older"]);
}

#[test]
fn unknown_subtopic() {
    let c = ContentCopy::new();
    let rel = "passages/kurultai/kurultai-size.md";
    let text = c.read(rel);
    assert!(
        !text.contains("subtopic ="),
        "a passage directly in its topic"
    );
    let n = line_where(&text, |l| l.starts_with("topic ="));
    let subtopic = |l: &str| format!("{l}\nsubtopic = \"no-such-subtopic\"");
    assert_line_edit_diag(&c, rel, n, subtopic, n + 1, &["unknown sub-topic"]);
}

#[test]
fn an_unused_fact_is_a_warning_not_an_error() {
    let c = ContentCopy::new();
    let mut text = c.read("facts.toml");
    text.push_str("\n[[fact]]\nid = \"X01\"\ntext = \"A fact nobody states.\"\nsources = [\"S29\"]\nstatus = \"single\"\n");
    c.write("facts.toml", &text);
    let run = c.check();
    assert!(run.ok(), "stdout:\n{}", run.stdout);
    let n = line_where(&text, |l| l == r#"id = "X01""#);
    let want = format!(
        "{}:{n}: warning: fact `X01`",
        c.path("facts.toml").display()
    );
    assert!(run.stdout.contains(&want), "stdout:\n{}", run.stdout);
}

// Content that repeats itself: the matcher could not choose.

#[test]
fn a_copied_passage_file_under_a_new_name() {
    let c = ContentCopy::new();
    let rel = first_passage(&c.dir, "vice-president");
    let copy = rel.replace(&format!("{}.md", id_of(&rel)), "a-copy-of-it.md");
    let text = c.read(&rel);
    c.write(&copy, &text);
    let run = c.check();
    // Reported at the later file, for the title, the first example question
    // and the text, in every language.
    let later = if id_of(&copy) < id_of(&rel) {
        rel.clone()
    } else {
        copy.clone()
    };
    let later_text = c.read(&later);
    assert_diag(
        &run,
        &c.path(&later),
        heading(&later_text, "kk"),
        &["title", "also"],
    );
    let q = line_where(&later_text, |l| l.starts_with("? "));
    assert_diag(&run, &c.path(&later), q, &["example question", "also in"]);
    let body = body_lines(&later_text, "en")[0];
    assert_diag(&run, &c.path(&later), body, &["text copies"]);
}

#[test]
fn the_same_example_question_in_two_passages() {
    let (c, a, b) = copy_and_two_passages("kurultai", "commission");
    let ta = c.read(&a);
    let q = ta
        .split('\n')
        .find(|l| l.starts_with("? "))
        .unwrap()
        .to_string();
    let tb = c.read(&b);
    let n = line_where(&tb, |l| l.starts_with("? "));
    // Case and punctuation do not make it another question.
    let twin = format!("{}!!", q.to_uppercase());
    c.write(&b, edit_line(&tb, n, |_| twin.clone()));
    let run = c.check();
    let (later, line) = if c.path(&b) > c.path(&a) {
        (b.clone(), n)
    } else {
        (a.clone(), line_where(&ta, |l| l == q))
    };
    assert_diag(
        &run,
        &c.path(&later),
        line,
        &["example question", "also in"],
    );
}

#[test]
fn two_passages_with_one_title() {
    let (c, a, b) = copy_and_two_passages("principles", "accountability");
    let title = c
        .read(&a)
        .split('\n')
        .find(|l| l.starts_with("## ru:"))
        .unwrap()
        .to_string();
    let tb = c.read(&b);
    let n = heading(&tb, "ru");
    c.write(&b, edit_line(&tb, n, |_| title.clone()));
    let run = c.check();
    let later = if c.path(&b) > c.path(&a) { &b } else { &a };
    let later_text = c.read(later);
    assert_diag(
        &run,
        &c.path(later),
        heading(&later_text, "ru"),
        &["russian title", "also"],
    );
}

/// Found by the `content` fuzz target: a key with no value at the end of a
/// TOML file made the parser's error message empty, so `check` printed
/// `synonyms.toml:N: ` and nothing to act on.
#[test]
fn a_toml_file_cut_after_a_key_says_what_is_wrong() {
    let c = ContentCopy::new();
    let text = c.read("synonyms.toml");
    let cut = format!(
        "{}\n[[group]]\nterms = [\"x\", \"y\"]\ncore =",
        text.trim_end()
    );
    c.write("synonyms.toml", &cut);
    let run = c.check();
    let last = cut.lines().count();
    assert_diag(&run, &c.path("synonyms.toml"), last, &["toml"]);
}
