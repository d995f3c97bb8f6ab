//! The terminal front ends: `check`, `export`, `ask`, `chat`, and `run`'s set-up.

pub mod ask;
pub mod chat;
pub mod check;
pub mod run;

use anyhow::{Context, Result};
use atazan::content::ContentFiles;
use atazan::engine::Engine;
use atazan::kb::{Kb, KbError, Sync};
use atazan::Lang;
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// Logs go to stderr; `RUST_LOG` sets the level (warnings by default, so the
/// terminal chat and `ask` print nothing but answers).
pub fn init_logging() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// Opens the knowledge base and brings it to the content folder. The caller
/// keeps the returned `Kb` for as long as it answers: it holds the data
/// folder's lock, so a second process gets a clear "in use" error.
pub fn load_engine(content: &Path, data: &Path) -> Result<(Kb, Engine)> {
    let kb = Kb::open(data)?;
    let (snapshot, sync) = match kb.sync_dir(content) {
        Ok(s) => s,
        Err(KbError::Invalid(diags)) => {
            for d in &diags {
                eprintln!("{d}");
            }
            match kb.current() {
                // Keep serving what was valid last time, and say so.
                Some(old) => {
                    eprintln!(
                        "atazan: {} problem(s) in {}; answering from the last valid version {}",
                        diags.len(),
                        content.display(),
                        old.version
                    );
                    (old, Sync::Unchanged)
                }
                None => anyhow::bail!(
                    "{} problem(s) in {}: fix them (atazan check) and try again",
                    diags.len(),
                    content.display()
                ),
            }
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(version = %snapshot.version, rebuilt = (sync == Sync::Rebuilt), "content loaded");
    let engine = Engine::new(snapshot.version, Arc::clone(&snapshot.content));
    Ok((kb, engine))
}

#[derive(Serialize)]
struct ExportRow<'a> {
    id: &'a str,
    topic: &'a str,
    lang: Lang,
    title: &'a str,
    text: &'a str,
    questions: &'a [String],
    sources: &'a [String],
    related: &'a [String],
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
                sources: &p.sources,
                related: &p.related,
            };
            serde_json::to_writer(&mut out, &row).context("writing JSON")?;
            writeln!(out).context("writing JSON")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
