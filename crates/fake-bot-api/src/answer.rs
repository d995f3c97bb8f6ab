//! What a Bot API method answers: a result in one of Telegram's shapes, or
//! an error with its code and description.

use crate::Fault;
use serde_json::Value;
use std::fmt;

/// A Bot API error answer.
#[derive(Debug)]
pub(crate) struct ApiErr {
    pub(crate) code: u16,
    pub(crate) description: String,
    pub(crate) retry_after: Option<u32>,
}

pub(crate) fn err(code: u16, description: impl Into<String>) -> ApiErr {
    ApiErr {
        code,
        description: description.into(),
        retry_after: None,
    }
}

/// 400 `Bad Request: {what}`.
pub(crate) fn bad(what: impl fmt::Display) -> ApiErr {
    err(400, format!("Bad Request: {what}"))
}

/// A successful answer's `result`.
pub(crate) enum Reply {
    Json(Value),
    /// Already-serialized JSON (the `getUpdates` array).
    Raw(String),
    /// `result` with the `description` Telegram adds (setWebhook, deleteWebhook).
    Described(Value, &'static str),
    /// A garbled answer ([`Fault::MalformedJson`] and the like).
    Broken(Fault),
}
