//! `atazan check` says what a reload will change against the version in
//! service, read from the manifest (`<data>/serving.json`) the knowledge base
//! writes next to sled.
//!
//! Each test copies `content/`, lets `atazan ask` store a version in a data
//! folder (as the bot does), edits the copy, and runs `check` with that data
//! folder. Covered: no version in service yet; the same version; passages
//! added, edited and removed; topics, sources, synonyms and routing; changes
//! that only touch comments; an invalid folder printing only its problems; a
//! damaged manifest; the manifest kept, rewritten after an edit and restored
//! when missing, stale or damaged; and `check` while an `atazan chat` process
//! holds the data folder's lock.

mod common;

use atazan::kb::{Kb, Manifest};
use common::{atazan, first_passage, id_of, passage_files, run, ContentCopy, Holder, Run};
use std::path::PathBuf;
use std::time::Duration;

const MANIFEST: &str = "serving.json";
const NO_VERSION: &str = "no version in service yet (the bot has not run with this data folder)";

/// `atazan ask x` on the copy with its data folder.
fn ask(c: &ContentCopy) -> Run {
    run(c.atazan().args(["ask", "x"]), b"")
}

/// Stores the copy in its data folder the way the bot does, via `atazan ask`.
fn serve(c: &ContentCopy) {
    let r = ask(c);
    assert!(r.ok(), "ask: {}", r.stderr);
}

/// A fresh copy, stored in its data folder by [`serve`].
fn served_copy() -> ContentCopy {
    let c = ContentCopy::new();
    serve(&c);
    c
}

/// The version `check` printed on its `ok` line.
fn checked_version(r: &Run) -> String {
    r.lines()
        .iter()
        .find_map(|l| l.split(", version ").nth(1))
        .unwrap_or_else(|| panic!("no `ok` line:\n{}", r.stdout))
        .trim()
        .to_string()
}

/// The lines after `against the version in service (…):`.
fn change_lines(r: &Run) -> Vec<String> {
    assert!(r.ok(), "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    let lines = r.lines();
    let start = lines
        .iter()
        .position(|l| l.starts_with("against the version in service ("))
        .unwrap_or_else(|| panic!("no comparison:\n{}", r.stdout));
    lines[start + 1..]
        .iter()
        .take_while(|l| l.starts_with("  "))
        .map(|l| l.to_string())
        .collect()
}

/// Asserts `check` passed and printed exactly the change lines `expected`.
fn assert_changes(r: &Run, expected: &[impl AsRef<str>]) {
    let expected: Vec<&str> = expected.iter().map(AsRef::as_ref).collect();
    assert_eq!(change_lines(r), expected, "stdout:\n{}", r.stdout);
}

/// The manifest file of the copy's data folder.
fn manifest_path(c: &ContentCopy) -> PathBuf {
    c.data().join(MANIFEST)
}

/// The manifest as JSON.
fn manifest(c: &ContentCopy) -> serde_json::Value {
    let text = std::fs::read_to_string(manifest_path(c)).expect("a manifest");
    serde_json::from_str(&text).expect("the manifest is JSON")
}

/// A passage no other file names, so removing it leaves the folder valid.
fn unreferenced_passage(c: &ContentCopy) -> String {
    let files = passage_files(&c.dir);
    let texts: Vec<String> = files
        .iter()
        .map(|f| c.read(f))
        .chain(["routing.toml", "synonyms.toml"].map(|f| c.read(f)))
        .collect();
    files
        .iter()
        .find(|f| {
            let quoted = format!("\"{}\"", id_of(f));
            !texts.iter().any(|t| t.contains(&quoted))
        })
        .expect("a passage no other file links to")
        .clone()
}

/// The topic of `passages/<topic>/<id>.md`.
fn topic_of(rel: &str) -> &str {
    rel.split('/').nth(1).unwrap()
}

#[test]
fn the_knowledge_base_writes_the_manifest_of_what_it_stores() {
    let c = ContentCopy::new();
    let kb = Kb::open(&c.data()).unwrap();
    assert!(
        Manifest::read(&c.data()).unwrap().is_none(),
        "nothing stored yet"
    );
    let (snapshot, _) = kb.sync_dir(&c.dir).unwrap();
    let written = Manifest::read(&c.data()).unwrap().expect("a manifest");
    let expected = Manifest::of(&snapshot);
    assert_eq!(written.version, snapshot.version);
    assert_eq!(written.passages, expected.passages);
    assert!(written.diff(&expected).is_empty());
    // Read while the knowledge base is open: no sled involved.
    let rel = first_passage(&c.dir, "kurultai");
    c.edit_english(&rel, " Edited for the library test.");
    let (edited, _) = kb.sync_dir(&c.dir).unwrap();
    let rewritten = Manifest::read(&c.data()).unwrap().unwrap();
    assert_eq!(rewritten.version, edited.version);
    let changes = written.diff(&rewritten);
    assert_eq!(changes.edited.len(), 1, "{changes:?}");
    assert_eq!(changes.edited[0].id, id_of(&rel));
    assert!(changes.added.is_empty() && changes.removed.is_empty());
}

#[test]
fn without_a_stored_version_check_says_so_and_creates_nothing() {
    let c = ContentCopy::new();
    let r = c.check();
    assert!(r.ok(), "{}", r.stdout);
    assert!(r.lines().contains(&NO_VERSION), "{}", r.stdout);
    assert!(
        !c.data().exists(),
        "check must not create the data folder (nor open sled)"
    );
    // A data folder with sled in it but no manifest says the same.
    std::fs::create_dir_all(c.data()).unwrap();
    let r = c.check();
    assert!(r.lines().contains(&NO_VERSION), "{}", r.stdout);
}

#[test]
fn the_same_content_is_the_version_in_service() {
    let c = served_copy();
    let r = c.check();
    assert!(r.ok(), "{}", r.stderr);
    let version = checked_version(&r);
    assert_eq!(manifest(&c)["version"], version.as_str());
    let same = format!("same as the version in service ({version})");
    assert!(r.lines().contains(&same.as_str()), "{}", r.stdout);
    // ATAZAN_DATA names the data folder as --data does.
    let mut cmd = atazan();
    cmd.env("ATAZAN_DATA", c.data()).arg("check").arg(&c.dir);
    let r = run(&mut cmd, b"");
    assert!(r.lines().contains(&same.as_str()), "{}", r.stdout);
}

#[test]
fn added_edited_and_removed_passages_are_listed() {
    let c = served_copy();
    let served = manifest(&c)["version"].as_str().unwrap().to_string();

    let edited = first_passage(&c.dir, "referendum");
    c.edit_english(&edited, " Edited for the check test.");
    let removed = unreferenced_passage(&c);
    std::fs::remove_file(c.path(&removed)).unwrap();
    // A new passage of its own: titles, text and questions no other has.
    let template = c.read(&first_passage(&c.dir, "about"));
    let fresh: String = template
        .split_inclusive('\n')
        .map(|l| {
            let (line, nl) = l.strip_suffix('\n').map_or((l, ""), |x| (x, "\n"));
            if line.starts_with("## ") {
                format!("{line} zqtest{nl}")
            } else if let Some(q) = line.strip_prefix("? ") {
                format!("? {q} zqtest{nl}")
            } else if line.starts_with("+++") || line.contains(" = ") || line.trim().is_empty() {
                l.to_string()
            } else {
                format!("A new test passage, zqtest.{nl}")
            }
        })
        .collect();
    c.write("passages/about/about-new-test.md", fresh);

    let r = c.check();
    let header = r
        .lines()
        .into_iter()
        .find(|l| l.starts_with("against the version in service"))
        .map(str::to_string);
    let header = header.unwrap_or_else(|| panic!("no header:\n{}", r.stdout));
    assert!(
        header.starts_with(&format!(
            "against the version in service ({served}, stored "
        )) && header.ends_with(" UTC):"),
        "{header}"
    );
    assert_changes(
        &r,
        &[
            "  + passage about-new-test (about)".to_string(),
            format!("  ~ passage {} (referendum)", id_of(&edited)),
            format!("  - passage {} ({})", id_of(&removed), topic_of(&removed)),
        ],
    );
    assert!(
        r.lines()
            .contains(&"passages: 1 added (+), 1 edited (~), 1 removed (-)"),
        "{}",
        r.stdout
    );

    // Once the bot has stored it, the same folder is what is in service.
    serve(&c);
    let r = c.check();
    let same = format!("same as the version in service ({})", checked_version(&r));
    assert!(r.lines().contains(&same.as_str()), "{}", r.stdout);
}

#[test]
fn a_passage_moved_to_another_topic_names_both() {
    let c = served_copy();
    let rel = unreferenced_passage(&c);
    let (id, from) = (id_of(&rel), topic_of(&rel).to_string());
    let to = if from == "about" { "overview" } else { "about" };
    // A sub-topic belongs to its topic: the moved passage leaves it.
    let text: String = c
        .read(&rel)
        .replacen(
            &format!("topic = \"{from}\""),
            &format!("topic = \"{to}\""),
            1,
        )
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("subtopic ="))
        .collect();
    std::fs::remove_file(c.path(&rel)).unwrap();
    c.write(&format!("passages/{to}/{id}.md"), text);
    let r = c.check();
    assert_changes(&r, &[format!("  ~ passage {id} ({to}, moved from {from})")]);
}

#[test]
fn topics_sources_synonyms_and_routing_are_named() {
    let c = served_copy();
    c.edit("topics.toml", |topics| {
        let kurultai = topics
            .lines()
            .skip_while(|l| l.trim() != "id = \"kurultai\"")
            .find(|l| l.trim_start().starts_with("en ="))
            .expect("an English title for kurultai");
        topics.replacen(kurultai, "en = \"The Kurultai (renamed)\"", 1)
    });
    c.edit("sources.toml", |sources| {
        let title = sources
            .lines()
            .find(|l| l.trim_start().starts_with("title ="))
            .expect("a source title");
        sources.replacen(title, "title = \"A renamed source\"", 1)
    });
    c.edit("synonyms.toml", |synonyms| {
        format!("{synonyms}\n[[group]]\nterms = [\"zxqtest\", \"qxztest\"]\n")
    });
    c.edit("routing.toml", |routing| {
        routing.replacen("\"kaspi\",", "\"kaspi\", \"Narnia\",", 1)
    });
    let r = c.check();
    assert_changes(
        &r,
        &[
            "  topics changed",
            "  sources changed",
            "  synonyms changed",
            "  routing changed",
        ],
    );
    assert!(
        !r.stdout.contains("passages:"),
        "no passage changed:\n{}",
        r.stdout
    );
}

#[test]
fn a_comment_changes_the_version_but_nothing_the_bot_shows() {
    let c = served_copy();
    c.edit("synonyms.toml", |synonyms| {
        format!("{synonyms}\n# a note for editors\n")
    });
    let r = c.check();
    let lines = change_lines(&r);
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    assert!(
        lines[0].contains("nothing the bot shows changes"),
        "{lines:?}"
    );
}

#[test]
fn an_invalid_folder_prints_only_its_problems() {
    let c = served_copy();
    let rel = first_passage(&c.dir, "kurultai");
    let text = c.read(&rel);
    let line = text
        .lines()
        .find(|l| l.starts_with("sources ="))
        .unwrap()
        .to_string();
    c.write(&rel, text.replacen(&line, "sources = []", 1));
    let r = c.check();
    assert!(!r.ok(), "{}", r.stdout);
    assert!(!r.lines().is_empty());
    assert!(
        r.lines()
            .iter()
            .all(|l| l.starts_with(c.dir.to_str().unwrap()) && l.contains(": ")),
        "only `file:line: message` lines:\n{}",
        r.stdout
    );
    assert!(!r.stdout.contains("version in service"), "{}", r.stdout);
}

#[test]
fn a_damaged_manifest_is_reported_and_check_still_passes() {
    let c = served_copy();
    std::fs::write(manifest_path(&c), "{\"version\": ").unwrap();
    let r = c.check();
    assert!(r.ok(), "the folder is valid: {}", r.stdout);
    let line = r
        .lines()
        .into_iter()
        .find(|l| l.contains("version in service is unknown"))
        .unwrap_or_else(|| panic!("{}", r.stdout))
        .to_string();
    assert!(line.contains(MANIFEST), "names the file: {line}");
}

#[test]
fn the_manifest_is_kept_rewritten_and_restored() {
    let c = served_copy();
    let first = std::fs::read(manifest_path(&c)).unwrap();
    let v1 = manifest(&c);
    let passages = v1["passages"].as_object().unwrap();
    assert_eq!(passages.len(), passage_files(&c.dir).len());
    for key in ["topics", "sources", "synonyms", "routing"] {
        assert_eq!(v1[key].as_str().unwrap().len(), 64, "{key}: SHA-256 hex");
    }
    assert!(v1["stored_at"].as_u64().unwrap() > 1_700_000_000);

    // Unchanged content: the same file, byte for byte.
    serve(&c);
    assert_eq!(std::fs::read(manifest_path(&c)).unwrap(), first);

    // A valid edit: rewritten with the new version.
    let rel = first_passage(&c.dir, "kurultai");
    c.edit_english(&rel, " Edited for the manifest test.");
    serve(&c);
    let v2 = manifest(&c);
    assert_ne!(v2["version"], v1["version"]);
    let id = id_of(&rel);
    assert_ne!(v2["passages"][&id]["hash"], v1["passages"][&id]["hash"]);
    let v2_bytes = std::fs::read(manifest_path(&c)).unwrap();

    // An invalid edit stores nothing: the manifest stays.
    let text = c.read(&rel);
    c.write(
        &rel,
        text.replacen("topic = \"kurultai\"", "topic = \"nope\"", 1),
    );
    serve(&c); // Answers from the last valid version.
    assert_eq!(std::fs::read(manifest_path(&c)).unwrap(), v2_bytes);
    c.write(&rel, text);

    // Missing, stale or damaged: restored on the next open.
    for damage in [None, Some(first.clone()), Some(b"not json".to_vec())] {
        match &damage {
            None => std::fs::remove_file(manifest_path(&c)).unwrap(),
            Some(bytes) => std::fs::write(manifest_path(&c), bytes).unwrap(),
        }
        serve(&c);
        assert_eq!(
            manifest(&c)["version"],
            v2["version"],
            "after {:?}",
            damage.map(|b| String::from_utf8_lossy(&b).into_owned())
        );
    }
    let names: Vec<String> = std::fs::read_dir(c.data())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("serving"))
        .collect();
    assert_eq!(names, [MANIFEST], "no temporary file is left");
}

#[test]
fn check_works_while_a_running_chat_holds_the_data_folder() {
    let c = ContentCopy::new();
    let chat = Holder::chat(&c.dir, &c.data());
    // The folder is locked: `ask` is refused...
    let r = ask(&c);
    assert!(!r.ok() && r.stderr.contains("in use"), "{}", r.stderr);
    // ...and `check` still compares with what the chat serves.
    let r = c.check();
    let same = format!("same as the version in service ({})", checked_version(&r));
    assert!(r.lines().contains(&same.as_str()), "{}", r.stdout);

    let rel = first_passage(&c.dir, "referendum");
    c.edit_english(&rel, " Edited while the chat runs.");
    let r = c.check();
    assert!(r.elapsed < Duration::from_secs(5), "took {:?}", r.elapsed);
    assert_changes(&r, &[format!("  ~ passage {} (referendum)", id_of(&rel))]);
    assert!(!r.stderr.contains("in use"), "{}", r.stderr);
    chat.finish();
}
