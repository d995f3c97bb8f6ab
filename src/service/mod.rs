//! The running bot as a process: everything around the Telegram front end.
//!
//! ```text
//! run ─┬─ store: sled in the data folder (guarded) or PostgreSQL   stores
//!      ├─ a failing data folder probed until it takes writes       recovery
//!      ├─ content reloads: file watcher and SIGHUP → reload reports
//!      ├─ retention and counters every minute                      maintenance
//!      ├─ /healthz, /metrics, reports over HTTP                    crate::ops
//!      ├─ the Telegram front end until SIGTERM / Ctrl-C            crate::bot
//!      └─ the final flush of the store and the knowledge base
//! ```
//!
//! The front end is handed what the process owns ([`bot::Process`]): it
//! answers, and tells operators about reloads and the store's health; the
//! process decides when everything starts and stops.

mod maintenance;
mod recovery;
mod signals;
mod stores;

pub use signals::wait_for_signal;

use crate::bot::{self, BotError};
use crate::config::Config;
use crate::content::Diagnostic;
use crate::live::{self, Live, ReloadReport};
use crate::metrics::Metrics;
use crate::store::StoreError;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Why the bot could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The operations server could not listen.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: std::net::SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The Telegram front end could not start.
    #[error(transparent)]
    Bot(#[from] BotError),
}

/// How the bot stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// On a signal (or the caller's `stop`).
    Stopped,
    /// The data folder failed and takes writes again: the caller should start
    /// a new process (sled keeps its first I/O error until reopened, and only
    /// one handle may hold the folder).
    Reopen,
}

/// Runs the bot until SIGTERM or Ctrl-C: long polling, or a webhook when
/// `config.webhook.url` is set. `problems` are the content folder's problems
/// found at start-up (the last valid version is serving); operators hear of
/// them at once.
pub async fn run(
    config: Config,
    live: Arc<Live>,
    problems: Vec<Diagnostic>,
) -> Result<Exit, ServiceError> {
    run_until(config, live, problems, wait_for_signal()).await
}

/// [`run`], stopping when `stop` completes instead of on a signal (the load
/// benchmark runs the bot inside its own process this way).
pub async fn run_until(
    config: Config,
    live: Arc<Live>,
    problems: Vec<Diagnostic>,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Exit, ServiceError> {
    let store = stores::open(&config, &live).await?;
    let metrics = Arc::new(Metrics::new());
    metrics.content_version(&live.version());

    let (health_tx, store_health) = mpsc::unbounded_channel();
    let (store, guarded) = stores::guard(&config, store, &live, &metrics, health_tx);
    let reopen = recovery::Reopen::default();
    if let Some(g) = guarded {
        tokio::spawn(recovery::when_space_is_back(g, reopen.clone()));
    }
    let stop = reopen.or(stop);

    let (reloads, reload_reports) = mpsc::unbounded_channel();
    let _watch = config
        .reload
        .watch
        .then(|| watch_content(&live, config.reload.debounce_ms, reloads.clone()))
        .flatten();
    tokio::spawn(signals::reload_on_sighup(
        Arc::clone(&live),
        reloads.clone(),
    ));
    tokio::spawn(maintenance::maintain(Arc::clone(&store)));
    let ops = match config.http.listen {
        Some(addr) => Some(
            crate::ops::spawn(
                addr,
                crate::ops::State::new(Arc::clone(&live), Arc::clone(&store), Arc::clone(&metrics)),
            )
            .await
            .map_err(|source| ServiceError::Listen { addr, source })?,
        ),
        None => None,
    };

    let process = bot::Process {
        live: Arc::clone(&live),
        store: Arc::clone(&store),
        metrics,
        problems,
        reloads,
        reload_reports,
        store_health,
    };
    let served = bot::serve(&config, process, stop).await;
    if served.is_ok() {
        tracing::info!("stopped taking updates; flushing");
    }
    if let Some(ops) = ops {
        ops.abort();
    }
    if let Err(e) = store.flush() {
        tracing::error!(error = %e, "flushing the store");
    }
    if let Err(e) = live.kb().flush() {
        tracing::error!(error = %e, "flushing the knowledge base");
    }
    served?;
    tracing::info!("bye");
    Ok(if reopen.asked() {
        Exit::Reopen
    } else {
        Exit::Stopped
    })
}

/// Reloads when the content folder changes; `None` (logged) when it cannot
/// be watched: SIGHUP and `/reload` still reload.
fn watch_content(
    live: &Arc<Live>,
    debounce_ms: u64,
    reports: mpsc::UnboundedSender<ReloadReport>,
) -> Option<live::Watch> {
    live::watch(
        Arc::clone(live),
        Duration::from_millis(debounce_ms),
        move |outcome| {
            let _ = reports.send(ReloadReport {
                trigger: "watch",
                outcome: outcome.map_err(|e| e.to_string()),
            });
        },
    )
    .map_err(|e| {
        tracing::warn!(error = %e, "cannot watch the content folder; SIGHUP and /reload still reload")
    })
    .ok()
}
