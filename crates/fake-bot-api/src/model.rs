//! What the server keeps and the tests look at — users, chats, messages,
//! calls — and the Bot API JSON objects made from them.

use crate::html::{entities_json, parse_html, Entity};
use crate::params::int;
use crate::{BOT_FIRST_NAME, BOT_ID, BOT_USERNAME};
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// A Telegram user who talks to the bot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// The user id (also the id of the private chat with the bot).
    pub id: u64,
    /// The first name, always present on Telegram.
    pub first_name: String,
    /// The last name, if any.
    pub last_name: Option<String>,
    /// The username without `@`, if any.
    pub username: Option<String>,
    /// The client's IETF language tag (`"ru"`, `"kk"`, `"en-US"`), if sent.
    pub language_code: Option<String>,
}

impl User {
    /// A user named `User<id>` with no language.
    pub fn new(id: u64) -> User {
        User {
            id,
            first_name: format!("User{id}"),
            last_name: None,
            username: None,
            language_code: None,
        }
    }

    /// The same user with the client language `code`.
    pub fn lang(mut self, code: &str) -> User {
        self.language_code = Some(code.to_string());
        self
    }

    /// The same user with the first name `name`.
    pub fn name(mut self, name: &str) -> User {
        self.first_name = name.to_string();
        self
    }

    /// The same user with the username `username` (without `@`).
    pub fn username(mut self, username: &str) -> User {
        self.username = Some(username.to_string());
        self
    }

    /// The Bot API `User` object.
    pub fn json(&self) -> Value {
        let mut o = Map::new();
        o.insert("id".into(), json!(self.id));
        o.insert("is_bot".into(), json!(false));
        o.insert("first_name".into(), json!(self.first_name));
        put_opt(&mut o, "last_name", &self.last_name);
        put_opt(&mut o, "username", &self.username);
        put_opt(&mut o, "language_code", &self.language_code);
        Value::Object(o)
    }
}

/// What kind of chat a [`Chat`] is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChatKind {
    /// A one-to-one chat between a user and the bot.
    Private {
        /// The user's first name.
        first_name: String,
        /// The user's last name, if any.
        last_name: Option<String>,
        /// The user's username, if any.
        username: Option<String>,
    },
    /// A basic group.
    Group {
        /// The group's title.
        title: String,
    },
    /// A supergroup.
    Supergroup {
        /// The supergroup's title.
        title: String,
    },
    /// A channel (its posts arrive as `channel_post`).
    Channel {
        /// The channel's title.
        title: String,
    },
}

/// A chat the bot is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chat {
    /// The chat id: the user id for private chats, negative for groups.
    pub id: i64,
    /// Private, group, supergroup or channel.
    pub kind: ChatKind,
}

impl Chat {
    /// The private chat between `user` and the bot.
    pub fn private(user: &User) -> Chat {
        Chat {
            id: user.id as i64,
            kind: ChatKind::Private {
                first_name: user.first_name.clone(),
                last_name: user.last_name.clone(),
                username: user.username.clone(),
            },
        }
    }

    /// A basic group; `id` should be negative, as on Telegram.
    pub fn group(id: i64, title: &str) -> Chat {
        Chat {
            id,
            kind: ChatKind::Group {
                title: title.to_string(),
            },
        }
    }

    /// A supergroup; `id` should look like `-100…`, as on Telegram.
    pub fn supergroup(id: i64, title: &str) -> Chat {
        Chat {
            id,
            kind: ChatKind::Supergroup {
                title: title.to_string(),
            },
        }
    }

    /// A channel; `id` should look like `-100…`, as on Telegram.
    pub fn channel(id: i64, title: &str) -> Chat {
        Chat {
            id,
            kind: ChatKind::Channel {
                title: title.to_string(),
            },
        }
    }

    /// Whether this is a private chat.
    pub fn is_private(&self) -> bool {
        matches!(self.kind, ChatKind::Private { .. })
    }

    /// The Bot API `Chat` object (with `type`).
    pub fn json(&self) -> Value {
        let mut o = Map::new();
        o.insert("id".into(), json!(self.id));
        match &self.kind {
            ChatKind::Private {
                first_name,
                last_name,
                username,
            } => {
                o.insert("first_name".into(), json!(first_name));
                put_opt(&mut o, "last_name", last_name);
                put_opt(&mut o, "username", username);
                o.insert("type".into(), json!("private"));
            }
            ChatKind::Group { title } => {
                o.insert("title".into(), json!(title));
                o.insert("type".into(), json!("group"));
            }
            ChatKind::Supergroup { title } => {
                o.insert("title".into(), json!(title));
                o.insert("type".into(), json!("supergroup"));
            }
            ChatKind::Channel { title } => {
                o.insert("title".into(), json!(title));
                o.insert("type".into(), json!("channel"));
            }
        }
        Value::Object(o)
    }
}

/// What a helper pushed: the update's id and the new message's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sent {
    /// The `update_id` of the queued update.
    pub update_id: i64,
    /// The `message_id` the message got in its chat.
    pub message_id: i64,
}

/// The non-text content of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Media {
    /// A regular static sticker (👍).
    Sticker,
    /// A 3-second voice note.
    Voice,
    /// A photo in three sizes.
    Photo,
}

/// A message as the server stores it, with every edit applied.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// The chat it is in.
    pub chat_id: i64,
    /// Its id within the chat.
    pub message_id: i64,
    /// The sender; `None` for the bot's own messages and channel posts.
    pub from: Option<User>,
    /// Whether the bot sent it.
    pub from_bot: bool,
    /// Unix time it was sent.
    pub date: i64,
    /// Unix time of the last edit.
    pub edit_date: Option<i64>,
    /// How many times it was edited.
    pub edits: u32,
    /// The text exactly as sent (for the bot: the markup, e.g. HTML with tags).
    pub text: Option<String>,
    /// The parse mode it was sent with (`"HTML"`, …), as sent.
    pub parse_mode: Option<String>,
    /// The photo caption, for a photo.
    pub caption: Option<String>,
    /// The sticker, voice or photo, if any.
    pub media: Option<Media>,
    /// The message it replies to.
    pub reply_to: Option<i64>,
    /// `reply_markup`, serialized (kept compact: the benchmark stores many).
    pub(crate) markup: Option<Arc<str>>,
}

impl Message {
    /// The `reply_markup` it carries (inline keyboard or other), if any.
    pub fn reply_markup(&self) -> Option<Value> {
        self.markup
            .as_deref()
            .map(|m| serde_json::from_str(m).expect("stored markup is JSON"))
    }

    /// The inline keyboard's callback buttons in reading order: (text, data).
    pub fn callback_buttons(&self) -> Vec<(String, String)> {
        let Some(markup) = self.reply_markup() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for row in markup["inline_keyboard"].as_array().into_iter().flatten() {
            for button in row.as_array().into_iter().flatten() {
                if let (Some(text), Some(data)) =
                    (button["text"].as_str(), button["callback_data"].as_str())
                {
                    out.push((text.to_string(), data.to_string()));
                }
            }
        }
        out
    }

    /// The text a user sees: tags removed and entities decoded.
    pub fn plain(&self) -> Option<String> {
        let text = self.text.as_deref()?;
        Some(match self.parse_mode.as_deref() {
            Some(mode) if mode.eq_ignore_ascii_case("html") => parse_html(text, false)
                .map(|(plain, _)| plain)
                .unwrap_or_else(|_| text.to_string()),
            _ => text.to_string(),
        })
    }
}

/// One request the bot made.
#[derive(Clone, Debug)]
pub struct Call {
    /// Its position in the call log, from 0.
    pub seq: u64,
    /// The method, lowercased: `"sendmessage"`, `"getupdates"`, …
    pub method: String,
    /// The parameters, from the JSON body, form body or query string.
    pub params: Value,
    /// When the request arrived.
    pub at: Instant,
    /// The HTTP status of the answer.
    pub status: u16,
    /// The error description, when the call failed.
    pub error: Option<String>,
}

impl Call {
    /// Whether this is a call of `method` (any case: `"sendMessage"` works).
    pub fn is(&self, method: &str) -> bool {
        self.method.eq_ignore_ascii_case(method)
    }

    /// Whether it succeeded (HTTP 200 with a usable answer).
    pub fn ok(&self) -> bool {
        self.status == 200 && self.error.is_none()
    }

    /// The `chat_id` parameter, as a number.
    pub fn chat_id(&self) -> Option<i64> {
        int(&self.params, "chat_id")
    }

    /// The `text` parameter.
    pub fn text(&self) -> Option<&str> {
        self.params.get("text").and_then(Value::as_str)
    }

    /// A string parameter.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.params.get(key).and_then(Value::as_str)
    }
}

fn put_opt(o: &mut Map<String, Value>, key: &str, v: &Option<String>) {
    if let Some(v) = v {
        o.insert(key.to_string(), json!(v));
    }
}

/// The bot's own `User` object, as in `from` of its messages.
fn bot_user_json() -> Value {
    json!({
        "id": BOT_ID,
        "is_bot": true,
        "first_name": BOT_FIRST_NAME,
        "username": BOT_USERNAME,
    })
}

/// A message the bot receives: from a user, or (`from` is `None`) a post in
/// a channel.
pub(crate) fn incoming_msg(
    chat_id: i64,
    message_id: i64,
    from: Option<&User>,
    text: Option<&str>,
    caption: Option<&str>,
    media: Option<Media>,
    reply_to: Option<i64>,
) -> Message {
    Message {
        chat_id,
        message_id,
        from: from.cloned(),
        from_bot: false,
        date: now_unix(),
        edit_date: None,
        edits: 0,
        text: text.map(str::to_string),
        parse_mode: None,
        caption: caption.map(str::to_string),
        media,
        reply_to,
        markup: None,
    }
}

/// The Bot API `Message` object of a stored message; `reply` is the message
/// it replies to, included one level deep as Telegram does.
pub(crate) fn message_json(chat: &Chat, m: &Message, reply: Option<&Message>) -> Value {
    let mut o = Map::new();
    o.insert("message_id".into(), json!(m.message_id));
    if m.from_bot {
        o.insert("from".into(), bot_user_json());
    } else if let Some(u) = &m.from {
        o.insert("from".into(), u.json());
    }
    if matches!(chat.kind, ChatKind::Channel { .. }) {
        o.insert("sender_chat".into(), chat.json());
    }
    o.insert("chat".into(), chat.json());
    o.insert("date".into(), json!(m.date));
    if let Some(d) = m.edit_date {
        o.insert("edit_date".into(), json!(d));
    }
    if let Some(r) = reply {
        o.insert("reply_to_message".into(), message_json(chat, r, None));
    }
    if let Some(text) = &m.text {
        let (plain, entities) = if m.from_bot {
            rendered(text, m.parse_mode.as_deref())
        } else {
            (text.clone(), command_entity(text))
        };
        o.insert("text".into(), json!(plain));
        if !entities.is_empty() {
            o.insert("entities".into(), entities_json(&entities));
        }
    }
    // A file of `kind` and `size` bytes: `fields` with the file's ids (made
    // from the message's, so each is its own) and size.
    let file = |kind: &str, size: u32, mut fields: Value| {
        fields["file_id"] = json!(format!(
            "{kind}-{}-{}-fake-file-id",
            m.chat_id, m.message_id
        ));
        fields["file_unique_id"] = json!(format!("{kind}{}", m.message_id));
        fields["file_size"] = json!(size);
        fields
    };
    match m.media {
        Some(Media::Sticker) => {
            let sticker = json!({
                "type": "regular", "width": 512, "height": 512,
                "is_animated": false, "is_video": false,
                "emoji": "👍", "set_name": "AtazanTestStickers",
            });
            o.insert(
                "sticker".into(),
                file("CAACAgIAAxkBAAEsticker", 18_344, sticker),
            );
        }
        Some(Media::Voice) => {
            let voice = json!({"duration": 3, "mime_type": "audio/ogg"});
            o.insert("voice".into(), file("AwACAgIAAxkBAAEvoice", 7_018, voice));
        }
        Some(Media::Photo) => {
            let sizes: Vec<Value> = [(90, 67, 1_520), (320, 240, 18_006), (800, 600, 64_511)]
                .iter()
                .enumerate()
                .map(|(i, &(w, h, size))| {
                    let kind = format!("AgACAgIAAxkBAAEphoto{i}");
                    file(&kind, size, json!({"width": w, "height": h}))
                })
                .collect();
            o.insert("photo".into(), Value::Array(sizes));
            if let Some(c) = &m.caption {
                o.insert("caption".into(), json!(c));
            }
        }
        None => {}
    }
    if let Some(markup) = &m.markup {
        // Telegram returns only inline keyboards with a message.
        let v: Value = serde_json::from_str(markup).expect("stored markup is JSON");
        if v.get("inline_keyboard").is_some() {
            o.insert("reply_markup".into(), v);
        }
    }
    Value::Object(o)
}

/// The text and entities a bot message shows, from its markup and parse mode.
pub(crate) fn rendered(text: &str, parse_mode: Option<&str>) -> (String, Vec<Entity>) {
    match parse_mode {
        Some(mode) if mode.eq_ignore_ascii_case("html") => {
            parse_html(text, false).unwrap_or_else(|_| (text.to_string(), Vec::new()))
        }
        _ => (text.to_string(), Vec::new()),
    }
}

/// The `bot_command` entity Telegram adds to a text that starts with `/cmd`.
fn command_entity(text: &str) -> Vec<Entity> {
    if !text.starts_with('/') {
        return Vec::new();
    }
    let len = text
        .char_indices()
        .skip(1)
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '@'))
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    if len < 2 {
        return Vec::new();
    }
    vec![Entity {
        kind: "bot_command",
        offset: 0,
        length: text[..len].encode_utf16().count(),
        extra: None,
    }]
}

pub(crate) fn chat_from_json(v: &Value) -> Option<Chat> {
    let id = v["id"].as_i64()?;
    let title = || v["title"].as_str().unwrap_or("").to_string();
    let kind = match v["type"].as_str()? {
        "private" => ChatKind::Private {
            first_name: v["first_name"].as_str().unwrap_or("").to_string(),
            last_name: v["last_name"].as_str().map(str::to_string),
            username: v["username"].as_str().map(str::to_string),
        },
        "group" => ChatKind::Group { title: title() },
        "supergroup" => ChatKind::Supergroup { title: title() },
        "channel" => ChatKind::Channel { title: title() },
        _ => return None,
    };
    Some(Chat { id, kind })
}

pub(crate) fn user_from_json(v: &Value) -> Option<User> {
    Some(User {
        id: v["id"].as_u64()?,
        first_name: v["first_name"].as_str()?.to_string(),
        last_name: v["last_name"].as_str().map(str::to_string),
        username: v["username"].as_str().map(str::to_string),
        language_code: v["language_code"].as_str().map(str::to_string),
    })
}

/// Seconds since the Unix epoch, as message dates are on Telegram.
pub(crate) fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(1)
}
