//! `atazan chat`: the bot in a terminal. It shows the same screens as the
//! Telegram bot (`atazan::screen`), with buttons as numbered choices, and
//! picks up content changes while it runs.

use anyhow::{Context, Result};
use atazan::command::Command;
use atazan::i18n::{t, Msg};
use atazan::live::{self, Reloaded};
use atazan::screen::{self, Action, Block, Screen};
use atazan::Lang;
use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Runs the terminal chat until end of input or `/quit`.
pub fn chat(config: &atazan::config::Config) -> Result<ExitCode> {
    let live = Arc::new(super::open_live(config)?);
    // Reload notes go to stderr, so they never mix into an answer.
    let _watch = if config.reload.watch {
        live::watch(
            Arc::clone(&live),
            Duration::from_millis(config.reload.debounce_ms),
            |outcome| match outcome {
                Ok(Reloaded::Updated { to, .. }) => {
                    eprintln!("atazan: content updated to version {to}")
                }
                Ok(Reloaded::Refused { serving, problems }) => {
                    for p in &problems {
                        eprintln!("{p}");
                    }
                    eprintln!(
                        "atazan: {} problem(s): still answering from version {serving}",
                        problems.len()
                    );
                }
                Ok(Reloaded::Unchanged { .. }) => {}
                Err(e) => eprintln!("atazan: {e}"),
            },
        )
        .map_err(|e| tracing::warn!(error = %e, "cannot watch the content folder"))
        .ok()
    } else {
        None
    };

    let mut out = std::io::stdout().lock();
    let mut forced: Option<Lang> = None;
    let mut lang = Lang::Kk;
    let mut screen = screen::welcome(&live.engine(), lang);
    writeln!(out, "{}", t(Msg::ChatHelp, lang))?;
    show(&mut out, &screen)?;
    let mut input = std::io::stdin().lock();
    let mut line = Vec::new();
    loop {
        write!(out, "\n> ")?;
        out.flush()?;
        line.clear();
        if input
            .read_until(b'\n', &mut line)
            .context("reading input")?
            == 0
        {
            writeln!(out)?;
            break;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim();
        // One engine per input line: a reload in between never mixes versions.
        let engine = live.engine();
        let mut words = text.split_whitespace();
        let first = words.next().unwrap_or("");
        // The bot's own commands, as in Telegram; the operators' are for
        // Telegram only (the terminal has `atazan unanswered`, `stats`).
        let command = first
            .strip_prefix('/')
            .and_then(Command::parse)
            .filter(|c| !c.for_operators());
        let next = match (first, command) {
            ("/quit" | "/exit", _) => break,
            (_, Some(Command::Help)) => {
                writeln!(out, "{}", t(Msg::ChatHelp, lang))?;
                writeln!(out, "\n{}", screen::edition_note(&engine, lang))?;
                continue;
            }
            (_, Some(Command::Start)) => screen::start(&engine, lang, words.next().unwrap_or("")),
            (_, Some(Command::Topics)) => screen::menu(&engine, lang),
            (_, Some(Command::About)) => screen::about(&engine, lang, &screen::Imprint::of(config)),
            (_, Some(Command::Lang)) => {
                // In the terminal `/lang` fixes the answer language too:
                // there is no Telegram profile to tell the menu language by.
                forced = words.next().and_then(|w| w.parse().ok());
                match forced {
                    Some(l) => {
                        lang = l;
                        writeln!(out, "{}", t(Msg::LangSwitched, l))?;
                    }
                    None => writeln!(out, "{}", t(Msg::LangAuto, lang))?,
                }
                continue;
            }
            (n, _) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => {
                let picked = n
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| screen.buttons().nth(n.wrapping_sub(1)))
                    .map(|b| b.action.clone());
                match picked {
                    Some(Action::Vote { lang: l, .. }) => {
                        writeln!(out, "{}", screen::voted(l))?;
                        continue;
                    }
                    Some(action) => screen::open(&engine, &action),
                    None => {
                        writeln!(out, "{}", t(Msg::NoSuchItem, lang))?;
                        continue;
                    }
                }
            }
            _ => screen::answer(&engine, text, forced),
        };
        screen = next;
        lang = screen.lang;
        writeln!(out)?;
        show(&mut out, &screen)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A screen as plain text, its buttons numbered.
fn show(out: &mut impl Write, screen: &Screen) -> Result<()> {
    for block in &screen.blocks {
        match block {
            Block::Breadcrumb(path) => writeln!(out, "[{}]", path.join(" › "))?,
            Block::Title(s) => writeln!(out, "{s}\n")?,
            Block::Text(s) | Block::Note(s) => writeln!(out, "{s}\n")?,
            Block::Sources(label, s) => writeln!(out, "{label}: {}\n", screen::cite_lines(s))?,
        }
    }
    for (i, b) in screen.buttons().enumerate() {
        writeln!(out, "  {}. {}", i + 1, b.label)?;
    }
    Ok(())
}
