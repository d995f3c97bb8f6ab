//! Checks of the content that need the matcher: an example question is how
//! people ask for its passage, so the bot must send it there. A routing term
//! that refuses one of them ("halyk" the bank matching "халық" the people)
//! is an error; an example question that lands on another topic is a warning.

use crate::content::{Content, Diagnostic};
use crate::lang::Lang;
use crate::search::{Matcher, Outcome};
use std::path::Path;

/// One finding about an example question.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Where, and what.
    pub diagnostic: Diagnostic,
    /// Whether the content contradicts itself (an error) or only answers the
    /// question from another topic (a warning).
    pub error: bool,
}

/// Runs every example question through the matcher built from `content`
/// (read from `dir`).
pub fn lint(dir: &Path, content: &Content) -> Vec<Finding> {
    let matcher = Matcher::new(content);
    let mut findings = Vec::new();
    for p in &content.passages {
        let file = dir
            .join("passages")
            .join(&p.topic)
            .join(format!("{}.md", p.id));
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for lang in Lang::ALL {
            for q in &p.text.get(lang).questions {
                let m = matcher.find(q, Some(lang));
                let (error, what) = match m.outcome {
                    Outcome::OutOfScope => (true, "is refused as out of scope: a routing.toml `out_of_scope` term matches it".to_string()),
                    Outcome::Neutral(n) if content.passages[n].topic != p.topic => {
                        (true, "is taken as a request to take a side: a routing.toml `neutrality` rule matches it".to_string())
                    }
                    Outcome::Answer(a) | Outcome::Neutral(a) if content.passages[a].topic != p.topic => {
                        (false, format!("is answered from `{}` (topic `{}`)", content.passages[a].id, content.passages[a].topic))
                    }
                    Outcome::Greeting | Outcome::Thanks => (true, "is taken as small talk: a routing.toml `smalltalk` phrase is all it says".to_string()),
                    Outcome::Unknown | Outcome::Unsure | Outcome::Empty => (false, "is not answered: add words it shares with the passage".to_string()),
                    _ => continue,
                };
                let line = text
                    .lines()
                    .position(|l| l.strip_prefix('?').is_some_and(|rest| rest.trim() == q))
                    .map_or(1, |i| i + 1);
                findings.push(Finding {
                    diagnostic: Diagnostic {
                        file: file.clone(),
                        line,
                        message: format!(
                            "{}example question {q:?} {what}",
                            if error { "" } else { "warning: " }
                        ),
                    },
                    error,
                });
            }
        }
    }
    findings.extend(unused_facts(dir, content));
    findings
}

/// Facts no passage states: a warning, since the register may hold facts
/// kept for reference (a detail the dossier advises leaving out).
fn unused_facts(dir: &Path, content: &Content) -> Vec<Finding> {
    let file = dir.join("facts.toml");
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    content
        .facts
        .iter()
        .filter(|f| !content.passages.iter().any(|p| p.facts.contains(&f.id)))
        .map(|f| {
            let needle = format!("id = \"{}\"", f.id);
            let line = text
                .lines()
                .position(|l| l.trim() == needle)
                .map_or(1, |i| i + 1);
            Finding {
                diagnostic: Diagnostic {
                    file: file.clone(),
                    line,
                    message: format!("warning: fact `{}` is stated by no passage", f.id),
                },
                error: false,
            }
        })
        .collect()
}
