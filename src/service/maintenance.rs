//! Upkeep while the bot runs: retention and the counters written to disk.

use crate::store::Store;
use std::sync::Arc;
use std::time::Duration;

/// Every minute: retention, and the counters written to disk.
pub(super) async fn maintain(store: Arc<dyn Store>) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    tick.tick().await;
    loop {
        tick.tick().await;
        let store = Arc::clone(&store);
        let done = tokio::task::spawn_blocking(move || {
            let now = crate::clock::unix_now();
            store.prune(now).and_then(|_| store.flush())
        })
        .await;
        if let Ok(Err(e)) = done {
            tracing::warn!(error = %e, "store maintenance");
        }
    }
}
