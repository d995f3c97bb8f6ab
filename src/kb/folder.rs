//! The data folder around sled: one process at a time, and the two repairs
//! sled 0.34 does not make itself.
//!
//! atazan takes its own lock (`atazan.lock`) before sled opens and keeps it
//! while the knowledge base is open. Holding it, a process knows nobody else
//! is writing the folder, so it may:
//! - delete the snapshots sled began and never finished. sled writes a
//!   snapshot as `snap.<lsn>.generating` and renames it when complete, but on
//!   open it reads the newest `snap.*` file whatever its suffix: a process
//!   killed while writing one leaves a folder sled refuses as corrupt (a CI
//!   run of the SIGKILL-during-reload test met exactly that);
//! - move sled's files aside when sled still reports corruption, so the bot
//!   rebuilds from the content folder instead of refusing to start.

use std::fs::{self, File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

/// The lock file's name inside the data folder.
const LOCK_FILE: &str = "atazan.lock";
/// Folders of set-aside files are named `broken-<unix seconds>`.
pub const SET_ASIDE_PREFIX: &str = "broken-";

/// The data folder's lock; closing the file (dropping this) releases it.
#[derive(Debug)]
pub(super) struct FolderLock {
    _file: File,
}

impl FolderLock {
    /// Takes the lock of `folder` (creating the folder), or `None` when
    /// another process holds it.
    pub(super) fn take(folder: &Path) -> io::Result<Option<FolderLock>> {
        fs::create_dir_all(folder)?;
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(folder.join(LOCK_FILE))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(FolderLock { _file: file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(e),
        }
    }

    /// Deletes the snapshots sled never finished writing in `folder`;
    /// returns how many there were. sled rebuilds its state from its log, so
    /// a snapshot is only ever a shortcut.
    pub(super) fn remove_unfinished_snapshots(&self, folder: &Path) -> io::Result<usize> {
        let unfinished: Vec<PathBuf> = entries(folder)?
            .into_iter()
            .filter(|(name, _)| name.starts_with("snap.") && name.ends_with(".generating"))
            .map(|(_, path)| path)
            .collect();
        for path in &unfinished {
            fs::remove_file(path)?;
        }
        Ok(unfinished.len())
    }

    /// Moves everything in `folder` except the lock and earlier set-asides
    /// into a new `broken-<unix seconds>` folder inside it, and returns that
    /// folder. Inside, not beside: the data folder is often a mounted volume,
    /// which cannot be renamed, and its parent may not be writable.
    pub(super) fn set_aside(&self, folder: &Path) -> io::Result<PathBuf> {
        let secs = crate::clock::unix_now();
        let mut aside = folder.join(format!("{SET_ASIDE_PREFIX}{secs}"));
        let mut n = 1;
        while aside.exists() {
            aside = folder.join(format!("{SET_ASIDE_PREFIX}{secs}-{n}"));
            n += 1;
        }
        let moved = entries(folder)?;
        fs::create_dir(&aside)?;
        for (name, path) in moved {
            if name != LOCK_FILE && !name.starts_with(SET_ASIDE_PREFIX) {
                fs::rename(&path, aside.join(&name))?;
            }
        }
        Ok(aside)
    }
}

/// The folder's entries as (name, path), read in full before any is moved.
fn entries(folder: &Path) -> io::Result<Vec<(String, PathBuf)>> {
    fs::read_dir(folder)?
        .map(|entry| {
            let entry = entry?;
            Ok((
                entry.file_name().to_string_lossy().into_owned(),
                entry.path(),
            ))
        })
        .collect()
}
