//! Bot API requests that survive a bad moment: rate limits (429 with
//! `retry_after`), gateway errors, network failures, answers that are not
//! JSON and errors the Bot API never defined are retried with backoff, a
//! bounded number of times; the Bot API's own refusals fail at once.
//!
//! Replies go out here too: a screen delivered as one or more HTML messages
//! ([`deliver`]), edited in place ([`edit`]), or a one-line [`notice`].
//!
//! Outgoing message limits themselves are kept by teloxide's `Throttle`
//! adaptor, which also obeys 429s on the requests it throttles; this layer
//! covers every other request (edits, callback answers, inline answers).

use super::client::Api;
use super::context::Ctx;
use crate::i18n::{t, Msg};
use crate::lang::Lang;
use crate::metrics::Metrics;
use crate::screen::{self, Screen};
use std::time::Duration;
use teloxide::payloads::{EditMessageTextSetters, SendMessageSetters};
use teloxide::prelude::*;
use teloxide::requests::{Output, Request};
use teloxide::types::{LinkPreviewOptions, MessageId, ParseMode, ReplyParameters};
use teloxide::{ApiError, RequestError};

/// Tries per request, the first included.
pub const ATTEMPTS: u32 = 5;
/// The longest wait a 429 may ask for before the reply is given up.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// Sends `request`, retrying what is worth retrying; every failure is
/// counted in `metrics` by its code.
pub async fn with_retry<R>(request: R, metrics: &Metrics) -> Result<Output<R>, RequestError>
where
    R: Request<Err = RequestError>,
{
    let mut attempt = 1;
    loop {
        match request.send_ref().await {
            Ok(out) => return Ok(out),
            Err(e) => {
                metrics.api_error(code(&e));
                match retry_delay(&e, attempt) {
                    Some(wait) if attempt < ATTEMPTS => {
                        tracing::warn!(error = %describe(&e), attempt, wait_ms = wait.as_millis() as u64, "Bot API request failed; retrying");
                        tokio::time::sleep(wait).await;
                        attempt += 1;
                    }
                    _ => return Err(e),
                }
            }
        }
    }
}

/// How long to wait before trying again, or `None` when trying again cannot
/// help (a bad request, a blocked bot).
pub fn retry_delay(e: &RequestError, attempt: u32) -> Option<Duration> {
    let backoff = Duration::from_millis(250 << attempt.min(6));
    match e {
        RequestError::RetryAfter(after) => {
            let wait = after.duration();
            (wait <= MAX_RETRY_AFTER).then_some(wait)
        }
        RequestError::Network(_) | RequestError::InvalidJson { .. } | RequestError::Io(_) => {
            Some(backoff)
        }
        RequestError::Api(ApiError::Unknown(description))
            if server_error(description).is_some() || !client_error(description) =>
        {
            Some(backoff)
        }
        _ => None,
    }
}

/// Whether an error teloxide does not know is one of the Bot API's own
/// refusals ("Bad Request: …", "Forbidden: …"), which a retry cannot
/// change. Anything else (an error code the Bot API never used, a proxy's
/// message) may pass: it gets the bounded retries, so a reply is not lost
/// to a moment of nonsense.
fn client_error(description: &str) -> bool {
    [
        "Bad Request",
        "Unauthorized",
        "Forbidden",
        "Not Found",
        "Conflict",
        "Too Many Requests",
    ]
    .iter()
    .any(|prefix| description.starts_with(prefix))
}

/// A short label for a failure: the HTTP code where one is known, else its
/// kind. Used as a metrics label, so it never contains request data.
pub fn code(e: &RequestError) -> String {
    match e {
        RequestError::RetryAfter(_) => "429".into(),
        RequestError::Network(_) => "network".into(),
        RequestError::InvalidJson { .. } => "invalid_response".into(),
        RequestError::Io(_) => "io".into(),
        RequestError::MigrateToChatId(_) => "migrated".into(),
        RequestError::Api(ApiError::TerminatedByOtherGetUpdates) => "409".into(),
        RequestError::Api(ApiError::Unknown(d)) => server_error(d).unwrap_or("api_unknown").into(),
        RequestError::Api(api) => {
            // The variant's name, e.g. `MessageNotModified`.
            let name = format!("{api:?}");
            let name = name.split(['(', ' ', '{']).next().unwrap_or("api");
            format!("api_{name}")
        }
    }
}

/// A failure as a log line may show it: teloxide's own description of an
/// answer that is not JSON quotes the whole answer, which for `getUpdates`
/// holds users' messages; this keeps only where the JSON broke.
pub fn describe(e: &RequestError) -> String {
    match e {
        RequestError::InvalidJson { source, raw } => format!(
            "the Bot API's answer is not valid JSON ({} bytes): {source}",
            raw.len()
        ),
        other => other.to_string(),
    }
}

/// The HTTP status a gateway error's description stands for, if it is one.
fn server_error(description: &str) -> Option<&'static str> {
    let d = description.to_ascii_lowercase();
    [
        ("internal server error", "500"),
        ("bad gateway", "502"),
        ("service unavailable", "503"),
        ("gateway timeout", "504"),
    ]
    .into_iter()
    .find(|(text, _)| d.contains(text))
    .map(|(_, code)| code)
}

/// A screen's text as one or more messages, the keyboard under the last;
/// the first replies to `reply_to`. Formatting Telegram refuses (a bug on
/// our side, never the user's) falls back to an apology in plain text.
pub async fn deliver<B: Api>(
    bot: &B,
    ctx: &Ctx,
    chat: ChatId,
    screen: &Screen,
    reply_to: Option<MessageId>,
) -> Result<Message, RequestError> {
    let parts = super::render::html_parts(screen);
    let last = parts.len() - 1;
    let mut sent = None;
    for (i, part) in parts.into_iter().enumerate() {
        let mut req = bot
            .send_message(chat, part)
            .parse_mode(ParseMode::Html)
            .link_preview_options(no_preview());
        if i == 0 {
            if let Some(id) = reply_to {
                req = req.reply_parameters(ReplyParameters::new(id).allow_sending_without_reply());
            }
        }
        if i == last {
            if let Some(k) = super::render::keyboard(screen) {
                req = req.reply_markup(k);
            }
        }
        match with_retry(req, &ctx.metrics).await {
            Ok(m) => sent = Some(m),
            Err(RequestError::Api(ApiError::CantParseEntities(e) | ApiError::Unknown(e)))
                if e.contains("entities") || e.contains("too long") =>
            {
                tracing::error!(error = %e, "Telegram refused a rendered message");
                return with_retry(
                    bot.send_message(chat, t(Msg::Apology, screen.lang)),
                    &ctx.metrics,
                )
                .await;
            }
            Err(e) => {
                tracing::warn!(error = %describe(&e), chat = chat.0, "a reply could not be delivered");
                return Err(e);
            }
        }
    }
    Ok(sent.expect("a screen has at least one part"))
}

/// Replaces a message's text and buttons with `screen` (browsing in place).
pub async fn edit<B: Api>(
    bot: &B,
    ctx: &Ctx,
    m: &Message,
    screen: &Screen,
) -> Result<(), RequestError> {
    let parts = super::render::html_parts(screen);
    if parts.len() > 1 {
        // Too long for one message: send it as new messages instead.
        return deliver(bot, ctx, m.chat.id, screen, None).await.map(|_| ());
    }
    let mut req = bot
        .edit_message_text(m.chat.id, m.id, parts.concat())
        .parse_mode(ParseMode::Html)
        .link_preview_options(no_preview());
    if let Some(k) = super::render::keyboard(screen) {
        req = req.reply_markup(k);
    }
    match with_retry(req, &ctx.metrics).await {
        Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
        Err(RequestError::Api(ApiError::MessageToEditNotFound | ApiError::MessageCantBeEdited)) => {
            deliver(bot, ctx, m.chat.id, screen, None).await.map(|_| ())
        }
        Err(e) => Err(e),
    }
}

/// A one-line notice.
pub async fn notice<B: Api>(
    bot: &B,
    ctx: &Ctx,
    chat: ChatId,
    lang: Lang,
    msg: Msg,
    reply_to: Option<MessageId>,
) {
    let _ = deliver(bot, ctx, chat, &screen::notice(lang, msg), reply_to).await;
}

/// Link previews off: a passage's source links must not turn into cards.
pub fn no_preview() -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use teloxide::types::Seconds;

    #[test]
    fn what_is_retried() {
        let after = RequestError::RetryAfter(Seconds::from_seconds(3));
        assert_eq!(retry_delay(&after, 1), Some(Duration::from_secs(3)));
        let gateway = RequestError::Api(ApiError::Unknown("Bad Gateway".into()));
        assert!(retry_delay(&gateway, 1).is_some());
        assert_eq!(code(&gateway), "502");
        let bad = RequestError::Api(ApiError::MessageNotModified);
        assert_eq!(retry_delay(&bad, 1), None);
        assert_eq!(code(&bad), "api_MessageNotModified");
        let blocked = RequestError::Api(ApiError::BotBlocked);
        assert_eq!(retry_delay(&blocked, 1), None);
        let refused = RequestError::Api(ApiError::Unknown("Bad Request: something new".into()));
        assert_eq!(retry_delay(&refused, 1), None, "a refusal stays refused");
        let nonsense = RequestError::Api(ApiError::Unknown("Something unheard of (777)".into()));
        assert!(
            retry_delay(&nonsense, 1).is_some(),
            "an unknown error is retried"
        );
        assert_eq!(code(&nonsense), "api_unknown");
        let conflict = RequestError::Api(ApiError::TerminatedByOtherGetUpdates);
        assert_eq!(code(&conflict), "409");
        let forever = RequestError::RetryAfter(Seconds::from_seconds(3600));
        assert_eq!(
            retry_delay(&forever, 1),
            None,
            "an hour's wait is not a retry"
        );
    }

    #[test]
    fn backoff_grows() {
        let e = RequestError::InvalidJson {
            source: std::sync::Arc::new(serde_json::from_str::<u8>("x").unwrap_err()),
            raw: "<html>502</html>".into(),
        };
        assert!(
            !describe(&e).contains("502"),
            "the answer itself is not logged"
        );
        let waits: Vec<_> = (1..4).map(|a| retry_delay(&e, a).unwrap()).collect();
        assert!(waits[0] < waits[1] && waits[1] < waits[2], "{waits:?}");
    }
}
