//! `atazan unanswered` and `atazan stats`: the operator's reports, read from
//! the data folder, or — while a bot holds it — from that bot's ops server.
//!
//! Where the data comes from ([`open`], [`from_bot`]) is kept apart from
//! building and printing the reports ([`atazan::report`]).

use anyhow::{Context, Result};
use atazan::config::Config;
use atazan::kb::{Kb, KbError};
use atazan::report;
use atazan::store::{self, PgStore, Retention, SledStore, Store};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// Parses `--since YYYY-MM-DD` into the Unix time of that day's start (UTC).
pub fn parse_since(s: &str) -> Result<i64, String> {
    store::parse_date(s)
        .ok_or_else(|| format!("`{s}` is not a date: use YYYY-MM-DD, e.g. 2026-11-30"))
}

/// `atazan unanswered`: near-duplicate unanswered questions and 👎, grouped,
/// the `top` most frequent groups first.
pub fn unanswered(config: &Config, since: Option<i64>, top: usize, json: bool) -> Result<ExitCode> {
    let r: report::UnansweredReport = match open(config)? {
        Some((_kb, store)) => {
            let entries = store.journal(since).context("reading the journal")?;
            report::unanswered(&entries, top)
        }
        None => from_bot(config, "unanswered", since, Some(top))?,
    };
    print(&r, json, || r.to_plain())
}

/// `atazan stats`: questions, answers, feedback and reloads per day, topic
/// and language.
pub fn stats(config: &Config, since: Option<i64>, json: bool) -> Result<ExitCode> {
    let r: report::StatsReport = match open(config)? {
        Some((_kb, store)) => {
            let days = store.stats(since).context("reading the counters")?;
            report::stats(&days)
        }
        None => from_bot(config, "stats", since, None)?,
    };
    print(&r, json, || r.to_plain())
}

/// Asks the running bot's ops server for a report (`/ops/<which>`): it holds
/// the data folder, and serves the same report to this machine.
fn from_bot<T: DeserializeOwned>(
    config: &Config,
    which: &str,
    since: Option<i64>,
    top: Option<usize>,
) -> Result<T> {
    let Some(mut addr) = config.http.listen else {
        anyhow::bail!(
            "{}: the data folder is in use by a running bot, and its ops server is off (ATAZAN_HTTP=off): use /{which} in Telegram",
            config.data.display()
        );
    };
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let mut url = format!("http://{addr}/ops/{which}?");
    if let Some(since) = since {
        url.push_str(&format!(
            "since={}&",
            store::date_of_day(store::day_of(since))
        ));
    }
    if let Some(top) = top {
        url.push_str(&format!("top={top}"));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime
        .block_on(async {
            let response = reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()?
                .get(&url)
                .send()
                .await?
                .error_for_status()?;
            response.bytes().await
        })
        .map_err(anyhow::Error::from)
        .and_then(|body| serde_json::from_slice(&body).map_err(anyhow::Error::from))
        .with_context(|| {
            format!(
                "{}: the data folder is in use by a running bot, and its ops server ({url}) did not give the report",
                config.data.display()
            )
        })
}

/// A store, and the knowledge base it lives in when it is the sled one.
type Opened = (Option<Kb>, Box<dyn Store>);

/// Opens the bot's state: the shared store when `ATAZAN_STORE` names one
/// (whatever replicas are running), else the data folder; `None` when a
/// running bot holds the folder. The `Kb` holds the folder's lock and must
/// outlive the store.
fn open(config: &Config) -> Result<Option<Opened>> {
    if let Some(url) = &config.store {
        let store = PgStore::open(url, Retention::default())?;
        return Ok(Some((None, Box::new(store))));
    }
    open_folder(&config.data).map(|o| o.map(|(kb, s)| (Some(kb), Box::new(s) as Box<dyn Store>)))
}

/// Opens the bot's state in an existing data folder; `None` when a running
/// bot holds it.
fn open_folder(data: &Path) -> Result<Option<(Kb, SledStore)>> {
    if !data.is_dir() {
        anyhow::bail!(
            "{}: no data folder here; the bot has not run with it yet (pass --data DIR or set ATAZAN_DATA)",
            data.display()
        );
    }
    let kb = match Kb::open(data) {
        Ok(kb) => kb,
        Err(KbError::Locked(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let store = SledStore::open(kb.db(), Retention::default())
        .with_context(|| format!("{}: cannot read the bot's state", data.display()))?;
    Ok(Some((kb, store)))
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
