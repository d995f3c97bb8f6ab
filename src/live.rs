//! The content in service, and replacing it while the bot runs.
//!
//! [`Live`] holds the knowledge base and the [`Engine`] answering from the
//! current version. A reload reads the content folder, validates it, stores a
//! valid version in sled ([`Kb::sync`]), builds its matcher, and only then
//! swaps it in with one atomic pointer store: a question being answered keeps
//! the engine it started with, so every reply comes wholly from one version.
//! An invalid folder changes nothing; the old version keeps serving.
//!
//! Reloads come from a file watcher ([`watch`]), a signal (SIGHUP) or an
//! operator's `/reload`; they are serialised, so two at once cannot race.

use crate::content::Diagnostic;
use crate::engine::Engine;
use crate::kb::{ContentChanges, Kb, KbError, Sync};
use arc_swap::ArcSwap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a reload did.
#[derive(Debug, Clone)]
pub enum Reloaded {
    /// The folder is the version in service.
    Unchanged {
        /// The version in service.
        version: String,
    },
    /// A new valid version is in service.
    Updated {
        /// The version replaced.
        from: String,
        /// The version now in service.
        to: String,
        /// What changed, passage by passage.
        changes: ContentChanges,
    },
    /// The folder is not valid: nothing changed.
    Refused {
        /// The version still in service.
        serving: String,
        /// Every problem, as `file:line: message`.
        problems: Vec<Diagnostic>,
    },
}

/// The content version in service, swappable while it answers.
#[derive(Debug)]
pub struct Live {
    kb: Kb,
    dir: PathBuf,
    engine: ArcSwap<Engine>,
    reloading: Mutex<()>,
    set_aside: Option<PathBuf>,
}

impl Live {
    /// Opens the knowledge base in `data` and brings it to the folder `dir`.
    ///
    /// With an invalid folder it serves the last valid stored version and
    /// returns the folder's problems beside it, for the caller to report
    /// loudly; with no valid version at all it fails with
    /// [`KbError::Invalid`]. A data folder sled cannot read is set aside and
    /// rebuilt ([`Kb::open_or_recover`]; see [`Live::set_aside`]).
    pub fn open(dir: &Path, data: &Path) -> Result<(Live, Vec<Diagnostic>), KbError> {
        let (kb, set_aside) = Kb::open_or_recover(data)?;
        let (snapshot, problems) = match kb.sync_dir(dir) {
            Ok((snapshot, sync)) => {
                tracing::info!(version = %snapshot.version, rebuilt = (sync == Sync::Rebuilt), "content loaded");
                (snapshot, Vec::new())
            }
            Err(KbError::Invalid(problems)) => match kb.current() {
                Some(old) => {
                    tracing::error!(
                        problems = problems.len(),
                        serving = %old.version,
                        "the content folder is not valid: serving the last valid version"
                    );
                    (old, problems)
                }
                None => return Err(KbError::Invalid(problems)),
            },
            Err(e) => return Err(e),
        };
        let engine = Engine::new(snapshot.version, snapshot.content);
        Ok((
            Live {
                kb,
                dir: dir.to_path_buf(),
                engine: ArcSwap::from_pointee(engine),
                reloading: Mutex::new(()),
                set_aside,
            },
            problems,
        ))
    }

    /// The engine of the version in service. Hold it for the whole of one
    /// reply, so the reply comes from one version.
    pub fn engine(&self) -> Arc<Engine> {
        self.engine.load_full()
    }

    /// The version in service.
    pub fn version(&self) -> String {
        self.engine.load().version.clone()
    }

    /// The knowledge base (and its sled database, shared with the store).
    pub fn kb(&self) -> &Kb {
        &self.kb
    }

    /// Where a damaged data folder's files were moved when this opened, for
    /// the operators to be told (and to keep for a bug report).
    pub fn set_aside(&self) -> Option<&Path> {
        self.set_aside.as_deref()
    }

    /// The content folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Reads the folder again and serves it when it is valid and new.
    pub fn reload(&self) -> Result<Reloaded, KbError> {
        // A poisoned lock only means an earlier reload panicked; the swap
        // itself is atomic, so there is nothing half-done to protect.
        let _one_at_a_time = self.reloading.lock().unwrap_or_else(|e| e.into_inner());
        let serving = self.version();
        match self.kb.sync_dir(&self.dir) {
            Ok((snapshot, _)) if snapshot.version == serving => {
                Ok(Reloaded::Unchanged { version: serving })
            }
            Ok((snapshot, _)) => {
                let to = snapshot.version.clone();
                let old = self.engine();
                let changes = ContentChanges::between(&old.content, &snapshot.content);
                let engine = Engine::new(snapshot.version, snapshot.content);
                self.engine.store(Arc::new(engine));
                tracing::info!(from = %serving, to = %to, "content reloaded");
                Ok(Reloaded::Updated {
                    from: serving,
                    to,
                    changes,
                })
            }
            Err(KbError::Invalid(problems)) => {
                tracing::error!(problems = problems.len(), serving = %serving, "content reload refused");
                Ok(Reloaded::Refused { serving, problems })
            }
            Err(e) => Err(e),
        }
    }
}

/// A reload's outcome, and what started it.
#[derive(Debug)]
pub struct ReloadReport {
    /// "watch", "signal" or "command".
    pub trigger: &'static str,
    /// What happened.
    pub outcome: Result<Reloaded, String>,
}

impl ReloadReport {
    /// Reloads `live` off the async threads and sends the outcome to
    /// `reports`, where the front end tells operators.
    pub async fn reload(
        live: &Arc<Live>,
        trigger: &'static str,
        reports: &tokio::sync::mpsc::UnboundedSender<ReloadReport>,
    ) {
        let live = Arc::clone(live);
        let outcome = tokio::task::spawn_blocking(move || live.reload())
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|e| e.to_string()));
        let _ = reports.send(ReloadReport { trigger, outcome });
    }
}

/// A running watch on the content folder; dropping it stops watching.
pub struct Watch {
    _watcher: notify::RecommendedWatcher,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Watch")
    }
}

/// Reloads `live` whenever files in its folder change, once the folder has
/// been quiet for `debounce` (an editor saving several files, or a `git
/// pull`, reloads once). `on_reload` hears every outcome; it runs on the
/// watcher's own thread.
pub fn watch(
    live: Arc<Live>,
    debounce: Duration,
    on_reload: impl Fn(Result<Reloaded, KbError>) + Send + 'static,
) -> Result<Watch, notify::Error> {
    use notify::{EventKind, Watcher};
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let mut watcher =
        notify::recommended_watcher(move |event: notify::Result<notify::Event>| match event {
            // Reading a file is an event too (inotify's OPEN): a reload reads
            // every file, and must not trigger the next one.
            Ok(e) if matches!(e.kind, EventKind::Access(_)) => {}
            Ok(_) => {
                let _ = tx.send(());
            }
            Err(e) => tracing::warn!(error = %e, "watching the content folder"),
        })?;
    watcher.watch(live.dir(), notify::RecursiveMode::Recursive)?;
    std::thread::Builder::new()
        .name("content-watch".into())
        .spawn(move || {
            // Ends when the watcher (and with it the sender) is dropped.
            while rx.recv().is_ok() {
                while rx.recv_timeout(debounce).is_ok() {}
                on_reload(live.reload());
            }
        })
        .map_err(|e| notify::Error::generic(&e.to_string()))?;
    Ok(Watch { _watcher: watcher })
}
