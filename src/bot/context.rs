//! What every handler shares: the content in service, the store, the
//! counters, the flood guard and the operators.

use super::flood;
use crate::config::Config;
use crate::lang::Lang;
use crate::live::{Live, ReloadReport};
use crate::metrics::Metrics;
use crate::store::Store;
use std::sync::Arc;
use teloxide::types::UserId;
use tokio::sync::mpsc;

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
    pub imprint: crate::screen::Imprint,
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
            imprint: crate::screen::Imprint::of(config),
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
