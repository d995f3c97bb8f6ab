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
//! delivered. Bodies may be JSON, form-encoded (decoded by `form_urlencoded`)
//! or multipart (by `multer`; teloxide always sends `setWebhook` as
//! multipart).
//!
//! Where it is stricter than Telegram, it says so: an `&` in HTML text must
//! start an entity (Telegram keeps an unknown one as a literal `&`), see
//! [`Options::strict_ampersand`]. MarkdownV2 text is stored but not checked.
//! Webhooks are remembered (`setWebhook` makes `getUpdates` fail with 409, as
//! Telegram does) but nothing is ever delivered to them.

// A crate of its own, not a file under `tests/`: compiled once instead of
// into every test binary, and with tests of its own. Inside, one job per
// module: the records tests read (`model`), the state behind the server
// (`state`), the HTTP side (`server`), reading a request's parameters
// (`params`), the Bot API methods (`methods`) and Telegram's HTML parse
// mode (`html`).
mod answer;
mod html;
mod methods;
mod model;
mod params;
mod server;
mod state;

pub use model::{Call, Chat, ChatKind, Media, Message, Sent, User};

use methods::scope_key;
use model::{incoming_msg, message_json, now_unix};
use serde_json::{json, Value};
use server::serve;
use state::{bounded_insert, chat_instance, lock, push_bounded, query_id, CallLog, Inner};
use std::fmt;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
                    ..incoming_msg(
                        chat.id,
                        message_id,
                        Some(from),
                        Some(new_text),
                        None,
                        None,
                        None,
                    )
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
        let msg = incoming_msg(chat_id, message_id, None, Some(text), None, None, None);
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
        let msg = incoming_msg(
            chat.id,
            message_id,
            Some(from),
            text,
            caption,
            media,
            reply_to,
        );
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
