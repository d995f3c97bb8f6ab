//! The sled knowledge base (`atazan::kb::Kb`) over a copy of the real content.
//!
//! - Reopening with unchanged content: `Sync::Unchanged`, same version.
//! - A valid edit: `Sync::Rebuilt`, a new version, `Kb::current()` serves it.
//! - An invalid edit: `KbError::Invalid` with diagnostics; the previous valid
//!   version keeps serving (in the library, and in `atazan ask`).
//! - One process at a time: a second open in the same process, or while an
//!   `atazan chat` holds the folder, is `KbError::Locked` quickly, and
//!   `atazan ask` says the data folder is in use.
//! - A data folder left by a SIGKILLed process opens cleanly and answers,
//!   also when the kill cut a sled snapshot short.
//! - A folder sled cannot read: `KbError::Corrupt` for readers (reports),
//!   set aside and rebuilt by what serves (`ask`, `chat`, `run`).

mod common;

use atazan::content::ContentFiles;
use atazan::kb::{Kb, KbError, Sync};
use common::{atazan, first_passage, id_of, run, ContentCopy, Holder};
use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Opens the knowledge base and syncs it with the content copy.
fn open_synced(c: &ContentCopy) -> (Kb, String, Sync) {
    let kb = Kb::open(&c.data()).expect("open the knowledge base");
    let (snap, sync) = kb.sync_dir(&c.dir).expect("valid content");
    (kb, snap.version, sync)
}

/// A fresh copy, its first kurultai passage and that passage's id, the
/// knowledge base synced with the copy, and the version it stored.
fn kurultai_synced() -> (ContentCopy, String, String, Kb, String) {
    let c = ContentCopy::new();
    let rel = first_passage(&c.dir, "kurultai");
    let id = id_of(&rel);
    let (kb, v1, _) = open_synced(&c);
    (c, rel, id, kb, v1)
}

#[test]
fn reopening_unchanged_content_keeps_the_version() {
    let c = ContentCopy::new();
    let (kb, v1, sync) = open_synced(&c);
    assert_eq!(sync, Sync::Rebuilt, "a fresh folder is built");
    assert_eq!(
        v1,
        ContentFiles::read(&c.dir).unwrap().version(),
        "the version is the content hash"
    );
    drop(kb);
    let kb = Kb::open(&c.data()).expect("reopen");
    assert_eq!(kb.current().expect("stored").version, v1);
    let (snap, sync) = kb.sync_dir(&c.dir).unwrap();
    assert_eq!(sync, Sync::Unchanged);
    assert_eq!(snap.version, v1);
}

#[test]
fn a_valid_edit_is_rebuilt_and_served() {
    let (c, rel, id, kb, v1) = kurultai_synced();
    c.edit_english(&rel, " Edited by the kb test.");
    let (snap, sync) = kb.sync_dir(&c.dir).unwrap();
    assert_eq!(sync, Sync::Rebuilt);
    assert_ne!(snap.version, v1);
    let served = |kb: &Kb| {
        let cur = kb.current().expect("a stored version");
        let body = cur
            .content
            .passage(&id)
            .expect("the passage")
            .text
            .en
            .body
            .clone();
        (cur.version, body)
    };
    let (version, body) = served(&kb);
    assert_eq!(version, snap.version);
    assert!(body.contains("Edited by the kb test."), "{body}");
    // And it survives a reopen.
    drop(kb);
    let kb = Kb::open(&c.data()).unwrap();
    let (version, body) = served(&kb);
    assert_eq!(version, snap.version);
    assert!(body.contains("Edited by the kb test."), "{body}");
    assert_eq!(kb.sync_dir(&c.dir).unwrap().1, Sync::Unchanged);
}

#[test]
fn an_invalid_edit_is_refused_and_the_old_version_serves() {
    let (c, rel, id, kb, v1) = kurultai_synced();
    let before = kb.current().unwrap().content.passage(&id).unwrap().clone();

    let text = c.read(&rel);
    let n = text
        .split('\n')
        .position(|l| l.starts_with("sources ="))
        .expect("a sources line")
        + 1;
    c.write(
        &rel,
        text.replacen(text.split('\n').nth(n - 1).unwrap(), "sources = []", 1),
    );
    match kb.sync_dir(&c.dir) {
        Err(KbError::Invalid(diags)) => {
            assert!(!diags.is_empty());
            assert!(
                diags.iter().any(|d| d.file == c.path(&rel) && d.line == n),
                "a diagnostic at {rel}:{n}: {diags:?}"
            );
        }
        other => panic!("expected KbError::Invalid, got {other:?}"),
    }
    let cur = kb.current().expect("the old version is still stored");
    assert_eq!(cur.version, v1);
    assert_eq!(cur.content.passage(&id).unwrap(), &before);
    drop(kb);
    let kb = Kb::open(&c.data()).unwrap();
    assert_eq!(kb.current().unwrap().version, v1, "after a reopen too");
    drop(kb);

    // The command line answers from the last valid version and says so.
    let (r, v) = ask_json(&c, "how many MPs");
    assert_eq!(v["answered"], true, "{v}");
    assert!(
        r.stderr.contains(&v1),
        "names the version it serves: {}",
        r.stderr
    );
    assert!(r.stderr.contains(&rel), "names the problem: {}", r.stderr);

    // Without a valid version to fall back on, it fails and says why.
    let fresh = c.tmp.path().join("fresh-data");
    let mut cmd = atazan();
    cmd.arg("--content")
        .arg(&c.dir)
        .arg("--data")
        .arg(&fresh)
        .args(["ask", "how many MPs"]);
    let r = run(&mut cmd, b"");
    assert!(!r.ok());
    assert!(r.stderr.contains("atazan check"), "{}", r.stderr);
}

#[test]
fn a_second_open_in_the_same_process_is_locked() {
    let c = ContentCopy::new();
    let (_kb, _, _) = open_synced(&c);
    let started = Instant::now();
    let second = Kb::open(&c.data());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    match second {
        Err(KbError::Locked(path)) => assert_eq!(path, c.data()),
        other => panic!("expected KbError::Locked, got {other:?}"),
    }
}

/// Starts this test binary as a process that opens the knowledge base
/// and keeps it open until its input closes (see `helper_holds_the_data_folder`).
fn hold_kb(content: &Path, data: &Path) -> Holder {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "helper_holds_the_data_folder",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(HOLD_CONTENT, content)
    .env(HOLD_DATA, data);
    Holder::start(cmd, HOLDING)
}

const HOLD_CONTENT: &str = "ATAZAN_TEST_HOLD_CONTENT";
const HOLD_DATA: &str = "ATAZAN_TEST_HOLD_DATA";
const HOLDING: &str = "HOLDING THE DATA FOLDER";

/// Not a test on its own: a no-op unless started by `Holder::kb`, when it is
/// the other process that holds the knowledge base open.
#[test]
fn helper_holds_the_data_folder() {
    let (Some(content), Some(data)) = (std::env::var_os(HOLD_CONTENT), std::env::var_os(HOLD_DATA))
    else {
        return;
    };
    let kb = Kb::open(Path::new(&data)).expect("the holder opens the folder");
    kb.sync_dir(Path::new(&content)).expect("valid content");
    println!("{HOLDING}");
    std::io::stdout().flush().unwrap();
    let mut rest = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut rest); // Until the test closes it.
    drop(kb);
}

/// Runs `atazan ask x` on the folders.
fn ask_x(c: &ContentCopy) -> common::Run {
    run(c.atazan().args(["ask", "x"]), b"")
}

/// `atazan ask --json QUESTION` on the copy's folders, which must succeed:
/// the run and its answer.
fn ask_json(c: &ContentCopy, question: &str) -> (common::Run, serde_json::Value) {
    let r = run(c.atazan().args(["ask", "--json", question]), b"");
    assert!(r.ok(), "{}", r.stderr);
    let v = serde_json::from_str(r.stdout.trim()).expect("ask --json prints JSON");
    (r, v)
}

/// Asserts `atazan ask` was refused quickly because the folder is in use.
fn assert_in_use(c: &ContentCopy, r: &common::Run) {
    assert!(!r.ok(), "ask must not share the folder: {}", r.stdout);
    assert!(r.elapsed < Duration::from_secs(5), "took {:?}", r.elapsed);
    assert!(
        r.stderr.contains("in use") && r.stderr.contains(c.data().to_str().unwrap()),
        "stderr should say the data folder is in use: {}",
        r.stderr
    );
}

#[test]
fn a_folder_held_by_this_process_is_locked_for_atazan_ask() {
    let c = ContentCopy::new();
    let (kb, _, _) = open_synced(&c);
    assert_in_use(&c, &ask_x(&c));
    drop(kb);
    assert!(ask_x(&c).ok(), "released: it opens now");
}

#[test]
fn a_folder_held_by_another_process_is_locked() {
    let c = ContentCopy::new();
    let holder = hold_kb(&c.dir, &c.data());
    let started = Instant::now();
    match Kb::open(&c.data()) {
        Err(KbError::Locked(_)) => {}
        other => panic!("expected KbError::Locked, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_in_use(&c, &ask_x(&c));
    holder.finish();
    Kb::open(&c.data()).expect("open after the holder exited");
}

#[test]
fn a_running_chat_holds_the_data_folder() {
    let c = ContentCopy::new();
    let holder = Holder::chat(&c.dir, &c.data());
    match Kb::open(&c.data()) {
        Err(KbError::Locked(_)) => {}
        other => panic!("expected KbError::Locked, got {other:?}"),
    }
    assert_in_use(&c, &ask_x(&c));
    holder.finish();
}

/// Asserts the folder opens cleanly, kept its version, and answers.
fn assert_opens_and_answers(c: &ContentCopy) {
    {
        let kb = Kb::open(&c.data()).expect("opens after a kill");
        let cur = kb.current().expect("the stored version survived");
        let (snap, sync) = kb.sync_dir(&c.dir).unwrap();
        assert_eq!(sync, Sync::Unchanged);
        assert_eq!(snap.version, cur.version);
    }
    let (_, v) = ask_json(c, "сколько депутатов в курултае");
    assert_eq!(v["answered"], true, "{v}");
    assert_eq!(v["topic"], "kurultai", "{v}");
}

#[test]
fn a_folder_left_by_a_killed_chat_opens_and_answers() {
    let c = ContentCopy::new();
    Holder::chat(&c.dir, &c.data()).kill();
    assert_opens_and_answers(&c);
}

#[test]
fn a_folder_left_by_a_killed_holder_opens_and_answers() {
    // Killed while the sled database is open (the chat closes it after loading).
    let c = ContentCopy::new();
    hold_kb(&c.dir, &c.data()).kill();
    assert_opens_and_answers(&c);
}

/// What a process killed while sled wrote a snapshot leaves: the snapshot's
/// unfinished file, which sled 0.34 would read on open and call corrupt.
fn leave_unfinished_snapshot(data: &Path) -> std::path::PathBuf {
    let path = data.join(format!("snap.{:016X}.generating", u64::MAX / 2));
    std::fs::write(&path, b"").unwrap();
    path
}

#[test]
fn a_snapshot_a_kill_left_unfinished_does_not_stop_the_folder_opening() {
    let c = ContentCopy::new();
    let (kb, v1, _) = open_synced(&c);
    drop(kb);
    let unfinished = leave_unfinished_snapshot(&c.data());
    assert_opens_and_answers(&c);
    assert!(!unfinished.exists(), "the unfinished snapshot is removed");
    assert_eq!(Kb::open(&c.data()).unwrap().current().unwrap().version, v1);
}

#[test]
fn a_damaged_folder_is_reported_and_set_aside_only_by_those_that_serve() {
    let c = ContentCopy::new();
    let (kb, v1, _) = open_synced(&c);
    drop(kb);
    // sled's config file cut short: sled reports corruption on open.
    let conf = c.data().join("conf");
    let cut: Vec<u8> = std::fs::read(&conf).unwrap()[..30].to_vec();
    std::fs::write(&conf, &cut).unwrap();

    // Reading (the library's plain open, the reports) leaves it as it is...
    match Kb::open(&c.data()) {
        Err(e @ KbError::Corrupt { .. }) => {
            assert!(e.to_string().contains("start the bot"), "{e}")
        }
        other => panic!("expected KbError::Corrupt, got {other:?}"),
    }
    let mut cmd = atazan();
    cmd.arg("--data").arg(c.data()).arg("unanswered");
    let r = run(&mut cmd, b"");
    assert!(!r.ok() && r.stderr.contains("damaged"), "{}", r.stderr);
    assert_eq!(std::fs::read(&conf).unwrap(), cut, "nothing was moved");

    // ...and what answers moves it aside, rebuilds, and says where it went.
    let (r, v) = ask_json(&c, "сколько депутатов в курултае");
    assert_eq!(v["topic"], "kurultai", "{v}");
    let aside: Vec<_> = std::fs::read_dir(c.data())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with(atazan::kb::SET_ASIDE_PREFIX)
        })
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(std::fs::read(aside[0].join("conf")).unwrap(), cut);
    assert!(
        r.stderr.contains(aside[0].to_str().unwrap()),
        "stderr names the set-aside folder: {}",
        r.stderr
    );
    let kb = Kb::open(&c.data()).expect("the rebuilt folder opens");
    assert_eq!(kb.current().unwrap().version, v1);
}
