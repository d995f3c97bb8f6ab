//! The server's state: the update queue, the chats, the call log, and
//! [`Inner`], which every request and every [`FakeApi`](crate::FakeApi)
//! clone share.

use crate::model::{chat_from_json, incoming_msg, now_unix, user_from_json, Call, Chat, Message};
use crate::{Fault, Options};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use tokio::sync::Notify;

/// Update kinds Telegram leaves out when `allowed_updates` is empty or unset.
const NOT_BY_DEFAULT: &[&str] = &["chat_member", "message_reaction", "message_reaction_count"];

/// An update waiting for `getUpdates`, already serialized.
pub(crate) struct Pending {
    pub(crate) id: i64,
    pub(crate) kind: Arc<str>,
    pub(crate) json: Arc<str>,
}

/// One chat: who it is, its message counter, its newest messages.
pub(crate) struct ChatState {
    pub(crate) chat: Chat,
    pub(crate) next_message_id: i64,
    pub(crate) messages: VecDeque<Message>,
}

impl ChatState {
    pub(crate) fn find(&self, message_id: i64) -> Option<&Message> {
        self.messages
            .iter()
            .rev()
            .find(|m| m.message_id == message_id)
    }

    pub(crate) fn find_mut(&mut self, message_id: i64) -> Option<&mut Message> {
        self.messages
            .iter_mut()
            .rev()
            .find(|m| m.message_id == message_id)
    }
}

/// The webhook set with `setWebhook`.
#[derive(Clone, Debug)]
pub(crate) struct Webhook {
    pub(crate) url: String,
    pub(crate) secret_token: Option<String>,
}

/// Everything but the call log, behind one lock.
#[derive(Default)]
pub(crate) struct ServerState {
    pub(crate) next_update_id: i64,
    pub(crate) queue: VecDeque<Pending>,
    /// `allowed_updates` as last given (teloxide sends it once, then omits it).
    pub(crate) allowed: Option<Vec<String>>,
    pub(crate) dropped_updates: u64,
    /// Bumped by every `getUpdates`: an older long poll still waiting ends with 409.
    pub(crate) poll_generation: u64,
    pub(crate) chats: HashMap<i64, ChatState>,
    pub(crate) webhook: Option<Webhook>,
    pub(crate) commands: HashMap<(String, String), Value>,
    pub(crate) next_query: u64,
    pub(crate) open_callbacks: BTreeSet<u64>,
    pub(crate) open_inline: BTreeSet<u64>,
    pub(crate) inline_answers: VecDeque<(String, Value)>,
    pub(crate) faults: HashMap<String, VecDeque<Fault>>,
}

/// The call log: a ring buffer, a total count per method.
#[derive(Default)]
pub(crate) struct CallLog {
    pub(crate) calls: VecDeque<(Call, bool)>,
    pub(crate) next_seq: u64,
    pub(crate) counts: HashMap<String, usize>,
}

impl CallLog {
    /// Marks and returns the oldest untaken call from `*from` on that matches.
    pub(crate) fn take(&mut self, pred: &dyn Fn(&Call) -> bool, from: &mut u64) -> Option<Call> {
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

pub(crate) struct Inner {
    pub(crate) opts: Options,
    pub(crate) url: String,
    pub(crate) state: Mutex<ServerState>,
    /// Woken on every pushed update and every new `getUpdates`.
    pub(crate) updates: Notify,
    pub(crate) log: Mutex<CallLog>,
    pub(crate) log_notify: Notify,
    pub(crate) log_cv: Condvar,
    pub(crate) faults_pending: AtomicUsize,
    /// `getUpdates` long polls waiting right now.
    pub(crate) polls_waiting: AtomicUsize,
    pub(crate) closed: AtomicBool,
    pub(crate) closing: Notify,
}

/// Counts a waiting long poll while it lives.
pub(crate) struct PollGuard<'a>(&'a Inner);

impl<'a> PollGuard<'a> {
    pub(crate) fn new(inner: &'a Inner) -> PollGuard<'a> {
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

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A callback or inline query id: a long decimal string, as on Telegram.
pub(crate) fn query_id(n: u64) -> String {
    format!("{}", 5_000_000_000_000_000_000u64 + n)
}

/// The numeric part of a query id we issued.
pub(crate) fn query_number(id: &str) -> Option<u64> {
    id.parse::<u64>()
        .ok()
        .and_then(|v| v.checked_sub(5_000_000_000_000_000_000))
}

/// Remembers an open query; the oldest are forgotten past 100,000.
pub(crate) fn bounded_insert(set: &mut BTreeSet<u64>, n: u64) {
    set.insert(n);
    if set.len() > 100_000 {
        set.pop_first();
    }
}

/// A stable `chat_instance` per chat.
pub(crate) fn chat_instance(chat_id: i64) -> String {
    format!(
        "{}",
        (chat_id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 1
    )
}

pub(crate) fn push_bounded(messages: &mut VecDeque<Message>, m: Message, keep: usize) {
    messages.push_back(m);
    while messages.len() > keep.max(1) {
        messages.pop_front();
    }
}

impl Inner {
    pub(crate) fn new(opts: Options, url: String) -> Inner {
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

    pub(crate) async fn wait_closed(&self) {
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
    pub(crate) fn record(&self, mut call: Call) {
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
    pub(crate) fn enqueue(&self, st: &mut ServerState, mut update: Value) -> i64 {
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
    pub(crate) fn absorb(&self, st: &mut ServerState, update: &Value) {
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
            let mut msg = incoming_msg(chat.id, message_id, from.as_ref(), text, None, None, None);
            msg.date = m["date"].as_i64().unwrap_or_else(now_unix);
            push_bounded(&mut cs.messages, msg, keep);
        }
    }
}

impl ServerState {
    /// The chat's state, created (or its details refreshed) from `chat`.
    pub(crate) fn chat_entry(&mut self, chat: &Chat) -> &mut ChatState {
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
    pub(crate) fn batch(&mut self, limit: usize) -> Vec<Arc<str>> {
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
}
