//! Every fuzz target's committed seed corpus (`fuzz/seeds/<target>/`), run
//! through the same entry points the fuzzers call ([`atazan::fuzzing`]), on
//! the stable toolchain: the fuzz crate itself needs nightly, these seeds
//! and the regression inputs of every crash the fuzzers found do not.

use std::path::Path;

fn run_seeds(target: &str) -> usize {
    let (_, entry) = atazan::fuzzing::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .expect("a fuzz target of that name");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a seed").path())
        .collect();
    files.sort();
    for f in &files {
        let data = std::fs::read(f).expect("a seed file");
        // A panic names the seed that caused it.
        let outcome = std::panic::catch_unwind(|| entry(&data));
        assert!(outcome.is_ok(), "{target}: seed {} failed", f.display());
    }
    files.len()
}

#[test]
fn every_target_has_seeds_and_a_test() {
    for (name, _) in atazan::fuzzing::TARGETS {
        let target = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/fuzz_targets")
            .join(format!("{name}.rs"));
        assert!(target.exists(), "{} is missing", target.display());
    }
}

#[test]
fn text_seeds() {
    assert!(run_seeds("text") > 0);
}

#[test]
fn answer_seeds() {
    assert!(run_seeds("answer") > 0);
}

#[test]
fn content_seeds() {
    assert!(run_seeds("content") > 0);
}

#[test]
fn config_seeds() {
    assert!(run_seeds("config") > 0);
}

#[test]
fn dialog_seeds() {
    assert!(run_seeds("dialog") > 0);
}

#[test]
fn update_seeds() {
    assert!(run_seeds("update") > 0);
}
