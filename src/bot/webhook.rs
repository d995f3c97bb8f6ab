//! What the webhook accepts: a body that is a Bot API `Update`, or a 4xx.
//!
//! teloxide's webhook handler answers 200 to a body it cannot parse (and
//! logs it whole). Telegram never sends garbage, so garbage on the webhook
//! port is a misconfigured proxy or someone probing it: it gets a 400 (or a
//! 413 when too large) from [`screen_updates`], placed in front of
//! teloxide's handler, and one log line without the body.

use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use teloxide::types::{Update, UpdateKind};

/// The largest update body taken. Telegram's updates are a few kB; a
/// message of 4,096 characters with its entities stays far below this.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Why a webhook body was refused.
#[derive(Debug, thiserror::Error)]
pub enum Rejected {
    /// Over [`MAX_BODY_BYTES`].
    #[error("the body is over {MAX_BODY_BYTES} bytes")]
    TooLarge,
    /// Not JSON, or JSON that is not an update.
    #[error("not a Bot API update: {0}")]
    NotAnUpdate(#[from] serde_json::Error),
}

impl Rejected {
    /// The HTTP status the sender gets.
    pub fn status(&self) -> StatusCode {
        match self {
            Rejected::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Rejected::NotAnUpdate(_) => StatusCode::BAD_REQUEST,
        }
    }
}

/// Parses a webhook body as teloxide will, or says why it is refused.
pub fn parse_update(body: &[u8]) -> Result<Update, Rejected> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Rejected::TooLarge);
    }
    Ok(serde_json::from_slice::<Update>(body)?)
}

/// The kind of an update, as the handler tree branches on it (also the
/// label of the `updates` metric): `message`, `edited_message`,
/// `callback_query`, `inline_query`, or `other` for what the bot ignores.
pub fn kind(update: &Update) -> &'static str {
    match &update.kind {
        UpdateKind::Message(_) => "message",
        UpdateKind::EditedMessage(_) => "edited_message",
        UpdateKind::CallbackQuery(_) => "callback_query",
        UpdateKind::InlineQuery(_) => "inline_query",
        _ => "other",
    }
}

/// Middleware for the webhook route: a POST body that is not an update is
/// answered 400 (413 when too large) before teloxide sees it; an update is
/// passed on unchanged. Other methods pass (teloxide answers 405).
pub async fn screen_updates(request: Request, next: Next) -> Response {
    if request.method() != axum::http::Method::POST {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    // One byte over the limit is enough to know it is too large.
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES + 1).await {
        Ok(b) => b,
        Err(_) => {
            tracing::warn!("webhook: a body over the size limit or cut off; answered 413");
            return StatusCode::PAYLOAD_TOO_LARGE.into_response();
        }
    };
    if let Err(e) = parse_update(&bytes) {
        // The error says where the JSON broke; the body itself is not logged
        // (it may hold a user's message).
        tracing::warn!(error = %e, bytes = bytes.len(), "webhook: refused a body that is not an update");
        return e.status().into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_a_400_and_an_update_passes() {
        for body in [
            &b""[..],
            b"{",
            b"null",
            b"[]",
            b"{\"ok\":true}",
            b"\xff\xfe",
        ] {
            let e = parse_update(body).unwrap_err();
            assert_eq!(e.status(), StatusCode::BAD_REQUEST, "{body:?}");
        }
        let u = parse_update(br#"{"update_id":1,"message":{"message_id":1,"date":0,"chat":{"id":5,"type":"private","first_name":"A"},"from":{"id":5,"is_bot":false,"first_name":"A"},"text":"hi"}}"#).unwrap();
        assert_eq!(kind(&u), "message");
    }

    #[test]
    fn too_large_is_a_413() {
        let big = vec![b' '; MAX_BODY_BYTES + 1];
        assert_eq!(
            parse_update(&big).unwrap_err().status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
    }
}
