//! A data folder that failed and takes writes again: sled keeps its first
//! I/O error until the folder is reopened, so the process stops as on a
//! signal and asks its caller for a new one ([`super::Exit::Reopen`]).

use crate::store::Guarded;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How often a failing data folder is probed for space.
const PROBE_EVERY: Duration = Duration::from_secs(2);

/// The request to stop for a reopen, shared by the prober and the process.
#[derive(Debug, Clone, Default)]
pub(super) struct Reopen {
    wake: Arc<Notify>,
    asked: Arc<AtomicBool>,
}

impl Reopen {
    /// Whether a reopen was asked for.
    pub(super) fn asked(&self) -> bool {
        self.asked.load(Ordering::Acquire)
    }

    /// Completes when `stop` does or a reopen is asked for, whichever is
    /// first.
    pub(super) fn or(
        &self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> impl std::future::Future<Output = ()> + Send + 'static {
        let wake = Arc::clone(&self.wake);
        async move {
            tokio::select! {
                _ = stop => {}
                _ = wake.notified() => {}
            }
        }
    }

    fn ask(&self) {
        self.asked.store(true, Ordering::Release);
        self.wake.notify_one();
    }
}

/// While the store's writes fail, probes the data folder; after two probes
/// in a row succeed (space is back, not a moment's slack), tells operators
/// (through the guard) and asks the process to stop for a reopen.
pub(super) async fn when_space_is_back(guard: Arc<Guarded>, reopen: Reopen) {
    let mut tick = tokio::time::interval(PROBE_EVERY);
    let mut good = 0;
    loop {
        tick.tick().await;
        if !guard.failing() {
            good = 0;
            continue;
        }
        let g = Arc::clone(&guard);
        let back = tokio::task::spawn_blocking(move || g.space_is_back())
            .await
            .unwrap_or(false);
        good = if back { good + 1 } else { 0 };
        if good >= 2 {
            let lost = guard.reopening();
            tracing::info!(
                lost,
                "space is back in the data folder: restarting to reopen it"
            );
            // The operators' notice goes out before the process is replaced.
            tokio::time::sleep(Duration::from_secs(1)).await;
            reopen.ask();
            return;
        }
    }
}
