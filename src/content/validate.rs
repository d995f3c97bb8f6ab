//! The TOML files and the cross-file checks: unknown ids, duplicates, limits.

use super::facts::{self, parse_toml, Fact};
use super::passage::{self, lang_name, Parsed};
use super::{
    diagnostic::line_of, Content, Diagnostics, Origins, Passage, PassageOrigin, Routing, Source,
    Subtopic, SynonymGroup, Topic,
};
use super::{REQUIRED_TOPICS, TELEGRAM_MESSAGE_LIMIT};
use crate::lang::{Lang, PerLang};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use toml::Spanned;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TopicsFile {
    #[serde(default)]
    topic: Vec<TitledRow>,
    #[serde(default)]
    subtopic: Vec<TitledRow>,
}

/// A row with an id and a title per language (topics and sub-topics).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TitledRow {
    id: Spanned<String>,
    /// For a sub-topic: the topic it belongs to.
    #[serde(default)]
    topic: Option<Spanned<String>>,
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
    #[serde(default)]
    insult: Option<Insult>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Insult {
    passage: Spanned<String>,
    #[serde(default)]
    phrases: Vec<String>,
    #[serde(default)]
    bot: Vec<String>,
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

/// A topic or sub-topic row, checked: id, titles, and its parent topic (with its line).
type Titled = (String, PerLang<String>, Option<(String, usize)>);

/// Reads titled rows (topics or sub-topics), checking ids, duplicates and titles.
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
        let file_ref = row.topic.map(|f| {
            let fl = line(f.span());
            (f.into_inner(), fl)
        });
        out.push((id, title, file_ref));
    }
    out
}

/// Builds the content from parsed files, reporting every cross-file problem.
pub(super) fn build(
    dir: &Path,
    texts: &BTreeMap<&str, &str>,
    present: &[&str],
    parsed: Vec<Parsed>,
    origins: &mut Origins,
    diags: &mut Diagnostics,
) -> Content {
    let topics_file: Option<TopicsFile> = parse_toml(dir, "topics.toml", texts, diags);
    // Only a topics file that parsed can be checked for the required topics:
    // a syntax error is reported once, not as eight missing topics.
    let check_required = topics_file.is_some();
    let topics_file = topics_file.unwrap_or_default();
    let topics: Vec<Topic> = titled(
        dir,
        "topics.toml",
        texts.get("topics.toml"),
        topics_file.topic,
        "topic",
        diags,
    )
    .into_iter()
    .map(|(id, title, _)| Topic { id, title })
    .collect();
    let mut subtopics: Vec<Subtopic> = Vec::new();
    for (id, title, parent) in titled(
        dir,
        "topics.toml",
        texts.get("topics.toml"),
        topics_file.subtopic,
        "sub-topic",
        diags,
    ) {
        let Some((topic, line)) = parent else {
            diags.push(
                dir.join("topics.toml"),
                1,
                format!("sub-topic `{id}` needs `topic = \"…\"`, the topic it belongs to"),
            );
            continue;
        };
        if !topics.iter().any(|t| t.id == topic) {
            diags.push(
                dir.join("topics.toml"),
                line,
                format!("sub-topic `{id}`: unknown topic `{topic}`"),
            );
        }
        if topics.iter().any(|t| t.id == id) {
            diags.push(
                dir.join("topics.toml"),
                line,
                format!("sub-topic `{id}` has a topic's id"),
            );
        }
        subtopics.push(Subtopic { id, topic, title });
    }
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

    let sources = facts::sources(dir, texts, present, diags);
    let facts = facts::facts(dir, texts, &sources, &mut origins.facts, diags);
    let edition = facts::edition(dir, texts, &sources, &facts, diags);

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
    let passages = passages(
        dir,
        Known {
            topics: &topics,
            subtopics: &subtopics,
            sources: &sources,
            facts: &facts,
            files: &files,
        },
        parsed,
        &mut origins.passages,
        diags,
    );

    let routing_file: RoutingFile =
        parse_toml(dir, "routing.toml", texts, diags).unwrap_or_default();
    let mut routing = Routing::default();
    // A routed passage must exist: its file is named at the line naming it.
    let routed = |passage: Spanned<String>, diags: &mut Diagnostics| {
        let line = texts
            .get("routing.toml")
            .map(|t| line_of(t, passage.span().start))
            .unwrap_or(1);
        let id = passage.into_inner();
        if !files.iter().any(|(_, f)| *f == id) {
            diags.push(
                dir.join("routing.toml"),
                line,
                format!("unknown passage `{id}`"),
            );
        }
        id
    };
    if let Some(n) = routing_file.neutrality {
        routing.neutrality_passage = Some(routed(n.passage, diags));
        routing.neutrality_phrases = n.phrases;
        routing.judgement = n.judgement;
        routing.choice = n.choice;
        routing.procedure = n.procedure;
    }
    if let Some(i) = routing_file.insult {
        routing.insult_passage = Some(routed(i.passage, diags));
        routing.insults = i.phrases;
        routing.bot_names = i.bot;
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
        subtopics,
        sources,
        facts,
        edition,
        passages,
        synonyms,
        routing,
    }
}

/// What passages may refer to; `files` are the (folder, id) of every passage
/// file, parsed or not.
struct Known<'a> {
    topics: &'a [Topic],
    subtopics: &'a [Subtopic],
    sources: &'a [Source],
    facts: &'a [Fact],
    files: &'a [(&'a str, &'a str)],
}

/// The topic whose passages are the bot's own statements (what it is, its
/// neutrality): they state no fact of the reform, so they list none.
pub(super) const OWN_VOICE_TOPIC: &str = "about";

/// Checks the passages against each other and the other files.
fn passages(
    dir: &Path,
    known: Known<'_>,
    parsed: Vec<Parsed>,
    origins: &mut HashMap<String, PassageOrigin>,
    diags: &mut Diagnostics,
) -> Vec<Passage> {
    let Known {
        topics,
        subtopics,
        sources,
        facts,
        files,
    } = known;
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
        check_facts(p, sources, facts, diags);
        if let Some((sub, line)) = &p.subtopic {
            match subtopics.iter().find(|s| &s.id == sub) {
                None => diags.push(
                    &p.file,
                    *line,
                    format!("unknown sub-topic `{sub}`: add it to topics.toml as a `[[subtopic]]`"),
                ),
                Some(s) if &s.topic != topic => diags.push(
                    &p.file,
                    *line,
                    format!(
                        "sub-topic `{sub}` belongs to topic `{}`, not `{topic}`",
                        s.topic
                    ),
                ),
                Some(_) => {}
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
                .map(|s| s.publisher.encode_utf16().count() + s.url.len() + 32)
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
    for s in subtopics {
        if !parsed
            .iter()
            .any(|p| p.subtopic.as_ref().is_some_and(|(x, _)| x == &s.id))
        {
            diags.push(
                dir.join("topics.toml"),
                1,
                format!("sub-topic `{}` has no passages", s.id),
            );
        }
    }
    super::duplicates::check(&parsed, diags);
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
        .inspect(|p| {
            origins.insert(
                p.id.clone(),
                PassageOrigin {
                    file: p.file.clone(),
                    questions: PerLang::from_fn(|l| p.lines.get(l).questions.clone()),
                },
            );
        })
        .map(|p| Passage {
            id: p.id,
            topic: p.topic.0,
            subtopic: p.subtopic.map(|(s, _)| s),
            order: p.order,
            facts: p.facts.0,
            sources: p.sources.0,
            related: p.related.0,
            text: p.text,
        })
        .collect();
    out.sort_by(|a, b| (rank(&a.topic), a.order, &a.id).cmp(&(rank(&b.topic), b.order, &b.id)));
    out
}

/// The chain from a passage to its sources: every fact it lists exists, it
/// lists some unless it speaks in the bot's own voice, and every source shown
/// under it backs one of its facts.
fn check_facts(p: &Parsed, sources: &[Source], facts: &[Fact], diags: &mut Diagnostics) {
    let (listed, facts_line) = (&p.facts.0, p.facts.1);
    let own_voice = p.topic.0 == OWN_VOICE_TOPIC;
    if listed.is_empty() && !own_voice {
        diags.push(
            &p.file,
            facts_line,
            "no facts: list in `facts` the ids from facts.toml of every fact the text states",
        );
    }
    let mut backing: HashSet<&str> = HashSet::new();
    for f in listed {
        match facts.iter().find(|x| &x.id == f) {
            Some(fact) => backing.extend(fact.sources.iter().map(String::as_str)),
            None => diags.push(
                &p.file,
                facts_line,
                format!("unknown fact `{f}`: add it to facts.toml"),
            ),
        }
    }
    if p.sources.0.is_empty() && !listed.is_empty() {
        diags.push(
            &p.file,
            p.sources.1,
            "no source: name in `sources` the source (ids from sources.toml) shown under the answer",
        );
    }
    for s in &p.sources.0 {
        if !sources.iter().any(|x| &x.id == s) {
            diags.push(
                &p.file,
                p.sources.1,
                format!("unknown source `{s}`: add it to sources.toml"),
            );
        } else if !listed.is_empty() && !backing.contains(s.as_str()) {
            diags.push(
                &p.file,
                p.sources.1,
                format!(
                    "source `{s}` backs none of the passage's facts: show a source of one of them"
                ),
            );
        }
    }
}
