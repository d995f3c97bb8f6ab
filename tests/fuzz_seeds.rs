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

/// One test per fuzz target, `name: "target"`: its seeds exist and run
/// without a panic.
macro_rules! seed_tests {
    ($($name:ident: $target:literal,)*) => {
        $(
            #[test]
            fn $name() {
                assert!(run_seeds($target) > 0);
            }
        )*
    };
}

seed_tests! {
    text_seeds: "text",
    answer_seeds: "answer",
    content_seeds: "content",
    config_seeds: "config",
    dialog_seeds: "dialog",
    update_seeds: "update",
}
