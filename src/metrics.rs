//! Counters for `/metrics`, in the Prometheus text format.
//!
//! Everything is counted in memory since the process started (Prometheus
//! computes rates); the lasting daily statistics operators read with
//! `atazan stats` live in the store. No label carries user text or ids.

use crate::lang::Lang;
use crate::search::Kind;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::time::Duration;

/// The `Content-Type` of [`Metrics::encode`]'s output.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AnswerLabels {
    kind: &'static str,
    lang: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabel {
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabel {
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VoteLabel {
    vote: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct WhatLabel {
    what: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VersionLabel {
    version: String,
}

/// The bot's counters.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    updates: Family<KindLabel, Counter>,
    answers: Family<AnswerLabels, Counter>,
    latency: Histogram,
    reloads: Family<ResultLabel, Counter>,
    api_errors: Family<CodeLabel, Counter>,
    feedback: Family<VoteLabel, Counter>,
    flood: Counter,
    content: Family<VersionLabel, Gauge>,
    store_dropped: Counter,
    store_queued: Gauge,
    store_up: Gauge,
    lost_writes: Family<WhatLabel, Counter>,
    store_failing: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Registers every counter, at zero.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("atazan");
        let updates = Family::<KindLabel, Counter>::default();
        registry.register(
            "updates",
            "Telegram updates received, by kind",
            updates.clone(),
        );
        let answers = Family::<AnswerLabels, Counter>::default();
        registry.register(
            "answers",
            "Questions answered, by reply kind (answer, neutral, unsure, unknown, out_of_scope, empty, greeting, thanks) and language",
            answers.clone(),
        );
        // 100 µs to ~13 s: an answer is microseconds, a reply round trip to
        // Telegram tens of milliseconds, a throttled one seconds.
        let latency = Histogram::new(exponential_buckets(0.0001, 2.0, 18));
        registry.register(
            "answer_seconds",
            "Time from receiving a question to its reply being accepted by the Bot API",
            latency.clone(),
        );
        let reloads = Family::<ResultLabel, Counter>::default();
        registry.register(
            "reloads",
            "Content reloads, by result (updated, unchanged, refused, error)",
            reloads.clone(),
        );
        let api_errors = Family::<CodeLabel, Counter>::default();
        registry.register(
            "bot_api_errors",
            "Failed Bot API requests, by error code (429, 5xx, network, …)",
            api_errors.clone(),
        );
        let feedback = Family::<VoteLabel, Counter>::default();
        registry.register("feedback", "Answer ratings, by vote", feedback.clone());
        let flood = Counter::default();
        registry.register(
            "flood_limited",
            "Messages ignored because their sender sent too many too fast",
            flood.clone(),
        );
        let content = Family::<VersionLabel, Gauge>::default();
        registry.register(
            "content_version",
            "The content version in service (1 for the current version)",
            content.clone(),
        );
        let store_dropped = Counter::default();
        registry.register(
            "store_dropped_writes",
            "State writes (language choices, journal entries) dropped because the shared store's queue was full",
            store_dropped.clone(),
        );
        let store_queued = Gauge::default();
        registry.register(
            "store_queued_writes",
            "State writes waiting for the shared store",
            store_queued.clone(),
        );
        let store_up = Gauge::default();
        registry.register(
            "store_up",
            "1 when the store answered its last contact, else 0",
            store_up.clone(),
        );
        let lost_writes = Family::<WhatLabel, Counter>::default();
        registry.register(
            "store_lost_writes",
            "Writes to the data folder that failed and were dropped (a full disk…), by what was written (language, question, feedback, reload, flush)",
            lost_writes.clone(),
        );
        let store_failing = Gauge::default();
        registry.register(
            "store_failing",
            "1 while writes to the data folder fail, else 0",
            store_failing.clone(),
        );
        Metrics {
            registry,
            store_dropped,
            store_queued,
            store_up,
            updates,
            answers,
            latency,
            reloads,
            api_errors,
            feedback,
            flood,
            content,
            lost_writes,
            store_failing,
        }
    }

    /// Counts an update of `kind` (message, edited_message, callback_query,
    /// inline_query, other).
    pub fn update(&self, kind: &'static str) {
        self.updates.get_or_create(&KindLabel { kind }).inc();
    }

    /// Counts a question's reply and how long it took.
    pub fn answer(&self, kind: Kind, lang: Lang, took: Duration) {
        self.answers
            .get_or_create(&AnswerLabels {
                kind: kind.name(),
                lang: lang.code(),
            })
            .inc();
        self.latency.observe(took.as_secs_f64());
    }

    /// Counts a reload by its result.
    pub fn reload(&self, result: &'static str) {
        self.reloads.get_or_create(&ResultLabel { result }).inc();
    }

    /// Counts a failed Bot API request.
    pub fn api_error(&self, code: impl Into<String>) {
        self.api_errors
            .get_or_create(&CodeLabel { code: code.into() })
            .inc();
    }

    /// Counts a 👍 or 👎.
    pub fn vote(&self, up: bool) {
        self.feedback
            .get_or_create(&VoteLabel {
                vote: if up { "up" } else { "down" },
            })
            .inc();
    }

    /// Counts one write to the data folder that failed and was dropped.
    pub fn lost_write(&self, what: &'static str) {
        self.lost_writes.get_or_create(&WhatLabel { what }).inc();
    }

    /// Whether writes to the data folder fail at the moment.
    pub fn store_failing(&self, failing: bool) {
        self.store_failing.set(i64::from(failing));
    }

    /// Counts a message dropped by the flood limit.
    pub fn flood_limited(&self) {
        self.flood.inc();
    }

    /// Marks `version` as the content in service.
    pub fn content_version(&self, version: &str) {
        self.content.clear();
        self.content
            .get_or_create(&VersionLabel {
                version: version.to_string(),
            })
            .set(1);
    }

    /// Takes the store's state, read when `/metrics` is scraped: whether it
    /// is up, the writes waiting and the writes dropped since start.
    pub fn store(&self, up: bool, queued: usize, dropped: u64) {
        let seen = self.store_dropped.get();
        if dropped > seen {
            self.store_dropped.inc_by(dropped - seen);
        }
        self.store_queued
            .set(i64::try_from(queued).unwrap_or(i64::MAX));
        self.store_up.set(i64::from(up));
    }

    /// Every counter in the Prometheus text format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_show_in_the_text_format() {
        let m = Metrics::new();
        m.update("message");
        m.update("message");
        m.answer(Kind::Answer, Lang::Kk, Duration::from_millis(3));
        m.answer(Kind::Unknown, Lang::Ru, Duration::from_millis(1));
        m.reload("refused");
        m.api_error("429");
        m.vote(false);
        m.content_version("abc");
        m.content_version("def");
        let text = m.encode();
        for line in [
            "atazan_updates_total{kind=\"message\"} 2",
            "atazan_answers_total{kind=\"answer\",lang=\"kk\"} 1",
            "atazan_answers_total{kind=\"unknown\",lang=\"ru\"} 1",
            "atazan_answer_seconds_count 2",
            "atazan_reloads_total{result=\"refused\"} 1",
            "atazan_bot_api_errors_total{code=\"429\"} 1",
            "atazan_feedback_total{vote=\"down\"} 1",
            "atazan_content_version{version=\"def\"} 1",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line} missing in:\n{text}"
            );
        }
        assert!(
            !text.contains("version=\"abc\""),
            "old versions are dropped:\n{text}"
        );
    }
}
