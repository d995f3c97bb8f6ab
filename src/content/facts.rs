//! The fact register (`facts.toml`), the sources (`sources.toml`) and the
//! edition (`edition.toml`: as of which date the content is current).
//!
//! A fact is a statement in plain English with the public sources that state
//! it and how sure the record is; passages list the facts they state.

use super::passage::lang_name;
use super::{diagnostic::line_of, Diagnostics, Place, Source};
use crate::lang::{Lang, PerLang};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use toml::Spanned;

/// One fact of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    /// Stable id: the dossier's (`F055`), or `Z…` for the founding source.
    pub id: String,
    /// The statement, in plain English.
    pub text: String,
    /// Ids of the sources that state it.
    pub sources: Vec<String>,
    /// How sure the public record is.
    pub status: FactStatus,
    /// From the drafting stage: the final wording was not seen.
    pub draft: bool,
}

/// How sure the public record is of a fact: it decides how a passage may say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FactStatus {
    /// Carried by at least two independent publishers: said plainly.
    Confirmed,
    /// One publisher: said with "according to …", or not at all.
    Single,
    /// Sources disagree: said as the dossier's note says.
    Disputed,
    /// Searched for and not found: said as not known. Has no sources.
    Unknown,
}

/// When a source was published (or, for an undated reference page, read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceDate {
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`: sorts as a date (a year or a
    /// month before the days in it).
    pub date: String,
    /// The page shows no date; this one is inferred from its content.
    pub approx: bool,
    /// The page shows no date; this is the day its text was read.
    pub accessed: bool,
}

impl SourceDate {
    /// Short and readable in any language: `20.01.2026`, `≈01.2026`,
    /// `accessed 03.12.2026`.
    pub fn show(&self, lang: Lang) -> String {
        let parts: Vec<&str> = self.date.split('-').collect();
        let numeric = parts.iter().rev().copied().collect::<Vec<_>>().join(".");
        if self.accessed {
            let word = match lang {
                Lang::Kk => "қаралды",
                Lang::Ru => "просмотрено",
                Lang::En => "accessed",
            };
            format!("{word} {numeric}")
        } else if self.approx {
            format!("≈{numeric}")
        } else {
            numeric
        }
    }
}

/// Whether `s` is `YYYY-MM-DD`, `YYYY-MM` or `YYYY` with a real month and day.
pub(super) fn valid_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| p.len() == len && p.bytes().all(|b| b.is_ascii_digit());
    let in_range =
        |p: &str, lo: u32, hi: u32| p.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n));
    match parts.as_slice() {
        [y] => num(y, 4),
        [y, m] => num(y, 4) && num(m, 2) && in_range(m, 1, 12),
        [y, m, d] => {
            num(y, 4) && num(m, 2) && num(d, 2) && in_range(m, 1, 12) && in_range(d, 1, 31)
        }
        _ => false,
    }
}

/// As of which date the content is current, and where later official news is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edition {
    /// `YYYY-MM-DD`: the latest dated fact the content tells.
    pub as_of: String,
    /// Where to follow what happened since, per language.
    pub updates: PerLang<String>,
}

impl Edition {
    /// The as-of date, readable: `01.07.2026`.
    pub fn as_of_shown(&self) -> String {
        SourceDate {
            date: self.as_of.clone(),
            approx: false,
            accessed: false,
        }
        .show(Lang::En)
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    #[serde(default)]
    source: Vec<SourceRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceRow {
    id: Spanned<String>,
    #[serde(default)]
    publisher: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    approx: bool,
    #[serde(default)]
    accessed: Option<String>,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    file: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FactsFile {
    #[serde(default)]
    fact: Vec<FactRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FactRow {
    id: Spanned<String>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    sources: Vec<String>,
    status: FactStatus,
    #[serde(default)]
    draft: bool,
    /// The dossier's status line and notes, for the reviewer; not shown.
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EditionFile {
    as_of: Spanned<String>,
    updates: PerLang<String>,
}

/// Parses a TOML file, reporting a syntax error at its line; `None` when it is
/// absent or does not parse.
pub(super) fn parse_toml<T: serde::de::DeserializeOwned>(
    dir: &Path,
    name: &str,
    texts: &BTreeMap<&str, &str>,
    diags: &mut Diagnostics,
) -> Option<T> {
    let text = texts.get(name)?;
    toml::from_str(text)
        .map_err(|e: toml::de::Error| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            diags.push(dir.join(name), line, super::diagnostic::toml_message(&e));
        })
        .ok()
}

/// Reads `sources.toml`: every source needs a publisher, a title, a URL and a
/// date (or, for an undated reference page, the day it was read).
pub(super) fn sources(
    dir: &Path,
    texts: &BTreeMap<&str, &str>,
    present: &[&str],
    diags: &mut Diagnostics,
) -> Vec<Source> {
    let name = "sources.toml";
    let file = dir.join(name);
    let text = texts.get(name).copied().unwrap_or("");
    let rows = parse_toml::<SourcesFile>(dir, name, texts, diags).unwrap_or_default();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for row in rows.source {
        let Some((id, n)) = new_id(&file, text, row.id, "source", &mut seen, diags) else {
            continue;
        };
        for (value, what) in [
            (&row.publisher, "publisher"),
            (&row.title, "title"),
            (&row.lang, "lang"),
        ] {
            if value.trim().is_empty() {
                diags.push(&file, n, format!("source `{id}` has no {what}"));
            }
        }
        if !(row.url.starts_with("https://") || row.url.starts_with("http://"))
            || row.url.contains(char::is_whitespace)
        {
            diags.push(
                &file,
                n,
                format!("source `{id}` has no URL: add `url = \"https://…\"` where it can be read"),
            );
        }
        let date = match (row.date, row.accessed) {
            (Some(d), None) => SourceDate {
                date: d,
                approx: row.approx,
                accessed: false,
            },
            (None, Some(d)) => SourceDate {
                date: d,
                approx: false,
                accessed: true,
            },
            (Some(_), Some(_)) => {
                diags.push(
                    &file,
                    n,
                    format!("source `{id}`: give `date` or `accessed`, not both"),
                );
                continue;
            }
            (None, None) => {
                diags.push(
                    &file,
                    n,
                    format!("source `{id}` has no date: add `date = \"YYYY-MM-DD\"` (or `accessed` for an undated reference page)"),
                );
                continue;
            }
        };
        if !valid_date(&date.date) {
            diags.push(
                &file,
                n,
                format!(
                    "source `{id}`: `{}` is not a date (YYYY-MM-DD, YYYY-MM or YYYY)",
                    date.date
                ),
            );
        }
        if let Some(f) = &row.file {
            if !present.contains(&f.as_str()) {
                diags.push(
                    &file,
                    n,
                    format!("source file `{f}` is not in the content folder"),
                );
            }
        }
        out.push(Source {
            id,
            publisher: row.publisher.trim().to_string(),
            title: row.title.trim().to_string(),
            date,
            lang: row.lang,
            url: row.url,
            kind: row.kind,
            file: row.file,
        });
    }
    out
}

/// Reads `facts.toml`: every fact has a statement and sources that exist,
/// except the ones recorded as not found.
pub(super) fn facts(
    dir: &Path,
    texts: &BTreeMap<&str, &str>,
    sources: &[Source],
    places: &mut HashMap<String, Place>,
    diags: &mut Diagnostics,
) -> Vec<Fact> {
    let name = "facts.toml";
    let file = dir.join(name);
    let text = texts.get(name).copied().unwrap_or("");
    let rows = parse_toml::<FactsFile>(dir, name, texts, diags).unwrap_or_default();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for row in rows.fact {
        let Some((id, n)) = new_id(&file, text, row.id, "fact", &mut seen, diags) else {
            continue;
        };
        if row.text.trim().is_empty() {
            diags.push(&file, n, format!("fact `{id}` has no `text`"));
        }
        if row.status != FactStatus::Unknown && row.sources.is_empty() {
            diags.push(
                &file,
                n,
                format!("fact `{id}` has no source: name the sources that state it (ids from sources.toml)"),
            );
        }
        for s in &row.sources {
            if !sources.iter().any(|x| &x.id == s) {
                diags.push(&file, n, format!("fact `{id}`: unknown source `{s}`"));
            }
        }
        places.insert(
            id.clone(),
            Place {
                file: file.clone(),
                line: n,
            },
        );
        out.push(Fact {
            id,
            text: row.text.trim().to_string(),
            sources: row.sources,
            status: row.status,
            draft: row.draft,
        });
    }
    out
}

/// Reads `edition.toml`; the as-of date may not be older than a source a
/// fact rests on (the content would claim to be older than what it tells).
pub(super) fn edition(
    dir: &Path,
    texts: &BTreeMap<&str, &str>,
    sources: &[Source],
    facts: &[Fact],
    diags: &mut Diagnostics,
) -> Edition {
    let name = "edition.toml";
    let file = dir.join(name);
    let Some(text) = texts.get(name).copied() else {
        diags.push(
            &file,
            1,
            "missing: say as of which date the content is current (`as_of = \"YYYY-MM-DD\"`) and where later news is (`[updates]` kk, ru, en)",
        );
        return Edition::default();
    };
    let Some(row) = parse_toml::<EditionFile>(dir, name, texts, diags) else {
        return Edition::default();
    };
    let n = line_of(text, row.as_of.span().start);
    let as_of = row.as_of.into_inner();
    if as_of.len() != 10 || !valid_date(&as_of) {
        diags.push(
            &file,
            n,
            format!("`as_of = \"{as_of}\"` is not a date (YYYY-MM-DD)"),
        );
    } else {
        let used: HashSet<&str> = facts
            .iter()
            .flat_map(|f| f.sources.iter().map(String::as_str))
            .collect();
        if let Some(newest) = sources
            .iter()
            .filter(|s| !s.date.accessed && used.contains(s.id.as_str()))
            .max_by(|a, b| a.date.date.cmp(&b.date.date))
        {
            if newest.date.date > as_of {
                diags.push(
                    &file,
                    n,
                    format!(
                        "`as_of` {as_of} is older than source `{}` ({}): the content is current as of its latest dated fact",
                        newest.id, newest.date.date
                    ),
                );
            }
        }
    }
    for lang in Lang::ALL {
        if row.updates.get(lang).trim().is_empty() {
            diags.push(
                &file,
                n,
                format!("`[updates]` has no {} text", lang_name(lang)),
            );
        }
    }
    Edition {
        as_of,
        updates: row.updates,
    }
}

/// A row's id and its line, unless it repeats an earlier row's (reported).
/// Source and fact ids follow the dossier (`S29`, `F055`): letters and digits.
fn new_id(
    file: &Path,
    text: &str,
    id: Spanned<String>,
    kind: &str,
    seen: &mut HashSet<String>,
    diags: &mut Diagnostics,
) -> Option<(String, usize)> {
    let n = line_of(text, id.span().start);
    let id = id.into_inner();
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        diags.push(
            file,
            n,
            format!("id `{id}` may use only letters, digits and `-`"),
        );
    }
    if !seen.insert(id.clone()) {
        diags.push(file, n, format!("duplicate {kind} id `{id}`"));
        return None;
    }
    Some((id, n))
}
