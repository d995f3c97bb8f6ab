//! One passage file: TOML front matter, then a section per language.

use super::{diagnostic::line_of, Diagnostics, Translation, MAX_ID_BYTES, MAX_TEXT_CHARS};
use crate::lang::{Lang, PerLang};
use crate::text::is_kazakh_letter;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// A passage file as written, before cross-file checks.
#[derive(Debug)]
pub(super) struct Parsed {
    /// The file, as shown to the operator.
    pub file: PathBuf,
    /// The folder under `passages/` it sits in, if any.
    pub folder: Option<String>,
    /// Id, from the file name.
    pub id: String,
    /// Topic id and its line.
    pub topic: (String, usize),
    /// Sub-topic id and its line, if any.
    pub subtopic: Option<(String, usize)>,
    /// Fact ids and their line.
    pub facts: (Vec<String>, usize),
    /// Source ids and their line.
    pub sources: (Vec<String>, usize),
    /// Related passage ids and their line.
    pub related: (Vec<String>, usize),
    /// Menu position.
    pub order: i64,
    /// The translations (missing ones already reported).
    pub text: PerLang<Translation>,
    /// Where each translation's heading and example questions are.
    pub lines: PerLang<SectionLines>,
}

/// Lines of one language section, for problems found across files.
#[derive(Debug, Clone, Default)]
pub(super) struct SectionLines {
    /// The `## kk: Title` line.
    pub heading: usize,
    /// The first line of the text.
    pub body: usize,
    /// Each example question's line, in order.
    pub questions: Vec<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Front {
    topic: Spanned<String>,
    #[serde(default)]
    subtopic: Option<Spanned<String>>,
    #[serde(default)]
    facts: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    sources: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    related: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    order: Option<i64>,
}

/// Parses one passage file; reports problems and returns what could be read.
pub(super) fn parse(file: &Path, rel: &str, text: &str, diags: &mut Diagnostics) -> Option<Parsed> {
    let id = rel.rsplit('/').next()?.trim_end_matches(".md").to_string();
    let folder = rel
        .strip_prefix("passages/")
        .and_then(|r| r.rsplit_once('/'))
        .map(|(f, _)| f.to_string());
    check_id(file, &id, diags);

    let lines: Vec<&str> = text.lines().collect();
    if lines.first().map(|l| l.trim()) != Some("+++") {
        diags.push(
            file,
            1,
            "a passage starts with `+++`, its front matter (topic, sources), and `+++`",
        );
        return None;
    }
    let Some(close) = lines
        .iter()
        .skip(1)
        .position(|l| l.trim() == "+++")
        .map(|i| i + 1)
    else {
        diags.push(
            file,
            1,
            "front matter is not closed: add a `+++` line after it",
        );
        return None;
    };
    let front_text = lines[1..close].join("\n");
    let front_line = |offset: usize| line_of(&front_text, offset) + 1;
    let front: Front = match toml::from_str(&front_text) {
        Ok(f) => f,
        Err(e) => {
            let line = e.span().map(|s| front_line(s.start)).unwrap_or(1);
            diags.push(
                file,
                line,
                format!("front matter: {}", super::diagnostic::toml_message(&e)),
            );
            return None;
        }
    };
    let topic = (
        front.topic.get_ref().clone(),
        front_line(front.topic.span().start),
    );
    let subtopic = front.subtopic.map(|s| {
        let line = front_line(s.span().start);
        (s.into_inner(), line)
    });
    let facts = match front.facts {
        Some(f) => {
            let line = front_line(f.span().start);
            (f.into_inner(), line)
        }
        None => (Vec::new(), 1),
    };
    let sources = match front.sources {
        Some(s) => {
            let line = front_line(s.span().start);
            (s.into_inner(), line)
        }
        None => (Vec::new(), 1),
    };
    let related = match front.related {
        Some(r) => {
            let line = front_line(r.span().start);
            (r.into_inner(), line)
        }
        None => (Vec::new(), 1),
    };

    let (text, section_lines) = parse_sections(file, &lines, close + 1, diags);
    Some(Parsed {
        file: file.to_path_buf(),
        folder,
        id,
        topic,
        subtopic,
        facts,
        sources,
        related,
        order: front.order.unwrap_or(i64::MAX),
        text,
        lines: section_lines,
    })
}

/// Checks an id is short, lowercase Latin, digits and hyphens.
pub(super) fn check_id(file: &Path, id: &str, diags: &mut Diagnostics) {
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        diags.push(
            file,
            1,
            format!("id `{id}` may use only a-z, 0-9 and `-` (rename the file)"),
        );
    }
    if id.len() > MAX_ID_BYTES {
        diags.push(
            file,
            1,
            format!(
                "id `{id}` is {} bytes; Telegram buttons allow {MAX_ID_BYTES} (rename the file)",
                id.len()
            ),
        );
    }
}

struct Section {
    line: usize,
    body_line: usize,
    title: String,
    paragraphs: Vec<String>,
    questions: Vec<String>,
    question_lines: Vec<usize>,
}

fn parse_sections(
    file: &Path,
    lines: &[&str],
    start: usize,
    diags: &mut Diagnostics,
) -> (PerLang<Translation>, PerLang<SectionLines>) {
    let mut sections: PerLang<Option<Section>> = PerLang::default();
    let mut current: Option<Lang> = None;
    let mut para = String::new();
    let flush =
        |sections: &mut PerLang<Option<Section>>, current: Option<Lang>, para: &mut String| {
            if let (Some(l), false) = (current, para.is_empty()) {
                if let Some(s) = sections.get_mut(l) {
                    s.paragraphs.push(std::mem::take(para));
                }
            }
            para.clear();
        };
    for (i, raw) in lines.iter().enumerate().skip(start) {
        let n = i + 1;
        let line = raw.trim();
        if let Some(head) = line.strip_prefix("## ") {
            flush(&mut sections, current, &mut para);
            let (code, title) = head.split_once(':').unwrap_or((head, ""));
            let lang = match code.trim().parse::<Lang>() {
                Ok(l) if code.trim().len() == 2 => l,
                _ => {
                    diags.push(file, n, format!("`## {}`: a section starts with `## kk:`, `## ru:` or `## en:` and a title", head));
                    current = None;
                    continue;
                }
            };
            if sections.get(lang).is_some() {
                diags.push(
                    file,
                    n,
                    format!("second `## {lang}:` section: one per language"),
                );
                current = None;
                continue;
            }
            let title = title.trim().to_string();
            if title.is_empty() {
                diags.push(
                    file,
                    n,
                    format!("`## {lang}:` needs a title after the colon"),
                );
            }
            check_letters(file, n, lang, &title, diags);
            *sections.get_mut(lang) = Some(Section {
                line: n,
                body_line: 0,
                title,
                paragraphs: Vec::new(),
                questions: Vec::new(),
                question_lines: Vec::new(),
            });
            current = Some(lang);
        } else if line.is_empty() {
            flush(&mut sections, current, &mut para);
        } else if current.is_none() {
            diags.push(
                file,
                n,
                "text outside a language section: put it under `## kk:`, `## ru:` or `## en:`",
            );
        } else if let Some(q) = line.strip_prefix('?') {
            flush(&mut sections, current, &mut para);
            let q = q.trim();
            if !q.is_empty() {
                if let Some(s) = current.and_then(|l| sections.get_mut(l).as_mut()) {
                    s.questions.push(q.to_string());
                    s.question_lines.push(n);
                }
            }
        } else {
            let lang = current.expect("checked above");
            check_letters(file, n, lang, line, diags);
            if let Some(s) = sections.get_mut(lang).as_mut() {
                if s.body_line == 0 {
                    s.body_line = n;
                }
            }
            if !para.is_empty() {
                para.push('\n');
            }
            para.push_str(line);
        }
    }
    flush(&mut sections, current, &mut para);

    let last_line = lines.len().max(1);
    let section_lines = PerLang::from_fn(|lang| {
        sections
            .get(lang)
            .as_ref()
            .map(|s| SectionLines {
                heading: s.line,
                body: s.body_line.max(s.line),
                questions: s.question_lines.clone(),
            })
            .unwrap_or_default()
    });
    let text = PerLang::from_fn(|lang| match sections.get_mut(lang).take() {
        None => {
            diags.push(
                file,
                last_line,
                format!(
                    "missing the {} translation: add a `## {lang}: Title` section",
                    lang_name(lang)
                ),
            );
            Translation::default()
        }
        Some(s) => {
            let body = s.paragraphs.join("\n\n");
            if body.is_empty() {
                diags.push(
                    file,
                    s.line,
                    format!("`## {lang}:` has a title but no text"),
                );
            }
            let chars = body.chars().count();
            if chars > MAX_TEXT_CHARS {
                diags.push(
                    file,
                    s.line,
                    format!("`## {lang}:` text is {chars} characters; keep it under {MAX_TEXT_CHARS} (a phone screen) or split the passage"),
                );
            }
            if s.questions.is_empty() {
                diags.push(file, s.line, format!("`## {lang}:` has no example questions (`? ...` lines): the search learns from them"));
            }
            Translation {
                title: s.title,
                body,
                questions: s.questions,
            }
        }
    });
    (text, section_lines)
}

/// Russian and English text must not carry Kazakh letters: it is usually a
/// Kazakh paragraph pasted under the wrong heading.
fn check_letters(file: &Path, line: usize, lang: Lang, text: &str, diags: &mut Diagnostics) {
    if lang == Lang::Kk {
        return;
    }
    if let Some(c) = text.chars().find(|&c| is_kazakh_letter(c)) {
        diags.push(
            file,
            line,
            format!(
                "Kazakh letter `{c}` in the {} text: is this under the right heading?",
                lang_name(lang)
            ),
        );
    }
}

/// The English name of a language, for operator messages.
pub(super) fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Kk => "Kazakh",
        Lang::Ru => "Russian",
        Lang::En => "English",
    }
}
