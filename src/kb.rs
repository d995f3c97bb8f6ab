//! The knowledge base: validated content compiled into sled, one version at a time.
//!
//! The content folder is hashed as it is read; the hash is the content version.
//! Opening a data folder whose stored version matches the folder skips parsing
//! and validation. A changed folder is validated, and only a valid one replaces
//! the stored version, in a single key write: a reader sees the old version or
//! the new one, never a mix. sled keeps the folder crash-safe (a killed process
//! leaves a folder that opens cleanly); `kb::folder` keeps it to one process at
//! a time and repairs what sled leaves behind when it is killed mid-snapshot.
//!
//! The knowledge base is a cache of the content folder, which stays the source
//! of truth: a stored version that no longer decodes is rebuilt from the folder.
//!
//! Next to sled, the data folder holds the [`Manifest`] of the stored version
//! (`serving.json`), rewritten whenever a version is stored and on open when
//! it is missing or stale: `atazan check` reads it to say what a reload will
//! change, without opening sled (which a running bot holds locked).

mod folder;
mod manifest;

use folder::FolderLock;
pub use folder::SET_ASIDE_PREFIX;
pub use manifest::{
    ContentChanges, Manifest, ManifestError, PassageChange, PassageEntry, MANIFEST_FILE,
};

use crate::content::{Content, ContentFiles, Diagnostic, ReadError};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The key holding the current version.
const CURRENT: &[u8] = b"current";
/// sled's page cache: the knowledge base is small, the default (1 GB) is not.
const CACHE_BYTES: u64 = 16 * 1024 * 1024;

/// Why the knowledge base could not be opened or loaded.
#[derive(Debug, thiserror::Error)]
pub enum KbError {
    /// Another process holds the data folder.
    #[error("{0}: the data folder is in use by another atazan process; stop it, or pass --data DIR (or ATAZAN_DATA) to use another folder")]
    Locked(PathBuf),
    /// sled cannot read the folder.
    #[error("{path}: the knowledge base is damaged ({source}); start the bot (or `atazan chat`) once: it moves the damaged files aside and rebuilds from the content folder")]
    Corrupt {
        /// The data folder.
        path: PathBuf,
        /// sled's report.
        source: sled::Error,
    },
    /// The data folder itself cannot be created, locked or tidied.
    #[error("{path}: {source}")]
    Folder {
        /// The data folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// sled failed.
    #[error("{path}: cannot open the knowledge base: {source}")]
    Open {
        /// The data folder.
        path: PathBuf,
        /// The cause.
        source: sled::Error,
    },
    /// Writing the new version failed.
    #[error("{path}: cannot store the content: {source}")]
    Store {
        /// The data folder.
        path: PathBuf,
        /// The cause.
        source: sled::Error,
    },
    /// The content folder could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The content folder is not valid; nothing was stored.
    #[error("the content is not valid ({} problems)", .0.len())]
    Invalid(Vec<Diagnostic>),
}

/// One stored content version.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    /// The hash of the content folder it was built from.
    pub version: String,
    /// The content.
    pub content: Arc<Content>,
}

/// What [`Kb::sync`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sync {
    /// The stored version matched the folder: nothing was rebuilt.
    Unchanged,
    /// The folder changed and its new version was stored.
    Rebuilt,
}

/// Opens sled in `path`, whose [`FolderLock`] the caller holds.
fn open_sled(path: &Path) -> Result<sled::Db, KbError> {
    sled::Config::new()
        .path(path)
        .cache_capacity(CACHE_BYTES)
        // Every write is flushed at once (see `store`): no background
        // flusher thread to start, and none to wait for on exit.
        .flush_every_ms(None)
        .open()
        .map_err(|source| match &source {
            // sled's own lock: a handle this process just dropped, whose IO
            // threads still hold the file.
            sled::Error::Io(e) if e.to_string().contains("could not acquire lock") => {
                KbError::Locked(path.to_path_buf())
            }
            sled::Error::Corruption { .. } => KbError::Corrupt {
                path: path.to_path_buf(),
                source,
            },
            _ => KbError::Open {
                path: path.to_path_buf(),
                source,
            },
        })
}

/// How long [`Kb::open`] waits for a lock that is being let go: sled's IO
/// threads hold the file a moment after its last handle is dropped, and a
/// restarting bot's predecessor may still be flushing. A folder that is
/// really in use is still reported within about a second.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// The knowledge base in a data folder.
#[derive(Debug)]
pub struct Kb {
    // Dropped in this order: sled first, then the folder's lock.
    db: sled::Db,
    path: PathBuf,
    _lock: FolderLock,
}

impl Kb {
    /// Opens (or creates) the knowledge base in `path`. A folder still
    /// locked after [`LOCK_WAIT`] is [`KbError::Locked`]; one sled cannot
    /// read is [`KbError::Corrupt`] and left as it is.
    pub fn open(path: &Path) -> Result<Kb, KbError> {
        Kb::open_with(path, false).map(|(kb, _)| kb)
    }

    /// [`Kb::open`], but a folder sled cannot read has its files moved into
    /// a `broken-<time>` folder inside it and starts empty (the content is
    /// then rebuilt from the content folder; users' language choices and the
    /// journal start afresh). Returns where the files went, if they did.
    pub fn open_or_recover(path: &Path) -> Result<(Kb, Option<PathBuf>), KbError> {
        Kb::open_with(path, true)
    }

    fn open_with(path: &Path, recover: bool) -> Result<(Kb, Option<PathBuf>), KbError> {
        let started = std::time::Instant::now();
        loop {
            match Kb::open_once(path, recover) {
                Err(KbError::Locked(_)) if started.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(std::time::Duration::from_millis(20))
                }
                other => return other,
            }
        }
    }

    fn open_once(path: &Path, recover: bool) -> Result<(Kb, Option<PathBuf>), KbError> {
        let folder_err = |source| KbError::Folder {
            path: path.to_path_buf(),
            source,
        };
        let lock = FolderLock::take(path)
            .map_err(folder_err)?
            .ok_or_else(|| KbError::Locked(path.to_path_buf()))?;
        let unfinished = lock.remove_unfinished_snapshots(path).map_err(folder_err)?;
        if unfinished > 0 {
            tracing::warn!(
                unfinished,
                "removed snapshots a stopped process had not finished writing"
            );
        }
        let (db, set_aside) = match open_sled(path) {
            Err(KbError::Corrupt { source, .. }) if recover => {
                let aside = lock.set_aside(path).map_err(folder_err)?;
                tracing::error!(
                    error = %source,
                    set_aside = %aside.display(),
                    "the knowledge base could not be read: its files were moved aside and it is rebuilt from the content folder; users' language choices and the journal start afresh"
                );
                (open_sled(path)?, Some(aside))
            }
            other => (other?, None),
        };
        let kb = Kb {
            db,
            path: path.to_path_buf(),
            _lock: lock,
        };
        kb.refresh_manifest();
        Ok((kb, set_aside))
    }

    /// The sled database, for the bot's own trees (users' languages, the
    /// journal) beside the content.
    pub fn db(&self) -> &sled::Db {
        &self.db
    }

    /// Writes everything to disk (called on shutdown).
    pub fn flush(&self) -> Result<(), KbError> {
        self.db
            .flush()
            .map(|_| ())
            .map_err(|source| KbError::Store {
                path: self.path.clone(),
                source,
            })
    }

    /// Whether the database answers a read: the health check.
    pub fn check(&self) -> Result<(), KbError> {
        self.db
            .contains_key(CURRENT)
            .map(|_| ())
            .map_err(|source| KbError::Open {
                path: self.path.clone(),
                source,
            })
    }

    /// The data folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The stored version, if any and if it decodes.
    pub fn current(&self) -> Option<Snapshot> {
        let bytes = self.db.get(CURRENT).ok()??;
        match serde_json::from_slice(&bytes) {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::warn!(error = %e, "stored content does not decode; it will be rebuilt");
                None
            }
        }
    }

    /// Brings the knowledge base to the content of `files`: unchanged when the
    /// version matches, else validated and stored. An invalid folder changes
    /// nothing and returns every problem.
    pub fn sync(&self, files: &ContentFiles) -> Result<(Snapshot, Sync), KbError> {
        let version = files.version();
        if let Some(current) = self.current().filter(|s| s.version == version) {
            return Ok((current, Sync::Unchanged));
        }
        let content = files.parse().map_err(KbError::Invalid)?;
        let snapshot = Snapshot {
            version,
            content: Arc::new(content),
        };
        self.store(&snapshot)?;
        Ok((snapshot, Sync::Rebuilt))
    }

    /// Reads the content folder and syncs with it.
    pub fn sync_dir(&self, dir: &Path) -> Result<(Snapshot, Sync), KbError> {
        self.sync(&ContentFiles::read(dir)?)
    }

    fn store(&self, snapshot: &Snapshot) -> Result<(), KbError> {
        let store_err = |source| KbError::Store {
            path: self.path.clone(),
            source,
        };
        let bytes = serde_json::to_vec(snapshot).expect("content serialises to JSON");
        // One key, one write: the swap is atomic for every reader.
        self.db.insert(CURRENT, bytes).map_err(store_err)?;
        self.db.flush().map_err(store_err)?;
        self.write_manifest(&Manifest::of(snapshot));
        Ok(())
    }

    /// Brings the manifest in line with the stored version when it is
    /// missing, unreadable or names another version (a process stopped
    /// between storing a version and writing its manifest, or a data folder
    /// from before manifests); removes it when nothing is stored.
    fn refresh_manifest(&self) {
        let on_disk = Manifest::read(&self.path).ok().flatten();
        if let (Some(stored), Some(m)) = (self.stored_version(), &on_disk) {
            if stored == m.version {
                return;
            }
        }
        match self.current() {
            Some(snapshot) => self.write_manifest(&Manifest::of(&snapshot)),
            None => {
                if let Err(e) = Manifest::remove(&self.path) {
                    tracing::warn!(
                        path = %Manifest::path(&self.path).display(),
                        error = %e,
                        "cannot remove the manifest of a version no longer stored"
                    );
                }
            }
        }
    }

    /// The stored version's id, read without decoding its content.
    fn stored_version(&self) -> Option<String> {
        #[derive(Deserialize)]
        struct VersionOnly {
            version: String,
        }
        let bytes = self.db.get(CURRENT).ok()??;
        serde_json::from_slice::<VersionOnly>(&bytes)
            .ok()
            .map(|v| v.version)
    }

    /// Writes the manifest; a failure is logged, not fatal: the manifest only
    /// informs `atazan check`, and serving goes on without it.
    fn write_manifest(&self, manifest: &Manifest) {
        if let Err(e) = manifest.write(&self.path) {
            tracing::warn!(
                path = %Manifest::path(&self.path).display(),
                error = %e,
                "cannot write the serving manifest: `atazan check` may compare against an older version"
            );
        }
    }
}
