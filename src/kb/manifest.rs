//! The serving manifest: a small file next to sled describing the version in
//! service, so `atazan check` can say what a reload will change without
//! opening sled (the running bot holds its lock).
//!
//! `<data>/serving.json` holds the version, when it was stored, and a hash per
//! passage (with its topic) and per file-wide part (topics, sources, synonyms,
//! routing):
//!
//! ```json
//! {"version": "3f2a…", "stored_at": 1796033520,
//!  "passages": {"kurultai-size": {"topic": "kurultai", "hash": "9b1c…"}},
//!  "topics": "…", "sources": "…", "synonyms": "…", "routing": "…"}
//! ```
//!
//! Each hash is the SHA-256 (hex) of the part's JSON form, so any change the
//! bot can show (a word, a title, an example question, a source, the menu
//! order) changes it. The file is written atomically (a temporary file in the
//! same folder, synced, then renamed over the old one): a reader sees the old
//! manifest or the new one, never half of one.

use super::Snapshot;
use crate::content::{Content, Passage};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The manifest's file name inside the data folder.
pub const MANIFEST_FILE: &str = "serving.json";
/// Where a new manifest is written before it is renamed into place.
const TEMP_FILE: &str = ".serving.json.tmp";

/// What a content version holds, by hash: enough to compare two versions
/// without either's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The content version (the content folder's hash).
    pub version: String,
    /// When the version was stored, in seconds since the Unix epoch. For a
    /// version stored by an older atazan, when its manifest was first written.
    pub stored_at: u64,
    /// Every passage by id.
    pub passages: BTreeMap<String, PassageEntry>,
    /// Hash of the topics (ids, titles, menu order).
    pub topics: String,
    /// Hash of the sources.
    pub sources: String,
    /// Hash of the fact register and the edition (as-of date). Empty in a
    /// manifest written before there was a register.
    #[serde(default)]
    pub facts: String,
    /// Hash of the synonym groups.
    pub synonyms: String,
    /// Hash of the routing rules (neutrality and out-of-scope words).
    pub routing: String,
}

/// One passage in a [`Manifest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassageEntry {
    /// The topic it belongs to.
    pub topic: String,
    /// Hash of the whole passage: every translation, its sources, related
    /// passages and menu position.
    pub hash: String,
}

/// Why the manifest in a data folder could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file exists but could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The manifest file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a manifest.
    #[error("{path}: not a valid manifest: {source}")]
    Decode {
        /// The manifest file.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
}

/// What changed from one content version to another.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentChanges {
    /// Passages only the new version has, by topic then id.
    pub added: Vec<PassageChange>,
    /// Passages both have, changed, by topic then id.
    pub edited: Vec<PassageChange>,
    /// Passages only the old version has, by topic then id.
    pub removed: Vec<PassageChange>,
    /// Whether the topics changed (added, removed, retitled or reordered).
    pub topics: bool,
    /// Whether the sources changed.
    pub sources: bool,
    /// Whether the fact register or the as-of date changed.
    pub facts: bool,
    /// Whether the synonym groups changed.
    pub synonyms: bool,
    /// Whether the routing rules changed.
    pub routing: bool,
}

/// A passage added, edited or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassageChange {
    /// The passage id.
    pub id: String,
    /// Its topic (in the new version, for an edited passage).
    pub topic: String,
    /// For an edited passage that moved, its topic in the old version.
    pub moved_from: Option<String>,
}

impl ContentChanges {
    /// Whether nothing the bot shows or matches changed (the files may still
    /// differ in comments, layout or the copies of source documents).
    pub fn is_empty(&self) -> bool {
        self == &ContentChanges::default()
    }

    /// The changes in plain words, one per line, for `atazan check` and the
    /// operators' reload message: `+ passage id (topic)`, `~ …`, `- …`, and
    /// what else changed. [`ContentChanges::count_line`] sums them up.
    pub fn lines(&self) -> Vec<String> {
        if self.is_empty() {
            return vec![
                "nothing the bot shows changes: the files differ only in comments, layout or source documents".into(),
            ];
        }
        let passage = |mark: &str, p: &PassageChange| match &p.moved_from {
            Some(from) => format!("{mark} passage {} ({}, moved from {from})", p.id, p.topic),
            None => format!("{mark} passage {} ({})", p.id, p.topic),
        };
        let mut lines: Vec<String> = Vec::new();
        lines.extend(self.added.iter().map(|p| passage("+", p)));
        lines.extend(self.edited.iter().map(|p| passage("~", p)));
        lines.extend(self.removed.iter().map(|p| passage("-", p)));
        for (changed, what) in [
            (self.topics, "topics changed"),
            (self.sources, "sources changed"),
            (self.facts, "facts changed"),
            (self.synonyms, "synonyms changed"),
            (self.routing, "routing changed"),
        ] {
            if changed {
                lines.push(what.to_string());
            }
        }
        lines
    }

    /// How many passages were added, edited and removed, when any were.
    pub fn count_line(&self) -> Option<String> {
        let counts = [self.added.len(), self.edited.len(), self.removed.len()];
        counts.iter().any(|&n| n > 0).then(|| {
            format!(
                "passages: {} added (+), {} edited (~), {} removed (-)",
                counts[0], counts[1], counts[2]
            )
        })
    }
}

impl Manifest {
    /// The manifest of a content version, stamped with the current time.
    pub fn of(snapshot: &Snapshot) -> Manifest {
        Manifest::of_content(&snapshot.version, &snapshot.content, now())
    }

    /// The manifest of `content` as version `version`, stored at `stored_at`.
    pub fn of_content(version: &str, content: &Content, stored_at: u64) -> Manifest {
        let passages = content
            .passages
            .iter()
            .map(|p| {
                let entry = PassageEntry {
                    topic: p.topic.clone(),
                    hash: hash(p),
                };
                (p.id.clone(), entry)
            })
            .collect();
        Manifest {
            version: version.to_string(),
            stored_at,
            passages,
            topics: hash(&(&content.topics, &content.subtopics)),
            sources: hash(&content.sources),
            facts: hash(&(&content.facts, &content.edition)),
            synonyms: hash(&content.synonyms),
            routing: hash(&content.routing),
        }
    }

    /// The manifest file of a data folder.
    pub fn path(data: &Path) -> PathBuf {
        data.join(MANIFEST_FILE)
    }

    /// Reads the manifest of a data folder; `None` when there is none (no
    /// version was stored there yet, or the folder does not exist). Never
    /// opens sled, so it works while a running bot holds the folder.
    pub fn read(data: &Path) -> Result<Option<Manifest>, ManifestError> {
        let path = Manifest::path(data);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(ManifestError::Read { path, source }),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|source| ManifestError::Decode { path, source })
    }

    /// Writes the manifest into `data` atomically: a temporary file in the
    /// same folder, synced to disk, renamed over the old manifest.
    pub fn write(&self, data: &Path) -> std::io::Result<()> {
        let temp = data.join(TEMP_FILE);
        let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest serialises to JSON");
        bytes.push(b'\n');
        let mut file = fs::File::create(&temp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, Manifest::path(data))?;
        // The rename is durable once the folder is synced; some file systems
        // cannot sync a folder, and the new manifest is in place regardless.
        let _ = fs::File::open(data).and_then(|d| d.sync_all());
        Ok(())
    }

    /// Removes the manifest of a data folder, if any.
    pub fn remove(data: &Path) -> std::io::Result<()> {
        match fs::remove_file(Manifest::path(data)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// What changes from this version to `new`, by hash: for a version
    /// known only by its manifest (the one a running bot serves).
    pub fn diff(&self, new: &Manifest) -> ContentChanges {
        fn by_id(m: &Manifest) -> Entries<'_, String> {
            m.passages
                .iter()
                .map(|(id, e)| (id.as_str(), (e.topic.as_str(), &e.hash)))
                .collect()
        }
        let mut changes = ContentChanges {
            topics: self.topics != new.topics,
            sources: self.sources != new.sources,
            facts: self.facts != new.facts,
            synonyms: self.synonyms != new.synonyms,
            routing: self.routing != new.routing,
            ..ContentChanges::default()
        };
        changes.compare_passages(&by_id(self), &by_id(new));
        changes
    }
}

/// Passages by id, with their topic and what tells two versions apart.
type Entries<'a, T> = BTreeMap<&'a str, (&'a str, &'a T)>;

impl ContentChanges {
    /// What changes from `old` to `new`, both in memory: compared as values.
    pub fn between(old: &Content, new: &Content) -> ContentChanges {
        fn by_id(c: &Content) -> Entries<'_, Passage> {
            c.passages
                .iter()
                .map(|p| (p.id.as_str(), (p.topic.as_str(), p)))
                .collect()
        }
        let mut changes = ContentChanges {
            topics: (&old.topics, &old.subtopics) != (&new.topics, &new.subtopics),
            sources: old.sources != new.sources,
            facts: (&old.facts, &old.edition) != (&new.facts, &new.edition),
            synonyms: old.synonyms != new.synonyms,
            routing: old.routing != new.routing,
            ..ContentChanges::default()
        };
        changes.compare_passages(&by_id(old), &by_id(new));
        changes
    }

    /// Fills in the passages added, edited (or moved) and removed.
    fn compare_passages<T: PartialEq>(&mut self, old: &Entries<'_, T>, new: &Entries<'_, T>) {
        let change = |id: &str, topic: &str| PassageChange {
            id: id.to_string(),
            topic: topic.to_string(),
            moved_from: None,
        };
        for (id, (topic, value)) in new {
            match old.get(id) {
                None => self.added.push(change(id, topic)),
                Some((old_topic, old_value)) if old_value != value => {
                    self.edited.push(PassageChange {
                        moved_from: (old_topic != topic).then(|| old_topic.to_string()),
                        ..change(id, topic)
                    })
                }
                Some(_) => {}
            }
        }
        for (id, (topic, _)) in old {
            if !new.contains_key(id) {
                self.removed.push(change(id, topic));
            }
        }
        for list in [&mut self.added, &mut self.edited, &mut self.removed] {
            list.sort_by(|a, b| (&a.topic, &a.id).cmp(&(&b.topic, &b.id)));
        }
    }
}

/// SHA-256 of a value's JSON form, in hex.
fn hash(value: &impl Serialize) -> String {
    let json = serde_json::to_vec(value).expect("content serialises to JSON");
    Sha256::digest(&json)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn now() -> u64 {
    crate::clock::unix_now().max(0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{ContentFiles, Passage};

    fn real() -> Content {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        ContentFiles::read(&dir)
            .expect("the content folder")
            .parse()
            .expect("valid content")
    }

    fn manifest(c: &Content) -> Manifest {
        Manifest::of_content("v", c, 1)
    }

    fn ids(list: &[PassageChange]) -> Vec<&str> {
        list.iter().map(|p| p.id.as_str()).collect()
    }

    #[test]
    fn the_same_content_has_no_changes() {
        let c = real();
        let changes = manifest(&c).diff(&manifest(&c));
        assert!(changes.is_empty(), "{changes:?}");
    }

    #[test]
    fn every_passage_is_listed_with_its_topic() {
        let c = real();
        let m = manifest(&c);
        assert_eq!(m.passages.len(), c.passages.len());
        for p in &c.passages {
            let entry = &m.passages[&p.id];
            assert_eq!(entry.topic, p.topic);
            assert_eq!(entry.hash.len(), 64, "SHA-256 in hex");
        }
    }

    #[test]
    fn added_edited_and_removed_passages() {
        let old = real();
        let mut new = old.clone();
        let removed = new.passages.remove(0);
        new.passages[0].text.kk.body.push_str(" Жаңа сөйлем.");
        let edited = new.passages[0].id.clone();
        let added = Passage {
            id: "a-new-passage".into(),
            ..new.passages[1].clone()
        };
        new.passages.push(added.clone());

        let changes = manifest(&old).diff(&manifest(&new));
        assert_eq!(ids(&changes.added), [added.id.as_str()]);
        assert_eq!(changes.added[0].topic, added.topic);
        assert_eq!(ids(&changes.edited), [edited.as_str()]);
        assert_eq!(ids(&changes.removed), [removed.id.as_str()]);
        assert_eq!(changes.removed[0].topic, removed.topic);
        assert!(!changes.topics && !changes.sources && !changes.synonyms && !changes.routing);
        assert!(!changes.is_empty());
    }

    #[test]
    fn an_example_question_or_the_order_is_an_edit() {
        let old = real();
        let mut new = old.clone();
        new.passages[0]
            .text
            .en
            .questions
            .push("one more way to ask".into());
        new.passages[1].order += 1;
        let changes = manifest(&old).diff(&manifest(&new));
        let mut want = vec![new.passages[0].id.as_str(), new.passages[1].id.as_str()];
        want.sort_by_key(|id| (&new.passage(id).unwrap().topic, *id));
        assert_eq!(ids(&changes.edited), want);
    }

    #[test]
    fn a_passage_moved_to_another_topic_says_where_from() {
        let old = real();
        let mut new = old.clone();
        let p = &mut new.passages[0];
        let from = p.topic.clone();
        p.topic = "about".into();
        let changes = manifest(&old).diff(&manifest(&new));
        assert_eq!(changes.edited.len(), 1);
        assert_eq!(changes.edited[0].topic, "about");
        assert_eq!(changes.edited[0].moved_from.as_deref(), Some(from.as_str()));
    }

    #[test]
    fn topics_sources_synonyms_and_routing_are_told_apart() {
        let old = real();
        let m = manifest(&old);

        let mut c = old.clone();
        c.topics.swap(0, 1);
        let d = m.diff(&manifest(&c));
        assert!(d.topics && !d.sources && !d.synonyms && !d.routing, "{d:?}");

        let mut c = old.clone();
        c.sources[0].title.push('.');
        let d = m.diff(&manifest(&c));
        assert!(!d.topics && d.sources && !d.synonyms && !d.routing, "{d:?}");

        let mut c = old.clone();
        c.synonyms[0].core = !c.synonyms[0].core;
        let d = m.diff(&manifest(&c));
        assert!(!d.topics && !d.sources && d.synonyms && !d.routing, "{d:?}");

        let mut c = old.clone();
        c.routing.out_of_scope.push("Narnia".into());
        let d = m.diff(&manifest(&c));
        assert!(!d.topics && !d.sources && !d.synonyms && d.routing, "{d:?}");
        assert!(d.added.is_empty() && d.edited.is_empty() && d.removed.is_empty());
    }

    #[test]
    fn contents_compared_as_values_and_manifests_by_hash_agree() {
        let old = real();
        let variants: Vec<fn(&mut Content)> = vec![
            |_| {},
            |c| {
                c.passages.remove(0);
            },
            |c| c.passages[2].text.ru.body.push('!'),
            |c| c.passages[3].topic = "about".into(),
            |c| {
                let mut p = c.passages[1].clone();
                p.id = "a-new-passage".into();
                c.passages.push(p);
            },
            |c| c.topics.swap(0, 1),
            |c| c.subtopics[0].title.kk.push('.'),
            |c| c.sources[0].title.push('.'),
            |c| c.facts[0].text.push('.'),
            |c| c.edition.as_of = "2026-07-02".into(),
            |c| c.synonyms[0].core = !c.synonyms[0].core,
            |c| c.routing.out_of_scope.push("Narnia".into()),
        ];
        for (i, change) in variants.iter().enumerate() {
            let mut new = old.clone();
            change(&mut new);
            assert_eq!(
                ContentChanges::between(&old, &new),
                manifest(&old).diff(&manifest(&new)),
                "variant {i}"
            );
        }
    }

    #[test]
    fn changes_are_listed_by_topic_then_id() {
        let old = real();
        let mut new = old.clone();
        for p in &mut new.passages {
            p.text.en.title.push('!');
        }
        let edited = manifest(&old).diff(&manifest(&new)).edited;
        assert_eq!(edited.len(), old.passages.len());
        let keys: Vec<_> = edited.iter().map(|p| (&p.topic, &p.id)).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }

    #[test]
    fn write_then_read_round_trips_and_replaces() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(Manifest::read(tmp.path()).unwrap().is_none(), "none yet");
        assert!(Manifest::read(&tmp.path().join("missing"))
            .unwrap()
            .is_none());

        let c = real();
        let first = Manifest::of_content("first", &c, 10);
        first.write(tmp.path()).unwrap();
        assert_eq!(Manifest::read(tmp.path()).unwrap(), Some(first));

        let second = Manifest::of_content("second", &c, 20);
        second.write(tmp.path()).unwrap();
        assert_eq!(Manifest::read(tmp.path()).unwrap(), Some(second));
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [MANIFEST_FILE], "no temporary file is left");

        Manifest::remove(tmp.path()).unwrap();
        Manifest::remove(tmp.path()).unwrap();
        assert!(Manifest::read(tmp.path()).unwrap().is_none());
    }

    #[test]
    fn a_damaged_manifest_is_an_error_naming_the_file() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(Manifest::path(tmp.path()), "{\"version\": ").unwrap();
        let err = Manifest::read(tmp.path()).unwrap_err();
        assert!(matches!(err, ManifestError::Decode { .. }));
        assert!(err.to_string().contains(MANIFEST_FILE), "{err}");
    }

    #[test]
    fn the_file_has_the_documented_fields() {
        let c = real();
        let m = Manifest::of_content("v1", &c, 42);
        let v: serde_json::Value = serde_json::to_value(&m).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        for key in [
            "version",
            "stored_at",
            "passages",
            "topics",
            "sources",
            "synonyms",
            "routing",
        ] {
            assert!(keys.contains(&key), "{key} in {keys:?}");
        }
        assert_eq!(v["stored_at"], 42);
        let p = &c.passages[0];
        assert_eq!(v["passages"][&p.id]["topic"], p.topic.as_str());
        let hash = v["passages"][&p.id]["hash"].as_str().unwrap();
        let own: String = Sha256::digest(serde_json::to_vec(p).unwrap())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hash, own, "the SHA-256 of the passage's JSON form");
    }
}
