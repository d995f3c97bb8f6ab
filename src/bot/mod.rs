//! The Telegram front end.
//!
//! The handler tree ([`schema`]) is the whole of what the bot reacts to:
//!
//! ```text
//! update ─┬─ message ─────────┬─ command (/start, /help, /topics, /lang, /about; operators: /reload, /unanswered, /stats)
//!         ├─ edited message ──┤  question (private chat; in groups only a mention or a reply to the bot)
//!         │                   └─ sticker, voice, photo… → "I understand text"
//!         ├─ callback query ── a button: browse, vote, choose a language (the message is edited in place)
//!         ├─ inline query ──── `@bot question` in any chat: up to 5 passages to share
//!         └─ anything else ─── ignored quietly
//! ```
//!
//! Handlers ([`handlers`]) are thin: they parse the update, ask
//! [`crate::dialog`] for the screen (the same screens the terminal chat
//! shows), render it ([`render`]) and send it ([`send`], with retries).
//! Every reply takes the content version in service once ([`Live::engine`]),
//! so a reload in the middle of a burst never mixes two versions in a reply.
//!
//! Around them: outgoing limits (teloxide's `Throttle`), a per-user flood
//! guard ([`flood`]), content reloads from a file watcher, SIGHUP and
//! `/reload` reported to operators ([`admin`]), `/healthz` and `/metrics`
//! ([`crate::ops`]), and a graceful shutdown on SIGTERM or Ctrl-C that
//! finishes the replies in flight and flushes sled.

pub mod admin;
pub mod flood;
pub mod handlers;
pub mod render;
pub mod send;
pub mod webhook;

use crate::config::Config;
use crate::content::Diagnostic;
use crate::lang::Lang;
use crate::live::{self, Live, Reloaded};
use crate::metrics::Metrics;
use crate::store::{Guarded, PgOptions, PgStore, Retention, SledStore, Store};
use std::sync::Arc;
use std::time::Duration;
use teloxide::adaptors::throttle::{Limits, Settings, Throttle};
use teloxide::dispatching::{Dispatcher, UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::requests::Requester;
use teloxide::types::{BotCommand, BotCommandScope, Recipient};
use teloxide::update_listeners::{webhooks, Polling, UpdateListener};
use teloxide::RequestError;
use tokio::sync::mpsc;

/// The Bot API client every handler uses: teloxide's `Bot`, behind the
/// `Throttle` adaptor that keeps Telegram's outgoing limits, or bare when
/// limits are off (the adaptor releases messages in rounds of 250 ms, which a
/// load test on loopback must not measure). Handlers are generic over it.
pub trait Api:
    Requester<
        Err = RequestError,
        GetMe: Send + Sync,
        SendMessage: Send + Sync,
        EditMessageText: Send + Sync,
        EditMessageReplyMarkup: Send + Sync,
        AnswerCallbackQuery: Send + Sync,
        AnswerInlineQuery: Send + Sync,
        SetMyCommands: Send + Sync,
        GetUpdates: Send,
        DeleteWebhook: Send,
    > + Clone
    + Send
    + Sync
    + 'static
{
}

impl<T> Api for T where
    T: Requester<
            Err = RequestError,
            GetMe: Send + Sync,
            SendMessage: Send + Sync,
            EditMessageText: Send + Sync,
            EditMessageReplyMarkup: Send + Sync,
            AnswerCallbackQuery: Send + Sync,
            AnswerInlineQuery: Send + Sync,
            SetMyCommands: Send + Sync,
            GetUpdates: Send,
            DeleteWebhook: Send,
        > + Clone
        + Send
        + Sync
        + 'static
{
}

/// Why the bot could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum BotError {
    /// No token.
    #[error("TELOXIDE_TOKEN is not set: create a bot with @BotFather in Telegram, then run `TELOXIDE_TOKEN=<token> atazan run` (or use `atazan chat` without Telegram)")]
    NoToken,
    /// A URL setting does not parse.
    #[error("{what}: `{url}` is not a valid URL: {source}")]
    Url {
        /// Which setting.
        what: &'static str,
        /// Its value.
        url: String,
        /// The cause.
        source: url::ParseError,
    },
    /// Telegram refused the token or could not be reached at start-up.
    #[error("the Bot API did not answer getMe: {0} (check TELOXIDE_TOKEN and the network)")]
    Connect(teloxide::RequestError),
    /// The webhook could not be registered.
    #[error("cannot register the webhook with Telegram: {0}")]
    Webhook(teloxide::RequestError),
    /// A server could not listen.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: std::net::SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// What every handler shares.
pub struct Ctx {
    /// The content in service.
    pub live: Arc<Live>,
    /// Users' languages, the journal and statistics.
    pub store: Arc<dyn Store>,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// The per-user flood guard.
    pub flood: flood::Flood,
    /// Operators' Telegram user ids.
    pub admins: Vec<u64>,
    /// The interface language when Telegram's is none of ours.
    pub default_lang: Lang,
    /// Who runs the bot and how long the journal keeps entries (told to
    /// users in /about).
    pub imprint: crate::dialog::Imprint,
    /// Where reload outcomes go to be reported.
    pub reloads: mpsc::UnboundedSender<ReloadReport>,
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("version", &self.live.version())
            .field("admins", &self.admins.len())
            .finish_non_exhaustive()
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

impl Ctx {
    /// Builds the shared state from the configuration.
    pub fn new(
        config: &Config,
        live: Arc<Live>,
        store: Arc<dyn Store>,
        metrics: Arc<Metrics>,
        reloads: mpsc::UnboundedSender<ReloadReport>,
    ) -> Ctx {
        Ctx {
            live,
            store,
            metrics,
            flood: flood::Flood::new(config.limits.flood_messages, config.flood_window()),
            admins: config.telegram.admins.clone(),
            default_lang: config.telegram.default_lang,
            imprint: crate::dialog::Imprint::of(config),
            reloads,
        }
    }

    /// Whether `user` is an operator.
    pub fn is_admin(&self, user: UserId) -> bool {
        self.admins.contains(&user.0)
    }

    /// The interface language for `user`: their `/lang` choice, else their
    /// Telegram language when it is one of ours, else the default.
    pub fn ui_lang(&self, user: &teloxide::types::User) -> Lang {
        self.store
            .language(user.id.0)
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "reading a user's language");
                None
            })
            .or_else(|| user.language_code.as_deref().and_then(|c| c.parse().ok()))
            .unwrap_or(self.default_lang)
    }
}

/// The handler tree: everything the bot reacts to.
pub fn schema<B: Api>() -> UpdateHandler<handlers::HandlerError> {
    dptree::entry()
        .branch(Update::filter_message().endpoint(handlers::message::<B>))
        .branch(Update::filter_edited_message().endpoint(handlers::message::<B>))
        .branch(Update::filter_callback_query().endpoint(handlers::callback::<B>))
        .branch(Update::filter_inline_query().endpoint(handlers::inline::<B>))
}

/// The Bot API client for `config`: its token and its API URL.
pub fn bot(config: &Config) -> Result<Bot, BotError> {
    let token = config.token().ok_or(BotError::NoToken)?;
    let client = teloxide::net::default_reqwest_settings()
        .timeout(config.api_timeout())
        // Replies to many chats go out at once; keep their connections.
        .pool_max_idle_per_host(256)
        .build()
        .unwrap_or_default();
    let mut bot = Bot::with_client(token, client);
    if let Some(url) = &config.telegram.api_url {
        let parsed = url.parse().map_err(|source| BotError::Url {
            what: "TELOXIDE_API_URL",
            url: url.clone(),
            source,
        })?;
        bot = bot.set_api_url(parsed);
    }
    Ok(bot)
}

/// Runs the bot until SIGTERM or Ctrl-C: long polling, or a webhook when
/// `config.webhook.url` is set. `problems` are the content folder's problems
/// found at start-up (the last valid version is serving); operators hear of
/// them at once.
pub async fn run(
    config: Config,
    live: Arc<Live>,
    problems: Vec<Diagnostic>,
) -> Result<Exit, BotError> {
    run_until(config, live, problems, wait_for_signal()).await
}

/// [`run`], stopping when `stop` completes instead of on a signal (the load
/// benchmark runs the bot inside its own process this way).
pub async fn run_until(
    config: Config,
    live: Arc<Live>,
    problems: Vec<Diagnostic>,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Exit, BotError> {
    let bot = bot(&config)?;
    if config.limits.throttle {
        let limited =
            Throttle::spawn_with_settings(bot, Settings::default().limits(Limits::default()));
        serve(limited, config, live, problems, stop).await
    } else {
        serve(bot, config, live, problems, stop).await
    }
}

async fn serve<B: Api>(
    api: B,
    config: Config,
    live: Arc<Live>,
    problems: Vec<Diagnostic>,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Exit, BotError> {
    let retention = Retention {
        max_age_days: config.journal.retention_days,
        max_entries: config.journal.max_entries,
        ..Retention::default()
    };
    // Before Telegram: a shared store that cannot be reached stops the
    // start-up with an error naming ATAZAN_STORE.
    let store: Arc<dyn Store> = match &config.store {
        Some(url) => {
            let url = url.clone();
            let options = PgOptions {
                queue_bound: config.store_queue,
                ..PgOptions::default()
            };
            let store =
                tokio::task::spawn_blocking(move || PgStore::open_with(&url, retention, options))
                    .await
                    .map_err(|_| crate::store::StoreError::Closed)??;
            tracing::info!("state in the shared store (PostgreSQL)");
            Arc::new(store)
        }
        None => Arc::new(SledStore::open(live.kb().db(), retention)?),
    };
    let metrics = Arc::new(Metrics::new());
    let me = send::with_retry(api.get_me(), &metrics)
        .await
        .map_err(BotError::Connect)?;
    tracing::info!(bot = %me.username(), version = %live.version(), "connected to the Bot API");

    // A full disk costs the writes, never the answers; operators hear of it
    // once. The shared store queues and counts its own losses instead.
    let (health_tx, health_rx) = mpsc::unbounded_channel();
    let guarded = config.store.is_none().then(|| {
        Arc::new(Guarded::new(
            Arc::clone(&store),
            live.kb().path().to_path_buf(),
            Arc::clone(&metrics),
            health_tx,
        ))
    });
    let store: Arc<dyn Store> = match &guarded {
        Some(g) => Arc::clone(g) as Arc<dyn Store>,
        None => store,
    };
    // Space back under a data folder sled gave up on: stop as on a signal,
    // and ask for a new process.
    let reopen = Arc::new(tokio::sync::Notify::new());
    let reopening = Arc::new(std::sync::atomic::AtomicBool::new(false));
    if let Some(g) = guarded {
        tokio::spawn(reopen_when_space_is_back(
            g,
            Arc::clone(&reopen),
            Arc::clone(&reopening),
        ));
    }
    let stop = {
        let reopen = Arc::clone(&reopen);
        async move {
            tokio::select! {
                _ = stop => {}
                _ = reopen.notified() => {}
            }
        }
    };
    metrics.content_version(&live.version());
    let (reload_tx, reload_rx) = mpsc::unbounded_channel();
    let ctx = Arc::new(Ctx::new(
        &config,
        Arc::clone(&live),
        Arc::clone(&store),
        Arc::clone(&metrics),
        reload_tx.clone(),
    ));

    set_commands(&api, &ctx).await;
    if !problems.is_empty() {
        admin::notify_startup_problems(&api, &ctx, &problems).await;
    }
    if let Some(aside) = live.set_aside() {
        admin::notify_set_aside(&api, &ctx, aside).await;
    }
    tokio::spawn(admin::report_store_health(
        api.clone(),
        Arc::clone(&ctx),
        health_rx,
    ));
    tokio::spawn(admin::report_reloads(
        api.clone(),
        Arc::clone(&ctx),
        reload_rx,
    ));
    let _watch = if config.reload.watch {
        let tx = reload_tx.clone();
        live::watch(
            Arc::clone(&live),
            Duration::from_millis(config.reload.debounce_ms),
            move |outcome| {
                let _ = tx.send(ReloadReport {
                    trigger: "watch",
                    outcome: outcome.map_err(|e| e.to_string()),
                });
            },
        )
        .map_err(|e| tracing::warn!(error = %e, "cannot watch the content folder; SIGHUP and /reload still reload"))
        .ok()
    } else {
        None
    };
    tokio::spawn(reload_on_sighup(Arc::clone(&ctx)));
    tokio::spawn(maintain(Arc::clone(&store)));
    let ops = match config.http.listen {
        Some(addr) => Some(
            crate::ops::spawn(
                addr,
                crate::ops::State::new(Arc::clone(&live), Arc::clone(&store), Arc::clone(&metrics)),
            )
            .await
            .map_err(|source| BotError::Listen { addr, source })?,
        ),
        None => None,
    };

    let mut dispatcher = Dispatcher::builder(api.clone(), schema::<B>())
        .dependencies(dptree::deps![Arc::clone(&ctx)])
        .default_handler(|update: Arc<Update>| async move {
            tracing::debug!(id = update.id.0, "update of a kind the bot ignores");
        })
        .error_handler(Arc::new(|e: handlers::HandlerError| async move {
            tracing::error!(error = %e, "handler failed");
        }))
        .build();

    match &config.webhook.url {
        None => poll(api, &mut dispatcher, config.poll_timeout(), metrics, stop).await,
        Some(url) => by_webhook(api, &mut dispatcher, &config, url, stop).await?,
    }

    tracing::info!("stopped taking updates; flushing");
    if let Some(ops) = ops {
        ops.abort();
    }
    if let Err(e) = store.flush() {
        tracing::error!(error = %e, "flushing the store");
    }
    if let Err(e) = live.kb().flush() {
        tracing::error!(error = %e, "flushing the knowledge base");
    }
    tracing::info!("bye");
    Ok(if reopening.load(std::sync::atomic::Ordering::Acquire) {
        Exit::Reopen
    } else {
        Exit::Stopped
    })
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

/// How often a failing data folder is probed for space.
const PROBE_EVERY: Duration = Duration::from_secs(2);

/// While the store's writes fail, probes the data folder; after two probes
/// in a row succeed (space is back, not a moment's slack), tells operators
/// and asks `serve` to stop for a reopen.
async fn reopen_when_space_is_back(
    guard: Arc<Guarded>,
    reopen: Arc<tokio::sync::Notify>,
    reopening: Arc<std::sync::atomic::AtomicBool>,
) {
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
            reopening.store(true, std::sync::atomic::Ordering::Release);
            reopen.notify_one();
            return;
        }
    }
}

/// Long polling until the dispatcher is shut down. A failed poll is retried
/// by teloxide with backoff; a 409 (a second poller) is explained.
async fn poll<B: Api>(
    api: B,
    dispatcher: &mut Dispatcher<B, handlers::HandlerError, teloxide::dispatching::DefaultKey>,
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
async fn by_webhook<B: Api>(
    api: B,
    dispatcher: &mut Dispatcher<B, handlers::HandlerError, teloxide::dispatching::DefaultKey>,
    config: &Config,
    url: &str,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), BotError> {
    let listen = config.webhook.listen;
    let parsed: url::Url = url.parse().map_err(|source| BotError::Url {
        what: "ATAZAN_WEBHOOK_URL",
        url: url.to_string(),
        source,
    })?;
    let tcp = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| BotError::Listen {
            addr: listen,
            source,
        })?;
    let mut options = webhooks::Options::new(listen, parsed);
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

/// The command menu, in each language; operators get theirs with the
/// operator commands, which nobody else sees.
async fn set_commands<B: Api>(api: &B, ctx: &Ctx) {
    use crate::command::Command;
    let menu = |commands: &[Command], lang: Lang| -> Vec<BotCommand> {
        commands
            .iter()
            .map(|&c| BotCommand::new(c.name(), crate::i18n::command_description(c, lang)))
            .collect()
    };
    let mut calls = Vec::new();
    // The default (no language) menu is Kazakh, the state language.
    calls.push((
        BotCommandScope::Default,
        None,
        menu(&Command::PUBLIC, Lang::Kk),
    ));
    for lang in Lang::ALL {
        calls.push((
            BotCommandScope::Default,
            Some(lang),
            menu(&Command::PUBLIC, lang),
        ));
    }
    let all: Vec<Command> = Command::PUBLIC
        .into_iter()
        .chain(Command::OPERATOR)
        .collect();
    for &admin in &ctx.admins {
        let scope = BotCommandScope::Chat {
            chat_id: Recipient::Id(ChatId(admin as i64)),
        };
        calls.push((scope.clone(), None, menu(&all, Lang::Kk)));
        for lang in Lang::ALL {
            calls.push((scope.clone(), Some(lang), menu(&all, lang)));
        }
    }
    for (scope, lang, commands) in calls {
        let mut req = api.set_my_commands(commands).scope(scope);
        if let Some(l) = lang {
            req = req.language_code(l.code());
        }
        if let Err(e) = send::with_retry(req, &ctx.metrics).await {
            // An operator who never opened the bot has no chat yet.
            tracing::warn!(error = %e, "setting the command menu");
        }
    }
}

/// Reloads on SIGHUP (`kill -HUP`, `systemctl reload`).
async fn reload_on_sighup(ctx: Arc<Ctx>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            tracing::warn!("cannot listen for SIGHUP");
            return;
        };
        while hup.recv().await.is_some() {
            admin::reload(&ctx, "signal").await;
        }
    }
    #[cfg(not(unix))]
    let _ = ctx;
}

/// Every minute: retention, and the counters written to disk.
async fn maintain(store: Arc<dyn Store>) {
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
