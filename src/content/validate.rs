//! The TOML files and the cross-file checks: unknown ids, duplicates, limits.

use super::passage::{self, lang_name, Parsed};
use super::{
    diagnostic::line_of, Content, Diagnostics, Passage, Routing, Source, SynonymGroup, Topic,
};
use super::{REQUIRED_TOPICS, TELEGRAM_MESSAGE_LIMIT};
use crate::lang::{Lang, PerLang};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use toml::Spanned;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TopicsFile {
    #[serde(default)]
    topic: Vec<TitledRow>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    #[serde(default)]
    source: Vec<TitledRow>,
}

/// A row with an id and a title per language (topics and sources).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TitledRow {
    id: Spanned<String>,
    #[serde(default)]
    file: Option<Spanned<String>>,
    kk: Option<String>,
    ru: Option<String>,
    en: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SynonymsFile {
    #[serde(default)]
    group: Vec<SynonymRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymRow {
    terms: Spanned<Vec<String>>,
    #[serde(default)]
    core: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RoutingFile {
    #[serde(default)]
    neutrality: Option<Neutrality>,
    #[serde(default)]
    out_of_scope: Option<OutOfScope>,
    #[serde(default)]
    smalltalk: Option<PerLang<Smalltalk>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Neutrality {
    passage: Spanned<String>,
    #[serde(default)]
    phrases: Vec<String>,
    #[serde(default)]
    judgement: Vec<String>,
    #[serde(default)]
    choice: Vec<String>,
    #[serde(default)]
    procedure: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutOfScope {
    #[serde(default)]
    terms: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Smalltalk {
    #[serde(default)]
    greetings: Vec<String>,
    #[serde(default)]
    thanks: Vec<String>,
}

/// Parses a TOML file, reporting a syntax error at its line.
/// `None` when the file is absent or does not parse (the error is reported).
fn parse_toml<T: DeserializeOwned>(
    dir: &Path,
    name: &str,
    texts: &BTreeMap<&str, &str>,
    diags: &mut Diagnostics,
) -> Option<T> {
    let text = texts.get(name)?;
    toml::from_str(text)
        .map_err(|e: toml::de::Error| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            diags.push(dir.join(name), line, e.message().trim().to_string());
        })
        .ok()
}

/// A topic or source row, checked: id, titles, and the file it names (with its line).
type Titled = (String, PerLang<String>, Option<(String, usize)>);

/// Reads titled rows (topics or sources), checking ids, duplicates and titles.
fn titled(
    dir: &Path,
    name: &str,
    text: Option<&&str>,
    rows: Vec<TitledRow>,
    kind: &str,
    diags: &mut Diagnostics,
) -> Vec<Titled> {
    let file = dir.join(name);
    let line = |span: std::ops::Range<usize>| text.map(|t| line_of(t, span.start)).unwrap_or(1);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for row in rows {
        let n = line(row.id.span());
        let id = row.id.into_inner();
        passage::check_id(&file, &id, diags);
        if !seen.insert(id.clone()) {
            diags.push(&file, n, format!("duplicate {kind} id `{id}`"));
            continue;
        }
        let titles = [(Lang::Kk, row.kk), (Lang::Ru, row.ru), (Lang::En, row.en)];
        let mut title = PerLang::<String>::default();
        for (lang, t) in titles {
            match t.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()) {
                Some(t) => *title.get_mut(lang) = t,
                None => diags.push(
                    &file,
                    n,
                    format!(
                        "{kind} `{id}` has no {} title: add `{lang} = \"…\"`",
                        lang_name(lang)
                    ),
                ),
            }
        }
        let file_ref = row.file.map(|f| {
            let fl = line(f.span());
            (f.into_inner(), fl)
        });
        out.push((id, title, file_ref));
    }
    out
}

/// Builds the content from parsed files, reporting every cross-file problem.
pub fn build(
    dir: &Path,
    texts: &BTreeMap<&str, &str>,
    present: &[&str],
    parsed: Vec<Parsed>,
    diags: &mut Diagnostics,
) -> Content {
    let topics_file: Option<TopicsFile> = parse_toml(dir, "topics.toml", texts, diags);
    // Only a topics file that parsed can be checked for the required topics:
    // a syntax error is reported once, not as eight missing topics.
    let check_required = topics_file.is_some();
    let topics: Vec<Topic> = titled(
        dir,
        "topics.toml",
        texts.get("topics.toml"),
        topics_file.map(|f| f.topic).unwrap_or_default(),
        "topic",
        diags,
    )
    .into_iter()
    .map(|(id, title, _)| Topic { id, title })
    .collect();
    if check_required {
        for required in REQUIRED_TOPICS {
            if !topics.iter().any(|t| t.id == required) {
                diags.push(
                    dir.join("topics.toml"),
                    1,
                    format!("required topic `{required}` is missing"),
                );
            }
        }
    }

    let sources_file: SourcesFile =
        parse_toml(dir, "sources.toml", texts, diags).unwrap_or_default();
    let mut sources = Vec::new();
    for (id, title, file) in titled(
        dir,
        "sources.toml",
        texts.get("sources.toml"),
        sources_file.source,
        "source",
        diags,
    ) {
        if let Some((f, line)) = &file {
            if !present.contains(&f.as_str()) {
                diags.push(
                    dir.join("sources.toml"),
                    *line,
                    format!("source file `{f}` is not in the content folder"),
                );
            }
        }
        sources.push(Source {
            id,
            title,
            file: file.map(|(f, _)| f),
        });
    }

    let synonyms_file: SynonymsFile =
        parse_toml(dir, "synonyms.toml", texts, diags).unwrap_or_default();
    let mut synonyms = Vec::new();
    for group in synonyms_file.group {
        let line = texts
            .get("synonyms.toml")
            .map(|t| line_of(t, group.terms.span().start))
            .unwrap_or(1);
        let terms: Vec<String> = group
            .terms
            .into_inner()
            .into_iter()
            .map(|t| t.trim().to_string())
            .collect();
        if terms.iter().any(String::is_empty) {
            diags.push(
                dir.join("synonyms.toml"),
                line,
                "empty term in a synonym group",
            );
        }
        if terms.len() < 2 {
            diags.push(
                dir.join("synonyms.toml"),
                line,
                "a synonym group needs at least two terms",
            );
        }
        for t in &terms {
            if let Some(other) = synonyms.iter().position(|g: &SynonymGroup| {
                g.terms.iter().any(|x| x.to_lowercase() == t.to_lowercase())
            }) {
                diags.push(
                    dir.join("synonyms.toml"),
                    line,
                    format!(
                        "`{t}` is already in synonym group {}: a word belongs to one group",
                        other + 1
                    ),
                );
            }
        }
        synonyms.push(SynonymGroup {
            terms,
            core: group.core,
        });
    }

    // Every passage file counts as existing, even one that failed to parse:
    // its own error is reported once, not again at every link to it.
    let files: Vec<(&str, &str)> = present
        .iter()
        .filter_map(|p| p.strip_prefix("passages/")?.strip_suffix(".md"))
        .map(|p| p.rsplit_once('/').unwrap_or(("", p)))
        .collect();
    let passages = passages(dir, &topics, &sources, &files, parsed, diags);

    let routing_file: RoutingFile =
        parse_toml(dir, "routing.toml", texts, diags).unwrap_or_default();
    let mut routing = Routing::default();
    if let Some(n) = routing_file.neutrality {
        let line = texts
            .get("routing.toml")
            .map(|t| line_of(t, n.passage.span().start))
            .unwrap_or(1);
        let id = n.passage.into_inner();
        if !files.iter().any(|(_, f)| *f == id) {
            diags.push(
                dir.join("routing.toml"),
                line,
                format!("unknown passage `{id}`"),
            );
        }
        routing.neutrality_passage = Some(id);
        routing.neutrality_phrases = n.phrases;
        routing.judgement = n.judgement;
        routing.choice = n.choice;
        routing.procedure = n.procedure;
    }
    if let Some(o) = routing_file.out_of_scope {
        routing.out_of_scope = o.terms;
    }
    if let Some(s) = routing_file.smalltalk {
        routing.greetings = PerLang::from_fn(|l| s.get(l).greetings.clone());
        routing.thanks = PerLang::from_fn(|l| s.get(l).thanks.clone());
    }

    Content {
        topics,
        sources,
        passages,
        synonyms,
        routing,
    }
}

/// Checks the passages against each other and the other files; `files` are
/// the (folder, id) of every passage file, parsed or not.
fn passages(
    dir: &Path,
    topics: &[Topic],
    sources: &[Source],
    files: &[(&str, &str)],
    parsed: Vec<Parsed>,
    diags: &mut Diagnostics,
) -> Vec<Passage> {
    let mut first_file: HashMap<String, String> = HashMap::new();
    for p in &parsed {
        let shown = p.file.display().to_string();
        if let Some(other) = first_file.get(&p.id) {
            diags.push(
                &p.file,
                1,
                format!(
                    "duplicate passage id `{}`: {other} has the same file name",
                    p.id
                ),
            );
        } else {
            first_file.insert(p.id.clone(), shown);
        }
    }
    let known_topics: Vec<&str> = topics.iter().map(|t| t.id.as_str()).collect();
    for p in &parsed {
        let (topic, line) = &p.topic;
        if !known_topics.contains(&topic.as_str()) && !known_topics.is_empty() {
            diags.push(
                &p.file,
                *line,
                format!(
                    "unknown topic `{topic}`: use one of {}",
                    known_topics.join(", ")
                ),
            );
        }
        if let Some(folder) = &p.folder {
            if folder != topic {
                diags.push(
                    &p.file,
                    *line,
                    format!("the file is in `passages/{folder}/` but its topic is `{topic}`"),
                );
            }
        }
        for s in &p.sources.0 {
            if !sources.iter().any(|x| &x.id == s) {
                diags.push(
                    &p.file,
                    p.sources.1,
                    format!("unknown source `{s}`: add it to sources.toml"),
                );
            }
        }
        for r in &p.related.0 {
            if r == &p.id {
                diags.push(
                    &p.file,
                    p.related.1,
                    "a passage cannot be related to itself",
                );
            } else if !files.iter().any(|(_, f)| f == r) {
                diags.push(
                    &p.file,
                    p.related.1,
                    format!("unknown related passage `{r}`"),
                );
            }
        }
        for lang in Lang::ALL {
            let t = p.text.get(lang);
            let source_line: usize = p
                .sources
                .0
                .iter()
                .filter_map(|s| sources.iter().find(|x| &x.id == s))
                .map(|s| s.title.get(lang).encode_utf16().count() + 16)
                .sum();
            let units =
                t.title.encode_utf16().count() + t.body.encode_utf16().count() + source_line + 4;
            if units > TELEGRAM_MESSAGE_LIMIT {
                diags.push(
                    &p.file,
                    1,
                    format!("the {} answer would be {units} characters with its title and source; Telegram allows {TELEGRAM_MESSAGE_LIMIT}", lang_name(lang)),
                );
            }
        }
    }
    if !dir.join("passages").is_dir() {
        diags.push(
            dir.join("passages"),
            1,
            "missing: passages live in passages/<topic>/<id>.md",
        );
    }
    for t in topics {
        if !files.iter().any(|(folder, _)| *folder == t.id) {
            diags.push(
                dir.join("topics.toml"),
                1,
                format!("topic `{}` has no passages", t.id),
            );
        }
    }

    let rank = |topic: &str| {
        topics
            .iter()
            .position(|t| t.id == topic)
            .unwrap_or(usize::MAX)
    };
    let mut out: Vec<Passage> = parsed
        .into_iter()
        .map(|p| Passage {
            id: p.id,
            topic: p.topic.0,
            order: p.order,
            sources: p.sources.0,
            related: p.related.0,
            text: p.text,
        })
        .collect();
    out.sort_by(|a, b| (rank(&a.topic), a.order, &a.id).cmp(&(rank(&b.topic), b.order, &b.id)));
    out
}
