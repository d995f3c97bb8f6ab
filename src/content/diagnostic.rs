//! `file:line: message`, the one shape of every content problem.

use std::fmt;
use std::path::PathBuf;

/// One problem in the content folder, pointing at the line to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as the operator would open it (content folder joined with the
    /// path inside it).
    pub file: PathBuf,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong, and where useful, how to fix it.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

/// Collects diagnostics for one file at a time.
#[derive(Debug, Default)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records a problem at `file:line`.
    pub fn push(&mut self, file: impl Into<PathBuf>, line: usize, message: impl Into<String>) {
        self.list.push(Diagnostic {
            file: file.into(),
            line: line.max(1),
            message: message.into(),
        });
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The problems, in file order then line order.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.list
            .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        self.list.dedup();
        self.list
    }
}

/// The 1-based line of byte `offset` in `text`.
pub(super) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// What a TOML parse error says, for a `file:line: message` line. Some of
/// the parser's errors (a key with no value at the end of the file) carry
/// an empty message; the operator still needs to be told something.
pub fn toml_message(e: &toml::de::Error) -> String {
    let m = e.message().trim();
    if m.is_empty() {
        "not valid TOML here: a value is missing, or a quote or bracket is not closed".into()
    } else {
        m.to_string()
    }
}
