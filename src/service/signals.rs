//! Signals: SIGTERM or Ctrl-C stop the process, SIGHUP reloads the content.

use crate::live::{Live, ReloadReport};
use std::sync::Arc;
use tokio::sync::mpsc;

/// Completes on SIGTERM or Ctrl-C.
pub async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// Reloads on SIGHUP (`kill -HUP`, `systemctl reload`).
pub(super) async fn reload_on_sighup(
    live: Arc<Live>,
    reports: mpsc::UnboundedSender<ReloadReport>,
) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            tracing::warn!("cannot listen for SIGHUP");
            return;
        };
        while hup.recv().await.is_some() {
            ReloadReport::reload(&live, "signal", &reports).await;
        }
    }
    #[cfg(not(unix))]
    let _ = (live, reports);
}
