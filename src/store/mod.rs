//! The bot's own state: each user's language choice, an anonymous journal of
//! what went unanswered, and daily counters for the operator's reports.
//!
//! Everything sits behind the [`Store`] trait, so the bot's handlers do not
//! know where it lives. [`SledStore`] keeps it in the knowledge base's sled
//! database (its own trees next to the content): the default, nothing to set
//! up. [`PgStore`] keeps it in PostgreSQL (`ATAZAN_STORE`), shared by several
//! bot replicas; its writes are queued so answering never waits on the
//! database. One set of contract tests checks the same behaviour on both.
//! The operator's reports ([`crate::report`], a module of its own) are pure functions of what
//! the store returns, so a CLI command, a Telegram admin command and an HTTP
//! endpoint all build the same report from wherever the data came from.
//!
//! # What is stored, and for how long
//!
//! | what | why | kept |
//! |---|---|---|
//! | user id → language (`/lang`) | to answer a user in the language they chose | until they choose "auto" |
//! | unanswered questions: text, language, time, closest passage and its score | so operators write the missing passages | [`Retention`]: 90 days, 10,000 entries |
//! | 👎 on an answer: the passage, the question text when known, language, time | so operators fix the passage | as above |
//! | daily counters: questions by outcome, language and topic, 👍/👎, reloads | the operator's statistics | 400 days |
//! | alerts sent (PostgreSQL only): a hash of the alert's text, when | so replicas send each operator alert once | 30 days |
//!
//! Answered questions are counted, never written down.
//!
//! **The journal holds no user id, name or chat id**, and nothing that
//! links two entries to one person: the event types have no field for them.
//! A question is what the operator needs to improve the content; who asked
//! is not, and a journal that cannot name anyone cannot leak anyone. The
//! language table is keyed by Telegram user id because that is its purpose,
//! and holds nothing else about the user.
//!
//! # Cost
//!
//! [`Store::record_question`] runs for every message the bot answers (1,000
//! and more a second). An answered question only increments counters in
//! memory; an unanswered one adds one journal insert. Counters reach the
//! database in one batch when [`Store::flush`] is called and, at the latest,
//! on the first event after [`SledStore`]'s write interval (10 s by default).
//! No call but `flush` waits for the disk.
//!
//! ```
//! use atazan::search::Kind;
//! use atazan::store::{QuestionEvent, Retention, SledStore, Store};
//! use atazan::Lang;
//! let db = sled::Config::new().temporary(true).open().unwrap();
//! let store = SledStore::open(&db, Retention::default()).unwrap();
//! store.set_language(42, Some(Lang::Kk)).unwrap();
//! store
//!     .record_question(&QuestionEvent {
//!         text: "погода в Алматы",
//!         lang: Lang::Ru,
//!         at: 1_795_996_800,
//!         kind: Kind::OutOfScope,
//!         topic: None,
//!         passage: None,
//!         best: None,
//!         score: 0.0,
//!     })
//!     .unwrap();
//! assert_eq!(store.language(42).unwrap(), Some(Lang::Kk));
//! assert_eq!(store.journal(None).unwrap()[0].question.as_deref(), Some("погода в Алматы"));
//! ```

#[doc(hidden)]
pub mod contract;
mod counts;
mod guard;
pub mod postgres;
mod sled_store;

pub use counts::{Counts, DayStats, KindCounts, LangCounts, TopicCounts};
pub use guard::{Guarded, Health, PROBE_BYTES};
pub use postgres::{PgOptions, PgStore};
pub use sled_store::{SledStore, DEFAULT_WRITE_INTERVAL};

use crate::content::Content;
use crate::lang::Lang;
use crate::search::Kind;
use crate::search::Match;
use serde::{Deserialize, Serialize};

/// The longest question text kept in the journal, in characters (the matcher
/// reads no more either).
pub const MAX_TEXT_CHARS: usize = crate::search::MAX_QUESTION_CHARS;

/// Seconds in a day: days are UTC days of Unix time.
pub const DAY_SECS: i64 = 86_400;

/// Where the bot keeps its state. Every method may be called from any
/// thread at any time; a handler holds an `Arc<dyn Store>`.
pub trait Store: Send + Sync + 'static {
    /// The language `user` chose with `/lang`, if they chose one.
    fn language(&self, user: u64) -> Result<Option<Lang>, StoreError>;

    /// Remembers `user`'s language choice; `None` ("auto") forgets it.
    fn set_language(&self, user: u64, lang: Option<Lang>) -> Result<(), StoreError>;

    /// Counts one question; an unanswered one ([`Kind::journaled`])
    /// is also written to the journal with its text.
    fn record_question(&self, q: &QuestionEvent<'_>) -> Result<(), StoreError>;

    /// Counts one 👍 or 👎; a 👎 is also written to the journal.
    fn record_feedback(&self, f: &FeedbackEvent<'_>) -> Result<(), StoreError>;

    /// Counts one content reload at `at` (Unix seconds), valid or refused.
    fn record_reload(&self, at: i64, ok: bool) -> Result<(), StoreError>;

    /// The journal (unanswered questions and 👎) from `since` (Unix seconds,
    /// inclusive) on, or all of it; oldest first.
    fn journal(&self, since: Option<i64>) -> Result<Vec<JournalEntry>, StoreError>;

    /// The daily counters of the UTC days from the one holding `since` on,
    /// or of every day kept; oldest first. Counts not yet written to the
    /// database are included.
    fn stats(&self, since: Option<i64>) -> Result<Vec<DayStats>, StoreError>;

    /// Applies the [`Retention`] as of `now` (Unix seconds); returns how many
    /// journal entries it dropped. Cheap when there is nothing to drop, so the
    /// bot may call it every minute.
    fn prune(&self, now: i64) -> Result<usize, StoreError>;

    /// Writes the counters and waits until everything recorded is on disk.
    /// The bot calls it on shutdown (and may call it periodically).
    fn flush(&self) -> Result<(), StoreError>;

    /// Where the state lives and how that is going, for `/healthz` and
    /// `/metrics`. A local store is always up and queues nothing.
    fn health(&self) -> StoreHealth {
        StoreHealth {
            backend: "sled".into(),
            ok: true,
            queued: 0,
            dropped: 0,
        }
    }

    /// Whether this process should send the operators' alert named `key`
    /// (a hash of what it says): replicas sharing a store send each alert
    /// once, the first to claim it, and again only after `window`. A store
    /// of one process always says yes.
    fn claim_alert(&self, key: &str, window: std::time::Duration) -> bool {
        let _ = (key, window);
        true
    }
}

/// How the store is doing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreHealth {
    /// `sled` or `postgres`.
    pub backend: String,
    /// Whether the last contact with the database worked.
    pub ok: bool,
    /// Writes waiting to be written.
    pub queued: usize,
    /// Writes dropped since start because the queue was full (or the
    /// database was still unreachable at shutdown).
    pub dropped: u64,
}

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The sled database failed.
    #[error("the bot's state in the data folder: {0}")]
    Sled(#[from] sled::Error),
    /// PostgreSQL failed or could not be reached.
    #[error("the shared store (ATAZAN_STORE): {0}")]
    Postgres(#[from] ::postgres::Error),
    /// The shared store did not answer in time.
    #[error("the shared store (ATAZAN_STORE) did not answer within {0:?}")]
    Timeout(std::time::Duration),
    /// The shared store is unreachable or shutting down.
    #[error("the shared store (ATAZAN_STORE) is unreachable")]
    Closed,
}

/// One question the bot handled. It names no user, on purpose.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuestionEvent<'a> {
    /// What was asked (kept only when unanswered, cut to [`MAX_TEXT_CHARS`]).
    pub text: &'a str,
    /// The language of the answer.
    pub lang: Lang,
    /// When, in Unix seconds.
    pub at: i64,
    /// What the bot did with it.
    pub kind: Kind,
    /// The topic of the passage answered with.
    pub topic: Option<&'a str>,
    /// The passage answered with.
    pub passage: Option<&'a str>,
    /// The best candidate passage, also when it was not good enough to answer.
    pub best: Option<&'a str>,
    /// The matcher's confidence in `best`, 0 to 1.
    pub score: f32,
}

impl<'a> QuestionEvent<'a> {
    /// The event for the matcher's decision `m` on `text`, over `content`.
    pub fn from_match(text: &'a str, at: i64, m: &Match, content: &'a Content) -> Self {
        let answered = m.passage.map(|i| &content.passages[i]);
        let best = m
            .ranked
            .first()
            .map(|&(i, _)| content.passages[i].id.as_str());
        QuestionEvent {
            text,
            lang: m.lang,
            at,
            kind: m.kind,
            topic: answered.map(|p| p.topic.as_str()),
            passage: answered.map(|p| p.id.as_str()),
            best: answered.map(|p| p.id.as_str()).or(best),
            score: m.confidence,
        }
    }
}

/// A 👍 or 👎 on an answer. It names no user, on purpose.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeedbackEvent<'a> {
    /// 👍 (`true`) or 👎.
    pub up: bool,
    /// The passage the answer showed.
    pub passage: &'a str,
    /// Its topic.
    pub topic: Option<&'a str>,
    /// The question it answered, when the bot still knows it.
    pub question: Option<&'a str>,
    /// The language of the answer.
    pub lang: Lang,
    /// When, in Unix seconds.
    pub at: i64,
    /// The question's best candidate, when known.
    pub best: Option<&'a str>,
    /// The question's score, when known.
    pub score: Option<f32>,
}

/// Why an entry is in the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JournalKind {
    /// "I don't know": nothing answered well enough.
    Unknown,
    /// The bot was not sure and offered candidates.
    Unsure,
    /// Refused as outside the reform.
    OutOfScope,
    /// A 👎 on an answer.
    Disliked,
}

impl JournalKind {
    /// The journal kind of an unanswered question, if it is journaled.
    pub fn of(kind: Kind) -> Option<JournalKind> {
        match kind {
            Kind::Unknown => Some(JournalKind::Unknown),
            Kind::Unsure => Some(JournalKind::Unsure),
            Kind::OutOfScope => Some(JournalKind::OutOfScope),
            _ => None,
        }
    }
}

/// One journal entry: an unanswered question or a 👎. No user, no chat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// When, in Unix seconds.
    pub at: i64,
    /// Why it is here.
    pub kind: JournalKind,
    /// The language of the answer.
    pub lang: Lang,
    /// The question text (for a 👎, only when the bot still knew it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// The best candidate passage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best: Option<String>,
    /// The matcher's confidence in `best`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
    /// For a 👎: the passage disliked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passage: Option<String>,
    /// For a 👎: its topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
}

impl JournalEntry {
    /// The entry for a question, if its kind is journaled.
    pub fn of_question(q: &QuestionEvent<'_>) -> Option<JournalEntry> {
        Some(JournalEntry {
            at: q.at,
            kind: JournalKind::of(q.kind)?,
            lang: q.lang,
            question: Some(crate::search::truncate(q.text, MAX_TEXT_CHARS).to_string()),
            best: q.best.map(str::to_string),
            score: Some(q.score),
            passage: None,
            topic: None,
        })
    }

    /// The entry for a 👎 (none for a 👍).
    pub fn of_feedback(f: &FeedbackEvent<'_>) -> Option<JournalEntry> {
        (!f.up).then(|| JournalEntry {
            at: f.at,
            kind: JournalKind::Disliked,
            lang: f.lang,
            question: f
                .question
                .map(|q| crate::search::truncate(q, MAX_TEXT_CHARS).to_string()),
            best: f.best.map(str::to_string),
            score: f.score,
            passage: Some(f.passage.to_string()),
            topic: f.topic.map(str::to_string),
        })
    }
}

/// How long the journal and the counters are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Journal entries older than this many days are dropped.
    pub max_age_days: u32,
    /// Beyond this many journal entries, the oldest are dropped.
    pub max_entries: usize,
    /// Daily counters older than this many days are dropped.
    pub stats_days: u32,
}

impl Default for Retention {
    /// 90 days and 10,000 journal entries; 400 days of counters.
    fn default() -> Retention {
        Retention {
            max_age_days: 90,
            max_entries: 10_000,
            stats_days: 400,
        }
    }
}

/// The UTC day (days since 1970-01-01) of a Unix time.
pub fn day_of(at: i64) -> i64 {
    at.div_euclid(DAY_SECS)
}

/// A UTC day as `YYYY-MM-DD`.
pub fn date_of_day(day: i64) -> String {
    let at = day.saturating_mul(DAY_SECS);
    match time::OffsetDateTime::from_unix_timestamp(at) {
        Ok(t) => {
            let d = t.date();
            format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
        }
        Err(_) => format!("day {day}"),
    }
}

/// The Unix time of the start (00:00 UTC) of a `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(s.trim(), &format).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp())
}
