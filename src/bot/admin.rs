//! What operators get in Telegram: reload outcomes (a refused change with
//! every `file:line: message`), start-up warnings, and the `/unanswered` and
//! `/stats` reports. Operators are the Telegram user ids in `ATAZAN_ADMINS`.

use super::client::Api;
use super::context::Ctx;
use super::send;
use crate::content::Diagnostic;
use crate::i18n::operator::{self, Alert};
use crate::lang::Lang;
use crate::live::{ReloadReport, Reloaded};
use crate::report;
use crate::store::DAY_SECS;
use std::sync::Arc;
use teloxide::payloads::SendMessageSetters;
use teloxide::prelude::*;
use teloxide::types::ParseMode;
use teloxide::utils::html::escape;
use tokio::sync::mpsc;

/// Problems listed in one message at most; `atazan check` shows them all.
const MAX_PROBLEMS_SHOWN: usize = 15;
/// How far back `/unanswered` and `/stats` look.
const REPORT_DAYS: i64 = 30;
/// Groups `/unanswered` shows.
const REPORT_TOP: usize = 15;
/// A report's characters in one message, well under Telegram's 4,096 once
/// escaped.
const REPORT_CHARS: usize = 3000;

/// Logs, counts and tells operators about every reload, whatever started it.
pub async fn report_reloads<B: Api>(
    api: B,
    ctx: Arc<Ctx>,
    mut reports: mpsc::UnboundedReceiver<ReloadReport>,
) {
    while let Some(ReloadReport { trigger, outcome }) = reports.recv().await {
        let (result, ok) = match &outcome {
            Ok(Reloaded::Updated { .. }) => ("updated", true),
            Ok(Reloaded::Unchanged { .. }) => ("unchanged", true),
            Ok(Reloaded::Refused { .. }) => ("refused", false),
            Err(_) => ("error", false),
        };
        ctx.metrics.reload(result);
        ctx.metrics.content_version(&ctx.live.version());
        tracing::info!(trigger, result, version = %ctx.live.version(), "reload");
        if let Err(e) = ctx.store.record_reload(crate::clock::unix_now(), ok) {
            tracing::warn!(error = %e, "recording a reload");
        }
        // A watcher sees every save; "nothing changed" is worth saying only
        // to an operator who asked.
        if matches!(outcome, Ok(Reloaded::Unchanged { .. })) && trigger != "command" {
            continue;
        }
        // Every replica watches its own copy of the content and reloads it;
        // operators hear of one change once. A `/reload` is answered by the
        // replica that got it.
        if trigger != "command" {
            let what = format!(
                "reload {result} {} {}",
                ctx.live.version(),
                reload_text(&outcome, Lang::En)
            );
            if !first_to_send(&ctx, &what).await {
                continue;
            }
        }
        for &admin in &ctx.admins {
            let lang = admin_lang(&ctx, admin);
            let text = reload_text(&outcome, lang);
            send_html(&api, &ctx, ChatId(admin as i64), text).await;
        }
    }
}

/// Tells operators the bot started on an older version because the folder
/// has problems.
pub async fn notify_startup_problems<B: Api>(api: &B, ctx: &Ctx, problems: &[Diagnostic]) {
    let what: String = std::iter::once(format!("start-up problems {}", ctx.live.version()))
        .chain(problems.iter().map(|d| d.to_string()))
        .collect::<Vec<_>>()
        .join("\n");
    if !first_to_send(ctx, &what).await {
        return;
    }
    for &admin in &ctx.admins {
        let lang = admin_lang(ctx, admin);
        let head = operator::text(
            &Alert::StartupProblems {
                count: problems.len(),
                version: &ctx.live.version(),
            },
            lang,
        );
        send_html(
            api,
            ctx,
            ChatId(admin as i64),
            with_problems(&escape(&head), problems),
        )
        .await;
    }
}

/// How long an alert sent by one replica keeps the others from sending the
/// same one.
pub const ALERT_WINDOW: std::time::Duration = std::time::Duration::from_secs(600);

/// Whether this replica sends the alert saying `what`: with a shared store,
/// only the first replica to claim it within [`ALERT_WINDOW`] does.
async fn first_to_send(ctx: &Ctx, what: &str) -> bool {
    use sha2::{Digest, Sha256};
    // Each replica has its own copy of the content: the same problem names
    // files under different folders.
    let dir = ctx.live.dir().display().to_string();
    let what = if dir.is_empty() {
        what.to_string()
    } else {
        what.replace(&dir, "")
    };
    let digest = Sha256::digest(what.as_bytes());
    let key: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let store = Arc::clone(&ctx.store);
    tokio::task::spawn_blocking(move || store.claim_alert(&key, ALERT_WINDOW))
        .await
        .unwrap_or(true)
}

/// Tells operators the data folder could not be read and was rebuilt, and
/// where its old files are. Each replica has its own data folder, so each
/// tells of its own.
pub async fn notify_set_aside<B: Api>(api: &B, ctx: &Ctx, aside: &std::path::Path) {
    let aside = aside.display().to_string();
    for &admin in &ctx.admins {
        let text = operator::text(&Alert::SetAside { aside: &aside }, admin_lang(ctx, admin));
        send_html(api, ctx, ChatId(admin as i64), escape(&text)).await;
    }
}

/// Tells operators, once per outage, that the data folder cannot be
/// written (the bot answers on; what it could not save is counted in
/// `/metrics`), and once more when writes work again.
pub async fn report_store_health<B: Api>(
    api: B,
    ctx: Arc<Ctx>,
    mut health: tokio::sync::mpsc::UnboundedReceiver<crate::store::Health>,
) {
    use crate::store::Health;
    while let Some(h) = health.recv().await {
        for &admin in &ctx.admins {
            let alert = match &h {
                Health::Failing(error) => Alert::StoreFailing { error },
                Health::Recovered { lost } => Alert::StoreRecovered { lost: *lost },
            };
            let text = operator::text(&alert, admin_lang(&ctx, admin));
            send_html(&api, &ctx, ChatId(admin as i64), escape(&text)).await;
        }
    }
}

/// `/unanswered`: the most frequent unanswered questions of the last days.
pub async fn unanswered<B: Api>(bot: &B, ctx: &Ctx, chat: ChatId, lang: Lang) {
    let text = ctx
        .store
        .journal(Some(report_since()))
        .map(|entries| report::unanswered(&entries, REPORT_TOP).to_plain());
    send_report(bot, ctx, chat, lang, text).await;
}

/// `/stats`: questions, answers, languages, topics and ratings, per day.
pub async fn stats<B: Api>(bot: &B, ctx: &Ctx, chat: ChatId, lang: Lang) {
    let text = ctx
        .store
        .stats(Some(report_since()))
        .map(|days| report::stats(&days).to_plain());
    send_report(bot, ctx, chat, lang, text).await;
}

fn report_since() -> i64 {
    crate::clock::unix_now() - REPORT_DAYS * DAY_SECS
}

/// A report as preformatted text, or an apology when the store failed.
async fn send_report<B: Api>(
    bot: &B,
    ctx: &Ctx,
    chat: ChatId,
    lang: Lang,
    text: Result<String, crate::store::StoreError>,
) {
    let html = match text {
        Ok(text) => format!("<pre>{}</pre>", escape(&fit(&text, REPORT_CHARS))),
        Err(e) => {
            tracing::error!(error = %e, "reading the store for a report");
            escape(crate::i18n::t(crate::i18n::Msg::Apology, lang))
        }
    };
    send_html(bot, ctx, chat, html).await;
}

fn admin_lang(ctx: &Ctx, admin: u64) -> Lang {
    ctx.store
        .language(admin)
        .ok()
        .flatten()
        .unwrap_or(ctx.default_lang)
}

fn reload_text(outcome: &Result<Reloaded, String>, lang: Lang) -> String {
    match outcome {
        Ok(Reloaded::Updated { from, to, changes }) => {
            let head = operator::text(&Alert::Updated { from, to }, lang);
            let lines: Vec<String> = changes
                .lines()
                .into_iter()
                .chain(changes.count_line())
                .map(|l| fit(&l, 200))
                .collect();
            format!(
                "{}\n<pre>{}</pre>",
                escape(&head),
                escape(&fit(&lines.join("\n"), REPORT_CHARS))
            )
        }
        Ok(Reloaded::Unchanged { version }) => {
            escape(&operator::text(&Alert::Unchanged { version }, lang))
        }
        Ok(Reloaded::Refused { serving, problems }) => {
            let head = operator::text(
                &Alert::Refused {
                    count: problems.len(),
                    serving,
                },
                lang,
            );
            with_problems(&escape(&head), problems)
        }
        Err(e) => escape(&operator::text(&Alert::ReloadFailed { error: e }, lang)),
    }
}

fn with_problems(head: &str, problems: &[Diagnostic]) -> String {
    let mut lines: Vec<String> = problems
        .iter()
        .take(MAX_PROBLEMS_SHOWN)
        .map(|d| fit(&d.to_string(), 200))
        .collect();
    if problems.len() > MAX_PROBLEMS_SHOWN {
        lines.push(format!(
            "… +{} (atazan check)",
            problems.len() - MAX_PROBLEMS_SHOWN
        ));
    }
    format!("{head}\n<pre>{}</pre>", escape(&lines.join("\n")))
}

/// The first lines of `text` that fit in `max` characters: reports are cut
/// before they are escaped, so no tag or entity is ever cut in half.
fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for line in text.lines() {
        if out.chars().count() + line.chars().count() + 2 > max {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push('…');
    out
}

async fn send_html<B: Api>(api: &B, ctx: &Ctx, chat: ChatId, html: String) {
    let req = api.send_message(chat, html).parse_mode(ParseMode::Html);
    if let Err(e) = send::with_retry(req, &ctx.metrics).await {
        tracing::warn!(error = %e, chat = chat.0, "cannot reach an operator (have they started the bot?)");
    }
}
