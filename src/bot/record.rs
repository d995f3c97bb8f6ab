//! What a reply leaves behind: the question or the vote in the store's
//! journal and counters, and its latency in `/metrics`. A failed write is
//! logged; the user has had their reply already.

use super::context::Ctx;
use crate::engine::Engine;
use crate::lang::Lang;
use crate::screen::Screen;
use crate::store::{FeedbackEvent, QuestionEvent};
use std::time::Instant;
use teloxide::types::Message;

/// Records a question answered with `screen`, `started` when it arrived.
pub fn question(ctx: &Ctx, question: &str, screen: &Screen, started: Instant) {
    let Some(reply) = &screen.reply else { return };
    ctx.metrics
        .answer(reply.kind, reply.lang, started.elapsed());
    tracing::debug!(kind = reply.kind.name(), lang = %reply.lang, passage = ?reply.passage, score = reply.score, "answered");
    let event = QuestionEvent {
        text: question,
        lang: reply.lang,
        at: crate::clock::unix_now(),
        kind: reply.kind,
        topic: reply.topic.as_deref(),
        passage: reply.passage.as_deref(),
        best: reply.best.as_deref(),
        score: reply.score,
    };
    if let Err(e) = ctx.store.record_question(&event) {
        tracing::error!(error = %e, "recording a question");
    }
}

/// Records a 👍/👎. The question is the message the answer replied to, when
/// Telegram still shows it; it is matched again for its best candidate.
pub fn vote(
    ctx: &Ctx,
    engine: &Engine,
    up: bool,
    passage: &str,
    lang: Lang,
    answer: Option<&Message>,
) {
    ctx.metrics.vote(up);
    let question = answer
        .and_then(|m| m.reply_to_message())
        .and_then(|q| q.text())
        .map(str::to_string);
    let again = question.as_deref().map(|q| engine.answer(q, Some(lang)));
    let event = FeedbackEvent {
        up,
        passage,
        topic: engine.content.passage(passage).map(|p| p.topic.as_str()),
        question: question.as_deref(),
        lang,
        at: crate::clock::unix_now(),
        best: again.as_ref().and_then(|r| r.best.as_deref()),
        score: again.as_ref().map(|r| r.score),
    };
    if let Err(e) = ctx.store.record_feedback(&event) {
        tracing::error!(error = %e, "recording feedback");
    }
}
