//! Opening the store the configuration names: sled in the data folder (the
//! default, guarded against a full disk), or a shared PostgreSQL.

use crate::config::Config;
use crate::live::Live;
use crate::metrics::Metrics;
use crate::store::{Guarded, Health, PgOptions, PgStore, Retention, SledStore, Store, StoreError};
use std::sync::Arc;
use tokio::sync::mpsc;

/// Opens the store. A shared store that cannot be reached is an error
/// naming `ATAZAN_STORE`; it is opened before Telegram is contacted.
pub(super) async fn open(config: &Config, live: &Live) -> Result<Arc<dyn Store>, StoreError> {
    let retention = Retention {
        max_age_days: config.journal.retention_days,
        max_entries: config.journal.max_entries,
        ..Retention::default()
    };
    Ok(match &config.store {
        Some(url) => {
            let url = url.clone();
            let options = PgOptions {
                queue_bound: config.store_queue,
                ..PgOptions::default()
            };
            let store =
                tokio::task::spawn_blocking(move || PgStore::open_with(&url, retention, options))
                    .await
                    .map_err(|_| StoreError::Closed)??;
            tracing::info!("state in the shared store (PostgreSQL)");
            Arc::new(store)
        }
        None => Arc::new(SledStore::open(live.kb().db(), retention)?),
    })
}

/// The sled store behind a [`Guarded`]: a full disk costs the writes, never
/// the answers, and `health` hears when writes fail and work again. The
/// shared store queues and counts its own losses instead, and is returned
/// as it is.
pub(super) fn guard(
    config: &Config,
    store: Arc<dyn Store>,
    live: &Live,
    metrics: &Arc<Metrics>,
    health: mpsc::UnboundedSender<Health>,
) -> (Arc<dyn Store>, Option<Arc<Guarded>>) {
    if config.store.is_some() {
        return (store, None);
    }
    let guarded = Arc::new(Guarded::new(
        store,
        live.kb().path().to_path_buf(),
        Arc::clone(metrics),
        health,
    ));
    (Arc::clone(&guarded) as Arc<dyn Store>, Some(guarded))
}
