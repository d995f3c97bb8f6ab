//! `atazan unanswered` and `atazan stats`: the operator's reports, read from
//! the data folder.
//!
//! Where the data comes from ([`open`]) is kept apart from building and
//! printing the reports ([`atazan::store::report`]), so a later fallback that
//! asks a running bot over HTTP only replaces the first step.

use anyhow::{Context, Result};
use atazan::kb::{Kb, KbError};
use atazan::store::{self, report, Retention, SledStore, Store};
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Parses `--since YYYY-MM-DD` into the Unix time of that day's start (UTC).
pub fn parse_since(s: &str) -> Result<i64, String> {
    store::parse_date(s)
        .ok_or_else(|| format!("`{s}` is not a date: use YYYY-MM-DD, e.g. 2026-11-30"))
}

/// `atazan unanswered`: near-duplicate unanswered questions and 👎, grouped,
/// the `top` most frequent groups first.
pub fn unanswered(data: &Path, since: Option<i64>, top: usize, json: bool) -> Result<ExitCode> {
    let (_kb, store) = open(data)?;
    let entries = store.journal(since).context("reading the journal")?;
    let r = report::unanswered(&entries, top);
    print(&r, json, || r.to_plain())
}

/// `atazan stats`: questions, answers, feedback and reloads per day, topic
/// and language.
pub fn stats(data: &Path, since: Option<i64>, json: bool) -> Result<ExitCode> {
    let (_kb, store) = open(data)?;
    let days = store.stats(since).context("reading the counters")?;
    let r = report::stats(&days);
    print(&r, json, || r.to_plain())
}

/// Opens the bot's state in an existing data folder. The `Kb` holds the
/// folder's lock and must outlive the store.
fn open(data: &Path) -> Result<(Kb, SledStore)> {
    if !data.is_dir() {
        anyhow::bail!(
            "{}: no data folder here; the bot has not run with it yet (pass --data DIR or set ATAZAN_DATA)",
            data.display()
        );
    }
    let kb = match Kb::open(data) {
        Ok(kb) => kb,
        Err(e @ KbError::Locked(_)) => {
            return Err(e).context("the reports read the data folder, which a running bot holds")
        }
        Err(e) => return Err(e.into()),
    };
    let store = SledStore::open(kb.db(), Retention::default())
        .with_context(|| format!("{}: cannot read the bot's state", data.display()))?;
    Ok((kb, store))
}

fn print<T: Serialize>(report: &T, json: bool, plain: impl FnOnce() -> String) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer(&mut out, report).context("writing JSON")?;
        writeln!(out).context("writing JSON")?;
    } else {
        out.write_all(plain().as_bytes())
            .context("writing the report")?;
    }
    out.flush().context("writing the report")?;
    Ok(ExitCode::SUCCESS)
}
