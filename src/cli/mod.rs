//! The terminal front ends: `check`, `export`, `ask`, `chat`, the operator's
//! reports (`unanswered`, `stats`), and `run`'s set-up.

pub mod ask;
pub mod chat;
pub mod check;
pub mod report;
pub mod run;

use anyhow::{Context, Result};
use atazan::config::Config;
use atazan::content::ContentFiles;
use atazan::kb::KbError;
use atazan::live::Live;
use atazan::Lang;
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Logs go to stderr; `RUST_LOG` sets the level (warnings by default, so the
/// terminal chat and `ask` print nothing but answers).
///
/// teloxide's own "retrying getting updates" line is left out unless
/// `RUST_LOG` names teloxide: the bot logs each failed poll once, with why.
pub fn init_logging() {
    let mut filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into());
    let names_teloxide = std::env::var("RUST_LOG").is_ok_and(|v| v.contains("teloxide"));
    if !names_teloxide {
        if let Ok(quiet) = "teloxide::update_listeners::polling=warn".parse() {
            filter = filter.add_directive(quiet);
        }
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// Opens the knowledge base and brings it to the content folder. The caller
/// keeps the returned [`Live`] for as long as it answers: it holds the data
/// folder's lock, so a second process gets a clear "in use" error. An invalid
/// folder is reported and the last valid version answers; with none, this
/// fails with the problems.
pub fn open_live(config: &Config) -> Result<Live> {
    open_live_with_problems(config).map(|(live, _)| live)
}

/// [`open_live`], also returning the folder's problems when an older valid
/// version is serving (the bot tells its operators).
pub fn open_live_with_problems(
    config: &Config,
) -> Result<(Live, Vec<atazan::content::Diagnostic>)> {
    match Live::open(&config.content, &config.data) {
        Ok((live, problems)) => {
            if let Some(aside) = live.set_aside() {
                eprintln!(
                    "atazan: {}: the knowledge base could not be read; its files are now in {} and it was rebuilt from {} (users' language choices and the journal start afresh)",
                    config.data.display(),
                    aside.display(),
                    config.content.display()
                );
            }
            if !problems.is_empty() {
                for d in &problems {
                    eprintln!("{d}");
                }
                eprintln!(
                    "atazan: {} problem(s) in {}; answering from the last valid version {}",
                    problems.len(),
                    config.content.display(),
                    live.version()
                );
            }
            Ok((live, problems))
        }
        Err(KbError::Invalid(problems)) => {
            for d in &problems {
                eprintln!("{d}");
            }
            anyhow::bail!(
                "{} problem(s) in {}: fix them (atazan check) and try again",
                problems.len(),
                config.content.display()
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// `atazan config`: the effective configuration, then every variable.
pub fn show_config(config: &Config) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "# effective configuration (defaults < file < environment < flags)"
    )?;
    write!(out, "{}", config.to_toml())?;
    writeln!(out, "\n# environment variables")?;
    for atazan::config::Setting { var, key, doc, .. } in atazan::config::SETTINGS {
        let set = if std::env::var_os(var).is_some() {
            "set"
        } else {
            "unset"
        };
        writeln!(out, "# {var:<26} {key:<24} {set:<6} {doc}")?;
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct ExportRow<'a> {
    id: &'a str,
    topic: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    subtopic: Option<&'a str>,
    lang: Lang,
    title: &'a str,
    text: &'a str,
    questions: &'a [String],
    facts: &'a [String],
    /// Every source its facts rest on, the ones shown under the answer first.
    sources: Vec<ExportSource<'a>>,
    related: &'a [String],
}

#[derive(Serialize)]
struct ExportSource<'a> {
    id: &'a str,
    publisher: &'a str,
    title: &'a str,
    date: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    approx: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    accessed: bool,
    lang: &'a str,
    url: &'a str,
}

/// `atazan export`: every passage as JSON lines, one per passage and language.
pub fn export(content: &Path) -> Result<ExitCode> {
    let files = ContentFiles::read(content)?;
    let c = files.parse().map_err(|diags| {
        for d in &diags {
            eprintln!("{d}");
        }
        anyhow::anyhow!("{} problem(s) in {}", diags.len(), content.display())
    })?;
    let mut out = std::io::stdout().lock();
    for p in &c.passages {
        for (lang, t) in p.text.iter() {
            let row = ExportRow {
                id: &p.id,
                topic: &p.topic,
                lang,
                title: &t.title,
                text: &t.body,
                questions: &t.questions,
                subtopic: p.subtopic.as_deref(),
                facts: &p.facts,
                sources: c
                    .sources_of(p)
                    .into_iter()
                    .map(|s| ExportSource {
                        id: &s.id,
                        publisher: &s.publisher,
                        title: &s.title,
                        date: &s.date.date,
                        approx: s.date.approx,
                        accessed: s.date.accessed,
                        lang: &s.lang,
                        url: &s.url,
                    })
                    .collect(),
                related: &p.related,
            };
            serde_json::to_writer(&mut out, &row)
                .map_err(std::io::Error::from)
                .context("writing JSON")?;
            writeln!(out).context("writing JSON")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
