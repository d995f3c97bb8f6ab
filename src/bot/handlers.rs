//! The endpoints of the handler tree: each parses its update, asks
//! [`crate::dialog`] for the screen, and sends it. No answering logic lives
//! here.

use super::flood::Verdict;
use super::{admin, render, send, Api, Ctx};
use crate::command::Command;
use crate::dialog::{self, Action, Screen};
use crate::engine::Engine;
use crate::i18n::{t, Msg};
use crate::lang::{Lang, LangChoice};
use crate::store::{FeedbackEvent, QuestionEvent};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;
use teloxide::payloads::{
    AnswerCallbackQuerySetters, AnswerInlineQuerySetters, EditMessageReplyMarkupSetters,
    EditMessageTextSetters, SendMessageSetters,
};
use teloxide::prelude::*;
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, InlineQueryResult, InlineQueryResultArticle,
    InlineQueryResultsButton, InlineQueryResultsButtonKind, InputMessageContent,
    InputMessageContentText, LinkPreviewOptions, Me, MessageId, ParseMode, ReplyParameters,
    UpdateKind,
};
use teloxide::{ApiError, RequestError};

/// What a handler can fail with; logged, never shown to a user.
pub type HandlerError = RequestError;
type HandlerResult = Result<(), HandlerError>;

/// Most results an inline query returns.
pub const INLINE_RESULTS: usize = 5;

/// What a message asks of the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A command: its name (lowercase, without `/` and `@bot`) and the rest.
    Command(String, String),
    /// A question, a mention of the bot taken out.
    Question(String),
    /// A sticker, voice message, photo, file…: not something we can read.
    NotText,
    /// Not for us: group chatter, a command for another bot, a service message.
    Ignore,
}

/// Decides what a message asks. In a private chat everything is for the
/// bot; in a group only commands, mentions of the bot and replies to it are.
pub fn classify(msg: &Message, me: &Me) -> Input {
    let username = me.username();
    let private = msg.chat.is_private();
    let to_bot = msg
        .reply_to_message()
        .and_then(|r| r.from.as_ref())
        .is_some_and(|u| u.id == me.id);
    let Some(text) = msg.text() else {
        let media = msg.sticker().is_some()
            || msg.voice().is_some()
            || msg.photo().is_some()
            || msg.document().is_some()
            || msg.video().is_some()
            || msg.video_note().is_some()
            || msg.audio().is_some()
            || msg.animation().is_some()
            || msg.location().is_some()
            || msg.contact().is_some()
            || msg.poll().is_some()
            || msg.dice().is_some();
        return if media && (private || to_bot) {
            Input::NotText
        } else {
            Input::Ignore
        };
    };
    if let Some(command) = parse_command(text, username) {
        return command;
    }
    let mention = format!("@{username}");
    let mentioned = find_ci(text, &mention);
    if private || to_bot || mentioned.is_some() {
        let question = match mentioned {
            Some(i) => format!("{} {}", &text[..i], &text[i + mention.len()..]),
            None => text.to_string(),
        };
        return Input::Question(question.trim().to_string());
    }
    Input::Ignore
}

/// `/name@bot rest` → a command, `None` when `text` is not one; a command
/// addressed to another bot is [`Input::Ignore`].
fn parse_command(text: &str, username: &str) -> Option<Input> {
    let rest = text.strip_prefix('/')?;
    let (head, arg) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let (name, addressee) = head.split_once('@').unwrap_or((head, ""));
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    if !addressee.is_empty() && !addressee.eq_ignore_ascii_case(username) {
        return Some(Input::Ignore);
    }
    Some(Input::Command(
        name.to_ascii_lowercase(),
        arg.trim().to_string(),
    ))
}

/// The byte index of `needle` in `hay`, ignoring ASCII case.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    (0..=h.len().checked_sub(n.len())?).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// A message or an edited message: a command, a question, or not text.
pub async fn message<B: Api>(
    bot: B,
    msg: Message,
    me: Me,
    update: Update,
    ctx: Arc<Ctx>,
) -> HandlerResult {
    let started = Instant::now();
    let edited = matches!(update.kind, UpdateKind::EditedMessage(_));
    ctx.metrics
        .update(if edited { "edited_message" } else { "message" });
    let Some(user) = msg.from.as_ref().filter(|u| !u.is_bot) else {
        return Ok(());
    };
    let input = classify(&msg, &me);
    if input == Input::Ignore {
        return Ok(());
    }
    let lang = ctx.ui_lang(user);
    match ctx.flood.check(user.id.0, started) {
        Verdict::Allow => {}
        Verdict::Warn => {
            ctx.metrics.flood_limited();
            tracing::info!(user = user.id.0, "flood: asked to slow down");
            notice(&bot, &ctx, msg.chat.id, lang, Msg::Flood, Some(msg.id)).await;
            return Ok(());
        }
        Verdict::Drop => {
            ctx.metrics.flood_limited();
            return Ok(());
        }
    }
    let engine = ctx.live.engine();
    let who = Who {
        user,
        chat: msg.chat.id,
        lang,
    };
    let (screen, question) = match &input {
        Input::Command(name, arg) => match command(&bot, &ctx, &engine, &who, name, arg).await {
            Some(screen) => (screen, None),
            None => return Ok(()),
        },
        Input::Question(question) => {
            // The question's language; the user's when its words cannot
            // tell (emoji, digits, a name, words Kazakh and Russian share).
            let screen = guarded(lang, || {
                dialog::answer(&engine, question, LangChoice::Prefer(lang))
            });
            (screen, Some(question.as_str()))
        }
        Input::NotText => (text_only(&engine, lang), None),
        Input::Ignore => return Ok(()),
    };
    deliver(&bot, &ctx, msg.chat.id, &screen, Some(msg.id)).await?;
    if let Some(question) = question {
        record_question(&ctx, question, &screen, started);
    }
    Ok(())
}

/// Who sent a message, where, and the language to talk to them in.
struct Who<'a> {
    user: &'a teloxide::types::User,
    chat: ChatId,
    lang: Lang,
}

/// The screen for a command, or `None` when the command replied itself.
async fn command<B: Api>(
    bot: &B,
    ctx: &Arc<Ctx>,
    engine: &Engine,
    who: &Who<'_>,
    name: &str,
    arg: &str,
) -> Option<Screen> {
    let lang = who.lang;
    let command = Command::parse(name);
    if command.is_some_and(Command::for_operators) && !ctx.is_admin(who.user.id) {
        tracing::info!(
            user = who.user.id.0,
            command = name,
            "operator command refused"
        );
        return Some(plain(lang, Msg::AdminOnly));
    }
    Some(match command {
        Some(Command::Start) => guarded(lang, || dialog::start(engine, lang, arg)),
        Some(Command::Topics) => dialog::menu(engine, lang),
        Some(Command::Lang) => dialog::language_picker(lang),
        Some(Command::About) => guarded(lang, || dialog::about(engine, lang, &ctx.imprint)),
        Some(Command::Reload) => {
            admin::reload(ctx, "command").await;
            return None;
        }
        Some(Command::Unanswered) => {
            admin::unanswered(bot, ctx, who.chat, lang).await;
            return None;
        }
        Some(Command::Stats) => {
            admin::stats(bot, ctx, who.chat, lang).await;
            return None;
        }
        // /help, and any command we do not know.
        Some(Command::Help) | None => dialog::help(engine, lang),
    })
}

/// A button was pressed: browse (the message is edited in place), vote, or
/// choose a language. Telegram is always answered, so the button stops
/// spinning.
pub async fn callback<B: Api>(bot: B, q: CallbackQuery, ctx: Arc<Ctx>) -> HandlerResult {
    ctx.metrics.update("callback_query");
    let lang = ctx.ui_lang(&q.from);
    if ctx.flood.check(q.from.id.0, Instant::now()) != Verdict::Allow {
        ctx.metrics.flood_limited();
        let _ = send::with_retry(
            bot.answer_callback_query(q.id.clone())
                .text(t(Msg::Flood, lang)),
            &ctx.metrics,
        )
        .await;
        return Ok(());
    }
    let engine = ctx.live.engine();
    let action = q.data.as_deref().and_then(Action::decode);
    let message = q.regular_message();
    let (toast, screen): (Option<&str>, Option<Screen>) = match &action {
        None => (
            Some(t(Msg::Updated, lang)),
            Some(dialog::updated(&engine, lang)),
        ),
        Some(Action::Vote {
            lang: l,
            up,
            passage,
        }) => {
            record_vote(&ctx, &engine, *up, passage, *l, message);
            if let Some(m) = message {
                // The vote is counted once: its buttons go.
                let kept = without_votes(m.reply_markup());
                let _ = send::with_retry(
                    bot.edit_message_reply_markup(m.chat.id, m.id)
                        .reply_markup(kept),
                    &ctx.metrics,
                )
                .await;
            }
            (Some(dialog::voted(*l)), None)
        }
        Some(Action::SetLang(l)) => {
            if let Err(e) = ctx.store.set_language(q.from.id.0, Some(*l)) {
                tracing::error!(error = %e, "storing a language choice");
            }
            (None, Some(dialog::language_set(&engine, *l)))
        }
        Some(a) if !dialog::is_current(&engine, a) => {
            let l = dialog::action_lang(a);
            (Some(t(Msg::Updated, l)), Some(dialog::updated(&engine, l)))
        }
        Some(a) => (None, Some(guarded(lang, || dialog::open(&engine, a)))),
    };
    let mut answer = bot.answer_callback_query(q.id.clone());
    if let Some(text) = toast {
        answer = answer.text(text);
    }
    if let Err(e) = send::with_retry(answer, &ctx.metrics).await {
        // A query older than Telegram keeps it: nothing to answer anymore.
        tracing::debug!(error = %e, "answering a callback query");
    }
    let Some(screen) = screen else {
        return Ok(());
    };
    match message {
        Some(m) => edit(&bot, &ctx, m, &screen).await,
        // The message is too old to edit, or not ours (inline): send anew.
        None => {
            let chat = ChatId(q.from.id.0 as i64);
            deliver(&bot, &ctx, chat, &screen, None).await.map(|_| ())
        }
    }
}

/// `@bot question` in any chat: up to [`INLINE_RESULTS`] passages to share,
/// in the query's language; an empty query lists the topics.
pub async fn inline<B: Api>(bot: B, q: InlineQuery, me: Me, ctx: Arc<Ctx>) -> HandlerResult {
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
            .link_preview_options(no_preview()),
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
            let screen = dialog::topic(engine, lang, &topic.id)?;
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
            let screen = dialog::passage(engine, lang, &id)?;
            // A shared answer needs no breadcrumb: the chat it lands in has
            // no menu to be in.
            let mut shared = screen.clone();
            shared
                .blocks
                .retain(|b| !matches!(b, dialog::Block::Breadcrumb(_)));
            let html = render::html_parts(&shared).join("\n\n");
            let description: String = reply.text.chars().take(120).collect();
            Some(article(
                format!("p:{lang}:{id}"),
                reply.title.clone().unwrap_or_default(),
                description,
                html,
                open_in_bot(lang, username, &id),
            ))
        })
        .collect()
}

/// A screen's text as one or more messages, the keyboard under the last;
/// the first replies to `reply_to`. Formatting Telegram refuses (a bug on
/// our side, never the user's) falls back to an apology in plain text.
async fn deliver<B: Api>(
    bot: &B,
    ctx: &Ctx,
    chat: ChatId,
    screen: &Screen,
    reply_to: Option<MessageId>,
) -> Result<Message, RequestError> {
    let parts = render::html_parts(screen);
    let last = parts.len() - 1;
    let mut sent = None;
    for (i, part) in parts.into_iter().enumerate() {
        let mut req = bot
            .send_message(chat, part)
            .parse_mode(ParseMode::Html)
            .link_preview_options(no_preview());
        if i == 0 {
            if let Some(id) = reply_to {
                req = req.reply_parameters(ReplyParameters::new(id).allow_sending_without_reply());
            }
        }
        if i == last {
            if let Some(k) = render::keyboard(screen) {
                req = req.reply_markup(k);
            }
        }
        match send::with_retry(req, &ctx.metrics).await {
            Ok(m) => sent = Some(m),
            Err(RequestError::Api(ApiError::CantParseEntities(e) | ApiError::Unknown(e)))
                if e.contains("entities") || e.contains("too long") =>
            {
                tracing::error!(error = %e, "Telegram refused a rendered message");
                return send::with_retry(
                    bot.send_message(chat, t(Msg::Apology, screen.lang)),
                    &ctx.metrics,
                )
                .await;
            }
            Err(e) => {
                tracing::warn!(error = %send::describe(&e), chat = chat.0, "a reply could not be delivered");
                return Err(e);
            }
        }
    }
    Ok(sent.expect("a screen has at least one part"))
}

/// Replaces a message's text and buttons with `screen` (browsing in place).
async fn edit<B: Api>(bot: &B, ctx: &Ctx, m: &Message, screen: &Screen) -> HandlerResult {
    let parts = render::html_parts(screen);
    if parts.len() > 1 {
        // Too long for one message: send it as new messages instead.
        return deliver(bot, ctx, m.chat.id, screen, None).await.map(|_| ());
    }
    let mut req = bot
        .edit_message_text(m.chat.id, m.id, parts.concat())
        .parse_mode(ParseMode::Html)
        .link_preview_options(no_preview());
    if let Some(k) = render::keyboard(screen) {
        req = req.reply_markup(k);
    }
    match send::with_retry(req, &ctx.metrics).await {
        Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
        Err(RequestError::Api(ApiError::MessageToEditNotFound | ApiError::MessageCantBeEdited)) => {
            deliver(bot, ctx, m.chat.id, screen, None).await.map(|_| ())
        }
        Err(e) => Err(e),
    }
}

/// A one-line notice.
async fn notice<B: Api>(
    bot: &B,
    ctx: &Ctx,
    chat: ChatId,
    lang: Lang,
    msg: Msg,
    reply_to: Option<MessageId>,
) {
    let _ = deliver(bot, ctx, chat, &plain(lang, msg), reply_to).await;
}

fn plain(lang: Lang, msg: Msg) -> Screen {
    dialog::note(lang, t(msg, lang))
}

/// "I understand text", with the topics to go on from.
fn text_only(engine: &Engine, lang: Lang) -> Screen {
    let mut s = dialog::menu(engine, lang);
    s.blocks = vec![dialog::Block::Text(t(Msg::TextOnly, lang).to_string())];
    s
}

/// Runs the screen logic; a panic in it becomes an apology, never a crash
/// or a Rust error in front of the user.
fn guarded(lang: Lang, f: impl FnOnce() -> Screen) -> Screen {
    guarded_value(plain(lang, Msg::Apology), f)
}

fn guarded_value<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    std::panic::catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        tracing::error!("answering panicked; the user got an apology");
        fallback
    })
}

fn record_question(ctx: &Ctx, question: &str, screen: &Screen, started: Instant) {
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
fn record_vote(
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

/// A message's keyboard without its 👍/👎 row.
fn without_votes(markup: Option<&InlineKeyboardMarkup>) -> InlineKeyboardMarkup {
    use teloxide::types::InlineKeyboardButtonKind;
    let rows = markup.map_or_else(Vec::new, |m| {
        m.inline_keyboard
            .iter()
            .map(|row| {
                row.iter()
                    .filter(|b| {
                        !matches!(&b.kind, InlineKeyboardButtonKind::CallbackData(d)
                            if matches!(Action::decode(d), Some(Action::Vote { .. })))
                    })
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .filter(|row| !row.is_empty())
            .collect()
    });
    InlineKeyboardMarkup::new(rows)
}

fn no_preview() -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_for_us_and_for_others() {
        let c = |t: &str| parse_command(t, "atazan_bot");
        assert_eq!(c("/start"), Some(Input::Command("start".into(), "".into())));
        assert_eq!(
            c("/start kurultai"),
            Some(Input::Command("start".into(), "kurultai".into()))
        );
        assert_eq!(
            c("/Help@Atazan_Bot"),
            Some(Input::Command("help".into(), "".into()))
        );
        assert_eq!(c("/help@other_bot"), Some(Input::Ignore));
        assert_eq!(c("how many MPs"), None);
        assert_eq!(c("/ not a command"), None);
        assert_eq!(c("/1/2 is a fraction"), None);
    }

    #[test]
    fn case_insensitive_find() {
        assert_eq!(find_ci("ask @Atazan_Bot now", "@atazan_bot"), Some(4));
        assert_eq!(find_ci("short", "@atazan_bot"), None);
        assert_eq!(find_ci("құрылтай @atazan_bot", "@atazan_bot"), Some(17));
    }
}
