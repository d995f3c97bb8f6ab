//! The Bot API client: teloxide's `Bot` for the configured token and API
//! URL, the request bound every handler is generic over, and what can stop
//! the bot from starting.

use crate::config::Config;
use teloxide::prelude::*;
use teloxide::requests::Requester;
use teloxide::RequestError;

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

// The two clients the bot runs with; the compiler checks each against the
// bounds above.
impl Api for Bot {}
impl Api for teloxide::adaptors::Throttle<Bot> {}

/// Why the Telegram front end could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum BotError {
    /// No token.
    #[error("TELOXIDE_TOKEN is not set: create a bot with @BotFather in Telegram, then run `TELOXIDE_TOKEN=<token> atazan run` (or use `atazan chat` without Telegram)")]
    NoToken,
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
        bot = bot.set_api_url(url.clone());
    }
    Ok(bot)
}
