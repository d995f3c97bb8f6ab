//! `atazan check`: validates a content folder, then says what a reload would
//! change against the version in service.

use anyhow::Result;
use atazan::content::ContentFiles;
use atazan::kb::{ContentChanges, Manifest, Snapshot};
use atazan::lint;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// Prints every problem as `file:line: message`, then runs the example
/// questions through the matcher (errors and warnings). A valid folder is
/// then compared with the version in service, read from the manifest in
/// `data` (never from sled, which a running bot holds). The exit code says
/// only whether the folder is valid.
pub fn check(dir: &Path, data: &Path) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let result = ContentFiles::read(dir)
        .map_err(|e| vec![e.to_string()])
        .and_then(|files| {
            files
                .parse_with_origins()
                .map(|c| (files.version(), c))
                .map_err(|ds| ds.iter().map(ToString::to_string).collect())
        });
    match result {
        Ok((version, (c, origins))) => {
            let findings = lint::lint(&c, &origins);
            for f in &findings {
                writeln!(out, "{}", f.diagnostic)?;
            }
            let errors = findings.iter().filter(|f| f.error).count();
            if errors > 0 {
                eprintln!("{}: {errors} problem(s)", dir.display());
                return Ok(ExitCode::FAILURE);
            }
            writeln!(
                out,
                "{}: ok, {} topics, {} passages in 3 languages, {} sources, version {version}",
                dir.display(),
                c.topics.len(),
                c.passages.len(),
                c.sources.len()
            )?;
            let new = Manifest::of(&Snapshot {
                version,
                content: Arc::new(c),
            });
            against_service(&mut out, data, &new)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(lines) => {
            for l in &lines {
                writeln!(out, "{l}")?;
            }
            eprintln!("{}: {} problem(s)", dir.display(), lines.len());
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Prints what a reload would change: the version in service against `new`.
fn against_service(out: &mut impl Write, data: &Path, new: &Manifest) -> Result<()> {
    let served = match Manifest::read(data) {
        Ok(Some(m)) => m,
        Ok(None) => {
            writeln!(
                out,
                "no version in service yet (the bot has not run with this data folder)"
            )?;
            return Ok(());
        }
        Err(e) => {
            writeln!(
                out,
                "the version in service is unknown ({e}); the bot rewrites it when it next starts or reloads"
            )?;
            return Ok(());
        }
    };
    if served.version == new.version {
        writeln!(out, "same as the version in service ({})", served.version)?;
        return Ok(());
    }
    writeln!(
        out,
        "against the version in service ({}, stored {}):",
        served.version,
        when(served.stored_at)
    )?;
    let changes = served.diff(new);
    print_changes(out, &changes)
}

/// One indented line per change, in plain words, then the count.
fn print_changes(out: &mut impl Write, changes: &ContentChanges) -> Result<()> {
    for line in changes.lines() {
        writeln!(out, "  {line}")?;
    }
    if let Some(count) = changes.count_line() {
        writeln!(out, "{count}")?;
    }
    Ok(())
}

/// `2026-11-30 10:12 UTC` for a Unix time.
fn when(unix_secs: u64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    i64::try_from(unix_secs)
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .and_then(|t| t.format(format).ok())
        .unwrap_or_else(|| "at an unknown time".into())
}
