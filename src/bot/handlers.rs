//! The endpoints of the handler tree for messages and buttons: each reads
//! its update ([`input`]), asks [`crate::screen`] for the
//! screen, sends it ([`send`]) and records it ([`record`]). No answering
//! logic lives here; inline queries have their own file
//! ([`inline`](super::inline)).

use super::client::Api;
use super::context::Ctx;
use super::flood::Verdict;
use super::guard::guarded;
use super::input::{self, Input};
use super::{admin, record, render, send};
use crate::command::Command;
use crate::engine::Engine;
use crate::i18n::{t, Msg};
use crate::lang::{Lang, LangChoice};
use crate::live::ReloadReport;
use crate::screen::{self, Action, Screen};
use std::sync::Arc;
use std::time::Instant;
use teloxide::payloads::{AnswerCallbackQuerySetters, EditMessageReplyMarkupSetters};
use teloxide::prelude::*;
use teloxide::types::{Me, UpdateKind};
use teloxide::RequestError;

/// What a handler can fail with; logged, never shown to a user.
pub type HandlerError = RequestError;
type HandlerResult = Result<(), HandlerError>;

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
    let input = input::classify(&msg, &me);
    if input == Input::Ignore {
        return Ok(());
    }
    let lang = ctx.ui_lang(user);
    match ctx.flood.check(user.id.0, started) {
        Verdict::Allow => {}
        Verdict::Warn => {
            ctx.metrics.flood_limited();
            tracing::info!(user = user.id.0, "flood: asked to slow down");
            send::notice(&bot, &ctx, msg.chat.id, lang, Msg::Flood, Some(msg.id)).await;
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
                screen::answer(&engine, question, LangChoice::Prefer(lang))
            });
            (screen, Some(question.as_str()))
        }
        Input::NotText => (screen::text_only(&engine, lang), None),
        Input::Ignore => return Ok(()),
    };
    send::deliver(&bot, &ctx, msg.chat.id, &screen, Some(msg.id)).await?;
    if let Some(question) = question {
        record::question(&ctx, question, &screen, started);
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
        return Some(screen::notice(lang, Msg::AdminOnly));
    }
    Some(match command {
        Some(Command::Start) => guarded(lang, || screen::start(engine, lang, arg)),
        Some(Command::Topics) => screen::menu(engine, lang),
        Some(Command::Lang) => screen::language_picker(lang),
        Some(Command::About) => guarded(lang, || screen::about(engine, lang, &ctx.imprint)),
        Some(Command::Reload) => {
            ReloadReport::reload(&ctx.live, "command", &ctx.reloads).await;
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
        Some(Command::Help) | None => screen::help(engine, lang),
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
            Some(screen::updated(&engine, lang)),
        ),
        Some(Action::Vote {
            lang: l,
            up,
            passage,
        }) => {
            record::vote(&ctx, &engine, *up, passage, *l, message);
            if let Some(m) = message {
                // The vote is counted once: its buttons go.
                let kept = render::without_votes(m.reply_markup());
                let _ = send::with_retry(
                    bot.edit_message_reply_markup(m.chat.id, m.id)
                        .reply_markup(kept),
                    &ctx.metrics,
                )
                .await;
            }
            (Some(screen::voted(*l)), None)
        }
        Some(Action::SetLang(l)) => {
            if let Err(e) = ctx.store.set_language(q.from.id.0, Some(*l)) {
                tracing::error!(error = %e, "storing a language choice");
            }
            (None, Some(screen::language_set(&engine, *l)))
        }
        Some(a) if !screen::is_current(&engine, a) => {
            let l = screen::action_lang(a);
            (Some(t(Msg::Updated, l)), Some(screen::updated(&engine, l)))
        }
        Some(a) => (None, Some(guarded(lang, || screen::open(&engine, a)))),
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
        Some(m) => send::edit(&bot, &ctx, m, &screen).await,
        // The message is too old to edit, or not ours (inline): send anew.
        None => {
            let chat = ChatId(q.from.id.0 as i64);
            send::deliver(&bot, &ctx, chat, &screen, None)
                .await
                .map(|_| ())
        }
    }
}
