//! Inline mode: `@bot question` in any chat offers passages to share, each
//! with a button that opens the bot on it.

use super::client::Api;
use super::context::Ctx;
use super::guard::guarded_value;
use super::{render, send};
use crate::engine::Engine;
use crate::i18n::{t, Msg};
use crate::lang::{Lang, LangChoice};
use crate::screen::{self, Action};
use std::sync::Arc;
use teloxide::payloads::AnswerInlineQuerySetters;
use teloxide::prelude::*;
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, InlineQueryResult, InlineQueryResultArticle,
    InlineQueryResultsButton, InlineQueryResultsButtonKind, InputMessageContent,
    InputMessageContentText, Me, ParseMode,
};

/// Most results an inline query returns.
pub const INLINE_RESULTS: usize = 5;

/// `@bot question` in any chat: up to [`INLINE_RESULTS`] passages to share,
/// in the query's language; an empty query lists the topics.
pub async fn answer<B: Api>(
    bot: B,
    q: InlineQuery,
    me: Me,
    ctx: Arc<Ctx>,
) -> Result<(), teloxide::RequestError> {
    ctx.metrics.update("inline_query");
    let lang = ctx.ui_lang(&q.from);
    let engine = ctx.live.engine();
    // Telegram reads only the first 256 characters of a query.
    let query: String = q.query.chars().take(256).collect();
    let username = me.username();
    let results: Vec<InlineQueryResult> = guarded_value(Vec::new(), || {
        if query.trim().is_empty() {
            topic_results(&engine, lang, username)
        } else {
            passage_results(&engine, &query, lang, username)
        }
    });
    let open = InlineQueryResultsButton {
        text: t(Msg::OpenBot, lang).to_string(),
        kind: InlineQueryResultsButtonKind::StartParameter("inline".into()),
    };
    send::with_retry(
        bot.answer_inline_query(q.id.clone(), results)
            .cache_time(60)
            // Results depend on the user's language: Telegram must not hand
            // one user's cached results to another.
            .is_personal(true)
            .button(open),
        &ctx.metrics,
    )
    .await?;
    Ok(())
}

fn deep_link(username: &str, payload: &str) -> Option<url::Url> {
    format!("https://t.me/{username}?start={payload}")
        .parse()
        .ok()
}

fn open_in_bot(lang: Lang, username: &str, payload: &str) -> Option<InlineKeyboardMarkup> {
    deep_link(username, payload).map(|url| {
        InlineKeyboardMarkup::new([[InlineKeyboardButton::url(t(Msg::OpenBot, lang), url)]])
    })
}

fn article(
    id: String,
    title: String,
    description: String,
    html: String,
    keyboard: Option<InlineKeyboardMarkup>,
) -> InlineQueryResult {
    let content = InputMessageContent::Text(
        InputMessageContentText::new(html)
            .parse_mode(ParseMode::Html)
            .link_preview_options(send::no_preview()),
    );
    let mut a = InlineQueryResultArticle::new(id, title, content).description(description);
    if let Some(k) = keyboard {
        a = a.reply_markup(k);
    }
    a.into()
}

fn topic_results(engine: &Engine, lang: Lang, username: &str) -> Vec<InlineQueryResult> {
    engine
        .content
        .topics
        .iter()
        .filter_map(|topic| {
            let screen = screen::topic(engine, lang, &topic.id)?;
            let titles: Vec<String> = screen
                .buttons()
                .filter(|b| matches!(b.action, Action::Passage(..)))
                .map(|b| b.label.clone())
                .collect();
            let text = format!(
                "{}\n\n{}",
                topic.title.get(lang),
                titles
                    .iter()
                    .map(|t| format!("• {t}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            let html = teloxide::utils::html::escape(&text);
            Some(article(
                format!("t:{lang}:{}", topic.id),
                topic.title.get(lang).clone(),
                titles.join(" · "),
                html,
                open_in_bot(lang, username, &topic.id),
            ))
        })
        .collect()
}

fn passage_results(
    engine: &Engine,
    query: &str,
    lang: Lang,
    username: &str,
) -> Vec<InlineQueryResult> {
    engine
        .search(query, LangChoice::Prefer(lang), INLINE_RESULTS)
        .into_iter()
        .filter_map(|reply| {
            let id = reply.passage.clone()?;
            let lang = reply.lang;
            let title = reply.title.clone().unwrap_or_default();
            let description: String = reply.text.chars().take(120).collect();
            let html = render::html_parts(&screen::shared(reply)).join("\n\n");
            Some(article(
                format!("p:{lang}:{id}"),
                title,
                description,
                html,
                open_in_bot(lang, username, &id),
            ))
        })
        .collect()
}
