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
//! A question's trip, one file per step:
//!
//! ```text
//! listen (polling or webhook) → handlers → input (what is asked) → crate::screen (the screen,
//! from crate::engine's match) → render (HTML, keyboard) → send (deliver, retries) → record
//! ```
//!
//! Handlers are thin: every decision is [`crate::screen`]'s, shared with the
//! terminal chat. Every reply takes the content version in service once
//! ([`crate::live::Live::engine`]), so a reload in the middle of a burst
//! never mixes two versions in a reply.
//!
//! Around them: outgoing limits (teloxide's `Throttle`), a per-user flood
//! guard ([`flood`]), the command menus ([`menu`]), and what operators are
//! told in Telegram ([`admin`]). The process around the front end — the
//! store, reloads, `/healthz`, shutdown — is [`crate::service`]'s.

pub mod admin;
pub mod client;
pub mod context;
pub mod flood;
pub mod guard;
pub mod handlers;
pub mod inline;
pub mod input;
pub mod listen;
pub mod menu;
pub mod record;
pub mod render;
pub mod send;
pub mod webhook;

pub use client::{bot, Api, BotError};
pub use context::Ctx;

use crate::config::Config;
use crate::content::Diagnostic;
use crate::live::{Live, ReloadReport};
use crate::metrics::Metrics;
use crate::store::{Health, Store};
use handlers::HandlerError;
use std::sync::Arc;
use teloxide::adaptors::throttle::{Limits, Settings, Throttle};
use teloxide::dispatching::{Dispatcher, UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;
use tokio::sync::mpsc;

/// What the process hands the front end.
pub struct Process {
    /// The content in service.
    pub live: Arc<Live>,
    /// Users' languages, the journal and statistics.
    pub store: Arc<dyn Store>,
    /// Counters for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// The content folder's problems found at start-up.
    pub problems: Vec<Diagnostic>,
    /// Where a `/reload` sends its outcome.
    pub reloads: mpsc::UnboundedSender<ReloadReport>,
    /// Every reload's outcome, whatever started it, for operators.
    pub reload_reports: mpsc::UnboundedReceiver<ReloadReport>,
    /// The store failing and recovering, for operators.
    pub store_health: mpsc::UnboundedReceiver<Health>,
}

/// The handler tree: everything the bot reacts to.
pub fn schema<B: Api>() -> UpdateHandler<HandlerError> {
    dptree::entry()
        .branch(Update::filter_message().endpoint(handlers::message::<B>))
        .branch(Update::filter_edited_message().endpoint(handlers::message::<B>))
        .branch(Update::filter_callback_query().endpoint(handlers::callback::<B>))
        .branch(Update::filter_inline_query().endpoint(inline::answer::<B>))
}

/// Connects to the Bot API and answers until `stop` completes: long
/// polling, or a webhook when `config.webhook.url` is set.
pub async fn serve(
    config: &Config,
    process: Process,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), BotError> {
    let bot = bot(config)?;
    if config.limits.throttle {
        let limited =
            Throttle::spawn_with_settings(bot, Settings::default().limits(Limits::default()));
        serve_with(limited, config, process, stop).await
    } else {
        serve_with(bot, config, process, stop).await
    }
}

async fn serve_with<B: Api>(
    api: B,
    config: &Config,
    process: Process,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), BotError> {
    let Process {
        live,
        store,
        metrics,
        problems,
        reloads,
        reload_reports,
        store_health,
    } = process;
    let me = send::with_retry(api.get_me(), &metrics)
        .await
        .map_err(BotError::Connect)?;
    tracing::info!(bot = %me.username(), version = %live.version(), "connected to the Bot API");
    let ctx = Arc::new(Ctx::new(
        config,
        Arc::clone(&live),
        store,
        Arc::clone(&metrics),
        reloads,
    ));

    menu::set_commands(&api, &ctx).await;
    if !problems.is_empty() {
        admin::notify_startup_problems(&api, &ctx, &problems).await;
    }
    if let Some(aside) = live.set_aside() {
        admin::notify_set_aside(&api, &ctx, aside).await;
    }
    tokio::spawn(admin::report_store_health(
        api.clone(),
        Arc::clone(&ctx),
        store_health,
    ));
    tokio::spawn(admin::report_reloads(
        api.clone(),
        Arc::clone(&ctx),
        reload_reports,
    ));

    let mut dispatcher = Dispatcher::builder(api.clone(), schema::<B>())
        .dependencies(dptree::deps![Arc::clone(&ctx)])
        .default_handler(|update: Arc<Update>| async move {
            tracing::debug!(id = update.id.0, "update of a kind the bot ignores");
        })
        .error_handler(Arc::new(|e: HandlerError| async move {
            tracing::error!(error = %e, "handler failed");
        }))
        .build();

    match &config.webhook.url {
        None => listen::poll(api, &mut dispatcher, config.poll_timeout(), metrics, stop).await,
        Some(url) => listen::by_webhook(api, &mut dispatcher, config, url, stop).await?,
    }
    Ok(())
}
