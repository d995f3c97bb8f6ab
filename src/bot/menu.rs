//! The command menus Telegram shows beside the text field, in each
//! language; operators get theirs with the operator commands.

use super::client::Api;
use super::context::Ctx;
use super::send;
use crate::command::Command;
use crate::lang::Lang;
use teloxide::payloads::SetMyCommandsSetters;
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, Recipient};

/// The command menu, in each language; operators get theirs with the
/// operator commands, which nobody else sees.
pub async fn set_commands<B: Api>(api: &B, ctx: &Ctx) {
    let menu = |commands: &[Command], lang: Lang| -> Vec<BotCommand> {
        commands
            .iter()
            .map(|&c| BotCommand::new(c.name(), crate::i18n::command_description(c, lang)))
            .collect()
    };
    let mut calls = Vec::new();
    // The default (no language) menu is Kazakh, the state language.
    calls.push((
        BotCommandScope::Default,
        None,
        menu(&Command::PUBLIC, Lang::Kk),
    ));
    for lang in Lang::ALL {
        calls.push((
            BotCommandScope::Default,
            Some(lang),
            menu(&Command::PUBLIC, lang),
        ));
    }
    let all: Vec<Command> = Command::PUBLIC
        .into_iter()
        .chain(Command::OPERATOR)
        .collect();
    for &admin in &ctx.admins {
        let scope = BotCommandScope::Chat {
            chat_id: Recipient::Id(ChatId(admin as i64)),
        };
        calls.push((scope.clone(), None, menu(&all, Lang::Kk)));
        for lang in Lang::ALL {
            calls.push((scope.clone(), Some(lang), menu(&all, lang)));
        }
    }
    for (scope, lang, commands) in calls {
        let mut req = api.set_my_commands(commands).scope(scope);
        if let Some(l) = lang {
            req = req.language_code(l.code());
        }
        if let Err(e) = send::with_retry(req, &ctx.metrics).await {
            // An operator who never opened the bot has no chat yet.
            tracing::warn!(error = %e, "setting the command menu");
        }
    }
}
