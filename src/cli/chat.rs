//! `atazan chat`: the bot in a terminal, topics browsable by number.

use anyhow::{Context, Result};
use atazan::content::Content;
use atazan::engine::Engine;
use atazan::i18n::{t, Msg};
use atazan::Lang;
use std::io::{BufRead, Write};
use std::path::Path;
use std::process::ExitCode;

/// What a number typed next refers to.
enum Menu {
    Topics,
    Passages(String),
}

/// Runs the terminal chat until end of input or `/quit`.
pub fn chat(content: &Path, data: &Path) -> Result<ExitCode> {
    let (_kb, engine) = super::load_engine(content, data)?;
    let mut out = std::io::stdout().lock();
    let mut fixed: Option<Lang> = None;
    let mut ui = Lang::Kk;
    let mut menu = Menu::Topics;
    writeln!(out, "{}\n{}\n", t(Msg::Welcome, ui), t(Msg::ChatHelp, ui))?;
    print_topics(&mut out, &engine.content, ui)?;
    let stdin = std::io::stdin();
    let mut line = Vec::new();
    let mut input = stdin.lock();
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
        match text.split_whitespace().next().unwrap_or("") {
            "/quit" | "/exit" => break,
            "/help" | "/start" => writeln!(out, "{}", t(Msg::ChatHelp, ui))?,
            "/topics" => {
                menu = Menu::Topics;
                print_topics(&mut out, &engine.content, ui)?;
            }
            "/lang" => {
                let arg = text.split_whitespace().nth(1).unwrap_or("auto");
                fixed = arg.parse().ok();
                if let Some(l) = fixed {
                    ui = l;
                    writeln!(out, "{}", t(Msg::LangSwitched, l))?;
                } else {
                    writeln!(out, "{}", t(Msg::LangAuto, ui))?;
                }
            }
            n if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => {
                let n: usize = n.parse().unwrap_or(0);
                menu = pick(&mut out, &engine, menu, n, ui)?;
            }
            _ => {
                let reply = engine.answer(text, fixed);
                ui = reply.lang;
                writeln!(out, "\n{}", reply.to_plain(&engine.content))?;
                if !reply.answered {
                    menu = Menu::Topics;
                    print_topics(&mut out, &engine.content, ui)?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_topics(out: &mut impl Write, content: &Content, lang: Lang) -> Result<()> {
    writeln!(out, "{}:", t(Msg::Topics, lang))?;
    for (i, topic) in content.topics.iter().enumerate() {
        writeln!(out, "  {}. {}", i + 1, topic.title.get(lang))?;
    }
    Ok(())
}

fn pick(out: &mut impl Write, engine: &Engine, menu: Menu, n: usize, lang: Lang) -> Result<Menu> {
    let content = &engine.content;
    match menu {
        Menu::Topics => match content.topics.get(n.wrapping_sub(1)) {
            Some(topic) => {
                writeln!(out, "{}:", topic.title.get(lang))?;
                for (i, p) in content.passages_of(&topic.id).enumerate() {
                    writeln!(out, "  {}. {}", i + 1, p.text.get(lang).title)?;
                }
                Ok(Menu::Passages(topic.id.clone()))
            }
            None => {
                writeln!(out, "{}", t(Msg::NoSuchItem, lang))?;
                Ok(Menu::Topics)
            }
        },
        Menu::Passages(topic) => {
            let picked = content.passages_of(&topic).nth(n.wrapping_sub(1));
            match picked.and_then(|p| engine.passage_reply(&p.id, lang)) {
                Some(reply) => writeln!(out, "\n{}", reply.to_plain(content))?,
                None => writeln!(out, "{}", t(Msg::NoSuchItem, lang))?,
            }
            Ok(Menu::Passages(topic))
        }
    }
}
