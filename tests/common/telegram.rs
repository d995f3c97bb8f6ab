//! An emulated Telegram Bot API server, in process, on 127.0.0.1.
//!
//! The tests and the load benchmark point teloxide at it with
//! `TELOXIDE_API_URL` (or `Bot::set_api_url`) and [`TOKEN`]. It keeps what a
//! real Bot API server keeps — a queue of updates, each chat's messages, the
//! webhook, the command menus, the open callback and inline queries — and
//! answers with the same JSON shapes and error descriptions, so teloxide
//! parses every answer as it would parse Telegram's.
//!
//! ```text
//! test ── push / message / callback … ──▶ update queue ──getUpdates──▶ bot
//! test ◀── calls / messages / wait_for ── call log, chats ◀──sendMessage…── bot
//! ```
//!
//! - **Updates** are queued by the helpers ([`FakeApi::message`],
//!   [`FakeApi::callback`], …) and handed out by `getUpdates`, which
//!   long-polls (up to 10 s) and wakes as soon as an update is pushed.
//! - **Calls**: every request is recorded as a [`Call`] in a ring buffer
//!   ([`Options::keep_calls`]); [`FakeApi::wait_for`] waits for one.
//! - **Chats**: `sendMessage` and the edits change each chat's stored
//!   messages ([`FakeApi::messages`], at most [`Options::keep_messages_per_chat`]
//!   per chat).
//! - **Faults**: [`FakeApi::fail_next`] makes the next matching calls fail
//!   (429 with `retry_after`, 5xx, 409, a delay, any Bot API error), or
//!   answer nonsense: 200 with malformed or truncated JSON, `ok: false` with
//!   an unknown code, a connection closed mid-body.
//!
//! As Telegram does, it keeps `allowed_updates` from one `getUpdates` to the
//! next (teloxide sends it only once) and drops updates of other kinds; a
//! second `getUpdates` ends a waiting one with 409. The bot has privacy mode
//! off (`getMe` says `can_read_all_group_messages`): every group message is
//! delivered. Bodies may be JSON, form-encoded or multipart (teloxide always
//! sends `setWebhook` as multipart).
//!
//! Where it is stricter than Telegram, it says so: an `&` in HTML text must
//! start an entity (Telegram keeps an unknown one as a literal `&`), see
//! [`Options::strict_ampersand`]. MarkdownV2 text is stored but not checked.
//! Webhooks are remembered (`setWebhook` makes `getUpdates` fail with 409, as
//! Telegram does) but nothing is ever delivered to them.
#![allow(dead_code)] // Each test file uses its own subset.

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::any;
use axum::Router;
use serde_json::{json, Map, Value};
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::fmt;
use std::future::IntoFuture;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::Notify;

/// The bot token the fake accepts; tests put it in `TELOXIDE_TOKEN`.
pub const TOKEN: &str = "123456:TEST-token";
/// The bot's user id (the number before the colon of [`TOKEN`], as on Telegram).
pub const BOT_ID: u64 = 123_456;
/// The bot's username, without the `@`.
pub const BOT_USERNAME: &str = "atazan_test_bot";
/// The bot's display name.
pub const BOT_FIRST_NAME: &str = "Atazan (test)";

/// Longest message text, in UTF-16 code units after entity parsing.
pub const MAX_TEXT: usize = 4096;
/// Longest `callback_data` of an inline keyboard button, in bytes.
pub const MAX_CALLBACK_DATA: usize = 64;
/// Most results one `answerInlineQuery` may carry.
pub const MAX_INLINE_RESULTS: usize = 50;
/// Longest `getUpdates` long poll; teloxide's HTTP client gives up after 17 s.
pub const MAX_POLL: Duration = Duration::from_secs(10);

/// The tags Telegram's HTML parse mode accepts.
const HTML_TAGS: &[&str] = &[
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "span",
    "blockquote",
    "tg-emoji",
];

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

/// Update kinds Telegram leaves out when `allowed_updates` is empty or unset.
const NOT_BY_DEFAULT: &[&str] = &["chat_member", "message_reaction", "message_reaction_count"];

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

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
    markup: Option<Arc<str>>,
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

/// A failure to inject into the next matching call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 429 `Too Many Requests: retry after N` with `parameters.retry_after`.
    RetryAfter(u32),
    /// This HTTP status with a Bot API error body (teloxide waits 10 s after any 5xx).
    Status(u16),
    /// 409 `Conflict: terminated by other getUpdates request; …`.
    Conflict,
    /// Answer normally, after this delay.
    Delay(Duration),
    /// Any Bot API error: HTTP status and description.
    Error(u16, String),
    /// 200 with a body that is not JSON at all. This and the next three
    /// garble the answer itself; the method is not run (Telegram did
    /// nothing, so a retry loses and duplicates nothing).
    MalformedJson,
    /// 200 with a complete HTTP body holding the first half of the JSON.
    Truncated,
    /// 200 with `{"ok": false}` and an error code the Bot API never uses.
    UnknownCode(i64),
    /// The headers promise the whole body; the connection closes after half.
    CloseMidBody,
}

/// A hook called with every recorded call.
pub type OnCall = Arc<dyn Fn(&Call) + Send + Sync>;

/// How the fake behaves.
#[derive(Clone)]
pub struct Options {
    /// How many calls the log keeps (a ring buffer); [`FakeApi::count`] counts all.
    pub keep_calls: usize,
    /// How many messages each chat keeps (the newest).
    pub keep_messages_per_chat: usize,
    /// Reject an `&` in HTML text that does not start an entity (`&lt;`,
    /// `&gt;`, `&amp;`, `&quot;`, `&#…;`). Telegram keeps it as a literal `&`;
    /// the fake refuses it by default to catch unescaped text.
    pub strict_ampersand: bool,
    /// Called after every call is recorded, outside any lock.
    pub on_call: Option<OnCall>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            keep_calls: 10_000,
            keep_messages_per_chat: 200,
            strict_ampersand: true,
            on_call: None,
        }
    }
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("keep_calls", &self.keep_calls)
            .field("keep_messages_per_chat", &self.keep_messages_per_chat)
            .field("strict_ampersand", &self.strict_ampersand)
            .field("on_call", &self.on_call.as_ref().map(|_| "Fn(&Call)"))
            .finish()
    }
}

// ---------------------------------------------------------------------------
// The server's state
// ---------------------------------------------------------------------------

/// An update waiting for `getUpdates`, already serialized.
struct Pending {
    id: i64,
    kind: Arc<str>,
    json: Arc<str>,
}

/// One chat: who it is, its message counter, its newest messages.
struct ChatState {
    chat: Chat,
    next_message_id: i64,
    messages: VecDeque<Message>,
}

impl ChatState {
    fn find(&self, message_id: i64) -> Option<&Message> {
        self.messages
            .iter()
            .rev()
            .find(|m| m.message_id == message_id)
    }

    fn find_mut(&mut self, message_id: i64) -> Option<&mut Message> {
        self.messages
            .iter_mut()
            .rev()
            .find(|m| m.message_id == message_id)
    }
}

/// The webhook set with `setWebhook`.
#[derive(Clone, Debug)]
struct Webhook {
    url: String,
    secret_token: Option<String>,
}

/// Everything but the call log, behind one lock.
#[derive(Default)]
struct ServerState {
    next_update_id: i64,
    queue: VecDeque<Pending>,
    /// `allowed_updates` as last given (teloxide sends it once, then omits it).
    allowed: Option<Vec<String>>,
    dropped_updates: u64,
    /// Bumped by every `getUpdates`: an older long poll still waiting ends with 409.
    poll_generation: u64,
    chats: HashMap<i64, ChatState>,
    webhook: Option<Webhook>,
    commands: HashMap<(String, String), Value>,
    next_query: u64,
    open_callbacks: BTreeSet<u64>,
    open_inline: BTreeSet<u64>,
    inline_answers: VecDeque<(String, Value)>,
    faults: HashMap<String, VecDeque<Fault>>,
}

/// The call log: a ring buffer, a total count per method.
#[derive(Default)]
struct CallLog {
    calls: VecDeque<(Call, bool)>,
    next_seq: u64,
    counts: HashMap<String, usize>,
}

impl CallLog {
    /// Marks and returns the oldest untaken call from `*from` on that matches.
    fn take(&mut self, pred: &dyn Fn(&Call) -> bool, from: &mut u64) -> Option<Call> {
        let first = self.next_seq - self.calls.len() as u64;
        let start = from.saturating_sub(first) as usize;
        for (call, taken) in self.calls.iter_mut().skip(start) {
            if !*taken && pred(call) {
                *taken = true;
                *from = call.seq + 1;
                return Some(call.clone());
            }
        }
        *from = self.next_seq;
        None
    }
}

struct Inner {
    opts: Options,
    url: String,
    state: Mutex<ServerState>,
    /// Woken on every pushed update and every new `getUpdates`.
    updates: Notify,
    log: Mutex<CallLog>,
    log_notify: Notify,
    log_cv: Condvar,
    faults_pending: AtomicUsize,
    /// `getUpdates` long polls waiting right now.
    polls_waiting: AtomicUsize,
    closed: AtomicBool,
    closing: Notify,
}

/// Counts a waiting long poll while it lives.
struct PollGuard<'a>(&'a Inner);

impl<'a> PollGuard<'a> {
    fn new(inner: &'a Inner) -> PollGuard<'a> {
        inner.polls_waiting.fetch_add(1, Ordering::SeqCst);
        // Under the log lock, so a blocking waiter cannot miss the wake-up.
        let _log = lock(&inner.log);
        inner.log_cv.notify_all();
        inner.log_notify.notify_waiters();
        PollGuard(inner)
    }
}

impl Drop for PollGuard<'_> {
    fn drop(&mut self) {
        self.0.polls_waiting.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A Bot API error answer.
#[derive(Debug)]
struct ApiErr {
    code: u16,
    description: String,
    retry_after: Option<u32>,
}

fn err(code: u16, description: impl Into<String>) -> ApiErr {
    ApiErr {
        code,
        description: description.into(),
        retry_after: None,
    }
}

/// 400 `Bad Request: {what}`.
fn bad(what: impl fmt::Display) -> ApiErr {
    err(400, format!("Bad Request: {what}"))
}

/// A successful answer's `result`.
enum Reply {
    Json(Value),
    /// Already-serialized JSON (the `getUpdates` array).
    Raw(String),
    /// `result` with the `description` Telegram adds (setWebhook, deleteWebhook).
    Described(Value, &'static str),
    /// A garbled answer ([`Fault::MalformedJson`] and the like).
    Broken(Fault),
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(1)
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

// ---------------------------------------------------------------------------
// FakeApi: starting, pushing updates, looking at what the bot did
// ---------------------------------------------------------------------------

/// The emulated Bot API server. Cheap to clone; all clones share one server.
#[derive(Clone)]
pub struct FakeApi {
    inner: Arc<Inner>,
}

impl fmt::Debug for FakeApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeApi")
            .field("url", &self.inner.url)
            .finish()
    }
}

impl FakeApi {
    /// Starts a server on 127.0.0.1 (a free port) on the current tokio runtime.
    pub async fn start() -> FakeApi {
        FakeApi::start_with(Options::default()).await
    }

    /// [`FakeApi::start`] with options.
    pub async fn start_with(opts: Options) -> FakeApi {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let inner = Arc::new(Inner::new(opts, format!("http://{addr}")));
        tokio::spawn(serve(inner.clone(), listener));
        FakeApi { inner }
    }

    /// Starts a server on its own runtime on a background thread, for plain
    /// `#[test]`s (e.g. those that spawn the `atazan` binary).
    pub fn start_blocking() -> FakeApi {
        FakeApi::start_blocking_with(Options::default())
    }

    /// [`FakeApi::start_blocking`] with options.
    pub fn start_blocking_with(opts: Options) -> FakeApi {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("non-blocking socket");
        let addr = listener.local_addr().expect("local address");
        let inner = Arc::new(Inner::new(opts, format!("http://{addr}")));
        let server = inner.clone();
        std::thread::Builder::new()
            .name("fake-telegram".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("tokio runtime");
                runtime.block_on(async move {
                    let listener =
                        tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                    serve(server, listener).await;
                });
            })
            .expect("spawn the fake Telegram thread");
        FakeApi { inner }
    }

    /// The base URL, `http://127.0.0.1:PORT`, for `TELOXIDE_API_URL`.
    pub fn url(&self) -> String {
        self.inner.url.clone()
    }

    /// Stops accepting connections and ends waiting long polls.
    pub fn shutdown(&self) {
        self.inner.closed.store(true, Ordering::SeqCst);
        self.inner.closing.notify_waiters();
        self.inner.updates.notify_waiters();
    }

    // --- updates -----------------------------------------------------------

    /// Queues a raw update and returns its `update_id` (assigned when missing).
    /// A `message` or `channel_post` in it is stored in its chat, so the bot
    /// can answer or reply to it; an `edited_message` is applied.
    pub fn push(&self, update: Value) -> i64 {
        let mut st = lock(&self.inner.state);
        self.inner.absorb(&mut st, &update);
        self.inner.enqueue(&mut st, update)
    }

    /// A text message from `from` in `chat` (private or group).
    pub fn message(&self, from: &User, chat: &Chat, text: &str) -> Sent {
        self.user_message(from, chat, Some(text), None, None, None)
    }

    /// A text message replying to the bot's message `bot_message_id`.
    ///
    /// Panics if the chat does not hold that bot message.
    pub fn reply_to_bot(&self, from: &User, chat: &Chat, text: &str, bot_message_id: i64) -> Sent {
        self.user_message(from, chat, Some(text), None, None, Some(bot_message_id))
    }

    /// A sticker (👍) from `from` in `chat`.
    pub fn sticker(&self, from: &User, chat: &Chat) -> Sent {
        self.user_message(from, chat, None, None, Some(Media::Sticker), None)
    }

    /// A voice note from `from` in `chat`.
    pub fn voice(&self, from: &User, chat: &Chat) -> Sent {
        self.user_message(from, chat, None, None, Some(Media::Voice), None)
    }

    /// A photo, with an optional caption, from `from` in `chat`.
    pub fn photo(&self, from: &User, chat: &Chat, caption: Option<&str>) -> Sent {
        self.user_message(from, chat, None, caption, Some(Media::Photo), None)
    }

    /// The user edits their message `message_id` to `new_text`: an
    /// `edited_message` update. Returns its `update_id`.
    pub fn edited(&self, from: &User, chat: &Chat, message_id: i64, new_text: &str) -> i64 {
        let mut st = lock(&self.inner.state);
        let keep = self.inner.opts.keep_messages_per_chat;
        let cs = st.chat_entry(chat);
        let now = now_unix();
        let msg = match cs.find_mut(message_id) {
            Some(m) => {
                m.text = Some(new_text.to_string());
                m.edit_date = Some(now);
                m.edits += 1;
                m.clone()
            }
            None => {
                // Older than what the chat keeps: edit a copy.
                let m = Message {
                    edit_date: Some(now),
                    edits: 1,
                    ..user_msg(chat.id, message_id, from, Some(new_text), None, None, None)
                };
                cs.next_message_id = cs.next_message_id.max(message_id + 1);
                push_bounded(&mut cs.messages, m.clone(), keep);
                m
            }
        };
        let body = message_json(chat, &msg, None);
        self.inner
            .enqueue(&mut st, json!({ "edited_message": body }))
    }

    /// The user presses a button of the bot's `message` (as returned by
    /// [`FakeApi::messages`]) whose `callback_data` is `data`. Returns the
    /// callback query id the bot must answer with `answerCallbackQuery`.
    pub fn callback(&self, from: &User, message: &Message, data: &str) -> String {
        let mut st = lock(&self.inner.state);
        st.next_query += 1;
        let n = st.next_query;
        let id = query_id(n);
        bounded_insert(&mut st.open_callbacks, n);
        let cs = st
            .chats
            .get(&message.chat_id)
            .unwrap_or_else(|| panic!("no chat {} on the fake server", message.chat_id));
        let current = cs.find(message.message_id).unwrap_or(message);
        let reply = current.reply_to.and_then(|r| cs.find(r));
        let body = message_json(&cs.chat, current, reply);
        let update = json!({
            "callback_query": {
                "id": id,
                "from": from.json(),
                "message": body,
                "chat_instance": chat_instance(message.chat_id),
                "data": data,
            }
        });
        self.inner.enqueue(&mut st, update);
        id
    }

    /// The user types `@atazan_test_bot {query}`: an `inline_query` update.
    /// Returns the inline query id the bot must answer with `answerInlineQuery`.
    pub fn inline_query(&self, from: &User, query: &str) -> String {
        let mut st = lock(&self.inner.state);
        st.next_query += 1;
        let n = st.next_query;
        let id = query_id(n);
        bounded_insert(&mut st.open_inline, n);
        let update = json!({
            "inline_query": {
                "id": id,
                "from": from.json(),
                "query": query,
                "offset": "",
                "chat_type": "sender",
            }
        });
        self.inner.enqueue(&mut st, update);
        id
    }

    /// A post in the channel `chat_id` (the bot is an admin there). Returns
    /// the `update_id`.
    pub fn channel_post(&self, chat_id: i64, text: &str) -> i64 {
        let chat = Chat::channel(chat_id, "Test channel");
        let mut st = lock(&self.inner.state);
        let keep = self.inner.opts.keep_messages_per_chat;
        let cs = st.chat_entry(&chat);
        let message_id = cs.next_message_id;
        cs.next_message_id += 1;
        let msg = Message {
            chat_id,
            message_id,
            from: None,
            from_bot: false,
            date: now_unix(),
            edit_date: None,
            edits: 0,
            text: Some(text.to_string()),
            parse_mode: None,
            caption: None,
            media: None,
            reply_to: None,
            markup: None,
        };
        let body = message_json(&cs.chat, &msg, None);
        push_bounded(&mut cs.messages, msg, keep);
        self.inner.enqueue(&mut st, json!({ "channel_post": body }))
    }

    fn user_message(
        &self,
        from: &User,
        chat: &Chat,
        text: Option<&str>,
        caption: Option<&str>,
        media: Option<Media>,
        reply_to: Option<i64>,
    ) -> Sent {
        let mut st = lock(&self.inner.state);
        let keep = self.inner.opts.keep_messages_per_chat;
        let cs = st.chat_entry(chat);
        let message_id = cs.next_message_id;
        cs.next_message_id += 1;
        let msg = user_msg(chat.id, message_id, from, text, caption, media, reply_to);
        let reply = reply_to.map(|r| {
            cs.find(r)
                .filter(|m| m.from_bot)
                .unwrap_or_else(|| panic!("chat {} holds no bot message {r}", chat.id))
        });
        let body = message_json(&cs.chat, &msg, reply);
        push_bounded(&mut cs.messages, msg, keep);
        let update_id = self.inner.enqueue(&mut st, json!({ "message": body }));
        Sent {
            update_id,
            message_id,
        }
    }

    /// Takes the queued updates as JSON, oldest first: for webhook mode,
    /// where the test posts them to a bot of its choice.
    pub fn take_updates(&self) -> Vec<String> {
        lock(&self.inner.state)
            .queue
            .drain(..)
            .map(|p| p.json.to_string())
            .collect()
    }

    /// How many updates are queued and not yet confirmed by the bot.
    pub fn pending(&self) -> usize {
        lock(&self.inner.state).queue.len()
    }

    /// How many updates were dropped because the bot's `allowed_updates`
    /// left out their kind (Telegram never creates those).
    pub fn dropped_updates(&self) -> u64 {
        lock(&self.inner.state).dropped_updates
    }

    // --- what the bot did --------------------------------------------------

    /// Every call still in the log, oldest first.
    pub fn calls(&self) -> Vec<Call> {
        lock(&self.inner.log)
            .calls
            .iter()
            .map(|(c, _)| c.clone())
            .collect()
    }

    /// The calls of `method` (any case) still in the log, oldest first.
    pub fn calls_of(&self, method: &str) -> Vec<Call> {
        lock(&self.inner.log)
            .calls
            .iter()
            .filter(|(c, _)| c.is(method))
            .map(|(c, _)| c.clone())
            .collect()
    }

    /// How many calls of `method` (any case) were made since the start,
    /// including those the ring buffer no longer holds and failed ones.
    pub fn count(&self, method: &str) -> usize {
        lock(&self.inner.log)
            .counts
            .get(&method.to_ascii_lowercase())
            .copied()
            .unwrap_or(0)
    }

    /// The sequence number the next recorded call will get; with
    /// [`FakeApi::wait_for_since`], waits only for calls made from now on.
    pub fn mark(&self) -> u64 {
        lock(&self.inner.log).next_seq
    }

    /// The chat's stored messages, oldest first (the user's and the bot's),
    /// with edits applied.
    pub fn messages(&self, chat_id: i64) -> Vec<Message> {
        lock(&self.inner.state)
            .chats
            .get(&chat_id)
            .map(|cs| cs.messages.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The bot's stored messages in the chat, oldest first.
    pub fn bot_messages(&self, chat_id: i64) -> Vec<Message> {
        let mut all = self.messages(chat_id);
        all.retain(|m| m.from_bot);
        all
    }

    /// The commands set for `scope` (`None`: `{"type":"default"}`) and
    /// `language_code` (`""`: all languages), as (command, description).
    pub fn commands(
        &self,
        scope: Option<Value>,
        language_code: &str,
    ) -> Option<Vec<(String, String)>> {
        let key = (scope_key(scope.as_ref()), language_code.to_string());
        let st = lock(&self.inner.state);
        let list = st.commands.get(&key)?;
        Some(
            list.as_array()
                .into_iter()
                .flatten()
                .map(|c| {
                    (
                        c["command"].as_str().unwrap_or_default().to_string(),
                        c["description"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect(),
        )
    }

    /// The webhook set with `setWebhook`: (url, secret_token).
    pub fn webhook(&self) -> Option<(String, Option<String>)> {
        lock(&self.inner.state)
            .webhook
            .as_ref()
            .map(|w| (w.url.clone(), w.secret_token.clone()))
    }

    /// The parameters of the bot's `answerInlineQuery` for `query_id`
    /// (`results`, `cache_time`, …), if it answered.
    pub fn inline_answer(&self, query_id: &str) -> Option<Value> {
        lock(&self.inner.state)
            .inline_answers
            .iter()
            .rev()
            .find(|(id, _)| id == query_id)
            .map(|(_, v)| v.clone())
    }

    /// Waits until a call matches `pred`, and returns it: the oldest call in
    /// the log that matches and that no earlier `wait_for` returned, so a
    /// call made before this is called is found too (no race), and two
    /// waits for "a sendMessage" return two different calls. `None` after
    /// `timeout`. Woken by each new call (no polling). `pred` must not call
    /// back into the `FakeApi`.
    pub async fn wait_for(&self, pred: impl Fn(&Call) -> bool, timeout: Duration) -> Option<Call> {
        self.wait_for_since(0, pred, timeout).await
    }

    /// [`FakeApi::wait_for`] among the calls from sequence number `since` on
    /// (see [`FakeApi::mark`]).
    pub async fn wait_for_since(
        &self,
        since: u64,
        pred: impl Fn(&Call) -> bool,
        timeout: Duration,
    ) -> Option<Call> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut from = since;
        loop {
            let notified = self.inner.log_notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(call) = lock(&self.inner.log).take(&pred, &mut from) {
                return Some(call);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return lock(&self.inner.log).take(&pred, &mut from);
            }
        }
    }

    /// [`FakeApi::wait_for`] for plain `#[test]`s: blocks the thread. Use it
    /// with [`FakeApi::start_blocking`], never on the server's own runtime.
    pub fn wait_for_blocking(
        &self,
        pred: impl Fn(&Call) -> bool,
        timeout: Duration,
    ) -> Option<Call> {
        self.wait_for_blocking_since(0, pred, timeout)
    }

    /// [`FakeApi::wait_for_since`], blocking.
    pub fn wait_for_blocking_since(
        &self,
        since: u64,
        pred: impl Fn(&Call) -> bool,
        timeout: Duration,
    ) -> Option<Call> {
        let mut from = since;
        self.block_until(timeout, |log| log.take(&pred, &mut from))
    }

    /// Whether a `getUpdates` long poll is waiting now: the bot is up and idle.
    pub fn is_polling(&self) -> bool {
        self.inner.polls_waiting.load(Ordering::SeqCst) > 0
    }

    /// Waits until a `getUpdates` long poll is waiting; `false` after `timeout`.
    pub async fn wait_polling(&self, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.inner.log_notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.is_polling() {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.is_polling();
            }
        }
    }

    /// [`FakeApi::wait_polling`], blocking the thread.
    pub fn wait_polling_blocking(&self, timeout: Duration) -> bool {
        self.block_until(timeout, |_| self.is_polling().then_some(()))
            .is_some()
    }

    /// Blocks the thread until `check` finds something in the log (checked
    /// again after every logged call), or `timeout` passes.
    fn block_until<T>(
        &self,
        timeout: Duration,
        mut check: impl FnMut(&mut CallLog) -> Option<T>,
    ) -> Option<T> {
        let deadline = Instant::now() + timeout;
        let mut log = lock(&self.inner.log);
        loop {
            if let Some(found) = check(&mut log) {
                return Some(found);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            log = self
                .inner
                .log_cv
                .wait_timeout(log, left)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
    }

    // --- faults ------------------------------------------------------------

    /// Makes the next call of `method` (any case; `"*"`: any method) fail with
    /// `fault`. Faults for one method are used in the order they were added.
    pub fn fail_next(&self, method: &str, fault: Fault) {
        let mut st = lock(&self.inner.state);
        st.faults
            .entry(method.to_ascii_lowercase())
            .or_default()
            .push_back(fault);
        self.inner.faults_pending.fetch_add(1, Ordering::SeqCst);
    }
}

/// A callback or inline query id: a long decimal string, as on Telegram.
fn query_id(n: u64) -> String {
    format!("{}", 5_000_000_000_000_000_000u64 + n)
}

/// The numeric part of a query id we issued.
fn query_number(id: &str) -> Option<u64> {
    id.parse::<u64>()
        .ok()
        .and_then(|v| v.checked_sub(5_000_000_000_000_000_000))
}

/// Remembers an open query; the oldest are forgotten past 100,000.
fn bounded_insert(set: &mut BTreeSet<u64>, n: u64) {
    set.insert(n);
    if set.len() > 100_000 {
        set.pop_first();
    }
}

/// A stable `chat_instance` per chat.
fn chat_instance(chat_id: i64) -> String {
    format!(
        "{}",
        (chat_id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 1
    )
}

fn push_bounded(messages: &mut VecDeque<Message>, m: Message, keep: usize) {
    messages.push_back(m);
    while messages.len() > keep.max(1) {
        messages.pop_front();
    }
}

fn user_msg(
    chat_id: i64,
    message_id: i64,
    from: &User,
    text: Option<&str>,
    caption: Option<&str>,
    media: Option<Media>,
    reply_to: Option<i64>,
) -> Message {
    Message {
        chat_id,
        message_id,
        from: Some(from.clone()),
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
fn message_json(chat: &Chat, m: &Message, reply: Option<&Message>) -> Value {
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
    let file = |kind: &str| {
        (
            format!("{kind}-{}-{}-fake-file-id", m.chat_id, m.message_id),
            format!("{kind}{}", m.message_id),
        )
    };
    match m.media {
        Some(Media::Sticker) => {
            let (id, unique) = file("CAACAgIAAxkBAAEsticker");
            o.insert(
                "sticker".into(),
                json!({
                    "file_id": id, "file_unique_id": unique, "file_size": 18_344,
                    "type": "regular", "width": 512, "height": 512,
                    "is_animated": false, "is_video": false,
                    "emoji": "👍", "set_name": "AtazanTestStickers",
                }),
            );
        }
        Some(Media::Voice) => {
            let (id, unique) = file("AwACAgIAAxkBAAEvoice");
            o.insert(
                "voice".into(),
                json!({
                    "file_id": id, "file_unique_id": unique, "file_size": 7_018,
                    "duration": 3, "mime_type": "audio/ogg",
                }),
            );
        }
        Some(Media::Photo) => {
            let sizes: Vec<Value> = [(90, 67, 1_520), (320, 240, 18_006), (800, 600, 64_511)]
                .iter()
                .enumerate()
                .map(|(i, (w, h, size))| {
                    let (id, unique) = file(&format!("AgACAgIAAxkBAAEphoto{i}"));
                    json!({
                        "file_id": id, "file_unique_id": unique, "file_size": size,
                        "width": w, "height": h,
                    })
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
fn rendered(text: &str, parse_mode: Option<&str>) -> (String, Vec<Entity>) {
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

// ---------------------------------------------------------------------------
// The HTTP side
// ---------------------------------------------------------------------------

async fn serve(inner: Arc<Inner>, listener: tokio::net::TcpListener) {
    let router = Router::new()
        .route("/{bot}/{method}", any(handle))
        .fallback(not_found)
        .with_state(inner.clone());
    tokio::select! {
        result = axum::serve(listener, router).into_future() => {
            if let Err(e) = result {
                eprintln!("fake Telegram server stopped: {e}");
            }
        }
        _ = inner.wait_closed() => {}
    }
}

async fn not_found() -> Response {
    error_response(&err(404, "Not Found"))
}

/// One Bot API request: `/bot<token>/<Method>`.
async fn handle(
    State(inner): State<Arc<Inner>>,
    Path((bot, method)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let at = Instant::now();
    let method = method.to_ascii_lowercase();
    let (params, outcome) = match params(&headers, query.as_deref(), &body) {
        Ok(params) => {
            let outcome = inner.answer(&bot, &method, &params).await;
            (params, outcome)
        }
        Err(e) => (Value::Object(Map::new()), Err(e)),
    };
    let (status, error, response) = match outcome {
        Ok(Reply::Broken(fault)) => (
            200,
            Some(format!("fault: {fault:?}")),
            broken_response(&fault),
        ),
        Ok(reply) => (200, None, ok_response(reply)),
        Err(e) => (e.code, Some(e.description.clone()), error_response(&e)),
    };
    inner.record(Call {
        seq: 0,
        method,
        params,
        at,
        status,
        error,
    });
    response
}

/// A 200 answer that teloxide cannot use ([`Fault::MalformedJson`] and the like).
fn broken_response(fault: &Fault) -> Response {
    // What a real answer looks like, to cut in half.
    let whole = br#"{"ok":true,"result":{"message_id":1,"date":0,"chat":{"id":1,"type":"private","first_name":"A"},"text":"a reply"}}"#;
    let half = Bytes::from_static(&whole[..whole.len() / 2]);
    match fault {
        Fault::MalformedJson => json_response(
            StatusCode::OK,
            b"<html><body>502 Bad Gateway</body></html> {ok: true,]".to_vec(),
        ),
        Fault::Truncated => json_response(StatusCode::OK, half.to_vec()),
        Fault::UnknownCode(code) => json_response(
            StatusCode::OK,
            serde_json::to_vec(&json!({
                "ok": false,
                "error_code": code,
                "description": format!("Something unheard of happened ({code})"),
            }))
            .expect("JSON"),
        ),
        Fault::CloseMidBody => {
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(half),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "the fake closes the connection mid-body",
                )),
            ];
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CONTENT_LENGTH, whole.len())
                .body(Body::from_stream(futures_util::stream::iter(chunks)))
                .expect("a valid response")
        }
        other => unreachable!("{other:?} is not a broken answer"),
    }
}

fn ok_response(reply: Reply) -> Response {
    let body = match reply {
        Reply::Broken(fault) => return broken_response(&fault),
        Reply::Raw(result) => format!(r#"{{"ok":true,"result":{result}}}"#).into_bytes(),
        Reply::Json(result) => {
            serde_json::to_vec(&json!({ "ok": true, "result": result })).expect("JSON")
        }
        Reply::Described(result, description) => {
            serde_json::to_vec(&json!({ "ok": true, "result": result, "description": description }))
                .expect("JSON")
        }
    };
    json_response(StatusCode::OK, body)
}

fn error_response(e: &ApiErr) -> Response {
    let mut body = json!({
        "ok": false,
        "error_code": e.code,
        "description": e.description,
    });
    if let Some(secs) = e.retry_after {
        body["parameters"] = json!({ "retry_after": secs });
    }
    let status = StatusCode::from_u16(e.code).unwrap_or(StatusCode::BAD_REQUEST);
    json_response(status, serde_json::to_vec(&body).expect("JSON"))
}

fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .expect("a valid response")
}

/// The request's parameters: query string, then a JSON or form body.
fn params(headers: &HeaderMap, query: Option<&str>, body: &[u8]) -> Result<Value, ApiErr> {
    let mut out = Map::new();
    if let Some(q) = query {
        for (k, v) in form_pairs(q) {
            out.insert(k, form_value(v));
        }
    }
    let raw_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let content_type = raw_type.to_ascii_lowercase();
    if body.is_empty() {
        return Ok(Value::Object(out));
    }
    if content_type.starts_with("application/json") {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => out.extend(map),
            Ok(_) => return Err(bad("parameters must be a JSON object")),
            Err(_) => return Err(bad("can't parse JSON object")),
        }
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        let text = std::str::from_utf8(body).map_err(|_| bad("invalid form encoding"))?;
        for (k, v) in form_pairs(text) {
            out.insert(k, form_value(v));
        }
    } else if content_type.starts_with("multipart/form-data") {
        // The boundary is case-sensitive: take it from the header as sent.
        let boundary = content_type
            .find("boundary=")
            .map(|i| {
                raw_type[i + "boundary=".len()..]
                    .split(';')
                    .next()
                    .unwrap_or("")
            })
            .map(|b| b.trim().trim_matches('"'))
            .filter(|b| !b.is_empty())
            .ok_or_else(|| bad("multipart body without a boundary"))?;
        out.extend(multipart_fields(body, boundary));
    }
    Ok(Value::Object(out))
}

/// The fields of a `multipart/form-data` body (teloxide sends `setWebhook`
/// this way). Text fields become values as in a form; a file becomes
/// `{"file_name": …, "size": …}`.
fn multipart_fields(body: &[u8], boundary: &str) -> Vec<(String, Value)> {
    let delimiter = format!("--{boundary}").into_bytes();
    let find = |from: usize| {
        body.get(from..)?
            .windows(delimiter.len())
            .position(|w| w == delimiter.as_slice())
            .map(|p| p + from)
    };
    let mut fields = Vec::new();
    let mut at = find(0);
    while let Some(start) = at {
        let part_start = start + delimiter.len();
        let Some(end) = find(part_start) else { break };
        let part = &body[part_start..end];
        at = Some(end);
        let Some(split) = part.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..split]);
        let mut content = &part[split + 4..];
        if content.ends_with(b"\r\n") {
            content = &content[..content.len() - 2];
        }
        let attr = |key: &str| {
            let needle = format!("{key}=\"");
            let i = head.find(&needle)? + needle.len();
            let len = head[i..].find('"')?;
            Some(head[i..i + len].to_string())
        };
        let Some(name) = attr("name") else { continue };
        let value = match attr("filename") {
            Some(file_name) => json!({ "file_name": file_name, "size": content.len() }),
            None => form_value(String::from_utf8_lossy(content).into_owned()),
        };
        fields.push((name, value));
    }
    fields
}

/// `a=1&b=x%20y` → pairs, percent- and `+`-decoded.
fn form_pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'+', _, _) => out.push(b' '),
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 2;
            }
            (c, _, _) => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A form value: JSON-serialized objects and arrays (as the Bot API expects
/// them in forms) are parsed; anything else stays a string.
fn form_value(v: String) -> Value {
    if v.starts_with('{') || v.starts_with('[') {
        if let Ok(parsed) = serde_json::from_str(&v) {
            return parsed;
        }
    }
    Value::String(v)
}

/// An integer parameter, given as a number or a numeric string.
fn int(p: &Value, key: &str) -> Option<i64> {
    match p.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A boolean parameter, given as a boolean or `"true"`/`"false"`.
fn boolean(p: &Value, key: &str) -> Option<bool> {
    match p.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.as_str() {
            "true" | "True" | "1" => Some(true),
            "false" | "False" | "0" => Some(false),
            _ => None,
        },
        Value::Number(n) => Some(n.as_i64() != Some(0)),
        _ => None,
    }
}

/// A string parameter (numbers are accepted and written out).
fn string(p: &Value, key: &str) -> Option<String> {
    match p.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An object or array parameter, also when sent as a JSON string.
fn object(p: &Value, key: &str) -> Option<Value> {
    match p.get(key)? {
        Value::String(s) => serde_json::from_str(s).ok(),
        Value::Null => None,
        v => Some(v.clone()),
    }
}

// ---------------------------------------------------------------------------
// The methods
// ---------------------------------------------------------------------------

impl Inner {
    fn new(opts: Options, url: String) -> Inner {
        Inner {
            opts,
            url,
            state: Mutex::new(ServerState::default()),
            updates: Notify::new(),
            log: Mutex::new(CallLog::default()),
            log_notify: Notify::new(),
            log_cv: Condvar::new(),
            faults_pending: AtomicUsize::new(0),
            polls_waiting: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
            closing: Notify::new(),
        }
    }

    async fn wait_closed(&self) {
        loop {
            let notified = self.closing.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.closed.load(Ordering::SeqCst) {
                return;
            }
            notified.await;
        }
    }

    /// Records a call, wakes the waiters, calls the hook.
    fn record(&self, mut call: Call) {
        let hooked = {
            let mut log = lock(&self.log);
            call.seq = log.next_seq;
            log.next_seq += 1;
            *log.counts.entry(call.method.clone()).or_insert(0) += 1;
            let hooked = self.opts.on_call.as_ref().map(|_| call.clone());
            log.calls.push_back((call, false));
            while log.calls.len() > self.opts.keep_calls.max(1) {
                log.calls.pop_front();
            }
            hooked
        };
        self.log_notify.notify_waiters();
        self.log_cv.notify_all();
        if let (Some(hook), Some(call)) = (&self.opts.on_call, hooked) {
            hook(&call);
        }
    }

    /// Queues an update (assigning `update_id` if missing) and wakes `getUpdates`.
    fn enqueue(&self, st: &mut ServerState, mut update: Value) -> i64 {
        let id = match update.get("update_id").and_then(Value::as_i64) {
            Some(id) => {
                st.next_update_id = st.next_update_id.max(id);
                id
            }
            None => {
                st.next_update_id += 1;
                update["update_id"] = json!(st.next_update_id);
                st.next_update_id
            }
        };
        let kind = update
            .as_object()
            .and_then(|o| o.keys().find(|k| *k != "update_id").cloned())
            .unwrap_or_default();
        let text = serde_json::to_string(&update).expect("JSON");
        st.queue.push_back(Pending {
            id,
            kind: kind.into(),
            json: text.into(),
        });
        self.updates.notify_waiters();
        id
    }

    /// Stores the message of a raw pushed update in its chat.
    fn absorb(&self, st: &mut ServerState, update: &Value) {
        let keep = self.opts.keep_messages_per_chat;
        for (kind, edit) in [
            ("message", false),
            ("channel_post", false),
            ("edited_message", true),
        ] {
            let Some(m) = update.get(kind) else { continue };
            let (Some(chat), Some(message_id)) =
                (chat_from_json(&m["chat"]), m["message_id"].as_i64())
            else {
                continue;
            };
            let from = m.get("from").and_then(user_from_json);
            let text = m["text"].as_str();
            let cs = st.chat_entry(&chat);
            cs.next_message_id = cs.next_message_id.max(message_id + 1);
            if edit {
                if let Some(stored) = cs.find_mut(message_id) {
                    stored.text = text.map(str::to_string);
                    stored.edit_date = Some(now_unix());
                    stored.edits += 1;
                    continue;
                }
            }
            let mut msg = user_msg(chat.id, message_id, &User::new(0), text, None, None, None);
            msg.from = from;
            msg.date = m["date"].as_i64().unwrap_or_else(now_unix);
            push_bounded(&mut cs.messages, msg, keep);
        }
    }

    /// Checks the token and faults, then runs the method.
    async fn answer(&self, bot: &str, method: &str, p: &Value) -> Result<Reply, ApiErr> {
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
            if let Some(allowed) = object(p, "allowed_updates") {
                let list: Vec<String> = allowed
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
                st.allowed = if list.is_empty() { None } else { Some(list) };
            }
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

fn chat_from_json(v: &Value) -> Option<Chat> {
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

fn user_from_json(v: &Value) -> Option<User> {
    Some(User {
        id: v["id"].as_u64()?,
        first_name: v["first_name"].as_str()?.to_string(),
        last_name: v["last_name"].as_str().map(str::to_string),
        username: v["username"].as_str().map(str::to_string),
        language_code: v["language_code"].as_str().map(str::to_string),
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
fn scope_key(scope: Option<&Value>) -> String {
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
    /// The chat's state, created (or its details refreshed) from `chat`.
    fn chat_entry(&mut self, chat: &Chat) -> &mut ChatState {
        let cs = self.chats.entry(chat.id).or_insert_with(|| ChatState {
            chat: chat.clone(),
            next_message_id: 1,
            messages: VecDeque::new(),
        });
        if cs.chat != *chat {
            cs.chat = chat.clone();
        }
        cs
    }

    /// Up to `limit` queued updates of the allowed kinds (others are dropped).
    fn batch(&mut self, limit: usize) -> Vec<Arc<str>> {
        let allowed = self.allowed.clone();
        let before = self.queue.len();
        self.queue.retain(|u| match &allowed {
            Some(list) => list.iter().any(|k| **k == *u.kind),
            None => !NOT_BY_DEFAULT.contains(&&*u.kind),
        });
        self.dropped_updates += (before - self.queue.len()) as u64;
        self.queue
            .iter()
            .take(limit)
            .map(|u| u.json.clone())
            .collect()
    }

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
        if let Some(allowed) = object(p, "allowed_updates") {
            let list: Vec<String> = allowed
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            self.allowed = if list.is_empty() { None } else { Some(list) };
        }
        self.webhook = Some(Webhook { url, secret_token });
        Ok(Reply::Described(json!(true), "Webhook was set"))
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
        let message_id =
            int(p, "message_id").ok_or_else(|| bad("message identifier is not specified"))?;
        let cs = self.target_chat(p)?;
        let Some(msg) = cs.find(message_id) else {
            return Err(bad("message to edit not found"));
        };
        if !msg.from_bot || msg.text.is_none() {
            return Err(bad("message can't be edited"));
        }
        let (new_plain, new_entities) = check_text(&text, parse_mode.as_deref(), opts)?;
        let (old_plain, old_entities) =
            rendered(msg.text.as_deref().unwrap_or(""), msg.parse_mode.as_deref());
        if new_plain == old_plain && new_entities == old_entities && markup == msg.markup {
            return Err(not_modified());
        }
        let chat = cs.chat.clone();
        let msg = cs.find_mut(message_id).expect("found above");
        msg.text = Some(text);
        msg.parse_mode = parse_mode;
        msg.markup = markup;
        msg.edit_date = Some(now_unix());
        msg.edits += 1;
        let msg = msg.clone();
        let reply = msg.reply_to.and_then(|r| cs.find(r));
        Ok(Reply::Json(message_json(&chat, &msg, reply)))
    }

    fn edit_reply_markup(&mut self, p: &Value) -> Result<Reply, ApiErr> {
        let markup = markup_param(p)?;
        if p.get("inline_message_id").is_some() {
            return Ok(Reply::Json(json!(true)));
        }
        let message_id =
            int(p, "message_id").ok_or_else(|| bad("message identifier is not specified"))?;
        let cs = self.target_chat(p)?;
        let chat = cs.chat.clone();
        let Some(msg) = cs.find_mut(message_id) else {
            return Err(bad("message to edit not found"));
        };
        if !msg.from_bot {
            return Err(bad("message can't be edited"));
        }
        if markup == msg.markup {
            return Err(not_modified());
        }
        msg.markup = markup;
        msg.edit_date = Some(now_unix());
        msg.edits += 1;
        let msg = msg.clone();
        let reply = msg.reply_to.and_then(|r| cs.find(r));
        Ok(Reply::Json(message_json(&chat, &msg, reply)))
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

// ---------------------------------------------------------------------------
// HTML parse mode
// ---------------------------------------------------------------------------

/// A formatting entity of a parsed text (offsets in UTF-16 code units).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entity {
    kind: &'static str,
    offset: usize,
    length: usize,
    /// One extra field: `url`, `language` or `custom_emoji_id`.
    extra: Option<(&'static str, String)>,
}

fn entities_json(entities: &[Entity]) -> Value {
    Value::Array(
        entities
            .iter()
            .map(|e| {
                let mut o = json!({ "type": e.kind, "offset": e.offset, "length": e.length });
                if let Some((k, v)) = &e.extra {
                    o[*k] = json!(v);
                }
                o
            })
            .collect(),
    )
}

/// A tag still open while parsing.
struct OpenTag {
    name: String,
    begin: usize,
    kind: Option<&'static str>,
    extra: Option<(&'static str, String)>,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

/// Parses Telegram's HTML into plain text and entities, with tdlib's error
/// messages (`Unsupported start tag "x" at byte offset N`, …). With
/// `strict_ampersand`, an `&` that starts no entity is an error too.
fn parse_html(s: &str, strict_ampersand: bool) -> Result<(String, Vec<Entity>), String> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut plain = String::with_capacity(s.len());
    let mut utf16 = 0;
    let mut stack: Vec<OpenTag> = Vec::new();
    let mut entities = Vec::new();
    while i < b.len() {
        match b[i] {
            b'&' => match decode_entity(&s[i..]) {
                Some((c, len)) => {
                    plain.push(c);
                    utf16 += c.len_utf16();
                    i += len;
                }
                None if strict_ampersand => {
                    return Err(format!(
                        "Unsupported HTML entity at byte offset {i} (escape '&' as &amp;)"
                    ))
                }
                None => {
                    plain.push('&');
                    utf16 += 1;
                    i += 1;
                }
            },
            b'<' if b.get(i + 1) == Some(&b'/') => {
                let begin = i;
                let Some(open) = stack.pop() else {
                    return Err(format!("Unexpected end tag at byte offset {begin}"));
                };
                i += 2;
                let name_start = i;
                while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                    i += 1;
                }
                let end_name = s[name_start..i].to_ascii_lowercase();
                while i < b.len() && is_space(b[i]) {
                    i += 1;
                }
                if i >= b.len() || b[i] != b'>' {
                    return Err(format!("Unclosed end tag at byte offset {begin}"));
                }
                i += 1;
                if !end_name.is_empty() && end_name != open.name {
                    return Err(format!(
                        "Unmatched end tag at byte offset {begin}, expected \"</{}>\", found \"</{end_name}>\"",
                        open.name
                    ));
                }
                close_tag(open, utf16, &mut stack, &mut entities);
            }
            b'<' => {
                let begin = i;
                i += 1;
                while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                    i += 1;
                }
                if i >= b.len() {
                    return Err(format!("Unclosed start tag at byte offset {begin}"));
                }
                let name = s[begin + 1..i].to_ascii_lowercase();
                if !HTML_TAGS.contains(&name.as_str()) {
                    return Err(format!(
                        "Unsupported start tag \"{name}\" at byte offset {begin}"
                    ));
                }
                let mut attrs: Vec<(String, String)> = Vec::new();
                loop {
                    while i < b.len() && is_space(b[i]) {
                        i += 1;
                    }
                    if i >= b.len() {
                        return Err(format!(
                            "Unclosed start tag \"{name}\" at byte offset {begin}"
                        ));
                    }
                    if b[i] == b'>' {
                        i += 1;
                        break;
                    }
                    let attr_start = i;
                    while i < b.len() && !is_space(b[i]) && b[i] != b'=' && b[i] != b'>' {
                        i += 1;
                    }
                    let attr = s[attr_start..i].to_ascii_lowercase();
                    if attr.is_empty() {
                        return Err(format!(
                            "Empty attribute name in the tag \"{name}\" at byte offset {begin}"
                        ));
                    }
                    while i < b.len() && is_space(b[i]) {
                        i += 1;
                    }
                    if i >= b.len() {
                        return Err(format!(
                            "Unclosed start tag \"{name}\" at byte offset {begin}"
                        ));
                    }
                    if b[i] != b'=' {
                        attrs.push((attr, String::new()));
                        continue;
                    }
                    i += 1;
                    while i < b.len() && is_space(b[i]) {
                        i += 1;
                    }
                    if i >= b.len() {
                        return Err(format!(
                            "Unclosed start tag \"{name}\" at byte offset {begin}"
                        ));
                    }
                    let value = if b[i] == b'"' || b[i] == b'\'' {
                        let quote = b[i];
                        let Some(len) = b[i + 1..].iter().position(|&c| c == quote) else {
                            return Err(format!("Unclosed start tag at byte offset {begin}"));
                        };
                        let raw = &s[i + 1..i + 1 + len];
                        i += len + 2;
                        decode_attribute(raw)
                    } else {
                        let token = i;
                        while i < b.len()
                            && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'-')
                        {
                            i += 1;
                        }
                        if i >= b.len() || !(is_space(b[i]) || b[i] == b'>') {
                            return Err(format!(
                                "Unexpected end of name token at byte offset {token}"
                            ));
                        }
                        s[token..i].to_string()
                    };
                    attrs.push((attr, value));
                }
                let attr = |key: &str| attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
                let (kind, extra) = match name.as_str() {
                    "b" | "strong" => (Some("bold"), None),
                    "i" | "em" => (Some("italic"), None),
                    "u" | "ins" => (Some("underline"), None),
                    "s" | "strike" | "del" => (Some("strikethrough"), None),
                    "tg-spoiler" => (Some("spoiler"), None),
                    "span" => {
                        if attr("class").as_deref() != Some("tg-spoiler") {
                            return Err(format!(
                                "Tag \"span\" must have class \"tg-spoiler\" at byte offset {begin}"
                            ));
                        }
                        (Some("spoiler"), None)
                    }
                    "blockquote" if attr("expandable").is_some() => {
                        (Some("expandable_blockquote"), None)
                    }
                    "blockquote" => (Some("blockquote"), None),
                    "code" => {
                        let language = attr("class")
                            .and_then(|c| c.strip_prefix("language-").map(str::to_string))
                            .filter(|l| !l.is_empty());
                        (Some("code"), language.map(|l| ("language", l)))
                    }
                    "pre" => (Some("pre"), None),
                    "a" => match attr("href").map(|h| link_url(&h)) {
                        Some(Some(url)) => (Some("text_link"), Some(("url", url))),
                        _ => (None, None),
                    },
                    "tg-emoji" => match attr("emoji-id").filter(|v| !v.is_empty()) {
                        Some(id) => (Some("custom_emoji"), Some(("custom_emoji_id", id))),
                        None => (None, None),
                    },
                    _ => (None, None),
                };
                stack.push(OpenTag {
                    name,
                    begin: utf16,
                    kind,
                    extra,
                });
            }
            _ => {
                let c = s[i..].chars().next().expect("a char at a char boundary");
                plain.push(c);
                utf16 += c.len_utf16();
                i += c.len_utf8();
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!(
            "Can't find end tag corresponding to start tag \"{}\"",
            open.name
        ));
    }
    entities
        .sort_by(|a: &Entity, b: &Entity| a.offset.cmp(&b.offset).then(b.length.cmp(&a.length)));
    Ok((plain, entities))
}

/// Ends an open tag: its entity, if it has one and is not empty. A `code`
/// with a language directly inside a `pre` gives the `pre` its language.
fn close_tag(open: OpenTag, utf16: usize, stack: &mut [OpenTag], entities: &mut Vec<Entity>) {
    let length = utf16 - open.begin;
    let Some(kind) = open.kind else { return };
    if length == 0 {
        return;
    }
    if kind == "code" {
        if let (Some(("language", language)), Some(parent)) = (&open.extra, stack.last_mut()) {
            if parent.kind == Some("pre") && parent.begin == open.begin {
                parent.extra = Some(("language", language.clone()));
                return;
            }
        }
    }
    let extra = if kind == "code" { None } else { open.extra };
    entities.push(Entity {
        kind,
        offset: open.begin,
        length,
        extra,
    });
}

/// A link's URL as Telegram normalises it; `None` if it is not usable.
fn link_url(href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty() || href.contains(char::is_whitespace) {
        return None;
    }
    if href.contains("://") || href.starts_with("tg:") || href.starts_with("mailto:") {
        Some(href.to_string())
    } else {
        Some(format!("http://{href}"))
    }
}

/// Decodes `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&#NN;` and `&#xNN;` at the
/// start of `s` (the `;` is optional, as in tdlib): the char and its length.
fn decode_entity(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    let (c, mut len) = if b.get(1) == Some(&b'#') {
        let hex = matches!(b.get(2), Some(b'x') | Some(b'X'));
        let start = if hex { 3 } else { 2 };
        let end = start
            + b[start..]
                .iter()
                .take_while(|c| {
                    if hex {
                        c.is_ascii_hexdigit()
                    } else {
                        c.is_ascii_digit()
                    }
                })
                .count();
        if end == start || end - start > 8 {
            return None;
        }
        let code = u32::from_str_radix(&s[start..end], if hex { 16 } else { 10 }).ok()?;
        (char::from_u32(code)?, end)
    } else {
        let end = 1 + b[1..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        let c = match &s[1..end] {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            _ => return None,
        };
        (c, end)
    };
    if b.get(len) == Some(&b';') {
        len += 1;
    }
    Some((c, len))
}

/// An attribute value with its entities decoded (unknown `&` kept, as tdlib).
fn decode_attribute(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw.as_bytes()[i] == b'&' {
            if let Some((c, len)) = decode_entity(&raw[i..]) {
                out.push(c);
                i += len;
                continue;
            }
        }
        let c = raw[i..].chars().next().expect("a char at a char boundary");
        out.push(c);
        i += c.len_utf8();
    }
    out
}
