//! Reading the content folder: every file once, hashed as read.

use super::{passage, validate, Content, Diagnostic, Diagnostics, Origins};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Why a content folder could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The folder is missing or is not a folder.
    #[error("{0}: no content folder here (pass --content DIR)")]
    NotAFolder(PathBuf),
    /// Listing the folder failed.
    #[error("{path}: cannot list: {source}")]
    List {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// The files of a content folder, as read at one moment.
#[derive(Debug, Clone)]
pub struct ContentFiles {
    dir: PathBuf,
    /// Path inside the folder (with `/`) → bytes, or why it could not be read.
    files: BTreeMap<String, Result<Vec<u8>, String>>,
}

/// Top-level files the content is made of; passages live under `passages/`.
const TOP_FILES: [&str; 6] = [
    "edition.toml",
    "facts.toml",
    "topics.toml",
    "sources.toml",
    "synonyms.toml",
    "routing.toml",
];

impl ContentFiles {
    /// Reads every content file under `dir`.
    pub fn read(dir: &Path) -> Result<ContentFiles, ReadError> {
        if !dir.is_dir() {
            return Err(ReadError::NotAFolder(dir.to_path_buf()));
        }
        let mut files = BTreeMap::new();
        for name in TOP_FILES {
            let path = dir.join(name);
            if path.exists() {
                files.insert(name.to_string(), read_file(&path));
            }
        }
        for sub in ["passages", "sources"] {
            let root = dir.join(sub);
            if root.is_dir() {
                walk(&root, &format!("{sub}/"), &mut files).map_err(|source| ReadError::List {
                    path: root.clone(),
                    source,
                })?;
            }
        }
        Ok(ContentFiles {
            dir: dir.to_path_buf(),
            files,
        })
    }

    /// These files with `path` (inside the folder, with `/`) holding `bytes`
    /// instead: a what-if edit that touches no disk, for the fuzzers.
    #[doc(hidden)]
    pub fn with_file(&self, path: &str, bytes: Vec<u8>) -> ContentFiles {
        let mut files = self.files.clone();
        files.insert(path.to_string(), Ok(bytes));
        ContentFiles {
            dir: self.dir.clone(),
            files,
        }
    }

    /// Only the files whose path `keep` accepts: a smaller folder for the
    /// fuzzers, which parse it once per input.
    #[doc(hidden)]
    pub fn only(&self, keep: impl Fn(&str) -> bool) -> ContentFiles {
        ContentFiles {
            dir: self.dir.clone(),
            files: self
                .files
                .iter()
                .filter(|(p, _)| keep(p))
                .map(|(p, b)| (p.clone(), b.clone()))
                .collect(),
        }
    }

    /// The paths read, inside the folder, with `/`, in order.
    pub fn paths(&self) -> impl Iterator<Item = &str> + '_ {
        self.files.keys().map(String::as_str)
    }

    /// The folder these files came from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A hash of every path and byte: the content version. Any edit, added or
    /// removed file changes it.
    pub fn version(&self) -> String {
        let mut h = Sha256::new();
        for (path, bytes) in &self.files {
            h.update((path.len() as u64).to_le_bytes());
            h.update(path.as_bytes());
            match bytes {
                Ok(b) => {
                    h.update((b.len() as u64).to_le_bytes());
                    h.update(b);
                }
                Err(e) => {
                    h.update(u64::MAX.to_le_bytes());
                    h.update(e.as_bytes());
                }
            }
        }
        let digest = h.finalize();
        digest[..12].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Parses and validates: the content, or every problem found.
    pub fn parse(&self) -> Result<Content, Vec<Diagnostic>> {
        self.parse_with_origins().map(|(content, _)| content)
    }

    /// [`ContentFiles::parse`], with where each passage and fact was read
    /// from: what `atazan check` needs to report later findings at their line.
    pub fn parse_with_origins(&self) -> Result<(Content, Origins), Vec<Diagnostic>> {
        let mut diags = Diagnostics::default();
        let mut texts = BTreeMap::new();
        for (path, bytes) in &self.files {
            if path.starts_with("sources/") {
                continue; // Copies of documents: only their presence is checked.
            }
            let shown = self.dir.join(path);
            match bytes {
                Err(e) => diags.push(&shown, 1, format!("cannot read: {e}")),
                Ok(b) => match std::str::from_utf8(b) {
                    Ok(t) => {
                        // Some editors start UTF-8 files with a byte order mark.
                        texts.insert(path.as_str(), t.strip_prefix('\u{feff}').unwrap_or(t));
                    }
                    Err(e) => {
                        let line = b[..e.valid_up_to()].iter().filter(|&&c| c == b'\n').count() + 1;
                        diags.push(&shown, line, "not UTF-8 text: save the file as UTF-8");
                    }
                },
            }
        }
        for name in ["topics.toml", "sources.toml", "facts.toml"] {
            if !self.files.contains_key(name) {
                diags.push(
                    self.dir.join(name),
                    1,
                    "missing: the content folder needs this file",
                );
            }
        }
        let passages: Vec<passage::Parsed> = texts
            .iter()
            .filter(|(p, _)| p.starts_with("passages/"))
            .filter_map(|(path, text)| {
                if !path.ends_with(".md") {
                    return None;
                }
                passage::parse(&self.dir.join(path), path, text, &mut diags)
            })
            .collect();
        let present: Vec<&str> = self.files.keys().map(String::as_str).collect();
        let mut origins = Origins::default();
        let content = validate::build(
            &self.dir,
            &texts,
            &present,
            passages,
            &mut origins,
            &mut diags,
        );
        if diags.is_empty() {
            Ok((content, origins))
        } else {
            Err(diags.into_sorted())
        }
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| e.to_string())
}

fn walk(
    dir: &Path,
    prefix: &str,
    out: &mut BTreeMap<String, Result<Vec<u8>, String>>,
) -> std::io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue; // Editor swap files and the like.
        }
        let path = entry.path();
        if path.is_dir() && name.ends_with(".md") {
            out.insert(
                format!("{prefix}{name}"),
                Err("a folder, not a passage file".into()),
            );
        } else if path.is_dir() {
            walk(&path, &format!("{prefix}{name}/"), out)?;
        } else {
            out.insert(format!("{prefix}{name}"), read_file(&path));
        }
    }
    Ok(())
}
