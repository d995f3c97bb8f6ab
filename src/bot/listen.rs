//! How updates arrive: long polling, or a webhook behind the bot's own
//! HTTP listener; either stops when the process asks it to.

use super::client::{Api, BotError};
use super::handlers::HandlerError;
use super::{send, webhook};
use crate::config::Config;
use crate::metrics::Metrics;
use std::sync::Arc;
use std::time::Duration;
use teloxide::dispatching::{DefaultKey, Dispatcher};
use teloxide::update_listeners::{webhooks, Polling, UpdateListener};
use teloxide::RequestError;

/// Long polling until the dispatcher is shut down. A failed poll is retried
/// by teloxide with backoff; a 409 (a second poller) is explained.
pub async fn poll<B: Api>(
    api: B,
    dispatcher: &mut Dispatcher<B, HandlerError, DefaultKey>,
    timeout: Duration,
    metrics: Arc<Metrics>,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) {
    let errors = move |e: RequestError| {
        let metrics = Arc::clone(&metrics);
        async move {
            metrics.api_error(send::code(&e));
            if matches!(
                e,
                RequestError::Api(teloxide::ApiError::TerminatedByOtherGetUpdates)
            ) {
                tracing::error!("409 Conflict: another process is polling Telegram with this token. Only one long-polling instance may run per bot: stop the other one, or run several replicas in webhook mode (--webhook-url)");
            } else {
                tracing::warn!(error = %send::describe(&e), "getting updates failed; retrying");
            }
        }
    };
    let mut listener = Polling::builder(api)
        .timeout(timeout)
        .delete_webhook()
        .await
        .build();
    spawn_shutdown(dispatcher.shutdown_token(), listener.stop_token(), stop);
    tracing::info!("long polling for updates");
    dispatcher
        .dispatch_with_listener(listener, Arc::new(errors))
        .await;
}

/// Webhook mode until the dispatcher is shut down: the port is taken first,
/// then the webhook registered (with its secret), then updates are served;
/// on shutdown teloxide removes the webhook.
pub async fn by_webhook<B: Api>(
    api: B,
    dispatcher: &mut Dispatcher<B, HandlerError, DefaultKey>,
    config: &Config,
    url: &url::Url,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), BotError> {
    let listen = config.webhook.listen;
    let tcp = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| BotError::Listen {
            addr: listen,
            source,
        })?;
    let mut options = webhooks::Options::new(listen, url.clone());
    if let Some(secret) = &config.webhook.secret {
        options = options.secret_token(secret.clone());
    }
    let (mut listener, stopped, router) = webhooks::axum_to_router(api, options)
        .await
        .map_err(BotError::Webhook)?;
    let router = router.layer(axum::middleware::from_fn(webhook::screen_updates));
    spawn_shutdown(dispatcher.shutdown_token(), listener.stop_token(), stop);
    tracing::info!(%listen, "receiving updates by webhook");
    tokio::spawn(async move {
        if let Err(e) = axum::serve(tcp, router)
            .with_graceful_shutdown(stopped)
            .await
        {
            tracing::error!(error = %e, "webhook server failed");
        }
    });
    // Webhook updates cannot fail to arrive: Telegram retries them.
    dispatcher
        .dispatch_with_listener(
            listener,
            Arc::new(|e: std::convert::Infallible| async move { match e {} }),
        )
        .await;
    Ok(())
}

/// Stops taking updates when `stop` completes (SIGTERM, what Docker sends,
/// or Ctrl-C); the dispatcher then finishes the updates being handled and
/// returns.
///
/// The listener is stopped directly: teloxide's `ShutdownToken` alone can be
/// missed by a dispatcher busy handling an update at that moment (its wake-up
/// is a `notify_waiters`, which keeps no permit), and under load the bot then
/// never stops.
fn spawn_shutdown(
    token: teloxide::dispatching::ShutdownToken,
    listener: teloxide::stop::StopToken,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) {
    tokio::spawn(async move {
        stop.await;
        tracing::info!("shutting down: finishing the replies in flight");
        listener.stop();
        // Marks the dispatcher as shutting down, so it reports it finished
        // because of a shutdown; its future is not awaited (see above).
        let _ = token.shutdown();
    });
}
