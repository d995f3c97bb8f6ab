//! The Bot API methods the fake knows, with Telegram's checks and its error
//! descriptions.

use crate::answer::{bad, err, ApiErr, Reply};
use crate::html::{parse_html, Entity};
use crate::model::{message_json, now_unix, rendered, Message};
use crate::params::{boolean, int, object, string};
use crate::state::{
    lock, push_bounded, query_number, ChatState, Inner, PollGuard, ServerState, Webhook,
};
use crate::{
    Fault, Options, BOT_FIRST_NAME, BOT_ID, BOT_USERNAME, MAX_CALLBACK_DATA, MAX_INLINE_RESULTS,
    MAX_POLL, MAX_TEXT, TOKEN,
};
use axum::http::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// The fields that make an inline keyboard button do something.
const BUTTON_KINDS: &[&str] = &[
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
];

/// The actions `sendChatAction` accepts.
const CHAT_ACTIONS: &[&str] = &[
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
];

impl Inner {
    /// Checks the token and faults, then runs the method.
    pub(crate) async fn answer(&self, bot: &str, method: &str, p: &Value) -> Result<Reply, ApiErr> {
        let Some(token) = bot.strip_prefix("bot") else {
            return Err(err(404, "Not Found"));
        };
        if token != TOKEN {
            return Err(err(401, "Unauthorized"));
        }
        if let Some(fault) = self.take_fault(method) {
            match fault {
                Fault::Delay(d) => tokio::time::sleep(d).await,
                Fault::RetryAfter(secs) => {
                    return Err(ApiErr {
                        code: 429,
                        description: format!("Too Many Requests: retry after {secs}"),
                        retry_after: Some(secs),
                    })
                }
                Fault::Status(code) => return Err(err(code, status_description(code))),
                Fault::Conflict => return Err(conflict()),
                Fault::Error(code, description) => return Err(err(code, description)),
                broken => return Ok(Reply::Broken(broken)),
            }
        }
        if method == "getupdates" {
            return self.get_updates(p).await;
        }
        let mut st = lock(&self.state);
        match method {
            "getme" => Ok(Reply::Json(get_me())),
            "logout" | "close" => Ok(Reply::Json(json!(true))),
            "getwebhookinfo" => Ok(Reply::Json(st.webhook_info())),
            "setwebhook" => st.set_webhook(p),
            "deletewebhook" => st.delete_webhook(p),
            "sendmessage" => st.send_message(p, &self.opts),
            "editmessagetext" => st.edit_message_text(p, &self.opts),
            "editmessagereplymarkup" => st.edit_reply_markup(p),
            "deletemessage" => st.delete_message(p),
            "answercallbackquery" => st.answer_callback_query(p),
            "answerinlinequery" => st.answer_inline_query(p, &self.opts),
            "setmycommands" => st.set_my_commands(p),
            "getmycommands" => Ok(Reply::Json(
                st.commands
                    .get(&commands_key(p))
                    .cloned()
                    .unwrap_or_else(|| json!([])),
            )),
            "deletemycommands" => {
                st.commands.remove(&commands_key(p));
                Ok(Reply::Json(json!(true)))
            }
            "sendchataction" => st.send_chat_action(p),
            _ => Err(err(404, "Not Found")),
        }
    }

    fn take_fault(&self, method: &str) -> Option<Fault> {
        if self.faults_pending.load(Ordering::SeqCst) == 0 {
            return None;
        }
        let mut st = lock(&self.state);
        let fault = [method, "*"].iter().find_map(|key| {
            let queue = st.faults.get_mut(*key)?;
            queue.pop_front()
        })?;
        self.faults_pending.fetch_sub(1, Ordering::SeqCst);
        Some(fault)
    }

    /// `getUpdates`: confirm, then answer at once or long-poll until an update
    /// arrives, `timeout` passes, or a newer `getUpdates` takes over (409).
    async fn get_updates(&self, p: &Value) -> Result<Reply, ApiErr> {
        let timeout =
            Duration::from_secs(int(p, "timeout").unwrap_or(0).max(0) as u64).min(MAX_POLL);
        let limit = int(p, "limit").unwrap_or(100).clamp(1, 100) as usize;
        let deadline = tokio::time::Instant::now() + timeout;
        let generation = {
            let mut st = lock(&self.state);
            if st.webhook.is_some() {
                return Err(err(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
                ));
            }
            match int(p, "offset") {
                Some(offset) if offset < 0 => {
                    let keep = offset.unsigned_abs() as usize;
                    while st.queue.len() > keep {
                        st.queue.pop_front();
                    }
                }
                Some(offset) => {
                    while st.queue.front().is_some_and(|u| u.id < offset) {
                        st.queue.pop_front();
                    }
                }
                None => {}
            }
            st.keep_allowed(p);
            st.poll_generation += 1;
            st.poll_generation
        };
        // An older long poll, if one is waiting, now ends with 409.
        self.updates.notify_waiters();
        let mut waiting = None;
        loop {
            let notified = self.updates.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut st = lock(&self.state);
                if st.poll_generation != generation {
                    return Err(conflict());
                }
                let batch = st.batch(limit);
                if !batch.is_empty()
                    || tokio::time::Instant::now() >= deadline
                    || self.closed.load(Ordering::SeqCst)
                {
                    return Ok(Reply::Raw(format!("[{}]", batch.join(","))));
                }
            }
            waiting.get_or_insert_with(|| PollGuard::new(self));
            let _ = tokio::time::timeout_at(deadline, notified).await;
        }
    }
}

fn conflict() -> ApiErr {
    err(
        409,
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    )
}

fn status_description(code: u16) -> String {
    match code {
        500 => "Internal Server Error".into(),
        502 => "Bad Gateway".into(),
        503 => "Service Unavailable".into(),
        504 => "Gateway Timeout".into(),
        _ => StatusCode::from_u16(code)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Error")
            .to_string(),
    }
}

/// `getMe`: the bot. Privacy mode is off, so it reads every group message.
fn get_me() -> Value {
    json!({
        "id": BOT_ID,
        "is_bot": true,
        "first_name": BOT_FIRST_NAME,
        "username": BOT_USERNAME,
        "can_join_groups": true,
        "can_read_all_group_messages": true,
        "supports_inline_queries": true,
        "can_connect_to_business": false,
        "has_main_web_app": false,
    })
}

/// The key a command list is stored under: (scope, language).
fn commands_key(p: &Value) -> (String, String) {
    (
        scope_key(object(p, "scope").as_ref()),
        string(p, "language_code").unwrap_or_default(),
    )
}

/// A scope as canonical JSON (keys sorted; chat ids as numbers).
pub(crate) fn scope_key(scope: Option<&Value>) -> String {
    let mut scope = scope
        .cloned()
        .unwrap_or_else(|| json!({ "type": "default" }));
    for key in ["chat_id", "user_id"] {
        if let Some(n) = int(&scope, key) {
            scope[key] = json!(n);
        }
    }
    serde_json::to_string(&scope).expect("JSON")
}

impl ServerState {
    fn webhook_info(&self) -> Value {
        let mut info = json!({
            "url": self.webhook.as_ref().map(|w| w.url.as_str()).unwrap_or(""),
            "has_custom_certificate": false,
            "pending_update_count": self.queue.len(),
        });
        if self.webhook.is_some() {
            info["max_connections"] = json!(40);
        }
        info
    }

    fn set_webhook(&mut self, p: &Value) -> Result<Reply, ApiErr> {
        let url = string(p, "url").unwrap_or_default();
        if boolean(p, "drop_pending_updates") == Some(true) {
            self.queue.clear();
        }
        if url.is_empty() {
            return self.delete_webhook(p);
        }
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(bad("bad webhook: HTTPS url must be provided for webhook"));
        }
        let secret_token = string(p, "secret_token");
        if let Some(s) = &secret_token {
            let ok = (1..=256).contains(&s.len())
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !ok {
                return Err(bad("secret token contains unallowed characters"));
            }
        }
        self.keep_allowed(p);
        self.webhook = Some(Webhook { url, secret_token });
        Ok(Reply::Described(json!(true), "Webhook was set"))
    }

    /// Takes `allowed_updates` when the call gives it, and keeps it for the
    /// calls that do not: teloxide sends it only once. An empty list means
    /// Telegram's default kinds.
    fn keep_allowed(&mut self, p: &Value) {
        if let Some(allowed) = object(p, "allowed_updates") {
            let list: Vec<String> = allowed
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            self.allowed = if list.is_empty() { None } else { Some(list) };
        }
    }

    fn delete_webhook(&mut self, p: &Value) -> Result<Reply, ApiErr> {
        if boolean(p, "drop_pending_updates") == Some(true) {
            self.queue.clear();
        }
        Ok(match self.webhook.take() {
            Some(_) => Reply::Described(json!(true), "Webhook was deleted"),
            None => Reply::Described(json!(true), "Webhook is already deleted"),
        })
    }

    /// The chat a method addresses, which must have talked to the bot.
    fn target_chat(&mut self, p: &Value) -> Result<&mut ChatState, ApiErr> {
        let id = match p.get("chat_id") {
            None | Some(Value::Null) => return Err(bad("chat_id is empty")),
            Some(_) => int(p, "chat_id").ok_or_else(|| bad("chat not found"))?,
        };
        self.chats.get_mut(&id).ok_or_else(|| bad("chat not found"))
    }

    fn send_message(&mut self, p: &Value, opts: &Options) -> Result<Reply, ApiErr> {
        let text = string(p, "text").unwrap_or_default();
        let parse_mode = string(p, "parse_mode").filter(|m| !m.is_empty());
        let markup = markup_param(p)?;
        let reply_params = object(p, "reply_parameters");
        let reply_to = reply_params
            .as_ref()
            .and_then(|r| int(r, "message_id"))
            .or_else(|| int(p, "reply_to_message_id"));
        let without_reply = reply_params
            .as_ref()
            .and_then(|r| boolean(r, "allow_sending_without_reply"))
            .or_else(|| boolean(p, "allow_sending_without_reply"))
            .unwrap_or(false);
        let keep = opts.keep_messages_per_chat;
        let cs = self.target_chat(p)?;
        check_text(&text, parse_mode.as_deref(), opts)?;
        let mut reply_to_kept = reply_to;
        if let Some(r) = reply_to {
            let existed = r > 0 && r < cs.next_message_id;
            if !existed {
                if !without_reply {
                    return Err(bad("message to be replied not found"));
                }
                reply_to_kept = None;
            }
        }
        let message_id = cs.next_message_id;
        cs.next_message_id += 1;
        let msg = Message {
            chat_id: cs.chat.id,
            message_id,
            from: None,
            from_bot: true,
            date: now_unix(),
            edit_date: None,
            edits: 0,
            text: Some(text),
            parse_mode,
            caption: None,
            media: None,
            reply_to: reply_to_kept,
            markup,
        };
        let reply = reply_to_kept.and_then(|r| cs.find(r));
        let body = message_json(&cs.chat, &msg, reply);
        push_bounded(&mut cs.messages, msg, keep);
        Ok(Reply::Json(body))
    }

    fn edit_message_text(&mut self, p: &Value, opts: &Options) -> Result<Reply, ApiErr> {
        let text = string(p, "text").unwrap_or_default();
        let parse_mode = string(p, "parse_mode").filter(|m| !m.is_empty());
        let markup = markup_param(p)?;
        if p.get("inline_message_id").is_some() {
            check_text(&text, parse_mode.as_deref(), opts)?;
            return Ok(Reply::Json(json!(true)));
        }
        let (cs, msg) = self.message_to_edit(p)?;
        if !msg.from_bot || msg.text.is_none() {
            return Err(bad("message can't be edited"));
        }
        let (new_plain, new_entities) = check_text(&text, parse_mode.as_deref(), opts)?;
        let (old_plain, old_entities) =
            rendered(msg.text.as_deref().unwrap_or(""), msg.parse_mode.as_deref());
        if new_plain == old_plain && new_entities == old_entities && markup == msg.markup {
            return Err(not_modified());
        }
        Ok(edited(cs, msg.message_id, |msg| {
            msg.text = Some(text);
            msg.parse_mode = parse_mode;
            msg.markup = markup;
        }))
    }

    fn edit_reply_markup(&mut self, p: &Value) -> Result<Reply, ApiErr> {
        let markup = markup_param(p)?;
        if p.get("inline_message_id").is_some() {
            return Ok(Reply::Json(json!(true)));
        }
        let (cs, msg) = self.message_to_edit(p)?;
        if !msg.from_bot {
            return Err(bad("message can't be edited"));
        }
        if markup == msg.markup {
            return Err(not_modified());
        }
        Ok(edited(cs, msg.message_id, |msg| msg.markup = markup))
    }

    /// The chat an `edit…` call addresses and, as it is now, the message to
    /// edit, which must be there.
    fn message_to_edit(&mut self, p: &Value) -> Result<(&mut ChatState, Message), ApiErr> {
        let message_id =
            int(p, "message_id").ok_or_else(|| bad("message identifier is not specified"))?;
        let cs = self.target_chat(p)?;
        let msg = cs.find(message_id).cloned();
        let msg = msg.ok_or_else(|| bad("message to edit not found"))?;
        Ok((cs, msg))
    }

    fn delete_message(&mut self, p: &Value) -> Result<Reply, ApiErr> {
        let message_id =
            int(p, "message_id").ok_or_else(|| bad("message identifier is not specified"))?;
        let cs = self.target_chat(p)?;
        let before = cs.messages.len();
        cs.messages.retain(|m| m.message_id != message_id);
        if cs.messages.len() == before {
            return Err(bad("message to delete not found"));
        }
        Ok(Reply::Json(json!(true)))
    }

    fn answer_callback_query(&mut self, p: &Value) -> Result<Reply, ApiErr> {
        let id = string(p, "callback_query_id").unwrap_or_default();
        let open = query_number(&id).is_some_and(|n| self.open_callbacks.remove(&n));
        if !open {
            return Err(invalid_query());
        }
        if string(p, "text").is_some_and(|t| t.chars().count() > 200) {
            return Err(bad("MESSAGE_TOO_LONG"));
        }
        Ok(Reply::Json(json!(true)))
    }

    fn answer_inline_query(&mut self, p: &Value, opts: &Options) -> Result<Reply, ApiErr> {
        let id = string(p, "inline_query_id").unwrap_or_default();
        let n = query_number(&id).filter(|n| self.open_inline.contains(n));
        let Some(n) = n else {
            return Err(invalid_query());
        };
        let results =
            object(p, "results").ok_or_else(|| bad("parameter \"results\" is required"))?;
        let results = results
            .as_array()
            .ok_or_else(|| bad("can't parse inline query results JSON object"))?;
        if results.len() > MAX_INLINE_RESULTS {
            return Err(bad("RESULTS_TOO_MUCH"));
        }
        let mut ids = BTreeSet::new();
        for r in results {
            let rid = r["id"].as_str().unwrap_or("");
            if r["type"].as_str().is_none() || rid.is_empty() || rid.len() > 64 {
                return Err(bad("RESULT_ID_INVALID"));
            }
            if !ids.insert(rid) {
                return Err(bad("RESULT_ID_DUPLICATE"));
            }
            if let Some(markup) = r.get("reply_markup") {
                check_markup(markup)?;
            }
            let content = &r["input_message_content"];
            if let Some(text) = content["message_text"].as_str() {
                check_text(text, content["parse_mode"].as_str(), opts)?;
            }
        }
        self.open_inline.remove(&n);
        self.inline_answers.push_back((id, p.clone()));
        while self.inline_answers.len() > 1_000 {
            self.inline_answers.pop_front();
        }
        Ok(Reply::Json(json!(true)))
    }

    fn set_my_commands(&mut self, p: &Value) -> Result<Reply, ApiErr> {
        let commands =
            object(p, "commands").ok_or_else(|| bad("parameter \"commands\" is required"))?;
        let list = commands
            .as_array()
            .ok_or_else(|| bad("can't parse commands JSON object"))?;
        if list.len() > 100 {
            return Err(bad("too many commands specified"));
        }
        for c in list {
            let name = c["command"].as_str().unwrap_or("");
            let ok = (1..=32).contains(&name.len())
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !ok {
                return Err(bad("BOT_COMMAND_INVALID"));
            }
            let description = c["description"].as_str().unwrap_or("");
            if !(1..=256).contains(&description.chars().count()) {
                return Err(bad("command description is empty or too long"));
            }
        }
        let key = commands_key(p);
        if list.is_empty() {
            self.commands.remove(&key);
        } else {
            self.commands.insert(key, commands);
        }
        Ok(Reply::Json(json!(true)))
    }

    fn send_chat_action(&mut self, p: &Value) -> Result<Reply, ApiErr> {
        let action = string(p, "action").unwrap_or_default();
        self.target_chat(p)?;
        if !CHAT_ACTIONS.contains(&action.as_str()) {
            return Err(bad("wrong parameter action in request"));
        }
        Ok(Reply::Json(json!(true)))
    }
}

/// Applies an edit to the stored message `message_id` of `cs` and answers
/// with the message as it now is.
fn edited(cs: &mut ChatState, message_id: i64, edit: impl FnOnce(&mut Message)) -> Reply {
    let chat = cs.chat.clone();
    let msg = cs.find_mut(message_id).expect("found by message_to_edit");
    edit(msg);
    msg.edit_date = Some(now_unix());
    msg.edits += 1;
    let msg = msg.clone();
    let reply = msg.reply_to.and_then(|r| cs.find(r));
    Reply::Json(message_json(&chat, &msg, reply))
}

fn not_modified() -> ApiErr {
    bad("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
}

fn invalid_query() -> ApiErr {
    bad("query is too old and response timeout expired or query id is invalid")
}

/// `reply_markup`, checked, serialized canonically (keys sorted).
fn markup_param(p: &Value) -> Result<Option<Arc<str>>, ApiErr> {
    let Some(markup) = object(p, "reply_markup") else {
        return Ok(None);
    };
    if !markup.is_object() {
        return Err(bad("can't parse reply keyboard markup JSON object"));
    }
    check_markup(&markup)?;
    Ok(Some(serde_json::to_string(&markup).expect("JSON").into()))
}

/// Telegram's rules for inline keyboard buttons.
fn check_markup(markup: &Value) -> Result<(), ApiErr> {
    let Some(rows) = markup.get("inline_keyboard") else {
        return Ok(());
    };
    let rows = rows.as_array().ok_or_else(|| {
        bad("can't parse inline keyboard: field \"inline_keyboard\" must be of type Array")
    })?;
    for row in rows {
        let row = row.as_array().ok_or_else(|| {
            bad("can't parse inline keyboard: field \"inline_keyboard\" must be an Array of Arrays")
        })?;
        for button in row {
            if button["text"].as_str().is_none() {
                return Err(bad(
                    "can't parse inline keyboard button: Field \"text\" must be of type String",
                ));
            }
            if !BUTTON_KINDS.iter().any(|k| button.get(*k).is_some()) {
                return Err(bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"));
            }
            if let Some(data) = button.get("callback_data") {
                let len = data.as_str().map(str::len).unwrap_or(0);
                if !(1..=MAX_CALLBACK_DATA).contains(&len) {
                    return Err(bad("BUTTON_DATA_INVALID"));
                }
            }
            if let Some(url) = button.get("url") {
                let url = url.as_str().unwrap_or("");
                let ok = ["http://", "https://", "tg://"]
                    .iter()
                    .any(|s| url.starts_with(s) && url.len() > s.len());
                if !ok {
                    return Err(bad("BUTTON_URL_INVALID"));
                }
            }
        }
    }
    Ok(())
}

/// Checks a message text as Telegram does; returns what the user will see.
fn check_text(
    text: &str,
    parse_mode: Option<&str>,
    opts: &Options,
) -> Result<(String, Vec<Entity>), ApiErr> {
    let (plain, entities) = match parse_mode {
        None => (text.to_string(), Vec::new()),
        Some(mode) if mode.eq_ignore_ascii_case("html") => parse_html(text, opts.strict_ampersand)
            .map_err(|e| bad(format!("can't parse entities: {e}")))?,
        Some(mode)
            if mode.eq_ignore_ascii_case("markdownv2") || mode.eq_ignore_ascii_case("markdown") =>
        {
            (text.to_string(), Vec::new())
        }
        Some(_) => return Err(bad("unsupported parse_mode")),
    };
    if plain.trim().is_empty() {
        return Err(bad("message text is empty"));
    }
    if plain.encode_utf16().count() > MAX_TEXT {
        return Err(bad("message is too long"));
    }
    Ok((plain, entities))
}
