//! `atazan ask`: one question from the arguments, or one per line from stdin.

use anyhow::{Context, Result};
use atazan::screen::{self, Screen};
use atazan::Lang;
use std::io::{BufRead, Write};
use std::process::ExitCode;

/// Answers the question in `words`, or every line of stdin when there is none.
pub fn ask(
    config: &atazan::config::Config,
    lang: Option<Lang>,
    json: bool,
    words: &[String],
) -> Result<ExitCode> {
    let live = super::open_live(config)?;
    let engine = live.engine();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if !words.is_empty() {
        let screen = screen::answer(&engine, &words.join(" "), lang);
        print(&screen, json, &mut out)?;
    } else {
        let mut stdin = std::io::stdin().lock();
        let mut line = Vec::new();
        loop {
            line.clear();
            if stdin
                .read_until(b'\n', &mut line)
                .context("reading standard input")?
                == 0
            {
                break;
            }
            // Bytes that are not UTF-8 are replaced, not fatal: one bad line
            // must not cost the answers to the others.
            let question = String::from_utf8_lossy(&line);
            let screen = screen::answer(&engine, question.trim_end_matches(['\n', '\r']), lang);
            print(&screen, json, &mut out)?;
        }
    }
    out.flush().context("writing answers")?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the screen a question gets, as the bot would show it: its reply
/// as JSON (the `ask --json` contract), or its plain text on one line, so
/// batch output lines up with its input.
fn print(screen: &Screen, json: bool, out: &mut impl Write) -> Result<()> {
    if json {
        serde_json::to_writer(&mut *out, &screen.reply).context("writing JSON")?;
        writeln!(out)?;
    } else {
        let plain = screen.plain_with_related();
        writeln!(
            out,
            "{}",
            plain.split_whitespace().collect::<Vec<_>>().join(" ")
        )?;
    }
    Ok(())
}
