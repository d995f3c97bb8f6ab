//! Checks of the content that need the matcher: an example question is how
//! people ask for its passage, so the bot must send it there. A routing term
//! that refuses one of them ("halyk" the bank matching "халық" the people)
//! is an error; an example question that lands on another topic is a warning.

use crate::content::{Content, Diagnostic, Origins};
use crate::lang::Lang;
use crate::search::{Kind, Matcher};

/// One finding about an example question.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Where, and what.
    pub diagnostic: Diagnostic,
    /// Whether the content contradicts itself (an error) or only answers the
    /// question from another topic (a warning).
    pub error: bool,
}

/// Runs every example question through the matcher built from `content`;
/// `origins` (from [`crate::content::ContentFiles::parse_with_origins`]) say
/// where each question and fact was written.
pub fn lint(content: &Content, origins: &Origins) -> Vec<Finding> {
    let matcher = Matcher::new(content);
    let mut findings = Vec::new();
    for p in &content.passages {
        let origin = origins.passages.get(&p.id);
        for lang in Lang::ALL {
            let lines = origin.map(|o| o.questions.get(lang));
            for (i, q) in p.text.get(lang).questions.iter().enumerate() {
                let m = matcher.find(q, Some(lang));
                let (error, what) = match (m.kind, m.passage) {
                    (Kind::OutOfScope, _) => (true, "is refused as out of scope: a routing.toml `out_of_scope` term matches it".to_string()),
                    (Kind::Neutral, Some(n)) if content.passages[n].topic != p.topic => {
                        (true, "is taken as a request to take a side: a routing.toml `neutrality` rule matches it".to_string())
                    }
                    (Kind::Answer | Kind::Neutral, Some(a)) if content.passages[a].topic != p.topic => {
                        (false, format!("is answered from `{}` (topic `{}`)", content.passages[a].id, content.passages[a].topic))
                    }
                    (Kind::Greeting | Kind::Thanks, _) => (true, "is taken as small talk: a routing.toml `smalltalk` phrase is all it says".to_string()),
                    (Kind::Unknown | Kind::Unsure | Kind::Empty, _) => (false, "is not answered: add words it shares with the passage".to_string()),
                    _ => continue,
                };
                findings.push(Finding {
                    diagnostic: Diagnostic {
                        file: origin.map(|o| o.file.clone()).unwrap_or_default(),
                        line: lines.and_then(|l| l.get(i)).copied().unwrap_or(1),
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
    findings.extend(unused_facts(content, origins));
    findings
}

/// Facts no passage states: a warning, since the register may hold facts
/// kept for reference (a detail the dossier advises leaving out).
fn unused_facts(content: &Content, origins: &Origins) -> Vec<Finding> {
    content
        .facts
        .iter()
        .filter(|f| !content.passages.iter().any(|p| p.facts.contains(&f.id)))
        .map(|f| {
            let place = origins.facts.get(&f.id);
            Finding {
                diagnostic: Diagnostic {
                    file: place.map(|p| p.file.clone()).unwrap_or_default(),
                    line: place.map_or(1, |p| p.line),
                    message: format!("warning: fact `{}` is stated by no passage", f.id),
                },
                error: false,
            }
        })
        .collect()
}
